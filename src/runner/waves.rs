//! Adaptive samples: after the first run, follow-up runs ("waves") only for what is still
//! undecided, until every rate threshold is decided, a threshold has failed, the plan's
//! `max` is reached, or the next wave would exceed `max_calls`.
//!
//! Each wave is a new test run of explicit `testCaseId` configurations (a listed case keeps
//! its overrides), created through the same create path as the first run and recorded in the
//! state file before it is polled, so a re-run re-attaches wave by wave. After each wave the
//! gate judges every wave so far; its inconclusive checks say what is undecided: a check of
//! the whole suite asks for every case again (so each wave samples every case equally, which
//! the sequential test's validity needs when it pools cases), a check of one case for that
//! case alone.

use std::time::{Duration, Instant};

use indexmap::IndexMap;

use crate::gate;
use crate::outcome::{CheckStatus, RunEnd, RunObservation, SuiteOutcome, WaveObservation};
use crate::suite::{ResolvedSuite, Selection};

use super::follow::{self, Context, Followed};
use super::selection::configuration_for_case;
use super::start;
use super::state::RecordedWave;
use super::wave_plan::{Next, next_wave};

/// Follows an adaptive suite: the first run as any suite's, then waves while undecided.
pub async fn follow(ctx: &Context<'_>, suite: ResolvedSuite, max_calls: Option<u64>) -> Followed {
    let Some(plan) = suite.adaptive else {
        return follow::follow(ctx, suite).await;
    };
    let began = Instant::now();
    let mut followed = follow::follow(ctx, suite).await;
    let name = followed.observation.suite.name.clone();
    loop {
        let obs = &followed.observation;
        let last_end = obs.follow_ups.last().map_or(&obs.end, |w| &w.end);
        if followed.skipped.is_some() || obs.run_id.is_none() || *last_end != RunEnd::Finished {
            break;
        }
        let outcome = gate::judge(obs.clone());
        let wave = obs.follow_ups.len() as u32 + 1;
        let all_cases = all_cases(obs, &outcome);
        let sampled = sampled(obs, &all_cases);
        let next = next_wave(
            &outcome,
            &plan,
            &sampled,
            &all_cases,
            obs.suite.phone_numbers.len(),
            outcome.counts.total,
            max_calls.or(obs.suite.max_calls.map(u64::from)),
        );
        ctx.progress.finished(&name, &wave_summary(wave, &outcome));
        let (cases, samples) = match next {
            Next::Done(why) => {
                ctx.progress.note(&format!("{name}: no more waves: {why}"));
                break;
            }
            Next::Wave { cases, samples } => (cases, samples),
        };
        if ctx.cancel.is_cancelled() {
            // Interrupted with waves still to run: the suite was interrupted, not decided.
            let obs = &mut followed.observation;
            match obs.follow_ups.last_mut() {
                Some(last) => last.end = RunEnd::Interrupted,
                None => obs.end = RunEnd::Interrupted,
            }
            break;
        }
        let wave = wave + 1;
        let follow_up = run_wave(ctx, &followed.observation, wave, cases, samples).await;
        let stop = follow_up.end != RunEnd::Finished;
        followed.observation.follow_ups.push(follow_up);
        if stop {
            break;
        }
    }
    followed.observation.elapsed = began.elapsed();
    followed
}

