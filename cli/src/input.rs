//! Reading documents from files or standard input, bounded so an oversized input is refused
//! before it is read in full.

use std::fs::File;
use std::io::{self, Read};
use std::path::Path;

/// Largest document read by default: 4 MiB, the library's default response limit.
pub const DEFAULT_MAX_BYTES: u64 = 4 << 20;

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
        match self {
            InputError::Io { path, source } => write!(f, "{path}: cannot read: {source}"),
            InputError::TooLarge { path, limit } => {
                write!(f, "{path}: larger than the limit of {limit} bytes; not read")
            }
            InputError::NotUtf8 { path, offset } => {
                write!(f, "{path}: not UTF-8 text (invalid byte at offset {offset})")
            }
        }
    }
}

/// Reads `path` (or standard input for `-`) as UTF-8 text of at most `limit` bytes.
/// A leading byte-order mark is dropped.
pub fn read_text(path: &str, limit: u64) -> Result<String, InputError> {
    let shown = display_name(path);
    let io_error = |source| InputError::Io { path: shown.clone(), source };
    let mut bytes = Vec::new();
    let read = if path == "-" {
        io::stdin().lock().take(limit + 1).read_to_end(&mut bytes)
    } else {
        let file = File::open(Path::new(path)).map_err(io_error)?;
        if file.metadata().map(|m| m.is_dir()).unwrap_or(false) {
            return Err(InputError::Io {
                path: shown,
                source: io::Error::new(io::ErrorKind::InvalidInput, "is a directory"),
            });
        }
        file.take(limit + 1).read_to_end(&mut bytes)
    };
    read.map_err(io_error)?;
    if bytes.len() as u64 > limit {
        return Err(InputError::TooLarge { path: shown, limit });
    }
    let text = String::from_utf8(bytes)
        .map_err(|e| InputError::NotUtf8 { path: shown.clone(), offset: e.utf8_error().valid_up_to() })?;
    Ok(match text.strip_prefix('\u{feff}') {
        Some(rest) => rest.to_owned(),
        None => text,
    })
}

/// How a path is named in messages: `<stdin>` for `-`.
#[must_use]
pub fn display_name(path: &str) -> String {
    if path == "-" { "<stdin>".to_owned() } else { path.to_owned() }
}
