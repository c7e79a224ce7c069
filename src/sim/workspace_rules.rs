//! The rules a workspace must keep that its schema cannot express: references that resolve
//! (tags, agents, a dataset's cases), ids that are unique, numbers in range, fault rules
//! that parse. Each problem is located by JSON pointer, so a workspace file's problems point
//! at the line, with a did-you-mean for a misspelt reference.

use std::collections::HashSet;

use crate::load::Finding;
use crate::load::positions::{Anchor, child};
use crate::load::schema_words::dotted;
use crate::load::suggest::did_you_mean;

use super::faults::FaultSpec;
use super::index::Index;
use super::outcome::is_count_metric;
use super::workspace::Workspace;

impl Workspace {
    /// Every broken rule, located by JSON pointer.
    pub fn findings(&self) -> Vec<Finding> {
        let mut out = Rules::default();
        if let Some(speed) = self.speed
            && !(speed.is_finite() && speed > 0.0)
        {
            out.at(
                "/speed",
                format!("`speed` must be a number greater than 0, not {speed}"),
                "it is simulated seconds per real second; 600 makes a three-minute call take 300 ms",
            );
        }
        for (key, value) in [
            ("queue_delay_seconds", self.queue_delay_seconds),
            ("scoring_seconds", self.scoring_seconds),
            ("run_ttl_seconds", self.run_ttl_seconds),
            ("recording_delay_seconds", self.recording_delay_seconds),
        ] {
            out.seconds(&format!("/{key}"), key, value);
        }
        if self.max_runs == Some(0) {
            out.at(
                "/max_runs",
                "`max_runs` must be at least 1".into(),
                "it is how many runs are kept at once; the default is 1000",
            );
        }
        for (index, key) in self.api_keys.iter().flatten().enumerate() {
            if key.trim().is_empty() {
                out.at(
                    &format!("/api_keys/{index}"),
                    format!("`api_keys[{index}]` is empty"),
                    "remove it; without `api_keys` any non-empty key is accepted",
                );
            }
        }
        let mut seen = HashSet::new();
        for (index, agent) in self.agents.iter().enumerate() {
            let at = format!("/agents/{index}");
            if !seen.insert(agent.id.as_str()) {
                out.at(
                    &format!("{at}/id"),
                    format!("agent id `{}` appears twice", agent.id),
                    "give each agent its own id",
                );
            }
            out.seconds(
                &format!("{at}/run_ends_after_seconds"),
                &format!("agents[{index}].run_ends_after_seconds"),
                agent.run_ends_after_seconds,
            );
        }
        self.case_findings(&mut seen, &mut out);
        self.dataset_and_fault_findings(&mut out);
        out.0
    }

    /// The rules broken, each as one line naming where (for a workspace built in memory).
    pub fn problems(&self) -> Vec<String> {
        self.findings()
            .into_iter()
            .map(|f| {
                let hint = f.hint.map(|h| format!(" ({h})")).unwrap_or_default();
                format!("{}: {}{hint}", dotted(&f.pointer), f.message)
            })
            .collect()
    }

