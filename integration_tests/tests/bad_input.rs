//! Bad input to the miner on both engines: parameters of the wrong shape to every exported miner
//! method, and forged `aux_data` locations. Each gets its exit code and leaves the miner's state
//! and balance untouched; no forged location ever validates a sector as live.

use cid::Cid;
use fil_actor_miner::{
    Method, SectorLocation, SectorStatusCode, ValidateSectorStatusParams,
    GENERATE_SECTOR_LOCATION_METHOD, GENERATE_SECTOR_STATUS_INFO_METHOD,
    GET_NOMINAL_SECTOR_EXPIRATION_METHOD, GET_REPLACEMENT_SEALING_STATUS_METHOD,
    GET_SECTOR_EXPIRATION_METHOD, VALIDATE_SECTOR_STATUS_METHOD,
};
use fil_actors_integration_tests::on_both_engines;
use fil_actors_integration_tests::sectors::small_miner;
use fvm_ipld_encoding::to_vec;
use fvm_shared::error::ExitCode;
use fvm_shared::MethodNum;
use test_vm::{Msg, VM};

/// Every exported method of the miner, and whether it takes parameters.
fn exported() -> Vec<(MethodNum, bool)> {
    vec![
        (Method::ChangeWorkerAddressExported as u64, true),
        (Method::ChangePeerIDExported as u64, true),
        (Method::WithdrawBalanceExported as u64, true),
        (Method::ChangeMultiaddrsExported as u64, true),
        (Method::ConfirmChangeWorkerAddressExported as u64, false),
        (Method::RepayDebtExported as u64, false),
        (Method::ChangeOwnerAddressExported as u64, true),
        (Method::ChangeBeneficiaryExported as u64, true),
        (Method::GetBeneficiaryExported as u64, false),
        (Method::GetOwnerExported as u64, false),
        (Method::IsControllingAddressExported as u64, true),
        (Method::GetSectorSizeExported as u64, false),
        (Method::GetAvailableBalanceExported as u64, false),
        (Method::GetVestingFundsExported as u64, false),
        (Method::GetPeerIDExported as u64, false),
        (Method::GetMultiaddrsExported as u64, false),
        (Method::MaxTerminationFeeExported as u64, true),
        (Method::InitialPledgeExported as u64, false),
        (GENERATE_SECTOR_STATUS_INFO_METHOD, true),
        (GENERATE_SECTOR_LOCATION_METHOD, true),
        (VALIDATE_SECTOR_STATUS_METHOD, true),
        (GET_SECTOR_EXPIRATION_METHOD, true),
        (GET_NOMINAL_SECTOR_EXPIRATION_METHOD, true),
        (GET_REPLACEMENT_SEALING_STATUS_METHOD, false),
    ]
}

fn aux(deadline: i64, partition: i64) -> Vec<u8> {
    SectorLocation {
        deadline,
        partition,
    }
    .to_aux_data()
    .unwrap()
}

#[derive(Debug, PartialEq)]
struct Outcome {
    /// Per exported method: the code for wrong-shaped parameters, or for unexpected ones.
    shape_codes: Vec<ExitCode>,
    /// Per forged location: the code, and the answer when the call succeeded.
    forged: Vec<(ExitCode, Option<bool>)>,
    untouched: bool,
    root: Cid,
}

fn scenario(vm: &mut dyn VM) -> Outcome {
    // Deadline 3: sectors 1 and 2 in partition 0, sector 3 in partition 1.
    let (m, stranger, _) = small_miner(vm).unwrap();
    let before = vm.actor(m.miner_id).unwrap().unwrap();

    // A CBOR text string fits no method's parameters; methods that take none refuse any.
    let garbage = "not the parameters";
    let shape_codes = exported()
        .into_iter()
        .map(|(method, _)| {
            vm.apply(&Msg::new(stranger, m.miner, method).params(garbage).unwrap())
                .unwrap()
                .code
        })
        .collect();

    let forged_locations: Vec<Vec<u8>> = vec![
        aux(-1, 0),
        aux(3, -1),
        aux(48, 0),
        aux(3, 3000),
        aux(i64::MAX, i64::MIN),
        aux(3, 2),
        aux(3, 1),
        aux(-1, -1),
        aux(7, 0),
        to_vec(&(3i64, 0i64, 0i64)).unwrap(),
        to_vec(&"3,0").unwrap(),
        vec![],
    ];
    let forged = forged_locations
        .into_iter()
        .map(|aux_data| {
            let r = vm
                .apply(
                    &Msg::new(stranger, m.miner, VALIDATE_SECTOR_STATUS_METHOD)
                        .params(&ValidateSectorStatusParams {
                            sector_number: 1,
                            status: SectorStatusCode::Active,
                            aux_data,
                        })
                        .unwrap(),
                )
                .unwrap();
            let answer = r.code.is_success().then(|| r.ret_as::<bool>().unwrap());
            (r.code, answer)
        })
        .collect();

    let after = vm.actor(m.miner_id).unwrap().unwrap();
    Outcome {
        shape_codes,
        forged,
        untouched: before.state == after.state && before.balance == after.balance,
        root: vm.state_root().unwrap(),
    }
}

#[test]
fn bad_input_gets_exit_codes_and_changes_nothing_on_both_engines() {
    let (native, fvm) = on_both_engines(scenario);
    let expected_shapes: Vec<ExitCode> = exported()
        .into_iter()
        .map(|(_, takes_params)| {
            if takes_params {
                ExitCode::USR_SERIALIZATION
            } else {
                ExitCode::USR_ILLEGAL_ARGUMENT
            }
        })
        .collect();
    assert_eq!(native.shape_codes, expected_shapes);
    let illegal = (ExitCode::USR_ILLEGAL_ARGUMENT, None);
    let stale = (ExitCode::USR_NOT_FOUND, None);
    assert_eq!(
        native.forged,
        vec![
            illegal, // mixed: no deadline, a partition
            illegal, // mixed: a deadline, no partition
            illegal, // deadline out of range
            illegal, // partition beyond the per-deadline maximum
            illegal, // extremes
            stale,   // a partition that does not exist (yet)
            stale,   // sector 1 is not in partition 1
            stale,   // "in no partition" for a live sector
            stale,   // another deadline
            illegal, // three numbers
            illegal, // a string
            illegal, // no bytes
        ]
    );
    assert!(native.untouched);
    assert_eq!(native, fvm);
}
