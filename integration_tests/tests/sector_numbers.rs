//! Sector numbers at and past the maximum, on both engines, in every miner method that takes
//! them. A number above `MAX_SECTOR_NUMBER` (2^63 - 1) is `USR_ILLEGAL_ARGUMENT` with a message
//! naming it, checked before any bitfield or AMT sees it (the bitfield library panics on
//! `u64::MAX`); `MAX_SECTOR_NUMBER` itself is an ordinary sector: pre-committed, proven (also by
//! a Window PoSt), read, extended, faulted, recovered and terminated here.
//!
//! Number fields are tried with `u64::MAX` and `MAX_SECTOR_NUMBER + 1`. A bitfield cannot hold
//! `u64::MAX` (its encoding ends below it), so bitfields are tried with `u64::MAX - 1`, the
//! largest they hold, and `MAX_SECTOR_NUMBER + 1`.

use cid::Cid;
use fil_actor_miner::{
    CheckSectorProvenParams, CompactSectorNumbersParams, DeclareFaultsParams,
    DeclareFaultsRecoveredParams, ExpirationExtension2, ExtendSectorExpiration2Params,
    FaultDeclaration, GenerateSectorStatusInfoParams, GenerateSectorStatusInfoReturn,
    GetSectorExpirationParams, Method, PoStPartition, ProveCommitSectorsNIParams,
    ProveReplicaUpdates3Params, RecoveryDeclaration, SectorActivationManifest, SectorClaim,
    SectorLocation, SectorNIActivationInfo, SectorStatusCode, SectorUpdateManifest,
    State as MinerState, SubmitWindowedPoStParams, TerminateSectorsParams, TerminationDeclaration,
    ValidateSectorStatusParams, GENERATE_SECTOR_STATUS_INFO_METHOD,
    GET_NOMINAL_SECTOR_EXPIRATION_METHOD, GET_SECTOR_EXPIRATION_METHOD, MAX_SECTOR_NUMBER,
    VALIDATE_SECTOR_STATUS_METHOD,
};
use fil_actors_integration_tests::miner::{
    apply_ok, policy, precommit_info, prove_commit_params, sealed_cid, valid_expiration,
    MinerAddrs, POST_PROOF,
};
use fil_actors_integration_tests::on_both_engines;
use fil_actors_integration_tests::post::{next_window, window_post_params};
use fil_actors_integration_tests::sectors::miner_and_stranger;
use fvm_ipld_bitfield::BitField;
use fvm_ipld_encoding::RawBytes;
use fvm_shared::clock::ChainEpoch;
use fvm_shared::econ::TokenAmount;
use fvm_shared::error::ExitCode;
use fvm_shared::randomness::Randomness;
use fvm_shared::sector::{
    PoStProof, RegisteredAggregateProof, RegisteredSealProof, RegisteredUpdateProof,
};
use fvm_shared::MethodNum;
use serde::Serialize;
use test_vm::{actor_state, Msg, StoreRef, VM};

const MAX: u64 = MAX_SECTOR_NUMBER;
/// Past the maximum, as a number field can carry it.
const PAST: [u64; 2] = [u64::MAX, MAX + 1];
/// Past the maximum, as a bitfield can carry it.
const PAST_IN_BITFIELDS: [u64; 2] = [u64::MAX - 1, MAX + 1];

/// One call's outcome: its label, exit code, and whether the failure names the number as past
/// the maximum.
#[derive(Debug, PartialEq)]
struct Row {
    label: String,
    code: ExitCode,
    named: bool,
}

#[derive(Debug, PartialEq)]
struct Outcome {
    rows: Vec<Row>,
    max_location: SectorLocation,
    /// The maximum's expiration when proven, and after its extension.
    max_expirations: (ChainEpoch, ChainEpoch),
    root: Cid,
}

fn bits(n: u64) -> BitField {
    BitField::try_from_bits([n]).unwrap()
}

struct Caller<'a> {
    vm: &'a mut dyn VM,
    m: MinerAddrs,
    rows: Vec<Row>,
}

