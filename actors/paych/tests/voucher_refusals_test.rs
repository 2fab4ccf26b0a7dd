//! Vouchers the channel refuses, on the mock runtime: each with v18's exit code, asked of the
//! signer or not as v18 orders its checks, and leaving the state and balance as they were.

mod harness;

use fil_actor_paych::{Merge, ModVerifyParams, SignedVoucher, MAX_LANE};
use fil_actors_runtime::runtime::Primitives;
use fil_actors_runtime::test_utils::{builtin_code_cid, expect_abort, MockRuntime};
use fil_actors_runtime::Type;
use fvm_ipld_encoding::ipld_block::IpldBlock;
use fvm_ipld_encoding::{RawBytes, CBOR};
use fvm_shared::address::Address;
use fvm_shared::econ::TokenAmount;
use fvm_shared::error::ExitCode;
use fvm_shared::MethodNum;
use harness::*;

/// A channel of 1,000 with lane 0 at 100 (nonce 1) and lane 1 at 200 (nonce 1).
fn two_lanes() -> MockRuntime {
    let rt = setup(atto(1_000));
    redeem(&rt, &voucher(0, 1, 100));
    redeem(&rt, &voucher(1, 1, 200));
    rt
}

/// The payee presents `sv`; the payer's actor answers `auth` (or is not asked). The call fails
/// with `code` and `fragment` and changes nothing.
fn refused(
    rt: &MockRuntime,
    sv: &SignedVoucher,
    secret: &[u8],
    auth: Option<Auth>,
    code: ExitCode,
    fragment: &str,
) {
    let before = state(rt);
    let balance = rt.balance.borrow().clone();
    expect_abort(code, fragment, update_with(rt, PAYEE, sv, secret, auth));
    assert_eq!(state(rt), before);
    assert_eq!(*rt.balance.borrow(), balance);
    assert_invariants(rt);
}

#[test]
fn a_forged_signature_is_refused_by_the_signers_actor() {
    // The payer's account finds the signature invalid: its exit code is the channel's.
    let rt = two_lanes();
    refused(
        &rt,
        &voucher(0, 2, 900),
        &[],
        Some(Auth::Refused(ExitCode::USR_ILLEGAL_ARGUMENT)),
        ExitCode::USR_ILLEGAL_ARGUMENT,
        "voucher signature authentication by f0101 failed",
    );
}

#[test]
fn an_authentication_that_answers_false_or_nothing() {
    let rt = two_lanes();
    refused(
        &rt,
        &voucher(0, 2, 900),
        &[],
        Some(Auth::False),
        ExitCode::USR_ILLEGAL_ARGUMENT,
        "f0101 did not authenticate",
    );
    refused(
        &rt,
        &voucher(0, 2, 900),
        &[],
        Some(Auth::Nothing),
        ExitCode::USR_SERIALIZATION,
        "authentication by f0101 failed",
    );
}

#[test]
fn an_unsigned_voucher_is_refused_before_authentication() {
    let rt = two_lanes();
    let sv = SignedVoucher {
        signature: None,
        ..voucher(0, 2, 900)
    };
    refused(
        &rt,
        &sv,
        &[],
        None,
        ExitCode::USR_ILLEGAL_ARGUMENT,
        "voucher has no signature",
    );
}

#[test]
fn a_voucher_with_an_old_nonce_is_refused() {
    let rt = two_lanes();
    for nonce in [0, 1] {
        refused(
            &rt,
            &voucher(0, nonce, 900),
            &[],
            Some(Auth::Valid),
            ExitCode::USR_ILLEGAL_ARGUMENT,
            &format!("voucher nonce {} is not above lane 0's nonce 1", nonce),
        );
    }
}

#[test]
fn an_expired_voucher_is_refused() {
    let rt = two_lanes();
    rt.set_epoch(201);
    let sv = SignedVoucher {
        time_lock_max: 200,
        ..voucher(0, 2, 150)
    };
    refused(
        &rt,
        &sv,
        &[],
        Some(Auth::Valid),
        ExitCode::USR_ILLEGAL_ARGUMENT,
        "voucher expired at epoch 200 (now 201)",
    );
}

