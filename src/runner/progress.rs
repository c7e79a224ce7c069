//! What the user sees while runs are followed: a bar per suite on a terminal, plain
//! timestamped lines in a CI log (one when something changes, and a heartbeat each minute).

use std::collections::HashMap;
use std::io::IsTerminal;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use indicatif::{MultiProgress, ProgressBar, ProgressDrawTarget, ProgressStyle};

use crate::api::wire::RunStatus;
use crate::console;
use crate::outcome::{RunEnd, RunObservation};
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
            Self::Bars { .. } => self.above_bars(message),
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
            Self::Bars { .. } => {
                // The bar first: a line printed while no bar is drawn would be left open.
                self.bar(suite, timeout);
                self.above_bars(&line);
            }
            Self::Lines { .. } => console::err(&format!("{} {line}", timestamp())),
            Self::Quiet => {}
        }
    }

    /// The suite's bar, started on first use. It is a spinner with the run's status and the
    /// time it has run, never a bar filling towards the deadline: a run that ends early
    /// would show as an empty bar. The calls finished are known only once the results are
    /// read, and `finished` says them.
    fn bar(&self, suite: &str, timeout: Duration) -> Option<ProgressBar> {
        let Self::Bars { multi, bars } = self else {
            return None;
        };
        let mut bars = bars.lock().ok()?;
        if let Some(bar) = bars.get(suite) {
            return Some(bar.clone());
        }
        let bar = multi.add(ProgressBar::new_spinner());
        bar.set_style(
            ProgressStyle::with_template("{spinner} {prefix:.bold} {msg} {elapsed}")
                .unwrap_or_else(|_| ProgressStyle::default_spinner()),
        );
        bar.set_prefix(suite.to_owned());
        bar.set_message(format!("QUEUED (timeout {})", duration::format(timeout)));
        bar.enable_steady_tick(Duration::from_millis(120));
        bars.insert(suite.to_owned(), bar.clone());
        Some(bar)
    }

    pub fn status(&self, suite: &str, status: &RunStatus, elapsed: Duration, timeout: Duration) {
        let text = one_line(status.as_str()).into_owned();
        match self {
            Self::Bars { .. } => {
                if let Some(bar) = self.bar(suite, timeout) {
                    bar.set_message(format!("{text} (timeout {})", duration::format(timeout)));
                }
            }
            // The end of the run gets its own line (`finished`), with the calls finished.
            Self::Lines { .. } if status.is_terminal() => {}
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

    /// The suite is done: its bar is cleared and one line says how it ended.
    pub fn finished(&self, suite: &str, summary: &str) {
        match self {
            Self::Bars { bars, .. } => {
                // The line goes above the bar while it is still drawn, then the bar goes.
                self.above_bars(&format!("{suite}: {summary}"));
                if let Some(bar) = bars.lock().ok().and_then(|mut b| b.remove(suite)) {
                    bar.finish_and_clear();
                }
            }
            Self::Lines { .. } => console::err(&format!("{} {suite}: {summary}", timestamp())),
            Self::Quiet => {}
        }
    }

    /// Prints a line above the bars; with none drawn, as a plain line (indicatif leaves a
    /// line printed with no bar below it unterminated, and the next output would join it).
    fn above_bars(&self, line: &str) {
        let Self::Bars { multi, bars } = self else {
            return;
        };
        let drawn = bars.lock().map(|b| !b.is_empty()).unwrap_or(false);
        if drawn {
            let _ = multi.println(safe(line));
        } else {
            console::err(line);
        }
    }

    /// Clears whatever is still drawn, so the summary that follows starts on a clean line.
    pub fn clear(&self) {
        if let Self::Bars { bars, multi } = self {
            if let Ok(mut bars) = bars.lock() {
                for (_, bar) in bars.drain() {
                    bar.finish_and_clear();
                }
            }
            let _ = multi.clear();
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

/// One line on how following a run ended, with the calls finished out of the calls the
/// results list, and, when the runner stops before the run does, that it goes on.
pub fn end_line(obs: &RunObservation, run_id: &str, elapsed: Duration) -> String {
    let waited = crate::suite::duration::format(Duration::from_secs(elapsed.as_secs()));
    let calls = obs
        .results
        .as_ref()
        .map(|r| {
            let finished = r
                .results
                .iter()
                .filter(|c| {
                    c.status.as_deref().is_some_and(|s| {
                        ["PASSED", "FAILED", "ERROR"]
                            .iter()
                            .any(|done| s.eq_ignore_ascii_case(done))
                    })
                })
                .count();
            format!("; {finished} of {} calls finished", r.results.len())
        })
        .unwrap_or_default();
    let link = obs
        .results_url
        .as_deref()
        .map(|u| format!(": {u}"))
        .unwrap_or_default();
    let goes_on = format!(
        "; run {run_id} goes on on Hamming, where its calls are still placed (and billed){link}"
    );
    match &obs.end {
        RunEnd::Finished => {
            let status = obs.last_status.as_ref().map_or("ENDED", RunStatus::as_str);
            format!("{status} after {waited}{calls}")
        }
        RunEnd::TimedOut => format!("timed out after {waited}{calls}{goes_on}"),
        RunEnd::Interrupted => format!("interrupted after {waited}{calls}{goes_on}"),
        RunEnd::PlatformError { message }
        | RunEnd::NotStarted { message }
        | RunEnd::Refused { message } => format!("could not be followed: {message}"),
    }
}
