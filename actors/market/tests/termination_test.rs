//! `OnMinerSectorsTerminate`: deals of terminated sectors end at once: the provider is paid up to
//! the termination epoch, the client gets back the rest of its fee and its collateral, the
//! provider's collateral is burnt, `deal-terminated` is emitted. Deals past their end, sectors
//! without deals, and other providers' sectors are left alone.

mod harness;

use fil_actor_market::{DealProposal, Method, OnMinerSectorsTerminateParams};
use fil_actors_runtime::test_utils::{expect_code, MockRuntime};
use fil_actors_runtime::Type;
use fvm_ipld_bitfield::BitField;
use fvm_shared::address::Address;
use fvm_shared::clock::ChainEpoch;
use fvm_shared::error::ExitCode;
use harness::*;

/// Deals 0 and 1 in sector 7, deal 2 (ending early) in sector 8, all of CLIENT with PROVIDER,
/// activated before their start.
fn active() -> (MockRuntime, Vec<DealProposal>) {
    let rt = setup();
    add_balance(&rt, CLIENT, CLIENT, atto(100_000_000));
    add_balance(&rt, OWNER, PROVIDER, atto(100_000));
    let mut deals = vec![
        proposal(CLIENT, 1),
        proposal(CLIENT, 2),
        proposal(CLIENT, 3),
    ];
    deals[2].end_epoch = START + 181 * 2880;
    let signed_deals: Vec<_> = deals.iter().cloned().map(signed).collect();
    publish_deals(&rt, &signed_deals);
    rt.set_epoch(START - 1);
    activate(
        &rt,
        &[
            (7, vec![(0, deals[0].clone()), (1, deals[1].clone())]),
            (8, vec![(2, deals[2].clone())]),
        ],
        START + 400 * 2880,
    );
    (rt, deals)
}

fn terminate(
    rt: &MockRuntime,
    miner: Address,
    epoch: ChainEpoch,
    sectors: &[u64],
) -> Result<Option<fvm_ipld_encoding::ipld_block::IpldBlock>, fil_actors_runtime::ActorError> {
    as_miner(rt, miner);
    rt.expect_validate_caller_type(vec![Type::Miner]);
    call(
        rt,
        Method::OnMinerSectorsTerminate as u64,
        &OnMinerSectorsTerminateParams {
            epoch,
            sectors: BitField::try_from_bits(sectors.iter().copied()).unwrap(),
        },
    )
}

#[test]
fn a_terminated_sectors_deals_pay_refund_and_burn() {
    let (rt, deals) = active();
    let (escrow_before, _) = balances(&rt, CLIENT);
    let at = START + 12_345;
    rt.set_epoch(at + 5);
    for id in [0, 1] {
        rt.expect_emitted_event(deal_event("deal-terminated", id, CLIENT, PROVIDER));
    }
    expect_burn(&rt, atto(2000));
    // Sector 9 has no deals: it is ignored.
    terminate(&rt, PROVIDER, at, &[7, 9]).unwrap();

    // Never paid before, each deal pays 10 per epoch from its start to the termination.
    let paid = 2 * 10 * (at - START);
    let (escrow, locked) = balances(&rt, CLIENT);
    assert_eq!(escrow, &escrow_before - atto(paid));
    // Deal 2 alone remains locked: its collateral and whole fee.
    assert_eq!(locked, client_requirement(&deals[2]));
    assert_eq!(
        balances(&rt, PROVIDER),
        (atto(100_000 + paid - 2000), atto(1000))
    );
    assert_eq!(deal(&rt, 0), (None, None));
    assert_eq!(deal(&rt, 1), (None, None));
    assert_eq!(sector_index(&rt, 1000), vec![(8, vec![2])]);
    // Both pending proposals went with their deals.
    for p in &deals[..2] {
        assert!(!state(&rt)
            .has_pending_deal(&rt.store, &stored_cid(p))
            .unwrap());
    }
    check_state(&rt);
}

#[test]
fn a_termination_before_the_start_pays_nothing_and_refunds_everything() {
    let (rt, deals) = active();
    let (escrow_before, _) = balances(&rt, CLIENT);
    rt.expect_emitted_event(deal_event("deal-terminated", 2, CLIENT, PROVIDER));
    expect_burn(&rt, atto(1000));
    terminate(&rt, PROVIDER, START - 1, &[8]).unwrap();
    assert_eq!(
        balances(&rt, CLIENT),
        (
            escrow_before,
            client_requirement(&deals[0]) + client_requirement(&deals[1])
        )
    );
    assert_eq!(balances(&rt, PROVIDER), (atto(99_000), atto(2000)));
    check_state(&rt);
}

#[test]
fn deals_past_their_end_are_not_slashed() {
    let (rt, deals) = active();
    let end = deals[2].end_epoch;
    rt.set_epoch(end + 10);
    // Sector 8's only deal ended: nothing is burnt, no event; the deal waits for settlement.
    terminate(&rt, PROVIDER, end, &[8]).unwrap();
    assert!(deal(&rt, 2).1.is_some());
    assert_eq!(sector_index(&rt, 1000), vec![(7, vec![0, 1])]);
    check_state(&rt);
}

#[test]
fn another_providers_sectors_and_callers_other_than_miners() {
    let (rt, _) = active();
    let before = rt.state.get();
    // PROVIDER2 has no sector 7: nothing happens.
    terminate(&rt, PROVIDER2, START, &[7]).unwrap();
    assert_eq!(rt.state.get(), before);
    as_account(&rt, OWNER);
    rt.expect_validate_caller_type(vec![Type::Miner]);
    expect_code(
        call(
            &rt,
            Method::OnMinerSectorsTerminate as u64,
            &OnMinerSectorsTerminateParams {
                epoch: START,
                sectors: BitField::try_from_bits([7]).unwrap(),
            },
        ),
        ExitCode::USR_FORBIDDEN,
    );
    assert_eq!(rt.state.get(), before);
    check_state(&rt);
}
