//! A toy actor for exercising dispatch, transactions and the mock runtime.

use fil_actors_runtime::runtime::Runtime;
use fil_actors_runtime::{actor_dispatch, method_hash, ActorCode, ActorError, EventBuilder};
use fvm_ipld_encoding::tuple::*;
use fvm_shared::address::Address;
use fvm_shared::econ::TokenAmount;
use fvm_shared::METHOD_SEND;
use num_derive::FromPrimitive;

#[derive(Serialize_tuple, Deserialize_tuple, Debug, PartialEq, Eq, Clone)]
pub struct ToyState {
    pub count: u64,
}

#[derive(FromPrimitive)]
#[repr(u64)]
pub enum Method {
    Constructor = 1,
    Add = 2,
    Count = 3,
    AddThenFail = 4,
    FailedTransaction = 5,
    Pay = 6,
    Announce = 7,
    NoValidation = 8,
    ValidateTwice = 9,
    CountExported = method_hash!("Count"),
}

pub struct ToyActor;

impl ToyActor {
    fn constructor(rt: &impl Runtime) -> Result<(), ActorError> {
        rt.validate_immediate_caller_accept_any()?;
        rt.create(&ToyState { count: 0 })
    }

    fn add(rt: &impl Runtime, n: u64) -> Result<(), ActorError> {
        rt.validate_immediate_caller_accept_any()?;
        rt.transaction(|st: &mut ToyState, _| {
            st.count = st
                .count
                .checked_add(n)
                .ok_or_else(|| ActorError::illegal_argument(format!("adding {} overflows", n)))?;
            Ok(())
        })
    }

    fn count(rt: &impl Runtime) -> Result<u64, ActorError> {
        rt.validate_immediate_caller_accept_any()?;
        Ok(rt.state::<ToyState>()?.count)
    }

    /// Commits a change, then fails: the whole message must leave no trace.
    fn add_then_fail(rt: &impl Runtime, n: u64) -> Result<(), ActorError> {
        Self::add(rt, n)?;
        Err(ActorError::illegal_state("failing after the change"))
    }

    /// A transaction whose closure fails changes nothing; the method itself then succeeds.
    fn failed_transaction(rt: &impl Runtime) -> Result<u64, ActorError> {
        rt.validate_immediate_caller_accept_any()?;
        let r = rt.transaction(|st: &mut ToyState, _| -> Result<(), ActorError> {
            st.count += 1000;
            Err(ActorError::forbidden("closure fails"))
        });
        assert_eq!(r.unwrap_err().msg(), "closure fails");
        Ok(rt.state::<ToyState>()?.count)
    }

    fn pay(rt: &impl Runtime, to: Address) -> Result<(), ActorError> {
        rt.validate_immediate_caller_accept_any()?;
        fil_actors_runtime::extract_send_result(rt.send_simple(
            &to,
            METHOD_SEND,
            None,
            TokenAmount::from_atto(10),
        ))?;
        Ok(())
    }

    fn announce(rt: &impl Runtime) -> Result<(), ActorError> {
        rt.validate_immediate_caller_accept_any()?;
        rt.emit_event(
            &EventBuilder::new("announced")
                .field_indexed("n", &1u64)
                .build()?,
        )
    }

    fn no_validation(_rt: &impl Runtime) -> Result<(), ActorError> {
        Ok(())
    }

    fn validate_twice(rt: &impl Runtime) -> Result<(), ActorError> {
        rt.validate_immediate_caller_accept_any()?;
        rt.validate_immediate_caller_accept_any()
    }
}

impl ActorCode for ToyActor {
    type Methods = Method;

    fn name() -> &'static str {
        "toy"
    }

    actor_dispatch! {
        Constructor => constructor,
        Add => add,
        Count => count,
        AddThenFail => add_then_fail,
        FailedTransaction => failed_transaction,
        Pay => pay,
        Announce => announce,
        NoValidation => no_validation,
        ValidateTwice => validate_twice,
        CountExported => count,
    }
}
