//! Control and info: worker, owner, peer and beneficiary changes and the exported getters.

mod harness;

use fil_actor_miner::{ChangeWorkerAddressParams, PendingBeneficiaryChange, WorkerKeyChange};
use fil_actors_runtime::test_utils::expect_abort;
use fvm_ipld_encoding::BytesDe;
use fvm_shared::address::Address;
use fvm_shared::econ::TokenAmount;
use fvm_shared::error::ExitCode;
use fvm_shared::sector::SectorSize;
use harness::*;

const NEW_WORKER: Address = Address::new_id(110);
const NOMINEE: Address = Address::new_id(111);

#[test]
fn getters_report_info() {
    let h = ActorHarness::default();
    let rt = h.setup();
    let ctrl = h.control_addresses(&rt);
    assert_eq!((ctrl.owner, ctrl.worker), (OWNER, WORKER));
    assert_eq!(ctrl.control_addresses, vec![CONTROL_1, CONTROL_2]);
    let owner = h.get_owner(&rt);
    assert_eq!((owner.owner, owner.proposed), (OWNER, None));
    assert_eq!(h.get_sector_size(&rt).sector_size, SectorSize::_32GiB);
    assert_eq!(h.get_peer_id(&rt).peer_id, b"peer".to_vec());
    assert_eq!(h.get_multiaddrs(&rt).multi_addrs, h.multiaddrs);
    let ben = h.get_beneficiary(&rt);
    assert_eq!(ben.active.beneficiary, OWNER);
    assert_eq!(ben.proposed, None);
    for a in [OWNER, WORKER, CONTROL_1, CONTROL_2] {
        assert!(h.is_controlling_address(&rt, a));
    }
    assert!(!h.is_controlling_address(&rt, OTHER));
    // An unknown address is not controlling; a key address resolving to the owner is.
    assert!(!h.is_controlling_address(&rt, bls_key(1)));
    rt.add_id_address(bls_key(100), 100);
    assert!(h.is_controlling_address(&rt, bls_key(100)));
    h.check_state(&rt);
}

#[test]
fn worker_change_takes_effect_after_delay() {
    let h = ActorHarness::default();
    let rt = h.setup();
    let params = ChangeWorkerAddressParams {
        new_worker: NEW_WORKER,
        new_control_addresses: vec![CONTROL_2],
    };
    h.change_worker_address(&rt, OWNER, params).unwrap();
    let effective_at = START_EPOCH + rt.policy.worker_key_change_delay;
    let info = h.info(&rt);
    assert_eq!(info.control_addresses, vec![CONTROL_2]);
    assert_eq!(
        info.pending_worker_key,
        Some(WorkerKeyChange {
            new_worker: NEW_WORKER,
            effective_at
        })
    );
    assert_eq!(info.worker, WORKER);

    // Too early: nothing changes.
    rt.set_epoch(effective_at - 1);
    h.confirm_change_worker_address(&rt, OWNER).unwrap();
    assert_eq!(h.info(&rt).worker, WORKER);

    rt.set_epoch(effective_at);
    h.confirm_change_worker_address(&rt, OWNER).unwrap();
    let info = h.info(&rt);
    assert_eq!((info.worker, info.pending_worker_key), (NEW_WORKER, None));
    // With nothing pending, confirming changes nothing.
    h.confirm_change_worker_address(&rt, OWNER).unwrap();
    assert_eq!(h.info(&rt).worker, NEW_WORKER);
    h.check_state(&rt);
}

#[test]
fn worker_change_rejections() {
    let h = ActorHarness::default();
    let rt = h.setup();
    let before = rt.state.get();
    let res = h.change_worker_address(
        &rt,
        WORKER,
        ChangeWorkerAddressParams {
            new_worker: NEW_WORKER,
            new_control_addresses: vec![],
        },
    );
    expect_abort(ExitCode::USR_FORBIDDEN, "", res);
    let res = h.change_worker_address(
        &rt,
        OWNER,
        ChangeWorkerAddressParams {
            new_worker: NEW_WORKER,
            new_control_addresses: (0..11).map(|i| Address::new_id(100 + i)).collect(),
        },
    );
    expect_abort(
        ExitCode::USR_ILLEGAL_ARGUMENT,
        "exceeds max control addresses",
        res,
    );
    let res = h.confirm_change_worker_address(&rt, WORKER);
    expect_abort(ExitCode::USR_FORBIDDEN, "", res);
    assert_eq!(rt.state.get(), before);
    h.check_state(&rt);
}

#[test]
fn owner_change_needs_nominee_confirmation() {
    let h = ActorHarness::default();
    let rt = h.setup();
    h.change_owner_address(&rt, OWNER, OWNER, NOMINEE).unwrap();
    assert_eq!(h.get_owner(&rt).proposed, Some(NOMINEE));
    // The nominee must confirm with its own address.
    let res = h.change_owner_address(&rt, NOMINEE, NOMINEE, OTHER);
    expect_abort(
        ExitCode::USR_ILLEGAL_ARGUMENT,
        "expected confirmation of f0111 got f0120",
        res,
    );
    let res = h.change_owner_address(&rt, OTHER, NOMINEE, NOMINEE);
    expect_abort(ExitCode::USR_FORBIDDEN, "", res);
    h.change_owner_address(&rt, NOMINEE, NOMINEE, NOMINEE)
        .unwrap();
    let info = h.info(&rt);
    assert_eq!((info.owner, info.pending_owner_address), (NOMINEE, None));
    // The old owner was the beneficiary, so the new one is.
    assert_eq!(info.beneficiary, NOMINEE);
    h.check_state(&rt);
}

