//! The brief's charts as SVG: the cost distribution of every offer (box
//! plots on one shared axis), the commitment sweep (expected cost and
//! probability of over-commitment against the level, recommended level
//! marked), the levers (bars of dollars saved), the walk-away point of each
//! commit and provisioned offer (break-even discount or unit price against
//! the level, the offered terms marked), what drives the recommended
//! offer's cost (a tornado of each uncertain input's lowest and highest
//! decile) and the usage forecast fan (p5–p95 and p10–p90 bands, median,
//! history).
//!
//! Every chart is readable in greyscale print: series differ by line style,
//! marker shape, hatching and direct labels, never by colour alone. Axes name
//! their quantity and unit (currency, tokens, units, probability). All text
//! goes through [`Svg`], which escapes it.

use serde::Serialize;

use super::svg::{nice_ticks, text_width, Anchor, Scale, Svg};
use super::Brief;
use crate::spec::Month;
use crate::units::{clip, count, money, pct};

/// Width of every chart, in SVG units (scaled to the page by the writers).
const W: f64 = 720.0;
/// Right margin.
const RIGHT: f64 = 24.0;
const GRID: &str = "#d0d0d0";
const BOX_FILL: &str = "#c8c8c8";
const BAND_INNER: &str = "#8f8f8f";

/// One chart, ready to embed.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Chart {
    /// Stable id: `costs`, `sweep`, `forecast`, `levers` (also the file stem beside Markdown).
    pub id: String,
    /// Title (also the SVG's `<title>`).
    pub title: String,
    /// What the chart shows and how to read it.
    pub caption: String,
    /// The SVG document.
    pub svg: String,
}

/// Every chart the brief has, in reading order.
pub fn all(b: &Brief) -> Vec<Chart> {
    let mut out = vec![savings(b)];
    out.extend(sweep(b));
    out.extend(levers(b));
    out.extend(b.walkaway.iter().enumerate().map(|(k, r)| walkaway(b, k, r)));
    out.extend(b.mixes.iter().enumerate().map(|(k, m)| frontier(b, k, m)));
    out.extend(drivers(b));
    out.push(forecast(b));
    out
}

fn horizon_words(b: &Brief) -> String {
    format!("over {} months", b.simulate.scenario.horizon_months)
}

/// Draws a horizontal axis at `y` with grid lines up to `top`, tick labels and a title.
fn x_axis(svg: &mut Svg, sx: &Scale, ticks: &[f64], (top, y): (f64, f64), label: &dyn Fn(f64) -> String, title: &str) {
    for &t in ticks {
        let x = sx.at(t);
        svg.line((x, top), (x, y), GRID, 0.8, None);
        svg.line((x, y), (x, y + 4.0), "#000000", 1.0, None);
        svg.text((x, y + 16.0), Anchor::Middle, 10.5, "normal", &label(t));
    }
    svg.line((sx.r0, y), (sx.r1, y), "#000000", 1.0, None);
    svg.text((0.5 * (sx.r0 + sx.r1), y + 34.0), Anchor::Middle, 11.5, "bold", title);
}

/// Draws a vertical axis at `x` with grid lines to `right`, tick labels and a title at `title_x`.
pub(super) fn y_axis(
    svg: &mut Svg,
    sy: &Scale,
    ticks: &[f64],
    (x, right): (f64, f64),
    label: &dyn Fn(f64) -> String,
    (title_x, title): (f64, &str),
) {
    for &t in ticks {
        let y = sy.at(t);
        svg.line((x, y), (right, y), GRID, 0.8, None);
        svg.line((x - 4.0, y), (x, y), "#000000", 1.0, None);
        svg.text((x - 7.0, y + 3.5), Anchor::End, 10.5, "normal", &label(t));
    }
    svg.line((x, sy.r0), (x, sy.r1), "#000000", 1.0, None);
    svg.vtext((title_x, 0.5 * (sy.r0 + sy.r1)), 11.5, title);
}

/// Box plots of each offer's saving against the baseline on one money
/// axis, with the baseline's zero marked: savings are what differ between
/// offers (their costs overlap, as every offer's cost follows the same usage).
fn savings(b: &Brief) -> Chart {
    let cur = &b.currency;
    let boxes: Vec<&super::CostBox> = b.saving_boxes.iter().filter(|c| c.name != b.simulate.baseline).collect();
    let names: Vec<String> = boxes.iter().map(|c| clip(&c.name, 34)).collect();
    let left = 16.0 + names.iter().map(|n| text_width(n, 11.5)).fold(80.0, f64::max).min(300.0);
    let (top, row) = (46.0, 36.0);
    let bottom_axis = top + row * names.len().max(1) as f64;
    let h = bottom_axis + 50.0;
    let lo = boxes.iter().map(|c| c.p5).fold(0.0, f64::min);
    let hi = boxes.iter().map(|c| c.p95).fold(0.0, f64::max);
    let ticks = nice_ticks(lo, if hi > lo { hi } else { lo + 1.0 }, 6);
    let sx = Scale { d0: ticks[0], d1: *ticks.last().unwrap_or(&1.0), r0: left, r1: W - RIGHT };
    let title = format!("Saving against {} per offer {}", b.simulate.baseline, horizon_words(b));
    let mut svg = Svg::new("chart-savings", W, h, &title, &savings_desc(b, &boxes));
    legend_boxes(&mut svg, left);
    x_axis(
        &mut svg,
        &sx,
        &ticks,
        (top - 8.0, bottom_axis),
        &|t| money(t, cur),
        &format!("Saving {} ({cur}); left of zero the offer costs more", horizon_words(b)),
    );
    // The baseline: no saving.
    let zero = sx.at(0.0);
    svg.line((zero, top - 8.0), (zero, bottom_axis), "#000000", 1.6, Some("5,3"));
    svg.text(
        (zero + 4.0, top - 12.0),
        Anchor::Start,
        10.5,
        "normal",
        &format!("{}: 0", clip(&b.simulate.baseline, 28)),
    );
    for (i, (c, name)) in boxes.iter().zip(&names).enumerate() {
        let y = top + row * (i as f64 + 0.5);
        svg.text((left - 10.0, y + 4.0), Anchor::End, 11.5, "normal", name);
        draw_box(&mut svg, c, &sx, y);
    }
    Chart {
        id: "savings".into(),
        title,
        caption: format!(
            "Saving = {}'s cost minus the offer's, future by future. Whiskers: p5 to p95. Box: p25 to p75. Thick \
             line: median. Diamond: mean. A commitment's saving is capped above (at best its discount on what it \
             covers) and long below (unused commitment is paid for).",
            b.simulate.baseline
        ),
        svg: svg.finish(),
    }
}

