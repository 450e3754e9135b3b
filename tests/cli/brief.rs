//! `brief` (issue 6): what a reader sees in a browser, escaping of hostile
//! names, the numbers against `simulate`/`sweep`/`score`/`forecast` JSON,
//! the Markdown files, and bad input that leaves no partial file.
//!
//! The browser test needs Debian's `chromium` and `pdftotext` (poppler-utils);
//! `.ci/run` installs them. Without them it fails, unless
//! `COMMITSIM_SKIP_BROWSER=1` says to skip it.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use commitsim::api::{count, money, pct};

use crate::util::{catalog, cmd, repo, Dir};

const PATHS: &str = "3000";

/// Runs `brief` on the example with both contracts; `extra` adds options.
fn example_brief(out: &Path, extra: &[&str]) -> std::process::Output {
    cmd()
        .arg("brief")
        .arg(repo("scenarios/example.toml"))
        .arg("--contract")
        .arg(repo("contracts/azure-openai.toml"))
        .arg("--contract")
        .arg(repo("contracts/anthropic.toml"))
        .args(["--paths", PATHS, "--seed", "11", "--out"])
        .arg(out)
        .args(extra)
        .output()
        .expect("run brief")
}

fn ok(out: &std::process::Output) {
    assert!(out.status.success(), "brief failed: {}", String::from_utf8_lossy(&out.stderr));
}

fn json(args: &[&str]) -> serde_json::Value {
    let out = cmd().args(args).args(["--format", "json"]).output().expect("run");
    assert!(out.status.success(), "{args:?}: {}", String::from_utf8_lossy(&out.stderr));
    serde_json::from_slice(&out.stdout).expect("valid JSON")
}

/// The visible text of an HTML attribute or element, entities decoded.
fn unescape(s: &str) -> String {
    s.replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&#x27;", "'")
        .replace("&#39;", "'")
        .replace("&#x2f;", "/")
        .replace("&amp;", "&")
}

/// The value of attribute `name` in `tag` (an opening tag's text).
fn attr(tag: &str, name: &str) -> Option<String> {
    let key = format!("{name}=\"");
    let start = tag.find(&key)? + key.len();
    let len = tag[start..].find('"')?;
    Some(unescape(&tag[start..start + len]))
}

/// A table cell: its `data-field`, its raw `data-value` and the text shown.
struct Cell {
    field: String,
    value: f64,
    text: String,
}

/// Rows `<tr {key}="...">` of `html`, each with its cells that carry data.
fn rows(html: &str, key: &str) -> Vec<(String, Vec<Cell>)> {
    let mut out = Vec::new();
    for piece in html.split("<tr ").skip(1) {
        let row = &piece[..piece.find("</tr>").unwrap_or(piece.len())];
        let head = &row[..row.find('>').unwrap_or(0)];
        let Some(name) = attr(head, key) else { continue };
        out.push((name, cells(row)));
    }
    out
}

fn cells(row: &str) -> Vec<Cell> {
    let mut out = Vec::new();
    for piece in row.split("data-field=\"").skip(1) {
        let field = piece[..piece.find('"').unwrap()].to_string();
        let value: f64 = attr(piece, "data-value").unwrap().parse().expect("data-value is a number");
        let after = &piece[piece.find('>').unwrap() + 1..];
        let text = unescape(&after[..after.find('<').unwrap()]);
        out.push(Cell { field, value, text });
    }
    out
}

fn cell<'a>(cells: &'a [Cell], field: &str) -> &'a Cell {
    cells.iter().find(|c| c.field == field).unwrap_or_else(|| panic!("no cell {field}"))
}

/// `v[path]` for a dotted path.
fn at<'a>(v: &'a serde_json::Value, path: &str) -> &'a serde_json::Value {
    path.split('.').fold(v, |v, k| &v[k])
}

