//! Apache Parquet files (Azure cost exports, AWS CUR 2.0, Langfuse blob
//! exports) read as a table: every flat column (one value per row, nulls
//! allowed) becomes a column of the same name, so the usage, FOCUS and
//! preset readers read a Parquet file exactly as its CSV. A map of strings
//! (`MAP<STRING, STRING>`, such as CUR 2.0's `product` and `resource_tags`)
//! is a column of its name holding the map as a JSON object
//! (`{"product_name":"...","region":"us-west-2"}`), as CUR 2.0 writes it in
//! CSV; other columns inside a repeated group (lists, maps of other types)
//! are not columns of the table.
//!
//! The column reader API of the `parquet` crate (no Arrow): each row group
//! is decoded column by column into typed buffers and written as CSV
//! lines, on rayon's threads, one row group per task; the groups are
//! joined in file order, so the table does not depend on the thread count.
//! Timestamps (`TIMESTAMP` in ms, µs or ns) are written as ISO 8601 UTC
//! date-times to the millisecond, `DATE` as `YYYY-MM-DD`, decimals with
//! their scale, strings as they are. Pages compressed with Snappy or gzip
//! are read; another codec (zstd, LZ4, Brotli) is an error saying so.

use std::fs::File;
use std::io::Write;
use std::path::Path;

use parquet::basic::{ConvertedType, LogicalType, TimeUnit, Type as Physical};
use parquet::column::reader::{ColumnReader, ColumnReaderImpl};
use parquet::data_type::{BoolType, ByteArray, ByteArrayType, DataType, DoubleType, FloatType, Int32Type, Int64Type};
use parquet::file::reader::{FileReader, SerializedFileReader};
use parquet::schema::types::ColumnDescPtr;
use rayon::prelude::*;

use super::input::Table;
use super::timestamp::{civil_from_days, format_day, MS_PER_DAY};
use crate::error::{Error, Location, Result};

/// Rows decoded per call of the column reader.
const BATCH: usize = 64 * 1024;

/// How a column's values are written.
#[derive(Debug, Clone, Copy)]
enum Form {
    /// As the number or text it is.
    Plain,
    /// A timestamp counted in units of which `per_ms` make a millisecond (1, 1000, 1e6).
    Timestamp { per_ms: i64 },
    /// Days since 1970-01-01.
    Date,
    /// An integer scaled by 10^-scale.
    Decimal { scale: i32 },
}

/// A flat column of the file.
struct Col {
    index: usize,
    desc: ColumnDescPtr,
    form: Form,
}

/// A map of strings: its name, and the column indices of its key and value leaves.
struct MapCol {
    name: String,
    key: usize,
    value: usize,
}

/// The maps of strings at the top of the schema.
fn map_columns(schema: &parquet::schema::types::SchemaDescriptor) -> Vec<MapCol> {
    let mut out = Vec::new();
    for field in schema.root_schema().get_fields() {
        let info = field.get_basic_info();
        let is_map = matches!(info.logical_type_ref(), Some(LogicalType::Map))
            || matches!(info.converted_type(), ConvertedType::MAP | ConvertedType::MAP_KEY_VALUE);
        if !field.is_group() || !is_map {
            continue;
        }
        let leaves: Vec<usize> = schema
            .columns()
            .iter()
            .enumerate()
            .filter(|(_, d)| d.path().parts().first().is_some_and(|p| p == field.name()))
            .map(|(i, _)| i)
            .collect();
        let strings = leaves.iter().all(|&i| {
            let d = schema.column(i);
            d.max_rep_level() == 1 && d.physical_type() == Physical::BYTE_ARRAY
        });
        if let [key, value] = leaves[..] {
            if strings {
                out.push(MapCol { name: field.name().to_string(), key, value });
            }
        }
    }
    out
}

