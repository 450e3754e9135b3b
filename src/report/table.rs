//! Aligned text tables for a terminal: the few figures a buyer reads first.
//! The full set is in the JSON and CSV. `simulate` fits 100 columns; the
//! `score` side-by-side fits 120 columns with up to five contracts.

use std::fmt::Write as _;

use super::layout::{left, m, right, t as tx, Table};
use super::score_cells;
use super::Report;
use crate::analysis::backtest::BacktestReport;
use crate::analysis::forecast::ForecastReport;
use crate::analysis::profile::ProfileReport;
use crate::analysis::sensitivity::SensitivityReport;
use crate::analysis::simulate::SimulateReport;
use crate::analysis::sweep::SweepReport;
use crate::checklist::{ContractScore, ScoreReport, Status};
use crate::units::{clip, count, file_stem, money, money_to, pct, points, separating_digits, thousands, wrap};

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
        Report::Walkaway(r) => super::walkaway::text(r),
        Report::Optimize(r) => super::optimize::text(r),
        Report::Sensitivity(r) => sensitivity(r),
        Report::Track(r) => super::track::text(r),
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
    let mut t = Table::new(vec![
        left("Offer", 24),
        left("Kind", 6),
        right("Cost", 9),
        right("cost p5 – p95", 19),
        right("Saving ± s.e.", 15),
        right("P(loss)", 7),
        right("P(over)", 7),
        right("Util", 6),
    ]);
    for o in r.offers.iter().chain(&r.portfolios) {
        let kind = match o.kind.as_str() {
            "provisioned" => "prov.",
            "credits" => "credit",
            "portfolio" => "portf.",
            k => k,
        };
        let range = format!("{} – {}", money(o.cost.p5, cur), money(o.cost.p95, cur));
        let saving =
            format!("{} ± {}", money(o.savings.mean, cur), money(o.savings.std_error, cur).trim_start_matches('-'));
        let (over, util) = match (&o.commitment, &o.provisioned) {
            (Some(c), _) => (pct(c.prob_overcommit), pct(c.utilization_mean)),
            (None, Some(p)) => (p.prob_overcommit.map_or_else(|| "–".into(), pct), pct(p.utilization_mean)),
            _ => ("–".into(), "–".into()),
        };
        t.push(vec![
            tx(clip(&o.name, 25)),
            m(kind),
            m(money(o.cost.mean, cur)),
            m(range),
            m(saving),
            m(pct(o.savings.prob_negative)),
            m(over),
            m(util),
        ]);
    }
    s.push_str(&t.text());
    s.push('\n');
    s.push_str("Cost: expected total over the horizon. Saving: against the baseline on the same futures.\n");
    s.push_str("P(loss): chance the offer costs more than the baseline. P(over): chance that unused\n");
    s.push_str("commitment exceeds the waste tolerance (a reservation: utilisation below its break-even).\n");
    s.push_str("Util: mean use of commitment or capacity.\n");
    for note in super::limit_notes(r) {
        s.push('\n');
        s.push_str(&note);
        s.push('\n');
    }
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
    let per = super::per_suffix(r.period_months);
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
    let costs: Vec<f64> = r.levels.iter().map(|l| l.cost_mean).collect();
    let savings: Vec<f64> = r.levels.iter().map(|l| l.savings_mean).collect();
    let (dc, ds) = (separating_digits(&costs), separating_digits(&savings));
    let mut t = Table::new(vec![
        right("Level", 11),
        right("E[cost]", 9),
        right("Saving ± s.e.", 18),
        right("cost p95", 9),
        right("Unused", 9),
        right("P(over)", 7),
        right("P(loss)", 7),
        left("", 0),
        left("P(over)", 8),
        left("", 0),
    ]);
    for l in &r.levels {
        let mark = if Some(l.level) == r.recommended {
            "◀ recommended"
        } else if l.level == r.optimum.level {
            "◀ optimum"
        } else {
            ""
        };
        t.push(vec![
            m(level(l.level, &r.level_unit, cur)),
            m(money_to(l.cost_mean, cur, dc)),
            m(format!("{} ± {}", money_to(l.savings_mean, cur, ds), money(l.savings_std_error, cur))),
            m(money(l.cost_p95, cur)),
            m(if r.level_unit == "usd" || r.level_unit == "units" {
                money(l.unused_mean, cur)
            } else {
                count(l.unused_mean)
            }),
            m(pct(l.prob_overcommit)),
            m(pct(l.prob_negative)),
            m(""),
            m(bar(l.prob_overcommit, 0.0, 1.0, 8)),
            m(mark),
        ]);
    }
    s.push_str(&t.text());
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
    if let Some(p) = &r.recommend {
        let _ = writeln!(notes, "Propose: {}.", super::propose_words(p, &r.level_unit, per, cur));
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
    for t in &r.tiers {
        let _ = writeln!(notes, "Tier: {}.", super::tier_words(t, &r.level_unit, per, cur));
    }
    for w in &r.warnings {
        let _ = writeln!(notes, "Note: {w}");
    }
    for line in notes.lines() {
        s.push_str(&wrap(line, 100, "", 2));
    }
    if !r.levers.is_empty() {
        let _ = writeln!(s, "\nLevers at {} (largest saving first):", level(r.levers_at, &r.level_unit, cur));
        let mut t =
            Table::new(vec![left("lever", 20), right("saving", 10), right("P(over)", 9), left("", 0), left("ask", 0)])
                .indented(2);
        for l in &r.levers {
            t.push(vec![
                m(&l.id),
                m(money(-l.cost_mean_change, cur)),
                m(format!("{:>8}pt", points(l.prob_overcommit_change))),
                m(""),
                tx(clip(&l.label, 52)),
            ]);
        }
        s.push_str(&t.text());
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
    s.push_str("\nAll series together\n");
    let mut cols = vec![left("month", 8)];
    cols.extend(["p5", "p10", "p50", "p90", "p95", "mean"].map(|h| right(h, 9)));
    let mut t = Table::new(cols);
    for (i, month) in r.months.iter().enumerate() {
        let mut row = vec![m(month)];
        row.extend(r.total.month(i).map(|x| m(count(x))));
        t.push(row);
    }
    s.push_str(&t.text());
    let last = r.months.len().saturating_sub(1);
    let _ = writeln!(
        s,
        "\nPer series in {} (p10 / p50 / p90), with the last history month",
        r.months.last().map(String::as_str).unwrap_or("")
    );
    let mut cols = vec![left("workload", 22), left("model", 22)];
    cols.extend(["last", "p10", "p50", "p90"].map(|h| right(h, 9)));
    let mut t = Table::new(cols);
    for x in &r.series {
        let hist = x.history.last().map_or("–".to_string(), |h| count(h.tokens));
        let b = &x.bands;
        t.push(vec![
            tx(clip(&x.workload, 22)),
            tx(clip(&x.model, 22)),
            m(hist),
            m(count(b.p10[last])),
            m(count(b.p50[last])),
            m(count(b.p90[last])),
        ]);
    }
    s.push_str(&t.text());
    if let Some(c) = &r.backtest {
        s.push('\n');
        s.push_str(&super::history_check_words(c));
        s.push('\n');
    }
    if let Some(sp) = &r.spend {
        let (head, rows) = super::spend_rows(sp);
        let _ = writeln!(s, "\nExpected list spend, mean (p5 – p95), fiscal years from month {}", sp.fiscal_year_start);
        let mut cols = vec![left("", 22)];
        cols.extend(head.iter().map(|h| right(h, 25)));
        let mut t = Table::new(cols);
        for (name, cells) in rows {
            let mut row = vec![tx(clip(&name, 22))];
            row.extend(cells.into_iter().map(m));
            t.push(row);
        }
        s.push_str(&t.text());
        let (head, rows) = super::price_rows(sp);
        s.push_str("\nEffective price per million tokens under each offer (fees allocated pro rata to list cost)\n");
        let mut cols = vec![left("model", 22)];
        cols.extend(head.iter().map(|h| right(&clip(h, 14), 14)));
        let mut t = Table::new(cols);
        for (name, cells) in rows {
            let mut row = vec![tx(clip(&name, 22))];
            row.extend(cells.into_iter().map(m));
            t.push(row);
        }
        s.push_str(&t.text());
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
    let mut t = Table::new(vec![
        left("method", 16),
        right("months", 7),
        right("cover 50%", 10),
        right("cover 80%", 10),
        right("cover 90%", 10),
        right("MSIS 80%", 10),
        right("median error", 13),
    ]);
    for p in &r.pooled {
        t.push(score_cells(p).map(m).to_vec());
    }
    s.push('\n');
    s.push_str(&t.text());
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

fn sensitivity_table(r: &SensitivityReport, markdown: bool) -> Table {
    let cur = r.currency.as_str();
    let cols = vec![
        left("Input", 40),
        right("Cost, low decile", 16),
        right("Cost, high decile", 17),
        right("Swing", 9),
        right("Savings low", 11),
        right("Savings high", 12),
        right("Variance share", 14),
    ];
    let mut t = Table::new(cols);
    for e in &r.inputs {
        let name = if markdown { e.input.clone() } else { clip(&e.input, 40) };
        t.push(vec![
            tx(name),
            m(money(e.cost_low, cur)),
            m(money(e.cost_high, cur)),
            m(money(e.swing, cur)),
            m(money(e.savings_low, cur)),
            m(money(e.savings_high, cur)),
            m(pct(e.variance_share)),
        ]);
    }
    t
}

/// The tornado as a table, shared with the Markdown renderer.
pub(crate) fn sensitivity_rows(r: &SensitivityReport) -> Table {
    sensitivity_table(r, true)
}

fn sensitivity(r: &SensitivityReport) -> String {
    let cur = r.currency.as_str();
    let sc = &r.scenario;
    let mut s = String::new();
    let _ = writeln!(
        s,
        "{} · {} months from {} · {} paths · seed {}",
        sc.name, sc.horizon_months, sc.start, sc.paths, sc.seed
    );
    let _ = writeln!(
        s,
        "What drives the cost of {}: expected cost {}, savings {} against {}.",
        r.offer,
        money(r.cost_mean, cur),
        money(r.savings_mean, cur),
        r.baseline
    );
    let _ = writeln!(
        s,
        "Each input: expected cost with its draw in its lowest and highest decile ({} paths each), largest swing first;\nvariance share = first-order share of the variance of cost it explains alone.\n",
        thousands(r.paths_per_decile as f64)
    );
    if r.inputs.is_empty() {
        s.push_str("No uncertain input: every distribution of the scenario is fixed.\n");
        return s;
    }
    s.push_str(&sensitivity_table(r, false).text());
    let total: f64 = r.inputs.iter().map(|e| e.variance_share).sum();
    let _ = writeln!(s, "\nShares sum to {} (above 100% when inputs are correlated, each counting what they share; below when they interact or noise is not listed).", pct(total));
    s
}
