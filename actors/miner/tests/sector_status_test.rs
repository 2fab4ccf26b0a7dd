//! Sector status for FEVM contracts (draft FIP "Export Sector Status to FEVM"): the wire shapes
//! and method numbers, then every row of the spec's tables and every exit code of
//! `GenerateSectorStatusInfo`, `ValidateSectorStatus`, `GetSectorExpiration` and
//! `GetNominalSectorExpiration`, on miner states built through the state API.

mod sector_status_util;

use fil_actor_miner::*;
use fil_actor_miner_state::v18 as cs;
use fil_actors_runtime::ActorError;
use fvm_ipld_encoding::{from_slice, to_vec};
use fvm_shared::error::ExitCode;
use sector_status_util::{aux, Miner};

use SectorStatusCode::{Active, Dead, Faulty};

const DEADLINES: u64 = 48;

fn code<T: std::fmt::Debug>(r: Result<T, ActorError>) -> ExitCode {
    r.unwrap_err().exit_code()
}

fn err_msg<T: std::fmt::Debug>(r: Result<T, ActorError>) -> String {
    r.unwrap_err().msg().to_string()
}

/// Deadline 3, partitions of 4: partition 0 holds 10..=13, partition 1 holds 14..=15.
/// 11 is faulty, 12 terminated, 13 expired (expiration 50), 15 unproven. Sector 20 was
/// allocated but never proven.
fn miner() -> Miner {
    let mut m = Miner::new(DEADLINES, 4);
    m.commit(
        3,
        &[(10, 1000), (11, 1001), (12, 1002), (13, 50), (14, 1004)],
        true,
    );
    m.commit(3, &[(15, 1005)], false);
    m.fault(3, &[11]);
    m.terminate(3, &[12], 40);
    assert_eq!(m.expire(3, 60), sector_status_util::bf(&[13]));
    m
}

#[test]
fn method_numbers_are_frc42_hashes_of_the_names() {
    let cases = [
        (
            GENERATE_SECTOR_STATUS_INFO_METHOD,
            fil_actors_runtime::method_hash!("GenerateSectorStatusInfo"),
            4191053301,
        ),
        (
            VALIDATE_SECTOR_STATUS_METHOD,
            fil_actors_runtime::method_hash!("ValidateSectorStatus"),
            3092458564,
        ),
        (
            GET_SECTOR_EXPIRATION_METHOD,
            fil_actors_runtime::method_hash!("GetSectorExpiration"),
            1925291949,
        ),
        (
            GENERATE_SECTOR_LOCATION_METHOD,
            fil_actors_runtime::method_hash!("GenerateSectorLocation"),
            1321604665,
        ),
        (
            GET_NOMINAL_SECTOR_EXPIRATION_METHOD,
            fil_actors_runtime::method_hash!("GetNominalSectorExpiration"),
            3010055991,
        ),
    ];
    for (constant, hashed, spec) in cases {
        assert_eq!((constant, hashed), (spec, spec));
    }
}

