//! `forecast`, `backtest`, and `simulate` from a usage history: the JSON
//! shapes, the promise that `simulate` bills the same predictive
//! distribution `forecast` shows, and every class of bad input (exit 2, the
//! file and what is expected named, never a panic).

use serde_json::Value;

use crate::util::{catalog, close, cmd, repo, Dir};

/// A monthly usage CSV: per series `(workload, model, months, level)`, every
/// series ending in `end` (`YYYY-MM`), growing about 3% a month with a fixed
/// wiggle so that fits are not exact.
fn monthly_csv(series: &[(&str, &str, usize, f64)], end: &str) -> String {
    let (ey, em): (i32, i32) = (end[..4].parse().unwrap(), end[5..].parse().unwrap());
    let end_index = ey * 12 + em - 1;
    let mut s = String::from("month,workload,model,input_tokens,output_tokens,cached_input_tokens\n");
    for &(w, m, n, level) in series {
        for k in 0..n {
            let i = end_index - (n - 1 - k) as i32;
            let v = level * (0.03 * k as f64 + 0.05 * ((k * 7 % 11) as f64 / 5.0 - 1.0)).exp();
            let (inp, out, cached) = ((v * 0.7).round(), (v * 0.2).round(), (v * 0.1).round());
            s += &format!("{:04}-{:02},{w},{m},{inp},{out},{cached}\n", i / 12, i % 12 + 1);
        }
    }
    s
}

/// A scenario reading `history.csv` next to it, with one pay-as-you-go offer.
fn scenario(start: &str, horizon: usize, extra: &str) -> String {
    format!(
        r#"name = "history test"
start = "{start}"
horizon_months = {horizon}
catalog = "prices.toml"

[history]
file = "history.csv"
{extra}

[[offers]]
name = "List"
kind = "payg"
"#
    )
}

/// A folder with `prices.toml`, `history.csv` and `scenario.toml`.
fn folder(history: &str, scenario_text: &str) -> Dir {
    let d = Dir::new();
    d.write("prices.toml", &catalog(""));
    d.write("history.csv", history);
    d.write("scenario.toml", scenario_text);
    d
}

/// Runs `args`, expects success, decodes the JSON on standard output.
fn json(args: &[&std::ffi::OsStr]) -> Value {
    let out = cmd().args(args).args(["--format", "json", "--quiet"]).output().unwrap();
    assert!(out.status.success(), "{:?} failed: {}", args, String::from_utf8_lossy(&out.stderr));
    serde_json::from_slice(&out.stdout).expect("valid JSON")
}

fn os<S: AsRef<std::ffi::OsStr> + ?Sized>(s: &S) -> &std::ffi::OsStr {
    s.as_ref()
}

fn floats(v: &Value) -> Vec<f64> {
    v.as_array().expect("array").iter().map(|x| x.as_f64().expect("number")).collect()
}

/// Asserts that a block of bands has `h` values per quantile, all finite,
/// non-negative and ordered p5 <= p10 <= p50 <= p90 <= p95.
#[track_caller]
fn assert_bands(b: &Value, h: usize) {
    let q: Vec<Vec<f64>> = ["p5", "p10", "p50", "p90", "p95", "mean"].iter().map(|k| floats(&b[*k])).collect();
    for (k, v) in q.iter().enumerate() {
        assert_eq!(v.len(), h, "quantile {k}");
        assert!(v.iter().all(|x| x.is_finite() && *x >= 0.0), "{v:?}");
    }
    for t in 0..h {
        let month: Vec<f64> = q[..5].iter().map(|v| v[t]).collect();
        assert!(month.windows(2).all(|w| w[0] <= w[1]), "month {t}: {month:?}");
    }
}

const TWO_SERIES: &[(&str, &str, usize, f64)] = &[("chat", "m", 30, 2e9), ("search", "n", 8, 5e8)];

#[test]
fn forecast_history_json_has_months_series_and_ordered_bands() {
    let d = folder(&monthly_csv(TWO_SERIES, "2026-12"), "");
    let h = d.path("history.csv");
    let r =
        json(&[os("forecast"), os("--history"), h.as_os_str(), os("--horizon"), os("6"), os("--paths"), os("2000")]);
    let months: Vec<&str> = r["months"].as_array().unwrap().iter().map(|m| m.as_str().unwrap()).collect();
    assert_eq!(months, ["2027-01", "2027-02", "2027-03", "2027-04", "2027-05", "2027-06"]);
    let series = r["series"].as_array().unwrap();
    assert_eq!(series.len(), 2);
    for (s, (w, m, n, _)) in series.iter().zip(TWO_SERIES) {
        assert_eq!((s["workload"].as_str().unwrap(), s["model"].as_str().unwrap()), (*w, *m));
        assert_bands(s, 6);
        assert!(s["method"].as_str().unwrap().starts_with("auto: "), "{}", s["method"]);
        let hist = s["history"].as_array().unwrap();
        assert_eq!(hist.len(), *n);
        assert_eq!(hist.last().unwrap()["month"], "2026-12");
    }
    assert_bands(&r["total"], 6);
    // Every path's total is the sum of its series, so the means add up.
    let total = floats(&r["total"]["mean"]);
    for (t, &tot) in total.iter().enumerate() {
        let sum: f64 = series.iter().map(|s| floats(&s["mean"])[t]).sum();
        close(tot, sum, 1e-12);
    }
    // The median a month ahead is near the last month.
    let last: f64 =
        series.iter().map(|s| s["history"].as_array().unwrap().last().unwrap()["tokens"].as_f64().unwrap()).sum();
    let p50 = floats(&r["total"]["p50"])[0];
    assert!((p50 / last - 1.0).abs() < 0.2, "p50 {p50:e} vs last {last:e}");
}

