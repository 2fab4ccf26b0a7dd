//! Byte compatibility of the power actor's state and messages with the network's v18 layouts,
//! using ChainSafe's independent v18 decoding (`fil_actor_power_state`) as the oracle. Values
//! cross between the two only as CBOR bytes; the HAMT and AMT layouts are checked by rebuilding
//! the same content with the oracle's own collections and comparing root CIDs.

mod harness;

use fil_actor_power::ext::{init, miner, reward};
use fil_actor_power::{
    Claim, CreateMinerParams, CreateMinerReturn, CronEvent, CronEventQueue,
    CurrentTotalPowerReturn, EnrollCronEventParams, MinerConsensusCountReturn, MinerCountReturn,
    MinerPowerParams, MinerPowerReturn, MinerRawPowerParams, MinerRawPowerReturn,
    NetworkRawPowerReturn, State, UpdateClaimedPowerParams, UpdatePledgeTotalParams,
};
use fil_actor_power_state::v18 as oracle;
use fil_actors_runtime::test_utils::builtin_code_cid;
use fil_actors_runtime::{FilterEstimate, Type};
use fvm_ipld_blockstore::MemoryBlockstore;
use fvm_ipld_encoding::{from_slice, to_vec, BytesDe, RawBytes};
use fvm_shared::address::Address;
use fvm_shared::econ::TokenAmount;
use fvm_shared::sector::RegisteredPoStProof;
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

#[test]
fn genesis_state_is_byte_identical() {
    let store = MemoryBlockstore::new();
    let ours = State::new(&store).unwrap();
    let theirs = oracle::State::new(&store).unwrap();
    assert_eq!(to_vec(&ours).unwrap(), to_vec(&theirs).unwrap());
    round_trip::<State, oracle::State>(&ours);
}

#[test]
fn populated_state_claims_and_cron_queue_are_byte_identical() {
    let rt = setup();
    let proofs = [
        RegisteredPoStProof::StackedDRGWindow32GiBV1P1,
        RegisteredPoStProof::StackedDRGWindow64GiBV1P1,
        RegisteredPoStProof::StackedDRGWindow2KiBV1P1,
    ];
    let miners: Vec<Address> = (0..12)
        .map(|i| create_miner_of_type(&rt, 1000 + i * 37, proofs[i as usize % 3]))
        .collect();
    for (i, miner) in miners.iter().enumerate() {
        let raw = (i as i64 + 1) * 1024;
        update_claimed_power(&rt, *miner, raw, raw * 3).unwrap();
        update_pledge_total(
            &rt,
            *miner,
            TokenAmount::from_atto(i as u64 * 1_000_000_007),
        )
        .unwrap();
    }
    let mut enrolled = Vec::new();
    for (i, miner) in miners.iter().enumerate() {
        for epoch in [3 + (i as i64 % 4), 100 + i as i64 * 1000, 1 << 40] {
            let payload = format!("miner {} at {}", i, epoch).into_bytes();
            enroll_cron_event(&rt, *miner, epoch, &payload).unwrap();
            enrolled.push((epoch, *miner, payload));
        }
    }
    tick_without_events(&rt, 2);
    let mut st = state(&rt);
    st.ramp_start_epoch = 4_461_240;
    st.ramp_duration_epochs = 1_051_200;
    rt.replace_state(&st);
    assert_invariants(&rt);

    // The state tuple.
    let theirs: oracle::State = from_slice(&round_trip::<State, oracle::State>(&st)).unwrap();

    // The oracle reads our claims HAMT and finds each claim, byte for byte.
    for miner in &miners {
        let ours = claim(&rt, *miner).unwrap();
        let found = theirs.get_claim(&rt.store, miner).unwrap().unwrap();
        assert_eq!(to_vec(&found).unwrap(), to_vec(&ours).unwrap());
    }

    // The oracle's own claims HAMT with the same content has the same root.
    let fresh = MemoryBlockstore::new();
    let mut their_claims = oracle::ClaimsMap::empty(&fresh, oracle::CLAIMS_CONFIG, "claims");
    for miner in &miners {
        let c: oracle::Claim = convert(&claim(&rt, *miner).unwrap());
        oracle::set_claim(&mut their_claims, miner, c).unwrap();
    }
    assert_eq!(their_claims.flush().unwrap(), st.claims);

    // The oracle's own multimap with the same events, enrolled in the same order, has the same
    // root; and the oracle reads ours back in the same order.
    let mut their_queue = fil_actors_shared::v18::Multimap::new(
        &fresh,
        oracle::CRON_QUEUE_HAMT_BITWIDTH,
        oracle::CRON_QUEUE_AMT_BITWIDTH,
    );
    for (epoch, miner, payload) in &enrolled {
        let event = CronEvent {
            miner_addr: *miner,
            callback_payload: RawBytes::new(payload.clone()),
        };
        let event: oracle::CronEvent = convert(&event);
        their_queue.add(oracle::epoch_key(*epoch), event).unwrap();
    }
    assert_eq!(their_queue.root().unwrap(), st.cron_event_queue);

    let our_queue = CronEventQueue::load(&rt.store, &st.cron_event_queue).unwrap();
    let read_back = fil_actors_shared::v18::Multimap::from_root(
        &rt.store,
        &st.cron_event_queue,
        oracle::CRON_QUEUE_HAMT_BITWIDTH,
        oracle::CRON_QUEUE_AMT_BITWIDTH,
    )
    .unwrap();
    for epoch in [3, 4, 5, 6, 100, 1100, 1 << 40] {
        let mut theirs = Vec::new();
        read_back
            .for_each(&oracle::epoch_key(epoch), |_, e: &oracle::CronEvent| {
                theirs.push(to_vec(e).unwrap());
                Ok(())
            })
            .unwrap();
        let ours: Vec<Vec<u8>> = our_queue
            .events_at(epoch)
            .unwrap()
            .iter()
            .map(|e| to_vec(e).unwrap())
            .collect();
        assert_eq!(ours, theirs, "events at epoch {}", epoch);
    }
    assert_eq!(our_queue.events_at(1 << 40).unwrap().len(), 12);
}