/// Creates (or re-attaches to) one follow-up wave and follows it to its end.
async fn run_wave(
    ctx: &Context<'_>,
    obs: &RunObservation,
    wave: u32,
    cases: Vec<String>,
    samples: u32,
) -> WaveObservation {
    let suite = &obs.suite;
    let name = &suite.name;
    let began = Instant::now();
    let mut observation = WaveObservation {
        run_id: None,
        results_url: None,
        last_status: None,
        results: None,
        end: RunEnd::Finished,
        elapsed: Duration::ZERO,
        cases,
        samples,
    };
    let recorded = ctx.state.and_then(|state| state.recorded_wave(suite, wave));
    // A wave recorded by an earlier attempt may have ended already: look at it at once.
    let first_look = if recorded.is_some() {
        follow::FirstLook::AtOnce
    } else {
        follow::FirstLook::AfterCreate
    };
    if let Some(recorded) = recorded {
        ctx.progress.note(&format!(
            "{name}: wave {wave}: re-attaching to run {} recorded in the state file",
            recorded.run_id
        ));
        observation.run_id = Some(recorded.run_id);
        observation.results_url = recorded.results_url;
        observation.cases = recorded.cases;
        observation.samples = recorded.samples;
    } else {
        let calls =
            observation.cases.len() as u64 * u64::from(samples) * suite.phone_numbers.len() as u64;
        ctx.progress.note(&format!(
            "{name}: wave {wave}: {} undecided case{} x {samples} sample{} ({calls} calls)",
            observation.cases.len(),
            if observation.cases.len() == 1 {
                ""
            } else {
                "s"
            },
            if samples == 1 { "" } else { "s" },
        ));
        let configurations = observation
            .cases
            .iter()
            .map(|id| match &suite.selection {
                Selection::TestCases(specs) => specs
                    .iter()
                    .find(|spec| spec.id == *id)
                    .map(configuration_for_case)
                    .unwrap_or_else(|| {
                        crate::api::wire::TestConfiguration::for_case(id.clone(), None, None)
                    }),
                _ => crate::api::wire::TestConfiguration::for_case(id.clone(), None, None),
            })
            .collect();
        // A wave's create an earlier attempt sent and never recorded: it may have placed the
        // calls, so it is not sent again until the user has looked (or says --fresh).
        if let Some(message) = ctx
            .state
            .and_then(|state| super::follow::pending_stop(ctx, state, suite))
        {
            ctx.progress
                .note(&format!("{name}: wave {wave} not created: {message}"));
            observation.end = RunEnd::PlatformError {
                message: format!("wave {wave} was not created: {message}"),
            };
            observation.elapsed = began.elapsed();
            return observation;
        }
        match start::create_run(ctx.client, suite, configurations, samples, ctx.state).await {
            Ok(started) => {
                observation.run_id = Some(started.run_id.clone());
                observation.results_url = started.results_url.clone();
                if let Some(state) = ctx.state {
                    let record = RecordedWave {
                        wave,
                        run_id: started.run_id.clone(),
                        results_url: started.results_url.clone(),
                        created_at: crate::outcome::rfc3339(std::time::SystemTime::now()),
                        cases: observation.cases.clone(),
                        samples,
                    };
                    if let Err(e) = state.record_wave(suite, record) {
                        ctx.progress.note(&format!(
                            "{name}: warning: {e}; wave {wave} (run {}) is not recorded, so a re-run cannot re-attach to it (it stops on the pending create instead): note the run id",
                            started.run_id
                        ));
                    }
                }
                ctx.progress.created_wave(
                    name,
                    wave,
                    &started.run_id,
                    started.results_url.as_deref(),
                    calls,
                    ctx.pacing.timeout_for(suite),
                );
            }
            Err(err) => {
                if let start::StartError::Empty {
                    run_id,
                    results_url,
                } = &err
                {
                    observation.run_id = Some(run_id.clone());
                    observation.results_url = results_url.clone();
                }
                ctx.progress.note(&format!(
                    "{name}: wave {wave} could not be created: {}",
                    err.short()
                ));
                observation.end = match err.to_end() {
                    RunEnd::NotStarted { message } => RunEnd::PlatformError {
                        message: format!("wave {wave} could not be created: {message}"),
                    },
                    other => other,
                };
                observation.elapsed = began.elapsed();
                return observation;
            }
        }
    }
    // Follow the wave with the first run's machinery, on a view of the suite for this run.
    let view = RunObservation {
        suite: suite.clone(),
        run_id: observation.run_id.clone(),
        results_url: observation.results_url.clone(),
        last_status: None,
        results: None,
        end: RunEnd::Finished,
        started_at: std::time::SystemTime::now(),
        elapsed: Duration::ZERO,
        case_titles: IndexMap::new(),
        follow_ups: Vec::new(),
    };
    let (followed, _) = follow::attach(ctx, view, began, first_look, follow::Keep::Parsed).await;
    let mut seen = followed.observation;
    super::recordings::recheck(ctx, &mut seen).await;
    observation.last_status = seen.last_status;
    observation.results = seen.results;
    observation.end = seen.end;
    observation.elapsed = seen.elapsed;
    observation
}

/// Every case of the suite, in order: the catalog's (or the file's) and any the results add.
fn all_cases(obs: &RunObservation, outcome: &SuiteOutcome) -> Vec<String> {
    let mut cases: Vec<String> = match &obs.suite.selection {
        Selection::TestCases(specs) => specs.iter().map(|s| s.id.clone()).collect(),
        _ => obs.case_titles.keys().cloned().collect(),
    };
    for call in &outcome.calls {
        if !cases.contains(&call.test_case_id) && call.test_case_id != "unknown" {
            cases.push(call.test_case_id.clone());
        }
    }
    cases
}

/// Samples per case and number asked for so far: the first run's for every case, then each
/// wave's for its cases.
fn sampled(obs: &RunObservation, all_cases: &[String]) -> IndexMap<String, u32> {
    let mut out: IndexMap<String, u32> = all_cases
        .iter()
        .map(|c| (c.clone(), obs.suite.samples))
        .collect();
    for wave in &obs.follow_ups {
        for case in &wave.cases {
            *out.entry(case.clone()).or_insert(0) += wave.samples;
        }
    }
    out
}

/// One line for the progress log after a wave: the running verdict and the suite's rate.
fn wave_summary(wave: u32, outcome: &SuiteOutcome) -> String {
    let rate = outcome
        .checks
        .iter()
        .find(|c| c.name == "min_test_pass_rate")
        .and_then(|c| c.measured.clone())
        .unwrap_or_default();
    let open = outcome
        .checks
        .iter()
        .filter(|c| c.status == CheckStatus::Inconclusive)
        .count();
    let undecided = if open > 0 {
        format!(
            ", {open} check{} undecided",
            if open == 1 { "" } else { "s" }
        )
    } else {
        String::new()
    };
    format!(
        "wave {wave} done: {} after {} calls{undecided}; pass rate {rate}",
        outcome.verdict.label(),
        outcome.counts.total
    )
}
