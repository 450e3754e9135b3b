//! Aligned text tables for a terminal: the few figures a buyer reads first.
//! The full set is in the JSON and CSV. `simulate` fits 100 columns; the
//! `score` side-by-side fits 120 columns with up to five contracts.

use std::fmt::Write as _;

use super::score_cells;
use super::Report;
use crate::analysis::backtest::BacktestReport;
use crate::analysis::forecast::ForecastReport;
use crate::analysis::profile::ProfileReport;
use crate::analysis::simulate::SimulateReport;
use crate::analysis::sweep::SweepReport;
use crate::checklist::{ContractScore, ScoreReport, Status};
use crate::units::{clip, count, file_stem, money, pct, thousands, wrap};

/// Terminal width the `score` table is laid out for.
pub const SCORE_WIDTH: usize = 120;

/// Renders a report as a text table.
pub fn render(report: &Report) -> String {
    match report {
        Report::Simulate(r) => simulate(r),
        Report::Sweep(r) => sweep(r),
        Report::Score(r) => score(r),
        Report::Profile(r) => profile(r),
        Report::Forecast(r) => forecast(r),
        Report::Backtest(r) => backtest(r),
    }
}

fn profile(r: &ProfileReport) -> String {
    let mut s = String::new();
    let _ = writeln!(s, "{} · {} requests", r.file, thousands(r.requests as f64));
    let _ = writeln!(
        s,
        "{} minutes from {} to {} (UTC), {} of them without requests (counted as 0).",
        thousands(r.minutes as f64),
        r.first_minute,
        r.last_minute,
        thousands(r.empty_minutes as f64)
    );
    let _ = writeln!(s, "Effective tokens per minute (input + cached + {} × output):\n", r.output_weight);
    for (label, v) in [("mean", r.mean), ("p99", r.p99), ("peak", r.peak)] {
        let _ = writeln!(s, "  {label:<14}{:>14}", thousands(v));
    }
    let _ = writeln!(s, "  {:<14}{:>14.2}", "peak_to_mean", r.peak_to_mean);
    if r.sparse {
        s.push_str("\npeak_to_mean is p99 / mean, and at most 1 here: most minutes have no requests, so it does not\n");
        s.push_str(
            "describe the load. Write the minutes with --out load.csv and use load = { profile = \"load.csv\" }\n",
        );
        s.push_str("in a provisioned offer, or profile a busier stretch of the log.\n");
    } else {
        s.push_str("\npeak_to_mean is p99 / mean: use it as load = { peak_to_mean = ... } in a provisioned offer,\n");
        s.push_str("or write the minutes with --out load.csv and use load = { profile = \"load.csv\" }.\n");
    }
    s
}

fn simulate(r: &SimulateReport) -> String {
    let cur = r.currency.as_str();
    let mut s = String::new();
    let sc = &r.scenario;
    let _ = writeln!(
        s,
        "{} · {} months from {} · {} paths · seed {}",
        sc.name,
        sc.horizon_months,
        sc.start,
        thousands(sc.paths as f64),
        sc.seed
    );
    let v = &r.volume.total_tokens;
    let _ = writeln!(
        s,
        "Tokens over the horizon: {} expected ({} to {}, p5 to p95). Baseline: {}.",
        count(v.mean),
        count(v.p5),
        count(v.p95),
        r.baseline
    );
    s.push('\n');
    let _ = writeln!(
        s,
        "{:<25} {:<6} {:>9} {:>19} {:>15} {:>6} {:>7} {:>6}",
        "Offer", "Kind", "Cost", "cost p5 – p95", "Saving ± s.e.", "Loses", "P(over)", "Util"
    );
    for o in &r.offers {
        let kind = match o.kind.as_str() {
            "provisioned" => "prov.",
            k => k,
        };
        let range = format!("{} – {}", money(o.cost.p5, cur), money(o.cost.p95, cur));
        let saving =
            format!("{} ± {}", money(o.savings.mean, cur), money(o.savings.std_error, cur).trim_start_matches('-'));
        let (over, util) = match (&o.commitment, &o.provisioned) {
            (Some(c), _) => (pct(c.prob_overcommit), pct(c.utilization_mean)),
            (None, Some(p)) => ("–".into(), pct(p.utilization_mean)),
            _ => ("–".into(), "–".into()),
        };
        let _ = writeln!(
            s,
            "{:<25} {:<6} {:>9} {:>19} {:>15} {:>6} {:>7} {:>6}",
            clip(&o.name, 25),
            kind,
            money(o.cost.mean, cur),
            range,
            saving,
            pct(o.savings.prob_negative),
            over,
            util
        );
    }
    s.push('\n');
    s.push_str("Cost: expected total over the horizon. Saving: against the baseline on the same futures.\n");
    s.push_str("Loses: chance the offer costs more than the baseline. P(over): chance that unused\n");
    s.push_str("commitment exceeds the waste tolerance. Util: mean use of commitment or capacity.\n");
    s
}

