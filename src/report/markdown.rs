//! Markdown tables, for pasting into documents and pull requests.

use std::fmt::Write as _;

use super::escape;
use super::layout::{left, m, md_text, right, Table};
use super::score_cells;
use super::Report;
use crate::analysis::backtest::BacktestReport;
use crate::analysis::forecast::ForecastReport;
use crate::analysis::profile::ProfileReport;
use crate::analysis::sensitivity::SensitivityReport;
use crate::analysis::simulate::SimulateReport;
use crate::analysis::sweep::SweepReport;
use crate::checklist::{ContractScore, ScoreReport, Status};
use crate::units::{count, file_stem, money, pct, points, thousands};

/// Renders a report as Markdown.
pub fn render(report: &Report) -> String {
    match report {
        Report::Simulate(r) => simulate(r),
        Report::Sweep(r) => sweep(r),
        Report::Score(r) => score(r),
        Report::Profile(r) => profile(r),
        Report::Forecast(r) => forecast(r),
        Report::Backtest(r) => backtest(r),
        Report::Walkaway(r) => super::walkaway::markdown(r),
        Report::Optimize(r) => super::optimize::markdown(r),
        Report::Sensitivity(r) => sensitivity(r),
        Report::Track(r) => super::track::markdown(r),
    }
}

fn profile(r: &ProfileReport) -> String {
    let mut s = String::new();
    let _ = writeln!(s, "## Load profile of {}\n", cell(&r.file));
    let _ = writeln!(
        s,
        "{} requests over {} minutes ({} to {} UTC; {} minutes without requests count as 0). \
         Effective tokens = input + cached + {} × output.\n",
        thousands(r.requests as f64),
        thousands(r.minutes as f64),
        r.first_minute,
        r.last_minute,
        thousands(r.empty_minutes as f64),
        r.output_weight
    );
    let mut t = Table::new(
        ["Minutes", "Mean per minute", "p99 per minute", "Peak minute", "Peak to mean (p99 / mean)"]
            .map(|h| right(h, 0))
            .to_vec(),
    );
    t.push(vec![
        m(thousands(r.minutes as f64)),
        m(thousands(r.mean)),
        m(thousands(r.p99)),
        m(thousands(r.peak)),
        m(format!("{:.2}", r.peak_to_mean)),
    ]);
    s.push_str(&t.markdown());
    if r.sparse {
        s.push_str(
            "\nNote: most minutes have no requests, so p99 / mean is at most 1 and does not describe the load; \
             use the minutes themselves (`--out load.csv`, then `load = { profile = \"load.csv\" }`).\n",
        );
    }
    s
}

/// Escapes text from an input for Markdown, in a table cell or running
/// text: the one rule for text of this format ([`escape::markdown`], which
/// the Markdown brief uses too).
pub fn cell(s: &str) -> String {
    md_text(s)
}

/// An identifier or file name from an input as a code span in running text.
fn code(s: &str) -> String {
    escape::code_span(s, false)
}

/// An identifier from an input as a code span in a table cell.
fn code_cell(s: &str) -> String {
    escape::code_span(s, true)
}

