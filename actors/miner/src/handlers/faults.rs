//! Faults and recoveries: `DeclareFaults` takes sectors out of power at once (the fault fee is
//! charged later by the deadline cron), `DeclareFaultsRecovered` marks faulty sectors to be
//! proven again at their next Window PoSt, after all fee debt is repaid. Both are refused for a
//! deadline whose fault cutoff has passed (it is being challenged or proven).

use fil_actors_runtime::runtime::{Policy, Runtime};
use fil_actors_runtime::{actor_error, ActorContext, ActorError};
use fvm_shared::clock::ChainEpoch;

use super::{
    burn_funds, consensus_fault_active, controlling_addresses, declarations_to_map,
    request_update_power,
};
use crate::{
    Actor, DeadlineInfo, DeclareFaultsParams, DeclareFaultsRecoveredParams, PowerPair, Sectors,
    State,
};

/// Which kind of declaration a deadline is checked for (it only changes the messages).
#[derive(Clone, Copy)]
enum Declaration {
    Fault,
    Recovery,
}

impl Declaration {
    fn name(self) -> &'static str {
        match self {
            Declaration::Fault => "fault",
            Declaration::Recovery => "recovery",
        }
    }
}

/// The occurrence of deadline `deadline_idx` a declaration applies to: this period's if it has
/// not closed yet, otherwise the next period's. The declaration must arrive before that
/// occurrence's fault cutoff, i.e. before its challenge is drawn. `declarations_to_map` has
/// already rejected deadline indexes past the last.
fn declaration_deadline(
    policy: &Policy,
    state: &State,
    deadline_idx: u64,
    curr_epoch: ChainEpoch,
    kind: Declaration,
) -> Result<DeadlineInfo, ActorError> {
    let period_start = state.current_proving_period_start(policy, curr_epoch);
    let target =
        DeadlineInfo::new(policy, period_start, deadline_idx, curr_epoch).next_not_elapsed();
    if target.fault_cutoff_passed() {
        return Err(actor_error!(illegal_argument;
            "failed {} declaration at deadline {}: late fault or recovery declaration",
            kind.name(), deadline_idx));
    }
    Ok(target)
}

impl Actor {
    /// Owner, worker or control address. Marks the declared sectors faulty (terminated and
    /// already faulty ones are ignored, recovering ones stop recovering) and removes their power
    /// now; they are scheduled to terminate if still faulty after `fault_max_age`.
    pub fn declare_faults(
        rt: &impl Runtime,
        params: DeclareFaultsParams,
    ) -> Result<(), ActorError> {
        let mut to_process = declarations_to_map(
            rt.policy(),
            params
                .faults
                .into_iter()
                .map(|f| (f.deadline, f.partition, f.sectors)),
        )?;
        let power_delta = rt.transaction(|state: &mut State, rt| {
            let info = state.get_info(rt.store())?;
            rt.validate_immediate_caller_is(&controlling_addresses(&info))?;
            let store = rt.store();
            let policy = rt.policy();
            let curr_epoch = rt.curr_epoch();
            let mut deadlines = state.load_deadlines(store)?;
            let sectors = Sectors::load(store, &state.sectors)?;
            let mut power_delta = PowerPair::zero();
            for (deadline_idx, partitions) in to_process.iter() {
                let target = declaration_deadline(
                    policy,
                    state,
                    deadline_idx,
                    curr_epoch,
                    Declaration::Fault,
                )?;
                let mut deadline = deadlines.load_deadline(store, deadline_idx)?;
                let fault_expiration = target.last() + policy.fault_max_age;
                power_delta += &deadline
                    .record_faults(
                        store,
                        &sectors,
                        info.sector_size,
                        target.quant_spec(),
                        fault_expiration,
                        partitions,
                    )
                    .with_context(|| {
                        format!("failed to declare faults for deadline {}", deadline_idx)
                    })?;
                deadlines.update_deadline(policy, store, deadline_idx, &deadline)?;
            }
            state.save_deadlines(store, deadlines)?;
            Ok(power_delta)
        })?;
        // The power goes now rather than at the deadline's end, which would need more state;
        // the fee for the fault is charged by the deadline cron.
        request_update_power(rt, power_delta)
    }

    /// Owner, worker or control address. First repays all fee debt (refused if the unlocked
    /// balance cannot), then marks the declared faulty sectors recovering. Not allowed during a
    /// consensus fault, nor (FIP-0067) while the miner is behind its replacement sealing
    /// schedule. Power returns only when a Window PoSt proves them.
    pub fn declare_faults_recovered(
        rt: &impl Runtime,
        params: DeclareFaultsRecoveredParams,
    ) -> Result<(), ActorError> {
        let mut to_process = declarations_to_map(
            rt.policy(),
            params
                .recoveries
                .into_iter()
                .map(|r| (r.deadline, r.partition, r.sectors)),
        )?;
        let fee_to_burn = rt.transaction(|state: &mut State, rt| {
            // v18 repays the debt before it looks at the caller.
            let fee_to_burn = state.repay_debts(&rt.current_balance())?;
            let info = state.get_info(rt.store())?;
            rt.validate_immediate_caller_is(&controlling_addresses(&info))?;
            if consensus_fault_active(&info, rt.curr_epoch()) {
                return Err(
                    actor_error!(forbidden; "recovery not allowed during active consensus fault"),
                );
            }
            let store = rt.store();
            let policy = rt.policy();
            let curr_epoch = rt.curr_epoch();
            state.check_recoveries_allowed(policy, curr_epoch)?;
            let mut deadlines = state.load_deadlines(store)?;
            let sectors = Sectors::load(store, &state.sectors)?;
            for (deadline_idx, partitions) in to_process.iter() {
                declaration_deadline(
                    policy,
                    state,
                    deadline_idx,
                    curr_epoch,
                    Declaration::Recovery,
                )?;
                let mut deadline = deadlines.load_deadline(store, deadline_idx)?;
                deadline
                    .declare_faults_recovered(store, &sectors, info.sector_size, partitions)
                    .with_context(|| {
                        format!("failed to declare recoveries for deadline {}", deadline_idx)
                    })?;
                deadlines.update_deadline(policy, store, deadline_idx, &deadline)?;
            }
            state.save_deadlines(store, deadlines)?;
            Ok(fee_to_burn)
        })?;
        burn_funds(rt, fee_to_burn)?;
        let state: State = rt.state()?;
        state.check_balance_invariants(&rt.current_balance())
    }
}
