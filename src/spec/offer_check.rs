//! Compiling an `[[offers]]` entry into an [`Offer`]: every key checked
//! against its kind, with errors that name the key and say what was expected.

use std::path::Path;
use std::sync::Arc;

use super::catalog::Catalog;
use super::file::{OfferSec, ScopeSec};
use super::offer::*;
use super::values::MAX_OUTPUT_WEIGHT;
use crate::error::{closest, Error, Result};

/// Validation context for one `[[offers]]` entry.
pub(crate) struct OfferCtx<'a> {
    pub file: &'a Path,
    pub index: usize,
    pub horizon: usize,
    pub catalog: &'a Catalog,
    pub workloads: &'a [String],
    pub start: super::month::Month,
}

impl OfferCtx<'_> {
    fn key(&self, k: &str) -> String {
        format!("offers[{}].{k}", self.index)
    }

    fn err(&self, k: &str, msg: impl Into<String>) -> Error {
        Error::invalid(self.file, self.key(k), msg)
    }

    fn fraction(&self, k: &str, v: Option<f64>, default: f64, upper_open: bool) -> Result<f64> {
        let x = v.unwrap_or(default);
        let ok = x.is_finite() && x >= 0.0 && if upper_open { x < 1.0 } else { x <= 1.0 };
        if ok {
            Ok(x)
        } else {
            let range = if upper_open { "[0, 1)" } else { "[0, 1]" };
            Err(self.err(k, format!("expected a share in {range}, found {x}")))
        }
    }

    fn positive(&self, k: &str, v: Option<f64>) -> Result<f64> {
        match v {
            Some(x) if x.is_finite() && x > 0.0 => Ok(x),
            Some(x) => Err(self.err(k, format!("expected a number > 0, found {x}"))),
            None => Err(self.err(k, "missing required key")),
        }
    }

    fn choice<'v>(&self, k: &str, v: &'v Option<String>, default: &'v str, valid: &[&str]) -> Result<&'v str> {
        let s = v.as_deref().unwrap_or(default);
        if valid.contains(&s) {
            return Ok(s);
        }
        let hint = closest(s, valid.iter().copied()).map(|c| format!("; did you mean `{c}`?")).unwrap_or_default();
        Err(self.err(k, format!("expected one of {}, found `{s}`{hint}", valid.join(", "))))
    }
}

/// Builds a validated [`Offer`] from its table.
pub(crate) fn compile(o: &OfferSec, cx: &OfferCtx) -> Result<Offer> {
    let kind_name = Some(o.kind.clone());
    let kind = cx.choice("kind", &kind_name, "", &["payg", "commit", "credits", "provisioned"])?;
    reject_foreign_keys(o, kind, cx)?;
    let term = match o.term_months {
        None => cx.horizon,
        Some(t) if (1..=1200).contains(&t) => t as usize,
        Some(t) => {
            return Err(cx.err("term_months", format!("expected a whole number of months from 1 to 1200, found {t}")))
        }
    };
    let scope = compile_scope(o.scope.as_ref(), cx)?;
    let kind = match kind {
        "payg" => OfferKind::Payg(compile_payg(o, cx)?),
        "commit" => OfferKind::Commit(compile_commit(o, cx, term)?),
        "credits" => OfferKind::Commit(compile_credits(o, cx, term)?),
        _ => OfferKind::Provisioned(compile_provisioned(o, cx, term)?),
    };
    Ok(Offer { name: o.name.clone(), scope, term_months: term, kind })
}

