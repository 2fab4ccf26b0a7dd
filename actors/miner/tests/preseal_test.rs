//! InternalSectorSetupForPreseal: genesis activation of pre-committed sectors by the system
//! actor, with and without market deals.

mod harness;

use fil_actor_miner::emit::sector_data_event;
use fil_actor_miner::ext::market::{
    ActivatedDeal, BatchActivateDealsParams, BatchActivateDealsResult, SectorDealActivation,
    SectorDeals, BATCH_ACTIVATE_DEALS_METHOD,
};
use fil_actor_miner::ext::verifreg::{ClaimAllocationsReturn, SectorClaimSummary};
use fil_actor_miner::{
    CompactCommD, InternalSectorSetupForPresealParams, Method, PieceActivationManifest,
};
use fil_actors_runtime::test_utils::expect_abort;
use fil_actors_runtime::test_utils::{builtin_code_cid, MockRuntime};
use fil_actors_runtime::{
    ActorError, BatchReturn, Type, STORAGE_MARKET_ACTOR_ADDR, SYSTEM_ACTOR_ADDR,
};
use fvm_ipld_encoding::ipld_block::IpldBlock;
use fvm_shared::bigint::BigInt;
use fvm_shared::econ::TokenAmount;
use fvm_shared::error::ExitCode;
use fvm_shared::piece::PaddedPieceSize;
use fvm_shared::sector::SectorNumber;
use harness::commit::*;
use harness::*;

fn setup(h: &ActorHarness) -> MockRuntime {
    let rt = h.setup();
    rt.set_epoch(200);
    let balance = rt.balance.borrow().clone();
    rt.set_balance(balance + TokenAmount::from_whole(1000));
    rt
}

/// The genesis figures: the harness's network, as passed in by the genesis builder.
fn preseal_params(
    h: &ActorHarness,
    sectors: Vec<SectorNumber>,
) -> InternalSectorSetupForPresealParams {
    InternalSectorSetupForPresealParams {
        sectors,
        reward_smoothed: h.reward_smoothed.clone(),
        reward_baseline_power: h.baseline_power.clone(),
        quality_adj_power_smoothed: h.qa_power_smoothed.clone(),
    }
}

fn call_preseal(
    rt: &MockRuntime,
    params: &InternalSectorSetupForPresealParams,
) -> Result<(), ActorError> {
    rt.expect_validate_caller_addr(vec![SYSTEM_ACTOR_ADDR]);
    let res = call::<_, ()>(rt, Method::InternalSectorSetupForPreseal, Some(params)).map(|_| ());
    finish(rt, res)
}

#[test]
fn preseal_activates_precommitted_sectors_and_skips_missing_ones() {
    let h = ActorHarness::default();
    let rt = setup(&h);
    let expiration = h.min_expiration(&rt, 0);
    let pcs = h.precommit_sectors(
        &rt,
        vec![
            h.precommit_info(&rt, 1, expiration),
            h.precommit_info(&rt, 2, expiration),
        ],
    );
    // No ramp at genesis, so the harness's pledge (ramp of length 0) applies.
    let expected: Vec<_> = pcs
        .iter()
        .map(|pc| h.expected_sector(&rt, &pc.info, 0, 0))
        .collect();
    let pledge: TokenAmount = expected.iter().map(|s| s.initial_pledge.clone()).sum();
    rt.set_caller(builtin_code_cid(Type::System), SYSTEM_ACTOR_ADDR);
    expect_pledge_update(&rt, &pledge);
    for n in [1, 2] {
        rt.expect_emitted_event(sector_data_event("sector-activated", n, None, &[]).unwrap());
    }
    call_preseal(&rt, &preseal_params(&h, vec![1, 2, 3])).unwrap();
    let st = h.state(&rt);
    for s in &expected {
        assert_eq!(
            &st.get_sector(&rt.store, s.sector_number).unwrap().unwrap(),
            s
        );
    }
    assert_eq!(st.pre_commit_deposits, TokenAmount::from_atto(0));
    assert_eq!(st.initial_pledge, pledge);
    h.check_state(&rt);
}

#[test]
fn preseal_activates_deals_and_claims_their_allocations() {
    let h = ActorHarness::default();
    let rt = setup(&h);
    let expiration = h.min_expiration(&rt, 0);
    let mut pc = h.precommit_info(&rt, 4, expiration);
    pc.deal_ids = vec![40, 41];
    pc.unsealed_cid = CompactCommD::of(piece_cid(400));
    h.precommit_sectors_from(&rt, WORKER, vec![pc.clone()])
        .unwrap();

    let deals = vec![
        ActivatedDeal {
            client: 110,
            allocation_id: 0,
            data: piece_cid(40),
            size: PaddedPieceSize(1 << 30),
        },
        ActivatedDeal {
            client: 111,
            allocation_id: 9,
            data: piece_cid(41),
            size: PaddedPieceSize(2 << 30),
        },
    ];
    rt.set_caller(builtin_code_cid(Type::System), SYSTEM_ACTOR_ADDR);
    rt.expect_send_simple(
        STORAGE_MARKET_ACTOR_ADDR,
        BATCH_ACTIVATE_DEALS_METHOD,
        IpldBlock::serialize_cbor(&BatchActivateDealsParams {
            sectors: vec![SectorDeals {
                sector_number: 4,
                sector_type: SEAL_PROOF,
                sector_expiry: expiration,
                deal_ids: vec![40, 41],
            }],
            compute_cid: false,
        })
        .unwrap(),
        TokenAmount::from_atto(0),
        IpldBlock::serialize_cbor(&BatchActivateDealsResult {
            activation_results: BatchReturn::ok(1),
            activations: vec![SectorDealActivation {
                activated: deals.clone(),
                unsealed_cid: None,
            }],
        })
        .unwrap(),
        ExitCode::OK,
    );
    let pieces: Vec<PieceActivationManifest> = deals
        .iter()
        .map(|d| PieceActivationManifest {
            cid: d.data,
            size: d.size,
            verified_allocation_key: None,
            notify: vec![],
        })
        .collect();
    let mut claimed = pieces.clone();
    claimed[1].verified_allocation_key =
        Some(fil_actor_miner::VerifiedAllocationKey { client: 111, id: 9 });
    expect_claim_allocations(
        &rt,
        allocation_claims(&[(4, expiration, &claimed[1..])]),
        true,
        ClaimAllocationsReturn {
            sector_results: BatchReturn::ok(1),
            sector_claims: vec![SectorClaimSummary {
                claimed_space: BigInt::from(2u64 << 30),
            }],
        },
    );
    let expected = h.expected_sector(&rt, &pc, 1 << 30, 2 << 30);
    expect_pledge_update(&rt, &expected.initial_pledge);
    rt.expect_emitted_event(
        sector_data_event("sector-activated", 4, Some(&piece_cid(400)), &pieces).unwrap(),
    );
    call_preseal(&rt, &preseal_params(&h, vec![4])).unwrap();
    assert_eq!(
        h.state(&rt).get_sector(&rt.store, 4).unwrap().unwrap(),
        expected
    );
    h.check_state(&rt);
}

#[test]
fn only_the_system_actor_may_preseal() {
    let h = ActorHarness::default();
    let rt = setup(&h);
    let before = h.state(&rt);
    as_caller(&rt, OWNER);
    let res = call_preseal(&rt, &preseal_params(&h, vec![1]));
    expect_abort(ExitCode::USR_FORBIDDEN, "", res);
    assert_eq!(h.state(&rt), before);
    h.check_state(&rt);
}
