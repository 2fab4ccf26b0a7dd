//! `InvocationCtx`: the `Runtime` one native call runs on. It mirrors the FVM's syscalls and the
//! error mapping of `fil_actors_runtime::runtime::fvm`, so an actor fails the same way on both
//! engines.

use std::cell::{Cell, RefCell};

use anyhow::anyhow;
use cid::Cid;
use fil_actors_runtime::builtin::{Type, BURNT_FUNDS_ACTOR_ID, INIT_ACTOR_ID};
use fil_actors_runtime::runtime::caller_checks::{
    check_caller_is, check_caller_namespace, check_caller_type,
};
use fil_actors_runtime::runtime::fake_proofs;
use fil_actors_runtime::runtime::randomness::draw_randomness;
use fil_actors_runtime::runtime::{
    DomainSeparationTag, MessageInfo, Policy, Primitives, Runtime, RuntimePolicy, Verifier,
};
use fil_actors_runtime::{ActorError, SendError};
use fvm::state_tree::ActorState;

use fvm_ipld_encoding::ipld_block::IpldBlock;
use fvm_shared::address::Address;
use fvm_shared::chainid::ChainID;
use fvm_shared::clock::ChainEpoch;
use fvm_shared::consensus::ConsensusFault;
use fvm_shared::crypto::hash::SupportedHashes;
use fvm_shared::crypto::signature::{
    Signature, SECP_PUB_LEN, SECP_SIG_LEN, SECP_SIG_MESSAGE_HASH_SIZE,
};
use fvm_shared::econ::TokenAmount;
use fvm_shared::error::ErrorNumber;
use fvm_shared::event::{ActorEvent, StampedEvent};
use fvm_shared::piece::PieceInfo;
use fvm_shared::randomness::RANDOMNESS_LENGTH;
use fvm_shared::sector::{
    AggregateSealVerifyProofAndInfos, RegisteredSealProof, ReplicaUpdateInfo, SealVerifyInfo,
    WindowPoStVerifyInfo,
};
use fvm_shared::sys::SendFlags;
use fvm_shared::version::NetworkVersion;
use fvm_shared::{ActorID, MethodNum, Response};
use multihash_codetable::{Code, MultihashDigest};

use super::{NativeVM, Store, TopCtx};
use crate::chain;
use crate::trace::InvocationTrace;

/// How far back the FVM serves randomness and tipset CIDs (chain finality).
const LOOKBACK_LIMIT: ChainEpoch = 900;

/// The message facts of one call.
struct Message {
    caller: Address,
    origin: Address,
    receiver: Address,
    value: TokenAmount,
    nonce: u64,
}

impl MessageInfo for Message {
    fn caller(&self) -> Address {
        self.caller
    }
    fn origin(&self) -> Address {
        self.origin
    }
    fn receiver(&self) -> Address {
        self.receiver
    }
    fn value_received(&self) -> TokenAmount {
        self.value.clone()
    }
    fn gas_premium(&self) -> TokenAmount {
        TokenAmount::from_atto(0)
    }
    fn nonce(&self) -> u64 {
        self.nonce
    }
}

/// The runtime of one native call.
pub struct InvocationCtx<'a> {
    vm: &'a NativeVM,
    top: &'a TopCtx,
    receiver: ActorID,
    message: Message,
    read_only: bool,
    caller_validated: Cell<bool>,
    subinvocations: RefCell<Vec<InvocationTrace>>,
    /// A failure of the VM itself (not the actor's), surfaced after the call returns.
    fatal: RefCell<Option<anyhow::Error>>,
}

impl<'a> InvocationCtx<'a> {
    pub(super) fn new(
        vm: &'a NativeVM,
        top: &'a TopCtx,
        caller: ActorID,
        receiver: ActorID,
        value: TokenAmount,
        read_only: bool,
    ) -> Self {
        InvocationCtx {
            vm,
            top,
            receiver,
            message: Message {
                caller: Address::new_id(caller),
                origin: Address::new_id(top.origin),
                receiver: Address::new_id(receiver),
                value,
                nonce: top.nonce,
            },
            read_only,
            caller_validated: Cell::new(false),
            subinvocations: RefCell::new(Vec::new()),
            fatal: RefCell::new(None),
        }
    }

    pub(super) fn into_subinvocations(self) -> Vec<InvocationTrace> {
        self.subinvocations.into_inner()
    }

    pub(super) fn caller_validated(&self) -> bool {
        self.caller_validated.get()
    }

    pub(super) fn take_fatal(&self) -> Option<anyhow::Error> {
        self.fatal.borrow_mut().take()
    }

