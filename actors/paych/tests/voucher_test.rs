//! Redeeming vouchers on the mock runtime: lanes and nonces, merges, secrets, time locks, the
//! minimum settle height, extra verification, and who signs for whom. Every amount owed is the
//! test's own arithmetic.

mod harness;

use fil_actor_paych::{Merge, ModVerifyParams, SignedVoucher, MAX_LANE};
use fil_actors_runtime::runtime::Primitives;
use fvm_ipld_encoding::ipld_block::IpldBlock;
use fvm_ipld_encoding::{RawBytes, CBOR};
use fvm_shared::address::Address;
use fvm_shared::econ::TokenAmount;
use fvm_shared::error::ExitCode;
use harness::*;

#[test]
fn the_first_voucher_opens_its_lane() {
    let rt = setup(atto(1_000));
    redeem(&rt, &voucher(0, 1, 100));
    assert_eq!(state(&rt).to_send, atto(100));
    assert_eq!(lanes(&rt), vec![(0, lane(100, 1))]);
    assert_invariants(&rt);
}

#[test]
fn a_new_lane_accepts_nonce_zero() {
    let rt = setup(atto(1_000));
    redeem(&rt, &voucher(4, 0, 30));
    assert_eq!(lanes(&rt), vec![(4, lane(30, 0))]);
    assert_eq!(state(&rt).to_send, atto(30));
    assert_invariants(&rt);
}

#[test]
fn a_later_voucher_on_a_lane_owes_only_the_difference() {
    let rt = setup(atto(1_000));
    redeem(&rt, &voucher(0, 1, 100));
    redeem(&rt, &voucher(0, 5, 250));
    assert_eq!(state(&rt).to_send, atto(250));
    assert_eq!(lanes(&rt), vec![(0, lane(250, 5))]);
    // A voucher may also lower its lane: what is owed falls with it.
    redeem(&rt, &voucher(0, 6, 200));
    assert_eq!(state(&rt).to_send, atto(200));
    assert_eq!(lanes(&rt), vec![(0, lane(200, 6))]);
    assert_invariants(&rt);
}

#[test]
fn lanes_add_up() {
    let rt = setup(atto(1_000));
    redeem(&rt, &voucher(0, 1, 100));
    redeem(&rt, &voucher(1, 1, 200));
    redeem(&rt, &voucher(7, 3, 50));
    assert_eq!(state(&rt).to_send, atto(350));
    assert_eq!(
        lanes(&rt),
        vec![(0, lane(100, 1)), (1, lane(200, 1)), (7, lane(50, 3))]
    );
    assert_invariants(&rt);
}

#[test]
fn a_merge_counts_the_merged_lane_once() {
    // Lanes 0 (100) and 1 (200) owe 300. A voucher for 500 on lane 0 that merges lane 1 owes
    // 500 - (100 + 200) = 200 more; lane 1 keeps its amount and takes the new nonce.
    let rt = setup(atto(1_000));
    redeem(&rt, &voucher(0, 1, 100));
    redeem(&rt, &voucher(1, 1, 200));
    let mut sv = voucher(0, 2, 500);
    sv.merges = vec![Merge { lane: 1, nonce: 2 }];
    redeem(&rt, &sv);
    assert_eq!(state(&rt).to_send, atto(500));
    assert_eq!(lanes(&rt), vec![(0, lane(500, 2)), (1, lane(200, 2))]);
    assert_invariants(&rt);
}

#[test]
fn a_merge_into_a_new_lane() {
    // Lane 3 does not exist yet: it is created worth 350, merging lanes 0 and 1 (300 owed),
    // so 50 more is owed.
    let rt = setup(atto(1_000));
    redeem(&rt, &voucher(0, 1, 100));
    redeem(&rt, &voucher(1, 1, 200));
    let mut sv = voucher(3, 1, 350);
    sv.merges = vec![Merge { lane: 0, nonce: 4 }, Merge { lane: 1, nonce: 9 }];
    redeem(&rt, &sv);
    assert_eq!(state(&rt).to_send, atto(350));
    assert_eq!(
        lanes(&rt),
        vec![(0, lane(100, 4)), (1, lane(200, 9)), (3, lane(350, 1))]
    );
    assert_invariants(&rt);
}

#[test]
fn the_payer_redeems_a_voucher_signed_by_the_payee() {
    // The signer is always the other party.
    let rt = setup(atto(1_000));
    assert_eq!(
        update_with(&rt, PAYER, &voucher(0, 1, 10), &[], Some(Auth::Valid)),
        Ok(None)
    );
    assert_eq!(state(&rt).to_send, atto(10));
    assert_invariants(&rt);
}

#[test]
fn a_bls_signature_is_passed_without_its_type() {
    let rt = setup(atto(1_000));
    let mut sv = voucher(0, 1, 10);
    sv.signature = Some(fvm_shared::crypto::signature::Signature::new_bls(vec![
        0x11;
        96
    ]));
    redeem(&rt, &sv);
    assert_eq!(lanes(&rt), vec![(0, lane(10, 1))]);
    assert_invariants(&rt);
}

