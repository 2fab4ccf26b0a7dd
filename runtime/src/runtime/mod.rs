//! The `Runtime` trait: everything an actor may ask of the system it runs in. Actors are written
//! against this trait only, so the same code runs on the FVM (`fvm.rs`), in the native test VM,
//! and under the mock runtime of unit tests.

use cid::Cid;
use fvm_ipld_blockstore::Blockstore;
use fvm_ipld_encoding::ipld_block::IpldBlock;
use fvm_ipld_encoding::CborStore;
use fvm_shared::address::Address;
use fvm_shared::chainid::ChainID;
use fvm_shared::clock::ChainEpoch;
use fvm_shared::consensus::ConsensusFault;
use fvm_shared::crypto::hash::SupportedHashes;
use fvm_shared::crypto::signature::{
    Signature, SECP_PUB_LEN, SECP_SIG_LEN, SECP_SIG_MESSAGE_HASH_SIZE,
};
use fvm_shared::econ::TokenAmount;
use fvm_shared::error::ExitCode;
use fvm_shared::event::ActorEvent;
use fvm_shared::piece::PieceInfo;
use fvm_shared::randomness::RANDOMNESS_LENGTH;
use fvm_shared::sector::{
    AggregateSealVerifyProofAndInfos, RegisteredSealProof, ReplicaUpdateInfo, SealVerifyInfo,
    WindowPoStVerifyInfo,
};
use fvm_shared::sys::SendFlags;
use fvm_shared::version::NetworkVersion;
use fvm_shared::{ActorID, MethodNum, Response};
use multihash_codetable::Code;
use serde::de::DeserializeOwned;
use serde::Serialize;

use crate::builtin::Type;
use crate::{actor_error, ActorError, AsActorError, SendError, EMPTY_ARR_CID};

pub mod caller_checks;
pub mod fake_proofs;
#[cfg(feature = "fil-actor")]
pub mod fvm;
pub mod policy;
pub mod randomness;

pub use policy::{Policy, ProofSet};
pub use randomness::DomainSeparationTag;

/// What the message that invoked the actor says: who called, who received, with how much value.
pub trait MessageInfo {
    /// The immediate caller, as an ID address.
    fn caller(&self) -> Address;
    /// The account that signed the top-level message, as an ID address.
    fn origin(&self) -> Address;
    /// This actor, as an ID address.
    fn receiver(&self) -> Address;
    /// The value sent with this call.
    fn value_received(&self) -> TokenAmount;
    /// The premium the origin pays per unit of gas.
    fn gas_premium(&self) -> TokenAmount;
    /// The nonce of the top-level message.
    fn nonce(&self) -> u64;
}

/// Hashing, signatures and commitments: computations with no access to state.
pub trait Primitives {
    fn hash_blake2b(&self, data: &[u8]) -> [u8; 32];
    fn hash(&self, hasher: SupportedHashes, data: &[u8]) -> Vec<u8>;
    fn compute_unsealed_sector_cid(
        &self,
        proof_type: RegisteredSealProof,
        pieces: &[PieceInfo],
    ) -> Result<Cid, anyhow::Error>;
    /// Checks a signature by an f1 or f3 address over `plaintext`.
    fn verify_signature(
        &self,
        signature: &Signature,
        signer: &Address,
        plaintext: &[u8],
    ) -> Result<(), anyhow::Error>;
    fn recover_secp_public_key(
        &self,
        hash: &[u8; SECP_SIG_MESSAGE_HASH_SIZE],
        signature: &[u8; SECP_SIG_LEN],
    ) -> Result<[u8; SECP_PUB_LEN], anyhow::Error>;
}

/// Proof verification, as the FVM exposes it.
pub trait Verifier {
    /// One result per seal, in order.
    fn batch_verify_seals(&self, batch: &[SealVerifyInfo]) -> anyhow::Result<Vec<bool>>;
    fn verify_aggregate_seals(
        &self,
        aggregate: &AggregateSealVerifyProofAndInfos,
    ) -> Result<(), anyhow::Error>;
    fn verify_post(&self, verify_info: &WindowPoStVerifyInfo) -> Result<(), anyhow::Error>;
    fn verify_replica_update(&self, replica: &ReplicaUpdateInfo) -> Result<(), anyhow::Error>;
    /// `Ok(None)` when the two headers are no fault, `Ok(Some(fault))` when they are.
    fn verify_consensus_fault(
        &self,
        h1: &[u8],
        h2: &[u8],
        extra: &[u8],
    ) -> Result<Option<ConsensusFault>, anyhow::Error>;
}

/// The network's parameters, read at run time so tests can run a shorter timeline.
pub trait RuntimePolicy {
    fn policy(&self) -> &Policy;
}

/// The actor's view of the system. See the module comment.
pub trait Runtime: Primitives + Verifier + RuntimePolicy {
    type Blockstore: Blockstore;

    fn network_version(&self) -> NetworkVersion;
    fn message(&self) -> &dyn MessageInfo;
    fn curr_epoch(&self) -> ChainEpoch;
    fn chain_id(&self) -> ChainID;

    // Caller validation. Every method validates its caller exactly once, before anything else.

    fn validate_immediate_caller_accept_any(&self) -> Result<(), ActorError>;
    fn validate_immediate_caller_is<'a, I>(&self, addresses: I) -> Result<(), ActorError>
    where
        I: IntoIterator<Item = &'a Address>;
    fn validate_immediate_caller_type<'a, I>(&self, types: I) -> Result<(), ActorError>
    where
        I: IntoIterator<Item = &'a Type>;
    /// Accepts a caller whose delegated (f4) address lives in one of these namespaces.
    fn validate_immediate_caller_namespace<I>(&self, namespaces: I) -> Result<(), ActorError>
    where
        I: IntoIterator<Item = ActorID>;

