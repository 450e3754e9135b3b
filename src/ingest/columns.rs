//! Finding the columns a reader needs in a file's header: by the standard
//! name (case-insensitive) or by the user's mapping (`--columns
//! input_tokens=ContextTokens`, or `[history] columns = { ... }`). A column
//! that cannot be found is noted, and once the reader has looked up every
//! column, [`Columns::finish`] reports all of them in one error listing the
//! columns the file has, the closest one for each (an output column is
//! offered output-like names: `GeneratedTokens`, `Response tokens`) and the
//! `--columns` mapping that would read the file, so a log with its own
//! names is a one-glance fix.

use std::cell::RefCell;
use std::collections::BTreeMap;
use std::path::Path;

use crate::error::{closest, Error, Location, Result};

/// A column the reader could not find.
#[derive(Debug, Clone)]
enum Problem {
    /// `name` is mapped to `target`, which the header lacks.
    Absent { name: String, target: String },
    /// `name` (holding `what`) is neither in the header nor mapped.
    Missing { name: String, what: String },
}

impl Problem {
    fn name(&self) -> &str {
        match self {
            Problem::Absent { name, .. } | Problem::Missing { name, .. } => name,
        }
    }
}

/// The header of one file and the mapping to apply to it.
pub(crate) struct Columns<'a> {
    path: &'a Path,
    headers: &'a [String],
    map: &'a BTreeMap<String, String>,
    /// The format's standard names: the only names a reader looks up, so
    /// that the list (which docs/scenario.md is tested against) is complete.
    valid: &'a [&'a str],
    /// Headers found so far (never offered for another column).
    used: RefCell<Vec<usize>>,
    /// Columns not found so far.
    problems: RefCell<Vec<Problem>>,
}

