//! A scenario continued from actual usage, for `track` (SPEC 6.5, 6.10):
//! the actuals file's series matched to the scenario's workloads, and the
//! scenario of the months after `as_of`, whose workloads continue from their
//! last actual month (explicit workloads) or are refitted on history and
//! actuals together (`[history]` workloads).

use std::path::Path;

use super::{Scenario, VolumeModel, Workload};
use crate::error::{closest, Error, Result};
use crate::forecast::{fit_volume, Method};
use crate::ingest::{History, MonthUsage};
use crate::spec::dist::Dist;
use crate::spec::file::ScenarioFile;
use crate::spec::month::Month;
use crate::spec::offer::Offer;
use crate::spec::values::Growth;

/// What an actuals series is counted as.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Owner {
    /// The scenario workload of this index.
    Workload(usize),
    /// The launch event of this index (it happened).
    Event(usize),
}

/// One actuals series in the months of the term up to `as_of`.
#[derive(Debug, Clone)]
pub struct ActualSeries {
    /// Workload name, as the file states it.
    pub workload: String,
    /// Catalog index of the model it ran on.
    pub model: usize,
    /// The model id.
    pub model_id: String,
    /// The scenario workload or event it belongs to.
    pub owner: Owner,
    /// Per month `t = 0..months` of the term: the tokens (0 where the file
    /// has none) and the batch share (the file's own where it states batch
    /// tokens, else the scenario workload's).
    pub months: Vec<(MonthUsage, f64)>,
    /// Tiers, long context and region: the scenario workload's (an actuals
    /// file does not state them, SPEC 6.10).
    pub traffic: crate::spec::values::Traffic,
}

/// A scenario continued from actuals.
#[derive(Debug, Clone)]
pub struct Continued {
    /// Months of the term that are actual (`as_of - start + 1`; 0 at signature).
    pub months: usize,
    /// The actuals series, matched.
    pub series: Vec<ActualSeries>,
    /// The scenario of the months after `as_of` (`None` when no month is left).
    pub rest: Option<Scenario>,
    /// What the user should know (workloads without actuals, gaps filled).
    pub warnings: Vec<String>,
}

/// Matches `actuals` (read from `file`) to `sc` and builds the scenario of
/// the `left` months after the first `months` months of `sc`. `offer` is the
/// tracked offer: a workload it covers that has no actuals is warned about.
pub fn continue_from(
    sc: &Scenario,
    actuals: &History,
    file: &Path,
    offer: &Offer,
    months: usize,
    left: usize,
) -> Result<Continued> {
    let mut warnings = Vec::new();
    let mut series = Vec::new();
    for s in &actuals.series {
        let model = sc.catalog.find(&s.model).map_err(|m| Error::invalid(file, "model", m))?;
        let owner = owner_of(sc, file, &s.workload, model)?;
        let (default_batch, traffic) = match owner {
            Owner::Workload(i) => (sc.workloads[i].batch_share, sc.workloads[i].traffic),
            Owner::Event(j) => (sc.events[j].batch_share, sc.events[j].traffic),
        };
        let per_month = (0..months)
            .map(|t| {
                let month = sc.start.plus(t as i32);
                let k = month.since(s.first);
                let usage = usize::try_from(k).ok().and_then(|k| s.months.get(k)).copied().unwrap_or_default();
                let batch = actuals
                    .classes
                    .get(&(s.workload.clone(), s.model.clone(), month))
                    .filter(|c| c.total() > 0)
                    .map_or(default_batch, |c| c.batch as f64 / c.total() as f64);
                (usage, batch.clamp(0.0, 1.0))
            })
            .collect();
        series.push(ActualSeries {
            workload: s.workload.clone(),
            model,
            model_id: s.model.clone(),
            owner,
            months: per_month,
            traffic,
        });
    }
    let rest = if left == 0 {
        None
    } else if months == 0 {
        let mut rest = sc.clone();
        rest.horizon = left;
        rest.warnings.clear();
        Some(rest)
    } else {
        Some(rest_scenario(sc, actuals, &series, offer, months, left, &mut warnings)?)
    };
    Ok(Continued { months, series, rest, warnings })
}

