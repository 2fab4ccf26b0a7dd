//! The real-FVM engine: `fvm` 4.8 with the Filecoin kernel executing the WASM bundle, one machine
//! per epoch as a node runs tipsets. The engine pool (which caches compiled modules) is shared by
//! every `FvmVM` of the process.

use std::sync::OnceLock;

use anyhow::{anyhow, Context};
use cid::Cid;
use fvm::call_manager::DefaultCallManager;
use fvm::engine::{EngineConfig, EnginePool};
use fvm::executor::{ApplyKind, DefaultExecutor, Executor};
use fvm::externs::{Chain, Consensus, Externs, Rand};
use fvm::kernel::filecoin::DefaultFilecoinKernel;
use fvm::machine::{DefaultMachine, Machine, NetworkConfig};
use fvm::state_tree::{ActorState, StateTree};
use fvm_ipld_blockstore::{Blockstore, MemoryBlockstore};
use fvm_ipld_encoding::ipld_block::IpldBlock;
use fvm_ipld_encoding::RawBytes;
use fvm_shared::address::Address;
use fvm_shared::clock::ChainEpoch;
use fvm_shared::consensus::ConsensusFault;
use fvm_shared::econ::TokenAmount;
use fvm_shared::message::Message;
use fvm_shared::state::StateTreeVersion;
use fvm_shared::ActorID;

use crate::bundle::{bundle, BuiltinCodes};
use crate::trace::{event_gas, from_fvm, gas_charges, InvocationTrace};
use crate::{chain, MessageKind, MessageResult, Msg, VM};

/// The cron actor's `EpochTick` method.
pub const CRON_EPOCH_TICK: u64 = 2;

/// Chain data for the machine, the same the native VM uses (see [`chain`]).
pub struct TestExterns;

impl Externs for TestExterns {}

impl Rand for TestExterns {
    fn get_chain_randomness(&self, round: ChainEpoch) -> anyhow::Result<[u8; 32]> {
        Ok(chain::chain_randomness(round))
    }
    fn get_beacon_randomness(&self, round: ChainEpoch) -> anyhow::Result<[u8; 32]> {
        Ok(chain::beacon_randomness(round))
    }
}

impl Consensus for TestExterns {
    fn verify_consensus_fault(
        &self,
        _h1: &[u8],
        _h2: &[u8],
        _extra: &[u8],
    ) -> anyhow::Result<(Option<ConsensusFault>, i64)> {
        // The testing networks' fake proofs find no fault.
        Ok((None, 0))
    }
}

impl Chain for TestExterns {
    fn get_tipset_cid(&self, epoch: ChainEpoch) -> anyhow::Result<Cid> {
        Ok(chain::tipset_cid(epoch))
    }
}

type FvmMachine = DefaultMachine<MemoryBlockstore, TestExterns>;
type FvmKernel = DefaultFilecoinKernel<DefaultCallManager<FvmMachine>>;
type FvmExecutor = DefaultExecutor<FvmKernel>;

/// The network configuration of every machine: v28 with the test bundle's actors.
pub fn network_config(manifest_root: Cid) -> NetworkConfig {
    let mut config = NetworkConfig::new(chain::NETWORK_VERSION);
    config.override_actors(manifest_root);
    config
}

static ENGINES: OnceLock<Result<EnginePool, String>> = OnceLock::new();

/// The process-wide engine pool (compiling the bundle's modules is the expensive part).
fn engines(config: &NetworkConfig) -> anyhow::Result<EnginePool> {
    ENGINES
        .get_or_init(|| {
            let mut engine_config: EngineConfig = config.into();
            // Tests run on parallel threads; let two execute at once.
            engine_config.concurrency = 2;
            EnginePool::new(engine_config).map_err(|e| format!("{e:#}"))
        })
        .as_ref()
        .cloned()
        .map_err(|e| anyhow!("creating the FVM engine pool: {e}"))
}

/// The real FVM executing the bundle.
pub struct FvmVM {
    /// `None` only while switching machines between epochs.
    executor: Option<FvmExecutor>,
    epoch: ChainEpoch,
    last_tick: ChainEpoch,
    codes: BuiltinCodes,
    config: NetworkConfig,
    check_invariants: bool,
}

impl FvmVM {
    /// An empty state tree (no actors) at epoch 0, with the bundle loaded.
    pub fn new() -> anyhow::Result<Self> {
        let bundle = bundle()?;
        let store = MemoryBlockstore::new();
        bundle.load_into(&store)?;
        let root = StateTree::new(&store, StateTreeVersion::V5)
            .and_then(|mut tree| tree.flush())
            .map_err(|e| anyhow!("creating the empty state tree: {e}"))?;
        let config = network_config(bundle.manifest_root);
        let executor = Self::machine(&config, 0, root, store)?;
        Ok(FvmVM {
            executor: Some(executor),
            epoch: 0,
            last_tick: -1,
            codes: bundle.codes.clone(),
            config,
            check_invariants: false,
        })
    }

    fn machine(
        config: &NetworkConfig,
        epoch: ChainEpoch,
        root: Cid,
        store: MemoryBlockstore,
    ) -> anyhow::Result<FvmExecutor> {
        let mut context = config.for_epoch(epoch, chain::timestamp(epoch), root);
        context
            .set_base_fee(TokenAmount::from_atto(0))
            .set_circulating_supply(chain::circulating_supply())
            .enable_tracing();
        let machine = FvmMachine::new(&context, store, TestExterns)
            .with_context(|| format!("starting the machine for epoch {epoch}"))?;
        FvmExecutor::new(engines(config)?, machine).context("creating the executor")
    }

