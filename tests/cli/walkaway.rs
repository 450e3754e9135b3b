//! `walkaway`: the reservation points of a one-period lognormal commit with
//! overage at list against their closed forms (solved here by quadrature),
//! the confident level against the quantile of list consumption, the
//! consistency of the break-even discount with `simulate`, and bad input.

use crate::util::{catalog, cmd, offer, simulate_json, Dir};

const SIGMA: f64 = 0.3;
/// Median list spend of the month: 1e9 tokens at $5 per 1M (half $2 input, half $8 output).
const MEDIAN: f64 = 5000.0;
const D: f64 = 0.15;
const PATHS: u64 = 200_000;

fn scenario(amount: f64, discount: f64) -> String {
    format!(
        r#"name = "one month"
start = "2027-01"
horizon_months = 1
catalog = "prices.toml"
[simulation]
paths = {PATHS}
seed = 11
[risk]
baseline = "List"
[[workloads]]
name = "w"
model = "m"
monthly_tokens = 1.0e9
input_share = 0.5
output_share = 0.5
growth_annual = 0
volatility_monthly = {SIGMA}
[[offers]]
name = "List"
kind = "payg"
[[offers]]
name = "PAYG -3%"
kind = "payg"
discount = 0.03
[[offers]]
name = "C"
kind = "commit"
period = "month"
amount = {amount}
discount = {discount}
overage = "list"
"#
    )
}

/// E[g(X)] for list spend X = MEDIAN exp(SIGMA Z), by Simpson's rule over z in [-9, 9].
fn expect(g: impl Fn(f64) -> f64) -> f64 {
    let (a, b, n) = (-9.0f64, 9.0f64, 20_000);
    let h = (b - a) / n as f64;
    let f = |z: f64| g(MEDIAN * (SIGMA * z).exp()) * (-0.5 * z * z).exp() / (2.0 * std::f64::consts::PI).sqrt();
    let mut s = f(a) + f(b);
    for i in 1..n {
        s += f(a + i as f64 * h) * if i % 2 == 1 { 4.0 } else { 2.0 };
    }
    s * h / 3.0
}

/// Expected saving of committing `a` at discount `d` with overage at list:
/// E[X] - (a + E[(X - a/(1-d))+]).
fn saving(a: f64, d: f64) -> f64 {
    let k = a / (1.0 - d);
    expect(|x| x) - a - expect(|x| (x - k).max(0.0))
}

/// Bisection for the root of a monotone function on [lo, hi] (f(lo), f(hi) of opposite signs).
fn root(mut lo: f64, mut hi: f64, f: impl Fn(f64) -> f64) -> f64 {
    let up = f(hi) > f(lo);
    for _ in 0..100 {
        let mid = 0.5 * (lo + hi);
        if (f(mid) > 0.0) == up {
            hi = mid;
        } else {
            lo = mid;
        }
    }
    0.5 * (lo + hi)
}

fn walkaway_json(dir: &Dir, text: &str, args: &[&str]) -> serde_json::Value {
    dir.write("prices.toml", &catalog(""));
    let s = dir.write("s.toml", text);
    let out = cmd().arg("walkaway").arg(&s).args(["--format", "json", "--quiet"]).args(args).output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    serde_json::from_slice(&out.stdout).unwrap()
}

fn level(r: &serde_json::Value, a: f64) -> &serde_json::Value {
    r["levels"].as_array().unwrap().iter().find(|l| l["level"].as_f64() == Some(a)).expect("level")
}

