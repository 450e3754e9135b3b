//! Usage data as vendors export it (SPEC 6.4, issue 19): files recognised
//! by content (CSV, gzip CSV, JSON pages), and the vendor presets. Every
//! expected figure is counted by hand from the fixture named beside it.

use std::path::PathBuf;

use commitsim::api::Catalog;
use commitsim::api::{read_history, History, HistoryFormat, HistoryOptions};

use crate::util::{cmd, repo, Dir};

fn fixture(rel: &str) -> PathBuf {
    repo(&format!("tests/fixtures/{rel}"))
}

fn focus_opts() -> HistoryOptions {
    HistoryOptions { format: HistoryFormat::Focus, ..HistoryOptions::default() }
}

fn aliases_catalog() -> Catalog {
    Catalog::load(&fixture("focus/catalog_aliases.toml")).unwrap()
}

/// The gzip bytes of `data`.
fn gzip(data: &[u8]) -> Vec<u8> {
    use std::io::Write;
    let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    e.write_all(data).unwrap();
    e.finish().unwrap()
}

/// The same FOCUS export as CSV, gzip CSV, JSON (an array of rows) and
/// Parquet (typed columns: timestamps, doubles, nullable strings; row
/// groups of 10 rows), made by scripts/make_export_fixtures.py, reads into
/// identical series; only the place of a row in the warnings differs (a
/// line, `[14]`, or `row 15`).
#[test]
fn focus_export_as_csv_gzip_and_json_gives_identical_series() {
    let read = |f: &str| read_history(&fixture(f), &focus_opts(), Some(&aliases_catalog())).unwrap();
    let csv = read("focus/genai_tokens_focus.csv");
    assert_eq!(csv.series.len(), 3);
    for other in ["exports/focus_tokens.csv.gz", "exports/focus_tokens.json", "exports/focus_tokens.parquet"] {
        let h = read(other);
        assert_eq!(h.series, csv.series, "{other}");
        assert_eq!(h.warnings.len(), csv.warnings.len(), "{other}");
    }
    let json = read("exports/focus_tokens.json");
    let w = json.warnings.join("\n");
    // Line 16 of the CSV is its 15th data row, element [14] of the array.
    assert!(w.contains("1 token rows (5000 tokens, first at [14]) skipped"), "{w}");
    let pq = read("exports/focus_tokens.parquet");
    let w = pq.warnings.join("\n");
    assert!(w.contains("1 token rows (5000 tokens, first at row 15) skipped"), "{w}");
}

/// A Parquet file without a column the reader needs, and one cut short:
/// exit 2, naming the file, the column and what it should hold.
#[test]
fn bad_parquet_files_exit_2_with_the_column_or_the_problem() {
    let cat = repo("tests/fixtures/focus/catalog_aliases.toml");
    let run = |p: &PathBuf| {
        let out = cmd()
            .args(["forecast", "--history"])
            .arg(p)
            .args(["--history-format", "focus", "--catalog"])
            .arg(&cat)
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(2));
        String::from_utf8_lossy(&out.stderr).into_owned()
    };
    let e = run(&fixture("exports/focus_no_quantity.parquet"));
    assert!(e.contains("focus_no_quantity.parquet"), "{e}");
    assert!(e.contains("missing column `ConsumedQuantity` (quantity consumed, in ConsumedUnit)"), "{e}");
    let d = Dir::new();
    let bytes = std::fs::read(fixture("exports/focus_tokens.parquet")).unwrap();
    let cut = d.path("cut.parquet");
    std::fs::write(&cut, &bytes[..bytes.len() / 2]).unwrap();
    let e = run(&cut);
    assert!(
        e.contains("cut.parquet: cannot read the Parquet file") && e.contains("expected a complete Parquet file"),
        "{e}"
    );
}

/// A usage CSV written as gzip, and as JSON lines of rows, reads as the CSV.
#[test]
fn usage_file_as_gzip_and_json_lines_reads_as_the_csv() {
    let d = Dir::new();
    let text = "month,model,input_tokens,output_tokens,cached_input_tokens\n\
                2027-01,m,1000,200,50\n2027-02,m,1100,210,60\n2027-02,n,7,3,\n";
    let csv = d.write("u.csv", text);
    let gz = d.path("u.bin");
    std::fs::write(&gz, gzip(text.as_bytes())).unwrap();
    let lines = d.write(
        "u.txt",
        "{\"month\":\"2027-01\",\"model\":\"m\",\"input_tokens\":1000,\"output_tokens\":200,\"cached_input_tokens\":50}\n\
         {\"month\":\"2027-02\",\"model\":\"m\",\"input_tokens\":1100,\"output_tokens\":210,\"cached_input_tokens\":60}\n\
         {\"month\":\"2027-02\",\"model\":\"n\",\"input_tokens\":7,\"output_tokens\":3,\"cached_input_tokens\":null}\n",
    );
    let read = |p: &PathBuf| read_history(p, &HistoryOptions::default(), None).unwrap();
    let want: History = read(&csv);
    assert_eq!(want.series.len(), 2);
    assert_eq!(want.series[0].months[1].input, 1100.0);
    assert_eq!(want.series[0].months[1].cached, 60.0);
    for p in [&gz, &lines] {
        assert_eq!(read(p).series, want.series, "{}", p.display());
    }
    // validate recognises each by content, whatever the name.
    for p in [&gz, &lines] {
        let out = cmd().arg("validate").arg(p).output().unwrap();
        let stdout = String::from_utf8_lossy(&out.stdout);
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
        assert!(stdout.contains("(history, 2 series, 2027-01 to 2027-02)"), "{stdout}");
    }
}

