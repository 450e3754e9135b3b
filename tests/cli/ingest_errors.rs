//! Every class of bad usage file exits with status 2 and a message naming
//! the file, the line, the column and the value; never a panic. Monthly and
//! daily files go through `validate`, request logs through `profile`.

use crate::util::{cmd, Dir};

/// Runs `args` (with `{f}` replaced by a file holding `text`); expects exit 2
/// and every needle in standard error.
#[track_caller]
fn rejects(args: &[&str], text: &str, needles: &[&str]) {
    let d = Dir::new();
    let f = d.write("usage.csv", text);
    let f = f.to_str().unwrap();
    d.write("prices.toml", CATALOG);
    let cat = d.path("prices.toml");
    let args: Vec<String> =
        args.iter().map(|a| a.replace("{f}", f).replace("{catalog}", cat.to_str().unwrap())).collect();
    let out = cmd().args(&args).output().unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "stderr: {err}");
    assert!(!err.contains("panicked"), "{err}");
    assert!(err.contains("usage.csv"), "no file name in: {err}");
    for n in needles {
        assert!(err.contains(n), "expected {n:?} in: {err}");
    }
}

const CATALOG: &str = r#"[meta]
as_of = "2026-11-01"
[[model]]
id = "gpt-4.1"
provider = "openai"
input_per_mtok = 2.0
output_per_mtok = 8.0
[[model]]
id = "gpt-4.1-mini"
provider = "openai"
input_per_mtok = 0.4
output_per_mtok = 1.6
"#;

const VALIDATE: &[&str] = &["validate", "{f}"];
const PROFILE: &[&str] = &["profile", "--history", "{f}"];

#[test]
fn missing_column_lists_the_columns_found() {
    rejects(
        VALIDATE,
        "month,model,input_tokens\n2027-01,m,1\n",
        &[
            "usage.csv:1: output_tokens: missing column `output_tokens`",
            "columns found: `month`, `model`, `input_tokens`",
        ],
    );
}

#[test]
fn misnamed_column_names_the_closest() {
    rejects(VALIDATE, "month,model,input_tokns,output_tokens\n2027-01,m,1,1\n", &["did you mean `input_tokns`?"]);
    rejects(
        &[
            "profile",
            "--history",
            "{f}",
            "--columns",
            "timestamp=TIMESTAMP,input_tokens=ContextTokenz,output_tokens=out",
        ],
        "TIMESTAMP,ContextTokens,out\n2023-11-16 18:17:03,1,1\n",
        &["column `ContextTokenz` (mapped to `input_tokens`) is not in the file", "did you mean `ContextTokens`?"],
    );
}

#[test]
fn missing_period_and_model_columns_say_what_they_hold() {
    rejects(VALIDATE, "when,model,input_tokens,output_tokens\nx,m,1,1\n", &["missing column `month`", "`date`"]);
    rejects(VALIDATE, "month,input_tokens,output_tokens\n2027-01,1,1\n", &["missing column `model`", "--model"]);
    rejects(PROFILE, "month,input_tokens,output_tokens\n2027-01,1,1\n", &["missing column `timestamp`"]);
}

#[test]
fn bad_timestamp_names_line_column_and_value() {
    rejects(
        PROFILE,
        "timestamp,input_tokens,output_tokens\r\n2023-11-16 18:17:03.9799600,1,1\r\n\r\n2023-11-16 25:17:03,1,1\r\n",
        &["usage.csv:4: timestamp: cannot read timestamp `2023-11-16 25:17:03`", "ISO 8601"],
    );
    rejects(
        PROFILE,
        "timestamp,input_tokens,output_tokens\n17,1,1\n",
        &["usage.csv:2: timestamp:", "--timestamp-unit"],
    );
    rejects(
        VALIDATE,
        "date,model,input_tokens,output_tokens\n2027-02-30,m,1,1\n",
        &["usage.csv:2: date:", "`2027-02-30`"],
    );
    rejects(VALIDATE, "month,model,input_tokens,output_tokens\n2027-13,m,1,1\n", &["usage.csv:2: month:", "`2027-13`"]);
}

#[test]
fn bad_numbers_name_line_column_and_value() {
    let head = "month,model,input_tokens,output_tokens\n2027-01,m,1,1\n";
    rejects(VALIDATE, &format!("{head}2027-02,m,lots,1\n"), &["usage.csv:3: input_tokens: not a number", "`lots`"]);
    rejects(
        VALIDATE,
        &format!("{head}2027-02,m,1,-3\n"),
        &["usage.csv:3: output_tokens: negative token count", "`-3`"],
    );
    rejects(
        VALIDATE,
        &format!("{head}2027-02,m,12.5,1\n"),
        &["usage.csv:3: input_tokens: fractional token count", "`12.5`"],
    );
    rejects(VALIDATE, &format!("{head}2027-02,m,,1\n"), &["usage.csv:3: input_tokens: empty cell"]);
    rejects(VALIDATE, &format!("{head}2027-02,,1,1\n"), &["usage.csv:3: model: empty cell"]);
}

