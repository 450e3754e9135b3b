//! Output: one serialisable report per command, rendered as a table, JSON,
//! CSV or Markdown. Writers format; they never compute (the analysis fills
//! the report) and never touch the file system (`app::output` writes).

pub mod csv_out;
pub mod escape;
pub mod layout;
pub mod markdown;
pub mod optimize;
pub mod table;
pub mod track;
pub mod walkaway;
pub mod xlsx;

use crate::analysis::backtest::BacktestReport;
use crate::analysis::forecast::ForecastReport;
use crate::analysis::profile::ProfileReport;
use crate::analysis::sensitivity::SensitivityReport;
use crate::analysis::simulate::SimulateReport;
use crate::analysis::sweep::SweepReport;
use crate::analysis::track::TrackReport;
use crate::analysis::walkaway::WalkawayReport;
use crate::checklist::ScoreReport;
use crate::error::Result;

/// A report of any command. (Variants hold large structs; a report is built
/// once per run, so their size difference does not matter.)
#[derive(Debug, Clone)]
#[allow(clippy::large_enum_variant)]
pub enum Report {
    /// `simulate`.
    Simulate(SimulateReport),
    /// `sweep`.
    Sweep(SweepReport),
    /// `score`: contract terms against a checklist.
    Score(ScoreReport),
    /// `profile`.
    Profile(ProfileReport),
    /// `forecast`.
    Forecast(ForecastReport),
    /// `backtest`.
    Backtest(BacktestReport),
    /// `walkaway`.
    Walkaway(WalkawayReport),
    /// `sensitivity`.
    Sensitivity(SensitivityReport),
    /// `track`.
    Track(TrackReport),
    /// `optimize`.
    Optimize(crate::analysis::optimize::OptimizeReport),
}

/// Output formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// Aligned text for a terminal.
    Table,
    /// JSON (a stable interface; see docs/json.md).
    Json,
    /// Comma-separated values, one row per item.
    Csv,
    /// A Markdown table.
    Markdown,
    /// An Excel workbook (bytes, with `--out`; see `report::xlsx::render`).
    Xlsx,
}

/// Renders `report` in `format` as text (a workbook is bytes: `xlsx::render`).
pub fn render(report: &Report, format: Format) -> Result<String> {
    match format {
        // The one rule of the table format: no control character reaches the terminal.
        Format::Table => Ok(escape::terminal(&table::render(report)).into_owned()),
        Format::Markdown => Ok(markdown::render(report)),
        Format::Csv => csv_out::render(report),
        Format::Json => Ok(json(report)),
        Format::Xlsx => Err(crate::Error::Usage(xlsx::UNSUPPORTED.into())),
    }
}

/// The JSON of a report: the command's documented structure (docs/json.md),
/// with the control characters of input strings escaped ([`escape::json`]).
pub fn json(report: &Report) -> String {
    let v = match report {
        Report::Simulate(r) => escape::json(r),
        Report::Sweep(r) => escape::json(r),
        Report::Score(r) => escape::json(r),
        Report::Profile(r) => escape::json(r),
        Report::Forecast(r) => escape::json(r),
        Report::Backtest(r) => escape::json(r),
        Report::Walkaway(r) => escape::json(r),
        Report::Sensitivity(r) => escape::json(r),
        Report::Track(r) => escape::json(r),
        Report::Optimize(r) => escape::json(r),
    };
    // Serialising plain structs of numbers and strings cannot fail.
    v.map(|mut s| {
        s.push('\n');
        s
    })
    .unwrap_or_default()
}

/// A back-test score as displayed: method, months, the three coverages,
/// MSIS (2 decimals) and scaled median error (3 decimals).
pub(crate) fn score_cells(p: &crate::analysis::backtest::Score) -> [String; 7] {
    [
        p.method.clone(),
        p.months.to_string(),
        crate::units::pct(p.coverage_50),
        crate::units::pct(p.coverage_80),
        crate::units::pct(p.coverage_90),
        format!("{:.2}", p.msis_80),
        format!("{:.3}", p.scaled_median_error),
    ]
}

/// A discount tier's cliff in words: "at $400k per year the discount rises
/// from 5.0% to 8.0%: expected cost $24.0k lower than at $399k".
pub fn tier_words(t: &crate::analysis::sweep::TierStep, unit: &str, per: &str, cur: &str) -> String {
    let lv = |x: f64| crate::units::level(x, unit, cur);
    let diff = t.cost_mean_below - t.cost_mean;
    let (by, way) = if diff >= 0.0 { (diff, "lower") } else { (-diff, "higher") };
    format!(
        "at {}{per} the discount rises from {} to {}: expected cost {} {way} than at {}",
        lv(t.threshold),
        crate::units::pct(t.discount_below),
        crate::units::pct(t.discount),
        crate::units::money(by, cur),
        lv(t.below)
    )
}

