//! Every example of every subcommand's `--help` runs when pasted into a
//! shell against the shipped files, and no example line is wrapped by clap.

use std::path::Path;
use std::process::Command as Process;

use crate::util::{cmd, repo, Dir};

/// Longest physical example line, indent included: fits an 80-column terminal.
const MAX_LINE: usize = 79;

/// The subcommands `commitsim --help` lists (without `help`).
fn subcommands() -> Vec<String> {
    let out = cmd().env_remove("COLUMNS").arg("--help").output().unwrap();
    assert!(out.status.success());
    let text = String::from_utf8(out.stdout).unwrap();
    let names: Vec<String> = text
        .lines()
        .skip_while(|l| !l.starts_with("Commands:"))
        .skip(1)
        .take_while(|l| l.starts_with("  "))
        .filter(|l| !l.starts_with("   "))
        .filter_map(|l| l.split_whitespace().next().map(String::from))
        .filter(|n| n != "help")
        .collect();
    assert!(names.len() >= 9, "{text}");
    names
}

/// The example block of `commitsim SUB --help` at terminal width `columns`
/// (None: no terminal, clap's default of 100).
fn examples_block(sub: &str, columns: Option<&str>) -> Vec<String> {
    let mut c = cmd();
    match columns {
        Some(w) => c.env("COLUMNS", w),
        None => c.env_remove("COLUMNS"),
    };
    let out = c.args([sub, "--help"]).output().unwrap();
    assert!(out.status.success(), "{sub} --help");
    let text = String::from_utf8(out.stdout).unwrap();
    text.lines()
        .skip_while(|l| *l != "Examples:")
        .skip(1)
        .take_while(|l| !l.trim().is_empty())
        .map(String::from)
        .collect()
}

/// The commands of an example block: comment lines dropped, lines ending
/// in ` \` joined with the next. Panics on a line that is neither a
/// command, a continuation nor a comment (a line clap wrapped).
fn commands(sub: &str, block: &[String]) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    let mut continued = false;
    for line in block {
        assert!(line.chars().count() <= MAX_LINE, "{sub}: example line longer than {MAX_LINE} characters: {line}");
        let text = line.trim();
        if continued {
            assert!(line.starts_with("    "), "{sub}: a continuation line is indented: {line}");
            out.last_mut().unwrap().push_str(text.trim_end_matches('\\'));
        } else if text.starts_with('#') {
            assert!(line.starts_with("  # "), "{sub}: comment line: {line}");
            continue;
        } else {
            assert!(
                line.starts_with("  commitsim "),
                "{sub}: an example line that is not a command (wrapped?): {line}"
            );
            out.push(text.trim_end_matches('\\').to_string());
        }
        continued = text.ends_with(" \\");
    }
    assert!(!continued, "{sub}: the last example line ends in a continuation");
    out
}

/// A temporary copy of what the examples read: scenarios/, contracts/ and
/// the request-log traces.
fn workspace() -> Dir {
    let d = Dir::new();
    for dir in ["scenarios", "contracts", "tests/fixtures/traces", "tests/fixtures/exports"] {
        copy_dir(&repo(dir), &d.path(dir));
    }
    d
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        if entry.file_type().unwrap().is_file() {
            std::fs::copy(entry.path(), to.join(entry.file_name())).unwrap();
        }
    }
}

/// The files an example says it writes (`--out FILE`, `init DIR`).
fn written(command: &str) -> Vec<String> {
    let words: Vec<&str> = command.split_whitespace().collect();
    words.windows(2).filter(|w| w[0] == "--out" || w[0] == "init").map(|w| w[1].to_string()).collect()
}

#[test]
fn help_examples_are_not_wrapped_at_80_or_100_columns() {
    for sub in subcommands() {
        let default = examples_block(&sub, None);
        assert!(!default.is_empty(), "{sub} --help has no examples");
        assert!(!commands(&sub, &default).is_empty(), "{sub} --help has no example command");
        assert_eq!(examples_block(&sub, Some("80")), default, "{sub}: examples differ at 80 columns");
    }
}

// Runs the examples with bash, as a user pastes them.
#[cfg(unix)]
#[test]
fn every_help_example_runs_against_the_shipped_files() {
    let bin = Path::new(env!("CARGO_BIN_EXE_commitsim"));
    let path = std::env::join_paths(
        std::iter::once(bin.parent().unwrap().to_path_buf())
            .chain(std::env::split_paths(&std::env::var_os("PATH").unwrap_or_default())),
    )
    .unwrap();
    let mut ran = 0;
    for sub in subcommands() {
        for command in commands(&sub, &examples_block(&sub, None)) {
            let d = workspace();
            let out = Process::new("bash")
                .args(["-c", &command])
                .current_dir(d.tmp.path())
                .env("PATH", &path)
                .env_remove("RAYON_NUM_THREADS")
                .output()
                .unwrap();
            assert!(
                out.status.success(),
                "`{command}` (from {sub} --help) exited with {}: {}",
                out.status,
                String::from_utf8_lossy(&out.stderr)
            );
            for file in written(&command) {
                assert!(d.path(&file).exists(), "`{command}` did not write {file}");
            }
            ran += 1;
        }
    }
    assert!(ran >= 13, "ran {ran} examples");
}