/// Keys that belong to another kind of offer are a mistake worth naming.
fn reject_foreign_keys(o: &OfferSec, kind: &str, cx: &OfferCtx) -> Result<()> {
    let payg = [("volume_tiers", o.volume_tiers.is_some()), ("tier_period", o.tier_period.is_some())];
    let commit = [
        ("unit", o.unit.is_some()),
        ("period", o.period.is_some()),
        ("amount", o.amount.is_some()),
        ("amounts", o.amounts.is_some()),
        ("discount_tiers", o.discount_tiers.is_some()),
        ("overage", o.overage.is_some()),
        ("rate", o.rate.is_some()),
        ("rollover_fraction", o.rollover_fraction.is_some()),
        ("rollover_cap", o.rollover_cap.is_some()),
        ("eligible_share", o.eligible_share.is_some()),
        ("base_spend", o.base_spend.is_some()),
    ];
    let credits = [
        ("purchases", o.purchases.is_some()),
        ("price", o.price.is_some()),
        ("expires_months", o.expires_months.is_some()),
    ];
    let prov = [
        ("units", o.units.is_some()),
        ("unit_price", o.unit_price.is_some()),
        ("price_basis", o.price_basis.is_some()),
        ("tokens_per_minute_per_unit", o.tokens_per_minute_per_unit.is_some()),
        ("output_weight", o.output_weight.is_some()),
        ("weights", o.weights.is_some()),
        ("limits_per_unit", o.limits_per_unit.is_some()),
        ("list_usd_per_minute_per_unit", o.list_usd_per_minute_per_unit.is_some()),
        ("eligible_tiers", o.eligible_tiers.is_some()),
        ("units_schedule", o.units_schedule.is_some()),
        ("min_units", o.min_units.is_some()),
        ("increment", o.increment.is_some()),
        ("load", o.load.is_some()),
        ("overflow", o.overflow.is_some()),
    ];
    let discount = [("discount", o.discount.is_some())];
    let groups: [(&str, &[(&str, bool)]); 5] = [
        ("payg", &payg),
        ("commit", &commit),
        ("credits", &credits),
        ("provisioned", &prov),
        ("payg or commit", &discount),
    ];
    for (owner, keys) in groups {
        if owner.split(" or ").any(|k| k == kind) {
            continue;
        }
        if let Some((k, _)) = keys.iter().find(|(_, set)| *set) {
            return Err(cx.err(k, format!("`{k}` applies to {owner} offers, not to a {kind} offer")));
        }
    }
    Ok(())
}

fn compile_scope(s: Option<&ScopeSec>, cx: &OfferCtx) -> Result<Scope> {
    let Some(s) = s else {
        return Ok(Scope::default());
    };
    let check = |k: &str, list: &Option<Vec<String>>, known: &dyn Fn(&str) -> bool, all: Vec<&str>| -> Result<()> {
        let Some(list) = list else { return Ok(()) };
        if list.is_empty() {
            return Err(
                cx.err(&format!("scope.{k}"), "an empty list covers nothing; remove the key to cover everything")
            );
        }
        for v in list {
            if !known(v) {
                let hint =
                    closest(v, all.iter().copied()).map(|c| format!("; did you mean `{c}`?")).unwrap_or_default();
                return Err(cx.err(&format!("scope.{k}"), format!("unknown {} `{v}`{hint}", k.trim_end_matches('s'))));
            }
        }
        Ok(())
    };
    let cat = cx.catalog;
    let providers: Vec<&str> = cat.models.iter().map(|m| m.provider.as_str()).collect();
    check("providers", &s.providers, &|p| cat.has_provider(p), providers)?;
    check("models", &s.models, &|m| cat.find(m).is_ok(), cat.models.iter().map(|m| m.id.as_str()).collect())?;
    let wl = cx.workloads;
    check("workloads", &s.workloads, &|w| wl.iter().any(|x| x == w), wl.iter().map(String::as_str).collect())?;
    Ok(Scope { providers: s.providers.clone(), models: s.models.clone(), workloads: s.workloads.clone() })
}

fn compile_payg(o: &OfferSec, cx: &OfferCtx) -> Result<Payg> {
    let discount = cx.fraction("discount", o.discount, 0.0, true)?;
    let tier_months = match cx.choice("tier_period", &o.tier_period, "month", &["month", "year"])? {
        "month" => 1,
        _ => 12,
    };
    if o.tier_period.is_some() && o.volume_tiers.is_none() {
        return Err(cx.err("tier_period", "`tier_period` sets the period of `volume_tiers`, which this offer lacks"));
    }
    let mut tiers = Vec::new();
    if let Some(list) = &o.volume_tiers {
        if o.discount.is_some_and(|d| d != 0.0) {
            return Err(cx.err("volume_tiers", "give either `discount` or `volume_tiers`, not both"));
        }
        if list.is_empty() {
            return Err(cx.err("volume_tiers", "expected at least one tier such as { from = 0, discount = 0.0 }"));
        }
        for (i, t) in list.iter().enumerate() {
            let k = format!("volume_tiers[{i}]");
            if !(t.from.is_finite() && t.from >= 0.0) {
                return Err(cx.err(&format!("{k}.from"), format!("expected list spend >= 0, found {}", t.from)));
            }
            let d = cx.fraction(&format!("{k}.discount"), Some(t.discount), 0.0, true)?;
            if tiers.last().is_some_and(|&(f, _)| t.from <= f) {
                return Err(cx.err(&format!("{k}.from"), "tiers must be listed by increasing `from`"));
            }
            tiers.push((t.from, d));
        }
        if tiers[0].0 > 0.0 {
            tiers.insert(0, (0.0, 0.0));
        }
    }
    Ok(Payg { discount, tiers, tier_months })
}

