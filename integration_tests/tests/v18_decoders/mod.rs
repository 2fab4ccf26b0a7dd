//! ChainSafe's independent decoders of the network's v18 states (dev-dependencies, used only as an
//! oracle): every state a scenario wrote must decode with them and re-encode to the same bytes, so
//! nodes, explorers and libraries written for v18 read this bundle's states. The miner's is
//! checked whole while FIP-0067 has not begun for it (v18's 15 fields, CID for CID; the census
//! begins at its first cron, termination or activation at or after the start epoch) and by its
//! v18 fields after; its deadlines and partitions always. A multisig's pending transactions and a
//! payment channel's lanes are read entry by entry.

mod evm;
mod market;
mod verifreg;

use std::collections::BTreeSet;

use cid::Cid;
use fil_actor_miner::{Deadline, State as MinerState};
use fil_actors_integration_tests::life::WrittenState;
use fil_actors_runtime::builtin::Type;
use fvm_ipld_amt::Amt;
use fvm_ipld_encoding::{from_slice, to_vec};
use serde::de::DeserializeOwned;
use serde::Serialize;
use test_vm::{StoreRef, VM};

/// The block at `cid`.
fn block(vm: &dyn VM, cid: &Cid) -> Vec<u8> {
    vm.store()
        .get(cid)
        .unwrap()
        .unwrap_or_else(|| panic!("block {cid} is missing"))
}

/// `bytes` decode as `T` and re-encode to themselves.
fn round_trips<T: DeserializeOwned + Serialize>(bytes: &[u8], what: &str) {
    let theirs: T =
        from_slice(bytes).unwrap_or_else(|e| panic!("ChainSafe's v18 cannot decode {what}: {e}"));
    assert_eq!(
        to_vec(&theirs).unwrap(),
        bytes,
        "{what} re-encoded by ChainSafe's v18 differs"
    );
}

/// Checks every state of `states`; `kind` names each actor's type. Returns how many states of
/// each kind were checked, and how many miner states were checked whole.
pub fn check_written_states(
    vm: &dyn VM,
    states: &[WrittenState],
    kind: impl Fn(u64) -> Type,
) -> (Vec<(Type, usize)>, usize) {
    let mut counts: Vec<(Type, usize)> = Vec::new();
    let mut whole_miners = 0;
    let mut seen_blocks: BTreeSet<Cid> = BTreeSet::new();
    for written in states {
        let typ = kind(written.actor);
        let bytes = block(vm, &written.head);
        let what = format!("{} state {} at {}", typ.name(), written.head, written.epoch);
        match typ {
            Type::System => round_trips::<fil_actor_system_state::v18::State>(&bytes, &what),
            Type::Init => round_trips::<fil_actor_init_state::v18::State>(&bytes, &what),
            Type::Reward => round_trips::<fil_actor_reward_state::v18::State>(&bytes, &what),
            Type::Cron => round_trips::<fil_actor_cron_state::v18::State>(&bytes, &what),
            Type::Power => round_trips::<fil_actor_power_state::v18::State>(&bytes, &what),
            Type::Account => round_trips::<fil_actor_account_state::v18::State>(&bytes, &what),
            Type::Miner => {
                let ours: MinerState = from_slice(&bytes).unwrap();
                if ours.old_sectors.is_none() {
                    round_trips::<fil_actor_miner_state::v18::State>(&bytes, &what);
                    whole_miners += 1;
                } else {
                    // v18's fields, then the appended one.
                    let v18 = to_vec(&MinerState {
                        old_sectors: None,
                        ..ours.clone()
                    })
                    .unwrap();
                    assert_eq!(bytes[0], 0x90, "{what}: 16 fields");
                    assert_eq!(
                        &bytes[1..v18.len()],
                        &v18[1..],
                        "{what}: v18's fields first"
                    );
                    round_trips::<fil_actor_miner_state::v18::State>(&v18, &what);
                }
                check_deadlines(vm, &ours, &mut seen_blocks);
            }
            Type::Multisig => {
                round_trips::<fil_actor_multisig_state::v18::State>(&bytes, &what);
                check_pending_txns(vm, &from_slice(&bytes).unwrap(), &what);
            }
            Type::PaymentChannel => {
                round_trips::<fil_actor_paych_state::v18::State>(&bytes, &what);
                check_lanes(vm, &from_slice(&bytes).unwrap(), &what);
            }
            Type::VerifiedRegistry => verifreg::check_registry(vm, &bytes, &what),
            Type::DataCap => verifreg::check_datacap(vm, &bytes, &what),
            Type::Market => {
                round_trips::<fil_actor_market_state::v18::State>(&bytes, &what);
                market::check_collections(vm, &from_slice(&bytes).unwrap(), &what);
            }
            Type::EVM => evm::check_state(vm, &bytes, &what),
            other => panic!("no v18 decoder wired for {}", other.name()),
        }
        match counts.iter_mut().find(|(t, _)| *t == typ) {
            Some((_, n)) => *n += 1,
            None => counts.push((typ, 1)),
        }
    }
    (counts, whole_miners)
}

