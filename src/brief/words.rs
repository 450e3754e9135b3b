//! The recommendation paragraph in words: which offer at which level, what it
//! saves (mean and p5–p95), its risk, and what to ask for first. Plain text;
//! the writers escape it.

use super::compute::limit_text;
use super::{FirstAsk, TopLever};
use crate::analysis::sweep::{level_unit, SweepReport};
use crate::analysis::walkaway::WalkawayReport;
use crate::checklist::ScoreReport;
use crate::scenario::Scenario;
use crate::spec::offer::{Offer, OfferKind};
use crate::units::{count, money, pct};

/// `per year`, `per quarter`, ... for a commitment period of `months`.
pub fn per_period(months: usize) -> String {
    match months {
        1 => "per month".into(),
        3 => "per quarter".into(),
        12 => "per year".into(),
        m => format!("per {m}-month period"),
    }
}

/// A level of `offer` in words: `$321k per year`, `2.00B tokens per month`, `150 units`.
pub fn level_text(offer: &Offer, level: f64, cur: &str) -> String {
    match &offer.kind {
        OfferKind::Commit(c) if c.credits.is_some() => format!("{} of credit per purchase", money(level, cur)),
        OfferKind::Commit(c) => {
            let amount =
                if level_unit(offer) == "tokens" { format!("{} tokens", count(level)) } else { money(level, cur) };
            format!("{amount} {}", per_period(c.period_months))
        }
        OfferKind::Provisioned(_) => format!("{} units", (level * 10.0).round() / 10.0),
        OfferKind::Payg(_) => "no commitment".into(),
    }
}

fn saving_words(sc: &Scenario, (mean, p5, p95): (f64, f64, f64)) -> String {
    let cur = &sc.catalog.currency;
    format!(
        "an expected saving of {} against {} over {} months ({} to {} in 90% of futures, p5 to p95)",
        money(mean, cur),
        sc.offers[sc.risk.baseline].name,
        sc.horizon,
        money(p5, cur),
        money(p95, cur)
    )
}

/// The first sentence: the offer to sign, its level, saving, range and risk.
pub fn choice_sentence(
    sc: &Scenario,
    offer: usize,
    level: Option<f64>,
    from_sweep: bool,
    saving: (f64, f64, f64),
    pover: Option<f64>,
    ploss: f64,
) -> String {
    let o = &sc.offers[offer];
    let cur = &sc.catalog.currency;
    if offer == sc.risk.baseline && !from_sweep {
        return format!(
            "Stay on {}: no offer saves money on average within the risk limit of {} \
             probability of over-commitment.",
            o.name,
            limit_text(sc)
        );
    }
    let how = match (level, from_sweep) {
        (None, _) => "with no commitment".to_string(),
        (Some(l), true) => format!(
            "at {}, right-sized from the {} offered",
            level_text(o, l, cur),
            level_text(o, crate::analysis::sweep::current_level(o, sc.horizon), cur)
        ),
        (Some(l), false) => format!("as offered, at {}", level_text(o, l, cur)),
    };
    let risk = match pover {
        Some(p) => format!(
            "a {} probability of over-commitment (limit {}) and a {} chance of costing more than the baseline",
            pct(p),
            limit_text(sc),
            pct(ploss)
        ),
        None if level.is_none() => {
            format!("nothing to over-commit, and a {} chance of costing more than the baseline", pct(ploss))
        }
        None => format!("a {} chance of costing more than the baseline", pct(ploss)),
    };
    format!("Sign {} {how}, for {}, with {risk}.", o.name, saving_words(sc, saving))
}

/// The commitment alternative when the recommendation has no commitment from the sweep.
pub fn commit_alternative(
    sc: &Scenario,
    offer: usize,
    level: Option<f64>,
    saving: (f64, f64, f64),
    pover: Option<f64>,
) -> String {
    let o = &sc.offers[offer];
    let cur = &sc.catalog.currency;
    format!(
        "If you would rather commit, the best right-sized commitment within the risk limit is {} at {}: {}, \
         with a {} probability of over-commitment.",
        o.name,
        level.map_or_else(|| "none".to_string(), |l| level_text(o, l, cur)),
        saving_words(sc, saving),
        pct(pover.unwrap_or(0.0))
    )
}

