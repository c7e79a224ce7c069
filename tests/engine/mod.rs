//! The harness of the run-engine tests: a simulator per test, and a builder that runs the
//! real binary in a temp dir with the key and base URL in its environment.

#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use hamming_runner::sim::{self, RecordedRequest, SimHandle, SimOptions, Workspace};
use serde_json::Value;
use tempfile::TempDir;
use tokio::io::AsyncReadExt;

/// A recognisable key: no output may ever contain it.
pub const KEY: &str = "sk-test-5e3c1a9b7d2f4e6a8c0b1d3f";

/// The workspace most tests run against (time runs 1200x faster than real time, so a
/// two-minute call takes 100 ms).
pub const WORKSPACE: &str = r#"seed: 7
queue_delay_seconds: 2
agents:
  - id: agent-1
  - id: agent-2
tags:
  - name: smoke
  - name: failing
  - name: flaky
  - name: hang
  - name: slow
  - name: other-agent
test_cases:
  - id: case-pass
    title: Greets the caller
    tags: [smoke, failing, hang]
    agent_ids: [agent-1]
    assertions: [{ name: Greets politely, category: Courtesy }]
    metrics: { latencyP90: 1.2 }
  - id: case-fail
    title: Refund request
    tags: [failing]
    agent_ids: [agent-1]
    outcome: fail
    assertions:
      - name: Verifies identity
        category: Compliance
        failure_reason: The agent never asked for the account number.
  - id: case-flaky
    title: Noisy line
    tags: [flaky]
    agent_ids: [agent-1]
    outcome: flaky
    fail_probability: 0.5
  - id: case-hang
    title: Caller never hangs up
    tags: [hang]
    agent_ids: [agent-1]
    outcome: hang
  - id: case-slow
    title: Long conversation
    tags: [slow]
    agent_ids: [agent-1]
    duration_seconds: 600
  - id: case-elsewhere
    title: Another agent's case
    tags: [other-agent]
    agent_ids: [agent-2]
"#;

/// A suite file with the usual defaults (agent-1, one number, 20 s timeout, 100 ms polls)
/// and the given `suites:` block.
pub fn suites(block: &str) -> String {
    format!(
        "version: 1\ndefaults:\n  agent_id: agent-1\n  phone_numbers: [\"+14155550100\"]\n  timeout: 20s\n  poll_interval: 100ms\nsuites:\n{block}"
    )
}

/// A suite file with one suite, `s`, whose body is `body` (indent follow-up lines by 4).
pub fn suite(body: &str) -> String {
    suites(&format!("  s:\n    {body}\n"))
}

pub async fn start_sim(workspace: &str) -> SimHandle {
    start_sim_on(workspace, 0).await
}

/// A simulator on a given port (0 picks a free one), e.g. to restart one where it was.
pub async fn start_sim_on(workspace: &str, port: u16) -> SimHandle {
    let workspace = Workspace::from_yaml(workspace, "test workspace").expect("workspace");
    sim::start(
        workspace,
        SimOptions {
            speed: Some(1200.0),
            port,
            ..SimOptions::default()
        },
    )
    .await
    .expect("simulator")
}

/// A simulator with these fault rules (YAML list items) in front of `WORKSPACE`.
pub async fn start_sim_with_faults(rules: &str) -> SimHandle {
    start_sim(&format!("faults:\n{rules}{WORKSPACE}")).await
}

/// `Ok` when `ok`, else the reason `why` gives: a drill's assertion.
pub fn ensure(ok: bool, why: impl FnOnce() -> String) -> Result<(), String> {
    if ok { Ok(()) } else { Err(why()) }
}

pub fn posts(requests: &[RecordedRequest]) -> Vec<&RecordedRequest> {
    requests.iter().filter(|r| r.method == "POST").collect()
}

/// The id the simulator gave a tag, read through the catalog.
pub async fn tag_id(sim: &SimHandle, name: &str) -> String {
    let _ = rustls::crypto::ring::default_provider().install_default();
    let body: Value = reqwest::Client::new()
        .get(format!("{}/test-tags?search={name}", sim.base_url()))
        .bearer_auth(KEY)
        .send()
        .await
        .expect("catalog")
        .json()
        .await
        .expect("catalog json");
    body["tags"]
        .as_array()
        .and_then(|tags| tags.iter().find(|t| t["name"] == name))
        .and_then(|t| t["id"].as_str())
        .expect("tag")
        .to_owned()
}

/// One drill of a matrix, boxed so drills of different shapes share a list.
pub type Drill = std::pin::Pin<Box<dyn std::future::Future<Output = Result<(), String>> + Send>>;

