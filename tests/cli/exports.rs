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

/// The same FOCUS export as CSV, gzip CSV and JSON (an array of rows, made
/// by scripts/make_export_fixtures.py) reads into identical series; only
/// the place of a row in the warnings differs (a line, or `[14]`).
#[test]
fn focus_export_as_csv_gzip_and_json_gives_identical_series() {
    let read = |f: &str| read_history(&fixture(f), &focus_opts(), Some(&aliases_catalog())).unwrap();
    let csv = read("focus/genai_tokens_focus.csv");
    assert_eq!(csv.series.len(), 3);
    for other in ["exports/focus_tokens.csv.gz", "exports/focus_tokens.json"] {
        let h = read(other);
        assert_eq!(h.series, csv.series, "{other}");
        assert_eq!(h.warnings.len(), csv.warnings.len(), "{other}");
    }
    let json = read("exports/focus_tokens.json");
    let w = json.warnings.join("\n");
    // Line 16 of the CSV is its 15th data row, element [14] of the array.
    assert!(w.contains("1 token rows (5000 tokens, first at [14]) skipped"), "{w}");
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
