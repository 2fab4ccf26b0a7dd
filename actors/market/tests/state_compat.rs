//! Byte compatibility with the network's v18 market state, checked against ChainSafe's
//! independent v18 decoding (`fil_actor_market_state` 27.2): a state populated through the
//! actor's own methods (escrow, locked funds with an explicit zero entry, pending proposals and
//! allocations, active deals, the provider-sector index, a deal-ops queue rescheduled by cron)
//! encodes here, decodes there and re-encodes to the same bytes; its collections read back the
//! same through the oracle; the oracle's own collections filled with the same content have the
//! same roots; and the same state operations run by both implementations give the same CIDs.

mod harness;

use std::collections::BTreeMap;

use cid::Cid;
use fil_actor_market::testing::check_state_invariants;
use fil_actor_market::{DealProposal, DealState, Label, Method, SettleDealPaymentsParams, State};
use fil_actor_market_state::v18 as cs;
use fvm_ipld_bitfield::BitField;
use fvm_ipld_blockstore::MemoryBlockstore;
use fvm_ipld_encoding::{from_slice, to_vec, CborStore};
use fvm_shared::clock::ChainEpoch;
use fvm_shared::deal::DealID;
use fvm_shared::econ::TokenAmount;
use harness::*;
use multihash_codetable::Code;
use serde::de::DeserializeOwned;
use serde::Serialize;

/// Ours -> bytes -> theirs -> bytes must be identical, and ours decodes back to itself.
fn assert_compatible<Theirs, Ours>(ours: &Ours)
where
    Theirs: Serialize + DeserializeOwned,
    Ours: Serialize + DeserializeOwned + PartialEq + std::fmt::Debug,
{
    let bytes = to_vec(ours).unwrap();
    let theirs: Theirs = from_slice(&bytes).unwrap();
    assert_eq!(
        to_vec(&theirs).unwrap(),
        bytes,
        "re-encoded by ChainSafe v18: {:?}",
        ours
    );
    let back: Ours = from_slice(&bytes).unwrap();
    assert_eq!(&back, ours);
}

/// Converts through the encoding (ours to theirs or back).
fn convert<From: Serialize, To: DeserializeOwned>(v: &From) -> To {
    from_slice(&to_vec(v).unwrap()).unwrap()
}

/// A market with every collection populated by the actor's methods.
fn populated() -> fil_actors_runtime::test_utils::MockRuntime {
    let rt = setup();
    add_balance(&rt, CLIENT, CLIENT, atto(50_000_000));
    add_balance(&rt, CLIENT2, CLIENT2, atto(50_000_000));
    add_balance(&rt, OWNER, PROVIDER, atto(100_000));

    let p0 = proposal(CLIENT, 1);
    let p1 = verified(proposal(CLIENT, 2));
    let mut p2 = proposal(CLIENT2, 3);
    p2.label = Label::Bytes(vec![0xde, 0xad, 0xbe, 0xef]);
    let p3 = verified(proposal(CLIENT2, 4));
    let mut p4 = proposal(CLIENT, 5);
    p4.start_epoch = START + 90_000;
    p4.end_epoch = p4.start_epoch + DURATION;
    // A free deal of a client without escrow: its zero lock is written explicitly.
    let mut p5 = proposal(CLIENT3, 6);
    p5.storage_price_per_epoch = atto(0);
    p5.client_collateral = atto(0);
    let deals: Vec<DealProposal> = vec![p0, p1, p2, p3, p4, p5];
    let signed_deals: Vec<_> = deals.iter().cloned().map(signed).collect();
    let ids = publish_deals(&rt, &signed_deals);
    assert_eq!(ids, (0..6).collect::<Vec<_>>());

    rt.set_epoch(START - 10);
    activate(
        &rt,
        &[
            (7, vec![(0, deals[0].clone()), (1, deals[1].clone())]),
            (8, vec![(2, deals[2].clone())]),
        ],
        START + 400 * 2880,
    );
    // Deal 0 is settled once, then cron pays and re-queues it; deals 3, 4 and 5 stay pending.
    rt.set_epoch(START + 500);
    as_account(&rt, WORKER);
    rt.expect_validate_caller_any();
    call(
        &rt,
        Method::SettleDealPaymentsExported as u64,
        &SettleDealPaymentsParams {
            deal_ids: BitField::try_from_bits([0]).unwrap(),
        },
    )
    .unwrap();
    rt.set_epoch(86_400 + 1);
    cron_tick(&rt).unwrap();
    check_state(&rt);
    rt
}

