//! Runs and their lifecycle, computed from elapsed time whenever someone asks.
//!
//! No task runs in the background: a run records when it was created and the simulated
//! schedule of its calls, and every read works out where the run is now. That keeps the
//! simulator deterministic for a given seed and cheap however many runs exist.

use std::collections::{BinaryHeap, HashMap, VecDeque};
use std::time::{Duration, Instant};

use super::workspace::RunOutcome;

/// What one call does once it has been drawn.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Drawn {
    /// Ends PASSED.
    Pass,
    /// Ends FAILED.
    Fail,
    /// Ends ERROR.
    Error,
    /// Never ends.
    Hang,
}

/// One planned call of a run.
#[derive(Debug, Clone)]
pub struct Call {
    /// The test-case run id.
    pub id: String,
    /// Index into the workspace's test cases.
    pub case: usize,
    /// The drawn outcome.
    pub drawn: Drawn,
    /// Simulated seconds the call lasts.
    pub duration: f64,
    /// Simulated seconds after the run starts RUNNING at which the call starts.
    pub start: f64,
    /// … and ends (infinite for a call that hangs or never gets a line).
    pub end: f64,
    /// Overrides sent for the configuration that selected the case, echoed in results.
    pub overrides: Option<serde_json::Value>,
    /// The phone number the call dialled.
    pub number: String,
}

/// Where a call is at a moment.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CallState {
    /// Not started yet.
    Waiting,
    /// Dialled and talking.
    InProgress,
    /// Ended; the drawn outcome applies.
    Done,
    /// The run ended (FAILED/CANCELED) before this call did.
    Aborted,
}

/// Where a run is at a moment.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Phase {
    /// Waiting for its first call.
    Queued,
    /// Calls in progress.
    Running,
    /// Calls over, judge scoring (legacy experiments only).
    Scoring,
    /// Finished.
    Ended(RunOutcome),
}

impl Phase {
    /// Whether the run has finished.
    pub fn is_terminal(self) -> bool {
        matches!(self, Phase::Ended(_))
    }
}

/// A run (or a legacy experiment) and everything needed to answer about it.
#[derive(Debug, Clone)]
pub struct Run {
    /// The run id.
    pub id: String,
    /// The planned calls, in creation order.
    pub calls: Vec<Call>,
    /// How the run ends.
    pub outcome: RunOutcome,
    /// For FAILED/CANCELED outcomes: simulated seconds after RUNNING begins at which it ends.
    pub ends_after: Option<f64>,
    /// Simulated seconds spent scoring after the last call (legacy experiments).
    pub scoring: f64,
    /// Simulated seconds after a call ends before its recording link appears.
    pub recording_delay: f64,
    created: Instant,
    queue_delay: f64,
    speed: f64,
    /// Simulated seconds after RUNNING begins when the last call ends (infinite if one
    /// hangs), computed once: every call's state depends on it.
    last_call_end: f64,
}

/// Clock settings shared by every run.
#[derive(Debug, Clone, Copy)]
pub struct Clock {
    /// Simulated seconds per real second.
    pub speed: f64,
    /// Simulated seconds before RUNNING.
    pub queue_delay: f64,
}

impl Run {
    /// A run starting now, with its calls scheduled at most `max_concurrent` at a time.
    pub fn new(
        id: String,
        mut calls: Vec<Call>,
        max_concurrent: usize,
        outcome: RunOutcome,
        ends_after: Option<f64>,
        scoring: f64,
        clock: Clock,
    ) -> Run {
        schedule(&mut calls, max_concurrent.max(1));
        let last_call_end = calls.iter().map(|c| c.end).fold(0.0, f64::max);
        Run {
            id,
            calls,
            last_call_end,
            outcome,
            ends_after,
            scoring,
            recording_delay: 0.0,
            created: Instant::now(),
            queue_delay: clock.queue_delay,
            speed: clock.speed,
        }
    }

    /// Simulated seconds since creation at `now`.
    fn elapsed(&self, now: Instant) -> f64 {
        now.saturating_duration_since(self.created).as_secs_f64() * self.speed
    }

    /// Simulated seconds after RUNNING begins when the last call ends (infinite if one hangs).
    fn calls_end(&self) -> f64 {
        self.last_call_end
    }

    /// Simulated seconds after RUNNING begins when the run ends, if it ever does.
    fn end(&self) -> Option<f64> {
        let end = match self.outcome {
            RunOutcome::Completed => self.calls_end() + self.scoring,
            RunOutcome::ScoringFailed => self.calls_end() + self.scoring,
            RunOutcome::Failed | RunOutcome::Canceled => {
                self.ends_after.unwrap_or_else(|| self.calls_end())
            }
            RunOutcome::NeverFinishes => f64::INFINITY,
        };
        end.is_finite().then_some(end)
    }

