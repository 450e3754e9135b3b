//! The spend view (issue 18, docs/model.md "Spend view"): expected list
//! spend per vendor, per workload and per fiscal year with its p5–p95, and
//! the effective price per model ($/Mtok) under each offer, from one pass
//! over the same futures `simulate` bills. `forecast` and the brief call
//! [`measure`] on the same plan, so their numbers agree to the last bit.

use serde::Serialize;

use super::stats::{mean, percentiles, std_error, units};
use crate::error::Result;
use crate::scenario::Scenario;
use crate::sim::engine::{check_budget, map_paths};
use crate::sim::view::billers_for;
use crate::sim::Plan;
use crate::spec::Month;

/// A fiscal year, or the part of one inside the horizon.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct FiscalYear {
    /// `FY2027`: named by the calendar year it ends in.
    pub name: String,
    /// Its first month inside the horizon (`YYYY-MM`).
    pub first: String,
    /// Its last month inside the horizon.
    pub last: String,
    /// Months of it inside the horizon (12 unless the horizon cuts it).
    pub months: usize,
}

/// The distribution of one spend figure over the paths.
#[derive(Debug, Clone, Copy, Serialize, PartialEq)]
pub struct Spread {
    /// Mean.
    pub mean: f64,
    /// Standard error of the mean (of antithetic pair means under pairs).
    pub se: f64,
    /// 5th percentile.
    pub p5: f64,
    /// Median.
    pub p50: f64,
    /// 95th percentile.
    pub p95: f64,
}

/// List spend of one vendor, one workload, or everything.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct GroupSpend {
    /// Vendor (catalog provider), workload name, or `total`.
    pub name: String,
    /// Per fiscal year, in the order of [`SpendReport::years`].
    pub years: Vec<Spread>,
    /// Over the whole horizon.
    pub horizon: Spread,
}

/// One offer's effective price of a model.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct OfferPrice {
    /// Offer name.
    pub offer: String,
    /// Dollars (the catalog's currency) per million tokens.
    pub usd_per_mtok: f64,
    /// Its standard error (delta method).
    pub se: f64,
}

/// A model's tokens, list price and effective price under each offer.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct ModelPrice {
    /// Model id.
    pub model: String,
    /// Its vendor.
    pub vendor: String,
    /// Mean tokens over the horizon.
    pub tokens: f64,
    /// Mean list cost over mean tokens, per million.
    pub list_usd_per_mtok: f64,
    /// Under each offer, in scenario order.
    pub offers: Vec<OfferPrice>,
}

/// What each offer costs in the spend view, and what no model carries.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct OfferSpend {
    /// Offer name.
    pub offer: String,
    /// Mean cost over the horizon (the plain mean of the paths).
    pub cost: f64,
    /// Mean cost billed while no in-scope model had any list cost (a fee
    /// for capacity nothing used), which no model's price carries.
    pub unallocated: f64,
}

/// The spend view.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct SpendReport {
    /// Currency of every amount.
    pub currency: String,
    /// First month of the fiscal year (1 to 12).
    pub fiscal_year_start: u32,
    /// The fiscal years the horizon touches.
    pub years: Vec<FiscalYear>,
    /// All list spend.
    pub total: GroupSpend,
    /// Per vendor, sorted by name.
    pub vendors: Vec<GroupSpend>,
    /// Per workload (and launch), in scenario order.
    pub workloads: Vec<GroupSpend>,
    /// Per model, in catalog order.
    pub models: Vec<ModelPrice>,
    /// Per offer, in scenario order.
    pub offers: Vec<OfferSpend>,
}

/// The fiscal year a month falls in: the calendar year it ends in.
pub fn fiscal_year(m: Month, start: u32) -> i32 {
    if start > 1 && m.month() >= start {
        m.year() + 1
    } else {
        m.year()
    }
}

/// Whether every model the scenario's usage runs on has a price: a
/// `forecast --history` without a catalog knows its models only by name.
pub fn priced(sc: &Scenario) -> bool {
    let plan_models = sc.workloads.iter().map(|w| w.model).chain(sc.events.iter().map(|e| e.model));
    plan_models.chain(sc.routing.iter().flat_map(|r| [r.from, r.to])).all(|m| !sc.catalog.models[m].provider.is_empty())
}

