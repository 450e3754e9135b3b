//! The `walkaway` report as a terminal table and as Markdown: one table
//! model (the levels with their reservation points) and the sentences a
//! negotiator reads, shared by both renderers.

use std::fmt::Write as _;

use super::layout::{m, right, Cell, Table};
use crate::analysis::walkaway::{WalkawayLevel, WalkawayReport};
use crate::units::{level, money, pct, thousands, wrap};

/// A discount to 0.01 points: `9.31%`.
pub fn discount(d: f64) -> String {
    crate::units::pct_to(d, 2)
}

/// The words for a reservation point that does not exist.
const NONE_WORKS: &str = "none works";

/// The per-period suffix of a level.
fn per(r: &WalkawayReport) -> &'static str {
    match r.period_months {
        Some(1) => " per month",
        Some(3) => " per quarter",
        Some(12) => " per year",
        Some(_) => " per term",
        None => "",
    }
}

/// A reservation point in its unit, or the words saying none exists.
fn point(r: &WalkawayReport, x: Option<Option<f64>>) -> String {
    match x {
        Some(Some(v)) if r.kind == "provisioned" => money(v, &r.currency),
        Some(Some(v)) => discount(v),
        _ => NONE_WORKS.into(),
    }
}

fn cells(r: &WalkawayReport, l: &WalkawayLevel, markdown: bool) -> Vec<Cell> {
    let cur = r.currency.as_str();
    let (mean, sure) = if r.kind == "provisioned" {
        (l.break_even_unit_price, l.break_even_unit_price_confident)
    } else {
        (l.break_even_discount, l.break_even_discount_confident)
    };
    let own = (l.level - r.offered_level).abs() <= 1e-9 * r.offered_level.abs().max(1.0);
    let mark = if own {
        if markdown {
            " **(offered)**"
        } else {
            " ◀"
        }
    } else {
        ""
    };
    vec![
        m(format!("{}{mark}", level(l.level, &r.level_unit, cur))),
        m(point(r, mean)),
        m(point(r, sure)),
        m(format!("{} ± {}", money(l.savings_mean, cur), money(l.savings_std_error, cur))),
        m(pct(l.prob_saving)),
    ]
}

/// The levels' table, for the terminal (`markdown` false) or Markdown.
fn table(r: &WalkawayReport, markdown: bool) -> Table {
    let sure = format!("{} sure", pct(r.confidence));
    let (be, at) = if r.kind == "provisioned" {
        ("Highest unit price", format!("Saving at {}", money(r.offered_unit_price.unwrap_or(0.0), &r.currency)))
    } else {
        ("Least discount", format!("Saving at {}", discount(r.offered_discount.unwrap_or(0.0))))
    };
    let mut t =
        Table::new(vec![right("Level", 12), right(be, 18), right(&sure, 11), right(&at, 22), right("P(saving)", 9)]);
    for l in &r.levels {
        t.push(cells(r, l, markdown));
    }
    t
}

/// The sentences: what the offer is compared with, and the most to commit.
fn summary(r: &WalkawayReport, name: &dyn Fn(&str) -> String) -> Vec<String> {
    let cur = r.currency.as_str();
    let per = per(r);
    let lv = |x: f64| level(x, &r.level_unit, cur);
    let terms = match (r.offered_discount, r.offered_unit_price) {
        (Some(d), _) => format!("{} off", discount(d)),
        (_, Some(p)) => format!("{} per unit", money(p, cur)),
        _ => String::new(),
    };
    let mut out = vec![format!("Offered: {terms} at {}{per}. Alternative: {}.", lv(r.offered_level), name(&r.against))];
    let sure = pct(r.confidence);
    let commit = if r.kind == "provisioned" { "buy" } else { "commit" };
    out.push(match (r.max_level, r.max_level_confident) {
        (Some(a), Some(b)) => format!(
            "At the offered {terms}, {commit} at most {}{per} (at most {}{per} to be {sure} sure of saving).",
            lv(a),
            lv(b)
        ),
        (Some(a), None) => format!(
            "At the offered {terms}, {commit} at most {}{per}; no level saves with {sure} probability.",
            lv(a)
        ),
        (None, Some(b)) => format!(
            "At the offered {terms}, no level beats the alternative in expected cost; at most {}{per} saves with {sure} probability.",
            lv(b)
        ),
        (None, None) => format!("At the offered {terms}, no level beats the alternative, in expected cost or with {sure} probability."),
    });
    out
}

/// The legend under the table.
fn legend(r: &WalkawayReport) -> String {
    let sure = pct(r.confidence);
    if r.kind == "provisioned" {
        format!(
            "Highest unit price: the most per unit at which the expected cost stays below the alternative's; \
             {sure} sure: the most at which the offer is cheaper on {sure} of the futures. Both solved by bisection \
             on the same futures as sweep (0.1% of a price); `none works` means no price does."
        )
    } else {
        format!(
            "Least discount: the smallest discount at which the expected cost is below the alternative's; {sure} \
             sure: the smallest at which the offer is cheaper on {sure} of the futures. Both solved by bisection on \
             the same futures as sweep (to 0.01 points); `none works` means no discount does."
        )
    }
}

/// The terminal report.
pub fn text(r: &WalkawayReport) -> String {
    let sc = &r.scenario;
    let mut s = String::new();
    let _ = writeln!(
        s,
        "Walk-away point of `{}` against `{}` · {} paths · seed {}",
        r.offer,
        r.against,
        thousands(sc.paths as f64),
        sc.seed
    );
    s.push('\n');
    s.push_str(&table(r, false).text());
    s.push('\n');
    let quoted = |n: &str| format!("`{n}`");
    for line in
        summary(r, &quoted).iter().chain(r.notes.iter().map(|n| format!("Note: {n}")).collect::<Vec<_>>().iter())
    {
        s.push_str(&wrap(line, 100, "", 2));
    }
    s.push_str(&wrap(&legend(r), 100, "", 2));
    s
}

/// The Markdown report.
pub fn markdown(r: &WalkawayReport) -> String {
    let cell = super::markdown::cell;
    let sc = &r.scenario;
    let mut s = String::new();
    let _ = writeln!(s, "## Walk-away point of {}\n", cell(&r.offer));
    let _ = writeln!(s, "Against **{}**. {} paths, seed {}.\n", cell(&r.against), thousands(sc.paths as f64), sc.seed);
    s.push_str(&table(r, true).markdown());
    s.push('\n');
    // The summary and legend are composed of numbers, fixed words and the
    // alternative's name as a code span; the notes may quote input names.
    for line in summary(r, &|n| super::escape::code_span(n, false)) {
        let _ = writeln!(s, "{line}\n");
    }
    for note in &r.notes {
        let _ = writeln!(s, "{}\n", cell(note));
    }
    let _ = writeln!(s, "{}", legend(r));
    s
}
