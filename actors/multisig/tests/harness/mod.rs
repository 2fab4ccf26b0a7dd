//! Shared set-up for the multisig's unit tests: a mock runtime at the multisig's address with
//! four signer accounts, and one helper per method that sets the caller and the expectations and
//! calls it. Each test binary uses a subset of it.
#![allow(dead_code)]

use fil_actor_multisig::testing::check_state_invariants;
use fil_actor_multisig::{
    compute_proposal_hash, Actor, ApproveReturn, ConstructorParams, Method, PendingTxnMap,
    ProposeParams, ProposeReturn, State, Transaction, TxnID, TxnIDParams,
};
use fil_actors_runtime::test_utils::{builtin_code_cid, MockRuntime};
use fil_actors_runtime::{ActorError, Type, INIT_ACTOR_ADDR};
use fvm_ipld_encoding::ipld_block::IpldBlock;
use fvm_ipld_encoding::RawBytes;
use fvm_shared::address::Address;
use fvm_shared::econ::TokenAmount;
use fvm_shared::error::ExitCode;
use fvm_shared::{MethodNum, METHOD_SEND};
use serde::de::DeserializeOwned;
use serde::Serialize;

pub const MSIG: Address = Address::new_id(1000);
pub const ANNE: Address = Address::new_id(101);
pub const BOB: Address = Address::new_id(102);
pub const CHUCK: Address = Address::new_id(103);
pub const DINAH: Address = Address::new_id(104);
/// An account that is not a signer.
pub const EVE: Address = Address::new_id(105);
/// Where proposals send their value.
pub const PAYEE: Address = Address::new_id(200);

pub fn atto(n: i64) -> TokenAmount {
    TokenAmount::from_atto(n)
}

/// A runtime for the multisig whose accounts (the signers, `EVE` and `PAYEE`) exist.
pub fn new_runtime() -> MockRuntime {
    let rt = MockRuntime::new(MSIG);
    for account in [ANNE, BOB, CHUCK, DINAH, EVE, PAYEE] {
        rt.actor_code_cids
            .borrow_mut()
            .insert(account.id().unwrap(), builtin_code_cid(Type::Account));
    }
    rt.actor_code_cids
        .borrow_mut()
        .insert(MSIG.id().unwrap(), builtin_code_cid(Type::Multisig));
    rt
}

pub fn params(signers: &[Address], threshold: u64) -> ConstructorParams {
    ConstructorParams {
        signers: signers.to_vec(),
        num_approvals_threshold: threshold,
        unlock_duration: 0,
        start_epoch: 0,
    }
}

/// Calls the constructor from the init actor with `value`.
pub fn construct_with(
    rt: &MockRuntime,
    params: &ConstructorParams,
    value: TokenAmount,
) -> Result<Option<IpldBlock>, ActorError> {
    rt.set_caller(builtin_code_cid(Type::Init), INIT_ACTOR_ADDR);
    rt.set_received(value);
    rt.expect_validate_caller_addr(vec![INIT_ACTOR_ADDR]);
    let ret = call(rt, Method::Constructor as MethodNum, params);
    rt.verify();
    rt.set_received(TokenAmount::default());
    ret
}

/// A constructed multisig of `signers` with `threshold`, holding `balance`.
pub fn setup(signers: &[Address], threshold: u64, balance: TokenAmount) -> MockRuntime {
    let rt = new_runtime();
    assert_eq!(
        construct_with(&rt, &params(signers, threshold), TokenAmount::default()),
        Ok(None)
    );
    rt.set_balance(balance);
    rt
}

pub fn state(rt: &MockRuntime) -> State {
    rt.get_state()
}

/// The pending transactions, by number.
pub fn pending(rt: &MockRuntime) -> Vec<(TxnID, Transaction)> {
    let st = state(rt);
    let map = PendingTxnMap::load(&rt.store, &st.pending_txs, "pending").unwrap();
    let mut all = Vec::new();
    map.for_each(|id, txn| {
        all.push((id, txn.clone()));
        Ok(())
    })
    .unwrap();
    all.sort_by_key(|(id, _)| *id);
    all
}

/// Checks the invariants of the current state.
pub fn assert_invariants(rt: &MockRuntime) {
    let (_, acc) = check_state_invariants(&state(rt), &rt.store);
    acc.assert_empty();
}

pub fn call<P: Serialize>(
    rt: &MockRuntime,
    method: MethodNum,
    params: &P,
) -> Result<Option<IpldBlock>, ActorError> {
    rt.call::<Actor>(method, IpldBlock::serialize_cbor(params).unwrap())
}

