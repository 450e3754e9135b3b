//! Aligned text tables for a terminal, at most 100 columns wide: the few
//! figures a buyer reads first. The full set is in the JSON and CSV.

use std::fmt::Write as _;

use super::fmt::{clip, count, money, pct, thousands};
use super::Report;
use crate::analysis::profile::ProfileReport;
use crate::analysis::simulate::SimulateReport;

/// Renders a report as a text table.
pub fn render(report: &Report) -> String {
    match report {
        Report::Simulate(r) => simulate(r),
        Report::Profile(r) => profile(r),
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
    s.push_str("\npeak_to_mean is p99 / mean: use it as load = { peak_to_mean = ... } in a provisioned offer,\n");
    s.push_str("or write the minutes with --out load.csv and use load = { profile = \"load.csv\" }.\n");
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
