//! The HTML report as a reader meets it: the real binary writes it for passing, failing,
//! flaky, timed-out and legacy-dataset runs against the simulator (and a trend over saved
//! reports), and headless Chromium opens each page from its file. Every page must show every
//! suite, draw each chart as one `<svg>`, leave a picture that is not blank, show the judge's
//! reason on hover and on keyboard focus, and make no request beyond its own file: no script
//! runs, and a transcript holding `<script>alert(1)</script>` is text.
//!
//! The checks are first shown to fail on a page that does leak, so that a green run means
//! something. `HAMMING_UPDATE_SCREENSHOT=1` also writes the README's picture of the report.

mod browser;
mod engine;

use std::path::Path;

use browser::{Browser, Visit, picture};
use engine::*;
use serde_json::Value;

/// The page's policy, as the report writes it.
const CSP: &str =
    "default-src 'none'; style-src 'unsafe-inline'; base-uri 'none'; form-action 'none'";

/// The engine's workspace, plus a case whose every string is hostile and a dataset for the
/// legacy flow.
fn workspace() -> String {
    format!(
        r#"{WORKSPACE}  - id: case-hostile
    title: "Hostile <img src=x onerror=alert(2)> title"
    agent_ids: [agent-1]
    outcome: fail
    assertions:
      - name: "Says <b>hello</b>"
        category: "<i>Tone</i>"
        failure_reason: "The agent said <script>alert(1)</script>"
    metrics: {{ latencyP90: 2.2, "latency<svg onload=alert(3)>": 1.0 }}
    transcript:
      - {{ role: user, content: "<script>alert(1)</script>" }}
      - {{ role: "<b>agent</b>", content: "<a href='javascript:alert(4)'>click</a>" }}
      - {{ role: user, content: "my key is {KEY}" }}
  - id: case-book
    title: Books an appointment
    agent_ids: [agent-1]
    assertions:
      - {{ name: Verifies identity, category: Compliance }}
      - {{ name: Confirms the slot, category: Booking }}
    metrics: {{ latencyP50: 0.8, latencyP90: 1.4 }}
  - id: case-move
    title: Moves an appointment
    agent_ids: [agent-1]
    outcome: flaky
    fail_probability: 0.35
    assertions:
      - {{ name: Confirms the slot, category: Booking, failure_reason: The agent offered a slot that was already taken. }}
    metrics: {{ latencyP50: 1.0, latencyP90: 1.9 }}
datasets:
  - id: ds-mixed
    name: Mixed
    test_cases: [case-pass, case-fail]
"#
    )
}

/// What the harness reads from a page: every suite, every chart and its `<svg>`s, scripts,
/// images and frames, where links go, and all the text (closed `<details>` included).
const INSPECT: &str = r#"(() => ({
    csp: document.querySelector('meta[http-equiv="Content-Security-Policy"]')?.content ?? null,
    suites: [...document.querySelectorAll('[data-suite]')].map(e => e.dataset.suite),
    charts: [...document.querySelectorAll('figure.chart')].map(f => ({ kind: f.dataset.chart, svgs: f.querySelectorAll('svg').length })),
    svgs: document.querySelectorAll('svg').length,
    scripts: document.querySelectorAll('script').length,
    loaders: document.querySelectorAll('img, iframe, object, embed, video, audio, link, [src], [srcset]').length,
    hrefs: [...document.querySelectorAll('[href]')].map(e => e.getAttribute('href')),
    handlers: [...document.querySelectorAll('*')].flatMap(e => [...e.attributes].map(a => a.name)).filter(n => n.startsWith('on')).length,
    text: document.documentElement.textContent,
    cells: document.querySelectorAll('table.grid .cell:not(.none)').length,
    flaky: document.querySelectorAll('table.grid .marker.flaky').length,
    exit: document.querySelector('[data-exit-code]')?.dataset.exitCode ?? null,
    verdict: document.querySelector('[data-verdict]')?.dataset.verdict ?? null
}))()"#;

