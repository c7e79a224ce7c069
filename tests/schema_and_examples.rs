//! The published schema and the shipped examples: the committed schema matches the model,
//! is itself a valid 2020-12 schema, and every example passes both the schema and the loader.

use std::path::{Path, PathBuf};

use hamming_runner::load::{LoadOptions, load_file};
use serde_json::Value;

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

const COMMITTED: &str = "schemas/hamming-suites.schema.json";

fn examples() -> Vec<PathBuf> {
    let mut files = vec![root().join("hamming.example.yaml")];
    let mut listed: Vec<PathBuf> = std::fs::read_dir(root().join("examples"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| {
            matches!(
                p.extension().and_then(|e| e.to_str()),
                Some("yaml" | "yml" | "toml")
            )
        })
        .collect();
    listed.sort();
    files.extend(listed);
    assert!(
        files.len() >= 5,
        "expected the example files, found {files:?}"
    );
    files
}

/// The raw document, before templates, as an editor's schema check would see it.
fn raw_document(path: &Path) -> Value {
    let text = std::fs::read_to_string(path).unwrap();
    if path.extension().is_some_and(|e| e == "toml") {
        toml::from_str(&text).unwrap()
    } else {
        serde_saphyr::from_str(&text).unwrap()
    }
}

#[test]
fn committed_schema_matches_the_model() {
    let committed = std::fs::read_to_string(root().join(COMMITTED)).unwrap();
    let generated = hamming_runner::suite::json_schema_text();
    assert!(
        committed == generated,
        "{COMMITTED} is out of date with src/suite/model.rs; regenerate it with \
         `cargo run -- schema --output {COMMITTED}` and commit the result"
    );
}

#[test]
fn schema_is_a_valid_draft_2020_12_schema() {
    let schema = hamming_runner::suite::json_schema();
    assert_eq!(
        schema["$schema"],
        "https://json-schema.org/draft/2020-12/schema"
    );
    if let Err(err) = jsonschema::meta::validate(&schema) {
        panic!("the schema is not a valid JSON Schema: {err}");
    }
}

#[test]
fn every_example_passes_the_schema_as_written() {
    let schema = hamming_runner::suite::json_schema();
    let validator = jsonschema::draft202012::new(&schema).unwrap();
    for path in examples() {
        let document = raw_document(&path);
        let errors: Vec<String> = validator
            .iter_errors(&document)
            .map(|e| format!("{} at {}", e, e.instance_path().as_str()))
            .collect();
        assert!(errors.is_empty(), "{}: {errors:#?}", path.display());
    }
}

#[test]
fn every_example_loads_and_resolves() {
    for path in examples() {
        match load_file(&path, &LoadOptions::default()) {
            Ok(loaded) => {
                assert!(!loaded.suites.is_empty(), "{}", path.display());
                for suite in &loaded.suites {
                    assert!(
                        suite.source.line > 0,
                        "{}: {} has no line",
                        path.display(),
                        suite.name
                    );
                }
            }
            Err(diagnostics) => panic!("{}:\n{}", path.display(), diagnostics.render(false)),
        }
    }
}

#[test]
fn yaml_examples_carry_the_schema_modeline() {
    for path in examples() {
        if path.extension().is_some_and(|e| e == "toml") {
            continue;
        }
        let text = std::fs::read_to_string(&path).unwrap();
        let first = text.lines().next().unwrap_or_default();
        let expected_target = if path.parent() == Some(root().as_path()) {
            "./schemas/hamming-suites.schema.json"
        } else {
            "../schemas/hamming-suites.schema.json"
        };
        assert_eq!(
            first,
            format!("# yaml-language-server: $schema={expected_target}"),
            "{}",
            path.display()
        );
        assert!(
            root()
                .join(path.parent().unwrap())
                .join(expected_target)
                .exists()
        );
    }
}

#[test]
fn resolved_sources_point_at_suites_and_test_cases() {
    let loaded = load_file(
        &root().join("examples/test-cases-with-overrides.yaml"),
        &LoadOptions::default(),
    )
    .unwrap();
    let billing = &loaded.suites[0];
    assert_eq!((billing.source.line, billing.source.column), (13, 3));
    assert_eq!(billing.source.test_case_lines, vec![16, 26, 30]);
}

#[test]
fn vars_reach_templates() {
    let options = LoadOptions {
        vars: [("region".to_owned(), "eu".to_owned())]
            .into_iter()
            .collect(),
        ..LoadOptions::default()
    };
    let loaded = load_file(
        &root().join("examples/test-cases-with-overrides.yaml"),
        &options,
    )
    .unwrap();
    assert_eq!(
        loaded.suites[0].description.as_deref(),
        Some("Billing questions (eu customers)")
    );
}
