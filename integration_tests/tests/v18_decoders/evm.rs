//! EVM actor states through ChainSafe's v18 types: the state whole (bytecode, bytecode hash,
//! storage root, transient data, nonce, tombstone), the bytecode block it names, whose
//! Keccak-256 must be the recorded hash, and the contract's storage and transient storage: each
//! KAMT is read with v18's layout and ChainSafe's v18 word type, and the same slots written into a
//! fresh KAMT give the same root (the nodes are the canonical ones for those slots, and every
//! value is encoded as v18 encodes a word).

use std::borrow::Cow;

use cid::Cid;
use fil_actor_evm_state::evm_shared::v18::uints::U256;
use fvm_ipld_blockstore::MemoryBlockstore;
use fvm_ipld_encoding::from_slice;
use fvm_ipld_kamt::{AsHashedKey, Config, HashedKey, Kamt};
use multihash_codetable::{Code, MultihashDigest};
use test_vm::{StoreRef, VM};

use super::{block, round_trips};

/// v18 keys a storage KAMT by the slot's own 32 big-endian bytes.
struct SlotBytes;

impl AsHashedKey<U256, 32> for SlotBytes {
    fn as_hashed_key(key: &U256) -> Cow<'_, HashedKey<32>> {
        Cow::Owned(key.to_big_endian())
    }
}

/// v18's storage layout: bit width 5, values from the root down, one pair per bucket.
fn v18_layout() -> Config {
    Config {
        bit_width: 5,
        min_data_depth: 0,
        max_array_width: 1,
    }
}

/// Reads the storage KAMT at `root` slot by slot and checks that a fresh KAMT of the same slots
/// has the same root.
fn check_storage(vm: &dyn VM, root: &Cid, what: &str) {
    let store = StoreRef(vm.store());
    let ours: Kamt<_, U256, U256, SlotBytes> = Kamt::load_with_config(root, store, v18_layout())
        .unwrap_or_else(|e| panic!("{what}: storage {root} does not load as v18's KAMT: {e}"));
    let mut fresh: Kamt<_, U256, U256, SlotBytes> =
        Kamt::new_with_config(MemoryBlockstore::new(), v18_layout());
    let mut slots = 0;
    ours.for_each(|slot, value| {
        assert!(
            !value.is_zero(),
            "{what}: slot {slot} holds a zero (v18 deletes those)"
        );
        fresh.set(*slot, *value).unwrap();
        slots += 1;
        Ok(())
    })
    .unwrap_or_else(|e| panic!("{what}: storage {root} does not decode with v18's words: {e}"));
    assert_eq!(
        fresh.flush().unwrap(),
        *root,
        "{what}: storage written afresh from its {slots} slots has another root"
    );
}

/// Checks one EVM actor state (`bytes`).
pub fn check_state(vm: &dyn VM, bytes: &[u8], what: &str) {
    round_trips::<fil_actor_evm_state::v18::State>(bytes, what);
    let st: fil_actor_evm_state::v18::State = from_slice(bytes).unwrap();
    let bytecode = block(vm, &st.bytecode);
    assert_eq!(
        Code::Keccak256.digest(&bytecode).digest(),
        st.bytecode_hash.as_slice(),
        "{what}: the bytecode hash is the Keccak-256 of the bytecode block"
    );
    if let Some(transient) = &st.transient_data {
        check_storage(vm, &transient.transient_data_state, what);
    }
    check_storage(vm, &st.contract_state, what);
}
