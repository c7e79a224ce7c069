//! Where each value of the parsed document was written: JSON pointer → line and column of its
//! key and of its value, so that a problem found on the `serde_json::Value` (by the schema or
//! by the semantic rules) points back at the file.

use std::collections::HashMap;

/// A span in the source: 1-based line and column, and how many characters it covers on that
/// line.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Span {
    pub line: u32,
    pub column: u32,
    pub width: u32,
}

/// The key and value spans of one node.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
struct Entry {
    key: Option<Span>,
    value: Option<Span>,
}

/// Which part of a node a problem should point at.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Anchor {
    /// The key (an unknown key, a duplicate name).
    Key,
    /// The value (a wrong type, an out-of-range number); the key when the value is missing.
    Value,
}

/// JSON pointer → spans, built while parsing.
#[derive(Debug, Clone, Default)]
pub struct Positions {
    entries: HashMap<String, Entry>,
}

impl Positions {
    pub fn set_key(&mut self, pointer: &str, span: Span) {
        self.entries.entry(pointer.to_owned()).or_default().key = Some(span);
    }

    pub fn set_value(&mut self, pointer: &str, span: Span) {
        self.entries.entry(pointer.to_owned()).or_default().value = Some(span);
    }

    /// The span for a pointer. When the pointer itself is unknown (a value that came from an
    /// alias or a merge key, or a key that does not exist), the nearest written ancestor is
    /// used, so every problem gets a position.
    pub fn find(&self, pointer: &str, anchor: Anchor) -> Option<Span> {
        let mut current = pointer;
        loop {
            if let Some(entry) = self.entries.get(current) {
                let preferred = match anchor {
                    Anchor::Key => entry.key.or(entry.value),
                    Anchor::Value => entry.value.or(entry.key),
                };
                if preferred.is_some() {
                    return preferred;
                }
            }
            if current.is_empty() {
                return None;
            }
            current = match current.rfind('/') {
                Some(i) => &current[..i],
                None => "",
            };
        }
    }

    /// The line of a pointer's key (or value), when it was written in the file.
    pub fn line_of(&self, pointer: &str) -> Option<u32> {
        let entry = self.entries.get(pointer)?;
        entry.key.or(entry.value).map(|s| s.line)
    }

    pub fn len(&self) -> usize {
        self.entries.len()
    }

    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }
}

/// Appends an escaped key or index to a JSON pointer (RFC 6901).
pub fn child(pointer: &str, key: &str) -> String {
    format!("{pointer}/{}", crate::suite::resolve::escape_pointer(key))
}

/// Splits a JSON pointer into unescaped segments.
pub fn segments(pointer: &str) -> Vec<String> {
    pointer
        .split('/')
        .skip(1)
        .map(|s| s.replace("~1", "/").replace("~0", "~"))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn span(line: u32, column: u32) -> Span {
        Span {
            line,
            column,
            width: 1,
        }
    }

    #[test]
    fn finds_key_or_value_and_falls_back_to_the_nearest_ancestor() {
        let mut p = Positions::default();
        p.set_value("", span(1, 1));
        p.set_key("/suites", span(2, 1));
        p.set_value("/suites", span(3, 3));
        p.set_key("/suites/a~1b", span(3, 3));
        p.set_value("/suites/a~1b", span(4, 5));
        assert_eq!(p.find("/suites/a~1b", Anchor::Key), Some(span(3, 3)));
        assert_eq!(p.find("/suites/a~1b", Anchor::Value), Some(span(4, 5)));
        assert_eq!(
            p.find("/suites/a~1b/tags/0", Anchor::Value),
            Some(span(4, 5))
        );
        assert_eq!(p.find("/nowhere", Anchor::Key), Some(span(1, 1)));
        assert_eq!(Positions::default().find("/x", Anchor::Key), None);
    }

    #[test]
    fn escapes_and_splits_pointers() {
        assert_eq!(child("/suites", "a/b~c"), "/suites/a~1b~0c");
        assert_eq!(segments("/suites/a~1b~0c/0"), vec!["suites", "a/b~c", "0"]);
        assert!(segments("").is_empty());
    }
}