#[test]
fn a_voucher_used_too_early_is_refused() {
    let rt = two_lanes();
    rt.set_epoch(99);
    let sv = SignedVoucher {
        time_lock_min: 100,
        ..voucher(0, 2, 150)
    };
    refused(
        &rt,
        &sv,
        &[],
        Some(Auth::Valid),
        ExitCode::USR_ILLEGAL_ARGUMENT,
        "cannot be used before epoch 100 (now 99)",
    );
}

#[test]
fn a_voucher_for_another_channel_is_refused() {
    let rt = two_lanes();
    let other = SignedVoucher {
        channel_addr: Address::new_id(1001),
        ..voucher(0, 2, 150)
    };
    refused(
        &rt,
        &other,
        &[],
        Some(Auth::Valid),
        ExitCode::USR_ILLEGAL_ARGUMENT,
        "voucher is for channel f01001 (ID 1001), not f01000",
    );
    let unknown = SignedVoucher {
        channel_addr: Address::new_actor(b"nowhere"),
        ..voucher(0, 2, 150)
    };
    refused(
        &rt,
        &unknown,
        &[],
        Some(Auth::Valid),
        ExitCode::USR_ILLEGAL_ARGUMENT,
        "does not resolve to an ID",
    );
}

#[test]
fn a_wrong_or_oversized_secret_is_refused() {
    let rt = two_lanes();
    let mut sv = voucher(0, 2, 150);
    sv.secret_pre_image = rt.hash_blake2b(b"right").to_vec();
    refused(
        &rt,
        &sv,
        b"wrong",
        Some(Auth::Valid),
        ExitCode::USR_ILLEGAL_ARGUMENT,
        "secret does not hash to the voucher's pre-image",
    );
    // Too long a secret is refused before the signer is asked.
    refused(
        &rt,
        &sv,
        &[0; 257],
        None,
        ExitCode::USR_ILLEGAL_ARGUMENT,
        "secret of 257 bytes is longer than 256",
    );
}

#[test]
fn a_negative_amount_is_refused() {
    let rt = two_lanes();
    refused(
        &rt,
        &voucher(2, 1, -1),
        &[],
        Some(Auth::Valid),
        ExitCode::USR_ILLEGAL_ARGUMENT,
        "voucher amount -0.000000000000000001 is negative",
    );
}

#[test]
fn more_than_the_balance_is_refused() {
    // 300 owed; lane 2 for 701 would make 1,001 of a 1,000 balance.
    let rt = two_lanes();
    refused(
        &rt,
        &voucher(2, 1, 701),
        &[],
        Some(Auth::Valid),
        ExitCode::USR_ILLEGAL_ARGUMENT,
        "channel balance 0.000000000000001 cannot cover 0.000000000000001001 owed",
    );
}

#[test]
fn a_voucher_that_would_leave_a_negative_amount_owed_is_refused() {
    // Lane 2 takes over lanes 0 and 1 (300, still 300 owed). Merging lane 2 and lane 0 again
    // into a lane worth 0 would count lane 0 twice: 300 + 0 - 300 - 100 = -100.
    let rt = two_lanes();
    let mut take_over = voucher(2, 1, 300);
    take_over.merges = vec![Merge { lane: 0, nonce: 2 }, Merge { lane: 1, nonce: 2 }];
    redeem(&rt, &take_over);
    assert_eq!(state(&rt).to_send, atto(300));
    let mut sv = voucher(3, 1, 0);
    sv.merges = vec![Merge { lane: 2, nonce: 2 }, Merge { lane: 0, nonce: 3 }];
    refused(
        &rt,
        &sv,
        &[],
        Some(Auth::Valid),
        ExitCode::USR_ILLEGAL_ARGUMENT,
        "would leave the channel owing -0.0000000000000001",
    );
}