#[test]
fn forecast_history_drift_method_and_csv_output() {
    let d = folder(&monthly_csv(TWO_SERIES, "2026-12"), "");
    let h = d.path("history.csv");
    let r =
        json(&[os("forecast"), os("--history"), h.as_os_str(), os("--method"), os("drift"), os("--paths"), os("500")]);
    assert_eq!(r["months"].as_array().unwrap().len(), 12, "default horizon");
    assert!(r["series"][0]["method"].as_str().unwrap().starts_with("drift"));
    assert_bands(&r["total"], 12);
    let out =
        cmd().args(["forecast", "--history"]).arg(&h).args(["--paths", "500", "--format", "csv"]).output().unwrap();
    assert!(out.status.success());
    assert!(String::from_utf8_lossy(&out.stdout).lines().count() > 12);
}

#[test]
fn forecast_of_the_example_history_scenario() {
    let sc = repo("scenarios/example-history.toml");
    let r = json(&[os("forecast"), sc.as_os_str(), os("--paths"), os("2000")]);
    let months = r["months"].as_array().unwrap();
    assert_eq!((months.len(), months[0].as_str().unwrap()), (24, "2027-01"));
    let series = r["series"].as_array().unwrap();
    let names: Vec<(&str, &str)> =
        series.iter().map(|s| (s["workload"].as_str().unwrap(), s["model"].as_str().unwrap())).collect();
    for want in [
        ("support-bot", "azure-gpt-4.1"),
        ("email-drafting", "azure-gpt-4.1"),
        ("code-assist", "claude-sonnet-5-5"),
        ("ticket-triage", "claude-haiku-5-5"),
        ("contract-review", "claude-opus-5-5"),
        ("ops-agent", "claude-sonnet-5-5"),
        ("contract-review", "claude-sonnet-5-5"),
    ] {
        assert!(names.contains(&want), "{want:?} not in {names:?}");
    }
    for s in series {
        assert_bands(s, 24);
        let method = s["method"].as_str().unwrap();
        let hist = s["history"].as_array().unwrap();
        match (s["workload"].as_str().unwrap(), s["model"].as_str().unwrap()) {
            ("ops-agent", _) => assert_eq!(method, "event"),
            ("contract-review", "claude-sonnet-5-5") => {
                assert!(method.contains("routed from claude-opus-5-5"), "{method}");
                assert!(hist.is_empty());
            }
            _ => {
                assert!(method.starts_with("auto: "), "{method}");
                assert_eq!(hist.last().unwrap()["month"], "2026-12");
            }
        }
    }
    // The routed share starts in 2027-03: nothing moved before.
    let routed =
        series.iter().find(|s| s["model"] == "claude-sonnet-5-5" && s["workload"] == "contract-review").unwrap();
    assert_eq!(floats(&routed["p95"])[..2], [0.0, 0.0]);
    assert!(floats(&routed["p50"])[8] > 0.0);
    assert_bands(&r["total"], 24);
}

#[test]
fn example_history_simulates_and_sweeps() {
    let sc = repo("scenarios/example-history.toml");
    let r = json(&[os("simulate"), sc.as_os_str(), os("--paths"), os("2000")]);
    assert_eq!(r["offers"].as_array().unwrap().len(), 4);
    let out = cmd()
        .arg("sweep")
        .arg(&sc)
        .args(["--offer", "Anthropic commit", "--paths", "2000", "--format", "json", "--quiet"])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let r: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(r["parameter"], "amount");
    assert!(r["recommended"].as_f64().unwrap() > 0.0);
}

