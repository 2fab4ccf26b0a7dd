//! The vesting table as v18 stores it: the earliest entry inline in the state root ("head") and
//! the rest as a CBOR list behind a CID ("tail"), so the common case (vest the head, take fees
//! from it) does not touch the store. CBOR null when the table is empty.

use std::iter;

use cid::Cid;
use fil_actors_runtime::{actor_error, ActorError};
use fvm_ipld_blockstore::Blockstore;
use fvm_ipld_encoding::tuple::*;
use fvm_ipld_encoding::CborStore;
use fvm_shared::clock::ChainEpoch;
use fvm_shared::econ::TokenAmount;
use itertools::{EitherOrBoth, Itertools};
use multihash_codetable::Code;
use num_traits::Zero;
use serde::{Deserialize, Serialize};

use crate::{QuantSpec, VestSpec};

/// An amount that vests (becomes unlocked) once the epoch has passed.
#[derive(Default, Debug, PartialEq, Eq, Clone, Serialize_tuple, Deserialize_tuple)]
pub struct VestingFund {
    pub epoch: ChainEpoch,
    pub amount: TokenAmount,
}

/// The non-empty table: the earliest entry and a link to the others (in epoch order).
#[derive(Debug, PartialEq, Eq, Clone, Serialize_tuple, Deserialize_tuple)]
pub struct VestingFundsInner {
    pub head: VestingFund,
    /// CID of a CBOR list of `VestingFund`.
    pub tail: Cid,
}

/// The vesting table; `None` when empty.
#[derive(Debug, PartialEq, Eq, Clone, Default, Serialize, Deserialize)]
#[serde(transparent)]
pub struct VestingFunds(pub Option<VestingFundsInner>);

impl VestingFunds {
    pub fn new() -> Self {
        VestingFunds(None)
    }

    /// Every entry in epoch order. The head may have been drawn down to zero by fees, in which
    /// case it is not listed.
    pub fn load(&self, store: &impl Blockstore) -> Result<Vec<VestingFund>, ActorError> {
        let Some(inner) = &self.0 else {
            return Ok(Vec::new());
        };
        let mut funds: Vec<VestingFund> = store
            .get_cbor(&inner.tail)
            .map_err(|e| actor_error!(illegal_state; "failed to load vesting funds tail {}: {}", inner.tail, e))?
            .ok_or_else(|| actor_error!(illegal_state; "vesting funds tail {} not found", inner.tail))?;
        if inner.head.amount.is_positive() {
            funds.insert(0, inner.head.clone());
        }
        Ok(funds)
    }

    /// Replaces the table with `funds` (in epoch order).
    fn save(
        &mut self,
        store: &impl Blockstore,
        funds: impl IntoIterator<Item = VestingFund>,
    ) -> Result<(), ActorError> {
        let mut funds = funds.into_iter();
        self.0 = match funds.next() {
            None => None,
            Some(head) => {
                let rest: Vec<VestingFund> = funds.collect();
                let tail = store.put_cbor(&rest, Code::Blake2b256).map_err(
                    |e| actor_error!(illegal_state; "failed to store vesting funds: {}", e),
                )?;
                Some(VestingFundsInner { head, tail })
            }
        };
        Ok(())
    }

    /// Unlocks every entry whose epoch is before `current_epoch`; returns the amount.
    pub fn unlock_vested_funds(
        &mut self,
        store: &impl Blockstore,
        current_epoch: ChainEpoch,
    ) -> Result<TokenAmount, ActorError> {
        let head_vested = matches!(&self.0, Some(inner) if inner.head.epoch < current_epoch);
        if !head_vested {
            return Ok(TokenAmount::zero());
        }
        let (vested, unvested): (Vec<_>, Vec<_>) = self
            .load(store)?
            .into_iter()
            .partition(|f| f.epoch < current_epoch);
        self.save(store, unvested)?;
        Ok(vested.into_iter().map(|f| f.amount).sum())
    }

