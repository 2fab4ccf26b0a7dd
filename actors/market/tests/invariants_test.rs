//! Each invariant check fails when its invariant is broken: a healthy market (deals pending,
//! verified and active, escrow and locked funds, the deal-ops queue and the provider-sector
//! index) passes, then one thing at a time is broken in its state and the check names it.
//! The summary the cross-actor checks use is checked too.

mod harness;

use fil_actor_market::testing::check_state_invariants;
use fil_actor_market::{DealProposal, DealState, State};
use fil_actors_runtime::test_utils::MockRuntime;
use fvm_shared::address::Address;
use harness::*;

/// Deal 0 active in sector 7, deal 1 (verified, allocation 500) and deal 2 pending.
fn healthy() -> (MockRuntime, Vec<DealProposal>) {
    let rt = setup();
    add_balance(&rt, CLIENT, CLIENT, atto(100_000_000));
    add_balance(&rt, OWNER, PROVIDER, atto(100_000));
    let deals = vec![
        proposal(CLIENT, 1),
        verified(proposal(CLIENT, 2)),
        proposal(CLIENT, 3),
    ];
    let signed_deals: Vec<_> = deals.iter().cloned().map(signed).collect();
    publish_deals(&rt, &signed_deals);
    rt.set_epoch(START - 10);
    activate(&rt, &[(7, vec![(0, deals[0].clone())])], START + 400 * 2880);
    check_state(&rt);
    (rt, deals)
}

fn violations(rt: &MockRuntime, st: &State) -> Vec<String> {
    let (_, acc) = check_state_invariants(
        &rt.policy,
        st,
        &rt.store,
        &rt.balance.borrow(),
        rt.epoch.get(),
    );
    acc.messages()
}

fn assert_broken(rt: &MockRuntime, st: &State, fragment: &str) {
    let msgs = violations(rt, st);
    assert!(
        msgs.iter().any(|m| m.contains(fragment)),
        "no violation mentions {:?}: {:?}",
        fragment,
        msgs
    );
}

#[test]
fn the_summary_describes_the_market() {
    let (rt, deals) = healthy();
    let (summary, acc) = check_state_invariants(
        &rt.policy,
        &state(&rt),
        &rt.store,
        &rt.balance.borrow(),
        rt.epoch.get(),
    );
    acc.assert_empty();
    assert_eq!(summary.deals.len(), 3);
    assert_eq!(summary.deals[&0].proposal, deals[0]);
    assert_eq!(
        summary.deals[&0].state,
        Some(DealState::activated(7, START - 10))
    );
    assert_eq!(summary.deals[&1].state, None);
    assert_eq!(
        summary.alloc_id_to_deal_id.get(&FIRST_ALLOCATION_ID),
        Some(&1)
    );
    assert_eq!(summary.provider_sectors[&1000][&7], vec![0]);
    assert_eq!(summary.pending_proposal_count, 3);
    assert_eq!(summary.deal_op_count, 3);
    assert_eq!(summary.escrow[&PROVIDER], atto(100_000));
    assert_eq!(summary.locked[&PROVIDER], atto(3000));
}

#[test]
fn broken_totals_and_balances_are_reported() {
    let (rt, _) = healthy();
    let mut st = state(&rt);
    st.total_client_storage_fee -= atto(1);
    assert_broken(&rt, &st, "total client storage fee");
    assert_broken(&rt, &st, "locked table total");

    let mut st = state(&rt);
    st.total_provider_locked_collateral = atto(-1);
    assert_broken(&rt, &st, "negative total provider locked collateral");

    // Locked beyond escrow, and beyond what the deals require.
    let mut st = state(&rt);
    let mut locked = st.load_locked_table(&rt.store).unwrap();
    locked.add(&PROVIDER, &atto(200_000)).unwrap();
    st.locked_table = locked.flush().unwrap();
    st.total_provider_locked_collateral += atto(200_000);
    assert_broken(&rt, &st, "exceeds its escrow");
    assert_broken(&rt, &st, "is not what its deals require");

    // More escrow than the actor holds.
    let st = state(&rt);
    rt.set_balance(atto(1));
    assert_broken(&rt, &st, "exceeds the actor balance");
}

