//! CSV: one row per item, flat columns, full precision, empty cells where a
//! figure does not apply. Every cell goes through [`super::escape::csv_cell`].

use super::Report;
use crate::analysis::backtest::BacktestReport;
use crate::analysis::forecast::ForecastReport;
use crate::analysis::profile::ProfileReport;
use crate::analysis::sensitivity::SensitivityReport;
use crate::analysis::simulate::SimulateReport;
use crate::analysis::sweep::SweepReport;
use crate::checklist::{Scalar, ScoreReport};
use crate::error::{Error, Result};
use crate::ingest::MinuteLoad;

/// Renders a report as CSV.
pub fn render(report: &Report) -> Result<String> {
    let mut w = csv::Writer::from_writer(Vec::new());
    let rows = match report {
        Report::Simulate(r) => simulate(r),
        Report::Sweep(r) => sweep(r),
        Report::Score(r) => score(r),
        Report::Profile(r) => profile(r),
        Report::Forecast(r) => forecast(r),
        Report::Backtest(r) => backtest(r),
        Report::Walkaway(r) => walkaway(r),
        Report::Optimize(r) => super::optimize::csv_rows(r),
        Report::Sensitivity(r) => sensitivity(r),
        Report::Track(r) => super::track::csv_rows(r),
    };
    // The one rule of the CSV format: text cells cannot run as formulas
    // and hold no control character; numbers are written as they are.
    for row in rows {
        w.write_record(row.iter().map(|c| super::escape::csv_cell(c).into_owned())).map_err(csv_err)?;
    }
    let bytes = w.into_inner().map_err(|e| csv_err(e.into_error().into()))?;
    Ok(String::from_utf8_lossy(&bytes).into_owned())
}

/// The per-minute load file that `profile --out` writes and a provisioned
/// offer's `load = { profile = "..." }` reads: `minute,tokens`, one row per
/// minute (`YYYY-MM-DDTHH:MM`, UTC), empty minutes included as 0.
pub fn minute_load(load: &MinuteLoad) -> String {
    let mut s = String::with_capacity(24 * load.tokens.len() + 16);
    s.push_str("minute,tokens\n");
    for (i, t) in load.tokens.iter().enumerate() {
        s.push_str(&load.minute_label(i));
        s.push(',');
        s.push_str(&num(Some(*t)));
        s.push('\n');
    }
    s
}

fn csv_err(e: csv::Error) -> Error {
    Error::Write { path: "<csv>".into(), source: std::io::Error::other(e.to_string()) }
}

/// A number cell: full precision, empty for a missing figure.
pub fn num(x: Option<f64>) -> String {
    match x {
        // `-0` would read as a negative figure: zero has no sign.
        Some(0.0) => "0".into(),
        Some(v) if v.is_finite() => format!("{v}"),
        _ => String::new(),
    }
}

fn profile(r: &ProfileReport) -> Vec<Vec<String>> {
    let head = ["minutes", "mean", "p99", "peak", "peak_to_mean"];
    let vals = [r.minutes as f64, r.mean, r.p99, r.peak, r.peak_to_mean];
    vec![head.iter().map(|s| s.to_string()).collect(), vals.into_iter().map(|v| num(Some(v))).collect()]
}

