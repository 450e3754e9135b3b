//! `aws-cur`: AWS Cost and Usage Report 2.0 (Data Exports; Parquet or gzip
//! CSV). The fields read: `line_item_usage_start_date` and
//! `line_item_usage_end_date` (the period), `line_item_line_item_type`,
//! `line_item_product_code`, `line_item_usage_type`,
//! `line_item_usage_amount`, `pricing_unit`, and `product_name` inside the
//! `product` map (a map column in Parquet, JSON text in CUR 2.0's CSV, a
//! flattened `product_product_name` column in legacy CUR CSV). Bedrock's
//! usage types carry the model and the token class:
//! `USW2-Claude4.6Sonnet-input-tokens`, `...-cache-read-input-token-count`,
//! `USE1-NovaLite-output-tokens-batch`; Marketplace-billed models carry only
//! the class (`USW2-MP:USW2_InputTokenCount-Units`) and are named by
//! `product['product_name']` ("Claude Haiku 4.5 (Amazon Bedrock Edition)").
//! `line_item_usage_amount` counts units of `pricing_unit` (`1K tokens`,
//! `1M tokens`).

use super::azure::{unit_block, Class};
use super::{words, workload_field, workload_of, Fields, Models, Nested, Read, Usage};
use crate::error::Result;
use crate::ingest::source::Source;
use crate::ingest::{Classes, HistoryOptions};

/// A usage type, read.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct UsageType {
    /// The model part as written (`Claude4.6Sonnet`), empty for a
    /// Marketplace usage type.
    pub model: String,
    /// None when the usage type counts tokens but names no class.
    pub class: Option<Class>,
    pub batch: bool,
    /// Whether it counts tokens at all.
    pub tokens: bool,
}

/// A region code at the start of a usage type (`USE1`, `USW2`, `EU`, `APS3`).
fn is_region(s: &str) -> bool {
    (2..=6).contains(&s.len())
        && s.starts_with(|c: char| c.is_ascii_uppercase())
        && s.chars().all(|c| c.is_ascii_uppercase() || c.is_ascii_digit())
}

/// Reads a usage type.
pub(crate) fn parse_usage_type(ut: &str) -> UsageType {
    let mut body = ut.trim();
    if let Some((region, rest)) = body.split_once('-') {
        if is_region(region) {
            body = rest;
        }
    }
    if let Some(rest) = body.strip_prefix("MP:") {
        body = rest;
        if let Some((region, rest)) = body.split_once('_') {
            if is_region(region) {
                body = rest;
            }
        }
    }
    let chunks: Vec<&str> = body.split(['-', '_']).filter(|c| !c.is_empty()).collect();
    let class_word =
        |w: &str| matches!(w, "input" | "output" | "cache" | "token" | "tokens" | "prompt" | "response" | "completion");
    let first = chunks.iter().position(|c| words(c).iter().any(|w| class_word(w))).unwrap_or(chunks.len());
    let rest: Vec<String> = chunks[first..].iter().flat_map(|c| words(c)).collect();
    let has = |w: &str| rest.iter().any(|x| x == w);
    let class = if has("cache") && (has("read") || has("hit")) {
        Some(Class::Cached)
    } else if has("cache") && (has("write") || has("creation")) {
        Some(Class::CacheWrite)
    } else if has("output") || has("response") || has("completion") {
        Some(Class::Output)
    } else if has("input") || has("prompt") {
        Some(Class::Input)
    } else {
        None
    };
    UsageType { model: chunks[..first].join("-"), class, batch: has("batch"), tokens: has("token") || has("tokens") }
}

/// The line item types that are usage.
const USAGE_TYPES: [&str; 3] = ["Usage", "DiscountedUsage", "SavingsPlanCoveredUsage"];

struct Cols {
    start: usize,
    end: Option<usize>,
    item_type: Option<usize>,
    product_code: Option<usize>,
    usage_type: usize,
    amount: usize,
    unit: Option<usize>,
    product_name: Option<Nested>,
    workload: Option<Nested>,
}

/// Reads every row of `src`.
pub(super) fn read(src: &mut Source, opts: &HistoryOptions, models: &mut Models) -> Result<Read> {
    let f = Fields { src };
    let need = |name: &str, what: &str| -> Result<usize> {
        f.col(name).ok_or_else(|| {
            crate::Error::invalid(
                f.src.path(),
                name,
                format!(
                    "missing column `{name}` ({what}); a CUR 2.0 export has line_item_usage_start_date, \
                     line_item_usage_type, line_item_usage_amount and pricing_unit (found columns: {})",
                    f.src.headers().join(", ")
                ),
            )
        })
    };
    let cols = Cols {
        start: need("line_item_usage_start_date", "the start of the usage period")?,
        end: f.col("line_item_usage_end_date"),
        item_type: f.col("line_item_line_item_type"),
        product_code: f.col("line_item_product_code"),
        usage_type: need("line_item_usage_type", "the usage type, such as `USW2-Claude4.6Sonnet-input-tokens`")?,
        amount: need("line_item_usage_amount", "units of pricing_unit used")?,
        unit: f.col("pricing_unit"),
        product_name: f.nested("product.product_name"),
        workload: workload_field(&f, opts)?,
    };
    let mut out = Read::default();
    while src.next_record()? {
        let f = Fields { src };
        row(&f, &cols, opts, models, &mut out)?;
    }
    Ok(out)
}

