//! The `optimize` report as a terminal table, Markdown and CSV: the chosen
//! level of each layer with the portfolio's figures, then the frontier.

use std::fmt::Write as _;

use super::layout::{left, m, right, t, Cell, Table};
use crate::analysis::optimize::OptimizeReport;
use crate::units::{level, money, pct, thousands, wrap};

fn level_of(r: &OptimizeReport, k: usize, x: Option<f64>) -> String {
    match x {
        Some(v) => level(v, &r.units[k], &r.currency),
        None => "–".into(),
    }
}

fn layers_table(r: &OptimizeReport) -> Table {
    let mut tb = Table::new(vec![left("Layer", 32), left("Parameter", 9), right("Level", 14)]);
    for (k, l) in r.layers.iter().enumerate() {
        tb.push(vec![t(&l.offer), m(&l.parameter), m(level_of(r, k, l.level))]);
    }
    tb
}

fn frontier_table(r: &OptimizeReport) -> Table {
    let mut cols = vec![right("Expected cost", 13), right("CVaR95", 10), right("P(over)", 7)];
    for l in &r.layers {
        cols.push(right(&l.offer, 12));
    }
    let mut tb = Table::new(cols);
    for f in &r.frontier {
        let mut row: Vec<Cell> =
            vec![m(money(f.cost_mean, &r.currency)), m(money(f.cost_cvar95, &r.currency)), m(pct(f.prob_overcommit))];
        for (k, &x) in f.levels.iter().enumerate() {
            let v = r.layers[k].level.map(|_| x);
            row.push(m(level_of(r, k, v)));
        }
        tb.push(row);
    }
    tb
}

fn summary(r: &OptimizeReport) -> Vec<String> {
    let cur = r.currency.as_str();
    let mut out = vec![format!(
        "Expected cost {} (CVaR95 {}), over-commitment probability {} against a limit of {}.",
        money(r.cost_mean, cur),
        money(r.cost_cvar95, cur),
        pct(r.prob_overcommit),
        pct(r.risk_limit)
    )];
    if !r.within_limit {
        out.push(
            "No combination found keeps the over-commitment probability within the limit; these levels come \
             closest."
                .into(),
        );
    }
    out.push(format!(
        "Searched {} combinations on {} paths{}. Frontier: the combinations found that no other beats in both \
         expected cost and CVaR95.",
        thousands(r.evaluations as f64),
        thousands(r.search_paths as f64),
        if (r.search_paths as u64) < r.scenario.paths {
            "; the optimum and its best runners-up billed again on every path, the frontier as the search found it"
        } else {
            ""
        }
    ));
    out
}

/// The terminal report.
pub fn text(r: &OptimizeReport) -> String {
    let sc = &r.scenario;
    let mut s = String::new();
    let _ =
        writeln!(s, "Optimised portfolio `{}` · {} paths · seed {}", r.portfolio, thousands(sc.paths as f64), sc.seed);
    s.push('\n');
    s.push_str(&layers_table(r).text());
    s.push('\n');
    for line in summary(r) {
        s.push_str(&wrap(&line, 100, "", 2));
    }
    s.push_str("\nFrontier (expected cost against CVaR95):\n");
    s.push_str(&frontier_table(r).text());
    s
}

/// The Markdown report.
pub fn markdown(r: &OptimizeReport) -> String {
    let cell = super::markdown::cell;
    let sc = &r.scenario;
    let mut s = String::new();
    let _ = writeln!(s, "## Optimised portfolio {}\n", cell(&r.portfolio));
    let _ = writeln!(s, "{} paths, seed {}.\n", thousands(sc.paths as f64), sc.seed);
    s.push_str(&layers_table(r).markdown());
    s.push('\n');
    for line in summary(r) {
        let _ = writeln!(s, "{line}\n");
    }
    s.push_str("### Frontier: expected cost against CVaR95\n\n");
    s.push_str(&frontier_table(r).markdown());
    s
}

/// CSV: a row per layer (`row = layer`), then a row per frontier point
/// (`row = frontier`, its levels in the layers' order separated by `;`).
pub fn csv_rows(r: &OptimizeReport) -> Vec<Vec<String>> {
    let num = |x: f64| if x.is_finite() { format!("{x}") } else { String::new() };
    let mut rows = vec![["row", "offer", "parameter", "level", "cost_mean", "cost_cvar95", "prob_overcommit"]
        .iter()
        .map(|s| s.to_string())
        .collect::<Vec<_>>()];
    for l in &r.layers {
        rows.push(vec![
            "layer".into(),
            l.offer.clone(),
            l.parameter.clone(),
            l.level.map(num).unwrap_or_default(),
            num(r.cost_mean),
            num(r.cost_cvar95),
            num(r.prob_overcommit),
        ]);
    }
    for f in &r.frontier {
        rows.push(vec![
            "frontier".into(),
            String::new(),
            String::new(),
            f.levels.iter().map(|x| num(*x)).collect::<Vec<_>>().join(";"),
            num(f.cost_mean),
            num(f.cost_cvar95),
            num(f.prob_overcommit),
        ]);
    }
    rows
}
