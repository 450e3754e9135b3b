//! `--format xlsx`: a workbook a finance team can use (SPEC 6.8). One sheet
//! per table, numbers as number cells with number formats (currency,
//! percent, tokens), frozen header rows, fitted column widths, a native
//! chart per workbook, and an `Inputs` sheet with every input file and its
//! SHA-256. Every text cell is written as a string cell, never a formula, so
//! a name from an input that starts with `=`, `+`, `-` or `@` stays text.
//! The workbook is built in memory; `app::output` writes it whole.

use rust_xlsxwriter::{Chart, ChartType, Format as XFormat, Workbook, Worksheet, XlsxError};

use super::Report;
use crate::analysis::forecast::Bands;
use crate::analysis::simulate::SimulateReport;
use crate::analysis::sweep::SweepReport;
use crate::checklist::ScoreReport;
use crate::error::{Error, Result};

/// One input file of the run, as the `Inputs` sheet lists it.
#[derive(Debug, Clone, PartialEq)]
pub struct InputRow {
    /// What the file is (scenario, price catalog, usage history, ...).
    pub role: String,
    /// The path as the run saw it.
    pub path: String,
    /// Lower-case hex SHA-256 of its bytes.
    pub sha256: String,
}

/// How a number cell is shown.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    /// Money in the report's currency, two decimals.
    Money,
    /// A share, as a percentage with one decimal.
    Pct,
    /// Token counts, thousands separated.
    Tokens,
    /// A whole number (paths, months, seed).
    Int,
    /// A plain number, up to four decimals.
    Plain,
}

/// One cell of a sheet.
#[derive(Debug, Clone)]
enum XCell {
    Text(String),
    Num(f64, Kind),
}

fn s(x: impl Into<String>) -> XCell {
    XCell::Text(x.into())
}

fn n(x: f64, k: Kind) -> XCell {
    XCell::Num(x, k)
}

/// The cell formats of one workbook.
struct Formats {
    head: XFormat,
    money: XFormat,
    pct: XFormat,
    tokens: XFormat,
    int: XFormat,
    plain: XFormat,
    wrap: XFormat,
}

/// Text longer than this wraps in a column this wide (in characters).
const WRAP: usize = 90;

impl Formats {
    fn new(currency: &str) -> Formats {
        // Excel's own currency format for dollars; any other code is shown after the amount.
        let money = if currency.eq_ignore_ascii_case("usd") || currency.is_empty() {
            "$#,##0.00;-$#,##0.00".to_string()
        } else {
            let code: String = currency.chars().filter(char::is_ascii_alphanumeric).collect();
            format!("#,##0.00 \"{code}\"")
        };
        Formats {
            head: XFormat::new().set_bold(),
            money: XFormat::new().set_num_format(money),
            pct: XFormat::new().set_num_format("0.0%"),
            tokens: XFormat::new().set_num_format("#,##0"),
            int: XFormat::new().set_num_format("0"),
            plain: XFormat::new().set_num_format("#,##0.####"),
            wrap: XFormat::new().set_text_wrap().set_align(rust_xlsxwriter::FormatAlign::Top),
        }
    }

    fn of(&self, k: Kind) -> &XFormat {
        match k {
            Kind::Money => &self.money,
            Kind::Pct => &self.pct,
            Kind::Tokens => &self.tokens,
            Kind::Int => &self.int,
            Kind::Plain => &self.plain,
        }
    }
}

fn err(e: XlsxError) -> Error {
    Error::Render { what: "workbook", message: e.to_string() }
}

