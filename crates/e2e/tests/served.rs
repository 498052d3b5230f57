//! The release build as `iotda-kit serve` sends it, over real HTTP (no
//! browser): each wasm arrives compressed, at most the size the page bench
//! counts (`gzip -9`), and decodes to the built file; every precompressed
//! file decodes to its file; the page's Content-Security-Policy is a header
//! on the page and on the workers' scripts.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use iotda_kit_e2e::{serve_dist, workspace_root};
use iotda_testkit::http::get;

fn dist() -> PathBuf {
    workspace_root().join("dist")
}

/// The files of `dist/` whose names end with `suffix`.
fn files(suffix: &str) -> Vec<PathBuf> {
    let mut found: Vec<PathBuf> = std::fs::read_dir(dist())
        .expect("read dist/ (scripts/test.sh builds it)")
        .map(|e| e.expect("a dist/ entry").path())
        .filter(|p| p.to_str().is_some_and(|n| n.ends_with(suffix)))
        .collect();
    found.sort();
    found
}

/// `bytes` decoded by Debian's `tool` (`gzip`, `brotli`).
fn decode(tool: &str, bytes: &[u8]) -> Vec<u8> {
    let mut child = Command::new(tool)
        .args(["-d", "-c"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap_or_else(|e| panic!("run {tool} (scripts/lib.sh installs it): {e}"));
    let mut stdin = child.stdin.take().expect("stdin");
    let input = bytes.to_vec();
    let writer = std::thread::spawn(move || stdin.write_all(&input));
    let out = child.wait_with_output().expect("decode");
    writer.join().expect("writer").expect("feed the decoder");
    assert!(out.status.success(), "{tool} -d failed");
    out.stdout
}

/// The page bench's count: `gzip -9c FILE | wc -c`.
fn gzip_size(path: &Path) -> usize {
    let out = Command::new("gzip")
        .arg("-9c")
        .arg(path)
        .output()
        .expect("run gzip");
    out.stdout.len()
}

fn name(path: &Path) -> String {
    path.file_name()
        .and_then(|n| n.to_str())
        .expect("a UTF-8 file name")
        .to_owned()
}

#[test]
fn each_wasm_is_sent_compressed_and_decodes_to_the_built_file() {
    let addr = serve_dist();
    let wasms = files(".wasm");
    assert!(
        wasms.len() >= 3,
        "the page's and both workers' wasm: {wasms:?}"
    );
    for wasm in wasms {
        let built = std::fs::read(&wasm).expect("read a wasm");
        let path = format!("/{}", name(&wasm));

        let br = get(addr, &path, "Accept-Encoding: br, gzip\r\n");
        assert_eq!(br.status, 200, "{path}");
        assert_eq!(br.header("content-encoding"), Some("br"), "{path}");
        assert_eq!(br.header("content-type"), Some("application/wasm"));
        assert_eq!(br.header("vary"), Some("accept-encoding"));
        assert_eq!(decode("brotli", &br.body), built, "{path}: brotli");

        let gz = get(addr, &path, "Accept-Encoding: gzip\r\n");
        assert_eq!(gz.header("content-encoding"), Some("gzip"), "{path}");
        assert_eq!(decode("gzip", &gz.body), built, "{path}: gzip");
        // What a user of the run command downloads is what the budget counts.
        assert!(
            gz.body.len() <= gzip_size(&wasm),
            "{path}: {} sent, the bench counts {}",
            gz.body.len(),
            gzip_size(&wasm)
        );
        assert!(br.body.len() < gz.body.len(), "{path}: brotli is smaller");
        assert!(gz.body.len() < built.len() / 2, "{path}: compressed");

        let plain = get(addr, &path, "");
        assert_eq!(plain.header("content-encoding"), None);
        assert_eq!(plain.body, built, "{path}: plain");
    }
}

#[test]
fn every_compressible_file_has_precompressed_siblings_that_decode_to_it() {
    for suffix in [
        ".wasm",
        ".js",
        ".html",
        ".css",
        ".json",
        ".svg",
        ".webmanifest",
    ] {
        for file in files(suffix) {
            let built = std::fs::read(&file).expect("read");
            let mut siblings = 0;
            for (ext, tool) in [("br", "brotli"), ("gz", "gzip")] {
                let sibling = dist().join(format!("{}.{ext}", name(&file)));
                if let Ok(packed) = std::fs::read(&sibling) {
                    assert_eq!(decode(tool, &packed), built, "{}", sibling.display());
                    siblings += 1;
                }
            }
            // post_build.py skips a sibling only when it would not be
            // smaller, which happens to tiny files alone.
            assert!(
                siblings == 2 || built.len() < 200,
                "{}: {siblings} precompressed siblings",
                file.display()
            );
        }
    }
    let sw = std::fs::read_to_string(dist().join("sw.js")).expect("read sw.js");
    assert!(
        !sw.contains(".br\"") && !sw.contains(".gz\""),
        "the service worker's list keeps the plain names only"
    );
    assert!(sw.contains("\"/index.html\""), "the list is filled in");
}

#[test]
fn the_pages_policy_is_a_header_on_the_page_and_the_workers_scripts() {
    let html = std::fs::read_to_string(dist().join("index.html")).expect("read index.html");
    let marker = "http-equiv=\"Content-Security-Policy\" content=\"";
    let start = html.find(marker).expect("the page's CSP <meta>") + marker.len();
    let meta = &html[start..start + html[start..].find('"').expect("its end")];
    let expected = format!("{meta}; frame-ancestors 'none'");
    let addr = serve_dist();
    let workers: Vec<String> = files(".js")
        .iter()
        .map(|p| name(p))
        .filter(|n| n.contains("worker") && n != "sw.js")
        .collect();
    assert!(workers.len() >= 2, "both workers' scripts: {workers:?}");
    let paths = ["/".to_owned(), "/console".to_owned(), "/sw.js".to_owned()]
        .into_iter()
        .chain(workers.iter().map(|w| format!("/{w}")));
    for path in paths {
        let answer = get(addr, &path, "Accept-Encoding: br, gzip\r\n");
        assert_eq!(answer.status, 200, "{path}");
        assert_eq!(
            answer.header("content-security-policy"),
            Some(expected.as_str()),
            "{path}"
        );
        assert_eq!(answer.header("x-content-type-options"), Some("nosniff"));
        assert_eq!(answer.header("referrer-policy"), Some("no-referrer"));
        assert_eq!(
            answer.header("cross-origin-opener-policy"),
            Some("same-origin")
        );
    }
}
