//! Scales for the charts: a round upper end for an axis, its ticks, quantiles, and the bounds
//! a threshold check states (`>= 0.9`, `<= 2.5`, `>= 1, <= 3`).

use serde::Serialize;

/// A tick on an axis: where it sits (in pixels) and its label.
#[derive(Debug, Clone, Serialize)]
pub struct Tick {
    pub at: f64,
    pub label: String,
}

/// A linear map from values in `[0, max]` to pixels in `[from, to]`.
#[derive(Debug, Clone, Copy)]
pub struct Linear {
    pub max: f64,
    pub from: f64,
    pub to: f64,
}

impl Linear {
    pub fn new(max: f64, from: f64, to: f64) -> Self {
        let max = if max.is_finite() && max > 0.0 {
            max
        } else {
            1.0
        };
        Self { max, from, to }
    }

    /// Where `value` falls, clamped to the axis.
    pub fn at(&self, value: f64) -> f64 {
        let share = (value / self.max).clamp(0.0, 1.0);
        round1(self.from + share * (self.to - self.from))
    }

    /// Ticks from 0 to the end of the axis: four or five steps, each a round number when
    /// the end is one (2.5 goes by 0.5, 2 by 0.5, 1 by 0.25).
    pub fn ticks(&self, label: impl Fn(f64) -> String) -> Vec<Tick> {
        let mantissa = self.max / 10f64.powf(self.max.log10().floor());
        let steps = if (mantissa - 2.5).abs() < 1e-9 || (mantissa - 5.0).abs() < 1e-9 {
            5
        } else {
            4
        };
        (0..=steps)
            .map(|i| {
                let value = self.max * f64::from(i) / f64::from(steps);
                Tick {
                    at: self.at(value),
                    label: label(value),
                }
            })
            .collect()
    }
}

/// A round number at or above `value` (1, 2, 2.5 or 5 times a power of ten), so an axis ends
/// on a value people read at a glance.
pub fn nice_max(value: f64) -> f64 {
    if !value.is_finite() || value <= 0.0 {
        return 1.0;
    }
    let power = 10f64.powf(value.log10().floor());
    for step in [1.0, 2.0, 2.5, 5.0, 10.0] {
        if step * power >= value * (1.0 - 1e-9) {
            return step * power;
        }
    }
    10.0 * power
}

/// The `q` quantile (0 to 1) of sorted values, by nearest rank; `None` when empty.
pub fn quantile(sorted: &[f64], q: f64) -> Option<f64> {
    if sorted.is_empty() {
        return None;
    }
    let rank = (q * sorted.len() as f64).ceil() as usize;
    Some(sorted[rank.clamp(1, sorted.len()) - 1])
}

/// The lower and upper bounds a check's `expected` states, as the gate writes them
/// (`>= 0.9`, `<= 2.5`, `>= 1.0, <= 3.0`, with `(default)` or `per case` after). A text the
/// gate did not write (a hand-edited report) states no bound.
pub fn bounds(expected: &str) -> (Option<f64>, Option<f64>) {
    let mut low = None;
    let mut high = None;
    for part in expected.split(',') {
        let part = part.trim();
        let (slot, rest) = if let Some(rest) = part.strip_prefix(">=") {
            (&mut low, rest)
        } else if let Some(rest) = part.strip_prefix("<=") {
            (&mut high, rest)
        } else {
            continue;
        };
        let number = rest.split_whitespace().next().unwrap_or_default();
        *slot = number.parse::<f64>().ok().filter(|n| n.is_finite());
    }
    (low, high)
}

/// One decimal of a pixel is plenty and keeps the page small.
pub fn round1(value: f64) -> f64 {
    (value * 10.0).round() / 10.0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn axes_end_on_round_numbers() {
        assert_eq!(nice_max(2.3), 2.5);
        assert_eq!(nice_max(0.7), 1.0);
        assert_eq!(nice_max(1.0), 1.0);
        assert_eq!(nice_max(1250.0), 2000.0);
        assert_eq!(nice_max(0.0), 1.0);
        assert_eq!(nice_max(f64::NAN), 1.0);
    }

    #[test]
    fn quantiles_by_nearest_rank() {
        let values = [1.0, 2.0, 3.0, 4.0, 10.0];
        assert_eq!(quantile(&values, 0.5), Some(3.0));
        assert_eq!(quantile(&values, 0.9), Some(10.0));
        assert_eq!(quantile(&values, 0.0), Some(1.0));
        assert_eq!(quantile(&[], 0.5), None);
    }

    #[test]
    fn bounds_are_read_as_the_gate_writes_them() {
        assert_eq!(bounds(">= 0.9"), (Some(0.9), None));
        assert_eq!(bounds(">= 1.0 (default)"), (Some(1.0), None));
        assert_eq!(bounds("<= 2.5"), (None, Some(2.5)));
        assert_eq!(bounds(">= 1.0, <= 3.0"), (Some(1.0), Some(3.0)));
        assert_eq!(bounds(">= 0.66 per case"), (Some(0.66), None));
        assert_eq!(bounds("passes in every call"), (None, None));
        assert_eq!(bounds(">= NaN"), (None, None));
    }

    #[test]
    fn values_map_onto_the_axis_and_stay_on_it() {
        let axis = Linear::new(2.0, 100.0, 300.0);
        assert_eq!(axis.at(1.0), 200.0);
        assert_eq!(axis.at(5.0), 300.0);
        assert_eq!(axis.at(-1.0), 100.0);
        let ticks = axis.ticks(|v| format!("{v}"));
        assert_eq!(ticks.len(), 5);
        assert_eq!(ticks[4].label, "2");
    }
}
