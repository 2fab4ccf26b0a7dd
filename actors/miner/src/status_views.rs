//! Partial decodes for the sector-status reads, which contracts pay for on every check.
//!
//! The FVM charges for every WASM instruction, and a full decode of the state root, the deadlines
//! list, a deadline, a node of partitions or a node of up to 32 sector infos spends most of its
//! instructions on fields a status check never looks at (token amounts, power pairs, bitfields,
//! CIDs). Each view here reads the same bytes as the full type, in v18's field order, keeps the
//! fields a status check needs and skips the others unparsed (`IgnoredAny` checks only that each
//! is well-formed CBOR). The views are read-only: writing one back is an error.

use std::fmt;

use cid::Cid;
use fil_actors_runtime::{actor_error, ActorError};
use fvm_ipld_amt::Amt;
use fvm_ipld_bitfield::BitField;
use fvm_ipld_blockstore::Blockstore;
use fvm_shared::clock::ChainEpoch;
use fvm_shared::sector::SectorNumber;
use serde::de::{self, DeserializeSeed, IgnoredAny, SeqAccess, Visitor};
use serde::{ser, Deserialize, Deserializer, Serialize, Serializer};

use crate::{Partition, SectorStatusCode, State};

/// Positions of the fields the views keep, in v18's encodings.
const STATE_SECTORS_FIELD: usize = 9;
const STATE_DEADLINES_FIELD: usize = 12;
const SECTOR_INFO_EXPIRATION_FIELD: usize = 5;

/// Skips `count` elements of an array; an array that ends first is an error naming `what`.
fn skip<'de, A: SeqAccess<'de>>(seq: &mut A, count: usize, what: &str) -> Result<(), A::Error> {
    for _ in 0..count {
        field::<IgnoredAny, A>(seq, what)?;
    }
    Ok(())
}

/// The next element of an array; an array that ends first is an error naming `what`.
fn field<'de, T: Deserialize<'de>, A: SeqAccess<'de>>(
    seq: &mut A,
    what: &str,
) -> Result<T, A::Error> {
    seq.next_element()?
        .ok_or_else(|| de::Error::custom(format!("{what}: too few fields")))
}

/// Skips the rest of an array: the decoder requires every element to be read.
fn skip_rest<'de, A: SeqAccess<'de>>(seq: &mut A) -> Result<(), A::Error> {
    while seq.next_element::<IgnoredAny>()?.is_some() {}
    Ok(())
}

/// The two roots of the miner state that status checks follow: the sectors AMT and the
/// deadlines. Decodes v18's 15-field root and the 16-field root with FIP-0067's counters alike.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct StatusRoots {
    pub sectors: Cid,
    pub deadlines: Cid,
}

impl From<&State> for StatusRoots {
    fn from(st: &State) -> Self {
        StatusRoots {
            sectors: st.sectors,
            deadlines: st.deadlines,
        }
    }
}

impl<'de> Deserialize<'de> for StatusRoots {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = StatusRoots;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a miner state array")
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<StatusRoots, A::Error> {
                const WHAT: &str = "miner state";
                skip(&mut seq, STATE_SECTORS_FIELD, WHAT)?;
                let sectors = field(&mut seq, WHAT)?;
                skip(
                    &mut seq,
                    STATE_DEADLINES_FIELD - STATE_SECTORS_FIELD - 1,
                    WHAT,
                )?;
                let deadlines = field(&mut seq, WHAT)?;
                skip_rest(&mut seq)?;
                Ok(StatusRoots { sectors, deadlines })
            }
        }
        deserializer.deserialize_seq(V)
    }
}

/// Picks the CID of deadline `self.0` out of the encoded `Deadlines` (`[[cid; 48]]`) without
/// parsing the other 47.
struct DeadlineCidAt(u64);

impl<'de> DeserializeSeed<'de> for DeadlineCidAt {
    type Value = Cid;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Cid, D::Error> {
        deserializer.deserialize_seq(self)
    }
}

