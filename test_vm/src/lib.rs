//! `test_vm`: the engines integration scenarios run on, behind one [`VM`] trait.
//!
//! - [`native::NativeVM`]: executes the actors' Rust code in-process through the same `Runtime`
//!   trait they use on chain. Fast and debuggable; no gas.
//! - [`fvm_engine::FvmVM`]: the real FVM (`fvm` 4.8, Filecoin kernel) executing the WASM bundle,
//!   one machine per epoch as a node runs tipsets. The truth for gas.
//!
//! Both keep the state in an `fvm::state_tree::StateTree` over an in-memory blockstore, so state
//! roots compare across engines. [`genesis::genesis`] builds the same network on either.

use std::collections::BTreeMap;

use anyhow::{anyhow, Context};
use cid::Cid;
use fil_actors_runtime::builtin::{Type, CRON_ACTOR_ADDR, SYSTEM_ACTOR_ADDR};
use fil_actors_runtime::MessageAccumulator;
use fvm_ipld_blockstore::Blockstore;
use fvm_ipld_encoding::ipld_block::IpldBlock;
use fvm_ipld_encoding::DAG_CBOR;
use fvm_shared::address::Address;
use fvm_shared::clock::ChainEpoch;
use fvm_shared::econ::TokenAmount;
use fvm_shared::error::ExitCode;
use fvm_shared::event::StampedEvent;
use fvm_shared::{ActorID, MethodNum};

use crate::fvm_engine::CRON_EPOCH_TICK;
use multihash_codetable::{Code, MultihashDigest};
use serde::de::DeserializeOwned;
use serde::Serialize;

pub mod bundle;
pub mod chain;
pub mod exec;
pub mod fvm_engine;
pub mod genesis;
pub mod native;
pub mod root_key;
pub mod trace;
pub mod user_actors;

pub use bundle::{bundle, BuiltinCodes, Bundle};
pub use fvm::state_tree::ActorState;
pub use fvm_engine::FvmVM;
pub use native::NativeVM;
pub use trace::InvocationTrace;

/// Whether a message comes from a signed chain message or from the system (cron, genesis).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum MessageKind {
    /// A chain message: the sender must be an account, its nonce advances.
    Explicit,
    /// A system message (cron tick, genesis constructors): no nonce, no sender checks.
    Implicit,
}

/// A message to apply. The engine fills in the nonce and gas fields.
#[derive(Clone, Debug)]
pub struct Msg {
    pub from: Address,
    pub to: Address,
    pub method: MethodNum,
    pub params: Option<IpldBlock>,
    pub value: TokenAmount,
}

impl Msg {
    pub fn new(from: Address, to: Address, method: MethodNum) -> Self {
        Msg {
            from,
            to,
            method,
            params: None,
            value: TokenAmount::from_atto(0),
        }
    }

    pub fn params<T: Serialize + ?Sized>(mut self, params: &T) -> anyhow::Result<Self> {
        self.params = IpldBlock::serialize_cbor(params).context("encoding message params")?;
        Ok(self)
    }

    pub fn value(mut self, value: TokenAmount) -> Self {
        self.value = value;
        self
    }
}

/// What applying a message produced.
#[derive(Clone, Debug)]
pub struct MessageResult {
    pub code: ExitCode,
    pub ret: Option<IpldBlock>,
    /// The events of the calls that succeeded, in emission order.
    pub events: Vec<StampedEvent>,
    /// Gas used; only the real FVM measures it.
    pub gas_used: Option<u64>,
    /// The real FVM's gas charges by name: how many, and their total gas (empty on the native
    /// VM). `OnActorEvent` is the cost of emitting events.
    pub gas_charges: BTreeMap<String, (u64, u64)>,
    /// The real FVM's `OnActorEvent` charge of each event emitted, in emission order (empty on
    /// the native VM; failed calls' events are charged but not returned).
    pub event_gas: Vec<u64>,
    pub trace: InvocationTrace,
    /// The failure message, when the engine reports one.
    pub failure: Option<String>,
}