/// A JSON document cut short, a gzip stream cut short, and a bad cell in a
/// JSON row: exit 2, naming the file and the line or the row and field.
#[test]
fn bad_json_and_gzip_files_exit_2_with_where_and_what() {
    let d = Dir::new();
    let cut = d.write("cut.json", "[{\"month\":\"2027-01\",\"model\":\"m\",\n\"input_tokens\":10");
    let out = cmd().args(["forecast", "--history"]).arg(&cut).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    let e = String::from_utf8_lossy(&out.stderr);
    assert!(e.contains("cut.json:2: the JSON ends early"), "{e}");

    let full = gzip("month,model,input_tokens,output_tokens\n2027-01,m,10,2\n".repeat(2000).as_bytes());
    let gz = d.path("cut.csv.gz");
    std::fs::write(&gz, &full[..full.len() / 2]).unwrap();
    let out = cmd().args(["forecast", "--history"]).arg(&gz).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    let e = String::from_utf8_lossy(&out.stderr);
    assert!(e.contains("cut.csv.gz") && e.contains("the gzip stream is cut short"), "{e}");

    let bad = d.write("bad.json", r#"{"data":[{"month":"2027-01","model":"m","input_tokens":10,"output_tokens":-4}]}"#);
    let out = cmd().args(["forecast", "--history"]).arg(&bad).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    let e = String::from_utf8_lossy(&out.stderr);
    assert!(e.contains("bad.json: data[0], field `output_tokens`: negative token count"), "{e}");
}

fn prices() -> Catalog {
    Catalog::load(&repo("scenarios/prices.toml")).unwrap()
}

fn opts(format: HistoryFormat, workload_field: Option<&str>) -> HistoryOptions {
    let mut o = HistoryOptions { format, ..HistoryOptions::default() };
    if let Some(w) = workload_field {
        o.columns.insert("workload".into(), w.into());
    }
    o
}

/// Tokens of one month: (input, cached, output, short cache writes, long cache writes).
type Month5 = (f64, f64, f64, f64, f64);
/// (workload, model, first month, [month]) of a series.
type Row = (String, String, String, Vec<Month5>);
/// The same, borrowed.
type RowRef<'a> = (&'a str, &'a str, &'a str, Vec<Month5>);

/// The rows of a history.
fn series(h: &History) -> Vec<Row> {
    h.series
        .iter()
        .map(|s| {
            let m = s.months.iter().map(|u| (u.input, u.cached, u.output, u.cache_write, u.cache_write_long)).collect();
            (s.workload.clone(), s.model.clone(), s.first.to_string(), m)
        })
        .collect()
}

fn owned(rows: &[RowRef]) -> Vec<Row> {
    rows.iter().map(|(w, m, f, v)| (w.to_string(), m.to_string(), f.to_string(), v.clone())).collect()
}

/// OpenAI Usage API, two pages of 1d buckets (Nov and Dec 2026), counted by
/// hand from scripts/make_export_fixtures.py: gpt-6.2-sol in November is
/// 1,000,000 − 400,000 + 500,000 + 300,000 − 100,000 = 1,300,000 uncached
/// (input_tokens counts the cached tokens: they are taken out), 500,000
/// cached, 350,000 output; the snapshot ids map to catalog ids; the empty
/// buckets of the month ends make both months complete (no scaling).
#[test]
fn openai_usage_api_daily_buckets_to_the_token() {
    let h = read_history(
        &fixture("exports/openai_usage_1d.json"),
        &opts(HistoryFormat::OpenAiUsage, None),
        Some(&prices()),
    )
    .unwrap();
    let want = owned(&[
        ("all", "gpt-4.1", "2026-12", vec![(2_000.0, 0.0, 1_000.0, 0.0, 0.0)]),
        (
            "all",
            "gpt-6.2-sol",
            "2026-11",
            vec![(1_300_000.0, 500_000.0, 350_000.0, 0.0, 0.0), (500_000.0, 300_000.0, 90_000.0, 0.0, 0.0)],
        ),
    ]);
    assert_eq!(series(&h), want);
    let w = h.warnings.join("\n");
    for needle in [
        "read as openai-usage (JSON): 5 of 62 rows are token usage; 57 skipped: period without use (empty bucket or row) 57",
        "`gpt-4.1-2025-04-14` → `gpt-4.1` (1 rows), `gpt-6.2-sol-2026-11-17` → `gpt-6.2-sol` (3 rows)",
        "600000 tokens went through the batch API",
    ] {
        assert!(w.contains(needle), "expected {needle:?} in:\n{w}");
    }
    assert!(!w.contains("partial"), "{w}");
}

/// The dashboard's CSV: counts as floats, TRUE/FALSE, a row of empty cells
/// (a blank line), and days without use whose dates are kept: the first
/// and last of November are observed, so November is not scaled.
#[test]
fn openai_dashboard_csv_with_floats_and_empty_rows_to_the_token() {
    let h = read_history(
        &fixture("exports/openai_dashboard.csv"),
        &opts(HistoryFormat::OpenAiUsage, Some("project_id")),
        Some(&prices()),
    )
    .unwrap();
    let want = owned(&[
        ("proj_a", "gpt-6-luna", "2026-11", vec![(70.0, 0.0, 20.0, 0.0, 0.0)]),
        ("proj_a", "gpt-6.2-sol", "2026-11", vec![(1_000.0, 500.0, 300.0, 0.0, 0.0)]),
        ("proj_b", "gpt-6.2-sol", "2026-11", vec![(4_000.0, 0.0, 1_000.0, 0.0, 0.0)]),
    ]);
    assert_eq!(series(&h), want);
    let w = h.warnings.join("\n");
    assert!(
        w.contains("(CSV): 3 of 5 rows are token usage; 2 skipped: period without use (empty bucket or row) 2"),
        "{w}"
    );
    assert!(w.contains("5000 tokens went through the batch API"), "{w}");
    assert!(!w.contains("partial"), "{w}");
}

