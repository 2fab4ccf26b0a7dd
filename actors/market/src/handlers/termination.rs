//! `OnMinerSectorsTerminate`: a miner's sectors were terminated early. Their deals leave the
//! provider-sector index; each deal still running ends at once (FIP-0074): the provider is paid
//! up to the termination epoch, the client gets back the rest of its fee and its collateral,
//! the provider's collateral is burnt, and `deal-terminated` is emitted. Deals already past
//! their end are left for their final settlement.

use fil_actors_runtime::runtime::Runtime;
use fil_actors_runtime::{actor_error, ActorError, Type};
use fvm_shared::clock::EPOCH_UNDEFINED;
use fvm_shared::econ::TokenAmount;

use super::{burn, caller_id, deal_cid};
use crate::{emit, Actor, OnMinerSectorsTerminateParams, State};

impl Actor {
    pub fn on_miner_sectors_terminate(
        rt: &impl Runtime,
        params: OnMinerSectorsTerminateParams,
    ) -> Result<(), ActorError> {
        rt.validate_immediate_caller_type(std::iter::once(&Type::Miner))?;
        let miner = rt.message().caller();
        let miner_id = caller_id(&miner)?;

        let slashed = rt.transaction(|st: &mut State, rt| {
            // The sectors leave the index whole; a deal state may outlive its entry (a deal
            // past its end, not yet settled), and carries its sector number anyway.
            let deal_ids = st.pop_sector_deal_ids(rt.store(), miner_id, params.sectors.iter())?;
            let mut total_slashed = TokenAmount::default();
            for id in deal_ids {
                // A deal may have finished and been removed before its sector terminated.
                let Some(proposal) = st.find_proposal(rt.store(), id)? else {
                    continue;
                };
                if proposal.provider != miner {
                    return Err(actor_error!(illegal_state;
                        "caller {} is not the provider {} of deal {}", miner, proposal.provider, id));
                }
                if proposal.end_epoch <= params.epoch {
                    continue; // Past its end: not slashed.
                }
                let mut state = st.find_deal_state(rt.store(), id)?.ok_or_else(|| {
                    actor_error!(illegal_argument; "no state for deal {}", id)
                })?;
                // A deal never paid may still have its proposal pending.
                if state.last_updated_epoch == EPOCH_UNDEFINED {
                    let cid = deal_cid(rt, &proposal)?;
                    st.remove_pending_deal(rt.store(), &cid)?;
                }
                state.slash_epoch = params.epoch;
                total_slashed += st.process_slashed_deal(rt.store(), &proposal, &state)?;
                st.remove_completed_deal(rt.store(), id)?;
                emit::deal_terminated(rt, id, proposal.client_id()?, miner_id)?;
            }
            Ok(total_slashed)
        })?;
        burn(rt, slashed)
    }
}
