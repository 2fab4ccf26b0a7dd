//! Bad input to the market on both engines, after three deals were published and activated:
//! proposals v18 refuses (a forged or missing client signature, the wrong caller, a duplicate,
//! a deal for another provider, escrow that does not cover it, a piece CID of the wrong codec,
//! terms out of the network's bounds, a verified piece below the registry's minimum) and malformed parameters to the market's methods, each
//! with v18's exit code, and nothing changes: not the market, not datacap, not the verified
//! registry, not the miners (only the sender's nonce advances). The base proposal is valid: it
//! publishes at the end.

use crate::malformed::{encoded, malformed, malformed_codes, raw_msg};
use cid::Cid;
use fil_actor_market::policy::DEAL_MAX_LABEL_SIZE;
use fil_actor_market::{DealQueryParams, Method, WithdrawBalanceParams};
use fil_actors_integration_tests::keys::SecpKey;
use fil_actors_integration_tests::market::{
    activated_deals, escrow, proposal, publish, signed_proposal, Terms,
};
use fil_actors_integration_tests::miner::{create_miner, piece_cid};
use fil_actors_integration_tests::on_both_engines;
use fil_actors_runtime::builtin::{
    DATACAP_TOKEN_ACTOR_ID, STORAGE_MARKET_ACTOR_ADDR, STORAGE_MARKET_ACTOR_ID,
    VERIFIED_REGISTRY_ACTOR_ID,
};
use fil_actors_runtime::runtime::policy::EPOCHS_IN_DAY;
use fvm_shared::address::Address;
use fvm_shared::crypto::signature::Signature;
use fvm_shared::econ::TokenAmount;
use fvm_shared::error::ExitCode;
use fvm_shared::MethodNum;
use multihash_codetable::{Code, MultihashDigest};
use test_vm::{ActorState, VM};

/// What each engine saw: the exit codes in order and the final state root.
#[derive(Debug, PartialEq)]
struct Outcome {
    codes: Vec<ExitCode>,
    root: Cid,
}

fn snapshot(vm: &dyn VM, ids: &[u64]) -> Vec<Option<ActorState>> {
    ids.iter().map(|id| vm.actor(*id).unwrap()).collect()
}

/// A valid unverified deal starting 1,000 epochs from now for the minimum duration.
fn base_terms(vm: &dyn VM) -> Terms {
    let start = vm.epoch() + 1_000;
    Terms {
        piece_cid: piece_cid(50),
        piece_size: 2048,
        verified: false,
        start,
        end: start + 180 * EPOCHS_IN_DAY,
        price_per_epoch: TokenAmount::from_nano(1),
        provider_collateral: TokenAmount::from_nano(10_000_000),
        client_collateral: TokenAmount::from_nano(10_000_000),
    }
}

