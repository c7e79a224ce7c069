//! The request log: every request the simulator received, in memory for tests and, with
//! `--record FILE`, as JSON lines on disk.
//!
//! Headers are never recorded, so the `Authorization` key cannot reach the log.

use std::collections::VecDeque;
use std::fs::File;
use std::io::Write;
use std::path::Path;
use std::sync::Mutex;
use std::time::SystemTime;

use serde::Serialize;
use serde_json::Value;

/// How many requests the in-memory log keeps; older ones are dropped first.
pub const MEMORY_LOG_CAP: usize = 10_000;

/// One request as the simulator saw it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RecordedRequest {
    /// When it arrived, RFC 3339 with milliseconds, UTC.
    pub ts: String,
    /// HTTP method.
    pub method: String,
    /// Full path, including `/api/rest`.
    pub path: String,
    /// Raw query string, if any.
    pub query: Option<String>,
    /// Status answered; `None` when the simulator never answered (`no-response` fault).
    pub status: Option<u16>,
    /// The request body: parsed JSON, a string when it is not JSON, `null` when empty.
    pub body: Value,
}

impl RecordedRequest {
    /// A request arriving now, not answered yet.
    pub fn new(method: &str, path: &str, query: Option<&str>, body: &[u8]) -> RecordedRequest {
        let body = if body.is_empty() {
            Value::Null
        } else {
            serde_json::from_slice(body)
                .unwrap_or_else(|_| Value::String(String::from_utf8_lossy(body).into_owned()))
        };
        RecordedRequest {
            ts: humantime::format_rfc3339_millis(SystemTime::now()).to_string(),
            method: method.to_owned(),
            path: path.to_owned(),
            query: query.map(str::to_owned),
            status: None,
            body,
        }
    }
}

/// The in-memory log and the optional file.
#[derive(Debug)]
pub struct RequestLog {
    memory: Mutex<VecDeque<RecordedRequest>>,
    file: Option<Mutex<File>>,
}

impl RequestLog {
    /// A log, writing JSON lines to `path` when given (the file is truncated).
    pub fn new(path: Option<&Path>) -> std::io::Result<RequestLog> {
        let file = match path {
            Some(p) => Some(Mutex::new(File::create(p)?)),
            None => None,
        };
        Ok(RequestLog {
            memory: Mutex::new(VecDeque::new()),
            file,
        })
    }

    /// Appends a request.
    pub fn push(&self, request: RecordedRequest) {
        if let Some(file) = &self.file
            && let Ok(mut line) = serde_json::to_vec(&request)
        {
            line.push(b'\n');
            let mut file = file.lock().unwrap_or_else(|e| e.into_inner());
            // A full disk must not take the simulator down; the in-memory log still has it.
            let _ = file.write_all(&line);
        }
        let mut memory = self.memory.lock().unwrap_or_else(|e| e.into_inner());
        if memory.len() >= MEMORY_LOG_CAP {
            memory.pop_front();
        }
        memory.push_back(request);
    }

    /// Everything in memory, oldest first.
    pub fn snapshot(&self) -> Vec<RecordedRequest> {
        let memory = self.memory.lock().unwrap_or_else(|e| e.into_inner());
        memory.iter().cloned().collect()
    }
}
