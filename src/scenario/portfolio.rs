//! `[[portfolios]]` (SPEC 6.6): offers billed layer by layer, checked so
//! that each layer names one offer once and can serve something.

use std::path::Path;

use crate::error::{closest, Error, Result};
use crate::spec::file::PortfolioSec;
use crate::spec::offer::{Offer, OfferKind, Portfolio, Scope};

/// The most layers a portfolio may have.
pub const MAX_LAYERS: usize = 16;

/// Compiles the `[[portfolios]]` tables against the scenario's offers.
pub(super) fn compile(path: &Path, raw: &[PortfolioSec], offers: &[Offer], horizon: usize) -> Result<Vec<Portfolio>> {
    let mut out: Vec<Portfolio> = Vec::new();
    for (i, p) in raw.iter().enumerate() {
        let key = |k: &str| format!("portfolios[{i}].{k}");
        let err = |k: &str, m: String| Error::invalid(path, key(k), m);
        if p.name.trim().is_empty() {
            return Err(err("name", "expected a non-empty portfolio name".into()));
        }
        if offers.iter().any(|o| o.name == p.name) || out.iter().any(|q| q.name == p.name) {
            return Err(err(
                "name",
                format!("`{}` already names an offer or a portfolio; names must be unique", p.name),
            ));
        }
        if p.layers.is_empty() || p.layers.len() > MAX_LAYERS {
            return Err(err(
                "layers",
                format!("expected 1 to {MAX_LAYERS} offers, in the order traffic meets them, found {}", p.layers.len()),
            ));
        }
        let mut layers: Vec<usize> = Vec::new();
        for (j, name) in p.layers.iter().enumerate() {
            let Some(idx) = offers.iter().position(|o| &o.name == name) else {
                let hint = closest(name, offers.iter().map(|o| o.name.as_str()))
                    .map(|c| format!("; did you mean `{c}`?"))
                    .unwrap_or_default();
                return Err(err(&format!("layers[{j}]"), format!("no offer is named `{name}`{hint}")));
            };
            if let Some(k) = layers.iter().position(|&l| l == idx) {
                return Err(err(
                    &format!("layers[{j}]"),
                    format!("offer `{name}` is already layer {k}; each offer can be one layer only"),
                ));
            }
            // A layer that an earlier layer serves entirely would bill only
            // its fees and commitments: which of the two was meant is ambiguous.
            for &earlier in &layers {
                let (a, b) = (&offers[earlier], &offers[idx]);
                if serves_all(a)
                    && contains(&a.scope, &b.scope)
                    && a.term_months.min(horizon) >= b.term_months.min(horizon)
                {
                    return Err(err(
                        &format!("layers[{j}]"),
                        format!(
                            "`{}` serves all of `{name}`'s scope before it (every in-scope token during its term), so \
                             `{name}` would never be reached; narrow the earlier layer's scope, or put `{name}` first",
                            a.name
                        ),
                    ));
                }
            }
            layers.push(idx);
        }
        out.push(Portfolio { name: p.name.clone(), layers });
    }
    Ok(out)
}

/// Whether a layer serves every in-scope token during its term (passes
/// nothing on): pay-as-you-go, credits, and commits with all spend eligible.
fn serves_all(o: &Offer) -> bool {
    match &o.kind {
        OfferKind::Payg(_) => true,
        OfferKind::Commit(c) => c.eligible_share >= 1.0,
        OfferKind::Provisioned(_) => false,
    }
}

/// Whether scope `a` covers everything scope `b` covers (filter by filter).
fn contains(a: &Scope, b: &Scope) -> bool {
    let within = |fa: &Option<Vec<String>>, fb: &Option<Vec<String>>| match (fa, fb) {
        (None, _) => true,
        (Some(_), None) => false,
        (Some(la), Some(lb)) => lb.iter().all(|x| la.contains(x)),
    };
    within(&a.providers, &b.providers) && within(&a.models, &b.models) && within(&a.workloads, &b.workloads)
}