/// Adds a sheet named `name` holding `head` and `rows`: header row bold and
/// frozen, columns fitted to their contents (text longer than [`WRAP`]
/// characters wraps in a column that wide). A number that is not finite is
/// written as the text `n/a` (a spreadsheet has no NaN).
fn sheet<'a>(
    wb: &'a mut Workbook,
    f: &Formats,
    name: &str,
    head: &[&str],
    rows: &[Vec<XCell>],
) -> Result<&'a mut Worksheet> {
    let ws = wb.add_worksheet();
    ws.set_name(name).map_err(err)?;
    for (c, h) in head.iter().enumerate() {
        ws.write_string_with_format(0, c as u16, *h, &f.head).map_err(err)?;
    }
    let mut wide: Vec<u16> = Vec::new();
    for (r, row) in rows.iter().enumerate() {
        let r = r as u32 + 1;
        for (c, cell) in row.iter().enumerate() {
            let c = c as u16;
            match cell {
                XCell::Text(t) if t.chars().count() > WRAP => {
                    wide.push(c);
                    ws.write_string_with_format(r, c, t.as_str(), &f.wrap).map_err(err)?
                }
                XCell::Text(t) => ws.write_string(r, c, t.as_str()).map_err(err)?,
                XCell::Num(x, k) if x.is_finite() => ws.write_number_with_format(r, c, *x, f.of(*k)).map_err(err)?,
                XCell::Num(..) => ws.write_string(r, c, "n/a").map_err(err)?,
            };
        }
    }
    ws.set_freeze_panes(1, 0).map_err(err)?;
    ws.autofit();
    for c in wide {
        ws.set_column_width(c, WRAP as f64).map_err(err)?;
    }
    Ok(ws)
}

/// A two-column sheet of named values (`Summary`).
fn pairs(wb: &mut Workbook, f: &Formats, name: &str, rows: Vec<(&str, XCell)>) -> Result<()> {
    let rows: Vec<Vec<XCell>> = rows.into_iter().map(|(k, v)| vec![s(k), v]).collect();
    sheet(wb, f, name, &["Item", "Value"], &rows)?;
    Ok(())
}

fn inputs_sheet(wb: &mut Workbook, f: &Formats, inputs: &[InputRow]) -> Result<()> {
    let rows: Vec<Vec<XCell>> =
        inputs.iter().map(|i| vec![s(i.role.clone()), s(i.path.clone()), s(i.sha256.clone())]).collect();
    sheet(wb, f, "Inputs", &["Role", "File", "SHA-256"], &rows)?;
    Ok(())
}

/// The workbook of `report` with `inputs` on its `Inputs` sheet, as the
/// bytes of an `.xlsx` file. Reports without a workbook layout are a usage
/// error.
pub fn render(report: &Report, inputs: &[InputRow]) -> Result<Vec<u8>> {
    let mut wb = Workbook::new();
    match report {
        Report::Simulate(r) => simulate(&mut wb, r, "Summary")?,
        Report::Sweep(r) => sweep(&mut wb, r, "")?,
        _ => return Err(Error::Usage(UNSUPPORTED.into())),
    }
    let f = Formats::new("usd");
    inputs_sheet(&mut wb, &f, inputs)?;
    wb.save_to_buffer().map_err(err)
}

/// The message for a command without a workbook.
pub const UNSUPPORTED: &str =
    "--format xlsx is available on simulate, sweep and brief; use json, csv, markdown or table for this command";

