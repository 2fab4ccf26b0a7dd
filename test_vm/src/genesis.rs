//! Genesis: builds the same network on either engine, written once against the [`VM`] trait.
//! The system and init states are written directly (the FVM reads them itself); every other
//! singleton (the EAM included) gets its constructor sent from the system actor, as at genesis. The verified
//! registry's root key is a 2-of-3 multisig, as on the ecosystem's test networks
//! ([`crate::root_key`]).

use anyhow::{anyhow, Context};
use fil_actor_power::State as PowerState;
use fil_actors_runtime::builtin::*;
use fvm::state_tree::ActorState;
use fvm_ipld_encoding::tuple::*;
use fvm_ipld_hamt::Hamt;
use fvm_shared::address::Address;
use fvm_shared::bigint::bigint_ser::BigIntSer;
use fvm_shared::econ::TokenAmount;
use fvm_shared::sector::StoragePower;
use fvm_shared::{ActorID, MethodNum, HAMT_BIT_WIDTH, METHOD_CONSTRUCTOR, METHOD_SEND};
use num_traits::Zero;
use serde::Serialize;

use crate::bundle::bundle;
use crate::root_key::{create_root_key, RootKey};
use crate::{chain, put_cbor, MessageKind, Msg, StoreRef, VM};

/// Cron's entries at genesis: power's and market's end-of-epoch handlers (v18 method numbers).
/// The pledge the test network holds at genesis, in whole FIL (see `seed_pledge_total`).
pub const GENESIS_PLEDGE_FIL: u64 = 1_000_000;

pub const CRON_ENTRIES: [(ActorID, MethodNum); 2] =
    [(STORAGE_POWER_ACTOR_ID, 5), (STORAGE_MARKET_ACTOR_ID, 9)];

#[derive(Serialize_tuple, Deserialize_tuple)]
struct CronEntry {
    receiver: Address,
    method_num: MethodNum,
}

#[derive(Serialize_tuple, Deserialize_tuple)]
struct CronParams {
    entries: Vec<CronEntry>,
}

#[derive(Serialize_tuple, Deserialize_tuple)]
struct SystemState {
    builtin_actors: cid::Cid,
}

#[derive(Serialize_tuple, Deserialize_tuple)]
struct InitState {
    address_map: cid::Cid,
    next_id: ActorID,
    network_name: String,
}

#[derive(Serialize_tuple, Deserialize_tuple)]
struct AccountState {
    address: Address,
}

/// What genesis made.
#[derive(Clone, Debug)]
pub struct Genesis {
    /// The funded accounts: key address and ID.
    pub accounts: Vec<(Address, ActorID)>,
    /// The root key of the verified registry: a multisig whose signers tests act through.
    pub verifreg_root: RootKey,
}

/// The key address of test account `i` (a secp256k1 address over a fixed fake key).
pub fn account_address(i: u64) -> Address {
    let mut key = [0u8; 65];
    key[0] = 4;
    key[1..9].copy_from_slice(&i.to_be_bytes());
    Address::new_secp256k1(&key).expect("a 65-byte key is a valid secp256k1 key")
}

