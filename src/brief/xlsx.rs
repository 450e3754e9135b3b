//! The brief as a workbook (`brief --format xlsx`, SPEC 6.8): the same
//! figures as the HTML and Markdown briefs, one sheet per table, passed to
//! [`crate::report::xlsx::render_brief`].

use super::Brief;
use crate::error::Result;
use crate::report::xlsx::{render_brief, BriefBook, Driver, InputRow, Value};

/// The workbook's bytes.
pub fn render(b: &Brief) -> Result<Vec<u8>> {
    let r = &b.recommendation;
    let mut rec: Vec<(String, Value)> = vec![
        ("Recommendation".into(), Value::Text(r.text.clone())),
        ("Offer".into(), Value::Text(r.offer.clone())),
        ("Kind".into(), Value::Text(r.kind.clone())),
    ];
    if let Some(level) = r.level {
        let unit = b.sweep.as_ref().filter(|s| s.offer == r.offer).map_or_else(
            || if r.kind == "provisioned" { "units".to_string() } else { "usd".to_string() },
            |s| s.level_unit.clone(),
        );
        rec.push(("Level per period".into(), Value::Level(level, unit)));
    }
    rec.extend([
        ("Expected saving".into(), Value::Money(r.saving_mean)),
        ("Saving p5".into(), Value::Money(r.saving_p5)),
        ("Saving p95".into(), Value::Money(r.saving_p95)),
        ("P(costs more than baseline)".into(), Value::Pct(r.prob_loss)),
    ]);
    match r.prob_overcommit {
        Some(p) => rec.push(("P(over-commitment)".into(), Value::Pct(p))),
        None => rec.push(("P(over-commitment)".into(), Value::Text("none: no commitment".into()))),
    }
    if let Some(l) = &r.top_lever {
        rec.push(("Ask first".into(), Value::Text(format!("{} ({})", l.label, l.offer))));
        rec.push(("Its expected saving".into(), Value::Money(l.saving)));
    }
    for a in &r.first_asks {
        let text = if a.blocked { format!("{} (deal blocked until resolved)", a.ask) } else { a.ask.clone() };
        rec.push((format!("First ask to {}", a.vendor), Value::Text(text)));
    }
    let drivers = b.drivers.as_ref().map(|d| {
        let rows = d
            .inputs
            .iter()
            .map(|x| Driver {
                label: x.label.clone(),
                input: x.input.clone(),
                cost_low: x.cost_low,
                cost_high: x.cost_high,
                variance_share: x.variance_share,
            })
            .collect();
        (d.offer.clone(), rows)
    });
    let book = BriefBook {
        currency: &b.currency,
        recommendation: rec,
        simulate: &b.simulate,
        sweep: b.sweep.as_ref(),
        drivers,
        forecast: (&b.fan.months, &b.fan.total),
        score: b.score.as_ref(),
    };
    let inputs: Vec<InputRow> = b
        .reproducibility
        .files
        .iter()
        .map(|f| InputRow { role: f.role.clone(), path: f.path.clone(), sha256: f.sha256.clone() })
        .collect();
    render_brief(&book, &inputs)
}
