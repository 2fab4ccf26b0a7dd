//! Deals' whole life on the mock runtime, every amount from the test's own arithmetic: escrow
//! deposits, three deals published (one verified), two activated in one sector and the third in
//! another, payments settled mid-term, a cron visit paying a settled deal as v18's cron does,
//! the first sector terminated early (payment to the termination, fee and collateral refunded to
//! the client, provider collateral burnt), the third deal completed, and the client withdrawing.

mod harness;

use fil_actor_market::{
    DealSettlementSummary, Method, OnMinerSectorsTerminateParams, SettleDealPaymentsParams,
    SettleDealPaymentsReturn, WithdrawBalanceParams, WithdrawBalanceReturn,
};
use fil_actors_runtime::BatchReturn;
use fvm_ipld_bitfield::BitField;
use fvm_shared::clock::EPOCH_UNDEFINED;
use fvm_shared::error::ExitCode;
use fvm_shared::METHOD_SEND;
use harness::*;

#[test]
fn publish_activate_settle_terminate_complete() {
    let rt = setup();
    let price = 10;
    let (client_deposit, provider_deposit) = (20_000_000, 10_000);
    add_balance(&rt, CLIENT, CLIENT, atto(client_deposit));
    add_balance(&rt, CLIENT2, CLIENT2, atto(client_deposit));
    add_balance(&rt, OWNER, PROVIDER, atto(provider_deposit));
    check_state(&rt);

    // Three deals: two of CLIENT (the second verified), one of CLIENT2 ending ten days earlier.
    let p0 = proposal(CLIENT, 1);
    let p1 = verified(proposal(CLIENT, 2));
    let mut p2 = proposal(CLIENT2, 3);
    p2.end_epoch = START + 190 * 2880;
    let ids = publish_deals(
        &rt,
        &[signed(p0.clone()), signed(p1.clone()), signed(p2.clone())],
    );
    assert_eq!(ids, vec![0, 1, 2]);
    let fee = |p: &fil_actor_market::DealProposal| price * (p.end_epoch - p.start_epoch);
    assert_eq!(
        balances(&rt, CLIENT),
        (atto(client_deposit), atto(fee(&p0) + 500 + fee(&p1) + 500))
    );
    assert_eq!(
        balances(&rt, CLIENT2),
        (atto(client_deposit), atto(fee(&p2) + 500))
    );
    assert_eq!(
        balances(&rt, PROVIDER),
        (atto(provider_deposit), atto(3000))
    );
    let st = state(&rt);
    let allocations = st.load_pending_deal_allocation_ids(&rt.store).unwrap();
    assert_eq!(allocations.get(&1).unwrap(), Some(&FIRST_ALLOCATION_ID));
    assert_eq!(allocations.get(&0).unwrap(), None);
    check_state(&rt);

    // Sector 7 holds deals 0 and 1, sector 8 deal 2.
    let activation = START - 100;
    rt.set_epoch(activation);
    activate(
        &rt,
        &[
            (7, vec![(0, p0.clone()), (1, p1.clone())]),
            (8, vec![(2, p2.clone())]),
        ],
        START + 400 * 2880,
    );
    for (id, sector) in [(0, 7), (1, 7), (2, 8)] {
        let s = deal(&rt, id).1.unwrap();
        assert_eq!(
            (
                s.sector_number,
                s.sector_start_epoch,
                s.last_updated_epoch,
                s.slash_epoch
            ),
            (sector, activation, EPOCH_UNDEFINED, EPOCH_UNDEFINED)
        );
    }
    assert_eq!(sector_index(&rt, 1000), vec![(7, vec![0, 1]), (8, vec![2])]);
    assert!(state(&rt)
        .load_pending_deal_allocation_ids(&rt.store)
        .unwrap()
        .is_empty());
    check_state(&rt);

    // Mid-term settlement: 1000 epochs of each deal.
    let settled_at = START + 1000;
    rt.set_epoch(settled_at);
    as_account(&rt, WORKER);
    rt.expect_validate_caller_any();
    let r: SettleDealPaymentsReturn = ret(call(
        &rt,
        Method::SettleDealPaymentsExported as u64,
        &SettleDealPaymentsParams {
            deal_ids: BitField::try_from_bits([0, 1, 2]).unwrap(),
        },
    )
    .unwrap());
    let step = price * 1000;
    assert_eq!(r.results, BatchReturn::ok(3));
    assert_eq!(
        r.settlements,
        vec![
            DealSettlementSummary {
                payment: atto(step),
                completed: false
            };
            3
        ]
    );
    let mut client_escrow = client_deposit - 2 * step;
    let mut client_locked = fee(&p0) + fee(&p1) + 1000 - 2 * step;
    let mut provider_escrow = provider_deposit + 3 * step;
    assert_eq!(
        balances(&rt, CLIENT),
        (atto(client_escrow), atto(client_locked))
    );
    assert_eq!(
        balances(&rt, CLIENT2),
        (atto(client_deposit - step), atto(fee(&p2) + 500 - step))
    );
    assert_eq!(balances(&rt, PROVIDER), (atto(provider_escrow), atto(3000)));
    assert_eq!(deal(&rt, 2).1.unwrap().last_updated_epoch, settled_at);
    check_state(&rt);

    // Cron reaches the first visits of the three deals (epoch 86400 + id, 30-day interval).
    // Settled once already, they are paid by cron up to now, as v18 pays the deals it updated
    // before FIP-0074, and queued again 30 days later.
    let cron_at = 86_400 + 3;
    rt.set_epoch(cron_at);
    cron_tick(&rt).unwrap();
    let cron_payment = price * (cron_at - settled_at);
    client_escrow -= 2 * cron_payment;
    client_locked -= 2 * cron_payment;
    let mut client2_escrow = client_deposit - step - cron_payment;
    provider_escrow += 3 * cron_payment;
    for id in 0..3 {
        assert_eq!(deal(&rt, id).1.unwrap().last_updated_epoch, cron_at);
        assert_eq!(
            state(&rt)
                .get_deals_for_epoch(&rt.store, 172_800 + id as i64)
                .unwrap(),
            vec![id]
        );
    }
    assert_eq!(
        balances(&rt, CLIENT),
        (atto(client_escrow), atto(client_locked))
    );
    assert_eq!(balances(&rt, CLIENT2).0, atto(client2_escrow));
    assert_eq!(balances(&rt, PROVIDER).0, atto(provider_escrow));
    assert_eq!(state(&rt).last_cron, cron_at);
    check_state(&rt);

    // Sector 7 terminated: deals 0 and 1 pay up to the termination, the client gets the rest of
    // their fees and its collateral back, the provider's 2 x 1000 collateral is burnt.
    let terminated_at = cron_at + 5000;
    rt.set_epoch(terminated_at);
    as_miner(&rt, PROVIDER);
    rt.expect_validate_caller_type(vec![fil_actors_runtime::Type::Miner]);
    for (id, p) in [(0, &p0), (1, &p1)] {
        rt.expect_emitted_event(deal_event("deal-terminated", id, p.client, p.provider));
    }
    expect_burn(&rt, atto(2000));
    call(
        &rt,
        Method::OnMinerSectorsTerminate as u64,
        &OnMinerSectorsTerminateParams {
            epoch: terminated_at,
            sectors: BitField::try_from_bits([7]).unwrap(),
        },
    )
    .unwrap();
    let paid_to_termination = price * (terminated_at - cron_at);
    client_escrow -= 2 * paid_to_termination;
    client_locked = 0;
    provider_escrow += 2 * paid_to_termination - 2000;
    assert_eq!(
        balances(&rt, CLIENT),
        (atto(client_escrow), atto(client_locked))
    );
    assert_eq!(balances(&rt, PROVIDER), (atto(provider_escrow), atto(1000)));
    assert_eq!(deal(&rt, 0), (None, None));
    assert_eq!(deal(&rt, 1), (None, None));
    assert_eq!(sector_index(&rt, 1000), vec![(8, vec![2])]);
    check_state(&rt);

    // Deal 2 runs to its end and is settled for the last time.
    rt.set_epoch(p2.end_epoch + 10);
    as_account(&rt, WORKER);
    rt.expect_validate_caller_any();
    rt.expect_emitted_event(deal_event("deal-completed", 2, CLIENT2, PROVIDER));
    let r: SettleDealPaymentsReturn = ret(call(
        &rt,
        Method::SettleDealPaymentsExported as u64,
        &SettleDealPaymentsParams {
            deal_ids: BitField::try_from_bits([2]).unwrap(),
        },
    )
    .unwrap());
    let last_payment = price * (p2.end_epoch - cron_at);
    assert_eq!(
        r.settlements,
        vec![DealSettlementSummary {
            payment: atto(last_payment),
            completed: true
        }]
    );
    client2_escrow -= last_payment;
    provider_escrow += last_payment;
    assert_eq!(balances(&rt, CLIENT2), (atto(client2_escrow), atto(0)));
    assert_eq!(balances(&rt, PROVIDER), (atto(provider_escrow), atto(0)));
    assert_eq!(deal(&rt, 2), (None, None));
    assert!(sector_index(&rt, 1000).is_empty());
    // Everything CLIENT2 paid went to the provider: the whole fee of its deal.
    assert_eq!(client_deposit - client2_escrow, fee(&p2));
    check_state(&rt);

    // The client takes everything back.
    as_account(&rt, CLIENT);
    rt.expect_validate_caller_addr(vec![CLIENT]);
    rt.expect_send_simple(
        CLIENT,
        METHOD_SEND,
        None,
        atto(client_escrow),
        None,
        ExitCode::OK,
    );
    let w: WithdrawBalanceReturn = ret(call(
        &rt,
        Method::WithdrawBalance as u64,
        &WithdrawBalanceParams {
            provider_or_client: CLIENT,
            amount: atto(client_deposit),
        },
    )
    .unwrap());
    assert_eq!(w.amount_withdrawn, atto(client_escrow));
    assert_eq!(balances(&rt, CLIENT), (atto(0), atto(0)));
    check_state(&rt);
}