/// A level in its unit: money per period, tokens per period, or units.
pub fn level(x: f64, unit: &str, cur: &str) -> String {
    match unit {
        "usd" => money(x, cur),
        "tokens" => format!("{} tok", count(x)),
        _ => format!("{} u", (x * 10.0).round() / 10.0),
    }
}

fn sweep(r: &SweepReport) -> String {
    let cur = r.currency.as_str();
    let mut s = String::new();
    let per = match r.period_months {
        Some(1) => " per month",
        Some(3) => " per quarter",
        Some(12) => " per year",
        Some(_) => " per term",
        None => "",
    };
    let sc = &r.scenario;
    let _ = writeln!(
        s,
        "Sweep of `{}`: {}{per} · {} paths · seed {}",
        r.offer,
        r.parameter,
        thousands(sc.paths as f64),
        sc.seed
    );
    let _ = writeln!(s, "Baseline: {}. Risk limit: P(over-commitment) <= {}.", r.baseline, pct(r.risk_limit));
    s.push('\n');
    let (lo, hi) =
        r.levels.iter().fold((f64::INFINITY, f64::NEG_INFINITY), |(a, b), l| (a.min(l.cost_mean), b.max(l.cost_mean)));
    let _ = writeln!(
        s,
        "{:>11} {:>9} {:>9} {:>9} {:>7} {:>6}  {:<16} P(over)",
        "Level", "E[cost]", "cost p95", "Unused", "P(over)", "Loses", "E[cost] min→max"
    );
    for l in &r.levels {
        let mark = if Some(l.level) == r.recommended {
            "◀ recommended"
        } else if l.level == r.optimum.level {
            "◀ optimum"
        } else {
            ""
        };
        let _ = writeln!(
            s,
            "{:>11} {:>9} {:>9} {:>9} {:>7} {:>6}  {:<16} {:<8} {mark}",
            level(l.level, &r.level_unit, cur),
            money(l.cost_mean, cur),
            money(l.cost_p95, cur),
            if r.level_unit == "usd" || r.level_unit == "units" {
                money(l.unused_mean, cur)
            } else {
                count(l.unused_mean)
            },
            pct(l.prob_overcommit),
            pct(l.prob_negative),
            bar(l.cost_mean, lo, hi, 16),
            bar(l.prob_overcommit, 0.0, 1.0, 8),
        );
    }
    s.push('\n');
    let mut notes = String::new();
    match (r.recommended, r.min_expected_cost) {
        (Some(l), Some(c)) => {
            let _ = writeln!(
                notes,
                "Recommended: {}{per}, expected cost {} (lowest within the risk limit).",
                level(l, &r.level_unit, cur),
                money(c, cur)
            );
        }
        _ => notes.push_str("Recommended: none of these levels is within the risk limit.\n"),
    }
    let _ = writeln!(
        notes,
        "Unconstrained optimum: {}, expected cost {}.",
        level(r.optimum.level, &r.level_unit, cur),
        money(r.optimum.cost_mean, cur)
    );
    if let Some(n) = &r.newsvendor {
        let _ = writeln!(notes, "Newsvendor reference: {}, {}.", level(n.level, &r.level_unit, cur), n.basis);
    }
    let be = &r.break_even;
    match be.consumption_per_period {
        Some(c) => {
            let _ = writeln!(
                notes,
                "Break-even: utilisation {}; ties with list price at {}{per} of list-price usage.",
                pct(be.utilization),
                level(c, &r.level_unit, cur)
            );
        }
        None => {
            let _ = writeln!(notes, "Break-even utilisation of capacity: {}.", pct(be.utilization));
        }
    }
    for w in &r.warnings {
        let _ = writeln!(notes, "Note: {w}");
    }
    for line in notes.lines() {
        s.push_str(&wrap(line, 100, "", 2));
    }
    if !r.levers.is_empty() {
        let _ = writeln!(s, "\nLevers at {} (largest saving first):", level(r.levers_at, &r.level_unit, cur));
        let _ = writeln!(s, "  {:<20} {:>10} {:>9}  ask", "lever", "saving", "P(over)");
        for l in &r.levers {
            let _ = writeln!(
                s,
                "  {:<20} {:>10} {:>+8.1}pt  {}",
                l.id,
                money(-l.cost_mean_change, cur),
                100.0 * l.prob_overcommit_change,
                clip(&l.label, 52)
            );
        }
    }
    s
}