    /// This actor's balance, including the value received with this call.
    fn current_balance(&self) -> TokenAmount;
    fn actor_balance(&self, id: ActorID) -> Option<TokenAmount>;
    /// The ID of the actor an address refers to, if it exists.
    fn resolve_address(&self, address: &Address) -> Option<ActorID>;
    fn lookup_delegated_address(&self, id: ActorID) -> Option<Address>;
    fn get_actor_code_cid(&self, id: &ActorID) -> Option<Cid>;
    /// Which built-in type a code CID is, if any.
    fn resolve_builtin_actor_type(&self, code_id: &Cid) -> Option<Type>;
    fn get_code_cid_for_type(&self, typ: Type) -> Cid;

    /// Randomness from the ticket chain at `rand_epoch`, drawn for `personalization` and `entropy`.
    fn get_randomness_from_tickets(
        &self,
        personalization: DomainSeparationTag,
        rand_epoch: ChainEpoch,
        entropy: &[u8],
    ) -> Result<[u8; RANDOMNESS_LENGTH], ActorError>;
    /// Randomness from the drand beacon at `rand_epoch`, drawn for `personalization` and `entropy`.
    fn get_randomness_from_beacon(
        &self,
        personalization: DomainSeparationTag,
        rand_epoch: ChainEpoch,
        entropy: &[u8],
    ) -> Result<[u8; RANDOMNESS_LENGTH], ActorError>;

    /// The digest of the drand beacon entry at `rand_epoch`, undrawn (FIP-0095: the EVM's
    /// `get_beacon_randomness` precompile). A runtime without beacon digests refuses.
    fn get_beacon_digest(&self, rand_epoch: ChainEpoch) -> Result<[u8; 32], ActorError> {
        Err(actor_error!(illegal_state;
            "beacon digests are not available in this runtime (epoch {})", rand_epoch))
    }

    /// The root of this actor's state.
    fn get_state_root(&self) -> Result<Cid, ActorError>;
    /// Replaces the root of this actor's state. Fails in a read-only context.
    fn set_state_root(&self, root: &Cid) -> Result<(), ActorError>;
    fn store(&self) -> &Self::Blockstore;

    /// Writes the initial state. The state must still be empty (the constructor's job).
    fn create<T: Serialize>(&self, obj: &T) -> Result<(), ActorError> {
        let root = self.get_state_root()?;
        if root != *EMPTY_ARR_CID {
            return Err(actor_error!(illegal_state;
                "failed to create state: expected an empty state, found {}", root));
        }
        let new_root = self
            .store()
            .put_cbor(obj, Code::Blake2b256)
            .context_code(ExitCode::USR_SERIALIZATION, "failed to write actor state")?;
        self.set_state_root(&new_root)
    }

    /// Reads the state without changing it.
    fn state<T: DeserializeOwned>(&self) -> Result<T, ActorError> {
        let root = self.get_state_root()?;
        self.store()
            .get_cbor(&root)
            .context_code(ExitCode::USR_SERIALIZATION, "failed to decode actor state")?
            .with_context_code(ExitCode::USR_ILLEGAL_STATE, || {
                format!("actor state {} not found", root)
            })
    }

    /// Loads the state, runs `f` on it, and writes it back only if `f` succeeds: a failing
    /// closure leaves the state root exactly as it was.
    fn transaction<S, R, F>(&self, f: F) -> Result<R, ActorError>
    where
        S: Serialize + DeserializeOwned,
        F: FnOnce(&mut S, &Self) -> Result<R, ActorError>,
    {
        let mut state: S = self.state()?;
        let result = f(&mut state, self)?;
        let new_root = self
            .store()
            .put_cbor(&state, Code::Blake2b256)
            .context_code(ExitCode::USR_ILLEGAL_STATE, "failed to write actor state")?;
        self.set_state_root(&new_root)?;
        Ok(result)
    }

    /// Sends a message. `gas_limit` of `None` passes all remaining gas.
    fn send(
        &self,
        to: &Address,
        method: MethodNum,
        params: Option<IpldBlock>,
        value: TokenAmount,
        gas_limit: Option<u64>,
        flags: SendFlags,
    ) -> Result<Response, SendError>;

    /// A send with all remaining gas and no flags.
    fn send_simple(
        &self,
        to: &Address,
        method: MethodNum,
        params: Option<IpldBlock>,
        value: TokenAmount,
    ) -> Result<Response, SendError> {
        self.send(to, method, params, value, None, SendFlags::default())
    }

    /// Reserves a new robust address for an actor this actor is about to create.
    fn new_actor_address(&self) -> Result<Address, ActorError>;
    fn create_actor(
        &self,
        code_id: Cid,
        actor_id: ActorID,
        predictable_address: Option<Address>,
    ) -> Result<(), ActorError>;
    /// Deletes this actor; its balance is burnt.
    fn delete_actor(&self) -> Result<(), ActorError>;

    fn total_fil_circ_supply(&self) -> TokenAmount;
    fn base_fee(&self) -> TokenAmount;
    fn charge_gas(&self, name: &'static str, compute: i64);
    fn gas_available(&self) -> u64;
    fn tipset_timestamp(&self) -> u64;
    fn tipset_cid(&self, epoch: i64) -> Result<Cid, ActorError>;
    /// Emits a FIP-0049 event; see `EventBuilder`.
    fn emit_event(&self, event: &ActorEvent) -> Result<(), ActorError>;
    /// Whether this call runs in a read-only context (no state changes, no value, no events).
    fn read_only(&self) -> bool;
}
