//! Malformed parameters to every method: undecodable or wrongly shaped CBOR is
//! `USR_SERIALIZATION`, missing parameters `USR_ILLEGAL_ARGUMENT`, parameters to a method that
//! takes none `USR_ILLEGAL_ARGUMENT`; internal methods called by user code are `USR_FORBIDDEN`,
//! and unknown or removed numbers `USR_UNHANDLED_MESSAGE`. Nothing changes, and no caller check
//! or send happens (the mock runtime fails the test on any unexpected request).

mod harness;

use fil_actor_market::{Actor, Method};
use fil_actors_runtime::test_utils::{builtin_code_cid, expect_code, user_code_cid, MockRuntime};
use fil_actors_runtime::Type;
use fvm_ipld_encoding::ipld_block::IpldBlock;
use fvm_ipld_encoding::{to_vec, CBOR};
use fvm_shared::error::ExitCode;
use harness::*;

/// A market with a deal published, so that a mistaken write would show.
fn market() -> MockRuntime {
    let rt = setup();
    add_balance(&rt, CLIENT, CLIENT, atto(100_000_000));
    add_balance(&rt, OWNER, PROVIDER, atto(100_000));
    publish_deals(&rt, &[signed(proposal(CLIENT, 1))]);
    rt
}

/// Every method that takes parameters, with the caller type that passes its internal-API check.
const WITH_PARAMS: [Method; 22] = [
    Method::AddBalance,
    Method::WithdrawBalance,
    Method::PublishStorageDeals,
    Method::VerifyDealsForActivation,
    Method::BatchActivateDeals,
    Method::OnMinerSectorsTerminate,
    Method::AddBalanceExported,
    Method::WithdrawBalanceExported,
    Method::PublishStorageDealsExported,
    Method::GetBalanceExported,
    Method::GetDealDataCommitmentExported,
    Method::GetDealClientExported,
    Method::GetDealProviderExported,
    Method::GetDealLabelExported,
    Method::GetDealTermExported,
    Method::GetDealTotalPriceExported,
    Method::GetDealClientCollateralExported,
    Method::GetDealProviderCollateralExported,
    Method::GetDealVerifiedExported,
    Method::GetDealActivationExported,
    Method::GetDealSectorExported,
    Method::SettleDealPaymentsExported,
];

fn raw(bytes: Vec<u8>) -> Option<IpldBlock> {
    Some(IpldBlock {
        codec: CBOR,
        data: bytes,
    })
}

#[test]
fn undecodable_parameters_are_serialization_errors() {
    let rt = market();
    let before = rt.state.get();
    let garbage: Vec<Vec<u8>> = vec![
        vec![0xff],                                  // not CBOR
        to_vec(&"a string").unwrap(),                // a text string
        to_vec(&(1u8, 2u8, 3u8, 4u8, 5u8)).unwrap(), // a tuple of the wrong shape
        vec![0x82, 0x01],                            // a truncated array
    ];
    let mut methods: Vec<u64> = WITH_PARAMS.iter().map(|m| *m as u64).collect();
    methods.push(Method::SectorContentChangedExported as u64);
    for m in methods {
        for g in &garbage {
            // A miner may call every internal method; decoding fails before any check.
            rt.set_caller(builtin_code_cid(Type::Miner), PROVIDER);
            let r = rt.call::<Actor>(m, raw(g.clone()));
            expect_code(r, ExitCode::USR_SERIALIZATION);
            rt.verify();
        }
    }
    assert_eq!(rt.state.get(), before);
    check_state(&rt);
}

