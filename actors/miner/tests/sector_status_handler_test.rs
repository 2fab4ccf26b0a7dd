//! The five sector-status methods through the actor's dispatch, as a contract calls them: an
//! EVM contract that is none of the miner's addresses, in a read-only call. The status logic's
//! every row is in `sector_status_test.rs`; here each method answers at its FRC-42 number, with
//! its wire shapes, each exit code reaches the caller, and nothing is written.

mod sector_status_util;

use fil_actor_miner::testing::check_state_invariants;
use fil_actor_miner::*;
use fil_actors_runtime::test_utils::{builtin_code_cid, MockRuntime};
use fil_actors_runtime::{ActorError, Type};
use fvm_ipld_encoding::ipld_block::IpldBlock;
use fvm_ipld_encoding::RawBytes;
use fvm_shared::address::Address;
use fvm_shared::error::ExitCode;
use fvm_shared::MethodNum;
use sector_status_util::{aux, Miner};

/// An EVM contract with an f410 address, unrelated to the miner.
fn contract() -> Address {
    Address::new_delegated(10, &[0xab; 20]).unwrap()
}

/// Deadline 5, partitions of 2: partition 0 holds 1 (live) and 2 (faulty), partition 1 holds 3
/// (terminated). Sector 9 was never proven. Expirations are `expiration(k)`.
fn runtime() -> MockRuntime {
    let mut m = Miner::new(48, 2);
    m.commit(
        5,
        &[(1, expiration(1)), (2, expiration(2)), (3, expiration(3))],
        true,
    );
    m.fault(5, &[2]);
    m.terminate(5, &[3], 200);
    let mut rt = MockRuntime::new(Address::new_id(1000));
    rt.store = m.store.clone();
    rt.policy = m.policy.clone();
    rt.replace_state(&m.st);
    rt
}

/// Calls `method` read-only from the contract, checks that the state root did not move, and
/// decodes the return.
fn call<R: serde::de::DeserializeOwned>(
    rt: &MockRuntime,
    method: MethodNum,
    params: Option<IpldBlock>,
) -> Result<R, ActorError> {
    rt.set_caller(builtin_code_cid(Type::EVM), contract());
    rt.expect_validate_caller_any();
    let before = rt.state.get();
    rt.read_only.set(true);
    let res = rt.call::<Actor>(method, params);
    rt.read_only.set(false);
    assert_eq!(rt.state.get(), before);
    match res {
        Ok(ret) => {
            rt.verify();
            Ok(ret.unwrap().deserialize().unwrap())
        }
        Err(e) => {
            rt.reset();
            Err(e)
        }
    }
}

/// The k-th epoch at which deadline 5's queues may hold expirations (a miner's expirations are
/// quantized to the end of their deadline).
fn expiration(k: i64) -> i64 {
    let m = Miner::new(48, 2);
    m.st.quant_spec_for_deadline(&m.policy, 5)
        .quantize_up(k * m.policy.wpost_proving_period)
}

fn cbor<T: serde::Serialize>(v: &T) -> Option<IpldBlock> {
    IpldBlock::serialize_cbor(v).unwrap()
}

fn check(rt: &MockRuntime) {
    let st: State = rt.get_state();
    let (_, acc) = check_state_invariants(&rt.policy, &st, &rt.store, &rt.balance.borrow());
    acc.assert_empty();
}

fn code<T>(r: Result<T, ActorError>) -> ExitCode {
    match r {
        Ok(_) => panic!("expected an error"),
        Err(e) => e.exit_code(),
    }
}

#[test]
fn generate_and_its_alias_answer_the_same() {
    let rt = runtime();
    for method in [
        GENERATE_SECTOR_STATUS_INFO_METHOD,
        GENERATE_SECTOR_LOCATION_METHOD,
    ] {
        let ret: GenerateSectorStatusInfoReturn = call(
            &rt,
            method,
            cbor(&GenerateSectorStatusInfoParams { sector_number: 2 }),
        )
        .unwrap();
        assert_eq!(ret.status, SectorStatusCode::Faulty);
        assert_eq!(ret.aux_data, aux(5, 0));
        let ret: GenerateSectorStatusInfoReturn = call(
            &rt,
            method,
            cbor(&GenerateSectorStatusInfoParams { sector_number: 9 }),
        )
        .unwrap();
        assert_eq!(ret.status, SectorStatusCode::Dead);
        assert_eq!(ret.aux_data, aux(-1, -1));
    }
    check(&rt);
}

