//! Loading a suite file: read → parse (YAML or TOML) → render templates → JSON Schema check
//! → deserialize → semantic rules. Every stage that can keep going collects all of its
//! problems, and each problem is mapped back to `file:line:col` through the position index.

pub mod diagnostic;
mod numbers;
pub mod positions;
pub(crate) mod schema_check;
pub(crate) mod schema_words;
pub mod source;
pub mod suggest;
pub mod template;
mod toml;
mod yaml;

use serde_json::Value;

use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};

use indexmap::IndexMap;

pub use diagnostic::{Diagnostic, Diagnostics};
use positions::{Anchor, PathKey, Positions, segments};
pub use source::Source;

use crate::suite::{Date, ResolvedSuite, Selection, SuiteFile, SuiteSource};

/// The most keys, values, mappings, tables, lists and list items a suite file may hold,
/// counted alike in YAML and TOML. A file of tiny values within the size cap could otherwise
/// hold millions of them, and every later stage (templates, the schema, positions) costs
/// memory and time per value. Thirty thousand suites of a few fields each fit well within it.
pub const MAX_VALUES: usize = 1_000_000;

/// Suite files are shallow (about six levels); a generous cap on nesting, in YAML and TOML
/// alike, still stops a nesting bomb long before it costs stack or time.
pub const MAX_DEPTH: usize = 32;

/// A count written with thousands separators, as messages and the README write it.
pub(crate) fn thousands(n: usize) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, digit) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(digit);
    }
    out
}

/// What the caller adds to a load: template variables and secrets it allows.
#[derive(Debug, Clone, Default)]
pub struct LoadOptions {
    /// `--var key=value` pairs, seen by templates as `vars.key`.
    pub vars: IndexMap<String, String>,
    /// Environment variables that are withheld from templates by default (the API key) but
    /// that the caller explicitly allows, by name.
    pub allow_secret_env: Vec<String>,
    /// The day quarantines are judged on (expired or not, how far ahead); `None` for the
    /// clock's UTC day.
    pub today: Option<Date>,
}

impl LoadOptions {
    /// The day quarantines are judged on.
    pub fn today(&self) -> Date {
        self.today
            .unwrap_or_else(|| Date::of(std::time::SystemTime::now()))
    }
}

/// A suite file that passed every check.
#[derive(Debug, Clone)]
pub struct LoadedFile {
    /// The file as the user named it.
    pub path: PathBuf,
    /// The document after templating, as written (before defaults were applied).
    pub file: SuiteFile,
    /// Every suite with defaults applied, in file order, each with its source position.
    pub suites: Vec<ResolvedSuite>,
    /// Where each value was written, for later messages (e.g. CI annotations).
    pub positions: Positions,
    /// Secret environment variables (allowed with `--allow-env-secret`) whose values the
    /// templates used: their values are now in the document, so every output must mask them.
    pub secrets_used: Vec<String>,
}

impl LoadedFile {
    /// Number of test selections across suites: one per tag or explicit test case.
    pub fn selection_count(&self) -> usize {
        self.suites.iter().map(|s| s.selection.count()).sum()
    }
}

/// A problem found on the parsed document, located by JSON pointer.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Finding {
    pub pointer: String,
    pub anchor: Anchor,
    /// Text inside the value to underline instead of the whole value (a template's
    /// undefined variable), when it can be found on the value's line.
    pub focus: Option<String>,
    pub message: String,
    pub hint: Option<String>,
}

/// The syntax of a suite file, from its extension: `.toml` is TOML, anything else YAML
/// (which also accepts JSON).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Yaml,
    Toml,
}

impl Format {
    pub fn of(path: &Path) -> Self {
        match path.extension().and_then(|e| e.to_str()) {
            Some(ext) if ext.eq_ignore_ascii_case("toml") => Format::Toml,
            _ => Format::Yaml,
        }
    }
}

/// Loads, checks and resolves a suite file.
pub fn load_file(path: &Path, options: &LoadOptions) -> Result<LoadedFile, Diagnostics> {
    let source = Source::read(path).map_err(|d| Diagnostics(vec![*d]))?;
    load_source(&source, options)
}