impl<'de> Visitor<'de> for DeadlineCidAt {
    type Value = Cid;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        write!(f, "the deadlines array holding deadline {}", self.0)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Cid, A::Error> {
        // The outer one-field tuple, then the list of CIDs inside it.
        let cid = seq
            .next_element_seed(DeadlineCidInList(self.0))?
            .ok_or_else(|| de::Error::custom("deadlines: too few fields"))?;
        skip_rest(&mut seq)?;
        Ok(cid)
    }
}

/// The list of deadline CIDs inside `Deadlines`.
struct DeadlineCidInList(u64);

impl<'de> DeserializeSeed<'de> for DeadlineCidInList {
    type Value = Cid;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Cid, D::Error> {
        deserializer.deserialize_seq(self)
    }
}

impl<'de> Visitor<'de> for DeadlineCidInList {
    type Value = Cid;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        write!(f, "a list of deadline CIDs holding index {}", self.0)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Cid, A::Error> {
        let what = "deadline list";
        let index = usize::try_from(self.0).map_err(de::Error::custom)?;
        skip(&mut seq, index, what)?;
        let cid = field(&mut seq, what)?;
        skip_rest(&mut seq)?;
        Ok(cid)
    }
}

/// The partitions root of a deadline (its first field).
struct DeadlinePartitions(Cid);

impl<'de> Deserialize<'de> for DeadlinePartitions {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = DeadlinePartitions;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a deadline array")
            }
            fn visit_seq<A: SeqAccess<'de>>(
                self,
                mut seq: A,
            ) -> Result<DeadlinePartitions, A::Error> {
                let partitions = field(&mut seq, "deadline")?;
                skip_rest(&mut seq)?;
                Ok(DeadlinePartitions(partitions))
            }
        }
        deserializer.deserialize_seq(V)
    }
}

/// The three bitfields of a partition that decide a sector's status: `sectors` (fields 0),
/// `faults` (2) and `terminated` (4).
pub struct PartitionStatusBits {
    pub sectors: BitField,
    pub faults: BitField,
    pub terminated: BitField,
}

impl PartitionStatusBits {
    /// The most specific status of `sector_number`, which the caller has found in `sectors`:
    /// terminated (or expired) sectors stay in `sectors` until compaction, so `terminated` is
    /// checked first.
    pub fn status_of(&self, sector_number: SectorNumber) -> SectorStatusCode {
        if self.terminated.get(sector_number) {
            SectorStatusCode::Dead
        } else if self.faults.get(sector_number) {
            SectorStatusCode::Faulty
        } else {
            SectorStatusCode::Active
        }
    }
}

impl From<Partition> for PartitionStatusBits {
    fn from(p: Partition) -> Self {
        PartitionStatusBits {
            sectors: p.sectors,
            faults: p.faults,
            terminated: p.terminated,
        }
    }
}

impl<'de> Deserialize<'de> for PartitionStatusBits {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = PartitionStatusBits;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a partition array")
            }
            fn visit_seq<A: SeqAccess<'de>>(
                self,
                mut seq: A,
            ) -> Result<PartitionStatusBits, A::Error> {
                const WHAT: &str = "partition";
                let sectors = field(&mut seq, WHAT)?;
                skip(&mut seq, 1, WHAT)?;
                let faults = field(&mut seq, WHAT)?;
                skip(&mut seq, 1, WHAT)?;
                let terminated = field(&mut seq, WHAT)?;
                skip_rest(&mut seq)?;
                Ok(PartitionStatusBits {
                    sectors,
                    faults,
                    terminated,
                })
            }
        }
        deserializer.deserialize_seq(V)
    }
}

/// The expiration of a sector info (field 5).
struct SectorExpiration(ChainEpoch);

impl<'de> Deserialize<'de> for SectorExpiration {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = SectorExpiration;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a sector info array")
            }
            fn visit_seq<A: SeqAccess<'de>>(
                self,
                mut seq: A,
            ) -> Result<SectorExpiration, A::Error> {
                const WHAT: &str = "sector info";
                skip(&mut seq, SECTOR_INFO_EXPIRATION_FIELD, WHAT)?;
                let expiration = field(&mut seq, WHAT)?;
                skip_rest(&mut seq)?;
                Ok(SectorExpiration(expiration))
            }
        }
        deserializer.deserialize_seq(V)
    }
}

