//! A verifier and its verified clients, set up as on a network: the verified registry's root key
//! (a multisig, `test_vm::root_key`) adds the verifier, and the verifier adds clients with
//! datacap.

use anyhow::{anyhow, ensure, Context};
use fil_actor_verifreg::{Method as VerifregMethod, State as VerifregState, VerifierParams};
use fil_actors_runtime::builtin::{VERIFIED_REGISTRY_ACTOR_ADDR, VERIFIED_REGISTRY_ACTOR_ID};
use fvm_ipld_encoding::RawBytes;
use fvm_shared::address::Address;
use fvm_shared::sector::StoragePower;
use fvm_shared::MethodNum;
use test_vm::root_key::{root_signer_address, RootKey, ROOT_KEY_SIGNERS};
use test_vm::{actor_state, Msg, VM};

/// The root key the verified registry records, with its signers as genesis made them.
fn root_key(vm: &dyn VM) -> anyhow::Result<RootKey> {
    let st: VerifregState = actor_state(vm, VERIFIED_REGISTRY_ACTOR_ID)?;
    let mut signers = Vec::with_capacity(ROOT_KEY_SIGNERS);
    for k in 0..ROOT_KEY_SIGNERS {
        let key = root_signer_address(k);
        let id = vm
            .resolve(&key)?
            .with_context(|| format!("root key signer {key} has no actor"))?;
        signers.push((key, id));
    }
    Ok(RootKey {
        address: st.root_key,
        robust_address: st.root_key,
        signers: signers
            .try_into()
            .map_err(|_| anyhow!("the root key has {ROOT_KEY_SIGNERS} signers"))?,
    })
}

/// The root key makes `verifier` a verifier with `allowance` of datacap to give.
pub fn add_verifier(
    vm: &mut dyn VM,
    verifier: &Address,
    allowance: &StoragePower,
) -> anyhow::Result<()> {
    let params = RawBytes::serialize(VerifierParams {
        address: *verifier,
        allowance: allowance.clone(),
    })?;
    let (code, _) = root_key(vm)?.act(
        vm,
        VERIFIED_REGISTRY_ACTOR_ADDR,
        VerifregMethod::AddVerifier as MethodNum,
        params,
    )?;
    ensure!(code.is_success(), "AddVerifier failed with {code}");
    Ok(())
}

/// `verifier` gives `client` `allowance` of datacap.
pub fn add_verified_client(
    vm: &mut dyn VM,
    verifier: &Address,
    client: &Address,
    allowance: &StoragePower,
) -> anyhow::Result<()> {
    let msg = Msg::new(
        *verifier,
        VERIFIED_REGISTRY_ACTOR_ADDR,
        VerifregMethod::AddVerifiedClient as MethodNum,
    )
    .params(&VerifierParams {
        address: *client,
        allowance: allowance.clone(),
    })?;
    let r = vm.apply(&msg)?;
    ensure!(
        r.code.is_success(),
        "AddVerifiedClient failed with {}: {:?}",
        r.code,
        r.failure
    );
    Ok(())
}
