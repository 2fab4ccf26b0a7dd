//! A contract compiled by the pinned solc-js (`contracts/Counter.sol`) on the mock runtime:
//! deployment, a call that writes storage and emits an event, a getter, and a custom-error
//! revert, each asserted from Solidity's ABI rules.

mod common;

use common::*;
use fil_actor_evm::EVM_CONTRACT_REVERTED;
use fil_actors_runtime::test_utils::*;
use fvm_ipld_encoding::{BytesDe, IPLD_RAW};
use fvm_shared::event::{ActorEvent, Entry, Flags};
use multihash_codetable::{Code, MultihashDigest};

const COUNTER_HEX: &str = include_str!("../../../contracts/Counter.hex");

fn keccak(data: &[u8]) -> Vec<u8> {
    Code::Keccak256.digest(data).digest().to_vec()
}

fn selector(signature: &str) -> Vec<u8> {
    keccak(signature.as_bytes())[..4].to_vec()
}

#[test]
fn counter_compiled_by_solc_runs() {
    let rt = new_runtime();
    construct(&rt, &hex::decode(COUNTER_HEX.trim()).unwrap()).unwrap();
    check_state(&rt);

    let mut call = selector("increment(uint256)");
    call.extend(word(5));
    let mut by = vec![0u8; 12];
    by.extend(origin_eth().0);
    rt.expect_emitted_event(ActorEvent {
        entries: vec![
            Entry {
                flags: Flags::FLAG_INDEXED_ALL,
                key: "t1".to_string(),
                codec: IPLD_RAW,
                value: keccak(b"Incremented(address,uint256)"),
            },
            Entry {
                flags: Flags::FLAG_INDEXED_ALL,
                key: "t2".to_string(),
                codec: IPLD_RAW,
                value: by,
            },
            Entry {
                flags: Flags::FLAG_INDEXED_ALL,
                key: "d".to_string(),
                codec: IPLD_RAW,
                value: word(5),
            },
        ],
    });
    assert_eq!(invoke(&rt, &call).unwrap(), word(5));
    assert_eq!(invoke(&rt, &selector("count()")).unwrap(), word(5));
    check_state(&rt);

    // `TooLarge(101)` reverts with the error's selector and argument.
    let mut call = selector("increment(uint256)");
    call.extend(word(101));
    let err = expect_code(invoke(&rt, &call), EVM_CONTRACT_REVERTED);
    let mut expected = selector("TooLarge(uint256)");
    expected.extend(word(101));
    assert_eq!(
        err.data().unwrap().deserialize::<BytesDe>().unwrap().0,
        expected
    );
    assert_eq!(invoke(&rt, &selector("count()")).unwrap(), word(5));

    // An unknown selector reverts with no data.
    let err = expect_code(invoke(&rt, &[1, 2, 3, 4]), EVM_CONTRACT_REVERTED);
    assert_eq!(
        err.data().unwrap().deserialize::<BytesDe>().unwrap().0,
        Vec::<u8>::new()
    );
}
