//! Verified data's whole life (`fil_actors_integration_tests::verified::life`) on both engines,
//! invariant checks after every step: the scenario asserts its exact values as it goes (events
//! entry by entry, datacap balances and supply, power), and here the two engines must agree on
//! every step's exit code and events and on the final state root. Every state the verified
//! registry and the datacap token wrote decodes with ChainSafe's v18 types, HAMT contents
//! included, and re-encodes to the same bytes.

use fil_actors_integration_tests::on_both_engines;
use fil_actors_integration_tests::verified::life::{verified_life, VerifiedOutcome};
use fil_actors_runtime::builtin::Type;
use test_vm::VM;

/// The life, then the v18 decoders over every state it wrote.
fn life_and_decoders(vm: &mut dyn VM) -> (VerifiedOutcome, Vec<(Type, usize)>) {
    let life = verified_life(vm).unwrap_or_else(|e| panic!("{}: {e:#}", vm.name()));
    let kind = |id| {
        let code = vm.actor(id).unwrap().unwrap().code;
        vm.codes().type_of(&code).unwrap()
    };
    let (decoded, _) = crate::v18_decoders::check_written_states(vm, &life.states, kind);
    (life, decoded)
}

#[test]
fn verified_data_lives_the_same_on_both_engines() {
    let ((native, decoded), (fvm, fvm_decoded)) = on_both_engines(life_and_decoders);
    let labels: Vec<&str> = native.steps.iter().map(|s| s.label.as_str()).collect();
    let posts = labels
        .iter()
        .filter(|l| **l == "SubmitWindowedPoSt")
        .count();
    assert!(posts >= 2, "{posts} Window PoSts");
    let milestones: Vec<&str> = labels
        .iter()
        .copied()
        .filter(|l| *l != "SubmitWindowedPoSt")
        .collect();
    assert_eq!(
        milestones,
        vec![
            "AddVerifier (root key approval)",
            "AddVerifiedClient",
            "Transfer (datacap to the registry, two allocations)",
            "PreCommitSectorBatch2",
            "ProveCommitSectors3 (claims allocation 1)",
            "ExtendClaimTerms",
            "RemoveExpiredAllocations",
            "TerminateSectors",
            "RemoveExpiredClaims",
            "RemoveVerifier (root key approval)",
        ]
    );
    // Genesis, each verified-registry message and each datacap change wrote a state: the
    // registry's at genesis, after the verifier, the client, the two allocations, the claim,
    // the extension, the removal of the allocation, of the claim and of the verifier; the
    // token's at genesis, after the mint, the transfer, the burn and the return of the expired
    // allocation's datacap.
    assert_eq!(
        decoded,
        vec![(Type::VerifiedRegistry, 9), (Type::DataCap, 5)]
    );
    assert_eq!(decoded, fvm_decoded);
    assert_eq!(native.steps, fvm.steps);
    assert_eq!(native.root, fvm.root);
    // The same calls reached the registry and the token; only the real FVM measures gas.
    let calls = |o: &VerifiedOutcome| {
        o.gas
            .iter()
            .map(|g| {
                let calls: Vec<_> = g.calls.iter().map(|(a, m, _)| (*a, *m)).collect();
                (g.label.clone(), calls)
            })
            .collect::<Vec<_>>()
    };
    assert_eq!(calls(&native), calls(&fvm));
    assert!(native.gas.iter().all(|g| g.gas.is_none()));
    assert!(fvm.gas.iter().all(|g| g.gas.is_some_and(|gas| gas > 0)));
}
