//! `track` (SPEC 6.5, 6.10), end to end on real files.
//!
//! 1. With no uncertainty left (zero volatility, fixed growth, no price
//!    change) every figure equals a hand computation.
//! 2. At signature (`--as-of` the month before the start: no month actual)
//!    the term-end figures are `simulate`'s; with every month actual they
//!    are exact.
//! 3. Exit status 3 only when the alert level is exceeded, the output
//!    complete either way.
//!
//! Credits that expire (the issue's fourth hand case) wait for credits
//! offers, which another branch builds; `track` refuses them until then.

use crate::util::{catalog, close, cmd, offer, repo, simulate_json, Dir};

const REL: f64 = 1e-9;

/// One deterministic workload `w` on `m`: 1e9 tokens a month, half input
/// half output ($5 per 1M at list: 0.5 × 2 + 0.5 × 8), so $5,000 a month.
fn scenario(offers: &str, extra: &str) -> String {
    format!(
        r#"name = "track"
start = "2027-01"
horizon_months = 12
catalog = "prices.toml"
[simulation]
paths = 200
seed = 3
[risk]
waste_tolerance = 0.05
max_overcommit_probability = 0.10
{extra}
[[workloads]]
name = "w"
model = "m"
monthly_tokens = 1.0e9
input_share = 0.5
output_share = 0.5
growth_annual = 0.0
volatility_monthly = 0.0
[[offers]]
name = "List"
kind = "payg"
{offers}
"#
    )
}

/// A yearly commit of `amount` at 10% off over 12 months.
fn commit(amount: f64, period: &str, overage: &str) -> String {
    format!(
        r#"[[offers]]
name = "C"
kind = "commit"
unit = "usd"
period = "{period}"
term_months = 12
amount = {amount}
discount = 0.10
overage = "{overage}"
"#
    )
}

/// Actuals of `w` on `m`: `tokens[i]` in month 2027-(i+1), half input half output.
fn actuals(tokens: &[f64]) -> String {
    let mut s = String::from("month,workload,model,input_tokens,output_tokens,cached_input_tokens\n");
    for (i, t) in tokens.iter().enumerate() {
        let half = (t / 2.0) as u64;
        s.push_str(&format!("2027-{:02},w,m,{half},{half},0\n", i + 1));
    }
    s
}

struct Case {
    dir: Dir,
    scenario: std::path::PathBuf,
    actuals: std::path::PathBuf,
}

fn case(offers: &str, tokens: &[f64]) -> Case {
    let dir = Dir::new();
    dir.write("prices.toml", &catalog(""));
    let scenario = dir.write("s.toml", &scenario(offers, ""));
    let actuals = dir.write("actuals.csv", &actuals(tokens));
    Case { dir, scenario, actuals }
}

