use std::time::Duration;

use super::*;
use crate::suite::{NoAssertions, Selection};

fn read(pairs: &[(&str, &str)]) -> Result<V2Env, Vec<EnvError>> {
    V2Env::read(&Vars::from_pairs(pairs.iter().copied()))
}

fn one_error(pairs: &[(&str, &str)]) -> String {
    let errors = read(pairs).unwrap_err();
    assert_eq!(errors.len(), 1, "{errors:?}");
    errors[0].to_string()
}

const BASE: &[(&str, &str)] = &[
    ("AGENT_ID", "agent-1"),
    ("PHONE_NUMBERS", "+14155550100"),
    ("TAG_IDS", "smoke"),
];

fn with(extra: &[(&'static str, &'static str)]) -> Vec<(&'static str, &'static str)> {
    let mut all: Vec<_> = BASE.to_vec();
    all.extend_from_slice(extra);
    all
}

#[test]
fn defaults_are_the_v2_scripts_defaults() {
    let env = read(BASE).unwrap();
    assert_eq!(env.poll_interval, Duration::from_secs(10));
    assert_eq!(env.timeout, Duration::from_secs(900));
    assert_eq!(env.min_test_pass_rate, 1.0);
    assert_eq!(env.min_assertion_pass_rate, 1.0);
    assert_eq!(env.api_base_url, None);
    assert_eq!(
        env.run_url(crate::api::DEFAULT_BASE_URL, "r1").as_deref(),
        Some("https://app.hamming.ai/test-runs/r1")
    );
}

#[test]
fn set_values_are_read() {
    let env = read(&with(&[
        ("POLL_INTERVAL_SECONDS", "0.5"),
        ("TIMEOUT_SECONDS", "1200"),
        ("MIN_TEST_PASS_RATE", "0.8"),
        ("MIN_ASSERTION_PASS_RATE", " 0.75 "),
        ("HAMMING_API_BASE_URL", "http://127.0.0.1:9/api/rest"),
        ("HAMMING_UI_BASE_URL", "https://ui.example/"),
    ]))
    .unwrap();
    assert_eq!(env.poll_interval, Duration::from_millis(500));
    assert_eq!(env.timeout, Duration::from_secs(1200));
    assert_eq!(env.min_test_pass_rate, 0.8);
    assert_eq!(env.min_assertion_pass_rate, 0.75);
    assert_eq!(
        env.run_url("http://127.0.0.1:9/api/rest", "r1").as_deref(),
        Some("https://ui.example/test-runs/r1")
    );
}

#[test]
fn lists_are_split_on_commas_and_trimmed_as_v2_does() {
    let env = read(&[
        ("AGENT_ID", "a"),
        ("PHONE_NUMBERS", " +14155550100 , +14155550101,"),
        ("TEST_CASE_IDS", "c1,,c2 "),
    ])
    .unwrap();
    assert_eq!(
        env.phone_numbers,
        Some(vec!["+14155550100".into(), "+14155550101".into()])
    );
    assert_eq!(
        env.selection,
        Some(EnvSelection::TestCases(vec!["c1".into(), "c2".into()]))
    );
}

#[test]
fn empty_values_count_as_unset() {
    let env = read(&with(&[("TEST_CASE_IDS", ""), ("TIMEOUT_SECONDS", " ")])).unwrap();
    assert_eq!(
        env.selection,
        Some(EnvSelection::Tags(vec!["smoke".into()]))
    );
    assert_eq!(env.timeout, Duration::from_secs(900));
}

#[test]
fn malformed_values_name_the_variable() {
    for (name, value, needle) in [
        ("MIN_TEST_PASS_RATE", "high", "is not a share"),
        ("MIN_TEST_PASS_RATE", "80", "write 0.8 for 80%"),
        ("MIN_ASSERTION_PASS_RATE", "-0.1", "is not a share"),
        ("MIN_ASSERTION_PASS_RATE", "NaN", "is not a share"),
        ("POLL_INTERVAL_SECONDS", "10s", "is not a number of seconds"),
        ("POLL_INTERVAL_SECONDS", "0", "is outside"),
        ("TIMEOUT_SECONDS", "abc", "is not a number of seconds"),
        ("TIMEOUT_SECONDS", "999999999", "is outside"),
        ("PHONE_NUMBERS", "4155550100", "without a leading `+`"),
        ("PHONE_NUMBERS", "+1 415 555 0100", "contains a blank"),
        ("PHONE_NUMBERS", "+1-415-555-0100", "is not E.164"),
        ("TAG_IDS", ",,", "lists nothing"),
        (
            "HAMMING_API_BASE_URL",
            "http://hamming.example/api",
            "refusing plain http",
        ),
        (
            "HAMMING_UI_BASE_URL",
            "app.hamming.ai",
            "not an http(s) URL",
        ),
    ] {
        let mut pairs: Vec<(&str, &str)> =
            BASE.iter().copied().filter(|(k, _)| *k != name).collect();
        pairs.push((name, value));
        let message = one_error(&pairs);
        assert!(message.starts_with(&format!("{name}=")), "{message}");
        assert!(message.contains(needle), "{name}={value}: {message}");
    }
}

