//! Exact arithmetic: with zero volatility and fixed growth every path is the
//! same, so each mean must equal a hand computation to 1e-9 relative.
//! One test per offer option (SPEC 4.3).

use crate::util::{catalog, close, offer, simulate_json, Dir};

const REL: f64 = 1e-9;

/// Every sampling method (SPEC 6.7).
const METHODS: [&str; 4] = ["random", "antithetic", "control", "antithetic-control"];

/// `simulate --format json` of the deterministic scenario `s` (every path
/// the same) under the default sampling, after checking that every method
/// gives the same report: every number within `REL` (relative, or absolute
/// below 1) of the default's, and every standard error rounding noise (below
/// `REL` of its mean). So each hand computation these tests check holds
/// under every method. Tests of random scenarios loop over [`METHODS`].
fn every_method(s: &std::path::Path) -> serde_json::Value {
    let default = simulate_json(s, &[]);
    for m in METHODS {
        let other = simulate_json(s, &["--sampling", m]);
        same(&default, &other, m, "");
    }
    default
}

/// Asserts `a` and `b` hold the same figures (see [`every_method`]).
fn same(a: &serde_json::Value, b: &serde_json::Value, method: &str, at: &str) {
    use serde_json::Value::*;
    match (a, b) {
        (Object(x), Object(y)) => {
            for (k, v) in x {
                if k == "sampling" {
                    continue;
                }
                let w = y.get(k).unwrap_or_else(|| panic!("{method}: no {at}.{k}"));
                if k == "std_error" {
                    let scale = 1.0 + x.get("mean").and_then(|m| m.as_f64()).unwrap_or(0.0).abs();
                    for e in [v, w].map(|e| e.as_f64().unwrap_or(0.0).abs()) {
                        assert!(e <= REL * scale, "{method}: {at}.{k} = {e}: the scenario is not deterministic");
                    }
                    continue;
                }
                same(v, w, method, &format!("{at}.{k}"));
            }
        }
        (Array(x), Array(y)) => {
            assert_eq!(x.len(), y.len(), "{method}: {at}");
            for (i, (v, w)) in x.iter().zip(y).enumerate() {
                same(v, w, method, &format!("{at}[{i}]"));
            }
        }
        (Number(x), Number(y)) => {
            let (x, y) = (x.as_f64().unwrap(), y.as_f64().unwrap());
            assert!((x - y).abs() <= REL * x.abs().max(y.abs()).max(1.0), "{method}: {at}: {x} vs {y}");
        }
        _ => assert_eq!(a, b, "{method}: {at}"),
    }
}

/// A scenario with one list-price baseline plus `offers`, over `horizon` months.
fn scenario(horizon: usize, workloads: &str, offers: &str, extra: &str) -> String {
    format!(
        r#"name = "exact"
start = "2027-01"
horizon_months = {horizon}
catalog = "prices.toml"
[simulation]
paths = 100
seed = 1
{extra}
{workloads}
[[offers]]
name = "List"
kind = "payg"
{offers}
"#
    )
}

/// One deterministic workload: 1e9 tokens, half input half output on model
/// `m` ($5 per 1M tokens: 0.5 × 2 + 0.5 × 8), fixed annual growth `g`.
fn workload(g: f64) -> String {
    format!(
        r#"[[workloads]]
name = "w"
model = "m"
monthly_tokens = 1.0e9
input_share = 0.5
output_share = 0.5
growth_annual = {g}
volatility_monthly = 0.0
"#
    )
}

fn run(horizon: usize, workloads: &str, offers: &str, extra: &str, cat_extra: &str) -> serde_json::Value {
    let d = Dir::new();
    d.write("prices.toml", &catalog(cat_extra));
    let s = d.write("s.toml", &scenario(horizon, workloads, offers, extra));
    every_method(&s)
}

/// Monthly tokens of `workload(g)` in month t = 1..
fn vol(g: f64, t: usize) -> f64 {
    1e9 * (1.0 + g).powf(t as f64 / 12.0)
}

#[test]
fn payg_discount_growth_and_every_path_equal() {
    let r = run(12, &workload(0.2), "[[offers]]\nname = \"D\"\nkind = \"payg\"\ndiscount = 0.1\n", "", "");
    let list: f64 = (1..=12).map(|t| vol(0.2, t) * 5e-6).sum();
    close(offer(&r, "List")["cost"]["mean"].as_f64().unwrap(), list, REL);
    close(offer(&r, "D")["cost"]["mean"].as_f64().unwrap(), 0.9 * list, REL);
    close(offer(&r, "D")["savings"]["mean"].as_f64().unwrap(), 0.1 * list, REL);
    // Identical paths: the standard error is rounding noise only.
    assert!(offer(&r, "D")["cost"]["std_error"].as_f64().unwrap() < 1e-12 * list);
    close(offer(&r, "D")["effective_savings_rate"].as_f64().unwrap(), 0.1, REL);
    let tokens: f64 = (1..=12).map(|t| vol(0.2, t)).sum();
    close(r["volume"]["total_tokens"]["mean"].as_f64().unwrap(), tokens, REL);
}

#[test]
fn damping_shrinks_growth_geometrically() {
    let r = run(6, &workload(0.5), "", "[forecast]\ndamping = 0.9\n", "");
    let g = 1.5f64.ln() / 12.0;
    let want: f64 = (1..=6).map(|t| 1e9 * (g * (1.0 - 0.9f64.powi(t)) / 0.1).exp() * 5e-6).sum();
    close(offer(&r, "List")["cost"]["mean"].as_f64().unwrap(), want, REL);
}

#[test]
fn commit_tiers_ramp_rollover_cap_and_list_overage() {
    // $5,000 list per month. Month 1: A = 6000, d = 0.2, uses 4000: unused 2000,
    // carry min(0.5 * 2000, 0.1 * 4000) = 400, waste 1600. Month 2: A = 4000,
    // d = 0.1, uses 4500 of 4400: overage 100 / 0.9 at list. Month 3: A = 5000,
    // uses 4500: unused 500, carry min(250, 500) = 250, waste 250, +250 at the end.
    let offers = r#"[[offers]]
name = "C"
kind = "commit"
period = "month"
amounts = [6000, 4000, 5000]
discount_tiers = [{ min_commit = 4000, discount = 0.1 }, { min_commit = 6000, discount = 0.2 }]
overage = "list"
rollover_fraction = 0.5
rollover_cap = 0.1
"#;
    let r = run(3, &workload(0.0), offers, "", "");
    let c = offer(&r, "C");
    close(c["cost"]["mean"].as_f64().unwrap(), 6000.0 + 4000.0 + 100.0 / 0.9 + 5000.0, REL);
    let cm = &c["commitment"];
    close(cm["committed"].as_f64().unwrap(), 15000.0, REL);
    close(cm["unused_mean"].as_f64().unwrap(), 2100.0, REL);
    close(cm["overage_mean"].as_f64().unwrap(), 100.0 / 0.9, REL);
    close(cm["utilization_mean"].as_f64().unwrap(), 12900.0 / 15000.0, REL);
    assert_eq!(cm["prob_unused"].as_f64().unwrap(), 1.0);
    assert_eq!(cm["prob_overcommit"].as_f64().unwrap(), 1.0);
    close(c["savings"]["mean"].as_f64().unwrap(), 15000.0 - 15111.0 - 1.0 / 9.0, REL);
    assert_eq!(c["savings"]["prob_negative"].as_f64().unwrap(), 1.0);
}

