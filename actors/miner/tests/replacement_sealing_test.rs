//! FIP-0067 replacement sealing counters (`shared/spec/replacement-sealing.md`): the progress
//! arithmetic at its edges, the census of old sectors from the expiration queues on a miner with
//! sectors on both sides of the threshold and of the start epoch (at once and in budgeted
//! slices, unmoved by what happens after it begins), deactivation counting, the extension rule,
//! the getter before and after the start, eligibility, the state's encodings, and the migration
//! helper's agreement with the census.

mod harness;

use fil_actor_miner::testing::check_state_invariants;
use fil_actor_miner::*;
use fil_actors_runtime::runtime::Policy;
use fil_actors_runtime::test_utils::{builtin_code_cid, MockRuntime};
use fil_actors_runtime::Type;
use fvm_ipld_bitfield::BitField;
use fvm_ipld_blockstore::MemoryBlockstore;
use fvm_ipld_encoding::CborStore;
use fvm_shared::address::Address;
use fvm_shared::clock::ChainEpoch;
use fvm_shared::econ::TokenAmount;
use fvm_shared::error::ExitCode;
use fvm_shared::sector::{RegisteredPoStProof, SectorNumber, SectorSize};
use harness::ActorHarness;
use multihash_codetable::Code;

const START: ChainEpoch = 100_000;
const GRACE: ChainEpoch = 1_000;
const TARGET: ChainEpoch = 10_000;
/// START + TARGET.
const THRESHOLD: ChainEpoch = 110_000;
const SIZE: SectorSize = SectorSize::_32GiB;

fn policy(start: Option<ChainEpoch>) -> Policy {
    Policy {
        replacement_sealing_start_epoch: start,
        replacement_sealing_grace_period: GRACE,
        replacement_sealing_deactivation_target: TARGET,
        ..Policy::mainnet()
    }
}

fn schedule() -> ReplacementSchedule {
    ReplacementSchedule::from_policy(&policy(Some(START))).unwrap()
}

fn counters(initial: u64, deactivated: u64) -> OldSectorCounters {
    OldSectorCounters {
        initial,
        deactivated,
    }
}

fn counted(initial: u64, deactivated: u64) -> Option<OldSectors> {
    Some(OldSectors::Counters(counters(initial, deactivated)))
}

fn bf(bits: &[u64]) -> BitField {
    BitField::try_from_bits(bits.iter().copied()).unwrap()
}

fn sector(n: SectorNumber, activation: ChainEpoch, expiration: ChainEpoch) -> SectorOnChainInfo {
    SectorOnChainInfo {
        sector_number: n,
        activation,
        expiration,
        power_base_epoch: activation,
        initial_pledge: TokenAmount::from_atto(1000 + n),
        ..Default::default()
    }
}

/// A miner state built through the state API, its queues quantized as the actor's are.
struct Miner {
    store: MemoryBlockstore,
    policy: Policy,
    st: State,
}

impl Miner {
    fn new(policy: Policy) -> Self {
        let store = MemoryBlockstore::new();
        let info = MinerInfo::new(
            1,
            2,
            vec![],
            vec![],
            vec![],
            RegisteredPoStProof::StackedDRGWindow32GiBV1P1,
        )
        .unwrap();
        let cid = store.put_cbor(&info, Code::Blake2b256).unwrap();
        let st = State::new(&policy, &store, cid, 0, 0).unwrap();
        Miner { store, policy, st }
    }

