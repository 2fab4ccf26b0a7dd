//! The EVM actor's state bytes against ChainSafe's independent decoding of v18
//! (`fil_actor_evm_state::v18`): every state written here decodes there and re-encodes to the
//! same bytes, field by field.

mod common;

use common::*;
use fil_actor_evm_state::v18 as oracle;
use fil_actors_runtime::test_utils::ExpectedSend;
use fvm_ipld_blockstore::Blockstore;
use fvm_ipld_encoding::{from_slice, to_vec};
use fvm_shared::econ::TokenAmount;
use fvm_shared::error::ExitCode;
use fvm_shared::sys::SendFlags;

fn round_trip(rt: &fil_actors_runtime::test_utils::MockRuntime) {
    let ours = state(rt);
    let bytes = rt.store.get(&rt.state.get()).unwrap().unwrap();
    assert_eq!(to_vec(&ours).unwrap(), bytes);
    let theirs: oracle::State = from_slice(&bytes).unwrap();
    assert_eq!(to_vec(&theirs).unwrap(), bytes);
    assert_eq!(theirs.bytecode, ours.bytecode);
    assert_eq!(theirs.bytecode_hash.as_slice(), ours.bytecode_hash.0);
    assert_eq!(theirs.contract_state, ours.contract_state);
    assert_eq!(theirs.nonce, ours.nonce);
    assert_eq!(
        theirs.tombstone.map(|t| (t.origin, t.nonce)),
        ours.tombstone.map(|t| (t.origin, t.nonce))
    );
    assert_eq!(
        theirs.transient_data.map(|t| (
            t.transient_data_state,
            t.transient_data_lifespan.origin,
            t.transient_data_lifespan.nonce
        )),
        ours.transient_data.map(|t| (
            t.transient_data_state,
            t.transient_data_lifespan.origin,
            t.transient_data_lifespan.nonce
        ))
    );
}

#[test]
fn states_decode_with_the_v18_oracle() {
    // A contract with storage and transient storage.
    let code = Asm::new()
        .push_u64(0x1234)
        .push_u64(1)
        .op(op::SSTORE)
        .push_u64(5)
        .push_u64(2)
        .op(op::TSTORE)
        .op(op::STOP)
        .build();
    let rt = deploy(&code);
    round_trip(&rt);
    invoke(&rt, &[]).unwrap();
    round_trip(&rt);
    check_state(&rt);

    // A contract without code.
    let rt = new_runtime();
    construct(&rt, &[]).unwrap();
    round_trip(&rt);

    // A self-destructed contract, with its tombstone.
    let rt = deploy(&Asm::new().push_u64(0).op(op::SELFDESTRUCT).build());
    rt.expect_send(ExpectedSend {
        to: fil_actor_evm::EthAddress::NULL.to_fil_address(),
        method: 0,
        params: None,
        value: TokenAmount::from_atto(0),
        gas_limit: None,
        flags: SendFlags::default(),
        return_data: None,
        exit_code: ExitCode::OK,
        send_error: None,
    });
    invoke(&rt, &[]).unwrap();
    assert!(state(&rt).tombstone.is_some());
    round_trip(&rt);
}
