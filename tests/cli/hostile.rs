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
    // A usage error from the argument parser quotes what was typed; forced
    // colours make it write as to a terminal, which passes escapes through.
    let mut c = cmd();
    c.env("CLICOLOR_FORCE", "1").arg("simulate").arg(&s).args(["--format", "x\u{1b}]0;pwned\u{7}\u{9b}2J"]);
    let out = c.output().unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(err.contains("invalid value"), "{err}");
    no_controls("usage error", &err, true);
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

/// Runs `commitsim args` and returns its exit code, standard error and peak
/// resident memory in MiB (from `wait4`, so it is this child's alone).
#[cfg(target_os = "linux")]
#[allow(clippy::zombie_processes)] // reaped by `wait4`, which std's `wait` cannot replace
fn peak(args: &[&std::ffi::OsStr]) -> (i32, String, f64) {
    use std::io::Read;
    let mut child = std::process::Command::new(assert_cmd::cargo::cargo_bin("commitsim"))
        .args(args)
        .env_remove("RAYON_NUM_THREADS")
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let mut err = String::new();
    child.stderr.take().unwrap().read_to_string(&mut err).unwrap();
    let (mut status, mut usage) = (0, unsafe { std::mem::zeroed::<libc::rusage>() });
    // SAFETY: waits for our own child, with valid pointers to the status and the usage.
    let pid = unsafe { libc::wait4(child.id() as i32, &mut status, 0, &mut usage) };
    assert_eq!(pid, child.id() as i32);
    assert!(libc::WIFEXITED(status), "killed by a signal: {err}");
    (libc::WEXITSTATUS(status), err, usage.ru_maxrss as f64 / 1024.0)
}

/// Expects exit 2, every needle in standard error, and a peak under `mib`.
#[cfg(target_os = "linux")]
#[track_caller]
fn bounded(args: &[&std::ffi::OsStr], needles: &[&str], mib: f64) {
    let (code, err, rss) = peak(args);
    assert_eq!(code, 2, "{err}");
    for n in needles {
        assert!(err.contains(n), "expected {n:?} in: {err}");
    }
    assert!(rss < mib || inherited(rss), "peak memory {rss:.0} MiB, more than {mib} MiB: {err}");
}

/// Whether a child's peak `rss` (MiB) is this test process's own: a child
/// started by vfork or fork takes its parent's peak with it through `exec`
/// (Linux keeps the larger of the two in `ru_maxrss`), and the test binary
/// runs many tests at once, so its peak can exceed a bound the child never
/// reached. Such a figure says nothing about the child; any larger one does.
#[cfg(target_os = "linux")]
fn inherited(rss: f64) -> bool {
    let mut usage = unsafe { std::mem::zeroed::<libc::rusage>() };
    // SAFETY: getrusage writes into a valid rusage.
    unsafe { libc::getrusage(libc::RUSAGE_SELF, &mut usage) };
    let own = usage.ru_maxrss as f64 / 1024.0;
    rss <= own + 1.0
}

