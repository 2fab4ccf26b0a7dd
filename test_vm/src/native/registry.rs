//! Which native code runs for which code CID: the actor crates that exist, dispatched through
//! `ActorCode::invoke_method`; a slot still filled by a stand-in module rejects every message as
//! that module does. Add an actor here when its crate lands.

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

fn native(typ: Type) -> Option<(Invoker, &'static str)> {
    Some(match typ {
        Type::System => (invoke::<fil_actor_system::Actor>, "system"),
        Type::Init => (invoke::<fil_actor_init::Actor>, "init"),
        Type::Cron => (invoke::<fil_actor_cron::Actor>, "cron"),
        Type::Account => (invoke::<fil_actor_account::Actor>, "account"),
        Type::Miner => (invoke::<fil_actor_miner::Actor>, "storageminer"),
        Type::Power => (invoke::<fil_actor_power::Actor>, "storagepower"),
        Type::Reward => (invoke::<fil_actor_reward::Actor>, "reward"),
        Type::EAM => (invoke::<fil_actor_eam::EamActor>, "eam"),
        Type::EthAccount => (
            invoke::<fil_actor_ethaccount::EthAccountActor>,
            "ethaccount",
        ),
        Type::Market => (invoke::<fil_actor_market::Actor>, "storagemarket"),
        Type::VerifiedRegistry => (invoke::<fil_actor_verifreg::Actor>, "verifiedregistry"),
        Type::DataCap => (invoke::<fil_actor_datacap::Actor>, "datacap"),
        Type::Multisig => (invoke::<fil_actor_multisig::Actor>, "multisig"),
        Type::PaymentChannel => (invoke::<fil_actor_paych::Actor>, "paymentchannel"),
        Type::EVM => (invoke::<fil_actor_evm::EvmContractActor>, "evm"),
        _ => return None,
    })
}

/// Runs `method` of the actor with `code`; returns its exit code and return block.
/// A call's exit code, return block and abort message.
pub(super) type Dispatched = (ExitCode, Option<IpldBlock>, Option<String>);

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
        // The placeholder and the stand-ins reject every message.
        if typ == Type::Placeholder || !bundle.is_implemented(typ) {
            return Ok((ExitCode::USR_UNHANDLED_MESSAGE, None, None));
        }
        let Some((invoker, _)) = native(typ) else {
            return Err(anyhow::anyhow!(
                "the bundle implements {} but test_vm has no native code for it: add it to native/registry.rs",
                typ.name()
            ));
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
