//! Contracts on the engines: Ethereum accounts, deployment through the EAM's `CreateExternal`,
//! calls of `InvokeContract` with call data ABI-encoded by `alloy-sol-types` (from the
//! declarations in `crate::contracts`), revert data and logs as the EVM actor writes them, and
//! the compiled bytecode of `contracts/` (solc-js, pinned in `contracts/package.json`).

use alloy_sol_types::{SolCall, SolError, SolEvent};
use anyhow::{anyhow, Context};
use fil_actor_eam::{CreateExternalParams, CreateExternalReturn, Method as EamMethod};
use fil_actor_evm::{Method as EvmMethod, EVM_CONTRACT_REVERTED};
use fil_actors_runtime::{EAM_ACTOR_ADDR, EAM_ACTOR_ID};
use fvm_ipld_encoding::{BytesDe, BytesSer, IPLD_RAW};
use fvm_shared::address::Address;
use fvm_shared::econ::TokenAmount;
use fvm_shared::error::ExitCode;
use fvm_shared::event::{Entry, Flags};
use fvm_shared::{ActorID, METHOD_SEND};
use multihash_codetable::{Code, MultihashDigest};
use test_vm::{MessageResult, Msg, VM};

use crate::miner::apply_ok;

/// The init code of contract `name` as committed in `contracts/<name>.hex`.
pub fn initcode(name: &str) -> anyhow::Result<Vec<u8>> {
    let path = format!("{}/../contracts/{name}.hex", env!("CARGO_MANIFEST_DIR"));
    let text = std::fs::read_to_string(&path).with_context(|| format!("reading {path}"))?;
    hex::decode(text.trim()).with_context(|| format!("decoding {path}"))
}

/// Keccak-256.
pub fn keccak(data: &[u8]) -> [u8; 32] {
    let mut out = [0u8; 32];
    out.copy_from_slice(Code::Keccak256.digest(data).digest());
    out
}

/// `n` as the 32 big-endian bytes of an EVM word.
pub fn word(n: u64) -> Vec<u8> {
    let mut w = vec![0u8; 32];
    w[24..].copy_from_slice(&n.to_be_bytes());
    w
}

/// The address of precompile `index` in the range `prefix` opens (0x00 Ethereum's, 0xfe
/// Filecoin's); P-256 verification is `(0x00, 0x100)`.
pub fn precompile(prefix: u8, index: u16) -> [u8; 20] {
    let mut a = [0u8; 20];
    a[0] = prefix;
    a[18..].copy_from_slice(&index.to_be_bytes());
    a
}

/// The f4 address of an Ethereum address (the EAM's namespace).
pub fn f4(eth: &[u8; 20]) -> Address {
    Address::new_delegated(EAM_ACTOR_ID, eth).expect("a 20-byte subaddress is valid")
}

/// The Ethereum form of an actor ID: `0xff`, eleven zero bytes, the ID.
pub fn masked_id(id: ActorID) -> [u8; 20] {
    let mut out = [0u8; 20];
    out[0] = 0xff;
    out[12..].copy_from_slice(&id.to_be_bytes());
    out
}

/// An Ethereum account on the chain.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct EthAccount {
    pub eth: [u8; 20],
    pub address: Address,
    pub id: ActorID,
}

/// Funds Ethereum address `eth` from `funder` with `value`: the first send to an f4 address
/// makes a placeholder there, which becomes an Ethereum account with its first message.
pub fn fund_eth_account(
    vm: &mut dyn VM,
    funder: Address,
    eth: [u8; 20],
    value: TokenAmount,
) -> anyhow::Result<EthAccount> {
    let address = f4(&eth);
    apply_ok(vm, &Msg::new(funder, address, METHOD_SEND).value(value))?;
    let id = vm
        .resolve(&address)?
        .ok_or_else(|| anyhow!("no actor at {address} after funding it"))?;
    Ok(EthAccount { eth, address, id })
}

/// A deployed contract.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Contract {
    pub id: ActorID,
    pub eth: [u8; 20],
    pub robust: Option<Address>,
}

impl Contract {
    pub fn address(&self) -> Address {
        Address::new_id(self.id)
    }
}

impl From<CreateExternalReturn> for Contract {
    fn from(ret: CreateExternalReturn) -> Self {
        Contract {
            id: ret.actor_id,
            eth: ret.eth_address.0,
            robust: ret.robust_address,
        }
    }
}

/// The message deploying `initcode` from `from` through `EAM.CreateExternal`.
pub fn create_external_message(
    from: Address,
    initcode: &[u8],
    value: TokenAmount,
) -> anyhow::Result<Msg> {
    Ok(
        Msg::new(from, EAM_ACTOR_ADDR, EamMethod::CreateExternal as u64)
            .params(&CreateExternalParams(initcode.to_vec()))?
            .value(value),
    )
}

