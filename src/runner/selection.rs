//! Turns a suite's selection into the test configurations of a create request, through the
//! catalog: tag names become tag ids, every named tag and test case is checked to exist for
//! the agent, and the calls the run would place are counted before any is placed.

use std::collections::HashMap;

use indexmap::IndexMap;

use crate::api::wire::{self, PersonaOverride, TestConfiguration};
use crate::api::{ApiError, Client};
use crate::load::suggest::did_you_mean;
use crate::suite::{ResolvedSuite, Selection, TagExpression};

/// A selection resolved against the workspace.
#[derive(Debug, Clone, PartialEq)]
pub struct ResolvedSelection {
    pub configurations: Vec<TestConfiguration>,
    /// The selected cases (id → title), in selection order, without duplicates.
    pub cases: IndexMap<String, String>,
    /// Distinct cases selected: a case selected by two tags runs (and is counted) once.
    pub selected_cases: u64,
    /// Calls the run would place: selected cases × samples × phone numbers.
    pub calls: u64,
    /// Notes for the user (e.g. the catalog could not be read and ids were used as given).
    pub notes: Vec<String>,
}

/// Why a selection cannot be run. These are problems of the suite file as the workspace
/// sees it, so they stop the run before a call is placed.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum SelectionError {
    #[error(
        "suite `{suite}`: unknown agent `{agent}`{}",
        hint(.suggestion, .known, "agents", "the workspace has no agents")
    )]
    UnknownAgent {
        suite: String,
        agent: String,
        /// `id (name)` of the likeliest agent meant.
        suggestion: Option<String>,
        /// `id (name)` of every agent of the workspace.
        known: Vec<String>,
    },
    #[error(
        "suite `{suite}`: unknown tag `{tag}` for agent {agent}{}",
        hint(.suggestion, .known, "tags", "the agent has no tags")
    )]
    UnknownTag {
        suite: String,
        tag: String,
        agent: String,
        suggestion: Option<String>,
        known: Vec<String>,
    },
    #[error(
        "suite `{suite}`: unknown test case `{id}` for agent {agent}; check the id in the Hamming app (test cases must be attached to the agent)"
    )]
    UnknownTestCase {
        suite: String,
        id: String,
        agent: String,
    },
    #[error(
        "suite `{suite}`: the selection resolves to no test cases for agent {agent} ({detail}); an empty selection is never a pass"
    )]
    Empty {
        suite: String,
        agent: String,
        detail: String,
    },
    #[error(
        "suite `{suite}` would place {calls} calls ({cases} cases × {samples} samples × {numbers} numbers), above its limit of {limit}; raise `max_calls` (or --max-calls) if that is intended"
    )]
    TooManyCalls {
        suite: String,
        calls: u64,
        cases: u64,
        samples: u32,
        numbers: usize,
        limit: u64,
    },
    #[error(
        "suite `{suite}`: unknown dataset `{dataset}`{}",
        known_datasets(.known)
    )]
    UnknownDataset {
        suite: String,
        dataset: String,
        known: Vec<String>,
    },
    #[error(
        "suite `{suite}` selects dataset `{dataset}`, which runs through Hamming's legacy flow; only `run` follows it (`create`, `wait` and `check` handle test runs)"
    )]
    LegacyOnlyInRun { suite: String, dataset: String },
    #[error("suite `{suite}`: cannot read the catalog to resolve tag names: {source}")]
    Catalog {
        suite: String,
        #[source]
        source: ApiError,
    },
}

impl SelectionError {
    pub fn exit_code(&self) -> u8 {
        match self {
            Self::Catalog { source, .. } => source.exit_code(),
            _ => crate::exit::USAGE,
        }
    }
}

fn known_datasets(known: &[String]) -> String {
    if known.is_empty() {
        "; the workspace has no datasets".into()
    } else {
        format!("; known datasets: {}", known.join(", "))
    }
}

