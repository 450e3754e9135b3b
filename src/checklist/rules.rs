//! Evaluating a checklist on a contract (SPEC 3.4).
//!
//! - Each item's test: `max` passes when `value <= max`, `min` when
//!   `value >= min` (integers and floats compare numerically), `equals` when
//!   the values are equal (booleans, strings or numbers), `one_of` when the
//!   string is in the list. A value of the wrong type for the test is an
//!   error naming the contract file, the field and the item, never a silent
//!   fail.
//! - A field that is missing or `"unknown"` is `unknown`: it scores nothing
//!   and its ask is `"Confirm in writing: <question>"`.
//! - `score = 100 × (weight of passed items) / (weight of all items)`, and the
//!   same within each category that has items.
//! - A failed must-have blocks the deal; an unknown one does not.
//! - Asks rank must-haves first (failed or unknown), then by weight
//!   (heaviest first), then in checklist order.

use std::cmp::{Ordering, Reverse};

use super::{
    Category, CategoryScores, Checklist, ChecklistInfo, Contract, ContractScore, Field, Item, ItemResult, Number,
    RankedAsk, Scalar, ScoreReport, Status, Test,
};
use crate::error::{Error, Location, Result};

/// Whether `value` passes `test`; `None` when the value's type does not fit
/// the test (a string for `max`, a number for `one_of`, …).
pub fn passes(test: &Test, value: &Scalar) -> Option<bool> {
    match (test, value) {
        // No end: fails every maximum, passes every minimum.
        (Test::Max(_), Scalar::Str(s)) if is_endless(s) => Some(false),
        (Test::Min(_), Scalar::Str(s)) if is_endless(s) => Some(true),
        (Test::Max(limit), Scalar::Num(v)) => Some(matches!(v.compare(*limit), Some(Ordering::Less | Ordering::Equal))),
        (Test::Min(limit), Scalar::Num(v)) => {
            Some(matches!(v.compare(*limit), Some(Ordering::Greater | Ordering::Equal)))
        }
        (Test::Equals(x), v) if x.same_kind(v) => Some(x == v),
        (Test::OneOf(list), Scalar::Str(s)) => Some(list.contains(s)),
        _ => None,
    }
}

/// Whether a contract value says a quantity has no end: `"indefinite"` (a
/// retention kept indefinitely) or `"unlimited"` (an uncapped liability),
/// in any case. It compares above every number.
pub fn is_endless(s: &str) -> bool {
    let s = s.trim();
    s.eq_ignore_ascii_case("indefinite") || s.eq_ignore_ascii_case("unlimited")
}

/// The status of `item` on `contract`, or an error when the contract's value
/// does not fit the item's test, or is a negative quantity.
pub fn status(checklist: &Checklist, item: &Item, contract: &Contract) -> Result<Status> {
    let Some(field) = contract.get(&item.field) else { return Ok(Status::Unknown) };
    let Some(value) = &field.value else { return Ok(Status::Unknown) };
    if let (Test::Max(_) | Test::Min(_), Scalar::Num(v)) = (&item.test, value) {
        if !matches!(v.compare(Number::Int(0)), Some(Ordering::Greater | Ordering::Equal)) {
            let at = Location { file: contract.file.clone(), line: field.line, key: Some(field.path.to_string()) };
            let message = format!(
                "checklist item `{}` ({}) tests this field with `{}`, and a contract's days, months, amounts and \
                 percentages are never negative, found {value}; if the terms set no limit (kept indefinitely, \
                 uncapped), write value = \"indefinite\" or \"unlimited\", which fails every maximum and passes every \
                 minimum",
                item.id,
                checklist.file().display(),
                item.test,
            );
            return Err(Error::Invalid { at, message });
        }
    }
    match passes(&item.test, value) {
        Some(true) => Ok(Status::Pass),
        Some(false) => Ok(Status::Fail),
        None => Err(mismatch(checklist, item, contract, field, value)),
    }
}

