//! Invariant checks over a whole miner state, for tests and the test VM: miner info is well
//! formed; funds balance (vesting table sums to locked funds, deposits sum to the pre-commit
//! total, the balance covers them); every sector is allocated and in exactly one partition; and
//! sector sets, counts, powers, pledges and fees agree across the sectors AMT, partitions,
//! their expiration and early-termination queues, and deadlines. Every broken invariant is
//! reported, prefixed with where it was found.

use std::collections::{BTreeMap, BTreeSet};

use fil_actors_runtime::runtime::Policy;
use fil_actors_runtime::MessageAccumulator;
use fvm_ipld_bitfield::BitField;
use fvm_ipld_blockstore::Blockstore;
use fvm_ipld_encoding::CborStore;
use fvm_shared::address::Protocol;
use fvm_shared::econ::TokenAmount;
use fvm_shared::sector::{RegisteredPoStProof, SectorNumber, SectorSize};
use num_traits::Zero;

use crate::{
    load_precommits, power_for_sectors, BitFieldQueue, Deadline, ExpirationQueue, MinerInfo,
    Partition, PowerPair, QuantSpec, SectorOnChainInfo, Sectors, State, NO_QUANTIZATION,
};

/// Totals of a checked miner, for cross-actor checks (power actor claims, market deals).
#[derive(Debug, Clone, PartialEq)]
pub struct StateSummary {
    pub live_power: PowerPair,
    pub active_power: PowerPair,
    pub faulty_power: PowerPair,
    pub window_post_proof_type: RegisteredPoStProof,
    pub deadline_cron_active: bool,
    /// Number of live (not terminated) sectors.
    pub live_sectors: u64,
}

impl Default for StateSummary {
    fn default() -> Self {
        StateSummary {
            live_power: PowerPair::zero(),
            active_power: PowerPair::zero(),
            faulty_power: PowerPair::zero(),
            window_post_proof_type: RegisteredPoStProof::Invalid(0),
            deadline_cron_active: false,
            live_sectors: 0,
        }
    }
}

type SectorsMap = BTreeMap<SectorNumber, SectorOnChainInfo>;

/// Checks every invariant of `state` with the actor's `balance`.
pub fn check_state_invariants<BS: Blockstore>(
    policy: &Policy,
    state: &State,
    store: &BS,
    balance: &TokenAmount,
) -> (StateSummary, MessageAccumulator) {
    let acc = MessageAccumulator::default();
    let mut summary = StateSummary {
        deadline_cron_active: state.deadline_cron_active,
        ..Default::default()
    };
    let info = match state.get_info(store) {
        Ok(info) => info,
        Err(e) => {
            acc.add(format!("error loading miner info: {}", e.msg()));
            return (summary, acc);
        }
    };
    summary.window_post_proof_type = info.window_post_proof_type;
    check_miner_info(&info, &acc);
    check_miner_balances(policy, state, store, balance, &acc);

    let allocated: BTreeSet<u64> = match store.get_cbor::<BitField>(&state.allocated_sectors) {
        Ok(Some(bits)) => match bits.bounded_iter(1 << 30) {
            Some(iter) => iter.collect(),
            None => {
                acc.add("allocated sectors bitfield too large to expand");
                BTreeSet::new()
            }
        },
        Ok(None) => {
            acc.add("allocated sectors bitfield not found");
            BTreeSet::new()
        }
        Err(e) => {
            acc.add(format!("error loading allocated sectors: {}", e));
            BTreeSet::new()
        }
    };
    check_precommits(policy, state, store, &allocated, &acc);

    let mut all_sectors = SectorsMap::new();
    let loaded = Sectors::load(store, &state.sectors).and_then(|sectors| {
        sectors.amt.for_each(|n, s| {
            all_sectors.insert(n, s.clone());
            Ok(())
        })
    });
    acc.require_no_error(
        loaded.map_err(|e| e.msg().to_string()),
        "error loading sectors",
    );
    for (n, s) in &all_sectors {
        acc.require(
            allocated.contains(n),
            format!("sector {} is not allocated", n),
        );
        acc.require(
            s.sector_number == *n,
            format!("sector {} stored at index {}", s.sector_number, n),
        );
        acc.require(
            s.activation <= s.power_base_epoch,
            format!(
                "sector {} power base epoch {} before activation {}",
                n, s.power_base_epoch, s.activation
            ),
        );
        acc.require(
            s.power_base_epoch < s.expiration,
            format!(
                "sector {} power base epoch {} not before expiration {}",
                n, s.power_base_epoch, s.expiration
            ),
        );
    }

    acc.require(
        state.current_deadline < policy.wpost_period_deadlines,
        format!(
            "current deadline {} is not below {}",
            state.current_deadline, policy.wpost_period_deadlines
        ),
    );

    let mut in_partitions: BTreeMap<SectorNumber, (u64, u64)> = BTreeMap::new();
    let mut deadlines_with_early = BitField::new();
    let walk = state.load_deadlines(store).and_then(|deadlines| {
        deadlines.for_each(store, |idx, deadline| {
            let acc = acc.with_prefix(format!("deadline {}: ", idx));
            let quant = state.quant_spec_for_deadline(policy, idx);
            let d = check_deadline(
                &deadline,
                store,
                quant,
                info.sector_size,
                &all_sectors,
                &acc,
            );
            for (p_idx, sectors) in d.partition_sectors {
                for n in sectors.iter() {
                    if let Some((other_dl, other_p)) = in_partitions.insert(n, (idx, p_idx)) {
                        acc.add(format!(
                            "sector {} in partition {} is also in deadline {} partition {}",
                            n, p_idx, other_dl, other_p
                        ));
                    }
                }
            }
            if !deadline.early_terminations.is_empty() {
                deadlines_with_early.set(idx);
            }
            summary.live_power += &d.live_power;
            summary.active_power += &d.active_power;
            summary.faulty_power += &d.faulty_power;
            summary.live_sectors += d.live_sectors;
            Ok(())
        })
    });
    acc.require_no_error(
        walk.map_err(|e| e.msg().to_string()),
        "error iterating deadlines",
    );

    for n in all_sectors.keys() {
        acc.require(
            in_partitions.contains_key(n),
            format!("sector {} is in no partition", n),
        );
    }
    acc.require(
        state.early_terminations.contains_all(&deadlines_with_early),
        format!(
            "deadlines with early terminations {:?} missing from the state's {:?}",
            deadlines_with_early.iter().collect::<Vec<_>>(),
            state.early_terminations.iter().collect::<Vec<_>>()
        ),
    );
    (summary, acc)
}

