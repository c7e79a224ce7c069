//! YAML: parse with serde-saphyr (duplicate keys rejected, budgets against alias bombs and
//! deep nesting), then walk the parser's event stream to record where each value was written.

use std::sync::atomic::{AtomicBool, Ordering};

use serde_json::Value;
use serde_saphyr::granit_parser::{Event, Parser};

use super::diagnostic::Diagnostic;
use super::positions::{PathKey, Positions, Span};
use super::source::{Source, to_u32};
use super::{MAX_DEPTH, MAX_VALUES, thousands};

/// Alias replays are bounded so that a "billion laughs" file fails fast instead of
/// expanding into gigabytes.
const MAX_REPLAYED_EVENTS: usize = 100_000;

/// Parser events allowed for a cap on values: every value is one, and so is the end of every
/// mapping and list and every alias, so a file within the value cap has at most about twice
/// as many.
fn max_events(max_values: usize) -> usize {
    2 * max_values
}

fn options(max_values: usize) -> serde_saphyr::Options {
    let mut budget = serde_saphyr::Budget::default();
    budget.max_depth = MAX_DEPTH;
    budget.max_events = max_events(max_values);
    budget.max_aliases = 10_000;
    budget.max_anchors = 10_000;
    budget.max_nodes = max_values;
    budget.max_documents = 1;
    budget.max_total_scalar_bytes = 16 * 1024 * 1024;
    let mut options = serde_saphyr::Options::default();
    options.budget = Some(budget);
    options.duplicate_keys = serde_saphyr::DuplicateKeyPolicy::Error;
    // YAML 1.2 booleans only: a tag or fact written `y`, `no` or `on` stays text instead of
    // silently becoming `true`/`false` (the "Norway problem").
    options.strict_booleans = true;
    options.alias_limits.max_total_replayed_events = MAX_REPLAYED_EVENTS;
    options.alias_limits.max_replay_stack_depth = 16;
    options
}

/// Parses YAML into a JSON value and records the position of every key and value.
pub fn parse(source: &Source) -> Result<(Value, Positions), Box<Diagnostic>> {
    parse_within(source, MAX_VALUES)
}

/// `parse`, with a cap on the number of values (keys, scalars, mappings and lists).
fn parse_within(source: &Source, max_values: usize) -> Result<(Value, Positions), Box<Diagnostic>> {
    // The position walk is a second, linear pass over the text (aliases are not expanded
    // there); it runs beside the parse, which halves the wall time of a large file on a
    // machine with two cores. A parse that fails stops it: the error has its own position.
    let stop = AtomicBool::new(false);
    std::thread::scope(|scope| {
        let walk = scope.spawn(|| positions(source, &stop));
        let value: Result<Value, _> =
            serde_saphyr::from_str_with_options(&source.text, options(max_values));
        if value.is_err() {
            stop.store(true, Ordering::Relaxed);
        }
        // A walk that panicked leaves errors without positions, never a crash.
        let positions = walk.join().unwrap_or_default();
        let value = value.map_err(|err| Box::new(diagnostic_for(source, &err, max_values)))?;
        Ok((value, positions))
    })
}

fn diagnostic_for(source: &Source, err: &serde_saphyr::Error, max_values: usize) -> Diagnostic {
    let inner = err.without_snippet();
    let (line, column) = inner
        .location()
        .map(|l| (to_u32(l.line() as usize), to_u32(l.column() as usize)))
        .filter(|(line, _)| *line > 0)
        .unwrap_or((1, 1));
    let raw = inner.to_string();
    if let Some(diagnostic) = long_key(source, line, column, &raw) {
        return diagnostic;
    }
    let message = clean_message(&raw, max_values);
    // A duplicate key is underlined whole.
    let width = if raw.contains("duplicate") {
        source
            .line(line)
            .map(|text| {
                text.chars()
                    .skip(column.saturating_sub(1) as usize)
                    .take_while(|c| *c != ':')
                    .count()
            })
            .map_or(1, |n| to_u32(n.max(1)))
    } else {
        1
    };
    // A tab is pointed at where it is, not where the parser stopped before it.
    let (line, column) = match raw.to_lowercase().contains("tab") {
        true => source.tab_near(line, column).unwrap_or((line, column)),
        false => (line, column),
    };
    let mut diagnostic = Diagnostic::at(source, line, column.max(1), width, message);
    diagnostic.hint = Some(hint_for(&raw));
    diagnostic
}

