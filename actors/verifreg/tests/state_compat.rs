//! Byte compatibility of the verified registry's state and messages with the network's v18
//! layouts, using ChainSafe's independent v18 decoding (`fil_actor_verifreg_state`) as the
//! oracle: a state populated through the actor's methods is encoded here, decoded there,
//! re-encoded and compared byte for byte; the oracle reads every verifier, allocation, claim and
//! removal counter out of our HAMTs; and the oracle's own collections, filled with the same
//! content, have the same roots.

mod harness;

use fil_actor_verifreg::{
    AddrPairKey, AllocationRequests, ClaimAllocationsParams, ClaimAllocationsReturn, ClaimTerm,
    ExtendClaimTermsParams, GetClaimsReturn, RemoveDataCapParams, RemoveDataCapRequest,
    RemoveExpiredAllocationsReturn, State, VerifierParams,
};
use fil_actor_verifreg_state::v18 as oracle;
use fil_actors_runtime::test_utils::MockRuntime;
use fil_actors_runtime::BatchReturn;
use fvm_ipld_blockstore::MemoryBlockstore;
use fvm_ipld_encoding::{from_slice, to_vec};
use fvm_shared::address::Address;
use fvm_shared::crypto::signature::Signature;
use harness::*;
use serde::de::DeserializeOwned;
use serde::Serialize;

/// Encodes `ours`, decodes it as the oracle's type, re-encodes that and compares the bytes.
fn round_trip<Ours: Serialize + DeserializeOwned, Theirs: Serialize + DeserializeOwned>(
    ours: &Ours,
) -> Theirs {
    let bytes = to_vec(ours).unwrap();
    let theirs: Theirs = from_slice(&bytes).unwrap();
    assert_eq!(
        to_vec(&theirs).unwrap(),
        bytes,
        "{}",
        std::any::type_name::<Ours>()
    );
    let back: Ours = from_slice(&bytes).unwrap();
    assert_eq!(to_vec(&back).unwrap(), bytes);
    theirs
}

fn convert<From: Serialize, To: DeserializeOwned>(value: &From) -> To {
    from_slice(&to_vec(value).unwrap()).unwrap()
}

#[test]
fn a_new_state_is_byte_identical() {
    let store = MemoryBlockstore::new();
    let ours = State::new(&store, ROOT).unwrap();
    let theirs = oracle::State::new(&store, ROOT).unwrap();
    assert_eq!(to_vec(&ours).unwrap(), to_vec(&theirs).unwrap());
}

/// Verifiers, clients, allocations of two clients, claims of two providers (one extended),
/// and removal counters.
fn populated() -> MockRuntime {
    let rt = setup();
    let now = 10_000;
    rt.set_epoch(now);
    add_verifier(&rt, VERIFIER, 1 << 20);
    add_verifier(&rt, VERIFIER2, 3 << 20);
    add_client(&rt, VERIFIER, CLIENT, 1 << 19, 1 << 19);
    for n in 0..6u8 {
        allocate_and_claim(&rt, n, 256 << (n % 4), 100 + n as u64, MIN_TERM + n as i64);
    }
    let reqs: Vec<_> = (10..25u8)
        .map(|n| alloc_request(if n % 2 == 0 { PROVIDER } else { PROVIDER2 }, n, 512, now))
        .collect();
    allocate(&rt, CLIENT, reqs[..8].to_vec());
    allocate(&rt, CLIENT2, reqs[8..].to_vec());
    // CLIENT extends claim 1's term.
    let mut claims = state(&rt).load_claims(&rt.store).unwrap();
    let mut extended = claims.get(id(&PROVIDER), 1).unwrap().unwrap().clone();
    extended.term_max += 1000;
    rt.expect_emitted_event(claim_event("claim-updated", 1, &extended));
    caller(&rt, fil_actors_runtime::Type::Account, CLIENT);
    rt.expect_validate_caller_any();
    let terms = ExtendClaimTermsParams {
        terms: vec![ClaimTerm {
            provider: id(&PROVIDER),
            claim_id: 1,
            term_max: extended.term_max,
        }],
    };
    let ret: BatchReturn = call(&rt, fil_actor_verifreg::Method::ExtendClaimTerms, &terms).unwrap();
    assert_eq!(ret, BatchReturn::ok(1));
    rt.verify();
    // Removal counters, as two removals would leave them.
    let mut st = state(&rt);
    let mut ids = st.load_proposal_ids(&rt.store).unwrap();
    for (verifier, client, n) in [
        (VERIFIER, CLIENT, 2),
        (VERIFIER2, CLIENT, 1),
        (VERIFIER, CLIENT2, 7),
    ] {
        ids.set(
            &AddrPairKey { verifier, client },
            fil_actor_verifreg::RemoveDataCapProposalID { id: n },
        )
        .unwrap();
    }
    st.remove_data_cap_proposal_ids = ids.flush().unwrap();
    rt.replace_state(&st);
    assert_invariants(&rt);
    rt
}

