//! The CSV layer under [`Source`](super::source::Source): a file read in
//! blocks of whole records, and the records of a block split into cells by
//! `csv_core`, the csv crate's own parser.
//!
//! Why blocks and not the csv crate's reader: the reader hands out one
//! record at a time from one stream, so its records cannot be shared out to
//! several threads. A block here ends at a record end, so blocks can be
//! parsed in any order, each by whichever thread is free. `csv_core` runs
//! with the csv crate's default dialect (comma, `"` quotes doubled inside
//! quoted fields, CR, LF or CRLF line ends, empty lines skipped), so every
//! file reads into the cells the csv crate gives; the
//! `records_match_the_csv_crate` test checks that on awkward files.
//!
//! Where a block ends. A block without a quote character (nearly every
//! block of a log) ends after its last line end. A quoted field may hold a
//! line end, so a block holding a quote is walked record by record with
//! `csv_core` and ends after its last whole record: the cut is exact, never
//! a guess, whatever the quotes.

use std::io::{self, Read};

use csv_core::ReadRecordResult;

/// Bytes read per block (a block grows when one record is longer).
pub(crate) const BLOCK: usize = 1 << 20;

/// The longest record (row) of a CSV input: 8 MiB. A longer one (a file
/// without line ends, `/dev/zero`) is an error, so a block stays bounded.
pub const MAX_RECORD_BYTES: usize = 8 << 20;

/// The most a CSV input read as a stream (a pipe) may hold: 256 GiB, as
/// for a file ([`super::source`] checks a file's size when it opens it).
pub const MAX_INPUT_BYTES: u64 = 256 << 30;

fn too_long() -> io::Error {
    io::Error::new(
        io::ErrorKind::InvalidData,
        format!(
            "a row is longer than {} MiB, the most a CSV row may be; is this a CSV file, with line ends?",
            MAX_RECORD_BYTES >> 20
        ),
    )
}

/// The error of an input larger than [`MAX_INPUT_BYTES`].
pub fn too_large() -> io::Error {
    io::Error::new(
        io::ErrorKind::InvalidData,
        format!("the input is larger than {} GiB, the most a CSV input may be", MAX_INPUT_BYTES >> 30),
    )
}

/// A file read as blocks that each end at a record end (or at the end of the file).
pub(crate) struct Blocks {
    file: Box<dyn Read + Send>,
    /// Bytes read after the last cut: the start of the next block.
    carry: Vec<u8>,
    /// File offset of `carry[0]`.
    offset: u64,
    eof: bool,
}

impl Blocks {
    /// Blocks of `file`, whose first `pre` bytes (from `offset`) are already read.
    pub fn new(file: Box<dyn Read + Send>, pre: Vec<u8>, offset: u64) -> Blocks {
        Blocks { file, carry: pre, offset, eof: false }
    }

    /// Fills `buf` with the next block of whole records and returns its file
    /// offset; None at the end of the file.
    pub fn next_into(&mut self, buf: &mut Vec<u8>) -> io::Result<Option<u64>> {
        buf.clear();
        buf.append(&mut self.carry);
        let mut want = BLOCK;
        loop {
            if buf.len() < want && !self.eof {
                // Into the spare capacity, without zeroing it first.
                let ask = want - buf.len();
                buf.reserve(ask);
                let n = (&mut self.file).take(ask as u64).read_to_end(buf)?;
                self.eof = n < ask;
            }
            if buf.is_empty() {
                return Ok(None);
            }
            if self.offset + buf.len() as u64 > MAX_INPUT_BYTES {
                return Err(too_large());
            }
            let cut = if self.eof { Some(buf.len()) } else { last_record_end(buf) };
            if let Some(cut) = cut.filter(|&c| c > 0) {
                self.carry.extend_from_slice(&buf[cut..]);
                buf.truncate(cut);
                let at = self.offset;
                self.offset += cut as u64;
                return Ok(Some(at));
            }
            // One record longer than the block so far: read more.
            if buf.len() >= MAX_RECORD_BYTES {
                return Err(too_long());
            }
            want = buf.len() * 2;
        }
    }
}

