//! The loader must turn any input into diagnostics, never a panic: random bytes, and the
//! shipped examples cut short or with a character changed.

use std::path::Path;

use hamming_runner::load::{LoadOptions, Source, load_source};
use proptest::prelude::*;

fn load_bytes(name: &str, bytes: Vec<u8>) {
    if let Ok(source) = Source::from_bytes(Path::new(name), bytes)
        && let Err(diagnostics) = load_source(&source, &LoadOptions::default())
    {
        assert!(!diagnostics.is_empty());
        let text = diagnostics.render(false);
        assert!(text.ends_with("nothing was run\n"));
    }
}

const EXAMPLE: &str = include_str!("../examples/nightly-regression.yaml");
const TOML_EXAMPLE: &str = include_str!("../examples/suites.toml");

proptest! {
    #![proptest_config(ProptestConfig { cases: 200, ..ProptestConfig::default() })]

    #[test]
    fn random_bytes(bytes in proptest::collection::vec(any::<u8>(), 0..400)) {
        load_bytes("random.yaml", bytes.clone());
        load_bytes("random.toml", bytes);
    }

    #[test]
    fn examples_cut_short_or_mutated(cut in 0usize..2000, at in 0usize..2000, c in any::<char>()) {
        for (name, text) in [("e.yaml", EXAMPLE), ("e.toml", TOML_EXAMPLE)] {
            let chars: Vec<char> = text.chars().collect();
            let truncated: String = chars.iter().take(cut % (chars.len() + 1)).collect();
            load_bytes(name, truncated.into_bytes());
            let mut mutated = chars.clone();
            let index = at % chars.len();
            mutated[index] = c;
            load_bytes(name, mutated.into_iter().collect::<String>().into_bytes());
        }
    }
}
