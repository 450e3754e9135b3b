//! What went into the brief: the scenario's assumptions in words (each
//! workload's growth and volatility, events, routing, correlation, price
//! change, risk limit), the catalog date and the published source of every
//! price used, and the SHA-256 of every input file.

use std::path::Path;

use serde::Serialize;
use sha2::{Digest, Sha256};

use super::{InputFile, Reproducibility};
use crate::error::{Error, Result};
use crate::scenario::Scenario;
use crate::scenario::VolumeModel;
use crate::sim::Plan;
use crate::spec::dist::Dist;
use crate::spec::offer::{Load, OfferKind};
use crate::spec::values::Growth;
use crate::units::{count, money, pct};

/// The scenario's assumptions, described for a reader.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Assumptions {
    /// One row per workload.
    pub workloads: Vec<WorkloadRow>,
    /// Possible launches.
    pub events: Vec<String>,
    /// Routing moves.
    pub routing: Vec<String>,
    /// Correlation of workloads' growth and shocks.
    pub correlation: f64,
    /// Growth damping per month.
    pub damping: f64,
    /// Annual list-price change, described.
    pub price_change: String,
    /// Sudden price cuts, described, if any.
    pub step_cut: Option<String>,
    /// Baseline offer.
    pub baseline: String,
    /// Over-commitment threshold (share of the commitment unused).
    pub waste_tolerance: f64,
    /// Risk limit: highest acceptable probability of over-commitment.
    pub max_overcommit_probability: f64,
    /// The catalog file.
    pub catalog_file: String,
    /// When the catalog's prices were read.
    pub catalog_as_of: String,
    /// Each model the scenario's tokens run on, with its prices and source.
    pub models: Vec<ModelRow>,
    /// Each offer's terms in one line.
    pub offers: Vec<OfferRow>,
}

/// A workload's assumptions.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct WorkloadRow {
    /// Workload name.
    pub name: String,
    /// Model id.
    pub model: String,
    /// Tokens in the month before the start.
    pub base_tokens: f64,
    /// Growth: the distribution, or the fitted model.
    pub growth: String,
    /// Monthly volatility (log-sd), or how the fitted model carries it.
    pub volatility: String,
    /// Input / output / cached shares.
    pub mix: String,
}

/// A model's list prices and where they were published.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct ModelRow {
    /// Model id.
    pub id: String,
    /// Provider.
    pub provider: String,
    /// $ per 1M input, output, cached input tokens, as text.
    pub prices: String,
    /// Announced changes, as text.
    pub schedule: String,
    /// The source, when it is an http(s) address (shown as a link).
    pub source_url: Option<String>,
    /// The source when it is not an address (shown as text).
    pub source_text: Option<String>,
    /// When the source was read.
    pub read: Option<String>,
}

/// An offer's terms in one line.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct OfferRow {
    /// Offer name.
    pub name: String,
    /// Its terms.
    pub terms: String,
}

/// Describes the assumptions of `sc` (whose plan is `plan`).
pub fn describe(sc: &Scenario, plan: &Plan) -> Assumptions {
    let cur = &sc.catalog.currency;
    Assumptions {
        workloads: sc.workloads.iter().map(|w| workload_row(sc, w)).collect(),
        events: events(sc),
        routing: routing(sc),
        correlation: sc.correlation,
        damping: sc.damping,
        price_change: dist(&sc.price_change, Unit::Share),
        step_cut: sc.step_cut.as_ref().map(|s| {
            let size = dist(&s.size, Unit::Share);
            format!("per model and year with probability {}, size {size}", pct(s.annual_probability))
        }),
        baseline: sc.offers[sc.risk.baseline].name.clone(),
        waste_tolerance: sc.risk.waste_tolerance,
        max_overcommit_probability: sc.risk.max_overcommit_probability,
        catalog_file: sc.catalog.file.display().to_string(),
        catalog_as_of: sc.catalog.as_of.clone(),
        models: plan.models.iter().map(|&m| model_row(&sc.catalog.models[m])).collect(),
        offers: sc.offers.iter().map(|o| OfferRow { name: o.name.clone(), terms: offer_terms(o, cur) }).collect(),
    }
}

