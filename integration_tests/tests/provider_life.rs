//! A storage provider's life (`fil_actors_integration_tests::life`) on both engines, invariant
//! checks after every step: the scenario asserts its exact values as it goes, and here the two
//! engines must agree on every step's exit codes, events, power claim, balances, sector status
//! reads and state root, and send the same messages to the miner.

use fil_actors_integration_tests::life::provider_life;
use fil_actors_integration_tests::on_both_engines;
use fvm_shared::error::ExitCode;

#[test]
fn provider_life_is_the_same_on_both_engines() {
    let (native, fvm) =
        on_both_engines(|vm| provider_life(vm).unwrap_or_else(|e| panic!("{}: {e:#}", vm.name())));

    // The milestones, in order (the proving rounds between them are steps too).
    let milestones: Vec<&str> = native
        .steps
        .iter()
        .filter(|s| !s.statuses.is_empty())
        .map(|s| s.label.as_str())
        .collect();
    assert_eq!(
        milestones,
        vec![
            "miner created",
            "four sectors pre-committed",
            "four sectors activated",
            "three periods proven",
            "sector 101 declared faulty",
            "sector 101 declared recovered",
            "sector 101 recovered",
            "sector 100 extended",
            "sector 101 terminated",
            "sector 103 expired on time",
            "dead sectors compacted away",
            "proven after compaction",
        ]
    );
    // The compaction step's reads of the dead sectors with their old locations: stale.
    let stale = &native
        .steps
        .iter()
        .find(|s| s.label == "dead sectors compacted away")
        .unwrap()
        .stale;
    assert_eq!(
        stale,
        &vec![(Err(ExitCode::USR_NOT_FOUND), Err(ExitCode::USR_NOT_FOUND)); 2]
    );

    assert_eq!(native.steps.len(), fvm.steps.len());
    for (n, f) in native.steps.iter().zip(&fvm.steps) {
        assert_eq!(n, f, "step {:?} differs between the engines", n.label);
    }
    // The same messages reached the miner; only the real FVM measures gas.
    let methods = |o: &fil_actors_integration_tests::life::LifeOutcome| {
        o.gas.iter().map(|g| g.method.clone()).collect::<Vec<_>>()
    };
    assert_eq!(methods(&native), methods(&fvm));
    assert!(native.gas.iter().all(|g| g.gas.is_none()));
    assert!(fvm.gas.iter().all(|g| g.gas.is_some_and(|gas| gas > 0)));
}