fn mismatch(checklist: &Checklist, item: &Item, contract: &Contract, field: &Field, value: &Scalar) -> Error {
    let at = Location { file: contract.file.clone(), line: field.line, key: Some(field.path.to_string()) };
    let message = format!(
        "checklist item `{}` ({}) tests this field with `{}`, which needs {}, but the value is {} ({value})",
        item.id,
        checklist.file().display(),
        item.test,
        item.test.needs(),
        value.kind(),
    );
    Error::Invalid { at, message }
}

/// The ask for an item in `status`: its own ask when it fails,
/// `"Confirm in writing: <question>"` when unknown, none when it passes.
pub fn ask_for(item: &Item, status: Status) -> Option<String> {
    match status {
        Status::Pass => None,
        Status::Fail => Some(item.ask.clone()),
        Status::Unknown => Some(format!("Confirm in writing: {}", item.question)),
    }
}

/// `100 × passed weight / total weight` over `items` (0 when they weigh nothing).
pub fn percent<'a>(items: impl IntoIterator<Item = &'a ItemResult>) -> f64 {
    let (passed, total) = items.into_iter().fold((0u32, 0u32), |(p, t), r| {
        let w = u32::from(r.weight);
        (p + if r.status == Status::Pass { w } else { 0 }, t + w)
    });
    if total == 0 {
        0.0
    } else {
        100.0 * f64::from(passed) / f64::from(total)
    }
}

/// The scorecard of one contract.
pub fn score(checklist: &Checklist, contract: &Contract) -> Result<ContractScore> {
    let mut items = Vec::with_capacity(checklist.items().len());
    for item in checklist.items() {
        let status = status(checklist, item, contract)?;
        let value = contract.get(&item.field).and_then(|f| f.value.clone());
        items.push(ItemResult {
            id: item.id.clone(),
            status,
            weight: item.weight,
            must_have: item.must_have,
            ask: ask_for(item, status),
            category: item.category,
            question: item.question.clone(),
            field: item.field.to_string(),
            value,
        });
    }
    let blocked_by: Vec<String> =
        items.iter().filter(|r| r.must_have && r.status == Status::Fail).map(|r| r.id.clone()).collect();
    Ok(ContractScore {
        file: contract.file.display().to_string(),
        vendor: contract.vendor.name.clone(),
        product: contract.vendor.product.clone(),
        score: percent(&items),
        blocked: !blocked_by.is_empty(),
        blocked_by,
        categories: categories(&items),
        asks: rank_asks(&items),
        items,
    })
}

/// Per-category scores, in canonical category order; categories without items are left out.
pub fn categories(items: &[ItemResult]) -> CategoryScores {
    let scores = Category::ALL
        .into_iter()
        .filter(|c| items.iter().any(|r| r.category == *c))
        .map(|c| (c, percent(items.iter().filter(|r| r.category == c))))
        .collect();
    CategoryScores(scores)
}

/// The failed and unknown items, most important first: must-haves, then
/// heavier items, then checklist order.
pub fn rank_asks(items: &[ItemResult]) -> Vec<RankedAsk> {
    let mut open: Vec<(usize, &ItemResult)> =
        items.iter().enumerate().filter(|(_, r)| r.status != Status::Pass).collect();
    open.sort_by_key(|(i, r)| (!r.must_have, Reverse(r.weight), *i));
    open.into_iter()
        .enumerate()
        .map(|(k, (_, r))| RankedAsk {
            rank: k + 1,
            id: r.id.clone(),
            status: r.status,
            weight: r.weight,
            must_have: r.must_have,
            ask: r.ask.clone().unwrap_or_default(),
        })
        .collect()
}

/// Scores every contract against `checklist`, in the order given.
pub fn score_all(checklist: &Checklist, contracts: &[Contract]) -> Result<ScoreReport> {
    let cards = contracts.iter().map(|c| score(checklist, c)).collect::<Result<Vec<_>>>()?;
    let info = ChecklistInfo {
        file: checklist.file().display().to_string(),
        name: checklist.name().to_string(),
        version: checklist.version().map(str::to_string),
        items: checklist.items().len(),
        total_weight: checklist.total_weight(),
    };
    Ok(ScoreReport { checklist: info, contracts: cards })
}

