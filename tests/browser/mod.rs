//! Headless Chromium for the HTML report's tests, driven through the DevTools protocol over a
//! pipe (`--remote-debugging-pipe`: no port is opened). A page is opened from a file and
//! then asked what a reader would see: every request it made (from the protocol's network
//! events, so nothing the page loads can hide), every dialog it opened, a screenshot, and
//! whatever a script run by the harness (not by the page) reads from the DOM.
//!
//! Chromium is Debian's `chromium` (or `HAMMING_CHROMIUM`). Where it is absent the tests skip
//! with a message, except when `HAMMING_BROWSER_TESTS=required` (CI sets it): then a missing
//! browser fails.

#![allow(dead_code)]

mod picture;

use picture::base64;
pub use picture::picture;

use std::fs::File;
use std::io::{BufRead, BufReader, Write};
use std::os::fd::{FromRawFd, RawFd};
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc::{Receiver, RecvTimeoutError, channel};
use std::time::{Duration, Instant};

use serde_json::{Value, json};
use tempfile::TempDir;

/// How long one protocol command or a page load may take.
const PATIENCE: Duration = Duration::from_secs(30);

/// The flags every launch uses: headless, no sandbox (the tests may run as root), and none of
/// the browser's own background traffic.
const FLAGS: &[&str] = &[
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
    "--disable-extensions",
    "--disable-default-apps",
    "--no-default-browser-check",
    "--disable-domain-reliability",
    "--disable-client-side-phishing-detection",
    "--mute-audio",
    "--hide-scrollbars",
    "--remote-debugging-pipe",
];

/// Whether a missing browser fails the tests rather than skipping them.
pub fn required() -> bool {
    std::env::var("HAMMING_BROWSER_TESTS").is_ok_and(|v| v == "required")
}

/// The browser's executable: `HAMMING_CHROMIUM`, else the first of Debian's names on the PATH.
pub fn executable() -> Option<PathBuf> {
    if let Some(path) = std::env::var_os("HAMMING_CHROMIUM") {
        return Some(PathBuf::from(path));
    }
    let path = std::env::var_os("PATH")?;
    ["chromium", "chromium-browser", "google-chrome"]
        .iter()
        .flat_map(|name| std::env::split_paths(&path).map(move |dir| dir.join(name)))
        .find(|candidate| candidate.is_file())
}

/// A running browser.
pub struct Browser {
    child: Child,
    to_browser: File,
    from_browser: Receiver<Value>,
    /// Events received while waiting for answers, in order.
    events: Vec<Value>,
    next_id: u64,
    _profile: TempDir,
}

/// What hovering over and focusing an element showed.
#[derive(Debug)]
pub struct Probe {
    pub tip: String,
    pub shown_on_hover: bool,
    pub shown_on_focus: bool,
    pub hidden_otherwise: bool,
}

/// What a page did and showed.
pub struct Visit {
    /// The URL of every request the page made, the page itself included.
    pub requests: Vec<String>,
    /// Requests the browser refused to make, with the reason (`csp`, …).
    pub blocked: Vec<(String, String)>,
    /// Messages of the JavaScript dialogs the page opened.
    pub dialogs: Vec<String>,
    /// What the inspection script returned.
    pub dom: Value,
    /// For the probed element: the text of its tip, and whether the tip showed on hover
    /// and on keyboard focus.
    pub probe: Option<Probe>,
    /// The screenshot, as PNG.
    pub screenshot: Vec<u8>,
}

impl Browser {
    /// Starts the browser; `None`, with a message on stderr, when there is none and it is not
    /// required. Panics when it is required and missing or cannot start.
    pub fn launch() -> Option<Self> {
        let Some(executable) = executable() else {
            assert!(
                !required(),
                "HAMMING_BROWSER_TESTS=required, but no chromium was found on the PATH (install Debian's `chromium`, or set HAMMING_CHROMIUM)"
            );
            // Straight to stderr, past the test harness's capture, so the skip is seen.
            let _ = std::io::stderr().write_all(
                b"note: chromium is not installed; the HTML report's browser tests are skipped (apt-get install chromium, or set HAMMING_CHROMIUM)\n",
            );
            return None;
        };
        Some(
            Self::start(&executable)
                .unwrap_or_else(|e| panic!("cannot start {}: {e}", executable.display())),
        )
    }

