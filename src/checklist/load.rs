//! Reading checklist and contract-terms files (SPEC 3.4) with full
//! validation. Every error names the file, the line, the item id (or the
//! contract field) and what was expected.
//!
//! Both formats are parsed into a plain TOML table first (syntax errors get a
//! line and key path from [`crate::spec::doc`]) and then checked key by key,
//! because their errors must name an item's id, not its array index, and
//! because a contract's fields are whatever the checklist reads. Lines come
//! from [`doc::KeyLines`], parsed once per file.

use std::path::Path;

use toml::Value;

use super::{Category, Checklist, Contract, Field, FieldPath, Item, Number, Scalar, Test, Vendor};
use crate::error::{closest, Error, KeyHint, Location, Result};
use crate::spec::doc;
use crate::spec::kind::{or_wrong_kind, FileKind};

/// The default checklist (`contracts/checklist.toml`), built into the binary
/// so that `score` works from any folder.
pub const DEFAULT_CHECKLIST: &str = include_str!("../../contracts/checklist.toml");

/// The name under which the built-in checklist appears in messages and reports.
pub const DEFAULT_CHECKLIST_NAME: &str = "built-in contracts/checklist.toml";

const CHECKLIST_KEYS: [&str; 2] = ["meta", "item"];
const META_KEYS: [&str; 3] = ["name", "version", "note"];
const ITEM_KEYS: [&str; 13] = [
    "id",
    "category",
    "question",
    "field",
    "max",
    "min",
    "equals",
    "one_of",
    "weight",
    "must_have",
    "ask",
    "source",
    "read",
];
const TEST_KEYS: [&str; 4] = ["max", "min", "equals", "one_of"];
const VENDOR_KEYS: [&str; 6] = ["name", "product", "providers", "documents", "read", "note"];
const PROVENANCE_KEYS: [&str; 4] = ["value", "source", "read", "note"];

impl Checklist {
    /// Loads and validates a checklist file.
    pub fn load(path: &Path) -> Result<Checklist> {
        let text = doc::read_text(path, "a checklist (TOML)")?;
        Checklist::from_text(path, &text).map_err(|e| or_wrong_kind(e, path, FileKind::Checklist))
    }

    /// The built-in default checklist.
    pub fn builtin() -> Result<Checklist> {
        Checklist::from_text(Path::new(DEFAULT_CHECKLIST_NAME), DEFAULT_CHECKLIST)
    }

    /// Parses and validates checklist `text`, read from `path`.
    pub fn from_text(path: &Path, text: &str) -> Result<Checklist> {
        let root: toml::Table = doc::parse(path, text)?;
        let src = Src::new(path, text);
        src.known_keys(&root, "", None, &CHECKLIST_KEYS)?;
        let (name, version) = match root.get("meta") {
            None => (None, None),
            Some(Value::Table(t)) => {
                src.known_keys(t, "meta", Some("meta"), &META_KEYS)?;
                let s = |k: &str| src.opt_string(t, "meta", k, "meta");
                let _note = s("note")?;
                (s("name")?, s("version")?)
            }
            Some(v) => {
                return Err(src.invalid("meta", "meta", format!("expected a [meta] table, found {}", describe(v))))
            }
        };
        let items = match root.get("item") {
            Some(Value::Array(list)) => {
                list.iter().enumerate().map(|(i, v)| item(&src, i, v)).collect::<Result<Vec<_>>>()?
            }
            Some(v) => {
                let msg = format!("expected [[item]] tables, found {}", describe(v));
                return Err(src.invalid("item", "item", msg));
            }
            None => Vec::new(),
        };
        Checklist::new(path, name.unwrap_or_else(|| stem(path)), version, items)
    }
}

impl Contract {
    /// Loads and validates a contract-terms file.
    pub fn load(path: &Path) -> Result<Contract> {
        let text = doc::read_text(path, "a contract-terms file (TOML)")?;
        Contract::from_text(path, &text).map_err(|e| or_wrong_kind(e, path, FileKind::Contract))
    }

