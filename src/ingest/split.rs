//! The CSV layer under [`Source`](super::source::Source): a file read in
//! blocks of whole records, and the records of a block split into cells.
//!
//! Why not the csv crate's reader: it was a third of the time of reading a
//! request log, and it reads one record at a time from one stream, so the
//! records cannot be shared out to several threads. Here a block is cut at
//! the last record end it holds, so blocks can be parsed in any order, and
//! a record without a quote character (nearly every line of a log) is split
//! at its commas found [`WIDTH`] bytes at a time with SIMD compares (see
//! [`marks`]). A record holding a quote goes to `csv_core`,
//! the csv crate's own parser, with the csv crate's default dialect (comma,
//! `"` quotes doubled inside quoted fields, CR, LF or CRLF line ends, empty
//! lines skipped), so every file reads into the same cells as it did with
//! the csv crate. The `split_matches_the_csv_crate` test checks that on
//! awkward files.

use std::fs::File;
use std::io::{self, Read};

use csv_core::ReadRecordResult;
use memchr::{memchr, memrchr2};
use memmap2::Mmap;

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
    file: File,
    /// Bytes read after the last cut: the start of the next block.
    carry: Vec<u8>,
    /// File offset of `carry[0]`.
    offset: u64,
    eof: bool,
}

impl Blocks {
    /// Blocks of `file`, whose first `pre` bytes (from `offset`) are already read.
    pub fn new(file: File, pre: Vec<u8>, offset: u64) -> Blocks {
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

impl Blocks {
    /// The whole file as a read-only memory map, for parsing threads to
    /// read from file offset `start` on (the data rows, after the header),
    /// and `start` as an index into it; the blocks are then used up. None
    /// (the blocks untouched) when the file cannot be mapped (a pipe, or not
    /// on Unix) or holds nothing after `start` (it shrank).
    ///
    /// Why a map: a read copies every byte from the page cache into a
    /// buffer. Warm, that copy was 10–15% of the CPU of reading a request
    /// log on all threads; cold, a fifth, as the copy reads memory the disk
    /// has just written. A map hands the parsing threads the page cache
    /// itself. Whether the file is in the page cache decides who maps the
    /// pages in (see [`Mapped::populate`]): the parsing threads, each its
    /// block, or, for a cold file, the thread that cuts the blocks, ahead of
    /// them, so that they do not wait on the disk.
    #[cfg(unix)]
    pub fn map_rest(&mut self, start: u64) -> Option<(Mapped, usize)> {
        // SAFETY: the map is read-only and shared with the page cache.
        // Another process that truncates the file while it is read, or a
        // disk error while a page is read in, makes the process fault (as
        // with any tool that maps its input, such as ripgrep). One that
        // rewrites the file changes the bytes read, possibly between two
        // reads of the same byte; every slice is bounds-checked, so that
        // gives wrong rows, not unsafety in this code.
        let map = unsafe { Mmap::map(&self.file) }.ok()?;
        // SAFETY: sysconf has no preconditions.
        let page = usize::try_from(unsafe { libc::sysconf(libc::_SC_PAGESIZE) }).unwrap_or(4096).max(1);
        let mut mapped = Mapped { map, page, cold: false };
        let start = usize::try_from(start).ok().filter(|&s| s < mapped.map.len())?;
        mapped.cold = !mapped.mostly_in_memory() || read_as_cold();
        let _ = mapped.map.advise(memmap2::Advice::Sequential);
        self.carry.clear();
        self.eof = true;
        Some((mapped, start))
    }

    /// Without `mincore` and page advice, files are read into buffers.
    #[cfg(not(unix))]
    pub fn map_rest(&mut self, _: u64) -> Option<(Mapped, usize)> {
        None
    }
}

/// A file's bytes through a read-only memory map, for the parsing threads.
pub(crate) struct Mapped {
    map: Mmap,
    /// The page size.
    page: usize,
    /// Whether most of the file was not in the page cache when mapped.
    pub cold: bool,
}

#[cfg_attr(not(unix), allow(dead_code))]
impl Mapped {
    /// The file's bytes.
    pub fn bytes(&self) -> &[u8] {
        &self.map
    }

    /// Whether nine tenths of the pages are in the page cache (a file just
    /// written or read); `mincore` asks the kernel without reading them.
    /// (Linux reports every page of a file the user may not write as cached:
    /// such a file is mapped whatever its state.)
    #[cfg(unix)]
    fn mostly_in_memory(&self) -> bool {
        let mut vec = vec![0u8; self.map.len().div_ceil(self.page)];
        // SAFETY: the map starts on a page boundary, spans `map.len()` bytes,
        // and `vec` holds one byte per page of it, as mincore requires.
        let ok = unsafe { libc::mincore(self.map.as_ptr().cast_mut().cast(), self.map.len(), vec.as_mut_ptr().cast()) };
        ok == 0 && vec.iter().filter(|&&v| v & 1 == 1).count() * 10 >= vec.len() * 9
    }

    /// The whole pages that hold bytes `from..to`, as a byte range of the map.
    fn pages(&self, from: usize, to: usize) -> (usize, usize) {
        (from / self.page * self.page, to.div_ceil(self.page).saturating_mul(self.page).min(self.map.len()))
    }

    /// Maps the pages of `from..to` into the process in one call, reading
    /// from the disk those not in the page cache (and the kernel's
    /// read-ahead after them): one fault per sixteen pages otherwise, and,
    /// for a cold file, a wait on the disk at each.
    pub fn populate(&self, from: usize, to: usize) {
        let (a, b) = self.pages(from, to);
        #[cfg(target_os = "linux")]
        if b > a {
            use std::sync::atomic::{AtomicBool, Ordering};
            // Linux before 5.14 refuses the populate advice: once it has,
            // ask for the pages to be read in without waiting instead.
            static REFUSED: AtomicBool = AtomicBool::new(false);
            if REFUSED.load(Ordering::Relaxed)
                || self.map.advise_range(memmap2::Advice::PopulateRead, a, b - a).is_err()
            {
                REFUSED.store(true, Ordering::Relaxed);
                let _ = self.map.advise_range(memmap2::Advice::WillNeed, a, b - a);
            }
        }
        #[cfg(all(unix, not(target_os = "linux")))]
        if b > a {
            let _ = self.map.advise_range(memmap2::Advice::WillNeed, a, b - a);
        }
        #[cfg(not(unix))]
        let _ = (a, b);
    }

    /// Drops the pages of `from..to` (parsed) from this process's memory,
    /// so that resident memory stays the blocks in flight however large the
    /// file (the page cache keeps the pages). Whole pages, also the ones at
    /// the edges, which the next or previous block may still be parsing:
    /// touched again, a page maps back with the same bytes.
    pub fn release(&self, from: usize, to: usize) {
        let (a, b) = self.pages(from, to);
        #[cfg(unix)]
        if b > a {
            // SAFETY: a read-only shared map of a file: a dropped page reads
            // back from the file (the page cache) with the same bytes.
            let _ = unsafe { self.map.unchecked_advise_range(memmap2::UncheckedAdvice::DontNeed, a, b - a) };
        }
        #[cfg(not(unix))]
        let _ = (a, b);
    }
}

/// The end of the block of `data` that starts at `from` (a record start):
/// about [`BLOCK`] bytes, cut at a record end as [`Blocks::next_into`] cuts
/// them when `exact`, else at a line end (the same cut unless the block
/// holds a quote); None at the end of `data`. A record (when `exact`) or
/// line longer than [`MAX_RECORD_BYTES`] is an error, as when read.
pub(crate) fn next_cut(data: &[u8], from: usize, exact: bool) -> io::Result<Option<usize>> {
    let mut want = BLOCK;
    loop {
        let end = from.checked_add(want).filter(|&e| e < data.len());
        let Some(end) = end else { return Ok((from < data.len()).then_some(data.len())) };
        let window = &data[from..end];
        let cut = if exact { last_record_end(window) } else { memrchr2(b'\n', b'\r', window).map(|i| i + 1) };
        if let Some(cut) = cut.filter(|&c| c > 0) {
            return Ok(Some(from + cut));
        }
        if want >= MAX_RECORD_BYTES {
            return Err(too_long());
        }
        want *= 2;
    }
}

/// Where the last whole record of `data` (which starts at a record start)
/// ends, just after its line end; None when it holds no whole record.
fn last_record_end(data: &[u8]) -> Option<usize> {
    if memchr(b'"', data).is_none() {
        // Without quotes every line end ends a record.
        return memrchr2(b'\n', b'\r', data).map(|i| i + 1);
    }
    // A quoted field may hold line ends: walk the records.
    let mut core = csv_core::Reader::new();
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

/// Splits the records of a block into cells.
pub(crate) struct Splitter {
    /// For records with quotes: csv_core, its unquoted output and field ends.
    core: csv_core::Reader,
    out: Vec<u8>,
    ends: Vec<usize>,
    /// Cells of the current record as ranges of the block, or of `out` when `quoted`.
    spans: Vec<(usize, usize)>,
    quoted: bool,
    /// Whether a record with a quote was read since [`Splitter::take_quoted`].
    any_quoted: bool,
}

impl Default for Splitter {
    fn default() -> Splitter {
        // csv_core drops a byte-order mark at the start of its first read, as
        // at the start of a file; a record inside a file keeps one (as the csv
        // crate keeps it there). So the parser reads one empty line first.
        let mut core = csv_core::Reader::new();
        let (res, nin, _, _) = core.read_record(b"\n", &mut [0u8; 8], &mut [0usize; 2]);
        debug_assert!(res == ReadRecordResult::InputEmpty && nin == 1);
        Splitter {
            core,
            out: vec![0; 1024],
            ends: vec![0; 64],
            spans: Vec::with_capacity(16),
            quoted: false,
            any_quoted: false,
        }
    }
}

impl Splitter {
    /// Moves to the record of `block` at or after `*at` (skipping empty
    /// lines) and returns where it starts; None at the end of the block.
    /// `*at` moves past the record. Blocks end at record ends, so the
    /// parser is between records whenever a new block starts.
    pub fn next(&mut self, block: &[u8], at: &mut usize) -> Option<usize> {
        loop {
            let start = *at;
            let rest = block.get(start..).filter(|r| !r.is_empty())?;
            if matches!(rest[0], b'\n' | b'\r') {
                *at += 1;
                continue;
            }
            match self.split_plain(block, start) {
                Some(end) => *at = (end + 1).min(block.len()),
                None => self.quoted_record(block, at),
            }
            return Some(start);
        }
    }

    /// Splits the line at `start` at its commas and returns where it ends
    /// (its CR or LF, or the block's end); None when the line holds a quote.
    /// Looks at [`WIDTH`] bytes at a time (see [`marks`]).
    fn split_plain(&mut self, block: &[u8], start: usize) -> Option<usize> {
        self.quoted = false;
        self.spans.clear();
        let mut cell = start;
        let mut i = start;
        loop {
            let (mut commas, stops, width) = match block.get(i..i + WIDTH) {
                Some(chunk) => {
                    let (c, s) = marks(chunk.try_into().expect("WIDTH bytes"));
                    (c, s, WIDTH)
                }
                None if i < block.len() => {
                    let b = block[i];
                    (u64::from(b == b','), u64::from(matches!(b, b'"' | b'\n' | b'\r')), 1)
                }
                None => break,
            };
            if stops != 0 {
                commas &= (1 << stops.trailing_zeros()) - 1;
            }
            while commas != 0 {
                let k = i + commas.trailing_zeros() as usize;
                self.spans.push((cell, k));
                cell = k + 1;
                commas &= commas - 1;
            }
            if stops != 0 {
                let k = i + stops.trailing_zeros() as usize;
                if block[k] == b'"' {
                    return None;
                }
                self.spans.push((cell, k));
                return Some(k);
            }
            i += width;
        }
        self.spans.push((cell, block.len()));
        Some(block.len())
    }

    /// Reads the record at `*at` with csv_core.
    fn quoted_record(&mut self, block: &[u8], at: &mut usize) {
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
                ReadRecordResult::Record | ReadRecordResult::End => break,
            }
        }
        self.quoted = true;
        self.any_quoted = true;
        self.spans.clear();
        let mut from = 0;
        for &end in &self.ends[..nends] {
            self.spans.push((from, end));
            from = end;
        }
    }

    /// Whether a record holding a quote was read since the last call.
    pub fn take_quoted(&mut self) -> bool {
        std::mem::take(&mut self.any_quoted)
    }

    /// The current record's cells (of `block`, the block passed to [`Splitter::next`]).
    pub fn record<'a>(&'a self, block: &'a [u8]) -> Rec<'a> {
        Rec { bytes: if self.quoted { &self.out } else { block }, spans: &self.spans }
    }
}

/// Bytes [`marks`] looks at at once: a line of a request log (about 60
/// bytes) is then mostly split in one step (measured: 64 bytes at a time,
/// as two 32-byte halves, took 4% less time than 32 bytes at a time).
const WIDTH: usize = 64;

/// Bit `j` of the first mask is set when `chunk[j]` is a comma; of the
/// second, when it is a quote, CR or LF.
#[cfg(all(target_arch = "x86_64", target_feature = "avx2"))]
#[inline(always)]
fn marks(chunk: &[u8; WIDTH]) -> (u64, u64) {
    use std::arch::x86_64::{
        _mm256_cmpeq_epi8, _mm256_loadu_si256, _mm256_movemask_epi8, _mm256_or_si256, _mm256_set1_epi8,
    };
    let half = |k: usize| {
        // SAFETY: AVX2 is enabled for this build (the cfg above), and the
        // unaligned load reads 32 bytes of `chunk`, from byte 32 × k < 64.
        unsafe {
            let v = _mm256_loadu_si256(chunk.as_ptr().add(32 * k).cast());
            let is = |c: u8| _mm256_cmpeq_epi8(v, _mm256_set1_epi8(c as i8));
            let stops = _mm256_or_si256(_mm256_or_si256(is(b'"'), is(b'\n')), is(b'\r'));
            (u64::from(_mm256_movemask_epi8(is(b',')) as u32), u64::from(_mm256_movemask_epi8(stops) as u32))
        }
    };
    let ((c0, s0), (c1, s1)) = (half(0), half(1));
    (c0 | c1 << 32, s0 | s1 << 32)
}

/// [`marks`] with SSE2, which every x86-64 processor has.
#[cfg(all(target_arch = "x86_64", not(target_feature = "avx2")))]
#[inline(always)]
fn marks(chunk: &[u8; WIDTH]) -> (u64, u64) {
    use std::arch::x86_64::{_mm_cmpeq_epi8, _mm_loadu_si128, _mm_movemask_epi8, _mm_or_si128, _mm_set1_epi8};
    let (mut commas, mut stops) = (0, 0);
    for k in 0..4 {
        // SAFETY: SSE2 is part of every x86-64 CPU, and the unaligned load
        // reads sixteen bytes of `chunk`, from byte 16 × k < 64.
        let (c, s) = unsafe {
            let v = _mm_loadu_si128(chunk.as_ptr().add(16 * k).cast());
            let is = |c: u8| _mm_cmpeq_epi8(v, _mm_set1_epi8(c as i8));
            let s = _mm_or_si128(_mm_or_si128(is(b'"'), is(b'\n')), is(b'\r'));
            (_mm_movemask_epi8(is(b',')) as u32 & 0xffff, _mm_movemask_epi8(s) as u32 & 0xffff)
        };
        commas |= u64::from(c) << (16 * k);
        stops |= u64::from(s) << (16 * k);
    }
    (commas, stops)
}

/// [`marks`] on other processors.
#[cfg(not(target_arch = "x86_64"))]
#[inline(always)]
fn marks(chunk: &[u8; WIDTH]) -> (u64, u64) {
    marks_bytewise(chunk)
}

/// [`marks`] one byte at a time: the other processors' version, and the
/// reference the SIMD versions are tested against.
#[cfg_attr(target_arch = "x86_64", allow(dead_code))]
#[inline(always)]
fn marks_bytewise(chunk: &[u8; WIDTH]) -> (u64, u64) {
    let (mut commas, mut stops) = (0, 0);
    for (j, &b) in chunk.iter().enumerate() {
        commas |= u64::from(b == b',') << j;
        stops |= u64::from(matches!(b, b'"' | b'\n' | b'\r')) << j;
    }
    (commas, stops)
}

/// A record's cells.
#[derive(Clone, Copy)]
pub(crate) struct Rec<'a> {
    bytes: &'a [u8],
    spans: &'a [(usize, usize)],
}