#[test]
fn commit_in_tokens_prices_units_at_the_discounted_rate() {
    // 1e9 tokens a month at $5 per 1M list, d = 0.1: $4.5e-6 per token.
    let under = "[[offers]]\nname = \"U\"\nkind = \"commit\"\nunit = \"tokens\"\nperiod = \"month\"\namount = 1.2e9\ndiscount = 0.1\n";
    let over = "[[offers]]\nname = \"O\"\nkind = \"commit\"\nunit = \"tokens\"\nperiod = \"quarter\"\namount = 2.4e9\ndiscount = 0.1\noverage = \"list\"\n";
    let r = run(6, &workload(0.0), &format!("{under}{over}"), "", "");
    let u = offer(&r, "U");
    close(u["cost"]["mean"].as_f64().unwrap(), 6.0 * 1.2e9 * 4.5e-6, REL);
    close(u["commitment"]["unused_mean"].as_f64().unwrap(), 6.0 * 0.2e9, REL);
    let o = offer(&r, "O");
    // Each quarter: 2.4e9 committed, 3e9 used, 0.6e9 overage tokens at list ($5e-6).
    close(o["cost"]["mean"].as_f64().unwrap(), 2.0 * (2.4e9 * 4.5e-6 + 0.6e9 * 5e-6), REL);
    close(o["commitment"]["overage_mean"].as_f64().unwrap(), 2.0 * 0.6e9 * 5e-6, REL);
    assert_eq!(o["commitment"]["unused_mean"].as_f64().unwrap(), 0.0);
}

#[test]
fn locked_rate_keeps_the_start_price_while_list_falls() {
    // List prices fall 12% a year: month t costs 5000 * 0.88^((t-1)/12).
    // A one-term commitment of 30,000 at d = 0.1 over 12 months.
    let offers = r#"[[offers]]
name = "Float"
kind = "commit"
period = "term"
amount = 30000
discount = 0.1
[[offers]]
name = "Lock"
kind = "commit"
period = "term"
amount = 30000
discount = 0.1
rate = "locked"
"#;
    let r = run(12, &workload(0.0), offers, "[prices]\nannual_change = -0.12\n", "");
    let list: Vec<f64> = (0..12).map(|t| 5000.0 * 0.88f64.powf(t as f64 / 12.0)).collect();
    let float_use: f64 = list.iter().sum::<f64>() * 0.9;
    let lock_use = 12.0 * 5000.0 * 0.9;
    close(offer(&r, "List")["cost"]["mean"].as_f64().unwrap(), list.iter().sum(), REL);
    close(offer(&r, "Float")["cost"]["mean"].as_f64().unwrap(), 30000.0 + (float_use - 30000.0), REL);
    close(offer(&r, "Lock")["cost"]["mean"].as_f64().unwrap(), 30000.0 + (lock_use - 30000.0), REL);
    // Locking in the start price costs more than floating when list prices fall.
    assert!(offer(&r, "Lock")["cost"]["mean"].as_f64().unwrap() > offer(&r, "Float")["cost"]["mean"].as_f64().unwrap());
}

#[test]
fn schedule_change_applies_from_its_month() {
    let sched = "[[model.schedule]]\nfrom = \"2027-03\"\noutput_per_mtok = 4.0\n";
    let r = run(4, &workload(0.0), "", "", sched);
    // $5 per 1M for Jan and Feb, then 0.5 * 2 + 0.5 * 4 = $3.
    close(offer(&r, "List")["cost"]["mean"].as_f64().unwrap(), 2.0 * 5000.0 + 2.0 * 3000.0, REL);
}

/// A cached price that the catalog never states follows the input price
/// through a schedule entry that cuts it; a stated one stays (SPEC 6.9).
#[test]
fn an_unstated_cached_price_follows_the_input_price_through_the_schedule() {
    let catalog = r#"[meta]
as_of = "2026-11-01"
currency = "USD"
[[model]]
id = "x"
provider = "p"
input_per_mtok = 2.0
output_per_mtok = 8.0
[[model.schedule]]
from = "2027-03"
input_per_mtok = 1.0
[[model]]
id = "y"
provider = "p"
input_per_mtok = 2.0
output_per_mtok = 8.0
cached_input_per_mtok = 0.5
[[model.schedule]]
from = "2027-03"
input_per_mtok = 1.0
"#;
    let workload = |name: &str, model: &str| {
        format!(
            "[[workloads]]\nname = \"{name}\"\nmodel = \"{model}\"\nmonthly_tokens = 1.0e9\ninput_share = 0.5\n\
             output_share = 0.0\ncached_share = 0.5\ngrowth_annual = 0.0\nvolatility_monthly = 0.0\n"
        )
    };
    let offers = "[[offers]]\nname = \"X\"\nkind = \"payg\"\nscope = { models = [\"x\"] }\ndiscount = 0.5\n\
                  [[offers]]\nname = \"Y\"\nkind = \"payg\"\nscope = { models = [\"y\"] }\ndiscount = 0.5\n";
    let d = Dir::new();
    d.write("prices.toml", catalog);
    let s = d.write("s.toml", &scenario(4, &(workload("a", "x") + &workload("b", "y")), offers, ""));
    let r = every_method(&s);
    // x: cached = input: $2 per 1M in Jan and Feb, then $1. y: 0.5 * 2 + 0.5 * 0.5 = $1.25, then 0.5 * 1 + 0.25.
    let (x, y) = (2.0 * 2000.0 + 2.0 * 1000.0, 2.0 * 1250.0 + 2.0 * 750.0);
    close(offer(&r, "List")["cost"]["mean"].as_f64().unwrap(), x + y, REL);
    // Each offer halves its own model's cost and bills the other at list.
    close(offer(&r, "X")["savings"]["mean"].as_f64().unwrap(), x / 2.0, REL);
    close(offer(&r, "Y")["savings"]["mean"].as_f64().unwrap(), y / 2.0, REL);
}

#[test]
fn term_shorter_than_horizon_bills_the_rest_at_list() {
    let offers = "[[offers]]\nname = \"C\"\nkind = \"commit\"\nperiod = \"month\"\nterm_months = 2\namount = 4000\ndiscount = 0.2\n";
    let r = run(5, &workload(0.0), offers, "", "");
    close(offer(&r, "C")["cost"]["mean"].as_f64().unwrap(), 2.0 * 4000.0 + 3.0 * 5000.0, REL);
    close(offer(&r, "C")["commitment"]["committed"].as_f64().unwrap(), 8000.0, REL);
}

