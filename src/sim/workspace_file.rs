//! Loading a workspace file the way a suite file is loaded: read with limits, parse with
//! positions, check against the published JSON Schema, then the rules the schema cannot
//! express. Every problem is reported at once, rustc-style, with the file name, the line, a
//! caret under the offending token and, for a misspelt key or reference, a did-you-mean.

use std::io::Read;
use std::path::Path;
use std::sync::OnceLock;

use jsonschema::error::{ValidationError, ValidationErrorKind};
use serde_json::Value;

use crate::load::positions::{Anchor, child};
use crate::load::schema_words::{describe_value, dotted};
use crate::load::source::io_reason;
use crate::load::suggest::{did_you_mean, one_of};
use crate::load::{Diagnostic, Diagnostics, Finding, Source, locate, parse_yaml, schema_check};

use super::workspace::{Workspace, WorkspaceError, json_schema};

/// Where to start a workspace from, for hints.
const EXAMPLE: &str = "examples/simulator/workspace.yaml";

/// Reads and checks a workspace file.
pub fn load(path: &Path) -> Result<Workspace, WorkspaceError> {
    let name = path.display().to_string();
    let whole = |message: String, hint: &str| {
        WorkspaceError::File(Diagnostics(vec![Diagnostic::whole_file(
            &name, message, hint,
        )]))
    };
    let file = std::fs::File::open(path).map_err(|err| {
        whole(
            format!("cannot open the workspace file `{name}`: {}", io_reason(&err)),
            &format!("check the path; {EXAMPLE} is an example, and `hamming-runner sim` without --workspace serves the demo workspace"),
        )
    })?;
    let mut bytes = Vec::new();
    file.take(crate::load::source::MAX_FILE_BYTES + 1)
        .read_to_end(&mut bytes)
        .map_err(|err| {
            whole(
                format!(
                    "cannot read the workspace file `{name}`: {}",
                    io_reason(&err)
                ),
                "check that the path names a readable file, not a directory",
            )
        })?;
    if bytes.iter().all(u8::is_ascii_whitespace) {
        return Err(whole(
            format!("the workspace file `{name}` is empty"),
            &format!(
                "start from {EXAMPLE}, or run `hamming-runner sim --empty` to serve an empty workspace"
            ),
        ));
    }
    let source =
        Source::from_bytes(path, bytes).map_err(|d| WorkspaceError::File(Diagnostics(vec![*d])))?;
    parse(&source)
}

/// Parses and checks workspace YAML that is already in memory.
pub fn parse(source: &Source) -> Result<Workspace, WorkspaceError> {
    let fail = |findings: Vec<Finding>, positions| {
        let located = findings.into_iter().map(|f| (None, f)).collect();
        WorkspaceError::File(locate(source, positions, located))
    };
    let (mut document, positions) =
        parse_yaml(source).map_err(|d| WorkspaceError::File(Diagnostics(vec![*d])))?;
    // A file of comments only configures nothing: the empty workspace.
    if document.is_null() {
        document = Value::Object(Default::default());
    }
    let findings = check_schema(&document);
    if !findings.is_empty() {
        return Err(fail(findings, &positions));
    }
    let workspace: Workspace = serde_json::from_value(document).map_err(|err| {
        // The schema is generated from the model, so this means the two disagree.
        let finding = Finding {
            pointer: String::new(),
            anchor: Anchor::Value,
            focus: None,
            message: format!("the file passed the schema but does not fit the model: {err}"),
            hint: Some("this is a bug in hamming-runner; please report it with the file".into()),
        };
        fail(vec![finding], &positions)
    })?;
    let findings = workspace.findings();
    if findings.is_empty() {
        Ok(workspace)
    } else {
        Err(fail(findings, &positions))
    }
}

/// The workspace schema and its validator, built once.
fn compiled() -> &'static (Value, Option<jsonschema::Validator>) {
    static COMPILED: OnceLock<(Value, Option<jsonschema::Validator>)> = OnceLock::new();
    COMPILED.get_or_init(|| {
        let schema = json_schema();
        let validator = jsonschema::draft202012::new(&schema).ok();
        (schema, validator)
    })
}

fn check_schema(document: &Value) -> Vec<Finding> {
    let (schema, validator) = compiled();
    let Some(validator) = validator else {
        return vec![Finding {
            pointer: String::new(),
            anchor: Anchor::Value,
            focus: None,
            message: "the built-in workspace schema does not compile".into(),
            hint: Some("this is a bug in hamming-runner; please report it".into()),
        }];
    };
    let mut findings: Vec<Finding> = Vec::new();
    for error in validator.iter_errors(document) {
        let explained = workspace_words(schema, &error)
            .unwrap_or_else(|| schema_check::explain(schema, &error));
        for finding in explained {
            if !findings.contains(&finding) {
                findings.push(finding);
            }
        }
    }
    findings
}

/// The wording of the schema errors whose suite-file wording would mislead here: the shape
/// of the whole file, missing keys, unknown keys at the top level. The rest read the same.
fn workspace_words(schema: &Value, error: &ValidationError<'_>) -> Option<Vec<Finding>> {
    let pointer = error.instance_path().as_str().to_owned();
    let finding = |pointer: String, anchor, message: String, hint: String| Finding {
        pointer,
        anchor,
        focus: None,
        message,
        hint: Some(hint),
    };
    match error.kind() {
        ValidationErrorKind::Type { .. } if pointer.is_empty() => Some(vec![finding(
            pointer,
            Anchor::Value,
            format!(
                "a workspace file must be a mapping of settings (`agents`, `tags`, `test_cases`, …), not {}",
                describe_value(error.instance())
            ),
            format!("start from {EXAMPLE}"),
        )]),
        ValidationErrorKind::Required { property } => {
            let name = property.as_str().unwrap_or("?");
            let place = if pointer.is_empty() {
                " at the top level".to_owned()
            } else {
                format!(" in `{}`", dotted(&pointer))
            };
            Some(vec![finding(
                pointer,
                Anchor::Value,
                format!("missing required key `{name}`{place}"),
                format!("add `{name}: …`; see {EXAMPLE}"),
            )])
        }
        ValidationErrorKind::AdditionalProperties { unexpected } if pointer.is_empty() => {
            let allowed: Vec<&str> = schema
                .get("properties")
                .and_then(Value::as_object)
                .map(|props| props.keys().map(String::as_str).collect())
                .unwrap_or_default();
            Some(
                unexpected
                    .iter()
                    .map(|key| {
                        let hint = match did_you_mean(key, allowed.iter().copied()) {
                            Some(best) => format!("did you mean `{best}`?"),
                            None => {
                                format!("the top level takes {}", one_of(allowed.iter().copied()))
                            }
                        };
                        finding(
                            child("", key),
                            Anchor::Key,
                            format!("unknown key `{key}` at the top level"),
                            hint,
                        )
                    })
                    .collect(),
            )
        }
        _ => None,
    }
}