/// Runs drills a few at a time and fails with every broken one listed.
pub async fn all(drills: Vec<(String, Drill)>) {
    let permits = Arc::new(tokio::sync::Semaphore::new(6));
    let mut tasks = tokio::task::JoinSet::new();
    for (name, drill) in drills {
        let permits = Arc::clone(&permits);
        tasks.spawn(async move {
            let _permit = permits.acquire_owned().await;
            (name, drill.await)
        });
    }
    let mut broken = Vec::new();
    while let Some(joined) = tasks.join_next().await {
        match joined {
            Ok((_, Ok(()))) => {}
            Ok((name, Err(why))) => broken.push(format!("== {name}: {why}")),
            Err(e) => broken.push(format!("== a drill panicked: {e}")),
        }
    }
    assert!(broken.is_empty(), "{}", broken.join("\n\n"));
}

/// Checks a run's exit code and its JSON report at `report` (relative to the run's
/// directory): parsed, one suite with the expected verdict, the same exit code, and no key
/// anywhere. Returns the report, or what was wrong.
pub fn expect_report(
    run: &Finished,
    report: &str,
    code: i32,
    verdict: &str,
) -> Result<Value, String> {
    let context = || format!("--- stdout\n{}\n--- stderr\n{}", run.stdout, run.stderr);
    if run.code != Some(code) {
        return Err(format!(
            "exit code {:?}, expected {code}\n{}",
            run.code,
            context()
        ));
    }
    let text = std::fs::read_to_string(run.path(report))
        .map_err(|e| format!("no {report}: {e}\n{}", context()))?;
    let parsed: Value =
        serde_json::from_str(&text).map_err(|e| format!("{report} is not JSON: {e}"))?;
    let suites = parsed["suites"].as_array().cloned().unwrap_or_default();
    if suites.len() != 1 || suites[0]["verdict"] != verdict {
        return Err(format!(
            "expected one suite with verdict {verdict}, got {parsed:#}\n{}",
            context()
        ));
    }
    if parsed["exit_code"] != code {
        return Err(format!("report exit_code is {}", parsed["exit_code"]));
    }
    run.assert_no_key();
    Ok(parsed)
}

/// The variables Hamming's v2 scripts read: removed from every child's environment, so the
/// developer's own cannot leak into a test.
const V2_VARIABLES: &[&str] = &[
    "HAMMING_UI_BASE_URL",
    "AGENT_ID",
    "TAG_IDS",
    "TEST_CASE_IDS",
    "PHONE_NUMBERS",
    "POLL_INTERVAL_SECONDS",
    "TIMEOUT_SECONDS",
    "MIN_TEST_PASS_RATE",
    "MIN_ASSERTION_PASS_RATE",
];

/// Builds one invocation of the binary.
pub struct Runner {
    dir: Arc<TempDir>,
    env: Vec<(String, String)>,
    argv: Vec<String>,
    extra: Vec<String>,
    suite: Option<String>,
}

impl Runner {
    /// Against the simulator, with the key in the environment.
    pub fn new(sim: &SimHandle) -> Self {
        let mut runner = Self::offline();
        runner.env = vec![
            ("HAMMING_API_KEY".into(), KEY.into()),
            ("HAMMING_API_BASE_URL".into(), sim.base_url()),
        ];
        runner
    }

    /// With no key and no base URL.
    pub fn offline() -> Self {
        Self {
            dir: Arc::new(tempfile::tempdir().expect("temp dir")),
            env: Vec::new(),
            argv: vec!["run".into(), "suite.yaml".into()],
            extra: Vec::new(),
            suite: None,
        }
    }

    /// Writes `suite.yaml`.
    pub fn suite(mut self, text: &str) -> Self {
        self.suite = Some(text.to_owned());
        self
    }

    /// Sets an environment variable for the child.
    pub fn env(mut self, name: &str, value: &str) -> Self {
        self.env.push((name.into(), value.into()));
        self
    }

    /// Writes a file into the run's directory.
    pub fn file(self, relative: &str, text: &str) -> Self {
        std::fs::write(self.dir.path().join(relative), text).expect("file");
        self
    }

    /// Creates a FIFO (named pipe) in the run's directory.
    pub fn fifo(self, relative: &str) -> Self {
        let status = std::process::Command::new("mkfifo")
            .arg(self.dir.path().join(relative))
            .status()
            .expect("mkfifo");
        assert!(status.success(), "mkfifo {relative}");
        self
    }

    /// Creates a directory in the run's directory.
    pub fn dir(self, relative: &str) -> Self {
        std::fs::create_dir_all(self.dir.path().join(relative)).expect("dir");
        self
    }

