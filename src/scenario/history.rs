//! A scenario's `[history]`: the usage file read, one workload fitted per
//! series, and the checks that tie the two together.

use std::collections::BTreeMap;
use std::path::Path;

use super::{VolumeModel, Workload};
use crate::error::{Error, Result};
use crate::forecast::{fit_volume, FittedModel, Method};
use crate::ingest::{read_history, HistoryOptions, Series};
use crate::spec::catalog::Catalog;
use crate::spec::file::{ForecastSec, HistorySec};
use crate::spec::month::Month;
use crate::spec::values::{check_shares, Shares};

/// Monthly totals (input + cached + output tokens) of a series.
pub fn totals(s: &Series) -> Vec<f64> {
    s.months.iter().map(|m| m.input + m.output + m.cached + m.cache_write + m.cache_write_long).collect()
}

/// The token mix of a series over its last (up to) three months with usage.
pub fn recent_shares(s: &Series) -> Option<Shares> {
    let recent: Vec<_> = s.months.iter().rev().filter(|m| m.total() > 0.0).take(3).collect();
    let (i, o, c) = recent.iter().fold((0.0, 0.0, 0.0), |a, m| (a.0 + m.input, a.1 + m.output, a.2 + m.cached));
    let (w, l) = recent.iter().fold((0.0, 0.0), |a, m| (a.0 + m.cache_write, a.1 + m.cache_write_long));
    // Release-1 histories (no cache writes) divide by the same total as before: w + l adds an exact 0.
    let total = i + o + c + w + l;
    (total > 0.0).then(|| Shares {
        input: i / total,
        output: o / total,
        cached: c / total,
        cache_write: w / total,
        cache_write_long: l / total,
    })
}

/// Reads `[history]` and fits one workload per series (SPEC 3.3, 4.1).
pub fn workloads_from_history(
    path: &Path,
    h: &HistorySec,
    catalog: &Catalog,
    start: Month,
    fc: &ForecastSec,
    warnings: &mut Vec<String>,
) -> Result<Vec<Workload>> {
    let opts = HistoryOptions::from_sec(path, h)?;
    let file = path.parent().unwrap_or(Path::new(".")).join(&h.file);
    if !file.is_file() {
        return Err(Error::invalid(path, "history.file", format!("usage history `{}` not found", file.display())));
    }
    let history = read_history(&file, &opts, Some(catalog))?;
    warnings.extend(history.warnings.iter().map(|w| format!("{}: {w}", file.display())));
    let method = Method::parse(fc.method.as_deref())
        .ok_or_else(|| Error::invalid(path, "forecast.method", "expected `auto` or `drift`"))?;
    let mut out = Vec::new();
    for s in &history.series {
        let model = catalog.find(&s.model).map_err(|m| Error::invalid(&file, "model", m))?;
        let last = s.last();
        if last >= start {
            return Err(Error::invalid(
                path,
                "start",
                format!("the history of `{}` runs to {last}, but the scenario starts at {start}; start after the history ends", s.workload),
            ));
        }
        let y = totals(s);
        let skip = (start.since(last) - 1) as usize;
        let shares = if history.total_only {
            given_shares(path, h, &s.workload)?
        } else {
            let shares = recent_shares(s).ok_or_else(|| {
                Error::invalid(
                    &file,
                    "input_tokens",
                    format!("series `{}` on `{}` has no usage at all", s.workload, s.model),
                )
            })?;
            check_shares(shares).map_err(|(k, m)| Error::invalid(&file, k, m))?
        };
        let fitted = fit_volume(&y, method, fc, skip).map_err(|e| fit_error(&file, s, e))?;
        warnings.extend(short_history_warning(s, &fitted));
        out.push(Workload {
            name: s.workload.clone(),
            model,
            base_tokens: *y.last().unwrap_or(&0.0),
            shares,
            batch_share: h.batch_share.get(&s.workload).copied().unwrap_or(0.0),
            traffic: Default::default(),
            volume: VolumeModel::Fitted(fitted),
            history: Some(y.iter().enumerate().map(|(i, v)| (s.first.plus(i as i32), *v)).collect()),
        });
    }
    check_batch_shares(path, &h.batch_share, &out)?;
    check_workload_shares(path, h, &out)?;
    if !history.total_only && (h.shares.is_some() || !h.workload_shares.is_empty()) {
        warnings.push(format!(
            "{}: history.shares and history.workload_shares are ignored: `{}` counts input and output tokens, and \
             each series' mix is read from its last three months",
            path.display(),
            h.file
        ));
    }
    Ok(out)
}

