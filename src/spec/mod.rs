//! Input files: scenarios, price catalogs, distributions and offers, read,
//! checked and turned into validated values (SPEC 3).

pub mod catalog;
pub mod dist;
pub mod doc;
#[allow(missing_docs)]
pub mod file;
pub mod kind;
pub mod month;
pub mod offer;
pub mod offer_check;
pub mod profile;
pub mod sampling;
pub mod values;

pub use catalog::Catalog;
pub use month::Month;
pub use offer::Offer;
