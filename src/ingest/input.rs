//! What a usage file holds, told from its first bytes rather than its name
//! (SPEC 6.4): a gzip stream (`1f 8b`), a Parquet file (`PAR1`), JSON (the
//! first character that is not white space is `{` or `[`), else CSV.
//!
//! Every kind is read as a table of named cells by [`super::source::Source`]:
//! CSV as it is, gzip CSV through a streaming decoder (so a compressed log
//! of any length needs no more memory than a plain one), and JSON turned
//! into a table in memory by [`json_table`]. JSON takes one page, an array
//! of pages or JSON lines of pages; a page's `data` array holds its rows,
//! and a row with a `results` array (a usage API's time bucket) is one row
//! per result, each with the bucket's own fields (`start_time`,
//! `starting_at`, ...). Nested objects are flattened into dotted names
//! (`cache_creation.ephemeral_5m_input_tokens`). A bucket with no results
//! is one row of the bucket's fields alone: a period observed without use.
//!
//! Errors of a table made from JSON name the row by where it is in the
//! document (`page 2: data[3].results[0]`) rather than by a line.

use std::fs::File;
use std::io::{self, Read};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use flate2::read::MultiGzDecoder;

use crate::error::{Error, Location, Result};

/// The largest JSON document read (it is held in memory to be flattened).
pub const MAX_JSON_BYTES: u64 = 2 << 30;

/// What a file is, judged from its content.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Content {
    /// Comma-separated text.
    Csv,
    /// A gzip stream of CSV.
    GzipCsv,
    /// JSON: a page, an array of pages, or JSON lines.
    Json,
    /// A gzip stream of JSON.
    GzipJson,
    /// An Apache Parquet file.
    Parquet,
}

impl Content {
    /// How messages and `validate` name it.
    pub fn label(self) -> &'static str {
        match self {
            Content::Csv => "CSV",
            Content::GzipCsv => "gzip CSV",
            Content::Json => "JSON",
            Content::GzipJson => "gzip JSON",
            Content::Parquet => "Parquet",
        }
    }
}

/// The gzip magic number.
const GZIP: &[u8] = &[0x1f, 0x8b];
/// The Parquet magic number, at the start and the end of the file.
pub const PARQUET: &[u8] = b"PAR1";

/// The kind of content that starts with `head`.
pub fn sniff(head: &[u8]) -> Content {
    if head.starts_with(GZIP) {
        Content::GzipCsv
    } else if head.starts_with(PARQUET) {
        Content::Parquet
    } else {
        let text = head.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(head);
        if looks_like_json(text) {
            Content::Json
        } else {
            Content::Csv
        }
    }
}

/// Whether `text` starts as a JSON object or an array of objects: `{`, or
/// `[` then `{` or `]` (white space between). A TOML table header (`[meta]`,
/// `[[model]]`) is not.
pub fn looks_like_json(text: &[u8]) -> bool {
    let mut chars = text.iter().copied().filter(|b| !b.is_ascii_whitespace());
    match chars.next() {
        Some(b'{') => true,
        Some(b'[') => matches!(chars.next(), Some(b'{' | b']') | None),
        _ => false,
    }
}

/// Up to `n` first bytes of `r`.
pub fn head_of(r: &mut impl Read, n: usize) -> io::Result<Vec<u8>> {
    let mut head = Vec::with_capacity(n);
    r.take(n as u64).read_to_end(&mut head)?;
    Ok(head)
}

/// A table made in memory: CSV text of one line per row (a cell's line
/// ends are written as spaces), and each data row's place in the source.
#[derive(Debug, Default)]
pub struct Table {
    /// Header line and rows, as CSV.
    pub csv: Vec<u8>,
    /// Where data row `i` came from (`page 1: data[0].results[2]`), unless
    /// `numbered`.
    pub places: Vec<String>,
    /// Data row `i` is `row i+1` of its file (a Parquet file's rows).
    pub numbered: bool,
    /// Further rows, after `csv`, in order (a Parquet file's row groups,
    /// kept apart rather than copied into one buffer).
    pub parts: Vec<Vec<u8>>,
}

