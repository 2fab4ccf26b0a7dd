//! The power and reward actors in the whole-tree check: each actor's own invariants (from its
//! crate's `testing` module), and what spans actors: every power claim belongs to a miner actor,
//! and the reward state has caught up with the last cron tick.

use std::collections::BTreeMap;

use cid::Cid;
use fil_actors_runtime::builtin::{Type, REWARD_ACTOR_ID, STORAGE_POWER_ACTOR_ID};
use fil_actors_runtime::runtime::Policy;
use fil_actors_runtime::MessageAccumulator;
use fvm_ipld_blockstore::Blockstore;
use fvm_shared::clock::ChainEpoch;
use serde::de::DeserializeOwned;

use crate::{constructed, decode_state, ActorTable};

/// Decodes a constructed singleton's state, or records why it cannot.
pub(crate) fn singleton_state<BS: Blockstore, T: DeserializeOwned>(
    store: &BS,
    actors: &ActorTable,
    code_types: &BTreeMap<Cid, Type>,
    (id, typ): (u64, Type),
    acc: &MessageAccumulator,
) -> Option<T> {
    decode_state(store, constructed(actors, code_types, id, typ, acc)?, acc)
}

pub(crate) fn check_power<BS: Blockstore>(
    store: &BS,
    actors: &ActorTable,
    code_types: &BTreeMap<Cid, Type>,
    policy: &Policy,
    acc: &MessageAccumulator,
) -> Option<fil_actor_power::testing::StateSummary> {
    let state = singleton_state::<_, fil_actor_power::State>(
        store,
        actors,
        code_types,
        (STORAGE_POWER_ACTOR_ID, Type::Power),
        acc,
    )?;
    let (summary, own) = fil_actor_power::testing::check_state_invariants(policy, &state, store);
    for msg in own.messages() {
        acc.add(msg);
    }
    for miner in summary.claims.keys() {
        let is_miner = miner
            .id()
            .ok()
            .and_then(|id| actors.get(&id))
            .is_some_and(|actor| code_types.get(&actor.code) == Some(&Type::Miner));
        acc.require(is_miner, format!("claim of {miner}, which is not a miner"));
    }
    Some(summary)
}

pub(crate) fn check_reward<BS: Blockstore>(
    store: &BS,
    actors: &ActorTable,
    code_types: &BTreeMap<Cid, Type>,
    last_tick: ChainEpoch,
    acc: &MessageAccumulator,
) {
    let Some(state) = singleton_state::<_, fil_actor_reward::State>(
        store,
        actors,
        code_types,
        (REWARD_ACTOR_ID, Type::Reward),
        acc,
    ) else {
        return;
    };
    let balance = &actors[&REWARD_ACTOR_ID].balance;
    let (_, own) = fil_actor_reward::testing::check_state_invariants(&state, last_tick, balance);
    for msg in own.messages() {
        acc.add(msg);
    }
}

#[cfg(test)]
mod tests {
    use fil_actors_runtime::builtin::REWARD_ACTOR_ID;
    use fvm::state_tree::{ActorState, StateTree};
    use fvm_ipld_blockstore::MemoryBlockstore;
    use fvm_ipld_encoding::CborStore;
    use fvm_shared::address::Address;
    use fvm_shared::econ::TokenAmount;
    use fvm_shared::sector::{RegisteredPoStProof, StoragePower};
    use fvm_shared::state::StateTreeVersion;
    use multihash_codetable::{Code, MultihashDigest};

    use super::*;
    use crate::load_actors;

    fn code(typ: Type) -> Cid {
        Cid::new_v1(
            fvm_ipld_encoding::IPLD_RAW,
            Code::Blake2b256.digest(typ.name().as_bytes()),
        )
    }

    fn code_types() -> BTreeMap<Cid, Type> {
        [Type::Power, Type::Reward, Type::Miner, Type::Account]
            .into_iter()
            .map(|t| (code(t), t))
            .collect()
    }

    /// A tree with the power actor (claims for `claimants`), the reward actor freshly built at
    /// genesis with `reward_balance`, a miner at 100 and an account at 101.
    fn tree(bs: &MemoryBlockstore, claimants: &[u64], reward_balance: TokenAmount) -> ActorTable {
        let policy = Policy::default();
        let mut power = fil_actor_power::State::new(bs).unwrap();
        let mut claims = power.load_claims(bs).unwrap();
        for id in claimants {
            power
                .add_miner(
                    &policy,
                    &mut claims,
                    &Address::new_id(*id),
                    RegisteredPoStProof::StackedDRGWindow32GiBV1P1,
                )
                .unwrap();
        }
        power.save_claims(&mut claims).unwrap();
        let reward = fil_actor_reward::State::new(&StoragePower::from(0));
        let mut tree = StateTree::new(bs, StateTreeVersion::V5).unwrap();
        let zero = TokenAmount::from_atto(0);
        let power_head = bs.put_cbor(&power, Code::Blake2b256).unwrap();
        tree.set_actor(
            STORAGE_POWER_ACTOR_ID,
            ActorState::new(code(Type::Power), power_head, zero.clone(), 0, None),
        );
        let reward_head = bs.put_cbor(&reward, Code::Blake2b256).unwrap();
        tree.set_actor(
            REWARD_ACTOR_ID,
            ActorState::new(code(Type::Reward), reward_head, reward_balance, 0, None),
        );
        tree.set_actor(100, ActorState::new_empty(code(Type::Miner), None));
        tree.set_actor(101, ActorState::new_empty(code(Type::Account), None));
        let root = tree.flush().unwrap();
        load_actors(bs, &root).unwrap()
    }

    fn allocation() -> TokenAmount {
        TokenAmount::from_whole(1_100_000_000)
    }

    #[test]
    fn genesis_power_and_reward_pass() {
        let bs = MemoryBlockstore::new();
        let actors = tree(&bs, &[100], allocation());
        let acc = MessageAccumulator::default();
        check_power(&bs, &actors, &code_types(), &Policy::default(), &acc);
        check_reward(&bs, &actors, &code_types(), -1, &acc);
        acc.assert_empty();
    }

    #[test]
    fn a_claim_of_a_non_miner_is_reported() {
        let bs = MemoryBlockstore::new();
        let actors = tree(&bs, &[100, 101, 102], allocation());
        let acc = MessageAccumulator::default();
        check_power(&bs, &actors, &code_types(), &Policy::default(), &acc);
        let mut messages = acc.messages();
        messages.sort();
        assert_eq!(
            messages,
            [
                "claim of f0101, which is not a miner",
                "claim of f0102, which is not a miner"
            ]
        );
    }

    #[test]
    fn an_unfunded_or_stale_reward_actor_is_reported() {
        let bs = MemoryBlockstore::new();
        let actors = tree(&bs, &[], TokenAmount::from_whole(1));
        let acc = MessageAccumulator::default();
        // The state was built for epoch 0; a tick at epoch 5 should have moved it to 6.
        check_reward(&bs, &actors, &code_types(), 5, &acc);
        assert_eq!(
            acc.messages(),
            [
                "reward paid 0.0 + balance 1.0 is below the storage mining allocation 1100000000.0",
                "reward state epoch 0 is not the prior epoch 5 + 1",
            ]
        );
    }
}
