//! The bundle both engines run: the `testing-fake-proofs` CAR built by the root package (read once
//! per test process) and its manifest.

use std::collections::BTreeMap;
use std::sync::OnceLock;

use anyhow::{anyhow, Context};
use cid::Cid;
use fil_actors_runtime::builtin::{Type, ALL_TYPES};
use fil_actors_runtime::runtime::Policy;
use fvm_ipld_blockstore::{Blockstore, MemoryBlockstore};
use fvm_ipld_encoding::CborStore;

/// The code CID of every built-in type, from the manifest.
#[derive(Clone, Debug)]
pub struct BuiltinCodes {
    by_type: BTreeMap<Type, Cid>,
    by_code: BTreeMap<Cid, Type>,
}

impl BuiltinCodes {
    /// The code CID of `typ`.
    pub fn code(&self, typ: Type) -> Cid {
        // Construction checks every type is present.
        self.by_type[&typ]
    }

    pub fn type_of(&self, code: &Cid) -> Option<Type> {
        self.by_code.get(code).copied()
    }

    /// Every (type, code) pair in manifest order.
    pub fn iter(&self) -> impl Iterator<Item = (Type, Cid)> + '_ {
        self.by_type.iter().map(|(t, c)| (*t, *c))
    }
}

/// The loaded bundle.
pub struct Bundle {
    pub car: &'static [u8],
    /// The network the bundle was built for.
    pub network: &'static str,
    /// That network's policy, which the actors in the bundle run with.
    pub policy: Policy,
    /// The CAR root: the manifest envelope, which the FVM takes as its actor override.
    pub manifest_root: Cid,
    /// The manifest entries' CID, which the system actor's state records.
    pub manifest_data: Cid,
    pub codes: BuiltinCodes,
}

impl Bundle {
    /// Copies the bundle's blocks into `store`.
    pub fn load_into<BS: Blockstore>(&self, store: &BS) -> anyhow::Result<()> {
        fvm_ipld_car::load_car_unchecked(store, self.car).context("loading the bundle CAR")?;
        Ok(())
    }
}

static BUNDLE: OnceLock<Result<Bundle, String>> = OnceLock::new();

/// The bundle, parsed once per process.
pub fn bundle() -> anyhow::Result<&'static Bundle> {
    BUNDLE
        .get_or_init(|| load().map_err(|e| format!("{e:#}")))
        .as_ref()
        .map_err(|e| anyhow!("{e}"))
}

fn load() -> anyhow::Result<Bundle> {
    let car = fil_builtin_actors_bundle::TEST_BUNDLE.car;
    let store = MemoryBlockstore::new();
    let roots = fvm_ipld_car::load_car_unchecked(&store, car).context("loading the bundle CAR")?;
    let [manifest_root] = roots.as_slice() else {
        return Err(anyhow!("bundle CAR has {} roots, expected 1", roots.len()));
    };
    let (version, manifest_data): (u32, Cid) = store
        .get_cbor(manifest_root)?
        .ok_or_else(|| anyhow!("manifest envelope missing"))?;
    if version != 1 {
        return Err(anyhow!("manifest version {version}, expected 1"));
    }
    let entries: Vec<(String, Cid)> = store
        .get_cbor(&manifest_data)?
        .ok_or_else(|| anyhow!("manifest entries missing"))?;
    let mut by_type = BTreeMap::new();
    let mut by_code = BTreeMap::new();
    for (name, code) in entries {
        let typ = Type::from_name(&name).ok_or_else(|| anyhow!("unknown manifest entry {name}"))?;
        by_type.insert(typ, code);
        by_code.insert(code, typ);
    }
    if let Some(missing) = ALL_TYPES.iter().find(|t| !by_type.contains_key(t)) {
        return Err(anyhow!("manifest has no {}", missing.name()));
    }
    let network = fil_builtin_actors_bundle::TEST_BUNDLE.network;
    let policy =
        Policy::for_network(network).ok_or_else(|| anyhow!("no policy for network {network}"))?;
    Ok(Bundle {
        car,
        network,
        policy,
        manifest_root: *manifest_root,
        manifest_data,
        codes: BuiltinCodes { by_type, by_code },
    })
}
