//! Claims: `ClaimAllocations` by miners (each way a sector's claims can fail, all-or-nothing),
//! `GetClaims`, `ExtendClaimTerms` by the claim's client, claim extensions paid with new datacap
//! through the receiver hook, and `RemoveExpiredClaims`.

mod harness;

use fil_actor_verifreg::{
    AllocationRequests, AllocationsResponse, ClaimAllocationsReturn, ClaimTerm,
    ExtendClaimTermsParams, GetClaimsParams, GetClaimsReturn, Method, RemoveExpiredClaimsParams,
    RemoveExpiredClaimsReturn, SectorClaimSummary,
};
use fil_actors_runtime::test_utils::{expect_abort, expect_code, MockRuntime};
use fil_actors_runtime::{BatchReturn, FailCode, Type};
use fvm_shared::error::ExitCode;
use fvm_shared::piece::PaddedPieceSize;
use harness::*;

const NOW: i64 = 10_000;
/// A sector lifetime inside the default request's term range.
const LIFETIME: i64 = MIN_TERM + 10 * EPOCHS_IN_DAY;

fn setup_at_now() -> MockRuntime {
    let rt = setup();
    rt.set_epoch(NOW);
    rt
}

fn fail(idx: u32, code: ExitCode) -> FailCode {
    FailCode { idx, code }
}

#[test]
fn a_miner_claims_allocations_by_sector_and_the_datacap_is_burnt() {
    let rt = setup_at_now();
    let reqs = vec![
        alloc_request(PROVIDER, 1, 1024, NOW),
        alloc_request(PROVIDER, 2, 2048, NOW),
        alloc_request(PROVIDER, 3, 512, NOW),
    ];
    let ids = allocate(&rt, CLIENT, reqs.clone());
    let allocs: Vec<_> = reqs.iter().map(|r| allocation_of(CLIENT, r)).collect();
    rt.set_epoch(NOW + 5);
    let now = NOW + 5;
    // Sector 7 holds pieces 1 and 2, sector 8 piece 3.
    let c1 = claim_of(&allocs[0], 7, now);
    let c2 = claim_of(&allocs[1], 7, now);
    let c3 = claim_of(&allocs[2], 8, now);
    rt.expect_emitted_event(claim_event("claim", ids[0], &c1));
    rt.expect_emitted_event(claim_event("claim", ids[1], &c2));
    rt.expect_emitted_event(claim_event("claim", ids[2], &c3));
    expect_burn(&rt, 1024 + 2048 + 512);
    let ret = claim_allocations(
        &rt,
        PROVIDER,
        vec![
            sector_claim(
                7,
                now + LIFETIME,
                &[(ids[0], &allocs[0]), (ids[1], &allocs[1])],
            ),
            sector_claim(8, now + LIFETIME, &[(ids[2], &allocs[2])]),
        ],
        false,
    )
    .unwrap();
    assert_eq!(
        ret,
        ClaimAllocationsReturn {
            sector_results: BatchReturn::ok(2),
            sector_claims: vec![
                SectorClaimSummary {
                    claimed_space: dc(3072)
                },
                SectorClaimSummary {
                    claimed_space: dc(512)
                },
            ],
        }
    );
    let st = state(&rt);
    let mut stored_allocs = st.load_allocs(&rt.store).unwrap();
    let mut claims = st.load_claims(&rt.store).unwrap();
    for (i, c) in [c1, c2, c3].iter().enumerate() {
        assert_eq!(stored_allocs.get(id(&CLIENT), ids[i]).unwrap(), None);
        assert_eq!(claims.get(id(&PROVIDER), ids[i]).unwrap(), Some(c));
    }
    assert_invariants(&rt);
}