    fn case_findings<'a>(&'a self, seen: &mut HashSet<&'a str>, out: &mut Rules) {
        let tag_names: Vec<String> = self
            .tags
            .iter()
            .flat_map(|t| [t.name.clone(), self.tag_id(t)])
            .collect();
        let agent_ids: Vec<&str> = self.agents.iter().map(|a| a.id.as_str()).collect();
        let known_agents: HashSet<&str> = agent_ids.iter().copied().collect();
        let lookup = Index::new(self);
        for (index, case) in self.test_cases.iter().enumerate() {
            let at = format!("/test_cases/{index}");
            if !seen.insert(case.id.as_str()) {
                out.at(
                    &format!("{at}/id"),
                    format!(
                        "test case id `{}` is already the id of an agent or another test case",
                        case.id
                    ),
                    "give each agent and test case its own id",
                );
            }
            for (i, tag) in case.tags.iter().enumerate() {
                if lookup.tag_at(tag).is_none() {
                    out.reference(
                        &format!("{at}/tags/{i}"),
                        format!("test case `{}` names the unknown tag `{tag}`", case.id),
                        did_you_mean(tag, tag_names.iter().map(String::as_str)),
                        "add it under `tags:` (by name, or with an `id`)",
                    );
                }
            }
            for (i, agent) in case.agent_ids.iter().enumerate() {
                if !known_agents.contains(agent.as_str()) {
                    out.reference(
                        &format!("{at}/agent_ids/{i}"),
                        format!("test case `{}` names the unknown agent `{agent}`", case.id),
                        did_you_mean(agent, agent_ids.iter().copied()),
                        "add it under `agents:`",
                    );
                }
            }
            if let Some(p) = case.fail_probability
                && !(0.0..=1.0).contains(&p)
            {
                out.at(
                    &format!("{at}/fail_probability"),
                    format!("`fail_probability` is {p}; it must be from 0 to 1"),
                    "it is the chance that a call of a `flaky` case fails, e.g. 0.3",
                );
            }
            out.seconds(
                &format!("{at}/duration_seconds"),
                "duration_seconds",
                case.duration_seconds,
            );
            for (name, value) in &case.metrics {
                if is_count_metric(name) && !(value.fract() == 0.0 && *value >= 0.0) {
                    out.at(
                        &child(&format!("{at}/metrics"), name),
                        format!("metric `{name}` is a count, so it must be a whole number of at least 0, not {value}"),
                        "Hamming's client model reads counts as integers",
                    );
                }
            }
        }
    }

    fn dataset_and_fault_findings(&self, out: &mut Rules) {
        let case_ids: Vec<&str> = self.test_cases.iter().map(|c| c.id.as_str()).collect();
        let known_cases: HashSet<&str> = case_ids.iter().copied().collect();
        for (index, dataset) in self.datasets.iter().enumerate() {
            for (i, case) in dataset.test_cases.iter().enumerate() {
                if !known_cases.contains(case.as_str()) {
                    out.reference(
                        &format!("/datasets/{index}/test_cases/{i}"),
                        format!(
                            "dataset `{}` names the unknown test case `{case}`",
                            dataset.id
                        ),
                        did_you_mean(case, case_ids.iter().copied()),
                        "add the case under `test_cases:`",
                    );
                }
            }
        }
        for (index, rule) in self.faults.iter().enumerate() {
            if let Err(e) = FaultSpec::parse(&rule.fault) {
                out.at(
                    &format!("/faults/{index}/fault"),
                    e,
                    "write directives joined by `;`, e.g. `status=503;body=html` (see docs/simulator.md)",
                );
            }
            if let Some(p) = rule.probability
                && !(0.0..=1.0).contains(&p)
            {
                out.at(
                    &format!("/faults/{index}/probability"),
                    format!("`probability` is {p}; it must be from 0 to 1"),
                    "it is the chance that a matching request gets the fault, e.g. 0.1",
                );
            }
        }
    }
}

/// The findings collected so far.
#[derive(Default)]
struct Rules(Vec<Finding>);

impl Rules {
    fn at(&mut self, pointer: &str, message: String, hint: &str) {
        self.0.push(Finding {
            pointer: pointer.to_owned(),
            anchor: Anchor::Value,
            focus: None,
            message,
            hint: Some(hint.to_owned()),
        });
    }

    /// An unknown reference, with the closest known name when there is one.
    fn reference(&mut self, pointer: &str, message: String, best: Option<&str>, otherwise: &str) {
        let hint = match best {
            Some(best) => format!("did you mean `{best}`?"),
            None => otherwise.to_owned(),
        };
        self.at(pointer, message, &hint);
    }

    /// A number of seconds: finite and at least 0.
    fn seconds(&mut self, pointer: &str, name: &str, value: Option<f64>) {
        if let Some(v) = value
            && !(v.is_finite() && v >= 0.0)
        {
            self.at(
                pointer,
                format!("`{name}` must be a number of seconds of at least 0, not {v}"),
                "write e.g. `5` or `0.5`",
            );
        }
    }
}