fn row(f: &Fields, c: &Cols, opts: &HistoryOptions, models: &mut Models, out: &mut Read) -> Result<()> {
    let place = f.src.quick_place();
    let item = f.text(c.item_type)?;
    if !item.is_empty() && !USAGE_TYPES.iter().any(|t| t.eq_ignore_ascii_case(item)) {
        out.skip(&format!("line_item_type {item}"));
        return Ok(());
    }
    let ut_text = f.text(Some(c.usage_type))?.trim();
    let ut = parse_usage_type(ut_text);
    let start = f.instant(c.start)?;
    let end = match c.end {
        Some(e) if !f.text(Some(e))?.is_empty() => f.instant(e)?.max(start),
        _ => start,
    };
    let workload = workload_of(f, opts, c.workload.as_ref())?;
    if !ut.tokens {
        let code = f.text(c.product_code)?;
        out.skip(&format!("not token usage ({})", if code.is_empty() { "no product code" } else { code }));
        out.rows.push((Usage { start, end, workload, ..Usage::default() }, place));
        return Ok(());
    }
    let Some(class) = ut.class else {
        return Err(f.src.error(
            c.usage_type,
            format!(
                "unknown usage type {}: it counts tokens but names no token class; expected `input`, `output`, \
                 `cache-read` or `cache-write` in it (e.g. `USE1-NovaLite-input-tokens`, \
                 `USW2-Claude4.6Sonnet-cache-read-input-token-count`, `USW2-MP:USW2_InputTokenCount-Units`)",
                f.src.shown(c.usage_type)
            ),
        ));
    };
    let unit = f.text(c.unit)?.trim();
    let low = unit.to_ascii_lowercase();
    let block = if matches!(low.as_str(), "tokens" | "token") { Some(1.0) } else { unit_block(unit) };
    let Some(block) = block.filter(|_| !unit.is_empty()) else {
        return Err(f.src.error(
            c.unit.unwrap_or(c.usage_type),
            format!(
                "usage type {}: cannot tell how many tokens one unit is (pricing_unit {}); expected pricing_unit \
                 `1K tokens`, `1M tokens` or `tokens`",
                f.src.shown(c.usage_type),
                if unit.is_empty() { "empty or absent".to_string() } else { format!("`{unit}`") }
            ),
        ));
    };
    let amount = f.amount(Some(c.amount), "a usage amount")?;
    let tokens = (amount * block).round();
    if tokens >= 1.8e19 {
        return Err(f.src.error(c.amount, format!("{amount} units of {block} tokens is too many tokens")));
    }
    let tokens = tokens as u64;
    let (raw, what) = if ut.model.is_empty() {
        let name = f.nested_text(c.product_name.as_ref())?;
        let what = format!("the product_name of usage type `{ut_text}`");
        (name, what)
    } else {
        (ut.model.clone(), format!("the model of usage type `{ut_text}`"))
    };
    let model_col = match (&c.product_name, ut.model.is_empty()) {
        (Some(Nested::Column(col) | Nested::Key(col, _)), true) => *col,
        _ => c.usage_type,
    };
    if raw.is_empty() && opts.model.is_none() {
        return Err(f.src.error(
            model_col,
            format!(
                "usage type `{ut_text}` names no model and the row has no product_name; expected \
                 product['product_name'] (or a product_product_name column) such as \"Claude Haiku 4.5 (Amazon \
                 Bedrock Edition)\", or give a fixed model"
            ),
        ));
    }
    let model = models.map_sold(&raw, &["aws", "bedrock"], &what).map_err(|msg| f.src.error(model_col, msg))?;
    let mut classes = Classes::default();
    match class {
        Class::Input => classes.input = tokens,
        Class::Cached => classes.cached = tokens,
        Class::CacheWrite => classes.cache_write = tokens,
        Class::Output => classes.output = tokens,
    }
    if ut.batch {
        classes.batch = tokens;
    }
    out.rows.push((Usage { start, end, workload, model, classes }, place));
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn usage_types_give_model_and_class() {
        let u = parse_usage_type("USW2-Claude4.6Sonnet-input-tokens");
        assert_eq!(
            (u.model.as_str(), u.class, u.tokens, u.batch),
            ("Claude4.6Sonnet", Some(Class::Input), true, false)
        );
        let u = parse_usage_type("USW2-Claude4.6Sonnet-cache-read-input-token-count");
        assert_eq!(u.class, Some(Class::Cached));
        let u = parse_usage_type("USW2-Claude4.5Sonnet-cache-write-input-token-count");
        assert_eq!(u.class, Some(Class::CacheWrite));
        let u = parse_usage_type("USE1-NovaLite-output-tokens-batch");
        assert_eq!((u.model.as_str(), u.class, u.batch), ("NovaLite", Some(Class::Output), true));
        let u = parse_usage_type("USW2-MP:USW2_InputTokenCount-Units");
        assert_eq!((u.model.as_str(), u.class), ("", Some(Class::Input)));
        let u = parse_usage_type("USW2-MP:USW2_output_tokens_global_standard-Units");
        assert_eq!((u.model.as_str(), u.class), ("", Some(Class::Output)));
        let u = parse_usage_type("USW2-MP:USW2_CacheReadInputTokenCount_Global-Units");
        assert_eq!(u.class, Some(Class::Cached));
        let u = parse_usage_type("USW2-anthropic.claude-opus-4-8-mantle-cache-write-tokens-standard");
        assert_eq!((u.model.as_str(), u.class), ("anthropic.claude-opus-4-8-mantle", Some(Class::CacheWrite)));
        let u = parse_usage_type("USE1-BoxUsage:m5.large");
        assert!(!u.tokens);
        assert_eq!(parse_usage_type("USE1-NovaLite-tokens").class, None);
    }
}
