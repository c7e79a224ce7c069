//! Wald's sequential probability ratio test (Wald 1945) for a pass rate, between
//! `H0: p = p0` (the agent is at `bar − margin`, and must not pass) and `H1: p = p1` (the
//! agent is at the bar, and must not fail).
//!
//! After each look the log-likelihood ratio of the calls so far,
//! `Λ = s·ln(p1/p0) + f·ln((1 − p1)/(1 − p0))` for `s` passes and `f` failures, is compared
//! with Wald's boundaries `ln A = ln((1 − β)/α)` and `ln B = ln(β/(1 − α))`: the test passes at
//! `Λ ≥ ln A`, fails at `Λ ≤ ln B`, and otherwise asks for more calls.
//!
//! Why repeated looks do not inflate the error rates: under any `p ≤ p0` the likelihood ratio
//! `exp(Λ)` is a non-negative supermartingale (each call multiplies it by a factor whose
//! expectation is at most 1), so by Ville's inequality the chance that it *ever* reaches `A`
//! is at most `1/A`, however often and whenever it is looked at. The same holds for the fail
//! side under `p ≥ p1`. With Wald's `A` and `B` this gives `α' ≤ α/(1 − β)` and
//! `β' ≤ β/(1 − α)` (and `α' + β' ≤ α + β`); looking only after whole waves, or stopping at a
//! maximum without a decision, can only lower them. A call's share in [0, 1] (several
//! assertions of a category, some passed) enters as a fractional success; the factor is
//! convex in the share, so the supermartingale argument still holds. The same argument covers
//! calls of several cases with different rates, as long as each look adds the same number of
//! calls of every case: by the AM–GM inequality the product of the cases' factors is at most
//! the factor of their average rate.

use super::interval::Decision;

/// The test's parameters and boundaries.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Sprt {
    /// The rate that must not pass (`bar − margin`, at least 0).
    pub p0: f64,
    /// The rate that must not fail (the bar).
    pub p1: f64,
    /// The chance of passing an agent at `p0`, as designed.
    pub alpha: f64,
    /// The chance of failing an agent at `p1`, as designed.
    pub beta: f64,
}

/// Why a test cannot be built.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum SprtError {
    #[error("the rates must satisfy 0 <= p0 < p1 <= 1, got p0 = {p0}, p1 = {p1}")]
    Rates { p0: f64, p1: f64 },
    #[error("the error rates must lie in (0, 0.5), got alpha = {alpha}, beta = {beta}")]
    Errors { alpha: f64, beta: f64 },
}

/// Wald's lines in terms of failures after `n` calls: the test passes while failures are at
/// most `slope·n − pass_intercept` and fails once they reach `slope·n + fail_intercept`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct FailureLines {
    pub pass_intercept: f64,
    pub fail_intercept: f64,
    pub slope: f64,
}

impl Sprt {
    pub fn new(p0: f64, p1: f64, alpha: f64, beta: f64) -> Result<Self, SprtError> {
        if !((0.0..1.0).contains(&p0) && p0 < p1 && p1 <= 1.0) {
            return Err(SprtError::Rates { p0, p1 });
        }
        if !(alpha > 0.0 && alpha < 0.5 && beta > 0.0 && beta < 0.5) {
            return Err(SprtError::Errors { alpha, beta });
        }
        Ok(Self {
            p0,
            p1,
            alpha,
            beta,
        })
    }

    /// The test of a rate threshold: `p1` the bar, `p0 = bar − margin` (at least 0), and each
    /// error rate `(1 − confidence) / 2`, the same as each side of a two-sided interval at
    /// `confidence`. `None` when the bar is 0 (nothing can fail it).
    pub fn for_threshold(bar: f64, margin: f64, confidence: f64) -> Option<Self> {
        let error = (1.0 - confidence) / 2.0;
        let p1 = bar.min(1.0);
        Self::new((bar - margin).max(0.0), p1, error, error).ok()
    }

    /// `ln A`: the pass boundary.
    pub fn pass_boundary(&self) -> f64 {
        ((1.0 - self.beta) / self.alpha).ln()
    }

    /// `ln B`: the fail boundary.
    pub fn fail_boundary(&self) -> f64 {
        (self.beta / (1.0 - self.alpha)).ln()
    }

    /// The log-likelihood ratio of `successes` passes and `failures` failures (either may be
    /// fractional). A failure when `p1 = 1` is impossible under the bar: the ratio is −∞.
    pub fn log_likelihood_ratio(&self, successes: f64, failures: f64) -> f64 {
        let mut llr = 0.0;
        if failures > 0.0 {
            if self.p1 >= 1.0 {
                return f64::NEG_INFINITY;
            }
            llr += failures * ((1.0 - self.p1) / (1.0 - self.p0)).ln();
        }
        if successes > 0.0 {
            if self.p0 <= 0.0 {
                return f64::INFINITY;
            }
            llr += successes * (self.p1 / self.p0).ln();
        }
        llr
    }

