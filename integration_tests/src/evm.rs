//! Contracts on the engines: Ethereum accounts, deployment through the EAM's `CreateExternal`,
//! calls of `InvokeContract` with ABI-encoded call data, and the compiled bytecode of
//! `contracts/` (solc-js, pinned in `contracts/package.json`).

use anyhow::{anyhow, Context};
use fil_actor_eam::{CreateExternalParams, CreateExternalReturn, Method as EamMethod};
use fil_actor_evm::Method as EvmMethod;
use fil_actors_runtime::{EAM_ACTOR_ADDR, EAM_ACTOR_ID};
use fvm_ipld_encoding::{BytesDe, BytesSer};
use fvm_shared::address::Address;
use fvm_shared::econ::TokenAmount;
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

/// Solidity's ABI, written by hand: selectors, static words and one dynamic `bytes` tail.
pub mod abi {
    use super::keccak;

    /// The first four bytes of the Keccak-256 of a function's signature.
    pub fn selector(signature: &str) -> [u8; 4] {
        let mut out = [0u8; 4];
        out.copy_from_slice(&keccak(signature.as_bytes())[..4]);
        out
    }

    /// An argument of a call.
    pub enum Arg<'a> {
        /// A static value (uint, int, bool, address, bytes32) as its word.
        Word([u8; 32]),
        /// `bytes`: an offset in the head, its length and padded contents in the tail.
        Bytes(&'a [u8]),
    }

    /// A `uint` (up to 64 bits) as a word.
    pub fn uint(n: u64) -> [u8; 32] {
        let mut w = [0u8; 32];
        w[24..].copy_from_slice(&n.to_be_bytes());
        w
    }

    /// An `int` (up to 64 bits) as a two's-complement word.
    pub fn int(n: i64) -> [u8; 32] {
        let mut w = if n < 0 { [0xff; 32] } else { [0u8; 32] };
        w[24..].copy_from_slice(&n.to_be_bytes());
        w
    }

    /// An address as a word.
    pub fn address(a: &[u8; 20]) -> [u8; 32] {
        let mut w = [0u8; 32];
        w[12..].copy_from_slice(a);
        w
    }

    /// A `bool` as a word.
    pub fn boolean(b: bool) -> [u8; 32] {
        uint(b as u64)
    }

    /// The call data of `signature` with `args`.
    pub fn call(signature: &str, args: &[Arg]) -> Vec<u8> {
        let mut out = selector(signature).to_vec();
        out.extend(encode(args));
        out
    }

    /// The ABI encoding of a tuple of `args`.
    pub fn encode(args: &[Arg]) -> Vec<u8> {
        let mut head = Vec::new();
        let mut tail = Vec::new();
        for arg in args {
            match arg {
                Arg::Word(w) => head.extend_from_slice(w),
                Arg::Bytes(b) => {
                    head.extend_from_slice(&uint((args.len() * 32 + tail.len()) as u64));
                    tail.extend_from_slice(&uint(b.len() as u64));
                    tail.extend_from_slice(b);
                    tail.resize(tail.len().next_multiple_of(32), 0);
                }
            }
        }
        head.extend(tail);
        head
    }

    /// Word `i` of return data.
    pub fn word(data: &[u8], i: usize) -> anyhow::Result<[u8; 32]> {
        data.get(i * 32..(i + 1) * 32)
            .map(|w| w.try_into().expect("32 bytes"))
            .ok_or_else(|| anyhow::anyhow!("return data of {} bytes has no word {i}", data.len()))
    }

    /// Word `i` read as a signed integer that fits 64 bits.
    pub fn int_at(data: &[u8], i: usize) -> anyhow::Result<i64> {
        let w = word(data, i)?;
        let fill = if w[24] & 0x80 != 0 { 0xff } else { 0 };
        if w[..24].iter().any(|b| *b != fill) {
            anyhow::bail!("word {i} does not fit 64 bits: {}", hex::encode(w));
        }
        Ok(i64::from_be_bytes(w[24..].try_into().expect("8 bytes")))
    }

    /// Word `i` read as an unsigned integer that fits 64 bits.
    pub fn uint_at(data: &[u8], i: usize) -> anyhow::Result<u64> {
        let w = word(data, i)?;
        if w[..24].iter().any(|b| *b != 0) {
            anyhow::bail!("word {i} does not fit 64 bits: {}", hex::encode(w));
        }
        Ok(u64::from_be_bytes(w[24..].try_into().expect("8 bytes")))
    }

    /// Word `i` read as a `bool`.
    pub fn bool_at(data: &[u8], i: usize) -> anyhow::Result<bool> {
        match uint_at(data, i)? {
            0 => Ok(false),
            1 => Ok(true),
            n => anyhow::bail!("word {i} is not a bool: {n}"),
        }
    }

    /// Word `i` read as an address.
    pub fn address_at(data: &[u8], i: usize) -> anyhow::Result<[u8; 20]> {
        let w = word(data, i)?;
        if w[..12].iter().any(|b| *b != 0) {
            anyhow::bail!("word {i} is not an address: {}", hex::encode(w));
        }
        Ok(w[12..].try_into().expect("20 bytes"))
    }

    /// The `bytes` whose offset is word `i`.
    pub fn bytes_at(data: &[u8], i: usize) -> anyhow::Result<Vec<u8>> {
        let offset = uint_at(data, i)? as usize;
        let len = word(&data[offset.min(data.len())..], 0)
            .map(|w| u64::from_be_bytes(w[24..].try_into().expect("8 bytes")) as usize)?;
        data.get(offset + 32..offset + 32 + len)
            .map(<[u8]>::to_vec)
            .ok_or_else(|| anyhow::anyhow!("bytes at word {i} run past the return data"))
    }
}
