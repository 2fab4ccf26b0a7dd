//! Deadlines: filling and opening partitions, expiry with fee deduction, terminations and
//! their bounded popping, compaction with renumbering, and the assignment of new sectors to
//! deadlines.

use cid::Cid;
use fil_actor_miner::*;
use fil_actors_runtime::runtime::Policy;
use fvm_ipld_bitfield::BitField;
use fvm_ipld_blockstore::MemoryBlockstore;
use fvm_shared::bigint::BigInt;
use fvm_shared::econ::TokenAmount;
use fvm_shared::error::ExitCode;
use fvm_shared::sector::SectorSize;

const SIZE: SectorSize = SectorSize::_2KiB;
const QUANT: QuantSpec = QuantSpec {
    unit: 10,
    offset: 0,
};

fn bf(bits: &[u64]) -> BitField {
    BitField::try_from_bits(bits.iter().copied()).unwrap()
}

fn atto(n: u64) -> TokenAmount {
    TokenAmount::from_atto(n)
}

fn power(n: u64) -> PowerPair {
    PowerPair::new(BigInt::from(2048 * n), BigInt::from(2048 * n))
}

/// Sector n expires at 100 (n odd) or 200 (n even), fee n.
fn sector(n: u64) -> SectorOnChainInfo {
    SectorOnChainInfo {
        sector_number: n,
        expiration: if n % 2 == 1 { 100 } else { 200 },
        initial_pledge: atto(10),
        daily_fee: atto(n),
        ..Default::default()
    }
}

fn sectors_root(store: &MemoryBlockstore, numbers: &[u64]) -> Cid {
    let mut s = Sectors::load(store, &Sectors::flush_empty(store).unwrap()).unwrap();
    s.store(numbers.iter().map(|&n| sector(n)).collect())
        .unwrap();
    s.flush().unwrap()
}

fn partitions(store: &MemoryBlockstore, d: &Deadline) -> Vec<BitField> {
    let mut out = Vec::new();
    d.for_each(store, |_, p| {
        out.push(p.sectors.clone());
        Ok(())
    })
    .unwrap();
    out
}

fn expiration_index(store: &MemoryBlockstore, d: &Deadline) -> Vec<(i64, BitField)> {
    BitFieldQueue::new(store, &d.expirations_epochs, QUANT)
        .unwrap()
        .entries()
        .unwrap()
}

/// Six proven sectors in partitions of two.
fn deadline_with_six(store: &MemoryBlockstore) -> Deadline {
    let mut d = Deadline::new(store).unwrap();
    let infos: Vec<_> = (1..=6).map(sector).collect();
    let (added, fee) = d
        .add_sectors(store, 2, true, true, &infos, SIZE, QUANT)
        .unwrap();
    assert_eq!((added, fee), (power(6), atto(21)));
    d
}

#[test]
fn sectors_fill_partitions_and_expire() {
    let store = MemoryBlockstore::new();
    let mut d = deadline_with_six(&store);
    assert_eq!(
        partitions(&store, &d),
        vec![bf(&[1, 2]), bf(&[3, 4]), bf(&[5, 6])]
    );
    assert_eq!((d.live_sectors, d.total_sectors), (6, 6));
    assert_eq!(
        (d.live_power.clone(), d.daily_fee.clone()),
        (power(6), atto(21))
    );
    assert_eq!(
        expiration_index(&store, &d),
        vec![(100, bf(&[0, 1, 2])), (200, bf(&[0, 1, 2]))]
    );
    // The last partition is filled before a new one opens.
    d.add_sectors(
        &store,
        4,
        true,
        true,
        &[sector(7), sector(8), sector(9)],
        SIZE,
        QUANT,
    )
    .unwrap();
    assert_eq!(
        partitions(&store, &d),
        vec![bf(&[1, 2]), bf(&[3, 4]), bf(&[5, 6, 7, 8]), bf(&[9])]
    );
    assert_eq!(d.daily_fee, atto(21 + 24));

    // At 100 the odd sectors expire on time; their fees leave the deadline's fee.
    let expired = d.pop_expired_sectors(&store, 100, QUANT).unwrap();
    assert_eq!(expired.on_time_sectors, bf(&[1, 3, 5, 7, 9]));
    assert_eq!(expired.on_time_pledge, atto(50));
    assert_eq!(expired.fee_deduction, atto(25));
    assert_eq!(d.live_sectors, 4);
    assert_eq!(d.total_sectors, 9);
    assert_eq!(d.live_power, power(9 - 5));
    assert_eq!(d.daily_fee, atto(2 + 4 + 6 + 8));
    // Nothing else is due before 200.
    assert!(d
        .pop_expired_sectors(&store, 199, QUANT)
        .unwrap()
        .is_empty());
}

