//! Bad input to the verified registry and the datacap token on both engines: forged signatures
//! on a datacap removal, allocation requests outside each of the policy's bounds, malformed
//! parameters to the methods of both actors, and malformed or refused parameters to the methods
//! only the root key may call (reached, as v18 reaches them, through an approved proposal whose
//! return carries their exit code). Each gets v18's exit code and changes
//! neither actor's state; the engines agree on every code and on the state root.

use crate::malformed::{encoded, malformed, malformed_codes, raw_bytes, raw_msg, Form};
use cid::Cid;
use fil_actor_datacap::Method as DatacapMethod;
use fil_actor_verifreg::{
    AllocationRequest, AllocationRequests, ClaimExtensionRequest, Method as VerifregMethod,
    RemoveDataCapParams, RemoveDataCapProposal, RemoveDataCapProposalID, RemoveDataCapRequest,
    RemoveDataCapReturn, VerifierParams, SIGNATURE_DOMAIN_SEPARATION_REMOVE_DATA_CAP,
};
use fil_actors_integration_tests::keys::SecpKey;
use fil_actors_integration_tests::miner::{apply_ok, create_miner, piece_cid, policy};
use fil_actors_integration_tests::on_both_engines;
use fil_actors_integration_tests::verified::{
    add_verified_client, add_verifier, datacap_balance, datacap_supply, datacap_tokens, id_of,
    transfer_to_registry_msg,
};
use fil_actors_runtime::builtin::{
    DATACAP_TOKEN_ACTOR_ADDR, DATACAP_TOKEN_ACTOR_ID, VERIFIED_REGISTRY_ACTOR_ADDR,
    VERIFIED_REGISTRY_ACTOR_ID,
};
use fvm_ipld_encoding::{to_vec, RawBytes};
use fvm_shared::address::Address;
use fvm_shared::crypto::signature::Signature;
use fvm_shared::econ::TokenAmount;
use fvm_shared::error::ExitCode;
use fvm_shared::piece::PaddedPieceSize;
use fvm_shared::sector::StoragePower;
use fvm_shared::{ActorID, MethodNum, METHOD_SEND};
use test_vm::genesis::genesis;
use test_vm::root_key::RootKey;
use test_vm::{ActorState, Msg, VM};

fn fil(n: u64) -> TokenAmount {
    TokenAmount::from_whole(n)
}

/// The client's datacap.
const CLIENT_DATACAP: u64 = 8192;

/// A network with two verifiers whose secp256k1 keys the test holds, a client they made (with
/// [`CLIENT_DATACAP`]), a miner and an unrelated account.
struct Scene {
    root: RootKey,
    keys: [SecpKey; 2],
    verifiers: [(Address, ActorID); 2],
    client: (Address, ActorID),
    stranger: Address,
    provider: ActorID,
}

fn scene(vm: &mut dyn VM) -> Scene {
    let g = genesis(vm, &[fil(10_000), fil(100), fil(100)]).unwrap();
    let (funder, _) = g.accounts[0];
    let keys = [
        SecpKey::from_seed(11).unwrap(),
        SecpKey::from_seed(12).unwrap(),
    ];
    let verifiers = keys.each_ref().map(|key| {
        let address = key.address().unwrap();
        apply_ok(vm, &Msg::new(funder, address, METHOD_SEND).value(fil(10))).unwrap();
        add_verifier(vm, &address, &StoragePower::from(1u64 << 20)).unwrap();
        (address, id_of(vm, &address).unwrap())
    });
    let client = g.accounts[1];
    add_verified_client(
        vm,
        &verifiers[0].0,
        &client.0,
        &StoragePower::from(CLIENT_DATACAP),
    )
    .unwrap();
    let m = create_miner(vm, funder, 1, fil(10)).unwrap();
    Scene {
        root: g.verifreg_root,
        keys,
        verifiers,
        client,
        stranger: g.accounts[2].0,
        provider: m.miner_id,
    }
}

