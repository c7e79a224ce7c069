//! The statistics of the gate, pure and with no knowledge of runs, suites or reports, so any
//! feature can reuse them:
//!
//! - `special`: log-gamma, the regularized incomplete beta function and its inverse, the
//!   normal quantile;
//! - `binomial`: exact binomial mass and tails;
//! - `interval`: Clopper–Pearson, Wilson and Chernoff intervals for a rate, and the
//!   three-way decision of an interval gate;
//! - `sprt`: Wald's sequential probability ratio test with its boundaries;
//! - `design`: exact operating characteristics (chance of passing, failing, staying
//!   undecided; calls on average) of the sequential and fixed designs, and the best fixed
//!   design for given error rates;
//! - `consistency`: pass^k;
//! - `two_proportion`: Fisher's and Boschloo's exact one-sided tests of two pass rates (the
//!   comparison with a baseline).
//!
//! The README's "Statistics" section explains the choices and cites the sources.

pub mod binomial;
pub mod consistency;
pub mod design;
pub mod interval;
pub mod special;
pub mod sprt;
pub mod two_proportion;

pub use interval::{Decision, Interval, IntervalMethod};
pub use sprt::Sprt;
