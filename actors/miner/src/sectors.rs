//! `SectorOnChainInfo` (a proven sector, with its FIP-0100 daily fee and flags) and `Sectors`,
//! the AMT of them keyed by sector number that the state root links to.

use std::collections::BTreeSet;

use cid::Cid;
use fil_actors_runtime::{actor_error, ActorError, Array};
use fvm_ipld_bitfield::BitField;
use fvm_ipld_blockstore::Blockstore;
use fvm_ipld_encoding::tuple::*;
use fvm_shared::bigint::bigint_ser;
use fvm_shared::clock::ChainEpoch;
use fvm_shared::deal::DealID;
use fvm_shared::econ::TokenAmount;
use fvm_shared::sector::{RegisteredSealProof, SectorNumber};
use num_traits::Signed;
use serde::{Deserialize, Serialize};

use crate::{DealWeight, MAX_SECTOR_NUMBER};

/// Bit width of the sectors AMT (and of the deadlines' sector snapshots).
pub const SECTORS_AMT_BITWIDTH: u32 = 5;

/// Flags of a sector, encoded as one unsigned integer.
#[derive(Serialize, Deserialize, Clone, Copy, PartialEq, Eq, Default, Debug)]
#[serde(transparent)]
pub struct SectorOnChainInfoFlags(u32);

impl SectorOnChainInfoFlags {
    /// The sector's power follows the simple QA rule of FIP-0045 (no deal weight from the
    /// market, only verified claims).
    pub const SIMPLE_QA_POWER: SectorOnChainInfoFlags = SectorOnChainInfoFlags(0x1);
    /// FIP-0067: the sector has replaced an old sector through `ReplaceSector`, and may not
    /// replace another. Not a v18 flag; v18's decoders keep unknown bits.
    pub const REPLACES_OLD_SECTOR: SectorOnChainInfoFlags = SectorOnChainInfoFlags(0x2);

    pub const fn empty() -> Self {
        SectorOnChainInfoFlags(0)
    }

    /// Flags from their encoding, keeping bits this version does not name.
    pub const fn from_bits_retain(bits: u32) -> Self {
        SectorOnChainInfoFlags(bits)
    }

    pub const fn bits(&self) -> u32 {
        self.0
    }

    pub const fn contains(&self, other: SectorOnChainInfoFlags) -> bool {
        self.0 & other.0 == other.0
    }

    pub fn insert(&mut self, other: SectorOnChainInfoFlags) {
        self.0 |= other.0;
    }

    pub fn remove(&mut self, other: SectorOnChainInfoFlags) {
        self.0 &= !other.0;
    }
}

/// A proven sector, in v18's field order.
#[derive(Debug, Default, PartialEq, Eq, Clone, Serialize_tuple, Deserialize_tuple)]
pub struct SectorOnChainInfo {
    pub sector_number: SectorNumber,
    /// The seal proof type, which implies the PoSt proof type.
    pub seal_proof: RegisteredSealProof,
    /// CommR.
    pub sealed_cid: Cid,
    /// Deals of sectors activated before FIP-0076; empty for new sectors.
    pub deprecated_deal_ids: Vec<DealID>,
    /// The epoch the sector was proven.
    pub activation: ChainEpoch,
    /// The epoch the sector expires.
    pub expiration: ChainEpoch,
    /// Spacetime of all deals in the sector.
    #[serde(with = "bigint_ser")]
    pub deal_weight: DealWeight,
    /// Spacetime of verified deals in the sector.
    #[serde(with = "bigint_ser")]
    pub verified_deal_weight: DealWeight,
    /// Pledge locked for the sector.
    pub initial_pledge: TokenAmount,
    /// Legacy projection of one day's reward; zero or absent for new sectors.
    pub expected_day_reward: Option<TokenAmount>,
    /// Legacy projection of twenty days' reward; zero or absent for new sectors.
    pub expected_storage_pledge: Option<TokenAmount>,
    /// The epoch from which the sector's power is weighted.
    pub power_base_epoch: ChainEpoch,
    /// Legacy day reward of a replaced sector; zero or absent for new sectors.
    pub replaced_day_reward: Option<TokenAmount>,
    /// The original CommR, set on the first replica update.
    pub sector_key_cid: Option<Cid>,
    pub flags: SectorOnChainInfoFlags,
    /// FIP-0100: the fee payable per day for the sector, set at activation, extension and
    /// update. Sectors stored before FIP-0100 have 15 fields and decode with a zero fee.
    #[serde(default)]
    pub daily_fee: TokenAmount,
}