/// `simulate` bills the paths `forecast` summarises: same seed, same paths.
/// Per path, simulate's volume is the sum over months of forecast's total,
/// so the volume mean is the sum of the monthly means (to rounding).
#[test]
fn simulate_from_history_uses_the_forecast_distribution() {
    let sc = repo("scenarios/example-history.toml");
    let args = [os("--paths"), os("3000"), os("--seed"), os("11")];
    let sim = json(&[&[os("simulate"), sc.as_os_str()][..], &args].concat());
    let fc = json(&[&[os("forecast"), sc.as_os_str()][..], &args].concat());
    let monthly: f64 = floats(&fc["total"]["mean"]).iter().sum();
    close(sim["volume"]["total_tokens"]["mean"].as_f64().unwrap(), monthly, 1e-12);
    // A different seed gives a different mean: the agreement is not a coincidence of scale.
    let other = json(&[os("forecast"), sc.as_os_str(), os("--paths"), os("3000"), os("--seed"), os("12")]);
    let monthly_other: f64 = floats(&other["total"]["mean"]).iter().sum();
    assert!((monthly_other / monthly - 1.0).abs() > 1e-6);
}

/// With a one-month horizon a path's volume is its one month, so simulate's
/// volume quantiles and forecast's total quantiles are the same numbers.
#[test]
fn one_month_horizon_simulate_and_forecast_quantiles_are_identical() {
    let d = folder(&monthly_csv(TWO_SERIES, "2026-12"), &scenario("2027-01", 1, "[forecast]\ncorrelation = 0.3"));
    let sc = d.path("scenario.toml");
    let sim = json(&[os("simulate"), sc.as_os_str(), os("--paths"), os("2500"), os("--seed"), os("3")]);
    let fc = json(&[os("forecast"), sc.as_os_str(), os("--paths"), os("2500"), os("--seed"), os("3")]);
    let v = &sim["volume"]["total_tokens"];
    for (s, f) in [("p5", "p5"), ("p50", "p50"), ("p95", "p95"), ("mean", "mean")] {
        assert_eq!(v[s].as_f64().unwrap(), floats(&fc["total"][f])[0], "{s}");
    }
}

/// A `[history]` scenario starting the month after the history and
/// `forecast --history` on the same file draw the same paths.
#[test]
fn scenario_history_and_forecast_history_agree_exactly() {
    let d = folder(&monthly_csv(TWO_SERIES, "2026-12"), &scenario("2027-01", 6, ""));
    let (sc, h) = (d.path("scenario.toml"), d.path("history.csv"));
    let a = json(&[os("forecast"), sc.as_os_str(), os("--paths"), os("1500"), os("--seed"), os("9")]);
    let b = json(&[
        os("forecast"),
        os("--history"),
        h.as_os_str(),
        os("--horizon"),
        os("6"),
        os("--paths"),
        os("1500"),
        os("--seed"),
        os("9"),
    ]);
    assert_eq!(a["series"], b["series"]);
    assert_eq!(a["total"], b["total"]);
}

/// Months between the end of the history and `start` are simulated and
/// dropped: a scenario starting three months after the history shows
/// exactly months 4 to 6 of a forecast from the end of the history (without
/// correlation the gap months use the very same draws).
#[test]
fn a_gap_before_start_is_simulated_and_discarded() {
    for method in ["auto", "drift"] {
        let extra = format!("[forecast]\nmethod = \"{method}\"");
        let d = folder(&monthly_csv(&TWO_SERIES[..1], "2026-12"), &scenario("2027-04", 3, &extra));
        let sc = d.path("scenario.toml");
        let r = json(&[os("forecast"), sc.as_os_str(), os("--paths"), os("2000"), os("--seed"), os("2")]);
        let h = d.path("history.csv");
        let full = json(&[
            os("forecast"),
            os("--history"),
            h.as_os_str(),
            os("--method"),
            os(method),
            os("--horizon"),
            os("6"),
            os("--paths"),
            os("2000"),
            os("--seed"),
            os("2"),
        ]);
        assert_eq!(r["months"][0], "2027-04");
        for q in ["p5", "p10", "p50", "p90", "p95", "mean"] {
            assert_eq!(floats(&r["total"][q])[..], floats(&full["total"][q])[3..], "{method} {q}");
        }
    }
}

#[test]
fn backtest_json_scores_every_method_and_skips_short_series() {
    let series = &[("chat", "m", 36, 2e9), ("pilot", "n", 5, 1e8)];
    let d = folder(&monthly_csv(series, "2026-12"), "");
    let h = d.path("history.csv");
    let r = json(&[os("backtest"), os("--history"), h.as_os_str(), os("--holdout"), os("6"), os("--paths"), os("500")]);
    assert_eq!((r["holdout"].as_u64(), r["method"].as_str(), r["paths"].as_u64()), (Some(6), Some("auto"), Some(500)));
    let methods: Vec<&str> = r["pooled"].as_array().unwrap().iter().map(|p| p["method"].as_str().unwrap()).collect();
    assert_eq!(methods, ["auto", "rw_drift", "seasonal_naive"]);
    for p in r["pooled"].as_array().unwrap() {
        assert_eq!(p["months"], 6);
        let c: Vec<f64> =
            ["coverage_50", "coverage_80", "coverage_90"].iter().map(|k| p[*k].as_f64().unwrap()).collect();
        assert!(c.iter().all(|x| (0.0..=1.0).contains(x)) && c[0] <= c[1] && c[1] <= c[2], "{c:?}");
        assert!(p["msis_80"].as_f64().unwrap() > 0.0);
    }
    let s = &r["series"].as_array().unwrap()[0];
    assert_eq!(
        (s["workload"].as_str(), s["fit_months"].as_u64(), s["scale_lag"].as_u64()),
        (Some("chat"), Some(30), Some(12))
    );
    let skipped = r["skipped"].as_array().unwrap();
    assert_eq!(skipped.len(), 1);
    assert!(skipped[0].as_str().unwrap().contains("`pilot` on `n`: 5 months is too short"), "{skipped:?}");
    // The same seed gives the same scores.
    let again =
        json(&[os("backtest"), os("--history"), h.as_os_str(), os("--holdout"), os("6"), os("--paths"), os("500")]);
    assert_eq!(r["pooled"], again["pooled"]);
}

