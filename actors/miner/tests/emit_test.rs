//! The miner's events byte by byte: every entry's flags, key and CBOR value, written out by hand
//! from `shared/spec/events.md`, so the handler tests can build their expectations with `emit`.

use cid::multihash::Multihash;
use cid::Cid;
use fil_actor_miner::emit::{
    sector_data_event, sector_precommitted_event, sector_terminated_event, FeeApplied, FeeType,
};
use fil_actor_miner::PieceActivationManifest;
use fvm_shared::econ::TokenAmount;
use fvm_shared::event::{Entry, Flags};
use fvm_shared::piece::PaddedPieceSize;

fn entry(flags: u64, key: &str, value: &[u8]) -> Entry {
    Entry {
        flags: Flags::from_bits(flags).unwrap(),
        key: key.to_string(),
        codec: 0x51,
        value: value.to_vec(),
    }
}

/// A CBOR text string of fewer than 24 bytes.
fn text(s: &str) -> Vec<u8> {
    assert!(s.len() < 24);
    let mut out = vec![0x60 + s.len() as u8];
    out.extend_from_slice(s.as_bytes());
    out
}

fn cid_cbor(cid: &Cid) -> Vec<u8> {
    let bytes = cid.to_bytes();
    let mut out = vec![0xd8, 0x2a, 0x58, bytes.len() as u8 + 1, 0x00];
    out.extend_from_slice(&bytes);
    out
}

/// A commitment CID (codec fil-commitment-unsealed, hash sha2-256-trunc254-padded) over `byte`s.
fn commitment(byte: u8) -> Cid {
    Cid::new_v1(0xf101, Multihash::wrap(0x1012, &[byte; 32]).unwrap())
}

#[test]
fn fee_type_strings_are_the_spec_table() {
    let all = [
        (FeeType::DailyProof, "daily-proof"),
        (FeeType::ContinuedFault, "continued-fault"),
        (FeeType::ConsensusFault, "consensus-fault"),
        (FeeType::Termination, "termination"),
        (FeeType::PrecommitExpired, "precommit-expired"),
        (FeeType::WindowPostDispute, "window-post-dispute"),
        (FeeType::WindowPostInvalid, "window-post-invalid"),
        (FeeType::SectorProveDeadline, "sector-prove-deadline"),
        (FeeType::BlockPenalty, "block-penalty"),
    ];
    for (fee_type, s) in all {
        assert_eq!(fee_type.as_str(), s);
    }
}

#[test]
fn fee_applied_with_every_optional_entry() {
    let event = FeeApplied::new(FeeType::DailyProof, TokenAmount::from_atto(65_536))
        .deadline(47)
        .sectors(1000)
        .limit_applied(true)
        .event()
        .unwrap();
    assert_eq!(
        event.entries,
        vec![
            entry(3, "$type", &text("fee-applied")),
            entry(3, "fee-type", &text("daily-proof")),
            // 65,536 = 0x01 0x00 0x00 after the sign byte.
            entry(2, "amount", &[0x44, 0x00, 0x01, 0x00, 0x00]),
            entry(2, "deadline", &[0x18, 47]),
            entry(2, "sectors", &[0x19, 0x03, 0xe8]),
            entry(2, "limit-applied", &[0xf5]),
        ]
    );
}

#[test]
fn fee_applied_omits_absent_entries_and_a_false_limit() {
    let event = FeeApplied::new(FeeType::ConsensusFault, TokenAmount::from_atto(5))
        .limit_applied(false)
        .event()
        .unwrap();
    assert_eq!(
        event.entries,
        vec![
            entry(3, "$type", &text("fee-applied")),
            entry(3, "fee-type", &text("consensus-fault")),
            entry(2, "amount", &[0x42, 0x00, 0x05]),
        ]
    );
}

#[test]
fn sector_precommitted_and_terminated_name_the_sector() {
    assert_eq!(
        sector_precommitted_event(300).unwrap().entries,
        vec![
            entry(3, "$type", &text("sector-precommitted")),
            entry(3, "sector", &[0x19, 0x01, 0x2c]),
        ]
    );
    assert_eq!(
        sector_terminated_event(0).unwrap().entries,
        vec![
            entry(3, "$type", &text("sector-terminated")),
            entry(3, "sector", &[0x00]),
        ]
    );
}

#[test]
fn sector_activated_lists_pieces_in_manifest_order() {
    let first = commitment(1);
    let second = commitment(2);
    let piece = |cid: Cid, size: u64| PieceActivationManifest {
        cid,
        size: PaddedPieceSize(size),
        verified_allocation_key: None,
        notify: vec![],
    };
    let pieces = vec![piece(first, 1024), piece(second, 2048)];
    let event = sector_data_event("sector-activated", 9, Some(&second), &pieces).unwrap();
    assert_eq!(
        event.entries,
        vec![
            entry(3, "$type", &text("sector-activated")),
            entry(3, "sector", &[0x09]),
            entry(3, "unsealed-cid", &cid_cbor(&second)),
            entry(3, "piece-cid", &cid_cbor(&first)),
            entry(1, "piece-size", &[0x19, 0x04, 0x00]),
            entry(3, "piece-cid", &cid_cbor(&second)),
            entry(1, "piece-size", &[0x19, 0x08, 0x00]),
        ]
    );
}

#[test]
fn a_sector_without_data_has_a_null_unsealed_cid_and_no_pieces() {
    let event = sector_data_event("sector-updated", 1, None, &[]).unwrap();
    assert_eq!(
        event.entries,
        vec![
            entry(3, "$type", &text("sector-updated")),
            entry(3, "sector", &[0x01]),
            entry(3, "unsealed-cid", &[0xf6]),
        ]
    );
}
