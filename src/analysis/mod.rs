//! Turning per-path results into the figures a buyer reads: summaries,
//! risk measures, sweeps and levers.

pub mod backtest;
pub mod forecast;
pub mod levers;
pub mod optimize;
pub mod portfolio;
pub mod profile;
pub mod sensitivity;
pub mod simulate;
pub mod spend;
pub mod stats;
pub mod sweep;
pub mod track;
pub mod walkaway;
