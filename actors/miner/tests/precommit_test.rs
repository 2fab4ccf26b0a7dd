//! PreCommitSectorBatch2: deposits, pre-commitments and their clean-up, cron start, events, and
//! every rejection leaving the state untouched.

mod harness;

use fil_actor_miner::{
    max_prove_commit_duration, CompactCommD, Method, PreCommitSectorBatchParams2,
    SectorPreCommitInfo, MAX_SECTOR_NUMBER,
};
use fil_actors_runtime::test_utils::expect_abort;
use fvm_ipld_bitfield::BitField;
use fvm_shared::econ::TokenAmount;
use fvm_shared::error::ExitCode;
use fvm_shared::sector::RegisteredSealProof;
use harness::commit::*;
use harness::*;

fn atto(n: i64) -> TokenAmount {
    TokenAmount::from_atto(n)
}

/// A constructed miner at epoch 200 with `deposits` pre-commit deposits of spare balance.
fn setup(h: &ActorHarness, deposits: i64) -> fil_actors_runtime::test_utils::MockRuntime {
    let rt = h.setup();
    rt.set_epoch(200);
    let balance = rt.balance.borrow().clone();
    rt.set_balance(balance + h.precommit_deposit() * deposits);
    rt
}

#[test]
fn precommit_batch_locks_deposits_and_starts_cron() {
    let h = ActorHarness::default();
    let rt = setup(&h, 3);
    let expiration = h.min_expiration(&rt, 100);
    let before = h.state(&rt);
    assert!(!before.deadline_cron_active);

    // Out of order on purpose: events come in sector number order.
    let onchain = h.precommit_sectors(
        &rt,
        vec![
            h.precommit_info(&rt, 101, expiration),
            h.precommit_info(&rt, 100, expiration),
        ],
    );

    let deposit = h.precommit_deposit();
    assert!(deposit.is_positive());
    let st = h.state(&rt);
    assert_eq!(st.pre_commit_deposits, &deposit * 2);
    assert!(st.deadline_cron_active);
    for (pc, n) in onchain.iter().zip([101, 100]) {
        assert_eq!(pc.info, h.precommit_info(&rt, n, expiration));
        assert_eq!(pc.pre_commit_deposit, deposit);
        assert_eq!(pc.pre_commit_epoch, 200);
    }
    assert_eq!(h.get_available_balance(&rt).available_balance, deposit);
    // Both numbers are now allocated: pre-committing either again collides.
    let res = h.precommit_sectors_from(&rt, WORKER, vec![h.precommit_info(&rt, 100, expiration)]);
    expect_abort(ExitCode::USR_ILLEGAL_ARGUMENT, "already allocated", res);
    h.check_state(&rt);
}

#[test]
fn unproven_precommits_are_cleaned_up_after_the_prove_window() {
    let h = ActorHarness::default();
    let rt = setup(&h, 1);
    let expiration = h.min_expiration(&rt, 0);
    h.precommit_sectors(&rt, vec![h.precommit_info(&rt, 7, expiration)]);
    let cleanup = 200
        + max_prove_commit_duration(&rt.policy, SEAL_PROOF).unwrap()
        + rt.policy.expired_pre_commit_clean_up_delay;
    // Not yet due at the clean-up epoch's predecessor (queue quantized up to a deadline start).
    let mut st = h.state(&rt);
    assert_eq!(
        st.cleanup_expired_pre_commits(&rt.policy, &rt.store, cleanup - 1)
            .unwrap(),
        (atto(0), 0)
    );
    let mut st2 = h.state(&rt);
    let quantized = st2
        .quant_spec_every_deadline(&rt.policy)
        .quantize_up(cleanup);
    assert_eq!(
        st2.cleanup_expired_pre_commits(&rt.policy, &rt.store, quantized)
            .unwrap(),
        (h.precommit_deposit(), 1)
    );
    assert_eq!(st2.pre_commit_deposits, atto(0));
    assert!(st.get_precommitted_sector(&rt.store, 7).unwrap().is_some());
    assert!(st2.get_precommitted_sector(&rt.store, 7).unwrap().is_none());
    h.check_state(&rt);
}

#[test]
fn second_precommit_does_not_enroll_cron_again_and_control_addresses_may_call() {
    let h = ActorHarness::default();
    let rt = setup(&h, 3);
    let expiration = h.min_expiration(&rt, 0);
    h.precommit_sectors_from(&rt, CONTROL_1, vec![h.precommit_info(&rt, 1, expiration)])
        .unwrap();
    // The harness expects no enrollment once the cron is active; an extra send would panic.
    h.precommit_sectors_from(&rt, OWNER, vec![h.precommit_info(&rt, 2, expiration)])
        .unwrap();
    h.precommit_sectors_from(&rt, CONTROL_2, vec![h.precommit_info(&rt, 3, expiration)])
        .unwrap();
    assert_eq!(h.state(&rt).pre_commit_deposits, h.precommit_deposit() * 3);
    h.check_state(&rt);
}

