//! The Monte Carlo engine (SPEC 4.1, 4.2, 4.4): volume and price paths
//! generated chunk by chunk in parallel, every offer billed on the same paths.

pub mod base;
pub mod control;
pub mod engine;
pub mod growth;
pub mod path;
pub mod plan;
pub mod portfolio;
pub mod view;

pub use engine::run;
pub use plan::Plan;