impl SectorOnChainInfo {
    /// Whether the sector holds deal data (weighted deals, verified or not): its termination must
    /// be reported to the market.
    pub fn holds_deals(&self) -> bool {
        self.deal_weight.is_positive() || self.verified_deal_weight.is_positive()
    }
}

/// The sectors AMT, loaded.
pub struct Sectors<'a, BS: Blockstore> {
    pub amt: Array<&'a BS, SectorOnChainInfo>,
}

impl<'a, BS: Blockstore> Sectors<'a, BS> {
    pub fn load(store: &'a BS, root: &Cid) -> Result<Self, ActorError> {
        Ok(Sectors {
            amt: Array::load(store, root, "sectors")?,
        })
    }

    /// The root of an empty sectors AMT.
    pub fn flush_empty(store: &'a BS) -> Result<Cid, ActorError> {
        Array::<&BS, SectorOnChainInfo>::flush_empty(store, SECTORS_AMT_BITWIDTH)
    }

    pub fn flush(&mut self) -> Result<Cid, ActorError> {
        self.amt.flush()
    }

    pub fn get(
        &self,
        sector_number: SectorNumber,
    ) -> Result<Option<SectorOnChainInfo>, ActorError> {
        Ok(self.amt.get(sector_number)?.cloned())
    }

    /// The sector, or `USR_NOT_FOUND`.
    pub fn must_get(&self, sector_number: SectorNumber) -> Result<SectorOnChainInfo, ActorError> {
        self.get(sector_number)?
            .ok_or_else(|| actor_error!(not_found; "sector {} not found", sector_number))
    }

    /// The sectors in `sector_numbers`, in order; `USR_NOT_FOUND` names the first missing one.
    pub fn load_sectors(
        &self,
        sector_numbers: &BitField,
    ) -> Result<Vec<SectorOnChainInfo>, ActorError> {
        sector_numbers.iter().map(|n| self.must_get(n)).collect()
    }

    /// Stores sectors, replacing any with the same numbers.
    pub fn store(&mut self, infos: Vec<SectorOnChainInfo>) -> Result<(), ActorError> {
        for info in infos {
            if info.sector_number > MAX_SECTOR_NUMBER {
                return Err(
                    actor_error!(illegal_argument; "sector number {} out of range", info.sector_number),
                );
            }
            self.amt.set(info.sector_number, info)?;
        }
        Ok(())
    }

    /// Deletes sectors; `USR_NOT_FOUND` if one is absent.
    pub fn delete_sectors(&mut self, sector_numbers: &BitField) -> Result<(), ActorError> {
        for n in sector_numbers.iter() {
            if self.amt.delete(n)?.is_none() {
                return Err(actor_error!(not_found; "sector {} not found", n));
            }
        }
        Ok(())
    }

    /// The infos to verify a Window PoSt over `proven_sectors`: a sector expected to be faulty
    /// is replaced by the first non-faulty one (the proof skips it anyway). Empty when all
    /// are faulty.
    pub fn load_for_proof(
        &self,
        proven_sectors: &BitField,
        expected_faults: &BitField,
    ) -> Result<Vec<SectorOnChainInfo>, ActorError> {
        let non_faults = proven_sectors - expected_faults;
        match non_faults.first() {
            None => Ok(Vec::new()),
            Some(stand_in) => self.load_with_fault_max(proven_sectors, expected_faults, stand_in),
        }
    }

    /// The infos of `sectors`, with `fault_stand_in`'s info in place of each one in `faults`.
    pub fn load_with_fault_max(
        &self,
        sectors: &BitField,
        faults: &BitField,
        fault_stand_in: SectorNumber,
    ) -> Result<Vec<SectorOnChainInfo>, ActorError> {
        let stand_in = self.must_get(fault_stand_in)?;
        sectors
            .iter()
            .map(|n| {
                if faults.get(n) {
                    Ok(stand_in.clone())
                } else {
                    self.must_get(n)
                }
            })
            .collect()
    }
}

/// The infos among `sectors` whose numbers are in `field`, in their order in `sectors`; an error
/// (illegal state) if some number in `field` has no info.
pub fn select_sectors(
    sectors: &[SectorOnChainInfo],
    field: &BitField,
) -> Result<Vec<SectorOnChainInfo>, ActorError> {
    let mut wanted: BTreeSet<u64> = field.iter().collect();
    let selected = sectors
        .iter()
        .filter(|s| wanted.remove(&s.sector_number))
        .cloned()
        .collect();
    if let Some(missing) = wanted.first() {
        return Err(
            actor_error!(illegal_state; "failed to find {} expected sectors, first {}", wanted.len(), missing),
        );
    }
    Ok(selected)
}