/// Anthropic's usage report: cache writes by lifetime are classes of their
/// own (150,000 uncached, 40,000 5-minute and 10,000 1-hour writes for
/// Sonnet; 5,000 and 500 5-minute writes for Haiku), not input; the batch
/// tier counts as batch.
#[test]
fn anthropic_usage_report_to_the_token() {
    let h = read_history(
        &fixture("exports/anthropic_usage_1d.json"),
        &opts(HistoryFormat::AnthropicUsage, Some("workspace_id")),
        Some(&prices()),
    )
    .unwrap();
    let want = owned(&[
        ("wrkspc_a", "claude-sonnet-5-5", "2026-11", vec![(150_000.0, 800_000.0, 69_000.0, 40_000.0, 10_000.0)]),
        ("wrkspc_b", "claude-haiku-5-5", "2026-11", vec![(5_000.0, 1_000.0, 2_000.0, 500.0, 0.0)]),
    ]);
    assert_eq!(series(&h), want);
    let w = h.warnings.join("\n");
    for needle in [
        "3 of 4 rows are token usage; 1 skipped: period without use (empty bucket) 1",
        "39000 tokens went through the batch API",
        "`claude-sonnet-5-5-20261002` → `claude-sonnet-5-5` (2 rows)",
    ] {
        assert!(w.contains(needle), "expected {needle:?} in:\n{w}");
    }
    assert!(!w.contains("partial"), "{w}");
}