/// YAML allows at most 1024 characters in a key written without `?`; the parser's own
/// message for a longer one ("simple key expected ':'") says nothing of length.
const MAX_PLAIN_KEY: usize = 1024;

fn long_key(source: &Source, line: u32, column: u32, raw: &str) -> Option<Diagnostic> {
    if !raw.to_lowercase().contains("simple key") {
        return None;
    }
    let text = source.line(line)?;
    let key: String = text
        .chars()
        .skip(column.saturating_sub(1) as usize)
        .take_while(|c| *c != ':')
        .collect();
    if key.chars().count() <= MAX_PLAIN_KEY {
        return None;
    }
    let mut diagnostic = Diagnostic::at(
        source,
        line,
        column.max(1),
        1,
        format!(
            "invalid YAML: this key is {} characters long; YAML allows at most {MAX_PLAIN_KEY} in a key",
            key.chars().count()
        ),
    );
    diagnostic.hint = Some(
        "suite and field names are short; if a long value became a key, check the indentation and the `:` on this line".into(),
    );
    Some(diagnostic)
}

/// Which parser budget was breached (`Nodes`, `Depth`, …), if that is the error.
fn budget_kind(raw: &str) -> Option<&str> {
    let breach = raw.split("budget breached:").nth(1)?.trim();
    breach.split([' ', '{']).next()
}

/// What a breached parser budget means, in the file's terms.
fn budget_message(raw: &str, max_values: usize) -> Option<String> {
    Some(match budget_kind(raw)? {
        "Documents" => "invalid YAML: the file holds more than one YAML document (a `---` line starts another); a suite file is a single document".to_owned(),
        "Depth" => format!("invalid YAML: the document nests deeper than {MAX_DEPTH} levels"),
        "Nodes" => format!("invalid YAML: the file has more than {} values; a suite file needs far fewer", thousands(max_values)),
        "Events" => format!("invalid YAML: the file has more than {} parser events; a suite file needs far fewer", thousands(max_events(max_values))),
        "Aliases" | "Anchors" | "AliasAnchorRatio" | "MergeKeys" => "invalid YAML: the file uses more anchors, aliases or merge keys than a suite file needs".to_owned(),
        "ScalarBytes" => "invalid YAML: the file's values add up to more than 16 MiB of text".to_owned(),
        _ => "invalid YAML: the file is larger or more repetitive than a suite file can be".to_owned(),
    })
}

/// Drops the location serde-saphyr appends (it is shown separately) and lowercases the
/// first letter so the message reads like the others.
fn clean_message(raw: &str, max_values: usize) -> String {
    let lower = raw.to_lowercase();
    if let Some(message) = budget_message(raw, max_values) {
        return message;
    }
    if lower.contains("depth") && lower.contains("budget") {
        return format!("invalid YAML: the document nests deeper than {MAX_DEPTH} levels");
    }
    if lower.contains("alias") && (lower.contains("replay") || lower.contains("expansion")) {
        return format!("invalid YAML: aliases expand to more than {MAX_REPLAYED_EVENTS} nodes");
    }
    if let Some(rest) = raw.strip_prefix("duplicate mapping key: ") {
        let key = rest
            .split(", set DuplicateKeyPolicy")
            .next()
            .unwrap_or(rest);
        let key = key.split(" at line ").next().unwrap_or(key).trim();
        return format!("invalid YAML: duplicate key `{key}`");
    }
    let first_line = raw.lines().next().unwrap_or(raw).trim();
    let without_location = match first_line.find(" at line ") {
        Some(i) => &first_line[..i],
        None => first_line,
    };
    let text = without_location.trim_end_matches([':', ',', ' ']);
    let mut chars = text.chars();
    let lowered = match chars.next() {
        Some(first) => first.to_lowercase().chain(chars).collect(),
        None => "invalid YAML".to_owned(),
    };
    format!("invalid YAML: {lowered}")
}

