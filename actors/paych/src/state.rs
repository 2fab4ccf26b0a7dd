//! The payment channel's state: the two parties, what is owed to the payee, the settlement
//! epochs, and the lanes (an AMT of `LaneState` by lane number); and the arithmetic of redeeming
//! a voucher against them. The tuple orders are v18's.

use cid::Cid;
use fil_actors_runtime::{actor_error, ActorError, Array};
use fvm_ipld_blockstore::Blockstore;
use fvm_ipld_encoding::tuple::*;
use fvm_shared::address::Address;
use fvm_shared::clock::ChainEpoch;
use fvm_shared::econ::TokenAmount;

use crate::{SignedVoucher, MAX_LANE};

/// The lanes by number.
pub type LaneStates<BS> = Array<BS, LaneState>;

/// The payment channel's state.
#[derive(Debug, Clone, PartialEq, Eq, Serialize_tuple, Deserialize_tuple)]
pub struct State {
    /// The payer, who funds the channel (an ID address).
    pub from: Address,
    /// The payee (an ID address).
    pub to: Address,
    /// What redeemed vouchers owe the payee, paid by `Collect`.
    pub to_send: TokenAmount,
    /// The epoch from which the channel can be collected; 0 until `Settle`.
    pub settling_at: ChainEpoch,
    /// The earliest epoch settlement may end, raised by vouchers.
    pub min_settle_height: ChainEpoch,
    /// AMT of `LaneState` by lane number.
    pub lane_states: Cid,
}

/// A lane: the total redeemed on it and the nonce of the last voucher redeemed or merged.
#[derive(Debug, Default, Clone, PartialEq, Eq, Serialize_tuple, Deserialize_tuple)]
pub struct LaneState {
    pub redeemed: TokenAmount,
    pub nonce: u64,
}

/// A lane a voucher folds into its own, with the nonce it takes.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq, Serialize_tuple, Deserialize_tuple)]
pub struct Merge {
    pub lane: u64,
    pub nonce: u64,
}

impl State {
    pub fn new(from: Address, to: Address, lane_states: Cid) -> Self {
        State {
            from,
            to,
            to_send: TokenAmount::default(),
            settling_at: 0,
            min_settle_height: 0,
            lane_states,
        }
    }

    /// Redeems a voucher whose signature and conditions were checked. The voucher's lane (new,
    /// or with a lower nonce) is now worth `sv.amount`, and each merged lane (existing, with a
    /// lower nonce) takes its new nonce; what the payee is owed grows by the voucher's amount
    /// less what the lane and the merged lanes had redeemed. The total owed may neither fall
    /// below zero nor exceed `balance`. A voucher's `min_settle_height` can only delay
    /// settlement.
    pub fn redeem<BS: Blockstore>(
        &mut self,
        store: &BS,
        sv: SignedVoucher,
        balance: &TokenAmount,
    ) -> Result<(), ActorError> {
        let mut lanes = LaneStates::load(store, &self.lane_states, "lane states")?;
        let mut lane = match find_lane(&lanes, sv.lane)? {
            Some(existing) if existing.nonce >= sv.nonce => {
                return Err(actor_error!(illegal_argument;
                    "voucher nonce {} is not above lane {}'s nonce {}",
                    sv.nonce, sv.lane, existing.nonce));
            }
            Some(existing) => existing.clone(),
            None => LaneState::default(),
        };

        let mut redeemed_elsewhere = TokenAmount::default();
        for merge in &sv.merges {
            if merge.lane == sv.lane {
                return Err(actor_error!(illegal_argument;
                    "voucher merges lane {} into itself", merge.lane));
            }
            let mut other = find_lane(&lanes, merge.lane)?
                .ok_or_else(|| {
                    actor_error!(illegal_argument;
                        "voucher merges lane {}, which does not exist", merge.lane)
                })?
                .clone();
            if other.nonce >= merge.nonce {
                return Err(actor_error!(illegal_argument;
                    "merge nonce {} is not above lane {}'s nonce {}",
                    merge.nonce, merge.lane, other.nonce));
            }
            redeemed_elsewhere += &other.redeemed;
            other.nonce = merge.nonce;
            lanes.set(merge.lane, other)?;
        }

        let owed = &self.to_send + &sv.amount - &redeemed_elsewhere - &lane.redeemed;
        if owed.is_negative() {
            return Err(actor_error!(illegal_argument;
                "voucher for {} would leave the channel owing {}", sv.amount, owed));
        }
        if &owed > balance {
            return Err(actor_error!(illegal_argument;
                "channel balance {} cannot cover {} owed after the voucher", balance, owed));
        }
        self.to_send = owed;

        if sv.min_settle_height != 0 {
            if self.settling_at != 0 && self.settling_at < sv.min_settle_height {
                self.settling_at = sv.min_settle_height;
            }
            self.min_settle_height = self.min_settle_height.max(sv.min_settle_height);
        }

        lane.nonce = sv.nonce;
        lane.redeemed = sv.amount;
        lanes.set(sv.lane, lane)?;
        self.lane_states = lanes.flush()?;
        Ok(())
    }
}

/// The lane numbered `id`, which must be a lane number the network allows.
fn find_lane<BS: Blockstore>(
    lanes: &LaneStates<BS>,
    id: u64,
) -> Result<Option<&LaneState>, ActorError> {
    if id > MAX_LANE {
        return Err(actor_error!(illegal_argument;
            "lane {} is above the maximum lane {}", id, MAX_LANE));
    }
    lanes.get(id)
}