impl<'a> Columns<'a> {
    /// Checks that every key of `map` is one of `valid` (the format's standard names).
    pub fn new(
        path: &'a Path,
        headers: &'a [String],
        map: &'a BTreeMap<String, String>,
        valid: &'a [&'a str],
        format: &str,
    ) -> Result<Columns<'a>> {
        for key in map.keys() {
            if !valid.iter().any(|v| v.eq_ignore_ascii_case(key)) {
                let hint =
                    closest(key, valid.iter().copied()).map(|c| format!("did you mean `{c}`? ")).unwrap_or_default();
                return Err(Error::Invalid {
                    at: Location { file: path.to_path_buf(), line: None, key: Some("columns".into()) },
                    message: format!(
                        "`{key}` is not a column of the {format} format; {hint}(mappable: {})",
                        valid.join(", ")
                    ),
                });
            }
        }
        Ok(Columns { path, headers, map, valid, used: RefCell::default(), problems: RefCell::default() })
    }

    /// The index of standard column `name`: the mapped header if `name` is
    /// mapped, else the header equal to `name` ignoring case, else None. A
    /// mapped header that the file lacks is noted for [`Columns::finish`]
    /// (and is None here); two headers of the same name are an error now.
    pub fn find(&self, name: &str) -> Result<Option<usize>> {
        debug_assert!(
            self.valid.iter().any(|v| v.eq_ignore_ascii_case(name)),
            "`{name}` is not in the format's list of standard columns"
        );
        let found = match self.mapped(name) {
            Some(target) => {
                let at = self.position(target);
                if at.is_none() {
                    self.note(Problem::Absent { name: name.to_string(), target: target.to_string() });
                }
                at
            }
            None => self.position(name),
        };
        if let Some(i) = found {
            self.unique(i)?;
            self.used.borrow_mut().push(i);
        }
        Ok(found)
    }

    /// Fails when another header has the same name as header `i` (ignoring
    /// case): which of the two holds the numbers would be a guess.
    fn unique(&self, i: usize) -> Result<()> {
        let name = &self.headers[i];
        match self.headers.iter().enumerate().find(|(j, h)| *j != i && h.eq_ignore_ascii_case(name)) {
            None => Ok(()),
            Some((j, _)) => Err(Error::Invalid {
                at: Location { file: self.path.to_path_buf(), line: Some(1), key: Some(name.clone()) },
                message: format!(
                    "the header has two columns named `{name}` (columns {} and {}); rename or remove one",
                    i.min(j) + 1,
                    i.max(j) + 1
                ),
            }),
        }
    }

    /// Like [`Columns::find`], but a column that is absent is noted as
    /// missing (saying what it holds, `what`) for [`Columns::finish`].
    pub fn require(&self, name: &str, what: &str) -> Result<Option<usize>> {
        let found = self.find(name)?;
        if found.is_none() {
            self.missing(name, what);
        }
        Ok(found)
    }

    /// Notes required column `name` (holding `what`) as absent, unless a
    /// problem with it is noted already.
    pub fn missing(&self, name: &str, what: &str) {
        self.note(Problem::Missing { name: name.to_string(), what: what.to_string() });
    }

    /// Whether a problem with any of `names` is noted.
    pub fn has_problem(&self, names: &[&str]) -> bool {
        self.problems.borrow().iter().any(|p| names.iter().any(|n| p.name().eq_ignore_ascii_case(n)))
    }

    fn note(&self, p: Problem) {
        if !self.has_problem(&[p.name()]) {
            self.problems.borrow_mut().push(p);
        }
    }

    /// `build()`, the layout of the columns looked up, when every column
    /// was found; else one error naming every column not found. `build`
    /// returns None only when a required column is absent, which is noted.
    pub fn finish<T>(&self, build: impl FnOnce() -> Option<T>) -> Result<T> {
        let built = build();
        let problems = self.problems.take();
        match built {
            Some(t) if problems.is_empty() => Ok(t),
            _ => {
                debug_assert!(!problems.is_empty(), "a required column is absent but was not noted");
                Err(self.error(&problems))
            }
        }
    }

    fn mapped(&self, name: &str) -> Option<&str> {
        self.map.iter().find(|(k, _)| k.eq_ignore_ascii_case(name)).map(|(_, v)| v.as_str())
    }

    fn position(&self, header: &str) -> Option<usize> {
        self.headers.iter().position(|h| h.eq_ignore_ascii_case(header.trim()))
    }

    /// The header to offer for each problem: for a mapped header that is
    /// absent the one closest to it; for a missing column one that reads as
    /// that column (see [`suggest`]). Never a header found for another
    /// column, nor one offered for an earlier problem.
    fn suggestions(&self, problems: &[Problem]) -> Vec<Option<String>> {
        let mut taken: Vec<usize> = self.used.borrow().clone();
        problems
            .iter()
            .map(|p| {
                let free: Vec<(usize, &str)> = self
                    .headers
                    .iter()
                    .enumerate()
                    .filter(|(i, _)| !taken.contains(i))
                    .map(|(i, h)| (i, h.as_str()))
                    .collect();
                let pick = match p {
                    Problem::Absent { target, .. } => {
                        closest(target, free.iter().map(|(_, h)| *h)).and_then(|c| free.iter().find(|(_, h)| *h == c))
                    }
                    Problem::Missing { name, .. } => {
                        suggest(name, &free).and_then(|i| free.iter().find(|(j, _)| *j == i))
                    }
                };
                pick.map(|&(i, h)| {
                    taken.push(i);
                    h.to_string()
                })
            })
            .collect()
    }

    /// The error for the columns not found: for one, its own message (as
    /// before, the hint and how to map it); for several, all in one message
    /// with the `--columns` mapping that reads the file.
    fn error(&self, problems: &[Problem]) -> Error {
        let hints = self.suggestions(problems);
        let hint_of = |h: &Option<String>| h.as_ref().map(|c| format!("did you mean `{c}`?"));
        if let ([p], [h]) = (problems, hints.as_slice()) {
            let (message, tail) = match p {
                Problem::Absent { name, target } => {
                    (format!("column `{target}` (mapped to `{name}`) is not in the file"), String::new())
                }
                Problem::Missing { name, what } => (
                    format!("missing column `{name}` ({what})"),
                    format!(
                        "Map a differently named column with --columns {name}=NAME \
                         (or columns = {{ {name} = \"NAME\" }} in [history])."
                    ),
                ),
            };
            let hint = hint_of(h).map(|h| format!("; {h}")).unwrap_or_default();
            let sep = match (tail.is_empty(), hint.is_empty()) {
                (true, _) => "",
                (false, true) => ". ",
                (false, false) => " ",
            };
            return Error::Invalid {
                at: Location { file: self.path.to_path_buf(), line: Some(1), key: Some(p.name().to_string()) },
                message: format!("{message}; columns found: {}{hint}{sep}{tail}", self.found()),
            };
        }
        let listed: Vec<String> = problems
            .iter()
            .zip(&hints)
            .map(|(p, h)| {
                let about = match p {
                    Problem::Absent { target, .. } => format!("mapped to `{target}`, which is not in the file"),
                    Problem::Missing { what, .. } => what.clone(),
                };
                let hint = hint_of(h).map(|h| format!("; {h}")).unwrap_or_default();
                format!("`{}` ({about}{hint})", p.name())
            })
            .collect();
        // The whole mapping: the user's pairs that work, then a fix for each problem.
        let mut pairs: Vec<(String, String)> = self
            .map
            .iter()
            .filter(|(k, _)| !problems.iter().any(|p| p.name().eq_ignore_ascii_case(k)))
            .map(|(k, v)| (k.clone(), v.clone()))
            .collect();
        pairs.extend(
            problems
                .iter()
                .zip(&hints)
                .map(|(p, h)| (p.name().to_string(), h.clone().unwrap_or_else(|| "NAME".into()))),
        );
        let flag = pairs.iter().map(|(k, v)| format!("{k}={v}")).collect::<Vec<_>>().join(",");
        // Quoted for a shell when a header has a space or a character a shell reads.
        let flag = if flag.chars().any(|c| !(c.is_ascii_alphanumeric() || "_=,.-".contains(c))) {
            format!("\"{}\"", flag.replace('\\', "\\\\").replace('"', "\\\"").replace('$', "\\$").replace('`', "\\`"))
        } else {
            flag
        };
        let table: Vec<String> = pairs.iter().map(|(k, v)| format!("{k} = \"{v}\"")).collect();
        Error::Invalid {
            at: Location { file: self.path.to_path_buf(), line: Some(1), key: None },
            message: format!(
                "{} columns not found: {}; columns found: {}. Map them with --columns {} (or columns = {{ {} }} \
                 in [history]).",
                problems.len(),
                listed.join(", "),
                self.found(),
                flag,
                table.join(", ")
            ),
        }
    }

    /// The file's headers as a list for messages.
    fn found(&self) -> String {
        self.headers.iter().map(|h| format!("`{h}`")).collect::<Vec<_>>().join(", ")
    }
}

