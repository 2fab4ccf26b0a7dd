//! `PublishStorageDeals` that fails, with v18's exit codes and nothing changed: a caller that does
//! not control the provider, a provider that is not a miner or does not exist, no deals, every
//! proposal invalid (each of the network's bounds broken in turn, a forged or missing
//! signature, a piece CID of the wrong codec, a deal already published, a deal for another
//! provider, too little escrow), a client refusing its notification, and datacap failures.

mod harness;

use fil_actor_market::{DealProposal, Label, Method, PublishStorageDealsParams};
use fil_actors_runtime::runtime::Policy;
use fil_actors_runtime::test_utils::{expect_abort, expect_code, MockRuntime};
use fil_actors_runtime::DATACAP_TOKEN_ACTOR_ADDR;
use fvm_ipld_encoding::DAG_CBOR;
use fvm_shared::address::Address;
use fvm_shared::bigint::BigInt;
use fvm_shared::econ::TokenAmount;
use fvm_shared::error::ExitCode;
use fvm_shared::piece::PaddedPieceSize;
use harness::*;

fn funded() -> MockRuntime {
    let rt = setup();
    add_balance(&rt, CLIENT, CLIENT, atto(100_000_000));
    add_balance(&rt, OWNER, PROVIDER, atto(100_000));
    rt
}

fn publish(
    rt: &MockRuntime,
    deals: Vec<fil_actor_market::ClientDealProposal>,
) -> Result<Option<fvm_ipld_encoding::ipld_block::IpldBlock>, fil_actors_runtime::ActorError> {
    call(
        rt,
        Method::PublishStorageDeals as u64,
        &PublishStorageDealsParams { deals },
    )
}

/// Publishing `p` alone (its signature authenticated) fails: every proposal was invalid.
fn assert_refused(rt: &MockRuntime, p: DealProposal, why: &str) {
    let before = rt.state.get();
    let d = signed(p);
    expect_publish_prelude(rt, WORKER, true);
    expect_authenticate(rt, &d, Auth::Valid);
    let e = expect_abort(
        ExitCode::USR_ILLEGAL_ARGUMENT,
        "All deal proposals invalid",
        publish(rt, vec![d]),
    );
    assert_eq!(rt.state.get(), before, "{}: {}", why, e.msg());
}

/// A change that makes a valid proposal invalid.
type Breaker = Box<dyn Fn(&mut DealProposal)>;

#[test]
fn every_bound_on_the_terms_is_enforced() {
    // Escrow far beyond any term below, so that only the bound broken can refuse a deal.
    let rt = setup();
    let plenty = TokenAmount::from_atto(BigInt::from(10u64).pow(40));
    add_balance(&rt, CLIENT, CLIENT, plenty.clone());
    add_balance(&rt, OWNER, PROVIDER, plenty);
    rt.set_epoch(START - 5000);
    let base = proposal(CLIENT, 1);
    let day = 2880;
    let total_fil = TokenAmount::from_whole(2_000_000_000);
    let cases: Vec<(&str, Breaker)> = vec![
        (
            "label of 257 bytes",
            Box::new(|p| p.label = Label::String("x".repeat(257))),
        ),
        (
            "label of 257 raw bytes",
            Box::new(|p| p.label = Label::Bytes(vec![1; 257])),
        ),
        (
            "piece of 64 bytes",
            Box::new(|p| p.piece_size = PaddedPieceSize(64)),
        ),
        (
            "piece size not a power of two",
            Box::new(|p| p.piece_size = PaddedPieceSize(3072)),
        ),
        (
            "piece CID with the DAG-CBOR codec",
            Box::new(|p| p.piece_cid = cid::Cid::new_v1(DAG_CBOR, *piece_cid(1).hash())),
        ),
        (
            "piece CID with a blake2b hash",
            Box::new(|p| {
                p.piece_cid = cid::Cid::new_v1(
                    fvm_shared::commcid::FIL_COMMITMENT_UNSEALED,
                    cid::multihash::Multihash::wrap(0xb220, &[1; 32]).unwrap(),
                )
            }),
        ),
        (
            "end before start",
            Box::new(|p| p.end_epoch = p.start_epoch - 1),
        ),
        ("end at start", Box::new(|p| p.end_epoch = p.start_epoch)),
        (
            "start already passed",
            Box::new(move |p| {
                p.start_epoch = START - 5001;
                p.end_epoch = p.start_epoch + DURATION;
            }),
        ),
        (
            "179 days",
            Box::new(move |p| p.end_epoch = p.start_epoch + 180 * day - 1),
        ),
        (
            "1278 days and one epoch",
            Box::new(move |p| p.end_epoch = p.start_epoch + 1278 * day + 1),
        ),
        (
            "negative price",
            Box::new(|p| p.storage_price_per_epoch = atto(-1)),
        ),
        ("price above all FIL", {
            let t = total_fil.clone();
            Box::new(move |p| p.storage_price_per_epoch = &t + atto(1))
        }),
        (
            "negative provider collateral",
            Box::new(|p| p.provider_collateral = atto(-1)),
        ),
        ("provider collateral above all FIL", {
            let t = total_fil.clone();
            Box::new(move |p| p.provider_collateral = &t + atto(1))
        }),
        (
            "negative client collateral",
            Box::new(|p| p.client_collateral = atto(-1)),
        ),
        ("client collateral above all FIL", {
            let t = total_fil.clone();
            Box::new(move |p| p.client_collateral = &t + atto(1))
        }),
    ];
    for (why, break_it) in cases {
        let mut p = base.clone();
        break_it(&mut p);
        assert_refused(&rt, p, why);
    }
    // The bounds themselves are inclusive.
    let mut longest = base.clone();
    longest.end_epoch = longest.start_epoch + 1278 * day;
    let mut shortest = proposal(CLIENT, 2);
    shortest.end_epoch = shortest.start_epoch + 180 * day;
    let mut label = proposal(CLIENT, 3);
    label.label = Label::Bytes(vec![9; 256]);
    publish_deals(&rt, &[signed(longest), signed(shortest), signed(label)]);
    check_state(&rt);
}