    /// Arguments after `run suite.yaml`.
    pub fn args(mut self, args: &[&str]) -> Self {
        self.extra = args.iter().map(|s| s.to_string()).collect();
        self
    }

    /// The whole command line.
    pub fn args_only(mut self, args: &[&str]) -> Self {
        self.argv = args.iter().map(|s| s.to_string()).collect();
        self
    }

    /// As under GitHub Actions, with `$GITHUB_OUTPUT` and `$GITHUB_STEP_SUMMARY` in the run's
    /// directory (`gh-output`, `gh-summary`).
    pub fn github(mut self) -> Self {
        let dir = self.dir.path();
        self.env.push(("GITHUB_ACTIONS".into(), "true".into()));
        for (var, file) in [
            ("GITHUB_OUTPUT", "gh-output"),
            ("GITHUB_STEP_SUMMARY", "gh-summary"),
        ] {
            self.env
                .push((var.into(), dir.join(file).display().to_string()));
        }
        self
    }

    /// Runs in the directory of an earlier run (its suite file, reports and state).
    pub fn in_dir(mut self, earlier: &Finished) -> Self {
        self.dir = Arc::clone(&earlier.dir);
        self
    }

    /// Runs in the directory of a run still going (its suite file and state).
    pub fn beside(mut self, running: &Started) -> Self {
        self.dir = Arc::clone(&running.dir);
        self
    }

    fn command(&self, program: &str, args: &[String]) -> tokio::process::Command {
        if let Some(text) = &self.suite {
            std::fs::write(self.dir.path().join("suite.yaml"), text).expect("suite file");
        }
        let mut command = tokio::process::Command::new(program);
        for name in V2_VARIABLES {
            command.env_remove(name);
        }
        command
            .args(args)
            .current_dir(self.dir.path())
            .env_remove("HAMMING_API_KEY")
            .env_remove("HAMMING_API_BASE_URL")
            .env_remove("HAMMING_BASE_URL")
            .env_remove("GITHUB_ACTIONS")
            .env_remove("GITHUB_OUTPUT")
            .env_remove("GITHUB_STEP_SUMMARY")
            .env("NO_COLOR", "1")
            .env("CI", "true")
            .env("HR", env!("CARGO_BIN_EXE_hamming-runner"))
            .envs(self.env.iter().map(|(k, v)| (k, v)))
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .kill_on_drop(true);
        command
    }

    fn argv(&self) -> Vec<String> {
        self.argv.iter().chain(&self.extra).cloned().collect()
    }

    pub async fn run(self) -> Finished {
        self.spawn().finish().await
    }

    /// Runs a bash script with `$HR` naming the binary.
    pub async fn shell(self, script: &str) -> Finished {
        let command = self.command("bash", &["-c".to_owned(), script.to_owned()]);
        Started::from(command, Arc::clone(&self.dir)).finish().await
    }

    pub fn spawn(self) -> Started {
        let command = self.command(env!("CARGO_BIN_EXE_hamming-runner"), &self.argv());
        Started::from(command, Arc::clone(&self.dir))
    }
}

/// A running child whose output is collected as it comes.
pub struct Started {
    child: tokio::process::Child,
    stdout: Arc<Mutex<Vec<u8>>>,
    stderr: Arc<Mutex<Vec<u8>>>,
    readers: Vec<tokio::task::JoinHandle<()>>,
    dir: Arc<TempDir>,
}

impl Started {
    fn from(mut command: tokio::process::Command, dir: Arc<TempDir>) -> Self {
        let mut child = command.spawn().expect("spawn");
        let stdout = Arc::new(Mutex::new(Vec::new()));
        let stderr = Arc::new(Mutex::new(Vec::new()));
        let mut readers = Vec::new();
        if let Some(mut pipe) = child.stdout.take() {
            let sink = Arc::clone(&stdout);
            readers.push(tokio::spawn(async move {
                let mut buf = [0u8; 8192];
                while let Ok(n) = pipe.read(&mut buf).await {
                    if n == 0 {
                        break;
                    }
                    sink.lock().unwrap().extend_from_slice(&buf[..n]);
                }
            }));
        }
        if let Some(mut pipe) = child.stderr.take() {
            let sink = Arc::clone(&stderr);
            readers.push(tokio::spawn(async move {
                let mut buf = [0u8; 8192];
                while let Ok(n) = pipe.read(&mut buf).await {
                    if n == 0 {
                        break;
                    }
                    sink.lock().unwrap().extend_from_slice(&buf[..n]);
                }
            }));
        }
        Self {
            child,
            stdout,
            stderr,
            readers,
            dir,
        }
    }