/// The miner's `Deadlines`, each `Deadline` and each `Partition`, through ChainSafe's v18 types;
/// blocks already checked are skipped.
fn check_deadlines(vm: &dyn VM, st: &MinerState, seen: &mut BTreeSet<Cid>) {
    if !seen.insert(st.deadlines) {
        return;
    }
    round_trips::<fil_actor_miner_state::v18::Deadlines>(
        &block(vm, &st.deadlines),
        &format!("deadlines {}", st.deadlines),
    );
    let store = StoreRef(vm.store());
    let deadlines = st.load_deadlines(&store).unwrap();
    for (idx, cid) in deadlines.due.iter().enumerate() {
        if !seen.insert(*cid) {
            continue;
        }
        let bytes = block(vm, cid);
        round_trips::<fil_actor_miner_state::v18::Deadline>(&bytes, &format!("deadline {idx}"));
        let deadline: Deadline = from_slice(&bytes).unwrap();
        if !seen.insert(deadline.partitions) {
            continue;
        }
        let partitions: Amt<fil_actor_miner_state::v18::Partition, _> =
            Amt::load(&deadline.partitions, &store).unwrap();
        deadline
            .for_each(&store, |p, ours| {
                let theirs = partitions.get(p).unwrap().unwrap();
                assert_eq!(
                    to_vec(theirs).unwrap(),
                    to_vec(&ours).unwrap(),
                    "partition {p} of deadline {idx}"
                );
                Ok(())
            })
            .unwrap();
    }
}

/// The multisig's pending transactions, read by ChainSafe's v18 map: the same entries as ours,
/// each encoding to the same bytes.
fn check_pending_txns(vm: &dyn VM, st: &fil_actor_multisig::State, what: &str) {
    use fil_actor_multisig_state::v18 as oracle;
    let store = StoreRef(vm.store());
    let mut ours = Vec::new();
    fil_actor_multisig::PendingTxnMap::load(&store, &st.pending_txs, "pending")
        .unwrap()
        .for_each(|id, txn| {
            ours.push((id.0, to_vec(txn).unwrap()));
            Ok(())
        })
        .unwrap();
    let mut theirs = Vec::new();
    oracle::PendingTxnMap::load(
        &store,
        &st.pending_txs,
        oracle::PENDING_TXN_CONFIG,
        "pending",
    )
    .unwrap_or_else(|e| panic!("ChainSafe's v18 cannot load the transactions of {what}: {e}"))
    .for_each(|id, txn| {
        theirs.push((id.0, to_vec(txn).unwrap()));
        Ok(())
    })
    .unwrap();
    assert_eq!(theirs, ours, "pending transactions of {what}");
}

/// The payment channel's lanes, read by ChainSafe's v18 lane state: the same lanes as ours, each
/// encoding to the same bytes.
fn check_lanes(vm: &dyn VM, st: &fil_actor_paych::State, what: &str) {
    let theirs = lane_entries::<fil_actor_paych_state::v18::LaneState>(vm, &st.lane_states, what);
    let ours = lane_entries::<fil_actor_paych::LaneState>(vm, &st.lane_states, what);
    assert_eq!(theirs, ours, "lanes of {what}");
}

/// Each lane of the AMT at `root` decoded as `T`, re-encoded.
fn lane_entries<T: DeserializeOwned + Serialize>(
    vm: &dyn VM,
    root: &Cid,
    what: &str,
) -> Vec<(u64, Vec<u8>)> {
    let mut out = Vec::new();
    Amt::<T, _>::load(root, StoreRef(vm.store()))
        .unwrap_or_else(|e| panic!("cannot load the lanes of {what}: {e}"))
        .for_each(|i, lane| {
            out.push((i, to_vec(lane).unwrap()));
            Ok(())
        })
        .unwrap_or_else(|e| panic!("cannot decode the lanes of {what}: {e}"));
    out
}