#[test]
fn scope_bills_other_providers_at_list_and_batch_share_discounts() {
    let two = format!(
        "{}[[workloads]]\nname = \"b\"\nmodel = \"n\"\nmonthly_tokens = 2.0e9\ninput_share = 1.0\noutput_share = 0.0\nbatch_share = 0.5\ngrowth_annual = 0\nvolatility_monthly = 0\n",
        workload(0.0)
    );
    let offers = "[[offers]]\nname = \"P\"\nkind = \"payg\"\ndiscount = 0.5\nscope = { providers = [\"q\"] }\n";
    let r = run(2, &two, offers, "", "");
    // Workload b: 2e9 tokens at $1 per 1M, half through batch at half price: $1,500 a month.
    close(offer(&r, "List")["cost"]["mean"].as_f64().unwrap(), 2.0 * (5000.0 + 1500.0), REL);
    close(offer(&r, "P")["cost"]["mean"].as_f64().unwrap(), 2.0 * (5000.0 + 750.0), REL);
}

#[test]
fn volume_tiers_are_marginal_per_period() {
    let offers = "[[offers]]\nname = \"T\"\nkind = \"payg\"\nvolume_tiers = [{ from = 0, discount = 0.0 }, { from = 3000, discount = 0.1 }]\n\
                  [[offers]]\nname = \"Y\"\nkind = \"payg\"\ntier_period = \"year\"\nvolume_tiers = [{ from = 12000, discount = 0.2 }]\n";
    let r = run(4, &workload(0.0), offers, "", "");
    close(offer(&r, "T")["cost"]["mean"].as_f64().unwrap(), 4.0 * (3000.0 + 2000.0 * 0.9), REL);
    close(offer(&r, "Y")["cost"]["mean"].as_f64().unwrap(), 12000.0 + 8000.0 * 0.8, REL);
}

/// Standard normal distribution function, independently of the crate.
fn phi(z: f64) -> f64 {
    0.5 * statrs::function::erf::erfc(-z / std::f64::consts::SQRT_2)
}

fn provisioned(units: f64, basis: &str, price: f64, load: &str, overflow: &str) -> String {
    format!(
        "[[offers]]\nname = \"PT\"\nkind = \"provisioned\"\nunits = {units}\nunit_price = {price}\nprice_basis = \"{basis}\"\n\
         tokens_per_minute_per_unit = 1000\noutput_weight = 3.0\nload = {load}\noverflow = \"{overflow}\"\n"
    )
}

#[test]
fn provisioned_drop_hourly_reports_unserved_tokens() {
    // Effective tokens: 1e9 * (0.5 + 3 * 0.5) = 2e9 a month. January has 31 days.
    let r = run(1, &workload(0.0), &provisioned(40.0, "hour", 1.5, "{ peak_to_mean = 2.5 }", "drop"), "", "");
    let z99 = 2.326_347_874_040_840_8f64;
    let s = z99 - (z99 * z99 - 2.0 * 2.5f64.ln()).sqrt();
    let minutes: f64 = 1440.0 * 31.0;
    let lambda = 2e9 / minutes;
    let cap: f64 = 40.0 * 1000.0;
    let mu = lambda.ln() - s * s / 2.0;
    let served = phi((cap.ln() - mu - s * s) / s) + cap / lambda * (1.0 - phi((cap.ln() - mu) / s));
    let p = offer(&r, "PT");
    close(p["cost"]["mean"].as_f64().unwrap(), 40.0 * 1.5 * 24.0 * 31.0, REL);
    close(p["provisioned"]["unserved_tokens_mean"].as_f64().unwrap(), (1.0 - served) * 1e9, 1e-7);
    close(p["provisioned"]["spillover_share_mean"].as_f64().unwrap(), 1.0 - served, 1e-7);
    close(p["provisioned"]["utilization_mean"].as_f64().unwrap(), served * 2e9 / (cap * minutes), 1e-7);
}

#[test]
fn provisioned_monthly_basis_with_measured_profile() {
    // Profile [1, 3] normalises to [0.5, 1.5]; the served share at capacity
    // C and mean load L is mean(min(p, C / L)); the rest spills to pay-as-you-go.
    let d = Dir::new();
    d.write("prices.toml", &catalog(""));
    d.write("load.csv", "minute,tokens\n0,1\n1,3\n");
    let minutes = 1440.0 * 30.0; // April
    let lambda = 2e9 / minutes;
    let x = 50_000.0 / lambda;
    let served = (0.5f64.min(x) + 1.5f64.min(x)) / 2.0;
    let offers = provisioned(50.0, "month", 500.0, "{ profile = \"load.csv\" }", "payg");
    let text = scenario(1, &workload(0.0), &offers, "").replace("2027-01", "2027-04");
    let s = d.write("s.toml", &text);
    let r = every_method(&s);
    let p = offer(&r, "PT");
    close(p["cost"]["mean"].as_f64().unwrap(), 50.0 * 500.0 + (1.0 - served) * 5000.0, REL);
    close(p["provisioned"]["utilization_mean"].as_f64().unwrap(), served * 2e9 / (50_000.0 * minutes), REL);
    close(p["provisioned"]["spillover_share_mean"].as_f64().unwrap(), 1.0 - served, REL);
}

#[test]
fn certain_event_ramps_and_fixed_routing_moves_tokens() {
    // An event of 3e9 tokens on model n from the second month with a 2-month
    // ramp; a routing of 40% of model m's tokens to n, complete from month 2.
    let extra = r#"[[forecast.events]]
name = "launch"
model = "n"
probability = 1.0
start = "2027-02"
monthly_tokens = 3.0e9
ramp_months = 2
input_share = 1.0
output_share = 0.0
[[forecast.routing]]
from = "m"
to = "n"
share = 0.4
start = "2027-01"
by = "2027-02"
"#;
    let r = run(3, &workload(0.0), "", extra, "");
    // Model m tokens cost $5 per 1M; moved tokens keep their mix on n: $2.5 per 1M.
    let moved = [0.2, 0.4, 0.4];
    let mut want = 0.0;
    for (t, f) in moved.iter().enumerate() {
        want += 1e9 * (1.0 - f) * 5e-6 + 1e9 * f * 2.5e-6;
        let ev = if t == 0 { 0.0 } else { 3e9 * (t as f64 / 2.0).min(1.0) };
        want += ev * 1e-6;
    }
    close(offer(&r, "List")["cost"]["mean"].as_f64().unwrap(), want, REL);
}