/// The saving chart's description: what it shows, and each offer's figures.
fn savings_desc(b: &Brief, boxes: &[&super::CostBox]) -> String {
    let cur = &b.currency;
    let each: Vec<String> = boxes
        .iter()
        .map(|c| {
            format!("{}: median {}, p5 {}, p95 {}.", c.name, money(c.p50, cur), money(c.p5, cur), money(c.p95, cur))
        })
        .collect();
    format!(
        "Box plots on one axis in {cur} of each offer's saving against {}: whiskers from the 5th to the 95th \
         percentile, box from the 25th to the 75th, a thick line at the median and a diamond at the mean; a dashed \
         line at zero. {}",
        b.simulate.baseline,
        each.join(" ")
    )
}

/// One offer's box plot on the row centred at `y`.
fn draw_box(svg: &mut Svg, c: &super::CostBox, sx: &Scale, y: f64) {
    svg.line((sx.at(c.p5), y), (sx.at(c.p95), y), "#000000", 1.2, None);
    for q in [c.p5, c.p95] {
        svg.line((sx.at(q), y - 7.0), (sx.at(q), y + 7.0), "#000000", 1.2, None);
    }
    svg.rect((sx.at(c.p25), y - 10.0), (sx.at(c.p75) - sx.at(c.p25), 20.0), BOX_FILL, Some("#000000"));
    svg.line((sx.at(c.p50), y - 10.0), (sx.at(c.p50), y + 10.0), "#000000", 3.0, None);
    svg.marker("diamond", (sx.at(c.mean), y), 4.0, "#ffffff");
}

fn legend_boxes(svg: &mut Svg, left: f64) {
    let y = 18.0;
    let mut x = left;
    svg.line((x, y), (x + 26.0, y), "#000000", 1.2, None);
    svg.line((x, y - 5.0), (x, y + 5.0), "#000000", 1.2, None);
    svg.line((x + 26.0, y - 5.0), (x + 26.0, y + 5.0), "#000000", 1.2, None);
    svg.text((x + 32.0, y + 4.0), Anchor::Start, 10.5, "normal", "p5–p95");
    x += 90.0;
    svg.rect((x, y - 7.0), (22.0, 14.0), BOX_FILL, Some("#000000"));
    svg.text((x + 28.0, y + 4.0), Anchor::Start, 10.5, "normal", "p25–p75");
    x += 92.0;
    svg.line((x + 4.0, y - 8.0), (x + 4.0, y + 8.0), "#000000", 3.0, None);
    svg.text((x + 12.0, y + 4.0), Anchor::Start, 10.5, "normal", "median");
    x += 70.0;
    svg.marker("diamond", (x + 4.0, y), 4.0, "#ffffff");
    svg.text((x + 13.0, y + 4.0), Anchor::Start, 10.5, "normal", "mean");
}

/// The label of a sweep level axis.
fn level_axis(s: &crate::analysis::sweep::SweepReport, cur: &str) -> String {
    let per = s.period_months.map(super::words::per_period).unwrap_or_default();
    match s.level_unit.as_str() {
        "usd" => format!("Commitment {per} ({cur})"),
        "tokens" => format!("Commitment {per} (tokens)"),
        _ => "Provisioned capacity (units)".into(),
    }
}

