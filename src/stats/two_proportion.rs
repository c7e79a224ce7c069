//! Exact one-sided tests of two proportions: is the pass rate of a later sample ("now")
//! lower than that of an earlier one ("baseline")?
//!
//! - **Fisher's exact test** (Fisher 1935) conditions on the total number of passes: given
//!   `s` passes among both samples, the passes that fall in "now" are hypergeometric, and the
//!   p-value is the chance of as few as were seen, `P(X ≤ x_now | s)`. It is exact but
//!   conservative: conditioning makes the distribution discrete, and its real error rate
//!   lies well below the level at the sample sizes of a test suite.
//! - **Boschloo's test** (Boschloo 1970) takes Fisher's p-value as its statistic and asks,
//!   without conditioning, how likely a table at least as extreme is when both samples share
//!   one pass rate `π`: `sup_π P_π(fisher_p(X) ≤ fisher_p(observed))`. Its p-value is never
//!   above Fisher's, so it is uniformly more powerful, and it is exact at every `π`.
//!
//! Boschloo's p-value needs the supremum over `π`. Within the stratum of `s` passes, Fisher's
//! p-value grows with the passes in "now", so the tables at least as extreme are a lower tail
//! of each stratum, of conditional mass `q_s ≤ p_fisher`; then `P_π = Σ_s Bin(s; N, π) q_s`.
//! `P_π` is a polynomial in Bernstein form; its supremum is found by branch and bound on
//! `π ∈ [0, 1]`. On an interval, Taylor's theorem about the middle bounds it from above by the
//! value and slope there plus half the largest curvature on the interval times the squared
//! half-width, and the curvature is bounded term by term (each Bernstein basis polynomial is
//! unimodal). Intervals are split until the best upper bound is within a relative `1e-6` of a
//! value actually attained; that upper bound is returned, so the p-value is never below the
//! exact one (the test stays exact, erring only on the safe side by at most that tolerance).

use super::binomial::ln_choose;

/// Passes among trials of one sample.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Sample {
    pub successes: u64,
    pub trials: u64,
}

impl Sample {
    /// A sample; successes beyond the trials are cut to the trials.
    pub fn new(successes: u64, trials: u64) -> Self {
        Self {
            successes: successes.min(trials),
            trials,
        }
    }

    /// The pass rate, 0 without trials.
    pub fn rate(&self) -> f64 {
        if self.trials == 0 {
            0.0
        } else {
            self.successes as f64 / self.trials as f64
        }
    }
}

/// Which exact test gave a p-value.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Method {
    Boschloo,
    Fisher,
}

impl Method {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Boschloo => "boschloo",
            Self::Fisher => "fisher",
        }
    }
}

/// A one-sided p-value and the test that gave it.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Lower {
    pub p_value: f64,
    pub method: Method,
}

/// Boschloo's test is computed when the two samples have at most this many tables
/// (`(n1 + 1)(n2 + 1)`, e.g. 500 calls on each side); beyond it Fisher's test, whose
/// p-value is exact too but larger, is used.
pub const BOSCHLOO_MAX_TABLES: u64 = 250_000;

/// The exact one-sided p-value that "now" passes less often than "baseline": Boschloo's when
/// the samples are small enough (`BOSCHLOO_MAX_TABLES`), else Fisher's.
pub fn lower(baseline: Sample, now: Sample) -> Lower {
    match boschloo_lower(baseline, now) {
        Some(p_value) => Lower {
            p_value,
            method: Method::Boschloo,
        },
        None => Lower {
            p_value: fisher_lower(baseline, now),
            method: Method::Fisher,
        },
    }
}

/// Fisher's exact one-sided p-value: `P(X ≤ x_now)` for the hypergeometric number of passes
/// in "now" given the passes of both samples. 1 when either sample is empty.
pub fn fisher_lower(baseline: Sample, now: Sample) -> f64 {
    if baseline.trials == 0 || now.trials == 0 {
        return 1.0;
    }
    let stratum = Stratum::new(
        baseline.trials,
        now.trials,
        baseline.successes + now.successes,
    );
    let mut cumulative = 0.0;
    stratum.walk(|k, mass| {
        if k > now.successes {
            return false;
        }
        cumulative += mass;
        true
    });
    cumulative.min(1.0)
}