#[test]
fn wire_shapes() {
    assert_eq!(to_vec(&Dead).unwrap(), vec![0x00]);
    assert_eq!(to_vec(&Active).unwrap(), vec![0x01]);
    assert_eq!(to_vec(&Faulty).unwrap(), vec![0x02]);
    assert_eq!(from_slice::<SectorStatusCode>(&[0x02]).unwrap(), Faulty);
    // An unknown code is a clean decoding error, never a panic.
    let e = from_slice::<SectorStatusCode>(&[0x03]).unwrap_err();
    assert!(
        e.to_string().contains("invalid sector status code 3"),
        "{e}"
    );
    assert_eq!(SectorStatusCode::try_from(255u8), Err(255));
    // The same in the parameters of ValidateSectorStatus: [10, 3, h'8200 00'].
    let e = from_slice::<ValidateSectorStatusParams>(&[0x83, 0x0a, 0x03, 0x42, 0x82, 0x00])
        .unwrap_err();
    assert!(
        e.to_string().contains("invalid sector status code 3"),
        "{e}"
    );

    // [-1, -1] and [3, 1].
    assert_eq!(aux(NO_DEADLINE, NO_PARTITION), vec![0x82, 0x20, 0x20]);
    assert_eq!(aux(3, 1), vec![0x82, 0x03, 0x01]);
    let ret = GenerateSectorStatusInfoReturn::new(Faulty, &SectorLocation::NONE).unwrap();
    assert_eq!(
        to_vec(&ret).unwrap(),
        vec![0x82, 0x02, 0x43, 0x82, 0x20, 0x20]
    );
    assert_eq!(
        to_vec(&GenerateSectorStatusInfoParams { sector_number: 7 }).unwrap(),
        vec![0x81, 0x07]
    );
    let params = ValidateSectorStatusParams {
        sector_number: 7,
        status: Active,
        aux_data: aux(0, 2),
    };
    assert_eq!(
        to_vec(&params).unwrap(),
        vec![0x83, 0x07, 0x01, 0x43, 0x82, 0x00, 0x02]
    );
    let params = GetSectorExpirationParams {
        sector_number: 7,
        aux_data: aux(0, 2),
    };
    assert_eq!(
        to_vec(&params).unwrap(),
        vec![0x82, 0x07, 0x43, 0x82, 0x00, 0x02]
    );
    assert_eq!(
        to_vec(&ValidateSectorStatusReturn { valid: true }).unwrap(),
        vec![0xf5]
    );
    assert_eq!(
        to_vec(&GetSectorExpirationReturn { expiration: 24 }).unwrap(),
        vec![0x18, 24]
    );
    assert_eq!(
        to_vec(&GetNominalSectorExpirationParams { sector_number: 1 }).unwrap(),
        vec![0x01]
    );
    assert_eq!(
        to_vec(&GetNominalSectorExpirationReturn { expiration: -1 }).unwrap(),
        vec![0x20]
    );
}

#[test]
fn shapes_match_the_network_v18_types() {
    let ret = GenerateSectorStatusInfoReturn::new(
        Active,
        &SectorLocation {
            deadline: 47,
            partition: 2999,
        },
    )
    .unwrap();
    let bytes = to_vec(&ret).unwrap();
    let theirs: cs::GenerateSectorLocationReturn = from_slice(&bytes).unwrap();
    assert_eq!(theirs.status, cs::SectorStatusCode::Active);
    let loc: cs::SectorLocation = from_slice(&theirs.aux_data).unwrap();
    assert_eq!((loc.deadline, loc.partition), (47, 2999));
    assert_eq!(to_vec(&theirs).unwrap(), bytes);

    let params = ValidateSectorStatusParams {
        sector_number: 1 << 40,
        status: Faulty,
        aux_data: aux(NO_DEADLINE, NO_PARTITION),
    };
    let bytes = to_vec(&params).unwrap();
    let theirs: cs::ValidateSectorStatusParams = from_slice(&bytes).unwrap();
    assert_eq!(theirs.status, cs::SectorStatusCode::Faulty);
    assert_eq!(to_vec(&theirs).unwrap(), bytes);
    assert_eq!(
        from_slice::<ValidateSectorStatusParams>(&bytes).unwrap(),
        params
    );

    let theirs = cs::GetNominalSectorExpirationReturn { expiration: 123456 };
    let bytes = to_vec(&theirs).unwrap();
    assert_eq!(
        to_vec(&GetNominalSectorExpirationReturn { expiration: 123456 }).unwrap(),
        bytes
    );
    let theirs = cs::ValidateSectorStatusReturn { valid: false };
    assert_eq!(
        to_vec(&ValidateSectorStatusReturn { valid: false }).unwrap(),
        to_vec(&theirs).unwrap()
    );
}

