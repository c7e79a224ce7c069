//! `hamming-runner merge a.json b.json …`: combines the JSON reports of a sharded run into
//! one outcome and one set of reports, and exits with the merged exit code, so the job that
//! gathers a matrix's reports is the one gate CI needs to watch.

use std::path::PathBuf;

use crate::exit;
use crate::outcome::merge;
use crate::report::json::read_outcome;

use super::baseline::BaselineArgs;
use super::output::{Output, error, warning};
use super::outputs::{self, ReportArgs};

/// Arguments of `merge`.
#[derive(Debug, Clone, clap::Args)]
pub struct MergeArgs {
    /// The JSON reports of the shards (written by `run --shard K/N --report-json …`).
    #[arg(value_name = "FILE.json", required = true)]
    pub files: Vec<PathBuf>,

    /// How many shards the matrix ran: fewer reports than this is an error (exit 3), so a
    /// shard that died before writing its report cannot make the merged run look green.
    #[arg(long, value_name = "N", help_heading = "Selection")]
    pub shards: Option<usize>,

    #[command(flatten)]
    pub reports: ReportArgs,

    #[command(flatten)]
    pub baseline: BaselineArgs,
}

/// Runs `merge`; a report that cannot be read, or reports that do not belong together,
/// exit 2.
pub fn run(mut args: MergeArgs, out: &Output) -> u8 {
    if let Err(code) = args.reports.resolve_or_report(out) {
        return code;
    }
    if let Some(expected) = args.shards
        && args.files.len() < expected
    {
        error(
            out,
            &format!(
                "{} report(s) given but --shards says {expected}: a shard's report is missing, so its suites cannot be judged; check that every shard job uploaded its report",
                args.files.len()
            ),
        );
        return exit::PLATFORM;
    }
    // The same report under two names (`a.json` and `./a.json`) is the same report.
    let mut canonical = Vec::new();
    for path in &args.files {
        let real = std::fs::canonicalize(path).unwrap_or_else(|_| path.clone());
        if canonical.contains(&real) {
            error(
                out,
                &format!(
                    "{} is given more than once; pass each shard's report once",
                    path.display()
                ),
            );
            return exit::USAGE;
        }
        canonical.push(real);
    }
    let baseline = match args.baseline.read(out) {
        Ok(b) => b,
        Err(code) => return code,
    };
    let mut read = Vec::new();
    for path in &args.files {
        match read_outcome(path) {
            Ok(mut outcome) => {
                for note in crate::outcome::recheck(&mut outcome) {
                    warning(out, &format!("{}: {note}", path.display()));
                }
                read.push((path.clone(), outcome));
            }
            Err(err) => {
                error(out, &err.to_string());
                return exit::USAGE;
            }
        }
    }
    let shards = read.len();
    match merge(read) {
        Ok(mut outcome) => {
            out.info(&format!(
                "merged {shards} report(s): {} suite(s) from {}",
                outcome.suites.len(),
                outcome.suite_file
            ));
            args.baseline.compare(&mut outcome, baseline.as_ref());
            outputs::emit(&outcome, &args.reports, out)
        }
        Err(err) => {
            error(out, &err.to_string());
            exit::USAGE
        }
    }
}
