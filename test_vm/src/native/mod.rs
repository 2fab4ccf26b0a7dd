//! The native test VM: runs the actors' Rust code in-process through the `Runtime` trait, over an
//! `fvm::state_tree::StateTree` in memory (so state roots compare with the FVM's). It follows the
//! FVM's rules for what a node would see: every send is a state transaction reverted when the
//! callee aborts, value moves before the callee runs, f1/f3 receivers are created as accounts and
//! f4 receivers as placeholders, and the same failures give the same exit codes.

pub mod comm_d;
mod registry;
mod runtime;

use std::cell::{Cell, RefCell};
use std::collections::BTreeMap;
use std::rc::Rc;

use anyhow::anyhow;
use cid::Cid;
use fil_actors_runtime::builtin::Type;
use fil_actors_runtime::runtime::Policy;
use fvm::state_tree::{ActorState, StateTree};
use fvm_ipld_blockstore::{Blockstore, MemoryBlockstore};
use fvm_shared::address::Address;
use fvm_shared::clock::ChainEpoch;
use fvm_shared::error::{ErrorNumber, ExitCode};
use fvm_shared::event::StampedEvent;
use fvm_shared::state::StateTreeVersion;
use fvm_shared::ActorID;

use crate::bundle::{bundle, BuiltinCodes};
use crate::trace::InvocationTrace;
use crate::{MessageKind, MessageResult, Msg, VM};

pub use runtime::InvocationCtx;

type Store = Rc<MemoryBlockstore>;

/// What every call of one message shares.
pub(crate) struct TopCtx {
    /// The sender of the message as it was addressed (the FVM derives new actor addresses from
    /// it).
    origin_address: Address,
    origin: ActorID,
    nonce: u64,
    actors_created: Cell<u64>,
    events: RefCell<Vec<StampedEvent>>,
}

/// The native VM.
pub struct NativeVM {
    store: Store,
    tree: RefCell<StateTree<Store>>,
    epoch: ChainEpoch,
    last_tick: ChainEpoch,
    codes: BuiltinCodes,
    policy: Policy,
    check_invariants: bool,
}

impl NativeVM {
    /// An empty state tree (no actors) at epoch 0, with the bundle loaded.
    pub fn new() -> anyhow::Result<Self> {
        let bundle = bundle()?;
        let store: Store = Rc::new(MemoryBlockstore::new());
        bundle.load_into(&store)?;
        let tree = StateTree::new(store.clone(), StateTreeVersion::V5)
            .map_err(|e| anyhow!("creating the state tree: {e}"))?;
        let policy = bundle.policy.clone();
        Ok(NativeVM {
            store,
            tree: RefCell::new(tree),
            epoch: 0,
            last_tick: -1,
            codes: bundle.codes.clone(),
            policy,
            check_invariants: false,
        })
    }

    /// One send, as a state transaction reverted unless the callee succeeds. The trace carries
    /// the outcome; `Err` means the VM itself failed.
    #[allow(clippy::too_many_arguments)]
    pub(crate) fn send(
        &self,
        top: &TopCtx,
        from: ActorID,
        to: &Address,
        method: u64,
        params: Option<fvm_ipld_encoding::ipld_block::IpldBlock>,
        value: &fvm_shared::econ::TokenAmount,
        read_only: bool,
    ) -> anyhow::Result<InvocationTrace> {
        let mut trace =
            InvocationTrace::new(from, *to, method, params.clone(), value.clone(), read_only);
        let events_before = top.events.borrow().len();
        self.tree.borrow_mut().begin_transaction();
        let outcome = self.send_inner(top, from, to, method, params, value, read_only, &mut trace);
        let revert = match &outcome {
            Ok(Ok(())) => !trace.code.is_success(),
            _ => true,
        };
        self.tree.borrow_mut().end_transaction(revert)?;
        if revert {
            top.events.borrow_mut().truncate(events_before);
        }
        match outcome? {
            Ok(()) => {}
            Err(number) => trace.send_error = Some(number),
        }
        Ok(trace)
    }

