//! `MockRuntime`: a `Runtime` for unit tests. The test sets the scene (caller, epoch, balances,
//! addresses), says what the actor is expected to ask (`expect_*`), calls a method, and checks the
//! result and the state. Any request the test did not expect panics; any expectation not met by
//! the end of the test (`verify`, or when the runtime is dropped) panics too.

use std::cell::{Cell, RefCell};
use std::collections::HashMap;

use cid::Cid;
use fvm_ipld_blockstore::MemoryBlockstore;
use fvm_ipld_encoding::ipld_block::IpldBlock;
use fvm_ipld_encoding::CborStore;
use fvm_shared::address::{Address, Payload};
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
use multihash_codetable::{Code, MultihashDigest};
use serde::de::DeserializeOwned;

use super::builtin_code_cid;
use super::expectations::*;
use crate::builtin::{Type, ALL_TYPES};
use crate::runtime::{
    DomainSeparationTag, MessageInfo, Policy, Primitives, Runtime, RuntimePolicy, Verifier,
};
use crate::{ActorCode, ActorError, SendError, EMPTY_ARR_CID};

/// The mock runtime. Fields are public so tests can set the scene directly.
pub struct MockRuntime {
    pub epoch: Cell<ChainEpoch>,
    pub network_version: Cell<NetworkVersion>,
    pub chain_id: ChainID,
    /// The actor under test.
    pub receiver: Address,
    /// The immediate caller (an ID address) and its code.
    pub caller: Cell<Address>,
    pub caller_code: Cell<Cid>,
    pub origin: Cell<Address>,
    pub value_received: RefCell<TokenAmount>,
    pub gas_premium: RefCell<TokenAmount>,
    pub nonce: Cell<u64>,
    /// This actor's balance; sends draw from it.
    pub balance: RefCell<TokenAmount>,
    /// Other actors' balances, by ID.
    pub actor_balances: RefCell<HashMap<ActorID, TokenAmount>>,
    /// Non-ID addresses and the IDs they resolve to.
    pub id_addresses: RefCell<HashMap<Address, ActorID>>,
    /// Delegated (f4) addresses by ID.
    pub delegated_addresses: RefCell<HashMap<ActorID, Address>>,
    /// Code CIDs by actor ID.
    pub actor_code_cids: RefCell<HashMap<ActorID, Cid>>,
    /// The address `new_actor_address` hands out next.
    pub new_actor_addr: RefCell<Option<Address>>,
    pub state: Cell<Cid>,
    pub store: MemoryBlockstore,
    pub policy: Policy,
    pub circulating_supply: RefCell<TokenAmount>,
    pub base_fee: RefCell<TokenAmount>,
    pub tipset_timestamp: Cell<u64>,
    /// Tipset CIDs by epoch.
    pub tipset_cids: RefCell<Vec<Cid>>,
    pub gas_available: Cell<u64>,
    pub read_only: Cell<bool>,
    /// Drand beacon digests by epoch (`get_beacon_digest`).
    pub beacon_digests: RefCell<HashMap<ChainEpoch, [u8; 32]>>,
    pub expectations: RefCell<Expectations>,
    in_call: Cell<bool>,
    caller_validated: Cell<bool>,
}

impl MockRuntime {
    /// A runtime for the actor at `receiver` (an ID address), at epoch 0, called by the system
    /// actor, with the test network's policy.
    pub fn new(receiver: Address) -> Self {
        MockRuntime {
            epoch: Cell::new(0),
            network_version: Cell::new(NetworkVersion::V28),
            chain_id: ChainID::from(0),
            receiver,
            caller: Cell::new(crate::SYSTEM_ACTOR_ADDR),
            caller_code: Cell::new(builtin_code_cid(Type::System)),
            origin: Cell::new(crate::SYSTEM_ACTOR_ADDR),
            value_received: RefCell::new(TokenAmount::from_atto(0)),
            gas_premium: RefCell::new(TokenAmount::from_atto(0)),
            nonce: Cell::new(0),
            balance: RefCell::new(TokenAmount::from_atto(0)),
            actor_balances: RefCell::new(HashMap::new()),
            id_addresses: RefCell::new(HashMap::new()),
            delegated_addresses: RefCell::new(HashMap::new()),
            actor_code_cids: RefCell::new(HashMap::from([(
                crate::SYSTEM_ACTOR_ID,
                builtin_code_cid(Type::System),
            )])),
            new_actor_addr: RefCell::new(None),
            state: Cell::new(*EMPTY_ARR_CID),
            store: MemoryBlockstore::new(),
            policy: Policy::testing(),
            circulating_supply: RefCell::new(TokenAmount::from_atto(0)),
            base_fee: RefCell::new(TokenAmount::from_atto(100)),
            tipset_timestamp: Cell::new(0),
            tipset_cids: RefCell::new(Vec::new()),
            gas_available: Cell::new(10_000_000_000),
            read_only: Cell::new(false),
            beacon_digests: RefCell::new(HashMap::new()),
            expectations: RefCell::new(Expectations::default()),
            in_call: Cell::new(false),
            caller_validated: Cell::new(false),
        }
    }