#[test]
fn terminations_are_popped_in_bounded_batches_then_partitions_compact() {
    let store = MemoryBlockstore::new();
    let root = sectors_root(&store, &[1, 2, 3, 4, 5, 6]);
    let sectors = Sectors::load(&store, &root).unwrap();
    let mut d = deadline_with_six(&store);

    let mut terminate = PartitionSectorMap::default();
    terminate.add(0, bf(&[1]));
    terminate.add(1, bf(&[3]));
    let lost = d
        .terminate_sectors(&store, &sectors, 50, &mut terminate, SIZE, QUANT)
        .unwrap();
    assert_eq!(lost, power(2));
    assert_eq!(d.early_terminations, bf(&[0, 1]));
    assert_eq!(
        (d.live_sectors, d.total_sectors, d.daily_fee.clone()),
        (4, 6, atto(17))
    );

    // Compaction is refused while terminations await their fees.
    let err = d
        .clone()
        .compact_partitions(&store, &sectors, SIZE, 2, &bf(&[1]), QUANT)
        .unwrap_err();
    assert_eq!(
        err.msg(),
        "cannot remove partitions from deadline with early terminations"
    );

    let (first, more) = d.pop_early_terminations(&store, 10, 1).unwrap();
    assert!(more);
    assert_eq!(
        first.sectors.into_iter().collect::<Vec<_>>(),
        vec![(50, bf(&[1]))]
    );
    let (rest, more) = d.pop_early_terminations(&store, 10, 10).unwrap();
    assert!(!more);
    assert_eq!(
        rest.sectors.into_iter().collect::<Vec<_>>(),
        vec![(50, bf(&[3]))]
    );
    assert!(d.early_terminations.is_empty());

    // Removing partition 1 drops dead sector 3; live 4 moves to a new partition after {5, 6}.
    let out_of_range = d
        .clone()
        .compact_partitions(&store, &sectors, SIZE, 2, &bf(&[3]), QUANT)
        .unwrap_err();
    assert_eq!(out_of_range.exit_code(), ExitCode::USR_ILLEGAL_ARGUMENT);
    let dead = d
        .compact_partitions(&store, &sectors, SIZE, 2, &bf(&[1]), QUANT)
        .unwrap();
    assert_eq!(dead, bf(&[3]));
    assert_eq!(
        partitions(&store, &d),
        vec![bf(&[1, 2]), bf(&[5, 6]), bf(&[4])]
    );
    assert_eq!((d.live_sectors, d.total_sectors), (4, 5));
    assert_eq!(
        (d.live_power.clone(), d.daily_fee.clone()),
        (power(4), atto(17))
    );
    // Partition 2 became 1; the new partition 2 is indexed at sector 4's expiration.
    assert_eq!(
        expiration_index(&store, &d),
        vec![(100, bf(&[0, 1])), (200, bf(&[0, 1, 2]))]
    );
    let moved = d.load_partition(&store, 2).unwrap();
    assert!(moved.unproven.is_empty());
    assert_eq!(moved.live_power, power(1));
}

#[test]
fn partitions_with_faults_cannot_be_compacted() {
    let store = MemoryBlockstore::new();
    let root = sectors_root(&store, &[1, 2, 3, 4, 5, 6]);
    let sectors = Sectors::load(&store, &root).unwrap();
    let mut d = deadline_with_six(&store);
    let mut faults = PartitionSectorMap::default();
    faults.add(0, bf(&[2]));
    let delta = d
        .record_faults(&store, &sectors, SIZE, QUANT, 150, &mut faults)
        .unwrap();
    assert_eq!(delta, -power(1));
    assert_eq!(d.faulty_power, power(1));
    // The fault expiration (150) is indexed for partition 0.
    assert_eq!(
        expiration_index(&store, &d),
        vec![
            (100, bf(&[0, 1, 2])),
            (150, bf(&[0])),
            (200, bf(&[0, 1, 2]))
        ]
    );
    let err = d
        .compact_partitions(&store, &sectors, SIZE, 2, &bf(&[0]), QUANT)
        .unwrap_err();
    assert_eq!(
        (err.exit_code(), err.msg()),
        (
            ExitCode::USR_ILLEGAL_ARGUMENT,
            "cannot remove partition 0: has faults"
        )
    );
}