#[test]
fn event_older_than_the_scenario_grows_with_the_damping_of_its_age() {
    // An event that began in 2026-10, three months before the scenario: in
    // scenario month t it is k = t + 3 months old, and its log-volume has
    // grown by g * damping^(s-1) in each of its months s = 1..k, the two
    // before the scenario (Nov, Dec 2026) included (model.md, Events).
    // Input tokens on model n cost $1 per 1M.
    let extra = r#"[forecast]
growth_annual = 0.5
damping = 0.9
[[forecast.events]]
name = "launch"
model = "n"
probability = 1.0
start = "2026-10"
monthly_tokens = 3.0e9
input_share = 1.0
output_share = 0.0
"#;
    let r = run(24, &workload(0.0), "", extra, "");
    let g = 1.5f64.ln() / 12.0;
    // Its months 1 and 2, before the scenario.
    let mut log_growth = g * (1.0 + 0.9);
    let mut want = 0.0;
    for t in 0..24 {
        log_growth += g * 0.9f64.powi(t + 2);
        want += 1e9 * 5e-6 + 3e9 * log_growth.exp() * 1e-6;
    }
    close(offer(&r, "List")["cost"]["mean"].as_f64().unwrap(), want, REL);
}

/// An event begun before the scenario is part way up its ramp (SPEC 6.9):
/// begun in 2026-11, k = 2 months before 2027-01, so in scenario month t
/// (0-based) it carries `M * min(1, (k + 1 + t) / ramp_months)`: 3/6, 4/6,
/// 5/6, then all of it; not 1/6 as an event begun in 2027-01 would.
#[test]
fn event_older_than_the_scenario_is_part_way_up_its_ramp() {
    let extra = r#"[[forecast.events]]
name = "launch"
model = "n"
probability = 1.0
start = "2026-11"
monthly_tokens = 3.0e9
ramp_months = 6
input_share = 1.0
output_share = 0.0
"#;
    let r = run(6, &workload(0.0), "", extra, "");
    // The workload's $5,000 a month, plus the event's input tokens at $1 per 1M.
    let want: f64 = (0..6).map(|t| 5000.0 + 3e9 * ((3.0 + t as f64) / 6.0).min(1.0) * 1e-6).sum();
    close(offer(&r, "List")["cost"]["mean"].as_f64().unwrap(), want, REL);
}

/// The months an event lived before the scenario carry their shocks too:
/// begun in 2026-10, in 2027-01 its log-volume has three months of shocks
/// (variance 3 sigma^2), not one, and its first-month cost is lognormal
/// with that variance (SPEC 6.9).
#[test]
fn event_older_than_the_scenario_carries_the_shocks_of_its_earlier_months() {
    let extra = r#"[forecast]
volatility_monthly = 0.1
[[forecast.events]]
name = "launch"
model = "n"
probability = 1.0
start = "2026-10"
monthly_tokens = 1.0e9
input_share = 1.0
output_share = 0.0
"#;
    let d = Dir::new();
    d.write("prices.toml", &catalog(""));
    let s = d.write("s.toml", &scenario(1, &workload(0.0), "", extra).replace("paths = 100", "paths = 40000"));
    for m in METHODS {
        let r = simulate_json(&s, &["--sampling", m]);
        shocks_of_earlier_months(&r);
    }
}

fn shocks_of_earlier_months(r: &serde_json::Value) {
    let cost = &offer(r, "List")["cost"];
    // The workload's $5,000, plus $1,000 * exp(sigma * sqrt(3) * Z).
    let (mean, se) = (cost["mean"].as_f64().unwrap() - 5000.0, cost["std_error"].as_f64().unwrap());
    let sd = 0.1 * 3f64.sqrt();
    let want = 1000.0 * (sd * sd / 2.0).exp();
    assert!((mean - want).abs() < 4.0 * se, "mean {mean} vs {want} (se {se})");
    // One month of shocks only would give 1000 exp(0.005): eight standard errors off.
    assert!((mean - 1000.0 * 0.005f64.exp()).abs() > 4.0 * se, "mean {mean} (se {se})");
    let p95 = cost["p95"].as_f64().unwrap() - 5000.0;
    close(p95, 1000.0 * (1.6448536269514722 * sd).exp(), 0.01);
}

#[test]
fn cvar95_of_a_commitment_counts_only_the_share_of_its_atom_inside_the_tail() {
    // A $100k commitment that the workload ($5k a month) never uses up, unless
    // a launch (probability 3%) adds $30k a month on model n: then the year
    // costs 100k + 320k of overage. The cost is exactly 100k on the other
    // paths, an atom straddling the 95% point. With q the share of paths
    // with the launch (q < 5%), the costliest 5% are all of those plus
    // (5% - q) at 100k: CVaR95 = 100k + q * 320k / 0.05 = 100k + (mean - 100k) / 0.05.
    let extra = r#"[[forecast.events]]
name = "launch"
model = "n"
probability = 0.03
start = "2027-01"
monthly_tokens = 3.0e10
input_share = 1.0
output_share = 0.0
"#;
    let commit = "[[offers]]\nname = \"C\"\nkind = \"commit\"\nperiod = \"year\"\nterm_months = 12\namount = 100000\ndiscount = 0.0\noverage = \"list\"\n";
    let d = Dir::new();
    d.write("prices.toml", &catalog(""));
    let text = scenario(12, &workload(0.0), commit, extra).replace("paths = 100\nseed = 1", "paths = 4000\nseed = 5");
    let s = d.write("s.toml", &text);
    for m in METHODS {
        let r = simulate_json(&s, &["--sampling", m]);
        let cost = &offer(&r, "C")["cost"];
        // The mean over paths (an event's scenario has no control variates).
        let mean = cost["mean"].as_f64().unwrap();
        let q = (mean - 1e5) / 3.2e5;
        assert!(q > 0.01 && q < 0.05, "{m}: launch share {q}");
        close(cost["p95"].as_f64().unwrap(), 1e5, REL);
        close(cost["cvar95"].as_f64().unwrap(), 1e5 + (mean - 1e5) / 0.05, REL);
    }
}

