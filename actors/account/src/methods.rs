//! The account actor's method handlers: construction, key address lookup, message
//! authentication, and the exported-method fallback.

use fil_actors_runtime::runtime::Runtime;
use fil_actors_runtime::{
    actor_error, ActorError, FIRST_EXPORTED_METHOD_NUMBER, SYSTEM_ACTOR_ADDR,
};
use fvm_ipld_encoding::ipld_block::IpldBlock;
use fvm_shared::address::{Address, Protocol};
use fvm_shared::crypto::signature::Signature;
use fvm_shared::MethodNum;

use crate::types::{AuthenticateMessageParams, AuthenticateMessageReturn};
use crate::{Actor, State};

impl Actor {
    /// Records the key address. Only the system actor constructs accounts (the FVM does so when
    /// an f1 or f3 address first receives value), and only key addresses may back an account.
    pub fn constructor(rt: &impl Runtime, address: Address) -> Result<(), ActorError> {
        rt.validate_immediate_caller_is(std::iter::once(&SYSTEM_ACTOR_ADDR))?;
        match address.protocol() {
            Protocol::Secp256k1 | Protocol::BLS => {}
            protocol => {
                return Err(actor_error!(illegal_argument;
                    "account address {} must use the secp256k1 or BLS protocol, got {}",
                    address, protocol));
            }
        }
        rt.create(&State { address })
    }

    /// The key address this account stands for.
    pub fn pubkey_address(rt: &impl Runtime) -> Result<Address, ActorError> {
        rt.validate_immediate_caller_accept_any()?;
        let st: State = rt.state()?;
        Ok(st.address)
    }

    /// Checks `signature` over `message` against this account's key (FIP-0050). The signature
    /// type follows from the address protocol. Returns `true`, or aborts with
    /// `USR_ILLEGAL_ARGUMENT` when the signature does not verify.
    pub fn authenticate_message(
        rt: &impl Runtime,
        params: AuthenticateMessageParams,
    ) -> Result<AuthenticateMessageReturn, ActorError> {
        rt.validate_immediate_caller_accept_any()?;
        let st: State = rt.state()?;
        let signature = match st.address.protocol() {
            Protocol::Secp256k1 => Signature::new_secp256k1(params.signature),
            Protocol::BLS => Signature::new_bls(params.signature),
            // The constructor admits only these two protocols, so any other is broken state.
            protocol => {
                return Err(actor_error!(illegal_state;
                    "account address {} must use the secp256k1 or BLS protocol, got {}",
                    st.address, protocol));
            }
        };
        rt.verify_signature(&signature, &st.address, &params.message)
            .map_err(|e| {
                actor_error!(illegal_argument;
                "failed to authenticate message, signature invalid for {}: {}", st.address, e)
            })?;
        Ok(true)
    }

    /// Every exported method number without a handler (including FRC-42 `"Receive"`, the
    /// universal receiver hook) succeeds with no return, so that value sent from user actors
    /// arrives (FIP-0050). Unknown internal numbers are refused.
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
