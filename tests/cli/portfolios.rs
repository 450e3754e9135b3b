//! Commitments as sold, prepaid credits, portfolios and `optimize`
//! (SPEC 6.3, 6.6, 6.10): with no uncertainty every path is the same, so
//! each figure must equal a hand computation to 1e-9 relative.

use crate::util::{catalog, close, cmd, offer, simulate_json, Dir};

const REL: f64 = 1e-9;

/// A deterministic scenario: workload `w` on model `m` (1e9 tokens a month,
/// half input half output, $5 per 1M list) growing `g` a year, workload `v`
/// on model `n` of provider `q` (2e9 tokens a month, all input, $1 per 1M),
/// a list-price baseline, then `offers`.
fn scenario(horizon: usize, g: f64, offers: &str, extra: &str) -> String {
    format!(
        r#"name = "as sold"
start = "2027-01"
horizon_months = {horizon}
catalog = "prices.toml"
[simulation]
paths = 100
seed = 3
[[workloads]]
name = "w"
model = "m"
monthly_tokens = 1.0e9
input_share = 0.5
output_share = 0.5
growth_annual = {g}
volatility_monthly = 0.0
[[workloads]]
name = "v"
model = "n"
monthly_tokens = 2.0e9
input_share = 1.0
output_share = 0.0
growth_annual = 0.0
volatility_monthly = 0.0
[[offers]]
name = "List"
kind = "payg"
{offers}
{extra}
"#
    )
}

fn run(horizon: usize, g: f64, offers: &str, extra: &str) -> serde_json::Value {
    let d = Dir::new();
    d.write("prices.toml", &catalog(""));
    let s = d.write("s.toml", &scenario(horizon, g, offers, extra));
    simulate_json(&s, &[])
}

fn f(v: &serde_json::Value) -> f64 {
    v.as_f64().unwrap_or_else(|| panic!("not a number: {v}"))
}

/// List spend of workload `w` in month t = 1.. (provider p).
fn list_w(g: f64, t: usize) -> f64 {
    1e9 * (1.0 + g).powf(t as f64 / 12.0) * 5e-6
}

/// List spend of workload `v` in any month (provider q): 2e9 tokens at $1 per 1M.
const LIST_V: f64 = 2000.0;

#[test]
fn umbrella_commit_with_base_spend_and_eligible_share_is_the_hand_computation() {
    // Quarterly commitment scoped to provider p, 10% off, overage at list;
    // 80% of in-scope spend is eligible; other spend of $3,000 a month
    // growing 10% a year draws the same commitment down first.
    let g = 0.2;
    let offers = |name: &str, amount: f64, extra: &str| {
        format!(
            "[[offers]]\nname = \"{name}\"\nkind = \"commit\"\nscope = {{ providers = [\"p\"] }}\nperiod = \"quarter\"\n\
             amount = {amount}\ndiscount = 0.1\noverage = \"list\"\neligible_share = 0.8\n\
             base_spend = {{ monthly = 3000, growth_annual = 0.1, volatility_monthly = 0.0, correlation = 0.4 }}\n{extra}"
        )
    };
    let text = [
        offers("Mid", 20_000.0, ""),
        offers("Low", 8_000.0, ""),
        offers("Roll", 26_000.0, "rollover_fraction = 0.5\n"),
    ]
    .concat();
    let r = run(12, g, &text, "");
    let base = |t: usize| 3000.0 * 1.1f64.powf(t as f64 / 12.0);
    let m = 1.0 / 0.9;
    for (name, a, roll) in [("Mid", 20_000.0, 0.0), ("Low", 8_000.0, 0.0), ("Roll", 26_000.0, 0.5)] {
        let (mut paid, mut waste, mut overage, mut carry, mut base_total, mut list_total) =
            (0.0, 0.0, 0.0, 0.0, 0.0, 0.0);
        for k in 0..4 {
            let months = 3 * k + 1..=3 * k + 3;
            let list: f64 = months.clone().map(|t| list_w(g, t)).sum();
            let b: f64 = months.map(base).sum();
            let c = 0.8 * 0.9 * list;
            list_total += list;
            base_total += b;
            let avail = a + carry;
            let left = avail - b;
            if left >= c {
                let unused = left - c;
                carry = roll * unused;
                waste += unused - carry;
                paid += a;
            } else {
                let over = (b - avail).max(0.0) + (c - left.max(0.0)) * m;
                paid += a + over;
                overage += over;
                carry = 0.0;
            }
        }
        waste += carry;
        // Reported cost: paid minus the base spend, plus the ineligible 20% at list,
        // plus workload v (outside the scope) at list.
        let cost = paid - base_total + 0.2 * list_total + 12.0 * LIST_V;
        let o = offer(&r, name);
        close(f(&o["cost"]["mean"]), cost, REL);
        let cm = &o["commitment"];
        close(f(&cm["committed"]), 4.0 * a, REL);
        close(f(&cm["unused_mean"]), waste, REL);
        close(f(&cm["overage_mean"]), overage, REL);
        close(f(&cm["utilization_mean"]), (4.0 * a - waste) / (4.0 * a), REL);
        let list_cost = list_total + 12.0 * LIST_V;
        close(f(&o["savings"]["mean"]), list_cost - cost, REL);
        assert!(waste > 0.0 || overage > 0.0, "{name}: the case must bite");
    }
    // The low commitment is exceeded by the base spend alone: every quarter pays
    // the base spend beyond it at its own price and all eligible spend at list.
    let low = offer(&r, "Low");
    assert_eq!(f(&low["commitment"]["unused_mean"]), 0.0);
}

