//! Sector status for FEVM contracts (draft FIP "Export Sector Status to FEVM", discussion
//! FIPs#1108, and FIP-0112, the network standard that serves the same method numbers): the
//! status codes, the opaque location (`aux_data`) a contract stores, the params and returns of
//! the exported methods, and the state-level queries behind them.
//!
//! The split follows the FIP's security argument: `generate_sector_status_info` searches every
//! deadline (off-chain, via an eth_call-style read), so a contract never pays for the search;
//! `validate_sector_status` then loads exactly one deadline and one partition, so its cost does
//! not grow with the miner. A sector is live while its number is in some partition's `sectors`
//! bitfield and not in that partition's `terminated` bitfield; a live sector is `Active` or
//! `Faulty` (FIP-0112's codes). The seed's question "is it live?" is a validation of `Dead`
//! that answers `false`.

use fil_actors_runtime::runtime::Policy;
use fil_actors_runtime::{actor_error, ActorError};
use fvm_ipld_blockstore::Blockstore;
use fvm_ipld_encoding::strict_bytes;
use fvm_ipld_encoding::tuple::*;
use fvm_shared::clock::ChainEpoch;
use fvm_shared::error::ExitCode;
use fvm_shared::sector::SectorNumber;
use fvm_shared::MethodNum;
use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::status_views::{
    deadline_partitions_root, has_sector, read_partition_status, sector_expiration,
    PartitionStatusBits, StatusRoots,
};
use crate::{check_sector_number, State};

/// FRC-0042 numbers of the exported methods (`method_hash!` of their names).
pub const GENERATE_SECTOR_STATUS_INFO_METHOD: MethodNum = 4191053301;
pub const VALIDATE_SECTOR_STATUS_METHOD: MethodNum = 3092458564;
pub const GET_SECTOR_EXPIRATION_METHOD: MethodNum = 1925291949;
/// The network's v18 name for `GenerateSectorStatusInfo` (same params and return).
pub const GENERATE_SECTOR_LOCATION_METHOD: MethodNum = 1321604665;
/// The network's v18 method returning a sector's recorded expiration without a location.
pub const GET_NOMINAL_SECTOR_EXPIRATION_METHOD: MethodNum = 3010055991;

/// The deadline half of the "in no partition" location.
pub const NO_DEADLINE: i64 = -1;
/// The partition half of the "in no partition" location.
pub const NO_PARTITION: i64 = -1;

/// A sector's status as a contract sees it, with FIP-0112's codes: one CBOR unsigned integer on
/// the wire. Any other code does not decode (`USR_SERIALIZATION`), as on the network.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[repr(u8)]
pub enum SectorStatusCode {
    /// Never proven, terminated, expired or compacted away.
    Dead = 0,
    /// Live and not faulty.
    Active = 1,
    /// Live and currently faulty: it may still recover.
    Faulty = 2,
}

impl SectorStatusCode {
    /// Whether the status is one of a live sector's (`Active` or `Faulty`).
    pub fn is_live(self) -> bool {
        self != SectorStatusCode::Dead
    }
}

impl TryFrom<u8> for SectorStatusCode {
    type Error = u8;

    fn try_from(code: u8) -> Result<Self, u8> {
        match code {
            0 => Ok(SectorStatusCode::Dead),
            1 => Ok(SectorStatusCode::Active),
            2 => Ok(SectorStatusCode::Faulty),
            other => Err(other),
        }
    }
}

impl Serialize for SectorStatusCode {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_u8(*self as u8)
    }
}

impl<'de> Deserialize<'de> for SectorStatusCode {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let code = u8::deserialize(deserializer)?;
        SectorStatusCode::try_from(code)
            .map_err(|c| serde::de::Error::custom(format!("invalid sector status code {c}")))
    }
}

/// Where a sector was found: the CBOR tuple `[deadline, partition]` carried as `aux_data`.
/// `(NO_DEADLINE, NO_PARTITION)` means "in no partition".
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize_tuple, Deserialize_tuple,
)]
pub struct SectorLocation {
    pub deadline: i64,
    pub partition: i64,
}

impl SectorLocation {
    /// The location of a sector that is in no partition.
    pub const NONE: SectorLocation = SectorLocation {
        deadline: NO_DEADLINE,
        partition: NO_PARTITION,
    };