/// `; did you mean …?; known <what>: a, b, c (and N more)`.
fn hint(suggestion: &Option<String>, known: &[String], what: &str, none: &str) -> String {
    let mut out = String::new();
    if let Some(s) = suggestion {
        out.push_str(&format!("; did you mean {s}?"));
    }
    if known.is_empty() {
        out.push_str(&format!("; {none}"));
    } else {
        let shown: Vec<&str> = known.iter().take(12).map(String::as_str).collect();
        out.push_str(&format!("; known {what}: {}", shown.join(", ")));
        if known.len() > shown.len() {
            out.push_str(&format!(" (and {} more)", known.len() - shown.len()));
        }
    }
    out
}

/// Whether a string looks like a Hamming id (25 lowercase alphanumerics starting with `c`),
/// so it can be used as a tag id when the catalog cannot be read.
pub fn looks_like_id(text: &str) -> bool {
    text.len() == 25
        && text.starts_with('c')
        && text
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit())
}

/// Resolves one suite's selection. `max_calls_override` is `--max-calls`.
pub async fn resolve(
    client: &Client,
    suite: &ResolvedSuite,
    max_calls_override: Option<u64>,
) -> Result<ResolvedSelection, SelectionError> {
    // The agent first: a mistyped agent id would otherwise surface as an unknown tag or
    // test case, or as an answer nobody can act on.
    let agent_note = super::agents::check(client, suite).await?;
    if let Selection::Dataset(dataset) = &suite.selection {
        let mut resolved = resolve_dataset(client, suite, dataset).await?;
        resolved.notes.extend(agent_note);
        return Ok(resolved);
    }
    let catalog = Catalog::fetch(client, &suite.agent_id).await;
    let mut resolved = match catalog {
        Ok(catalog) => catalog.select(suite)?,
        Err(err) => without_catalog(suite, err)?,
    };
    resolved.notes.extend(agent_note);
    let limit = max_calls_override.or(suite.max_calls.map(u64::from));
    if let Some(limit) = limit
        && resolved.calls > limit
    {
        return Err(SelectionError::TooManyCalls {
            suite: suite.name.clone(),
            calls: resolved.calls,
            cases: resolved.selected_cases,
            samples: suite.samples,
            numbers: suite.phone_numbers.len(),
            limit,
        });
    }
    Ok(resolved)
}

/// Checks that a dataset exists. How many cases a dataset holds is not published, so the
/// calls it places cannot be counted (nor held to `max_calls`) before it runs.
async fn resolve_dataset(
    client: &Client,
    suite: &ResolvedSuite,
    dataset: &str,
) -> Result<ResolvedSelection, SelectionError> {
    let mut notes = vec![format!(
        "dataset `{dataset}` runs through Hamming's legacy flow: one call per dataset case at each of {} number(s); the dataset's size is not published, so its calls are not counted here",
        suite.phone_numbers.len()
    )];
    match client.datasets().await {
        Ok(body) => {
            let found = body.datasets.iter().any(|d| {
                d.id.as_deref() == Some(dataset) || d.name.as_deref() == Some(dataset)
            });
            if !found {
                return Err(SelectionError::UnknownDataset {
                    suite: suite.name.clone(),
                    dataset: dataset.to_owned(),
                    known: body
                        .datasets
                        .iter()
                        .filter_map(|d| match (&d.id, &d.name) {
                            (Some(id), Some(name)) => Some(format!("{id} ({name})")),
                            (Some(id), None) => Some(id.clone()),
                            _ => None,
                        })
                        .collect(),
                });
            }
        }
        Err(ApiError::NotFound { .. }) => notes.push(
            "the dataset list could not be read; the id is sent as written and the server checks it"
                .into(),
        ),
        Err(source) => {
            return Err(SelectionError::Catalog {
                suite: suite.name.clone(),
                source,
            });
        }
    }
    Ok(ResolvedSelection {
        configurations: Vec::new(),
        cases: IndexMap::new(),
        selected_cases: 0,
        calls: 0,
        notes,
    })
}

/// What the catalog says about one agent.
struct Catalog {
    tags: Vec<wire::Tag>,
    cases: Vec<wire::TestCaseItem>,
}

