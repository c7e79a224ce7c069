//! `plan`: resolve every suite against the catalog and show what it would place, without
//! placing anything. The text table and `--format json` render the same model (`Plan`),
//! so a column added to one is added to both.

use std::path::PathBuf;

use serde::Serialize;

use crate::runner::selection::{self, ResolvedSelection};
use crate::suite::{ResolvedSuite, Selection};

use super::connect::{self, ConnectionArgs, SimulateArgs};
use super::env_config::DotenvArgs;
use super::load_args::LoadArgs;
use super::output::{Format, Output, error};
use super::plan_power;
use crate::gate::power::{RatePlan, Warning};

#[derive(Debug, Clone, clap::Args)]
pub struct PlanArgs {
    /// The suite file (YAML or TOML).
    pub file: PathBuf,

    /// Plan only these suites (repeatable, or comma-separated).
    #[arg(
        long = "suite",
        value_name = "NAME",
        value_delimiter = ',',
        help_heading = "Selection"
    )]
    pub suites: Vec<String>,

    /// Refuse (exit 2) any suite that would place more calls than this.
    #[arg(long, value_name = "N", help_heading = "Selection")]
    pub max_calls: Option<u64>,

    /// List every selected test case under its suite (the JSON form always lists them).
    #[arg(long, help_heading = "Output")]
    pub cases: bool,

    /// How to print the plan: a table for people, or JSON for scripts and editors.
    #[arg(long, value_enum, default_value_t = Format::Text, help_heading = "Output")]
    pub format: Format,

    #[command(flatten)]
    pub simulator: SimulateArgs,

    #[command(flatten)]
    pub load: LoadArgs,

    #[command(flatten)]
    pub dotenv: DotenvArgs,

    #[command(flatten)]
    pub connection: ConnectionArgs,
}

/// What each suite would place: the model both forms render.
#[derive(Debug, Serialize)]
pub struct Plan {
    pub suite_file: String,
    /// Planned against the built-in simulator rather than a workspace.
    pub simulated: bool,
    pub suites: Vec<PlannedSuite>,
    /// Calls the suites that can run would place.
    pub calls: u64,
    /// Whether every suite can run.
    pub ok: bool,
    pub exit_code: u8,
}

/// One suite of a plan.
#[derive(Debug, Serialize)]
pub struct PlannedSuite {
    pub name: String,
    /// 1-based line of the suite in the suite file.
    pub line: u32,
    pub agent_id: String,
    /// `tags`, `tag_expression`, `test_cases` or `dataset`.
    pub selection: &'static str,
    /// Distinct test cases selected (0 for a dataset, whose size is not published).
    pub cases: u64,
    /// Samples per case and number; with adaptive samples, the first wave's.
    pub samples: u32,
    /// With adaptive samples: the most samples per case and number the waves may reach.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub max_samples: Option<u32>,
    pub numbers: usize,
    /// Calls at the first (or only) look.
    pub calls: u64,
    pub test_cases: Vec<PlannedCase>,
    /// With `thresholds.confidence`: what each rate threshold can decide, at what cost.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub statistics: Vec<RatePlan>,
    /// Rate thresholds unlikely to be decided within the suite's limits.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub warnings: Vec<Warning>,
    pub notes: Vec<String>,
    /// Why the suite cannot run; `null` when it can.
    pub error: Option<PlanError>,
}

#[derive(Debug, Serialize)]
pub struct PlannedCase {
    pub id: String,
    pub title: String,
}

#[derive(Debug, Serialize)]
pub struct PlanError {
    pub message: String,
    /// 2 when the suite is refused (unknown agent, tag or test case, empty selection,
    /// max_calls), 3 when the catalog could not be read.
    pub exit_code: u8,
}