/// The workload or event a series of `workload` on `model` belongs to: the
/// one of that name on that model, or on a model routing moves it from.
fn owner_of(sc: &Scenario, file: &Path, workload: &str, model: usize) -> Result<Owner> {
    let exact_w = sc.workloads.iter().position(|w| w.name == workload && w.model == model);
    let exact_e = sc.events.iter().position(|e| e.workload == workload && e.model == model);
    if let Some(i) = exact_w {
        return Ok(Owner::Workload(i));
    }
    if let Some(j) = exact_e {
        return Ok(Owner::Event(j));
    }
    // Models a workload's tokens can reach through routing rules, in order.
    let reach = |from: usize| {
        let mut models = vec![from];
        for r in &sc.routing {
            if models.contains(&r.from) && !models.contains(&r.to) {
                models.push(r.to);
            }
        }
        models
    };
    if let Some(i) = sc.workloads.iter().position(|w| w.name == workload && reach(w.model).contains(&model)) {
        return Ok(Owner::Workload(i));
    }
    if let Some(j) = sc.events.iter().position(|e| e.workload == workload && reach(e.model).contains(&model)) {
        return Ok(Owner::Event(j));
    }
    let id = &sc.catalog.models[model].id;
    let names = sc.workload_names();
    if !names.iter().any(|n| n == workload) {
        let hint = closest(workload, names.iter().map(String::as_str))
            .map(|c| format!("; did you mean `{c}`?"))
            .unwrap_or_default();
        return Err(Error::invalid(
            file,
            "workload",
            format!(
                "the actuals have usage of workload `{workload}` (on `{id}`), which is not a workload of the scenario \
                 {}{hint} (its workloads: {})",
                sc.file.display(),
                names.join(", ")
            ),
        ));
    }
    let mut models: Vec<&str> = Vec::new();
    for m in sc
        .workloads
        .iter()
        .filter(|w| w.name == workload)
        .map(|w| w.model)
        .chain(sc.events.iter().filter(|e| e.workload == workload).map(|e| e.model))
        .flat_map(reach)
    {
        let m = sc.catalog.models[m].id.as_str();
        if !models.contains(&m) {
            models.push(m);
        }
    }
    let hint = closest(id, models.iter().copied()).map(|c| format!("; did you mean `{c}`?")).unwrap_or_default();
    Err(Error::invalid(
        file,
        "model",
        format!(
            "the actuals have usage of workload `{workload}` on model `{id}`, but in the scenario that workload runs \
             on {}{hint}",
            models.iter().map(|m| format!("`{m}`")).collect::<Vec<_>>().join(", ")
        ),
    ))
}

/// Total tokens of the series owned by `owner` in month `t`.
fn owned_total(series: &[ActualSeries], owner: Owner, t: usize) -> f64 {
    series.iter().filter(|s| s.owner == owner).map(|s| s.months[t].0.total()).sum()
}

