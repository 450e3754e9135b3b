//! Command-line arguments (clap derive). Raw input only: `app` validates them
//! into plans; nothing here is used past `app/`.

use std::path::PathBuf;

use clap::builder::PossibleValue;
use clap::{Args, Parser, Subcommand, ValueEnum};

/// Monte Carlo cost and risk of enterprise GenAI commitment offers.
#[derive(Debug, Parser)]
#[command(name = "commitsim", version, about, long_about = None, propagate_version = true)]
pub struct Cli {
    /// What to do.
    #[command(subcommand)]
    pub command: Command,
    /// Worker threads (default: all cores). Results do not depend on it.
    #[arg(long, global = true, value_name = "N")]
    pub threads: Option<usize>,
    /// No progress bar and no warnings on standard error.
    #[arg(long, short, global = true)]
    pub quiet: bool,
}

pub use crate::report::Format;

impl ValueEnum for Format {
    fn value_variants<'a>() -> &'a [Self] {
        &[Format::Table, Format::Json, Format::Csv, Format::Markdown, Format::Xlsx]
    }

    fn to_possible_value(&self) -> Option<PossibleValue> {
        Some(match self {
            Format::Table => PossibleValue::new("table").help("Aligned text for a terminal"),
            Format::Json => PossibleValue::new("json").help("JSON (a stable interface; see docs/json.md)"),
            Format::Csv => PossibleValue::new("csv").help("Comma-separated values, one row per item"),
            Format::Markdown => PossibleValue::new("markdown").alias("md").help("A Markdown table"),
            Format::Xlsx => PossibleValue::new("xlsx").help("An Excel workbook (simulate, sweep; needs --out FILE)"),
        })
    }
}

pub use crate::spec::sampling::Sampling;

impl ValueEnum for Sampling {
    fn value_variants<'a>() -> &'a [Self] {
        &Sampling::ALL
    }

    fn to_possible_value(&self) -> Option<PossibleValue> {
        let help = match self {
            Sampling::Random => "Plain Monte Carlo (release 1)",
            Sampling::Antithetic => "Antithetic pairs of paths (default)",
            Sampling::Control => "Control variates on plain Monte Carlo paths",
            Sampling::AntitheticControl => "Antithetic pairs and control variates",
        };
        Some(PossibleValue::new(self.name()).help(help))
    }
}

/// `--format` and `--out`.
#[derive(Debug, Clone, Args)]
pub struct OutArgs {
    /// Output format.
    #[arg(long, short, value_enum, default_value = "table")]
    pub format: Format,
    /// Write to FILE instead of standard output (written whole or not at all; `-` = stdout).
    #[arg(long, short, value_name = "FILE")]
    pub out: Option<PathBuf>,
}

/// `--paths` and `--seed`.
#[derive(Debug, Clone, Copy, Args)]
pub struct RunArgs {
    /// Monte Carlo paths (overrides `[simulation]` paths; default 20000).
    #[arg(long, value_name = "N")]
    pub paths: Option<u64>,
    /// Random seed (overrides `[simulation]` seed; default 0). Same seed, same numbers.
    #[arg(long, value_name = "S")]
    pub seed: Option<u64>,
    /// Sampling method (overrides `[simulation]` sampling; default antithetic; see docs/model.md).
    #[arg(long, value_enum, value_name = "METHOD")]
    pub sampling: Option<Sampling>,
}