    fn start(executable: &Path) -> Result<Self, String> {
        let profile = tempfile::tempdir().map_err(|e| e.to_string())?;
        let (browser_reads, we_write) = pipe()?;
        let (we_read, browser_writes) = pipe()?;
        let log = File::create(profile.path().join("chromium.log")).map_err(|e| e.to_string())?;
        let mut command = Command::new(executable);
        command
            .args(FLAGS)
            .arg(format!(
                "--user-data-dir={}",
                profile.path().join("profile").display()
            ))
            .arg("about:blank")
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(log);
        // The protocol pipe is the browser's fds 3 (it reads) and 4 (it writes). Both ends are
        // first moved above 10, so that neither can be one of 3 and 4 when it is put there.
        unsafe {
            command.pre_exec(move || {
                let reads = libc::fcntl(browser_reads, libc::F_DUPFD_CLOEXEC, 10);
                let writes = libc::fcntl(browser_writes, libc::F_DUPFD_CLOEXEC, 10);
                if reads < 0 || writes < 0 || libc::dup2(reads, 3) < 0 || libc::dup2(writes, 4) < 0
                {
                    return Err(std::io::Error::last_os_error());
                }
                Ok(())
            });
        }
        let child = command.spawn().map_err(|e| e.to_string())?;
        unsafe {
            libc::close(browser_reads);
            libc::close(browser_writes);
        }
        let to_browser = unsafe { File::from_raw_fd(we_write) };
        let from = unsafe { File::from_raw_fd(we_read) };
        let (sender, receiver) = channel();
        std::thread::spawn(move || {
            let mut reader = BufReader::new(from);
            let mut message = Vec::new();
            while reader.read_until(0, &mut message).is_ok_and(|n| n > 0) {
                if message.last() == Some(&0) {
                    message.pop();
                }
                if let Ok(value) = serde_json::from_slice::<Value>(&message)
                    && sender.send(value).is_err()
                {
                    break;
                }
                message.clear();
            }
        });
        let mut browser = Self {
            child,
            to_browser,
            from_browser: receiver,
            events: Vec::new(),
            next_id: 0,
            _profile: profile,
        };
        browser.call(None, "Browser.getVersion", json!({}))?;
        Ok(browser)
    }

    /// Sends a command (to a page when `session` names one) and waits for its answer.
    fn call(
        &mut self,
        session: Option<&str>,
        method: &str,
        params: Value,
    ) -> Result<Value, String> {
        self.send(session, method, params)?;
        let id = self.next_id;
        let deadline = Instant::now() + PATIENCE;
        loop {
            let value = self.receive(deadline, method)?;
            if value["id"] == json!(id) {
                if let Some(error) = value.get("error") {
                    return Err(format!("{method}: {error}"));
                }
                return Ok(value["result"].clone());
            }
            self.events.push(value);
        }
    }

    fn receive(&mut self, deadline: Instant, waiting_for: &str) -> Result<Value, String> {
        let left = deadline.saturating_duration_since(Instant::now());
        match self.from_browser.recv_timeout(left) {
            Ok(value) => Ok(value),
            Err(RecvTimeoutError::Timeout) => {
                Err(format!("{waiting_for}: no answer within {PATIENCE:?}"))
            }
            Err(RecvTimeoutError::Disconnected) => {
                Err(format!("{waiting_for}: the browser closed the pipe"))
            }
        }
    }

