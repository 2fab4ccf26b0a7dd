//! Allocations: the receiver hook that turns a datacap transfer into allocations (every bound on
//! size, term and expiration, the provider, the amount, the hook's payload), and
//! `RemoveExpiredAllocations`, which returns expired allocations' datacap to the client.

mod harness;

use fil_actor_verifreg::{
    AllocationRequest, AllocationRequests, AllocationsResponse, Method,
    RemoveExpiredAllocationsParams, RemoveExpiredAllocationsReturn,
};
use fil_actors_runtime::test_utils::{expect_abort, expect_code, MockRuntime};
use fil_actors_runtime::{BatchReturn, FailCode, Type, DATACAP_TOKEN_ACTOR_ADDR};
use fvm_ipld_encoding::RawBytes;
use fvm_shared::address::Address;
use fvm_shared::error::ExitCode;
use harness::*;

const NOW: i64 = 10_000;

fn setup_at_now() -> MockRuntime {
    let rt = setup();
    rt.set_epoch(NOW);
    rt
}

fn only(reqs: Vec<AllocationRequest>) -> AllocationRequests {
    AllocationRequests {
        allocations: reqs,
        extensions: vec![],
    }
}

#[test]
fn the_policy_bounds_are_the_networks() {
    let rt = setup();
    assert_eq!(
        rt.policy.minimum_verified_allocation_size,
        dc(MIN_SIZE as i64)
    );
    assert_eq!(rt.policy.minimum_verified_allocation_term, MIN_TERM);
    assert_eq!(rt.policy.maximum_verified_allocation_term, MAX_TERM);
    assert_eq!(
        rt.policy.maximum_verified_allocation_expiration,
        MAX_EXPIRATION
    );
}

#[test]
fn a_transfer_with_allocation_requests_makes_allocations() {
    let rt = setup_at_now();
    let a = alloc_request(PROVIDER, 1, 1024, NOW);
    let b = alloc_request(PROVIDER2, 2, 2048, NOW);
    rt.expect_emitted_event(allocation_event(
        "allocation",
        1,
        &allocation_of(CLIENT, &a),
    ));
    rt.expect_emitted_event(allocation_event(
        "allocation",
        2,
        &allocation_of(CLIENT, &b),
    ));
    let ret = receive(&rt, CLIENT, 1024 + 2048, &only(vec![a.clone(), b.clone()])).unwrap();
    assert_eq!(
        ret,
        AllocationsResponse {
            allocation_results: BatchReturn::ok(2),
            extension_results: BatchReturn::ok(0),
            new_allocations: vec![1, 2],
        }
    );
    let st = state(&rt);
    assert_eq!(st.next_allocation_id, 3);
    let mut allocs = st.load_allocs(&rt.store).unwrap();
    assert_eq!(
        allocs.get(id(&CLIENT), 1).unwrap(),
        Some(&allocation_of(CLIENT, &a))
    );
    assert_eq!(
        allocs.get(id(&CLIENT), 2).unwrap(),
        Some(&allocation_of(CLIENT, &b))
    );
    assert_eq!(allocs.get(id(&CLIENT2), 1).unwrap(), None);
    assert_invariants(&rt);

    // The next client's allocation takes the next ID.
    let c = alloc_request(PROVIDER, 3, MIN_SIZE, NOW);
    assert_eq!(allocate(&rt, CLIENT2, vec![c]), vec![3]);
    assert_invariants(&rt);
}

#[test]
fn requests_on_every_bound_are_accepted() {
    let rt = setup_at_now();
    let mut smallest = alloc_request(PROVIDER, 1, MIN_SIZE, NOW);
    smallest.term_min = MIN_TERM;
    smallest.term_max = MIN_TERM;
    smallest.expiration = NOW;
    let mut longest = alloc_request(PROVIDER, 2, MIN_SIZE, NOW);
    longest.term_min = MAX_TERM;
    longest.term_max = MAX_TERM;
    longest.expiration = NOW + MAX_EXPIRATION;
    assert_eq!(allocate(&rt, CLIENT, vec![smallest, longest]), vec![1, 2]);
    assert_invariants(&rt);
}

