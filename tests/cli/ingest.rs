//! Usage history and `profile` on real traces and FOCUS exports. Every
//! expected figure was computed independently in Python (csv + numpy) from
//! the same files; the scripts are in the comments.

use std::collections::BTreeMap;
use std::path::PathBuf;

use commitsim::api::Catalog;
use commitsim::api::{read_history, History, HistoryFormat, HistoryOptions, Timestamp, TsUnit};

use crate::util::{close, cmd, repo, Dir};

fn fixture(rel: &str) -> PathBuf {
    repo(&format!("tests/fixtures/{rel}"))
}

fn map(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
    pairs.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect()
}

/// Runs `profile ... --format json` and decodes the summary.
fn profile_json(file: &str, extra: &[&str]) -> serde_json::Value {
    let out = cmd()
        .arg("profile")
        .arg("--history")
        .arg(fixture(file))
        .args(extra)
        .args(["--format", "json"])
        .output()
        .expect("run");
    assert!(out.status.success(), "profile failed: {}", String::from_utf8_lossy(&out.stderr));
    serde_json::from_slice(&out.stdout).expect("valid JSON")
}

const AZURE: &str = "traces/AzureLLMInferenceTrace_code.csv";
const AZURE_COLUMNS: &str = "timestamp=TIMESTAMP,input_tokens=ContextTokens,output_tokens=GeneratedTokens";

/// Python: minutes = floor(ts / 60 s); bins from min to max, zeros kept;
/// numpy.mean → 315618.4482758621, numpy.percentile(.., 99) → 1188165.55,
/// max → 1257868; 45 of the 58 minutes have requests.
#[test]
fn azure_code_trace_profile_matches_the_independent_computation() {
    let j = profile_json(AZURE, &["--columns", AZURE_COLUMNS, "--output-weight", "1"]);
    assert_eq!(j["minutes"], 58);
    close(j["mean"].as_f64().unwrap(), 315_618.448_275_862_1, 1e-12);
    close(j["p99"].as_f64().unwrap(), 1_188_165.55, 1e-12);
    assert_eq!(j["peak"].as_f64().unwrap(), 1_257_868.0);
    close(j["peak_to_mean"].as_f64().unwrap(), 3.764_563_055_457_075, 1e-12);
    assert_eq!(j.as_object().unwrap().len(), 5, "the JSON interface has exactly five fields: {j}");
}

/// The minutes written by `--out` sum to every token of the trace
/// (18,059,974 input + 245,896 output) and load as a provisioned offer's profile.
#[test]
fn profile_out_writes_every_minute_and_loads_as_a_load_profile() {
    let d = Dir::new();
    let out = d.path("load.csv");
    cmd()
        .args(["profile", "--history"])
        .arg(fixture(AZURE))
        .args(["--columns", AZURE_COLUMNS, "--out"])
        .arg(&out)
        .assert()
        .success();
    let text = std::fs::read_to_string(&out).unwrap();
    let mut lines = text.lines();
    assert_eq!(lines.next(), Some("minute,tokens"));
    let rows: Vec<(&str, f64)> =
        lines.map(|l| l.split_once(',').map(|(m, t)| (m, t.parse().unwrap())).unwrap()).collect();
    assert_eq!(rows.len(), 58);
    assert_eq!(rows[0].0, "2023-11-16T18:17");
    assert_eq!(rows[57].0, "2023-11-16T19:14");
    assert_eq!(rows.iter().filter(|r| r.1 == 0.0).count(), 13);
    assert_eq!(rows.iter().map(|r| r.1).sum::<f64>(), 18_059_974.0 + 245_896.0);
    let scenario = d.write("s.toml", "");
    commitsim::api::load_profile(&scenario, "load.csv", "offers[0].load.profile").expect("loads");
    // `validate` recognises it from its header.
    let v = cmd().arg("validate").arg(&out).output().unwrap();
    assert!(String::from_utf8_lossy(&v.stdout).contains("(load profile)"), "{v:?}");
    // `--out -` writes the minutes to standard output instead of the summary.
    let o = cmd()
        .args(["profile", "--history"])
        .arg(fixture(AZURE))
        .args(["--columns", AZURE_COLUMNS, "--out", "-"])
        .output()
        .unwrap();
    assert!(String::from_utf8_lossy(&o.stdout).starts_with("minute,tokens\n2023-11-16T18:17,"));
}

