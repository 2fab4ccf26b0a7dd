//! A partition through its life, with exact sector sets, powers, pledges, fees and queue
//! entries after each transition: add, prove, fault, recover, terminate, expire, pop early
//! terminations, miss a PoSt.

use fil_actor_miner::*;
use fvm_ipld_bitfield::BitField;
use fvm_ipld_blockstore::MemoryBlockstore;
use fvm_shared::bigint::BigInt;
use fvm_shared::econ::TokenAmount;
use fvm_shared::sector::SectorSize;

const SIZE: SectorSize = SectorSize::_2KiB;
/// Grid 1, 5, 9, 13, ...
const QUANT: QuantSpec = QuantSpec { unit: 4, offset: 1 };

fn bf(bits: &[u64]) -> BitField {
    BitField::try_from_bits(bits.iter().copied()).unwrap()
}

fn atto(n: u64) -> TokenAmount {
    TokenAmount::from_atto(n)
}

/// Sector `n` expires at 5, 5, 9, 9, 13, 13 for n = 1..6, pledge 100n, fee n. Sector 2 is
/// fully verified: 10x quality.
fn sector(n: u64) -> SectorOnChainInfo {
    let expiration = [5, 5, 9, 9, 13, 13][n as usize - 1];
    SectorOnChainInfo {
        sector_number: n,
        expiration,
        power_base_epoch: 0,
        verified_deal_weight: if n == 2 {
            BigInt::from(2048 * expiration)
        } else {
            BigInt::from(0)
        },
        initial_pledge: atto(100 * n),
        daily_fee: atto(n),
        ..Default::default()
    }
}

/// Power of the given sectors: 2048 raw each, qa 2048 or 20480 for sector 2.
fn power(sectors: &[u64]) -> PowerPair {
    let qa: i64 = sectors
        .iter()
        .map(|&n| if n == 2 { 20480 } else { 2048 })
        .sum();
    PowerPair::new(BigInt::from(2048 * sectors.len() as i64), BigInt::from(qa))
}

fn queue(store: &MemoryBlockstore, p: &Partition) -> Vec<(i64, ExpirationSet)> {
    ExpirationQueue::new(store, &p.expirations_epochs, QUANT)
        .unwrap()
        .entries()
        .unwrap()
}

fn set(
    on_time: &[u64],
    early: &[u64],
    pledge: u64,
    active: &[u64],
    faulty: &[u64],
    fee: u64,
) -> ExpirationSet {
    ExpirationSet {
        on_time_sectors: bf(on_time),
        early_sectors: bf(early),
        on_time_pledge: atto(pledge),
        active_power: power(active),
        faulty_power: power(faulty),
        fee_deduction: atto(fee),
    }
}

fn setup(store: &MemoryBlockstore) -> (Partition, cid::Cid) {
    let infos: Vec<_> = (1..=6).map(sector).collect();
    let mut sectors = Sectors::load(store, &Sectors::flush_empty(store).unwrap()).unwrap();
    sectors.store(infos.clone()).unwrap();
    let root = sectors.flush().unwrap();
    let mut p = Partition::new(store).unwrap();
    let (added, fee) = p.add_sectors(store, false, &infos, SIZE, QUANT).unwrap();
    assert_eq!(added, power(&[1, 2, 3, 4, 5, 6]));
    assert_eq!(fee, atto(21));
    (p, root)
}

