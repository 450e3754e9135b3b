//! A CSV input read record by record: the header, then one reused byte
//! record at a time, so memory does not grow with the file.
//!
//! Handles what real exports do: a UTF-8 byte-order mark, CRLF or LF line
//! ends, no newline after the last row, blank lines (skipped), short rows
//! (missing cells read as empty) and surrounding spaces in cells (trimmed).
//! Errors name the file, the 1-based line and the column.
//!
//! The csv crate's record line numbers miscount CRLF files and blank lines,
//! so the line of a record is worked out only when an error needs it, by
//! counting line ends in the file up to the record's first byte.

use std::io::{self, BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};

use rayon::iter::{ParallelBridge, ParallelIterator};

use super::input::{Content, Input};
use super::records::{Blocks, Rec, Splitter, BLOCK};
use crate::error::{Error, Location, Result};

/// The UTF-8 byte-order mark.
const BOM: &[u8] = b"\xEF\xBB\xBF";

/// An open CSV file positioned after its header.
pub(crate) struct Source {
    path: PathBuf,
    input: Input,
    blocks: Blocks,
    headers: Vec<String>,
    /// The current block, its file offset, and the read position in it.
    block: Vec<u8>,
    block_at: u64,
    at: usize,
    split: Splitter,
    /// File offset where the current record starts.
    rec_at: u64,
    /// The data rows read so far.
    tally: Tally,
}

/// Data rows counted, and rows with more cells than the header: how many,
/// and the file offset of the first. Threads count apart and add up.
#[derive(Default)]
struct Tally {
    rows: u64,
    long_rows: u64,
    first_long: Option<u64>,
}

impl Tally {
    /// Counts a non-blank record starting at file offset `at`; `long` when
    /// it has more cells than the header.
    fn count(&mut self, long: bool, at: u64) {
        self.rows += 1;
        if long {
            self.long_rows += 1;
            self.first_long = Some(self.first_long.map_or(at, |f| f.min(at)));
        }
    }

    fn merge(&mut self, o: Tally) {
        self.rows += o.rows;
        self.long_rows += o.long_rows;
        self.first_long = match (self.first_long, o.first_long) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (a, b) => a.or(b),
        };
    }
}

impl Source {
    /// Opens `path` and reads its header row. An empty file is an error.
    /// The content is told from the bytes ([`Input::open`]): CSV, gzip
    /// CSV, or JSON made into a table.
    pub fn open(path: &Path) -> Result<Source> {
        Source::from_input(Input::open(path)?)
    }

    /// Reads the header row of `input`.
    pub fn from_input(input: Input) -> Result<Source> {
        let path = input.path().to_path_buf();
        let read_err = |source| Error::Read { path: path.clone(), source };
        if input.content() == Content::Csv {
            let meta = std::fs::metadata(&path).map_err(read_err)?;
            if meta.is_file() && meta.len() > super::records::MAX_INPUT_BYTES {
                return Err(read_err(super::records::too_large()));
            }
        }
        let mut file = input.reader().map_err(read_err)?;
        let head = super::input::head_of(&mut file, 4).map_err(read_err)?;
        if let Some(e) = crate::spec::doc::utf16_error(&path, &head) {
            return Err(e);
        }
        let skipped = if head.starts_with(BOM) { BOM.len() } else { 0 };
        let mut blocks = Blocks::new(file, head[skipped..].to_vec(), skipped as u64);
        let mut block = Vec::with_capacity(BLOCK);
        let block_at = blocks.next_into(&mut block).map_err(read_err)?.unwrap_or(skipped as u64);
        let (mut split, mut at) = (Splitter::default(), 0);
        let headers: Vec<String> = match split.next(&block, &mut at) {
            Some(_) => {
                let r = split.record();
                (0..r.len()).map(|c| String::from_utf8_lossy(r.cell(c)).trim().to_string()).collect()
            }
            None => Vec::new(),
        };
        if headers.iter().all(String::is_empty) {
            return Err(Error::Invalid {
                at: Location::file(&path),
                message: match input.content() {
                    Content::Csv => "the file is empty; expected a CSV file with a header row and data rows".into(),
                    c => format!("the {} file holds no rows; expected a header row and data rows", c.label()),
                },
            });
        }
        Ok(Source {
            path,
            input,
            blocks,
            headers,
            block,
            block_at,
            at,
            split,
            rec_at: block_at,
            tally: Tally::default(),
        })
    }

