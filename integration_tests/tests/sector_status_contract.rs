//! Sector status read by a contract: a user actor deployed outside the bundle's manifest (the
//! relay, neither built in nor one of the miner's addresses) calls all five sector-status methods
//! of a miner on both engines, as a Solidity contract does through `call_actor_id`: read-only,
//! parameters in the CBOR codec. Every answer and exit code is asserted (FIP-0112's status codes),
//! and the miner's state does not move; a method that writes state (the relay approving itself
//! as the miner's beneficiary) is refused under the read-only flag.

use cid::Cid;
use fil_actor_miner::{
    ChangeBeneficiaryParams, GenerateSectorStatusInfoParams, GenerateSectorStatusInfoReturn,
    GetSectorExpirationParams, Method as MinerMethod, SectorLocation, SectorStatusCode,
    ValidateSectorStatusParams, GENERATE_SECTOR_LOCATION_METHOD,
    GENERATE_SECTOR_STATUS_INFO_METHOD, GET_NOMINAL_SECTOR_EXPIRATION_METHOD,
    GET_SECTOR_EXPIRATION_METHOD, VALIDATE_SECTOR_STATUS_METHOD,
};
use fil_actors_integration_tests::miner::apply_ok;
use fil_actors_integration_tests::on_both_engines;
use fil_actors_integration_tests::sectors::small_miner;
use fvm_ipld_encoding::{from_slice, to_vec, RawBytes};
use fvm_shared::address::Address;
use fvm_shared::econ::TokenAmount;
use fvm_shared::error::ExitCode;
use fvm_shared::MethodNum;
use serde::Serialize;
use test_vm::user_actors::{deploy_relay, RelayMethod, RelayParams, RelayReturn};
use test_vm::{Msg, VM};

const RELAY_ID: u64 = 5000;

fn aux(deadline: i64, partition: i64) -> Vec<u8> {
    SectorLocation {
        deadline,
        partition,
    }
    .to_aux_data()
    .unwrap()
}

/// One call from an account through the relay: the callee's exit code and return bytes.
fn via_relay(
    vm: &mut dyn VM,
    from: Address,
    to: Address,
    method: MethodNum,
    params: RawBytes,
) -> (ExitCode, Vec<u8>) {
    let relay = Address::new_id(RELAY_ID);
    let ret: RelayReturn = apply_ok(
        vm,
        &Msg::new(from, relay, RelayMethod::Relay as u64)
            .params(&RelayParams { to, method, params })
            .unwrap(),
    )
    .unwrap()
    .ret_as()
    .unwrap();
    (ExitCode::new(ret.exit_code), ret.ret.to_vec())
}

fn cbor<T: Serialize>(v: &T) -> RawBytes {
    RawBytes::new(to_vec(v).unwrap())
}

#[derive(Debug, PartialEq)]
struct Outcome {
    answers: Vec<(ExitCode, Vec<u8>)>,
    expiration: i64,
    miner_head_unchanged: bool,
    root: Cid,
}