/// The registry's and the token's actors (head and balance).
fn heads(vm: &dyn VM) -> (Option<ActorState>, Option<ActorState>) {
    (
        vm.actor(VERIFIED_REGISTRY_ACTOR_ID).unwrap(),
        vm.actor(DATACAP_TOKEN_ACTOR_ID).unwrap(),
    )
}

/// Applies `msg`, which must leave both actors as they were; returns its exit code.
fn unchanged(vm: &mut dyn VM, msg: &Msg, what: &str) -> ExitCode {
    let before = heads(vm);
    let code = vm.apply(msg).unwrap().code;
    assert_eq!(
        heads(vm),
        before,
        "{what} changed the registry or the token"
    );
    code
}

/// `signer`'s signature approving the removal of `amount` of the client's datacap under
/// counter `id`.
fn signed_proposal(s: &Scene, signer: &SecpKey, amount: u64, id: u64) -> Signature {
    let proposal = RemoveDataCapProposal {
        verified_client: Address::new_id(s.client.1),
        data_cap_amount: StoragePower::from(amount),
        removal_proposal_id: RemoveDataCapProposalID { id },
    };
    let mut message = SIGNATURE_DOMAIN_SEPARATION_REMOVE_DATA_CAP.to_vec();
    message.extend(to_vec(&proposal).unwrap());
    signer.sign(&message).unwrap()
}

/// The root key sends `RemoveVerifiedClientDataCap` for `amount` with the two signatures by
/// verifiers `who`; returns the registry's exit code and return.
fn remove(
    vm: &mut dyn VM,
    s: &Scene,
    who: [usize; 2],
    amount: u64,
    signatures: [Signature; 2],
) -> (ExitCode, RawBytes) {
    let [signature_1, signature_2] = signatures;
    let params = RemoveDataCapParams {
        verified_client_to_remove: s.client.0,
        data_cap_amount_to_remove: StoragePower::from(amount),
        verifier_request_1: RemoveDataCapRequest {
            verifier: s.verifiers[who[0]].0,
            signature: signature_1,
        },
        verifier_request_2: RemoveDataCapRequest {
            verifier: s.verifiers[who[1]].0,
            signature: signature_2,
        },
    };
    s.root
        .act(
            vm,
            VERIFIED_REGISTRY_ACTOR_ADDR,
            VerifregMethod::RemoveVerifiedClientDataCap as MethodNum,
            RawBytes::serialize(params).unwrap(),
        )
        .unwrap()
}

#[test]
fn forged_removal_signatures_are_refused_and_change_nothing() {
    let (native, fvm) = on_both_engines(|vm| {
        let s = scene(vm);
        let [k1, k2] = &s.keys;
        let sign = |key: &SecpKey, amount: u64, id: u64| signed_proposal(&s, key, amount, id);
        let forged: Vec<(&str, [usize; 2], [Signature; 2])> = vec![
            // Verifier 1's key signs for verifier 2.
            (
                "the second request signed by the first verifier's key",
                [0, 1],
                [sign(k1, 1024, 0), sign(k1, 1024, 0)],
            ),
            (
                "signatures over another amount",
                [0, 1],
                [sign(k1, 2048, 0), sign(k2, 2048, 0)],
            ),
            (
                "signatures over the next counter",
                [0, 1],
                [sign(k1, 1024, 1), sign(k2, 1024, 1)],
            ),
            (
                "one verifier twice",
                [0, 0],
                [sign(k1, 1024, 0), sign(k1, 1024, 0)],
            ),
            (
                "65 zero bytes",
                [0, 1],
                [Signature::new_secp256k1(vec![0; 65]), sign(k2, 1024, 0)],
            ),
        ];
        let mut codes = Vec::new();
        for (what, who, signatures) in forged {
            let before = heads(vm);
            let (code, _) = remove(vm, &s, who, 1024, signatures);
            assert_eq!(heads(vm), before, "{what}");
            codes.push(code);
        }
        assert_eq!(
            datacap_balance(vm, s.client.1).unwrap(),
            datacap_tokens(CLIENT_DATACAP)
        );

        // Both verifiers' genuine signatures over counter 0 remove the datacap, once.
        let genuine = || [sign(k1, 1024, 0), sign(k2, 1024, 0)];
        let (code, ret) = remove(vm, &s, [0, 1], 1024, genuine());
        assert_eq!(code, ExitCode::OK);
        assert_eq!(
            ret.deserialize::<RemoveDataCapReturn>().unwrap(),
            RemoveDataCapReturn {
                verified_client: Address::new_id(s.client.1),
                data_cap_removed: StoragePower::from(1024),
            }
        );
        assert_eq!(
            datacap_balance(vm, s.client.1).unwrap(),
            datacap_tokens(CLIENT_DATACAP - 1024)
        );
        assert_eq!(
            datacap_supply(vm).unwrap(),
            datacap_tokens(CLIENT_DATACAP - 1024)
        );
        let before = heads(vm);
        let (replayed, _) = remove(vm, &s, [0, 1], 1024, genuine());
        assert_eq!(heads(vm), before, "a replayed removal");
        codes.push(replayed);
        (codes, vm.state_root().unwrap())
    });
    assert_eq!(native.0, vec![ExitCode::USR_ILLEGAL_ARGUMENT; 6]);
    assert_eq!(native, fvm);
}

