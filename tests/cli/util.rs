//! Helpers: the binary, temporary scenario folders, JSON decoding.

use std::path::{Path, PathBuf};

use assert_cmd::Command;

/// The `commitsim` binary.
pub fn cmd() -> Command {
    let mut c = Command::cargo_bin("commitsim").expect("binary built by cargo test");
    c.env_remove("RAYON_NUM_THREADS");
    c
}

/// The repository root.
pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// A file under the repository root.
pub fn repo(rel: &str) -> PathBuf {
    root().join(rel)
}

/// A temporary folder holding files for one test.
pub struct Dir {
    pub tmp: tempfile::TempDir,
}

impl Dir {
    pub fn new() -> Dir {
        Dir { tmp: tempfile::tempdir().expect("temp dir") }
    }

    pub fn path(&self, name: &str) -> PathBuf {
        self.tmp.path().join(name)
    }

    pub fn write(&self, name: &str, text: &str) -> PathBuf {
        let p = self.path(name);
        std::fs::write(&p, text).expect("write fixture");
        p
    }
}

/// A small catalog: `m` (provider `p`) at $2 in / $8 out / $0.5 cached per 1M,
/// `n` (provider `q`) at $1 / $4 / $0.25, with an optional extra block.
pub fn catalog(extra: &str) -> String {
    format!(
        r#"[meta]
as_of = "2026-11-01"
currency = "USD"

[[model]]
id = "m"
provider = "p"
input_per_mtok = 2.0
output_per_mtok = 8.0
cached_input_per_mtok = 0.5
{extra}

[[model]]
id = "n"
provider = "q"
input_per_mtok = 1.0
output_per_mtok = 4.0
cached_input_per_mtok = 0.25
"#
    )
}

/// Runs `simulate --format json` on `scenario` and decodes the output.
pub fn simulate_json(scenario: &Path, extra: &[&str]) -> serde_json::Value {
    let out = cmd().arg("simulate").arg(scenario).args(["--format", "json"]).args(extra).output().expect("run");
    assert!(out.status.success(), "simulate failed: {}", String::from_utf8_lossy(&out.stderr));
    serde_json::from_slice(&out.stdout).expect("valid JSON")
}

/// The offer named `name` in a simulate report.
pub fn offer<'a>(report: &'a serde_json::Value, name: &str) -> &'a serde_json::Value {
    report["offers"]
        .as_array()
        .expect("offers")
        .iter()
        .find(|o| o["name"] == name)
        .unwrap_or_else(|| panic!("no offer {name}"))
}

/// Asserts `a` equals `b` to `rel` relative error.
#[track_caller]
pub fn close(a: f64, b: f64, rel: f64) {
    let scale = b.abs().max(1e-300);
    assert!(((a - b) / scale).abs() <= rel || (a - b).abs() < 1e-9, "{a} != {b} (relative {rel})");
}