/// The sheets of `r`: `Offers` (with its chart), `Commitment`,
/// `Provisioned`, and the run's summary as `summary`.
fn simulate(wb: &mut Workbook, r: &SimulateReport, summary: &str) -> Result<()> {
    use Kind::*;
    let f = Formats::new(&r.currency);
    let head = [
        "Offer",
        "Kind",
        "Expected cost",
        "Std error",
        "Cost p5",
        "Cost p50",
        "Cost p95",
        "CVaR95",
        "Expected savings",
        "Savings std error",
        "Savings p5",
        "Savings p50",
        "Savings p95",
        "P(costs more than baseline)",
        "Effective savings rate",
    ];
    let rows: Vec<Vec<XCell>> = r
        .offers
        .iter()
        .chain(&r.portfolios)
        .map(|o| {
            vec![
                s(o.name.clone()),
                s(o.kind.clone()),
                n(o.cost.mean, Money),
                n(o.cost.std_error, Money),
                n(o.cost.p5, Money),
                n(o.cost.p50, Money),
                n(o.cost.p95, Money),
                n(o.cost.cvar95, Money),
                n(o.savings.mean, Money),
                n(o.savings.std_error, Money),
                n(o.savings.p5, Money),
                n(o.savings.p50, Money),
                n(o.savings.p95, Money),
                n(o.savings.prob_negative, Pct),
                n(o.effective_savings_rate.unwrap_or(f64::NAN), Pct),
            ]
        })
        .collect();
    let count = rows.len() as u32;
    let ws = sheet(wb, &f, "Offers", &head, &rows)?;
    // Expected cost per offer with its p5 and p95, as clustered columns.
    let mut chart = Chart::new(ChartType::Column);
    chart.title().set_name("Cost over the horizon per offer");
    for (col, name) in [(4u16, "p5"), (2, "Expected cost"), (6, "p95")] {
        chart
            .add_series()
            .set_name(name)
            .set_categories(("Offers", 1, 0, count, 0))
            .set_values(("Offers", 1, col, count, col));
    }
    chart
        .y_axis()
        .set_name(chart_text(&format!("Cost ({})", r.currency)).as_str())
        .set_num_format(money_axis(&r.currency));
    ws.insert_chart(count + 3, 0, &chart).map_err(err)?;

    let commits: Vec<Vec<XCell>> = r
        .offers
        .iter()
        .chain(&r.portfolios)
        .filter_map(|o| o.commitment.as_ref().map(|c| (o, c)))
        .map(|(o, c)| {
            vec![
                s(o.name.clone()),
                n(c.committed, Plain),
                n(c.unused_mean, Plain),
                n(c.unused_p95, Plain),
                n(c.prob_unused, Pct),
                n(c.prob_overcommit, Pct),
                n(c.utilization_mean, Pct),
                n(c.utilization_p5, Pct),
                n(c.overage_mean, Money),
            ]
        })
        .collect();
    if !commits.is_empty() {
        let head = [
            "Offer",
            "Committed",
            "Unused mean",
            "Unused p95",
            "P(some unused)",
            "P(over-commit)",
            "Utilisation mean",
            "Utilisation p5",
            "Overage mean",
        ];
        sheet(wb, &f, "Commitment", &head, &commits)?;
    }
    let prov: Vec<Vec<XCell>> = r
        .offers
        .iter()
        .chain(&r.portfolios)
        .filter_map(|o| o.provisioned.as_ref().map(|p| (o, p)))
        .map(|(o, p)| {
            vec![
                s(o.name.clone()),
                n(p.utilization_mean, Pct),
                n(p.utilization_p5, Pct),
                n(p.spillover_share_mean, Pct),
                n(p.unserved_tokens_mean, Tokens),
                p.break_even_utilization.map_or_else(|| s("–"), |u| n(u, Pct)),
                p.prob_overcommit.map_or_else(|| s("–"), |u| n(u, Pct)),
            ]
        })
        .collect();
    if !prov.is_empty() {
        let head = [
            "Offer",
            "Utilisation mean",
            "Utilisation p5",
            "Spillover share mean",
            "Unserved tokens mean",
            "Break-even utilisation",
            "P(over-commit)",
        ];
        sheet(wb, &f, "Provisioned", &head, &prov)?;
    }
    let v = &r.volume.total_tokens;
    pairs(
        wb,
        &f,
        summary,
        vec![
            ("Scenario", s(r.scenario.name.clone())),
            ("First month", s(r.scenario.start.clone())),
            ("Months", n(r.scenario.horizon_months as f64, Int)),
            ("Paths", n(r.scenario.paths as f64, Int)),
            ("Seed", n(r.scenario.seed as f64, Int)),
            ("Baseline", s(r.baseline.clone())),
            ("Currency", s(r.currency.clone())),
            ("Total tokens, mean", n(v.mean, Tokens)),
            ("Total tokens, p5", n(v.p5, Tokens)),
            ("Total tokens, p50", n(v.p50, Tokens)),
            ("Total tokens, p95", n(v.p95, Tokens)),
            ("commitsim version", s(r.version.clone())),
        ],
    )
}

/// Text for a chart title or axis name: a name there that starts with `=`
/// would be read as a cell reference, so such text gets a leading space.
fn chart_text(t: &str) -> String {
    if t.starts_with('=') {
        format!(" {t}")
    } else {
        t.to_string()
    }
}

/// The number format of a money axis (no decimals).
fn money_axis(currency: &str) -> String {
    if currency.eq_ignore_ascii_case("usd") || currency.is_empty() {
        "$#,##0".into()
    } else {
        "#,##0".into()
    }
}

