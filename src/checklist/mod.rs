//! Contract-term checklists and their scores (SPEC 3.4).
//!
//! A checklist is a list of items; each item reads one field of a contract
//! file (`section.field`) and applies one test to it (`max`, `min`, `equals`
//! or `one_of`). A contract file states a vendor's terms as plain values; the
//! string `"unknown"` (or a field left out) means the terms do not say.
//!
//! Scoring ([`rules`]): `score = 100 × (weight of passed items) / (weight of
//! all items)`, the same formula within each category. An unknown field scores
//! nothing and becomes the ask `"Confirm in writing: <question>"`. A failed
//! must-have blocks the deal whatever the score; an unknown must-have does not
//! block, but its ask ranks first. Reading and validating files is in [`load`].

pub mod load;
pub mod rules;

use std::cmp::Ordering;
use std::fmt;
use std::path::{Path, PathBuf};

use serde::ser::SerializeMap;
use serde::{Serialize, Serializer};

use crate::error::{Error, Location, Result};

pub use load::{DEFAULT_CHECKLIST, DEFAULT_CHECKLIST_NAME};
pub use rules::{contract_warnings, score, score_all};

/// The eight scored sections of a contract file, which are also the
/// categories of checklist items.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Category {
    /// Use of customer content for training and sharing.
    DataUsage,
    /// How long prompts and outputs are kept.
    Retention,
    /// IP indemnities.
    Indemnity,
    /// Liability caps and exclusions.
    Liability,
    /// Price protection and commitment mechanics.
    Pricing,
    /// Availability and model lifecycle.
    Service,
    /// Certifications, data protection and residency.
    Security,
    /// Termination, deletion and export.
    Exit,
}

impl Category {
    /// Every category, in the canonical order (the order of the SPEC).
    pub const ALL: [Category; 8] = [
        Category::DataUsage,
        Category::Retention,
        Category::Indemnity,
        Category::Liability,
        Category::Pricing,
        Category::Service,
        Category::Security,
        Category::Exit,
    ];

    /// The section name, as written in files (`data_usage`).
    pub fn as_str(self) -> &'static str {
        match self {
            Category::DataUsage => "data_usage",
            Category::Retention => "retention",
            Category::Indemnity => "indemnity",
            Category::Liability => "liability",
            Category::Pricing => "pricing",
            Category::Service => "service",
            Category::Security => "security",
            Category::Exit => "exit",
        }
    }

    /// The category named `s`, exactly as written in files.
    pub fn parse(s: &str) -> Option<Category> {
        Category::ALL.into_iter().find(|c| c.as_str() == s)
    }

    /// All section names, for error hints.
    pub fn names() -> impl Iterator<Item = &'static str> + Clone {
        Category::ALL.into_iter().map(Category::as_str)
    }
}

impl fmt::Display for Category {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl Serialize for Category {
    fn serialize<S: Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

/// A number as written: integers stay exact, floats are floats. Integers and
/// floats compare numerically with each other (`30 == 30.0`).
#[derive(Debug, Clone, Copy)]
pub enum Number {
    /// A TOML integer.
    Int(i64),
    /// A TOML float (finite).
    Float(f64),
}

impl Number {
    /// The numerical order of two numbers: exact between integers, as `f64`
    /// otherwise. `None` only for NaN, which the loaders reject.
    pub fn compare(self, other: Number) -> Option<Ordering> {
        match (self, other) {
            (Number::Int(a), Number::Int(b)) => Some(a.cmp(&b)),
            (a, b) => a.as_f64().partial_cmp(&b.as_f64()),
        }
    }

    /// The value as a float.
    pub fn as_f64(self) -> f64 {
        match self {
            Number::Int(i) => i as f64,
            Number::Float(x) => x,
        }
    }
}

impl PartialEq for Number {
    fn eq(&self, other: &Number) -> bool {
        self.compare(*other) == Some(Ordering::Equal)
    }
}

impl fmt::Display for Number {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Number::Int(i) => write!(f, "{i}"),
            Number::Float(x) => write!(f, "{x}"),
        }
    }
}