fn hint_for(raw: &str) -> String {
    let lower = raw.to_lowercase();
    if lower.contains("documents") && lower.contains("budget") {
        "remove the `---` line (and anything after it), or put the other suites in a file of their own".into()
    } else if matches!(budget_kind(raw), Some("Nodes" | "Events")) {
        "keys, values, mappings and list items count alike; split the suites over several files, or simplify what aliases repeat".into()
    } else if lower.contains("duplicate") {
        "each key may appear once per mapping; remove or rename the repeated key".into()
    } else if lower.contains("budget") || lower.contains("alias") || lower.contains("depth") {
        "the file nests or repeats (through aliases) far more than a suite file needs; simplify it"
            .into()
    } else if lower.contains("tab") {
        "YAML indentation uses spaces, not tabs".into()
    } else {
        "check the indentation and quoting around this position; quote values that contain `: ` or start with `{`, `[`, `*`, `&` or `!`".into()
    }
}

enum Frame {
    Mapping {
        path: PathKey,
        /// The path of the value to come, once its key was read.
        key: Option<PathKey>,
        /// Depth of a complex (non-scalar) key being skipped; serde already rejected such
        /// files, so this only keeps the walk consistent.
        skipping: usize,
    },
    Sequence {
        path: PathKey,
        index: usize,
    },
}

