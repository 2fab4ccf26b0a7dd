//! The `Runtime` on the real FVM: `FvmRuntime` answers every question an actor asks with an
//! `fvm_sdk` syscall, `ActorBlockstore` stores IPLD blocks through the FVM, and `trampoline` is
//! the body of every built-in actor's exported `invoke`.
//!
//! Syscall failures become `ActorError`s with the exit codes the network uses; nothing here
//! panics on input (the SDK's own `expect`s cover only syscalls that cannot fail).

use std::cell::{Cell, OnceCell};

use anyhow::{anyhow, bail};
use cid::Cid;
use fvm_ipld_blockstore::{Block, Blockstore};
use fvm_ipld_encoding::ipld_block::IpldBlock;
use fvm_sdk::error::{ActorDeleteError, EpochBoundsError, StateReadError, StateUpdateError};
use fvm_shared::address::Address;
use fvm_shared::chainid::ChainID;
use fvm_shared::clock::ChainEpoch;
use fvm_shared::consensus::ConsensusFault;
use fvm_shared::crypto::hash::SupportedHashes;
use fvm_shared::crypto::signature::{
    Signature, SECP_PUB_LEN, SECP_SIG_LEN, SECP_SIG_MESSAGE_HASH_SIZE,
};
use fvm_shared::econ::TokenAmount;
use fvm_shared::error::{ErrorNumber, ExitCode};
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

use crate::actor_error::abort_exit_code;
use crate::builtin::Type;
use crate::runtime::caller_checks::{check_caller_is, check_caller_namespace, check_caller_type};
use crate::runtime::randomness::{draw_randomness, DomainSeparationTag};
use crate::runtime::{MessageInfo, Policy, Primitives, Runtime, RuntimePolicy, Verifier};
use crate::{ActorCode, ActorError, SendError};

// ---------------------------------------------------------------------------------------------
// Blockstore
// ---------------------------------------------------------------------------------------------

/// The actor's view of the state store: blocks go in and out through the FVM's IPLD syscalls,
/// which only expose blocks reachable from the actor's state or written in this invocation.
#[derive(Debug, Default, Clone, Copy)]
pub struct ActorBlockstore;

/// Multihash codes whose digest length is known without hashing anything.
const BLAKE2B_256: u64 = 0xb220;
const BLAKE2B_512: u64 = 0xb240;
const SHA2_256: u64 = 0x12;
const SHA2_512: u64 = 0x13;

/// The digest length the FVM must produce for `code`. The FVM links blocks with blake2b-256
/// only and refuses any other hash (`IllegalCid`) whatever the length, so a code this table does
/// not know gets 0 and the FVM's refusal. Nothing here hashes: a call of the multihash table's
/// `digest` would link every hasher it knows into each actor's WASM.
fn digest_size(code: Code) -> u32 {
    match u64::from(code) {
        BLAKE2B_256 | SHA2_256 => 32,
        BLAKE2B_512 | SHA2_512 => 64,
        _ => 0,
    }
}

impl Blockstore for ActorBlockstore {
    fn get(&self, k: &Cid) -> anyhow::Result<Option<Vec<u8>>> {
        // The FVM answers NotFound for a block that exists but is not reachable from here, so
        // every failure is an error rather than an absent block.
        fvm_sdk::ipld::get(k)
            .map(Some)
            .map_err(|e| anyhow!("failed to read block {}: {}", k, e))
    }

    fn put_keyed(&self, k: &Cid, block: &[u8]) -> anyhow::Result<()> {
        let hash = k.hash();
        let stored = fvm_sdk::ipld::put(hash.code(), u32::from(hash.size()), k.codec(), block)
            .map_err(|e| anyhow!("failed to write block {}: {}", k, e))?;
        if stored != *k {
            bail!("block written under key {} has CID {}", k, stored);
        }
        Ok(())
    }