fn compile_commit(o: &OfferSec, cx: &OfferCtx, term: usize) -> Result<Commit> {
    let tokens = cx.choice("unit", &o.unit, "usd", &["usd", "tokens"])? == "tokens";
    let period =
        o.period.as_ref().ok_or_else(|| cx.err("period", "missing required key: month, quarter, year or term"))?;
    let period_name = Some(period.clone());
    let period_months = match cx.choice("period", &period_name, "", &["month", "quarter", "year", "term"])? {
        "month" => 1,
        "quarter" => 3,
        "year" => 12,
        _ => term,
    };
    let amounts = match (o.amount, &o.amounts) {
        (Some(a), None) => vec![a],
        (None, Some(list)) if !list.is_empty() => list.clone(),
        (None, Some(_)) => return Err(cx.err("amounts", "expected at least one amount")),
        (Some(_), Some(_)) => return Err(cx.err("amounts", "give either `amount` or `amounts`, not both")),
        (None, None) => return Err(cx.err("amount", "missing required key (or `amounts` for a ramp)")),
    };
    let key = if o.amount.is_some() { "amount" } else { "amounts" };
    if let Some(a) = amounts.iter().find(|a| !(a.is_finite() && **a >= 0.0)) {
        return Err(cx.err(key, format!("expected an amount >= 0, found {a}")));
    }
    let most = max_amount(tokens);
    if let Some(a) = amounts.iter().find(|a| **a > most) {
        return Err(cx.err(key, format!("expected an amount of at most {most:e} per period, found {a:e}")));
    }
    let discount = match (&o.discount, &o.discount_tiers) {
        (Some(_), Some(_)) => {
            return Err(cx.err("discount_tiers", "give either `discount` or `discount_tiers`, not both"))
        }
        (_, Some(list)) => {
            if list.is_empty() {
                return Err(cx.err(
                    "discount_tiers",
                    "expected at least one tier such as { min_commit = 500000, discount = 0.08 }",
                ));
            }
            let mut tiers: Vec<(f64, f64)> = Vec::new();
            for (i, t) in list.iter().enumerate() {
                let k = format!("discount_tiers[{i}]");
                if !(t.min_commit.is_finite() && t.min_commit >= 0.0) {
                    return Err(
                        cx.err(&format!("{k}.min_commit"), format!("expected an amount >= 0, found {}", t.min_commit))
                    );
                }
                if let Some(j) = tiers.iter().position(|&(m, _)| m == t.min_commit) {
                    return Err(cx.err(
                        &format!("{k}.min_commit"),
                        format!("tier {j} already starts at {}; each tier needs its own min_commit", t.min_commit),
                    ));
                }
                tiers.push((t.min_commit, cx.fraction(&format!("{k}.discount"), Some(t.discount), 0.0, true)?));
            }
            tiers.sort_by(|a, b| a.0.total_cmp(&b.0));
            DiscountRule::Tiers(tiers)
        }
        (d, None) => DiscountRule::Flat(cx.fraction("discount", *d, 0.0, true)?),
    };
    let overage_list = cx.choice("overage", &o.overage, "discounted", &["discounted", "list"])? == "list";
    let locked = cx.choice("rate", &o.rate, "floating", &["floating", "locked"])? == "locked";
    let rollover_fraction = cx.fraction("rollover_fraction", o.rollover_fraction, 0.0, false)?;
    let rollover_cap = cx.fraction("rollover_cap", o.rollover_cap, 0.0, false)?;
    let periods = term.min(cx.horizon).div_ceil(period_months);
    if amounts.len() > periods.max(1) {
        return Err(cx.err(
            "amounts",
            format!(
                "{} amounts given but the term has only {periods} {}-month period(s) within the horizon",
                amounts.len(),
                period_months
            ),
        ));
    }
    let eligible_share = match o.eligible_share {
        None => 1.0,
        Some(e) if e.is_finite() && e > 0.0 && e <= 1.0 => e,
        Some(e) => return Err(cx.err("eligible_share", format!("expected a share in (0, 1], found {e}"))),
    };
    let base = match &o.base_spend {
        None => None,
        Some(b) => {
            if tokens {
                return Err(cx.err("base_spend", "`base_spend` is other spend in dollars: it requires unit = \"usd\""));
            }
            Some(compile_base(b, cx)?)
        }
    };
    Ok(Commit {
        tokens,
        period_months,
        amounts,
        discount,
        overage_list,
        locked,
        rollover_fraction,
        rollover_cap,
        eligible_share,
        base,
        credits: None,
    })
}

