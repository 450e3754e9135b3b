//! Command-line tests: one binary, one module per subject.

mod bad_input;
mod brief;
mod docs;
mod exact;
mod exports;
mod forecast;
mod fuzz;
mod help;
mod hostile;
mod ingest;
mod ingest_errors;
mod outputs;
mod portfolios;
mod score;
mod sensitivity;
mod simulate;
mod snapshots;
mod sweep;
mod track;
mod util;
mod validate;
mod walkaway;
mod xlsx;
