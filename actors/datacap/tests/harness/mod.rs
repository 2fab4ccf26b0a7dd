//! Shared set-up for the datacap actor's unit tests: a mock runtime at the datacap actor's
//! address governed by the verified registry, whole-token amounts, and one helper per kind of
//! call (setting the caller and the expected receiver hook). Each test binary uses a subset.
#![allow(dead_code)]

use fil_actor_datacap::testing::check_state_invariants;
use fil_actor_datacap::{Actor, Method, MintParams, MintReturn, State};
use fil_actors_runtime::test_utils::{builtin_code_cid, MockRuntime};
use fil_actors_runtime::{
    ActorError, Type, DATACAP_TOKEN_ACTOR_ADDR, DATACAP_TOKEN_ACTOR_ID, SYSTEM_ACTOR_ADDR,
    VERIFIED_REGISTRY_ACTOR_ADDR, VERIFIED_REGISTRY_ACTOR_ID,
};
use frc46_token::receiver::{FRC46TokenReceived, FRC46_TOKEN_TYPE};
use fvm_actor_utils::receiver::UniversalReceiverParams;
use fvm_ipld_encoding::ipld_block::IpldBlock;
use fvm_ipld_encoding::RawBytes;
use fvm_shared::address::Address;
use fvm_shared::econ::TokenAmount;
use fvm_shared::error::ExitCode;
use fvm_shared::{ActorID, MethodNum};
use serde::de::DeserializeOwned;
use serde::Serialize;

pub const GOVERNOR: Address = VERIFIED_REGISTRY_ACTOR_ADDR;
pub const ALICE: Address = Address::new_id(101);
pub const BOB: Address = Address::new_id(102);
/// An operator a client might approve (the market, in v18's flows).
pub const OPERATOR: Address = Address::new_id(5);
pub const RECEIVE_METHOD: MethodNum = fil_actors_runtime::method_hash!("Receive");

/// `n` whole datacap tokens (`n` bytes of verified storage).
pub fn tokens(n: i64) -> TokenAmount {
    TokenAmount::from_whole(n)
}

pub fn id(address: &Address) -> ActorID {
    address.id().unwrap()
}

/// A runtime with the datacap actor constructed, governed by the verified registry, and two
/// accounts (ALICE, BOB) plus the market known to it.
pub fn setup() -> MockRuntime {
    let rt = MockRuntime::new(DATACAP_TOKEN_ACTOR_ADDR);
    rt.set_caller(builtin_code_cid(Type::System), SYSTEM_ACTOR_ADDR);
    rt.expect_validate_caller_addr(vec![SYSTEM_ACTOR_ADDR]);
    let ret = call::<_, ()>(&rt, Method::Constructor, &GOVERNOR);
    assert_eq!(ret, Ok(()));
    rt.verify();
    rt
}

pub fn state(rt: &MockRuntime) -> State {
    rt.get_state()
}

/// Checks the datacap state's invariants.
pub fn assert_invariants(rt: &MockRuntime) {
    let (_, acc) = check_state_invariants(&state(rt), &rt.store);
    acc.assert_empty();
}

/// Calls `method` with CBOR `params` and decodes the return (`()` for none).
pub fn call<P: Serialize, R: DeserializeOwned>(
    rt: &MockRuntime,
    method: Method,
    params: &P,
) -> Result<R, ActorError> {
    let ret = rt.call::<Actor>(
        method as MethodNum,
        IpldBlock::serialize_cbor(params).unwrap(),
    )?;
    Ok(decode(ret))
}

/// Calls a method that takes no parameters.
pub fn call_bare<R: DeserializeOwned>(rt: &MockRuntime, method: Method) -> Result<R, ActorError> {
    let ret = rt.call::<Actor>(method as MethodNum, None)?;
    Ok(decode(ret))
}

fn decode<R: DeserializeOwned>(ret: Option<IpldBlock>) -> R {
    match ret {
        Some(block) => block.deserialize().unwrap(),
        None => fvm_ipld_encoding::from_slice(&[0xf6]).unwrap(),
    }
}

/// Sets an account as the caller.
pub fn caller_account(rt: &MockRuntime, who: Address) {
    rt.set_caller(builtin_code_cid(Type::Account), who);
}

pub fn caller_governor(rt: &MockRuntime) {
    rt.set_caller(builtin_code_cid(Type::VerifiedRegistry), GOVERNOR);
}

/// The receiver hook the token calls on `to` after moving `amount` from `from` on the word of
/// `operator`, answered with `ret` and `exit_code`.
pub fn expect_hook(
    rt: &MockRuntime,
    to: Address,
    from: ActorID,
    operator: ActorID,
    amount: TokenAmount,
    operator_data: RawBytes,
    (ret, exit_code): (Option<IpldBlock>, ExitCode),
) {
    let payload = FRC46TokenReceived {
        from,
        to: id(&to),
        operator,
        amount,
        operator_data,
        token_data: RawBytes::default(),
    };
    let params = UniversalReceiverParams {
        type_: FRC46_TOKEN_TYPE,
        payload: RawBytes::serialize(payload).unwrap(),
    };
    rt.expect_send_simple(
        to,
        RECEIVE_METHOD,
        IpldBlock::serialize_cbor(&params).unwrap(),
        TokenAmount::from_atto(0),
        ret,
        exit_code,
    );
}

/// The governor mints `amount` to `to` with `operators`; the recipient accepts.
pub fn mint(
    rt: &MockRuntime,
    to: Address,
    amount: TokenAmount,
    operators: Vec<Address>,
) -> Result<MintReturn, ActorError> {
    caller_governor(rt);
    rt.expect_validate_caller_addr(vec![GOVERNOR]);
    expect_hook(
        rt,
        to,
        DATACAP_TOKEN_ACTOR_ID,
        VERIFIED_REGISTRY_ACTOR_ID,
        amount.clone(),
        RawBytes::default(),
        (None, ExitCode::OK),
    );
    let ret = call(
        rt,
        Method::MintExported,
        &MintParams {
            to,
            amount,
            operators,
        },
    );
    rt.verify();
    ret
}

/// The balance the actor reports for `who`.
pub fn balance(rt: &MockRuntime, who: Address) -> TokenAmount {
    caller_account(rt, BOB);
    rt.expect_validate_caller_any();
    let ret = call(rt, Method::BalanceExported, &who).unwrap();
    rt.verify();
    ret
}

pub fn supply(rt: &MockRuntime) -> TokenAmount {
    rt.expect_validate_caller_any();
    let ret = call_bare(rt, Method::TotalSupplyExported).unwrap();
    rt.verify();
    ret
}

/// The allowance `owner` gave `operator`, as the actor reports it.
pub fn allowance(rt: &MockRuntime, owner: Address, operator: Address) -> TokenAmount {
    rt.expect_validate_caller_any();
    let ret = call(
        rt,
        Method::AllowanceExported,
        &frc46_token::token::types::GetAllowanceParams { owner, operator },
    )
    .unwrap();
    rt.verify();
    ret
}
