//! The price catalog (SPEC 3.2): list prices per model, their sources, and
//! announced price schedules.

use std::path::{Path, PathBuf};

use serde::Deserialize;

use super::doc;
use super::month::Month;
use crate::error::{Error, Result};

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct CatalogFile {
    meta: MetaSec,
    #[serde(default)]
    model: Vec<ModelSec>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct MetaSec {
    as_of: String,
    #[serde(default = "usd")]
    currency: String,
    #[serde(default)]
    note: Option<String>,
}

fn usd() -> String {
    "USD".into()
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ModelSec {
    id: String,
    provider: String,
    input_per_mtok: f64,
    output_per_mtok: f64,
    cached_input_per_mtok: Option<f64>,
    cache_write_per_mtok: Option<f64>,
    cache_write_long_per_mtok: Option<f64>,
    long_context: Option<LongContextSec>,
    priority_multiplier: Option<f64>,
    flex_multiplier: Option<f64>,
    regional_multiplier: Option<f64>,
    batch_multiplier: Option<f64>,
    retires: Option<String>,
    successor: Option<String>,
    successor_token_ratio: Option<f64>,
    #[serde(default)]
    aliases: Vec<String>,
    source: Option<String>,
    read: Option<String>,
    note: Option<String>,
    #[serde(default)]
    schedule: Vec<ScheduleSec>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ScheduleSec {
    from: String,
    input_per_mtok: Option<f64>,
    output_per_mtok: Option<f64>,
    cached_input_per_mtok: Option<f64>,
    cache_write_per_mtok: Option<f64>,
    cache_write_long_per_mtok: Option<f64>,
    long_context: Option<LongContextSec>,
    priority_multiplier: Option<f64>,
    flex_multiplier: Option<f64>,
    regional_multiplier: Option<f64>,
    source: Option<String>,
    read: Option<String>,
    note: Option<String>,
}

/// `long_context = { above = .., input = .., ... }`.
#[derive(Deserialize, Clone, Copy)]
#[serde(deny_unknown_fields)]
struct LongContextSec {
    above: f64,
    input: Option<f64>,
    cached: Option<f64>,
    cache_write: Option<f64>,
    cache_write_long: Option<f64>,
    output: Option<f64>,
}

/// Per-1M-token list prices of one model at one time, by token class.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Prices {
    /// $ per 1M uncached input tokens.
    pub input: f64,
    /// $ per 1M output tokens.
    pub output: f64,
    /// $ per 1M cached input tokens.
    pub cached: f64,
    /// $ per 1M short-lived cache-write tokens.
    pub cache_write: f64,
    /// $ per 1M long-lived cache-write tokens.
    pub cache_write_long: f64,
}

impl Prices {
    /// The prices in class order: input, output, cached, cache write, long cache write.
    pub fn classes(&self) -> [f64; 5] {
        [self.input, self.output, self.cached, self.cache_write, self.cache_write_long]
    }
}

/// Multipliers of requests above a long-context threshold (SPEC 6.1).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct LongContext {
    /// Input tokens per request above which the multipliers apply.
    pub above: f64,
    /// Multiplier per class, in class order (1 for a class not named).
    pub factor: [f64; 5],
}

/// The price modifiers of one model at one time (SPEC 6.1).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Modifiers {
    /// Price factor of batch traffic.
    pub batch: f64,
    /// Price factor of priority-tier traffic.
    pub priority: f64,
    /// Price factor of flex-tier traffic.
    pub flex: f64,
    /// Price factor of regional (data-residency) deployments.
    pub regional: f64,
    /// Long-context multipliers, when the model has them.
    pub long_context: Option<LongContext>,
}

/// One announced change of a model's prices or modifiers; `None` keeps what was in force.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Change {
    /// New prices by class, in class order.
    pub prices: [Option<f64>; 5],
    /// New priority multiplier.
    pub priority: Option<f64>,
    /// New flex multiplier.
    pub flex: Option<f64>,
    /// New regional multiplier.
    pub regional: Option<f64>,
    /// New long-context multipliers.
    pub long_context: Option<LongContext>,
}