    /// Adds `vesting_sum` on the schedule `spec` (steps quantized to the grid of
    /// `proving_period_start`, vesting the epoch after each grid point), merging it with the
    /// table, then unlocks what has vested by `current_epoch`; returns the amount unlocked.
    pub fn add_locked_funds(
        &mut self,
        store: &impl Blockstore,
        current_epoch: ChainEpoch,
        vesting_sum: &TokenAmount,
        proving_period_start: ChainEpoch,
        spec: &VestSpec,
    ) -> Result<TokenAmount, ActorError> {
        let vest_begin = current_epoch + spec.initial_delay;
        let grid = QuantSpec {
            unit: spec.quantization,
            offset: proving_period_start,
        };
        let mut vested_so_far = TokenAmount::zero();
        let mut epoch = vest_begin;
        let schedule = iter::from_fn(|| {
            if vested_so_far >= *vesting_sum {
                return None;
            }
            epoch += spec.step_duration;
            let vest_epoch = grid.quantize_up(epoch);
            let elapsed = vest_epoch - vest_begin;
            let target = if elapsed < spec.vest_period {
                (vesting_sum * elapsed).div_floor(spec.vest_period)
            } else {
                vesting_sum.clone()
            };
            let amount = &target - &vested_so_far;
            vested_so_far = target;
            Some(VestingFund {
                epoch: vest_epoch,
                amount,
            })
        });
        let merged: Vec<VestingFund> = self
            .load(store)?
            .into_iter()
            .merge_join_by(schedule, |a, b| a.epoch.cmp(&b.epoch))
            .map(|pair| match pair {
                EitherOrBoth::Left(f) | EitherOrBoth::Right(f) => f,
                EitherOrBoth::Both(a, b) => VestingFund {
                    epoch: a.epoch,
                    amount: a.amount + b.amount,
                },
            })
            .collect();
        let (vested, unvested): (Vec<_>, Vec<_>) =
            merged.into_iter().partition(|f| f.epoch < current_epoch);
        self.save(store, unvested)?;
        Ok(vested.into_iter().map(|f| f.amount).sum())
    }

