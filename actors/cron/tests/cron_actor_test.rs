//! Unit tests of the cron actor on the mock runtime: construction, the epoch tick and its
//! tolerance of failing entries, caller rules, dispatch errors, and exact state bytes.

use fil_actor_cron::{Actor, ConstructorParams, Entry, Method, State};
use fil_actors_runtime::test_utils::{builtin_code_cid, user_code_cid, ExpectedSend, MockRuntime};
use fil_actors_runtime::{
    Type, CRON_ACTOR_ADDR, EMPTY_ARR_CID, STORAGE_MARKET_ACTOR_ADDR, STORAGE_POWER_ACTOR_ADDR,
    SYSTEM_ACTOR_ADDR,
};
use fvm_ipld_blockstore::Blockstore;
use fvm_ipld_encoding::ipld_block::IpldBlock;
use fvm_shared::address::Address;
use fvm_shared::econ::TokenAmount;
use fvm_shared::error::{ErrorNumber, ExitCode};
use fvm_shared::sys::SendFlags;
use fvm_shared::MethodNum;

/// The power actor's `OnEpochTickEnd` and the market actor's `CronTick`, the two entries the
/// network's genesis installs.
const POWER_ON_EPOCH_TICK_END: MethodNum = 5;
const MARKET_CRON_TICK: MethodNum = 9;

fn genesis_entries() -> Vec<Entry> {
    vec![
        Entry {
            receiver: STORAGE_POWER_ACTOR_ADDR,
            method_num: POWER_ON_EPOCH_TICK_END,
        },
        Entry {
            receiver: STORAGE_MARKET_ACTOR_ADDR,
            method_num: MARKET_CRON_TICK,
        },
    ]
}

fn new_runtime() -> MockRuntime {
    let rt = MockRuntime::new(CRON_ACTOR_ADDR);
    rt.set_caller(builtin_code_cid(Type::System), SYSTEM_ACTOR_ADDR);
    rt
}

fn construct(rt: &MockRuntime, entries: Vec<Entry>) {
    rt.expect_validate_caller_addr(vec![SYSTEM_ACTOR_ADDR]);
    let params = IpldBlock::serialize_cbor(&ConstructorParams { entries }).unwrap();
    let ret = rt
        .call::<Actor>(Method::Constructor as MethodNum, params)
        .unwrap();
    assert_eq!(ret, None);
    rt.verify();
}

fn expect_entry_send(rt: &MockRuntime, entry: &Entry, exit_code: ExitCode) {
    rt.expect_send_simple(
        entry.receiver,
        entry.method_num,
        None,
        TokenAmount::default(),
        None,
        exit_code,
    );
}

fn tick(rt: &MockRuntime) {
    rt.expect_validate_caller_addr(vec![SYSTEM_ACTOR_ADDR]);
    let ret = rt
        .call::<Actor>(Method::EpochTick as MethodNum, None)
        .unwrap();
    assert_eq!(ret, None);
    rt.verify();
}

#[test]
fn method_numbers() {
    assert_eq!(Method::Constructor as MethodNum, 1);
    assert_eq!(Method::EpochTick as MethodNum, 2);
}

#[test]
fn constructor_with_no_entries() {
    let rt = new_runtime();
    construct(&rt, vec![]);
    let state: State = rt.get_state();
    assert_eq!(state.entries, vec![]);
    // [[]]
    assert_eq!(
        rt.store.get(&rt.state.get()).unwrap(),
        Some(vec![0x81, 0x80])
    );
}

#[test]
fn constructor_records_entries_in_order() {
    let rt = new_runtime();
    construct(&rt, genesis_entries());
    let state: State = rt.get_state();
    assert_eq!(state.entries.len(), 2);
    assert_eq!(state.entries[0].receiver, STORAGE_POWER_ACTOR_ADDR);
    assert_eq!(state.entries[0].method_num, 5);
    assert_eq!(state.entries[1].receiver, STORAGE_MARKET_ACTOR_ADDR);
    assert_eq!(state.entries[1].method_num, 9);
}

#[test]
fn state_bytes_are_exact() {
    let rt = new_runtime();
    construct(&rt, genesis_entries());
    // [[[h'0004', 5], [h'0005', 9]]]: ID addresses are protocol byte 0 then the varint ID.
    let expected = vec![
        0x81, 0x82, 0x82, 0x42, 0x00, 0x04, 0x05, 0x82, 0x42, 0x00, 0x05, 0x09,
    ];
    assert_eq!(
        rt.store.get(&rt.state.get()).unwrap(),
        Some(expected.clone())
    );

    // A non-ID receiver and a large (exported) method number.
    let state = State {
        entries: vec![Entry {
            receiver: Address::new_id(1000),
            method_num: 1 << 24,
        }],
    };
    let bytes = fvm_ipld_encoding::to_vec(&state).unwrap();
    // [[[h'00e807', 16777216]]]
    assert_eq!(
        bytes,
        vec![0x81, 0x81, 0x82, 0x43, 0x00, 0xe8, 0x07, 0x1a, 0x01, 0x00, 0x00, 0x00]
    );
    assert_eq!(
        fvm_ipld_encoding::from_slice::<State>(&bytes).unwrap(),
        state
    );
    // The constructor parameters have the same shape as the state.
    let params = ConstructorParams {
        entries: genesis_entries(),
    };
    assert_eq!(fvm_ipld_encoding::to_vec(&params).unwrap(), expected);
}