#[test]
fn credits_lots_expire_first_to_expire_first_and_overage_is_list() {
    // $5,000 list a month in scope (provider p). Lot A: $20,000 in month 1,
    // lot B: $30,000 in month 3 (listed first), each usable 4 months, at $0.90
    // per dollar. Months 1-2 draw A (10,000 left); months 3-4 draw A first, as
    // it expires first (A ends at 0), then B is untouched; months 5-6 draw B
    // (20,000 left, expiring after month 6: waste); months 7-12 are uncovered:
    // 6 x 5,000 at list.
    let offers = r#"[[offers]]
name = "Credits"
kind = "credits"
scope = { providers = ["p"] }
purchases = [{ month = "2027-03", amount = 30000 }, { month = "2027-01", amount = 20000 }]
price = 0.9
expires_months = 4
"#;
    let r = run(12, 0.0, offers, "");
    let o = offer(&r, "Credits");
    assert_eq!(o["kind"], "credits");
    close(f(&o["cost"]["mean"]), 50_000.0 * 0.9 + 30_000.0 + 12.0 * LIST_V, REL);
    let cm = &o["commitment"];
    close(f(&cm["committed"]), 50_000.0, REL);
    close(f(&cm["unused_mean"]), 20_000.0, REL);
    close(f(&cm["overage_mean"]), 30_000.0, REL);
    close(f(&cm["utilization_mean"]), 30_000.0 / 50_000.0, REL);
    assert_eq!(f(&cm["prob_overcommit"]), 1.0);
}

#[test]
fn credits_with_growth_match_a_lot_by_lot_computation() {
    // Growing spend, three lots with one in the same month as another
    // (drawn in the order listed), expiring after 4 months.
    let g = 0.6;
    let offers = r#"[[offers]]
name = "Credits"
kind = "credits"
scope = { providers = ["p"] }
purchases = [{ month = "2027-01", amount = 12000 }, { month = "2027-04", amount = 9000 }, { month = "2027-04", amount = 30000 }]
price = 0.85
expires_months = 4
"#;
    let r = run(10, g, offers, "");
    let lots = [(0usize, 12_000.0), (3, 9_000.0), (3, 30_000.0)];
    let mut left: Vec<f64> = lots.iter().map(|l| l.1).collect();
    let (mut waste, mut uncovered) = (0.0, 0.0);
    for t in 0..10 {
        let mut need = list_w(g, t + 1);
        for (k, &(from, _)) in lots.iter().enumerate() {
            if from <= t && t < from + 4 {
                let take = need.min(left[k]);
                left[k] -= take;
                need -= take;
            }
        }
        uncovered += need;
        for (k, &(from, _)) in lots.iter().enumerate() {
            if from + 4 == t + 1 {
                waste += left[k];
                left[k] = 0.0;
            }
        }
    }
    waste += left.iter().sum::<f64>();
    let o = offer(&r, "Credits");
    close(f(&o["cost"]["mean"]), 51_000.0 * 0.85 + uncovered + 10.0 * LIST_V, REL);
    close(f(&o["commitment"]["unused_mean"]), waste, REL);
    close(f(&o["commitment"]["overage_mean"]), uncovered, REL);
    assert!(waste > 0.0 && uncovered > 0.0);
}