#[test]
fn the_provider_collateral_must_reach_its_share_of_the_network_target() {
    let mut rt = funded();
    rt.policy = Policy::mainnet();
    // 1% of the circulating supply (1,000,000 FIL), times the deal's share of the baseline.
    let supply = BigInt::from(10u64).pow(24);
    let min = supply * PIECE_SIZE / (BigInt::from(100) * BigInt::from(BASELINE_POWER));
    let min = TokenAmount::from_atto(min);
    assert!(min.is_positive());
    add_balance(&rt, OWNER, PROVIDER, &min * 2);
    let mut p = proposal(CLIENT, 1);
    p.provider_collateral = &min - atto(1);
    assert_refused(&rt, p.clone(), "collateral a little short");
    p.provider_collateral = min;
    publish_deals(&rt, &[signed(p)]);
    check_state(&rt);
}

#[test]
fn forged_and_missing_signatures_are_refused() {
    let rt = funded();
    for auth in [Auth::Forged, Auth::Aborts] {
        let before = rt.state.get();
        let d = signed(proposal(CLIENT, 1));
        expect_publish_prelude(&rt, WORKER, true);
        expect_authenticate(&rt, &d, auth);
        expect_abort(
            ExitCode::USR_ILLEGAL_ARGUMENT,
            "All deal proposals invalid",
            publish(&rt, vec![d]),
        );
        assert_eq!(rt.state.get(), before);
    }
    check_state(&rt);
}

#[test]
fn a_deal_already_published_or_for_another_provider_is_refused() {
    let rt = funded();
    let p = proposal(CLIENT, 1);
    publish_deals(&rt, &[signed(p.clone())]);
    assert_refused(&rt, p, "already published");
    // The first deal names the provider; a deal for PROVIDER2 in its batch is dropped.
    let mut other = proposal(CLIENT, 2);
    other.provider = PROVIDER2;
    let before = rt.state.get();
    let d = signed(other);
    let ok = signed(proposal(CLIENT, 3));
    expect_publish_prelude(&rt, WORKER, true);
    expect_authenticate(&rt, &ok, Auth::Valid);
    expect_authenticate(&rt, &d, Auth::Valid);
    expect_notify(&rt, &ok.proposal, 1, ExitCode::OK);
    rt.expect_emitted_event(deal_event("deal-published", 1, CLIENT, PROVIDER));
    publish(&rt, vec![ok, d]).unwrap();
    assert_ne!(rt.state.get(), before);
    assert_eq!(deal(&rt, 2), (None, None));
    check_state(&rt);
}

#[test]
fn insufficient_escrow_of_client_or_provider_is_refused() {
    let rt = setup();
    let p = proposal(CLIENT, 1);
    add_balance(&rt, CLIENT, CLIENT, client_requirement(&p) - atto(1));
    add_balance(&rt, OWNER, PROVIDER, atto(1000));
    assert_refused(&rt, p.clone(), "client short by one");
    add_balance(&rt, CLIENT, CLIENT, atto(1));
    let mut q = p.clone();
    q.provider_collateral = atto(1001);
    assert_refused(&rt, q, "provider short by one");
    check_state(&rt);
}

#[test]
fn the_caller_must_control_the_provider() {
    let rt = funded();
    let before = rt.state.get();
    expect_publish_prelude(&rt, STRANGER, false);
    expect_abort(
        ExitCode::USR_FORBIDDEN,
        "is not worker or control address",
        publish(&rt, vec![signed(proposal(CLIENT, 1))]),
    );
    assert_eq!(rt.state.get(), before);
}

