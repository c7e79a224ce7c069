//! Where each value of the parsed document was written: JSON pointer → line and column of its
//! key and of its value, so that a problem found on the `serde_json::Value` (by the schema or
//! by the semantic rules) points back at the file.
//!
//! The index is built for every node of every file, so it stores no pointer text: each node
//! is known by a 64-bit hash of its path, extended segment by segment while the parser walks
//! the document ([`PathKey`]). A pointer looked up later is hashed the same way, so lookups
//! need no allocation either.

use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};

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
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Anchor {
    /// The key (an unknown key, a duplicate name).
    Key,
    /// The value (a wrong type, an out-of-range number); the key when the value is missing.
    Value,
}

/// A node's path in the document, as a hash of its unescaped segments: the root's key, then
/// each child's from its parent's and its own segment (a mapping key, or a sequence index in
/// decimal). Two paths share a key only by a 64-bit hash collision.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct PathKey(u64);

impl PathKey {
    /// The document itself (the pointer `""`).
    pub const ROOT: PathKey = PathKey(0x6a09_e667_f3bc_c908);

    /// The child under a mapping key (unescaped, as written in the file).
    pub fn child(self, segment: &str) -> PathKey {
        self.child_bytes(segment.as_bytes())
    }

    /// The child at a sequence index.
    pub fn index(self, index: usize) -> PathKey {
        let mut digits = [0u8; 20];
        let mut at = digits.len();
        let mut rest = index;
        loop {
            at -= 1;
            digits[at] = b'0' + (rest % 10) as u8;
            rest /= 10;
            if rest == 0 {
                break;
            }
        }
        self.child_bytes(&digits[at..])
    }

    fn child_bytes(self, segment: &[u8]) -> PathKey {
        // SipHash with fixed keys: the same for the whole run, and well spread over similar
        // names (`suite-000001`, `suite-000002`, …).
        let mut hasher = std::collections::hash_map::DefaultHasher::new();
        hasher.write_u64(self.0);
        hasher.write(segment);
        hasher.write_u8(0xff);
        PathKey(hasher.finish())
    }

    /// The keys of a JSON pointer's segments, from the root's child down; `None` for text
    /// that is not a pointer (it does not start with `/`).
    fn walk(pointer: &str) -> Option<impl Iterator<Item = PathKey> + '_> {
        let rest = match pointer {
            "" => None,
            _ => Some(pointer.strip_prefix('/')?),
        };
        Some(rest.into_iter().flat_map(|rest| rest.split('/')).scan(
            PathKey::ROOT,
            |current, segment| {
                *current = if segment.contains('~') {
                    current.child(&segment.replace("~1", "/").replace("~0", "~"))
                } else {
                    current.child(segment)
                };
                Some(*current)
            },
        ))
    }

    /// The key of a JSON pointer; `None` for text that is not one.
    pub fn of(pointer: &str) -> Option<PathKey> {
        Some(Self::walk(pointer)?.last().unwrap_or(PathKey::ROOT))
    }
}

/// The keys are hashes already: the map uses them as they are.
#[derive(Debug, Default)]
struct Identity(u64);

impl Hasher for Identity {
    fn finish(&self) -> u64 {
        self.0
    }

    fn write(&mut self, bytes: &[u8]) {
        // Only `write_u64` is used by `PathKey`'s derived `Hash`; fold anything else in.
        for byte in bytes {
            self.0 = self.0.rotate_left(8) ^ u64::from(*byte);
        }
    }

    fn write_u64(&mut self, n: u64) {
        self.0 = n;
    }
}

/// JSON pointer → spans, built while parsing.
#[derive(Debug, Clone, Default)]
pub struct Positions {
    entries: HashMap<PathKey, Entry, BuildHasherDefault<Identity>>,
}

impl Positions {
    /// Records where a node's key was written.
    pub fn key_at(&mut self, path: PathKey, span: Span) {
        self.entries.entry(path).or_default().key = Some(span);
    }

