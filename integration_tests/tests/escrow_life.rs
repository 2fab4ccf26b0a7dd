//! The example storage application (`PieceEscrow`, built on the `SectorStatus` library) through
//! a whole life on both engines: funding, refused forged and foreign notifications, the
//! commitment with its notification, three payments (the third while the sector is faulty), an
//! early termination, the refund, and every attack refused with the contract's own revert
//! reason (the scenario, `escrow::escrow_life`, checks each step as it goes). The engines must
//! agree on every step, event and balance.

use fil_actors_integration_tests::escrow::{escrow_life, FIL_PER_PERIOD};
use fil_actors_integration_tests::on_both_engines;
use fvm_shared::econ::TokenAmount;

#[test]
fn the_example_application_lives_a_whole_deal_on_both_engines() {
    let (native, fvm) = on_both_engines(|vm| escrow_life(vm).unwrap().0);
    // The refusals, in order, as the contract named them.
    let refusals: Vec<&str> = native
        .steps
        .iter()
        .filter_map(|s| s.refusal.as_deref())
        .map(|r| r.split(['(', ' ']).next().unwrap_or(r))
        .collect();
    assert_eq!(
        refusals,
        [
            "InvalidFunding",
            "NotTheProvider",
            "NotTheProvider",
            "WrongPiece",
            "NothingDue",
            "NothingDue",
            "SectorStillLive",
            "StaleLocation",
            "SectorDead",
            "NotTheClient",
            "DealClosed",
        ]
    );
    // Three payments and one refund moved the client's six periods of funding.
    let paid = native
        .steps
        .iter()
        .filter(|s| s.label.starts_with("claim of period") && !s.events.is_empty())
        .count() as u64;
    assert_eq!(paid, 3);
    assert_eq!(native.balances[0], TokenAmount::from_atto(0));
    assert_eq!(
        native.balances[1],
        TokenAmount::from_whole(20 - paid * FIL_PER_PERIOD)
    );
    assert_eq!(native, fvm);
}
