//! Values written into Markdown so that they render as the text they are: one printable
//! line, cut to a length, with every character that HTML or Markdown would read as syntax
//! escaped; names as inline code; links for `http:` and `https:` addresses only.

use crate::untrusted::one_line;

/// The longest text put in one table cell or list item before it is cut.
const MAX_TEXT: usize = 500;

/// Plain text on one line, cut to `MAX_TEXT` characters: printable, and with every
/// character that HTML or Markdown would read as inline syntax escaped.
pub(crate) fn text(value: &str) -> String {
    escape(&shortened(value), false)
}

/// `text` for the runner's own messages, which mark names as `code`: each balanced pair of
/// backticks becomes an inline code span (its content shown as written, never read as
/// Markdown or HTML), everything between is escaped like `text`.
pub(crate) fn prose(value: &str) -> String {
    let short = shortened(value);
    let parts: Vec<&str> = short.split('`').collect();
    if parts.len().is_multiple_of(2) {
        return escape(&short, false);
    }
    parts
        .iter()
        .enumerate()
        .map(|(i, part)| {
            if i % 2 == 1 {
                code(part)
            } else {
                escape(part, false)
            }
        })
        .collect()
}

/// `text` for a line of its own, where a leading `#`, `>` or `-` would start a block.
pub(crate) fn paragraph(value: &str) -> String {
    escape(&shortened(value), true)
}

fn shortened(value: &str) -> String {
    let printable = one_line(value);
    let one_line = printable.split_whitespace().collect::<Vec<_>>().join(" ");
    match one_line.char_indices().nth(MAX_TEXT) {
        Some((cut, _)) => format!("{}…", &one_line[..cut]),
        None => one_line,
    }
}

/// Escapes HTML and Markdown syntax: `<` and `&` (no tag or entity can start), the
/// characters of links, code, emphasis and table cells, and the block markers that only
/// count at the start of a line. An `_` inside a word stays as it is (GitHub reads it as
/// text there), so `min_test_pass_rate` reads as written.
fn escape(value: &str, line_start: bool) -> String {
    let chars: Vec<char> = value.chars().collect();
    let mut out = String::with_capacity(value.len() + 8);
    for (i, &c) in chars.iter().enumerate() {
        let inside_word = i > 0
            && chars[i - 1].is_alphanumeric()
            && chars.get(i + 1).is_some_and(|n| n.is_alphanumeric());
        match c {
            '<' => out.push_str("&lt;"),
            '&' => out.push_str("&amp;"),
            '_' if inside_word => out.push(c),
            '\\' | '`' | '*' | '_' | '~' | '[' | ']' | '|' => {
                out.push('\\');
                out.push(c);
            }
            '#' | '>' | '-' | '+' | '=' if i == 0 && line_start => {
                out.push('\\');
                out.push(c);
            }
            c => out.push(c),
        }
    }
    out
}

/// Text safe inside a table cell: `text` escapes every pipe already.
pub(crate) fn cell(value: &str) -> String {
    text(value)
}

/// A name as inline code: printable, one line; a value that holds a backtick (which would
/// end the span early) is written as escaped text instead. Pipes are escaped even in code,
/// as GitHub's tables require.
pub(crate) fn code(value: &str) -> String {
    let printable = one_line(value);
    let one_line = printable.split_whitespace().collect::<Vec<_>>().join(" ");
    if one_line.is_empty() || one_line.contains('`') || one_line.chars().count() > MAX_TEXT {
        return text(value);
    }
    format!("`{}`", one_line.replace('|', "\\|"))
}

/// A Markdown link, for `http:` and `https:` addresses only; characters that would end the
/// link early are percent-encoded.
pub(crate) fn link(label: &str, url: &str) -> Option<String> {
    let lower = url.trim().to_ascii_lowercase();
    if !(lower.starts_with("https://") || lower.starts_with("http://")) {
        return None;
    }
    let mut target = String::with_capacity(url.len());
    for c in url.trim().chars() {
        match c {
            '(' => target.push_str("%28"),
            ')' => target.push_str("%29"),
            '<' => target.push_str("%3C"),
            '>' => target.push_str("%3E"),
            '|' => target.push_str("%7C"),
            c if c.is_whitespace() || c.is_control() => return None,
            c => target.push(c),
        }
    }
    Some(format!("[{label}]({target})"))
}