/// The error of a Parquet file the crate could not read.
fn pq_error(path: &Path, e: parquet::errors::ParquetError) -> Error {
    let why = e.to_string();
    let hint = if why.contains("codec") || why.contains("Codec") || why.contains("compression") {
        "; this build reads Parquet pages compressed with Snappy or gzip (or uncompressed)"
    } else {
        ""
    };
    Error::Invalid {
        at: Location::file(path),
        message: format!("cannot read the Parquet file: {why}{hint}; expected a complete Parquet file"),
    }
}

/// The file at `path` as a table of its flat columns.
pub fn parquet_table(path: &Path) -> Result<Table> {
    let file = File::open(path).map_err(|source| Error::Read { path: path.to_path_buf(), source })?;
    let reader = SerializedFileReader::new(file).map_err(|e| pq_error(path, e))?;
    let schema = reader.metadata().file_metadata().schema_descr_ptr();
    let cols: Vec<Col> = schema
        .columns()
        .iter()
        .enumerate()
        .filter(|(_, d)| d.max_rep_level() == 0)
        .map(|(index, d)| Col { index, desc: d.clone(), form: form(d) })
        .collect();
    let maps = map_columns(&schema);
    let names: Vec<String> =
        cols.iter().map(|c| c.desc.path().string()).chain(maps.iter().map(|m| m.name.clone())).collect();
    let mut table = Table::new(&names);
    table.numbered = true;
    let groups = reader.num_row_groups();
    // Each task opens the file anew: clones of one `File` share its read
    // position, so row groups read on several threads through one would
    // read each other's bytes.
    let parts: Vec<Result<Vec<u8>>> = (0..groups)
        .into_par_iter()
        .map(|g| {
            let file = File::open(path).map_err(|source| Error::Read { path: path.to_path_buf(), source })?;
            let own = SerializedFileReader::new(file).map_err(|e| pq_error(path, e))?;
            encode_group(&own, g, &cols, &maps).map_err(|e| pq_error(path, e))
        })
        .collect();
    table.parts = parts.into_iter().collect::<Result<Vec<Vec<u8>>>>()?;
    if reader.metadata().file_metadata().num_rows() == 0 {
        return Err(Error::Invalid { at: Location::file(path), message: "the Parquet file holds no rows".into() });
    }
    Ok(table)
}

/// How the values of column `d` are written, from its logical type.
fn form(d: &ColumnDescPtr) -> Form {
    match (d.logical_type_ref(), d.physical_type()) {
        (Some(LogicalType::Timestamp { unit, .. }), Physical::INT64) => Form::Timestamp {
            per_ms: match unit {
                TimeUnit::MILLIS => 1,
                TimeUnit::MICROS => 1_000,
                TimeUnit::NANOS => 1_000_000,
            },
        },
        (Some(LogicalType::Date), Physical::INT32) => Form::Date,
        (Some(LogicalType::Decimal { scale, .. }), Physical::INT32 | Physical::INT64) if *scale > 0 => {
            Form::Decimal { scale: *scale }
        }
        _ => Form::Plain,
    }
}

/// One column of a row group: its reader, and the values of the batch
/// decoded last (non-null only) with, for a column that may be null, the
/// definition level of every row of the batch.
enum Values {
    Bool(ColumnReaderImpl<BoolType>, Vec<bool>),
    I32(ColumnReaderImpl<Int32Type>, Vec<i32>),
    I64(ColumnReaderImpl<Int64Type>, Vec<i64>),
    F32(ColumnReaderImpl<FloatType>, Vec<f32>),
    F64(ColumnReaderImpl<DoubleType>, Vec<f64>),
    Bytes(ColumnReaderImpl<ByteArrayType>, Vec<ByteArray>),
    /// A type written as empty cells (INT96, fixed-length bytes).
    Unread,
}

struct Decoded {
    values: Values,
    /// Definition levels of the batch (empty when the column is required).
    defs: Vec<i16>,
    max_def: i16,
    form: Form,
    /// The next value of the batch to write.
    at: usize,
}