/// Expected cost (top panel) and probability of over-commitment (bottom
/// panel) against the level, on one level axis; the recommended level marked.
fn sweep(b: &Brief) -> Option<Chart> {
    let s = b.sweep.as_ref()?;
    let cur = &b.currency;
    let lv = |x: f64| crate::units::level(x, &s.level_unit, cur);
    let (left, top1, h1, gap, h2) = (92.0, 40.0, 190.0, 34.0, 120.0);
    let (top2, axis_y) = (top1 + h1 + gap, top1 + h1 + gap + h2);
    let shown = decision_region(s);
    let levels = &s.levels[..shown];
    let xt = nice_ticks(levels[0].level, levels.last().map_or(1.0, |l| l.level), 7);
    let sx = Scale { d0: xt[0], d1: *xt.last().unwrap_or(&1.0), r0: left, r1: W - RIGHT };
    let costs = levels.iter().map(|l| l.cost_mean);
    let yt = nice_ticks(costs.clone().fold(f64::INFINITY, f64::min), costs.fold(f64::NEG_INFINITY, f64::max), 5);
    let sy = Scale { d0: yt[0], d1: *yt.last().unwrap_or(&1.0), r0: top1 + h1, r1: top1 };
    let sp = Scale { d0: 0.0, d1: 1.0, r0: axis_y, r1: top2 };
    let title = format!("Commitment sweep of {}", s.offer);
    let mut svg = Svg::new("chart-sweep", W, axis_y + 52.0, &title, &sweep_desc(b, s));
    y_axis(&mut svg, &sy, &yt, (left, W - RIGHT), &|t| money(t, cur), (18.0, &format!("Expected cost ({cur})")));
    let quarters = [0.0, 0.25, 0.5, 0.75, 1.0];
    let pct0 = |t: f64| pct(t).replace(".0%", "%");
    y_axis(&mut svg, &sp, &quarters, (left, W - RIGHT), &pct0, (18.0, "P(over-commitment)"));
    x_axis(&mut svg, &sx, &xt, (top2, axis_y), &lv, &level_axis(s, cur));
    svg.line((left, top1 + h1), (W - RIGHT, top1 + h1), "#000000", 1.0, None);
    let heading = format!("Expected total cost {}", horizon_words(b));
    svg.text((left + 6.0, top1 - 8.0), Anchor::Start, 11.5, "bold", &heading);
    svg.text((left + 6.0, top2 - 8.0), Anchor::Start, 11.5, "bold", "Probability of over-commitment");
    draw_sweep_lines(&mut svg, levels, s.risk_limit, (&sx, &sy, &sp));
    // The figure to propose (the grid's recommendation without one).
    let mark = s.recommend.as_ref().map(|r| (r.level, "propose")).or(s.recommended.map(|r| (r, "recommended")));
    if let Some((r, what)) = mark.filter(|(r, _)| *r <= sx.d1) {
        let x = sx.at(r);
        svg.line((x, top1), (x, axis_y), "#000000", 1.6, Some("5 3"));
        let (anchor, dx) = if x > W - 200.0 { (Anchor::End, -5.0) } else { (Anchor::Start, 5.0) };
        svg.text((x + dx, top1 + 12.0), anchor, 11.0, "bold", &format!("{what}: {}", lv(r)));
    }
    let left_out = s.levels.len() - shown;
    Some(Chart {
        id: "sweep".into(),
        title,
        caption: format!(
            "Solid line with dots: expected cost. Dashed line with squares: probability of over-commitment. Dotted \
             line: the risk limit ({}). Vertical dashed line: the figure to propose, the cheapest within the limit \
             rounded to a negotiable figure.{}",
            pct(s.risk_limit),
            if left_out > 0 {
                format!(
                    " The {left_out} highest levels, where over-commitment is more likely than not and cost only \
                     rises, are left out so that the decision region fills the chart (all levels are in the table)."
                )
            } else {
                String::new()
            }
        ),
        svg: svg.finish(),
    })
}

fn sweep_desc(b: &Brief, s: &crate::analysis::sweep::SweepReport) -> String {
    let lv = |l: f64| crate::units::level(l, &s.level_unit, &b.currency);
    let rec = match (&s.recommend, s.recommended) {
        (Some(r), _) => format!("The figure to propose, {}, is", lv(r.level)),
        (None, Some(l)) => format!("The recommended level, {}, is", lv(l)),
        (None, None) => "No level is within the risk limit; none is".to_string(),
    };
    format!(
        "Two panels sharing the level axis. Top: expected total cost {} in {} at each level (solid line, round \
         markers). Bottom: probability of over-commitment (dashed line, square markers) with the risk limit of {} \
         (dotted line). {rec} marked by a vertical dashed line.",
        horizon_words(b),
        b.currency,
        pct(s.risk_limit)
    )
}

/// How many of the sweep's levels the chart shows: up to the first level
/// above the optimum and the recommendation whose probability of
/// over-commitment is over one half (at least three levels), so that the
/// levels where cost only climbs do not flatten the decision region.
fn decision_region(s: &crate::analysis::sweep::SweepReport) -> usize {
    let past = s.optimum.level.max(s.recommend.as_ref().map_or(0.0, |r| r.level)).max(s.recommended.unwrap_or(0.0));
    let first = s.levels.iter().position(|l| l.level > past && l.prob_overcommit > 0.5);
    first.map_or(s.levels.len(), |k| (k + 1).max(3).min(s.levels.len()))
}

/// The sweep's two series and the risk limit, on the level scale `sx`, the
/// cost scale `sy` and the probability scale `sp`.
fn draw_sweep_lines(
    svg: &mut Svg,
    levels: &[crate::analysis::sweep::LevelResult],
    risk_limit: f64,
    (sx, sy, sp): (&Scale, &Scale, &Scale),
) {
    let pts: Vec<(f64, f64)> = levels.iter().map(|l| (sx.at(l.level), sy.at(l.cost_mean))).collect();
    svg.polyline(&pts, "#000000", 2.0, None);
    for p in &pts {
        svg.marker("circle", *p, 2.6, "#000000");
    }
    let risk: Vec<(f64, f64)> = levels.iter().map(|l| (sx.at(l.level), sp.at(l.prob_overcommit))).collect();
    svg.polyline(&risk, "#333333", 1.8, Some("6 3"));
    for p in &risk {
        svg.marker("square", *p, 2.4, "#ffffff");
    }
    let ly = sp.at(risk_limit);
    svg.line((sx.r0, ly), (sx.r1, ly), "#000000", 1.2, Some("1.5 2.5"));
    svg.text((sx.r1 - 4.0, ly - 5.0), Anchor::End, 10.5, "normal", &format!("risk limit {}", pct(risk_limit)));
}