#[test]
fn owner_proposal_can_be_withdrawn_and_needs_id_address() {
    let h = ActorHarness::default();
    let rt = h.setup();
    h.change_owner_address(&rt, OWNER, OWNER, NOMINEE).unwrap();
    h.change_owner_address(&rt, OWNER, OWNER, OWNER).unwrap();
    assert_eq!(h.get_owner(&rt).proposed, None);
    let res = h.change_owner_address(&rt, WORKER, OWNER, NOMINEE);
    expect_abort(ExitCode::USR_FORBIDDEN, "", res);
    let res = h.change_owner_address(&rt, OWNER, OWNER, bls_key(5));
    expect_abort(
        ExitCode::USR_ILLEGAL_ARGUMENT,
        "owner address must be an ID address",
        res,
    );
    h.check_state(&rt);
}

#[test]
fn peer_id_and_multiaddrs_changes() {
    let h = ActorHarness::default();
    let rt = h.setup();
    h.change_peer_id(&rt, CONTROL_1, b"new".to_vec()).unwrap();
    assert_eq!(h.get_peer_id(&rt).peer_id, b"new".to_vec());
    let addrs = vec![BytesDe(vec![9; 3])];
    h.change_multiaddrs(&rt, WORKER, addrs.clone()).unwrap();
    assert_eq!(h.get_multiaddrs(&rt).multi_addrs, addrs);

    expect_abort(
        ExitCode::USR_FORBIDDEN,
        "",
        h.change_peer_id(&rt, OTHER, vec![1]),
    );
    expect_abort(
        ExitCode::USR_FORBIDDEN,
        "",
        h.change_multiaddrs(&rt, OTHER, addrs),
    );
    let res = h.change_peer_id(&rt, OWNER, vec![0; 129]);
    expect_abort(ExitCode::USR_ILLEGAL_ARGUMENT, "peer ID size of 129", res);
    let res = h.change_multiaddrs(&rt, OWNER, vec![BytesDe(vec![])]);
    expect_abort(
        ExitCode::USR_ILLEGAL_ARGUMENT,
        "invalid empty multiaddr",
        res,
    );
    assert_eq!(h.get_peer_id(&rt).peer_id, b"new".to_vec());
    h.check_state(&rt);
}

#[test]
fn beneficiary_change_needs_nominee_approval() {
    let h = ActorHarness::default();
    let rt = h.setup();
    let quota = TokenAmount::from_whole(5);
    h.change_beneficiary(&rt, OWNER, NOMINEE, quota.clone(), 5000)
        .unwrap();
    // The owner is the current beneficiary with no term, so only the nominee must approve.
    let mut expected = PendingBeneficiaryChange::new(NOMINEE, quota.clone(), 5000);
    expected.approved_by_beneficiary = true;
    assert_eq!(h.get_beneficiary(&rt).proposed, Some(expected));

    let res = h.change_beneficiary(&rt, NOMINEE, NOMINEE, quota.clone(), 5001);
    expect_abort(
        ExitCode::USR_ILLEGAL_ARGUMENT,
        "expire date must be equal",
        res,
    );
    let res = h.change_beneficiary(&rt, NOMINEE, NOMINEE, TokenAmount::from_whole(6), 5000);
    expect_abort(ExitCode::USR_ILLEGAL_ARGUMENT, "quota must be equal", res);
    let res = h.change_beneficiary(&rt, NOMINEE, OTHER, quota.clone(), 5000);
    expect_abort(ExitCode::USR_ILLEGAL_ARGUMENT, "address must be equal", res);
    let res = h.change_beneficiary(&rt, OTHER, NOMINEE, quota.clone(), 5000);
    expect_abort(ExitCode::USR_FORBIDDEN, "neither proposal beneficiary", res);

    h.change_beneficiary(&rt, NOMINEE, NOMINEE, quota.clone(), 5000)
        .unwrap();
    let ben = h.get_beneficiary(&rt);
    assert_eq!(ben.active.beneficiary, NOMINEE);
    assert_eq!(ben.active.term.quota, quota);
    assert_eq!(ben.active.term.expiration, 5000);
    assert_eq!(ben.proposed, None);
    h.check_state(&rt);
}

#[test]
fn beneficiary_proposal_rejections() {
    let h = ActorHarness::default();
    let rt = h.setup();
    let res = h.change_beneficiary(&rt, NOMINEE, NOMINEE, TokenAmount::from_whole(1), 10);
    expect_abort(
        ExitCode::USR_FORBIDDEN,
        "No changeBeneficiary proposal exists",
        res,
    );
    let res = h.change_beneficiary(&rt, OWNER, NOMINEE, TokenAmount::from_atto(0), 10);
    expect_abort(ExitCode::USR_ILLEGAL_ARGUMENT, "must bigger than zero", res);
    let res = h.change_beneficiary(&rt, OWNER, OWNER, TokenAmount::from_atto(1), 0);
    expect_abort(
        ExitCode::USR_ILLEGAL_ARGUMENT,
        "owner beneficial quota",
        res,
    );
    let res = h.change_beneficiary(&rt, OWNER, OWNER, TokenAmount::from_atto(0), 7);
    expect_abort(
        ExitCode::USR_ILLEGAL_ARGUMENT,
        "owner beneficial expiration",
        res,
    );
    let res = h.change_beneficiary(&rt, OWNER, bls_key(9), TokenAmount::from_atto(1), 7);
    expect_abort(
        ExitCode::USR_ILLEGAL_ARGUMENT,
        "unable to resolve address",
        res,
    );
    assert_eq!(h.get_beneficiary(&rt).proposed, None);
    h.check_state(&rt);
}