#[test]
fn populated_state_round_trips_through_the_v18_oracle() {
    let rt = populated();
    let ours = state(&rt);
    assert_compatible::<cs::State, State>(&ours);
    let theirs: cs::State = convert(&ours);

    // Every proposal and deal state reads the same through the oracle's AMTs.
    let (summary, _) = check_state_invariants(
        &rt.policy,
        &ours,
        &rt.store,
        &rt.balance.borrow(),
        rt.epoch.get(),
    );
    assert_eq!(summary.deals.len(), 6);
    let their_proposals = theirs.load_proposals(&rt.store).unwrap();
    let their_states = theirs.load_deal_states(&rt.store).unwrap();
    for (id, deal) in &summary.deals {
        let p = their_proposals
            .get(*id)
            .unwrap()
            .expect("proposal in the oracle's AMT");
        assert_eq!(to_vec(p).unwrap(), to_vec(&deal.proposal).unwrap());
        assert_compatible::<cs::DealProposal, DealProposal>(&deal.proposal);
        match &deal.state {
            Some(s) => {
                let t = their_states
                    .get(*id)
                    .unwrap()
                    .expect("state in the oracle's AMT");
                assert_eq!(to_vec(t).unwrap(), to_vec(s).unwrap());
                assert_compatible::<cs::DealState, DealState>(s);
            }
            None => assert!(their_states.get(*id).unwrap().is_none()),
        }
        // Pending proposals are found by CID: the three never activated, and deal 2, activated
        // but not yet visited by cron nor settled.
        let pending = theirs
            .has_pending_deal(&rt.store, &stored_cid(&deal.proposal))
            .unwrap();
        assert_eq!(pending, [2, 3, 4, 5].contains(id), "deal {} pending", id);
    }

    // Balances, including the explicit zero locked for the free deal's client.
    let escrow =
        cs::balance_table::BalanceTable::from_root(&rt.store, &theirs.escrow_table, "e").unwrap();
    let locked =
        cs::balance_table::BalanceTable::from_root(&rt.store, &theirs.locked_table, "l").unwrap();
    for (a, amount) in &summary.escrow {
        assert_eq!(&escrow.get(a).unwrap(), amount);
    }
    for (a, amount) in &summary.locked {
        assert_eq!(&locked.get(a).unwrap(), amount);
    }
    assert_eq!(summary.locked.get(&CLIENT3), Some(&atto(0)));
    assert_eq!(locked.0.get(&CLIENT3).unwrap(), Some(&atto(0)));

    // The deal-ops queue: deal 0 re-queued by cron, the others at their first visit.
    assert_eq!(
        theirs.get_deals_for_epoch(&rt.store, 172_800).unwrap(),
        vec![0]
    );
    for id in 1..6u64 {
        let start = summary.deals[&id].proposal.start_epoch;
        let first = fil_actor_market::policy::next_update_epoch(id, 86_400, start);
        assert_eq!(
            theirs.get_deals_for_epoch(&rt.store, first).unwrap(),
            if first > 86_401 { vec![id] } else { vec![] }
        );
    }

    // Pending allocations: deal 3's (deal 1's left at activation).
    let mut theirs_mut = theirs.clone();
    assert_eq!(
        theirs_mut
            .get_pending_deal_allocation_ids(&rt.store, &[3])
            .unwrap(),
        vec![FIRST_ALLOCATION_ID + 1]
    );
    assert!(theirs_mut
        .get_pending_deal_allocation_ids(&rt.store, &[1])
        .is_err());

    // The provider-sector index.
    let providers = theirs.load_provider_sectors(&rt.store).unwrap();
    let sectors = cs::load_provider_sector_deals(&rt.store, &providers, 1000).unwrap();
    assert_eq!(sectors.get(&7).unwrap(), Some(&vec![0, 1]));
    assert_eq!(sectors.get(&8).unwrap(), Some(&vec![2]));
}

