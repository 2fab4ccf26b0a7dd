//! Miners and their claims: `CreateMiner` (any caller, FIP-0050), and the miner-only
//! `UpdateClaimedPower` and `UpdatePledgeTotal`.

use fil_actors_runtime::runtime::Runtime;
use fil_actors_runtime::{
    deserialize_block, extract_send_result, ActorContext, ActorError, Type, INIT_ACTOR_ADDR,
};
use fvm_ipld_encoding::ipld_block::IpldBlock;
use fvm_ipld_encoding::RawBytes;

use crate::ext::{init, miner};
use crate::{
    Actor, CreateMinerParams, CreateMinerReturn, State, UpdateClaimedPowerParams,
    UpdatePledgeTotalParams,
};

impl Actor {
    /// Creates a miner through the init actor and records an empty claim for it. The value
    /// received goes to the miner's constructor: it carries the FIP-0077 creation deposit,
    /// which the miner checks and locks, so too little value fails the whole call with the
    /// miner's exit code. As in v18, init's `Exec` is the only send and the deposit does not
    /// enter the network's pledge total (the new miner has no claim to report it under); its
    /// vesting later lowers the total as every vested amount does.
    pub fn create_miner(
        rt: &impl Runtime,
        params: CreateMinerParams,
    ) -> Result<CreateMinerReturn, ActorError> {
        rt.validate_immediate_caller_accept_any()?;
        let window_post_proof_type = params.window_post_proof_type;
        let constructor_params = RawBytes::serialize(miner::MinerConstructorParams {
            owner: params.owner,
            worker: params.worker,
            control_addresses: Vec::new(),
            window_post_proof_type,
            peer_id: params.peer,
            multi_addresses: params.multiaddrs,
        })?;
        let exec_params = init::ExecParams {
            code_cid: rt.get_code_cid_for_type(Type::Miner),
            constructor_params,
        };
        let init::ExecReturn {
            id_address,
            robust_address,
        } = deserialize_block(extract_send_result(rt.send_simple(
            &INIT_ACTOR_ADDR,
            init::EXEC_METHOD,
            IpldBlock::serialize_cbor(&exec_params)?,
            rt.message().value_received(),
        ))?)?;

        rt.transaction(|st: &mut State, rt| {
            let mut claims = st.load_claims(rt.store())?;
            st.add_miner(
                rt.policy(),
                &mut claims,
                &id_address,
                window_post_proof_type,
            )
            .context("failed to put power in claimed table while creating miner")?;
            st.save_claims(&mut claims)
        })?;
        Ok(CreateMinerReturn {
            id_address,
            robust_address,
        })
    }

    /// Adds the calling miner's power deltas to its claim and to the network totals.
    pub fn update_claimed_power(
        rt: &impl Runtime,
        params: UpdateClaimedPowerParams,
    ) -> Result<(), ActorError> {
        rt.validate_immediate_caller_type(std::iter::once(&Type::Miner))?;
        let miner = rt.message().caller();
        rt.transaction(|st: &mut State, rt| {
            let mut claims = st.load_claims(rt.store())?;
            st.add_to_claim(
                rt.policy(),
                &mut claims,
                &miner,
                &params.raw_byte_delta,
                &params.quality_adjusted_delta,
            )
            .with_context(|| {
                format!(
                    "failed to update power raw {}, qa {}",
                    params.raw_byte_delta, params.quality_adjusted_delta
                )
            })?;
            st.save_claims(&mut claims)
        })
    }

    /// Adds the calling miner's pledge change to the network's total pledge.
    pub fn update_pledge_total(
        rt: &impl Runtime,
        params: UpdatePledgeTotalParams,
    ) -> Result<(), ActorError> {
        rt.validate_immediate_caller_type(std::iter::once(&Type::Miner))?;
        let miner = rt.message().caller();
        rt.transaction(|st: &mut State, rt| {
            st.validate_miner_has_claim(rt.store(), &miner)?;
            st.add_pledge_total(&params.pledge_delta)
        })
    }
}
