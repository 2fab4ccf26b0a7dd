//! ExtendSectorExpiration2: expirations rescheduled in partitions and deadlines, verified
//! claims kept (power unchanged) or dropped at end of life (power lowered), legacy weights and
//! FIP-0100 fees on extension, and each rejection.

mod harness;

use fil_actors_runtime::test_utils::expect_abort;
use std::collections::BTreeMap;

use fil_actor_miner::ext::verifreg::Claim;
use fil_actor_miner::{
    daily_proof_fee, qa_power_for_weight, BitFieldQueue, ExpirationExtension2, ExpirationQueue,
    ExtendSectorExpiration2Params, PowerPair, SectorClaim, SectorOnChainInfo,
    SectorOnChainInfoFlags,
};
use fil_actors_runtime::runtime::policy::EPOCHS_IN_DAY;
use fil_actors_runtime::test_utils::MockRuntime;
use fvm_shared::bigint::BigInt;
use fvm_shared::clock::ChainEpoch;
use fvm_shared::econ::TokenAmount;
use fvm_shared::error::ExitCode;
use fvm_shared::version::NetworkVersion;
use harness::maint::*;
use harness::*;
use num_traits::Zero;

const DL: u64 = 5;
/// The harness sectors' expiration.
const EXPIRATION: ChainEpoch = START_EPOCH + 400 * EPOCHS_IN_DAY;

fn no_claims() -> BTreeMap<u64, Claim> {
    BTreeMap::new()
}

fn extension(
    deadline: u64,
    sectors: &[u64],
    claims: Vec<SectorClaim>,
    new_expiration: ChainEpoch,
) -> ExpirationExtension2 {
    ExpirationExtension2 {
        deadline,
        partition: 0,
        sectors: bf(sectors),
        sectors_with_claims: claims,
        new_expiration,
    }
}

fn params(extensions: Vec<ExpirationExtension2>) -> ExtendSectorExpiration2Params {
    ExtendSectorExpiration2Params { extensions }
}

fn keep(sector: u64, claims: &[u64]) -> SectorClaim {
    SectorClaim {
        sector_number: sector,
        maintain_claims: claims.to_vec(),
        drop_claims: vec![],
    }
}

fn drop(sector: u64, claims: &[u64]) -> SectorClaim {
    SectorClaim {
        sector_number: sector,
        maintain_claims: vec![],
        drop_claims: claims.to_vec(),
    }
}

/// A miner with `sectors` proven in deadline `DL`, at the start of the next proving period.
fn setup(sectors: Vec<SectorOnChainInfo>) -> (ActorHarness, MockRuntime) {
    let h = ActorHarness::default();
    let rt = h.setup();
    h.put_proven_sectors(&rt, DL, sectors);
    rt.set_epoch(h.deadline_info(&rt, 0).next_period_start());
    (h, rt)
}

fn cc_setup() -> (ActorHarness, MockRuntime) {
    setup(
        (1..=3)
            .map(|n| cc_sector(n, START_EPOCH, EXPIRATION))
            .collect(),
    )
}

/// The expiration queue of partition 0 of `DL`: (epoch, on-time sectors) per entry.
fn on_time_schedule(h: &ActorHarness, rt: &MockRuntime) -> Vec<(ChainEpoch, Vec<u64>)> {
    let quant = h.state(rt).quant_spec_for_deadline(&rt.policy, DL);
    let p = h.partition(rt, DL, 0);
    ExpirationQueue::new(&rt.store, &p.expirations_epochs, quant)
        .unwrap()
        .entries()
        .unwrap()
        .into_iter()
        .map(|(e, set)| (e, set.on_time_sectors.iter().collect()))
        .collect()
}

/// Epochs at which deadline `dl`'s index lists partition 0.
fn indexed_epochs(h: &ActorHarness, rt: &MockRuntime, dl: u64) -> Vec<ChainEpoch> {
    let quant = h.state(rt).quant_spec_for_deadline(&rt.policy, dl);
    BitFieldQueue::new(&rt.store, &h.deadline(rt, dl).expirations_epochs, quant)
        .unwrap()
        .entries()
        .unwrap()
        .into_iter()
        .filter(|(_, parts)| parts.get(0))
        .map(|(e, _)| e)
        .collect()
}

