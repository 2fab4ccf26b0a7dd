//! ProveCommitSectorsNI (FIP-0090): sectors committed without pre-commitment into a chosen
//! deadline, partial failures, and every rejection.

mod harness;

use fil_actor_miner::{
    daily_proof_fee, CollisionPolicy, Method, ProveCommitSectorsNIParams,
    ProveCommitSectorsNIReturn, SectorNIActivationInfo, SectorOnChainInfoFlags,
};
use fil_actors_runtime::runtime::DomainSeparationTag;
use fil_actors_runtime::test_utils::expect_abort;
use fil_actors_runtime::test_utils::MockRuntime;
use fil_actors_runtime::{ActorError, BatchReturn, FailCode};
use fvm_ipld_bitfield::BitField;
use fvm_ipld_encoding::RawBytes;
use fvm_shared::bigint::BigInt;
use fvm_shared::econ::TokenAmount;
use fvm_shared::error::ExitCode;
use fvm_shared::sector::{RegisteredAggregateProof, RegisteredSealProof};
use harness::commit::*;
use harness::*;

/// A constructed miner at epoch 1000 with 1,000 FIL spare.
fn setup(h: &ActorHarness) -> MockRuntime {
    let rt = h.setup();
    rt.set_epoch(1000);
    let balance = rt.balance.borrow().clone();
    rt.set_balance(balance + TokenAmount::from_whole(1000));
    rt
}

fn expiration(rt: &MockRuntime) -> i64 {
    rt.epoch.get() + rt.policy.min_sector_expiration + 100
}

#[test]
fn ni_commit_places_sectors_in_the_chosen_deadline() {
    let h = ActorHarness::default();
    let rt = setup(&h);
    let deadline = h.mutable_deadline(&rt);
    let exp = expiration(&rt);
    let sectors = h.prove_commit_sectors_ni(&rt, &[20, 21], exp);

    let power = BigInt::from(SECTOR_SIZE as u64);
    let st = h.state(&rt);
    for (s, n) in sectors.iter().zip([20, 21]) {
        assert_eq!(s.sector_number, n);
        assert_eq!(s.seal_proof, NI_SEAL_PROOF);
        assert_eq!(s.sealed_cid, sealed_cid(n));
        assert_eq!(s.activation, 1000);
        assert_eq!(s.power_base_epoch, 1000);
        assert_eq!(s.expiration, exp);
        assert_eq!(s.deal_weight, BigInt::from(0));
        assert_eq!(s.verified_deal_weight, BigInt::from(0));
        assert_eq!(s.initial_pledge, h.expected_initial_pledge(&rt, &power));
        assert_eq!(s.daily_fee, daily_proof_fee(&h.circulating_supply, &power));
        assert_eq!(s.flags, SectorOnChainInfoFlags::SIMPLE_QA_POWER);
        assert_eq!(st.find_sector(&rt.store, n).unwrap().0, deadline);
    }
    assert_eq!(
        st.initial_pledge,
        h.expected_initial_pledge(&rt, &power) * 2
    );
    assert!(st.deadline_cron_active);
    // The numbers are allocated.
    let mut st2 = st.clone();
    let res = st2.allocate_sector_numbers(
        &rt.store,
        &BitField::try_from_bits([20]).unwrap(),
        CollisionPolicy::DenyCollisions,
    );
    expect_abort(ExitCode::USR_ILLEGAL_ARGUMENT, "already allocated", res);
    h.check_state(&rt);
}