/// Usage API 1-minute buckets as `profile` input: 12 minutes (10:00 to
/// 10:11, the empty buckets counted as zero minutes), effective tokens
/// per minute with output weight 1: 1,100, 0, 3,500, 0, 550, 0, 0, 0, 0,
/// 2,000, 0, 0 (numpy: mean 595.8333…, p99 3335.0, peak 3500).
#[test]
fn openai_minute_buckets_give_profile_its_per_minute_load() {
    let out = cmd()
        .args(["profile", "--history"])
        .arg(fixture("exports/openai_usage_1m.jsonl"))
        .args(["--history-format", "openai-usage", "--output-weight", "1", "--format", "json", "--catalog"])
        .arg(repo("scenarios/prices.toml"))
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let j: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(j["minutes"], 12);
    crate::util::close(j["mean"].as_f64().unwrap(), 7150.0 / 12.0, 1e-12);
    crate::util::close(j["p99"].as_f64().unwrap(), 3335.0, 1e-12);
    assert_eq!(j["peak"].as_f64().unwrap(), 3500.0);
    // Daily buckets cannot give a per-minute load.
    let out = cmd()
        .args(["profile", "--history"])
        .arg(fixture("exports/openai_usage_1d.json"))
        .args(["--history-format", "openai-usage"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let e = String::from_utf8_lossy(&out.stderr);
    assert!(e.contains("profile needs 1-minute usage buckets, and this export has buckets of 24 h"), "{e}");
}

/// An unknown model, cached tokens above input tokens, and a cost report
/// given as usage: exit 2, naming the row and field and what was expected.
#[test]
fn bad_vendor_exports_exit_2_naming_row_field_and_expectation() {
    let d = Dir::new();
    let run = |file: &PathBuf, format: &str| {
        let out = cmd()
            .args(["forecast", "--history"])
            .arg(file)
            .args(["--history-format", format, "--catalog"])
            .arg(repo("scenarios/prices.toml"))
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(2));
        String::from_utf8_lossy(&out.stderr).into_owned()
    };
    let page = |model: &str, inp: u64, cached: u64| {
        format!(
            r#"{{"object":"page","data":[{{"object":"bucket","start_time":1793491200,"end_time":1793577600,"results":[{{"model":"{model}","input_tokens":{inp},"input_cached_tokens":{cached},"output_tokens":5}}]}}]}}"#
        )
    };
    let unknown = d.write("unknown.json", &page("gpt-6.2-sl-2026-11-17", 10, 0));
    let e = run(&unknown, "openai-usage");
    assert!(
        e.contains("unknown.json: data[0].results[0], field `model`: model `gpt-6.2-sl-2026-11-17` (read as `gpt-6.2-sl` without its date) is not in catalog"),
        "{e}"
    );
    assert!(e.contains("the closest catalog id is `gpt-6.2-sol`"), "{e}");
    let over = d.write("over.json", &page("gpt-6.2-sol", 10, 11));
    let e = run(&over, "openai-usage");
    assert!(e.contains("field `input_cached_tokens`: input_cached_tokens 11 is more than input_tokens 10"), "{e}");
    let e = run(&fixture("exports/anthropic_cost_1d.json"), "anthropic-usage");
    assert!(e.contains("no token usage found in 2 rows read as anthropic-usage"), "{e}");
    assert!(e.contains("2 cost report rows total $0.44 (their `amount` is in cents)"), "{e}");
}

/// `[history] format` in a scenario reads a vendor export: the Anthropic
/// usage report as a scenario's history, with growth stated (one month of
/// history is enough then); a misspelt format names the closest.
#[test]
fn scenario_history_format_reads_a_vendor_export() {
    let d = Dir::new();
    std::fs::copy(repo("scenarios/prices.toml"), d.path("prices.toml")).unwrap();
    std::fs::copy(fixture("exports/anthropic_usage_1d.json"), d.path("u.json")).unwrap();
    let scenario = |format: &str| {
        format!(
            "name = \"usage report\"\nstart = \"2026-12\"\nhorizon_months = 12\ncatalog = \"prices.toml\"\n\n\
             [history]\nfile = \"u.json\"\nformat = \"{format}\"\n\n[forecast]\ngrowth_annual = 0.5\n\
             volatility_monthly = 0.1\n\n[[offers]]\nname = \"List\"\nkind = \"payg\"\n"
        )
    };
    let s = d.write("s.toml", &scenario("anthropic-usage"));
    let out = cmd().arg("validate").arg(&s).output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let e = String::from_utf8_lossy(&out.stderr);
    assert!(!e.contains("cache writes") && !e.contains("billed at the input"), "{e}");
    let s = d.write("s.toml", &scenario("anthropic"));
    let out = cmd().arg("validate").arg(&s).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    let e = String::from_utf8_lossy(&out.stderr);
    assert!(
        e.contains("s.toml:8: history.format: expected one of") && e.contains("did you mean \"anthropic-usage\"?"),
        "{e}"
    );
}

/// `validate --format json` on `files`, decoded; asserts success.
fn validate_json(files: &[PathBuf], extra: &[&str]) -> serde_json::Value {
    let out = cmd().arg("validate").args(files).args(extra).args(["--format", "json", "--quiet"]).output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    serde_json::from_slice(&out.stdout).expect("valid JSON")
}

fn ints(v: &serde_json::Value) -> Vec<u64> {
    v.as_array().expect("array").iter().map(|x| x.as_u64().expect("whole number")).collect()
}

/// `validate --format json` (SPEC 6.4): per file the rows read and skipped
/// by reason, per series the months and each class's tokens per month,
/// before partial-month scaling: the FOCUS fixture's March (15 of 31 days,
/// scaled by 31/15 for forecasting) shows the 1,000,000 input tokens the
/// file holds; the Anthropic report shows its cache writes apart from the
/// uncached input; the FOCUS export as CSV, gzip, JSON and Parquet reads
/// the same.
#[test]
fn validate_json_shows_classes_months_and_skips_before_scaling() {
    let cat = repo("tests/fixtures/focus/catalog_aliases.toml");
    let focus: Vec<PathBuf> = [
        "focus/genai_tokens_focus.csv",
        "exports/focus_tokens.csv.gz",
        "exports/focus_tokens.json",
        "exports/focus_tokens.parquet",
    ]
    .iter()
    .map(|f| fixture(f))
    .collect();
    let j = validate_json(&focus, &["--catalog", cat.to_str().unwrap()]);
    let files = j["files"].as_array().unwrap();
    assert_eq!(files.len(), 4);
    let f = &files[0];
    assert_eq!(f["kind"], "FOCUS export");
    assert_eq!(f["rows_read"], 25);
    assert_eq!(f["rows_skipped"]["ChargeCategory Credit"], 1);
    assert_eq!(f["rows_skipped"]["ConsumedUnit Hours"], 1);
    assert_eq!(f["rows_skipped"]["token row of unknown direction"], 1);
    let s = &f["series"][0];
    assert_eq!(s["model"], "bedrock-claude-sonnet-5-5");
    assert_eq!(s["months"], serde_json::json!(["2027-01", "2027-02", "2027-03"]));
    assert_eq!(ints(&s["tokens"]["input"]), [2_000_000, 2_500_000, 1_000_000]);
    assert_eq!(ints(&s["tokens"]["cached"]), [0, 0, 100_000]);
    assert_eq!(ints(&s["tokens"]["output"]), [500_000, 600_000, 250_000]);
    for other in &files[1..] {
        assert_eq!(other["series"], f["series"]);
        assert_eq!(other["rows_skipped"], f["rows_skipped"]);
        assert_eq!(other["rows_read"], 25);
    }

    let j = validate_json(
        &[fixture("exports/anthropic_usage_1d.json")],
        &[
            "--history-format",
            "anthropic-usage",
            "--columns",
            "workload=workspace_id",
            "--catalog",
            "scenarios/prices.toml",
        ],
    );
    let f = &j["files"][0];
    assert_eq!(f["rows_read"], 4);
    assert_eq!(f["rows_skipped"], serde_json::json!({ "period without use (empty bucket)": 1 }));
    let t = &f["series"][0]["tokens"];
    assert_eq!(f["series"][0]["workload"], "wrkspc_a");
    let got: Vec<Vec<u64>> = ["input", "cached", "cache_write", "cache_write_long", "output", "batch"]
        .iter()
        .map(|k| ints(&t[*k]))
        .collect();
    assert_eq!(got, [[150_000], [800_000], [40_000], [10_000], [69_000], [39_000]]);

    let j = validate_json(
        &[fixture("exports/openai_usage_1d.json")],
        &["--history-format", "openai-usage", "--catalog", "scenarios/prices.toml"],
    );
    let s = &j["files"][0]["series"][1];
    assert_eq!(s["model"], "gpt-6.2-sol");
    assert_eq!(s["months"], serde_json::json!(["2026-11", "2026-12"]));
    assert_eq!(ints(&s["tokens"]["input"]), [1_300_000, 500_000]);
    assert_eq!(ints(&s["tokens"]["batch"]), [600_000, 0]);
    assert_eq!(j["files"][0]["rows_read"], 62);
}

fn clouds() -> Catalog {
    Catalog::load(&fixture("exports/catalog_clouds.toml")).unwrap()
}

/// The classes of `validate --format json` for one series, in the order
/// input, cached, cache_write, cache_write_long, output, batch.
fn class_rows(s: &serde_json::Value) -> Vec<Vec<u64>> {
    ["input", "cached", "cache_write", "cache_write_long", "output", "batch"]
        .iter()
        .map(|k| ints(&s["tokens"][*k]))
        .collect()
}

/// Azure Cost Management ActualCost export (CSV with `MM/DD/YYYY` dates,
/// and the same rows as Parquet with DATE columns), counted by hand from
/// scripts/make_export_fixtures.py (`azure_rows`). `Quantity` counts units
/// of `UnitOfMeasure`: gpt-4.1's 1K meters give 1500.5 × 1,000 = 1,500,500
/// input, 200 × 1,000 output, 300 × 1,000 cached; the `Cd Wr ... 1M Tokens`
/// meter 0.04 × 1,000,000 = 40,000 cache writes, a class of their own; GPT-5.4's 1M meters 2.5 × 1,000,000 = 2,500,000 input and
/// 0.125 × 1,000,000 = 125,000 output (read as 1K they would be 2,500 and
/// 125); o4-mini 40 and 8.25 × 1,000; the batch meter 1,000 × 1,000. The
/// PTU hours, the VM, the reservation purchase and the refund are skipped
/// by reason; the meters' models map to the Azure-sold catalog models.
#[test]
fn azure_cost_export_csv_and_parquet_to_the_token() {
    let want = owned(&[
        ("rg-batch", "azure-gpt-4.1", "2026-11", vec![(1_000_000.0, 0.0, 0.0, 0.0, 0.0)]),
        (
            "rg-chat",
            "azure-gpt-4.1",
            "2026-11",
            vec![(1_500_500.0, 300_000.0, 200_000.0, 40_000.0, 0.0), (100_000.0, 0.0, 0.0, 0.0, 0.0)],
        ),
        ("rg-chat", "azure-gpt-5.4", "2026-11", vec![(2_500_000.0, 0.0, 125_000.0, 0.0, 0.0)]),
        ("rg-chat", "azure-o4-mini", "2026-12", vec![(40_000.0, 0.0, 8_250.0, 0.0, 0.0)]),
    ]);
    // Azure also delivers the CSV gzip-compressed.
    let d = Dir::new();
    let gz = d.path("part_0_0001.csv.gz");
    std::fs::write(&gz, gzip(&std::fs::read(fixture("exports/azure_actual_cost.csv")).unwrap())).unwrap();
    let gz = gz.to_str().unwrap().to_string();
    let files = [
        (fixture("exports/azure_actual_cost.csv"), "CSV"),
        (fixture("exports/azure_actual_cost.parquet"), "Parquet"),
        (PathBuf::from(&gz), "gzip CSV"),
    ];
    for (path, kind) in &files {
        let file = path.display();
        let h = read_history(path, &opts(HistoryFormat::AzureCost, Some("ResourceGroup")), Some(&clouds())).unwrap();
        assert_eq!(series(&h), want, "{file}");
        let w = h.warnings.join("\n");
        for needle in [
            format!(
                "read as azure-cost ({kind}): 10 of 14 rows are token usage; 4 skipped: ChargeType Purchase 1, \
                 ChargeType Refund 1, not a token meter (unit 1 Hour) 1, not a token meter (unit 1/Hour) 1"
            ),
            "`gpt-4.1` → `azure-gpt-4.1` (6 rows), `gpt-5.4` → `azure-gpt-5.4` (2 rows), `o4-mini-0416` → \
             `azure-o4-mini` (2 rows)"
                .to_string(),
            "1000000 tokens went through the batch API".to_string(),
        ] {
            assert!(w.contains(&needle), "expected {needle:?} in:\n{w}");
        }
        assert!(!w.contains("partial"), "{w}");
    }
    // validate --format json: the classes apart, and the skips by reason.
    let j = validate_json(
        &[fixture("exports/azure_actual_cost.csv"), fixture("exports/azure_actual_cost.parquet")],
        &[
            "--history-format",
            "azure-cost",
            "--columns",
            "workload=Tags.team",
            "--catalog",
            "tests/fixtures/exports/catalog_clouds.toml",
        ],
    );
    let files = j["files"].as_array().unwrap();
    let f = &files[0];
    assert_eq!(f["rows_read"], 14);
    assert_eq!(
        f["rows_skipped"],
        serde_json::json!({"ChargeType Purchase": 1, "ChargeType Refund": 1, "not a token meter (unit 1 Hour)": 1,
                           "not a token meter (unit 1/Hour)": 1})
    );
    // The `team` key of the Tags JSON is the resource group's name.
    let s = &f["series"][1];
    assert_eq!((s["workload"].as_str(), s["model"].as_str()), (Some("rg-chat"), Some("azure-gpt-4.1")));
    assert_eq!(s["months"], serde_json::json!(["2026-11", "2026-12"]));
    assert_eq!(
        class_rows(s),
        [vec![1_500_500, 100_000], vec![300_000, 0], vec![40_000, 0], vec![0, 0], vec![200_000, 0], vec![0, 0]]
    );
    assert_eq!(class_rows(&f["series"][0]), [[1_000_000], [0], [0], [0], [0], [1_000_000]]);
    assert_eq!(files[1]["series"], f["series"]);
}

/// Azure meters the reader cannot read: a token meter without a token
/// class, a unit that is not a token block, a meter whose name and unit
/// disagree, a model the catalog lacks; exit 2 with the file, the line or
/// row, the meter and what was expected.
#[test]
fn azure_unknown_meters_exit_2_with_file_row_meter_and_expectation() {
    let d = Dir::new();
    let run = |file: &PathBuf| {
        let out = cmd()
            .args(["forecast", "--history"])
            .arg(file)
            .args(["--history-format", "azure-cost", "--catalog"])
            .arg(fixture("exports/catalog_clouds.toml"))
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(2));
        String::from_utf8_lossy(&out.stderr).into_owned()
    };
    let one = |name: &str, meter: &str, unit: &str| {
        d.write(
            name,
            &format!(
                "Date,MeterName,Quantity,UnitOfMeasure,ChargeType\n11/01/2026,gpt-4.1-Inp-glbl Tokens,1,1K,Usage\n\
                 11/02/2026,{meter},2,{unit},Usage\n"
            ),
        )
    };
    let e = run(&one("noclass.csv", "gpt-4.1 glbl Tokens", "1K"));
    assert!(
        e.contains(
            "noclass.csv:3: MeterName: unknown meter `gpt-4.1 glbl Tokens`: its token class cannot be read; \
                    expected the model, then its token class (`inp`/`input` for input"
        ),
        "{e}"
    );
    let e = run(&one("hours.csv", "gpt-4.1-Inp-glbl Tokens", "1 Hour"));
    assert!(
        e.contains(
            "hours.csv:3: UnitOfMeasure: unknown meter `gpt-4.1-Inp-glbl Tokens`: cannot tell how many tokens \
                    one unit is (UnitOfMeasure `1 Hour`); expected UnitOfMeasure `1K` or `1M`"
        ),
        "{e}"
    );
    let e = run(&one("disagree.csv", "5.4 inp Gl 1M Tokens", "1K"));
    assert!(
        e.contains(
            "disagree.csv:3: UnitOfMeasure: meter `5.4 inp Gl 1M Tokens` names a unit of 1000000 tokens but \
                    UnitOfMeasure `1K` is 1000"
        ),
        "{e}"
    );
    let e = run(&one("model.csv", "gpt-4.2-Inp-glbl Tokens", "1K"));
    assert!(
        e.contains(
            "model.csv:3: MeterName: model `gpt-4.2` (the model of meter `gpt-4.2-Inp-glbl Tokens`) is not in \
                    catalog"
        ) && e.contains("the closest catalog id is `"),
        "{e}"
    );
    let e = run(&fixture("exports/azure_unknown_meter.parquet"));
    assert!(
        e.contains("azure_unknown_meter.parquet: row 12, field `MeterName`: unknown meter `o4-mini 0416 glbl Tokens`"),
        "{e}"
    );
}

