//! `anthropic-usage`: Anthropic's usage report
//! (`GET /v1/organizations/usage_report/messages`), JSON pages of buckets
//! (`bucket_width` 1m, 1h or 1d) whose results carry `uncached_input_tokens`,
//! `cache_read_input_tokens`, `cache_creation.ephemeral_5m_input_tokens`,
//! `cache_creation.ephemeral_1h_input_tokens`, `output_tokens`, and, when
//! grouped, `model`, `workspace_id`, `api_key_id`, `service_tier`
//! (`batch` for the Message Batches API), `context_window`. The bucket
//! gives `starting_at` and `ending_at` (RFC 3339). Rows of the cost report
//! (`/v1/organizations/cost_report`: `amount` in cents as a decimal string,
//! `currency`, `cost_type`) hold dollars, not tokens: they are counted and
//! their total is given in dollars in a warning, not read as usage.

use super::{Fields, Models, Read, Usage};
use crate::error::Result;
use crate::ingest::source::Source;
use crate::ingest::{Classes, HistoryOptions};

struct Cols {
    start: usize,
    end: Option<usize>,
    model: Option<usize>,
    workload: Option<usize>,
    uncached: Option<usize>,
    cached: Option<usize>,
    write_5m: Option<usize>,
    write_1h: Option<usize>,
    output: Option<usize>,
    tier: Option<usize>,
    amount: Option<usize>,
}

/// Reads every row of `src`.
pub(super) fn read(src: &mut Source, opts: &HistoryOptions, models: &mut Models) -> Result<Read> {
    let f = Fields { src };
    let Some(start) = f.col("starting_at") else {
        return Err(crate::Error::invalid(
            src.path(),
            "starting_at",
            format!(
                "an Anthropic usage report has buckets with `starting_at` (found fields: {}); \
                 call /v1/organizations/usage_report/messages",
                src.headers().join(", ")
            ),
        ));
    };
    let cols = Cols {
        start,
        end: f.col("ending_at"),
        model: opts.columns.get("model").map_or_else(|| f.col("model"), |m| f.col(m)),
        workload: opts.columns.get("workload").and_then(|w| f.col(w)),
        uncached: f.col("uncached_input_tokens"),
        cached: f.col("cache_read_input_tokens"),
        write_5m: f.col("cache_creation.ephemeral_5m_input_tokens"),
        write_1h: f.col("cache_creation.ephemeral_1h_input_tokens"),
        output: f.col("output_tokens"),
        tier: f.col("service_tier"),
        amount: f.col("amount"),
    };
    if let Some(w) = opts.columns.get("workload").filter(|_| cols.workload.is_none()) {
        return Err(crate::Error::invalid(src.path(), "columns.workload", format!("the file has no field `{w}`")));
    }
    let mut out = Read::default();
    let mut cents = 0.0;
    while src.next_record()? {
        let f = Fields { src };
        cents += row(&f, &cols, opts, models, &mut out)?;
    }
    if let Some(n) = out.skipped.get(COST_ROW) {
        out.notes.push(format!(
            "{n} cost report rows total ${:.2} (their `amount` is in cents); costs are not token usage and \
             are not read",
            cents / 100.0
        ));
    }
    Ok(out)
}

const COST_ROW: &str = "cost report row (amount in cents, no tokens)";

/// Reads one row; returns the cents of a cost row (0 otherwise).
fn row(f: &Fields, c: &Cols, opts: &HistoryOptions, models: &mut Models, out: &mut Read) -> Result<f64> {
    let place = f.src.quick_place();
    let token_cols = [c.uncached, c.cached, c.write_5m, c.write_1h, c.output];
    let mut no_tokens = true;
    for col in token_cols {
        no_tokens &= f.text(col)?.is_empty();
    }
    if no_tokens && !f.text(c.amount)?.is_empty() {
        let col = c.amount.expect("checked: the amount cell is not empty");
        // A decimal string of cents ("123.45" is $1.2345).
        let cents: f64 = f.text(Some(col))?.parse().ok().filter(|v: &f64| v.is_finite()).ok_or_else(|| {
            f.src.error(col, format!("expected an amount in cents as a decimal string, found {}", f.src.shown(col)))
        })?;
        out.skip(COST_ROW);
        return Ok(cents);
    }
    let start = f.instant(c.start)?;
    let end = match c.end {
        Some(e) if !f.text(Some(e))?.is_empty() => f.instant(e)?.max(start),
        _ => start,
    };
    let workload = match (&opts.workload, c.workload) {
        (Some(w), _) => w.clone(),
        (None, Some(col)) if !f.text(Some(col))?.is_empty() => f.text(Some(col))?.to_string(),
        _ => "all".to_string(),
    };
    if no_tokens {
        out.skip("period without use (empty bucket)");
        out.rows.push((Usage { start, end, workload, ..Usage::default() }, place));
        return Ok(0.0);
    }
    let raw = f.text(c.model)?;
    if opts.model.is_none() && raw.is_empty() {
        return Err(f.src.error(
            c.model.unwrap_or(c.start),
            "a bucket with tokens has no model; call the usage report with group_by[]=model (or give a fixed model)"
                .into(),
        ));
    }
    let model = models.map(raw).map_err(|msg| f.src.error(c.model.unwrap_or(c.start), msg))?;
    let classes = Classes {
        input: f.count(c.uncached)?,
        cached: f.count(c.cached)?,
        cache_write: f.count(c.write_5m)?,
        cache_write_long: f.count(c.write_1h)?,
        output: f.count(c.output)?,
        batch: 0,
    };
    let batch = f.text(c.tier)?.eq_ignore_ascii_case("batch");
    let classes = Classes { batch: if batch { classes.total() } else { 0 }, ..classes };
    out.rows.push((Usage { start, end, workload, model, classes }, place));
    Ok(0.0)
}