#[test]
fn oracle_state_decodes_as_ours() {
    let store = MemoryBlockstore::new();
    let mut theirs = oracle::State::new(&store).unwrap();
    theirs.total_raw_byte_power = 1234567.into();
    theirs.miner_count = 17;
    theirs.miner_above_min_power_count = 4;
    theirs.ramp_start_epoch = -3;
    theirs.ramp_duration_epochs = u64::MAX;
    theirs.first_cron_epoch = 99;
    let bytes = to_vec(&theirs).unwrap();
    let ours: State = from_slice(&bytes).unwrap();
    assert_eq!(ours.miner_count, 17);
    assert_eq!(ours.ramp_duration_epochs, u64::MAX);
    assert_eq!(ours.total_raw_byte_power, power(1234567));
    assert_eq!(to_vec(&ours).unwrap(), bytes);
}

#[test]
fn claim_and_cron_event_layouts() {
    round_trip::<Claim, oracle::Claim>(&Claim {
        window_post_proof_type: RegisteredPoStProof::StackedDRGWindow64GiBV1P1,
        raw_byte_power: power(1 << 45),
        quality_adj_power: power(10 << 45),
    });
    round_trip::<CronEvent, oracle::CronEvent>(&CronEvent {
        miner_addr: Address::new_id(1234),
        callback_payload: RawBytes::new(vec![0x82, 0x01, 0x02]),
    });
}

#[test]
fn parameter_and_return_layouts() {
    round_trip::<CreateMinerParams, oracle::CreateMinerParams>(&CreateMinerParams {
        owner: Address::new_id(101),
        worker: Address::new_secp256k1(&[7; 65]).unwrap(),
        window_post_proof_type: RegisteredPoStProof::StackedDRGWindow32GiBV1P1,
        peer: b"peer".to_vec(),
        multiaddrs: vec![BytesDe(vec![1, 2]), BytesDe(vec![])],
    });
    round_trip::<CreateMinerReturn, oracle::CreateMinerReturn>(&CreateMinerReturn {
        id_address: Address::new_id(1000),
        robust_address: robust_address(1000),
    });
    round_trip::<UpdateClaimedPowerParams, oracle::UpdateClaimedPowerParams>(
        &UpdateClaimedPowerParams {
            raw_byte_delta: power(-(1 << 35)),
            quality_adjusted_delta: power(1 << 40),
        },
    );
    round_trip::<EnrollCronEventParams, oracle::EnrollCronEventParams>(&EnrollCronEventParams {
        event_epoch: 123_456,
        payload: RawBytes::new(vec![0x81, 0x00]),
    });
    let bytes = round_trip::<UpdatePledgeTotalParams, oracle::UpdatePledgeTotalParams>(
        &UpdatePledgeTotalParams {
            pledge_delta: TokenAmount::from_atto(-256),
        },
    );
    // A bare big integer: byte string of sign byte 0x01 then magnitude 0x0100.
    assert_eq!(bytes, vec![0x43, 0x01, 0x01, 0x00]);
    round_trip::<CurrentTotalPowerReturn, oracle::CurrentTotalPowerReturn>(
        &CurrentTotalPowerReturn {
            raw_byte_power: power(1 << 50),
            quality_adj_power: power(3 << 50),
            pledge_collateral: TokenAmount::from_whole(100_000_000),
            quality_adj_power_smoothed: FilterEstimate::new(power(1 << 50), power(-(1 << 20))),
            ramp_start_epoch: 4_461_240,
            ramp_duration_epochs: 1_051_200,
        },
    );
    round_trip::<NetworkRawPowerReturn, oracle::NetworkRawPowerReturn>(&NetworkRawPowerReturn {
        raw_byte_power: power(1 << 60),
    });
    let bytes =
        round_trip::<MinerRawPowerParams, oracle::MinerRawPowerParams>(&MinerRawPowerParams {
            miner: 1000,
        });
    assert_eq!(bytes, vec![0x19, 0x03, 0xe8]);
    round_trip::<MinerRawPowerReturn, oracle::MinerRawPowerReturn>(&MinerRawPowerReturn {
        raw_byte_power: power(4096),
        meets_consensus_minimum: true,
    });
    round_trip::<MinerPowerParams, oracle::MinerPowerParams>(&MinerPowerParams { miner: 7 });
    round_trip::<MinerPowerReturn, oracle::MinerPowerReturn>(&MinerPowerReturn {
        raw_byte_power: power(4096),
        quality_adj_power: power(40960),
    });
    round_trip::<MinerCountReturn, oracle::MinerCountReturn>(&MinerCountReturn {
        miner_count: 600_000,
    });
    round_trip::<MinerConsensusCountReturn, oracle::MinerConsensusCountReturn>(
        &MinerConsensusCountReturn {
            miner_consensus_count: 1_500,
        },
    );
}

