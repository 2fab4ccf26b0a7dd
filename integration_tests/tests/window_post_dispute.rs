//! The `window-post-dispute` fee on both engines: a miner's first Window PoSt carries a bad proof,
//! which the miner accepts optimistically; after the deadline closes, an unrelated account
//! disputes it. The dispute succeeds, the sectors turn faulty, and the miner emits `fee-applied`
//! of type `window-post-dispute` with the deadline and the sectors of the disputed partition,
//! the amount reconciled against what was burnt and what the disputer was paid.

use fil_actor_miner::emit::{FeeApplied, FeeType};
use fil_actor_miner::{
    DisputeWindowedPoStParams, Method, SectorActivationManifest, State as MinerState,
};
use fil_actors_integration_tests::miner::{
    apply_ok, policy, precommit, precommit_info, prove_commit_params, valid_expiration,
    worker_message,
};
use fil_actors_integration_tests::on_both_engines;
use fil_actors_integration_tests::post::window_post_params;
use fil_actors_integration_tests::sectors::miner_and_stranger;
use fil_actors_runtime::builtin::BURNT_FUNDS_ACTOR_ID;
use fvm_ipld_bitfield::BitField;
use fvm_shared::econ::TokenAmount;
use fvm_shared::error::ExitCode;
use fvm_shared::event::StampedEvent;
use fvm_shared::sector::PoStProof;
use test_vm::{actor_state, balance, Msg, StoreRef, VM};

#[derive(Debug, PartialEq)]
struct Outcome {
    miner: u64,
    deadline: u64,
    post_code: ExitCode,
    dispute_code: ExitCode,
    events: Vec<StampedEvent>,
    /// Burnt, plus paid to the disputer, plus debt left: what the miner's accounting lost.
    accounted: TokenAmount,
    faults: BitField,
    root: cid::Cid,
}

fn scenario(vm: &mut dyn VM) -> Outcome {
    let policy = policy().unwrap();
    let (m, stranger) = miner_and_stranger(vm).unwrap();
    vm.advance_epoch(vm.epoch() + 5).unwrap();
    let expiration = valid_expiration(vm).unwrap();
    let infos = vec![
        precommit_info(vm, 1, expiration, None),
        precommit_info(vm, 2, expiration, None),
    ];
    precommit(vm, &m, infos, TokenAmount::from_whole(1)).unwrap();
    vm.advance_epoch(vm.epoch() + policy.pre_commit_challenge_delay + 1)
        .unwrap();
    let activations = [1, 2]
        .map(|n| SectorActivationManifest {
            sector_number: n,
            pieces: vec![],
        })
        .to_vec();
    apply_ok(
        vm,
        &worker_message(
            &m,
            Method::ProveCommitSectors3,
            &prove_commit_params(activations),
        )
        .unwrap()
        .value(TokenAmount::from_whole(1)),
    )
    .unwrap();

    // Move into the sectors' deadline window and prove it with a bad proof.
    let st: MinerState = actor_state(vm, m.miner_id).unwrap();
    let (deadline, _) = st.find_sector(&StoreRef(vm.store()), 1).unwrap();
    let mut dl = st.deadline_info(&policy, vm.epoch());
    while dl.index != deadline || vm.epoch() >= dl.last() {
        let next = dl.close.max(vm.epoch() + 1);
        vm.advance_epoch(next).unwrap();
        let st: MinerState = actor_state(vm, m.miner_id).unwrap();
        dl = st.deadline_info(&policy, vm.epoch());
    }
    if vm.epoch() < dl.open {
        vm.advance_epoch(dl.open).unwrap();
    }
    let mut params = window_post_params(vm, &m, &dl).unwrap();
    params.proofs = vec![PoStProof {
        post_proof: params.proofs[0].post_proof,
        proof_bytes: b"not the proof".to_vec(),
    }];
    let post_code = vm
        .apply(&worker_message(&m, Method::SubmitWindowedPoSt, &params).unwrap())
        .unwrap()
        .code;

    // After the deadline closes (its cron has run), within the dispute window.
    vm.advance_epoch(dl.close + 1).unwrap();
    let burnt_before = balance(vm, BURNT_FUNDS_ACTOR_ID).unwrap();
    let stranger_id = vm.resolve(&stranger).unwrap().unwrap();
    let stranger_before = balance(vm, stranger_id).unwrap();
    let r = vm
        .apply(
            &Msg::new(stranger, m.miner, Method::DisputeWindowedPoSt as u64)
                .params(&DisputeWindowedPoStParams {
                    deadline,
                    post_index: 0,
                })
                .unwrap(),
        )
        .unwrap();
    let st: MinerState = actor_state(vm, m.miner_id).unwrap();
    let accounted = balance(vm, BURNT_FUNDS_ACTOR_ID).unwrap() - burnt_before
        + (balance(vm, stranger_id).unwrap() - stranger_before)
        + &st.fee_debt;
    let store = StoreRef(vm.store());
    let faults = st
        .load_deadlines(&store)
        .unwrap()
        .load_deadline(&store, deadline)
        .unwrap()
        .load_partition(&store, 0)
        .unwrap()
        .faults;
    Outcome {
        miner: m.miner_id,
        deadline,
        post_code,
        dispute_code: r.code,
        events: r.events,
        accounted,
        faults,
        root: vm.state_root().unwrap(),
    }
}

#[test]
fn a_disputed_window_post_is_penalized_and_emitted_on_both_engines() {
    let (native, fvm) = on_both_engines(scenario);
    assert_eq!(native.post_code, ExitCode::OK, "accepted optimistically");
    assert_eq!(native.dispute_code, ExitCode::OK);
    assert!(native.accounted.is_positive());
    let expected = FeeApplied::new(FeeType::WindowPostDispute, native.accounted.clone())
        .deadline(native.deadline)
        .sectors(2)
        .event()
        .unwrap();
    assert_eq!(
        native.events,
        vec![StampedEvent::new(native.miner, expected)]
    );
    assert_eq!(native.faults, BitField::try_from_bits([1u64, 2]).unwrap());
    assert_eq!(native, fvm);
}
