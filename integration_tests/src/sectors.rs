//! Sectors written straight into a miner's state through the miner's own state API, for
//! scenarios that read a miner rather than grow one (sector status from contracts, its gas on
//! large miners). The sectors are committed but not yet proven by a Window PoSt, so they carry
//! no power and the power actor's claim stays consistent.

use std::ops::RangeInclusive;

use anyhow::anyhow;
use fil_actor_miner::{CollisionPolicy, SectorOnChainInfo, State};
use fvm_ipld_bitfield::BitField;
use fvm_shared::address::Address;
use fvm_shared::clock::ChainEpoch;
use fvm_shared::econ::TokenAmount;
use fvm_shared::ActorID;
use test_vm::genesis::genesis;
use test_vm::{get_cbor, put_cbor, StoreRef, VM};

use crate::miner::{create_miner, policy, sealed_cid, MinerAddrs, SEAL_PROOF};

/// Adds sectors `numbers` to deadline `deadline` of the miner at `miner_id`, activated now and
/// expiring at the deadline's first quantized epoch at or after `expiration`, which it returns.
pub fn install_sectors(
    vm: &mut dyn VM,
    miner_id: ActorID,
    deadline: u64,
    numbers: RangeInclusive<u64>,
    expiration: ChainEpoch,
) -> anyhow::Result<ChainEpoch> {
    let policy = policy()?;
    let actor = vm
        .actor(miner_id)?
        .ok_or_else(|| anyhow!("no actor {miner_id}"))?;
    let activation = vm.epoch();
    let head = {
        let store = StoreRef(vm.store());
        let mut st: State = get_cbor(vm.store(), &actor.state)?;
        let info = st.get_info(&store)?;
        let quant = st.quant_spec_for_deadline(&policy, deadline);
        let expiration = quant.quantize_up(expiration);
        let infos: Vec<SectorOnChainInfo> = numbers
            .clone()
            .map(|n| SectorOnChainInfo {
                sector_number: n,
                seal_proof: SEAL_PROOF,
                sealed_cid: sealed_cid(n as u8),
                activation,
                expiration,
                power_base_epoch: activation,
                ..Default::default()
            })
            .collect();
        let bits = BitField::try_from_bits(numbers)?;
        st.allocate_sector_numbers(&store, &bits, CollisionPolicy::DenyCollisions)?;
        st.put_sectors(&store, infos.clone())?;
        let mut deadlines = st.load_deadlines(&store)?;
        let mut dl = deadlines.load_deadline(&store, deadline)?;
        dl.add_sectors(
            &store,
            info.window_post_partition_sectors,
            false,
            true,
            &infos,
            info.sector_size,
            quant,
        )?;
        deadlines.update_deadline(&policy, &store, deadline, &dl)?;
        st.save_deadlines(&store, deadlines)?;
        (put_cbor(vm.store(), &st)?, expiration)
    };
    let (state, expiration) = head;
    vm.set_actor(miner_id, test_vm::ActorState { state, ..actor })?;
    Ok(expiration)
}

/// A fresh network with an owner (1,000 FIL) and an unrelated account (10 FIL), and a miner of
/// the owner's. Returns the miner and the unrelated account, which reads or pokes the miner.
pub fn miner_and_stranger(vm: &mut dyn VM) -> anyhow::Result<(MinerAddrs, Address)> {
    let g = genesis(
        vm,
        &[TokenAmount::from_whole(1000), TokenAmount::from_whole(10)],
    )?;
    let (owner, _) = g.accounts[0];
    let (stranger, _) = g.accounts[1];
    let m = create_miner(vm, owner, 1, TokenAmount::from_whole(10))?;
    Ok((m, stranger))
}

/// [`miner_and_stranger`] with sectors 1 to 3 in deadline 3 (partition 0 holds 1 and 2,
/// partition 1 holds 3), expiring at the returned epoch.
pub fn small_miner(vm: &mut dyn VM) -> anyhow::Result<(MinerAddrs, Address, ChainEpoch)> {
    let (m, stranger) = miner_and_stranger(vm)?;
    let expiration = install_sectors(vm, m.miner_id, 3, 1..=3, 600_000)?;
    Ok((m, stranger, expiration))
}