impl Caller<'_> {
    /// The worker calls `method`; records the outcome for number `n`.
    fn call<P: Serialize>(&mut self, label: &str, n: u64, method: MethodNum, params: &P) -> Row {
        let msg = Msg::new(self.m.worker, self.m.miner, method)
            .params(params)
            .unwrap();
        let r = self.vm.apply(&msg).unwrap();
        eprintln!("DEBUG {label} {n}: {:?}", r.failure);
        let named = r.failure.as_deref().is_some_and(|f| {
            f.contains(&format!(
                "sector number {n} greater than maximum {MAX_SECTOR_NUMBER}"
            ))
        });
        Row {
            label: format!("{label} {n}"),
            code: r.code,
            named,
        }
    }

    fn record<P: Serialize>(&mut self, label: &str, n: u64, method: MethodNum, params: &P) {
        let row = self.call(label, n, method, params);
        self.rows.push(row);
    }
}

fn extension(
    dl: u64,
    partition: u64,
    sectors: BitField,
    claims: Vec<SectorClaim>,
    to: ChainEpoch,
) -> ExtendSectorExpiration2Params {
    ExtendSectorExpiration2Params {
        extensions: vec![ExpirationExtension2 {
            deadline: dl,
            partition,
            sectors,
            sectors_with_claims: claims,
            new_expiration: to,
        }],
    }
}