    /// Waits for an event of a page, returning it. A dialog the page opens is recorded and
    /// dismissed, so that it cannot hold the page up.
    fn wait_for(&mut self, session: &str, method: &str) -> Result<Value, String> {
        let matches = |e: &Value| e["method"] == method && e["sessionId"] == session;
        if let Some(found) = self.events.iter().find(|e| matches(e)) {
            return Ok(found.clone());
        }
        let deadline = Instant::now() + PATIENCE;
        loop {
            let value = self.receive(deadline, method)?;
            self.events.push(value.clone());
            if value["method"] == "Page.javascriptDialogOpening" {
                self.send(
                    Some(session),
                    "Page.handleJavaScriptDialog",
                    json!({ "accept": true }),
                )?;
            }
            if matches(&value) {
                return Ok(value);
            }
        }
    }

    /// Sends a command without waiting for its answer (which is then kept as an event).
    fn send(&mut self, session: Option<&str>, method: &str, params: Value) -> Result<(), String> {
        self.next_id += 1;
        let mut message = json!({ "id": self.next_id, "method": method, "params": params });
        if let Some(session) = session {
            message["sessionId"] = json!(session);
        }
        let mut bytes = serde_json::to_vec(&message).map_err(|e| e.to_string())?;
        bytes.push(0);
        self.to_browser
            .write_all(&bytes)
            .map_err(|e| format!("{method}: the browser is gone: {e}"))
    }

    /// Opens `file` at the given viewport width, runs `inspect` (a script returning a
    /// JSON-able value), hovers over and then focuses the first element `probe` selects
    /// (reading its `.tip`), and takes a screenshot of the top `height` pixels (the whole
    /// page when `None`).
    pub fn visit(
        &mut self,
        file: &Path,
        width: u32,
        height: Option<u32>,
        inspect: &str,
        probe: Option<&str>,
    ) -> Result<Visit, String> {
        let url = format!(
            "file://{}",
            file.canonicalize().map_err(|e| e.to_string())?.display()
        );
        let target = self.call(None, "Target.createTarget", json!({ "url": "about:blank" }))?;
        let target_id = target["targetId"].as_str().unwrap_or_default().to_owned();
        let attached = self.call(
            None,
            "Target.attachToTarget",
            json!({ "targetId": target_id, "flatten": true }),
        )?;
        let session = attached["sessionId"]
            .as_str()
            .unwrap_or_default()
            .to_owned();
        let s = Some(session.as_str());
        self.call(s, "Network.enable", json!({}))?;
        self.call(s, "Page.enable", json!({}))?;
        self.call(
            s,
            "Emulation.setFocusEmulationEnabled",
            json!({ "enabled": true }),
        )?;
        self.call(
            s,
            "Emulation.setDeviceMetricsOverride",
            json!({ "width": width, "height": 900, "deviceScaleFactor": 1, "mobile": false }),
        )?;
        let first_event = self.events.len();
        self.call(s, "Page.navigate", json!({ "url": url }))?;
        self.wait_for(&session, "Page.loadEventFired")?;
        let dom = self.evaluate(&session, inspect)?;
        let probe = match probe {
            Some(selector) => Some(self.probe(&session, selector)?),
            None => None,
        };
        let page_height = self
            .evaluate(
                &session,
                "window.scrollTo(0, 0), document.documentElement.scrollHeight",
            )?
            .as_f64()
            .unwrap_or(900.0);
        let shot = self.call(
            s,
            "Page.captureScreenshot",
            json!({
                "format": "png",
                "captureBeyondViewport": true,
                "clip": {
                    "x": 0, "y": 0, "width": width, "scale": 1,
                    "height": height.map(f64::from).unwrap_or(page_height).min(page_height),
                },
            }),
        )?;
        let screenshot = base64(shot["data"].as_str().unwrap_or_default())?;
        let of_page: Vec<&Value> = self.events[first_event..]
            .iter()
            .filter(|e| e["sessionId"] == session)
            .collect();
        let requests = of_page
            .iter()
            .filter(|e| e["method"] == "Network.requestWillBeSent")
            .filter_map(|e| e["params"]["request"]["url"].as_str().map(str::to_owned))
            .collect();
        let blocked = of_page
            .iter()
            .filter(|e| e["method"] == "Network.loadingFailed")
            .filter_map(|e| {
                let reason = e["params"]["blockedReason"].as_str()?;
                Some((e["params"]["requestId"].to_string(), reason.to_owned()))
            })
            .collect();
        let dialogs = of_page
            .iter()
            .filter(|e| e["method"] == "Page.javascriptDialogOpening")
            .map(|e| {
                e["params"]["message"]
                    .as_str()
                    .unwrap_or_default()
                    .to_owned()
            })
            .collect();
        self.call(None, "Target.closeTarget", json!({ "targetId": target_id }))?;
        Ok(Visit {
            requests,
            blocked,
            dialogs,
            dom,
            probe,
            screenshot,
        })
    }