/// An AMT value read through a view: the AMT's API asks values to be writable, and a view is
/// not, so writing one fails.
struct ReadOnly<T>(T);

impl<'de, T: Deserialize<'de>> Deserialize<'de> for ReadOnly<T> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        T::deserialize(deserializer).map(ReadOnly)
    }
}

impl<T> Serialize for ReadOnly<T> {
    fn serialize<S: Serializer>(&self, _: S) -> Result<S::Ok, S::Error> {
        Err(ser::Error::custom(
            "a partial view of actor state cannot be written",
        ))
    }
}

/// Reads element `index` of the AMT at `root` through the view `T` and answers `f` of it.
fn amt_read<T, R, BS>(
    store: &BS,
    root: &Cid,
    index: u64,
    what: &str,
    f: impl FnOnce(Option<&T>) -> R,
) -> Result<R, ActorError>
where
    T: for<'de> Deserialize<'de>,
    BS: Blockstore,
{
    let amt = Amt::<ReadOnly<T>, _>::load(root, store)
        .map_err(|e| actor_error!(illegal_state; "failed to load the {} AMT: {}", what, e))?;
    let value = amt
        .get(index)
        .map_err(|e| actor_error!(illegal_state; "failed to read {} {}: {}", what, index, e))?;
    Ok(f(value.map(|v| &v.0)))
}

/// Whether the sectors AMT holds `sector_number`, reading only expirations (one view of sector
/// infos in the WASM, not two).
pub fn has_sector(
    store: &impl Blockstore,
    roots: &StatusRoots,
    sector_number: SectorNumber,
) -> Result<bool, ActorError> {
    Ok(sector_expiration(store, roots, sector_number)?.is_some())
}

/// The recorded expiration of `sector_number`, if the sectors AMT holds it.
pub fn sector_expiration(
    store: &impl Blockstore,
    roots: &StatusRoots,
    sector_number: SectorNumber,
) -> Result<Option<ChainEpoch>, ActorError> {
    amt_read::<SectorExpiration, _, _>(store, &roots.sectors, sector_number, "sector", |v| {
        v.map(|e| e.0)
    })
}

/// The partitions root of deadline `deadline_idx` (an index the caller has bounded).
pub fn deadline_partitions_root(
    store: &impl Blockstore,
    roots: &StatusRoots,
    deadline_idx: u64,
) -> Result<Cid, ActorError> {
    let bytes = store
        .get(&roots.deadlines)
        .map_err(|e| actor_error!(illegal_state; "failed to load the deadlines: {}", e))?
        .ok_or_else(|| actor_error!(illegal_state; "deadlines {} not found", roots.deadlines))?;
    let mut decoder = serde_ipld_dagcbor::de::Deserializer::from_slice(&bytes);
    let deadline = DeadlineCidAt(deadline_idx)
        .deserialize(&mut decoder)
        .and_then(|cid| decoder.end().map(|()| cid))
        .map_err(|e| actor_error!(illegal_state; "failed to decode deadline {}'s CID: {}", deadline_idx, e))?;
    let partitions: DeadlinePartitions = fvm_ipld_encoding::CborStore::get_cbor(store, &deadline)
        .map_err(
            |e| actor_error!(illegal_state; "failed to load deadline {}: {}", deadline_idx, e),
        )?
        .ok_or_else(
            || actor_error!(illegal_state; "deadline {} not found at {}", deadline_idx, deadline),
        )?;
    Ok(partitions.0)
}

/// Answers `f` of partition `partition_idx` in the partitions AMT at `root`, read through its
/// status bitfields; `None` if the deadline has no such partition.
pub fn read_partition_status<R>(
    store: &impl Blockstore,
    root: &Cid,
    partition_idx: u64,
    f: impl FnOnce(Option<&PartitionStatusBits>) -> R,
) -> Result<R, ActorError> {
    amt_read(store, root, partition_idx, "partition", f)
}