/// Per-path layout: vendor × year, workload × year, model tokens, model
/// list cost, offer × model allocated cost, offer unallocated cost.
struct Layout {
    year_of: Vec<usize>,
    years: usize,
    vendors: Vec<String>,
    workloads: Vec<String>,
    models: Vec<usize>,
    /// Per segment: (vendor, workload, model) indices, and segments in
    /// source order (then plan order within a source).
    seg: Vec<(usize, usize, usize)>,
    order: Vec<usize>,
    offers: usize,
}

impl Layout {
    fn width(&self) -> usize {
        let (y, m) = (self.years, self.models.len());
        (self.vendors.len() + self.workloads.len()) * y + 2 * m + self.offers * (m + 1)
    }
}

/// Measures the spend view of `sc` on `plan` (the full plan).
pub fn measure(sc: &Scenario, plan: &Plan, progress: &(dyn Fn(u64) + Sync)) -> Result<SpendReport> {
    let h = plan.horizon;
    let months: Vec<Month> = (0..h).map(|t| sc.start.plus(t as i32)).collect();
    let mut names: Vec<i32> = months.iter().map(|&m| fiscal_year(m, sc.fiscal_year_start)).collect();
    let year_of: Vec<usize> = names.iter().map(|&y| (y - names[0]) as usize).collect();
    names.dedup();
    let years: Vec<FiscalYear> = names
        .iter()
        .enumerate()
        .map(|(k, &y)| {
            let ts: Vec<usize> = (0..h).filter(|&t| year_of[t] == k).collect();
            FiscalYear {
                name: format!("FY{y}"),
                first: months[ts[0]].to_string(),
                last: months[*ts.last().expect("a year has a month")].to_string(),
                months: ts.len(),
            }
        })
        .collect();
    let cat = &sc.catalog;
    let mut vendors: Vec<String> = plan.segments.iter().map(|s| cat.models[s.model].provider.clone()).collect();
    vendors.sort();
    vendors.dedup();
    let mut workloads: Vec<String> = Vec::new();
    for s in &plan.sources {
        if !workloads.contains(&s.name) {
            workloads.push(s.name.clone());
        }
    }
    let mut models: Vec<usize> = plan.segments.iter().map(|s| s.model).collect();
    models.sort_unstable();
    models.dedup();
    let seg = plan
        .segments
        .iter()
        .map(|s| {
            let v = vendors.iter().position(|x| *x == cat.models[s.model].provider).expect("listed");
            let w = workloads.iter().position(|x| *x == plan.sources[s.source].name).expect("listed");
            let m = models.iter().position(|&x| x == s.model).expect("listed");
            (v, w, m)
        })
        .collect();
    let mut order: Vec<usize> = (0..plan.segments.len()).collect();
    order.sort_by_key(|&s| plan.segments[s].source);
    let lay = Layout { year_of, years: years.len(), vendors, workloads, models, seg, order, offers: sc.offers.len() };
    let width = lay.width();
    check_budget(plan.paths, width as u64, "the spend view")?;
    let (views, billers) = billers_for(&sc.offers, plan, cat);
    let part = map_paths(plan, &views, 0..plan.chunks(), |ps, data| {
        let mut row = vec![0.0; width];
        let (y, nv, nw, nm) = (lay.years, lay.vendors.len(), lay.workloads.len(), lay.models.len());
        let (wy, mt) = (nv * y, (nv + nw) * y);
        let (ml, om) = (mt + nm, mt + 2 * nm);
        let ou = om + lay.offers * nm;
        for &s in &lay.order {
            let (v, w, m) = lay.seg[s];
            let (tok, cost) = (ps.seg_tokens(s), ps.seg_cost(s));
            for t in 0..h {
                let k = lay.year_of[t];
                row[v * y + k] += cost[t];
                row[wy + w * y + k] += cost[t];
                row[mt + m] += tok[t];
                row[ml + m] += cost[t];
            }
        }
        let mut inside = vec![0.0; nm];
        for (o, b) in billers.iter().enumerate() {
            let view = &views[b.view];
            let d = &data[b.view];
            let bill = b.bill(d);
            inside.iter_mut().for_each(|x| *x = 0.0);
            for &s in &view.segments {
                inside[lay.seg[s].2] += crate::math::sum(&ps.seg_cost(s)[..view.term]);
            }
            let fees = bill.cost - d.outside;
            let total_in: f64 = inside.iter().sum();
            for m in 0..nm {
                let share = if total_in > 0.0 { fees * inside[m] / total_in } else { 0.0 };
                row[om + o * nm + m] = row[ml + m] - inside[m] + share;
            }
            row[ou + o] = if total_in > 0.0 { 0.0 } else { fees };
        }
        row
    });
    progress(part.len() as u64);
    let rows: Vec<f64> = part.into_iter().flatten().collect();
    Ok(summarise(sc, &lay, years, &rows, width))
}