#[test]
fn fee_debt_is_repaid_and_the_deposit_comes_from_what_remains() {
    let h = ActorHarness::default();
    let rt = setup(&h, 1);
    let mut st = h.state(&rt);
    st.fee_debt = atto(10);
    rt.replace_state(&st);
    let expiration = h.min_expiration(&rt, 0);
    // Available balance is one deposit less the debt: not enough.
    let res = h.precommit_sectors_from(&rt, WORKER, vec![h.precommit_info(&rt, 1, expiration)]);
    expect_abort(ExitCode::USR_INSUFFICIENT_FUNDS, "insufficient funds", res);
    assert_eq!(h.state(&rt), st);

    let balance = rt.balance.borrow().clone();
    rt.set_balance(balance + atto(10));
    h.precommit_sectors_from(&rt, WORKER, vec![h.precommit_info(&rt, 1, expiration)])
        .unwrap();
    let st = h.state(&rt);
    assert_eq!(st.fee_debt, atto(0));
    assert_eq!(st.pre_commit_deposits, h.precommit_deposit());
    h.check_state(&rt);
}

#[test]
fn debt_beyond_the_unlocked_balance_aborts() {
    let h = ActorHarness::default();
    let rt = setup(&h, 1);
    let mut st = h.state(&rt);
    st.fee_debt = h.precommit_deposit() + atto(1);
    rt.replace_state(&st);
    let expiration = h.min_expiration(&rt, 0);
    let res = h.precommit_sectors_from(&rt, WORKER, vec![h.precommit_info(&rt, 1, expiration)]);
    expect_abort(
        ExitCode::USR_INSUFFICIENT_FUNDS,
        "can not repay fee debt",
        res,
    );
    assert_eq!(h.state(&rt), st);
    h.check_state(&rt);
}

#[test]
fn insufficient_balance_for_deposits_aborts() {
    let h = ActorHarness::default();
    let rt = setup(&h, 2);
    let balance = rt.balance.borrow().clone();
    rt.set_balance(balance - atto(1));
    let before = h.state(&rt);
    let expiration = h.min_expiration(&rt, 0);
    let res = h.precommit_sectors_from(
        &rt,
        WORKER,
        vec![
            h.precommit_info(&rt, 1, expiration),
            h.precommit_info(&rt, 2, expiration),
        ],
    );
    expect_abort(
        ExitCode::USR_INSUFFICIENT_FUNDS,
        "for pre-commit deposit",
        res,
    );
    assert_eq!(h.state(&rt), before);
    h.check_state(&rt);
}

#[test]
fn caller_must_control_the_miner() {
    let h = ActorHarness::default();
    let rt = setup(&h, 1);
    let before = h.state(&rt);
    let expiration = h.min_expiration(&rt, 0);
    let res = h.precommit_sectors_from(&rt, OTHER, vec![h.precommit_info(&rt, 1, expiration)]);
    expect_abort(ExitCode::USR_FORBIDDEN, "", res);
    assert_eq!(h.state(&rt), before);
    h.check_state(&rt);
}

#[test]
fn active_consensus_fault_forbids_precommit() {
    let h = ActorHarness::default();
    let rt = setup(&h, 1);
    let mut info = h.info(&rt);
    info.consensus_fault_elapsed = 200;
    let mut st = h.state(&rt);
    st.save_info(&rt.store, &info).unwrap();
    rt.replace_state(&st);
    let expiration = h.min_expiration(&rt, 0);
    let res = h.precommit_sectors_from(&rt, WORKER, vec![h.precommit_info(&rt, 1, expiration)]);
    expect_abort(ExitCode::USR_FORBIDDEN, "active consensus fault", res);
    assert_eq!(h.state(&rt), st);
    // The fault has elapsed at the next epoch.
    rt.set_epoch(201);
    let expiration = h.min_expiration(&rt, 0);
    h.precommit_sectors_from(&rt, WORKER, vec![h.precommit_info(&rt, 1, expiration)])
        .unwrap();
    h.check_state(&rt);
}