#[test]
fn the_oracles_collections_with_the_same_content_have_the_same_roots() {
    let rt = populated();
    let ours = state(&rt);
    let store = &rt.store;
    let (summary, _) = check_state_invariants(
        &rt.policy,
        &ours,
        store,
        &rt.balance.borrow(),
        rt.epoch.get(),
    );

    let mut theirs = cs::State::new(store).unwrap();
    let mut escrow =
        cs::balance_table::BalanceTable::from_root(store, &theirs.escrow_table, "e").unwrap();
    for (a, amount) in &summary.escrow {
        escrow.add(a, amount).unwrap();
    }
    theirs.escrow_table = escrow.root().unwrap();
    let mut locked =
        cs::balance_table::BalanceTable::from_root(store, &theirs.locked_table, "l").unwrap();
    for (a, amount) in &summary.locked {
        locked.add(a, amount).unwrap();
    }
    theirs.locked_table = locked.root().unwrap();

    let proposals: Vec<(DealID, cs::DealProposal)> = summary
        .deals
        .iter()
        .map(|(id, d)| (*id, convert(&d.proposal)))
        .collect();
    theirs.put_deal_proposals(store, &proposals).unwrap();
    let states: Vec<(DealID, cs::DealState)> = summary
        .deals
        .iter()
        .filter_map(|(id, d)| d.state.map(|s| (*id, convert(&s))))
        .collect();
    theirs.put_deal_states(store, &states).unwrap();

    let mut pending = vec![];
    ours.load_pending_deals(store)
        .unwrap()
        .for_each(|c, _| {
            pending.push(c);
            Ok(())
        })
        .unwrap();
    theirs.put_pending_deals(store, &pending).unwrap();
    let allocations: Vec<(DealID, u64)> = summary
        .alloc_id_to_deal_id
        .iter()
        .map(|(a, d)| (*d, *a))
        .collect();
    theirs
        .put_pending_deal_allocation_ids(store, &allocations)
        .unwrap();

    let mut ops: Vec<(ChainEpoch, DealID)> = vec![];
    ours.load_deal_ops(store)
        .unwrap()
        .for_each(store, |epoch, deals| {
            ops.extend(deals.into_iter().map(|d| (epoch, d)));
            Ok(())
        })
        .unwrap();
    assert_eq!(ops.len(), 5);
    theirs.put_deals_by_epoch(store, &ops).unwrap();

    for (provider, sectors) in &summary.provider_sectors {
        let sectors: Vec<(u64, Vec<DealID>)> =
            sectors.iter().map(|(s, d)| (*s, d.clone())).collect();
        theirs
            .put_sector_deal_ids(store, *provider, &sectors)
            .unwrap();
    }
    theirs.next_id = ours.next_id;
    theirs.last_cron = ours.last_cron;
    theirs.total_client_locked_collateral = ours.total_client_locked_collateral.clone();
    theirs.total_provider_locked_collateral = ours.total_provider_locked_collateral.clone();
    theirs.total_client_storage_fee = ours.total_client_storage_fee.clone();

    assert_eq!(theirs.proposals, ours.proposals, "proposals AMT");
    assert_eq!(theirs.states, ours.states, "states AMT");
    assert_eq!(
        theirs.pending_proposals, ours.pending_proposals,
        "pending proposals"
    );
    assert_eq!(theirs.escrow_table, ours.escrow_table, "escrow table");
    assert_eq!(theirs.locked_table, ours.locked_table, "locked table");
    assert_eq!(theirs.deal_ops_by_epoch, ours.deal_ops_by_epoch, "deal ops");
    assert_eq!(
        theirs.pending_deal_allocation_ids, ours.pending_deal_allocation_ids,
        "pending allocations"
    );
    assert_eq!(
        theirs.provider_sectors, ours.provider_sectors,
        "provider sectors"
    );
    let their_root = store.put_cbor(&theirs, Code::Blake2b256).unwrap();
    let our_root = store.put_cbor(&ours, Code::Blake2b256).unwrap();
    assert_eq!(their_root, our_root);
}

