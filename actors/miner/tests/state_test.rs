//! The state root's operations: debt repaid in priority order (vested, then unvested soonest
//! first, then unlocked balance), balances, pre-commit clean-up, sector lookups and placement.

use fil_actor_miner::*;
use fil_actors_runtime::runtime::Policy;
use fvm_ipld_bitfield::BitField;
use fvm_ipld_blockstore::MemoryBlockstore;
use fvm_ipld_encoding::CborStore;
use fvm_shared::econ::TokenAmount;
use fvm_shared::error::ExitCode;
use fvm_shared::sector::{RegisteredPoStProof, SectorSize};
use multihash_codetable::Code;

fn atto(n: i64) -> TokenAmount {
    TokenAmount::from_atto(n)
}

fn bf(bits: &[u64]) -> BitField {
    BitField::try_from_bits(bits.iter().copied()).unwrap()
}

fn new_state(store: &MemoryBlockstore) -> State {
    let info = MinerInfo::new(
        1,
        2,
        vec![],
        vec![],
        vec![],
        RegisteredPoStProof::StackedDRGWindow2KiBV1P1,
    )
    .unwrap();
    let cid = store.put_cbor(&info, Code::Blake2b256).unwrap();
    State::new(&Policy::mainnet(), store, cid, 0, 0).unwrap()
}

/// 10 atto a day for 180 days: entries at 2880, 5760, ... on the 12-hour grid.
fn with_vesting(store: &MemoryBlockstore) -> State {
    let mut st = new_state(store);
    assert_eq!(
        st.add_locked_funds(store, 0, &atto(1800), &REWARD_VESTING_SPEC)
            .unwrap(),
        atto(0)
    );
    let funds = st.load_vesting_funds(store).unwrap();
    assert_eq!(funds.len(), 180);
    assert_eq!((funds[0].epoch, funds[0].amount.clone()), (2880, atto(10)));
    st
}

#[test]
fn debt_is_repaid_from_vesting_then_unlocked_balance() {
    let store = MemoryBlockstore::new();
    let mut st = with_vesting(&store);
    // Balance: 1800 locked + 5 unlocked. Debt 25 at epoch 1: nothing has vested, so the
    // soonest unvested entries pay: 10 (2880) + 10 (5760) + 5 of 8640.
    st.apply_penalty(&atto(25)).unwrap();
    let (burn, unlocked) = st
        .repay_partial_debt_in_priority_order(&store, 1, &atto(1805))
        .unwrap();
    assert_eq!((burn, unlocked), (atto(25), atto(25)));
    assert_eq!(
        (st.fee_debt.clone(), st.locked_funds.clone()),
        (atto(0), atto(1775))
    );
    let funds = st.load_vesting_funds(&store).unwrap();
    assert_eq!((funds[0].epoch, funds[0].amount.clone()), (8640, atto(5)));

    // Debt 100 at 8641: the vested 5 unlocks, then ten unvested entries (11520...) pay 100.
    st.apply_penalty(&atto(100)).unwrap();
    let (burn, unlocked) = st
        .repay_partial_debt_in_priority_order(&store, 8641, &atto(1780))
        .unwrap();
    assert_eq!((burn, unlocked), (atto(100), atto(105)));
    assert_eq!(st.locked_funds, atto(1670));
    assert_eq!(
        st.load_vesting_funds(&store).unwrap()[0].epoch,
        11520 + 10 * 2880
    );

    // A debt beyond everything: all vesting funds unlock, the whole balance burns, the rest
    // stays as debt.
    st.apply_penalty(&atto(5000)).unwrap();
    let (burn, unlocked) = st
        .repay_partial_debt_in_priority_order(&store, 8641, &atto(1680))
        .unwrap();
    assert_eq!((burn, unlocked), (atto(1680), atto(1670)));
    assert_eq!(
        (st.fee_debt.clone(), st.locked_funds.clone()),
        (atto(3320), atto(0))
    );
    assert_eq!(st.vesting_funds, VestingFunds::new());
    assert!(st.get_available_balance(&atto(0)).unwrap().is_negative());

    let err = st.repay_debts(&atto(100)).unwrap_err();
    assert_eq!(err.exit_code(), ExitCode::USR_INSUFFICIENT_FUNDS);
    assert_eq!(
        err.msg(),
        format!(
            "unlocked balance can not repay fee debt ({} < {})",
            atto(100),
            atto(3320)
        )
    );
    assert_eq!(st.repay_debts(&atto(4000)).unwrap(), atto(3320));
    assert_eq!(st.fee_debt, atto(0));
    assert!(st.apply_penalty(&atto(-1)).is_err());
}

