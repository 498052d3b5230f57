//! Every file and standard-input read is bounded: a device, a FIFO or a
//! folder where a file is expected, and inputs over 16 MiB, are refused with
//! one line and exit 2 (before `/dev/zero` ran until killed).

use std::io::Write;
use std::process::{Command, Output, Stdio};

use iotda_testkit::{free_port, Scratch};

use crate::{kit, kit_in, text};

/// Asserts a usage error of one line containing `want`.
fn refused(out: &Output, want: &str) {
    let stderr = text(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains(want), "{stderr}");
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
}

/// A sparse file of 16 MiB and one byte: big on reading, free on disk.
fn too_big(dir: &Scratch) -> String {
    let path = dir.join("big");
    let file = std::fs::File::create(&path).unwrap();
    file.set_len(16 * 1024 * 1024 + 1).unwrap();
    path.display().to_string()
}

#[test]
fn devices_pipes_and_folders_are_not_files() {
    let dir = Scratch::new("inputs");
    let fifo = dir.join("fifo");
    assert!(Command::new("mkfifo")
        .arg(&fifo)
        .status()
        .unwrap()
        .success());
    let fifo = fifo.display().to_string();
    let folder = dir.path().display().to_string();
    for (args, path) in [
        (
            vec![
                "model",
                "validate",
                "--model",
                "/dev/zero",
                "--report",
                "r.json",
            ],
            "/dev/zero",
        ),
        (
            vec!["model", "validate", "--model", &fifo, "--report", "r.json"],
            &fifo,
        ),
        (vec!["cert", "inspect", "/dev/zero"], "/dev/zero"),
        (vec!["cert", "inspect", &folder], &folder),
        (vec!["fingerprint", "/dev/urandom"], "/dev/urandom"),
        (
            vec![
                "cert",
                "batch",
                "--node-ids",
                "/dev/zero",
                "--ca",
                "ca.pem",
                "--ca-key",
                "ca.key",
                "--out-dir",
                "out",
            ],
            "/dev/zero",
        ),
    ] {
        let out = kit_in(dir.path(), &args);
        refused(&out, &format!("{path} is "));
        assert!(
            text(&out.stderr).contains("give the path of a file"),
            "{args:?}"
        );
    }
}

#[test]
fn files_over_the_limit_are_refused() {
    let dir = Scratch::new("inputs");
    let big = too_big(&dir);
    for args in [
        vec!["model", "validate", "--model", &big, "--report", "r.json"],
        vec!["cert", "inspect", &big],
    ] {
        refused(&kit(&args), &format!("{big} is longer than 16 MiB"));
    }
}

#[test]
fn standard_input_over_the_limit_is_refused() {
    // Refused before connecting: nothing listens on the port.
    let port = free_port().to_string();
    let runs: [&[&str]; 2] = [
        &[
            "pub",
            "--host",
            "127.0.0.1",
            "--port",
            &port,
            "--topic",
            "t",
            "--message",
            "-",
        ],
        &["model", "validate", "--report", "-"],
    ];
    for args in runs {
        let mut child = Command::new(env!("CARGO_BIN_EXE_iotda-kit"))
            .args(args)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let mut stdin = child.stdin.take().unwrap();
        // The CLI stops reading past the limit and closes the pipe, so the
        // rest of an endless input is not written.
        let chunk = vec![b'x'; 1024 * 1024];
        for _ in 0..64 {
            if stdin.write_all(&chunk).is_err() {
                break;
            }
        }
        drop(stdin);
        let out = child.wait_with_output().unwrap();
        refused(&out, "on standard input is longer than 16 MiB");
    }
}