/// Boschloo's exact one-sided p-value (an upper bound within a relative 1e-6 of it), or
/// `None` when the samples have more than `BOSCHLOO_MAX_TABLES` tables. 1 when either
/// sample is empty.
pub fn boschloo_lower(baseline: Sample, now: Sample) -> Option<f64> {
    let (n1, n2) = (baseline.trials, now.trials);
    if (n1 + 1).saturating_mul(n2 + 1) > BOSCHLOO_MAX_TABLES {
        return None;
    }
    if n1 == 0 || n2 == 0 {
        return Some(1.0);
    }
    let fisher = fisher_lower(baseline, now);
    // Tables whose Fisher p-value equals the observed one, but for rounding, count as at
    // least as extreme (the observed table among them).
    let threshold = fisher * (1.0 + 1e-9);
    let total = n1 + n2;
    let tails: Vec<f64> = (0..=total)
        .map(|s| {
            let mut cumulative = 0.0;
            let mut tail = 0.0;
            Stratum::new(n1, n2, s).walk(|_, mass| {
                cumulative += mass;
                if cumulative <= threshold {
                    tail = cumulative;
                    true
                } else {
                    false
                }
            });
            tail
        })
        .collect();
    Some(Mixture::new(total, tails).supremum().min(fisher))
}

/// The hypergeometric distribution of the passes in "now" (of `n2` trials) given `s` passes
/// among `n1 + n2` trials.
struct Stratum {
    n1: u64,
    n2: u64,
    s: u64,
}

impl Stratum {
    fn new(n1: u64, n2: u64, s: u64) -> Self {
        Self { n1, n2, s }
    }

    /// Calls `visit(k, P(X = k))` for k from the lowest possible upwards while it returns
    /// true. The masses are carried as logarithms from one k to the next, so none underflows
    /// on the way to where the mass lies.
    fn walk(&self, mut visit: impl FnMut(u64, f64) -> bool) {
        let Self { n1, n2, s } = *self;
        let low = s.saturating_sub(n1);
        let high = s.min(n2);
        if low > high {
            return;
        }
        let mut ln_mass = ln_choose(n2, low) + ln_choose(n1, s - low) - ln_choose(n1 + n2, s);
        for k in low..=high {
            if !visit(k, ln_mass.exp()) {
                return;
            }
            if k < high {
                // P(k + 1) / P(k) = (n2 − k)(s − k) / ((k + 1)(n1 − s + k + 1)).
                let up = ((n2 - k) as f64).ln() + ((s - k) as f64).ln();
                let down = ((k + 1) as f64).ln() + ((n1 + k + 1 - s) as f64).ln();
                ln_mass += up - down;
            }
        }
    }
}

/// `P_π = Σ_s Bin(s; N, π) q_s`, the chance under a common pass rate `π` of a table at least
/// as extreme as the one observed: a polynomial in Bernstein form, whose derivatives are
/// Bernstein polynomials of the differences of its coefficients.
struct Mixture {
    n: u64,
    /// `q_s`, then its first differences and the positive part of its second differences.
    q: Vec<f64>,
    d1: Vec<f64>,
    d2: Vec<f64>,
    /// `ln C(N − j, s)` for j = 0, 1, 2.
    ln_c: [Vec<f64>; 3],
}

/// Stop once the best upper bound is within this relative distance of an attained value.
const TOLERANCE: f64 = 1e-6;
/// Intervals split at most; the bound reached by then is returned (still an upper bound).
const MAX_SPLITS: usize = 5_000;

impl Mixture {
    fn new(n: u64, tails: Vec<f64>) -> Self {
        let d1: Vec<f64> = tails.windows(2).map(|w| w[1] - w[0]).collect();
        let d2: Vec<f64> = d1.windows(2).map(|w| (w[1] - w[0]).max(0.0)).collect();
        let ln_c = [0, 1, 2].map(|j| {
            let degree = n.saturating_sub(j);
            (0..=degree).map(|s| ln_choose(degree, s)).collect()
        });
        Self {
            n,
            q: tails,
            d1,
            d2,
            ln_c,
        }
    }

