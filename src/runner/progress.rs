//! What the user sees while runs are followed: a bar per suite on a terminal, plain
//! timestamped lines in a CI log (one when something changes, and a heartbeat each minute).

use std::collections::HashMap;
use std::io::IsTerminal;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use indicatif::{MultiProgress, ProgressBar, ProgressDrawTarget, ProgressStyle};

use crate::api::wire::RunStatus;
use crate::console;
use crate::suite::duration;
use crate::untrusted::{lines, one_line, redact};

/// How often a plain-lines log repeats an unchanged status.
const HEARTBEAT: Duration = Duration::from_secs(60);

/// Where progress goes.
pub enum Progress {
    Bars {
        multi: MultiProgress,
        bars: Mutex<HashMap<String, ProgressBar>>,
    },
    Lines {
        last: Mutex<HashMap<String, (String, Instant)>>,
    },
    Quiet,
}

impl Progress {
    /// Bars when stderr is a terminal, lines otherwise.
    pub fn auto(quiet: bool) -> Self {
        if quiet {
            Self::Quiet
        } else if std::io::stderr().is_terminal() && std::env::var_os("CI").is_none() {
            Self::Bars {
                multi: MultiProgress::with_draw_target(ProgressDrawTarget::stderr()),
                bars: Mutex::new(HashMap::new()),
            }
        } else {
            Self::Lines {
                last: Mutex::new(HashMap::new()),
            }
        }
    }

    /// A message that is not tied to a suite's bar. Messages carry server text, so they are
    /// redacted and made printable; a stderr that cannot be written is ignored.
    pub fn note(&self, message: &str) {
        match self {
            Self::Bars { multi, .. } => {
                let _ = multi.println(safe(message));
            }
            Self::Lines { .. } => console::err(&format!("{} {message}", timestamp())),
            Self::Quiet => {}
        }
    }

    pub fn created(
        &self,
        suite: &str,
        run_id: &str,
        url: Option<&str>,
        calls: u64,
        timeout: Duration,
    ) {
        self.created_line(suite, "", run_id, url, calls, timeout);
    }

    /// A follow-up wave of an adaptive suite was created.
    pub fn created_wave(
        &self,
        suite: &str,
        wave: u32,
        run_id: &str,
        url: Option<&str>,
        calls: u64,
        timeout: Duration,
    ) {
        self.created_line(
            suite,
            &format!("wave {wave}: "),
            run_id,
            url,
            calls,
            timeout,
        );
    }

    fn created_line(
        &self,
        suite: &str,
        what: &str,
        run_id: &str,
        url: Option<&str>,
        calls: u64,
        timeout: Duration,
    ) {
        let link = url.map(|u| format!(" {u}")).unwrap_or_default();
        let plural = if calls == 1 { "" } else { "s" };
        let line = format!("{suite}: {what}created run {run_id} ({calls} call{plural}){link}");
        match self {
            Self::Bars { multi, bars } => {
                let _ = multi.println(safe(&line));
                let bar = multi.add(ProgressBar::new(timeout.as_secs().max(1)));
                bar.set_style(
                    ProgressStyle::with_template(
                        "{spinner} {prefix:.bold} [{bar:24}] {msg} {elapsed_precise}",
                    )
                    .unwrap_or_else(|_| ProgressStyle::default_bar())
                    .progress_chars("=> "),
                );
                bar.set_prefix(suite.to_owned());
                bar.set_message("QUEUED");
                bar.enable_steady_tick(Duration::from_millis(120));
                if let Ok(mut bars) = bars.lock() {
                    bars.insert(suite.to_owned(), bar);
                }
            }
            Self::Lines { .. } => console::err(&format!("{} {line}", timestamp())),
            Self::Quiet => {}
        }
    }

    pub fn status(&self, suite: &str, status: &RunStatus, elapsed: Duration, timeout: Duration) {
        let text = one_line(status.as_str()).into_owned();
        match self {
            Self::Bars { bars, .. } => {
                if let Some(bar) = bars.lock().ok().and_then(|b| b.get(suite).cloned()) {
                    bar.set_position(elapsed.as_secs());
                    bar.set_message(format!("{text} (timeout {})", duration::format(timeout)));
                }
            }
            Self::Lines { last } => {
                let Ok(mut last) = last.lock() else { return };
                let now = Instant::now();
                let changed = last
                    .get(suite)
                    .is_none_or(|(prev, at)| *prev != text || now.duration_since(*at) >= HEARTBEAT);
                if changed {
                    console::err(&format!(
                        "{} {suite}: {text} after {} (timeout {})",
                        timestamp(),
                        duration::format(Duration::from_secs(elapsed.as_secs())),
                        duration::format(timeout)
                    ));
                    last.insert(suite.to_owned(), (text, now));
                }
            }
            Self::Quiet => {}
        }
    }

    pub fn finished(&self, suite: &str, summary: &str) {
        match self {
            Self::Bars { bars, multi } => {
                if let Some(bar) = bars.lock().ok().and_then(|mut b| b.remove(suite)) {
                    bar.finish_and_clear();
                }
                let _ = multi.println(safe(&format!("{suite}: {summary}")));
            }
            Self::Lines { .. } => console::err(&format!("{} {suite}: {summary}", timestamp())),
            Self::Quiet => {}
        }
    }
}

/// A message made safe for the terminal, as `console::err` makes it.
fn safe(message: &str) -> String {
    lines(&redact(message)).into_owned()
}

/// `HH:MM:SS` in UTC, for log lines.
fn timestamp() -> String {
    let secs = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or_default();
    format!(
        "[{:02}:{:02}:{:02}]",
        (secs / 3600) % 24,
        (secs / 60) % 60,
        secs % 60
    )
}
