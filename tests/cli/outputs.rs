//! `--out`: what an output may replace. Outputs are written whole through a
//! temporary file and a rename, so the target must be something a rename can
//! replace without loss: not an input, a folder, a device or pipe, or a
//! read-only file. A symbolic link is written through, and a replaced file
//! keeps its permissions.

#[cfg(unix)]
use std::os::unix::fs::PermissionsExt;
use std::process::Output;

use crate::util::{cmd, repo, Dir};

fn example(d: &Dir) -> std::path::PathBuf {
    d.write("prices.toml", &std::fs::read_to_string(repo("scenarios/prices.toml")).unwrap());
    d.write("example.toml", &std::fs::read_to_string(repo("scenarios/example.toml")).unwrap())
}

fn simulate_to(scenario: &std::path::Path, out: &std::path::Path) -> Output {
    cmd().arg("simulate").arg(scenario).args(["--paths", "200", "--quiet", "--out"]).arg(out).output().unwrap()
}

fn refused(out: &Output, needle: &str) {
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "stderr: {err}");
    assert!(err.contains(needle), "expected {needle:?} in: {err}");
    assert!(!err.contains("panicked"), "{err}");
}

#[test]
fn an_input_is_never_overwritten() {
    let d = Dir::new();
    let sc = example(&d);
    let before = std::fs::read(&sc).unwrap();
    refused(&simulate_to(&sc, &sc), "is an input of this command");
    // The catalog, named through another spelling of its path.
    let cat = d.path("prices.toml");
    let cat_before = std::fs::read(&cat).unwrap();
    refused(&simulate_to(&sc, &d.path("./sub/../prices.toml")), "cannot write");
    std::fs::create_dir(d.path("sub")).unwrap();
    refused(&simulate_to(&sc, &d.path("sub/../prices.toml")), "is an input of this command");
    assert_eq!(std::fs::read(&sc).unwrap(), before);
    assert_eq!(std::fs::read(&cat).unwrap(), cat_before);
    // A request log is an input of `profile`.
    let log = d.write("requests.csv", "timestamp,input_tokens,output_tokens\n2027-01-01T00:00:00,10,5\n");
    let out = cmd().args(["profile", "--history"]).arg(&log).arg("--out").arg(&log).output().unwrap();
    refused(&out, "is an input of this command");
    assert!(std::fs::read_to_string(&log).unwrap().starts_with("timestamp,"));
}

#[test]
#[cfg(unix)]
fn a_folder_a_pipe_or_a_read_only_file_is_refused_and_left_alone() {
    let d = Dir::new();
    let sc = example(&d);
    refused(&simulate_to(&sc, &d.path(".")), "it is a folder");
    let fifo = d.path("pipe");
    assert!(std::process::Command::new("mkfifo").arg(&fifo).status().unwrap().success());
    refused(&simulate_to(&sc, &fifo), "not a regular file");
    let ro = d.write("ro.txt", "keep me");
    std::fs::set_permissions(&ro, std::fs::Permissions::from_mode(0o444)).unwrap();
    refused(&simulate_to(&sc, &ro), "read-only");
    assert_eq!(std::fs::read_to_string(&ro).unwrap(), "keep me");
    assert_eq!(std::fs::metadata(&ro).unwrap().permissions().mode() & 0o777, 0o444);
    let names: Vec<String> =
        std::fs::read_dir(d.path(".")).unwrap().map(|e| e.unwrap().file_name().to_string_lossy().into()).collect();
    assert!(!names.iter().any(|n| n.ends_with(".tmp")), "temporary file left behind: {names:?}");
}

#[test]
#[cfg(unix)]
fn a_link_is_written_through_and_a_replaced_file_keeps_its_permissions() {
    let d = Dir::new();
    let sc = example(&d);
    let real = d.write("report.txt", "old");
    std::fs::set_permissions(&real, std::fs::Permissions::from_mode(0o640)).unwrap();
    let link = d.path("latest.txt");
    std::os::unix::fs::symlink(&real, &link).unwrap();
    let out = simulate_to(&sc, &link);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(std::fs::symlink_metadata(&link).unwrap().file_type().is_symlink(), "the link was replaced");
    assert!(std::fs::read_to_string(&real).unwrap().contains("Anthropic commit"));
    assert_eq!(std::fs::metadata(&real).unwrap().permissions().mode() & 0o777, 0o640);
}

#[test]
fn init_into_a_file_and_absurd_thread_counts_are_usage_errors() {
    let d = Dir::new();
    let f = d.write("taken", "x");
    refused(&cmd().arg("init").arg(&f).output().unwrap(), "is not a folder");
    let sc = example(&d);
    let out = cmd().arg("simulate").arg(&sc).args(["--paths", "200", "--threads", "100000"]).output().unwrap();
    refused(&out, "--threads must be between 1 and 256");
}
