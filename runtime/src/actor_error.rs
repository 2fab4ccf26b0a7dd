//! `ActorError`: the one error type every actor method returns, carrying the network's exit code,
//! an optional return block, and a message that names what went wrong. Also the conversion traits
//! that attach an exit code and context to foreign errors at each boundary.

use std::fmt::Display;

use fvm_ipld_encoding::ipld_block::IpldBlock;
use fvm_shared::error::ExitCode;
use thiserror::Error;

/// The error an actor method aborts with. The exit code is what the network sees; the message is
/// for humans (it appears in traces and node logs).
#[derive(Error, Debug, Clone, PartialEq, Eq)]
#[error("ActorError(exit_code: {exit_code:?}, msg: {msg})")]
pub struct ActorError {
    exit_code: ExitCode,
    data: Option<IpldBlock>,
    msg: String,
}

macro_rules! exit_code_constructors {
    ($($name:ident => $code:ident),* $(,)?) => {
        impl ActorError {
            $(
                #[doc = concat!("An error with exit code `", stringify!($code), "`.")]
                pub fn $name(msg: impl Into<String>) -> Self {
                    Self::unchecked(ExitCode::$code, msg.into())
                }
            )*
        }
    };
}

exit_code_constructors! {
    illegal_argument => USR_ILLEGAL_ARGUMENT,
    not_found => USR_NOT_FOUND,
    forbidden => USR_FORBIDDEN,
    insufficient_funds => USR_INSUFFICIENT_FUNDS,
    illegal_state => USR_ILLEGAL_STATE,
    serialization => USR_SERIALIZATION,
    unhandled_message => USR_UNHANDLED_MESSAGE,
    unspecified => USR_UNSPECIFIED,
    assertion_failed => USR_ASSERTION_FAILED,
    read_only => USR_READ_ONLY,
    not_payable => USR_NOT_PAYABLE,
}

impl ActorError {
    /// An error with any exit code. Actors should prefer the named constructors; this exists for
    /// forwarding the exit code of a failed send, and for the system codes the runtime raises.
    pub fn unchecked(exit_code: ExitCode, msg: String) -> Self {
        Self {
            exit_code,
            data: None,
            msg,
        }
    }

    /// An error that also returns a block of data to the caller.
    pub fn unchecked_with_data(exit_code: ExitCode, msg: String, data: Option<IpldBlock>) -> Self {
        Self {
            exit_code,
            data,
            msg,
        }
    }

    pub fn exit_code(&self) -> ExitCode {
        self.exit_code
    }

    pub fn msg(&self) -> &str {
        &self.msg
    }

    pub fn data(&self) -> Option<&IpldBlock> {
        self.data.as_ref()
    }

    /// Takes the return block out of the error, leaving none.
    pub fn take_data(&mut self) -> Option<IpldBlock> {
        self.data.take()
    }

    /// Prefixes the message with context, keeping the exit code.
    pub fn wrap(mut self, context: impl Display) -> Self {
        self.msg = format!("{}: {}", context, self.msg);
        self
    }
}

/// The code an actor may exit with for an error it returned. The FVM refuses success and system
/// codes as abort codes (a system code turns into `SYS_ILLEGAL_EXIT_CODE`), so an error carrying
/// one, typically a callee's code forwarded unchanged, is mapped to a user code first.
pub fn abort_exit_code(code: ExitCode) -> ExitCode {
    match code {
        ExitCode::OK => ExitCode::USR_ASSERTION_FAILED,
        // The callee misbehaved; there is no honest code to make up for it.
        ExitCode::SYS_MISSING_RETURN
        | ExitCode::SYS_ILLEGAL_INSTRUCTION
        | ExitCode::SYS_ILLEGAL_EXIT_CODE => ExitCode::USR_UNSPECIFIED,
        code if code.is_system_error() => ExitCode::USR_ASSERTION_FAILED,
        code => code,
    }
}

/// Builds an `ActorError` from an exit-code name and a format string:
/// `actor_error!(illegal_argument; "bad sector number {}", n)`.
#[macro_export]
macro_rules! actor_error {
    ($code:ident; $msg:expr) => {
        $crate::ActorError::$code($msg)
    };
    ($code:ident; $fmt:expr, $($arg:expr),+ $(,)?) => {
        $crate::ActorError::$code(format!($fmt, $($arg),+))
    };
}

/// Adds context to a result that already carries an `ActorError`, keeping its exit code.
pub trait ActorContext<T> {
    fn context<C: Display>(self, context: C) -> Result<T, ActorError>;
    fn with_context<C: Display, F: FnOnce() -> C>(self, f: F) -> Result<T, ActorError>;
}

impl<T> ActorContext<T> for Result<T, ActorError> {
    fn context<C: Display>(self, context: C) -> Result<T, ActorError> {
        self.map_err(|e| e.wrap(context))
    }

    fn with_context<C: Display, F: FnOnce() -> C>(self, f: F) -> Result<T, ActorError> {
        self.map_err(|e| e.wrap(f()))
    }
}

/// Turns a foreign error (or a missing value) into an `ActorError` with the given exit code.
pub trait AsActorError<T> {
    fn exit_code(self, code: ExitCode) -> Result<T, ActorError>;
    fn context_code<C: Display>(self, code: ExitCode, context: C) -> Result<T, ActorError>;
    fn with_context_code<C: Display, F: FnOnce() -> C>(
        self,
        code: ExitCode,
        f: F,
    ) -> Result<T, ActorError>;
}

