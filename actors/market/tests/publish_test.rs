//! `PublishStorageDeals` that succeeds: what is stored (proposals with ID addresses, pending
//! CIDs, the first cron visit, locked funds), who may publish, robust addresses, verified deals
//! turned into allocations by one datacap transfer per client, and partial success by batch.

mod harness;

use fil_actor_market::{Method, PublishStorageDealsParams, PublishStorageDealsReturn};
use fil_actors_runtime::test_utils::ExpectedSend;
use fvm_ipld_bitfield::BitField;
use fvm_shared::address::Address;
use fvm_shared::econ::TokenAmount;
use fvm_shared::error::{ErrorNumber, ExitCode};
use fvm_shared::sys::SendFlags;
use harness::*;

#[test]
fn a_published_deal_is_stored_locked_pending_and_queued() {
    let rt = setup();
    let p = proposal(CLIENT, 1);
    add_balance(&rt, CLIENT, CLIENT, client_requirement(&p));
    add_balance(&rt, OWNER, PROVIDER, atto(1000));
    assert_eq!(publish_deals(&rt, &[signed(p.clone())]), vec![0]);

    let st = state(&rt);
    assert_eq!(st.next_id, 1);
    assert_eq!(deal(&rt, 0), (Some(p.clone()), None));
    assert!(st.has_pending_deal(&rt.store, &stored_cid(&p)).unwrap());
    // Deal 0's offset in the 30-day update interval is 0: its first visit is epoch 86400.
    assert_eq!(st.get_deals_for_epoch(&rt.store, 86_400).unwrap(), vec![0]);
    assert_eq!(
        balances(&rt, CLIENT),
        (client_requirement(&p), client_requirement(&p))
    );
    assert_eq!(balances(&rt, PROVIDER), (atto(1000), atto(1000)));
    assert_eq!(st.total_client_locked_collateral, atto(500));
    assert_eq!(st.total_provider_locked_collateral, atto(1000));
    assert_eq!(st.total_client_storage_fee, atto(10 * DURATION));
    check_state(&rt);
}

#[test]
fn the_worker_a_control_address_or_the_owner_may_publish() {
    let rt = setup();
    add_balance(&rt, CLIENT, CLIENT, atto(100_000_000));
    add_balance(&rt, OWNER, PROVIDER, atto(100_000));
    for (i, caller) in [WORKER, CONTROL, OWNER].into_iter().enumerate() {
        let d = signed(proposal(CLIENT, i as u8));
        expect_publish_prelude(&rt, caller, true);
        expect_authenticate(&rt, &d, Auth::Valid);
        expect_notify(&rt, &d.proposal, i as u64, ExitCode::OK);
        rt.expect_emitted_event(deal_event("deal-published", i as u64, CLIENT, PROVIDER));
        let r: PublishStorageDealsReturn = ret(call(
            &rt,
            Method::PublishStorageDealsExported as u64,
            &PublishStorageDealsParams { deals: vec![d] },
        )
        .unwrap());
        assert_eq!(r.ids, vec![i as u64]);
    }
    check_state(&rt);
}

#[test]
fn robust_addresses_are_stored_as_ids_and_the_client_signs_what_it_sent() {
    let rt = setup();
    let client_key = Address::new_secp256k1(&[11; 65]).unwrap();
    let provider_robust = Address::new_actor(b"provider");
    rt.add_id_address(client_key, CLIENT.id().unwrap());
    rt.add_id_address(provider_robust, PROVIDER.id().unwrap());
    let mut sent = proposal(CLIENT, 1);
    sent.client = client_key;
    sent.provider = provider_robust;
    let stored = proposal(CLIENT, 1);
    add_balance(&rt, CLIENT, CLIENT, client_requirement(&stored));
    add_balance(&rt, OWNER, PROVIDER, atto(1000));

    let d = signed(sent);
    expect_publish_prelude(&rt, WORKER, true);
    // The account is asked at the address the client gave, about the bytes it signed.
    expect_authenticate(&rt, &d, Auth::Valid);
    expect_notify(&rt, &stored, 0, ExitCode::OK);
    rt.expect_emitted_event(deal_event("deal-published", 0, CLIENT, PROVIDER));
    call(
        &rt,
        Method::PublishStorageDeals as u64,
        &PublishStorageDealsParams { deals: vec![d] },
    )
    .unwrap();
    assert_eq!(deal(&rt, 0).0, Some(stored.clone()));
    assert!(state(&rt)
        .has_pending_deal(&rt.store, &stored_cid(&stored))
        .unwrap());
    check_state(&rt);
}