    /// Unlocks everything vested, then up to `target` of the not-yet-vested funds, soonest
    /// first. Returns `(vested, unvested)` amounts unlocked.
    pub fn unlock_vested_and_unvested_funds(
        &mut self,
        store: &impl Blockstore,
        current_epoch: ChainEpoch,
        target: &TokenAmount,
    ) -> Result<(TokenAmount, TokenAmount), ActorError> {
        let Some(inner) = &mut self.0 else {
            return Ok((TokenAmount::zero(), TokenAmount::zero()));
        };
        // Common case: the unvested head covers the target; the tail is untouched (the head
        // may be left at zero).
        if inner.head.epoch >= current_epoch && inner.head.amount >= *target {
            inner.head.amount -= target;
            return Ok((TokenAmount::zero(), target.clone()));
        }

        let mut remaining = target.clone();
        let mut vested = TokenAmount::zero();
        let mut unvested = TokenAmount::zero();
        let mut kept = Vec::new();
        for mut fund in self.load(store)? {
            if fund.epoch < current_epoch {
                vested += fund.amount;
            } else if !kept.is_empty() {
                kept.push(fund);
            } else if fund.amount < remaining {
                remaining -= &fund.amount;
                unvested += fund.amount;
            } else {
                // Take what is still needed and keep the rest (possibly zero).
                unvested += &remaining;
                fund.amount -= &remaining;
                remaining = TokenAmount::zero();
                kept.push(fund);
            }
        }
        self.save(store, kept)?;
        Ok((vested, unvested))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use fvm_ipld_blockstore::MemoryBlockstore;

    fn atto(n: i64) -> TokenAmount {
        TokenAmount::from_atto(n)
    }

    fn fund(epoch: ChainEpoch, amount: i64) -> VestingFund {
        VestingFund {
            epoch,
            amount: atto(amount),
        }
    }

    /// Vests over 10 epochs in steps of 2, on a grid of 2 (offset 0), no delay.
    const SPEC: VestSpec = VestSpec {
        initial_delay: 0,
        vest_period: 10,
        step_duration: 2,
        quantization: 2,
    };

    #[test]
    fn schedule_and_unlock() {
        let store = MemoryBlockstore::new();
        let mut v = VestingFunds::new();
        assert_eq!(fvm_ipld_encoding::to_vec(&v).unwrap(), vec![0xf6]);
        // 100 from epoch 0: 20 at each of 2, 4, 6, 8, 10.
        assert_eq!(
            v.add_locked_funds(&store, 0, &atto(100), 0, &SPEC).unwrap(),
            atto(0)
        );
        assert_eq!(
            v.load(&store).unwrap(),
            vec![
                fund(2, 20),
                fund(4, 20),
                fund(6, 20),
                fund(8, 20),
                fund(10, 20)
            ]
        );
        assert_eq!(v.0.as_ref().unwrap().head, fund(2, 20));
        // Funds vest the epoch after their entry.
        assert_eq!(v.unlock_vested_funds(&store, 2).unwrap(), atto(0));
        assert_eq!(v.unlock_vested_funds(&store, 5).unwrap(), atto(40));
        assert_eq!(
            v.load(&store).unwrap(),
            vec![fund(6, 20), fund(8, 20), fund(10, 20)]
        );
        // Adding at epoch 5 (11 on an odd start): steps at 7->8, 9->10, 11->12, ..., merged;
        // 10 over 10 epochs: elapsed 3, 5, 7, 9, 11 -> 3, 5, 7, 9, 10 -> increments 3,2,2,2,1.
        assert_eq!(
            v.add_locked_funds(&store, 5, &atto(10), 0, &SPEC).unwrap(),
            atto(0)
        );
        assert_eq!(
            v.load(&store).unwrap(),
            vec![
                fund(6, 20),
                fund(8, 23),
                fund(10, 22),
                fund(12, 2),
                fund(14, 2),
                fund(16, 1)
            ]
        );
        // Everything vests eventually, and the table empties to null.
        assert_eq!(v.unlock_vested_funds(&store, 100).unwrap(), atto(70));
        assert_eq!(v, VestingFunds(None));
    }

    #[test]
    fn adding_unlocks_what_already_vested() {
        let store = MemoryBlockstore::new();
        let mut v = VestingFunds::new();
        v.add_locked_funds(&store, 0, &atto(100), 0, &SPEC).unwrap();
        // At epoch 7, entries at 2, 4 and 6 have vested: 60 is returned.
        assert_eq!(
            v.add_locked_funds(&store, 7, &atto(0), 0, &SPEC).unwrap(),
            atto(60)
        );
        assert_eq!(v.load(&store).unwrap(), vec![fund(8, 20), fund(10, 20)]);
    }

    #[test]
    fn unlocking_unvested_funds_for_debt() {
        let store = MemoryBlockstore::new();
        let mut v = VestingFunds::new();
        v.add_locked_funds(&store, 0, &atto(100), 0, &SPEC).unwrap();
        // Fast path: the head (20 at epoch 2) covers 15; the tail is unchanged.
        let tail = v.0.as_ref().unwrap().tail;
        assert_eq!(
            v.unlock_vested_and_unvested_funds(&store, 1, &atto(15))
                .unwrap(),
            (atto(0), atto(15))
        );
        assert_eq!(v.0.as_ref().unwrap().head, fund(2, 5));
        assert_eq!(v.0.as_ref().unwrap().tail, tail);
        // Drawing the head to exactly zero keeps it inline, and it is no longer listed.
        assert_eq!(
            v.unlock_vested_and_unvested_funds(&store, 1, &atto(5))
                .unwrap(),
            (atto(0), atto(5))
        );
        assert_eq!(v.0.as_ref().unwrap().head, fund(2, 0));
        assert_eq!(v.load(&store).unwrap().len(), 4);
        // Slow path at epoch 5: 20 at epoch 4 has vested; 30 unvested is taken from 6 and 8.
        assert_eq!(
            v.unlock_vested_and_unvested_funds(&store, 5, &atto(30))
                .unwrap(),
            (atto(20), atto(30))
        );
        assert_eq!(v.load(&store).unwrap(), vec![fund(8, 10), fund(10, 20)]);
        // Asking for more than there is takes everything unvested.
        assert_eq!(
            v.unlock_vested_and_unvested_funds(&store, 5, &atto(1000))
                .unwrap(),
            (atto(0), atto(30))
        );
        assert_eq!(v, VestingFunds(None));
        assert_eq!(
            v.unlock_vested_and_unvested_funds(&store, 5, &atto(1))
                .unwrap(),
            (atto(0), atto(0))
        );
    }
}
