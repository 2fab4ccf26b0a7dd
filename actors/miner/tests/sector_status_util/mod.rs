//! A miner state driven through the state API (deadlines, partitions, the sectors AMT) for the
//! sector status tests: commit, fault, recover, terminate, expire and compact, each as the
//! actor's methods and cron would apply them to one deadline. Each test binary uses a part of it.
#![allow(dead_code)]

use fil_actor_miner::*;
use fil_actors_runtime::runtime::Policy;
use fil_actors_runtime::ActorError;
use fvm_ipld_bitfield::BitField;
use fvm_ipld_blockstore::MemoryBlockstore;
use fvm_ipld_encoding::CborStore;
use fvm_shared::clock::ChainEpoch;
use fvm_shared::sector::{RegisteredPoStProof, SectorNumber, SectorSize};
use multihash_codetable::Code;

pub const SIZE: SectorSize = SectorSize::_2KiB;
/// Unquantized, so a sector expires exactly at its recorded epoch.
pub const QUANT: QuantSpec = NO_QUANTIZATION;
/// Beyond every sector's expiration, so faults never cut a sector short.
pub const FAULT_EXPIRATION: ChainEpoch = 1_000_000;

pub fn bf(bits: &[u64]) -> BitField {
    BitField::try_from_bits(bits.iter().copied()).unwrap()
}

pub fn aux(deadline: i64, partition: i64) -> Vec<u8> {
    SectorLocation {
        deadline,
        partition,
    }
    .to_aux_data()
    .unwrap()
}

pub struct Miner {
    pub store: MemoryBlockstore,
    pub policy: Policy,
    pub st: State,
    pub partition_size: u64,
}

impl Miner {
    /// An empty miner with `deadlines` deadlines and partitions of `partition_size`.
    pub fn new(deadlines: u64, partition_size: u64) -> Self {
        let store = MemoryBlockstore::new();
        let policy = Policy {
            wpost_period_deadlines: deadlines,
            ..Policy::mainnet()
        };
        let info = MinerInfo::new(
            1,
            2,
            vec![],
            vec![],
            vec![],
            RegisteredPoStProof::StackedDRGWindow2KiBV1P1,
        )
        .unwrap();
        let cid = store.put_cbor(&info, Code::Blake2b256).unwrap();
        let st = State::new(&policy, &store, cid, 0, 0).unwrap();
        Miner {
            store,
            policy,
            st,
            partition_size,
        }
    }