#[test]
fn the_numbers_are_those_of_simulate_sweep_score_and_forecast() {
    let d = Dir::new();
    let out = d.path("brief.html");
    ok(&example_brief(&out, &[]));
    let html = std::fs::read_to_string(&out).unwrap();
    let scenario = repo("scenarios/example.toml");
    let sc = scenario.to_str().unwrap();
    let run = ["--paths", PATHS, "--seed", "11"];
    let sim = json(&[&["simulate", sc][..], &run].concat());

    // The offers table: every figure exactly, and shown as the table formats it.
    let offers = rows(&html, "data-offer");
    assert_eq!(offers.len(), 4);
    for (name, cells) in &offers {
        let o = sim["offers"].as_array().unwrap().iter().find(|o| &o["name"] == name).expect("offer in JSON");
        for c in cells {
            let want = at(o, &c.field).as_f64().unwrap();
            assert_eq!(c.value, want, "{name} {}", c.field);
            let shown =
                if c.field.contains("prob") || c.field.contains("util") { pct(want) } else { money(want, "USD") };
            assert_eq!(c.text, shown, "{name} {}", c.field);
        }
    }

    // Every commitment is swept; the right-sized table holds each sweep's
    // proposed figure, and the sweep shown is the one whose figure saves most.
    let sweeps: Vec<serde_json::Value> = sim["offers"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|o| o["kind"] != "payg")
        .map(|o| json(&[&["sweep", sc, "--offer", o["name"].as_str().unwrap()][..], &run].concat()))
        .collect();
    assert_eq!(sweeps.len(), 2);
    for s in &sweeps {
        let name = s["offer"].as_str().unwrap();
        let tag = format!("data-right-sized=\"{name}\"");
        let row = &html[html.find(&tag).unwrap_or_else(|| panic!("no right-sized row for {name}"))..];
        let row = &row[..row.find('>').unwrap()];
        let p = &s["recommend"];
        assert_eq!(attr(row, "data-proposed-level").unwrap().parse::<f64>().unwrap(), p["level"].as_f64().unwrap());
        assert_eq!(
            attr(row, "data-saving-mean").unwrap().parse::<f64>().unwrap(),
            p["at"]["savings_mean"].as_f64().unwrap()
        );
        let pover = attr(row, "data-prob-overcommit").unwrap().parse::<f64>().unwrap();
        assert_eq!(pover, p["at"]["prob_overcommit"].as_f64().unwrap());
    }
    let sweep = sweeps
        .iter()
        .max_by(|a, b| {
            let m = |s: &serde_json::Value| s["recommend"]["at"]["savings_mean"].as_f64().unwrap();
            m(a).total_cmp(&m(b))
        })
        .unwrap()
        .clone();
    let offer = sweep["offer"].as_str().unwrap();
    let table = &html[html.find("<table id=\"sweep-table\"").unwrap()..];
    let head = &table[..table.find('>').unwrap()];
    assert_eq!(attr(head, "data-offer").as_deref(), Some(offer));
    assert_eq!(attr(head, "data-recommended").unwrap().parse::<f64>().unwrap(), sweep["recommended"].as_f64().unwrap());
    let levels = rows(&html, "data-level");
    assert_eq!(levels.len(), sweep["levels"].as_array().unwrap().len());
    for ((level, cells), l) in levels.iter().zip(sweep["levels"].as_array().unwrap()) {
        assert_eq!(level.parse::<f64>().unwrap(), l["level"].as_f64().unwrap());
        for c in cells {
            assert_eq!(c.value, l[&c.field].as_f64().unwrap(), "level {level} {}", c.field);
        }
    }
    let levers = rows(&html, "data-lever");
    assert_eq!(levers.len(), sweep["levers"].as_array().unwrap().len());
    for ((id, cells), l) in levers.iter().zip(sweep["levers"].as_array().unwrap()) {
        assert_eq!(id, l["id"].as_str().unwrap(), "levers in the same order");
        for c in cells {
            assert_eq!(c.value, l[&c.field].as_f64().unwrap(), "lever {id} {}", c.field);
        }
        let saving = -l["cost_mean_change"].as_f64().unwrap();
        assert_eq!(cell(cells, "cost_mean_change").text, money(saving, "USD"));
    }

    // The scorecards.
    let score = json(&[
        "score",
        repo("contracts/azure-openai.toml").to_str().unwrap(),
        repo("contracts/anthropic.toml").to_str().unwrap(),
    ]);
    for c in score["contracts"].as_array().unwrap() {
        let file = c["file"].as_str().unwrap();
        let tag = format!("data-contract=\"{}\" data-field=\"score\" data-value=\"", file.replace('/', "&#x2f;"));
        let start = html.find(&tag).unwrap_or_else(|| panic!("score of {file}")) + tag.len();
        let v: f64 = html[start..start + html[start..].find('"').unwrap()].parse().unwrap();
        assert_eq!(v, c["score"].as_f64().unwrap());
    }

    // The forecast fan: the `total` of `forecast` on the same paths.
    let fc = json(&[&["forecast", sc][..], &run].concat());
    let months = rows(&html, "data-month");
    assert_eq!(months.len(), 24);
    for (i, (m, cells)) in months.iter().enumerate() {
        assert_eq!(m, fc["months"][i].as_str().unwrap());
        for c in cells {
            assert_eq!(c.value, fc["total"][&c.field][i].as_f64().unwrap(), "{m} {}", c.field);
            assert_eq!(c.text, count(c.value));
        }
    }

    // The spend view: `forecast`'s `spend` block on the same paths, to the bit.
    let sp = &fc["spend"];
    let spend = rows(&html, "data-spend");
    let groups = 1 + sp["vendors"].as_array().unwrap().len() + sp["workloads"].as_array().unwrap().len();
    assert_eq!(spend.len(), groups);
    for (key, cells) in &spend {
        let (kind, name) = key.split_once(':').unwrap();
        let g = match kind {
            "total" => &sp["total"],
            k => sp[format!("{k}s")].as_array().unwrap().iter().find(|g| g["name"] == name).expect("group in JSON"),
        };
        for c in cells {
            let want =
                if c.field == "horizon" { &g["horizon"] } else { &g["years"][c.field.parse::<usize>().unwrap()] };
            assert_eq!(c.value, want["mean"].as_f64().unwrap(), "{key} {}", c.field);
            assert_eq!(c.text, money(c.value, "USD"));
        }
    }
    let prices = rows(&html, "data-model");
    assert_eq!(prices.len(), sp["models"].as_array().unwrap().len());
    for (model, cells) in &prices {
        let m = sp["models"].as_array().unwrap().iter().find(|m| &m["model"] == model).expect("model in JSON");
        for c in cells {
            let want = match c.field.as_str() {
                "list" => m["list_usd_per_mtok"].as_f64().unwrap(),
                o => m["offers"].as_array().unwrap().iter().find(|x| x["offer"] == o).unwrap()["usd_per_mtok"]
                    .as_f64()
                    .unwrap(),
            };
            assert_eq!(c.value, want, "{model} {}", c.field);
        }
    }

    // The recommendation's figures are one of the offers' as written, or a sweep's proposed figure.
    let rec = &html[html.find("id=\"recommendation\"").unwrap()..];
    let rec = &rec[..rec.find('>').unwrap()];
    let name = attr(rec, "data-offer").unwrap();
    let mean: f64 = attr(rec, "data-saving-mean").unwrap().parse().unwrap();
    let as_written =
        sim["offers"].as_array().unwrap().iter().any(|o| o["name"] == name.as_str() && o["savings"]["mean"] == mean);
    let at_level = sweeps.iter().any(|s| s["recommend"]["at"]["savings_mean"] == mean);
    assert!(as_written || at_level, "recommended saving {mean} is not a simulate or sweep figure");
    let best_within: f64 = sim["offers"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|o| o["commitment"].is_null() || o["commitment"]["prob_overcommit"].as_f64().unwrap() <= 0.10)
        .map(|o| o["savings"]["mean"].as_f64().unwrap())
        .fold(f64::NEG_INFINITY, f64::max);
    assert!(mean >= best_within, "the recommendation saves the most within the risk limit");

    // What drives the cost: `sensitivity` of the recommended offer (here as
    // written) on the same paths, largest swing first, at most eight rows.
    assert!(as_written, "this scenario recommends an offer as written");
    let sens = json(&[&["sensitivity", sc, "--offer", &name][..], &run].concat());
    let drivers = rows(&html, "data-input");
    let want = sens["inputs"].as_array().unwrap();
    assert!(!want.is_empty());
    assert_eq!(drivers.len(), want.len().min(8));
    for ((input, cells), e) in drivers.iter().zip(want) {
        assert_eq!(input, e["input"].as_str().unwrap());
        for c in cells {
            assert_eq!(c.value, e[&c.field].as_f64().unwrap(), "{input} {}", c.field);
        }
        assert_eq!(cell(cells, "cost_low").text, money(e["cost_low"].as_f64().unwrap(), "USD"));
    }
}

