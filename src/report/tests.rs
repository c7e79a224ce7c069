//! Snapshots of every report format for each fixture outcome, plus the properties a user
//! relies on: JUnit validates against the XSD, the JSON report round-trips, the schema does
//! not drift, the summary stays under GitHub's limit.

use std::path::{Path, PathBuf};
use std::process::Command;

use crate::outcome::Outcome;
use crate::outcome::fixtures;

use super::{github, json, junit, markdown, terminal};

fn fixtures() -> Vec<(&'static str, Outcome)> {
    let mut all = fixtures::all();
    all.push(("regressed", crate::outcome::fixtures_compared::regressed()));
    all.push((
        "quarantined",
        crate::outcome::fixtures_compared::quarantined(),
    ));
    all
}

fn render(
    write: fn(&Outcome, &mut dyn std::io::Write) -> std::io::Result<()>,
    outcome: &Outcome,
) -> String {
    let mut out = Vec::new();
    write(outcome, &mut out).unwrap();
    String::from_utf8(out).unwrap()
}

#[test]
fn terminal_snapshots() {
    for (name, outcome) in fixtures() {
        insta::assert_snapshot!(
            format!("terminal_{name}"),
            render(terminal::write_terminal, &outcome)
        );
    }
}

/// The headline names every kind present and gives the reason for the code in the README's
/// words: a refusal beside a failed gate is a 3, and says so.
#[test]
fn the_headline_names_each_kind_and_the_reason_for_the_code() {
    let outcome = fixtures::refused();
    assert_eq!(outcome.exit_code, crate::exit::PLATFORM);
    assert_eq!(super::headline(&outcome), "REFUSED, GATE FAILED");
    assert_eq!(
        super::exit_reason(&outcome),
        "a suite was refused while others ran"
    );
    let mut alone = outcome.clone();
    alone
        .suites
        .retain(|s| s.verdict == crate::outcome::Verdict::Refused);
    let alone = Outcome::new(
        alone.suite_file.clone(),
        fixtures::epoch(),
        fixtures::epoch(),
        alone.suites,
    );
    assert_eq!(alone.exit_code, crate::exit::USAGE);
    assert_eq!(
        super::exit_reason(&alone),
        "nothing was run: every suite was refused"
    );
}

#[test]
fn terminal_colour_only_when_asked() {
    let outcome = fixtures::gate_failure();
    assert!(!render(terminal::write_terminal, &outcome).contains('\x1b'));
    let mut out = Vec::new();
    terminal::write_terminal_with(
        &outcome,
        &mut out,
        terminal::TerminalOptions {
            color: true,
            github_groups: false,
        },
    )
    .unwrap();
    assert!(
        String::from_utf8(out)
            .unwrap()
            .contains("\x1b[1;31mGATE FAILED\x1b[0m")
    );
}

#[test]
fn json_snapshots() {
    for (name, outcome) in fixtures() {
        insta::assert_snapshot!(format!("json_{name}"), render(json::write_json, &outcome));
    }
}

#[test]
fn junit_snapshots() {
    for (name, outcome) in fixtures() {
        insta::assert_snapshot!(
            format!("junit_{name}"),
            render(junit::write_junit, &outcome)
        );
    }
}

#[test]
fn markdown_snapshots() {
    for (name, outcome) in fixtures() {
        insta::assert_snapshot!(
            format!("markdown_{name}"),
            render(markdown::write_markdown, &outcome)
        );
    }
}

#[test]
fn github_snapshots() {
    for (name, outcome) in fixtures() {
        let paths = super::files::ReportFiles {
            json: Some(PathBuf::from("reports/hamming.json")),
            junit: Some(PathBuf::from("reports/junit.xml")),
            summary: None,
            html: Some(PathBuf::from("reports/report.html")),
        };
        let mut n = 0;
        let outputs = github::format_outputs(&github::outputs(&outcome, &paths), || {
            n += 1;
            format!("DELIM{n}")
        });
        let text = format!(
            "{}{}{}--- outputs ---\n{outputs}",
            github::group(&format!("hamming-runner: {name}")),
            render(github::write_annotations, &outcome),
            github::endgroup()
        );
        insta::assert_snapshot!(format!("github_{name}"), text);
    }
}