#[test]
fn generate_reports_the_most_specific_status_and_location() {
    let m = miner();
    let at = |p: i64| SectorLocation {
        deadline: 3,
        partition: p,
    };
    assert_eq!(m.generate(10).unwrap(), (Active, at(0)));
    assert_eq!(m.generate(11).unwrap(), (Faulty, at(0)));
    assert_eq!(m.generate(12).unwrap(), (Dead, at(0)));
    assert_eq!(m.generate(13).unwrap(), (Dead, at(0)));
    assert_eq!(m.generate(14).unwrap(), (Active, at(1)));
    // Not yet proven by a Window PoSt, but proven at commitment: live.
    assert_eq!(m.generate(15).unwrap(), (Active, at(1)));
    // Never proven (allocated or pre-committed only), or never allocated.
    assert_eq!(m.generate(20).unwrap(), (Dead, SectorLocation::NONE));
    assert_eq!(m.generate(0).unwrap(), (Dead, SectorLocation::NONE));
    assert_eq!(
        m.generate(MAX_SECTOR_NUMBER).unwrap(),
        (Dead, SectorLocation::NONE)
    );
}

#[test]
fn generate_rejects_impossible_sector_numbers_and_inconsistent_state() {
    let mut m = miner();
    let r = m.generate(MAX_SECTOR_NUMBER + 1);
    assert_eq!(
        err_msg(r),
        format!(
            "sector number {} greater than maximum {}",
            MAX_SECTOR_NUMBER + 1,
            MAX_SECTOR_NUMBER
        )
    );
    assert_eq!(code(m.generate(u64::MAX)), ExitCode::USR_ILLEGAL_ARGUMENT);
    // A sector info with no partition breaks the state's invariants.
    m.st.put_sectors(
        &m.store,
        vec![SectorOnChainInfo {
            sector_number: 30,
            ..Default::default()
        }],
    )
    .unwrap();
    let r = m.generate(30);
    assert_eq!(
        (r.clone().unwrap_err().exit_code(), err_msg(r)),
        (
            ExitCode::USR_ILLEGAL_STATE,
            "sector 30 is in the sectors AMT but in no partition".to_string()
        )
    );
}

/// The seed's test case: a terminated sector removed by compaction is dead in no partition,
/// without error; a live sector moved by the same compaction gets its new location.
#[test]
fn compacted_terminated_sector_is_dead_in_no_partition() {
    let mut m = Miner::new(DEADLINES, 2);
    m.commit(5, &[(1, 100), (2, 100), (3, 100), (4, 100)], true);
    m.terminate(5, &[1], 10);
    let stale = aux(5, 0);
    assert!(m.validate(1, 0, &stale).unwrap());
    assert!(m.validate(2, 1, &stale).unwrap());

    assert_eq!(m.compact(5, &[0]).unwrap(), sector_status_util::bf(&[1]));
    assert_eq!(m.generate(1).unwrap(), (Dead, SectorLocation::NONE));
    assert!(m.st.get_sector(&m.store, 1).unwrap().is_none());
    // Partition 1 (3, 4) became partition 0; sector 2 was re-added after it, to partition 1.
    let moved = SectorLocation {
        deadline: 5,
        partition: 1,
    };
    assert_eq!(m.generate(2).unwrap(), (Active, moved));
    assert!(m.validate(1, 0, &aux(NO_DEADLINE, NO_PARTITION)).unwrap());
    // The old location of the dead sector now holds other sectors: stale, never "live".
    assert_eq!(code(m.validate(1, 0, &stale)), ExitCode::USR_NOT_FOUND);
    assert_eq!(code(m.validate(1, 1, &stale)), ExitCode::USR_NOT_FOUND);
    assert_eq!(code(m.validate(2, 1, &stale)), ExitCode::USR_NOT_FOUND);
    assert!(m.validate(2, 1, &moved.to_aux_data().unwrap()).unwrap());
}

#[test]
fn validate_table_at_the_generated_location() {
    let m = miner();
    // (sector, [Dead, Active, Faulty] expected): exactly one holds.
    let rows = [
        (10, [false, true, false]),
        (11, [false, false, true]),
        (12, [true, false, false]),
        (13, [true, false, false]),
        (15, [false, true, false]),
        (20, [true, false, false]),
    ];
    for (sector, expected) in rows {
        let (_, loc) = m.generate(sector).unwrap();
        let aux_data = loc.to_aux_data().unwrap();
        let got: Vec<bool> = (0..3u8)
            .map(|status| m.validate(sector, status, &aux_data).unwrap())
            .collect();
        assert_eq!(got, expected, "sector {sector}");
    }
}

