//! Unit tests of the power actor's read-only methods on the mock runtime (CurrentTotalPower and
//! the FRC-42 exported getters), and of its method table: numbers, the exported hashes, and the
//! methods v18 removed.

mod harness;

use fil_actor_power::{
    Actor, CurrentTotalPowerReturn, Method, MinerConsensusCountReturn, MinerCountReturn,
    MinerPowerParams, MinerPowerReturn, MinerRawPowerParams, MinerRawPowerReturn,
    NetworkRawPowerReturn, State,
};
use fil_actors_runtime::test_utils::expect_abort;
use fil_actors_runtime::test_utils::{builtin_code_cid, user_code_cid};
use fil_actors_runtime::Type;
use fvm_shared::address::Address;
use fvm_shared::econ::TokenAmount;
use fvm_shared::error::ExitCode;
use fvm_shared::MethodNum;
use harness::*;
use multihash_codetable::{Code, MultihashDigest};

/// Calls a getter as a user contract (any caller may), expecting the accept-any validation.
fn get(
    rt: &fil_actors_runtime::test_utils::MockRuntime,
    method: Method,
    params: Option<u64>,
) -> Result<Option<fvm_ipld_encoding::ipld_block::IpldBlock>, fil_actors_runtime::ActorError> {
    rt.set_caller(user_code_cid("contract"), Address::new_id(600));
    rt.expect_validate_caller_any();
    let result = match params {
        Some(id) => call(rt, method as MethodNum, &id),
        None => rt.call::<Actor>(method as MethodNum, None),
    };
    rt.verify();
    result
}

/// The FRC-42 method number of `name`, computed from the standard's definition: the first
/// 4-byte big-endian word of blake2b-512("1|" + name) that is at least 2^24.
fn frc42(name: &str) -> MethodNum {
    let digest = Code::Blake2b512.digest(format!("1|{}", name).as_bytes());
    digest
        .digest()
        .chunks(4)
        .map(|w| u32::from_be_bytes([w[0], w[1], w[2], w[3]]) as MethodNum)
        .find(|n| *n >= 1 << 24)
        .unwrap()
}

#[test]
fn method_numbers() {
    assert_eq!(Method::Constructor as MethodNum, 1);
    assert_eq!(Method::CreateMiner as MethodNum, 2);
    assert_eq!(Method::UpdateClaimedPower as MethodNum, 3);
    assert_eq!(Method::EnrollCronEvent as MethodNum, 4);
    assert_eq!(Method::OnEpochTickEnd as MethodNum, 5);
    assert_eq!(Method::UpdatePledgeTotal as MethodNum, 6);
    assert_eq!(Method::CurrentTotalPower as MethodNum, 9);
    // Published by the ecosystem's Solidity bindings of the power actor (Zondax
    // filecoin-solidity, PowerTypes.sol).
    assert_eq!(Method::CreateMinerExported as MethodNum, 1173380165);
    assert_eq!(Method::MinerCountExported as MethodNum, 1987646258);
    assert_eq!(Method::MinerConsensusCountExported as MethodNum, 196739875);
    assert_eq!(Method::NetworkRawPowerExported as MethodNum, 931722534);
    assert_eq!(Method::MinerRawPowerExported as MethodNum, 3753401894);
    for (method, name) in [
        (Method::CreateMinerExported, "CreateMiner"),
        (Method::NetworkRawPowerExported, "NetworkRawPower"),
        (Method::MinerRawPowerExported, "MinerRawPower"),
        (Method::MinerCountExported, "MinerCount"),
        (Method::MinerConsensusCountExported, "MinerConsensusCount"),
        (Method::MinerPowerExported, "MinerPower"),
    ] {
        assert_eq!(method as MethodNum, frc42(name), "{}", name);
    }
}

#[test]
fn removed_and_unknown_methods_are_unhandled() {
    let rt = setup();
    // 7 was OnConsensusFault (removed in v2), 8 SubmitPoRepForBulkVerify (FIP-0084).
    for method in [
        0,
        7,
        8,
        10,
        frc42("OnEpochTickEnd"),
        frc42("CurrentTotalPower"),
    ] {
        rt.set_caller(builtin_code_cid(Type::Miner), Address::new_id(1000));
        expect_abort(
            ExitCode::USR_UNHANDLED_MESSAGE,
            "invalid method",
            rt.call::<Actor>(method, None),
        );
    }
}

#[test]
fn current_total_power_returns_the_frozen_values_and_ramp() {
    let rt = setup();
    let miner = create_miner(&rt, 1000);
    update_claimed_power(&rt, miner, 1024, 3072).unwrap();
    update_pledge_total(&rt, miner, TokenAmount::from_whole(4)).unwrap();

    // Before the tick the frozen values are still the genesis ones.
    rt.set_caller(builtin_code_cid(Type::Miner), miner);
    rt.expect_validate_caller_any();
    let ret: CurrentTotalPowerReturn = decode(
        rt.call::<Actor>(Method::CurrentTotalPower as MethodNum, None)
            .unwrap(),
    );
    rt.verify();
    let genesis = state(&rt);
    assert_eq!(ret.raw_byte_power, power(0));
    assert_eq!(ret.pledge_collateral, TokenAmount::default());
    assert_eq!(
        ret.quality_adj_power_smoothed,
        genesis.this_epoch_qa_power_smoothed
    );

    tick_without_events(&rt, 1);
    // The ramp is set by the FIP-0081 migration; here it is written directly.
    let mut st: State = state(&rt);
    st.ramp_start_epoch = 4_461_240;
    st.ramp_duration_epochs = 1_051_200;
    rt.replace_state(&st);

    rt.expect_validate_caller_any();
    let ret: CurrentTotalPowerReturn = decode(
        rt.call::<Actor>(Method::CurrentTotalPower as MethodNum, None)
            .unwrap(),
    );
    rt.verify();
    assert_eq!(
        ret,
        CurrentTotalPowerReturn {
            raw_byte_power: power(1024),
            quality_adj_power: power(3072),
            pledge_collateral: TokenAmount::from_whole(4),
            quality_adj_power_smoothed: st.this_epoch_qa_power_smoothed.clone(),
            ramp_start_epoch: 4_461_240,
            ramp_duration_epochs: 1_051_200,
        }
    );
}