/// AWS CUR 2.0, counted by hand from scripts/make_export_fixtures.py
/// (`cur_rows`): as Parquet (`product` and `resource_tags` as
/// MAP<string,string> columns), as gzip CSV (the maps as JSON text) and as
/// legacy gzip CSV (the maps flattened into `product_product_name` and
/// `resource_tags_user_team`), all read the same. `line_item_usage_amount`
/// counts units of `pricing_unit`: Sonnet's `1K tokens` give 1200.5 ×
/// 1,000 = 1,200,500 input, 80 × 1,000 output, 5,000 × 1,000 cached, 400 ×
/// 1,000 = 400,000 cache writes (their own class), and 10 × 1,000 in
/// December; the Marketplace Haiku (model only in product_name) `1M
/// tokens` 0.75 and 0.05 × 1,000,000; Nova Lite's batch pair 2,000 and 100
/// × 1,000. The EC2 row, the Tax and the Credit are skipped by reason.
#[test]
fn aws_cur_parquet_and_gzip_csv_with_nested_maps_to_the_token() {
    let want = owned(&[
        (
            "chat",
            "bedrock-claude-sonnet-5-5",
            "2026-11",
            vec![(1_200_500.0, 5_000_000.0, 80_000.0, 400_000.0, 0.0), (10_000.0, 0.0, 0.0, 0.0, 0.0)],
        ),
        ("search", "bedrock-claude-haiku-5-5", "2026-11", vec![(750_000.0, 0.0, 50_000.0, 0.0, 0.0)]),
        ("search", "nova-lite", "2026-11", vec![(2_000_000.0, 0.0, 100_000.0, 0.0, 0.0)]),
    ]);
    for (file, kind) in [
        ("exports/cur2_bedrock.parquet", "Parquet"),
        ("exports/cur2_bedrock.csv.gz", "gzip CSV"),
        ("exports/cur_legacy_flat.csv.gz", "gzip CSV"),
    ] {
        let h = read_history(
            &fixture(file),
            &opts(HistoryFormat::AwsCur, Some("resource_tags.user_team")),
            Some(&clouds()),
        )
        .unwrap();
        assert_eq!(series(&h), want, "{file}");
        let w = h.warnings.join("\n");
        for needle in [
            format!(
                "read as aws-cur ({kind}): 9 of 12 rows are token usage; 3 skipped: line_item_type Credit 1, \
                 line_item_type Tax 1, not token usage (AmazonEC2) 1"
            ),
            "`Claude Haiku 5.5 (Amazon Bedrock Edition)` → `bedrock-claude-haiku-5-5` (2 rows), `Claude5.5Sonnet` → \
             `bedrock-claude-sonnet-5-5` (5 rows), `NovaLite` → `nova-lite` (2 rows)"
                .to_string(),
            "2100000 tokens went through the batch API".to_string(),
        ] {
            assert!(w.contains(&needle), "expected {needle:?} in {file}:\n{w}");
        }
        assert!(!w.contains("partial"), "{w}");
    }
    let files: Vec<PathBuf> =
        ["exports/cur2_bedrock.parquet", "exports/cur2_bedrock.csv.gz"].iter().map(|f| fixture(f)).collect();
    let j = validate_json(
        &files,
        &[
            "--history-format",
            "aws-cur",
            "--columns",
            "workload=line_item_iam_principal",
            "--catalog",
            "tests/fixtures/exports/catalog_clouds.toml",
        ],
    );
    let f = &j["files"][0];
    assert_eq!(f["rows_read"], 12);
    assert_eq!(
        f["rows_skipped"],
        serde_json::json!({"line_item_type Credit": 1, "line_item_type Tax": 1, "not token usage (AmazonEC2)": 1})
    );
    let s = &f["series"][0];
    assert_eq!(s["workload"], "arn:aws:sts::111122223333:assumed-role/ChatApp/session-1");
    assert_eq!(
        class_rows(s),
        [vec![1_200_500, 10_000], vec![5_000_000, 0], vec![400_000, 0], vec![0, 0], vec![80_000, 0], vec![0, 0]]
    );
    assert_eq!(class_rows(&f["series"][2]), [[2_000_000], [0], [0], [0], [100_000], [2_100_000]]);
    assert_eq!(j["files"][1]["series"], f["series"]);
}

