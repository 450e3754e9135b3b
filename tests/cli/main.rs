//! Command-line tests: one binary, one module per subject.

mod bad_input;
mod exact;
mod simulate;
mod util;
