#!/usr/bin/env python3
"""Stand-ins for the GitHub actions the end-to-end workflow tests cannot reach.

Each subcommand does what one action does, with its inputs in the environment (the
composite action.yml beside it maps them) and its state in directories under $E2E_DIR, so
the test can look at what a workflow uploaded and cached.

    checkout         actions/checkout of another repository (act copies the caller's own)
    cache-restore    actions/cache/restore
    cache-save       actions/cache/save
    upload-artifact  actions/upload-artifact
"""
import json
import os
import shutil
import sys
import tarfile
import time
from pathlib import Path


def fail(message):
    print(f"::error::{message}")
    sys.exit(1)


def output(name, value):
    with open(os.environ["GITHUB_OUTPUT"], "a", encoding="utf-8") as f:
        f.write(f"{name}={value}\n")


def workspace():
    return Path(os.environ.get("GITHUB_WORKSPACE", "."))


def state_dir(kind):
    path = Path(os.environ["E2E_DIR"]) / kind
    path.mkdir(parents=True, exist_ok=True)
    return path


def checkout():
    repository = os.environ.get("REPOSITORY", "")
    ref = os.environ.get("REF", "")
    wanted = f"{repository}@{ref}"
    mapping = {}
    for line in os.environ.get("E2E_REPOSITORIES", "").splitlines():
        if "=" in line:
            key, directory = line.split("=", 1)
            mapping[key.strip()] = directory.strip()
    source = mapping.get(wanted)
    if source is None:
        fail(f"checkout stand-in: no local copy of {wanted} (known: {', '.join(mapping) or 'none'})")
    target = workspace() / os.environ.get("TARGET_PATH", ".")
    if target.exists():
        shutil.rmtree(target)
    shutil.copytree(source, target, ignore=shutil.ignore_patterns("target", ".git"))
    print(f"checked out {wanted} from {source} into {target}")


def cache_paths():
    paths = []
    for line in os.environ["CACHE_PATH"].splitlines():
        line = line.strip()
        if line:
            paths.append(Path(os.path.expanduser(line)))
    return [p if p.is_absolute() else workspace() / p for p in paths]


def entry_name(key):
    return "".join(c if c.isalnum() or c in "-._" else "_" for c in key)


def cache_restore():
    store = state_dir("cache")
    key = os.environ["CACHE_KEY"]
    prefixes = [k.strip() for k in os.environ.get("RESTORE_KEYS", "").splitlines() if k.strip()]
    entries = []
    for meta in store.glob("*.json"):
        entries.append(json.loads(meta.read_text()))
    exact = [e for e in entries if e["key"] == key]
    chosen = exact[0] if exact else None
    if chosen is None:
        for prefix in prefixes:
            matching = sorted((e for e in entries if e["key"].startswith(prefix)), key=lambda e: e["created"])
            if matching:
                chosen = matching[-1]
                break
    if chosen is None:
        print(f"Cache not found for input keys: {key}")
        output("cache-hit", "false")
        return
    paths = cache_paths()
    with tarfile.open(store / chosen["archive"]) as archive:
        for member in archive.getmembers():
            if not member.isfile():
                continue
            index, _, rest = member.name.partition("/")
            target = paths[int(index)] / rest if rest else paths[int(index)]
            target.parent.mkdir(parents=True, exist_ok=True)
            source = archive.extractfile(member)
            target.write_bytes(source.read() if source else b"")
            target.chmod(member.mode)
    print(f"Cache restored from key: {chosen['key']}")
    output("cache-hit", "true" if chosen["key"] == key else "false")
    output("cache-matched-key", chosen["key"])


def cache_save():
    store = state_dir("cache")
    key = os.environ["CACHE_KEY"]
    meta = store / f"{entry_name(key)}.json"
    if meta.exists():
        print(f"::warning::Failed to save: Unable to reserve cache with key {key}, another job may be creating this cache.")
        return
    paths = [p for p in cache_paths() if p.exists()]
    if not paths:
        print("::warning::Path Validation Error: Path(s) specified in the action for caching do(es) not exist, hence no cache is being saved.")
        return
    archive_name = f"{entry_name(key)}.tar"
    with tarfile.open(store / archive_name, "w") as archive:
        for index, path in enumerate(cache_paths()):
            if path.is_dir():
                for file in sorted(p for p in path.rglob("*") if p.is_file()):
                    archive.add(file, arcname=f"{index}/{file.relative_to(path).as_posix()}")
            elif path.is_file():
                archive.add(path, arcname=f"{index}")
    meta.write_text(json.dumps({"key": key, "archive": archive_name, "created": time.time_ns()}))
    print(f"Cache saved with key: {key}")


def upload_artifact():
    name = os.environ["ARTIFACT_NAME"]
    for bad in '":<>|*?\r\n\\/':
        if bad in name:
            fail(f"The artifact name is not valid: {name}. Contains the character {bad!r}.")
    run = os.environ.get("GITHUB_RUN_ID", "1")
    attempt = os.environ.get("GITHUB_RUN_ATTEMPT", "1")
    root = state_dir("artifacts") / run / attempt
    root.mkdir(parents=True, exist_ok=True)
    destination = root / name
    if destination.exists():
        fail(
            f"Failed to CreateArtifact: Received non-retryable error: Failed request: (409) Conflict: an artifact with this name already exists on the workflow run: {name}"
        )
    source = workspace() / os.environ["ARTIFACT_PATH"]
    if not source.exists() or (source.is_dir() and not any(source.iterdir())):
        mode = os.environ.get("IF_NO_FILES_FOUND", "warn")
        message = f"No files were found with the provided path: {os.environ['ARTIFACT_PATH']}. No artifacts will be uploaded."
        if mode == "error":
            fail(message)
        print(f"::warning::{message}" if mode == "warn" else message)
        return
    if source.is_dir():
        shutil.copytree(source, destination)
    else:
        destination.mkdir()
        shutil.copy2(source, destination / source.name)
    print(f"Artifact {name} has been successfully uploaded!")


COMMANDS = {
    "checkout": checkout,
    "cache-restore": cache_restore,
    "cache-save": cache_save,
    "upload-artifact": upload_artifact,
}

if __name__ == "__main__":
    COMMANDS[sys.argv[1]]()