#[test]
fn a_voucher_with_a_secret() {
    let rt = setup(atto(1_000));
    let secret = b"open sesame".to_vec();
    let mut sv = voucher(0, 1, 75);
    sv.secret_pre_image = rt.hash_blake2b(&secret).to_vec();
    assert_eq!(
        update_with(&rt, PAYEE, &sv, &secret, Some(Auth::Valid)),
        Ok(None)
    );
    assert_eq!(state(&rt).to_send, atto(75));
    assert_eq!(lanes(&rt), vec![(0, lane(75, 1))]);
    assert_invariants(&rt);
}

#[test]
fn a_secret_of_the_maximum_length() {
    let rt = setup(atto(1_000));
    let secret = vec![0x42; 256];
    let mut sv = voucher(0, 1, 5);
    sv.secret_pre_image = rt.hash_blake2b(&secret).to_vec();
    assert_eq!(
        update_with(&rt, PAYEE, &sv, &secret, Some(Auth::Valid)),
        Ok(None)
    );
    assert_invariants(&rt);
}

#[test]
fn a_voucher_within_its_time_locks() {
    // Both bounds are inclusive.
    let rt = setup(atto(1_000));
    let mut sv = voucher(0, 1, 10);
    sv.time_lock_min = 100;
    sv.time_lock_max = 200;
    rt.set_epoch(100);
    redeem(&rt, &sv);
    let mut later = voucher(0, 2, 20);
    later.time_lock_min = 100;
    later.time_lock_max = 200;
    rt.set_epoch(200);
    redeem(&rt, &later);
    assert_eq!(lanes(&rt), vec![(0, lane(20, 2))]);
    assert_invariants(&rt);
}

#[test]
fn the_minimum_settle_height_only_rises() {
    let rt = setup(atto(1_000));
    let mut sv = voucher(0, 1, 10);
    sv.min_settle_height = 5_000;
    redeem(&rt, &sv);
    assert_eq!(state(&rt).min_settle_height, 5_000);
    let mut lower = voucher(0, 2, 20);
    lower.min_settle_height = 4_000;
    redeem(&rt, &lower);
    let st = state(&rt);
    assert_eq!((st.min_settle_height, st.settling_at), (5_000, 0));
    assert_invariants(&rt);
}

#[test]
fn a_minimum_settle_height_delays_a_settlement_in_progress() {
    let rt = setup(atto(1_000));
    rt.set_epoch(10);
    settle(&rt, PAYER).unwrap();
    assert_eq!(state(&rt).settling_at, 10 + 1_440);
    let mut sv = voucher(0, 1, 10);
    sv.min_settle_height = 3_000;
    redeem(&rt, &sv);
    let st = state(&rt);
    assert_eq!((st.settling_at, st.min_settle_height), (3_000, 3_000));
    // A height below the settlement epoch leaves it.
    let mut lower = voucher(0, 2, 10);
    lower.min_settle_height = 2_000;
    redeem(&rt, &lower);
    assert_eq!(state(&rt).settling_at, 3_000);
    assert_invariants(&rt);
}

#[test]
fn the_extra_verification_is_called_with_the_data() {
    let rt = setup(atto(1_000));
    let verifier = Address::new_id(400);
    let mut sv = voucher(0, 1, 10);
    sv.extra = Some(ModVerifyParams {
        actor: verifier,
        method: 2_000_000_000,
        data: RawBytes::new(vec![0x82, 0x01, 0x02]),
    });
    set_account_caller(&rt, PAYEE);
    rt.expect_validate_caller_addr(vec![PAYER, PAYEE]);
    expect_authentication(&rt, PAYER, &sv, Auth::Valid);
    rt.expect_send_simple(
        verifier,
        2_000_000_000,
        Some(IpldBlock {
            codec: CBOR,
            data: vec![0x82, 0x01, 0x02],
        }),
        TokenAmount::default(),
        None,
        ExitCode::OK,
    );
    let ret = call(
        &rt,
        fil_actor_paych::Method::UpdateChannelState as u64,
        &fil_actor_paych::UpdateChannelStateParams { sv, secret: vec![] },
    );
    rt.verify();
    assert_eq!(ret, Ok(None));
    assert_eq!(lanes(&rt), vec![(0, lane(10, 1))]);
    assert_invariants(&rt);
}

#[test]
fn the_channel_may_be_named_by_its_robust_address() {
    let rt = setup(atto(1_000));
    let robust = Address::new_actor(b"channel");
    rt.add_id_address(robust, PAYCH.id().unwrap());
    let sv = SignedVoucher {
        channel_addr: robust,
        ..voucher(0, 1, 10)
    };
    redeem(&rt, &sv);
    assert_eq!(state(&rt).to_send, atto(10));
    assert_invariants(&rt);
}

#[test]
fn the_highest_lane_number() {
    let rt = setup(atto(1_000));
    redeem(&rt, &voucher(MAX_LANE, 1, 10));
    assert_eq!(lanes(&rt), vec![(MAX_LANE, lane(10, 1))]);
    assert_invariants(&rt);
}

#[test]
fn the_whole_balance_may_be_owed() {
    let rt = setup(atto(1_000));
    redeem(&rt, &voucher(0, 1, 1_000));
    assert_eq!(state(&rt).to_send, atto(1_000));
    assert_invariants(&rt);
}
