//! Problems found in a file the user wrote (a suite file, a simulator workspace, a `.env`
//! file), and the one renderer every error of the runner goes through: rustc-style, built on
//! `annotate-snippets` (a title, the `file:line:col`, the source line with a caret under the
//! offending token, and a help line). Errors with no place (a missing key, an unknown suite)
//! render through the same code, as a title and a help line.

use std::path::PathBuf;

use annotate_snippets::{AnnotationKind, Group, Level, Origin, Renderer, Snippet};

use super::source::Source;

/// One problem in a file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    /// The file, as the user named it.
    pub file: PathBuf,
    /// 1-based line; 0 when the problem concerns the whole file.
    pub line: u32,
    /// 1-based column, in characters; 0 when only the line is known.
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

    /// A problem on a line whose text is not quoted (a `.env` line may hold a secret).
    pub fn on_line(file: impl Into<PathBuf>, line: u32, message: String) -> Self {
        Self {
            file: file.into(),
            line,
            column: 0,
            width: 1,
            suite: None,
            message,
            hint: None,
            snippet: None,
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

    /// Renders this diagnostic as an error, rustc-style, ending with a newline.
    pub fn render(&self, color: bool) -> String {
        self.render_as(color, Level::ERROR)
    }

    /// Renders this diagnostic as a warning: something that will run, but not as meant.
    pub fn render_warning(&self, color: bool) -> String {
        self.render_as(color, Level::WARNING)
    }

    fn render_as(&self, color: bool, level: Level<'_>) -> String {
        let title = self.title();
        let file = self.file.display().to_string();
        let mut group = Group::with_title(level.primary_title(title.as_str()));
        let quoted = match (&self.snippet, self.line, self.column) {
            (Some(line_text), line, column) if line > 0 && column > 0 => Some(
                Snippet::source(line_text.as_str())
                    .line_start(line as usize)
                    .path(file.as_str())
                    .annotation(AnnotationKind::Primary.span(span(
                        line_text,
                        column as usize,
                        self.width as usize,
                    ))),
            ),
            _ => None,
        };
        group = match quoted {
            Some(snippet) => group.element(snippet),
            None => {
                let mut origin = Origin::path(file.as_str());
                if self.line > 0 {
                    origin = origin.line(self.line as usize);
                    if self.column > 0 {
                        origin = origin.char_column(self.column as usize);
                    }
                }
                group.element(origin)
            }
        };
        if let Some(hint) = &self.hint {
            group = group.element(Level::HELP.message(hint.as_str()));
        }
        finish(renderer(color).render(&[group]))
    }
}

/// Renders an error that has no place in a file: `error: message` and a help line per hint.
pub fn render_error(message: &str, hints: &[&str], color: bool) -> String {
    let group = hints.iter().fold(
        Group::with_title(Level::ERROR.primary_title(message)),
        |group, hint| group.element(Level::HELP.message(*hint)),
    );
    finish(renderer(color).render(&[group]))
}

/// Renders a warning that has no place in a file.
pub fn render_warning(message: &str, color: bool) -> String {
    let group = Group::with_title(Level::WARNING.primary_title(message));
    finish(renderer(color).render(&[group]))
}

fn renderer(color: bool) -> Renderer {
    if color {
        Renderer::styled()
    } else {
        Renderer::plain()
    }
}

/// The renderer leaves the last line open; every rendering here ends with a newline.
fn finish(mut text: String) -> String {
    text.push('\n');
    text
}

/// The byte range of `width` characters from the 1-based character `column` of `line`,
/// clamped to the line.
fn span(line: &str, column: usize, width: usize) -> std::ops::Range<usize> {
    let byte_at = |chars: usize| {
        line.char_indices()
            .nth(chars)
            .map_or(line.len(), |(at, _)| at)
    };
    let start = byte_at(column.saturating_sub(1));
    let end = byte_at(column.saturating_sub(1) + width.max(1)).max(start);
    start..end
}

/// Every problem found in one file.
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
        out.push_str(&render_error(
            &format!("{file} has {count}; {consequence}"),
            &[],
            color,
        ));
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
  |
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
        assert!(sample().render(true).contains("\x1b["));
        assert!(render_error("no key", &["set it"], true).contains("\x1b["));
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
    fn places_without_a_quoted_line_name_the_file_and_line() {
        let whole = Diagnostic::whole_file("f.yaml", "empty".into(), "write something");
        let text = whole.render(false);
        assert!(text.starts_with("error: empty\n"), "{text}");
        assert!(text.contains("--> f.yaml\n"), "{text}");
        assert!(text.contains("= help: write something\n"), "{text}");
        let line = Diagnostic::on_line(".env", 3, "the value is never closed".into());
        assert!(
            line.render(false).contains("--> .env:3\n"),
            "{}",
            line.render(false)
        );
    }

    #[test]
    fn plain_errors_render_a_title_and_help_lines() {
        assert_eq!(render_error("no key", &[], false), "error: no key\n");
        let text = render_error("no key", &["set HAMMING_API_KEY"], false);
        assert!(text.starts_with("error: no key\n"), "{text}");
        assert!(text.ends_with("= help: set HAMMING_API_KEY\n"), "{text}");
    }

    #[test]
    fn cuts_long_lines_to_a_window_around_the_caret() {
        let line = format!("{}BAD{}", "a".repeat(500), "b".repeat(500));
        let source = Source::new("f.yaml", line);
        let d = Diagnostic::at(&source, 1, 501, 3, "bad".into());
        let text = d.render(false);
        let quoted = text.lines().nth(3).unwrap();
        let caret = text.lines().nth(4).unwrap();
        assert!(quoted.chars().count() < 160, "{quoted}");
        let at = caret.find('^').unwrap();
        let under: String = quoted.chars().skip(at).take(3).collect();
        assert_eq!(under, "BAD", "{quoted}\n{caret}");
    }

    #[test]
    fn tabs_and_control_characters_never_reach_the_terminal() {
        let source = Source::new("f.yaml", "a: \u{7}b\n\tkey: x\n".into());
        let d = Diagnostic::at(&source, 1, 4, 50, "bad".into());
        let text = d.render(false);
        assert!(!text.contains('\u{7}'), "{text:?}");
        let tab = Diagnostic::at(&source, 2, 1, 1, "tab".into());
        let text = tab.render(false);
        assert!(!text.contains('\t'), "{text:?}");
        // The tab is shown as four spaces, and the caret underlines all four.
        assert!(text.contains("2 |     key: x\n"), "{text}");
        assert!(text.contains("  | ^^^^\n"), "{text}");
    }
}
