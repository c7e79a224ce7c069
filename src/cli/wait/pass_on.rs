//! The results JSON `wait --output` passes on: the body the server sent, with every string
//! and key redacted of secrets, indented. It is written while it is read, so a body of tens
//! of megabytes is never held as a tree of JSON values. Keys keep the order and the number of
//! times the server sent them.

use std::io::{self, Write};

use serde::de::{self, DeserializeSeed, Deserializer, MapAccess, SeqAccess, Visitor};
use serde_json::ser::{Formatter, PrettyFormatter};

use crate::untrusted::redact;

/// Writes `text`, a JSON document, indented and redacted, with a final line break.
pub fn write_redacted(text: &str, out: &mut dyn Write) -> io::Result<()> {
    let mut formatter = PrettyFormatter::new();
    let mut failed = None;
    let mut input = serde_json::Deserializer::from_str(text);
    let copied = Copy {
        out: &mut *out,
        formatter: &mut formatter,
        failed: &mut failed,
    }
    .deserialize(&mut input)
    .and_then(|()| input.end());
    match (copied, failed) {
        (_, Some(write_error)) => Err(write_error),
        (Err(e), None) => Err(io::Error::new(io::ErrorKind::InvalidData, e)),
        (Ok(()), None) => writeln!(out),
    }
}

/// Copies one JSON value from the input to `out`.
struct Copy<'a> {
    out: &'a mut dyn Write,
    formatter: &'a mut PrettyFormatter<'static>,
    /// The first write error, kept whole (a closed pipe stays a closed pipe).
    failed: &'a mut Option<io::Error>,
}

impl Copy<'_> {
    fn nested(&mut self) -> Copy<'_> {
        Copy {
            out: &mut *self.out,
            formatter: &mut *self.formatter,
            failed: &mut *self.failed,
        }
    }

    /// A write's result, its error kept and turned into the input's error type.
    fn wrote<E: de::Error>(&mut self, result: io::Result<()>) -> Result<(), E> {
        result.map_err(|e| {
            let message = e.to_string();
            self.failed.get_or_insert(e);
            E::custom(message)
        })
    }

    fn string<E: de::Error>(&mut self, text: &str) -> Result<(), E> {
        let clean = redact::redact(text);
        let result = serde_json::to_writer(&mut *self.out, clean.as_ref()).map_err(io::Error::from);
        self.wrote(result)
    }
}

impl<'de> DeserializeSeed<'de> for Copy<'_> {
    type Value = ();

    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for Copy<'_> {
    type Value = ();

    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str("any JSON value")
    }

    fn visit_unit<E: de::Error>(mut self) -> Result<(), E> {
        let result = self.formatter.write_null(&mut *self.out);
        self.wrote(result)
    }

    fn visit_bool<E: de::Error>(mut self, v: bool) -> Result<(), E> {
        let result = self.formatter.write_bool(&mut *self.out, v);
        self.wrote(result)
    }

    fn visit_i64<E: de::Error>(mut self, v: i64) -> Result<(), E> {
        let result = self.formatter.write_i64(&mut *self.out, v);
        self.wrote(result)
    }

    fn visit_u64<E: de::Error>(mut self, v: u64) -> Result<(), E> {
        let result = self.formatter.write_u64(&mut *self.out, v);
        self.wrote(result)
    }

    fn visit_f64<E: de::Error>(mut self, v: f64) -> Result<(), E> {
        // JSON text holds only finite numbers; the check keeps the output JSON regardless.
        let result = if v.is_finite() {
            self.formatter.write_f64(&mut *self.out, v)
        } else {
            self.formatter.write_null(&mut *self.out)
        };
        self.wrote(result)
    }

    fn visit_str<E: de::Error>(mut self, v: &str) -> Result<(), E> {
        self.string(v)
    }

    fn visit_seq<A: SeqAccess<'de>>(mut self, mut seq: A) -> Result<(), A::Error> {
        let result = self.formatter.begin_array(&mut *self.out);
        self.wrote(result)?;
        let mut first = true;
        while let Some(()) = seq.next_element_seed(After {
            copy: self.nested(),
            separator: Separator::Item { first },
        })? {
            let result = self.formatter.end_array_value(&mut *self.out);
            self.wrote(result)?;
            first = false;
        }
        let result = self.formatter.end_array(&mut *self.out);
        self.wrote(result)
    }

    fn visit_map<A: MapAccess<'de>>(mut self, mut map: A) -> Result<(), A::Error> {
        let result = self.formatter.begin_object(&mut *self.out);
        self.wrote(result)?;
        let mut first = true;
        while let Some(()) = map.next_key_seed(After {
            copy: self.nested(),
            separator: Separator::Key { first },
        })? {
            let result = self.formatter.end_object_key(&mut *self.out);
            self.wrote(result)?;
            let result = self.formatter.begin_object_value(&mut *self.out);
            self.wrote(result)?;
            map.next_value_seed(self.nested())?;
            let result = self.formatter.end_object_value(&mut *self.out);
            self.wrote(result)?;
            first = false;
        }
        let result = self.formatter.end_object(&mut *self.out);
        self.wrote(result)
    }
}

