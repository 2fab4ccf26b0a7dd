//! The FIP-0083 verified-registry events as a test expects them, built entry by entry from the
//! seed's tables (`seeds/003`): keys in table order, each value CBOR (codec 0x51), flags 0x03
//! where the table says "Index Key + Value" and 0x01 where it says "Index Key". Written
//! independently of the registry's own event code, so a test compares the two.

use cid::Cid;
use fil_actor_verifreg::{Allocation, Claim};
use fil_actors_runtime::builtin::VERIFIED_REGISTRY_ACTOR_ID;
use fvm_ipld_encoding::{to_vec, CBOR};
use fvm_shared::bigint::bigint_ser::BigIntSer;
use fvm_shared::event::{ActorEvent, Entry, Flags, StampedEvent};
use fvm_shared::sector::StoragePower;
use fvm_shared::ActorID;
use serde::Serialize;

/// Index key and value.
const KV: Flags = Flags::FLAG_INDEXED_ALL;
/// Index key only.
const K: Flags = Flags::FLAG_INDEXED_KEY;

fn entry<T: Serialize + ?Sized>(flags: Flags, key: &str, value: &T) -> Entry {
    Entry {
        flags,
        key: key.to_string(),
        codec: CBOR,
        value: to_vec(value).expect("event values encode"),
    }
}

/// Stamped as emitted by the verified registry.
fn from_registry(entries: Vec<Entry>) -> StampedEvent {
    StampedEvent::new(VERIFIED_REGISTRY_ACTOR_ID, ActorEvent { entries })
}

/// `verifier-balance`: `$type`, `verifier` (KV), `balance` (K, bigint); v18 appends `client`
/// (KV) when the change comes from adding that client.
pub fn verifier_balance(
    verifier: ActorID,
    balance: &StoragePower,
    client: Option<ActorID>,
) -> StampedEvent {
    let mut entries = vec![
        entry(KV, "$type", "verifier-balance"),
        entry(KV, "verifier", &verifier),
        entry(K, "balance", &BigIntSer(balance)),
    ];
    if let Some(client) = client {
        entries.push(entry(KV, "client", &client));
    }
    from_registry(entries)
}

/// The entries every allocation and claim event starts with: `$type`, `id`, `client`,
/// `provider`, `piece-cid` (KV), then `piece-size`, `term-min`, `term-max` (K).
#[allow(clippy::too_many_arguments)]
fn piece_entries(
    kind: &str,
    id: u64,
    client: ActorID,
    provider: ActorID,
    piece: &Cid,
    size: u64,
    term_min: i64,
    term_max: i64,
) -> Vec<Entry> {
    vec![
        entry(KV, "$type", kind),
        entry(KV, "id", &id),
        entry(KV, "client", &client),
        entry(KV, "provider", &provider),
        entry(KV, "piece-cid", piece),
        entry(K, "piece-size", &size),
        entry(K, "term-min", &term_min),
        entry(K, "term-max", &term_max),
    ]
}

/// `allocation` or `allocation-removed` (`kind`) of allocation `id`: the shared entries, then
/// `expiration` (K).
pub fn allocation(kind: &str, id: u64, a: &Allocation) -> StampedEvent {
    let mut entries = piece_entries(
        kind, id, a.client, a.provider, &a.data, a.size.0, a.term_min, a.term_max,
    );
    entries.push(entry(K, "expiration", &a.expiration));
    from_registry(entries)
}

/// `claim`, `claim-updated` or `claim-removed` (`kind`) of claim `id`: the shared entries, then
/// `term-start` (K) and `sector` (KV).
pub fn claim(kind: &str, id: u64, c: &Claim) -> StampedEvent {
    let mut entries = piece_entries(
        kind, id, c.client, c.provider, &c.data, c.size.0, c.term_min, c.term_max,
    );
    entries.push(entry(K, "term-start", &c.term_start));
    entries.push(entry(KV, "sector", &c.sector));
    from_registry(entries)
}
