//! The text of a suite file: read with limits, checked for UTF-8, and indexed by line so that
//! byte offsets become `line:column` and diagnostics can quote the offending line.

use std::io::Read;
use std::path::{Path, PathBuf};

use super::diagnostic::Diagnostic;

/// Suite files are small; anything larger is a mistake (a wrong path, a generated blob), and
/// refusing it early keeps the parser and the templates from chewing on it.
pub const MAX_FILE_BYTES: u64 = 8 * 1024 * 1024;

/// A suite file's text with a line index.
#[derive(Debug, Clone)]
pub struct Source {
    /// The path as the user gave it.
    pub path: PathBuf,
    /// The path as shown in messages.
    pub name: String,
    /// The whole file.
    pub text: String,
    /// Byte offset where each line starts.
    line_starts: Vec<usize>,
    /// Characters before each block of `BLOCK` bytes, so that a column far into a long line
    /// is counted from the nearest block instead of from the line's start.
    chars_before_block: Vec<usize>,
}

/// Bytes per block of `chars_before_block`.
const BLOCK: usize = 1024;

/// Characters that start in `bytes` (every byte but UTF-8 continuation bytes), whether or not
/// the range starts or ends on a character boundary.
fn chars_starting_in(bytes: &[u8]) -> usize {
    bytes.iter().filter(|b| (**b & 0xC0) != 0x80).count()
}

impl Source {
    /// Wraps text that is already in memory.
    pub fn new(path: impl Into<PathBuf>, text: String) -> Self {
        let path = path.into();
        let name = path.display().to_string();
        let mut line_starts = vec![0];
        line_starts.extend(text.match_indices('\n').map(|(i, _)| i + 1));
        let chars_before_block = std::iter::once(0)
            .chain(text.as_bytes().chunks(BLOCK).scan(0, |before, block| {
                *before += chars_starting_in(block);
                Some(*before)
            }))
            .collect();
        Self {
            path,
            name,
            text,
            line_starts,
            chars_before_block,
        }
    }

    /// Reads a file, refusing one that is too large, empty, not UTF-8 or holds a NUL byte,
    /// and anything that is not a regular file (a directory, a FIFO, a device): reading a
    /// FIFO nobody writes to would wait for ever, a device may never end.
    pub fn read(path: &Path) -> Result<Self, Box<Diagnostic>> {
        let name = path.display().to_string();
        let fail =
            |message: String, hint: &str| Box::new(Diagnostic::whole_file(&name, message, hint));
        let not_regular = |kind: &str| {
            fail(
                format!("`{name}` is {kind}, not a regular file"),
                "pass the path of the suite file itself; to generate one, write it to a file first",
            )
        };
        if let Ok(meta) = std::fs::metadata(path)
            && !meta.is_file()
        {
            return Err(not_regular(kind_of(&meta)));
        }
        let file = open_without_waiting(path).map_err(|err| {
            fail(
                format!("cannot open `{name}`: {}", io_reason(&err)),
                "check the path; suite files are usually called `hamming.yaml`",
            )
        })?;
        // The path may have been replaced between the check and the open: check what was
        // opened.
        if let Ok(meta) = file.metadata()
            && !meta.is_file()
        {
            return Err(not_regular(kind_of(&meta)));
        }
        // Read one byte past the cap so that an oversized file is detected without reading
        // all of it.
        let mut bytes = Vec::new();
        file.take(MAX_FILE_BYTES + 1)
            .read_to_end(&mut bytes)
            .map_err(|err| {
                fail(
                    format!("cannot read `{name}`: {}", io_reason(&err)),
                    "check that the path names a readable file, not a directory",
                )
            })?;
        Self::from_bytes(path, bytes)
    }

