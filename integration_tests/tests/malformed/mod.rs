//! The parameter forms every malformed-parameter test sends, and the exit codes v18 gives them:
//! bytes no method can decode are `USR_SERIALIZATION` (21); no parameters to a method that needs
//! them, or any to one that takes none, `USR_ILLEGAL_ARGUMENT` (16).

use fvm_ipld_encoding::ipld_block::IpldBlock;
use fvm_ipld_encoding::{RawBytes, CBOR};
use fvm_shared::address::Address;
use fvm_shared::error::ExitCode;
use fvm_shared::MethodNum;
use test_vm::Msg;

/// A parameter form: what it is, and the bytes of the CBOR block (none for no block).
pub type Form = (&'static str, Option<Vec<u8>>);

/// Three parameter blocks no method can decode, then no parameters at all.
pub fn malformed() -> Vec<Form> {
    vec![
        ("bytes that are not CBOR", Some(vec![0xff, 0x00])),
        ("a truncated array", Some(vec![0x84, 0x01])),
        // The text string "params".
        ("a text string", Some(b"\x66params".to_vec())),
        ("no parameters", None),
    ]
}

/// v18's exit codes for [`malformed`] sent to a method that takes parameters.
pub fn malformed_codes() -> Vec<ExitCode> {
    vec![
        ExitCode::USR_SERIALIZATION,
        ExitCode::USR_SERIALIZATION,
        ExitCode::USR_SERIALIZATION,
        ExitCode::USR_ILLEGAL_ARGUMENT,
    ]
}

/// A well-formed block of `value`.
pub fn encoded<T: serde::Serialize>(value: &T) -> Option<Vec<u8>> {
    Some(fvm_ipld_encoding::to_vec(value).unwrap())
}

/// The message `from` sends to `to`'s `method` with `params` as they are.
pub fn raw_msg(from: Address, to: Address, method: MethodNum, params: &Option<Vec<u8>>) -> Msg {
    Msg {
        params: params.clone().map(|data| IpldBlock { codec: CBOR, data }),
        ..Msg::new(from, to, method)
    }
}

/// `params` as a proposal or constructor carries them (empty for none).
pub fn raw_bytes(params: &Option<Vec<u8>>) -> RawBytes {
    RawBytes::new(params.clone().unwrap_or_default())
}
