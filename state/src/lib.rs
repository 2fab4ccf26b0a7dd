//! `fil_builtin_actors_state`: invariant checks that span the whole state tree, run by tests and
//! by `test_vm` after each step.
//!
//! The genesis singletons are read through their v18 layouts directly: the system actor's state
//! decodes; every entry of the init actor's address map points to its own ID below `next_id`
//! (not necessarily to an existing actor: v18's init never forgets an address, and a collected
//! payment channel is deleted); every cron entry's receiver exists; no balance is negative. Actors with
//! invariants of their own (power, reward, miners, the market, verified registry, datacap) are
//! checked through their crates' `testing` modules, plus what spans actors (`power_reward.rs`,
//! `miner.rs`, `market.rs`, `verifreg.rs`).

use std::collections::{BTreeMap, BTreeSet};

use anyhow::anyhow;
use cid::Cid;
use fil_actors_runtime::builtin::{Type, CRON_ACTOR_ID, INIT_ACTOR_ID, SYSTEM_ACTOR_ID};
use fil_actors_runtime::runtime::Policy;
use fil_actors_runtime::MessageAccumulator;
use fvm::state_tree::{ActorState, StateTree};
use fvm_ipld_blockstore::Blockstore;
use fvm_ipld_encoding::tuple::*;
use fvm_ipld_encoding::CborStore;
use fvm_ipld_hamt::{BytesKey, Hamt};
use fvm_shared::address::Address;
use fvm_shared::clock::ChainEpoch;
use fvm_shared::{ActorID, MethodNum, HAMT_BIT_WIDTH};

mod market;
mod miner;
mod power_reward;
mod verifreg;

/// The system actor's state (v18 layout).
#[derive(Serialize_tuple, Deserialize_tuple, Debug, Clone)]
struct SystemState {
    builtin_actors: Cid,
}

/// The init actor's state (v18 layout).
#[derive(Serialize_tuple, Deserialize_tuple, Debug, Clone)]
struct InitState {
    address_map: Cid,
    next_id: ActorID,
    network_name: String,
}

/// One cron entry (v18 layout).
#[derive(Serialize_tuple, Deserialize_tuple, Debug, Clone)]
struct CronEntry {
    receiver: Address,
    method_num: MethodNum,
}

/// The cron actor's state (v18 layout).
#[derive(Serialize_tuple, Deserialize_tuple, Debug, Clone)]
struct CronState {
    entries: Vec<CronEntry>,
}

/// Every actor of a state tree, by ID.
pub type ActorTable = BTreeMap<ActorID, ActorState>;

/// Reads every actor of the tree at `state_root`.
pub fn load_actors<BS: Blockstore>(store: &BS, state_root: &Cid) -> anyhow::Result<ActorTable> {
    let tree = StateTree::new_from_root(store, state_root)
        .map_err(|e| anyhow!("loading state tree {state_root}: {e}"))?;
    let mut actors = ActorTable::new();
    tree.for_each(|address, actor| {
        let id = address
            .id()
            .map_err(|e| anyhow!("state tree key {address} is not an ID address: {e}"))?;
        actors.insert(id, actor.clone());
        Ok(())
    })?;
    Ok(actors)
}

/// Checks the cross-actor invariants of the tree at `state_root`. `code_types` maps each
/// built-in code CID to its type (from the bundle's manifest); `user_codes` are the codes of user
/// actors a test deployed, allowed beside them. Returns the accumulated violations; an error
/// means the tree itself could not be read.
///
/// `policy` is the network's; `last_tick` is the epoch of the last cron tick (-1 before the
/// first), which the reward actor's state must have caught up with; `epoch` is the current
/// epoch, that of the last message applied.
pub fn check_state_invariants<BS: Blockstore>(
    store: &BS,
    state_root: &Cid,
    code_types: &BTreeMap<Cid, Type>,
    user_codes: &BTreeSet<Cid>,
    policy: &Policy,
    last_tick: ChainEpoch,
    epoch: ChainEpoch,
) -> anyhow::Result<MessageAccumulator> {
    let actors = load_actors(store, state_root)?;
    let acc = MessageAccumulator::default();

    for (id, actor) in &actors {
        // TokenAmount is a signed big integer; a negative balance is a bookkeeping bug.
        acc.require(
            !actor.balance.is_negative(),
            format!("actor {id} has negative balance {}", actor.balance),
        );
        acc.require(
            code_types.contains_key(&actor.code) || user_codes.contains(&actor.code),
            format!("actor {id} has code {} outside the bundle", actor.code),
        );
    }

    check_system(store, &actors, code_types, &acc.with_prefix("system: "));
    check_init(store, &actors, code_types, &acc.with_prefix("init: "));
    check_cron(store, &actors, code_types, &acc.with_prefix("cron: "));
    let power_acc = acc.with_prefix("power: ");
    let power = power_reward::check_power(store, &actors, code_types, policy, &power_acc);
    miner::check_miners(store, &actors, code_types, policy, power.as_ref(), &acc);
    market::check_market(
        store,
        &actors,
        code_types,
        policy,
        last_tick,
        epoch,
        &acc.with_prefix("market: "),
    );
    let reward_acc = acc.with_prefix("reward: ");
    power_reward::check_reward(store, &actors, code_types, last_tick, &reward_acc);
    verifreg::check_verified(store, &actors, code_types, policy, epoch, &acc);
    Ok(acc)
}