impl Table {
    /// A table of these column names, without rows yet.
    pub fn new(headers: &[impl AsRef<str>]) -> Table {
        let mut t = Table::default();
        let cells: Vec<&str> = headers.iter().map(AsRef::as_ref).collect();
        t.write_line(&cells);
        t
    }

    /// Appends a data row (one cell per column) that came from `place`.
    pub fn push(&mut self, cells: &[&str], place: String) {
        self.write_line(cells);
        self.places.push(place);
    }

    fn write_line(&mut self, cells: &[&str]) {
        for (i, c) in cells.iter().enumerate() {
            if i > 0 {
                self.csv.push(b',');
            }
            write_cell(&mut self.csv, c);
        }
        self.csv.push(b'\n');
    }
}

/// `cell` as a CSV field on one line: quoted when it holds a comma or a
/// quote, line ends turned into spaces.
fn write_cell(out: &mut Vec<u8>, cell: &str) {
    let needs = cell.bytes().any(|b| matches!(b, b',' | b'"' | b'\n' | b'\r'));
    if !needs {
        out.extend_from_slice(cell.as_bytes());
        return;
    }
    out.push(b'"');
    for b in cell.bytes() {
        match b {
            b'"' => out.extend_from_slice(b"\"\""),
            b'\n' | b'\r' => out.push(b' '),
            _ => out.push(b),
        }
    }
    out.push(b'"');
}

/// An input file and how to read its bytes as CSV.
#[derive(Debug, Clone)]
pub struct Input {
    path: PathBuf,
    content: Content,
    /// The table, for content read into memory.
    table: Option<Arc<Table>>,
}

impl Input {
    /// Opens `path`, tells its content, and turns JSON into a table.
    pub fn open(path: &Path) -> Result<Input> {
        let read_err = |source| Error::Read { path: path.to_path_buf(), source };
        // Only a regular file is sniffed: a pipe cannot be read twice.
        if !std::fs::metadata(path).map_err(read_err)?.is_file() {
            return Ok(Input { path: path.to_path_buf(), content: Content::Csv, table: None });
        }
        let mut file = File::open(path).map_err(read_err)?;
        let head = head_of(&mut file, 64).map_err(read_err)?;
        let mut content = sniff(&head);
        if content == Content::GzipCsv {
            let mut dec = gunzip(File::open(path).map_err(read_err)?);
            let inner = head_of(&mut dec, 4096).map_err(read_err)?;
            if sniff(&inner) == Content::Json {
                content = Content::GzipJson;
            }
        }
        let table = match content {
            Content::Json | Content::GzipJson => {
                let f = File::open(path).map_err(read_err)?;
                let raw: Box<dyn Read> = if content == Content::Json { Box::new(f) } else { Box::new(gunzip(f)) };
                let mut bytes = Vec::new();
                raw.take(MAX_JSON_BYTES + 1).read_to_end(&mut bytes).map_err(read_err)?;
                if bytes.len() as u64 > MAX_JSON_BYTES {
                    return Err(Error::Invalid {
                        at: Location::file(path),
                        message: format!(
                            "the JSON document is larger than {} GiB, the most read at once; split it into \
                             JSON lines files or export CSV",
                            MAX_JSON_BYTES >> 30
                        ),
                    });
                }
                Some(Arc::new(json_table(path, &bytes)?))
            }
            Content::Parquet => Some(Arc::new(super::parquet::parquet_table(path)?)),
            _ => None,
        };
        Ok(Input { path: path.to_path_buf(), content, table })
    }

    /// A table made in memory from the file at `path` (by a vendor preset),
    /// whose rows are named by `table.places`.
    pub fn from_table(path: &Path, content: Content, table: Table) -> Input {
        Input { path: path.to_path_buf(), content, table: Some(Arc::new(table)) }
    }