fn compile_base(b: &super::file::BaseSpendSec, cx: &OfferCtx) -> Result<BaseSpend> {
    if !(b.monthly.is_finite() && b.monthly >= 0.0 && b.monthly <= max_amount(false)) {
        return Err(cx.err("base_spend.monthly", format!("expected a monthly spend >= 0, found {}", b.monthly)));
    }
    let growth = b.growth_annual.clone().unwrap_or(super::dist::Dist::Fixed(0.0));
    super::values::check_growth(&growth).map_err(|m| cx.err("base_spend.growth_annual", m))?;
    let sigma = match b.volatility_monthly.unwrap_or(0.0) {
        s if s.is_finite() && (0.0..=2.0).contains(&s) => s,
        s => {
            return Err(
                cx.err("base_spend.volatility_monthly", format!("expected a log volatility from 0 to 2, found {s}"))
            )
        }
    };
    let correlation = match b.correlation.unwrap_or(0.0) {
        c if c.is_finite() && (-1.0..=1.0).contains(&c) => c,
        c => return Err(cx.err("base_spend.correlation", format!("expected a correlation from -1 to 1, found {c}"))),
    };
    Ok(BaseSpend { monthly: b.monthly, growth, sigma, correlation })
}

/// `kind = "credits"`: lots by purchase month, a price per dollar of credit,
/// an expiry per lot (SPEC 6.3, 6.10).
fn compile_credits(o: &OfferSec, cx: &OfferCtx, term: usize) -> Result<Commit> {
    let list = o.purchases.as_ref().ok_or_else(|| {
        cx.err("purchases", "missing required key, e.g. purchases = [{ month = \"2027-01\", amount = 200000 }]")
    })?;
    if list.is_empty() {
        return Err(cx.err("purchases", "expected at least one purchase { month, amount }"));
    }
    let last = term.min(cx.horizon);
    let mut lots: Vec<(usize, f64)> = Vec::new();
    for (i, p) in list.iter().enumerate() {
        let k = format!("purchases[{i}]");
        let m = super::month::Month::parse(&p.month)
            .ok_or_else(|| cx.err(&format!("{k}.month"), format!("expected a month YYYY-MM, found `{}`", p.month)))?;
        let t = m.since(cx.start);
        if t < 0 || t as usize >= last {
            return Err(cx.err(
                &format!("{k}.month"),
                format!(
                    "{} is outside the offer's months {} to {}: purchases must fall within the horizon and the term",
                    p.month,
                    cx.start,
                    cx.start.plus(last as i32 - 1)
                ),
            ));
        }
        if !(p.amount.is_finite() && p.amount >= 0.0 && p.amount <= max_amount(false)) {
            return Err(cx.err(&format!("{k}.amount"), format!("expected an amount >= 0, found {}", p.amount)));
        }
        lots.push((t as usize, p.amount));
    }
    // Drawn first-to-expire first; with one expiry for every lot that is
    // purchase order, lots of one month in the order listed (a stable sort).
    lots.sort_by_key(|&(t, _)| t);
    let price = match o.price.unwrap_or(1.0) {
        p if p.is_finite() && p > 0.0 && p <= 1.0 => p,
        p => return Err(cx.err("price", format!("expected dollars paid per dollar of credit in (0, 1], found {p}"))),
    };
    let expires_months = match o.expires_months {
        None => 12,
        Some(e) if (1..=1200).contains(&e) => e as usize,
        Some(e) => {
            return Err(cx.err("expires_months", format!("expected a whole number of months from 1 to 1200, found {e}")))
        }
    };
    Ok(Commit {
        tokens: false,
        period_months: term,
        amounts: lots.iter().map(|l| l.1).collect(),
        discount: DiscountRule::Flat(1.0 - price),
        overage_list: false,
        locked: false,
        rollover_fraction: 0.0,
        rollover_cap: 0.0,
        eligible_share: 1.0,
        base: None,
        credits: Some(Credits { months: lots.iter().map(|l| l.0).collect(), expires_months }),
    })
}