// ------------------------------------------------------------ bad input

/// Runs `args` (`{h}`, `{sc}`, `{cat}` replaced by the folder's files);
/// expects exit 2, no panic, and every needle in standard error.
#[track_caller]
fn rejects(d: &Dir, args: &[&str], needles: &[&str]) {
    let path = |n: &str| d.path(n).to_str().unwrap().to_string();
    let args: Vec<String> = args
        .iter()
        .map(|a| {
            a.replace("{h}", &path("history.csv"))
                .replace("{sc}", &path("scenario.toml"))
                .replace("{cat}", &path("prices.toml"))
        })
        .collect();
    let out = cmd().args(&args).output().unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{args:?}: stderr: {err}");
    assert!(!err.contains("panicked"), "{err}");
    for n in needles {
        assert!(err.contains(n), "{args:?}: expected {n:?} in: {err}");
    }
}

const FORECAST: &[&str] = &["forecast", "--history", "{h}", "--paths", "500"];
const BACKTEST: &[&str] = &["backtest", "--history", "{h}", "--holdout", "3", "--paths", "500"];
const SIMULATE: &[&str] = &["simulate", "{sc}", "--paths", "500"];

#[test]
fn too_short_history_asks_for_months_or_growth() {
    let d = folder(&monthly_csv(&[("chat", "m", 2, 1e9)], "2026-12"), &scenario("2027-01", 12, ""));
    let needles = ["history.csv", "`chat` on `m` has 2 month(s)", "at least 3", "Add earlier months", "growth_annual"];
    rejects(&d, FORECAST, &needles);
    rejects(&d, SIMULATE, &needles);
    rejects(&d, &["forecast", "{sc}"], &needles);
    rejects(&d, BACKTEST, &["history.csv", "no series is long enough", "`chat` on `m`: 2 months is too short"]);
    // Leading zeros do not count as history.
    let d = folder(
        "month,model,input_tokens,output_tokens\n2026-09,m,0,0\n2026-10,m,0,0\n2026-11,m,5,1\n2026-12,m,6,1\n",
        "",
    );
    rejects(&d, FORECAST, &["has 2 month(s)", "at least 3"]);
}

#[test]
fn stated_growth_and_volatility_make_a_short_history_usable() {
    let extra = "[forecast]\ngrowth_annual = 0.2\nvolatility_monthly = 0.05";
    let d = folder(&monthly_csv(&[("chat", "m", 2, 1e9)], "2026-12"), &scenario("2027-01", 12, extra));
    let r = json(&[os("forecast"), d.path("scenario.toml").as_os_str(), os("--paths"), os("500")]);
    assert_eq!(
        r["series"][0]["method"],
        "drift (growth [forecast] growth_annual, volatility [forecast] volatility_monthly)"
    );
}

#[test]
fn a_three_month_history_that_overflows_names_the_workload() {
    // Three months: growth is Student-t with 1 degree of freedom, so over 24
    // months some paths leave the range of numbers. simulate refuses, and
    // says why and what to do; forecast (quantiles) still works, with a warning.
    let d = folder(&monthly_csv(&[("chat", "m", 3, 1e9)], "2026-12"), &scenario("2027-01", 24, ""));
    rejects(&d, &["simulate", "{sc}", "--seed", "1"], &["scenario.toml", "`chat` (3 months)", "Add earlier months"]);
    let out = cmd().arg("forecast").arg(d.path("scenario.toml")).args(["--paths", "500"]).output().unwrap();
    assert!(out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("has only 3 months of usage history"), "{err}");
}

#[test]
fn unknown_model_with_a_catalog_names_the_closest() {
    let d = folder(&monthly_csv(&[("chat", "mm", 12, 1e9)], "2026-12"), &scenario("2027-01", 12, ""));
    let needles = ["history.csv", "unknown model `mm`", "did you mean `m`?"];
    rejects(&d, &[FORECAST, &["--catalog", "{cat}"]].concat(), &needles);
    rejects(&d, &[BACKTEST, &["--catalog", "{cat}"]].concat(), &needles);
    rejects(&d, SIMULATE, &needles);
}

