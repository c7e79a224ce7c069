//! Catalog reads: `/agents`, `/test-tags`, `/agents/{id}/test-tags`, `/test-cases`,
//! `/datasets`.

use std::collections::HashMap;

use serde_json::{Value, json};

use super::error::ApiError;
use super::index::Index;
use super::workspace::{Tag, Workspace};

/// Most test cases one `/test-cases` page returns.
pub const MAX_LIMIT: usize = 500;
/// Page size when `limit` is absent.
pub const DEFAULT_LIMIT: usize = 100;

/// `{ agents: [{ id, name, description? }] }`.
pub fn agents(ws: &Workspace) -> Value {
    let agents: Vec<Value> = ws
        .agents
        .iter()
        .map(|a| {
            let mut v =
                json!({ "id": a.id, "name": a.name.clone().unwrap_or_else(|| a.id.clone()) });
            if let Some(d) = &a.description {
                v["description"] = json!(d);
            }
            v
        })
        .collect();
    json!({ "agents": agents })
}

/// `{ tags: [{ id, name, description?, testCaseCount? }] }` filtered by `search` (name and
/// description, case-insensitive) and `agentId` (tags with at least one case on the agent,
/// counting only those cases).
pub fn tags(
    ws: &Workspace,
    index: &Index,
    query: &HashMap<String, String>,
    agent: Option<&str>,
    always_count: bool,
) -> Result<Value, ApiError> {
    let agent = agent
        .or(query.get("agentId").map(String::as_str))
        .filter(|a| !a.is_empty());
    if let Some(agent) = agent
        && index.agent(agent).is_none()
    {
        return Err(ApiError::not_found(format!("Agent not found: {agent}")));
    }
    let search = query
        .get("search")
        .map(|s| s.to_lowercase())
        .filter(|s| !s.is_empty());
    let include_count = always_count
        || query
            .get("includeTestCaseCount")
            .is_some_and(|v| v == "true");
    let mut out = Vec::new();
    for (at, tag) in ws.tags.iter().enumerate() {
        if let Some(needle) = &search
            && !matches_search(tag, needle)
        {
            continue;
        }
        let id = index.tag_id(at);
        let count = count_cases(ws, index, id, agent);
        if agent.is_some() && count == 0 {
            continue;
        }
        let mut v = json!({ "id": id, "name": tag.name });
        if let Some(d) = &tag.description {
            v["description"] = json!(d);
        }
        if include_count {
            v["testCaseCount"] = json!(count);
        }
        out.push(v);
    }
    Ok(json!({ "tags": out }))
}

fn matches_search(tag: &Tag, needle: &str) -> bool {
    tag.name.to_lowercase().contains(needle)
        || tag
            .description
            .as_ref()
            .is_some_and(|d| d.to_lowercase().contains(needle))
}

fn count_cases(ws: &Workspace, index: &Index, tag_id: &str, agent: Option<&str>) -> usize {
    index
        .cases_tagged(tag_id)
        .iter()
        .filter(|&&c| agent.is_none_or(|a| ws.test_cases[c].agent_ids.iter().any(|x| x == a)))
        .count()
}

/// `{ testCases: [{ id, title, tags: [{id, name}], agentIds }], total }`, paged by `limit`
/// (1–500) and `offset`, filtered by `search` (title) and `agentId`.
pub fn test_cases(
    ws: &Workspace,
    index: &Index,
    query: &HashMap<String, String>,
) -> Result<Value, ApiError> {
    let number = |name: &str, default: usize| -> Result<usize, ApiError> {
        match query.get(name) {
            None => Ok(default),
            Some(v) => v.parse().map_err(|_| {
                ApiError::bad_request(format!("{name} must be a whole number, got {v:?}"))
            }),
        }
    };
    let limit = number("limit", DEFAULT_LIMIT)?;
    if !(1..=MAX_LIMIT).contains(&limit) {
        return Err(ApiError::bad_request(format!(
            "limit must be from 1 to {MAX_LIMIT}, got {limit}"
        )));
    }
    let offset = number("offset", 0)?;
    let agent = query.get("agentId").filter(|a| !a.is_empty());
    if let Some(agent) = agent
        && index.agent(agent).is_none()
    {
        return Err(ApiError::not_found(format!("Agent not found: {agent}")));
    }
    let search = query
        .get("search")
        .map(|s| s.to_lowercase())
        .filter(|s| !s.is_empty());
    let matching: Vec<_> = ws
        .test_cases
        .iter()
        .filter(|c| agent.is_none_or(|a| c.agent_ids.contains(a)))
        .filter(|c| {
            search
                .as_ref()
                .is_none_or(|s| c.title.to_lowercase().contains(s))
        })
        .collect();
    let page: Vec<Value> = matching
        .iter()
        .skip(offset)
        .take(limit)
        .map(|c| {
            let tags: Vec<Value> = c
                .tags
                .iter()
                .filter_map(|t| index.tag(ws, t))
                .map(|(t, id)| json!({ "id": id, "name": t.name }))
                .collect();
            json!({ "id": c.id, "title": c.title, "tags": tags, "agentIds": c.agent_ids })
        })
        .collect();
    Ok(json!({ "testCases": page, "total": matching.len() }))
}

/// `{ datasets: [{ id, name, description? }] }`.
pub fn datasets(ws: &Workspace) -> Value {
    let datasets: Vec<Value> = ws
        .datasets
        .iter()
        .map(|d| {
            let mut v = json!({ "id": d.id, "name": d.name });
            if let Some(desc) = &d.description {
                v["description"] = json!(desc);
            }
            v
        })
        .collect();
    json!({ "datasets": datasets })
}