#[test]
fn a_request_outside_any_bound_refuses_the_whole_transfer() {
    let rt = setup_at_now();
    allocate(&rt, CLIENT, vec![alloc_request(PROVIDER, 9, MIN_SIZE, NOW)]);
    let before = state(&rt);
    let good = alloc_request(PROVIDER, 1, 1024, NOW);
    let bad = |f: &dyn Fn(&mut AllocationRequest)| {
        let mut r = alloc_request(PROVIDER, 2, 1024, NOW);
        f(&mut r);
        r
    };
    let cases: Vec<(AllocationRequest, &str)> = vec![
        (
            bad(&|r| r.size.0 = MIN_SIZE - 1),
            "allocation size 255 below minimum 256",
        ),
        (
            bad(&|r| r.term_min = MIN_TERM - 1),
            "term min 518399 below limit 518400",
        ),
        (
            bad(&|r| r.term_max = MAX_TERM + 1),
            "term max 5259486 above limit 5259485",
        ),
        (
            bad(&|r| {
                r.term_min = MIN_TERM + 1;
                r.term_max = MIN_TERM;
            }),
            "term min 518401 exceeds term max 518400",
        ),
        (
            bad(&|r| r.expiration = NOW - 1),
            "expiration epoch 9999 has passed current epoch 10000",
        ),
        (
            bad(&|r| r.expiration = NOW + MAX_EXPIRATION + 1),
            "expiration 182801 exceeds maximum 182800",
        ),
        (bad(&|r| r.provider = id(&CLIENT2)), "must be a miner actor"),
        (bad(&|r| r.provider = 999), "no code CID for provider 999"),
    ];
    for (req, fragment) in cases {
        let size = good.size.0 + req.size.0;
        expect_abort(
            ExitCode::USR_ILLEGAL_ARGUMENT,
            fragment,
            receive(&rt, CLIENT, size as i64, &only(vec![good.clone(), req])),
        );
    }
    assert_eq!(state(&rt), before);
    assert_invariants(&rt);
}

#[test]
fn the_amount_must_match_the_requests_exactly() {
    let rt = setup_at_now();
    let before = state(&rt);
    let req = alloc_request(PROVIDER, 1, 1024, NOW);
    for amount in [1023, 1025, 0] {
        expect_abort(
            ExitCode::USR_ILLEGAL_ARGUMENT,
            &format!(
                "total allocation size 1024 must match data cap amount received {}",
                amount
            ),
            receive(&rt, CLIENT, amount, &only(vec![req.clone()])),
        );
    }
    // Datacap with no requests at all is refused too.
    expect_abort(
        ExitCode::USR_ILLEGAL_ARGUMENT,
        "total allocation size 0",
        receive(&rt, CLIENT, 5, &only(vec![])),
    );
    assert_eq!(state(&rt), before);
    assert_invariants(&rt);
}

#[test]
fn the_hook_is_for_the_datacap_token_with_an_frc46_payload_to_the_registry() {
    let rt = setup_at_now();
    let before = state(&rt);
    let req = alloc_request(PROVIDER, 1, 1024, NOW);
    let data = RawBytes::serialize(only(vec![req])).unwrap();

    // Another caller.
    caller(&rt, Type::Account, CLIENT);
    rt.expect_validate_caller_addr(vec![DATACAP_TOKEN_ACTOR_ADDR]);
    let params = hook_params(CLIENT, tokens(1024), data.clone());
    expect_code(
        call::<_, AllocationsResponse>(&rt, Method::UniversalReceiverHook, &params),
        ExitCode::USR_FORBIDDEN,
    );
    rt.verify();

    caller(&rt, Type::DataCap, DATACAP_TOKEN_ACTOR_ADDR);
    // Another asset type.
    let mut wrong_type = hook_params(CLIENT, tokens(1024), data.clone());
    wrong_type.type_ += 1;
    // A payload that is no FRC-46 transfer.
    let mut garbage_payload = hook_params(CLIENT, tokens(1024), data.clone());
    garbage_payload.payload = RawBytes::serialize("not a payload").unwrap();
    // Tokens sent to someone else.
    let mut elsewhere = hook_params(CLIENT, tokens(1024), data.clone());
    let mut payload: fil_actor_verifreg::ext::datacap::FRC46TokenReceived =
        elsewhere.payload.deserialize().unwrap();
    payload.to = 1234;
    elsewhere.payload = RawBytes::serialize(payload).unwrap();
    // Operator data that is no allocation requests.
    let garbage_requests = hook_params(CLIENT, tokens(1024), RawBytes::serialize(7u8).unwrap());
    let cases = [
        (
            wrong_type,
            ExitCode::USR_ILLEGAL_ARGUMENT,
            "invalid token type",
        ),
        (
            garbage_payload,
            ExitCode::USR_SERIALIZATION,
            "receiver hook payload",
        ),
        (
            elsewhere,
            ExitCode::USR_ILLEGAL_ARGUMENT,
            "token receiver expected to be 6, was 1234",
        ),
        (
            garbage_requests,
            ExitCode::USR_SERIALIZATION,
            "allocation requests",
        ),
    ];
    for (params, code, fragment) in cases {
        rt.expect_validate_caller_addr(vec![DATACAP_TOKEN_ACTOR_ADDR]);
        expect_abort(
            code,
            fragment,
            call::<_, AllocationsResponse>(&rt, Method::UniversalReceiverHook, &params),
        );
        rt.verify();
    }
    assert_eq!(state(&rt), before);
    assert_invariants(&rt);
}