/// Each malformed declaration aborts with `USR_ILLEGAL_ARGUMENT` before anything is sent.
#[test]
fn malformed_declarations_are_rejected() {
    let h = ActorHarness::default();
    let rt = setup(&h, 2);
    let before = h.state(&rt);
    let expiration = h.min_expiration(&rt, 0);
    let ok = h.precommit_info(&rt, 1, expiration);
    let with = |f: &dyn Fn(&mut SectorPreCommitInfo)| {
        let mut pc = ok.clone();
        f(&mut pc);
        pc
    };
    let cases: Vec<(Vec<SectorPreCommitInfo>, &str)> = vec![
        (vec![], "batch empty"),
        (vec![ok.clone(), ok.clone()], "duplicate sector number 1"),
        (
            vec![with(&|pc| {
                pc.seal_proof = RegisteredSealProof::StackedDRG32GiBV1
            })],
            "unsupported seal proof type",
        ),
        (
            vec![with(&|pc| pc.sector_number = MAX_SECTOR_NUMBER + 1)],
            "sector number 9223372036854775808 greater than maximum 9223372036854775807",
        ),
        (
            vec![with(&|pc| pc.sector_number = u64::MAX)],
            "sector number 18446744073709551615 greater than maximum 9223372036854775807",
        ),
        (vec![with(&|pc| pc.sealed_cid = piece_cid(1))], "sealed CID"),
        (
            vec![with(&|pc| {
                pc.unsealed_cid = CompactCommD::of(sealed_cid(1))
            })],
            "unsealed CID",
        ),
        (
            vec![with(&|pc| pc.seal_rand_epoch = 200)],
            "must be before now 200",
        ),
        (
            vec![with(&|pc| {
                pc.seal_rand_epoch = 200 - rt.policy.max_pre_commit_randomness_lookback - 1
            })],
            "too old",
        ),
        (
            vec![with(&|pc| pc.expiration = expiration - 1)],
            "must exceed",
        ),
        (
            vec![with(&|pc| {
                pc.expiration = 200 + rt.policy.max_sector_expiration_extension + 1
            })],
            "cannot be more than",
        ),
        (
            vec![with(&|pc| pc.expiration = 0)],
            "must be after activation",
        ),
    ];
    for (sectors, fragment) in cases {
        as_caller(&rt, WORKER);
        let res = call::<_, ()>(
            &rt,
            Method::PreCommitSectorBatch2,
            Some(&PreCommitSectorBatchParams2 { sectors }),
        );
        rt.reset();
        expect_abort(ExitCode::USR_ILLEGAL_ARGUMENT, fragment, res);
        assert_eq!(h.state(&rt), before);
    }
    h.check_state(&rt);
}

#[test]
fn seal_proof_must_match_the_miners_post_proof() {
    let h = ActorHarness::default();
    let rt = setup(&h, 1);
    let before = h.state(&rt);
    let mut pc = h.precommit_info(&rt, 1, h.min_expiration(&rt, 0));
    pc.seal_proof = RegisteredSealProof::StackedDRG64GiBV1P1;
    let res = h.precommit_sectors_from(&rt, WORKER, vec![pc]);
    expect_abort(
        ExitCode::USR_ILLEGAL_ARGUMENT,
        "must match miner Window PoSt proof type",
        res,
    );
    assert_eq!(h.state(&rt), before);
    h.check_state(&rt);
}

#[test]
fn deals_are_verified_by_the_market_against_the_declared_commd() {
    let h = ActorHarness::default();
    let rt = setup(&h, 1);
    let before = h.state(&rt);
    let mut pc = h.precommit_info(&rt, 1, h.min_expiration(&rt, 0));
    pc.deal_ids = vec![5, 6];
    pc.unsealed_cid = CompactCommD::of(piece_cid(42));

    // The market computes a different CommD.
    let res =
        h.precommit_sectors_with_market(&rt, WORKER, vec![pc.clone()], vec![Some(piece_cid(43))]);
    expect_abort(ExitCode::USR_ILLEGAL_ARGUMENT, "CommDs not equal", res);
    assert_eq!(h.state(&rt), before);

    h.precommit_sectors_with_market(&rt, WORKER, vec![pc.clone()], vec![Some(piece_cid(42))])
        .unwrap();
    let stored = h
        .state(&rt)
        .get_precommitted_sector(&rt.store, 1)
        .unwrap()
        .unwrap();
    assert_eq!(stored.info.deal_ids, vec![5, 6]);
    h.check_state(&rt);
}

#[test]
fn too_many_deals_for_the_sector_size() {
    let h = ActorHarness::default();
    let rt = setup(&h, 1);
    let mut pc = h.precommit_info(&rt, 1, h.min_expiration(&rt, 0));
    // 32 GiB / 128 MiB = 256 deals at most.
    pc.deal_ids = (0..257).collect();
    let res = h.precommit_sectors_with_market(&rt, WORKER, vec![pc], vec![None]);
    expect_abort(
        ExitCode::USR_ILLEGAL_ARGUMENT,
        "too many deals for sector 257 > 256",
        res,
    );
    h.check_state(&rt);
}

#[test]
fn allocated_sector_numbers_record_the_precommit() {
    let h = ActorHarness::default();
    let rt = setup(&h, 1);
    let expiration = h.min_expiration(&rt, 0);
    h.precommit_sectors(&rt, vec![h.precommit_info(&rt, 3, expiration)]);
    let mut allocated = BitField::new();
    allocated.set(3);
    let st = h.state(&rt);
    let stored: BitField = fvm_ipld_encoding::CborStore::get_cbor(&rt.store, &st.allocated_sectors)
        .unwrap()
        .unwrap();
    assert_eq!(stored, allocated);
    h.check_state(&rt);
}
