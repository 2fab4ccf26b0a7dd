//! `LockBalance`: locking part of the balance so that it vests linearly over time. A multisig
//! locks at most once in its life (at construction or with this method); the vesting itself is
//! `State::amount_locked`, checked whenever a proposal would spend.

use fil_actors_runtime::runtime::Runtime;
use fil_actors_runtime::{actor_error, ActorError};

use super::validate_caller_is_self;
use crate::{Actor, LockBalanceParams, State};

impl Actor {
    /// Called by the multisig itself. The duration must be positive and the amount not
    /// negative; the amount may exceed the balance (funds that arrive later are locked too).
    pub fn lock_balance(rt: &impl Runtime, params: LockBalanceParams) -> Result<(), ActorError> {
        validate_caller_is_self(rt)?;
        if params.unlock_duration <= 0 {
            return Err(actor_error!(illegal_argument;
                "unlock duration {} must be positive", params.unlock_duration));
        }
        if params.amount.is_negative() {
            return Err(actor_error!(illegal_argument;
                "amount to lock {} is negative", params.amount));
        }
        rt.transaction(|st: &mut State, _| {
            if st.unlock_duration != 0 {
                return Err(actor_error!(forbidden;
                    "the balance is already locked (unlock duration {}); it cannot be changed",
                    st.unlock_duration));
            }
            st.set_locked(params.start_epoch, params.unlock_duration, params.amount);
            Ok(())
        })
    }
}
