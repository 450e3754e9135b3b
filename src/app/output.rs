//! Writing outputs: standard output, or files written whole or not at all
//! (a temporary file beside the target, then a rename). The only place
//! below `main.rs` that writes files. The files a command read are passed
//! in explicitly, so that no output replaces one of them.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::{Mutex, Once};

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
    write_all_atomic(&[(path.to_path_buf(), bytes.to_vec())], inputs)
}

/// Writes several files whole or not at all, as far as a file system allows:
/// every temporary file is written first, and only when all of them are
/// written are they renamed onto their targets. A failure before the renames,
/// or an interrupt or termination signal at any time, leaves no temporary
/// file behind.
pub fn write_all_atomic(files: &[(PathBuf, Vec<u8>)], inputs: &[PathBuf]) -> Result<()> {
    let mut reals: Vec<PathBuf> = Vec::with_capacity(files.len());
    for (path, _) in files {
        reals.push(target(path, inputs)?);
    }
    let mut temps: Vec<Pending> = Vec::with_capacity(files.len());
    for ((path, bytes), real) in files.iter().zip(&reals) {
        let tmp = Pending::beside(real).map_err(|source| Error::Write { path: path.clone(), source })?;
        temps.push(tmp);
        let tmp = temps.last_mut().expect("just pushed");
        tmp.write(bytes).map_err(|source| Error::Write { path: path.clone(), source })?;
    }
    pause_for_tests();
    for ((path, _), (tmp, real)) in files.iter().zip(temps.into_iter().zip(&reals)) {
        tmp.persist(real).map_err(|source| Error::Write { path: path.clone(), source })?;
    }
    Ok(())
}

/// Waits `COMMITSIM_PAUSE_BEFORE_RENAME` milliseconds, when that is set,
/// with every temporary file written and none renamed: the window the
/// signal tests (tests/cli/hostile.rs) interrupt. Documented in docs/testing.md.
fn pause_for_tests() {
    if let Some(ms) = std::env::var("COMMITSIM_PAUSE_BEFORE_RENAME").ok().and_then(|v| v.parse::<u64>().ok()) {
        std::thread::sleep(std::time::Duration::from_millis(ms.min(60_000)));
    }
}

/// Temporary files being written, removed by the signal handler.
static PENDING: Mutex<Vec<PathBuf>> = Mutex::new(Vec::new());

/// Installs, once, the handler of Ctrl-C and of the termination signals
/// (SIGINT, SIGTERM, SIGHUP; Ctrl-C and Ctrl-Break on Windows): it removes
/// every temporary file being written and ends the process with status
/// 130. Until the first output file is written, the signals keep their
/// default action (the process ends at once; there is nothing to remove).
fn remove_temporaries_on_signals() {
    static ONCE: Once = Once::new();
    ONCE.call_once(|| {
        // Fails only when another handler is installed (none is): then
        // temporary files stay behind on a signal, as they did before.
        let _ = ctrlc::set_handler(|| {
            // Held until the process ends: no rename can follow the removal.
            let pending = PENDING.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
            for p in pending.iter() {
                let _ = std::fs::remove_file(p);
            }
            std::process::exit(130);
        });
    });
}

/// A temporary file beside its target: created exclusively (`O_EXCL`: a
/// file or symbolic link planted at its name is never opened) under an
/// unpredictable name `.NAME.XXXXXX.tmp`, removed when dropped unrenamed
/// and when the process gets an interrupt or termination signal.
struct Pending {
    file: Option<tempfile::NamedTempFile>,
    path: PathBuf,
}

impl Pending {
    fn beside(real: &Path) -> std::io::Result<Pending> {
        remove_temporaries_on_signals();
        let dir = match real.parent() {
            Some(d) if !d.as_os_str().is_empty() => d,
            _ => Path::new("."),
        };
        let name = real.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_else(|| "out".into());
        let prefix = format!(".{name}.");
        let mut builder = tempfile::Builder::new();
        builder.prefix(&prefix).suffix(".tmp");
        // A new file gets the permissions `File::create` gives (0666 less the
        // umask), not the temporary file's default 0600.
        #[cfg(unix)]
        builder.permissions(std::os::unix::fs::PermissionsExt::from_mode(0o666));
        let mut pending = PENDING.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        let file = builder.tempfile_in(dir)?;
        let path = file.path().to_path_buf();
        pending.push(path.clone());
        Ok(Pending { file: Some(file), path })
    }

    fn write(&mut self, bytes: &[u8]) -> std::io::Result<()> {
        let f = self.file.as_mut().expect("written before persisted").as_file_mut();
        f.write_all(bytes)?;
        f.sync_all()
    }

    /// Renames the file onto `real`, giving it `real`'s permissions first
    /// when `real` exists.
    fn persist(mut self, real: &Path) -> std::io::Result<()> {
        if let Ok(meta) = std::fs::metadata(real) {
            std::fs::set_permissions(&self.path, meta.permissions())?;
        }
        let file = self.file.take().expect("persisted once");
        let mut pending = PENDING.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        let result = file.persist(real).map(|_| ()).map_err(|e| {
            // Dropping the file removes it.
            drop(e.file);
            e.error
        });
        pending.retain(|p| *p != self.path);
        result
    }
}

impl Drop for Pending {
    fn drop(&mut self) {
        if self.file.take().is_some() {
            // The NamedTempFile just dropped removed the file.
            PENDING.lock().unwrap_or_else(std::sync::PoisonError::into_inner).retain(|p| *p != self.path);
        }
    }
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