/// Loads a suite file whose text is already in memory.
pub fn load_source(source: &Source, options: &LoadOptions) -> Result<LoadedFile, Diagnostics> {
    let (mut document, positions) = match Format::of(&source.path) {
        Format::Yaml => yaml::parse(source).map_err(|d| Diagnostics(vec![*d]))?,
        Format::Toml => toml::parse(source).map_err(Diagnostics)?,
    };
    let to_diagnostics =
        |findings: Vec<(Option<String>, Finding)>| locate(source, &positions, findings);

    numbers::whole_numbers_as_integers(&mut document);
    let renderer = template::Renderer::new(options);
    let template_findings = renderer.render_document(&mut document);
    let secrets_used = renderer.secrets_read();
    // A value whose template failed still holds the raw template text; the schema would
    // only repeat the problem in other words, so its findings there are dropped.
    let failed: HashSet<String> = template_findings
        .iter()
        .map(|f| f.pointer.clone())
        .collect();
    // The pointer itself or one of its ancestors (each prefix that ends before a `/`).
    let within_failed = |pointer: &str| {
        !failed.is_empty()
            && (failed.contains(pointer)
                || pointer
                    .match_indices('/')
                    .any(|(at, _)| failed.contains(&pointer[..at])))
    };
    let schema_findings: Vec<Finding> = schema_check::check(&document)
        .into_iter()
        .filter(|f| !within_failed(&f.pointer))
        .collect();
    let schema_clean = schema_findings.is_empty();
    let mut findings: Vec<(Option<String>, Finding)> = template_findings
        .into_iter()
        .chain(schema_findings)
        .map(|f| (None, f))
        .collect();
    if !schema_clean {
        return Err(to_diagnostics(findings));
    }

    let file: SuiteFile = match serde::Deserialize::deserialize(&document) {
        Ok(file) => file,
        Err(err) => {
            findings.push((None, model_mismatch(&document, &err)));
            return Err(to_diagnostics(findings));
        }
    };

    match crate::suite::resolve(&file, options.today()) {
        Ok(mut suites) if findings.is_empty() => {
            // Which suites list their own test cases, looked up by name once per suite.
            let own_cases: HashMap<&str, bool> = file
                .suites
                .iter()
                .map(|(name, spec)| (name.0.as_str(), spec.test_cases.is_some()))
                .collect();
            for suite in &mut suites {
                let own = own_cases.get(suite.name.as_str()).copied().unwrap_or(false);
                suite.source = source_of(&source.path, &positions, own, suite);
                for entry in &mut suite.quarantine {
                    entry.line = positions.line_of(&entry.pointer).unwrap_or(0);
                }
            }
            Ok(LoadedFile {
                path: source.path.clone(),
                file,
                suites,
                positions,
                secrets_used,
            })
        }
        Ok(_) => Err(to_diagnostics(findings)),
        Err(problems) => {
            for problem in problems {
                if within_failed(&problem.pointer) {
                    continue;
                }
                let anchor = anchor_for(&problem.pointer);
                findings.push((
                    problem.suite,
                    Finding {
                        pointer: problem.pointer,
                        anchor,
                        focus: None,
                        message: problem.message,
                        hint: problem.hint,
                    },
                ));
            }
            Err(to_diagnostics(findings))
        }
    }
}

/// Parses YAML text into a JSON value and records where each key and value was written, with
/// the suite file's limits (depth, aliases, size) and its rules (duplicate keys refused,
/// YAML 1.2 booleans).
pub fn parse_yaml(source: &Source) -> Result<(Value, Positions), Box<Diagnostic>> {
    yaml::parse(source)
}

/// Places findings in the file: each becomes a diagnostic at its pointer's line and column,
/// in file order, a problem found at the same place twice reported once.
pub fn locate(
    source: &Source,
    positions: &Positions,
    findings: Vec<(Option<String>, Finding)>,
) -> Diagnostics {
    let mut all: Vec<Diagnostic> = findings
        .into_iter()
        .map(|(suite, f)| diagnostic_for(source, positions, suite, f))
        .collect();
    all.sort_by_key(|d| (d.line, d.column));
    // A bad value in `defaults` is reported once, not once per suite inheriting it.
    all.dedup_by(|b, a| (a.line, a.column, &a.message) == (b.line, b.column, &b.message));
    Diagnostics(all)
}

