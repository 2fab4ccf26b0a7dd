//! `RemoveVerifiedClientDataCap`: the root key removes a client's datacap on two different
//! verifiers' signed proposals; each signature is checked by the verifier's account and is good
//! for one removal only. Forged signatures and every refusal change nothing.

mod harness;

use fil_actor_verifreg::ext::account::AuthenticateMessageParams;
use fil_actor_verifreg::{
    AddrPairKey, Method, RemoveDataCapParams, RemoveDataCapProposal, RemoveDataCapProposalID,
    RemoveDataCapRequest, RemoveDataCapReturn,
};
use fil_actors_runtime::test_utils::{expect_abort, expect_code, ExpectedSend, MockRuntime};
use fil_actors_runtime::{Type, VERIFIED_REGISTRY_ACTOR_ADDR};
use fvm_ipld_encoding::ipld_block::IpldBlock;
use fvm_ipld_encoding::to_vec;
use fvm_shared::address::Address;
use fvm_shared::crypto::signature::Signature;
use fvm_shared::econ::TokenAmount;
use fvm_shared::error::ExitCode;
use fvm_shared::sys::SendFlags;
use harness::*;

fn setup_with_verifiers() -> MockRuntime {
    let rt = setup();
    add_verifier(&rt, VERIFIER, 10_000);
    add_verifier(&rt, VERIFIER2, 10_000);
    rt
}

fn signature(verifier: Address, proposal_id: u64) -> Signature {
    Signature::new_secp256k1(vec![id(&verifier) as u8, proposal_id as u8, 0xee])
}

fn request(verifier: Address, proposal_id: u64) -> RemoveDataCapRequest {
    RemoveDataCapRequest {
        verifier,
        signature: signature(verifier, proposal_id),
    }
}

/// The registry asks `verifier`'s account to authenticate its signature over the proposal,
/// which the account answers with `answer` (or aborts with `code`).
fn expect_authenticate(
    rt: &MockRuntime,
    verifier: Address,
    client: Address,
    amount: i64,
    proposal_id: u64,
    answer: Option<bool>,
    code: ExitCode,
) {
    let proposal = RemoveDataCapProposal {
        verified_client: client,
        data_cap_amount: dc(amount),
        removal_proposal_id: RemoveDataCapProposalID { id: proposal_id },
    };
    // The domain separation tag, then the proposal's CBOR.
    let mut message = b"fil_removedatacap:".to_vec();
    message.extend(to_vec(&proposal).unwrap());
    let params = AuthenticateMessageParams {
        signature: signature(verifier, proposal_id).bytes,
        message,
    };
    rt.expect_send(ExpectedSend {
        to: verifier,
        method: AUTHENTICATE_METHOD,
        params: IpldBlock::serialize_cbor(&params).unwrap(),
        value: TokenAmount::from_atto(0),
        gas_limit: None,
        flags: SendFlags::READ_ONLY,
        return_data: answer.map(|a| IpldBlock::serialize_cbor(&a).unwrap().unwrap()),
        exit_code: code,
        send_error: None,
    });
}

fn remove(
    rt: &MockRuntime,
    client: Address,
    amount: i64,
    r1: RemoveDataCapRequest,
    r2: RemoveDataCapRequest,
) -> Result<RemoveDataCapReturn, fil_actors_runtime::ActorError> {
    caller(rt, Type::Account, ROOT);
    let params = RemoveDataCapParams {
        verified_client_to_remove: client,
        data_cap_amount_to_remove: dc(amount),
        verifier_request_1: r1,
        verifier_request_2: r2,
    };
    call(rt, Method::RemoveVerifiedClientDataCap, &params)
}

fn proposal_id(rt: &MockRuntime, verifier: Address, client: Address) -> Option<u64> {
    state(rt)
        .load_proposal_ids(&rt.store)
        .unwrap()
        .get(&AddrPairKey { verifier, client })
        .unwrap()
        .map(|p| p.id)
}

