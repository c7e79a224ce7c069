//! How the gate writes numbers in reasons: short, and never misleading next to a bound.

/// A number with up to three decimals, trailing zeros trimmed but at least one decimal
/// kept (`1.0`, `0.8`, `0.955`), so `0.949` is never shown as `0.95` next to a bound of 0.95.
pub fn num(value: f64) -> String {
    if !value.is_finite() {
        return value.to_string();
    }
    let text = format!("{value:.3}");
    let trimmed = text.trim_end_matches('0');
    if trimmed.ends_with('.') {
        format!("{trimmed}0")
    } else {
        trimmed.to_owned()
    }
}

#[cfg(test)]
mod tests {
    use super::num;

    #[test]
    fn numbers_are_short_and_exact_enough() {
        assert_eq!(num(1.0), "1.0");
        assert_eq!(num(0.8), "0.8");
        assert_eq!(num(0.955), "0.955");
        assert_eq!(num(0.9494), "0.949");
        assert_eq!(num(2.0 / 3.0), "0.667");
        assert_eq!(num(1234.5), "1234.5");
    }
}