/// CUR rows the reader cannot read: a token usage type without a class, a
/// pricing unit that is no number of tokens, a Marketplace row without a
/// product name, and a Parquet file without the usage type column: exit
/// 2 with the file, the line or row, the field and what was expected.
#[test]
fn aws_cur_unknown_usage_types_exit_2_with_file_row_and_expectation() {
    let d = Dir::new();
    let run = |file: &PathBuf| {
        let out = cmd()
            .args(["forecast", "--history"])
            .arg(file)
            .args(["--history-format", "aws-cur", "--catalog"])
            .arg(fixture("exports/catalog_clouds.toml"))
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(2));
        String::from_utf8_lossy(&out.stderr).into_owned()
    };
    let one = |name: &str, ut: &str, unit: &str, product: &str| {
        let path = d.path(name);
        let text = format!(
            "line_item_usage_start_date,line_item_line_item_type,line_item_usage_type,line_item_usage_amount,\
             pricing_unit,product\n2026-11-01T00:00:00Z,Usage,USE1-NovaLite-input-tokens,1,1K tokens,\n\
             2026-11-02T00:00:00Z,Usage,{ut},2,{unit},{product}\n"
        );
        std::fs::write(&path, gzip(text.as_bytes())).unwrap();
        path
    };
    let e = run(&one("noclass.csv.gz", "USE1-NovaLite-tokens", "1K tokens", ""));
    assert!(
        e.contains(
            "noclass.csv.gz:3: line_item_usage_type: unknown usage type `USE1-NovaLite-tokens`: it counts \
                    tokens but names no token class; expected `input`, `output`, `cache-read` or `cache-write`"
        ),
        "{e}"
    );
    let e = run(&one("units.csv.gz", "USW2-MP:USW2_InputTokenCount-Units", "Units", ""));
    assert!(
        e.contains(
            "units.csv.gz:3: pricing_unit: usage type `USW2-MP:USW2_InputTokenCount-Units`: cannot tell how \
                    many tokens one unit is (pricing_unit `Units`); expected pricing_unit `1K tokens`, `1M tokens`"
        ),
        "{e}"
    );
    let e = run(&one(
        "noname.csv.gz",
        "USW2-MP:USW2_InputTokenCount-Units",
        "1M tokens",
        "\"{\"\"region\"\":\"\"us-west-2\"\"}\"",
    ));
    assert!(
        e.contains(
            "noname.csv.gz:3: product: usage type `USW2-MP:USW2_InputTokenCount-Units` names no model and \
                    the row has no product_name"
        ),
        "{e}"
    );
    let e = run(&fixture("exports/azure_actual_cost.parquet"));
    assert!(
        e.contains("azure_actual_cost.parquet") && e.contains("missing column `line_item_usage_start_date`"),
        "{e}"
    );
}

