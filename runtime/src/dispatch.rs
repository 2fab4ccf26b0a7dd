//! Method dispatch: decode the parameters a handler takes, call it, encode what it returns.
//!
//! Method numbers follow FRC-42: exported methods (callable by anyone, including user actors)
//! have numbers at or above `FIRST_EXPORTED_METHOD_NUMBER`; numbers below it are internal, and the
//! network only lets built-in actors other than the EVM call them (`restrict_internal_api`).

use fvm_ipld_encoding::ipld_block::IpldBlock;
use fvm_shared::MethodNum;
use serde::de::DeserializeOwned;
use serde::Serialize;
use std::marker::PhantomData;

// Re-exported for `actor_dispatch!`, so actors need not name these crates themselves.
#[doc(hidden)]
pub use fvm_ipld_encoding::ipld_block::IpldBlock as __IpldBlock;
#[doc(hidden)]
pub use num_traits::FromPrimitive as __FromPrimitive;

use crate::builtin::Type;
use crate::runtime::Runtime;
use crate::ActorError;

/// Methods numbered at or above this are exported (FRC-42).
pub const FIRST_EXPORTED_METHOD_NUMBER: MethodNum = 1 << 24;

/// An actor: a name and a way to invoke a method on it.
pub trait ActorCode {
    /// The actor's method enum.
    type Methods;
    /// The manifest name of the actor.
    fn name() -> &'static str;
    fn invoke_method<RT>(
        rt: &RT,
        method: MethodNum,
        args: Option<IpldBlock>,
    ) -> Result<Option<IpldBlock>, ActorError>
    where
        RT: Runtime;
}

/// Refuses an internal method to a caller that is not a built-in actor (or is the EVM): user
/// code must only reach exported methods.
pub fn restrict_internal_api<RT: Runtime>(rt: &RT, method: MethodNum) -> Result<(), ActorError> {
    if method >= FIRST_EXPORTED_METHOD_NUMBER {
        return Ok(());
    }
    let caller = rt.message().caller();
    let caller_id = caller.id().map_err(|_| {
        ActorError::assertion_failed(format!("caller {} is not an ID address", caller))
    })?;
    let code = rt.get_actor_code_cid(&caller_id).ok_or_else(|| {
        ActorError::forbidden(format!(
            "no code for caller {} of method {}",
            caller, method
        ))
    })?;
    match rt.resolve_builtin_actor_type(&code) {
        None | Some(Type::EVM) => Err(ActorError::forbidden(format!(
            "caller {} of internal method {} must be a built-in actor",
            caller, method
        ))),
        Some(_) => Ok(()),
    }
}

/// A handler with its parameter shape: `A` is `()` for handlers that take no parameters and
/// `(P,)` for those that take `P`.
pub struct Dispatcher<F, A> {
    handler: F,
    _args: PhantomData<A>,
}

impl<F, A> Dispatcher<F, A> {
    pub const fn new(handler: F) -> Self {
        Dispatcher {
            handler,
            _args: PhantomData,
        }
    }
}

/// Calls a handler with decoded parameters and encodes its return.
pub trait Dispatch<RT> {
    fn call(self, rt: &RT, args: Option<IpldBlock>) -> Result<Option<IpldBlock>, ActorError>;
}

/// A handler that returns nothing (a zero-sized type) returns no block at all.
fn encode_return<R: Serialize>(ret: R) -> Result<Option<IpldBlock>, ActorError> {
    if std::mem::size_of::<R>() == 0 {
        return Ok(None);
    }
    IpldBlock::serialize_cbor(&ret)
        .map_err(|e| ActorError::serialization(format!("failed to encode return value: {}", e)))
}

impl<F, R, RT> Dispatch<RT> for Dispatcher<F, ()>
where
    F: FnOnce(&RT) -> Result<R, ActorError>,
    R: Serialize,
{
    fn call(self, rt: &RT, args: Option<IpldBlock>) -> Result<Option<IpldBlock>, ActorError> {
        if args.is_some() {
            return Err(ActorError::illegal_argument("method expects no arguments"));
        }
        encode_return((self.handler)(rt)?)
    }
}

