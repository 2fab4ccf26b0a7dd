//! A storage provider's life (`fil_actors_integration_tests::life`) on both engines, invariant
//! checks after every step: the scenario asserts its exact values as it goes, and here the two
//! engines must agree on every step's exit codes, events, power claim, balances, sector status
//! reads and state root, and send the same messages to the miner. Every state the life wrote for
//! the system, init, reward, cron, power, miner and account actors decodes with ChainSafe's v18
//! types and re-encodes to the same bytes.

use fil_actors_integration_tests::life::{provider_life, LifeOutcome};
use fil_actors_integration_tests::on_both_engines;
use fil_actors_runtime::builtin::Type;
use fvm_shared::error::ExitCode;
use test_vm::VM;

/// The life, then the v18 decoders over every state it wrote.
fn life_and_decoders(vm: &mut dyn VM) -> (LifeOutcome, (Vec<(Type, usize)>, usize)) {
    let life = provider_life(vm).unwrap_or_else(|e| panic!("{}: {e:#}", vm.name()));
    let kind = |id| {
        let code = vm.actor(id).unwrap().unwrap().code;
        vm.codes().type_of(&code).unwrap()
    };
    let checked = crate::v18_decoders::check_written_states(vm, &life.states, kind);
    (life, checked)
}

#[test]
fn provider_life_is_the_same_on_both_engines() {
    let ((native, decoded), (fvm, fvm_decoded)) = on_both_engines(life_and_decoders);
    // Every kind of actor the life touches had its states read back by v18's decoders; the
    // miner's whole until the FIP-0067 timeline began for it.
    let (counts, whole_miners) = &decoded;
    let kinds: Vec<Type> = counts.iter().map(|(t, _)| *t).collect();
    for typ in [
        Type::System,
        Type::Init,
        Type::Reward,
        Type::Cron,
        Type::Power,
        Type::Miner,
        Type::Account,
    ] {
        assert!(kinds.contains(&typ), "no {} state was checked", typ.name());
    }
    assert!(*whole_miners > 100, "{whole_miners} whole miner states");
    assert_eq!(decoded, fvm_decoded);

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