fn scenario(vm: &mut dyn VM) -> Outcome {
    // Deadline 3, partitions of two: sectors 1 and 2 in partition 0, 3 in partition 1.
    let (m, reader, expiration) = small_miner(vm).unwrap();
    let relay = deploy_relay(vm, RELAY_ID).unwrap();
    // The owner proposes the relay as beneficiary; approving it is the relay's own call, which
    // writes the miner's state.
    let beneficiary = ChangeBeneficiaryParams {
        new_beneficiary: relay,
        new_quota: TokenAmount::from_whole(1),
        new_expiration: vm.epoch() + 1_000,
    };
    apply_ok(
        vm,
        &Msg::new(m.owner, m.miner, MinerMethod::ChangeBeneficiary as u64)
            .params(&beneficiary)
            .unwrap(),
    )
    .unwrap();
    let head = vm.actor(m.miner_id).unwrap().unwrap().state;

    let generate = |n| cbor(&GenerateSectorStatusInfoParams { sector_number: n });
    let validate = |n, status, aux_data| {
        cbor(&ValidateSectorStatusParams {
            sector_number: n,
            status,
            aux_data,
        })
    };
    use SectorStatusCode::{Active, Dead, Faulty};
    let expiration_of = |n, aux_data| {
        cbor(&GetSectorExpirationParams {
            sector_number: n,
            aux_data,
        })
    };
    let calls: Vec<(MethodNum, RawBytes)> = vec![
        (GENERATE_SECTOR_STATUS_INFO_METHOD, generate(2)),
        (GENERATE_SECTOR_LOCATION_METHOD, generate(3)),
        (GENERATE_SECTOR_STATUS_INFO_METHOD, generate(99)),
        (
            VALIDATE_SECTOR_STATUS_METHOD,
            validate(2, Active, aux(3, 0)),
        ),
        (
            VALIDATE_SECTOR_STATUS_METHOD,
            validate(2, Faulty, aux(3, 0)),
        ),
        (VALIDATE_SECTOR_STATUS_METHOD, validate(2, Dead, aux(3, 0))),
        (
            VALIDATE_SECTOR_STATUS_METHOD,
            validate(99, Dead, aux(-1, -1)),
        ),
        (
            VALIDATE_SECTOR_STATUS_METHOD,
            validate(3, Active, aux(3, 0)),
        ),
        (
            VALIDATE_SECTOR_STATUS_METHOD,
            cbor(&(2u64, 9u8, RawBytes::new(aux(3, 0)))),
        ),
        (
            VALIDATE_SECTOR_STATUS_METHOD,
            validate(2, Active, aux(48, 0)),
        ),
        (GET_SECTOR_EXPIRATION_METHOD, expiration_of(1, aux(3, 0))),
        (GET_SECTOR_EXPIRATION_METHOD, expiration_of(99, aux(-1, -1))),
        (GET_NOMINAL_SECTOR_EXPIRATION_METHOD, cbor(&3u64)),
        (GET_NOMINAL_SECTOR_EXPIRATION_METHOD, cbor(&99u64)),
        (VALIDATE_SECTOR_STATUS_METHOD, cbor(&(2u64, "live", 3u8))),
        (
            MinerMethod::ChangeBeneficiaryExported as u64,
            cbor(&beneficiary),
        ),
    ];
    let answers = calls
        .into_iter()
        .map(|(method, params)| via_relay(vm, reader, m.miner, method, params))
        .collect();
    Outcome {
        answers,
        expiration,
        miner_head_unchanged: vm.actor(m.miner_id).unwrap().unwrap().state == head,
        root: vm.state_root().unwrap(),
    }
}

fn generated(status: SectorStatusCode, deadline: i64, partition: i64) -> (ExitCode, Vec<u8>) {
    let ret = GenerateSectorStatusInfoReturn {
        status,
        aux_data: aux(deadline, partition),
    };
    (ExitCode::OK, to_vec(&ret).unwrap())
}

fn ok<T: Serialize>(v: &T) -> (ExitCode, Vec<u8>) {
    (ExitCode::OK, to_vec(v).unwrap())
}

#[test]
fn a_contract_reads_sector_status_on_both_engines() {
    let (native, fvm) = on_both_engines(scenario);
    let e = native.expiration;
    let expected = vec![
        generated(SectorStatusCode::Active, 3, 0),
        generated(SectorStatusCode::Active, 3, 1),
        generated(SectorStatusCode::Dead, -1, -1),
        ok(&true),
        // Active, so neither Faulty nor Dead: "is it live?" (Dead) answers false.
        ok(&false),
        ok(&false),
        ok(&true),
        // Sector 3 is in partition 1: the location is stale.
        (ExitCode::USR_NOT_FOUND, vec![]),
        // A status code outside FIP-0112's does not decode; an out-of-range deadline.
        (ExitCode::USR_SERIALIZATION, vec![]),
        (ExitCode::USR_ILLEGAL_ARGUMENT, vec![]),
        ok(&e),
        // A dead sector has no expiration to vouch for.
        (ExitCode::USR_FORBIDDEN, vec![]),
        ok(&e),
        (ExitCode::USR_NOT_FOUND, vec![]),
        // Well-formed CBOR of the wrong shape (the FVM refuses to carry malformed CBOR at all).
        (ExitCode::USR_SERIALIZATION, vec![]),
        // Approving the beneficiary would write the miner's state: refused under read-only.
        (ExitCode::USR_READ_ONLY, vec![]),
    ];
    // Failed calls may carry no return; compare codes everywhere and bytes on success.
    assert_eq!(native.answers.len(), expected.len());
    for (i, (got, want)) in native.answers.iter().zip(&expected).enumerate() {
        assert_eq!(got.0, want.0, "call {i}: exit code");
        if want.0 == ExitCode::OK {
            assert_eq!(got.1, want.1, "call {i}: return");
        }
    }
    let expiration: i64 = from_slice(&native.answers[10].1).unwrap();
    assert_eq!(expiration, e);
    assert!(native.miner_head_unchanged);
    assert_eq!(native, fvm);
}