fn simulate(r: &SimulateReport) -> String {
    let cur = &cell(&r.currency);
    let sc = &r.scenario;
    let mut s = String::new();
    let _ = writeln!(s, "## {}\n", cell(&sc.name));
    let _ = writeln!(
        s,
        "{} months from {}, {} simulated paths, seed {}. Baseline: **{}**. Money in {cur} over the horizon.\n",
        sc.horizon_months,
        sc.start,
        thousands(sc.paths as f64),
        sc.seed,
        cell(&r.baseline)
    );
    let v = &r.volume.total_tokens;
    let _ = writeln!(
        s,
        "Tokens over the horizon: {} expected (p5 {}, p50 {}, p95 {}).\n",
        count(v.mean),
        count(v.p5),
        count(v.p50),
        count(v.p95)
    );
    let mut cols = vec![left("Offer", 0), left("Kind", 0)];
    cols.extend(
        [
            "Cost mean (± s.e.)",
            "Cost p5",
            "Cost p95",
            "CVaR95",
            "Saving mean (± s.e.)",
            "Saving p5 – p95",
            "P(loss)",
            "ESR",
            "P(over-commit)",
            "Utilisation",
        ]
        .map(|h| right(h, 0)),
    );
    let mut t = Table::new(cols);
    for o in r.offers.iter().chain(&r.portfolios) {
        let (over, util) = match (&o.commitment, &o.provisioned) {
            (Some(c), _) => (pct(c.prob_overcommit), pct(c.utilization_mean)),
            (None, Some(p)) => (p.prob_overcommit.map_or_else(|| "–".into(), pct), pct(p.utilization_mean)),
            _ => ("–".into(), "–".into()),
        };
        t.push(vec![
            super::layout::t(&o.name),
            m(&o.kind),
            m(format!("{} ± {}", money(o.cost.mean, cur), money(o.cost.std_error, cur))),
            m(money(o.cost.p5, cur)),
            m(money(o.cost.p95, cur)),
            m(money(o.cost.cvar95, cur)),
            m(format!("{} ± {}", money(o.savings.mean, cur), money(o.savings.std_error, cur))),
            m(format!("{} – {}", money(o.savings.p5, cur), money(o.savings.p95, cur))),
            m(pct(o.savings.prob_negative)),
            m(o.effective_savings_rate.map_or("–".into(), pct)),
            m(over),
            m(util),
        ]);
    }
    s.push_str(&t.markdown());
    for note in super::limit_notes(r) {
        let _ = writeln!(s, "\n{}", cell(&note));
    }
    s
}

fn sweep(r: &SweepReport) -> String {
    let cur = &cell(&r.currency);
    let lv = |x: f64| crate::units::level(x, &r.level_unit, cur);
    let mut s = String::new();
    let _ = writeln!(s, "## Sweep of {}\n", cell(&r.offer));
    let _ = writeln!(
        s,
        "Parameter: {} ({}). Baseline: **{}**. Risk limit: P(over-commitment) ≤ {}. {} paths, seed {}.\n",
        r.parameter,
        r.level_unit,
        cell(&r.baseline),
        pct(r.risk_limit),
        thousands(r.scenario.paths as f64),
        r.scenario.seed
    );
    let mut t = Table::new(
        ["Level", "E[cost] (± s.e.)", "Cost p95", "Unused", "P(over)", "P(loss)", "Saving"]
            .map(|h| right(h, 0))
            .to_vec(),
    );
    for l in &r.levels {
        let mark = if Some(l.level) == r.recommended {
            " **(recommended)**"
        } else if l.level == r.optimum.level {
            " (optimum)"
        } else {
            ""
        };
        t.push(vec![
            m(format!("{}{mark}", lv(l.level))),
            m(format!("{} ± {}", money(l.cost_mean, cur), money(l.cost_std_error, cur))),
            m(money(l.cost_p95, cur)),
            m(if r.level_unit == "tokens" { count(l.unused_mean) } else { money(l.unused_mean, cur) }),
            m(pct(l.prob_overcommit)),
            m(pct(l.prob_negative)),
            m(money(l.savings_mean, cur)),
        ]);
    }
    s.push_str(&t.markdown());
    s.push('\n');
    if let Some(l) = r.recommended {
        let _ = writeln!(
            s,
            "- **Recommended:** {} (expected cost {}).",
            lv(l),
            money(r.min_expected_cost.unwrap_or(f64::NAN), cur)
        );
    }
    if let Some(p) = &r.recommend {
        let per = super::per_suffix(r.period_months);
        let _ = writeln!(s, "- **Propose:** {}.", cell(&super::propose_words(p, &r.level_unit, per, cur)));
    }
    let _ = writeln!(
        s,
        "- **Unconstrained optimum:** {} (expected cost {}).",
        lv(r.optimum.level),
        money(r.optimum.cost_mean, cur)
    );
    if let Some(n) = &r.newsvendor {
        let _ = writeln!(s, "- **Newsvendor reference:** {}: {}.", lv(n.level), cell(&n.basis));
    }
    let _ = writeln!(s, "- **Break-even utilisation:** {}.", pct(r.break_even.utilization));
    let per = super::per_suffix(r.period_months);
    for t in &r.tiers {
        let _ = writeln!(s, "- **Tier:** {}.", cell(&super::tier_words(t, &r.level_unit, per, cur)));
    }
    for w in &r.warnings {
        let _ = writeln!(s, "- Note: {}", cell(w));
    }
    if !r.levers.is_empty() {
        let _ = writeln!(s, "\n### Levers at {}\n", lv(r.levers_at));
        let mut t = Table::new(vec![
            left("Lever", 0),
            left("Ask", 0),
            right("Saving", 0),
            right("Change in P(over-commit)", 0),
        ]);
        for l in &r.levers {
            t.push(vec![
                m(code_cell(&l.id)),
                super::layout::t(&l.label),
                m(money(-l.cost_mean_change, cur)),
                m(format!("{} pt", points(l.prob_overcommit_change))),
            ]);
        }
        s.push_str(&t.markdown());
    }
    s
}