/// Where the last whole record of `data` (which starts at a record start)
/// ends, just after its line end; None when it holds no whole record.
fn last_record_end(data: &[u8]) -> Option<usize> {
    if !data.contains(&b'"') {
        // Without quotes every line end ends a record.
        return data.iter().rposition(|&b| b == b'\n' || b == b'\r').map(|i| i + 1);
    }
    // A quoted field may hold line ends: walk the records.
    let mut core = parser();
    let (mut out, mut ends) = ([0u8; 4096], [0usize; 64]);
    let (mut pos, mut last) = (0, None);
    loop {
        let (res, nin, _, _) = core.read_record(&data[pos..], &mut out, &mut ends);
        pos += nin;
        match res {
            // csv_core ends a record at the CR of a CRLF: keep the LF with it.
            ReadRecordResult::Record => {
                last = Some(pos + usize::from(data[pos - 1] == b'\r' && data.get(pos) == Some(&b'\n')))
            }
            ReadRecordResult::OutputFull | ReadRecordResult::OutputEndsFull => {}
            ReadRecordResult::InputEmpty | ReadRecordResult::End => return last,
        }
    }
}

/// A `csv_core` parser for records inside a file. csv_core drops a
/// byte-order mark at the start of its first read, as at the start of a
/// file; a record inside a file keeps one (as the csv crate keeps it
/// there), so the parser reads one empty line first. ([`Source`] drops the
/// file's own mark before the first block.)
///
/// [`Source`]: super::source::Source
fn parser() -> csv_core::Reader {
    let mut core = csv_core::Reader::new();
    let (res, nin, _, _) = core.read_record(b"\n", &mut [0u8; 8], &mut [0usize; 2]);
    debug_assert!(res == ReadRecordResult::InputEmpty && nin == 1);
    core
}

/// Splits the records of a block into cells.
pub(crate) struct Splitter {
    core: csv_core::Reader,
    /// The current record's cells, unquoted and one after another, and where each ends in `out`.
    out: Vec<u8>,
    ends: Vec<usize>,
    cells: usize,
}

impl Default for Splitter {
    fn default() -> Splitter {
        Splitter { core: parser(), out: vec![0; 1024], ends: vec![0; 64], cells: 0 }
    }
}

impl Splitter {
    /// Moves to the record of `block` at or after `*at` (skipping empty
    /// lines) and returns where it starts; None at the end of the block.
    /// `*at` moves past the record. Blocks end at record ends, so the
    /// parser is between records whenever a new block starts.
    pub fn next(&mut self, block: &[u8], at: &mut usize) -> Option<usize> {
        while matches!(block.get(*at), Some(b'\n' | b'\r')) {
            *at += 1;
        }
        let start = *at;
        if start >= block.len() {
            return None;
        }
        let (mut nout, mut nends) = (0, 0);
        loop {
            let (res, nin, o, e) = self.core.read_record(&block[*at..], &mut self.out[nout..], &mut self.ends[nends..]);
            *at += nin;
            nout += o;
            nends += e;
            match res {
                ReadRecordResult::OutputFull => self.out.resize(self.out.len() * 2, 0),
                ReadRecordResult::OutputEndsFull => self.ends.resize(self.ends.len() * 2, 0),
                // The block ends inside this record only at the end of the file:
                // the next call, with no input, finishes it.
                ReadRecordResult::InputEmpty => {}
                ReadRecordResult::Record => break,
                // Only after the end of the file: ready for another block.
                ReadRecordResult::End => {
                    self.core = parser();
                    break;
                }
            }
        }
        if *at >= block.len() {
            // The record ended at the end of the file: the parser is done
            // with its input, so a fresh one reads the next block.
            self.core = parser();
        }
        self.cells = nends;
        Some(start)
    }

    /// The current record's cells.
    pub fn record(&self) -> Rec<'_> {
        Rec { bytes: &self.out, ends: &self.ends[..self.cells] }
    }
}

/// A record's cells.
#[derive(Clone, Copy)]
pub(crate) struct Rec<'a> {
    /// The cells one after another.
    bytes: &'a [u8],
    /// Where each cell ends in `bytes`.
    ends: &'a [usize],
}

impl<'a> Rec<'a> {
    /// Cells in the record.
    pub fn len(&self) -> usize {
        self.ends.len()
    }

