//! Untrusted text made safe for a terminal and for a CI log.
//!
//! A server string printed raw can recolour or rewrite the terminal (ESC, OSC, BEL), reorder
//! what a reader sees (bidi overrides), or, in a GitHub Actions log, run workflow commands: a
//! line that starts with `::` (after leading spaces) or that holds `##[` anywhere is read by
//! the runner as a command. So every untrusted value is printed through `one_line`:
//!
//! - line breaks and tabs become spaces, so a value can never start a line of its own;
//! - every other control character (C0, DEL, C1) and every bidi control is shown as an
//!   escape such as `\u{1b}` or `\u{202e}`;
//! - a leading `::` is printed `: :` and `##[` is printed `# #[`, so no command can start in
//!   a value even where the value begins the line.

use std::borrow::Cow;

/// Characters that end a line, move the cursor, recolour the terminal or reorder text.
fn is_hazard(c: char) -> bool {
    c.is_control()
        || matches!(
            c,
            '\u{061C}'
                | '\u{200E}'
                | '\u{200F}'
                | '\u{2028}'
                | '\u{2029}'
                | '\u{202A}'..='\u{202E}'
                | '\u{2066}'..='\u{2069}'
        )
}

fn needs_work(text: &str) -> bool {
    text.chars().any(is_hazard) || text.contains("##[") || starts_command(text)
}

fn starts_command(text: &str) -> bool {
    text.trim_start().starts_with("::")
}

/// One value on one line, safe for a terminal and a CI log.
pub fn one_line(text: &str) -> Cow<'_, str> {
    if !needs_work(text) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        match c {
            '\n' | '\r' | '\t' | '\u{0b}' | '\u{0c}' | '\u{85}' | '\u{2028}' | '\u{2029}' => {
                out.push(' ')
            }
            c if is_hazard(c) => out.extend(c.escape_unicode()),
            c => out.push(c),
        }
    }
    let mut out = out.replace("##[", "# #[");
    if starts_command(&out) {
        let at = out.len() - out.trim_start().len();
        out.replace_range(at..at + 2, ": :");
    }
    Cow::Owned(out)
}

/// Text for a page (the HTML report): line breaks and tabs kept, every other control
/// character and bidi control shown as an escape, so a file that is printed to a terminal
/// cannot steer it and a page cannot reorder what it shows.
pub fn visible(text: &str) -> Cow<'_, str> {
    let hazard = |c: char| is_hazard(c) && !matches!(c, '\n' | '\t');
    if !text.chars().any(hazard) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        if hazard(c) {
            out.extend(c.escape_unicode());
        } else {
            out.push(c);
        }
    }
    Cow::Owned(out)
}

/// Text of several lines (a message the runner wrote, with untrusted parts in it), each line
/// made safe as `one_line` makes a value.
pub fn lines(text: &str) -> Cow<'_, str> {
    if !text.split('\n').any(needs_work) {
        return Cow::Borrowed(text);
    }
    Cow::Owned(
        text.split('\n')
            .map(|line| one_line(line.strip_suffix('\r').unwrap_or(line)))
            .collect::<Vec<_>>()
            .join("\n"),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ordinary_text_is_borrowed_unchanged() {
        for text in [
            "Verifies identity",
            "run cabc: https://x/y?a=1",
            "a :: b",
            "",
        ] {
            assert!(matches!(one_line(text), Cow::Borrowed(t) if t == text));
        }
    }

    #[test]
    fn a_value_cannot_start_a_line_or_a_workflow_command() {
        assert_eq!(one_line("ok\n::error::pwned"), "ok ::error::pwned");
        assert_eq!(one_line("::error::pwned"), ": :error::pwned");
        assert_eq!(one_line("  ::add-mask::x"), "  : :add-mask::x");
        assert_eq!(one_line("see ##[error]boom"), "see # #[error]boom");
        assert_eq!(one_line("a\r\nb\tc"), "a  b c");
    }

    #[test]
    fn escapes_osc_and_bidi_are_shown_not_obeyed() {
        assert_eq!(one_line("\u{1b}[31mred"), "\\u{1b}[31mred");
        assert_eq!(
            one_line("\u{1b}]8;;http://x\u{7}link"),
            "\\u{1b}]8;;http://x\\u{7}link"
        );
        assert_eq!(one_line("abc\u{202e}fed"), "abc\\u{202e}fed");
        assert_eq!(one_line("x\u{9b}y\u{2067}z"), "x\\u{9b}y\\u{2067}z");
        assert_eq!(one_line("a\u{2028}b"), "a b");
    }

    #[test]
    fn lines_keep_their_breaks_but_each_line_is_safe() {
        assert_eq!(lines("one\ntwo"), "one\ntwo");
        assert_eq!(
            lines("one\n::error::x\r\n\u{7}"),
            "one\n: :error::x\n\\u{7}"
        );
    }

    #[test]
    fn visible_text_keeps_its_lines_and_shows_its_controls() {
        assert_eq!(visible("a\nb\tc"), Cow::Borrowed("a\nb\tc"));
        assert_eq!(
            visible("x\u{1b}[31my\u{202e}z\r"),
            "x\\u{1b}[31my\\u{202e}z\\u{d}"
        );
    }
}