    fn put<D>(&self, mh_code: Code, block: &Block<D>) -> anyhow::Result<Cid>
    where
        D: AsRef<[u8]>,
    {
        // Let the FVM hash the block once, instead of hashing here and again in the kernel.
        fvm_sdk::ipld::put(
            u64::from(mh_code),
            digest_size(mh_code),
            block.codec,
            block.data.as_ref(),
        )
        .map_err(|e| {
            anyhow!(
                "failed to write block with codec {:#x} and multihash {:#x}: {}",
                block.codec,
                u64::from(mh_code),
                e
            )
        })
    }
}

// ---------------------------------------------------------------------------------------------
// Error mappings
// ---------------------------------------------------------------------------------------------

fn state_read_error(e: StateReadError) -> ActorError {
    ActorError::illegal_state(format!("failed to read the state root: {}", e))
}

fn state_update_error(e: StateUpdateError) -> ActorError {
    match e {
        StateUpdateError::ReadOnly => {
            ActorError::read_only(format!("failed to set the state root: {}", e))
        }
        StateUpdateError::ActorDeleted => {
            ActorError::illegal_state(format!("failed to set the state root: {}", e))
        }
    }
}

fn delete_error(e: ActorDeleteError) -> ActorError {
    match e {
        ActorDeleteError::ReadOnly => {
            ActorError::read_only(format!("failed to delete actor: {}", e))
        }
        ActorDeleteError::UnspentFunds => {
            ActorError::illegal_state(format!("failed to delete actor: {}", e))
        }
    }
}

fn create_actor_error(e: ErrorNumber, actor_id: ActorID, code: &Cid) -> ActorError {
    let what = format!("failed to create actor {} with code {}", actor_id, code);
    match e {
        ErrorNumber::Forbidden => ActorError::forbidden(format!("{}: {}", what, e)),
        ErrorNumber::ReadOnly => ActorError::read_only(format!("{}: {}", what, e)),
        ErrorNumber::IllegalArgument | ErrorNumber::NotFound => {
            ActorError::illegal_argument(format!("{}: {}", what, e))
        }
        other => ActorError::illegal_state(format!("{}: {}", what, other)),
    }
}

fn randomness_error(e: ErrorNumber, source: &str, epoch: ChainEpoch) -> ActorError {
    match e {
        ErrorNumber::LimitExceeded => ActorError::illegal_argument(format!(
            "randomness lookback exceeded: {} randomness at epoch {}: {}",
            source, epoch, e
        )),
        other => ActorError::assertion_failed(format!(
            "failed to get {} randomness at epoch {}: {}",
            source, epoch, other
        )),
    }
}

fn emit_event_error(e: ErrorNumber) -> ActorError {
    match e {
        ErrorNumber::ReadOnly => ActorError::read_only(format!(
            "cannot emit an event in a read-only context: {}",
            e
        )),
        ErrorNumber::IllegalArgument => {
            ActorError::illegal_argument(format!("event rejected: {}", e))
        }
        other => ActorError::assertion_failed(format!("failed to emit event: {}", other)),
    }
}

// ---------------------------------------------------------------------------------------------
// Message
// ---------------------------------------------------------------------------------------------

/// The invoking message, read from the FVM's message context.
#[derive(Debug, Default, Clone, Copy)]
pub struct FvmMessage;

impl MessageInfo for FvmMessage {
    fn caller(&self) -> Address {
        Address::new_id(fvm_sdk::message::caller())
    }

    fn origin(&self) -> Address {
        Address::new_id(fvm_sdk::message::origin())
    }

    fn receiver(&self) -> Address {
        Address::new_id(fvm_sdk::message::receiver())
    }

    fn value_received(&self) -> TokenAmount {
        fvm_sdk::message::value_received()
    }

    fn gas_premium(&self) -> TokenAmount {
        fvm_sdk::message::gas_premium()
    }

