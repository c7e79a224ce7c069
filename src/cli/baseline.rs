//! `--baseline REPORT.json` and `--baseline-max-age`, shared by `run`, `check` and `merge`:
//! the baseline is read before anything runs (an unusable one is exit 2, with no call
//! placed), and the judged outcome is compared with it before it is reported.

use std::path::PathBuf;
use std::time::Duration;

use crate::baseline::{self, Baseline, Options};
use crate::outcome::Outcome;

use super::output::{Output, error};

#[derive(Debug, Clone, Default, clap::Args)]
pub struct BaselineArgs {
    /// Compare each suite with the same suite in this earlier JSON report (for example the
    /// last green run on main): a suite whose pass rate is confidently lower fails its
    /// `baseline` check (exit 1), and every report shows the changes, case by case.
    #[arg(long, value_name = "REPORT.json")]
    pub baseline: Option<PathBuf>,

    /// Warn when the baseline's run finished longer ago than this (e.g. `14d`, `36h`).
    #[arg(long, value_name = "AGE", default_value = "14d", value_parser = parse_age)]
    pub baseline_max_age: Duration,
}

/// An age, in the one duration grammar (`14d`, `36h`, `1d12h`).
fn parse_age(text: &str) -> Result<Duration, String> {
    crate::suite::duration::parse_flag(text)
}

impl BaselineArgs {
    /// Reads the baseline report, when one was given; one that cannot be used is reported
    /// and is exit 2.
    pub fn read(&self, out: &Output) -> Result<Option<Baseline>, u8> {
        let Some(path) = &self.baseline else {
            return Ok(None);
        };
        Baseline::read(path).map(Some).map_err(|e| {
            error(out, &e.to_string());
            crate::exit::USAGE
        })
    }

    /// Compares the outcome with the baseline (when one was read) and prints the warnings
    /// about the baseline itself.
    pub fn compare(&self, outcome: &mut Outcome, baseline: Option<&Baseline>) {
        let Some(baseline) = baseline else {
            return;
        };
        let options = Options {
            now: super::clock::now(),
            max_age: self.baseline_max_age,
        };
        for warning in baseline::compare(outcome, baseline, &options) {
            crate::console::err(&format!("warning: {warning}"));
        }
    }
}
