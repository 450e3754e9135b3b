//! `sweep`: closed forms for one lognormal month, levers against their closed
//! forms and against direct re-simulation, the provisioned marginal rule,
//! and bad input.

use crate::util::{catalog, cmd, offer, simulate_json, Dir};

/// Standard normal CDF and its inverse, independently of the crate.
fn phi(z: f64) -> f64 {
    0.5 * statrs::function::erf::erfc(-z / std::f64::consts::SQRT_2)
}
fn phi_inv(p: f64) -> f64 {
    -std::f64::consts::SQRT_2 * statrs::function::erf::erfc_inv(2.0 * p)
}

const SIGMA: f64 = 0.3;
const D: f64 = 0.2;
const TOL: f64 = 0.05;

/// One month; list spend L = 5000 exp(0.3 Z); a monthly commit at discount
/// 0.2 with overage at list. Consumption at discounted prices c = 0.8 L.
fn one_month(commit_extra: &str) -> String {
    format!(
        r#"name = "one month"
start = "2027-01"
horizon_months = 1
catalog = "prices.toml"
[simulation]
paths = 200000
seed = 3
[risk]
baseline = "List"
waste_tolerance = {TOL}
max_overcommit_probability = 0.10
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
name = "C"
kind = "commit"
period = "month"
amount = 4000
discount = {D}
overage = "list"
{commit_extra}
"#
    )
}

fn mu_c() -> f64 {
    ((1.0 - D) * 5000.0f64).ln()
}

/// E[(c - a)+] for lognormal c with log-mean mu_c and log-sd SIGMA.
fn call(a: f64, mu: f64) -> f64 {
    if a <= 0.0 {
        return (mu + SIGMA * SIGMA / 2.0).exp() - a;
    }
    let d1 = (mu + SIGMA * SIGMA - a.ln()) / SIGMA;
    (mu + SIGMA * SIGMA / 2.0).exp() * phi(d1) - a * phi(d1 - SIGMA)
}

fn sweep_json(dir: &Dir, scenario: &str, offer: &str, args: &[&str]) -> serde_json::Value {
    dir.write("prices.toml", &catalog(""));
    let s = dir.write("s.toml", scenario);
    let out = cmd().arg("sweep").arg(&s).args(["--offer", offer, "--format", "json"]).args(args).output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    serde_json::from_slice(&out.stdout).unwrap()
}

#[test]
fn commit_levels_match_the_closed_forms() {
    let d = Dir::new();
    let q = (mu_c() + SIGMA * phi_inv(D)).exp(); // the d-quantile of c
    let levels: Vec<String> = (0..41).map(|i| format!("{:.2}", q * (0.6 + 0.02 * i as f64))).collect();
    let r = sweep_json(&d, &one_month(""), "C", &["--levels", &levels.join(",")]);
    let mut best = (f64::INFINITY, 0.0);
    for l in r["levels"].as_array().unwrap() {
        let a = l["level"].as_f64().unwrap();
        let cost = l["cost_mean"].as_f64().unwrap();
        let want = a + call(a, mu_c()) / (1.0 - D);
        assert!((cost / want - 1.0).abs() < 0.005, "level {a}: cost {cost} vs closed form {want}");
        let p_over = phi((((1.0 - TOL) * a).ln() - mu_c()) / SIGMA);
        assert!((l["prob_overcommit"].as_f64().unwrap() - p_over).abs() < 0.01, "level {a}");
        if cost < best.0 {
            best = (cost, a);
        }
    }
    let opt = r["optimum"]["level"].as_f64().unwrap();
    assert_eq!(opt, best.1);
    assert!((opt / q - 1.0).abs() < 0.03, "optimum {opt} vs d-quantile {q}");
    // The recommendation is the largest level within the risk limit: below the
    // optimum, cost falls as the level rises, and so does the slack.
    let within: Vec<f64> = r["levels"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|l| l["prob_overcommit"].as_f64().unwrap() <= 0.10)
        .map(|l| l["level"].as_f64().unwrap())
        .collect();
    let largest = within.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    assert_eq!(r["recommended"].as_f64().unwrap(), largest);
    // The newsvendor reference is the same quantile, estimated from the pilot.
    let nv = r["newsvendor"]["level"].as_f64().unwrap();
    assert!((nv / q - 1.0).abs() < 0.03, "newsvendor {nv} vs {q}");
    assert!((r["break_even"]["utilization"].as_f64().unwrap() - 0.8).abs() < 1e-12);
}

