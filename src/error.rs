//! Typed errors of the library.
//!
//! Every error that a user can cause by what they wrote carries the file, the
//! place in it (line, key path or column) and what was expected, and maps to
//! exit status 2. Everything else (a failed write, a broken pipe) maps to 1.

use std::fmt;
use std::path::{Path, PathBuf};

/// Where in an input file a problem sits.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Location {
    /// The file, as the user named it.
    pub file: PathBuf,
    /// 1-based line, when known.
    pub line: Option<usize>,
    /// Dotted key path (`offers[1].discount`) or CSV column name, when known.
    pub key: Option<String>,
}

impl Location {
    /// A location naming only the file.
    pub fn file(file: &Path) -> Location {
        Location { file: file.to_path_buf(), line: None, key: None }
    }
}

impl fmt::Display for Location {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.file.display())?;
        if let Some(line) = self.line {
            write!(f, ":{line}")?;
        }
        if let Some(key) = &self.key {
            write!(f, ": {key}")?;
        }
        Ok(())
    }
}

/// The library's error type.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The file is not valid TOML or does not have the expected shape.
    #[error("{at}: {message}")]
    Syntax {
        /// Where.
        at: Location,
        /// The parser's message, rephrased for a user.
        message: String,
    },
    /// A key that the format does not know.
    #[error("{at}: unknown key `{name}`{}", suggestion_text(&.hint.suggestion, &.hint.expected))]
    UnknownKey {
        /// Where (the key path of the table holding it).
        at: Location,
        /// The unknown key.
        name: String,
        /// What would have been valid.
        hint: Box<KeyHint>,
    },
    /// A value that parsed but is not acceptable.
    #[error("{at}: {message}")]
    Invalid {
        /// Where.
        at: Location,
        /// What is wrong and what is expected.
        message: String,
    },
    /// A problem with command-line usage not tied to a file.
    #[error("{0}")]
    Usage(String),
    /// Reading an input file failed.
    #[error("cannot read {}: {source}", .path.display())]
    Read {
        /// The file.
        path: PathBuf,
        /// The cause.
        source: std::io::Error,
    },
    /// Writing an output failed.
    #[error("cannot write {}: {source}", .path.display())]
    Write {
        /// The file.
        path: PathBuf,
        /// The cause.
        source: std::io::Error,
    },
    /// `track --alert-probability`: the output is written and the
    /// over-commitment probability exceeds the alert level (exit status 3).
    #[error("{0}")]
    Alert(String),
    /// A document template failed to render (a defect, not an input problem).
    #[error("cannot render the {what}: {message}")]
    Render {
        /// The document being rendered.
        what: &'static str,
        /// The template engine's message.
        message: String,
    },
}

/// The valid alternatives to an unknown key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KeyHint {
    /// The closest known key, if one is close.
    pub suggestion: Option<String>,
    /// All keys valid in this place.
    pub expected: Vec<String>,
}

fn suggestion_text(suggestion: &Option<String>, expected: &[String]) -> String {
    let mut s = String::new();
    if let Some(k) = suggestion {
        s.push_str(&format!("; did you mean `{k}`?"));
    }
    if !expected.is_empty() {
        let list: Vec<String> = expected.iter().map(|k| format!("`{k}`")).collect();
        s.push_str(&format!(" (valid keys here: {})", list.join(", ")));
    }
    s
}

impl Error {
    /// The process exit status this error maps to: 2 for anything the user
    /// wrote or typed, 1 otherwise.
    pub fn exit_code(&self) -> u8 {
        match self {
            Error::Write { .. } | Error::Render { .. } => 1,
            Error::Alert(_) => 3,
            _ => 2,
        }
    }

    /// An [`Error::Invalid`] at a file and key path.
    pub fn invalid(file: &Path, key: impl Into<String>, message: impl Into<String>) -> Error {
        Error::Invalid {
            at: Location { file: file.to_path_buf(), line: None, key: Some(key.into()) },
            message: message.into(),
        }
    }
}

/// The closest of `candidates` to `name`, if it is plausibly a typo of it.
pub fn closest<'a, I>(name: &str, candidates: I) -> Option<String>
where
    I: IntoIterator<Item = &'a str>,
{
    let lower = name.to_ascii_lowercase();
    candidates
        .into_iter()
        .map(|c| (strsim::jaro_winkler(&lower, &c.to_ascii_lowercase()), c))
        .filter(|(score, _)| *score >= 0.75)
        .max_by(|a, b| a.0.total_cmp(&b.0))
        .map(|(_, c)| c.to_string())
}

/// Shorthand for results of this crate.
pub type Result<T, E = Error> = std::result::Result<T, E>;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn closest_finds_typos_and_rejects_strangers() {
        let keys = ["monthly_tokens", "model", "name", "input_share"];
        assert_eq!(closest("monthly_tokns", keys).as_deref(), Some("monthly_tokens"));
        assert_eq!(closest("Input_Shares", keys).as_deref(), Some("input_share"));
        assert_eq!(closest("zzzzqq", keys), None);
    }

    #[test]
    fn write_errors_exit_1_and_input_errors_exit_2() {
        let w = Error::Write { path: "x".into(), source: std::io::Error::other("full") };
        assert_eq!(w.exit_code(), 1);
        assert_eq!(Error::invalid(Path::new("a.toml"), "k", "bad").exit_code(), 2);
    }
}
