//! Malformed parameters to every multisig method, on both engines, against the verified
//! registry's root key (a 2-of-3 multisig): undecodable bytes are `USR_SERIALIZATION`, missing
//! parameters `USR_ILLEGAL_ARGUMENT`, and well-formed values v18 refuses get v18's code. The
//! methods only the multisig may call are reached as v18 reaches them, through an approved
//! proposal, whose return carries their exit code. Nothing changes: not the multisig (beyond
//! its proposal counter), not the init actor.

use crate::malformed::{encoded, malformed, malformed_codes, raw_bytes, raw_msg, Form};
use cid::Cid;
use fil_actor_multisig::{
    AddSignerParams, ChangeNumApprovalsThresholdParams, ConstructorParams, LockBalanceParams,
    Method, ProposeParams, RemoveSignerParams, State, SwapSignerParams, TxnID, TxnIDParams,
    UniversalReceiverParams,
};
use fil_actors_integration_tests::on_both_engines;
use fil_actors_runtime::builtin::{Type, INIT_ACTOR_ID};
use fvm_ipld_encoding::RawBytes;
use fvm_shared::address::Address;
use fvm_shared::econ::TokenAmount;
use fvm_shared::error::ExitCode;
use fvm_shared::{MethodNum, METHOD_SEND};
use test_vm::exec::exec_message;
use test_vm::genesis::genesis;
use test_vm::root_key::RootKey;
use test_vm::{actor_state, VM};

fn fil(n: u64) -> TokenAmount {
    TokenAmount::from_whole(n)
}

/// Genesis with one funded account; returns it and the root key.
fn setup(vm: &mut dyn VM) -> (Address, RootKey) {
    let g = genesis(vm, &[fil(100)]).unwrap();
    (g.accounts[0].0, g.verifreg_root)
}

/// The multisig's state without its proposal counter and pending transactions' root, which a
/// proposal that was made and then executed advances.
fn settings(vm: &dyn VM, root: &RootKey) -> (Vec<Address>, u64, TokenAmount, i64, i64) {
    let st: State = actor_state(vm, root.address.id().unwrap()).unwrap();
    (
        st.signers,
        st.num_approvals_threshold,
        st.initial_balance,
        st.start_epoch,
        st.unlock_duration,
    )
}

/// Sends each form to `method` of the root key from `from`; the multisig's state and balance must
/// not change. Returns the exit codes and the final state root.
fn direct(
    vm: &mut dyn VM,
    from: Address,
    root: &RootKey,
    method: Method,
    forms: Vec<Form>,
) -> (Vec<ExitCode>, Cid) {
    let id = root.address.id().unwrap();
    let before = vm.actor(id).unwrap();
    let codes = forms
        .iter()
        .map(|(what, params)| {
            let r = vm
                .apply(&raw_msg(from, root.address, method as MethodNum, params))
                .unwrap();
            assert_eq!(vm.actor(id).unwrap(), before, "{method:?} with {what}");
            r.code
        })
        .collect();
    (codes, vm.state_root().unwrap())
}

/// Has the root key propose, approve and so send each form to its own `method`; returns the
/// sent messages' exit codes (the approvals succeed) and the final state root. The signers,
/// threshold and lock must not change, and no proposal is left pending.
fn through_proposal(
    vm: &mut dyn VM,
    root: &RootKey,
    method: Method,
    forms: Vec<Form>,
) -> (Vec<ExitCode>, Cid) {
    let before = settings(vm, root);
    let state = |vm: &dyn VM| -> State { actor_state(vm, root.address.id().unwrap()).unwrap() };
    let empty = state(&*vm).pending_txs;
    let codes = forms
        .iter()
        .map(|(what, params)| {
            let (code, _) = root
                .act(vm, root.address, method as MethodNum, raw_bytes(params))
                .unwrap();
            assert_eq!(settings(vm, root), before, "{method:?} with {what}");
            code
        })
        .collect();
    // One proposal per form, each executed and gone.
    let st = state(&*vm);
    assert_eq!(st.next_tx_id, TxnID(forms.len() as i64));
    assert_eq!(st.pending_txs, empty);
    (codes, vm.state_root().unwrap())
}

