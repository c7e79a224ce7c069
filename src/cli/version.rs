//! `--version`, and with `--verbose` the facts a bug report needs: the commit and its date,
//! the build date, the target and the TLS backend (see `build.rs`).

/// `hamming-runner 0.1.0`.
pub fn short() -> String {
    format!("{} {}", env!("CARGO_PKG_NAME"), env!("CARGO_PKG_VERSION"))
}

/// The short line, then one `key: value` line per build fact.
pub fn long() -> String {
    format!(
        "{}\ncommit-hash: {}\ncommit-date: {}\nbuild-date: {}\ntarget: {}\ntls: rustls {} with ring; certificates checked by the platform's verifier (rustls-platform-verifier); no OpenSSL",
        short(),
        env!("HAMMING_RUNNER_COMMIT"),
        env!("HAMMING_RUNNER_COMMIT_DATE"),
        env!("HAMMING_RUNNER_BUILD_DATE"),
        env!("HAMMING_RUNNER_TARGET"),
        env!("HAMMING_RUNNER_RUSTLS"),
    )
}

/// Prints the version on stdout; returns the exit code.
pub fn print(verbose: bool) -> u8 {
    let text = if verbose { long() } else { short() };
    match crate::console::out_raw(&format!("{text}\n")) {
        Ok(()) => crate::exit::SUCCESS,
        Err(_) => crate::exit::USAGE,
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_long_version_names_every_build_fact() {
        let text = super::long();
        assert!(text.starts_with(&super::short()), "{text}");
        for key in [
            "commit-hash: ",
            "commit-date: ",
            "build-date: ",
            "target: ",
            "tls: rustls ",
        ] {
            assert!(text.contains(key), "{key} missing from {text}");
        }
        assert!(text.contains(env!("HAMMING_RUNNER_TARGET")));
    }
}