fn score(r: &ScoreReport) -> String {
    let cl = &r.checklist;
    let version = cl.version.as_deref().map(|v| format!(", version {}", cell(v))).unwrap_or_default();
    let mut s = String::from("## Contract scores\n\n");
    let _ = writeln!(
        s,
        "Checklist: **{}**{version} ({}), {} items, total weight {}. Score = 100 × passed weight / total weight; \
         ? = the terms do not say (confirm in writing); a failed must-have blocks.\n",
        cell(&cl.name),
        code(&cl.file),
        cl.items,
        cl.total_weight
    );
    let cs = &r.contracts;
    let heads: Vec<String> =
        cs.iter().map(|c| format!("{} ({})", cell(&c.vendor), cell(&file_stem(&c.file)))).collect();
    let _ = writeln!(s, "| Item | W | Must | {} |", heads.join(" | "));
    let _ = writeln!(s, "|---|--:|:-:|{}", ":-:|".repeat(cs.len()));
    let Some(first) = cs.first() else { return s };
    let mut category = None;
    for (i, item) in first.items.iter().enumerate() {
        if category != Some(item.category) {
            category = Some(item.category);
            let cells: Vec<String> = cs
                .iter()
                .map(|c| c.categories.get(item.category).map_or(String::new(), |v| format!("{v:.1}")))
                .collect();
            let _ = writeln!(s, "| **{}** | | | {} |", item.category, cells.join(" | "));
        }
        let marks: Vec<&str> = cs
            .iter()
            .map(|c| match c.items[i].status {
                Status::Pass => "PASS",
                Status::Fail => "**FAIL**",
                Status::Unknown => "?",
            })
            .collect();
        let must = if item.must_have { "yes" } else { "" };
        let _ = writeln!(s, "| {} | {} | {must} | {} |", code_cell(&item.id), item.weight, marks.join(" | "));
    }
    let scores: Vec<String> = cs.iter().map(|c| format!("**{:.1}**", c.score)).collect();
    let _ = writeln!(s, "| **Score** | | | {} |", scores.join(" | "));
    let blocked: Vec<&str> = cs.iter().map(|c| if c.blocked { "**BLOCKED**" } else { "no" }).collect();
    let _ = writeln!(s, "| **Blocked** | | | {} |", blocked.join(" | "));
    for c in cs {
        s.push_str(&asks(c));
    }
    s
}

fn asks(c: &ContractScore) -> String {
    let mut s = format!("\n### Asks to {} ({})\n\n", cell(&c.vendor), code(&c.file));
    if c.blocked {
        let _ = writeln!(s, "Blocked by failed must-have(s): {}.\n", cell(&c.blocked_by.join(", ")));
    }
    if c.asks.is_empty() {
        s.push_str("None: every item passes.\n");
    }
    for a in &c.asks {
        let must = if a.must_have { "must-have, " } else { "" };
        let _ = writeln!(
            s,
            "{}. {} ({}, {must}weight {}): {}",
            a.rank,
            code(&a.id),
            a.status.as_str(),
            a.weight,
            cell(&a.ask)
        );
    }
    s
}