/// One model of the catalog.
#[derive(Debug, Clone)]
pub struct Model {
    /// Model id, as scenarios name it.
    pub id: String,
    /// Provider (vendor) id.
    pub provider: String,
    /// Prices before any schedule entry.
    pub base: Prices,
    /// Price factor for batch traffic.
    pub batch_multiplier: f64,
    /// Modifiers before any schedule entry (`flex` already defaulted).
    pub modifiers: Modifiers,
    /// Other names (SKU or meter names in billing exports) that mean this model.
    pub aliases: Vec<String>,
    /// Where the price was published.
    pub source: Option<String>,
    /// When the source was read.
    pub read: Option<String>,
    /// Announced changes, sorted by month.
    pub schedule: Vec<(Month, Change)>,
    /// The catalog states no cached-input price, so it is the input price
    /// and follows the input price through the schedule until an entry
    /// names a cached price of its own.
    pub cached_is_input: bool,
    /// Likewise for the short-lived cache-write price (SPEC 6.10).
    pub cache_write_is_input: bool,
    /// The long-lived cache-write price follows the short-lived one until named.
    pub cache_write_long_is_short: bool,
    /// When the model retires, and what takes its traffic (SPEC 6.1).
    pub retirement: Option<Retirement>,
}

/// A model's retirement: from the month after `last`, its traffic runs on
/// `successor`, `ratio` tokens for each of its own.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Retirement {
    /// The last month the model can be called.
    pub last: Month,
    /// Catalog index of the model that takes its traffic.
    pub successor: usize,
    /// Tokens on the successor per token of the retired model.
    pub ratio: f64,
}

impl Model {
    /// The list prices in force in `month`: the base prices updated by every
    /// schedule entry whose `from` is not after `month`, in order.
    /// A default price follows the price it defaults to (SPEC 6.9, 6.10).
    pub fn prices_at(&self, month: Month) -> Prices {
        let mut p = self.base;
        let (mut cached_is_input, mut write_is_input, mut long_is_short) =
            (self.cached_is_input, self.cache_write_is_input, self.cache_write_long_is_short);
        for (from, change) in &self.schedule {
            if *from > month {
                break;
            }
            let c = &change.prices;
            p.input = c[0].unwrap_or(p.input);
            p.output = c[1].unwrap_or(p.output);
            cached_is_input &= c[2].is_none();
            p.cached = if cached_is_input { p.input } else { c[2].unwrap_or(p.cached) };
            write_is_input &= c[3].is_none();
            p.cache_write = if write_is_input { p.input } else { c[3].unwrap_or(p.cache_write) };
            long_is_short &= c[4].is_none();
            p.cache_write_long = if long_is_short { p.cache_write } else { c[4].unwrap_or(p.cache_write_long) };
        }
        p
    }

    /// The price modifiers in force in `month`.
    pub fn modifiers_at(&self, month: Month) -> Modifiers {
        let mut m = self.modifiers;
        for (from, change) in &self.schedule {
            if *from > month {
                break;
            }
            m.priority = change.priority.unwrap_or(m.priority);
            m.flex = change.flex.unwrap_or(m.flex);
            m.regional = change.regional.unwrap_or(m.regional);
            m.long_context = change.long_context.or(m.long_context);
        }
        m
    }

    /// List cost in `month` of the token `counts` (per class, in class order:
    /// tokens or shares of a token) of traffic with batch share `batch` and
    /// `traffic`, in dollars (SPEC 6.1):
    /// `sum_k n_k p_k ((1 - L) + L lc_k) / 1e6 * ((1 - b - p - f) + b batch + p priority + f flex) * region`.
    /// With release-1 traffic (no cache writes, long context, priority,
    /// flex or region) it is release 1's `(n_in p_in + n_out p_out + n_c
    /// p_c) / 1e6 * ((1 - b) + b batch)` to the last bit: every added term
    /// pair is an exact 0 added last, every added factor an exact 1.
    pub fn list_cost(&self, month: Month, counts: [f64; 5], batch: f64, traffic: &crate::spec::values::Traffic) -> f64 {
        let (p, m) = (self.prices_at(month).classes(), self.modifiers_at(month));
        let l = traffic.long_context;
        let lc = |k: usize| m.long_context.map_or(1.0, |x| (1.0 - l) + l * x.factor[k]);
        let sum = (counts[0] * p[0] * lc(0) + counts[1] * p[1] * lc(1) + counts[2] * p[2] * lc(2))
            + (counts[3] * p[3] * lc(3) + counts[4] * p[4] * lc(4));
        let (pr, fl) = (traffic.priority, traffic.flex);
        let tier = (1.0 - batch - pr - fl) + batch * m.batch + pr * m.priority + fl * m.flex;
        let region = if traffic.regional { m.regional } else { 1.0 };
        sum / 1e6 * tier * region
    }
}

