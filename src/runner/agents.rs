//! The agent a suite names, checked against the workspace's agents (`GET /agents`) before
//! anything is created: a mistyped agent id would otherwise surface as an unknown tag or
//! test case, or as an answer nobody can act on.

use crate::api::wire;
use crate::api::{ApiError, Client};
use crate::load::suggest::did_you_mean;
use crate::suite::ResolvedSuite;

use super::selection::SelectionError;

/// Checks that the suite's agent is one of the workspace's (`GET /agents`), naming the
/// likeliest one meant when it is not. When the agent list cannot be read (the endpoint is
/// known only from third-party clients), the id is sent as written, with a note.
pub async fn check(
    client: &Client,
    suite: &ResolvedSuite,
) -> Result<Option<String>, SelectionError> {
    let agents = match client.agent_list().await {
        Ok(Some(agents)) => agents,
        Ok(None) | Err(ApiError::NotFound { .. }) => {
            return Ok(Some(format!(
                "the agent list could not be read; agent `{}` is sent as written and the server checks it",
                suite.agent_id
            )));
        }
        Err(source) => {
            return Err(SelectionError::Catalog {
                suite: suite.name.clone(),
                source,
            });
        }
    };
    let wanted = suite.agent_id.as_str();
    if agents.iter().any(|a| a.id.as_deref() == Some(wanted)) {
        return Ok(None);
    }
    let shown = |agent: &wire::Agent| match (&agent.id, &agent.name) {
        (Some(id), Some(name)) if name != id => format!("{id} ({name})"),
        (Some(id), _) => id.clone(),
        (None, _) => String::new(),
    };
    // Ids and names alike: an id one character off, or the agent's name written where its
    // id belongs.
    let words = agents
        .iter()
        .flat_map(|a| [a.id.as_deref(), a.name.as_deref()])
        .flatten();
    let suggestion = did_you_mean(wanted, words).and_then(|word| {
        agents
            .iter()
            .find(|a| a.id.as_deref() == Some(word) || a.name.as_deref() == Some(word))
            .and_then(|agent| {
                let id = agent.id.as_deref()?;
                Some(match agent.name.as_deref().filter(|n| *n != id) {
                    Some(name) => format!("`{id}` ({name})"),
                    None => format!("`{id}`"),
                })
            })
    });
    Err(SelectionError::UnknownAgent {
        suite: suite.name.clone(),
        agent: wanted.to_owned(),
        suggestion,
        known: agents
            .iter()
            .filter(|a| a.id.is_some())
            .map(shown)
            .collect(),
    })
}