#[test]
fn levers_match_closed_forms_and_direct_resimulation() {
    let d = Dir::new();
    // P(over-commitment) at 2800 is P(c < 2660) = 8.7%, within the 10% limit.
    let a = 2800.0;
    let r = sweep_json(&d, &one_month(""), "C", &["--levels", "1000,2000,2800"]);
    assert_eq!(r["levers_at"].as_f64().unwrap(), a, "recommended {}", r["recommended"]);
    let lever = |id: &str| r["levers"].as_array().unwrap().iter().find(|l| l["id"] == id).cloned();
    let change = |id: &str| lever(id).unwrap_or_else(|| panic!("no lever {id}"))["cost_mean_change"].as_f64().unwrap();
    let mu = mu_c();
    let base = a + call(a, mu) / (1.0 - D);
    // Overage at the discounted rate: the overage term loses its 1 / (1 - d).
    let want = a + call(a, mu) - base;
    assert!((change("overage_discounted") / want - 1.0).abs() < 0.02, "{} vs {want}", change("overage_discounted"));
    let want = 0.9 * a + call(0.9 * a, mu) / (1.0 - D) - base;
    assert!((change("commit_minus_10") / want - 1.0).abs() < 0.02, "{} vs {want}", change("commit_minus_10"));
    let mu2 = ((1.0 - D - 0.02) * 5000.0f64).ln();
    let want = a + call(a, mu2) / (1.0 - D - 0.02) - base;
    assert!((change("discount_plus_2") / want - 1.0).abs() < 0.02, "{} vs {want}", change("discount_plus_2"));
    // One period: rollover carries nothing anywhere.
    assert_eq!(change("rollover_25"), 0.0);
    assert_eq!(change("rollover_50"), 0.0);
    // Levers are sorted, largest saving first.
    let changes: Vec<f64> =
        r["levers"].as_array().unwrap().iter().map(|l| l["cost_mean_change"].as_f64().unwrap()).collect();
    assert!(changes.windows(2).all(|w| w[0] <= w[1]));

    // Direct re-simulation of each changed scenario, same seed.
    let cost_of = |extra: &str, amount: f64| {
        let text = one_month(extra).replace("amount = 4000", &format!("amount = {amount}"));
        let s = d.write("direct.toml", &text);
        offer(&simulate_json(&s, &[]), "C")["cost"]["mean"].as_f64().unwrap()
    };
    let base_direct = cost_of("", a);
    for (id, extra, amount) in [
        ("overage_discounted", "", a),
        ("commit_minus_10", "", 0.9 * a),
        ("discount_plus_2", "", a),
        ("rollover_50", "rollover_fraction = 0.5", a),
    ] {
        let extra_text = match id {
            "overage_discounted" => "overage_x = 1".to_string(),
            _ => extra.to_string(),
        };
        let direct = match id {
            "overage_discounted" => {
                let text = one_month("")
                    .replace("overage = \"list\"", "overage = \"discounted\"")
                    .replace("amount = 4000", "amount = 2800");
                let s = d.write("direct.toml", &text);
                offer(&simulate_json(&s, &[]), "C")["cost"]["mean"].as_f64().unwrap()
            }
            "discount_plus_2" => {
                let text = one_month("")
                    .replace(&format!("discount = {D}"), &format!("discount = {}", D + 0.02))
                    .replace("amount = 4000", "amount = 2800");
                let s = d.write("direct.toml", &text);
                offer(&simulate_json(&s, &[]), "C")["cost"]["mean"].as_f64().unwrap()
            }
            _ => cost_of(&extra_text, amount),
        };
        let lever_change = change(id);
        let direct_change = direct - base_direct;
        assert!(
            (lever_change - direct_change).abs() <= 1e-9 * base_direct,
            "{id}: lever {lever_change} vs direct {direct_change}"
        );
    }
}