/// Decodes an actor's state as `T`, or records why it cannot.
pub(crate) fn decode_state<BS: Blockstore, T: serde::de::DeserializeOwned>(
    store: &BS,
    actor: &ActorState,
    acc: &MessageAccumulator,
) -> Option<T> {
    match store.get_cbor::<T>(&actor.state) {
        Ok(Some(state)) => Some(state),
        Ok(None) => {
            acc.add(format!("state {} not found", actor.state));
            None
        }
        Err(e) => {
            acc.add(format!("state {} does not decode: {e}", actor.state));
            None
        }
    }
}

/// The singleton at `id`, if it exists with the code of `typ` and has been constructed (its
/// state is more than the empty array a constructor-less actor holds).
pub(crate) fn constructed<'a>(
    actors: &'a ActorTable,
    code_types: &BTreeMap<Cid, Type>,
    id: ActorID,
    typ: Type,
    acc: &MessageAccumulator,
) -> Option<&'a ActorState> {
    let actor = actors.get(&id)?;
    let actual = code_types.get(&actor.code);
    if actual != Some(&typ) {
        acc.add(format!("actor {id} has type {actual:?}, expected {typ:?}"));
        return None;
    }
    (actor.state != *fil_actors_runtime::EMPTY_ARR_CID).then_some(actor)
}

fn check_system<BS: Blockstore>(
    store: &BS,
    actors: &ActorTable,
    code_types: &BTreeMap<Cid, Type>,
    acc: &MessageAccumulator,
) {
    let Some(actor) = constructed(actors, code_types, SYSTEM_ACTOR_ID, Type::System, acc) else {
        return;
    };
    match store.get_cbor::<SystemState>(&actor.state) {
        Ok(Some(_)) => {}
        Ok(None) => acc.add(format!("state {} not found", actor.state)),
        Err(e) => acc.add(format!("state {} does not decode: {e}", actor.state)),
    }
}

fn check_init<BS: Blockstore>(
    store: &BS,
    actors: &ActorTable,
    code_types: &BTreeMap<Cid, Type>,
    acc: &MessageAccumulator,
) {
    let Some(actor) = constructed(actors, code_types, INIT_ACTOR_ID, Type::Init, acc) else {
        return;
    };
    let state = match store.get_cbor::<InitState>(&actor.state) {
        Ok(Some(state)) => state,
        Ok(None) => return acc.add(format!("state {} not found", actor.state)),
        Err(e) => return acc.add(format!("state {} does not decode: {e}", actor.state)),
    };
    let map = match Hamt::<_, ActorID, BytesKey>::load_with_bit_width(
        &state.address_map,
        store,
        HAMT_BIT_WIDTH,
    ) {
        Ok(map) => map,
        Err(e) => return acc.add(format!("address map does not load: {e}")),
    };
    // An ID has at most one robust address and at most one delegated (f4) address.
    let mut seen = BTreeSet::new();
    let walked = map.for_each(|key, id| {
        let parsed = Address::from_bytes(key);
        let delegated = parsed
            .as_ref()
            .is_ok_and(|a| a.protocol() == fvm_shared::address::Protocol::Delegated);
        let address = parsed
            .map(|a| a.to_string())
            .unwrap_or_else(|_| format!("{key:?}"));
        acc.require(
            *id < state.next_id,
            format!(
                "address {address} maps to {id}, not below next_id {}",
                state.next_id
            ),
        );
        acc.require(
            seen.insert((*id, delegated)),
            format!("address {address} maps to {id}, which another address maps to"),
        );
        Ok(())
    });
    acc.require_no_error(walked, "walking the address map");
}

