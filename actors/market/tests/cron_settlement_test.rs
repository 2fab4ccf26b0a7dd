//! The cron tick and `SettleDealPayments` (FIP-0074): time-outs of deals never activated (client
//! refunded, provider collateral burnt), a first cron visit that only drops an activated deal's
//! pending CID, settlements before the start, mid-term and after the end (`deal-completed`),
//! per-deal failure codes, and deals marked terminated before FIP-0074 ended by cron.

mod harness;

use fil_actor_market::{
    DealProposal, DealQueryParams, DealSettlementSummary, DealState, Method,
    SettleDealPaymentsParams, SettleDealPaymentsReturn, EX_DEAL_EXPIRED,
};
use fil_actors_runtime::test_utils::{builtin_code_cid, expect_code, MockRuntime};
use fil_actors_runtime::{BatchReturn, FailCode, Type, CRON_ACTOR_ADDR};
use fvm_ipld_bitfield::BitField;
use fvm_shared::clock::{ChainEpoch, EPOCH_UNDEFINED};
use fvm_shared::error::ExitCode;
use harness::*;

/// Deals 0 (verified) and 1 published, deal 1 activated in sector 3 just before its start.
fn market() -> (MockRuntime, Vec<DealProposal>) {
    let rt = setup();
    add_balance(&rt, CLIENT, CLIENT, atto(100_000_000));
    add_balance(&rt, OWNER, PROVIDER, atto(100_000));
    let deals = vec![verified(proposal(CLIENT, 1)), proposal(CLIENT, 2)];
    let signed_deals: Vec<_> = deals.iter().cloned().map(signed).collect();
    publish_deals(&rt, &signed_deals);
    rt.set_epoch(START - 1);
    activate(&rt, &[(3, vec![(1, deals[1].clone())])], START + 400 * 2880);
    (rt, deals)
}

fn settle(
    rt: &MockRuntime,
    ids: &[u64],
) -> Result<SettleDealPaymentsReturn, fil_actors_runtime::ActorError> {
    rt.set_caller(builtin_code_cid(Type::EVM), STRANGER);
    rt.expect_validate_caller_any();
    call(
        rt,
        Method::SettleDealPaymentsExported as u64,
        &SettleDealPaymentsParams {
            deal_ids: BitField::try_from_bits(ids.iter().copied()).unwrap(),
        },
    )
    .map(ret)
}

fn summary(payment: i64, completed: bool) -> DealSettlementSummary {
    DealSettlementSummary {
        payment: atto(payment),
        completed,
    }
}

#[test]
fn cron_times_out_a_deal_never_activated_and_drops_an_activated_deals_pending_cid() {
    let (rt, deals) = market();
    // Deal 0's first visit is at 86400, deal 1's at 86401.
    rt.set_epoch(86_401);
    expect_burn(&rt, atto(1000));
    cron_tick(&rt).unwrap();
    assert_eq!(deal(&rt, 0), (None, None));
    let st = state(&rt);
    assert!(!st
        .has_pending_deal(&rt.store, &stored_cid(&deals[0]))
        .unwrap());
    assert!(st
        .load_pending_deal_allocation_ids(&rt.store)
        .unwrap()
        .is_empty());
    // The client's funds for deal 0 are unlocked; the provider's collateral is gone.
    assert_eq!(
        balances(&rt, CLIENT),
        (atto(100_000_000), client_requirement(&deals[1]))
    );
    assert_eq!(balances(&rt, PROVIDER), (atto(99_000), atto(1000)));
    // Deal 1: its CID left the pending set, nothing was paid, and cron will not visit again.
    assert!(!st
        .has_pending_deal(&rt.store, &stored_cid(&deals[1]))
        .unwrap());
    assert_eq!(deal(&rt, 1).1.unwrap().last_updated_epoch, EPOCH_UNDEFINED);
    assert!(st
        .get_deals_for_epoch(&rt.store, 86_400)
        .unwrap()
        .is_empty());
    assert!(st
        .get_deals_for_epoch(&rt.store, 86_401)
        .unwrap()
        .is_empty());
    assert_eq!(st.last_cron, 86_401);
    // A second tick at the same epoch visits nothing.
    cron_tick(&rt).unwrap();
    assert_eq!(state(&rt), st);
    check_state(&rt);
}