    /// `Σ_s c_s B_{s, N − j}(π_s)` over the non-zero `c_s`, where `B_{s, d}(π) = C(d, s)
    /// π^s (1 − π)^(d − s)` is the Bernstein basis of degree `d = N − j` and `π_s = at(s)`.
    fn sum(&self, j: usize, c: &[f64], at: impl Fn(usize) -> f64) -> f64 {
        let degree = self.n.saturating_sub(j as u64) as usize;
        let mut total = 0.0;
        for (s, &coefficient) in c.iter().enumerate() {
            if coefficient == 0.0 {
                continue;
            }
            let p = at(s);
            let basis = if p <= 0.0 {
                f64::from(u8::from(s == 0))
            } else if p >= 1.0 {
                f64::from(u8::from(s == degree))
            } else {
                let exponent =
                    self.ln_c[j][s] + s as f64 * p.ln() + (degree - s) as f64 * (-p).ln_1p();
                // Below e^-745 the mass is 0 in double precision anyway.
                if exponent < -745.0 {
                    0.0
                } else {
                    exponent.exp()
                }
            };
            total += coefficient * basis;
        }
        total
    }

    fn value(&self, p: f64) -> f64 {
        self.sum(0, &self.q, |_| p).clamp(0.0, 1.0)
    }

    /// `P'_π = N Σ Δq_s B_{s, N − 1}(π)`.
    fn slope(&self, p: f64) -> f64 {
        self.n as f64 * self.sum(1, &self.d1, |_| p)
    }

    /// An upper bound of `P''_π` on `[a, b]`: each positive term of
    /// `N (N − 1) Σ Δ²q_s B_{s, N − 2}(π)` at its largest on the interval (a basis polynomial
    /// peaks at `s / (N − 2)`), the negative ones left out.
    fn curvature_bound(&self, a: f64, b: f64) -> f64 {
        let degree = self.n.saturating_sub(2).max(1) as f64;
        let sum = self.sum(2, &self.d2, |s| (s as f64 / degree).clamp(a, b));
        self.n as f64 * (self.n as f64 - 1.0) * sum
    }

    /// An upper bound of `P_π` on `[a, b]` and the value at its middle, by Taylor's theorem
    /// about the middle `m`: `P ≤ P(m) + |P'(m)| h + ½ max P'' h²` with `h = (b − a) / 2`.
    fn bound(&self, a: f64, b: f64) -> (f64, f64) {
        let (m, h) = ((a + b) / 2.0, (b - a) / 2.0);
        let value = self.value(m);
        let upper = value + self.slope(m).abs() * h + 0.5 * self.curvature_bound(a, b) * h * h;
        (upper.min(1.0), value)
    }

    /// The supremum over `[0, 1]`, from above.
    fn supremum(&self) -> f64 {
        if self.q.iter().all(|q| *q == 0.0) {
            return 0.0;
        }
        const START: usize = 32;
        let mut best = self.value(0.0).max(self.value(1.0));
        let mut open = std::collections::BinaryHeap::new();
        for i in 0..START {
            let (a, b) = (i as f64 / START as f64, (i + 1) as f64 / START as f64);
            let (upper, value) = self.bound(a, b);
            best = best.max(value);
            open.push(Open { upper, a, b });
        }
        for _ in 0..MAX_SPLITS {
            // The interval with the highest bound; every other bound is at most it.
            let Some(Open { upper, a, b }) = open.pop() else {
                return best;
            };
            if upper <= best * (1.0 + TOLERANCE) + 1e-15 || b - a < 1e-12 {
                return upper.max(best);
            }
            let middle = (a + b) / 2.0;
            for (x, y) in [(a, middle), (middle, b)] {
                let (upper, value) = self.bound(x, y);
                best = best.max(value);
                if upper > best {
                    open.push(Open { upper, a: x, b: y });
                }
            }
        }
        open.peek().map_or(best, |o| o.upper.max(best))
    }
}

/// An interval still to examine, ordered by its upper bound.
struct Open {
    upper: f64,
    a: f64,
    b: f64,
}

impl PartialEq for Open {
    fn eq(&self, other: &Self) -> bool {
        self.upper.total_cmp(&other.upper).is_eq()
    }
}

impl Eq for Open {}

impl PartialOrd for Open {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for Open {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        self.upper.total_cmp(&other.upper)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn close(actual: f64, expected: f64, relative: f64) -> bool {
        (actual - expected).abs() <= relative * expected.abs().max(1e-300)
    }

