//! The EVM actor's handlers: construction and resurrection (running init code), invocation
//! (directly, by DELEGATECALL, or as `handle_filecoin_method` for any other FRC-42 method),
//! and the getters.

use cid::Cid;
use fil_actors_runtime::runtime::Runtime;
use fil_actors_runtime::{
    actor_error, ActorContext, ActorError, EAM_ACTOR_ADDR, INIT_ACTOR_ADDR, SYSTEM_ACTOR_ADDR,
};
use fvm_ipld_encoding::ipld_block::IpldBlock;
use fvm_ipld_encoding::{BytesSer, CBOR};
use fvm_shared::econ::TokenAmount;
use fvm_shared::error::ExitCode;
use fvm_shared::MethodNum;

use crate::abi::{handle_filecoin_method_call, Reader};
use crate::execution::{execute, Frame, Outcome};
use crate::exit_codes::EVM_CONTRACT_REVERTED;
use crate::system::{is_dead, System};
use crate::types::*;
use crate::EvmContractActor;

impl EvmContractActor {
    /// Deploys a contract: only the init actor (asked by the EAM) may, at an address the EAM
    /// assigned. The init code's return becomes the runtime bytecode.
    pub fn constructor(rt: &impl Runtime, params: ConstructorParams) -> Result<(), ActorError> {
        rt.validate_immediate_caller_is(std::iter::once(&INIT_ACTOR_ADDR))?;
        let mut system = System::create(rt)?;
        initialize(&mut system, params.creator, &params.initcode)
    }

    /// Deploys a contract again over a dead one (CREATE/CREATE2 at its address, through the
    /// EAM).
    pub fn resurrect(rt: &impl Runtime, params: ResurrectParams) -> Result<(), ActorError> {
        rt.validate_immediate_caller_is(std::iter::once(&EAM_ACTOR_ADDR))?;
        let mut system = System::resurrect(rt)?;
        initialize(&mut system, params.creator, &params.initcode)
    }

    /// Runs the contract with `input` as call data, for any caller.
    pub fn invoke_contract(rt: &impl Runtime, input: Vec<u8>) -> Result<Vec<u8>, ActorError> {
        rt.validate_immediate_caller_accept_any()?;
        let mut system = System::load(rt)?;
        let Some(code) = system.bytecode() else {
            // A dead contract has no code.
            return Ok(Vec::new());
        };
        let caller = system
            .resolve_eth_address(&rt.message().caller())
            .context("failed to resolve the caller's Ethereum address")?;
        let value = rt.message().value_received();
        run(&mut system, &code, caller, value, input)
    }

    /// Runs another contract's code on this contract's storage (DELEGATECALL); only this
    /// contract may ask.
    pub fn invoke_contract_delegate(
        rt: &impl Runtime,
        params: DelegateCallParams,
    ) -> Result<Vec<u8>, ActorError> {
        let receiver = rt.message().receiver();
        rt.validate_immediate_caller_is(std::iter::once(&receiver))?;
        let mut system = System::load(rt)?;
        run(
            &mut system,
            &params.code,
            params.caller,
            params.value,
            params.input,
        )
    }

    /// Any FRC-42 method number the actor does not define: the contract's
    /// `handle_filecoin_method(uint64 method, uint64 codec, bytes params)` answers with
    /// `(uint32 exit_code, uint64 codec, bytes return_data)`.
    pub fn handle_filecoin_method(
        rt: &impl Runtime,
        method: MethodNum,
        args: Option<IpldBlock>,
    ) -> Result<Option<IpldBlock>, ActorError> {
        let (codec, data) = args.map_or((0, Vec::new()), |b| (b.codec, b.data));
        let input = handle_filecoin_method_call(method, codec, &data);
        let output = Self::invoke_contract(rt, input)?;
        filecoin_method_return(&output)
    }

    /// The bytecode CID, or `None` for a dead contract. Any caller (EXTCODE* of other
    /// contracts).
    pub fn bytecode(rt: &impl Runtime) -> Result<Option<Cid>, ActorError> {
        rt.validate_immediate_caller_accept_any()?;
        let state: crate::State = rt.state()?;
        Ok(if is_dead(rt, &state)? {
            None
        } else {
            Some(state.bytecode)
        })
    }

    /// Keccak-256 of the bytecode; of nothing for a dead contract. Any caller (EXTCODEHASH).
    pub fn bytecode_hash(rt: &impl Runtime) -> Result<BytecodeHash, ActorError> {
        rt.validate_immediate_caller_accept_any()?;
        let state: crate::State = rt.state()?;
        Ok(if is_dead(rt, &state)? {
            BytecodeHash::EMPTY
        } else {
            state.bytecode_hash
        })
    }

