//! Consensus faults: `ReportConsensusFault`, by which anyone proves (with two block headers)
//! that this miner broke consensus. The miner pays a penalty of five block rewards, the
//! reporter gets a share of what is burnt, and the miner is ineligible to win blocks (and to
//! pre-commit or recover) for `consensus_fault_ineligibility_duration`.

use fil_actors_runtime::runtime::Runtime;
use fil_actors_runtime::{actor_error, extract_send_result, ActorError};
use fvm_shared::econ::TokenAmount;
use fvm_shared::METHOD_SEND;

use super::{burn_funds, notify_pledge_changed, request_current_epoch_block_reward};
use crate::emit::{self, FeeApplied, FeeType};
use crate::{
    consensus_fault_penalty, reward_for_consensus_slash_report, Actor, ReportConsensusFaultParams,
    State,
};

impl Actor {
    /// Anyone. Verifies the fault, charges the penalty (into debt if funds fall short), pays
    /// the reporter at most what is burnt, and starts the miner's ineligibility. Only the
    /// first report of a fault counts: later ones predate the new ineligibility end.
    pub fn report_consensus_fault(
        rt: &impl Runtime,
        params: ReportConsensusFaultParams,
    ) -> Result<(), ActorError> {
        rt.validate_immediate_caller_accept_any()?;
        let reporter = rt.message().caller();
        let fault = rt
            .verify_consensus_fault(&params.header1, &params.header2, &params.header_extra)
            .map_err(|e| actor_error!(illegal_argument; "fault not verified: {}", e))?
            .ok_or_else(|| actor_error!(illegal_argument; "No consensus fault found"))?;
        let receiver = rt.message().receiver();
        if fault.target != receiver {
            return Err(actor_error!(illegal_argument;
                "fault by {} reported to miner {}", fault.target, receiver));
        }
        // The fault's epoch is the later of the two blocks'.
        if rt.curr_epoch() - fault.epoch <= 0 {
            return Err(actor_error!(illegal_argument;
                "invalid fault epoch {} ahead of current {}", fault.epoch, rt.curr_epoch()));
        }

        let reward_stats = request_current_epoch_block_reward(rt)?;
        // What policy charges and pays; less moves when the miner ends up in debt.
        let this_epoch_reward =
            TokenAmount::from_atto(reward_stats.this_epoch_reward_smoothed.estimate());
        let penalty = consensus_fault_penalty(this_epoch_reward.clone());
        let slasher_reward = reward_for_consensus_slash_report(&this_epoch_reward);

        let (to_burn, to_reward, pledge_delta) = rt.transaction(|state: &mut State, rt| {
            let mut info = state.get_info(rt.store())?;
            if fault.epoch < info.consensus_fault_elapsed {
                return Err(actor_error!(forbidden;
                    "fault epoch {} is too old, last exclusion period ended at {}",
                    fault.epoch, info.consensus_fault_elapsed));
            }
            state.apply_penalty(&penalty)?;
            let (burn, total_unlocked) = state.repay_partial_debt_in_priority_order(
                rt.store(),
                rt.curr_epoch(),
                &rt.current_balance(),
            )?;
            // The reporter is paid only out of what the miner actually pays now.
            let to_reward = std::cmp::min(burn.clone(), slasher_reward);
            info.consensus_fault_elapsed =
                rt.curr_epoch() + rt.policy().consensus_fault_ineligibility_duration;
            state.save_info(rt.store(), &info)?;
            Ok((burn - &to_reward, to_reward, -total_unlocked))
        })?;
        emit::fee_applied(rt, FeeApplied::new(FeeType::ConsensusFault, penalty))?;

        // A reporter that cannot be paid does not undo the report; the reward stays with the
        // miner, as v18 does.
        let _ = extract_send_result(rt.send_simple(&reporter, METHOD_SEND, None, to_reward));
        burn_funds(rt, to_burn)?;
        notify_pledge_changed(rt, &pledge_delta)?;
        let state: State = rt.state()?;
        state.check_balance_invariants(&rt.current_balance())
    }
}
