//! `openai-usage`: OpenAI's Usage API (`GET /v1/organization/usage/completions`,
//! JSON pages of buckets with `bucket_width` 1m, 1h or 1d) and the
//! dashboard's CSV export, which carry the same fields: `start_time` and
//! `end_time` (Unix seconds; the dashboard also writes `start_time_iso`),
//! `model`, `input_tokens`, `input_cached_tokens`, `output_tokens`, `batch`,
//! `project_id`, ... The trap: `input_tokens` *includes* the cached tokens,
//! so uncached input is `input_tokens − input_cached_tokens`. The dashboard
//! writes counts as floats (`10.0`) and a day without use as a row of empty
//! cells. Fields: the `UsageCompletionsResult` schema of OpenAI's API
//! specification (see docs/history.md).

use super::{Fields, Models, Read, Usage};
use crate::error::Result;
use crate::ingest::source::Source;
use crate::ingest::{Classes, HistoryOptions};

/// Reads every row of `src`.
pub(super) fn read(src: &mut Source, opts: &HistoryOptions, models: &mut Models) -> Result<Read> {
    let f = Fields { src };
    let start_col = f.col("start_time").or_else(|| f.col("start_time_iso"));
    let end_col = f.col("end_time").or_else(|| f.col("end_time_iso"));
    let input_col = f.col("input_tokens");
    let Some(start_col) = start_col.filter(|_| input_col.is_some()) else {
        return Err(crate::Error::invalid(
            src.path(),
            "start_time",
            format!(
                "an OpenAI usage export has `start_time` and `input_tokens` (found columns: {}); \
                 export usage from the dashboard or call /v1/organization/usage/completions",
                src.headers().join(", ")
            ),
        ));
    };
    let cols = Cols {
        start: start_col,
        end: end_col,
        model: opts.columns.get("model").map_or_else(|| f.col("model"), |m| f.col(m)),
        workload: opts.columns.get("workload").and_then(|w| f.col(w)),
        input: input_col,
        cached: f.col("input_cached_tokens"),
        output: f.col("output_tokens"),
        batch: f.col("batch"),
    };
    if let Some(w) = opts.columns.get("workload").filter(|_| cols.workload.is_none()) {
        return Err(crate::Error::invalid(src.path(), "columns.workload", format!("the file has no column `{w}`")));
    }
    let mut out = Read::default();
    while src.next_record()? {
        let f = Fields { src };
        row(&f, &cols, opts, models, &mut out)?;
    }
    Ok(out)
}

struct Cols {
    start: usize,
    end: Option<usize>,
    model: Option<usize>,
    workload: Option<usize>,
    input: Option<usize>,
    cached: Option<usize>,
    output: Option<usize>,
    batch: Option<usize>,
}

fn row(f: &Fields, c: &Cols, opts: &HistoryOptions, models: &mut Models, out: &mut Read) -> Result<()> {
    let place = f.src.quick_place();
    let blank = |col: Option<usize>| -> Result<bool> { Ok(f.text(col)?.is_empty()) };
    let no_tokens = blank(c.input)? && blank(c.output)? && blank(c.cached)?;
    if no_tokens && blank(Some(c.start))? {
        out.skip("empty row");
        return Ok(());
    }
    let start = f.instant(c.start)?;
    let end = match c.end {
        Some(e) if !blank(Some(e))? => f.instant(e)?.max(start),
        _ => start,
    };
    let workload = match (&opts.workload, c.workload) {
        (Some(w), _) => w.clone(),
        (None, Some(col)) if !blank(Some(col))? => f.text(Some(col))?.to_string(),
        _ => "all".to_string(),
    };
    if no_tokens && blank(c.model)? {
        out.skip("period without use (empty bucket or row)");
        out.rows.push((Usage { start, end, workload, ..Usage::default() }, place));
        return Ok(());
    }
    let input = f.count(c.input)?;
    let cached = f.count(c.cached)?;
    let output = f.count(c.output)?;
    let Some(uncached) = input.checked_sub(cached) else {
        let col = c.cached.unwrap_or(c.start);
        return Err(f.src.error(
            col,
            format!(
                "input_cached_tokens {cached} is more than input_tokens {input}; expected the cached tokens to be \
                 part of input_tokens, as OpenAI counts them"
            ),
        ));
    };
    let raw = f.text(c.model)?;
    let model = if opts.model.is_none() && raw.is_empty() {
        return Err(f.src.error(
            c.model.unwrap_or(c.start),
            "a row with tokens has no model; call the Usage API with group_by=model (or give a fixed model)".into(),
        ));
    } else {
        models.map(raw).map_err(|msg| f.src.error(c.model.unwrap_or(c.start), msg))?
    };
    let batch = matches!(f.text(c.batch)?.to_ascii_lowercase().as_str(), "true" | "1" | "yes");
    let total = uncached + cached + output;
    let classes =
        Classes { input: uncached, cached, output, batch: if batch { total } else { 0 }, ..Classes::default() };
    out.rows.push((Usage { start, end, workload, model, classes }, place));
    Ok(())
}