/// What comes before an item of a list or a key of an object.
enum Separator {
    Item { first: bool },
    Key { first: bool },
}

/// An item or a key, copied after its separator: the separator is written only once the
/// input has shown that an item or key follows.
struct After<'a> {
    copy: Copy<'a>,
    separator: Separator,
}

impl<'de> DeserializeSeed<'de> for After<'_> {
    type Value = ();

    fn deserialize<D: Deserializer<'de>>(mut self, d: D) -> Result<(), D::Error> {
        let copy = &mut self.copy;
        let result = match self.separator {
            Separator::Item { first } => copy.formatter.begin_array_value(&mut *copy.out, first),
            Separator::Key { first } => copy.formatter.begin_object_key(&mut *copy.out, first),
        };
        copy.wrote(result)?;
        d.deserialize_any(self.copy)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::{Value, json};

    fn passed_on(text: &str) -> String {
        let mut out = Vec::new();
        write_redacted(text, &mut out).unwrap();
        String::from_utf8(out).unwrap()
    }

    /// What writing the body as a value writes (the way it was written before).
    fn as_value(text: &str) -> String {
        let value: Value = serde_json::from_str(text).unwrap();
        let mut out = serde_json::to_string_pretty(&value).unwrap();
        out.push('\n');
        out
    }

    #[test]
    fn the_body_is_written_as_writing_it_as_a_value_would() {
        for text in [
            r#"{"summary":{"id":"r1","stats":{},"metrics":{"a":1.5,"b":-2,"c":18446744073709551615}},"results":[]}"#,
            r#"{"results":[{"id":"x","transcript":{"messages":[{"role":"user","content":"hé \"quoted\" \u0001 \n"}]},"n":null,"t":true,"f":false,"e":1e-7,"big":1.7976931348623157e308}],"empty":{},"list":[[],{},[1,[2,[3]]]]}"#,
            "[]",
            "{}",
            "null",
            "  \"text\"  ",
            "-0.0",
            "12",
        ] {
            assert_eq!(passed_on(text), as_value(text), "{text}");
        }
        let generated = json!({ "results": (0..50).map(|i| json!({ "id": i, "x": [i, { "y": i }] })).collect::<Vec<_>>() });
        let text = generated.to_string();
        assert_eq!(passed_on(&text), as_value(&text));
    }

    #[test]
    fn every_string_and_key_is_redacted() {
        redact::register("sk-pass-on-0123456789abcdef");
        let out = passed_on(
            r#"{"message":"key sk-pass-on-0123456789abcdef","sk-pass-on-0123456789abcdef":[1,"x"],"auth":"Bearer abc.def","escaped":"\u0073k-pass-on-0123456789abcdef"}"#,
        );
        assert!(!out.contains("sk-pass-on"), "{out}");
        assert!(!out.contains("abc.def"), "{out}");
        let value: Value = serde_json::from_str(&out).unwrap();
        assert_eq!(value["message"], "key <redacted>");
        assert_eq!(value["<redacted>"], json!([1, "x"]));
        assert_eq!(value["escaped"], "<redacted>");
    }

    #[test]
    fn text_that_is_not_json_is_an_error_and_a_write_error_is_kept() {
        let mut out = Vec::new();
        let err = write_redacted(r#"{"a": [1, 2"#, &mut out).unwrap_err();
        assert_eq!(err.kind(), io::ErrorKind::InvalidData);
        let err = write_redacted("{} x", &mut Vec::new()).unwrap_err();
        assert_eq!(err.kind(), io::ErrorKind::InvalidData);

        struct Closed;
        impl Write for Closed {
            fn write(&mut self, _: &[u8]) -> io::Result<usize> {
                Err(io::Error::new(io::ErrorKind::BrokenPipe, "closed"))
            }
            fn flush(&mut self) -> io::Result<()> {
                Ok(())
            }
        }
        let err = write_redacted(r#"{"results":[1,2,3]}"#, &mut Closed).unwrap_err();
        assert_eq!(err.kind(), io::ErrorKind::BrokenPipe);
    }
}
