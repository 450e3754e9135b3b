//! `litellm`: the LiteLLM proxy's spend tables, exported from Postgres
//! (CSV, gzip CSV, Parquet) or fetched as JSON: `LiteLLM_SpendLogs`, one
//! row per request (`startTime`, `endTime`, `model`, `model_group`,
//! `custom_llm_provider`, `prompt_tokens`, `completion_tokens`, `status`,
//! `cache_hit`, `team_id`, `user`, ...), and the daily tables
//! `LiteLLM_Daily{User,Team,Organization,EndUser,Agent,Tag}Spend` (`date`,
//! `model`, `custom_llm_provider`, `prompt_tokens`, `completion_tokens`,
//! `cache_read_input_tokens`, `cache_creation_input_tokens`, ...), as
//! LiteLLM's `schema.prisma` defines them. LiteLLM writes usage in OpenAI's
//! convention: `prompt_tokens` *includes* cache reads and cache writes, so
//! uncached input is `prompt_tokens − cache_read_input_tokens −
//! cache_creation_input_tokens`. Per-request rows carry no cache split.

use super::{words, workload_field, workload_of, Fields, Models, Nested, Read, Usage};
use crate::error::Result;
use crate::ingest::source::Source;
use crate::ingest::timestamp::MS_PER_DAY;
use crate::ingest::{Classes, HistoryOptions};

struct Cols {
    /// `startTime` (spend logs) or `date` (daily tables).
    when: usize,
    daily: bool,
    model: Option<usize>,
    provider: Option<usize>,
    prompt: usize,
    completion: usize,
    cache_read: Option<usize>,
    cache_write: Option<usize>,
    status: Option<usize>,
    cache_hit: Option<usize>,
    workload: Option<Nested>,
}

/// Reads every row of `src`.
pub(super) fn read(src: &mut Source, opts: &HistoryOptions, models: &mut Models) -> Result<Read> {
    let f = Fields { src };
    let (when, daily) = match (f.col("startTime"), f.col("date")) {
        (Some(c), _) => (c, false),
        (None, Some(c)) => (c, true),
        _ => {
            return Err(crate::Error::invalid(
                src.path(),
                "startTime",
                format!(
                    "a LiteLLM export has `startTime` (LiteLLM_SpendLogs, one row per request) or `date` (the \
                     LiteLLM_Daily*Spend tables), with prompt_tokens and completion_tokens (found columns: {})",
                    src.headers().join(", ")
                ),
            ))
        }
    };
    let need = |name: &str| -> Result<usize> {
        f.col(name).ok_or_else(|| {
            crate::Error::invalid(
                f.src.path(),
                name,
                format!(
                    "missing column `{name}`; LiteLLM's spend tables have prompt_tokens and completion_tokens (found \
                     columns: {})",
                    f.src.headers().join(", ")
                ),
            )
        })
    };
    let model = match opts.columns.get("model") {
        Some(m) => Some(f.col(m).ok_or_else(|| {
            crate::Error::invalid(src.path(), "columns.model", format!("the file has no column `{m}`"))
        })?),
        None => f.col("model"),
    };
    let cols = Cols {
        when,
        daily,
        model,
        provider: f.col("custom_llm_provider"),
        prompt: need("prompt_tokens")?,
        completion: need("completion_tokens")?,
        cache_read: f.col("cache_read_input_tokens"),
        cache_write: f.col("cache_creation_input_tokens"),
        status: f.col("status"),
        cache_hit: f.col("cache_hit"),
        workload: workload_field(&f, opts)?,
    };
    let mut out = Read { requests: !daily, ..Read::default() };
    while src.next_record()? {
        let f = Fields { src };
        row(&f, &cols, opts, models, &mut out)?;
    }
    Ok(out)
}

/// The seller words of a LiteLLM provider name (`custom_llm_provider`, or
/// the `provider/` prefix of a model id).
fn seller_of(provider: &str) -> Vec<String> {
    let p = provider.to_ascii_lowercase();
    match p.as_str() {
        "" => Vec::new(),
        "bedrock" | "bedrock_converse" | "sagemaker" => vec!["aws".into(), "bedrock".into()],
        "azure" | "azure_ai" | "azure_text" => vec!["azure".into()],
        "vertex_ai" | "vertex_ai_beta" | "gemini" => vec!["google".into(), "vertex".into()],
        _ => words(&p),
    }
}