/// The sheets of `r`, each name prefixed by `prefix`: `Levels` (with its
/// chart), `Levers`, `Summary` and `Notes`.
fn sweep(wb: &mut Workbook, r: &SweepReport, prefix: &str) -> Result<()> {
    use Kind::*;
    let f = Formats::new(&r.currency);
    let level_kind = level_kind(&r.level_unit);
    let level_head = format!("Level ({} per period)", r.level_unit);
    let head = [
        level_head.as_str(),
        "Expected cost",
        "Std error",
        "Cost p95",
        "Expected savings",
        "Savings std error",
        "Unused mean",
        "P(over-commit)",
        "P(costs more than baseline)",
    ];
    let rows: Vec<Vec<XCell>> = r
        .levels
        .iter()
        .map(|l| {
            vec![
                n(l.level, level_kind),
                n(l.cost_mean, Money),
                n(l.cost_std_error, Money),
                n(l.cost_p95, Money),
                n(l.savings_mean, Money),
                n(l.savings_std_error, Money),
                n(l.unused_mean, Plain),
                n(l.prob_overcommit, Pct),
                n(l.prob_negative, Pct),
            ]
        })
        .collect();
    let count = rows.len() as u32;
    let levels = format!("{prefix}Levels");
    let ws = sheet(wb, &f, &levels, &head, &rows)?;
    let mut chart = Chart::new(ChartType::ScatterStraightWithMarkers);
    chart.title().set_name(chart_text(&format!("Expected cost by commitment level: {}", r.offer)).as_str());
    chart.add_series().set_name("Expected cost").set_categories((levels.as_str(), 1, 0, count, 0)).set_values((
        levels.as_str(),
        1,
        1,
        count,
        1,
    ));
    chart.add_series().set_name("Cost p95").set_categories((levels.as_str(), 1, 0, count, 0)).set_values((
        levels.as_str(),
        1,
        3,
        count,
        3,
    ));
    chart.x_axis().set_name(chart_text(&level_head).as_str());
    chart
        .y_axis()
        .set_name(chart_text(&format!("Cost ({})", r.currency)).as_str())
        .set_num_format(money_axis(&r.currency));
    ws.insert_chart(count + 3, 0, &chart).map_err(err)?;

    let levers: Vec<Vec<XCell>> = r
        .levers
        .iter()
        .map(|l| {
            vec![s(l.id.clone()), s(l.label.clone()), n(l.cost_mean_change, Money), n(l.prob_overcommit_change, Pct)]
        })
        .collect();
    sheet(
        wb,
        &f,
        &format!("{prefix}Levers"),
        &["Lever", "Ask", "Change in expected cost", "Change in P(over-commit)"],
        &levers,
    )?;

    let opt = |x: Option<f64>, k: Kind| x.map_or_else(|| s("none"), |v| n(v, k));
    let mut summary = vec![
        ("Scenario", s(r.scenario.name.clone())),
        ("Offer", s(r.offer.clone())),
        ("Parameter", s(r.parameter.clone())),
        ("Level unit", s(r.level_unit.clone())),
        ("Baseline", s(r.baseline.clone())),
        ("Risk limit (P over-commit)", n(r.risk_limit, Pct)),
        ("Recommended level", opt(r.recommended, level_kind)),
        ("Expected cost at the recommended level", opt(r.min_expected_cost, Money)),
        ("Lowest-cost level", n(r.optimum.level, level_kind)),
        ("Its expected cost", n(r.optimum.cost_mean, Money)),
        ("Break-even utilisation", n(r.break_even.utilization, Pct)),
        ("Break-even consumption per period", opt(r.break_even.consumption_per_period, level_kind)),
        ("Levers valued at level", n(r.levers_at, level_kind)),
        ("Paths", n(r.scenario.paths as f64, Int)),
        ("Seed", n(r.scenario.seed as f64, Int)),
        ("commitsim version", s(r.version.clone())),
    ];
    if let Some(nv) = &r.newsvendor {
        summary.push(("Newsvendor level", n(nv.level, level_kind)));
    }
    pairs(wb, &f, &format!("{prefix}Summary"), summary)?;
    if !r.warnings.is_empty() {
        let rows: Vec<Vec<XCell>> = r.warnings.iter().map(|w| vec![s(w.clone())]).collect();
        sheet(wb, &f, &format!("{prefix}Notes"), &["Note"], &rows)?;
    }
    Ok(())
}