/// Sums that are zero by construction print as zero, and shares stay in
/// [0, 1] (SPEC 6.9): noisy workloads on two models, so that the in-scope
/// sum and the path's total are summed in different orders.
#[test]
fn rounding_never_shows_a_negative_cost_spillover_or_unserved_count() {
    let noisy = |name: &str, model: &str, tokens: f64| {
        format!(
            "[[workloads]]\nname = \"{name}\"\nmodel = \"{model}\"\nmonthly_tokens = {tokens:e}\ninput_share = 0.3\n\
             output_share = 0.7\ngrowth_annual = 0.37\nvolatility_monthly = 0.21\n"
        )
    };
    let workloads = noisy("a", "m", 1.37e9) + &noisy("b", "n", 7.3e8) + &noisy("c", "m", 3.1e7);
    // No capacity with dropped overflow: bills nothing at all, whatever rounding does.
    let nothing = "[[offers]]\nname = \"Nothing\"\nkind = \"provisioned\"\nterm_months = 12\nunits = 0\n\
                   unit_price = 100.0\nprice_basis = \"month\"\ntokens_per_minute_per_unit = 1000\n\
                   overflow = \"drop\"\nload = { peak_to_mean = 1.8 }\n";
    // Far more capacity than the load: all is served, nothing spills.
    let ample = "[[offers]]\nname = \"Ample\"\nkind = \"provisioned\"\nterm_months = 12\nunits = 100000\n\
                 unit_price = 1.0\nprice_basis = \"month\"\ntokens_per_minute_per_unit = 100000\n\
                 load = { peak_to_mean = 1.8 }\n";
    let offers = format!("{nothing}{ample}");
    let d = Dir::new();
    d.write("prices.toml", &catalog(""));
    let s = d.write("s.toml", &scenario(12, &workloads, &offers, ""));
    for m in METHODS {
        let r = simulate_json(&s, &["--sampling", m]);
        let nothing = offer(&r, "Nothing");
        for q in ["mean", "p5", "p50", "p95"] {
            assert_eq!(nothing["cost"][q].as_f64().unwrap(), 0.0, "cost {q}: {nothing}");
        }
        let p = &nothing["provisioned"];
        assert_eq!(p["spillover_share_mean"].as_f64().unwrap(), 1.0);
        close(
            p["unserved_tokens_mean"].as_f64().unwrap(),
            r["volume"]["total_tokens"]["mean"].as_f64().unwrap(),
            1e-12,
        );
        let ample = &offer(&r, "Ample")["provisioned"];
        let spill = ample["spillover_share_mean"].as_f64().unwrap();
        assert!((0.0..1e-12).contains(&spill), "spillover {spill}");
        assert_eq!(ample["unserved_tokens_mean"].as_f64().unwrap(), 0.0);
    }
    // The baseline's savings against itself are zero, and the table shows no "-$0".
    let out = crate::util::cmd().arg("simulate").arg(&s).args(["--format", "markdown"]).output().expect("run");
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success() && !text.contains("-$0") && !text.contains("-0.0%"), "{text}");
}

/// One month of a deterministic 1e9-token workload with the mix and traffic
/// keys `keys`, on model `m` with the catalog keys `cat`: its list cost.
fn one_month_list_cost(keys: &str, cat: &str) -> f64 {
    let w = format!(
        "[[workloads]]\nname = \"w\"\nmodel = \"m\"\nmonthly_tokens = 1.0e9\n{keys}\ngrowth_annual = 0.0\nvolatility_monthly = 0.0\n"
    );
    let r = run(1, &w, "", "", cat);
    offer(&r, "List")["cost"]["mean"].as_f64().unwrap()
}

/// SPEC 6.1: each token class and each price modifier, alone and together,
/// equals the hand computation of the price formula (docs/model.md, "List
/// price per token"). Model m: input $2, output $8, cached $0.50 per 1M.
#[test]
fn token_classes_and_multipliers_are_the_hand_computation() {
    let writes = "cache_write_per_mtok = 2.5\ncache_write_long_per_mtok = 5.0\n";
    let lc = "long_context = { above = 272_000, input = 2.0, cached = 2.0, cache_write = 2.0, cache_write_long = 2.0, output = 1.5 }\n";
    let mods = "priority_multiplier = 2.0\nflex_multiplier = 0.4\nregional_multiplier = 1.1\n";
    let all = format!("{writes}{lc}{mods}");
    let mix5 = "input_share = 0.5\noutput_share = 0.2\ncached_share = 0.2\ncache_write_share = 0.07\ncache_write_long_share = 0.03\n";
    let half = "input_share = 0.5\noutput_share = 0.5\n";
    // (workload keys, catalog keys, $ per 1M tokens by hand)
    let cases: Vec<(String, String, f64)> = vec![
        // Short cache writes at their own price.
        (mix5.into(), writes.into(), 0.5 * 2.0 + 0.2 * 8.0 + 0.2 * 0.5 + 0.07 * 2.5 + 0.03 * 5.0),
        // No cache-write prices: both follow the input price.
        (mix5.into(), String::new(), 0.5 * 2.0 + 0.2 * 8.0 + 0.2 * 0.5 + 0.1 * 2.0),
        // A long-lived price of its own only: short writes at input.
        (mix5.into(), "cache_write_long_per_mtok = 4.0\n".into(), 0.5 * 2.0 + 1.6 + 0.1 + 0.07 * 2.0 + 0.03 * 4.0),
        // A short-lived price only: long writes follow it.
        (mix5.into(), "cache_write_per_mtok = 3.0\n".into(), 1.0 + 1.6 + 0.1 + 0.1 * 3.0),
        // Long context on a quarter of the tokens: input x2, output x1.5, cached not named (x1).
        (
            format!("{half}long_context_share = 0.25\n"),
            "long_context = { above = 200_000, input = 2.0, output = 1.5 }\n".into(),
            0.5 * 2.0 * (0.75 + 0.25 * 2.0) + 0.5 * 8.0 * (0.75 + 0.25 * 1.5),
        ),
        // A long-context share on a model without long-context prices costs nothing more.
        (format!("{half}long_context_share = 0.25\n"), String::new(), 5.0),
        // Priority tier on 30%.
        (format!("{half}priority_share = 0.3\n"), mods.into(), 5.0 * (0.7 + 0.3 * 2.0)),
        // Flex: its own multiplier, and by default the batch multiplier (0.5).
        (format!("{half}flex_share = 0.4\n"), mods.into(), 5.0 * (0.6 + 0.4 * 0.4)),
        (format!("{half}flex_share = 0.4\n"), String::new(), 5.0 * (0.6 + 0.4 * 0.5)),
        // Batch, priority and flex together.
        (format!("{half}batch_share = 0.2\npriority_share = 0.1\nflex_share = 0.1\n"), mods.into(), 5.0 * (0.6 + 0.1 + 0.2 + 0.04)),
        // Regional uplift, and none for a global workload on the same model.
        (format!("{half}regional = true\n"), mods.into(), 5.0 * 1.1),
        (format!("{half}regional = false\n"), mods.into(), 5.0),
        // Everything at once (the worked example of docs/model.md).
        (
            format!("{mix5}long_context_share = 0.25\nbatch_share = 0.1\npriority_share = 0.2\nflex_share = 0.1\nregional = true\n"),
            all.replace("flex_multiplier = 0.4", "flex_multiplier = 0.5"),
            3.58125 * 1.1 * 1.1,
        ),
    ];
    for (keys, cat, per_mtok) in &cases {
        close(one_month_list_cost(keys, cat), 1e3 * per_mtok, REL);
    }
}