/// LiteLLM spend logs (one row per request; a Postgres CSV export and the
/// proxy's JSON rows) and the daily team table (Parquet), counted by hand
/// from scripts/make_export_fixtures.py. Spend logs: the failed call and
/// the proxy's cache hit are skipped by reason; `azure/gpt-4.1` (provider
/// azure) is `azure-gpt-4.1` and `bedrock/us.anthropic.claude-sonnet-5-5-…-v1:0`
/// is `bedrock-claude-sonnet-5-5`. Daily table: `prompt_tokens` includes
/// the cache tokens, so Sonnet's uncached input is 1,000,000 − 600,000 −
/// 100,000 + 10,000 − 4,000 = 306,000, with 104,000 cache writes (a class
/// of their own) and 600,000 cached; GPT-6.2 Sol 200,000 − 50,000 =
/// 150,000; the all-failed day has no tokens.
#[test]
fn litellm_spend_logs_and_daily_tables_to_the_token() {
    let logs = owned(&[
        ("team-a", "claude-sonnet-5-5", "2026-11", vec![(5_000.0, 0.0, 300.0, 0.0, 0.0)]),
        ("team-a", "gpt-6.2-sol", "2026-11", vec![(1_000.0, 0.0, 200.0, 0.0, 0.0), (3_000.0, 0.0, 500.0, 0.0, 0.0)]),
        ("team-b", "azure-gpt-4.1", "2026-11", vec![(700.0, 0.0, 100.0, 0.0, 0.0)]),
        ("team-b", "bedrock-claude-sonnet-5-5", "2026-11", vec![(2_000.0, 0.0, 100.0, 0.0, 0.0)]),
    ]);
    for (file, kind) in [("exports/litellm_spend_logs.csv", "CSV"), ("exports/litellm_spend_logs.json", "JSON")] {
        let h = read_history(&fixture(file), &opts(HistoryFormat::LiteLlm, Some("team_id")), Some(&prices())).unwrap();
        assert_eq!(series(&h), logs, "{file}");
        let w = h.warnings.join("\n");
        for needle in [
            format!(
                "read as litellm ({kind}): 5 of 7 rows are token usage; 2 skipped: LiteLLM cache hit (answered by \
                 the proxy, not the vendor) 1, status failure 1"
            ),
            "`anthropic.claude-sonnet-5-5-20261002` → `bedrock-claude-sonnet-5-5` (1 rows), \
             `claude-sonnet-5-5-20261002` → `claude-sonnet-5-5` (1 rows), `gpt-4.1` → `azure-gpt-4.1` (1 rows), \
             `gpt-6.2-sol-2026-11-17` → `gpt-6.2-sol` (2 rows)"
                .to_string(),
        ] {
            assert!(w.contains(&needle), "expected {needle:?} in {file}:\n{w}");
        }
        assert!(!w.contains("partial"), "{w}");
    }
    let h = read_history(
        &fixture("exports/litellm_daily_team_spend.parquet"),
        &opts(HistoryFormat::LiteLlm, Some("team_id")),
        Some(&prices()),
    )
    .unwrap();
    let daily = owned(&[
        ("team-a", "claude-sonnet-5-5", "2026-11", vec![(306_000.0, 600_000.0, 51_000.0, 104_000.0, 0.0)]),
        ("team-a", "gpt-6.2-sol", "2026-11", vec![(150_000.0, 50_000.0, 20_000.0, 0.0, 0.0)]),
        ("team-b", "azure-gpt-4.1", "2026-11", vec![(30_000.0, 0.0, 3_000.0, 0.0, 0.0)]),
    ]);
    assert_eq!(series(&h), daily);
    let w = h.warnings.join("\n");
    assert!(w.contains("read as litellm (Parquet): 4 of 5 rows are token usage; 1 skipped: no tokens 1"), "{w}");
    assert!(!w.contains("cache writes"), "{w}");
    let j = validate_json(
        &[fixture("exports/litellm_daily_team_spend.parquet")],
        &["--history-format", "litellm", "--columns", "workload=team_id", "--catalog", "scenarios/prices.toml"],
    );
    let f = &j["files"][0];
    assert_eq!((f["rows_read"].as_u64(), &f["rows_skipped"]), (Some(5), &serde_json::json!({"no tokens": 1})));
    assert_eq!(class_rows(&f["series"][0]), [[306_000], [600_000], [104_000], [0], [51_000], [0]]);
}

