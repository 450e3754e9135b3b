//! Reading a TOML input file into a typed structure, with errors that name the
//! file, the line, the key path and what was expected.
//!
//! Parsing happens twice: once into typed structs (serde, `deny_unknown_fields`)
//! and, only when an error needs a line number, once into toml's spanned
//! document tree, which maps a key path (`offers[1].discount`) to a line and a
//! byte span back to a key path.

use std::io::Read;
use std::path::Path;

use serde::de::DeserializeOwned;
use toml::de::{DeTable, DeValue};

use crate::error::{closest, Error, Location, Result};

/// The largest TOML input (scenario, catalog, contract, checklist): 16 MiB,
/// a thousand times the largest shipped one. Also what a TOML file may hold
/// on one line, since it is read whole.
pub const MAX_TOML_BYTES: u64 = 16 << 20;

/// The longest line of a text input read whole: 1 MiB.
pub const MAX_LINE_BYTES: usize = 1 << 20;

/// Reads a TOML input file (at most [`MAX_TOML_BYTES`]), rejecting empty
/// and binary files with a clear error.
pub fn read_text(path: &Path, what: &str) -> Result<String> {
    read_text_at_most(path, what, MAX_TOML_BYTES)
}

/// Reads a text input file of at most `max_bytes` bytes and lines of at most
/// [`MAX_LINE_BYTES`], rejecting empty and binary files with a clear error.
/// A larger input (a device or pipe that never ends, a file of another
/// kind) is refused after `max_bytes` bytes, so memory stays bounded.
pub fn read_text_at_most(path: &Path, what: &str, max_bytes: u64) -> Result<String> {
    let read_err = |source| Error::Read { path: path.to_path_buf(), source };
    let file = std::fs::File::open(path).map_err(read_err)?;
    let mut bytes = Vec::new();
    file.take(max_bytes + 1).read_to_end(&mut bytes).map_err(read_err)?;
    if bytes.len() as u64 > max_bytes {
        return Err(Error::Invalid {
            at: Location::file(path),
            message: format!(
                "the input is larger than {} MiB, the most {what} may be (docs/model.md, \"Limits\"); is this the right file?",
                max_bytes >> 20
            ),
        });
    }
    if let Some(e) = utf16_error(path, &bytes) {
        return Err(e);
    }
    if bytes.iter().all(u8::is_ascii_whitespace) {
        return Err(Error::Invalid {
            at: Location::file(path),
            message: format!("the file is empty; expected {what}"),
        });
    }
    if let Some((k, _)) = bytes.split(|&b| b == b'\n').enumerate().find(|(_, l)| l.len() > MAX_LINE_BYTES) {
        return Err(Error::Invalid {
            at: Location { file: path.to_path_buf(), line: Some(k + 1), key: None },
            message: format!("the line is longer than {} MiB, the most a line of {what} may be", MAX_LINE_BYTES >> 20),
        });
    }
    if bytes.contains(&0) {
        return Err(Error::Invalid { at: Location::file(path), message: format!("this is a binary file, not {what}") });
    }
    let text = String::from_utf8(bytes).map_err(|e| Error::Invalid {
        at: Location {
            file: path.to_path_buf(),
            line: Some(line_at(e.as_bytes(), e.utf8_error().valid_up_to())),
            key: None,
        },
        message: format!("the file is not UTF-8 text (expected {what})"),
    })?;
    Ok(text.strip_prefix('\u{feff}').map(str::to_string).unwrap_or(text))
}

/// The error of a file that starts as UTF-16 (or UTF-32) text, what
/// Excel's "Unicode Text" and PowerShell's `>` write: a byte-order mark
/// `FF FE` or `FE FF`, or, without one, ASCII with a zero byte after (or
/// before) each character. `head` is the file's first bytes (4 suffice).
pub fn utf16_error(path: &Path, head: &[u8]) -> Option<Error> {
    let kind = match head {
        [0xFF, 0xFE, 0, 0, ..] => "UTF-32",
        [0xFF, 0xFE, ..] | [0xFE, 0xFF, ..] => "UTF-16",
        [a, 0, b, 0, ..] | [0, a, 0, b, ..] if a.is_ascii() && b.is_ascii() && *a != 0 && *b != 0 => "UTF-16",
        _ => return None,
    };
    Some(Error::Invalid {
        at: Location::file(path),
        message: format!(
            "the file is {kind} text (what Excel's \"Unicode Text\" and PowerShell's `>` write), not UTF-8: save it \
             as UTF-8 (Excel: Save As \"CSV UTF-8\"; PowerShell: `Out-File -Encoding utf8`; or `iconv -f {kind} -t UTF-8`)"
        ),
    })
}

/// Parses `text` (read from `path`) into `T`.
pub fn parse<T: DeserializeOwned>(path: &Path, text: &str) -> Result<T> {
    toml::from_str(text).map_err(|e| syntax_error(path, text, &e))
}

/// Fills in the line of an [`Error::Invalid`] or [`Error::UnknownKey`] whose
/// location has a key path but no line yet.
pub fn with_line(err: Error, text: &str) -> Error {
    match err {
        Error::Invalid { mut at, message } => {
            if at.line.is_none() {
                at.line = at.key.as_deref().and_then(|k| line_of_key(text, k));
            }
            Error::Invalid { at, message }
        }
        other => other,
    }
}