fn forecast(r: &ForecastReport) -> String {
    let mut s = String::from("## Usage forecast\n\n");
    let _ = writeln!(
        s,
        "Monthly tokens (input + cached + output), {} paths, seed {}.\n",
        thousands(r.paths as f64),
        r.seed
    );
    let mut cols = vec![left("Month", 0)];
    cols.extend(["p5", "p10", "p50", "p90", "p95", "Mean"].map(|h| right(h, 0)));
    let mut t = Table::new(cols);
    for (i, month) in r.months.iter().enumerate() {
        let mut row = vec![m(month)];
        row.extend(r.total.month(i).map(|x| m(count(x))));
        t.push(row);
    }
    s.push_str(&t.markdown());
    let mut t = Table::new(vec![
        left("Workload", 0),
        left("Model", 0),
        left("Method", 0),
        right("Last month", 0),
        right("p50 at the end", 0),
        right("p10 – p90 at the end", 0),
    ]);
    let last = r.months.len().saturating_sub(1);
    for x in &r.series {
        let b = &x.bands;
        t.push(vec![
            super::layout::t(&x.workload),
            super::layout::t(&x.model),
            super::layout::t(&x.method),
            m(x.history.last().map_or("–".to_string(), |h| count(h.tokens))),
            m(count(b.p50[last])),
            m(format!("{} – {}", count(b.p10[last]), count(b.p90[last]))),
        ]);
    }
    s.push('\n');
    s.push_str(&t.markdown());
    if let Some(c) = &r.backtest {
        s.push('\n');
        s.push_str(&super::history_check_words(c));
        s.push('\n');
    }
    if let Some(sp) = &r.spend {
        let _ = writeln!(
            s,
            "\n### Expected list spend\n\nMean (p5 – p95) by fiscal year, the year starting in month {}.\n",
            sp.fiscal_year_start
        );
        let (head, rows) = super::spend_rows(sp);
        let mut cols = vec![left("", 0)];
        cols.extend(head.iter().map(|h| right(&super::layout::md_text(h), 0)));
        let mut t = Table::new(cols);
        for (name, cells) in rows {
            let mut row = vec![super::layout::t(&name)];
            row.extend(cells.into_iter().map(m));
            t.push(row);
        }
        s.push_str(&t.markdown());
        s.push_str("\nEffective price per million tokens under each offer (fees allocated pro rata to list cost).\n\n");
        let (head, rows) = super::price_rows(sp);
        let mut cols = vec![left("Model", 0)];
        cols.extend(head.iter().map(|h| right(&super::layout::md_text(h), 0)));
        let mut t = Table::new(cols);
        for (name, cells) in rows {
            let mut row = vec![super::layout::t(&name)];
            row.extend(cells.into_iter().map(m));
            t.push(row);
        }
        s.push_str(&t.markdown());
    }
    s
}

fn backtest(r: &BacktestReport) -> String {
    let mut s = String::from("## Forecast back-test\n\n");
    let _ = writeln!(
        s,
        "{}: last {} months held out, {} series, {} paths.\n",
        code(&r.file),
        r.holdout,
        r.series.len(),
        thousands(r.paths as f64)
    );
    let mut cols = vec![left("Method", 0)];
    cols.extend(
        ["Months", "Cover 50%", "Cover 80%", "Cover 90%", "MSIS (80%)", "Scaled median error"].map(|h| right(h, 0)),
    );
    let mut t = Table::new(cols);
    for p in &r.pooled {
        t.push(score_cells(p).map(m).to_vec());
    }
    s.push_str(&t.markdown());
    s
}

fn sensitivity(r: &SensitivityReport) -> String {
    let cur = r.currency.as_str();
    let mut s = String::new();
    let _ = writeln!(
        s,
        "## What drives the cost of {}\n\nExpected cost {}, savings {} against {} ({} paths, seed {}). Each input: \
         expected cost with its draw in its lowest and highest decile ({} paths each), largest swing first; the \
         variance share is the first-order share of the variance of cost it explains alone.\n",
        md_text(&r.offer),
        money(r.cost_mean, cur),
        money(r.savings_mean, cur),
        md_text(&r.baseline),
        r.scenario.paths,
        r.scenario.seed,
        thousands(r.paths_per_decile as f64)
    );
    if r.inputs.is_empty() {
        s.push_str("No uncertain input: every distribution of the scenario is fixed.\n");
        return s;
    }
    s.push_str(&super::table::sensitivity_rows(r).markdown());
    s
}
