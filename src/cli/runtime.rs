//! The tokio runtime for the commands that talk HTTP; the rest of the CLI stays synchronous.

use std::future::Future;

/// Runs a command's future to completion and returns its exit code; exit code 3 when the
/// runtime itself cannot start (the OS refused threads or file descriptors).
pub fn block_on<F: Future<Output = u8>>(future: F) -> u8 {
    try_block_on(future).unwrap_or_else(|code| code)
}

/// Runs a future to completion; `Err` with exit code 3 when the runtime cannot start.
pub fn try_block_on<F: Future>(future: F) -> Result<F::Output, u8> {
    match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
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
