//! `azure-cost`: Azure Cost Management exports (datasets `ActualCost` and
//! `AmortizedCost`, CSV or Parquet), one row per meter and day. The fields
//! read: `Date` (`MM/DD/YYYY` or ISO 8601), `MeterName`, `Quantity`,
//! `UnitOfMeasure`, `ChargeType`, and a workload field when one is named.
//! Foundry Models (Azure OpenAI) meters encode the model, the token class
//! and sometimes the unit: `gpt-4o-0806-Inp-glbl Tokens`, `5.4 inp Gl 1M
//! Tokens`, `o4-mini 0416 Inp glbl Tokens`. `Quantity` counts units of
//! `UnitOfMeasure`, which is `1K` or `1M` even within one product: the
//! tokens are `Quantity × 1,000` or `Quantity × 1,000,000`. Field names and
//! meter spellings: see docs/history.md section 4b and
//! tests/fixtures/ATTRIBUTION.md.

use super::{day_ms, workload_field, workload_of, Fields, Models, Read, Usage};
use crate::error::Result;
use crate::ingest::source::Source;
use crate::ingest::timestamp::MS_PER_DAY;
use crate::ingest::{Classes, HistoryOptions};

/// The token class a meter names.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Class {
    Input,
    Cached,
    CacheWrite,
    Output,
}

/// A token meter's name, read.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Meter {
    /// The model part, words joined by `-` (`gpt-4o-0806`, `5.4`).
    pub model: String,
    pub class: Class,
    pub batch: bool,
    /// Tokens per unit when the name says (`1M Tokens`).
    pub block: Option<f64>,
}

/// What a token meter's words must hold.
pub(crate) const METER_FORMS: &str = "the model, then its token class (`inp`/`input` for input, `opt`/`out`/`output` \
     for output, `cached`/`cchd`/`cd` for cached input, `cd wr`/`cache write` for cache writes), then the deployment, \
     ending in `Tokens` (e.g. `gpt-4o-0806-Inp-glbl Tokens`, `5.4 inp Gl 1M Tokens`)";

/// Whether a meter counts tokens: its name ends in `Tokens`, or its unit
/// says tokens.
pub(crate) fn is_token_meter(name: &str, unit: &str) -> bool {
    let last = name.split([' ', '-', '_']).rfind(|w| !w.is_empty()).unwrap_or("");
    last.eq_ignore_ascii_case("tokens")
        || last.eq_ignore_ascii_case("token")
        || unit.to_ascii_lowercase().contains("token")
}

/// Reads a token meter's name; the error says what could not be read.
pub(crate) fn parse_meter(name: &str) -> std::result::Result<Meter, String> {
    let raw: Vec<&str> = name.split([' ', '-', '_']).filter(|w| !w.is_empty()).collect();
    let low: Vec<String> = raw.iter().map(|w| w.to_ascii_lowercase()).collect();
    let mut block = None;
    for w in &low {
        if let Some(b) = unit_block(w) {
            if w.ends_with('k') || w.ends_with('m') {
                block = Some(b);
            }
        }
    }
    let batch = low.iter().any(|w| w == "batch");
    let class_at = |i: usize| -> Option<Class> {
        let next = low.get(i + 1).map(String::as_str);
        match low[i].as_str() {
            "cached" | "cchd" | "cd" | "cache" => Some(match next {
                Some("wr" | "write" | "writes" | "wrt") => Class::CacheWrite,
                _ => Class::Cached,
            }),
            "inp" | "input" | "in" | "prompt" => Some(Class::Input),
            "opt" | "out" | "outp" | "output" | "completion" => Some(Class::Output),
            _ => None,
        }
    };
    let found = (1..low.len()).find_map(|i| class_at(i).map(|c| (i, c)));
    let Some((at, class)) = found else {
        return Err(if low.first().and_then(|_| class_at(0)).is_some() {
            "its name starts with the token class, without the model".to_string()
        } else {
            "its token class cannot be read".to_string()
        });
    };
    let model: Vec<&str> = raw[..at].iter().zip(&low).filter(|(_, l)| *l != "batch").map(|(w, _)| *w).collect();
    if model.is_empty() {
        return Err("its name starts with the token class, without the model".to_string());
    }
    Ok(Meter { model: model.join("-"), class, batch, block })
}

/// Tokens per unit of a unit of measure (`1K`, `1M`, `1K Tokens`, `1`,
/// `1000`); None for any other unit (`1 Hour`, `1/Hour`).
pub(crate) fn unit_block(unit: &str) -> Option<f64> {
    let mut t = unit.trim().to_ascii_lowercase();
    for w in [" tokens", " token", "tokens", "token"] {
        if let Some(s) = t.strip_suffix(w) {
            t = s.trim().to_string();
            break;
        }
    }
    let (num, scale) = match t.char_indices().last() {
        Some((i, 'k')) => (&t[..i], 1e3),
        Some((i, 'm')) => (&t[..i], 1e6),
        _ => (t.as_str(), 1.0),
    };
    let n: f64 = num.trim().parse().ok().filter(|v: &f64| *v > 0.0 && v.is_finite())?;
    Some(n * scale)
}

struct Cols {
    date: usize,
    meter: usize,
    quantity: usize,
    unit: Option<usize>,
    charge: Option<usize>,
    workload: Option<super::Nested>,
}

