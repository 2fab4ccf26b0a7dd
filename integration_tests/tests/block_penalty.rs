//! The `block-penalty` fee on both engines: the system actor awards a block reward carrying a
//! penalty (an implicit message to the reward actor, as a node does for each block); the reward
//! actor passes reward and penalty to the miner's `ApplyRewards`, which applies the penalty and
//! emits `fee-applied` with type `block-penalty`, reconciled against what was burnt.

use fil_actor_miner::emit::{FeeApplied, FeeType};
use fil_actor_miner::State as MinerState;
use fil_actor_reward::{AwardBlockRewardParams, Method as RewardMethod, PENALTY_MULTIPLIER};
use fil_actors_integration_tests::on_both_engines;
use fil_actors_integration_tests::sectors::miner_and_stranger;
use fil_actors_runtime::builtin::{BURNT_FUNDS_ACTOR_ID, REWARD_ACTOR_ADDR, SYSTEM_ACTOR_ADDR};
use fvm_shared::econ::TokenAmount;
use fvm_shared::error::ExitCode;
use fvm_shared::event::StampedEvent;
use test_vm::{actor_state, balance, MessageKind, Msg, VM};

#[derive(Debug, PartialEq)]
struct Outcome {
    code: ExitCode,
    events: Vec<StampedEvent>,
    miner: u64,
    /// Burnt by the award, plus the debt the miner was left with.
    accounted: TokenAmount,
    root: cid::Cid,
}

fn scenario(vm: &mut dyn VM) -> Outcome {
    let (m, _) = miner_and_stranger(vm).unwrap();
    let burnt_before = balance(vm, BURNT_FUNDS_ACTOR_ID).unwrap();
    let award = AwardBlockRewardParams {
        miner: m.miner,
        penalty: TokenAmount::from_nano(1_000_000),
        gas_reward: TokenAmount::from_atto(0),
        win_count: 1,
    };
    let r = vm
        .execute(
            &Msg::new(
                SYSTEM_ACTOR_ADDR,
                REWARD_ACTOR_ADDR,
                RewardMethod::AwardBlockReward as u64,
            )
            .params(&award)
            .unwrap(),
            MessageKind::Implicit,
        )
        .unwrap();
    let st: MinerState = actor_state(vm, m.miner_id).unwrap();
    let accounted = balance(vm, BURNT_FUNDS_ACTOR_ID).unwrap() - burnt_before + &st.fee_debt;
    Outcome {
        code: r.code,
        events: r.events,
        miner: m.miner_id,
        accounted,
        root: vm.state_root().unwrap(),
    }
}

#[test]
fn a_block_penalty_is_applied_and_emitted_on_both_engines() {
    let (native, fvm) = on_both_engines(scenario);
    assert_eq!(native.code, ExitCode::OK);
    let penalty = TokenAmount::from_nano(1_000_000) * PENALTY_MULTIPLIER;
    assert_eq!(native.accounted, penalty);
    let expected = FeeApplied::new(FeeType::BlockPenalty, penalty)
        .event()
        .unwrap();
    assert_eq!(
        native.events,
        vec![StampedEvent::new(native.miner, expected)]
    );
    assert_eq!(native, fvm);
}
