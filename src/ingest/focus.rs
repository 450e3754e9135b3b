//! FOCUS 1.x billing exports (FinOps Open Cost and Usage Specification,
//! <https://focus.finops.org>) read as token usage.
//!
//! A row counts when it is usage (`ChargeCategory` = Usage, or the column is
//! absent) in a token unit (`ConsumedUnit` such as `Tokens`, `1K Tokens`,
//! `1M tokens`, or a bare `1K`/`1M` when the SKU or description says
//! "token"). Its tokens are `ConsumedQuantity` × the unit's block size, in
//! the month of `ChargePeriodStart`. Input, output or cached comes from the
//! words of the description, SKU and unit (`cached`/`cache read` → cached,
//! `cache write` → cache write (long-lived when it says `1h`, `1-hour`,
//! `long` or `extended`), `output`/`completion` → output,
//! `input`/`prompt` → input). The model is the catalog id or alias found
//! (case-insensitively, at word boundaries, the longest match) in `SkuId`,
//! `SkuPriceId`, `ServiceName` or `ChargeDescription`, first field first,
//! among the models of the catalog providers the row's seller names
//! (`ProviderName`, or FOCUS 1.3's `ServiceProviderName`, with
//! `ServiceName`: see [`Sellers`]); or a fixed `model`, or a mapped `model`
//! column. Every other row is skipped and counted in a warning; a token row
//! that matches no model of its seller is an error. `ChargePeriodStart`..
//! `ChargePeriodEnd` define the observation window for partial months.
//! `Correction` rows may be negative.

use std::collections::BTreeMap;
use std::path::Path;

use super::aggregate::Aggregator;
use super::columns::Columns;
use super::source::{shown, Source};
use super::timestamp::{self, Timestamp};
use super::{History, HistoryOptions, MonthUsage, FOCUS_COLUMNS};
use crate::error::{closest, Error, Result};
use crate::spec::catalog::Catalog;

/// The fields searched for a model id, in order.
const MODEL_FIELDS: [&str; 4] = ["SkuId", "SkuPriceId", "ServiceName", "ChargeDescription"];

/// The fields naming who sells a row, the first present one used: FOCUS
/// 1.0 to 1.2 call it `ProviderName`, 1.3 `ServiceProviderName`.
const SELLER_FIELDS: [&str; 2] = ["ProviderName", "ServiceProviderName"];

/// Column indices of a FOCUS file.
struct Layout {
    start: usize,
    end: Option<usize>,
    quantity: usize,
    unit: usize,
    category: Option<usize>,
    class: Option<usize>,
    /// Present model fields, as (column, FOCUS name).
    texts: Vec<(usize, &'static str)>,
    /// Who sells the row, and the service.
    seller: Option<usize>,
    service: Option<usize>,
    workload: Option<usize>,
    model: Option<usize>,
}

fn layout(src: &Source, opts: &HistoryOptions) -> Result<Layout> {
    let cols = Columns::new(src.path(), src.headers(), &opts.columns, FOCUS_COLUMNS, "FOCUS")?;
    let mut texts = Vec::new();
    for name in MODEL_FIELDS {
        if let Some(c) = cols.find(name)? {
            texts.push((c, name));
        }
    }
    let mut seller = None;
    for name in SELLER_FIELDS {
        seller = seller.or(cols.find(name)?);
    }
    let service = cols.find("ServiceName")?;
    let start = cols.require("ChargePeriodStart", "start of the charge period, a date-time")?;
    let end = cols.find("ChargePeriodEnd")?;
    let quantity = cols.require("ConsumedQuantity", "quantity consumed, in ConsumedUnit")?;
    let unit = cols.require("ConsumedUnit", "unit of ConsumedQuantity, such as `1K Tokens`")?;
    let category = cols.find("ChargeCategory")?;
    let class = cols.find("ChargeClass")?;
    let workload = if opts.workload.is_some() { None } else { cols.find("workload")? };
    let model = if opts.model.is_some() { None } else { cols.find("model")? };
    cols.finish(|| {
        Some(Layout {
            seller,
            service,
            start: start?,
            end,
            quantity: quantity?,
            unit: unit?,
            category,
            class,
            texts,
            workload,
            model,
        })
    })
}

/// The token class a row bills: input, output, cached or a cache write.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Direction {
    Input,
    Output,
    Cached,
    /// A short-lived (e.g. 5-minute) cache write.
    CacheWrite,
    /// A long-lived (e.g. 1-hour) cache write.
    CacheWriteLong,
}

