//! A contract receives a FIP-0109 notification on both engines: a storage provider's
//! `ProveCommitSectors3` activates a piece that names the contract (by its f4 address) to be
//! notified; the miner calls `SectorContentChanged`, which the EVM actor hands to the contract's
//! `handle_filecoin_method`; the contract accepts the piece and, in the same transaction, reads
//! the new sector's status from the miner through `call_actor_id` and records it with an event.

use alloy_primitives::U256;
use alloy_sol_types::SolCall;
use cid::Cid;
use fil_actor_miner::{
    max_prove_commit_duration, DataActivationNotification, Method as MinerMethod,
    SectorActivationManifest, SECTOR_CONTENT_CHANGED,
};
use fil_actors_integration_tests::contracts::SectorNotifee as N;
use fil_actors_integration_tests::evm::{deploy, f4, initcode, log_entries, sol_call_ok};
use fil_actors_integration_tests::miner::{
    apply_ok, ddo_piece, piece_cid, policy, precommit, precommit_info, prove_commit_params,
    worker_message, SEAL_PROOF,
};
use fil_actors_integration_tests::on_both_engines;
use fil_actors_integration_tests::sectors::miner_and_stranger;
use fvm_ipld_encoding::RawBytes;
use fvm_shared::econ::TokenAmount;
use fvm_shared::error::ExitCode;
use fvm_shared::piece::{PaddedPieceSize, PieceInfo};
use test_vm::native::comm_d::compute_unsealed_sector_cid;
use test_vm::VM;

const SECTOR: u64 = 7;
const PIECE_SIZE: u64 = 1024;

#[derive(Debug, PartialEq)]
struct Outcome {
    record: (u64, u64, u64, u8, bool, i64),
    notification_code: ExitCode,
    root: Cid,
}

fn scenario(vm: &mut dyn VM) -> Outcome {
    let policy = policy().unwrap();
    let (m, stranger) = miner_and_stranger(vm).unwrap();
    let notifee = deploy(
        vm,
        stranger,
        &initcode("SectorNotifee").unwrap(),
        TokenAmount::from_atto(0),
    )
    .unwrap();

    let piece = piece_cid(9);
    let comm_d = compute_unsealed_sector_cid(
        SEAL_PROOF,
        &[PieceInfo {
            cid: piece,
            size: PaddedPieceSize(PIECE_SIZE),
        }],
    )
    .unwrap();
    let precommit_epoch = vm.epoch();
    let expiration = precommit_epoch
        + max_prove_commit_duration(&policy, SEAL_PROOF).unwrap()
        + policy.min_sector_expiration
        + 10_000;
    let info = precommit_info(vm, SECTOR, expiration, Some(comm_d));
    precommit(vm, &m, vec![info], TokenAmount::from_whole(1)).unwrap();
    vm.advance_epoch(precommit_epoch + policy.pre_commit_challenge_delay + 1)
        .unwrap();

    let mut p = ddo_piece(piece, PIECE_SIZE);
    p.notify = vec![DataActivationNotification {
        address: f4(&notifee.eth),
        payload: RawBytes::new(b"deal 1".to_vec()),
    }];
    let params = prove_commit_params(vec![SectorActivationManifest {
        sector_number: SECTOR,
        pieces: vec![p],
    }]);
    let ret = apply_ok(
        vm,
        &worker_message(&m, MinerMethod::ProveCommitSectors3, &params).unwrap(),
    )
    .unwrap();

    // The miner's notification reached the contract, which accepted it.
    let notification = ret
        .trace
        .flatten()
        .into_iter()
        .find(|t| t.method == SECTOR_CONTENT_CHANGED)
        .expect("the miner sent SectorContentChanged")
        .clone();
    assert_eq!(notification.code, ExitCode::OK, "{}", vm.name());

    // The contract's event: the miner and sector as topics, then status Active (1), live, and the
    // sector's expiration, which the miner records as pre-committed.
    let events: Vec<_> = ret
        .events
        .iter()
        .filter(|e| e.emitter == notifee.id)
        .map(|e| e.event.entries.clone())
        .collect();
    assert_eq!(
        events,
        vec![log_entries(&N::SectorNotified {
            minerId: m.miner_id,
            sector: SECTOR,
            status: 1,
            live: true,
            expiration,
        })],
        "{}",
        vm.name()
    );

    // What the contract stored: (miner, sector, pieces, status, live, expiration).
    let count = sol_call_ok(vm, stranger, notifee.address(), &N::recordCountCall {}).unwrap();
    assert_eq!(count, U256::from(1));
    let record = sol_call_ok(
        vm,
        stranger,
        notifee.address(),
        &N::recordsCall::new((U256::ZERO,)),
    )
    .unwrap();
    let record = (
        record.minerId,
        record.sector,
        record.pieces,
        record.status,
        record.live,
        record.expiration,
    );
    assert_eq!(
        record,
        (m.miner_id, SECTOR, 1, 1, true, expiration),
        "{}",
        vm.name()
    );
    Outcome {
        record,
        notification_code: notification.code,
        root: vm.state_root().unwrap(),
    }
}

#[test]
fn a_contract_reads_the_status_of_the_sector_it_is_notified_of() {
    let (native, fvm) = on_both_engines(scenario);
    assert_eq!(native, fvm);
}