    /// The file.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// What the file holds.
    pub fn content(&self) -> Content {
        self.content
    }

    /// The bytes, as CSV, from the start.
    pub fn reader(&self) -> io::Result<Box<dyn Read + Send>> {
        Ok(match (&self.table, self.content) {
            (Some(t), _) => Box::new(TableReader { table: t.clone(), part: 0, at: 0 }),
            (None, Content::GzipCsv) => Box::new(gunzip(File::open(&self.path)?)),
            (None, _) => Box::new(File::open(&self.path)?),
        })
    }

    /// The place of data row `i` (0-based) of a table; None for CSV files,
    /// whose rows are named by line.
    pub fn place(&self, i: usize) -> Option<String> {
        self.table.as_ref().map(|t| match t.places.get(i) {
            _ if t.numbered => format!("row {}", i + 1),
            Some(p) => p.clone(),
            None => "the end of the data".to_string(),
        })
    }
}

/// Reads a shared table's bytes: `csv`, then each of `parts`.
struct TableReader {
    table: Arc<Table>,
    /// 0 for `csv`, `k` for `parts[k - 1]`.
    part: usize,
    at: usize,
}

impl Read for TableReader {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        loop {
            let t = &self.table;
            let Some(bytes) = (if self.part == 0 { Some(&t.csv) } else { t.parts.get(self.part - 1) }) else {
                return Ok(0);
            };
            if self.at < bytes.len() {
                let n = buf.len().min(bytes.len() - self.at);
                buf[..n].copy_from_slice(&bytes[self.at..self.at + n]);
                self.at += n;
                return Ok(n);
            }
            (self.part, self.at) = (self.part + 1, 0);
        }
    }
}

/// A gzip decoder whose errors say what went wrong with the stream.
fn gunzip(f: File) -> GzipReader {
    GzipReader(MultiGzDecoder::new(io::BufReader::with_capacity(1 << 16, f)))
}

/// Reads a gzip stream; a stream cut short or corrupt is an error that
/// says so.
struct GzipReader(MultiGzDecoder<io::BufReader<File>>);

impl Read for GzipReader {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        self.0.read(buf).map_err(|e| {
            let why = match e.kind() {
                io::ErrorKind::UnexpectedEof => {
                    "the gzip stream is cut short (it ends before its end marker); expected a complete gzip file"
                }
                io::ErrorKind::InvalidInput | io::ErrorKind::InvalidData => {
                    "the gzip stream is corrupt; expected a gzip-compressed CSV or JSON file"
                }
                _ => return e,
            };
            io::Error::new(io::ErrorKind::InvalidData, format!("{why} ({e})"))
        })
    }
}

/// One row of a JSON document: its fields (flattened names) and its place.
struct JsonRow {
    cells: Vec<(usize, String)>,
    place: String,
}

/// Column names seen so far, in first-seen order.
#[derive(Default)]
struct Names {
    list: Vec<String>,
    index: std::collections::HashMap<String, usize>,
}

impl Names {
    fn id(&mut self, name: &str) -> usize {
        if let Some(&i) = self.index.get(name) {
            return i;
        }
        self.list.push(name.to_string());
        self.index.insert(name.to_string(), self.list.len() - 1);
        self.list.len() - 1
    }
}

/// A JSON document (one value, an array, or JSON lines) as a table: see the
/// module's documentation for the shapes read.
pub fn json_table(path: &Path, bytes: &[u8]) -> Result<Table> {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    let mut names = Names::default();
    let mut rows = Vec::new();
    let stream = serde_json::Deserializer::from_slice(bytes).into_iter::<serde_json::Value>();
    let mut values = Vec::new();
    for v in stream {
        values.push(v.map_err(|e| json_error(path, &e))?);
    }
    let many = values.len() > 1;
    for (p, v) in values.iter().enumerate() {
        let prefix = if many { format!("page {}: ", p + 1) } else { String::new() };
        walk_page(path, v, &prefix, &mut names, &mut rows)?;
    }
    if rows.is_empty() {
        return Err(Error::Invalid {
            at: Location::file(path),
            message: "the JSON holds no rows; expected objects of fields, or pages whose `data` array holds them"
                .into(),
        });
    }
    let mut t = Table::new(&names.list);
    let mut cells: Vec<&str> = vec![""; names.list.len()];
    for r in &rows {
        cells.iter_mut().for_each(|c| *c = "");
        for (i, v) in &r.cells {
            cells[*i] = v;
        }
        t.push(&cells, r.place.clone());
    }
    Ok(t)
}