#[test]
fn extends_cc_sector_and_reschedules_it() {
    let (h, rt) = cc_setup();
    let now = rt.epoch.get();
    let new_expiration = EXPIRATION + 100 * EPOCHS_IN_DAY;
    let quant = h.state(&rt).quant_spec_for_deadline(&rt.policy, DL);
    let fee_before = h.deadline(&rt, DL).daily_fee;
    h.extend_sectors(
        &rt,
        WORKER,
        params(vec![extension(DL, &[1], vec![], new_expiration)]),
        &no_claims(),
        PowerPair::zero(),
    )
    .unwrap();

    let s = h.sector(&rt, 1);
    assert_eq!(s.expiration, new_expiration);
    assert_eq!(s.power_base_epoch, now);
    assert_eq!(s.activation, START_EPOCH);
    assert_eq!(s.daily_fee, TokenAmount::from_atto(10));
    assert_eq!(s.initial_pledge, TokenAmount::from_atto(1000));
    assert_eq!(h.sector(&rt, 2), cc_sector(2, START_EPOCH, EXPIRATION));
    assert_eq!(
        on_time_schedule(&h, &rt),
        vec![
            (quant.quantize_up(EXPIRATION), vec![2, 3]),
            (quant.quantize_up(new_expiration), vec![1]),
        ]
    );
    assert!(indexed_epochs(&h, &rt, DL).contains(&quant.quantize_up(new_expiration)));
    assert_eq!(h.deadline(&rt, DL).daily_fee, fee_before);
    assert_eq!(h.state(&rt).initial_pledge, TokenAmount::from_atto(3000));
    h.check_state(&rt);
}

#[test]
fn extends_in_several_deadlines_and_partitions_in_one_message() {
    let h = ActorHarness::default();
    let rt = h.setup();
    h.put_proven_sectors(&rt, DL, vec![cc_sector(1, START_EPOCH, EXPIRATION)]);
    h.put_proven_sectors(&rt, 7, vec![cc_sector(2, START_EPOCH, EXPIRATION)]);
    rt.set_epoch(h.deadline_info(&rt, 0).next_period_start());
    let first = EXPIRATION + 10 * EPOCHS_IN_DAY;
    let second = EXPIRATION + 20 * EPOCHS_IN_DAY;
    // Sector 1 is extended twice: the later declaration wins.
    h.extend_sectors(
        &rt,
        CONTROL_2,
        params(vec![
            extension(DL, &[1], vec![], first),
            extension(7, &[2], vec![], first),
            extension(DL, &[1], vec![], second),
        ]),
        &no_claims(),
        PowerPair::zero(),
    )
    .unwrap();
    assert_eq!(h.sector(&rt, 1).expiration, second);
    assert_eq!(h.sector(&rt, 2).expiration, first);
    let q5 = h.state(&rt).quant_spec_for_deadline(&rt.policy, DL);
    let q7 = h.state(&rt).quant_spec_for_deadline(&rt.policy, 7);
    assert_eq!(
        on_time_schedule(&h, &rt),
        vec![(q5.quantize_up(second), vec![1])]
    );
    assert!(indexed_epochs(&h, &rt, 7).contains(&q7.quantize_up(first)));
    h.check_state(&rt);
}

#[test]
fn verified_sector_keeps_power_with_its_claims() {
    let sector = verified_sector(4, START_EPOCH, EXPIRATION);
    let new_expiration = EXPIRATION + 100 * EPOCHS_IN_DAY;
    let claims = BTreeMap::from([(10, full_claim(&sector, new_expiration - START_EPOCH))]);
    let (h, rt) = setup(vec![sector]);
    let now = rt.epoch.get();
    h.extend_sectors(
        &rt,
        OWNER,
        params(vec![extension(
            DL,
            &[],
            vec![keep(4, &[10])],
            new_expiration,
        )]),
        &claims,
        PowerPair::zero(),
    )
    .unwrap();
    let s = h.sector(&rt, 4);
    assert_eq!(s.expiration, new_expiration);
    assert_eq!(
        s.verified_deal_weight,
        BigInt::from(SECTOR_BYTES) * (new_expiration - now)
    );
    assert_eq!(s.daily_fee, TokenAmount::from_atto(10));
    assert_eq!(h.deadline(&rt, DL).live_power, sector_power(1, 10));
    h.check_state(&rt);
}

