//! commitsim: what each enterprise GenAI offer (pay-as-you-go, committed
//! spend, provisioned throughput) is expected to cost, how likely it is to
//! waste commitment, and what each concession is worth, by Monte Carlo
//! simulation of usage and prices, with common random numbers across offers.
//!
//! The binary is a thin shell over [`app::run`]. The layers, each importing
//! only those below it (docs/architecture.md; `scripts/check_layers.py`):
//! `error`, `math`, `units` → `spec` (files and validation) →
//! `ingest`, `forecast`, `pricing` → `scenario` (what the engine
//! runs) → `sim` (paths) → `analysis` (statistics) → `report` (table,
//! JSON, CSV, Markdown) and `brief` (the negotiation brief) → [`app`]
//! (commands; the only writer of files) → `main`. `checklist` scores
//! contract terms beside them.

#![deny(missing_docs)]
// Numeric kernels index several arrays by the same month or grid index; an
// index loop says that more plainly than zipped iterators.
#![allow(clippy::needless_range_loop)]
// `Dist::from_normal(&self, z)` reads as "the draw from a normal z", not a constructor.
#![allow(clippy::wrong_self_convention)]

pub(crate) mod analysis;
pub mod api;
pub mod app;
pub(crate) mod brief;
pub(crate) mod checklist;
pub mod cli;
pub(crate) mod error;
pub(crate) mod forecast;
pub(crate) mod ingest;
pub(crate) mod math;
pub(crate) mod pricing;
pub(crate) mod progress;
pub(crate) mod report;
pub(crate) mod scenario;
pub(crate) mod sim;
pub(crate) mod spec;
pub(crate) mod units;

pub use error::{Error, Result};