/// The first page's summary: three or four short bullets a CFO reads first
/// (what to sign and at what level, the alternative, what to ask for
/// first, what the contracts block), each with its figure.
#[allow(clippy::too_many_arguments)]
pub fn summary(
    sc: &Scenario,
    offer: usize,
    level: Option<f64>,
    from_sweep: bool,
    saving: (f64, f64, f64),
    alternative: Option<String>,
    top: Option<&TopLever>,
    asks: &[FirstAsk],
    score: Option<&ScoreReport>,
) -> Vec<String> {
    let cur = &sc.catalog.currency;
    let o = &sc.offers[offer];
    let mut out = Vec::new();
    let (mean, p5, p95) = saving;
    if offer == sc.risk.baseline && !from_sweep {
        out.push(format!("Stay on {}: no offer saves money on average within the risk limit.", o.name));
    } else {
        let how = match (level, from_sweep) {
            (None, _) => "with no commitment".to_string(),
            (Some(l), true) => format!(
                "at {} (offered: {})",
                level_text(o, l, cur),
                level_text(o, crate::analysis::sweep::current_level(o, sc.horizon), cur)
            ),
            (Some(l), false) => format!("as offered, at {}", level_text(o, l, cur)),
        };
        out.push(format!(
            "Sign {} {how}: expected saving {} over {} months ({} to {} in 90% of futures).",
            o.name,
            money(mean, cur),
            sc.horizon,
            money(p5, cur),
            money(p95, cur)
        ));
    }
    if let Some(a) = alternative {
        out.push(a);
    }
    if let Some(t) = top {
        out.push(format!(
            "Ask first on {}: {} (worth {}).",
            t.offer,
            t.label.trim_end_matches('.'),
            money(t.saving, cur)
        ));
    }
    if let Some(r) = score {
        let blocked: Vec<String> = r
            .contracts
            .iter()
            .filter(|k| k.blocked)
            .map(|k| format!("{} ({})", k.vendor, k.blocked_by.join(", ")))
            .collect();
        if blocked.is_empty() {
            if let Some(a) = asks.first() {
                out.push(format!("First contract ask to {}: {}", a.vendor, end_sentence(&a.ask)));
            }
        } else {
            out.push(format!("Blocked until the terms change: {}.", blocked.join("; ")));
        }
    }
    out
}

/// Why a lever is worth what it is when that may surprise: a concession
/// that changes nothing (a rollover with a single commitment period, or
/// with no unused commitment to roll), or one that crosses a discount tier
/// (committing 10% less, or a 70% first period, falling below a threshold).
/// One sentence per lever that needs one.
pub fn lever_notes(sc: &Scenario, s: &SweepReport) -> Vec<String> {
    let cur = &sc.catalog.currency;
    let Some(o) = sc.offers.iter().find(|o| o.name == s.offer) else { return Vec::new() };
    let OfferKind::Commit(c) = &o.kind else { return Vec::new() };
    let level = s.levers_at;
    let periods = o.term_months.min(sc.horizon).div_ceil(c.period_months).max(1);
    let tiers: Vec<f64> = match &c.discount {
        crate::spec::offer::DiscountRule::Tiers(t) => t.iter().map(|&(min, _)| min).filter(|&m| m > 0.0).collect(),
        crate::spec::offer::DiscountRule::Flat(_) => Vec::new(),
    };
    let crossed = |lower: f64| {
        tiers
            .iter()
            .copied()
            .filter(|&t| lower < t && t <= level)
            .fold(None, |a: Option<f64>, t| Some(a.map_or(t, |x| x.max(t))))
    };
    let mut out = Vec::new();
    for l in &s.levers {
        let note = match l.id.as_str() {
            id if id.starts_with("rollover") && periods == 1 => Some(format!(
                "{}: worth nothing here, as the term holds a single commitment period, with no next period to roll unused \
                 commitment into.",
                l.label.trim_end_matches('.')
            )),
            id if id.starts_with("rollover") && l.cost_mean_change == 0.0 => Some(format!(
                "{}: worth nothing on these futures, as the offer already rolls over at least as much, or no \
                 commitment goes unused before the last period.",
                l.label.trim_end_matches('.')
            )),
            "commit_minus_10" => crossed(0.9 * level).map(|t| {
                format!(
                    "{}: at {} the commitment falls below the {} {} tier threshold and loses that tier's discount.",
                    l.label.trim_end_matches('.'),
                    level_text(o, 0.9 * level, cur),
                    if c.tokens { format!("{} tokens", count(t)) } else { money(t, cur) },
                    per_period(c.period_months)
                )
            }),
            "ramp_70" => crossed(0.7 * level).map(|t| {
                format!(
                    "{}: the first period at {} falls below the {} {} tier threshold and loses that tier's discount.",
                    l.label.trim_end_matches('.'),
                    level_text(o, 0.7 * level, cur),
                    if c.tokens { format!("{} tokens", count(t)) } else { money(t, cur) },
                    per_period(c.period_months)
                )
            }),
            _ => None,
        };
        out.extend(note);
    }
    out
}