#[test]
fn the_same_brief_at_any_thread_count() {
    let d = Dir::new();
    let (a, b) = (d.path("a.html"), d.path("b.html"));
    ok(&example_brief(&a, &["--threads", "1"]));
    ok(&example_brief(&b, &["--threads", "2"]));
    let (a, b) = (std::fs::read_to_string(a).unwrap(), std::fs::read_to_string(b).unwrap());
    assert_eq!(a.replace("a.html", ""), b.replace("b.html", ""));
}

/// A scenario whose names are markup, with a contract whose vendor is too.
fn hostile(d: &Dir) -> (PathBuf, PathBuf) {
    d.write(
        "prices.toml",
        &catalog("source = \"javascript:alert(2)\"")
            .replace("id = \"n\"", "id = \"n\"\nsource = \"https://example.com/p?a=1&b=<2>\""),
    );
    let sc = d.write(
        "s.toml",
        r#"name = "<script>alert(1)</script> renewal"
start = "2027-01"
horizon_months = 12
catalog = "prices.toml"
[simulation]
paths = 500
seed = 1
[[workloads]]
name = "<img src=x onerror=alert(3)>"
model = "m"
monthly_tokens = 1.0e9
input_share = 0.7
output_share = 0.3
growth_annual = 0.2
volatility_monthly = 0.1
[[workloads]]
name = "second"
model = "n"
monthly_tokens = 1.0e9
input_share = 0.7
output_share = 0.3
growth_annual = 0.1
volatility_monthly = 0.1
[[offers]]
name = "List"
kind = "payg"
[[offers]]
name = "<script>alert(1)</script>"
kind = "commit"
period = "year"
amount = 20000
discount = 0.1
"#,
    );
    let contract =
        d.write("c.toml", "[vendor]\nname = \"<script>alert(1)</script>\"\n[retention]\nprompt_retention_days = 30\n");
    (sc, contract)
}

#[test]
fn names_from_input_files_are_text_not_markup() {
    let d = Dir::new();
    let (sc, contract) = hostile(&d);
    let out = d.path("brief.html");
    let o = cmd().arg("brief").arg(&sc).arg("--contract").arg(&contract).arg("--out").arg(&out).output().unwrap();
    ok(&o);
    let html = std::fs::read_to_string(&out).unwrap();
    for bad in ["<script", "<link", "src=\"http", "url(http", "@import", "<img", "href=\"javascript"] {
        assert!(!html.to_ascii_lowercase().contains(bad), "the HTML contains {bad}");
    }
    assert!(html.contains("&lt;script&gt;alert(1)&lt;&#x2f;script&gt;"), "the offer's name is shown, escaped");
    assert!(html.contains("&lt;img src=x onerror=alert(3)&gt;"), "the workload's name is shown, escaped");
    assert!(
        html.contains("<a href=\"https:&#x2f;&#x2f;example.com&#x2f;p?a=1&amp;b=&lt;2&gt;\">"),
        "a source link, escaped"
    );
    assert!(html.contains("javascript:alert(2)"), "a non-web source is shown as text, not a link");
    // In the charts too (the cost box plot names every offer).
    assert!(html.contains(">&lt;script&gt;alert(1)&lt;/script&gt;</text>"), "SVG text escaped");

    let md = d.path("brief.md");
    let o = cmd()
        .arg("brief")
        .arg(&sc)
        .arg("--contract")
        .arg(&contract)
        .args(["--format", "md", "--out"])
        .arg(&md)
        .output()
        .unwrap();
    ok(&o);
    let text = std::fs::read_to_string(&md).unwrap();
    assert!(!text.contains("<script") && !text.contains("<img"), "markup in the Markdown");
    assert!(text.contains("&lt;script&gt;alert(1)&lt;/script&gt;"));
    for f in std::fs::read_dir(d.path("brief-charts")).unwrap() {
        let svg = std::fs::read_to_string(f.unwrap().path()).unwrap();
        assert!(!svg.contains("<script") && !svg.contains("<img"));
    }
}

#[test]
fn markdown_brief_links_its_charts_written_beside_it() {
    let d = Dir::new();
    let out = d.path("brief.md");
    ok(&example_brief(&out, &["--format", "markdown"]));
    let md = std::fs::read_to_string(&out).unwrap();
    // A lever whose worth would surprise says why: the 70% first period of
    // the example's commitment falls below its $250k tier.
    let squashed = md.split_whitespace().collect::<Vec<_>>().join(" ");
    assert!(squashed.contains("falls below the $250k per year tier threshold and loses that tier's discount"), "{md}");
    for id in ["savings", "sweep", "levers", "walkaway-1", "walkaway-2", "forecast"] {
        let rel = format!("brief-charts/{id}.svg");
        assert!(md.contains(&format!("]({rel})")), "{rel} not linked");
        let svg = std::fs::read_to_string(d.path(&rel)).unwrap();
        assert!(svg.starts_with("<svg xmlns=\"http://www.w3.org/2000/svg\"") && svg.ends_with("</svg>\n"));
        assert!(svg.contains("<title id="), "{id} has a title");
    }
    for heading in [
        "## Recommendation",
        "## Offers",
        "## Commitment sweep",
        "## Levers, ranked by dollars",
        "## Walk-away points",
        "### Anthropic commit",
        "- Counter-offer on Anthropic commit: at $450k per year",
        "## Usage forecast",
        "## Contract scorecards",
        "### Deal-breakers",
        "## Assumptions and method",
        "## Reproducibility",
    ] {
        assert!(md.contains(heading), "{heading}");
    }
    assert!(md.contains("Sign "), "the recommendation sentence");
    let leftovers: Vec<_> = std::fs::read_dir(d.tmp.path())
        .unwrap()
        .chain(std::fs::read_dir(d.path("brief-charts")).unwrap())
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".tmp"))
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");
}

