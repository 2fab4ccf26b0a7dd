//! Domain separation for drawn randomness, and the draw itself: the FVM returns the raw ticket or
//! beacon digest for an epoch, and the actor mixes in its purpose and entropy, as the network does.

use fvm_shared::clock::ChainEpoch;
use fvm_shared::randomness::RANDOMNESS_LENGTH;
use num_derive::FromPrimitive;

/// The purposes randomness is drawn for; the number is hashed into every draw.
#[derive(Debug, Clone, Copy, PartialEq, Eq, FromPrimitive)]
#[repr(i64)]
pub enum DomainSeparationTag {
    TicketProduction = 1,
    ElectionProofProduction = 2,
    WinningPoStChallengeSeed = 3,
    WindowedPoStChallengeSeed = 4,
    SealRandomness = 5,
    InteractiveSealChallengeSeed = 6,
    WindowedPoStDeadlineAssignment = 7,
    MarketDealCronSeed = 8,
    PoStChainCommit = 9,
    EvmPrevRandao = 10,
}

/// blake2b-256 of: the tag as a big-endian i64, the base digest, the epoch as a big-endian i64,
/// then the entropy.
pub fn draw_randomness(
    hasher: impl FnOnce(&[u8]) -> [u8; 32],
    digest: &[u8; RANDOMNESS_LENGTH],
    personalization: DomainSeparationTag,
    rand_epoch: ChainEpoch,
    entropy: &[u8],
) -> [u8; RANDOMNESS_LENGTH] {
    let mut data = Vec::with_capacity(8 + RANDOMNESS_LENGTH + 8 + entropy.len());
    data.extend_from_slice(&(personalization as i64).to_be_bytes());
    data.extend_from_slice(digest);
    data.extend_from_slice(&rand_epoch.to_be_bytes());
    data.extend_from_slice(entropy);
    hasher(&data)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hashes_the_fields_in_order() {
        let digest = [7u8; 32];
        let mut seen = Vec::new();
        let out = draw_randomness(
            |d| {
                seen = d.to_vec();
                [1u8; 32]
            },
            &digest,
            DomainSeparationTag::SealRandomness,
            0x0102,
            b"xy",
        );
        assert_eq!(out, [1u8; 32]);
        let mut expected = vec![0, 0, 0, 0, 0, 0, 0, 5];
        expected.extend_from_slice(&[7u8; 32]);
        expected.extend_from_slice(&[0, 0, 0, 0, 0, 0, 1, 2]);
        expected.extend_from_slice(b"xy");
        assert_eq!(seen, expected);
    }
}