    /// The run's phase at `now`.
    pub fn phase(&self, now: Instant) -> Phase {
        let t = self.elapsed(now);
        if t < self.queue_delay {
            return Phase::Queued;
        }
        let r = t - self.queue_delay;
        match self.end() {
            Some(end) if r >= end => Phase::Ended(self.outcome),
            _ if self.scoring > 0.0 && r >= self.calls_end() => Phase::Scoring,
            _ => Phase::Running,
        }
    }

    /// Where one call is at `now`.
    pub fn call_state(&self, call: &Call, now: Instant) -> CallState {
        let t = self.elapsed(now) - self.queue_delay;
        let ended_early = match self.phase(now) {
            Phase::Ended(RunOutcome::Failed | RunOutcome::Canceled) => self.end(),
            _ => None,
        };
        if let Some(end) = ended_early
            && call.end > end
        {
            return CallState::Aborted;
        }
        if t < call.start {
            CallState::Waiting
        } else if t < call.end {
            CallState::InProgress
        } else {
            CallState::Done
        }
    }

    /// Whether a finished call's recording link is out at `now`: the link appears
    /// `recording_delay` simulated seconds after the call ends, as the real service fills it
    /// in after the result.
    pub fn recording_ready(&self, call: &Call, now: Instant) -> bool {
        let t = self.elapsed(now) - self.queue_delay;
        self.call_state(call, now) == CallState::Done && t >= call.end + self.recording_delay
    }

    /// The real moment the run finished (or finishes), if it ever does.
    pub fn finished_at(&self) -> Option<Instant> {
        let sim = self.queue_delay + self.end()?;
        let real = Duration::try_from_secs_f64(sim / self.speed).ok()?;
        self.created.checked_add(real)
    }
}

/// Greedy list scheduling: each call takes the line that frees up first.
fn schedule(calls: &mut [Call], lines: usize) {
    // Free times as ordered integers (microseconds) so the heap needs no float ordering.
    let mut free: BinaryHeap<std::cmp::Reverse<u64>> =
        (0..lines).map(|_| std::cmp::Reverse(0)).collect();
    for call in calls.iter_mut() {
        let std::cmp::Reverse(at) = free.pop().unwrap_or(std::cmp::Reverse(u64::MAX));
        if at == u64::MAX {
            call.start = f64::INFINITY;
            call.end = f64::INFINITY;
            free.push(std::cmp::Reverse(u64::MAX));
            continue;
        }
        call.start = at as f64 / 1e6;
        call.end = if call.drawn == Drawn::Hang {
            f64::INFINITY
        } else {
            call.start + call.duration
        };
        let next = if call.end.is_finite() {
            (call.end * 1e6) as u64
        } else {
            u64::MAX
        };
        free.push(std::cmp::Reverse(next));
    }
}

/// Runs kept in memory, expired after a TTL once finished and capped in number.
#[derive(Debug)]
pub struct RunStore {
    runs: HashMap<String, Run>,
    /// Test-case run id → the id of the run it belongs to, and its place among its calls.
    calls: HashMap<String, (String, usize)>,
    order: VecDeque<String>,
    ttl: Duration,
    cap: usize,
    next_seq: u64,
}

impl RunStore {
    /// An empty store.
    pub fn new(ttl: Duration, cap: usize) -> RunStore {
        RunStore {
            runs: HashMap::new(),
            calls: HashMap::new(),
            order: VecDeque::new(),
            ttl,
            cap: cap.max(1),
            next_seq: 0,
        }
    }

    /// The sequence number the next run gets.
    pub fn next_seq(&mut self) -> u64 {
        self.next_seq += 1;
        self.next_seq
    }

    /// Adds a run, first dropping expired runs and, at the cap, the oldest finished one (or
    /// the oldest of all).
    pub fn insert(&mut self, run: Run, now: Instant) {
        self.sweep(now);
        while self.runs.len() >= self.cap {
            let victim = self
                .order
                .iter()
                .position(|id| {
                    self.runs
                        .get(id)
                        .is_some_and(|r| r.phase(now).is_terminal())
                })
                .unwrap_or(0);
            match self.order.remove(victim) {
                Some(id) => self.remove(&id),
                None => break,
            }
        }
        for (at, call) in run.calls.iter().enumerate() {
            self.calls.insert(call.id.clone(), (run.id.clone(), at));
        }
        self.order.push_back(run.id.clone());
        self.runs.insert(run.id.clone(), run);
    }

