//! TOML: the same suite file in another syntax. The span-preserving document from the `toml`
//! crate gives every key's and value's byte range, which becomes the position index, and is
//! then deserialized into the value without parsing the text again.

use std::collections::HashSet;

use serde::Deserialize;
use serde_json::Value;
use toml::Spanned;
use toml::de::{DeTable, DeValue};

use super::diagnostic::Diagnostic;
use super::positions::{PathKey, Positions, Span};
use super::source::Source;
use super::{MAX_DEPTH, MAX_VALUES, thousands};

/// Parses TOML into a JSON value and records positions; reports every syntax error the
/// parser recovers from, not only the first. The text is parsed once: the positions are read
/// from the span-preserving document, which is then deserialized into the value.
pub fn parse(source: &Source) -> Result<(Value, Positions), Vec<Diagnostic>> {
    parse_within(source, MAX_VALUES)
}

/// `parse`, with a cap on the number of keys and values (tables, arrays and their items).
fn parse_within(source: &Source, max_values: usize) -> Result<(Value, Positions), Vec<Diagnostic>> {
    let (document, errors) = DeTable::parse_recoverable(&source.text);
    if !errors.is_empty() {
        // The parser recovers and keeps going, but one mistake often yields a cascade of
        // errors on its line or repeated on the following lines; the first of each is the
        // one that explains it.
        let mut lines = HashSet::new();
        let mut messages = HashSet::new();
        let mut diagnostics: Vec<Diagnostic> = Vec::new();
        for error in &errors {
            let diagnostic = diagnostic_for(source, error);
            let new_line = !lines.contains(&diagnostic.line);
            let new_message = !messages.contains(&diagnostic.message);
            if new_line && new_message {
                lines.insert(diagnostic.line);
                messages.insert(diagnostic.message.clone());
                diagnostics.push(diagnostic);
            }
        }
        diagnostics.sort_by_key(|d| (d.line, d.column));
        return Err(diagnostics);
    }
    let mut walk = Walk {
        source,
        positions: Positions::default(),
        not_finite: Vec::new(),
        values: 1,
        max_values,
    };
    walk.positions
        .value_at(PathKey::ROOT, span_of(source, &document.span()));
    walk.table(document.get_ref(), PathKey::ROOT, 1)
        .map_err(|d| vec![*d])?;
    if !walk.not_finite.is_empty() {
        return Err(walk.not_finite);
    }
    let value = Value::deserialize(toml::de::Deserializer::from(document))
        .map_err(|e| vec![diagnostic_for(source, &e)])?;
    Ok((value, walk.positions))
}

/// TOML has `nan` and `inf`; JSON (and so the schema and the model) has no such numbers,
/// and a threshold of `nan` would compare false with everything and never fail. They are
/// refused where they are written.
fn not_finite(source: &Source, text: &str, span: &std::ops::Range<usize>) -> Diagnostic {
    let at = span_of(source, span);
    let mut diagnostic = Diagnostic::at(
        source,
        at.line,
        at.column,
        at.width,
        format!("`{text}` is not a number a suite file can use"),
    );
    diagnostic.hint = Some(
        "TOML's `nan` and `inf` have no meaning here (a threshold of `nan` would never fail); write a finite number such as 0.9".into(),
    );
    diagnostic
}

fn diagnostic_for(source: &Source, err: &toml::de::Error) -> Diagnostic {
    let range = err.span().unwrap_or(0..0);
    let span = span_of(source, &range);
    let message = err.message().trim().trim_end_matches('.');
    let mut chars = message.chars();
    let lowered: String = match chars.next() {
        Some(first) => first.to_lowercase().chain(chars).collect(),
        None => "invalid TOML".into(),
    };
    let mut diagnostic = Diagnostic::at(
        source,
        span.line,
        span.column,
        span.width,
        format!("invalid TOML: {lowered}"),
    );
    diagnostic.hint = Some(if lowered.contains("duplicate") {
        "each key may appear once per table; remove or rename the repeated key".into()
    } else {
        "check the quoting and brackets around this position; strings need double quotes".into()
    });
    diagnostic
}

fn span_of(source: &Source, range: &std::ops::Range<usize>) -> Span {
    let (line, column) = source.line_col(range.start);
    let (end_line, end_column) = source.line_col(range.end);
    Span {
        line,
        column,
        width: if end_line == line {
            end_column.saturating_sub(column).max(1)
        } else {
            1
        },
    }
}

/// The walk over the parsed document: positions, `nan`/`inf` found, and a count of keys and
/// values, which stops the walk (and the load) once the file holds more than a suite file can.
struct Walk<'s> {
    source: &'s Source,
    positions: Positions,
    not_finite: Vec<Diagnostic>,
    /// Keys and values seen so far, the root table included.
    values: usize,
    max_values: usize,
}