/// Checks a visit against what every page must do; `charts` lists the kinds of chart the page
/// must have, `cells` the calls its grids must show.
fn check_page(name: &str, visit: &Visit, suites: &[String], charts: &[&str]) -> Vec<String> {
    let mut problems = Vec::new();
    let mut expect = |ok: bool, what: String| {
        if !ok {
            problems.push(format!("{name}: {what}"));
        }
    };
    let dom = &visit.dom;
    expect(
        visit.requests.iter().all(|url| url.starts_with("file://")) && visit.requests.len() == 1,
        format!(
            "the page made requests beyond its own file: {:?}",
            visit.requests
        ),
    );
    expect(
        visit.dialogs.is_empty(),
        format!("dialogs opened: {:?}", visit.dialogs),
    );
    expect(dom["csp"] == CSP, format!("the policy is {}", dom["csp"]));
    expect(
        dom["scripts"] == 0,
        format!("{} script elements", dom["scripts"]),
    );
    expect(
        dom["loaders"] == 0,
        format!("{} elements that load something", dom["loaders"]),
    );
    expect(
        dom["handlers"] == 0,
        format!("{} event-handler attributes", dom["handlers"]),
    );
    let shown: Vec<&str> = dom["suites"]
        .as_array()
        .map(|a| a.iter().filter_map(Value::as_str).collect())
        .unwrap_or_default();
    let text = dom["text"].as_str().unwrap_or_default();
    for suite in suites {
        expect(
            shown.contains(&suite.as_str()) && text.contains(suite.as_str()),
            format!("suite {suite} is not on the page (sections: {shown:?})"),
        );
    }
    let figures = dom["charts"].as_array().cloned().unwrap_or_default();
    expect(
        figures.iter().all(|f| f["svgs"] == 1),
        format!("a chart without exactly one <svg>: {figures:?}"),
    );
    expect(
        dom["svgs"].as_u64() == Some(figures.len() as u64),
        format!("{} <svg> for {} charts", dom["svgs"], figures.len()),
    );
    for kind in charts {
        expect(
            figures.iter().any(|f| f["kind"] == *kind),
            format!("no {kind} chart among {figures:?}"),
        );
    }
    for href in dom["hrefs"].as_array().into_iter().flatten() {
        let href = href.as_str().unwrap_or_default();
        expect(
            href.starts_with('#')
                || href.starts_with("https://")
                || href.starts_with("http://127.0.0.1:"),
            format!("a link outside the policy: {href}"),
        );
    }
    match picture(&visit.screenshot) {
        Ok(p) => expect(
            p.width == 1280 && p.height > 300 && p.colours >= 16 && p.ink > 0.02,
            format!(
                "the screenshot looks blank: {}x{}, {} colours, {:.1}% ink",
                p.width,
                p.height,
                p.colours,
                p.ink * 100.0
            ),
        ),
        Err(e) => expect(false, format!("the screenshot is no PNG: {e}")),
    }
    problems
}

/// Runs the binary in `dir` with the suite file and flags, expecting `code`; returns the
/// suite names of the JSON report it wrote.
async fn render(
    sim: &hamming_runner::sim::SimHandle,
    file: &str,
    args: &[&str],
    code: i32,
) -> (Finished, Vec<String>) {
    let mut all = vec!["--html", "report.html", "--report-json", "report.json"];
    all.extend_from_slice(args);
    let run = Runner::new(sim).suite(file).args(&all).run().await;
    run.assert_code(code);
    let report = run.json("report.json");
    let names = report["suites"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|s| s["name"].as_str().map(str::to_owned))
        .collect();
    (run, names)
}