/// The id of the frontier chart of the brief's `k`-th portfolio.
pub fn frontier_id(k: usize) -> String {
    format!("frontier-{}", k + 1)
}

/// A portfolio's frontier: expected cost against the mean cost of the
/// costliest 5% of futures (CVaR95) for the non-dominated level
/// combinations `optimize` found (a line with round markers: left and down
/// is better, and moving along it trades one for the other), with the
/// chosen combination (diamond) and the portfolio as written (square).
fn frontier(b: &Brief, k: usize, m: &super::Mix) -> Chart {
    let cur = &b.currency;
    let r = &m.optimize;
    let pts: Vec<(f64, f64)> = r.frontier.iter().map(|f| (f.cost_cvar95, f.cost_mean)).collect();
    let written = (m.as_written_cost_cvar95, m.as_written_cost_mean);
    let chosen = (r.cost_cvar95, r.cost_mean);
    let all: Vec<(f64, f64)> =
        pts.iter().copied().chain([written, chosen]).filter(|p| p.0.is_finite() && p.1.is_finite()).collect();
    let span = |v: &mut dyn Iterator<Item = f64>| {
        let v: Vec<f64> = v.collect();
        let (lo, hi) =
            (v.iter().copied().fold(f64::INFINITY, f64::min), v.iter().copied().fold(f64::NEG_INFINITY, f64::max));
        let pad = 0.05 * (hi - lo).max(hi.abs() * 1e-3).max(1.0);
        (lo - pad, hi + pad)
    };
    let (x0, x1) = span(&mut all.iter().map(|p| p.0));
    let (y0, y1) = span(&mut all.iter().map(|p| p.1));
    let (left, top, h) = (92.0, 44.0, 250.0);
    let axis_y = top + h;
    let xt = nice_ticks(x0, x1, 6);
    let yt = nice_ticks(y0, y1, 5);
    let sx = Scale { d0: xt[0], d1: *xt.last().unwrap_or(&1.0), r0: left, r1: W - RIGHT };
    let sy = Scale { d0: yt[0], d1: *yt.last().unwrap_or(&1.0), r0: axis_y, r1: top };
    let title = format!("Cost against risk of the mixes of {}", r.portfolio);
    let desc = format!(
        "Expected cost against the mean cost of the costliest 5% of futures for the {} level combinations of {} that \
         no other beats on both (round markers, joined): down is cheaper on average, left is safer in a bad year. \
         The diamond is the combination chosen, {} expected, within the risk limit; the square the portfolio as \
         written, {}.",
        r.frontier.len(),
        r.portfolio,
        money(r.cost_mean, cur),
        money(m.as_written_cost_mean, cur)
    );
    let mut svg = Svg::new(&format!("chart-{}", frontier_id(k)), W, axis_y + 52.0, &title, &desc);
    y_axis(&mut svg, &sy, &yt, (left, W - RIGHT), &|v| money(v, cur), (18.0, &format!("Expected cost ({cur})")));
    x_axis(
        &mut svg,
        &sx,
        &xt,
        (top, axis_y),
        &|v| money(v, cur),
        &format!("Mean cost of the costliest 5% of futures ({cur})"),
    );
    let ly = 18.0;
    svg.line((left + 6.0, ly), (left + 32.0, ly), "#000000", 2.0, None);
    svg.marker("circle", (left + 19.0, ly), 2.6, "#000000");
    svg.text((left + 38.0, ly + 4.0), Anchor::Start, 10.5, "normal", "best trade-offs found");
    svg.marker("diamond", (left + 200.0, ly), 4.5, "#ffffff");
    svg.text((left + 209.0, ly + 4.0), Anchor::Start, 10.5, "normal", "chosen");
    svg.marker("square", (left + 270.0, ly), 3.5, "#ffffff");
    svg.text((left + 279.0, ly + 4.0), Anchor::Start, 10.5, "normal", "as written");
    let at = |p: (f64, f64)| (sx.at(p.0), sy.at(p.1));
    let line: Vec<(f64, f64)> = pts.iter().map(|&p| at(p)).collect();
    if line.len() > 1 {
        svg.polyline(&line, "#000000", 2.0, None);
    }
    for &p in &line {
        svg.marker("circle", p, 2.6, "#000000");
    }
    if written.0.is_finite() && written.1.is_finite() {
        svg.marker("square", at(written), 4.0, "#ffffff");
    }
    svg.marker("diamond", at(chosen), 5.5, "#ffffff");
    Chart { id: frontier_id(k), caption: desc.clone(), title, svg: svg.finish() }
}

/// The id of the walk-away chart of the brief's `k`-th walk-away report.
pub fn walkaway_id(k: usize) -> String {
    format!("walkaway-{}", k + 1)
}

