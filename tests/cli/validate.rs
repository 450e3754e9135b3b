//! `validate`: the mapping options applied to the CSV files it checks.

use crate::util::{catalog, cmd, repo, Dir};

/// A raw request log: the trace's own column names, numeric timestamps.
const LOG: &str = "TIMESTAMP,ContextTokens,GeneratedTokens\n0,100,10\n86400,200,20\n2764800,300,30\n";

fn run(args: &[&str]) -> (Option<i32>, String, String) {
    let out = cmd().arg("validate").args(args).output().unwrap();
    (out.status.code(), String::from_utf8(out.stdout).unwrap(), String::from_utf8(out.stderr).unwrap())
}

#[test]
fn a_raw_request_log_validates_with_the_mapping_options() {
    let d = Dir::new();
    let log = d.write("log.csv", LOG);
    let f = log.to_str().unwrap();
    // As the file is, it lacks the standard columns, and the error says how to map them.
    let (code, _, err) = run(&[f]);
    assert_eq!(code, Some(2), "{err}");
    assert!(err.contains("--columns"), "{err}");
    let map = "input_tokens=ContextTokens,output_tokens=GeneratedTokens";
    let (code, out, err) = run(&[f, "--columns", map, "--model", "m", "--timestamp-unit", "s"]);
    assert_eq!(code, Some(0), "{err}");
    // Seconds from 1970: January and February 1970.
    assert!(out.contains("log.csv (history, 1 series, 1970-01 to 1970-02)"), "{out}");
    // The origin moves the months: it is applied, not just accepted.
    let (code, out, err) = run(&[
        f,
        "--columns",
        map,
        "--model",
        "m",
        "--timestamp-unit",
        "s",
        "--timestamp-origin",
        "2027-03-01T00:00:00",
    ]);
    assert_eq!(code, Some(0), "{err}");
    assert!(out.contains("(history, 1 series, 2027-03 to 2027-04)"), "{out}");
    // Milliseconds put all three rows in the first hour of 1970.
    let (code, out, err) = run(&[f, "--columns", map, "--model", "m", "--timestamp-unit", "ms"]);
    assert_eq!(code, Some(0), "{err}");
    assert!(out.contains("(history, 1 series, 1970-01 to 1970-01)"), "{out}");
    // --workload names the series: two workloads in one file become one.
    let two = d.write("two.csv", "month,workload,model,input_tokens,output_tokens\n2027-01,a,m,1,1\n2027-01,b,m,1,1\n");
    let (_, out, _) = run(&[two.to_str().unwrap()]);
    assert!(out.contains("(history, 2 series,"), "{out}");
    let (_, out, _) = run(&[two.to_str().unwrap(), "--workload", "all"]);
    assert!(out.contains("(history, 1 series,"), "{out}");
}

#[test]
fn model_ids_are_checked_against_the_catalog_given_or_among_the_files() {
    let d = Dir::new();
    let cat = d.write("prices.toml", &catalog(""));
    let usage = d.write("usage.csv", "month,model,input_tokens,output_tokens\n2027-01,m,1,1\n2027-02,mm,1,1\n");
    let u = usage.to_str().unwrap();
    let (code, _, err) = run(&[u]);
    assert_eq!(code, Some(0), "without a catalog the ids are not checked: {err}");
    for args in [vec![u, "--catalog", cat.to_str().unwrap()], vec![u, cat.to_str().unwrap()]] {
        let (code, _, err) = run(&args);
        assert_eq!(code, Some(2), "{args:?}: {err}");
        assert!(err.contains("unknown model `mm`") && err.contains("did you mean `m`?"), "{err}");
    }
    let (code, out, err) = run(&[u, "--model", "n", "--catalog", cat.to_str().unwrap()]);
    assert_eq!(code, Some(0), "{err}");
    assert!(out.contains("(history, 1 series, 2027-01 to 2027-02)"), "{out}");
}

#[test]
fn history_format_and_gaps_zero_apply_to_the_csv_files() {
    let d = Dir::new();
    let gap = d.write("gap.csv", "month,model,input_tokens,output_tokens\n2027-01,m,1,1\n2027-03,m,1,1\n");
    let g = gap.to_str().unwrap();
    let (code, _, err) = run(&[g]);
    assert_eq!(code, Some(2), "{err}");
    let (code, out, err) = run(&[g, "--gaps-zero"]);
    assert_eq!(code, Some(0), "{err}");
    assert!(out.contains("(history, 1 series, 2027-01 to 2027-03)"), "{out}");
    // A FOCUS export read against --catalog, with no catalog among the files.
    let export = repo("tests/fixtures/focus/genai_tokens_focus.csv");
    let prices = repo("scenarios/prices.toml");
    let out = cmd().arg("validate").arg(&export).arg("--catalog").arg(&prices).output().unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success() && text.contains("(FOCUS export, 2 series, 2027-01 to 2027-03)"), "{out:?}");
    // --history-format usage reads it as the usage format, which it is not.
    let out = cmd().arg("validate").arg(&export).args(["--history-format", "usage"]).output().unwrap();
    assert_eq!(out.status.code(), Some(2), "{out:?}");
    // --history-format focus reads a usage file as FOCUS, which it is not.
    let out = cmd().arg("validate").arg(g).args(["--history-format", "focus", "--model", "m"]).output().unwrap();
    assert_eq!(out.status.code(), Some(2), "{out:?}");
}

#[test]
fn mapping_options_without_a_csv_file_are_warned_about() {
    let (code, _, err) = run(&[repo("scenarios/prices.toml").to_str().unwrap(), "--columns", "model=Model"]);
    assert_eq!(code, Some(0), "{err}");
    assert!(err.contains("the mapping options") && err.contains("none is a usage history"), "{err}");
    let (_, _, err) = run(&[repo("scenarios/prices.toml").to_str().unwrap()]);
    assert!(!err.contains("mapping options"), "{err}");
}
