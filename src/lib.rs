//! commitsim: what each enterprise GenAI offer (pay-as-you-go, committed
//! spend, provisioned throughput) is expected to cost, how likely it is to
//! waste commitment, and what each concession is worth, by Monte Carlo
//! simulation of usage and prices, with common random numbers across offers.
//!
//! The binary is a thin shell over [`app::run`]. The layers, from input to
//! output: [`spec`] (files and validation) → [`sim`] (paths) →
//! [`pricing`] (billing a path) → [`analysis`] (statistics) → [`report`]
//! (table, JSON, CSV, Markdown); [`brief`] writes the negotiation brief
//! (HTML or Markdown with SVG charts).

#![deny(missing_docs)]
// Numeric kernels index several arrays by the same month or grid index; an
// index loop says that more plainly than zipped iterators.
#![allow(clippy::needless_range_loop)]

pub mod analysis;
pub mod app;
pub mod brief;
pub mod checklist;
pub mod cli;
pub mod error;
pub mod forecast;
pub mod ingest;
pub mod math;
pub mod pricing;
pub mod progress;
pub mod report;
pub mod scenario;
pub mod sim;
pub mod spec;
pub mod units;

pub use error::{Error, Result};
