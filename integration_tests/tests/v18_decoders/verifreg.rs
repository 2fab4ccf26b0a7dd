//! The verified registry's and the datacap token's states through ChainSafe's v18 types: the
//! state roots round-trip, and the oracle reads every verifier, allocation and claim out of the
//! registry's HAMTs, and every holder's balance and the supply out of the token's, the same as
//! ours.

use fil_actor_datacap_state::v18 as datacap_oracle;
use fil_actor_verifreg_state::v18 as oracle;
use fvm_ipld_encoding::{from_slice, to_vec};
use test_vm::{StoreRef, VM};

use super::round_trips;

/// The registry's state `bytes` round-trip, and the oracle finds each of our verifiers,
/// allocations and claims with the same bytes.
pub fn check_registry(vm: &dyn VM, bytes: &[u8], what: &str) {
    round_trips::<oracle::State>(bytes, what);
    let ours: fil_actor_verifreg::State = from_slice(bytes).unwrap();
    let theirs: oracle::State = from_slice(bytes).unwrap();
    let store = StoreRef(vm.store());

    let mut verifiers = Vec::new();
    ours.load_verifiers(&store)
        .unwrap()
        .for_each(|verifier, cap| {
            verifiers.push((verifier, cap.0.clone()));
            Ok(())
        })
        .unwrap();
    for (verifier, cap) in &verifiers {
        let found = theirs
            .get_verifier_cap(&store, verifier)
            .unwrap_or_else(|e| panic!("{what}: the oracle cannot read verifier {verifier}: {e}"));
        assert_eq!(found.as_ref(), Some(cap), "{what}: verifier {verifier}");
    }

    let mut their_allocs = theirs.load_allocs(&store).unwrap();
    ours.load_allocs(&store)
        .unwrap()
        .for_each(|client, id, alloc| {
            let found = oracle::state::get_allocation(&mut their_allocs, client, id)
                .unwrap_or_else(|e| panic!("{what}: allocation {id} of {client}: {e}"))
                .map(|a| to_vec(a).unwrap());
            assert_eq!(
                found,
                Some(to_vec(alloc).unwrap()),
                "{what}: allocation {id}"
            );
            Ok(())
        })
        .unwrap();
    let mut their_claims = theirs.load_claims(&store).unwrap();
    ours.load_claims(&store)
        .unwrap()
        .for_each(|provider, id, claim| {
            let found = oracle::state::get_claim(&mut their_claims, provider, id)
                .unwrap_or_else(|e| panic!("{what}: claim {id} of {provider}: {e}"))
                .map(|c| to_vec(c).unwrap());
            assert_eq!(found, Some(to_vec(claim).unwrap()), "{what}: claim {id}");
            Ok(())
        })
        .unwrap();
}

/// The token's state `bytes` round-trip, and the oracle reads each holder's balance (from our
/// invariant summary of the balances HAMT) and the supply the same.
pub fn check_datacap(vm: &dyn VM, bytes: &[u8], what: &str) {
    round_trips::<datacap_oracle::State>(bytes, what);
    let ours: fil_actor_datacap::State = from_slice(bytes).unwrap();
    let theirs: datacap_oracle::State = from_slice(bytes).unwrap();
    let store = StoreRef(vm.store());
    let (summary, acc) = fil_actor_datacap::testing::check_state_invariants(&ours, &store);
    acc.assert_empty();
    for (holder, amount) in &summary.balances {
        assert_eq!(
            &theirs.balance(&store, *holder).unwrap(),
            amount,
            "{what}: balance of {holder}"
        );
    }
    assert_eq!(theirs.token.supply, ours.token.supply, "{what}: supply");
}