fn scenario(vm: &mut dyn VM) -> Outcome {
    let policy = policy().unwrap();
    let (m, _) = miner_and_stranger(vm).unwrap();
    let mut c = Caller {
        vm,
        m,
        rows: Vec::new(),
    };
    let precommit_method = Method::PreCommitSectorBatch2 as u64;

    // Pre-commit: past the maximum refused, the maximum itself accepted.
    let expiration = valid_expiration(c.vm).unwrap();
    for n in PAST.into_iter().chain([MAX]) {
        let params = fil_actor_miner::PreCommitSectorBatchParams2 {
            sectors: vec![precommit_info(c.vm, n, expiration, None)],
        };
        let msg = Msg::new(c.m.worker, c.m.miner, precommit_method)
            .params(&params)
            .unwrap()
            .value(TokenAmount::from_whole(1));
        let r = c.vm.apply(&msg).unwrap();
        let named = r
            .failure
            .as_deref()
            .is_some_and(|f| f.contains(&format!("sector number {n} greater than maximum")));
        c.rows.push(Row {
            label: format!("PreCommitSectorBatch2 {n}"),
            code: r.code,
            named,
        });
    }

    // Prove-commit after the challenge delay.
    let next = c.vm.epoch() + policy.pre_commit_challenge_delay + 1;
    c.vm.advance_epoch(next).unwrap();
    for n in PAST.into_iter().chain([MAX]) {
        let params = prove_commit_params(vec![SectorActivationManifest {
            sector_number: n,
            pieces: vec![],
        }]);
        c.record(
            "ProveCommitSectors3",
            n,
            Method::ProveCommitSectors3 as u64,
            &params,
        );
    }

    // NI-PoRep and replica updates of numbers past the maximum.
    for n in PAST {
        let params = ProveCommitSectorsNIParams {
            sectors: vec![SectorNIActivationInfo {
                sealing_number: n,
                sealer_id: c.m.miner_id,
                sealed_cid: sealed_cid(3),
                sector_number: n,
                seal_rand_epoch: c.vm.epoch() - 1,
                expiration,
            }],
            aggregate_proof: RawBytes::new(vec![1; 64]),
            seal_proof_type: RegisteredSealProof::StackedDRG2KiBV1P2_Feat_NiPoRep,
            aggregate_proof_type: RegisteredAggregateProof::SnarkPackV2,
            proving_deadline: 20,
            require_activation_success: true,
        };
        c.record(
            "ProveCommitSectorsNI",
            n,
            Method::ProveCommitSectorsNI as u64,
            &params,
        );
        let params = ProveReplicaUpdates3Params {
            sector_updates: vec![SectorUpdateManifest {
                sector: n,
                deadline: 0,
                partition: 0,
                new_sealed_cid: sealed_cid(4),
                pieces: vec![],
            }],
            sector_proofs: vec![RawBytes::new(vec![1])],
            aggregate_proof: RawBytes::default(),
            update_proofs_type: RegisteredUpdateProof::StackedDRG2KiBV1,
            aggregate_proof_type: None,
            require_activation_success: true,
            require_notification_success: true,
        };
        c.record(
            "ProveReplicaUpdates3",
            n,
            Method::ProveReplicaUpdates3 as u64,
            &params,
        );
    }

    // Sector status and the getters: the maximum reads as an active sector.
    let generated: GenerateSectorStatusInfoReturn =
        c.vm.apply(
            &Msg::new(c.m.worker, c.m.miner, GENERATE_SECTOR_STATUS_INFO_METHOD)
                .params(&GenerateSectorStatusInfoParams { sector_number: MAX })
                .unwrap(),
        )
        .unwrap()
        .ret_as()
        .unwrap();
    assert_eq!(generated.status, SectorStatusCode::Active);
    let max_location = SectorLocation::from_aux_data(&generated.aux_data).unwrap();
    let (dl, partition) = (max_location.deadline as u64, max_location.partition as u64);
    for n in PAST.into_iter().chain([MAX]) {
        let generate = GenerateSectorStatusInfoParams { sector_number: n };
        c.record(
            "GenerateSectorStatusInfo",
            n,
            GENERATE_SECTOR_STATUS_INFO_METHOD,
            &generate,
        );
        let validate = ValidateSectorStatusParams {
            sector_number: n,
            status: SectorStatusCode::Active,
            aux_data: generated.aux_data.clone(),
        };
        c.record(
            "ValidateSectorStatus",
            n,
            VALIDATE_SECTOR_STATUS_METHOD,
            &validate,
        );
        let expiration_params = GetSectorExpirationParams {
            sector_number: n,
            aux_data: generated.aux_data.clone(),
        };
        c.record(
            "GetSectorExpiration",
            n,
            GET_SECTOR_EXPIRATION_METHOD,
            &expiration_params,
        );
        c.record(
            "GetNominalSectorExpiration",
            n,
            GET_NOMINAL_SECTOR_EXPIRATION_METHOD,
            &n,
        );
        let proven = CheckSectorProvenParams { sector_number: n };
        c.record(
            "CheckSectorProven",
            n,
            Method::CheckSectorProven as u64,
            &proven,
        );
    }

    // Window PoSt's skipped sectors are checked before the deadline is.
    for n in PAST_IN_BITFIELDS {
        let params = SubmitWindowedPoStParams {
            deadline: dl,
            partitions: vec![PoStPartition {
                index: partition,
                skipped: bits(n),
            }],
            proofs: vec![PoStProof {
                post_proof: POST_PROOF,
                proof_bytes: vec![0; 32],
            }],
            chain_commit_epoch: c.vm.epoch() - 1,
            chain_commit_rand: Randomness(vec![0; 32]),
        };
        c.record(
            "SubmitWindowedPoSt",
            n,
            Method::SubmitWindowedPoSt as u64,
            &params,
        );
    }

    // The maximum's first Window PoSt makes it an active sector, which may be extended.
    let window = next_window(c.vm, &c.m, dl).unwrap();
    if c.vm.epoch() < window.last() {
        c.vm.advance_epoch(window.last()).unwrap();
    }
    let post = window_post_params(c.vm, &c.m, &window).unwrap();
    apply_ok(
        c.vm,
        &Msg::new(c.m.worker, c.m.miner, Method::SubmitWindowedPoSt as u64)
            .params(&post)
            .unwrap(),
    )
    .unwrap();
    c.vm.advance_epoch(window.last() + 1).unwrap();

    // The methods that change a sector, where the sector's deadline may change: two deadlines on.
    let st: MinerState = actor_state(c.vm, c.m.miner_id).unwrap();
    let mut at = c.vm.epoch() + 1;
    while st.deadline_info(&policy, at).index != (dl + 2) % policy.wpost_period_deadlines {
        at += 1;
    }
    c.vm.advance_epoch(at).unwrap();
    let proven_expiration = st
        .get_sector(&StoreRef(c.vm.store()), MAX)
        .unwrap()
        .unwrap()
        .expiration;
    let later = proven_expiration + 10 * policy.wpost_proving_period;
    for n in PAST_IN_BITFIELDS {
        c.record(
            "ExtendSectorExpiration2 sectors",
            n,
            Method::ExtendSectorExpiration2 as u64,
            &extension(dl, partition, bits(n), vec![], later),
        );
    }
    for n in PAST {
        let claim = SectorClaim {
            sector_number: n,
            maintain_claims: vec![],
            drop_claims: vec![],
        };
        c.record(
            "ExtendSectorExpiration2 sectors_with_claims",
            n,
            Method::ExtendSectorExpiration2 as u64,
            &extension(dl, partition, BitField::new(), vec![claim], later),
        );
    }
    c.record(
        "ExtendSectorExpiration2 sectors",
        MAX,
        Method::ExtendSectorExpiration2 as u64,
        &extension(dl, partition, bits(MAX), vec![], later),
    );
    for n in PAST_IN_BITFIELDS.into_iter().chain([MAX]) {
        let faults = DeclareFaultsParams {
            faults: vec![FaultDeclaration {
                deadline: dl,
                partition,
                sectors: bits(n),
            }],
        };
        c.record("DeclareFaults", n, Method::DeclareFaults as u64, &faults);
    }
    for n in PAST_IN_BITFIELDS.into_iter().chain([MAX]) {
        let recoveries = DeclareFaultsRecoveredParams {
            recoveries: vec![RecoveryDeclaration {
                deadline: dl,
                partition,
                sectors: bits(n),
            }],
        };
        c.record(
            "DeclareFaultsRecovered",
            n,
            Method::DeclareFaultsRecovered as u64,
            &recoveries,
        );
    }
    for n in PAST_IN_BITFIELDS.into_iter().chain([MAX]) {
        let mask = CompactSectorNumbersParams {
            mask_sector_numbers: bits(n),
        };
        c.record(
            "CompactSectorNumbers",
            n,
            Method::CompactSectorNumbers as u64,
            &mask,
        );
    }
    for n in PAST_IN_BITFIELDS.into_iter().chain([MAX]) {
        let terminate = TerminateSectorsParams {
            terminations: vec![TerminationDeclaration {
                deadline: dl,
                partition,
                sectors: bits(n),
            }],
        };
        c.record(
            "TerminateSectors",
            n,
            Method::TerminateSectors as u64,
            &terminate,
        );
    }
    let st: MinerState = actor_state(c.vm, c.m.miner_id).unwrap();
    let extended = st
        .get_sector(&StoreRef(c.vm.store()), MAX)
        .unwrap()
        .unwrap()
        .expiration;
    let rows = std::mem::take(&mut c.rows);
    Outcome {
        rows,
        max_location,
        max_expirations: (proven_expiration, extended),
        root: c.vm.state_root().unwrap(),
    }
}