/// A value the schema let through that the model cannot hold: a number too large for its
/// field, pointed at where it is written. Anything else means the schema and the model
/// disagree, which is a bug.
fn model_mismatch(document: &serde_json::Value, err: &serde_json::Error) -> Finding {
    let message = err.to_string();
    match numbers::locate_quoted_number(document, &message) {
        Some(pointer) => {
            let field = schema_words::dotted(&pointer);
            Finding {
                anchor: Anchor::Value,
                focus: None,
                message: format!("`{field}` is a number this field cannot hold ({message})"),
                hint: Some(
                    "write a whole number in the field's range; counts and limits are at most 4294967295".into(),
                ),
                pointer,
            }
        }
        None => Finding {
            pointer: String::new(),
            anchor: Anchor::Value,
            focus: None,
            message: format!("the file passed the schema but does not fit the model: {message}"),
            hint: Some("this is a bug in hamming-runner; please report it with the file".into()),
        },
    }
}

fn diagnostic_for(
    source: &Source,
    positions: &Positions,
    suite: Option<String>,
    finding: Finding,
) -> Diagnostic {
    let span = positions.find(&finding.pointer, finding.anchor);
    let (line, mut column, mut width) = span.map_or((1, 1, 1), |s| (s.line, s.column, s.width));
    if let (Some(focus), Some(text)) = (&finding.focus, source.line(line)) {
        let from: String = text
            .chars()
            .skip(column.saturating_sub(1) as usize)
            .collect();
        if let Some(at) = from.find(focus.as_str()) {
            column += source::to_u32(from[..at].chars().count());
            width = source::to_u32(focus.chars().count());
        }
    }
    let mut diagnostic = Diagnostic::at(source, line, column, width, finding.message);
    diagnostic.hint = finding.hint;
    diagnostic.suite = suite.or_else(|| suite_of(&finding.pointer));
    diagnostic
}

/// Where a semantic problem should point: at the value for scalars (a duration, an id, a
/// list entry), at the key for whole suites and sections (`test_cases`, a metric).
fn anchor_for(pointer: &str) -> Anchor {
    let segments = segments(pointer);
    let last = segments.last().map(String::as_str).unwrap_or_default();
    let scalar = last.parse::<usize>().is_ok()
        || matches!(
            last,
            "timeout"
                | "poll_interval"
                | "agent_id"
                | "id"
                | "tags"
                | "test_case"
                | "until"
                | "reason"
        );
    if scalar { Anchor::Value } else { Anchor::Key }
}

/// The suite a pointer lies in, if any.
fn suite_of(pointer: &str) -> Option<String> {
    match segments(pointer).as_slice() {
        [first, name, ..] if first == "suites" => Some(name.clone()),
        _ => None,
    }
}