    fn fail(&self, e: anyhow::Error) -> ActorError {
        let msg = format!("test VM failure: {e:#}");
        self.fatal.borrow_mut().get_or_insert(e);
        ActorError::assertion_failed(msg)
    }

    /// The caller's ID (messages reach actors with the caller resolved to its ID address).
    fn caller_id(&self, caller: &Address) -> Result<ActorID, ActorError> {
        caller
            .id()
            .map_err(|e| ActorError::assertion_failed(e.to_string()))
    }

    fn begin_validation(&self) -> Result<Address, ActorError> {
        if self.caller_validated.replace(true) {
            return Err(ActorError::assertion_failed("caller validated twice"));
        }
        Ok(self.message.caller)
    }

    fn actor(&self, id: ActorID) -> Option<ActorState> {
        match self.vm.tree.borrow().get_actor(id) {
            Ok(actor) => actor,
            Err(e) => {
                self.fail(e.into());
                None
            }
        }
    }

    fn randomness(
        &self,
        digest: fn(ChainEpoch) -> [u8; 32],
        source: &str,
        personalization: DomainSeparationTag,
        rand_epoch: ChainEpoch,
        entropy: &[u8],
    ) -> Result<[u8; RANDOMNESS_LENGTH], ActorError> {
        Ok(draw_randomness(
            blake2b,
            &self.digest(digest, source, rand_epoch)?,
            personalization,
            rand_epoch,
            entropy,
        ))
    }

    /// The chain's digest of `source` at `rand_epoch`, with the FVM's epoch rules.
    fn digest(
        &self,
        digest: fn(ChainEpoch) -> [u8; 32],
        source: &str,
        rand_epoch: ChainEpoch,
    ) -> Result<[u8; 32], ActorError> {
        let now = self.vm.epoch;
        if rand_epoch > now {
            return Err(ActorError::assertion_failed(format!(
                "failed to get {source} randomness at epoch {rand_epoch}: in the future"
            )));
        }
        if now - rand_epoch > LOOKBACK_LIMIT {
            return Err(ActorError::illegal_argument(format!(
                "randomness lookback exceeded: {source} randomness at epoch {rand_epoch}"
            )));
        }
        Ok(digest(rand_epoch))
    }
}

fn blake2b(data: &[u8]) -> [u8; 32] {
    let mut out = [0u8; 32];
    out.copy_from_slice(Code::Blake2b256.digest(data).digest());
    out
}