    // --- setting the scene ---

    /// Sets the immediate caller and its code; the caller's code is also recorded by its ID.
    pub fn set_caller(&self, code: Cid, caller: Address) {
        self.caller.set(caller);
        self.caller_code.set(code);
        if let Ok(id) = caller.id() {
            self.actor_code_cids.borrow_mut().insert(id, code);
        }
    }

    /// Sets the origin of the top-level message.
    pub fn set_origin(&self, origin: Address) {
        self.origin.set(origin);
    }

    /// Sets the value received with the next call; it is also added to the balance, as the
    /// FVM credits the value before the actor runs.
    pub fn set_received(&self, value: TokenAmount) {
        *self.balance.borrow_mut() += &value;
        *self.value_received.borrow_mut() = value;
    }

    pub fn set_balance(&self, balance: TokenAmount) {
        *self.balance.borrow_mut() = balance;
    }

    pub fn set_epoch(&self, epoch: ChainEpoch) {
        self.epoch.set(epoch);
    }

    pub fn set_circulating_supply(&self, supply: TokenAmount) {
        *self.circulating_supply.borrow_mut() = supply;
    }

    /// Records that `address` (not an ID address) resolves to `id`.
    pub fn add_id_address(&self, address: Address, id: ActorID) {
        self.id_addresses.borrow_mut().insert(address, id);
    }

    /// Records an f4 address for `id` (it also resolves back to `id`).
    pub fn set_delegated_address(&self, id: ActorID, address: Address) {
        self.delegated_addresses.borrow_mut().insert(id, address);
        self.add_id_address(address, id);
    }

    pub fn set_address_actor_type(&self, address: Address, code: Cid) {
        if let Some(id) = self.resolve_address(&address) {
            self.actor_code_cids.borrow_mut().insert(id, code);
        }
    }

    /// The actor's state, decoded.
    pub fn get_state<T: DeserializeOwned>(&self) -> T {
        match self.store.get_cbor(&self.state.get()) {
            Ok(Some(s)) => s,
            other => panic!(
                "state {} cannot be read: {:?}",
                self.state.get(),
                other.err()
            ),
        }
    }

    /// Replaces the actor's state outright (test setup).
    pub fn replace_state<T: serde::Serialize>(&self, state: &T) {
        match self.store.put_cbor(state, Code::Blake2b256) {
            Ok(cid) => self.state.set(cid),
            Err(e) => panic!("cannot write state: {}", e),
        }
    }

    // --- calling the actor ---

    /// Invokes a method as the FVM would. A method that fails leaves state and balance as they
    /// were; a method that succeeds without validating its caller fails the test.
    pub fn call<A: ActorCode>(
        &self,
        method: MethodNum,
        params: Option<IpldBlock>,
    ) -> Result<Option<IpldBlock>, ActorError> {
        assert!(!self.in_call.get(), "call is not re-entrant");
        self.in_call.set(true);
        self.caller_validated.set(false);
        let state_before = self.state.get();
        let balance_before = self.balance.borrow().clone();
        let result = A::invoke_method(self, method, params);
        self.in_call.set(false);
        match &result {
            Err(_) => {
                self.state.set(state_before);
                *self.balance.borrow_mut() = balance_before;
            }
            Ok(_) => assert!(
                self.caller_validated.get(),
                "method {} of {} returned without validating its caller",
                method,
                A::name()
            ),
        }
        result
    }