#[test]
fn a_bad_claim_fails_its_sector_and_the_others_go_on() {
    let rt = setup_at_now();
    let good_req = alloc_request(PROVIDER, 1, 1024, NOW);
    let mut short_lived = alloc_request(PROVIDER, 2, 1024, NOW);
    short_lived.expiration = NOW + 1;
    let other = alloc_request(PROVIDER2, 3, 1024, NOW);
    let ids = allocate(
        &rt,
        CLIENT,
        vec![good_req.clone(), short_lived.clone(), other.clone()],
    );
    let good = allocation_of(CLIENT, &good_req);
    let expiring = allocation_of(CLIENT, &short_lived);
    let theirs = allocation_of(CLIENT, &other);
    rt.set_epoch(NOW + 2);
    let now = NOW + 2;
    let before = state(&rt);

    let mut wrong_client = good.clone();
    wrong_client.client = id(&CLIENT2);
    let mut wrong_piece = good.clone();
    wrong_piece.data = piece(99);
    let mut wrong_size = good.clone();
    wrong_size.size = PaddedPieceSize(2048);
    let bad_sectors = vec![
        // No such allocation.
        (
            sector_claim(1, now + LIFETIME, &[(77, &good)]),
            ExitCode::USR_NOT_FOUND,
        ),
        // Another provider's allocation.
        (
            sector_claim(2, now + LIFETIME, &[(ids[2], &theirs)]),
            ExitCode::USR_FORBIDDEN,
        ),
        // Another client named (then the allocation is not found under it).
        (
            sector_claim(3, now + LIFETIME, &[(ids[0], &wrong_client)]),
            ExitCode::USR_NOT_FOUND,
        ),
        (
            sector_claim(4, now + LIFETIME, &[(ids[0], &wrong_piece)]),
            ExitCode::USR_FORBIDDEN,
        ),
        (
            sector_claim(5, now + LIFETIME, &[(ids[0], &wrong_size)]),
            ExitCode::USR_FORBIDDEN,
        ),
        // Expired at NOW + 1.
        (
            sector_claim(6, now + LIFETIME, &[(ids[1], &expiring)]),
            ExitCode::USR_FORBIDDEN,
        ),
        // The sector ends before the term minimum, or after the term maximum.
        (
            sector_claim(7, now + MIN_TERM - 1, &[(ids[0], &good)]),
            ExitCode::USR_FORBIDDEN,
        ),
        (
            sector_claim(8, now + good.term_max + 1, &[(ids[0], &good)]),
            ExitCode::USR_FORBIDDEN,
        ),
        // One bad claim fails the good one beside it.
        (
            sector_claim(9, now + LIFETIME, &[(ids[0], &good), (77, &good)]),
            ExitCode::USR_NOT_FOUND,
        ),
    ];
    for (sector, code) in &bad_sectors {
        expect_abort(
            ExitCode::USR_ILLEGAL_ARGUMENT,
            "all-or-nothing",
            claim_allocations(&rt, PROVIDER, vec![sector.clone()], true),
        );
        let ret = claim_allocations(&rt, PROVIDER, vec![sector.clone()], false).unwrap();
        assert_eq!(
            ret,
            ClaimAllocationsReturn {
                sector_results: BatchReturn {
                    success_count: 0,
                    fail_codes: vec![fail(0, *code)]
                },
                sector_claims: vec![],
            },
            "sector {}",
            sector.sector
        );
    }
    assert_eq!(state(&rt), before);

    // Bad sectors around a good one: only the good one is claimed.
    let claim = claim_of(&good, 10, now);
    rt.expect_emitted_event(claim_event("claim", ids[0], &claim));
    expect_burn(&rt, 1024);
    let ret = claim_allocations(
        &rt,
        PROVIDER,
        vec![
            bad_sectors[0].0.clone(),
            sector_claim(10, now + LIFETIME, &[(ids[0], &good)]),
            bad_sectors[5].0.clone(),
        ],
        false,
    )
    .unwrap();
    assert_eq!(
        ret.sector_results,
        BatchReturn {
            success_count: 1,
            fail_codes: vec![
                fail(0, ExitCode::USR_NOT_FOUND),
                fail(2, ExitCode::USR_FORBIDDEN)
            ],
        }
    );
    assert_eq!(
        ret.sector_claims,
        vec![SectorClaimSummary {
            claimed_space: dc(1024)
        }]
    );
    assert_invariants(&rt);
}