#[cfg(test)]
mod tests {
    use super::*;
    use fvm_ipld_blockstore::MemoryBlockstore;
    use fvm_shared::error::ExitCode;

    fn info(n: SectorNumber) -> SectorOnChainInfo {
        SectorOnChainInfo {
            sector_number: n,
            expiration: 100 + n as i64,
            ..Default::default()
        }
    }

    fn bf(bits: &[u64]) -> BitField {
        BitField::try_from_bits(bits.iter().copied()).unwrap()
    }

    #[test]
    fn flags() {
        let mut f = SectorOnChainInfoFlags::empty();
        assert!(!f.contains(SectorOnChainInfoFlags::SIMPLE_QA_POWER));
        f.insert(SectorOnChainInfoFlags::SIMPLE_QA_POWER);
        assert!(f.contains(SectorOnChainInfoFlags::SIMPLE_QA_POWER));
        assert_eq!(f.bits(), 1);
        assert_eq!(fvm_ipld_encoding::to_vec(&f).unwrap(), vec![0x01]);
        f.remove(SectorOnChainInfoFlags::SIMPLE_QA_POWER);
        assert_eq!(f, SectorOnChainInfoFlags::from_bits_retain(0));
    }

    #[test]
    fn sectors_amt() {
        let store = MemoryBlockstore::new();
        let root = Sectors::flush_empty(&store).unwrap();
        let mut sectors = Sectors::load(&store, &root).unwrap();
        sectors.store(vec![info(1), info(3), info(5)]).unwrap();
        let root = sectors.flush().unwrap();
        let mut sectors = Sectors::load(&store, &root).unwrap();
        assert_eq!(
            sectors.load_sectors(&bf(&[1, 5])).unwrap(),
            vec![info(1), info(5)]
        );
        let missing = sectors.load_sectors(&bf(&[1, 2])).unwrap_err();
        assert_eq!(missing.exit_code(), ExitCode::USR_NOT_FOUND);
        assert_eq!(missing.msg(), "sector 2 not found");
        // Faulty 3 is stood in for by the first non-faulty sector, 1.
        assert_eq!(
            sectors.load_for_proof(&bf(&[1, 3, 5]), &bf(&[3])).unwrap(),
            vec![info(1), info(1), info(5)]
        );
        assert!(sectors
            .load_for_proof(&bf(&[3]), &bf(&[3]))
            .unwrap()
            .is_empty());
        let too_big = SectorOnChainInfo {
            sector_number: MAX_SECTOR_NUMBER + 1,
            ..Default::default()
        };
        assert_eq!(
            sectors.store(vec![too_big]).unwrap_err().exit_code(),
            ExitCode::USR_ILLEGAL_ARGUMENT
        );
        sectors.delete_sectors(&bf(&[1])).unwrap();
        assert_eq!(sectors.get(1).unwrap(), None);
        assert_eq!(
            sectors.delete_sectors(&bf(&[1])).unwrap_err().exit_code(),
            ExitCode::USR_NOT_FOUND
        );
    }

    #[test]
    fn selecting() {
        let all = vec![info(4), info(2), info(9)];
        assert_eq!(
            select_sectors(&all, &bf(&[2, 9])).unwrap(),
            vec![info(2), info(9)]
        );
        let err = select_sectors(&all, &bf(&[2, 7])).unwrap_err();
        assert_eq!(err.msg(), "failed to find 1 expected sectors, first 7");
    }

    #[test]
    fn a_pre_fip_0100_sector_decodes_with_zero_fee() {
        // Encode a 16-field sector, cut the array to 15 fields, decode.
        let s = SectorOnChainInfo {
            daily_fee: TokenAmount::from_atto(9),
            ..info(7)
        };
        let mut bytes = fvm_ipld_encoding::to_vec(&s).unwrap();
        assert_eq!(bytes[0], 0x90); // array of 16
        let fee = fvm_ipld_encoding::to_vec(&TokenAmount::from_atto(9)).unwrap();
        bytes.truncate(bytes.len() - fee.len());
        bytes[0] = 0x8f; // array of 15
        let old: SectorOnChainInfo = fvm_ipld_encoding::from_slice(&bytes).unwrap();
        assert_eq!(
            old,
            SectorOnChainInfo {
                daily_fee: TokenAmount::default(),
                ..s
            }
        );
    }
}