/// The break-even discount (provisioned: unit price) against the level, in
/// expected cost (solid line, dots) and at the report's confidence (dashed
/// line, squares), with the offered terms as a dotted line and the offered
/// point marked: the offer beats the alternative above a discount line (below
/// a price line), and the solid line crosses the dotted one at the largest
/// level worth committing at the terms offered.
fn walkaway(b: &Brief, k: usize, r: &crate::analysis::walkaway::WalkawayReport) -> Chart {
    let cur = &b.currency;
    let provisioned = r.kind == "provisioned";
    let lv = |x: f64| crate::units::level(x, &r.level_unit, cur);
    let (mean, sure): (Vec<Option<f64>>, Vec<Option<f64>>) = r
        .levels
        .iter()
        .map(|l| {
            if provisioned {
                (l.break_even_unit_price.flatten(), l.break_even_unit_price_confident.flatten())
            } else {
                (l.break_even_discount.flatten(), l.break_even_discount_confident.flatten())
            }
        })
        .unzip();
    let offered = if provisioned { r.offered_unit_price.unwrap_or(0.0) } else { r.offered_discount.unwrap_or(0.0) };
    let value = |x: f64| if provisioned { money(x, cur) } else { pct(x).replace(".0%", "%") };
    let (left, top, h) = (92.0, 44.0, 250.0);
    let axis_y = top + h;
    let levels: Vec<f64> = r.levels.iter().map(|l| l.level).collect();
    // The level axis ends where no value works any more (with the offered level on it).
    let last = levels
        .iter()
        .zip(mean.iter().zip(&sure))
        .filter(|(_, (m, s))| m.is_some() || s.is_some())
        .map(|(l, _)| *l)
        .fold(r.offered_level, f64::max);
    let end = levels.iter().copied().find(|&l| l > last).unwrap_or(last);
    let xt = nice_ticks(levels.first().copied().unwrap_or(0.0).min(0.0), end, 7);
    let sx = Scale { d0: xt[0], d1: *xt.last().unwrap_or(&1.0), r0: left, r1: W - RIGHT };
    let hi = mean.iter().chain(&sure).flatten().copied().fold(offered, f64::max);
    // Discounts from 0; unit prices over the range they take.
    let lo = if provisioned { mean.iter().chain(&sure).flatten().copied().fold(offered, f64::min) } else { 0.0 };
    let yt = nice_ticks(lo, hi.max(if provisioned { lo + 1.0 } else { 0.01 }), 5);
    let sy = Scale { d0: yt[0], d1: *yt.last().unwrap_or(&1.0), r0: axis_y, r1: top };
    let what = if provisioned { "unit price" } else { "discount" };
    let title = format!("Walk-away {what} of {}", r.offer);
    let sure_words = format!("{} sure", pct(r.confidence).replace(".0%", "%"));
    let desc = format!(
        "The break-even {what} of {} against {} at each level: in expected cost (solid line, round markers) and to \
         be {sure_words} (dashed line, square markers); gaps where no {what} works. The dotted line is the {what} \
         offered, {}, and the diamond the offer as written, {} at {}.",
        r.offer,
        r.against,
        value(offered),
        value(offered),
        lv(r.offered_level)
    );
    let mut svg = Svg::new(&format!("chart-{}", walkaway_id(k)), W, axis_y + 52.0, &title, &desc);
    let y_title = if provisioned { format!("Highest unit price ({cur})") } else { "Least discount".to_string() };
    y_axis(&mut svg, &sy, &yt, (left, W - RIGHT), &value, (18.0, &y_title));
    let x_title = match r.level_unit.as_str() {
        "usd" => format!("Commitment {} ({cur})", r.period_months.map(super::words::per_period).unwrap_or_default()),
        "tokens" => {
            format!("Commitment {} (tokens)", r.period_months.map(super::words::per_period).unwrap_or_default())
        }
        _ => "Provisioned capacity (units)".into(),
    };
    x_axis(&mut svg, &sx, &xt, (top, axis_y), &lv, &x_title);
    // The legend, above the plot.
    let ly = 18.0;
    svg.line((left + 6.0, ly), (left + 32.0, ly), "#000000", 2.0, None);
    svg.marker("circle", (left + 19.0, ly), 2.6, "#000000");
    svg.text((left + 38.0, ly + 4.0), Anchor::Start, 10.5, "normal", "in expected cost");
    svg.line((left + 150.0, ly), (left + 176.0, ly), "#333333", 1.8, Some("6 3"));
    svg.marker("square", (left + 163.0, ly), 2.4, "#ffffff");
    svg.text((left + 182.0, ly + 4.0), Anchor::Start, 10.5, "normal", &format!("to be {sure_words}"));
    svg.marker("diamond", (left + 290.0, ly), 4.5, "#ffffff");
    svg.text((left + 299.0, ly + 4.0), Anchor::Start, 10.5, "normal", "as offered");
    // The terms offered, across the plot.
    let oy = sy.at(offered);
    svg.line((sx.r0, oy), (sx.r1, oy), "#000000", 1.2, Some("1.5 2.5"));
    svg.text((sx.r1 - 4.0, oy - 5.0), Anchor::End, 10.5, "normal", &format!("offered: {}", value(offered)));
    for (series, dash, shape, fill, width) in
        [(&sure, Some("6 3"), "square", "#ffffff", 1.8), (&mean, None, "circle", "#000000", 2.0)]
    {
        // One polyline per run of levels where a value works.
        let mut run: Vec<(f64, f64)> = Vec::new();
        for (l, v) in levels.iter().zip(series.iter()) {
            match v {
                Some(v) => run.push((sx.at(*l), sy.at(*v))),
                None => {
                    if run.len() > 1 {
                        svg.polyline(&run, "#000000", width, dash);
                    }
                    run.clear();
                }
            }
        }
        if run.len() > 1 {
            svg.polyline(&run, "#000000", width, dash);
        }
        for (l, v) in levels.iter().zip(series.iter()) {
            if let Some(v) = v {
                svg.marker(shape, (sx.at(*l), sy.at(*v)), if shape == "square" { 2.4 } else { 2.6 }, fill);
            }
        }
    }
    let p = (sx.at(r.offered_level), oy);
    svg.marker("diamond", p, 5.0, "#ffffff");
    // The label goes above the point, on the side the lines leave free: the
    // discount lines rise with the level (label to the left), the price lines fall
    // (label to the right), unless that runs off the plot.
    let left_side = if provisioned { p.0 > W - 260.0 } else { p.0 > left + 230.0 };
    let (anchor, dx) = if left_side { (Anchor::End, -9.0) } else { (Anchor::Start, 9.0) };
    let label = format!("as offered: {} at {}", value(offered), lv(r.offered_level));
    svg.text((p.0 + dx, p.1 - 9.0), anchor, 11.0, "bold", &label);
    // Where no value works, say so at the top of the plot.
    let none_from = |s: &[Option<f64>]| levels.iter().zip(s).find(|(_, v)| v.is_none()).map(|(l, _)| *l);
    let mut notes = Vec::new();
    if let Some(l) = none_from(&mean) {
        notes.push(format!("from {}: no {what} works", lv(l)));
    } else if let Some(l) = none_from(&sure) {
        notes.push(format!("from {}: no {what} is {sure_words}", lv(l)));
    }
    for (i, n) in notes.iter().enumerate() {
        svg.text((sx.r1 - 4.0, top + 14.0 + 14.0 * i as f64), Anchor::End, 10.5, "normal", n);
    }
    let reading = if provisioned {
        format!("Below a line, the offer costs less than {}; above it, more.", r.against)
    } else {
        format!("Above a line, the offer costs less than {}; below it, more.", r.against)
    };
    Chart {
        id: walkaway_id(k),
        title,
        caption: format!(
            "Solid line with dots: the break-even {what} in expected cost against {}. Dashed line with squares: the \
             {what} needed to be {sure_words} to save. {reading} Dotted line: the {what} offered; diamond: the offer \
             as written. Gaps: levels where no {what} works.",
            r.against
        ),
        svg: svg.finish(),
    }
}