/// Column widths of the `score` grid.
struct Grid {
    id: usize,
    vendor: usize,
}

impl Grid {
    /// Item ids up to 44 characters; vendor columns share what is left of 120.
    fn of(r: &ScoreReport) -> Grid {
        let longest =
            r.contracts.first().map_or(0, |c| c.items.iter().map(|i| i.id.chars().count()).max().unwrap_or(0));
        let id = longest.clamp(12, 44);
        let n = r.contracts.len().max(1);
        let vendor = ((SCORE_WIDTH - id - 7) / n).saturating_sub(1).clamp(6, 24);
        Grid { id, vendor }
    }

    /// One row: label, weight, must-have mark, one cell per contract.
    fn row(&self, label: &str, weight: &str, must: &str, cells: impl IntoIterator<Item = String>) -> String {
        let mut line = format!("{:<w$} {:>1} {:<4}", clip(label, self.id), weight, must, w = self.id);
        for c in cells {
            line.push_str(&format!(" {:<w$}", clip(&c, self.vendor), w = self.vendor));
        }
        let mut line = line.trim_end().to_string();
        line.push('\n');
        line
    }
}

fn score(r: &ScoreReport) -> String {
    let cl = &r.checklist;
    let version = cl.version.as_deref().map(|v| format!(", version {v}")).unwrap_or_default();
    let mut s = wrap(
        &format!(
            "Checklist: {}{version} ({}): {} items, total weight {}.",
            cl.name, cl.file, cl.items, cl.total_weight
        ),
        SCORE_WIDTH,
        "",
        2,
    );
    s.push('\n');
    s.push_str(&score_grid(r));
    s.push('\n');
    s.push_str("PASS meets the item, FAIL does not, ? the terms do not say (ask to confirm in writing).\n");
    s.push_str("Scores: 100 x passed weight / total weight, per category and overall. A failed must-have blocks.\n");
    for c in &r.contracts {
        s.push('\n');
        s.push_str(&asks(c));
    }
    s
}

/// A horizontal bar of `width` cells for `x` between `lo` and `hi`.
fn bar(x: f64, lo: f64, hi: f64, width: usize) -> String {
    let f = if hi > lo { ((x - lo) / (hi - lo)).clamp(0.0, 1.0) } else { 0.0 };
    let n = (f * width as f64).round() as usize;
    let mut b = "█".repeat(n);
    b.push_str(&"·".repeat(width - n));
    b
}

fn score_grid(r: &ScoreReport) -> String {
    let g = Grid::of(r);
    let cs = &r.contracts;
    let mut s = g.row("", "", "", cs.iter().map(|c| c.vendor.clone()));
    s.push_str(&g.row("Item", "W", "Must", cs.iter().map(|c| file_stem(&c.file))));
    let Some(first) = cs.first() else { return s };
    let mut category = None;
    for (i, item) in first.items.iter().enumerate() {
        if category != Some(item.category) {
            category = Some(item.category);
            let cells = cs.iter().map(|c| c.categories.get(item.category).map_or(String::new(), |v| format!("{v:.1}")));
            s.push_str(&g.row(&format!("[{}]", item.category), "", "", cells));
        }
        let mark = |c: &ContractScore| match c.items[i].status {
            Status::Pass => "PASS".to_string(),
            Status::Fail => "FAIL".to_string(),
            Status::Unknown => "?".to_string(),
        };
        s.push_str(&g.row(
            &item.id,
            &item.weight.to_string(),
            if item.must_have { "yes" } else { "" },
            cs.iter().map(mark),
        ));
    }
    s.push_str(&g.row("Score", "", "", cs.iter().map(|c| format!("{:.1}", c.score))));
    s.push_str(&g.row("Blocked", "", "", cs.iter().map(|c| if c.blocked { "BLOCKED" } else { "no" }.to_string())));
    s
}