#[test]
fn one_lognormal_month_matches_the_closed_forms() {
    let d = Dir::new();
    let r =
        walkaway_json(&d, &scenario(4000.0, D), &["--offer", "C", "--levels", "1000,2000,3000,4000,4500,6000,8000"]);
    assert_eq!(r["against"], "List");
    assert_eq!(r["confidence"], 0.9);
    assert_eq!(r["offered_discount"], D);
    let mean_x = expect(|x| x);
    for a in [1000.0, 2000.0, 3000.0, 4000.0, 4500.0] {
        // The closed form: A + E[(X - A/(1-d))+] = E[X].
        let want = root(0.0, 0.99, |x| saving(a, x));
        let got = level(&r, a)["break_even_discount"].as_f64().expect("a break-even discount");
        assert!((got - want).abs() <= 0.003, "level {a}: break-even {got} vs closed form {want}");
    }
    for a in [6000.0, 8000.0] {
        // Above E[X] no discount works: cost >= A > E[X].
        assert!(a > 1.05 * mean_x);
        assert!(level(&r, a)["break_even_discount"].is_null(), "level {a} should have none: {r}");
    }
    // At the offered discount, the largest level whose expected saving is still positive.
    let want = root(mean_x * 0.3, mean_x, |a| saving(a, D));
    let got = r["max_level"].as_f64().expect("max_level");
    assert!((got / want - 1.0).abs() <= 0.01, "max_level {got} vs closed form {want}");
}

#[test]
fn the_confident_level_is_the_quantile_of_list_consumption() {
    // A path saves iff its list spend X exceeds A, whatever the discount d > 0:
    // X >= A/(1-d) saves A d/(1-d); A < X < A/(1-d) saves X - A; X <= A loses A - X.
    // So P(saving) = P(X > A) and the largest level 90% sure is the 10% quantile of X.
    let d = Dir::new();
    let z10 = -1.2815515655446004;
    let q10 = MEDIAN * (SIGMA * z10).exp();
    for discount in [0.05, 0.3] {
        let r = walkaway_json(
            &d,
            &scenario(4000.0, discount),
            &["--offer", "C", "--levels", "1000,2000,3000,4000,5000", "--confidence", "0.9"],
        );
        let got = r["max_level_confident"].as_f64().expect("max_level_confident");
        assert!((got / q10 - 1.0).abs() <= 0.01, "discount {discount}: {got} vs the 10% quantile {q10}");
        // Below the quantile any discount works (the least is within the tolerance of 0);
        // above it none does, and the report says so in words.
        for a in [1000.0, 2000.0, 3000.0] {
            let x = level(&r, a)["break_even_discount_confident"].as_f64().expect("works");
            assert!(x <= 0.0002, "level {a}: {x}");
            assert!((level(&r, a)["prob_saving"].as_f64().unwrap() - 1.0).abs() < 0.1);
        }
        for a in [4000.0, 5000.0] {
            assert!(level(&r, a)["break_even_discount_confident"].is_null());
        }
        let notes = r["notes"].as_array().unwrap();
        assert!(notes.iter().any(|n| n.as_str().unwrap().contains("no discount makes")), "{notes:?}");
    }
}

/// A two-year quarterly commit with growth, rollover and a ramp: not a
/// closed form, but `simulate` at the break-even discount must tie.
fn two_years(amounts: &str, discount: f64) -> String {
    format!(
        r#"name = "two years"
start = "2027-01"
horizon_months = 24
catalog = "prices.toml"
[simulation]
paths = 20000
seed = 5
[risk]
baseline = "List"
[[workloads]]
name = "w"
model = "m"
monthly_tokens = 1.0e9
input_share = 0.5
output_share = 0.5
growth_annual = 0.3
volatility_monthly = 0.08
[[workloads]]
name = "v"
model = "n"
monthly_tokens = 2.0e9
input_share = 0.7
output_share = 0.3
growth_annual = 0.1
volatility_monthly = 0.1
[[offers]]
name = "List"
kind = "payg"
[[offers]]
name = "C"
kind = "commit"
scope = {{ providers = ["p"] }}
period = "quarter"
amounts = [{amounts}]
discount = {discount}
overage = "list"
rollover_fraction = 0.5
"#
    )
}

