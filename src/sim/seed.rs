//! A workspace built from the names a suite file references, for tests and `--simulate`.

use std::collections::{BTreeMap, HashMap, HashSet};

use super::ids;
use super::workspace::{Agent, Assertion, CallOutcome, Dataset, Tag, TestCase, Workspace};

/// What a seeded workspace must contain.
#[derive(Debug, Clone, Default)]
pub struct Seed {
    /// Agent ids; each becomes an agent.
    pub agents: Vec<String>,
    /// Tags by name or id; each selects at least one passing case on every seeded agent.
    pub tags: Vec<String>,
    /// Test case ids; each becomes a passing case attached to every seeded agent.
    pub test_cases: Vec<String>,
    /// Sets of tags (names or ids, each also listed in `tags`); each becomes one passing case
    /// carrying every tag of the set, so a tag expression with `all` finds a case.
    pub tag_sets: Vec<Vec<String>>,
    /// Dataset ids for the legacy flow; each holds one passing case of its own.
    pub datasets: Vec<String>,
    /// Assertions every seeded case carries (and passes), by name and category.
    pub assertions: Vec<SeedAssertion>,
    /// Per-call metric values every seeded case reports.
    pub metrics: BTreeMap<String, f64>,
}

/// An assertion a seeded case carries.
#[derive(Debug, Clone, PartialEq)]
pub struct SeedAssertion {
    pub name: String,
    pub category: Option<String>,
}

impl Workspace {
    /// A workspace where everything the seed names exists and every call passes.
    ///
    /// A tag string becomes the tag's name; its id is the string itself when the string has
    /// the shape of an id (so a suite that names a tag by id finds it), else one derived from
    /// the name.
    pub fn seeded(seed: &Seed) -> Workspace {
        let mut workspace = Workspace::default();
        let agent_ids: Vec<String> = dedup(&seed.agents);
        workspace.agents = agent_ids
            .iter()
            .map(|id| Agent {
                id: id.clone(),
                name: Some(id.clone()),
                description: None,
                run_outcome: None,
                run_ends_after_seconds: None,
            })
            .collect();
        for tag in dedup(&seed.tags) {
            let id = if ids::looks_like_id(&tag) {
                tag.clone()
            } else {
                ids::derive(workspace.seed, &["tag", &tag])
            };
            workspace.test_cases.push(passing_case(
                ids::derive(workspace.seed, &["seeded-case", &tag]),
                format!("{tag} (seeded)"),
                vec![id.clone()],
                &agent_ids,
                seed,
            ));
            workspace.tags.push(Tag {
                id: Some(id),
                name: tag,
                description: None,
            });
        }
        let mut tag_by_name: HashMap<&str, Option<&str>> = HashMap::new();
        for tag in &workspace.tags {
            tag_by_name
                .entry(tag.name.as_str())
                .or_insert(tag.id.as_deref());
        }
        let mut set_cases = Vec::new();
        for set in dedup(&seed.tag_sets) {
            let tag_ids: Vec<String> = set
                .iter()
                .filter_map(|name| tag_by_name.get(name.as_str()).copied().flatten())
                .map(str::to_owned)
                .collect();
            let key = set.join(",");
            set_cases.push(passing_case(
                ids::derive(workspace.seed, &["seeded-tag-set", &key]),
                format!("{} (seeded)", set.join(" + ")),
                tag_ids,
                &agent_ids,
                seed,
            ));
        }
        workspace.test_cases.extend(set_cases);
        for dataset in dedup(&seed.datasets) {
            let case_id = ids::derive(workspace.seed, &["seeded-dataset-case", &dataset]);
            workspace.test_cases.push(passing_case(
                case_id.clone(),
                format!("{dataset} (seeded dataset case)"),
                Vec::new(),
                &agent_ids,
                seed,
            ));
            workspace.datasets.push(Dataset {
                name: dataset.clone(),
                id: dataset,
                description: None,
                test_cases: vec![case_id],
            });
        }
        let mut known: HashSet<String> =
            workspace.test_cases.iter().map(|c| c.id.clone()).collect();
        for id in dedup(&seed.test_cases) {
            if !known.insert(id.clone()) {
                continue;
            }
            let title = format!("Seeded case {id}");
            workspace
                .test_cases
                .push(passing_case(id, title, Vec::new(), &agent_ids, seed));
        }
        workspace
    }
}

/// Each item once, in the order first written.
fn dedup<T: Clone + Eq + std::hash::Hash>(items: &[T]) -> Vec<T> {
    let mut seen = HashSet::new();
    items
        .iter()
        .filter(|item| seen.insert(*item))
        .cloned()
        .collect()
}

fn passing_case(
    id: String,
    title: String,
    tags: Vec<String>,
    agents: &[String],
    seed: &Seed,
) -> TestCase {
    let assertions = seed
        .assertions
        .iter()
        .map(|a| Assertion {
            id: None,
            name: a.name.clone(),
            category: a.category.clone(),
            reason: None,
            failure_reason: None,
            fails_on_failure: None,
        })
        .collect();
    TestCase {
        id,
        title,
        tags,
        agent_ids: agents.to_vec(),
        outcome: Some(CallOutcome::Pass),
        fail_probability: None,
        duration_seconds: None,
        assertions,
        metrics: seed.metrics.clone(),
        transcript: Vec::new(),
        run_outcome: None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn seeded_workspace_is_consistent_and_complete() {
        let ws = Workspace::seeded(&Seed {
            agents: vec!["agent-a".into(), "agent-b".into()],
            tags: vec!["smoke".into(), "cmc220l4i00zsgn0gvqkvpvxh".into()],
            test_cases: vec!["case-1".into()],
            tag_sets: Vec::new(),
            datasets: Vec::new(),
            assertions: vec![SeedAssertion {
                name: "Verifies identity".into(),
                category: Some("Compliance".into()),
            }],
            metrics: BTreeMap::from([("latencyP90".to_owned(), 1.0)]),
        });
        assert!(ws.problems().is_empty(), "{:?}", ws.problems());
        let smoke = ws.find_tag("smoke").unwrap();
        assert_ne!(ws.tag_id(smoke), "smoke");
        assert!(ws.find_tag("cmc220l4i00zsgn0gvqkvpvxh").is_some());
        for tag in &ws.tags {
            let id = ws.tag_id(tag);
            let cases: Vec<_> = ws
                .test_cases
                .iter()
                .filter(|c| c.tags.contains(&id))
                .collect();
            assert!(!cases.is_empty());
            assert!(cases.iter().all(|c| c.agent_ids.len() == 2));
        }
        let case = ws.test_cases.iter().find(|c| c.id == "case-1").unwrap();
        assert_eq!(case.agent_ids, vec!["agent-a", "agent-b"]);
        assert_eq!(case.outcome, Some(CallOutcome::Pass));
        assert_eq!(case.assertions[0].name, "Verifies identity");
        assert_eq!(case.metrics.get("latencyP90"), Some(&1.0));
    }
}