fn events(sc: &Scenario) -> Vec<String> {
    let model = |i: usize| sc.catalog.models[i].id.clone();
    sc.events
        .iter()
        .map(|e| {
            format!(
                "{} ({} on {}): probability {}, from {}, {} tokens a month once ramped over {} months",
                e.name,
                e.workload,
                model(e.model),
                pct(e.probability),
                sc.start.plus(e.start),
                dist(&e.monthly_tokens, Unit::Tokens),
                e.ramp_months
            )
        })
        .collect()
}

fn routing(sc: &Scenario) -> Vec<String> {
    let model = |i: usize| sc.catalog.models[i].id.clone();
    sc.routing
        .iter()
        .map(|r| {
            format!(
                "{} → {}: share {} moved from {} to {}",
                model(r.from),
                model(r.to),
                dist(&r.share, Unit::Share),
                sc.start.plus(r.start),
                sc.start.plus(r.by)
            )
        })
        .collect()
}

fn workload_row(sc: &Scenario, w: &crate::scenario::Workload) -> WorkloadRow {
    let (growth, volatility) = match &w.volume {
        VolumeModel::Drift { growth: Growth::Annual(d), sigma } => (dist(d, Unit::Share), format!("{sigma}")),
        VolumeModel::Drift { growth: Growth::LogT { mu, se, df }, sigma } => (
            format!(
                "fitted to history: {} a year at the median (monthly log-growth {mu:.4} ± {se:.4}, Student-t, {df:.0} df)",
                pct((12.0 * mu).exp() - 1.0)
            ),
            format!("{sigma:.3} (fitted)"),
        ),
        VolumeModel::Fitted(f) => (format!("fitted to history ({} months): {}", f.months, f.describe()), "in the fitted model".into()),
    };
    let s = &w.shares;
    WorkloadRow {
        name: w.name.clone(),
        model: sc.catalog.models[w.model].id.clone(),
        base_tokens: w.base_tokens,
        growth,
        volatility,
        mix: format!("{:.0}% / {:.0}% / {:.0}%", 100.0 * s.input, 100.0 * s.output, 100.0 * s.cached),
    }
}

fn model_row(m: &crate::spec::catalog::Model) -> ModelRow {
    let p = &m.base;
    let schedule = m
        .schedule
        .iter()
        .map(|(from, c)| {
            let f = |x: Option<f64>| x.map_or("same".to_string(), |v| format!("{v}"));
            let c = &c.prices;
            format!("from {from}: {} / {} / {}", f(c[0]), f(c[1]), f(c[2]))
        })
        .collect::<Vec<_>>()
        .join("; ");
    let src = m.source.clone();
    let is_url = |s: &str| s.starts_with("https://") || s.starts_with("http://");
    ModelRow {
        id: m.id.clone(),
        provider: m.provider.clone(),
        prices: if m.cache_write_is_input && m.cache_write_long_is_short {
            format!("{} / {} / {}", p.input, p.output, p.cached)
        } else {
            format!(
                "{} / {} / {}; cache writes {} / {}",
                p.input, p.output, p.cached, p.cache_write, p.cache_write_long
            )
        },
        schedule,
        source_url: src.clone().filter(|s| is_url(s)),
        source_text: src.filter(|s| !is_url(s)),
        read: m.read.clone(),
    }
}

/// What a distribution's values are, for describing them.
#[derive(Clone, Copy)]
enum Unit {
    /// A fraction shown as a percentage.
    Share,
    /// Token counts.
    Tokens,
}

fn show(x: f64, u: Unit) -> String {
    match u {
        Unit::Share => pct(x),
        Unit::Tokens => count(x),
    }
}