/// An output weight multiplies output tokens only: with W = 4 the mean rises
/// by 3 × 245,896 / 58 (every output token counts 3 more times).
#[test]
fn output_weight_counts_output_tokens_w_times() {
    let j = profile_json(AZURE, &["--columns", AZURE_COLUMNS, "--output-weight", "4"]);
    close(j["mean"].as_f64().unwrap(), 315_618.448_275_862_1 + 3.0 * 245_896.0 / 58.0, 1e-12);
}

const MOONCAKE: &str = "traces/mooncake_conversation_trace.csv";
const MOONCAKE_COLUMNS: &str = "timestamp=timestamp_ms,input_tokens=input_length,output_tokens=output_length";

/// Python: 59 minutes, mean 2523997.813559322, p99 3041560.7600000007, peak 3212938.
#[test]
fn mooncake_profile_with_millisecond_timestamps() {
    let j = profile_json(MOONCAKE, &["--columns", MOONCAKE_COLUMNS, "--timestamp-unit", "ms"]);
    assert_eq!(j["minutes"], 59);
    close(j["mean"].as_f64().unwrap(), 2_523_997.813_559_322, 1e-12);
    close(j["p99"].as_f64().unwrap(), 3_041_560.760_000_000_7, 1e-12);
    assert_eq!(j["peak"].as_f64().unwrap(), 3_212_938.0);
}

/// Python: input 144,793,823 and output 4,122,048 tokens in one partial
/// month (1970-01 from the default origin), observed 0 to 3,536,999 ms:
/// scaled by 31 days / 3,536,999 ms = 757.2521224914115.
#[test]
fn mooncake_as_monthly_history_totals_and_partial_month_scaling() {
    let opts = HistoryOptions {
        columns: map(&[
            ("timestamp", "timestamp_ms"),
            ("input_tokens", "input_length"),
            ("output_tokens", "output_length"),
        ]),
        model: Some("kimi".into()),
        timestamp_unit: Some(TsUnit::Millis),
        ..HistoryOptions::default()
    };
    let h = read_history(&fixture(MOONCAKE), &opts, None).unwrap();
    assert_eq!(h.series.len(), 1);
    let s = &h.series[0];
    assert_eq!((s.workload.as_str(), s.model.as_str(), s.first.to_string()), ("all", "kimi", "1970-01".into()));
    assert_eq!(s.months.len(), 1);
    let factor = 757.252_122_491_411_5;
    close(s.months[0].input, 144_793_823.0 * factor, 1e-12);
    close(s.months[0].output, 4_122_048.0 * factor, 1e-12);
    assert_eq!(s.months[0].cached, 0.0);
    assert!(
        h.warnings.iter().any(|w| w.contains("month 1970-01 is partial") && w.contains("757.2521")),
        "{:?}",
        h.warnings
    );
}

const BURST: &str = "traces/BurstGPT_1_first400.csv";
const BURST_COLUMNS: &str = "timestamp=Timestamp,input_tokens=Request tokens,output_tokens=Response tokens";

/// Python: 622 minutes, mean 512.5418006430868, p99 4672.739999999996, peak 9220.
#[test]
fn burstgpt_profile_with_second_timestamps() {
    let j = profile_json(BURST, &["--columns", BURST_COLUMNS, "--timestamp-unit", "s"]);
    assert_eq!(j["minutes"], 622);
    close(j["mean"].as_f64().unwrap(), 512.541_800_643_086_8, 1e-12);
    close(j["p99"].as_f64().unwrap(), 4_672.739_999_999_996, 1e-12);
    assert_eq!(j["peak"].as_f64().unwrap(), 9220.0);
}

/// Python: ChatGPT 166,177 request / 92,324 response tokens, GPT-4 42,012 /
/// 18,288; observed from 5 s to 37,274 s of the origin's day, so the month
/// is scaled by 31 × 86,400 / 37,269 = 71.86669886500846.
#[test]
fn burstgpt_as_monthly_history_one_series_per_model() {
    let mut columns = map(&[("timestamp", "Timestamp"), ("input_tokens", "Request tokens")]);
    columns.insert("output_tokens".into(), "Response tokens".into());
    columns.insert("model".into(), "Model".into());
    let opts = HistoryOptions {
        columns,
        timestamp_unit: Some(TsUnit::Seconds),
        timestamp_origin: Timestamp::parse_iso("2023-05-01T00:00:00"),
        ..HistoryOptions::default()
    };
    let h = read_history(&fixture(BURST), &opts, None).unwrap();
    let got: Vec<(&str, f64, f64)> =
        h.series.iter().map(|s| (s.model.as_str(), s.months[0].input, s.months[0].output)).collect();
    let factor = 71.866_698_865_008_46;
    assert_eq!(got.len(), 2);
    assert_eq!((got[0].0, got[1].0), ("ChatGPT", "GPT-4"));
    close(got[0].1, 166_177.0 * factor, 1e-12);
    close(got[0].2, 92_324.0 * factor, 1e-12);
    close(got[1].1, 42_012.0 * factor, 1e-12);
    close(got[1].2, 18_288.0 * factor, 1e-12);
    assert!(h.series.iter().all(|s| s.first.to_string() == "2023-05" && s.months.len() == 1));
}

