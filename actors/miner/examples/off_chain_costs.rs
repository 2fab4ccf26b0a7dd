//! Off-chain costs of the miner's read paths on large miners, printed as a report:
//!
//! - `GenerateSectorStatusInfo` on a miner with 1,000,000 sectors (the spec requires it to
//!   finish): time, blocks and bytes read, and the process's peak memory;
//! - `ValidateSectorStatus` on the same miner: blocks and bytes read (flat in the miner's size);
//! - the FIP-0067 census of old sectors on a miner with 100,000 sectors over many partitions:
//!   done at once (the migration helper) and in the deadline cron's slices: time, blocks and
//!   bytes read, and how many crons it takes.
//!
//! Run with `make costs` (release build). Gas on the real FVM is measured by the integration
//! suite's reports; this one counts the blockstore reads a node would serve.

use std::cell::Cell;
use std::time::Instant;

use cid::Cid;
use fil_actor_miner::*;
use fil_actors_runtime::runtime::Policy;
use fvm_ipld_blockstore::{Blockstore, MemoryBlockstore};
use fvm_ipld_encoding::CborStore;
use fvm_shared::clock::ChainEpoch;
use fvm_shared::econ::TokenAmount;
use fvm_shared::sector::{RegisteredPoStProof, SectorSize};
use multihash_codetable::Code;

/// A memory blockstore that counts what is read from it.
#[derive(Default)]
struct CountingStore {
    inner: MemoryBlockstore,
    reads: Cell<u64>,
    bytes: Cell<u64>,
}

impl CountingStore {
    fn reset(&self) {
        self.reads.set(0);
        self.bytes.set(0);
    }
}

impl Blockstore for CountingStore {
    fn get(&self, k: &Cid) -> anyhow::Result<Option<Vec<u8>>> {
        let block = self.inner.get(k)?;
        self.reads.set(self.reads.get() + 1);
        self.bytes
            .set(self.bytes.get() + block.as_ref().map_or(0, |b| b.len() as u64));
        Ok(block)
    }

    fn put_keyed(&self, k: &Cid, block: &[u8]) -> anyhow::Result<()> {
        self.inner.put_keyed(k, block)
    }
}

const SIZE: SectorSize = SectorSize::_32GiB;

/// Peak resident memory of this process, from the kernel, in MiB.
fn peak_rss_mib() -> f64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmHWM:"))
                .and_then(|l| l.split_whitespace().nth(1)?.parse::<f64>().ok())
        })
        .map_or(f64::NAN, |kib| kib / 1024.0)
}

/// A miner of `count` proven sectors spread evenly over the 48 deadlines in full partitions,
/// expirations spread over `spread` proving periods from `first_expiration`.
fn build_miner(
    policy: &Policy,
    store: &CountingStore,
    count: u64,
    first_expiration: ChainEpoch,
    spread: i64,
) -> State {
    let info = MinerInfo::new(
        1,
        2,
        vec![],
        vec![],
        vec![],
        RegisteredPoStProof::StackedDRGWindow32GiBV1P1,
    )
    .unwrap();
    let partition_size = info.window_post_partition_sectors;
    let info = store.put_cbor(&info, Code::Blake2b256).unwrap();
    let mut st = State::new(policy, store, info, 0, 0).unwrap();
    let deadlines_n = policy.wpost_period_deadlines;
    let per_deadline = count.div_ceil(deadlines_n);
    let mut deadlines = st.load_deadlines(store).unwrap();
    for dl in 0..deadlines_n {
        let first = dl * per_deadline;
        let last = (first + per_deadline).min(count);
        if first >= last {
            break;
        }
        let quant = st.quant_spec_for_deadline(policy, dl);
        let infos: Vec<SectorOnChainInfo> = (first..last)
            .map(|n| SectorOnChainInfo {
                sector_number: n,
                activation: 1,
                expiration: first_expiration
                    + (n as i64 % spread) * policy.wpost_proving_period
                    + n as i64 % 97,
                initial_pledge: TokenAmount::from_atto(1),
                ..Default::default()
            })
            .collect();
        st.put_sectors(store, infos.clone()).unwrap();
        let mut deadline = deadlines.load_deadline(store, dl).unwrap();
        deadline
            .add_sectors(store, partition_size, true, true, &infos, SIZE, quant)
            .unwrap();
        deadlines
            .update_deadline(policy, store, dl, &deadline)
            .unwrap();
    }
    st.save_deadlines(store, deadlines).unwrap();
    st
}