#[test]
fn credits_still_usable_after_the_horizon_warn_and_count_as_waste() {
    let d = Dir::new();
    d.write("prices.toml", &catalog(""));
    let offers =
        "[[offers]]\nname = \"C\"\nkind = \"credits\"\npurchases = [{ month = \"2027-05\", amount = 1000000 }]\n";
    let s = d.write("s.toml", &scenario(6, 0.0, offers, ""));
    let out = cmd().arg("simulate").arg(&s).args(["--format", "json"]).output().unwrap();
    assert!(out.status.success());
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("still usable after"),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let r: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    // Months 5-6 draw 2 x 7,000 of the lot; the rest is waste.
    close(f(&offer(&r, "C")["commitment"]["unused_mean"]), 1_000_000.0 - 14_000.0, REL);
}

#[test]
fn bad_credits_and_base_spend_keys_are_named() {
    let d = Dir::new();
    d.write("prices.toml", &catalog(""));
    let cases = [
        ("[[offers]]\nname = \"C\"\nkind = \"credits\"\npurchases = [{ month = \"2028-05\", amount = 1 }]\n", "purchases[0].month"),
        ("[[offers]]\nname = \"C\"\nkind = \"credits\"\n", "purchases"),
        ("[[offers]]\nname = \"C\"\nkind = \"credits\"\npurchases = [{ month = \"2027-01\", amount = 1 }]\nprice = 1.2\n", "price"),
        ("[[offers]]\nname = \"C\"\nkind = \"credits\"\npurchases = [{ month = \"2027-01\", amount = 1 }]\nperiod = \"year\"\n", "period"),
        ("[[offers]]\nname = \"C\"\nkind = \"commit\"\nperiod = \"year\"\namount = 1\neligible_share = 0\n", "eligible_share"),
        ("[[offers]]\nname = \"C\"\nkind = \"commit\"\nunit = \"tokens\"\nperiod = \"year\"\namount = 1\nbase_spend = { monthly = 5 }\n", "base_spend"),
        ("[[offers]]\nname = \"C\"\nkind = \"commit\"\nperiod = \"year\"\namount = 1\nbase_spend = { monthly = 5, correlation = 2 }\n", "base_spend.correlation"),
        ("[[offers]]\nname = \"C\"\nkind = \"payg\"\nexpires_months = 3\n", "expires_months"),
    ];
    for (offers, key) in cases {
        let s = d.write("s.toml", &scenario(12, 0.0, offers, ""));
        let out = cmd().arg("simulate").arg(&s).output().unwrap();
        assert_eq!(out.status.code(), Some(2), "{offers}");
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(err.contains(&format!("offers[1].{key}")) && err.contains("s.toml"), "{key}: {err}");
    }
}

/// Days of each month of 2027.
const DAYS_2027: [f64; 12] = [31.0, 28.0, 31.0, 30.0, 31.0, 30.0, 31.0, 31.0, 30.0, 31.0, 30.0, 31.0];