    fn executor(&self) -> anyhow::Result<&FvmExecutor> {
        self.executor
            .as_ref()
            .ok_or_else(|| anyhow!("the FVM machine was lost"))
    }

    fn executor_mut(&mut self) -> anyhow::Result<&mut FvmExecutor> {
        self.executor
            .as_mut()
            .ok_or_else(|| anyhow!("the FVM machine was lost"))
    }
}

impl VM for FvmVM {
    fn run(&mut self, msg: &Msg, kind: MessageKind) -> anyhow::Result<MessageResult> {
        let executor = self.executor_mut()?;
        let sequence = match kind {
            MessageKind::Implicit => 0,
            MessageKind::Explicit => {
                let tree = executor.state_tree();
                match tree.lookup_id(&msg.from)? {
                    Some(id) => tree.get_actor(id)?.map(|a| a.sequence).unwrap_or(0),
                    None => 0,
                }
            }
        };
        let message = Message {
            version: 0,
            from: msg.from,
            to: msg.to,
            sequence,
            value: msg.value.clone(),
            method_num: msg.method,
            params: msg
                .params
                .as_ref()
                .map(|p| RawBytes::new(p.data.clone()))
                .unwrap_or_default(),
            gas_limit: chain::GAS_LIMIT,
            gas_fee_cap: TokenAmount::from_atto(0),
            gas_premium: TokenAmount::from_atto(0),
        };
        let (apply_kind, raw_length) = match kind {
            MessageKind::Implicit => (ApplyKind::Implicit, 0),
            MessageKind::Explicit => (
                ApplyKind::Explicit,
                fvm_ipld_encoding::to_vec(&message)
                    .map(|b| b.len())
                    .unwrap_or(0),
            ),
        };
        let ret = executor
            .execute_message(message, apply_kind, raw_length)
            .context("the FVM failed to apply the message")?;
        let receipt = ret.msg_receipt;
        let ret_block = match (receipt.return_data.is_empty(), ret.return_codec) {
            (true, _) => None,
            (false, codec) => Some(IpldBlock {
                codec: codec.unwrap_or(fvm_ipld_encoding::CBOR),
                data: receipt.return_data.to_vec(),
            }),
        };
        let trace = from_fvm(&ret.exec_trace).unwrap_or_else(|| {
            // Validation failed before any call: a trace of the message alone.
            let mut t = InvocationTrace::new(
                0,
                msg.to,
                msg.method,
                msg.params.clone(),
                msg.value.clone(),
                false,
            );
            t.code = receipt.exit_code;
            t
        });
        Ok(MessageResult {
            code: receipt.exit_code,
            ret: ret_block,
            events: ret.events,
            gas_used: Some(receipt.gas_used),
            gas_charges: gas_charges(&ret.exec_trace),
            event_gas: event_gas(&ret.exec_trace),
            trace,
            failure: ret.failure_info.map(|f| f.to_string()),
        })
    }

    /// A node starts a new machine on the flushed state for every tipset.
    fn enter_epoch(&mut self, epoch: ChainEpoch) -> anyhow::Result<()> {
        let mut executor = self
            .executor
            .take()
            .ok_or_else(|| anyhow!("the FVM machine was lost"))?;
        let root = Executor::flush(&mut executor).context("flushing the epoch's state")?;
        let store = executor
            .into_machine()
            .ok_or_else(|| anyhow!("the FVM machine was poisoned"))?
            .into_store()
            .into_inner();
        self.executor = Some(Self::machine(&self.config, epoch, root, store)?);
        self.last_tick = self.epoch;
        self.epoch = epoch;
        Ok(())
    }

    fn name(&self) -> &'static str {
        "fvm"
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
        Ok(self.executor()?.state_tree().get_actor(id)?)
    }

    fn resolve(&self, address: &Address) -> anyhow::Result<Option<ActorID>> {
        Ok(self.executor()?.state_tree().lookup_id(address)?)
    }

    fn set_actor(&mut self, id: ActorID, actor: ActorState) -> anyhow::Result<()> {
        self.executor_mut()?.state_tree_mut().set_actor(id, actor);
        Ok(())
    }

    fn store(&self) -> &dyn Blockstore {
        match &self.executor {
            Some(executor) => executor.blockstore(),
            // Unreachable outside a failed epoch switch, after which every call errors anyway.
            None => &EMPTY_STORE,
        }
    }

    fn state_root(&mut self) -> anyhow::Result<Cid> {
        Executor::flush(self.executor_mut()?)
    }

    fn set_invariant_checks(&mut self, on: bool) {
        self.check_invariants = on;
    }

    fn invariant_checks(&self) -> bool {
        self.check_invariants
    }
}

/// A store with nothing in it, for the moment the machine is being replaced.
struct EmptyStore;

static EMPTY_STORE: EmptyStore = EmptyStore;

impl Blockstore for EmptyStore {
    fn get(&self, _k: &Cid) -> anyhow::Result<Option<Vec<u8>>> {
        Ok(None)
    }
    fn put_keyed(&self, k: &Cid, _block: &[u8]) -> anyhow::Result<()> {
        Err(anyhow!("the FVM machine was lost; cannot store {k}"))
    }
}
