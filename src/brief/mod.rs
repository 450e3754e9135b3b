//! The negotiation brief (SPEC 2 `brief`, SPEC 5): one document a buyer hands
//! to the CFO and takes into the room, as self-contained HTML or as Markdown
//! with SVG charts beside it.
//!
//! [`build`] computes everything from ONE Monte Carlo run: the scenario's
//! offers followed by the sweep's levels, with each path's monthly tokens
//! kept for the forecast fan; then the small lever pass. The figures are
//! therefore those of `simulate`, `sweep` and `forecast` with the same seed
//! and paths, to the last digit. The writers ([`html`], [`markdown`]) only
//! format the [`Brief`]; the charts come from [`charts`], drawn with the
//! escaping SVG writer of [`svg`]. What each number means: docs/brief.md.

pub mod assumptions;
pub mod charts;
pub mod compute;
pub mod drivers;
pub mod html;
pub mod markdown;
pub mod status;
pub mod svg;
pub mod template;
pub mod words;
pub mod xlsx;

use serde::Serialize;

use crate::analysis::simulate::SimulateReport;
use crate::analysis::sweep::SweepReport;
use crate::analysis::walkaway::WalkawayReport;
use crate::checklist::ScoreReport;

pub use compute::{build, BriefInput};

/// Everything the brief shows, in the order it shows it.
#[derive(Debug, Clone, Serialize)]
pub struct Brief {
    /// Currency of every money figure.
    pub currency: String,
    /// The one-paragraph recommendation and its numbers.
    pub recommendation: Recommendation,
    /// The `simulate` results of every offer.
    pub simulate: SimulateReport,
    /// For each reservation given in limits: which limit binds, and how much
    /// of each is used (the words of `simulate`'s table).
    pub limit_notes: Vec<String>,
    /// Quartiles and tails of each offer's cost, for the distribution chart.
    pub saving_boxes: Vec<CostBox>,
    /// The date the brief is written (`YYYY-MM-DD`).
    pub written: String,
    /// A confidentiality line for the title and every page.
    pub confidential: Option<String>,
    /// The commitment sweep, when the scenario has an offer to sweep.
    pub sweep: Option<SweepReport>,
    /// Every swept commitment at the figure its sweep proposes.
    pub right_sized: Vec<RightSized>,
    /// Why some levers are worth what they are (nothing, or a tier lost).
    pub lever_notes: Vec<String>,
    /// The walk-away point of every commit and provisioned offer against the
    /// baseline (`walkaway`'s report, default levels).
    pub walkaway: Vec<WalkawayReport>,
    /// Each `[[portfolios]]` entry optimised (`optimize`'s report at the
    /// scenario's risk limit), with its frontier, for the mixes section.
    pub mixes: Vec<Mix>,
    /// Why the sweep was chosen, or why there is none.
    pub sweep_note: String,
    /// The usage forecast fan.
    pub fan: Fan,
    /// Expected list spend per vendor, workload and fiscal year, and each
    /// model's effective price under every offer (`forecast`'s `spend`).
    pub spend: Option<crate::analysis::spend::SpendReport>,
    /// What drives the recommended offer's cost (the tornado), when something is uncertain.
    pub drivers: Option<drivers::Drivers>,
    /// Contract scorecards, when contracts were given.
    pub score: Option<ScoreReport>,
    /// Assumptions and method.
    pub assumptions: assumptions::Assumptions,
    /// How to reproduce the brief.
    pub reproducibility: Reproducibility,
    /// Warnings from loading and running the scenario.
    pub warnings: Vec<String>,
}

/// A portfolio of offers with every layer's level chosen together.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Mix {
    /// `optimize`'s report, equal to `optimize --format json` on the same scenario.
    pub optimize: crate::analysis::optimize::OptimizeReport,
    /// Each layer's level unit: `usd`, `tokens` or `units` (`none` for pay as you go).
    pub units: Vec<String>,
    /// The portfolio as written: expected cost and CVaR95 (those of `simulate`).
    pub as_written_cost_mean: f64,
    /// CVaR95 of cost as written.
    pub as_written_cost_cvar95: f64,
}

/// The recommendation: which offer, at which level, what it saves, with what
/// risk, and what to ask for first.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Recommendation {
    /// The offer recommended.
    pub offer: String,
    /// Its kind: payg, commit or provisioned.
    pub kind: String,
    /// The commitment level (amount per period, or units), when it has one.
    pub level: Option<f64>,
    /// True when the level is the sweep's recommendation rather than the offer as written.
    pub level_from_sweep: bool,
    /// Expected saving against the baseline over the horizon.
    pub saving_mean: f64,
    /// 5th percentile of the saving.
    pub saving_p5: f64,
    /// 95th percentile of the saving.
    pub saving_p95: f64,
    /// Probability of over-commitment (commit offers; provisioned at a swept level).
    pub prob_overcommit: Option<f64>,
    /// Probability of costing more than the baseline.
    pub prob_loss: f64,
    /// The lever worth most at the sweep's recommended level, when one saves money.
    pub top_lever: Option<TopLever>,
    /// The first ranked ask of each contract.
    pub first_asks: Vec<FirstAsk>,
    /// The paragraph, as plain text (escaped by the writers).
    pub text: String,
    /// The first page's bullets: what to sign, the alternative, the first ask, what blocks.
    pub summary: Vec<String>,
    /// The counter-offer on each commit and provisioned offer, one sentence each.
    pub counter_offers: Vec<String>,
}