#[test]
fn validate_answers_with_a_bare_bool() {
    let rt = runtime();
    // The status as a raw integer, so that codes outside FIP-0112's can be sent too.
    let validate = |sector: u64, status: u8, aux_data: Vec<u8>| {
        call::<bool>(
            &rt,
            VALIDATE_SECTOR_STATUS_METHOD,
            cbor(&(sector, status, RawBytes::new(aux_data))),
        )
    };
    // FIP-0112: 1 is active (live, not faulty), 2 faulty, 0 dead; exactly one holds.
    assert!(validate(1, 1, aux(5, 0)).unwrap());
    assert!(!validate(1, 2, aux(5, 0)).unwrap());
    assert!(!validate(1, 0, aux(5, 0)).unwrap());
    assert!(!validate(2, 1, aux(5, 0)).unwrap());
    assert!(validate(2, 2, aux(5, 0)).unwrap());
    // "Is it live?" is a validation of Dead answering false: for the faulty sector too.
    assert!(!validate(2, 0, aux(5, 0)).unwrap());
    assert!(validate(3, 0, aux(5, 1)).unwrap());
    assert!(validate(9, 0, aux(-1, -1)).unwrap());
    // A code outside 0-2 does not decode, as on the network.
    for status in [3u8, 4, 255] {
        let err = validate(1, status, aux(5, 0)).unwrap_err();
        assert_eq!(err.exit_code(), ExitCode::USR_SERIALIZATION);
        assert!(
            err.msg().contains("invalid sector status code"),
            "{}",
            err.msg()
        );
    }
    assert_eq!(code(validate(1, 1, aux(5, 1))), ExitCode::USR_NOT_FOUND);
    assert_eq!(
        code(validate(1, 1, aux(48, 0))),
        ExitCode::USR_ILLEGAL_ARGUMENT
    );
    assert_eq!(
        code(validate(1, 1, vec![0xff])),
        ExitCode::USR_ILLEGAL_ARGUMENT
    );
    check(&rt);
}

#[test]
fn expiration_of_live_sectors_and_forbidden_for_dead_ones() {
    let rt = runtime();
    let expiration_of = |sector, aux_data| {
        call::<i64>(
            &rt,
            GET_SECTOR_EXPIRATION_METHOD,
            cbor(&GetSectorExpirationParams {
                sector_number: sector,
                aux_data,
            }),
        )
    };
    assert_eq!(expiration_of(1, aux(5, 0)).unwrap(), expiration(1));
    assert_eq!(expiration_of(2, aux(5, 0)).unwrap(), expiration(2));
    let err = expiration_of(3, aux(5, 1)).unwrap_err();
    assert_eq!(err.exit_code(), ExitCode::USR_FORBIDDEN);
    assert!(err.msg().contains("sector 3 is not live"), "{}", err.msg());
    assert_eq!(code(expiration_of(9, aux(5, 0))), ExitCode::USR_NOT_FOUND);
    check(&rt);
}

#[test]
fn nominal_expiration_takes_a_bare_sector_number() {
    let rt = runtime();
    let nominal =
        |sector: u64| call::<i64>(&rt, GET_NOMINAL_SECTOR_EXPIRATION_METHOD, cbor(&sector));
    assert_eq!(nominal(3).unwrap(), expiration(3));
    assert_eq!(code(nominal(9)), ExitCode::USR_NOT_FOUND);
    check(&rt);
}

#[test]
fn malformed_or_missing_params_are_rejected() {
    let rt = runtime();
    for method in [
        GENERATE_SECTOR_STATUS_INFO_METHOD,
        GENERATE_SECTOR_LOCATION_METHOD,
        VALIDATE_SECTOR_STATUS_METHOD,
        GET_SECTOR_EXPIRATION_METHOD,
        GET_NOMINAL_SECTOR_EXPIRATION_METHOD,
    ] {
        // A text string where a tuple or integer is expected.
        let bad = Some(IpldBlock {
            codec: fvm_ipld_encoding::DAG_CBOR,
            data: RawBytes::serialize("sector").unwrap().to_vec(),
        });
        assert_eq!(
            code(call::<()>(&rt, method, bad)),
            ExitCode::USR_SERIALIZATION,
            "method {}",
            method
        );
        assert_eq!(
            code(call::<()>(&rt, method, None)),
            ExitCode::USR_ILLEGAL_ARGUMENT,
            "method {} without params",
            method
        );
    }
    check(&rt);
}