pub fn run(args: PlanArgs, out: &Output) -> u8 {
    if let Err(code) = super::env_config::load_dotenv(&args.dotenv, false, out) {
        return code;
    }
    let loaded = match super::suites::load(&args.file, &args.load.options(), &args.dotenv, out) {
        Ok(l) => l,
        Err(code) => return code,
    };
    let suites = match super::suites::select(&loaded, &args.suites, out) {
        Ok(s) => s,
        Err(code) => return code,
    };
    super::runtime::block_on(async {
        let connection =
            match connect::connect_or_simulate(&args.connection, &args.simulator, &suites, out)
                .await
            {
                Ok(c) => c,
                Err(code) => return code,
            };
        let mut planned = Vec::new();
        let mut selected = Vec::new();
        for suite in &suites {
            let resolved = selection::resolve(&connection.client, suite, args.max_calls).await;
            match &resolved {
                Ok(resolved) => selected.push((suite, resolved.cases.clone())),
                Err(err) => error(out, &err.to_string()),
            }
            planned.push(planned_suite(
                suite,
                resolved.map_err(|e| PlanError {
                    message: e.to_string(),
                    exit_code: e.exit_code(),
                }),
                args.max_calls,
            ));
        }
        if let Some(sim) = connection.sim {
            sim.shutdown().await;
        }
        let mut plan = Plan::new(
            args.file.display().to_string(),
            args.simulator.simulate,
            planned,
        );
        // A quarantine of a tag suite names a case its tags must select: known only now.
        let selected: Vec<(&ResolvedSuite, &indexmap::IndexMap<String, String>)> = selected
            .iter()
            .map(|(suite, cases)| (*suite, cases))
            .collect();
        let unselected = super::quarantine::unselected(&loaded, &selected);
        if !unselected.is_empty() {
            super::output::diagnostics(out, &crate::load::Diagnostics(unselected));
            plan.ok = false;
            plan.exit_code = crate::exit::worst([plan.exit_code, crate::exit::USAGE]);
        }
        // Tag names and case titles come from the server: printed line by line, made safe.
        let printed = match args.format {
            Format::Text => crate::console::out(render_text(&plan, args.cases).trim_end()),
            Format::Json => crate::console::out_raw(&json_text(&plan)),
        };
        if let Err(e) = printed {
            error(out, &format!("cannot write the plan to stdout: {e}"));
        }
        if args.format == Format::Text {
            // What each statistical suite can decide, and at what cost; warnings to stderr.
            for (suite, planned) in suites.iter().zip(&plan.suites) {
                if planned.statistics.is_empty() {
                    continue;
                }
                let text = plan_power::render(suite, &planned.statistics);
                let _ = crate::console::out(&format!("\n{}", text.trim_end_matches('\n')));
                for warning in &planned.warnings {
                    crate::console::err_raw(&plan_power::render_warning(suite, warning));
                }
            }
        }
        if !plan.ok {
            let failed = plan.suites.iter().filter(|s| s.error.is_some()).count();
            error(
                out,
                &format!(
                    "{failed} of {} suite(s) cannot run (see above); nothing was placed",
                    plan.suites.len()
                ),
            );
        }
        plan.exit_code
    })
}

impl Plan {
    fn new(suite_file: String, simulated: bool, suites: Vec<PlannedSuite>) -> Self {
        let exit_code = crate::exit::worst(
            suites
                .iter()
                .filter_map(|s| s.error.as_ref().map(|e| e.exit_code)),
        );
        Self {
            suite_file,
            simulated,
            calls: suites
                .iter()
                .filter(|s| s.error.is_none())
                .map(|s| s.calls)
                .sum(),
            ok: exit_code == crate::exit::SUCCESS,
            exit_code,
            suites,
        }
    }
}

