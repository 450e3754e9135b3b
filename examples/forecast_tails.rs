//! How heavy the upper tail of a history-fitted forecast is, by history
//! length: the M3 growth series cut to their last `n` months, fitted by the
//! product's own code (`auto`, or `drift` with `--drift`), 20,000 paths each.
//! Prints, per `n` and horizon, the median and 90th percentile over series
//! of p95/p50, p99/p50 and mean/p50 (volumes exponentiated as the engine
//! does, capped at e^700). docs/forecast.md quotes the output.
//!
//! ```sh
//! cargo run --release --example forecast_tails -- ../shared/data/monthly_series/m3_monthly_growth_dev.csv
//! ```

use std::collections::BTreeMap;

use rand::Rng as _;
use rand_distr::StandardNormal;
use rayon::prelude::*;

use commitsim::api::percentiles;
use commitsim::api::stream_rng;
use commitsim::api::ForecastSec;
use commitsim::api::{fit_volume, Method};

const PATHS: usize = 20_000;
const LENGTHS: [usize; 8] = [3, 4, 5, 6, 8, 12, 24, 60];
const HORIZONS: [usize; 2] = [12, 24];

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let file = args.iter().find(|a| !a.starts_with("--")).ok_or("usage: forecast_tails M3.csv [--drift]")?;
    let method = if args.iter().any(|a| a == "--drift") { Method::Drift } else { Method::Auto };
    let mut series: BTreeMap<String, Vec<f64>> = BTreeMap::new();
    let mut rdr = csv::Reader::from_path(file)?;
    for row in rdr.records() {
        let row = row?;
        series.entry(row[0].to_string()).or_default().push(row[3].parse()?);
    }
    let series: Vec<Vec<f64>> = series.into_values().collect();
    println!("{} series, {PATHS} paths, method {method:?}", series.len());
    println!("| n | h | p95/p50 median | p95/p50 90th pct | p99/p50 median | p99/p50 90th pct | mean/p50 median | mean/p50 90th pct |");
    println!("|---|---|---|---|---|---|---|---|");
    for n in LENGTHS {
        let ratios: Vec<[[f64; 3]; 2]> = series
            .par_iter()
            .enumerate()
            .filter(|(_, y)| y.len() >= n)
            .map(|(i, y)| ratios(&y[y.len() - n..], method, i as u64))
            .collect();
        for (k, h) in HORIZONS.iter().enumerate() {
            let col = |j: usize| -> Vec<f64> { ratios.iter().map(|r| r[k][j]).collect() };
            let (a, b, c) = (
                percentiles(&col(0), &[50.0, 90.0]),
                percentiles(&col(1), &[50.0, 90.0]),
                percentiles(&col(2), &[50.0, 90.0]),
            );
            let cells: Vec<String> = [a[0], a[1], b[0], b[1], c[0], c[1]].iter().map(|&x| short(x)).collect();
            println!("| {n} | {h} | {} |", cells.join(" | "));
        }
    }
    Ok(())
}

/// A ratio in three significant figures, in exponent form when large.
fn short(x: f64) -> String {
    if x < 1000.0 {
        format!("{x:.3}")
    } else {
        format!("{x:.1e}")
    }
}

/// Per horizon in [`HORIZONS`]: p95/p50, p99/p50 and mean/p50 of the volume
/// in that month.
fn ratios(y: &[f64], method: Method, index: u64) -> [[f64; 3]; 2] {
    let f = fit_volume(y, method, &ForecastSec::default(), 0).expect("M3 values are positive");
    let h = HORIZONS[1];
    let mut rng = stream_rng(1, index, 0);
    let (mut out, zeros) = (vec![0.0; h], vec![0.0; h]);
    let mut cols = [Vec::with_capacity(PATHS), Vec::with_capacity(PATHS)];
    for _ in 0..PATHS {
        let z: f64 = rng.sample(StandardNormal);
        f.sample(&mut rng, z, &zeros, (0.0, 1.0), &mut out);
        for (c, &hz) in cols.iter_mut().zip(&HORIZONS) {
            c.push(commitsim::api::exp(out[hz - 1]));
        }
    }
    cols.map(|c| {
        let q = percentiles(&c, &[50.0, 95.0, 99.0]);
        let mean = c.iter().sum::<f64>() / c.len() as f64;
        [q[1] / q[0], q[2] / q[0], mean / q[0]]
    })
}
