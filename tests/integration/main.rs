//! Integration tests of the library, one module per class of guarantee (see the README's
//! "Guarantees").

#[path = "../common/mod.rs"]
mod common;

mod bounded_cost;
mod cohort_identity;
mod item_map_renames;
mod round_trips;
mod small_answers;
