//! "Did you mean …?": the closest allowed word to a misspelt one.

/// The candidate closest to `word`, if one is close enough to be a likely typo.
///
/// A case-insensitive match wins outright; otherwise the Jaro-Winkler similarity must be high
/// (typos keep most letters and usually the start), or the edit distance small for short
/// words, so that an unrelated key gets the list of allowed keys instead of a wrong guess.
pub fn did_you_mean<'a, I>(word: &str, candidates: I) -> Option<&'a str>
where
    I: IntoIterator<Item = &'a str>,
{
    let lowered = word.to_lowercase();
    let mut best: Option<(&'a str, f64)> = None;
    for candidate in candidates {
        let candidate_lower = candidate.to_lowercase();
        if candidate_lower == lowered {
            return Some(candidate);
        }
        let similarity = strsim::jaro_winkler(&lowered, &candidate_lower);
        let distance = strsim::damerau_levenshtein(&lowered, &candidate_lower);
        let close = similarity >= 0.85 || (distance <= 2 && candidate.len() > 3);
        if close && best.is_none_or(|(_, s)| similarity > s) {
            best = Some((candidate, similarity));
        }
    }
    best.map(|(candidate, _)| candidate)
}

/// Formats a list of words as `` `a`, `b` or `c` ``.
pub fn one_of<'a>(words: impl IntoIterator<Item = &'a str>) -> String {
    let quoted: Vec<String> = words.into_iter().map(|w| format!("`{w}`")).collect();
    match quoted.as_slice() {
        [] => String::new(),
        [one] => one.clone(),
        [init @ .., last] => format!("{} or {last}", init.join(", ")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const KEYS: [&str; 5] = ["thresholds", "tags", "test_cases", "timeout", "samples"];

    #[test]
    fn suggests_the_nearest_key_for_typos() {
        assert_eq!(did_you_mean("treshold", KEYS), Some("thresholds"));
        assert_eq!(did_you_mean("tag", KEYS), Some("tags"));
        assert_eq!(did_you_mean("testcases", KEYS), Some("test_cases"));
        assert_eq!(did_you_mean("Samples", KEYS), Some("samples"));
        assert_eq!(did_you_mean("timout", KEYS), Some("timeout"));
    }

    #[test]
    fn stays_quiet_for_unrelated_words() {
        assert_eq!(did_you_mean("banana", KEYS), None);
        assert_eq!(did_you_mean("x", KEYS), None);
    }

    #[test]
    fn lists_words_readably() {
        assert_eq!(one_of(["a"]), "`a`");
        assert_eq!(one_of(["a", "b", "c"]), "`a`, `b` or `c`");
    }
}