    /// A call of a run that has not expired, with its run, by test-case run id.
    pub fn call(&self, call_id: &str, now: Instant) -> Option<(&Run, &Call)> {
        let (run_id, at) = self.calls.get(call_id)?;
        let run = self.get(run_id, now)?;
        let call = run.calls.get(*at)?;
        Some((run, call))
    }

    fn remove(&mut self, id: &str) {
        if let Some(run) = self.runs.remove(id) {
            for call in &run.calls {
                self.calls.remove(&call.id);
            }
        }
    }

    /// A run that has not expired.
    pub fn get(&self, id: &str, now: Instant) -> Option<&Run> {
        self.runs.get(id).filter(|r| !self.expired(r, now))
    }

    /// Drops every expired run.
    pub fn sweep(&mut self, now: Instant) {
        let expired: Vec<String> = self
            .runs
            .values()
            .filter(|r| self.expired(r, now))
            .map(|r| r.id.clone())
            .collect();
        for id in &expired {
            self.remove(id);
        }
        if !expired.is_empty() {
            self.order.retain(|id| self.runs.contains_key(id));
        }
    }

    /// How many runs are held.
    pub fn len(&self) -> usize {
        self.runs.len()
    }

    fn expired(&self, run: &Run, now: Instant) -> bool {
        run.finished_at()
            .and_then(|at| at.checked_add(self.ttl))
            .is_some_and(|deadline| now >= deadline)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn call(drawn: Drawn, duration: f64) -> Call {
        Call {
            id: String::new(),
            case: 0,
            drawn,
            duration,
            start: 0.0,
            end: 0.0,
            overrides: None,
            number: String::new(),
        }
    }

    #[test]
    fn schedule_respects_concurrency() {
        let mut calls = vec![call(Drawn::Pass, 10.0); 5];
        schedule(&mut calls, 2);
        let starts: Vec<f64> = calls.iter().map(|c| c.start).collect();
        assert_eq!(starts, vec![0.0, 0.0, 10.0, 10.0, 20.0]);
    }

    #[test]
    fn a_hanging_call_holds_its_line_forever() {
        let mut calls = vec![
            call(Drawn::Hang, 10.0),
            call(Drawn::Pass, 10.0),
            call(Drawn::Pass, 5.0),
        ];
        schedule(&mut calls, 1);
        assert!(calls[0].end.is_infinite());
        assert!(calls[1].start.is_infinite());
        assert!(calls[2].start.is_infinite());
    }

    #[test]
    fn phases_follow_time() {
        let clock = Clock {
            speed: 1.0,
            queue_delay: 5.0,
        };
        let run = Run::new(
            "r".into(),
            vec![call(Drawn::Pass, 10.0)],
            1,
            RunOutcome::Completed,
            None,
            0.0,
            clock,
        );
        let t0 = run.created;
        assert_eq!(run.phase(t0), Phase::Queued);
        assert_eq!(run.phase(t0 + Duration::from_secs(6)), Phase::Running);
        assert_eq!(
            run.phase(t0 + Duration::from_secs(15)),
            Phase::Ended(RunOutcome::Completed)
        );
        assert_eq!(
            run.call_state(&run.calls[0], t0 + Duration::from_secs(4)),
            CallState::Waiting
        );
        assert_eq!(
            run.call_state(&run.calls[0], t0 + Duration::from_secs(6)),
            CallState::InProgress
        );
        assert_eq!(
            run.call_state(&run.calls[0], t0 + Duration::from_secs(15)),
            CallState::Done
        );
    }

    #[test]
    fn store_caps_and_expires() {
        let clock = Clock {
            speed: 1000.0,
            queue_delay: 0.0,
        };
        let mut store = RunStore::new(Duration::from_millis(1), 2);
        let now = Instant::now();
        for i in 0..3 {
            let run = Run::new(
                format!("r{i}"),
                vec![],
                1,
                RunOutcome::NeverFinishes,
                None,
                0.0,
                clock,
            );
            store.insert(run, now);
        }
        assert_eq!(store.len(), 2);
        assert!(store.get("r0", now).is_none());
        let done = Run::new(
            "d".into(),
            vec![],
            1,
            RunOutcome::Completed,
            None,
            0.0,
            clock,
        );
        store.insert(done, now);
        let later = now + Duration::from_millis(50);
        assert!(store.get("d", later).is_none());
        store.sweep(later);
        assert_eq!(store.len(), 2 - 1);
    }
}
