//! `BalanceTable`: token amounts by ID address, as the escrow and locked tables keep them (a
//! HAMT of bit width 6, v18's balance-table parameters). An absent entry is a zero balance.
//!
//! The write rules are v18's to the byte, since they shape the state's CIDs: a change that
//! brings a non-zero balance to zero deletes the entry, while a change that leaves an absent
//! entry at zero writes an explicit zero.

use cid::Cid;
use fil_actors_runtime::ActorError;
use fvm_ipld_blockstore::Blockstore;
use fvm_ipld_hamt::{BytesKey, Config, Hamt};
use fvm_shared::address::Address;
use fvm_shared::econ::TokenAmount;
use num_traits::Zero;

/// The HAMT parameters of both balance tables.
pub const BALANCE_TABLE_CONFIG: Config = Config {
    bit_width: 6,
    min_data_depth: 0,
    max_array_width: 3,
};

pub struct BalanceTable<BS: Blockstore> {
    hamt: Hamt<BS, TokenAmount, BytesKey>,
    name: &'static str,
}

impl<BS: Blockstore> BalanceTable<BS> {
    pub fn empty(store: BS, name: &'static str) -> Self {
        BalanceTable {
            hamt: Hamt::new_with_config(store, BALANCE_TABLE_CONFIG),
            name,
        }
    }

    pub fn load(store: BS, root: &Cid, name: &'static str) -> Result<Self, ActorError> {
        let hamt = Hamt::load_with_config(root, store, BALANCE_TABLE_CONFIG).map_err(|e| {
            ActorError::illegal_state(format!("failed to load {} at {}: {}", name, root, e))
        })?;
        Ok(BalanceTable { hamt, name })
    }

    /// Writes pending changes and returns the table's root.
    pub fn flush(&mut self) -> Result<Cid, ActorError> {
        self.hamt.flush().map_err(|e| self.err("flush", e))
    }

    /// The balance of `addr` (zero when absent).
    pub fn get(&self, addr: &Address) -> Result<TokenAmount, ActorError> {
        Ok(self
            .hamt
            .get(&key(addr))
            .map_err(|e| self.err("read", e))?
            .cloned()
            .unwrap_or_default())
    }

    /// Adds `amount` (which may be negative) to the balance of `addr`; the result must not be
    /// negative.
    pub fn add(&mut self, addr: &Address, amount: &TokenAmount) -> Result<(), ActorError> {
        let prev = self.get(addr)?;
        let sum = &prev + amount;
        if sum.is_negative() {
            return Err(ActorError::illegal_argument(format!(
                "negative balance in {} for {} adding {} to {}",
                self.name, addr, amount, prev
            )));
        }
        if sum.is_zero() && !prev.is_zero() {
            self.hamt
                .delete(&key(addr))
                .map_err(|e| self.err("delete", e))?;
        } else {
            self.hamt
                .set(key(addr), sum)
                .map_err(|e| self.err("write", e))?;
        }
        Ok(())
    }

    /// Subtracts as much of `requested` as keeps the balance at or above `floor`; returns what
    /// was subtracted (never negative).
    pub fn subtract_with_minimum(
        &mut self,
        addr: &Address,
        requested: &TokenAmount,
        floor: &TokenAmount,
    ) -> Result<TokenAmount, ActorError> {
        let available = (self.get(addr)? - floor).max(TokenAmount::zero());
        let subtracted = available.min(requested.clone());
        if subtracted.is_positive() {
            self.add(addr, &-&subtracted)?;
        }
        Ok(subtracted)
    }

    /// Subtracts exactly `amount`, failing if the balance is smaller.
    pub fn must_subtract(
        &mut self,
        addr: &Address,
        amount: &TokenAmount,
    ) -> Result<(), ActorError> {
        let prev = self.get(addr)?;
        if amount > &prev {
            return Err(ActorError::illegal_argument(format!(
                "negative balance in {} for {} subtracting {} from {}",
                self.name, addr, amount, prev
            )));
        }
        self.add(addr, &-amount)
    }

    /// Visits every entry (in key-hash order); an error from `f` stops the walk.
    pub fn for_each<F>(&self, mut f: F) -> Result<(), ActorError>
    where
        F: FnMut(Address, &TokenAmount) -> Result<(), ActorError>,
    {
        for entry in self.hamt.iter() {
            let (k, v) = entry.map_err(|e| self.err("iterate", e))?;
            let addr = Address::from_bytes(&k.0).map_err(|e| {
                ActorError::illegal_state(format!("bad address key in {}: {}", self.name, e))
            })?;
            f(addr, v)?;
        }
        Ok(())
    }

    /// The sum of every balance.
    pub fn total(&self) -> Result<TokenAmount, ActorError> {
        let mut total = TokenAmount::zero();
        self.for_each(|_, v| {
            total += v;
            Ok(())
        })?;
        Ok(total)
    }

    fn err(&self, op: &str, e: fvm_ipld_hamt::Error) -> ActorError {
        ActorError::illegal_state(format!("failed to {} {}: {}", op, self.name, e))
    }
}

fn key(addr: &Address) -> BytesKey {
    BytesKey(addr.to_bytes())
}