fn simulate(r: &SimulateReport) -> Vec<Vec<String>> {
    let head = [
        "offer",
        "kind",
        "cost_mean",
        "cost_std_error",
        "cost_p5",
        "cost_p50",
        "cost_p95",
        "cost_cvar95",
        "savings_mean",
        "savings_std_error",
        "savings_p5",
        "savings_p50",
        "savings_p95",
        "prob_negative",
        "effective_savings_rate",
        "committed",
        "unused_mean",
        "unused_p95",
        "prob_unused",
        "prob_overcommit",
        "commit_utilization_mean",
        "commit_utilization_p5",
        "overage_mean",
        "capacity_utilization_mean",
        "capacity_utilization_p5",
        "spillover_share_mean",
        "unserved_tokens_mean",
        "capacity_break_even_utilization",
    ];
    let mut rows = vec![head.iter().map(|s| s.to_string()).collect::<Vec<_>>()];
    // Reservations given in limits (SPEC 6.2) add, only then, the binding
    // limit, its months and each limit's utilisation (one column per limit
    // name any offer has), so a release-1 file's CSV keeps its columns.
    let limits_of = |o: &crate::analysis::simulate::OfferResult| o.provisioned.as_ref().and_then(|p| p.limits.clone());
    let mut names: Vec<String> = Vec::new();
    for l in r.offers.iter().filter_map(limits_of).flatten() {
        if !names.contains(&l.limit) {
            names.push(l.limit.clone());
        }
    }
    if !names.is_empty() {
        rows[0].extend(["binding_limit".to_string(), "binding_months".to_string()]);
        rows[0].extend(names.iter().map(|n| format!("limit_{n}_utilization")));
    }
    for o in r.offers.iter().chain(&r.portfolios) {
        let c = o.commitment.as_ref();
        let p = o.provisioned.as_ref();
        let mut row = vec![o.name.clone(), o.kind.clone()];
        let vals = [
            Some(o.cost.mean),
            Some(o.cost.std_error),
            Some(o.cost.p5),
            Some(o.cost.p50),
            Some(o.cost.p95),
            Some(o.cost.cvar95),
            Some(o.savings.mean),
            Some(o.savings.std_error),
            Some(o.savings.p5),
            Some(o.savings.p50),
            Some(o.savings.p95),
            Some(o.savings.prob_negative),
            o.effective_savings_rate,
            c.map(|c| c.committed),
            c.map(|c| c.unused_mean),
            c.map(|c| c.unused_p95),
            c.map(|c| c.prob_unused),
            c.map(|c| c.prob_overcommit).or(p.and_then(|p| p.prob_overcommit)),
            c.map(|c| c.utilization_mean),
            c.map(|c| c.utilization_p5),
            c.map(|c| c.overage_mean),
            p.map(|p| p.utilization_mean),
            p.map(|p| p.utilization_p5),
            p.map(|p| p.spillover_share_mean),
            p.map(|p| p.unserved_tokens_mean),
            p.and_then(|p| p.break_even_utilization),
        ];
        row.extend(vals.into_iter().map(num));
        if !names.is_empty() {
            let limits = limits_of(o).unwrap_or_default();
            let binding = limits
                .iter()
                .filter(|l| l.binding_months > 0.0)
                .max_by(|a, b| a.binding_months.total_cmp(&b.binding_months));
            row.push(binding.map_or_else(String::new, |l| l.limit.clone()));
            row.push(num(binding.map(|l| l.binding_months)));
            for n in &names {
                row.push(num(limits.iter().find(|l| &l.limit == n).map(|l| l.utilization_mean)));
            }
        }
        rows.push(row);
    }
    rows
}

/// Levels first (`row = level`), then levers (`row = lever`), in one table.
/// `walkaway`: a row per level, then the two largest levels at the offered
/// terms (`row` = `max_level` / `max_level_confident`, in the `level` column;
/// empty where no level works). Break-even cells are empty where no value works.
fn walkaway(r: &crate::analysis::walkaway::WalkawayReport) -> Vec<Vec<String>> {
    let prov = r.kind == "provisioned";
    let (a, b) = if prov {
        ("break_even_unit_price", "break_even_unit_price_confident")
    } else {
        ("break_even_discount", "break_even_discount_confident")
    };
    let head = ["row", "level", a, b, "savings_mean", "savings_std_error", "prob_saving"];
    let mut rows = vec![head.iter().map(|s| s.to_string()).collect::<Vec<_>>()];
    let flat = |x: Option<Option<f64>>| num(x.flatten());
    for l in &r.levels {
        let (x, y) = if prov {
            (l.break_even_unit_price, l.break_even_unit_price_confident)
        } else {
            (l.break_even_discount, l.break_even_discount_confident)
        };
        rows.push(vec![
            "level".into(),
            num(Some(l.level)),
            flat(x),
            flat(y),
            num(Some(l.savings_mean)),
            num(Some(l.savings_std_error)),
            num(Some(l.prob_saving)),
        ]);
    }
    for (row, v) in [("max_level", r.max_level), ("max_level_confident", r.max_level_confident)] {
        let mut cells = vec![row.to_string(), num(v)];
        cells.extend((0..5).map(|_| String::new()));
        rows.push(cells);
    }
    rows
}

fn sweep(r: &SweepReport) -> Vec<Vec<String>> {
    let head = [
        "row",
        "level",
        "cost_mean",
        "cost_std_error",
        "cost_p95",
        "unused_mean",
        "prob_overcommit",
        "prob_negative",
        "savings_mean",
        "savings_std_error",
        "recommended",
        "lever",
        "cost_mean_change",
        "prob_overcommit_change",
    ];
    let mut rows = vec![head.iter().map(|s| s.to_string()).collect::<Vec<_>>()];
    for l in &r.levels {
        let mut row = vec!["level".to_string()];
        row.extend(
            [
                l.level,
                l.cost_mean,
                l.cost_std_error,
                l.cost_p95,
                l.unused_mean,
                l.prob_overcommit,
                l.prob_negative,
                l.savings_mean,
                l.savings_std_error,
            ]
            .into_iter()
            .map(|x| num(Some(x))),
        );
        row.push((Some(l.level) == r.recommended).to_string());
        row.extend([String::new(), String::new(), String::new()]);
        rows.push(row);
    }
    for l in &r.levers {
        let mut row = vec!["lever".to_string(), num(Some(r.levers_at))];
        row.extend((0..9).map(|_| String::new()));
        row.extend([l.id.clone(), num(Some(l.cost_mean_change)), num(Some(l.prob_overcommit_change))]);
        rows.push(row);
    }
    rows
}