/// Reads every row of `src`.
pub(super) fn read(src: &mut Source, opts: &HistoryOptions, models: &mut Models) -> Result<Read> {
    let f = Fields { src };
    let need = |names: &[&str], what: &str| -> Result<usize> {
        names.iter().find_map(|n| f.col(n)).ok_or_else(|| {
            crate::Error::invalid(
                f.src.path(),
                names[0],
                format!(
                    "missing column `{}` ({what}); an Azure cost export (ActualCost or AmortizedCost) has Date, \
                     MeterName, Quantity and UnitOfMeasure (found columns: {})",
                    names[0],
                    f.src.headers().join(", ")
                ),
            )
        })
    };
    let cols = Cols {
        date: need(&["Date", "UsageDate"], "the day of the usage")?,
        meter: need(&["MeterName"], "the meter, such as `gpt-4o-0806-Inp-glbl Tokens`")?,
        quantity: need(&["Quantity"], "units of UnitOfMeasure used")?,
        unit: f.col("UnitOfMeasure"),
        charge: f.col("ChargeType"),
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
    let charge = f.text(c.charge)?;
    if !charge.is_empty() && !charge.eq_ignore_ascii_case("usage") {
        out.skip(&format!("ChargeType {charge}"));
        return Ok(());
    }
    let name = f.text(Some(c.meter))?.trim();
    let unit = f.text(c.unit)?.trim();
    let start = day_ms(f, c.date)?;
    let workload = workload_of(f, opts, c.workload.as_ref())?;
    if !is_token_meter(name, unit) {
        out.skip(&format!("not a token meter (unit {})", if unit.is_empty() { "none" } else { unit }));
        // The day was observed: it widens the observation window.
        out.rows.push((Usage { start, end: start + MS_PER_DAY, workload, ..Usage::default() }, place));
        return Ok(());
    }
    let meter = parse_meter(name).map_err(|why| {
        f.src.error(c.meter, format!("unknown meter {}: {why}; expected {METER_FORMS}", f.src.shown(c.meter)))
    })?;
    let from_unit = if unit.is_empty() { None } else { unit_block(unit) };
    let block = match (from_unit, meter.block) {
        (Some(u), Some(n)) if u != n => {
            return Err(f.src.error(
                c.unit.unwrap_or(c.meter),
                format!(
                    "meter {} names a unit of {n} tokens but UnitOfMeasure `{unit}` is {u}; expected the two to agree",
                    f.src.shown(c.meter)
                ),
            ))
        }
        (Some(u), _) => u,
        (None, Some(n)) if unit.is_empty() => n,
        _ => {
            return Err(f.src.error(
                c.unit.unwrap_or(c.meter),
                format!(
                    "unknown meter {}: cannot tell how many tokens one unit is (UnitOfMeasure {}); expected \
                     UnitOfMeasure `1K` or `1M` (or `1K Tokens`, `1M Tokens`), or the unit in the meter name \
                     (`... 1M Tokens`)",
                    f.src.shown(c.meter),
                    if unit.is_empty() { "empty".to_string() } else { format!("`{unit}`") }
                ),
            ))
        }
    };
    let q = f.amount(Some(c.quantity), "a quantity of units")?;
    let tokens = (q * block).round();
    if tokens >= 1.8e19 {
        return Err(f.src.error(c.quantity, format!("{q} units of {block} tokens is too many tokens")));
    }
    let tokens = tokens as u64;
    // GPT-5 meters name the model by its number alone (`5.4 inp Gl 1M Tokens`).
    let id = if meter.model.starts_with(|c: char| c.is_ascii_digit()) {
        format!("gpt-{}", meter.model)
    } else {
        meter.model.clone()
    };
    let model = models
        .map_sold(&id, &["azure"], &format!("the model of meter `{name}`"))
        .map_err(|msg| f.src.error(c.meter, msg))?;
    let mut classes = Classes::default();
    match meter.class {
        Class::Input => classes.input = tokens,
        Class::Cached => classes.cached = tokens,
        Class::CacheWrite => classes.cache_write = tokens,
        Class::Output => classes.output = tokens,
    }
    if meter.batch {
        classes.batch = tokens;
    }
    out.rows.push((Usage { start, end: start + MS_PER_DAY, workload, model, classes }, place));
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn meters_give_model_class_and_unit() {
        let m = parse_meter("gpt-4o-0806-Inp-glbl Tokens").unwrap();
        assert_eq!((m.model.as_str(), m.class, m.block, m.batch), ("gpt-4o-0806", Class::Input, None, false));
        let m = parse_meter("5.4 inp Gl 1M Tokens").unwrap();
        assert_eq!((m.model.as_str(), m.class, m.block), ("5.4", Class::Input, Some(1e6)));
        let m = parse_meter("o4-mini 0416 Opt glbl Tokens").unwrap();
        assert_eq!((m.model.as_str(), m.class), ("o4-mini-0416", Class::Output));
        assert_eq!(parse_meter("gpt-4.1 cd Inp glbl Tokens").unwrap().class, Class::Cached);
        assert_eq!(parse_meter("gpt-4.1 Cd Wr glbl 1M Tokens").unwrap().class, Class::CacheWrite);
        assert!(parse_meter("gpt-4.1-Batch-Inp-glbl Tokens").unwrap().batch);
        assert!(parse_meter("gpt-4.1 glbl Tokens").is_err());
        assert!(parse_meter("Inp glbl Tokens").is_err());
        assert!(is_token_meter("5.4 inp Gl 1M Tokens", "1M"));
        assert!(!is_token_meter("Provisioned Managed Global Unit", "1/Hour"));
    }

    #[test]
    fn units_of_measure() {
        assert_eq!(unit_block("1K"), Some(1e3));
        assert_eq!(unit_block("1M"), Some(1e6));
        assert_eq!(unit_block("1M Tokens"), Some(1e6));
        assert_eq!(unit_block("10K"), Some(1e4));
        assert_eq!(unit_block("1"), Some(1.0));
        assert_eq!(unit_block("1/Hour"), None);
        assert_eq!(unit_block("1 Hour"), None);
    }
}