/// Horizontal bars of each lever's expected saving at the recommended level.
fn levers(b: &Brief) -> Option<Chart> {
    let s = b.sweep.as_ref().filter(|s| !s.levers.is_empty())?;
    let cur = &b.currency;
    let labels: Vec<String> = s.levers.iter().map(|l| clip(&l.label, 46)).collect();
    let left = 16.0 + labels.iter().map(|n| text_width(n, 11.0)).fold(80.0, f64::max).min(310.0);
    let (top, row) = (44.0, 28.0);
    let axis_y = top + row * labels.len() as f64;
    let savings: Vec<f64> = s.levers.iter().map(|l| -l.cost_mean_change).collect();
    let lo = savings.iter().copied().fold(0.0, f64::min);
    let hi = savings.iter().copied().fold(0.0, f64::max);
    let ticks = nice_ticks(lo, hi, 5);
    // Room on both sides for the value labels.
    let sx = Scale { d0: ticks[0], d1: *ticks.last().unwrap_or(&1.0), r0: left + 44.0, r1: W - RIGHT - 52.0 };
    let title = format!("What each concession is worth on {}", s.offer);
    let each: Vec<String> =
        s.levers.iter().zip(&savings).map(|(l, v)| format!("{}: {}.", l.label, money(*v, cur))).collect();
    let desc = format!(
        "Horizontal bars of the change in expected cost {} in {cur}, as a saving: solid bars save money, hatched bars \
         cost money. {}",
        horizon_words(b),
        each.join(" ")
    );
    let mut svg = Svg::new("chart-levers", W, axis_y + 52.0, &title, &desc);
    let hatch = svg.hatch();
    for (x, fill, text) in [(left + 44.0, "#4d4d4d", "saves money"), (left + 160.0, hatch.as_str(), "costs money")] {
        svg.rect((x, 12.0), (18.0, 12.0), fill, Some("#000000"));
        svg.text((x + 24.0, 22.0), Anchor::Start, 10.5, "normal", text);
    }
    let at = crate::units::level(s.levers_at, &s.level_unit, cur);
    let axis = format!("Expected saving {} ({cur}) at {at}", horizon_words(b));
    x_axis(&mut svg, &sx, &ticks, (top - 6.0, axis_y), &|t| money(t, cur), &axis);
    for (i, (label, v)) in labels.iter().zip(&savings).enumerate() {
        let y = top + row * (i as f64 + 0.5);
        svg.text((left - 8.0, y + 4.0), Anchor::End, 11.0, "normal", label);
        draw_bar(&mut svg, &sx, y, *v, cur);
    }
    svg.line((sx.at(0.0), top - 6.0), (sx.at(0.0), axis_y), "#000000", 1.4, None);
    Some(Chart {
        id: "levers".into(),
        title,
        caption: "Each bar is the change in expected cost when that one term changes, re-billed on the same futures, \
                  shown as a saving. Solid: saves money. Hatched: costs money."
            .into(),
        svg: svg.finish(),
    })
}

/// A bar from 0 to `v` on the row centred at `y`, with its value at its end:
/// solid when it saves money, hatched when it costs money.
fn draw_bar(svg: &mut Svg, sx: &Scale, y: f64, v: f64, cur: &str) {
    let (zero, x) = (sx.at(0.0), sx.at(v));
    let fill = if v >= 0.0 { "#4d4d4d".to_string() } else { svg.hatch() };
    svg.rect((zero, y - 8.0), (x - zero, 16.0), &fill, Some("#000000"));
    let (ax, anchor) = if v >= 0.0 { (x.max(zero) + 5.0, Anchor::Start) } else { (x - 5.0, Anchor::End) };
    svg.text((ax, y + 4.0), anchor, 10.5, "bold", &money(v, cur));
}