fn focus_opts() -> HistoryOptions {
    HistoryOptions { format: HistoryFormat::Focus, ..HistoryOptions::default() }
}

fn aliases_catalog() -> Catalog {
    Catalog::load(&fixture("focus/catalog_aliases.toml")).unwrap()
}

/// (model, month index) → (input, output, cached) of a history.
fn cells(h: &History) -> BTreeMap<(String, usize), (f64, f64, f64)> {
    let mut out = BTreeMap::new();
    for s in &h.series {
        for (k, u) in s.months.iter().enumerate() {
            out.insert((s.model.clone(), k), (u.input, u.output, u.cached));
        }
    }
    out
}

/// Hand-computed (and checked in Python) from genai_tokens_focus.csv; March
/// is observed 15 of 31 days, so March is × 31/15.
#[test]
fn focus_token_rows_map_to_models_directions_and_months() {
    let h = read_history(&fixture("focus/genai_tokens_focus.csv"), &focus_opts(), Some(&aliases_catalog())).unwrap();
    let models: Vec<&str> = h.series.iter().map(|s| s.model.as_str()).collect();
    assert_eq!(models, ["bedrock-claude-sonnet-5-5", "gpt-4.1", "gpt-4.1-mini"]);
    assert!(h.series.iter().all(|s| s.workload == "all" && s.first.to_string() == "2027-01" && s.months.len() == 3));
    let c = cells(&h);
    let m = 31.0 / 15.0;
    let want = [
        (("bedrock-claude-sonnet-5-5", 0), (2_000_000.0, 500_000.0, 0.0)),
        (("bedrock-claude-sonnet-5-5", 1), (2_500_000.0, 600_000.0, 0.0)),
        (("bedrock-claude-sonnet-5-5", 2), (1_000_000.0 * m, 250_000.0 * m, 100_000.0 * m)),
        (("gpt-4.1", 0), (1_200_000.0, 300_000.0, 100_000.0)),
        (("gpt-4.1", 1), (1_400_000.0, 350_000.0, 150_000.0)),
        (("gpt-4.1", 2), (800_000.0 * m, 200_000.0 * m, 60_000.0 * m)),
        (("gpt-4.1-mini", 0), (10_000.0, 0.0, 0.0)),
        (("gpt-4.1-mini", 1), (20_000.0, 0.0, 0.0)),
        (("gpt-4.1-mini", 2), (5_000.0 * m, 0.0, 0.0)),
    ];
    for ((model, k), (i, o, ca)) in want {
        let got = c[&(model.to_string(), k)];
        close(got.0, i, 1e-12);
        close(got.1, o, 1e-12);
        close(got.2, ca, 1e-12);
    }
    let raw: f64 = 11_545_000.0; // Python: sum of all classified token rows, before scaling
    let march: f64 = h.series.iter().map(|s| s.months[2].total()).sum::<f64>() / m;
    let jan_feb: f64 = h.series.iter().flat_map(|s| &s.months[..2]).map(|u| u.total()).sum();
    close(jan_feb + march, raw, 1e-12);
    let w = h.warnings.join("\n");
    for needle in [
        "20 of 25 FOCUS rows are token usage; 5 rows skipped",
        "by ChargeCategory: Credit 1, Tax 1",
        "by ConsumedUnit: GB-Months 1, Hours 1",
        "1 token rows (5000 tokens, first at line 16) skipped",
        "to model `bedrock-claude-sonnet-5-5` by `Claude Sonnet 5.5 (Bedrock)` found in ChargeDescription",
        "to model `gpt-4.1-mini` by `gpt-4.1-mini` found in SkuId",
        "month 2027-03 is partial",
    ] {
        assert!(w.contains(needle), "expected {needle:?} in:\n{w}");
    }
}

#[test]
fn focus_workload_from_a_mapped_column() {
    let opts = HistoryOptions { columns: map(&[("workload", "SubAccountName")]), ..focus_opts() };
    let h = read_history(&fixture("focus/genai_tokens_focus.csv"), &opts, Some(&aliases_catalog())).unwrap();
    let names: Vec<(&str, &str)> = h.series.iter().map(|s| (s.workload.as_str(), s.model.as_str())).collect();
    assert_eq!(names, [("agents", "bedrock-claude-sonnet-5-5"), ("support", "gpt-4.1"), ("support", "gpt-4.1-mini")]);
}

