//! The one download a simulated device makes: an upgrade package over
//! HTTP(S), `GET` with `Authorization: Bearer {token}` as Huawei's device
//! SDKs send it, trusting the same `--ca` as the broker (as a device trusts
//! its platform's CA). Blocking, bounded in time and in size.

use std::io::{Read, Write};
use std::time::Duration;

use iotda_core::iotda::{Fetch, FetchError};

use crate::net::{self, TlsOptions};
use crate::CliError;

/// Most bytes of status line and headers read.
const MAX_HEAD: usize = 16 * 1024;

/// Downloads `fetch.url`: at most `fetch.max_len` bytes of body.
pub fn fetch(
    fetch: &Fetch,
    ca: Option<&std::path::Path>,
    timeout: Duration,
) -> Result<Vec<u8>, FetchError> {
    let failed = |why: String| FetchError::Failed(why);
    let (tls, rest) = if let Some(rest) = fetch.url.strip_prefix("https://") {
        (true, rest)
    } else if let Some(rest) = fetch.url.strip_prefix("http://") {
        (false, rest)
    } else {
        return Err(failed(format!(
            "{}: only http:// and https:// URLs are fetched",
            fetch.url
        )));
    };
    let (authority, path) = rest.split_at(rest.find('/').unwrap_or(rest.len()));
    let path = if path.is_empty() { "/" } else { path };
    let (host, port) = match authority.rsplit_once(':') {
        Some((h, p)) if !h.ends_with(']') || h.starts_with('[') => (
            h.trim_start_matches('[').trim_end_matches(']'),
            p.parse::<u16>()
                .map_err(|_| failed(format!("{}: bad port {p:?}", fetch.url)))?,
        ),
        _ => (authority, if tls { 443 } else { 80 }),
    };
    let options = tls.then(|| TlsOptions {
        ca: ca.map(std::path::Path::to_path_buf),
        ..TlsOptions::default()
    });
    let mut stream = net::connect(host, port, options.as_ref(), timeout).map_err(|e| match e {
        CliError::Usage(m) | CliError::Failure(m) => failed(m),
    })?;
    stream
        .set_read_timeout(timeout)
        .map_err(|e| failed(e.to_string()))?;
    let mut request = format!(
        "GET {path} HTTP/1.1\r\nHost: {authority}\r\nConnection: close\r\nUser-Agent: iotda-kit\r\n"
    );
    if let Some(token) = &fetch.access_token {
        request.push_str(&format!("Authorization: Bearer {token}\r\n"));
    }
    request.push_str("\r\n");
    stream
        .write_all(request.as_bytes())
        .and_then(|()| stream.flush())
        .map_err(|e| io_error(&e))?;
    let limit = usize::try_from(fetch.max_len)
        .unwrap_or(usize::MAX)
        .saturating_add(MAX_HEAD);
    let mut raw = Vec::new();
    let mut buf = [0u8; 16 * 1024];
    loop {
        match stream.read(&mut buf) {
            Ok(0) => break,
            Ok(n) => {
                raw.extend_from_slice(buf.get(..n).unwrap_or_default());
                if raw.len() > limit {
                    break;
                }
            }
            // A TLS peer that closes without close_notify: what was read is the body.
            Err(e) if e.kind() == std::io::ErrorKind::UnexpectedEof => break,
            Err(e) => return Err(io_error(&e)),
        }
    }
    let head_end = raw
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .ok_or_else(|| failed("the server's answer has no end of headers".into()))?;
    let head = String::from_utf8_lossy(raw.get(..head_end).unwrap_or_default()).into_owned();
    let mut body = raw.get(head_end + 4..).unwrap_or_default().to_vec();
    let status = head
        .lines()
        .next()
        .and_then(|l| l.split_whitespace().nth(1))
        .and_then(|s| s.parse::<u16>().ok())
        .ok_or_else(|| failed("the server's answer has no HTTP status".into()))?;
    if status != 200 {
        return Err(failed(format!("{} answered HTTP {status}", fetch.url)));
    }
    let chunked = head.lines().any(|l| {
        let l = l.to_ascii_lowercase();
        l.starts_with("transfer-encoding:") && l.contains("chunked")
    });
    if chunked {
        body = dechunk(&body).ok_or_else(|| failed("a malformed chunked body".into()))?;
    }
    let max = usize::try_from(fetch.max_len).unwrap_or(usize::MAX);
    body.truncate(max);
    Ok(body)
}

fn io_error(e: &std::io::Error) -> FetchError {
    match e.kind() {
        std::io::ErrorKind::WouldBlock | std::io::ErrorKind::TimedOut => FetchError::Timeout,
        _ => FetchError::Failed(e.to_string()),
    }
}

/// The data of a chunked body (RFC 9112 §7.1), trailers ignored.
fn dechunk(mut body: &[u8]) -> Option<Vec<u8>> {
    let mut out = Vec::new();
    loop {
        let line_end = body.windows(2).position(|w| w == b"\r\n")?;
        let size_text = std::str::from_utf8(body.get(..line_end)?).ok()?;
        let size = usize::from_str_radix(size_text.split(';').next()?.trim(), 16).ok()?;
        body = body.get(line_end + 2..)?;
        if size == 0 {
            return Some(out);
        }
        out.extend_from_slice(body.get(..size)?);
        body = body.get(size + 2..)?;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dechunks_and_refuses_broken_chunks() {
        assert_eq!(
            dechunk(b"4\r\nWiki\r\n5;x=1\r\npedia\r\n0\r\n\r\n").as_deref(),
            Some(&b"Wikipedia"[..])
        );
        assert_eq!(dechunk(b"zz\r\n"), None);
        assert_eq!(dechunk(b"10\r\nshort\r\n"), None);
    }
}