/// The malformed forms' codes, then `extra`.
fn expected(extra: &[ExitCode]) -> Vec<ExitCode> {
    let mut codes = malformed_codes();
    codes.extend_from_slice(extra);
    codes
}

#[test]
fn constructor_refuses_malformed_parameters() {
    let (native, fvm) = on_both_engines(|vm| {
        let (creator, _) = setup(vm);
        let mut forms = malformed();
        forms.push((
            "a threshold of 0",
            encoded(&ConstructorParams {
                signers: vec![creator],
                num_approvals_threshold: 0,
                unlock_duration: 0,
                start_epoch: 0,
            }),
        ));
        forms.push((
            "a negative unlock duration",
            encoded(&ConstructorParams {
                signers: vec![creator],
                num_approvals_threshold: 1,
                unlock_duration: -1,
                start_epoch: 0,
            }),
        ));
        let init_before = vm.actor(INIT_ACTOR_ID).unwrap();
        let codes: Vec<ExitCode> = forms
            .iter()
            .map(|(what, params)| {
                let msg =
                    exec_message(vm, creator, Type::Multisig, raw_bytes(params), fil(1)).unwrap();
                let r = vm.apply(&msg).unwrap();
                // No actor was created: init's state is as before.
                assert_eq!(vm.actor(INIT_ACTOR_ID).unwrap(), init_before, "{what}");
                r.code
            })
            .collect();
        (codes, vm.state_root().unwrap())
    });
    assert_eq!(
        native.0,
        expected(&[
            ExitCode::USR_ILLEGAL_ARGUMENT,
            ExitCode::USR_ILLEGAL_ARGUMENT
        ])
    );
    assert_eq!(native, fvm);
}

#[test]
fn propose_refuses_malformed_parameters() {
    let (native, fvm) = on_both_engines(|vm| {
        let (stranger, root) = setup(vm);
        let mut forms = malformed();
        forms.push((
            "a negative value",
            encoded(&ProposeParams {
                to: stranger,
                value: TokenAmount::from_atto(-1),
                method: METHOD_SEND,
                params: RawBytes::default(),
            }),
        ));
        direct(vm, root.signers[0].0, &root, Method::Propose, forms)
    });
    assert_eq!(native.0, expected(&[ExitCode::USR_ILLEGAL_ARGUMENT]));
    assert_eq!(native, fvm);
}

/// A pending proposal (number 0, a send of nothing to `to`) by signer 0.
fn pending_proposal(vm: &mut dyn VM, root: &RootKey, to: Address) {
    let r = root
        .propose(vm, 0, to, METHOD_SEND, RawBytes::default())
        .unwrap();
    assert_eq!(r.code, ExitCode::OK);
}

/// `TxnIDParams` for proposal 0 with a hash that is no proposal's.
fn wrong_hash() -> Option<Vec<u8>> {
    encoded(&TxnIDParams {
        id: TxnID(0),
        proposal_hash: vec![7; 32],
    })
}

#[test]
fn approve_refuses_malformed_parameters() {
    let (native, fvm) = on_both_engines(|vm| {
        let (stranger, root) = setup(vm);
        pending_proposal(vm, &root, stranger);
        let mut forms = malformed();
        forms.push(("a wrong proposal hash", wrong_hash()));
        direct(vm, root.signers[1].0, &root, Method::Approve, forms)
    });
    assert_eq!(native.0, expected(&[ExitCode::USR_ILLEGAL_ARGUMENT]));
    assert_eq!(native, fvm);
}

#[test]
fn cancel_refuses_malformed_parameters() {
    let (native, fvm) = on_both_engines(|vm| {
        let (stranger, root) = setup(vm);
        pending_proposal(vm, &root, stranger);
        let mut forms = malformed();
        // v18 answers a cancellation's wrong hash with USR_ILLEGAL_STATE.
        forms.push(("a wrong proposal hash", wrong_hash()));
        direct(vm, root.signers[0].0, &root, Method::Cancel, forms)
    });
    assert_eq!(native.0, expected(&[ExitCode::USR_ILLEGAL_STATE]));
    assert_eq!(native, fvm);
}

