//! Look-ups into the workspace by id, built once when the simulator starts, so that a
//! request costs the same whether the workspace holds ten test cases or ten thousand.

use std::collections::HashMap;

use super::outcome;
use super::workspace::{Tag, Workspace};

/// The workspace's ids, indexed. Built from a workspace that no longer changes (its seed
/// already replaced by any override, since derived ids depend on it).
#[derive(Debug, Default)]
pub struct Index {
    agents: HashMap<String, usize>,
    cases: HashMap<String, usize>,
    datasets: HashMap<String, usize>,
    /// Each tag's id: its own, or the one derived from the seed and its name.
    tag_ids: Vec<String>,
    /// Tag by id, then by name: the first tag written wins, as in `Workspace::find_tag`.
    tags_by_id: HashMap<String, usize>,
    tags_by_name: HashMap<String, usize>,
    /// Tag id → the test cases carrying it, in workspace order, each once.
    cases_by_tag: HashMap<String, Vec<usize>>,
    /// Assertion id → the first failure reason written for it, in workspace order.
    failure_reasons: HashMap<String, String>,
}

impl Index {
    pub fn new(ws: &Workspace) -> Self {
        let first_wins = |map: &mut HashMap<String, usize>, key: &str, at: usize| {
            map.entry(key.to_owned()).or_insert(at);
        };
        let mut index = Index::default();
        for (at, agent) in ws.agents.iter().enumerate() {
            first_wins(&mut index.agents, &agent.id, at);
        }
        for (at, case) in ws.test_cases.iter().enumerate() {
            first_wins(&mut index.cases, &case.id, at);
        }
        for (at, dataset) in ws.datasets.iter().enumerate() {
            first_wins(&mut index.datasets, &dataset.id, at);
        }
        for (at, tag) in ws.tags.iter().enumerate() {
            let id = ws.tag_id(tag);
            first_wins(&mut index.tags_by_id, &id, at);
            first_wins(&mut index.tags_by_name, &tag.name, at);
            index.tag_ids.push(id);
        }
        for (at, case) in ws.test_cases.iter().enumerate() {
            for key in &case.tags {
                let Some(tag) = index.tag_at(key) else {
                    continue;
                };
                let list = index
                    .cases_by_tag
                    .entry(index.tag_ids[tag].clone())
                    .or_default();
                if list.last() != Some(&at) {
                    list.push(at);
                }
            }
            for assertion in &case.assertions {
                if let Some(reason) = &assertion.failure_reason {
                    index
                        .failure_reasons
                        .entry(outcome::assertion_id(ws, assertion))
                        .or_insert_with(|| reason.clone());
                }
            }
        }
        index
    }

    /// The position of the agent with this id.
    pub fn agent(&self, id: &str) -> Option<usize> {
        self.agents.get(id).copied()
    }

    /// The position of the test case with this id.
    pub fn case(&self, id: &str) -> Option<usize> {
        self.cases.get(id).copied()
    }

    /// The position of the dataset with this id.
    pub fn dataset(&self, id: &str) -> Option<usize> {
        self.datasets.get(id).copied()
    }

    /// The position of a tag named by id or, failing that, by name.
    pub fn tag_at(&self, key: &str) -> Option<usize> {
        self.tags_by_id
            .get(key)
            .or_else(|| self.tags_by_name.get(key))
            .copied()
    }

    /// A tag named by id or by name, with its id.
    pub fn tag<'w>(&self, ws: &'w Workspace, key: &str) -> Option<(&'w Tag, &str)> {
        let at = self.tag_at(key)?;
        Some((ws.tags.get(at)?, self.tag_ids[at].as_str()))
    }

    /// The id of the tag at a position.
    pub fn tag_id(&self, at: usize) -> &str {
        &self.tag_ids[at]
    }

    /// Whether some tag has this id.
    pub fn has_tag_id(&self, id: &str) -> bool {
        self.tags_by_id.contains_key(id)
    }

    /// The test cases carrying the tag with this id, in workspace order.
    pub fn cases_tagged(&self, tag_id: &str) -> &[usize] {
        self.cases_by_tag.get(tag_id).map_or(&[], Vec::as_slice)
    }

    /// The failure reason first written for an assertion, by assertion id.
    pub fn failure_reason(&self, assertion_id: &str) -> Option<&str> {
        self.failure_reasons.get(assertion_id).map(String::as_str)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn workspace() -> Workspace {
        Workspace::from_yaml(
            r#"
agents: [{ id: a1 }, { id: a2 }]
tags:
  - { name: smoke }
  - { name: billing, id: tag-billing }
test_cases:
  - { id: c1, title: One, tags: [smoke, tag-billing], agent_ids: [a1],
      assertions: [{ name: Greets, failure_reason: "did not greet" }] }
  - { id: c2, title: Two, tags: [billing, billing], agent_ids: [a2],
      assertions: [{ name: Greets, failure_reason: "second reason" }] }
  - { id: c3, title: Three, tags: [], agent_ids: [a1] }
"#,
            "workspace.yaml",
        )
        .expect("a valid workspace")
    }

    #[test]
    fn finds_by_id_and_tags_by_id_or_name_like_a_scan() {
        let ws = workspace();
        let index = Index::new(&ws);
        assert_eq!(index.agent("a2"), Some(1));
        assert_eq!(index.agent("a3"), None);
        assert_eq!(index.case("c3"), Some(2));
        assert_eq!(index.case("C3"), None);
        for key in ["smoke", "billing", "tag-billing", &ws.tag_id(&ws.tags[0])] {
            let (tag, id) = index.tag(&ws, key).expect("a known tag");
            let scanned = ws.find_tag(key).expect("found by a scan");
            assert_eq!(tag.name, scanned.name);
            assert_eq!(id, ws.tag_id(scanned));
        }
        assert!(index.tag(&ws, "nope").is_none());
        assert!(index.has_tag_id("tag-billing"));
        assert!(!index.has_tag_id("billing"), "a name is not an id");
    }

    #[test]
    fn lists_each_tagged_case_once_in_workspace_order() {
        let ws = workspace();
        let index = Index::new(&ws);
        assert_eq!(index.cases_tagged("tag-billing"), &[0, 1]);
        let smoke = ws.tag_id(&ws.tags[0]);
        assert_eq!(index.cases_tagged(&smoke), &[0]);
        assert!(index.cases_tagged("unknown").is_empty());
    }

    #[test]
    fn keeps_the_first_failure_reason_of_an_assertion() {
        let ws = workspace();
        let index = Index::new(&ws);
        let id = outcome::assertion_id(&ws, &ws.test_cases[1].assertions[0]);
        assert_eq!(index.failure_reason(&id), Some("did not greet"));
    }
}