/// A loaded, validated price catalog.
#[derive(Debug, Clone)]
pub struct Catalog {
    /// The file it came from.
    pub file: PathBuf,
    /// When the prices were read.
    pub as_of: String,
    /// Currency of every price.
    pub currency: String,
    /// The models, in file order.
    pub models: Vec<Model>,
}

/// Whether `s` has the shape of an ISO 4217 code: three capital letters
/// (`USD`, `EUR`, `CHF`). The list itself is not checked: a new code needs
/// no new release.
fn is_currency_code(s: &str) -> bool {
    s.len() == 3 && s.bytes().all(|b| b.is_ascii_uppercase())
}

impl Catalog {
    /// Loads and validates a catalog file.
    pub fn load(path: &Path) -> Result<Catalog> {
        let text = doc::read_text(path, "a price catalog (TOML)")?;
        let raw: CatalogFile =
            doc::parse(path, &text).map_err(|e| super::kind::or_wrong_kind(e, path, super::kind::FileKind::Catalog))?;
        Catalog::from_raw(path, raw).map_err(|e| doc::with_line(e, &text))
    }

    fn from_raw(path: &Path, raw: CatalogFile) -> Result<Catalog> {
        let bad = |key: String, msg: String| Error::invalid(path, key, msg);
        let _ = raw.meta.note;
        if raw.model.is_empty() {
            return Err(bad("model".into(), "the catalog lists no models; add [[model]] entries".into()));
        }
        let mut models: Vec<Model> = Vec::with_capacity(raw.model.len());
        let mut retiring = Vec::new();
        for (i, m) in raw.model.into_iter().enumerate() {
            let key = |k: &str| format!("model[{i}].{k}");
            if models.iter().any(|o| o.id == m.id) {
                return Err(bad(key("id"), format!("model id `{}` appears twice", m.id)));
            }
            for (k, v) in [("id", &m.id), ("provider", &m.provider)] {
                if v.trim().is_empty() {
                    return Err(bad(key(k), format!("expected a non-empty {k}")));
                }
            }
            let cached = m.cached_input_per_mtok.unwrap_or(m.input_per_mtok);
            for (k, v) in [
                ("input_per_mtok", m.input_per_mtok),
                ("output_per_mtok", m.output_per_mtok),
                ("cached_input_per_mtok", cached),
            ] {
                check_price(v).map_err(|msg| bad(key(k), msg))?;
            }
            let write = m.cache_write_per_mtok.unwrap_or(m.input_per_mtok);
            let write_long = m.cache_write_long_per_mtok.unwrap_or(write);
            for (k, v) in [("cache_write_per_mtok", write), ("cache_write_long_per_mtok", write_long)] {
                check_price(v).map_err(|msg| bad(key(k), msg))?;
            }
            let batch = m.batch_multiplier.unwrap_or(0.5);
            if !(batch.is_finite() && batch > 0.0 && batch <= 1.0) {
                return Err(bad(key("batch_multiplier"), format!("expected a factor in (0, 1], found {batch}")));
            }
            let base_change = Change {
                prices: [None; 5],
                priority: m.priority_multiplier,
                flex: m.flex_multiplier,
                regional: m.regional_multiplier,
                long_context: None,
            };
            let long_context = m.long_context.map(|lc| check_long_context(&lc)).transpose().map_err(|(k, msg)| {
                bad(
                    format!("model[{i}].long_context{}", if k.is_empty() { String::new() } else { format!(".{k}") }),
                    msg,
                )
            })?;
            check_modifiers(&base_change).map_err(|(k, msg)| bad(key(k), msg))?;
            let modifiers = Modifiers {
                batch,
                priority: m.priority_multiplier.unwrap_or(1.0),
                flex: m.flex_multiplier.unwrap_or(batch),
                regional: m.regional_multiplier.unwrap_or(1.0),
                long_context,
            };
            let mut schedule = Vec::new();
            for (j, s) in m.schedule.into_iter().enumerate() {
                let skey = |k: &str| format!("model[{i}].schedule[{j}].{k}");
                let from = Month::parse(&s.from)
                    .ok_or_else(|| bad(skey("from"), format!("expected a month as YYYY-MM, found `{}`", s.from)))?;
                let prices = [
                    s.input_per_mtok,
                    s.output_per_mtok,
                    s.cached_input_per_mtok,
                    s.cache_write_per_mtok,
                    s.cache_write_long_per_mtok,
                ];
                for (k, v) in PRICE_KEYS.iter().zip(prices) {
                    if let Some(v) = v {
                        check_price(v).map_err(|msg| bad(skey(k), msg))?;
                    }
                }
                let long_context =
                    s.long_context.map(|lc| check_long_context(&lc)).transpose().map_err(|(k, msg)| {
                        let sub = if k.is_empty() { String::new() } else { format!(".{k}") };
                        bad(format!("model[{i}].schedule[{j}].long_context{sub}"), msg)
                    })?;
                let change = Change {
                    prices,
                    priority: s.priority_multiplier,
                    flex: s.flex_multiplier,
                    regional: s.regional_multiplier,
                    long_context,
                };
                check_modifiers(&change).map_err(|(k, msg)| bad(skey(k), msg))?;
                let _ = (s.source, s.read, s.note);
                if schedule.iter().any(|(f, _)| *f == from) {
                    let msg = format!("another schedule entry of this model already starts at {from}; merge the two");
                    return Err(bad(skey("from"), msg));
                }
                schedule.push((from, change));
            }
            schedule.sort_by_key(|(from, _)| *from);
            let _ = m.note;
            models.push(Model {
                id: m.id,
                provider: m.provider,
                base: Prices {
                    input: m.input_per_mtok,
                    output: m.output_per_mtok,
                    cached,
                    cache_write: write,
                    cache_write_long: write_long,
                },
                batch_multiplier: batch,
                modifiers,
                aliases: m.aliases,
                source: m.source,
                read: m.read,
                schedule,
                cached_is_input: m.cached_input_per_mtok.is_none(),
                cache_write_is_input: m.cache_write_per_mtok.is_none(),
                cache_write_long_is_short: m.cache_write_long_per_mtok.is_none(),
                retirement: None,
            });
            retiring.push((i, m.retires, m.successor, m.successor_token_ratio));
        }
        check_aliases(&models).map_err(|(key, msg)| bad(key, msg))?;
        for (i, retires, successor, ratio) in retiring {
            models[i].retirement = retirement(&models, i, retires, successor, ratio)
                .map_err(|(k, msg)| bad(format!("model[{i}].{k}"), msg))?;
        }
        check_retirement_cycles(&models).map_err(|(key, msg)| bad(key, msg))?;
        if !is_date(&raw.meta.as_of) {
            let msg = format!("expected the date the prices were read, as YYYY-MM-DD, found `{}`", raw.meta.as_of);
            return Err(bad("meta.as_of".into(), msg));
        }
        if !is_currency_code(&raw.meta.currency) {
            let msg = format!(
                "expected an ISO 4217 currency code, three capital letters such as USD, EUR or GBP, found `{}`",
                raw.meta.currency
            );
            return Err(bad("meta.currency".into(), msg));
        }
        Ok(Catalog { file: path.to_path_buf(), as_of: raw.meta.as_of, currency: raw.meta.currency, models })
    }