    /// Decodes `aux_data`; malformed bytes are `USR_ILLEGAL_ARGUMENT`.
    pub fn from_aux_data(aux_data: &[u8]) -> Result<Self, ActorError> {
        fvm_ipld_encoding::from_slice(aux_data).map_err(
            |e| actor_error!(illegal_argument; "invalid sector location {:?}: {}", aux_data, e),
        )
    }

    /// Encodes the location as `aux_data`.
    pub fn to_aux_data(&self) -> Result<Vec<u8>, ActorError> {
        fvm_ipld_encoding::to_vec(self).map_err(
            |e| actor_error!(serialization; "failed to encode sector location {:?}: {}", self, e),
        )
    }

    /// The deadline and partition indexes, or `None` for `(NO_DEADLINE, NO_PARTITION)`. A mixed
    /// pair or an index outside the policy's bounds is `USR_ILLEGAL_ARGUMENT`. A partition index
    /// within bounds may still be absent from the deadline (compaction renumbers partitions):
    /// that is a stale location, which the caller reports as `USR_NOT_FOUND`.
    fn indexes(&self, policy: &Policy) -> Result<Option<(u64, u64)>, ActorError> {
        match (self.deadline, self.partition) {
            (NO_DEADLINE, NO_PARTITION) => return Ok(None),
            (NO_DEADLINE, _) | (_, NO_PARTITION) => {
                return Err(
                    actor_error!(illegal_argument; "invalid sector location {:?}: only one of deadline and partition is -1", self),
                );
            }
            _ => {}
        }
        let deadline = u64::try_from(self.deadline)
            .ok()
            .filter(|&d| d < policy.wpost_period_deadlines)
            .ok_or_else(|| {
                actor_error!(illegal_argument; "invalid deadline index {} of {}", self.deadline, policy.wpost_period_deadlines)
            })?;
        let partition = u64::try_from(self.partition)
            .ok()
            .filter(|&p| p < policy.max_partitions_per_deadline)
            .ok_or_else(|| {
                actor_error!(illegal_argument; "invalid partition index {} of at most {}", self.partition, policy.max_partitions_per_deadline)
            })?;
        Ok(Some((deadline, partition)))
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize_tuple, Deserialize_tuple)]
pub struct GenerateSectorStatusInfoParams {
    pub sector_number: SectorNumber,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize_tuple, Deserialize_tuple)]
pub struct GenerateSectorStatusInfoReturn {
    pub status: SectorStatusCode,
    /// The CBOR-encoded `SectorLocation`, opaque to contracts.
    #[serde(with = "strict_bytes")]
    pub aux_data: Vec<u8>,
}

impl GenerateSectorStatusInfoReturn {
    pub fn new(status: SectorStatusCode, location: &SectorLocation) -> Result<Self, ActorError> {
        Ok(GenerateSectorStatusInfoReturn {
            status,
            aux_data: location.to_aux_data()?,
        })
    }
}

/// An unknown `status` code fails to decode: `USR_SERIALIZATION`, as on the network.
#[derive(Debug, Clone, PartialEq, Eq, Serialize_tuple, Deserialize_tuple)]
pub struct ValidateSectorStatusParams {
    pub sector_number: SectorNumber,
    pub status: SectorStatusCode,
    #[serde(with = "strict_bytes")]
    pub aux_data: Vec<u8>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize_tuple, Deserialize_tuple)]
#[serde(transparent)]
pub struct ValidateSectorStatusReturn {
    pub valid: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize_tuple, Deserialize_tuple)]
pub struct GetSectorExpirationParams {
    pub sector_number: SectorNumber,
    #[serde(with = "strict_bytes")]
    pub aux_data: Vec<u8>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize_tuple, Deserialize_tuple)]
#[serde(transparent)]
pub struct GetSectorExpirationReturn {
    pub expiration: ChainEpoch,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize_tuple, Deserialize_tuple)]
#[serde(transparent)]
pub struct GetNominalSectorExpirationParams {
    pub sector_number: SectorNumber,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize_tuple, Deserialize_tuple)]
#[serde(transparent)]
pub struct GetNominalSectorExpirationReturn {
    pub expiration: ChainEpoch,
}