/// Decodes the next `n` rows of column `r` into `values` (and `defs`).
fn batch<T: DataType>(
    r: &mut ColumnReaderImpl<T>,
    n: usize,
    max_def: i16,
    defs: &mut Vec<i16>,
    values: &mut Vec<T::T>,
) -> parquet::errors::Result<()>
where
    T::T: Default + Clone,
{
    defs.clear();
    values.clear();
    let (records, _, _) = r.read_records(n, (max_def > 0).then_some(defs), None, values)?;
    if records < n {
        return Err(parquet::errors::ParquetError::General(format!(
            "a column holds {records} of the {n} rows its row group declares"
        )));
    }
    Ok(())
}

impl Decoded {
    /// Decodes the next `n` rows.
    fn next(&mut self, n: usize) -> parquet::errors::Result<()> {
        self.at = 0;
        let (m, d) = (self.max_def, &mut self.defs);
        match &mut self.values {
            Values::Bool(r, v) => batch(r, n, m, d, v),
            Values::I32(r, v) => batch(r, n, m, d, v),
            Values::I64(r, v) => batch(r, n, m, d, v),
            Values::F32(r, v) => batch(r, n, m, d, v),
            Values::F64(r, v) => batch(r, n, m, d, v),
            Values::Bytes(r, v) => batch(r, n, m, d, v),
            Values::Unread => Ok(()),
        }
    }
}

/// The two leaves of a map column in one row group, and their buffers.
struct MapReader {
    key: ColumnReaderImpl<ByteArrayType>,
    value: ColumnReaderImpl<ByteArrayType>,
    key_def: i16,
    value_def: i16,
    /// Each row's map of the batch decoded last, as JSON text (empty for an empty or null map).
    rows: Vec<String>,
}

impl MapReader {
    fn open(group: &dyn parquet::file::reader::RowGroupReader, m: &MapCol) -> parquet::errors::Result<MapReader> {
        let bytes = |i: usize| match group.get_column_reader(i)? {
            ColumnReader::ByteArrayColumnReader(r) => Ok(r),
            _ => Err(parquet::errors::ParquetError::General(format!("map column `{}` is not of strings", m.name))),
        };
        let meta = group.metadata();
        Ok(MapReader {
            key: bytes(m.key)?,
            value: bytes(m.value)?,
            key_def: meta.column(m.key).column_descr().max_def_level(),
            value_def: meta.column(m.value).column_descr().max_def_level(),
            rows: Vec::new(),
        })
    }

    /// Decodes the maps of the next `n` rows into `rows`.
    fn next(&mut self, n: usize) -> parquet::errors::Result<()> {
        let (mut kd, mut kr, mut kv) = (Vec::new(), Vec::new(), Vec::<ByteArray>::new());
        let (mut vd, mut vr, mut vv) = (Vec::new(), Vec::new(), Vec::<ByteArray>::new());
        let (rk, _, lk) = self.key.read_records(n, Some(&mut kd), Some(&mut kr), &mut kv)?;
        let (rv, _, lv) = self.value.read_records(n, Some(&mut vd), Some(&mut vr), &mut vv)?;
        if rk < n || rv < n || lk != lv {
            return Err(parquet::errors::ParquetError::General(format!(
                "a map column holds {} of the {n} rows its row group declares",
                rk.min(rv)
            )));
        }
        self.rows.clear();
        let mut row: Option<serde_json::Map<String, serde_json::Value>> = None;
        let (mut ki, mut vi) = (0, 0);
        let flush = |row: &mut Option<serde_json::Map<String, serde_json::Value>>, rows: &mut Vec<String>| {
            if let Some(m) = row.take() {
                rows.push(if m.is_empty() { String::new() } else { serde_json::Value::Object(m).to_string() });
            }
        };
        let bad = || parquet::errors::ParquetError::General("a map column's levels and values disagree".into());
        for i in 0..kd.len() {
            if *kr.get(i).ok_or_else(bad)? == 0 {
                flush(&mut row, &mut self.rows);
                row = Some(serde_json::Map::new());
            }
            if kd[i] == self.key_def {
                let key = String::from_utf8_lossy(kv.get(ki).ok_or_else(bad)?.data()).into_owned();
                ki += 1;
                let value = if *vd.get(i).ok_or_else(bad)? == self.value_def {
                    vi += 1;
                    let v = vv.get(vi - 1).ok_or_else(bad)?;
                    serde_json::Value::String(String::from_utf8_lossy(v.data()).into_owned())
                } else {
                    serde_json::Value::Null
                };
                if let Some(m) = row.as_mut() {
                    m.insert(key, value);
                }
            }
        }
        flush(&mut row, &mut self.rows);
        if self.rows.len() != n {
            return Err(parquet::errors::ParquetError::General(format!(
                "a map column gives {} rows where {n} were read",
                self.rows.len()
            )));
        }
        Ok(())
    }
}