/// The 1-based line where the key path `key` (`a.b[2].c`) is defined.
pub fn line_of_key(text: &str, key: &str) -> Option<usize> {
    KeyLines::new(text).line_of(key)
}

/// A document parsed once into toml's spanned tree, for many line look-ups
/// (a checklist asks for the line of every item; parsing the text for each
/// made reading a 40-item checklist quadratic).
pub struct KeyLines<'a> {
    text: &'a str,
    root: Option<toml::Spanned<DeTable<'a>>>,
}

impl<'a> KeyLines<'a> {
    /// Parses `text` (a document that does not parse has no lines to give).
    pub fn new(text: &'a str) -> KeyLines<'a> {
        KeyLines { text, root: DeTable::parse(text).ok() }
    }

    /// The 1-based line where the key path `key` (`a.b[2].c`) is defined.
    pub fn line_of(&self, key: &str) -> Option<usize> {
        line_in(self.root.as_ref()?, self.text, key)
    }
}

fn line_in(root: &toml::Spanned<DeTable<'_>>, text: &str, key: &str) -> Option<usize> {
    let mut span = root.span();
    let mut table: &DeTable = root.get_ref();
    let mut value: Option<&DeValue> = None;
    for seg in split_key(key) {
        match seg {
            Seg::Key(name) => {
                let t = match value {
                    None => table,
                    Some(DeValue::Table(t)) => t,
                    _ => break,
                };
                let (k, v) = t.get_key_value(name)?;
                span = k.span();
                table = t;
                value = Some(v.get_ref());
            }
            Seg::Index(i) => match value {
                Some(DeValue::Array(a)) => {
                    let item = a.get(i)?;
                    span = item.span();
                    value = Some(item.get_ref());
                }
                _ => break,
            },
        }
    }
    Some(line_at(text.as_bytes(), span.start))
}

enum Seg<'a> {
    Key(&'a str),
    Index(usize),
}

fn split_key(key: &str) -> Vec<Seg<'_>> {
    let mut out = Vec::new();
    for part in key.split('.') {
        let (name, rest) = part.split_once('[').map_or((part, ""), |(n, r)| (n, r));
        if !name.is_empty() {
            out.push(Seg::Key(name));
        }
        for idx in rest.split('[') {
            if let Ok(i) = idx.trim_end_matches(']').parse() {
                out.push(Seg::Index(i));
            }
        }
    }
    out
}

/// The key path of the innermost key whose value contains byte `pos`.
fn key_at(text: &str, pos: usize) -> Option<String> {
    let root = DeTable::parse(text).ok()?;
    let mut path = String::new();
    walk_table(root.get_ref(), pos, &mut path);
    (!path.is_empty()).then_some(path)
}

fn walk_table(t: &DeTable, pos: usize, path: &mut String) {
    for (k, v) in t {
        if k.span().contains(&pos) || v.span().contains(&pos) || containing(v.get_ref(), pos) {
            if !path.is_empty() {
                path.push('.');
            }
            path.push_str(k.get_ref());
            walk_value(v.get_ref(), pos, path);
            return;
        }
    }
}

/// Whether an array or table value holds `pos` somewhere inside (array-of-tables
/// entries are spread through the file, so the outer span is not enough).
fn containing(v: &DeValue, pos: usize) -> bool {
    match v {
        DeValue::Array(a) => a.iter().any(|i| i.span().contains(&pos) || containing(i.get_ref(), pos)),
        DeValue::Table(t) => {
            t.iter().any(|(k, v)| k.span().contains(&pos) || v.span().contains(&pos) || containing(v.get_ref(), pos))
        }
        _ => false,
    }
}

fn walk_value(v: &DeValue, pos: usize, path: &mut String) {
    match v {
        DeValue::Table(t) => walk_table(t, pos, path),
        DeValue::Array(a) => {
            for (i, item) in a.iter().enumerate() {
                if item.span().contains(&pos) || containing(item.get_ref(), pos) {
                    path.push_str(&format!("[{i}]"));
                    walk_value(item.get_ref(), pos, path);
                    return;
                }
            }
        }
        _ => {}
    }
}

fn line_at(text: &[u8], pos: usize) -> usize {
    1 + text.iter().take(pos).filter(|&&b| b == b'\n').count()
}

/// Turns a toml/serde error into ours, rephrasing serde's vocabulary.
fn syntax_error(path: &Path, text: &str, e: &toml::de::Error) -> Error {
    let span = e.span();
    let line = span.as_ref().map(|s| line_at(text.as_bytes(), s.start));
    let key = span.as_ref().and_then(|s| key_at(text, s.start));
    let msg = e.message().to_string();
    if let Some((name, expected)) = parse_unknown_field(&msg) {
        let parent = key.as_deref().map(|k| parent_path(k, &name));
        let suggestion = closest(&name, expected.iter().map(String::as_str));
        let at = Location { file: path.to_path_buf(), line, key: parent.filter(|p| !p.is_empty()) };
        return Error::UnknownKey { at, name, hint: Box::new(crate::error::KeyHint { suggestion, expected }) };
    }
    let mut message = rephrase(&msg);
    if msg == "duplicate key" {
        if let Some(name) = span.as_ref().and_then(|s| text.get(s.clone())).map(str::trim).filter(|n| !n.is_empty()) {
            message = format!("duplicate key `{name}`: it is already defined above; keep one");
        }
    }
    Error::Syntax { at: Location { file: path.to_path_buf(), line, key }, message }
}