    fn nonce(&self) -> u64 {
        fvm_sdk::message::nonce()
    }
}

// ---------------------------------------------------------------------------------------------
// Runtime
// ---------------------------------------------------------------------------------------------

/// The runtime of one invocation of a built-in actor on the FVM.
pub struct FvmRuntime<B = ActorBlockstore> {
    blockstore: B,
    /// The build network's policy, made on first use: most methods never ask, and making it
    /// costs instructions the FVM charges for.
    policy: OnceCell<Policy>,
    /// Whether the method has validated its caller; the trampoline refuses to return otherwise.
    caller_validated: Cell<bool>,
}

impl Default for FvmRuntime<ActorBlockstore> {
    fn default() -> Self {
        FvmRuntime::new(ActorBlockstore)
    }
}

impl<B> FvmRuntime<B> {
    pub fn new(blockstore: B) -> Self {
        FvmRuntime {
            blockstore,
            policy: OnceCell::new(),
            caller_validated: Cell::new(false),
        }
    }

    /// Whether a `validate_immediate_caller_*` method has run (successfully or not).
    pub fn caller_validated(&self) -> bool {
        self.caller_validated.get()
    }

    /// Marks the caller as validated; a method validates exactly once.
    fn begin_validation(&self) -> Result<Address, ActorError> {
        if self.caller_validated.replace(true) {
            return Err(ActorError::assertion_failed("caller validated twice"));
        }
        Ok(FvmMessage.caller())
    }

    fn random(
        &self,
        source: &str,
        fetch: fn(ChainEpoch) -> fvm_sdk::SyscallResult<[u8; RANDOMNESS_LENGTH]>,
        personalization: DomainSeparationTag,
        rand_epoch: ChainEpoch,
        entropy: &[u8],
    ) -> Result<[u8; RANDOMNESS_LENGTH], ActorError> {
        let digest = fetch(rand_epoch).map_err(|e| randomness_error(e, source, rand_epoch))?;
        Ok(draw_randomness(
            fvm_sdk::crypto::hash_blake2b,
            &digest,
            personalization,
            rand_epoch,
            entropy,
        ))
    }
}

impl<B: Blockstore> Runtime for FvmRuntime<B> {
    type Blockstore = B;

    fn network_version(&self) -> NetworkVersion {
        fvm_sdk::network::version()
    }

    fn message(&self) -> &dyn MessageInfo {
        &FvmMessage
    }

    fn curr_epoch(&self) -> ChainEpoch {
        fvm_sdk::network::curr_epoch()
    }

    fn chain_id(&self) -> ChainID {
        fvm_sdk::network::chain_id()
    }

    fn validate_immediate_caller_accept_any(&self) -> Result<(), ActorError> {
        self.begin_validation()?;
        Ok(())
    }

    fn validate_immediate_caller_is<'a, I>(&self, addresses: I) -> Result<(), ActorError>
    where
        I: IntoIterator<Item = &'a Address>,
    {
        let caller = self.begin_validation()?;
        check_caller_is(&caller, addresses)
    }

    fn validate_immediate_caller_type<'a, I>(&self, types: I) -> Result<(), ActorError>
    where
        I: IntoIterator<Item = &'a Type>,
    {
        let caller = self.begin_validation()?;
        let code = self.get_actor_code_cid(&fvm_sdk::message::caller());
        check_caller_type(&caller, code, |c| self.resolve_builtin_actor_type(c), types)
    }

    fn validate_immediate_caller_namespace<I>(&self, namespaces: I) -> Result<(), ActorError>
    where
        I: IntoIterator<Item = ActorID>,
    {
        let caller = self.begin_validation()?;
        let delegated = self.lookup_delegated_address(fvm_sdk::message::caller());
        check_caller_namespace(&caller, delegated, namespaces)
    }

    fn current_balance(&self) -> TokenAmount {
        fvm_sdk::sself::current_balance()
    }

