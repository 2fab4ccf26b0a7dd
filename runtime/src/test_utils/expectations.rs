//! What a unit test expects an actor to ask of the mock runtime. Each expectation is consumed by
//! the matching call; a call with no matching expectation panics, and `verify` panics on any
//! expectation left unconsumed, so both kinds of mismatch fail the test.

use std::collections::VecDeque;

use cid::Cid;
use fvm_ipld_encoding::ipld_block::IpldBlock;
use fvm_shared::address::Address;
use fvm_shared::clock::ChainEpoch;
use fvm_shared::consensus::ConsensusFault;
use fvm_shared::crypto::signature::Signature;
use fvm_shared::econ::TokenAmount;
use fvm_shared::error::{ErrorNumber, ExitCode};
use fvm_shared::event::ActorEvent;
use fvm_shared::piece::PieceInfo;
use fvm_shared::sector::{
    AggregateSealVerifyProofAndInfos, RegisteredSealProof, ReplicaUpdateInfo, SealVerifyInfo,
    WindowPoStVerifyInfo,
};
use fvm_shared::sys::SendFlags;
use fvm_shared::{ActorID, MethodNum};

use crate::builtin::Type;
use crate::runtime::DomainSeparationTag;

/// A send the actor is expected to make, and what it gets back.
#[derive(Clone, Debug)]
pub struct ExpectedSend {
    pub to: Address,
    pub method: MethodNum,
    pub params: Option<IpldBlock>,
    pub value: TokenAmount,
    pub gas_limit: Option<u64>,
    pub flags: SendFlags,
    /// What the receiver returns, when the send reaches it.
    pub return_data: Option<IpldBlock>,
    pub exit_code: ExitCode,
    /// When set, the send fails before reaching the receiver, with this error.
    pub send_error: Option<ErrorNumber>,
}

#[derive(Clone, Debug)]
pub struct ExpectedCreateActor {
    pub code_id: Cid,
    pub actor_id: ActorID,
    pub predictable_address: Option<Address>,
}

#[derive(Clone, Debug)]
pub struct ExpectedVerifySig {
    pub signature: Signature,
    pub signer: Address,
    pub plaintext: Vec<u8>,
    pub result: Result<(), String>,
}

/// A secp256k1 public key recovery and its answer.
#[derive(Clone, Debug)]
pub struct ExpectedRecoverSecpPublicKey {
    pub hash: [u8; 32],
    pub signature: Vec<u8>,
    pub result: Result<[u8; 65], String>,
}

#[derive(Clone, Debug)]
pub struct ExpectedRandomness {
    pub tag: DomainSeparationTag,
    pub epoch: ChainEpoch,
    pub entropy: Vec<u8>,
    pub out: [u8; 32],
}

#[derive(Clone, Debug)]
pub struct ExpectedComputeUnsealedSectorCid {
    pub proof_type: RegisteredSealProof,
    pub pieces: Vec<PieceInfo>,
    pub result: Result<Cid, String>,
}

#[derive(Clone, Debug)]
pub struct ExpectedVerifyPost {
    pub info: WindowPoStVerifyInfo,
    pub result: Result<(), String>,
}

#[derive(Clone, Debug)]
pub struct ExpectedBatchVerifySeals {
    pub batch: Vec<SealVerifyInfo>,
    pub result: Vec<bool>,
}

#[derive(Clone, Debug)]
pub struct ExpectedAggregateVerifySeals {
    pub aggregate: AggregateSealVerifyProofAndInfos,
    pub result: Result<(), String>,
}

#[derive(Clone, Debug)]
pub struct ExpectedReplicaVerify {
    pub info: ReplicaUpdateInfo,
    pub result: Result<(), String>,
}

#[derive(Clone, Debug)]
pub struct ExpectedVerifyConsensusFault {
    pub h1: Vec<u8>,
    pub h2: Vec<u8>,
    pub extra: Vec<u8>,
    pub result: Result<Option<ConsensusFault>, String>,
}

/// Everything the test expects, in the order the actor should ask for it (per kind).
#[derive(Default, Debug)]
pub struct Expectations {
    pub validate_caller_any: bool,
    pub validate_caller_addr: Option<Vec<Address>>,
    pub validate_caller_type: Option<Vec<Type>>,
    pub validate_caller_namespace: Option<Vec<ActorID>>,
    pub sends: VecDeque<ExpectedSend>,
    pub create_actor: Option<ExpectedCreateActor>,
    pub delete_actor: bool,
    pub verify_sigs: VecDeque<ExpectedVerifySig>,
    pub recover_secp_public_key: VecDeque<ExpectedRecoverSecpPublicKey>,
    pub randomness_tickets: VecDeque<ExpectedRandomness>,
    pub randomness_beacon: VecDeque<ExpectedRandomness>,
    pub compute_unsealed_sector_cid: VecDeque<ExpectedComputeUnsealedSectorCid>,
    pub verify_post: VecDeque<ExpectedVerifyPost>,
    pub batch_verify_seals: VecDeque<ExpectedBatchVerifySeals>,
    pub aggregate_verify_seals: VecDeque<ExpectedAggregateVerifySeals>,
    pub replica_verify: VecDeque<ExpectedReplicaVerify>,
    pub verify_consensus_fault: VecDeque<ExpectedVerifyConsensusFault>,
    pub gas_charges: VecDeque<(String, i64)>,
    pub events: VecDeque<ActorEvent>,
}

impl Expectations {
    /// Descriptions of every expectation not yet consumed.
    pub fn unmet(&self) -> Vec<String> {
        let mut unmet = Vec::new();
        if self.validate_caller_any {
            unmet.push("validate_immediate_caller_accept_any".to_string());
        }
        if let Some(a) = &self.validate_caller_addr {
            unmet.push(format!("validate_immediate_caller_is {:?}", a));
        }
        if let Some(t) = &self.validate_caller_type {
            unmet.push(format!("validate_immediate_caller_type {:?}", t));
        }
        if let Some(n) = &self.validate_caller_namespace {
            unmet.push(format!("validate_immediate_caller_namespace {:?}", n));
        }
        unmet.extend(
            self.sends
                .iter()
                .map(|s| format!("send to {} method {}", s.to, s.method)),
        );
        if let Some(c) = &self.create_actor {
            unmet.push(format!("create_actor {:?}", c));
        }
        if self.delete_actor {
            unmet.push("delete_actor".to_string());
        }
        let counted = [
            ("verify_signature", self.verify_sigs.len()),
            (
                "recover_secp_public_key",
                self.recover_secp_public_key.len(),
            ),
            ("get_randomness_from_tickets", self.randomness_tickets.len()),
            ("get_randomness_from_beacon", self.randomness_beacon.len()),
            (
                "compute_unsealed_sector_cid",
                self.compute_unsealed_sector_cid.len(),
            ),
            ("verify_post", self.verify_post.len()),
            ("batch_verify_seals", self.batch_verify_seals.len()),
            ("verify_aggregate_seals", self.aggregate_verify_seals.len()),
            ("verify_replica_update", self.replica_verify.len()),
            ("verify_consensus_fault", self.verify_consensus_fault.len()),
            ("charge_gas", self.gas_charges.len()),
            ("emit_event", self.events.len()),
        ];
        unmet.extend(
            counted
                .iter()
                .filter(|(_, n)| *n > 0)
                .map(|(k, n)| format!("{} x{}", k, n)),
        );
        unmet
    }
}