impl<'a> Rec<'a> {
    /// Cells in the record.
    pub fn len(&self) -> usize {
        self.spans.len()
    }

    /// Cell `col` trimmed of spaces; empty when the record is shorter.
    pub fn cell(&self, col: usize) -> &'a [u8] {
        self.spans.get(col).map_or(&b""[..], |&(a, b)| self.bytes[a..b].trim_ascii())
    }

    /// Cell `col` as a number when it is 1 to 8 plain digits, without
    /// spaces (nearly every token count); None otherwise, also when the
    /// record starts fewer than eight bytes into its buffer.
    ///
    /// Reads the eight bytes that end with the cell as one word, fills the
    /// bytes before the cell with `0`, checks every byte is a digit, and
    /// combines the digits in three multiplications (Lemire, "Fast
    /// conversion of eight digits", as in simdjson).
    #[inline(always)]
    pub fn small_count(&self, col: usize) -> Option<u64> {
        let &(a, b) = self.spans.get(col)?;
        let len = b - a;
        if len == 0 || len > 8 {
            return None;
        }
        let word = self.bytes.get(b.checked_sub(8)?..b)?;
        let w = u64::from_le_bytes(word.try_into().expect("eight bytes"));
        // The cell is the last `len` bytes, the high end of the word.
        let pad = if len == 8 { 0 } else { u64::MAX >> (8 * len) };
        let w = (w & !pad) | (0x3030_3030_3030_3030 & pad);
        let x = w.wrapping_sub(0x3030_3030_3030_3030);
        if (x | w.wrapping_add(0x4646_4646_4646_4646)) & 0x8080_8080_8080_8080 != 0 {
            return None;
        }
        let x = x.wrapping_mul(10).wrapping_add(x >> 8);
        const MASK: u64 = 0x0000_00ff_0000_00ff;
        let x = ((x & MASK).wrapping_mul(100 + (1_000_000 << 32)))
            .wrapping_add(((x >> 16) & MASK).wrapping_mul(1 + (10_000 << 32)))
            >> 32;
        Some(x & 0xffff_ffff)
    }

    /// Whether every cell is blank.
    #[inline]
    pub fn is_blank(&self) -> bool {
        // Nearly every record starts with a character that is not a space.
        if let Some(&(a, b)) = self.spans.first() {
            if a < b && !self.bytes[a].is_ascii_whitespace() {
                return false;
            }
        }
        (0..self.len()).all(|c| self.cell(c).is_empty())
    }
}