#[test]
fn allocation_requests_outside_every_bound_are_refused() {
    let (native, fvm) = on_both_engines(|vm| {
        let s = scene(vm);
        let policy = policy().unwrap();
        let now = vm.epoch();
        let valid = AllocationRequest {
            provider: s.provider,
            data: piece_cid(1),
            size: PaddedPieceSize(2048),
            term_min: policy.minimum_verified_allocation_term,
            term_max: policy.maximum_verified_allocation_term,
            expiration: now + policy.maximum_verified_allocation_expiration,
        };
        let with = |change: &dyn Fn(&mut AllocationRequest)| {
            let mut req = valid.clone();
            change(&mut req);
            AllocationRequests {
                allocations: vec![req],
                extensions: vec![],
            }
        };
        let min_size = u64::try_from(&policy.minimum_verified_allocation_size).unwrap();
        let stranger_id = id_of(vm, &s.stranger).unwrap();
        let cases: Vec<(&str, u64, AllocationRequests)> = vec![
            (
                "a size below the minimum",
                min_size / 2,
                with(&|r| r.size = PaddedPieceSize(min_size / 2)),
            ),
            (
                "a minimum term below the policy's",
                2048,
                with(&|r| r.term_min = policy.minimum_verified_allocation_term - 1),
            ),
            (
                "a maximum term above the policy's",
                2048,
                with(&|r| r.term_max = policy.maximum_verified_allocation_term + 1),
            ),
            (
                "a minimum term above the maximum",
                2048,
                with(&|r| r.term_max = r.term_min - 1),
            ),
            (
                "an expiration in the past",
                2048,
                with(&|r| r.expiration = now - 1),
            ),
            (
                "an expiration past the policy's window",
                2048,
                with(&|r| r.expiration = now + policy.maximum_verified_allocation_expiration + 1),
            ),
            (
                "a provider that is an account",
                2048,
                with(&|r| r.provider = stranger_id),
            ),
            (
                "a provider that is no actor",
                2048,
                with(&|r| r.provider = 9999),
            ),
            ("more datacap than the requests", 4096, with(&|_| {})),
            (
                "an extension of a claim that does not exist",
                2048,
                AllocationRequests {
                    allocations: vec![],
                    extensions: vec![ClaimExtensionRequest {
                        provider: s.provider,
                        claim: 7,
                        term_max: policy.maximum_verified_allocation_term,
                    }],
                },
            ),
            (
                "more datacap than the client holds",
                CLIENT_DATACAP + 2048,
                with(&|_| {}),
            ),
        ];
        let mut codes: Vec<ExitCode> = cases
            .iter()
            .map(|(what, bytes, requests)| {
                let msg = transfer_to_registry_msg(&s.client.0, *bytes, requests).unwrap();
                unchanged(vm, &msg, what)
            })
            .collect();
        // Datacap moves only to or from the registry.
        let mut to_stranger = transfer_to_registry_msg(&s.client.0, 2048, &with(&|_| {})).unwrap();
        to_stranger.params = fvm_ipld_encoding::ipld_block::IpldBlock::serialize_cbor(
            &fil_actor_datacap::TransferParams {
                to: s.stranger,
                amount: datacap_tokens(2048),
                operator_data: RawBytes::default(),
            },
        )
        .unwrap();
        codes.push(unchanged(vm, &to_stranger, "a transfer to an account"));
        assert_eq!(
            datacap_balance(vm, s.client.1).unwrap(),
            datacap_tokens(CLIENT_DATACAP)
        );
        // The valid request at its bounds is accepted.
        let msg = transfer_to_registry_msg(&s.client.0, 2048, &with(&|_| {})).unwrap();
        codes.push(vm.apply(&msg).unwrap().code);
        (codes, vm.state_root().unwrap())
    });
    let mut expected = vec![ExitCode::USR_ILLEGAL_ARGUMENT; 9];
    expected.push(ExitCode::USR_NOT_FOUND);
    expected.push(ExitCode::USR_INSUFFICIENT_FUNDS);
    expected.push(ExitCode::USR_FORBIDDEN);
    expected.push(ExitCode::OK);
    assert_eq!(native.0, expected);
    assert_eq!(native, fvm);
}