    /// A storage slot (zero for a dead contract), for `eth_getStorageAt`: only the system
    /// actor may ask, so no contract reads another's storage on chain.
    pub fn storage_at(rt: &impl Runtime, params: GetStorageAtParams) -> Result<Word, ActorError> {
        rt.validate_immediate_caller_is(std::iter::once(&SYSTEM_ACTOR_ADDR))?;
        System::load(rt)?
            .get_storage(&params.storage_key)
            .map_err(|e| ActorError::unchecked(ExitCode::USR_ASSERTION_FAILED, e.msg().to_string()))
            .context("failed to get storage key")
    }
}

/// Runs init code and keeps what it returns as the contract's bytecode.
fn initialize<RT: Runtime>(
    system: &mut System<'_, RT>,
    creator: EthAddress,
    initcode: &[u8],
) -> Result<(), ActorError> {
    let receiver = system.rt.message().receiver();
    let eth_address = system
        .resolve_eth_address(&receiver)
        .map_err(|e| actor_error!(assertion_failed; "failed to resolve the contract's Ethereum address: {}", e.msg()))?;
    // Only the EAM assigns f4 addresses: a contract without one was not deployed by it.
    if eth_address.as_id().is_some() {
        return Err(actor_error!(forbidden; "contract {} doesn't have an eth address", receiver));
    }
    if initcode.is_empty() {
        return system.flush();
    }
    let frame = Frame {
        caller: creator,
        receiver: eth_address,
        value: system.rt.message().value_received(),
        input: Vec::new(),
    };
    match execute(system, initcode, &frame)? {
        Outcome::Return(code) => {
            system.set_bytecode(&code)?;
            system.flush()
        }
        Outcome::Revert(data) => Err(reverted("constructor reverted", &data)),
    }
}

/// Runs a contract's code as a call.
fn run<RT: Runtime>(
    system: &mut System<'_, RT>,
    code: &Cid,
    caller: EthAddress,
    value: TokenAmount,
    input: Vec<u8>,
) -> Result<Vec<u8>, ActorError> {
    let bytecode = system.load_bytecode(code)?;
    if bytecode.is_empty() {
        return Ok(Vec::new());
    }
    let receiver = system.rt.message().receiver();
    let frame = Frame {
        caller,
        receiver: system.resolve_eth_address(&receiver)?,
        value,
        input,
    };
    match execute(system, &bytecode, &frame)? {
        Outcome::Return(data) => {
            system.flush()?;
            Ok(data)
        }
        Outcome::Revert(data) => Err(reverted("contract reverted", &data)),
    }
}

/// `EVM_CONTRACT_REVERTED` with the revert data as a CBOR byte string.
fn reverted(what: &str, data: &[u8]) -> ActorError {
    ActorError::unchecked_with_data(
        EVM_CONTRACT_REVERTED,
        what.to_string(),
        IpldBlock::serialize_cbor(&BytesSer(data)).unwrap_or_default(),
    )
}

/// Decodes `handle_filecoin_method`'s answer into the method's return (or exit code).
fn filecoin_method_return(output: &[u8]) -> Result<Option<IpldBlock>, ActorError> {
    if output.is_empty() {
        return Ok(None);
    }
    let mut r = Reader::new(output);
    let exit_code = r
        .u32()
        .map_err(|_| ActorError::serialization("exit code not a u32".to_string()))?;
    let codec = r
        .u64()
        .map_err(|_| ActorError::serialization("returned codec not a u64".to_string()))?;
    let offset = r
        .u32()
        .map_err(|_| ActorError::serialization("invalid return value offset".to_string()))?;
    r.seek(offset as usize);
    let length = r
        .u32()
        .map_err(|_| ActorError::serialization("return length is too large".to_string()))?;
    let data = r.read_padded(length as usize);
    let block = match codec {
        0 if length == 0 => None,
        0 => {
            return Err(actor_error!(serialization;
                "codec 0 is only valid for empty returns, got a return value of length {}", length))
        }
        CBOR => Some(IpldBlock { codec, data }),
        _ => return Err(actor_error!(serialization; "unsupported codec: {}", codec)),
    };
    if exit_code == 0 {
        Ok(block)
    } else {
        Err(ActorError::unchecked_with_data(
            ExitCode::new(exit_code),
            "EVM contract explicitly exited with a non-zero exit code".to_string(),
            block,
        ))
    }
}