/// A known value of a contract field, or the operand of an `equals` test.
#[derive(Debug, Clone, PartialEq)]
pub enum Scalar {
    /// `true` or `false`.
    Bool(bool),
    /// An integer or a float.
    Num(Number),
    /// A string (never `"unknown"`, which means the value is not known).
    Str(String),
}

impl Scalar {
    /// What kind of value this is, for messages: `a boolean`, `a number`, `a string`.
    pub fn kind(&self) -> &'static str {
        match self {
            Scalar::Bool(_) => "a boolean",
            Scalar::Num(_) => "a number",
            Scalar::Str(_) => "a string",
        }
    }

    /// Whether `self` and `other` are the same kind of value.
    pub fn same_kind(&self, other: &Scalar) -> bool {
        std::mem::discriminant(self) == std::mem::discriminant(other)
    }
}

impl fmt::Display for Scalar {
    /// As TOML would write it: `true`, `30`, `99.9`, `"us_only"`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Scalar::Bool(b) => write!(f, "{b}"),
            Scalar::Num(n) => write!(f, "{n}"),
            Scalar::Str(s) => write!(f, "{s:?}"),
        }
    }
}

impl Serialize for Scalar {
    fn serialize<S: Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        match self {
            Scalar::Bool(b) => s.serialize_bool(*b),
            Scalar::Num(Number::Int(i)) => s.serialize_i64(*i),
            Scalar::Num(Number::Float(x)) => s.serialize_f64(*x),
            Scalar::Str(v) => s.serialize_str(v),
        }
    }
}

/// The one test a checklist item applies to its field.
#[derive(Debug, Clone, PartialEq)]
pub enum Test {
    /// Passes when the value is at most this number.
    Max(Number),
    /// Passes when the value is at least this number.
    Min(Number),
    /// Passes when the value equals this one (booleans, strings, numbers).
    Equals(Scalar),
    /// Passes when the value is one of these strings.
    OneOf(Vec<String>),
}

impl Test {
    /// The kind of value the test can compare: `a number`, `a string`, ….
    pub fn needs(&self) -> &'static str {
        match self {
            Test::Max(_) | Test::Min(_) => "a number",
            Test::Equals(x) => x.kind(),
            Test::OneOf(_) => "a string",
        }
    }
}

impl fmt::Display for Test {
    /// As written in the checklist: `max = 30`, `one_of = ["a", "b"]`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Test::Max(n) => write!(f, "max = {n}"),
            Test::Min(n) => write!(f, "min = {n}"),
            Test::Equals(x) => write!(f, "equals = {x}"),
            Test::OneOf(list) => {
                let quoted: Vec<String> = list.iter().map(|s| format!("{s:?}")).collect();
                write!(f, "one_of = [{}]", quoted.join(", "))
            }
        }
    }
}

/// A field of a contract file: `section.name`.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct FieldPath {
    /// The section (one of the eight categories).
    pub section: Category,
    /// The field's key inside the section.
    pub name: String,
}

impl fmt::Display for FieldPath {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}.{}", self.section, self.name)
    }
}

/// One checklist item: a question, the field that answers it and the test.
#[derive(Debug, Clone, PartialEq)]
pub struct Item {
    /// Unique id, e.g. `retention.max_days`.
    pub id: String,
    /// The category the item counts towards.
    pub category: Category,
    /// The question, phrased so that the buyer-friendly answer passes.
    pub question: String,
    /// The contract field the item reads.
    pub field: FieldPath,
    /// The test applied to the field.
    pub test: Test,
    /// Weight, 1 to 5.
    pub weight: u8,
    /// Whether a failed test blocks the deal.
    pub must_have: bool,
    /// What to ask the vendor for when the test fails.
    pub ask: String,
    /// Public anchor for the item, if given.
    pub source: Option<String>,
    /// When the source was read, if given.
    pub read: Option<String>,
    /// The line of the item's `[[item]]` header, when read from a file.
    pub line: Option<usize>,
}

/// A validated checklist: at least one item, unique ids, weights 1 to 5.
#[derive(Debug, Clone)]
pub struct Checklist {
    file: PathBuf,
    name: String,
    version: Option<String>,
    items: Vec<Item>,
}