    /// Parses and validates contract `text`, read from `path`.
    pub fn from_text(path: &Path, text: &str) -> Result<Contract> {
        let root: toml::Table = doc::parse(path, text)?;
        let src = Src::new(path, text);
        let mut vendor = Vendor::default();
        let mut fields = Vec::new();
        for (key, v) in &root {
            if key == "vendor" {
                vendor = vendor_section(&src, v)?;
                continue;
            }
            let section = Category::parse(key).ok_or_else(|| unknown_section(&src, key))?;
            let Value::Table(t) = v else {
                let msg = format!("expected a section [{key}] of fields, found {}", describe(v));
                return Err(src.invalid(key, key, msg));
            };
            for (name, value) in t {
                fields.push(field(&src, section, name, value)?);
            }
        }
        fields.sort_by_key(|f| f.line);
        if vendor.name.trim().is_empty() {
            vendor.name = stem(path);
        }
        Ok(Contract { file: path.to_path_buf(), vendor, fields })
    }
}

/// The text being read, for line numbers (its spanned tree is parsed once,
/// on the first look-up).
struct Src<'a> {
    path: &'a Path,
    text: &'a str,
    lines: std::cell::OnceCell<doc::KeyLines<'a>>,
}

impl<'a> Src<'a> {
    fn new(path: &'a Path, text: &'a str) -> Src<'a> {
        Src { path, text, lines: std::cell::OnceCell::new() }
    }

    fn line(&self, key_path: &str) -> Option<usize> {
        self.lines.get_or_init(|| doc::KeyLines::new(self.text)).line_of(key_path)
    }

    /// An [`Error::Invalid`] at the line of `key_path`, labelled `label`.
    fn invalid(&self, key_path: &str, label: &str, message: String) -> Error {
        let at = Location { file: self.path.to_path_buf(), line: self.line(key_path), key: Some(label.to_string()) };
        Error::Invalid { at, message }
    }

    /// Rejects any key of `t` (at `key_path`) outside `valid`, naming the closest valid one.
    fn known_keys(&self, t: &toml::Table, key_path: &str, label: Option<&str>, valid: &[&str]) -> Result<()> {
        let Some(name) = t.keys().find(|k| !valid.contains(&k.as_str())) else { return Ok(()) };
        let full = if key_path.is_empty() { name.clone() } else { format!("{key_path}.{name}") };
        let at = Location { file: self.path.to_path_buf(), line: self.line(&full), key: label.map(str::to_string) };
        let hint = KeyHint {
            suggestion: closest(name, valid.iter().copied()),
            expected: valid.iter().map(|k| k.to_string()).collect(),
        };
        Err(Error::UnknownKey { at, name: name.clone(), hint: Box::new(hint) })
    }

    /// An optional string key `k` of table `t` at `key_path`.
    fn opt_string(&self, t: &toml::Table, key_path: &str, k: &str, label: &str) -> Result<Option<String>> {
        match t.get(k) {
            None => Ok(None),
            Some(Value::String(s)) => Ok(Some(s.clone())),
            Some(v) => {
                let msg = format!("`{k}` must be a string, found {}", describe(v));
                Err(self.invalid(&format!("{key_path}.{k}"), label, msg))
            }
        }
    }
}

/// One `[[item]]` being read: its table, its key path and its label for messages.
struct ItemSrc<'a, 's> {
    src: &'a Src<'s>,
    t: &'a toml::Table,
    key: String,
    label: String,
}

impl ItemSrc<'_, '_> {
    /// An error about key `k` of the item (at the item's line when `k` is absent).
    fn err(&self, k: Option<&str>, message: String) -> Error {
        let line = k.and_then(|k| self.src.line(&format!("{}.{k}", self.key))).or_else(|| self.src.line(&self.key));
        Error::Invalid {
            at: Location { file: self.src.path.to_path_buf(), line, key: Some(self.label.clone()) },
            message,
        }
    }