/// Deploys `initcode` from `from`; fails unless the deployment succeeds.
pub fn deploy(
    vm: &mut dyn VM,
    from: Address,
    initcode: &[u8],
    value: TokenAmount,
) -> anyhow::Result<Contract> {
    let ret = apply_ok(vm, &create_external_message(from, initcode, value)?)?;
    Ok(ret.ret_as::<CreateExternalReturn>()?.into())
}

/// The message calling `contract` with `calldata` (`InvokeContract`).
pub fn invoke_message(
    from: Address,
    contract: Address,
    calldata: &[u8],
    value: TokenAmount,
) -> anyhow::Result<Msg> {
    Ok(Msg::new(from, contract, EvmMethod::InvokeContract as u64)
        .params(&BytesSer(calldata))?
        .value(value))
}

/// Calls `contract`; the message's result, whatever its exit code.
pub fn invoke(
    vm: &mut dyn VM,
    from: Address,
    contract: Address,
    calldata: &[u8],
    value: TokenAmount,
) -> anyhow::Result<MessageResult> {
    vm.apply(&invoke_message(from, contract, calldata, value)?)
}

/// Calls `contract`; fails unless the call succeeds. Returns the contract's return data.
pub fn invoke_ok(
    vm: &mut dyn VM,
    from: Address,
    contract: Address,
    calldata: &[u8],
) -> anyhow::Result<Vec<u8>> {
    let ret = apply_ok(
        vm,
        &invoke_message(from, contract, calldata, TokenAmount::from_atto(0))?,
    )?;
    return_data(&ret)
}

/// The return data (or revert data) of a call of `InvokeContract`: CBOR bytes, none when empty.
pub fn return_data(ret: &MessageResult) -> anyhow::Result<Vec<u8>> {
    match &ret.ret {
        None => Ok(Vec::new()),
        Some(block) => Ok(block.deserialize::<BytesDe>()?.0),
    }
}

/// A contract call that failed: its exit code and its revert data.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Reverted {
    pub code: ExitCode,
    pub data: Vec<u8>,
}

impl Reverted {
    /// A revert with Solidity error `error`: the EVM actor's exit code for a revert (33) and the
    /// error's ABI encoding.
    pub fn with<E: SolError>(error: E) -> Self {
        Reverted {
            code: EVM_CONTRACT_REVERTED,
            data: error.abi_encode(),
        }
    }
}

/// `from` sends Solidity call `call` to `contract` with `value`: the decoded return, or the
/// exit code and revert data of a failure; and the message's result.
pub fn sol_call<C: SolCall>(
    vm: &mut dyn VM,
    from: Address,
    contract: Address,
    call: &C,
    value: TokenAmount,
) -> anyhow::Result<(Result<C::Return, Reverted>, MessageResult)> {
    let r = invoke(vm, from, contract, &call.abi_encode(), value)?;
    let data = return_data(&r)?;
    let out = if r.code.is_success() {
        Ok(C::abi_decode_returns_validate(&data)
            .with_context(|| format!("decoding the return of {}", C::SIGNATURE))?)
    } else {
        Err(Reverted { code: r.code, data })
    };
    Ok((out, r))
}

/// [`sol_call`] that must succeed: the decoded return.
pub fn sol_call_ok<C: SolCall>(
    vm: &mut dyn VM,
    from: Address,
    contract: Address,
    call: &C,
) -> anyhow::Result<C::Return> {
    sol_call(vm, from, contract, call, TokenAmount::from_atto(0))?
        .0
        .map_err(|r| {
            anyhow!(
                "{} failed with {}: {}",
                C::SIGNATURE,
                r.code,
                hex::encode(&r.data)
            )
        })
}

/// The FIP-0049 event entries the EVM actor writes for Solidity event `event`: one per topic,
/// `t1` to `t4`, then the data under `d` when there is any; raw bytes, indexed by key and value.
pub fn log_entries<E: SolEvent>(event: &E) -> Vec<Entry> {
    let log = event.encode_log_data();
    let entry = |key: String, value: Vec<u8>| Entry {
        flags: Flags::FLAG_INDEXED_ALL,
        key,
        codec: IPLD_RAW,
        value,
    };
    let mut entries: Vec<Entry> = log
        .topics()
        .iter()
        .zip(1..)
        .map(|(topic, i)| entry(format!("t{i}"), topic.to_vec()))
        .collect();
    if !log.data.is_empty() {
        entries.push(entry("d".into(), log.data.to_vec()));
    }
    entries
}
