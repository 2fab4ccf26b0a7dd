//! The Ethereum account actor's handlers: construction and the exported-method fallback.

use fil_actors_runtime::runtime::Runtime;
use fil_actors_runtime::{
    actor_error, ActorError, EAM_ACTOR_ID, FIRST_EXPORTED_METHOD_NUMBER, SYSTEM_ACTOR_ADDR,
};
use fvm_ipld_encoding::ipld_block::IpldBlock;
use fvm_shared::address::Payload;
use fvm_shared::MethodNum;

use crate::EthAccountActor;

impl EthAccountActor {
    /// Checks that the new actor has an f4 address in the EAM's namespace. The FVM itself
    /// deploys Ethereum accounts (when an f4 placeholder sends its first message), so in practice
    /// only the system actor could call this.
    ///
    /// As in v18, only the namespace is checked: the subaddress length and the reserved
    /// `0xff00..00<id>` form are the EAM's and the FVM's concern when the address is assigned.
    pub fn constructor(rt: &impl Runtime) -> Result<(), ActorError> {
        rt.validate_immediate_caller_is(std::iter::once(&SYSTEM_ACTOR_ADDR))?;
        let receiver = rt.message().receiver();
        let receiver_id = receiver.id().map_err(
            |_| actor_error!(assertion_failed; "receiver {} is not an ID address", receiver),
        )?;
        match rt
            .lookup_delegated_address(receiver_id)
            .map(|a| *a.payload())
        {
            Some(Payload::Delegated(d)) if d.namespace() == EAM_ACTOR_ID => Ok(()),
            Some(_) => Err(actor_error!(illegal_argument;
                "invalid target for EthAccount creation: {} has no address in the EAM namespace {}",
                receiver, EAM_ACTOR_ID)),
            None => Err(actor_error!(illegal_argument;
                "receiver {} must have a predictable (f4) address", receiver)),
        }
    }

    /// Every exported method number succeeds with no return, so that value and tokens sent by
    /// user actors arrive. Unknown internal numbers are refused.
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