#[test]
fn add_signer_refuses_malformed_parameters() {
    let (native, fvm) = on_both_engines(|vm| {
        let (_, root) = setup(vm);
        let mut forms = malformed();
        forms.push((
            "a signer already in the set",
            encoded(&AddSignerParams {
                signer: root.signers[2].0,
                increase: false,
            }),
        ));
        through_proposal(vm, &root, Method::AddSigner, forms)
    });
    assert_eq!(native.0, expected(&[ExitCode::USR_FORBIDDEN]));
    assert_eq!(native, fvm);
}

#[test]
fn remove_signer_refuses_malformed_parameters() {
    let (native, fvm) = on_both_engines(|vm| {
        let (stranger, root) = setup(vm);
        let mut forms = malformed();
        forms.push((
            "an address that is no signer",
            encoded(&RemoveSignerParams {
                signer: stranger,
                decrease: false,
            }),
        ));
        through_proposal(vm, &root, Method::RemoveSigner, forms)
    });
    assert_eq!(native.0, expected(&[ExitCode::USR_FORBIDDEN]));
    assert_eq!(native, fvm);
}

#[test]
fn swap_signer_refuses_malformed_parameters() {
    let (native, fvm) = on_both_engines(|vm| {
        let (_, root) = setup(vm);
        let mut forms = malformed();
        forms.push((
            "a new signer already in the set",
            encoded(&SwapSignerParams {
                from: root.signers[0].0,
                to: root.signers[1].0,
            }),
        ));
        through_proposal(vm, &root, Method::SwapSigner, forms)
    });
    assert_eq!(native.0, expected(&[ExitCode::USR_ILLEGAL_ARGUMENT]));
    assert_eq!(native, fvm);
}

#[test]
fn change_num_approvals_threshold_refuses_malformed_parameters() {
    let (native, fvm) = on_both_engines(|vm| {
        let (_, root) = setup(vm);
        let mut forms = malformed();
        for (what, new_threshold) in [
            ("a threshold of 0", 0),
            ("a threshold above the 3 signers", 4),
        ] {
            forms.push((
                what,
                encoded(&ChangeNumApprovalsThresholdParams { new_threshold }),
            ));
        }
        through_proposal(vm, &root, Method::ChangeNumApprovalsThreshold, forms)
    });
    assert_eq!(
        native.0,
        expected(&[
            ExitCode::USR_ILLEGAL_ARGUMENT,
            ExitCode::USR_ILLEGAL_ARGUMENT
        ])
    );
    assert_eq!(native, fvm);
}

#[test]
fn lock_balance_refuses_malformed_parameters() {
    let (native, fvm) = on_both_engines(|vm| {
        let (_, root) = setup(vm);
        let mut forms = malformed();
        for (what, unlock_duration, amount) in [
            ("an unlock duration of 0", 0, fil(1)),
            ("a negative amount", 10, TokenAmount::from_atto(-1)),
        ] {
            forms.push((
                what,
                encoded(&LockBalanceParams {
                    start_epoch: 0,
                    unlock_duration,
                    amount,
                }),
            ));
        }
        through_proposal(vm, &root, Method::LockBalance, forms)
    });
    assert_eq!(
        native.0,
        expected(&[
            ExitCode::USR_ILLEGAL_ARGUMENT,
            ExitCode::USR_ILLEGAL_ARGUMENT
        ])
    );
    assert_eq!(native, fvm);
}

#[test]
fn universal_receiver_hook_refuses_malformed_parameters() {
    let (native, fvm) = on_both_engines(|vm| {
        let (stranger, root) = setup(vm);
        let (mut codes, _) = direct(
            vm,
            stranger,
            &root,
            Method::UniversalReceiverHook,
            malformed(),
        );
        // Any asset of the FRC-46 shape is accepted, and changes nothing either.
        let accepted = encoded(&UniversalReceiverParams {
            type_: 0x85223bdf,
            payload: RawBytes::default(),
        });
        let (ok, root_cid) = direct(
            vm,
            stranger,
            &root,
            Method::UniversalReceiverHook,
            vec![("a well-formed asset", accepted)],
        );
        codes.extend(ok);
        (codes, root_cid)
    });
    assert_eq!(native.0, expected(&[ExitCode::OK]));
    assert_eq!(native, fvm);
}