#[test]
fn an_allocation_claimed_twice_in_one_call() {
    let rt = setup_at_now();
    let req = alloc_request(PROVIDER, 1, 1024, NOW);
    let ids = allocate(&rt, CLIENT, vec![req.clone()]);
    let alloc = allocation_of(CLIENT, &req);
    let before = state(&rt);
    // Twice in one sector: the second claim collides with the first and aborts.
    expect_abort(
        ExitCode::USR_ILLEGAL_ARGUMENT,
        "already exists",
        claim_allocations(
            &rt,
            PROVIDER,
            vec![sector_claim(
                1,
                NOW + LIFETIME,
                &[(ids[0], &alloc), (ids[0], &alloc)],
            )],
            false,
        ),
    );
    assert_eq!(state(&rt), before);
    // In two sectors: the second finds the allocation gone.
    rt.expect_emitted_event(claim_event("claim", ids[0], &claim_of(&alloc, 1, NOW)));
    expect_burn(&rt, 1024);
    let ret = claim_allocations(
        &rt,
        PROVIDER,
        vec![
            sector_claim(1, NOW + LIFETIME, &[(ids[0], &alloc)]),
            sector_claim(2, NOW + LIFETIME, &[(ids[0], &alloc)]),
        ],
        false,
    )
    .unwrap();
    assert_eq!(
        ret.sector_results,
        BatchReturn {
            success_count: 1,
            fail_codes: vec![fail(1, ExitCode::USR_NOT_FOUND)]
        }
    );
    assert_invariants(&rt);
}

#[test]
fn claim_allocations_is_for_miners_with_something_to_claim() {
    let rt = setup_at_now();
    let before = state(&rt);
    caller(&rt, Type::Account, CLIENT);
    rt.expect_validate_caller_type(vec![Type::Miner]);
    let params = fil_actor_verifreg::ClaimAllocationsParams {
        sectors: vec![],
        all_or_nothing: false,
    };
    expect_code(
        call::<_, ClaimAllocationsReturn>(&rt, Method::ClaimAllocations, &params),
        ExitCode::USR_FORBIDDEN,
    );
    rt.verify();
    expect_abort(
        ExitCode::USR_ILLEGAL_ARGUMENT,
        "no claims",
        claim_allocations(&rt, PROVIDER, vec![], false),
    );
    assert_eq!(state(&rt), before);
    assert_invariants(&rt);
}

#[test]
fn get_claims_finds_a_providers_claims() {
    let rt = setup_at_now();
    let (id1, c1) = allocate_and_claim(&rt, 1, 1024, 3, LIFETIME);
    let (id2, c2) = allocate_and_claim(&rt, 2, 512, 4, LIFETIME);
    caller(&rt, Type::Account, CLIENT2);
    rt.expect_validate_caller_any();
    let ret: GetClaimsReturn = call(
        &rt,
        Method::GetClaimsExported,
        &GetClaimsParams {
            provider: id(&PROVIDER),
            claim_ids: vec![id2, 99, id1],
        },
    )
    .unwrap();
    rt.verify();
    assert_eq!(
        ret,
        GetClaimsReturn {
            batch_info: BatchReturn {
                success_count: 2,
                fail_codes: vec![fail(1, ExitCode::USR_NOT_FOUND)]
            },
            claims: vec![c2, c1],
        }
    );
    // Another provider has none of them.
    rt.expect_validate_caller_any();
    let ret: GetClaimsReturn = call(
        &rt,
        Method::GetClaims,
        &GetClaimsParams {
            provider: id(&PROVIDER2),
            claim_ids: vec![id1],
        },
    )
    .unwrap();
    rt.verify();
    assert_eq!(
        ret.batch_info,
        BatchReturn {
            success_count: 0,
            fail_codes: vec![fail(0, ExitCode::USR_NOT_FOUND)]
        }
    );
    assert_invariants(&rt);
}

fn extend(
    rt: &MockRuntime,
    who: fvm_shared::address::Address,
    terms: Vec<ClaimTerm>,
) -> BatchReturn {
    caller(rt, Type::Account, who);
    rt.expect_validate_caller_any();
    let ret = call(
        rt,
        Method::ExtendClaimTermsExported,
        &ExtendClaimTermsParams { terms },
    )
    .unwrap();
    rt.verify();
    ret
}

