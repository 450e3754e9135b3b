//! The recommendation paragraph in words: which offer at which level, what it
//! saves (mean and p5–p95), its risk, and what to ask for first. Plain text;
//! the writers escape it.

use super::compute::limit_text;
use super::{FirstAsk, TopLever};
use crate::analysis::sweep::{level_unit, SweepReport};
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
            "at {}, the level the sweep recommends (the offer as written: {})",
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
        "If you would rather commit, the sweep's level for {} within the risk limit is {}: {}, with a {} \
         probability of over-commitment.",
        o.name,
        level.map_or_else(|| "none".to_string(), |l| level_text(o, l, cur)),
        saving_words(sc, saving),
        pct(pover.unwrap_or(0.0))
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