/// SPEC 6.10: a default cache-write price follows the input price through
/// the schedule, a default long-lived one follows the short-lived one, and
/// a schedule entry changes multipliers and long-context factors.
#[test]
fn cache_write_defaults_and_multipliers_follow_the_schedule() {
    let w =
        "[[workloads]]\nname = \"w\"\nmodel = \"m\"\nmonthly_tokens = 1.0e9\ninput_share = 0.5\noutput_share = 0.0\n\
             cache_write_share = 0.25\ncache_write_long_share = 0.25\npriority_share = 0.5\nlong_context_share = 0.5\n\
             growth_annual = 0.0\nvolatility_monthly = 0.0\n";
    let cat = "priority_multiplier = 2.0\nlong_context = { above = 1000, input = 3.0 }\n\
               [[model.schedule]]\nfrom = \"2027-02\"\ninput_per_mtok = 1.0\n\
               [[model.schedule]]\nfrom = \"2027-03\"\ncache_write_per_mtok = 4.0\npriority_multiplier = 1.5\n\
               long_context = { above = 1000, cache_write = 2.0 }\n";
    let r = run(3, w, "", "", cat);
    let tier = |p: f64| 0.5 + 0.5 * p;
    // January: every input-class price is $2; input x (0.5 + 0.5 * 3).
    let jan = (0.5 * 2.0 * 2.0 + 0.5 * 2.0) * tier(2.0);
    // February: the input cut carries both cache-write prices with it.
    let feb = (0.5 * 1.0 * 2.0 + 0.5 * 1.0) * tier(2.0);
    // March: short writes $4 and the long ones follow them; the new
    // long-context table replaces the old one whole (input back to x1,
    // short writes x1.5, long writes not named: x1).
    let mar = (0.5 * 1.0 + 0.25 * 4.0 * 1.5 + 0.25 * 4.0) * tier(1.5);
    close(offer(&r, "List")["cost"]["mean"].as_f64().unwrap(), 1e3 * (jan + feb + mar), REL);
}

/// A reservation counts cache writes as input tokens of weight 1 (SPEC 6.2
/// default weights): with 40% cache writes the effective tokens are those
/// of the same volume all input, so utilisation and cost are the same, and
/// the month's mean load is 1e9 * (0.5 + 3 * 0.5) effective tokens.
#[test]
fn a_reservation_counts_cache_writes_as_input() {
    let w = |mix: &str| {
        format!(
            "[[workloads]]\nname = \"w\"\nmodel = \"m\"\nmonthly_tokens = 1.0e9\n{mix}\ngrowth_annual = 0.0\nvolatility_monthly = 0.0\n"
        )
    };
    let pt = provisioned(40.0, "hour", 1.5, "{ peak_to_mean = 1.5 }", "payg");
    let a = run(1, &w("input_share = 0.5\noutput_share = 0.5\n"), &pt, "", "");
    let b = run(
        1,
        &w("input_share = 0.1\noutput_share = 0.5\ncache_write_share = 0.3\ncache_write_long_share = 0.1\n"),
        &pt,
        "",
        "",
    );
    let u = |r: &serde_json::Value| offer(r, "PT")["provisioned"]["utilization_mean"].as_f64().unwrap();
    let spill = |r: &serde_json::Value| offer(r, "PT")["provisioned"]["spillover_share_mean"].as_f64().unwrap();
    // The release-1 served share at load 2e9 / (1440 * 31) a minute against 40,000.
    let z99 = 2.326_347_874_040_840_8f64;
    let s = z99 - (z99 * z99 - 2.0 * 1.5f64.ln()).sqrt();
    let (minutes, cap) = (1440.0 * 31.0f64, 40_000.0f64);
    let lambda = 2e9 / minutes;
    let mu = lambda.ln() - s * s / 2.0;
    let served = phi((cap.ln() - mu - s * s) / s) + cap / lambda * (1.0 - phi((cap.ln() - mu) / s));
    close(u(&a), served * 2e9 / (cap * minutes), 1e-7);
    close(u(&b), u(&a), REL);
    close(spill(&b), spill(&a), REL);
}

/// A FOCUS export bills cache writes as cache writes (SPEC 6.1), short- and
/// long-lived apart: three identical months of 1M input, 400k 5-minute
/// writes, 100k 1-hour writes (`1h` in the SKU) and 500k output, forecast
/// flat, give the list cost of 2M tokens a month at the month's own mix:
/// (1.0 * 3 + 0.4 * 3.75 + 0.1 * 6 + 0.5 * 15) = $12.60 a month. Billed as
/// input (the old reading) the writes would cost $1.50 instead of $2.10.
#[test]
fn a_focus_export_bills_cache_writes_as_cache_writes() {
    let d = Dir::new();
    d.write(
        "prices.toml",
        "[meta]\nas_of = \"2026-11-01\"\n[[model]]\nid = \"claude-sonnet-5-5\"\nprovider = \"anthropic\"\n\
         input_per_mtok = 3.0\noutput_per_mtok = 15.0\ncache_write_per_mtok = 3.75\ncache_write_long_per_mtok = 6.0\n",
    );
    let mut csv = String::from(
        "BilledCost,BillingCurrency,ChargeCategory,ChargeClass,ChargeDescription,ChargePeriodEnd,ChargePeriodStart,\
         ConsumedQuantity,ConsumedUnit,ProviderName,ServiceName,SkuId,SkuPriceId,SubAccountName\n",
    );
    for (start, end) in [("2026-08-01", "2026-09-01"), ("2026-09-01", "2026-10-01"), ("2026-10-01", "2026-11-01")] {
        for (what, qty) in [
            ("input tokens", 1.0),
            ("5m cache write tokens", 0.4),
            ("1h cache write tokens", 0.1),
            ("output tokens", 0.5),
        ] {
            csv += &format!(
                "1.0,USD,Usage,NULL,Claude Sonnet 5.5 {what},{end}T00:00:00Z,{start}T00:00:00Z,{qty},1M tokens,\
                 Anthropic,Claude API,claude-sonnet-5-5 {what},claude-sonnet-5-5 {what},agents\n"
            );
        }
    }
    d.write("focus.csv", &csv);
    let s = d.write(
        "s.toml",
        "name = \"focus\"\nstart = \"2026-11\"\nhorizon_months = 3\ncatalog = \"prices.toml\"\n\
         [simulation]\npaths = 100\n[history]\nfile = \"focus.csv\"\nformat = \"focus\"\n\
         [forecast]\ngrowth_annual = 0.0\nvolatility_monthly = 0.0\n[[offers]]\nname = \"List\"\nkind = \"payg\"\n",
    );
    let r = every_method(&s);
    close(offer(&r, "List")["cost"]["mean"].as_f64().unwrap(), 3.0 * 12.60, REL);
    // The usage format's cache-write columns read the same.
    d.write(
        "usage.csv",
        "month,model,input_tokens,output_tokens,cache_write_input_tokens,cache_write_long_input_tokens\n\
         2026-08,claude-sonnet-5-5,1000000,500000,400000,100000\n2026-09,claude-sonnet-5-5,1000000,500000,400000,100000\n\
         2026-10,claude-sonnet-5-5,1000000,500000,400000,100000\n",
    );
    let text = std::fs::read_to_string(&s)
        .unwrap()
        .replace("file = \"focus.csv\"\nformat = \"focus\"", "file = \"usage.csv\"");
    assert!(text.contains("usage.csv") && !text.contains("format = "), "{text}");
    let s = d.write("s.toml", &text);
    let r = every_method(&s);
    close(offer(&r, "List")["cost"]["mean"].as_f64().unwrap(), 3.0 * 12.60, REL);
}

