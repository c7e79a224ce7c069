//! A parser for `.env` files in the format python-dotenv reads, so that a `.env` written for
//! Hamming's v2 scripts means the same here: `KEY=VALUE` lines, an optional `export ` prefix,
//! `#` comments, single quotes (literal), double quotes (escapes, may span lines), and
//! `${NAME}` / `${NAME:-default}` expansion in unquoted and double-quoted values.

use std::path::{Path, PathBuf};

/// One assignment, with the line it starts on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    pub key: String,
    pub value: String,
    pub line: usize,
}

/// A line of a `.env` file that cannot be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{}:{line}: {message}", path.display())]
pub struct DotenvError {
    pub path: PathBuf,
    pub line: usize,
    pub message: String,
}

/// Parses `text`. `lookup` answers `${NAME}` references the file does not define itself
/// (the real environment); like python-dotenv, it is asked first, so the real environment
/// wins inside expansions as it wins for the variables themselves.
pub fn parse(
    text: &str,
    path: &Path,
    lookup: &dyn Fn(&str) -> Option<String>,
) -> Result<Vec<Entry>, DotenvError> {
    let mut parser = Parser {
        chars: text.chars().collect(),
        pos: 0,
        line: 1,
        path,
    };
    let mut entries: Vec<Entry> = Vec::new();
    loop {
        let known = |name: &str| {
            lookup(name).or_else(|| {
                entries
                    .iter()
                    .rev()
                    .find(|e| e.key == name)
                    .map(|e| e.value.clone())
            })
        };
        match parser.next_entry(&known)? {
            Some(entry) => entries.push(entry),
            None => return Ok(entries),
        }
    }
}

struct Parser<'a> {
    chars: Vec<char>,
    pos: usize,
    line: usize,
    path: &'a Path,
}