impl Catalog {
    async fn fetch(client: &Client, agent_id: &str) -> Result<Self, ApiError> {
        // Every tag, not only the agent's: a tag that exists but selects nothing for this
        // agent deserves that message, not "unknown tag".
        let tags = client.tags(None).await?.tags;
        let cases = client.test_cases(Some(agent_id)).await?;
        Ok(Self { tags, cases })
    }

    fn runnable_for<'a>(&'a self, agent: &'a str) -> impl Iterator<Item = &'a wire::TestCaseItem> {
        // A tag only selects cases attached to the run's agent; a server that filtered by
        // agentId already did this, one that sends no agentIds is trusted.
        self.cases
            .iter()
            .filter(move |c| c.agent_ids.is_empty() || c.agent_ids.iter().any(|a| a == agent))
    }

    fn select(&self, suite: &ResolvedSuite) -> Result<ResolvedSelection, SelectionError> {
        let agent = suite.agent_id.as_str();
        let mut configurations = Vec::new();
        let mut cases = IndexMap::new();
        match &suite.selection {
            Selection::Tags(tags) => {
                for wanted in tags {
                    let tag = self.tag_named(suite, wanted)?;
                    let tag_id = tag.id.clone().unwrap_or_default();
                    let tagged: Vec<&wire::TestCaseItem> = self
                        .runnable_for(agent)
                        .filter(|c| c.tags.iter().any(|t| t.id.as_deref() == Some(&tag_id)))
                        .collect();
                    if tagged.is_empty() {
                        return Err(SelectionError::Empty {
                            suite: suite.name.clone(),
                            agent: agent.to_owned(),
                            detail: format!(
                                "tag `{wanted}` has no test case attached to this agent"
                            ),
                        });
                    }
                    for case in tagged {
                        if let Some(id) = &case.id {
                            cases.insert(id.clone(), case.title.clone().unwrap_or_default());
                        }
                    }
                    configurations.push(TestConfiguration::for_tag(tag_id));
                }
            }
            Selection::Expression(expression) => {
                for (id, title) in self.matching(suite, expression)? {
                    configurations.push(TestConfiguration::for_case(id.clone(), None, None));
                    cases.insert(id, title);
                }
            }
            // Resolved by `resolve_dataset`, never through the test case catalog.
            Selection::Dataset(_) => {}
            Selection::TestCases(specs) => {
                // The agent's cases by id (the first of an id wins, as a scan would find).
                let mut by_id: HashMap<&str, &wire::TestCaseItem> = HashMap::new();
                for case in self.runnable_for(agent) {
                    if let Some(id) = case.id.as_deref() {
                        by_id.entry(id).or_insert(case);
                    }
                }
                for spec in specs {
                    let case = by_id.get(spec.id.as_str()).ok_or_else(|| {
                        SelectionError::UnknownTestCase {
                            suite: suite.name.clone(),
                            id: spec.id.clone(),
                            agent: agent.to_owned(),
                        }
                    })?;
                    cases.insert(spec.id.clone(), case.title.clone().unwrap_or_default());
                    configurations.push(configuration_for_case(spec));
                }
            }
        }
        let selected = cases.len() as u64;
        Ok(ResolvedSelection {
            configurations,
            cases,
            selected_cases: selected,
            calls: selected * suite.calls_per_case(),
            notes: Vec::new(),
        })
    }

    /// The tag a suite names, or the error that names the tags the workspace has.
    fn tag_named(&self, suite: &ResolvedSuite, wanted: &str) -> Result<&wire::Tag, SelectionError> {
        self.find_tag(wanted).ok_or_else(|| {
            let known: Vec<String> = self.tags.iter().filter_map(|t| t.name.clone()).collect();
            SelectionError::UnknownTag {
                suite: suite.name.clone(),
                tag: wanted.to_owned(),
                agent: suite.agent_id.clone(),
                suggestion: did_you_mean(wanted, known.iter().map(String::as_str))
                    .map(|s| format!("`{s}`")),
                known,
            }
        })
    }

