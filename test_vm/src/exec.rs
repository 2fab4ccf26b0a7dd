//! Creating an actor through the init actor's `Exec`, as a wallet creates a multisig or a payment
//! channel.

use crate::{Msg, VM};
use fil_actor_init::{ExecParams, ExecReturn};
use fil_actors_runtime::builtin::{Type, INIT_ACTOR_ADDR};
use fvm_ipld_encoding::RawBytes;
use fvm_shared::address::Address;
use fvm_shared::econ::TokenAmount;
use fvm_shared::MethodNum;

/// The init actor's `Exec` (v18 number).
pub const EXEC_METHOD: MethodNum = 2;

/// The message by which `from` creates an actor of `typ` with `constructor_params` (sent as they
/// are, however malformed) and `value`.
pub fn exec_message(
    vm: &dyn VM,
    from: Address,
    typ: Type,
    constructor_params: RawBytes,
    value: TokenAmount,
) -> anyhow::Result<Msg> {
    let params = ExecParams {
        code_cid: vm.codes().code(typ),
        constructor_params,
    };
    Ok(Msg::new(from, INIT_ACTOR_ADDR, EXEC_METHOD)
        .params(&params)?
        .value(value))
}

/// Creates an actor of `typ`; fails unless the constructor succeeds. Returns the new addresses.
pub fn exec_ok(
    vm: &mut dyn VM,
    from: Address,
    typ: Type,
    constructor_params: RawBytes,
    value: TokenAmount,
) -> anyhow::Result<ExecReturn> {
    let msg = exec_message(vm, from, typ, constructor_params, value)?;
    let ret = vm.apply(&msg)?;
    if !ret.code.is_success() {
        return Err(anyhow::anyhow!(
            "creating a {} failed with {}: {:?}",
            typ.name(),
            ret.code,
            ret.failure
        ));
    }
    ret.ret_as()
}
