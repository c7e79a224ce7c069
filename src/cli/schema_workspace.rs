//! `schema --workspace`: reads the workspace's agents, tags, test cases and datasets through
//! the catalog and offers them in the suite schema, so an editor completes real names.

use crate::api::{ApiError, Client};
use crate::suite::workspace_schema::{Known, WorkspaceNames};

/// Reads what the workspace offers. Tags and test cases are required; agents and datasets
/// are added when their endpoints answer. With `agent`, only that agent's test cases.
pub async fn read_names(client: &Client, agent: Option<&str>) -> Result<WorkspaceNames, ApiError> {
    let tags = client.tags(agent).await?.tags;
    let cases = client.test_cases(agent).await?;
    let agents = optional(client.agents().await)?
        .map(|body| body.agents)
        .unwrap_or_default();
    let datasets = optional(client.datasets().await)?
        .map(|body| body.datasets)
        .unwrap_or_default();

    let mut names = WorkspaceNames {
        source: match agent {
            Some(agent) => format!("agent {agent}'s workspace"),
            None => "the workspace".into(),
        },
        ..WorkspaceNames::default()
    };
    for agent in agents {
        if let Some(id) = agent.id {
            let label = agent.name.unwrap_or_else(|| id.clone());
            names.agents.push(Known {
                value: id,
                label: format!("agent: {label}"),
            });
        }
    }
    // A tag is completed by name (what people write) and also accepted by id.
    for tag in &tags {
        let count = tag
            .test_case_count
            .map(|n| format!(" ({n} test cases)"))
            .unwrap_or_default();
        let description = tag
            .description
            .as_deref()
            .map(|d| format!(": {d}"))
            .unwrap_or_default();
        if let Some(name) = &tag.name {
            push_unique(
                &mut names.tags,
                name,
                format!("tag {name}{count}{description}"),
            );
        }
        if let Some(id) = &tag.id {
            let shown = tag.name.as_deref().unwrap_or(id);
            push_unique(&mut names.tags, id, format!("id of tag {shown}{count}"));
        }
    }
    for case in cases {
        if let Some(id) = case.id {
            let tags: Vec<String> = case.tags.into_iter().filter_map(|t| t.name).collect();
            let title = case.title.unwrap_or_else(|| "(untitled)".into());
            let label = if tags.is_empty() {
                title
            } else {
                format!("{title} [{}]", tags.join(", "))
            };
            push_unique(&mut names.test_cases, &id, label);
        }
    }
    for dataset in datasets {
        if let Some(id) = dataset.id {
            let label = dataset.name.unwrap_or_else(|| id.clone());
            push_unique(&mut names.datasets, &id, format!("dataset: {label}"));
        }
    }
    Ok(names)
}

/// An endpoint known only from third-party clients may be missing: a 404 reads as nothing.
fn optional<T>(result: Result<T, ApiError>) -> Result<Option<T>, ApiError> {
    match result {
        Ok(body) => Ok(Some(body)),
        Err(ApiError::NotFound { .. }) => Ok(None),
        Err(err) => Err(err),
    }
}

fn push_unique(list: &mut Vec<Known>, value: &str, label: String) {
    if !list.iter().any(|k| k.value == value) {
        list.push(Known {
            value: value.to_owned(),
            label,
        });
    }
}