    // --- expectations ---

    pub fn expect_validate_caller_any(&self) {
        self.expectations.borrow_mut().validate_caller_any = true;
    }

    pub fn expect_validate_caller_addr(&self, addresses: Vec<Address>) {
        assert!(!addresses.is_empty(), "addresses must be non-empty");
        self.expectations.borrow_mut().validate_caller_addr = Some(addresses);
    }

    pub fn expect_validate_caller_type(&self, types: Vec<Type>) {
        assert!(!types.is_empty(), "types must be non-empty");
        self.expectations.borrow_mut().validate_caller_type = Some(types);
    }

    pub fn expect_validate_caller_namespace(&self, namespaces: Vec<ActorID>) {
        self.expectations.borrow_mut().validate_caller_namespace = Some(namespaces);
    }

    /// Expects a send with all remaining gas and no flags, which the receiver answers with
    /// `exit_code` and `return_data`.
    pub fn expect_send_simple(
        &self,
        to: Address,
        method: MethodNum,
        params: Option<IpldBlock>,
        value: TokenAmount,
        return_data: Option<IpldBlock>,
        exit_code: ExitCode,
    ) {
        self.expect_send(ExpectedSend {
            to,
            method,
            params,
            value,
            gas_limit: None,
            flags: SendFlags::default(),
            return_data,
            exit_code,
            send_error: None,
        })
    }

    pub fn expect_send(&self, send: ExpectedSend) {
        self.expectations.borrow_mut().sends.push_back(send);
    }

    pub fn expect_create_actor(
        &self,
        code_id: Cid,
        actor_id: ActorID,
        predictable: Option<Address>,
    ) {
        self.expectations.borrow_mut().create_actor = Some(ExpectedCreateActor {
            code_id,
            actor_id,
            predictable_address: predictable,
        });
    }

    pub fn expect_delete_actor(&self) {
        self.expectations.borrow_mut().delete_actor = true;
    }

    pub fn expect_verify_signature(&self, expected: ExpectedVerifySig) {
        self.expectations
            .borrow_mut()
            .verify_sigs
            .push_back(expected);
    }

    pub fn expect_get_randomness_from_tickets(
        &self,
        tag: DomainSeparationTag,
        epoch: ChainEpoch,
        entropy: Vec<u8>,
        out: [u8; RANDOMNESS_LENGTH],
    ) {
        self.expectations
            .borrow_mut()
            .randomness_tickets
            .push_back(ExpectedRandomness {
                tag,
                epoch,
                entropy,
                out,
            });
    }

    pub fn expect_get_randomness_from_beacon(
        &self,
        tag: DomainSeparationTag,
        epoch: ChainEpoch,
        entropy: Vec<u8>,
        out: [u8; RANDOMNESS_LENGTH],
    ) {
        self.expectations
            .borrow_mut()
            .randomness_beacon
            .push_back(ExpectedRandomness {
                tag,
                epoch,
                entropy,
                out,
            });
    }

    /// Expects a secp256k1 public key recovery (the EVM's ecrecover) and answers it.
    pub fn expect_recover_secp_public_key(&self, expected: ExpectedRecoverSecpPublicKey) {
        self.expectations
            .borrow_mut()
            .recover_secp_public_key
            .push_back(expected);
    }

    pub fn expect_compute_unsealed_sector_cid(&self, expected: ExpectedComputeUnsealedSectorCid) {
        self.expectations
            .borrow_mut()
            .compute_unsealed_sector_cid
            .push_back(expected);
    }

    pub fn expect_verify_post(&self, info: WindowPoStVerifyInfo, result: Result<(), String>) {
        self.expectations
            .borrow_mut()
            .verify_post
            .push_back(ExpectedVerifyPost { info, result });
    }

    pub fn expect_batch_verify_seals(&self, batch: Vec<SealVerifyInfo>, result: Vec<bool>) {
        self.expectations
            .borrow_mut()
            .batch_verify_seals
            .push_back(ExpectedBatchVerifySeals { batch, result });
    }

    pub fn expect_aggregate_verify_seals(
        &self,
        aggregate: AggregateSealVerifyProofAndInfos,
        result: Result<(), String>,
    ) {
        self.expectations
            .borrow_mut()
            .aggregate_verify_seals
            .push_back(ExpectedAggregateVerifySeals { aggregate, result });
    }

