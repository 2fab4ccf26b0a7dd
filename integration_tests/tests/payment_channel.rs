//! A payment channel on both engines, with vouchers signed by a real secp256k1 key (both engines
//! verify signatures for real): its life from creation through the init actor to collection, every
//! balance computed here; and the vouchers v18 refuses (a forged signature, an old nonce, an
//! expired time lock, another channel's voucher), each with v18's exit code and no change. The
//! engines agree on every exit code and state root, and every state the channels wrote decodes
//! with ChainSafe's v18 types to the same bytes.

use cid::Cid;
use fil_actor_paych::{LaneState, Merge, Method, SignedVoucher, State as ChannelState};
use fil_actors_integration_tests::keys::{blake2b_256, SecpKey};
use fil_actors_integration_tests::on_both_engines;
use fil_actors_integration_tests::paych::{create_channel, signed, voucher, Channel};
use fil_actors_integration_tests::state_log::StateLog;
use fil_actors_runtime::builtin::Type;
use fvm_ipld_amt::Amt;
use fvm_shared::address::Address;
use fvm_shared::clock::ChainEpoch;
use fvm_shared::econ::TokenAmount;
use fvm_shared::error::ExitCode;
use fvm_shared::METHOD_SEND;
use test_vm::genesis::genesis;
use test_vm::{actor_state, balance, walk_to, ActorState, Msg, StoreRef, VM};

/// v18's settlement delay: 12 hours of 30-second epochs.
const SETTLE_DELAY: ChainEpoch = 1_440;

fn fil(n: u64) -> TokenAmount {
    TokenAmount::from_whole(n)
}

/// The parties: the payer, whose key signs the vouchers, funded by the first genesis account;
/// the payee, the second genesis account.
struct Parties {
    key: SecpKey,
    payer: Address,
    payer_id: u64,
    payee: Address,
    payee_id: u64,
}

/// Genesis, then the payer's account, created by a transfer of `funds` to its key's address.
fn parties(vm: &mut dyn VM, funds: TokenAmount) -> Parties {
    let g = genesis(vm, &[fil(1_000), fil(10)]).unwrap();
    let key = SecpKey::from_seed(7).unwrap();
    let payer = key.address().unwrap();
    let sent = vm
        .apply(&Msg::new(g.accounts[0].0, payer, METHOD_SEND).value(funds))
        .unwrap();
    assert_eq!(sent.code, ExitCode::OK);
    Parties {
        key,
        payer,
        payer_id: vm.resolve(&payer).unwrap().unwrap(),
        payee: g.accounts[1].0,
        payee_id: g.accounts[1].1,
    }
}

fn channel_state(vm: &dyn VM, ch: &Channel) -> ChannelState {
    actor_state(vm, ch.id).unwrap()
}

/// The channel's lanes, by number.
fn lanes(vm: &dyn VM, ch: &Channel) -> Vec<(u64, LaneState)> {
    let st = channel_state(vm, ch);
    let mut out = Vec::new();
    Amt::<LaneState, _>::load(&st.lane_states, StoreRef(vm.store()))
        .unwrap()
        .for_each(|i, lane| {
            out.push((i, lane.clone()));
            Ok(())
        })
        .unwrap();
    out
}

fn lane(redeemed: TokenAmount, nonce: u64) -> LaneState {
    LaneState { redeemed, nonce }
}

/// What each engine saw: every exit code in order, the final state root, and how many channel
/// states the v18 decoders read.
#[derive(Debug, PartialEq)]
struct Outcome {
    codes: Vec<ExitCode>,
    root: Cid,
    decoded: Vec<(Type, usize)>,
}

/// Exit codes and channel states, noted after each message.
struct Notes {
    codes: Vec<ExitCode>,
    log: StateLog,
}

impl Notes {
    fn new(channels: &[&Channel], vm: &dyn VM) -> Self {
        let mut log = StateLog::default();
        for ch in channels {
            log.watch(ch.id);
        }
        log.record(vm).unwrap();
        Notes {
            codes: Vec::new(),
            log,
        }
    }

    fn note(&mut self, vm: &dyn VM, code: ExitCode) -> ExitCode {
        self.codes.push(code);
        self.log.record(vm).unwrap();
        code
    }

    fn finish(self, vm: &mut dyn VM) -> Outcome {
        let root = vm.state_root().unwrap();
        let (decoded, _) = crate::v18_decoders::check_written_states(vm, &self.log.states, |_| {
            Type::PaymentChannel
        });
        Outcome {
            codes: self.codes,
            root,
            decoded,
        }
    }
}