#[test]
fn every_junit_report_validates_against_the_xsd() {
    // The Surefire JUnit 10 XSD (MIT licensed), kept in the repository so CI can use it.
    let xsd = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/junit-10.xsd");
    if Command::new("xmllint").arg("--version").output().is_err() {
        println!("note: xmllint is not installed; JUnit XSD validation skipped");
        return;
    }
    assert!(
        xsd.exists(),
        "the JUnit XSD is missing at {}",
        xsd.display()
    );
    let dir = tempfile::tempdir().unwrap();
    // The validator must reject what the XSD forbids, or this test proves nothing.
    let bad = dir.path().join("bad.xml");
    std::fs::write(&bad, r#"<testsuites skipped="0"><testsuite name="s" tests="0" failures="0" errors="0"/></testsuites>"#).unwrap();
    let rejected = Command::new("xmllint")
        .args(["--noout", "--schema"])
        .arg(&xsd)
        .arg(&bad)
        .output()
        .unwrap();
    assert!(
        !rejected.status.success(),
        "xmllint accepted a forbidden attribute"
    );
    for (name, outcome) in fixtures() {
        let path = dir.path().join(format!("{name}.xml"));
        std::fs::write(&path, render(junit::write_junit, &outcome)).unwrap();
        let result = Command::new("xmllint")
            .args(["--noout", "--schema"])
            .arg(&xsd)
            .arg(&path)
            .output()
            .unwrap();
        assert!(
            result.status.success(),
            "{name}: {}",
            String::from_utf8_lossy(&result.stderr)
        );
    }
}

#[test]
fn the_json_report_round_trips() {
    let dir = tempfile::tempdir().unwrap();
    for (name, outcome) in fixtures() {
        let path = dir.path().join(format!("{name}.json"));
        super::atomic::write_atomic(&path, |out| json::write_json(&outcome, out)).unwrap();
        assert_eq!(json::read_outcome(&path).unwrap(), outcome, "{name}");
    }
}

#[test]
fn every_fixture_report_matches_the_published_schema() {
    let schema = json::json_schema();
    let validator = jsonschema::validator_for(&schema).unwrap();
    for (name, outcome) in fixtures() {
        let value = serde_json::to_value(&outcome).unwrap();
        let errors: Vec<String> = validator
            .iter_errors(&value)
            .map(|e| e.to_string())
            .collect();
        assert!(errors.is_empty(), "{name}: {errors:#?}");
    }
}

#[test]
fn the_committed_report_schema_is_current() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("schemas/hamming-report.schema.json");
    let generated = format!(
        "{}\n",
        serde_json::to_string_pretty(&json::json_schema()).unwrap()
    );
    if std::env::var_os("UPDATE_SCHEMAS").is_some() {
        std::fs::write(&path, &generated).unwrap();
    }
    let committed = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        committed == generated,
        "schemas/hamming-report.schema.json is out of date; run `UPDATE_SCHEMAS=1 cargo test` and commit it"
    );
}

