//! Helpers shared by the actors: HAMT maps (a set is a map to `()`, whose values encode as null
//! as v18's do) and AMT arrays with the network's parameters, batch results, invariant-check
//! accumulation, address resolution, and the Q.128 smoothing math shared by the reward, power and
//! miner actors.

mod array;
mod batch_return;
mod map;
pub mod math;
mod message_accumulator;
mod resolve;
pub mod smoothing;

pub use array::*;
pub use batch_return::*;
pub use map::*;
pub use message_accumulator::*;
pub use resolve::*;
pub use smoothing::FilterEstimate;