#[test]
fn a_reservation_then_a_commitment_is_the_hand_computation() {
    // Layer 1: one unit of 23,148 effective tokens a minute on provider p at
    // $1,000 a month, per-minute load 0.5 or 1.5 times the mean (a profile
    // of 1 and 3). Its served share in month t is E[min(X, r)] with
    // r = C / lambda_t; the rest overflows to layer 2, a yearly commitment of
    // $amount over everything at 10% off with overage at list. Workload v
    // (provider q) meets only layer 2. Nothing reaches the baseline.
    let d = Dir::new();
    d.write("prices.toml", &catalog(""));
    d.write("load.csv", "minute,tokens\n2027-01-04T09:00,1\n2027-01-04T09:01,3\n");
    let layers = |amount: f64| {
        format!(
            r#"[[offers]]
name = "Reservation"
kind = "provisioned"
scope = {{ providers = ["p"] }}
units = 1
unit_price = 1000
price_basis = "month"
tokens_per_minute_per_unit = 23148
load = {{ profile = "load.csv" }}
[[offers]]
name = "Commit {amount}"
kind = "commit"
period = "year"
amount = {amount}
discount = 0.1
overage = "list"
"#
        )
    };
    let extra = "[[portfolios]]\nname = \"Low\"\nlayers = [\"Reservation\", \"Commit 20000\"]\n\
                 [[portfolios]]\nname = \"High\"\nlayers = [\"Reservation\", \"Commit 40000\"]\n";
    let s = d.write(
        "s.toml",
        &scenario(
            12,
            0.0,
            &[layers(20_000.0), layers(40_000.0).split("[[offers]]").nth(2).map(|x| format!("[[offers]]{x}")).unwrap()]
                .concat(),
            extra,
        ),
    );
    let r = simulate_json(&s, &[]);
    let served = |t: usize| {
        let lambda = 1e9 / (1440.0 * DAYS_2027[t]);
        let ratio = 23_148.0 / lambda;
        // Normalised profile 0.5 and 1.5: mean of min(x, r).
        ((0.5f64).min(ratio) + (1.5f64).min(ratio)) / 2.0
    };
    let overflow: f64 = (0..12).map(|t| (1.0 - served(t)) * list_w(0.0, t + 1)).sum();
    let consumed = 0.9 * (overflow + 12.0 * LIST_V);
    let served_eff: f64 = (0..12).map(|t| served(t) * 1e9).sum();
    let capacity: f64 = (0..12).map(|t| 23_148.0 * 1440.0 * DAYS_2027[t]).sum();
    for (name, a) in [("Low", 20_000.0), ("High", 40_000.0)] {
        let (paid, waste, overage) =
            if consumed > a { (a + (consumed - a) / 0.9, 0.0, (consumed - a) / 0.9) } else { (a, a - consumed, 0.0) };
        let pf = r["portfolios"].as_array().unwrap().iter().find(|p| p["name"] == name).unwrap();
        assert_eq!(pf["kind"], "portfolio");
        close(f(&pf["cost"]["mean"]), 12_000.0 + paid, REL);
        close(f(&pf["commitment"]["committed"]), a, REL);
        close(f(&pf["commitment"]["unused_mean"]), waste, REL);
        close(f(&pf["commitment"]["overage_mean"]), overage, REL);
        close(f(&pf["provisioned"]["utilization_mean"]), served_eff / capacity, 1e-6);
        close(f(&pf["layers"][0]["cost_mean"]), 12_000.0, REL);
        close(f(&pf["layers"][1]["cost_mean"]), paid, REL);
        let list = 12.0 * (list_w(0.0, 1) + LIST_V);
        close(f(&pf["savings"]["mean"]), list - 12_000.0 - paid, REL);
    }
    assert!(consumed > 20_000.0 && consumed < 40_000.0, "one under, one over: {consumed}");
}

#[test]
fn bad_portfolios_are_named() {
    let d = Dir::new();
    d.write("prices.toml", &catalog(""));
    let offers = "[[offers]]\nname = \"C\"\nkind = \"commit\"\nperiod = \"year\"\namount = 1000\n\
                  [[offers]]\nname = \"D\"\nkind = \"commit\"\nscope = { providers = [\"p\"] }\nperiod = \"year\"\namount = 1000\n";
    let cases = [
        ("layers = [\"C\", \"Cc\"]", "portfolios[0].layers[1]", "did you mean `C`"),
        ("layers = [\"C\", \"C\"]", "portfolios[0].layers[1]", "already layer 0"),
        ("layers = [\"C\", \"D\"]", "portfolios[0].layers[1]", "never be reached"),
        ("layers = []", "portfolios[0].layers", "expected 1 to"),
    ];
    for (layers, key, what) in cases {
        let extra = format!("[[portfolios]]\nname = \"P\"\n{layers}\n");
        let s = d.write("s.toml", &scenario(12, 0.0, offers, &extra));
        let out = cmd().arg("simulate").arg(&s).output().unwrap();
        assert_eq!(out.status.code(), Some(2), "{layers}");
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(err.contains(key) && err.contains(what) && err.contains("s.toml"), "{layers}: {err}");
    }
    // The other order is fine: the narrower commitment serves provider p first.
    let s = d.write("s.toml", &scenario(12, 0.0, offers, "[[portfolios]]\nname = \"P\"\nlayers = [\"D\", \"C\"]\n"));
    assert!(cmd().arg("simulate").arg(&s).output().unwrap().status.success());
}

