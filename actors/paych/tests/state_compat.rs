//! Byte compatibility of the payment channel's state and messages with the network's v18
//! layouts, using ChainSafe's independent v18 decoding (`fil_actor_paych_state`) as the oracle.
//! Values cross between the two only as CBOR bytes; the lanes' AMT is checked by rebuilding the
//! same content from the oracle's lane type with the oracle's bit width and comparing roots, and
//! by reading our root as the oracle's lanes.

mod harness;

use fil_actor_paych::ext::account::{AuthenticateMessageParams, AUTHENTICATE_MESSAGE_METHOD};
use fil_actor_paych::{
    ConstructorParams, LaneState, LaneStates, Merge, Method, ModVerifyParams, SignedVoucher, State,
    UpdateChannelStateParams, ERR_CHANNEL_STATE_UPDATE_AFTER_SETTLED, LANE_STATES_AMT_BITWIDTH,
    MAX_LANE, MAX_SECRET_SIZE, SETTLE_DELAY,
};
use fil_actor_paych_state::v18 as oracle;
use fil_actors_runtime::Array;
use fvm_ipld_encoding::{from_slice, to_vec, RawBytes};
use fvm_shared::address::Address;
use fvm_shared::crypto::signature::Signature;
use harness::*;
use serde::de::DeserializeOwned;
use serde::Serialize;

/// Encodes `ours`, decodes it as the oracle's type, re-encodes that, and checks the bytes match;
/// then decodes the oracle's bytes back as ours and checks again.
fn round_trip<Ours, Theirs>(ours: &Ours) -> Vec<u8>
where
    Ours: Serialize + DeserializeOwned,
    Theirs: Serialize + DeserializeOwned,
{
    let bytes = to_vec(ours).unwrap();
    let theirs: Theirs = from_slice(&bytes).unwrap();
    let their_bytes = to_vec(&theirs).unwrap();
    assert_eq!(their_bytes, bytes, "{}", std::any::type_name::<Ours>());
    let back: Ours = from_slice(&their_bytes).unwrap();
    assert_eq!(to_vec(&back).unwrap(), bytes);
    bytes
}

fn convert<From: Serialize, To: DeserializeOwned>(value: &From) -> To {
    from_slice(&to_vec(value).unwrap()).unwrap()
}

/// A channel driven through its methods into a state with everything set: many lanes (sparse,
/// past the first AMT node), merges, a minimum settle height and a settlement in progress.
fn populated() -> fil_actors_runtime::test_utils::MockRuntime {
    let rt = setup(atto(1_000_000));
    for i in 0..30u64 {
        redeem(&rt, &voucher(i * 7, 1, 1_000 + i as i64));
    }
    let mut sv = voucher(500, 3, 9_999);
    sv.merges = vec![Merge { lane: 7, nonce: 2 }, Merge { lane: 14, nonce: 5 }];
    sv.min_settle_height = 4_000;
    redeem(&rt, &sv);
    rt.set_epoch(100);
    settle(&rt, PAYER).unwrap();
    redeem(&rt, &voucher(0, 2, 1_500));
    assert_invariants(&rt);
    rt
}

#[test]
fn populated_state_is_byte_identical() {
    let rt = populated();
    let st = state(&rt);
    let bytes = round_trip::<State, oracle::State>(&st);
    // A 6-field tuple.
    assert_eq!(bytes[0], 0x86);
    let theirs: oracle::State = from_slice(&bytes).unwrap();
    assert_eq!(theirs.settling_at, 4_000);
    assert_eq!(theirs.min_settle_height, 4_000);
}

#[test]
fn lane_states_amt_is_the_oracles() {
    let rt = populated();
    let st = state(&rt);
    let ours = lanes(&rt);
    assert_eq!(ours.len(), 31);

    let mut rebuilt: Array<_, oracle::LaneState> =
        Array::empty(&rt.store, oracle::LANE_STATES_AMT_BITWIDTH, "oracle lanes");
    for (i, lane) in &ours {
        rebuilt
            .set(*i, convert::<LaneState, oracle::LaneState>(lane))
            .unwrap();
    }
    assert_eq!(rebuilt.flush().unwrap(), st.lane_states);

    let theirs: Array<_, oracle::LaneState> =
        Array::load(&rt.store, &st.lane_states, "oracle lanes").unwrap();
    let mut read = Vec::new();
    theirs
        .for_each(|i, lane| {
            read.push((i, convert::<oracle::LaneState, LaneState>(lane)));
            Ok(())
        })
        .unwrap();
    assert_eq!(read, ours);
}

