//! `Constructor`: a new miner, created by the power actor's `CreateMiner` through init. Checks
//! and resolves the addresses, places the miner's proving period at an offset derived from its
//! address and the epoch, and locks the FIP-0077 creation deposit.

use fil_actors_runtime::runtime::{Policy, Runtime};
use fil_actors_runtime::{actor_error, ActorError, INIT_ACTOR_ADDR};
use fvm_ipld_encoding::CborStore;
use fvm_shared::address::Address;
use fvm_shared::clock::ChainEpoch;
use fvm_shared::econ::TokenAmount;
use multihash_codetable::Code;

use super::{
    check_control_addresses, check_peer_info, request_current_epoch_block_reward,
    request_current_total_power, resolve_control_addresses, resolve_worker_address,
};
use crate::{
    create_miner_deposit_power, initial_pledge_for_power, Actor, MinerConstructorParams, MinerInfo,
    State, REWARD_VESTING_SPEC,
};

impl Actor {
    pub fn constructor(
        rt: &impl Runtime,
        params: MinerConstructorParams,
    ) -> Result<(), ActorError> {
        rt.validate_immediate_caller_is(std::iter::once(&INIT_ACTOR_ADDR))?;
        let policy = rt.policy();
        check_control_addresses(policy, &params.control_addresses)?;
        check_peer_info(policy, &params.peer_id, &params.multi_addresses)?;
        if !policy
            .valid_post_proof_type
            .contains(params.window_post_proof_type)
        {
            return Err(actor_error!(illegal_argument;
                "proof type {:?} not allowed for new miner actors", params.window_post_proof_type));
        }

        // FIP-0077: the value sent with CreateMiner must cover the creation deposit.
        let balance = rt.current_balance();
        let deposit = create_miner_deposit(rt)?;
        if balance < deposit {
            return Err(actor_error!(insufficient_funds;
                "not enough balance to lock for create miner deposit: sent balance {} < deposit {}",
                balance.atto(), deposit.atto()));
        }

        let owner = rt.resolve_address(&params.owner).ok_or_else(
            || actor_error!(illegal_argument; "unable to resolve owner address: {}", params.owner),
        )?;
        let worker = resolve_worker_address(rt, params.worker)?;
        let control_addresses = resolve_control_addresses(rt, params.control_addresses)?;

        let current_epoch = rt.curr_epoch();
        let offset = proving_period_offset(rt, policy, rt.message().receiver(), current_epoch)?;
        let period_start = proving_period_start(policy, current_epoch, offset);
        let deadline_idx = ((current_epoch - period_start) / policy.wpost_challenge_window) as u64;

        let info = MinerInfo::new(
            owner,
            worker,
            control_addresses,
            params.peer_id,
            params.multi_addresses,
            params.window_post_proof_type,
        )?;
        let store = rt.store();
        let info_cid = store
            .put_cbor(&info, Code::Blake2b256)
            .map_err(|e| actor_error!(illegal_state; "failed to store miner info: {}", e))?;
        let mut state = State::new(policy, store, info_cid, period_start, deadline_idx)?;
        state.add_locked_funds(store, current_epoch, &deposit, &REWARD_VESTING_SPEC)?;
        // FIP-0067: a miner created once the timeline has started has no old sectors: [0, 0].
        state.set_counters_of_new_miner(policy, current_epoch);
        rt.create(&state)
    }
}

/// FIP-0077: the initial pledge of `create_miner_deposit_power` at the network's current
/// reward, power and circulating supply.
fn create_miner_deposit(rt: &impl Runtime) -> Result<TokenAmount, ActorError> {
    let reward = request_current_epoch_block_reward(rt)?;
    let power = request_current_total_power(rt)?;
    Ok(initial_pledge_for_power(
        &create_miner_deposit_power(rt.policy()),
        &reward.this_epoch_baseline_power,
        &reward.this_epoch_reward_smoothed,
        &power.quality_adj_power_smoothed,
        &rt.total_fil_circ_supply(),
        rt.curr_epoch() - power.ramp_start_epoch,
        power.ramp_duration_epochs,
    ))
}

/// A pseudo-random offset in `[0, wpost_proving_period)`: the first eight bytes (big-endian) of
/// the blake2b hash of the miner's CBOR-encoded address followed by the big-endian epoch, so
/// that miners spread over the period.
fn proving_period_offset(
    rt: &impl Runtime,
    policy: &Policy,
    receiver: Address,
    current_epoch: ChainEpoch,
) -> Result<ChainEpoch, ActorError> {
    let mut input = fvm_ipld_encoding::to_vec(&receiver)
        .map_err(|e| actor_error!(serialization; "failed to encode address {}: {}", receiver, e))?;
    input.extend_from_slice(&current_epoch.to_be_bytes());
    let digest = rt.hash_blake2b(&input);
    let mut head = [0u8; 8];
    head.copy_from_slice(&digest[..8]);
    Ok((u64::from_be_bytes(head) % policy.wpost_proving_period as u64) as ChainEpoch)
}

/// The latest epoch at or before `current_epoch` that is `offset` past a multiple of the
/// proving period: the miner starts in the middle of that period, exempt from Window PoSt
/// until the next one begins.
fn proving_period_start(
    policy: &Policy,
    current_epoch: ChainEpoch,
    offset: ChainEpoch,
) -> ChainEpoch {
    let modulus = current_epoch % policy.wpost_proving_period;
    let progress = if modulus >= offset {
        modulus - offset
    } else {
        policy.wpost_proving_period - (offset - modulus)
    };
    current_epoch - progress
}