    /// The index of model `id`, or an error naming the closest id.
    pub fn find(&self, id: &str) -> std::result::Result<usize, String> {
        self.models.iter().position(|m| m.id == id).ok_or_else(|| {
            let hint = crate::error::closest(id, self.models.iter().map(|m| m.id.as_str()))
                .map(|c| format!("; did you mean `{c}`?"))
                .unwrap_or_default();
            format!("unknown model `{id}` (not in catalog {}){hint}", self.file.display())
        })
    }

    /// Whether any model has provider `p`.
    pub fn has_provider(&self, p: &str) -> bool {
        self.models.iter().any(|m| m.provider == p)
    }
}

/// Largest accepted `successor_token_ratio`.
const MAX_TOKEN_RATIO: f64 = 10.0;

/// Model `i`'s retirement keys, checked: `successor` is required with
/// `retires` (and means nothing without it), names another model of the
/// catalog, and `successor_token_ratio` is a positive ratio.
fn retirement(
    models: &[Model],
    i: usize,
    retires: Option<String>,
    successor: Option<String>,
    ratio: Option<f64>,
) -> std::result::Result<Option<Retirement>, (&'static str, String)> {
    let Some(last) = retires else {
        return match (successor, ratio) {
            (None, None) => Ok(None),
            (Some(_), _) => {
                Err(("successor", "a successor needs `retires`, the last month the model can be called".into()))
            }
            (None, Some(_)) => {
                Err(("successor_token_ratio", "successor_token_ratio needs `retires` and `successor`".into()))
            }
        };
    };
    let last = Month::parse(&last).ok_or_else(|| {
        ("retires", format!("expected the last month the model can be called, as YYYY-MM, found `{last}`"))
    })?;
    let Some(name) = successor else {
        return Err((
            "successor",
            "a retiring model needs `successor`: the catalog model that takes its traffic".into(),
        ));
    };
    let successor = models.iter().position(|m| m.id == name).ok_or_else(|| {
        let hint = crate::error::closest(&name, models.iter().map(|m| m.id.as_str()))
            .map(|c| format!("; did you mean `{c}`?"))
            .unwrap_or_default();
        ("successor", format!("unknown model `{name}`: a successor must be a model of this catalog{hint}"))
    })?;
    if successor == i {
        return Err(("successor", format!("model `{name}` cannot succeed itself")));
    }
    let ratio = ratio.unwrap_or(1.0);
    if !(ratio.is_finite() && ratio > 0.0 && ratio <= MAX_TOKEN_RATIO) {
        return Err((
            "successor_token_ratio",
            format!(
                "expected tokens on the successor per token of this model, in (0, {MAX_TOKEN_RATIO}], found {ratio}"
            ),
        ));
    }
    Ok(Some(Retirement { last, successor, ratio }))
}