/// Column mapping for usage files whose names differ from the standard ones.
#[derive(Debug, Clone, Default, Args)]
pub struct HistoryArgs {
    /// Map standard columns to the file's own, e.g. `timestamp=TIMESTAMP,input_tokens=ContextTokens`.
    #[arg(long, value_name = "MAP")]
    pub columns: Option<String>,
    /// Model id for every row (when the file has no model column).
    #[arg(long, value_name = "M")]
    pub model: Option<String>,
    /// Workload name for every row (when the file has no workload column).
    #[arg(long, value_name = "W")]
    pub workload: Option<String>,
    /// Unit of numeric timestamps.
    #[arg(long, value_name = "UNIT", value_parser = ["s", "ms"])]
    pub timestamp_unit: Option<String>,
    /// Origin of numeric timestamps, an ISO 8601 date-time (default 1970-01-01T00:00:00).
    #[arg(long, value_name = "T")]
    pub timestamp_origin: Option<String>,
    /// File format: `usage` (SPEC columns, or mapped), `focus` (FOCUS 1.x billing export),
    /// `openai-usage` (OpenAI Usage API JSON or dashboard CSV), `anthropic-usage`
    /// (Anthropic usage report JSON), `azure-cost` (Azure Cost Management export,
    /// Foundry meters), `aws-cur` (AWS CUR 2.0, Bedrock usage types) or `litellm`
    /// (LiteLLM spend logs or daily spend tables). CSV, gzip CSV, JSON or Parquet,
    /// told from the content.
    #[arg(
        long,
        value_name = "F",
        value_parser = ["usage", "focus", "openai-usage", "anthropic-usage", "azure-cost", "aws-cur", "litellm"]
    )]
    pub history_format: Option<String>,
    /// Price catalog used to map FOCUS SKUs to models and to check model ids.
    #[arg(long, value_name = "FILE")]
    pub catalog: Option<PathBuf>,
    /// Treat months missing inside a series as zero instead of an error.
    #[arg(long)]
    pub gaps_zero: bool,
}

