//! Splitting the selected suites across CI machines (`run --shard K/N`).
//!
//! Every machine of a matrix computes the same partition from the same suite file, with no
//! coordination: the split depends only on the suites' names and estimated sizes. Suites are
//! balanced by the calls they are expected to place, not by count, because one nightly suite
//! with three numbers and five samples can outweigh ten smoke suites.

use std::fmt;
use std::str::FromStr;

use super::resolve::{ResolvedSuite, Selection};

/// One share of a split: shard `index` (1-based) of `count`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Shard {
    pub index: u32,
    pub count: u32,
}

impl fmt::Display for Shard {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/{}", self.index, self.count)
    }
}

/// Why a `--shard` value is not usable.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ShardError {
    #[error(
        "`{0}` is not a shard; write K/N, shard K of N machines: `--shard 1/4` is the first of four"
    )]
    Shape(String),
    #[error("shard `{text}`: there must be at least one shard; write K/N with N of 1 or more")]
    NoShards { text: String },
    #[error("shard `{text}`: shards count from 1; the first of {count} is `1/{count}`")]
    Zero { text: String, count: u32 },
    #[error("shard `{text}`: K cannot exceed N; the last of {count} is `{count}/{count}`")]
    Beyond { text: String, count: u32 },
}

impl FromStr for Shard {
    type Err = ShardError;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        let shape = || ShardError::Shape(text.to_owned());
        let (index, count) = text.trim().split_once('/').ok_or_else(shape)?;
        let index: u32 = index.trim().parse().map_err(|_| shape())?;
        let count: u32 = count.trim().parse().map_err(|_| shape())?;
        let text = text.to_owned();
        if count == 0 {
            return Err(ShardError::NoShards { text });
        }
        if index == 0 {
            return Err(ShardError::Zero { text, count });
        }
        if index > count {
            return Err(ShardError::Beyond { text, count });
        }
        Ok(Self { index, count })
    }
}

/// The calls a suite is expected to place: samples × phone numbers × cases. Explicit test
/// cases are counted from the file; a tag counts as one case, since how many cases it
/// selects is known only to the workspace, and the estimate must not need the network.
pub fn estimated_calls(suite: &ResolvedSuite) -> u64 {
    let cases = match &suite.selection {
        Selection::Tags(tags) => tags.len() as u64,
        Selection::TestCases(cases) => cases.len() as u64,
        Selection::Expression(expression) => expression.named().count() as u64,
        Selection::Dataset(_) => 1,
    };
    (cases * suite.calls_per_case()).max(1)
}

/// Assigns each suite (by position) to one of `count` shards: greedy longest processing time
/// first. Suites are taken heaviest first, ties by name, and each goes to the shard with the
/// least load so far, ties to the lowest shard. Returns the 0-based shard of every suite.
pub fn assign(weights: &[(&str, u64)], count: u32) -> Vec<u32> {
    let count = count.max(1) as usize;
    let mut order: Vec<usize> = (0..weights.len()).collect();
    order.sort_by(|&a, &b| {
        weights[b]
            .1
            .cmp(&weights[a].1)
            .then_with(|| weights[a].0.cmp(weights[b].0))
            .then_with(|| a.cmp(&b))
    });
    let mut load = vec![0u64; count];
    let mut shard_of = vec![0u32; weights.len()];
    for suite in order {
        let lightest = (0..count).min_by_key(|&s| (load[s], s)).unwrap_or_default();
        load[lightest] += weights[suite].1;
        shard_of[suite] = lightest as u32;
    }
    shard_of
}

