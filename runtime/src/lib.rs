//! `fil_actors_runtime`: what every built-in actor stands on.
//!
//! - [`runtime::Runtime`]: the actor's view of the system, implemented on the FVM
//!   (`runtime::fvm`, feature `fil-actor`), by the native test VM, and by the mock runtime of unit
//!   tests (`test_utils`, feature `test_utils`).
//! - [`ActorError`] and the network's exit codes; [`dispatch`] with FRC-42 method numbers and the
//!   rule on which callers may reach which methods.
//! - [`EventBuilder`]: the one producer of FIP-0049 events (`shared/spec/events.md`).
//! - [`runtime::Policy`], the built-in types and singleton addresses, and the HAMT/AMT helpers with
//!   the network's bit widths, smoothing math, `BatchReturn` and `MessageAccumulator`.

use cid::Cid;
use fvm_ipld_encoding::ipld_block::IpldBlock;
use fvm_shared::error::{ErrorNumber, ExitCode};
use fvm_shared::Response;
use serde::de::DeserializeOwned;
use thiserror::Error;

pub mod actor_error;
pub mod builtin;
pub mod dispatch;
pub mod events;
pub mod runtime;
#[cfg(feature = "test_utils")]
pub mod test_utils;
pub mod util;

pub use actor_error::{ActorContext, ActorError, AsActorError};
pub use builtin::*;
pub use dispatch::{ActorCode, FIRST_EXPORTED_METHOD_NUMBER};
pub use events::EventBuilder;
pub use util::*;

/// Re-exported so actors compute FRC-42 method numbers with the same macro.
pub use frc42_dispatch::method_hash;

/// The blake2b-256 digest of the CBOR empty array (`0x80`), written out so that actors need no
/// hasher of their own (the FVM hashes every block they write); a unit test recomputes it.
const EMPTY_ARR_DIGEST: [u8; 32] = [
    0x45, 0xb0, 0xcf, 0xc2, 0x20, 0xce, 0xec, 0x5b, 0x7c, 0x1c, 0x62, 0xc4, 0xd4, 0x19, 0x3d, 0x38,
    0xe4, 0xeb, 0xa4, 0x8e, 0x88, 0x15, 0x72, 0x9c, 0xe7, 0x5f, 0x9c, 0x0a, 0xb0, 0xe4, 0xc1, 0xc0,
];

/// The multihash code of blake2b-256.
const BLAKE2B_256: u64 = 0xb220;

/// The CID of the CBOR empty array (blake2b-256, DAG-CBOR), the state root of an actor before
/// its constructor runs.
pub static EMPTY_ARR_CID: std::sync::LazyLock<Cid> = std::sync::LazyLock::new(|| {
    let digest = cid::multihash::Multihash::wrap(BLAKE2B_256, &EMPTY_ARR_DIGEST)
        .expect("a 32-byte digest fits a multihash");
    Cid::new_v1(fvm_ipld_encoding::DAG_CBOR, digest)
});

/// A send the FVM refused before the receiver ran (no such actor, not enough funds, read-only).
#[derive(Error, Debug, Clone, Copy, PartialEq, Eq)]
#[error("send failed: {0}")]
pub struct SendError(pub ErrorNumber);

impl From<SendError> for ActorError {
    fn from(e: SendError) -> Self {
        match e.0 {
            ErrorNumber::NotFound => ActorError::not_found("send receiver not found"),
            ErrorNumber::InsufficientFunds => {
                ActorError::insufficient_funds("not enough funds for send")
            }
            ErrorNumber::LimitExceeded => ActorError::assertion_failed("recursion limit exceeded"),
            ErrorNumber::ReadOnly => {
                ActorError::read_only("attempted to change state in a read-only context")
            }
            other => ActorError::assertion_failed(format!("unexpected send error: {}", other)),
        }
    }
}

/// The return block of a send, or an error carrying the receiver's exit code.
pub fn extract_send_result(
    res: Result<Response, SendError>,
) -> Result<Option<IpldBlock>, ActorError> {
    let response = res?;
    if response.exit_code.is_success() {
        Ok(response.return_data)
    } else {
        Err(ActorError::unchecked_with_data(
            response.exit_code,
            format!("send aborted with code {}", response.exit_code),
            response.return_data,
        ))
    }
}

/// Decodes a return block; a missing block is a serialization error.
pub fn deserialize_block<T: DeserializeOwned>(block: Option<IpldBlock>) -> Result<T, ActorError> {
    block
        .as_ref()
        .ok_or_else(|| ActorError::serialization("expected a return value, got none"))?
        .deserialize()
        .map_err(|e| ActorError::serialization(format!("failed to decode return value: {}", e)))
}

/// Checks a caller-supplied condition: `USR_ILLEGAL_ARGUMENT` with `msg` when it fails.
pub fn require(condition: bool, msg: impl FnOnce() -> String) -> Result<(), ActorError> {
    if condition {
        Ok(())
    } else {
        Err(ActorError::unchecked(ExitCode::USR_ILLEGAL_ARGUMENT, msg()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use fvm_ipld_blockstore::MemoryBlockstore;
    use fvm_ipld_encoding::CborStore;

    #[test]
    fn empty_array_cid_is_the_cbor_empty_array() {
        let bs = MemoryBlockstore::new();
        let cid = bs
            .put_cbor(&Vec::<u8>::new(), multihash_codetable::Code::Blake2b256)
            .unwrap();
        assert_eq!(cid, *EMPTY_ARR_CID);
        assert_eq!(
            EMPTY_ARR_CID.to_string(),
            "bafy2bzacebc3bt6cedhoyw34drrmjvazhu4oj25er2ebk4u445pzycvq4ta4a"
        );
    }

    #[test]
    fn send_results() {
        let ok = Response {
            exit_code: ExitCode::OK,
            return_data: IpldBlock::serialize_cbor(&5u8).unwrap(),
        };
        assert_eq!(
            deserialize_block::<u8>(extract_send_result(Ok(ok)).unwrap()).unwrap(),
            5
        );
        let failed = Response {
            exit_code: ExitCode::USR_FORBIDDEN,
            return_data: None,
        };
        let e = extract_send_result(Ok(failed)).unwrap_err();
        assert_eq!(e.exit_code(), ExitCode::USR_FORBIDDEN);
        let e = extract_send_result(Err(SendError(ErrorNumber::InsufficientFunds))).unwrap_err();
        assert_eq!(e.exit_code(), ExitCode::USR_INSUFFICIENT_FUNDS);
        let e = deserialize_block::<u8>(None).unwrap_err();
        assert_eq!(e.exit_code(), ExitCode::USR_SERIALIZATION);
        assert_eq!(require(true, || "x".into()), Ok(()));
        assert_eq!(
            require(false, || "bad".into()).unwrap_err().exit_code(),
            ExitCode::USR_ILLEGAL_ARGUMENT
        );
    }
}