/// The token mix of workload `name` in a file of total tokens only:
/// `[history] workload_shares.<name>`, else `[history] shares`; without
/// either an error that says what to write.
fn given_shares(path: &Path, h: &HistorySec, name: &str) -> Result<Shares> {
    let (key, sec) = match (h.workload_shares.get(name), &h.shares) {
        (Some(s), _) => (format!("history.workload_shares.{name}"), s),
        (None, Some(s)) => ("history.shares".to_string(), s),
        (None, None) => {
            return Err(Error::invalid(
                path,
                "history.shares",
                format!(
                    "`{}` counts total tokens only, so the mix of input, output and cached tokens that prices them \
                     must be given: shares = {{ input_share = 0.7, output_share = 0.3 }} in [history] (or \
                     workload_shares = {{ \"{name}\" = {{ ... }} }} per workload)",
                    h.file
                ),
            ))
        }
    };
    check_shares(Shares {
        input: sec.input_share,
        output: sec.output_share,
        cached: sec.cached_share.unwrap_or(0.0),
        cache_write: sec.cache_write_share.unwrap_or(0.0),
        cache_write_long: sec.cache_write_long_share.unwrap_or(0.0),
    })
    .map_err(|(k, m)| Error::invalid(path, format!("{key}.{k}"), m))
}

/// `[history] workload_shares`: every key names a workload of the history.
fn check_workload_shares(path: &Path, h: &HistorySec, workloads: &[Workload]) -> Result<()> {
    for name in h.workload_shares.keys() {
        if !workloads.iter().any(|w| &w.name == name) {
            let names: Vec<&str> = workloads.iter().map(|w| w.name.as_str()).collect();
            let near = crate::error::closest(name, names.iter().copied());
            return Err(Error::invalid(
                path,
                format!("history.workload_shares.{name}"),
                format!(
                    "no workload `{name}` in the history (workloads: {}){}",
                    names.join(", "),
                    near.map_or_else(String::new, |n| format!("; did you mean `{n}`?"))
                ),
            ));
        }
    }
    Ok(())
}

/// `[history] batch_share`: every key names a workload of the history and
/// every share is in [0, 1]; a misspelt name would otherwise bill that
/// workload at full price without a word.
fn check_batch_shares(path: &Path, shares: &BTreeMap<String, f64>, workloads: &[Workload]) -> Result<()> {
    for (name, &share) in shares {
        let key = format!("history.batch_share.{name}");
        if !workloads.iter().any(|w| &w.name == name) {
            let names: Vec<&str> = workloads.iter().map(|w| w.name.as_str()).collect();
            let hint = crate::error::closest(name, names.iter().copied())
                .map(|c| format!("; did you mean `{c}`?"))
                .unwrap_or_default();
            let message =
                format!("`{name}` is not a workload of the usage history{hint} (its workloads: {})", names.join(", "));
            return Err(Error::invalid(path, key, message));
        }
        if !(0.0..=1.0).contains(&share) {
            return Err(Error::invalid(path, key, format!("expected a share in [0, 1], found {share}")));
        }
    }
    Ok(())
}

/// When simulated volumes overflow: the history-fitted workloads whose
/// growth rests on too few months to bound the upper tail, as advice.
pub fn overflow_hint(sc: &crate::scenario::Scenario) -> Option<String> {
    let short: Vec<String> = sc
        .workloads
        .iter()
        .filter_map(|w| match &w.volume {
            VolumeModel::Fitted(f) if f.is_short() => Some(format!("`{}` ({} months)", w.name, f.months)),
            _ => None,
        })
        .collect();
    (!short.is_empty()).then(|| {
        format!(
            "simulated volumes overflow the range of numbers: the forecast of {} rests on so few months of \
             history that its upper tail has no practical bound. Add earlier months to the history file, or \
             state growth_annual and volatility_monthly under [forecast]",
            short.join(", ")
        )
    })
}

/// The warning for a series whose fitted growth rests on fewer than
/// [`crate::forecast::auto::MIN_AUTO_MONTHS`] months.
pub fn short_history_warning(s: &Series, f: &FittedModel) -> Option<String> {
    f.is_short().then(|| {
        format!(
            "`{}` on `{}` has only {} months of usage history: its forecast is very wide, and means (expected \
             volumes and costs) rest on a few extreme paths. Add earlier months, or state growth_annual under \
             [forecast] if you know how it will grow",
            s.workload, s.model, f.months
        )
    })
}

/// The input error for a series that cannot be fitted.
pub fn fit_error(file: &Path, s: &Series, e: crate::forecast::auto::FitError) -> Error {
    match e {
        crate::forecast::auto::FitError::TooShort(n) => Error::invalid(
            file,
            "month",
            format!(
                "series `{}` on `{}` has {n} month(s) of usage; at least {} are needed to fit a forecast. \
                 Add earlier months to the file, or state growth_annual and volatility_monthly under [forecast] \
                 in a scenario (then one month is enough), or give the workload as [[workloads]] with \
                 monthly_tokens and growth_annual",
                s.workload,
                s.model,
                crate::forecast::auto::MIN_MONTHS
            ),
        ),
        crate::forecast::auto::FitError::BadValue(i, v) => Error::invalid(
            file,
            "input_tokens",
            format!("series `{}` has an invalid total {v} in month {}", s.workload, s.first.plus(i as i32)),
        ),
    }
}