#[test]
fn both_selections_are_refused() {
    let message = one_error(&with(&[("TEST_CASE_IDS", "c1")]));
    assert!(
        message.contains("TAG_IDS and TEST_CASE_IDS are both set"),
        "{message}"
    );
}

#[test]
fn every_problem_is_reported_at_once() {
    let errors = read(&with(&[
        ("MIN_TEST_PASS_RATE", "high"),
        ("TIMEOUT_SECONDS", "x"),
        ("TAG_ID", "smoke"),
    ]))
    .unwrap_err();
    let text: Vec<String> = errors.iter().map(ToString::to_string).collect();
    assert_eq!(errors.len(), 3, "{text:#?}");
    assert!(
        text.iter()
            .any(|t| t.contains("TAG_ID is set") && t.contains("TAG_IDS"))
    );
}

#[test]
fn the_suite_needs_agent_numbers_and_a_selection() {
    let env = read(&[("TAG_IDS", "smoke")]).unwrap();
    let message = env.suite().unwrap_err().to_string();
    assert!(
        message.starts_with("AGENT_ID, PHONE_NUMBERS are not set"),
        "{message}"
    );
    let env = read(&[("AGENT_ID", "a"), ("PHONE_NUMBERS", "+14155550100")]).unwrap();
    assert!(
        env.suite()
            .unwrap_err()
            .to_string()
            .starts_with("TAG_IDS or TEST_CASE_IDS is not set")
    );
}

#[test]
fn the_suite_carries_the_v2_semantics() {
    let suite = read(&with(&[("MIN_TEST_PASS_RATE", "0.5")]))
        .unwrap()
        .suite()
        .unwrap();
    assert_eq!(suite.name, "env");
    assert_eq!(suite.agent_id, "agent-1");
    assert_eq!(suite.selection, Selection::Tags(vec!["smoke".into()]));
    assert_eq!(suite.samples, 1);
    assert_eq!(suite.thresholds.min_test_pass_rate, 0.5);
    assert_eq!(suite.thresholds.min_assertion_score, Some(1.0));
    assert_eq!(suite.thresholds.no_assertions, NoAssertions::Skip);
}

#[test]
fn the_suite_file_loads_back_to_the_same_suite() {
    for extra in [
        vec![("TIMEOUT_SECONDS", "90"), ("POLL_INTERVAL_SECONDS", "2.5")],
        vec![("MIN_ASSERTION_PASS_RATE", "0.9")],
    ] {
        for selection in [("TAG_IDS", "smoke,\"quoted\""), ("TEST_CASE_IDS", "c1,c2")] {
            let mut pairs = vec![
                ("AGENT_ID", "agent-1"),
                ("PHONE_NUMBERS", "+14155550100,+14155550101"),
                selection,
            ];
            pairs.extend(extra.iter().copied());
            let env = read(&pairs).unwrap();
            let text = env.suite_file(suite::default_modeline()).unwrap();
            let source = crate::load::Source::new("hamming.yaml", text.clone());
            let loaded = crate::load::load_source(&source, &Default::default())
                .unwrap_or_else(|d| panic!("{}\n{text}", d.render(false)));
            let mut from_file = loaded.suites[0].clone();
            from_file.source = Default::default();
            assert_eq!(from_file, env.suite().unwrap(), "{text}");
        }
    }
}

#[test]
fn the_env_example_lists_every_variable_and_parses() {
    let text = include_str!("../../.env.example");
    let entries = dotenv::parse(text, std::path::Path::new(".env.example"), &|_| None).unwrap();
    let listed: Vec<&str> = entries.iter().map(|e| e.key.as_str()).collect();
    let known: Vec<&str> = VARIABLES.iter().map(|(name, _)| *name).collect();
    assert_eq!(listed, known);
    let vars = Vars::from_pairs(entries.into_iter().map(|e| (e.key, e.value)));
    assert!(V2Env::read(&vars).is_ok());
}

#[test]
fn the_host_alone_names_the_api_and_the_api_base_wins() {
    let read = |pairs: &[(&str, &str)]| V2Env::read(&Vars::from_pairs(pairs.iter().copied()));
    let host = read(&[("HAMMING_BASE_URL", "http://127.0.0.1:8787")]).unwrap();
    assert_eq!(
        host.api_base_url.as_deref(),
        Some("http://127.0.0.1:8787/api/rest")
    );
    let both = read(&[
        ("HAMMING_BASE_URL", "https://other.example"),
        ("HAMMING_API_BASE_URL", "https://app.hamming.ai/api/rest"),
    ])
    .unwrap();
    assert_eq!(
        both.api_base_url.as_deref(),
        Some("https://app.hamming.ai/api/rest")
    );
    for (value, needle) in [
        ("https://app.hamming.ai/api/rest", "drop /api/rest"),
        ("http://app.hamming.ai", "refusing plain http://"),
    ] {
        let err = read(&[("HAMMING_BASE_URL", value)]).unwrap_err();
        let text = format!("{err:?}");
        assert!(
            text.contains("HAMMING_BASE_URL") && text.contains(needle),
            "{text}"
        );
    }
}
