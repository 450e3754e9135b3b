//! `--format xlsx`: the workbook opens in openpyxl (a reader that refuses
//! malformed files), each figure is a number cell equal to the JSON's, the
//! header rows are frozen, a native chart exists, the `Inputs` sheet hashes
//! every input, and text from an input is never a formula.

use std::path::Path;
use std::process::Command as Process;

use crate::util::{cmd, repo, Dir};

/// What openpyxl reads of a workbook, as JSON: per sheet its rows (values),
/// the number format of every number cell, the data type of every cell
/// (`n` number, `s` string, `f` formula), the frozen cell and the number of
/// charts. Fails the test when python3 or openpyxl is missing (.ci/run
/// installs it).
fn read_workbook(path: &Path) -> serde_json::Value {
    let script = r#"
import json, sys, openpyxl
wb = openpyxl.load_workbook(sys.argv[1])
out = {}
for ws in wb.worksheets:
    rows, types, formats = [], [], []
    for row in ws.iter_rows():
        rows.append([c.value for c in row])
        types.append([c.data_type for c in row])
        formats.append([c.number_format for c in row])
    out[ws.title] = {"rows": rows, "types": types, "formats": formats,
                     "freeze": ws.freeze_panes, "charts": len(ws._charts),
                     "widths": {k: v.width for k, v in ws.column_dimensions.items()}}
print(json.dumps(out))
"#;
    let o = Process::new("python3").arg("-c").arg(script).arg(path).output().expect("python3 runs");
    assert!(
        o.status.success(),
        "openpyxl could not open {} (pip install openpyxl): {}",
        path.display(),
        String::from_utf8_lossy(&o.stderr)
    );
    serde_json::from_slice(&o.stdout).expect("reader prints JSON")
}

fn run_json(args: &[&str]) -> serde_json::Value {
    let o = cmd().args(args).args(["--format", "json", "-q"]).output().expect("runs");
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    serde_json::from_slice(&o.stdout).expect("JSON")
}

fn run_xlsx(args: &[&str], out: &Path) {
    let o = cmd().args(args).args(["--format", "xlsx", "-q", "--out"]).arg(out).output().expect("runs");
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
}

/// The row of `sheet` whose first cell is `key`.
fn row<'a>(sheet: &'a serde_json::Value, key: &str) -> (usize, &'a Vec<serde_json::Value>) {
    sheet["rows"]
        .as_array()
        .unwrap()
        .iter()
        .enumerate()
        .find(|(_, r)| r[0].as_str() == Some(key))
        .map(|(i, r)| (i, r.as_array().unwrap()))
        .unwrap_or_else(|| panic!("no row {key}"))
}

fn column(sheet: &serde_json::Value, head: &str) -> usize {
    sheet["rows"][0].as_array().unwrap().iter().position(|h| h.as_str() == Some(head)).expect("column")
}

fn sha256(path: &Path) -> String {
    let o = Process::new("sha256sum").arg(path).output().expect("sha256sum");
    String::from_utf8_lossy(&o.stdout).split_whitespace().next().unwrap().to_string()
}

