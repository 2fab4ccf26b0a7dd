//! The stand-in module for manifest slots whose actor this project has not implemented yet
//! (`fil_actor_unimplemented`).
//!
//! The bundle must list all sixteen v18 actors in order, and the FVM maps every code CID to one
//! builtin type, so each slot needs its own module with its own bytes. The bundle's build script
//! therefore compiles this crate once per slot with `FIL_ACTOR_UNIMPLEMENTED_SLOT` set to the
//! slot's manifest name; the name is baked into the abort message at compile time, which makes
//! every slot's WASM, and so its code CID, distinct. Every message aborts with
//! `USR_UNHANDLED_MESSAGE` and says which slot was reached.

use fvm_shared::error::ExitCode;

/// The manifest name this build stands in for, fixed at compile time by the bundle build.
pub const SLOT: &str = match option_env!("FIL_ACTOR_UNIMPLEMENTED_SLOT") {
    Some(slot) => slot,
    None => "this actor",
};

/// The exit code every invocation ends with.
pub const EXIT_CODE: ExitCode = ExitCode::USR_UNHANDLED_MESSAGE;

/// What follows the slot name in the abort message.
pub const MESSAGE_SUFFIX: &str = " is not implemented in this bundle yet";

/// The longest abort message supported; manifest names are far shorter.
const MESSAGE_CAPACITY: usize = 128;

/// The abort message, e.g. "storageminer is not implemented in this bundle yet".
pub const ABORT_MESSAGE: &str = {
    const BUF: ([u8; MESSAGE_CAPACITY], usize) = join(SLOT, MESSAGE_SUFFIX);
    match core::str::from_utf8(BUF.0.split_at(BUF.1).0) {
        Ok(message) => message,
        Err(_) => panic!("abort message is not UTF-8"),
    }
};

/// Concatenates two strings into a fixed buffer at compile time (`concat!` only takes literals,
/// and the slot name comes from `option_env!`). Returns the buffer and the used length.
pub const fn join(head: &str, tail: &str) -> ([u8; MESSAGE_CAPACITY], usize) {
    let (head, tail) = (head.as_bytes(), tail.as_bytes());
    let len = head.len() + tail.len();
    assert!(
        len <= MESSAGE_CAPACITY,
        "slot name too long for the abort message"
    );
    let mut buf = [0u8; MESSAGE_CAPACITY];
    let mut i = 0;
    while i < head.len() {
        buf[i] = head[i];
        i += 1;
    }
    let mut j = 0;
    while j < tail.len() {
        buf[head.len() + j] = tail[j];
        j += 1;
    }
    (buf, len)
}

/// The WASM entry point: rejects the message whatever its method and parameters.
#[cfg(feature = "fil-actor")]
#[no_mangle]
pub extern "C" fn invoke(_params: u32) -> u32 {
    // Exit through the raw syscall: no return block, and none of the SDK's block and allocator
    // machinery linked in, which keeps each stand-in module a few hundred bytes.
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
    fn message_names_the_slot() {
        let (buf, len) = join("storageminer", MESSAGE_SUFFIX);
        assert_eq!(
            &buf[..len],
            b"storageminer is not implemented in this bundle yet".as_slice()
        );
        assert_eq!(ABORT_MESSAGE, format!("{SLOT}{MESSAGE_SUFFIX}"));
        assert_eq!(EXIT_CODE.value(), 22);
    }
}
