//! Command-line tests: one binary, one module per subject.

mod bad_input;
mod exact;
mod fuzz;
mod simulate;
mod util;
