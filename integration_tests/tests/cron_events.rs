//! Events emitted under cron reach the caller of the tick on both engines (the seed's "Implicit
//! Message Capture Test"): a miner's pre-commitment expires unproven, and the miner's deadline
//! cron, an implicit message, forfeits the deposit with a `fee-applied` event of type
//! `precommit-expired`, reconciled against the burnt funds.

use fil_actor_miner::emit::{sector_precommitted_event, FeeApplied, FeeType};
use fil_actor_miner::{max_prove_commit_duration, State as MinerState};
use fil_actors_integration_tests::miner::{
    create_miner, policy, precommit, precommit_info, SEAL_PROOF,
};
use fil_actors_integration_tests::on_both_engines;
use fil_actors_runtime::builtin::BURNT_FUNDS_ACTOR_ID;
use fvm_shared::clock::ChainEpoch;
use fvm_shared::econ::TokenAmount;
use fvm_shared::event::StampedEvent;
use fvm_shared::ActorID;
use test_vm::genesis::genesis;
use test_vm::{actor_state, balance, VM};

#[derive(Debug, PartialEq)]
struct Outcome {
    miner: ActorID,
    precommit_events: Vec<StampedEvent>,
    deposit: TokenAmount,
    tick_epoch: ChainEpoch,
    tick_events: Vec<StampedEvent>,
    burnt: TokenAmount,
    deposits_after: TokenAmount,
    root: cid::Cid,
}

fn scenario(vm: &mut dyn VM) -> Outcome {
    let policy = policy().unwrap();
    let g = genesis(vm, &[TokenAmount::from_whole(10_000)]).unwrap();
    let (owner, _) = g.accounts[0];
    let m = create_miner(vm, owner, 1, TokenAmount::from_whole(10)).unwrap();
    vm.advance_epoch(vm.epoch() + 5).unwrap();

    let max_prove = max_prove_commit_duration(&policy, SEAL_PROOF).unwrap();
    let expiration = vm.epoch() + max_prove + policy.min_sector_expiration + 10 * 2880;
    let info = precommit_info(vm, 7, expiration, None);
    let pre = precommit(vm, &m, vec![info], TokenAmount::from_whole(1)).unwrap();
    let st: MinerState = actor_state(vm, m.miner_id).unwrap();
    let deposit = st.pre_commit_deposits.clone();

    // The clean-up falls due at the first deadline boundary after the prove-commit window and
    // the clean-up delay; land past it, then run the tick of that epoch.
    let due = st
        .quant_spec_every_deadline(&policy)
        .quantize_up(vm.epoch() + max_prove + policy.expired_pre_commit_clean_up_delay);
    vm.advance_epoch(due + policy.wpost_challenge_window)
        .unwrap();
    let burnt_before = balance(vm, BURNT_FUNDS_ACTOR_ID).unwrap();
    let tick_epoch = vm.epoch();
    let tick = vm.advance_epoch(tick_epoch + 1).unwrap();
    let burnt = balance(vm, BURNT_FUNDS_ACTOR_ID).unwrap() - burnt_before;
    let st: MinerState = actor_state(vm, m.miner_id).unwrap();
    Outcome {
        miner: m.miner_id,
        precommit_events: pre.events,
        deposit,
        tick_epoch,
        tick_events: tick.events,
        burnt,
        deposits_after: st.pre_commit_deposits,
        root: vm.state_root().unwrap(),
    }
}

#[test]
fn cron_fee_events_reach_the_tick_caller_on_both_engines() {
    let (native, fvm) = on_both_engines(scenario);

    // The pre-commitment's own event, from the explicit message.
    assert_eq!(
        native.precommit_events,
        vec![StampedEvent::new(
            native.miner,
            sector_precommitted_event(7).unwrap()
        )]
    );
    // The expiry, from the implicit cron message: exactly one event, the forfeited deposit.
    assert!(native.deposit.is_positive());
    let expected = FeeApplied::new(FeeType::PrecommitExpired, native.deposit.clone())
        .sectors(1)
        .event()
        .unwrap();
    assert_eq!(
        native.tick_events,
        vec![StampedEvent::new(native.miner, expected)]
    );
    // The amount is what the miner's accounting lost and the burnt-funds actor gained.
    assert_eq!(native.burnt, native.deposit);
    assert!(native.deposits_after.is_zero());

    assert_eq!(native, fvm);
}