/// The real FOCUS sample has no GenAI rows: it loads, gives no series, and
/// says why (Python: ConsumedUnit GB 569, GB-Months 166, Hours 107, ...;
/// 997 Usage, 2 Adjustment, 1 Credit).
#[test]
fn real_focus_sample_loads_with_zero_token_series_and_says_why() {
    let catalog = Catalog::load(&repo("scenarios/prices.toml")).unwrap();
    let h = read_history(&fixture("focus/focus_1.0_sample_1000rows.csv"), &focus_opts(), Some(&catalog)).unwrap();
    assert!(h.series.is_empty());
    let w = h.warnings.join("\n");
    assert!(w.contains("no token usage found, so the history has no series: none of its 1000 FOCUS rows"), "{w}");
    assert!(w.contains("by ChargeCategory: Adjustment 2, Credit 1"), "{w}");
    assert!(w.contains("by ConsumedUnit: GB 569, GB-Months 166, Hours 107, Requests 42"), "{w}");
}

/// A FOCUS spec example with a byte-order mark and US dates, whose "Token"
/// is a SaaS currency: no token units, so no series and no date errors.
#[test]
fn focus_virtual_currency_example_is_not_llm_tokens() {
    let h = read_history(
        &fixture("focus/saas_examples__virtual_currency_pricing_model_b2.csv"),
        &focus_opts(),
        Some(&aliases_catalog()),
    )
    .unwrap();
    assert!(h.series.is_empty());
    assert!(h.warnings.join("\n").contains("by ConsumedUnit: Execution 2, Workflow operation 1"), "{:?}", h.warnings);
}

#[test]
fn focus_needs_a_catalog_or_a_fixed_model() {
    let e = read_history(&fixture("focus/genai_tokens_focus.csv"), &focus_opts(), None).unwrap_err().to_string();
    assert!(e.contains("needs the price catalog"), "{e}");
    let opts = HistoryOptions { model: Some("gpt-4.1".into()), ..focus_opts() };
    let h = read_history(&fixture("focus/genai_tokens_focus.csv"), &opts, None).unwrap();
    assert_eq!(h.series.len(), 1);
}

#[test]
fn focus_token_row_without_a_model_names_the_closest() {
    let d = Dir::new();
    let text = std::fs::read_to_string(fixture("focus/genai_tokens_focus.csv")).unwrap();
    let f = d.write("f.csv", &text.replace("gpt-4.1-mini", "gpt-5"));
    let c = Catalog::load(&fixture("focus/catalog_aliases.toml")).unwrap();
    let e = read_history(&f, &focus_opts(), Some(&c)).unwrap_err().to_string();
    assert!(e.contains("f.csv:5: SkuId: token usage row matches no catalog model"), "{e}");
    assert!(e.contains("aliases"), "{e}");
}

/// Daily rows: January complete (31 × 100 input), February 1–10 only:
/// 10 × 100 = 1,000 scaled by 28/10 = 2,800. CRLF, a BOM, a blank line and
/// no final newline on the way.
#[test]
fn daily_rows_sum_into_months_and_the_partial_last_month_is_scaled() {
    let mut text = String::from("\u{feff}Date,Workload,Model,Input_Tokens,output_tokens,cached_input_tokens,note\r\n");
    for d in 1..=31 {
        text.push_str(&format!("2027-01-{d:02},chat,m,100,10,,x\r\n"));
    }
    text.push_str("\r\n");
    for d in 1..=10 {
        text.push_str(&format!("2027-02-{d:02},chat,m,100,10,5,x\r\n"));
    }
    text.pop();
    text.pop();
    let d = Dir::new();
    let f = d.write("daily.csv", &text);
    let h = read_history(&f, &HistoryOptions::default(), None).unwrap();
    let s = &h.series[0];
    assert_eq!((s.workload.as_str(), s.model.as_str(), s.first.to_string()), ("chat", "m", "2027-01".into()));
    close(s.months[0].input, 3_100.0, 1e-12);
    close(s.months[1].input, 2_800.0, 1e-12);
    close(s.months[1].output, 280.0, 1e-12);
    close(s.months[1].cached, 140.0, 1e-12);
    assert!(h.warnings[0].contains("month 2027-02 is partial") && h.warnings[0].contains("10.00 of 28.00 days"));
    let out = cmd().arg("validate").arg(&f).output().unwrap();
    assert!(out.status.success());
    assert!(String::from_utf8_lossy(&out.stdout).contains("daily.csv (history, 1 series, 2027-01 to 2027-02)"));
}