/// The error of a document serde_json cannot read, at its line.
fn json_error(path: &Path, e: &serde_json::Error) -> Error {
    let what = if e.is_eof() {
        "the JSON ends early (the file is cut short?): expected the rest of the document".to_string()
    } else {
        format!("invalid JSON at column {}: {e}", e.column())
    };
    Error::Syntax { at: Location { file: path.to_path_buf(), line: Some(e.line()), key: None }, message: what }
}

/// A top-level value: a page (`data` array), an array of pages or rows, or a row.
fn walk_page(path: &Path, v: &serde_json::Value, at: &str, names: &mut Names, rows: &mut Vec<JsonRow>) -> Result<()> {
    use serde_json::Value;
    match v {
        Value::Array(items) => {
            for (i, item) in items.iter().enumerate() {
                let place = format!("{at}[{i}]");
                match item {
                    Value::Object(o) if o.get("data").is_some_and(Value::is_array) => {
                        walk_page(path, item, &format!("{place}."), names, rows)?
                    }
                    _ => walk_item(path, item, &place, names, rows)?,
                }
            }
            Ok(())
        }
        Value::Object(o) => match o.get("data") {
            Some(Value::Array(items)) => {
                for (i, item) in items.iter().enumerate() {
                    walk_item(path, item, &format!("{at}data[{i}]"), names, rows)?;
                }
                Ok(())
            }
            _ => walk_item(path, v, at.trim_end_matches([' ', ':', '.']), names, rows),
        },
        _ => Err(not_object(path, at, v)),
    }
}

/// A row, or a bucket whose `results` are rows.
fn walk_item(
    path: &Path,
    v: &serde_json::Value,
    place: &str,
    names: &mut Names,
    rows: &mut Vec<JsonRow>,
) -> Result<()> {
    use serde_json::Value;
    let Value::Object(o) = v else { return Err(not_object(path, place, v)) };
    let place = if place.is_empty() { "the document".to_string() } else { place.to_string() };
    let mut own = Vec::new();
    for (k, v) in o {
        if k != "results" {
            flatten(k, v, names, &mut own);
        }
    }
    match o.get("results") {
        Some(Value::Array(results)) if results.is_empty() => rows.push(JsonRow { cells: own, place }),
        Some(Value::Array(results)) => {
            for (j, r) in results.iter().enumerate() {
                let at = format!("{place}.results[{j}]");
                let Value::Object(ro) = r else { return Err(not_object(path, &at, r)) };
                let mut cells = own.clone();
                for (k, v) in ro {
                    flatten(k, v, names, &mut cells);
                }
                rows.push(JsonRow { cells, place: at });
            }
        }
        _ => rows.push(JsonRow { cells: own, place }),
    }
    Ok(())
}

fn not_object(path: &Path, place: &str, v: &serde_json::Value) -> Error {
    let found = match v {
        serde_json::Value::Null => "null",
        serde_json::Value::Bool(_) => "a true/false value",
        serde_json::Value::Number(_) => "a number",
        serde_json::Value::String(_) => "a string",
        serde_json::Value::Array(_) => "an array",
        serde_json::Value::Object(_) => "an object",
    };
    let place = if place.is_empty() { "the document" } else { place };
    Error::Invalid {
        at: Location { file: path.to_path_buf(), line: None, key: Some(place.to_string()) },
        message: format!("expected an object of fields (a row or a usage bucket), found {found}"),
    }
}

