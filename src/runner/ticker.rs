//! The pace of a poll loop, shared by the test-run and legacy flows: a first tick soon after
//! the start, then one per interval, every wait and every read cut short by the suite's
//! deadline or by Ctrl-C.

use std::future::Future;
use std::time::{Duration, Instant};

use crate::outcome::RunEnd;

use super::cancel::Cancel;

/// Why a poll loop stopped before its run ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stop {
    Interrupted,
    TimedOut,
}

impl Stop {
    pub fn end(self) -> RunEnd {
        match self {
            Self::Interrupted => RunEnd::Interrupted,
            Self::TimedOut => RunEnd::TimedOut,
        }
    }
}

/// Ticks for one suite.
pub struct Ticker<'a> {
    cancel: &'a Cancel,
    deadline: Instant,
    interval: Duration,
    next_wait: Duration,
}

impl<'a> Ticker<'a> {
    /// A ticker whose deadline is `timeout` after `began`, ticking first after
    /// `first_wait` and then once per `interval`.
    pub fn new(
        cancel: &'a Cancel,
        began: Instant,
        timeout: Duration,
        interval: Duration,
        first_wait: Duration,
    ) -> Self {
        Self {
            cancel,
            deadline: began + timeout,
            interval,
            next_wait: first_wait,
        }
    }

    /// Waits for the next tick, then runs `read` (a future does nothing until awaited, so
    /// the read starts only once the tick has come).
    pub async fn next<T>(&mut self, read: impl Future<Output = T>) -> Result<T, Stop> {
        self.tick().await?;
        self.read(read).await
    }

    /// Waits for the next tick.
    async fn tick(&mut self) -> Result<(), Stop> {
        let wake = (Instant::now() + self.next_wait).min(self.deadline);
        self.next_wait = self.interval;
        tokio::select! {
            _ = tokio::time::sleep_until(wake.into()) => {}
            _ = self.cancel.cancelled() => return Err(Stop::Interrupted),
        }
        if Instant::now() >= self.deadline {
            return Err(Stop::TimedOut);
        }
        Ok(())
    }

    /// Runs one read, unless the deadline passes or the user interrupts first.
    async fn read<T>(&self, read: impl Future<Output = T>) -> Result<T, Stop> {
        tokio::select! {
            value = read => Ok(value),
            _ = self.cancel.cancelled() => Err(Stop::Interrupted),
            _ = tokio::time::sleep_until(self.deadline.into()) => Err(Stop::TimedOut),
        }
    }
}
