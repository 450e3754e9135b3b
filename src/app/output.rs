//! Writing outputs: standard output, or files written whole or not at all
//! (a temporary file beside the target, then a rename). The only place
//! below `main.rs` that writes files. The files a command read are passed
//! in explicitly, so that no output replaces one of them.

use std::io::Write;
use std::path::{Path, PathBuf};

use crate::error::{Error, Result};
use crate::report::Format;

/// Checks, before any work, that `format` can be written where `out` says: a
/// workbook (`xlsx`) needs a command that has one (`workbook`) and `--out
/// FILE` (it is not text for a terminal or a pipe). A usage error (exit 2)
/// otherwise.
pub fn check_format(format: Format, out: Option<&Path>, workbook: bool) -> Result<()> {
    if format != Format::Xlsx {
        return Ok(());
    }
    if !workbook {
        return Err(Error::Usage(crate::report::xlsx::UNSUPPORTED.into()));
    }
    match out {
        Some(p) if p.as_os_str() != "-" => Ok(()),
        _ => Err(Error::Usage(
            "--format xlsx writes a workbook, which is not text: give --out FILE.xlsx (a file, not -)".into(),
        )),
    }
}

/// Writes `text` to `out` (stdout when None or `-`).
pub fn emit(text: &str, out: Option<&Path>, inputs: &[PathBuf]) -> Result<()> {
    match out {
        None => write_stdout(text),
        Some(p) if p.as_os_str() == "-" => write_stdout(text),
        Some(p) => write_atomic(p, text.as_bytes(), inputs),
    }
}

fn write_stdout(text: &str) -> Result<()> {
    let mut lock = std::io::stdout().lock();
    lock.write_all(text.as_bytes())
        .and_then(|()| lock.flush())
        .map_err(|source| Error::Write { path: PathBuf::from("<stdout>"), source })
}

/// The file an output named `path` replaces: `path` itself, or the file a
/// symbolic link at `path` points to (the link is kept). Refuses, as a usage
/// error, what a write through a rename would destroy or cannot replace: a
/// folder, a device, pipe or socket, a read-only file, or one of `inputs`
/// (the files this command read).
fn target(path: &Path, inputs: &[PathBuf]) -> Result<PathBuf> {
    out_dir(path)?;
    let refuse = |why: String| Err(Error::Usage(format!("cannot write {}: {why}", path.display())));
    let Ok(meta) = std::fs::metadata(path) else {
        return Ok(path.to_path_buf());
    };
    if meta.is_dir() {
        return refuse("it is a folder; give a file name".into());
    }
    if !meta.is_file() {
        return refuse(
            "it is not a regular file (a device, pipe or socket), and outputs are written whole through a \
             rename that would replace it; give a file name, or leave out --out and redirect standard output"
                .into(),
        );
    }
    let real = std::fs::canonicalize(path).map_err(|source| Error::Write { path: path.to_path_buf(), source })?;
    if inputs.iter().any(|i| std::fs::canonicalize(i).is_ok_and(|i| i == real)) {
        return refuse(format!("it is an input of this command ({}); give another file name", real.display()));
    }
    if meta.permissions().readonly() {
        return refuse("the file is read-only; make it writable or give another file name".into());
    }
    Ok(real)
}

/// Fails, as [`write_atomic`] would, when `path` cannot be written: for a
/// command to check its output before the work that produces it.
pub fn check_target(path: &Path, inputs: &[PathBuf]) -> Result<()> {
    target(path, inputs).map(|_| ())
}

/// Writes `bytes` to `path` through a temporary file in the same folder and a
/// rename, so that the target is either the old file or the whole new one.
/// A replaced file keeps its permissions.
pub fn write_atomic(path: &Path, bytes: &[u8], inputs: &[PathBuf]) -> Result<()> {
    let real = target(path, inputs)?;
    let tmp = temp_beside(&real)?;
    let result = write_temp(&tmp, bytes).and_then(|()| replace(&tmp, &real));
    if let Err(source) = result {
        let _ = std::fs::remove_file(&tmp);
        return Err(Error::Write { path: path.to_path_buf(), source });
    }
    Ok(())
}

/// Renames `tmp` onto `real`, giving it `real`'s permissions first when
/// `real` exists.
fn replace(tmp: &Path, real: &Path) -> std::io::Result<()> {
    if let Ok(meta) = std::fs::metadata(real) {
        std::fs::set_permissions(tmp, meta.permissions())?;
    }
    std::fs::rename(tmp, real)
}

/// Writes several files whole or not at all, as far as a file system allows:
/// every temporary file is written first, and only when all of them are
/// written are they renamed onto their targets. A failure before the renames
/// leaves no file behind.
pub fn write_all_atomic(files: &[(PathBuf, Vec<u8>)], inputs: &[PathBuf]) -> Result<()> {
    let mut temps: Vec<PathBuf> = Vec::with_capacity(files.len());
    let cleanup = |temps: &[PathBuf]| {
        for t in temps {
            let _ = std::fs::remove_file(t);
        }
    };
    let mut reals: Vec<PathBuf> = Vec::with_capacity(files.len());
    for (path, _) in files {
        reals.push(target(path, inputs)?);
    }
    for ((path, bytes), real) in files.iter().zip(&reals) {
        let tmp = match temp_beside(real) {
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
    for (i, (((path, _), tmp), real)) in files.iter().zip(&temps).zip(&reals).enumerate() {
        if let Err(source) = replace(tmp, real) {
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
