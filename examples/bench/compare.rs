//! Two builds of the runner on the same allocation-heavy work: the release workflow measures
//! the static (musl) artifact against the glibc build with this, and refuses to publish one
//! that is more than `--max-ratio` times slower.
//!
//! ```sh
//! cargo run --release --example bench -- compare CANDIDATE REFERENCE [--max-ratio 1.3]
//! ```

use std::path::{Path, PathBuf};
use std::process::Command;

use super::measure::{Cost, median};
use super::scale::{Format, suites_file};

/// Runs per binary and workload.
const RUNS: usize = 5;

pub fn compare(args: &[String]) -> anyhow::Result<()> {
    let mut paths = Vec::new();
    let mut max_ratio = None;
    let mut rest = args.iter();
    while let Some(arg) = rest.next() {
        if arg == "--max-ratio" {
            let value = rest
                .next()
                .ok_or_else(|| anyhow::anyhow!("--max-ratio needs a number, e.g. 1.3"))?;
            max_ratio = Some(value.parse::<f64>().map_err(|_| {
                anyhow::anyhow!("--max-ratio: {value:?} is not a number; write e.g. 1.3")
            })?);
        } else {
            paths.push(PathBuf::from(arg));
        }
    }
    let [candidate, reference] = paths.as_slice() else {
        anyhow::bail!("usage: bench compare CANDIDATE REFERENCE [--max-ratio 1.3]");
    };
    for bin in [candidate, reference] {
        anyhow::ensure!(bin.exists(), "{} does not exist", bin.display());
    }
    let dir = tempfile::tempdir()?;
    let workloads = [
        (
            "validate 5,000 YAML suites",
            suites_file(dir.path(), 5_000, Format::Yaml)?,
        ),
        (
            "validate 5,000 TOML suites",
            suites_file(dir.path(), 5_000, Format::Toml)?,
        ),
    ];
    let mut worst: f64 = 0.0;
    for (label, file) in &workloads {
        let a = validate(candidate, &format!("{label}, candidate"), file)?;
        let b = validate(reference, &format!("{label}, reference"), file)?;
        let ratio = a.cpu.as_secs_f64() / b.cpu.as_secs_f64();
        let rss = a.max_rss_kib as f64 / b.max_rss_kib as f64;
        println!("{label}: candidate / reference = {ratio:.2}x CPU, {rss:.2}x peak RSS");
        worst = worst.max(ratio);
    }
    match max_ratio {
        Some(max) if worst > max => anyhow::bail!(
            "{} costs {worst:.2}x the CPU of {} (at most {max}x allowed): choose another allocator for it, or find what regressed",
            candidate.display(),
            reference.display()
        ),
        Some(max) => println!("worst ratio {worst:.2}x is within {max}x"),
        None => println!("worst ratio {worst:.2}x"),
    }
    Ok(())
}

fn validate(bin: &Path, label: &str, file: &Path) -> anyhow::Result<Cost> {
    let cost = median(label, RUNS, || {
        let mut c = Command::new(bin);
        c.arg("validate").arg(file);
        c
    })?;
    anyhow::ensure!(
        cost.code == Some(0),
        "{label}: validate exited {:?}",
        cost.code
    );
    Ok(cost)
}
