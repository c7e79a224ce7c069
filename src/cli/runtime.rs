//! The tokio runtime for the commands that talk HTTP; the rest of the CLI stays synchronous.
//!
//! A command that follows runs (`run`, `wait`, `check`, `create`, `plan`, `schema`) waits on
//! the network almost all the time: one thread serves all of its suites (and, under
//! `--simulate`, the simulator's connections) concurrently. Worker threads would only add
//! their start-up and, worse, a memory arena each, which keeps the pages of a large results
//! body from being reused once it is read. The standalone simulator (`sim`), a server that
//! many clients may load at once, runs on worker threads.

use std::future::Future;

/// Runs a command's future to completion on this thread and returns its exit code; exit
/// code 3 when the runtime itself cannot start (the OS refused threads or file descriptors).
pub fn block_on<F: Future<Output = u8>>(future: F) -> u8 {
    try_block_on(future).unwrap_or_else(|code| code)
}

/// Runs a future to completion on this thread; `Err` with exit code 3 when the runtime
/// cannot start.
pub fn try_block_on<F: Future>(future: F) -> Result<F::Output, u8> {
    run(tokio::runtime::Builder::new_current_thread(), future)
}

/// Runs a server's future to completion on worker threads, one per core; exit code 3 when
/// the runtime cannot start.
pub fn block_on_server<F: Future<Output = u8>>(future: F) -> u8 {
    run(tokio::runtime::Builder::new_multi_thread(), future).unwrap_or_else(|code| code)
}

fn run<F: Future>(mut builder: tokio::runtime::Builder, future: F) -> Result<F::Output, u8> {
    match builder.enable_all().build() {
        Ok(runtime) => Ok(runtime.block_on(future)),
        Err(e) => {
            crate::console::err_raw(&crate::load::diagnostic::render_error(
                &format!("cannot start the async runtime: {e}"),
                &[
                    "the system refused threads or file descriptors; check `ulimit -n` and the memory left",
                ],
                false,
            ));
            Err(crate::exit::PLATFORM)
        }
    }
}
