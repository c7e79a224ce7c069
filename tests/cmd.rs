//! Command-line transcripts, in the typos/trycmd style: each `tests/cmd/*.toml` is one
//! invocation with its arguments, environment and exit status, and its `.stdout` and
//! `.stderr` files are what a user reads. `[..]` stands for what changes from run to run (a
//! port, a time of day). Regenerate with `TRYCMD=overwrite cargo test --test cmd` and review
//! the diff.
//!
//! Cases that need a server rehearse against the built-in simulator on
//! `tests/cmd/fixtures/workspace.yaml` (`run --simulate --simulate-workspace`), so every
//! one runs offline and in a fresh process.

/// Variables the runner reads that a developer's shell or CI may set; a case that needs one
/// sets it in its own `[env.add]`.
const CLEARED: &[&str] = &[
    "NO_COLOR",
    "FORCE_COLOR",
    "CLICOLOR_FORCE",
    "CLICOLOR",
    "GITHUB_ACTIONS",
    "GITHUB_OUTPUT",
    "GITHUB_STEP_SUMMARY",
    "HAMMING_API_KEY",
    "HAMMING_API_BASE_URL",
    "HAMMING_BASE_URL",
    "HAMMING_UI_BASE_URL",
    "AGENT_ID",
    "TAG_IDS",
    "TEST_CASE_IDS",
    "PHONE_NUMBERS",
    "TIMEOUT_SECONDS",
    "POLL_INTERVAL_SECONDS",
    "MIN_TEST_PASS_RATE",
    "MIN_ASSERTION_PASS_RATE",
];

#[test]
fn transcripts() {
    for name in CLEARED {
        // SAFETY: this binary holds this one test, and nothing else runs yet: no other
        // thread can read the environment while it changes. (trycmd's own `env` would win
        // over a case's `[env.add]`, so the defaults are set here instead.)
        unsafe { std::env::remove_var(name) };
    }
    let cases = trycmd::TestCases::new();
    cases.register_bin(
        "hamming-runner",
        std::path::Path::new(env!("CARGO_BIN_EXE_hamming-runner")),
    );
    // CI-style progress lines, and help wrapped at 100 columns on every machine.
    cases.env("CI", "true").env("COLUMNS", "100");
    cases.case("tests/cmd/*.toml");
}