    /// The input (to open it again, or to know its content).
    pub fn input(&self) -> &Input {
        &self.input
    }

    /// The file.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The header names, trimmed, as written.
    pub fn headers(&self) -> &[String] {
        &self.headers
    }

    fn no_rows(&self) -> Error {
        Error::Invalid {
            at: Location { file: self.path.clone(), line: Some(1), key: None },
            message: format!("the file has a header row ({}) but no data rows", self.headers.join(", ")),
        }
    }

    /// Moves to the next non-blank record; false at the end of the file.
    /// A file with a header and no data rows is an error.
    pub fn next_record(&mut self) -> Result<bool> {
        loop {
            let Some(start) = self.split.next(&self.block, &mut self.at) else {
                let read = self.blocks.next_into(&mut self.block);
                match read.map_err(|source| Error::Read { path: self.path.clone(), source })? {
                    Some(off) => {
                        (self.block_at, self.at) = (off, 0);
                        continue;
                    }
                    None if self.tally.rows == 0 => return Err(self.no_rows()),
                    None => return Ok(false),
                }
            };
            self.rec_at = self.block_at + start as u64;
            let r = self.split.record();
            if !r.is_blank() {
                self.tally.count(r.len() > self.headers.len(), self.rec_at);
                return Ok(true);
            }
        }
    }

