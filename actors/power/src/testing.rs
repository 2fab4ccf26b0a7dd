//! Invariant checks over the power actor's state, for tests and the cross-actor state checks:
//! the totals are the sums of the claims, the miner counts match the claims, and the cron queue
//! holds nothing before the first cron epoch.

use std::collections::HashMap;

use fil_actors_runtime::runtime::Policy;
use fil_actors_runtime::MessageAccumulator;
use fvm_ipld_blockstore::Blockstore;
use fvm_ipld_encoding::RawBytes;
use fvm_shared::address::Address;
use fvm_shared::clock::ChainEpoch;
use fvm_shared::sector::StoragePower;
use num_traits::Signed;

use crate::{consensus_miner_min_power, Claim, CronEventQueue, State};

/// One queued cron event of a miner.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MinerCronEvent {
    pub epoch: ChainEpoch,
    pub payload: RawBytes,
}

/// What the power state says, for checks that span actors (e.g. against each miner's state).
#[derive(Debug, Default, Clone)]
pub struct StateSummary {
    pub crons: HashMap<Address, Vec<MinerCronEvent>>,
    pub claims: HashMap<Address, Claim>,
}

/// Checks the power state's invariants; every violation is recorded, none stops the check.
pub fn check_state_invariants<BS: Blockstore>(
    policy: &Policy,
    state: &State,
    store: &BS,
) -> (StateSummary, MessageAccumulator) {
    let acc = MessageAccumulator::default();
    check_totals(state, &acc);
    let summary = StateSummary {
        crons: check_cron_queue(state, store, &acc),
        claims: check_claims(policy, state, store, &acc),
    };
    (summary, acc)
}

fn check_totals(state: &State, acc: &MessageAccumulator) {
    let totals = [
        ("total raw byte power", &state.total_raw_byte_power),
        (
            "total quality adjusted power",
            &state.total_quality_adj_power,
        ),
        ("total bytes committed", &state.total_bytes_committed),
        ("total QA bytes committed", &state.total_qa_bytes_committed),
    ];
    for (name, value) in totals {
        acc.require(
            !value.is_negative(),
            format!("{} is negative: {}", name, value),
        );
    }
    acc.require(
        !state.total_pledge_collateral.is_negative(),
        format!(
            "total pledge collateral is negative: {}",
            state.total_pledge_collateral
        ),
    );
    acc.require(
        state.total_raw_byte_power <= state.total_quality_adj_power,
        format!(
            "total raw power {} is greater than total quality adjusted power {}",
            state.total_raw_byte_power, state.total_quality_adj_power
        ),
    );
    acc.require(
        state.total_bytes_committed <= state.total_qa_bytes_committed,
        format!(
            "committed bytes {} are greater than committed QA bytes {}",
            state.total_bytes_committed, state.total_qa_bytes_committed
        ),
    );
    acc.require(
        state.total_raw_byte_power <= state.total_bytes_committed,
        format!(
            "total raw power {} is greater than committed bytes {}",
            state.total_raw_byte_power, state.total_bytes_committed
        ),
    );
    acc.require(
        state.total_quality_adj_power <= state.total_qa_bytes_committed,
        format!(
            "total QA power {} is greater than committed QA bytes {}",
            state.total_quality_adj_power, state.total_qa_bytes_committed
        ),
    );
    acc.require(
        state.proof_validation_batch.is_none(),
        "proof validation batch is set (removed by FIP-0084)",
    );
}

fn check_cron_queue<BS: Blockstore>(
    state: &State,
    store: &BS,
    acc: &MessageAccumulator,
) -> HashMap<Address, Vec<MinerCronEvent>> {
    let mut by_miner: HashMap<Address, Vec<MinerCronEvent>> = HashMap::new();
    let queue = match CronEventQueue::load(store, &state.cron_event_queue) {
        Ok(queue) => queue,
        Err(e) => {
            acc.add(format!("error loading cron event queue: {}", e));
            return by_miner;
        }
    };
    let walk = queue.for_each(|epoch, events| {
        acc.require(
            epoch >= state.first_cron_epoch,
            format!(
                "cron events at epoch {} before the first cron epoch {}",
                epoch, state.first_cron_epoch
            ),
        );
        acc.require(
            !events.is_empty(),
            format!("empty cron event list at epoch {}", epoch),
        );
        for event in events {
            by_miner
                .entry(event.miner_addr)
                .or_default()
                .push(MinerCronEvent {
                    epoch,
                    payload: event.callback_payload,
                });
        }
    });
    acc.require_no_error(walk, "error iterating cron event queue");
    by_miner
}

fn check_claims<BS: Blockstore>(
    policy: &Policy,
    state: &State,
    store: &BS,
    acc: &MessageAccumulator,
) -> HashMap<Address, Claim> {
    let mut by_miner = HashMap::new();
    let claims = match state.load_claims(store) {
        Ok(claims) => claims,
        Err(e) => {
            acc.add(format!("error loading claims: {}", e));
            return by_miner;
        }
    };
    let mut committed_raw = StoragePower::default();
    let mut committed_qa = StoragePower::default();
    let mut raw_above_min = StoragePower::default();
    let mut qa_above_min = StoragePower::default();
    let mut above_min_count = 0i64;
    let walk = claims.for_each(|miner, claim| {
        acc.require(
            !claim.raw_byte_power.is_negative() && !claim.quality_adj_power.is_negative(),
            format!("claim of {} has negative power: {:?}", miner, claim),
        );
        committed_raw += &claim.raw_byte_power;
        committed_qa += &claim.quality_adj_power;
        match consensus_miner_min_power(policy, claim.window_post_proof_type) {
            Ok(min_power) if claim.raw_byte_power >= min_power => {
                above_min_count += 1;
                raw_above_min += &claim.raw_byte_power;
                qa_above_min += &claim.quality_adj_power;
            }
            Ok(_) => {}
            Err(e) => acc.add(format!("claim of {} has a bad proof type: {}", miner, e)),
        }
        by_miner.insert(miner, claim.clone());
        Ok(())
    });
    acc.require_no_error(walk, "error iterating claims");

    let count = by_miner.len() as i64;
    acc.require(
        state.miner_count == count,
        format!(
            "miner count {} does not match {} claims",
            state.miner_count, count
        ),
    );
    acc.require(
        state.miner_above_min_power_count == above_min_count,
        format!(
            "miners above minimum power {} do not match {} claims above it",
            state.miner_above_min_power_count, above_min_count
        ),
    );
    let sums = [
        (
            "committed bytes",
            &state.total_bytes_committed,
            committed_raw,
        ),
        (
            "committed QA bytes",
            &state.total_qa_bytes_committed,
            committed_qa,
        ),
        ("raw byte power", &state.total_raw_byte_power, raw_above_min),
        (
            "quality adjusted power",
            &state.total_quality_adj_power,
            qa_above_min,
        ),
    ];
    for (name, total, sum) in sums {
        acc.require(
            *total == sum,
            format!(
                "total {} {} does not match the claims' sum {}",
                name, total, sum
            ),
        );
    }
    by_miner
}
