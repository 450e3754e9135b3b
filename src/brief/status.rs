//! `track --format html`: a one-page status of a commitment, for a finance
//! reader. One self-contained file (inline CSS and SVG, no script, nothing
//! fetched) with the status in sentences, the burn-down fan chart against
//! the commitment line, the periods not yet closed and the burn-down table.
//! Every string from an input file (scenario, offer and month names) is
//! escaped by [`esc`]; the chart's text by [`Svg`]. Numbers also sit,
//! unformatted, in `data-value` attributes, so tests can compare them with
//! the JSON.

use std::fmt::Write as _;

use super::charts::{month_ticks, y_axis};
use super::svg::{esc, nice_ticks, Anchor, Scale, Svg};
use crate::analysis::track::TrackReport;
use crate::report::layout::{Align, Column, Table};
use crate::report::track::{burn_down_table, periods_table, sentences};
use crate::spec::Month;
use crate::units::{level, pct};

const W: f64 = 720.0;
const BAND_INNER: &str = "#8f8f8f";

const STYLE: &str = "body{font-family:system-ui,-apple-system,'Segoe UI',Roboto,Helvetica,Arial,sans-serif;\
max-width:760px;margin:2em auto;padding:0 1em;color:#111;line-height:1.45}\
h1{font-size:1.5em;margin-bottom:.2em}h2{font-size:1.15em;margin-top:1.6em}\
.sub{color:#444;margin-top:0}.alert{border:2px solid #000;padding:.5em .8em;font-weight:bold}\
table{border-collapse:collapse;width:100%;font-size:.92em}th,td{padding:.25em .5em;border-bottom:1px solid #ccc}\
th{text-align:left}th.n{text-align:right}td.n{text-align:right;font-variant-numeric:tabular-nums}\
.figures{display:grid;grid-template-columns:repeat(auto-fit,minmax(160px,1fr));gap:.6em;margin:1em 0}\
.figures div{border:1px solid #bbb;padding:.5em .7em}.figures b{display:block;font-size:1.25em}\
svg.chart{max-width:100%;height:auto}\
@media print{body{margin:0;max-width:none}h2{break-after:avoid}table,svg{break-inside:avoid}}";

/// The burn-down fan: cumulative consumption, actual then p5–p95 and
/// median, with the term's total commitment as a horizontal line.
pub fn chart(r: &TrackReport) -> String {
    let first = Month::parse(&r.term_start).unwrap_or_else(|| Month::parse("2000-01").expect("valid literal"));
    let n = r.burn_down.len();
    let last = n.saturating_sub(1) as f64;
    let (left, top, axis_y) = (84.0, 44.0, 304.0);
    let hi = r.burn_down.iter().map(|b| b.p95).fold(r.committed, f64::max);
    let yt = nice_ticks(0.0, hi, 6);
    let sy = Scale { d0: 0.0, d1: *yt.last().unwrap_or(&1.0), r0: axis_y, r1: top };
    let sx = Scale { d0: 0.0, d1: last.max(1.0), r0: left, r1: W - 24.0 };
    let unit = if r.unit == "tokens" { "Tokens" } else { "Money at the commitment's prices" };
    let desc = format!(
        "Cumulative consumption of the commitment by month: the actual line to {}, then a hatched band from the 5th \
         to the 95th percentile of the simulated futures and the median as a solid line; the dashed horizontal line \
         is the total commitment, {}. At the term's end the median is {}.",
        r.as_of,
        level(r.committed, &r.unit, &r.currency),
        level(r.burn_down.last().map_or(0.0, |b| b.p50), &r.unit, &r.currency)
    );
    let mut svg = Svg::new("chart-burn-down", W, axis_y + 52.0, "Burn-down of the commitment", &desc);
    let lbl = |x: f64| level(x, &r.unit, &r.currency);
    y_axis(&mut svg, &sy, &yt, (left, W - 24.0), &lbl, (16.0, unit));
    month_ticks(&mut svg, &sx, first, last, axis_y);
    let at = |t: usize, v: f64| (sx.at(t as f64), sy.at(v));
    let sim: Vec<usize> = (0..n).filter(|&t| r.burn_down[t].actual.is_none()).collect();
    // The band starts at the last actual month, so that it joins the actual line.
    let from = sim.first().map(|&t| t.saturating_sub(usize::from(t > 0))).unwrap_or(n);
    if from < n {
        let mut band: Vec<(f64, f64)> = (from..n).map(|t| at(t, r.burn_down[t].p95)).collect();
        band.extend((from..n).rev().map(|t| at(t, r.burn_down[t].p5)));
        let hatch = svg.hatch();
        svg.polygon(&band, &hatch);
        let med: Vec<(f64, f64)> = (from..n).map(|t| at(t, r.burn_down[t].p50)).collect();
        svg.polyline(&med, "#000000", 2.4, None);
    }
    let actual: Vec<(f64, f64)> =
        r.burn_down.iter().enumerate().filter_map(|(t, b)| b.actual.map(|v| at(t, v))).collect();
    if !actual.is_empty() {
        svg.polyline(&actual, "#000000", 1.6, None);
        for p in &actual {
            svg.marker("circle", *p, 2.6, "#ffffff");
        }
    }
    let yc = sy.at(r.committed);
    svg.line((left, yc), (W - 24.0, yc), "#000000", 1.2, Some("6 4"));
    svg.text((left + 6.0, yc - 5.0), Anchor::Start, 10.5, "normal", &format!("committed {}", lbl(r.committed)));
    // Legend.
    let y = 18.0;
    let hatch = svg.hatch();
    svg.rect((left, y - 7.0), (22.0, 14.0), &hatch, Some("#000000"));
    svg.text((left + 28.0, y + 4.0), Anchor::Start, 10.5, "normal", "p5–p95");
    svg.line((left + 90.0, y), (left + 114.0, y), "#000000", 2.4, None);
    svg.text((left + 120.0, y + 4.0), Anchor::Start, 10.5, "normal", "median");
    svg.line((left + 176.0, y), (left + 200.0, y), "#000000", 1.6, None);
    svg.marker("circle", (left + 188.0, y), 2.6, "#ffffff");
    svg.text((left + 206.0, y + 4.0), Anchor::Start, 10.5, "normal", "actual");
    let _ = BAND_INNER;
    svg.finish()
}