/// A distribution in words: `uniform from -30.0% to -5.0%`.
fn dist(d: &Dist, u: Unit) -> String {
    let s = |x: f64| show(x, u);
    match d {
        Dist::Fixed(v) => s(*v),
        Dist::Uniform { min, max } => format!("uniform from {} to {}", s(*min), s(*max)),
        Dist::Triangular { min, mode, max } => {
            format!("triangular: min {}, mode {}, max {}", s(*min), s(*mode), s(*max))
        }
        Dist::Pert { min, mode, max, .. } => format!("PERT: min {}, mode {}, max {}", s(*min), s(*mode), s(*max)),
        Dist::Normal { mean, sd } => format!("normal: mean {}, sd {}", s(*mean), s(*sd)),
        Dist::LogNormal { mu, sigma } => {
            format!("lognormal: median {}, p90 {}", s(mu.exp()), s((mu + 1.281_551_565_544_600_4 * sigma).exp()))
        }
    }
}

fn offer_terms(o: &crate::spec::Offer, cur: &str) -> String {
    let scope = {
        let parts: Vec<String> =
            [("providers", &o.scope.providers), ("models", &o.scope.models), ("workloads", &o.scope.workloads)]
                .iter()
                .filter_map(|(k, v)| v.as_ref().map(|l| format!("{k} {}", l.join(", "))))
                .collect();
        if parts.is_empty() {
            "all usage".to_string()
        } else {
            parts.join("; ")
        }
    };
    let kind = match &o.kind {
        OfferKind::Payg(p) if p.tiers.is_empty() => format!("pay as you go, {} off list", pct(p.discount)),
        OfferKind::Payg(p) => {
            let t: Vec<String> = p.tiers.iter().map(|(f, d)| format!("{} from {}", pct(*d), money(*f, cur))).collect();
            let per = if p.tier_months == 12 { "year" } else { "month" };
            format!("pay as you go, marginal volume tiers per {per}: {}", t.join(", "))
        }
        OfferKind::Commit(c) => commit_terms(c, cur),
        OfferKind::Provisioned(p) => provisioned_terms(p, cur),
    };
    format!("{kind}; scope: {scope}; term {} months", o.term_months)
}

fn commit_terms(c: &crate::spec::offer::Commit, cur: &str) -> String {
    if let Some(cr) = &c.credits {
        let lots: Vec<String> = (0..cr.months.len()).map(|k| money(c.amount(k), cur)).collect();
        return format!(
            "prepaid credits: {} bought at {:.2} per dollar of credit, each expiring {} months after purchase",
            lots.join(" and "),
            1.0 - c.discount.at(0.0),
            cr.expires_months
        );
    }
    let unit = if c.tokens { "tokens" } else { cur };
    let amounts: Vec<String> = c.amounts.iter().map(|a| if c.tokens { count(*a) } else { money(*a, cur) }).collect();
    let discount = match &c.discount {
        crate::spec::offer::DiscountRule::Flat(d) => format!("{} discount", pct(*d)),
        crate::spec::offer::DiscountRule::Tiers(t) => {
            let t: Vec<String> = t.iter().map(|(m, d)| format!("{} from {}", pct(*d), money(*m, cur))).collect();
            format!("discount tiers {}", t.join(", "))
        }
    };
    let mut sold = String::new();
    if c.eligible_share < 1.0 {
        sold += &format!(", {} of in-scope spend counts toward it", pct(c.eligible_share));
    }
    if let Some(b) = &c.base {
        sold += &format!(", drawn down first by {} a month of other spend", money(b.monthly, cur));
    }
    format!(
        "commit {} ({unit}) per {} month(s), {discount}, overage at {}, {} rate, rollover {} (cap {}){sold}",
        amounts.join(" then "),
        c.period_months,
        if c.overage_list { "list" } else { "the discounted rate" },
        if c.locked { "locked" } else { "floating" },
        pct(c.rollover_fraction),
        if c.rollover_cap > 0.0 { pct(c.rollover_cap) } else { "none".into() }
    )
}

fn provisioned_terms(p: &crate::spec::offer::Provisioned, cur: &str) -> String {
    let load = match &p.load {
        Load::LogNormal { peak_to_mean, .. } => format!("peak to mean {peak_to_mean}"),
        Load::Profile(pr) => format!("load profile {}", pr.file),
    };
    format!(
        "{} units at {} per unit-{}, {} effective tokens/min each, {load}, overflow {}",
        p.units,
        money(p.unit_price, cur),
        if p.hourly { "hour" } else { "month" },
        count(p.tokens_per_minute_per_unit),
        if p.drop { "dropped" } else { "to pay as you go" }
    )
}