#[test]
fn history_ending_at_or_after_the_start_is_refused() {
    let d = folder(&monthly_csv(TWO_SERIES, "2026-12"), &scenario("2026-12", 12, ""));
    let needles = ["scenario.toml", "start", "runs to 2026-12, but the scenario starts at 2026-12"];
    rejects(&d, SIMULATE, &needles);
    rejects(&d, &["forecast", "{sc}"], &needles);
}

#[test]
fn zero_holdout_horizon_and_paths_are_usage_errors() {
    let d = folder(&monthly_csv(TWO_SERIES, "2026-12"), &scenario("2027-01", 12, ""));
    rejects(&d, &["backtest", "--history", "{h}", "--holdout", "0"], &["--holdout: expected at least 1 month"]);
    rejects(&d, &["forecast", "--history", "{h}", "--horizon", "0"], &["--horizon: expected 1 to 600 months"]);
    rejects(&d, &["forecast", "{sc}", "--horizon", "0"], &["--horizon: expected 1 to 600 months"]);
    rejects(&d, &["forecast", "--history", "{h}", "--paths", "10"], &["--paths: expected 100 to"]);
    rejects(&d, &["backtest", "--history", "{h}", "--paths", "10"], &["--paths: expected 100 to"]);
    rejects(&d, &["forecast", "{sc}", "--method", "drift"], &["--method applies to --history"]);
}

#[test]
fn backtest_with_no_series_long_enough() {
    let d = folder(&monthly_csv(TWO_SERIES, "2026-12"), "");
    rejects(
        &d,
        &["backtest", "--history", "{h}", "--holdout", "28"],
        &["history.csv", "no series is long enough to hold out 28 months and fit 3", "`search` on `n`: 8 months"],
    );
}

#[test]
fn missing_history_file_names_scenario_and_file() {
    let d = Dir::new();
    d.write("prices.toml", &catalog(""));
    d.write("scenario.toml", &scenario("2027-01", 12, "").replace("history.csv", "usage-2026.csv"));
    rejects(&d, SIMULATE, &["scenario.toml", "history.file", "usage-2026.csv", "not found"]);
    rejects(&d, &["forecast", "{sc}"], &["scenario.toml", "usage-2026.csv", "not found"]);
    rejects(&d, FORECAST, &["cannot read", "history.csv"]);
    rejects(&d, BACKTEST, &["cannot read", "history.csv"]);
}

/// The ingest errors reach forecast, backtest and simulate unchanged: the
/// file, line, column and value, or the columns found.
#[test]
fn bad_history_files_fail_the_same_way_in_every_command() {
    let head = "month,workload,model,input_tokens,output_tokens\n2026-11,chat,m,1,1\n";
    let cases: &[(String, &[&str])] = &[
        (
            "month,workload,model,input_tokens\n2026-11,chat,m,1\n".into(),
            &[
                "history.csv:1: output_tokens: missing column",
                "columns found: `month`, `workload`, `model`, `input_tokens`",
            ],
        ),
        (
            "month,workload,model,input_tokns,output_tokens\n2026-11,chat,m,1,1\n".into(),
            &["did you mean `input_tokns`?"],
        ),
        (format!("{head}2026-13,chat,m,1,1\n"), &["history.csv:3: month:", "`2026-13`"]),
        (format!("{head}2026-12,chat,m,lots,1\n"), &["history.csv:3: input_tokens: not a number", "`lots`"]),
        (format!("{head}2026-12,chat,m,1,-3\n"), &["history.csv:3: output_tokens: negative token count", "`-3`"]),
    ];
    for (text, needles) in cases {
        let d = folder(text, &scenario("2027-01", 12, ""));
        for args in [FORECAST, BACKTEST, SIMULATE] {
            rejects(&d, args, needles);
        }
    }
    let d = folder("date,model,input_tokens,output_tokens\n2026-02-30,m,1,1\n", &scenario("2027-01", 12, ""));
    for args in [FORECAST, BACKTEST, SIMULATE] {
        rejects(&d, args, &["history.csv:2: date:", "`2026-02-30`"]);
    }
}