#[test]
fn provisioned_optimum_is_where_a_unit_saves_its_price() {
    let d = Dir::new();
    // Effective tokens 1e9 * (0.5 + 2 * 0.5) = 1.5e9 in January (44,640 minutes),
    // 1,000 effective tokens per minute per unit at $30 a month: a fully used
    // unit serves $5 * 1e-6 / 1.5 * 44.64e6 = $148.8 of list spend.
    let text = one_month("").replace(
        "[[offers]]\nname = \"C\"",
        "[[offers]]\nname = \"P\"\nkind = \"provisioned\"\nunits = 10\nunit_price = 30\nprice_basis = \"month\"\n\
         tokens_per_minute_per_unit = 1000\noutput_weight = 2.0\nload = { peak_to_mean = 2.5 }\n[[offers]]\nname = \"C\"",
    );
    let levels: Vec<String> = (10..=60).map(|u| u.to_string()).collect();
    let r = sweep_json(&d, &text, "P", &["--levels", &levels.join(",")]);
    let lv = r["levels"].as_array().unwrap();
    let cost = |u: usize| lv[u - 10]["cost_mean"].as_f64().unwrap();
    let opt = r["optimum"]["level"].as_f64().unwrap() as usize;
    assert!(opt > 10 && opt < 60, "optimum {opt} at the edge of the grid");
    // A unit costs $30; the spillover it saves is its price minus the change in cost.
    let saved = |u: usize| 30.0 - (cost(u + 1) - cost(u));
    assert!(saved(opt) <= 30.0 + 1e-9 && saved(opt - 1) >= 30.0 - 1e-9, "saved {} / {}", saved(opt - 1), saved(opt));
    // The critical-fractile reference lands within a unit or two.
    let nv = r["newsvendor"]["level"].as_f64().unwrap();
    assert!((nv - opt as f64).abs() <= 2.0, "reference {nv} vs optimum {opt}");
    let ids: Vec<&str> = r["levers"].as_array().unwrap().iter().map(|l| l["id"].as_str().unwrap()).collect();
    assert!(ids.contains(&"price_minus_10") && ids.contains(&"units_minus_10"));
}

/// A reservation is a commitment: `simulate` reports its over-commitment as
/// written, the share of paths whose utilisation is below the break-even,
/// and it is the sweep's at the same units to the last bit. The break-even
/// is the closed form: a unit's $30 over the $148.80 of list spend it serves
/// fully used (as in the test above).
#[test]
fn a_reservations_overcommitment_in_simulate_is_the_sweeps() {
    let d = Dir::new();
    // 150 units hold 150,000 effective tokens a minute against a mean load of
    // about 33,600: utilisation near 22%, around the break-even of 20.2%.
    let text = one_month("").replace("paths = 200000", "paths = 8000").replace(
        "[[offers]]\nname = \"C\"",
        "[[offers]]\nname = \"P\"\nkind = \"provisioned\"\nunits = 150\nunit_price = 30\nprice_basis = \"month\"\n\
         tokens_per_minute_per_unit = 1000\noutput_weight = 2.0\nload = { peak_to_mean = 2.5 }\n[[offers]]\nname = \"C\"",
    );
    let r = sweep_json(&d, &text, "P", &["--levels", "150"]);
    let at_sweep = r["levels"][0]["prob_overcommit"].as_f64().unwrap();
    let sim = simulate_json(&d.path("s.toml"), &[]);
    let p = &sim["offers"][1]["provisioned"];
    let be = p["break_even_utilization"].as_f64().unwrap();
    assert!((be / (30.0 / 148.8) - 1.0).abs() < 1e-12, "break-even {be}");
    let pover = p["prob_overcommit"].as_f64().unwrap();
    assert_eq!(pover.to_bits(), at_sweep.to_bits(), "simulate {pover} vs sweep {at_sweep}");
    assert!(pover > 0.05 && pover < 0.95, "{pover}: the test should sit near the break-even");
    // The terminal table shows it where a commitment's would be.
    let out = cmd().arg("simulate").arg(d.path("s.toml")).output().unwrap();
    let table = String::from_utf8_lossy(&out.stdout);
    let row = table.lines().find(|l| l.starts_with('P')).unwrap();
    assert!(row.contains(&format!("{:.1}%", 100.0 * pover)), "{row}");
}

#[track_caller]
fn sweep_fails(args: &[&str], needles: &[&str]) {
    let d = Dir::new();
    d.write("prices.toml", &catalog(""));
    let s = d.write("s.toml", &one_month(""));
    let out = cmd().arg("sweep").arg(&s).args(args).output().unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(!err.contains("panicked"), "{err}");
    for n in needles {
        assert!(err.contains(n), "expected {n:?} in {err}");
    }
}