#[test]
fn only_the_cron_actor_ticks() {
    let (rt, _) = market();
    for caller in [STRANGER, PROVIDER] {
        rt.set_caller(builtin_code_cid(Type::Account), caller);
        rt.expect_validate_caller_addr(vec![CRON_ACTOR_ADDR]);
        expect_code(
            rt.call::<fil_actor_market::Actor>(Method::CronTick as u64, None),
            ExitCode::USR_FORBIDDEN,
        );
        rt.reset();
    }
}

#[test]
fn settlement_before_the_start_mid_term_and_after_the_end() {
    let (rt, deals) = market();
    // Before the start: nothing to pay, and the deal is marked updated.
    let r = settle(&rt, &[1]).unwrap();
    assert_eq!(
        (r.results, r.settlements),
        (BatchReturn::ok(1), vec![summary(0, false)])
    );
    assert_eq!(deal(&rt, 1).1.unwrap().last_updated_epoch, START - 1);
    // Mid-term: paid from the start.
    rt.set_epoch(START + 700);
    let r = settle(&rt, &[1]).unwrap();
    assert_eq!(r.settlements, vec![summary(7000, false)]);
    rt.set_epoch(START + 1000);
    let r = settle(&rt, &[1]).unwrap();
    assert_eq!(r.settlements, vec![summary(3000, false)]);
    // After the end: the rest, and the deal completes.
    rt.set_epoch(deals[1].end_epoch + 50);
    rt.expect_emitted_event(deal_event("deal-completed", 1, CLIENT, PROVIDER));
    let r = settle(&rt, &[1]).unwrap();
    assert_eq!(r.settlements, vec![summary(10 * (DURATION - 1000), true)]);
    assert_eq!(deal(&rt, 1), (None, None));
    assert!(sector_index(&rt, 1000).is_empty());
    // The client paid the whole fee; deal 0 still holds its funds until it times out.
    assert_eq!(
        balances(&rt, CLIENT),
        (
            atto(100_000_000 - 10 * DURATION),
            client_requirement(&deals[0])
        )
    );
    assert_eq!(
        balances(&rt, PROVIDER),
        (atto(100_000 + 10 * DURATION), atto(1000))
    );
    check_state(&rt);
}

#[test]
fn settlement_reports_each_deal_and_times_out_deals_never_activated() {
    let (rt, deals) = market();
    let before = rt.state.get();
    // Deal 0 is not active and has not started: a zero settlement. Deal 9 was never published.
    let r = settle(&rt, &[0, 9]).unwrap();
    assert_eq!(
        r.results,
        BatchReturn {
            success_count: 1,
            fail_codes: vec![FailCode {
                idx: 1,
                code: EX_DEAL_EXPIRED
            }]
        }
    );
    assert_eq!(r.settlements, vec![summary(0, false)]);
    assert_eq!(rt.state.get(), before);

    // Past its start, deal 0 times out: its provider collateral is burnt.
    rt.set_epoch(START + 10);
    expect_burn(&rt, atto(1000));
    let r = settle(&rt, &[0, 1]).unwrap();
    assert_eq!(
        r.results,
        BatchReturn {
            success_count: 1,
            fail_codes: vec![FailCode {
                idx: 0,
                code: EX_DEAL_EXPIRED
            }]
        }
    );
    assert_eq!(r.settlements, vec![summary(100, false)]);
    assert_eq!(deal(&rt, 0), (None, None));
    assert_eq!(
        balances(&rt, CLIENT).1,
        client_requirement(&deals[1]) - atto(100)
    );
    // Settling it again: it is gone.
    let r = settle(&rt, &[0]).unwrap();
    assert_eq!(
        r.results.fail_codes,
        vec![FailCode {
            idx: 0,
            code: EX_DEAL_EXPIRED
        }]
    );
    check_state(&rt);
}

