//! Consistency: pass^k, the chance that `k` calls of a case in a row all pass.
//!
//! A case that passes 80 % of its calls passes three in a row only about half the time
//! (0.8³ ≈ 0.51): the pass rate alone hides how often a caller meets a bad call. The estimate
//! is the unbiased one over the observed calls (Yao et al. 2024, τ-bench): with `c` passes
//! among `n` calls, `pass^k = C(c, k) / C(n, k)`, the share of the `k`-subsets of the calls
//! that passed entirely. It needs `n ≥ k`.

/// The unbiased estimate of pass^k from `passed` of `calls`; `None` when `k` is 0 or more
/// than the calls.
pub fn pass_hat_k(passed: u64, calls: u64, k: u64) -> Option<f64> {
    if k == 0 || k > calls {
        return None;
    }
    let passed = passed.min(calls);
    if passed < k {
        return Some(0.0);
    }
    // C(c, k) / C(n, k) = Π_{i<k} (c − i) / (n − i), without large intermediate numbers.
    Some(
        (0..k)
            .map(|i| (passed - i) as f64 / (calls - i) as f64)
            .product(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pass_hat_k_is_the_share_of_all_passing_subsets() {
        // 4 of 5 passed: of the 10 pairs, 6 passed entirely.
        let close = |got: Option<f64>, want: f64| got.is_some_and(|g| (g - want).abs() < 1e-12);
        assert!(close(pass_hat_k(4, 5, 2), 0.6));
        assert!(close(pass_hat_k(4, 5, 1), 0.8));
        assert_eq!(pass_hat_k(5, 5, 3), Some(1.0));
        assert_eq!(pass_hat_k(2, 5, 3), Some(0.0));
        assert_eq!(pass_hat_k(3, 2, 3), None);
        assert_eq!(pass_hat_k(1, 2, 0), None);
    }

    #[test]
    fn it_is_unbiased() {
        // The expectation over Binomial(n, p) of C(X, k)/C(n, k) is p^k.
        let (n, k, p) = (8u64, 3u64, 0.8f64);
        let expected: f64 = (0..=n)
            .map(|x| super::super::binomial::pmf(x, n, p) * pass_hat_k(x, n, k).unwrap_or(0.0))
            .sum();
        assert!((expected - p.powi(3)).abs() < 1e-12);
    }
}