/// The subcommands, one `Args` struct each.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Simulate every offer of a scenario on the same futures.
    #[command(after_help = "Examples:
  commitsim simulate scenarios/example.toml
  commitsim simulate scenarios/example.toml --paths 50000 --seed 1 \\
    --format json --out results.json")]
    Simulate(SimulateArgs),
    /// Re-bill one offer at many commitment levels; recommend one; value the levers.
    #[command(after_help = "Examples:
  commitsim sweep scenarios/example.toml --offer \"Anthropic commit\"
  commitsim sweep scenarios/example.toml --offer \"Azure PTU x 150 (1-yr)\" \\
    --levels 50,100,150,200,250 --format csv")]
    Sweep(SweepArgs),
    /// Which uncertain input drives an offer's cost: a tornado of decile costs and variance shares.
    #[command(
        long_about = "Which uncertain input drives an offer's cost. From one run on the same futures as simulate: for \
                      every distribution of the scenario (growth per workload, volatility, events' occurrence and \
                      size, price change, step cuts, routing shares), the offer's expected cost and savings with \
                      that input's draw in its lowest and highest decile, ranked by the swing, and the first-order \
                      share of the variance of cost it explains alone. See docs/sensitivity.md.",
        after_help = "Examples:\n  commitsim sensitivity scenarios/example.toml\n  commitsim sensitivity scenarios/example.toml --offer \"Anthropic commit\" \\\n    --format json"
    )]
    Sensitivity(SensitivityArgs),
    /// Every layer's level of a portfolio chosen together: the lowest expected cost within the risk limit, and the
    /// frontier of expected cost against CVaR95.
    #[command(
        long_about = "Every layer's level of a [[portfolios]] entry chosen together on the same futures (commit and \
                      credits layers: every amount scaled together; provisioned layers: units): the lowest expected \
                      cost whose over-commitment probability (the layers' total unused commitment above the waste \
                      tolerance of their total) is at most --risk-limit (default [risk] max_overcommit_probability), \
                      and the frontier of expected cost against CVaR95 (the mean of the costliest 5% of futures) \
                      of the combinations evaluated. See docs/sweep.md, \"Optimising a portfolio\".",
        after_help = "Examples:\n  commitsim optimize scenarios/portfolio.toml --portfolio \"PTU + umbrella\"\n  commitsim optimize scenarios/portfolio.toml --portfolio \"PTU + umbrella\" \\\n    --risk-limit 0.2 --format json"
    )]
    Optimize(OptimizeArgs),
    /// The walk-away point of a commit or provisioned offer: per level the least discount (provisioned: the highest
    /// unit price) that still beats the alternative, and at the offered terms the most one can commit.
    #[command(
        long_about = "The walk-away point of a commit or provisioned offer against its alternative (the baseline, or \
                      --against another offer), on the same futures as sweep with the same seed and paths: per \
                      level of the sweep's grid, the smallest discount (provisioned: the highest unit price) at \
                      which the offer beats the alternative in expected cost, and the one at which it beats it with \
                      probability at least --confidence; and at the offered discount (unit price) the largest level \
                      that still beats it, both ways. Each is solved by bisection. Credits offers are supported \
                      (their discount is 1 - price); portfolios are not yet. See docs/sweep.md.",
        after_help = "Examples:\n  commitsim walkaway scenarios/example.toml --offer \"Anthropic commit\"\n  commitsim walkaway scenarios/example.toml --offer \"Anthropic commit\" \\\n    --against \"Enterprise PAYG -6%\" --confidence 0.8 --format json"
    )]
    Walkaway(WalkawayArgs),
    /// Follow a signed commitment through its term: burn-down, balance, shortfall or overage, run-out month, catch-up.
    #[command(
        long_about = "Follow a signed commit offer through its term. The scenario's start is the contract's first \
                      month; the months from it to --as-of take the actual usage of --actuals (any history format) \
                      on every path, and later months are simulated from there (a [history] forecast is refitted on \
                      history and actuals; explicit workloads continue from their last actual month). Reports the \
                      burn-down (actual, then p5/p50/p95), the balance, per remaining period and at the term's end \
                      the probability of unused commitment above the waste tolerance, the expected unused \
                      commitment and overage, when the commitment runs out, and the extra monthly in-scope list \
                      spend that brings the over-commitment probability within [risk] max_overcommit_probability. \
                      Exit status 3, after the output is written, when that probability exceeds \
                      --alert-probability. See docs/track.md.",
        after_help = "Examples:
  commitsim track scenarios/example.toml --offer \"Anthropic commit\" \\
    --actuals scenarios/northwind-actuals-2027.csv --as-of 2027-06
  # A monthly job: the status page, and exit status 3 above a 30% risk:
  commitsim track scenarios/example.toml --offer \"Anthropic commit\" \\
    --actuals scenarios/northwind-actuals-2027.csv \\
    --alert-probability 0.3 --format html --out status.html"
    )]
    Track(TrackArgs),
    /// Monthly usage forecast with p5..p95 per workload and in total.
    #[command(after_help = "Examples:
  commitsim forecast scenarios/example.toml
  commitsim forecast --history scenarios/northwind-usage.csv --horizon 12 \\
    --format csv")]
    Forecast(ForecastArgs),
    /// Hold out the last months of each series and measure forecast calibration.
    #[command(after_help = "Examples:
  commitsim backtest --history scenarios/northwind-usage.csv --holdout 6")]
    Backtest(BacktestArgs),
    /// Per-minute effective-token load of a request log, for provisioned offers.
    #[command(after_help = "Examples:
  # A public Azure trace shipped with the tests (58 minutes of requests):
  commitsim profile \\
    --history tests/fixtures/traces/AzureLLMInferenceTrace_code.csv \\
    --columns input_tokens=ContextTokens,output_tokens=GeneratedTokens \\
    --out load.csv")]
    Profile(ProfileArgs),
    /// Score contract terms against a checklist: score 0-100, blocked or not, and the ranked asks.
    #[command(
        long_about = "Score contract terms against a checklist.\n\nEach checklist item reads one field of a contract \
                      file and passes, fails, or is unknown (the field is missing or \"unknown\"). Score = 100 x weight \
                      of passed items / weight of all items, overall and per category. A failed must-have blocks the \
                      deal whatever the score. Failed and unknown items become asks, must-haves first, then by \
                      weight. A contract field that no item reads is warned about (usually a typo).",
        after_help = "Examples:
  commitsim score contracts/openai.toml contracts/anthropic.toml
  # Your own terms, written from contracts/template.toml:
  commitsim score contracts/template.toml \\
    --checklist contracts/checklist.toml --format json"
    )]
    Score(ScoreArgs),
    /// Write the negotiation brief (self-contained HTML, or Markdown with SVG charts).
    #[command(
        long_about = "Write the negotiation brief: the recommendation with its numbers (offer, commitment level, \
                      expected saving and its p5-p95 range, probability of over-commitment, what to ask for first), \
                      the offers, the commitment sweep, the levers in dollars, the usage forecast, the contracts' \
                      scorecards, the assumptions, and the SHA-256 of every input. Everything comes from one run \
                      on the same futures as simulate, sweep and forecast with the same seed and paths. See \
                      docs/brief.md.",
        after_help = "Examples:
  commitsim brief scenarios/example.toml \\
    --contract contracts/azure-openai.toml \\
    --contract contracts/anthropic.toml --out brief.html
  # Markdown, with its charts as SVG files in brief-charts/:
  commitsim brief scenarios/example.toml --format markdown --out brief.md
  # A workbook, one sheet per table, with native charts:
  commitsim brief scenarios/example.toml --format xlsx --out brief.xlsx"
    )]
    Brief(BriefArgs),
    /// Check scenarios, catalogs, contracts and checklists without simulating.
    #[command(
        after_help = "Contracts are checked against the first checklist among the files, else the built-in default.