#[test]
fn wrongly_typed_fields_are_serialization_errors() {
    let rt = market();
    let before = rt.state.get();
    let p = proposal(CLIENT, 2);
    // A label that is neither text nor bytes, a negative piece size, a signature of unknown
    // type, and an extra field in a proposal.
    // PublishStorageDealsParams, one deal, a ClientDealProposal; then the proposal's header.
    let prefix = [0x81, 0x81, 0x82];
    let mut proposal_fields: Vec<Vec<u8>> = vec![
        to_vec(&p.piece_cid).unwrap(),
        to_vec(&p.piece_size).unwrap(),
        to_vec(&p.verified_deal).unwrap(),
        to_vec(&p.client).unwrap(),
        to_vec(&p.provider).unwrap(),
        to_vec(&7u8).unwrap(), // label: an integer
        to_vec(&p.start_epoch).unwrap(),
        to_vec(&p.end_epoch).unwrap(),
        to_vec(&p.storage_price_per_epoch).unwrap(),
        to_vec(&p.provider_collateral).unwrap(),
        to_vec(&p.client_collateral).unwrap(),
    ];
    let signature = to_vec(&signed(p.clone()).client_signature).unwrap();
    let assemble = |fields: &Vec<Vec<u8>>, header: u8, sig: &[u8]| {
        let mut b = prefix.to_vec();
        b.push(header);
        for f in fields {
            b.extend(f);
        }
        b.extend(sig);
        b
    };
    let mut cases = vec![assemble(&proposal_fields, 0x8b, &signature)];
    proposal_fields[5] = to_vec(&"label").unwrap();
    proposal_fields[1] = to_vec(&-5i64).unwrap();
    cases.push(assemble(&proposal_fields, 0x8b, &signature));
    proposal_fields[1] = to_vec(&p.piece_size).unwrap();
    // A signature whose type byte is 9.
    cases.push(assemble(&proposal_fields, 0x8b, &[0x43, 0x09, 0x01, 0x02]));
    // Twelve fields.
    let mut twelve = proposal_fields.clone();
    twelve.push(to_vec(&0u8).unwrap());
    cases.push(assemble(&twelve, 0x8c, &signature));
    // The well-formed bytes decode: the cases above fail only for their one defect.
    let good = assemble(&proposal_fields, 0x8b, &signature);
    assert!(
        fvm_ipld_encoding::from_slice::<fil_actor_market::PublishStorageDealsParams>(&good).is_ok()
    );
    for c in cases {
        as_account(&rt, WORKER);
        expect_code(
            rt.call::<Actor>(Method::PublishStorageDeals as u64, raw(c)),
            ExitCode::USR_SERIALIZATION,
        );
        rt.verify();
    }
    assert_eq!(rt.state.get(), before);
    check_state(&rt);
}

#[test]
fn missing_or_unexpected_parameters_are_illegal_arguments() {
    let rt = market();
    let before = rt.state.get();
    for m in WITH_PARAMS {
        rt.set_caller(builtin_code_cid(Type::Miner), PROVIDER);
        expect_code(
            rt.call::<Actor>(m as u64, None),
            ExitCode::USR_ILLEGAL_ARGUMENT,
        );
        rt.verify();
    }
    rt.set_caller(
        builtin_code_cid(Type::Cron),
        fil_actors_runtime::CRON_ACTOR_ADDR,
    );
    expect_code(
        rt.call::<Actor>(Method::CronTick as u64, raw(to_vec(&0u8).unwrap())),
        ExitCode::USR_ILLEGAL_ARGUMENT,
    );
    assert_eq!(rt.state.get(), before);
}

#[test]
fn internal_methods_are_closed_to_user_code_and_unknown_numbers_unhandled() {
    let rt = market();
    let before = rt.state.get();
    for m in [
        Method::AddBalance,
        Method::WithdrawBalance,
        Method::PublishStorageDeals,
        Method::VerifyDealsForActivation,
        Method::BatchActivateDeals,
        Method::OnMinerSectorsTerminate,
        Method::CronTick,
    ] {
        rt.set_caller(user_code_cid("contract"), STRANGER);
        expect_code(rt.call::<Actor>(m as u64, None), ExitCode::USR_FORBIDDEN);
        rt.set_caller(builtin_code_cid(Type::EVM), STRANGER);
        expect_code(rt.call::<Actor>(m as u64, None), ExitCode::USR_FORBIDDEN);
    }
    // 8 was ComputeDataCommitment, removed; 10 never existed.
    for m in [8u64, 10, 1 << 30] {
        rt.set_caller(builtin_code_cid(Type::Miner), PROVIDER);
        expect_code(rt.call::<Actor>(m, None), ExitCode::USR_UNHANDLED_MESSAGE);
    }
    assert_eq!(rt.state.get(), before);
    check_state(&rt);
}