#[test]
fn two_verifiers_signatures_remove_datacap_once_each() {
    let rt = setup_with_verifiers();
    rt.expect_validate_caller_addr(vec![ROOT]);
    expect_authenticate(&rt, VERIFIER, CLIENT, 300, 0, Some(true), ExitCode::OK);
    expect_authenticate(&rt, VERIFIER2, CLIENT, 300, 0, Some(true), ExitCode::OK);
    expect_balance(&rt, CLIENT, 1000);
    expect_destroy(&rt, CLIENT, 300);
    let ret = remove(
        &rt,
        CLIENT,
        300,
        request(VERIFIER, 0),
        request(VERIFIER2, 0),
    )
    .unwrap();
    rt.verify();
    assert_eq!(
        ret,
        RemoveDataCapReturn {
            verified_client: CLIENT,
            data_cap_removed: dc(300)
        }
    );
    assert_eq!(proposal_id(&rt, VERIFIER, CLIENT), Some(1));
    assert_eq!(proposal_id(&rt, VERIFIER2, CLIENT), Some(1));
    assert_eq!(proposal_id(&rt, VERIFIER, CLIENT2), None);
    assert_invariants(&rt);

    // The next removal needs signatures over the next proposal ID; asking for more than the
    // client holds removes what it holds. The client may be named by its key address.
    let key = Address::new_bls(&[8; 48]).unwrap();
    rt.add_id_address(key, id(&CLIENT));
    rt.expect_validate_caller_addr(vec![ROOT]);
    expect_authenticate(&rt, VERIFIER2, CLIENT, 5000, 1, Some(true), ExitCode::OK);
    expect_authenticate(&rt, VERIFIER, CLIENT, 5000, 1, Some(true), ExitCode::OK);
    expect_balance(&rt, CLIENT, 700);
    expect_destroy(&rt, CLIENT, 700);
    let ret = remove(&rt, key, 5000, request(VERIFIER2, 1), request(VERIFIER, 1)).unwrap();
    rt.verify();
    assert_eq!(
        ret,
        RemoveDataCapReturn {
            verified_client: CLIENT,
            data_cap_removed: dc(700)
        }
    );
    assert_eq!(proposal_id(&rt, VERIFIER, CLIENT), Some(2));
    assert_eq!(proposal_id(&rt, VERIFIER2, CLIENT), Some(2));
    assert_invariants(&rt);
}

