//! The freshly built bundle, read the way a node reads it: the CAR into a blockstore, the
//! manifest through the FVM's own loader, every module through the FVM's engine, and messages
//! into the placeholder on a real FVM machine.

use std::collections::HashSet;

use cid::Cid;
use fil_builtin_actors_bundle::{BuiltBundle, BUNDLE, TEST_BUNDLE};
use fvm::call_manager::DefaultCallManager;
use fvm::engine::EnginePool;
use fvm::executor::{ApplyKind, ApplyRet, DefaultExecutor, Executor};
use fvm::externs::{Chain, Consensus, Externs, Rand};
use fvm::kernel::filecoin::DefaultFilecoinKernel;
use fvm::machine::{DefaultMachine, Manifest, NetworkConfig};
use fvm::state_tree::{ActorState, StateTree};
use fvm_ipld_blockstore::{Blockstore, MemoryBlockstore};
use fvm_ipld_encoding::{CborStore, RawBytes};
use fvm_shared::address::Address;
use fvm_shared::clock::ChainEpoch;
use fvm_shared::consensus::ConsensusFault;
use fvm_shared::econ::TokenAmount;
use fvm_shared::error::ExitCode;
use fvm_shared::message::Message;
use fvm_shared::state::StateTreeVersion;
use fvm_shared::version::NetworkVersion;

/// The v18 manifest, in builtin-type order, with the crate each slot must be compiled from.
const V18_ACTORS: [(&str, &str); 16] = [
    ("system", "fil_actor_system"),
    ("init", "fil_actor_init"),
    ("cron", "fil_actor_cron"),
    ("account", "fil_actor_account"),
    ("storagepower", "fil_actor_power"),
    ("storageminer", "fil_actor_miner"),
    ("storagemarket", "fil_actor_market"),
    ("paymentchannel", "fil_actor_paych"),
    ("multisig", "fil_actor_multisig"),
    ("reward", "fil_actor_reward"),
    ("verifiedregistry", "fil_actor_verifreg"),
    ("datacap", "fil_actor_datacap"),
    ("placeholder", "fil_actor_placeholder"),
    ("evm", "fil_actor_evm"),
    ("eam", "fil_actor_eam"),
    ("ethaccount", "fil_actor_ethaccount"),
];

/// The bundles this build wrote: the network asked for and, when that is another network, the
/// test network's.
fn built_bundles() -> Vec<BuiltBundle> {
    if BUNDLE.network == TEST_BUNDLE.network {
        vec![BUNDLE]
    } else {
        vec![BUNDLE, TEST_BUNDLE]
    }
}

/// The bundle loaded into a blockstore: the store, the manifest data CID, and its entries.
fn load_bundle(bundle: &BuiltBundle) -> (MemoryBlockstore, Cid, Vec<(String, Cid)>) {
    let bs = MemoryBlockstore::default();
    // The checked loader re-hashes every block against its CID.
    let roots = fvm_ipld_car::load_car(&bs, bundle.car).expect("bundle CAR loads");
    assert_eq!(roots.len(), 1, "the bundle has a single root");
    assert_eq!(roots[0].to_string(), bundle.manifest_root);

    let (version, data): (u32, Cid) = bs
        .get_cbor(&roots[0])
        .expect("manifest envelope decodes")
        .expect("manifest envelope is in the CAR");
    assert_eq!(version, 1, "manifest version");
    let entries: Vec<(String, Cid)> = bs
        .get_cbor(&data)
        .expect("manifest entries decode")
        .expect("manifest entries are in the CAR");
    (bs, data, entries)
}

#[test]
fn manifest_lists_the_v18_actors_in_order_with_distinct_codes() {
    for bundle in built_bundles() {
        check_manifest_lists_the_v18_actors_in_order_with_distinct_codes(&bundle);
    }
}

fn check_manifest_lists_the_v18_actors_in_order_with_distinct_codes(bundle: &BuiltBundle) {
    let (bs, data, entries) = load_bundle(bundle);
    let names: Vec<&str> = entries.iter().map(|(name, _)| name.as_str()).collect();
    let v18_names: Vec<&str> = V18_ACTORS.iter().map(|(name, _)| *name).collect();
    assert_eq!(names, v18_names);

    let distinct: HashSet<&Cid> = entries.iter().map(|(_, cid)| cid).collect();
    assert_eq!(distinct.len(), 16, "every slot has its own code CID");

    let manifest = Manifest::load(&bs, &data, 1).expect("the FVM accepts the manifest");
    for ((name, cid), builtin_type) in entries.iter().zip(1u32..) {
        assert_eq!(manifest.code_by_id(builtin_type), Some(cid), "{name}");
        assert_eq!(manifest.id_by_code(cid), builtin_type, "{name}");
    }
    assert_eq!(manifest.code_by_id(0), None);
    assert_eq!(manifest.code_by_id(17), None);
    assert_eq!(manifest.builtin_actor_codes().count(), 16);

    let code = |name: &str| {
        entries
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, cid)| cid)
            .unwrap()
    };
    assert_eq!(manifest.get_system_code(), code("system"));
    assert_eq!(manifest.get_init_code(), code("init"));
    assert_eq!(manifest.get_account_code(), code("account"));
    assert_eq!(manifest.get_placeholder_code(), code("placeholder"));
    assert_eq!(manifest.get_eam_code(), code("eam"));
    assert_eq!(manifest.get_ethaccount_code(), code("ethaccount"));
    assert!(manifest.is_account_actor(code("account")));
    assert!(manifest.is_placeholder_actor(code("placeholder")));
    assert!(manifest.is_ethaccount_actor(code("ethaccount")));
}

