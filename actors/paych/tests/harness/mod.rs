//! Shared set-up for the payment channel's unit tests: a mock runtime at the channel's address
//! with the payer, the payee and a stranger, vouchers, and one helper per method that sets the
//! caller and the expectations (the signer's authentication included) and calls it. Each test
//! binary uses a subset of it.
#![allow(dead_code)]

use fil_actor_paych::ext::account::{AuthenticateMessageParams, AUTHENTICATE_MESSAGE_METHOD};
use fil_actor_paych::testing::check_state_invariants;
use fil_actor_paych::{
    Actor, ConstructorParams, LaneState, LaneStates, Method, SignedVoucher, State,
    UpdateChannelStateParams,
};
use fil_actors_runtime::test_utils::{builtin_code_cid, ExpectedSend, MockRuntime};
use fil_actors_runtime::{ActorError, Type, INIT_ACTOR_ADDR};
use fvm_ipld_encoding::ipld_block::IpldBlock;
use fvm_shared::address::Address;
use fvm_shared::crypto::signature::Signature;
use fvm_shared::econ::TokenAmount;
use fvm_shared::error::ExitCode;
use fvm_shared::sys::SendFlags;
use fvm_shared::MethodNum;
use serde::Serialize;

pub const PAYCH: Address = Address::new_id(1000);
pub const PAYER: Address = Address::new_id(101);
pub const PAYEE: Address = Address::new_id(102);
pub const EVE: Address = Address::new_id(103);

pub fn atto(n: i64) -> TokenAmount {
    TokenAmount::from_atto(n)
}

/// A runtime for the channel, whose parties and `EVE` are accounts.
pub fn new_runtime() -> MockRuntime {
    let rt = MockRuntime::new(PAYCH);
    for account in [PAYER, PAYEE, EVE] {
        rt.actor_code_cids
            .borrow_mut()
            .insert(account.id().unwrap(), builtin_code_cid(Type::Account));
    }
    rt
}

pub fn construct_with(
    rt: &MockRuntime,
    params: &ConstructorParams,
) -> Result<Option<IpldBlock>, ActorError> {
    rt.set_caller(builtin_code_cid(Type::Init), INIT_ACTOR_ADDR);
    rt.expect_validate_caller_type(vec![Type::Init]);
    let ret = call(rt, Method::Constructor as MethodNum, params);
    rt.verify();
    ret
}

/// A channel from `PAYER` to `PAYEE` holding `balance`.
pub fn setup(balance: TokenAmount) -> MockRuntime {
    let rt = new_runtime();
    let params = ConstructorParams {
        from: PAYER,
        to: PAYEE,
    };
    assert_eq!(construct_with(&rt, &params), Ok(None));
    rt.set_balance(balance);
    rt
}

pub fn state(rt: &MockRuntime) -> State {
    rt.get_state()
}

/// Every lane, by number.
pub fn lanes(rt: &MockRuntime) -> Vec<(u64, LaneState)> {
    let st = state(rt);
    let lanes = LaneStates::load(&rt.store, &st.lane_states, "lanes").unwrap();
    let mut all = Vec::new();
    lanes
        .for_each(|i, lane| {
            all.push((i, lane.clone()));
            Ok(())
        })
        .unwrap();
    all
}

pub fn lane(redeemed: i64, nonce: u64) -> LaneState {
    LaneState {
        redeemed: atto(redeemed),
        nonce,
    }
}

/// Checks the invariants of the current state against the current balance.
pub fn assert_invariants(rt: &MockRuntime) {
    let (_, acc) = check_state_invariants(&state(rt), &rt.store, &rt.balance.borrow());
    acc.assert_empty();
}

pub fn call<P: Serialize>(
    rt: &MockRuntime,
    method: MethodNum,
    params: &P,
) -> Result<Option<IpldBlock>, ActorError> {
    rt.call::<Actor>(method, IpldBlock::serialize_cbor(params).unwrap())
}

pub fn set_account_caller(rt: &MockRuntime, caller: Address) {
    rt.set_caller(builtin_code_cid(Type::Account), caller);
}

/// A voucher for this channel worth `amount` on `lane`, with no conditions.
pub fn voucher(lane: u64, nonce: u64, amount: i64) -> SignedVoucher {
    SignedVoucher {
        channel_addr: PAYCH,
        time_lock_min: 0,
        time_lock_max: 0,
        secret_pre_image: vec![],
        extra: None,
        lane,
        nonce,
        amount: atto(amount),
        min_settle_height: 0,
        merges: vec![],
        signature: Some(Signature::new_secp256k1(vec![0x5a; 65])),
    }
}

/// How the signer's actor answers the authentication of a voucher.
#[derive(Clone, Copy, Debug)]
pub enum Auth {
    /// Returns `true`.
    Valid,
    /// Returns `false`.
    False,
    /// Aborts with this code, as an account does for a bad signature.
    Refused(ExitCode),
    /// Returns nothing.
    Nothing,
}

/// Expects the channel to ask `signer` to authenticate `sv`'s signature.
pub fn expect_authentication(rt: &MockRuntime, signer: Address, sv: &SignedVoucher, auth: Auth) {
    let params = AuthenticateMessageParams {
        signature: sv.signature.clone().unwrap().bytes,
        message: sv.signing_bytes().unwrap(),
    };
    let (exit_code, return_data) = match auth {
        Auth::Valid => (ExitCode::OK, IpldBlock::serialize_cbor(&true).unwrap()),
        Auth::False => (ExitCode::OK, IpldBlock::serialize_cbor(&false).unwrap()),
        Auth::Refused(code) => (code, None),
        Auth::Nothing => (ExitCode::OK, None),
    };
    rt.expect_send(ExpectedSend {
        to: signer,
        method: AUTHENTICATE_MESSAGE_METHOD,
        params: IpldBlock::serialize_cbor(&params).unwrap(),
        value: TokenAmount::default(),
        gas_limit: None,
        flags: SendFlags::READ_ONLY,
        return_data,
        exit_code,
        send_error: None,
    });
}

/// `caller` redeems `sv` with `secret`; `auth` is the other party's answer, or `None` when the
/// channel is expected to refuse before asking.
pub fn update_with(
    rt: &MockRuntime,
    caller: Address,
    sv: &SignedVoucher,
    secret: &[u8],
    auth: Option<Auth>,
) -> Result<Option<IpldBlock>, ActorError> {
    set_account_caller(rt, caller);
    rt.expect_validate_caller_addr(vec![PAYER, PAYEE]);
    if let Some(auth) = auth {
        let signer = if caller == PAYER { PAYEE } else { PAYER };
        expect_authentication(rt, signer, sv, auth);
    }
    let ret = call(
        rt,
        Method::UpdateChannelState as MethodNum,
        &UpdateChannelStateParams {
            sv: sv.clone(),
            secret: secret.to_vec(),
        },
    );
    rt.verify();
    ret
}

/// The payee redeems `sv`, signed by the payer, successfully.
pub fn redeem(rt: &MockRuntime, sv: &SignedVoucher) {
    assert_eq!(update_with(rt, PAYEE, sv, &[], Some(Auth::Valid)), Ok(None));
}

pub fn settle(rt: &MockRuntime, caller: Address) -> Result<Option<IpldBlock>, ActorError> {
    set_account_caller(rt, caller);
    rt.expect_validate_caller_addr(vec![PAYER, PAYEE]);
    let ret = rt.call::<Actor>(Method::Settle as MethodNum, None);
    rt.verify();
    ret
}