fn figure(s: &mut String, label: &str, shown: &str, value: Option<f64>) {
    let v = value.map_or_else(String::new, |x| format!(" data-value=\"{x}\""));
    let _ = write!(s, "<div{v}>{}<b>{}</b></div>", esc(label), esc(shown));
}

/// The whole page.
pub fn render(r: &TrackReport) -> String {
    let q = |x: f64| level(x, &r.unit, &r.currency);
    let mut s = String::new();
    let _ = write!(
        s,
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<meta name=\"viewport\" \
         content=\"width=device-width, initial-scale=1\">\n<title>{} — status as of {}</title>\n<style>{STYLE}</style>\n\
         </head>\n<body>\n<h1>{}</h1>\n<p class=\"sub\">Status as of {} · term {} to {} · {}</p>\n",
        esc(&r.offer),
        esc(&r.as_of),
        esc(&r.offer),
        esc(&r.as_of),
        esc(&r.term_start),
        esc(&r.term_end_month),
        esc(&r.scenario.name)
    );
    if r.alert {
        let _ = writeln!(
            s,
            "<p class=\"alert\">Alert: the chance of unused commitment at the term's end is {}, above the alert level of {}.</p>",
            pct(r.term_end.prob_overcommit),
            pct(r.alert_probability.unwrap_or(0.0))
        );
    }
    s.push_str("<div class=\"figures\">");
    figure(&mut s, "Committed over the term", &q(r.committed), Some(r.committed));
    figure(&mut s, "Consumed to date", &q(r.consumed_to_date), Some(r.consumed_to_date));
    figure(&mut s, "Balance", &q(r.balance), Some(r.balance));
    figure(&mut s, "Chance of unused commitment", &pct(r.term_end.prob_overcommit), Some(r.term_end.prob_overcommit));
    figure(&mut s, "Expected unused", &q(r.term_end.unused_mean), Some(r.term_end.unused_mean));
    let catch = r.catch_up_monthly.map_or_else(|| "no month left".into(), |x| crate::units::money(x, &r.currency));
    figure(&mut s, "Extra spend needed a month", &catch, r.catch_up_monthly);
    s.push_str("</div>\n<ul>\n");
    for line in sentences(r) {
        let _ = writeln!(s, "<li>{}</li>", esc(&line));
    }
    s.push_str("</ul>\n<h2>Burn-down</h2>\n");
    s.push_str(&chart(r));
    s.push_str(
        "<p>Cumulative consumption of the commitment, at the prices it counts. Circles: actual months. Hatched band: \
         the middle 90% of the simulated futures; solid line: the median. Dashed: the total commitment.</p>\n",
    );
    if !r.periods.is_empty() {
        s.push_str("<h2>Periods not yet closed</h2>\n");
        s.push_str(&table_html(&periods_table(r, true)));
    }
    s.push_str("<h2>Month by month</h2>\n");
    s.push_str(&table_html(&burn_down_table(r, true)));
    let _ = write!(
        s,
        "<p class=\"sub\">{} simulated futures, seed {}; commitsim {}.</p>\n</body>\n</html>\n",
        r.scenario.paths,
        r.scenario.seed,
        esc(&r.version)
    );
    s
}

/// A table as HTML, every cell escaped; right-aligned columns as numbers.
fn table_html(t: &Table) -> String {
    let mut s = String::from("<table>\n<thead><tr>");
    let class = |c: &Column| if c.align == Align::Right { " class=\"n\"" } else { "" };
    for c in &t.columns {
        let _ = write!(s, "<th{}>{}</th>", class(c), esc(&c.head));
    }
    s.push_str("</tr></thead>\n<tbody>\n");
    for row in &t.rows {
        s.push_str("<tr>");
        for (c, cell) in t.columns.iter().zip(row) {
            let _ = write!(s, "<td{}>{}</td>", class(c), esc(cell.as_str()));
        }
        s.push_str("</tr>\n");
    }
    s.push_str("</tbody>\n</table>\n");
    s
}
