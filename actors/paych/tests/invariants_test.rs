//! The payment channel's invariant checks report each broken invariant of a hand-made state,
//! and summarise a sound one.

mod harness;

use fil_actor_paych::testing::{check_state_invariants, StateSummary};
use fil_actor_paych::{LaneState, LaneStates, State, LANE_STATES_AMT_BITWIDTH};
use fvm_ipld_blockstore::MemoryBlockstore;
use fvm_shared::address::Address;
use harness::*;

fn state_with(store: &MemoryBlockstore, lanes: &[(u64, LaneState)]) -> State {
    let mut array = LaneStates::empty(store, LANE_STATES_AMT_BITWIDTH, "lanes");
    for (i, l) in lanes {
        array.set(*i, l.clone()).unwrap();
    }
    let mut st = State::new(PAYER, PAYEE, array.flush().unwrap());
    st.to_send = atto(30);
    st
}

#[test]
fn a_sound_state_is_summarised() {
    let store = MemoryBlockstore::new();
    let st = state_with(&store, &[(0, lane(10, 1)), (9, lane(20, 4))]);
    let (summary, acc) = check_state_invariants(&st, &store, &atto(30));
    acc.assert_empty();
    assert_eq!(
        summary,
        StateSummary {
            redeemed: atto(30),
            lanes: 2
        }
    );
}

#[test]
fn every_broken_invariant_is_reported() {
    let store = MemoryBlockstore::new();
    let mut st = state_with(&store, &[(2, lane(-5, 1))]);
    st.from = Address::new_secp256k1(&[1; 65]).unwrap();
    st.to_send = atto(-1);
    st.settling_at = 10;
    st.min_settle_height = 11;
    let (_, acc) = check_state_invariants(&st, &store, &atto(-2));
    acc.assert_expected(&[
        &format!("from address {} is not an ID address", st.from),
        "amount owed -0.000000000000000001 is negative",
        "amount owed -0.000000000000000001 is more than the balance -0.000000000000000002",
        "settling at epoch 10, before the minimum settle height 11",
        "lane 2 redeemed -0.000000000000000005, a negative amount",
    ]);
}