#[test]
fn proposals_v18_refuses_get_its_codes_and_change_nothing() {
    let (native, fvm) = on_both_engines(|vm| {
        let (m, opened) = activated_deals(vm).unwrap();
        let other = create_miner(vm, opened.owner, 2, TokenAmount::from_whole(10)).unwrap();
        let watched = [
            STORAGE_MARKET_ACTOR_ID,
            DATACAP_TOKEN_ACTOR_ID,
            VERIFIED_REGISTRY_ACTOR_ID,
            m.miner_id,
            other.miner_id,
        ];
        let client = opened.client_addr;
        let base = base_terms(vm);
        let sign = |terms: &Terms, provider: Address, key: &SecpKey| {
            signed_proposal(proposal(client, provider, terms, "bad"), key).unwrap()
        };
        let with = |f: &dyn Fn(&mut Terms)| {
            let mut t = base.clone();
            f(&mut t);
            sign(&t, m.miner, &opened.key)
        };
        let client_free = {
            let e = escrow(vm, opened.client).unwrap();
            e.balance - e.locked
        };
        let provider_free = {
            let e = escrow(vm, m.miner_id).unwrap();
            e.balance - e.locked
        };
        let forger = SecpKey::from_seed(99).unwrap();
        let mut unsigned = sign(&base, m.miner, &opened.key);
        unsigned.client_signature = Signature::new_secp256k1(vec![]);
        let raw_piece = Cid::new_v1(0x55, Code::Sha2_256.digest(b"not a piece"));
        // A deal already published: deal 1's proposal (label included), signed again.
        let duplicate = signed_proposal(
            proposal(client, m.miner, &opened.terms[1], "deal 1"),
            &opened.key,
        )
        .unwrap();
        let cases: Vec<(&str, Address, _, ExitCode)> = vec![
            (
                "forged signature",
                m.worker,
                sign(&base, m.miner, &forger),
                ExitCode::USR_ILLEGAL_ARGUMENT,
            ),
            (
                "missing signature",
                m.worker,
                unsigned,
                ExitCode::USR_ILLEGAL_ARGUMENT,
            ),
            (
                "the client as caller",
                client,
                sign(&base, m.miner, &opened.key),
                ExitCode::USR_FORBIDDEN,
            ),
            (
                "duplicate proposal",
                m.worker,
                duplicate,
                ExitCode::USR_ILLEGAL_ARGUMENT,
            ),
            (
                "another provider's deal",
                m.worker,
                sign(&base, other.miner, &opened.key),
                ExitCode::USR_FORBIDDEN,
            ),
            (
                "client escrow short by 1 attoFIL",
                m.worker,
                with(&|t| {
                    t.client_collateral = &client_free - &t.price_per_epoch * (t.end - t.start)
                        + TokenAmount::from_atto(1)
                }),
                ExitCode::USR_ILLEGAL_ARGUMENT,
            ),
            (
                "provider escrow short by 1 attoFIL",
                m.worker,
                with(&|t| t.provider_collateral = &provider_free + TokenAmount::from_atto(1)),
                ExitCode::USR_ILLEGAL_ARGUMENT,
            ),
            (
                "raw piece CID",
                m.worker,
                with(&|t| t.piece_cid = raw_piece),
                ExitCode::USR_ILLEGAL_ARGUMENT,
            ),
            (
                "piece size not a power of two",
                m.worker,
                with(&|t| t.piece_size = 2000),
                ExitCode::USR_ILLEGAL_ARGUMENT,
            ),
            (
                "duration a day short",
                m.worker,
                with(&|t| t.end -= EPOCHS_IN_DAY),
                ExitCode::USR_ILLEGAL_ARGUMENT,
            ),
            (
                "duration beyond 1278 days",
                m.worker,
                with(&|t| t.end = t.start + 1279 * EPOCHS_IN_DAY),
                ExitCode::USR_ILLEGAL_ARGUMENT,
            ),
            (
                "start in the past",
                m.worker,
                with(&|t| {
                    let d = t.end - t.start;
                    t.start = 0;
                    t.end = d;
                }),
                ExitCode::USR_ILLEGAL_ARGUMENT,
            ),
            (
                "end before start",
                m.worker,
                with(&|t| t.end = t.start - 1),
                ExitCode::USR_ILLEGAL_ARGUMENT,
            ),
            (
                "price above all FIL",
                m.worker,
                with(&|t| t.price_per_epoch = TokenAmount::from_whole(2_000_000_001)),
                ExitCode::USR_ILLEGAL_ARGUMENT,
            ),
            // The market leaves an allocation's bounds to the registry, whose refusal aborts the
            // datacap transfer: v18 reports that as an illegal state.
            (
                "verified below the minimum size",
                m.worker,
                with(&|t| {
                    t.verified = true;
                    t.piece_size = 128;
                }),
                ExitCode::USR_ILLEGAL_STATE,
            ),
        ];
        let mut codes = Vec::new();
        for (what, from, deal, expected) in cases {
            let before = snapshot(vm, &watched);
            let r = publish(vm, from, vec![deal]).unwrap();
            assert_eq!(r.code, expected, "{what} on {}: {:?}", vm.name(), r.failure);
            assert_eq!(snapshot(vm, &watched), before, "{what} changed state");
            codes.push(r.code);
        }
        // A label one byte too long.
        let mut long = proposal(client, m.miner, &base, "");
        long.label = fil_actor_market::Label::String("l".repeat(DEAL_MAX_LABEL_SIZE + 1));
        let before = snapshot(vm, &watched);
        let r = publish(
            vm,
            m.worker,
            vec![signed_proposal(long, &opened.key).unwrap()],
        )
        .unwrap();
        assert_eq!(r.code, ExitCode::USR_ILLEGAL_ARGUMENT);
        assert_eq!(snapshot(vm, &watched), before, "a long label changed state");
        codes.push(r.code);

        // The base proposal is valid: it publishes as deal 3.
        let r = publish(vm, m.worker, vec![sign(&base, m.miner, &opened.key)]).unwrap();
        assert_eq!(r.code, ExitCode::OK, "{:?}", r.failure);
        let ret: fil_actor_market::PublishStorageDealsReturn = r.ret_as().unwrap();
        assert_eq!(ret.ids, vec![3]);
        codes.push(r.code);
        Outcome {
            codes,
            root: vm.state_root().unwrap(),
        }
    });
    assert_eq!(native, fvm);
}

