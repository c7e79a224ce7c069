//! A suite's runs as the gate reads them: the first run and, with adaptive samples, each
//! follow-up wave, with the range of the suite's calls that each one holds.

use std::ops::Range;

use indexmap::IndexMap;

use crate::api::wire::{AssertionScores, Category, ResultsBody, RunStatus, Summary};
use crate::outcome::{RunEnd, RunObservation, WaveObservation};

/// One run of a suite.
pub(super) struct Wave {
    /// 1-based.
    pub number: u32,
    pub run_id: Option<String>,
    pub results_url: Option<String>,
    pub last_status: Option<RunStatus>,
    pub results: Option<ResultsBody>,
    pub end: RunEnd,
    /// Cases the wave asked for (0 when unknown, as for a first run by tag).
    pub cases_asked: u64,
    /// Samples per case and number the wave asked for.
    pub samples: u32,
    /// The wave's calls within the suite's calls.
    pub calls: Range<usize>,
    /// The wave's calls within the calls that gate (quarantined cases left out).
    pub gated: Range<usize>,
}

/// The first run of an observation and its follow-up waves, in order (calls not yet set).
pub(super) fn of(observation: &mut RunObservation, cases_asked: u64) -> Vec<Wave> {
    let mut waves = vec![Wave {
        number: 1,
        run_id: observation.run_id.clone(),
        results_url: observation.results_url.clone(),
        last_status: observation.last_status.clone(),
        results: observation.results.take(),
        end: observation.end.clone(),
        cases_asked,
        samples: observation.suite.samples,
        calls: 0..0,
        gated: 0..0,
    }];
    for (i, follow_up) in std::mem::take(&mut observation.follow_ups)
        .into_iter()
        .enumerate()
    {
        let WaveObservation {
            run_id,
            results_url,
            last_status,
            results,
            end,
            cases,
            samples,
            ..
        } = follow_up;
        waves.push(Wave {
            number: i as u32 + 2,
            run_id,
            results_url,
            last_status,
            results,
            end,
            cases_asked: cases.len() as u64,
            samples,
            calls: 0..0,
            gated: 0..0,
        });
    }
    waves
}

/// The run summaries of several waves as one: assertion scores averaged over the waves,
/// weighted by their calls, with each category's assertion ids gathered from every wave.
/// Metrics are not merged (a percentile of percentiles means nothing); they are judged wave
/// by wave.
pub(super) fn merged_summary(waves: &[Wave]) -> Option<ResultsBody> {
    let mut overall = (0.0, 0.0);
    let mut categories: IndexMap<String, (f64, f64, Vec<String>, bool)> = IndexMap::new();
    let mut any = false;
    // A score no valid answer holds, set aside in any wave, keeps the merged score unjudged.
    let mut rejected_score = None;
    for wave in waves {
        let weight = wave.calls.len().max(1) as f64;
        let Some(scores) = wave
            .results
            .as_ref()
            .and_then(|r| r.summary.as_ref())
            .and_then(|s| s.assertions.as_ref())
        else {
            continue;
        };
        any = true;
        rejected_score = rejected_score.or(scores.rejected_score);
        if let Some(score) = scores.overall_score {
            overall.0 += score * weight;
            overall.1 += weight;
        }
        for category in &scores.categories {
            let Some(name) = &category.name else { continue };
            let entry = categories
                .entry(name.clone())
                .or_insert((0.0, 0.0, Vec::new(), true));
            if let Some(score) = category.score {
                entry.0 += score * weight;
                entry.1 += weight;
            }
            for id in &category.assertion_ids {
                if !entry.2.contains(id) {
                    entry.2.push(id.clone());
                }
            }
            entry.3 &= category.status.as_deref() != Some("failed");
        }
    }
    let status = waves
        .last()
        .and_then(|w| w.results.as_ref())
        .and_then(|r| r.summary.as_ref())
        .and_then(|s| s.status.clone());
    let assertions = any.then(|| AssertionScores {
        overall_score: (overall.1 > 0.0).then(|| overall.0 / overall.1),
        categories: categories
            .into_iter()
            .map(|(name, (sum, weight, ids, passed))| Category {
                name: Some(name),
                score: (weight > 0.0).then(|| sum / weight),
                status: Some(if passed { "passed" } else { "failed" }.to_owned()),
                stats: None,
                assertion_ids: ids,
            })
            .collect(),
        rejected_score,
    });
    Some(ResultsBody {
        summary: Some(Summary {
            status,
            assertions,
            ..Summary::default()
        }),
        results: Vec::new(),
    })
}