#[test]
fn bad_sweep_requests_exit_2_with_reasons() {
    sweep_fails(&["--offer", "Commit"], &["no offer named `Commit`", "`List` (payg)", "`C` (commit)"]);
    sweep_fails(&["--offer", "List"], &["payg offer", "no commitment to sweep"]);
    sweep_fails(&["--offer", "C", "--levels", "-5,10"], &["--levels"]);
    sweep_fails(&["--offer", "C", "--levels", "300,100"], &["increasing order"]);
    sweep_fails(&["--offer", "C", "--levels", "100,100"], &["increasing order"]);
    sweep_fails(&["--offer", "C", "--levels", ""], &["--levels"]);
    sweep_fails(&["--offer", "C", "--from", "10"], &["--from X --to Y"]);
    sweep_fails(&["--offer", "C", "--from", "10", "--to", "5"], &["from < to"]);
    sweep_fails(&["--offer", "C", "--from", "0", "--to", "5", "--steps", "1"], &["--steps"]);
    sweep_fails(&["--levels", "1,2"], &["--offer"]);
    sweep_fails(&["--offer", "C", "--levels", "0,1e300"], &["--levels: levels must be at most 1e15"]);
    sweep_fails(&["--offer", "C", "--from", "0", "--to", "1e300"], &["--to: levels must be at most 1e15"]);
}

#[test]
fn default_grid_has_25_levels_from_zero_and_text_formats_render() {
    let d = Dir::new();
    d.write("prices.toml", &catalog(""));
    let s = d.write("s.toml", &one_month("").replace("paths = 200000", "paths = 5000"));
    let out = cmd().arg("sweep").arg(&s).args(["--offer", "C", "--format", "json"]).output().unwrap();
    let r: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let lv = r["levels"].as_array().unwrap();
    assert_eq!(lv.len(), 25);
    assert_eq!(lv[0]["level"].as_f64(), Some(0.0));
    // 1.5 × the p95 of one month's discounted consumption: 4000 exp(0.3 × 1.645) × 1.5 ≈ 9,830.
    let top = lv[24]["level"].as_f64().unwrap();
    assert!((top / (1.5 * 4000.0 * (SIGMA * 1.644_853_6f64).exp()) - 1.0).abs() < 0.05, "top level {top}");
    for f in ["table", "markdown", "csv"] {
        let out = cmd().arg("sweep").arg(&s).args(["--offer", "C", "--format", f]).output().unwrap();
        assert!(out.status.success());
        let text = String::from_utf8(out.stdout).unwrap();
        if f == "table" {
            assert!(text.contains("Recommended:") && text.contains("Levers at"));
            for line in text.lines() {
                assert!(line.chars().count() <= 100, "too wide: {line}");
            }
        }
        if f == "csv" {
            assert_eq!(text.lines().filter(|l| l.starts_with("level,")).count(), 25);
        }
    }
}

/// The levers billed in the sweep's own pass (the prediction held) equal
/// those of the separate lever pass (what a missed prediction runs) to
/// rounding; a wrong prediction falls back to that pass exactly.
#[test]
fn levers_in_the_run_equal_the_lever_pass() {
    use commitsim::api::Plan;
    use commitsim::api::Predicted;
    use commitsim::api::{at_level, find_offer, run_offers, Levels, SweepLayout};
    use commitsim::api::{Keep, RiskRule};
    use commitsim::api::{Overrides, Scenario};

    let sc = Scenario::load(
        &crate::util::repo("scenarios/example.toml"),
        Overrides { paths: Some(3000), seed: Some(5), sampling: None },
    )
    .unwrap();
    let plan = Plan::new(&sc);
    let idx = find_offer(&sc, "Anthropic commit").unwrap();
    let mut layout = SweepLayout::new(&sc, &plan, idx, &Levels::Default).unwrap();
    let report = |layout: &SweepLayout| {
        let mut offers = vec![(sc.offers[sc.risk.baseline].clone(), Keep::Cost, RiskRule::None)];
        offers.extend(layout.specs());
        let out = run_offers(&sc, &plan, &offers, false, &|_| {}).unwrap();
        layout.report(&sc, &plan, &out, 1, &out.offers[0].cost, &|_| {}).unwrap()
    };
    let in_run = report(&layout);
    assert_eq!(layout.predicted.as_ref().unwrap().at, in_run.levers_at, "the prediction held");
    layout.predicted = None;
    let pass = report(&layout);
    assert_eq!(in_run.levers.len(), pass.levers.len());
    for l in &in_run.levers {
        let p = pass.levers.iter().find(|p| p.id == l.id).unwrap();
        crate::util::close(l.cost_mean_change, p.cost_mean_change, 1e-9);
        assert_eq!(l.prob_overcommit_change, p.prob_overcommit_change, "{}", l.id);
    }
    let wrong = in_run.levels.iter().map(|l| l.level).find(|&l| l > 0.0 && l != in_run.levers_at).unwrap();
    layout.predicted = Some(Predicted::new(wrong, at_level(&layout.offer, wrong, sc.horizon), sc.horizon));
    assert_eq!(report(&layout), pass, "a missed prediction runs the lever pass");
}