#[test]
fn network_raw_power_and_counts() {
    let rt = setup();
    let miners: Vec<Address> = (0..3).map(|i| create_miner(&rt, 1000 + i)).collect();
    update_claimed_power(&rt, miners[0], MIN_POWER, MIN_POWER).unwrap();
    update_claimed_power(&rt, miners[1], 100, 100).unwrap();
    tick_without_events(&rt, 1);

    let ret: NetworkRawPowerReturn =
        decode(get(&rt, Method::NetworkRawPowerExported, None).unwrap());
    assert_eq!(ret.raw_byte_power, power(MIN_POWER + 100));
    let ret: MinerCountReturn = decode(get(&rt, Method::MinerCountExported, None).unwrap());
    assert_eq!(ret.miner_count, 3);
    let ret: MinerConsensusCountReturn =
        decode(get(&rt, Method::MinerConsensusCountExported, None).unwrap());
    assert_eq!(ret.miner_consensus_count, 1);

    // The bare encodings: a byte string for the big integer, integers for the counts.
    let block = get(&rt, Method::MinerCountExported, None).unwrap().unwrap();
    assert_eq!(block.data, vec![0x03]);
    let block = get(&rt, Method::NetworkRawPowerExported, None)
        .unwrap()
        .unwrap();
    assert_eq!(block.data, vec![0x43, 0x00, 0x08, 0x64]);
}

#[test]
fn miner_raw_power_meets_consensus_minimum() {
    let rt = setup();
    let miners: Vec<Address> = (0..6).map(|i| create_miner(&rt, 1000 + i)).collect();
    update_claimed_power(&rt, miners[0], MIN_POWER, MIN_POWER).unwrap();
    update_claimed_power(&rt, miners[1], 1, 1).unwrap();

    let raw_power = |miner: &Address| -> MinerRawPowerReturn {
        decode(
            get(
                &rt,
                Method::MinerRawPowerExported,
                Some(miner.id().unwrap()),
            )
            .unwrap(),
        )
    };
    // At the minimum: meets it.
    assert_eq!(
        raw_power(&miners[0]),
        MinerRawPowerReturn {
            raw_byte_power: power(MIN_POWER),
            meets_consensus_minimum: true
        }
    );
    // Below it, with fewer than four miners at it: any non-zero power counts.
    assert!(raw_power(&miners[1]).meets_consensus_minimum);
    assert!(!raw_power(&miners[2]).meets_consensus_minimum);

    for miner in &miners[2..5] {
        update_claimed_power(&rt, *miner, MIN_POWER, MIN_POWER).unwrap();
    }
    // Four at the minimum: below it no longer counts.
    assert_eq!(
        raw_power(&miners[1]),
        MinerRawPowerReturn {
            raw_byte_power: power(1),
            meets_consensus_minimum: false
        }
    );
    assert!(raw_power(&miners[4]).meets_consensus_minimum);

    expect_abort(
        ExitCode::USR_ILLEGAL_ARGUMENT,
        "no claim for actor: 2000",
        get(&rt, Method::MinerRawPowerExported, Some(2000)),
    );
}

#[test]
fn miner_power_returns_the_claim() {
    let rt = setup();
    let miner = create_miner(&rt, 1000);
    update_claimed_power(&rt, miner, 1024, 10240).unwrap();
    let ret: MinerPowerReturn = decode(get(&rt, Method::MinerPowerExported, Some(1000)).unwrap());
    assert_eq!(
        ret,
        MinerPowerReturn {
            raw_byte_power: power(1024),
            quality_adj_power: power(10240),
        }
    );
    expect_abort(
        ExitCode::USR_NOT_FOUND,
        "miner 1001 not found",
        get(&rt, Method::MinerPowerExported, Some(1001)),
    );
}

#[test]
fn getters_reject_malformed_parameters() {
    let rt = setup();
    rt.set_caller(user_code_cid("contract"), Address::new_id(600));
    for method in [Method::MinerRawPowerExported, Method::MinerPowerExported] {
        expect_abort(
            ExitCode::USR_SERIALIZATION,
            "failed to decode parameters",
            call(&rt, method as MethodNum, &"f01000"),
        );
        expect_abort(
            ExitCode::USR_ILLEGAL_ARGUMENT,
            "expects arguments",
            rt.call::<Actor>(method as MethodNum, None),
        );
    }
    expect_abort(
        ExitCode::USR_ILLEGAL_ARGUMENT,
        "expects no arguments",
        call(
            &rt,
            Method::MinerCountExported as MethodNum,
            &MinerPowerParams { miner: 1 },
        ),
    );
    expect_abort(
        ExitCode::USR_ILLEGAL_ARGUMENT,
        "expects no arguments",
        call(
            &rt,
            Method::NetworkRawPowerExported as MethodNum,
            &MinerRawPowerParams { miner: 1 },
        ),
    );
}