/// What a buyer who wants no commitment should take instead of the recommended commitment.
pub fn uncommitted_alternative(sc: &Scenario, offer: usize, saving: (f64, f64, f64)) -> String {
    format!(
        "If you would rather commit nothing, {} is the best offer without a commitment: {}.",
        sc.offers[offer].name,
        saving_words(sc, saving)
    )
}

/// What the sweep found when it recommends no commitment (or none at all).
pub fn no_commitment(s: &SweepReport, sc: &Scenario) -> String {
    match s.recommended {
        Some(_) => format!(
            "The sweep of {} finds no commitment level worth taking within the {} risk limit.",
            s.offer,
            limit_text(sc)
        ),
        None => format!("No level of {} keeps the probability of over-commitment within {}.", s.offer, limit_text(sc)),
    }
}

/// What to ask for first: the top lever, then each contract's first ask.
pub fn asks_sentence(
    sc: &Scenario,
    top: Option<&TopLever>,
    sweep: Option<&SweepReport>,
    asks: &[FirstAsk],
    score: Option<&ScoreReport>,
) -> String {
    let cur = &sc.catalog.currency;
    let mut s = String::new();
    if let (Some(t), Some(sw)) = (top, sweep) {
        let at = sc.offers.iter().find(|o| o.name == sw.offer).map(|o| level_text(o, sw.levers_at, cur));
        let label = t.label.trim_end_matches('.');
        let mut chars = label.chars();
        let label = chars.next().map_or(String::new(), |c| c.to_lowercase().chain(chars).collect());
        let why = if sw.levers_at_own_level() {
            match sw.recommended {
                Some(_) => ", its own level, as the sweep recommends no commitment",
                None => ", its own level, as the sweep recommends no level",
            }
        } else {
            ""
        };
        s.push_str(&format!(
            " Ask first for the concession worth most on {} at {}{why}: {label} (worth {} in expected cost).",
            t.offer,
            at.unwrap_or_default(),
            money(t.saving, cur)
        ));
    } else if sweep.is_some() {
        s.push_str(" No lever lowers the expected cost at the recommended level.");
    }
    if let Some(r) = score {
        for k in r.contracts.iter().filter(|k| k.blocked) {
            s.push_str(&format!(
                " {}'s terms fail must-have {}: the deal is blocked until they change.",
                k.vendor,
                k.blocked_by.join(", ")
            ));
        }
    }
    if !asks.is_empty() {
        let list: Vec<String> = asks.iter().map(|a| format!("{}: {}", a.vendor, a.ask.trim_end_matches('.'))).collect();
        s.push_str(&format!(" First contract ask — {}", end_sentence(&list.join("; "))));
    }
    s
}

/// A discount rounded up to a tenth of a point: the least to accept.
pub fn discount_up(d: f64) -> f64 {
    (d * 1000.0 - 1e-9).ceil().max(0.0) / 1000.0
}

/// `x` rounded down to `digits` significant figures: the most to commit or pay.
pub fn round_down(x: f64, digits: i32) -> f64 {
    if !(x.is_finite() && x > 0.0) {
        return x;
    }
    let step = 10f64.powi(x.log10().floor() as i32 + 1 - digits);
    // A hair of slack for float noise: 530,000 computed as 529,999.99999... stays 530k.
    ((x / step) * (1.0 + 1e-12)).floor() * step
}