/// The verified registry's methods that take parameters (the constructor too: the parameters
/// are decoded before the caller is checked).
const REGISTRY_METHODS: [VerifregMethod; 16] = [
    VerifregMethod::Constructor,
    VerifregMethod::AddVerifier,
    VerifregMethod::RemoveVerifier,
    VerifregMethod::AddVerifiedClient,
    VerifregMethod::RemoveVerifiedClientDataCap,
    VerifregMethod::RemoveExpiredAllocations,
    VerifregMethod::ClaimAllocations,
    VerifregMethod::GetClaims,
    VerifregMethod::ExtendClaimTerms,
    VerifregMethod::RemoveExpiredClaims,
    VerifregMethod::AddVerifiedClientExported,
    VerifregMethod::RemoveExpiredAllocationsExported,
    VerifregMethod::GetClaimsExported,
    VerifregMethod::ExtendClaimTermsExported,
    VerifregMethod::RemoveExpiredClaimsExported,
    VerifregMethod::UniversalReceiverHook,
];

/// The datacap token's methods that take parameters, its constructor included.
const DATACAP_METHODS: [DatacapMethod; 12] = [
    DatacapMethod::Constructor,
    DatacapMethod::MintExported,
    DatacapMethod::DestroyExported,
    DatacapMethod::BalanceExported,
    DatacapMethod::TransferExported,
    DatacapMethod::TransferFromExported,
    DatacapMethod::IncreaseAllowanceExported,
    DatacapMethod::DecreaseAllowanceExported,
    DatacapMethod::RevokeAllowanceExported,
    DatacapMethod::BurnExported,
    DatacapMethod::BurnFromExported,
    DatacapMethod::AllowanceExported,
];

/// The token's methods that take none: any parameters are refused, none answer.
const DATACAP_QUERIES: [DatacapMethod; 4] = [
    DatacapMethod::NameExported,
    DatacapMethod::SymbolExported,
    DatacapMethod::GranularityExported,
    DatacapMethod::TotalSupplyExported,
];

/// Sends every malformed form to each method of `methods` at `to` from the client.
fn send_forms(vm: &mut dyn VM, from: Address, to: Address, methods: &[MethodNum]) -> Vec<ExitCode> {
    let mut codes = Vec::new();
    for &method in methods {
        for (what, params) in malformed() {
            let what = format!("method {method} of {to} with {what}");
            codes.push(unchanged(vm, &raw_msg(from, to, method, &params), &what));
        }
    }
    codes
}