    fn actor_balance(&self, id: ActorID) -> Option<TokenAmount> {
        fvm_sdk::actor::balance_of(id)
    }

    fn resolve_address(&self, address: &Address) -> Option<ActorID> {
        fvm_sdk::actor::resolve_address(address)
    }

    fn lookup_delegated_address(&self, id: ActorID) -> Option<Address> {
        fvm_sdk::actor::lookup_delegated_address(id)
    }

    fn get_actor_code_cid(&self, id: &ActorID) -> Option<Cid> {
        fvm_sdk::actor::get_actor_code_cid(&Address::new_id(*id))
    }

    fn resolve_builtin_actor_type(&self, code_id: &Cid) -> Option<Type> {
        fvm_sdk::actor::get_builtin_actor_type(code_id).and_then(Type::from_id)
    }

    fn get_code_cid_for_type(&self, typ: Type) -> Cid {
        fvm_sdk::actor::get_code_cid_for_type(typ as i32)
    }

    fn get_randomness_from_tickets(
        &self,
        personalization: DomainSeparationTag,
        rand_epoch: ChainEpoch,
        entropy: &[u8],
    ) -> Result<[u8; RANDOMNESS_LENGTH], ActorError> {
        self.random(
            "chain",
            fvm_sdk::rand::get_chain_randomness,
            personalization,
            rand_epoch,
            entropy,
        )
    }

    fn get_randomness_from_beacon(
        &self,
        personalization: DomainSeparationTag,
        rand_epoch: ChainEpoch,
        entropy: &[u8],
    ) -> Result<[u8; RANDOMNESS_LENGTH], ActorError> {
        self.random(
            "beacon",
            fvm_sdk::rand::get_beacon_randomness,
            personalization,
            rand_epoch,
            entropy,
        )
    }

    fn get_beacon_digest(&self, rand_epoch: ChainEpoch) -> Result<[u8; 32], ActorError> {
        fvm_sdk::rand::get_beacon_randomness(rand_epoch)
            .map_err(|e| randomness_error(e, "beacon", rand_epoch))
    }

    fn get_state_root(&self) -> Result<Cid, ActorError> {
        fvm_sdk::sself::root().map_err(state_read_error)
    }

    fn set_state_root(&self, root: &Cid) -> Result<(), ActorError> {
        fvm_sdk::sself::set_root(root).map_err(state_update_error)
    }

    fn store(&self) -> &B {
        &self.blockstore
    }

    fn send(
        &self,
        to: &Address,
        method: MethodNum,
        params: Option<IpldBlock>,
        value: TokenAmount,
        gas_limit: Option<u64>,
        flags: SendFlags,
    ) -> Result<Response, SendError> {
        // The receiver's exit code, whatever it is, comes back in the response: actors that
        // forward sends (multisig, EVM) report it rather than abort on it.
        fvm_sdk::send::send(to, method, params, value, gas_limit, flags).map_err(SendError)
    }

    fn new_actor_address(&self) -> Result<Address, ActorError> {
        Ok(fvm_sdk::actor::next_actor_address())
    }

    fn create_actor(
        &self,
        code_id: Cid,
        actor_id: ActorID,
        predictable_address: Option<Address>,
    ) -> Result<(), ActorError> {
        fvm_sdk::actor::create_actor(actor_id, &code_id, predictable_address)
            .map_err(|e| create_actor_error(e, actor_id, &code_id))
    }

    fn delete_actor(&self) -> Result<(), ActorError> {
        fvm_sdk::sself::self_destruct(true).map_err(delete_error)
    }

    fn total_fil_circ_supply(&self) -> TokenAmount {
        fvm_sdk::network::total_fil_circ_supply()
    }

    fn base_fee(&self) -> TokenAmount {
        fvm_sdk::network::base_fee()
    }

