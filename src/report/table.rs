//! Aligned text tables for a terminal, at most 100 columns wide: the few
//! figures a buyer reads first. The full set is in the JSON and CSV.

use std::fmt::Write as _;

use super::fmt::{clip, count, money, pct, thousands};
use super::Report;
use crate::analysis::simulate::SimulateReport;
use crate::analysis::sweep::SweepReport;

/// Renders a report as a text table.
pub fn render(report: &Report) -> String {
    match report {
        Report::Simulate(r) => simulate(r),
        Report::Sweep(r) => sweep(r),
    }
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
        _ => format!("{x} u"),
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
        "{:>11} {:>9} {:>9} {:>9} {:>7} {:>6}  {:<22} P(over)",
        "Level", "E[cost]", "cost p95", "Unused", "P(over)", "Loses", "E[cost] (min to max)"
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
            "{:>11} {:>9} {:>9} {:>9} {:>7} {:>6}  {:<22} {:<10} {mark}",
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
            bar(l.cost_mean, lo, hi, 22),
            bar(l.prob_overcommit, 0.0, 1.0, 10),
        );
    }
    s.push('\n');
    match (r.recommended, r.min_expected_cost) {
        (Some(l), Some(c)) => {
            let _ = writeln!(
                s,
                "Recommended: {}{per}, expected cost {} (lowest within the risk limit).",
                level(l, &r.level_unit, cur),
                money(c, cur)
            );
        }
        _ => s.push_str("Recommended: none of these levels is within the risk limit.\n"),
    }
    let _ = writeln!(
        s,
        "Unconstrained optimum: {}, expected cost {}.",
        level(r.optimum.level, &r.level_unit, cur),
        money(r.optimum.cost_mean, cur)
    );
    if let Some(n) = &r.newsvendor {
        let _ = writeln!(s, "Newsvendor reference: {}, {}.", level(n.level, &r.level_unit, cur), n.basis);
    }
    let be = &r.break_even;
    match be.consumption_per_period {
        Some(c) => {
            let _ = writeln!(
                s,
                "Break-even: utilisation {}; ties with list price at {}{per} of list-price usage.",
                pct(be.utilization),
                level(c, &r.level_unit, cur)
            );
        }
        None => {
            let _ = writeln!(s, "Break-even utilisation of capacity: {}.", pct(be.utilization));
        }
    }
    for w in &r.warnings {
        let _ = writeln!(s, "Note: {w}");
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
                clip(&l.label, 55)
            );
        }
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
