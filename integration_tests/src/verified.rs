//! Verified data on the engines: the root key adds verifiers, verifiers add clients, clients
//! transfer datacap to the registry to make allocations; and the reads scenarios assert on
//! (datacap balances and supply, the registry's state). `events` builds the FIP-0083
//! verified-registry events a test expects from its own table; `life` walks verified data's
//! whole life.

pub mod events;
pub mod life;

use anyhow::{anyhow, ensure};
use fil_actor_datacap::{Method as DatacapMethod, State as DatacapState, TransferParams};
use fil_actor_multisig::{
    ApproveReturn, Method as MsigMethod, ProposeParams, ProposeReturn, TxnIDParams,
};
use fil_actor_verifreg::{
    AllocationRequests, Method as VerifregMethod, State as RegistryState, VerifierParams,
};
use fil_actors_runtime::builtin::{
    DATACAP_TOKEN_ACTOR_ADDR, DATACAP_TOKEN_ACTOR_ID, VERIFIED_REGISTRY_ACTOR_ADDR,
    VERIFIED_REGISTRY_ACTOR_ID,
};
use fvm_ipld_encoding::RawBytes;
use fvm_shared::address::Address;
use fvm_shared::econ::TokenAmount;
use fvm_shared::sector::StoragePower;
use fvm_shared::{ActorID, MethodNum};
use test_vm::root_key::root_signer_address;
use test_vm::{actor_state, MessageResult, Msg, StoreRef, VM};

use crate::miner::apply_ok;

/// The root key (the multisig genesis made, which the registry names) adds `verifier` with
/// `allowance`: its signer 0 proposes `AddVerifier`, signer 1 approves and the multisig sends it.
/// Fails unless the registry accepted it.
pub fn add_verifier(
    vm: &mut dyn VM,
    verifier: &Address,
    allowance: &StoragePower,
) -> anyhow::Result<()> {
    add_verifier_traced(vm, verifier, allowance).map(|_| ())
}

/// [`add_verifier`], returning the result of the approval that sent `AddVerifier`.
pub fn add_verifier_traced(
    vm: &mut dyn VM,
    verifier: &Address,
    allowance: &StoragePower,
) -> anyhow::Result<MessageResult> {
    let params = VerifierParams {
        address: *verifier,
        allowance: allowance.clone(),
    };
    as_root_key(
        vm,
        VerifregMethod::AddVerifier,
        RawBytes::serialize(params)?,
    )
}

/// The root key removes `verifier` (`RemoveVerifier`); returns the result of the approval that
/// sent it, which must have succeeded.
pub fn remove_verifier_traced(
    vm: &mut dyn VM,
    verifier: &Address,
) -> anyhow::Result<MessageResult> {
    as_root_key(
        vm,
        VerifregMethod::RemoveVerifier,
        RawBytes::serialize(verifier)?,
    )
}

/// The root key sends `method` of the registry with `params`: its signer 0 proposes, signer 1
/// approves and the multisig sends it. Returns the approval's result; fails unless the registry
/// accepted the call.
fn as_root_key(
    vm: &mut dyn VM,
    method: VerifregMethod,
    params: RawBytes,
) -> anyhow::Result<MessageResult> {
    let root = registry(vm)?.root_key;
    let proposal = ProposeParams {
        to: VERIFIED_REGISTRY_ACTOR_ADDR,
        value: TokenAmount::from_atto(0),
        method: method as MethodNum,
        params,
    };
    let proposed = apply_ok(
        vm,
        &Msg::new(
            root_signer_address(0),
            root,
            MsigMethod::Propose as MethodNum,
        )
        .params(&proposal)?,
    )?;
    let txn_id = proposed.ret_as::<ProposeReturn>()?.txn_id;
    let approval = TxnIDParams {
        id: txn_id,
        proposal_hash: Vec::new(),
    };
    let approved = apply_ok(
        vm,
        &Msg::new(
            root_signer_address(1),
            root,
            MsigMethod::Approve as MethodNum,
        )
        .params(&approval)?,
    )?;
    let outcome: ApproveReturn = approved.ret_as()?;
    ensure!(
        outcome.applied && outcome.code.is_success(),
        "{method:?} through the root key: applied {}, exit code {}",
        outcome.applied,
        outcome.code
    );
    Ok(approved)
}

/// `verifier` makes `client` a verified client with `allowance` bytes of datacap
/// (`AddVerifiedClient`); fails unless it succeeded.
pub fn add_verified_client(
    vm: &mut dyn VM,
    verifier: &Address,
    client: &Address,
    allowance: &StoragePower,
) -> anyhow::Result<()> {
    add_verified_client_traced(vm, verifier, client, allowance).map(|_| ())
}

/// [`add_verified_client`], returning the message's result.
pub fn add_verified_client_traced(
    vm: &mut dyn VM,
    verifier: &Address,
    client: &Address,
    allowance: &StoragePower,
) -> anyhow::Result<MessageResult> {
    let params = VerifierParams {
        address: *client,
        allowance: allowance.clone(),
    };
    apply_ok(
        vm,
        &Msg::new(
            *verifier,
            VERIFIED_REGISTRY_ACTOR_ADDR,
            VerifregMethod::AddVerifiedClient as MethodNum,
        )
        .params(&params)?,
    )
}

/// The message by which `client` transfers `bytes` of datacap to the registry with `requests`
/// as the operator data (FRC-46 `Transfer`).
pub fn transfer_to_registry_msg(
    client: &Address,
    bytes: u64,
    requests: &AllocationRequests,
) -> anyhow::Result<Msg> {
    let params = TransferParams {
        to: VERIFIED_REGISTRY_ACTOR_ADDR,
        amount: datacap_tokens(bytes),
        operator_data: RawBytes::serialize(requests)?,
    };
    Msg::new(
        *client,
        DATACAP_TOKEN_ACTOR_ADDR,
        DatacapMethod::TransferExported as MethodNum,
    )
    .params(&params)
}

/// `bytes` of datacap as a token amount: one whole token per byte.
pub fn datacap_tokens(bytes: u64) -> TokenAmount {
    TokenAmount::from_whole(bytes)
}

/// The verified registry's state.
pub fn registry(vm: &dyn VM) -> anyhow::Result<RegistryState> {
    actor_state(vm, VERIFIED_REGISTRY_ACTOR_ID)
}

/// The datacap token's state.
pub fn datacap(vm: &dyn VM) -> anyhow::Result<DatacapState> {
    actor_state(vm, DATACAP_TOKEN_ACTOR_ID)
}

/// The datacap `holder` holds, as a token amount.
pub fn datacap_balance(vm: &dyn VM, holder: ActorID) -> anyhow::Result<TokenAmount> {
    Ok(datacap(vm)?.balance(&StoreRef(vm.store()), holder)?)
}

/// The datacap in existence, as a token amount.
pub fn datacap_supply(vm: &dyn VM) -> anyhow::Result<TokenAmount> {
    Ok(datacap(vm)?.token.supply)
}

/// The allowance the registry lists for `verifier` (`None` if it is no verifier).
pub fn verifier_allowance(vm: &dyn VM, verifier: ActorID) -> anyhow::Result<Option<StoragePower>> {
    Ok(registry(vm)?.get_verifier_cap(&StoreRef(vm.store()), &Address::new_id(verifier))?)
}

/// The ID `address` resolves to.
pub fn id_of(vm: &dyn VM, address: &Address) -> anyhow::Result<ActorID> {
    vm.resolve(address)?
        .ok_or_else(|| anyhow!("{address} resolves to no actor"))
}