    /// Checks raw bytes and wraps them; used by `read` and by tests.
    pub fn from_bytes(path: &Path, bytes: Vec<u8>) -> Result<Self, Box<Diagnostic>> {
        let name = path.display().to_string();
        if bytes.len() as u64 > MAX_FILE_BYTES {
            return Err(Box::new(Diagnostic::whole_file(
                &name,
                format!(
                    "`{name}` is larger than {} MiB; this does not look like a suite file",
                    MAX_FILE_BYTES / (1024 * 1024)
                ),
                "check the path; a suite file is usually a few kilobytes",
            )));
        }
        if bytes.iter().all(u8::is_ascii_whitespace) {
            return Err(Box::new(Diagnostic::whole_file(
                &name,
                format!("`{name}` is empty"),
                "run `hamming-runner init` to write a starter suite file",
            )));
        }
        let text = match String::from_utf8(bytes) {
            Ok(text) => text,
            Err(err) => {
                let valid_up_to = err.utf8_error().valid_up_to();
                let bytes = err.into_bytes();
                // The valid prefix is UTF-8 by definition, so the index can be built from it.
                let prefix = String::from_utf8_lossy(&bytes[..valid_up_to]).into_owned();
                let source = Self::new(path, prefix);
                let (line, column) = source.line_col(valid_up_to);
                let mut diagnostic = Diagnostic::at(
                    &source,
                    line,
                    column,
                    1,
                    format!("`{name}` is not valid UTF-8"),
                );
                diagnostic.hint = Some(format!(
                    "byte 0x{:02x} at offset {valid_up_to} is not UTF-8; save the file as UTF-8",
                    bytes[valid_up_to]
                ));
                return Err(Box::new(diagnostic));
            }
        };
        let source = Self::new(path, text);
        if let Some(offset) = source.text.find('\0') {
            let (line, column) = source.line_col(offset);
            let mut diagnostic = Diagnostic::at(
                &source,
                line,
                column,
                1,
                "the file contains a NUL byte".into(),
            );
            diagnostic.hint =
                Some("a suite file is plain text; remove the NUL byte or check the path".into());
            return Err(Box::new(diagnostic));
        }
        Ok(source)
    }

    /// 1-based line and column (in characters) of a byte offset.
    pub fn line_col(&self, offset: usize) -> (u32, u32) {
        let offset = offset.min(self.text.len());
        let line_index = match self.line_starts.binary_search(&offset) {
            Ok(i) => i,
            Err(i) => i.saturating_sub(1),
        };
        let start = self.line_starts.get(line_index).copied().unwrap_or(0);
        let column = if offset - start <= BLOCK {
            chars_starting_in(&self.text.as_bytes()[start..offset])
        } else {
            self.chars_before(offset) - self.chars_before(start)
        };
        (to_u32(line_index + 1), to_u32(column + 1))
    }

    /// Characters before a byte offset (at most the text's length), counted from the nearest
    /// block: a lookup costs at most `BLOCK` bytes however long the line is.
    fn chars_before(&self, offset: usize) -> usize {
        let block = offset / BLOCK;
        let counted = self.chars_before_block.get(block).copied().unwrap_or(0);
        let from = (block * BLOCK).min(offset);
        counted + chars_starting_in(&self.text.as_bytes()[from..offset])
    }

    /// The text of a 1-based line, without its line ending.
    pub fn line(&self, line: u32) -> Option<&str> {
        let index = usize::try_from(line).ok()?.checked_sub(1)?;
        let start = *self.line_starts.get(index)?;
        let end = self
            .line_starts
            .get(index + 1)
            .copied()
            .unwrap_or(self.text.len());
        let text = self.text.get(start..end)?;
        Some(text.trim_end_matches(['\n', '\r']))
    }

    /// The tab a YAML parser complains of, near where it reports it: on the reported line
    /// the tab closest before the column (the parser often stops just after it), else the
    /// first one after; else the first tab on the lines below (it may report the end of the
    /// token before the tab, on the line above).
    pub fn tab_near(&self, line: u32, column: u32) -> Option<(u32, u32)> {
        let text = self.line(line)?;
        let tabs: Vec<usize> = text
            .chars()
            .enumerate()
            .filter(|(_, c)| *c == '\t')
            .map(|(at, _)| at + 1)
            .collect();
        let column = column as usize;
        if let Some(at) = tabs
            .iter()
            .rev()
            .find(|at| **at <= column)
            .or_else(|| tabs.first())
        {
            return Some((line, to_u32(*at)));
        }
        (line.saturating_add(1)..line.saturating_add(64)).find_map(|number| {
            let at = self.line(number)?.chars().position(|c| c == '\t')?;
            Some((number, to_u32(at + 1)))
        })
    }
}

/// Opens a file that must be a regular one, without waiting: a directory, a FIFO or a device
/// is an error that says which (the error's text reads after "cannot read PATH: ").
pub(crate) fn open_regular(path: &Path) -> std::io::Result<std::fs::File> {
    let not_regular = |meta: &std::fs::Metadata| {
        std::io::Error::new(
            std::io::ErrorKind::InvalidInput,
            format!("it is {}, not a regular file", kind_of(meta)),
        )
    };
    if let Ok(meta) = std::fs::metadata(path)
        && !meta.is_file()
    {
        return Err(not_regular(&meta));
    }
    let file = open_without_waiting(path)?;
    match file.metadata() {
        Ok(meta) if !meta.is_file() => Err(not_regular(&meta)),
        _ => Ok(file),
    }
}

