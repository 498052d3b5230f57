//! Chromium's NetLog, read after the browser closed: every request the
//! browser made (the page's, its workers' and its service worker's alike)
//! with the headers of its response. The security test reads it because
//! the page's own view (`performance` entries, a `WebSocket` wrapper) does
//! not see what a worker fetches.

use std::collections::BTreeMap;
use std::path::Path;

use serde_json::Value;

/// One request of the browser.
#[derive(Debug, Clone)]
pub struct Request {
    /// The URL asked for (`http://…`, `ws://…`).
    pub url: String,
    /// The origin that asked (a page's or a worker's, `http://host:port`),
    /// or `None` for the browser's own requests (its updater, autofill…),
    /// which the NetLog says have "not an origin".
    pub initiator: Option<String>,
    /// The header lines of the response, lower-cased names, when one came
    /// from the network (a request answered from a cache has none).
    pub response_headers: Vec<String>,
}

impl Request {
    /// The value of the response header `name` (lower case), if sent.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.response_headers.iter().find_map(|line| {
            let (key, value) = line.split_once(':')?;
            key.trim().eq_ignore_ascii_case(name).then(|| value.trim())
        })
    }
}

/// The requests of a NetLog file.
#[derive(Debug)]
pub struct NetLog {
    /// In the order they started.
    pub requests: Vec<Request>,
}

impl NetLog {
    /// Reads the NetLog Chromium wrote to `path` (`--log-net-log`). A log
    /// cut short (the browser killed before it finished the file) is read
    /// up to its last whole event.
    pub fn read(path: &Path) -> Result<Self, String> {
        let text = std::fs::read_to_string(path)
            .map_err(|e| format!("cannot read the NetLog {}: {e}", path.display()))?;
        let log: Value = serde_json::from_str(&text)
            .or_else(|_| serde_json::from_str(&close_cut_log(&text)))
            .map_err(|e| format!("the NetLog {} is not JSON: {e}", path.display()))?;
        let types = log["constants"]["logEventTypes"]
            .as_object()
            .ok_or("the NetLog has no constants.logEventTypes")?;
        let type_of = |name: &str| types.get(name).and_then(Value::as_u64);
        let start = type_of("URL_REQUEST_START_JOB").ok_or("no URL_REQUEST_START_JOB type")?;
        let headers = type_of("HTTP_TRANSACTION_READ_RESPONSE_HEADERS")
            .ok_or("no HTTP_TRANSACTION_READ_RESPONSE_HEADERS type")?;
        let events = log["events"].as_array().ok_or("the NetLog has no events")?;

        // A source (one URL request) may start several jobs (a redirect):
        // each is a request of its own, and headers belong to the latest.
        let mut requests: Vec<Request> = Vec::new();
        let mut latest: BTreeMap<u64, usize> = BTreeMap::new();
        for event in events {
            let (Some(kind), Some(source)) =
                (event["type"].as_u64(), event["source"]["id"].as_u64())
            else {
                continue;
            };
            if kind == start {
                if let Some(url) = event["params"]["url"].as_str() {
                    latest.insert(source, requests.len());
                    requests.push(Request {
                        url: url.to_owned(),
                        initiator: event["params"]["initiator"]
                            .as_str()
                            .filter(|i| i.contains("://"))
                            .map(str::to_owned),
                        response_headers: Vec::new(),
                    });
                }
            } else if kind == headers {
                if let (Some(&at), Some(lines)) =
                    (latest.get(&source), event["params"]["headers"].as_array())
                {
                    requests[at].response_headers = lines
                        .iter()
                        .filter_map(Value::as_str)
                        .map(str::to_owned)
                        .collect();
                }
            }
        }
        Ok(Self { requests })
    }
}

/// A NetLog cut short: Chromium writes one event a line, each ending in
/// `},`, so the log is closed after the last whole line of that form.
fn close_cut_log(text: &str) -> String {
    let mut end = 0;
    let mut at = 0;
    for line in text.split_inclusive('\n') {
        at += line.len();
        if line.trim_end().ends_with("},") {
            end = at - line.len() + line.trim_end().len() - 1;
        }
    }
    format!("{}]}}", &text[..end])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_requests_and_their_headers_from_a_cut_log() {
        let dir = std::env::temp_dir().join(format!("netlog-test-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("log.json");
        std::fs::write(
            &path,
            r#"{"constants":{"logEventTypes":{"URL_REQUEST_START_JOB":2,"HTTP_TRANSACTION_READ_RESPONSE_HEADERS":3}},
"events":[
{"type":2,"source":{"id":7},"params":{"initiator":"http://127.0.0.1:1","url":"http://127.0.0.1:1/sim_worker.js"}},
{"type":3,"source":{"id":7},"params":{"headers":["HTTP/1.1 200 OK","Content-Security-Policy: default-src 'self'"]}},
{"type":2,"source":{"id":8},"params":{"initiator":"not an origin","url":"ws://127.0.0.1:2/mqtt"}},
{"type":3,"source":{"id":8},"params":{"head"#,
        )
        .unwrap();
        let log = NetLog::read(&path).unwrap();
        std::fs::remove_dir_all(&dir).unwrap();
        assert_eq!(log.requests.len(), 2);
        assert_eq!(log.requests[0].url, "http://127.0.0.1:1/sim_worker.js");
        assert_eq!(
            log.requests[0].header("content-security-policy"),
            Some("default-src 'self'")
        );
        assert_eq!(
            log.requests[0].initiator.as_deref(),
            Some("http://127.0.0.1:1")
        );
        assert_eq!(log.requests[1].url, "ws://127.0.0.1:2/mqtt");
        assert_eq!(log.requests[1].initiator, None);
        assert!(log.requests[1].response_headers.is_empty());
    }
}
