//! The create methods: who may create, which Ethereum address the caller has, which address
//! the new contract gets, and the deployment of the EVM actor there (through the init actor's
//! `Exec4`, or by resurrecting a dead contract already at that address).

use fil_actors_runtime::runtime::Runtime;
use fil_actors_runtime::{
    actor_error, deserialize_block, extract_send_result, ActorError, Type, EAM_ACTOR_ID,
    INIT_ACTOR_ADDR,
};
use fvm_ipld_encoding::ipld_block::IpldBlock;
use fvm_ipld_encoding::RawBytes;
use fvm_shared::address::{Address, Payload};
use fvm_shared::econ::TokenAmount;
use fvm_shared::sys::SendFlags;
use fvm_shared::ActorID;

use crate::address::{compute_address_create, compute_address_create2, hash_20};
use crate::ext::account::PUBKEY_ADDRESS_METHOD;
use crate::ext::{evm, init};
use crate::types::*;
use crate::EamActor;

impl EamActor {
    /// CREATE on behalf of an EVM contract: the address follows from the contract's own
    /// Ethereum address and the nonce it passes.
    pub fn create(rt: &impl Runtime, params: CreateParams) -> Result<CreateReturn, ActorError> {
        rt.validate_immediate_caller_type(std::iter::once(&Type::EVM))?;
        let caller_id = caller_id(rt)?;
        let creator = resolve_eth_address(rt, caller_id)?;
        let new_address = compute_address_create(rt, &creator, params.nonce)?;
        create_actor(rt, creator, new_address, params.initcode)
    }

    /// CREATE2 on behalf of an EVM contract (EIP-1014): the address follows from the contract's
    /// Ethereum address, the salt and the init code.
    pub fn create2(rt: &impl Runtime, params: Create2Params) -> Result<Create2Return, ActorError> {
        rt.validate_immediate_caller_type(std::iter::once(&Type::EVM))?;
        let caller_id = caller_id(rt)?;
        let creator = resolve_eth_address(rt, caller_id)?;
        let new_address = compute_address_create2(rt, &creator, &params.salt, &params.initcode)?;
        create_actor(rt, creator, new_address, params.initcode)
    }

    /// A deployment sent from off chain (an Ethereum contract-creation transaction). The caller
    /// must be the top-level sender, and an Ethereum account or an account:
    ///
    /// - an Ethereum account creates at CREATE(its Ethereum address, the message nonce);
    /// - an account creates at CREATE(keccak-256 of its key address bytes, last 20 bytes; the
    ///   message nonce), with its ID in Ethereum form as the creator.
    pub fn create_external(
        rt: &impl Runtime,
        params: CreateExternalParams,
    ) -> Result<CreateExternalReturn, ActorError> {
        let origin = rt.message().origin();
        rt.validate_immediate_caller_is(std::iter::once(&origin))?;
        let (creator, stable_address) = resolve_caller_external(rt)?;
        let new_address = compute_address_create(rt, &stable_address, rt.message().nonce())?;
        create_actor(rt, creator, new_address, params.0)
    }
}

fn caller_id(rt: &impl Runtime) -> Result<ActorID, ActorError> {
    let caller = rt.message().caller();
    caller
        .id()
        .map_err(|_| actor_error!(assertion_failed; "caller {} is not an ID address", caller))
}

/// The Ethereum address of an actor: the subaddress of its f4 address in the EAM's namespace.
fn resolve_eth_address(rt: &impl Runtime, actor_id: ActorID) -> Result<EthAddress, ActorError> {
    match rt.lookup_delegated_address(actor_id).map(|a| *a.payload()) {
        Some(Payload::Delegated(d)) if d.namespace() == EAM_ACTOR_ID => {
            let bytes = <[u8; 20]>::try_from(d.subaddress()).map_err(|_| {
                actor_error!(forbidden;
                    "caller's eth address isn't valid: f0{} has a {}-byte subaddress",
                    actor_id, d.subaddress().len())
            })?;
            Ok(EthAddress(bytes))
        }
        _ => Err(actor_error!(forbidden; "caller f0{} doesn't have an eth address", actor_id)),
    }
}

