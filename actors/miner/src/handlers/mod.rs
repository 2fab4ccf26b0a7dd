//! The miner's method handlers, one module per group (architecture.md), and the calls out and
//! checks that several groups share: who controls the miner, address resolution, peer info
//! limits, burning, pledge notifications and the reward and power queries.

mod activation;
mod activation_data;
mod activation_ni;
mod compaction;
mod consensus_fault;
mod constructor;
mod control;
mod cron;
mod extension;
mod faults;
mod funds;
mod getters;
mod notifications;
mod precommit;
mod preseal;
mod replacement_sealing;
mod replica_update;
mod seal_proofs;
mod sector_status;
mod termination;
mod window_post;

use fil_actors_runtime::builtin::Type;
use fil_actors_runtime::runtime::{Policy, Runtime};
use fil_actors_runtime::{
    actor_error, deserialize_block, extract_send_result, ActorError, BURNT_FUNDS_ACTOR_ADDR,
    REWARD_ACTOR_ADDR, STORAGE_POWER_ACTOR_ADDR,
};
use fvm_ipld_bitfield::BitField;
use fvm_ipld_encoding::ipld_block::IpldBlock;
use fvm_ipld_encoding::BytesDe;
use fvm_shared::address::{Address, Protocol};
use fvm_shared::clock::ChainEpoch;
use fvm_shared::econ::TokenAmount;
use fvm_shared::sector::RegisteredSealProof;
use fvm_shared::{ActorID, METHOD_SEND};
use num_traits::Zero;

use crate::{
    ext, seal_proof_sector_maximum_lifetime, CronEventPayload, DeadlineSectorMap, MinerInfo,
    PowerPair, State,
};

/// The addresses allowed to send the miner's operational messages: the control addresses, the
/// worker and the owner.
pub(crate) fn controlling_addresses(info: &MinerInfo) -> Vec<Address> {
    let mut addresses = info.control_addresses.clone();
    addresses.push(info.worker);
    addresses.push(info.owner);
    addresses
}

/// Resolves a worker address to its ID. The worker must be an account with a BLS key, since it
/// signs with BLS-VRF; for a non-BLS address the account is asked for its key address.
pub(crate) fn resolve_worker_address(
    rt: &impl Runtime,
    raw: Address,
) -> Result<ActorID, ActorError> {
    let resolved = rt
        .resolve_address(&raw)
        .ok_or_else(|| actor_error!(illegal_argument; "unable to resolve address: {}", raw))?;
    let code = rt
        .get_actor_code_cid(&resolved)
        .ok_or_else(|| actor_error!(illegal_argument; "no code for address: {}", resolved))?;
    if rt.resolve_builtin_actor_type(&code) != Some(Type::Account) {
        return Err(
            actor_error!(illegal_argument; "worker actor type must be an account, was {}", code),
        );
    }
    if raw.protocol() != Protocol::BLS {
        let key: Address = deserialize_block(extract_send_result(rt.send_simple(
            &Address::new_id(resolved),
            ext::account::PUBKEY_ADDRESS_METHOD,
            None,
            TokenAmount::zero(),
        ))?)?;
        if key.protocol() != Protocol::BLS {
            return Err(actor_error!(illegal_argument;
                "worker account {} must have BLS pubkey, was {}", resolved, key.protocol()));
        }
    }
    Ok(resolved)
}

/// Resolves each control address to its ID.
pub(crate) fn resolve_control_addresses(
    rt: &impl Runtime,
    addresses: Vec<Address>,
) -> Result<Vec<ActorID>, ActorError> {
    addresses
        .into_iter()
        .map(|address| {
            rt.resolve_address(&address).ok_or_else(
                || actor_error!(illegal_argument; "unable to resolve control address: {}", address),
            )
        })
        .collect()
}

/// At most `max_control_addresses` control addresses.
pub(crate) fn check_control_addresses(
    policy: &Policy,
    addresses: &[Address],
) -> Result<(), ActorError> {
    if addresses.len() > policy.max_control_addresses {
        return Err(actor_error!(illegal_argument;
            "control addresses length {} exceeds max control addresses length {}",
            addresses.len(), policy.max_control_addresses));
    }
    Ok(())
}

