use std::process::ExitCode;

fn main() -> ExitCode {
    hamming_runner::cli::main()
}