    /// Loads deadline `dl`, applies `f` with the sectors AMT, and stores it back.
    fn with_deadline<T>(
        &mut self,
        dl: u64,
        f: impl FnOnce(&MemoryBlockstore, &Sectors<'_, MemoryBlockstore>, &mut Deadline) -> T,
    ) -> T {
        let mut deadlines = self.st.load_deadlines(&self.store).unwrap();
        let mut deadline = deadlines.load_deadline(&self.store, dl).unwrap();
        let sectors = Sectors::load(&self.store, &self.st.sectors).unwrap();
        let out = f(&self.store, &sectors, &mut deadline);
        deadlines
            .update_deadline(&self.policy, &self.store, dl, &deadline)
            .unwrap();
        self.st.save_deadlines(&self.store, deadlines).unwrap();
        out
    }

    pub fn partitions(&self, dl: u64) -> Vec<Partition> {
        let deadline = self
            .st
            .load_deadlines(&self.store)
            .unwrap()
            .load_deadline(&self.store, dl)
            .unwrap();
        let mut out = Vec::new();
        deadline
            .for_each(&self.store, |_, p| {
                out.push(p.clone());
                Ok(())
            })
            .unwrap();
        out
    }

    /// The sectors grouped by the partition of `dl` holding them.
    fn by_partition(&self, dl: u64, sectors: &[SectorNumber]) -> PartitionSectorMap {
        let mut map = PartitionSectorMap::default();
        for (idx, p) in self.partitions(dl).iter().enumerate() {
            let here = &p.sectors & &bf(sectors);
            if !here.is_empty() {
                map.add(idx as u64, here);
            }
        }
        map
    }

    /// Proves new sectors (number, expiration) into deadline `dl`; `proven: false` leaves them
    /// awaiting their first Window PoSt.
    pub fn commit(&mut self, dl: u64, sectors: &[(SectorNumber, ChainEpoch)], proven: bool) {
        let infos: Vec<SectorOnChainInfo> = sectors
            .iter()
            .map(|&(n, expiration)| SectorOnChainInfo {
                sector_number: n,
                expiration,
                ..Default::default()
            })
            .collect();
        let numbers: Vec<SectorNumber> = sectors.iter().map(|&(n, _)| n).collect();
        self.st
            .allocate_sector_numbers(&self.store, &bf(&numbers), CollisionPolicy::AllowCollisions)
            .unwrap();
        self.st.put_sectors(&self.store, infos.clone()).unwrap();
        let size = self.partition_size;
        self.with_deadline(dl, |store, _, d| {
            d.add_sectors(store, size, proven, true, &infos, SIZE, QUANT)
                .unwrap()
        });
    }

    pub fn fault(&mut self, dl: u64, sectors: &[SectorNumber]) {
        let mut map = self.by_partition(dl, sectors);
        self.with_deadline(dl, |store, s, d| {
            d.record_faults(store, s, SIZE, QUANT, FAULT_EXPIRATION, &mut map)
                .unwrap()
        });
    }

    /// Declares the faulty sectors recovering and confirms them with a Window PoSt of their
    /// partitions; the window then closes without checking the other partitions.
    pub fn recover(&mut self, dl: u64, sectors: &[SectorNumber]) {
        let mut map = self.by_partition(dl, sectors);
        let posts: Vec<PoStPartition> = map
            .partitions()
            .map(|index| PoStPartition {
                index,
                skipped: BitField::new(),
            })
            .collect();
        self.with_deadline(dl, |store, s, d| {
            d.declare_faults_recovered(store, s, SIZE, &mut map)
                .unwrap();
            d.record_proven_sectors(store, s, SIZE, QUANT, FAULT_EXPIRATION, &posts)
                .unwrap();
            d.partitions_posted = BitField::new();
        });
    }

    pub fn terminate(&mut self, dl: u64, sectors: &[SectorNumber], epoch: ChainEpoch) {
        let mut map = self.by_partition(dl, sectors);
        self.with_deadline(dl, |store, s, d| {
            d.terminate_sectors(store, s, epoch, &mut map, SIZE, QUANT)
                .unwrap()
        });
        // The state lists the deadlines with early terminations left to process.
        self.st.early_terminations.set(dl);
    }

    /// FIP-0067 deadline faults, as the deadline cron applies them: the deadline's end as if no
    /// partition had been proven, every live sector faulty.
    pub fn enforce_faults(&mut self, dl: u64) {
        let sectors = self.st.sectors;
        self.with_deadline(dl, |store, _, d| {
            d.partitions_posted = BitField::new();
            d.process_deadline_end(store, QUANT, FAULT_EXPIRATION, sectors)
                .unwrap()
        });
    }

    /// FIP-0067 deadline termination: every live sector of `dl` terminated at `epoch`.
    pub fn enforce_termination(&mut self, dl: u64, epoch: ChainEpoch) {
        self.with_deadline(dl, |store, s, d| {
            d.terminate_all_live_sectors(store, s, epoch, SIZE, QUANT)
                .unwrap()
        });
        self.st.early_terminations.set(dl);
    }

    /// FIP-0067 `ReplaceSector`'s termination of old `sectors` of `dl`, without a fee.
    pub fn replace(&mut self, dl: u64, sectors: &[SectorNumber]) {
        let mut map = self.by_partition(dl, sectors);
        self.with_deadline(dl, |store, s, d| {
            d.terminate_replaced_sectors(store, s, &mut map, SIZE, QUANT)
                .unwrap()
        });
    }

    /// Expires every sector of `dl` whose expiration is at or before `until`; returns them.
    pub fn expire(&mut self, dl: u64, until: ChainEpoch) -> BitField {
        let set = self.with_deadline(dl, |store, _, d| {
            d.pop_expired_sectors(store, until, QUANT).unwrap()
        });
        &set.on_time_sectors | &set.early_sectors
    }

    /// Settles the deadline's early terminations, then compacts `partitions` away and deletes
    /// the dead sectors' infos, as `CompactPartitions` does. Returns the sectors removed.
    pub fn compact(&mut self, dl: u64, partitions: &[u64]) -> Result<BitField, ActorError> {
        let size = self.partition_size;
        let dead = self.with_deadline(dl, |store, s, d| {
            while d.pop_early_terminations(store, 1 << 40, 1 << 40).unwrap().1 {}
            d.compact_partitions(store, s, SIZE, size, &bf(partitions), QUANT)
        })?;
        self.st.early_terminations.unset(dl);
        self.st.delete_sectors(&self.store, &dead).unwrap();
        Ok(dead)
    }

    pub fn generate(
        &self,
        sector: SectorNumber,
    ) -> Result<(SectorStatusCode, SectorLocation), ActorError> {
        generate_sector_status_info(&self.store, &self.st, sector)
    }

    pub fn validate(
        &self,
        sector: SectorNumber,
        status: u8,
        aux: &[u8],
    ) -> Result<bool, ActorError> {
        let status = SectorStatusCode::try_from(status).expect("FIP-0112 codes are 0, 1 and 2");
        validate_sector_status(
            &self.policy,
            &self.store,
            &StatusRoots::from(&self.st),
            sector,
            status,
            aux,
        )
    }

    pub fn expiration(&self, sector: SectorNumber, aux: &[u8]) -> Result<ChainEpoch, ActorError> {
        get_sector_expiration(&self.policy, &self.store, &(&self.st).into(), sector, aux)
    }
}