fn planned_suite(
    suite: &ResolvedSuite,
    resolved: Result<ResolvedSelection, PlanError>,
    max_calls: Option<u64>,
) -> PlannedSuite {
    let selection = match &suite.selection {
        Selection::Tags(_) => "tags",
        Selection::Expression(_) => "tag_expression",
        Selection::TestCases(_) => "test_cases",
        Selection::Dataset(_) => "dataset",
    };
    let mut planned = PlannedSuite {
        name: suite.name.clone(),
        line: suite.source.line,
        agent_id: suite.agent_id.clone(),
        selection,
        cases: 0,
        samples: suite.samples,
        max_samples: suite.adaptive.map(|plan| plan.max),
        numbers: suite.phone_numbers.len(),
        calls: 0,
        test_cases: Vec::new(),
        statistics: Vec::new(),
        warnings: Vec::new(),
        notes: Vec::new(),
        error: None,
    };
    match resolved {
        Ok(resolved) => {
            planned.cases = resolved.selected_cases;
            planned.calls = resolved.calls;
            planned.test_cases = resolved
                .cases
                .into_iter()
                .map(|(id, title)| PlannedCase { id, title })
                .collect();
            planned.notes = resolved.notes;
            if suite.thresholds.statistics.is_some() {
                let cases = Some(planned.cases).filter(|c| *c > 0);
                (planned.statistics, planned.warnings) =
                    plan_power::assess(suite, cases, max_calls);
            }
        }
        Err(e) => planned.error = Some(e),
    }
    planned
}

/// The JSON form, pretty, with a trailing newline. Server text is escaped by JSON itself and
/// redacted like every other output.
fn json_text(plan: &Plan) -> String {
    let mut value = serde_json::to_value(plan).unwrap_or_default();
    crate::untrusted::redact::redact_json(&mut value);
    let mut text = serde_json::to_string_pretty(&value).unwrap_or_default();
    text.push('\n');
    text
}

fn render_text(plan: &Plan, cases: bool) -> String {
    let name_width = plan
        .suites
        .iter()
        .map(|s| s.name.len())
        .max()
        .unwrap_or(5)
        .max(5);
    let row = |name: &str, cases: &str, samples: &str, numbers: &str, calls: &str| {
        format!("{name:<name_width$}  {cases:>5}  {samples:>7}  {numbers:>7}  {calls:>6}\n")
    };
    let mut text = row("suite", "cases", "samples", "numbers", "calls");
    for suite in &plan.suites {
        let (count, calls) = match &suite.error {
            Some(_) => ("-".to_owned(), "-".to_owned()),
            None => (suite.cases.to_string(), suite.calls.to_string()),
        };
        let samples = match suite.max_samples {
            Some(max) => format!("{}..{max}", suite.samples),
            None => suite.samples.to_string(),
        };
        text.push_str(&row(
            &suite.name,
            &count,
            &samples,
            &suite.numbers.to_string(),
            &calls,
        ));
        if let Some(e) = &suite.error {
            let what = if e.exit_code == crate::exit::USAGE {
                "refused"
            } else {
                "could not be planned"
            };
            text.push_str(&format!("    {what}: see the error above\n"));
        }
        if cases {
            for case in &suite.test_cases {
                text.push_str(&format!("    {}  {}\n", case.id, case.title));
            }
        }
        for note in &suite.notes {
            text.push_str(&format!("    note: {note}\n"));
        }
    }
    text.push_str(&row("total", "", "", "", &plan.calls.to_string()));
    let count = plan.suites.len();
    if plan.ok {
        text.push_str(&format!(
            "{count} suite(s) would place {} call(s); nothing was placed\n",
            plan.calls
        ));
    } else {
        let failed = plan.suites.iter().filter(|s| s.error.is_some()).count();
        text.push_str(&format!(
            "not runnable: {failed} of {count} suite(s) cannot run; the rest would place {} call(s); nothing was placed\n",
            plan.calls
        ));
    }
    if plan.suites.iter().any(|s| s.max_samples.is_some()) {
        text.push_str(
            "adaptive suites (samples min..max) count their first wave; follow-up waves add calls only for what is undecided (see below)\n",
        );
    }
    text
}
