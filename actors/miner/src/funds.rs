//! The miner's funds in `State`: pre-commit deposits, initial pledge, the vesting table and fee
//! debt, with the balances derived from them and the priority order in which debt is repaid:
//! vested funds first, then unvested funds soonest-vesting first, then the unlocked balance.

use std::cmp;

use fil_actors_runtime::{actor_error, ActorError};
use fvm_ipld_blockstore::Blockstore;
use fvm_shared::clock::ChainEpoch;
use fvm_shared::econ::TokenAmount;
use fvm_shared::error::ExitCode;
use num_traits::Zero;

use crate::{State, VestSpec, VestingFund};

/// The exit code when a method would leave the balance below the funds the state accounts for.
pub const ERR_BALANCE_INVARIANTS_BROKEN: ExitCode = ExitCode::new(1000);

impl State {
    /// Adds to (or, negative, subtracts from) the pre-commit deposits; never below zero.
    pub fn add_pre_commit_deposit(&mut self, amount: &TokenAmount) -> Result<(), ActorError> {
        let total = &self.pre_commit_deposits + amount;
        if total.is_negative() {
            return Err(
                actor_error!(illegal_state; "negative pre-commit deposit {} after adding {} to prior {}", total, amount, self.pre_commit_deposits),
            );
        }
        self.pre_commit_deposits = total;
        Ok(())
    }

    /// Adds to (or, negative, subtracts from) the initial pledge; never below zero.
    pub fn add_initial_pledge(&mut self, amount: &TokenAmount) -> Result<(), ActorError> {
        let total = &self.initial_pledge + amount;
        if total.is_negative() {
            return Err(
                actor_error!(illegal_state; "negative initial pledge requirement {} after adding {} to prior {}", total, amount, self.initial_pledge),
            );
        }
        self.initial_pledge = total;
        Ok(())
    }

    /// Adds a penalty to the fee debt.
    pub fn apply_penalty(&mut self, penalty: &TokenAmount) -> Result<(), ActorError> {
        if penalty.is_negative() {
            return Err(
                actor_error!(illegal_state; "applying negative penalty {} not allowed", penalty),
            );
        }
        self.fee_debt += penalty;
        Ok(())
    }

    /// The vesting table's entries, in epoch order.
    pub fn load_vesting_funds<BS: Blockstore>(
        &self,
        store: &BS,
    ) -> Result<Vec<VestingFund>, ActorError> {
        self.vesting_funds.load(store)
    }

    /// Unlocks what has vested, then locks `vesting_sum` on `spec`. Returns the amount unlocked.
    pub fn add_locked_funds<BS: Blockstore>(
        &mut self,
        store: &BS,
        current_epoch: ChainEpoch,
        vesting_sum: &TokenAmount,
        spec: &VestSpec,
    ) -> Result<TokenAmount, ActorError> {
        if vesting_sum.is_negative() {
            return Err(actor_error!(illegal_state; "negative vesting sum {}", vesting_sum));
        }
        let unlocked = self.vesting_funds.add_locked_funds(
            store,
            current_epoch,
            vesting_sum,
            self.proving_period_start,
            spec,
        )?;
        self.locked_funds -= &unlocked;
        if self.locked_funds.is_negative() {
            return Err(
                actor_error!(illegal_state; "negative locked funds {} after unlocking {}", self.locked_funds, unlocked),
            );
        }
        self.locked_funds += vesting_sum;
        Ok(unlocked)
    }

    /// Repays as much fee debt as possible: unlocks vested funds and up to the debt in unvested
    /// funds, then takes the debt from the unlocked balance. Returns the amount to burn and
    /// the total unlocked from the vesting table. Remaining debt stays recorded.
    pub fn repay_partial_debt_in_priority_order<BS: Blockstore>(
        &mut self,
        store: &BS,
        current_epoch: ChainEpoch,
        curr_balance: &TokenAmount,
    ) -> Result<(TokenAmount, TokenAmount), ActorError> {
        let fee_debt = self.fee_debt.clone();
        let (from_vesting, total_unlocked) =
            self.unlock_vested_and_unvested_funds(store, current_epoch, &fee_debt)?;
        if from_vesting > self.fee_debt {
            return Err(
                actor_error!(illegal_state; "unlocked {} unvested to repay a debt of only {}", from_vesting, self.fee_debt),
            );
        }
        // What was unlocked is now part of the unlocked balance.
        let unlocked_balance = self.get_unlocked_balance(curr_balance)?;
        let to_burn = cmp::min(unlocked_balance, self.fee_debt.clone());
        self.fee_debt -= &to_burn;
        Ok((to_burn, total_unlocked))
    }

