//! `fil_actor_miner`: the storage miner actor of the network's v18.
//!
//! This stage holds the miner's state model, each structure next to the logic that owns it:
//! the root [`State`] (`state.rs`, funds in `funds.rs`), [`MinerInfo`], sectors and
//! pre-commitments, the vesting table, the 48 [`Deadlines`] with their [`Deadline`]s and
//! [`Partition`]s, the quantized [`ExpirationQueue`] and [`BitFieldQueue`], deadline
//! arithmetic and assignment, the miner's policy and token arithmetic (`monies.rs`), and the
//! invariant checks over a whole miner state (`testing.rs`). Every structure encodes exactly as
//! v18 does. The actor's methods come in a later stage.

mod bitfield_queue;
mod deadline_assignment;
mod deadline_info;
mod deadline_post;
mod deadline_state;
mod deadlines;
mod expiration_queue;
mod funds;
mod miner_info;
mod monies;
mod partition_state;
mod policy;
mod power;
mod precommits;
mod quantize;
mod sector_map;
mod sectors;
mod state;
mod termination;
pub mod testing;
mod types;
mod vesting_state;

pub use bitfield_queue::BitFieldQueue;
pub use deadline_assignment::*;
pub use deadline_info::*;
pub use deadline_post::*;
pub use deadline_state::*;
pub use deadlines::*;
pub use expiration_queue::*;
pub use funds::*;
pub use miner_info::*;
pub use monies::*;
pub use partition_state::*;
pub use policy::*;
pub use power::*;
pub use precommits::*;
pub use quantize::*;
pub use sector_map::*;
pub use sectors::*;
pub use state::*;
pub use termination::*;
pub use types::*;
pub use vesting_state::*;