impl Checklist {
    /// A checklist from its parts; rejects an empty list, duplicate ids and
    /// weights outside 1..=5. Errors name `file`, the item's line and its id.
    pub fn new(file: &Path, name: String, version: Option<String>, items: Vec<Item>) -> Result<Checklist> {
        if items.is_empty() {
            return Err(Error::Invalid {
                at: Location::file(file),
                message: "the checklist has no items; add [[item]] entries".into(),
            });
        }
        for (i, item) in items.iter().enumerate() {
            let at = Location { file: file.to_path_buf(), line: item.line, key: Some(format!("item `{}`", item.id)) };
            if !(1..=5).contains(&item.weight) {
                let message = format!("`weight` must be a whole number from 1 to 5, found {}", item.weight);
                return Err(Error::Invalid { at, message });
            }
            if let Some(first) = items[..i].iter().find(|o| o.id == item.id) {
                let line = first.line.map(|l| format!(" at line {l}")).unwrap_or_default();
                let message = format!("duplicate item id `{}`: the item{line} already uses it", item.id);
                return Err(Error::Invalid { at, message });
            }
        }
        Ok(Checklist { file: file.to_path_buf(), name, version, items })
    }

    /// The file it came from (or the name of the built-in default).
    pub fn file(&self) -> &Path {
        &self.file
    }

    /// `[meta] name`, or the file's stem.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// `[meta] version`, if given.
    pub fn version(&self) -> Option<&str> {
        self.version.as_deref()
    }

    /// The items, in file order.
    pub fn items(&self) -> &[Item] {
        &self.items
    }

    /// Sum of all weights.
    pub fn total_weight(&self) -> u32 {
        self.items.iter().map(|i| u32::from(i.weight)).sum()
    }
}

/// The `[vendor]` section: metadata, never scored.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Vendor {
    /// Vendor name (defaults to the file's stem).
    pub name: String,
    /// What is bought.
    pub product: Option<String>,
    /// The catalog providers whose usage these terms govern (e.g.
    /// `azure-openai`); empty when the file does not say.
    pub providers: Vec<String>,
    /// The documents the terms were read from.
    pub documents: Vec<String>,
    /// When they were read.
    pub read: Option<String>,
    /// Free text.
    pub note: Option<String>,
}

/// One field of a contract file.
#[derive(Debug, Clone, PartialEq)]
pub struct Field {
    /// `section.name`.
    pub path: FieldPath,
    /// The value, or `None` when the file says `"unknown"`.
    pub value: Option<Scalar>,
    /// Where the provenance table says the value comes from, if it does.
    pub source: Option<String>,
    /// The line of the field, when read from a file.
    pub line: Option<usize>,
}

/// A loaded, validated contract-terms file.
#[derive(Debug, Clone)]
pub struct Contract {
    /// The file it came from.
    pub file: PathBuf,
    /// `[vendor]` metadata.
    pub vendor: Vendor,
    /// Fields of the eight scored sections, in file order.
    pub fields: Vec<Field>,
}

impl Contract {
    /// The field at `path`, if the file states it (known or `"unknown"`).
    pub fn get(&self, path: &FieldPath) -> Option<&Field> {
        self.fields.iter().find(|f| &f.path == path)
    }
}

/// The outcome of one item on one contract.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Status {
    /// The test holds.
    Pass,
    /// The test does not hold.
    Fail,
    /// The field is missing or `"unknown"`.
    Unknown,
}

impl Status {
    /// `pass`, `fail` or `unknown`.
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Pass => "pass",
            Status::Fail => "fail",
            Status::Unknown => "unknown",
        }
    }
}

/// One item's result in the JSON (`items[]`).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ItemResult {
    /// Item id.
    pub id: String,
    /// `pass`, `fail` or `unknown`.
    pub status: Status,
    /// Item weight.
    pub weight: u8,
    /// Whether the item is a must-have.
    pub must_have: bool,
    /// The ask: the item's ask when it fails, "Confirm in writing: …" when
    /// unknown, null when it passes.
    pub ask: Option<String>,
    /// The item's category.
    pub category: Category,
    /// The item's question.
    pub question: String,
    /// The contract field read.
    pub field: String,
    /// The contract's value (null when unknown).
    pub value: Option<Scalar>,
}

