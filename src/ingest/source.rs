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

use std::fs::File;
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};

use crate::error::{Error, Location, Result};

/// The UTF-8 byte-order mark.
const BOM: &[u8] = b"\xEF\xBB\xBF";

/// An open CSV file positioned after its header.
pub(crate) struct Source {
    path: PathBuf,
    rdr: csv::Reader<BufReader<File>>,
    headers: Vec<String>,
    rec: csv::ByteRecord,
    rows: u64,
    /// Bytes skipped before the csv reader (a byte-order mark).
    skipped: u64,
    /// Rows with more cells than the header, and where the first starts.
    long_rows: u64,
    first_long: Option<u64>,
}

impl Source {
    /// Opens `path` and reads its header row. An empty file is an error.
    pub fn open(path: &Path) -> Result<Source> {
        let read_err = |source| Error::Read { path: path.to_path_buf(), source };
        let file = File::open(path).map_err(read_err)?;
        crate::report::note_input(path);
        let mut buf = BufReader::with_capacity(1 << 16, file);
        let skipped = if buf.fill_buf().map_err(read_err)?.starts_with(BOM) { BOM.len() } else { 0 };
        buf.consume(skipped);
        let mut rdr = csv::ReaderBuilder::new().flexible(true).has_headers(true).from_reader(buf);
        let raw = rdr.byte_headers().map_err(|e| csv_error(path, e))?;
        let headers: Vec<String> = raw.iter().map(|h| String::from_utf8_lossy(h).trim().to_string()).collect();
        if headers.iter().all(String::is_empty) {
            return Err(Error::Invalid {
                at: Location::file(path),
                message: "the file is empty; expected a CSV file with a header row and data rows".into(),
            });
        }
        Ok(Source {
            path: path.to_path_buf(),
            rdr,
            headers,
            rec: csv::ByteRecord::new(),
            rows: 0,
            skipped: skipped as u64,
            long_rows: 0,
            first_long: None,
        })
    }

    /// The file.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The header names, trimmed, as written.
    pub fn headers(&self) -> &[String] {
        &self.headers
    }

    /// Moves to the next non-blank record; false at the end of the file.
    /// A file with a header and no data rows is an error.
    pub fn next_record(&mut self) -> Result<bool> {
        loop {
            let more = self.rdr.read_byte_record(&mut self.rec).map_err(|e| csv_error(&self.path, e))?;
            if !more {
                if self.rows == 0 {
                    return Err(Error::Invalid {
                        at: Location { file: self.path.clone(), line: Some(1), key: None },
                        message: format!("the file has a header row ({}) but no data rows", self.headers.join(", ")),
                    });
                }
                return Ok(false);
            }
            if self.rec.iter().any(|c| !c.trim_ascii().is_empty()) {
                self.rows += 1;
                if self.rec.len() > self.headers.len() {
                    self.long_rows += 1;
                    self.first_long = self.first_long.or(self.rec.position().map(|p| p.byte()));
                }
                return Ok(true);
            }
        }
    }

    /// Data rows read so far.
    pub fn rows(&self) -> u64 {
        self.rows
    }

    /// A warning when rows had more cells than the header has columns: the
    /// extra cells belong to no column and are not read (often a comma
    /// inside an unquoted value). Finds the first such row's line, so call it
    /// once, at the end.
    pub fn long_rows_warning(&self) -> Option<String> {
        let at = self.first_long?;
        let line = line_at(&self.path, at + self.skipped).unwrap_or(0);
        Some(format!(
            "{}: {} row(s) have more cells than the header's {} columns, the first at line {line}; \
             the extra cells are not read (an unquoted comma inside a value?)",
            self.path.display(),
            self.long_rows,
            self.headers.len()
        ))
    }

    /// 1-based line where the current record starts (reads the file up to
    /// the record: call it for messages, not per row).
    pub fn line(&self) -> usize {
        let end_of_previous = self.rec.position().map_or(0, |p| p.byte()) + self.skipped;
        line_at(&self.path, end_of_previous).unwrap_or(0)
    }

    /// Cell `col` of the current record, trimmed; empty when the row is short.
    pub fn cell(&self, col: usize) -> &[u8] {
        self.rec.get(col).unwrap_or(b"").trim_ascii()
    }

    /// Cell `col` as text; invalid UTF-8 is an error at its line and column.
    pub fn text(&self, col: usize) -> Result<&str> {
        std::str::from_utf8(self.cell(col)).map_err(|_| self.error(col, "the cell is not UTF-8 text".into()))
    }

    /// An [`Error::Invalid`] at the current line and column `col`.
    pub fn error(&self, col: usize, message: String) -> Error {
        Error::Invalid {
            at: Location {
                file: self.path.clone(),
                line: Some(self.line()),
                key: Some(self.headers.get(col).cloned().unwrap_or_default()),
            },
            message,
        }
    }

    /// `cell` quoted for a message, shortened when long.
    pub fn shown(&self, col: usize) -> String {
        shown(self.cell(col))
    }
}

/// The line of the first record starting at or after byte `from`: line ends
/// before `from`, plus those of the blank lines the csv reader skipped.
fn line_at(path: &Path, from: u64) -> Option<usize> {
    let mut r = BufReader::new(File::open(path).ok()?);
    let (mut line, mut pos) = (1, 0u64);
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
            line += usize::from(b == b'\n');
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

fn csv_error(path: &Path, e: csv::Error) -> Error {
    let line = e.position().map(|p| p.line() as usize);
    match e.into_kind() {
        csv::ErrorKind::Io(source) => Error::Read { path: path.to_path_buf(), source },
        other => Error::Invalid {
            at: Location { file: path.to_path_buf(), line, key: None },
            message: format!("not a readable CSV file: {other:?}"),
        },
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
    }
}