#[test]
#[cfg(target_os = "linux")]
fn endless_and_huge_inputs_end_with_exit_2_in_bounded_memory() {
    let os = |s: &str| std::ffi::OsString::from(s);
    let d = Dir::new();
    // A history that never ends, and one line without an end, on one thread and on two.
    let long = d.write(
        "long.csv",
        &format!("date,workload,model,input_tokens,output_tokens\n2027-01-01,w,m,1,{}\n", "7".repeat(20 << 20)),
    );
    for history in [std::path::PathBuf::from("/dev/zero"), long.clone()] {
        for threads in ["1", "2"] {
            let args = [os("--threads"), os(threads), os("forecast"), os("--history"), history.clone().into()];
            let args: Vec<&std::ffi::OsStr> = args.iter().map(|a| a.as_os_str()).collect();
            bounded(&args, &["longer than 8 MiB", "line ends"], 200.0);
        }
    }
    let args = [os("profile"), os("--history"), os("/dev/zero")];
    bounded(&args.iter().map(|a| a.as_os_str()).collect::<Vec<_>>(), &["longer than 8 MiB"], 200.0);
    // TOML files: a scenario, a contract, a checklist, each endless, and a
    // catalog of 20 MiB (a catalog must be a regular file).
    let big = std::fs::File::create(d.path("big.toml")).unwrap();
    big.set_len(20 << 20).unwrap();
    let s = d.write("scenario.toml", &scenario().replace("catalog = \"prices.toml\"", "catalog = \"big.toml\""));
    for args in [
        vec![os("simulate"), os("/dev/zero")],
        vec![os("simulate"), s.into()],
        vec![os("score"), os("/dev/zero")],
        vec![os("score"), repo("contracts/openai.toml").into(), os("--checklist"), os("/dev/zero")],
    ] {
        bounded(&args.iter().map(|a| a.as_os_str()).collect::<Vec<_>>(), &["larger than 16 MiB"], 200.0);
    }
    // A load profile of 300 MiB (sparse: no disk is used).
    std::fs::File::create(d.path("load.csv")).unwrap().set_len(300 << 20).unwrap();
    let p = scenario().replacen(
        "[[offers]]\nname = \"List\"",
        "[[offers]]\nname = \"P\"\nkind = \"provisioned\"\nunits = 2\nunit_price = 1.0\n\
         tokens_per_minute_per_unit = 1000\nload = { profile = \"load.csv\" }\n\n[[offers]]\nname = \"List\"",
        1,
    );
    d.write("prices.toml", &catalog(""));
    let s = d.write("profiled.toml", &p);
    let args = [os("simulate"), s.into()];
    bounded(&args.iter().map(|a| a.as_os_str()).collect::<Vec<_>>(), &["larger than 256 MiB"], 600.0);
    // A TOML line of more than 1 MiB inside a small file.
    let s = d.write("longline.toml", &format!("{}\nname = \"{}\"\n", scenario(), "x".repeat(2 << 20)));
    let args = [os("simulate"), s.into()];
    bounded(&args.iter().map(|a| a.as_os_str()).collect::<Vec<_>>(), &["longline.toml:", "longer than 1 MiB"], 200.0);
}

#[test]
#[cfg(target_os = "linux")]
fn what_a_run_keeps_per_path_is_bounded_by_the_memory_budget() {
    let os = |s: &str| std::ffi::OsString::from(s);
    let d = Dir::new();
    d.write("prices.toml", &catalog(""));
    // 400 offers at 400,000 paths: 1.2 GiB of per-path costs.
    let many: String = (0..400)
        .map(|i| format!("\n[[offers]]\nname = \"o{i}\"\nkind = \"payg\"\ndiscount = 0.0{}\n", i % 10))
        .collect();
    let s = d.write("many.toml", &format!("{}{many}", scenario()));
    let args = [os("simulate"), s.clone().into(), os("--paths"), os("400000")];
    // 1 + 407 payg costs + the commit's 4 columns per path: at most 2^30 / (8 × 412) paths.
    let most = format!("--paths {} or fewer", (1u64 << 30) / (8 * 412));
    bounded(&args.iter().map(|a| a.as_os_str()).collect::<Vec<_>>(), &["1 GiB", &most], 300.0);
    // 1,000 levels at 200,000 paths.
    let levels: Vec<String> = (0..1000).map(|i| (i * 100).to_string()).collect();
    let args = [
        os("sweep"),
        d.path("scenario.toml").into(),
        os("--offer"),
        os(EVIL),
        os("--levels"),
        os(&levels.join(",")),
        os("--paths"),
        os("200000"),
    ];
    d.write("scenario.toml", &scenario());
    bounded(&args.iter().map(|a| a.as_os_str()).collect::<Vec<_>>(), &["1 GiB", "offers or levels"], 300.0);
    // A forecast of 600 months at 1,000,000 paths keeps 9 GiB of monthly volumes.
    let args =
        [os("forecast"), d.path("scenario.toml").into(), os("--horizon"), os("600"), os("--paths"), os("1000000")];
    let (code, err, rss) = peak(&args.iter().map(|a| a.as_os_str()).collect::<Vec<_>>());
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("1 GiB") && (rss < 300.0 || inherited(rss)), "{err} ({rss} MiB)");
}

