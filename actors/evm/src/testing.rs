//! Invariant checks over an EVM actor's state, for tests and the test VM: the bytecode block
//! exists and hashes (Keccak-256) to the recorded hash, it is not over the size limit or
//! EIP-3541-forbidden, the nonce is at least 1, and both storage maps load.

use fil_actors_runtime::MessageAccumulator;
use fvm_ipld_blockstore::Blockstore;
use multihash_codetable::{Code, MultihashDigest};

use crate::state::State;
use crate::storage::Slots;
use crate::system::MAX_CODE_SIZE;

pub fn check_state_invariants<BS: Blockstore>(state: &State, store: &BS) -> MessageAccumulator {
    let acc = MessageAccumulator::default();
    match store.get(&state.bytecode) {
        Ok(Some(code)) => {
            let digest = Code::Keccak256.digest(&code);
            acc.require(
                digest.digest() == state.bytecode_hash.0,
                format!(
                    "bytecode hash {:?} does not match the bytecode",
                    state.bytecode_hash
                ),
            );
            acc.require(
                code.len() <= MAX_CODE_SIZE,
                format!("bytecode of {} bytes exceeds {}", code.len(), MAX_CODE_SIZE),
            );
            acc.require(code.first() != Some(&0xef), "bytecode starts with 0xEF");
        }
        other => acc.add(format!(
            "bytecode {} unreadable: {:?}",
            state.bytecode,
            other.err()
        )),
    }
    acc.require(state.nonce >= 1, format!("nonce {} below 1", state.nonce));
    acc.require_no_error(
        Slots::load(&state.contract_state, store).map(|_| ()),
        "contract storage does not load",
    );
    if let Some(t) = &state.transient_data {
        acc.require_no_error(
            Slots::load(&t.transient_data_state, store).map(|_| ()),
            "transient storage does not load",
        );
    }
    acc
}