    fn charge_gas(&self, name: &'static str, compute: i64) {
        // Gas is never refunded: a negative charge is no charge.
        fvm_sdk::gas::charge(name, u64::try_from(compute).unwrap_or(0))
    }

    fn gas_available(&self) -> u64 {
        fvm_sdk::gas::available()
    }

    fn tipset_timestamp(&self) -> u64 {
        fvm_sdk::network::tipset_timestamp()
    }

    fn tipset_cid(&self, epoch: i64) -> Result<Cid, ActorError> {
        fvm_sdk::network::tipset_cid(epoch).map_err(|e| {
            let why = match e {
                EpochBoundsError::Invalid => "not a past epoch of this chain",
                EpochBoundsError::ExceedsLookback => "beyond the lookback limit",
            };
            ActorError::illegal_argument(format!("no tipset CID for epoch {}: {}", epoch, why))
        })
    }

    fn emit_event(&self, event: &ActorEvent) -> Result<(), ActorError> {
        fvm_sdk::event::emit_event(event).map_err(emit_event_error)
    }

    fn read_only(&self) -> bool {
        fvm_sdk::vm::read_only()
    }
}

impl<B> RuntimePolicy for FvmRuntime<B> {
    fn policy(&self) -> &Policy {
        self.policy.get_or_init(Policy::default)
    }
}

impl<B> Primitives for FvmRuntime<B> {
    fn hash_blake2b(&self, data: &[u8]) -> [u8; 32] {
        fvm_sdk::crypto::hash_blake2b(data)
    }

    fn hash(&self, hasher: SupportedHashes, data: &[u8]) -> Vec<u8> {
        fvm_sdk::crypto::hash_owned(hasher, data)
    }

    fn compute_unsealed_sector_cid(
        &self,
        proof_type: RegisteredSealProof,
        pieces: &[PieceInfo],
    ) -> Result<Cid, anyhow::Error> {
        fvm_sdk::crypto::compute_unsealed_sector_cid(proof_type, pieces).map_err(|e| {
            anyhow!(
                "failed to compute unsealed sector CID of {} pieces for {:?}: {}",
                pieces.len(),
                proof_type,
                e
            )
        })
    }

    fn verify_signature(
        &self,
        signature: &Signature,
        signer: &Address,
        plaintext: &[u8],
    ) -> Result<(), anyhow::Error> {
        match fvm_sdk::crypto::verify_signature(signature, signer, plaintext) {
            Ok(true) => Ok(()),
            Ok(false) => Err(anyhow!("signature invalid for signer {}", signer)),
            Err(e) => Err(anyhow!("failed to verify signature by {}: {}", signer, e)),
        }
    }

    fn recover_secp_public_key(
        &self,
        hash: &[u8; SECP_SIG_MESSAGE_HASH_SIZE],
        signature: &[u8; SECP_SIG_LEN],
    ) -> Result<[u8; SECP_PUB_LEN], anyhow::Error> {
        fvm_sdk::crypto::recover_secp_public_key(hash, signature)
            .map_err(|e| anyhow!("failed to recover secp256k1 public key: {}", e))
    }
}

/// Test proofs: the rules of `fake_proofs.rs`, shared with the native test VM.
#[cfg(feature = "fake-proofs")]
impl<B> Verifier for FvmRuntime<B> {
    fn batch_verify_seals(&self, batch: &[SealVerifyInfo]) -> anyhow::Result<Vec<bool>> {
        Ok(super::fake_proofs::batch_verify_seals(batch))
    }

    fn verify_aggregate_seals(
        &self,
        aggregate: &AggregateSealVerifyProofAndInfos,
    ) -> Result<(), anyhow::Error> {
        super::fake_proofs::verify_aggregate_seals(aggregate)
    }

    fn verify_post(&self, verify_info: &WindowPoStVerifyInfo) -> Result<(), anyhow::Error> {
        super::fake_proofs::verify_post(verify_info)
    }