/// Opens for reading without blocking: on Unix with `O_NONBLOCK`, so that a FIFO swapped in
/// after the check above cannot make the open wait for a writer.
fn open_without_waiting(path: &Path) -> std::io::Result<std::fs::File> {
    let mut options = std::fs::OpenOptions::new();
    options.read(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.custom_flags(libc::O_NONBLOCK);
    }
    options.open(path)
}

fn kind_of(meta: &std::fs::Metadata) -> &'static str {
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        let kind = meta.file_type();
        if kind.is_fifo() {
            return "a FIFO (named pipe)";
        }
        if kind.is_socket() {
            return "a socket";
        }
        if kind.is_char_device() || kind.is_block_device() {
            return "a device";
        }
    }
    if meta.is_dir() {
        "a directory"
    } else {
        "not a regular file"
    }
}

/// A short reason for an I/O error, for messages that already name the file.
pub(crate) fn io_reason(err: &std::io::Error) -> String {
    match err.kind() {
        std::io::ErrorKind::NotFound => "no such file".into(),
        std::io::ErrorKind::PermissionDenied => "permission denied".into(),
        _ => err.to_string(),
    }
}

pub(crate) fn to_u32(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn maps_offsets_to_lines_and_character_columns() {
        let source = Source::new("f.yaml", "a: 1\nnäme: x\n\nlast".into());
        assert_eq!(source.line_col(0), (1, 1));
        assert_eq!(source.line_col(5), (2, 1));
        // `ä` is two bytes but one column.
        assert_eq!(source.line_col(9), (2, 4));
        assert_eq!(source.line_col(15), (4, 1));
        assert_eq!(source.line(2), Some("näme: x"));
        assert_eq!(source.line(3), Some(""));
        assert_eq!(source.line(9), None);
    }

    #[test]
    fn counts_columns_far_into_a_long_line_of_wide_characters() {
        // Blocks of the index end inside the two-byte `é`, and the line spans many blocks.
        let line = format!("k = [{}]", "\"é\",".repeat(3000));
        let text = format!("a = 1\n{line}\nb = 2\n");
        let source = Source::new("f.toml", text.clone());
        let line_start = 6;
        let line_end = line_start + line.len();
        for (offset, _) in text.char_indices() {
            if (line_start..=line_end).contains(&offset) {
                let expected = text[line_start..offset].chars().count() as u32 + 1;
                assert_eq!(source.line_col(offset), (2, expected), "offset {offset}");
            }
        }
        assert_eq!(source.line_col(text.len() - 2), (3, 5));
        assert_eq!(source.line_col(text.len() + 10), (4, 1));
    }

    #[test]
    fn reports_the_position_of_the_first_invalid_byte() {
        let err = Source::from_bytes(Path::new("f.yaml"), b"a: 1\nb: \xff\n".to_vec()).unwrap_err();
        assert_eq!((err.line, err.column), (2, 4));
        assert!(err.message.contains("not valid UTF-8"), "{}", err.message);
    }

    #[cfg(unix)]
    #[test]
    fn refuses_fifos_directories_and_devices_without_waiting() {
        let dir = tempfile::tempdir().unwrap();
        let fifo = dir.path().join("suite.yaml");
        let c_path = std::ffi::CString::new(fifo.as_os_str().as_encoded_bytes()).unwrap();
        // SAFETY: a valid, NUL-terminated path; mkfifo only creates a file.
        assert_eq!(unsafe { libc::mkfifo(c_path.as_ptr(), 0o600) }, 0);
        let err = Source::read(&fifo).unwrap_err();
        assert!(err.message.contains("a FIFO"), "{}", err.message);
        let err = Source::read(dir.path()).unwrap_err();
        assert!(err.message.contains("a directory"), "{}", err.message);
        let err = Source::read(Path::new("/dev/zero")).unwrap_err();
        assert!(err.message.contains("a device"), "{}", err.message);
    }

    #[test]
    fn refuses_empty_and_nul_files() {
        let err = Source::from_bytes(Path::new("f.yaml"), b"  \n".to_vec()).unwrap_err();
        assert!(err.message.contains("is empty"));
        let err = Source::from_bytes(Path::new("f.yaml"), b"a: 1\nb:\0".to_vec()).unwrap_err();
        assert_eq!((err.line, err.column), (2, 3));
    }
}