#[test]
fn unknown_schema_versions_are_rejected_clearly() {
    let path = Path::new("old.json");
    let err = json::parse_outcome(
        path,
        r#"{"schema_version": 7, "tool": {"version": "9.0.0"}}"#,
    )
    .unwrap_err();
    assert_eq!(
        err.to_string(),
        "report old.json has schema version 7, but this hamming-runner reads versions 1 to 3; re-render it with the hamming-runner version that wrote it (9.0.0)"
    );
    let err = json::parse_outcome(path, r#"{"suites": []}"#).unwrap_err();
    assert_eq!(
        err.to_string(),
        "old.json is not a hamming-runner JSON report: it has no `schema_version`"
    );
    let err = json::parse_outcome(path, "{").unwrap_err();
    assert!(
        err.to_string()
            .starts_with("report old.json is not valid JSON"),
        "{err}"
    );
}

/// An outcome of thousands of suites, half of them failing with many calls, each with a long
/// reason; the other half passed.
fn huge() -> Outcome {
    let mut failing = fixtures::gate_failure().suites.remove(0);
    let template = failing.calls[1].clone();
    for i in 0..40 {
        let mut call = template.clone();
        call.index = i + 2;
        call.reason = Some(format!(
            "the call FAILED: {}",
            "the agent wandered off script ".repeat(10)
        ));
        failing.calls.push(call);
    }
    let passed = fixtures::passing().suites.remove(0);
    let mut suites = Vec::new();
    for i in 0..1500 {
        let mut a = failing.clone();
        a.name = format!("failing-{i}");
        suites.push(a);
        let mut b = passed.clone();
        b.name = format!("passed-{i}");
        suites.push(b);
    }
    fixtures::outcome(suites)
}

#[test]
fn the_markdown_summary_is_trimmed_under_the_step_summary_limit() {
    let outcome = huge();
    let step = markdown::render(&outcome, markdown::SUMMARY_LIMIT);
    assert!(
        step.len() <= markdown::SUMMARY_LIMIT,
        "{} bytes",
        step.len()
    );
    assert!(
        step.len() > markdown::SUMMARY_LIMIT - 10_000,
        "trimmed far too much: {} bytes",
        step.len()
    );
    assert!(
        step.contains("This summary was trimmed to stay under GitHub's 1 MiB step-summary limit")
    );
    assert!(step.starts_with("## ❌ hamming-runner: gate failed"));
    assert!(step.trim_end().ends_with("</sub>"));

    // The file, which a pull-request comment is made from, fits in one.
    let file = render(markdown::write_markdown, &outcome);
    assert!(file.len() <= 60 * 1024, "{} bytes", file.len());
    assert!(file.contains("trimmed to stay under the size of a pull-request comment"));

    let small = markdown::render(&outcome, 4_000);
    assert!(small.len() <= 4_000, "{} bytes", small.len());
    assert!(!render(markdown::write_markdown, &fixtures::gate_failure()).contains("trimmed"));
}

#[test]
fn a_trimmed_summary_closes_every_folded_suite() {
    let mut outcome = huge();
    outcome
        .suites
        .retain(|s| s.verdict == crate::outcome::Verdict::Passed);
    for limit in [3_000, 3_500, 4_000, 20_000] {
        let text = markdown::render(&outcome, limit);
        assert!(text.len() <= limit, "{} bytes", text.len());
        assert!(text.contains("were left out"), "{text}");
        assert_eq!(
            text.matches("<details>").count(),
            text.matches("</details>").count(),
            "{text}"
        );
    }
}

#[test]
fn long_lists_point_at_the_html_report_and_the_run_artifacts() {
    let mut outcome = fixtures::gate_failure();
    let template = outcome.suites[0].calls[1].clone();
    for i in 0..14 {
        let mut call = template.clone();
        call.index = i + 2;
        outcome.suites[0].calls.push(call);
    }
    let pointers = super::markdown_layout::Pointers {
        html: Some("report.html".to_owned()),
        artifacts: Some("https://github.com/o/r/actions/runs/7".to_owned()),
    };
    let text = markdown::render_with(&outcome, super::markdown_layout::COMMENT, &pointers);
    insta::assert_snapshot!("markdown_long_lists", text);
    assert!(text.contains(
        "- … and 5 more calls that did not pass: see the HTML report `report.html` ([in this run's artifacts](https://github.com/o/r/actions/runs/7))."
    ));
}

#[test]
fn workflow_commands_escape_data_and_properties() {
    assert_eq!(github::escape_data("50%\r\nnext"), "50%25%0D%0Anext");
    assert_eq!(github::escape_property("a:b,c%\n"), "a%3Ab%2Cc%25%0A");
    let note = github::Annotation {
        level: github::Level::Error,
        file: "suites/a,b.yaml".into(),
        line: 7,
        col: 0,
        title: "suite x: metrics.latencyP90 failed".into(),
        message: "line one\nline two: 100%".into(),
    };
    assert_eq!(
        note.command(),
        "::error file=suites/a%2Cb.yaml,line=7,title=suite x%3A metrics.latencyP90 failed::line one%0Aline two: 100%25\n"
    );
    assert_eq!(github::add_mask("sk-abc\n"), "::add-mask::sk-abc%0A\n");
    assert_eq!(github::add_mask(""), "");
    assert_eq!(github::output_key("nightly.eu/v2"), "nightly_eu_v2");
}

#[test]
fn annotations_point_at_the_failing_case_line_when_there_is_one() {
    let notes = github::annotations(&fixtures::gate_failure());
    let must_pass = notes
        .iter()
        .find(|n| n.title.contains("must_pass_assertions"))
        .unwrap();
    assert_eq!(must_pass.line, 19, "the billing case entry");
    let pass_rate = notes
        .iter()
        .find(|n| n.title.contains("min_test_pass_rate"))
        .unwrap();
    assert_eq!(pass_rate.line, 12, "the suite's line");
}

#[test]
fn output_delimiters_never_occur_in_values() {
    let pairs = vec![("x".to_owned(), "a\nEOF\nb".to_owned())];
    let mut candidates = vec!["EOF".to_owned(), "".to_owned(), "SAFE".to_owned()].into_iter();
    let text = github::format_outputs(&pairs, || candidates.next().unwrap());
    assert_eq!(text, "x<<SAFE\na\nEOF\nb\nSAFE\n");
    let random = github::random_delimiter();
    assert!(random.starts_with("ghadelimiter_") && random.len() == 29);
}

#[test]
fn publish_appends_outputs_and_the_step_summary_to_the_named_files() {
    let dir = tempfile::tempdir().unwrap();
    let output = dir.path().join("output");
    let summary = dir.path().join("summary.md");
    std::fs::write(&output, "earlier=1\n").unwrap();
    std::fs::write(&summary, "# Earlier step\n").unwrap();
    // Environment variables are process-wide; this is the only test that sets or reads
    // these, so it cannot race another.
    unsafe {
        std::env::set_var("GITHUB_OUTPUT", &output);
        std::env::set_var("GITHUB_STEP_SUMMARY", &summary);
    }
    let outcome = fixtures::gate_failure();
    let mut stdout = Vec::new();
    github::publish(&outcome, &super::files::ReportFiles::default(), &mut stdout).unwrap();
    let stdout = String::from_utf8(stdout).unwrap();
    assert!(
        stdout.starts_with("::error file=hamming.yaml,line=12,"),
        "{stdout}"
    );
    let output = std::fs::read_to_string(&output).unwrap();
    assert!(
        output.starts_with("earlier=1\nverdict<<ghadelimiter_"),
        "{output}"
    );
    assert!(output.contains("\nfailed\nghadelimiter_"), "{output}");
    assert!(output.contains("pass_rate_billing<<"), "{output}");
    let summary = std::fs::read_to_string(&summary).unwrap();
    assert!(
        summary.starts_with("# Earlier step\n## ❌ hamming-runner: gate failed"),
        "{summary}"
    );
    assert!(!github::append_to_env_file("HAMMING_TEST_UNSET_VARIABLE", "x").unwrap());
}

proptest::proptest! {
    #[test]
    fn escaped_properties_cannot_break_out_of_a_command(text in ".*") {
        let escaped = github::escape_property(&text);
        proptest::prop_assert!(!escaped.contains([':', ',', '\r', '\n']));
        let data = github::escape_data(&text);
        proptest::prop_assert!(!data.contains(['\r', '\n']));
        // Unescaping gives the text back, so nothing is lost.
        let back = escaped
            .replace("%2C", ",")
            .replace("%3A", ":")
            .replace("%0A", "\n")
            .replace("%0D", "\r")
            .replace("%25", "%");
        proptest::prop_assert_eq!(back, text);
    }
}

#[test]
fn an_inconclusive_suite_let_through_is_skipped_in_junit_and_a_warning_on_github() {
    let mut outcome = fixtures::inconclusive();
    if let Some(statistics) = outcome.suites[0].statistics.as_mut() {
        statistics.on_inconclusive = crate::suite::OnInconclusive::Pass;
    }
    let junit = render(junit::write_junit, &outcome);
    assert!(
        junit.contains(r#"<skipped message="inconclusive: min_test_pass_rate 0.90 [0.55, 1.00] 95 % (9/10 calls passed) (on_inconclusive: pass)" type="inconclusive">"#),
        "{junit}"
    );
    let notes = github::annotations(&outcome);
    assert!(notes.iter().any(|n| n.level == github::Level::Warning
        && n.title.ends_with("min_test_pass_rate inconclusive")));
    assert!(!notes.iter().any(|n| n.level == github::Level::Error));
}
