//! User actors a test deploys outside the bundle's manifest, as contracts are: today the relay
//! (`fil_test_actor_relay`), which forwards one call and reports the callee's exit code and
//! return. On the FVM its WASM module runs from the state's blockstore like any user code; the
//! native VM runs the same crate in-process.

use std::collections::BTreeSet;
use std::sync::OnceLock;

use cid::Cid;
use fil_builtin_actors_bundle::RELAY_ACTOR_WASM;
use fvm::state_tree::ActorState;
use fvm_ipld_encoding::IPLD_RAW;
use fvm_shared::address::Address;
use fvm_shared::econ::TokenAmount;
use fvm_shared::ActorID;
use multihash_codetable::{Code, MultihashDigest};

use crate::{put_cbor, VM};

pub use fil_test_actor_relay::{Method as RelayMethod, RelayParams, RelayReturn};

/// The relay's code CID: its module's Blake2b-256 digest, raw codec, as for built-in code.
pub fn relay_code() -> Cid {
    static CODE: OnceLock<Cid> = OnceLock::new();
    *CODE.get_or_init(|| Cid::new_v1(IPLD_RAW, Code::Blake2b256.digest(RELAY_ACTOR_WASM)))
}

/// The codes of every user actor a test may deploy.
pub fn user_codes() -> BTreeSet<Cid> {
    BTreeSet::from([relay_code()])
}

/// Deploys a relay at `id` (which must be free) with an empty state, and returns its address.
/// The module goes into the state's blockstore, where the FVM loads user code from.
pub fn deploy_relay(vm: &mut dyn VM, id: ActorID) -> anyhow::Result<Address> {
    if vm.actor(id)?.is_some() {
        anyhow::bail!("actor {id} already exists");
    }
    let code = relay_code();
    vm.store().put_keyed(&code, RELAY_ACTOR_WASM)?;
    let head = put_cbor(vm.store(), &())?;
    vm.set_actor(
        id,
        ActorState::new(code, head, TokenAmount::from_atto(0), 0, None),
    )?;
    Ok(Address::new_id(id))
}