#[test]
fn history_batch_share_must_name_a_workload_and_be_a_share() {
    let csv = monthly_csv(TWO_SERIES, "2026-12");
    let names: Vec<&str> = TWO_SERIES.iter().map(|s| s.0).collect();
    let typo = format!("{}x", names[0]);
    let d = folder(&csv, &scenario("2027-01", 6, &format!("batch_share = {{ \"{typo}\" = 0.3 }}")));
    rejects(&d, SIMULATE, &["scenario.toml", "batch_share", &typo, &format!("did you mean `{}`", names[0])]);
    for bad in ["5", "-0.5", "nan"] {
        let d = folder(&csv, &scenario("2027-01", 6, &format!("batch_share = {{ \"{}\" = {bad} }}", names[0])));
        rejects(&d, SIMULATE, &["scenario.toml", "batch_share", "expected a share in [0, 1]"]);
    }
    // A valid share runs and lowers the cost: batch tokens are billed at the catalog's batch multiplier.
    let cost = |extra: &str| {
        let d = folder(&csv, &scenario("2027-01", 6, extra));
        let sc = d.path("scenario.toml");
        json(&[os("simulate"), sc.as_os_str(), os("--paths"), os("200")])["offers"][0]["cost"]["mean"].as_f64().unwrap()
    };
    assert!(cost(&format!("batch_share = {{ \"{}\" = 0.5 }}", names[0])) < cost(""));
}

/// A history of total tokens only (a vendor dashboard's export) with the mix
/// given in `[history] shares` bills exactly as a history that splits the
/// same totals by that mix month by month: the fit sees the same totals and
/// the mix is the same (shares of 1/2 and 1/4 are exact in binary). Without
/// a mix it is an error that says what to write; a per-workload mix naming
/// no workload of the file names the closest; validate shows the totals.
#[test]
fn a_history_of_total_tokens_bills_as_the_same_totals_split_by_the_given_mix() {
    let months: Vec<(String, u64)> = (0..12)
        .map(|k| (format!("2026-{:02}", k + 1), 4 * (250_000_000 + 7_000_000 * k + (k * 7 % 11) * 3_000_000)))
        .collect();
    let mut split = String::from("month,workload,model,input_tokens,output_tokens,cached_input_tokens\n");
    let mut total = String::from("Month,Workload,Model,Total Tokens\n");
    for (m, v) in &months {
        split += &format!("{m},chat,m,{},{},{}\n", v / 2, v / 4, v / 4);
        total += &format!("{m},chat,m,{v}\n");
    }
    let d = folder(&split, &scenario("2027-01", 12, "[forecast]\nvolatility_monthly = 0.1"));
    let a = json(&[os("simulate"), d.path("scenario.toml").as_os_str(), os("--paths"), os("2000")]);
    d.write("history.csv", &total);
    let shares = "columns = { total_tokens = \"Total Tokens\" }\n\
                  shares = { input_share = 0.5, output_share = 0.25, cached_share = 0.25 }";
    d.write("scenario.toml", &scenario("2027-01", 12, &format!("{shares}\n[forecast]\nvolatility_monthly = 0.1")));
    let b = json(&[os("simulate"), d.path("scenario.toml").as_os_str(), os("--paths"), os("2000")]);
    let cost = |v: &Value| v["offers"][0]["cost"]["mean"].as_f64().unwrap();
    assert!(cost(&a) > 0.0);
    assert_eq!(cost(&a).to_bits(), cost(&b).to_bits(), "{} vs {}", cost(&a), cost(&b));
    assert_eq!(a["volume"], b["volume"]);
    // validate shows the totals as read, no classes.
    let v =
        json(&[os("validate"), d.path("history.csv").as_os_str(), os("--columns"), os("total_tokens=Total Tokens")]);
    let s = &v["files"][0]["series"][0]["tokens"];
    assert_eq!(s["total"][0].as_u64(), Some(months[0].1), "{v}");
    assert_eq!(s["input"][0].as_u64(), Some(0), "{v}");
    // Without a mix: exit 2, naming the key and what to write.
    d.write("scenario.toml", &scenario("2027-01", 12, "columns = { total_tokens = \"Total Tokens\" }"));
    let out = cmd().arg("simulate").arg(d.path("scenario.toml")).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    let e = String::from_utf8_lossy(&out.stderr);
    assert!(
        e.contains("history.shares") && e.contains("counts total tokens only") && e.contains("input_share ="),
        "{e}"
    );
    // A per-workload mix for a workload the file lacks.
    let bad = "columns = { total_tokens = \"Total Tokens\" }\n\
               workload_shares = { chta = { input_share = 0.5, output_share = 0.5 } }\n\
               shares = { input_share = 0.5, output_share = 0.5 }";
    d.write("scenario.toml", &scenario("2027-01", 12, bad));
    let out = cmd().arg("simulate").arg(d.path("scenario.toml")).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    let e = String::from_utf8_lossy(&out.stderr);
    assert!(e.contains("history.workload_shares.chta") && e.contains("did you mean `chat`?"), "{e}");
    // A mix that does not sum to 1.
    let bad = "columns = { total_tokens = \"Total Tokens\" }\nshares = { input_share = 0.5, output_share = 0.4 }";
    d.write("scenario.toml", &scenario("2027-01", 12, bad));
    let out = cmd().arg("simulate").arg(d.path("scenario.toml")).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    let e = String::from_utf8_lossy(&out.stderr);
    assert!(e.contains("history.shares.input_share") && e.contains("must sum to 1"), "{e}");
}