    fn with_deadline<T>(
        &mut self,
        dl: u64,
        f: impl FnOnce(&MemoryBlockstore, &Sectors<'_, MemoryBlockstore>, QuantSpec, &mut Deadline) -> T,
    ) -> T {
        let quant = self.st.quant_spec_for_deadline(&self.policy, dl);
        let mut deadlines = self.st.load_deadlines(&self.store).unwrap();
        let mut deadline = deadlines.load_deadline(&self.store, dl).unwrap();
        let sectors = Sectors::load(&self.store, &self.st.sectors).unwrap();
        let out = f(&self.store, &sectors, quant, &mut deadline);
        deadlines
            .update_deadline(&self.policy, &self.store, dl, &deadline)
            .unwrap();
        self.st.save_deadlines(&self.store, deadlines).unwrap();
        out
    }

    /// Proves `infos` into deadline `dl`, in partitions of 2.
    fn commit(&mut self, dl: u64, infos: Vec<SectorOnChainInfo>) {
        self.commit_in_partitions_of(dl, infos, 2);
    }

    /// Proves `infos` into deadline `dl`, in partitions of `size`.
    fn commit_in_partitions_of(&mut self, dl: u64, infos: Vec<SectorOnChainInfo>, size: u64) {
        let numbers: Vec<u64> = infos.iter().map(|s| s.sector_number).collect();
        self.st
            .allocate_sector_numbers(&self.store, &bf(&numbers), CollisionPolicy::DenyCollisions)
            .unwrap();
        self.st.put_sectors(&self.store, infos.clone()).unwrap();
        self.with_deadline(dl, |store, _, quant, d| {
            d.add_sectors(store, size, true, true, &infos, SIZE, quant)
                .unwrap()
        });
    }

    fn sectors_map(&self, dl: u64, sectors: &[u64]) -> PartitionSectorMap {
        let deadline = self
            .st
            .load_deadlines(&self.store)
            .unwrap()
            .load_deadline(&self.store, dl)
            .unwrap();
        let mut map = PartitionSectorMap::default();
        deadline
            .for_each(&self.store, |idx, p| {
                let here = &p.sectors & &bf(sectors);
                if !here.is_empty() {
                    map.add(idx, here);
                }
                Ok(())
            })
            .unwrap();
        map
    }

    /// Marks sectors faulty; those expiring after `fault_expiration` are queued early there.
    fn fault(&mut self, dl: u64, sectors: &[u64], fault_expiration: ChainEpoch) {
        let mut map = self.sectors_map(dl, sectors);
        self.with_deadline(dl, |store, s, quant, d| {
            d.record_faults(store, s, SIZE, quant, fault_expiration, &mut map)
                .unwrap()
        });
    }

    /// Compacts `partitions` of deadline `dl` away once their terminations are settled, as
    /// `CompactPartitions` does, deleting the dead sectors' infos.
    fn compact(&mut self, dl: u64, partitions: &[u64]) {
        let dead = self.with_deadline(dl, |store, s, quant, d| {
            while d.pop_early_terminations(store, 1 << 40, 1 << 40).unwrap().1 {}
            d.compact_partitions(store, s, SIZE, 2, &bf(partitions), quant)
                .unwrap()
        });
        self.st.early_terminations.unset(dl);
        self.st.delete_sectors(&self.store, &dead).unwrap();
    }

    /// The census run to its end in slices of `budget` blocks; how many slices it took.
    fn finish_census(&mut self, budget: Option<u64>) -> u64 {
        let mut slices = 1;
        while !self
            .st
            .advance_old_sector_census(&self.policy, &self.store, budget)
            .unwrap()
        {
            slices += 1;
        }
        slices
    }

    fn terminate(&mut self, dl: u64, sectors: &[u64], epoch: ChainEpoch) {
        let mut map = self.sectors_map(dl, sectors);
        self.with_deadline(dl, |store, s, quant, d| {
            d.terminate_sectors(store, s, epoch, &mut map, SIZE, quant)
                .unwrap()
        });
        self.st.early_terminations.set(dl);
    }

    /// The brute-force count: every live sector's info, against the FIP's definition.
    fn oracle(&self) -> u64 {
        let s = schedule();
        let mut live = BitField::new();
        self.st
            .load_deadlines(&self.store)
            .unwrap()
            .for_each(&self.store, |_, d| {
                d.for_each(&self.store, |_, p| {
                    live |= &(&p.sectors - &p.terminated);
                    Ok(())
                })
            })
            .unwrap();
        self.st
            .load_sector_infos(&self.store, &live)
            .unwrap()
            .iter()
            .filter(|info| s.is_old(info))
            .count() as u64
    }
}

/// Sectors on both sides of the threshold, around the quantization grid of each deadline, with
/// faults (queued early and on time) and a termination. All activated before the start.
fn mixed_miner(policy: Policy) -> Miner {
    let mut m = Miner::new(policy);
    let quant = m.st.quant_spec_for_deadline(&m.policy, 4);
    // The grid point just past the threshold, and the one after it.
    let straddle = quant.quantize_up(THRESHOLD + 1);
    assert!(straddle > THRESHOLD && straddle - quant.unit < THRESHOLD);
    m.commit(
        4,
        vec![
            sector(1, 10, THRESHOLD - 5_000),     // expires well before: not old
            sector(2, 10, THRESHOLD),             // at the threshold: not old
            sector(3, 10, THRESHOLD + 1),         // in the straddling entry: old
            sector(4, 10, straddle - quant.unit), // before the threshold, same grid cell: not
            sector(5, 10, straddle),              // old
            sector(6, 10, straddle + quant.unit), // old, decided by the queue alone
            sector(7, 10, THRESHOLD + 50_000),    // old, then faulty and queued early
            sector(8, 10, THRESHOLD + 60_000),    // old, then terminated: not counted
        ],
    );
    m.commit(
        9,
        vec![
            sector(20, 50, THRESHOLD + 90_000), // old
            sector(21, 50, THRESHOLD - 1),      // not old, then faulty (stays on time)
            sector(22, 50, THRESHOLD + 1_000),  // old
        ],
    );
    m.fault(4, &[7], START + 5_000);
    m.fault(9, &[21], THRESHOLD + 500);
    m.terminate(4, &[8], 90_000);
    m
}

#[test]
fn progress_at_its_edges() {
    let s = schedule();
    // No old sectors: the whole target at once.
    assert_eq!(s.progress(&counters(0, 0)), TARGET);
    // Nothing deactivated: the grace period only.
    assert_eq!(s.progress(&counters(7, 0)), GRACE);
    // All deactivated: the target.
    assert_eq!(s.progress(&counters(7, 7)), TARGET);
    // Rounding down: 1000 + 9000 * 1 / 7 = 1000 + 1285.71...
    assert_eq!(s.progress(&counters(7, 1)), 2_285);
    assert_eq!(s.progress(&counters(3, 2)), 7_000);
    // More deactivated than counted (never stored, but the arithmetic caps it).
    assert_eq!(s.progress(&counters(3, 10)), TARGET);
    // The extremes of u64 do not overflow.
    assert_eq!(s.progress(&counters(u64::MAX, u64::MAX - 1)), TARGET - 1);
    assert_eq!(s.progress(&counters(u64::MAX, 1)), GRACE);
}

#[test]
fn schedule_position() {
    let s = schedule();
    let none = counters(10, 0);
    assert_eq!(s.behind_by(&none, START), 0);
    assert_eq!(s.behind_by(&none, START + GRACE), 0);
    assert_eq!(s.behind_by(&none, START + GRACE + 1), 1);
    let half = counters(10, 5); // progress 1000 + 4500 = 5500
    assert_eq!(s.behind_by(&half, START + 5_500), 0);
    assert_eq!(s.behind_by(&half, START + 5_600), 100);
    // Done: on schedule forever.
    assert_eq!(s.behind_by(&counters(10, 10), START + 10 * TARGET), 0);
    assert_eq!(s.behind_by(&counters(0, 0), START + 10 * TARGET), 0);
    assert_eq!(
        s.status(&half, START + 5_600),
        ReplacementSealingStatus {
            start_epoch: START,
            initial: 10,
            deactivated: 5,
            progress: 5_500,
            on_schedule: false,
            behind_by: 100,
        }
    );
    assert_eq!(s.threshold(), THRESHOLD);
}

#[test]
fn census_counts_from_the_queues() {
    let mut m = mixed_miner(policy(Some(START)));
    // 3, 5, 6, 7 in deadline 4; 20 and 22 in deadline 9.
    assert_eq!(m.oracle(), 6);
    let p = m.policy.clone();
    assert!(!m.st.begin_old_sector_census(&p, START - 1));
    assert_eq!(m.st.old_sectors, None);
    assert!(m.st.begin_old_sector_census(&p, START));
    let begun = OldSectorCensus {
        deactivated: 0,
        counted: 0,
        deadlines: m.st.deadlines,
        sectors: m.st.sectors,
        next_deadline: 0,
        next_partition: 0,
        last_epoch: 0,
        entry_progress: 0,
    };
    assert_eq!(m.st.old_sectors, Some(OldSectors::Census(Box::new(begun))));
    // Under way: no counters, so no status.
    assert_eq!(m.st.replacement_sealing_status(&p, START), None);
    assert_eq!(m.finish_census(None), 1);
    assert_eq!(m.st.old_sectors, counted(6, 0));
    // Begun once: a later call changes nothing, even after more sectors arrive.
    m.commit(9, vec![sector(30, START + 10, THRESHOLD + 9_000)]);
    assert!(!m.st.begin_old_sector_census(&p, START + 100));
    assert!(m
        .st
        .advance_old_sector_census(&p, &m.store, Some(1))
        .unwrap());
    assert_eq!(m.st.old_sectors, counted(6, 0));
}

#[test]
fn census_in_slices_counts_the_same() {
    let whole = {
        let mut m = mixed_miner(policy(Some(START)));
        m.st.begin_old_sector_census(&m.policy.clone(), START);
        m.finish_census(None);
        m.st.old_sectors
    };
    assert_eq!(whole, counted(6, 0));
    let mut slices_by_budget = Vec::new();
    for budget in (1..=40).chain([1_000]) {
        let mut m = mixed_miner(policy(Some(START)));
        m.st.begin_old_sector_census(&m.policy.clone(), START);
        slices_by_budget.push(m.finish_census(Some(budget)));
        assert_eq!(m.st.old_sectors, whole, "budget {budget}");
    }
    // The smallest budget pauses at every step (deadlines, partitions, entries); a budget of
    // the whole miner's reads does it in one cron.
    assert!(slices_by_budget[0] > 48, "{slices_by_budget:?}");
    assert!(
        slices_by_budget.windows(2).all(|w| w[0] >= w[1]),
        "{slices_by_budget:?}"
    );
    assert_eq!(slices_by_budget.last(), Some(&1));
}

#[test]
fn census_loads_a_large_entry_a_few_sectors_at_a_time() {
    // One partition of 60 sectors in one queue entry, the one straddling the threshold: 30
    // expire before it, 30 after; then 20 more, faulty and queued early (at their fault
    // expiration, before the threshold), of which 15 are old.
    let p = policy(Some(START));
    let mut m = Miner::new(p.clone());
    let quant = m.st.quant_spec_for_deadline(&p, 7);
    let straddle = quant.quantize_up(THRESHOLD + 1);
    let sectors: Vec<SectorOnChainInfo> = (0..80)
        .map(|n| {
            let expiration = match n {
                0..30 => straddle - quant.unit + 1 + n as i64,
                30..60 => THRESHOLD + 1 + n as i64,
                60..65 => straddle - quant.unit + 1 + n as i64,
                _ => THRESHOLD + 10_000 + n as i64,
            };
            sector(n, 10, expiration)
        })
        .collect();
    m.commit_in_partitions_of(7, sectors, 100);
    m.fault(7, &(60..80).collect::<Vec<_>>(), START + 500);
    assert_eq!(m.oracle(), 45);
    let mut slices = Vec::new();
    for budget in [None, Some(1), Some(8), Some(30)] {
        let mut c = Miner {
            store: m.store.clone(),
            policy: p.clone(),
            st: m.st.clone(),
        };
        c.st.begin_old_sector_census(&p, START);
        slices.push(c.finish_census(budget));
        assert_eq!(c.st.old_sectors, counted(45, 0), "budget {budget:?}");
    }
    // At one block read's worth a slice, the 80 loaded sectors alone take 80 slices; larger
    // budgets load several at once.
    assert_eq!(slices[0], 1);
    assert!(slices[1] > 80, "{slices:?}");
    assert!(slices[1] > slices[2] && slices[2] > slices[3], "{slices:?}");
}

#[test]
fn census_counts_the_miner_as_it_began_whatever_happens_after() {
    let p = policy(Some(START));
    let mut m = mixed_miner(p.clone());
    assert!(m.st.begin_old_sector_census(&p, START));
    // Small slices until the census is inside deadline 4, its first partition counted.
    let cursor = |m: &Miner| match &m.st.old_sectors {
        Some(OldSectors::Census(c)) => (c.next_deadline, c.next_partition, c.counted),
        other => panic!("the census is under way: {other:?}"),
    };
    while cursor(&m).0 < 4 || cursor(&m).1 < 1 {
        assert!(!m
            .st
            .advance_old_sector_census(&p, &m.store, Some(1))
            .unwrap());
    }
    assert_eq!(cursor(&m), (4, 1, 0));

    // Meanwhile: a sector activated after the start, old-looking, joins deadline 9 (not yet
    // counted); old sectors 22 (deadline 9) and 3 (deadline 4) are terminated, as are 1 and 2
    // (never old); deadline 4's first partition (1 and 2) is compacted away.
    m.commit(9, vec![sector(30, START + 10, THRESHOLD + 9_000)]);
    let infos =
        |m: &Miner, numbers: &[u64]| m.st.load_sector_infos(&m.store, &bf(numbers)).unwrap();
    let terminated = infos(&m, &[22]);
    m.terminate(9, &[22], START + 20);
    m.st.record_old_sector_deactivations(&p, START + 20, &terminated);
    let terminated = infos(&m, &[1, 2, 3]);
    m.terminate(4, &[1, 2, 3], START + 30);
    m.st.record_old_sector_deactivations(&p, START + 30, &terminated);
    m.compact(4, &[0]);

    // The census counts the six old sectors live when it began, and two of them are gone.
    m.finish_census(Some(6));
    assert_eq!(m.st.old_sectors, counted(6, 2));
    // The live miner now has four old sectors and a new one that looks old but is not.
    assert_eq!(m.oracle(), 4);
}

#[test]
fn state_encodes_as_v18_until_the_census_begins() {
    let p = policy(Some(START));
    let mut m = mixed_miner(p.clone());
    let bytes = |st: &State| fvm_ipld_encoding::to_vec(st).unwrap();
    // v18's 15 fields, then 16 once begun: the census's 8-tuple, then the counters' pair.
    let dormant = bytes(&m.st);
    assert_eq!(dormant[0], 0x8f);
    m.st.begin_old_sector_census(&p, START);
    let census = bytes(&m.st);
    assert_eq!(census[0], 0x90);
    assert_eq!(&census[1..dormant.len()], &dormant[1..]);
    assert_eq!(census[dormant.len()], 0x88);
    m.finish_census(None);
    let done = bytes(&m.st);
    assert_eq!(&done[dormant.len()..], &[0x82, 0x06, 0x00]);
    // Each decodes back to itself, and a 16th element of null (as this bundle once wrote a
    // dormant miner) decodes as absent.
    for encoded in [&dormant, &census, &done] {
        let st: State = fvm_ipld_encoding::from_slice(encoded).unwrap();
        assert_eq!(&bytes(&st), encoded);
    }
    let mut with_null = dormant.clone();
    with_null[0] = 0x90;
    with_null.push(0xf6);
    let st: State = fvm_ipld_encoding::from_slice(&with_null).unwrap();
    assert_eq!(st.old_sectors, None);
    assert_eq!(bytes(&st), dormant);
    // Neither a short census nor a long one decodes.
    let mut short = census.clone();
    short.truncate(census.len() - 1);
    let census_start = dormant.len();
    short[census_start] = 0x87;
    assert!(fvm_ipld_encoding::from_slice::<State>(&short).is_err());
    let mut long = census.clone();
    long[census_start] = 0x89;
    long.push(0x00);
    assert!(fvm_ipld_encoding::from_slice::<State>(&long).is_err());
}

#[test]
fn dormant_policy_never_begins() {
    let mut m = mixed_miner(policy(None));
    let p = m.policy.clone();
    assert!(!m.st.begin_old_sector_census(&p, START * 10));
    assert!(!m.st.advance_old_sector_census(&p, &m.store, None).unwrap());
    assert_eq!(m.st.old_sectors, None);
    assert_eq!(m.st.replacement_sealing_status(&p, START * 10), None);
    assert_eq!(
        migrate_old_sector_counters(&p, &m.store, &m.st).unwrap(),
        None
    );
}

#[test]
fn migration_helper_agrees_with_the_census() {
    let m = mixed_miner(policy(Some(START)));
    let migrated = migrate_old_sector_counters(&m.policy, &m.store, &m.st)
        .unwrap()
        .unwrap();
    let mut census = Miner {
        store: m.store.clone(),
        policy: m.policy.clone(),
        st: m.st.clone(),
    };
    census.st.begin_old_sector_census(&m.policy, START + 7);
    census.finish_census(Some(3));
    assert_eq!(census.st.old_sector_counters(), Some(&migrated));
    assert_eq!(migrated, counters(m.oracle(), 0));
    // An empty miner: zero old sectors.
    let empty = Miner::new(policy(Some(START)));
    assert_eq!(
        migrate_old_sector_counters(&empty.policy, &empty.store, &empty.st).unwrap(),
        Some(counters(0, 0))
    );
}

#[test]
fn deactivations_count_old_sectors_once_and_never_beyond_initial() {
    let p = policy(Some(START));
    let mut m = Miner::new(p.clone());
    // Before the census begins nothing is counted.
    m.st.record_old_sector_deactivations(&p, START, &[sector(1, 10, THRESHOLD + 1)]);
    assert_eq!(m.st.old_sectors, None);
    m.st.old_sectors = counted(3, 0);
    // Terminated before the start: never in `initial`, not counted.
    m.st.record_old_sector_deactivations(&p, START - 1, &[sector(9, 10, THRESHOLD + 1)]);
    assert_eq!(m.st.old_sectors, counted(3, 0));
    m.st.record_old_sector_deactivations(
        &p,
        START,
        &[
            sector(1, 10, THRESHOLD + 1),    // old
            sector(2, START, THRESHOLD + 1), // activated at the start: not old
            sector(3, 10, THRESHOLD),        // expires at the threshold: not old
        ],
    );
    assert_eq!(m.st.old_sectors, counted(3, 1));
    m.st.record_old_sector_deactivations(
        &p,
        START + 10,
        &[
            sector(4, 10, THRESHOLD + 5),
            sector(5, 10, THRESHOLD + 6),
            sector(6, 10, THRESHOLD + 7),
        ],
    );
    assert_eq!(m.st.old_sectors, counted(3, 3));
}

#[test]
fn old_sectors_may_not_be_extended_once_started() {
    let p = policy(Some(START));
    let old = sector(1, START - 1, THRESHOLD + 1);
    let new = sector(2, START, THRESHOLD + 1);
    check_old_sector_extension(&p, &old, START - 1).unwrap();
    let err = check_old_sector_extension(&p, &old, START).unwrap_err();
    assert_eq!(err.exit_code(), ExitCode::USR_FORBIDDEN);
    assert!(
        err.msg().contains("sector 1 activated at 99999"),
        "{}",
        err.msg()
    );
    check_old_sector_extension(&p, &new, START + 5).unwrap();
    // Dormant: nothing is refused.
    check_old_sector_extension(&policy(None), &old, START * 3).unwrap();
}

#[test]
fn eligibility_asks_one_question() {
    let p = policy(Some(START));
    let mut m = Miner::new(p.clone());
    m.st.old_sectors = counted(4, 0);
    let ask = |m: &Miner, epoch| {
        m.st.block_production_ineligibility(&p, &m.store, epoch)
            .unwrap()
    };
    assert_eq!(ask(&m, START + GRACE), None);
    assert_eq!(
        ask(&m, START + GRACE + 1),
        Some(Ineligibility::BehindReplacementSchedule)
    );
    m.st.fee_debt = TokenAmount::from_atto(1);
    assert_eq!(ask(&m, START), Some(Ineligibility::FeeDebt));
    m.st.fee_debt = TokenAmount::from_atto(0);
    let mut info = m.st.get_info(&m.store).unwrap();
    info.consensus_fault_elapsed = START + 50;
    m.st.save_info(&m.store, &info).unwrap();
    assert_eq!(ask(&m, START + 50), Some(Ineligibility::ConsensusFault));
    assert_eq!(ask(&m, START + 51), None);
}

/// The exported getter through dispatch, read-only, from an unrelated contract.
fn get_status(rt: &MockRuntime) -> Option<ReplacementSealingStatus> {
    rt.set_caller(
        builtin_code_cid(Type::EVM),
        Address::new_delegated(10, &[7; 20]).unwrap(),
    );
    rt.expect_validate_caller_any();
    rt.read_only.set(true);
    let ret = rt
        .call::<Actor>(GET_REPLACEMENT_SEALING_STATUS_METHOD, None)
        .unwrap()
        .unwrap();
    rt.read_only.set(false);
    rt.verify();
    ret.deserialize().unwrap()
}

#[test]
fn getter_before_and_after_the_start() {
    assert_eq!(
        GET_REPLACEMENT_SEALING_STATUS_METHOD,
        fil_actors_runtime::method_hash!("GetReplacementSealingStatus")
    );
    let m = mixed_miner(policy(Some(START)));
    let mut rt = MockRuntime::new(Address::new_id(1000));
    rt.store = m.store.clone();
    rt.policy = m.policy.clone();
    rt.replace_state(&m.st);
    rt.set_epoch(START + 10);
    // Started but the census not complete: null.
    assert_eq!(get_status(&rt), None);
    let mut st = m.st.clone();
    st.old_sectors = counted(6, 3);
    rt.replace_state(&st);
    // Progress 1000 + 9000 * 3 / 6 = 5500: on schedule until START + 5500.
    assert_eq!(
        get_status(&rt),
        Some(ReplacementSealingStatus {
            start_epoch: START,
            initial: 6,
            deactivated: 3,
            progress: 5_500,
            on_schedule: true,
            behind_by: 0,
        })
    );
    rt.set_epoch(START + 5_501);
    assert_eq!(get_status(&rt).unwrap().behind_by, 1);
    // The wire shape: a 6-tuple.
    let bytes = fvm_ipld_encoding::to_vec(&get_status(&rt)).unwrap();
    assert_eq!(bytes[0], 0x86);
    // Dormant: null whatever the state holds.
    rt.policy = policy(None);
    assert_eq!(get_status(&rt), None);
    let (_, acc) = check_state_invariants(&m.policy, &st, &rt.store, &TokenAmount::from_atto(0));
    acc.assert_empty();
}

#[test]
fn constructor_after_the_start_sets_zero_counters() {
    let h = ActorHarness::default();
    for (start, expected) in [
        (harness::START_EPOCH, counted(0, 0)),
        (harness::START_EPOCH + 1, None),
    ] {
        let mut rt = h.new_runtime();
        rt.policy.replacement_sealing_start_epoch = Some(start);
        h.construct_and_verify(&rt);
        assert_eq!(h.state(&rt).old_sectors, expected, "start {}", start);
        h.check_state(&rt);
    }
}