#[test]
fn validate_at_no_location() {
    let m = miner();
    let none = aux(NO_DEADLINE, NO_PARTITION);
    // Absent from the sectors AMT: only "dead" holds.
    for sector in [0, 20, MAX_SECTOR_NUMBER] {
        let got: Vec<bool> = (0..3u8)
            .map(|status| m.validate(sector, status, &none).unwrap())
            .collect();
        assert_eq!(got, [true, false, false], "sector {sector}");
    }
    // In the AMT (live, faulty, or dead but not yet compacted): the location is stale.
    for sector in [10, 11, 12, 13] {
        for status in 0..3u8 {
            let r = m.validate(sector, status, &none);
            assert_eq!(
                err_msg(r),
                format!("sector {sector} is in a partition: location SectorLocation {{ deadline: -1, partition: -1 }} is stale")
            );
        }
    }
}

#[test]
fn validate_rejects_malformed_locations() {
    let m = miner();
    let malformed: [&[u8]; 6] = [
        &[],
        &[1, 2, 3, 4],
        &[0x83, 0x03, 0x00, 0x00], // three elements
        &[0x81, 0x03],             // one element
        &[0x82, 0x03, 0x41, 0x00], // bytes as partition
        &[
            0x82, 0x1b, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x00,
        ], // u64::MAX deadline
    ];
    for bytes in malformed {
        for status in 0..3u8 {
            let r = m.validate(10, status, bytes);
            assert_eq!(code(r.clone()), ExitCode::USR_ILLEGAL_ARGUMENT, "{bytes:?}");
            assert!(err_msg(r).starts_with("invalid sector location"));
        }
    }
    let out_of_range = [
        (NO_DEADLINE, 0, "invalid sector location SectorLocation { deadline: -1, partition: 0 }: only one of deadline and partition is -1"),
        (3, NO_PARTITION, "invalid sector location SectorLocation { deadline: 3, partition: -1 }: only one of deadline and partition is -1"),
        (48, 0, "invalid deadline index 48 of 48"),
        (-2, 0, "invalid deadline index -2 of 48"),
        (i64::MAX, 0, "invalid deadline index 9223372036854775807 of 48"),
        (3, -2, "invalid partition index -2 of at most 3000"),
        (3, 3000, "invalid partition index 3000 of at most 3000"),
        (i64::MIN, i64::MIN, "invalid deadline index -9223372036854775808 of 48"),
    ];
    for (d, p, msg) in out_of_range {
        for status in 0..3u8 {
            let r = m.validate(10, status, &aux(d, p));
            assert_eq!(code(r.clone()), ExitCode::USR_ILLEGAL_ARGUMENT);
            assert_eq!(err_msg(r), msg);
        }
    }
}

#[test]
fn validate_reports_stale_or_forged_locations_as_not_found() {
    let m = miner();
    let cases = [
        // Right deadline, wrong partition.
        (
            10,
            3,
            1,
            "sector 10 not in partition 1 of deadline 3, location is stale",
        ),
        (
            14,
            3,
            0,
            "sector 14 not in partition 0 of deadline 3, location is stale",
        ),
        // A deadline without partitions, and a partition index past the last.
        (
            10,
            0,
            0,
            "sector 10: deadline 0 has no partition 0, location is stale",
        ),
        (
            10,
            3,
            2,
            "sector 10: deadline 3 has no partition 2, location is stale",
        ),
        (
            10,
            3,
            2999,
            "sector 10: deadline 3 has no partition 2999, location is stale",
        ),
        // A sector that is in no partition, at a real partition.
        (
            20,
            3,
            0,
            "sector 20 not in partition 0 of deadline 3, location is stale",
        ),
    ];
    for (sector, d, p, msg) in cases {
        for status in 0..3u8 {
            let r = m.validate(sector, status, &aux(d, p));
            assert_eq!(code(r.clone()), ExitCode::USR_NOT_FOUND);
            assert_eq!(err_msg(r), msg);
        }
    }
    assert_eq!(
        code(m.validate(MAX_SECTOR_NUMBER + 1, 0, &aux(3, 0))),
        ExitCode::USR_ILLEGAL_ARGUMENT
    );
}