impl Parser<'_> {
    fn error(&self, line: usize, message: impl Into<String>) -> DotenvError {
        DotenvError {
            path: self.path.to_owned(),
            line,
            message: message.into(),
        }
    }

    fn peek(&self) -> Option<char> {
        self.chars.get(self.pos).copied()
    }

    fn bump(&mut self) -> Option<char> {
        let c = self.peek()?;
        self.pos += 1;
        if c == '\n' {
            self.line += 1;
        }
        Some(c)
    }

    fn skip_blanks(&mut self) {
        while matches!(self.peek(), Some(' ' | '\t' | '\r')) {
            self.bump();
        }
    }

    /// The rest of the current line, consumed along with its newline.
    fn rest_of_line(&mut self) -> String {
        let mut rest = String::new();
        while let Some(c) = self.bump() {
            if c == '\n' {
                break;
            }
            rest.push(c);
        }
        rest
    }

    fn next_entry(
        &mut self,
        lookup: &dyn Fn(&str) -> Option<String>,
    ) -> Result<Option<Entry>, DotenvError> {
        loop {
            self.skip_blanks();
            match self.peek() {
                None => return Ok(None),
                Some('\n') => {
                    self.bump();
                }
                Some('#') => {
                    self.rest_of_line();
                }
                Some(_) => break,
            }
        }
        let line = self.line;
        let start = self.pos;
        let mut key = String::new();
        while let Some(c) = self.peek() {
            if c == '=' || c == '\n' || c == ' ' || c == '\t' {
                break;
            }
            key.push(c);
            self.bump();
        }
        if key == "export" {
            self.skip_blanks();
            key.clear();
            while let Some(c) = self.peek() {
                if c == '=' || c == '\n' || c == ' ' || c == '\t' {
                    break;
                }
                key.push(c);
                self.bump();
            }
        }
        self.skip_blanks();
        if self.peek() != Some('=') {
            self.rest_of_line();
            let shown: String = self.chars[start..self.pos].iter().collect();
            let shown = shown.trim_end().to_owned();
            return Err(self.error(
                line,
                format!("`{shown}` is not an assignment; write KEY=VALUE"),
            ));
        }
        self.bump();
        if !valid_key(&key) {
            return Err(self.error(
                line,
                format!(
                    "`{key}` is not a variable name; use letters, digits and `_`, not starting with a digit"
                ),
            ));
        }
        self.skip_blanks();
        let value = match self.peek() {
            Some('\'') => {
                self.bump();
                let value = self.quoted('\'', line)?;
                self.after_quote(line)?;
                value
            }
            Some('"') => {
                self.bump();
                let raw = self.quoted('"', line)?;
                self.after_quote(line)?;
                expand(&raw, lookup).map_err(|m| self.error(line, m))?
            }
            _ => {
                let rest = self.rest_of_line();
                let value = strip_inline_comment(&rest).trim();
                expand(value, lookup).map_err(|m| self.error(line, m))?
            }
        };
        Ok(Some(Entry { key, value, line }))
    }

    /// Reads up to the closing quote. Double quotes understand backslash escapes; single
    /// quotes keep every character as written.
    fn quoted(&mut self, quote: char, line: usize) -> Result<String, DotenvError> {
        let mut value = String::new();
        loop {
            match self.bump() {
                None => {
                    return Err(self.error(
                        line,
                        format!(
                            "the {quote}-quoted value is never closed; add the closing {quote}"
                        ),
                    ));
                }
                Some(c) if c == quote => return Ok(value),
                Some('\\') if quote == '"' => match self.bump() {
                    Some('n') => value.push('\n'),
                    Some('t') => value.push('\t'),
                    Some('r') => value.push('\r'),
                    // `\$` keeps a literal `$` out of expansion; it is restored by `expand`.
                    Some('$') => value.push('\u{0}'),
                    Some(c @ ('"' | '\\' | '\'')) => value.push(c),
                    Some(other) => {
                        value.push('\\');
                        value.push(other);
                    }
                    None => {
                        return Err(self.error(line, "the double-quoted value is never closed"));
                    }
                },
                Some(c) => value.push(c),
            }
        }
    }

    /// After a closing quote only blanks and a comment may follow on the line.
    fn after_quote(&mut self, line: usize) -> Result<(), DotenvError> {
        let close_line = self.line;
        let rest = self.rest_of_line();
        let rest = rest.trim();
        if rest.is_empty() || rest.starts_with('#') {
            Ok(())
        } else {
            let line = if close_line == line { line } else { close_line };
            Err(self.error(
                line,
                format!("unexpected `{rest}` after the closing quote; quote the whole value"),
            ))
        }
    }
}

fn valid_key(key: &str) -> bool {
    let mut chars = key.chars();
    matches!(chars.next(), Some(c) if c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '.')
}

/// Strips ` # comment` from an unquoted value; a `#` with no blank before it is part of the
/// value, as in python-dotenv (`URL=https://x/#anchor`).
fn strip_inline_comment(value: &str) -> &str {
    let bytes = value.as_bytes();
    for (i, b) in bytes.iter().enumerate() {
        if *b == b'#' && i > 0 && matches!(bytes[i - 1], b' ' | b'\t') {
            return &value[..i];
        }
    }
    value
}