#[test]
fn sector_numbers_past_the_maximum_are_refused_everywhere_on_both_engines() {
    let (native, fvm) = on_both_engines(scenario);
    let mut expected = Vec::new();
    let refused = |label: &str, n: u64| Row {
        label: format!("{label} {n}"),
        code: ExitCode::USR_ILLEGAL_ARGUMENT,
        named: true,
    };
    let accepted = |label: &str, n: u64| Row {
        label: format!("{label} {n}"),
        code: ExitCode::OK,
        named: false,
    };
    for label in ["PreCommitSectorBatch2", "ProveCommitSectors3"] {
        expected.extend(PAST.map(|n| refused(label, n)));
        expected.push(accepted(label, MAX));
    }
    for n in PAST {
        expected.push(refused("ProveCommitSectorsNI", n));
        expected.push(refused("ProveReplicaUpdates3", n));
    }
    for n in PAST.into_iter().chain([MAX]) {
        for label in [
            "GenerateSectorStatusInfo",
            "ValidateSectorStatus",
            "GetSectorExpiration",
            "GetNominalSectorExpiration",
            "CheckSectorProven",
        ] {
            expected.push(if n == MAX {
                accepted(label, n)
            } else {
                refused(label, n)
            });
        }
    }
    expected.extend(PAST_IN_BITFIELDS.map(|n| refused("SubmitWindowedPoSt", n)));
    expected.extend(PAST_IN_BITFIELDS.map(|n| refused("ExtendSectorExpiration2 sectors", n)));
    expected.extend(PAST.map(|n| refused("ExtendSectorExpiration2 sectors_with_claims", n)));
    expected.push(accepted("ExtendSectorExpiration2 sectors", MAX));
    for label in [
        "DeclareFaults",
        "DeclareFaultsRecovered",
        "CompactSectorNumbers",
        "TerminateSectors",
    ] {
        expected.extend(PAST_IN_BITFIELDS.map(|n| refused(label, n)));
        expected.push(accepted(label, MAX));
    }
    assert_eq!(native.rows, expected);
    // The maximum was extended by ten proving periods before it was terminated.
    let (proven, extended) = native.max_expirations;
    assert_eq!(
        extended,
        proven + 10 * policy().unwrap().wpost_proving_period
    );
    assert!(native.max_location.deadline >= 0);
    assert_eq!(native, fvm);
}
