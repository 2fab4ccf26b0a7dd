//! Escrow: the funds each participant keeps in the market, of which deals lock a part. Locking
//! and unlocking move amounts between available and locked within one participant's escrow
//! (and keep the state's three locked totals); a payment moves locked funds from a client to a
//! provider's available funds; a slash removes locked funds from escrow for burning.

use fil_actors_runtime::{actor_error, ActorContext, ActorError};
use fvm_ipld_blockstore::Blockstore;
use fvm_shared::address::Address;
use fvm_shared::econ::TokenAmount;

use crate::balance_table::BalanceTable;
use crate::{DealProposal, State};

/// Which locked total an amount is counted in.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LockReason {
    ClientCollateral,
    ClientStorageFee,
    ProviderCollateral,
}

impl State {
    pub fn load_escrow_table<BS: Blockstore>(
        &self,
        store: BS,
    ) -> Result<BalanceTable<BS>, ActorError> {
        BalanceTable::load(store, &self.escrow_table, "escrow table")
    }

    pub fn load_locked_table<BS: Blockstore>(
        &self,
        store: BS,
    ) -> Result<BalanceTable<BS>, ActorError> {
        BalanceTable::load(store, &self.locked_table, "locked table")
    }

    /// Adds a deposit to the escrow of `addr`.
    pub fn add_balance_to_escrow_table<BS: Blockstore>(
        &mut self,
        store: &BS,
        addr: &Address,
        amount: &TokenAmount,
    ) -> Result<(), ActorError> {
        let mut escrow = self.load_escrow_table(store)?;
        escrow.add(addr, amount)?;
        self.escrow_table = escrow.flush()?;
        Ok(())
    }

    /// Takes up to `amount` of the available (unlocked) escrow of `addr`; returns what was taken.
    pub fn withdraw_balance_from_escrow_table<BS: Blockstore>(
        &mut self,
        store: &BS,
        addr: &Address,
        amount: &TokenAmount,
    ) -> Result<TokenAmount, ActorError> {
        let mut escrow = self.load_escrow_table(store)?;
        let locked = self.load_locked_table(store)?.get(addr)?;
        let taken = escrow.subtract_with_minimum(addr, amount, &locked)?;
        self.escrow_table = escrow.flush()?;
        Ok(taken)
    }

    /// Whether the escrow of `addr` covers what it has locked plus `amount_to_lock`.
    pub fn balance_covered<BS: Blockstore>(
        &self,
        store: &BS,
        addr: &Address,
        amount_to_lock: &TokenAmount,
    ) -> Result<bool, ActorError> {
        let escrow = self.load_escrow_table(store)?.get(addr)?;
        let locked = self.load_locked_table(store)?.get(addr)?;
        Ok(locked + amount_to_lock <= escrow)
    }

    /// Locks what a newly published deal requires of its client and provider.
    pub fn lock_client_and_provider_balances<BS: Blockstore>(
        &mut self,
        store: &BS,
        proposal: &DealProposal,
    ) -> Result<(), ActorError> {
        self.lock_balance(
            store,
            &proposal.client,
            &proposal.client_balance_requirement(),
        )
        .context("locking client funds")?;
        self.lock_balance(store, &proposal.provider, &proposal.provider_collateral)
            .context("locking provider funds")?;
        self.total_client_locked_collateral += &proposal.client_collateral;
        self.total_client_storage_fee += proposal.total_storage_fee();
        self.total_provider_locked_collateral += &proposal.provider_collateral;
        Ok(())
    }

    fn lock_balance<BS: Blockstore>(
        &mut self,
        store: &BS,
        addr: &Address,
        amount: &TokenAmount,
    ) -> Result<(), ActorError> {
        if amount.is_negative() {
            return Err(actor_error!(illegal_state; "cannot lock negative amount {}", amount));
        }
        let escrow = self.load_escrow_table(store)?.get(addr)?;
        let mut locked = self.load_locked_table(store)?;
        let prev_locked = locked.get(addr)?;
        if &prev_locked + amount > escrow {
            return Err(actor_error!(insufficient_funds;
                "not enough balance to lock for {}: escrow balance {} < prev locked {} + amount {}",
                addr, escrow, prev_locked, amount));
        }
        locked.add(addr, amount)?;
        self.locked_table = locked.flush()?;
        Ok(())
    }

    /// Unlocks `amount` of the locked funds of `addr`, counted in `reason`'s total.
    pub(crate) fn unlock_balance<BS: Blockstore>(
        &mut self,
        store: &BS,
        addr: &Address,
        amount: &TokenAmount,
        reason: LockReason,
    ) -> Result<(), ActorError> {
        if amount.is_negative() {
            return Err(actor_error!(illegal_state; "unlock negative amount: {}", amount));
        }
        let mut locked = self.load_locked_table(store)?;
        locked
            .must_subtract(addr, amount)
            .context("unlocking balance")?;
        match reason {
            LockReason::ClientCollateral => self.total_client_locked_collateral -= amount,
            LockReason::ClientStorageFee => self.total_client_storage_fee -= amount,
            LockReason::ProviderCollateral => self.total_provider_locked_collateral -= amount,
        }
        self.locked_table = locked.flush()?;
        Ok(())
    }

    /// Pays `amount` of a client's locked storage fee to a provider's available escrow.
    pub(crate) fn transfer_balance<BS: Blockstore>(
        &mut self,
        store: &BS,
        from: &Address,
        to: &Address,
        amount: &TokenAmount,
    ) -> Result<(), ActorError> {
        if amount.is_negative() {
            return Err(actor_error!(illegal_state; "transfer negative amount: {}", amount));
        }
        let mut escrow = self.load_escrow_table(store)?;
        escrow.must_subtract(from, amount)?;
        self.unlock_balance(store, from, amount, LockReason::ClientStorageFee)
            .context("unlocking client balance")?;
        escrow.add(to, amount)?;
        self.escrow_table = escrow.flush()?;
        Ok(())
    }

    /// Removes `amount` of the locked funds of `addr` from escrow; the caller burns it.
    pub(crate) fn slash_balance<BS: Blockstore>(
        &mut self,
        store: &BS,
        addr: &Address,
        amount: &TokenAmount,
        reason: LockReason,
    ) -> Result<(), ActorError> {
        if amount.is_negative() {
            return Err(actor_error!(illegal_state; "negative amount to slash: {}", amount));
        }
        let mut escrow = self.load_escrow_table(store)?;
        escrow.must_subtract(addr, amount)?;
        self.escrow_table = escrow.flush()?;
        self.unlock_balance(store, addr, amount, reason)
    }
}