    /// Reads the remaining records, each thread folding the records it is
    /// given into its own state (`init()`) with `row`, which returns false
    /// to stop the read. Returns the states, in no particular order, or None
    /// when a `row` returned false; the caller then reads the file again
    /// with [`Source::next_record`] for the exact error. So `row`'s state
    /// must add up to the same result whichever rows it sees, and in
    /// whatever order the states are combined (sums of integers, minima,
    /// maxima).
    ///
    /// With `threads` above one, on rayon's threads: the file is cut into
    /// blocks of about [`BLOCK`] bytes that end at record ends, and
    /// whichever thread is free reads the next block and parses it. With
    /// one, in this thread, block after block.
    pub fn fold_par<S: Send>(
        &mut self,
        threads: usize,
        init: impl Fn() -> S + Sync,
        row: impl Fn(&mut S, Rec<'_>) -> bool + Sync,
    ) -> Result<Option<Vec<S>>> {
        let path = self.path.clone();
        let read_err = |source| Error::Read { path: path.clone(), source };
        let cols = self.headers.len();
        // Parses the records of `block` from `at`; false when `row` refused one.
        let work = |state: &mut S, tally: &mut Tally, split: &mut Splitter, block: &[u8], off: u64, mut at: usize| {
            while let Some(start) = split.next(block, &mut at) {
                let r = split.record();
                if r.is_blank() {
                    continue;
                }
                tally.count(r.len() > cols, off + start as u64);
                if !row(state, r) {
                    return false;
                }
            }
            true
        };
        let first = (std::mem::take(&mut self.block), self.block_at, self.at);
        let mut tally = Tally::default();
        let (states, failed) = if threads <= 1 {
            let mut state = init();
            let mut ok = work(&mut state, &mut tally, &mut self.split, &first.0, first.1, first.2);
            let mut block = first.0;
            while ok {
                let Some(off) = self.blocks.next_into(&mut block).map_err(read_err)? else { break };
                ok = work(&mut state, &mut tally, &mut self.split, &block, off, 0);
            }
            (vec![state], !ok)
        } else {
            // Set when a row is refused or a read fails: the other threads stop.
            let stop = AtomicBool::new(false);
            let (blocks, mut first) = (&mut self.blocks, Some(first));
            let feed = std::iter::from_fn(|| {
                if let Some(f) = first.take() {
                    return Some(Ok(f));
                }
                if stop.load(Ordering::Relaxed) {
                    return None;
                }
                let mut block = Vec::with_capacity(BLOCK);
                blocks.next_into(&mut block).transpose().map(|r| r.map(|off| (block, off, 0)))
            });
            let parts: Vec<Part<S>> = feed
                .par_bridge()
                .fold(
                    || Part { state: init(), tally: Tally::default(), split: Splitter::default(), stopped: None },
                    |mut p, piece| {
                        if stop.load(Ordering::Relaxed) {
                            return p;
                        }
                        p.stopped = match piece {
                            Ok((block, off, at)) => {
                                let ok = work(&mut p.state, &mut p.tally, &mut p.split, &block, off, at);
                                (!ok).then_some(Stopped::Refused)
                            }
                            Err(e) => Some(Stopped::Read(e)),
                        };
                        if p.stopped.is_some() {
                            stop.store(true, Ordering::Relaxed);
                        }
                        p
                    },
                )
                .collect();
            let mut states = Vec::with_capacity(parts.len());
            let mut failed = false;
            for p in parts {
                match p.stopped {
                    Some(Stopped::Read(e)) => return Err(read_err(e)),
                    Some(Stopped::Refused) => failed = true,
                    None => {}
                }
                tally.merge(p.tally);
                states.push(p.state);
            }
            (states, failed)
        };
        if failed {
            return Ok(None);
        }
        if tally.rows == 0 {
            return Err(self.no_rows());
        }
        self.tally = tally;
        Ok(Some(states))
    }

    /// Data rows read so far.
    pub fn rows(&self) -> u64 {
        self.tally.rows
    }

    /// A warning when rows had more cells than the header has columns: the
    /// extra cells belong to no column and are not read (often a comma
    /// inside an unquoted value). Finds the first such row's line, so call it
    /// once, at the end.
    pub fn long_rows_warning(&self) -> Option<String> {
        let at = self.tally.first_long?;
        let line = self.place_at(at);
        Some(format!(
            "{}: {} row(s) have more cells than the header's {} columns, the first at {line}; \
             the extra cells are not read (an unquoted comma inside a value?)",
            self.path.display(),
            self.tally.long_rows,
            self.headers.len()
        ))
    }

    /// 1-based line where the current record starts (reads the file up to
    /// the record: call it for messages, not per row). In a table made
    /// from JSON, the line of its CSV form (the header, then one per row).
    pub fn line(&self) -> usize {
        line_at(&self.input, self.rec_at).unwrap_or(0)
    }

    /// Where the record at byte `at` is, for messages: `line 7`, or in a
    /// table made from JSON its place (`data[0].results[2]`).
    fn place_at(&self, at: u64) -> String {
        let line = line_at(&self.input, at).unwrap_or(0);
        match self.input.place(line.saturating_sub(2)) {
            Some(p) => p,
            None => format!("line {line}"),
        }
    }

    /// Where the current record is, for messages: `line 7` or its place.
    pub fn place(&self) -> String {
        self.place_at(self.rec_at)
    }

    /// Where the current record is, found without reading the file again
    /// (for a note kept per row): its place in a table, else `data row N`.
    /// Only after [`Source::next_record`].
    pub fn quick_place(&self) -> String {
        let i = self.tally.rows.saturating_sub(1) as usize;
        self.input.place(i).unwrap_or_else(|| format!("data row {}", i + 1))
    }

    /// The location of the current record, with `key` (a column name):
    /// file and line, or for a table, file and the row's place before the key.
    pub fn location(&self, key: Option<String>) -> Location {
        let line = self.line();
        match self.input.place(line.saturating_sub(2)) {
            Some(p) => Location {
                file: self.path.clone(),
                line: None,
                key: Some(match key {
                    Some(k) => format!("{p}, field `{k}`"),
                    None => p,
                }),
            },
            None => Location { file: self.path.clone(), line: Some(line), key },
        }
    }

    /// The current record.
    pub fn record(&self) -> Rec<'_> {
        self.split.record()
    }