/// The tornado: per uncertain input (largest swing first), the recommended
/// offer's expected cost when the input is in its lowest decile (hatched
/// bar) and in its highest (solid bar), from the expected cost over all
/// futures (the vertical line).
fn drivers(b: &Brief) -> Option<Chart> {
    let d = b.drivers.as_ref()?;
    let cur = &b.currency;
    let labels: Vec<String> = d.inputs.iter().map(|x| clip(&x.label, 46)).collect();
    let left = 16.0 + labels.iter().map(|n| text_width(n, 11.0)).fold(80.0, f64::max).min(310.0);
    let (top, row) = (44.0, 28.0);
    let axis_y = top + row * labels.len() as f64;
    let lo = d.inputs.iter().flat_map(|x| [x.cost_low, x.cost_high]).fold(d.cost_mean, f64::min);
    let hi = d.inputs.iter().flat_map(|x| [x.cost_low, x.cost_high]).fold(d.cost_mean, f64::max);
    let ticks = nice_ticks(lo, hi, 5);
    // Room on both sides for the value labels.
    let sx = Scale { d0: ticks[0], d1: *ticks.last().unwrap_or(&1.0), r0: left + 52.0, r1: W - RIGHT - 56.0 };
    let title = format!("What drives the cost of {}", clip(&d.offer, 40));
    let each: Vec<String> = d
        .inputs
        .iter()
        .map(|x| {
            format!(
                "{}: {} in its lowest tenth, {} in its highest.",
                x.label,
                money(x.cost_low, cur),
                money(x.cost_high, cur)
            )
        })
        .collect();
    let desc = format!(
        "Tornado chart of the expected cost {} in {cur} of {}, {} on all futures: for each uncertain input, a \
         hatched bar to the cost when that input is in its lowest tenth and a solid bar to the cost when it is in \
         its highest tenth. {}",
        horizon_words(b),
        d.offer,
        money(d.cost_mean, cur),
        each.join(" ")
    );
    let mut svg = Svg::new("chart-drivers", W, axis_y + 52.0, &title, &desc);
    let hatch = svg.hatch();
    for (x, fill, text) in
        [(left + 44.0, hatch.as_str(), "input in its lowest tenth"), (left + 230.0, "#4d4d4d", "in its highest tenth")]
    {
        svg.rect((x, 12.0), (18.0, 12.0), fill, Some("#000000"));
        svg.text((x + 24.0, 22.0), Anchor::Start, 10.5, "normal", text);
    }
    let axis = format!("Expected cost {} ({cur})", horizon_words(b));
    x_axis(&mut svg, &sx, &ticks, (top - 6.0, axis_y), &|t| money(t, cur), &axis);
    let mid = sx.at(d.cost_mean);
    for (i, (label, x)) in labels.iter().zip(&d.inputs).enumerate() {
        let y = top + row * (i as f64 + 0.5);
        svg.text((left - 8.0, y + 4.0), Anchor::End, 11.0, "normal", label);
        for (v, fill) in [(x.cost_low, hatch.as_str()), (x.cost_high, "#4d4d4d")] {
            let end = sx.at(v);
            svg.rect((mid.min(end), y - 8.0), ((end - mid).abs(), 16.0), fill, Some("#000000"));
            let (ax, anchor) = if end >= mid { (end + 5.0, Anchor::Start) } else { (end - 5.0, Anchor::End) };
            svg.text((ax, y + 4.0), anchor, 10.0, "normal", &money(v, cur));
        }
    }
    svg.line((mid, top - 6.0), (mid, axis_y), "#000000", 1.4, None);
    Some(Chart {
        id: "drivers".into(),
        title,
        caption: format!(
            "Each row is one uncertain assumption. Hatched: the expected cost over the tenth of the simulated futures \
             where that assumption came out lowest; solid: the tenth where it came out highest. The vertical line is \
             the expected cost over all futures, {}. The longest bars are the assumptions worth pinning down before \
             signing.",
            money(d.cost_mean, cur)
        ),
        svg: svg.finish(),
    })
}

/// Month `m` as a position on the fan's axis: months since `first`.
fn month_pos(m: &str, first: Month) -> Option<f64> {
    Month::parse(m).map(|x| f64::from(x.since(first)))
}