/// Adds field `name` = `v` to `cells`: scalars as text (null as empty),
/// objects as `name.key`, arrays as their JSON text. A later value of the
/// same name (a result's field over its bucket's) wins.
fn flatten(name: &str, v: &serde_json::Value, names: &mut Names, cells: &mut Vec<(usize, String)>) {
    use serde_json::Value;
    let text = match v {
        Value::Object(o) => {
            for (k, v) in o {
                flatten(&format!("{name}.{k}"), v, names, cells);
            }
            return;
        }
        Value::Null => String::new(),
        Value::String(s) => s.clone(),
        Value::Bool(b) => b.to_string(),
        Value::Number(n) => n.to_string(),
        Value::Array(_) => v.to_string(),
    };
    let id = names.id(name);
    match cells.iter_mut().find(|(i, _)| *i == id) {
        Some(c) => c.1 = text,
        None => cells.push((id, text)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn table(text: &str) -> Result<(String, Vec<String>)> {
        let t = json_table(Path::new("u.json"), text.as_bytes())?;
        Ok((String::from_utf8(t.csv).unwrap(), t.places))
    }

    #[test]
    fn content_is_told_from_the_first_bytes() {
        assert_eq!(sniff(b"\x1f\x8b\x08"), Content::GzipCsv);
        assert_eq!(sniff(b"PAR1\x15"), Content::Parquet);
        assert_eq!(sniff(b"  \n{\"data\""), Content::Json);
        assert_eq!(sniff(b"\xEF\xBB\xBF[{}]"), Content::Json);
        assert_eq!(sniff(b"month,model"), Content::Csv);
        assert_eq!(sniff(b"[meta]\nas_of"), Content::Csv);
        assert_eq!(sniff(b"[[model]]"), Content::Csv);
        assert_eq!(sniff(b"[ \n {\"a\":1}]"), Content::Json);
        assert_eq!(sniff(b""), Content::Csv);
    }

    #[test]
    fn pages_of_buckets_become_one_row_per_result() {
        let page = r#"{"object":"page","data":[
            {"start_time":60,"end_time":120,"results":[{"model":"a","input_tokens":5,"c":{"x":1}},{"model":"b, c","input_tokens":7.0}]},
            {"start_time":120,"end_time":180,"results":[]}],"has_more":false}"#;
        let (csv, places) = table(page).unwrap();
        // Names in first-seen order, each object's keys sorted (serde_json's map).
        assert_eq!(csv, "end_time,start_time,c.x,input_tokens,model\n120,60,1,5,a\n120,60,,7.0,\"b, c\"\n180,120,,,\n");
        assert_eq!(places, ["data[0].results[0]", "data[0].results[1]", "data[1]"]);
        // JSON lines of pages, and an array of pages, name the page.
        let (_, places) = table(&format!("{page}\n{page}")).unwrap();
        assert_eq!(places[3], "page 2: data[0].results[0]");
        let (_, places) = table(&format!("[{page},{page}]")).unwrap();
        assert_eq!(places[4], "[1].data[0].results[1]");
        // An array of plain rows.
        let (csv, places) = table(r#"[{"month":"2027-01","n":null,"ok":true}]"#).unwrap();
        assert_eq!((csv.as_str(), places[0].as_str()), ("month,n,ok\n2027-01,,true\n", "[0]"));
    }

    #[test]
    fn bad_documents_say_where_and_what() {
        let e = table("{\"data\":[{\"a\":1},\n{\"a\":").unwrap_err().to_string();
        assert!(e.starts_with("u.json:2: the JSON ends early"), "{e}");
        let e = table("[1]").unwrap_err().to_string();
        assert!(e.contains("[0]: expected an object of fields"), "{e}");
        let e = table("{\"data\":[]}").unwrap_err().to_string();
        assert!(e.contains("holds no rows"), "{e}");
    }
}
