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

    #[test]
    fn examples_with_hostile_fragments_spliced_in(at in 0usize..4000, pick in 0usize..14, times in 1usize..50) {
        const FRAGMENTS: &[&str] = &[
            "&a ", "*a", "<<: *a\n", "!!binary ", "!!python/object ", "{{ env.HAMMING_API_KEY }}",
            "{% for x in range(99999999) %}", "\0", "\u{feff}", "[[[[", "- - - -", "? ", "%YAML 1.1\n", "1e99999",
        ];
        let fragment = FRAGMENTS[pick % FRAGMENTS.len()].repeat(times);
        for (name, text) in [("e.yaml", EXAMPLE), ("e.toml", TOML_EXAMPLE)] {
            let mut spliced: Vec<char> = text.chars().collect();
            let index = at % (spliced.len() + 1);
            spliced.splice(index..index, fragment.chars());
            load_bytes(name, spliced.into_iter().collect::<String>().into_bytes());
        }
    }
}

/// Loads generated text and returns the rendered diagnostics, failing if it loaded or took
/// long: every hostile input is a clear error, quickly.
fn rejected(name: &str, bytes: Vec<u8>) -> String {
    let text = rejected_inner(name, bytes);
    eprintln!("=== {name}\n{}", text.chars().take(600).collect::<String>());
    text
}

fn rejected_inner(name: &str, bytes: Vec<u8>) -> String {
    let started = std::time::Instant::now();
    let text = match Source::from_bytes(Path::new(name), bytes) {
        Err(diagnostic) => diagnostic.render(false),
        Ok(source) => match load_source(&source, &LoadOptions::default()) {
            Ok(_) => panic!("{name} loaded"),
            Err(diagnostics) => diagnostics.render(false),
        },
    };
    assert!(
        started.elapsed() < std::time::Duration::from_secs(5),
        "{name} took {:?}",
        started.elapsed()
    );
    text
}

const HEAD: &str = "version: 1\ndefaults:\n  agent_id: agent-1\n  phone_numbers: [\"+14155550100\"]\nsuites:\n  s:\n    tags: [smoke]\n";

#[test]
fn hostile_suite_files_are_clear_errors() {
    // Deep nesting in block style (the corpus has the flow style).
    let mut deep = String::from("version: 1\nsuites:\n");
    for depth in 0..200 {
        deep.push_str(&format!("{}k{depth}:\n", "  ".repeat(depth + 1)));
    }
    let text = rejected("deep.yaml", deep.into_bytes());
    assert!(text.contains("nests deeper than"), "{text}");
    // A huge string, and a huge scalar count.
    let text = rejected(
        "huge-string.yaml",
        format!(
            "{HEAD}    description: \"{}\"\n    samples: 0\n",
            "x".repeat(2_000_000)
        )
        .into_bytes(),
    );
    assert!(text.contains("samples"), "{text}");
    // Huge numbers: beyond u64, beyond f64, and negative where a count is expected.
    for (value, field) in [
        ("99999999999999999999999999999999999999", "samples"),
        ("1e999", "non-finite float"),
        ("-1", "samples"),
    ] {
        let text = rejected(
            "huge-number.yaml",
            format!("{HEAD}    samples: {value}\n").into_bytes(),
        );
        assert!(text.contains(field), "{value}: {text}");
    }
    let text = rejected(
        "huge-threshold.yaml",
        format!("{HEAD}    thresholds: {{ min_test_pass_rate: 1e999 }}\n").into_bytes(),
    );
    assert!(text.contains("non-finite float"), "{text}");
    // A file above the size limit is refused before it is parsed.
    let text = rejected(
        "big.yaml",
        format!("{HEAD}# {}\n", "y".repeat(9 * 1024 * 1024)).into_bytes(),
    );
    assert!(text.contains("MiB"), "{text}");
    // A TOML file nested past any sane depth.
    let toml = format!(
        "version = 1\nsuites = {}{}\n",
        "[".repeat(5000),
        "]".repeat(5000)
    );
    let text = rejected("deep.toml", toml.into_bytes());
    assert!(text.contains("recursion depth"), "{text}");
    // Many aliases to one large anchor.
    let mut aliases = format!("version: 1\nbig: &big \"{}\"\nlist:\n", "z".repeat(100_000));
    for _ in 0..5000 {
        aliases.push_str("  - *big\n");
    }
    aliases.push_str("suites: {}\n");
    let text = rejected("aliases.yaml", aliases.into_bytes());
    assert!(text.contains("repeats (through aliases)"), "{text}");
    // NUL bytes and invalid UTF-8 inside an otherwise valid file.
    let mut nul = HEAD.as_bytes().to_vec();
    nul.extend_from_slice(b"    description: \"a\0b\"\n");
    let text = rejected("nul.yaml", nul);
    assert!(text.contains("NUL byte"), "{text}");
    let mut latin1 = HEAD.as_bytes().to_vec();
    latin1.extend_from_slice(b"    description: caf\xe9\n");
    let text = rejected("latin1.yaml", latin1);
    assert!(text.contains("UTF-8"), "{text}");
}
