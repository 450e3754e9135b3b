//! What drives the cost: the brief's tornado (SPEC 6.8).
//!
//! The `sensitivity` analysis of the recommended offer, from the brief's one
//! run (which records each path's input draws): for each uncertain input, the offer's expected cost over the
//! futures whose draw of that input is in its lowest and in its highest
//! decile, and the share of the variance of cost it explains alone. The brief
//! names each input in words ([`label`]) and shows at most [`SHOWN`] of them,
//! largest swing first.

use serde::Serialize;

use crate::analysis::sensitivity::SensitivityReport;

/// Inputs the chart and table show; the rest are summed up in a sentence.
pub const SHOWN: usize = 8;

/// One uncertain input, as the brief shows it.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Driver {
    /// The input in words, e.g. "Growth of chat".
    pub label: String,
    /// The scenario key path, e.g. `workloads.chat.growth_annual`.
    pub input: String,
    /// Expected cost when the input's draw is in its lowest decile.
    pub cost_low: f64,
    /// Expected cost when it is in its highest decile.
    pub cost_high: f64,
    /// `|cost_high - cost_low|`.
    pub swing: f64,
    /// First-order share of the variance of cost.
    pub variance_share: f64,
}

/// The tornado of one offer.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Drivers {
    /// The offer whose cost is analysed (the recommended one).
    pub offer: String,
    /// Its expected cost over all futures.
    pub cost_mean: f64,
    /// The inputs shown, largest swing first.
    pub inputs: Vec<Driver>,
    /// Inputs not shown (smaller swings).
    pub more: usize,
    /// Sum of the shown inputs' variance shares.
    pub share_shown: f64,
    /// Paths in each decile.
    pub paths_per_decile: u64,
}

/// The brief's view of a sensitivity report; `None` when nothing in the
/// scenario is uncertain.
pub fn from_report(r: &SensitivityReport) -> Option<Drivers> {
    if r.inputs.is_empty() {
        return None;
    }
    let inputs: Vec<Driver> = r
        .inputs
        .iter()
        .take(SHOWN)
        .map(|e| Driver {
            label: label(&e.input),
            input: e.input.clone(),
            cost_low: e.cost_low,
            cost_high: e.cost_high,
            swing: e.swing,
            variance_share: e.variance_share,
        })
        .collect();
    Some(Drivers {
        offer: r.offer.clone(),
        cost_mean: r.cost_mean,
        share_shown: inputs.iter().map(|d| d.variance_share).sum(),
        more: r.inputs.len() - inputs.len(),
        inputs,
        paths_per_decile: r.paths_per_decile,
    })
}

/// An input's key path in words a reader of the brief knows.
pub fn label(key: &str) -> String {
    if let Some(rest) = key.strip_prefix("workloads.") {
        if let Some(name) = rest.strip_suffix(".growth_annual") {
            return format!("Growth of {name}");
        }
        if let Some(name) = rest.strip_suffix(".volatility_monthly") {
            return format!("Month-to-month swings of {name}");
        }
        if let Some(name) = rest.strip_suffix(".growth (fitted from [history])") {
            return format!("Growth of {name} (forecast from its history)");
        }
    }
    if let Some(rest) = key.strip_prefix("forecast.events.") {
        for (suffix, words) in [
            (".probability", "Whether the {} launch happens"),
            (".monthly_tokens", "Size of the {} launch"),
            (".growth_annual", "Growth of the {} launch"),
            (".volatility_monthly", "Month-to-month swings of the {} launch"),
        ] {
            if let Some(name) = rest.strip_suffix(suffix) {
                return words.replace("{}", name);
            }
        }
    }
    if key == "prices.price_change" {
        return "Yearly change of list prices".into();
    }
    if key == "prices.step_cut" {
        return "Sudden list-price cuts".into();
    }
    if let Some(rule) = key.strip_prefix("forecast.routing[").and_then(|r| r.strip_suffix("].share")) {
        if let Ok(k) = rule.parse::<usize>() {
            return format!("Share moved by routing rule {}", k + 1);
        }
    }
    key.to_string()
}

#[cfg(test)]
mod tests {
    use super::label;

    #[test]
    fn every_key_the_analysis_names_has_words() {
        assert_eq!(label("workloads.chat.growth_annual"), "Growth of chat");
        assert_eq!(label("workloads.chat.volatility_monthly"), "Month-to-month swings of chat");
        assert_eq!(label("workloads.rag.growth (fitted from [history])"), "Growth of rag (forecast from its history)");
        assert_eq!(label("forecast.events.agents.probability"), "Whether the agents launch happens");
        assert_eq!(label("forecast.events.agents.monthly_tokens"), "Size of the agents launch");
        assert_eq!(label("prices.price_change"), "Yearly change of list prices");
        assert_eq!(label("prices.step_cut"), "Sudden list-price cuts");
        assert_eq!(label("forecast.routing[0].share"), "Share moved by routing rule 1");
        // An unknown key is shown as it is rather than guessed at.
        assert_eq!(label("something.else"), "something.else");
    }
}