    /// Hovers the mouse over the element, then moves it away and focuses the element, reading
    /// whether its `.tip` is displayed each time.
    fn probe(&mut self, session: &str, selector: &str) -> Result<Probe, String> {
        let find = format!("document.querySelector({})", json!(selector));
        let shown = format!("getComputedStyle({find}.querySelector('.tip')).display !== 'none'");
        let centre = self.evaluate(
            session,
            &format!(
                "(() => {{ const e = {find}; e.scrollIntoView({{block: 'center'}}); const r = e.getBoundingClientRect(); return [r.x + r.width / 2, r.y + r.height / 2]; }})()"
            ),
        )?;
        let (x, y) = (
            centre[0].as_f64().unwrap_or(0.0),
            centre[1].as_f64().unwrap_or(0.0),
        );
        let mouse = |x: f64, y: f64| json!({ "type": "mouseMoved", "x": x, "y": y });
        self.call(Some(session), "Input.dispatchMouseEvent", mouse(1.0, 1.0))?;
        let hidden_otherwise = self.evaluate(session, &shown)? == json!(false);
        self.call(Some(session), "Input.dispatchMouseEvent", mouse(x, y))?;
        let shown_on_hover = self.evaluate(session, &shown)? == json!(true);
        self.call(Some(session), "Input.dispatchMouseEvent", mouse(1.0, 1.0))?;
        let shown_on_focus =
            self.evaluate(session, &format!("{find}.focus(), {shown}"))? == json!(true);
        let tip = self.evaluate(
            session,
            &format!("{find}.querySelector('.tip').textContent"),
        )?;
        self.evaluate(session, &format!("{find}.blur()"))?;
        Ok(Probe {
            tip: tip.as_str().unwrap_or_default().to_owned(),
            shown_on_hover,
            shown_on_focus,
            hidden_otherwise,
        })
    }

    /// Runs a script in the page (the page's own policy does not apply to the harness) and
    /// returns its value.
    pub fn evaluate(&mut self, session: &str, expression: &str) -> Result<Value, String> {
        let answer = self.call(
            Some(session),
            "Runtime.evaluate",
            json!({ "expression": expression, "returnByValue": true, "awaitPromise": true }),
        )?;
        if let Some(exception) = answer.get("exceptionDetails") {
            return Err(format!("the inspection script failed: {exception}"));
        }
        Ok(answer["result"]["value"].clone())
    }
}

impl Drop for Browser {
    fn drop(&mut self) {
        let _ = self.call(None, "Browser.close", json!({}));
        let deadline = Instant::now() + Duration::from_secs(5);
        while Instant::now() < deadline {
            if let Ok(Some(_)) = self.child.try_wait() {
                return;
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A pipe whose ends are closed in every child but where `dup2` puts them.
fn pipe() -> Result<(RawFd, RawFd), String> {
    let mut fds = [0 as RawFd; 2];
    if unsafe { libc::pipe2(fds.as_mut_ptr(), libc::O_CLOEXEC) } != 0 {
        return Err(std::io::Error::last_os_error().to_string());
    }
    Ok((fds[0], fds[1]))
}