/// Two independent one-period vendors: `w` on provider p ($5,000 list at the
/// median, log-sd 0.3) and `v` on provider q ($2,000, log-sd 0.4), each with
/// a one-month commitment at 20% (p) and 30% (q) off, overage at list.
fn two_vendors(paths: usize, extra_offers: &str, portfolios: &str) -> String {
    format!(
        r#"name = "two vendors"
start = "2027-01"
horizon_months = 1
catalog = "prices.toml"
[simulation]
paths = {paths}
seed = 11
[forecast]
correlation = 0.0
[risk]
waste_tolerance = 0.05
max_overcommit_probability = 0.1
[[workloads]]
name = "w"
model = "m"
monthly_tokens = 1.0e9
input_share = 0.5
output_share = 0.5
growth_annual = 0.0
volatility_monthly = 0.3
[[workloads]]
name = "v"
model = "n"
monthly_tokens = 2.0e9
input_share = 1.0
output_share = 0.0
growth_annual = 0.0
volatility_monthly = 0.4
[[offers]]
name = "List"
kind = "payg"
[[offers]]
name = "P"
kind = "commit"
scope = {{ providers = ["p"] }}
period = "month"
amount = 3000
discount = 0.2
overage = "list"
[[offers]]
name = "Q"
kind = "commit"
scope = {{ providers = ["q"] }}
period = "month"
amount = 1000
discount = 0.3
overage = "list"
{extra_offers}
[[portfolios]]
name = "Both"
layers = ["P", "Q"]
{portfolios}
"#
    )
}

fn optimize_json(scenario: &std::path::Path, extra: &[&str]) -> serde_json::Value {
    let out = cmd()
        .arg("optimize")
        .arg(scenario)
        .args(["--portfolio", "Both", "--format", "json"])
        .args(extra)
        .output()
        .unwrap();
    assert!(out.status.success(), "optimize failed: {}", String::from_utf8_lossy(&out.stderr));
    serde_json::from_slice(&out.stdout).unwrap()
}