/// The fan: p5–p95 (hatched) and p10–p90 (grey) bands of total monthly
/// tokens, the median, and the history line.
fn forecast(b: &Brief) -> Chart {
    let f = &b.fan;
    let t = &f.total;
    let first_label = f.history.first().map_or(f.months[0].as_str(), |p| p.month.as_str());
    let first = Month::parse(first_label).unwrap_or_else(|| Month::parse("2000-01").expect("valid literal"));
    let xs: Vec<f64> = f.months.iter().map(|m| month_pos(m, first).unwrap_or(0.0)).collect();
    let hx: Vec<(f64, f64)> =
        f.history.iter().filter_map(|p| month_pos(&p.month, first).map(|x| (x, p.tokens))).collect();
    let last = xs.last().copied().unwrap_or(0.0);
    let (left, top, axis_y) = (78.0, 44.0, 304.0);
    let hi = t.p95.iter().chain(hx.iter().map(|p| &p.1)).copied().fold(0.0, f64::max);
    let yt = nice_ticks(0.0, hi, 6);
    let sy = Scale { d0: 0.0, d1: *yt.last().unwrap_or(&1.0), r0: axis_y, r1: top };
    let sx = Scale { d0: 0.0, d1: last.max(1.0), r0: left, r1: W - RIGHT };
    let title = "Usage forecast: total tokens per month".to_string();
    let mut svg = Svg::new("chart-forecast", W, axis_y + 52.0, &title, &forecast_desc(f, !hx.is_empty()));
    fan_legend(&mut svg, left, !hx.is_empty());
    y_axis(&mut svg, &sy, &yt, (left, W - RIGHT), &count, (16.0, "Tokens per month"));
    month_ticks(&mut svg, &sx, first, last, axis_y);
    let at = |x: f64, v: f64| (sx.at(x), sy.at(v));
    let band = |lo: &[f64], hi: &[f64]| -> Vec<(f64, f64)> {
        let mut p: Vec<(f64, f64)> = xs.iter().zip(hi).map(|(x, v)| at(*x, *v)).collect();
        p.extend(xs.iter().zip(lo).rev().map(|(x, v)| at(*x, *v)));
        p
    };
    let hatch = svg.hatch();
    svg.polygon(&band(&t.p5, &t.p95), &hatch);
    svg.polygon(&band(&t.p10, &t.p90), BAND_INNER);
    let med: Vec<(f64, f64)> = xs.iter().zip(&t.p50).map(|(x, v)| at(*x, *v)).collect();
    svg.polyline(&med, "#000000", 2.4, None);
    if !hx.is_empty() {
        let pts: Vec<(f64, f64)> = hx.iter().map(|(x, v)| at(*x, *v)).collect();
        draw_history(&mut svg, &pts, (sx.at(xs[0] - 0.5), top, axis_y), &f.months[0]);
    }
    let history = match (hx.is_empty(), f.history_partial) {
        (true, _) => "",
        (false, true) => {
            " Line with circles: history of the workloads fitted from a usage file (the others have none)."
        }
        (false, false) => " Line with circles: history.",
    };
    Chart {
        id: "forecast".into(),
        title,
        caption: format!(
            "Hatched band: p5 to p95. Grey band: p10 to p90. Solid line: median.{history} Values are total monthly \
             tokens (input + cached + output) over all workloads, from the same simulated futures as the costs."
        ),
        svg: svg.finish(),
    }
}

fn forecast_desc(f: &super::Fan, history: bool) -> String {
    let (t, n) = (&f.total, f.months.len());
    format!(
        "Fan chart of total monthly tokens (input + cached + output): a hatched band from the 5th to the 95th \
         percentile, a grey band from the 10th to the 90th, the median as a solid line{}. In {} the median is {} \
         tokens (p5 {}, p95 {}).",
        if history { " and the history as a line with round markers" } else { "" },
        f.months[n - 1],
        count(t.p50[n - 1]),
        count(t.p5[n - 1]),
        count(t.p95[n - 1])
    )
}

/// The history line with its markers, and a dashed line at `x0` where the
/// forecast starts (from `top` to `bottom`).
fn draw_history(svg: &mut Svg, pts: &[(f64, f64)], (x0, top, bottom): (f64, f64, f64), start: &str) {
    svg.polyline(pts, "#000000", 1.4, None);
    for p in pts {
        svg.marker("circle", *p, 2.4, "#ffffff");
    }
    svg.line((x0, top), (x0, bottom), "#000000", 1.0, Some("3 3"));
    svg.text((x0 + 4.0, top + 10.0), Anchor::Start, 10.5, "normal", &format!("forecast from {start}"));
}

fn fan_legend(svg: &mut Svg, left: f64, history: bool) {
    let y = 18.0;
    let hatch = svg.hatch();
    svg.rect((left, y - 7.0), (22.0, 14.0), &hatch, Some("#000000"));
    svg.text((left + 28.0, y + 4.0), Anchor::Start, 10.5, "normal", "p5–p95");
    svg.rect((left + 90.0, y - 7.0), (22.0, 14.0), BAND_INNER, Some("#000000"));
    svg.text((left + 118.0, y + 4.0), Anchor::Start, 10.5, "normal", "p10–p90");
    svg.line((left + 186.0, y), (left + 210.0, y), "#000000", 2.4, None);
    svg.text((left + 216.0, y + 4.0), Anchor::Start, 10.5, "normal", "median");
    if history {
        svg.line((left + 270.0, y), (left + 294.0, y), "#000000", 1.4, None);
        svg.marker("circle", (left + 282.0, y), 2.4, "#ffffff");
        svg.text((left + 300.0, y + 4.0), Anchor::Start, 10.5, "normal", "history");
    }
}

/// Month labels every 1, 2, 3, 6 or 12·k months, at most about eight.
pub(super) fn month_ticks(svg: &mut Svg, sx: &Scale, first: Month, last: f64, axis_y: f64) {
    let span = last.max(1.0);
    let step = [1.0, 2.0, 3.0, 6.0, 12.0, 24.0, 60.0, 120.0].into_iter().find(|s| span / s <= 8.0).unwrap_or(240.0);
    let mut k = 0.0;
    while k <= last + 1e-9 {
        let x = sx.at(k);
        svg.line((x, axis_y), (x, axis_y + 4.0), "#000000", 1.0, None);
        svg.text((x, axis_y + 16.0), Anchor::Middle, 10.5, "normal", &first.plus(k as i32).to_string());
        k += step;
    }
    svg.line((sx.r0, axis_y), (sx.r1, axis_y), "#000000", 1.0, None);
    svg.text((0.5 * (sx.r0 + sx.r1), axis_y + 34.0), Anchor::Middle, 11.5, "bold", "Month");
}