    #[allow(clippy::too_many_arguments)]
    fn send_inner(
        &self,
        top: &TopCtx,
        from: ActorID,
        to: &Address,
        method: u64,
        params: Option<fvm_ipld_encoding::ipld_block::IpldBlock>,
        value: &fvm_shared::econ::TokenAmount,
        read_only: bool,
        trace: &mut InvocationTrace,
    ) -> anyhow::Result<Result<(), ErrorNumber>> {
        use fvm_shared::address::Payload;
        let found = self.tree.borrow().lookup_id(to)?;
        let to_id = match found {
            Some(id) => id,
            None => match to.payload() {
                Payload::BLS(_) | Payload::Secp256k1(_) | Payload::Delegated(_) if read_only => {
                    return Ok(Err(ErrorNumber::ReadOnly));
                }
                Payload::BLS(_) | Payload::Secp256k1(_) => {
                    let id = self.tree.borrow_mut().register_new_address(to)?;
                    let code = self.codes.code(Type::Account);
                    self.tree
                        .borrow_mut()
                        .set_actor(id, ActorState::new_empty(code, None));
                    // The FVM runs the account constructor as the system actor and ignores
                    // its exit code.
                    let params = fvm_ipld_encoding::ipld_block::IpldBlock::serialize_cbor(to)
                        .map_err(|e| anyhow!("encoding {to}: {e}"))?;
                    let mut ctor = InvocationTrace::new(
                        0,
                        Address::new_id(id),
                        fvm_shared::METHOD_CONSTRUCTOR,
                        params.clone(),
                        Default::default(),
                        false,
                    );
                    if let Err(number) = self.invoke(
                        top,
                        0,
                        id,
                        fvm_shared::METHOD_CONSTRUCTOR,
                        params,
                        &Default::default(),
                        false,
                        &mut ctor,
                    )? {
                        return Ok(Err(number));
                    }
                    trace.subinvocations.push(ctor);
                    id
                }
                Payload::Delegated(d) if d.namespace() == fil_actors_runtime::EAM_ACTOR_ID => {
                    let id = self.tree.borrow_mut().register_new_address(to)?;
                    let code = self.codes.code(Type::Placeholder);
                    self.tree
                        .borrow_mut()
                        .set_actor(id, ActorState::new_empty(code, Some(*to)));
                    id
                }
                _ => return Ok(Err(ErrorNumber::NotFound)),
            },
        };
        self.invoke(top, from, to_id, method, params, value, read_only, trace)
    }

    /// Moves the value, then runs the receiver's code (unless the method is a plain send).
    #[allow(clippy::too_many_arguments)]
    fn invoke(
        &self,
        top: &TopCtx,
        from: ActorID,
        to: ActorID,
        method: u64,
        params: Option<fvm_ipld_encoding::ipld_block::IpldBlock>,
        value: &fvm_shared::econ::TokenAmount,
        read_only: bool,
        trace: &mut InvocationTrace,
    ) -> anyhow::Result<Result<(), ErrorNumber>> {
        let Some(actor) = self.tree.borrow().get_actor(to)? else {
            return Ok(Err(ErrorNumber::NotFound));
        };
        if !value.is_zero() {
            if let Err(number) = self.transfer(from, to, value)? {
                return Ok(Err(number));
            }
        }
        if method == fvm_shared::METHOD_SEND {
            return Ok(Ok(()));
        }
        let ctx = InvocationCtx::new(self, top, from, to, value.clone(), read_only);
        let (code, ret, message) = registry::dispatch(&ctx, &actor.code, method, params)?;
        trace.code = code;
        trace.ret = ret;
        trace.message = message;
        trace.subinvocations = ctx.into_subinvocations();
        Ok(Ok(()))
    }

    pub(crate) fn transfer(
        &self,
        from: ActorID,
        to: ActorID,
        value: &fvm_shared::econ::TokenAmount,
    ) -> anyhow::Result<Result<(), ErrorNumber>> {
        if value.is_negative() {
            return Ok(Err(ErrorNumber::IllegalArgument));
        }
        let mut tree = self.tree.borrow_mut();
        let Some(mut sender) = tree.get_actor(from)? else {
            return Ok(Err(ErrorNumber::InsufficientFunds));
        };
        if sender.balance < *value {
            return Ok(Err(ErrorNumber::InsufficientFunds));
        }
        if from == to {
            return Ok(Ok(()));
        }
        let Some(mut receiver) = tree.get_actor(to)? else {
            return Ok(Err(ErrorNumber::NotFound));
        };
        sender.balance -= value;
        receiver.balance += value;
        tree.set_actor(from, sender);
        tree.set_actor(to, receiver);
        Ok(Ok(()))
    }
}

