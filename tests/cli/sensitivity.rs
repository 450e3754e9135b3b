//! `sensitivity` (SPEC 6.8) against closed forms: with uncertain growth, no
//! volatility and a flat discount, cost is a sum of one function per
//! workload of its own growth draw, so each decile's expected cost is an
//! integral over that decile of the growth distribution, and the
//! first-order variance shares add up to 1.

use crate::util::{catalog, cmd, Dir};

/// One workload: 1e9 tokens a month, half input half output on model `m`
/// ($5 per 1M tokens), annual growth uniform on [0, `max`].
fn workload(name: &str, max: f64) -> String {
    format!(
        r#"[[workloads]]
name = "{name}"
model = "m"
monthly_tokens = 1.0e9
input_share = 0.5
output_share = 0.5
growth_annual = {{ dist = "uniform", min = 0.0, max = {max} }}
volatility_monthly = 0.0
"#
    )
}

fn run(workloads: &str, extra: &[&str]) -> serde_json::Value {
    let d = Dir::new();
    d.write("prices.toml", &catalog(""));
    let s = d.write(
        "s.toml",
        &format!(
            r#"name = "sens"
start = "2027-01"
horizon_months = 12
catalog = "prices.toml"
[simulation]
paths = 20000
seed = 3
{workloads}
[[offers]]
name = "List"
kind = "payg"
[[offers]]
name = "D"
kind = "payg"
discount = 0.1
"#
        ),
    );
    let o = cmd().arg("sensitivity").arg(&s).args(["--format", "json", "-q"]).args(extra).output().unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    serde_json::from_slice(&o.stdout).unwrap()
}

/// Expected cost of one workload under offer D with growth uniform on [lo, hi]:
/// 0.9 × $5e-6 × 1e9 × sum over months t = 1..12 of E[(1 + G)^(t/12)].
fn cost(lo: f64, hi: f64) -> f64 {
    (1..=12)
        .map(|t| {
            let e = t as f64 / 12.0;
            ((1.0 + hi).powf(e + 1.0) - (1.0 + lo).powf(e + 1.0)) / ((e + 1.0) * (hi - lo))
        })
        .sum::<f64>()
        * 0.9
        * 5e-6
        * 1e9
}

fn input<'a>(r: &'a serde_json::Value, name: &str) -> &'a serde_json::Value {
    r["inputs"].as_array().unwrap().iter().find(|i| i["input"] == name).unwrap_or_else(|| panic!("{name} in {r}"))
}

fn within(got: f64, want: f64, rel: f64, what: &str) {
    assert!((got - want).abs() <= rel * want.abs(), "{what}: {got} vs {want}");
}

#[test]
fn two_growth_rates_match_the_closed_form_and_shares_add_up() {
    let r = run(&(workload("big", 0.8) + &workload("small", 0.2)), &["--offer", "D"]);
    assert_eq!(r["offer"], "D");
    let inputs = r["inputs"].as_array().unwrap();
    assert_eq!(inputs.len(), 2, "only the two growth rates are uncertain: {r}");
    assert_eq!(inputs[0]["input"], "workloads.big.growth_annual", "the larger input ranks first");
    let (big, small) = (0.8, 0.2);
    for (name, max, other) in [("big", big, small), ("small", small, big)] {
        let e = input(&r, &format!("workloads.{name}.growth_annual"));
        let rest = cost(0.0, other);
        within(e["cost_low"].as_f64().unwrap(), cost(0.0, 0.1 * max) + rest, 0.005, "low decile");
        within(e["cost_high"].as_f64().unwrap(), cost(0.9 * max, max) + rest, 0.005, "high decile");
        // Savings against list price are a ninth of D's cost on every path.
        within(e["savings_high"].as_f64().unwrap(), e["cost_high"].as_f64().unwrap() / 9.0, 1e-9, "savings");
    }
    within(r["cost_mean"].as_f64().unwrap(), cost(0.0, big) + cost(0.0, small), 0.005, "mean");
    let shares: f64 = inputs.iter().map(|i| i["variance_share"].as_f64().unwrap()).sum();
    assert!((shares - 1.0).abs() < 0.03, "additive model: shares sum to {shares}");
    // Cost is nearly linear in each growth, so the shares are near the ratio of variances (0.8² : 0.2²).
    let s_big = input(&r, "workloads.big.growth_annual")["variance_share"].as_f64().unwrap();
    assert!((s_big - 16.0 / 17.0).abs() < 0.03, "{s_big}");
}

#[test]
fn one_uncertain_input_explains_all_the_variance() {
    let fixed = workload("flat", 0.5).replace("{ dist = \"uniform\", min = 0.0, max = 0.5 }", "0.1");
    assert!(fixed.contains("growth_annual = 0.1"));
    let r = run(&(workload("only", 0.5) + &fixed), &[]);
    assert_eq!(r["offer"], "D", "default: the highest expected saving");
    let inputs = r["inputs"].as_array().unwrap();
    assert_eq!(inputs.len(), 1, "{r}");
    assert!(inputs[0]["variance_share"].as_f64().unwrap() > 0.99);
}

#[test]
fn same_numbers_at_any_thread_count_and_unknown_offer_is_a_usage_error() {
    let w = workload("a", 0.4) + &workload("b", 0.3);
    let one = run(&w, &["--threads", "1"]);
    let four = run(&w, &["--threads", "4"]);
    assert_eq!(one, four);
    let d = Dir::new();
    d.write("prices.toml", &catalog(""));
    let o = cmd()
        .arg("sensitivity")
        .arg(crate::util::repo("scenarios/example.toml"))
        .args(["--offer", "nope", "-q", "--paths", "200"])
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(2));
}