/// The peer ID and multiaddresses fit the policy's sizes, and no multiaddress is empty.
pub(crate) fn check_peer_info(
    policy: &Policy,
    peer_id: &[u8],
    multiaddrs: &[BytesDe],
) -> Result<(), ActorError> {
    if peer_id.len() > policy.max_peer_id_length {
        return Err(actor_error!(illegal_argument;
            "peer ID size of {} exceeds maximum size of {}", peer_id.len(), policy.max_peer_id_length));
    }
    let mut total = 0;
    for addr in multiaddrs {
        if addr.0.is_empty() {
            return Err(actor_error!(illegal_argument; "invalid empty multiaddr"));
        }
        total += addr.0.len();
    }
    if total > policy.max_multiaddr_data {
        return Err(actor_error!(illegal_argument;
            "multiaddr size of {} exceeds maximum of {}", total, policy.max_multiaddr_data));
    }
    Ok(())
}

/// Sends `amount` to the burnt-funds actor, if positive.
pub(crate) fn burn_funds(rt: &impl Runtime, amount: TokenAmount) -> Result<(), ActorError> {
    if amount.is_positive() {
        extract_send_result(rt.send_simple(&BURNT_FUNDS_ACTOR_ADDR, METHOD_SEND, None, amount))?;
    }
    Ok(())
}

/// Tells the power actor of a change in this miner's locked pledge, if any.
pub(crate) fn notify_pledge_changed(
    rt: &impl Runtime,
    pledge_delta: &TokenAmount,
) -> Result<(), ActorError> {
    if !pledge_delta.is_zero() {
        extract_send_result(rt.send_simple(
            &STORAGE_POWER_ACTOR_ADDR,
            ext::power::UPDATE_PLEDGE_TOTAL_METHOD,
            IpldBlock::serialize_cbor(pledge_delta)?,
            TokenAmount::zero(),
        ))?;
    }
    Ok(())
}

/// This epoch's reward estimates, from the reward actor.
pub(crate) fn request_current_epoch_block_reward(
    rt: &impl Runtime,
) -> Result<ext::reward::ThisEpochRewardReturn, ActorError> {
    deserialize_block(
        extract_send_result(rt.send_simple(
            &REWARD_ACTOR_ADDR,
            ext::reward::THIS_EPOCH_REWARD_METHOD,
            None,
            TokenAmount::zero(),
        ))
        .map_err(|e| e.wrap("failed to check epoch reward"))?,
    )
}

/// The network's power and pledge totals, from the power actor.
pub(crate) fn request_current_total_power(
    rt: &impl Runtime,
) -> Result<ext::power::CurrentTotalPowerReturn, ActorError> {
    deserialize_block(
        extract_send_result(rt.send_simple(
            &STORAGE_POWER_ACTOR_ADDR,
            ext::power::CURRENT_TOTAL_POWER_METHOD,
            None,
            TokenAmount::zero(),
        ))
        .map_err(|e| e.wrap("failed to check current power"))?,
    )
}

// Shared by the groups that address sectors by deadline and partition, change claimed power,
// schedule cron callbacks or check expirations.

/// Collects (deadline, partition, sectors) declarations into a map, rejecting a deadline index
/// past the last and more partitions or sectors than one message may address.
pub(crate) fn declarations_to_map(
    policy: &Policy,
    declarations: impl IntoIterator<Item = (u64, u64, BitField)>,
) -> Result<DeadlineSectorMap, ActorError> {
    let mut map = DeadlineSectorMap::new();
    for (deadline, partition, sectors) in declarations {
        map.add(policy, deadline, partition, sectors).map_err(|e| {
            actor_error!(illegal_argument;
                "failed to process deadline {}, partition {}: {}", deadline, partition, e.msg())
        })?;
    }
    map.check(
        policy.addressed_partitions_max,
        policy.addressed_sectors_max,
    )
    .map_err(
        |e| actor_error!(illegal_argument; "cannot process requested parameters: {}", e.msg()),
    )?;
    Ok(map)
}