#[test]
fn timestamp_options_without_a_timestamp_column_are_said_to_be_ignored() {
    let d = Dir::new();
    let f = d.write("m.csv", "month,model,input_tokens,output_tokens\n2027-01,m,10,1\n2027-02,m,30,3\n");
    let unit = HistoryOptions { timestamp_unit: Some(TsUnit::Seconds), ..HistoryOptions::default() };
    let h = read_history(&f, &unit, None).unwrap();
    assert_eq!(h.warnings.len(), 1, "{:?}", h.warnings);
    assert!(
        h.warnings[0].contains(
            "timestamp_unit is ignored: the file has no timestamp column (its rows are dated by column `month`)"
        ),
        "{}",
        h.warnings[0]
    );
    let both = HistoryOptions { timestamp_origin: Timestamp::parse_iso("2024-01-01"), ..unit };
    let h = read_history(&f, &both, None).unwrap();
    assert!(h.warnings[0].contains("timestamp_unit and timestamp_origin are ignored"), "{:?}", h.warnings);
    // With a timestamp column they are used, and nothing is said.
    let f = d.write("t.csv", "timestamp,model,input_tokens,output_tokens\n1700092800,m,10,1\n");
    let h = read_history(&f, &both, None).unwrap();
    assert!(h.warnings.iter().all(|w| !w.contains("ignored")), "{:?}", h.warnings);
}

#[test]
fn monthly_rows_are_not_scaled_and_gaps_zero_fills_missing_months() {
    let d = Dir::new();
    let f = d.write("m.csv", "month,model,input_tokens,output_tokens\n2027-01,m,10,1\n2027-03,m,30,3\n2027-03,m,5,0\n");
    let opts = HistoryOptions { gaps_zero: true, ..HistoryOptions::default() };
    let h = read_history(&f, &opts, None).unwrap();
    let inputs: Vec<f64> = h.series[0].months.iter().map(|u| u.input).collect();
    assert_eq!(inputs, [10.0, 0.0, 35.0]);
    assert!(h.warnings.is_empty(), "{:?}", h.warnings);
}

/// A fixed `--model` overrides the file's model column, and says so (unless quiet).
#[test]
fn a_fixed_model_over_a_model_column_is_a_warning() {
    let run = |quiet: bool| {
        let mut c = cmd();
        c.args(["profile", "--history"]).arg(fixture(BURST)).args(["--columns", BURST_COLUMNS]);
        c.args(["--timestamp-unit", "s", "--model", "gpt-4.1", "--format", "json"]);
        if quiet {
            c.arg("--quiet");
        }
        let out = c.output().unwrap();
        assert!(out.status.success());
        String::from_utf8_lossy(&out.stderr).into_owned()
    };
    assert!(run(false).contains("column `Model` is ignored; every row counts as model `gpt-4.1`"));
    assert!(run(true).is_empty());
}

/// The shipped catalog, and the export of the same models bought from
/// four sellers.
fn sellers() -> (Catalog, String) {
    let catalog = Catalog::load(&repo("scenarios/prices.toml")).unwrap();
    (catalog, std::fs::read_to_string(fixture("focus/providers_focus.csv")).unwrap())
}

/// Reads FOCUS `text` (written to a file) against `catalog`.
fn read_focus(text: &str, catalog: &Catalog) -> commitsim::Result<History> {
    let d = Dir::new();
    read_history(&d.write("f.csv", text), &focus_opts(), Some(catalog))
}

/// (model, input, output, cached) of the first month of each series.
fn first_months(h: &History) -> Vec<(String, f64, f64, f64)> {
    h.series.iter().map(|s| (s.model.clone(), s.months[0].input, s.months[0].output, s.months[0].cached)).collect()
}