/// Builds the network on `vm` (which must be empty) with `balances.len()` funded accounts.
pub fn genesis(vm: &mut dyn VM, balances: &[TokenAmount]) -> anyhow::Result<Genesis> {
    let bundle = bundle()?;
    let codes = vm.codes().clone();
    let zero = TokenAmount::from_atto(0);
    // The reward actor holds the whole storage mining allocation from genesis (1.1 billion FIL
    // on every network), which it pays out as block rewards.
    let reward_funds =
        &*fil_actor_reward::logic::SIMPLE_TOTAL + &*fil_actor_reward::logic::BASELINE_TOTAL;
    let total: TokenAmount = balances.iter().sum::<TokenAmount>() + &reward_funds;

    // System: holds the funds it hands out below; its state names the manifest.
    let system_state = put_cbor(
        vm.store(),
        &SystemState {
            builtin_actors: bundle.manifest_data,
        },
    )?;
    vm.set_actor(
        SYSTEM_ACTOR_ID,
        ActorState::new(codes.code(Type::System), system_state, total, 0, None),
    )?;

    // Init: the FVM resolves addresses through its state, so it is written directly.
    let address_map = Hamt::<_, ActorID>::new_with_bit_width(StoreRef(vm.store()), HAMT_BIT_WIDTH)
        .flush()
        .context("creating the empty address map")?;
    let init_state = put_cbor(
        vm.store(),
        &InitState {
            address_map,
            next_id: FIRST_NON_SINGLETON_ID,
            network_name: chain::NETWORK_NAME.into(),
        },
    )?;
    vm.set_actor(
        INIT_ACTOR_ID,
        ActorState::new(codes.code(Type::Init), init_state, zero.clone(), 0, None),
    )?;

    let cron = CronParams {
        entries: CRON_ENTRIES
            .iter()
            .map(|(id, method)| CronEntry {
                receiver: Address::new_id(*id),
                method_num: *method,
            })
            .collect(),
    };
    // The reward actor's first epoch reward is computed for the network's power at genesis:
    // none here.
    construct(
        vm,
        REWARD_ACTOR_ID,
        Type::Reward,
        Some(&BigIntSer(&StoragePower::zero())),
        reward_funds,
    )?;
    construct(
        vm,
        STORAGE_POWER_ACTOR_ID,
        Type::Power,
        None::<&()>,
        zero.clone(),
    )?;
    seed_pledge_total(vm)?;
    construct(
        vm,
        STORAGE_MARKET_ACTOR_ID,
        Type::Market,
        None::<&()>,
        zero.clone(),
    )?;
    construct(
        vm,
        DATACAP_TOKEN_ACTOR_ID,
        Type::DataCap,
        Some(&Address::new_id(VERIFIED_REGISTRY_ACTOR_ID)),
        zero.clone(),
    )?;
    // After power and market, which its entries call.
    construct(vm, CRON_ACTOR_ID, Type::Cron, Some(&cron), zero.clone())?;
    // The Ethereum Address Manager, which deploys contracts (FIP-0055).
    construct(vm, EAM_ACTOR_ID, Type::EAM, None::<&()>, zero.clone())?;

    // Burnt funds: an account keyed by its own ID address, as networks have it.
    let burnt = put_cbor(
        vm.store(),
        &AccountState {
            address: BURNT_FUNDS_ACTOR_ADDR,
        },
    )?;
    vm.set_actor(
        BURNT_FUNDS_ACTOR_ID,
        ActorState::new(codes.code(Type::Account), burnt, zero.clone(), 0, None),
    )?;

    // Accounts come into being as on chain: a first send of value to a key address.
    let mut accounts = Vec::with_capacity(balances.len());
    for (i, balance) in (0u64..).zip(balances) {
        let address = account_address(i);
        let send = Msg::new(SYSTEM_ACTOR_ADDR, address, METHOD_SEND).value(balance.clone());
        let ret = vm.execute(&send, MessageKind::Implicit)?;
        if !ret.code.is_success() {
            return Err(anyhow!(
                "funding account {address} failed with {}",
                ret.code
            ));
        }
        let id = vm
            .resolve(&address)?
            .ok_or_else(|| anyhow!("account {address} was not created"))?;
        accounts.push((address, id));
    }

    // The root key comes after the accounts, which keep the first IDs; the registry after its
    // root key, which it resolves.
    let verifreg_root = create_root_key(vm)?;
    construct(
        vm,
        VERIFIED_REGISTRY_ACTOR_ID,
        Type::VerifiedRegistry,
        Some(&verifreg_root.address),
        zero,
    )?;
    Ok(Genesis {
        accounts,
        verifreg_root,
    })
}

/// Creates singleton `id` of `typ` and runs its constructor from the system actor, which sends
/// `funds` with it.
/// FIP-0077: a new miner locks its creation deposit without it entering the network's pledge
/// total (v18 counts sector pledge and locked rewards only), yet the deposit's vesting lowers the
/// total like any vested amount. A live network's total absorbs that; a fresh one would go
/// negative at the first vesting of a miner with little sector pledge, and power would refuse
/// it. This network is therefore born with `GENESIS_PLEDGE_FIL` already pledged.
fn seed_pledge_total(vm: &mut dyn VM) -> anyhow::Result<()> {
    let mut st: PowerState = crate::actor_state(vm, STORAGE_POWER_ACTOR_ID)?;
    st.total_pledge_collateral = TokenAmount::from_whole(GENESIS_PLEDGE_FIL);
    st.this_epoch_pledge_collateral = st.total_pledge_collateral.clone();
    let mut actor = vm
        .actor(STORAGE_POWER_ACTOR_ID)?
        .ok_or_else(|| anyhow!("the power actor was not created"))?;
    actor.state = put_cbor(vm.store(), &st)?;
    vm.set_actor(STORAGE_POWER_ACTOR_ID, actor)
}

fn construct<P: Serialize>(
    vm: &mut dyn VM,
    id: ActorID,
    typ: Type,
    params: Option<&P>,
    funds: TokenAmount,
) -> anyhow::Result<()> {
    let code = vm.codes().code(typ);
    vm.set_actor(id, ActorState::new_empty(code, None))?;
    let mut msg = Msg::new(SYSTEM_ACTOR_ADDR, Address::new_id(id), METHOD_CONSTRUCTOR).value(funds);
    if let Some(params) = params {
        msg = msg.params(params)?;
    }
    let ret = vm.execute(&msg, MessageKind::Implicit)?;
    if !ret.code.is_success() {
        return Err(anyhow!(
            "{} constructor failed with {}: {:?}",
            typ.name(),
            ret.code,
            ret.failure
        ));
    }
    Ok(())
}
