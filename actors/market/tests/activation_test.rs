//! Deals entering sectors: `VerifyDealsForActivation` (CommD per sector, every refusal with its
//! code), `BatchActivateDeals` (the seed's result shape, sectors failing alone with their codes,
//! allocation IDs and unsealed CIDs) and `SectorContentChanged` (each piece accepted or refused
//! on its own), with `deal-activated` for each deal activated and only those.

mod harness;

use fil_actor_market::ext::miner::{
    PieceReturn, SectorChanges, SectorContentChangedParams, SectorContentChangedReturn,
    SECTOR_CONTENT_CHANGED,
};
use fil_actor_market::{
    ActivatedDeal, BatchActivateDealsParams, BatchActivateDealsResult, DealProposal, Method,
    SectorDealActivation, SectorDeals, VerifyDealsForActivationParams,
    VerifyDealsForActivationReturn, EX_DEAL_EXPIRED,
};
use fil_actors_runtime::test_utils::{expect_code, ExpectedComputeUnsealedSectorCid, MockRuntime};
use fil_actors_runtime::{BatchReturn, FailCode, Type};
use fvm_ipld_encoding::RawBytes;
use fvm_shared::clock::ChainEpoch;
use fvm_shared::error::ExitCode;
use fvm_shared::piece::{PaddedPieceSize, PieceInfo};
use fvm_shared::sector::RegisteredSealProof;
use harness::*;

const PROOF: RegisteredSealProof = RegisteredSealProof::StackedDRG32GiBV1P1;
const EXPIRY: ChainEpoch = START + 400 * 2880;

/// Four deals with PROVIDER (deal 1 verified, allocation 500), one with PROVIDER2 (deal 4).
fn published() -> (MockRuntime, Vec<DealProposal>) {
    let rt = setup();
    add_balance(&rt, CLIENT, CLIENT, atto(100_000_000));
    add_balance(&rt, OWNER, PROVIDER, atto(100_000));
    let deals = vec![
        proposal(CLIENT, 1),
        verified(proposal(CLIENT, 2)),
        proposal(CLIENT, 3),
        proposal(CLIENT, 4),
    ];
    let signed_deals: Vec<_> = deals.iter().cloned().map(signed).collect();
    publish_deals(&rt, &signed_deals);
    let mut all = deals;
    all.push(publish_for_provider2(&rt));
    rt.set_epoch(START - 100);
    (rt, all)
}

/// Deal 4, published by PROVIDER2's worker.
fn publish_for_provider2(rt: &MockRuntime) -> DealProposal {
    add_balance(rt, OWNER2, PROVIDER2, atto(1000));
    let mut p = proposal(CLIENT, 5);
    p.provider = PROVIDER2;
    let d = signed(p.clone());
    as_account(rt, WORKER2);
    rt.expect_validate_caller_any();
    rt.expect_send_simple(
        PROVIDER2,
        fil_actor_market::ext::miner::IS_CONTROLLING_ADDRESS_EXPORTED,
        block(&WORKER2),
        Default::default(),
        block(&true),
        ExitCode::OK,
    );
    expect_network_queries(rt);
    expect_authenticate(rt, &d, Auth::Valid);
    expect_notify(rt, &p, 4, ExitCode::OK);
    rt.expect_emitted_event(deal_event("deal-published", 4, CLIENT, PROVIDER2));
    call(
        rt,
        Method::PublishStorageDeals as u64,
        &fil_actor_market::PublishStorageDealsParams { deals: vec![d] },
    )
    .unwrap();
    p
}

fn sector(number: u64, deal_ids: Vec<u64>, proof: RegisteredSealProof) -> SectorDeals {
    SectorDeals {
        sector_number: number,
        sector_type: proof,
        sector_expiry: EXPIRY,
        deal_ids,
    }
}

fn expect_commd(
    rt: &MockRuntime,
    proof: RegisteredSealProof,
    deals: &[&DealProposal],
    result: Result<cid::Cid, String>,
) {
    rt.expect_compute_unsealed_sector_cid(ExpectedComputeUnsealedSectorCid {
        proof_type: proof,
        pieces: deals
            .iter()
            .map(|p| PieceInfo {
                cid: p.piece_cid,
                size: p.piece_size,
            })
            .collect(),
        result,
    });
}

