//! FIP-0067's census on a miner of 100,000 sectors, on the native engine (the real FVM's gas of
//! the same census is `make census-gas`): the deadline crons from the start count the old sectors
//! a bounded slice at a time, and the counters they set agree with the migration helper run on
//! the miner as it was just before the start.

use fil_actor_miner::{migrate_old_sector_counters, OldSectorCounters, State as MinerState};
use fil_actors_integration_tests::miner::policy;
use fil_actors_integration_tests::sectors::{
    census_miner, run_deadline_cron, turn_on_deadline_cron, CENSUS_SEAL_PROOF,
};
use fvm_shared::econ::TokenAmount;
use fvm_shared::error::ExitCode;
use test_vm::{actor_state, NativeVM, StoreRef, VM};

#[test]
fn the_crons_count_a_large_miner_as_the_migration_helper_does() {
    let policy = policy().unwrap();
    let start = policy.replacement_sealing_start_epoch.unwrap();
    let mut vm = NativeVM::new().unwrap();
    // The cross-actor checks would read all 100,000 sectors at every step.
    vm.set_invariant_checks(false);
    // Expirations over 100 proving periods after the start, the last 10 past the threshold (the
    // test network's target is 90 days): every partition has 100 queue entries.
    let (m, old) = census_miner(&mut vm, 100_000, 100).unwrap();
    let before: MinerState = actor_state(&vm, m.miner_id).unwrap();
    let migrated = migrate_old_sector_counters(&policy, &StoreRef(vm.store()), &before)
        .unwrap()
        .unwrap();
    assert_eq!(
        migrated,
        OldSectorCounters {
            initial: old,
            deactivated: 0
        }
    );
    assert!(old > 10_000 && old < 12_000, "{old} old sectors");

    turn_on_deadline_cron(
        &mut vm,
        &m,
        CENSUS_SEAL_PROOF,
        1_000_000,
        TokenAmount::from_whole(4_000),
    )
    .unwrap();
    let mut crons = 0;
    let counters = loop {
        let tick = run_deadline_cron(&mut vm, m.miner_id).unwrap();
        assert_eq!(tick.code, ExitCode::OK);
        if vm.last_tick() < start {
            continue;
        }
        crons += 1;
        let st: MinerState = actor_state(&vm, m.miner_id).unwrap();
        if let Some(counters) = st.old_sector_counters() {
            break *counters;
        }
    };
    assert_eq!(counters, migrated);
    // 48 partitions of 100 entries, about 3 reads an entry at 120 reads a cron: over a hundred
    // crons, more than two proving periods.
    assert!(crons > 100, "{crons} crons");
}