/// The brief and `forecast` back-test the user's own history. A series
/// that grows 2% a month for 16 months (with an 8% wiggle) and then steps up
/// 15% is badly covered (3 of its 8 held-out months inside the 80% band): the brief states the measured coverage (the forecast
/// JSON's, to the digit shown) and says the ranges are too narrow; with
/// `[forecast] calibrate = true` the bands widen by the stated factor
/// `Phi^-1(0.9) / Phi^-1((1 + c80) / 2)`, and only then.
#[test]
fn the_brief_states_how_badly_the_users_own_history_is_covered_and_calibrate_widens() {
    let mut csv = String::from("month,workload,model,input_tokens,output_tokens\n");
    for k in 0..24u64 {
        let level = 1e9 * 1.02f64.powi(k as i32) * if k < 16 { 1.0 } else { 1.15 };
        let v = (level * (1.0 + 0.08 * ((k * 7 % 11) as f64 / 5.0 - 1.0))) as u64 / 2;
        csv += &format!("{:04}-{:02},chat,m,{v},{v}\n", 2025 + k / 12, k % 12 + 1);
    }
    let d = folder(&csv, &scenario("2027-01", 12, "[simulation]\npaths = 2000"));
    let f = json(&[os("forecast"), d.path("scenario.toml").as_os_str()]);
    let c = &f["backtest"];
    let c80 = c["coverage_80"].as_f64().unwrap();
    assert_eq!((c["series"].as_u64(), c["months"].as_u64()), (Some(1), Some(8)), "{c}");
    assert!(c80 < 0.65 && c["badly_covered"] == true && c["calibrated"] == false, "{c}");
    let k = c["widening"].as_f64().unwrap();
    let z = |p: f64| commitsim::api::phi_inv(p);
    assert!(c80 > 0.21, "{c80}: the test should not sit on the cap");
    let want = z(0.9) / z((1.0 + c80) / 2.0);
    assert!((k - want).abs() < 1e-12, "{k} vs {want}");
    let md = d.path("b.md");
    let out = cmd()
        .arg("brief")
        .arg(d.path("scenario.toml"))
        .args(["--format", "markdown", "--out"])
        .arg(&md)
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let brief = std::fs::read_to_string(&md).unwrap();
    let said = format!("the 80% band covered {:.1}% of 8 months", 100.0 * c80);
    assert!(brief.contains(&said), "`{said}` not in the brief");
    assert!(brief.contains("too sure of itself on this data"));
    assert!(brief.contains(&format!("would multiply every fitted spread by {k:.2}")));
    // Calibrated: the spread of the first month's 80% band grows, and the factor is stated.
    let spread = |v: &Value| v["total"]["p90"][0].as_f64().unwrap() / v["total"]["p10"][0].as_f64().unwrap();
    d.write("scenario.toml", &scenario("2027-01", 12, "[simulation]\npaths = 2000\n[forecast]\ncalibrate = true"));
    let out = cmd().arg("forecast").arg(d.path("scenario.toml")).args(["--format", "json"]).output().unwrap();
    assert!(out.status.success());
    let e = String::from_utf8_lossy(&out.stderr);
    assert!(e.contains(&format!("every fitted workload's spread is multiplied by {k:.2}")), "{e}");
    let g: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(g["backtest"]["calibrated"], true);
    assert_eq!(g["backtest"]["coverage_80"], f["backtest"]["coverage_80"], "measured on the history as fitted");
    assert!(spread(&g).ln() > 1.3 * spread(&f).ln(), "{} vs {}", spread(&g), spread(&f));
}

