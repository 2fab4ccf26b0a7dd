//! The placeholder actor (`fil_actor_placeholder`).
//!
//! A placeholder holds an address that was funded before any actor was deployed there (for
//! example an f410 address receiving FIL ahead of its EVM contract, FIP-0048). It has no state
//! and no methods: every message sent to it aborts with `USR_UNHANDLED_MESSAGE`. Sending value
//! with method 0 never reaches the actor, because the FVM handles plain transfers itself.

use fvm_shared::error::ExitCode;

/// The exit code every invocation of the placeholder ends with.
pub const EXIT_CODE: ExitCode = ExitCode::USR_UNHANDLED_MESSAGE;

/// The abort message every invocation of the placeholder carries.
pub const ABORT_MESSAGE: &str =
    "the placeholder actor has no methods: no actor code has been deployed at this address yet";

/// The WASM entry point. The FVM calls it with the id of the parameters block; the placeholder
/// ignores the parameters and aborts.
#[cfg(feature = "fil-actor")]
#[no_mangle]
pub extern "C" fn invoke(_params: u32) -> u32 {
    // Exit through the raw syscall: no return block, and none of the SDK's block and allocator
    // machinery linked in, which keeps the module a few hundred bytes.
    // SAFETY: the message pointer and length describe a static string in this module's memory,
    // and block id 0 means "no return value".
    unsafe {
        fvm_sdk::sys::vm::exit(
            EXIT_CODE.value(),
            fvm_sdk::NO_DATA_BLOCK_ID,
            ABORT_MESSAGE.as_ptr(),
            ABORT_MESSAGE.len() as u32,
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn aborts_with_unhandled_message() {
        assert_eq!(EXIT_CODE.value(), 22);
        assert!(ABORT_MESSAGE.contains("placeholder"));
    }
}