/// Words that a header holding standard column `name` tends to contain
/// (`GeneratedTokens` and `Response tokens` hold output tokens).
fn family(name: &str) -> &'static [&'static str] {
    match name.to_ascii_lowercase().as_str() {
        "input_tokens" => &["input", "prompt", "context", "request"],
        "output_tokens" => &["output", "generated", "completion", "response", "decode"],
        "cached_input_tokens" => &["cache"],
        "timestamp" => &["time", "date", "created"],
        "date" => &["date", "day", "time"],
        "month" => &["month", "period", "date"],
        "model" => &["model", "engine", "deployment"],
        "workload" => &["workload", "app", "team", "project", "feature", "use"],
        _ => &[],
    }
}

/// The header among `free` (index, header) to offer for missing column
/// `name`: among the headers with a word of its [`family`], the closest
/// (a token column preferring headers that count something: `tokens`,
/// `length`); with none, the closest of all if it is close.
fn suggest(name: &str, free: &[(usize, &str)]) -> Option<usize> {
    let words = family(name);
    let counts = name.to_ascii_lowercase().ends_with("_tokens");
    let like = |h: &str| {
        let h = h.to_ascii_lowercase();
        words.iter().any(|w| h.contains(w))
    };
    let score = |h: &str| {
        let lower = h.to_ascii_lowercase();
        let bonus = if counts && ["token", "len", "count"].iter().any(|w| lower.contains(w)) { 0.25 } else { 0.0 };
        strsim::jaro_winkler(&name.to_ascii_lowercase(), &lower) + bonus
    };
    let best = free.iter().filter(|(_, h)| like(h)).max_by(|a, b| score(a.1).total_cmp(&score(b.1)));
    match best {
        Some(&(i, _)) => Some(i),
        None => {
            closest(name, free.iter().map(|(_, h)| *h)).and_then(|c| free.iter().find(|(_, h)| *h == c)).map(|p| p.0)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers() -> Vec<String> {
        ["TIMESTAMP", "ContextTokens", "GeneratedTokens", "input_tokns"].map(String::from).to_vec()
    }

    #[test]
    fn finds_by_name_ignoring_case_and_by_mapping() {
        let h = headers();
        let mut map = BTreeMap::new();
        map.insert("output_tokens".to_string(), "generatedtokens".to_string());
        let c = Columns::new(Path::new("f.csv"), &h, &map, &["timestamp", "output_tokens", "model"], "usage").unwrap();
        assert_eq!(c.find("timestamp").unwrap(), Some(0));
        assert_eq!(c.find("output_tokens").unwrap(), Some(2));
        assert_eq!(c.find("model").unwrap(), None);
        assert_eq!(c.finish(|| Some(7)).unwrap(), 7);
    }

    #[test]
    fn missing_and_misnamed_columns_list_what_was_found() {
        let h = headers();
        let map = BTreeMap::new();
        let c = Columns::new(Path::new("f.csv"), &h, &map, &["input_tokens"], "usage").unwrap();
        assert_eq!(c.require("input_tokens", "uncached input tokens").unwrap(), None);
        let e = c.finish(|| None::<()>).unwrap_err().to_string();
        assert!(e.starts_with("f.csv:1: input_tokens: missing column `input_tokens`"), "{e}");
        assert!(e.contains("columns found: `TIMESTAMP`, `ContextTokens`"), "{e}");
        assert!(e.contains("did you mean `input_tokns`?"), "{e}");
        let mut map = BTreeMap::new();
        map.insert("input_tokens".to_string(), "ContextTokenz".to_string());
        let c = Columns::new(Path::new("f.csv"), &h, &map, &["input_tokens"], "usage").unwrap();
        assert_eq!(c.find("input_tokens").unwrap(), None);
        let e = c.finish(|| Some(())).unwrap_err().to_string();
        assert!(e.contains("column `ContextTokenz` (mapped to `input_tokens`) is not in the file"), "{e}");
        assert!(e.contains("did you mean `ContextTokens`?"), "{e}");
    }

    /// Every column not found is in one error, each with a header that reads
    /// as it (an output column is offered `GeneratedTokens`, never the
    /// header found or offered for input), and the mapping that fixes all.
    #[test]
    fn every_missing_column_is_reported_at_once_with_the_mapping() {
        let h = ["TIMESTAMP", "ContextTokens", "GeneratedTokens"].map(String::from).to_vec();
        let map = BTreeMap::new();
        let valid = ["timestamp", "input_tokens", "output_tokens"];
        let c = Columns::new(Path::new("f.csv"), &h, &map, &valid, "usage").unwrap();
        assert_eq!(c.find("timestamp").unwrap(), Some(0));
        assert_eq!(c.require("input_tokens", "uncached input tokens").unwrap(), None);
        assert_eq!(c.require("output_tokens", "output tokens").unwrap(), None);
        let e = c.finish(|| None::<()>).unwrap_err().to_string();
        assert!(e.starts_with("f.csv:1: 2 columns not found: `input_tokens` (uncached input tokens; did you mean `ContextTokens`?), `output_tokens` (output tokens; did you mean `GeneratedTokens`?)"), "{e}");
        assert!(e.contains("--columns input_tokens=ContextTokens,output_tokens=GeneratedTokens (or columns = { input_tokens = \"ContextTokens\", output_tokens = \"GeneratedTokens\" }"), "{e}");
        // A mapped header that is absent and a missing column, with the user's good pair kept.
        let mut map = BTreeMap::new();
        map.insert("timestamp".to_string(), "TIMESTAMP".to_string());
        map.insert("input_tokens".to_string(), "Context".to_string());
        let c = Columns::new(Path::new("f.csv"), &h, &map, &valid, "usage").unwrap();
        assert_eq!(c.find("timestamp").unwrap(), Some(0));
        assert_eq!(c.require("input_tokens", "uncached input tokens").unwrap(), None);
        assert_eq!(c.require("output_tokens", "output tokens").unwrap(), None);
        let e = c.finish(|| None::<()>).unwrap_err().to_string();
        assert!(
            e.contains("`input_tokens` (mapped to `Context`, which is not in the file; did you mean `ContextTokens`?)"),
            "{e}"
        );
        assert!(
            e.contains("--columns timestamp=TIMESTAMP,input_tokens=ContextTokens,output_tokens=GeneratedTokens"),
            "{e}"
        );
    }

    #[test]
    fn an_output_column_is_offered_output_like_names() {
        let free = |h: &'static [&'static str]| h.iter().copied().enumerate().collect::<Vec<_>>();
        let burst = free(&["Timestamp", "Model", "Request tokens", "Response tokens", "Total tokens", "Log Type"]);
        assert_eq!(suggest("output_tokens", &burst), Some(3));
        assert_eq!(suggest("input_tokens", &burst), Some(2));
        let mooncake = free(&["timestamp_ms", "input_length", "output_length", "n_hash_blocks"]);
        assert_eq!(suggest("output_tokens", &mooncake), Some(2));
        assert_eq!(suggest("timestamp", &mooncake), Some(0));
        // The closest by spelling alone would be `ContextTokens`.
        let azure = free(&["TIMESTAMP", "ContextTokens", "GeneratedTokens"]);
        assert_eq!(closest("output_tokens", azure.iter().map(|p| p.1)).as_deref(), Some("ContextTokens"));
        assert_eq!(suggest("output_tokens", &azure), Some(2));
        assert_eq!(suggest("model", &azure), None);
    }

    #[test]
    fn unknown_mapping_key_is_an_error_with_the_closest_key() {
        let h = headers();
        let mut map = BTreeMap::new();
        map.insert("input_token".to_string(), "x".to_string());
        let e = Columns::new(Path::new("f.csv"), &h, &map, &["input_tokens", "model"], "usage")
            .err()
            .expect("error")
            .to_string();
        assert!(e.contains("`input_token` is not a column of the usage format; did you mean `input_tokens`?"), "{e}");
    }
}