    /// Repays the whole fee debt from the unlocked balance, or fails with
    /// `USR_INSUFFICIENT_FUNDS`. Returns the amount to burn.
    pub fn repay_debts(&mut self, curr_balance: &TokenAmount) -> Result<TokenAmount, ActorError> {
        let unlocked = self.get_unlocked_balance(curr_balance)?;
        if unlocked < self.fee_debt {
            return Err(
                actor_error!(insufficient_funds; "unlocked balance can not repay fee debt ({} < {})", unlocked, self.fee_debt),
            );
        }
        Ok(std::mem::take(&mut self.fee_debt))
    }

    /// Unlocks everything vested, then up to `target` of unvested funds (soonest first).
    /// Returns the unvested amount unlocked and the total unlocked.
    pub fn unlock_vested_and_unvested_funds<BS: Blockstore>(
        &mut self,
        store: &BS,
        current_epoch: ChainEpoch,
        target: &TokenAmount,
    ) -> Result<(TokenAmount, TokenAmount), ActorError> {
        if target.is_zero() || self.locked_funds.is_zero() {
            return Ok((TokenAmount::zero(), TokenAmount::zero()));
        }
        let (vested, unvested) =
            self.vesting_funds
                .unlock_vested_and_unvested_funds(store, current_epoch, target)?;
        let total = &vested + &unvested;
        self.locked_funds -= &total;
        if self.locked_funds.is_negative() {
            return Err(
                actor_error!(illegal_state; "negative locked funds {} after unlocking {}", self.locked_funds, total),
            );
        }
        Ok((unvested, total))
    }

    /// Unlocks everything vested before `current_epoch`; returns the amount.
    pub fn unlock_vested_funds<BS: Blockstore>(
        &mut self,
        store: &BS,
        current_epoch: ChainEpoch,
    ) -> Result<TokenAmount, ActorError> {
        if self.locked_funds.is_zero() {
            return Ok(TokenAmount::zero());
        }
        let unlocked = self
            .vesting_funds
            .unlock_vested_funds(store, current_epoch)?;
        self.locked_funds -= &unlocked;
        if self.locked_funds.is_negative() {
            return Err(
                actor_error!(illegal_state; "vesting caused locked funds to become negative: {}", self.locked_funds),
            );
        }
        Ok(unlocked)
    }

    /// How much has vested before `current_epoch`, without unlocking it.
    pub fn check_vested_funds<BS: Blockstore>(
        &self,
        store: &BS,
        current_epoch: ChainEpoch,
    ) -> Result<TokenAmount, ActorError> {
        Ok(self
            .vesting_funds
            .load(store)?
            .into_iter()
            .take_while(|f| f.epoch < current_epoch)
            .map(|f| f.amount)
            .sum())
    }

    /// Balance not locked, deposited or pledged (it still covers the fee debt).
    pub fn get_unlocked_balance(
        &self,
        actor_balance: &TokenAmount,
    ) -> Result<TokenAmount, ActorError> {
        let unlocked =
            actor_balance - &self.locked_funds - &self.pre_commit_deposits - &self.initial_pledge;
        if unlocked.is_negative() {
            return Err(actor_error!(illegal_state; "negative unlocked balance {}", unlocked));
        }
        Ok(unlocked)
    }

    /// Balance free to withdraw or commit: the unlocked balance less the fee debt (negative
    /// when in debt).
    pub fn get_available_balance(
        &self,
        actor_balance: &TokenAmount,
    ) -> Result<TokenAmount, ActorError> {
        Ok(self.get_unlocked_balance(actor_balance)? - &self.fee_debt)
    }

    /// Fails with `ERR_BALANCE_INVARIANTS_BROKEN` if a fund total is negative or the balance
    /// does not cover deposits, locked funds and pledge.
    pub fn check_balance_invariants(&self, balance: &TokenAmount) -> Result<(), ActorError> {
        let broken = |msg: String| Err(ActorError::unchecked(ERR_BALANCE_INVARIANTS_BROKEN, msg));
        for (name, value) in [
            ("pre-commit deposit", &self.pre_commit_deposits),
            ("locked funds", &self.locked_funds),
            ("initial pledge", &self.initial_pledge),
            ("fee debt", &self.fee_debt),
        ] {
            if value.is_negative() {
                return broken(format!("{} is negative: {}", name, value));
            }
        }
        let min_balance = &self.pre_commit_deposits + &self.locked_funds + &self.initial_pledge;
        if balance < &min_balance {
            return broken(format!("balance {} below minimum {}", balance, min_balance));
        }
        Ok(())
    }
}