fn compile_provisioned(o: &OfferSec, cx: &OfferCtx, term: usize) -> Result<Provisioned> {
    let units = match (o.units, &o.units_schedule) {
        (Some(_), Some(_)) => {
            return Err(cx.err("units_schedule", "give `units` or `units_schedule`, not both"));
        }
        (None, Some(_)) => 0.0, // set from the schedule below
        (Some(u), None) if u.is_finite() && (0.0..=MAX_UNITS).contains(&u) => u,
        (Some(u), None) => {
            return Err(cx.err("units", format!("expected a number of units from 0 to {MAX_UNITS:e}, found {u}")))
        }
        (None, None) => return Err(cx.err("units", "missing required key (or units_schedule)")),
    };
    let unit_price = match o.unit_price {
        Some(p) if p.is_finite() && p >= 0.0 => p,
        Some(p) => return Err(cx.err("unit_price", format!("expected a price >= 0, found {p}"))),
        None => {
            return Err(cx.err(
                "unit_price",
                "missing required key ($ per unit per hour, or per month with price_basis = \"month\")",
            ))
        }
    };
    let hourly = cx.choice("price_basis", &o.price_basis, "hour", &["hour", "month"])? == "hour";
    let forms = [
        ("tokens_per_minute_per_unit", o.tokens_per_minute_per_unit.is_some()),
        ("limits_per_unit", o.limits_per_unit.is_some()),
        ("list_usd_per_minute_per_unit", o.list_usd_per_minute_per_unit.is_some()),
    ];
    let given: Vec<&str> = forms.iter().filter(|(_, g)| *g).map(|(k, _)| *k).collect();
    if given.len() > 1 {
        let msg = format!("give capacity one way only: {} are both given", given.join(" and "));
        return Err(cx.err(given[1], msg));
    }
    let limits = capacity_limits(o, cx)?;
    let tpm = if limits.is_empty() {
        cx.positive("tokens_per_minute_per_unit", o.tokens_per_minute_per_unit).map_err(|e| {
            match o.tokens_per_minute_per_unit {
                None => cx.err(
                    "tokens_per_minute_per_unit",
                    "missing required key: the capacity of one unit, as tokens_per_minute_per_unit, \
                 limits_per_unit = { input = .., output = .. } or list_usd_per_minute_per_unit",
                ),
                Some(_) => e,
            }
        })?
    } else {
        1.0
    };
    let weighted = [("weights", o.weights.is_some()), ("output_weight", o.output_weight.is_some())];
    if let Some((k, _)) = weighted.iter().find(|(_, set)| *set && !limits.is_empty()) {
        return Err(
            cx.err(k, format!("`{k}` weighs effective tokens: it applies with tokens_per_minute_per_unit only"))
        );
    }
    let output_weight = cx.positive("output_weight", Some(o.output_weight.unwrap_or(1.0)))?;
    let weights = class_weights(o, cx, output_weight)?;
    let eligible = eligible_tiers(o, cx)?;
    if output_weight > MAX_OUTPUT_WEIGHT {
        let msg = format!(
            "expected an output token's weight in capacity from above 0 to {MAX_OUTPUT_WEIGHT}, found {output_weight}"
        );
        return Err(cx.err("output_weight", msg));
    }
    let min_units = match o.min_units.unwrap_or(0.0) {
        m if m.is_finite() && m >= 0.0 => m,
        m => return Err(cx.err("min_units", format!("expected a number >= 0, found {m}"))),
    };
    let increment = cx.positive("increment", Some(o.increment.unwrap_or(1.0)))?;
    let (units, shape) = match &o.units_schedule {
        None => {
            check_units(units, min_units, increment).map_err(|m| cx.err("units", m))?;
            (units, None)
        }
        Some(list) => units_by_month(list, cx, term, min_units, increment)?,
    };
    let drop = cx.choice("overflow", &o.overflow, "payg", &["payg", "drop"])? == "drop";
    let load = match &o.load {
        None => {
            return Err(cx.err(
                "load",
                "missing required key: load = { peak_to_mean = 3.0 } or load = { profile = \"load.csv\" }",
            ))
        }
        Some(l) => match (l.peak_to_mean, &l.profile) {
            (Some(q), None) => {
                let s = lognormal_sigma(q).ok_or_else(|| {
                    cx.err(
                        "load.peak_to_mean",
                        format!(
                            "expected a ratio above 1 and below {:.2} (where no lognormal has that 99th percentile over its mean), found {q}",
                            (Z99 * Z99 / 2.0).exp()
                        ),
                    )
                })?;
                Load::LogNormal { peak_to_mean: q, s, table: Arc::new(ServedTable::new(s)) }
            }
            (None, Some(p)) => {
                Load::Profile(Arc::new(super::profile::load_profile(cx.file, p, &cx.key("load.profile"))?))
            }
            _ => return Err(cx.err("load", "give exactly one of `peak_to_mean` or `profile`")),
        },
    };
    Ok(Provisioned {
        units,
        unit_price,
        hourly,
        tokens_per_minute_per_unit: tpm,
        output_weight,
        weights,
        limits,
        eligible,
        shape,
        min_units,
        increment,
        load,
        drop,
    })
}