#[test]
fn verified_deals_become_allocations_by_one_datacap_transfer_per_client() {
    let rt = setup();
    rt.set_epoch(100);
    add_balance(&rt, CLIENT, CLIENT, atto(100_000_000));
    add_balance(&rt, CLIENT2, CLIENT2, atto(100_000_000));
    add_balance(&rt, OWNER, PROVIDER, atto(100_000));
    // CLIENT2's verified deal comes first, then CLIENT's two (one starting far ahead, whose
    // allocation expires 60 days from now), and an unverified deal.
    let a = verified(proposal(CLIENT2, 1));
    let b = verified(proposal(CLIENT, 2));
    let mut c = verified(proposal(CLIENT, 3));
    c.start_epoch = 100 + 90 * 2880;
    c.end_epoch = c.start_epoch + DURATION;
    let u = proposal(CLIENT, 4);
    let ids = publish_deals(
        &rt,
        &[
            signed(a.clone()),
            signed(b.clone()),
            signed(c.clone()),
            signed(u),
        ],
    );
    assert_eq!(ids, vec![0, 1, 2, 3]);

    // The transfers run in client order: CLIENT (110) gets 500 and 501, CLIENT2 (111) 502.
    let st = state(&rt);
    let allocations = st.load_pending_deal_allocation_ids(&rt.store).unwrap();
    assert_eq!(allocations.get(&1).unwrap(), Some(&500));
    assert_eq!(allocations.get(&2).unwrap(), Some(&501));
    assert_eq!(allocations.get(&0).unwrap(), Some(&502));
    assert_eq!(allocations.get(&3).unwrap(), None);
    let expected = expected_allocation(&rt, &c);
    assert_eq!(expected.expiration, 100 + 60 * 2880);
    assert_eq!(expected.term_min, DURATION);
    assert_eq!(expected.term_max, DURATION + 90 * 2880);
    check_state(&rt);
}

#[test]
fn a_batch_publishes_its_valid_deals_and_drops_the_others() {
    let rt = setup();
    add_balance(&rt, CLIENT, CLIENT, atto(100_000_000));
    add_balance(&rt, CLIENT2, CLIENT2, atto(100_000_000));
    add_balance(&rt, OWNER, PROVIDER, atto(100_000));
    let ok0 = signed(proposal(CLIENT, 1));
    let forged = signed(proposal(CLIENT, 2));
    let unparsable = signed(proposal(CLIENT2, 3));
    let mut other = proposal(CLIENT, 4);
    other.provider = PROVIDER2;
    let other = signed(other);
    let mut short = proposal(CLIENT, 5);
    short.end_epoch = short.start_epoch + 179 * 2880;
    let short = signed(short);
    let ok5 = signed(proposal(CLIENT2, 6));
    let mut unknown_client = proposal(CLIENT, 7);
    unknown_client.client = Address::new_bls(&[7; 48]).unwrap();
    let unknown_client = signed(unknown_client);

    expect_publish_prelude(&rt, WORKER, true);
    expect_authenticate(&rt, &ok0, Auth::Valid);
    expect_authenticate(&rt, &forged, Auth::Forged);
    expect_authenticate(&rt, &unparsable, Auth::Aborts);
    expect_authenticate(&rt, &other, Auth::Valid);
    expect_authenticate(&rt, &short, Auth::Valid);
    expect_authenticate(&rt, &ok5, Auth::Valid);
    // A client address with no actor behind it cannot be asked.
    rt.expect_send(ExpectedSend {
        to: unknown_client.proposal.client,
        method: fil_actor_market::ext::account::AUTHENTICATE_MESSAGE_METHOD,
        params: block(&fil_actor_market::ext::account::AuthenticateMessageParams {
            signature: unknown_client.client_signature.bytes.clone(),
            message: fvm_ipld_encoding::to_vec(&unknown_client.proposal).unwrap(),
        }),
        value: TokenAmount::default(),
        gas_limit: None,
        flags: SendFlags::READ_ONLY,
        return_data: None,
        exit_code: ExitCode::OK,
        send_error: Some(ErrorNumber::NotFound),
    });
    expect_notify(&rt, &ok0.proposal, 0, ExitCode::OK);
    rt.expect_emitted_event(deal_event("deal-published", 0, CLIENT, PROVIDER));
    expect_notify(&rt, &ok5.proposal, 1, ExitCode::OK);
    rt.expect_emitted_event(deal_event("deal-published", 1, CLIENT2, PROVIDER));
    let r: PublishStorageDealsReturn = ret(call(
        &rt,
        Method::PublishStorageDeals as u64,
        &PublishStorageDealsParams {
            deals: vec![
                ok0.clone(),
                forged,
                unparsable,
                other,
                short,
                ok5.clone(),
                unknown_client,
            ],
        },
    )
    .unwrap());
    assert_eq!(r.ids, vec![0, 1]);
    assert_eq!(r.valid_deals, BitField::try_from_bits([0, 5]).unwrap());
    assert_eq!(deal(&rt, 0).0, Some(ok0.proposal));
    assert_eq!(deal(&rt, 1).0, Some(ok5.proposal));
    assert_eq!(state(&rt).next_id, 2);
    check_state(&rt);
}