/// Lower-case words of `s` (letters and digits), for matching.
fn normalise(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('-');
    for c in s.chars() {
        if c.is_alphanumeric() {
            out.extend(c.to_lowercase());
        } else if !out.ends_with('-') {
            out.push('-');
        }
    }
    if !out.ends_with('-') {
        out.push('-');
    }
    out
}

/// The direction named by the words of `text` (normalised).
fn direction(text: &str) -> Option<Direction> {
    let has = |w: &str| text.contains(&format!("-{w}-"));
    if has("cached") || has("cchd") || text.contains("-cache-read") || text.contains("-cache-hit") {
        Some(Direction::Cached)
    } else if text.contains("-cache-write") || text.contains("-cache-creation") {
        let long =
            ["1h", "1hr", "60m", "60min", "long", "extended"].iter().any(|w| has(w)) || text.contains("-1-hour-");
        Some(if long { Direction::CacheWriteLong } else { Direction::CacheWrite })
    } else if ["output", "outp", "completion", "completions", "generated", "response"].iter().any(|w| has(w)) {
        Some(Direction::Output)
    } else if ["input", "inp", "prompt", "prompts", "context"].iter().any(|w| has(w)) {
        Some(Direction::Input)
    } else {
        None
    }
}

/// Tokens per unit of `unit` (normalised), or None when it is not a token
/// unit. A bare multiplier (`1K`) is a token unit when `tokenish`.
fn token_block(unit: &str, tokenish: bool) -> Option<f64> {
    let mut factor = 1.0;
    let mut token_word = false;
    for w in unit.split('-').filter(|w| !w.is_empty()) {
        match w {
            "token" | "tokens" | "tok" | "toks" => token_word = true,
            "ktok" | "ktokens" => (token_word, factor) = (true, factor * 1e3),
            "mtok" | "mtokens" => (token_word, factor) = (true, factor * 1e6),
            _ => factor *= multiplier(w)?,
        }
    }
    (token_word || tokenish).then_some(factor)
}

/// `1000`, `1k`, `1m`, `k`, `thousand`, `million`, `b`, `billion` → the number.
fn multiplier(w: &str) -> Option<f64> {
    let (num, suffix) = w.find(|c: char| c.is_ascii_alphabetic()).map_or((w, ""), |i| w.split_at(i));
    let n: f64 = if num.is_empty() { 1.0 } else { num.parse().ok().filter(|v: &f64| *v > 0.0)? };
    let s = match suffix {
        "" => 1.0,
        "k" | "thousand" => 1e3,
        "m" | "mn" | "million" => 1e6,
        "b" | "bn" | "billion" => 1e9,
        _ => return None,
    };
    Some(n * s)
}

/// Lower-case words of `s`, each in its canonical form: the names a
/// billing export and a catalog give one seller differently (`Microsoft`
/// and `azure`, `Amazon` and `aws`, `GCP` and `google`) are one word.
fn seller_words(s: &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for w in s.split(|c: char| !c.is_alphanumeric()).filter(|w| !w.is_empty()) {
        let w = w.to_lowercase();
        let w = match w.as_str() {
            "microsoft" => "azure".to_string(),
            "amazon" => "aws".to_string(),
            "gcp" => "google".to_string(),
            _ => w,
        };
        if !out.contains(&w) {
            out.push(w);
        }
    }
    out
}