#[test]
fn a_payment_channel_lives_from_creation_to_collection_with_exact_balances() {
    let (native, fvm) = on_both_engines(|vm| {
        let p = parties(vm, fil(200));
        let payee_start = balance(vm, p.payee_id).unwrap();

        // The payer creates the channel through the init actor with 100 FIL.
        let ch = create_channel(vm, p.payer, p.payee, fil(100)).unwrap();
        assert_eq!(vm.resolve(&ch.robust).unwrap(), Some(ch.id));
        let code = vm.actor(ch.id).unwrap().unwrap().code;
        assert_eq!(vm.codes().type_of(&code), Some(Type::PaymentChannel));
        assert_eq!(balance(vm, ch.id).unwrap(), fil(100));
        assert_eq!(balance(vm, p.payer_id).unwrap(), fil(100));
        let st = channel_state(vm, &ch);
        assert_eq!(
            (st.from, st.to),
            (Address::new_id(p.payer_id), Address::new_id(p.payee_id))
        );
        assert_eq!(
            (st.to_send, st.settling_at, st.min_settle_height),
            (fil(0), 0, 0)
        );
        assert!(lanes(vm, &ch).is_empty());
        let mut notes = Notes::new(&[&ch], vm);
        vm.advance_epoch(10).unwrap();

        // Lane 0 worth 10 FIL, then lane 1 worth 5: owed 15.
        let sign = |sv: SignedVoucher| signed(sv, &p.key).unwrap();
        for v in [
            voucher(ch.robust, 0, 1, fil(10)),
            voucher(ch.robust, 1, 1, fil(5)),
        ] {
            let code = ch.redeem(vm, sign(v), &[]).unwrap().code;
            assert_eq!(notes.note(vm, code), ExitCode::OK);
        }
        assert_eq!(channel_state(vm, &ch).to_send, fil(15));

        // Lane 0 worth 30, merging lane 1: owed 15 + 30 - (10 + 5) = 30. Lane 1 keeps what it
        // redeemed and takes the merge's nonce.
        let mut merged = voucher(ch.robust, 0, 2, fil(30));
        merged.merges = vec![Merge { lane: 1, nonce: 2 }];
        let code = ch.redeem(vm, sign(merged), &[]).unwrap().code;
        assert_eq!(notes.note(vm, code), ExitCode::OK);
        assert_eq!(channel_state(vm, &ch).to_send, fil(30));
        assert_eq!(
            lanes(vm, &ch),
            vec![(0, lane(fil(30), 2)), (1, lane(fil(5), 2))]
        );

        // Lane 2 worth 7 behind a secret, with a minimum settle height: the wrong secret is
        // refused, the right one redeems it (owed 37).
        let secret = b"the payee's secret".to_vec();
        let min_settle_height = 3_000;
        let mut locked = voucher(ch.robust, 2, 1, fil(7));
        locked.secret_pre_image = blake2b_256(&secret).to_vec();
        locked.min_settle_height = min_settle_height;
        let locked = sign(locked);
        let before = vm.actor(ch.id).unwrap();
        let wrong = ch.redeem(vm, locked.clone(), b"a guess").unwrap();
        assert_eq!(notes.note(vm, wrong.code), ExitCode::USR_ILLEGAL_ARGUMENT);
        assert_eq!(vm.actor(ch.id).unwrap(), before);
        let code = ch.redeem(vm, locked, &secret).unwrap().code;
        assert_eq!(notes.note(vm, code), ExitCode::OK);
        let st = channel_state(vm, &ch);
        assert_eq!(
            (st.to_send, st.min_settle_height),
            (fil(37), min_settle_height)
        );
        assert_eq!(
            lanes(vm, &ch),
            vec![
                (0, lane(fil(30), 2)),
                (1, lane(fil(5), 2)),
                (2, lane(fil(7), 1))
            ]
        );

        // The payee settles at epoch 10: collectable at the later of 10 + 1,440 and 3,000.
        let settle = ch.call(vm, p.payee, Method::Settle, None::<&()>).unwrap();
        assert_eq!(notes.note(vm, settle.code), ExitCode::OK);
        let settling_at = (10 + SETTLE_DELAY).max(min_settle_height);
        assert_eq!(channel_state(vm, &ch).settling_at, settling_at);

        // Too early to collect; a voucher once settled is v18's code 32.
        walk_to(vm, settling_at - 1).unwrap();
        let early = ch.call(vm, p.payer, Method::Collect, None::<&()>).unwrap();
        assert_eq!(notes.note(vm, early.code), ExitCode::USR_FORBIDDEN);
        walk_to(vm, settling_at).unwrap();
        let late = sign(voucher(ch.robust, 3, 1, fil(1)));
        let late = ch.redeem(vm, late, &[]).unwrap();
        assert_eq!(notes.note(vm, late.code), ExitCode::new(32));
        assert_eq!(balance(vm, ch.id).unwrap(), fil(100));

        // The payer collects: the payee gets the 37 owed, the payer the other 63, and the
        // channel is gone.
        let collect = ch.call(vm, p.payer, Method::Collect, None::<&()>).unwrap();
        assert_eq!(notes.note(vm, collect.code), ExitCode::OK);
        assert_eq!(balance(vm, p.payee_id).unwrap(), payee_start + fil(37));
        assert_eq!(balance(vm, p.payer_id).unwrap(), fil(100) + fil(63));
        assert_eq!(vm.actor(ch.id).unwrap(), None::<ActorState>);
        notes.finish(vm)
    });
    let ok = ExitCode::OK;
    assert_eq!(
        native.codes,
        vec![
            ok,
            ok,
            ok,
            ExitCode::USR_ILLEGAL_ARGUMENT,
            ok,
            ok,
            ExitCode::USR_FORBIDDEN,
            ExitCode::new(32),
            ok
        ]
    );
    // Creation, four redemptions and the settlement each wrote a state.
    assert_eq!(native.decoded, vec![(Type::PaymentChannel, 6)]);
    assert_eq!(native, fvm);
}