/// A value of the brief's `Recommendation` sheet.
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    /// Text.
    Text(String),
    /// Money in the brief's currency.
    Money(f64),
    /// A probability or share.
    Pct(f64),
    /// A commitment level in its unit (`usd`, `tokens` or `units`).
    Level(f64, String),
}

/// One row of the brief's tornado.
#[derive(Debug, Clone, PartialEq)]
pub struct Driver {
    /// The input in words.
    pub label: String,
    /// Its scenario key path.
    pub input: String,
    /// Expected cost in the input's lowest decile.
    pub cost_low: f64,
    /// Expected cost in its highest decile.
    pub cost_high: f64,
    /// First-order share of the variance of cost.
    pub variance_share: f64,
}

/// What the brief's workbook holds (the brief's own types live above this
/// layer, so the brief passes its parts).
pub struct BriefBook<'a> {
    /// Currency of money figures.
    pub currency: &'a str,
    /// The recommendation, as named values; its paragraph first.
    pub recommendation: Vec<(String, Value)>,
    /// The offers, as `simulate` reports them.
    pub simulate: &'a SimulateReport,
    /// The commitment sweep, when there is one.
    pub sweep: Option<&'a SweepReport>,
    /// The tornado's offer and rows, when something is uncertain.
    pub drivers: Option<(String, Vec<Driver>)>,
    /// Forecast months and the bands of total monthly tokens.
    pub forecast: (&'a [String], &'a Bands),
    /// The contract scorecards, when contracts were given.
    pub score: Option<&'a ScoreReport>,
}

/// The brief as a workbook: `Recommendation`, the offers' sheets, the
/// sweep's (prefixed `Sweep `), `Drivers` with a tornado bar chart,
/// `Forecast` with a line chart, `Scorecards` and `Asks` when contracts were
/// scored, then `Run` (the run's summary) and `Inputs`.
pub fn render_brief(b: &BriefBook, inputs: &[InputRow]) -> Result<Vec<u8>> {
    use Kind::*;
    let mut wb = Workbook::new();
    let f = Formats::new(b.currency);
    let rows: Vec<(&str, XCell)> = b
        .recommendation
        .iter()
        .map(|(k, v)| {
            let cell = match v {
                Value::Text(t) => s(t.clone()),
                Value::Money(x) => n(*x, Money),
                Value::Pct(x) => n(*x, Pct),
                Value::Level(x, unit) => n(*x, level_kind(unit)),
            };
            (k.as_str(), cell)
        })
        .collect();
    pairs(&mut wb, &f, "Recommendation", rows)?;
    simulate(&mut wb, b.simulate, "Run")?;
    if let Some(r) = b.sweep {
        sweep(&mut wb, r, "Sweep ")?;
    }
    if let Some((offer, rows)) = &b.drivers {
        drivers(&mut wb, &f, offer, rows, b.currency)?;
    }
    forecast(&mut wb, &f, b.forecast.0, b.forecast.1)?;
    if let Some(score) = b.score {
        scorecards(&mut wb, &f, score)?;
    }
    inputs_sheet(&mut wb, &f, inputs)?;
    wb.save_to_buffer().map_err(err)
}

fn level_kind(unit: &str) -> Kind {
    match unit {
        "usd" => Kind::Money,
        "tokens" => Kind::Tokens,
        _ => Kind::Plain,
    }
}

