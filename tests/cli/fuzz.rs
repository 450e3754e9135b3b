//! Property-based fuzzing of the scenario loader and the engine behind it:
//! random edits of the shipped example (values swapped for hostile ones,
//! lines dropped, duplicated or cut, bytes inserted) must give either a
//! scenario that simulates to finite, ordered numbers, or an input error;
//! never a panic. `PROPTEST_CASES` raises the number of cases.

use commitsim::api::simulate;
use commitsim::api::{Overrides, Scenario};
use proptest::prelude::*;
use proptest::test_runner::TestCaseError;

const HOSTILE: &[&str] = &[
    "-1",
    "0",
    "1",
    "0.5",
    "1.5",
    "1e300",
    "-1e300",
    "nan",
    "inf",
    "-inf",
    "\"\"",
    "\"x\"",
    "true",
    "[]",
    "[1, 2]",
    "{}",
    "{ dist = \"normal\", mean = 0, sd = 1e6 }",
    "{ dist = \"lognormal\", median = 1e-300, p90 = 1e300 }",
    "{ dist = \"uniform\", min = -0.999, max = 50 }",
    "{ dist = \"pert\", min = 0, mode = 0, max = 0 }",
    "{ dist = \"triangular\", min = 1, mode = 1, max = 1 }",
    "2027-01",
    "\"2027-02\"",
    "\"1900-01\"",
    "9223372036854775807",
];

#[derive(Debug, Clone)]
enum Edit {
    Value(usize, usize),
    Drop(usize),
    Duplicate(usize),
    Truncate(usize),
    Insert(usize, Vec<u8>),
}

fn edit() -> impl Strategy<Value = Edit> {
    prop_oneof![
        4 => (any::<usize>(), 0..HOSTILE.len()).prop_map(|(l, v)| Edit::Value(l, v)),
        1 => any::<usize>().prop_map(Edit::Drop),
        1 => any::<usize>().prop_map(Edit::Duplicate),
        1 => any::<usize>().prop_map(Edit::Truncate),
        1 => (any::<usize>(), proptest::collection::vec(any::<u8>(), 1..4)).prop_map(|(p, b)| Edit::Insert(p, b)),
    ]
}

fn apply(text: &str, e: &Edit) -> Vec<u8> {
    let mut lines: Vec<String> = text.lines().map(str::to_string).collect();
    let n = lines.len();
    if n == 0 {
        return text.as_bytes().to_vec();
    }
    match e {
        Edit::Value(l, v) => {
            let i = l % n;
            if let Some((k, _)) = lines[i].split_once('=') {
                lines[i] = format!("{k}= {}", HOSTILE[*v]);
            }
        }
        Edit::Drop(l) => {
            lines.remove(l % n);
        }
        Edit::Duplicate(l) => {
            let x = lines[l % n].clone();
            lines.insert(l % n, x);
        }
        Edit::Truncate(l) => lines.truncate(l % n),
        Edit::Insert(p, b) => {
            let mut bytes = lines.join("\n").into_bytes();
            let at = p % bytes.len().max(1);
            bytes.splice(at..at, b.iter().copied());
            return bytes;
        }
    }
    lines.join("\n").into_bytes()
}

/// Applies `edits` to the shipped scenario `base` (copied with `beside`, the
/// files it reads, into a fresh folder), then loads and simulates it: an
/// input error naming a file, or finite ordered numbers.
fn check(base: &str, beside: &[&str], edits: &[Edit]) -> Result<(), TestCaseError> {
    let mut text = std::fs::read_to_string(crate::util::repo(&format!("scenarios/{base}"))).unwrap().into_bytes();
    for e in edits {
        text = apply(&String::from_utf8_lossy(&text), e);
    }
    let d = crate::util::Dir::new();
    for f in beside {
        std::fs::copy(crate::util::repo(&format!("scenarios/{f}")), d.path(f)).unwrap();
    }
    let path = d.path("s.toml");
    std::fs::write(&path, &text).unwrap();
    match Scenario::load(&path, Overrides { paths: Some(200), seed: Some(1), sampling: None }) {
        Err(e) => {
            prop_assert_eq!(e.exit_code(), 2);
            let named = ["s.toml"].iter().chain(beside).any(|f| e.to_string().contains(f));
            prop_assert!(named, "{}", e);
        }
        Ok(sc) => {
            let r = match simulate(&sc, &|_| {}) {
                Ok(r) => r,
                Err(e) => {
                    prop_assert_eq!(e.exit_code(), 2);
                    return Ok(());
                }
            };
            for o in &r.offers {
                let c = &o.cost;
                prop_assert!(c.mean.is_finite() && c.p5.is_finite() && c.p95.is_finite(), "{:?}", o);
                prop_assert!(c.p5 <= c.p50 && c.p50 <= c.p95, "{:?}", o);
            }
        }
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    #[test]
    fn loader_and_engine_never_panic(edits in proptest::collection::vec(edit(), 1..4)) {
        check("example.toml", &["prices.toml"], &edits)?;
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    /// The history scenario exercises what the example does not: the
    /// `[history]` section, events (the case of an event older than the
    /// scenario panicked before it was found by hand) and routing.
    #[test]
    fn history_scenario_loader_and_engine_never_panic(edits in proptest::collection::vec(edit(), 1..4)) {
        check("example-history.toml", &["prices.toml", "northwind-usage.csv"], &edits)?;
    }
}