/// SPEC 6.1 retirements: from the month after `retires`, every token of
/// the model runs on its successor, `successor_token_ratio` tokens for one,
/// priced, scoped and counted as the successor's. Model m ($5 per 1M for
/// this mix) retires after January 2027 into n ($2.50 per 1M), 0.9 tokens
/// for one.
#[test]
fn a_retired_model_s_traffic_runs_on_its_successor_and_strands_what_is_locked_to_it() {
    let cat = "retires = \"2027-01\"\nsuccessor = \"n\"\nsuccessor_token_ratio = 0.9\n";
    let offers = "[[offers]]\nname = \"Locked\"\nkind = \"payg\"\ndiscount = 0.5\nscope = { models = [\"m\"] }\n\
                  [[offers]]\nname = \"Follows\"\nkind = \"payg\"\ndiscount = 0.5\nscope = { models = [\"m\", \"n\"] }\n\
                  [[offers]]\nname = \"C\"\nkind = \"commit\"\nperiod = \"month\"\namount = 4000\ndiscount = 0.2\n\
                  scope = { models = [\"m\"] }\n";
    let r = run(4, &workload(0.0), offers, "", cat);
    let on_n = 0.9e9 * 2.5e-6;
    close(offer(&r, "List")["cost"]["mean"].as_f64().unwrap(), 5000.0 + 3.0 * on_n, REL);
    close(r["volume"]["total_tokens"]["mean"].as_f64().unwrap(), 1e9 + 3.0 * 0.9e9, REL);
    // A discount locked to m ends with it; one that names n follows the traffic.
    close(offer(&r, "Locked")["cost"]["mean"].as_f64().unwrap(), 2500.0 + 3.0 * on_n, REL);
    close(offer(&r, "Follows")["cost"]["mean"].as_f64().unwrap(), 2500.0 + 3.0 * on_n * 0.5, REL);
    // A monthly commitment locked to m: January draws it down in full (5000 x 0.8);
    // from February it is billed and stranded, and n's traffic is billed at list.
    let c = offer(&r, "C");
    close(c["cost"]["mean"].as_f64().unwrap(), 4.0 * 4000.0 + 3.0 * on_n, REL);
    close(c["commitment"]["unused_mean"].as_f64().unwrap(), 3.0 * 4000.0, REL);
}

/// A successor that retires passes the traffic on: m retires after
/// January into k ($4 per 1M), k after February into n at 0.5 tokens for one.
#[test]
fn a_successor_that_retires_passes_the_traffic_on() {
    let cat = "retires = \"2027-01\"\nsuccessor = \"k\"\n\n[[model]]\nid = \"k\"\nprovider = \"p\"\n\
               input_per_mtok = 4.0\noutput_per_mtok = 4.0\nretires = \"2027-02\"\nsuccessor = \"n\"\n\
               successor_token_ratio = 0.5\n";
    let r = run(4, &workload(0.0), "", "", cat);
    close(offer(&r, "List")["cost"]["mean"].as_f64().unwrap(), 5000.0 + 4000.0 + 2.0 * 0.5e9 * 2.5e-6, REL);
    close(r["volume"]["total_tokens"]["mean"].as_f64().unwrap(), 2e9 + 2.0 * 0.5e9, REL);
}

/// The release-1 served share `E[min(X, r)] / E[X]` of a lognormal load
/// with mean 1 and `peak_to_mean` q, at capacity over mean load `r`.
fn served_at(r: f64, q: f64) -> f64 {
    let z99 = 2.326_347_874_040_840_8f64;
    let s = z99 - (z99 * z99 - 2.0 * q.ln()).sqrt();
    let mu = -s * s / 2.0;
    phi((r.ln() - mu - s * s) / s) + r * (1.0 - phi((r.ln() - mu) / s))
}

/// A reservation with `body` (its capacity and tiers) on one month of
/// January (31 days) of the workloads `w`: the offer's JSON block.
fn reservation(w: &str, body: &str, cat: &str) -> serde_json::Value {
    let pt = format!(
        "[[offers]]\nname = \"PT\"\nkind = \"provisioned\"\nunits = 10\nunit_price = 1.5\nprice_basis = \"hour\"\n\
         load = {{ peak_to_mean = 2.0 }}\n{body}\n"
    );
    let r = run(1, w, &pt, "", cat);
    offer(&r, "PT").clone()
}

/// SPEC 6.2 dual limits: each limit's capacity over its mean load, the
/// smaller binds and sets the served share; utilisation is the binding
/// limit's. The workload: 1e9 tokens, 0.6 input, 0.1 cached (counted as
/// input), 0.3 output; 10 units of 100k input and 10k output per minute.
#[test]
fn dual_limits_serve_up_to_the_binding_one() {
    let minutes = 1440.0 * 31.0;
    let w = |input: f64, cached: f64, output: f64| {
        format!(
            "[[workloads]]\nname = \"w\"\nmodel = \"m\"\nmonthly_tokens = 1.0e9\ninput_share = {input}\n\
             cached_share = {cached}\noutput_share = {output}\ngrowth_annual = 0.0\nvolatility_monthly = 0.0\n"
        )
    };
    let limits = "limits_per_unit = { input = 100_000, output = 10_000 }";
    let fee = 10.0 * 1.5 * 24.0 * 31.0;
    for (mix, binds_output) in [((0.6, 0.1, 0.3), true), ((0.95, 0.04, 0.01), false)] {
        let (i, c, o) = mix;
        let list = 1e9 * (i * 2.0 + c * 0.5 + o * 8.0) / 1e6;
        let (l_in, l_out): (f64, f64) = (1e9 * (i + c) / minutes, 1e9 * o / minutes);
        let (r_in, r_out) = (1e6 / l_in, 1e5 / l_out);
        let r = r_in.min(r_out);
        assert_eq!(r_out < r_in, binds_output);
        let served = served_at(r, 2.0);
        let p = reservation(&w(i, c, o), limits, "");
        close(p["cost"]["mean"].as_f64().unwrap(), fee + (1.0 - served) * list, 1e-7);
        // The binding limit's served load over its capacity.
        let util = if binds_output { served * l_out / 1e5 } else { served * l_in / 1e6 };
        close(p["provisioned"]["utilization_mean"].as_f64().unwrap(), util, 1e-7);
        close(p["provisioned"]["spillover_share_mean"].as_f64().unwrap(), 1.0 - served, 1e-7);
        // Each limit's own utilisation, and the month counted for the binding one.
        let limits = p["provisioned"]["limits"].as_array().unwrap();
        let (input, output) = (&limits[0], &limits[1]);
        assert_eq!((input["limit"].as_str(), output["limit"].as_str()), (Some("input"), Some("output")));
        close(input["utilization_mean"].as_f64().unwrap(), served * l_in / 1e6, 1e-7);
        close(output["utilization_mean"].as_f64().unwrap(), served * l_out / 1e5, 1e-7);
        let binding = if binds_output { (0.0, 1.0) } else { (1.0, 0.0) };
        assert_eq!(
            (input["binding_months"].as_f64(), output["binding_months"].as_f64()),
            (Some(binding.0), Some(binding.1))
        );
    }
}