#[test]
fn add_prove_fault_recover_terminate_expire() {
    let store = MemoryBlockstore::new();
    let (mut p, root) = setup(&store);
    let sectors = Sectors::load(&store, &root).unwrap();
    assert_eq!(p.sectors, bf(&[1, 2, 3, 4, 5, 6]));
    assert_eq!(p.unproven, bf(&[1, 2, 3, 4, 5, 6]));
    assert_eq!(p.live_power, power(&[1, 2, 3, 4, 5, 6]));
    assert_eq!(p.unproven_power, power(&[1, 2, 3, 4, 5, 6]));
    assert_eq!(p.active_power(), PowerPair::zero());
    assert_eq!(
        queue(&store, &p),
        vec![
            (5, set(&[1, 2], &[], 300, &[1, 2], &[], 3)),
            (9, set(&[3, 4], &[], 700, &[3, 4], &[], 7)),
            (13, set(&[5, 6], &[], 1100, &[5, 6], &[], 11)),
        ]
    );
    // Adding a sector twice is refused.
    let err = p
        .clone()
        .add_sectors(&store, false, &[sector(3)], SIZE, QUANT)
        .unwrap_err();
    assert_eq!(
        err.msg(),
        format!("not all added sectors are new: {:?}", bf(&[3]))
    );

    // The first PoSt proves everything.
    assert_eq!(p.activate_unproven(), power(&[1, 2, 3, 4, 5, 6]));
    assert!(p.unproven.is_empty());
    assert_eq!(p.active_power(), power(&[1, 2, 3, 4, 5, 6]));

    // Faults on 3 and 5 with fault expiration 6 (quantized to 9): 3 already expires at 9 and
    // stays on time; 5 moves to 9 as early, taking its pledge out of the queue.
    let (new_faults, delta, new_faulty) = p
        .record_faults(&store, &sectors, &bf(&[3, 5]), 6, SIZE, QUANT)
        .unwrap();
    assert_eq!(new_faults, bf(&[3, 5]));
    assert_eq!(delta, -power(&[3, 5]));
    assert_eq!(new_faulty, power(&[3, 5]));
    assert_eq!(p.faults, bf(&[3, 5]));
    assert_eq!(p.faulty_power, power(&[3, 5]));
    assert_eq!(
        queue(&store, &p),
        vec![
            (5, set(&[1, 2], &[], 300, &[1, 2], &[], 3)),
            (9, set(&[3, 4], &[5], 700, &[4], &[3, 5], 12)),
            (13, set(&[6], &[], 600, &[6], &[], 6)),
        ]
    );
    // Declaring them again changes nothing.
    let (again, delta, _) = p
        .record_faults(&store, &sectors, &bf(&[3, 5]), 6, SIZE, QUANT)
        .unwrap();
    assert!(again.is_empty());
    assert_eq!(delta, PowerPair::zero());
    // A sector outside the partition is refused.
    let err = p
        .record_faults(&store, &sectors, &bf(&[7]), 6, SIZE, QUANT)
        .unwrap_err();
    assert_eq!(
        err.exit_code(),
        fvm_shared::error::ExitCode::USR_ILLEGAL_ARGUMENT
    );

    // Recovery of 5 declared, then confirmed by a PoSt: 5 returns to 13 on time.
    p.declare_faults_recovered(&sectors, SIZE, &bf(&[5, 6]))
        .unwrap();
    assert_eq!(p.recoveries, bf(&[5]));
    assert_eq!(p.recovering_power, power(&[5]));
    assert_eq!(
        p.recover_faults(&store, &sectors, SIZE, QUANT).unwrap(),
        power(&[5])
    );
    assert_eq!(
        (p.faults.clone(), p.recoveries.clone()),
        (bf(&[3]), bf(&[]))
    );
    assert_eq!(
        (p.faulty_power.clone(), p.recovering_power.clone()),
        (power(&[3]), PowerPair::zero())
    );
    assert_eq!(
        queue(&store, &p),
        vec![
            (5, set(&[1, 2], &[], 300, &[1, 2], &[], 3)),
            (9, set(&[3, 4], &[], 700, &[4], &[3], 7)),
            (13, set(&[5, 6], &[], 1100, &[5, 6], &[], 11)),
        ]
    );

    // Terminating 1 (active) and 3 (faulty) at epoch 3.
    let (removed, unproven) = p
        .terminate_sectors(&store, &sectors, 3, &bf(&[1, 3]), SIZE, QUANT)
        .unwrap();
    assert_eq!(removed, set(&[1, 3], &[], 400, &[1], &[3], 4));
    assert_eq!(unproven, PowerPair::zero());
    assert_eq!(p.terminated, bf(&[1, 3]));
    assert!(p.faults.is_empty());
    assert_eq!(p.live_power, power(&[2, 4, 5, 6]));
    assert_eq!(p.faulty_power, PowerPair::zero());
    let early = BitFieldQueue::new(&store, &p.early_terminated, NO_QUANTIZATION)
        .unwrap()
        .entries()
        .unwrap();
    assert_eq!(early, vec![(3, bf(&[1, 3]))]);
    let err = p
        .clone()
        .terminate_sectors(&store, &sectors, 4, &bf(&[1]), SIZE, QUANT)
        .unwrap_err();
    assert_eq!(
        err.exit_code(),
        fvm_shared::error::ExitCode::USR_ILLEGAL_ARGUMENT
    );

    // Expiry at 9 takes 2 and 4 on time.
    let expired = p.pop_expired_sectors(&store, 9, QUANT).unwrap();
    assert_eq!(expired, set(&[2, 4], &[], 600, &[2, 4], &[], 6));
    assert_eq!(p.terminated, bf(&[1, 2, 3, 4]));
    assert_eq!(p.live_sectors(), bf(&[5, 6]));
    assert_eq!(p.live_power, power(&[5, 6]));
    assert_eq!(
        queue(&store, &p),
        vec![(13, set(&[5, 6], &[], 1100, &[5, 6], &[], 11))]
    );

    // Early terminations are popped in bounded batches.
    let (first, more) = p.pop_early_terminations(&store, 1).unwrap();
    assert!(more);
    assert_eq!(
        first.sectors.into_iter().collect::<Vec<_>>(),
        vec![(3, bf(&[1]))]
    );
    assert_eq!(
        (first.partitions_processed, first.sectors_processed),
        (1, 1)
    );
    let (rest, more) = p.pop_early_terminations(&store, 10).unwrap();
    assert!(!more);
    assert_eq!(
        rest.sectors.into_iter().collect::<Vec<_>>(),
        vec![(3, bf(&[3]))]
    );

    // A missed PoSt: everything live turns faulty and is rescheduled to expire early by 20
    // (quantized to 21); sector 5 and 6 at 13 are before that, so they stay on time.
    let (delta, penalized, new_faulty) = p.record_missed_post(&store, 20, QUANT).unwrap();
    assert_eq!(delta, -power(&[5, 6]));
    assert_eq!(penalized, power(&[5, 6]));
    assert_eq!(new_faulty, power(&[5, 6]));
    assert_eq!(p.faults, bf(&[5, 6]));
    assert_eq!(
        queue(&store, &p),
        vec![(13, set(&[5, 6], &[], 1100, &[], &[5, 6], 11))]
    );
    p.validate_state().unwrap();
}