    /// Waits (up to 30 s) until stderr contains `needle`.
    pub async fn wait_for_stderr(self, needle: &str) -> Self {
        for _ in 0..3000 {
            if String::from_utf8_lossy(&self.stderr.lock().unwrap()).contains(needle) {
                return self;
            }
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
        panic!(
            "stderr never showed {needle:?}:\n{}",
            String::from_utf8_lossy(&self.stderr.lock().unwrap())
        );
    }

    /// The child's process id, while it runs.
    pub fn pid(&self) -> Option<u32> {
        self.child.id()
    }

    /// Sends a signal (`INT`, `TERM`, `KILL`) to the child.
    pub fn signal(&self, name: &str) {
        let pid = self.child.id().expect("pid").to_string();
        let status = std::process::Command::new("kill")
            .args(["-s", name, &pid])
            .status()
            .expect("kill");
        assert!(status.success());
    }

    /// Waits (up to 60 s) for the child to exit.
    pub async fn finish(mut self) -> Finished {
        let status = tokio::time::timeout(Duration::from_secs(60), self.child.wait())
            .await
            .expect("the runner did not finish within 60 s")
            .expect("wait");
        for reader in self.readers.drain(..) {
            let _ = reader.await;
        }
        let take =
            |b: &Arc<Mutex<Vec<u8>>>| String::from_utf8_lossy(&b.lock().unwrap()).into_owned();
        Finished {
            code: status.code(),
            stdout: take(&self.stdout),
            stderr: take(&self.stderr),
            dir: self.dir,
        }
    }
}

/// What a finished invocation left behind.
pub struct Finished {
    /// `None` when killed by a signal.
    pub code: Option<i32>,
    pub stdout: String,
    pub stderr: String,
    dir: Arc<TempDir>,
}

impl Finished {
    pub fn assert_code(&self, expected: i32) {
        assert_eq!(
            self.code,
            Some(expected),
            "exit code\n--- stdout\n{}\n--- stderr\n{}",
            self.stdout,
            self.stderr
        );
    }

    /// The `::error` workflow commands printed on stdout, in order.
    pub fn error_annotations(&self) -> Vec<&str> {
        self.stdout
            .lines()
            .filter(|l| l.starts_with("::error"))
            .collect()
    }

    pub fn path(&self, relative: &str) -> PathBuf {
        self.dir.path().join(relative)
    }

    pub fn text(&self, relative: &str) -> String {
        std::fs::read_to_string(self.path(relative)).unwrap_or_else(|e| panic!("{relative}: {e}"))
    }

    pub fn json(&self, relative: &str) -> Value {
        let text = std::fs::read_to_string(self.path(relative)).unwrap_or_else(|e| {
            panic!("{relative}: {e}\n--- stderr\n{}", self.stderr);
        });
        serde_json::from_str(&text).expect("report json")
    }

    /// The key is in no output and in no file the run wrote. The `::add-mask::` line that
    /// tells GitHub to hide it is the one exception (the runner consumes that line; it never
    /// reaches the log), and so is the key file a test wrote itself.
    pub fn assert_no_key(&self) {
        let stdout: String = self
            .stdout
            .lines()
            .filter(|line| !line.starts_with("::add-mask::"))
            .collect::<Vec<_>>()
            .join("\n");
        assert!(
            !stdout.contains(KEY),
            "stdout leaks the key:\n{}",
            self.stdout
        );
        assert!(
            !self.stderr.contains(KEY),
            "stderr leaks the key:\n{}",
            self.stderr
        );
        let secret_part = &KEY[8..];
        assert!(!stdout.contains(secret_part) && !self.stderr.contains(secret_part));
        for file in files_below(self.dir.path()) {
            if file.file_name().is_some_and(|n| n == "key.txt") {
                continue;
            }
            let text =
                String::from_utf8_lossy(&std::fs::read(&file).unwrap_or_default()).into_owned();
            assert!(
                !text.contains(secret_part),
                "{} leaks the key",
                file.display()
            );
        }
    }
}

fn files_below(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    if let Ok(entries) = std::fs::read_dir(dir) {
        for entry in entries.flatten() {
            let path = entry.path();
            if path.is_dir() {
                out.extend(files_below(&path));
            } else {
                out.push(path);
            }
        }
    }
    out
}

/// Polls until the simulator holds `runs` runs (up to 30 s).
pub async fn until_runs(sim: &SimHandle, runs: usize) {
    for _ in 0..3000 {
        if sim.stored_runs() >= runs {
            return;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    panic!("the simulator never held {runs} run(s)");
}