/// The counter-offer on one commit or provisioned offer, in one sentence:
/// the least discount (highest unit price) to accept at the offer's own
/// level, in expected cost and to be `C` sure, and the most to commit at the
/// terms offered; where no value works, why, in words. Levels and prices are
/// rounded to figures one can negotiate: discounts up to a tenth of a point,
/// levels down to two significant figures (whole units), prices down to
/// three.
pub fn counter_offer(sc: &Scenario, r: &WalkawayReport) -> String {
    let cur = &sc.catalog.currency;
    let Some(o) = sc.offers.iter().find(|o| o.name == r.offer) else { return String::new() };
    let own = r.levels.iter().find(|l| l.level == r.offered_level);
    let sure = format!("to be {} sure", pct0(r.confidence));
    let short = format!("{} of futures", pct0(1.0 - r.confidence));
    let at_level = level_text(o, r.offered_level, cur);
    let against = &r.against;
    if r.kind == "provisioned" {
        let offered = r.offered_unit_price.unwrap_or(0.0);
        let units = |x: f64| {
            let u = x.floor();
            format!("{u} unit{}", if u == 1.0 { "" } else { "s" })
        };
        let price = |x: f64| money(round_down(x, 3), cur);
        let (mean, conf) = own
            .map_or((None, None), |l| (l.break_even_unit_price.flatten(), l.break_even_unit_price_confident.flatten()));
        let first = match mean {
            Some(p) => format!("pay no more than {} per unit", price(p)),
            None => format!("no unit price makes it cheaper than {against} on average, not even free capacity"),
        };
        let second = match conf {
            Some(p) => format!("{} {sure}", price(p)),
            None => format!(
                "no unit price makes it {} sure to save, as usage leaves too much of the capacity idle in more \
                 than {short}",
                pct0(r.confidence)
            ),
        };
        let most = match (r.max_level, r.max_level_confident) {
            (Some(m), Some(c)) => format!("buy at most {} ({} {sure})", units(m), units(c)),
            (Some(m), None) => {
                format!("buy at most {} (no number of units is {} sure to save)", units(m), pct0(r.confidence))
            }
            (None, _) => format!("no number of units beats {against} on average"),
        };
        return format!(
            "Counter-offer on {}: at {at_level}, {first}; {second}; at the {} per unit offered, {most}.",
            r.offer,
            money(offered, cur)
        );
    }
    let offered = r.offered_discount.unwrap_or(0.0);
    let per = r.period_months.map(per_period).unwrap_or_default();
    let level = |x: f64| {
        let amount = if r.level_unit == "tokens" {
            format!("{} tokens", count(round_down(x, 2)))
        } else {
            money(round_down(x, 2), cur)
        };
        format!("{amount} {per}")
    };
    let (mean, conf) =
        own.map_or((None, None), |l| (l.break_even_discount.flatten(), l.break_even_discount_confident.flatten()));
    let off = |d: f64| {
        let d = discount_up(d);
        if d <= 0.0 {
            "any discount".to_string()
        } else {
            format!("{} off", pct(d))
        }
    };
    let first = match mean {
        Some(d) if discount_up(d) <= 0.0 => format!("any discount beats {against} on average"),
        Some(d) => format!("accept no less than {}", off(d)),
        None => format!(
            "no discount makes it cheaper than {against} on average: the commitment is more than the usage it \
             would discount"
        ),
    };
    let second = match conf {
        Some(d) => format!("{} {sure}", off(d)),
        None => format!(
            "no discount makes it {} sure to save, as usage falls short of the commitment in more than {short}, \
             which lose at any discount",
            pct0(r.confidence)
        ),
    };
    let most = match (r.max_level, r.max_level_confident) {
        (Some(m), Some(c)) => format!("commit at most {} ({} {sure})", level(m), level(c)),
        (Some(m), None) => format!("commit at most {} (no level is {} sure to save)", level(m), pct0(r.confidence)),
        (None, _) => format!("no commitment level beats {against} on average"),
    };
    format!("Counter-offer on {}: at {at_level}, {first}; {second}; at the {} offered, {most}.", r.offer, pct(offered))
}

/// `90%`, `92.5%`: a probability without a trailing `.0`.
fn pct0(x: f64) -> String {
    pct(x).replace(".0%", "%")
}

/// `text` ending with exactly one mark: a full stop unless it already ends
/// with one, or with a question or exclamation mark (an ask may be phrased
/// as a question to confirm in writing).
fn end_sentence(text: &str) -> String {
    let t = text.trim_end();
    if t.ends_with(['.', '?', '!']) {
        t.to_string()
    } else {
        format!("{t}.")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn periods_read_naturally() {
        assert_eq!(per_period(12), "per year");
        assert_eq!(per_period(3), "per quarter");
        assert_eq!(per_period(24), "per 24-month period");
    }

    #[test]
    fn a_question_is_not_followed_by_a_full_stop() {
        assert_eq!(
            end_sentence("Confirm in writing: are prompts deleted?"),
            "Confirm in writing: are prompts deleted?"
        );
        assert_eq!(end_sentence("Cap liability at 3x fees"), "Cap liability at 3x fees.");
        assert_eq!(end_sentence("Cap liability. "), "Cap liability.");
    }
}