    /// The decision after `successes` passes and `failures` failures.
    pub fn decide(&self, successes: f64, failures: f64) -> Decision {
        let llr = self.log_likelihood_ratio(successes, failures);
        if llr <= self.fail_boundary() {
            Decision::Fail
        } else if llr >= self.pass_boundary() {
            Decision::Pass
        } else {
            Decision::Undecided
        }
    }

    /// Wald's decision lines in failures, when both rates are strictly inside (0, 1).
    pub fn failure_lines(&self) -> Option<FailureLines> {
        if self.p0 <= 0.0 || self.p1 >= 1.0 {
            return None;
        }
        let (q0, q1) = (1.0 - self.p0, 1.0 - self.p1);
        // ln of the odds ratio of failing under H0 against H1.
        let k = (q0 * self.p1 / (q1 * self.p0)).ln();
        Some(FailureLines {
            pass_intercept: self.pass_boundary() / k,
            fail_intercept: -self.fail_boundary() / k,
            slope: (self.p1 / self.p0).ln() / k,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// NIST/SEMATECH e-Handbook of Statistical Methods, §6.2.3.2 (sequential sampling): a lot
    /// is accepted at a defect rate of 0.01 and rejected at 0.10, with a producer's risk of
    /// 0.05 and a consumer's risk of 0.10; Wald's lines are `x_a = −0.939 + 0.0397 n` and
    /// `x_r = 1.205 + 0.0397 n` in defectives. Here a defect is a failed call: the bar is 0.99,
    /// bar − margin is 0.90, failing at the bar happens 5 % of the time and passing at 0.90 10 %.
    fn nist() -> Sprt {
        Sprt::new(0.90, 0.99, 0.10, 0.05).unwrap()
    }

    #[test]
    fn wald_lines_match_the_nist_handbook() {
        let lines = nist().failure_lines().unwrap();
        assert!((lines.pass_intercept - 0.939).abs() < 5e-4, "{lines:?}");
        assert!((lines.fail_intercept - 1.205).abs() < 5e-4, "{lines:?}");
        assert!((lines.slope - 0.0397).abs() < 5e-5, "{lines:?}");
    }

    #[test]
    fn acceptance_and_rejection_numbers_match_the_lines() {
        let test = nist();
        // The largest number of failures that still passes after n calls (the handbook's
        // acceptance number): none before call 24, 0 from 24, 1 from 49.
        let acceptance = |n: u64| {
            (0..=n)
                .rev()
                .find(|f| test.decide((n - f) as f64, *f as f64) == Decision::Pass)
        };
        assert_eq!(acceptance(23), None);
        assert_eq!(acceptance(24), Some(0));
        assert_eq!(acceptance(48), Some(0));
        assert_eq!(acceptance(49), Some(1));
        // The smallest number of failures that fails (the rejection number): 2 at first.
        let rejection =
            |n: u64| (0..=n).find(|f| test.decide((n - f) as f64, *f as f64) == Decision::Fail);
        assert_eq!(rejection(1), None);
        assert_eq!(rejection(2), Some(2));
        assert_eq!(rejection(19), Some(2));
        assert_eq!(rejection(21), Some(3));
    }

    #[test]
    fn boundaries_are_walds() {
        let test = Sprt::new(0.8, 0.9, 0.025, 0.025).unwrap();
        assert!((test.pass_boundary() - 39f64.ln()).abs() < 1e-12);
        assert!((test.fail_boundary() + 39f64.ln()).abs() < 1e-12);
    }

    #[test]
    fn a_bar_of_one_fails_at_the_first_failure_and_passes_after_enough_passes() {
        let test = Sprt::for_threshold(1.0, 0.1, 0.95).unwrap();
        assert_eq!(test.decide(50.0, 1.0), Decision::Fail);
        // ln(39) / ln(1/0.9) = 34.8: the 35th straight pass decides.
        assert_eq!(test.decide(34.0, 0.0), Decision::Undecided);
        assert_eq!(test.decide(35.0, 0.0), Decision::Pass);
    }

    #[test]
    fn a_bar_within_the_margin_of_zero_passes_at_the_first_pass() {
        let test = Sprt::for_threshold(0.05, 0.1, 0.95).unwrap();
        assert_eq!(test.p0, 0.0);
        assert_eq!(test.decide(1.0, 20.0), Decision::Pass);
        assert!(Sprt::for_threshold(0.0, 0.1, 0.95).is_none());
    }

    #[test]
    fn invalid_parameters_are_refused() {
        assert!(Sprt::new(0.9, 0.8, 0.05, 0.05).is_err());
        assert!(Sprt::new(0.5, 0.6, 0.0, 0.05).is_err());
        assert!(Sprt::new(0.5, 0.6, 0.05, 0.6).is_err());
    }
}