#[test]
fn malformed_parameters_to_the_market_get_v18s_codes_and_change_nothing() {
    let (native, fvm) = on_both_engines(|vm| {
        let (m, _) = activated_deals(vm).unwrap();
        let watched = [STORAGE_MARKET_ACTOR_ID, m.miner_id, DATACAP_TOKEN_ACTOR_ID];
        let mut codes = Vec::new();
        for method in [
            Method::AddBalance,
            Method::WithdrawBalance,
            Method::PublishStorageDeals,
            Method::SettleDealPaymentsExported,
            Method::GetBalanceExported,
            Method::GetDealClientExported,
            Method::GetDealActivationExported,
        ] {
            for ((what, params), expected) in malformed().into_iter().zip(malformed_codes()) {
                let before = snapshot(vm, &watched);
                let msg = raw_msg(
                    m.worker,
                    STORAGE_MARKET_ACTOR_ADDR,
                    method as MethodNum,
                    &params,
                );
                let r = vm.apply(&msg).unwrap();
                assert_eq!(r.code, expected, "{what} to {method:?} on {}", vm.name());
                assert_eq!(
                    snapshot(vm, &watched),
                    before,
                    "{what} to {method:?} changed state"
                );
                codes.push(r.code);
            }
        }
        // Well-formed values v18 refuses: a negative withdrawal, a deal never published.
        let never = DealQueryParams { id: 99 };
        let withdrawal = WithdrawBalanceParams {
            provider_or_client: m.miner,
            amount: TokenAmount::from_atto(-1),
        };
        for (what, method, params, expected) in [
            (
                "a negative withdrawal",
                Method::WithdrawBalance,
                encoded(&withdrawal),
                ExitCode::USR_ILLEGAL_ARGUMENT,
            ),
            (
                "deal 99's client",
                Method::GetDealClientExported,
                encoded(&never),
                ExitCode::USR_NOT_FOUND,
            ),
            (
                "deal 99's activation",
                Method::GetDealActivationExported,
                encoded(&never),
                ExitCode::USR_NOT_FOUND,
            ),
        ] {
            let before = snapshot(vm, &watched);
            let msg = raw_msg(
                m.owner,
                STORAGE_MARKET_ACTOR_ADDR,
                method as MethodNum,
                &params,
            );
            let r = vm.apply(&msg).unwrap();
            assert_eq!(r.code, expected, "{what} on {}", vm.name());
            assert_eq!(snapshot(vm, &watched), before, "{what} changed state");
            codes.push(r.code);
        }
        Outcome {
            codes,
            root: vm.state_root().unwrap(),
        }
    });
    assert_eq!(native, fvm);
}
