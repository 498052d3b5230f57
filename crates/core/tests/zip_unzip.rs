//! Archives from `iotda_core::zip` are read by the real `unzip` (Info-ZIP)
//! and by Python's `zipfile`: contents, names, permissions and times.
// Helpers outside #[test] functions unwrap too: a failure is a test failure.
#![allow(clippy::unwrap_used)]

use std::os::unix::fs::PermissionsExt;
use std::process::Command;

use iotda_core::zip::{ZipWriter, MODE_SECRET};
use iotda_testkit::Scratch;

/// 2026-11-28T17:38:52Z
const WHEN: i64 = 1_795_887_532;

fn archive() -> Vec<u8> {
    let mut zip = ZipWriter::new();
    zip.add_file("fingerprints.csv", b"node_id,fingerprint\nn1,AB\n", WHEN)
        .unwrap();
    zip.add_file("n1/deviceCert.pem", b"-----BEGIN CERTIFICATE-----\n", WHEN)
        .unwrap();
    zip.add_file_with_mode("n1/deviceCert.key", b"secret", MODE_SECRET, WHEN)
        .unwrap();
    zip.add_file("n1/empty", b"", WHEN).unwrap();
    zip.add_file("设备/说明.txt", "中文".as_bytes(), WHEN)
        .unwrap();
    let big: Vec<u8> = (0..200_000u32).map(|i| (i % 251) as u8).collect();
    zip.add_file("big.bin", &big, WHEN).unwrap();
    zip.finish().unwrap()
}

#[test]
fn unzip_tests_and_extracts_everything_with_modes() {
    let dir = Scratch::new("zip");
    std::fs::write(dir.join("a.zip"), archive()).unwrap();
    let test = Command::new("unzip")
        .args(["-t", "a.zip"])
        .current_dir(dir.path())
        .output()
        .expect("run unzip (apt-get install unzip)");
    let out = String::from_utf8_lossy(&test.stdout);
    assert!(test.status.success(), "{out}");
    assert!(out.contains("No errors detected"), "{out}");

    let extract = Command::new("unzip")
        .args(["-q", "a.zip", "-d", "x"])
        .current_dir(dir.path())
        .output()
        .unwrap();
    assert!(extract.status.success());
    let x = dir.join("x");
    assert_eq!(
        std::fs::read_to_string(x.join("fingerprints.csv")).unwrap(),
        "node_id,fingerprint\nn1,AB\n"
    );
    assert_eq!(
        std::fs::read(x.join("n1/deviceCert.key")).unwrap(),
        b"secret"
    );
    assert_eq!(std::fs::read(x.join("n1/empty")).unwrap(), b"");
    assert_eq!(
        std::fs::read_to_string(x.join("设备/说明.txt")).unwrap(),
        "中文"
    );
    assert_eq!(std::fs::read(x.join("big.bin")).unwrap().len(), 200_000);
    let mode = |p: &str| std::fs::metadata(x.join(p)).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode("n1/deviceCert.key"), 0o600);
    assert_eq!(mode("n1/deviceCert.pem"), 0o644);
}

#[test]
fn python_zipfile_agrees() {
    let dir = Scratch::new("zip-py");
    std::fs::write(dir.join("a.zip"), archive()).unwrap();
    let script = r#"
import zipfile, sys
z = zipfile.ZipFile(sys.argv[1])
assert z.testzip() is None
for i in z.infolist():
    print(i.filename, i.file_size, oct(i.external_attr >> 16), "%04d-%02d-%02dT%02d:%02d:%02d" % i.date_time)
"#;
    let out = Command::new("python3")
        .args(["-c", script, "a.zip"])
        .current_dir(dir.path())
        .output()
        .expect("run python3");
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(
        lines,
        [
            "fingerprints.csv 26 0o100644 2026-11-28T17:38:52",
            "n1/deviceCert.pem 28 0o100644 2026-11-28T17:38:52",
            "n1/deviceCert.key 6 0o100600 2026-11-28T17:38:52",
            "n1/empty 0 0o100644 2026-11-28T17:38:52",
            "设备/说明.txt 6 0o100644 2026-11-28T17:38:52",
            "big.bin 200000 0o100644 2026-11-28T17:38:52",
        ]
    );
}

/// `iotda_core::gzip` and the real `gzip` read each other's output.
#[test]
fn gzip_reads_and_is_read_by_the_gzip_tool() {
    use std::io::Write;
    use std::process::Stdio;
    let data: Vec<u8> = (0..100_000u32).map(|i| (i % 97) as u8).collect();
    let run = |args: &[&str], input: &[u8]| {
        let mut child = Command::new("gzip")
            .args(args)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .spawn()
            .expect("run gzip");
        child.stdin.take().unwrap().write_all(input).unwrap();
        let out = child.wait_with_output().unwrap();
        assert!(out.status.success(), "gzip {args:?}");
        out.stdout
    };
    let ours = iotda_core::gzip::compress(&data);
    assert_eq!(run(&["-d", "-c"], &ours), data);
    let theirs = run(&["-c", "-9"], &data);
    assert_eq!(
        iotda_core::gzip::decompress(&theirs, data.len()).unwrap(),
        data
    );
}
