//! Events emitted under cron reach the caller of the tick on both engines (the seed's "Implicit
//! Message Capture Test"): a miner's pre-commitment expires unproven, and the miner's deadline
//! cron, an implicit message, forfeits the deposit with a `fee-applied` event of type
//! `precommit-expired`, reconciled against the burnt funds.

use fil_actor_miner::emit::{sector_precommitted_event, FeeApplied, FeeType};
use fil_actor_miner::State as MinerState;
use fil_actors_integration_tests::miner::{create_miner, precommit_and_let_expire};
use fil_actors_integration_tests::on_both_engines;
use fvm_shared::clock::ChainEpoch;
use fvm_shared::econ::TokenAmount;
use fvm_shared::event::StampedEvent;
use fvm_shared::ActorID;
use test_vm::genesis::genesis;
use test_vm::{actor_state, VM};

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
    let g = genesis(vm, &[TokenAmount::from_whole(10_000)]).unwrap();
    let (owner, _) = g.accounts[0];
    let m = create_miner(vm, owner, 1, TokenAmount::from_whole(10)).unwrap();
    vm.advance_epoch(vm.epoch() + 5).unwrap();
    let expired = precommit_and_let_expire(vm, &m, 7).unwrap();
    let st: MinerState = actor_state(vm, m.miner_id).unwrap();
    Outcome {
        miner: m.miner_id,
        precommit_events: expired.precommit.events,
        deposit: expired.deposit,
        tick_epoch: expired.tick_epoch,
        tick_events: expired.tick.events,
        burnt: expired.burnt,
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
