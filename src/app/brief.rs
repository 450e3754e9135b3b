//! `commitsim brief`: the negotiation brief. Checks the output path first
//! (a missing folder fails before any simulation), loads and scores the
//! contracts, builds the brief in one run, and writes it whole or not at all:
//! one HTML file, or a Markdown file and its charts' SVG files.

use std::path::{Path, PathBuf};

use anyhow::{Context, Result};

use super::output::{check_target, write_all_atomic, write_atomic};
use super::plan::overrides;
use crate::brief::assumptions::ChecklistSource;
use crate::brief::markdown::chart_dir;
use crate::brief::{build, charts, html, markdown, BriefFormat, BriefInput};
use crate::checklist::{contract_warnings, score_all, Contract};
use crate::cli::BriefArgs;
use crate::error::Error;
use crate::scenario::Scenario;

/// The files given on the command line, which no output may replace.
fn given_inputs(a: &BriefArgs) -> Vec<PathBuf> {
    std::iter::once(a.scenario.clone()).chain(a.contracts.iter().cloned()).chain(a.checklist.clone()).collect()
}

pub fn run(a: &BriefArgs, quiet: bool) -> Result<()> {
    let format = BriefFormat::parse(&a.format)
        .ok_or_else(|| Error::Usage(format!("--format: expected html, markdown or xlsx, found `{}`", a.format)))?;
    let mut inputs = given_inputs(a);
    check_out(&a.out, format, &inputs)?;
    // The contracts are read and scored while the scenario loads.
    let (sc, score) = std::thread::scope(|s| {
        let contracts = s.spawn(|| score_contracts(a, quiet));
        let sc = super::load_scenario(&a.scenario, overrides(a.run));
        let score = contracts.join().unwrap_or_else(|e| std::panic::resume_unwind(e));
        (sc, score)
    });
    let sc = sc?;
    super::warn_all(&sc.warnings, quiet);
    let (score, scopes) = score?;
    let notes = contract_scopes(&sc, &scopes);
    super::warn_all(&notes, quiet);
    inputs.extend(sc.inputs.iter().cloned());
    let checklist = match (score.is_some(), a.checklist.as_deref()) {
        (false, _) => None,
        (true, Some(p)) => Some(ChecklistSource::File(p)),
        (true, None) => Some(ChecklistSource::Builtin),
    };
    let input = BriefInput {
        scenario: &sc,
        offer: a.offer.as_deref(),
        score,
        contracts: a.contracts.iter().map(PathBuf::as_path).collect(),
        checklist,
        command: command_line(a, &sc),
        notes,
        confidence: super::plan::WALKAWAY_CONFIDENCE,
        written: written_date(),
        confidential: a.confidential.clone(),
    };
    let bar = crate::progress::bar(2 * sc.paths, "briefing", quiet);
    let brief = build(input, &|n| bar.inc(n));
    bar.finish_and_clear();
    let brief = brief?;
    let charts = charts::all(&brief);
    match format {
        BriefFormat::Html => write_atomic(&a.out, html::render(&brief, &charts)?.as_bytes(), &inputs)?,
        BriefFormat::Markdown => write_markdown(&a.out, markdown::render(&brief, &charts, &a.out)?, &charts, &inputs)?,
        BriefFormat::Xlsx => write_atomic(&a.out, &crate::brief::xlsx::render(&brief)?, &inputs)?,
    }
    Ok(())
}

/// The date the brief is written, `YYYY-MM-DD` in UTC: from
/// `SOURCE_DATE_EPOCH` (seconds since 1970) when set, as reproducible builds
/// do, else the clock.
fn written_date() -> String {
    let secs =
        std::env::var("SOURCE_DATE_EPOCH").ok().and_then(|v| v.trim().parse::<i64>().ok()).unwrap_or_else(|| {
            std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_secs() as i64)
        });
    let (y, m, d) = crate::ingest::timestamp::civil_from_days(secs.div_euclid(86_400));
    format!("{y:04}-{m:02}-{d:02}")
}

/// Each contract's vendor and the catalog providers its terms govern.
type Scopes = Vec<(String, Vec<String>)>;