#[test]
fn invalid_sectors_fail_alone_unless_success_is_required() {
    let h = ActorHarness::default();
    let rt = setup(&h);
    let deadline = h.mutable_deadline(&rt);
    let exp = expiration(&rt);
    let mut foreign = h.ni_sector(&rt, 31, exp);
    foreign.sealer_id = 999;
    let mut renumbered = h.ni_sector(&rt, 32, exp);
    renumbered.sealing_number = 33;
    let mut stale = h.ni_sector(&rt, 34, exp);
    stale.seal_rand_epoch = 1000 - fil_actor_miner::MAX_PROVE_COMMIT_NI_RANDOMNESS_LOOKBACK - 1;
    let mut short = h.ni_sector(&rt, 35, exp);
    short.expiration = 1000 + rt.policy.min_sector_expiration - 1;
    let mut bad_cid = h.ni_sector(&rt, 36, exp);
    bad_cid.sealed_cid = piece_cid(36);
    let sectors = vec![
        h.ni_sector(&rt, 30, exp),
        foreign,
        renumbered,
        stale,
        short,
        bad_cid,
    ];

    let before = h.state(&rt);
    let strict = ProveCommitSectorsNIParams {
        sectors: sectors.clone(),
        aggregate_proof: RawBytes::new(vec![0xaa; 32]),
        seal_proof_type: NI_SEAL_PROOF,
        aggregate_proof_type: RegisteredAggregateProof::SnarkPackV2,
        proving_deadline: deadline,
        require_activation_success: true,
    };
    as_caller(&rt, WORKER);
    rt.expect_validate_caller_addr(h.controlling(&rt));
    for s in &sectors[..2] {
        rt.expect_get_randomness_from_tickets(
            DomainSeparationTag::SealRandomness,
            s.seal_rand_epoch,
            entropy(),
            TICKET,
        );
    }
    let res = finish(
        &rt,
        call::<_, ProveCommitSectorsNIReturn>(&rt, Method::ProveCommitSectorsNI, Some(&strict)),
    );
    expect_abort(
        ExitCode::USR_ILLEGAL_ARGUMENT,
        "invalid NI commit 1 (sector 31)",
        res,
    );
    assert_eq!(h.state(&rt), before);

    let ret = h
        .prove_commit_sectors_ni_from(&rt, WORKER, sectors, deadline, &[31, 32, 34, 35, 36])
        .unwrap();
    let fails = (1..6)
        .map(|idx| FailCode {
            idx,
            code: ExitCode::USR_ILLEGAL_ARGUMENT,
        })
        .collect();
    assert_eq!(
        ret.activation_results,
        BatchReturn {
            success_count: 1,
            fail_codes: fails
        }
    );
    let st = h.state(&rt);
    assert!(st.get_sector(&rt.store, 30).unwrap().is_some());
    assert!(st.get_sector(&rt.store, 31).unwrap().is_none());
    h.check_state(&rt);
}

fn call_ni(
    h: &ActorHarness,
    rt: &MockRuntime,
    params: &ProveCommitSectorsNIParams,
) -> Result<ProveCommitSectorsNIReturn, ActorError> {
    as_caller(rt, WORKER);
    rt.expect_validate_caller_addr(h.controlling(rt));
    for s in &params.sectors {
        rt.expect_get_randomness_from_tickets(
            DomainSeparationTag::SealRandomness,
            s.seal_rand_epoch,
            entropy(),
            TICKET,
        );
    }
    let res = call(rt, Method::ProveCommitSectorsNI, Some(params)).map(|r| r.unwrap());
    finish(rt, res)
}

#[test]
fn rejections() {
    let h = ActorHarness::default();
    let rt = setup(&h);
    let exp = expiration(&rt);
    let deadline = h.mutable_deadline(&rt);
    let base = ProveCommitSectorsNIParams {
        sectors: vec![h.ni_sector(&rt, 1, exp)],
        aggregate_proof: RawBytes::new(vec![0xaa; 32]),
        seal_proof_type: NI_SEAL_PROOF,
        aggregate_proof_type: RegisteredAggregateProof::SnarkPackV2,
        proving_deadline: deadline,
        require_activation_success: true,
    };
    let before = h.state(&rt);
    let with = |f: &dyn Fn(&mut ProveCommitSectorsNIParams)| {
        let mut p = base.clone();
        f(&mut p);
        p
    };
    let current = h.state(&rt).deadline_info(&rt.policy, 1000).index;
    let cases: Vec<(ProveCommitSectorsNIParams, ExitCode, &str)> = vec![
        (
            with(&|p| p.sectors.clear()),
            ExitCode::USR_ILLEGAL_ARGUMENT,
            "too few sectors",
        ),
        (
            with(&|p| p.sectors = (0..66).map(|n| h.ni_sector(&rt, n, exp)).collect()),
            ExitCode::USR_ILLEGAL_ARGUMENT,
            "too many sectors addressed, addressed 66 want <= 65",
        ),
        (
            with(&|p| p.aggregate_proof = RawBytes::new(vec![0; 81961])),
            ExitCode::USR_ILLEGAL_ARGUMENT,
            "exceeds max size",
        ),
        (
            with(&|p| p.proving_deadline = 48),
            ExitCode::USR_ILLEGAL_ARGUMENT,
            "proving deadline index 48 invalid",
        ),
        (
            with(&|p| p.proving_deadline = current),
            ExitCode::USR_FORBIDDEN,
            "must not be the current or next",
        ),
        (
            with(&|p| p.seal_proof_type = RegisteredSealProof::StackedDRG32GiBV1P1),
            ExitCode::USR_ILLEGAL_ARGUMENT,
            "unsupported seal proof type",
        ),
        (
            with(&|p| p.aggregate_proof_type = RegisteredAggregateProof::SnarkPackV1),
            ExitCode::USR_ILLEGAL_ARGUMENT,
            "must be SnarkPackV2",
        ),
    ];
    for (params, code, fragment) in cases {
        as_caller(&rt, WORKER);
        rt.expect_validate_caller_addr(h.controlling(&rt));
        let res = finish(
            &rt,
            call::<_, ProveCommitSectorsNIReturn>(&rt, Method::ProveCommitSectorsNI, Some(&params)),
        );
        expect_abort(code, fragment, res);
        assert_eq!(h.state(&rt), before);
    }

    // Validation aborts: duplicates and randomness from the future.
    let dup = with(&|p| p.sectors = vec![h.ni_sector(&rt, 1, exp), h.ni_sector(&rt, 1, exp)]);
    as_caller(&rt, WORKER);
    rt.expect_validate_caller_addr(h.controlling(&rt));
    rt.expect_get_randomness_from_tickets(
        DomainSeparationTag::SealRandomness,
        999,
        entropy(),
        TICKET,
    );
    let res = finish(
        &rt,
        call::<_, ProveCommitSectorsNIReturn>(&rt, Method::ProveCommitSectorsNI, Some(&dup)),
    );
    expect_abort(
        ExitCode::USR_ILLEGAL_ARGUMENT,
        "duplicate sector number 1",
        res,
    );
    let future = with(&|p| p.sectors[0].seal_rand_epoch = 1000);
    let res = finish(&rt, {
        as_caller(&rt, WORKER);
        rt.expect_validate_caller_addr(h.controlling(&rt));
        call::<_, ProveCommitSectorsNIReturn>(&rt, Method::ProveCommitSectorsNI, Some(&future))
    });
    expect_abort(
        ExitCode::USR_ILLEGAL_ARGUMENT,
        "must be before now 1000",
        res,
    );

    // Wrong caller.
    as_caller(&rt, OTHER);
    rt.expect_validate_caller_addr(h.controlling(&rt));
    let res = finish(
        &rt,
        call::<_, ProveCommitSectorsNIReturn>(&rt, Method::ProveCommitSectorsNI, Some(&base)),
    );
    expect_abort(ExitCode::USR_FORBIDDEN, "", res);

    // An active consensus fault.
    let mut info = h.info(&rt);
    info.consensus_fault_elapsed = 1000;
    let mut st = h.state(&rt);
    st.save_info(&rt.store, &info).unwrap();
    rt.replace_state(&st);
    as_caller(&rt, WORKER);
    rt.expect_validate_caller_addr(h.controlling(&rt));
    let res = finish(
        &rt,
        call::<_, ProveCommitSectorsNIReturn>(&rt, Method::ProveCommitSectorsNI, Some(&base)),
    );
    expect_abort(ExitCode::USR_FORBIDDEN, "active consensus fault", res);
    h.check_state(&rt);
}

