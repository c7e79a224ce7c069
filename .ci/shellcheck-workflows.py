#!/usr/bin/env python3
"""Runs shellcheck on every bash `run:` block of the given workflow and action files.

GitHub expressions (`${{ ... }}`) are replaced by a plain word first, so shellcheck judges
the shell around them; each block is checked with the `-e` and `pipefail` options GitHub
adds for `shell: bash`.
"""
import re
import subprocess
import sys
import tempfile

from ruamel.yaml import YAML

EXPRESSION = re.compile(r"\$\{\{.*?\}\}", re.S)


def steps_of(doc):
    if not isinstance(doc, dict):
        return
    for job in (doc.get("jobs") or {}).values():
        for step in (job or {}).get("steps") or []:
            yield step, (job or {}).get("defaults", {})
    runs = doc.get("runs") or {}
    for step in runs.get("steps") or []:
        yield step, {}


def main(paths):
    failures = 0
    checked = 0
    yaml = YAML(typ="safe")
    for path in paths:
        with open(path, encoding="utf-8") as f:
            doc = yaml.load(f)
        for index, (step, _) in enumerate(steps_of(doc)):
            script = step.get("run") if isinstance(step, dict) else None
            shell = step.get("shell", "bash") if isinstance(step, dict) else "bash"
            if not script or not str(shell).startswith("bash"):
                continue
            body = EXPRESSION.sub("GITHUB_EXPRESSION", script)
            with tempfile.NamedTemporaryFile("w", suffix=".sh", delete=False) as tmp:
                tmp.write("#!/usr/bin/env bash\nset -eo pipefail\n" + body)
                name = tmp.name
            checked += 1
            result = subprocess.run(["shellcheck", "-s", "bash", name], capture_output=True, text=True)
            if result.returncode != 0:
                failures += 1
                label = step.get("name") or f"step {index + 1}"
                print(f"{path}: `{label}`:\n{result.stdout.replace(name, 'run')}")
    print(f"shellcheck: {checked} run blocks checked, {failures} with findings")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
