//! `hamming-runner sim` as a user runs it: the README's commands verbatim against the demo
//! workspace, an explicit empty workspace, a port in use, and a workspace file's errors.

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn command(dir: &Path, args: &[&str]) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_hamming-runner"));
    command
        .current_dir(dir)
        .args(args)
        .env_remove("HAMMING_AGENT_ID")
        .env_remove("HAMMING_PHONE_NUMBER")
        .env_remove("HAMMING_API_BASE_URL")
        .env_remove("HAMMING_BASE_URL")
        .env("NO_COLOR", "1");
    command
}

/// A simulator serving until dropped, and what it printed before serving.
struct Served {
    child: Child,
    base: String,
    banner: Vec<String>,
}

impl Drop for Served {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn serve(args: &[&str]) -> Served {
    let mut argv = vec!["sim", "--port", "0"];
    argv.extend_from_slice(args);
    let mut child = command(&root(), &argv)
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let stdout = child.stdout.take().unwrap();
    let banner: Vec<String> = BufReader::new(stdout)
        .lines()
        .take(3)
        .map(Result::unwrap)
        .collect();
    let base = banner[0]
        .strip_prefix("Hamming simulator listening on ")
        .unwrap_or_else(|| panic!("{banner:?}"))
        .to_owned();
    Served {
        child,
        base,
        banner,
    }
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// `GET /agents` over a plain HTTP/1.1 connection.
fn agents(base: &str) -> serde_json::Value {
    use std::io::{Read, Write};
    let rest = base.strip_prefix("http://").unwrap();
    let (host, prefix) = rest.split_once('/').unwrap();
    let mut stream = std::net::TcpStream::connect(host).unwrap();
    write!(
        stream,
        "GET /{prefix}/agents HTTP/1.1\r\nHost: {host}\r\nAuthorization: Bearer sk-local\r\nConnection: close\r\n\r\n"
    )
    .unwrap();
    let mut response = String::new();
    stream.read_to_string(&mut response).unwrap();
    let (head, body) = response.split_once("\r\n\r\n").unwrap();
    assert!(head.starts_with("HTTP/1.1 200"), "{head}");
    serde_json::from_str(body).unwrap()
}

#[test]
fn without_a_workspace_the_readme_example_runs_against_the_demo() {
    let served = serve(&[]);
    assert_eq!(
        served.banner[1],
        "serving the demo workspace of hamming.example.yaml (every call passes): 1 agent, 1 tag, 3 test cases"
    );
    // The README's command, verbatim but for the port.
    let run: Output = command(&root(), &["run", "hamming.example.yaml"])
        .env("HAMMING_API_BASE_URL", &served.base)
        .env("HAMMING_API_KEY", "sk-local")
        .output()
        .unwrap();
    assert_eq!(run.status.code(), Some(0), "{}", text(&run.stderr));
    assert!(
        text(&run.stdout).contains("suites 2 passed"),
        "{}",
        text(&run.stdout)
    );
}

#[test]
fn an_explicit_empty_workspace_serves_nothing() {
    let empty = serve(&["--empty"]);
    assert_eq!(
        empty.banner[1],
        "serving an empty workspace: 0 agents, 0 tags, 0 test cases"
    );
    assert_eq!(agents(&empty.base), serde_json::json!({ "agents": [] }));
    let demo = serve(&[]);
    assert_eq!(
        agents(&demo.base)["agents"][0]["id"],
        "cmc1demoagent000000000001"
    );
}

#[test]
fn a_port_in_use_is_one_clear_sentence() {
    let taken = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = taken.local_addr().unwrap().port().to_string();
    let output = command(&root(), &["sim", "--port", &port])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    assert_eq!(
        text(&output.stderr),
        format!(
            "error: port {port} on 127.0.0.1 is already in use, so the simulator cannot listen there; stop what is listening on it, or pick another port with --port (0 picks a free one)\n"
        )
    );
}

#[test]
fn workspace_errors_point_at_the_file_with_a_caret_and_a_suggestion() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("ws.yaml"),
        "agents:\n  - id: agent-1\n    nmae: Front desk\ntest_cases:\n  - id: c1\n    title: One\n    outcome: passs\n",
    )
    .unwrap();
    let output = command(dir.path(), &["sim", "--workspace", "ws.yaml"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    assert_eq!(
        text(&output.stderr),
        "\
error: unknown key `nmae` in `agents[0]`
 --> ws.yaml:3:5
  |
3 |     nmae: Front desk
  |     ^^^^
  |
  = help: did you mean `name`?

error: `passs` is not a valid value for `test_cases[0].outcome`
 --> ws.yaml:7:14
  |
7 |     outcome: passs
  |              ^^^^^
  |
  = help: did you mean `pass`?

error: ws.yaml has 2 errors; the simulator was not started
"
    );

    // Once the file parses, broken references are located the same way.
    std::fs::write(
        dir.path().join("ws.yaml"),
        "agents: [{ id: agent-1 }]\ntags: [{ name: smoke }]\ntest_cases:\n  - id: c1\n    title: One\n    tags: [smoke, smokey]\n    agent_ids: [agent-l]\n",
    )
    .unwrap();
    let output = command(dir.path(), &["sim", "--workspace", "ws.yaml"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    let stderr = text(&output.stderr);
    for needle in [
        "error: test case `c1` names the unknown tag `smokey`\n --> ws.yaml:6:19\n",
        "= help: did you mean `smoke`?",
        "error: test case `c1` names the unknown agent `agent-l`\n --> ws.yaml:7:17\n",
        "= help: did you mean `agent-1`?",
    ] {
        assert!(stderr.contains(needle), "{needle}\n{stderr}");
    }
}
