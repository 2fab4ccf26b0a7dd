//! `fil_actor_paych`: the payment channel actor of the network's v18.
//!
//! A payer (`from`) funds a channel to a payee (`to`) and pays them off-chain with signed
//! vouchers. A voucher says what a lane of the channel is worth; redeeming it on-chain raises what
//! the channel owes the payee. Either party may settle; after the settlement delay, collection
//! pays the payee what is owed, returns the rest to the payer and deletes the channel.
//!
//! | method | number | callers |
//! | --- | --- | --- |
//! | `Constructor` | 1 | the init actor |
//! | `UpdateChannelState` | 2 | either party, with a voucher signed by the other |
//! | `Settle` | 3 | either party |
//! | `Collect` | 4 | either party, once settled |
//!
//! v18 exports none of them (no FRC-42 numbers): user actors cannot call a channel. A voucher
//! presented after settlement is refused with the channel's own exit code 32
//! (`ERR_CHANNEL_STATE_UPDATE_AFTER_SETTLED`).
//!
//! The methods are in `handlers/`, the state and the lane arithmetic in `state.rs`, parameters
//! and limits in `types.rs`, the signer authentication it asks of other actors in `ext.rs`, and
//! invariant checks in `testing.rs`; this file holds the method table only.

use fil_actors_runtime::{actor_dispatch, ActorCode};
use fvm_shared::error::ExitCode;
use fvm_shared::METHOD_CONSTRUCTOR;
use num_derive::FromPrimitive;

pub mod ext;
mod handlers;
mod state;
pub mod testing;
mod types;

pub use state::*;
pub use types::*;

fil_actors_runtime::wasm_trampoline!(Actor);

/// The exit code of a voucher presented once the channel has settled (the first actor-specific
/// code).
pub const ERR_CHANNEL_STATE_UPDATE_AFTER_SETTLED: ExitCode = ExitCode::new(32);

/// The payment channel's methods with v18's numbers.
#[derive(FromPrimitive, Debug, Clone, Copy, PartialEq, Eq)]
#[repr(u64)]
pub enum Method {
    Constructor = METHOD_CONSTRUCTOR,
    UpdateChannelState = 2,
    Settle = 3,
    Collect = 4,
}

/// The payment channel actor.
pub struct Actor;

impl ActorCode for Actor {
    type Methods = Method;

    fn name() -> &'static str {
        "paymentchannel"
    }

    actor_dispatch! {
        Constructor => constructor,
        UpdateChannelState => update_channel_state,
        Settle => settle,
        Collect => collect,
    }
}
