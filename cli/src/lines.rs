//! Newline-delimited input processed in parallel and consumed in input order.
//!
//! One thread reads the input in chunks of whole lines (cut at the last line break, the rest
//! carried into the next chunk), `jobs` threads process chunks, and the calling thread consumes
//! their outputs in input order. Chunks and their outputs travel in a fixed pool of
//! `2 × jobs` buffers that the consumer hands back, so memory is bounded by the pool whatever
//! the input size: at most `2 × jobs × (chunk + its output)`, where a chunk holds
//! [`chunk_bytes`] of input or one line, whichever is larger (a line is at most the document
//! limit). Lines are processed in place in the chunk, never copied. The result does not depend
//! on `jobs`: each chunk's output is a function of its lines alone, consumed in order.
//!
//! Line rules (those of every newline-delimited input of the command): a line ends at `\n`, and a
//! `\r` before it is dropped; lines are numbered from 1; a line longer than the limit ends the
//! input (its end cannot be found without reading on without bound, as from `/dev/zero`).

use std::io::{self, Read};
use std::sync::mpsc::{Receiver, SyncSender, sync_channel};
use std::sync::{Arc, Mutex};

use crate::output::Failure;

/// One line of input, as the processing sees it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Line<'a> {
    /// A line of at most the limit, without its line ending.
    Text(&'a str),
    /// A line longer than the limit: the last line of the input.
    TooLong,
    /// A line that is not UTF-8: the offset of the first bad byte.
    NotUtf8(usize),
}

/// The input bytes of a chunk: a 4 MiB budget of input spread over the `2 × jobs` buffers (an
/// output is about six times its input), at least 16 KiB and at most 1 MiB.
#[must_use]
pub fn chunk_bytes(jobs: usize) -> usize {
    ((4 << 20) / (2 * jobs.max(1))).clamp(16 << 10, 1 << 20)
}

/// A chunk of whole lines and what processing made of it.
struct Chunk<T> {
    /// Order of the chunk in the input.
    sequence: u64,
    /// Number of the chunk's first line.
    first_line: u64,
    /// A buffer whose first `filled` bytes are the chunk's lines.
    input: Vec<u8>,
    filled: usize,
    /// After the chunk's lines, the input has a line longer than the limit.
    then_too_long: bool,
    /// The chunk ends the input (its last line was too long).
    last: bool,
    output: T,
}

