//! Output: one serialisable report per command, written as a table, JSON, CSV
//! or Markdown. Writers format; they never compute (the analysis fills the
//! report). Files are written whole or not at all: a temporary file beside
//! the target, then a rename.

pub mod csv_out;
pub mod fmt;
pub mod markdown;
pub mod table;

use std::io::Write;
use std::path::{Path, PathBuf};

use crate::analysis::forecast::ForecastReport;
use crate::analysis::profile::ProfileReport;
use crate::analysis::simulate::SimulateReport;
use crate::analysis::sweep::SweepReport;
use crate::checklist::ScoreReport;
use crate::cli::Format;
use crate::error::{Error, Result};
use crate::forecast::backtest::BacktestReport;

/// A report of any command. (Variants hold large structs; a report is built
/// once per run, so their size difference does not matter.)
#[derive(Debug, Clone)]
#[allow(clippy::large_enum_variant)]
pub enum Report {
    /// `simulate`.
    Simulate(SimulateReport),
    /// `sweep`.
    Sweep(SweepReport),
    /// `score`: contract terms against a checklist.
    Score(ScoreReport),
    /// `profile`.
    Profile(ProfileReport),
    /// `forecast`.
    Forecast(ForecastReport),
    /// `backtest`.
    Backtest(BacktestReport),
}

/// Renders `report` in `format`.
pub fn render(report: &Report, format: Format) -> Result<String> {
    match format {
        Format::Table => Ok(table::render(report)),
        Format::Markdown => Ok(markdown::render(report)),
        Format::Csv => csv_out::render(report),
        Format::Json => Ok(json(report)),
    }
}

/// The JSON of a report: the command's documented structure (docs/json.md).
pub fn json(report: &Report) -> String {
    let v = match report {
        Report::Simulate(r) => serde_json::to_string_pretty(r),
        Report::Sweep(r) => serde_json::to_string_pretty(r),
        Report::Score(r) => serde_json::to_string_pretty(r),
        Report::Profile(r) => serde_json::to_string_pretty(r),
        Report::Forecast(r) => serde_json::to_string_pretty(r),
        Report::Backtest(r) => serde_json::to_string_pretty(r),
    };
    // Serialising plain structs of numbers and strings cannot fail.
    v.map(|mut s| {
        s.push('\n');
        s
    })
    .unwrap_or_default()
}

/// Writes `text` to `out` (stdout when None or `-`).
pub fn emit(text: &str, out: Option<&Path>) -> Result<()> {
    match out {
        None => write_stdout(text),
        Some(p) if p.as_os_str() == "-" => write_stdout(text),
        Some(p) => write_atomic(p, text.as_bytes()),
    }
}

fn write_stdout(text: &str) -> Result<()> {
    let mut lock = std::io::stdout().lock();
    lock.write_all(text.as_bytes())
        .and_then(|()| lock.flush())
        .map_err(|source| Error::Write { path: PathBuf::from("<stdout>"), source })
}

/// Writes `bytes` to `path` through a temporary file in the same folder and a
/// rename, so that the target is either the old file or the whole new one.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> Result<()> {
    let tmp = temp_beside(path)?;
    let result = write_temp(&tmp, bytes).and_then(|()| std::fs::rename(&tmp, path));
    if let Err(source) = result {
        let _ = std::fs::remove_file(&tmp);
        return Err(Error::Write { path: path.to_path_buf(), source });
    }
    Ok(())
}

/// Writes several files whole or not at all, as far as a file system allows:
/// every temporary file is written first, and only when all of them are
/// written are they renamed onto their targets. A failure before the renames
/// leaves no file behind.
pub fn write_all_atomic(files: &[(PathBuf, Vec<u8>)]) -> Result<()> {
    let mut temps: Vec<PathBuf> = Vec::with_capacity(files.len());
    let cleanup = |temps: &[PathBuf]| {
        for t in temps {
            let _ = std::fs::remove_file(t);
        }
    };
    for (path, bytes) in files {
        let tmp = match temp_beside(path) {
            Ok(t) => t,
            Err(e) => {
                cleanup(&temps);
                return Err(e);
            }
        };
        temps.push(tmp.clone());
        if let Err(source) = write_temp(&tmp, bytes) {
            cleanup(&temps);
            return Err(Error::Write { path: path.clone(), source });
        }
    }
    for (i, ((path, _), tmp)) in files.iter().zip(&temps).enumerate() {
        if let Err(source) = std::fs::rename(tmp, path) {
            cleanup(&temps[i..]);
            return Err(Error::Write { path: path.clone(), source });
        }
    }
    Ok(())
}

/// The folder `path` will be written in, which must exist.
pub fn out_dir(path: &Path) -> Result<PathBuf> {
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d.to_path_buf(),
        _ => PathBuf::from("."),
    };
    if dir.is_dir() {
        return Ok(dir);
    }
    let why = if dir.exists() { "is not a folder" } else { "does not exist" };
    Err(Error::Usage(format!("cannot write {}: folder {} {why}", path.display(), dir.display())))
}

/// A temporary file name beside `path`, in a folder that exists.
fn temp_beside(path: &Path) -> Result<PathBuf> {
    let dir = out_dir(path)?;
    let name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_else(|| "out".into());
    Ok(dir.join(format!(".{name}.{}.tmp", std::process::id())))
}

fn write_temp(tmp: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let mut f = std::fs::File::create(tmp)?;
    f.write_all(bytes)?;
    f.sync_all()
}