#[test]
fn simulate_workbook_holds_the_json_numbers_as_number_cells_with_a_chart() {
    let d = Dir::new();
    let sc = repo("scenarios/example.toml");
    let sc = sc.to_str().unwrap();
    let args = ["simulate", sc, "--paths", "3000", "--seed", "7"];
    let json = run_json(&args);
    let out = d.path("sim.xlsx");
    run_xlsx(&args, &out);
    let wb = read_workbook(&out);
    let offers = &wb["Offers"];
    assert_eq!(offers["freeze"], "A2", "header row frozen");
    assert!(offers["charts"].as_u64().unwrap() >= 1, "a native chart");
    let (cost, p95, prob) =
        (column(offers, "Expected cost"), column(offers, "Cost p95"), column(offers, "P(costs more than baseline)"));
    let list = json["offers"].as_array().unwrap();
    assert!(list.len() >= 3);
    for o in list {
        let (i, r) = row(offers, o["name"].as_str().unwrap());
        assert_eq!(offers["types"][i][cost], "n", "expected cost is a number cell");
        assert_eq!(r[cost].as_f64().unwrap(), o["cost"]["mean"].as_f64().unwrap(), "{}", o["name"]);
        assert_eq!(r[p95].as_f64().unwrap(), o["cost"]["p95"].as_f64().unwrap());
        assert_eq!(r[prob].as_f64().unwrap(), o["savings"]["prob_negative"].as_f64().unwrap());
        assert!(offers["formats"][i][cost].as_str().unwrap().contains('$'), "currency format");
        assert!(offers["formats"][i][prob].as_str().unwrap().contains('%'), "percent format");
    }
    // Columns are sized to fit the longest offer name, not Excel's default 8.43.
    let longest = list.iter().map(|o| o["name"].as_str().unwrap().len()).max().unwrap() as f64;
    assert!(offers["widths"]["A"].as_f64().unwrap() >= longest * 0.9);
    let summary = &wb["Summary"];
    let (i, r) = row(summary, "Total tokens, mean");
    assert_eq!(r[1].as_f64().unwrap(), json["volume"]["total_tokens"]["mean"].as_f64().unwrap());
    assert_eq!(summary["formats"][i][1], "#,##0", "tokens format");
    let inputs = &wb["Inputs"];
    let (_, r) = row(inputs, "scenario");
    assert_eq!(r[2].as_str().unwrap(), sha256(&repo("scenarios/example.toml")));
    let (_, r) = row(inputs, "price catalog");
    assert_eq!(r[2].as_str().unwrap(), sha256(&repo("scenarios/prices.toml")));
}

#[test]
fn sweep_workbook_holds_each_level_and_a_chart() {
    let d = Dir::new();
    let sc = repo("scenarios/example.toml");
    let sc = sc.to_str().unwrap();
    let args = ["sweep", sc, "--offer", "Anthropic commit", "--levels", "0,50000,100000,150000", "--paths", "2000"];
    let json = run_json(&args);
    let out = d.path("sweep.xlsx");
    run_xlsx(&args, &out);
    let wb = read_workbook(&out);
    let levels = &wb["Levels"];
    assert_eq!(levels["freeze"], "A2");
    assert!(levels["charts"].as_u64().unwrap() >= 1, "a native chart");
    let cost = column(levels, "Expected cost");
    let rows = levels["rows"].as_array().unwrap();
    let want = json["levels"].as_array().unwrap();
    assert_eq!(rows.len(), want.len() + 1);
    for (k, l) in want.iter().enumerate() {
        assert_eq!(rows[k + 1][0].as_f64().unwrap(), l["level"].as_f64().unwrap());
        assert_eq!(levels["types"][k + 1][cost], "n");
        assert_eq!(rows[k + 1][cost].as_f64().unwrap(), l["cost_mean"].as_f64().unwrap());
    }
    assert!(wb.get("Levers").is_some() && wb.get("Inputs").is_some());
}

#[test]
fn text_that_looks_like_a_formula_stays_text() {
    let d = Dir::new();
    let text = std::fs::read_to_string(repo("scenarios/example.toml")).unwrap();
    let evil = "=HYPERLINK(\"http://x\",\"y\")";
    std::fs::write(d.path("s.toml"), text.replace("\"Enterprise PAYG -6%\"", &format!("'{evil}'"))).unwrap();
    std::fs::copy(repo("scenarios/prices.toml"), d.path("prices.toml")).unwrap();
    let out = d.path("w.xlsx");
    run_xlsx(&["simulate", d.path("s.toml").to_str().unwrap(), "--paths", "500"], &out);
    let wb = read_workbook(&out);
    let offers = &wb["Offers"];
    let (i, r) = row(offers, evil);
    assert_eq!(r[0].as_str().unwrap(), evil);
    assert_eq!(offers["types"][i][0], "s", "a string cell, not a formula");
    let types = serde_json::to_string(&wb).unwrap();
    assert!(!types.contains("\"f\""), "no formula cell anywhere");
}