/// Successors that retire pass their traffic on; a chain that comes back
/// to a model is an error naming the cycle.
fn check_retirement_cycles(models: &[Model]) -> std::result::Result<(), (String, String)> {
    for (i, m) in models.iter().enumerate() {
        let mut at = i;
        let mut chain = vec![m.id.as_str()];
        while let Some(r) = models[at].retirement {
            at = r.successor;
            chain.push(models[at].id.as_str());
            if at == i {
                return Err((
                    format!("model[{i}].successor"),
                    format!("the successors form a cycle ({}): one of them must not retire", chain.join(" → ")),
                ));
            }
            if chain.len() > models.len() {
                break; // a cycle further down, reported at its own model
            }
        }
    }
    Ok(())
}

/// The catalog's price keys, in class order.
const PRICE_KEYS: [&str; 5] =
    ["input_per_mtok", "output_per_mtok", "cached_input_per_mtok", "cache_write_per_mtok", "cache_write_long_per_mtok"];

/// Largest accepted price multiplier (priority, regional, long context).
const MAX_MULTIPLIER: f64 = 10.0;

/// A multiplier is a positive factor of plausible size.
fn check_factor(v: f64) -> std::result::Result<(), String> {
    if v.is_finite() && v > 0.0 && v <= MAX_MULTIPLIER {
        Ok(())
    } else {
        Err(format!("expected a price factor in (0, {MAX_MULTIPLIER}], found {v}"))
    }
}

/// The multipliers a model or schedule entry names.
fn check_modifiers(c: &Change) -> std::result::Result<(), (&'static str, String)> {
    for (k, v) in
        [("priority_multiplier", c.priority), ("flex_multiplier", c.flex), ("regional_multiplier", c.regional)]
    {
        if let Some(v) = v {
            check_factor(v).map_err(|m| (k, m))?;
        }
    }
    Ok(())
}

/// A long-context table: a threshold in input tokens per request and a
/// factor per class (1 for a class not named).
fn check_long_context(lc: &LongContextSec) -> std::result::Result<LongContext, (&'static str, String)> {
    if !(lc.above.is_finite() && lc.above > 0.0) {
        return Err((
            "above",
            format!("expected the input tokens per request above which the multipliers apply, > 0, found {}", lc.above),
        ));
    }
    let mut factor = [1.0; 5];
    for (k, (name, v)) in [
        ("input", lc.input),
        ("output", lc.output),
        ("cached", lc.cached),
        ("cache_write", lc.cache_write),
        ("cache_write_long", lc.cache_write_long),
    ]
    .into_iter()
    .enumerate()
    {
        if let Some(v) = v {
            check_factor(v).map_err(|m| (name, m))?;
            factor[k] = v;
        }
    }
    Ok(LongContext { above: lc.above, factor })
}