/// The lever to ask for first.
/// A commitment on offer, right-sized: the figure its sweep proposes and what it saves there.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct RightSized {
    /// The offer.
    pub offer: String,
    /// `commit` or `provisioned`.
    pub kind: String,
    /// The providers whose usage it covers.
    pub vendor: String,
    /// Its level as written.
    pub offered_level: f64,
    /// The figure its sweep proposes (none when no level is within the risk limit).
    pub level: Option<f64>,
    /// `usd`, `tokens` or `units`.
    pub level_unit: String,
    /// Months per commitment period (commit).
    pub period_months: Option<usize>,
    /// Expected saving at `level`.
    pub saving_mean: Option<f64>,
    /// Its standard error.
    pub saving_std_error: Option<f64>,
    /// Probability of over-commitment at `level`.
    pub prob_overcommit: Option<f64>,
    /// Probability of costing more than the baseline at `level`.
    pub prob_loss: Option<f64>,
    /// What rounding to `level` costs in expected saving.
    pub rounding_cost: Option<f64>,
}

#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct TopLever {
    /// Lever id.
    pub id: String,
    /// What to ask for.
    pub label: String,
    /// The offer it applies to (the swept offer).
    pub offer: String,
    /// Expected saving (−cost_mean_change).
    pub saving: f64,
}

/// A contract's first ask.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct FirstAsk {
    /// Vendor name.
    pub vendor: String,
    /// Checklist item id.
    pub id: String,
    /// What to ask for.
    pub ask: String,
    /// Whether the deal is blocked (a must-have failed).
    pub blocked: bool,
}

/// One offer's cost distribution: the box plot's five numbers and the mean.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct CostBox {
    /// Offer name.
    pub name: String,
    /// 5th percentile.
    pub p5: f64,
    /// 25th percentile.
    pub p25: f64,
    /// Median.
    pub p50: f64,
    /// 75th percentile.
    pub p75: f64,
    /// 95th percentile.
    pub p95: f64,
    /// Mean.
    pub mean: f64,
}

/// The usage forecast: quantiles of total monthly tokens by month, and the
/// history they continue.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Fan {
    /// Forecast months, `YYYY-MM`.
    pub months: Vec<String>,
    /// The quantile arrays (same as `forecast --format json`'s `total`).
    pub total: crate::analysis::forecast::Bands,
    /// Past months of total tokens, summed over the workloads that have history.
    pub history: Vec<crate::analysis::forecast::HistoryPoint>,
    /// Whether some workloads (explicit ones, events) have no history, so the
    /// history line covers only part of the total.
    pub history_partial: bool,
    /// The back-test on the scenario's own history (the same as
    /// `forecast --format json`'s `backtest`), none without history.
    pub backtest: Option<crate::analysis::backtest::HistoryCheck>,
    /// It in words, for the forecast section.
    pub backtest_words: Option<String>,
}

/// One input file and its SHA-256.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct InputFile {
    /// What the file is: scenario, catalog, usage history, load profile, contract, checklist.
    pub role: String,
    /// The path as the run saw it.
    pub path: String,
    /// Lower-case hex SHA-256 of the file's bytes.
    pub sha256: String,
    /// A remark (e.g. the built-in checklist is hashed from its embedded text).
    pub note: Option<String>,
}

/// What someone needs to reproduce the brief.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Reproducibility {
    /// commitsim version.
    pub version: String,
    /// Seed.
    pub seed: u64,
    /// Monte Carlo paths.
    pub paths: u64,
    /// The command line that reproduces the figures.
    pub command: String,
    /// Every input file with its hash.
    pub files: Vec<InputFile>,
}

/// Output format of the brief.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BriefFormat {
    /// One self-contained HTML file.
    Html,
    /// A Markdown file with its charts as SVG files in a folder beside it.
    Markdown,
    /// An Excel workbook: one sheet per table, native charts.
    Xlsx,
}

impl BriefFormat {
    /// `html`, `markdown`/`md` or `xlsx`.
    pub fn parse(s: &str) -> Option<BriefFormat> {
        match s {
            "html" => Some(BriefFormat::Html),
            "xlsx" => Some(BriefFormat::Xlsx),
            "markdown" | "md" => Some(BriefFormat::Markdown),
            _ => None,
        }
    }
}