fn summarise(sc: &Scenario, lay: &Layout, years: Vec<FiscalYear>, rows: &[f64], width: usize) -> SpendReport {
    let n = rows.len() / width.max(1);
    let pairs = sc.sampling.antithetic();
    let col = |c: usize| -> Vec<f64> { (0..n).map(|i| rows[i * width + c]).collect() };
    let spread = |x: &[f64]| {
        let q = percentiles(x, &[5.0, 50.0, 95.0]);
        Spread { mean: mean(x), se: std_error(&units(x, 1, pairs)), p5: q[0], p50: q[1], p95: q[2] }
    };
    let y = lay.years;
    // A group's per-path spend by year from its columns, and over the horizon.
    let group = |name: String, cols: Vec<Vec<f64>>| {
        let all: Vec<f64> = (0..n).map(|i| cols.iter().map(|c| c[i]).sum()).collect();
        GroupSpend { name, years: cols.iter().map(|c| spread(c)).collect(), horizon: spread(&all) }
    };
    let (nv, nw, nm) = (lay.vendors.len(), lay.workloads.len(), lay.models.len());
    let vendor_cols: Vec<Vec<Vec<f64>>> = (0..nv).map(|v| (0..y).map(|k| col(v * y + k)).collect()).collect();
    let total_cols: Vec<Vec<f64>> =
        (0..y).map(|k| (0..n).map(|i| vendor_cols.iter().map(|v| v[k][i]).sum()).collect()).collect();
    let total = group("total".into(), total_cols);
    let vendors = lay.vendors.iter().zip(vendor_cols).map(|(name, cols)| group(name.clone(), cols)).collect();
    let workloads =
        (0..nw).map(|w| group(lay.workloads[w].clone(), (0..y).map(|k| col((nv + w) * y + k)).collect())).collect();
    let (mt, ml) = ((nv + nw) * y, (nv + nw) * y + nm);
    let (om, ou) = (ml + nm, ml + nm + lay.offers * nm);
    let ratio = |c: &[f64], t: &[f64]| {
        let (cu, tu) = (units(c, 1, pairs), units(t, 1, pairs));
        let (cm, tm) = (mean(&cu), mean(&tu));
        let r = cm / tm;
        let resid: Vec<f64> = cu.iter().zip(&tu).map(|(a, b)| a - r * b).collect();
        (mean(c) / mean(t) * 1e6, std_error(&resid) / tm * 1e6)
    };
    let cat = &sc.catalog;
    let models = (0..nm)
        .map(|m| {
            let tok = col(mt + m);
            let model = &cat.models[lay.models[m]];
            let offers = sc
                .offers
                .iter()
                .enumerate()
                .map(|(o, offer)| {
                    let (usd_per_mtok, se) = ratio(&col(om + o * nm + m), &tok);
                    OfferPrice { offer: offer.name.clone(), usd_per_mtok, se }
                })
                .collect();
            ModelPrice {
                model: model.id.clone(),
                vendor: model.provider.clone(),
                tokens: mean(&tok),
                list_usd_per_mtok: mean(&col(ml + m)) / mean(&tok) * 1e6,
                offers,
            }
        })
        .collect();
    let offers = sc
        .offers
        .iter()
        .enumerate()
        .map(|(o, offer)| {
            let cost: Vec<f64> = (0..n)
                .map(|i| (0..nm).map(|m| rows[i * width + om + o * nm + m]).sum::<f64>() + rows[i * width + ou + o])
                .collect();
            OfferSpend { offer: offer.name.clone(), cost: mean(&cost), unallocated: mean(&col(ou + o)) }
        })
        .collect();
    SpendReport {
        currency: cat.currency.clone(),
        fiscal_year_start: sc.fiscal_year_start,
        years,
        total,
        vendors,
        workloads,
        models,
        offers,
    }
}