/// The analysis notes are in the JSON's `warnings` and, for JSON readers, on
/// standard error too.
#[test]
fn sweep_notes_reach_json_readers_on_standard_error() {
    let d = Dir::new();
    d.write("prices.toml", &catalog(""));
    let s = d.write("s.toml", &one_month("").replace("paths = 200000", "paths = 2000"));
    let out = cmd()
        .arg("sweep")
        .arg(&s)
        .args(["--offer", "C", "--format", "json", "--levels", "20000,30000"])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let r: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let notes: Vec<&str> = r["warnings"].as_array().unwrap().iter().map(|w| w.as_str().unwrap()).collect();
    assert!(!notes.is_empty(), "{r}");
    let err = String::from_utf8_lossy(&out.stderr);
    for n in notes {
        assert!(err.contains(&format!("warning: {n}")), "{n:?} not in: {err}");
    }
}

/// When the recommendation is no commitment, the levers are valued at the
/// offer's own level, and every output says so in words (SPEC 6.9): the
/// sweep's note, the table, and in the brief the levers' section and the
/// first ask. A commitment at no discount only adds waste, so 0 is best.
#[test]
fn levers_at_a_zero_recommendation_are_valued_at_the_offers_own_level_and_say_so() {
    let d = Dir::new();
    let text = one_month("").replace("paths = 200000", "paths = 4000").replace("discount = 0.2", "discount = 0.0");
    let r = sweep_json(&d, &text, "C", &[]);
    assert_eq!(r["recommended"].as_f64(), Some(0.0), "{r}");
    assert_eq!(r["levers_at"].as_f64(), Some(4000.0));
    // The figure to propose is 0 too, and called what it is: no commitment, no rounding step.
    let p = &r["recommend"];
    assert_eq!((p["level"].as_f64(), p["rounding"].as_str()), (Some(0.0), Some("no_commitment")), "{p}");
    assert_eq!((p["rounding_step"].as_f64(), p["rounding_cost"].as_f64()), (Some(0.0), Some(0.0)), "{p}");
    let notes: Vec<&str> = r["warnings"].as_array().unwrap().iter().map(|w| w.as_str().unwrap()).collect();
    assert!(
        notes.iter().any(|n| n.contains("the recommended level is no commitment")
            && n.ends_with("the levers are valued at the offer's own level, $4.00k")),
        "{notes:?}"
    );
    let s = d.path("s.toml");
    let out = cmd().arg("sweep").arg(&s).args(["--offer", "C"]).output().unwrap();
    let table = String::from_utf8_lossy(&out.stdout);
    assert!(table.contains("Levers at $4.00k"), "{table}");
    assert!(table.contains("Propose: no commitment (saving"), "{table}");
    assert!(!table.contains("two significant figures"), "{table}");
    let md = d.path("brief.md");
    let out =
        cmd().arg("brief").arg(&s).args(["--offer", "C", "--format", "markdown", "--out"]).arg(&md).output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let brief = std::fs::read_to_string(&md).unwrap();
    assert!(brief.contains("on C at $4.00k, the offer's own level, as the sweep recommends no commitment"), "{brief}");
    assert!(brief.contains("Ask first for the concession worth most on C at $4.00k per month, its own level, as the sweep recommends no commitment"), "{brief}");
    // With a recommendation above zero, nothing of the kind is said.
    let text = one_month("").replace("paths = 200000", "paths = 4000");
    d.write("s.toml", &text);
    let r = sweep_json(&d, &text, "C", &[]);
    assert!(r["recommended"].as_f64().unwrap() > 0.0);
    assert!(!r["warnings"].to_string().contains("own level"), "{r}");
    let out =
        cmd().arg("brief").arg(&s).args(["--offer", "C", "--format", "markdown", "--out"]).arg(&md).output().unwrap();
    assert!(out.status.success());
    assert!(!std::fs::read_to_string(&md).unwrap().contains("own level"));
}

