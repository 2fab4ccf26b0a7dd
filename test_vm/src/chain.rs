//! The chain both engines pretend to run on: randomness, tipset CIDs, timestamps, circulating
//! supply and network parameters. Both engines read these from here so they see the same chain.

use cid::Cid;
use fvm_shared::clock::ChainEpoch;
use fvm_shared::econ::TokenAmount;
use fvm_shared::version::NetworkVersion;
use multihash_codetable::{Code, MultihashDigest};

pub const NETWORK_VERSION: NetworkVersion = NetworkVersion::V28;
/// Seconds between epochs.
pub const EPOCH_DURATION_SECONDS: u64 = 30;
/// The gas limit of every message (the block gas limit).
pub const GAS_LIMIT: u64 = 10_000_000_000;
/// The network name given to the init actor at genesis.
pub const NETWORK_NAME: &str = "test-vm";

/// The circulating supply the runtime reports.
pub fn circulating_supply() -> TokenAmount {
    TokenAmount::from_whole(1_000_000_000)
}

/// The tipset timestamp at `epoch`.
pub fn timestamp(epoch: ChainEpoch) -> u64 {
    (epoch.max(0) as u64) * EPOCH_DURATION_SECONDS
}

fn digest(domain: &[u8], epoch: ChainEpoch) -> [u8; 32] {
    let mut data = domain.to_vec();
    data.extend_from_slice(&epoch.to_be_bytes());
    let mut out = [0u8; 32];
    out.copy_from_slice(Code::Blake2b256.digest(&data).digest());
    out
}

/// The ticket (chain) randomness digest at `epoch`, before personalization.
pub fn chain_randomness(epoch: ChainEpoch) -> [u8; 32] {
    digest(b"test-vm chain randomness", epoch)
}

/// The beacon randomness digest at `epoch`, before personalization.
pub fn beacon_randomness(epoch: ChainEpoch) -> [u8; 32] {
    digest(b"test-vm beacon randomness", epoch)
}

/// The CID of the tipset at `epoch`.
pub fn tipset_cid(epoch: ChainEpoch) -> Cid {
    Cid::new_v1(
        fvm_ipld_encoding::DAG_CBOR,
        Code::Blake2b256.digest(&digest(b"test-vm tipset", epoch)),
    )
}