#[test]
fn a_populated_state_is_read_by_the_oracle_entry_by_entry() {
    let rt = populated();
    let st = state(&rt);
    let theirs: oracle::State = round_trip(&st);

    for verifier in [VERIFIER, VERIFIER2, CLIENT] {
        let ours = st.get_verifier_cap(&rt.store, &verifier).unwrap();
        assert_eq!(theirs.get_verifier_cap(&rt.store, &verifier).unwrap(), ours);
    }
    assert_eq!(
        theirs.get_verifier_cap(&rt.store, &VERIFIER).unwrap(),
        Some(dc(1 << 19))
    );

    let mut our_allocs = st.load_allocs(&rt.store).unwrap();
    let mut their_allocs = theirs.load_allocs(&rt.store).unwrap();
    let mut our_claims = st.load_claims(&rt.store).unwrap();
    let mut their_claims = theirs.load_claims(&rt.store).unwrap();
    let mut allocations = 0;
    let mut claims = 0;
    for alloc_id in 0..st.next_allocation_id + 2 {
        for client in [CLIENT, CLIENT2] {
            let ours = our_allocs.get(id(&client), alloc_id).unwrap().cloned();
            let found =
                oracle::state::get_allocation(&mut their_allocs, id(&client), alloc_id).unwrap();
            assert_eq!(
                found.map(|a| to_vec(a).unwrap()),
                ours.as_ref().map(|a| to_vec(a).unwrap())
            );
            allocations += ours.is_some() as usize;
        }
        for provider in [PROVIDER, PROVIDER2] {
            let ours = our_claims.get(id(&provider), alloc_id).unwrap().cloned();
            let found =
                oracle::state::get_claim(&mut their_claims, id(&provider), alloc_id).unwrap();
            assert_eq!(
                found.map(|c| to_vec(c).unwrap()),
                ours.as_ref().map(|c| to_vec(c).unwrap())
            );
            claims += ours.is_some() as usize;
        }
    }
    assert_eq!((allocations, claims), (15, 6));

    let their_ids = oracle::state::RemoveDataCapProposalMap::load(
        &rt.store,
        &st.remove_data_cap_proposal_ids,
        oracle::state::REMOVE_DATACAP_PROPOSALS_CONFIG,
        "ids",
    )
    .unwrap();
    for (verifier, client, n) in [
        (VERIFIER, CLIENT, 2),
        (VERIFIER2, CLIENT, 1),
        (VERIFIER, CLIENT2, 7),
    ] {
        let found = their_ids
            .get(&oracle::AddrPairKey::new(verifier, client))
            .unwrap();
        assert_eq!(found.map(|p| p.id), Some(n));
    }
}

#[test]
fn the_oracles_own_collections_with_the_same_content_have_the_same_roots() {
    let rt = populated();
    let st = state(&rt);
    let fresh = MemoryBlockstore::new();
    let mut theirs = oracle::State::new(&fresh, ROOT).unwrap();
    for verifier in [VERIFIER, VERIFIER2] {
        let cap = st.get_verifier_cap(&rt.store, &verifier).unwrap().unwrap();
        theirs.put_verifier(&fresh, &verifier, &cap).unwrap();
    }
    assert_eq!(theirs.verifiers, st.verifiers);

    let summary = fil_actor_verifreg::testing::check_state_invariants(
        &rt.policy,
        &st,
        &rt.store,
        rt.epoch.get(),
    )
    .0;
    let mut allocs = theirs.load_allocs(&fresh).unwrap();
    for (alloc_id, alloc) in &summary.allocations {
        allocs
            .put(
                alloc.client,
                *alloc_id,
                convert::<_, oracle::Allocation>(alloc),
            )
            .unwrap();
    }
    theirs.save_allocs(&mut allocs).unwrap();
    assert_eq!(theirs.allocations, st.allocations);
    let claims: Vec<(u64, oracle::Claim)> = summary
        .claims
        .iter()
        .map(|(i, c)| (*i, convert(c)))
        .collect();
    theirs.put_claims(&fresh, claims).unwrap();
    assert_eq!(theirs.claims, st.claims);
}

#[test]
fn messages_match_the_v18_encodings() {
    let req = alloc_request(PROVIDER, 1, 2048, 77);
    round_trip::<_, oracle::AllocationRequests>(&AllocationRequests {
        allocations: vec![req.clone(), req],
        extensions: vec![extension(PROVIDER2, 9, 12345)],
    });
    round_trip::<_, oracle::VerifierParams>(&VerifierParams {
        address: CLIENT,
        allowance: dc(1 << 40),
    });
    round_trip::<_, oracle::RemoveDataCapParams>(&RemoveDataCapParams {
        verified_client_to_remove: CLIENT,
        data_cap_amount_to_remove: dc(99),
        verifier_request_1: RemoveDataCapRequest {
            verifier: VERIFIER,
            signature: Signature::new_secp256k1(vec![1; 65]),
        },
        verifier_request_2: RemoveDataCapRequest {
            verifier: VERIFIER2,
            signature: Signature::new_bls(vec![2; 96]),
        },
    });
    let alloc = allocation_of(CLIENT, &alloc_request(PROVIDER, 3, 512, 5));
    round_trip::<_, oracle::ClaimAllocationsParams>(&ClaimAllocationsParams {
        sectors: vec![sector_claim(4, 1_000_000, &[(3, &alloc)])],
        all_or_nothing: true,
    });
    round_trip::<_, oracle::ClaimAllocationsReturn>(&ClaimAllocationsReturn {
        sector_results: BatchReturn::ok(1),
        sector_claims: vec![fil_actor_verifreg::SectorClaimSummary {
            claimed_space: dc(512),
        }],
    });
    round_trip::<_, oracle::GetClaimsReturn>(&GetClaimsReturn {
        batch_info: BatchReturn::ok(1),
        claims: vec![claim_of(&alloc, 4, 100)],
    });
    round_trip::<_, oracle::RemoveExpiredAllocationsReturn>(&RemoveExpiredAllocationsReturn {
        considered: vec![1, 2],
        results: BatchReturn::ok(2),
        datacap_recovered: dc(1024),
    });
    round_trip::<_, oracle::ConstructorParams>(&fil_actor_verifreg::ConstructorParams {
        root_key: Address::new_id(80),
    });
}