/// SPEC 6.2 list-dollar capacity: the load is the eligible traffic's list
/// cost per minute, so a list-price cut lets the same reservation serve
/// more tokens. 10 units of $0.10 a minute against $5,000 (then, after the
/// February cut of output to $4, $3,000) a month.
#[test]
fn list_dollar_capacity_serves_more_after_a_price_cut() {
    let sched = "[[model.schedule]]\nfrom = \"2027-02\"\noutput_per_mtok = 4.0\n";
    let pt =
        "[[offers]]\nname = \"PT\"\nkind = \"provisioned\"\nunits = 10\nunit_price = 100\nprice_basis = \"month\"\n\
              load = { peak_to_mean = 2.0 }\nlist_usd_per_minute_per_unit = 0.10\n";
    let r = run(2, &workload(0.0), pt, "", sched);
    let p = offer(&r, "PT");
    let (jan, feb) = (1440.0 * 31.0, 1440.0 * 28.0);
    let (s1, s2) = (served_at(1.0 / (5000.0 / jan), 2.0), served_at(1.0 / (3000.0 / feb), 2.0));
    assert!(s2 > s1);
    close(p["cost"]["mean"].as_f64().unwrap(), 2.0 * 1000.0 + (1.0 - s1) * 5000.0 + (1.0 - s2) * 3000.0, 1e-7);
    // Utilisation: served list dollars over capacity dollars, weighted by capacity-minutes.
    let util = (s1 * 5000.0 + s2 * 3000.0) / (1.0 * (jan + feb));
    close(p["provisioned"]["utilization_mean"].as_f64().unwrap(), util, 1e-7);
}

/// SPEC 6.2 `eligible_tiers`: priority traffic is served only when named,
/// and batch traffic is never served once the tiers are named; what is not
/// served is billed at its list price. The workload: 1e9 tokens at $5 per
/// 1M, 20% priority (x2), 30% batch (x0.5); capacity far above the load,
/// so every eligible token is served.
#[test]
fn eligible_tiers_decide_what_the_capacity_serves() {
    let w =
        "[[workloads]]\nname = \"w\"\nmodel = \"m\"\nmonthly_tokens = 1.0e9\ninput_share = 0.5\noutput_share = 0.5\n\
             priority_share = 0.2\nbatch_share = 0.3\ngrowth_annual = 0.0\nvolatility_monthly = 0.0\n";
    let cat = "priority_multiplier = 2.0\n";
    let big = "tokens_per_minute_per_unit = 1e7";
    let fee = 10.0 * 1.5 * 24.0 * 31.0;
    let cost = |body: &str| reservation(w, body, cat)["cost"]["mean"].as_f64().unwrap();
    // List by tier: standard 0.5 x $5,000 (always served), priority 0.2 x $10,000, batch 0.3 x $2,500.
    let (prio, batch) = (2000.0, 750.0);
    // Without eligible_tiers: standard and batch served (release 1), priority at list.
    close(cost(big), fee + prio, REL);
    close(cost(&format!("{big}\neligible_tiers = [\"standard\", \"priority\"]")), fee + batch, REL);
    close(cost(&format!("{big}\neligible_tiers = [\"standard\"]")), fee + prio + batch, REL);
    // As a portfolio's layer it passes the tiers it does not serve on to the
    // rest of the portfolio (here: list price), so the portfolio costs the same.
    let pt = format!(
        "[[offers]]\nname = \"PT\"\nkind = \"provisioned\"\nunits = 10\nunit_price = 1.5\nprice_basis = \"hour\"\n\
         load = {{ peak_to_mean = 2.0 }}\n{big}\neligible_tiers = [\"standard\"]\n\
         [[portfolios]]\nname = \"Mix\"\nlayers = [\"PT\"]\n"
    );
    let r = run(1, w, &pt, "", cat);
    let mix = r["portfolios"].as_array().unwrap().iter().find(|p| p["name"] == "Mix").unwrap();
    close(mix["cost"]["mean"].as_f64().unwrap(), fee + prio + batch, REL);
}

/// SPEC 6.2 `weights`: per-class weights of effective tokens; a class
/// weighted 0 loads nothing. Cached reads weighted 0 and output 4: the
/// load of 1e9 tokens (0.4 input, 0.4 cached, 0.2 output) is 1.2e9.
#[test]
fn class_weights_set_the_effective_load() {
    let w =
        "[[workloads]]\nname = \"w\"\nmodel = \"m\"\nmonthly_tokens = 1.0e9\ninput_share = 0.4\ncached_share = 0.4\n\
             output_share = 0.2\ngrowth_annual = 0.0\nvolatility_monthly = 0.0\n";
    let p = reservation(w, "tokens_per_minute_per_unit = 3000\nweights = { cached = 0, output = 4 }", "");
    let minutes = 1440.0 * 31.0;
    let lambda = 1.2e9 / minutes;
    let served = served_at(3e4 / lambda, 2.0);
    close(p["provisioned"]["utilization_mean"].as_f64().unwrap(), served * lambda / 3e4, 1e-7);
}

/// SPEC 6.2 `units_schedule`: capacity by month, each entry holding until
/// the next; a month without units serves nothing and weighs nothing in
/// utilisation. 10 units in January, none in February, 20 in March, at
/// $100 a unit-month and 1000 effective tokens per minute each; load 2e9
/// effective tokens a month (the workload with output weight 3).
#[test]
fn a_units_schedule_sets_capacity_month_by_month() {
    let pt = "[[offers]]\nname = \"PT\"\nkind = \"provisioned\"\nunit_price = 100\nprice_basis = \"month\"\n\
              tokens_per_minute_per_unit = 1000\noutput_weight = 3.0\nload = { peak_to_mean = 2.0 }\nincrement = 5\n\
              units_schedule = [{ from = \"2027-01\", units = 10 }, { from = \"2027-02\", units = 0 }, { from = \"2027-03\", units = 20 }]\n";
    let r = run(3, &workload(0.0), pt, "", "");
    let p = offer(&r, "PT");
    let minutes = [31.0 * 1440.0, 28.0 * 1440.0, 31.0 * 1440.0];
    let units = [10.0, 0.0, 20.0];
    let served: Vec<f64> = (0..3)
        .map(|t| if units[t] > 0.0 { served_at(units[t] * 1000.0 / (2e9 / minutes[t]), 2.0) } else { 0.0 })
        .collect();
    let cost = 100.0 * 30.0 + (0..3).map(|t| (1.0 - served[t]) * 5000.0).sum::<f64>();
    close(p["cost"]["mean"].as_f64().unwrap(), cost, 1e-7);
    let util = (served[0] * 2e9 + served[2] * 2e9) / (1000.0 * (10.0 * minutes[0] + 20.0 * minutes[2]));
    close(p["provisioned"]["utilization_mean"].as_f64().unwrap(), util, 1e-7);
    close(p["provisioned"]["spillover_share_mean"].as_f64().unwrap(), 1.0 - served.iter().sum::<f64>() / 3.0, 1e-7);
}