/// Processes every line of `input` with `process` on `jobs` threads and hands each chunk's
/// output to `consume` in input order. `process` receives the line number and the line;
/// `consume` must leave the output ready for reuse (cleared).
///
/// # Errors
/// A read error, or what `consume` returns (which stops the reading).
pub fn process<T, P, C>(
    input: Box<dyn Read + Send>,
    jobs: usize,
    limit: usize,
    new_output: impl Fn() -> T,
    process: P,
    mut consume: C,
) -> Result<(), Failure>
where
    T: Send,
    P: Fn(&mut T, u64, Line<'_>) + Sync,
    C: FnMut(&mut T) -> Result<(), Failure>,
{
    let jobs = jobs.max(1);
    let pool_size = 2 * jobs;
    let target = chunk_bytes(jobs);
    let (pool_tx, pool_rx) = sync_channel::<Chunk<T>>(pool_size);
    for _ in 0..pool_size {
        let chunk = Chunk {
            sequence: 0,
            first_line: 0,
            input: Vec::new(),
            filled: 0,
            then_too_long: false,
            last: false,
            output: new_output(),
        };
        let _ = pool_tx.send(chunk);
    }
    let (work_tx, work_rx) = sync_channel::<Chunk<T>>(pool_size);
    let (done_tx, done_rx) = sync_channel::<Chunk<T>>(pool_size);
    let work_rx = Arc::new(Mutex::new(work_rx));

    std::thread::scope(|scope| {
        let reader = scope.spawn(move || read_chunks(input, target, limit, &pool_rx, &work_tx));
        for _ in 0..jobs {
            let work_rx = Arc::clone(&work_rx);
            let done_tx = done_tx.clone();
            let process = &process;
            scope.spawn(move || {
                loop {
                    // The lock is held only to take the next chunk.
                    let next = work_rx.lock().map_err(|_| ()).and_then(|rx| rx.recv().map_err(|_| ()));
                    let Ok(mut chunk) = next else { return };
                    process_chunk(&mut chunk, limit, process);
                    if done_tx.send(chunk).is_err() {
                        return;
                    }
                }
            });
        }
        drop(done_tx);
        let consumed = consume_in_order(&done_rx, &pool_tx, &mut consume);
        // Whatever happened, let the other threads see closed channels and end.
        drop(done_rx);
        drop(pool_tx);
        let read = reader.join().unwrap_or_else(|_| Err(Failure::Usage("the input reader stopped".to_owned())));
        consumed?;
        read
    })
}

/// Hands chunk outputs to `consume` in sequence order and returns chunks to the pool.
fn consume_in_order<T, C>(
    done: &Receiver<Chunk<T>>,
    pool: &SyncSender<Chunk<T>>,
    consume: &mut C,
) -> Result<(), Failure>
where
    C: FnMut(&mut T) -> Result<(), Failure>,
{
    let mut waiting: std::collections::BTreeMap<u64, Chunk<T>> = std::collections::BTreeMap::new();
    let mut next = 0u64;
    while let Ok(chunk) = done.recv() {
        waiting.insert(chunk.sequence, chunk);
        while let Some(mut chunk) = waiting.remove(&next) {
            consume(&mut chunk.output)?;
            next += 1;
            if chunk.last {
                return Ok(());
            }
            // A buffer grown by one huge line is not kept.
            if chunk.input.len() > 4 * chunk_bytes(1) {
                chunk.input = Vec::new();
            }
            // The reader may have finished and gone: the chunk is then simply dropped.
            let _ = pool.send(chunk);
        }
    }
    Ok(())
}

/// Lines in a chunk: its line breaks, and a last line without one.
fn count_lines(input: &[u8]) -> u64 {
    let breaks = memchr::memchr_iter(b'\n', input).count() as u64;
    breaks + u64::from(input.last().is_some_and(|b| *b != b'\n'))
}

/// Reads `input` into chunks of whole lines taken from the pool and sends them to the workers.
fn read_chunks<T>(
    mut input: Box<dyn Read + Send>,
    target: usize,
    limit: usize,
    pool: &Receiver<Chunk<T>>,
    work: &SyncSender<Chunk<T>>,
) -> Result<(), Failure> {
    let mut carry: Vec<u8> = Vec::new();
    let mut sequence = 0u64;
    let mut next_line = 1u64;
    let mut at_end = false;
    while !at_end {
        let Ok(mut chunk) = pool.recv() else { return Ok(()) };
        // The buffer is zeroed once, when it grows; reads go straight into it.
        let size = (target + (64 << 10)).max(carry.len() + (64 << 10));
        if chunk.input.len() < size {
            chunk.input.resize(size, 0);
        }
        chunk.input[..carry.len()].copy_from_slice(&carry);
        chunk.filled = carry.len();
        carry.clear();
        // Read until the chunk holds a line break past the target, the pending line is over the
        // limit, or the input ends.
        let mut too_long = false;
        loop {
            let last_break = memchr::memrchr(b'\n', &chunk.input[..chunk.filled]);
            if chunk.filled >= target && last_break.is_some() {
                break;
            }
            if chunk.filled - last_break.map_or(0, |i| i + 1) > limit {
                too_long = true;
                break;
            }
            if chunk.filled == chunk.input.len() {
                // One line longer than the buffer (at most the limit): grow it.
                let grown = chunk.input.len() * 2;
                chunk.input.resize(grown, 0);
            }
            // What is available now: a slow producer's lines are processed as they come, never
            // waited for to fill a chunk.
            let read = loop {
                match input.read(&mut chunk.input[chunk.filled..]) {
                    Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                    other => break other,
                }
            };
            match read {
                Ok(0) => {
                    at_end = true;
                    break;
                }
                Ok(n) => chunk.filled += n,
                Err(e) => return Err(Failure::Usage(format!("cannot read: {e}"))),
            }
        }
        let last_break = memchr::memrchr(b'\n', &chunk.input[..chunk.filled]).map(|i| i + 1);
        if too_long {
            // Keep the complete lines; the pending one is over the limit and ends the input.
            chunk.filled = last_break.unwrap_or(0);
            chunk.then_too_long = true;
            chunk.last = true;
            at_end = true;
        } else if !at_end {
            let cut = last_break.unwrap_or(chunk.filled);
            carry.extend_from_slice(&chunk.input[cut..chunk.filled]);
            chunk.filled = cut;
            chunk.then_too_long = false;
            chunk.last = false;
        } else {
            chunk.then_too_long = false;
            chunk.last = true;
        }
        chunk.sequence = sequence;
        chunk.first_line = next_line;
        next_line += count_lines(&chunk.input[..chunk.filled]) + u64::from(chunk.then_too_long);
        sequence += 1;
        if work.send(chunk).is_err() {
            break;
        }
    }
    Ok(())
}

/// Processes the lines of one chunk in order. A line over the limit is the chunk's last (and
/// the input's): the chunk is marked last.
fn process_chunk<T, P>(chunk: &mut Chunk<T>, limit: usize, process: &P)
where
    P: Fn(&mut T, u64, Line<'_>) + Sync,
{
    let mut number = chunk.first_line;
    let mut rest = &chunk.input[..chunk.filled];
    while !rest.is_empty() {
        let (line, next) = match memchr::memchr(b'\n', rest) {
            Some(i) => (&rest[..i], &rest[i + 1..]),
            None => (rest, &rest[rest.len()..]),
        };
        rest = next;
        if line.len() > limit {
            process(&mut chunk.output, number, Line::TooLong);
            chunk.last = true;
            return;
        }
        let line = line.strip_suffix(b"\r").unwrap_or(line);
        match std::str::from_utf8(line) {
            Ok(text) => process(&mut chunk.output, number, Line::Text(text)),
            Err(e) => process(&mut chunk.output, number, Line::NotUtf8(e.valid_up_to())),
        }
        number += 1;
    }
    if chunk.then_too_long {
        process(&mut chunk.output, number, Line::TooLong);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lines_of(data: &'static [u8], jobs: usize, limit: usize) -> Vec<(u64, String)> {
        let mut seen = Vec::new();
        let result = process(
            Box::new(data),
            jobs,
            limit,
            Vec::new,
            |out: &mut Vec<(u64, String)>, n, line| out.push((n, format!("{line:?}"))),
            |out| {
                seen.append(out);
                Ok(())
            },
        );
        assert!(result.is_ok());
        seen
    }

    #[test]
    fn lines_are_numbered_split_and_bounded() {
        let data = b"short\r\n\xff\xfe\nlast\n0123456789abcdef\nnever read";
        let expected = vec![
            (1, "Text(\"short\")".to_owned()),
            (2, "NotUtf8(0)".to_owned()),
            (3, "Text(\"last\")".to_owned()),
            (4, "TooLong".to_owned()),
        ];
        for jobs in [1, 2, 5] {
            assert_eq!(lines_of(data, jobs, 10), expected);
        }
        assert_eq!(lines_of(b"", 2, 10), vec![]);
        assert_eq!(
            lines_of(b"a\n\nb", 2, 10),
            vec![(1, "Text(\"a\")".to_owned()), (2, "Text(\"\")".to_owned()), (3, "Text(\"b\")".to_owned())]
        );
    }

    #[test]
    fn an_endless_line_stops_at_the_limit() {
        let mut seen = Vec::new();
        let result = process(
            Box::new(io::repeat(b'x')),
            2,
            1 << 16,
            Vec::new,
            |out: &mut Vec<u64>, n, line| {
                assert_eq!(line, Line::TooLong);
                out.push(n);
            },
            |out| {
                seen.append(out);
                Ok(())
            },
        );
        assert!(result.is_ok());
        assert_eq!(seen, [1]);
    }

    #[test]
    fn many_chunks_come_back_in_order() {
        let text: String = (1..=200_000).map(|n| format!("{n}\n")).collect();
        let data: &'static [u8] = Box::leak(text.into_bytes().into_boxed_slice());
        for jobs in [1, 3] {
            let seen = lines_of(data, jobs, 100);
            assert_eq!(seen.len(), 200_000);
            assert!(seen.iter().enumerate().all(|(i, (n, l))| *n == i as u64 + 1 && *l == format!("Text(\"{n}\")")));
        }
    }
}