/// The standard normal quantile (Acklam's rational approximation, 1.2e-9
/// relative: ample for a 3% test).
#[allow(clippy::excessive_precision)]
fn norm_inv(p: f64) -> f64 {
    let a = [
        -3.969683028665376e1,
        2.209460984245205e2,
        -2.759285104469687e2,
        1.383577518672690e2,
        -3.066479806614716e1,
        2.506628277459239,
    ];
    let b =
        [-5.447609879822406e1, 1.615858368580409e2, -1.556989798598866e2, 6.680131188771972e1, -1.328068155288572e1];
    let c = [
        -7.784894002430293e-3,
        -3.223964580411365e-1,
        -2.400758277161838,
        -2.549732539343734,
        4.374664141464968,
        2.938163982698783,
    ];
    let d = [7.784695709041462e-3, 3.224671290700398e-1, 2.445134137142996, 3.754408661907416];
    if p < 0.02425 {
        let q = (-2.0 * p.ln()).sqrt();
        (((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5])
            / ((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1.0)
    } else {
        let q = p - 0.5;
        let r = q * q;
        (((((a[0] * r + a[1]) * r + a[2]) * r + a[3]) * r + a[4]) * r + a[5]) * q
            / (((((b[0] * r + b[1]) * r + b[2]) * r + b[3]) * r + b[4]) * r + 1.0)
    }
}

#[test]
fn unconstrained_each_layer_finds_its_newsvendor_quantile() {
    // One period, overage at list: the expected cost A + E[(X - A / (1 - d))+]
    // is least where P(X > A / (1 - d)) = 1 - d, i.e. A* = (1 - d) q_d(X),
    // with X = median * exp(sigma Z) lognormal.
    let d = Dir::new();
    d.write("prices.toml", &catalog(""));
    let s = d.write("s.toml", &two_vendors(5000, "", ""));
    let r = optimize_json(&s, &["--risk-limit", "1"]);
    let want_p = 0.8 * 5000.0 * (0.3 * norm_inv(0.2)).exp();
    let want_q = 0.7 * 2000.0 * (0.4 * norm_inv(0.3)).exp();
    let got_p = f(&r["layers"][0]["level"]);
    let got_q = f(&r["layers"][1]["level"]);
    assert_eq!(r["layers"][0]["parameter"], "amount");
    assert!((got_p / want_p - 1.0).abs() < 0.03, "P: {got_p} vs newsvendor {want_p}");
    assert!((got_q / want_q - 1.0).abs() < 0.03, "Q: {got_q} vs newsvendor {want_q}");
    assert_eq!(r["risk_limit"], 1.0);
    assert!(f(&r["prob_overcommit"]) <= 1.0);
}

#[test]
fn under_a_joint_limit_it_matches_an_exhaustive_grid_and_its_frontier_is_non_dominated() {
    // The grid: every pair of 12 levels per vendor as a portfolio of its own,
    // all billed by one simulate on the same futures.
    let d = Dir::new();
    d.write("prices.toml", &catalog(""));
    let lp: Vec<f64> = (0..12).map(|k| 1500.0 + 200.0 * k as f64).collect();
    let lq: Vec<f64> = (0..12).map(|k| 400.0 + 100.0 * k as f64).collect();
    let mut offers = String::new();
    for (name, prov, d_, levels) in [("p", "p", 0.2, &lp), ("q", "q", 0.3, &lq)] {
        for a in levels.iter() {
            offers += &format!(
                "[[offers]]\nname = \"{name}{a}\"\nkind = \"commit\"\nscope = {{ providers = [\"{prov}\"] }}\n\
                 period = \"month\"\namount = {a}\ndiscount = {d_}\noverage = \"list\"\n"
            );
        }
    }
    let mut pfs = String::new();
    for a in &lp {
        for b in &lq {
            pfs += &format!("[[portfolios]]\nname = \"g{a}-{b}\"\nlayers = [\"p{a}\", \"q{b}\"]\n");
        }
    }
    let s = d.write("s.toml", &two_vendors(3000, &offers, &pfs));
    let grid = simulate_json(&s, &[]);
    let limit = 0.1;
    let best = grid["portfolios"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|p| p["name"] != "Both" && f(&p["commitment"]["prob_overcommit"]) <= limit)
        .map(|p| f(&p["cost"]["mean"]))
        .fold(f64::INFINITY, f64::min);
    assert!(best.is_finite());
    let r = optimize_json(&s, &["--risk-limit", "0.1"]);
    let got = f(&r["cost_mean"]);
    assert!(got <= best * 1.005, "optimize {got} vs exhaustive grid {best}");
    assert!(f(&r["prob_overcommit"]) <= limit);
    assert_eq!(r["within_limit"], true);
    // The limit binds: unconstrained, the over-commitment probability is higher.
    let free = optimize_json(&s, &["--risk-limit", "1"]);
    assert!(f(&free["prob_overcommit"]) > limit, "the limit must bind for this test");
    // The frontier: no point beats another in both expected cost and CVaR95.
    let fr = r["frontier"].as_array().unwrap();
    assert!(fr.len() >= 2);
    for a in fr {
        assert_eq!(a["levels"].as_array().unwrap().len(), 2);
        for b in fr {
            let dominates = f(&a["cost_mean"]) <= f(&b["cost_mean"])
                && f(&a["cost_cvar95"]) <= f(&b["cost_cvar95"])
                && (f(&a["cost_mean"]) < f(&b["cost_mean"]) || f(&a["cost_cvar95"]) < f(&b["cost_cvar95"]));
            assert!(!dominates, "{a} dominates {b}");
        }
    }
    // The reported optimum is what simulate gives at those levels, on the same futures.
    let (a, b) = (f(&r["layers"][0]["level"]), f(&r["layers"][1]["level"]));
    let check = two_vendors(3000, "", "")
        .replace("amount = 3000", &format!("amount = {a}"))
        .replace("amount = 1000", &format!("amount = {b}"));
    let s2 = d.write("s2.toml", &check);
    let sim = simulate_json(&s2, &[]);
    let both = &sim["portfolios"][0];
    close(f(&both["cost"]["mean"]), got, 1e-9);
    close(f(&both["commitment"]["prob_overcommit"]), f(&r["prob_overcommit"]), 1e-12);
}

#[test]
fn optimize_names_a_missing_portfolio_and_a_bad_limit() {
    let d = Dir::new();
    d.write("prices.toml", &catalog(""));
    let s = d.write("s.toml", &two_vendors(200, "", ""));
    let out = cmd().arg("optimize").arg(&s).args(["--portfolio", "Bth"]).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("did you mean `Both`"));
    let out = cmd().arg("optimize").arg(&s).args(["--portfolio", "Both", "--risk-limit", "1.5"]).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("--risk-limit"));
    // Table and Markdown render the same choice.
    for fmt in ["table", "markdown", "csv"] {
        let out = cmd().arg("optimize").arg(&s).args(["--portfolio", "Both", "--format", fmt]).output().unwrap();
        assert!(out.status.success(), "{fmt}: {}", String::from_utf8_lossy(&out.stderr));
        let text = String::from_utf8_lossy(&out.stdout);
        assert!(text.contains('P') && text.contains("frontier") || text.contains("Frontier"), "{fmt}: {text}");
    }
}

