//! Byte compatibility of the datacap state with the network's v18 layout, using ChainSafe's
//! independent v18 decoding (`fil_actor_datacap_state`) as the oracle: a state populated through
//! the actor's methods is encoded here, decoded there, re-encoded and compared byte for byte;
//! the oracle then reads balances out of our HAMTs.

mod harness;

use fil_actor_datacap::{BurnParams, BurnReturn, Method, State, TransferParams, TransferReturn};
use fil_actor_datacap_state::v18 as oracle;
use fvm_ipld_blockstore::MemoryBlockstore;
use fvm_ipld_encoding::{from_slice, to_vec, RawBytes};
use fvm_shared::address::Address;
use harness::*;

#[test]
fn a_new_state_is_byte_identical() {
    let store = MemoryBlockstore::new();
    let ours = State::new(&store, GOVERNOR).unwrap();
    let theirs = oracle::State::new(&store, GOVERNOR).unwrap();
    assert_eq!(to_vec(&ours).unwrap(), to_vec(&theirs).unwrap());
}

#[test]
fn a_populated_state_round_trips_through_the_oracle() {
    let rt = setup();
    let clients: Vec<Address> = (0..20).map(|i| Address::new_id(1000 + i * 13)).collect();
    for (i, client) in clients.iter().enumerate() {
        mint(&rt, *client, tokens(50 + i as i64), vec![OPERATOR]).unwrap();
    }
    // Some datacap moves to the registry and some is burnt, so balances, allowances and the
    // supply all differ from their first values.
    for client in clients.iter().take(5) {
        caller_account(&rt, *client);
        rt.expect_validate_caller_any();
        expect_hook(
            &rt,
            GOVERNOR,
            id(client),
            id(client),
            tokens(10),
            RawBytes::default(),
            (None, fvm_shared::error::ExitCode::OK),
        );
        let _: TransferReturn = call(
            &rt,
            Method::TransferExported,
            &TransferParams {
                to: GOVERNOR,
                amount: tokens(10),
                operator_data: RawBytes::default(),
            },
        )
        .unwrap();
        rt.expect_validate_caller_any();
        let _: BurnReturn =
            call(&rt, Method::BurnExported, &BurnParams { amount: tokens(3) }).unwrap();
        rt.verify();
    }
    assert_invariants(&rt);

    let st = state(&rt);
    let bytes = to_vec(&st).unwrap();
    let theirs: oracle::State = from_slice(&bytes).unwrap();
    assert_eq!(to_vec(&theirs).unwrap(), bytes);
    let back: State = from_slice(&to_vec(&theirs).unwrap()).unwrap();
    assert_eq!(back, st);

    // The oracle reads each balance from our balances HAMT: 50 + i minted, 13 gone for the
    // first five (10 transferred, 3 burnt).
    for (i, client) in clients.iter().enumerate() {
        let spent = if i < 5 { 13 } else { 0 };
        assert_eq!(
            theirs.balance(&rt.store, id(client)).unwrap(),
            tokens(50 + i as i64 - spent)
        );
    }
    assert_eq!(
        theirs.balance(&rt.store, id(&GOVERNOR)).unwrap(),
        tokens(50)
    );
    let minted: i64 = (0..20).map(|i| 50 + i).sum();
    assert_eq!(theirs.token.supply, tokens(minted - 15));
}