/// Finds a sector's most specific status and its location, searching every deadline. A sector
/// absent from the sectors AMT (never proven, or compacted away) is `Dead` in no partition;
/// the FIP's test case is a terminated sector removed by compaction.
pub fn generate_sector_status_info<BS: Blockstore>(
    store: &BS,
    st: &State,
    sector_number: SectorNumber,
) -> Result<(SectorStatusCode, SectorLocation), ActorError> {
    check_sector_number(sector_number)?;
    if !has_sector(store, &StatusRoots::from(st), sector_number)? {
        return Ok((SectorStatusCode::Dead, SectorLocation::NONE));
    }
    // The search reads only the partitions' bitfields, never the sector infos, and keeps the
    // partition it stops at.
    let (deadline, partition, found) = st
        .load_deadlines(store)?
        .find_sector_partition(store, sector_number)
        .map_err(|e| {
            if e.exit_code() == ExitCode::USR_NOT_FOUND {
                actor_error!(illegal_state; "sector {} is in the sectors AMT but in no partition", sector_number)
            } else {
                e
            }
        })?;
    let status = PartitionStatusBits::from(found).status_of(sector_number);
    let location = SectorLocation {
        deadline: deadline as i64,
        partition: partition as i64,
    };
    Ok((status, location))
}

/// The most specific status of a sector as the location in `aux_data` proves it, reading the
/// deadlines, one deadline and one partition at most, each through a partial decode
/// (`crate::status_views`). A location that does not hold the sector is stale or forged:
/// `USR_NOT_FOUND`, so the caller regenerates it.
pub fn sector_status_at<BS: Blockstore>(
    policy: &Policy,
    store: &BS,
    roots: &StatusRoots,
    sector_number: SectorNumber,
    aux_data: &[u8],
) -> Result<SectorStatusCode, ActorError> {
    check_sector_number(sector_number)?;
    let location = SectorLocation::from_aux_data(aux_data)?;
    let Some((deadline_idx, partition_idx)) = location.indexes(policy)? else {
        // "In no partition" is true only of sectors absent from the sectors AMT.
        if has_sector(store, roots, sector_number)? {
            return Err(
                actor_error!(not_found; "sector {} is in a partition: location {:?} is stale", sector_number, location),
            );
        }
        return Ok(SectorStatusCode::Dead);
    };
    let partitions = deadline_partitions_root(store, roots, deadline_idx)?;
    read_partition_status(
        store,
        &partitions,
        partition_idx,
        |partition| match partition {
            None => Err(
                actor_error!(not_found; "sector {}: deadline {} has no partition {}, location is stale", sector_number, deadline_idx, partition_idx),
            ),
            Some(p) if !p.sectors.get(sector_number) => Err(
                actor_error!(not_found; "sector {} not in partition {} of deadline {}, location is stale", sector_number, partition_idx, deadline_idx),
            ),
            Some(p) => Ok(p.status_of(sector_number)),
        },
    )?
}

/// Whether the sector has exactly the claimed `status` at the location in `aux_data`; errors as
/// `sector_status_at`.
pub fn validate_sector_status<BS: Blockstore>(
    policy: &Policy,
    store: &BS,
    roots: &StatusRoots,
    sector_number: SectorNumber,
    status: SectorStatusCode,
    aux_data: &[u8],
) -> Result<bool, ActorError> {
    Ok(sector_status_at(policy, store, roots, sector_number, aux_data)? == status)
}

/// The recorded (nominal) expiration of a sector the location proves live; early termination
/// may still end it sooner. A dead sector is `USR_FORBIDDEN`.
pub fn get_sector_expiration<BS: Blockstore>(
    policy: &Policy,
    store: &BS,
    roots: &StatusRoots,
    sector_number: SectorNumber,
    aux_data: &[u8],
) -> Result<ChainEpoch, ActorError> {
    let actual = sector_status_at(policy, store, roots, sector_number, aux_data)?;
    if !actual.is_live() {
        return Err(actor_error!(forbidden; "sector {} is not live", sector_number));
    }
    sector_expiration(store, roots, sector_number)?.ok_or_else(|| {
        actor_error!(illegal_state; "live sector {} missing from the sectors AMT", sector_number)
    })
}

/// The expiration recorded in the sectors AMT, whatever the sector's status;
/// `USR_NOT_FOUND` if it is not there.
pub fn get_nominal_sector_expiration<BS: Blockstore>(
    store: &BS,
    roots: &StatusRoots,
    sector_number: SectorNumber,
) -> Result<ChainEpoch, ActorError> {
    check_sector_number(sector_number)?;
    sector_expiration(store, roots, sector_number)?
        .ok_or_else(|| actor_error!(not_found; "sector {} not found", sector_number))
}
