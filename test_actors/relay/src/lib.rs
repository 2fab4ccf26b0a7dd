//! `fil_test_actor_relay`: a user actor for tests, deployed outside the bundle's manifest so that
//! the FVM treats it as any contract. `Relay` (method 2) forwards one call shaped as a Solidity
//! contract's read of the miner through the `call_actor_id` precompile: read-only, no value,
//! parameters in the CBOR codec (0x51). It returns the callee's exit code and return block
//! instead of aborting on failure, so a test can see exactly what a contract would. Its state is
//! empty.

use fil_actors_runtime::runtime::Runtime;
use fil_actors_runtime::{actor_dispatch, ActorCode, ActorError};
use fvm_ipld_encoding::ipld_block::IpldBlock;
use fvm_ipld_encoding::tuple::*;
use fvm_ipld_encoding::RawBytes;
use fvm_shared::address::Address;
use fvm_shared::econ::TokenAmount;
use fvm_shared::sys::SendFlags;
use fvm_shared::MethodNum;
use num_derive::FromPrimitive;
use num_traits::Zero;

fil_actors_runtime::wasm_trampoline!(Actor);

#[derive(FromPrimitive)]
#[repr(u64)]
pub enum Method {
    Relay = 2,
}

/// The call to forward. `params` is the CBOR of the callee's parameters (empty for none).
#[derive(Serialize_tuple, Deserialize_tuple, Debug, Clone, PartialEq, Eq)]
pub struct RelayParams {
    pub to: Address,
    pub method: MethodNum,
    pub params: RawBytes,
}

/// What the callee answered: its exit code and its return block's bytes (empty for none).
#[derive(Serialize_tuple, Deserialize_tuple, Debug, Clone, PartialEq, Eq)]
pub struct RelayReturn {
    pub exit_code: u32,
    pub ret: RawBytes,
}

pub struct Actor;

impl Actor {
    pub fn relay(rt: &impl Runtime, params: RelayParams) -> Result<RelayReturn, ActorError> {
        rt.validate_immediate_caller_accept_any()?;
        let args = if params.params.is_empty() {
            None
        } else {
            Some(IpldBlock {
                codec: fvm_ipld_encoding::CBOR,
                data: params.params.to_vec(),
            })
        };
        let response = rt
            .send(
                &params.to,
                params.method,
                args,
                TokenAmount::zero(),
                None,
                SendFlags::READ_ONLY,
            )
            .map_err(ActorError::from)?;
        Ok(RelayReturn {
            exit_code: response.exit_code.value(),
            ret: RawBytes::new(response.return_data.map(|b| b.data).unwrap_or_default()),
        })
    }
}

impl ActorCode for Actor {
    type Methods = Method;

    fn name() -> &'static str {
        "Relay"
    }

    actor_dispatch! {
        Relay => relay,
    }
}