#[test]
fn broken_proposals_and_states_are_reported() {
    let (rt, deals) = healthy();
    let mut st = state(&rt);
    let mut bad = deals[2].clone();
    bad.client = Address::new_secp256k1(&[1; 65]).unwrap();
    bad.piece_cid = stored_cid(&deals[2]);
    st.put_deal_proposals(&rt.store, &[(2, bad)]).unwrap();
    assert_broken(&rt, &st, "is not an ID address");
    assert_broken(&rt, &st, "is not a piece commitment");

    let mut st = state(&rt);
    st.next_id = 2;
    assert_broken(&rt, &st, "not below next id");

    let mut st = state(&rt);
    st.put_deal_states(&rt.store, &[(9, DealState::activated(7, START - 10))])
        .unwrap();
    assert_broken(&rt, &st, "deal 9 state: no proposal");

    let mut st = state(&rt);
    let mut s = DealState::activated(7, START - 10);
    s.last_updated_epoch = START - 20;
    st.put_deal_states(&rt.store, &[(0, s)]).unwrap();
    assert_broken(&rt, &st, "last updated at");
}

#[test]
fn broken_pending_sets_are_reported() {
    let (rt, deals) = healthy();
    // A pending CID without its proposal, and a proposal neither activated nor pending.
    let mut st = state(&rt);
    st.remove_pending_deal(&rt.store, &stored_cid(&deals[2]))
        .unwrap();
    st.put_pending_deals(&rt.store, &[piece_cid(77)]).unwrap();
    assert_broken(&rt, &st, "has no proposal");
    assert_broken(&rt, &st, "deal 2 is neither activated nor pending");

    // Allocations: for a deal without proposal, for an unverified deal, for an active deal.
    let mut st = state(&rt);
    st.put_pending_deal_allocation_ids(&rt.store, &[(9, 7), (2, 8), (0, 9)])
        .unwrap();
    assert_broken(&rt, &st, "pending allocation 7 of deal 9 has no proposal");
    assert_broken(&rt, &st, "deal 2 has allocation 8 but is not verified");
    assert_broken(&rt, &st, "deal 0 is activated but has pending allocation 9");
}

#[test]
fn a_deal_missing_from_the_cron_queue_is_reported() {
    let (rt, _) = healthy();
    let mut st = state(&rt);
    st.remove_deals_by_epoch(&rt.store, &[86_401]).unwrap();
    assert_broken(&rt, &st, "deal 1 not queued for its first visit at 86401");
    let mut st = state(&rt);
    st.put_deals_by_epoch(&rt.store, &[(5, 40)]).unwrap();
    st.last_cron = 10;
    assert_broken(&rt, &st, "deal op at 5 for deal 40 never published");
    assert_broken(&rt, &st, "not after last cron");
}

#[test]
fn a_provider_sector_index_out_of_step_is_reported() {
    let (rt, _) = healthy();
    // The active deal missing from the index.
    let mut st = state(&rt);
    st.pop_sector_deal_ids(&rt.store, 1000, [7u64].into_iter())
        .unwrap();
    assert_broken(
        &rt,
        &st,
        "active deal 0 missing from the provider-sector index",
    );

    // Listed in the wrong sector, under the wrong provider, twice, and a deal not activated.
    let mut st = state(&rt);
    st.put_sector_deal_ids(&rt.store, 1000, &[(8, vec![0, 1])])
        .unwrap();
    st.put_sector_deal_ids(&rt.store, 2000, &[(7, vec![0])])
        .unwrap();
    let msgs = violations(&rt, &st);
    for fragment in [
        "provider 1000 sector 8: deal 0 is in sector 7",
        "deal 0 indexed twice",
        "provider 1000 sector 8: deal 1 is not activated",
        "provider 2000 sector 7: deal 0 is of provider f01000",
    ] {
        assert!(
            msgs.iter().any(|m| m.contains(fragment)),
            "{:?} not in {:?}",
            fragment,
            msgs
        );
    }
}