#[test]
fn unverified_data_keeps_its_space_over_the_new_duration() {
    let sector = SectorOnChainInfo {
        deal_weight: BigInt::from(SECTOR_BYTES) * (EXPIRATION - START_EPOCH),
        ..cc_sector(1, START_EPOCH, EXPIRATION)
    };
    let (h, rt) = setup(vec![sector]);
    let now = rt.epoch.get();
    // Unverified data does not change the QA power, so no power update.
    h.extend_sectors(
        &rt,
        WORKER,
        params(vec![extension(
            DL,
            &[1],
            vec![],
            EXPIRATION + 50 * EPOCHS_IN_DAY,
        )]),
        &no_claims(),
        PowerPair::zero(),
    )
    .unwrap();
    // Only the spacetime still to come is kept: the whole sector until the old expiration.
    assert_eq!(
        h.sector(&rt, 1).deal_weight,
        BigInt::from(SECTOR_BYTES) * (EXPIRATION - now)
    );
    h.check_state(&rt);
}

#[test]
fn dropping_claims_at_end_of_life_lowers_power_and_fee() {
    let sector = verified_sector(4, START_EPOCH, EXPIRATION);
    let claims = BTreeMap::from([(10, full_claim(&sector, EXPIRATION - START_EPOCH))]);
    let (h, rt) = setup(vec![sector]);
    let new_expiration = EXPIRATION + 100 * EPOCHS_IN_DAY;
    let decl = || {
        params(vec![extension(
            DL,
            &[],
            vec![drop(4, &[10])],
            new_expiration,
        )])
    };

    // One epoch more than the 30-day end-of-life period remains.
    rt.set_epoch(EXPIRATION - 30 * EPOCHS_IN_DAY - 1);
    let res = h.extend_sectors(&rt, WORKER, decl(), &claims, PowerPair::zero());
    expect_abort(
        ExitCode::USR_FORBIDDEN,
        "attempt to drop claims with 86401 epochs > end of life claim drop period 86400 remaining",
        res,
    );

    rt.set_epoch(EXPIRATION - 30 * EPOCHS_IN_DAY);
    // The QA power falls from ten times the size to the size.
    let delta = &sector_power(1, 1) - &sector_power(1, 10);
    h.extend_sectors(&rt, WORKER, decl(), &claims, delta)
        .unwrap();
    let s = h.sector(&rt, 4);
    assert!(s.verified_deal_weight.is_zero());
    // The fee scales with the QA power: 10 * 1/10.
    assert_eq!(s.daily_fee, TokenAmount::from_atto(1));
    let dl = h.deadline(&rt, DL);
    assert_eq!(dl.daily_fee, TokenAmount::from_atto(1));
    assert_eq!(dl.live_power, sector_power(1, 1));
    h.check_state(&rt);
}

#[test]
fn claim_rejections() {
    let sector = verified_sector(4, START_EPOCH, EXPIRATION);
    let new_expiration = EXPIRATION + 100 * EPOCHS_IN_DAY;
    let good = full_claim(&sector, new_expiration - START_EPOCH);
    let (h, rt) = setup(vec![sector.clone()]);
    let before = h.state(&rt);
    let try_with = |sector_claims: Vec<SectorClaim>, sectors: &[u64], claim: Claim| {
        h.extend_sectors(
            &rt,
            WORKER,
            params(vec![extension(DL, sectors, sector_claims, new_expiration)]),
            &BTreeMap::from([(10, claim)]),
            PowerPair::zero(),
        )
    };

    // Verified space must be accounted for by claims.
    let res = try_with(vec![], &[4], good.clone());
    expect_abort(
        ExitCode::USR_ILLEGAL_ARGUMENT,
        "claim missing from declaration for sector 4",
        res,
    );
    // A claim the registry does not have.
    let res = try_with(vec![keep(4, &[11])], &[], good.clone());
    expect_abort(
        ExitCode::USR_ILLEGAL_ARGUMENT,
        "failed to get claims for sector 4: invalid claims",
        res,
    );
    let res = try_with(
        vec![keep(4, &[10])],
        &[],
        Claim {
            provider: 999,
            ..good.clone()
        },
    );
    expect_abort(
        ExitCode::USR_ILLEGAL_ARGUMENT,
        "expected claim provider to be 1000 but found 999",
        res,
    );
    let res = try_with(
        vec![keep(4, &[10])],
        &[],
        Claim {
            sector: 5,
            ..good.clone()
        },
    );
    expect_abort(
        ExitCode::USR_ILLEGAL_ARGUMENT,
        "expected claim sector number to be 4 but found 5",
        res,
    );
    // A kept claim must allow the new expiration.
    let res = try_with(
        vec![keep(4, &[10])],
        &[],
        Claim {
            term_max: new_expiration - START_EPOCH - 1,
            ..good.clone()
        },
    );
    expect_abort(
        ExitCode::USR_FORBIDDEN,
        &format!(
            "claim only allows extension to {} but declared new expiration is {}",
            new_expiration - 1,
            new_expiration
        ),
        res,
    );
    // A claim of half the sector leaves the other half unaccounted for.
    let res = try_with(
        vec![keep(4, &[10])],
        &[],
        Claim {
            size: fvm_shared::piece::PaddedPieceSize(SECTOR_BYTES / 2),
            ..good.clone()
        },
    );
    expect_abort(
        ExitCode::USR_ILLEGAL_ARGUMENT,
        &format!(
            "declared verified deal space in claims ({}) does not match verified deal space ({}) for sector 4",
            SECTOR_BYTES / 2,
            SECTOR_BYTES
        ),
        res,
    );
    // A sector number no bitfield can hold.
    let res = try_with(vec![keep(u64::MAX, &[10])], &[], good);
    expect_abort(
        ExitCode::USR_ILLEGAL_ARGUMENT,
        "sector number 18446744073709551615 greater than maximum 9223372036854775807",
        res,
    );
    assert_eq!(h.state(&rt), before);
    h.check_state(&rt);
}