#[test]
fn outgoing_message_layouts() {
    let constructor = miner::MinerConstructorParams {
        owner: Address::new_id(101),
        worker: Address::new_id(102),
        control_addresses: vec![Address::new_id(103)],
        window_post_proof_type: RegisteredPoStProof::StackedDRGWindow2KiBV1P1,
        peer_id: vec![9; 38],
        multi_addresses: vec![BytesDe(b"/ip4".to_vec())],
    };
    round_trip::<miner::MinerConstructorParams, oracle::ext::miner::MinerConstructorParams>(
        &constructor,
    );
    round_trip::<miner::DeferredCronEventParams, oracle::ext::miner::DeferredCronEventParams>(
        &miner::DeferredCronEventParams {
            event_payload: vec![0x81, 0x01],
            reward_smoothed: reward_smoothed(),
            quality_adj_power_smoothed: FilterEstimate::new(power(1 << 50), power(1 << 30)),
        },
    );
    round_trip::<init::ExecParams, oracle::ext::init::ExecParams>(&init::ExecParams {
        code_cid: builtin_code_cid(Type::Miner),
        constructor_params: RawBytes::serialize(&constructor).unwrap(),
    });
    round_trip::<init::ExecReturn, oracle::ext::init::ExecReturn>(&init::ExecReturn {
        id_address: Address::new_id(1000),
        robust_address: robust_address(1000),
    });
    assert_eq!(
        miner::ON_DEFERRED_CRON_EVENT_METHOD,
        oracle::ext::miner::ON_DEFERRED_CRON_EVENT_METHOD
    );
    assert_eq!(init::EXEC_METHOD, oracle::ext::init::EXEC_METHOD);
    assert_eq!(
        reward::UPDATE_NETWORK_KPI_METHOD,
        oracle::ext::reward::UPDATE_NETWORK_KPI
    );
    assert_eq!(
        reward::THIS_EPOCH_REWARD_METHOD,
        oracle::ext::reward::Method::ThisEpochReward as u64
    );
}

#[test]
fn constants_match() {
    assert_eq!(
        fil_actor_power::CRON_QUEUE_HAMT_BITWIDTH,
        oracle::CRON_QUEUE_HAMT_BITWIDTH
    );
    assert_eq!(
        fil_actor_power::CRON_QUEUE_AMT_BITWIDTH,
        oracle::CRON_QUEUE_AMT_BITWIDTH
    );
    assert_eq!(
        fil_actor_power::CONSENSUS_MINER_MIN_MINERS,
        oracle::CONSENSUS_MINER_MIN_MINERS
    );
    assert_eq!(
        power(fil_actor_power::INITIAL_QA_POWER_ESTIMATE_POSITION),
        *oracle::INITIAL_QA_POWER_ESTIMATE_POSITION
    );
    assert_eq!(
        power(fil_actor_power::INITIAL_QA_POWER_ESTIMATE_VELOCITY),
        *oracle::INITIAL_QA_POWER_ESTIMATE_VELOCITY
    );
}