/// `Drivers`: per input the cost in its lowest and highest decile, with a
/// native bar chart of both (the tornado).
fn drivers(wb: &mut Workbook, f: &Formats, offer: &str, rows: &[Driver], currency: &str) -> Result<()> {
    use Kind::*;
    let cells: Vec<Vec<XCell>> = rows
        .iter()
        .map(|d| {
            vec![
                s(d.label.clone()),
                n(d.cost_low, Money),
                n(d.cost_high, Money),
                n((d.cost_high - d.cost_low).abs(), Money),
                n(d.variance_share, Pct),
                s(d.input.clone()),
            ]
        })
        .collect();
    let head = [
        "Assumption",
        "Cost when lowest tenth",
        "Cost when highest tenth",
        "Difference",
        "Share of the variance",
        "Scenario key",
    ];
    let count = cells.len() as u32;
    let ws = sheet(wb, f, "Drivers", &head, &cells)?;
    let mut chart = Chart::new(ChartType::Bar);
    chart.title().set_name(chart_text(&format!("What drives the cost of {offer}")).as_str());
    for (col, name) in [(1u16, "Assumption in its lowest tenth"), (2, "Assumption in its highest tenth")] {
        chart
            .add_series()
            .set_name(name)
            .set_categories(("Drivers", 1, 0, count, 0))
            .set_values(("Drivers", 1, col, count, col));
    }
    // Largest difference at the top, as a tornado reads.
    chart.y_axis().set_reverse();
    chart
        .x_axis()
        .set_name(chart_text(&format!("Expected cost ({currency})")).as_str())
        .set_num_format(money_axis(currency));
    ws.insert_chart(count + 3, 0, &chart).map_err(err)?;
    Ok(())
}

/// `Forecast`: total monthly tokens by month, with a line chart of the bands.
fn forecast(wb: &mut Workbook, f: &Formats, months: &[String], t: &Bands) -> Result<()> {
    use Kind::*;
    let cells: Vec<Vec<XCell>> = months
        .iter()
        .enumerate()
        .map(|(i, m)| {
            let mut row = vec![s(m.clone())];
            row.extend(t.month(i).iter().map(|&v| n(v, Tokens)));
            row
        })
        .collect();
    let head = ["Month", "p5", "p10", "Median", "p90", "p95", "Mean"];
    let count = cells.len() as u32;
    let ws = sheet(wb, f, "Forecast", &head, &cells)?;
    let mut chart = Chart::new(ChartType::Line);
    chart.title().set_name("Usage forecast: total tokens per month");
    for (col, name) in [(1u16, "p5"), (3, "Median"), (5, "p95")] {
        chart
            .add_series()
            .set_name(name)
            .set_categories(("Forecast", 1, 0, count, 0))
            .set_values(("Forecast", 1, col, count, col));
    }
    chart.y_axis().set_name("Tokens per month").set_num_format("#,##0");
    ws.insert_chart(count + 3, 0, &chart).map_err(err)?;
    Ok(())
}

/// `Scorecards` (one row per contract) and `Asks` (every ranked ask).
fn scorecards(wb: &mut Workbook, f: &Formats, r: &ScoreReport) -> Result<()> {
    use Kind::*;
    let cats: Vec<String> = r
        .contracts
        .first()
        .map(|c| c.categories.0.iter().map(|(k, _)| k.as_str().to_string()).collect())
        .unwrap_or_default();
    let mut head: Vec<String> = vec!["Vendor".into(), "Product".into(), "Score (0-100)".into(), "Blocked".into()];
    head.extend(cats.iter().map(|c| format!("{c} (0-100)")));
    head.push("Contract file".into());
    let rows: Vec<Vec<XCell>> = r
        .contracts
        .iter()
        .map(|c| {
            let mut row = vec![
                s(c.vendor.clone()),
                s(c.product.clone().unwrap_or_default()),
                n(c.score, Plain),
                s(if c.blocked { format!("yes: {}", c.blocked_by.join(", ")) } else { "no".into() }),
            ];
            row.extend(c.categories.0.iter().map(|(_, v)| n(*v, Plain)));
            row.push(s(c.file.clone()));
            row
        })
        .collect();
    let head: Vec<&str> = head.iter().map(String::as_str).collect();
    sheet(wb, f, "Scorecards", &head, &rows)?;
    let asks: Vec<Vec<XCell>> = r
        .contracts
        .iter()
        .flat_map(|c| {
            c.asks.iter().map(move |a| {
                vec![
                    s(c.vendor.clone()),
                    n(a.rank as f64, Int),
                    s(a.id.clone()),
                    s(a.status.as_str()),
                    s(if a.must_have { "yes" } else { "no" }),
                    n(f64::from(a.weight), Int),
                    s(a.ask.clone()),
                ]
            })
        })
        .collect();
    sheet(wb, f, "Asks", &["Vendor", "Rank", "Item", "Status", "Must-have", "Weight", "Ask"], &asks)?;
    Ok(())
}