/// The lower-case hex SHA-256 of `bytes`.
pub fn sha256_hex(bytes: &[u8]) -> String {
    Sha256::digest(bytes).iter().map(|b| format!("{b:02x}")).collect()
}

fn hash_file(role: &str, path: &Path) -> Result<InputFile> {
    // Streamed: a usage history or request log may be larger than memory.
    let read_err = |source| Error::Read { path: path.to_path_buf(), source };
    let mut hasher = Sha256::new();
    std::io::copy(&mut std::fs::File::open(path).map_err(read_err)?, &mut hasher).map_err(read_err)?;
    let sha256 = hasher.finalize().iter().map(|b| format!("{b:02x}")).collect();
    Ok(InputFile { role: role.into(), path: path.display().to_string(), sha256, note: None })
}

/// The checklist a brief was scored against: a file, or the built-in text.
#[derive(Debug, Clone, Copy)]
pub enum ChecklistSource<'a> {
    /// `--checklist FILE`.
    File(&'a Path),
    /// The checklist embedded in the binary.
    Builtin,
}

/// The hashes of every input and the command that reproduces the brief.
pub fn reproducibility(
    sc: &Scenario,
    contracts: &[&Path],
    checklist: Option<ChecklistSource>,
    command: String,
) -> Result<Reproducibility> {
    let profiles: Vec<String> = sc
        .offers
        .iter()
        .filter_map(|o| match &o.kind {
            OfferKind::Provisioned(p) => match &p.load {
                Load::Profile(pr) => Some(pr.file.clone()),
                _ => None,
            },
            _ => None,
        })
        .collect();
    let mut files = Vec::new();
    for (i, p) in sc.inputs.iter().enumerate() {
        if sc.inputs[..i].contains(p) {
            continue; // two offers reading one load profile
        }
        let role = match i {
            0 => "scenario",
            1 => "price catalog",
            _ if profiles.iter().any(|f| Path::new(f) == p) => "load profile",
            _ => "usage history",
        };
        files.push(hash_file(role, p)?);
    }
    for c in contracts {
        files.push(hash_file("contract terms", c)?);
    }
    match checklist {
        Some(ChecklistSource::File(p)) => files.push(hash_file("checklist", p)?),
        Some(ChecklistSource::Builtin) => files.push(InputFile {
            role: "checklist (built in)".into(),
            path: crate::checklist::DEFAULT_CHECKLIST_NAME.into(),
            sha256: sha256_hex(crate::checklist::DEFAULT_CHECKLIST.as_bytes()),
            note: Some(
                "the checklist embedded in this commitsim binary (contracts/checklist.toml when it was built); \
                 the hash is of that embedded text"
                    .into(),
            ),
        }),
        None => {}
    }
    Ok(Reproducibility { version: env!("CARGO_PKG_VERSION").into(), seed: sc.seed, paths: sc.paths, command, files })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sha256_matches_the_standard_vectors() {
        assert_eq!(sha256_hex(b""), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
        assert_eq!(sha256_hex(b"abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    }

    #[test]
    fn distributions_read_as_words() {
        assert_eq!(dist(&Dist::Uniform { min: -0.3, max: -0.05 }, Unit::Share), "uniform from -30.0% to -5.0%");
        assert_eq!(dist(&Dist::Fixed(2.0e9), Unit::Tokens), "2.00B");
        let ln = Dist::LogNormal { mu: 0.3f64.ln(), sigma: (1.0f64 / 0.3).ln() / 1.281_551_565_544_600_4 };
        assert_eq!(dist(&ln, Unit::Share), "lognormal: median 30.0%, p90 100.0%");
        assert_eq!(dist(&Dist::Normal { mean: 0.25, sd: 0.15 }, Unit::Share), "normal: mean 25.0%, sd 15.0%");
    }
}