#[test]
fn vouchers_v18_refuses_are_refused_and_change_nothing() {
    let (native, fvm) = on_both_engines(|vm| {
        let p = parties(vm, fil(200));
        let ch = create_channel(vm, p.payer, p.payee, fil(60)).unwrap();
        let other = create_channel(vm, p.payer, p.payee, fil(40)).unwrap();
        let mut notes = Notes::new(&[&ch, &other], vm);
        vm.advance_epoch(100).unwrap();
        let sign = |sv: SignedVoucher| signed(sv, &p.key).unwrap();

        // Lane 0 at nonce 2, worth 10.
        let first = ch
            .redeem(vm, sign(voucher(ch.robust, 0, 2, fil(10))), &[])
            .unwrap();
        assert_eq!(notes.note(vm, first.code), ExitCode::OK);

        let forger = SecpKey::from_seed(8).unwrap();
        let forged = signed(voucher(ch.robust, 0, 3, fil(20)), &forger).unwrap();
        let old_nonce = sign(voucher(ch.robust, 0, 2, fil(20)));
        let older_nonce = sign(voucher(ch.robust, 0, 1, fil(20)));
        let mut expired = voucher(ch.robust, 0, 3, fil(20));
        expired.time_lock_max = 99;
        let expired = sign(expired);
        let elsewhere = sign(voucher(other.robust, 0, 3, fil(20)));
        let ids = [ch.id, other.id, p.payer_id, p.payee_id];
        let snapshot = |vm: &dyn VM| -> Vec<Option<ActorState>> {
            ids.iter().map(|id| vm.actor(*id).unwrap()).collect()
        };
        // Each refusal, and the part of its abort message that names its cause (the payer's
        // account refuses the forged signature itself).
        for (what, sv, cause) in [
            ("a forged signature", forged, "signature invalid"),
            (
                "the last nonce again",
                old_nonce,
                "nonce 2 is not above lane 0's nonce 2",
            ),
            (
                "an older nonce",
                older_nonce,
                "nonce 1 is not above lane 0's nonce 2",
            ),
            (
                "an expired time lock",
                expired,
                "expired at epoch 99 (now 100)",
            ),
            (
                "another channel's voucher",
                elsewhere,
                "voucher is for channel",
            ),
        ] {
            let before = snapshot(&*vm);
            let r = ch.redeem(vm, sv, &[]).unwrap();
            assert_eq!(
                notes.note(vm, r.code),
                ExitCode::USR_ILLEGAL_ARGUMENT,
                "{what}"
            );
            let failure = r.failure.unwrap_or_default();
            assert!(failure.contains(cause), "{what}: {failure}");
            // The payee's nonce advances; nothing else changes.
            let after = snapshot(&*vm);
            assert_eq!(after[..3], before[..3], "{what}");
            let (b, a) = (before[3].clone().unwrap(), after[3].clone().unwrap());
            assert_eq!(
                (a.state, a.balance, a.sequence),
                (b.state, b.balance, b.sequence + 1)
            );
        }

        // The voucher that follows, properly signed, still redeems: owed 20.
        let next = ch
            .redeem(vm, sign(voucher(ch.robust, 0, 3, fil(20))), &[])
            .unwrap();
        assert_eq!(notes.note(vm, next.code), ExitCode::OK);
        assert_eq!(channel_state(vm, &ch).to_send, fil(20));
        assert_eq!(lanes(vm, &ch), vec![(0, lane(fil(20), 3))]);
        assert_eq!(channel_state(vm, &other).to_send, fil(0));
        assert_eq!(balance(vm, ch.id).unwrap(), fil(60));
        assert_eq!(balance(vm, other.id).unwrap(), fil(40));
        assert_eq!(balance(vm, p.payer_id).unwrap(), fil(100));
        notes.finish(vm)
    });
    let refused = ExitCode::USR_ILLEGAL_ARGUMENT;
    assert_eq!(
        native.codes,
        vec![
            ExitCode::OK,
            refused,
            refused,
            refused,
            refused,
            refused,
            ExitCode::OK
        ]
    );
    // Both channels' creation, and the two redemptions.
    assert_eq!(native.decoded, vec![(Type::PaymentChannel, 4)]);
    assert_eq!(native, fvm);
}