/// Which catalog providers sell a row, from its seller (`ProviderName`)
/// and service (`ServiceName`) words matched against the words of each
/// catalog `provider`. A provider qualifies when one of its words is a word
/// of the seller (of the service, when the row names no seller); the best
/// have the most words in the seller, then in seller and service, then the
/// fewest words in neither: `Microsoft` / `Azure OpenAI` is `azure-openai`
/// rather than `openai`, and `OpenAI` alone is `openai` rather than
/// `azure-openai`.
struct Sellers {
    /// The catalog's distinct providers, with their words.
    providers: Vec<(String, Vec<String>)>,
    /// Each model's index into `providers`.
    of_model: Vec<usize>,
    /// (seller, service) text → who sells it.
    cache: BTreeMap<(String, String), Seller>,
}

/// Who sells a row.
#[derive(Debug, Clone, PartialEq)]
enum Seller {
    /// The row names no seller or service: every model is a candidate.
    Unstated,
    /// It names one no catalog provider matches: every model is a candidate,
    /// and a warning says so.
    NotInCatalog,
    /// These catalog providers (indices into [`Sellers::providers`]).
    Providers(Vec<usize>),
}

impl Sellers {
    fn new(catalog: &Catalog) -> Sellers {
        let mut providers: Vec<(String, Vec<String>)> = Vec::new();
        let mut of_model = Vec::with_capacity(catalog.models.len());
        for m in &catalog.models {
            let i = providers.iter().position(|(p, _)| *p == m.provider).unwrap_or_else(|| {
                providers.push((m.provider.clone(), seller_words(&m.provider)));
                providers.len() - 1
            });
            of_model.push(i);
        }
        Sellers { providers, of_model, cache: BTreeMap::new() }
    }

    /// Who sells a row whose seller and service cells are these.
    fn of(&mut self, seller: &str, service: &str) -> Seller {
        let key = (seller.to_string(), service.to_string());
        if let Some(s) = self.cache.get(&key) {
            return s.clone();
        }
        let found = self.find(&seller_words(seller), &seller_words(service));
        self.cache.insert(key, found.clone());
        found
    }

    fn find(&self, seller: &[String], service: &[String]) -> Seller {
        if seller.is_empty() && service.is_empty() {
            return Seller::Unstated;
        }
        let score = |words: &[String]| {
            let count = |list: &[String]| words.iter().filter(|w| list.contains(w)).count();
            let (in_seller, in_row) =
                (count(seller), words.iter().filter(|w| seller.contains(w) || service.contains(w)).count());
            let qualifies = if seller.is_empty() { in_row > 0 } else { in_seller > 0 };
            qualifies.then_some((in_seller, in_row, std::cmp::Reverse(words.len() - in_row)))
        };
        let scored: Vec<(usize, _)> =
            self.providers.iter().enumerate().filter_map(|(i, (_, w))| Some((i, score(w)?))).collect();
        match scored.iter().map(|(_, s)| *s).max() {
            None => Seller::NotInCatalog,
            Some(best) => Seller::Providers(scored.iter().filter(|(_, s)| *s == best).map(|(i, _)| *i).collect()),
        }
    }

    /// The providers of `seller`, as written in the catalog.
    fn names(&self, seller: &[usize]) -> String {
        seller.iter().map(|&i| format!("`{}`", self.providers[i].0)).collect::<Vec<_>>().join(", ")
    }
}

/// One name a model is matched by.
struct Needle {
    /// The name, normalised.
    text: String,
    /// Index into the catalog's models.
    model: usize,
    /// The name as written.
    shown: String,
    /// A model's id without its first word, which names its provider
    /// (`azure-gpt-4.1` of `azure-openai` is also `gpt-4.1`): used only
    /// among the models of the row's seller, where it names one model.
    stripped: bool,
}

/// Catalog ids and aliases, normalised, longest first.
struct Matcher {
    needles: Vec<Needle>,
    ids: Vec<String>,
    sellers: Sellers,
}

/// A model found in a row: (model index, field, name as written).
type Found<'a> = (usize, &'static str, &'a str);