    pub fn expect_replica_verify(&self, info: ReplicaUpdateInfo, result: Result<(), String>) {
        self.expectations
            .borrow_mut()
            .replica_verify
            .push_back(ExpectedReplicaVerify { info, result });
    }

    pub fn expect_verify_consensus_fault(&self, expected: ExpectedVerifyConsensusFault) {
        self.expectations
            .borrow_mut()
            .verify_consensus_fault
            .push_back(expected);
    }

    pub fn expect_gas_charge(&self, name: &str, compute: i64) {
        self.expectations
            .borrow_mut()
            .gas_charges
            .push_back((name.to_string(), compute));
    }

    pub fn expect_emitted_event(&self, event: ActorEvent) {
        self.expectations.borrow_mut().events.push_back(event);
    }

    /// Panics unless every expectation was met; then starts afresh.
    pub fn verify(&self) {
        let unmet = self.expectations.borrow().unmet();
        assert!(unmet.is_empty(), "expectations not met: {:?}", unmet);
        self.reset();
    }

    /// Drops every expectation (for a test that stops a call half way on purpose).
    pub fn reset(&self) {
        *self.expectations.borrow_mut() = Expectations::default();
    }

    fn require_in_call(&self, what: &str) {
        assert!(self.in_call.get(), "{} called outside a method call", what);
    }

    fn mark_caller_validated(&self) -> Result<(), ActorError> {
        if self.caller_validated.replace(true) {
            return Err(ActorError::assertion_failed("caller validated twice"));
        }
        Ok(())
    }

    fn caller_type(&self) -> Option<Type> {
        self.resolve_builtin_actor_type(&self.caller_code.get())
    }
}

impl Drop for MockRuntime {
    fn drop(&mut self) {
        if !std::thread::panicking() {
            let unmet = self.expectations.borrow().unmet();
            assert!(
                unmet.is_empty(),
                "expectations not met at end of test: {:?}",
                unmet
            );
        }
    }
}

fn pop_expected<T>(queue: Option<T>, what: &str) -> T {
    queue.unwrap_or_else(|| panic!("unexpected {}", what))
}

fn to_result<T>(r: Result<T, String>) -> anyhow::Result<T> {
    r.map_err(anyhow::Error::msg)
}

impl MessageInfo for MockRuntime {
    fn caller(&self) -> Address {
        self.caller.get()
    }
    fn origin(&self) -> Address {
        self.origin.get()
    }
    fn receiver(&self) -> Address {
        self.receiver
    }
    fn value_received(&self) -> TokenAmount {
        self.value_received.borrow().clone()
    }
    fn gas_premium(&self) -> TokenAmount {
        self.gas_premium.borrow().clone()
    }
    fn nonce(&self) -> u64 {
        self.nonce.get()
    }
}

impl Primitives for MockRuntime {
    fn hash_blake2b(&self, data: &[u8]) -> [u8; 32] {
        let mut out = [0u8; 32];
        out.copy_from_slice(Code::Blake2b256.digest(data).digest());
        out
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
    ) -> anyhow::Result<Cid> {
        let e = pop_expected(
            self.expectations
                .borrow_mut()
                .compute_unsealed_sector_cid
                .pop_front(),
            "compute_unsealed_sector_cid",
        );
        assert_eq!(
            (e.proof_type, e.pieces.as_slice()),
            (proof_type, pieces),
            "unsealed CID inputs"
        );
        to_result(e.result)
    }

    fn verify_signature(
        &self,
        signature: &Signature,
        signer: &Address,
        plaintext: &[u8],
    ) -> anyhow::Result<()> {
        let e = pop_expected(
            self.expectations.borrow_mut().verify_sigs.pop_front(),
            "verify_signature",
        );
        assert_eq!(
            (&e.signature, &e.signer, e.plaintext.as_slice()),
            (signature, signer, plaintext),
            "signature verification inputs"
        );
        to_result(e.result)
    }