#[test]
fn malformed_parameters_to_both_actors_are_refused() {
    let (native, fvm) = on_both_engines(|vm| {
        let s = scene(vm);
        let registry: Vec<MethodNum> = REGISTRY_METHODS.iter().map(|m| *m as MethodNum).collect();
        let datacap: Vec<MethodNum> = DATACAP_METHODS.iter().map(|m| *m as MethodNum).collect();
        let queries: Vec<MethodNum> = DATACAP_QUERIES.iter().map(|m| *m as MethodNum).collect();
        let codes = [
            send_forms(vm, s.client.0, VERIFIED_REGISTRY_ACTOR_ADDR, &registry),
            send_forms(vm, s.client.0, DATACAP_TOKEN_ACTOR_ADDR, &datacap),
            send_forms(vm, s.client.0, DATACAP_TOKEN_ACTOR_ADDR, &queries),
        ];
        let root: Cid = vm.state_root().unwrap();
        (codes, root)
    });
    let with_params = |n: usize| malformed_codes().repeat(n);
    assert_eq!(native.0[0], with_params(REGISTRY_METHODS.len()));
    assert_eq!(native.0[1], with_params(DATACAP_METHODS.len()));
    let query = [
        ExitCode::USR_ILLEGAL_ARGUMENT,
        ExitCode::USR_ILLEGAL_ARGUMENT,
        ExitCode::USR_ILLEGAL_ARGUMENT,
        ExitCode::OK,
    ];
    assert_eq!(native.0[2], query.repeat(DATACAP_QUERIES.len()));
    assert_eq!(native, fvm);
}

/// Has the root key propose, approve and so send each form to the registry's `method`; each
/// must leave the registry and the token as they were. Returns the registry's exit codes.
fn through_root_key(
    vm: &mut dyn VM,
    s: &Scene,
    method: VerifregMethod,
    forms: Vec<Form>,
) -> Vec<ExitCode> {
    forms
        .iter()
        .map(|(what, params)| {
            let before = heads(vm);
            let (code, _) = s
                .root
                .act(
                    vm,
                    VERIFIED_REGISTRY_ACTOR_ADDR,
                    method as MethodNum,
                    raw_bytes(params),
                )
                .unwrap();
            assert_eq!(heads(vm), before, "{method:?} with {what}");
            code
        })
        .collect()
}

#[test]
fn the_root_keys_methods_refuse_malformed_and_refused_parameters() {
    let (native, fvm) = on_both_engines(|vm| {
        let s = scene(vm);
        let min = u64::try_from(&policy().unwrap().minimum_verified_allocation_size).unwrap();
        let mut add = malformed();
        add.push((
            "an allowance below the smallest allocation",
            encoded(&VerifierParams {
                address: s.stranger,
                allowance: StoragePower::from(min - 1),
            }),
        ));
        add.push((
            "a client holding datacap",
            encoded(&VerifierParams {
                address: s.client.0,
                allowance: StoragePower::from(min),
            }),
        ));
        let mut remove = malformed();
        remove.push(("an account that is no verifier", encoded(&s.stranger)));
        let codes = [
            through_root_key(vm, &s, VerifregMethod::AddVerifier, add),
            through_root_key(vm, &s, VerifregMethod::RemoveVerifier, remove),
            through_root_key(
                vm,
                &s,
                VerifregMethod::RemoveVerifiedClientDataCap,
                malformed(),
            ),
        ];
        (codes, vm.state_root().unwrap())
    });
    let with = |extra: &[ExitCode]| [malformed_codes(), extra.to_vec()].concat();
    assert_eq!(
        native.0,
        [
            with(&[
                ExitCode::USR_ILLEGAL_ARGUMENT,
                ExitCode::USR_ILLEGAL_ARGUMENT
            ]),
            with(&[ExitCode::USR_ILLEGAL_ARGUMENT]),
            with(&[]),
        ]
    );
    assert_eq!(native, fvm);
}