#[test]
fn balances_and_vesting() {
    let store = MemoryBlockstore::new();
    let mut st = with_vesting(&store);
    st.add_pre_commit_deposit(&atto(50)).unwrap();
    st.add_initial_pledge(&atto(70)).unwrap();
    st.apply_penalty(&atto(30)).unwrap();
    // 2000 - 1800 locked - 50 deposit - 70 pledge = 80 unlocked; less 30 debt = 50 available.
    assert_eq!(st.get_unlocked_balance(&atto(2000)).unwrap(), atto(80));
    assert_eq!(st.get_available_balance(&atto(2000)).unwrap(), atto(50));
    assert_eq!(
        st.get_unlocked_balance(&atto(1000))
            .unwrap_err()
            .exit_code(),
        ExitCode::USR_ILLEGAL_STATE
    );
    st.check_balance_invariants(&atto(1920)).unwrap();
    let broken = st.check_balance_invariants(&atto(1919)).unwrap_err();
    assert_eq!(broken.exit_code(), ERR_BALANCE_INVARIANTS_BROKEN);
    assert!(st.add_initial_pledge(&atto(-71)).is_err());
    // Two days in: 20 has vested; checking does not unlock it.
    assert_eq!(st.check_vested_funds(&store, 5761).unwrap(), atto(20));
    assert_eq!(st.unlock_vested_funds(&store, 5761).unwrap(), atto(20));
    assert_eq!(st.locked_funds, atto(1780));
    assert!(st.continue_deadline_cron());
}

#[test]
fn expired_pre_commits_are_cleaned_up_and_their_deposit_burnt() {
    let store = MemoryBlockstore::new();
    let policy = Policy::mainnet();
    let mut st = new_state(&store);
    st.allocate_sector_numbers(&store, &bf(&[1, 2]), CollisionPolicy::DenyCollisions)
        .unwrap();
    let err = st
        .allocate_sector_numbers(&store, &bf(&[2, 3]), CollisionPolicy::DenyCollisions)
        .unwrap_err();
    assert_eq!(err.exit_code(), ExitCode::USR_ILLEGAL_ARGUMENT);
    st.allocate_sector_numbers(&store, &bf(&[2, 3]), CollisionPolicy::AllowCollisions)
        .unwrap();
    let pc = |n| SectorPreCommitOnChainInfo {
        info: SectorPreCommitInfo {
            sector_number: n,
            ..Default::default()
        },
        pre_commit_deposit: atto(40),
        pre_commit_epoch: 1,
    };
    st.put_precommitted_sectors(&store, vec![pc(1), pc(2)])
        .unwrap();
    assert!(st.put_precommitted_sectors(&store, vec![pc(2)]).is_err());
    st.add_pre_commit_deposit(&atto(80)).unwrap();
    // Clean-ups at 100 are quantized to the deadline grid (60): 120.
    st.add_pre_commit_clean_ups(&policy, &store, vec![(100, 1), (100, 2)])
        .unwrap();
    // Sector 2 gets proven meanwhile.
    st.delete_precommitted_sectors(&store, &[2]).unwrap();
    st.add_pre_commit_deposit(&atto(-40)).unwrap();
    assert_eq!(
        st.cleanup_expired_pre_commits(&policy, &store, 119)
            .unwrap(),
        (atto(0), 0)
    );
    assert_eq!(
        st.cleanup_expired_pre_commits(&policy, &store, 120)
            .unwrap(),
        (atto(40), 1)
    );
    assert_eq!(st.pre_commit_deposits, atto(0));
    assert_eq!(st.get_precommitted_sector(&store, 1).unwrap(), None);
    let missing = st.get_precommitted_sectors(&store, [1]).unwrap_err();
    assert_eq!(
        (missing.exit_code(), missing.msg()),
        (ExitCode::USR_NOT_FOUND, "sector 1 not found")
    );
    let too_big = st
        .get_precommitted_sectors(&store, [MAX_SECTOR_NUMBER + 1])
        .unwrap_err();
    assert_eq!(too_big.exit_code(), ExitCode::USR_ILLEGAL_ARGUMENT);
}