    fn recover_secp_public_key(
        &self,
        hash: &[u8; SECP_SIG_MESSAGE_HASH_SIZE],
        signature: &[u8; SECP_SIG_LEN],
    ) -> anyhow::Result<[u8; SECP_PUB_LEN]> {
        let e = pop_expected(
            self.expectations
                .borrow_mut()
                .recover_secp_public_key
                .pop_front(),
            "recover_secp_public_key",
        );
        assert_eq!(
            (&e.hash, e.signature.as_slice()),
            (hash, signature.as_slice()),
            "recover_secp_public_key inputs"
        );
        to_result(e.result)
    }
}

impl Verifier for MockRuntime {
    fn batch_verify_seals(&self, batch: &[SealVerifyInfo]) -> anyhow::Result<Vec<bool>> {
        let e = pop_expected(
            self.expectations
                .borrow_mut()
                .batch_verify_seals
                .pop_front(),
            "batch_verify_seals",
        );
        assert_eq!(e.batch.as_slice(), batch, "batch_verify_seals inputs");
        Ok(e.result)
    }

    fn verify_aggregate_seals(
        &self,
        aggregate: &AggregateSealVerifyProofAndInfos,
    ) -> anyhow::Result<()> {
        let e = pop_expected(
            self.expectations
                .borrow_mut()
                .aggregate_verify_seals
                .pop_front(),
            "verify_aggregate_seals",
        );
        assert_eq!(&e.aggregate, aggregate, "verify_aggregate_seals inputs");
        to_result(e.result)
    }

    fn verify_post(&self, info: &WindowPoStVerifyInfo) -> anyhow::Result<()> {
        let e = pop_expected(
            self.expectations.borrow_mut().verify_post.pop_front(),
            "verify_post",
        );
        assert_eq!(&e.info, info, "verify_post inputs");
        to_result(e.result)
    }

    fn verify_replica_update(&self, info: &ReplicaUpdateInfo) -> anyhow::Result<()> {
        let e = pop_expected(
            self.expectations.borrow_mut().replica_verify.pop_front(),
            "verify_replica_update",
        );
        assert_eq!(&e.info, info, "verify_replica_update inputs");
        to_result(e.result)
    }

    fn verify_consensus_fault(
        &self,
        h1: &[u8],
        h2: &[u8],
        extra: &[u8],
    ) -> anyhow::Result<Option<ConsensusFault>> {
        let e = pop_expected(
            self.expectations
                .borrow_mut()
                .verify_consensus_fault
                .pop_front(),
            "verify_consensus_fault",
        );
        assert_eq!(
            (e.h1.as_slice(), e.h2.as_slice(), e.extra.as_slice()),
            (h1, h2, extra),
            "verify_consensus_fault inputs"
        );
        to_result(e.result)
    }
}

impl RuntimePolicy for MockRuntime {
    fn policy(&self) -> &Policy {
        &self.policy
    }
}

impl Runtime for MockRuntime {
    type Blockstore = MemoryBlockstore;

    fn network_version(&self) -> NetworkVersion {
        self.network_version.get()
    }

    fn message(&self) -> &dyn MessageInfo {
        self.require_in_call("message");
        self
    }

    fn curr_epoch(&self) -> ChainEpoch {
        self.epoch.get()
    }

    fn chain_id(&self) -> ChainID {
        self.chain_id
    }

    fn validate_immediate_caller_accept_any(&self) -> Result<(), ActorError> {
        self.require_in_call("validate_immediate_caller_accept_any");
        let expected = std::mem::take(&mut self.expectations.borrow_mut().validate_caller_any);
        assert!(expected, "unexpected validate_immediate_caller_accept_any");
        self.mark_caller_validated()
    }

    fn validate_immediate_caller_is<'a, I>(&self, addresses: I) -> Result<(), ActorError>
    where
        I: IntoIterator<Item = &'a Address>,
    {
        self.require_in_call("validate_immediate_caller_is");
        let addresses: Vec<Address> = addresses.into_iter().copied().collect();
        let expected = self.expectations.borrow_mut().validate_caller_addr.take();
        let expected = pop_expected(expected, "validate_immediate_caller_is");
        assert_eq!(
            expected, addresses,
            "validate_immediate_caller_is addresses"
        );
        self.mark_caller_validated()?;
        let caller = self.caller.get();
        if addresses.contains(&caller) {
            Ok(())
        } else {
            Err(ActorError::forbidden(format!(
                "caller {} is not one of {:?}",
                caller, addresses
            )))
        }
    }