#[test]
fn the_client_extends_its_claims_up_to_the_maximum_term() {
    let rt = setup_at_now();
    let (id1, c1) = allocate_and_claim(&rt, 1, 1024, 3, LIFETIME);
    let (id2, c2) = allocate_and_claim(&rt, 2, 512, 4, LIFETIME);
    let term = |claim_id, term_max| ClaimTerm {
        provider: id(&PROVIDER),
        claim_id,
        term_max,
    };
    // Long after the claim expired, its client may still extend it (to at most the maximum).
    rt.set_epoch(NOW + 2 * EPOCHS_IN_YEAR);
    let mut e1 = c1.clone();
    e1.term_max = MAX_TERM;
    let mut e2 = c2.clone();
    e2.term_max = c2.term_max;
    rt.expect_emitted_event(claim_event("claim-updated", id1, &e1));
    rt.expect_emitted_event(claim_event("claim-updated", id2, &e2));
    let ret = extend(
        &rt,
        CLIENT,
        vec![
            term(id1, MAX_TERM),
            term(id1, MAX_TERM + 1),
            term(99, MAX_TERM),
            term(id2, c2.term_max),
            term(id2, c2.term_max - 1),
        ],
    );
    assert_eq!(
        ret,
        BatchReturn {
            success_count: 2,
            fail_codes: vec![
                fail(1, ExitCode::USR_ILLEGAL_ARGUMENT),
                fail(2, ExitCode::USR_NOT_FOUND),
                fail(4, ExitCode::USR_ILLEGAL_ARGUMENT),
            ],
        }
    );
    let mut claims = state(&rt).load_claims(&rt.store).unwrap();
    assert_eq!(claims.get(id(&PROVIDER), id1).unwrap(), Some(&e1));
    // Someone else may not.
    let before = state(&rt);
    let ret = extend(&rt, CLIENT2, vec![term(id2, c2.term_max + 1)]);
    assert_eq!(
        ret,
        BatchReturn {
            success_count: 0,
            fail_codes: vec![fail(0, ExitCode::USR_FORBIDDEN)]
        }
    );
    assert_eq!(state(&rt), before);
    assert_invariants(&rt);
}

#[test]
fn new_datacap_extends_a_live_claim_past_its_original_maximum() {
    let rt = setup_at_now();
    let (claim_id, claim) = allocate_and_claim(&rt, 1, 1024, 3, LIFETIME);
    let later = NOW + 100 * EPOCHS_IN_DAY;
    rt.set_epoch(later);
    // Up to the maximum term from now, i.e. beyond the claim's own maximum term from its start.
    let limit = later + MAX_TERM - claim.term_start;
    let mut extended = claim.clone();
    extended.term_max = limit;
    let new_req = alloc_request(PROVIDER2, 5, 2048, later);
    rt.expect_emitted_event(allocation_event(
        "allocation",
        2,
        &allocation_of(CLIENT2, &new_req),
    ));
    rt.expect_emitted_event(claim_event("claim-updated", claim_id, &extended));
    expect_burn(&rt, 1024);
    // CLIENT2 pays for CLIENT's claim; the claim keeps its client.
    let requests = AllocationRequests {
        allocations: vec![new_req],
        extensions: vec![extension(PROVIDER, claim_id, limit)],
    };
    let ret = receive(&rt, CLIENT2, 1024 + 2048, &requests).unwrap();
    assert_eq!(
        ret,
        AllocationsResponse {
            allocation_results: BatchReturn::ok(1),
            extension_results: BatchReturn::ok(1),
            new_allocations: vec![2],
        }
    );
    let mut claims = state(&rt).load_claims(&rt.store).unwrap();
    assert_eq!(
        claims.get(id(&PROVIDER), claim_id).unwrap(),
        Some(&extended)
    );
    assert_invariants(&rt);
}