    #[test]
    fn fisher_matches_textbook_tables() {
        // Fisher's lady tasting tea (Agresti, "Categorical Data Analysis", 2nd ed., §3.5.2):
        // 3 of 4 cups guessed right in one row, 1 of 4 in the other; one-sided P = 17/70.
        let p = fisher_lower(Sample::new(3, 4), Sample::new(1, 4));
        assert!(close(p, 17.0 / 70.0, 1e-12), "{p}");
        // 10 of 10 against 5 of 10: only the observed table is as extreme, C(15,5)/C(20,10).
        let p = fisher_lower(Sample::new(10, 10), Sample::new(5, 10));
        assert!(close(p, 3003.0 / 184_756.0, 1e-12), "{p}");
        // No drop at all is no evidence of one.
        assert_eq!(fisher_lower(Sample::new(5, 10), Sample::new(10, 10)), 1.0);
        assert_eq!(fisher_lower(Sample::new(0, 0), Sample::new(3, 10)), 1.0);
    }

    #[test]
    fn boschloo_matches_published_values() {
        // SciPy's reference example for `boschloo_exact` (table [[74, 31], [43, 32]],
        // alternative "greater"): Fisher's statistic 0.0483, Boschloo's p-value 0.0355.
        let (baseline, now) = (Sample::new(74, 117), Sample::new(31, 63));
        assert!(close(fisher_lower(baseline, now), 0.048_31, 1e-3));
        let p = boschloo_lower(baseline, now).unwrap();
        assert!(close(p, 0.035_56, 1e-3), "{p}");
    }

    #[test]
    fn boschloo_agrees_with_an_independent_computation() {
        // Values from SciPy 1.17 `boschloo_exact(..., alternative="greater")`, computed
        // independently (by an optimiser over the nuisance rate, not by branch and bound).
        for (x1, n1, x2, n2, expected) in [
            (10, 10, 5, 10, 0.006_389_617_920),
            (10, 10, 7, 10, 0.057_888_031_006),
            (20, 20, 10, 20, 0.000_096_307_263),
            (9, 10, 6, 10, 0.075_509_720_920),
            (30, 30, 27, 30, 0.077_509_102_345),
            (3, 4, 1, 4, 0.144_531_250_000),
            (100, 120, 80, 120, 0.001_630_841_777_66),
            (290, 300, 280, 300, 0.039_546_278_751_3),
            (5, 200, 2, 200, 0.198_467_461_665),
        ] {
            let p = boschloo_lower(Sample::new(x1, n1), Sample::new(x2, n2)).unwrap();
            assert!(
                close(p, expected, 2e-5) && p >= expected * (1.0 - 1e-9),
                "{x1}/{n1} vs {x2}/{n2}: {p}, expected {expected}"
            );
        }
    }

    #[test]
    fn boschloo_is_never_above_fisher_and_falls_back_to_it_for_large_samples() {
        for (x1, n1, x2, n2) in [(8, 12, 2, 9), (50, 60, 40, 60), (1, 1, 0, 1), (0, 5, 0, 5)] {
            let (b, n) = (Sample::new(x1, n1), Sample::new(x2, n2));
            let bosch = boschloo_lower(b, n).unwrap();
            assert!(
                bosch <= fisher_lower(b, n) + 1e-15,
                "{x1}/{n1} vs {x2}/{n2}"
            );
            assert!((0.0..=1.0).contains(&bosch));
        }
        let big = (Sample::new(1900, 2000), Sample::new(1850, 2000));
        assert_eq!(boschloo_lower(big.0, big.1), None);
        let chosen = lower(big.0, big.1);
        assert_eq!(chosen.method, Method::Fisher);
        assert!(chosen.p_value < 0.01, "{chosen:?}");
        assert_eq!(
            lower(Sample::new(10, 10), Sample::new(5, 10)).method,
            Method::Boschloo
        );
    }

    #[test]
    fn its_error_rate_stays_within_the_level() {
        // The exact size of the test at 5 % for 12 calls on each side, over common rates:
        // the chance, when nothing changed, of calling a drop.
        let (n1, n2) = (12u64, 12u64);
        for p in [0.5, 0.8, 0.95] {
            let mut size = 0.0;
            for x1 in 0..=n1 {
                for x2 in 0..=n2 {
                    if boschloo_lower(Sample::new(x1, n1), Sample::new(x2, n2)).unwrap() <= 0.05 {
                        size += crate::stats::binomial::pmf(x1, n1, p)
                            * crate::stats::binomial::pmf(x2, n2, p);
                    }
                }
            }
            assert!(size <= 0.05 + 1e-12, "rate {p}: size {size}");
        }
    }
}