#[test]
fn reproducibility_lists_every_input_with_its_sha256() {
    let d = Dir::new();
    let out = d.path("brief.html");
    ok(&example_brief(&out, &[]));
    let html = std::fs::read_to_string(&out).unwrap();
    let inputs = &html[html.find("<table id=\"inputs\"").unwrap()..];
    let inputs = &inputs[..inputs.find("</table>").unwrap()];
    for (role, file) in [
        ("scenario", "scenarios/example.toml"),
        ("price catalog", "scenarios/prices.toml"),
        ("contract terms", "contracts/azure-openai.toml"),
        ("contract terms", "contracts/anthropic.toml"),
    ] {
        let bytes = std::fs::read(repo(file)).unwrap();
        let hash = commitsim::api::sha256_hex(&bytes);
        assert!(inputs.contains(&hash), "{file}'s hash");
        assert!(inputs.contains(role));
    }
    let builtin = commitsim::api::sha256_hex(commitsim::api::DEFAULT_CHECKLIST.as_bytes());
    assert!(inputs.contains(&builtin) && inputs.contains("checklist (built in)"));
    assert!(inputs.contains("embedded"), "says the built-in checklist is hashed from its embedded text");
    // The command that reproduces it is metadata for machines, not text for the reader.
    let meta = &html[html.find("<meta name=\"commitsim-command\" content=\"").unwrap()..];
    assert!(
        meta[..meta.find('>').unwrap()].contains("--seed 11 --paths 3000"),
        "the command spells out seed and paths"
    );
    let body = &html[html.find("<body>").unwrap()..];
    assert!(!body.contains("--seed"), "no command line in the text");
}

/// A scenario without commit or provisioned offers, and with a usage history.
#[test]
fn without_a_commitment_the_brief_says_so_and_the_fan_shows_history() {
    let d = Dir::new();
    d.write("prices.toml", &catalog(""));
    let mut csv = String::from("month,workload,model,input_tokens,output_tokens\n");
    for (i, m) in [
        "2026-01", "2026-02", "2026-03", "2026-04", "2026-05", "2026-06", "2026-07", "2026-08", "2026-09", "2026-10",
        "2026-11", "2026-12",
    ]
    .iter()
    .enumerate()
    {
        csv.push_str(&format!("{m},chat,m,{},{}\n", 700_000_000 + 20_000_000 * i, 300_000_000 + 9_000_000 * i));
    }
    d.write("usage.csv", &csv);
    let sc = d.write(
        "s.toml",
        "name = \"PAYG only\"\nstart = \"2027-01\"\nhorizon_months = 12\ncatalog = \"prices.toml\"\n[simulation]\npaths = 400\n\
         [history]\nfile = \"usage.csv\"\n[[offers]]\nname = \"List\"\nkind = \"payg\"\n[[offers]]\nname = \"Minus 5\"\nkind = \"payg\"\ndiscount = 0.05\n",
    );
    let out = d.path("b.html");
    ok(&cmd().arg("brief").arg(&sc).arg("--out").arg(&out).output().unwrap());
    let html = std::fs::read_to_string(&out).unwrap();
    assert!(html.contains("no commit or provisioned offer, so there is no commitment level to choose"));
    assert_eq!(html.matches("<svg ").count(), 3, "costs, what drives them, and the forecast only");
    assert!(html.contains("and the history as a line with round markers"), "the fan has a history line");
    assert!(html.contains("Sign Minus 5 with no commitment"), "recommends the discount");
    assert!(html.contains("No contract terms were given"));
    let inputs = &html[html.find("<table id=\"inputs\"").unwrap()..];
    assert!(inputs.contains("usage history") && inputs.contains(&commitsim::api::sha256_hex(csv.as_bytes())));
}

// ------------------------------------------------------------ bad input

/// Asserts exit `code`, a message containing `needle`, and no file left in `d`
/// other than `keep`.
#[track_caller]
fn fails(o: &std::process::Output, code: i32, needle: &str, d: &Dir, keep: &[&str]) {
    assert_eq!(o.status.code(), Some(code), "stderr: {}", String::from_utf8_lossy(&o.stderr));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(err.contains(needle), "expected `{needle}` in: {err}");
    let left: Vec<String> = std::fs::read_dir(d.tmp.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| !keep.contains(&n.as_str()))
        .collect();
    assert!(left.is_empty(), "left behind: {left:?}");
}

#[test]
fn a_missing_scenario_exits_2_naming_it() {
    let d = Dir::new();
    let o = cmd().arg("brief").arg(d.path("nope.toml")).arg("--out").arg(d.path("b.html")).output().unwrap();
    fails(&o, 2, "nope.toml", &d, &[]);
}

#[test]
fn a_missing_contract_exits_2_and_keeps_the_old_brief() {
    let d = Dir::new();
    let old = d.write("b.html", "old brief");
    let o = cmd()
        .arg("brief")
        .arg(repo("scenarios/example.toml"))
        .arg("--contract")
        .arg(d.path("missing.toml"))
        .args(["--paths", "200", "--out"])
        .arg(&old)
        .output()
        .unwrap();
    fails(&o, 2, "missing.toml", &d, &["b.html"]);
    assert_eq!(std::fs::read_to_string(old).unwrap(), "old brief");
}

#[test]
fn a_missing_checklist_exits_2() {
    let d = Dir::new();
    let o = cmd()
        .arg("brief")
        .arg(repo("scenarios/example.toml"))
        .arg("--contract")
        .arg(repo("contracts/openai.toml"))
        .arg("--checklist")
        .arg(d.path("list.toml"))
        .args(["--paths", "200", "--out"])
        .arg(d.path("b.html"))
        .output()
        .unwrap();
    fails(&o, 2, "list.toml", &d, &[]);
}