#[test]
fn simulate_at_the_break_even_discount_ties() {
    let d = Dir::new();
    let r = walkaway_json(&d, &two_years("12000, 15000, 18000", 0.1), &["--offer", "C"]);
    let row = r["levels"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|l| l["break_even_discount"].as_f64().is_some_and(|x| x > 0.02))
        .nth(2)
        .expect("a level with a break-even discount");
    let (a, x) = (row["level"].as_f64().unwrap(), row["break_even_discount"].as_f64().unwrap());
    // The level is the mean amount per period of the ramp scaled: write the scaled ramp.
    let k = a / ((12000.0 + 15000.0 + 18000.0 * 6.0) / 8.0);
    let amounts = format!("{}, {}, {}", 12000.0 * k, 15000.0 * k, 18000.0 * k);
    let s = d.write("tie.toml", &two_years(&amounts, x));
    let sim = simulate_json(&s, &[]);
    let sv = &offer(&sim, "C")["savings"];
    let (mean, se) = (sv["mean"].as_f64().unwrap(), sv["std_error"].as_f64().unwrap());
    assert!(mean.abs() <= se, "at {x} off and {a} per quarter: savings {mean} ± {se}");
    assert!(mean >= 0.0, "the reported discount is one that works: {mean}");
}

#[test]
fn against_another_offer_and_provisioned_offers() {
    let d = Dir::new();
    let r = walkaway_json(&d, &scenario(4000.0, D), &["--offer", "C", "--against", "PAYG -3%", "--levels", "3000"]);
    assert_eq!(r["against"], "PAYG -3%");
    let vs_list = walkaway_json(&d, &scenario(4000.0, D), &["--offer", "C", "--levels", "3000"]);
    // A cheaper alternative asks for a larger discount.
    assert!(
        r["levels"][0]["break_even_discount"].as_f64().unwrap()
            > vs_list["levels"][0]["break_even_discount"].as_f64().unwrap() + 0.01
    );
    let prov = r#"
[[offers]]
name = "P"
kind = "provisioned"
units = 10
unit_price = 100.0
price_basis = "month"
tokens_per_minute_per_unit = 10000
load = { peak_to_mean = 1.5 }
overflow = "payg"
"#;
    let text = scenario(4000.0, D) + prov;
    let r = walkaway_json(&d, &text, &["--offer", "P", "--levels", "5,10,20"]);
    assert_eq!(r["offered_unit_price"], 100.0);
    assert!(r.get("offered_discount").is_none());
    let l = &r["levels"][1];
    assert!(l.get("break_even_discount").is_none());
    let (mean, sure) =
        (l["break_even_unit_price"].as_f64().unwrap(), l["break_even_unit_price_confident"].as_f64().unwrap());
    assert!(sure < mean, "being sure costs: {sure} vs {mean}");
    // The expected cost is linear in the price: at the break-even price the offer ties with list.
    let tied = text.replace("units = 10\nunit_price = 100.0", &format!("units = 10\nunit_price = {mean}"));
    let s = d.write("tied.toml", &tied);
    let sim = simulate_json(&s, &[]);
    let sv = &offer(&sim, "P")["savings"];
    // One month of a monthly fee: the price is solved to 0.1%, so the saving is within 0.1% of the fee.
    let (m, se) = (sv["mean"].as_f64().unwrap(), sv["std_error"].as_f64().unwrap());
    assert!(m >= 0.0 && m <= se + 1e-3 * 10.0 * mean, "at {mean} per unit: savings {m} ± {se}");
}

#[test]
fn bad_input_says_what_is_expected() {
    let d = Dir::new();
    d.write("prices.toml", &catalog(""));
    let s = d.write("s.toml", &scenario(4000.0, D));
    let run = |args: &[&str]| {
        let out = cmd().arg("walkaway").arg(&s).args(args).output().unwrap();
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        String::from_utf8_lossy(&out.stderr).into_owned()
    };
    assert!(run(&["--offer", "List"]).contains("payg offer"));
    assert!(run(&["--offer", "List"]).contains("credits"));
    assert!(run(&["--offer", "Cx"]).contains("did you mean `C`"));
    assert!(run(&["--offer", "C", "--against", "Lst"]).contains("did you mean `List`"));
    assert!(run(&["--offer", "C", "--against", "C"]).contains("the offer itself"));
    assert!(run(&["--offer", "C", "--confidence", "1.5"]).contains("between 0 and 1"));
    assert!(run(&["--offer", "C", "--levels", "0"]).contains("above 0"));
}