#[test]
fn extension_requests_out_of_bounds_refuse_the_transfer() {
    let rt = setup_at_now();
    let (claim_id, claim) = allocate_and_claim(&rt, 1, 1024, 3, LIFETIME);
    let later = NOW + 100 * EPOCHS_IN_DAY;
    rt.set_epoch(later);
    let limit = later + MAX_TERM - claim.term_start;
    let before = state(&rt);
    let cases = [
        (
            extension(PROVIDER, claim_id, limit + 1),
            ExitCode::USR_ILLEGAL_ARGUMENT,
            "exceeds maximum",
        ),
        (
            extension(PROVIDER, claim_id, claim.term_max),
            ExitCode::USR_ILLEGAL_ARGUMENT,
            "is not larger",
        ),
        (
            extension(PROVIDER, 99, limit),
            ExitCode::USR_NOT_FOUND,
            "no claim 99 for provider 401",
        ),
        (
            extension(PROVIDER2, claim_id, limit),
            ExitCode::USR_NOT_FOUND,
            "no claim",
        ),
    ];
    for (ext, code, fragment) in cases {
        let requests = AllocationRequests {
            allocations: vec![],
            extensions: vec![ext],
        };
        expect_abort(code, fragment, receive(&rt, CLIENT, 1024, &requests));
    }
    // The amount must cover the claim's size exactly.
    let requests = AllocationRequests {
        allocations: vec![],
        extensions: vec![extension(PROVIDER, claim_id, limit)],
    };
    expect_abort(
        ExitCode::USR_ILLEGAL_ARGUMENT,
        "must match",
        receive(&rt, CLIENT, 1023, &requests),
    );
    // An expired claim cannot be revived with new datacap.
    let expired_at = claim.term_start + claim.term_max;
    rt.set_epoch(expired_at + 1);
    let requests = AllocationRequests {
        allocations: vec![],
        extensions: vec![extension(PROVIDER, claim_id, claim.term_max + 1)],
    };
    expect_abort(
        ExitCode::USR_FORBIDDEN,
        "expired",
        receive(&rt, CLIENT, 1024, &requests),
    );
    assert_eq!(state(&rt), before);
    assert_invariants(&rt);
}

fn remove_expired(rt: &MockRuntime, ids: Vec<u64>) -> RemoveExpiredClaimsReturn {
    caller(rt, Type::Account, CLIENT2);
    rt.expect_validate_caller_any();
    let params = RemoveExpiredClaimsParams {
        provider: id(&PROVIDER),
        claim_ids: ids,
    };
    let ret = call(rt, Method::RemoveExpiredClaimsExported, &params).unwrap();
    rt.verify();
    ret
}

#[test]
fn expired_claims_are_removed_by_anyone() {
    let rt = setup_at_now();
    let (id1, c1) = allocate_and_claim(&rt, 1, 1024, 3, LIFETIME);
    // A second claim whose term runs a day longer.
    let (id2, c2) = {
        let now = rt.epoch.get();
        let mut req = alloc_request(PROVIDER, 2, 512, now);
        req.term_max += EPOCHS_IN_DAY;
        let ids = allocate(&rt, CLIENT, vec![req.clone()]);
        let alloc = allocation_of(CLIENT, &req);
        let claim = claim_of(&alloc, 4, now);
        rt.expect_emitted_event(claim_event("claim", ids[0], &claim));
        expect_burn(&rt, 512);
        claim_allocations(
            &rt,
            PROVIDER,
            vec![sector_claim(4, now + LIFETIME, &[(ids[0], &alloc)])],
            false,
        )
        .unwrap();
        (ids[0], claim)
    };
    let end1 = c1.term_start + c1.term_max;
    let end2 = c2.term_start + c2.term_max;
    assert_eq!(end2, end1 + EPOCHS_IN_DAY);

    // One epoch before the end, nothing expires.
    rt.set_epoch(end1 - 1);
    let ret = remove_expired(&rt, vec![]);
    assert_eq!((ret.considered, ret.results), (vec![], BatchReturn::ok(0)));
    let ret = remove_expired(&rt, vec![id1, 99]);
    assert_eq!(
        ret.results,
        BatchReturn {
            success_count: 0,
            fail_codes: vec![
                fail(0, ExitCode::USR_FORBIDDEN),
                fail(1, ExitCode::USR_NOT_FOUND)
            ],
        }
    );

    // At its end the first expires.
    rt.set_epoch(end1);
    rt.expect_emitted_event(claim_event("claim-removed", id1, &c1));
    let ret = remove_expired(&rt, vec![]);
    assert_eq!(
        (ret.considered, ret.results),
        (vec![id1], BatchReturn::ok(1))
    );
    // Then the second, by name.
    rt.set_epoch(end2);
    rt.expect_emitted_event(claim_event("claim-removed", id2, &c2));
    let ret = remove_expired(&rt, vec![id2]);
    assert_eq!(
        (ret.considered, ret.results),
        (vec![id2], BatchReturn::ok(1))
    );
    let st = state(&rt);
    assert_eq!(
        st.claims,
        fil_actor_verifreg::MapMap::<_, fil_actor_verifreg::Claim>::flush_empty(&rt.store).unwrap()
    );
    assert_invariants(&rt);
}