#[test]
fn levels_are_bounded_like_steps() {
    let d = Dir::new();
    d.write("prices.toml", &catalog(""));
    let s = d.write("scenario.toml", &scenario());
    let levels: Vec<String> = (0..1001).map(|i| (i * 10).to_string()).collect();
    let out = cmd().arg("sweep").arg(&s).args(["--offer", EVIL, "--levels", &levels.join(",")]).output().unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(err.contains("--levels: expected at most 1000 levels, found 1001"), "{err}");
    let out =
        cmd().arg("sweep").arg(&s).args(["--offer", EVIL, "--from", "0", "--to", "1000", "--steps", "1001"]).output();
    let out = out.unwrap();
    assert!(String::from_utf8_lossy(&out.stderr).contains("--steps: expected 2 to 1000 levels, found 1001"));
}

/// Runs `args` on a folder holding `prices.toml` and `scenario.toml` =
/// [`scenario`] with `from` replaced by `to`; expects exit 2 with every needle.
#[track_caller]
fn refuses(from: &str, to: &str, args: &[&str], needles: &[&str]) {
    let text = scenario();
    assert!(text.contains(from), "fixture lacks {from:?}");
    let d = Dir::new();
    d.write("prices.toml", &catalog(""));
    let s = d.write("scenario.toml", &text.replacen(from, to, 1));
    let out = cmd().arg(args[0]).arg(&s).args(&args[1..]).output().unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{from} -> {to}: {err}");
    assert!(!err.contains("panicked"), "{err}");
    for n in needles {
        assert!(err.contains(n), "expected {n:?} in: {err}");
    }
}

#[test]
fn no_distribution_fools_a_check_with_nan_wherever_it_feeds() {
    // A triangular bound so extreme that the plausibility check computed NaN, which passed `p > 1e-3`.
    let tri = "{ dist = \"triangular\", min = -1.7e308, mode = 0.1, max = 0.2 }";
    let wide = "{ dist = \"uniform\", min = -1.7e308, max = 1.7e308 }";
    let growth = "growth_annual = 0.1";
    for d in [tri, wide] {
        let needle = if d == tri { "cannot be computed" } else { "too wide" };
        refuses(growth, &format!("growth_annual = {d}"), &["simulate"], &["workloads[0].growth_annual", needle]);
        refuses(
            "[risk]",
            &format!("[prices]\nannual_change = {d}\n\n[risk]"),
            &["simulate"],
            &["prices.annual_change", needle],
        );
        refuses(
            "[risk]",
            &format!("[prices]\nstep_cut = {{ annual_probability = 0.5, size = {d} }}\n\n[risk]"),
            &["simulate"],
            &["prices.step_cut.size", needle],
        );
        refuses(
            "[risk]",
            &format!(
                "[[forecast.events]]\nname = \"launch\"\nmodel = \"m\"\nprobability = 1\nstart = \"2027-03\"\n\
                 monthly_tokens = {}\ninput_share = 0.6\noutput_share = 0.4\n\n[risk]",
                d.replace("mode = 0.1, max = 0.2", "mode = 1e9, max = 2e9")
            ),
            &["simulate"],
            &["forecast.events[0].monthly_tokens"],
        );
        refuses(
            "[risk]",
            &format!("[[forecast.routing]]\nfrom = \"m\"\nto = \"n\"\nshare = {d}\nstart = \"2027-03\"\nby = \"2027-06\"\n\n[risk]"),
            &["simulate"],
            &["forecast.routing[0].share"],
        );
    }
}