/// Marks deal 1 terminated at `slash`, paid up to `paid`, as the asynchronous termination
/// before FIP-0074 left deals (no message makes such a state any more).
fn mark_terminated(rt: &MockRuntime, paid: ChainEpoch, slash: ChainEpoch) {
    let mut st = state(rt);
    let mut s: DealState = st.find_deal_state(&rt.store, 1).unwrap().unwrap();
    s.last_updated_epoch = paid;
    s.slash_epoch = slash;
    st.put_deal_states(&rt.store, &[(1, s)]).unwrap();
    rt.replace_state(&st);
}

#[test]
fn a_deal_marked_terminated_before_fip_0074_is_ended_by_cron_only() {
    let (rt, _) = market();
    rt.set_epoch(START + 100);
    settle(&rt, &[1]).unwrap();
    mark_terminated(&rt, START + 100, START + 400);
    rt.set_epoch(START + 500);

    // Settlement refuses it; the getters hide it.
    let before = rt.state.get();
    expect_code(settle(&rt, &[1]), ExitCode::USR_ILLEGAL_ARGUMENT);
    for m in [
        Method::GetDealActivationExported,
        Method::GetDealSectorExported,
    ] {
        rt.expect_validate_caller_any();
        expect_code(
            call(&rt, m as u64, &DealQueryParams { id: 1 }),
            EX_DEAL_EXPIRED,
        );
    }
    assert_eq!(rt.state.get(), before);

    // Cron settles the settled deal's legacy schedule: at its first visit (86401) it ends it.
    rt.set_epoch(86_401);
    expect_burn(&rt, atto(1000 + 1000));
    rt.expect_emitted_event(deal_event("deal-terminated", 1, CLIENT, PROVIDER));
    cron_tick(&rt).unwrap();
    assert_eq!(deal(&rt, 1), (None, None));
    assert!(sector_index(&rt, 1000).is_empty());
    // Paid 100 epochs by settlement and 300 more up to the termination; the rest refunded.
    assert_eq!(
        balances(&rt, CLIENT),
        (atto(100_000_000 - 10 * 400), atto(0))
    );
    assert_eq!(
        balances(&rt, PROVIDER),
        (atto(100_000 + 10 * 400 - 2000), atto(0))
    );
    check_state(&rt);
}

/// Moves cron forward to `last_cron` with deal 1's next visit at `visit`, as ticks at every
/// epoch in between would leave it (no other deal is queued in between in these tests).
fn fast_forward_cron(rt: &MockRuntime, last_cron: ChainEpoch, visit: ChainEpoch) {
    let mut st = state(rt);
    let mut epochs = vec![];
    st.load_deal_ops(&rt.store)
        .unwrap()
        .for_each(&rt.store, |epoch, _| {
            epochs.push(epoch);
            Ok(())
        })
        .unwrap();
    st.remove_deals_by_epoch(&rt.store, &epochs).unwrap();
    st.put_deals_by_epoch(&rt.store, &[(visit, 1)]).unwrap();
    st.last_cron = last_cron;
    rt.replace_state(&st);
}

#[test]
fn cron_completes_a_deal_it_pays() {
    let (rt, deals) = market();
    // Settled once, the deal is on cron's legacy schedule; its visit after the end completes it.
    rt.set_epoch(START + 100);
    expect_burn(&rt, atto(1000));
    let r = settle(&rt, &[0, 1]).unwrap();
    assert_eq!(r.settlements, vec![summary(1000, false)]);
    let end = deals[1].end_epoch;
    fast_forward_cron(&rt, end, end + 7);
    rt.set_epoch(end + 7);
    rt.expect_emitted_event(deal_event("deal-completed", 1, CLIENT, PROVIDER));
    cron_tick(&rt).unwrap();
    assert_eq!(deal(&rt, 1), (None, None));
    assert!(sector_index(&rt, 1000).is_empty());
    // The client paid exactly the deal's fee; deal 0 (timed out by the settlement) refunded.
    assert_eq!(
        balances(&rt, CLIENT),
        (atto(100_000_000 - 10 * DURATION), atto(0))
    );
    assert_eq!(
        balances(&rt, PROVIDER),
        (atto(100_000 - 1000 + 10 * DURATION), atto(0))
    );
}