    fn verify_replica_update(&self, replica: &ReplicaUpdateInfo) -> Result<(), anyhow::Error> {
        super::fake_proofs::verify_replica_update(replica)
    }

    fn verify_consensus_fault(
        &self,
        _h1: &[u8],
        _h2: &[u8],
        _extra: &[u8],
    ) -> Result<Option<ConsensusFault>, anyhow::Error> {
        Ok(None)
    }
}

/// Real proofs, verified by the FVM's proof syscalls.
#[cfg(not(feature = "fake-proofs"))]
impl<B> Verifier for FvmRuntime<B> {
    fn batch_verify_seals(&self, batch: &[SealVerifyInfo]) -> anyhow::Result<Vec<bool>> {
        fvm_sdk::crypto::batch_verify_seals(batch)
            .map_err(|e| anyhow!("failed to verify a batch of {} seals: {}", batch.len(), e))
    }

    fn verify_aggregate_seals(
        &self,
        aggregate: &AggregateSealVerifyProofAndInfos,
    ) -> Result<(), anyhow::Error> {
        match fvm_sdk::crypto::verify_aggregate_seals(aggregate) {
            Ok(true) => Ok(()),
            Ok(false) => Err(anyhow!(
                "aggregate seal proof of miner {} for {} sectors is invalid",
                aggregate.miner,
                aggregate.infos.len()
            )),
            Err(e) => Err(anyhow!("failed to verify aggregate seal proof: {}", e)),
        }
    }

    fn verify_post(&self, verify_info: &WindowPoStVerifyInfo) -> Result<(), anyhow::Error> {
        match fvm_sdk::crypto::verify_post(verify_info) {
            Ok(true) => Ok(()),
            Ok(false) => Err(anyhow!(
                "window PoSt of miner {} over {} sectors is invalid",
                verify_info.prover,
                verify_info.challenged_sectors.len()
            )),
            Err(e) => Err(anyhow!("failed to verify window PoSt: {}", e)),
        }
    }

    fn verify_replica_update(&self, replica: &ReplicaUpdateInfo) -> Result<(), anyhow::Error> {
        match fvm_sdk::crypto::verify_replica_update(replica) {
            Ok(true) => Ok(()),
            Ok(false) => Err(anyhow!(
                "replica update proof for new sealed CID {} is invalid",
                replica.new_sealed_cid
            )),
            Err(e) => Err(anyhow!("failed to verify replica update proof: {}", e)),
        }
    }

    fn verify_consensus_fault(
        &self,
        h1: &[u8],
        h2: &[u8],
        extra: &[u8],
    ) -> Result<Option<ConsensusFault>, anyhow::Error> {
        fvm_sdk::crypto::verify_consensus_fault(h1, h2, extra)
            .map_err(|e| anyhow!("failed to verify consensus fault: {}", e))
    }
}

// ---------------------------------------------------------------------------------------------
// Entry point
// ---------------------------------------------------------------------------------------------

/// The body of every built-in actor's exported `invoke(params) -> u32`: reads the method and its
/// parameters block, runs the method on an `FvmRuntime`, and exits with the error's code (and
/// return block) on failure, or returns the id of the return block on success (0 for none).
/// A method that succeeds without validating its caller aborts with `USR_ASSERTION_FAILED`.
pub fn trampoline<C: ActorCode>(params: u32) -> u32 {
    fvm_sdk::initialize();

    let method = fvm_sdk::message::method_number();
    let params = match fvm_sdk::message::params_raw(params) {
        Ok(params) => params,
        Err(e) => fvm_sdk::vm::abort(
            ExitCode::USR_ASSERTION_FAILED.value(),
            Some(&format!(
                "failed to read parameters block {}: {}",
                params, e
            )),
        ),
    };

    let rt = FvmRuntime::default();
    let ret = match C::invoke_method(&rt, method, params) {
        Ok(ret) => ret,
        Err(mut e) => {
            let code = abort_exit_code(e.exit_code());
            let data = e.take_data();
            fvm_sdk::vm::exit(code.value(), data, Some(e.msg()))
        }
    };

    // Checked after a failure has had its say: a method may fail before it validates.
    if !rt.caller_validated() {
        fvm_sdk::vm::abort(
            ExitCode::USR_ASSERTION_FAILED.value(),
            Some(&format!(
                "{} method {} failed to validate caller",
                C::name(),
                method
            )),
        );
    }

    match ret {
        None => fvm_sdk::NO_DATA_BLOCK_ID,
        Some(block) => match fvm_sdk::ipld::put_block(block.codec, &block.data) {
            Ok(id) => id,
            Err(e) => fvm_sdk::vm::abort(
                ExitCode::USR_ASSERTION_FAILED.value(),
                Some(&format!("failed to write return block: {}", e)),
            ),
        },
    }
}

