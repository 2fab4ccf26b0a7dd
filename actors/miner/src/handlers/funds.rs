//! Funds: withdrawals by the owner or the FIP-0029 beneficiary, repaying fee debt, and the
//! reward actor's block rewards (75% locked on the reward vesting schedule) with any penalty
//! they carry.

use std::ops::Neg;

use fil_actors_runtime::runtime::Runtime;
use fil_actors_runtime::{actor_error, extract_send_result, ActorError, REWARD_ACTOR_ADDR};
use fvm_shared::econ::TokenAmount;
use fvm_shared::METHOD_SEND;

use super::{burn_funds, controlling_addresses, notify_pledge_changed};
use crate::emit::{self, FeeApplied, FeeType};
use crate::{
    locked_reward_from_reward, Actor, ApplyRewardParams, State, WithdrawBalanceParams,
    WithdrawBalanceReturn,
};

impl Actor {
    /// Owner or beneficiary. Pays out up to the requested amount of the available balance to
    /// the beneficiary (within its remaining quota unless it is the owner) after repaying all
    /// fee debt; refused while early terminations await their fees.
    pub fn withdraw_balance(
        rt: &impl Runtime,
        params: WithdrawBalanceParams,
    ) -> Result<WithdrawBalanceReturn, ActorError> {
        if params.amount_requested.is_negative() {
            return Err(actor_error!(illegal_argument;
                "negative fund requested for withdrawal: {}", params.amount_requested));
        }
        let (beneficiary, amount_withdrawn, newly_vested, fee_to_burn, state) =
            rt.transaction(|state: &mut State, rt| {
                let mut info = state.get_info(rt.store())?;
                rt.validate_immediate_caller_is(&[info.owner, info.beneficiary])?;
                if !state.early_terminations.is_empty() {
                    return Err(actor_error!(forbidden;
                        "cannot withdraw funds while {} deadlines have terminated sectors with outstanding fees",
                        state.early_terminations.len()));
                }
                let newly_vested = state.unlock_vested_funds(rt.store(), rt.curr_epoch())?;
                // The available balance already nets out the fee debt, so take it before the
                // debt is repaid.
                let available = state.get_available_balance(&rt.current_balance())?;
                let fee_to_burn = state.repay_debts(&rt.current_balance())?;
                let mut amount = std::cmp::min(available, params.amount_requested.clone());
                if amount.is_negative() {
                    return Err(actor_error!(illegal_state; "negative amount to withdraw: {}", amount));
                }
                if info.beneficiary != info.owner {
                    let remaining = info.beneficiary_term.available(rt.curr_epoch());
                    if remaining.is_zero() {
                        return Err(actor_error!(forbidden;
                            "beneficiary expiration of epoch {} passed or quota of {} depleted with {} used",
                            info.beneficiary_term.expiration, info.beneficiary_term.quota,
                            info.beneficiary_term.used_quota));
                    }
                    amount = std::cmp::min(amount, remaining);
                    if amount.is_positive() {
                        info.beneficiary_term.used_quota += &amount;
                        state.save_info(rt.store(), &info)?;
                    }
                }
                Ok((info.beneficiary, amount, newly_vested, fee_to_burn, state.clone()))
            })?;

        if amount_withdrawn.is_positive() {
            extract_send_result(rt.send_simple(
                &beneficiary,
                METHOD_SEND,
                None,
                amount_withdrawn.clone(),
            ))?;
        }
        burn_funds(rt, fee_to_burn)?;
        notify_pledge_changed(rt, &newly_vested.neg())?;
        state.check_balance_invariants(&rt.current_balance())?;
        Ok(WithdrawBalanceReturn { amount_withdrawn })
    }

    /// Owner, worker or control address. Repays as much fee debt as possible: from vested
    /// funds, then unvested funds, then the unlocked balance.
    pub fn repay_debt(rt: &impl Runtime) -> Result<(), ActorError> {
        let (to_burn, total_unlocked, state) = rt.transaction(|state: &mut State, rt| {
            let info = state.get_info(rt.store())?;
            rt.validate_immediate_caller_is(&controlling_addresses(&info))?;
            let (to_burn, total_unlocked) = state.repay_partial_debt_in_priority_order(
                rt.store(),
                rt.curr_epoch(),
                &rt.current_balance(),
            )?;
            Ok((to_burn, total_unlocked, state.clone()))
        })?;
        notify_pledge_changed(rt, &total_unlocked.neg())?;
        burn_funds(rt, to_burn)?;
        state.check_balance_invariants(&rt.current_balance())
    }

    /// Reward actor only. Locks the reward's locked share in the vesting table, adds the
    /// penalty to the fee debt (emitting `fee-applied` `block-penalty`) and repays what the
    /// funds allow; the rest stays as debt.
    pub fn apply_rewards(rt: &impl Runtime, params: ApplyRewardParams) -> Result<(), ActorError> {
        if params.reward.is_negative() {
            return Err(actor_error!(illegal_argument;
                "cannot lock up a negative amount of funds: {}", params.reward));
        }
        if params.penalty.is_negative() {
            return Err(actor_error!(illegal_argument;
                "cannot penalize a negative amount of funds: {}", params.penalty));
        }
        let (pledge_delta, to_burn) = rt.transaction(|state: &mut State, rt| {
            rt.validate_immediate_caller_is(std::iter::once(&REWARD_ACTOR_ADDR))?;
            let (to_lock, spec) = locked_reward_from_reward(params.reward);
            // The reward arrives with this message, so it is already in the balance.
            let unlocked = state.get_unlocked_balance(&rt.current_balance())?;
            if unlocked < to_lock {
                return Err(actor_error!(insufficient_funds;
                    "insufficient funds to lock, available: {}, requested: {}", unlocked, to_lock));
            }
            let newly_vested =
                state.add_locked_funds(rt.store(), rt.curr_epoch(), &to_lock, spec)?;
            state.apply_penalty(&params.penalty)?;
            let (to_burn, total_unlocked) = state.repay_partial_debt_in_priority_order(
                rt.store(),
                rt.curr_epoch(),
                &rt.current_balance(),
            )?;
            let pledge_delta: TokenAmount = to_lock - newly_vested - total_unlocked;
            Ok((pledge_delta, to_burn))
        })?;
        // The penalty the reward actor passes on is accrued to the fee debt above.
        emit::fee_applied(rt, FeeApplied::new(FeeType::BlockPenalty, params.penalty))?;
        notify_pledge_changed(rt, &pledge_delta)?;
        burn_funds(rt, to_burn)?;
        let state: State = rt.state()?;
        state.check_balance_invariants(&rt.current_balance())
    }
}