#[test]
fn implausible_values_are_refused_with_the_key() {
    let prov = "[[offers]]\nname = \"List\"\nkind = \"payg\"";
    let with = |extra: &str| {
        format!(
            "[[offers]]\nname = \"P\"\nkind = \"provisioned\"\nunits = 2\nunit_price = 1.0\n\
             tokens_per_minute_per_unit = 100000\nload = {{ peak_to_mean = 3.0 }}\n{extra}\n{prov}"
        )
    };
    refuses(prov, &with("output_weight = 1e300"), &["simulate"], &["offers[0].output_weight", "100"]);
    refuses(
        prov,
        &with("increment = 1.0").replace("units = 2", "units = 1e-12"),
        &["simulate"],
        &["offers[0].units", "less than one increment"],
    );
    refuses("start = \"2027-01\"", "start = \"9999-06\"", &["simulate"], &["horizon_months", "9999-12"]);
    // The file's own `paths` is checked even when --paths replaces it.
    refuses(
        "paths = 200",
        "paths = 5",
        &["simulate", "--paths", "1000"],
        &["simulation.paths", "at least 100", "found 5"],
    );
    refuses("paths = 200", "paths = -3", &["simulate", "--paths", "1000"], &["simulation.paths"]);
    let out = cmd().args(["profile", "--history", "x.csv", "--output-weight", "1e300"]).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("--output-weight must be a number >= 0 and at most 100"));
    // A forecast from a scenario, made to run past 9999-12.
    let d = Dir::new();
    d.write("prices.toml", &catalog(""));
    let s = d.write("scenario.toml", &scenario().replace("start = \"2027-01\"", "start = \"9990-01\""));
    let out = cmd().arg("forecast").arg(&s).args(["--horizon", "600"]).output().unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.code() == Some(2) && err.contains("past 9999-12"), "{err}");
}

#[test]
fn a_load_profile_with_two_token_columns_is_refused() {
    let d = Dir::new();
    d.write("prices.toml", &catalog(""));
    d.write("load.csv", "minute,tokens,Tokens\n2027-01-01T00:00,5,9\n2027-01-01T00:01,7,1\n");
    let prov = "[[offers]]\nname = \"List\"\nkind = \"payg\"";
    let p = "[[offers]]\nname = \"P\"\nkind = \"provisioned\"\nunits = 2\nunit_price = 1.0\n\
             tokens_per_minute_per_unit = 100000\nload = { profile = \"load.csv\" }\n";
    let s = d.write("scenario.toml", &scenario().replacen(prov, &format!("{p}\n{prov}"), 1));
    let out = cmd().arg("simulate").arg(&s).output().unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(err.contains("load.csv:1") && err.contains("two `tokens` columns"), "{err}");
}

#[test]
fn a_focus_quantity_in_the_wrong_unit_is_refused() {
    let d = Dir::new();
    let focus = std::fs::read_to_string(repo("tests/fixtures/focus/genai_tokens_focus.csv")).unwrap();
    let h = d.write("focus.csv", &focus.replacen(",1200,1K Tokens,", ",1e30,1K Tokens,", 1));
    let out = cmd()
        .args(["forecast", "--history-format", "focus", "--catalog"])
        .arg(repo("tests/fixtures/focus/catalog_aliases.toml"))
        .arg("--history")
        .arg(&h)
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(err.contains("focus.csv") && err.contains("more than the 1e18"), "{err}");
}

#[test]
fn a_negative_retention_is_refused_and_indefinite_fails_the_maximum() {
    let d = Dir::new();
    let contract = std::fs::read_to_string(repo("contracts/openai.toml")).unwrap();
    let line = contract.lines().find(|l| l.starts_with("prompt_retention_days")).unwrap();
    let k = d.write("neg.toml", &contract.replacen(line, "prompt_retention_days = -1", 1));
    let out = cmd().arg("score").arg(&k).output().unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(err.contains("neg.toml:") && err.contains("retention.prompt_retention_days"), "{err}");
    assert!(err.contains("never negative") && err.contains("\"indefinite\""), "{err}");
    let k = d.write("forever.toml", &contract.replacen(line, "prompt_retention_days = \"indefinite\"", 1));
    let out = cmd().arg("score").arg(&k).args(["--format", "json"]).output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let c = &v["contracts"][0];
    let item = c["items"].as_array().unwrap().iter().find(|i| i["id"] == "retention.max_days").unwrap();
    assert_eq!(item["status"], "fail");
    assert_eq!(c["blocked"], true, "a failed must-have blocks the deal");
}