#[test]
fn expiration_rejections() {
    let (h, rt) = cc_setup();
    let now = rt.epoch.get();
    let extend = |caller, deadline, partition, sectors: &[u64], new_expiration| {
        let mut decl = extension(deadline, sectors, vec![], new_expiration);
        decl.partition = partition;
        h.extend_sectors(
            &rt,
            caller,
            params(vec![decl]),
            &no_claims(),
            PowerPair::zero(),
        )
    };
    let later = EXPIRATION + EPOCHS_IN_DAY;

    expect_abort(
        ExitCode::USR_FORBIDDEN,
        "",
        extend(OTHER, DL, 0, &[1], later),
    );
    expect_abort(
        ExitCode::USR_ILLEGAL_ARGUMENT,
        "deadline 48 not in range 0..48",
        extend(WORKER, 48, 0, &[1], later),
    );
    expect_abort(
        ExitCode::USR_NOT_FOUND,
        "no such deadline 5 partition 1",
        extend(WORKER, DL, 1, &[1], later),
    );
    expect_abort(
        ExitCode::USR_NOT_FOUND,
        "sector 9 not found",
        extend(WORKER, DL, 0, &[9], later),
    );
    expect_abort(
        ExitCode::USR_ILLEGAL_ARGUMENT,
        &format!(
            "cannot reduce sector 1 expiration to {} from {}",
            EXPIRATION - 1,
            EXPIRATION
        ),
        extend(WORKER, DL, 0, &[1], EXPIRATION - 1),
    );
    let max_extension = rt.policy.max_sector_expiration_extension;
    expect_abort(
        ExitCode::USR_ILLEGAL_ARGUMENT,
        &format!(
            "cannot be more than {} past current epoch {}",
            max_extension, now
        ),
        extend(WORKER, DL, 0, &[1], now + max_extension + 1),
    );
    // The same extension one epoch shorter is accepted.
    h.extend_sectors(
        &rt,
        WORKER,
        params(vec![extension(DL, &[2], vec![], now + max_extension)]),
        &no_claims(),
        PowerPair::zero(),
    )
    .unwrap();

    // Past its expiration (its deadline not yet processed), a sector cannot be extended.
    rt.set_epoch(EXPIRATION + 1);
    expect_abort(
        ExitCode::USR_FORBIDDEN,
        &format!(
            "cannot extend expiration for expired sector 1 at {}",
            EXPIRATION
        ),
        extend(WORKER, DL, 0, &[1], later),
    );
    assert_eq!(h.sector(&rt, 1).expiration, EXPIRATION);
    h.check_state(&rt);
}

#[test]
fn lifetime_cannot_exceed_the_seal_proof_maximum() {
    // Five years from activation is the maximum for this proof.
    let max_lifetime = 5 * fil_actors_runtime::runtime::policy::EPOCHS_IN_YEAR;
    let expiration = START_EPOCH + max_lifetime - 990 * EPOCHS_IN_DAY;
    let (h, rt) = setup(vec![cc_sector(1, START_EPOCH, expiration)]);
    rt.set_epoch(START_EPOCH + max_lifetime - 1000 * EPOCHS_IN_DAY);
    let decl = |e| params(vec![extension(DL, &[1], vec![], e)]);
    let res = h.extend_sectors(
        &rt,
        WORKER,
        decl(START_EPOCH + max_lifetime + 1),
        &no_claims(),
        PowerPair::zero(),
    );
    expect_abort(
        ExitCode::USR_ILLEGAL_ARGUMENT,
        &format!(
            "total sector lifetime ({}) cannot exceed {} after activation {}",
            max_lifetime + 1,
            max_lifetime,
            START_EPOCH
        ),
        res,
    );
    h.extend_sectors(
        &rt,
        WORKER,
        decl(START_EPOCH + max_lifetime),
        &no_claims(),
        PowerPair::zero(),
    )
    .unwrap();
    h.check_state(&rt);
}