#[test]
fn deadline_end_marks_unproven_partitions_faulty() {
    let store = MemoryBlockstore::new();
    let root = sectors_root(&store, &[1, 2, 3, 4, 5, 6]);
    let sectors = Sectors::load(&store, &root).unwrap();
    let mut d = Deadline::new(&store).unwrap();
    let infos: Vec<_> = (1..=4).map(sector).collect();
    d.add_sectors(&store, 2, false, true, &infos, SIZE, QUANT)
        .unwrap();
    let post = [PoStPartition {
        index: 0,
        skipped: bf(&[]),
    }];
    let result = d
        .record_proven_sectors(&store, &sectors, SIZE, QUANT, 300, &post)
        .unwrap();
    assert_eq!(result.power_delta, power(2));
    assert_eq!(result.sectors, bf(&[1, 2]));
    let again = d
        .record_proven_sectors(&store, &sectors, SIZE, QUANT, 300, &post)
        .unwrap_err();
    assert_eq!(
        again.msg(),
        format!("partition already proven: {:?}", bf(&[0]))
    );
    // Partition 1 was never proven: its sectors become faulty, with no active power lost.
    let (delta, penalized) = d.process_deadline_end(&store, QUANT, 300, root).unwrap();
    assert_eq!((delta, penalized), (PowerPair::zero(), power(2)));
    assert_eq!(d.faulty_power, power(2));
    assert_eq!(d.load_partition(&store, 1).unwrap().faults, bf(&[3, 4]));
    assert!(d.partitions_posted.is_empty());
    assert_eq!(d.partitions_snapshot, d.partitions);
    assert!(d.is_live());
}

fn candidate(store: &MemoryBlockstore, live: u64, total: u64) -> Option<Deadline> {
    let mut d = Deadline::new(store).unwrap();
    d.live_sectors = live;
    d.total_sectors = total;
    Some(d)
}

#[test]
fn assignment_prefers_fewer_partitions_then_open_ones() {
    let store = MemoryBlockstore::new();
    let policy = Policy::mainnet();
    // Partition size 2. Deadline 0 has an open partition; 1 is empty; 2 is not mutable; 3 is
    // full. Sector 1 fills deadline 0's open partition; then deadline 1 has fewer partitions
    // after compaction and takes the next two.
    let deadlines = vec![
        candidate(&store, 1, 1),
        candidate(&store, 0, 0),
        None,
        candidate(&store, 2, 2),
    ];
    let assigned =
        assign_deadlines(&policy, 10, 2, &deadlines, (1..=3).map(sector).collect()).unwrap();
    assert_eq!(assigned.len(), 48);
    let numbers: Vec<Vec<u64>> = assigned
        .iter()
        .take(4)
        .map(|s| s.iter().map(|s| s.sector_number).collect())
        .collect();
    assert_eq!(numbers, vec![vec![1], vec![2, 3], vec![], vec![]]);

    // With equal partition counts, the fuller open partition wins.
    let deadlines = vec![candidate(&store, 1, 1), candidate(&store, 1, 3)];
    let assigned = assign_deadlines(&policy, 10, 4, &deadlines, vec![sector(9)]).unwrap();
    assert_eq!(assigned[1].len(), 1);

    // Every deadline at the partition limit.
    let deadlines = vec![candidate(&store, 2, 2)];
    let err = assign_deadlines(&policy, 1, 2, &deadlines, vec![sector(1)]).unwrap_err();
    assert_eq!(
        (err.exit_code(), err.msg()),
        (
            ExitCode::USR_ILLEGAL_STATE,
            "max partitions limit 1 reached for all deadlines"
        )
    );
}