/// One entry of the ranked asks (`asks[]`).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RankedAsk {
    /// 1 = ask first.
    pub rank: usize,
    /// Item id.
    pub id: String,
    /// `fail` or `unknown`.
    pub status: Status,
    /// Item weight.
    pub weight: u8,
    /// Whether the item is a must-have.
    pub must_have: bool,
    /// What to ask for.
    pub ask: String,
}

/// Category scores in category order, serialised as a JSON object.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct CategoryScores(pub Vec<(Category, f64)>);

impl CategoryScores {
    /// The score of `c`, if the checklist has items in it.
    pub fn get(&self, c: Category) -> Option<f64> {
        self.0.iter().find(|(k, _)| *k == c).map(|(_, v)| *v)
    }
}

impl Serialize for CategoryScores {
    fn serialize<S: Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        let mut m = s.serialize_map(Some(self.0.len()))?;
        for (c, v) in &self.0 {
            m.serialize_entry(c.as_str(), v)?;
        }
        m.end()
    }
}

/// One contract's scorecard (`contracts[]`).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ContractScore {
    /// The contract file, as named on the command line.
    pub file: String,
    /// `[vendor] name`.
    pub vendor: String,
    /// `[vendor] product`, if given.
    pub product: Option<String>,
    /// 100 × passed weight / total weight.
    pub score: f64,
    /// Whether a must-have failed.
    pub blocked: bool,
    /// Ids of the failed must-haves.
    pub blocked_by: Vec<String>,
    /// Score per category that has items.
    pub categories: CategoryScores,
    /// Every item, in checklist order.
    pub items: Vec<ItemResult>,
    /// Failed and unknown items, most important first.
    pub asks: Vec<RankedAsk>,
}

/// The checklist a report was scored against (`checklist`).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ChecklistInfo {
    /// The file, or the name of the built-in default.
    pub file: String,
    /// `[meta] name`.
    pub name: String,
    /// `[meta] version`.
    pub version: Option<String>,
    /// Number of items.
    pub items: usize,
    /// Sum of weights.
    pub total_weight: u32,
}

/// The `score` report: one scorecard per contract, in command-line order.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ScoreReport {
    /// The checklist used.
    pub checklist: ChecklistInfo,
    /// The scorecards.
    pub contracts: Vec<ContractScore>,
}

#[cfg(test)]
mod tests {
    use super::*;

    /// File-kind detection (below this layer) tells contracts by these sections.
    #[test]
    fn file_kind_detection_knows_every_category() {
        assert!(Category::names().eq(crate::spec::kind::CONTRACT_SECTIONS));
    }

    #[test]
    fn integers_and_floats_compare_numerically() {
        assert_eq!(Number::Int(30), Number::Float(30.0));
        assert_eq!(Number::Int(30).compare(Number::Float(30.5)), Some(Ordering::Less));
        assert_eq!(Number::Int(i64::MAX).compare(Number::Int(i64::MAX - 1)), Some(Ordering::Greater));
        assert_eq!(Scalar::Num(Number::Int(0)), Scalar::Num(Number::Float(0.0)));
        assert_ne!(Scalar::Bool(true), Scalar::Str("true".into()));
    }

    #[test]
    fn tests_and_values_display_as_written_in_toml() {
        assert_eq!(Test::Max(Number::Int(30)).to_string(), "max = 30");
        assert_eq!(Test::Min(Number::Float(99.9)).to_string(), "min = 99.9");
        assert_eq!(Test::Equals(Scalar::Bool(false)).to_string(), "equals = false");
        assert_eq!(Test::OneOf(vec!["a".into(), "b".into()]).to_string(), "one_of = [\"a\", \"b\"]");
        assert_eq!(Test::OneOf(vec![]).needs(), "a string");
        assert_eq!(Test::Equals(Scalar::Num(Number::Int(1))).needs(), "a number");
    }

    #[test]
    fn categories_round_trip_through_their_names() {
        for c in Category::ALL {
            assert_eq!(Category::parse(c.as_str()), Some(c));
        }
        assert_eq!(Category::parse("vendor"), None);
        assert_eq!(Category::names().count(), 8);
    }
}
