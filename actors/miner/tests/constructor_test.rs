//! The miner's constructor: addresses, limits, proof type and the FIP-0077 creation deposit.

mod harness;

use fil_actors_runtime::test_utils::builtin_code_cid;
use fil_actors_runtime::test_utils::expect_abort;
use fil_actors_runtime::{Type, STORAGE_POWER_ACTOR_ADDR};
use fvm_ipld_encoding::BytesDe;
use fvm_shared::address::Address;
use fvm_shared::econ::TokenAmount;
use fvm_shared::error::ExitCode;
use fvm_shared::sector::{RegisteredPoStProof, SectorSize};
use harness::*;

#[test]
fn constructs_miner_and_locks_deposit() {
    let h = ActorHarness::default();
    let rt = h.setup();
    let deposit = h.create_miner_deposit(&rt);
    assert!(deposit.is_positive());

    let state = h.state(&rt);
    let info = h.info(&rt);
    assert_eq!(info.owner, OWNER);
    assert_eq!(info.worker, WORKER);
    assert_eq!(info.control_addresses, vec![CONTROL_1, CONTROL_2]);
    assert_eq!(info.beneficiary, OWNER);
    assert_eq!(info.peer_id, b"peer".to_vec());
    assert_eq!(info.multi_address, vec![BytesDe(b"/ip4/1.2.3.4".to_vec())]);
    assert_eq!(info.sector_size, SectorSize::_32GiB);
    assert_eq!(info.window_post_partition_sectors, 2349);
    assert_eq!(info.pending_worker_key, None);

    // The period containing the construction epoch has started; the deadline is the one open.
    let period = rt.policy.wpost_proving_period;
    assert!(state.proving_period_start <= START_EPOCH);
    assert!(START_EPOCH < state.proving_period_start + period);
    assert_eq!(
        state.current_deadline,
        ((START_EPOCH - state.proving_period_start) / rt.policy.wpost_challenge_window) as u64
    );
    assert!(!state.deadline_cron_active);

    // FIP-0077: the whole deposit is locked on the reward vesting schedule.
    assert_eq!(state.locked_funds, deposit);
    let vesting = h.get_vesting_funds(&rt).vesting_funds;
    assert!(!vesting.is_empty());
    assert_eq!(
        vesting.iter().map(|(_, a)| a.clone()).sum::<TokenAmount>(),
        deposit
    );
    assert!(vesting.iter().all(|(epoch, _)| *epoch > START_EPOCH));
    assert_eq!(
        h.get_available_balance(&rt).available_balance,
        TokenAmount::from_atto(0)
    );
    h.check_state(&rt);
}

#[test]
fn deposit_above_minimum_leaves_the_rest_available() {
    let h = ActorHarness::default();
    let rt = h.new_runtime();
    let deposit = h.create_miner_deposit(&rt);
    h.expect_deposit_queries(&rt);
    h.expect_pubkey_query(&rt, WORKER);
    let extra = TokenAmount::from_atto(12_345);
    h.construct(&rt, &h.constructor_params(), &deposit + &extra)
        .unwrap();
    assert_eq!(h.get_available_balance(&rt).available_balance, extra);
    h.check_state(&rt);
}

#[test]
fn proving_period_offset_depends_on_address_and_epoch() {
    let h = ActorHarness::default();
    let a = h.setup();
    let b = h.new_runtime();
    b.set_epoch(START_EPOCH + 1);
    h.construct_and_verify(&b);
    let (sa, sb) = (h.state(&a), h.state(&b));
    // Different epochs hash to different offsets (not merely shifted by one).
    let period = a.policy.wpost_proving_period;
    let offset = |s: i64| s.rem_euclid(period);
    assert_ne!(
        offset(sa.proving_period_start),
        offset(sb.proving_period_start)
    );
    h.check_state(&a);
    h.check_state(&b);
}

#[test]
fn bls_worker_address_needs_no_key_query() {
    let h = ActorHarness::default();
    let rt = h.new_runtime();
    let key = bls_key(WORKER.id().unwrap());
    rt.add_id_address(key, WORKER.id().unwrap());
    let mut params = h.constructor_params();
    params.worker = key;
    h.expect_deposit_queries(&rt);
    h.construct(&rt, &params, h.create_miner_deposit(&rt))
        .unwrap();
    assert_eq!(h.info(&rt).worker, WORKER);
    h.check_state(&rt);
}

#[test]
fn rejects_caller_other_than_init() {
    let h = ActorHarness::default();
    let rt = h.new_runtime();
    rt.set_caller(builtin_code_cid(Type::Power), STORAGE_POWER_ACTOR_ADDR);
    rt.expect_validate_caller_addr(vec![fil_actors_runtime::INIT_ACTOR_ADDR]);
    let res = harness::call::<_, ()>(
        &rt,
        fil_actor_miner::Method::Constructor,
        Some(&h.constructor_params()),
    );
    rt.reset();
    expect_abort(ExitCode::USR_FORBIDDEN, "", res);
}