impl Matcher {
    fn new(catalog: &Catalog) -> Matcher {
        let sellers = Sellers::new(catalog);
        let mut needles = Vec::new();
        for (i, m) in catalog.models.iter().enumerate() {
            for name in std::iter::once(&m.id).chain(&m.aliases) {
                needles.push(Needle { text: normalise(name), model: i, shown: name.clone(), stripped: false });
            }
            let provider_words = &sellers.providers[sellers.of_model[i]].1;
            if let Some((first, rest)) = m.id.split_once(|c: char| !c.is_alphanumeric()) {
                if !rest.is_empty() && seller_words(first).iter().all(|w| provider_words.contains(w)) {
                    needles.push(Needle { text: normalise(rest), model: i, shown: rest.to_string(), stripped: true });
                }
            }
        }
        needles.sort_by_key(|n| std::cmp::Reverse(n.text.len()));
        Matcher { needles, ids: catalog.models.iter().map(|m| m.id.clone()).collect(), sellers }
    }

    /// The first field (in order) holding a name, and the longest name in
    /// it, among the models of `seller` (with their stripped ids), or among
    /// all models (ids and aliases only) when `seller` is None.
    fn find(&self, fields: &[(&'static str, String)], seller: Option<&[usize]>) -> Option<Found<'_>> {
        let usable = |n: &Needle| match seller {
            None => !n.stripped,
            Some(s) => s.contains(&self.sellers.of_model[n.model]),
        };
        fields.iter().find_map(|(field, text)| {
            let n = self.needles.iter().find(|n| usable(n) && text.contains(n.text.as_str()))?;
            Some((n.model, *field, n.shown.as_str()))
        })
    }
}

/// Rows counted by why they were skipped, and how models were matched.
#[derive(Default)]
struct Tally {
    used: u64,
    not_usage: BTreeMap<String, u64>,
    not_tokens: BTreeMap<String, u64>,
    no_direction: (u64, f64, Option<String>),
    matched: BTreeMap<(String, &'static str, String), u64>,
    /// Rows mapped within their seller whose names also match another
    /// provider's model.
    elsewhere: BTreeMap<Elsewhere, u64>,
    /// Rows whose seller is no catalog provider, by seller.
    unknown_seller: BTreeMap<String, u64>,
}

/// Rows of one seller mapped to its model `model` whose names match
/// `other`, a model of another provider, best.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
struct Elsewhere {
    seller: String,
    model: String,
    other: String,
    provider: String,
    /// The name that matches `other`.
    name: String,
    /// Its field, when it is a better match than the name used: in an
    /// earlier field, or longer in the same one.
    better: Option<&'static str>,
}

/// What one row is: skipped (with the reason counted), or token usage.
enum Kind {
    Skip,
    Tokens { block: f64, dir: Direction, fields: Vec<(&'static str, String)> },
}

fn classify(src: &Source, l: &Layout, tally: &mut Tally) -> Result<Kind> {
    if let Some(c) = l.category {
        let cat = src.text(c)?;
        if !cat.eq_ignore_ascii_case("usage") && !is_null(cat) {
            *tally.not_usage.entry(cat.to_string()).or_default() += 1;
            return Ok(Kind::Skip);
        }
    }
    let unit = src.text(l.unit)?;
    let mut fields = Vec::with_capacity(l.texts.len());
    for &(c, name) in &l.texts {
        let t = src.text(c)?;
        fields.push((name, if is_null(t) { String::new() } else { normalise(t) }));
    }
    let unit_n = normalise(unit);
    let tokenish = fields.iter().any(|(_, t)| t.contains("-token-") || t.contains("-tokens-"));
    let Some(block) = token_block(&unit_n, tokenish) else {
        let key = if is_null(unit) { "(none)".to_string() } else { unit.to_string() };
        *tally.not_tokens.entry(key).or_default() += 1;
        return Ok(Kind::Skip);
    };
    let all: String = fields.iter().map(|(_, t)| t.as_str()).chain([unit_n.as_str()]).collect();
    match direction(&all) {
        Some(dir) => Ok(Kind::Tokens { block, dir, fields }),
        None => {
            let q = src.text(l.quantity)?.parse::<f64>().unwrap_or(0.0);
            let nd = &mut tally.no_direction;
            nd.0 += 1;
            nd.1 += q * block;
            nd.2.get_or_insert_with(|| src.place());
            Ok(Kind::Skip)
        }
    }
}

/// FOCUS writes nulls as empty cells or the literal `NULL`.
fn is_null(s: &str) -> bool {
    s.is_empty() || s.eq_ignore_ascii_case("null")
}

/// The model of a token row: fixed, from a model column, or matched among
/// the models of its seller.
fn model_of(
    src: &Source,
    l: &Layout,
    opts: &HistoryOptions,
    matcher: Option<&mut Matcher>,
    fields: &[(&'static str, String)],
    tally: &mut Tally,
) -> Result<String> {
    if let Some(m) = &opts.model {
        return Ok(m.clone());
    }
    if let Some(c) = l.model {
        return Ok(src.text(c)?.to_string());
    }
    // `read` makes sure one of the three sources exists.
    let matcher = matcher.expect("read checks that FOCUS has a catalog, a fixed model or a model column");
    let cell = |c: Option<usize>| -> Result<&str> {
        Ok(match c {
            Some(c) if !is_null(src.text(c)?) => src.text(c)?,
            _ => "",
        })
    };
    let (seller_text, service_text) = (cell(l.seller)?, cell(l.service)?);
    let label = match (seller_text, service_text) {
        (s, "") => format!("`{s}`"),
        ("", v) => format!("`{v}`"),
        (s, v) => format!("`{s}` / `{v}`"),
    };
    let seller = matcher.sellers.of(seller_text, service_text);
    let anywhere = matcher.find(fields, None);
    let found = match &seller {
        Seller::Providers(p) => matcher.find(fields, Some(p)),
        Seller::NotInCatalog => {
            *tally.unknown_seller.entry(label.clone()).or_default() += 1;
            anywhere
        }
        Seller::Unstated => anywhere,
    };
    let m = &*matcher;
    match found {
        Some((i, field, name)) => {
            if let (Seller::Providers(p), Some((j, other_field, other))) = (&seller, anywhere) {
                if !p.contains(&m.sellers.of_model[j]) {
                    let order = |f: &str| MODEL_FIELDS.iter().position(|x| *x == f);
                    let better = order(other_field) < order(field)
                        || (other_field == field && normalise(other).len() > normalise(name).len());
                    let key = Elsewhere {
                        seller: label,
                        model: m.ids[i].clone(),
                        other: m.ids[j].clone(),
                        provider: m.sellers.providers[m.sellers.of_model[j]].0.clone(),
                        name: other.to_string(),
                        better: better.then_some(other_field),
                    };
                    *tally.elsewhere.entry(key).or_default() += 1;
                }
            }
            *tally.matched.entry((m.ids[i].clone(), field, name.to_string())).or_default() += 1;
            Ok(m.ids[i].clone())
        }
        None => {
            let col = l.texts.first().map_or(l.unit, |t| t.0);
            let texts: Vec<String> = l.texts.iter().map(|&(c, n)| format!("{n} {}", shown(src.cell(c)))).collect();
            let texts = texts.join(", ");
            let message = match (&seller, anywhere) {
                (Seller::Providers(p), Some((j, field, other))) => format!(
                    "token usage row sold by {label} matches no model of catalog provider {} ({texts}); `{other}` \
                     in {field} is `{}` of provider `{}`, which does not sell these rows. Add the model as sold \
                     by {} to the price catalog, with the SKU or meter name in its `aliases`, or give a fixed model",
                    m.sellers.names(p),
                    m.ids[j],
                    m.sellers.providers[m.sellers.of_model[j]].0,
                    m.sellers.names(p),
                ),
                _ => {
                    let ids = || m.ids.iter().map(String::as_str);
                    let hint = l.texts.iter().find_map(|&(c, _)| closest(src.text(c).ok()?, ids()));
                    let hint = hint.map(|h| format!(" The closest catalog name is `{h}`.")).unwrap_or_default();
                    let among = match &seller {
                        Seller::Providers(p) => format!(" of catalog provider {}", m.sellers.names(p)),
                        _ => String::new(),
                    };
                    format!(
                        "token usage row matches no catalog model{among} ({texts}); add the SKU or service name \
                         to the model's `aliases` in the price catalog, or give a fixed model.{hint}"
                    )
                }
            };
            Err(src.error(col, message))
        }
    }
}

/// The charge period of the current row, in ms.
fn period(src: &Source, l: &Layout) -> Result<(Timestamp, i64)> {
    let parse = |c: usize| {
        timestamp::parse_cell(src.cell(c), None, Timestamp::EPOCH)
            .map_err(|why| src.error(c, format!("cannot read date-time {}: {why}", src.shown(c))))
    };
    let start = parse(l.start)?;
    let end = match l.end {
        Some(c) if !is_null(src.text(c)?) => parse(c)?.millis().max(start.millis()),
        _ => start.millis(),
    };
    Ok((start, end))
}

/// Tokens of the current row: quantity × block, rounded to a whole token.
fn tokens(src: &Source, l: &Layout, block: f64) -> Result<f64> {
    let cell = src.text(l.quantity)?;
    let q: f64 = cell.parse().ok().filter(|v: &f64| v.is_finite()).ok_or_else(|| {
        src.error(
            l.quantity,
            format!("expected a number of {} units, found {}", src.shown(l.unit), src.shown(l.quantity)),
        )
    })?;
    let correction = l.class.is_some_and(|c| src.cell(c).eq_ignore_ascii_case(b"correction"));
    if q < 0.0 && !correction {
        return Err(src.error(
            l.quantity,
            format!(
                "negative quantity {} on a usage row that is not a Correction; expected a number >= 0",
                src.shown(l.quantity)
            ),
        ));
    }
    Ok((q * block).round())
}

/// Reads a FOCUS export into monthly token series.
pub(crate) fn read(path: &Path, opts: &HistoryOptions, catalog: Option<&Catalog>) -> Result<History> {
    let mut src = Source::open(path)?;
    let l = layout(&src, opts)?;
    if opts.model.is_none() && l.model.is_none() && catalog.is_none() {
        return Err(Error::Usage(format!(
            "{}: a FOCUS export needs the price catalog (the scenario's catalog, or --catalog) to map SKUs \
             to models, or a fixed model (--model) or a `model` column mapping",
            path.display()
        )));
    }
    let mut matcher = catalog.map(Matcher::new);
    let (mut agg, mut tally) = (Aggregator::default(), Tally::default());
    while src.next_record()? {
        let Kind::Tokens { block, dir, fields } = classify(&src, &l, &mut tally)? else { continue };
        let model = model_of(&src, &l, opts, matcher.as_mut(), &fields, &mut tally)?;
        let workload = match (&opts.workload, l.workload) {
            (Some(w), _) => w.clone(),
            (None, Some(c)) if !is_null(src.text(c)?) => src.text(c)?.to_string(),
            _ => "all".to_string(),
        };
        let (i, new) = agg.series(&workload, &model);
        if new && (opts.model.is_some() || l.model.is_some()) {
            if let Some(Err(msg)) = catalog.map(|c| c.find(&model)) {
                return Err(src.error(l.model.unwrap_or(l.start), msg));
            }
        }
        let (start, end) = period(&src, &l)?;
        let n = tokens(&src, &l, block)?;
        let u = match dir {
            Direction::Input => MonthUsage { input: n, ..MonthUsage::default() },
            Direction::Output => MonthUsage { output: n, ..MonthUsage::default() },
            Direction::Cached => MonthUsage { cached: n, ..MonthUsage::default() },
            Direction::CacheWrite => MonthUsage { cache_write: n, ..MonthUsage::default() },
            Direction::CacheWriteLong => MonthUsage { cache_write_long: n, ..MonthUsage::default() },
        };
        agg.cover(start.millis(), end);
        agg.add(i, start.month(), u);
        tally.used += 1;
    }
    let mut h = finish(path, opts, agg, &tally, src.rows(), catalog)?;
    h.warnings.extend(src.long_rows_warning());
    h.rows_read = Some(src.rows());
    for (cat, n) in &tally.not_usage {
        h.skipped.insert(format!("ChargeCategory {cat}"), *n);
    }
    for (unit, n) in &tally.not_tokens {
        h.skipped.insert(format!("ConsumedUnit {unit}"), *n);
    }
    if tally.no_direction.0 > 0 {
        h.skipped.insert("token row of unknown direction".into(), tally.no_direction.0);
    }
    Ok(h)
}

fn finish(
    path: &Path,
    opts: &HistoryOptions,
    agg: Aggregator,
    tally: &Tally,
    rows: u64,
    catalog: Option<&Catalog>,
) -> Result<History> {
    let mut h = agg.finish(path, opts.gaps_zero)?;
    for s in &h.series {
        if let Some((k, _)) = s.months.iter().enumerate().find(|(_, u)| u.classes().iter().any(|&c| c < 0.0)) {
            return Err(Error::invalid(
                path,
                "ConsumedQuantity",
                format!(
                    "corrections leave series `{}` / `{}` with negative tokens in {}",
                    s.workload,
                    s.model,
                    s.first.plus(k as i32)
                ),
            ));
        }
    }
    let mut notes = summary(path, tally, rows, catalog);
    notes.append(&mut h.warnings);
    h.warnings = notes;
    Ok(h)
}

/// Warnings that say what was read, skipped and matched.
fn summary(path: &Path, t: &Tally, rows: u64, catalog: Option<&Catalog>) -> Vec<String> {
    let list = |m: &BTreeMap<String, u64>| {
        let mut v: Vec<(&String, &u64)> = m.iter().collect();
        v.sort_by(|a, b| b.1.cmp(a.1).then(a.0.cmp(b.0)));
        let shown: Vec<String> = v.iter().take(8).map(|(k, n)| format!("{k} {n}")).collect();
        let more = if v.len() > 8 { format!(", and {} more", v.len() - 8) } else { String::new() };
        format!("{}{more}", shown.join(", "))
    };
    let file = path.display();
    let mut out = Vec::new();
    let skipped: u64 = t.not_usage.values().sum::<u64>() + t.not_tokens.values().sum::<u64>() + t.no_direction.0;
    if t.used == 0 {
        out.push(format!(
            "{file}: no token usage found, so the history has no series: none of its {rows} FOCUS rows is usage \
             in a token unit (ConsumedUnit such as `Tokens`, `1K Tokens` or `1M tokens`)"
        ));
    } else if skipped > 0 {
        out.push(format!("{file}: {} of {rows} FOCUS rows are token usage; {skipped} rows skipped", t.used));
    }
    if !t.not_usage.is_empty() {
        out.push(format!("{file}: rows skipped as not usage, by ChargeCategory: {}", list(&t.not_usage)));
    }
    if !t.not_tokens.is_empty() {
        out.push(format!("{file}: rows skipped as not token units, by ConsumedUnit: {}", list(&t.not_tokens)));
    }
    if let (n @ 1.., tokens, Some(first)) = (t.no_direction.0, t.no_direction.1, &t.no_direction.2) {
        out.push(format!(
            "{file}: {n} token rows ({tokens:.0} tokens, first at {first}) skipped: neither the description nor \
             the SKU says input, output or cached"
        ));
    }
    for ((id, field, name), n) in &t.matched {
        out.push(format!("{file}: {n} token rows mapped to model `{id}` by `{name}` found in {field}"));
    }
    for (Elsewhere { seller, model: id, other, provider, name, better }, n) in &t.elsewhere {
        let mut line = format!(
            "{file}: {n} token rows sold by {seller} mapped to `{id}`, a model of their seller, not to `{other}` of \
             provider `{provider}`, which `{name}` also names"
        );
        if let Some(field) = better {
            line.push_str(&format!(
                "; `{name}` in {field} matches them better than the name that mapped them: if these rows are \
                 `{other}`, add that model as sold by their seller to the price catalog"
            ));
        }
        out.push(line);
    }
    for (seller, n) in &t.unknown_seller {
        let mut providers: Vec<String> = Vec::new();
        for m in catalog.map_or(&[][..], |c| &c.models) {
            let p = format!("`{}`", m.provider);
            if !providers.contains(&p) {
                providers.push(p);
            }
        }
        out.push(format!(
            "{file}: {n} token rows sold by {seller}, which is no provider of the price catalog ({}): they were \
             matched by name among all its models, so they count as sold by those models' providers",
            providers.join(", ")
        ));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn token_units_and_block_sizes() {
        let b = |u: &str, t| token_block(&normalise(u), t);
        assert_eq!(b("Tokens", false), Some(1.0));
        assert_eq!(b("1K Tokens", false), Some(1e3));
        assert_eq!(b("1M tokens", false), Some(1e6));
        assert_eq!(b("1000 Tokens", false), Some(1e3));
        assert_eq!(b("Million tokens", false), Some(1e6));
        assert_eq!(b("MTok", false), Some(1e6));
        assert_eq!(b("1K", true), Some(1e3));
        assert_eq!(b("1K", false), None);
        assert_eq!(b("GB", true), None);
        assert_eq!(b("Hours", false), None);
        assert_eq!(b("GB-Months", false), None);
    }

    #[test]
    fn directions_from_words() {
        let d = |s: &str| direction(&normalise(s));
        assert_eq!(d("Claude Sonnet input tokens"), Some(Direction::Input));
        assert_eq!(d("gpt-4o-0513-Outp-glbl Tokens"), Some(Direction::Output));
        assert_eq!(d("cache-read-input-token-count"), Some(Direction::Cached));
        assert_eq!(d("gpt 4o cchd Inp glbl"), Some(Direction::Cached));
        assert_eq!(d("Cache Write Input Tokens"), Some(Direction::CacheWrite));
        assert_eq!(d("Claude Sonnet 5m cache write tokens"), Some(Direction::CacheWrite));
        assert_eq!(d("Claude Sonnet 1h cache write tokens"), Some(Direction::CacheWriteLong));
        assert_eq!(d("cache-creation-input-tokens (1-hour)"), Some(Direction::CacheWriteLong));
        assert_eq!(d("Completion tokens"), Some(Direction::Output));
        assert_eq!(d("Tokens"), None);
        assert_eq!(d("inputs-are-fine? no: inputs"), None);
    }

    /// Sellers over the providers of the shipped catalog.
    fn sellers(names: &[&str]) -> Sellers {
        let providers = names.iter().map(|p| (p.to_string(), seller_words(p))).collect();
        Sellers { providers, of_model: Vec::new(), cache: BTreeMap::new() }
    }

    #[test]
    fn sellers_name_the_catalog_provider_that_sells() {
        let mut s = sellers(&["openai", "anthropic", "google", "aws-bedrock", "azure-openai"]);
        let mut of = |seller: &str, service: &str| match s.of(seller, service) {
            Seller::Providers(p) => p.iter().map(|&i| s.providers[i].0.clone()).collect::<Vec<_>>().join(","),
            other => format!("{other:?}"),
        };
        assert_eq!(of("Microsoft", "Azure OpenAI"), "azure-openai");
        assert_eq!(of("Microsoft", "Foundry Models"), "azure-openai");
        assert_eq!(of("AWS", "Amazon Bedrock"), "aws-bedrock");
        assert_eq!(of("Amazon Web Services, Inc.", ""), "aws-bedrock");
        assert_eq!(of("OpenAI", "OpenAI API"), "openai");
        assert_eq!(of("Anthropic", ""), "anthropic");
        assert_eq!(of("Google Cloud", "Vertex AI"), "google");
        // Without a seller the service decides; with neither nothing is known.
        assert_eq!(of("", "Azure OpenAI"), "azure-openai");
        assert_eq!(of("", ""), "Unstated");
        // A seller the catalog lacks is not replaced by the developer in its service name.
        assert_eq!(of("Oracle", "OCI Generative AI"), "NotInCatalog");
        let mut only_direct = sellers(&["openai", "anthropic"]);
        assert_eq!(only_direct.of("Microsoft", "Azure OpenAI"), Seller::NotInCatalog);
    }

    #[test]
    fn normalised_words_match_at_boundaries() {
        assert_eq!(normalise("GPT-4.1 mini/Inp"), "-gpt-4-1-mini-inp-");
        assert!(normalise("x gpt-4.1-mini y").contains(&normalise("gpt-4.1")));
        assert!(!normalise("gpt-4.10").contains(&normalise("gpt-4.1")));
    }
}