/// Warnings a contract deserves before it is scored: fields no item reads
/// ([`unread_fields`]) and strings no item names ([`unnamed_values`]).
pub fn contract_warnings(checklist: &Checklist, contract: &Contract) -> Vec<String> {
    let mut out = unread_fields(checklist, contract);
    out.extend(unnamed_values(checklist, contract));
    out
}

/// Warnings for the contract's string values that look like a misspelling
/// of a value the checklist's items on that field name (in `one_of` or
/// `equals`): at most two edits away, and at most one edit per four
/// characters, but not equal. Such a value fails every
/// `one_of` test, which for `assigned_to_costumer` would be a silent fail,
/// perhaps of a must-have. A value far from every named one is a different
/// term (a `general_cap` against `one_of = ["uncapped", "super_cap"]`), not a
/// typo, and fails without a warning.
pub fn unnamed_values(checklist: &Checklist, contract: &Contract) -> Vec<String> {
    let mut out = Vec::new();
    for f in &contract.fields {
        let Some(Scalar::Str(value)) = &f.value else { continue };
        let mut known: Vec<&str> = Vec::new();
        for item in checklist.items().iter().filter(|i| i.field == f.path) {
            match &item.test {
                Test::OneOf(list) => known.extend(list.iter().map(String::as_str)),
                Test::Equals(Scalar::Str(x)) => known.push(x),
                _ => {}
            }
        }
        if known.is_empty() || known.contains(&value.as_str()) {
            continue;
        }
        known.sort_unstable();
        known.dedup();
        let Some(near) = known.iter().copied().min_by_key(|k| strsim::levenshtein(value, k)) else { continue };
        let edits = strsim::levenshtein(value, near);
        // Two edits in a long name is a typo; one in `us` against `eu` is another region.
        if edits > 2 || 4 * edits > value.chars().count() {
            continue;
        }
        let at = Location { file: contract.file.clone(), line: f.line, key: Some(f.path.to_string()) };
        out.push(format!(
            "{at}: `{value}` is not a value checklist {} names for this field, so it fails its tests; \
             did you mean `{near}`?",
            checklist.file().display(),
        ));
    }
    out
}