/// The class names of `weights` and `limits_per_unit`, in class order.
const CLASSES: [&str; 5] = ["input", "output", "cached", "cache_write", "cache_write_long"];

/// A class name of `weights` or `limits_per_unit`, or an error naming the closest.
fn class_index(cx: &OfferCtx, table: &str, name: &str) -> Result<usize> {
    CLASSES.iter().position(|c| *c == name).ok_or_else(|| {
        let hint = crate::error::closest(name, CLASSES.iter().copied())
            .map(|c| format!("; did you mean `{c}`?"))
            .unwrap_or_default();
        cx.err(&format!("{table}.{name}"), format!("expected a token class ({}){hint}", CLASSES.join(", ")))
    })
}

/// `weights = { input = 1, cached = 0, output = 4, ... }`: per-class
/// weights of effective tokens (SPEC 6.2); a class not named keeps 1, and
/// output `output_weight`. Naming `output` beside `output_weight` is an error.
fn class_weights(o: &OfferSec, cx: &OfferCtx, output_weight: f64) -> Result<Option<[f64; 5]>> {
    let Some(table) = &o.weights else { return Ok(None) };
    let mut w = [1.0, output_weight, 1.0, 1.0, 1.0];
    for (name, &v) in table {
        let k = class_index(cx, "weights", name)?;
        if k == 1 && o.output_weight.is_some() {
            return Err(
                cx.err("weights.output", "give the output weight once: weights.output or output_weight, not both")
            );
        }
        if !(v.is_finite() && (0.0..=MAX_OUTPUT_WEIGHT).contains(&v)) {
            return Err(cx.err(
                &format!("weights.{name}"),
                format!("expected a weight from 0 to {MAX_OUTPUT_WEIGHT} effective tokens per token, found {v}"),
            ));
        }
        w[k] = v;
    }
    Ok(Some(w))
}

/// `limits_per_unit` (one limit per named class; cached reads and cache
/// writes count toward `input` unless named, SPEC 6.10) or
/// `list_usd_per_minute_per_unit` (one limit on list dollars).
fn capacity_limits(o: &OfferSec, cx: &OfferCtx) -> Result<Vec<Limit>> {
    if let Some(usd) = o.list_usd_per_minute_per_unit {
        let per_unit = cx.positive("list_usd_per_minute_per_unit", Some(usd))?;
        return Ok(vec![Limit { name: "list_usd".into(), per_unit, classes: [0.0; 5], list_usd: true }]);
    }
    let Some(table) = &o.limits_per_unit else { return Ok(Vec::new()) };
    if table.is_empty() {
        return Err(cx.err("limits_per_unit", "expected at least one limit, e.g. { input = 100_000, output = 10_000 }"));
    }
    let mut named = [false; 5];
    let mut per_class = [0.0; 5];
    for (name, &v) in table {
        let k = class_index(cx, "limits_per_unit", name)?;
        per_class[k] = cx.positive(&format!("limits_per_unit.{name}"), Some(v))?;
        named[k] = true;
    }
    // Each class counts toward exactly one limit: its own when named,
    // otherwise input (cached reads, cache writes) or output.
    let home = |k: usize| {
        if named[k] {
            k
        } else if k == 1 {
            1
        } else {
            0
        }
    };
    for k in 0..5 {
        if !named[home(k)] {
            let (class, to) = (CLASSES[k], CLASSES[home(k)]);
            let msg = format!(
                "{class} tokens count toward the `{to}` limit, which is not given; add `{to}` (or a limit for `{class}`)"
            );
            return Err(cx.err("limits_per_unit", msg));
        }
    }
    Ok((0..5)
        .filter(|&k| named[k])
        .map(|j| {
            let mut classes = [0.0; 5];
            for (k, c) in classes.iter_mut().enumerate() {
                if home(k) == j {
                    *c = 1.0;
                }
            }
            Limit { name: CLASSES[j].into(), per_unit: per_class[j], classes, list_usd: false }
        })
        .collect())
}