#[test]
fn bad_merges_are_refused() {
    let rt = two_lanes();
    for (merges, fragment) in [
        (
            vec![Merge { lane: 0, nonce: 5 }],
            "voucher merges lane 0 into itself",
        ),
        (
            vec![Merge { lane: 9, nonce: 5 }],
            "voucher merges lane 9, which does not exist",
        ),
        (
            vec![Merge { lane: 1, nonce: 1 }],
            "merge nonce 1 is not above lane 1's nonce 1",
        ),
        (
            vec![Merge {
                lane: MAX_LANE + 1,
                nonce: 5,
            }],
            "lane 9223372036854775808 is above the maximum lane",
        ),
    ] {
        let mut sv = voucher(0, 2, 500);
        sv.merges = merges;
        refused(
            &rt,
            &sv,
            &[],
            Some(Auth::Valid),
            ExitCode::USR_ILLEGAL_ARGUMENT,
            fragment,
        );
    }
}

#[test]
fn a_lane_above_the_maximum_is_refused() {
    let rt = two_lanes();
    refused(
        &rt,
        &voucher(MAX_LANE + 1, 1, 10),
        &[],
        Some(Auth::Valid),
        ExitCode::USR_ILLEGAL_ARGUMENT,
        "is above the maximum lane 9223372036854775807",
    );
}

#[test]
fn a_failed_extra_verification_keeps_its_exit_code() {
    let rt = two_lanes();
    let verifier = Address::new_id(400);
    let mut sv = voucher(0, 2, 150);
    sv.extra = Some(ModVerifyParams {
        actor: verifier,
        method: 17,
        data: RawBytes::default(),
    });
    let before = state(&rt);
    set_account_caller(&rt, PAYEE);
    rt.expect_validate_caller_addr(vec![PAYER, PAYEE]);
    expect_authentication(&rt, PAYER, &sv, Auth::Valid);
    // The data block is sent even when empty.
    rt.expect_send_simple(
        verifier,
        17,
        Some(IpldBlock {
            codec: CBOR,
            data: vec![],
        }),
        TokenAmount::default(),
        None,
        ExitCode::USR_FORBIDDEN,
    );
    expect_abort(
        ExitCode::USR_FORBIDDEN,
        "voucher verification by method 17 of f0400 failed",
        call(
            &rt,
            fil_actor_paych::Method::UpdateChannelState as MethodNum,
            &fil_actor_paych::UpdateChannelStateParams { sv, secret: vec![] },
        ),
    );
    rt.verify();
    assert_eq!(state(&rt), before);
    assert_invariants(&rt);
}

#[test]
fn no_voucher_after_settlement() {
    // Vouchers are accepted while settling, and refused with the channel's own code 32 from
    // the settlement epoch, before the signer is asked.
    let rt = two_lanes();
    rt.set_epoch(100);
    settle(&rt, PAYEE).unwrap();
    rt.set_epoch(100 + 1_439);
    redeem(&rt, &voucher(0, 2, 150));
    rt.set_epoch(100 + 1_440);
    refused(
        &rt,
        &voucher(0, 3, 160),
        &[],
        None,
        fil_actor_paych::ERR_CHANNEL_STATE_UPDATE_AFTER_SETTLED,
        "no vouchers can be redeemed from settlement at epoch 1540 (now 1540)",
    );
}

#[test]
fn only_the_parties_redeem() {
    let rt = two_lanes();
    let before = state(&rt);
    for (code, caller) in [
        (builtin_code_cid(Type::Account), EVE),
        (builtin_code_cid(Type::Multisig), Address::new_id(500)),
    ] {
        rt.set_caller(code, caller);
        rt.expect_validate_caller_addr(vec![PAYER, PAYEE]);
        expect_abort(
            ExitCode::USR_FORBIDDEN,
            "is not one of",
            call(
                &rt,
                fil_actor_paych::Method::UpdateChannelState as MethodNum,
                &fil_actor_paych::UpdateChannelStateParams {
                    sv: voucher(0, 2, 150),
                    secret: vec![],
                },
            ),
        );
        rt.verify();
    }
    // A contract is refused before the channel runs: no method is exported.
    rt.set_caller(builtin_code_cid(Type::EVM), PAYEE);
    expect_abort(
        ExitCode::USR_FORBIDDEN,
        "must be a built-in actor",
        call(
            &rt,
            fil_actor_paych::Method::UpdateChannelState as MethodNum,
            &fil_actor_paych::UpdateChannelStateParams {
                sv: voucher(0, 2, 150),
                secret: vec![],
            },
        ),
    );
    assert_eq!(state(&rt), before);
    assert_invariants(&rt);
}