    /// The agent's cases (id, title) matching a tag expression, in catalog order. Every tag
    /// the expression names must exist; an expression matching nothing is an error.
    fn matching(
        &self,
        suite: &ResolvedSuite,
        expression: &TagExpression,
    ) -> Result<Vec<(String, String)>, SelectionError> {
        // Each tag as written → its id, so a case's tags can be compared by id.
        let mut ids: IndexMap<&str, String> = IndexMap::new();
        for wanted in expression.named() {
            let tag = self.tag_named(suite, wanted)?;
            ids.insert(wanted.as_str(), tag.id.clone().unwrap_or_default());
        }
        let matched: Vec<(String, String)> = self
            .runnable_for(&suite.agent_id)
            .filter(|case| {
                expression.matches(|written| {
                    ids.get(written).is_some_and(|id| {
                        case.tags
                            .iter()
                            .any(|t| t.id.as_deref() == Some(id.as_str()))
                    })
                })
            })
            .filter_map(|case| {
                let id = case.id.clone()?;
                Some((id, case.title.clone().unwrap_or_default()))
            })
            .collect();
        if matched.is_empty() {
            return Err(SelectionError::Empty {
                suite: suite.name.clone(),
                agent: suite.agent_id.clone(),
                detail: format!(
                    "the tag expression {expression} matches no test case attached to this agent"
                ),
            });
        }
        Ok(matched)
    }

    fn find_tag(&self, wanted: &str) -> Option<&wire::Tag> {
        self.tags
            .iter()
            .find(|t| t.id.as_deref() == Some(wanted))
            .or_else(|| self.tags.iter().find(|t| t.name.as_deref() == Some(wanted)))
            .or_else(|| {
                self.tags.iter().find(|t| {
                    t.name
                        .as_deref()
                        .is_some_and(|n| n.eq_ignore_ascii_case(wanted))
                })
            })
    }
}

/// Builds the configuration of one explicit test case with its overrides.
pub fn configuration_for_case(spec: &crate::suite::TestCaseSpec) -> TestConfiguration {
    let persona = spec.persona.as_ref().map(|p| PersonaOverride {
        name: p.name.clone(),
        voice: p.voice.clone(),
        prompt: p.prompt.clone(),
    });
    TestConfiguration::for_case(spec.id.clone(), spec.scenario_facts.clone(), persona)
}

/// Falls back to ids as written when the catalog endpoints are missing (they are known only
/// from third-party clients). Tag names cannot be resolved then; ids go through unchecked
/// and the server validates them.
fn without_catalog(
    suite: &ResolvedSuite,
    err: ApiError,
) -> Result<ResolvedSelection, SelectionError> {
    if !matches!(err, ApiError::NotFound { .. }) {
        return Err(SelectionError::Catalog {
            suite: suite.name.clone(),
            source: err,
        });
    }
    let note = format!(
        "the catalog could not be read ({err}); ids are sent as written and the server checks them"
    );
    let (configurations, count) = match &suite.selection {
        Selection::Tags(tags) => {
            if let Some(name) = tags.iter().find(|t| !looks_like_id(t)) {
                return Err(SelectionError::Catalog {
                    suite: suite.name.clone(),
                    source: ApiError::NotFound {
                        path: format!(
                            "the tag list (needed to resolve the tag name `{name}`; use tag ids instead)"
                        ),
                        message: None,
                    },
                });
            }
            let configurations: Vec<_> = tags.iter().map(TestConfiguration::for_tag).collect();
            // Without the catalog, a tag counts as one case: the plan is a lower bound.
            (configurations, tags.len() as u64)
        }
        Selection::TestCases(specs) => (
            specs.iter().map(configuration_for_case).collect(),
            specs.len() as u64,
        ),
        Selection::Dataset(_) => (Vec::new(), 0),
        Selection::Expression(expression) => {
            return Err(SelectionError::Catalog {
                suite: suite.name.clone(),
                source: ApiError::NotFound {
                    path: format!(
                        "the test case list (needed to resolve the tag expression {expression}; list the cases under `test_cases` instead)"
                    ),
                    message: None,
                },
            });
        }
    };
    Ok(ResolvedSelection {
        configurations,
        cases: IndexMap::new(),
        selected_cases: count,
        calls: count * suite.calls_per_case(),
        notes: vec![note],
    })
}
