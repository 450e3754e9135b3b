//! The `track` report as a terminal table, as Markdown and as CSV rows: the
//! status sentences, the remaining periods and the burn-down, one table
//! model shared by the text renderers.

use std::fmt::Write as _;

use super::layout::{left, m, md_text, right, t as tx, Table};
use crate::analysis::track::TrackReport;
use crate::units::{clip, level, pct};

/// A quantity in the commitment's unit.
fn q(r: &TrackReport, x: f64) -> String {
    level(x, &r.unit, &r.currency)
}

/// A list-dollar amount per month.
fn per_month(r: &TrackReport, x: f64) -> String {
    format!("{} a month", crate::units::money(x, &r.currency))
}

/// The status in sentences (shared by every renderer, the HTML page too).
pub fn sentences(r: &TrackReport) -> Vec<String> {
    let e = &r.term_end;
    let mut v = Vec::new();
    if r.months_actual == 0 {
        v.push(format!("At signature (as of {}): nothing consumed yet of {} committed.", r.as_of, q(r, r.committed)));
    } else {
        v.push(format!(
            "As of {} ({} of the term's months actual): {} consumed of {} committed to date ({} over the term); \
             balance {}.",
            r.as_of,
            r.months_actual,
            q(r, r.consumed_to_date),
            q(r, r.committed_to_date),
            q(r, r.committed),
            q(r, r.balance)
        ));
    }
    v.push(format!(
        "At the term's end ({}): {} chance of unused commitment above {} of the total; expected unused {}, expected \
         overage {}.",
        r.term_end_month,
        pct(e.prob_overcommit),
        pct(r.waste_tolerance),
        q(r, e.unused_mean),
        crate::units::money(e.overage_mean, &r.currency)
    ));
    let when = |x: &Option<String>| x.clone().unwrap_or_else(|| "not in the term".into());
    v.push(if e.prob_run_out > 0.0 {
        format!(
            "The commitment runs out before the term ends with probability {}: p10 {}, median {}, p90 {}.",
            pct(e.prob_run_out),
            when(&e.run_out_month.p10),
            when(&e.run_out_month.p50),
            when(&e.run_out_month.p90)
        )
    } else {
        "The commitment does not run out before the term ends on any simulated future.".into()
    });
    v.push(match (r.catch_up_monthly, r.headroom_monthly) {
        (Some(x), _) if x > 0.0 => format!(
            "Catch-up: {} more in-scope spend at list prices, every month to {}, brings the risk of unused \
             commitment within the {} limit.",
            per_month(r, x),
            r.term_end_month,
            pct(r.risk_limit)
        ),
        (Some(_), Some(h)) if h > 0.0 => format!(
            "Within the {} risk limit; up to {} of in-scope spend could move elsewhere and stay within it.",
            pct(r.risk_limit),
            per_month(r, h)
        ),
        (Some(_), _) => format!("Within the {} risk limit, with no spend to spare.", pct(r.risk_limit)),
        (None, _) => format!(
            "Over the {} risk limit, and no month is left in which extra spend could catch up.",
            pct(r.risk_limit)
        ),
    });
    if let Some(p) = r.alert_probability {
        v.push(if r.alert {
            format!(
                "ALERT: the risk of unused commitment, {}, exceeds the alert level {}.",
                pct(e.prob_overcommit),
                pct(p)
            )
        } else {
            format!("No alert: the risk of unused commitment is within the alert level {}.", pct(p))
        });
    }
    v
}

/// The remaining periods (`full`: names not clipped, for Markdown and HTML).
pub fn periods_table(r: &TrackReport, full: bool) -> Table {
    let mut t = Table::new(vec![
        left("Period", 21),
        right("Committed", 12),
        right("Consumed", 12),
        right("Chance unused", 13),
        right("Unused, mean", 12),
        right("Overage, mean", 13),
    ]);
    for p in &r.periods {
        let name = format!("{}: {} to {}", p.period, p.start, p.end);
        t.push(vec![
            tx(if full { name } else { clip(&name, 21) }),
            m(q(r, p.committed)),
            m(q(r, p.consumed_to_date)),
            m(pct(p.prob_overcommit)),
            m(q(r, p.unused_mean)),
            m(crate::units::money(p.overage_mean, &r.currency)),
        ]);
    }
    t
}

/// The burn-down (`words`: headings in words rather than percentiles, for the HTML page).
pub fn burn_down_table(r: &TrackReport, words: bool) -> Table {
    let h = |w: &'static str, p: &'static str| if words { w } else { p };
    let mut t = Table::new(vec![
        left("Month", 7),
        right("Actual", 12),
        right(h("Low (5%)", "p5"), 12),
        right(h("Median", "p50"), 12),
        right(h("High (95%)", "p95"), 12),
        right(h("Left, median", "Left (p50)"), 12),
    ]);
    for b in &r.burn_down {
        t.push(vec![
            tx(b.month.clone()),
            m(b.actual.map_or_else(|| "".into(), |x| q(r, x))),
            m(q(r, b.p5)),
            m(q(r, b.p50)),
            m(q(r, b.p95)),
            m(q(r, r.committed - b.p50)),
        ]);
    }
    t
}

/// The terminal table.
pub fn text(r: &TrackReport) -> String {
    let sc = &r.scenario;
    let mut s = String::new();
    let _ = writeln!(
        s,
        "{} · track {} · term {} to {} · {} paths · seed {}\n",
        sc.name, r.offer, r.term_start, r.term_end_month, sc.paths, sc.seed
    );
    for line in sentences(r) {
        s.push_str(&crate::units::wrap(&line, 100, "", 0));
    }
    if !r.periods.is_empty() {
        s.push_str("\nPeriods not yet closed:\n");
        s.push_str(&periods_table(r, false).text());
    }
    s.push_str("\nBurn-down (cumulative consumption):\n");
    s.push_str(&burn_down_table(r, false).text());
    s
}

/// Markdown.
pub fn markdown(r: &TrackReport) -> String {
    let mut s = String::new();
    let _ = writeln!(s, "## {}: status as of {}\n", md_text(&r.offer), r.as_of);
    for line in sentences(r) {
        let _ = writeln!(s, "- {}", md_text(&line));
    }
    if !r.periods.is_empty() {
        s.push_str("\n### Periods not yet closed\n\n");
        s.push_str(&periods_table(r, true).markdown());
    }
    s.push_str("\n### Burn-down (cumulative consumption)\n\n");
    s.push_str(&burn_down_table(r, false).markdown());
    s
}

/// CSV rows: the burn-down, one row per month.
pub fn csv_rows(r: &TrackReport) -> Vec<Vec<String>> {
    let mut rows = vec![["offer", "month", "actual", "p5", "p50", "p95"].iter().map(|s| s.to_string()).collect()];
    for b in &r.burn_down {
        rows.push(vec![
            r.offer.clone(),
            b.month.clone(),
            b.actual.map_or_else(String::new, |x| x.to_string()),
            b.p5.to_string(),
            b.p50.to_string(),
            b.p95.to_string(),
        ]);
    }
    rows
}