fn check_miner_info(info: &MinerInfo, acc: &MessageAccumulator) {
    let is_id = |a: &fvm_shared::address::Address| a.protocol() == Protocol::ID;
    acc.require(
        is_id(&info.owner),
        format!("owner {} is not an ID address", info.owner),
    );
    acc.require(
        is_id(&info.worker),
        format!("worker {} is not an ID address", info.worker),
    );
    for a in &info.control_addresses {
        acc.require(
            is_id(a),
            format!("control address {} is not an ID address", a),
        );
    }
    if let Some(change) = &info.pending_worker_key {
        acc.require(
            is_id(&change.new_worker),
            format!("pending worker {} is not an ID address", change.new_worker),
        );
        acc.require(
            change.new_worker != info.worker,
            format!("pending worker {} is the current worker", change.new_worker),
        );
    }
    if let Some(owner) = &info.pending_owner_address {
        acc.require(
            is_id(owner),
            format!("pending owner {} is not an ID address", owner),
        );
        acc.require(
            *owner != info.owner,
            format!("pending owner {} is the current owner", owner),
        );
    }
    match (
        info.window_post_proof_type.sector_size(),
        info.window_post_proof_type.window_post_partition_sectors(),
    ) {
        (Ok(size), Ok(partition)) => {
            acc.require(
                info.sector_size == size,
                format!(
                    "sector size {:?} does not match {:?} of {:?}",
                    info.sector_size, size, info.window_post_proof_type
                ),
            );
            acc.require(
                info.window_post_partition_sectors == partition,
                format!(
                    "partition sectors {} do not match {} of {:?}",
                    info.window_post_partition_sectors, partition, info.window_post_proof_type
                ),
            );
        }
        _ => acc.add(format!(
            "invalid Window PoSt proof type {:?}",
            info.window_post_proof_type
        )),
    }
}

