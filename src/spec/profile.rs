//! Reading a per-minute load profile (`minute,tokens`, as `profile` writes it)
//! for a provisioned offer's `load = { profile = "load.csv" }`.

use std::path::Path;

use super::offer::Profile;
use crate::error::{Error, Location, Result};

/// The most tokens a profile minute may hold: far above any real load, and
/// low enough that a month of such minutes sums without overflow.
const MAX_PER_MINUTE: f64 = 1e15;

/// The largest load profile: 256 MiB, ten years of minutes (the longest
/// span `profile` writes) at 26 bytes a line.
pub const MAX_PROFILE_BYTES: u64 = 256 << 20;

/// Loads the profile named in `scenario`'s key `key`, relative to the scenario's folder.
pub fn load_profile(scenario: &Path, rel: &str, key: &str) -> Result<Profile> {
    let path = scenario.parent().unwrap_or(Path::new(".")).join(rel);
    if !path.is_file() {
        return Err(Error::invalid(scenario, key, format!("load profile `{}` not found", path.display())));
    }
    let text =
        super::doc::read_text_at_most(&path, "a load profile CSV with columns minute,tokens", MAX_PROFILE_BYTES)?;
    let mut rdr = csv::ReaderBuilder::new().flexible(false).from_reader(text.as_bytes());
    let headers = rdr.headers().map_err(|e| csv_err(&path, None, e.to_string()))?.clone();
    let is_tokens = |h: &&str| h.trim().eq_ignore_ascii_case("tokens");
    let col = headers.iter().position(|h| is_tokens(&h)).ok_or_else(|| {
        let err = Error::Invalid {
            at: Location { file: path.clone(), line: Some(1), key: None },
            message: format!("expected a `tokens` column; found {}", headers.iter().collect::<Vec<_>>().join(", ")),
        };
        super::kind::or_wrong_kind(err, &path, super::kind::FileKind::LoadProfile)
    })?;
    if headers.iter().filter(is_tokens).count() > 1 {
        return Err(csv_err(
            &path,
            Some(1),
            "two `tokens` columns; keep one (which of them is the load is not clear)".into(),
        ));
    }
    let mut values = Vec::new();
    for (i, rec) in rdr.records().enumerate() {
        let line = i + 2;
        let rec = rec.map_err(|e| csv_err(&path, Some(line), e.to_string()))?;
        let cell = rec.get(col).unwrap_or("").trim();
        let v: f64 =
            cell.parse().ok().filter(|v: &f64| v.is_finite() && (0.0..=MAX_PER_MINUTE).contains(v)).ok_or_else(
                || {
                    csv_err(
                        &path,
                        Some(line),
                        format!("column tokens: expected a number from 0 to {MAX_PER_MINUTE:e}, found `{cell}`"),
                    )
                },
            )?;
        values.push(v);
    }
    Profile::new(path.display().to_string(), &values).ok_or_else(|| {
        csv_err(&path, None, "the profile has no positive load; expected per-minute token counts".into())
    })
}

fn csv_err(path: &Path, line: Option<usize>, message: String) -> Error {
    Error::Invalid { at: Location { file: path.to_path_buf(), line, key: None }, message }
}