/// A row group as CSV lines, decoded [`BATCH`] rows at a time.
fn encode_group(
    reader: &SerializedFileReader<File>,
    g: usize,
    cols: &[Col],
    maps: &[MapCol],
) -> parquet::errors::Result<Vec<u8>> {
    let group = reader.get_row_group(g)?;
    let rows = group.metadata().num_rows() as usize;
    let mut decoded = Vec::with_capacity(cols.len());
    for c in cols {
        let values = match group.get_column_reader(c.index)? {
            ColumnReader::BoolColumnReader(r) => Values::Bool(r, Vec::new()),
            ColumnReader::Int32ColumnReader(r) => Values::I32(r, Vec::new()),
            ColumnReader::Int64ColumnReader(r) => Values::I64(r, Vec::new()),
            ColumnReader::FloatColumnReader(r) => Values::F32(r, Vec::new()),
            ColumnReader::DoubleColumnReader(r) => Values::F64(r, Vec::new()),
            ColumnReader::ByteArrayColumnReader(r) => Values::Bytes(r, Vec::new()),
            _ => Values::Unread,
        };
        decoded.push(Decoded { values, defs: Vec::new(), max_def: c.desc.max_def_level(), form: c.form, at: 0 });
    }
    let mut map_readers =
        maps.iter().map(|m| MapReader::open(group.as_ref(), m)).collect::<parquet::errors::Result<Vec<_>>>()?;
    let mut out = Vec::with_capacity(rows * (8 + 12 * cols.len()));
    let mut days = DayCache::default();
    let mut done = 0;
    while done < rows {
        let n = BATCH.min(rows - done);
        for d in decoded.iter_mut() {
            d.next(n)?;
        }
        for m in map_readers.iter_mut() {
            m.next(n)?;
        }
        for row in 0..n {
            for (k, d) in decoded.iter_mut().enumerate() {
                if k > 0 {
                    out.push(b',');
                }
                let present = d.max_def == 0 || d.defs.get(row).is_some_and(|&l| l == d.max_def);
                if present && !matches!(d.values, Values::Unread) {
                    write_value(&mut out, d, &mut days);
                    d.at += 1;
                }
            }
            for (k, m) in map_readers.iter().enumerate() {
                if k > 0 || !decoded.is_empty() {
                    out.push(b',');
                }
                write_cell(&mut out, m.rows[row].as_bytes());
            }
            out.push(b'\n');
        }
        done += n;
    }
    Ok(out)
}

/// Writes value `d.at` of `d`.
fn write_value(out: &mut Vec<u8>, d: &Decoded, days: &mut DayCache) {
    let i = d.at;
    match (&d.values, d.form) {
        (Values::I64(_, v), Form::Timestamp { per_ms }) => days.write_ms(out, v[i].div_euclid(per_ms)),
        (Values::I64(_, v), Form::Decimal { scale }) => write_decimal(out, i128::from(v[i]), scale),
        (Values::I64(_, v), _) => write_int(out, v[i]),
        (Values::I32(_, v), Form::Date) => out.extend_from_slice(format_day(i64::from(v[i])).as_bytes()),
        (Values::I32(_, v), Form::Decimal { scale }) => write_decimal(out, i128::from(v[i]), scale),
        (Values::I32(_, v), _) => write_int(out, i64::from(v[i])),
        (Values::Bool(_, v), _) => out.extend_from_slice(if v[i] { b"true" } else { b"false" }),
        (Values::F32(_, v), _) => {
            let _ = write!(out, "{}", v[i]);
        }
        (Values::F64(_, v), _) => {
            let _ = write!(out, "{}", v[i]);
        }
        // Bytes as they are: the readers check a name's UTF-8 when they first meet it.
        (Values::Bytes(_, v), _) => write_cell(out, v[i].data()),
        (Values::Unread, _) => {}
    }
}

