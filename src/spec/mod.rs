//! Input files: scenarios, price catalogs, distributions and offers, read,
//! checked and turned into validated values (SPEC 3).

pub mod catalog;
pub mod dist;
pub mod doc;
mod events;
#[allow(missing_docs)]
pub mod file;
pub mod month;
pub mod offer;
pub mod profile;
pub mod scenario;

pub use catalog::Catalog;
pub use dist::Dist;
pub use month::Month;
pub use offer::{Offer, OfferKind};
pub use scenario::{Overrides, Scenario};
