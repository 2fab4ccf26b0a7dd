//! The end of a channel: `Settle` starts the settlement delay, and `Collect`, once it is over,
//! pays the payee what redeemed vouchers owe, returns the rest to the payer, and deletes the
//! channel.

use fil_actors_runtime::runtime::Runtime;
use fil_actors_runtime::{actor_error, extract_send_result, ActorError};
use fvm_shared::METHOD_SEND;

use super::validate_caller_is_party;
use crate::{Actor, State, SETTLE_DELAY};

impl Actor {
    /// Either party starts settlement: the channel can be collected `SETTLE_DELAY` epochs from
    /// now, or at the minimum settle height if that is later. Vouchers can still be redeemed
    /// until then.
    pub fn settle(rt: &impl Runtime) -> Result<(), ActorError> {
        validate_caller_is_party(rt)?;
        rt.transaction(|st: &mut State, rt| {
            if st.settling_at != 0 {
                return Err(actor_error!(illegal_state;
                    "channel already settling at epoch {}", st.settling_at));
            }
            st.settling_at = (rt.curr_epoch() + SETTLE_DELAY).max(st.min_settle_height);
            Ok(())
        })
    }

    /// Either party collects once settlement is over: the payee gets what is owed, the payer
    /// the remaining balance, and the channel is deleted.
    pub fn collect(rt: &impl Runtime) -> Result<(), ActorError> {
        let st = validate_caller_is_party(rt)?;
        if st.settling_at == 0 || rt.curr_epoch() < st.settling_at {
            return Err(actor_error!(forbidden;
                "channel is not settled: settling at epoch {}, now {}",
                st.settling_at, rt.curr_epoch()));
        }
        extract_send_result(rt.send_simple(&st.to, METHOD_SEND, None, st.to_send))
            .map_err(|e| e.wrap(format!("failed to pay the payee {}", st.to)))?;
        extract_send_result(rt.send_simple(&st.from, METHOD_SEND, None, rt.current_balance()))
            .map_err(|e| {
                e.wrap(format!(
                    "failed to return the balance to the payer {}",
                    st.from
                ))
            })?;
        rt.delete_actor()
    }
}
