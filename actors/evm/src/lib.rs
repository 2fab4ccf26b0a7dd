//! `fil_actor_evm`: the v18 EVM actor (FEVM, FIP-0054), one per Ethereum contract.
//!
//! | method | number | callers |
//! | --- | --- | --- |
//! | `Constructor` | 1 | the init actor, asked by the EAM |
//! | `Resurrect` | 2 | the EAM, over a dead (self-destructed) contract |
//! | `GetBytecode` | 3 | anyone |
//! | `GetBytecodeHash` | 4 | anyone |
//! | `GetStorageAt` | 5 | the system actor (`eth_getStorageAt`) |
//! | `InvokeContractDelegate` | 6 | the contract itself (DELEGATECALL) |
//! | `InvokeContract` | 3844450837 (FRC-42 `InvokeEVM`) | anyone |
//! | any other number above 1023 | — | anyone: handed to the contract's `handle_filecoin_method` |
//!
//! Numbers 7 to 1023 are reserved (`USR_UNHANDLED_MESSAGE`). As in v18 the internal-method
//! restriction does not apply: the contract calls its own `InvokeContractDelegate`.
//!
//! Layout: the interpreter (`interpreter`, on `revm-interpreter`, the only module that knows
//! revm) runs inside the FEVM layer: `system` (the contract's state for one invocation),
//! `storage` (the KAMT), `calls`, `lifecycle`, `contracts`, `events`, `precompiles`, and the
//! handlers in `methods`. The actor must not touch any other actor's state; it only sends.

use fil_actors_runtime::runtime::Runtime;
use fil_actors_runtime::{ActorCode, ActorError};
use fvm_ipld_encoding::ipld_block::IpldBlock;
use fvm_ipld_encoding::{BytesDe, BytesSer};
use fvm_shared::{MethodNum, METHOD_CONSTRUCTOR};
use num_derive::FromPrimitive;
use num_traits::FromPrimitive;
use serde::de::DeserializeOwned;
use serde::Serialize;

pub mod abi;
mod calls;
mod contracts;
pub mod events;
pub mod execution;
pub mod exit_codes;
mod ext;
mod interpreter;
mod lifecycle;
mod methods;
mod precompiles;
pub mod state;
pub mod storage;
pub mod system;
pub mod testing;
pub mod types;

pub use exit_codes::*;
pub use state::*;
pub use types::*;

/// Method numbers up to this are the actor's own; every number above it that the actor does
/// not define goes to the contract (`handle_filecoin_method`).
pub const EVM_MAX_RESERVED_METHOD: u64 = 1023;

/// The EVM actor's methods.
#[derive(FromPrimitive, Debug, Clone, Copy, PartialEq, Eq)]
#[repr(u64)]
pub enum Method {
    Constructor = METHOD_CONSTRUCTOR,
    Resurrect = 2,
    GetBytecode = 3,
    GetBytecodeHash = 4,
    GetStorageAt = 5,
    InvokeContractDelegate = 6,
    InvokeContract = fil_actors_runtime::method_hash!("InvokeEVM"),
}

/// The EVM actor.
pub struct EvmContractActor;

fn required<P: DeserializeOwned>(args: Option<IpldBlock>) -> Result<P, ActorError> {
    args.ok_or_else(|| ActorError::illegal_argument("method expects arguments".to_string()))?
        .deserialize()
        .map_err(|e| ActorError::serialization(format!("failed to decode parameters: {}", e)))
}

fn encode<T: Serialize + ?Sized>(
    codec_cbor: bool,
    value: &T,
) -> Result<Option<IpldBlock>, ActorError> {
    let r = if codec_cbor {
        IpldBlock::serialize_cbor(value)
    } else {
        IpldBlock::serialize_dag_cbor(value)
    };
    r.map_err(|e| ActorError::serialization(format!("failed to encode return value: {}", e)))
}

impl ActorCode for EvmContractActor {
    type Methods = Method;

    fn name() -> &'static str {
        "evm"
    }

    fn invoke_method<RT: Runtime>(
        rt: &RT,
        method: MethodNum,
        args: Option<IpldBlock>,
    ) -> Result<Option<IpldBlock>, ActorError> {
        match Method::from_u64(method) {
            Some(Method::Constructor) => {
                Self::constructor(rt, required(args)?)?;
                Ok(None)
            }
            Some(Method::Resurrect) => {
                Self::resurrect(rt, required(args)?)?;
                Ok(None)
            }
            Some(Method::GetBytecode) => encode(false, &Self::bytecode(rt)?),
            Some(Method::GetBytecodeHash) => encode(true, &Self::bytecode_hash(rt)?),
            Some(Method::GetStorageAt) => encode(true, &Self::storage_at(rt, required(args)?)?),
            Some(Method::InvokeContractDelegate) => {
                let output = Self::invoke_contract_delegate(rt, required(args)?)?;
                encode(true, &BytesSer(&output))
            }
            Some(Method::InvokeContract) => {
                let input = match args {
                    None => Vec::new(),
                    Some(block) => {
                        block
                            .deserialize::<BytesDe>()
                            .map_err(|e| {
                                ActorError::serialization(format!(
                                    "failed to decode call data: {}",
                                    e
                                ))
                            })?
                            .0
                    }
                };
                let output = Self::invoke_contract(rt, input)?;
                encode(true, &BytesSer(&output))
            }
            None if method > EVM_MAX_RESERVED_METHOD => {
                Self::handle_filecoin_method(rt, method, args)
            }
            None => Err(ActorError::unhandled_message(format!(
                "invalid method: {}",
                method
            ))),
        }
    }
}

fil_actors_runtime::wasm_trampoline!(EvmContractActor);