/// A CSV cell on one line (as [`Table`] writes them).
fn write_cell(out: &mut Vec<u8>, cell: &[u8]) {
    if !cell.iter().any(|b| matches!(b, b',' | b'"' | b'\n' | b'\r')) {
        out.extend_from_slice(cell);
        return;
    }
    out.push(b'"');
    for &b in cell {
        match b {
            b'"' => out.extend_from_slice(b"\"\""),
            b'\n' | b'\r' => out.push(b' '),
            _ => out.push(b),
        }
    }
    out.push(b'"');
}

/// Decimal digits of `v`, without allocating.
fn write_int(out: &mut Vec<u8>, v: i64) {
    let mut buf = [0u8; 20];
    let mut n = v.unsigned_abs();
    let mut at = buf.len();
    loop {
        at -= 1;
        buf[at] = b'0' + (n % 10) as u8;
        n /= 10;
        if n == 0 {
            break;
        }
    }
    if v < 0 {
        out.push(b'-');
    }
    out.extend_from_slice(&buf[at..]);
}

/// `v × 10^-scale` in decimal.
fn write_decimal(out: &mut Vec<u8>, v: i128, scale: i32) {
    let p = 10i128.pow(scale as u32);
    let (whole, frac) = (v / p, (v % p).abs());
    if v < 0 && whole == 0 {
        out.push(b'-');
    }
    let _ = write!(out, "{whole}.{frac:0width$}", width = scale as usize);
}

/// The date part of the last day written, so that most timestamps format
/// only their time of day.
#[derive(Default)]
struct DayCache {
    day: Option<(i64, [u8; 10])>,
}

impl DayCache {
    /// `YYYY-MM-DDTHH:MM:SS.mmm` of `ms` since the epoch (UTC).
    fn write_ms(&mut self, out: &mut Vec<u8>, ms: i64) {
        let day = ms.div_euclid(MS_PER_DAY);
        let date = match self.day {
            Some((d, text)) if d == day => text,
            _ => {
                let (y, m, dd) = civil_from_days(day);
                let mut text = [0u8; 10];
                text.copy_from_slice(format!("{y:04}-{m:02}-{dd:02}").as_bytes().get(..10).unwrap_or(b"0000-00-00"));
                self.day = Some((day, text));
                text
            }
        };
        out.extend_from_slice(&date);
        let t = ms.rem_euclid(MS_PER_DAY);
        let (h, mi, s, milli) = (t / 3_600_000, t / 60_000 % 60, t / 1000 % 60, t % 1000);
        let two = |v: i64| [b'0' + (v / 10) as u8, b'0' + (v % 10) as u8];
        out.push(b'T');
        out.extend_from_slice(&two(h));
        out.push(b':');
        out.extend_from_slice(&two(mi));
        out.push(b':');
        out.extend_from_slice(&two(s));
        out.push(b'.');
        out.extend_from_slice(&[b'0' + (milli / 100) as u8, b'0' + (milli / 10 % 10) as u8, b'0' + (milli % 10) as u8]);
        out.push(b'Z');
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_and_times_are_written_exactly() {
        let mut out = Vec::new();
        write_int(&mut out, -120);
        out.push(b' ');
        write_int(&mut out, 0);
        out.push(b' ');
        write_decimal(&mut out, 12345, 3);
        out.push(b' ');
        write_decimal(&mut out, -5, 2);
        out.push(b' ');
        DayCache::default().write_ms(&mut out, 1_793_491_200_000 + 3_723_004);
        assert_eq!(String::from_utf8(out).unwrap(), "-120 0 12.345 -0.05 2026-11-01T01:02:03.004Z");
    }
}