fn check_price(v: f64) -> std::result::Result<(), String> {
    if v.is_finite() && v >= 0.0 {
        Ok(())
    } else {
        Err(format!("expected a price >= 0 in $ per 1M tokens, found {v}"))
    }
}

/// An alias names one model only: it may not be another model's id or
/// another model's alias, or a usage row could be billed on either.
fn check_aliases(models: &[Model]) -> std::result::Result<(), (String, String)> {
    for (i, m) in models.iter().enumerate() {
        for (j, a) in m.aliases.iter().enumerate() {
            // Another model's id, or an alias of an earlier model (so the
            // second use is the one reported).
            let clash =
                models.iter().enumerate().find(|(k, o)| *k != i && (o.id == *a || (*k < i && o.aliases.contains(a))));
            if let Some((_, o)) = clash {
                let msg = if o.id == *a {
                    format!("alias `{a}` is the id of model `{}`; an alias must name one model only", o.id)
                } else {
                    format!("alias `{a}` is also an alias of model `{}`; an alias must name one model only", o.id)
                };
                return Err((format!("model[{i}].aliases[{j}]"), msg));
            }
        }
    }
    Ok(())
}

/// Whether `s` is a calendar date written YYYY-MM-DD.
fn is_date(s: &str) -> bool {
    let b = s.as_bytes();
    if b.len() != 10 || b[4] != b'-' || b[7] != b'-' {
        return false;
    }
    if !b.iter().enumerate().all(|(i, c)| if i == 4 || i == 7 { *c == b'-' } else { c.is_ascii_digit() }) {
        return false;
    }
    let num = |r: std::ops::Range<usize>| s[r].parse::<u32>().ok();
    match (num(0..4), num(5..7), num(8..10)) {
        (Some(y), Some(m), Some(d)) => {
            let days = match m {
                2 if y % 4 == 0 && (y % 100 != 0 || y % 400 == 0) => 29,
                2 => 28,
                4 | 6 | 9 | 11 => 30,
                1..=12 => 31,
                _ => return false,
            };
            (1..=days).contains(&d)
        }
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const SRC: &str = r#"
[meta]
as_of = "2026-11-01"
[[model]]
id = "m"
provider = "p"
input_per_mtok = 2.0
output_per_mtok = 8.0
[[model.schedule]]
from = "2027-06"
output_per_mtok = 6.0
[[model.schedule]]
from = "2027-03"
input_per_mtok = 1.5
"#;

    #[test]
    fn the_currency_must_be_a_three_letter_code() {
        for ok in ["USD", "EUR", "CHF", "JPY"] {
            assert!(is_currency_code(ok), "{ok}");
        }
        for (bad, toml) in [
            ("usd", "'usd'"),
            ("US", "'US'"),
            ("USDT", "'USDT'"),
            ("U$D", "'U$D'"),
            ("", "''"),
            ("![x](http://t/p.png)", "'![x](http://t/p.png)'"),
            ("ÉUR", "'ÉUR'"),
            ("US\u{1b}", "\"US\\u001B\""),
        ] {
            assert!(!is_currency_code(bad), "{bad}");
            let src = SRC.replace("[meta]\n", &format!("[meta]\ncurrency = {toml}\n"));
            let raw: CatalogFile = toml::from_str(&src).unwrap();
            let e = Catalog::from_raw(Path::new("c.toml"), raw).unwrap_err();
            assert!(e.to_string().contains("meta.currency") && e.to_string().contains("ISO 4217"), "{e}");
            assert_eq!(e.exit_code(), 2);
        }
    }

    /// Prices without cache-write prices of their own: they follow input.
    fn prices(input: f64, output: f64, cached: f64) -> Prices {
        Prices { input, output, cached, cache_write: input, cache_write_long: input }
    }

    #[test]
    fn schedule_applies_in_month_order_and_keeps_unnamed_prices() {
        let raw: CatalogFile = toml::from_str(SRC).unwrap();
        let c = Catalog::from_raw(Path::new("c.toml"), raw).unwrap();
        let m = &c.models[0];
        let at = |s| m.prices_at(Month::parse(s).unwrap());
        // No cached price is stated: it is the input price, and follows it.
        assert_eq!(at("2027-02"), prices(2.0, 8.0, 2.0));
        assert_eq!(at("2027-03"), prices(1.5, 8.0, 1.5));
        assert_eq!(at("2027-06"), prices(1.5, 6.0, 1.5));
        assert_eq!(m.batch_multiplier, 0.5);
    }

    #[test]
    fn a_stated_cached_price_stays_until_an_entry_names_one() {
        let with_cached =
            SRC.replace("output_per_mtok = 8.0\n", "output_per_mtok = 8.0\ncached_input_per_mtok = 0.2\n");
        let c = Catalog::from_raw(Path::new("c.toml"), toml::from_str(&with_cached).unwrap()).unwrap();
        let at = |s| c.models[0].prices_at(Month::parse(s).unwrap());
        assert_eq!(at("2027-03"), prices(1.5, 8.0, 0.2));
        // Once an entry names a cached price, later input cuts leave it alone.
        let named = SRC.replace("from = \"2027-06\"\n", "from = \"2027-06\"\ncached_input_per_mtok = 0.3\n")
            + "[[model.schedule]]\nfrom = \"2027-09\"\ninput_per_mtok = 1.0\n";
        let c = Catalog::from_raw(Path::new("c.toml"), toml::from_str(&named).unwrap()).unwrap();
        let at = |s| c.models[0].prices_at(Month::parse(s).unwrap());
        assert_eq!(at("2027-03"), prices(1.5, 8.0, 1.5));
        assert_eq!(at("2027-06"), prices(1.5, 6.0, 0.3));
        assert_eq!(at("2027-09"), prices(1.0, 6.0, 0.3));
    }

    #[test]
    fn negative_price_is_rejected_with_its_key() {
        let raw: CatalogFile = toml::from_str(&SRC.replace("2.0", "-2.0")).unwrap();
        let e = Catalog::from_raw(Path::new("c.toml"), raw).unwrap_err().to_string();
        assert!(e.contains("model[0].input_per_mtok"), "{e}");
    }

    fn error(src: &str) -> String {
        let raw: CatalogFile = toml::from_str(src).unwrap();
        Catalog::from_raw(Path::new("c.toml"), raw).unwrap_err().to_string()
    }

    const TWO: &str = "[meta]\nas_of = \"2026-11-01\"\n\
        [[model]]\nid = \"m\"\nprovider = \"p\"\ninput_per_mtok = 1.0\noutput_per_mtok = 2.0\naliases = [\"x\"]\n\
        [[model]]\nid = \"n\"\nprovider = \"p\"\ninput_per_mtok = 1.0\noutput_per_mtok = 2.0\naliases = [\"y\"]\n";

    #[test]
    fn ambiguous_names_empty_ids_and_bad_dates_are_rejected() {
        let raw: CatalogFile = toml::from_str(TWO).unwrap();
        assert!(Catalog::from_raw(Path::new("c.toml"), raw).is_ok());
        let e = error(&TWO.replace("[\"y\"]", "[\"m\"]"));
        assert!(e.contains("model[1].aliases[0]") && e.contains("is the id of model `m`"), "{e}");
        let e = error(&TWO.replace("[\"y\"]", "[\"x\"]"));
        assert!(e.contains("model[1].aliases[0]") && e.contains("also an alias of model `m`"), "{e}");
        let e = error(&TWO.replace("id = \"n\"", "id = \" \""));
        assert!(e.contains("model[1].id") && e.contains("non-empty"), "{e}");
        for bad in ["yesterday", "2026-13-01", "2026-02-29", "2026-11-1", "2026/11/01"] {
            let e = error(&TWO.replace("2026-11-01", bad));
            assert!(e.contains("meta.as_of") && e.contains("YYYY-MM-DD"), "{bad}: {e}");
        }
        assert!(is_date("2028-02-29") && is_date("2026-12-31") && !is_date("2100-02-29"));
        let e = error(&SRC.replace("2027-03", "2027-06"));
        assert!(e.contains("model[0].schedule[1].from") && e.contains("already starts at 2027-06"), "{e}");
    }
}