impl Runtime for InvocationCtx<'_> {
    type Blockstore = Store;

    fn network_version(&self) -> NetworkVersion {
        chain::NETWORK_VERSION
    }

    fn message(&self) -> &dyn MessageInfo {
        &self.message
    }

    fn curr_epoch(&self) -> ChainEpoch {
        self.vm.epoch
    }

    fn chain_id(&self) -> ChainID {
        crate::fvm_engine::network_config(Cid::default()).chain_id
    }

    fn validate_immediate_caller_accept_any(&self) -> Result<(), ActorError> {
        self.begin_validation()?;
        Ok(())
    }

    fn validate_immediate_caller_is<'b, I>(&self, addresses: I) -> Result<(), ActorError>
    where
        I: IntoIterator<Item = &'b Address>,
    {
        let caller = self.begin_validation()?;
        check_caller_is(&caller, addresses)
    }

    fn validate_immediate_caller_type<'b, I>(&self, types: I) -> Result<(), ActorError>
    where
        I: IntoIterator<Item = &'b Type>,
    {
        let caller = self.begin_validation()?;
        let code = self.get_actor_code_cid(&self.caller_id(&caller)?);
        check_caller_type(&caller, code, |c| self.resolve_builtin_actor_type(c), types)
    }

    fn validate_immediate_caller_namespace<I>(&self, namespaces: I) -> Result<(), ActorError>
    where
        I: IntoIterator<Item = ActorID>,
    {
        let caller = self.begin_validation()?;
        let delegated = self.lookup_delegated_address(self.caller_id(&caller)?);
        check_caller_namespace(&caller, delegated, namespaces)
    }

    fn current_balance(&self) -> TokenAmount {
        self.actor(self.receiver)
            .map(|a| a.balance)
            .unwrap_or_default()
    }

    fn actor_balance(&self, id: ActorID) -> Option<TokenAmount> {
        self.actor(id).map(|a| a.balance)
    }

    fn resolve_address(&self, address: &Address) -> Option<ActorID> {
        match self.vm.tree.borrow().lookup_id(address) {
            Ok(id) => id,
            Err(e) => {
                self.fail(e.into());
                None
            }
        }
    }

    fn lookup_delegated_address(&self, id: ActorID) -> Option<Address> {
        self.actor(id).and_then(|a| a.delegated_address)
    }

    fn get_actor_code_cid(&self, id: &ActorID) -> Option<Cid> {
        self.actor(*id).map(|a| a.code)
    }

    fn resolve_builtin_actor_type(&self, code_id: &Cid) -> Option<Type> {
        self.vm.codes.type_of(code_id)
    }

    fn get_code_cid_for_type(&self, typ: Type) -> Cid {
        self.vm.codes.code(typ)
    }

    fn get_randomness_from_tickets(
        &self,
        personalization: DomainSeparationTag,
        rand_epoch: ChainEpoch,
        entropy: &[u8],
    ) -> Result<[u8; RANDOMNESS_LENGTH], ActorError> {
        self.randomness(
            chain::chain_randomness,
            "chain",
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
        self.randomness(
            chain::beacon_randomness,
            "beacon",
            personalization,
            rand_epoch,
            entropy,
        )
    }

    fn get_beacon_digest(&self, rand_epoch: ChainEpoch) -> Result<[u8; 32], ActorError> {
        self.digest(chain::beacon_randomness, "beacon", rand_epoch)
    }

    fn get_state_root(&self) -> Result<Cid, ActorError> {
        self.actor(self.receiver).map(|a| a.state).ok_or_else(|| {
            ActorError::illegal_state("failed to read the state root: actor deleted")
        })
    }

    fn set_state_root(&self, root: &Cid) -> Result<(), ActorError> {
        if self.read_only {
            return Err(ActorError::read_only(
                "failed to set the state root: read-only",
            ));
        }
        let mut actor = self.actor(self.receiver).ok_or_else(|| {
            ActorError::illegal_state("failed to set the state root: actor deleted")
        })?;
        actor.state = *root;
        self.vm.tree.borrow_mut().set_actor(self.receiver, actor);
        Ok(())
    }

    fn store(&self) -> &Store {
        &self.vm.store
    }

    fn send(
        &self,
        to: &Address,
        method: MethodNum,
        params: Option<IpldBlock>,
        value: TokenAmount,
        _gas_limit: Option<u64>,
        flags: SendFlags,
    ) -> Result<Response, SendError> {
        let read_only = self.read_only || flags.read_only();
        if read_only && !value.is_zero() {
            return Err(SendError(ErrorNumber::ReadOnly));
        }
        let trace = self
            .vm
            .send(
                self.top,
                self.receiver,
                to,
                method,
                params,
                &value,
                read_only,
            )
            .map_err(|e| {
                self.fail(e);
                SendError(ErrorNumber::AssertionFailed)
            })?;
        let result = match trace.send_error {
            Some(number) => Err(SendError(number)),
            None => Ok(Response {
                exit_code: trace.code,
                return_data: trace.ret.clone(),
            }),
        };
        self.subinvocations.borrow_mut().push(trace);
        result
    }

    fn new_actor_address(&self) -> Result<Address, ActorError> {
        let mut bytes = fvm_ipld_encoding::to_vec(&self.top.origin_address)
            .map_err(|e| ActorError::assertion_failed(e.to_string()))?;
        bytes.extend_from_slice(&self.top.nonce.to_be_bytes());
        bytes.extend_from_slice(&self.top.actors_created.get().to_be_bytes());
        Ok(Address::new_actor(&bytes))
    }

    fn create_actor(
        &self,
        code_id: Cid,
        actor_id: ActorID,
        predictable_address: Option<Address>,
    ) -> Result<(), ActorError> {
        let what = format!("failed to create actor {actor_id} with code {code_id}");
        if self.receiver != INIT_ACTOR_ID {
            return Err(ActorError::forbidden(format!(
                "{what}: only init may create actors"
            )));
        }
        if self.read_only {
            return Err(ActorError::read_only(format!("{what}: read-only")));
        }
        let placeholder = self.vm.codes.code(Type::Placeholder);
        if code_id == placeholder {
            return Err(ActorError::forbidden(format!(
                "{what}: cannot construct a placeholder"
            )));
        }
        let actor = match self.actor(actor_id) {
            Some(mut existing) if existing.code == placeholder => {
                if existing.delegated_address != predictable_address {
                    return Err(ActorError::forbidden(format!(
                        "{what}: placeholder has a different delegated address"
                    )));
                }
                existing.code = code_id;
                existing
            }
            Some(_) => return Err(ActorError::forbidden(format!("{what}: actor exists"))),
            None => ActorState::new_empty(code_id, predictable_address),
        };
        self.vm.tree.borrow_mut().set_actor(actor_id, actor);
        self.top
            .actors_created
            .set(self.top.actors_created.get() + 1);
        Ok(())
    }

    fn delete_actor(&self) -> Result<(), ActorError> {
        if self.read_only {
            return Err(ActorError::read_only("failed to delete actor: read-only"));
        }
        let balance = self.current_balance();
        if !balance.is_zero() {
            match self
                .vm
                .transfer(self.receiver, BURNT_FUNDS_ACTOR_ID, &balance)
            {
                Ok(Ok(())) => {}
                Ok(Err(number)) => {
                    return Err(self.fail(anyhow!("burning the balance failed: {number}")))
                }
                Err(e) => return Err(self.fail(e)),
            }
        }
        self.vm.tree.borrow_mut().delete_actor(self.receiver);
        Ok(())
    }

    fn total_fil_circ_supply(&self) -> TokenAmount {
        chain::circulating_supply()
    }

    fn base_fee(&self) -> TokenAmount {
        TokenAmount::from_atto(0)
    }

    fn charge_gas(&self, _name: &'static str, _compute: i64) {}

    fn gas_available(&self) -> u64 {
        chain::GAS_LIMIT
    }

    fn tipset_timestamp(&self) -> u64 {
        chain::timestamp(self.vm.epoch)
    }

    fn tipset_cid(&self, epoch: i64) -> Result<Cid, ActorError> {
        let now = self.vm.epoch;
        if epoch < 0 || epoch >= now || now - epoch > LOOKBACK_LIMIT {
            return Err(ActorError::illegal_argument(format!(
                "no tipset CID for epoch {epoch} at epoch {now}"
            )));
        }
        Ok(chain::tipset_cid(epoch))
    }

    fn emit_event(&self, event: &ActorEvent) -> Result<(), ActorError> {
        if self.read_only {
            return Err(ActorError::read_only(
                "cannot emit an event in a read-only context",
            ));
        }
        self.top
            .events
            .borrow_mut()
            .push(StampedEvent::new(self.receiver, event.clone()));
        Ok(())
    }

    fn read_only(&self) -> bool {
        self.read_only
    }
}

impl RuntimePolicy for InvocationCtx<'_> {
    fn policy(&self) -> &Policy {
        &self.vm.policy
    }
}

