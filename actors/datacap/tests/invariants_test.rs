//! The datacap invariant checks accept the states the actor makes and report each kind of
//! broken state.

mod harness;

use fil_actor_datacap::testing::check_state_invariants;
use fvm_shared::address::Address;
use harness::*;

#[test]
fn a_state_made_by_the_actor_passes_and_is_summarised() {
    let rt = setup();
    mint(&rt, ALICE, tokens(7), vec![OPERATOR]).unwrap();
    mint(&rt, BOB, tokens(2), vec![]).unwrap();
    let (summary, acc) = check_state_invariants(&state(&rt), &rt.store);
    acc.assert_empty();
    assert_eq!(summary.total_supply, tokens(9));
    assert_eq!(summary.balances.get(&101), Some(&tokens(7)));
    assert_eq!(summary.balances.get(&102), Some(&tokens(2)));
    assert_eq!(summary.balances.len(), 2);
    assert_eq!(summary.allowances.get(&101).map(|a| a.len()), Some(1));
}

#[test]
fn a_supply_that_is_not_the_sum_of_balances_is_reported() {
    let rt = setup();
    mint(&rt, ALICE, tokens(7), vec![]).unwrap();
    let mut st = state(&rt);
    st.token.supply = tokens(8);
    let (_, acc) = check_state_invariants(&st, &rt.store);
    let messages = acc.messages();
    assert_eq!(messages.len(), 1, "{:?}", messages);
    assert!(
        messages[0].starts_with("token: the total supply"),
        "{:?}",
        messages
    );
}

#[test]
fn a_governor_that_is_not_an_id_address_is_reported() {
    let rt = setup();
    let mut st = state(&rt);
    st.governor = Address::new_actor(b"registry");
    let (_, acc) = check_state_invariants(&st, &rt.store);
    acc.assert_expected(&[&format!("governor {} is not an ID address", st.governor)]);
}