pub fn decode<T: DeserializeOwned>(ret: Option<IpldBlock>) -> T {
    ret.expect("a return value").deserialize().unwrap()
}

pub fn set_account_caller(rt: &MockRuntime, caller: Address) {
    rt.set_caller(builtin_code_cid(Type::Account), caller);
}

/// A proposal to pay `value` to `PAYEE` with a plain send.
pub fn payment(value: TokenAmount) -> ProposeParams {
    ProposeParams {
        to: PAYEE,
        value,
        method: METHOD_SEND,
        params: RawBytes::default(),
    }
}

/// What the multisig is expected to send when a proposal is applied, and how the receiver
/// answers.
pub struct Send {
    pub exit_code: ExitCode,
    pub return_data: Option<IpldBlock>,
}

impl Send {
    pub fn ok() -> Self {
        Send {
            exit_code: ExitCode::OK,
            return_data: None,
        }
    }
}

fn expect_send(rt: &MockRuntime, p: &ProposeParams, send: Send) {
    rt.expect_send_simple(
        p.to,
        p.method,
        p.params.clone().into(),
        p.value.clone(),
        send.return_data,
        send.exit_code,
    );
}

/// `caller` proposes `p`; `send` is the message's fate when the proposal applies at once.
pub fn propose_with(
    rt: &MockRuntime,
    caller: Address,
    p: &ProposeParams,
    send: Option<Send>,
) -> Result<Option<IpldBlock>, ActorError> {
    set_account_caller(rt, caller);
    rt.expect_validate_caller_any();
    if let Some(send) = send {
        expect_send(rt, p, send);
    }
    let ret = call(rt, Method::Propose as MethodNum, p);
    rt.verify();
    ret
}

/// `caller` proposes `p`, which is not applied yet; returns its number.
pub fn propose_ok(rt: &MockRuntime, caller: Address, p: &ProposeParams) -> TxnID {
    let ret: ProposeReturn = decode(propose_with(rt, caller, p, None).unwrap());
    assert!(!ret.applied, "proposal applied unexpectedly");
    ret.txn_id
}

/// `caller` approves transaction `id` naming `hash`; `send` is the message's fate if applied.
pub fn approve_with(
    rt: &MockRuntime,
    caller: Address,
    id: TxnID,
    hash: Vec<u8>,
    send: Option<(&ProposeParams, Send)>,
) -> Result<Option<IpldBlock>, ActorError> {
    set_account_caller(rt, caller);
    rt.expect_validate_caller_any();
    if let Some((p, send)) = send {
        expect_send(rt, p, send);
    }
    let ret = call(
        rt,
        Method::Approve as MethodNum,
        &TxnIDParams {
            id,
            proposal_hash: hash,
        },
    );
    rt.verify();
    ret
}

/// `caller` approves transaction `id` (no hash), which is then sent as `p` and succeeds.
pub fn approve_and_apply(rt: &MockRuntime, caller: Address, id: TxnID, p: &ProposeParams) {
    let ret: ApproveReturn =
        decode(approve_with(rt, caller, id, vec![], Some((p, Send::ok()))).unwrap());
    assert_eq!(
        ret,
        ApproveReturn {
            applied: true,
            code: ExitCode::OK,
            ret: RawBytes::default()
        }
    );
}

pub fn cancel_with(
    rt: &MockRuntime,
    caller: Address,
    id: TxnID,
    hash: Vec<u8>,
) -> Result<Option<IpldBlock>, ActorError> {
    set_account_caller(rt, caller);
    rt.expect_validate_caller_any();
    let ret = call(
        rt,
        Method::Cancel as MethodNum,
        &TxnIDParams {
            id,
            proposal_hash: hash,
        },
    );
    rt.verify();
    ret
}

/// The proposal hash of a pending transaction, as a signer would compute it off-chain.
pub fn hash_of(rt: &MockRuntime, txn: &Transaction) -> Vec<u8> {
    compute_proposal_hash(txn, rt).unwrap().to_vec()
}

/// Calls one of the self-only methods as the multisig itself.
pub fn call_as_self<P: Serialize>(
    rt: &MockRuntime,
    method: Method,
    params: &P,
) -> Result<Option<IpldBlock>, ActorError> {
    rt.set_caller(builtin_code_cid(Type::Multisig), MSIG);
    rt.expect_validate_caller_addr(vec![MSIG]);
    let ret = call(rt, method as MethodNum, params);
    rt.verify();
    ret
}