#[test]
fn xlsx_needs_a_file_and_a_command_with_a_workbook() {
    let sc = repo("scenarios/example.toml");
    let o = cmd().args(["simulate"]).arg(&sc).args(["--format", "xlsx", "-q"]).output().unwrap();
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("--out"));
    let o = cmd().args(["simulate"]).arg(&sc).args(["--format", "xlsx", "-q", "--out", "-"]).output().unwrap();
    assert_eq!(o.status.code(), Some(2));
    let d = Dir::new();
    let o = cmd()
        .args(["forecast"])
        .arg(&sc)
        .args(["--format", "xlsx", "-q", "--out"])
        .arg(d.path("f.xlsx"))
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("simulate, sweep and brief"));
    assert!(!d.path("f.xlsx").exists());
}

#[test]
fn brief_workbook_holds_the_offers_sweep_tornado_and_forecast_with_charts() {
    let d = Dir::new();
    let sc = repo("scenarios/example.toml");
    let sc = sc.to_str().unwrap();
    let contract = repo("contracts/anthropic.toml");
    let out = d.path("brief.xlsx");
    let o = cmd()
        .args(["brief", sc, "--paths", "2000", "--seed", "7", "--format", "xlsx", "-q", "--out"])
        .arg(&out)
        .arg("--contract")
        .arg(&contract)
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let wb = read_workbook(&out);
    // The brief's figures are those of simulate and sensitivity on the same seed and paths.
    let sim = run_json(&["simulate", sc, "--paths", "2000", "--seed", "7"]);
    let offers = &wb["Offers"];
    let cost = column(offers, "Expected cost");
    for o in sim["offers"].as_array().unwrap() {
        let (i, r) = row(offers, o["name"].as_str().unwrap());
        assert_eq!(offers["types"][i][cost], "n");
        assert_eq!(r[cost].as_f64().unwrap(), o["cost"]["mean"].as_f64().unwrap());
    }
    let rec = &wb["Recommendation"];
    let (_, r) = row(rec, "Offer");
    let offer = r[1].as_str().unwrap().to_string();
    let want = sim["offers"].as_array().unwrap().iter().find(|o| o["name"] == offer.as_str()).unwrap();
    let (i, r) = row(rec, "Expected saving");
    assert_eq!(r[1].as_f64().unwrap(), want["savings"]["mean"].as_f64().unwrap());
    assert!(rec["formats"][i][1].as_str().unwrap().contains('$'));
    let sens = run_json(&["sensitivity", sc, "--offer", &offer, "--paths", "2000", "--seed", "7"]);
    let drivers = &wb["Drivers"];
    assert!(drivers["charts"].as_u64().unwrap() >= 1, "the tornado is a native chart");
    let (lo, hi) = (column(drivers, "Cost when lowest tenth"), column(drivers, "Cost when highest tenth"));
    let key = column(drivers, "Scenario key");
    let rows = drivers["rows"].as_array().unwrap();
    let inputs = sens["inputs"].as_array().unwrap();
    assert_eq!(rows.len() - 1, inputs.len().min(8), "at most eight inputs, largest swing first");
    for (k, e) in inputs.iter().take(8).enumerate() {
        assert_eq!(rows[k + 1][key], e["input"]);
        assert_eq!(rows[k + 1][lo].as_f64().unwrap(), e["cost_low"].as_f64().unwrap());
        assert_eq!(rows[k + 1][hi].as_f64().unwrap(), e["cost_high"].as_f64().unwrap());
    }
    for name in ["Sweep Levels", "Forecast", "Offers"] {
        assert!(wb[name]["charts"].as_u64().unwrap() >= 1, "{name} has a chart");
    }
    assert!(wb.get("Scorecards").is_some() && wb.get("Asks").is_some());
    let (_, r) = row(&wb["Inputs"], "contract terms");
    assert_eq!(r[2].as_str().unwrap(), sha256(&contract));
    // The recommendation's paragraph wraps in a column of readable width.
    let w = rec["widths"]["B"].as_f64().unwrap();
    assert!((80.0..=100.0).contains(&w), "{w}");
}