    /// Cell `col` of the current record, trimmed; empty when the row is short.
    pub fn cell(&self, col: usize) -> &[u8] {
        self.split.record().cell(col)
    }

    /// Cell `col` as text; invalid UTF-8 is an error at its line and column.
    pub fn text(&self, col: usize) -> Result<&str> {
        std::str::from_utf8(self.cell(col)).map_err(|_| self.error(col, "the cell is not UTF-8 text".into()))
    }

    /// An [`Error::Invalid`] at the current line and column `col`.
    pub fn error(&self, col: usize, message: String) -> Error {
        Error::Invalid { at: self.location(Some(self.headers.get(col).cloned().unwrap_or_default())), message }
    }

    /// `cell` quoted for a message, shortened when long.
    pub fn shown(&self, col: usize) -> String {
        shown(self.cell(col))
    }
}

/// What one thread of [`Source::fold_par`] holds: its state, its rows,
/// its splitter, and why it stopped, if it did.
struct Part<S> {
    state: S,
    tally: Tally,
    split: Splitter,
    stopped: Option<Stopped>,
}

/// Why a thread of [`Source::fold_par`] stopped.
enum Stopped {
    /// `row` refused a record.
    Refused,
    /// Reading the next block failed.
    Read(io::Error),
}

/// The line of the first record starting at or after byte `from`: line ends
/// before `from`, plus those of the blank lines the csv reader skipped.
fn line_at(input: &Input, from: u64) -> Option<usize> {
    let mut r = BufReader::new(input.reader().ok()?);
    let (mut line, mut pos, mut after_cr) = (1, 0u64, false);
    loop {
        let buf = r.fill_buf().ok()?;
        if buf.is_empty() {
            return Some(line);
        }
        let mut used = 0;
        for &b in buf {
            if pos >= from && b != b'\n' && b != b'\r' {
                return Some(line);
            }
            // A line ends at LF, CRLF or a lone CR (as the splitter reads them).
            line += usize::from(b == b'\r' || (b == b'\n' && !after_cr));
            after_cr = b == b'\r';
            pos += 1;
            used += 1;
        }
        r.consume(used);
    }
}

