//! Hostile inputs (issue 14): names that are formulas, Markdown, terminal
//! escape sequences; files that never end; values that make NaN. Each class
//! with inputs written for it.

use std::process::Output;

use crate::util::{catalog, cmd, repo, Dir};

/// A name that is, at once, a spreadsheet formula, live Markdown (an image
/// that would be fetched, a link, emphasis, an autolink) and terminal
/// escapes (set the title, clear the screen, ring the bell, CSI in its C1
/// form, a bidirectional override).
const EVIL: &str = "=HYPERLINK(\"http://evil.example/x\") ![px](http://t.example/p.png) [l](http://l.example) \
                    *b* www.w.example \u{1b}]0;pwned\u{7}\u{1b}[2J\u{9b}31m\u{202e}";

/// `EVIL` as a TOML basic string.
fn toml_str(s: &str) -> String {
    let mut out = String::from("\"");
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            c if c.is_control() || c == '\u{202e}' => out.push_str(&format!("\\u{:04X}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// Formula starters, one per name, so that each lands in some cell.
const STARTERS: [&str; 6] = ["=", "+", "-", "@", "\t", "\r"];

fn scenario() -> String {
    let mut offers = String::new();
    for (i, s) in STARTERS.iter().enumerate() {
        offers.push_str(&format!(
            "\n[[offers]]\nname = {}\nkind = \"payg\"\ndiscount = 0.0{i}\n",
            toml_str(&format!("{s}{i} {EVIL}"))
        ));
    }
    format!(
        r#"name = {name}
start = "2027-01"
horizon_months = 12
catalog = "prices.toml"

[simulation]
paths = 200
seed = 1

[risk]
baseline = "List"

[[workloads]]
name = {name}
model = "m"
monthly_tokens = 1.0e9
input_share = 0.6
output_share = 0.3
cached_share = 0.1
growth_annual = 0.1
volatility_monthly = 0.1

[[offers]]
name = "List"
kind = "payg"

[[offers]]
name = {name}
kind = "commit"
period = "year"
amount = 50000
discount = 0.1
{offers}"#,
        name = toml_str(EVIL)
    )
}

/// No control character but line feed (and tab, which moves only the
/// cursor, where `keep_tab`) anywhere.
#[track_caller]
fn no_controls(what: &str, text: &str, keep_tab: bool) {
    let bad = text
        .chars()
        .find(|&c| (c.is_control() && c != '\n' && !(keep_tab && c == '\t')) || ('\u{202a}'..='\u{202e}').contains(&c));
    assert!(bad.is_none(), "{what}: control character {bad:?} in:\n{text}");
}

/// Standard output of a successful run.
#[track_caller]
fn ok(out: Output) -> String {
    let err = String::from_utf8_lossy(&out.stderr).into_owned();
    assert!(out.status.success(), "failed: {err}");
    no_controls("stderr", &err, true);
    String::from_utf8(out.stdout).expect("UTF-8 output")
}

/// Checks every format of one command for injection; `names` text cells
/// of the CSV at least start with a formula character, and the Markdown
/// shows the name (escaped) when `md_names`.
fn check_formats(args: &[&std::ffi::OsStr], names: usize, md_names: bool) {
    let run = |f: &str| ok(cmd().args(args).args(["--format", f]).output().unwrap());
    let table = run("table");
    no_controls("table", &table, true);
    let md = run("markdown");
    no_controls("markdown", &md, false);
    for live in ["![px]", "[l](", "*b*", "http://", "www.w", "<", "\u{1b}"] {
        assert!(!md.contains(live), "live Markdown {live:?} in:\n{md}");
    }
    assert!(!md_names || md.contains("\\!\\[px\\]"), "the name is not shown escaped:\n{md}");
    let csv = run("csv");
    let mut rdr = csv::ReaderBuilder::new().has_headers(false).flexible(true).from_reader(csv.as_bytes());
    let mut text_cells = 0;
    for rec in rdr.records() {
        for cell in rec.unwrap().iter() {
            no_controls("csv cell", cell, true);
            if cell.parse::<f64>().is_ok() {
                continue;
            }
            assert!(!cell.starts_with(['=', '+', '-', '@', '\t', '\r']), "formula cell {cell:?} in:\n{csv}");
            text_cells += usize::from(cell.starts_with('\''));
        }
    }
    assert!(text_cells >= names, "expected {names} neutralised cells, found {text_cells} in:\n{csv}");
    let json = run("json");
    no_controls("json", &json, false);
    let v: serde_json::Value = serde_json::from_str(&json).unwrap();
    assert!(v.to_string().contains("pwned\\u0007"), "the JSON does not keep the name as it is");
}

#[test]
fn no_output_format_lets_a_name_run_as_formula_markup_or_escape() {
    let d = Dir::new();
    d.write("prices.toml", &catalog(""));
    let s = d.write("scenario.toml", &scenario());
    let sc = s.as_os_str();
    check_formats(&["simulate".as_ref(), sc, "--paths".as_ref(), "200".as_ref()], STARTERS.len(), true);
    check_formats(&["forecast".as_ref(), sc, "--paths".as_ref(), "200".as_ref()], 1, true);
    let sweep = ["sweep".as_ref(), sc, "--offer".as_ref(), EVIL.as_ref(), "--paths".as_ref(), "200".as_ref()];
    let out = cmd().args(sweep).args(["--format", "markdown"]).output().unwrap();
    let md = ok(out);
    assert!(!md.contains("![px]") && md.contains("\\!\\[px\\]"), "{md}");
    no_controls("sweep table", &ok(cmd().args(sweep).output().unwrap()), true);
}

#[test]
fn history_and_contract_names_are_neutralised_too() {
    let d = Dir::new();
    let quoted = format!("\"{}\"", EVIL.replace('"', "\"\""));
    let history = std::fs::read_to_string(repo("scenarios/northwind-usage.csv")).unwrap();
    let h = d.write("history.csv", &history.replace("code-assist", &quoted).replace("ticket-triage", "@SUM(1+1)"));
    let hist = ["--history".as_ref(), h.as_os_str()];
    check_formats(&[&["forecast".as_ref()], &hist[..], &["--paths".as_ref(), "200".as_ref()]].concat(), 2, true);
    // The back-test's Markdown shows only the pooled scores.
    check_formats(&[&["backtest".as_ref()], &hist[..], &["--paths".as_ref(), "200".as_ref()]].concat(), 2, false);
    let contract = std::fs::read_to_string(repo("contracts/openai.toml")).unwrap();
    let k = d.write("evil.toml", &contract.replacen("name = \"OpenAI\"", &format!("name = {}", toml_str(EVIL)), 1));
    check_formats(&["score".as_ref(), k.as_os_str()], 1, true);
}

#[test]
fn an_error_message_shows_a_name_with_escapes_visible() {
    let d = Dir::new();
    d.write("prices.toml", &catalog(""));
    let s = d.write("scenario.toml", &scenario());
    let out = cmd().arg("sweep").arg(&s).args(["--offer", "nope\u{1b}]0;pwned\u{7}\u{9b}2J"]).output().unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{err}");
    no_controls("error", &err, true);
    assert!(err.contains("nope\\u{1b}]0;pwned\\u{7}\\u{9b}2J"), "{err}");
    // A warning naming the offer, and `validate`'s own report.
    let scoped = scenario().replacen("kind = \"commit\"\n", "kind = \"commit\"\nscope = { models = [\"n\"] }\n", 1);
    let s2 = d.write("warn.toml", &scoped);
    let out = cmd().arg("validate").arg(&s2).output().unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success() && err.contains("warning") && err.contains("pwned\\u{7}"), "{err}");
    no_controls("validate stdout", &String::from_utf8_lossy(&out.stdout), true);
    no_controls("validate stderr", &err, true);
}

#[test]
fn the_catalog_currency_must_be_an_iso_code() {
    let d = Dir::new();
    let cat = catalog("").replace("currency = \"USD\"", "currency = \"![c](http://t.example/c.png)\"");
    d.write("prices.toml", &cat);
    let s = d.write("scenario.toml", &scenario());
    let out = cmd().arg("simulate").arg(&s).args(["--format", "markdown"]).output().unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(err.contains("prices.toml") && err.contains("meta.currency") && err.contains("ISO 4217"), "{err}");
    assert!(out.stdout.is_empty());
    // Another valid code is used as it is.
    d.write("prices.toml", &catalog("").replace("currency = \"USD\"", "currency = \"CHF\""));
    let md = ok(cmd().arg("simulate").arg(&s).args(["--format", "markdown"]).output().unwrap());
    assert!(md.contains("Money in CHF") && md.contains("CHF "), "{md}");
}

/// Runs `simulate --out report.txt` held before the rename, sends `signal`
/// once its temporary file exists, and returns the exit status and what the
/// folder holds afterwards.
#[cfg(unix)]
fn interrupted(signal: &str) -> (std::process::ExitStatus, Vec<String>, String) {
    let d = Dir::new();
    d.write("prices.toml", &catalog(""));
    let s = d.write("scenario.toml", &scenario());
    let target = d.write("report.txt", "the old report");
    let mut child = std::process::Command::new(assert_cmd::cargo::cargo_bin("commitsim"))
        .arg("simulate")
        .arg(&s)
        .args(["--paths", "200", "--quiet", "--out"])
        .arg(&target)
        .env("COMMITSIM_PAUSE_BEFORE_RENAME", "20000")
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let temp = |d: &Dir| {
        std::fs::read_dir(d.path("."))
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .find(|n| n.ends_with(".tmp"))
    };
    let start = std::time::Instant::now();
    let name = loop {
        if let Some(n) = temp(&d) {
            break n;
        }
        assert!(start.elapsed().as_secs() < 60, "no temporary file appeared");
        std::thread::sleep(std::time::Duration::from_millis(10));
    };
    // Created exclusively under an unpredictable name, not `.report.txt.<pid>.tmp`.
    assert!(name.starts_with(".report.txt.") && !name.contains(&child.id().to_string()), "{name}");
    let meta = std::fs::symlink_metadata(d.path(&name)).unwrap();
    assert!(meta.file_type().is_file());
    assert!(std::process::Command::new("kill").args([signal, &child.id().to_string()]).status().unwrap().success());
    let status = child.wait().unwrap();
    assert!(start.elapsed().as_secs() < 15, "the signal did not end the process");
    let names =
        std::fs::read_dir(d.path(".")).unwrap().map(|e| e.unwrap().file_name().to_string_lossy().into()).collect();
    (status, names, std::fs::read_to_string(&target).unwrap())
}

#[test]
#[cfg(unix)]
fn ctrl_c_or_sigterm_while_writing_leave_no_temporary_file_and_the_old_output() {
    for signal in ["-INT", "-TERM", "-HUP"] {
        let (status, names, old) = interrupted(signal);
        assert_eq!(status.code(), Some(130), "{signal}: {status:?}");
        assert!(!names.iter().any(|n| n.ends_with(".tmp")), "{signal}: temporary file left behind: {names:?}");
        assert_eq!(old, "the old report", "{signal}");
    }
}

#[test]
#[cfg(unix)]
fn a_planted_link_is_never_followed_and_a_new_output_gets_the_usual_permissions() {
    use std::os::unix::fs::PermissionsExt;
    let d = Dir::new();
    d.write("prices.toml", &catalog(""));
    let s = d.write("scenario.toml", &scenario());
    // Links at every name the old scheme could have used for the next few processes.
    let victim = d.write("victim.txt", "precious");
    let me = std::process::id();
    for pid in me..me + 200 {
        std::os::unix::fs::symlink(&victim, d.path(&format!(".report.txt.{pid}.tmp"))).unwrap();
    }
    let out =
        cmd().arg("simulate").arg(&s).args(["--paths", "200", "--quiet", "--out"]).arg(d.path("report.txt")).output();
    assert!(out.unwrap().status.success());
    assert_eq!(std::fs::read_to_string(&victim).unwrap(), "precious");
    let mode = std::fs::metadata(d.path("report.txt")).unwrap().permissions().mode() & 0o777;
    // 0666 less the umask (at least readable by the owner, and more than the 0600 of a temporary file when the umask allows it).
    assert_eq!(mode & 0o600, 0o600, "{mode:o}");
    let umask = std::process::Command::new("sh").args(["-c", "umask"]).output().unwrap();
    let umask = u32::from_str_radix(String::from_utf8_lossy(&umask.stdout).trim(), 8).unwrap();
    assert_eq!(mode, 0o666 & !umask, "{mode:o}");
}
