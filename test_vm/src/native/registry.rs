//! Which native code runs for which code CID: every actor crate of the bundle, dispatched through
//! `ActorCode::invoke_method`, and the test relay actor; the placeholder has no code and rejects
//! every message, as on the FVM.

use cid::Cid;
use fil_actors_runtime::actor_error::abort_exit_code;
use fil_actors_runtime::builtin::Type;
use fil_actors_runtime::{ActorCode, ActorError};
use fvm_ipld_encoding::ipld_block::IpldBlock;
use fvm_shared::error::ExitCode;
use fvm_shared::MethodNum;

use super::InvocationCtx;
use crate::bundle::bundle;
use crate::user_actors::relay_code;

type Invoker =
    fn(&InvocationCtx, MethodNum, Option<IpldBlock>) -> Result<Option<IpldBlock>, ActorError>;

fn invoke<A: ActorCode>(
    rt: &InvocationCtx,
    method: MethodNum,
    params: Option<IpldBlock>,
) -> Result<Option<IpldBlock>, ActorError> {
    A::invoke_method(rt, method, params)
}

/// The native code of built-in type `typ`; none for the placeholder.
fn native(typ: Type) -> Option<Invoker> {
    Some(match typ {
        Type::System => invoke::<fil_actor_system::Actor>,
        Type::Init => invoke::<fil_actor_init::Actor>,
        Type::Cron => invoke::<fil_actor_cron::Actor>,
        Type::Account => invoke::<fil_actor_account::Actor>,
        Type::Miner => invoke::<fil_actor_miner::Actor>,
        Type::Power => invoke::<fil_actor_power::Actor>,
        Type::Reward => invoke::<fil_actor_reward::Actor>,
        Type::EAM => invoke::<fil_actor_eam::EamActor>,
        Type::EthAccount => invoke::<fil_actor_ethaccount::EthAccountActor>,
        Type::Market => invoke::<fil_actor_market::Actor>,
        Type::VerifiedRegistry => invoke::<fil_actor_verifreg::Actor>,
        Type::DataCap => invoke::<fil_actor_datacap::Actor>,
        Type::Multisig => invoke::<fil_actor_multisig::Actor>,
        Type::PaymentChannel => invoke::<fil_actor_paych::Actor>,
        Type::EVM => invoke::<fil_actor_evm::EvmContractActor>,
        Type::Placeholder => return None,
    })
}

/// A call's exit code, return block and abort message.
pub(super) type Dispatched = (ExitCode, Option<IpldBlock>, Option<String>);

/// Runs `method` of the actor with `code`; returns its exit code, return block and abort message.
pub(super) fn dispatch(
    rt: &InvocationCtx,
    code: &Cid,
    method: MethodNum,
    params: Option<IpldBlock>,
) -> anyhow::Result<Dispatched> {
    let bundle = bundle()?;
    let invoker: Invoker = if *code == relay_code() {
        invoke::<fil_test_actor_relay::Actor>
    } else {
        let Some(typ) = bundle.codes.type_of(code) else {
            return Err(anyhow::anyhow!(
                "code {code} is neither built in nor a known user actor"
            ));
        };
        let Some(invoker) = native(typ) else {
            return Ok((ExitCode::USR_UNHANDLED_MESSAGE, None, None));
        };
        invoker
    };
    let result = invoker(rt, method, params);
    if let Some(fatal) = rt.take_fatal() {
        return Err(fatal);
    }
    Ok(match result {
        Err(mut e) => {
            let data = e.take_data();
            (
                abort_exit_code(e.exit_code()),
                data,
                Some(e.msg().to_string()),
            )
        }
        Ok(_) if !rt.caller_validated() => (
            ExitCode::USR_ASSERTION_FAILED,
            None,
            Some("the actor validated no caller".to_string()),
        ),
        Ok(ret) => (ExitCode::OK, ret, None),
    })
}