/// Walks the event stream and records spans. It runs beside the parse and stops as soon as
/// `stop` is set (the parse failed: its error carries its own position, and nothing else is
/// reported). A scanner error simply ends the walk with what was recorded.
fn positions(source: &Source, stop: &AtomicBool) -> Positions {
    let mut positions = Positions::default();
    let mut stack: Vec<Frame> = Vec::new();
    for (count, item) in Parser::new_from_str(&source.text).enumerate() {
        if count.is_multiple_of(1024) && stop.load(Ordering::Relaxed) {
            break;
        }
        let Ok((event, span)) = item else { break };
        let at = Span {
            line: to_u32(span.start.line()),
            column: to_u32(span.start.col() + 1),
            width: if span.end.line() == span.start.line() {
                to_u32(span.end.index().saturating_sub(span.start.index()).max(1))
            } else {
                1
            },
        };
        let opens = matches!(event, Event::MappingStart(..) | Event::SequenceStart(..));
        let closes = matches!(event, Event::MappingEnd | Event::SequenceEnd);
        let is_node = opens || matches!(event, Event::Scalar(..) | Event::Alias(..));

        // Inside a complex key: only track nesting until it closes.
        if let Some(Frame::Mapping { skipping, .. }) = stack.last_mut()
            && *skipping > 0
        {
            if opens {
                *skipping += 1;
            } else if closes {
                *skipping -= 1;
            }
            continue;
        }

        if closes {
            stack.pop();
            continue;
        }
        if !is_node {
            continue;
        }

        // Work out this node's path, or record it as a key.
        let path = match stack.last_mut() {
            None => PathKey::ROOT,
            Some(Frame::Sequence { path, index }) => {
                let p = path.index(*index);
                *index += 1;
                p
            }
            Some(Frame::Mapping {
                path,
                key,
                skipping,
            }) => match key.take() {
                Some(p) => p,
                None => {
                    if let Event::Scalar(text, ..) = &event {
                        let p = path.child(text);
                        positions.key_at(p, at);
                        *key = Some(p);
                    } else if opens {
                        *skipping = 1;
                    }
                    continue;
                }
            },
        };
        positions.value_at(path, at);
        match event {
            Event::MappingStart(..) => stack.push(Frame::Mapping {
                path,
                key: None,
                skipping: 0,
            }),
            Event::SequenceStart(..) => stack.push(Frame::Sequence { path, index: 0 }),
            _ => {}
        }
    }
    positions
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::load::positions::Anchor;

    fn parse_str(text: &str) -> Result<(Value, Positions), Box<Diagnostic>> {
        parse(&Source::new("t.yaml", text.to_owned()))
    }

    #[test]
    fn records_keys_and_values_of_nested_mappings_and_sequences() {
        let text = "version: 1\nsuites:\n  smoke:\n    tags: [a, b]\n    test_cases:\n      - id: x\n        persona: {name: n}\n";
        let (value, p) = parse_str(text).unwrap();
        assert_eq!(value["suites"]["smoke"]["tags"][1], "b");
        let at = |ptr, anchor| p.find(ptr, anchor).map(|s| (s.line, s.column));
        assert_eq!(at("/version", Anchor::Key), Some((1, 1)));
        assert_eq!(at("/version", Anchor::Value), Some((1, 10)));
        assert_eq!(at("/suites/smoke", Anchor::Key), Some((3, 3)));
        assert_eq!(at("/suites/smoke/tags/1", Anchor::Value), Some((4, 15)));
        assert_eq!(
            at("/suites/smoke/test_cases/0", Anchor::Value),
            Some((6, 9))
        );
        assert_eq!(
            at("/suites/smoke/test_cases/0/id", Anchor::Value),
            Some((6, 13))
        );
        assert_eq!(
            at("/suites/smoke/test_cases/0/persona/name", Anchor::Key),
            Some((7, 19))
        );
        assert_eq!(p.find("/suites/smoke", Anchor::Key).unwrap().width, 5);
    }

    #[test]
    fn only_yaml_1_2_spellings_are_booleans() {
        let (value, _) = parse_str("tags: [y, no, on, NO]\nflag: true\n").unwrap();
        assert_eq!(value["tags"], serde_json::json!(["y", "no", "on", "NO"]));
        assert_eq!(value["flag"], true);
    }

    #[test]
    fn rejects_duplicate_keys_with_their_position() {
        let err = parse_str("version: 1\nversion: 2\n").unwrap_err();
        assert_eq!(err.line, 2, "{err:?}");
        assert!(err.message.contains("duplicate"), "{}", err.message);
    }

    #[test]
    fn budget_breaches_and_long_keys_say_what_is_wrong() {
        let err = parse_str("version: 1\n---\n").unwrap_err();
        assert!(
            err.message.contains("more than one YAML document"),
            "{}",
            err.message
        );
        assert_eq!(err.line, 2);
        assert!(err.hint.as_deref().unwrap_or_default().contains("`---`"));
        let long = format!("version: 1\n{}: x\n", "k".repeat(1100));
        let err = parse_str(&long).unwrap_err();
        assert!(err.message.contains("1100 characters"), "{}", err.message);
        assert_eq!(err.line, 2);
    }

    #[test]
    fn a_file_over_the_value_cap_is_refused_where_it_crosses_it() {
        // The cap itself is checked on a real file by `tests/invalid_files.rs`; here a small
        // one shows what is counted and where the error points. The root mapping, `version`,
        // its value, `suites` and the mapping under it are five values; each suite below
        // adds six (its name, its mapping, `tags`, the list and two tags).
        let mut text = String::from("version: 1\nsuites:\n");
        for i in 0..10 {
            text.push_str(&format!("  s{i}:\n    tags: [a, b]\n"));
        }
        let source = Source::new("t.yaml", text);
        assert!(parse_within(&source, 65).is_ok());
        let err = parse_within(&source, 64).unwrap_err();
        assert_eq!(
            err.message,
            "invalid YAML: the file has more than 64 values; a suite file needs far fewer"
        );
        // The 65th value is the last tag, on the last line.
        assert_eq!((err.line, err.column), (22, 15), "{err:?}");
        assert!(
            err.hint
                .as_deref()
                .unwrap_or_default()
                .contains("split the suites"),
            "{err:?}"
        );
        assert_eq!(
            options(MAX_VALUES).budget.map(|b| b.max_nodes),
            Some(MAX_VALUES)
        );
    }

    #[test]
    fn stops_alias_bombs_and_deep_nesting() {
        let mut bomb = String::from("a: &a [x, x, x, x, x, x, x, x, x, x]\n");
        for level in 1..9 {
            let prev = (b'a' + level - 1) as char;
            let name = (b'a' + level) as char;
            bomb.push_str(&format!(
                "{name}: &{name} [*{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}]\n"
            ));
        }
        assert!(parse_str(&bomb).is_err());
        let deep = format!("{}1{}", "[".repeat(200), "]".repeat(200));
        assert!(parse_str(&deep).is_err());
    }
}