/// Spend logs are requests: `profile` bins them by minute, from the first
/// minute (2026-11-01 00:00) to the last (2026-12-31 23:59), 61 × 1,440 =
/// 87,840 minutes; with output weight 1 the minutes hold 1,200 + 5,300 =
/// 6,500 (minute 0), 800, 2,100 and 3,500 tokens, the rest nothing (the
/// cache hit is a minute of zero load): mean 12,900 / 87,840, peak 6,500.
#[test]
fn litellm_spend_logs_give_profile_its_per_minute_load() {
    let out = cmd()
        .args(["profile", "--history"])
        .arg(fixture("exports/litellm_spend_logs.csv"))
        .args(["--history-format", "litellm", "--output-weight", "1", "--format", "json", "--catalog"])
        .arg(repo("scenarios/prices.toml"))
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let j: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(j["minutes"], 87_840);
    crate::util::close(j["mean"].as_f64().unwrap(), 12_900.0 / 87_840.0, 1e-12);
    assert_eq!(j["peak"].as_f64().unwrap(), 6_500.0);
}

/// LiteLLM rows the reader cannot read: cache tokens above prompt_tokens,
/// a model the catalog lacks, a file without prompt_tokens: exit 2 with
/// the file, the line and what was expected.
#[test]
fn bad_litellm_exports_exit_2_with_file_row_and_expectation() {
    let d = Dir::new();
    let run = |file: &PathBuf| {
        let out = cmd()
            .args(["forecast", "--history"])
            .arg(file)
            .args(["--history-format", "litellm", "--catalog"])
            .arg(repo("scenarios/prices.toml"))
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(2));
        String::from_utf8_lossy(&out.stderr).into_owned()
    };
    let head = "date,model,custom_llm_provider,prompt_tokens,completion_tokens,cache_read_input_tokens,\
                cache_creation_input_tokens\n";
    let over = d.write("over.csv", &format!("{head}2026-11-01,gpt-6.2-sol,openai,100,5,90,20\n"));
    let e = run(&over);
    assert!(
        e.contains(
            "over.csv:2: cache_read_input_tokens: cache_read_input_tokens 90 + cache_creation_input_tokens 20 \
                    is more than prompt_tokens 100; expected the cache tokens to be part of prompt_tokens"
        ),
        "{e}"
    );
    let unknown = d.write("unknown.csv", &format!("{head}2026-11-01,openai/gpt-6.2-sl,openai,100,5,0,0\n"));
    let e = run(&unknown);
    assert!(
        e.contains("unknown.csv:2: model: model `gpt-6.2-sl` (LiteLLM model `openai/gpt-6.2-sl`) is not in catalog")
            && e.contains("the closest catalog id is `gpt-6.2-sol`"),
        "{e}"
    );
    let none = d.write("none.csv", "startTime,model,tokens\n2026-11-01 10:00:00,gpt-6.2-sol,5\n");
    let e = run(&none);
    assert!(e.contains("none.csv: prompt_tokens: missing column `prompt_tokens`"), "{e}");
}

/// A vendor export read without `--history-format` is exit 2, and the error
/// names the preset that reads it.
#[test]
fn vendor_exports_read_as_usage_files_name_their_preset() {
    for (file, preset) in [
        ("azure_actual_cost.csv", "azure-cost"),
        ("azure_actual_cost.parquet", "azure-cost"),
        ("cur2_bedrock.csv.gz", "aws-cur"),
        ("litellm_spend_logs.csv", "litellm"),
        ("litellm_daily_team_spend.parquet", "litellm"),
        ("openai_usage_1d.json", "openai-usage"),
        ("anthropic_usage_1d.json", "anthropic-usage"),
    ] {
        let out = cmd().args(["forecast", "--history"]).arg(fixture(&format!("exports/{file}"))).output().unwrap();
        assert_eq!(out.status.code(), Some(2), "{file}");
        let e = String::from_utf8_lossy(&out.stderr);
        assert!(
            e.contains(&format!("read it with --history-format {preset} (format = \"{preset}\" in [history])")),
            "{file}: {e}"
        );
    }
}
