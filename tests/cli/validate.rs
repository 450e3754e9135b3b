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

/// A copy of the shipped files, with a FOCUS export and a load profile.
fn shipped() -> Dir {
    let d = Dir::new();
    for (from, to) in [
        ("scenarios/example.toml", "example.toml"),
        ("scenarios/example-history.toml", "example-history.toml"),
        ("scenarios/prices.toml", "prices.toml"),
        ("scenarios/northwind-usage.csv", "northwind-usage.csv"),
        ("contracts/openai.toml", "openai.toml"),
        ("contracts/checklist.toml", "checklist.toml"),
        ("tests/fixtures/focus/genai_tokens_focus.csv", "focus.csv"),
    ] {
        std::fs::copy(repo(from), d.path(to)).unwrap();
    }
    d.write("load.csv", "minute,tokens\n2027-01-01T00:00,10\n2027-01-01T00:01,12\n");
    d.write("usage.txt", "month,model,input_tokens,output_tokens\n2027-01,gpt-4.1,1,1\n");
    d
}

/// Each file given to a command that reads another kind of file: exit 2,
/// and the error says what the file is and where it goes.
#[test]
fn a_file_given_to_the_wrong_command_says_what_it_is() {
    let d = shipped();
    let example = std::fs::read_to_string(d.path("example.toml")).unwrap();
    let history = std::fs::read_to_string(d.path("example-history.toml")).unwrap();
    d.write("focus-history.toml", &history.replace("file = \"northwind-usage.csv\"", "file = \"focus.csv\""));
    d.write("checklist-catalog.toml", &example.replace("catalog = \"prices.toml\"", "catalog = \"checklist.toml\""));
    d.write(
        "usage-profile.toml",
        &example.replace("load = { peak_to_mean = 1.8 }", "load = { profile = \"northwind-usage.csv\" }"),
    );
    let cases: &[(&[&str], &str)] = &[
        (
            &["score", "checklist.toml"],
            "checklist.toml: this is a checklist, not a contract-terms file: pass it with --checklist",
        ),
        (
            &["score", "openai.toml", "--checklist", "openai.toml"],
            "this is a contract-terms file, not a checklist: give it to score",
        ),
        (&["brief", "example.toml", "--contract", "checklist.toml", "--out", "b.html"], "pass it with --checklist"),
        (&["score", "prices.toml"], "prices.toml: this is a price catalog, not a contract-terms file"),
        (&["simulate", "prices.toml"], "this is a price catalog, not a scenario: a scenario names it with catalog ="),
        (&["simulate", "openai.toml"], "this is a contract-terms file, not a scenario"),
        (
            &["simulate", "northwind-usage.csv"],
            "this is a usage CSV, not a scenario: give it to a scenario's [history] or to forecast --history",
        ),
        (&["sweep", "usage.txt", "--offer", "x"], "usage.txt: this is a usage CSV, not a scenario"),
        (&["simulate", "load.csv"], "this is a per-minute load profile, not a scenario: a provisioned offer reads it"),
        (&["forecast", "--history", "example.toml"], "this is a scenario, not a usage CSV: give it to simulate"),
        (&["backtest", "--history", "checklist.toml"], "this is a checklist, not a usage CSV"),
        (
            &["forecast", "--history", "focus.csv"],
            "this is a FOCUS billing export, not a usage CSV: read it with --history-format focus",
        ),
        (
            &["forecast", "--history", "northwind-usage.csv", "--history-format", "focus", "--catalog", "prices.toml"],
            "this is a usage CSV, not a FOCUS billing export: read it without --history-format focus",
        ),
        (&["simulate", "focus-history.toml"], "focus.csv: this is a FOCUS billing export, not a usage CSV"),
        (&["simulate", "focus-history.toml"], "[history] with format = \"focus\""),
        (&["simulate", "checklist-catalog.toml"], "checklist.toml: this is a checklist, not a price catalog"),
        (
            &["simulate", "usage-profile.toml"],
            "not a per-minute load profile: a load profile is written from a request log by profile --history",
        ),
        (&["profile", "--history", "load.csv"], "this is a per-minute load profile, not a request log"),
        (&["profile", "--history", "focus.csv"], "this is a FOCUS billing export, not a request log"),
    ];
    for (args, expected) in cases {
        let out = cmd().args(*args).current_dir(d.tmp.path()).output().unwrap();
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {err}");
        assert!(err.contains(expected), "{args:?}: expected `{expected}` in: {err}");
    }
}