#[cfg(test)]
mod tests {
    use multihash_codetable::MultihashDigest;

    use super::*;

    #[test]
    fn digest_sizes_match_the_hashers() {
        for code in [
            Code::Blake2b256,
            Code::Blake2b512,
            Code::Sha2_256,
            Code::Sha2_512,
        ] {
            assert_eq!(digest_size(code), u32::from(code.digest(b"x").size()));
        }
        assert_eq!(digest_size(Code::Sha3_256), 0);
    }

    #[test]
    fn syscall_errors_take_the_network_codes() {
        let code = |e: ActorError| e.exit_code();
        assert_eq!(
            code(state_update_error(StateUpdateError::ReadOnly)),
            ExitCode::USR_READ_ONLY
        );
        assert_eq!(
            code(state_update_error(StateUpdateError::ActorDeleted)),
            ExitCode::USR_ILLEGAL_STATE
        );
        assert_eq!(
            code(state_read_error(StateReadError)),
            ExitCode::USR_ILLEGAL_STATE
        );
        assert_eq!(
            code(delete_error(ActorDeleteError::ReadOnly)),
            ExitCode::USR_READ_ONLY
        );
        assert_eq!(
            code(delete_error(ActorDeleteError::UnspentFunds)),
            ExitCode::USR_ILLEGAL_STATE
        );

        let cid = Cid::default();
        assert_eq!(
            code(create_actor_error(ErrorNumber::Forbidden, 9, &cid)),
            ExitCode::USR_FORBIDDEN
        );
        assert_eq!(
            code(create_actor_error(ErrorNumber::ReadOnly, 9, &cid)),
            ExitCode::USR_READ_ONLY
        );
        assert_eq!(
            code(create_actor_error(ErrorNumber::IllegalArgument, 9, &cid)),
            ExitCode::USR_ILLEGAL_ARGUMENT
        );
        assert_eq!(
            code(create_actor_error(ErrorNumber::Serialization, 9, &cid)),
            ExitCode::USR_ILLEGAL_STATE
        );

        let e = randomness_error(ErrorNumber::LimitExceeded, "chain", 12);
        assert_eq!(e.exit_code(), ExitCode::USR_ILLEGAL_ARGUMENT);
        assert!(e.msg().starts_with("randomness lookback exceeded"));
        assert!(e.msg().contains("12"));
        let e = randomness_error(ErrorNumber::IllegalArgument, "beacon", 12);
        assert_eq!(e.exit_code(), ExitCode::USR_ASSERTION_FAILED);

        assert_eq!(
            code(emit_event_error(ErrorNumber::ReadOnly)),
            ExitCode::USR_READ_ONLY
        );
        assert_eq!(
            code(emit_event_error(ErrorNumber::IllegalArgument)),
            ExitCode::USR_ILLEGAL_ARGUMENT
        );
        assert_eq!(
            code(emit_event_error(ErrorNumber::Serialization)),
            ExitCode::USR_ASSERTION_FAILED
        );
    }
}