fn verify(
    rt: &MockRuntime,
    miner: fvm_shared::address::Address,
    sectors: Vec<SectorDeals>,
) -> Result<VerifyDealsForActivationReturn, fil_actors_runtime::ActorError> {
    as_miner(rt, miner);
    rt.expect_validate_caller_type(vec![Type::Miner]);
    call(
        rt,
        Method::VerifyDealsForActivation as u64,
        &VerifyDealsForActivationParams { sectors },
    )
    .map(ret)
}

#[test]
fn verify_returns_each_sectors_commd() {
    let (rt, deals) = published();
    let before = rt.state.get();
    let commd = piece_cid(200);
    expect_commd(&rt, PROOF, &[&deals[2], &deals[0]], Ok(commd));
    let r = verify(
        &rt,
        PROVIDER,
        vec![sector(1, vec![2, 0], PROOF), sector(2, vec![], PROOF)],
    )
    .unwrap();
    assert_eq!(r.unsealed_cids, vec![Some(commd), None]);
    // Verification changes nothing.
    assert_eq!(rt.state.get(), before);
    check_state(&rt);
}

#[test]
fn verify_refuses_with_v18s_codes() {
    let (rt, deals) = published();
    let small = RegisteredSealProof::StackedDRG2KiBV1P1;
    let cases: Vec<(Vec<SectorDeals>, fvm_shared::address::Address, ExitCode)> = vec![
        (
            vec![sector(1, vec![0, 0], PROOF)],
            PROVIDER,
            ExitCode::USR_ILLEGAL_ARGUMENT,
        ),
        (
            vec![sector(1, vec![9], PROOF)],
            PROVIDER,
            ExitCode::USR_NOT_FOUND,
        ),
        (
            vec![sector(1, vec![4], PROOF)],
            PROVIDER,
            ExitCode::USR_FORBIDDEN,
        ),
        (
            vec![sector(1, vec![0], PROOF)],
            PROVIDER2,
            ExitCode::USR_FORBIDDEN,
        ),
        (
            vec![SectorDeals {
                sector_expiry: START + DURATION - 1,
                ..sector(1, vec![0], PROOF)
            }],
            PROVIDER,
            ExitCode::USR_ILLEGAL_ARGUMENT,
        ),
        // Two 2 KiB pieces do not fit in a 2 KiB sector.
        (
            vec![sector(1, vec![0, 2], small)],
            PROVIDER,
            ExitCode::USR_ILLEGAL_ARGUMENT,
        ),
        (
            vec![sector(1, vec![0], RegisteredSealProof::Invalid(99))],
            PROVIDER,
            ExitCode::USR_ILLEGAL_ARGUMENT,
        ),
    ];
    for (sectors, miner, code) in cases {
        expect_code(verify(&rt, miner, sectors.clone()), code);
    }
    // A failed CommD computation.
    expect_commd(&rt, PROOF, &[&deals[0]], Err("bad pieces".into()));
    expect_code(
        verify(&rt, PROVIDER, vec![sector(1, vec![0], PROOF)]),
        ExitCode::USR_ILLEGAL_ARGUMENT,
    );
    // Past a deal's start epoch.
    rt.set_epoch(START + 1);
    expect_code(
        verify(&rt, PROVIDER, vec![sector(1, vec![0], PROOF)]),
        EX_DEAL_EXPIRED,
    );
    // Only miners call it.
    as_account(&rt, WORKER);
    rt.expect_validate_caller_type(vec![Type::Miner]);
    expect_code(
        call(
            &rt,
            Method::VerifyDealsForActivation as u64,
            &VerifyDealsForActivationParams { sectors: vec![] },
        ),
        ExitCode::USR_FORBIDDEN,
    );
    check_state(&rt);
}

fn batch_activate(
    rt: &MockRuntime,
    sectors: Vec<SectorDeals>,
    compute_cid: bool,
) -> Result<BatchActivateDealsResult, fil_actors_runtime::ActorError> {
    as_miner(rt, PROVIDER);
    rt.expect_validate_caller_type(vec![Type::Miner]);
    call(
        rt,
        Method::BatchActivateDeals as u64,
        &BatchActivateDealsParams {
            sectors,
            compute_cid,
        },
    )
    .map(ret)
}

