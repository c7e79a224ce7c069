//! Build facts for `hamming-runner --version --verbose`: the git commit and its date, the
//! build date, the target and the TLS library's version.
//!
//! The commit comes from git when this crate is the top of a git checkout, else from the
//! `.cargo_vcs_info.json` that `cargo package` writes into a crate tarball, else it is
//! `unknown`; a build never fails for want of git. The build date honours
//! `SOURCE_DATE_EPOCH`, so a reproducible build gets the same bytes twice.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{SystemTime, UNIX_EPOCH};

fn main() {
    println!("cargo:rerun-if-changed=build.rs");
    println!("cargo:rerun-if-env-changed=SOURCE_DATE_EPOCH");
    let manifest_dir = PathBuf::from(std::env::var_os("CARGO_MANIFEST_DIR").unwrap_or_default());

    let (commit, commit_date) = from_git(&manifest_dir)
        .or_else(|| from_vcs_info(&manifest_dir))
        .unwrap_or_else(|| ("unknown".to_owned(), "unknown".to_owned()));
    let build_date = match std::env::var("SOURCE_DATE_EPOCH") {
        Ok(epoch) => epoch.trim().parse::<i64>().map(date).unwrap_or_else(|_| {
            println!("cargo:warning=SOURCE_DATE_EPOCH={epoch:?} is not a number of seconds");
            "unknown".to_owned()
        }),
        Err(_) => date(
            SystemTime::now()
                .duration_since(UNIX_EPOCH)
                .map(|d| d.as_secs() as i64)
                .unwrap_or_default(),
        ),
    };
    let target = std::env::var("TARGET").unwrap_or_else(|_| "unknown".to_owned());
    let rustls = locked_version(&manifest_dir, "rustls").unwrap_or_else(|| "0.23".to_owned());

    println!("cargo:rustc-env=HAMMING_RUNNER_COMMIT={commit}");
    println!("cargo:rustc-env=HAMMING_RUNNER_COMMIT_DATE={commit_date}");
    println!("cargo:rustc-env=HAMMING_RUNNER_BUILD_DATE={build_date}");
    println!("cargo:rustc-env=HAMMING_RUNNER_TARGET={target}");
    println!("cargo:rustc-env=HAMMING_RUNNER_RUSTLS={rustls}");
}

/// The commit and its date, when the crate is the top of a git checkout (not a crate nested
/// in some other repository, whose commit would say nothing about this code).
fn from_git(dir: &Path) -> Option<(String, String)> {
    let top = git(dir, &["rev-parse", "--show-toplevel"])?;
    let same = |a: &Path, b: &Path| match (a.canonicalize(), b.canonicalize()) {
        (Ok(a), Ok(b)) => a == b,
        _ => false,
    };
    if !same(Path::new(&top), dir) {
        return None;
    }
    let commit = git(dir, &["rev-parse", "HEAD"])?;
    let commit_date = git(dir, &["log", "-1", "--format=%cs"]).unwrap_or_else(|| "unknown".into());
    // Rebuild when HEAD moves: a new commit, a checkout, a branch that advances.
    if let Some(git_dir) = git(dir, &["rev-parse", "--absolute-git-dir"]) {
        watch(&Path::new(&git_dir).join("HEAD"));
        if let Some(common) = git(dir, &["rev-parse", "--git-common-dir"]) {
            let common = dir.join(common);
            watch(&common.join("packed-refs"));
            if let Some(reference) = git(dir, &["symbolic-ref", "-q", "HEAD"]) {
                watch(&common.join(reference));
            }
        }
    }
    Some((commit, commit_date))
}

/// Asks cargo to rerun this script when `path` changes; only existing paths, since a
/// missing one would rerun it on every build.
fn watch(path: &Path) {
    if path.exists() {
        println!("cargo:rerun-if-changed={}", path.display());
    }
}

fn git(dir: &Path, args: &[&str]) -> Option<String> {
    let output = Command::new("git")
        .args(args)
        .current_dir(dir)
        .output()
        .ok()?;
    let text = String::from_utf8(output.stdout).ok()?;
    let text = text.trim();
    (output.status.success() && !text.is_empty()).then(|| text.to_owned())
}

/// The commit `cargo package` recorded in a crate tarball (`{"git": {"sha1": "…"}}`); its
/// date is not recorded.
fn from_vcs_info(dir: &Path) -> Option<(String, String)> {
    let path = dir.join(".cargo_vcs_info.json");
    watch(&path);
    let text = std::fs::read_to_string(path).ok()?;
    let after = &text[text.find("\"sha1\"")? + "\"sha1\"".len()..];
    let start = after.find('"')? + 1;
    let sha: String = after[start..]
        .chars()
        .take_while(|c| c.is_ascii_hexdigit())
        .collect();
    (sha.len() >= 7).then(|| (sha, "unknown".to_owned()))
}

/// A package's version in `Cargo.lock`, when the lock file is there.
fn locked_version(dir: &Path, package: &str) -> Option<String> {
    let lock = std::fs::read_to_string(dir.join("Cargo.lock")).ok()?;
    let entry = lock.split("[[package]]").find(|entry| {
        entry
            .lines()
            .any(|line| line.trim() == format!("name = \"{package}\""))
    })?;
    entry.lines().find_map(|line| {
        line.trim()
            .strip_prefix("version = \"")
            .and_then(|rest| rest.strip_suffix('"'))
            .map(str::to_owned)
    })
}

/// `YYYY-MM-DD` (UTC) of a Unix time.
fn date(secs: i64) -> String {
    // Days to a civil date, after Howard Hinnant's `civil_from_days`.
    let days = secs.div_euclid(86_400);
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1_460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    format!("{year:04}-{month:02}-{day:02}")
}