#[test]
fn sectors_are_placed_found_and_checked() {
    let store = MemoryBlockstore::new();
    let policy = Policy::mainnet();
    let mut st = new_state(&store);
    let infos: Vec<SectorOnChainInfo> = (1..=3)
        .map(|n| SectorOnChainInfo {
            sector_number: n,
            expiration: 500_000,
            ..Default::default()
        })
        .collect();
    st.put_sectors(&store, infos.clone()).unwrap();
    // At epoch 10 the current deadline is 0 and deadline 1 opens at 60: neither is mutable.
    let err = st
        .assign_sectors_to_deadline(&policy, &store, 10, infos.clone(), 2, SectorSize::_2KiB, 1)
        .unwrap_err();
    assert_eq!(
        err.msg(),
        "proving deadline 1 must not be the current or next deadline"
    );
    st.assign_sectors_to_deadlines(&policy, &store, 10, infos, 2, SectorSize::_2KiB)
        .unwrap();
    // Deadline 2 is the first mutable one: two sectors fill it, then 3 goes to deadline 3.
    assert_eq!(st.find_sector(&store, 1).unwrap(), (2, 0));
    assert_eq!(st.find_sector(&store, 2).unwrap(), (2, 0));
    assert_eq!(st.find_sector(&store, 3).unwrap(), (3, 0));
    let err = st.find_sector(&store, 4).unwrap_err();
    assert_eq!(
        (err.exit_code(), err.msg()),
        (ExitCode::USR_NOT_FOUND, "sector 4 not due at any deadline")
    );
    // Unproven: active unless proof is required.
    assert!(st.check_sector_active(&store, 2, 0, 1, false).unwrap());
    assert!(!st.check_sector_active(&store, 2, 0, 1, true).unwrap());
    st.check_sector_health(&store, 2, 0, 1).unwrap();
    let err = st.check_sector_health(&store, 3, 0, 1).unwrap_err();
    assert_eq!(err.exit_code(), ExitCode::USR_NOT_FOUND);
    assert!(st.has_sector_number(&store, 3).unwrap());
    assert_eq!(st.load_sector_infos(&store, &bf(&[1, 3])).unwrap().len(), 2);
}

#[test]
fn advancing_deadlines_moves_the_period() {
    let store = MemoryBlockstore::new();
    let policy = Policy::mainnet();
    let mut st = new_state(&store);
    // The deadline follows from the epoch and the period offset: with periods starting at
    // 5000 - 2880 * 2 = -760, epoch 100 is in deadline (100 + 760) / 60 = 14.
    let mut offset = new_state(&store);
    offset.proving_period_start = 5000;
    assert_eq!(
        offset.advance_deadline(&policy, &store, 100, None).unwrap(),
        AdvanceDeadlineResult::default()
    );
    assert_eq!(
        (offset.current_deadline, offset.proving_period_start),
        (15, 5000)
    );
    // The last deadline of the period wraps to the next period.
    let r = st.advance_deadline(&policy, &store, 2879, None).unwrap();
    assert_eq!(r, AdvanceDeadlineResult::default());
    assert_eq!((st.current_deadline, st.proving_period_start), (0, 2880));
    let dl = st.deadline_info(&policy, 2900);
    assert_eq!((dl.period_start, dl.index), (2880, 0));
    assert_eq!(st.recorded_deadline_info(&policy, 2900).open, 2880);
}
