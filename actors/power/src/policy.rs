//! The power actor's consensus parameters: how many miners must meet the minimum power before
//! the minimum is enforced, and the minimum itself for each PoSt proof type.

use fil_actors_runtime::runtime::Policy;
use fil_actors_runtime::{actor_error, ActorError};
use fvm_shared::sector::{RegisteredPoStProof, StoragePower};

/// While fewer miners than this meet the minimum consensus power, every miner with non-zero
/// power counts towards consensus, and the network totals include miners below the minimum.
pub const CONSENSUS_MINER_MIN_MINERS: i64 = 4;

/// The least raw-byte power a miner needs for its power to count towards consensus. Every
/// registered Winning and Window PoSt proof type has the network's minimum; an unregistered
/// proof type has none.
pub fn consensus_miner_min_power(
    policy: &Policy,
    proof: RegisteredPoStProof,
) -> Result<StoragePower, ActorError> {
    use RegisteredPoStProof::*;
    match proof {
        StackedDRGWinning2KiBV1
        | StackedDRGWinning8MiBV1
        | StackedDRGWinning512MiBV1
        | StackedDRGWinning32GiBV1
        | StackedDRGWinning64GiBV1
        | StackedDRGWindow2KiBV1P1
        | StackedDRGWindow8MiBV1P1
        | StackedDRGWindow512MiBV1P1
        | StackedDRGWindow32GiBV1P1
        | StackedDRGWindow64GiBV1P1 => Ok(policy.minimum_consensus_power.clone()),
        Invalid(code) => Err(actor_error!(illegal_state; "unsupported PoSt proof type {}", code)),
    }
}