impl MessageResult {
    /// Decodes the return block.
    pub fn ret_as<T: DeserializeOwned>(&self) -> anyhow::Result<T> {
        self.ret
            .as_ref()
            .ok_or_else(|| anyhow!("message returned no block"))?
            .deserialize()
            .context("decoding the return block")
    }
}

/// The engine interface scenarios are written against.
pub trait VM {
    /// A short name for messages: `native` or `fvm`.
    fn name(&self) -> &'static str;
    /// The bundle's code CIDs.
    fn codes(&self) -> &BuiltinCodes;
    fn epoch(&self) -> ChainEpoch;
    /// The epoch whose cron tick ran last (-1 before the first). Epochs skipped by one
    /// `advance_epoch` get no tick of their own, like null rounds whose cron work is caught up at
    /// the next tick (the reward actor, for one, catches up on its own).
    fn last_tick(&self) -> ChainEpoch;
    /// The engine's own step: applies one message at the current epoch, without the invariant
    /// checks ([`VM::execute`] adds them).
    fn run(&mut self, msg: &Msg, kind: MessageKind) -> anyhow::Result<MessageResult>;
    /// Moves the engine from the current epoch, whose cron tick has just run, to `epoch`.
    fn enter_epoch(&mut self, epoch: ChainEpoch) -> anyhow::Result<()>;

    /// Applies one message at the current epoch, then the invariant checks when they are on.
    fn execute(&mut self, msg: &Msg, kind: MessageKind) -> anyhow::Result<MessageResult> {
        let result = self.run(msg, kind)?;
        if self.invariant_checks() {
            enforce_invariants(
                self,
                &format!("message {} -> {} m{}", msg.from, msg.to, msg.method),
            )?;
        }
        Ok(result)
    }
    /// Ends the current epoch with the cron tick (an implicit message from the system actor to
    /// the cron actor) and moves to `epoch`, with no tick for the epochs in between. Returns the
    /// tick's result.
    fn advance_epoch(&mut self, epoch: ChainEpoch) -> anyhow::Result<MessageResult> {
        if epoch <= self.epoch() {
            return Err(anyhow!(
                "cannot advance from epoch {} to {epoch}",
                self.epoch()
            ));
        }
        let tick = Msg::new(SYSTEM_ACTOR_ADDR, CRON_ACTOR_ADDR, CRON_EPOCH_TICK);
        let result = self.run(&tick, MessageKind::Implicit)?;
        self.enter_epoch(epoch)?;
        if self.invariant_checks() {
            enforce_invariants(self, &format!("cron tick before epoch {epoch}"))?;
        }
        Ok(result)
    }
    fn actor(&self, id: ActorID) -> anyhow::Result<Option<ActorState>>;
    /// The ID an address refers to, if any (ID, robust through init's map, f4 through the map of
    /// delegated addresses).
    fn resolve(&self, address: &Address) -> anyhow::Result<Option<ActorID>>;
    /// Writes an actor directly, for test setup.
    fn set_actor(&mut self, id: ActorID, actor: ActorState) -> anyhow::Result<()>;
    /// The store holding the current state (and the bundle).
    fn store(&self) -> &dyn Blockstore;
    /// Flushes and returns the state root.
    fn state_root(&mut self) -> anyhow::Result<Cid>;
    /// When on, the cross-actor invariants run after every step and a violation is an error.
    fn set_invariant_checks(&mut self, on: bool);
    fn invariant_checks(&self) -> bool;

    /// Applies an explicit message.
    fn apply(&mut self, msg: &Msg) -> anyhow::Result<MessageResult> {
        self.execute(msg, MessageKind::Explicit)
    }
}

/// The longest jump between two cron ticks [`walk_to`] makes. A tick catches the reward actor and
/// the market up on every epoch since the last one, which the real FVM charges per epoch: a jump
/// of 100,000 epochs exceeds a message's gas limit.
pub const WALK_STRIDE: ChainEpoch = 5_000;