/// The creator address and the address the new contract's address derives from, for an
/// off-chain deployment.
fn resolve_caller_external(rt: &impl Runtime) -> Result<(EthAddress, EthAddress), ActorError> {
    let caller = rt.message().caller();
    let caller_id = caller_id(rt)?;
    let code = rt
        .get_actor_code_cid(&caller_id)
        .ok_or_else(|| actor_error!(assertion_failed; "no code found for caller {}", caller))?;
    match rt.resolve_builtin_actor_type(&code) {
        Some(Type::Account) => {
            let response = rt
                .send(
                    &caller,
                    PUBKEY_ADDRESS_METHOD,
                    None,
                    TokenAmount::from_atto(0),
                    None,
                    SendFlags::READ_ONLY,
                )
                .map_err(|e| {
                    actor_error!(assertion_failed;
                        "account {} failed to return its key address: {}", caller, e)
                })?;
            if !response.exit_code.is_success() {
                return Err(ActorError::unchecked(
                    response.exit_code,
                    format!("failed to retrieve the key address of account {}", caller),
                ));
            }
            let key_address: Address = deserialize_block(response.return_data)?;
            let stable = EthAddress(hash_20(rt, &key_address.to_bytes())?);
            Ok((EthAddress::from_id(caller_id), stable))
        }
        Some(Type::EthAccount) => {
            let address = resolve_eth_address(rt, caller_id)?;
            Ok((address, address))
        }
        Some(t) => Err(actor_error!(forbidden; "disallowed caller type {}", t.name())),
        None => Err(actor_error!(forbidden; "disallowed caller code {}", code)),
    }
}

/// Deploys an EVM contract at `new_address` with the value received. Reserved addresses are
/// refused with `USR_FORBIDDEN`, as in v18 (reaching one takes a 96-bit preimage search, but
/// the EAM makes sure). A dead EVM contract already at the address is resurrected; otherwise
/// the init actor deploys a new EVM actor there (`Exec4`), over a placeholder if funds were sent
/// to the address first. A failed deployment aborts with the callee's exit code.
pub(crate) fn create_actor(
    rt: &impl Runtime,
    creator: EthAddress,
    new_address: EthAddress,
    initcode: Vec<u8>,
) -> Result<Return, ActorError> {
    if new_address.is_reserved() {
        return Err(actor_error!(forbidden;
            "cannot create address with a reserved prefix: {}", new_address));
    }
    let constructor_params = RawBytes::serialize(evm::ConstructorParams {
        creator,
        initcode: RawBytes::new(initcode),
    })
    .map_err(|e| actor_error!(serialization; "failed to encode constructor parameters: {}", e))?;
    let value = rt.message().value_received();
    let f4 = Address::new_delegated(EAM_ACTOR_ID, &new_address.0)
        .map_err(|e| actor_error!(assertion_failed; "bad f4 address for {}: {}", new_address, e))?;

    let existing_evm = rt.resolve_address(&f4).filter(|id| {
        rt.get_actor_code_cid(id)
            .and_then(|code| rt.resolve_builtin_actor_type(&code))
            == Some(Type::EVM)
    });
    if let Some(id) = existing_evm {
        let params = Some(IpldBlock {
            codec: fvm_ipld_encoding::CBOR,
            data: constructor_params.to_vec(),
        });
        extract_send_result(rt.send_simple(
            &Address::new_id(id),
            evm::RESURRECT_METHOD,
            params,
            value,
        ))?;
        return Ok(Return {
            actor_id: id,
            robust_address: None,
            eth_address: new_address,
        });
    }

    let exec4 = init::Exec4Params {
        code_cid: rt.get_code_cid_for_type(Type::EVM),
        constructor_params,
        subaddress: RawBytes::new(new_address.0.to_vec()),
    };
    let params = IpldBlock::serialize_cbor(&exec4)
        .map_err(|e| actor_error!(serialization; "failed to encode Exec4 parameters: {}", e))?;
    let ret: init::Exec4Return = deserialize_block(extract_send_result(rt.send_simple(
        &INIT_ACTOR_ADDR,
        init::EXEC4_METHOD,
        params,
        value,
    ))?)?;
    let actor_id = ret.id_address.id().map_err(
        |_| actor_error!(assertion_failed; "init returned a non-ID address {}", ret.id_address),
    )?;
    Ok(Return {
        actor_id,
        robust_address: Some(ret.robust_address),
        eth_address: new_address,
    })
}

#[cfg(test)]
mod tests {
    use fil_actors_runtime::test_utils::MockRuntime;
    use fvm_shared::error::ExitCode;

    use super::*;

    fn reserved() -> Vec<EthAddress> {
        let mut evm_precompile = [0u8; 20];
        evm_precompile[19] = 0x01;
        let mut native_precompile = evm_precompile;
        native_precompile[0] = 0xfe;
        vec![
            EthAddress([0u8; 20]),
            EthAddress(evm_precompile),
            EthAddress(native_precompile),
            EthAddress::from_id(100),
            EthAddress::from_id(u64::MAX),
        ]
    }

    #[test]
    fn create_actor_refuses_reserved_addresses() {
        let rt = MockRuntime::new(fil_actors_runtime::EAM_ACTOR_ADDR);
        for address in reserved() {
            let err = create_actor(&rt, EthAddress::from_id(1), address, vec![]).unwrap_err();
            assert_eq!(err.exit_code(), ExitCode::USR_FORBIDDEN, "{}", address);
            assert_eq!(
                err.msg(),
                format!("cannot create address with a reserved prefix: {}", address)
            );
        }
    }
}