fn check_miner_balances<BS: Blockstore>(
    policy: &Policy,
    state: &State,
    store: &BS,
    balance: &TokenAmount,
    acc: &MessageAccumulator,
) {
    for (name, value) in [
        ("balance", balance),
        ("locked funds", &state.locked_funds),
        ("pre-commit deposits", &state.pre_commit_deposits),
        ("initial pledge", &state.initial_pledge),
        ("fee debt", &state.fee_debt),
    ] {
        acc.require(
            !value.is_negative(),
            format!("{} is negative: {}", name, value),
        );
    }
    let required = &state.locked_funds + &state.pre_commit_deposits + &state.initial_pledge;
    acc.require(
        balance >= &required,
        format!(
            "balance {} is below locked funds, pre-commit deposits and initial pledge {}",
            balance, required
        ),
    );
    match state.load_vesting_funds(store) {
        Ok(funds) => {
            let grid = state.quant_spec_every_deadline(policy);
            let mut sum = TokenAmount::zero();
            for f in &funds {
                acc.require(
                    f.amount.is_positive(),
                    format!(
                        "vesting entry at {} has non-positive amount {}",
                        f.epoch, f.amount
                    ),
                );
                acc.require(
                    grid.quantize_up(f.epoch) == f.epoch,
                    format!("vesting entry epoch {} is not quantized", f.epoch),
                );
                sum += &f.amount;
            }
            acc.require(
                state.locked_funds == sum,
                format!(
                    "locked funds {} are not the vesting table's sum {}",
                    state.locked_funds, sum
                ),
            );
        }
        Err(e) => acc.add(format!("error loading vesting funds: {}", e.msg())),
    }
    // Deposits and pledge only arise from sector operations, which enroll the cron. Locked funds
    // alone do not need it: a new miner locks its FIP-0077 creation deposit before any cron.
    if !state.pre_commit_deposits.is_zero() || !state.initial_pledge.is_zero() {
        acc.require(
            state.deadline_cron_active,
            "deadline cron inactive while deposits or pledge are held",
        );
    }
}

fn check_precommits<BS: Blockstore>(
    policy: &Policy,
    state: &State,
    store: &BS,
    allocated: &BTreeSet<u64>,
    acc: &MessageAccumulator,
) {
    let grid = state.quant_spec_every_deadline(policy);
    let mut cleanup: BTreeSet<u64> = BTreeSet::new();
    match BitFieldQueue::new(store, &state.pre_committed_sectors_cleanup, grid)
        .and_then(|q| q.entries())
    {
        Ok(entries) => {
            for (epoch, sectors) in entries {
                acc.require(
                    grid.quantize_up(epoch) == epoch,
                    format!("pre-commit clean-up epoch {} is not quantized", epoch),
                );
                cleanup.extend(sectors.iter());
            }
        }
        Err(e) => acc.add(format!(
            "error loading pre-commit clean-up queue: {}",
            e.msg()
        )),
    }
    let mut total = TokenAmount::zero();
    let walk = load_precommits(store, &state.pre_committed_sectors).and_then(|map| {
        map.for_each(|n, pc| {
            acc.require(
                allocated.contains(&n),
                format!("pre-committed sector {} is not allocated", n),
            );
            acc.require(
                cleanup.contains(&n),
                format!("pre-committed sector {} has no clean-up epoch", n),
            );
            acc.require(
                pc.info.sector_number == n,
                format!(
                    "pre-commitment of sector {} stored under {}",
                    pc.info.sector_number, n
                ),
            );
            total += &pc.pre_commit_deposit;
            Ok(())
        })
    });
    acc.require_no_error(
        walk.map_err(|e| e.msg().to_string()),
        "error iterating pre-commitments",
    );
    acc.require(
        state.pre_commit_deposits == total,
        format!(
            "pre-commit deposits {} are not the sum of deposits {}",
            state.pre_commit_deposits, total
        ),
    );
}

/// What a deadline's check found.
#[derive(Default)]
struct DeadlineSummary {
    partition_sectors: Vec<(u64, BitField)>,
    live_sectors: u64,
    live_power: PowerPair,
    active_power: PowerPair,
    faulty_power: PowerPair,
}

