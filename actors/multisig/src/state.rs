//! The multisig's state: its signers and threshold, the pending transactions (a HAMT by
//! `TxnID`), and the linear vesting of a locked balance. The tuple order is v18's.

use cid::Cid;
use fil_actors_runtime::{actor_error, ActorError, Map};
use fvm_ipld_blockstore::Blockstore;
use fvm_ipld_encoding::tuple::*;
use fvm_shared::address::Address;
use fvm_shared::bigint::{BigInt, Integer};
use fvm_shared::clock::ChainEpoch;
use fvm_shared::econ::TokenAmount;
use num_traits::Zero;

use crate::{Transaction, TxnID};

/// The pending transactions by number.
pub type PendingTxnMap<BS> = Map<BS, TxnID, Transaction>;

/// The multisig's state.
#[derive(Debug, Clone, PartialEq, Eq, Serialize_tuple, Deserialize_tuple)]
pub struct State {
    /// ID addresses, in the order they were added.
    pub signers: Vec<Address>,
    pub num_approvals_threshold: u64,
    /// The number the next proposal gets.
    pub next_tx_id: TxnID,
    /// The amount locked at `start_epoch`, vesting linearly over `unlock_duration` epochs.
    pub initial_balance: TokenAmount,
    pub start_epoch: ChainEpoch,
    /// 0 when nothing was ever locked.
    pub unlock_duration: ChainEpoch,
    /// HAMT of `TxnID` to `Transaction`.
    pub pending_txs: Cid,
}

impl State {
    pub fn is_signer(&self, address: &Address) -> bool {
        self.signers.contains(address)
    }

    /// Locks `amount`, vesting linearly over `unlock_duration` epochs from `start_epoch`.
    pub fn set_locked(
        &mut self,
        start_epoch: ChainEpoch,
        unlock_duration: ChainEpoch,
        amount: TokenAmount,
    ) {
        self.start_epoch = start_epoch;
        self.unlock_duration = unlock_duration;
        self.initial_balance = amount;
    }

    /// What is still locked `elapsed` epochs after the start: all of it before the start, none
    /// from the end of the duration on, and in between the remaining fraction of the initial
    /// balance rounded up (so the last atto unlocks only at the end).
    pub fn amount_locked(&self, elapsed: ChainEpoch) -> TokenAmount {
        if elapsed >= self.unlock_duration {
            return TokenAmount::zero();
        }
        if elapsed <= 0 {
            return self.initial_balance.clone();
        }
        let remaining = BigInt::from(self.unlock_duration - elapsed);
        let scaled = self.initial_balance.atto() * remaining;
        TokenAmount::from_atto(scaled.div_ceil(&BigInt::from(self.unlock_duration)))
    }

    /// Checks that `balance` can pay `amount` at `epoch` without dipping into what is still
    /// locked. A transaction that sends nothing is always allowed, however much is locked.
    pub fn check_available(
        &self,
        balance: &TokenAmount,
        amount: &TokenAmount,
        epoch: ChainEpoch,
    ) -> Result<(), ActorError> {
        if amount.is_negative() {
            return Err(actor_error!(illegal_argument;
                "amount to spend {} is negative", amount));
        }
        if balance < amount {
            return Err(actor_error!(insufficient_funds;
                "current balance {} is less than amount to spend {}", balance, amount));
        }
        if amount.is_zero() {
            return Ok(());
        }
        let remaining = balance - amount;
        let locked = self.amount_locked(epoch - self.start_epoch);
        if remaining < locked {
            return Err(actor_error!(insufficient_funds;
                "balance {} after spending {} would be less than the locked amount {}",
                remaining, amount, locked));
        }
        Ok(())
    }

    /// Removes `signer`'s approval from every pending transaction; a transaction left with no
    /// approval at all is deleted.
    pub fn purge_approvals<BS: Blockstore>(
        &mut self,
        store: &BS,
        signer: &Address,
    ) -> Result<(), ActorError> {
        let mut txns = PendingTxnMap::load(store, &self.pending_txs, "pending transactions")?;
        let mut affected = Vec::new();
        txns.for_each(|id, txn| {
            if txn.approved.contains(signer) {
                affected.push((id, txn.clone()));
            }
            Ok(())
        })?;
        for (id, mut txn) in affected {
            txn.approved.retain(|a| a != signer);
            if txn.approved.is_empty() {
                txns.delete(&id)?;
            } else {
                txns.set(&id, txn)?;
            }
        }
        self.pending_txs = txns.flush()?;
        Ok(())
    }
}
