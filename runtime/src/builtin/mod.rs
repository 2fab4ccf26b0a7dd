//! Facts about the built-in actors every actor may need: their types in manifest order and the
//! singleton addresses.

mod singletons;
mod types;

pub use singletons::*;
pub use types::*;
