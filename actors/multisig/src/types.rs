//! Parameters and returns of the multisig actor's methods, the pending transaction they act on,
//! and the data its proposal hash covers. Every type encodes as the v18 tuple of the same name.

use std::fmt;

use fvm_ipld_encoding::tuple::*;
use fvm_ipld_encoding::{strict_bytes, RawBytes};
use fvm_shared::address::Address;
use fvm_shared::clock::ChainEpoch;
use fvm_shared::econ::TokenAmount;
use fvm_shared::error::ExitCode;
use fvm_shared::MethodNum;
use serde::{Deserialize, Serialize};

use fil_actors_runtime::MapKey;

/// The most signers a multisig may have. A larger group is a tree of multisigs.
pub const SIGNERS_MAX: usize = 256;

/// A pending transaction's number, handed out in order from 0. Encoded as a bare integer; as a
/// HAMT key it is the zig-zag varint of the integer, as the network keys signed numbers.
#[derive(
    Debug, Clone, Copy, Default, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize,
)]
#[serde(transparent)]
pub struct TxnID(pub i64);

impl MapKey for TxnID {
    fn from_bytes(b: &[u8]) -> Result<Self, String> {
        i64::from_bytes(b).map(TxnID)
    }
    fn to_bytes(&self) -> Result<Vec<u8>, String> {
        self.0.to_bytes()
    }
}

impl fmt::Display for TxnID {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.0)
    }
}

/// A proposed message, waiting for approvals. `approved` lists the signers that approved it, the
/// proposer first.
#[derive(Debug, Clone, PartialEq, Eq, Serialize_tuple, Deserialize_tuple)]
pub struct Transaction {
    pub to: Address,
    pub value: TokenAmount,
    pub method: MethodNum,
    pub params: RawBytes,
    pub approved: Vec<Address>,
}

/// What a proposal hash is the BLAKE2b-256 digest of: the proposer (the first approver) and the
/// message. An approver or canceller who names the hash is sure to act on the proposal they
/// saw, even if a reorganisation gave its number to another.
#[derive(Debug, Serialize_tuple)]
pub struct ProposalHashData<'a> {
    pub requester: Option<&'a Address>,
    pub to: &'a Address,
    pub value: &'a TokenAmount,
    pub method: &'a MethodNum,
    pub params: &'a RawBytes,
}

/// `Constructor` parameters. An `unlock_duration` other than 0 locks the value sent with the
/// constructor, vesting linearly from `start_epoch`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize_tuple, Deserialize_tuple)]
pub struct ConstructorParams {
    pub signers: Vec<Address>,
    pub num_approvals_threshold: u64,
    pub unlock_duration: ChainEpoch,
    pub start_epoch: ChainEpoch,
}

/// `Propose` parameters: the message to send once approved.
#[derive(Debug, Clone, PartialEq, Eq, Serialize_tuple, Deserialize_tuple)]
pub struct ProposeParams {
    pub to: Address,
    pub value: TokenAmount,
    pub method: MethodNum,
    pub params: RawBytes,
}

/// `Propose` return. `code` and `ret` are the sent message's exit code and return, meaningful
/// only when `applied`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize_tuple, Deserialize_tuple)]
pub struct ProposeReturn {
    pub txn_id: TxnID,
    pub applied: bool,
    pub code: ExitCode,
    pub ret: RawBytes,
}

/// `Approve` and `Cancel` parameters. An empty `proposal_hash` skips the hash check.
#[derive(Debug, Clone, PartialEq, Eq, Serialize_tuple, Deserialize_tuple)]
pub struct TxnIDParams {
    pub id: TxnID,
    #[serde(with = "strict_bytes")]
    pub proposal_hash: Vec<u8>,
}

/// `Approve` return, as `ProposeReturn` without the number.
#[derive(Debug, Clone, PartialEq, Eq, Serialize_tuple, Deserialize_tuple)]
pub struct ApproveReturn {
    pub applied: bool,
    pub code: ExitCode,
    pub ret: RawBytes,
}

/// `AddSigner` parameters; `increase` also raises the threshold by one.
#[derive(Debug, Clone, PartialEq, Eq, Serialize_tuple, Deserialize_tuple)]
pub struct AddSignerParams {
    pub signer: Address,
    pub increase: bool,
}

/// `RemoveSigner` parameters; `decrease` also lowers the threshold by one.
#[derive(Debug, Clone, PartialEq, Eq, Serialize_tuple, Deserialize_tuple)]
pub struct RemoveSignerParams {
    pub signer: Address,
    pub decrease: bool,
}

/// `SwapSigner` parameters.
#[derive(Debug, Clone, PartialEq, Eq, Serialize_tuple, Deserialize_tuple)]
pub struct SwapSignerParams {
    pub from: Address,
    pub to: Address,
}

/// `ChangeNumApprovalsThreshold` parameters.
#[derive(Debug, Clone, PartialEq, Eq, Serialize_tuple, Deserialize_tuple)]
pub struct ChangeNumApprovalsThresholdParams {
    pub new_threshold: u64,
}

/// `LockBalance` parameters: lock `amount`, vesting linearly over `unlock_duration` epochs from
/// `start_epoch`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize_tuple, Deserialize_tuple)]
pub struct LockBalanceParams {
    pub start_epoch: ChainEpoch,
    pub unlock_duration: ChainEpoch,
    pub amount: TokenAmount,
}

/// The universal receiver hook's parameters (FRC-46): the kind of asset and its payload. The
/// multisig accepts any asset but requires this shape.
#[derive(Debug, Clone, PartialEq, Eq, Serialize_tuple, Deserialize_tuple)]
pub struct UniversalReceiverParams {
    pub type_: u32,
    pub payload: RawBytes,
}