    /// A required, non-empty string.
    fn text(&self, k: &str) -> Result<String> {
        match self.t.get(k) {
            Some(Value::String(s)) if !s.trim().is_empty() => Ok(s.clone()),
            Some(v) => Err(self.err(Some(k), format!("`{k}` must be a non-empty string, found {}", describe(v)))),
            None => Err(self.err(None, format!("missing required key `{k}`"))),
        }
    }

    fn opt_text(&self, k: &str) -> Result<Option<String>> {
        self.src.opt_string(self.t, &self.key, k, &self.label)
    }

    fn must_have(&self) -> Result<bool> {
        match self.t.get("must_have") {
            None => Ok(false),
            Some(Value::Boolean(b)) => Ok(*b),
            Some(v) => {
                Err(self.err(Some("must_have"), format!("`must_have` must be true or false, found {}", describe(v))))
            }
        }
    }

    fn category(&self) -> Result<Category> {
        let name = self.text("category")?;
        Category::parse(&name).ok_or_else(|| {
            let hint = closest(&name, Category::names()).map(|c| format!("; did you mean `{c}`?")).unwrap_or_default();
            let all = Category::names().collect::<Vec<_>>().join(", ");
            self.err(Some("category"), format!("unknown category `{name}`{hint} (categories: {all})"))
        })
    }

    /// `field = "section.name"`, with the section one of the eight.
    fn field(&self) -> Result<FieldPath> {
        let path = self.text("field")?;
        let bad = |msg: String| self.err(Some("field"), msg);
        let Some((section, name)) = path.split_once('.').filter(|(s, n)| !s.is_empty() && !n.is_empty()) else {
            return Err(bad(format!("`field` must be a dotted `section.field` path, found `{path}`")));
        };
        if name.contains('.') {
            return Err(bad(format!("`field` must be `section.field` with one dot, found `{path}`")));
        }
        let all = Category::names().collect::<Vec<_>>().join(", ");
        if section == "vendor" {
            return Err(bad(format!("`{path}`: [vendor] is metadata and is never scored; use one of: {all}")));
        }
        let section = Category::parse(section).ok_or_else(|| {
            let hint =
                closest(section, Category::names()).map(|c| format!("; did you mean `{c}`?")).unwrap_or_default();
            bad(format!("unknown section `{section}` in `field = \"{path}\"`{hint} (sections: {all})"))
        })?;
        Ok(FieldPath { section, name: name.to_string() })
    }

    /// Exactly one of `max`, `min`, `equals`, `one_of`.
    fn test(&self) -> Result<Test> {
        let present: Vec<&str> = TEST_KEYS.iter().copied().filter(|k| self.t.contains_key(*k)).collect();
        let k = match present.as_slice() {
            [k] => *k,
            [] => {
                return Err(self.err(None, "no comparison: give exactly one of `max`, `min`, `equals`, `one_of`".into()))
            }
            [a, b, ..] => {
                let msg =
                    format!("two comparisons, `{a}` and `{b}`: give exactly one of `max`, `min`, `equals`, `one_of`");
                return Err(self.err(Some(b), msg));
            }
        };
        let v = &self.t[k];
        let bad = |what: &str| self.err(Some(k), format!("`{k}` must be {what}, found {}", describe(v)));
        match k {
            "max" => number(v).map(Test::Max).ok_or_else(|| bad("a number")),
            "min" => number(v).map(Test::Min).ok_or_else(|| bad("a number")),
            "equals" => match scalar(v) {
                Some(Scalar::Str(s)) if is_unknown(&s) => {
                    Err(bad("a value other than \"unknown\" (which means not stated)"))
                }
                Some(x) => Ok(Test::Equals(x)),
                None => Err(bad("true, false, a number or a string")),
            },
            _ => one_of(v).map(Test::OneOf).ok_or_else(|| bad("a non-empty array of strings (not \"unknown\")")),
        }
    }

