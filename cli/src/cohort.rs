//! `equity-assess cohort`: read many response documents, pair them, and print the statistics.

use std::fs::File;
use std::io::{self, BufReader};
use std::path::{Path, PathBuf};

use health_equity_assessment::Registry;
use health_equity_assessment::cohort::Cohort;

use crate::input::{self, Line};

/// Where documents come from.
#[derive(Debug, Clone)]
pub enum Source {
    /// One JSON document in a file.
    Document(PathBuf),
    /// Newline-delimited JSON in a file.
    Lines(PathBuf),
    /// Newline-delimited JSON on standard input.
    Stdin,
}

/// Expands the command-line inputs: files as given (`.ndjson` and `.jsonl` are read line by
/// line), directories recursively (their `.json`, `.ndjson` and `.jsonl` files, sorted), `-`
/// for newline-delimited JSON on standard input.
///
/// # Errors
/// A message naming an input that does not exist or cannot be listed.
pub fn sources(inputs: &[String]) -> Result<Vec<Source>, String> {
    let mut out = Vec::new();
    for input in inputs {
        if input == "-" {
            out.push(Source::Stdin);
            continue;
        }
        let path = PathBuf::from(input);
        if path.is_dir() {
            let mut files = Vec::new();
            walk(&path, &mut files).map_err(|e| format!("{input}: cannot list: {e}"))?;
            files.sort();
            out.extend(files.into_iter().map(classify));
        } else if path.exists() {
            out.push(classify(path));
        } else {
            return Err(format!("{input}: no such file or directory"));
        }
    }
    Ok(out)
}

fn walk(dir: &Path, files: &mut Vec<PathBuf>) -> io::Result<()> {
    for entry in std::fs::read_dir(dir)? {
        let path = entry?.path();
        if path.is_dir() {
            walk(&path, files)?;
        } else if matches!(path.extension().and_then(|e| e.to_str()), Some("json" | "ndjson" | "jsonl")) {
            files.push(path);
        }
    }
    Ok(())
}

fn classify(path: PathBuf) -> Source {
    match path.extension().and_then(|e| e.to_str()) {
        Some("ndjson" | "jsonl") => Source::Lines(path),
        _ => Source::Document(path),
    }
}

/// Reads, validates and scores every document into a cohort; documents with problems are
/// recorded as rejected (by file, or file and line) with one line per problem in `problems`.
///
/// # Errors
/// A message when an input cannot be read at all.
pub fn load(sources: &[Source], registry: &Registry, problems: &mut Vec<String>) -> Result<Cohort, String> {
    let mut loader = Loader { registry, cohort: Cohort::new(), problems };
    for source in sources {
        match source {
            Source::Document(path) => {
                let name = path.display().to_string();
                match input::read_text(&name, input::max_bytes()) {
                    Ok(text) => loader.add(name, &text),
                    Err(e) => loader.reject(name, e.to_string()),
                }
            }
            Source::Lines(path) => {
                let name = path.display().to_string();
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
        let mut number = 0usize;
        while let Some(line) =
            input::read_bounded_line(&mut reader, usize::try_from(input::max_bytes()).unwrap_or(usize::MAX))
                .map_err(|e| format!("{name}: cannot read: {e}"))?
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
                Line::TooLong(bytes) => {
                    self.reject(
                        source,
                        format!("line of {bytes} bytes is over the limit of {}; skipped", input::max_bytes()),
                    );
                }
                Line::NotUtf8(offset) => self.reject(source, crate::input::not_utf8(offset)),
            }
        }
        Ok(())
    }
}
