//! `equity-assess cohort`: read many response documents, pair them, and print the statistics.
//!
//! Every document is read once. Inputs are resolved to canonical paths, so the same file named
//! twice (`a.json` and `./a.json`) or reached through a link is read once and reported as a
//! duplicate of the name that sorts first. Directory walks follow links but never enter a
//! directory twice (a link loop such as `ln -s . loop` is walked once), and read only regular
//! files: a FIFO, socket or device named `*.json` is reported and skipped instead of blocking.

use std::collections::BTreeMap;
use std::fs::File;
use std::io::{self, BufReader};
use std::path::{Path, PathBuf};

use health_equity_assessment::Registry;
use health_equity_assessment::cohort::Cohort;

use crate::input::{self, Line};

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

/// The regular document files under `dir`, following links but never entering a directory
/// twice.
fn walk(dir: &Path, files: &mut BTreeMap<PathBuf, Vec<PathBuf>>, skipped: &mut Vec<String>) {
    for entry in walkdir::WalkDir::new(dir).follow_links(true).sort_by_file_name() {
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
fn shown(path: &Path) -> String {
    path.display().to_string()
}

/// Reads, validates and scores every document into a cohort; documents with problems are
/// recorded as rejected (by file, or file and line) with one line per problem in `problems`.
///
/// # Errors
/// A message when an input cannot be read at all.
pub fn load(sources: &Sources, registry: &Registry, problems: &mut Vec<String>) -> Result<Cohort, String> {
    let mut loader = Loader { registry, cohort: Cohort::new(), problems };
    for (name, same_as) in &sources.duplicates {
        loader.cohort.duplicate(name.clone(), same_as.clone());
    }
    for source in &sources.sources {
        match source {
            Source::Document(path) => {
                let name = shown(path);
                match input::read_text(&name, input::max_bytes()) {
                    Ok(text) => loader.add(name, &text),
                    Err(e) => loader.reject(name, e.to_string()),
                }
            }
            Source::Lines(path) => {
                let name = shown(path);
                let file = File::open(path).map_err(|e| format!("{name}: cannot read: {e}"))?;
                loader.lines(&name, BufReader::new(file))?;
            }
            Source::Stdin => loader.lines("<stdin>", io::stdin().lock())?,
        }
    }
    Ok(loader.cohort)
}

struct Loader<'a> {
    registry: &'a Registry,
    cohort: Cohort,
    problems: &'a mut Vec<String>,
}

impl Loader<'_> {
    fn add(&mut self, source: String, text: &str) {
        match self.registry.validate_json_with(text, &input::limits()) {
            Ok(validated) => self.cohort.add(source, validated.score()),
            Err(e) => {
                let lines: Vec<String> = e.problems().iter().map(ToString::to_string).collect();
                self.problems.extend(lines.iter().map(|l| format!("{source}: {l}")));
                self.cohort.reject(source, lines);
            }
        }
    }

    fn reject(&mut self, source: String, message: String) {
        self.problems.push(format!("{source}: {message}"));
        self.cohort.reject(source, vec![message]);
    }

    fn lines<R: io::BufRead>(&mut self, name: &str, mut reader: R) -> Result<(), String> {
        let limit = input::max_line_bytes();
        let mut number = 0usize;
        while let Some(line) =
            input::read_bounded_line(&mut reader, limit).map_err(|e| format!("{name}: cannot read: {e}"))?
        {
            number += 1;
            let source = format!("{name}:{number}");
            match line {
                Line::Text(text) => {
                    let text = text.strip_prefix('\u{feff}').unwrap_or(&text);
                    if !text.trim().is_empty() {
                        self.add(source, text);
                    }
                }
                Line::TooLong => {
                    // The line's end is not known without reading on without bound (a source
                    // such as /dev/zero never ends one), so reading this source stops here.
                    self.reject(source, input::too_long(limit));
                    break;
                }
                Line::NotUtf8(offset) => self.reject(source, crate::input::not_utf8(offset)),
            }
        }
        Ok(())
    }
}