fn sector_status_report() {
    let policy = Policy::mainnet();
    let store = CountingStore::default();
    let sectors = 1_000_000;
    let started = Instant::now();
    let st = build_miner(&policy, &store, sectors, 3_000_000, 500);
    println!(
        "built a miner with {} sectors in {:.1} s (peak memory so far {:.0} MiB)",
        sectors,
        started.elapsed().as_secs_f64(),
        peak_rss_mib()
    );
    println!();
    println!("| call | sector | result | time | blocks read | bytes read |");
    println!("| --- | --- | --- | --- | --- | --- |");
    for n in [0, sectors / 2, sectors - 1, sectors + 5] {
        store.reset();
        let t = Instant::now();
        let (status, location) = generate_sector_status_info(&store, &st, n).unwrap();
        let elapsed = t.elapsed();
        println!(
            "| GenerateSectorStatusInfo | {} | {:?} at ({}, {}) | {:.2} ms | {} | {} |",
            n,
            status,
            location.deadline,
            location.partition,
            elapsed.as_secs_f64() * 1e3,
            store.reads.get(),
            store.bytes.get()
        );
        store.reset();
        let t = Instant::now();
        let valid = validate_sector_status(
            &policy,
            &store,
            &(&st).into(),
            n,
            status,
            &location.to_aux_data().unwrap(),
        )
        .unwrap();
        println!(
            "| ValidateSectorStatus | {} | {} | {:.2} ms | {} | {} |",
            n,
            valid,
            t.elapsed().as_secs_f64() * 1e3,
            store.reads.get(),
            store.bytes.get()
        );
    }
    println!();
    println!("peak memory of the process: {:.0} MiB", peak_rss_mib());
}

fn replacement_sealing_report() {
    let start = 1_000_000;
    let policy = Policy {
        replacement_sealing_start_epoch: Some(start),
        ..Policy::mainnet()
    };
    let schedule = ReplacementSchedule::from_policy(&policy).unwrap();
    let store = CountingStore::default();
    let sectors = 100_000;
    // Expirations over 1,000 proving periods around the threshold, so every partition has
    // hundreds of queue entries and one that straddles the threshold.
    let first = schedule.threshold() - 500 * policy.wpost_proving_period;
    let st = build_miner(&policy, &store, sectors, first, 1_000);
    let partitions: u64 = {
        let mut n = 0;
        st.load_deadlines(&store)
            .unwrap()
            .for_each(&store, |_, d| {
                n += d.partitions_amt(&store)?.count();
                Ok(())
            })
            .unwrap();
        n
    };
    store.reset();
    let t = Instant::now();
    let counters = migrate_old_sector_counters(&policy, &store, &st)
        .unwrap()
        .unwrap();
    println!();
    println!(
        "FIP-0067 census at once (the migration helper): {} sectors in {} partitions, {} old: {:.1} ms, {} blocks read, {} bytes read",
        sectors,
        partitions,
        counters.initial,
        t.elapsed().as_secs_f64() * 1e3,
        store.reads.get(),
        store.bytes.get()
    );

    // The deadline cron's way: begun at the start, one budgeted slice per cron.
    let mut census = st.clone();
    assert!(census.begin_old_sector_census(&policy, start));
    let (mut crons, mut max_reads, mut total_reads, mut total_bytes) = (0, 0, 0, 0);
    let t = Instant::now();
    loop {
        store.reset();
        crons += 1;
        let done = census
            .advance_old_sector_census(&policy, &store, Some(OLD_SECTOR_CENSUS_BLOCKS_PER_CRON))
            .unwrap();
        max_reads = max_reads.max(store.reads.get());
        total_reads += store.reads.get();
        total_bytes += store.bytes.get();
        if done {
            break;
        }
    }
    assert_eq!(census.old_sector_counters(), Some(&counters));
    println!(
        "FIP-0067 census in the deadline cron (budget {} blocks): {} crons, at most {} blocks read in one, {} blocks and {} bytes in all, {:.1} ms",
        OLD_SECTOR_CENSUS_BLOCKS_PER_CRON,
        crons,
        max_reads,
        total_reads,
        total_bytes,
        t.elapsed().as_secs_f64() * 1e3
    );
}

fn main() {
    sector_status_report();
    replacement_sealing_report();
}