    fn validate_immediate_caller_type<'a, I>(&self, types: I) -> Result<(), ActorError>
    where
        I: IntoIterator<Item = &'a Type>,
    {
        self.require_in_call("validate_immediate_caller_type");
        let types: Vec<Type> = types.into_iter().copied().collect();
        let expected = self.expectations.borrow_mut().validate_caller_type.take();
        let expected = pop_expected(expected, "validate_immediate_caller_type");
        assert_eq!(expected, types, "validate_immediate_caller_type types");
        self.mark_caller_validated()?;
        match self.caller_type() {
            Some(t) if types.contains(&t) => Ok(()),
            other => Err(ActorError::forbidden(format!(
                "caller {} of type {:?} is not one of {:?}",
                self.caller.get(),
                other,
                types
            ))),
        }
    }

    fn validate_immediate_caller_namespace<I>(&self, namespaces: I) -> Result<(), ActorError>
    where
        I: IntoIterator<Item = ActorID>,
    {
        self.require_in_call("validate_immediate_caller_namespace");
        let namespaces: Vec<ActorID> = namespaces.into_iter().collect();
        let expected = self
            .expectations
            .borrow_mut()
            .validate_caller_namespace
            .take();
        let expected = pop_expected(expected, "validate_immediate_caller_namespace");
        assert_eq!(
            expected, namespaces,
            "validate_immediate_caller_namespace namespaces"
        );
        self.mark_caller_validated()?;
        let caller = self.caller.get();
        let namespace = caller
            .id()
            .ok()
            .and_then(|id| self.lookup_delegated_address(id))
            .and_then(|a| match a.payload() {
                Payload::Delegated(d) => Some(d.namespace()),
                _ => None,
            });
        match namespace {
            Some(ns) if namespaces.contains(&ns) => Ok(()),
            _ => Err(ActorError::forbidden(format!(
                "caller {} is not in namespaces {:?}",
                caller, namespaces
            ))),
        }
    }

    fn current_balance(&self) -> TokenAmount {
        self.balance.borrow().clone()
    }

    fn actor_balance(&self, id: ActorID) -> Option<TokenAmount> {
        self.actor_balances.borrow().get(&id).cloned()
    }

    fn resolve_address(&self, address: &Address) -> Option<ActorID> {
        match address.id() {
            Ok(id) => Some(id),
            Err(_) => self.id_addresses.borrow().get(address).copied(),
        }
    }

    fn lookup_delegated_address(&self, id: ActorID) -> Option<Address> {
        self.delegated_addresses.borrow().get(&id).copied()
    }

    fn get_actor_code_cid(&self, id: &ActorID) -> Option<Cid> {
        self.actor_code_cids.borrow().get(id).copied()
    }

    fn resolve_builtin_actor_type(&self, code_id: &Cid) -> Option<Type> {
        ALL_TYPES
            .iter()
            .copied()
            .find(|t| builtin_code_cid(*t) == *code_id)
    }

    fn get_code_cid_for_type(&self, typ: Type) -> Cid {
        builtin_code_cid(typ)
    }

    fn get_randomness_from_tickets(
        &self,
        personalization: DomainSeparationTag,
        rand_epoch: ChainEpoch,
        entropy: &[u8],
    ) -> Result<[u8; RANDOMNESS_LENGTH], ActorError> {
        let e = pop_expected(
            self.expectations
                .borrow_mut()
                .randomness_tickets
                .pop_front(),
            "get_randomness_from_tickets",
        );
        assert_eq!(
            (e.tag, e.epoch, e.entropy.as_slice()),
            (personalization, rand_epoch, entropy),
            "ticket randomness inputs"
        );
        Ok(e.out)
    }

    fn get_randomness_from_beacon(
        &self,
        personalization: DomainSeparationTag,
        rand_epoch: ChainEpoch,
        entropy: &[u8],
    ) -> Result<[u8; RANDOMNESS_LENGTH], ActorError> {
        let e = pop_expected(
            self.expectations.borrow_mut().randomness_beacon.pop_front(),
            "get_randomness_from_beacon",
        );
        assert_eq!(
            (e.tag, e.epoch, e.entropy.as_slice()),
            (personalization, rand_epoch, entropy),
            "beacon randomness inputs"
        );
        Ok(e.out)
    }