    fn weight(&self) -> Result<u8> {
        match self.t.get("weight") {
            Some(Value::Integer(w)) if (1..=5).contains(w) => Ok(*w as u8),
            Some(v) => {
                Err(self
                    .err(Some("weight"), format!("`weight` must be a whole number from 1 to 5, found {}", describe(v))))
            }
            None => Err(self.err(None, "missing required key `weight` (a whole number from 1 to 5)".into())),
        }
    }
}

/// Reads `[[item]]` number `i`.
fn item(src: &Src, i: usize, v: &Value) -> Result<Item> {
    let key = format!("item[{i}]");
    let line = src.line(&key);
    let Value::Table(t) = v else {
        return Err(src.invalid(&key, &key, format!("expected an [[item]] table, found {}", describe(v))));
    };
    let id = match t.get("id") {
        Some(Value::String(s)) if !s.trim().is_empty() => s.clone(),
        Some(v) => {
            return Err(src.invalid(
                &format!("{key}.id"),
                &key,
                format!("`id` must be a non-empty string, found {}", describe(v)),
            ))
        }
        None => return Err(src.invalid(&key, &key, "missing required key `id`".into())),
    };
    let label = format!("item `{id}`");
    src.known_keys(t, &key, Some(&label), &ITEM_KEYS)?;
    let it = ItemSrc { src, t, key, label };
    Ok(Item {
        category: it.category()?,
        question: it.text("question")?,
        field: it.field()?,
        test: it.test()?,
        weight: it.weight()?,
        must_have: it.must_have()?,
        ask: it.text("ask")?,
        source: it.opt_text("source")?,
        read: it.opt_text("read")?,
        id,
        line,
    })
}

/// Reads the `[vendor]` section.
fn vendor_section(src: &Src, v: &Value) -> Result<Vendor> {
    let Value::Table(t) = v else {
        return Err(src.invalid("vendor", "vendor", format!("expected a [vendor] table, found {}", describe(v))));
    };
    src.known_keys(t, "vendor", Some("vendor"), &VENDOR_KEYS)?;
    let s = |k: &str| src.opt_string(t, "vendor", k, &format!("vendor.{k}"));
    let strings = |k: &str| match t.get(k) {
        None => Ok(Vec::new()),
        Some(Value::Array(a)) if a.iter().all(Value::is_str) => {
            Ok(a.iter().filter_map(|d| d.as_str().map(str::to_string)).collect())
        }
        Some(v) => {
            let msg = format!("`{k}` must be an array of strings, found {}", describe(v));
            Err(src.invalid(&format!("vendor.{k}"), &format!("vendor.{k}"), msg))
        }
    };
    let documents = strings("documents")?;
    let providers = strings("providers")?;
    Ok(Vendor {
        name: s("name")?.unwrap_or_default(),
        product: s("product")?,
        providers,
        documents,
        read: s("read")?,
        note: s("note")?,
    })
}

/// Reads one field of a scored section: a plain value or a provenance table.
fn field(src: &Src, section: Category, name: &str, v: &Value) -> Result<Field> {
    let key = format!("{section}.{name}");
    let (value, source) = match v {
        Value::Table(t) => {
            src.known_keys(t, &key, Some(&key), &PROVENANCE_KEYS)?;
            let Some(inner) = t.get("value") else {
                let msg =
                    "missing `value` in { value = ..., source = \"...\", read = \"...\", note = \"...\" }".to_string();
                return Err(src.invalid(&key, &key, msg));
            };
            let _ = (src.opt_string(t, &key, "read", &key)?, src.opt_string(t, &key, "note", &key)?);
            (field_value(src, &format!("{key}.value"), &key, inner)?, src.opt_string(t, &key, "source", &key)?)
        }
        other => (field_value(src, &key, &key, other)?, None),
    };
    Ok(Field { path: FieldPath { section, name: name.to_string() }, value, source, line: src.line(&key) })
}

