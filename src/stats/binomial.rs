//! Exact binomial probabilities: the mass function, both tails, and the whole distribution of
//! a batch of calls (what the operating-characteristic computations convolve with).
//!
//! The tails come from the incomplete beta function, `P(X ≤ k) = I_{1−p}(n − k, k + 1)`, so
//! they stay exact far out in the tails where summing the mass function would lose digits.

use super::special::{beta_inc, ln_gamma};

/// `ln C(n, k)`.
pub fn ln_choose(n: u64, k: u64) -> f64 {
    if k > n {
        return f64::NEG_INFINITY;
    }
    ln_gamma(n as f64 + 1.0) - ln_gamma(k as f64 + 1.0) - ln_gamma((n - k) as f64 + 1.0)
}

/// `P(X = k)` for `X ~ Binomial(n, p)`.
pub fn pmf(k: u64, n: u64, p: f64) -> f64 {
    if k > n {
        return 0.0;
    }
    if p <= 0.0 {
        return if k == 0 { 1.0 } else { 0.0 };
    }
    if p >= 1.0 {
        return if k == n { 1.0 } else { 0.0 };
    }
    (ln_choose(n, k) + k as f64 * p.ln() + (n - k) as f64 * (1.0 - p).ln()).exp()
}

/// `P(X ≤ k)` for `X ~ Binomial(n, p)`.
pub fn cdf(k: u64, n: u64, p: f64) -> f64 {
    if k >= n {
        return 1.0;
    }
    if p <= 0.0 {
        return 1.0;
    }
    if p >= 1.0 {
        return 0.0;
    }
    beta_inc((n - k) as f64, k as f64 + 1.0, 1.0 - p)
}

/// `P(X ≥ k)` for `X ~ Binomial(n, p)`.
pub fn sf(k: u64, n: u64, p: f64) -> f64 {
    if k == 0 {
        return 1.0;
    }
    if k > n {
        return 0.0;
    }
    if p <= 0.0 {
        return 0.0;
    }
    if p >= 1.0 {
        return 1.0;
    }
    beta_inc(k as f64, (n - k + 1) as f64, p)
}

/// The whole mass function of Binomial(n, p), index = successes.
pub fn distribution(n: u64, p: f64) -> Vec<f64> {
    (0..=n).map(|k| pmf(k, n, p)).collect()
}

/// The mass function of Binomial(n, p) where it is not negligible: the first success count
/// kept, and the masses from there. What is left out (beyond 12 standard deviations from
/// the mean) weighs less than 1e-30.
pub fn distribution_trimmed(n: u64, p: f64) -> (u64, Vec<f64>) {
    let mean = n as f64 * p;
    let reach = 12.0 * (mean * (1.0 - p)).sqrt() + 2.0;
    let low = (mean - reach).floor().max(0.0) as u64;
    let high = ((mean + reach).ceil() as u64).min(n);
    (low, (low..=high).map(|k| pmf(k, n, p)).collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mass_and_tails_agree() {
        let (n, p) = (30, 0.85);
        let total: f64 = distribution(n, p).iter().sum();
        assert!((total - 1.0).abs() < 1e-12);
        for k in 0..=n {
            let below: f64 = (0..=k).map(|j| pmf(j, n, p)).sum();
            assert!((cdf(k, n, p) - below).abs() < 1e-12, "k={k}");
            let above: f64 = (k..=n).map(|j| pmf(j, n, p)).sum();
            assert!((sf(k, n, p) - above).abs() < 1e-12, "k={k}");
        }
    }

    #[test]
    fn published_values() {
        // P(X ≤ 2) for Binomial(10, 0.5) = 56/1024; P(X = 5) = 252/1024.
        assert!((cdf(2, 10, 0.5) - 56.0 / 1024.0).abs() < 1e-15);
        assert!((pmf(5, 10, 0.5) - 252.0 / 1024.0).abs() < 1e-15);
        // ln C(50, 25) = ln 126410606437752.
        assert!((ln_choose(50, 25) - 126_410_606_437_752f64.ln()).abs() < 1e-12);
    }

    #[test]
    fn the_trimmed_distribution_keeps_all_but_a_negligible_tail() {
        for (n, p) in [(10, 0.5), (100_000, 0.9), (40, 1.0), (40, 0.0)] {
            let (offset, masses) = distribution_trimmed(n, p);
            let kept: f64 = masses.iter().sum();
            assert!((kept - 1.0).abs() < 1e-9, "n={n} p={p}: {kept}");
            assert_eq!(masses[0], pmf(offset, n, p));
        }
        assert!(distribution_trimmed(100_000, 0.9).1.len() < 2_500);
    }

    #[test]
    fn certain_outcomes() {
        assert_eq!(pmf(0, 5, 0.0), 1.0);
        assert_eq!(pmf(5, 5, 1.0), 1.0);
        assert_eq!(cdf(4, 5, 1.0), 0.0);
        assert_eq!(sf(1, 5, 0.0), 0.0);
        assert_eq!(sf(0, 5, 0.3), 1.0);
        assert_eq!(cdf(5, 5, 0.3), 1.0);
    }
}
