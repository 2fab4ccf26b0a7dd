//! Malformed parameters to every method: bytes that are not the method's CBOR are
//! `USR_SERIALIZATION`, a missing block `USR_ILLEGAL_ARGUMENT`; internal numbers are refused to
//! user actors and the retired numbers 5 and 6 are unknown. Nothing changes.

mod harness;

use fil_actor_verifreg::{Actor, Method};
use fil_actors_runtime::test_utils::{expect_code, user_code_cid};
use fil_actors_runtime::Type;
use fvm_ipld_encoding::ipld_block::IpldBlock;
use fvm_shared::address::Address;
use fvm_shared::error::ExitCode;
use fvm_shared::MethodNum;
use harness::*;

const EVERY_METHOD: [Method; 16] = [
    Method::Constructor,
    Method::AddVerifier,
    Method::RemoveVerifier,
    Method::AddVerifiedClient,
    Method::RemoveVerifiedClientDataCap,
    Method::RemoveExpiredAllocations,
    Method::ClaimAllocations,
    Method::GetClaims,
    Method::ExtendClaimTerms,
    Method::RemoveExpiredClaims,
    Method::AddVerifiedClientExported,
    Method::RemoveExpiredAllocationsExported,
    Method::GetClaimsExported,
    Method::ExtendClaimTermsExported,
    Method::RemoveExpiredClaimsExported,
    Method::UniversalReceiverHook,
];

#[test]
fn malformed_parameters_to_every_method() {
    let rt = setup();
    add_verifier(&rt, VERIFIER, 1000);
    let before = state(&rt);
    caller(&rt, Type::Account, ROOT);
    for method in EVERY_METHOD {
        // A CBOR map where a tuple, an address or a byte string is expected.
        let garbage =
            IpldBlock::serialize_cbor(&std::collections::BTreeMap::from([(1u8, 2u8)])).unwrap();
        expect_code(
            rt.call::<Actor>(method as MethodNum, garbage),
            ExitCode::USR_SERIALIZATION,
        );
        expect_code(
            rt.call::<Actor>(method as MethodNum, None),
            ExitCode::USR_ILLEGAL_ARGUMENT,
        );
        // Truncated CBOR.
        let truncated = Some(IpldBlock {
            codec: fvm_ipld_encoding::CBOR,
            data: vec![0x86, 0x01],
        });
        expect_code(
            rt.call::<Actor>(method as MethodNum, truncated),
            ExitCode::USR_SERIALIZATION,
        );
    }
    for retired in [5u64, 6, 13] {
        expect_code(
            rt.call::<Actor>(retired, None),
            ExitCode::USR_UNHANDLED_MESSAGE,
        );
    }
    rt.verify();
    assert_eq!(state(&rt), before);
    assert_invariants(&rt);
}

#[test]
fn internal_numbers_are_refused_to_user_actors_and_exported_ones_are_not() {
    let rt = setup();
    let contract = Address::new_id(1234);
    rt.set_caller(user_code_cid("contract"), contract);
    let before = state(&rt);
    for method in [
        Method::AddVerifiedClient,
        Method::GetClaims,
        Method::ClaimAllocations,
    ] {
        expect_code(
            rt.call::<Actor>(
                method as MethodNum,
                IpldBlock::serialize_cbor(&0u8).unwrap(),
            ),
            ExitCode::USR_FORBIDDEN,
        );
    }
    rt.expect_validate_caller_any();
    let ret: fil_actor_verifreg::GetClaimsReturn = call(
        &rt,
        Method::GetClaimsExported,
        &fil_actor_verifreg::GetClaimsParams {
            provider: id(&PROVIDER),
            claim_ids: vec![],
        },
    )
    .unwrap();
    assert_eq!(ret.claims, vec![]);
    rt.verify();
    assert_eq!(state(&rt), before);
    assert_invariants(&rt);
}
