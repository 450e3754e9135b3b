//! Portfolios in `simulate` and the brief (SPEC 6.6): each portfolio billed
//! layer by layer on the same futures as the offers, with an offer's figures.

use super::simulate::{commitment_of, cost_savings, LayerResult, OfferResult, ProvisionedStats};
use super::stats::{mean, percentiles};
use crate::error::Result;
use crate::pricing::PathBill;
use crate::scenario::Scenario;
use crate::sim::engine::OfferPaths;
use crate::sim::portfolio::{bill_paths, PortfolioBiller};
use crate::sim::Plan;
use crate::spec::offer::{OfferKind, Portfolio};

/// The biller of portfolio `p` of `sc`.
pub fn biller(sc: &Scenario, plan: &Plan, p: &Portfolio) -> PortfolioBiller {
    let layers: Vec<_> = p.layers.iter().map(|&i| &sc.offers[i]).collect();
    PortfolioBiller::new(&layers, plan, &sc.catalog)
}

/// Every portfolio of `sc`, billed on `plan`'s futures, against the
/// baseline's per-path costs `base` (from a run on the same plan).
pub fn results(sc: &Scenario, plan: &Plan, base: &[f64], progress: &(dyn Fn(u64) + Sync)) -> Result<Vec<OfferResult>> {
    if sc.portfolios.is_empty() {
        return Ok(Vec::new());
    }
    let billers: Vec<PortfolioBiller> = sc.portfolios.iter().map(|p| biller(sc, plan, p)).collect();
    let paths = bill_paths(plan, &billers, progress);
    let out = sc
        .portfolios
        .iter()
        .zip(&billers)
        .zip(&paths)
        .map(|((p, b), pp)| {
            let layers: Vec<LayerResult> = p
                .layers
                .iter()
                .zip(&pp.layers)
                .zip(&b.layers)
                .map(|((&i, bills), l)| layer_result(sc, &sc.offers[i].name, &l.biller.kind, l.view.term, bills))
                .collect();
            result(sc, &p.name, b, &pp.bills, layers, base)
        })
        .collect();
    Ok(out)
}

/// Columns of per-path bills.
fn columns(bills: &[PathBill]) -> OfferPaths {
    OfferPaths {
        cost: bills.iter().map(|b| b.cost).collect(),
        waste: bills.iter().map(|b| b.waste).collect(),
        overage: bills.iter().map(|b| b.overage).collect(),
        util: bills.iter().map(|b| b.util).collect(),
        spill: bills.iter().map(|b| b.spill).collect(),
        unserved: bills.iter().map(|b| b.unserved).collect(),
        ..OfferPaths::default()
    }
}

fn provisioned_stats(p: &OfferPaths) -> ProvisionedStats {
    ProvisionedStats {
        utilization_mean: mean(&p.util),
        utilization_p5: percentiles(&p.util, &[5.0])[0],
        spillover_share_mean: mean(&p.spill),
        unserved_tokens_mean: mean(&p.unserved),
        break_even_utilization: None,
        prob_overcommit: None,
        limits: None,
    }
}

fn layer_result(sc: &Scenario, name: &str, kind: &OfferKind, term: usize, bills: &[PathBill]) -> LayerResult {
    let p = columns(bills);
    let (commitment, provisioned) = match kind {
        OfferKind::Commit(c) => {
            (Some(commitment_of(super::simulate::committed(c, term), &p, sc.risk.waste_tolerance)), None)
        }
        OfferKind::Provisioned(_) => (None, Some(provisioned_stats(&p))),
        OfferKind::Payg(_) => (None, None),
    };
    LayerResult { offer: name.into(), kind: kind.name().into(), cost_mean: mean(&p.cost), commitment, provisioned }
}

/// A portfolio's figures: its commitment block sums its commit and credits
/// layers' (`prob_overcommit`: the layers' total unused above the tolerance
/// of their total commitment); its provisioned block is its one provisioned
/// layer's (none with none; with several, each layer carries its own).
fn result(
    sc: &Scenario,
    name: &str,
    b: &PortfolioBiller,
    bills: &[PathBill],
    layers: Vec<LayerResult>,
    base: &[f64],
) -> OfferResult {
    let p = columns(bills);
    let (cost, savings, effective_savings_rate) = cost_savings(&p.cost, base, sc.sampling.antithetic());
    let has_commit = b.layers.iter().any(|l| matches!(l.biller.kind, OfferKind::Commit(_)));
    let commitment = has_commit.then(|| commitment_of(b.committed(), &p, sc.risk.waste_tolerance));
    let prov: Vec<&LayerResult> = layers.iter().filter(|l| l.provisioned.is_some()).collect();
    let provisioned = if prov.len() == 1 { prov[0].provisioned.clone() } else { None };
    OfferResult {
        name: name.into(),
        kind: "portfolio".into(),
        cost,
        savings,
        effective_savings_rate,
        commitment,
        provisioned,
        layers: Some(layers),
    }
}
