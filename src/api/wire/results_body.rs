//! Reading a results body in one pass, typed, straight from the text the server sent.
//!
//! A results body of ten thousand calls runs to tens of megabytes, and a tree of JSON values
//! costs many times the text. So the body is never held as one: the calls are read one at a
//! time (see `lenient::vec_of`), and only the call being read exists as a JSON value, next to
//! the typed calls read so far.
//!
//! The rules are those of every response (see `wire`): unknown fields are ignored, missing
//! ones tolerated, a field of the wrong shape reads as absent, and a call that does not
//! parse (a number, a string) is skipped without stopping the rest; only text that is not JSON (or is nested
//! deeper than a JSON value may be) is an error. A body that is not an object reads as no results. A key sent twice counts once,
//! with its last value, as it does when a body is read as a JSON value.

use std::fmt;

use serde::de::{self, Deserialize, Deserializer, MapAccess, SeqAccess, Visitor};

use super::{CallResult, ResultsBody, Summary, lenient};

impl<'de> Deserialize<'de> for ResultsBody {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_any(BodyVisitor)
    }
}

impl ResultsBody {
    /// Reads a results body from its text, and sets aside the values no valid answer can
    /// hold (`without_impossible_values`). Only text that is not well-formed JSON is an
    /// error.
    pub fn read(text: &str) -> Result<Self, serde_json::Error> {
        serde_json::from_str::<Self>(text).map(Self::without_impossible_values)
    }

    /// The same reading of a body already held as a JSON value.
    pub fn read_value(value: &serde_json::Value) -> Self {
        // Read through a reference: cloning a body with transcripts whole first would hold
        // it twice. A value is well-formed JSON, so the reading cannot fail.
        Self::deserialize(value)
            .unwrap_or_default()
            .without_impossible_values()
    }
}

/// The top-level keys read; every other is skipped without being held.
enum Key {
    Summary,
    Results,
    Other,
}

impl<'de> Deserialize<'de> for Key {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct KeyVisitor;
        impl Visitor<'_> for KeyVisitor {
            type Value = Key;

            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a field name")
            }

            fn visit_str<E: de::Error>(self, key: &str) -> Result<Key, E> {
                Ok(match key {
                    "summary" => Key::Summary,
                    "results" => Key::Results,
                    _ => Key::Other,
                })
            }
        }
        d.deserialize_identifier(KeyVisitor)
    }
}

/// `summary`: an object, else absent.
struct SummaryField(Option<Summary>);

impl<'de> Deserialize<'de> for SummaryField {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        lenient::opt_object(d).map(SummaryField)
    }
}

/// `results`: a list, read a call at a time; anything else is no calls.
struct CallsField(Vec<CallResult>);

impl<'de> Deserialize<'de> for CallsField {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        lenient::vec_of(d).map(CallsField)
    }
}

struct BodyVisitor;

impl<'de> Visitor<'de> for BodyVisitor {
    type Value = ResultsBody;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a results body")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<ResultsBody, A::Error> {
        let mut body = ResultsBody::default();
        while let Some(key) = map.next_key::<Key>()? {
            match key {
                Key::Summary => body.summary = map.next_value::<SummaryField>()?.0,
                Key::Results => body.results = map.next_value::<CallsField>()?.0,
                // Read as a value and dropped: a field nested too deep is then the same error
                // it is when the body is read as a value, so both readings accept the same
                // bodies.
                Key::Other => drop(map.next_value::<serde_json::Value>()?),
            }
        }
        Ok(body)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<ResultsBody, A::Error> {
        lenient::skip_seq(seq).map(|()| ResultsBody::default())
    }

    fn visit_bool<E: de::Error>(self, _: bool) -> Result<ResultsBody, E> {
        Ok(ResultsBody::default())
    }

    fn visit_i64<E: de::Error>(self, _: i64) -> Result<ResultsBody, E> {
        Ok(ResultsBody::default())
    }

    fn visit_u64<E: de::Error>(self, _: u64) -> Result<ResultsBody, E> {
        Ok(ResultsBody::default())
    }

    fn visit_f64<E: de::Error>(self, _: f64) -> Result<ResultsBody, E> {
        Ok(ResultsBody::default())
    }

    fn visit_str<E: de::Error>(self, _: &str) -> Result<ResultsBody, E> {
        Ok(ResultsBody::default())
    }

    fn visit_unit<E: de::Error>(self) -> Result<ResultsBody, E> {
        Ok(ResultsBody::default())
    }
}
