//! TLS is set up only for an `https` API: a loopback `http` API (the simulator) never needs
//! the platform's CA store, so it works where none can be found, while an `https` API still
//! checks certificates against it.

use std::path::Path;
use std::process::{Command, Output};

/// Runs the binary in `dir` with the CA store pointed at a file and a directory that hold
/// no certificate.
fn without_ca_store(dir: &Path, args: &[&str]) -> Output {
    let empty = dir.join("no-certificates");
    std::fs::create_dir_all(&empty).unwrap();
    Command::new(env!("CARGO_BIN_EXE_hamming-runner"))
        .current_dir(dir)
        .args(args)
        .env("SSL_CERT_FILE", empty.join("none.pem"))
        .env("SSL_CERT_DIR", &empty)
        .env("HAMMING_API_KEY", "sk-tls-setup-0000000000000000")
        .env_remove("HAMMING_API_BASE_URL")
        .env_remove("HAMMING_BASE_URL")
        .env_remove("HAMMING_AGENT_ID")
        .env_remove("GITHUB_ACTIONS")
        .output()
        .unwrap()
}

#[test]
fn a_loopback_http_api_needs_no_ca_store_and_https_still_checks_against_it() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::copy(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("hamming.example.yaml"),
        dir.path().join("hamming.example.yaml"),
    )
    .unwrap();

    let simulated = without_ca_store(dir.path(), &["run", "hamming.example.yaml", "--simulate"]);
    assert_eq!(simulated.status.code(), Some(0), "{simulated:?}");

    // The same store, for an https API: the client cannot be set up without certificates
    // to check the server's against (no request is sent).
    let https = without_ca_store(
        dir.path(),
        &[
            "check",
            "cmc220l4i00zsgn0gvqkvpvxh",
            "--api-base",
            "https://127.0.0.1:9/api/rest",
        ],
    );
    let stderr = String::from_utf8_lossy(&https.stderr);
    assert_ne!(https.status.code(), Some(0), "{https:?}");
    assert!(
        stderr.contains("cannot set up the HTTP client") && stderr.contains("CA certificates"),
        "{stderr}"
    );
}
