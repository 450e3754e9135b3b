//! Finding the columns a reader needs in a file's header: by the standard
//! name (case-insensitive) or by the user's mapping (`--columns
//! input_tokens=ContextTokens`, or `[history] columns = { ... }`). A column
//! that cannot be found is an error listing the columns the file has and the
//! closest one, so a misspelt header is a one-glance fix.

use std::collections::BTreeMap;
use std::path::Path;

use crate::error::{closest, Error, Location, Result};

/// The header of one file and the mapping to apply to it.
pub(crate) struct Columns<'a> {
    path: &'a Path,
    headers: &'a [String],
    map: &'a BTreeMap<String, String>,
    /// The format's standard names: the only names a reader looks up, so
    /// that the list (which docs/scenario.md is tested against) is complete.
    valid: &'a [&'a str],
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
        Ok(Columns { path, headers, map, valid })
    }

    /// The index of standard column `name`: the mapped header if `name` is
    /// mapped (an error if the file lacks it), else the header equal to
    /// `name` ignoring case, else None.
    pub fn find(&self, name: &str) -> Result<Option<usize>> {
        debug_assert!(
            self.valid.iter().any(|v| v.eq_ignore_ascii_case(name)),
            "`{name}` is not in the format's list of standard columns"
        );
        let found = match self.mapped(name) {
            Some(target) => self.position(target).map(Some).ok_or_else(|| {
                self.not_found(name, &format!("column `{target}` (mapped to `{name}`) is not in the file"), target, "")
            })?,
            None => self.position(name),
        };
        if let Some(i) = found {
            self.unique(i)?;
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

    /// Like [`Columns::find`], but a missing column is an error saying what
    /// the column holds (`what`).
    pub fn require(&self, name: &str, what: &str) -> Result<usize> {
        self.find(name)?.ok_or_else(|| self.missing(name, what))
    }

    /// The error for a required column `name` (holding `what`) that is absent.
    pub fn missing(&self, name: &str, what: &str) -> Error {
        self.not_found(
            name,
            &format!("missing column `{name}` ({what})"),
            name,
            &format!(
                "Map a differently named column with --columns {name}=NAME \
                 (or columns = {{ {name} = \"NAME\" }} in [history])."
            ),
        )
    }

    fn mapped(&self, name: &str) -> Option<&str> {
        self.map.iter().find(|(k, _)| k.eq_ignore_ascii_case(name)).map(|(_, v)| v.as_str())
    }

    fn position(&self, header: &str) -> Option<usize> {
        self.headers.iter().position(|h| h.eq_ignore_ascii_case(header.trim()))
    }

    /// `message`, the columns found, the closest to `wanted`, then `tail`.
    fn not_found(&self, name: &str, message: &str, wanted: &str, tail: &str) -> Error {
        let hint = closest(wanted, self.headers.iter().map(String::as_str))
            .map(|c| format!("; did you mean `{c}`?"))
            .unwrap_or_default();
        let sep = match (tail.is_empty(), hint.is_empty()) {
            (true, _) => "",
            (false, true) => ". ",
            (false, false) => " ",
        };
        Error::Invalid {
            at: Location { file: self.path.to_path_buf(), line: Some(1), key: Some(name.to_string()) },
            message: format!("{message}; columns found: {}{hint}{sep}{tail}", self.found()),
        }
    }

    /// The file's headers as a list for messages.
    fn found(&self) -> String {
        self.headers.iter().map(|h| format!("`{h}`")).collect::<Vec<_>>().join(", ")
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
    }

    #[test]
    fn missing_and_misnamed_columns_list_what_was_found() {
        let h = headers();
        let map = BTreeMap::new();
        let c = Columns::new(Path::new("f.csv"), &h, &map, &["input_tokens"], "usage").unwrap();
        let e = c.require("input_tokens", "uncached input tokens").unwrap_err().to_string();
        assert!(e.starts_with("f.csv:1: input_tokens: missing column `input_tokens`"), "{e}");
        assert!(e.contains("columns found: `TIMESTAMP`, `ContextTokens`"), "{e}");
        assert!(e.contains("did you mean `input_tokns`?"), "{e}");
        let mut map = BTreeMap::new();
        map.insert("input_tokens".to_string(), "ContextTokenz".to_string());
        let c = Columns::new(Path::new("f.csv"), &h, &map, &["input_tokens"], "usage").unwrap();
        let e = c.find("input_tokens").unwrap_err().to_string();
        assert!(e.contains("column `ContextTokenz` (mapped to `input_tokens`) is not in the file"), "{e}");
        assert!(e.contains("did you mean `ContextTokens`?"), "{e}");
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