/// A file of the right kind keeps its own error, and a mapped read keeps
/// the reader's error: the user said how to read the file.
#[test]
fn files_of_the_right_kind_keep_their_own_errors() {
    let d = shipped();
    let bad = d.write("bad.csv", "month,model,input_tokens,output_tokens\n2027-01,m,lots,1\n");
    let out = cmd().args(["forecast", "--history"]).arg(&bad).output().unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("bad.csv:2") && !err.contains("this is"), "{err}");
    let out = cmd()
        .args(["forecast", "--history", "focus.csv", "--columns", "model=SkuId"])
        .current_dir(d.tmp.path())
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("columns not found: `month`") && !err.contains("this is"), "{err}");
    let typo = d.write("typo.toml", "[vendor]\nname = \"V\"\n[retentio]\ndays = 3\n");
    let out = cmd().arg("score").arg(&typo).output().unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(err.contains("unknown section [retentio]") && !err.contains("this is"), "{err}");
}

/// `profile` warns when the log covers less than a week, on standard
/// error and not with --quiet; a week-long log is not warned about.
#[test]
fn profile_warns_about_a_log_shorter_than_a_week() {
    let d = Dir::new();
    let hour: String = std::iter::once("timestamp,input_tokens,output_tokens\n".to_string())
        .chain((0..60).map(|m| format!("2027-01-01T00:{m:02}:00,{},1\n", 100 + m)))
        .collect();
    let f = d.write("hour.csv", &hour);
    let out = cmd().arg("profile").arg("--history").arg(&f).output().unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{err}");
    assert!(err.contains("covers 60 minutes (2027-01-01T00:00 to 2027-01-01T00:59), less than a week"), "{err}");
    assert!(err.contains("p99 lies between the two busiest minutes"), "{err}");
    let out = cmd().args(["-q", "profile", "--history"]).arg(&f).output().unwrap();
    assert!(out.stderr.is_empty(), "{}", String::from_utf8_lossy(&out.stderr));
    let week = "timestamp,input_tokens,output_tokens\n2027-01-01T00:00:00,5,1\n2027-01-08T00:00:00,5,1\n";
    let f = d.write("week.csv", week);
    let out = cmd().arg("profile").arg("--history").arg(&f).output().unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success() && !err.contains("less than a week"), "{err}");
}

/// A report commitsim wrote, given where an input is read, says what it is
/// and suggests the input of the same name beside it (issue 15).
#[test]
fn a_report_given_as_an_input_says_what_it_is_and_suggests_the_input() {
    let d = Dir::new();
    let scenario = d.path("northwind.toml");
    std::fs::copy(repo("scenarios/example.toml"), &scenario).unwrap();
    std::fs::copy(repo("scenarios/prices.toml"), d.path("prices.toml")).unwrap();
    let json = cmd().arg("simulate").arg(&scenario).args(["--paths", "200", "--format", "json"]).output().unwrap();
    assert!(json.status.success());
    let report = d.write("northwind.json", &String::from_utf8(json.stdout).unwrap());
    let out = cmd().arg("simulate").arg(&report).output().unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(err.contains("northwind.json: this is a JSON report that commitsim wrote, not a scenario"), "{err}");
    assert!(err.contains(&format!("did you mean {}?", scenario.display())), "{err}");
    // A CSV report given as a usage history, with no CSV input beside it.
    let csv = cmd().arg("simulate").arg(&scenario).args(["--paths", "200", "--format", "csv"]).output().unwrap();
    let report = d.write("costs.csv", &String::from_utf8(csv.stdout).unwrap());
    let out = cmd().args(["forecast", "--history"]).arg(&report).output().unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(err.contains("this is a CSV report that commitsim wrote, not a usage CSV"), "{err}");
    assert!(err.contains("give the .csv file it was made from"), "{err}");
    let (code, _, err) = run(&[report.to_str().unwrap()]);
    assert_eq!(code, Some(2), "{err}");
    assert!(err.contains("this is a CSV report that commitsim wrote, not an input"), "{err}");
}