/// The same model names from Azure OpenAI, Bedrock and the vendors
/// themselves map to the model each seller sells, by hand: Azure 1000 and
/// 200 blocks of 1K, OpenAI 3M and 0.5M tokens, Bedrock 2 and 0.4 blocks of
/// 1M, Anthropic 5M, 1M and 1M cached.
#[test]
fn focus_rows_map_to_the_model_their_seller_sells() {
    let (catalog, text) = sellers();
    let h = read_focus(&text, &catalog).unwrap();
    let want = [
        ("azure-gpt-4.1", 1_000_000.0, 200_000.0, 0.0),
        ("bedrock-claude-sonnet-5-5", 2_000_000.0, 400_000.0, 0.0),
        ("claude-sonnet-5-5", 5_000_000.0, 1_000_000.0, 1_000_000.0),
        ("gpt-4.1", 3_000_000.0, 500_000.0, 0.0),
    ];
    let got = first_months(&h);
    assert_eq!(got.iter().map(|g| g.0.as_str()).collect::<Vec<_>>(), want.iter().map(|w| w.0).collect::<Vec<_>>());
    for (g, w) in got.iter().zip(want) {
        assert_eq!((g.1, g.2, g.3), (w.1, w.2, w.3), "{}", w.0);
    }
    let w = h.warnings.join("\n");
    for needle in [
        "2 token rows sold by `Microsoft` / `Azure OpenAI` mapped to `azure-gpt-4.1`, a model of their seller, not to \
         `gpt-4.1` of provider `openai`",
        "2 token rows sold by `AWS` / `Amazon Bedrock` mapped to `bedrock-claude-sonnet-5-5`, a model of their \
         seller, not to `claude-sonnet-5-5` of provider `anthropic`",
        "2 token rows mapped to model `bedrock-claude-sonnet-5-5` by `claude-sonnet-5-5` found in ChargeDescription",
    ] {
        assert!(w.contains(needle), "expected {needle:?} in:\n{w}");
    }
    // Rows sold directly by the vendor have nothing to say.
    assert!(!w.contains("sold by `OpenAI`") && !w.contains("sold by `Anthropic`"), "{w}");
}

/// FOCUS 1.3 names the seller `ServiceProviderName`; without any seller or
/// service column, rows are matched by name among all models, as before.
#[test]
fn focus_seller_from_service_provider_name_or_none() {
    let (catalog, text) = sellers();
    let v13 = read_focus(&text.replacen("ProviderName", "ServiceProviderName", 1), &catalog).unwrap();
    let v10 = read_focus(&text, &catalog).unwrap();
    assert_eq!(first_months(&v13), first_months(&v10));
    // Dropping ProviderName and ServiceName (columns 10 and 11) leaves the names only.
    let bare: String = text
        .lines()
        .map(|l| {
            let cells: Vec<&str> = l.split(',').collect();
            format!("{},{}\n", cells[..9].join(","), cells[11..].join(","))
        })
        .collect();
    let h = read_focus(&bare, &catalog).unwrap();
    let models: Vec<String> = first_months(&h).into_iter().map(|g| g.0).collect();
    assert_eq!(models, ["claude-sonnet-5-5", "gpt-4.1"]);
    assert!(!h.warnings.join("\n").contains("sold by"), "{:?}", h.warnings);
}

/// A row whose seller sells no model of that name is an error that names
/// the other provider's model, not silently that model.
#[test]
fn focus_row_whose_seller_lacks_the_model_names_the_other_provider() {
    let (catalog, text) = sellers();
    let first = text.lines().nth(1).unwrap();
    let e = read_focus(&text.replacen(first, &first.replace("gpt-4.1", "gpt-6-luna"), 1), &catalog)
        .unwrap_err()
        .to_string();
    assert!(e.contains("f.csv:2: SkuId: token usage row sold by `Microsoft` / `Azure OpenAI`"), "{e}");
    assert!(e.contains("matches no model of catalog provider `azure-openai`"), "{e}");
    assert!(e.contains("`gpt-6-luna` in SkuId is `gpt-6-luna` of provider `openai`, which does not sell"), "{e}");
}

/// When another provider's model matches a row by a longer name than the
/// seller's model does, the warning says the mapping may be wrong.
#[test]
fn focus_longer_match_at_another_provider_is_said() {
    let catalog_text = "[meta]\nas_of = \"2026-11-01\"\n\
        [[model]]\nid = \"gpt-4.1\"\nprovider = \"openai\"\ninput_per_mtok = 2.0\noutput_per_mtok = 8.0\n\
        [[model]]\nid = \"gpt-4.1-mini\"\nprovider = \"openai\"\ninput_per_mtok = 0.4\noutput_per_mtok = 1.6\n\
        [[model]]\nid = \"azure-gpt-4.1\"\nprovider = \"azure-openai\"\ninput_per_mtok = 2.0\noutput_per_mtok = 8.0\n";
    let d = Dir::new();
    let catalog = Catalog::load(&d.write("c.toml", catalog_text)).unwrap();
    let (_, text) = sellers();
    let text: String = text.lines().take(3).map(|l| format!("{}\n", l.replace("gpt-4.1 ", "gpt-4.1-mini "))).collect();
    let h = read_focus(&text, &catalog).unwrap();
    assert_eq!(first_months(&h)[0].0, "azure-gpt-4.1");
    let w = h.warnings.join("\n");
    assert!(w.contains("not to `gpt-4.1-mini` of provider `openai`, which `gpt-4.1-mini` also names"), "{w}");
    assert!(w.contains("`gpt-4.1-mini` in SkuId matches them better than the name that mapped them"), "{w}");
}