#[tokio::test(flavor = "multi_thread")]
async fn the_html_report_opens_offline_and_shows_every_suite_and_chart() {
    let Some(mut browser) = Browser::launch() else {
        return;
    };
    the_checks_fail_on_a_page_that_leaks(&mut browser);

    let sim = start_sim(&workspace()).await;
    let mut problems = Vec::new();
    let mut visit = |name: &str,
                     page: &Path,
                     suites: &[String],
                     charts: &[&str],
                     probe: Option<&str>|
     -> Visit {
        let visit = browser
            .visit(page, 1280, None, INSPECT, probe)
            .unwrap_or_else(|e| panic!("{name}: {e}"));
        problems.extend(check_page(name, &visit, suites, charts));
        visit
    };

    // Passing: every chart, and no call to list.
    let file = suite(
        "tags: [smoke]\n    thresholds: { min_test_pass_rate: 1.0, categories: { Courtesy: 0.5 }, metrics: { latencyP90: { max: 2.0 } } }",
    );
    let (run, names) = render(&sim, &file, &[], 0).await;
    let passing = visit(
        "passing",
        &run.path("report.html"),
        &names,
        &["pass-rate", "latency", "categories"],
        Some(".cell.pass"),
    );
    let mut more = probe_problems("passing", &passing, "PASSED");

    // Failing, with hostile text from the server everywhere: it must render as text.
    let file = suites(
        "  refunds:\n    tags: [failing]\n  hostile:\n    test_cases: [{ id: case-hostile }]\n    thresholds: { metrics: { latencyP90: { max: 2.0 } } }\n",
    );
    let (run, names) = render(&sim, &file, &[], 1).await;
    let failing = visit(
        "failing",
        &run.path("report.html"),
        &names,
        &["pass-rate", "latency", "categories"],
        Some(".cell.fail"),
    );
    more.extend(probe_problems(
        "failing",
        &failing,
        "The agent never asked for the account number",
    ));
    let text = failing.dom["text"].as_str().unwrap_or_default();
    for shown_as_text in [
        "<script>alert(1)</script>",
        "Hostile <img src=x onerror=alert(2)> title",
        "<a href='javascript:alert(4)'>click</a>",
        "latency<svg onload=alert(3)>",
        "<b>agent</b>",
    ] {
        if !text.contains(shown_as_text) {
            more.push(format!("failing: `{shown_as_text}` is not shown as text"));
        }
    }
    // A secret in a transcript is redacted like every other string.
    run.assert_no_key();
    if !text.contains("my key is <redacted>") {
        more.push("failing: the key in the transcript is not redacted".to_owned());
    }
    let page = run.text("report.html");
    if !page.contains("&lt;script&gt;alert(1)") || page.to_ascii_lowercase().contains("<script") {
        more.push("failing: the transcript is not escaped in the file".to_owned());
    }

    // Flaky: a case that both passed and failed is marked in the grid.
    let file = suite("tags: [flaky]\n    samples: 8\n    thresholds: { min_test_pass_rate: 0.1 }");
    let (run, names) = render(&sim, &file, &[], 0).await;
    let flaky = visit(
        "flaky",
        &run.path("report.html"),
        &names,
        &["pass-rate"],
        Some(".cell.fail"),
    );
    if flaky.dom["flaky"] != 1 || flaky.dom["cells"] != 8 {
        more.push(format!(
            "flaky: expected one flaky case over 8 cells, got {} flaky and {} cells",
            flaky.dom["flaky"], flaky.dom["cells"]
        ));
    }

    // Timed out: the calls that never finished are pending, and the exit code says 4.
    let (run, names) = render(&sim, &suite("tags: [hang]"), &["--timeout", "1s"], 4).await;
    let timed_out = visit(
        "timed out",
        &run.path("report.html"),
        &names,
        &["pass-rate"],
        Some(".cell.pending"),
    );
    if timed_out.dom["exit"] != "4" || timed_out.dom["verdict"] != "timed_out" {
        more.push(format!(
            "timed out: exit {} and verdict {}",
            timed_out.dom["exit"], timed_out.dom["verdict"]
        ));
    }

    // A dataset through the legacy flow.
    let (run, names) = render(&sim, &suite("dataset: ds-mixed"), &[], 1).await;
    visit(
        "legacy dataset",
        &run.path("report.html"),
        &names,
        &["pass-rate"],
        Some(".cell.fail"),
    );

    // The trend of two reports of one suite file.
    let file = suites(
        "  bookings:\n    test_cases: [{ id: case-book }, { id: case-move }]\n    samples: 3\n    thresholds: { min_test_pass_rate: 0.5 }\n",
    );
    let (first, names) = render(&sim, &file, &[], 0).await;
    let second = Runner::new(&sim)
        .in_dir(&first)
        .args(&["--report-json", "second.json"])
        .run()
        .await;
    second.assert_code(0);
    let trend = Runner::offline()
        .in_dir(&first)
        .args_only(&[
            "report",
            "--html",
            "trend.html",
            "report.json",
            "second.json",
        ])
        .run()
        .await;
    trend.assert_code(0);
    visit(
        "trend",
        &trend.path("trend.html"),
        &names,
        &["trend-pass-rate", "trend-latency"],
        None,
    );

    problems.extend(more);
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

/// What the judge's reason must look like on hover and on focus.
fn probe_problems(name: &str, visit: &Visit, reason: &str) -> Vec<String> {
    let Some(probe) = &visit.probe else {
        return vec![format!("{name}: nothing to probe")];
    };
    let mut problems = Vec::new();
    if !(probe.hidden_otherwise && probe.shown_on_hover && probe.shown_on_focus) {
        problems.push(format!(
            "{name}: the cell's tip is not shown on hover and on focus only: {probe:?}"
        ));
    }
    if !probe.tip.contains(reason) {
        problems.push(format!(
            "{name}: the tip does not say `{reason}`: {}",
            probe.tip
        ));
    }
    problems
}

/// The checks are worth something only if they catch a page that leaks: one that loads an
/// image over the network and runs a script, and one where the report's policy stops both.
fn the_checks_fail_on_a_page_that_leaks(browser: &mut Browser) {
    let dir = tempfile::tempdir().expect("temp dir");
    let leaky = |policy: &str| {
        format!(
            "<!DOCTYPE html><html><head>{policy}<title>leak</title></head><body><h1 data-suite=\"s\">s</h1><img src=\"http://127.0.0.1:9/pixel.png\"><script>alert(1)</script></body></html>"
        )
    };
    let open = dir.path().join("open.html");
    std::fs::write(&open, leaky("")).expect("page");
    let visit = browser
        .visit(&open, 1280, None, INSPECT, None)
        .expect("the leaking page opens");
    assert!(
        visit
            .requests
            .iter()
            .any(|url| url == "http://127.0.0.1:9/pixel.png"),
        "the harness missed an image loaded over http: {:?}",
        visit.requests
    );
    assert_eq!(visit.dialogs, ["1"], "the harness missed a dialog");
    let problems = check_page("leak", &visit, &["s".to_owned()], &[]);
    assert!(
        problems
            .iter()
            .any(|p| p.contains("requests beyond its own file"))
            && problems.iter().any(|p| p.contains("dialogs opened"))
            && problems.iter().any(|p| p.contains("script elements")),
        "the page checks let a leaking page through: {problems:?}"
    );

    let guarded = dir.path().join("guarded.html");
    std::fs::write(
        &guarded,
        leaky(&format!(
            "<meta http-equiv=\"Content-Security-Policy\" content=\"{CSP}\">"
        )),
    )
    .expect("page");
    let visit = browser
        .visit(&guarded, 1280, None, INSPECT, None)
        .expect("the guarded page opens");
    assert!(visit.dialogs.is_empty(), "the policy let a script run");
    let fetched: Vec<&String> = visit
        .requests
        .iter()
        .filter(|u| !u.starts_with("file://"))
        .collect();
    let blocked_by_policy = visit.blocked.iter().any(|(_, reason)| reason == "csp");
    assert!(
        fetched.is_empty() || blocked_by_policy,
        "the policy let the image load: {fetched:?} {:?}",
        visit.blocked
    );
}

/// Writes `docs/html-report.png`, the README's picture of the report, from a run of three
/// suites, when `HAMMING_UPDATE_SCREENSHOT=1`; it is checked like every other page either way.
#[tokio::test(flavor = "multi_thread")]
async fn the_readme_picture_is_made_by_this_harness() {
    let Some(mut browser) = Browser::launch() else {
        return;
    };
    let sim = start_sim(&workspace()).await;
    let file = suites(
        "  smoke:\n    description: Greets the caller and books\n    tags: [smoke]\n    thresholds: { categories: { Courtesy: 0.9 } }\n  bookings:\n    description: Books and moves appointments, nightly\n    test_cases: [{ id: case-book }, { id: case-move }, { id: case-fail }]\n    samples: 5\n    phone_numbers: [\"+14155550100\", \"+14155550101\"]\n    thresholds:\n      min_test_pass_rate: 0.8\n      categories: { Compliance: 0.9, Booking: 0.8 }\n      metrics: { latencyP90: { max: 1.8 } }\n",
    );
    let (run, names) = render(&sim, &file, &[], 1).await;
    let visit = browser
        .visit(&run.path("report.html"), 1280, Some(1500), INSPECT, None)
        .expect("the page opens");
    let problems = check_page(
        "readme",
        &visit,
        &names,
        &["pass-rate", "latency", "categories"],
    );
    assert!(problems.is_empty(), "{}", problems.join("\n"));
    if std::env::var_os("HAMMING_UPDATE_SCREENSHOT").is_some() {
        let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/html-report.png");
        std::fs::write(&path, &visit.screenshot).expect("write the picture");
    }
}

/// Every command that writes reports writes the page: `run` (above), `check` of a run (with
/// the transcripts, read from the results), `merge` and `report` of saved reports (which
/// carry no transcript, so the page links to it); `report` of several reports draws their
/// trend and otherwise acts as the newest report.
#[tokio::test(flavor = "multi_thread")]
async fn check_merge_and_report_write_the_page_too() {
    let sim = start_sim(&workspace()).await;
    let file = suite("tags: [failing]");
    let (run, _) = render(&sim, &file, &[], 1).await;
    let id = run.json("report.json")["suites"][0]["run_id"]
        .as_str()
        .expect("run id")
        .to_owned();
    let from_run = run.text("report.html");
    assert!(
        from_run.contains("<details class=\"transcript\">"),
        "run shows transcripts"
    );

    let checked = Runner::new(&sim)
        .in_dir(&run)
        .args_only(&["check", &id, "--html", "checked.html"])
        .run()
        .await;
    checked.assert_code(1);
    assert!(
        checked
            .text("checked.html")
            .contains("<details class=\"transcript\">")
    );

    let merged = Runner::offline()
        .in_dir(&run)
        .args_only(&["merge", "report.json", "--html", "merged/page.html"])
        .run()
        .await;
    merged.assert_code(1);
    let page = merged.text("merged/page.html");
    assert!(page.contains("data-suite=\"s\"") && !page.contains("<details class=\"transcript\">"));
    assert!(
        page.contains(">transcript</a>"),
        "the page links to the transcript"
    );

    let rendered = Runner::offline()
        .in_dir(&run)
        .args_only(&["report", "report.json", "--html", "again.html"])
        .run()
        .await;
    rendered.assert_code(1);
    assert!(
        rendered
            .text("again.html")
            .contains("data-chart=\"pass-rate\"")
    );

    // A later, passing report of the same file: the trend, and the newest report's exit code.
    let (later, _) = render(&sim, &suite("tags: [smoke]"), &[], 0).await;
    // Started a day later, whatever second the two runs began in.
    let mut newer = later.json("report.json");
    newer["started_at"] = "2099-01-02T00:00:00Z".into();
    std::fs::write(run.path("later.json"), newer.to_string()).expect("write");
    let trend = Runner::offline()
        .in_dir(&run)
        .args_only(&[
            "report",
            "later.json",
            "report.json",
            "--html",
            "trend.html",
            "--summary",
            "newest.md",
        ])
        .run()
        .await;
    trend.assert_code(0);
    assert!(
        trend.stderr.contains("note: 2 reports;"),
        "{}",
        trend.stderr
    );
    let page = trend.text("trend.html");
    assert!(page.contains("Trend of <code>suite.yaml</code>"), "{page}");
    assert!(page.contains("data-chart=\"trend-pass-rate\""));
    assert!(
        trend
            .text("newest.md")
            .starts_with("## ✅ hamming-runner: passed")
    );

    // A page that cannot be written is an error, and the others are still written.
    let blocked = Runner::offline()
        .in_dir(&run)
        .args_only(&[
            "report",
            "report.json",
            "--html",
            "report.json/page.html",
            "--summary",
            "still.md",
        ])
        .run()
        .await;
    blocked.assert_code(2);
    assert!(
        blocked.stderr.contains("cannot write the HTML report"),
        "{}",
        blocked.stderr
    );
    assert!(blocked.path("still.md").exists());
}
