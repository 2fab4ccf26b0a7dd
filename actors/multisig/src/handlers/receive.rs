//! What the multisig accepts from anyone: the FRC-46 universal receiver hook, and every other
//! exported method number as a plain payment (FIP-0062), so that EVM contracts, which call with
//! FRC-42 numbers such as `InvokeEVM`, can send it value.

use fil_actors_runtime::runtime::Runtime;
use fil_actors_runtime::{actor_error, ActorError, FIRST_EXPORTED_METHOD_NUMBER};
use fvm_ipld_encoding::ipld_block::IpldBlock;
use fvm_shared::MethodNum;

use crate::{Actor, UniversalReceiverParams};

impl Actor {
    /// Accepts any asset. The parameters must decode as `UniversalReceiverParams` (the
    /// dispatcher refuses anything else), and are otherwise ignored.
    pub fn universal_receiver_hook(
        rt: &impl Runtime,
        _params: UniversalReceiverParams,
    ) -> Result<(), ActorError> {
        rt.validate_immediate_caller_accept_any()
    }

    /// Every exported number without a handler succeeds with no return, whatever the caller and
    /// parameters; an unknown internal number is `USR_UNHANDLED_MESSAGE`.
    pub fn fallback(
        rt: &impl Runtime,
        method: MethodNum,
        _args: Option<IpldBlock>,
    ) -> Result<Option<IpldBlock>, ActorError> {
        rt.validate_immediate_caller_accept_any()?;
        if method >= FIRST_EXPORTED_METHOD_NUMBER {
            Ok(None)
        } else {
            Err(actor_error!(unhandled_message; "invalid method: {}", method))
        }
    }
}