fn remove_expired(
    rt: &MockRuntime,
    client: Address,
    ids: Vec<u64>,
) -> Result<RemoveExpiredAllocationsReturn, fil_actors_runtime::ActorError> {
    caller(rt, Type::Account, PROVIDER2);
    rt.expect_validate_caller_any();
    let params = RemoveExpiredAllocationsParams {
        client: id(&client),
        allocation_ids: ids,
    };
    let ret = call(rt, Method::RemoveExpiredAllocationsExported, &params);
    rt.verify();
    ret
}

#[test]
fn expired_allocations_are_removed_and_their_datacap_returned() {
    let rt = setup_at_now();
    let mut short = alloc_request(PROVIDER, 1, 1024, NOW);
    short.expiration = NOW + 100;
    let mut shorter = alloc_request(PROVIDER2, 2, 512, NOW);
    shorter.expiration = NOW + 50;
    let long = alloc_request(PROVIDER, 3, 2048, NOW);
    allocate(
        &rt,
        CLIENT,
        vec![short.clone(), shorter.clone(), long.clone()],
    );

    // Nothing has expired yet: nothing is removed, and a zero transfer is still made.
    expect_transfer(&rt, CLIENT, 0);
    let ret = remove_expired(&rt, CLIENT, vec![]).unwrap();
    assert_eq!(ret.considered, Vec::<u64>::new());
    assert_eq!(ret.datacap_recovered, dc(0));

    // An allocation expires at its expiration epoch: at NOW + 50 only the shorter one.
    rt.set_epoch(NOW + 50);
    rt.expect_emitted_event(allocation_event(
        "allocation-removed",
        2,
        &allocation_of(CLIENT, &shorter),
    ));
    expect_transfer(&rt, CLIENT, 512);
    let ret = remove_expired(&rt, CLIENT, vec![]).unwrap();
    assert_eq!(ret.considered, vec![2]);
    assert_eq!(ret.results, BatchReturn::ok(1));
    assert_eq!(ret.datacap_recovered, dc(512));

    rt.set_epoch(NOW + 100);
    rt.expect_emitted_event(allocation_event(
        "allocation-removed",
        1,
        &allocation_of(CLIENT, &short),
    ));
    expect_transfer(&rt, CLIENT, 1024);
    let ret = remove_expired(&rt, CLIENT, vec![]).unwrap();
    assert_eq!(ret.considered, vec![1]);
    assert_eq!(ret.results, BatchReturn::ok(1));
    assert_eq!(ret.datacap_recovered, dc(1024));
    let mut allocs = state(&rt).load_allocs(&rt.store).unwrap();
    assert_eq!(allocs.get(id(&CLIENT), 1).unwrap(), None);
    assert_eq!(
        allocs.get(id(&CLIENT), 3).unwrap(),
        Some(&allocation_of(CLIENT, &long))
    );
    assert_invariants(&rt);
}

#[test]
fn named_allocations_are_checked_one_by_one() {
    let rt = setup_at_now();
    let mut short = alloc_request(PROVIDER, 1, 1024, NOW);
    short.expiration = NOW + 10;
    let long = alloc_request(PROVIDER, 2, 2048, NOW);
    allocate(&rt, CLIENT, vec![short.clone(), long]);
    allocate(&rt, CLIENT2, vec![alloc_request(PROVIDER, 3, 512, NOW)]);
    rt.set_epoch(NOW + 10);
    rt.expect_emitted_event(allocation_event(
        "allocation-removed",
        1,
        &allocation_of(CLIENT, &short),
    ));
    expect_transfer(&rt, CLIENT, 1024);
    // 2 has not expired; 3 is CLIENT2's; 77 does not exist.
    let ret = remove_expired(&rt, CLIENT, vec![2, 1, 3, 77]).unwrap();
    assert_eq!(ret.considered, vec![2, 1, 3, 77]);
    assert_eq!(
        ret.results,
        BatchReturn {
            success_count: 1,
            fail_codes: vec![
                FailCode {
                    idx: 0,
                    code: ExitCode::USR_FORBIDDEN
                },
                FailCode {
                    idx: 2,
                    code: ExitCode::USR_NOT_FOUND
                },
                FailCode {
                    idx: 3,
                    code: ExitCode::USR_NOT_FOUND
                },
            ],
        }
    );
    assert_eq!(ret.datacap_recovered, dc(1024));
    assert_invariants(&rt);

    // Naming an expired allocation twice aborts (v18 aborts here too) and changes nothing.
    rt.set_epoch(NOW + 40 * EPOCHS_IN_DAY);
    let before = state(&rt);
    caller(&rt, Type::Account, PROVIDER2);
    let params = RemoveExpiredAllocationsParams {
        client: id(&CLIENT),
        allocation_ids: vec![2, 2],
    };
    rt.expect_validate_caller_any();
    expect_abort(
        ExitCode::USR_ASSERTION_FAILED,
        "named twice",
        call::<_, RemoveExpiredAllocationsReturn>(&rt, Method::RemoveExpiredAllocations, &params),
    );
    rt.verify();
    assert_eq!(state(&rt), before);
    assert_invariants(&rt);
}