/// One row per contract × item; `ask_rank` is empty for passed items.
fn score(r: &ScoreReport) -> Vec<Vec<String>> {
    let head = [
        "file",
        "vendor",
        "score",
        "blocked",
        "item",
        "category",
        "field",
        "weight",
        "must_have",
        "status",
        "value",
        "ask_rank",
        "ask",
    ];
    let mut rows = vec![head.iter().map(|s| s.to_string()).collect::<Vec<_>>()];
    for c in &r.contracts {
        for i in &c.items {
            let rank = c.asks.iter().find(|a| a.id == i.id).map(|a| a.rank.to_string()).unwrap_or_default();
            rows.push(vec![
                c.file.clone(),
                c.vendor.clone(),
                num(Some(c.score)),
                c.blocked.to_string(),
                i.id.clone(),
                i.category.to_string(),
                i.field.clone(),
                i.weight.to_string(),
                i.must_have.to_string(),
                i.status.as_str().to_string(),
                i.value.as_ref().map(plain).unwrap_or_default(),
                rank,
                i.ask.clone().unwrap_or_default(),
            ]);
        }
    }
    rows
}

/// A value as a CSV cell: strings without quotes.
fn plain(v: &Scalar) -> String {
    match v {
        Scalar::Str(s) => s.clone(),
        other => other.to_string(),
    }
}

/// One row per series and month (the total as workload `total`).
fn forecast(r: &ForecastReport) -> Vec<Vec<String>> {
    let mut rows = vec![["workload", "model", "month", "p5", "p10", "p50", "p90", "p95", "mean"]
        .iter()
        .map(|s| s.to_string())
        .collect()];
    let mut push = |w: &str, m: &str, b: &crate::analysis::forecast::Bands| {
        for (i, month) in r.months.iter().enumerate() {
            let mut row = vec![w.to_string(), m.to_string(), month.clone()];
            row.extend(b.month(i).into_iter().map(|x| num(Some(x))));
            rows.push(row);
        }
    };
    for x in &r.series {
        push(&x.workload, &x.model, &x.bands);
    }
    push("total", "", &r.total);
    rows
}

/// One row per series and method, then the pooled rows (`workload = pooled`).
fn backtest(r: &BacktestReport) -> Vec<Vec<String>> {
    let head = [
        "workload",
        "model",
        "method",
        "months",
        "coverage_50",
        "coverage_80",
        "coverage_90",
        "msis_80",
        "scaled_median_error",
    ];
    let mut rows = vec![head.iter().map(|s| s.to_string()).collect::<Vec<_>>()];
    let mut push = |w: &str, m: &str, s: &crate::analysis::backtest::Score| {
        let mut row = vec![w.to_string(), m.to_string(), s.method.clone(), s.months.to_string()];
        row.extend(
            [s.coverage_50, s.coverage_80, s.coverage_90, s.msis_80, s.scaled_median_error]
                .into_iter()
                .map(|x| num(Some(x))),
        );
        rows.push(row);
    };
    for x in &r.series {
        for sc in &x.scores {
            push(&x.workload, &x.model, sc);
        }
    }
    for p in &r.pooled {
        push("pooled", "", p);
    }
    rows
}

fn sensitivity(r: &SensitivityReport) -> Vec<Vec<String>> {
    let head = [
        "offer",
        "input",
        "cost_low",
        "cost_low_std_error",
        "cost_high",
        "cost_high_std_error",
        "savings_low",
        "savings_high",
        "swing",
        "variance_share",
    ];
    let mut rows = vec![head.iter().map(|s| s.to_string()).collect::<Vec<_>>()];
    for e in &r.inputs {
        let mut row = vec![r.offer.clone(), e.input.clone()];
        for v in [
            e.cost_low,
            e.cost_low_std_error,
            e.cost_high,
            e.cost_high_std_error,
            e.savings_low,
            e.savings_high,
            e.swing,
            e.variance_share,
        ] {
            row.push(num(Some(v)));
        }
        rows.push(row);
    }
    rows
}

#[cfg(test)]
mod tests {
    use super::num;

    #[test]
    fn zero_has_no_sign_and_other_numbers_keep_full_precision() {
        assert_eq!(num(Some(-0.0)), "0");
        assert_eq!(num(Some(0.0)), "0");
        assert_eq!(num(Some(-1.5e-3)), "-0.0015");
        assert_eq!(num(Some(2370713.0031892397)), "2370713.0031892397");
        assert_eq!(num(Some(f64::NAN)), "");
        assert_eq!(num(None), "");
    }
}
