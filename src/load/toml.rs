//! TOML: the same suite file in another syntax. The span-preserving document from the `toml`
//! crate gives every key's and value's byte range, which becomes the position index.

use serde_json::Value;
use toml::Spanned;
use toml::de::{DeTable, DeValue};

use super::diagnostic::Diagnostic;
use super::positions::{Positions, Span, child};
use super::source::Source;

/// Parses TOML into a JSON value and records positions; reports every syntax error the
/// parser recovers from, not only the first.
pub fn parse(source: &Source) -> Result<(Value, Positions), Vec<Diagnostic>> {
    let (document, errors) = DeTable::parse_recoverable(&source.text);
    if !errors.is_empty() {
        // The parser recovers and keeps going, but one mistake often yields a cascade of
        // errors on its line or repeated on the following lines; the first of each is the
        // one that explains it.
        let mut diagnostics: Vec<Diagnostic> = Vec::new();
        for error in &errors {
            let diagnostic = diagnostic_for(source, error);
            if !diagnostics
                .iter()
                .any(|d| d.line == diagnostic.line || d.message == diagnostic.message)
            {
                diagnostics.push(diagnostic);
            }
        }
        diagnostics.sort_by_key(|d| (d.line, d.column));
        return Err(diagnostics);
    }
    let value: Value =
        toml::from_str(&source.text).map_err(|e| vec![diagnostic_for(source, &e)])?;
    let mut positions = Positions::default();
    positions.set_value("", span_of(source, &document.span()));
    let mut not_finite = Vec::new();
    walk_table(
        source,
        document.get_ref(),
        "",
        &mut positions,
        &mut not_finite,
    );
    if !not_finite.is_empty() {
        return Err(not_finite);
    }
    Ok((value, positions))
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

fn walk_table(
    source: &Source,
    table: &DeTable<'_>,
    pointer: &str,
    positions: &mut Positions,
    not_finite_found: &mut Vec<Diagnostic>,
) {
    for (key, value) in table.iter() {
        let p = child(pointer, key.get_ref());
        positions.set_key(&p, span_of(source, &key.span()));
        walk_value(source, value, &p, positions, not_finite_found);
    }
}

fn walk_value(
    source: &Source,
    value: &Spanned<DeValue<'_>>,
    pointer: &str,
    positions: &mut Positions,
    not_finite_found: &mut Vec<Diagnostic>,
) {
    positions.set_value(pointer, span_of(source, &value.span()));
    match value.get_ref() {
        DeValue::Table(table) => walk_table(source, table, pointer, positions, not_finite_found),
        DeValue::Array(items) => {
            for (i, item) in items.iter().enumerate() {
                let p = child(pointer, &i.to_string());
                walk_value(source, item, &p, positions, not_finite_found);
            }
        }
        DeValue::Float(float) => {
            let text = float.as_str();
            if text.contains("nan") || text.contains("inf") {
                not_finite_found.push(not_finite(source, text, &value.span()));
            }
        }
        _ => {}
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
    fn reports_syntax_errors_with_positions() {
        let errors = parse(&Source::new("s.toml", "version = 1\nname = \n".into())).unwrap_err();
        assert_eq!(errors[0].line, 2, "{errors:?}");
        let errors = parse(&Source::new("s.toml", "a = 1\na = 2\n".into())).unwrap_err();
        assert!(errors[0].message.contains("duplicate"), "{errors:?}");
    }
}