fn check_cron<BS: Blockstore>(
    store: &BS,
    actors: &ActorTable,
    code_types: &BTreeMap<Cid, Type>,
    acc: &MessageAccumulator,
) {
    let Some(actor) = constructed(actors, code_types, CRON_ACTOR_ID, Type::Cron, acc) else {
        return;
    };
    let state = match store.get_cbor::<CronState>(&actor.state) {
        Ok(Some(state)) => state,
        Ok(None) => return acc.add(format!("state {} not found", actor.state)),
        Err(e) => return acc.add(format!("state {} does not decode: {e}", actor.state)),
    };
    for entry in &state.entries {
        let exists = entry.receiver.id().is_ok_and(|id| actors.contains_key(&id));
        acc.require(
            exists,
            format!(
                "entry {} method {} has no receiver",
                entry.receiver, entry.method_num
            ),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use fvm_ipld_blockstore::MemoryBlockstore;
    use fvm_shared::econ::TokenAmount;
    use fvm_shared::state::StateTreeVersion;
    use multihash_codetable::Code;

    fn code(n: u8) -> Cid {
        use multihash_codetable::MultihashDigest;
        Cid::new_v1(fvm_ipld_encoding::IPLD_RAW, Code::Blake2b256.digest(&[n]))
    }

    fn codes() -> BTreeMap<Cid, Type> {
        [
            (code(1), Type::System),
            (code(2), Type::Init),
            (code(3), Type::Cron),
            (code(4), Type::Account),
        ]
        .into_iter()
        .collect()
    }

    /// A tree with system, init (mapping `mapped` to their IDs), cron (with `cron_targets`) and
    /// accounts 100 and 101.
    fn tree(bs: &MemoryBlockstore, mapped: &[(Address, ActorID)], cron_targets: &[ActorID]) -> Cid {
        let mut tree = StateTree::new(bs, StateTreeVersion::V5).unwrap();
        let system = bs
            .put_cbor(
                &SystemState {
                    builtin_actors: code(9),
                },
                Code::Blake2b256,
            )
            .unwrap();
        tree.set_actor(
            0,
            ActorState::new(code(1), system, TokenAmount::from_atto(0), 0, None),
        );
        let mut map = Hamt::<_, ActorID, BytesKey>::new_with_bit_width(bs, HAMT_BIT_WIDTH);
        for (addr, id) in mapped {
            map.set(addr.to_bytes().into(), *id).unwrap();
        }
        let init = InitState {
            address_map: map.flush().unwrap(),
            next_id: 102,
            network_name: "t".into(),
        };
        let init = bs.put_cbor(&init, Code::Blake2b256).unwrap();
        tree.set_actor(
            1,
            ActorState::new(code(2), init, TokenAmount::from_atto(0), 0, None),
        );
        let cron = CronState {
            entries: cron_targets
                .iter()
                .map(|id| CronEntry {
                    receiver: Address::new_id(*id),
                    method_num: 5,
                })
                .collect(),
        };
        let cron = bs.put_cbor(&cron, Code::Blake2b256).unwrap();
        tree.set_actor(
            3,
            ActorState::new(code(3), cron, TokenAmount::from_atto(0), 0, None),
        );
        for id in [100, 101] {
            tree.set_actor(id, ActorState::new_empty(code(4), None));
        }
        tree.flush().unwrap()
    }

    #[test]
    fn a_consistent_tree_passes() {
        let bs = MemoryBlockstore::new();
        let a = Address::new_secp256k1(&[4; 65]).unwrap();
        let root = tree(&bs, &[(a, 100)], &[100]);
        check_state_invariants(
            &bs,
            &root,
            &codes(),
            &BTreeSet::new(),
            &Policy::default(),
            -1,
            0,
        )
        .unwrap()
        .assert_empty();
    }

    #[test]
    fn the_address_of_a_deleted_actor_is_no_violation() {
        // A collected payment channel is gone, but init keeps its robust address, as in v18.
        let bs = MemoryBlockstore::new();
        let a = Address::new_secp256k1(&[4; 65]).unwrap();
        let channel = Address::new_actor(b"a collected channel");
        let root = tree(&bs, &[(a, 100), (channel, 99)], &[100]);
        check_state_invariants(
            &bs,
            &root,
            &codes(),
            &BTreeSet::new(),
            &Policy::default(),
            -1,
            0,
        )
        .unwrap()
        .assert_empty();
    }

    #[test]
    fn dangling_init_and_cron_entries_are_reported() {
        let bs = MemoryBlockstore::new();
        let a = Address::new_secp256k1(&[4; 65]).unwrap();
        let b = Address::new_secp256k1(&[5; 65]).unwrap();
        let root = tree(&bs, &[(a, 105), (b, 101)], &[7]);
        let acc = check_state_invariants(
            &bs,
            &root,
            &codes(),
            &BTreeSet::new(),
            &Policy::default(),
            -1,
            0,
        )
        .unwrap();
        acc.assert_expected(&[
            &format!("init: address {a} maps to 105, not below next_id 102"),
            "cron: entry f07 method 5 has no receiver",
        ]);
    }
}
