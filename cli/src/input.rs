//! Reading documents from files or standard input, bounded so an oversized input is refused
//! before it is read in full.

use std::fs::File;
use std::io::{self, Read};
use std::path::Path;

/// Largest document read by default: 4 MiB, the library's default response limit.
pub const DEFAULT_MAX_BYTES: u64 = 4 << 20;

/// The largest `--max-document-bytes` accepted: 1 GiB. A document or line is held in memory
/// whole, so the limit is what bounds memory.
pub const MAX_MAX_BYTES: u64 = 1 << 30;

static MAX_BYTES: std::sync::OnceLock<u64> = std::sync::OnceLock::new();

/// Sets the largest document (or NDJSON line) read, for the whole run (`--max-document-bytes`).
pub fn set_max_bytes(bytes: u64) {
    let _ = MAX_BYTES.set(bytes);
}

/// The largest document read.
#[must_use]
pub fn max_bytes() -> u64 {
    MAX_BYTES.get().copied().unwrap_or(DEFAULT_MAX_BYTES)
}

/// The largest newline-delimited line read, in bytes.
#[must_use]
pub fn max_line_bytes() -> usize {
    usize::try_from(max_bytes()).unwrap_or(usize::MAX)
}

/// The message for a line over the limit: reading its source stops there.
#[must_use]
pub fn too_long(limit: usize) -> String {
    format!(
        "line longer than the limit of {limit} bytes; the rest of this input was not read (its end cannot be found without reading on without bound; raise --max-document-bytes)"
    )
}

/// The library's response limits with the document size of this run.
#[must_use]
pub fn limits() -> health_equity_assessment::ResponseLimits {
    health_equity_assessment::ResponseLimits::default()
        .with_max_document_bytes(usize::try_from(max_bytes()).unwrap_or(usize::MAX))
}

/// Why an input could not be read.
#[derive(Debug)]
pub enum InputError {
    /// The file could not be opened or read.
    Io {
        /// The path as given (`-` for standard input).
        path: String,
        /// The underlying error.
        source: io::Error,
    },
    /// The input is larger than the limit.
    TooLarge {
        /// The path as given.
        path: String,
        /// The limit in bytes.
        limit: u64,
    },
    /// The input is not UTF-8.
    NotUtf8 {
        /// The path as given.
        path: String,
        /// Byte offset of the first invalid byte.
        offset: usize,
    },
}

impl std::fmt::Display for InputError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let (InputError::Io { path, .. } | InputError::TooLarge { path, .. } | InputError::NotUtf8 { path, .. }) = self;
        write!(f, "{path}: {}", self.reason())
    }
}

/// The message for invalid UTF-8, worded as the library's `not_utf8` problem.
#[must_use]
pub fn not_utf8(offset: usize) -> String {
    format!("not UTF-8 text: invalid byte at offset {offset}")
}

impl InputError {
    /// What went wrong, without the path.
    #[must_use]
    pub fn reason(&self) -> String {
        match self {
            InputError::Io { source, .. } => format!("cannot read: {source}"),
            InputError::TooLarge { limit, .. } => format!("larger than the limit of {limit} bytes; not read"),
            InputError::NotUtf8 { offset, .. } => not_utf8(*offset),
        }
    }

    /// The problem code, as in the library's `ResponseProblem::code`, when the input was read
    /// but is not an acceptable document (too large, not UTF-8); `None` when it could not be
    /// read at all.
    #[must_use]
    pub fn document_problem_code(&self) -> Option<&'static str> {
        match self {
            InputError::Io { .. } => None,
            InputError::TooLarge { .. } => Some("too_large"),
            InputError::NotUtf8 { .. } => Some("not_utf8"),
        }
    }
}

/// Reads `path` (or standard input for `-`) as UTF-8 text of at most `limit` bytes.
/// A leading byte-order mark is dropped.
pub fn read_text(path: &str, limit: u64) -> Result<String, InputError> {
    let shown = display_name(path);
    let bytes = read_bytes(path, limit)?;
    let text = String::from_utf8(bytes)
        .map_err(|e| InputError::NotUtf8 { path: shown.clone(), offset: e.utf8_error().valid_up_to() })?;
    Ok(match text.strip_prefix('\u{feff}') {
        Some(rest) => rest.to_owned(),
        None => text,
    })
}

/// Reads `path` (or standard input for `-`) as bytes, at most `limit` of them.
pub fn read_bytes(path: &str, limit: u64) -> Result<Vec<u8>, InputError> {
    let shown = display_name(path);
    let io_error = |source| InputError::Io { path: shown.clone(), source };
    let mut bytes = Vec::new();
    let read = if path == "-" {
        io::stdin().lock().take(limit.saturating_add(1)).read_to_end(&mut bytes)
    } else {
        let file = File::open(Path::new(path)).map_err(io_error)?;
        if file.metadata().map(|m| m.is_dir()).unwrap_or(false) {
            return Err(InputError::Io {
                path: shown,
                source: io::Error::new(io::ErrorKind::InvalidInput, "is a directory"),
            });
        }
        file.take(limit.saturating_add(1)).read_to_end(&mut bytes)
    };
    read.map_err(io_error)?;
    if bytes.len() as u64 > limit {
        return Err(InputError::TooLarge { path: shown, limit });
    }
    Ok(bytes)
}

/// Reads an instrument, item-map or crosswalk file (at most the library's
/// [`MAX_FILE_BYTES`](health_equity_assessment::MAX_FILE_BYTES)).
pub fn read_file(path: &str) -> Result<String, InputError> {
    read_text(path, health_equity_assessment::MAX_FILE_BYTES as u64)
}

/// How a path is named in messages: `<stdin>` for `-`.
#[must_use]
pub fn display_name(path: &str) -> String {
    if path == "-" { "<stdin>".to_owned() } else { path.to_owned() }
}
