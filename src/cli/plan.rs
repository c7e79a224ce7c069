//! `plan`: resolve every suite against the catalog and show what it would place, without
//! placing anything.

use std::path::PathBuf;

use crate::runner::selection::{self, ResolvedSelection};

use super::connect::{self, ConnectionArgs};
use super::load_args::LoadArgs;
use super::output::{Output, error};
use super::plan_power;

#[derive(Debug, Clone, clap::Args)]
pub struct PlanArgs {
    /// The suite file (YAML or TOML).
    pub file: PathBuf,

    /// Plan only this suite (repeatable).
    #[arg(long = "suite", value_name = "NAME")]
    pub suites: Vec<String>,

    /// Refuse (exit 2) when any suite would place more calls than this.
    #[arg(long, value_name = "N")]
    pub max_calls: Option<u64>,

    /// Plan against the built-in simulator, seeded from the file: no key needed.
    #[arg(long)]
    pub simulate: bool,

    /// Simulated seconds per real second under --simulate (for benchmarks and rehearsals
    /// that want calls to take no time at all).
    #[arg(long, hide = true, value_name = "X", default_value_t = connect::SIMULATE_SPEED)]
    pub simulate_speed: f64,

    /// List every selected test case under its suite.
    #[arg(long)]
    pub cases: bool,

    #[command(flatten)]
    pub load: LoadArgs,

    #[command(flatten)]
    pub connection: ConnectionArgs,
}

pub fn run(args: PlanArgs, out: &Output) -> u8 {
    let loaded = match super::suites::load(&args.file, &args.load.options(), out) {
        Ok(l) => l,
        Err(code) => return code,
    };
    let suites = match super::suites::select(&loaded, &args.suites, out) {
        Ok(s) => s,
        Err(code) => return code,
    };
    super::runtime::block_on(async {
        let simulate = args.simulate.then_some(args.simulate_speed);
        let connection =
            match connect::connect_or_simulate(&args.connection, simulate, &suites, out).await {
                Ok(c) => c,
                Err(code) => return code,
            };
        let mut rows = Vec::new();
        let mut code = crate::exit::SUCCESS;
        for suite in &suites {
            match selection::resolve(&connection.client, suite, args.max_calls).await {
                Ok(resolved) => rows.push((suite, resolved)),
                Err(err) => {
                    error(out, &err.to_string());
                    code = crate::exit::worst([code, err.exit_code()]);
                }
            }
        }
        // Tag names and case titles come from the server: printed line by line, made safe.
        let _ = crate::console::out(render(&rows, args.cases).trim_end_matches('\n'));
        // A quarantine of a tag suite names a case its tags must select: known only now.
        let planned: Vec<(
            &crate::suite::ResolvedSuite,
            &indexmap::IndexMap<String, String>,
        )> = rows.iter().map(|(s, r)| (*s, &r.cases)).collect();
        let unselected = super::quarantine::unselected(&loaded, &planned);
        if !unselected.is_empty() {
            super::output::diagnostics(out, &crate::load::Diagnostics(unselected));
            code = crate::exit::worst([code, crate::exit::USAGE]);
        }
        // What each statistical suite can decide, and at what cost; warnings to stderr.
        for (suite, resolved) in &rows {
            if suite.thresholds.statistics.is_none() {
                continue;
            }
            let (plans, warnings) = plan_power::assess(
                suite,
                Some(resolved.selected_cases).filter(|c| *c > 0),
                args.max_calls,
            );
            let _ = crate::console::out(&format!(
                "\n{}",
                plan_power::render(suite, &plans).trim_end_matches('\n')
            ));
            for warning in &warnings {
                crate::console::err_raw(&plan_power::render_warning(suite, warning));
            }
        }
        if let Some(sim) = connection.sim {
            sim.shutdown().await;
        }
        code
    })
}

fn render(rows: &[(&crate::suite::ResolvedSuite, ResolvedSelection)], cases: bool) -> String {
    let name_width = rows
        .iter()
        .map(|(s, _)| s.name.len())
        .max()
        .unwrap_or(5)
        .max(5);
    let mut text = format!(
        "{:<name_width$}  {:>5}  {:>7}  {:>7}  {:>6}\n",
        "suite", "cases", "samples", "numbers", "calls"
    );
    let mut total = 0u64;
    for (suite, resolved) in rows {
        total += resolved.calls;
        let samples = match suite.adaptive {
            Some(plan) => format!("{}..{}", plan.min, plan.max),
            None => suite.samples.to_string(),
        };
        text.push_str(&format!(
            "{:<name_width$}  {:>5}  {:>7}  {:>7}  {:>6}\n",
            suite.name,
            resolved.selected_cases,
            samples,
            suite.phone_numbers.len(),
            resolved.calls
        ));
        if cases {
            for (id, title) in &resolved.cases {
                let title = if title.is_empty() { "" } else { title.as_str() };
                text.push_str(&format!("    {id}  {title}\n"));
            }
        }
        for note in &resolved.notes {
            text.push_str(&format!("    note: {note}\n"));
        }
    }
    text.push_str(&format!(
        "{:<name_width$}  {:>5}  {:>7}  {:>7}  {:>6}\n",
        "total", "", "", "", total
    ));
    text.push_str(&format!(
        "{} suite(s) would place {total} call(s); nothing was placed\n",
        rows.len()
    ));
    if rows.iter().any(|(s, _)| s.adaptive.is_some()) {
        text.push_str(
            "adaptive suites (samples min..max) count their first wave; follow-up waves add calls only for what is undecided (see below)\n",
        );
    }
    text
}
