//! Problems found while loading a suite file, and their rustc-style rendering: a title, the
//! `file:line:col`, the source line with a caret under the offending token, and a hint.

use std::fmt::Write as _;
use std::path::PathBuf;

use super::source::Source;

/// One problem in a suite file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    /// The suite file, as the user named it.
    pub file: PathBuf,
    /// 1-based line; 0 when the problem concerns the whole file.
    pub line: u32,
    /// 1-based column, in characters.
    pub column: u32,
    /// How many characters the caret underlines (at least 1).
    pub width: u32,
    /// The suite the problem belongs to, if any.
    pub suite: Option<String>,
    /// What is wrong, as a lowercase fragment.
    pub message: String,
    /// What to do about it.
    pub hint: Option<String>,
    /// The source line the problem is on, quoted under the location.
    pub snippet: Option<String>,
}

impl Diagnostic {
    /// A problem with the file as a whole (cannot be read, empty, too large).
    pub fn whole_file(name: &str, message: String, hint: &str) -> Self {
        Self {
            file: PathBuf::from(name),
            line: 0,
            column: 0,
            width: 1,
            suite: None,
            message,
            hint: Some(hint.to_owned()),
            snippet: None,
        }
    }

    /// A problem at a position in the source.
    pub fn at(source: &Source, line: u32, column: u32, width: u32, message: String) -> Self {
        Self {
            file: source.path.clone(),
            line,
            column,
            width: width.max(1),
            suite: None,
            message,
            hint: None,
            snippet: source.line(line).map(str::to_owned),
        }
    }

    /// The title line's text: the message, followed by the suite when the message does not
    /// already name it.
    pub fn title(&self) -> String {
        match &self.suite {
            Some(suite) if !self.message.contains(&format!("`{suite}`")) => {
                // "x is wrong in suite `s`; do y" reads better than a suite named at the end.
                match self.message.split_once("; ") {
                    Some((what, rest)) => format!("{what} in suite `{suite}`; {rest}"),
                    None => format!("{} in suite `{suite}`", self.message),
                }
            }
            _ => self.message.clone(),
        }
    }

    /// Renders this diagnostic as an error, rustc-style.
    pub fn render(&self, color: bool) -> String {
        self.render_as(color, false)
    }

    /// Renders this diagnostic as a warning: something that will run, but not as meant.
    pub fn render_warning(&self, color: bool) -> String {
        self.render_as(color, true)
    }

    fn render_as(&self, color: bool, warning: bool) -> String {
        let paint = Paint { color };
        let mut out = String::new();
        let _ = writeln!(
            out,
            "{}: {}",
            if warning {
                paint.yellow_bold("warning")
            } else {
                paint.red_bold("error")
            },
            paint.bold(&self.title())
        );
        if self.line == 0 {
            let _ = writeln!(out, " {} {}", paint.blue("-->"), self.file.display());
        } else {
            let gutter = self.line.to_string().len();
            let pad = " ".repeat(gutter);
            let _ = writeln!(
                out,
                "{pad}{} {}:{}:{}",
                paint.blue("-->"),
                self.file.display(),
                self.line,
                self.column
            );
            if let Some(snippet) = &self.snippet {
                let (snippet, column) = window(&printable(snippet), self.column as usize);
                let _ = writeln!(out, "{pad} {}", paint.blue("|"));
                let _ = writeln!(
                    out,
                    "{} {} {snippet}",
                    paint.blue(&self.line.to_string()),
                    paint.blue("|")
                );
                let indent: String = snippet
                    .chars()
                    .take(column.saturating_sub(1))
                    .map(|c| if c == '\t' { '\t' } else { ' ' })
                    .collect();
                let available = snippet
                    .chars()
                    .count()
                    .saturating_sub(indent.chars().count())
                    .max(1);
                let width = (self.width as usize).clamp(1, available);
                let _ = writeln!(
                    out,
                    "{pad} {} {indent}{}",
                    paint.blue("|"),
                    if warning {
                        paint.yellow_bold(&"^".repeat(width))
                    } else {
                        paint.red_bold(&"^".repeat(width))
                    }
                );
            }
        }
        if let Some(hint) = &self.hint {
            let pad = if self.line == 0 {
                String::new()
            } else {
                " ".repeat(self.line.to_string().len())
            };
            let _ = writeln!(
                out,
                "{pad} {} {}: {hint}",
                paint.blue("="),
                paint.bold("help")
            );
        }
        out
    }
}

/// Every problem found in one suite file.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Diagnostics(pub Vec<Diagnostic>);

impl Diagnostics {
    pub fn len(&self) -> usize {
        self.0.len()
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    pub fn iter(&self) -> std::slice::Iter<'_, Diagnostic> {
        self.0.iter()
    }

    /// Renders every diagnostic, separated by blank lines, and a closing count.
    pub fn render(&self, color: bool) -> String {
        self.render_closing(color, "nothing was run")
    }