fn check_deadline<BS: Blockstore>(
    deadline: &Deadline,
    store: &BS,
    quant: QuantSpec,
    sector_size: SectorSize,
    sectors: &SectorsMap,
    acc: &MessageAccumulator,
) -> DeadlineSummary {
    let mut summary = DeadlineSummary::default();
    let mut total_sectors = 0u64;
    let mut fee = TokenAmount::zero();
    let mut with_early = BitField::new();
    let mut partition_count = 0u64;
    // Partition index -> epochs at which it has expirations.
    let mut expiration_epochs: Vec<(u64, Vec<i64>)> = Vec::new();
    let walk = deadline.for_each(store, |idx, partition| {
        partition_count = idx + 1;
        let acc = acc.with_prefix(format!("partition {}: ", idx));
        let p = check_partition(partition, store, quant, sector_size, sectors, &acc);
        summary.live_sectors += p.live.len();
        total_sectors += partition.sectors.len();
        summary.live_power += &partition.live_power;
        summary.active_power += &partition.active_power();
        summary.faulty_power += &partition.faulty_power;
        fee += &p.daily_fee;
        if p.has_early_terminations {
            with_early.set(idx);
        }
        expiration_epochs.push((idx, p.expiration_epochs));
        summary
            .partition_sectors
            .push((idx, partition.sectors.clone()));
        Ok(())
    });
    acc.require_no_error(
        walk.map_err(|e| e.msg().to_string()),
        "error iterating partitions",
    );

    acc.require(
        deadline.live_sectors == summary.live_sectors,
        format!(
            "live sectors {} but partitions have {}",
            deadline.live_sectors, summary.live_sectors
        ),
    );
    acc.require(
        deadline.total_sectors == total_sectors,
        format!(
            "total sectors {} but partitions have {}",
            deadline.total_sectors, total_sectors
        ),
    );
    acc.require(
        deadline.faulty_power == summary.faulty_power,
        format!(
            "faulty power {:?} but partitions have {:?}",
            deadline.faulty_power, summary.faulty_power
        ),
    );
    acc.require(
        deadline.live_power == summary.live_power,
        format!(
            "live power {:?} but partitions have {:?}",
            deadline.live_power, summary.live_power
        ),
    );
    acc.require(
        deadline.daily_fee == fee,
        format!(
            "daily fee {} but live sectors' fees sum to {}",
            deadline.daily_fee, fee
        ),
    );
    acc.require(
        deadline.early_terminations == with_early,
        format!(
            "early terminations index {:?} but partitions {:?} have early terminations",
            deadline.early_terminations.iter().collect::<Vec<_>>(),
            with_early.iter().collect::<Vec<_>>()
        ),
    );
    if let Some(last) = deadline.partitions_posted.last() {
        acc.require(
            last < partition_count,
            format!("posted partition {} does not exist", last),
        );
    }
    match BitFieldQueue::new(store, &deadline.expirations_epochs, quant).and_then(|q| q.entries()) {
        Ok(entries) => {
            let indexed: BTreeMap<i64, BitField> = entries.into_iter().collect();
            for (idx, epochs) in expiration_epochs {
                for epoch in epochs {
                    acc.require(
                        indexed.get(&epoch).is_some_and(|b| b.get(idx)),
                        format!("partition {} expiration at {} is not in the deadline's expiration index", idx, epoch),
                    );
                }
            }
        }
        Err(e) => acc.add(format!("error loading expiration index: {}", e.msg())),
    }
    summary
}

struct PartitionSummary {
    live: BitField,
    daily_fee: TokenAmount,
    expiration_epochs: Vec<i64>,
    has_early_terminations: bool,
}