#[test]
fn aggregate_verification_failure_aborts() {
    let h = ActorHarness::default();
    let rt = setup(&h);
    let exp = expiration(&rt);
    let before = h.state(&rt);
    let sector: SectorNIActivationInfo = h.ni_sector(&rt, 1, exp);
    let params = ProveCommitSectorsNIParams {
        sectors: vec![sector.clone()],
        aggregate_proof: RawBytes::new(vec![0xaa; 32]),
        seal_proof_type: NI_SEAL_PROOF,
        aggregate_proof_type: RegisteredAggregateProof::SnarkPackV2,
        proving_deadline: h.mutable_deadline(&rt),
        require_activation_success: true,
    };
    rt.expect_aggregate_verify_seals(
        fvm_shared::sector::AggregateSealVerifyProofAndInfos {
            miner: MINER.id().unwrap(),
            seal_proof: NI_SEAL_PROOF,
            aggregate_proof: RegisteredAggregateProof::SnarkPackV2,
            proof: vec![0xaa; 32],
            infos: vec![fvm_shared::sector::AggregateSealVerifyInfo {
                sector_number: 1,
                randomness: fvm_shared::randomness::Randomness(TICKET.to_vec()),
                interactive_randomness: fvm_shared::randomness::Randomness(vec![1; 32]),
                sealed_cid: sector.sealed_cid,
                unsealed_cid: fil_actor_miner::CompactCommD::empty()
                    .get_cid(NI_SEAL_PROOF)
                    .unwrap(),
            }],
        },
        Err("bad aggregate".into()),
    );
    let res = call_ni(&h, &rt, &params);
    expect_abort(
        ExitCode::USR_ILLEGAL_ARGUMENT,
        "aggregate seal verify failed",
        res,
    );
    assert_eq!(h.state(&rt), before);
    h.check_state(&rt);
}

#[test]
fn pledge_must_fit_the_unlocked_balance() {
    let h = ActorHarness::default();
    let rt = h.setup();
    rt.set_epoch(1000);
    let exp = expiration(&rt);
    let before = h.state(&rt);
    let res = h.prove_commit_sectors_ni_from(
        &rt,
        WORKER,
        vec![h.ni_sector(&rt, 1, exp)],
        h.mutable_deadline(&rt),
        &[],
    );
    expect_abort(
        ExitCode::USR_INSUFFICIENT_FUNDS,
        "initial pledge requirement",
        res,
    );
    assert_eq!(h.state(&rt), before);
    h.check_state(&rt);
}