/// Runs `track` and returns (exit code, stdout, stderr).
fn run(c: &Case, offer: &str, extra: &[&str]) -> (i32, String, String) {
    let out = cmd()
        .arg("track")
        .arg(&c.scenario)
        .args(["--offer", offer, "--actuals"])
        .arg(&c.actuals)
        .args(extra)
        .output()
        .expect("run");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

fn json(c: &Case, offer: &str, extra: &[&str]) -> serde_json::Value {
    let mut args = vec!["--format", "json"];
    args.extend_from_slice(extra);
    let (code, out, err) = run(c, offer, &args);
    assert_eq!(code, 0, "track failed: {err}");
    serde_json::from_str(&out).expect("valid JSON")
}

fn f(v: &serde_json::Value) -> f64 {
    v.as_f64().unwrap_or_else(|| panic!("not a number: {v}"))
}

/// $80k a year, 10% off: $4,500 a month drawn (5,000 × 0.9), 3 months
/// actual, 9 more continuing at the last actual month. The term draws
/// $54,000; $26,000 is unused, above the 5% tolerance ($4,000) on every path.
#[test]
fn a_commitment_that_ends_unused_and_its_catch_up() {
    let c = case(&commit(80_000.0, "year", "discounted"), &[1e9, 1e9, 1e9]);
    let r = json(&c, "C", &["--as-of", "2027-03"]);
    assert_eq!(r["as_of"], "2027-03");
    assert_eq!(r["months_actual"], 3);
    close(f(&r["committed_to_date"]), 80_000.0, REL);
    close(f(&r["consumed_to_date"]), 13_500.0, REL);
    close(f(&r["balance"]), 80_000.0 - 13_500.0, REL);
    let bd = r["burn_down"].as_array().unwrap();
    assert_eq!(bd.len(), 12);
    for (t, b) in bd.iter().enumerate() {
        let want = 4_500.0 * (t + 1) as f64;
        assert_eq!(b["month"], format!("2027-{:02}", t + 1));
        for q in ["p5", "p50", "p95"] {
            close(f(&b[q]), want, REL);
        }
        if t < 3 {
            close(f(&b["actual"]), want, REL);
        } else {
            assert!(b["actual"].is_null());
        }
    }
    let e = &r["term_end"];
    assert_eq!(f(&e["prob_overcommit"]), 1.0);
    close(f(&e["unused_mean"]), 26_000.0, REL);
    assert_eq!(f(&e["overage_mean"]), 0.0);
    assert_eq!(f(&e["prob_run_out"]), 0.0);
    for q in ["p10", "p50", "p90"] {
        assert!(e["run_out_month"][q].is_null(), "{q}");
    }
    let p = r["periods"].as_array().unwrap();
    assert_eq!(p.len(), 1);
    assert_eq!((p[0]["start"].as_str(), p[0]["end"].as_str()), (Some("2027-01"), Some("2027-12")));
    close(f(&p[0]["consumed_to_date"]), 13_500.0, REL);
    close(f(&p[0]["unused_mean"]), 26_000.0, REL);
    // Catch-up: unused at most $4,000 needs 9 × 0.9 × X >= 22,000, so X =
    // 22,000 / 8.1 = $2,716.049..., the smallest cent above it $2,716.05.
    assert_eq!(f(&r["catch_up_monthly"]), 2_716.05);
    assert_eq!(f(&r["headroom_monthly"]), 0.0);
}

/// $40k a year: the cumulative draw passes $40,000 in month 9 ($40,500).
/// The term draws $54,000: $14,000 over, billed at the discounted price
/// (and at list, 14,000 / 0.9). Nothing unused: a catch-up of zero, and
/// spend could move away until the draw falls to $38,000 (unused $2,000,
/// 5% of $40,000): 9 × 0.9 × Y <= 16,000, Y = 1,975.308..., $1,975.30.
#[test]
fn a_commitment_that_runs_out_mid_term_and_its_headroom() {
    for (overage, m) in [("discounted", 1.0), ("list", 1.0 / 0.9)] {
        let c = case(&commit(40_000.0, "year", overage), &[1e9, 1e9, 1e9]);
        let r = json(&c, "C", &[]);
        assert_eq!(r["as_of"], "2027-03", "the actuals' last month by default");
        let e = &r["term_end"];
        assert_eq!(f(&e["prob_run_out"]), 1.0);
        for q in ["p10", "p50", "p90"] {
            assert_eq!(e["run_out_month"][q], "2027-09", "{q}");
        }
        assert_eq!(f(&e["prob_overcommit"]), 0.0);
        assert_eq!(f(&e["unused_mean"]), 0.0);
        close(f(&e["overage_mean"]), 14_000.0 * m, REL);
        close(f(&r["balance"]), 40_000.0 - 13_500.0, REL);
        assert_eq!(f(&r["catch_up_monthly"]), 0.0);
        assert_eq!(f(&r["headroom_monthly"]), 1_975.30);
    }
}

/// Quarterly periods of $20k (80k over the term) with 4 months actual:
/// each quarter draws $13,500 and leaves $6,500 unused (above 5% of
/// $20,000); the first quarter is closed, so the periods not yet closed
/// are quarters 2 to 4, and no spend can undo the first quarter's $6,500,
/// above the term's $4,000 tolerance: there is no catch-up.
#[test]
fn periods_not_yet_closed_and_a_catch_up_that_cannot_be() {
    let c = case(&commit(20_000.0, "quarter", "discounted"), &[1e9; 4]);
    let r = json(&c, "C", &[]);
    close(f(&r["committed_to_date"]), 40_000.0, REL);
    close(f(&r["consumed_to_date"]), 18_000.0, REL);
    let p = r["periods"].as_array().unwrap();
    assert_eq!(p.iter().map(|x| x["period"].as_u64().unwrap()).collect::<Vec<_>>(), [2, 3, 4]);
    close(f(&p[0]["consumed_to_date"]), 4_500.0, REL);
    for x in p {
        assert_eq!(f(&x["prob_overcommit"]), 1.0);
        close(f(&x["unused_mean"]), 6_500.0, REL);
    }
    close(f(&r["term_end"]["unused_mean"]), 26_000.0, REL);
    assert!(r["catch_up_monthly"].is_null());
}

/// Every month actual: no simulated month, every figure exact (a hand
/// computation on the actuals), the quantiles equal to the actual line.
#[test]
fn with_every_month_actual_the_figures_are_exact() {
    let tokens: Vec<f64> = (1..=12).map(|t| 1e9 * (0.5 + 0.1 * t as f64)).collect();
    let c = case(&commit(60_000.0, "year", "list"), &tokens);
    let r = json(&c, "C", &["--as-of", "2027-12"]);
    let draw: f64 = tokens.iter().map(|t| t * 5e-6 * 0.9).sum();
    close(f(&r["consumed_to_date"]), draw, REL);
    let e = &r["term_end"];
    close(f(&e["overage_mean"]), (draw - 60_000.0) / 0.9, REL);
    assert_eq!(f(&e["unused_mean"]), 0.0);
    assert_eq!(f(&e["unused_std_error"]), 0.0);
    assert_eq!(f(&e["overage_std_error"]), 0.0);
    // Cumulative draw passes $60,000: month k with sum_{t<=k} 4.5 (0.5 + 0.1 t) 1e3 > 60e3.
    let mut acc = 0.0;
    let k = tokens.iter().position(|t| {
        acc += t * 5e-6 * 0.9;
        acc > 60_000.0
    });
    assert_eq!(e["run_out_month"]["p50"], format!("2027-{:02}", k.unwrap() + 1));
    assert!(r["periods"].as_array().unwrap().is_empty(), "every period closed");
    for b in r["burn_down"].as_array().unwrap() {
        assert_eq!(b["p5"], b["actual"]);
        assert_eq!(b["p95"], b["actual"]);
    }
    assert_eq!(f(&r["catch_up_monthly"]), 0.0);
}

/// The example scenario with fewer paths, and actuals of its five workloads.
fn example(paths: u64, seed: u64) -> (Dir, std::path::PathBuf, std::path::PathBuf) {
    let d = Dir::new();
    let text = std::fs::read_to_string(repo("scenarios/example.toml")).unwrap();
    let text = text
        .replace("catalog = \"prices.toml\"", &format!("catalog = {:?}", repo("scenarios/prices.toml")))
        .replace("paths = 20000", &format!("paths = {paths}"))
        .replace("seed = 7", &format!("seed = {seed}"));
    let s = d.write("example.toml", &text);
    let mut a = String::from("month,workload,model,input_tokens,output_tokens,cached_input_tokens\n");
    for (w, m, v) in [
        ("support-bot", "azure-gpt-4.1", 8.2e9),
        ("email-drafting", "azure-gpt-4.1", 3.0e9),
        ("code-assist", "claude-sonnet-5-5", 7.5e9),
        ("ticket-triage", "claude-haiku-5-5", 31e9),
        ("contract-review", "claude-opus-5-5", 1.6e9),
    ] {
        for k in 1..=6 {
            let v = v * (1.0 + 0.02 * k as f64);
            a.push_str(&format!(
                "2027-{k:02},{w},{m},{},{},{}\n",
                (v * 0.7) as u64,
                (v * 0.2) as u64,
                (v * 0.1) as u64
            ));
        }
    }
    let actuals = d.write("actuals.csv", &a);
    (d, s, actuals)
}

fn track_json(s: &std::path::Path, actuals: &std::path::Path, extra: &[&str]) -> serde_json::Value {
    let out = cmd()
        .arg("track")
        .arg(s)
        .args(["--offer", "Anthropic commit", "--format", "json", "--actuals"])
        .arg(actuals)
        .args(extra)
        .output()
        .expect("run");
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    serde_json::from_slice(&out.stdout).unwrap()
}

/// At signature, the same futures as `simulate` (the same seed): the same
/// term-end figures to rounding; with another seed, within 4 standard
/// errors of Monte Carlo.
#[test]
fn at_signature_track_is_simulate() {
    let (_d, s, actuals) = example(4000, 7);
    let sim = simulate_json(&s, &[]);
    let cm = &offer(&sim, "Anthropic commit")["commitment"];
    let t = track_json(&s, &actuals, &["--as-of", "2026-12"]);
    assert_eq!(t["months_actual"], 0);
    assert_eq!(f(&t["consumed_to_date"]), 0.0);
    let e = &t["term_end"];
    close(f(&e["prob_overcommit"]), f(&cm["prob_overcommit"]), 1e-12);
    close(f(&e["unused_mean"]), f(&cm["unused_mean"]), 1e-9);
    close(f(&e["overage_mean"]), f(&cm["overage_mean"]), 1e-9);
    close(f(&t["committed"]), f(&cm["committed"]), 1e-12);
    // Another seed: independent futures, the same distribution.
    let t2 = track_json(&s, &actuals, &["--as-of", "2026-12", "--seed", "11"]);
    let e2 = &t2["term_end"];
    let n = 4000.0;
    for (k, se) in [("unused_mean", "unused_std_error"), ("overage_mean", "overage_std_error")] {
        let diff = (f(&e2[k]) - f(&cm[k])).abs();
        let se = (f(&e2[se]).powi(2) + f(&e[se]).powi(2)).sqrt();
        assert!(diff <= 4.0 * se.max(1e-9), "{k}: {} vs {} (se {se})", f(&e2[k]), f(&cm[k]));
    }
    let (p1, p2) = (f(&cm["prob_overcommit"]), f(&e2["prob_overcommit"]));
    let se = ((p1 * (1.0 - p1) + p2 * (1.0 - p2)) / n).sqrt();
    assert!((p1 - p2).abs() <= 4.0 * se.max(1.0 / n), "prob_overcommit {p1} vs {p2}");
}

/// Mid-term, on the example: the actual months are the same on every path,
/// the simulated ones fan out from the last actual, and the output is the
/// same at one thread and at two.
#[test]
fn mid_term_the_fan_starts_at_the_last_actual_and_threads_do_not_matter() {
    let (_d, s, actuals) = example(1000, 7);
    let one = track_json(&s, &actuals, &["--threads", "1"]);
    let two = track_json(&s, &actuals, &["--threads", "2"]);
    assert_eq!(one, two);
    assert_eq!(one["as_of"], "2027-06");
    let bd = one["burn_down"].as_array().unwrap();
    assert_eq!(bd.len(), 24);
    let last = f(&bd[5]["actual"]);
    close(f(&one["consumed_to_date"]), last, REL);
    assert!(bd[6]["actual"].is_null());
    assert!(f(&bd[6]["p5"]) > last && f(&bd[6]["p5"]) < f(&bd[6]["p95"]));
    // Money at 4.2's price index from the contract's own month: with prices
    // falling 5-30% a year, month 7's draw is below what the actual June
    // volume costs at June's prices times the largest one-month growth.
    let june = last - f(&bd[4]["actual"]);
    assert!(f(&bd[6]["p50"]) - last < 1.2 * june);
}

/// Exit status 3 after the whole output, only above the alert level.
#[test]
fn exit_status_3_only_above_the_alert_level() {
    let c = case(&commit(80_000.0, "year", "discounted"), &[1e9, 1e9, 1e9]);
    // prob_overcommit is 1: above 0.5, not above 1.
    let (code, out, err) = run(&c, "C", &["--format", "json", "--alert-probability", "0.5"]);
    assert_eq!(code, 3, "{err}");
    let r: serde_json::Value = serde_json::from_str(&out).expect("complete JSON before the alert");
    assert_eq!(r["alert"], true);
    assert!(err.contains("alert:"), "{err}");
    let (code, out, _) = run(&c, "C", &["--format", "json", "--alert-probability", "1"]);
    assert_eq!(code, 0);
    assert_eq!(serde_json::from_str::<serde_json::Value>(&out).unwrap()["alert"], false);
    let (code, _, _) = run(&c, "C", &["--format", "json"]);
    assert_eq!(code, 0, "no alert level, no alert");
    // Written to a file, every format: the file is whole either way.
    for fmt in ["json", "table", "markdown", "html"] {
        let path = c.dir.path(&format!("status.{fmt}"));
        let (code, _, _) =
            run(&c, "C", &["--format", fmt, "--alert-probability", "0.5", "--out", path.to_str().unwrap()]);
        assert_eq!(code, 3, "{fmt}");
        let text = std::fs::read_to_string(&path).unwrap();
        assert!(text.contains("2027-12"), "{fmt}: the burn-down's last month");
    }
    // prob_overcommit 0: never above any level, 0 included.
    let ok = case(&commit(40_000.0, "year", "discounted"), &[1e9, 1e9, 1e9]);
    let (code, _, err) = run(&ok, "C", &["--alert-probability", "0"]);
    assert_eq!(code, 0, "{err}");
}

/// Bad input: exit status 2, naming what is wrong and the closest valid name.
#[test]
fn bad_input_names_the_problem() {
    let c = case(&commit(80_000.0, "year", "discounted"), &[1e9, 1e9]);
    let (code, _, err) = run(&c, "C", &["--as-of", "2028-01"]);
    assert_eq!(code, 2);
    assert!(err.contains("outside the term") && err.contains("2026-12") && err.contains("2027-12"), "{err}");
    let (code, _, err) = run(&c, "c ", &[]);
    assert_eq!(code, 2);
    assert!(err.contains("did you mean `C`"), "{err}");
    let (code, _, err) = run(&c, "List", &[]);
    assert_eq!(code, 2);
    assert!(err.contains("payg") && err.contains("commit offer"), "{err}");
    let (code, _, err) = run(&c, "C", &["--as-of", "2027-1"]);
    assert_eq!(code, 2, "{err}");
    std::fs::write(&c.actuals, "month,workload,model,input_tokens,output_tokens\n2027-01,ww,m,1,1\n").unwrap();
    let (code, _, err) = run(&c, "C", &[]);
    assert_eq!(code, 2);
    assert!(err.contains("`ww`") && err.contains("did you mean `w`") && err.contains("actuals.csv"), "{err}");
    std::fs::write(&c.actuals, "month,workload,model,input_tokens,output_tokens\n2027-01,w,n,1,1\n").unwrap();
    let (code, _, err) = run(&c, "C", &[]);
    assert_eq!(code, 2);
    assert!(err.contains("on model `n`") && err.contains("`m`"), "{err}");
}

/// A `[history]` workload is refitted on history and actuals: after three
/// actual months at twice the history's level, the forecast continues near
/// the new level, not the old.
#[test]
fn a_history_forecast_is_refitted_on_history_and_actuals() {
    let d = Dir::new();
    d.write("prices.toml", &catalog(""));
    let mut h = String::from("month,workload,model,input_tokens,output_tokens,cached_input_tokens\n");
    for k in 1..=12 {
        let v = 1e9 * (1.0 + 0.01 * ((k * 7) % 5) as f64);
        h.push_str(&format!("2026-{k:02},w,m,{},{},0\n", (v / 2.0) as u64, (v / 2.0) as u64));
    }
    d.write("history.csv", &h);
    let s = d.write(
        "s.toml",
        &scenario(&commit(80_000.0, "year", "discounted"), "[history]\nfile = \"history.csv\"\n")
            .replace("[[workloads]]\nname = \"w\"\nmodel = \"m\"\nmonthly_tokens = 1.0e9\ninput_share = 0.5\noutput_share = 0.5\ngrowth_annual = 0.0\nvolatility_monthly = 0.0\n", ""),
    );
    let a = d.write("a.csv", &actuals(&[2e9, 2e9, 2e9]));
    let out =
        cmd().arg("track").arg(&s).args(["--offer", "C", "--format", "json", "--actuals"]).arg(&a).output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let r: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let bd = r["burn_down"].as_array().unwrap();
    let month4 = f(&bd[3]["p50"]) - f(&bd[2]["actual"]);
    // $9,000 a month at 2e9 tokens (10% off), $4,500 at the history's level.
    assert!(month4 > 6_750.0 && month4 < 12_000.0, "month 4 draws {month4}");
}

/// A token commitment: 10e9 tokens over the year, 12e9 used (1e9 a month):
/// 2e9 tokens of overage, billed at the discounted price per token
/// ($5 per 1M × 0.9) = $9,000; the run-out month is the eleventh (11e9 > 10e9).
#[test]
fn a_token_commitment_counts_tokens_and_bills_its_overage_in_money() {
    let offer = "[[offers]]\nname = \"T\"\nkind = \"commit\"\nunit = \"tokens\"\nperiod = \"year\"\nterm_months = 12\n\
                 amount = 10.0e9\ndiscount = 0.10\noverage = \"discounted\"\n";
    let c = case(offer, &[1e9, 1e9]);
    let r = json(&c, "T", &[]);
    assert_eq!(r["unit"], "tokens");
    close(f(&r["consumed_to_date"]), 2e9, REL);
    close(f(&r["balance"]), 8e9, REL);
    close(f(&r["term_end"]["overage_mean"]), 2e9 * 5e-6 * 0.9, REL);
    assert_eq!(r["term_end"]["run_out_month"]["p50"], "2027-11");
    assert_eq!(f(&r["catch_up_monthly"]), 0.0);
}

/// Actuals as a vendor exports them (Anthropic's usage report: cache reads,
/// cache writes, batch traffic by service tier), read by the usage readers.
/// A dollar and a token commitment on the same actuals: the ratio of what
/// they count is the export's discounted price per token, with the batch
/// share the export states (39,000 of its 1,069,000 tokens) at half price
/// and cache writes at the input price: the month's partial-window scaling
/// cancels.
#[test]
fn actuals_from_a_vendor_export_are_priced_class_by_class() {
    let d = Dir::new();
    let s = format!(
        r#"name = "export"
start = "2026-11"
horizon_months = 12
catalog = {cat:?}
[simulation]
paths = 100
[[workloads]]
name = "all"
model = "claude-sonnet-5-5"
monthly_tokens = 1.0e6
input_share = 0.5
output_share = 0.5
growth_annual = 0.0
volatility_monthly = 0.0
[[workloads]]
name = "all"
model = "claude-haiku-5-5"
monthly_tokens = 1.0e6
input_share = 0.5
output_share = 0.5
growth_annual = 0.0
volatility_monthly = 0.0
[[offers]]
name = "List"
kind = "payg"
[[offers]]
name = "U"
kind = "commit"
scope = {{ models = ["claude-sonnet-5-5"] }}
unit = "usd"
period = "year"
amount = 100.0
discount = 0.10
[[offers]]
name = "T"
kind = "commit"
scope = {{ models = ["claude-sonnet-5-5"] }}
unit = "tokens"
period = "year"
amount = 1.0e8
discount = 0.10
"#,
        cat = repo("scenarios/prices.toml")
    );
    let s = d.write("s.toml", &s);
    let export = repo("tests/fixtures/exports/anthropic_usage_1d.json");
    let get = |o: &str| {
        let out = cmd()
            .arg("-q")
            .arg("track")
            .arg(&s)
            .args(["--offer", o, "--format", "json", "--history-format", "anthropic-usage", "--actuals"])
            .arg(&export)
            .output()
            .unwrap();
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
        let r: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
        assert_eq!(r["as_of"], "2026-11");
        f(&r["consumed_to_date"])
    };
    let (usd, tokens) = (get("U"), get("T"));
    // Sonnet: input 150,000 + cache writes 50,000 at $2, cache reads 800,000 at $0.10, output 69,000 at $10.
    let list = (200_000.0 * 2.0 + 800_000.0 * 0.1 + 69_000.0 * 10.0) / 1e6;
    let batch = 39_000.0 / 1_069_000.0;
    let per_token = list / 1_069_000.0 * ((1.0 - batch) + batch * 0.5) * 0.9;
    close(usd / tokens, per_token, 1e-9);
}

/// The HTML status is one self-contained page: no script, nothing fetched,
/// input strings escaped, and its headline numbers those of the JSON.
#[test]
fn the_html_status_is_self_contained_escaped_and_agrees_with_the_json() {
    let d = Dir::new();
    d.write("prices.toml", &catalog(""));
    let s = d.write("s.toml", &scenario(&commit(80_000.0, "year", "discounted").replace("\"C\"", "\"C <b>&\""), ""));
    let a = d.write("a.csv", &actuals(&[1e9, 1e9, 1e9]));
    let c = Case { dir: d, scenario: s, actuals: a };
    let (code, html, err) = run(&c, "C <b>&", &["--format", "html"]);
    assert_eq!(code, 0, "{err}");
    assert!(html.starts_with("<!DOCTYPE html>") && html.contains("<svg"));
    assert!(!html.contains("<script") && !html.contains("src=\"http") && !html.contains("<b>&"));
    assert!(html.contains("C &lt;b&gt;&amp;"));
    let r = json(&c, "C <b>&", &[]);
    for key in ["committed", "consumed_to_date", "balance"] {
        assert!(html.contains(&format!("data-value=\"{}\"", f(&r[key]))), "{key}");
    }
    assert!(html.contains(&format!("data-value=\"{}\"", f(&r["catch_up_monthly"]))));
}

/// A launch that began by `as_of` happened if the actuals show it (then it
/// continues from its last actual month) and did not otherwise; one that
/// begins later keeps its month and its chance. With a fixed 2e9-token
/// launch from 2027-03 (probability 0.5), four months actual:
/// shown in the actuals, the last eight months draw 4,500 + 9,000 each.
#[test]
fn a_launch_is_known_from_the_actuals_once_it_has_begun() {
    let event = "[[forecast.events]]\nname = \"launch\"\nmodel = \"m\"\nprobability = 0.5\nstart = \"2027-03\"\n\
                 monthly_tokens = 2.0e9\ninput_share = 0.5\noutput_share = 0.5\n";
    let run_with = |launch: bool| {
        let d = Dir::new();
        d.write("prices.toml", &catalog(""));
        let s = d.write("s.toml", &scenario(&commit(80_000.0, "year", "discounted"), event));
        let mut a = actuals(&[1e9; 4]);
        if launch {
            a.push_str("2027-03,launch,m,1000000000,1000000000,0\n2027-04,launch,m,1000000000,1000000000,0\n");
        }
        let a = d.write("a.csv", &a);
        let c = Case { dir: d, scenario: s, actuals: a };
        json(&c, "C", &[])
    };
    let shown = run_with(true);
    close(f(&shown["consumed_to_date"]), 4.0 * 4_500.0 + 2.0 * 9_000.0, REL);
    let end = f(&shown["burn_down"][11]["p50"]);
    close(end, 12.0 * 4_500.0 + 10.0 * 9_000.0, REL);
    assert_eq!(f(&shown["term_end"]["prob_overcommit"]), 0.0);
    let not = run_with(false);
    close(f(&not["burn_down"][11]["p95"]), 12.0 * 4_500.0, REL);
}

/// Credits offers and umbrella commitments are refused with a reason, not
/// tracked as if they were a plain commitment.
#[test]
fn credits_and_umbrella_commitments_are_refused_with_a_reason() {
    for (offer, why) in
        [("Anthropic prepaid credits", "a credits offer"), ("Azure MACC umbrella", "an umbrella commitment")]
    {
        let out = cmd()
            .arg("track")
            .arg(repo("scenarios/portfolio.toml"))
            .args(["--offer", offer, "--actuals"])
            .arg(repo("scenarios/northwind-actuals-2027.csv"))
            .output()
            .unwrap();
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{err}");
        assert!(err.contains(why) && err.contains(offer), "{err}");
    }
}
