//! Epoch quantization: queue keys (expirations, vesting, pre-commit clean-ups) are rounded to a
//! grid of `unit` epochs shifted by `offset`, which bounds how many distinct keys a queue holds.

use fvm_shared::clock::ChainEpoch;

/// The grid `{ k * unit + (offset mod unit) }` epochs are rounded to.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub struct QuantSpec {
    /// Distance between two grid points; at least 1.
    pub unit: ChainEpoch,
    /// Any epoch on the grid.
    pub offset: ChainEpoch,
}

/// The grid of every epoch: quantizing with it changes nothing.
pub const NO_QUANTIZATION: QuantSpec = QuantSpec { unit: 1, offset: 0 };

impl QuantSpec {
    /// The smallest grid epoch at or after `epoch`.
    pub fn quantize_up(&self, epoch: ChainEpoch) -> ChainEpoch {
        let offset = self.offset % self.unit;
        let shifted = epoch - offset;
        let quotient = shifted / self.unit;
        // Truncating division already rounds a negative quotient up.
        if shifted % self.unit == 0 || shifted < 0 {
            quotient * self.unit + offset
        } else {
            (quotient + 1) * self.unit + offset
        }
    }

    /// The largest grid epoch at or before `epoch`.
    pub fn quantize_down(&self, epoch: ChainEpoch) -> ChainEpoch {
        let up = self.quantize_up(epoch);
        if up == epoch {
            up
        } else {
            up - self.unit
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn no_quantization_is_identity() {
        for e in [-7, 0, 1, 99, 12345] {
            assert_eq!(NO_QUANTIZATION.quantize_up(e), e);
            assert_eq!(NO_QUANTIZATION.quantize_down(e), e);
        }
    }

    #[test]
    fn rounds_up_to_the_offset_grid() {
        // Grid 10k + 3.
        let q = QuantSpec {
            unit: 10,
            offset: 3,
        };
        assert_eq!(q.quantize_up(3), 3);
        assert_eq!(q.quantize_up(4), 13);
        assert_eq!(q.quantize_up(13), 13);
        assert_eq!(q.quantize_up(0), 3);
        assert_eq!(q.quantize_up(-6), 3);
        assert_eq!(q.quantize_up(-7), -7);
        // An offset beyond one unit means the same grid.
        let far = QuantSpec {
            unit: 10,
            offset: 123,
        };
        assert_eq!(far.quantize_up(4), 13);
        assert_eq!(far.quantize_up(-20), -17);
    }

    #[test]
    fn rounds_down_to_the_offset_grid() {
        let q = QuantSpec {
            unit: 10,
            offset: 3,
        };
        assert_eq!(q.quantize_down(13), 13);
        assert_eq!(q.quantize_down(14), 13);
        assert_eq!(q.quantize_down(12), 3);
        assert_eq!(q.quantize_down(2), -7);
        // A proving-period grid: 2880-epoch periods starting at 1000.
        let p = QuantSpec {
            unit: 2880,
            offset: 1000,
        };
        assert_eq!(p.quantize_down(5000), 3880);
        assert_eq!(p.quantize_up(5000), 6760);
    }
}
