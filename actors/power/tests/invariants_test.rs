//! Tests of the power state invariant checks (`fil_actor_power::testing`): a consistent state
//! passes and summarises claims and cron events; each kind of inconsistency is reported.

mod harness;

use fil_actor_power::testing::{check_state_invariants, MinerCronEvent};
use fil_actor_power::State;
use fvm_ipld_encoding::RawBytes;
use fvm_shared::econ::TokenAmount;
use harness::*;

fn messages(rt: &fil_actors_runtime::test_utils::MockRuntime, st: &State) -> Vec<String> {
    check_state_invariants(&rt.policy, st, &rt.store)
        .1
        .messages()
}

#[test]
fn consistent_state_passes_and_is_summarised() {
    let rt = setup();
    let m1 = create_miner(&rt, 1000);
    let m2 = create_miner(&rt, 1001);
    update_claimed_power(&rt, m1, MIN_POWER, 2 * MIN_POWER).unwrap();
    update_claimed_power(&rt, m2, 10, 10).unwrap();
    enroll_cron_event(&rt, m1, 9, b"p").unwrap();

    let (summary, acc) = check_state_invariants(&rt.policy, &state(&rt), &rt.store);
    acc.assert_empty();
    assert_eq!(summary.claims.len(), 2);
    assert_eq!(summary.claims[&m2].raw_byte_power, power(10));
    assert_eq!(
        summary.crons[&m1],
        vec![MinerCronEvent {
            epoch: 9,
            payload: RawBytes::new(b"p".to_vec())
        }]
    );
    assert!(!summary.crons.contains_key(&m2));
}

#[test]
fn inconsistent_totals_and_counts_are_reported() {
    let rt = setup();
    let m1 = create_miner(&rt, 1000);
    update_claimed_power(&rt, m1, MIN_POWER, 2 * MIN_POWER).unwrap();
    let good = state(&rt);

    let mut st = good.clone();
    st.miner_count = 2;
    assert_eq!(
        messages(&rt, &st),
        vec!["miner count 2 does not match 1 claims"]
    );

    let mut st = good.clone();
    st.miner_above_min_power_count = 0;
    assert_eq!(
        messages(&rt, &st),
        vec!["miners above minimum power 0 do not match 1 claims above it"]
    );

    let mut st = good.clone();
    st.total_bytes_committed = power(MIN_POWER + 1);
    assert_eq!(
        messages(&rt, &st),
        vec!["total committed bytes 2049 does not match the claims' sum 2048"]
    );

    let mut st = good.clone();
    st.total_quality_adj_power = power(-1);
    let msgs = messages(&rt, &st);
    assert!(msgs.contains(&"total quality adjusted power is negative: -1".to_string()));
    assert!(msgs.contains(
        &"total quality adjusted power -1 does not match the claims' sum 4096".to_string()
    ));

    let mut st = good;
    st.total_pledge_collateral = TokenAmount::from_atto(-1);
    st.proof_validation_batch = Some(st.claims);
    assert_eq!(
        messages(&rt, &st),
        vec![
            "total pledge collateral is negative: -0.000000000000000001",
            "proof validation batch is set (removed by FIP-0084)"
        ]
    );
}

#[test]
fn cron_events_before_the_first_cron_epoch_are_reported() {
    let rt = setup();
    let m1 = create_miner(&rt, 1000);
    enroll_cron_event(&rt, m1, 4, b"x").unwrap();
    let mut st = state(&rt);
    st.first_cron_epoch = 5;
    assert_eq!(
        messages(&rt, &st),
        vec!["cron events at epoch 4 before the first cron epoch 5"]
    );
}

#[test]
fn unreadable_collections_are_reported() {
    let rt = setup();
    let mut st = state(&rt);
    st.claims = fil_actors_runtime::test_utils::builtin_code_cid(fil_actors_runtime::Type::Miner);
    st.cron_event_queue = st.claims;
    let msgs = messages(&rt, &st);
    assert_eq!(msgs.len(), 2);
    assert!(msgs[0].starts_with("error loading cron event queue"));
    assert!(msgs[1].starts_with("error loading claims"));
}