#[test]
fn faulty_sector_cannot_be_extended() {
    let (h, rt) = cc_setup();
    let decl = fil_actor_miner::FaultDeclaration {
        deadline: DL,
        partition: 0,
        sectors: bf(&[1]),
    };
    h.declare_faults(&rt, WORKER, vec![decl], -sector_power(1, 1))
        .unwrap();
    let res = h.extend_sectors(
        &rt,
        WORKER,
        params(vec![extension(
            DL,
            &[1],
            vec![],
            EXPIRATION + EPOCHS_IN_DAY,
        )]),
        &no_claims(),
        PowerPair::zero(),
    );
    expect_abort(
        ExitCode::USR_ILLEGAL_STATE,
        "failed to replace sector expirations at deadline 5 partition 0",
        res,
    );
    h.check_state(&rt);
}

#[test]
fn legacy_sector_without_fee_gets_one_after_the_grace_period() {
    let legacy = SectorOnChainInfo {
        daily_fee: TokenAmount::zero(),
        ..cc_sector(1, START_EPOCH, EXPIRATION)
    };
    let (h, rt) = setup(vec![legacy]);
    let decl = |e| params(vec![extension(DL, &[1], vec![], e)]);

    // During the FIP-0100 grace period the sector stays fee-free.
    rt.network_version.set(NetworkVersion::V25);
    h.extend_sectors(
        &rt,
        WORKER,
        decl(EXPIRATION + 1),
        &no_claims(),
        PowerPair::zero(),
    )
    .unwrap();
    assert!(h.sector(&rt, 1).daily_fee.is_zero());

    rt.network_version.set(NetworkVersion::V26);
    h.extend_sectors(
        &rt,
        WORKER,
        decl(EXPIRATION + 2),
        &no_claims(),
        PowerPair::zero(),
    )
    .unwrap();
    // 1e9 FIL circulating, 32 GiB of QA power: 5,559,989,783,494 atto a day.
    let fee = TokenAmount::from_atto(5_559_989_783_494u64);
    assert_eq!(
        daily_proof_fee(&h.circulating_supply, &BigInt::from(SECTOR_BYTES)),
        fee
    );
    assert_eq!(h.sector(&rt, 1).daily_fee, fee);
    assert_eq!(h.deadline(&rt, DL).daily_fee, fee);
    h.check_state(&rt);
}

#[test]
fn legacy_weighted_sector_drops_spent_weight() {
    // Deal weights from before simple QA power: all verified, no claims listed.
    let sector = SectorOnChainInfo {
        flags: SectorOnChainInfoFlags::empty(),
        ..verified_sector(1, START_EPOCH, EXPIRATION)
    };
    let (h, rt) = setup(vec![sector]);
    let now = rt.epoch.get();
    let new_expiration = EXPIRATION + 200 * EPOCHS_IN_DAY;
    // Only the remaining spacetime stays verified, spread over the new duration.
    let weight = BigInt::from(SECTOR_BYTES) * (EXPIRATION - now);
    let new_qa = qa_power_for_weight(
        fvm_shared::sector::SectorSize::_32GiB,
        new_expiration - now,
        &weight,
    );
    let old_qa = BigInt::from(10 * SECTOR_BYTES);
    let delta = PowerPair::new(BigInt::zero(), &new_qa - &old_qa);
    assert!(delta.qa < BigInt::zero());
    h.extend_sectors(
        &rt,
        WORKER,
        params(vec![extension(DL, &[1], vec![], new_expiration)]),
        &no_claims(),
        delta,
    )
    .unwrap();
    let s = h.sector(&rt, 1);
    assert_eq!(s.verified_deal_weight, weight);
    assert_eq!(s.power_base_epoch, now);
    // The fee follows the power: 10 * new / old, rounded down.
    let fee = BigInt::from(10) * &new_qa / &old_qa;
    assert_eq!(s.daily_fee, TokenAmount::from_atto(fee));
    h.check_state(&rt);
}