#[test]
fn an_output_folder_that_does_not_exist_exits_2() {
    let d = Dir::new();
    let o = cmd()
        .arg("brief")
        .arg(repo("scenarios/example.toml"))
        .args(["--paths", "200", "--out"])
        .arg(d.path("no/such/dir/b.html"))
        .output()
        .unwrap();
    fails(&o, 2, "does not exist", &d, &[]);
}

#[test]
fn an_output_under_a_regular_file_exits_2() {
    let d = Dir::new();
    let file = d.write("plain", "x");
    for format in ["html", "markdown"] {
        let o = cmd()
            .arg("brief")
            .arg(repo("scenarios/example.toml"))
            .args(["--paths", "200", "--format", format, "--out"])
            .arg(file.join("b.out"))
            .output()
            .unwrap();
        fails(&o, 2, "is not a folder", &d, &["plain"]);
    }
}

#[test]
fn an_output_that_is_a_folder_exits_2() {
    let d = Dir::new();
    std::fs::create_dir(d.path("b.html")).unwrap();
    let o = cmd()
        .arg("brief")
        .arg(repo("scenarios/example.toml"))
        .args(["--paths", "200", "--out"])
        .arg(d.path("b.html"))
        .output()
        .unwrap();
    fails(&o, 2, "is a folder", &d, &["b.html"]);
}

#[test]
fn markdown_charts_folder_taken_by_a_file_exits_2() {
    let d = Dir::new();
    d.write("b-charts", "in the way");
    let o = cmd()
        .arg("brief")
        .arg(repo("scenarios/example.toml"))
        .args(["--paths", "200", "--format", "md", "--out"])
        .arg(d.path("b.md"))
        .output()
        .unwrap();
    fails(&o, 2, "not a folder", &d, &["b-charts"]);
}

/// A folder nobody can create files in, even root: /proc.
#[test]
fn an_unwritable_output_exits_1_and_leaves_nothing() {
    let d = Dir::new();
    for (format, out) in [("html", "/proc/commitsim-brief.html"), ("markdown", "/proc/commitsim-brief.md")] {
        let o = cmd()
            .arg("brief")
            .arg(repo("scenarios/example.toml"))
            .args(["--paths", "200", "--format", format, "--out", out])
            .output()
            .unwrap();
        fails(&o, 1, "cannot write /proc/commitsim-brief", &d, &[]);
        assert!(!Path::new(out).exists());
        assert!(!Path::new("/proc/commitsim-brief-charts").exists());
    }
}

#[test]
fn a_payg_offer_cannot_be_swept() {
    let d = Dir::new();
    let o = cmd()
        .arg("brief")
        .arg(repo("scenarios/example.toml"))
        .args(["--offer", "List price", "--paths", "200", "--out"])
        .arg(d.path("b.html"))
        .output()
        .unwrap();
    fails(&o, 2, "payg offer", &d, &[]);
}

// ------------------------------------------------------------ in a browser

/// Chromium, or `None` when `COMMITSIM_SKIP_BROWSER=1`. Missing without that
/// variable is a failure: the test must not pass silently.
fn browser() -> Option<PathBuf> {
    if std::env::var("COMMITSIM_SKIP_BROWSER").is_ok_and(|v| v == "1") {
        eprintln!("COMMITSIM_SKIP_BROWSER=1: skipping the browser test");
        return None;
    }
    let found = ["chromium", "chromium-browser", "google-chrome"].iter().find_map(|n| which(n));
    assert!(
        which("pdftotext").is_some(),
        "pdftotext is missing: apt-get install poppler-utils (or COMMITSIM_SKIP_BROWSER=1)"
    );
    Some(found.expect("headless Chromium is missing: apt-get install chromium (or set COMMITSIM_SKIP_BROWSER=1)"))
}

fn which(name: &str) -> Option<PathBuf> {
    std::env::split_paths(&std::env::var_os("PATH")?).map(|d| d.join(name)).find(|p| p.is_file())
}

/// Runs `program args` with a deadline; returns its standard output.
fn run_with_deadline(program: &Path, args: &[String], secs: u64) -> Vec<u8> {
    let dir = tempfile::tempdir().unwrap();
    let out_file = dir.path().join("stdout");
    let mut child = Command::new(program)
        .args(args)
        .stdin(Stdio::null())
        .stdout(std::fs::File::create(&out_file).unwrap())
        .stderr(Stdio::null())
        .spawn()
        .expect("start");
    let start = Instant::now();
    loop {
        if let Some(status) = child.try_wait().unwrap() {
            assert!(status.success(), "{} failed: {status}", program.display());
            return std::fs::read(out_file).unwrap();
        }
        if start.elapsed() > Duration::from_secs(secs) {
            let _ = child.kill();
            panic!("{} did not finish in {secs} s", program.display());
        }
        std::thread::sleep(Duration::from_millis(50));
    }
}