/// The contracts' scorecards against the checklist, when contracts were
/// given, and each contract's providers.
fn score_contracts(a: &BriefArgs, quiet: bool) -> Result<(Option<crate::checklist::ScoreReport>, Scopes)> {
    if a.contracts.is_empty() {
        if a.checklist.is_some() {
            super::warn_all(&["--checklist without --contract: there are no contract terms to score".into()], quiet);
        }
        return Ok((None, Vec::new()));
    }
    let checklist = super::score::load_checklist(a.checklist.as_deref())?;
    let mut loaded = Vec::with_capacity(a.contracts.len());
    for path in &a.contracts {
        let c = Contract::load(path)?;
        super::warn_all(&contract_warnings(&checklist, &c), quiet);
        loaded.push(c);
    }
    let scopes = loaded.iter().map(|c| (c.vendor.name.clone(), c.vendor.providers.clone())).collect();
    Ok((Some(score_all(&checklist, &loaded)?), scopes))
}

/// A note for each contract whose terms govern none of the providers the
/// scenario's usage runs on (a contract that names no providers is not
/// checked).
fn contract_scopes(sc: &Scenario, scopes: &Scopes) -> Vec<String> {
    let used = sc.providers();
    scopes
        .iter()
        .filter(|(_, p)| !p.is_empty() && !p.iter().any(|x| used.contains(x)))
        .map(|(vendor, p)| {
            format!(
                "the {vendor} contract covers {}, which none of the scenario's workloads use (they run on {}): its \
                 scorecard describes terms this usage would not be bought under",
                p.join(", "),
                used.join(", ")
            )
        })
        .collect()
}

/// Fails early, before any simulation, when the output cannot be written
/// (the checks of the final write: a missing folder, a folder, a device, a
/// read-only file, an input), or the charts' folder is taken by a file.
fn check_out(out: &Path, format: BriefFormat, inputs: &[PathBuf]) -> Result<(), Error> {
    check_target(out, inputs)?;
    let dir = chart_dir(out);
    if format == BriefFormat::Markdown && dir.exists() && !dir.is_dir() {
        return Err(Error::Usage(format!(
            "--out: the charts go into {}, which exists and is not a folder",
            dir.display()
        )));
    }
    Ok(())
}

/// Writes the Markdown and its charts: every file to a temporary file first,
/// then all renamed. The charts' folder is created if needed, and removed
/// again if nothing could be written.
fn write_markdown(out: &Path, md: String, charts: &[charts::Chart], inputs: &[PathBuf]) -> Result<()> {
    let dir = chart_dir(out);
    let created = !dir.exists();
    if created {
        std::fs::create_dir(&dir)
            .map_err(|source| Error::Write { path: dir.clone(), source })
            .with_context(|| format!("creating the charts' folder for {}", out.display()))?;
    }
    let mut files: Vec<(PathBuf, Vec<u8>)> =
        charts.iter().map(|c| (dir.join(format!("{}.svg", c.id)), c.svg.clone().into_bytes())).collect();
    files.push((out.to_path_buf(), md.into_bytes()));
    let result = write_all_atomic(&files, inputs);
    if result.is_err() && created {
        let _ = std::fs::remove_dir(&dir);
    }
    Ok(result?)
}

/// The command line that reproduces the brief, with the seed and paths spelled out.
fn command_line(a: &BriefArgs, sc: &Scenario) -> String {
    let mut parts = vec!["commitsim".to_string(), "brief".into(), quote(&a.scenario.display().to_string())];
    for c in &a.contracts {
        parts.extend(["--contract".into(), quote(&c.display().to_string())]);
    }
    if let Some(c) = &a.checklist {
        parts.extend(["--checklist".into(), quote(&c.display().to_string())]);
    }
    if let Some(o) = &a.offer {
        parts.extend(["--offer".into(), quote(o)]);
    }
    parts.extend(["--seed".into(), sc.seed.to_string(), "--paths".into(), sc.paths.to_string()]);
    parts.extend(["--format".into(), a.format.clone(), "--out".into(), quote(&a.out.display().to_string())]);
    parts.join(" ")
}

/// `s` as one POSIX shell word: unchanged when plain, else in single quotes.
fn quote(s: &str) -> String {
    if !s.is_empty() && s.chars().all(|c| c.is_ascii_alphanumeric() || "-_./=:@%+,".contains(c)) {
        s.to_string()
    } else {
        format!("'{}'", s.replace('\'', "'\\''"))
    }
}

#[cfg(test)]
mod tests {
    use super::quote;

    #[test]
    fn shell_words_are_quoted_only_when_needed() {
        assert_eq!(quote("scenarios/example.toml"), "scenarios/example.toml");
        assert_eq!(quote("Anthropic commit"), "'Anthropic commit'");
        assert_eq!(quote("it's"), "'it'\\''s'");
        assert_eq!(quote(""), "''");
    }
}