impl VM for NativeVM {
    /// Applies a message; errors only when the VM itself fails.
    fn run(&mut self, msg: &Msg, kind: MessageKind) -> anyhow::Result<MessageResult> {
        let sender = self.tree.borrow().lookup_id(&msg.from)?;
        let rejected = |code: ExitCode, why: String| {
            let mut trace = InvocationTrace::new(
                0,
                msg.to,
                msg.method,
                msg.params.clone(),
                msg.value.clone(),
                false,
            );
            trace.code = code;
            Ok(MessageResult {
                code,
                ret: None,
                events: vec![],
                gas_used: None,
                gas_charges: BTreeMap::new(),
                event_gas: vec![],
                trace,
                failure: Some(why),
            })
        };
        let Some(sender) = sender else {
            return rejected(
                ExitCode::SYS_SENDER_INVALID,
                format!("sender {} not found", msg.from),
            );
        };
        let mut nonce = 0;
        if kind == MessageKind::Explicit {
            let mut actor = self
                .tree
                .borrow()
                .get_actor(sender)?
                .ok_or_else(|| anyhow!("sender {sender} vanished"))?;
            let typ = self.codes.type_of(&actor.code);
            // As the FVM: a placeholder at an f4 address in the EAM's namespace that has never
            // sent becomes an Ethereum account with its first message.
            let eth_placeholder = typ == Some(Type::Placeholder)
                && actor.sequence == 0
                && actor.delegated_address.is_some_and(|a| {
                    matches!(a.payload(), fvm_shared::address::Payload::Delegated(d)
                        if d.namespace() == fil_actors_runtime::EAM_ACTOR_ID)
                });
            if eth_placeholder {
                actor.code = self.codes.code(Type::EthAccount);
            }
            let may_send =
                matches!(typ, Some(Type::Account) | Some(Type::EthAccount)) || eth_placeholder;
            if !may_send {
                return rejected(
                    ExitCode::SYS_SENDER_INVALID,
                    format!("sender {sender} cannot send"),
                );
            }
            nonce = actor.sequence;
            actor.sequence += 1;
            self.tree.borrow_mut().set_actor(sender, actor);
        }
        let top = TopCtx {
            origin_address: msg.from,
            origin: sender,
            nonce,
            actors_created: Cell::new(0),
            events: RefCell::new(Vec::new()),
        };
        let trace = self.send(
            &top,
            sender,
            &msg.to,
            msg.method,
            msg.params.clone(),
            &msg.value,
            false,
        )?;
        let code = match trace.send_error {
            None => trace.code,
            Some(ErrorNumber::InsufficientFunds) => ExitCode::SYS_INSUFFICIENT_FUNDS,
            Some(ErrorNumber::NotFound) => ExitCode::SYS_INVALID_RECEIVER,
            Some(_) => ExitCode::SYS_ASSERTION_FAILED,
        };
        // Like the FVM's backtrace: the abort messages of the failed calls, outermost first.
        let failure = (!code.is_success()).then(|| {
            trace
                .flatten()
                .iter()
                .filter_map(|t| t.message.as_ref().map(|m| format!("{} ({})", m, t.code)))
                .collect::<Vec<_>>()
                .join("\n")
        });
        Ok(MessageResult {
            code,
            ret: trace.ret.clone(),
            events: top.events.into_inner(),
            gas_used: None,
            gas_charges: BTreeMap::new(),
            event_gas: vec![],
            trace,
            failure,
        })
    }

    fn enter_epoch(&mut self, epoch: ChainEpoch) -> anyhow::Result<()> {
        self.last_tick = self.epoch;
        self.epoch = epoch;
        Ok(())
    }

    fn name(&self) -> &'static str {
        "native"
    }

    fn codes(&self) -> &BuiltinCodes {
        &self.codes
    }

    fn epoch(&self) -> ChainEpoch {
        self.epoch
    }

    fn last_tick(&self) -> ChainEpoch {
        self.last_tick
    }

    fn actor(&self, id: ActorID) -> anyhow::Result<Option<ActorState>> {
        Ok(self.tree.borrow().get_actor(id)?)
    }

    fn resolve(&self, address: &Address) -> anyhow::Result<Option<ActorID>> {
        Ok(self.tree.borrow().lookup_id(address)?)
    }

    fn set_actor(&mut self, id: ActorID, actor: ActorState) -> anyhow::Result<()> {
        self.tree.borrow_mut().set_actor(id, actor);
        Ok(())
    }

    fn store(&self) -> &dyn Blockstore {
        &*self.store
    }

    fn state_root(&mut self) -> anyhow::Result<Cid> {
        self.tree
            .borrow_mut()
            .flush()
            .map_err(|e| anyhow!("flushing the state tree: {e}"))
    }

    fn set_invariant_checks(&mut self, on: bool) {
        self.check_invariants = on;
    }

    fn invariant_checks(&self) -> bool {
        self.check_invariants
    }
}