/// The brief optimises every portfolio: its "Mixing offers" section carries
/// `optimize`'s figures to the last bit (chosen levels, expected cost, CVaR95,
/// P(over), every frontier point), the chart is drawn, and the frontier it
/// shows runs from cheapest to safest (expected cost up, costliest 5% down).
/// Without portfolios there is no such section.
#[test]
fn the_brief_shows_each_portfolios_optimised_mix_and_frontier_as_optimize_computes_them() {
    let d = Dir::new();
    d.write("prices.toml", &catalog(""));
    let s = d.write("s.toml", &two_vendors(2000, "", ""));
    let r = optimize_json(&s, &[]);
    let html_path = d.path("b.html");
    let out = cmd().arg("brief").arg(&s).arg("--out").arg(&html_path).output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let html = std::fs::read_to_string(&html_path).unwrap();
    let attr = |from: &str, name: &str| -> f64 {
        let at = from.find(&format!("{name}=\"")).unwrap() + name.len() + 2;
        from[at..at + from[at..].find('"').unwrap()].parse().unwrap()
    };
    let mix = &html[html.find("<div class=\"mix\" data-portfolio=\"Both\"").expect("the mixes section")..];
    for (k, name) in [
        ("cost_mean", "data-cost-mean"),
        ("cost_cvar95", "data-cost-cvar95"),
        ("prob_overcommit", "data-prob-overcommit"),
    ] {
        assert_eq!(attr(mix, name).to_bits(), f(&r[k]).to_bits(), "{k}");
    }
    for (i, layer) in ["P", "Q"].iter().enumerate() {
        let row = &mix[mix.find(&format!("<tr data-layer=\"{layer}\"")).unwrap()..];
        assert_eq!(attr(row, "data-level").to_bits(), f(&r["layers"][i]["level"]).to_bits());
    }
    assert!(mix.contains("<figure id=\"figure-frontier-1\"") && mix.contains("Cost against risk of the mixes of Both"));
    let table = &mix[mix.find("class=\"frontier-table\"").unwrap()..];
    let rows: Vec<&str> = table.split("<tr data-cost-mean=").skip(1).collect();
    let fr = r["frontier"].as_array().unwrap();
    assert!(fr.len() >= 2);
    assert_eq!(rows.len(), fr.len());
    let mut last = (f64::NEG_INFINITY, f64::INFINITY);
    for (row, p) in rows.iter().zip(fr) {
        let row = format!("data-cost-mean={row}");
        let (c, v) = (attr(&row, "data-cost-mean"), attr(&row, "data-cost-cvar95"));
        assert_eq!((c.to_bits(), v.to_bits()), (f(&p["cost_mean"]).to_bits(), f(&p["cost_cvar95"]).to_bits()));
        assert!(c >= last.0 && v <= last.1, "not a frontier: ({c}, {v}) after {last:?}");
        last = (c, v);
    }
    // No portfolios, no section.
    let s = d.write(
        "s.toml",
        &two_vendors(2000, "", "").replace("[[portfolios]]\nname = \"Both\"\nlayers = [\"P\", \"Q\"]\n", ""),
    );
    let out = cmd().arg("brief").arg(&s).arg("--out").arg(&html_path).output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(!std::fs::read_to_string(&html_path).unwrap().contains("id=\"mixes\""));
}