/// Expands `${NAME}` and `${NAME:-default}`; an undefined name expands to the empty string,
/// as in python-dotenv. A bare `$NAME` is kept as written, as python-dotenv keeps it.
fn expand(value: &str, lookup: &dyn Fn(&str) -> Option<String>) -> Result<String, String> {
    let mut out = String::new();
    let mut rest = value;
    while let Some(start) = rest.find("${") {
        out.push_str(&rest[..start]);
        let after = &rest[start + 2..];
        let Some(end) = after.find('}') else {
            return Err(format!(
                "`${{` in `{value}` is never closed; write ${{NAME}}, or quote the value with single quotes to keep it literal"
            ));
        };
        let inner = &after[..end];
        let (name, default) = match inner.split_once(":-") {
            Some((name, default)) => (name, Some(default)),
            None => (inner, None),
        };
        let found = lookup(name).filter(|v| !v.is_empty());
        out.push_str(&found.or(default.map(str::to_owned)).unwrap_or_default());
        rest = &after[end + 1..];
    }
    out.push_str(rest);
    Ok(out.replace('\u{0}', "$"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse_ok(text: &str) -> Vec<(String, String)> {
        parse(text, Path::new(".env"), &|_| None)
            .unwrap()
            .into_iter()
            .map(|e| (e.key, e.value))
            .collect()
    }

    fn parse_err(text: &str) -> String {
        parse(text, Path::new(".env"), &|_| None)
            .unwrap_err()
            .to_string()
    }

    fn pairs(list: &[(&str, &str)]) -> Vec<(String, String)> {
        list.iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    #[test]
    fn plain_assignments_comments_and_export() {
        let text = "# Hamming\n\nAGENT_ID=agent-1\nexport TAG_IDS = smoke,regression  # the tags\n  PHONE_NUMBERS=+14155550100\n";
        assert_eq!(
            parse_ok(text),
            pairs(&[
                ("AGENT_ID", "agent-1"),
                ("TAG_IDS", "smoke,regression"),
                ("PHONE_NUMBERS", "+14155550100"),
            ])
        );
    }

    #[test]
    fn quotes_keep_hashes_and_blanks() {
        let text = "A='x # y'\nB=\"line\\nbreak \\\"q\\\"\"\nC=https://x/#frag\nD=\nE=\"\"\n";
        assert_eq!(
            parse_ok(text),
            pairs(&[
                ("A", "x # y"),
                ("B", "line\nbreak \"q\""),
                ("C", "https://x/#frag"),
                ("D", ""),
                ("E", ""),
            ])
        );
    }

    #[test]
    fn double_quotes_may_span_lines_and_lines_stay_counted() {
        let text = "A=\"one\ntwo\"\nB=\nC\n";
        let err = parse(text, Path::new(".env"), &|_| None).unwrap_err();
        assert_eq!(err.line, 4);
        assert!(err.message.contains("`C` is not an assignment"), "{err}");
        assert_eq!(parse_ok("A=\"one\ntwo\"\n"), pairs(&[("A", "one\ntwo")]));
    }

    #[test]
    fn single_quotes_are_literal() {
        assert_eq!(
            parse_ok("A='${HOME} \\n'\n"),
            pairs(&[("A", "${HOME} \\n")])
        );
    }

    #[test]
    fn expansion_prefers_the_real_environment_then_earlier_lines() {
        let lookup = |name: &str| (name == "REAL").then(|| "r".to_owned());
        let entries = parse(
            "BASE=https://h\nURL=${BASE}/api/rest\nX=\"${REAL}-${NOPE:-d}-${NOPE}\"\nY=\\$5 \"$NOT\"\n",
            Path::new(".env"),
            &lookup,
        )
        .unwrap();
        assert_eq!(entries[1].value, "https://h/api/rest");
        assert_eq!(entries[2].value, "r-d-");
        assert_eq!(entries[3].value, "\\$5 \"$NOT\"");
    }

    #[test]
    fn errors_name_the_file_and_line() {
        assert_eq!(
            parse_err("A=1\nB='open\n"),
            ".env:2: the '-quoted value is never closed; add the closing '"
        );
        assert_eq!(
            parse_err("A=\"x\" y\n"),
            ".env:1: unexpected `y` after the closing quote; quote the whole value"
        );
        assert!(parse_err("\n\n9A=1\n").starts_with(".env:3: `9A` is not a variable name"));
        assert!(parse_err("A B=1\n").starts_with(".env:1: `A B=1` is not an assignment"));
        assert!(parse_err("A=${B\n").contains("is never closed"));
    }

    #[test]
    fn crlf_line_endings_are_read() {
        assert_eq!(
            parse_ok("A=1\r\nB='2'\r\n"),
            pairs(&[("A", "1"), ("B", "2")])
        );
    }
}