#[test]
fn faulty_sectors_expire_early_and_unproven_faults_lose_no_power() {
    let store = MemoryBlockstore::new();
    let (mut p, root) = setup(&store);
    let sectors = Sectors::load(&store, &root).unwrap();
    // Still unproven: a fault on 6 takes its unproven power, not active power.
    let (_, delta, new_faulty) = p
        .record_faults(&store, &sectors, &bf(&[6]), 6, SIZE, QUANT)
        .unwrap();
    assert_eq!(delta, PowerPair::zero());
    assert_eq!(new_faulty, power(&[6]));
    assert_eq!(p.unproven, bf(&[1, 2, 3, 4, 5]));
    assert_eq!(p.unproven_power, power(&[1, 2, 3, 4, 5]));
    p.activate_unproven();
    // At 9, sector 6 (due at 13) has been faulty too long: it expires early, with no pledge.
    p.pop_expired_sectors(&store, 5, QUANT).unwrap();
    let expired = p.pop_expired_sectors(&store, 9, QUANT).unwrap();
    assert_eq!(expired, set(&[3, 4], &[6], 700, &[3, 4], &[6], 13));
    let early = BitFieldQueue::new(&store, &p.early_terminated, NO_QUANTIZATION)
        .unwrap()
        .entries()
        .unwrap();
    assert_eq!(early, vec![(9, bf(&[6]))]);
    assert_eq!(p.live_sectors(), bf(&[5]));
    assert_eq!(p.faulty_power, PowerPair::zero());
}

#[test]
fn replacing_and_rescheduling_sectors() {
    let store = MemoryBlockstore::new();
    let (mut p, root) = setup(&store);
    let sectors = Sectors::load(&store, &root).unwrap();
    p.activate_unproven();
    // Extend sector 1 to 13 with a new fee: the queue moves it and the deltas are exact.
    let extended = SectorOnChainInfo {
        expiration: 13,
        daily_fee: atto(5),
        ..sector(1)
    };
    let (power_delta, pledge_delta, fee_delta) = p
        .replace_sectors(&store, &[sector(1)], &[extended], SIZE, QUANT)
        .unwrap();
    assert_eq!(
        (power_delta, pledge_delta, fee_delta),
        (PowerPair::zero(), atto(0), atto(4))
    );
    assert_eq!(
        queue(&store, &p),
        vec![
            (5, set(&[2], &[], 200, &[2], &[], 2)),
            (9, set(&[3, 4], &[], 700, &[3, 4], &[], 7)),
            (13, set(&[1, 5, 6], &[], 1200, &[1, 5, 6], &[], 16)),
        ]
    );
    // Rescheduling 4 and 6 (and absent 9) to expire at 5.
    let moved = p
        .reschedule_expirations(&store, &sectors, 5, &bf(&[4, 6, 9]), SIZE, QUANT)
        .unwrap();
    assert_eq!(
        moved.iter().map(|s| s.sector_number).collect::<Vec<_>>(),
        vec![4, 6]
    );
    assert_eq!(
        queue(&store, &p),
        vec![
            (5, set(&[2, 4, 6], &[], 1200, &[2, 4, 6], &[], 12)),
            (9, set(&[3], &[], 300, &[3], &[], 3)),
            (13, set(&[1, 5], &[], 600, &[1, 5], &[], 10)),
        ]
    );
}