    /// Cell `col` trimmed of spaces; empty when the record is shorter.
    #[inline]
    pub fn cell(&self, col: usize) -> &'a [u8] {
        let Some(&end) = self.ends.get(col) else { return b"" };
        let start = if col == 0 { 0 } else { self.ends[col - 1] };
        self.bytes[start..end].trim_ascii()
    }

    /// Whether every cell is blank.
    #[inline]
    pub fn is_blank(&self) -> bool {
        // Nearly every record starts with a character that is not a space.
        if self.ends.first().is_some_and(|&e| e > 0 && !self.bytes[0].is_ascii_whitespace()) {
            return false;
        }
        (0..self.len()).all(|c| self.cell(c).is_empty())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::fs::File;

    /// Every record of `data` as cells, through blocks cut at `BLOCK`-sized
    /// reads of a file (so records cross reads).
    fn split_file(data: &[u8]) -> Vec<Vec<Vec<u8>>> {
        let d = tempfile::tempdir().unwrap();
        let p = d.path().join("x.csv");
        std::fs::write(&p, data).unwrap();
        let mut blocks = Blocks::new(Box::new(File::open(&p).unwrap()), Vec::new(), 0);
        let (mut buf, mut sp, mut recs) = (Vec::new(), Splitter::default(), Vec::new());
        let mut expect_off = 0;
        while let Some(off) = blocks.next_into(&mut buf).unwrap() {
            assert_eq!(off, expect_off);
            expect_off += buf.len() as u64;
            let mut at = 0;
            while sp.next(&buf, &mut at).is_some() {
                let r = sp.record();
                recs.push((0..r.len()).map(|c| r.cell(c).to_vec()).collect());
            }
        }
        assert_eq!(expect_off, data.len() as u64);
        recs
    }

    fn split_csv_crate(data: &[u8]) -> Vec<Vec<Vec<u8>>> {
        let mut rdr = csv::ReaderBuilder::new().flexible(true).has_headers(false).from_reader(data);
        rdr.byte_records().map(|r| r.unwrap().iter().map(|c| c.trim_ascii().to_vec()).collect()).collect()
    }

    #[test]
    fn records_match_the_csv_crate() {
        let long_quoted = format!("\"{}\",x\r\n", "ab,\"\"c\r\nd".repeat(300_000));
        let cases: Vec<Vec<u8>> = vec![
            b"a,b\r\n1,2\r\n\r\n\n3,4".to_vec(),
            b"a,b\n\"q,1\",2\n3,\"x\"\"y\"\n\"multi\nline\",5\n".to_vec(),
            b"a,b\r1,2\r3,4\r".to_vec(),
            b"a, \"b\" ,c\"d,\"e\"f\n,,\n\"\"\n".to_vec(),
            b"\"unterminated,1\n2,3".to_vec(),
            b"h,i\n\xEF\xBB\xBF\"2027-01\",m\n\xEF\xBB\xBF\"x\",y\n".to_vec(),
            (0..200_000).map(|i| format!("2027-01-0{},w{},{i}\r\n", i % 9 + 1, i % 7)).collect::<String>().into_bytes(),
            [&b"h,i\n"[..], long_quoted.as_bytes(), b"1,2\n"].concat(),
            (0..150_000)
                .map(|i| if i % 1000 == 7 { format!("\"q\n{i}\",1\n") } else { format!("{i},2\n") })
                .collect::<String>()
                .into_bytes(),
            // A record of 100 cells, longer than the parser's first buffers.
            format!("{}\n{}\n", vec!["c"; 100].join(","), vec!["x".repeat(40); 100].join(",")).into_bytes(),
        ];
        for data in cases {
            assert_eq!(
                split_file(&data),
                split_csv_crate(&data),
                "{}",
                String::from_utf8_lossy(&data[..data.len().min(80)])
            );
        }
    }

    #[test]
    fn blocks_end_at_record_ends() {
        let data: Vec<u8> = (0..300_000).map(|i| format!("{i},\"a\nb\"\r\n")).collect::<String>().into_bytes();
        let d = tempfile::tempdir().unwrap();
        let p = d.path().join("x.csv");
        std::fs::write(&p, &data).unwrap();
        let mut blocks = Blocks::new(Box::new(File::open(&p).unwrap()), Vec::new(), 0);
        let mut buf = Vec::new();
        let mut n = 0;
        while let Some(off) = blocks.next_into(&mut buf).unwrap() {
            n += 1;
            assert!(buf.ends_with(b"\r\n") && !buf.ends_with(b"a\r\n"), "block {n} at {off}");
            assert!(buf.len() <= BLOCK);
        }
        assert!(n > 2);
    }

    /// A splitter that read the last record of a file (no line end after
    /// it) reads another block from its start.
    #[test]
    fn a_splitter_reads_on_after_the_end_of_a_file() {
        let mut sp = Splitter::default();
        for block in [&b"a,b"[..], b"\"c\nd\",e", b"f,g\r\n"] {
            let mut at = 0;
            assert_eq!(sp.next(block, &mut at), Some(0));
            assert_eq!(sp.record().len(), 2);
            assert_eq!(sp.next(block, &mut at), None);
        }
        let (block, mut at) = (&b"\r\n\nx,\"y\""[..], 0);
        assert_eq!(sp.next(block, &mut at), Some(3));
        assert_eq!((sp.record().cell(0), sp.record().cell(1)), (&b"x"[..], &b"y"[..]));
    }
}