fn chromium(bin: &Path, profile: &Path, extra: &[String], page: &Path) -> Vec<u8> {
    let mut args: Vec<String> = [
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--no-pdf-header-footer",
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();
    args.push(format!("--user-data-dir={}", profile.display()));
    args.extend(extra.iter().cloned());
    args.push(format!("file://{}", page.display()));
    run_with_deadline(bin, &args, 180)
}

/// Whitespace collapsed to single spaces.
fn squash(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

#[test]
fn a_reader_sees_the_recommendation_offers_seven_charts_and_the_scorecard() {
    let Some(bin) = browser() else { return };
    let d = Dir::new();
    let page = d.path("brief.html");
    ok(&example_brief(&page, &[]));
    let html = std::fs::read_to_string(&page).unwrap();
    let profile = d.path("profile");

    // The DOM as the browser built it: seven figures, each an <svg> with its title.
    let dom = String::from_utf8(chromium(&bin, &profile, &["--dump-dom".into()], &page)).unwrap();
    assert!(!dom.contains("<script"), "no script element in the rendered page");
    let figures: Vec<&str> = dom.split("<figure").skip(1).collect();
    assert_eq!(figures.len(), 7, "seven figures");
    let titles: Vec<String> = figures
        .iter()
        .map(|f| {
            assert!(f.contains("<svg"), "a figure without its chart");
            let t = &f[f.find("<title").unwrap()..];
            unescape(&t[t.find('>').unwrap() + 1..t.find("</title>").unwrap()])
        })
        .collect();
    assert_eq!(dom.matches("<svg").count(), 7);
    for (t, want) in titles.iter().zip([
        "Saving against List price per offer over 24 months",
        "Commitment sweep of Anthropic commit",
        "What each concession is worth on Anthropic commit",
        "Walk-away discount of Anthropic commit",
        "Walk-away unit price of Azure PTU x 150 (1-yr)",
        "What drives the cost of Enterprise PAYG -6%",
        "Usage forecast: total tokens per month",
    ]) {
        assert_eq!(t, want);
    }

    // The printed text, as a reader sees it on paper.
    let pdf = d.path("brief.pdf");
    chromium(&bin, &profile, &[format!("--print-to-pdf={}", pdf.display())], &page);
    let text = run_with_deadline(&which("pdftotext").unwrap(), &[pdf.display().to_string(), "-".into()], 60);
    let text = squash(&String::from_utf8_lossy(&text));
    let rec = attr(&html[html.find("id=\"recommendation\"").unwrap()..], "data-offer").unwrap();
    for want in [
        "Negotiation brief: Northwind 2027 GenAI renewal".to_string(),
        "Recommendation".into(),
        format!("Sign {rec}"),
        "expected saving of".into(),
        "in 90% of futures, p5 to p95".into(),
        "probability of over-commitment".into(),
        "Ask first for the concession worth most".into(),
        "First contract ask".into(),
        "Counter-offer on Anthropic commit: at $450k per year, accept no less than".into(),
        "Walk-away points".into(),
        // The offers table.
        "Offers".into(),
        "Expected cost".into(),
        "List price".into(),
        "Enterprise PAYG -6%".into(),
        "Anthropic commit".into(),
        "Azure PTU x 150 (1-yr)".into(),
        // The charts' axes, rendered from SVG text.
        "Saving over 24 months (USD); left of zero the offer costs more".into(),
        "Commitment per year (USD)".into(),
        "P(over-commitment)".into(),
        "Tokens per month".into(),
        "Expected saving over 24 months (USD)".into(),
        "What drives the cost".into(),
        "Month-to-month swings of code-assist".into(),
        "Expected cost over 24 months (USD)".into(),
        "Least discount".into(),
        "Highest unit price (USD)".into(),
        // The scorecard.
        "Contract scorecards".into(),
        "Deal-breakers".into(),
        "Asks to Microsoft".into(),
        "Asks to Anthropic".into(),
        "Reproducibility".into(),
    ] {
        assert!(text.contains(&want), "the printed brief does not show `{want}`");
    }

    // On paper (the headless print is US Letter): at most eight pages, none
    // less than a third as full as the fullest, no option names, and page 1
    // holds the summary, the offers table and the savings chart.
    let info =
        String::from_utf8_lossy(&run_with_deadline(&which("pdfinfo").unwrap(), &[pdf.display().to_string()], 60))
            .to_string();
    assert!(info.contains("612 x 792 pts"), "Letter paper: {info}");
    let pages: usize = info.lines().find(|l| l.starts_with("Pages:")).unwrap()[6..].trim().parse().unwrap();
    assert!(pages <= 8, "{pages} pages");
    let page = |i: usize| {
        let args = [
            "-f".to_string(),
            i.to_string(),
            "-l".into(),
            i.to_string(),
            "-layout".into(),
            pdf.display().to_string(),
            "-".into(),
        ];
        String::from_utf8_lossy(&run_with_deadline(&which("pdftotext").unwrap(), &args, 60)).to_string()
    };
    let lines: Vec<usize> = (1..=pages).map(|i| page(i).lines().filter(|l| !l.trim().is_empty()).count()).collect();
    let most = *lines.iter().max().unwrap();
    for (i, &n) in lines.iter().enumerate() {
        assert!(3 * n >= most, "page {} holds {n} lines, under a third of the fullest ({most}): {lines:?}", i + 1);
    }
    assert!(!text.contains("--"), "an option name in the printed brief");
    let first = squash(&page(1));
    for want in
        ["Recommendation", &format!("Sign {rec}"), "Offers", "Utilisation", "Saving against List price per offer"]
    {
        assert!(first.contains(want), "page 1 does not show `{want}`");
    }
    assert!(first.contains("page 1 of"), "page numbers");
}

/// The commitment the brief offers as the alternative is the figure the sweep proposes;
/// its saving and range are those of `simulate` with that amount written in.
#[test]
fn the_commitment_alternative_is_simulate_at_that_amount() {
    let d = Dir::new();
    let out = d.path("brief.html");
    ok(&example_brief(&out, &[]));
    let html = unescape(&std::fs::read_to_string(&out).unwrap());
    let table = &html[html.find("<table id=\"sweep-table\"").unwrap()..];
    let level: f64 = attr(&table[..table.find('>').unwrap()], "data-proposed").unwrap().parse().unwrap();
    let text = std::fs::read_to_string(repo("scenarios/example.toml")).unwrap();
    let line = text.lines().find(|l| l.starts_with("amount = ")).unwrap();
    d.write("s.toml", &text.replace(line, &format!("amount = {level}")));
    std::fs::copy(repo("scenarios/prices.toml"), d.path("prices.toml")).unwrap();
    let sim = json(&["simulate", d.path("s.toml").to_str().unwrap(), "--paths", PATHS, "--seed", "11"]);
    let o = sim["offers"].as_array().unwrap().iter().find(|o| o["name"] == "Anthropic commit").unwrap();
    let s = |k: &str| money(o["savings"][k].as_f64().unwrap(), "USD");
    let want = format!(
        "within the risk limit is Anthropic commit at {} per year: an expected saving of {} against List price over 24 months ({} to {} in 90% of futures",
        money(level, "USD"),
        s("mean"),
        s("p5"),
        s("p95")
    );
    assert!(html.contains(&want), "expected `{want}` in the recommendation");
}

/// When the recommendation is a commitment at the sweep's level, the tornado
/// is that of the offer at that level: `sensitivity` of the scenario with
/// the level written in, on the same seed and paths.
#[test]
fn what_drives_the_cost_is_measured_at_the_recommended_level() {
    let d = Dir::new();
    let text = std::fs::read_to_string(repo("scenarios/example.toml")).unwrap();
    // Only the baseline and the commitment: the brief recommends the commitment at the sweep's level.
    let blocks: Vec<&str> = text.split("[[offers]]").collect();
    let keep: String = blocks
        .iter()
        .enumerate()
        .filter(|(i, b)| *i == 0 || b.contains("name = \"List price\"") || b.contains("name = \"Anthropic commit\""))
        .map(|(i, b)| if i == 0 { b.to_string() } else { format!("[[offers]]{b}") })
        .collect();
    d.write("s.toml", &keep);
    std::fs::copy(repo("scenarios/prices.toml"), d.path("prices.toml")).unwrap();
    let out = d.path("b.html");
    let run = ["--paths", PATHS, "--seed", "11"];
    ok(&cmd().arg("brief").arg(d.path("s.toml")).args(run).arg("--out").arg(&out).output().unwrap());
    let html = std::fs::read_to_string(&out).unwrap();
    let table = &html[html.find("<table id=\"sweep-table\"").unwrap()..];
    let level: f64 = attr(&table[..table.find('>').unwrap()], "data-proposed").unwrap().parse().unwrap();
    assert!(html.contains("Sign Anthropic commit"), "the commitment is recommended");
    let amount = keep.lines().find(|l| l.starts_with("amount = ")).unwrap();
    assert_ne!(amount, format!("amount = {level}"), "the level differs from the offer as written");
    d.write("at.toml", &keep.replace(amount, &format!("amount = {level}")));
    let sc = d.path("at.toml");
    let sens = json(&[&["sensitivity", sc.to_str().unwrap(), "--offer", "Anthropic commit"][..], &run].concat());
    let drivers = rows(&html, "data-input");
    let want = sens["inputs"].as_array().unwrap();
    assert_eq!(drivers.len(), want.len().min(8));
    for ((input, cells), e) in drivers.iter().zip(want) {
        assert_eq!(input, e["input"].as_str().unwrap());
        for c in cells {
            assert_eq!(c.value, e[&c.field].as_f64().unwrap(), "{input} {}", c.field);
        }
    }
}

/// A contract whose providers the scenario does not use is named, on the
/// terminal and in the brief; contracts for the scenario's providers are not.
#[test]
fn a_contract_for_a_provider_the_scenario_does_not_use_is_noted() {
    let d = Dir::new();
    let out = d.path("b.html");
    let o = cmd()
        .arg("brief")
        .arg(repo("scenarios/example.toml"))
        .arg("--contract")
        .arg(repo("contracts/openai.toml"))
        .arg("--contract")
        .arg(repo("contracts/anthropic.toml"))
        .args(["--paths", "500", "--out"])
        .arg(&out)
        .output()
        .unwrap();
    ok(&o);
    let stderr = String::from_utf8_lossy(&o.stderr);
    let want = "the OpenAI contract covers openai, which none of the scenario's workloads use (they run on anthropic, \
                azure-openai)";
    assert!(stderr.contains(want), "{stderr}");
    assert!(!stderr.contains("the Anthropic contract covers"), "{stderr}");
    let html = unescape(&std::fs::read_to_string(&out).unwrap());
    assert!(html.contains(want), "the brief notes it too");
    // The example's own contracts match its providers: no note.
    ok(&example_brief(&out, &[]));
    assert!(!std::fs::read_to_string(&out).unwrap().contains("none of the scenario's workloads use"));
}

/// The counter-offer of `offer`: the text of its list item in the HTML brief.
fn counter_offer(html: &str, offer: &str) -> String {
    let key = format!("<li data-offer=\"{offer}\">");
    let start = html.find(&key).unwrap_or_else(|| panic!("no counter-offer for {offer}")) + key.len();
    unescape(&html[start..start + html[start..].find("</li>").expect("closed")])
}

/// A discount rounded up to a tenth of a point, as the brief quotes it.
fn up(d: f64) -> String {
    format!("{:.1}%", (d * 1000.0 - 1e-9).ceil() / 10.0)
}

#[test]
fn the_counter_offer_quotes_walkaway_on_the_same_futures() {
    let d = Dir::new();
    let out = d.path("brief.html");
    ok(&example_brief(&out, &[]));
    let html = std::fs::read_to_string(&out).unwrap();
    let scenario = repo("scenarios/example.toml");
    let scenario = scenario.to_str().unwrap();
    let walk = |offer: &str| json(&["walkaway", scenario, "--offer", offer, "--paths", PATHS, "--seed", "11"]);

    // The commit offer: at its own $450k a year.
    let w = walk("Anthropic commit");
    let own = w["levels"].as_array().unwrap().iter().find(|l| l["level"] == w["offered_level"]).expect("own level");
    let text = counter_offer(&html, "Anthropic commit");
    assert!(text.starts_with("Counter-offer on Anthropic commit: at $450k per year, "), "{text}");
    let be = own["break_even_discount"].as_f64().expect("a discount works on average at $450k");
    assert!(text.contains(&format!("accept no less than {} off", up(be))), "{text}");
    // At $450k a year usage falls short too often for 90% sureness at any discount: said in words.
    assert!(own["break_even_discount_confident"].is_null(), "{own}");
    assert!(text.contains("no discount makes it 90% sure to save, as usage falls short of the commitment"), "{text}");
    assert!(!text.contains("null") && !text.contains("--"), "{text}");
    let most = w["max_level"].as_f64().unwrap();
    let sure = w["max_level_confident"].as_f64().unwrap();
    // Down to two significant figures: $534,961 → $530k.
    let k = |x: f64| {
        let step = 10f64.powi(x.log10().floor() as i32 - 1);
        money((x / step * (1.0 + 1e-12)).floor() * step, "USD")
    };
    assert!(text.contains(&format!("at the {} offered, ", pct(w["offered_discount"].as_f64().unwrap()))), "{text}");
    assert!(
        text.contains(&format!("commit at most {} per year ({} per year to be 90% sure)", k(most), k(sure))),
        "{text}"
    );
    assert!(most > 450_000.0 && sure < 450_000.0, "the example's bounds straddle its own level");

    // The provisioned offer: unit prices down to three figures, units down to whole units.
    let w = walk("Azure PTU x 150 (1-yr)");
    let own = w["levels"].as_array().unwrap().iter().find(|l| l["level"] == w["offered_level"]).unwrap();
    let text = counter_offer(&html, "Azure PTU x 150 (1-yr)");
    let price = |x: f64| money(x.floor(), "USD");
    let p = own["break_even_unit_price"].as_f64().unwrap();
    let pc = own["break_even_unit_price_confident"].as_f64().unwrap();
    assert!(
        text.contains(&format!("at 150 units, pay no more than {} per unit; {} to be 90% sure", price(p), price(pc))),
        "{text}"
    );
    let units = w["max_level"].as_f64().unwrap().floor();
    assert!(w["max_level_confident"].is_null());
    assert!(text.contains(&format!("buy at most {units} units (no number of units is 90% sure to save)")), "{text}");

    // One chart per offer, in the walk-away section, with the offered point marked.
    for (k, offer) in [(1, "Anthropic commit"), (2, "Azure PTU x 150 (1-yr)")] {
        let fig = format!("<figure id=\"figure-walkaway-{k}\">");
        let at = html.find(&fig).unwrap_or_else(|| panic!("no walk-away chart for {offer}"));
        let svg = &html[at..at + html[at..].find("</figure>").unwrap()];
        assert!(svg.contains("<svg") && svg.contains("as offered: "), "{offer}");
        assert!(svg.contains(&format!("Walk-away {} of {}", if k == 1 { "discount" } else { "unit price" }, offer)));
    }
}

/// The best deal can be an offer that loses as written: an over-sized
/// reservation (150 units, a loss against list) right-sized by its sweep is
/// what the brief recommends, at the figure `sweep` proposes.
#[test]
fn an_offer_that_loses_as_written_is_recommended_right_sized() {
    let d = Dir::new();
    let text = std::fs::read_to_string(repo("scenarios/example.toml")).unwrap();
    let blocks: Vec<&str> = text.split("[[offers]]").collect();
    let keep: String = blocks
        .iter()
        .enumerate()
        .filter(|(i, b)| {
            *i == 0 || b.contains("name = \"List price\"") || b.contains("name = \"Azure PTU x 150 (1-yr)\"")
        })
        .map(|(i, b)| if i == 0 { b.to_string() } else { format!("[[offers]]{b}") })
        .collect();
    d.write("s.toml", &keep);
    std::fs::copy(repo("scenarios/prices.toml"), d.path("prices.toml")).unwrap();
    let run = ["--paths", PATHS, "--seed", "11"];
    let sc = d.path("s.toml");
    let sim = json(&[&["simulate", sc.to_str().unwrap()][..], &run].concat());
    let ptu = sim["offers"].as_array().unwrap().iter().find(|o| o["kind"] == "provisioned").unwrap();
    assert!(ptu["savings"]["mean"].as_f64().unwrap() < 0.0, "the reservation loses as written");
    let sweep = json(&[&["sweep", sc.to_str().unwrap(), "--offer", "Azure PTU x 150 (1-yr)"][..], &run].concat());
    let p = &sweep["recommend"];
    let units = p["level"].as_f64().unwrap();
    assert!(units > 0.0 && units < 150.0 && p["at"]["savings_mean"].as_f64().unwrap() > 0.0, "{p}");
    let out = d.path("b.html");
    ok(&cmd().arg("brief").arg(&sc).args(run).arg("--out").arg(&out).output().unwrap());
    let html = unescape(&std::fs::read_to_string(&out).unwrap());
    let want = format!("Sign Azure PTU x 150 (1-yr) at {units} units, right-sized from the 150 units offered");
    assert!(html.contains(&want), "expected `{want}`");
    let rec = &html[html.find("id=\"recommendation\"").unwrap()..];
    let rec = &rec[..rec.find('>').unwrap()];
    assert_eq!(attr(rec, "data-level").unwrap().parse::<f64>().unwrap(), units);
    assert_eq!(
        attr(rec, "data-saving-mean").unwrap().parse::<f64>().unwrap(),
        p["at"]["savings_mean"].as_f64().unwrap()
    );
    assert!(!html.contains("--offer"), "no command-line language");
    // The first-page summary leads with the same choice, in one short line.
    let summary = &html[html.find("id=\"summary\"").unwrap()..];
    let first = &summary[summary.find("<li>").unwrap() + 4..summary.find("</li>").unwrap()];
    let saving = commitsim::api::money(p["at"]["savings_mean"].as_f64().unwrap(), "USD");
    assert!(
        first.starts_with(&format!(
            "Sign Azure PTU x 150 (1-yr) at {units} units (offered: 150 units): expected saving {saving}"
        )),
        "{first}"
    );
}

/// A reservation given in limits: the brief says which limit binds and how
/// much of each is used, in the words and numbers of `simulate` on the same
/// futures (HTML and Markdown); a brief without such a reservation says nothing.
/// (The sentence has no option names: the printed-brief test checks those.)
#[test]
fn the_brief_says_which_limit_of_a_reservation_binds() {
    let d = Dir::new();
    let sc = repo("scenarios/capacity-2026.toml");
    let args = ["--paths", "2000", "--seed", "5"];
    let table = cmd().arg("simulate").arg(&sc).args(args).output().unwrap();
    let table = String::from_utf8_lossy(&table.stdout).into_owned();
    let sentence =
        table.lines().find(|l| l.starts_with("Sonnet TPM reserve x 40: ")).expect("simulate's sentence").to_string();
    assert!(sentence.contains("limit binds first"), "{sentence}");
    for name in ["b.html", "b.md"] {
        let out = d.path(name);
        ok(&cmd().arg("brief").arg(&sc).args(args).arg("--out").arg(&out).output().unwrap());
        let text = std::fs::read_to_string(&out).unwrap();
        assert!(text.contains(&sentence), "{name} lacks {sentence:?}");
    }
    let out = d.path("example.html");
    ok(&example_brief(&out, &[]));
    assert!(!std::fs::read_to_string(&out).unwrap().contains("limit-note"));
}