    fn get_beacon_digest(&self, rand_epoch: ChainEpoch) -> Result<[u8; 32], ActorError> {
        self.beacon_digests
            .borrow()
            .get(&rand_epoch)
            .copied()
            .ok_or_else(|| {
                ActorError::illegal_argument(format!("no beacon digest at epoch {}", rand_epoch))
            })
    }

    fn get_state_root(&self) -> Result<Cid, ActorError> {
        Ok(self.state.get())
    }

    fn set_state_root(&self, root: &Cid) -> Result<(), ActorError> {
        if self.read_only.get() {
            return Err(ActorError::read_only(
                "cannot change state in a read-only call",
            ));
        }
        self.state.set(*root);
        Ok(())
    }

    fn store(&self) -> &MemoryBlockstore {
        &self.store
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
        self.require_in_call("send");
        let e = pop_expected(
            self.expectations.borrow_mut().sends.pop_front(),
            &format!("send to {} method {}", to, method),
        );
        assert_eq!(
            (&e.to, e.method, &e.params, &e.value, e.gas_limit, e.flags),
            (to, method, &params, &value, gas_limit, flags),
            "send (to, method, params, value, gas limit, flags)"
        );
        if let Some(err) = e.send_error {
            return Err(SendError(err));
        }
        if value > *self.balance.borrow() {
            return Err(SendError(ErrorNumber::InsufficientFunds));
        }
        if e.exit_code.is_success() {
            *self.balance.borrow_mut() -= &value;
        }
        Ok(Response {
            exit_code: e.exit_code,
            return_data: e.return_data,
        })
    }

    fn new_actor_address(&self) -> Result<Address, ActorError> {
        self.require_in_call("new_actor_address");
        Ok(pop_expected(
            self.new_actor_addr.borrow_mut().take(),
            "new_actor_address",
        ))
    }

    fn create_actor(
        &self,
        code_id: Cid,
        actor_id: ActorID,
        predictable_address: Option<Address>,
    ) -> Result<(), ActorError> {
        self.require_in_call("create_actor");
        let e = pop_expected(
            self.expectations.borrow_mut().create_actor.take(),
            "create_actor",
        );
        assert_eq!(
            (e.code_id, e.actor_id, e.predictable_address),
            (code_id, actor_id, predictable_address),
            "create_actor inputs"
        );
        self.actor_code_cids.borrow_mut().insert(actor_id, code_id);
        Ok(())
    }

    fn delete_actor(&self) -> Result<(), ActorError> {
        self.require_in_call("delete_actor");
        let expected = std::mem::take(&mut self.expectations.borrow_mut().delete_actor);
        assert!(expected, "unexpected delete_actor");
        Ok(())
    }

    fn total_fil_circ_supply(&self) -> TokenAmount {
        self.circulating_supply.borrow().clone()
    }

    fn base_fee(&self) -> TokenAmount {
        self.base_fee.borrow().clone()
    }

    fn charge_gas(&self, name: &'static str, compute: i64) {
        let e = pop_expected(
            self.expectations.borrow_mut().gas_charges.pop_front(),
            &format!("charge_gas {} {}", name, compute),
        );
        assert_eq!((e.0.as_str(), e.1), (name, compute), "gas charge");
    }

    fn gas_available(&self) -> u64 {
        self.gas_available.get()
    }

    fn tipset_timestamp(&self) -> u64 {
        self.tipset_timestamp.get()
    }

    fn tipset_cid(&self, epoch: i64) -> Result<Cid, ActorError> {
        usize::try_from(epoch)
            .ok()
            .and_then(|i| self.tipset_cids.borrow().get(i).copied())
            .ok_or_else(|| {
                ActorError::illegal_argument(format!("no tipset CID for epoch {}", epoch))
            })
    }

    fn emit_event(&self, event: &ActorEvent) -> Result<(), ActorError> {
        self.require_in_call("emit_event");
        if self.read_only.get() {
            return Err(ActorError::read_only(
                "cannot emit events in a read-only call",
            ));
        }
        let e = pop_expected(
            self.expectations.borrow_mut().events.pop_front(),
            "emit_event",
        );
        assert_eq!(&e, event, "emitted event");
        Ok(())
    }

    fn read_only(&self) -> bool {
        self.read_only.get()
    }
}
