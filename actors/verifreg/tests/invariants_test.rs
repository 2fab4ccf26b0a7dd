//! The registry's invariant checks accept the states the actor makes, summarise them for the
//! cross-actor checks, and report each kind of broken state.

mod harness;

use fil_actor_verifreg::testing::check_state_invariants;
use fil_actor_verifreg::{Allocation, State};
use fil_actors_runtime::test_utils::MockRuntime;
use fvm_shared::address::Address;
use fvm_shared::piece::PaddedPieceSize;
use harness::*;

const NOW: i64 = 10_000;

fn messages(rt: &MockRuntime, st: &State) -> Vec<String> {
    check_state_invariants(&rt.policy, st, &rt.store, rt.epoch.get())
        .1
        .messages()
}

/// A registry with a verifier, one allocation (ID 2) and one claim (ID 1).
fn populated() -> MockRuntime {
    let rt = setup();
    rt.set_epoch(NOW);
    add_verifier(&rt, VERIFIER, 5_000);
    allocate_and_claim(&rt, 1, 1024, 3, MIN_TERM + 1);
    allocate(&rt, CLIENT, vec![alloc_request(PROVIDER, 2, 512, NOW)]);
    rt
}

/// Rewrites allocation 2 of CLIENT with `f` applied.
fn with_allocation(rt: &MockRuntime, f: impl Fn(&mut Allocation)) -> State {
    let mut st = state(rt);
    let mut allocs = st.load_allocs(&rt.store).unwrap();
    let mut alloc = allocs.get(id(&CLIENT), 2).unwrap().unwrap().clone();
    f(&mut alloc);
    allocs.put(id(&CLIENT), 2, alloc).unwrap();
    st.save_allocs(&mut allocs).unwrap();
    st
}

#[test]
fn a_state_made_by_the_actor_passes_and_is_summarised() {
    let rt = populated();
    let (summary, acc) = check_state_invariants(&rt.policy, &state(&rt), &rt.store, NOW);
    acc.assert_empty();
    assert_eq!(summary.verifiers.get(&VERIFIER), Some(&dc(5_000)));
    assert_eq!(summary.allocations.len(), 1);
    assert_eq!(summary.allocations.get(&2).map(|a| a.size.0), Some(512));
    assert_eq!(summary.claims.len(), 1);
    assert_eq!(summary.claims.get(&1).map(|c| c.sector), Some(3));
}

/// A change that breaks an allocation.
type Breakage = Box<dyn Fn(&mut Allocation)>;

#[test]
fn each_broken_allocation_is_reported() {
    let rt = populated();
    let cases: Vec<(Breakage, String)> = vec![
        (
            Box::new(|a| a.client = 999),
            "allocation 2: client 999 is not its key 301".into(),
        ),
        (
            Box::new(|a| a.size = PaddedPieceSize(MIN_SIZE - 1)),
            "allocation 2: size 255 below minimum".into(),
        ),
        (
            Box::new(|a| a.term_min = MIN_TERM - 1),
            format!("allocation 2: term min {} below minimum", MIN_TERM - 1),
        ),
        (
            Box::new(|a| a.term_max = MAX_TERM + 1),
            format!("allocation 2: term max {} above maximum", MAX_TERM + 1),
        ),
        (
            Box::new(|a| a.expiration = NOW + MAX_EXPIRATION + 1),
            format!(
                "allocation 2: expiration {} too far from {}",
                NOW + MAX_EXPIRATION + 1,
                NOW
            ),
        ),
    ];
    for (f, expected) in cases {
        assert_eq!(messages(&rt, &with_allocation(&rt, f)), vec![expected]);
    }
    let mut st = state(&rt);
    st.next_allocation_id = 2;
    assert_eq!(
        messages(&rt, &st),
        vec!["allocation 2: ID is not below next 2".to_string()]
    );
}

#[test]
fn broken_claims_verifiers_and_root_are_reported() {
    let rt = populated();
    // A claim that starts in the future, stored under the wrong provider.
    let mut st = state(&rt);
    let mut claims = st.load_claims(&rt.store).unwrap();
    let mut claim = claims.get(id(&PROVIDER), 1).unwrap().unwrap().clone();
    claim.term_start = NOW + 1;
    claims.put(id(&PROVIDER2), 1, claim).unwrap();
    claims.remove(id(&PROVIDER), 1).unwrap();
    st.save_claims(&mut claims).unwrap();
    assert_eq!(
        messages(&rt, &st),
        vec![
            "claim 1: provider 401 is not its key 402".to_string(),
            format!("claim 1: term start {} after {}", NOW + 1, NOW),
        ]
    );

    let mut st = state(&rt);
    st.put_verifier(&rt.store, &Address::new_actor(b"v"), &dc(-1))
        .unwrap();
    st.root_key = Address::new_actor(b"root");
    let found = messages(&rt, &st);
    assert_eq!(found.len(), 3, "{:?}", found);
    assert!(found[0].starts_with("root key f2"), "{:?}", found);
    assert!(
        found[1].ends_with("is not an ID address") && found[1].starts_with("verifier f2"),
        "{:?}",
        found
    );
    assert!(
        found[2].ends_with("has negative allowance -1"),
        "{:?}",
        found
    );
}