impl Walk<'_> {
    fn refuse(
        &self,
        span: &std::ops::Range<usize>,
        message: String,
        hint: &str,
    ) -> Box<Diagnostic> {
        let at = span_of(self.source, span);
        let mut diagnostic = Diagnostic::at(self.source, at.line, at.column, at.width, message);
        diagnostic.hint = Some(hint.to_owned());
        Box::new(diagnostic)
    }

    fn count(&mut self, span: &std::ops::Range<usize>) -> Result<(), Box<Diagnostic>> {
        self.values += 1;
        if self.values <= self.max_values {
            return Ok(());
        }
        Err(self.refuse(
            span,
            format!(
                "invalid TOML: the file has more than {} values; a suite file needs far fewer",
                thousands(self.max_values)
            ),
            "keys, values, tables and array items count alike; split the suites over several files",
        ))
    }

    /// Walks a table at `depth` (the root table is at 1).
    fn table(
        &mut self,
        table: &DeTable<'_>,
        path: PathKey,
        depth: usize,
    ) -> Result<(), Box<Diagnostic>> {
        for (key, value) in table.iter() {
            self.count(&key.span())?;
            let p = path.child(key.get_ref());
            self.positions.key_at(p, span_of(self.source, &key.span()));
            self.value(value, p, depth + 1)?;
        }
        Ok(())
    }

    /// Walks a value; a table or an array is at `depth`.
    fn value(
        &mut self,
        value: &Spanned<DeValue<'_>>,
        path: PathKey,
        depth: usize,
    ) -> Result<(), Box<Diagnostic>> {
        self.count(&value.span())?;
        self.positions
            .value_at(path, span_of(self.source, &value.span()));
        let nests = matches!(value.get_ref(), DeValue::Table(_) | DeValue::Array(_));
        if nests && depth > MAX_DEPTH {
            return Err(self.refuse(
                &value.span(),
                format!("invalid TOML: the document nests deeper than {MAX_DEPTH} levels"),
                "the file nests far more than a suite file needs; simplify it",
            ));
        }
        match value.get_ref() {
            DeValue::Table(table) => self.table(table, path, depth)?,
            DeValue::Array(items) => {
                for (i, item) in items.iter().enumerate() {
                    self.value(item, path.index(i), depth + 1)?;
                }
            }
            DeValue::Float(float) => {
                let text = float.as_str();
                if text.contains("nan") || text.contains("inf") {
                    let found = not_finite(self.source, text, &value.span());
                    self.not_finite.push(found);
                }
            }
            _ => {}
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::load::positions::Anchor;

    #[test]
    fn records_positions_of_tables_keys_and_array_items() {
        let text = "version = 1\n\n[suites.smoke]\ntags = [\"a\", \"b\"]\n";
        let (value, p) = parse(&Source::new("s.toml", text.into())).unwrap();
        assert_eq!(value["suites"]["smoke"]["tags"][1], "b");
        let at = |ptr, anchor| p.find(ptr, anchor).map(|s| (s.line, s.column));
        assert_eq!(at("/version", Anchor::Value), Some((1, 11)));
        assert_eq!(at("/suites/smoke/tags", Anchor::Key), Some((4, 1)));
        assert_eq!(at("/suites/smoke/tags/1", Anchor::Value), Some((4, 14)));
    }

    #[test]
    fn keeps_the_order_suites_were_written_in() {
        let text = "version = 1\n[suites.zeta]\n[suites.alpha]\n";
        let (value, _) = parse(&Source::new("s.toml", text.into())).unwrap();
        let names: Vec<_> = value["suites"].as_object().unwrap().keys().collect();
        assert_eq!(names, ["zeta", "alpha"]);
    }

    #[test]
    fn refuses_nan_and_inf_where_they_are_written() {
        let text = "version = 1\n[suites.s.thresholds]\nmin_test_pass_rate = nan\nmin_assertion_score = -inf\n";
        let errors = parse(&Source::new("s.toml", text.into())).unwrap_err();
        let at: Vec<(u32, u32)> = errors.iter().map(|d| (d.line, d.column)).collect();
        assert_eq!(at, vec![(3, 22), (4, 23)], "{errors:?}");
        assert!(errors[0].message.contains("`nan`"), "{errors:?}");
        assert!(parse(&Source::new("s.toml", "a = 1.5\nb = 1e3\n".into())).is_ok());
    }

    #[test]
    fn a_file_over_the_value_cap_is_refused_where_it_crosses_it() {
        // The root table, `version` and its value are three; each suite adds its name under
        // `suites` (one key and one table, and `suites` itself once), `tags`, the array and
        // two items.
        let mut text = String::from("version = 1\n");
        for i in 0..10 {
            text.push_str(&format!("[suites.s{i}]\ntags = [\"a\", \"b\"]\n"));
        }
        let source = Source::new("s.toml", text);
        assert!(parse_within(&source, 65).is_ok());
        let errors = parse_within(&source, 64).unwrap_err();
        assert_eq!(errors.len(), 1, "{errors:?}");
        assert_eq!(
            errors[0].message,
            "invalid TOML: the file has more than 64 values; a suite file needs far fewer"
        );
        assert_eq!((errors[0].line, errors[0].column), (21, 14), "{errors:?}");
    }

    #[test]
    fn nesting_is_capped_as_in_yaml() {
        // The root table is the first level, `x`'s array the second.
        let nested = |levels: usize| {
            let arrays = levels - 1;
            format!("x = {}1{}\n", "[".repeat(arrays), "]".repeat(arrays))
        };
        assert!(parse(&Source::new("s.toml", nested(MAX_DEPTH))).is_ok());
        let errors = parse(&Source::new("s.toml", nested(MAX_DEPTH + 1))).unwrap_err();
        assert_eq!(
            errors[0].message,
            format!("invalid TOML: the document nests deeper than {MAX_DEPTH} levels")
        );
        assert_eq!(
            (errors[0].line, errors[0].column),
            (1, 4 + MAX_DEPTH as u32)
        );
        let tables = format!("[{}]\n", vec!["t"; MAX_DEPTH].join("."));
        assert!(parse(&Source::new("s.toml", tables)).is_err());
    }

    #[test]
    fn reports_syntax_errors_with_positions() {
        let errors = parse(&Source::new("s.toml", "version = 1\nname = \n".into())).unwrap_err();
        assert_eq!(errors[0].line, 2, "{errors:?}");
        let errors = parse(&Source::new("s.toml", "a = 1\na = 2\n".into())).unwrap_err();
        assert!(errors[0].message.contains("duplicate"), "{errors:?}");
    }
}