/// A LiteLLM model id without its routing: `bedrock/us.anthropic.claude-sonnet-5-5-20261002-v1:0`
/// is `anthropic.claude-sonnet-5-5-20261002` (with the provider `bedrock`).
fn bare_model(raw: &str) -> (&str, &str) {
    let (prefix, mut m) = raw.rsplit_once('/').unwrap_or(("", raw));
    for region in ["us.", "eu.", "apac.", "global.", "jp.", "au."] {
        if let Some(rest) = m.strip_prefix(region) {
            m = rest;
        }
    }
    if let Some((head, tail)) = m.rsplit_once("-v") {
        let version = tail.split(':').all(|p| !p.is_empty() && p.chars().all(|c| c.is_ascii_digit()));
        if version {
            m = head;
        }
    }
    (prefix.split('/').next().unwrap_or(""), m)
}

fn row(f: &Fields, c: &Cols, opts: &HistoryOptions, models: &mut Models, out: &mut Read) -> Result<()> {
    let place = f.src.quick_place();
    let status = f.text(c.status)?;
    if !status.is_empty() && !status.eq_ignore_ascii_case("success") {
        out.skip(&format!("status {status}"));
        return Ok(());
    }
    let start = if c.daily { super::day_ms(f, c.when)? } else { f.instant(c.when)? };
    let end = if c.daily { start + MS_PER_DAY } else { start };
    let workload = workload_of(f, opts, c.workload.as_ref())?;
    if matches!(f.text(c.cache_hit)?.to_ascii_lowercase().as_str(), "true" | "1") {
        out.skip("LiteLLM cache hit (answered by the proxy, not the vendor)");
        out.rows.push((Usage { start, end, workload, ..Usage::default() }, place));
        return Ok(());
    }
    let prompt = f.count(Some(c.prompt))?;
    let completion = f.count(Some(c.completion))?;
    let read = f.count(c.cache_read)?;
    let write = f.count(c.cache_write)?;
    if prompt + completion == 0 {
        out.skip("no tokens");
        out.rows.push((Usage { start, end, workload, ..Usage::default() }, place));
        return Ok(());
    }
    let Some(uncached) = prompt.checked_sub(read + write) else {
        return Err(f.src.error(
            c.cache_read.unwrap_or(c.prompt),
            format!(
                "cache_read_input_tokens {read} + cache_creation_input_tokens {write} is more than prompt_tokens \
                 {prompt}; expected the cache tokens to be part of prompt_tokens, as LiteLLM counts them"
            ),
        ));
    };
    let raw = f.text(c.model)?.trim();
    if raw.is_empty() && opts.model.is_none() {
        return Err(f.src.error(
            c.model.unwrap_or(c.prompt),
            "a row with tokens has no model; expected the model LiteLLM called (or --columns model=model_group, \
             or a fixed model)"
                .into(),
        ));
    }
    let (prefix, bare) = bare_model(raw);
    let provider = f.text(c.provider)?;
    let seller = seller_of(if provider.is_empty() { prefix } else { provider });
    let seller: Vec<&str> = seller.iter().map(String::as_str).collect();
    let model = models
        .map_sold(bare, &seller, &format!("LiteLLM model `{raw}`"))
        .map_err(|msg| f.src.error(c.model.unwrap_or(c.prompt), msg))?;
    let classes =
        Classes { input: uncached, cached: read, cache_write: write, output: completion, ..Classes::default() };
    out.rows.push((Usage { start, end, workload, model, classes }, place));
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn model_ids_lose_their_routing() {
        assert_eq!(bare_model("gpt-6.2-sol-2026-11-17"), ("", "gpt-6.2-sol-2026-11-17"));
        assert_eq!(bare_model("azure/gpt-4.1"), ("azure", "gpt-4.1"));
        assert_eq!(
            bare_model("bedrock/us.anthropic.claude-sonnet-5-5-20261002-v1:0"),
            ("bedrock", "anthropic.claude-sonnet-5-5-20261002")
        );
        assert_eq!(bare_model("nova-lite-v1"), ("", "nova-lite"));
        assert_eq!(seller_of("bedrock"), ["aws", "bedrock"]);
    }
}
