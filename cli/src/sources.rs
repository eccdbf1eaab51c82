//! Where a cohort's documents come from: files, directories and standard input, each document
//! once.
//!
//! Inputs are resolved to canonical paths, so the same file named twice (`a.json` and
//! `./a.json`) or reached through a link is read once and reported as a duplicate of the name
//! that sorts first. Directory walks follow links but never enter a directory twice: a link
//! loop (`ln -s . loop`) or many links to one directory cost one visit each, not one walk each
//! (links to links to a directory would otherwise cost exponentially many). Only regular files
//! are read from a directory: a FIFO, socket or device named `*.json` is reported and skipped
//! instead of blocking.

use std::collections::BTreeMap;
use std::io;
use std::path::{Path, PathBuf};

use std::collections::BTreeSet;

/// Where documents come from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Source {
    /// One JSON document in a file.
    Document(PathBuf),
    /// Newline-delimited JSON in a file.
    Lines(PathBuf),
    /// Newline-delimited JSON on standard input.
    Stdin,
}

/// The inputs resolved: each document once, and what was skipped.
#[derive(Debug, Default)]
pub struct Sources {
    /// The sources to read, in a fixed order.
    pub sources: Vec<Source>,
    /// `(name, same_as)`: names that resolve to a file already listed.
    pub duplicates: Vec<(String, String)>,
    /// One message per entry that was not read (not a regular file, a link loop, unlistable).
    pub skipped: Vec<String>,
}

fn is_document(path: &Path) -> bool {
    matches!(path.extension().and_then(|e| e.to_str()), Some("json" | "ndjson" | "jsonl"))
}

/// Expands the command-line inputs: files as given (`.ndjson` and `.jsonl` are read line by
/// line), directories recursively (their `.json`, `.ndjson` and `.jsonl` regular files), `-` for
/// newline-delimited JSON on standard input (once).
///
/// # Errors
/// A message naming an input that does not exist, or `-` given twice.
pub fn sources(inputs: &[String]) -> Result<Sources, String> {
    let mut out = Sources::default();
    // Canonical path → every name it was reached by.
    let mut files: BTreeMap<PathBuf, Vec<PathBuf>> = BTreeMap::new();
    let mut stdin = false;
    for input in inputs {
        if input == "-" {
            if std::mem::replace(&mut stdin, true) {
                return Err("standard input (-) can be read only once".to_owned());
            }
            continue;
        }
        let path = PathBuf::from(input);
        let metadata = std::fs::metadata(&path).map_err(|e| match e.kind() {
            io::ErrorKind::NotFound => format!("{}: no such file or directory", shown(&path)),
            _ => format!("{}: cannot read: {e}", shown(&path)),
        })?;
        if metadata.is_dir() {
            walk(&path, &mut files, &mut out.skipped);
        } else {
            // A file named on the command line is read whatever it is: `<(command)` is a pipe.
            add(&mut files, path);
        }
    }
    for names in files.into_values() {
        let mut names = names.into_iter();
        let Some(first) = names.next() else { continue };
        for again in names {
            out.duplicates.push((shown(&again), shown(&first)));
        }
        out.sources.push(classify(first));
    }
    out.sources.sort_by_key(source_name);
    if stdin {
        out.sources.push(Source::Stdin);
    }
    Ok(out)
}

/// Records `path` under its canonical path; names are kept sorted, so the first sorts first.
fn add(files: &mut BTreeMap<PathBuf, Vec<PathBuf>>, path: PathBuf) {
    let key = std::fs::canonicalize(&path).unwrap_or_else(|_| path.clone());
    let names = files.entry(key).or_default();
    let at = names.partition_point(|n| n.as_os_str() < path.as_os_str());
    if names.get(at) != Some(&path) {
        names.insert(at, path);
    }
}

/// The regular document files under `dir`, following links but entering each directory once.
fn walk(dir: &Path, files: &mut BTreeMap<PathBuf, Vec<PathBuf>>, skipped: &mut Vec<String>) {
    // Canonical directory → the path it was first entered by (walks are sorted, so the first is
    // the one that sorts first).
    let mut entered: BTreeMap<PathBuf, PathBuf> = BTreeMap::new();
    let mut again: BTreeSet<(String, String)> = BTreeSet::new();
    let walker = walkdir::WalkDir::new(dir).follow_links(true).sort_by_file_name().into_iter();
    let walker = walker.filter_entry(|entry| {
        if !entry.file_type().is_dir() {
            return true;
        }
        let Ok(canonical) = std::fs::canonicalize(entry.path()) else { return true };
        match entered.get(&canonical) {
            None => {
                entered.insert(canonical, entry.path().to_path_buf());
                true
            }
            Some(first) => {
                again.insert((shown(entry.path()), shown(first)));
                false
            }
        }
    });
    for entry in walker {
        let entry = match entry {
            Ok(entry) => entry,
            Err(e) => {
                let at = e.path().map_or_else(|| shown(dir), shown);
                match e.loop_ancestor() {
                    Some(ancestor) => skipped.push(format!(
                        "{at}: a link back to {}, which is already being searched; not searched again",
                        shown(ancestor)
                    )),
                    None => skipped.push(format!(
                        "{at}: cannot read: {}",
                        e.io_error().map_or_else(|| e.to_string(), ToString::to_string)
                    )),
                }
                continue;
            }
        };
        let path = entry.path();
        if entry.file_type().is_dir() || !is_document(path) {
            continue;
        }
        if entry.file_type().is_file() {
            add(files, path.to_path_buf());
        } else {
            skipped.push(format!("{}: not a regular file (a FIFO, socket or device); skipped", shown(path)));
        }
    }
    skipped.extend(
        again
            .into_iter()
            .map(|(at, first)| format!("{at}: the directory {first}, already searched; not searched again")),
    );
}

fn classify(path: PathBuf) -> Source {
    match path.extension().and_then(|e| e.to_str()) {
        Some("ndjson" | "jsonl") => Source::Lines(path),
        _ => Source::Document(path),
    }
}

fn source_name(source: &Source) -> String {
    match source {
        Source::Document(p) | Source::Lines(p) => shown(p),
        Source::Stdin => "<stdin>".to_owned(),
    }
}

/// A path as shown in messages and reports.
pub fn shown(path: &Path) -> String {
    path.display().to_string()
}