/// The ranked asks of one contract, wrapped to the table width.
fn asks(c: &ContractScore) -> String {
    let mut s = format!("Asks to {} ({}), most important first:\n", c.vendor, c.file);
    if c.blocked {
        s.push_str(&wrap(
            &format!("Blocked by failed must-have(s): {}.", c.blocked_by.join(", ")),
            SCORE_WIDTH,
            "  ",
            2,
        ));
    }
    if c.asks.is_empty() {
        s.push_str("  none: every item passes.\n");
    }
    for a in &c.asks {
        let must = if a.must_have { "must-have, " } else { "" };
        let text = format!("{} ({}, {must}weight {}): {}", a.id, a.status.as_str(), a.weight, a.ask);
        s.push_str(&wrap(&text, SCORE_WIDTH, &format!("{:>4}. ", a.rank), 6));
    }
    s
}

fn forecast(r: &ForecastReport) -> String {
    let mut s = String::new();
    let first = r.months.first().map(String::as_str).unwrap_or("");
    let _ = writeln!(
        s,
        "Forecast of monthly tokens (input + cached + output) · {} months from {first} · {} paths · seed {}",
        r.months.len(),
        thousands(r.paths as f64),
        r.seed
    );
    let _ = writeln!(
        s,
        "\nAll series together\n{:<8} {:>9} {:>9} {:>9} {:>9} {:>9} {:>9}",
        "month", "p5", "p10", "p50", "p90", "p95", "mean"
    );
    let t = &r.total;
    for (i, m) in r.months.iter().enumerate() {
        let [p5, p10, p50, p90, p95, mean] = t.month(i).map(count);
        let _ = writeln!(s, "{m:<8} {p5:>9} {p10:>9} {p50:>9} {p90:>9} {p95:>9} {mean:>9}");
    }
    let last = r.months.len().saturating_sub(1);
    let _ = writeln!(
        s,
        "\nPer series in {} (p10 / p50 / p90), with the last history month",
        r.months.last().map(String::as_str).unwrap_or("")
    );
    let _ = writeln!(s, "{:<22} {:<22} {:>9} {:>9} {:>9} {:>9}", "workload", "model", "last", "p10", "p50", "p90");
    for x in &r.series {
        let hist = x.history.last().map_or("–".to_string(), |h| count(h.tokens));
        let b = &x.bands;
        let _ = writeln!(
            s,
            "{:<22} {:<22} {:>9} {:>9} {:>9} {:>9}",
            clip(&x.workload, 22),
            clip(&x.model, 22),
            hist,
            count(b.p10[last]),
            count(b.p50[last]),
            count(b.p90[last])
        );
    }
    s
}

fn backtest(r: &BacktestReport) -> String {
    let mut s = String::new();
    let _ = writeln!(
        s,
        "Back-test of {}: the last {} months of each series held out; {} series scored, {} skipped; {} paths",
        r.file,
        r.holdout,
        r.series.len(),
        r.skipped.len(),
        thousands(r.paths as f64)
    );
    let _ = writeln!(
        s,
        "\n{:<16} {:>7} {:>10} {:>10} {:>10} {:>10} {:>13}",
        "method", "months", "cover 50%", "cover 80%", "cover 90%", "MSIS 80%", "median error"
    );
    for p in &r.pooled {
        let [method, months, c50, c80, c90, msis, err] = score_cells(p);
        let _ = writeln!(s, "{method:<16} {months:>7} {c50:>10} {c80:>10} {c90:>10} {msis:>10} {err:>13}");
    }
    s.push_str(&wrap(
        "Coverage: share of held-out months inside the p25–p75, p10–p90 and p5–p95 bands (the nominal levels are 50%, 80% and 90%; \
         below them the intervals are too narrow to trust). MSIS: mean scaled interval score of the 80% band, lower is better. \
         Median error: mean absolute error of the median over the in-sample mean absolute 12-month change.",
        100,
        "\n",
        0,
    ));
    for k in &r.skipped {
        let _ = writeln!(s, "Skipped {k}");
    }
    s
}
