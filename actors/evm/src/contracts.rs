//! What a contract can learn about another address (BALANCE, EXTCODESIZE, EXTCODEHASH,
//! EXTCODECOPY), by v18's rules: an EVM contract shows its bytecode; a native actor shows the
//! single byte 0xFE; accounts, placeholders, precompiles and unknown addresses show no code.

use cid::Cid;
use fil_actors_runtime::runtime::Runtime;
use fil_actors_runtime::{deserialize_block, ActorError, Type};
use fvm_shared::address::Address;
use fvm_shared::econ::TokenAmount;
use fvm_shared::sys::SendFlags;
use fvm_shared::ActorID;

use crate::precompiles;
use crate::system::System;
use crate::types::{BytecodeHash, EthAddress, Word};
use crate::Method;

/// What lives at an Ethereum address.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ContractType {
    Precompile,
    /// An EVM contract, by actor ID.
    Evm(ActorID),
    /// Any other built-in actor.
    Native,
    /// An account, an Ethereum account or a placeholder.
    Account,
    NotFound,
}

pub fn contract_type(rt: &impl Runtime, address: &EthAddress) -> ContractType {
    if precompiles::is_precompile(address) {
        return ContractType::Precompile;
    }
    let Some(id) = rt.resolve_address(&address.to_fil_address()) else {
        return ContractType::NotFound;
    };
    let Some(code) = rt.get_actor_code_cid(&id) else {
        return ContractType::NotFound;
    };
    match rt.resolve_builtin_actor_type(&code) {
        Some(Type::Account | Type::Placeholder | Type::EthAccount) => ContractType::Account,
        Some(Type::EVM) => ContractType::Evm(id),
        _ => ContractType::Native,
    }
}

/// The bytecode CID of an EVM contract, asked of the contract itself (`None` once it is dead).
pub fn bytecode_cid<RT: Runtime>(
    system: &mut System<'_, RT>,
    id: ActorID,
) -> Result<Option<Cid>, ActorError> {
    let response = system
        .send(
            &Address::new_id(id),
            Method::GetBytecode as u64,
            None,
            TokenAmount::from_atto(0),
            None,
            SendFlags::READ_ONLY,
        )?
        .map_err(|e| ActorError::from(e).wrap(format!("failed to get the bytecode of f0{}", id)))?;
    if !response.exit_code.is_success() {
        return Err(ActorError::unchecked(
            response.exit_code,
            format!("failed to get the bytecode of f0{}", id),
        ));
    }
    deserialize_block(response.return_data)
}

/// The code an address shows to EXTCODECOPY.
pub fn code<RT: Runtime>(
    system: &mut System<'_, RT>,
    address: &EthAddress,
) -> Result<Vec<u8>, ActorError> {
    match contract_type(system.rt, address) {
        ContractType::Evm(id) => match bytecode_cid(system, id)? {
            Some(cid) => system.load_bytecode(&cid),
            None => Ok(Vec::new()),
        },
        ContractType::Native => Ok(vec![0xfe]),
        ContractType::Precompile | ContractType::Account | ContractType::NotFound => Ok(Vec::new()),
    }
}

/// EXTCODESIZE.
pub fn code_size<RT: Runtime>(
    system: &mut System<'_, RT>,
    address: &EthAddress,
) -> Result<usize, ActorError> {
    code(system, address).map(|c| c.len())
}

/// EXTCODEHASH: an EVM contract's bytecode hash (asked of it); the hash of `[0xfe]` for a
/// native actor; the hash of nothing for accounts and precompiles (they exist); zero where
/// nothing exists.
pub fn code_hash<RT: Runtime>(
    system: &mut System<'_, RT>,
    address: &EthAddress,
) -> Result<Word, ActorError> {
    let hash = match contract_type(system.rt, address) {
        ContractType::Evm(id) => {
            let response = system
                .send(
                    &Address::new_id(id),
                    Method::GetBytecodeHash as u64,
                    None,
                    TokenAmount::from_atto(0),
                    None,
                    SendFlags::READ_ONLY,
                )?
                .map_err(|e| {
                    ActorError::from(e).wrap(format!("failed to get the bytecode hash of f0{}", id))
                })?;
            if !response.exit_code.is_success() {
                return Err(ActorError::unchecked(
                    response.exit_code,
                    format!("failed to get the bytecode hash of f0{}", id),
                ));
            }
            deserialize_block::<BytecodeHash>(response.return_data)?
        }
        ContractType::Native => BytecodeHash::NATIVE_ACTOR,
        ContractType::Precompile | ContractType::Account => BytecodeHash::EMPTY,
        ContractType::NotFound => return Ok(Word::ZERO),
    };
    Ok(Word(hash.0))
}

/// BALANCE: the balance of the actor at the address, zero if there is none.
pub fn balance<RT: Runtime>(system: &System<'_, RT>, address: &EthAddress) -> TokenAmount {
    system
        .rt
        .resolve_address(&address.to_fil_address())
        .and_then(|id| system.rt.actor_balance(id))
        .unwrap_or_else(|| TokenAmount::from_atto(0))
}