/// Warnings for the contract's fields that no checklist item reads (usually a
/// typo), each naming the closest field the checklist does read.
pub fn unread_fields(checklist: &Checklist, contract: &Contract) -> Vec<String> {
    let mut read: Vec<String> = checklist.items().iter().map(|i| i.field.to_string()).collect();
    read.dedup();
    let mut out = Vec::new();
    for f in &contract.fields {
        if checklist.items().iter().any(|i| i.field == f.path) {
            continue;
        }
        let name = f.path.to_string();
        let nearest = read
            .iter()
            .map(|r| (strsim::jaro_winkler(&name, r), r))
            .max_by(|a, b| a.0.total_cmp(&b.0))
            .map(|(_, r)| format!("; the closest field it reads is `{r}`"))
            .unwrap_or_default();
        let at = Location { file: contract.file.clone(), line: f.line, key: Some(name) };
        out.push(format!(
            "{at}: no item of checklist {} reads this field, so it is not scored{nearest}",
            checklist.file().display()
        ));
    }
    out
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use super::*;
    use crate::checklist::{FieldPath, Number, Vendor};

    fn item(id: &str, category: Category, field: &str, test: Test, weight: u8, must_have: bool) -> Item {
        Item {
            id: id.into(),
            category,
            question: format!("{id}?"),
            field: FieldPath { section: category, name: field.into() },
            test,
            weight,
            must_have,
            ask: format!("ask {id}"),
            source: None,
            read: None,
            line: None,
        }
    }

    fn contract(fields: &[(Category, &str, Option<Scalar>)]) -> Contract {
        let fields = fields
            .iter()
            .map(|(c, n, v)| Field {
                path: FieldPath { section: *c, name: n.to_string() },
                value: v.clone(),
                source: None,
                line: Some(7),
            })
            .collect();
        Contract { file: "v.toml".into(), vendor: Vendor { name: "V".into(), ..Vendor::default() }, fields }
    }

    fn int(i: i64) -> Option<Scalar> {
        Some(Scalar::Num(Number::Int(i)))
    }

    fn float(x: f64) -> Option<Scalar> {
        Some(Scalar::Num(Number::Float(x)))
    }

    fn s(v: &str) -> Option<Scalar> {
        Some(Scalar::Str(v.into()))
    }

    /// Items: a (w4, max 30), b (w5 must, equals true), c (w1, one_of), d (w2 must, min 12).
    fn checklist() -> Checklist {
        use Category::*;
        let items = vec![
            item("a", Retention, "days", Test::Max(Number::Int(30)), 4, false),
            item("b", Security, "soc2", Test::Equals(Scalar::Bool(true)), 5, true),
            item("c", Security, "res", Test::OneOf(vec!["eu".into(), "us".into()]), 1, false),
            item("d", Liability, "cap", Test::Min(Number::Float(12.0)), 2, true),
        ];
        Checklist::new(Path::new("c.toml"), "t".into(), None, items).unwrap()
    }

    #[test]
    fn a_negative_quantity_is_an_error_and_indefinite_fails_every_maximum() {
        use Category::Retention;
        let list = checklist();
        let c = contract(&[(Retention, "days", int(-1))]);
        let e = score(&list, &c).unwrap_err().to_string();
        assert!(e.contains("retention.days") && e.contains("never negative, found -1"), "{e}");
        assert!(e.contains("value = \"indefinite\""), "{e}");
        let c = contract(&[(Retention, "days", float(-0.5))]);
        assert!(score(&list, &c).is_err());
        for word in ["indefinite", "Unlimited", " INDEFINITE "] {
            assert_eq!(passes(&Test::Max(Number::Int(30)), &Scalar::Str(word.into())), Some(false), "{word}");
            assert_eq!(passes(&Test::Min(Number::Int(12)), &Scalar::Str(word.into())), Some(true), "{word}");
        }
        let c = contract(&[(Retention, "days", s("indefinite"))]);
        let r = score(&list, &c).unwrap();
        assert_eq!(r.items[0].status, Status::Fail);
    }

    #[test]
    fn max_and_min_compare_integers_and_floats_numerically() {
        let max = Test::Max(Number::Int(30));
        assert_eq!(passes(&max, &int(30).unwrap()), Some(true));
        assert_eq!(passes(&max, &float(30.0).unwrap()), Some(true));
        assert_eq!(passes(&max, &float(30.5).unwrap()), Some(false));
        let min = Test::Min(Number::Float(99.9));
        assert_eq!(passes(&min, &float(99.9).unwrap()), Some(true));
        assert_eq!(passes(&min, &int(100).unwrap()), Some(true));
        assert_eq!(passes(&min, &float(99.5).unwrap()), Some(false));
        assert_eq!(passes(&max, &Scalar::Bool(true)), None);
        assert_eq!(passes(&min, &s("100").unwrap()), None);
    }

    #[test]
    fn equals_compares_booleans_strings_and_numbers() {
        assert_eq!(passes(&Test::Equals(Scalar::Bool(false)), &Scalar::Bool(false)), Some(true));
        assert_eq!(passes(&Test::Equals(Scalar::Bool(true)), &Scalar::Bool(false)), Some(false));
        assert_eq!(passes(&Test::Equals(s("x").unwrap()), &s("x").unwrap()), Some(true));
        assert_eq!(passes(&Test::Equals(s("x").unwrap()), &s("X").unwrap()), Some(false));
        assert_eq!(passes(&Test::Equals(int(0).unwrap()), &float(0.0).unwrap()), Some(true));
        assert_eq!(passes(&Test::Equals(Scalar::Bool(true)), &s("true").unwrap()), None);
        assert_eq!(passes(&Test::Equals(int(1).unwrap()), &Scalar::Bool(true)), None);
    }

    #[test]
    fn one_of_compares_strings_only() {
        let t = Test::OneOf(vec!["eu".into(), "us".into()]);
        assert_eq!(passes(&t, &s("us").unwrap()), Some(true));
        assert_eq!(passes(&t, &s("global").unwrap()), Some(false));
        assert_eq!(passes(&t, &int(1).unwrap()), None);
    }

    #[test]
    fn score_is_passed_weight_over_total_weight() {
        use Category::*;
        // a pass (4), b pass (5), c fail (1), d pass (2): 11 / 12.
        let c = contract(&[
            (Retention, "days", int(30)),
            (Security, "soc2", Some(Scalar::Bool(true))),
            (Security, "res", s("global")),
            (Liability, "cap", int(12)),
        ]);
        let card = score(&checklist(), &c).unwrap();
        assert!((card.score - 100.0 * 11.0 / 12.0).abs() < 1e-12);
        assert!(!card.blocked);
        // security: b 5 of (5 + 1); retention 4/4; liability 2/2; other categories omitted.
        assert_eq!(card.categories.0.len(), 3);
        assert!((card.categories.get(Security).unwrap() - 500.0 / 6.0).abs() < 1e-12);
        assert_eq!(card.categories.get(Retention), Some(100.0));
        assert_eq!(card.categories.get(Pricing), None);
        assert_eq!(card.asks.len(), 1);
        assert_eq!((card.asks[0].id.as_str(), card.asks[0].ask.as_str()), ("c", "ask c"));
    }

    #[test]
    fn unknown_scores_nothing_and_asks_for_confirmation() {
        use Category::*;
        // a unknown (missing), b pass, c "unknown", d pass: (5 + 2) / 12.
        let c = contract(&[
            (Security, "soc2", Some(Scalar::Bool(true))),
            (Security, "res", None),
            (Liability, "cap", float(24.0)),
        ]);
        let card = score(&checklist(), &c).unwrap();
        assert!((card.score - 100.0 * 7.0 / 12.0).abs() < 1e-12);
        assert_eq!(card.items[0].status, Status::Unknown);
        assert_eq!(card.items[0].ask.as_deref(), Some("Confirm in writing: a?"));
        assert_eq!(card.items[2].status, Status::Unknown);
        assert_eq!(card.items[1].ask, None);
        assert!(!card.blocked);
    }

    #[test]
    fn failed_must_have_blocks_whatever_the_score() {
        use Category::*;
        // Everything passes except must-have d (weight 2): 10 / 12 = 83.3, blocked.
        let c = contract(&[
            (Retention, "days", int(0)),
            (Security, "soc2", Some(Scalar::Bool(true))),
            (Security, "res", s("eu")),
            (Liability, "cap", int(6)),
        ]);
        let card = score(&checklist(), &c).unwrap();
        assert!((card.score - 100.0 * 10.0 / 12.0).abs() < 1e-12);
        assert!(card.blocked);
        assert_eq!(card.blocked_by, ["d"]);
    }

    #[test]
    fn unknown_must_have_does_not_block_but_is_the_first_ask() {
        use Category::*;
        // b (must, w5) unknown, a (w4) fails, c (w1) fails, d (must, w2) passes.
        let c = contract(&[(Retention, "days", int(31)), (Security, "res", s("global")), (Liability, "cap", int(12))]);
        let card = score(&checklist(), &c).unwrap();
        assert!(!card.blocked);
        let order: Vec<&str> = card.asks.iter().map(|a| a.id.as_str()).collect();
        assert_eq!(order, ["b", "a", "c"]);
        assert_eq!(card.asks[0].ask, "Confirm in writing: b?");
        assert_eq!(card.asks[0].rank, 1);
    }

    #[test]
    fn asks_rank_must_haves_then_weight_then_checklist_order() {
        use Category::*;
        let items = vec![
            item("light", Exit, "x1", Test::Equals(Scalar::Bool(true)), 1, false),
            item("heavy1", Exit, "x2", Test::Equals(Scalar::Bool(true)), 4, false),
            item("must_light", Exit, "x3", Test::Equals(Scalar::Bool(true)), 2, true),
            item("heavy2", Exit, "x4", Test::Equals(Scalar::Bool(true)), 4, false),
            item("must_heavy", Exit, "x5", Test::Equals(Scalar::Bool(true)), 5, true),
        ];
        let cl = Checklist::new(Path::new("c.toml"), "t".into(), None, items).unwrap();
        let no = Some(Scalar::Bool(false));
        let c = contract(&[(Exit, "x1", no.clone()), (Exit, "x2", no.clone()), (Exit, "x3", None), (Exit, "x4", no)]);
        let card = score(&cl, &c).unwrap();
        let order: Vec<&str> = card.asks.iter().map(|a| a.id.as_str()).collect();
        assert_eq!(order, ["must_heavy", "must_light", "heavy1", "heavy2", "light"]);
        assert_eq!(card.score, 0.0);
        assert!(!card.blocked, "must-haves are unknown, not failed");
    }

    #[test]
    fn type_mismatch_is_an_error_naming_contract_field_and_item() {
        use Category::*;
        let c = contract(&[(Retention, "days", s("thirty"))]);
        let e = score(&checklist(), &c).unwrap_err().to_string();
        assert!(e.starts_with("v.toml:7: retention.days: checklist item `a` (c.toml)"), "{e}");
        assert!(e.contains("`max = 30`, which needs a number, but the value is a string (\"thirty\")"), "{e}");
    }

    #[test]
    fn unread_fields_are_warned_with_the_closest_read_field() {
        use Category::*;
        let c = contract(&[(Retention, "dayz", int(3)), (Retention, "days", int(3))]);
        let w = unread_fields(&checklist(), &c);
        assert_eq!(w.len(), 1);
        assert!(w[0].starts_with("v.toml:7: retention.dayz: no item of checklist c.toml reads this field"), "{}", w[0]);
        assert!(w[0].ends_with("the closest field it reads is `retention.days`"), "{}", w[0]);
    }

    #[test]
    fn a_near_miss_of_a_named_value_is_warned_and_a_different_value_is_not() {
        use Category::*;
        let list = Checklist::new(
            Path::new("c.toml"),
            "t".into(),
            None,
            vec![item("c", Security, "res", Test::OneOf(vec!["assigned_to_customer".into(), "eu".into()]), 1, true)],
        )
        .unwrap();
        let typo = contract(&[(Security, "res", s("assigned_to_costumer"))]);
        let w = contract_warnings(&list, &typo);
        assert_eq!(w.len(), 1, "{w:?}");
        assert!(w[0].starts_with("v.toml:7: security.res: `assigned_to_costumer` is not a value"), "{}", w[0]);
        assert!(w[0].ends_with("did you mean `assigned_to_customer`?"), "{}", w[0]);
        for fine in ["assigned_to_vendor", "eu", "us", "shared"] {
            assert!(contract_warnings(&list, &contract(&[(Security, "res", s(fine))])).is_empty(), "{fine}");
        }
    }

    #[test]
    fn checklist_constructor_rejects_bad_weights_and_duplicate_ids() {
        use Category::*;
        let one = |id: &str, w| item(id, Exit, "x", Test::Equals(Scalar::Bool(true)), w, false);
        let e = Checklist::new(Path::new("c.toml"), "t".into(), None, vec![one("a", 6)]).unwrap_err().to_string();
        assert!(e.contains("item `a`") && e.contains("from 1 to 5, found 6"), "{e}");
        let e = Checklist::new(Path::new("c.toml"), "t".into(), None, vec![one("a", 1), one("a", 2)]).unwrap_err();
        assert!(e.to_string().contains("duplicate item id `a`"), "{e}");
        assert!(Checklist::new(Path::new("c.toml"), "t".into(), None, vec![]).is_err());
    }
}