#[test]
fn constructor_refuses_any_caller_but_the_system() {
    let rt = new_runtime();
    rt.set_caller(builtin_code_cid(Type::Power), STORAGE_POWER_ACTOR_ADDR);
    rt.expect_validate_caller_addr(vec![SYSTEM_ACTOR_ADDR]);
    let params = IpldBlock::serialize_cbor(&ConstructorParams {
        entries: genesis_entries(),
    })
    .unwrap();
    let err = rt
        .call::<Actor>(Method::Constructor as MethodNum, params)
        .unwrap_err();
    assert_eq!(err.exit_code(), ExitCode::USR_FORBIDDEN);
    assert_eq!(rt.state.get(), *EMPTY_ARR_CID);
    rt.verify();
}

#[test]
fn constructor_requires_well_formed_parameters() {
    let rt = new_runtime();
    let err = rt
        .call::<Actor>(Method::Constructor as MethodNum, None)
        .unwrap_err();
    assert_eq!(err.exit_code(), ExitCode::USR_ILLEGAL_ARGUMENT);
    // An entry whose receiver is not an address.
    let bad = IpldBlock::serialize_cbor(&((vec![(5u64, 5u64)],),)).unwrap();
    let err = rt
        .call::<Actor>(Method::Constructor as MethodNum, bad)
        .unwrap_err();
    assert_eq!(err.exit_code(), ExitCode::USR_SERIALIZATION);
    assert_eq!(rt.state.get(), *EMPTY_ARR_CID);
    rt.verify();
}

#[test]
fn epoch_tick_calls_every_entry_in_order() {
    let rt = new_runtime();
    construct(&rt, genesis_entries());
    let before = rt.state.get();
    for entry in genesis_entries() {
        expect_entry_send(&rt, &entry, ExitCode::OK);
    }
    tick(&rt);
    assert_eq!(rt.state.get(), before);

    // And again next epoch.
    rt.set_epoch(1);
    for entry in genesis_entries() {
        expect_entry_send(&rt, &entry, ExitCode::OK);
    }
    tick(&rt);
    assert_eq!(rt.state.get(), before);
}

#[test]
fn epoch_tick_with_no_entries_sends_nothing() {
    let rt = new_runtime();
    construct(&rt, vec![]);
    tick(&rt);
}

#[test]
fn epoch_tick_continues_past_failing_entries() {
    let rt = new_runtime();
    let entries = vec![
        Entry {
            receiver: STORAGE_POWER_ACTOR_ADDR,
            method_num: POWER_ON_EPOCH_TICK_END,
        },
        Entry {
            receiver: Address::new_id(1234),
            method_num: 2,
        },
        Entry {
            receiver: Address::new_id(1235),
            method_num: 3,
        },
        Entry {
            receiver: STORAGE_MARKET_ACTOR_ADDR,
            method_num: MARKET_CRON_TICK,
        },
    ];
    construct(&rt, entries.clone());
    let before = rt.state.get();

    // The first aborts, the second and third never reach a receiver, the last succeeds.
    expect_entry_send(&rt, &entries[0], ExitCode::USR_ILLEGAL_STATE);
    for (entry, err) in [
        (&entries[1], ErrorNumber::NotFound),
        (&entries[2], ErrorNumber::LimitExceeded),
    ] {
        rt.expect_send(ExpectedSend {
            to: entry.receiver,
            method: entry.method_num,
            params: None,
            value: TokenAmount::default(),
            gas_limit: None,
            flags: SendFlags::default(),
            return_data: None,
            exit_code: ExitCode::OK,
            send_error: Some(err),
        });
    }
    expect_entry_send(&rt, &entries[3], ExitCode::OK);
    tick(&rt);
    assert_eq!(rt.state.get(), before);
    assert_eq!(rt.get_state::<State>().entries, entries);
}

#[test]
fn epoch_tick_refuses_any_caller_but_the_system() {
    let rt = new_runtime();
    construct(&rt, genesis_entries());
    for (t, addr) in [
        (Type::Account, Address::new_id(1000)),
        (Type::Power, STORAGE_POWER_ACTOR_ADDR),
        (Type::Cron, CRON_ACTOR_ADDR),
    ] {
        rt.set_caller(builtin_code_cid(t), addr);
        rt.expect_validate_caller_addr(vec![SYSTEM_ACTOR_ADDR]);
        let err = rt
            .call::<Actor>(Method::EpochTick as MethodNum, None)
            .unwrap_err();
        assert_eq!(err.exit_code(), ExitCode::USR_FORBIDDEN);
        rt.verify();
    }
}

#[test]
fn epoch_tick_takes_no_parameters() {
    let rt = new_runtime();
    construct(&rt, genesis_entries());
    let params = IpldBlock::serialize_cbor(&1u64).unwrap();
    let err = rt
        .call::<Actor>(Method::EpochTick as MethodNum, params)
        .unwrap_err();
    assert_eq!(err.exit_code(), ExitCode::USR_ILLEGAL_ARGUMENT);
    rt.verify();
}

#[test]
fn unknown_methods_are_unhandled() {
    let rt = new_runtime();
    construct(&rt, vec![]);
    for method in [0, 3, fil_actors_runtime::method_hash!("EpochTick")] {
        let err = rt.call::<Actor>(method, None).unwrap_err();
        assert_eq!(
            err.exit_code(),
            ExitCode::USR_UNHANDLED_MESSAGE,
            "method {}",
            method
        );
    }
    rt.verify();
}

#[test]
fn internal_methods_refuse_non_builtin_callers() {
    let rt = new_runtime();
    construct(&rt, genesis_entries());
    for code in [user_code_cid("contract"), builtin_code_cid(Type::EVM)] {
        rt.set_caller(code, Address::new_id(4000));
        let err = rt
            .call::<Actor>(Method::EpochTick as MethodNum, None)
            .unwrap_err();
        assert_eq!(err.exit_code(), ExitCode::USR_FORBIDDEN);
    }
    rt.verify();
}
