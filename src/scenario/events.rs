//! Launch events and routing moves of `[forecast]` (SPEC 4.1).

use std::path::Path;

use super::{check_mix, check_share_dist, negligible, unit_interval, Event, Routing, MAX_MONTHLY_TOKENS};
use crate::error::{Error, Result};
use crate::spec::catalog::Catalog;
use crate::spec::file::{EventSec, RoutingSec};
use crate::spec::month::Month;

pub(crate) fn compile_events(
    path: &Path,
    list: &[EventSec],
    catalog: &Catalog,
    start: Month,
    warnings: &mut Vec<String>,
) -> Result<Vec<Event>> {
    let mut out = Vec::new();
    for (i, e) in list.iter().enumerate() {
        let key = |k: &str| format!("forecast.events[{i}].{k}");
        let bad = |k: &str, m: String| Error::invalid(path, key(k), m);
        if e.name.trim().is_empty() {
            return Err(bad("name", "expected a non-empty name: it names the event in warnings and reports".into()));
        }
        let model = catalog.find(&e.model).map_err(|m| bad("model", m))?;
        let probability = unit_interval(e.probability)
            .ok_or_else(|| bad("probability", format!("expected a probability in [0, 1], found {}", e.probability)))?;
        let month = Month::parse(&e.start)
            .ok_or_else(|| bad("start", format!("expected a month as YYYY-MM, found `{}`", e.start)))?;
        let lo = e.monthly_tokens.cdf(-1e-9);
        let hi = 1.0 - e.monthly_tokens.cdf(MAX_MONTHLY_TOKENS);
        if lo.is_nan() || hi.is_nan() {
            return Err(bad("monthly_tokens", "the probabilities of this distribution cannot be computed (its parameters are too extreme); use values of a plausible size".into()));
        }
        if !negligible(lo) {
            return Err(bad(
                "monthly_tokens",
                format!(
                    "this distribution draws negative volumes with probability {lo:.4}; use a lognormal or bounded one"
                ),
            ));
        }
        if !negligible(hi) {
            let msg = format!(
                "this distribution draws more than {MAX_MONTHLY_TOKENS:e} tokens a month with probability {hi:.4}"
            );
            return Err(bad("monthly_tokens", msg));
        }
        let ramp = e.ramp_months.unwrap_or(1);
        if !(1..=120).contains(&ramp) {
            return Err(bad("ramp_months", format!("expected 1 to 120 months, found {ramp}")));
        }
        let (shares, batch_share, traffic) = check_mix(&e.mix()).map_err(|(k, m)| bad(k, m))?;
        let offset = month.since(start);
        if offset < 0 {
            warnings.push(format!(
                "event `{}` starts before the scenario start; it is treated as already {} months old, grown since its start",
                e.name, -offset
            ));
        }
        out.push(Event {
            name: e.name.clone(),
            workload: e.workload.clone().unwrap_or_else(|| e.name.clone()),
            model,
            probability,
            start: offset,
            monthly_tokens: e.monthly_tokens.clone(),
            ramp_months: ramp as f64,
            shares,
            batch_share,
            traffic,
        });
    }
    Ok(out)
}

pub(crate) fn compile_routing(
    path: &Path,
    list: &[RoutingSec],
    catalog: &Catalog,
    start: Month,
) -> Result<Vec<Routing>> {
    let mut out = Vec::new();
    for (i, r) in list.iter().enumerate() {
        let key = |k: &str| format!("forecast.routing[{i}].{k}");
        let bad = |k: &str, m: String| Error::invalid(path, key(k), m);
        let from = catalog.find(&r.from).map_err(|m| bad("from", m))?;
        let to = catalog.find(&r.to).map_err(|m| bad("to", m))?;
        if from == to {
            return Err(bad("to", "routing moves traffic to a different model; `from` and `to` are the same".into()));
        }
        check_share_dist(&r.share).map_err(|m| bad("share", m))?;
        let s = Month::parse(&r.start)
            .ok_or_else(|| bad("start", format!("expected a month as YYYY-MM, found `{}`", r.start)))?;
        let b =
            Month::parse(&r.by).ok_or_else(|| bad("by", format!("expected a month as YYYY-MM, found `{}`", r.by)))?;
        if b < s {
            return Err(bad(
                "by",
                format!("the move must complete ({}) no earlier than it begins ({})", r.by, r.start),
            ));
        }
        out.push(Routing { from, to, share: r.share.clone(), start: s.since(start), by: b.since(start) });
    }
    Ok(out)
}