fn activated(p: &DealProposal, allocation_id: u64) -> ActivatedDeal {
    ActivatedDeal {
        client: p.client.id().unwrap(),
        allocation_id,
        data: p.piece_cid,
        size: p.piece_size,
    }
}

#[test]
fn batch_activation_returns_the_seeds_result_and_sectors_fail_alone() {
    let (rt, deals) = published();
    let commd = piece_cid(201);
    expect_commd(&rt, PROOF, &[&deals[0], &deals[1]], Ok(commd));
    for id in [0, 1] {
        rt.expect_emitted_event(deal_event("deal-activated", id, CLIENT, PROVIDER));
    }
    let r = batch_activate(
        &rt,
        vec![
            sector(10, vec![0, 1], PROOF),
            // Deal 4 is PROVIDER2's: the whole sector fails, deal 2 included.
            sector(11, vec![2, 4], PROOF),
            sector(12, vec![], PROOF),
            // Deal 1 was activated by the first sector of this batch.
            sector(13, vec![3, 1], PROOF),
        ],
        true,
    )
    .unwrap();
    assert_eq!(
        r.activation_results,
        BatchReturn {
            success_count: 2,
            fail_codes: vec![
                FailCode {
                    idx: 1,
                    code: ExitCode::USR_FORBIDDEN
                },
                FailCode {
                    idx: 3,
                    code: ExitCode::USR_ILLEGAL_ARGUMENT
                },
            ],
        }
    );
    assert_eq!(
        r.activations,
        vec![
            SectorDealActivation {
                activated: vec![
                    activated(&deals[0], 0),
                    activated(&deals[1], FIRST_ALLOCATION_ID)
                ],
                unsealed_cid: Some(commd),
            },
            SectorDealActivation {
                activated: vec![],
                unsealed_cid: None
            },
        ]
    );
    for (id, sector_number) in [(0, Some(10)), (1, Some(10)), (2, None), (3, None)] {
        assert_eq!(
            deal(&rt, id)
                .1
                .map(|s| (s.sector_number, s.sector_start_epoch)),
            sector_number.map(|n| (n, START - 100))
        );
    }
    // As in v18, a sector activated without deals is indexed with an empty list.
    assert_eq!(
        sector_index(&rt, 1000),
        vec![(10, vec![0, 1]), (12, vec![])]
    );
    assert!(state(&rt)
        .load_pending_deal_allocation_ids(&rt.store)
        .unwrap()
        .is_empty());
    check_state(&rt);
}

#[test]
fn batch_activation_refuses_each_bad_sector_with_its_code() {
    let (rt, _) = published();
    rt.expect_emitted_event(deal_event("deal-activated", 3, CLIENT, PROVIDER));
    batch_activate(&rt, vec![sector(5, vec![3], PROOF)], false).unwrap();
    let before = rt.state.get();
    let cases = vec![
        (sector(1, vec![0, 0], PROOF), ExitCode::USR_ILLEGAL_ARGUMENT),
        (sector(1, vec![3], PROOF), ExitCode::USR_ILLEGAL_ARGUMENT),
        (sector(1, vec![77], PROOF), ExitCode::USR_NOT_FOUND),
        (
            SectorDeals {
                sector_expiry: START + DURATION - 1,
                ..sector(1, vec![0], PROOF)
            },
            ExitCode::USR_ILLEGAL_ARGUMENT,
        ),
    ];
    for (s, code) in cases {
        let r = batch_activate(&rt, vec![s], false).unwrap();
        assert_eq!(
            r.activation_results,
            BatchReturn {
                success_count: 0,
                fail_codes: vec![FailCode { idx: 0, code }]
            }
        );
        assert!(r.activations.is_empty());
    }
    rt.set_epoch(START + 1);
    let r = batch_activate(&rt, vec![sector(1, vec![0], PROOF)], false).unwrap();
    assert_eq!(
        r.activation_results.fail_codes,
        vec![FailCode {
            idx: 0,
            code: EX_DEAL_EXPIRED
        }]
    );
    assert_eq!(rt.state.get(), before);
    rt.set_epoch(START - 100);
    check_state(&rt);
}