#[test]
fn escrow_must_cover_everything_the_batch_locks() {
    let rt = setup();
    let p = proposal(CLIENT, 1);
    let q = proposal(CLIENT, 2);
    let r = proposal(CLIENT2, 3);
    // CLIENT can pay for one deal only; the provider's collateral covers two deals.
    add_balance(
        &rt,
        CLIENT,
        CLIENT,
        client_requirement(&p) + client_requirement(&q) - atto(1),
    );
    add_balance(&rt, CLIENT2, CLIENT2, client_requirement(&r));
    add_balance(&rt, OWNER, PROVIDER, atto(2000));
    let extra = signed(proposal(CLIENT2, 4));
    let deals = [signed(p.clone()), signed(q), signed(r.clone()), extra];
    expect_publish_prelude(&rt, WORKER, true);
    for d in &deals {
        expect_authenticate(&rt, d, Auth::Valid);
    }
    expect_notify(&rt, &p, 0, ExitCode::OK);
    rt.expect_emitted_event(deal_event("deal-published", 0, CLIENT, PROVIDER));
    expect_notify(&rt, &r, 1, ExitCode::OK);
    rt.expect_emitted_event(deal_event("deal-published", 1, CLIENT2, PROVIDER));
    let ret_: PublishStorageDealsReturn = ret(call(
        &rt,
        Method::PublishStorageDeals as u64,
        &PublishStorageDealsParams {
            deals: deals.to_vec(),
        },
    )
    .unwrap());
    // The second deal overdraws CLIENT; the fourth, CLIENT2 and the provider's collateral.
    assert_eq!(ret_.valid_deals, BitField::try_from_bits([0, 2]).unwrap());
    assert_eq!(balances(&rt, PROVIDER), (atto(2000), atto(2000)));
    assert_eq!(balances(&rt, CLIENT).1, client_requirement(&p));
    check_state(&rt);
}

#[test]
fn a_duplicate_in_the_batch_is_dropped() {
    let rt = setup();
    add_balance(&rt, CLIENT, CLIENT, atto(100_000_000));
    add_balance(&rt, OWNER, PROVIDER, atto(100_000));
    let d = signed(proposal(CLIENT, 1));
    expect_publish_prelude(&rt, WORKER, true);
    expect_authenticate(&rt, &d, Auth::Valid);
    expect_authenticate(&rt, &d, Auth::Valid);
    expect_notify(&rt, &d.proposal, 0, ExitCode::OK);
    rt.expect_emitted_event(deal_event("deal-published", 0, CLIENT, PROVIDER));
    let r: PublishStorageDealsReturn = ret(call(
        &rt,
        Method::PublishStorageDeals as u64,
        &PublishStorageDealsParams {
            deals: vec![d.clone(), d],
        },
    )
    .unwrap());
    assert_eq!(r.valid_deals, BitField::try_from_bits([0]).unwrap());
    assert_eq!(balances(&rt, PROVIDER).1, atto(1000));
    check_state(&rt);
}

#[test]
fn verified_deals_beyond_the_clients_datacap_are_dropped() {
    let rt = setup();
    add_balance(&rt, CLIENT, CLIENT, atto(100_000_000));
    add_balance(&rt, OWNER, PROVIDER, atto(100_000));
    let a = verified(proposal(CLIENT, 1));
    let b = verified(proposal(CLIENT, 2));
    let c = proposal(CLIENT, 3);
    let deals = [signed(a.clone()), signed(b), signed(c.clone())];
    expect_publish_prelude(&rt, WORKER, true);
    for d in &deals {
        expect_authenticate(&rt, d, Auth::Valid);
    }
    // Datacap for one piece and a byte short of a second: asked once.
    expect_datacap_balance(&rt, CLIENT, TokenAmount::from_whole(2 * PIECE_SIZE - 1));
    expect_datacap_transfer(
        &rt,
        CLIENT,
        vec![expected_allocation(&rt, &a)],
        FIRST_ALLOCATION_ID,
    );
    expect_notify(&rt, &a, 0, ExitCode::OK);
    rt.expect_emitted_event(deal_event("deal-published", 0, CLIENT, PROVIDER));
    expect_notify(&rt, &c, 1, ExitCode::OK);
    rt.expect_emitted_event(deal_event("deal-published", 1, CLIENT, PROVIDER));
    let r: PublishStorageDealsReturn = ret(call(
        &rt,
        Method::PublishStorageDeals as u64,
        &PublishStorageDealsParams {
            deals: deals.to_vec(),
        },
    )
    .unwrap());
    assert_eq!(r.valid_deals, BitField::try_from_bits([0, 2]).unwrap());
    assert_eq!(
        state(&rt)
            .load_pending_deal_allocation_ids(&rt.store)
            .unwrap()
            .get(&0)
            .unwrap(),
        Some(&FIRST_ALLOCATION_ID)
    );
    check_state(&rt);
}