/// Where a suite and each of its explicit test cases were written; `own_cases` says whether
/// the suite lists its cases itself or inherits those of `defaults`.
fn source_of(
    path: &Path,
    positions: &Positions,
    own_cases: bool,
    suite: &ResolvedSuite,
) -> SuiteSource {
    let suites = PathKey::ROOT.child("suites");
    let key = suites.child(&suite.name);
    let span = positions.find_path(&[PathKey::ROOT, suites, key], Anchor::Key);
    let cases = if own_cases {
        key.child("test_cases")
    } else {
        PathKey::ROOT.child("defaults").child("test_cases")
    };
    let test_case_lines = match &suite.selection {
        Selection::TestCases(list) => (0..list.len())
            .map(|i| positions.span_of(cases.index(i)).map_or(0, |s| s.line))
            .collect(),
        Selection::Tags(_) | Selection::Expression(_) | Selection::Dataset(_) => Vec::new(),
    };
    SuiteSource {
        file: path.to_owned(),
        line: span.map_or(0, |s| s.line),
        column: span.map_or(0, |s| s.column),
        test_case_lines,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn load(name: &str, text: &str) -> Result<LoadedFile, Diagnostics> {
        load_source(&Source::new(name, text.to_owned()), &LoadOptions::default())
    }

    const BASE: &str =
        "version: 1\ndefaults:\n  agent_id: a1\n  phone_numbers: [\"+14155550100\"]\n";

    #[test]
    fn counts_are_written_with_thousands_separators() {
        let written: Vec<String> = [0, 999, 1_000, 65_536, 1_000_000, 12_345_678]
            .into_iter()
            .map(thousands)
            .collect();
        assert_eq!(
            written,
            ["0", "999", "1,000", "65,536", "1,000,000", "12,345,678"]
        );
    }

    #[test]
    fn a_template_that_fails_deep_in_the_document_is_reported_at_its_pointer() {
        let text = "version: 1\nsuites:\n  a/b:\n    test_cases:\n      - id: c1\n      - id: \"{{ vars.missing }}\"\n";
        let errors = load("f.yaml", text).unwrap_err();
        let template = errors
            .iter()
            .find(|d| d.message.contains("vars.missing"))
            .unwrap_or_else(|| panic!("{}", errors.render(false)));
        assert_eq!(template.line, 6, "{}", errors.render(false));
        assert_eq!(template.suite.as_deref(), Some("a/b"));
    }

    #[test]
    fn underlines_the_undefined_variable_inside_the_value() {
        let text = "version: 1\nsuites:\n  s:\n    agent_id: \"id-{{ vars.agent }}\"\n";
        let errors = load("f.yaml", text).unwrap_err();
        let template = errors
            .iter()
            .find(|d| d.message.contains("vars.agent"))
            .unwrap();
        assert_eq!(
            (template.line, template.column, template.width),
            (4, 22, 10)
        );
        assert_eq!(template.suite.as_deref(), Some("s"));
    }

    #[test]
    fn a_bad_default_is_reported_once_for_all_suites() {
        let text =
            format!("{BASE}  timeout: 99h\nsuites:\n  a: {{tags: [x]}}\n  b: {{tags: [y]}}\n");
        let errors = load("f.yaml", &text).unwrap_err();
        assert_eq!(errors.len(), 1, "{}", errors.render(false));
        assert_eq!((errors.0[0].line, errors.0[0].column), (5, 12));
    }

    #[test]
    fn fills_the_source_of_each_suite_and_inherited_test_case() {
        let text = format!(
            "{BASE}  test_cases:\n    - id: c1\n    - id: c2\nsuites:\n  a: {{}}\n  b:\n    tags: [t]\n"
        );
        let loaded = load("f.yaml", &text).unwrap();
        let a = &loaded.suites[0];
        assert_eq!((a.source.line, a.source.column), (9, 3));
        assert_eq!(a.source.test_case_lines, vec![6, 7]);
        assert_eq!(loaded.suites[1].source.line, 10);
        assert_eq!(loaded.selection_count(), 3);
    }

    #[test]
    fn whole_numbers_written_as_floats_are_read_as_integers() {
        let text = "version: 1.0\ndefaults:\n  agent_id: a1\n  phone_numbers: [\"+14155550100\"]\nsuites:\n  a: { tags: [x], samples: 2.0 }\n  b: { tags: [x], samples: 010 }\n";
        let loaded = load("f.yaml", text).unwrap();
        let samples: Vec<u32> = loaded.suites.iter().map(|s| s.samples).collect();
        assert_eq!(samples, vec![2, 10]);
        let toml = "version = 1.0\n[defaults]\nagent_id = \"a1\"\nphone_numbers = [\"+14155550100\"]\n[suites.a]\ntags = [\"x\"]\nsamples = 3.0\n";
        let loaded = load("f.toml", toml).unwrap();
        assert_eq!(loaded.suites[0].samples, 3);
        // A fraction is still an error, at its place.
        let errors = load("f.yaml", &text.replace("2.0", "2.5")).unwrap_err();
        assert_eq!(errors.0[0].line, 6, "{}", errors.render(false));
    }

    #[test]
    fn schema_and_template_errors_are_reported_together_in_file_order() {
        let text = "version: 1\nsuites:\n  s:\n    samples: 0\n    agent_id: \"{{ nope }}\"\n    tagz: [a]\n";
        let errors = load("f.yaml", text).unwrap_err();
        let lines: Vec<u32> = errors.iter().map(|d| d.line).collect();
        assert_eq!(lines, vec![4, 5, 6], "{}", errors.render(false));
    }
}