#[test]
fn forged_or_replayed_signatures_change_nothing() {
    let rt = setup_with_verifiers();
    let before = state(&rt);
    // The first verifier's account rejects the signature: its exit code comes back.
    rt.expect_validate_caller_addr(vec![ROOT]);
    expect_authenticate(
        &rt,
        VERIFIER,
        CLIENT,
        300,
        0,
        None,
        ExitCode::USR_ILLEGAL_ARGUMENT,
    );
    expect_abort(
        ExitCode::USR_ILLEGAL_ARGUMENT,
        "proposal authentication by f0201 failed",
        remove(
            &rt,
            CLIENT,
            300,
            request(VERIFIER, 0),
            request(VERIFIER2, 0),
        ),
    );
    rt.verify();
    // The second's account answers false.
    rt.expect_validate_caller_addr(vec![ROOT]);
    expect_authenticate(&rt, VERIFIER, CLIENT, 300, 0, Some(true), ExitCode::OK);
    expect_authenticate(&rt, VERIFIER2, CLIENT, 300, 0, Some(false), ExitCode::OK);
    expect_abort(
        ExitCode::USR_ILLEGAL_ARGUMENT,
        "proposal authentication by f0202 failed",
        remove(
            &rt,
            CLIENT,
            300,
            request(VERIFIER, 0),
            request(VERIFIER2, 0),
        ),
    );
    rt.verify();
    assert_eq!(state(&rt), before);

    // A signature over an old proposal ID is checked against the current one and fails.
    rt.expect_validate_caller_addr(vec![ROOT]);
    expect_authenticate(&rt, VERIFIER, CLIENT, 300, 0, Some(true), ExitCode::OK);
    expect_authenticate(&rt, VERIFIER2, CLIENT, 300, 0, Some(true), ExitCode::OK);
    expect_balance(&rt, CLIENT, 300);
    expect_destroy(&rt, CLIENT, 300);
    remove(
        &rt,
        CLIENT,
        300,
        request(VERIFIER, 0),
        request(VERIFIER2, 0),
    )
    .unwrap();
    rt.verify();
    let after_first = state(&rt);
    rt.expect_validate_caller_addr(vec![ROOT]);
    // The replayed bytes are sent with the proposal for ID 1, which they do not sign.
    rt.expect_send(ExpectedSend {
        to: VERIFIER,
        method: AUTHENTICATE_METHOD,
        params: IpldBlock::serialize_cbor(&AuthenticateMessageParams {
            signature: signature(VERIFIER, 0).bytes,
            message: [
                b"fil_removedatacap:".to_vec(),
                to_vec(&RemoveDataCapProposal {
                    verified_client: CLIENT,
                    data_cap_amount: dc(300),
                    removal_proposal_id: RemoveDataCapProposalID { id: 1 },
                })
                .unwrap(),
            ]
            .concat(),
        })
        .unwrap(),
        value: TokenAmount::from_atto(0),
        gas_limit: None,
        flags: SendFlags::READ_ONLY,
        return_data: None,
        exit_code: ExitCode::USR_ILLEGAL_ARGUMENT,
        send_error: None,
    });
    expect_code(
        remove(
            &rt,
            CLIENT,
            300,
            request(VERIFIER, 0),
            request(VERIFIER2, 0),
        ),
        ExitCode::USR_ILLEGAL_ARGUMENT,
    );
    rt.verify();
    assert_eq!(state(&rt), after_first);
    assert_invariants(&rt);
}

#[test]
fn removal_refusals_change_nothing() {
    let rt = setup_with_verifiers();
    let before = state(&rt);
    // The same verifier twice (checked before the caller).
    expect_abort(
        ExitCode::USR_ILLEGAL_ARGUMENT,
        "two different verifiers",
        remove(&rt, CLIENT, 1, request(VERIFIER, 0), request(VERIFIER, 0)),
    );
    // Not the root key.
    caller(&rt, Type::Account, VERIFIER);
    rt.expect_validate_caller_addr(vec![ROOT]);
    let params = RemoveDataCapParams {
        verified_client_to_remove: CLIENT,
        data_cap_amount_to_remove: dc(1),
        verifier_request_1: request(VERIFIER, 0),
        verifier_request_2: request(VERIFIER2, 0),
    };
    expect_code(
        call::<_, RemoveDataCapReturn>(&rt, Method::RemoveVerifiedClientDataCap, &params),
        ExitCode::USR_FORBIDDEN,
    );
    rt.verify();
    // The registry itself.
    rt.expect_validate_caller_addr(vec![ROOT]);
    expect_abort(
        ExitCode::USR_ILLEGAL_ARGUMENT,
        "verified registry itself",
        remove(
            &rt,
            VERIFIED_REGISTRY_ACTOR_ADDR,
            1,
            request(VERIFIER, 0),
            request(VERIFIER2, 0),
        ),
    );
    rt.verify();
    // A verifier that is not one (CLIENT2 is an account, no verifier).
    rt.expect_validate_caller_addr(vec![ROOT]);
    expect_abort(
        ExitCode::USR_NOT_FOUND,
        "f0302 is not a verifier",
        remove(&rt, CLIENT, 1, request(VERIFIER, 0), request(CLIENT2, 0)),
    );
    rt.verify();
    // A verifier of no actor.
    expect_abort(
        ExitCode::USR_NOT_FOUND,
        "no code for address f0999",
        remove(
            &rt,
            CLIENT,
            1,
            request(VERIFIER, 0),
            request(Address::new_id(999), 0),
        ),
    );
    assert_eq!(state(&rt), before);
    assert_invariants(&rt);
}
