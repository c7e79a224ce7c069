//! Ctrl-C and SIGTERM: the first one asks every suite to stop polling, fetch what results
//! exist and report them; a second one ends the process at once.

use tokio::sync::watch;

/// A cancellation signal shared by every suite of a run.
#[derive(Clone)]
pub struct Cancel {
    rx: watch::Receiver<bool>,
}

/// The side that fires the signal.
pub struct CancelTrigger {
    tx: watch::Sender<bool>,
}

impl Cancel {
    pub fn new() -> (CancelTrigger, Cancel) {
        let (tx, rx) = watch::channel(false);
        (CancelTrigger { tx }, Cancel { rx })
    }

    /// A signal that never fires.
    pub fn never() -> Cancel {
        let (trigger, cancel) = Self::new();
        // Keep the sender alive for the life of the process so `cancelled` never resolves.
        std::mem::forget(trigger);
        cancel
    }

    pub fn is_cancelled(&self) -> bool {
        *self.rx.borrow()
    }

    /// Resolves once the signal fires.
    pub async fn cancelled(&self) {
        let mut rx = self.rx.clone();
        // An error means the trigger is gone without firing: never resolve.
        if rx.wait_for(|fired| *fired).await.is_err() {
            std::future::pending::<()>().await;
        }
    }
}

impl CancelTrigger {
    pub fn fire(&self) {
        self.tx.send_replace(true);
    }
}

/// Listens for Ctrl-C and SIGTERM in the background and fires the trigger on the first.
pub fn listen_for_signals(trigger: CancelTrigger) {
    tokio::spawn(async move {
        wait_for_signal().await;
        crate::console::err(
            "\ninterrupted: fetching partial results and writing reports (press Ctrl-C again to stop at once); runs already created go on on Hamming, where their calls are still placed (and billed): each suite's line below links its run",
        );
        trigger.fire();
        wait_for_signal().await;
        crate::console::err("interrupted twice: stopping now; reports were not written");
        std::process::exit(i32::from(crate::exit::INTERRUPTED));
    });
}

#[cfg(unix)]
async fn wait_for_signal() {
    use tokio::signal::unix::{SignalKind, signal};
    match signal(SignalKind::terminate()) {
        Ok(mut term) => {
            tokio::select! {
                _ = ctrl_c() => {}
                _ = term.recv() => {}
            }
        }
        Err(_) => ctrl_c().await,
    }
}

#[cfg(not(unix))]
async fn wait_for_signal() {
    ctrl_c().await
}

/// Waits for Ctrl-C; if the handler cannot be installed, waits forever rather than firing.
async fn ctrl_c() {
    if tokio::signal::ctrl_c().await.is_err() {
        std::future::pending::<()>().await;
    }
}