/// A level's savings standard error is that of `simulate` with the level
/// written into the offer: the same futures, `sd(savings) / √N`.
#[test]
fn a_levels_savings_standard_error_is_simulates_at_that_amount() {
    let d = Dir::new();
    let r = sweep_json(&d, &one_month(""), "C", &["--levels", "0,3000,6000", "--paths", "4000"]);
    for l in r["levels"].as_array().unwrap() {
        let level = l["level"].as_f64().unwrap();
        let s = d.write("at.toml", &one_month("").replace("amount = 4000", &format!("amount = {level}")));
        let sim = simulate_json(&s, &["--paths", "4000"]);
        let want = offer(&sim, "C")["savings"]["std_error"].as_f64().unwrap();
        let got = l["savings_std_error"].as_f64().unwrap();
        assert!((got - want).abs() <= 1e-9 * want.abs().max(1e-9), "level {level}: {got} vs {want}");
        if level > 0.0 {
            assert!(got > 0.0, "a commitment's saving varies from future to future");
        }
    }
}

/// A discount tier inside the default grid: its threshold and the level just
/// below it are billed, their costs match the closed form, and the cliff is
/// said in words; when it is the optimum, the optimum is the threshold.
#[test]
fn a_tier_threshold_joins_the_default_grid_and_its_cliff_is_said() {
    let d = Dir::new();
    // One tier at $3,000 a month: no discount below, 20% from there.
    let s =
        one_month("").replace(&format!("discount = {D}"), "discount_tiers = [{ min_commit = 3000, discount = 0.2 }]");
    let r = sweep_json(&d, &s, "C", &["--paths", "100000"]);
    let levels: Vec<f64> = r["levels"].as_array().unwrap().iter().map(|l| l["level"].as_f64().unwrap()).collect();
    assert!(levels.contains(&3000.0) && levels.contains(&(3000.0 * (1.0 - 0.0025))), "{levels:?}");
    assert!(levels.windows(2).all(|w| w[0] < w[1]), "sorted, no repeats");
    let tiers = r["tiers"].as_array().unwrap();
    assert_eq!(tiers.len(), 1);
    let t = &tiers[0];
    // Closed form: a level A at discount d costs A + E[(L - A/(1-d))+], L = 5000 exp(0.3 Z).
    let list_call = |k: f64| {
        let mu = 5000f64.ln();
        let d1 = (mu + SIGMA * SIGMA - k.ln()) / SIGMA;
        (mu + SIGMA * SIGMA / 2.0).exp() * phi(d1) - k * phi(d1 - SIGMA)
    };
    let at = 3000.0 + list_call(3000.0 / 0.8);
    let below = 2992.5 + list_call(2992.5);
    assert!((t["cost_mean"].as_f64().unwrap() / at - 1.0).abs() < 0.003, "{t} vs {at}");
    assert!((t["cost_mean_below"].as_f64().unwrap() / below - 1.0).abs() < 0.003, "{t} vs {below}");
    assert_eq!(t["discount"].as_f64(), Some(0.2));
    assert_eq!(t["discount_below"].as_f64(), Some(0.0));
    // Here the cliff is the cheapest level of all: the optimum is the threshold.
    assert_eq!(r["optimum"]["level"].as_f64(), Some(3000.0));
    let out = cmd().arg("sweep").arg(d.path("s.toml")).args(["--offer", "C", "--paths", "100000"]).output().unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    let saved = commitsim::api::money(t["cost_mean_below"].as_f64().unwrap() - t["cost_mean"].as_f64().unwrap(), "USD");
    let want = format!("Tier: at $3.00k per month the discount rises from 0.0% to 20.0%: expected cost {saved}");
    assert!(text.contains("Unconstrained optimum: $3.00k"), "{text}");
    assert!(text.replace("\n  ", " ").contains(&want), "{want}\n{text}");
}