/// Moves to `epoch` with a cron tick at least every [`WALK_STRIDE`] epochs; every tick must
/// succeed.
pub fn walk_to(vm: &mut dyn VM, epoch: ChainEpoch) -> anyhow::Result<()> {
    while vm.epoch() < epoch {
        let next = (vm.epoch() + WALK_STRIDE).min(epoch);
        let tick = vm.advance_epoch(next)?;
        if !tick.code.is_success() {
            return Err(anyhow!(
                "cron tick before epoch {next} failed with {}: {:?}",
                tick.code,
                tick.failure
            ));
        }
    }
    Ok(())
}

/// The code-to-type table of a bundle, as the invariant checks take it.
pub fn code_types(codes: &BuiltinCodes) -> BTreeMap<Cid, Type> {
    codes.iter().map(|(t, c)| (c, t)).collect()
}

/// Runs the cross-actor invariant checks on the current state.
pub fn check_invariants<V: VM + ?Sized>(vm: &mut V) -> anyhow::Result<MessageAccumulator> {
    let root = vm.state_root()?;
    let types = code_types(vm.codes());
    let policy = &bundle()?.policy;
    fil_builtin_actors_state::check_state_invariants(
        &StoreRef(vm.store()),
        &root,
        &types,
        &user_actors::user_codes(),
        policy,
        vm.last_tick(),
        vm.epoch(),
    )
}

/// Runs the invariant checks and fails on any violation.
pub(crate) fn enforce_invariants<V: VM + ?Sized>(vm: &mut V, step: &str) -> anyhow::Result<()> {
    let acc = check_invariants(vm)?;
    if acc.is_empty() {
        Ok(())
    } else {
        Err(anyhow!(
            "{}: invariants violated after {step}:\n{}",
            vm.name(),
            acc.messages().join("\n")
        ))
    }
}

/// A sized handle on a `dyn Blockstore`, for APIs that take `BS: Blockstore`.
pub struct StoreRef<'a>(pub &'a dyn Blockstore);

impl Blockstore for StoreRef<'_> {
    fn get(&self, k: &Cid) -> anyhow::Result<Option<Vec<u8>>> {
        self.0.get(k)
    }
    fn put_keyed(&self, k: &Cid, block: &[u8]) -> anyhow::Result<()> {
        self.0.put_keyed(k, block)
    }
}

/// Stores `value` as DAG-CBOR (Blake2b-256), returning its CID.
pub fn put_cbor<T: Serialize>(store: &dyn Blockstore, value: &T) -> anyhow::Result<Cid> {
    let bytes = fvm_ipld_encoding::to_vec(value).context("encoding a block")?;
    let cid = Cid::new_v1(DAG_CBOR, Code::Blake2b256.digest(&bytes));
    store.put_keyed(&cid, &bytes)?;
    Ok(cid)
}

/// Reads a DAG-CBOR block.
pub fn get_cbor<T: DeserializeOwned>(store: &dyn Blockstore, cid: &Cid) -> anyhow::Result<T> {
    let bytes = store
        .get(cid)?
        .ok_or_else(|| anyhow!("block {cid} not found"))?;
    fvm_ipld_encoding::from_slice(&bytes).with_context(|| format!("decoding block {cid}"))
}

/// The decoded state of the actor at `id`.
pub fn actor_state<T: DeserializeOwned>(vm: &dyn VM, id: ActorID) -> anyhow::Result<T> {
    let actor = vm.actor(id)?.ok_or_else(|| anyhow!("no actor {id}"))?;
    get_cbor(vm.store(), &actor.state)
}

/// The balance of the actor at `id` (zero when it does not exist).
pub fn balance(vm: &dyn VM, id: ActorID) -> anyhow::Result<TokenAmount> {
    Ok(vm.actor(id)?.map(|a| a.balance).unwrap_or_default())
}
