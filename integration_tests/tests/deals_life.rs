//! Three deals' whole life (`fil_actors_integration_tests::market::deals_life`) on both engines,
//! invariant checks after every step: the scenario asserts its exact events and balances as it
//! goes, and here the engines must agree on every step's exit code and events, the gas-measured
//! messages and the final escrow. Every state the market wrote decodes with ChainSafe's v18
//! market types and re-encodes to the same bytes, its collections entry by entry.

use fil_actors_integration_tests::market::{deals_life, DealsLifeOutcome};
use fil_actors_integration_tests::on_both_engines;
use fil_actors_runtime::builtin::Type;
use test_vm::VM;

fn life_and_decoders(vm: &mut dyn VM) -> (DealsLifeOutcome, Vec<(Type, usize)>) {
    let life = deals_life(vm).unwrap_or_else(|e| panic!("{}: {e:#}", vm.name()));
    let kind = |id| {
        let code = vm.actor(id).unwrap().unwrap().code;
        vm.codes().type_of(&code).unwrap()
    };
    let market_states: Vec<_> = life
        .states
        .iter()
        .filter(|s| kind(s.actor) == Type::Market)
        .cloned()
        .collect();
    let (decoded, _) = crate::v18_decoders::check_written_states(vm, &market_states, kind);
    (life, decoded)
}

#[test]
fn three_deals_live_from_publication_to_completion_on_both_engines() {
    let ((native, decoded), (fvm, fvm_decoded)) = on_both_engines(life_and_decoders);
    // Every market state written was read back: escrow, publication, activation, the two
    // settlements, the termination, the withdrawals and the cron's visits.
    assert_eq!(decoded.len(), 1);
    assert_eq!(decoded[0].0, Type::Market);
    assert!(decoded[0].1 >= 9, "{} market states", decoded[0].1);
    assert_eq!(decoded, fvm_decoded);

    assert_eq!(native.steps.len(), fvm.steps.len());
    for (n, f) in native.steps.iter().zip(&fvm.steps) {
        assert_eq!(n, f, "step {:?} differs between the engines", n.label);
    }
    assert_eq!(native.final_escrow, fvm.final_escrow);
    let labels = |o: &DealsLifeOutcome| o.gas.iter().map(|g| g.0.clone()).collect::<Vec<_>>();
    assert_eq!(
        labels(&native),
        vec![
            "AddBalance (client)",
            "AddBalance (provider)",
            "PublishStorageDeals",
            "ProveCommitSectors3",
            "SettleDealPayments (mid-term)",
            "TerminateSectors (OnMinerSectorsTerminate)",
            "SettleDealPayments (completion)",
            "WithdrawBalance (client)",
            "WithdrawBalance (provider)",
        ]
    );
    assert_eq!(labels(&native), labels(&fvm));
    assert!(native.gas.iter().all(|g| g.1.is_none()));
    assert!(fvm.gas.iter().all(|g| g.1.is_some_and(|gas| gas > 0)));
}