#[test]
fn recorded_table_matches_the_car() {
    for bundle in built_bundles() {
        check_recorded_table_matches_the_car(&bundle);
    }
}

fn check_recorded_table_matches_the_car(bundle: &BuiltBundle) {
    let (bs, _, entries) = load_bundle(bundle);
    assert_eq!(bundle.actors.len(), entries.len());
    for ((actor, (name, cid)), (_, package)) in bundle.actors.iter().zip(&entries).zip(V18_ACTORS) {
        assert_eq!(actor.name, name);
        assert_eq!(
            actor.package, package,
            "{name} is compiled from its own crate"
        );
        assert_eq!(actor.code_cid, cid.to_string(), "{name}");
        let wasm = bs.get(cid).unwrap().expect("module is in the CAR");
        assert_eq!(actor.wasm_size, wasm.len(), "{name}");
        assert!(wasm.starts_with(b"\0asm"), "{name} is a WASM module");
    }
    let networks = [
        "mainnet",
        "calibrationnet",
        "butterflynet",
        "caterpillarnet",
        "devnet",
        "testing",
        "testing-fake-proofs",
    ];
    assert!(
        networks.contains(&bundle.network),
        "unexpected network {}",
        bundle.network
    );
}

/// Chain data the placeholder never asks for.
struct NoChain;

impl Externs for NoChain {}

impl Rand for NoChain {
    fn get_chain_randomness(&self, _round: ChainEpoch) -> anyhow::Result<[u8; 32]> {
        Ok([0; 32])
    }
    fn get_beacon_randomness(&self, _round: ChainEpoch) -> anyhow::Result<[u8; 32]> {
        Ok([0; 32])
    }
}

impl Consensus for NoChain {
    fn verify_consensus_fault(
        &self,
        _h1: &[u8],
        _h2: &[u8],
        _extra: &[u8],
    ) -> anyhow::Result<(Option<ConsensusFault>, i64)> {
        Ok((None, 0))
    }
}

impl Chain for NoChain {
    fn get_tipset_cid(&self, epoch: ChainEpoch) -> anyhow::Result<Cid> {
        anyhow::bail!("no tipset at epoch {epoch}")
    }
}

type Machine = DefaultMachine<MemoryBlockstore, NoChain>;
type Kernel = DefaultFilecoinKernel<DefaultCallManager<Machine>>;

/// The actor id given to the placeholder in the test state tree.
const PLACEHOLDER_ID: u64 = 1000;

#[test]
fn fvm_runs_the_placeholder_and_it_rejects_messages() {
    for bundle in built_bundles() {
        check_fvm_runs_the_placeholder_and_it_rejects_messages(&bundle);
    }
}

fn check_fvm_runs_the_placeholder_and_it_rejects_messages(bundle: &BuiltBundle) {
    let (bs, _, entries) = load_bundle(bundle);
    let manifest_root: Cid = bundle.manifest_root.parse().unwrap();
    let code = |name: &str| entries.iter().find(|(n, _)| n == name).unwrap().1;

    // A state tree holding the system actor (the implicit sender) and a placeholder.
    let state_root = {
        let mut tree = StateTree::new(&bs, StateTreeVersion::V5).unwrap();
        tree.set_actor(0, ActorState::new_empty(code("system"), None));
        tree.set_actor(
            PLACEHOLDER_ID,
            ActorState::new_empty(code("placeholder"), None),
        );
        tree.flush().unwrap()
    };
    let mut config = NetworkConfig::new(NetworkVersion::V28);
    config.override_actors(manifest_root);
    let context = config.for_epoch(1, 0, state_root);
    let engines = EnginePool::new((&config).into()).unwrap();
    let machine = Machine::new(&context, bs, NoChain).expect("machine starts on the bundle");
    // Creating the executor compiles every module of the bundle (the FVM preloads them).
    let mut executor: DefaultExecutor<Kernel> =
        DefaultExecutor::new(engines, machine).expect("every module compiles");

    let ret = call(&mut executor, PLACEHOLDER_ID);
    assert_eq!(ret.msg_receipt.exit_code, ExitCode::USR_UNHANDLED_MESSAGE);
    let failure = ret.failure_info.map(|f| f.to_string()).unwrap_or_default();
    assert!(
        failure.contains(fil_actor_placeholder::ABORT_MESSAGE),
        "{failure}"
    );
}

/// Sends method 2 with no value from the system actor to `to`, as an implicit message.
fn call(executor: &mut DefaultExecutor<Kernel>, to: u64) -> ApplyRet {
    let message = Message {
        version: 0,
        from: Address::new_id(0),
        to: Address::new_id(to),
        sequence: 0,
        value: TokenAmount::from_atto(0),
        method_num: 2,
        params: RawBytes::default(),
        gas_limit: 10_000_000_000,
        gas_fee_cap: TokenAmount::from_atto(0),
        gas_premium: TokenAmount::from_atto(0),
    };
    executor
        .execute_message(message, ApplyKind::Implicit, 100)
        .expect("the message applies")
}