/// While above zero, tests map every file as a cold one (see [`ReadAsCold`]).
#[cfg(test)]
static READ_AS_COLD: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);

/// While one of these lives, files are mapped as cold ones, in every test
/// of the process: other tests running meanwhile then read their files the
/// cold way, to the same result (and a test of the warm way may run cold).
/// Dropped also when the test panics.
#[cfg(test)]
pub(crate) struct ReadAsCold(());

#[cfg(test)]
impl ReadAsCold {
    pub fn new() -> ReadAsCold {
        READ_AS_COLD.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        ReadAsCold(())
    }
}

#[cfg(test)]
impl Drop for ReadAsCold {
    fn drop(&mut self) {
        READ_AS_COLD.fetch_sub(1, std::sync::atomic::Ordering::Relaxed);
    }
}

#[cfg(test)]
#[cfg_attr(not(unix), allow(dead_code))]
fn read_as_cold() -> bool {
    READ_AS_COLD.load(std::sync::atomic::Ordering::Relaxed) > 0
}

#[cfg(not(test))]
#[cfg_attr(not(unix), allow(dead_code))]
fn read_as_cold() -> bool {
    false
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every record of `data` as cells, through blocks cut at `BLOCK`-sized
    /// reads of a file (so records cross reads).
    fn split_file(data: &[u8]) -> Vec<Vec<Vec<u8>>> {
        let d = tempfile::tempdir().unwrap();
        let p = d.path().join("x.csv");
        std::fs::write(&p, data).unwrap();
        let mut blocks = Blocks::new(File::open(&p).unwrap(), Vec::new(), 0);
        let (mut buf, mut sp, mut recs) = (Vec::new(), Splitter::default(), Vec::new());
        let mut expect_off = 0;
        while let Some(off) = blocks.next_into(&mut buf).unwrap() {
            assert_eq!(off, expect_off);
            expect_off += buf.len() as u64;
            let mut at = 0;
            while sp.next(&buf, &mut at).is_some() {
                let r = sp.record(&buf);
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
    fn split_matches_the_csv_crate() {
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
    fn marks_equal_the_byte_loop() {
        let mut seed = 99u64;
        let alphabet = b",\"\r\n a0-\x80\xff\x0c";
        for _ in 0..20_000 {
            let mut chunk = [0u8; WIDTH];
            for b in &mut chunk {
                seed = seed.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
                *b = alphabet[(seed >> 59) as usize % alphabet.len()];
            }
            assert_eq!(marks(&chunk), marks_bytewise(&chunk), "{chunk:?}");
        }
    }

    #[test]
    fn small_counts_read_one_to_eight_digits_exactly() {
        let mut sp = Splitter::default();
        let mut cells: Vec<String> =
            vec!["0".into(), "7".into(), "99999999".into(), "100000000".into(), "12345678".into()];
        cells.extend(["", " 12", "12 ", "1a", "-5", "1.0", "1e3", "/", ":", "\u{e9}1"].map(String::from));
        let mut seed = 12345u64;
        for _ in 0..5000 {
            seed = seed.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
            let digits = (seed >> 60) as usize % 9 + 1;
            cells.push(((seed >> 8) % 10u64.pow(digits as u32)).to_string());
            cells.push(format!("{:0>width$}", (seed >> 20) % 1000, width = digits));
        }
        let line = format!("padding,{}\n", cells.join(","));
        let (block, mut at) = (line.as_bytes(), 0);
        sp.next(block, &mut at).unwrap();
        let r = sp.record(block);
        for (k, c) in cells.iter().enumerate() {
            let want = (!c.is_empty() && c.len() <= 8 && c.bytes().all(|b| b.is_ascii_digit()))
                .then(|| c.parse::<u64>().unwrap());
            assert_eq!(r.small_count(k + 1), want, "{c:?}");
        }
        // Too close to the start of the buffer to read eight bytes: None.
        let (block, mut at) = (&b"12,3\n"[..], 0);
        sp.next(block, &mut at).unwrap();
        assert_eq!(sp.record(block).small_count(0), None);
    }

    #[test]
    fn blocks_end_at_record_ends() {
        let data: Vec<u8> = (0..300_000).map(|i| format!("{i},\"a\nb\"\r\n")).collect::<String>().into_bytes();
        let d = tempfile::tempdir().unwrap();
        let p = d.path().join("x.csv");
        std::fs::write(&p, &data).unwrap();
        let mut blocks = Blocks::new(File::open(&p).unwrap(), Vec::new(), 0);
        let mut buf = Vec::new();
        let mut n = 0;
        while let Some(off) = blocks.next_into(&mut buf).unwrap() {
            n += 1;
            assert!(buf.ends_with(b"\r\n") && !buf.ends_with(b"a\r\n"), "block {n} at {off}");
            assert!(buf.len() <= BLOCK);
        }
        assert!(n > 2);
    }

    /// A row of up to [`MAX_RECORD_BYTES`] reads, read or mapped; a longer
    /// one is the same error both ways, before a block grows past twice that.
    #[test]
    fn rows_longer_than_the_cap_fail_read_or_mapped() {
        let d = tempfile::tempdir().unwrap();
        for (len, ok) in [(MAX_RECORD_BYTES - 10, true), (MAX_RECORD_BYTES + 10, false)] {
            let p = d.path().join(format!("{len}.csv"));
            std::fs::write(&p, format!("a,b\n1,{}\n2,3\n", "x".repeat(len))).unwrap();
            let mut blocks = Blocks::new(File::open(&p).unwrap(), Vec::new(), 0);
            let mut buf = Vec::new();
            let read = (|| {
                while blocks.next_into(&mut buf)?.is_some() {
                    assert!(buf.len() <= 2 * MAX_RECORD_BYTES);
                }
                Ok::<(), io::Error>(())
            })();
            let data = std::fs::read(&p).unwrap();
            let mapped = (|| {
                let mut from = 0;
                while let Some(to) = next_cut(&data, from, true)? {
                    from = to;
                }
                Ok::<(), io::Error>(())
            })();
            assert_eq!(read.is_ok(), ok, "{len}: {read:?}");
            assert_eq!(mapped.is_ok(), ok, "{len}: {mapped:?}");
            if !ok {
                assert!(read.unwrap_err().to_string().contains("longer than 8 MiB"));
            }
        }
    }

    /// The blocks cut from a memory map are those read into buffers: same
    /// offsets, same bytes, also with records longer than a block, quoted
    /// line breaks, and a CRLF or a lone CR on a block boundary.
    #[test]
    fn mapped_blocks_are_the_blocks_read() {
        let quoted: String = (0..300_000).map(|i| format!("{i},\"a\nb\"\r\n")).collect();
        let long = format!("a,b\n1,{}\n2,3\n{}", "x".repeat(3 * BLOCK), "4,5\r".repeat(400_000));
        let plain: String = (0..200_000).map(|i| format!("{i},{}\r\n", i % 977)).collect();
        let d = tempfile::tempdir().unwrap();
        for (k, data) in [quoted, long, plain].iter().enumerate() {
            let p = d.path().join(format!("{k}.csv"));
            std::fs::write(&p, data).unwrap();
            let mut read = Vec::new();
            let (mut blocks, mut buf) = (Blocks::new(File::open(&p).unwrap(), Vec::new(), 0), Vec::new());
            while let Some(off) = blocks.next_into(&mut buf).unwrap() {
                read.push((off as usize, buf.clone()));
            }
            // The first block read into a buffer, as `Source` reads it; the rest mapped.
            let mut blocks = Blocks::new(File::open(&p).unwrap(), Vec::new(), 0);
            let mut mapped = vec![(blocks.next_into(&mut buf).unwrap().unwrap() as usize, buf.clone())];
            let mut from = buf.len();
            let (map, start) = blocks.map_rest(from as u64).expect("a regular file maps");
            assert_eq!(start, from);
            let map = map.bytes();
            while let Some(to) = next_cut(map, from, true).unwrap() {
                mapped.push((from, map[from..to].to_vec()));
                from = to;
            }
            assert!(read.len() > 2, "file {k}: {} blocks", read.len());
            assert!(read == mapped, "file {k}: {} blocks read, {} mapped", read.len(), mapped.len());
            assert_eq!(blocks.next_into(&mut buf).unwrap(), None, "the blocks are used up");
        }
    }
}