/// `eligible_tiers`: `standard` and `priority` only (batch and flex always
/// go to pay-as-you-go, SPEC 6.2).
fn eligible_tiers(o: &OfferSec, cx: &OfferCtx) -> Result<Eligible> {
    let Some(tiers) = &o.eligible_tiers else { return Ok(Eligible::default()) };
    let mut e = Eligible { priority: false, batch: false };
    for t in tiers {
        match t.as_str() {
            "standard" => {}
            "priority" => e.priority = true,
            "batch" | "flex" => {
                return Err(cx.err(
                    "eligible_tiers",
                    format!("`{t}` traffic is never served by reserved capacity (it always goes to pay-as-you-go); list \"standard\" and \"priority\" only"),
                ))
            }
            other => {
                let hint = crate::error::closest(other, ["standard", "priority"])
                    .map(|c| format!("; did you mean `{c}`?"))
                    .unwrap_or_default();
                return Err(cx.err("eligible_tiers", format!("unknown tier `{other}`: expected \"standard\" or \"priority\"{hint}")));
            }
        }
    }
    if !tiers.iter().any(|t| t == "standard") {
        return Err(cx.err(
            "eligible_tiers",
            "the standard tier is always served: list \"standard\" (and \"priority\" if it is served too)",
        ));
    }
    Ok(e)
}

/// `units_schedule = [{ from, units }, ...]` (SPEC 6.2, 6.10): entries in
/// month order, the first at the offer's first month, each holding until
/// the next; every month's units obey `min_units` and `increment`. Returns
/// the mean units over the term's months within the horizon and the
/// month-by-month units over that mean.
fn units_by_month(
    list: &[super::file::UnitsSec],
    cx: &OfferCtx,
    term: usize,
    min_units: f64,
    increment: f64,
) -> Result<(f64, Option<Arc<Vec<f64>>>)> {
    if list.is_empty() {
        return Err(cx.err("units_schedule", "expected at least one entry { from, units }"));
    }
    let months = term.min(cx.horizon);
    let mut by_month = vec![0.0; months];
    let mut prev: Option<i32> = None;
    for (i, e) in list.iter().enumerate() {
        let k = format!("units_schedule[{i}]");
        let m = super::month::Month::parse(&e.from)
            .ok_or_else(|| cx.err(&format!("{k}.from"), format!("expected a month YYYY-MM, found `{}`", e.from)))?;
        let t = m.since(cx.start);
        match prev {
            None if t != 0 => {
                return Err(cx.err(
                    &format!("{k}.from"),
                    format!("the schedule starts at the offer's first month, {}, not {}", cx.start, e.from),
                ))
            }
            Some(p) if t <= p => {
                return Err(cx.err(
                    &format!("{k}.from"),
                    format!("entries must be in month order: {} is not after the entry before it", e.from),
                ))
            }
            _ => {}
        }
        if !(e.units.is_finite() && (0.0..=MAX_UNITS).contains(&e.units)) {
            return Err(cx.err(
                &format!("{k}.units"),
                format!("expected a number of units from 0 to {MAX_UNITS:e}, found {}", e.units),
            ));
        }
        check_units(e.units, min_units, increment).map_err(|m| cx.err(&format!("{k}.units"), m))?;
        for u in by_month.iter_mut().skip(t.max(0) as usize) {
            *u = e.units;
        }
        prev = Some(t);
    }
    let mean = by_month.iter().sum::<f64>() / months.max(1) as f64;
    let shape = by_month.iter().map(|&u| if mean > 0.0 { u / mean } else { 0.0 }).collect();
    Ok((mean, Some(Arc::new(shape))))
}