/// A cell's text quoted for an error message, at most 60 characters.
pub(crate) fn shown(cell: &[u8]) -> String {
    let s = String::from_utf8_lossy(cell);
    let clipped: String = s.chars().take(60).collect();
    if clipped.len() < s.len() {
        format!("`{clipped}…`")
    } else {
        format!("`{clipped}`")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn open(text: &[u8]) -> (tempfile::TempDir, Result<Source>) {
        let d = tempfile::tempdir().unwrap();
        let p = d.path().join("u.csv");
        std::fs::write(&p, text).unwrap();
        let s = Source::open(&p);
        (d, s)
    }

    #[test]
    fn bom_crlf_blank_lines_and_no_final_newline() {
        let (_d, s) =
            open(b"\xEF\xBB\xBFmonth,Model\r\n2027-01 , m\r\n\r\n  , \r\n2027-02,n\r\n\n\"a\r\nb\",x\r\n2027-03,o");
        let mut s = s.unwrap();
        assert_eq!(s.headers(), ["month", "Model"]);
        assert!(s.next_record().unwrap());
        assert_eq!((s.line(), s.cell(0), s.text(1).unwrap()), (2, &b"2027-01"[..], "m"));
        assert!(s.next_record().unwrap());
        assert_eq!((s.line(), s.cell(1), s.cell(7)), (5, &b"n"[..], &b""[..]));
        assert!(s.next_record().unwrap());
        assert_eq!((s.line(), s.cell(0)), (7, &b"a\r\nb"[..]));
        assert!(s.next_record().unwrap());
        assert_eq!((s.line(), s.cell(1)), (9, &b"o"[..]));
        assert!(!s.next_record().unwrap());
        assert_eq!(s.rows(), 4);
        assert!(s.long_rows_warning().is_none());
    }

    #[test]
    fn empty_and_header_only_files_are_errors() {
        for empty in [&b""[..], b"\n\n", b"\xEF\xBB\xBF", b" , \r\n"] {
            let e = open(empty).1.err().expect("error").to_string();
            assert!(e.contains("the file is empty"), "{e}");
        }
        let (_d, s) = open(b"month,model\r\n\r\n");
        let e = s.unwrap().next_record().unwrap_err().to_string();
        assert!(e.contains("u.csv:1") && e.contains("no data rows"), "{e}");
    }

    #[test]
    fn rows_longer_than_the_header_are_counted_with_the_first_line() {
        let (_d, s) = open(b"month,model\r\n2027-01,m\r\n\r\n2027-02,n,5\r\n2027-03,o,6,7\r\n");
        let mut s = s.unwrap();
        while s.next_record().unwrap() {}
        let w = s.long_rows_warning().expect("a warning");
        assert!(w.contains("2 row(s) have more cells than the header's 2 columns, the first at line 4"), "{w}");
        // Lone CRs end lines too; headers lose Unicode spaces (a no-break space from a spreadsheet).
        let (_d, s) = open("month,model\u{a0}\r2027-01,m\r\r2027-02,n,5\r".as_bytes());
        let mut s = s.unwrap();
        assert_eq!(s.headers(), ["month", "model"]);
        while s.next_record().unwrap() {}
        let w = s.long_rows_warning().expect("a warning");
        assert!(w.contains("the first at line 4"), "{w}");
    }

    /// Reads `text` on a pool of `threads` threads: the sum of `value` over
    /// the rows, and the rows counted.
    fn fold_sum(text: &[u8], threads: usize, value: impl Fn(Rec<'_>) -> u64 + Sync) -> (u64, u64) {
        let (_d, s) = open(text);
        let mut s = s.unwrap();
        let pool = rayon::ThreadPoolBuilder::new().num_threads(threads).build().unwrap();
        let parts = pool.install(|| {
            s.fold_par(
                threads,
                || 0u64,
                |t, r| {
                    *t += value(r);
                    true
                },
            )
        });
        (parts.unwrap().expect("no row refused").iter().sum(), s.rows())
    }

    /// The same rows on 1, 2 and 3 threads, with and without a quoted line
    /// break (which makes the blocks be cut by walking their records).
    #[test]
    fn a_file_reads_the_same_on_any_number_of_threads() {
        for quoted in [false, true] {
            let mut text = String::from("id,n\n");
            let mut sum = 0u64;
            for i in 0..400_000u64 {
                let n = i * 7919 % 1000;
                sum += n;
                if quoted && i == 300_000 {
                    text.push_str(&format!("\"a\nb\",{n}\n"));
                } else {
                    text.push_str(&format!("{i},{n}\n"));
                }
            }
            assert!(text.len() > 3 * BLOCK);
            for threads in [1, 2, 3] {
                let value = |r: Rec<'_>| std::str::from_utf8(r.cell(1)).unwrap().parse::<u64>().unwrap();
                let got = fold_sum(text.as_bytes(), threads, value);
                assert_eq!(got, (sum, 400_000), "quoted {quoted}, {threads} threads");
            }
        }
    }

    /// A quoted cell holding line ends across the point where a block cut
    /// at its last line end would end: the block must end at a record end
    /// instead, or the lines inside the quote would count as rows (and
    /// nothing would fault to say so). On one, two and four threads.
    #[test]
    fn a_quote_across_a_block_end_is_kept_whole() {
        let mut text = String::from("id,n\n");
        let mut records = 0u64;
        while text.len() < BLOCK - 200 {
            text.push_str("7,1\n");
            records += 1;
        }
        text.push_str("8,\"x\n");
        text.push_str(&"9,1\n".repeat(100));
        text.push_str("\"\n");
        records += 1;
        while text.len() < 3 * BLOCK {
            text.push_str("7,1\n");
            records += 1;
        }
        for threads in [1, 2, 4] {
            let got = fold_sum(text.as_bytes(), threads, |_| 1);
            assert_eq!(got, (records, records), "{threads} threads");
        }
    }
}