    /// Renders every diagnostic and a closing count that ends with what the errors
    /// prevented (`nothing was run`, `the simulator was not started`).
    pub fn render_closing(&self, color: bool, consequence: &str) -> String {
        let paint = Paint { color };
        let mut out = String::new();
        for diagnostic in &self.0 {
            out.push_str(&diagnostic.render(color));
            out.push('\n');
        }
        let file = self
            .0
            .first()
            .map(|d| d.file.display().to_string())
            .unwrap_or_else(|| "the suite file".into());
        let count = match self.0.len() {
            1 => "1 error".to_owned(),
            n => format!("{n} errors"),
        };
        let _ = writeln!(
            out,
            "{}: {}",
            paint.red_bold("error"),
            paint.bold(&format!("{file} has {count}; {consequence}"))
        );
        out
    }
}

impl IntoIterator for Diagnostics {
    type Item = Diagnostic;
    type IntoIter = std::vec::IntoIter<Diagnostic>;
    fn into_iter(self) -> Self::IntoIter {
        self.0.into_iter()
    }
}

impl std::fmt::Display for Diagnostics {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.render(false))
    }
}

impl std::error::Error for Diagnostics {}

/// Longest source line quoted in full; longer lines are cut to a window around the column.
const MAX_SNIPPET_CHARS: usize = 120;

/// Cuts a long line to a window around `column`, returning the text and the column within it.
fn window(line: &str, column: usize) -> (String, usize) {
    let chars: Vec<char> = line.chars().collect();
    if chars.len() <= MAX_SNIPPET_CHARS {
        return (line.to_owned(), column);
    }
    let start = column.saturating_sub(40).min(chars.len());
    let end = (start + MAX_SNIPPET_CHARS).min(chars.len());
    let mut text = String::new();
    let mut shift = start;
    if start > 0 {
        text.push('…');
        shift -= 1;
    }
    text.extend(&chars[start..end]);
    if end < chars.len() {
        text.push('…');
    }
    (text, column.saturating_sub(shift).max(1))
}

/// Replaces control characters so that a quoted line cannot move the cursor or ring the bell.
fn printable(line: &str) -> String {
    line.chars()
        .map(|c| {
            if c.is_control() && c != '\t' {
                '\u{fffd}'
            } else {
                c
            }
        })
        .collect()
}

/// ANSI styling, applied only when colour is on.
struct Paint {
    color: bool,
}

impl Paint {
    fn wrap(&self, code: &str, text: &str) -> String {
        if self.color {
            format!("\x1b[{code}m{text}\x1b[0m")
        } else {
            text.to_owned()
        }
    }
    fn red_bold(&self, text: &str) -> String {
        self.wrap("1;31", text)
    }
    fn yellow_bold(&self, text: &str) -> String {
        self.wrap("1;33", text)
    }
    fn bold(&self, text: &str) -> String {
        self.wrap("1", text)
    }
    fn blue(&self, text: &str) -> String {
        self.wrap("1;34", text)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample() -> Diagnostic {
        let source = Source::new("hamming.yaml", "suites:\n  smoke:\n    treshold:\n".into());
        let mut d = Diagnostic::at(&source, 3, 5, 8, "unknown key `treshold`".into());
        d.suite = Some("smoke".into());
        d.hint = Some("did you mean `thresholds`?".into());
        d
    }

    #[test]
    fn renders_rustc_style_with_caret_under_the_token() {
        let expected = "\
error: unknown key `treshold` in suite `smoke`
 --> hamming.yaml:3:5
  |
3 |     treshold:
  |     ^^^^^^^^
  = help: did you mean `thresholds`?
";
        assert_eq!(sample().render(false), expected);
    }

    #[test]
    fn does_not_repeat_a_suite_the_message_names() {
        let mut d = sample();
        d.message = "suite `smoke` selects no test cases".into();
        assert_eq!(d.title(), "suite `smoke` selects no test cases");
    }

    #[test]
    fn colour_is_only_added_on_request() {
        assert!(!sample().render(false).contains('\x1b'));
        assert!(sample().render(true).contains("\x1b[1;31merror"));
    }

    #[test]
    fn closes_with_a_count() {
        let all = Diagnostics(vec![sample(), sample()]);
        assert!(
            all.render(false)
                .ends_with("error: hamming.yaml has 2 errors; nothing was run\n")
        );
    }

    #[test]
    fn cuts_long_lines_to_a_window_around_the_caret() {
        let line = format!("{}BAD{}", "a".repeat(500), "b".repeat(500));
        let source = Source::new("f.yaml", line);
        let d = Diagnostic::at(&source, 1, 501, 3, "bad".into());
        let text = d.render(false);
        let quoted = text.lines().nth(3).unwrap();
        let caret = text.lines().nth(4).unwrap();
        assert!(quoted.chars().count() < 140, "{quoted}");
        let at = caret.find('^').unwrap();
        let under: String = quoted.chars().skip(at).take(3).collect();
        assert_eq!(under, "BAD", "{quoted}\n{caret}");
    }

    #[test]
    fn clamps_the_caret_to_the_line_and_hides_control_characters() {
        let source = Source::new("f.yaml", "a: \u{7}b\n".into());
        let d = Diagnostic::at(&source, 1, 4, 50, "bad".into());
        let text = d.render(false);
        assert!(text.contains("1 | a: \u{fffd}b\n"), "{text}");
        assert!(text.contains("  |    ^^\n"), "{text}");
    }
}
