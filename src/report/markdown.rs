//! Markdown tables, for pasting into documents and pull requests.

use std::fmt::Write as _;

use super::fmt::{count, money, pct, thousands};
use super::Report;
use crate::analysis::profile::ProfileReport;
use crate::analysis::simulate::SimulateReport;

/// Renders a report as Markdown.
pub fn render(report: &Report) -> String {
    match report {
        Report::Simulate(r) => simulate(r),
        Report::Profile(r) => profile(r),
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
    s.push_str("| Minutes | Mean per minute | p99 per minute | Peak minute | Peak to mean (p99 / mean) |\n");
    s.push_str("|---:|---:|---:|---:|---:|\n");
    let _ = writeln!(
        s,
        "| {} | {} | {} | {} | {:.2} |",
        thousands(r.minutes as f64),
        thousands(r.mean),
        thousands(r.p99),
        thousands(r.peak),
        r.peak_to_mean
    );
    s
}

/// Escapes text for a Markdown table cell.
pub fn cell(s: &str) -> String {
    s.replace('\\', "\\\\").replace('|', "\\|").replace('<', "&lt;").replace('>', "&gt;").replace('\n', " ")
}

fn simulate(r: &SimulateReport) -> String {
    let cur = r.currency.as_str();
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
    s.push_str("| Offer | Kind | Cost mean (± s.e.) | Cost p5 | Cost p95 | CVaR95 | Saving mean (± s.e.) | Saving p5 – p95 | P(loss) | ESR | P(over-commit) | Utilisation |\n");
    s.push_str("|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n");
    for o in &r.offers {
        let (over, util) = match (&o.commitment, &o.provisioned) {
            (Some(c), _) => (pct(c.prob_overcommit), pct(c.utilization_mean)),
            (None, Some(p)) => ("–".into(), pct(p.utilization_mean)),
            _ => ("–".into(), "–".into()),
        };
        let _ = writeln!(
            s,
            "| {} | {} | {} ± {} | {} | {} | {} | {} ± {} | {} – {} | {} | {} | {} | {} |",
            cell(&o.name),
            o.kind,
            money(o.cost.mean, cur),
            money(o.cost.std_error, cur),
            money(o.cost.p5, cur),
            money(o.cost.p95, cur),
            money(o.cost.cvar95, cur),
            money(o.savings.mean, cur),
            money(o.savings.std_error, cur),
            money(o.savings.p5, cur),
            money(o.savings.p95, cur),
            pct(o.savings.prob_negative),
            pct(o.effective_savings_rate),
            over,
            util
        );
    }
    s
}