/// The spend view (issue 18) with no uncertainty: two workloads at fixed
/// growth, an April fiscal year that cuts 24 months from January 2027 into
/// FY2027 (3 months), FY2028 (12) and FY2029 (9), and a discount scoped to
/// one vendor. Every figure is a hand computation; the groups add up to the
/// total, and each offer's allocated costs to its `simulate` cost.
#[test]
fn spend_view_by_fiscal_year_vendor_and_model_is_the_hand_computation() {
    let d = Dir::new();
    d.write("prices.toml", &catalog(""));
    let s = d.write(
        "s.toml",
        r#"name = "spend"
start = "2027-01"
horizon_months = 24
catalog = "prices.toml"
[simulation]
paths = 200
seed = 3
fiscal_year_start = 4
[[workloads]]
name = "w"
model = "m"
monthly_tokens = 1.0e9
input_share = 0.5
output_share = 0.5
growth_annual = 0.2
volatility_monthly = 0.0
[[workloads]]
name = "v"
model = "n"
monthly_tokens = 2.0e9
input_share = 0.5
output_share = 0.5
growth_annual = 0.0
volatility_monthly = 0.0
[[offers]]
name = "List"
kind = "payg"
[[offers]]
name = "D"
kind = "payg"
discount = 0.1
scope = { providers = ["p"] }
"#,
    );
    let r = json(&[os("forecast"), os(&s)]);
    let sp = &r["spend"];
    let names: Vec<&str> = sp["years"].as_array().unwrap().iter().map(|y| y["name"].as_str().unwrap()).collect();
    assert_eq!(names, ["FY2027", "FY2028", "FY2029"]);
    let months: Vec<u64> = sp["years"].as_array().unwrap().iter().map(|y| y["months"].as_u64().unwrap()).collect();
    assert_eq!(months, [3, 12, 9]);
    assert_eq!(sp["years"][1]["first"], "2027-04");
    assert_eq!(sp["years"][1]["last"], "2028-03");
    // Month t = 1..24: w has 1e9 (1.2)^(t/12) tokens at $5 per 1M, v 2e9 at $2.5.
    let w = |t: usize| 1e9 * 1.2f64.powf(t as f64 / 12.0);
    let fy = [(1..=3), (4..=15), (16..=24)];
    let group = |name: &str, key: &str| -> Value {
        sp[key].as_array().unwrap().iter().find(|g| g["name"] == name).unwrap_or_else(|| panic!("no {name}")).clone()
    };
    for (k, ts) in fy.iter().enumerate() {
        let want_w: f64 = ts.clone().map(|t| w(t) * 5e-6).sum();
        let want_v = ts.clone().count() as f64 * 2e9 * 2.5e-6;
        let gw = &group("w", "workloads")["years"][k];
        close(gw["mean"].as_f64().unwrap(), want_w, 1e-9);
        close(gw["p5"].as_f64().unwrap(), want_w, 1e-9);
        close(gw["p95"].as_f64().unwrap(), want_w, 1e-9);
        close(group("q", "vendors")["years"][k]["mean"].as_f64().unwrap(), want_v, 1e-9);
        close(sp["total"]["years"][k]["mean"].as_f64().unwrap(), want_w + want_v, 1e-9);
    }
    let list_w: f64 = (1..=24).map(|t| w(t) * 5e-6).sum();
    let list_v = 24.0 * 2e9 * 2.5e-6;
    close(sp["total"]["horizon"]["mean"].as_f64().unwrap(), list_w + list_v, 1e-9);
    // Prices: m at $5 list and $4.50 under D; n at $2.50 under both.
    let model = |id: &str| sp["models"].as_array().unwrap().iter().find(|m| m["model"] == id).unwrap().clone();
    close(model("m")["list_usd_per_mtok"].as_f64().unwrap(), 5.0, 1e-9);
    close(model("m")["offers"][1]["usd_per_mtok"].as_f64().unwrap(), 4.5, 1e-9);
    close(model("n")["offers"][1]["usd_per_mtok"].as_f64().unwrap(), 2.5, 1e-9);
    close(model("m")["tokens"].as_f64().unwrap(), (1..=24).map(w).sum(), 1e-9);
    // The allocations add up to the offer's cost, which is simulate's.
    let sim = crate::util::simulate_json(&s, &["--sampling", "random"]);
    for o in sp["offers"].as_array().unwrap() {
        let name = o["offer"].as_str().unwrap();
        close(o["cost"].as_f64().unwrap(), crate::util::offer(&sim, name)["cost"]["mean"].as_f64().unwrap(), 1e-9);
        assert_eq!(o["unallocated"].as_f64().unwrap(), 0.0);
    }
    close(sp["offers"][1]["cost"].as_f64().unwrap(), 0.9 * list_w + list_v, 1e-9);
}

/// The spend view of a random scenario: vendors and workloads each add up
/// to the total in every fiscal year, and an unknown fiscal-year month is
/// refused with the key named.
#[test]
fn spend_groups_add_up_and_a_bad_fiscal_year_start_names_the_key() {
    let r = json(&[os("forecast"), os(&repo("scenarios/example.toml")), os("--paths"), os("2000")]);
    let sp = &r["spend"];
    for k in 0..sp["years"].as_array().unwrap().len() {
        let total = sp["total"]["years"][k]["mean"].as_f64().unwrap();
        for key in ["vendors", "workloads"] {
            let sum: f64 = sp[key].as_array().unwrap().iter().map(|g| g["years"][k]["mean"].as_f64().unwrap()).sum();
            close(sum, total, 1e-9);
        }
    }
    let d = Dir::new();
    d.write("prices.toml", &catalog(""));
    let text = std::fs::read_to_string(repo("scenarios/example.toml")).unwrap();
    let text = text.replacen("[simulation]\n", "[simulation]\nfiscal_year_start = 13\n", 1);
    assert!(text.contains("fiscal_year_start = 13"), "the example has a [simulation] table");
    let s = d.write(
        "s.toml",
        &text.replace("catalog = \"prices.toml\"", &format!("catalog = {:?}", repo("scenarios/prices.toml"))),
    );
    let out = cmd().arg("forecast").arg(&s).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("simulation.fiscal_year_start") && err.contains("found 13"), "{err}");
}