    /// Records where a node's value was written.
    pub fn value_at(&mut self, path: PathKey, span: Span) {
        self.entries.entry(path).or_default().value = Some(span);
    }

    pub fn set_key(&mut self, pointer: &str, span: Span) {
        if let Some(path) = PathKey::of(pointer) {
            self.key_at(path, span);
        }
    }

    pub fn set_value(&mut self, pointer: &str, span: Span) {
        if let Some(path) = PathKey::of(pointer) {
            self.value_at(path, span);
        }
    }

    /// The span for a pointer. When the pointer itself is unknown (a value that came from an
    /// alias or a merge key, or a key that does not exist), the nearest written ancestor is
    /// used, so every problem gets a position.
    pub fn find(&self, pointer: &str, anchor: Anchor) -> Option<Span> {
        let mut path = vec![PathKey::ROOT];
        if let Some(keys) = PathKey::walk(pointer) {
            path.extend(keys);
        }
        self.find_path(&path, anchor)
    }

    /// The span for the last of `path` (a node's key and those of its ancestors, from the
    /// root down), or for the nearest ancestor written in the file, as `find` does.
    pub fn find_path(&self, path: &[PathKey], anchor: Anchor) -> Option<Span> {
        path.iter().rev().find_map(|key| {
            let entry = self.entries.get(key)?;
            match anchor {
                Anchor::Key => entry.key.or(entry.value),
                Anchor::Value => entry.value.or(entry.key),
            }
        })
    }

    /// The span of a node's key (or its value, when it has no key), without falling back to
    /// an ancestor.
    pub fn span_of(&self, path: PathKey) -> Option<Span> {
        let entry = self.entries.get(&path)?;
        entry.key.or(entry.value)
    }

    /// The line of a pointer's key (or value), when it was written in the file.
    pub fn line_of(&self, pointer: &str) -> Option<u32> {
        self.span_of(PathKey::of(pointer)?).map(|s| s.line)
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

    #[test]
    fn path_keys_built_while_walking_match_the_pointers_looked_up_later() {
        let walked = PathKey::ROOT
            .child("suites")
            .child("a/b~c")
            .child("test_cases");
        assert_eq!(PathKey::of("/suites/a~1b~0c/test_cases"), Some(walked));
        assert_eq!(
            PathKey::of("/x/~01"),
            Some(PathKey::ROOT.child("x").child("~1"))
        );
        assert_eq!(
            PathKey::of("/cases/0/ids/12"),
            Some(PathKey::ROOT.child("cases").index(0).child("ids").index(12))
        );
        assert_eq!(PathKey::of(""), Some(PathKey::ROOT));
        assert_eq!(PathKey::of("no-slash"), None);
        // Siblings, cousins and a key that is a prefix of another all differ.
        let keys = [
            PathKey::ROOT.child("ab"),
            PathKey::ROOT.child("a").child("b"),
            PathKey::ROOT.child("a").index(1),
            PathKey::ROOT.child("a").child("1"),
            PathKey::ROOT.child("a").index(10),
            PathKey::ROOT.child(""),
            PathKey::ROOT,
        ];
        let distinct: std::collections::HashSet<_> = keys.iter().collect();
        assert_eq!(
            distinct.len(),
            keys.len() - 1,
            "an index and its digits are one segment"
        );
    }

    #[test]
    fn many_similar_paths_are_told_apart() {
        let mut p = Positions::default();
        for i in 0..50_000u32 {
            let suite = PathKey::ROOT
                .child("suites")
                .child(&format!("suite-{i:06}"));
            p.key_at(suite, span(i + 1, 3));
            p.value_at(suite.child("tags").index(0), span(i + 1, 10));
        }
        assert_eq!(p.len(), 100_000);
        assert_eq!(
            p.find("/suites/suite-012345", Anchor::Key),
            Some(span(12_346, 3))
        );
        assert_eq!(p.line_of("/suites/suite-049999/tags/0"), Some(50_000));
        assert_eq!(
            p.find("/suites/suite-000007/tags/3", Anchor::Value),
            Some(span(8, 3))
        );
    }
}