/// The figure to propose, in words: the rounded level, what bounds the
/// refined level, and what the rounding costs.
pub fn propose_words(r: &crate::analysis::sweep::Recommend, unit: &str, per: &str, cur: &str) -> String {
    use crate::units::{money, pct};
    let lv = |x: f64| crate::units::level(x, unit, cur);
    if r.rounding == "no_commitment" {
        let (what, verb) =
            if unit == "units" { ("no reservation", "reserving") } else { ("no commitment", "committing") };
        return format!(
            "{what} (saving {} ± {} against the baseline); {verb} anything costs more in expected terms on the same \
             futures",
            money(r.at.savings_mean, cur),
            money(r.at.savings_std_error, cur),
        );
    }
    let how = match r.rounding.as_str() {
        "tier_threshold" => ", a discount tier's threshold",
        "whole_units" => "",
        "none" => ", as refined (no round figure near it is within the risk limit)",
        _ => ", rounded to two significant figures",
    };
    let bound = if r.bound == "risk_limit" {
        "the highest-saving level within the risk limit"
    } else {
        "the level with the lowest expected cost"
    };
    let cost = if r.rounding_cost > 0.0 {
        format!("rounding costs {} of expected saving", money(r.rounding_cost, cur))
    } else {
        "rounding costs nothing".to_string()
    };
    format!(
        "{}{per}{how} (saving {} ± {}, P(over-commitment) {}); {bound} is {} on the same futures; {cost}",
        lv(r.level),
        money(r.at.savings_mean, cur),
        money(r.at.savings_std_error, cur),
        pct(r.at.prob_overcommit),
        lv(r.refined.level),
    )
}

/// ` per year`-style words for a commitment period of `months` (empty for none).
pub fn per_suffix(months: Option<usize>) -> &'static str {
    match months {
        Some(1) => " per month",
        Some(3) => " per quarter",
        Some(12) => " per year",
        Some(_) => " per term",
        None => "",
    }
}

/// The back-test on the user's own history in words: what the 80% and 90%
/// bands covered, whether that is bad, and the widening (applied or not).
pub fn history_check_words(c: &crate::analysis::backtest::HistoryCheck) -> String {
    use crate::units::pct;
    let mut s = format!(
        "On this history's own last months (held out and forecast from the months before, {} series), the 80% band \
         covered {} of {} months and the 90% band {}.",
        c.series,
        pct(c.coverage_80),
        c.months,
        pct(c.coverage_90)
    );
    if c.badly_covered {
        s.push_str(" That is far below 80%: the forecast has been too sure of itself on this data, so its ranges are too narrow.");
    } else if (c.coverage_80 - 0.8).abs() <= 2.0 * (0.16 / c.months.max(1) as f64).sqrt() {
        // Two binomial standard errors of an 80% coverage over the months scored.
        s.push_str(&format!(" That is within what chance gives over {} months.", c.months));
    }
    if c.calibrated && c.widening > 1.0 {
        s.push_str(&format!(
            " The bands are widened to match: every fitted spread is multiplied by {:.2}.",
            c.widening
        ));
    } else if c.widening > 1.0 {
        s.push_str(&format!(
            " Widening the bands to match would multiply every fitted spread by {:.2} (calibration, in the scenario's forecast settings).",
            c.widening
        ));
    }
    s
}

/// The spend view's rows for a table: a header per fiscal year (with its
/// months when the horizon cuts it) and the whole horizon, then `total`,
/// each vendor and each workload, each cell "mean (p5 – p95)".
pub fn spend_rows(sp: &crate::analysis::spend::SpendReport) -> (Vec<String>, Vec<(String, Vec<String>)>) {
    use crate::units::money;
    let cur = sp.currency.as_str();
    let mut head: Vec<String> = sp
        .years
        .iter()
        .map(|y| if y.months == 12 { y.name.clone() } else { format!("{} ({} mo)", y.name, y.months) })
        .collect();
    head.push("horizon".into());
    let cell = |x: &crate::analysis::spend::Spread| {
        format!("{} ({} – {})", money(x.mean, cur), money(x.p5, cur), money(x.p95, cur))
    };
    let row = |g: &crate::analysis::spend::GroupSpend, label: String| {
        (label, g.years.iter().chain(std::iter::once(&g.horizon)).map(cell).collect())
    };
    let mut rows = vec![row(&sp.total, "All spend".into())];
    rows.extend(sp.vendors.iter().map(|g| row(g, format!("vendor {}", g.name))));
    rows.extend(sp.workloads.iter().map(|g| row(g, g.name.clone())));
    (head, rows)
}

/// The effective prices for a table: `list` and each offer, one row per model.
pub fn price_rows(sp: &crate::analysis::spend::SpendReport) -> (Vec<String>, Vec<(String, Vec<String>)>) {
    let mut head = vec!["list".to_string()];
    head.extend(sp.models.first().map_or_else(Vec::new, |m| m.offers.iter().map(|o| o.offer.clone()).collect()));
    let price = |x: f64| format!("{:.4}", x);
    let rows = sp
        .models
        .iter()
        .map(|m| {
            let mut cells = vec![price(m.list_usd_per_mtok)];
            cells.extend(m.offers.iter().map(|o| price(o.usd_per_mtok)));
            (m.model.clone(), cells)
        })
        .collect();
    (head, rows)
}

/// One sentence per reservation given in limits (SPEC 6.2): which limit
/// binds in how many months, and how much of each limit is used; empty
/// when no offer has limits.
pub fn limit_notes(r: &SimulateReport) -> Vec<String> {
    let mut out = Vec::new();
    for o in &r.offers {
        let Some(limits) = o.provisioned.as_ref().and_then(|p| p.limits.as_ref()) else { continue };
        let name = |l: &str| if l == "list_usd" { "list-dollar".to_string() } else { l.replace('_', " ") };
        let binding = limits.iter().max_by(|a, b| a.binding_months.total_cmp(&b.binding_months));
        let used: Vec<String> =
            limits.iter().map(|l| format!("{} {}", name(&l.limit), crate::units::pct(l.utilization_mean))).collect();
        let binds = match binding {
            Some(b) if limits.len() > 1 => {
                format!("the {} limit binds first, in {:.1} months on average", name(&b.limit), b.binding_months)
            }
            _ => "its one limit decides what is served".to_string(),
        };
        out.push(format!("{}: {binds}; limits used: {}.", o.name, used.join(", ")));
    }
    out
}
