//! Malformed parameters to every payment channel method, on both engines: undecodable bytes are
//! `USR_SERIALIZATION`, missing parameters (or any to `Settle` and `Collect`, which take none)
//! `USR_ILLEGAL_ARGUMENT`, and well-formed values v18 refuses get v18's code. Nothing changes: not
//! the channel, not its parties' balances, not the init actor.

use crate::malformed::{encoded, malformed, malformed_codes, raw_bytes, raw_msg, Form};
use cid::Cid;
use fil_actor_paych::{ConstructorParams, Method, UpdateChannelStateParams};
use fil_actors_integration_tests::keys::SecpKey;
use fil_actors_integration_tests::on_both_engines;
use fil_actors_integration_tests::paych::{create_channel, signed, voucher, Channel};
use fil_actors_runtime::builtin::{Type, INIT_ACTOR_ID};
use fvm_shared::address::Address;
use fvm_shared::econ::TokenAmount;
use fvm_shared::error::ExitCode;
use fvm_shared::{MethodNum, METHOD_SEND};
use test_vm::exec::exec_message;
use test_vm::genesis::genesis;
use test_vm::{ActorState, VM};

fn fil(n: u64) -> TokenAmount {
    TokenAmount::from_whole(n)
}

/// Genesis, the payer's key account with 100 FIL, and a channel from it to the second genesis
/// account holding 10 FIL.
fn setup(vm: &mut dyn VM) -> (SecpKey, Channel) {
    let g = genesis(vm, &[fil(1_000), fil(10)]).unwrap();
    let key = SecpKey::from_seed(7).unwrap();
    let payer = key.address().unwrap();
    let funded = vm
        .apply(&test_vm::Msg::new(g.accounts[0].0, payer, METHOD_SEND).value(fil(100)))
        .unwrap();
    assert_eq!(funded.code, ExitCode::OK);
    let ch = create_channel(vm, payer, g.accounts[1].0, fil(10)).unwrap();
    (key, ch)
}

/// The channel and both parties, as actors.
fn snapshot(vm: &dyn VM, ch: &Channel) -> Vec<Option<ActorState>> {
    let ids = [
        ch.id,
        vm.resolve(&ch.payer).unwrap().unwrap(),
        vm.resolve(&ch.payee).unwrap().unwrap(),
    ];
    ids.iter().map(|id| vm.actor(*id).unwrap()).collect()
}

/// Sends each form to `method` of the channel from `from`. The channel and the parties' states
/// and balances must not change (the sender's nonce advances). Returns the exit codes and the
/// final state root.
fn direct(
    vm: &mut dyn VM,
    ch: &Channel,
    from: Address,
    method: Method,
    forms: Vec<Form>,
) -> (Vec<ExitCode>, Cid) {
    let strip = |actors: Vec<Option<ActorState>>| -> Vec<_> {
        actors
            .into_iter()
            .map(|a| a.map(|a| (a.code, a.state, a.balance)))
            .collect()
    };
    let before = strip(snapshot(vm, ch));
    let codes = forms
        .iter()
        .map(|(what, params)| {
            let r = vm
                .apply(&raw_msg(from, ch.address(), method as MethodNum, params))
                .unwrap();
            assert_eq!(strip(snapshot(vm, ch)), before, "{method:?} with {what}");
            r.code
        })
        .collect();
    (codes, vm.state_root().unwrap())
}

#[test]
fn constructor_refuses_malformed_parameters() {
    let (native, fvm) = on_both_engines(|vm| {
        let (_, ch) = setup(vm);
        let mut forms = malformed();
        // A payee that no actor has (an ID address with nothing behind it): v18 requires one.
        forms.push((
            "a payee with no actor",
            encoded(&ConstructorParams {
                from: ch.payer,
                to: Address::new_id(4_242),
            }),
        ));
        let init_before = vm.actor(INIT_ACTOR_ID).unwrap();
        let payer = vm.resolve(&ch.payer).unwrap().unwrap();
        let codes: Vec<ExitCode> = forms
            .iter()
            .map(|(what, params)| {
                let msg = exec_message(
                    vm,
                    ch.payer,
                    Type::PaymentChannel,
                    raw_bytes(params),
                    fil(1),
                )
                .unwrap();
                let r = vm.apply(&msg).unwrap();
                assert_eq!(vm.actor(INIT_ACTOR_ID).unwrap(), init_before, "{what}");
                assert_eq!(test_vm::balance(vm, payer).unwrap(), fil(90), "{what}");
                r.code
            })
            .collect();
        (codes, vm.state_root().unwrap())
    });
    let mut expected = malformed_codes();
    expected.push(ExitCode::USR_NOT_FOUND);
    assert_eq!(native.0, expected);
    assert_eq!(native, fvm);
}

#[test]
fn update_channel_state_refuses_malformed_parameters() {
    let (native, fvm) = on_both_engines(|vm| {
        let (key, ch) = setup(vm);
        let mut forms = malformed();
        forms.push((
            "a voucher with no signature",
            encoded(&UpdateChannelStateParams {
                sv: voucher(ch.robust, 0, 1, fil(1)),
                secret: Vec::new(),
            }),
        ));
        forms.push((
            "a secret of 257 bytes",
            encoded(&UpdateChannelStateParams {
                sv: signed(voucher(ch.robust, 0, 1, fil(1)), &key).unwrap(),
                secret: vec![1; 257],
            }),
        ));
        forms.push((
            "a negative amount",
            encoded(&UpdateChannelStateParams {
                sv: signed(voucher(ch.robust, 0, 1, TokenAmount::from_atto(-1)), &key).unwrap(),
                secret: Vec::new(),
            }),
        ));
        direct(vm, &ch, ch.payee, Method::UpdateChannelState, forms)
    });
    let mut expected = malformed_codes();
    expected.extend([ExitCode::USR_ILLEGAL_ARGUMENT; 3]);
    assert_eq!(native.0, expected);
    assert_eq!(native, fvm);
}

/// Every form with parameters, and one well-formed block: all refused by a method that takes
/// none.
fn unexpected_parameters() -> Vec<Form> {
    let mut forms: Vec<Form> = malformed()
        .into_iter()
        .filter(|(_, params)| params.is_some())
        .collect();
    forms.push(("an empty array", Some(vec![0x80])));
    forms
}

#[test]
fn settle_refuses_any_parameters() {
    let (native, fvm) = on_both_engines(|vm| {
        let (_, ch) = setup(vm);
        direct(vm, &ch, ch.payee, Method::Settle, unexpected_parameters())
    });
    assert_eq!(native.0, vec![ExitCode::USR_ILLEGAL_ARGUMENT; 4]);
    assert_eq!(native, fvm);
}

#[test]
fn collect_refuses_any_parameters() {
    let (native, fvm) = on_both_engines(|vm| {
        let (_, ch) = setup(vm);
        direct(vm, &ch, ch.payer, Method::Collect, unexpected_parameters())
    });
    assert_eq!(native.0, vec![ExitCode::USR_ILLEGAL_ARGUMENT; 4]);
    assert_eq!(native, fvm);
}
