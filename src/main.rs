use std::process::ExitCode;

/// The static Linux builds use mimalloc: musl's allocator is slow for allocation-heavy work
/// such as loading a large suite file (README, "Performance"; the release workflow measures
/// the musl artifact against the glibc build).
#[cfg(any(feature = "mimalloc", target_env = "musl"))]
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    hamming_runner::cli::main()
}