fn rest_scenario(
    sc: &Scenario,
    actuals: &History,
    series: &[ActualSeries],
    offer: &Offer,
    months: usize,
    left: usize,
    warnings: &mut Vec<String>,
) -> Result<Scenario> {
    let a = months as i32;
    let last = months - 1;
    let as_of = sc.start.plus(a - 1);
    let mut rest = sc.clone();
    rest.start = sc.start.plus(a);
    rest.horizon = left;
    rest.warnings.clear();
    let covered = |name: &str, model: usize| {
        let m = &sc.catalog.models[model];
        offer.scope.covers(&m.provider, &m.id, name)
    };
    let mut forecast_sec = None;
    for (i, w) in rest.workloads.iter_mut().enumerate() {
        let owner = Owner::Workload(i);
        let has = series.iter().any(|s| s.owner == owner);
        if !has && covered(&w.name, w.model) {
            warnings.push(format!(
                "workload `{}` on `{}` is covered by the offer but has no actuals up to {as_of}: it is counted as 0 \
                 tokens to date and continues from 0",
                w.name, sc.catalog.models[w.model].id
            ));
        }
        let base = owned_total(series, owner, last);
        match &w.volume {
            VolumeModel::Drift { .. } => w.base_tokens = base,
            VolumeModel::Fitted(_) if !has => {
                w.base_tokens = 0.0;
                w.volume = VolumeModel::Drift { growth: Growth::Annual(Dist::Fixed(0.0)), sigma: 0.0 };
            }
            VolumeModel::Fitted(_) => {
                let history = w.history.clone().unwrap_or_default();
                let y = extended(&history, actuals, series, owner, sc.start, months, &w.name, warnings);
                let fc = match &forecast_sec {
                    Some(f) => f,
                    None => {
                        let text = crate::spec::doc::read_text(&sc.file, "a scenario (TOML)")?;
                        let raw: ScenarioFile = crate::spec::doc::parse(&sc.file, &text)?;
                        forecast_sec.insert(raw.forecast)
                    }
                };
                let method = Method::parse(fc.method.as_deref()).unwrap_or(Method::Auto);
                let values: Vec<f64> = y.iter().map(|(_, v)| *v).collect();
                let fitted = fit_volume(&values, method, fc, 0).map_err(|e| {
                    Error::invalid(
                        &sc.file,
                        "history",
                        format!("workload `{}`: history and actuals together cannot be refitted: {e}", w.name),
                    )
                })?;
                w.base_tokens = *values.last().unwrap_or(&0.0);
                w.volume = VolumeModel::Fitted(fitted);
                w.history = Some(y);
            }
        }
    }
    let growth = Growth::Annual(sc.growth_annual.clone().unwrap_or(Dist::Fixed(0.0)));
    let sigma = sc.volatility_monthly.unwrap_or(0.0);
    let mut events = Vec::new();
    for (j, e) in sc.events.iter().enumerate() {
        if e.start >= a {
            let mut e = e.clone();
            e.start -= a;
            events.push(e);
            continue;
        }
        // Begun by `as_of`: it happened if the actuals show it (then it
        // continues from its last actual month, as an explicit workload),
        // and otherwise it did not.
        let owner = Owner::Event(j);
        if series.iter().any(|s| s.owner == owner) {
            rest.workloads.push(Workload {
                name: e.workload.clone(),
                model: e.model,
                base_tokens: owned_total(series, owner, last),
                shares: e.shares,
                batch_share: e.batch_share,
                traffic: e.traffic,
                volume: VolumeModel::Drift { growth: growth.clone(), sigma },
                history: None,
            });
        }
    }
    rest.events = events;
    for r in &mut rest.routing {
        r.start -= a;
        r.by -= a;
    }
    Ok(rest)
}

/// A fitted workload's history followed by its actuals up to `as_of`
/// (months after the history's last); months between the two that neither
/// states are filled by linear interpolation, with a warning.
#[allow(clippy::too_many_arguments)]
fn extended(
    history: &[(Month, f64)],
    actuals: &History,
    series: &[ActualSeries],
    owner: Owner,
    start: Month,
    months: usize,
    name: &str,
    warnings: &mut Vec<String>,
) -> Vec<(Month, f64)> {
    let as_of = start.plus(months as i32 - 1);
    let mut y: Vec<(Month, f64)> = history.to_vec();
    let after = y.last().map(|(m, _)| *m);
    // Actual months after the history: those of the term from `series`, and
    // any before the start that the actuals file holds for the same pairs.
    let mut known: Vec<(Month, f64)> = Vec::new();
    for s in series.iter().filter(|s| s.owner == owner) {
        let src = actuals.series.iter().find(|x| x.workload == s.workload && x.model == s.model_id);
        if let Some(x) = src {
            for (k, m) in x.months.iter().enumerate() {
                let month = x.first.plus(k as i32);
                if month < start && after.is_none_or(|h| month > h) {
                    add_at(&mut known, month, m.total());
                }
            }
        }
    }
    for t in 0..months {
        add_at(&mut known, start.plus(t as i32), owned_total(series, owner, t));
    }
    known.retain(|(m, _)| after.is_none_or(|h| *m > h) && *m <= as_of);
    known.sort_by_key(|(m, _)| *m);
    let mut filled = 0;
    for (m, v) in known {
        if let Some(&(pm, pv)) = y.last() {
            let gap = m.since(pm);
            for g in 1..gap {
                y.push((pm.plus(g), pv + (v - pv) * f64::from(g) / f64::from(gap)));
                filled += 1;
            }
        }
        y.push((m, v));
    }
    if filled > 0 {
        warnings.push(format!(
            "workload `{name}`: {filled} month(s) between its usage history and its actuals are in neither file; \
             they are interpolated for the refit"
        ));
    }
    y
}

fn add_at(v: &mut Vec<(Month, f64)>, m: Month, x: f64) {
    match v.iter_mut().find(|(k, _)| *k == m) {
        Some(e) => e.1 += x,
        None => v.push((m, x)),
    }
}
