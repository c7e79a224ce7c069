//! From the v2 settings to what the rest of the runner takes: a `ResolvedSuite` (the same
//! value a suite file yields), the equivalent suite file, and results links.

use std::time::Duration;

use crate::suite::duration;
use crate::suite::{
    NoAssertions, ResolvedSuite, ResolvedThresholds, SCHEMA_ID, Selection, SuiteSource,
    TestCaseSpec,
};

use super::{EnvError, EnvSelection, V2Env};

/// The name of the one suite the environment defines.
pub const SUITE_NAME: &str = "env";

impl V2Env {
    /// The suite the v2 scripts would run: `AGENT_ID`, `PHONE_NUMBERS` and one of `TAG_IDS`
    /// and `TEST_CASE_IDS` are required. The assertion threshold is skipped when the run has
    /// no assertions, as the v2 check skips it.
    pub fn suite(&self) -> Result<ResolvedSuite, EnvError> {
        let mut missing = Vec::new();
        if self.agent_id.is_none() {
            missing.push("AGENT_ID");
        }
        if self.phone_numbers.is_none() {
            missing.push("PHONE_NUMBERS");
        }
        if self.selection.is_none() {
            missing.push("TAG_IDS or TEST_CASE_IDS");
        }
        let (Some(agent_id), Some(phone_numbers), Some(selection)) =
            (&self.agent_id, &self.phone_numbers, &self.selection)
        else {
            let names = match missing.as_slice() {
                [one] => format!("{one} is"),
                many => format!("{} are", many.join(", ")),
            };
            return Err(EnvError::Missing {
                names,
                hint: "with no suite file, the run is read from the environment as Hamming's v2 scripts read it; set them (see .env.example), put them in .env or --env-file, or pass a suite file".into(),
            });
        };
        Ok(ResolvedSuite {
            name: SUITE_NAME.to_owned(),
            description: None,
            agent_id: agent_id.clone(),
            phone_numbers: phone_numbers.clone(),
            selection: match selection {
                EnvSelection::Tags(tags) => Selection::Tags(tags.clone()),
                EnvSelection::TestCases(ids) => Selection::TestCases(
                    ids.iter()
                        .map(|id| TestCaseSpec {
                            id: id.clone(),
                            scenario_facts: None,
                            persona: None,
                        })
                        .collect(),
                ),
            },
            samples: 1,
            adaptive: None,
            max_concurrent_calls: None,
            max_calls: None,
            timeout: self.timeout,
            poll_interval: self.poll_interval,
            thresholds: self.thresholds(),
            quarantine: Vec::new(),
            source: SuiteSource::default(),
        })
    }

    /// The v2 check's thresholds.
    pub fn thresholds(&self) -> ResolvedThresholds {
        ResolvedThresholds {
            min_test_pass_rate: self.min_test_pass_rate,
            min_assertion_score: Some(self.min_assertion_pass_rate),
            no_assertions: NoAssertions::Skip,
            categories: Default::default(),
            must_pass_assertions: Vec::new(),
            metrics: Default::default(),
            min_case_pass_rate: None,
            statistics: None,
            regression: Default::default(),
        }
    }

    /// The web UI's base URL: `HAMMING_UI_BASE_URL`, else the API base without its
    /// `/api/rest` path (so the default API gives v2's default, https://app.hamming.ai).
    pub fn ui_base(&self, api_base: &str) -> Option<String> {
        if let Some(ui) = &self.ui_base_url {
            return Some(ui.clone());
        }
        let api = api_base.trim().trim_end_matches('/');
        api.strip_suffix("/api/rest").map(str::to_owned)
    }

    /// The page of a run in the web UI, as v2's `get_test_run_url` builds it.
    pub fn run_url(&self, api_base: &str, run_id: &str) -> Option<String> {
        self.ui_base(api_base)
            .map(|base| format!("{base}/test-runs/{run_id}"))
    }

    /// The suite file equivalent to this environment, ready to commit: schema modeline,
    /// literal values (none of them secret), and the thresholds spelled out.
    pub fn suite_file(&self, modeline_target: &str) -> Result<String, EnvError> {
        let suite = self.suite()?;
        let q = |s: &str| serde_json::Value::String(s.to_owned()).to_string();
        let list = |items: &[String]| {
            let quoted: Vec<String> = items.iter().map(|s| q(s)).collect();
            format!("[{}]", quoted.join(", "))
        };
        let mut out = String::new();
        out.push_str(&format!(
            "# yaml-language-server: $schema={modeline_target}\n"
        ));
        out.push_str(
            "#\n# Written by `hamming-runner init --from-env` from the variables Hamming's v2 CI\n\
             # scripts read. Check it with `hamming-runner validate`, commit it, and run it with\n\
             # `hamming-runner run FILE`; HAMMING_API_KEY stays in the environment.\n",
        );
        out.push_str("version: 1\n\nsuites:\n");
        out.push_str(&format!("  {SUITE_NAME}:\n"));
        out.push_str(&format!(
            "    agent_id: {}  # AGENT_ID\n",
            q(&suite.agent_id)
        ));
        out.push_str(&format!(
            "    phone_numbers: {}  # PHONE_NUMBERS\n",
            list(&suite.phone_numbers)
        ));
        match &self.selection {
            Some(EnvSelection::Tags(tags)) => {
                out.push_str(&format!("    tags: {}  # TAG_IDS\n", list(tags)));
            }
            Some(EnvSelection::TestCases(ids)) => {
                out.push_str(
                    "    # TEST_CASE_IDS; each entry can take scenario_facts and a persona.\n",
                );
                out.push_str("    test_cases:\n");
                for id in ids {
                    out.push_str(&format!("      - id: {}\n", q(id)));
                }
            }
            None => {}
        }
        out.push_str(&format!(
            "    timeout: {}  # TIMEOUT_SECONDS\n",
            duration_text(suite.timeout)
        ));
        out.push_str(&format!(
            "    poll_interval: {}  # POLL_INTERVAL_SECONDS\n",
            duration_text(suite.poll_interval)
        ));
        out.push_str("    thresholds:\n");
        out.push_str(&format!(
            "      min_test_pass_rate: {:?}  # MIN_TEST_PASS_RATE\n",
            self.min_test_pass_rate
        ));
        out.push_str(&format!(
            "      min_assertion_score: {:?}  # MIN_ASSERTION_PASS_RATE\n",
            self.min_assertion_pass_rate
        ));
        out.push_str(
            "      # As the v2 check: a run with no assertions configured passes this threshold.\n",
        );
        out.push_str("      no_assertions: skip\n");
        Ok(out)
    }
}

/// A duration the suite file parses back to the same value.
fn duration_text(value: Duration) -> String {
    let text = duration::format(value);
    match duration::parse(&text) {
        Ok(parsed) if parsed == value => text,
        _ => format!("{}ms", value.as_millis()),
    }
}

/// The modeline target a generated file uses: the published schema.
pub fn default_modeline() -> &'static str {
    SCHEMA_ID
}