impl Primitives for InvocationCtx<'_> {
    fn hash_blake2b(&self, data: &[u8]) -> [u8; 32] {
        blake2b(data)
    }

    fn hash(&self, hasher: SupportedHashes, data: &[u8]) -> Vec<u8> {
        let code = match hasher {
            SupportedHashes::Sha2_256 => Code::Sha2_256,
            SupportedHashes::Blake2b256 => Code::Blake2b256,
            SupportedHashes::Blake2b512 => Code::Blake2b512,
            SupportedHashes::Keccak256 => Code::Keccak256,
            SupportedHashes::Ripemd160 => Code::Ripemd160,
        };
        code.digest(data).digest().to_vec()
    }

    fn compute_unsealed_sector_cid(
        &self,
        proof_type: RegisteredSealProof,
        pieces: &[PieceInfo],
    ) -> Result<Cid, anyhow::Error> {
        super::comm_d::compute_unsealed_sector_cid(proof_type, pieces)
    }

    fn verify_signature(
        &self,
        signature: &Signature,
        signer: &Address,
        plaintext: &[u8],
    ) -> Result<(), anyhow::Error> {
        signature.verify(plaintext, signer).map_err(|e| anyhow!(e))
    }

    fn recover_secp_public_key(
        &self,
        hash: &[u8; SECP_SIG_MESSAGE_HASH_SIZE],
        signature: &[u8; SECP_SIG_LEN],
    ) -> Result<[u8; SECP_PUB_LEN], anyhow::Error> {
        fvm_shared::crypto::signature::ops::recover_secp_public_key(hash, signature)
            .map_err(|e| anyhow!("{e}"))
    }
}

impl Verifier for InvocationCtx<'_> {
    fn batch_verify_seals(&self, batch: &[SealVerifyInfo]) -> anyhow::Result<Vec<bool>> {
        Ok(fake_proofs::batch_verify_seals(batch))
    }

    fn verify_aggregate_seals(
        &self,
        aggregate: &AggregateSealVerifyProofAndInfos,
    ) -> Result<(), anyhow::Error> {
        fake_proofs::verify_aggregate_seals(aggregate)
    }

    fn verify_post(&self, verify_info: &WindowPoStVerifyInfo) -> Result<(), anyhow::Error> {
        fake_proofs::verify_post(verify_info)
    }

    fn verify_replica_update(&self, replica: &ReplicaUpdateInfo) -> Result<(), anyhow::Error> {
        fake_proofs::verify_replica_update(replica)
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