impl<T, E: Display> AsActorError<T> for Result<T, E> {
    fn exit_code(self, code: ExitCode) -> Result<T, ActorError> {
        self.map_err(|e| ActorError::unchecked(code, e.to_string()))
    }

    fn context_code<C: Display>(self, code: ExitCode, context: C) -> Result<T, ActorError> {
        self.map_err(|e| ActorError::unchecked(code, format!("{}: {}", context, e)))
    }

    fn with_context_code<C: Display, F: FnOnce() -> C>(
        self,
        code: ExitCode,
        f: F,
    ) -> Result<T, ActorError> {
        self.map_err(|e| ActorError::unchecked(code, format!("{}: {}", f(), e)))
    }
}

impl<T> AsActorError<T> for Option<T> {
    fn exit_code(self, code: ExitCode) -> Result<T, ActorError> {
        self.ok_or_else(|| ActorError::unchecked(code, "value not present".to_string()))
    }

    fn context_code<C: Display>(self, code: ExitCode, context: C) -> Result<T, ActorError> {
        self.ok_or_else(|| ActorError::unchecked(code, context.to_string()))
    }

    fn with_context_code<C: Display, F: FnOnce() -> C>(
        self,
        code: ExitCode,
        f: F,
    ) -> Result<T, ActorError> {
        self.ok_or_else(|| ActorError::unchecked(code, f().to_string()))
    }
}

/// Malformed CBOR is the caller's fault: the network answers `USR_SERIALIZATION`.
impl From<fvm_ipld_encoding::Error> for ActorError {
    fn from(e: fvm_ipld_encoding::Error) -> Self {
        Self::serialization(e.to_string())
    }
}

/// A HAMT that cannot be read or written means the actor's own state is broken.
impl From<fvm_ipld_hamt::Error> for ActorError {
    fn from(e: fvm_ipld_hamt::Error) -> Self {
        Self::illegal_state(e.to_string())
    }
}

impl From<fvm_ipld_amt::Error> for ActorError {
    fn from(e: fvm_ipld_amt::Error) -> Self {
        Self::illegal_state(e.to_string())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn macro_formats_and_picks_code() {
        let e = actor_error!(not_found; "sector {} not found in deadline {}", 7, 3);
        assert_eq!(e.exit_code(), ExitCode::USR_NOT_FOUND);
        assert_eq!(e.msg(), "sector 7 not found in deadline 3");
        let plain = actor_error!(forbidden; "no");
        assert_eq!(plain.exit_code(), ExitCode::USR_FORBIDDEN);
        assert_eq!(plain.msg(), "no");
    }

    #[test]
    fn context_keeps_code_and_prefixes() {
        let r: Result<(), ActorError> = Err(ActorError::illegal_state("inner"));
        let e = r.context("loading deadlines").unwrap_err();
        assert_eq!(e.exit_code(), ExitCode::USR_ILLEGAL_STATE);
        assert_eq!(e.msg(), "loading deadlines: inner");

        let r: Result<(), ActorError> = Err(ActorError::forbidden("inner"));
        let e = r.with_context(|| format!("sector {}", 5)).unwrap_err();
        assert_eq!(e.msg(), "sector 5: inner");
    }

    #[test]
    fn foreign_errors_take_the_given_code() {
        let r: Result<(), &str> = Err("boom");
        let e = r
            .context_code(ExitCode::USR_ILLEGAL_ARGUMENT, "parsing")
            .unwrap_err();
        assert_eq!(e.exit_code(), ExitCode::USR_ILLEGAL_ARGUMENT);
        assert_eq!(e.msg(), "parsing: boom");

        let none: Option<u8> = None;
        let e = none
            .with_context_code(ExitCode::USR_NOT_FOUND, || "no actor 9")
            .unwrap_err();
        assert_eq!(e.exit_code(), ExitCode::USR_NOT_FOUND);
        assert_eq!(e.msg(), "no actor 9");
        assert_eq!(Some(3).exit_code(ExitCode::USR_NOT_FOUND).unwrap(), 3);
    }

    #[test]
    fn bad_cbor_is_a_serialization_error() {
        let err = fvm_ipld_encoding::from_slice::<u64>(&[0xff]).unwrap_err();
        let e: ActorError = err.into();
        assert_eq!(e.exit_code(), ExitCode::USR_SERIALIZATION);
    }

    #[test]
    fn data_travels_with_the_error() {
        let block = IpldBlock::serialize_cbor(&42u64).unwrap();
        let mut e =
            ActorError::unchecked_with_data(ExitCode::USR_UNSPECIFIED, "x".into(), block.clone());
        assert_eq!(e.data(), block.as_ref());
        assert_eq!(e.take_data(), block);
        assert_eq!(e.data(), None);
    }

    #[test]
    fn abort_codes_are_user_codes() {
        assert_eq!(
            abort_exit_code(ExitCode::USR_FORBIDDEN),
            ExitCode::USR_FORBIDDEN
        );
        assert_eq!(abort_exit_code(ExitCode::new(33)), ExitCode::new(33));
        assert_eq!(
            abort_exit_code(ExitCode::OK),
            ExitCode::USR_ASSERTION_FAILED
        );
        assert_eq!(
            abort_exit_code(ExitCode::SYS_MISSING_RETURN),
            ExitCode::USR_UNSPECIFIED
        );
        assert_eq!(
            abort_exit_code(ExitCode::SYS_ILLEGAL_EXIT_CODE),
            ExitCode::USR_UNSPECIFIED
        );
        assert_eq!(
            abort_exit_code(ExitCode::SYS_OUT_OF_GAS),
            ExitCode::USR_ASSERTION_FAILED
        );
    }
}