fn check_partition<BS: Blockstore>(
    partition: &Partition,
    store: &BS,
    quant: QuantSpec,
    sector_size: SectorSize,
    sectors: &SectorsMap,
    acc: &MessageAccumulator,
) -> PartitionSummary {
    let live = partition.live_sectors();
    let active = partition.active_sectors();
    let require_subset = |big: &BitField, small: &BitField, what: &str| {
        acc.require(
            big.contains_all(small),
            format!(
                "{} not contained: {:?}",
                what,
                (small - big).iter().collect::<Vec<_>>()
            ),
        );
    };
    require_subset(
        &partition.sectors,
        &partition.terminated,
        "terminated sectors in all sectors",
    );
    require_subset(&live, &partition.faults, "faults in live sectors");
    require_subset(
        &live,
        &partition.unproven,
        "unproven sectors in live sectors",
    );
    require_subset(
        &partition.faults,
        &partition.recoveries,
        "recoveries in faults",
    );
    acc.require(
        !partition.unproven.contains_any(&partition.faults),
        format!(
            "unproven and faulty sectors overlap: {:?}",
            (&partition.unproven & &partition.faults)
                .iter()
                .collect::<Vec<_>>()
        ),
    );

    let infos = |bits: &BitField| -> Vec<SectorOnChainInfo> {
        bits.iter()
            .filter_map(|n| sectors.get(&n).cloned())
            .collect()
    };
    for n in partition.sectors.iter() {
        acc.require(
            sectors.contains_key(&n),
            format!("sector {} has no sector info", n),
        );
    }
    let check_power = |bits: &BitField, recorded: &PowerPair, what: &str| {
        let computed = power_for_sectors(sector_size, &infos(bits));
        acc.require(
            &computed == recorded,
            format!(
                "{} power {:?} but its sectors have {:?}",
                what, recorded, computed
            ),
        );
    };
    check_power(&live, &partition.live_power, "live");
    check_power(&partition.unproven, &partition.unproven_power, "unproven");
    check_power(&partition.faults, &partition.faulty_power, "faulty");
    check_power(
        &partition.recoveries,
        &partition.recovering_power,
        "recovering",
    );
    check_power(&active, &partition.active_power(), "active");
    let daily_fee: TokenAmount = infos(&live).iter().map(|s| &s.daily_fee).sum();

    let mut expiration_epochs = Vec::new();
    match ExpirationQueue::new(store, &partition.expirations_epochs, quant)
        .and_then(|q| q.entries())
    {
        Ok(entries) => {
            let mut scheduled = BitField::new();
            for (epoch, set) in entries {
                expiration_epochs.push(epoch);
                let acc = acc.with_prefix(format!("expiration {}: ", epoch));
                acc.require(quant.quantize_up(epoch) == epoch, "epoch is not quantized");
                let all = &set.on_time_sectors | &set.early_sectors;
                acc.require(
                    !set.on_time_sectors.contains_any(&set.early_sectors),
                    "sectors both on time and early",
                );
                acc.require(
                    !scheduled.contains_any(&all),
                    format!(
                        "sectors {:?} scheduled twice",
                        (&scheduled & &all).iter().collect::<Vec<_>>()
                    ),
                );
                scheduled |= &all;
                acc.require(
                    partition.faults.contains_all(&set.early_sectors),
                    "early sectors not faulty",
                );
                for s in infos(&set.on_time_sectors) {
                    acc.require(
                        quant.quantize_up(s.expiration) >= epoch,
                        format!(
                            "sector {} expiring at {} is scheduled later",
                            s.sector_number, s.expiration
                        ),
                    );
                }
                let pledge: TokenAmount = infos(&set.on_time_sectors)
                    .iter()
                    .map(|s| &s.initial_pledge)
                    .sum();
                acc.require(
                    set.on_time_pledge == pledge,
                    format!(
                        "on-time pledge {} but its sectors have {}",
                        set.on_time_pledge, pledge
                    ),
                );
                let faulty = power_for_sectors(sector_size, &infos(&(&all & &partition.faults)));
                acc.require(
                    set.faulty_power == faulty,
                    format!(
                        "faulty power {:?} but its sectors have {:?}",
                        set.faulty_power, faulty
                    ),
                );
                let active_power = power_for_sectors(
                    sector_size,
                    &infos(&(&set.on_time_sectors - &partition.faults)),
                );
                acc.require(
                    set.active_power == active_power,
                    format!(
                        "active power {:?} but its sectors have {:?}",
                        set.active_power, active_power
                    ),
                );
                let fee: TokenAmount = infos(&all).iter().map(|s| &s.daily_fee).sum();
                acc.require(
                    set.fee_deduction == fee,
                    format!(
                        "fee deduction {} but its sectors have {}",
                        set.fee_deduction, fee
                    ),
                );
            }
            acc.require(
                scheduled == live,
                format!(
                    "scheduled sectors {:?} are not the live sectors {:?}",
                    scheduled.iter().collect::<Vec<_>>(),
                    live.iter().collect::<Vec<_>>()
                ),
            );
        }
        Err(e) => acc.add(format!("error loading expiration queue: {}", e.msg())),
    }

    let mut has_early_terminations = false;
    match BitFieldQueue::new(store, &partition.early_terminated, NO_QUANTIZATION)
        .and_then(|q| q.entries())
    {
        Ok(entries) => {
            for (epoch, terminated) in entries {
                has_early_terminations = true;
                acc.require(
                    partition.terminated.contains_all(&terminated),
                    format!(
                        "early terminations at {} include sectors not terminated",
                        epoch
                    ),
                );
            }
        }
        Err(e) => acc.add(format!("error loading early terminations: {}", e.msg())),
    }

    PartitionSummary {
        live,
        daily_fee,
        expiration_epochs,
        has_early_terminations,
    }
}