#[test]
fn unknown_model_with_a_catalog_names_the_closest_id() {
    rejects(
        &["profile", "--history", "{f}", "--catalog", "{catalog}"],
        "timestamp,model,input_tokens,output_tokens\n2023-11-16T18:17:03Z,gpt-4.1,1,1\n2023-11-16T18:18:03Z,gpt-4.1-mni,1,1\n",
        &["usage.csv:3: model: unknown model `gpt-4.1-mni`", "did you mean `gpt-4.1-mini`?"],
    );
}

#[test]
fn empty_and_header_only_files() {
    for args in [VALIDATE, PROFILE] {
        rejects(args, "", &["the file is empty"]);
        rejects(args, "\r\n\r\n", &["the file is empty"]);
        rejects(args, "timestamp,model,input_tokens,output_tokens\r\n", &["usage.csv:1:", "no data rows"]);
    }
}

#[test]
fn a_missing_month_inside_a_series_is_an_error() {
    rejects(
        VALIDATE,
        "month,workload,model,input_tokens,output_tokens\n2027-01,chat,m,1,1\n2027-04,chat,m,1,1\n",
        &["series `chat` / `m`", "no rows for 2027-02, 2027-03", "gaps = \"zero\""],
    );
}

#[test]
fn bad_options_are_usage_errors_naming_the_flag() {
    let d = Dir::new();
    let f = d.write("r.csv", "timestamp,input_tokens,output_tokens\n2023-11-16T18:17:03Z,1,1\n");
    for (flag, value, needle) in [
        ("--columns", "inputs=x", "`inputs` is not a standard column"),
        ("--timestamp-origin", "soon", "--timestamp-origin"),
        ("--output-weight", "-1", "--output-weight must be a number >= 0"),
        ("--history-format", "focus", "not FOCUS billing exports"),
    ] {
        let out = cmd().args(["profile", "--history"]).arg(&f).arg(format!("{flag}={value}")).output().unwrap();
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{err}");
        assert!(err.contains(needle), "expected {needle:?} in: {err}");
    }
    let out = cmd().args(["profile", "--history", "nope.csv"]).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("cannot read nope.csv"));
}

#[test]
fn two_columns_of_the_same_name_are_an_error() {
    rejects(
        VALIDATE,
        "month,model,input_tokens,output_tokens,Input_Tokens\n2027-01,m,1,1,5\n",
        &["usage.csv:1: input_tokens", "two columns named `input_tokens` (columns 3 and 5)"],
    );
    rejects(
        PROFILE,
        "timestamp,input_tokens,output_tokens,output_tokens\n2027-01-01T00:00:00,1,1,1\n",
        &["two columns named `output_tokens` (columns 3 and 4)"],
    );
}

#[test]
fn a_load_profile_with_absurd_or_negative_minutes_names_the_line() {
    rejects(
        VALIDATE,
        "minute,tokens\n0,5\n1,1e308\n",
        &["usage.csv:3", "expected a number from 0 to 1e15, found `1e308`"],
    );
    rejects(VALIDATE, "minute,tokens\n0,-1\n", &["usage.csv:2", "found `-1`"]);
}

/// The shipped traces under their own column names: every column that is
/// not found is in one error, each with the header that reads as it (an
/// output column is offered `GeneratedTokens` or `Response tokens`, not the
/// closest spelling), and the suggested mapping reads the file.
#[test]
fn every_missing_column_of_a_trace_is_reported_at_once_with_a_mapping_that_works() {
    let cases = [
        (
            "AzureLLMInferenceTrace_code.csv",
            "2 columns not found",
            "input_tokens=ContextTokens,output_tokens=GeneratedTokens",
            &[][..],
        ),
        (
            "BurstGPT_1_first400.csv",
            "2 columns not found",
            "input_tokens=Request tokens,output_tokens=Response tokens",
            &["--timestamp-unit", "s"][..],
        ),
        (
            "mooncake_conversation_trace.csv",
            "3 columns not found",
            "timestamp=timestamp_ms,input_tokens=input_length,output_tokens=output_length",
            &["--timestamp-unit", "ms"][..],
        ),
    ];
    for (file, count, mapping, extra) in cases {
        let path = crate::util::repo(&format!("tests/fixtures/traces/{file}"));
        let out = cmd().arg("profile").arg("--history").arg(&path).output().unwrap();
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{err}");
        assert!(err.contains(count) && err.contains(mapping), "{file}: {err}");
        assert_eq!(err.matches("error:").count(), 1, "{err}");
        let out =
            cmd().arg("profile").arg("--history").arg(&path).args(["--columns", mapping]).args(extra).output().unwrap();
        assert!(out.status.success(), "{file} with the suggested mapping: {}", String::from_utf8_lossy(&out.stderr));
    }
    // Mapped headers that are absent and a missing column, in one error.
    rejects(
        &["profile", "--history", "{f}", "--columns", "input_tokens=Context,output_tokens=Gen"],
        "TIMESTAMP,ContextTokens,GeneratedTokens\n2023-11-16 18:17:03,1,1\n",
        &[
            "2 columns not found",
            "`input_tokens` (mapped to `Context`, which is not in the file; did you mean `ContextTokens`?)",
            "`output_tokens` (mapped to `Gen`, which is not in the file; did you mean `GeneratedTokens`?)",
        ],
    );
    // A usage file missing its period and its model: both named.
    rejects(VALIDATE, "when,input_tokens,output_tokens\nx,1,1\n", &["2 columns not found", "`month`", "`model`"]);
}