/// The largest level within the risk limit of `one_month`, in closed form:
/// P(c < (1 - tol) A) = limit with c = 0.8 L lognormal.
fn risk_bound_level(limit: f64) -> f64 {
    (mu_c() + SIGMA * phi_inv(limit)).exp() / (1.0 - TOL)
}

#[test]
fn the_proposed_level_is_refined_rounded_and_the_same_on_a_finer_grid() {
    let d = Dir::new();
    // The unconstrained optimum (the 20% quantile of c) lies above the risk
    // bound (its 10% quantile): the risk limit binds, at A* = 2,866.
    let want = risk_bound_level(0.10);
    let coarse = sweep_json(&d, &one_month(""), "C", &[]);
    let top = coarse["levels"].as_array().unwrap().last().unwrap()["level"].as_f64().unwrap();
    let fine = sweep_json(&d, &one_month(""), "C", &["--from", "0", "--to", &top.to_string(), "--steps", "97"]);
    for r in [&coarse, &fine] {
        let p = &r["recommend"];
        assert_eq!(p["bound"], "risk_limit", "{p}");
        let refined = p["refined"]["level"].as_f64().unwrap();
        assert!((refined / want - 1.0).abs() < 0.015, "refined {refined} vs closed form {want}");
        assert!(p["refined"]["prob_overcommit"].as_f64().unwrap() <= 0.10);
        // Rounded to two significant figures on the safe side of the bound.
        assert_eq!(p["level"].as_f64(), Some(2800.0), "{p}");
        assert_eq!(p["rounding_step"].as_f64(), Some(100.0));
        assert_eq!(p["rounding"], "two_significant_figures");
        let cost = p["rounding_cost"].as_f64().unwrap();
        let exact = p["at"]["cost_mean"].as_f64().unwrap() - p["refined"]["cost_mean"].as_f64().unwrap();
        assert!(cost >= 0.0 && (cost - exact.max(0.0)).abs() <= 1e-9 * exact.abs().max(1.0), "{p}");
        // The proposed level's cost is the closed form's.
        let at = 2800.0 + call(2800.0, mu_c()) / (1.0 - D);
        assert!((p["at"]["cost_mean"].as_f64().unwrap() / at - 1.0).abs() < 0.005, "{p} vs {at}");
        // The sweep's own recommendation stays the grid level it was.
        assert_eq!(p["grid_level"], r["recommended"]);
    }
    let out = cmd().arg("sweep").arg(d.path("s.toml")).args(["--offer", "C"]).output().unwrap();
    let text = String::from_utf8_lossy(&out.stdout).replace("\n  ", " ");
    assert!(text.contains("Propose: $2.80k per month, rounded to two significant figures"), "{text}");
}

#[test]
fn a_tier_threshold_within_reach_is_the_figure_to_propose() {
    let d = Dir::new();
    // No discount below $3,250 a month, 20% from there: above the threshold
    // cost rises (the 20% quantile of c, $3,110, lies below it), so the
    // threshold is the optimum, within a 20% risk limit (P(over) there is
    // P(L < 3,859) = 19.4%), and not a two-significant-figure number.
    let s = one_month("")
        .replace(&format!("discount = {D}"), "discount_tiers = [{ min_commit = 3250, discount = 0.2 }]")
        .replace("max_overcommit_probability = 0.10", "max_overcommit_probability = 0.20");
    let r = sweep_json(&d, &s, "C", &["--paths", "100000"]);
    let p = &r["recommend"];
    assert_eq!(p["level"].as_f64(), Some(3250.0), "{p}");
    assert_eq!(p["rounding"], "tier_threshold");
    let over = phi(((0.95 * 3250.0 / 0.8) / 5000.0f64).ln() / SIGMA);
    assert!((p["at"]["prob_overcommit"].as_f64().unwrap() - over).abs() < 0.01, "{p} vs {over}");
    let out = cmd().arg("sweep").arg(d.path("s.toml")).args(["--offer", "C", "--paths", "100000"]).output().unwrap();
    let text = String::from_utf8_lossy(&out.stdout).replace("\n  ", " ");
    assert!(text.contains("Propose: $3.25k per month, a discount tier's threshold"), "{text}");
}