#[test]
fn batch_activation_without_cid_computation_and_only_by_miners() {
    let (rt, deals) = published();
    rt.expect_emitted_event(deal_event("deal-activated", 2, CLIENT, PROVIDER));
    let r = batch_activate(&rt, vec![sector(3, vec![2], PROOF)], false).unwrap();
    assert_eq!(
        r.activations,
        vec![SectorDealActivation {
            activated: vec![activated(&deals[2], 0)],
            unsealed_cid: None
        }]
    );
    as_account(&rt, WORKER);
    rt.expect_validate_caller_type(vec![Type::Miner]);
    expect_code(
        call(
            &rt,
            Method::BatchActivateDeals as u64,
            &BatchActivateDealsParams {
                sectors: vec![],
                compute_cid: false,
            },
        ),
        ExitCode::USR_FORBIDDEN,
    );
    check_state(&rt);
}

#[test]
fn content_changed_accepts_or_refuses_each_piece() {
    let (rt, deals) = published();
    let mut wrong_size = piece_change(&deals[1], 1);
    wrong_size.size = PaddedPieceSize(4096);
    let mut wrong_cid = piece_change(&deals[2], 2);
    wrong_cid.data = piece_cid(99);
    let mut garbage = piece_change(&deals[3], 3);
    garbage.payload = RawBytes::new(vec![0x61, 0x61]);
    let params = SectorContentChangedParams {
        sectors: vec![
            SectorChanges {
                sector: 20,
                minimum_commitment_epoch: EXPIRY,
                added: vec![
                    piece_change(&deals[0], 0),
                    garbage,
                    wrong_size,
                    wrong_cid,
                    piece_change(&deals[0], 77),
                    piece_change(&deals[0], 0),
                    piece_change(&deals[4], 4),
                ],
            },
            // A commitment shorter than deal 3's term, then one long enough.
            SectorChanges {
                sector: 21,
                minimum_commitment_epoch: START + DURATION - 1,
                added: vec![piece_change(&deals[3], 3)],
            },
            SectorChanges {
                sector: 22,
                minimum_commitment_epoch: EXPIRY,
                added: vec![piece_change(&deals[3], 3)],
            },
        ],
    };
    as_miner(&rt, PROVIDER);
    rt.expect_validate_caller_type(vec![Type::Miner]);
    rt.expect_emitted_event(deal_event("deal-activated", 0, CLIENT, PROVIDER));
    rt.expect_emitted_event(deal_event("deal-activated", 3, CLIENT, PROVIDER));
    let r: SectorContentChangedReturn = ret(call(&rt, SECTOR_CONTENT_CHANGED, &params).unwrap());
    let accepted: Vec<Vec<bool>> = r
        .sectors
        .iter()
        .map(|s| s.added.iter().map(|p: &PieceReturn| p.accepted).collect())
        .collect();
    assert_eq!(
        accepted,
        vec![
            vec![true, false, false, false, false, false, false],
            vec![false],
            vec![true]
        ]
    );
    assert_eq!(
        sector_index(&rt, 1000),
        vec![(20, vec![0]), (21, vec![]), (22, vec![3])]
    );
    assert_eq!(deal(&rt, 3).1.unwrap().sector_number, 22);
    // Deal 1 stays pending with its allocation.
    assert_eq!(
        state(&rt)
            .load_pending_deal_allocation_ids(&rt.store)
            .unwrap()
            .get(&1)
            .unwrap(),
        Some(&FIRST_ALLOCATION_ID)
    );
    check_state(&rt);
}

#[test]
fn content_changed_is_for_miners_only() {
    let (rt, _) = published();
    let before = rt.state.get();
    as_account(&rt, WORKER);
    rt.expect_validate_caller_type(vec![Type::Miner]);
    expect_code(
        call(
            &rt,
            SECTOR_CONTENT_CHANGED,
            &SectorContentChangedParams { sectors: vec![] },
        ),
        ExitCode::USR_FORBIDDEN,
    );
    assert_eq!(rt.state.get(), before);
}