#[test]
fn a_new_state_is_v18s() {
    let store = MemoryBlockstore::new();
    let ours = State::new(&store).unwrap();
    let theirs = cs::State::new(&store).unwrap();
    assert_eq!(to_vec(&ours).unwrap(), to_vec(&theirs).unwrap());
    assert_compatible::<cs::State, State>(&ours);
}

/// One proposal for the operation tests: its provider has no escrow and puts up no collateral.
fn zero_collateral_proposal() -> DealProposal {
    let mut p = proposal(CLIENT, 9);
    p.provider = PROVIDER2;
    p.provider_collateral = atto(0);
    p
}

fn roots(s: &State) -> [Cid; 8] {
    [
        s.proposals,
        s.states,
        s.pending_proposals,
        s.escrow_table,
        s.locked_table,
        s.deal_ops_by_epoch,
        s.pending_deal_allocation_ids,
        s.provider_sectors,
    ]
}

fn assert_same(ours: &State, theirs: &cs::State) {
    assert_eq!(to_vec(ours).unwrap(), to_vec(theirs).unwrap());
    let t: State = convert(theirs);
    assert_eq!(roots(&t), roots(ours));
}

#[test]
fn the_same_operations_give_the_same_cids() {
    let store = MemoryBlockstore::new();
    let mut ours = State::new(&store).unwrap();
    let mut theirs = cs::State::new(&store).unwrap();
    let p = zero_collateral_proposal();
    let tp: cs::DealProposal = convert(&p);
    let client_funds = client_requirement(&p) + atto(77);

    ours.add_balance_to_escrow_table(&store, &CLIENT, &client_funds)
        .unwrap();
    theirs
        .add_balance_to_escrow_table(&store, &CLIENT, &client_funds)
        .unwrap();
    assert_same(&ours, &theirs);

    // Locking zero for a provider without escrow writes an explicit zero.
    ours.lock_client_and_provider_balances(&store, &p).unwrap();
    theirs
        .lock_client_and_provider_balances(&store, &tp)
        .unwrap();
    assert_same(&ours, &theirs);

    // A time-out unlocks the client to zero (the entry goes) and slashes zero from a provider
    // without escrow (an explicit zero entry appears).
    let slashed = ours.process_deal_init_timed_out(&store, &p).unwrap();
    let their_slashed = theirs.process_deal_init_timed_out(&store, &tp).unwrap();
    assert_eq!(slashed, their_slashed);
    assert_same(&ours, &theirs);

    let w = ours
        .withdraw_balance_from_escrow_table(&store, &CLIENT, &atto(1_000_000_000))
        .unwrap();
    let tw = theirs
        .withdraw_balance_from_escrow_table(&store, &CLIENT, &atto(1_000_000_000))
        .unwrap();
    assert_eq!(w, tw);
    assert_same(&ours, &theirs);

    // The provider-sector index: merging, an empty list, popping, removal.
    for s in [
        &[(7u64, vec![3u64, 1])][..],
        &[(7, vec![2, 3])],
        &[(9, vec![])],
        &[(8, vec![4])],
    ] {
        ours.put_sector_deal_ids(&store, 2000, s).unwrap();
        theirs.put_sector_deal_ids(&store, 2000, s).unwrap();
        assert_same(&ours, &theirs);
    }
    let popped = ours
        .pop_sector_deal_ids(&store, 2000, [8u64, 5].into_iter())
        .unwrap();
    let their_popped = theirs
        .pop_sector_deal_ids(&store, 2000, [8u64, 5].into_iter())
        .unwrap();
    assert_eq!(popped, their_popped);
    assert_same(&ours, &theirs);
    let remove = BTreeMap::from([(
        2000u64,
        BTreeMap::from([(7u64, vec![1u64, 2]), (9, vec![])]),
    )]);
    ours.remove_sector_deal_ids(&store, &remove).unwrap();
    theirs.remove_sector_deal_ids(&store, &remove).unwrap();
    assert_same(&ours, &theirs);

    // The deal-ops queue: adding, batches, removal.
    ours.put_deals_by_epoch(&store, &[(5, 1), (5, 2), (-3, 4)])
        .unwrap();
    theirs
        .put_deals_by_epoch(&store, &[(5, 1), (5, 2), (-3, 4)])
        .unwrap();
    assert_same(&ours, &theirs);
    let batch = BTreeMap::from([(5i64, vec![9u64]), (6, vec![1, 2])]);
    ours.put_batch_deals_by_epoch(&store, &batch).unwrap();
    theirs.put_batch_deals_by_epoch(&store, &batch).unwrap();
    assert_same(&ours, &theirs);
    ours.remove_deals_by_epoch(&store, &[5, 7]).unwrap();
    theirs.remove_deals_by_epoch(&store, &[5, 7]).unwrap();
    assert_same(&ours, &theirs);
    assert_eq!(ours.get_deals_for_epoch(&store, -3).unwrap(), vec![4]);
}