The mapping options (--columns, --model, ...) apply to every CSV file given, as in forecast --history, so a raw \
                      request log can be checked; CSV model ids are checked against --catalog, else the first price \
                      catalog among the files.

Examples:
  commitsim validate scenarios/example.toml scenarios/prices.toml \\
    contracts/*.toml
  commitsim validate tests/fixtures/traces/AzureLLMInferenceTrace_code.csv \\
    --columns input_tokens=ContextTokens,output_tokens=GeneratedTokens \\
    --model azure-gpt-4.1 --catalog scenarios/prices.toml
  commitsim validate tests/fixtures/exports/openai_usage_1d.json \\
    --history-format openai-usage --catalog scenarios/prices.toml \\
    --format json"
    )]
    Validate(ValidateArgs),
    /// Write a folder to start from into DIR: the example scenario, the price catalog, contracts/template.toml and
    /// contracts/checklist.toml.
    #[command(after_help = "Examples:\n  commitsim init my-renewal && commitsim simulate my-renewal/example.toml")]
    Init(InitArgs),
}

/// The arguments of `commitsim simulate`.
// Flattened option groups carry their help on their own fields.
#[allow(missing_docs)]
#[derive(Debug, Clone, Args)]
pub struct SimulateArgs {
    /// Scenario file (TOML).
    pub scenario: PathBuf,
    #[command(flatten)]
    pub run: RunArgs,
    #[command(flatten)]
    pub out: OutArgs,
}

/// The arguments of `commitsim sweep`.
// Flattened option groups carry their help on their own fields.
#[allow(missing_docs)]
#[derive(Debug, Clone, Args)]
pub struct SweepArgs {
    /// Scenario file (TOML).
    pub scenario: PathBuf,
    /// Name of the commit or provisioned offer to sweep.
    #[arg(long, value_name = "NAME")]
    pub offer: String,
    /// Explicit levels, ascending (amount per period in $ or tokens, or units).
    #[arg(long, value_name = "A,B,C", value_delimiter = ',', allow_hyphen_values = true, conflicts_with_all = ["from", "to", "steps"])]
    pub levels: Option<Vec<f64>>,
    /// First level of an even grid.
    #[arg(long, value_name = "X", allow_negative_numbers = true)]
    pub from: Option<f64>,
    /// Last level of an even grid.
    #[arg(long, value_name = "Y")]
    pub to: Option<f64>,
    /// Number of levels of the grid (default 25).
    #[arg(long, value_name = "N")]
    pub steps: Option<usize>,
    #[command(flatten)]
    pub run: RunArgs,
    #[command(flatten)]
    pub out: OutArgs,
}

/// The arguments of `commitsim walkaway`.
// Flattened option groups carry their help on their own fields.
#[allow(missing_docs)]
#[derive(Debug, Clone, Args)]
pub struct WalkawayArgs {
    /// Scenario file (TOML).
    pub scenario: PathBuf,
    /// Name of the commit or provisioned offer.
    #[arg(long, value_name = "NAME")]
    pub offer: String,
    /// The alternative to beat: another offer of the scenario (default: the baseline).
    #[arg(long, value_name = "OFFER")]
    pub against: Option<String>,
    /// Probability of saving for the "to be sure" figures (default 0.9).
    #[arg(long, value_name = "C")]
    pub confidence: Option<f64>,
    /// Explicit levels, ascending (as for sweep; levels of 0 are left out).
    #[arg(long, value_name = "A,B,C", value_delimiter = ',', allow_hyphen_values = true, conflicts_with_all = ["from", "to", "steps"])]
    pub levels: Option<Vec<f64>>,
    /// First level of an even grid.
    #[arg(long, value_name = "X", allow_negative_numbers = true)]
    pub from: Option<f64>,
    /// Last level of an even grid.
    #[arg(long, value_name = "Y")]
    pub to: Option<f64>,
    /// Number of levels of the grid (default 25).
    #[arg(long, value_name = "N")]
    pub steps: Option<usize>,
    #[command(flatten)]
    pub run: RunArgs,
    #[command(flatten)]
    pub out: OutArgs,
}

/// The arguments of `commitsim sensitivity`.
// Flattened option groups carry their help on their own fields.
#[allow(missing_docs)]
#[derive(Debug, Clone, Args)]
pub struct SensitivityArgs {
    /// Scenario file (TOML).
    pub scenario: PathBuf,
    /// Offer to analyse (default: the one with the highest expected saving against the baseline).
    #[arg(long, value_name = "NAME")]
    pub offer: Option<String>,
    #[command(flatten)]
    pub run: RunArgs,
    #[command(flatten)]
    pub out: OutArgs,
}

/// The arguments of `commitsim track`.
#[allow(missing_docs)]
#[derive(Debug, Clone, Args)]
pub struct TrackArgs {
    /// Scenario file (TOML); its `start` is the contract's first month.
    pub scenario: PathBuf,
    /// Name of the commit offer that was signed.
    #[arg(long, value_name = "NAME")]
    pub offer: String,
    /// Actual usage since the start, in any history format (see --history-format).
    #[arg(long, value_name = "FILE")]
    pub actuals: PathBuf,
    /// Last month of actual usage to count, YYYY-MM (default: the actuals' last month). The month before the
    /// start means "at signature": nothing consumed yet.
    #[arg(long, value_name = "YYYY-MM")]
    pub as_of: Option<String>,
    /// Exit with status 3 (after writing the output) when the term-end over-commitment probability exceeds P.
    #[arg(long, value_name = "P")]
    pub alert_probability: Option<f64>,
    #[command(flatten)]
    pub map: HistoryArgs,
    #[command(flatten)]
    pub run: RunArgs,
    /// table, json, csv (the burn-down), markdown (md) or html (a one-page status with the burn-down chart).
    #[arg(long, short, value_name = "F", default_value = "table", value_parser = ["table", "json", "csv", "markdown", "md", "html"])]
    pub format: String,
    /// Write to FILE instead of standard output (written whole or not at all; `-` = stdout).
    #[arg(long, short, value_name = "FILE")]
    pub out: Option<PathBuf>,
}

/// The arguments of `commitsim optimize`.
// Flattened option groups carry their help on their own fields.
#[allow(missing_docs)]
#[derive(Debug, Clone, Args)]
pub struct OptimizeArgs {
    /// Scenario file (TOML).
    pub scenario: PathBuf,
    /// Name of the `[[portfolios]]` entry.
    #[arg(long, value_name = "NAME")]
    pub portfolio: String,
    /// Largest over-commitment probability allowed, 0 to 1 (default: `[risk]` max_overcommit_probability).
    #[arg(long, value_name = "P")]
    pub risk_limit: Option<f64>,
    #[command(flatten)]
    pub run: RunArgs,
    #[command(flatten)]
    pub out: OutArgs,
}

/// The arguments of `commitsim forecast`.
// Flattened option groups carry their help on their own fields.
#[allow(missing_docs)]
#[derive(Debug, Clone, Args)]
pub struct ForecastArgs {
    /// Scenario file (or give --history).
    #[arg(required_unless_present = "history")]
    pub scenario: Option<PathBuf>,
    /// Usage history CSV to forecast directly.
    #[arg(long, value_name = "FILE", conflicts_with = "scenario")]
    pub history: Option<PathBuf>,
    /// Months to forecast (default: the scenario's horizon, or 12).
    #[arg(long, value_name = "M")]
    pub horizon: Option<usize>,
    /// Forecast method for --history: auto (default) or drift.
    #[arg(long, value_name = "METHOD", value_parser = ["auto", "drift"])]
    pub method: Option<String>,
    #[command(flatten)]
    pub map: HistoryArgs,
    #[command(flatten)]
    pub run: RunArgs,
    #[command(flatten)]
    pub out: OutArgs,
}

/// The arguments of `commitsim backtest`.
// Flattened option groups carry their help on their own fields.
#[allow(missing_docs)]
#[derive(Debug, Clone, Args)]
pub struct BacktestArgs {
    /// Usage history CSV.
    #[arg(long, value_name = "FILE")]
    pub history: PathBuf,
    /// Months held out at the end of each series (default 12).
    #[arg(long, value_name = "M", default_value_t = 12)]
    pub holdout: usize,
    /// Forecast method to test: auto (default) or drift.
    #[arg(long, value_name = "METHOD", value_parser = ["auto", "drift"])]
    pub method: Option<String>,
    #[command(flatten)]
    pub map: HistoryArgs,
    #[command(flatten)]
    pub run: RunArgs,
    #[command(flatten)]
    pub out: OutArgs,
}

/// The arguments of `commitsim profile`.
// Flattened option groups carry their help on their own fields.
#[allow(missing_docs)]
#[derive(Debug, Clone, Args)]
pub struct ProfileArgs {
    /// Request-level CSV (one row per request).
    #[arg(long, value_name = "FILE")]
    pub history: PathBuf,
    /// One output token counts as this many effective tokens.
    #[arg(long, value_name = "W", default_value_t = 1.0)]
    pub output_weight: f64,
    /// Write the per-minute load (minute,tokens) to this CSV, for `load = { profile = "..." }`.
    #[arg(long, short, value_name = "FILE")]
    pub out: Option<PathBuf>,
    /// Format of the summary (mean, p99, peak, peak_to_mean) on standard output.
    #[arg(long, short, value_enum, default_value = "table")]
    pub format: Format,
    #[command(flatten)]
    pub map: HistoryArgs,
}

/// The arguments of `commitsim score`.
// Flattened option groups carry their help on their own fields.
#[allow(missing_docs)]
#[derive(Debug, Clone, Args)]
pub struct ScoreArgs {
    /// Contract-term files (TOML); several are shown side by side.
    #[arg(required = true)]
    pub contracts: Vec<PathBuf>,
    /// Checklist file. Default: the checklist shipped as contracts/checklist.toml, built into the binary so it
    /// works from any folder.
    #[arg(long, value_name = "FILE")]
    pub checklist: Option<PathBuf>,
    #[command(flatten)]
    pub out: OutArgs,
}

/// The arguments of `commitsim brief`.
// Flattened option groups carry their help on their own fields.
#[allow(missing_docs)]
#[derive(Debug, Clone, Args)]
pub struct BriefArgs {
    /// Scenario file (TOML).
    pub scenario: PathBuf,
    /// Contract-term file to score; repeat for each vendor (shown side by side).
    #[arg(long = "contract", value_name = "FILE")]
    pub contracts: Vec<PathBuf>,
    /// Checklist for the scorecards (default: the built-in contracts/checklist.toml).
    #[arg(long, value_name = "FILE")]
    pub checklist: Option<PathBuf>,
    /// Sweep only this commit or provisioned offer (default: every commit and provisioned offer).
    #[arg(long, value_name = "NAME")]
    pub offer: Option<String>,
    /// A confidentiality line printed under the title and on every page, e.g. "Confidential: procurement only".
    #[arg(long, value_name = "TEXT")]
    pub confidential: Option<String>,
    /// html (one self-contained file), markdown (md; charts as SVG files beside it) or xlsx (a workbook).
    #[arg(long, short, value_name = "F", default_value = "html", value_parser = ["markdown", "md", "html", "xlsx"])]
    pub format: String,
    /// Output file, written whole or not at all; Markdown charts go into NAME-charts/ beside it.
    #[arg(long, short, value_name = "FILE")]
    pub out: PathBuf,
    #[command(flatten)]
    pub run: RunArgs,
}

/// The arguments of `commitsim validate`.
// Flattened option groups carry their help on their own fields.
#[allow(missing_docs)]
#[derive(Debug, Clone, Args)]
pub struct ValidateArgs {
    /// Files to check (kind recognised from their content).
    #[arg(required = true)]
    pub files: Vec<PathBuf>,
    /// How to read the CSV files among them (a scenario's `[history]` keeps its own keys).
    #[command(flatten)]
    pub map: HistoryArgs,
    /// `text` (one line per file) or `json` (per file its kind, and for a usage file the rows read and skipped
    /// by reason and, per series, the months and each token class's tokens per month before scaling).
    #[arg(long, value_name = "F", default_value = "text", value_parser = ["text", "json"])]
    pub format: String,
}

/// The arguments of `commitsim init`.
// Flattened option groups carry their help on their own fields.
#[allow(missing_docs)]
#[derive(Debug, Clone, Args)]
pub struct InitArgs {
    /// Folder to create or fill (existing files are not overwritten).
    pub dir: PathBuf,
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    #[test]
    fn cli_definition_is_consistent() {
        Cli::command().debug_assert();
    }
}
