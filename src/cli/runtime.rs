//! The tokio runtime for the commands that talk HTTP; the rest of the CLI stays synchronous.

use std::future::Future;

/// Runs a command's future to completion and returns its exit code; exit code 3 when the
/// runtime itself cannot start (the OS refused threads or file descriptors).
pub fn block_on<F: Future<Output = u8>>(future: F) -> u8 {
    match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime.block_on(future),
        Err(e) => {
            crate::console::err(&format!("error: cannot start the async runtime: {e}"));
            crate::exit::PLATFORM
        }
    }
}
