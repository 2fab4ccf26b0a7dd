//! EVM actor states through ChainSafe's v18 types: the state whole (bytecode, bytecode hash,
//! storage root, transient data, nonce, tombstone), and the bytecode block it names, whose
//! Keccak-256 must be the recorded hash.

use fvm_ipld_encoding::from_slice;
use multihash_codetable::{Code, MultihashDigest};
use test_vm::VM;

use super::{block, round_trips};

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
}