#[test]
fn a_deal_paid_and_ended_by_both_gives_the_same_cids() {
    let store = MemoryBlockstore::new();
    let mut ours = State::new(&store).unwrap();
    let mut theirs = cs::State::new(&store).unwrap();
    let p = proposal(CLIENT, 1);
    let tp: cs::DealProposal = convert(&p);
    let cid = stored_cid(&p);
    for (addr, amount) in [(CLIENT, client_requirement(&p)), (PROVIDER, atto(1000))] {
        ours.add_balance_to_escrow_table(&store, &addr, &amount)
            .unwrap();
        theirs
            .add_balance_to_escrow_table(&store, &addr, &amount)
            .unwrap();
    }
    ours.lock_client_and_provider_balances(&store, &p).unwrap();
    theirs
        .lock_client_and_provider_balances(&store, &tp)
        .unwrap();
    ours.put_pending_deals(&store, &[cid]).unwrap();
    theirs.put_pending_deals(&store, &[cid]).unwrap();
    ours.put_deal_proposals(&store, &[(0, p.clone())]).unwrap();
    theirs
        .put_deal_proposals(&store, &[(0, tp.clone())])
        .unwrap();
    let s = DealState::activated(7, START - 5);
    ours.put_deal_states(&store, &[(0, s)]).unwrap();
    theirs.put_deal_states(&store, &[(0, convert(&s))]).unwrap();
    assert_same(&ours, &theirs);

    // A payment mid-term, then a termination.
    let u = ours
        .process_deal_update(&store, &s, &p, &cid, START + 100)
        .unwrap();
    let (t_slash, t_pay, t_done, t_remove) = theirs
        .process_deal_update(&store, &convert(&s), &tp, &cid, START + 100)
        .unwrap();
    assert_eq!(
        (u.slashed, u.payment, u.completed, u.remove),
        (t_slash, t_pay, t_done, t_remove)
    );
    assert_same(&ours, &theirs);
    let mut paid = s;
    paid.last_updated_epoch = START + 100;
    paid.slash_epoch = START + 300;
    let slashed = ours.process_slashed_deal(&store, &p, &paid).unwrap();
    let their_slashed = theirs
        .process_slashed_deal(&store, &tp, &convert(&paid))
        .unwrap();
    assert_eq!(slashed, their_slashed);
    ours.remove_completed_deal(&store, 0).unwrap();
    theirs.remove_completed_deal(&store, 0).unwrap();
    assert_same(&ours, &theirs);
    assert_eq!(ours.total_locked(), TokenAmount::default());
}