/// The suites of one shard, in the order given (file order).
pub fn select(suites: Vec<ResolvedSuite>, shard: Shard) -> Vec<ResolvedSuite> {
    let weights: Vec<(&str, u64)> = suites
        .iter()
        .map(|s| (s.name.as_str(), estimated_calls(s)))
        .collect();
    let shard_of = assign(&weights, shard.count);
    suites
        .into_iter()
        .zip(shard_of)
        .filter(|(_, s)| *s + 1 == shard.index)
        .map(|(suite, _)| suite)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shards_parse_and_refuse_nonsense() {
        assert_eq!("2/4".parse::<Shard>(), Ok(Shard { index: 2, count: 4 }));
        assert_eq!(
            "1/1".parse::<Shard>().map(|s| s.to_string()),
            Ok("1/1".into())
        );
        assert!(matches!(
            "0/4".parse::<Shard>(),
            Err(ShardError::Zero { count: 4, .. })
        ));
        assert!(matches!(
            "1/0".parse::<Shard>(),
            Err(ShardError::NoShards { .. })
        ));
        // The messages speak of the N given, not of a fixed example.
        let beyond = "7/6".parse::<Shard>().unwrap_err().to_string();
        assert!(beyond.contains("the last of 6 is `6/6`"), "{beyond}");
        let zero = "0/3".parse::<Shard>().unwrap_err().to_string();
        assert!(zero.contains("the first of 3 is `1/3`"), "{zero}");
        for bad in ["", "2", "2/", "/4", "a/b", "-1/4", "1/4/2"] {
            assert!(
                matches!(bad.parse::<Shard>(), Err(ShardError::Shape(_))),
                "{bad}"
            );
        }
    }

    fn suites(weights: &[u64]) -> Vec<(String, u64)> {
        weights
            .iter()
            .enumerate()
            .map(|(i, w)| (format!("suite-{i:02}"), *w))
            .collect()
    }

    fn split(named: &[(String, u64)], count: u32) -> Vec<u32> {
        let weights: Vec<(&str, u64)> = named.iter().map(|(n, w)| (n.as_str(), *w)).collect();
        assign(&weights, count)
    }

    #[test]
    fn every_suite_lands_in_exactly_one_shard() {
        let named = suites(&[30, 1, 1, 12, 7, 7, 2, 50, 3, 3, 3, 9]);
        for count in 1..=15 {
            let shard_of = split(&named, count);
            assert_eq!(shard_of.len(), named.len());
            assert!(shard_of.iter().all(|s| *s < count), "{count}: {shard_of:?}");
        }
    }

    #[test]
    fn the_split_is_deterministic_and_ignores_the_order_of_equal_suites() {
        let named = suites(&[5, 5, 5, 5, 8, 1]);
        assert_eq!(split(&named, 3), split(&named, 3));
        // Reordering the file does not move a suite to another shard: ties go by name.
        let mut reversed = named.clone();
        reversed.reverse();
        let forward = split(&named, 3);
        let backward = split(&reversed, 3);
        for (i, (name, _)) in named.iter().enumerate() {
            let j = reversed.iter().position(|(n, _)| n == name).unwrap();
            assert_eq!(forward[i], backward[j], "{name}");
        }
    }

    #[test]
    fn shards_are_balanced_by_calls_not_by_count() {
        // One heavy suite and many light ones: by index, shard 1 of 2 would take the heavy
        // one and half of the rest.
        let named = suites(&[40, 5, 5, 5, 5, 5, 5, 5, 5]);
        let shard_of = split(&named, 2);
        let load = |s: u32| -> u64 {
            named
                .iter()
                .zip(&shard_of)
                .filter(|(_, x)| **x == s)
                .map(|((_, w), _)| w)
                .sum()
        };
        assert_eq!((load(0), load(1)), (40, 40));
        // The heavy suite is alone in its shard.
        assert_eq!(shard_of.iter().filter(|s| **s == shard_of[0]).count(), 1);
    }

    #[test]
    fn lpt_stays_within_its_bound_of_the_ideal() {
        let named = suites(&[17, 3, 9, 9, 21, 4, 4, 13, 2, 8, 6, 11, 1]);
        let total: u64 = named.iter().map(|(_, w)| w).sum();
        let largest = named.iter().map(|(_, w)| *w).max().unwrap();
        for count in 2..=5u32 {
            let shard_of = split(&named, count);
            let max_load = (0..count)
                .map(|s| {
                    named
                        .iter()
                        .zip(&shard_of)
                        .filter(|(_, x)| **x == s)
                        .map(|((_, w), _)| w)
                        .sum::<u64>()
                })
                .max()
                .unwrap();
            // Greedy assignment never exceeds the mean load plus the largest suite.
            assert!(
                max_load <= total / u64::from(count) + largest,
                "{count}: {max_load}"
            );
        }
    }

    #[test]
    fn more_shards_than_suites_leaves_some_empty() {
        let named = suites(&[3, 2]);
        let shard_of = split(&named, 4);
        assert_eq!(shard_of, vec![0, 1]);
    }
}
