//! Snapshots of every report in every format on the shipped files (insta),
//! so that a layout or a number that changes shows up in review as a diff of
//! `tests/cli/snapshots/`. Run from the repository root with relative paths,
//! so that file names in the outputs do not depend on the checkout. Update
//! after an intended change with `INSTA_UPDATE=always cargo test snapshots`
//! (or `cargo insta review`) and read the diff before committing.

use super::util::{cmd, root};

const FORMATS: [&str; 4] = ["table", "markdown", "csv", "json"];
const LOG: &str = "tests/fixtures/traces/AzureLLMInferenceTrace_code.csv";
const LOG_COLUMNS: &str = "timestamp=TIMESTAMP,input_tokens=ContextTokens,output_tokens=GeneratedTokens";

fn output(args: &[&str]) -> String {
    let out = cmd().current_dir(root()).arg("--quiet").args(args).output().expect("runs");
    assert!(out.status.success(), "{args:?}: {}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8(out.stdout).expect("UTF-8 output")
}

fn snapshot_all(name: &str, args: &[&str]) {
    for f in FORMATS {
        let mut a = args.to_vec();
        a.extend(["--format", f]);
        insta::assert_snapshot!(format!("{name}-{f}"), output(&a), &a.join(" "));
    }
}

#[test]
fn simulate() {
    snapshot_all(
        "simulate",
        &["simulate", "scenarios/example.toml", "--paths", "2000", "--seed", "7", "--sampling", "random"],
    );
}

/// The default sampling (antithetic pairs, SPEC 6.7): the same report, other
/// paths; the snapshots above pin release 1's plain Monte Carlo.
#[test]
fn simulate_default_sampling() {
    snapshot_all("simulate-antithetic", &["simulate", "scenarios/example.toml", "--paths", "2000", "--seed", "7"]);
}

#[test]
fn sweep_commit() {
    let args = [
        "sweep",
        "scenarios/example.toml",
        "--offer",
        "Anthropic commit",
        "--paths",
        "2000",
        "--seed",
        "7",
        "--sampling",
        "random",
    ];
    snapshot_all("sweep-commit", &args);
}

#[test]
fn sweep_provisioned() {
    let args = [
        "sweep",
        "scenarios/example.toml",
        "--offer",
        "Azure PTU x 150 (1-yr)",
        "--paths",
        "2000",
        "--seed",
        "7",
        "--sampling",
        "random",
    ];
    snapshot_all("sweep-provisioned", &args);
}

#[test]
fn track() {
    let args = [
        "track",
        "scenarios/example.toml",
        "--offer",
        "Anthropic commit",
        "--actuals",
        "scenarios/northwind-actuals-2027.csv",
        "--paths",
        "2000",
        "--seed",
        "7",
    ];
    snapshot_all("track", &args);
}

#[test]
fn forecast() {
    snapshot_all(
        "forecast",
        &["forecast", "scenarios/example-history.toml", "--paths", "2000", "--seed", "7", "--sampling", "random"],
    );
}

#[test]
fn backtest() {
    snapshot_all("backtest", &["backtest", "--history", "scenarios/northwind-usage.csv", "--paths", "1000"]);
}

#[test]
fn score() {
    snapshot_all(
        "score",
        &["score", "contracts/openai.toml", "contracts/anthropic.toml", "contracts/azure-openai.toml"],
    );
}

#[test]
fn profile() {
    snapshot_all("profile", &["profile", "--history", LOG, "--columns", LOG_COLUMNS]);
}

#[test]
fn walkaway_commit() {
    let args = [
        "walkaway",
        "scenarios/example.toml",
        "--offer",
        "Anthropic commit",
        "--paths",
        "2000",
        "--seed",
        "7",
        "--sampling",
        "random",
    ];
    snapshot_all("walkaway-commit", &args);
}

#[test]
fn walkaway_provisioned() {
    let args = [
        "walkaway",
        "scenarios/example.toml",
        "--offer",
        "Azure PTU x 150 (1-yr)",
        "--paths",
        "2000",
        "--seed",
        "7",
        "--sampling",
        "random",
    ];
    snapshot_all("walkaway-provisioned", &args);
}