impl<F, P, R, RT> Dispatch<RT> for Dispatcher<F, (P,)>
where
    F: FnOnce(&RT, P) -> Result<R, ActorError>,
    P: DeserializeOwned,
    R: Serialize,
{
    fn call(self, rt: &RT, args: Option<IpldBlock>) -> Result<Option<IpldBlock>, ActorError> {
        let block = args.ok_or_else(|| ActorError::illegal_argument("method expects arguments"))?;
        let params = block.deserialize().map_err(|e| {
            ActorError::serialization(format!("failed to decode parameters: {}", e))
        })?;
        encode_return((self.handler)(rt, params)?)
    }
}

/// Dispatches to `handler`, inferring whether it takes parameters.
pub fn dispatch<RT, F, A>(
    rt: &RT,
    handler: F,
    args: Option<IpldBlock>,
) -> Result<Option<IpldBlock>, ActorError>
where
    Dispatcher<F, A>: Dispatch<RT>,
{
    Dispatcher::new(handler).call(rt, args)
}

/// Exports the WASM entry point `invoke` of an actor crate, running `$actor` through the FVM
/// runtime's trampoline. The export exists only with the calling crate's `fil-actor` feature (the
/// bundle build sets it; host builds, tests and the native test VM leave it off).
#[macro_export]
macro_rules! wasm_trampoline {
    ($actor:ty) => {
        #[cfg(feature = "fil-actor")]
        #[no_mangle]
        pub extern "C" fn invoke(params: u32) -> u32 {
            $crate::runtime::fvm::trampoline::<$actor>(params)
        }
    };
}

/// Implements `ActorCode::invoke_method` from a table of `Method => handler`. Handlers take
/// `(rt)` or `(rt, params)`. Internal method numbers are restricted to built-in callers
/// (`restrict_internal_api`); an unknown number is `USR_UNHANDLED_MESSAGE` unless the table ends
/// in `_ => fallback`, a handler `(rt, method, args)` that receives every other number.
#[macro_export]
macro_rules! actor_dispatch {
    ($($table:tt)*) => {
        $crate::__actor_dispatch_impl!(restricted; $($table)*);
    };
}

/// Like `actor_dispatch!` but without the internal-method restriction, for actors that user code
/// must reach by plain method numbers (the EAM's Create and Create2 are called by EVM contracts).
#[macro_export]
macro_rules! actor_dispatch_unrestricted {
    ($($table:tt)*) => {
        $crate::__actor_dispatch_impl!(unrestricted; $($table)*);
    };
}

#[doc(hidden)]
#[macro_export]
macro_rules! __actor_dispatch_impl {
    (@restrict restricted $rt:ident $method:ident) => {
        $crate::dispatch::restrict_internal_api($rt, $method)?;
    };
    (@restrict unrestricted $rt:ident $method:ident) => {};
    (@fallback $rt:ident $method:ident $args:ident) => {
        Err($crate::ActorError::unhandled_message(format!("invalid method: {}", $method)))
    };
    (@fallback $rt:ident $method:ident $args:ident $fallback:ident) => {
        Self::$fallback($rt, $method, $args)
    };
    ($mode:ident; $($method:ident => $handler:ident,)* $(_ => $fallback:ident $(,)?)?) => {
        fn invoke_method<RT>(
            rt: &RT,
            method: u64,
            args: Option<$crate::dispatch::__IpldBlock>,
        ) -> Result<Option<$crate::dispatch::__IpldBlock>, $crate::ActorError>
        where
            RT: $crate::runtime::Runtime,
        {
            $crate::__actor_dispatch_impl!(@restrict $mode rt method);
            match <Self::Methods as $crate::dispatch::__FromPrimitive>::from_u64(method) {
                $(Some(Self::Methods::$method) => $crate::dispatch::dispatch(rt, Self::$handler, args),)*
                _ => $crate::__actor_dispatch_impl!(@fallback rt method args $($fallback)?),
            }
        }
    };
}