/// A field's value: a scalar, or `None` for "unknown".
fn field_value(src: &Src, key_path: &str, label: &str, v: &Value) -> Result<Option<Scalar>> {
    match scalar(v) {
        Some(Scalar::Str(s)) if is_unknown(&s) => Ok(None),
        Some(x) => Ok(Some(x)),
        None => {
            let what = match v {
                Value::Float(_) => "a finite number".to_string(),
                _ => {
                    "true, false, a number, a string or \"unknown\" (or { value = ..., source = \"...\" })".to_string()
                }
            };
            Err(src.invalid(key_path, label, format!("expected {what}, found {}", describe(v))))
        }
    }
}

fn unknown_section(src: &Src, key: &str) -> Error {
    let sections = std::iter::once("vendor").chain(Category::names());
    let hint = closest(key, sections.clone()).map(|c| format!("; did you mean [{c}]?")).unwrap_or_default();
    let all = sections.collect::<Vec<_>>().join(", ");
    let at = Location { file: src.path.to_path_buf(), line: src.line(key), key: None };
    Error::Invalid { at, message: format!("unknown section [{key}]{hint} (sections: {all})") }
}

/// The string that means "the terms do not say".
fn is_unknown(s: &str) -> bool {
    s.trim().eq_ignore_ascii_case("unknown")
}

fn number(v: &Value) -> Option<Number> {
    match v {
        Value::Integer(i) => Some(Number::Int(*i)),
        Value::Float(x) if x.is_finite() => Some(Number::Float(*x)),
        _ => None,
    }
}

fn scalar(v: &Value) -> Option<Scalar> {
    match v {
        Value::Boolean(b) => Some(Scalar::Bool(*b)),
        Value::String(s) => Some(Scalar::Str(s.clone())),
        other => number(other).map(Scalar::Num),
    }
}

fn one_of(v: &Value) -> Option<Vec<String>> {
    let list = v.as_array().filter(|a| !a.is_empty())?;
    list.iter().map(|s| s.as_str().filter(|s| !is_unknown(s)).map(str::to_string)).collect()
}

/// A value as a user would describe it: `the string "30"`, `the number 30`, `an array`.
fn describe(v: &Value) -> String {
    match v {
        Value::String(s) => format!("the string {s:?}"),
        Value::Integer(i) => format!("the number {i}"),
        Value::Float(x) => format!("the number {x}"),
        Value::Boolean(b) => format!("{b}"),
        Value::Datetime(d) => format!("the date {d}"),
        Value::Array(_) => "an array".into(),
        Value::Table(_) => "a table".into(),
    }
}