/// The key path without its last segment when that segment is `name`.
fn parent_path(key: &str, name: &str) -> String {
    key.strip_suffix(name).map(|p| p.trim_end_matches('.').to_string()).unwrap_or_else(|| key.to_string())
}

/// Extracts the field and the valid names from serde's
/// "unknown field `x`, expected one of `a`, `b`" (or "expected `a`").
fn parse_unknown_field(msg: &str) -> Option<(String, Vec<String>)> {
    let rest = msg.strip_prefix("unknown field `")?;
    let (name, rest) = rest.split_once('`')?;
    let expected = rest.split('`').skip(1).step_by(2).map(str::to_string).collect();
    Some((name.to_string(), expected))
}

fn rephrase(msg: &str) -> String {
    let mut m = msg.to_string();
    for (from, to) in [
        ("expected f64", "expected a number"),
        ("expected u64", "expected a whole number >= 0"),
        ("expected u32", "expected a whole number >= 0"),
        ("expected usize", "expected a whole number >= 0"),
        ("expected u8", "expected a whole number from 0 to 255"),
        ("expected i64", "expected a whole number"),
        ("expected a sequence", "expected an array"),
        ("expected a boolean", "expected true or false"),
        ("invalid type: floating point", "invalid type: number"),
    ] {
        m = m.replace(from, to);
    }
    if let Some(field) = m.strip_prefix("missing field `").and_then(|r| r.strip_suffix('`')) {
        return format!("missing required key `{field}`");
    }
    m
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde::Deserialize;

    #[derive(Deserialize, Debug)]
    #[serde(deny_unknown_fields)]
    #[allow(dead_code)]
    struct Item {
        name: String,
        amount: f64,
    }

    #[derive(Deserialize, Debug)]
    #[serde(deny_unknown_fields)]
    #[allow(dead_code)]
    struct Doc {
        title: String,
        #[serde(default)]
        items: Vec<Item>,
    }

    const SRC: &str = "title = 'x'\n\n[[items]]\nname = 'a'\namount = 1\n\n[[items]]\nname = 'b'\namuont = 2\n";

    #[test]
    fn unknown_key_names_line_path_and_closest_key() {
        let err = parse::<Doc>(Path::new("s.toml"), SRC).unwrap_err();
        match &err {
            Error::UnknownKey { at, name, hint } => {
                assert_eq!(at.line, Some(9));
                assert_eq!(at.key.as_deref(), Some("items[1]"));
                assert_eq!(name, "amuont");
                assert_eq!(hint.suggestion.as_deref(), Some("amount"));
            }
            other => panic!("unexpected {other:?}"),
        }
        assert!(err.to_string().starts_with("s.toml:9: items[1]: unknown key `amuont`; did you mean `amount`?"));
    }

    #[test]
    fn wrong_type_is_rephrased_with_its_key() {
        let src = "title = 'x'\n[[items]]\nname = 'a'\namount = 'lots'\n";
        let err = parse::<Doc>(Path::new("s.toml"), src).unwrap_err().to_string();
        assert!(err.contains("s.toml:4: items[0].amount"), "{err}");
        assert!(err.contains("expected a number"), "{err}");
    }

    #[test]
    fn utf16_and_utf32_are_named_with_the_fix() {
        let p = Path::new("u.csv");
        let le: Vec<u8> = "\u{feff}date,model\n".encode_utf16().flat_map(u16::to_le_bytes).collect();
        let be: Vec<u8> = "\u{feff}date,model\n".encode_utf16().flat_map(u16::to_be_bytes).collect();
        let no_bom: Vec<u8> = "date,model\n".encode_utf16().flat_map(u16::to_le_bytes).collect();
        for bytes in [&le, &be, &no_bom] {
            let e = utf16_error(p, bytes).expect("UTF-16").to_string();
            assert!(e.contains("UTF-16 text") && e.contains("save it as UTF-8"), "{e}");
        }
        assert!(utf16_error(p, &[0xFF, 0xFE, 0, 0, b'a', 0, 0, 0]).unwrap().to_string().contains("UTF-32"));
        for fine in [&b"date,model\n"[..], b"\xEF\xBB\xBFdate", b"a", b"", b"\0\0\0\0"] {
            assert!(utf16_error(p, fine).is_none(), "{fine:?}");
        }
    }

    #[test]
    fn key_paths_map_to_lines() {
        assert_eq!(line_of_key(SRC, "items[1].name"), Some(8));
        assert_eq!(line_of_key(SRC, "items[0].amount"), Some(5));
        assert_eq!(line_of_key(SRC, "title"), Some(1));
    }
}