/// A seller no catalog provider matches is matched by name among all
/// models, and a warning says so.
#[test]
fn focus_seller_not_in_the_catalog_is_said() {
    let (catalog, text) = sellers();
    let h = read_focus(&text.replace("Microsoft,Azure OpenAI", "Oracle,OCI Generative AI"), &catalog).unwrap();
    let models: Vec<String> = first_months(&h).into_iter().map(|g| g.0).collect();
    assert!(!models.contains(&"azure-gpt-4.1".to_string()), "{models:?}");
    let w = h.warnings.join("\n");
    assert!(
        w.contains("2 token rows sold by `Oracle` / `OCI Generative AI`, which is no provider of the price catalog"),
        "{w}"
    );
}

/// `validate` reads a FOCUS export as one, against the catalog given with it,
/// and asks for a catalog when there is none.
#[test]
fn validate_recognises_a_focus_export_and_needs_a_catalog_for_it() {
    let export = fixture("focus/genai_tokens_focus.csv");
    let out = cmd().arg("validate").arg(&export).arg(repo("scenarios/prices.toml")).output().unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success() && text.contains("genai_tokens_focus.csv (FOCUS export, 2 series"), "{out:?}");
    let out = cmd().arg("validate").arg(&export).output().unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(err.contains("validate it together with one"), "{err}");
}

/// Tokens per (workload, model, month `YYYY-MM`).
type SeriesMonths = BTreeMap<(String, String, String), u64>;

/// A request log of several 1 MiB blocks, so that it is read on several
/// threads: rows out of time order, five series, with `quoted` quoted cells
/// (one holding a comma, one a line break), blank lines and CRLF. Returns the text and,
/// computed here row by row, the input tokens per (workload, model, month)
/// and the effective tokens (input + cached + output) per minute.
fn big_log(rows: usize, quoted: bool) -> (String, SeriesMonths, BTreeMap<i64, u64>) {
    let mut text = String::from("timestamp,workload,model,input_tokens,output_tokens,cached_input_tokens\r\n");
    let (mut months, mut minutes) = (BTreeMap::new(), BTreeMap::new());
    let (web, night) = if quoted { ("search, web", "batch\nnight") } else { ("search web", "batch night") };
    let series = [("chat", "m1"), ("chat", "m2"), (web, "m1"), ("agents", "m3"), (night, "m2")];
    let mut seed = 7u64;
    for i in 0..rows {
        seed = seed.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1_442_695_040_888_963_407);
        // Minutes over 2027-01-01 .. 2027-03-31, in no order.
        let minute = (seed >> 33) % (90 * 1440);
        let (day, hm) = (minute / 1440, minute % 1440);
        let (month, dom) = match day {
            0..=30 => (1, day + 1),
            31..=58 => (2, day - 30),
            _ => (3, day - 58),
        };
        let (w, m) = series[(seed >> 20) as usize % series.len()];
        let (input, output, cached) = ((seed >> 40) % 9000, (seed >> 50) % 900, i as u64 % 7);
        let wq = if w.contains([',', '\n']) { format!("\"{w}\"") } else { w.to_string() };
        text.push_str(&format!(
            "2027-{month:02}-{dom:02}T{:02}:{:02}:{:02}.{:03}Z,{wq},{m},{input},{output},{cached}\r\n",
            hm / 60,
            hm % 60,
            (seed >> 8) % 60,
            (seed >> 14) % 1000
        ));
        if i % 9973 == 0 {
            text.push_str("\r\n");
        }
        *months.entry((w.to_string(), m.to_string(), format!("2027-{month:02}"))).or_insert(0) += input;
        let epoch_minute = (commitsim::api::days_from_civil(2027, 1, 1) + day as i64) * 1440 + hm as i64;
        *minutes.entry(epoch_minute).or_insert(0) += input + cached + output;
    }
    (text, months, minutes)
}

/// Several threads read a multi-block log into the same sums as one, equal
/// to the sums computed row by row; `profile --out` is byte-identical at 1,
/// 2 and 3 threads. Without quotes the blocks end at line ends; with them,
/// at record ends found by walking the records (a quoted cell holds a line
/// break).
#[test]
fn a_log_of_many_blocks_reads_the_same_at_any_thread_count() {
    for quoted in [false, true] {
        many_blocks_read_the_same(quoted);
    }
}