#[test]
fn the_provider_must_be_a_known_miner_and_there_must_be_deals() {
    let rt = funded();
    let before = rt.state.get();
    as_account(&rt, WORKER);
    rt.expect_validate_caller_any();
    expect_abort(
        ExitCode::USR_ILLEGAL_ARGUMENT,
        "Empty deals",
        publish(&rt, vec![]),
    );

    let mut by_account = proposal(CLIENT, 1);
    by_account.provider = STRANGER;
    let mut unknown = proposal(CLIENT, 1);
    unknown.provider = Address::new_actor(b"nobody");
    let mut no_code = proposal(CLIENT, 1);
    no_code.provider = Address::new_id(5555);
    for (p, code) in [
        (by_account, ExitCode::USR_ILLEGAL_ARGUMENT),
        (unknown, ExitCode::USR_NOT_FOUND),
        (no_code, ExitCode::USR_NOT_FOUND),
    ] {
        as_account(&rt, WORKER);
        rt.expect_validate_caller_any();
        expect_code(publish(&rt, vec![signed(p)]), code);
    }
    assert_eq!(rt.state.get(), before);
    // A miner that answers the control check with an error passes its code on.
    as_account(&rt, WORKER);
    rt.expect_validate_caller_any();
    rt.expect_send_simple(
        PROVIDER,
        fil_actor_market::ext::miner::IS_CONTROLLING_ADDRESS_EXPORTED,
        block(&WORKER),
        TokenAmount::default(),
        None,
        ExitCode::USR_ILLEGAL_STATE,
    );
    expect_code(
        publish(&rt, vec![signed(proposal(CLIENT, 1))]),
        ExitCode::USR_ILLEGAL_STATE,
    );
    assert_eq!(rt.state.get(), before);
}

#[test]
fn a_client_refusing_its_notification_fails_the_whole_message() {
    let rt = funded();
    let before = rt.state.get();
    let d = signed(proposal(CLIENT, 1));
    expect_publish_prelude(&rt, WORKER, true);
    expect_authenticate(&rt, &d, Auth::Valid);
    expect_notify(&rt, &d.proposal, 0, ExitCode::USR_FORBIDDEN);
    expect_abort(
        ExitCode::USR_ILLEGAL_ARGUMENT,
        "failed to notify deal",
        publish(&rt, vec![d]),
    );
    assert_eq!(rt.state.get(), before);
}

#[test]
fn datacap_failures_fail_the_message() {
    let rt = funded();
    let before = rt.state.get();
    let p = verified(proposal(CLIENT, 1));
    let d = signed(p.clone());

    // The balance query fails: USR_NOT_FOUND.
    expect_publish_prelude(&rt, WORKER, true);
    expect_authenticate(&rt, &d, Auth::Valid);
    rt.expect_send_simple(
        DATACAP_TOKEN_ACTOR_ADDR,
        fil_actor_market::ext::datacap::BALANCE_OF_METHOD,
        block(&CLIENT),
        TokenAmount::default(),
        None,
        ExitCode::USR_ILLEGAL_ARGUMENT,
    );
    expect_code(publish(&rt, vec![d.clone()]), ExitCode::USR_NOT_FOUND);

    // The transfer fails although the balance sufficed: USR_ILLEGAL_STATE.
    expect_publish_prelude(&rt, WORKER, true);
    expect_authenticate(&rt, &d, Auth::Valid);
    expect_datacap_balance(&rt, CLIENT, TokenAmount::from_whole(PIECE_SIZE));
    let total = TokenAmount::from_whole(PIECE_SIZE);
    rt.expect_send_simple(
        DATACAP_TOKEN_ACTOR_ADDR,
        fil_actor_market::ext::datacap::TRANSFER_FROM_METHOD,
        block(&fil_actor_market::ext::datacap::TransferFromParams {
            from: CLIENT,
            to: fil_actors_runtime::VERIFIED_REGISTRY_ACTOR_ADDR,
            amount: total,
            operator_data: fvm_ipld_encoding::RawBytes::serialize(
                &fil_actor_market::ext::verifreg::AllocationRequests {
                    allocations: vec![expected_allocation(&rt, &p)],
                    extensions: vec![],
                },
            )
            .unwrap(),
        }),
        TokenAmount::default(),
        None,
        ExitCode::USR_INSUFFICIENT_FUNDS,
    );
    expect_abort(
        ExitCode::USR_ILLEGAL_STATE,
        "failed to transfer datacap",
        publish(&rt, vec![d.clone()]),
    );

    // Too little datacap for the only deal: it is dropped, so no deal is valid.
    expect_publish_prelude(&rt, WORKER, true);
    expect_authenticate(&rt, &d, Auth::Valid);
    expect_datacap_balance(&rt, CLIENT, TokenAmount::from_whole(PIECE_SIZE - 1));
    expect_abort(
        ExitCode::USR_ILLEGAL_ARGUMENT,
        "All deal proposals invalid",
        publish(&rt, vec![d]),
    );
    assert_eq!(rt.state.get(), before);
}
