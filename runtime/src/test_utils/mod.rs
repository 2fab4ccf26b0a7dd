//! Test support for actors (feature `test_utils`): the mock runtime, its expectations, assertions
//! on failed calls, and code CIDs for the built-in types as tests see them.

use cid::Cid;
use multihash_codetable::{Code, MultihashDigest};

use crate::builtin::Type;

mod assertions;
mod expectations;
mod mock_runtime;

pub use assertions::*;
pub use expectations::*;
pub use mock_runtime::*;

/// The raw codec, used for test code CIDs.
const IPLD_RAW: u64 = 0x55;

/// The code CID tests use for a built-in type: the blake2b hash of `fil/test/<name>`.
pub fn builtin_code_cid(t: Type) -> Cid {
    let name = format!("fil/test/{}", t.name());
    Cid::new_v1(IPLD_RAW, Code::Blake2b256.digest(name.as_bytes()))
}

/// A code CID that is no built-in type, for callers that stand for user contracts.
pub fn user_code_cid(name: &str) -> Cid {
    Cid::new_v1(
        IPLD_RAW,
        Code::Blake2b256.digest(format!("user/{}", name).as_bytes()),
    )
}