fn many_blocks_read_the_same(quoted: bool) {
    let (text, months, minutes) = big_log(80_000, quoted);
    assert!(text.len() > 3 << 20, "{} bytes: too few blocks", text.len());
    let d = Dir::new();
    let f = d.write("requests.csv", &text);
    let h = read_history(&f, &HistoryOptions::default(), None).unwrap();
    let mut read = BTreeMap::new();
    for s in &h.series {
        for (k, u) in s.months.iter().enumerate() {
            read.insert((s.workload.clone(), s.model.clone(), s.first.plus(k as i32).to_string()), u.input);
        }
    }
    // March ends 2027-03-31 23:59 at the latest: every month is (near) complete, nothing scaled.
    assert!(h.warnings.is_empty(), "{:?}", h.warnings);
    let want: BTreeMap<_, f64> = months.into_iter().map(|(k, v)| (k, v as f64)).collect();
    assert_eq!(read, want);
    let outs: Vec<String> = ["1", "2", "3"].iter().map(|t| profile_csv(&d, &f, t, &format!("load{t}.csv"))).collect();
    assert!(outs[0] == outs[1] && outs[1] == outs[2]);
    let total: f64 = outs[0].lines().skip(1).map(|l| l.rsplit(',').next().unwrap().parse::<f64>().unwrap()).sum();
    assert_eq!(total, minutes.values().sum::<u64>() as f64);
    let busiest = minutes.values().max().unwrap();
    assert!(outs[0].lines().any(|l| l.ends_with(&format!(",{busiest}"))));
}

/// A log read through a pipe (whose reads may return less than asked)
/// gives the same profile as the file.
#[cfg(unix)]
#[test]
fn a_log_read_through_a_pipe_reads_as_the_file_does() {
    let (text, _, _) = big_log(80_000, true);
    let d = Dir::new();
    let f = d.write("requests.csv", &text);
    let pipe = d.path("pipe.csv");
    assert!(std::process::Command::new("mkfifo").arg(&pipe).status().unwrap().success());
    let writer = {
        let pipe = pipe.clone();
        std::thread::spawn(move || std::fs::write(pipe, text))
    };
    let piped = profile_csv(&d, &pipe, "2", "piped.csv");
    writer.join().unwrap().unwrap();
    assert_eq!(piped, profile_csv(&d, &f, "2", "file.csv"));
}

/// `profile --out` of `input` on `threads` threads (output weight 1), written
/// to `out` in `d`: the CSV text.
fn profile_csv(d: &Dir, input: &std::path::Path, threads: &str, out: &str) -> String {
    let out = d.path(out);
    let run = cmd()
        .args(["--threads", threads, "profile", "--history"])
        .arg(input)
        .args(["--output-weight", "1", "--out"])
        .arg(&out)
        .output()
        .unwrap();
    assert!(run.status.success(), "{}", String::from_utf8_lossy(&run.stderr));
    std::fs::read_to_string(out).unwrap()
}

/// With faults in two blocks, every thread count reports the first in the
/// file, at its line, even when a thread meets the later one first.
#[test]
fn the_first_faulty_row_of_a_many_block_log_is_the_one_reported() {
    for quoted in [false, true] {
        first_faulty_row_reported(quoted);
    }
}

fn first_faulty_row_reported(quoted: bool) {
    let (text, _, _) = big_log(80_000, quoted);
    let mut lines: Vec<&str> = text.split_inclusive("\r\n").collect();
    let late = lines.len() - 10;
    lines[late] = "2027-02-01T00:00:00Z,chat,m1,12,-4,0\r\n";
    let d = Dir::new();
    let only_late = d.write("late.csv", &lines.concat());
    let early = (50_000..).find(|&k| !lines[k].contains('"')).unwrap();
    lines[early] = "2027-02-01T00:00:00Z,chat,m1,12.5,4,0\r\n";
    let both = d.write("both.csv", &lines.concat());
    // Line numbers count the line breaks inside quoted cells and the blank lines.
    let line_of = |k: usize| lines[..k].concat().matches('\n').count() + 1;
    for threads in ["1", "2"] {
        for (f, k, what) in [(&only_late, late, "negative"), (&both, early, "fractional")] {
            let out = cmd().args(["--threads", threads, "validate"]).arg(f).output().unwrap();
            assert_eq!(out.status.code(), Some(2));
            let e = String::from_utf8_lossy(&out.stderr);
            assert!(
                e.contains(&format!(":{}: output_tokens", line_of(k)))
                    || e.contains(&format!(":{}: input_tokens", line_of(k))),
                "{e}"
            );
            assert!(e.contains(what), "{e}");
        }
    }
}