fn stem(path: &Path) -> String {
    path.file_stem().map(|s| s.to_string_lossy().into_owned()).unwrap_or_else(|| path.display().to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    const ITEM: &str = r#"[meta]
name = "t"
version = "1"

[[item]]
id = "a"
category = "retention"
question = "Deleted within 30 days?"
field = "retention.days"
max = 30
weight = 4
ask = "Delete within 30 days."

[[item]]
id = "b"
category = "security"
question = "SOC 2?"
field = "security.soc2"
equals = true
weight = 5
must_have = true
ask = "Provide SOC 2."
"#;

    fn checklist_err(from: &str, to: &str) -> String {
        assert!(ITEM.contains(from), "fixture lacks {from:?}");
        Checklist::from_text(Path::new("c.toml"), &ITEM.replacen(from, to, 1)).unwrap_err().to_string()
    }

    #[test]
    fn checklist_reads_items_with_lines() {
        let c = Checklist::from_text(Path::new("c.toml"), ITEM).unwrap();
        assert_eq!((c.name(), c.version(), c.items().len(), c.total_weight()), ("t", Some("1"), 2, 9));
        let a = &c.items()[0];
        assert_eq!(a.test, Test::Max(Number::Int(30)));
        assert_eq!(a.field.to_string(), "retention.days");
        assert!(!a.must_have);
        assert_eq!(c.items()[1].test, Test::Equals(Scalar::Bool(true)));
        assert!(c.items()[1].must_have);
        assert_eq!(a.line, Some(5));
    }

    #[test]
    fn checklist_errors_name_line_and_item_id() {
        let e = checklist_err("weight = 4", "weight = 0");
        assert!(e.starts_with("c.toml:11: item `a`: `weight` must be a whole number from 1 to 5"), "{e}");
        let e = checklist_err("id = \"b\"", "id = \"a\"");
        assert!(e.contains("item `a`") && e.contains("duplicate item id") && e.contains("line 5"), "{e}");
        let e = checklist_err("max = 30", "maximum = 30");
        assert!(e.contains("c.toml:10: item `a`: unknown key `maximum`; did you mean `max`?"), "{e}");
        let e = checklist_err("max = 30", "");
        assert!(e.contains("item `a`: no comparison"), "{e}");
        let e = checklist_err("max = 30", "max = 30\nmin = 1");
        assert!(e.contains("c.toml:11: item `a`: two comparisons, `max` and `min`"), "{e}");
        let e = checklist_err("field = \"retention.days\"", "field = \"retension.days\"");
        assert!(e.contains("unknown section `retension`") && e.contains("did you mean `retention`?"), "{e}");
        let e = checklist_err("category = \"retention\"", "category = \"retain\"");
        assert!(e.contains("c.toml:7: item `a`: unknown category `retain`"), "{e}");
        let e = checklist_err("max = 30", "max = \"30\"");
        assert!(e.contains("`max` must be a number, found the string \"30\""), "{e}");
        let e = checklist_err("[meta]", "[metta]");
        assert!(e.contains("unknown key `metta`; did you mean `meta`?"), "{e}");
    }

    #[test]
    fn contract_reads_plain_provenance_and_unknown_values() {
        let src = r#"[vendor]
name = "V"
[retention]
days = { value = 30.0, source = "https://x", read = "2026-01-01", note = "n" }
flagged = "unknown"
[security]
soc2 = true
residency = { value = "unknown", note = "not stated" }
"#;
        let c = Contract::from_text(Path::new("v.toml"), src).unwrap();
        assert_eq!(c.vendor.name, "V");
        let get = |s: &str| c.fields.iter().find(|f| f.path.to_string() == s).unwrap();
        assert_eq!(get("retention.days").value, Some(Scalar::Num(Number::Float(30.0))));
        assert_eq!(get("retention.days").line, Some(4));
        assert_eq!(get("retention.flagged").value, None);
        assert_eq!(get("security.soc2").value, Some(Scalar::Bool(true)));
        assert_eq!(get("security.residency").value, None);
    }

    #[test]
    fn contract_errors_name_file_line_and_field() {
        let e = Contract::from_text(Path::new("v.toml"), "[retension]\ndays = 3\n").unwrap_err().to_string();
        assert!(e.starts_with("v.toml:1: unknown section [retension]; did you mean [retention]?"), "{e}");
        let e = Contract::from_text(Path::new("v.toml"), "[retention]\ndays = { valu = 3 }\n").unwrap_err().to_string();
        assert!(e.contains("v.toml:2: retention.days: unknown key `valu`; did you mean `value`?"), "{e}");
        let e = Contract::from_text(Path::new("v.toml"), "[retention]\ndays = [1, 2]\n").unwrap_err().to_string();
        assert!(e.contains("v.toml:2: retention.days: expected true, false, a number"), "{e}");
        let e = Contract::from_text(Path::new("v.toml"), "[vendor]\nnmae = \"x\"\n").unwrap_err().to_string();
        assert!(e.contains("unknown key `nmae`; did you mean `name`?"), "{e}");
    }

    #[test]
    fn missing_vendor_name_defaults_to_file_stem() {
        let c = Contract::from_text(Path::new("dir/acme.toml"), "[exit]\nx = 1\n").unwrap();
        assert_eq!(c.vendor.name, "acme");
    }

    #[test]
    fn builtin_checklist_loads() {
        let c = Checklist::builtin().unwrap();
        assert_eq!(c.items().len(), 40);
        assert_eq!(c.total_weight(), 128);
    }
}