#[test]
fn faults_and_recoveries_move_between_active_and_faulty() {
    let mut m = miner();
    let at = aux(3, 0);
    m.recover(3, &[11]);
    assert_eq!(m.generate(11).unwrap().0, Active);
    let got: Vec<bool> = (0..3u8).map(|s| m.validate(11, s, &at).unwrap()).collect();
    assert_eq!(got, [false, true, false]);
    m.fault(3, &[10]);
    let got: Vec<bool> = (0..3u8).map(|s| m.validate(10, s, &at).unwrap()).collect();
    assert_eq!(got, [false, false, true]);
    // A faulty sector that is then terminated is dead.
    m.terminate(3, &[10], 70);
    let got: Vec<bool> = (0..3u8).map(|s| m.validate(10, s, &at).unwrap()).collect();
    assert_eq!(got, [true, false, false]);
}

#[test]
fn sector_expiration_of_live_sectors_only() {
    let m = miner();
    assert_eq!(m.expiration(10, &aux(3, 0)).unwrap(), 1000);
    assert_eq!(m.expiration(11, &aux(3, 0)).unwrap(), 1001);
    assert_eq!(m.expiration(15, &aux(3, 1)).unwrap(), 1005);
    for (sector, loc) in [
        (12, aux(3, 0)),
        (13, aux(3, 0)),
        (20, aux(NO_DEADLINE, NO_PARTITION)),
    ] {
        let r = m.expiration(sector, &loc);
        assert_eq!(code(r.clone()), ExitCode::USR_FORBIDDEN);
        assert_eq!(err_msg(r), format!("sector {sector} is not live"));
    }
    // Locations are checked exactly as for validation.
    assert_eq!(code(m.expiration(10, &aux(3, 1))), ExitCode::USR_NOT_FOUND);
    assert_eq!(
        code(m.expiration(10, &aux(NO_DEADLINE, NO_PARTITION))),
        ExitCode::USR_NOT_FOUND
    );
    assert_eq!(
        code(m.expiration(10, &[0xff])),
        ExitCode::USR_ILLEGAL_ARGUMENT
    );
    assert_eq!(
        code(m.expiration(10, &aux(48, 0))),
        ExitCode::USR_ILLEGAL_ARGUMENT
    );
    assert_eq!(
        code(m.expiration(MAX_SECTOR_NUMBER + 1, &aux(3, 0))),
        ExitCode::USR_ILLEGAL_ARGUMENT
    );
}

#[test]
fn nominal_expiration_reads_the_sectors_amt() {
    let mut m = miner();
    let nominal = |m: &Miner, n| get_nominal_sector_expiration(&m.store, &(&m.st).into(), n);
    assert_eq!(nominal(&m, 10).unwrap(), 1000);
    // Dead but not yet compacted: the recorded value is still there.
    assert_eq!(nominal(&m, 12).unwrap(), 1002);
    assert_eq!(nominal(&m, 13).unwrap(), 50);
    let r = nominal(&m, 20);
    assert_eq!(code(r.clone()), ExitCode::USR_NOT_FOUND);
    assert_eq!(err_msg(r), "sector 20 not found");
    assert_eq!(
        code(nominal(&m, MAX_SECTOR_NUMBER + 1)),
        ExitCode::USR_ILLEGAL_ARGUMENT
    );
    // Partition 0 still has a fault (11), so recover it before compacting.
    m.recover(3, &[11]);
    m.compact(3, &[0]).unwrap();
    assert_eq!(code(nominal(&m, 12)), ExitCode::USR_NOT_FOUND);
    assert_eq!(nominal(&m, 11).unwrap(), 1001);
}