/// Tells the power actor of a change in this miner's claimed power, if any.
pub(crate) fn request_update_power(rt: &impl Runtime, delta: PowerPair) -> Result<(), ActorError> {
    if delta.is_zero() {
        return Ok(());
    }
    let context = format!("failed to update power with {:?}", delta);
    extract_send_result(rt.send_simple(
        &STORAGE_POWER_ACTOR_ADDR,
        ext::power::UPDATE_CLAIMED_POWER_METHOD,
        IpldBlock::serialize_cbor(&ext::power::UpdateClaimedPowerParams {
            raw_byte_delta: delta.raw,
            quality_adjusted_delta: delta.qa,
        })?,
        TokenAmount::zero(),
    ))
    .map_err(|e| e.wrap(context))?;
    Ok(())
}

/// Asks the power actor to call this miner back with `payload` at the end of `event_epoch`.
pub(crate) fn enroll_cron_event(
    rt: &impl Runtime,
    event_epoch: ChainEpoch,
    payload: CronEventPayload,
) -> Result<(), ActorError> {
    let params = ext::power::EnrollCronEventParams {
        event_epoch,
        payload: fvm_ipld_encoding::RawBytes::serialize(&payload)?,
    };
    extract_send_result(rt.send_simple(
        &STORAGE_POWER_ACTOR_ADDR,
        ext::power::ENROLL_CRON_EVENT_METHOD,
        IpldBlock::serialize_cbor(&params)?,
        TokenAmount::zero(),
    ))?;
    Ok(())
}

/// Schedules the deadline cron at the last epoch of the deadline open at `epoch`.
pub(crate) fn enroll_proving_deadline_cron(
    rt: &impl Runtime,
    state: &State,
    epoch: ChainEpoch,
) -> Result<(), ActorError> {
    let deadline = state.deadline_info(rt.policy(), epoch);
    enroll_cron_event(
        rt,
        deadline.last(),
        CronEventPayload {
            event_type: crate::CRON_EVENT_PROVING_DEADLINE,
        },
    )
}

/// Applies a pending worker change whose effective epoch has come (by the owner's
/// confirmation or by the deadline cron); otherwise changes nothing.
pub(crate) fn process_pending_worker(
    rt: &impl Runtime,
    state: &mut State,
    info: &mut MinerInfo,
) -> Result<(), ActorError> {
    match &info.pending_worker_key {
        Some(change) if change.effective_at <= rt.curr_epoch() => {
            info.worker = change.new_worker;
            info.pending_worker_key = None;
            state.save_info(rt.store(), info)
        }
        _ => Ok(()),
    }
}

/// Whether the miner is still within the ineligibility period of a reported consensus fault
/// (up to and including `consensus_fault_elapsed`).
pub(crate) fn consensus_fault_active(info: &MinerInfo, curr_epoch: ChainEpoch) -> bool {
    curr_epoch <= info.consensus_fault_elapsed
}

/// A sector living from `activation` to `expiration` must outlive activation by the minimum
/// sector lifetime, end no later than the maximum extension past `curr_epoch`, and not outlive
/// its seal proof's maximum lifetime.
pub(crate) fn validate_expiration(
    policy: &Policy,
    curr_epoch: ChainEpoch,
    activation: ChainEpoch,
    expiration: ChainEpoch,
    seal_proof: RegisteredSealProof,
) -> Result<(), ActorError> {
    // Checked first so the lifetime below cannot be negative.
    if expiration <= activation {
        return Err(actor_error!(illegal_argument;
            "sector expiration {} must be after activation {}", expiration, activation));
    }
    let lifetime = expiration - activation;
    if lifetime < policy.min_sector_expiration {
        return Err(actor_error!(illegal_argument;
            "invalid expiration {}, total sector lifetime ({}) must exceed {} after activation {}",
            expiration, lifetime, policy.min_sector_expiration, activation));
    }
    if expiration > curr_epoch.saturating_add(policy.max_sector_expiration_extension) {
        return Err(actor_error!(illegal_argument;
            "invalid expiration {}, cannot be more than {} past current epoch {}",
            expiration, policy.max_sector_expiration_extension, curr_epoch));
    }
    let max_lifetime = seal_proof_sector_maximum_lifetime(seal_proof).ok_or_else(
        || actor_error!(illegal_argument; "unrecognized seal proof type {:?}", seal_proof),
    )?;
    if lifetime > max_lifetime {
        return Err(actor_error!(illegal_argument;
            "invalid expiration {}, total sector lifetime ({}) cannot exceed {} after activation {}",
            expiration, lifetime, max_lifetime, activation));
    }
    Ok(())
}
