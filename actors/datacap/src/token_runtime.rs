//! The adapter that runs the `frc46_token` library on the project's `Runtime`: the library asks
//! for its execution environment through `fvm_actor_utils`' `Syscalls`, which `TokenSyscalls`
//! implements by delegating to the runtime. Also the glue every handler shares: wrapping the
//! state's token in a `Token`, mapping library errors to exit codes, and carrying a pending
//! receiver hook out of a state transaction.

use cid::Cid;
use fil_actors_runtime::runtime::Runtime;
use fil_actors_runtime::ActorError;
use frc46_token::token::{Token, TokenError};
use fvm_actor_utils::receiver::{ReceiverHook, ReceiverHookError, RecipientData};
use fvm_actor_utils::syscalls::{NoStateError, Syscalls};
use fvm_actor_utils::util::ActorRuntime;
use fvm_ipld_encoding::ipld_block::IpldBlock;
use fvm_shared::address::Address;
use fvm_shared::econ::TokenAmount;
use fvm_shared::error::{ErrorNumber, ExitCode};
use fvm_shared::{ActorID, MethodNum, Response};

use crate::{State, DATACAP_GRANULARITY};

/// The library's view of the runtime during one call: this actor's and the caller's IDs, read
/// once, and the runtime for sends, address resolution and the state root.
pub(crate) struct TokenSyscalls<'r, RT> {
    rt: &'r RT,
    receiver: ActorID,
    caller: ActorID,
}

impl<'r, RT: Runtime> TokenSyscalls<'r, RT> {
    pub(crate) fn new(rt: &'r RT) -> Result<Self, ActorError> {
        let message = rt.message();
        let id_of = |what: &str, address: Address| {
            address.id().map_err(|_| {
                ActorError::assertion_failed(format!("{} {} is not an ID address", what, address))
            })
        };
        Ok(TokenSyscalls {
            rt,
            receiver: id_of("receiver", message.receiver())?,
            caller: id_of("caller", message.caller())?,
        })
    }
}

impl<RT: Runtime> Syscalls for TokenSyscalls<'_, RT> {
    fn root(&self) -> Result<Cid, NoStateError> {
        self.rt.get_state_root().map_err(|_| NoStateError)
    }

    fn set_root(&self, cid: &Cid) -> Result<(), NoStateError> {
        self.rt.set_state_root(cid).map_err(|_| NoStateError)
    }

    fn receiver(&self) -> ActorID {
        self.receiver
    }

    fn caller(&self) -> ActorID {
        self.caller
    }

    /// A send the FVM refuses before the receiver runs is reported, as v18 does, as a response
    /// carrying the exit code that refusal maps to, so the library reports it as the callee's
    /// failure rather than as a syscall error.
    fn send(
        &self,
        to: &Address,
        method: MethodNum,
        params: Option<IpldBlock>,
        value: TokenAmount,
    ) -> Result<Response, ErrorNumber> {
        Ok(match self.rt.send_simple(to, method, params, value) {
            Ok(response) => response,
            Err(refused) => Response {
                exit_code: ActorError::from(refused).exit_code(),
                return_data: None,
            },
        })
    }

    fn resolve_address(&self, address: &Address) -> Option<ActorID> {
        self.rt.resolve_address(address)
    }
}

/// The library's runtime: the syscalls above and the actor's blockstore.
pub(crate) type TokenRuntime<'r, RT> =
    ActorRuntime<TokenSyscalls<'r, RT>, &'r <RT as Runtime>::Blockstore>;

/// The library's runtime for one call.
pub(crate) fn token_runtime<RT: Runtime>(rt: &RT) -> Result<TokenRuntime<'_, RT>, ActorError> {
    Ok(ActorRuntime::new(TokenSyscalls::new(rt)?, rt.store()))
}

/// The datacap token over `st`, with datacap's granularity.
pub(crate) type DataCapToken<'t, 'r, RT> =
    Token<'t, TokenSyscalls<'r, RT>, &'r <RT as Runtime>::Blockstore>;

/// Runs `f` on the token held in `st`.
pub(crate) fn with_token<'r, RT, R, F>(rt: &'r RT, st: &mut State, f: F) -> Result<R, ActorError>
where
    RT: Runtime,
    F: FnOnce(&mut DataCapToken<'_, 'r, RT>) -> Result<R, TokenError>,
{
    let runtime = token_runtime(rt)?;
    let mut token = Token::wrap(&runtime, DATACAP_GRANULARITY, &mut st.token);
    f(&mut token).map_err(token_error)
}

/// A library error as an `ActorError`, with the exit code the library assigns it.
pub(crate) fn token_error(e: TokenError) -> ActorError {
    ActorError::unchecked(ExitCode::from(&e), e.to_string())
}

/// A failed receiver hook as an `ActorError`: the receiver's own exit code when it aborted.
pub(crate) fn hook_error(e: ReceiverHookError) -> ActorError {
    ActorError::unchecked(ExitCode::from(&e), e.to_string())
}

/// A receiver hook that must still be called once the state change that produced it is saved.
///
/// The library's `ReceiverHook` panics when dropped uncalled. When the state change is abandoned
/// (a later step of the same transaction fails, or the state cannot be written) there is nothing
/// to notify, so this wrapper lets the hook go without a call instead of aborting the actor.
pub(crate) struct PendingHook<T: RecipientData>(Option<ReceiverHook<T>>);

impl<T: RecipientData> PendingHook<T> {
    pub(crate) fn new(hook: ReceiverHook<T>) -> Self {
        PendingHook(Some(hook))
    }

    /// Calls the recipient's `Receive` method through the library and returns what the
    /// library makes of its answer; an abort in the recipient fails the whole call.
    pub(crate) fn call<RT: Runtime>(mut self, rt: &RT) -> Result<T, ActorError> {
        let runtime = token_runtime(rt)?;
        let mut hook = self
            .0
            .take()
            .ok_or_else(|| ActorError::assertion_failed("receiver hook already taken"))?;
        hook.call(&runtime).map_err(hook_error)
    }
}

impl<T: RecipientData> Drop for PendingHook<T> {
    fn drop(&mut self) {
        if let Some(hook) = self.0.take() {
            // Abandoned with its state change: nothing happened that the recipient must hear of.
            std::mem::forget(hook);
        }
    }
}