/// Parameter checks come before any query: no send is expected.
fn expect_bad_params(params: fil_actor_miner::MinerConstructorParams, fragment: &str) {
    let h = ActorHarness::default();
    let rt = h.new_runtime();
    let res = h.construct(&rt, &params, TokenAmount::from_whole(10));
    expect_abort(ExitCode::USR_ILLEGAL_ARGUMENT, fragment, res);
}

#[test]
fn rejects_too_many_control_addresses() {
    let h = ActorHarness::default();
    let mut params = h.constructor_params();
    params.control_addresses = (0..11).map(|i| Address::new_id(100 + i)).collect();
    expect_bad_params(
        params,
        "control addresses length 11 exceeds max control addresses length 10",
    );
}

#[test]
fn rejects_oversized_peer_id() {
    let h = ActorHarness::default();
    let mut params = h.constructor_params();
    params.peer_id = vec![1; 129];
    expect_bad_params(params, "peer ID size of 129 exceeds maximum size of 128");
}

#[test]
fn rejects_empty_multiaddr() {
    let h = ActorHarness::default();
    let mut params = h.constructor_params();
    params.multi_addresses = vec![BytesDe(vec![1]), BytesDe(vec![])];
    expect_bad_params(params, "invalid empty multiaddr");
}

#[test]
fn rejects_oversized_multiaddrs() {
    let h = ActorHarness::default();
    let mut params = h.constructor_params();
    params.multi_addresses = vec![BytesDe(vec![1; 1000]), BytesDe(vec![2; 25])];
    expect_bad_params(params, "multiaddr size of 1025 exceeds maximum of 1024");
}

#[test]
fn rejects_disallowed_post_proof_type() {
    let h = ActorHarness::default();
    let mut params = h.constructor_params();
    params.window_post_proof_type = RegisteredPoStProof::StackedDRGWinning32GiBV1;
    expect_bad_params(params, "not allowed for new miner actors");
}

#[test]
fn rejects_value_below_deposit() {
    let h = ActorHarness::default();
    let rt = h.new_runtime();
    let deposit = h.create_miner_deposit(&rt);
    h.expect_deposit_queries(&rt);
    let res = h.construct(
        &rt,
        &h.constructor_params(),
        &deposit - TokenAmount::from_atto(1),
    );
    expect_abort(
        ExitCode::USR_INSUFFICIENT_FUNDS,
        "not enough balance to lock for create miner deposit",
        res,
    );
}

/// Address failures come after the deposit queries.
fn expect_bad_address(
    rt: &fil_actors_runtime::test_utils::MockRuntime,
    params: fil_actor_miner::MinerConstructorParams,
    fragment: &str,
) {
    let h = ActorHarness::default();
    h.expect_deposit_queries(rt);
    let res = h.construct(rt, &params, h.create_miner_deposit(rt));
    expect_abort(ExitCode::USR_ILLEGAL_ARGUMENT, fragment, res);
}

#[test]
fn rejects_unresolvable_owner() {
    let h = ActorHarness::default();
    let rt = h.new_runtime();
    let mut params = h.constructor_params();
    params.owner = bls_key(1);
    expect_bad_address(&rt, params, "unable to resolve owner address");
}

#[test]
fn rejects_worker_that_is_not_an_account() {
    let h = ActorHarness::default();
    let rt = h.new_runtime();
    let msig = Address::new_id(140);
    rt.actor_code_cids
        .borrow_mut()
        .insert(140, builtin_code_cid(Type::Multisig));
    let mut params = h.constructor_params();
    params.worker = msig;
    expect_bad_address(&rt, params, "worker actor type must be an account");
}

#[test]
fn rejects_worker_without_bls_key() {
    let h = ActorHarness::default();
    let rt = h.new_runtime();
    h.expect_deposit_queries(&rt);
    let secp = Address::new_secp256k1(&[3; 65]).unwrap();
    rt.expect_send_simple(
        WORKER,
        fil_actor_miner::ext::account::PUBKEY_ADDRESS_METHOD,
        None,
        TokenAmount::from_atto(0),
        fvm_ipld_encoding::ipld_block::IpldBlock::serialize_cbor(&secp).unwrap(),
        ExitCode::OK,
    );
    let res = h.construct(&rt, &h.constructor_params(), h.create_miner_deposit(&rt));
    expect_abort(ExitCode::USR_ILLEGAL_ARGUMENT, "must have BLS pubkey", res);
}

#[test]
fn rejects_unresolvable_control_address() {
    let h = ActorHarness::default();
    let rt = h.new_runtime();
    h.expect_deposit_queries(&rt);
    h.expect_pubkey_query(&rt, WORKER);
    let mut params = h.constructor_params();
    params.control_addresses = vec![bls_key(2)];
    let res = h.construct(&rt, &params, h.create_miner_deposit(&rt));
    expect_abort(
        ExitCode::USR_ILLEGAL_ARGUMENT,
        "unable to resolve control address",
        res,
    );
}