#[test]
fn a_new_channel_is_byte_identical() {
    let rt = setup(atto(1));
    let ours = state(&rt);
    let empty = LaneStates::flush_empty(&rt.store, oracle::LANE_STATES_AMT_BITWIDTH).unwrap();
    let theirs = oracle::State::new(convert(&PAYER), convert(&PAYEE), empty);
    assert_eq!(to_vec(&ours).unwrap(), to_vec(&theirs).unwrap());
    assert_invariants(&rt);
}

fn full_voucher() -> SignedVoucher {
    SignedVoucher {
        channel_addr: Address::new_actor(b"channel"),
        time_lock_min: 10,
        time_lock_max: 20_000,
        secret_pre_image: vec![0x33; 32],
        extra: Some(ModVerifyParams {
            actor: Address::new_id(400),
            method: 7,
            data: RawBytes::new(vec![0x82, 0x01, 0x02]),
        }),
        lane: MAX_LANE,
        nonce: u64::MAX,
        amount: atto(i64::MAX),
        min_settle_height: 500,
        merges: vec![Merge { lane: 1, nonce: 2 }, Merge { lane: 3, nonce: 4 }],
        signature: Some(Signature::new_bls(vec![0x77; 96])),
    }
}

#[test]
fn vouchers_and_their_signing_bytes_match_the_oracle() {
    for sv in [full_voucher(), voucher(0, 0, 0)] {
        round_trip::<SignedVoucher, oracle::SignedVoucher>(&sv);
        let theirs: oracle::SignedVoucher = convert(&sv);
        let signing = sv.signing_bytes().unwrap();
        assert_eq!(signing, theirs.signing_bytes().unwrap());
        // The signature field is null in what is signed.
        assert_eq!(*signing.last().unwrap(), 0xf6);
    }
    let unsigned = SignedVoucher {
        signature: None,
        extra: None,
        ..full_voucher()
    };
    round_trip::<SignedVoucher, oracle::SignedVoucher>(&unsigned);
}

#[test]
fn message_layouts() {
    round_trip::<ConstructorParams, oracle::ConstructorParams>(&ConstructorParams {
        from: Address::new_secp256k1(&[1; 65]).unwrap(),
        to: PAYEE,
    });
    let secret = vec![0x11; 40];
    round_trip::<UpdateChannelStateParams, oracle::UpdateChannelStateParams>(
        &UpdateChannelStateParams {
            sv: full_voucher(),
            secret,
        },
    );
    round_trip::<ModVerifyParams, oracle::ModVerifyParams>(&ModVerifyParams {
        actor: PAYER,
        method: 3,
        data: RawBytes::default(),
    });
    round_trip::<Merge, oracle::Merge>(&Merge { lane: 9, nonce: 1 });
    round_trip::<LaneState, oracle::LaneState>(&lane(123, 4));
    let message = full_voucher().signing_bytes().unwrap();
    round_trip::<AuthenticateMessageParams, oracle::ext::account::AuthenticateMessageParams>(
        &AuthenticateMessageParams {
            signature: vec![0x77; 96],
            message,
        },
    );
}

#[test]
fn methods_constants_and_codes_match_the_oracle() {
    let pairs = [
        (Method::Constructor, oracle::Method::Constructor),
        (
            Method::UpdateChannelState,
            oracle::Method::UpdateChannelState,
        ),
        (Method::Settle, oracle::Method::Settle),
        (Method::Collect, oracle::Method::Collect),
    ];
    for (ours, theirs) in pairs {
        assert_eq!(ours as u64, theirs as u64, "{:?}", ours);
    }
    assert_eq!(
        AUTHENTICATE_MESSAGE_METHOD,
        oracle::ext::account::AUTHENTICATE_MESSAGE_METHOD
    );
    assert_eq!(
        ERR_CHANNEL_STATE_UPDATE_AFTER_SETTLED.value(),
        oracle::ERR_CHANNEL_STATE_UPDATE_AFTER_SETTLED.value()
    );
    assert_eq!(MAX_LANE, oracle::MAX_LANE);
    assert_eq!(SETTLE_DELAY, oracle::SETTLE_DELAY);
    assert_eq!(MAX_SECRET_SIZE, oracle::MAX_SECRET_SIZE);
    assert_eq!(LANE_STATES_AMT_BITWIDTH, oracle::LANE_STATES_AMT_BITWIDTH);
}
