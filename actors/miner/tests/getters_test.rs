//! The FIP-0098 getters: MaxTerminationFee (any caller, from the current reward and power
//! estimates) and InitialPledge.

mod harness;

use fil_actor_miner::{
    pledge_penalty_for_continued_fault, InitialPledgeReturn, MaxTerminationFeeParams,
};
use fil_actors_runtime::runtime::policy::EPOCHS_IN_DAY;
use fvm_shared::bigint::BigInt;
use fvm_shared::econ::TokenAmount;
use harness::maint::*;
use harness::*;

fn params(power: u64, initial_pledge: TokenAmount) -> MaxTerminationFeeParams {
    MaxTerminationFeeParams {
        power: BigInt::from(power),
        initial_pledge,
    }
}

#[test]
fn max_fee_is_the_pledge_share_for_a_mature_sector() {
    let h = ActorHarness::default();
    let rt = h.setup();
    // With the harness's network (1e19 atto/epoch over 2^50 bytes), 32 GiB earns about
    // 0.0003 FIL an epoch, so its fault fee (3.51 days) is about 3.1 FIL and 105% of it stays
    // below 8.5% of a 100 FIL pledge: the fee is exactly 8.5 FIL.
    let ret = h.max_termination_fee(&rt, params(SECTOR_BYTES, TokenAmount::from_whole(100)));
    assert_eq!(ret.max_fee, TokenAmount::from_whole(85).div_floor(10));
    // No power, no fault fee: 8.5% of 1,000 atto.
    let ret = h.max_termination_fee(&rt, params(0, TokenAmount::from_atto(1000)));
    assert_eq!(ret.max_fee, TokenAmount::from_atto(85));
    h.check_state(&rt);
}

#[test]
fn max_fee_is_the_fault_fee_floor_for_a_small_pledge() {
    let h = ActorHarness::default();
    let rt = h.setup();
    let power = BigInt::from(10 * SECTOR_BYTES);
    let fault_fee =
        pledge_penalty_for_continued_fault(&h.reward_smoothed, &h.qa_power_smoothed, &power);
    // About 31 FIL of fault fee against a pledge of 1 FIL.
    assert!(fault_fee > TokenAmount::from_whole(30));
    let ret = h.max_termination_fee(&rt, params(10 * SECTOR_BYTES, TokenAmount::from_whole(1)));
    assert_eq!(ret.max_fee, (fault_fee * 105).div_floor(100));
    // The 140-day cap on age makes it independent of the epoch.
    rt.set_epoch(START_EPOCH + 1000 * EPOCHS_IN_DAY);
    let again = h.max_termination_fee(&rt, params(10 * SECTOR_BYTES, TokenAmount::from_whole(1)));
    assert_eq!(again, ret);
    h.check_state(&rt);
}

#[test]
fn initial_pledge_is_the_state_total() {
    let h = ActorHarness::default();
    let rt = h.setup();
    assert_eq!(
        h.initial_pledge(&rt),
        InitialPledgeReturn {
            initial_pledge: TokenAmount::from_atto(0)
        }
    );
    h.put_proven_sectors(
        &rt,
        3,
        (1..=3)
            .map(|n| cc_sector(n, START_EPOCH, START_EPOCH + 400 * EPOCHS_IN_DAY))
            .collect(),
    );
    assert_eq!(
        h.initial_pledge(&rt).initial_pledge,
        TokenAmount::from_atto(3000)
    );
    h.check_state(&rt);
}
