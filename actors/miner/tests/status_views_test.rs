//! The partial decodes behind the sector-status reads agree with the full decodes of the same
//! bytes, on v18's 15-field state and on the 16-field state with FIP-0067's counters, and refuse
//! bytes too short to hold the fields they keep.

mod sector_status_util;

use cid::Cid;
use fil_actor_miner::*;
use fil_actors_runtime::ActorError;
use fvm_shared::error::ExitCode;
use multihash_codetable::{Code, MultihashDigest};
use sector_status_util::{bf, Miner};

/// A miner with sectors in two deadlines: deadline 1 holds 1..=5 (two partitions of 3), with 2
/// faulty and 3 terminated; deadline 4 holds 10 and 11.
fn miner() -> Miner {
    let mut m = Miner::new(6, 3);
    m.commit(
        1,
        &[(1, 600), (2, 700), (3, 800), (4, 900), (5, 1000)],
        true,
    );
    m.commit(4, &[(10, 1100), (11, 1200)], true);
    m.fault(1, &[2]);
    m.terminate(1, &[3], 100);
    m
}

fn roots_from_bytes(st: &State) -> StatusRoots {
    let bytes = fvm_ipld_encoding::to_vec(st).unwrap();
    fvm_ipld_encoding::from_slice(&bytes).unwrap()
}

#[test]
fn status_roots_read_both_state_encodings() {
    let mut m = miner();
    let expected = StatusRoots {
        sectors: m.st.sectors,
        deadlines: m.st.deadlines,
    };
    assert_eq!(fvm_ipld_encoding::to_vec(&m.st).unwrap()[0], 0x8f);
    assert_eq!(roots_from_bytes(&m.st), expected);
    m.st.old_sectors = Some(OldSectors::Counters(OldSectorCounters {
        initial: 7,
        deactivated: 2,
    }));
    assert_eq!(fvm_ipld_encoding::to_vec(&m.st).unwrap()[0], 0x90);
    assert_eq!(roots_from_bytes(&m.st), expected);
}

#[test]
fn status_roots_refuse_a_short_state() {
    // A 12-element array ends before the deadlines (field 12).
    let cid = miner().st.sectors;
    let short: Vec<Cid> = vec![cid; 12];
    let bytes = fvm_ipld_encoding::to_vec(&short).unwrap();
    let err = fvm_ipld_encoding::from_slice::<StatusRoots>(&bytes).unwrap_err();
    assert!(
        err.to_string().contains("miner state: too few fields"),
        "{err}"
    );
}

#[test]
fn deadline_partitions_root_matches_every_deadline() {
    let m = miner();
    let roots = StatusRoots::from(&m.st);
    let deadlines = m.st.load_deadlines(&m.store).unwrap();
    for idx in 0..6 {
        let full = deadlines.load_deadline(&m.store, idx).unwrap();
        assert_eq!(
            deadline_partitions_root(&m.store, &roots, idx).unwrap(),
            full.partitions,
            "deadline {idx}"
        );
    }
}

#[test]
fn deadline_partitions_root_refuses_an_index_past_the_list() {
    let m = miner();
    let err: ActorError =
        deadline_partitions_root(&m.store, &StatusRoots::from(&m.st), 6).unwrap_err();
    assert_eq!(err.exit_code(), ExitCode::USR_ILLEGAL_STATE);
    assert!(err.msg().contains("deadline 6"), "{}", err.msg());
}

#[test]
fn partition_status_bits_match_the_full_partitions() {
    let m = miner();
    let roots = StatusRoots::from(&m.st);
    let partitions = deadline_partitions_root(&m.store, &roots, 1).unwrap();
    let bits = |idx| {
        read_partition_status(&m.store, &partitions, idx, |p| {
            p.map(|p| (p.sectors.clone(), p.faults.clone(), p.terminated.clone()))
        })
        .unwrap()
    };
    assert_eq!(bits(0), Some((bf(&[1, 2, 3]), bf(&[2]), bf(&[3]))));
    assert_eq!(bits(1), Some((bf(&[4, 5]), bf(&[]), bf(&[]))));
    assert_eq!(bits(2), None);
    let full = m.partitions(1);
    assert_eq!(full[0].sectors, bf(&[1, 2, 3]));
    assert_eq!(full[0].faults, bf(&[2]));
    assert_eq!(full[0].terminated, bf(&[3]));
    // The status each partition's bitfields give.
    let status = |idx, n| {
        read_partition_status(&m.store, &partitions, idx, |p| p.map(|p| p.status_of(n))).unwrap()
    };
    assert_eq!(status(0, 1), Some(SectorStatusCode::Active));
    assert_eq!(status(0, 2), Some(SectorStatusCode::Faulty));
    assert_eq!(status(0, 3), Some(SectorStatusCode::Dead));
}

#[test]
fn sector_expiration_reads_the_recorded_expiration() {
    let m = miner();
    let roots = StatusRoots::from(&m.st);
    for (n, expiration) in [(1, 600), (3, 800), (5, 1000), (10, 1100), (11, 1200)] {
        assert_eq!(
            sector_expiration(&m.store, &roots, n).unwrap(),
            Some(expiration)
        );
        assert_eq!(
            m.st.get_sector(&m.store, n).unwrap().unwrap().expiration,
            expiration
        );
        assert!(has_sector(&m.store, &roots, n).unwrap());
    }
    for n in [0, 6, 9, 12, 1_000_000] {
        assert_eq!(sector_expiration(&m.store, &roots, n).unwrap(), None);
        assert!(!has_sector(&m.store, &roots, n).unwrap());
    }
}

#[test]
fn views_report_a_missing_block() {
    let m = miner();
    let absent = Cid::new_v1(0x71, Code::Blake2b256.digest(b"no such block"));
    let roots = StatusRoots {
        sectors: absent,
        deadlines: absent,
    };
    let err = deadline_partitions_root(&m.store, &roots, 0).unwrap_err();
    assert_eq!(err.exit_code(), ExitCode::USR_ILLEGAL_STATE);
    let err = sector_expiration(&m.store, &roots, 1).unwrap_err();
    assert_eq!(err.exit_code(), ExitCode::USR_ILLEGAL_STATE);
}
