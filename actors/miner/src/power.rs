//! `PowerPair` (raw and quality-adjusted power moved together) and the power and fee totals of a
//! set of sectors, used by every structure that memoizes power.

use std::ops;

use fvm_ipld_encoding::tuple::*;
use fvm_shared::bigint::{bigint_ser, BigInt};
use fvm_shared::econ::TokenAmount;
use fvm_shared::sector::{SectorSize, StoragePower};
use num_traits::{Signed, Zero};

use crate::{qa_power_for_sector, SectorOnChainInfo};

/// Raw and quality-adjusted power, encoded as `[raw, qa]` big integers.
#[derive(Serialize_tuple, Deserialize_tuple, Eq, PartialEq, Clone, Debug, Default)]
pub struct PowerPair {
    #[serde(with = "bigint_ser")]
    pub raw: StoragePower,
    #[serde(with = "bigint_ser")]
    pub qa: StoragePower,
}

impl PowerPair {
    pub fn new(raw: StoragePower, qa: StoragePower) -> Self {
        PowerPair { raw, qa }
    }

    pub fn zero() -> Self {
        Default::default()
    }

    pub fn is_zero(&self) -> bool {
        self.raw.is_zero() && self.qa.is_zero()
    }

    /// Whether either component is negative.
    pub fn is_negative(&self) -> bool {
        self.raw.is_negative() || self.qa.is_negative()
    }
}

impl ops::Add for &PowerPair {
    type Output = PowerPair;
    fn add(self, rhs: Self) -> PowerPair {
        PowerPair::new(&self.raw + &rhs.raw, &self.qa + &rhs.qa)
    }
}

impl ops::Add for PowerPair {
    type Output = PowerPair;
    fn add(self, rhs: Self) -> PowerPair {
        &self + &rhs
    }
}

impl ops::AddAssign<&PowerPair> for PowerPair {
    fn add_assign(&mut self, rhs: &PowerPair) {
        self.raw += &rhs.raw;
        self.qa += &rhs.qa;
    }
}

impl ops::Sub for &PowerPair {
    type Output = PowerPair;
    fn sub(self, rhs: Self) -> PowerPair {
        PowerPair::new(&self.raw - &rhs.raw, &self.qa - &rhs.qa)
    }
}

impl ops::Sub for PowerPair {
    type Output = PowerPair;
    fn sub(self, rhs: Self) -> PowerPair {
        &self - &rhs
    }
}

impl ops::SubAssign<&PowerPair> for PowerPair {
    fn sub_assign(&mut self, rhs: &PowerPair) {
        self.raw -= &rhs.raw;
        self.qa -= &rhs.qa;
    }
}

impl ops::Neg for PowerPair {
    type Output = PowerPair;
    fn neg(self) -> PowerPair {
        PowerPair::new(-self.raw, -self.qa)
    }
}

impl ops::Neg for &PowerPair {
    type Output = PowerPair;
    fn neg(self) -> PowerPair {
        -self.clone()
    }
}

/// The power of one sector.
pub fn power_for_sector(sector_size: SectorSize, sector: &SectorOnChainInfo) -> PowerPair {
    PowerPair::new(
        BigInt::from(sector_size as u64),
        qa_power_for_sector(sector_size, sector),
    )
}

/// The summed power of some sectors.
pub fn power_for_sectors(sector_size: SectorSize, sectors: &[SectorOnChainInfo]) -> PowerPair {
    PowerPair::new(
        BigInt::from(sector_size as u64) * BigInt::from(sectors.len()),
        sectors
            .iter()
            .map(|s| qa_power_for_sector(sector_size, s))
            .sum(),
    )
}

/// The summed FIP-0100 daily fee of some sectors.
pub fn daily_fee_for_sectors(sectors: &[SectorOnChainInfo]) -> TokenAmount {
    sectors.iter().map(|s| &s.daily_fee).sum()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pp(raw: i64, qa: i64) -> PowerPair {
        PowerPair::new(BigInt::from(raw), BigInt::from(qa))
    }

    #[test]
    fn arithmetic() {
        let mut a = pp(10, 20);
        a += &pp(1, 2);
        assert_eq!(a, pp(11, 22));
        a -= &pp(11, 20);
        assert_eq!(a, pp(0, 2));
        assert!(!a.is_zero() && !a.is_negative());
        assert_eq!(-&a, pp(0, -2));
        assert!((-&a).is_negative());
        assert_eq!(pp(1, 1) + pp(2, 3), pp(3, 4));
        assert_eq!(pp(1, 1) - pp(2, 3), pp(-1, -2));
        assert!(PowerPair::zero().is_zero());
    }

    #[test]
    fn sector_totals() {
        let s = |n, w: i64, fee| SectorOnChainInfo {
            sector_number: n,
            expiration: 100,
            power_base_epoch: 0,
            verified_deal_weight: BigInt::from(w),
            daily_fee: TokenAmount::from_atto(fee),
            ..Default::default()
        };
        // 2 KiB over 100 epochs: fully verified weight is 2048 * 100.
        let sectors = [s(1, 0, 5), s(2, 2048 * 100, 7)];
        assert_eq!(
            power_for_sector(SectorSize::_2KiB, &sectors[1]),
            pp(2048, 20480)
        );
        assert_eq!(
            power_for_sectors(SectorSize::_2KiB, &sectors),
            pp(4096, 2048 + 20480)
        );
        assert_eq!(power_for_sectors(SectorSize::_2KiB, &[]), PowerPair::zero());
        assert_eq!(daily_fee_for_sectors(&sectors), TokenAmount::from_atto(12));
    }
}