#[test]
fn the_savings_rate_is_null_when_the_baseline_costs_nothing() {
    // Model `m` is free (an internal model billed elsewhere): the list-price baseline costs $0.
    let d = Dir::new();
    let free = catalog("").replacen(
        "input_per_mtok = 2.0\noutput_per_mtok = 8.0\ncached_input_per_mtok = 0.5",
        "input_per_mtok = 0.0\noutput_per_mtok = 0.0\ncached_input_per_mtok = 0.0",
        1,
    );
    assert_ne!(free, catalog(""));
    d.write("prices.toml", &free);
    let s = d.write("scenario.toml", &scenario());
    let v = crate::util::simulate_json(&s, &["--quiet"]);
    let base = crate::util::offer(&v, "List");
    assert_eq!(base["cost"]["mean"].as_f64(), Some(0.0));
    let commit = crate::util::offer(&v, EVIL);
    assert_eq!(commit["cost"]["mean"].as_f64(), Some(50_000.0), "the commitment is paid in full");
    assert!(commit["effective_savings_rate"].is_null(), "{}", commit["effective_savings_rate"]);
    let csv = String::from_utf8(cmd().arg("simulate").arg(&s).args(["--format", "csv", "-q"]).output().unwrap().stdout)
        .unwrap();
    let mut rdr = csv::Reader::from_reader(csv.as_bytes());
    let col = rdr.headers().unwrap().iter().position(|h| h == "effective_savings_rate").unwrap();
    for r in rdr.records() {
        assert_eq!(&r.unwrap()[col], "", "an undefined rate is an empty cell");
    }
}

#[test]
fn a_utf16_file_is_named_with_the_fix() {
    let d = Dir::new();
    let utf16 = |text: &str, bom: bool| -> Vec<u8> {
        let body = if bom { format!("\u{feff}{text}") } else { text.to_string() };
        body.encode_utf16().flat_map(u16::to_le_bytes).collect()
    };
    let history = std::fs::read_to_string(repo("scenarios/northwind-usage.csv")).unwrap();
    let requests = "timestamp,input_tokens,output_tokens\n2027-01-01T00:00:00,10,5\n";
    for (name, bytes, args) in [
        ("usage.csv", utf16(&history, true), vec!["forecast", "--history"]),
        ("usage-nobom.csv", utf16(&history, false), vec!["backtest", "--history"]),
        ("requests.csv", utf16(requests, true), vec!["profile", "--history"]),
        ("scenario.toml", utf16(&scenario(), true), vec!["simulate"]),
    ] {
        let p = d.path(name);
        std::fs::write(&p, bytes).unwrap();
        let out = cmd().args(&args).arg(&p).output().unwrap();
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{name}: {err}");
        assert!(err.contains(name) && err.contains("UTF-16") && err.contains("save it as UTF-8"), "{name}: {err}");
    }
}

#[test]
fn profile_of_a_sparse_log_warns_and_points_to_the_minutes() {
    let d = Dir::new();
    // Three requests over 1,001 minutes: p99 per minute is 0.
    let log = d.write(
        "sparse.csv",
        "timestamp,input_tokens,output_tokens\n2027-01-01T00:00:10,1000,100\n2027-01-01T08:00:00,900,90\n\
         2027-01-01T16:40:00,1200,80\n",
    );
    let out = cmd().args(["profile", "--history"]).arg(&log).output().unwrap();
    let (table, err) = (String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
    assert!(out.status.success(), "{err}");
    assert!(err.contains("warning: the log is sparse: 998 of 1001 minutes have no requests"), "{err}");
    assert!(err.contains("load = { profile = \"load.csv\" }"), "{err}");
    assert!(!table.contains("use it as load = { peak_to_mean"), "{table}");
    assert!(table.contains("does not") && table.contains("--out load.csv"), "{table}");
    let md = cmd().args(["profile", "-q", "--format", "markdown", "--history"]).arg(&log).output().unwrap();
    assert!(String::from_utf8_lossy(&md.stdout).contains("Note: most minutes have no requests"));
    // The JSON keeps its five fields.
    let json = cmd().args(["profile", "-q", "--format", "json", "--history"]).arg(&log).output().unwrap();
    let v: serde_json::Value = serde_json::from_slice(&json.stdout).unwrap();
    assert_eq!(v.as_object().unwrap().len(), 5);
    assert_eq!(v["peak_to_mean"].as_f64(), Some(0.0));
}
