//! The `SectorStatus` Solidity library (`contracts/sector-status/`) read as the seed intends, on
//! both engines: a contract gets a location with `generateSectorStatusInfo`, then calls
//! `ValidateSectorStatus` and `GetSectorExpiration` through `call_actor_id` (DELEGATECALL,
//! read-only flag, CBOR codec). Every function of the library, its `try` form (the miner's exit
//! code) and its reverting form (the library's errors), is asserted for an active, a faulty, a
//! dead and a compacted-away sector, a moved sector, a stale location (`USR_NOT_FOUND` reaches
//! the contract as an exit code, not a revert), a location beyond the miner's deadlines, and an
//! actor that is not a miner. A plain CALL of the precompile fails as in v18; `call_actor`
//! reaches the miner by its address as `call_actor_id` by its ID; the miner's state cannot be
//! written through the precompile under the read-only flag. On the real FVM, prints the gas of a
//! contract's `ValidateSectorStatus` check beside a direct call.

use alloy_primitives::I256;
use cid::Cid;
use fil_actor_miner::{
    ChangeBeneficiaryParams, CompactPartitionsParams, DeclareFaultsParams, FaultDeclaration,
    Method as MinerMethod, SectorLocation, SectorStatusCode, TerminateSectorsParams,
    TerminationDeclaration, ValidateSectorStatusParams, VALIDATE_SECTOR_STATUS_METHOD,
};
use fil_actors_integration_tests::contracts::SectorStatusProbe::{
    self as P, BadReturn, MinerCallFailed, SectorNotLive, StaleLocation,
};
use fil_actors_integration_tests::evm::{
    deploy, initcode, sol_call, sol_call_ok, Contract, Reverted,
};
use fil_actors_integration_tests::miner::{
    apply_ok, policy, worker_message, MinerAddrs, POST_PROOF, SEAL_PROOF,
};
use fil_actors_integration_tests::on_both_engines;
use fil_actors_integration_tests::post::{next_window, prove_next_window};
use fil_actors_integration_tests::sectors::{
    install_sectors, miner_and_stranger, run_deadline_cron, turn_on_deadline_cron,
};
use fvm_ipld_bitfield::BitField;
use fvm_ipld_encoding::to_vec;
use fvm_shared::address::Address;
use fvm_shared::clock::ChainEpoch;
use fvm_shared::econ::TokenAmount;
use fvm_shared::error::ExitCode;
use fvm_shared::ActorID;
use test_vm::{walk_to, Msg, VM};

const DEADLINE: u64 = 3;

fn bits(sectors: &[u64]) -> BitField {
    BitField::try_from_bits(sectors.iter().copied()).unwrap()
}

fn int(n: I256) -> i64 {
    i64::try_from(n).unwrap()
}

/// What the probe's `read` returned from the library's `try` functions: five exit codes
/// (`tryValidateSectorStatus` for Dead, Active and Faulty, `tryIsLive`,
/// `tryGetSectorExpiration`), four answers and the expiration.
#[derive(Clone, Debug, PartialEq)]
struct Read {
    codes: [i64; 5],
    answers: [bool; 4],
    expiration: ChainEpoch,
}

/// What the library's reverting functions did at one location: `validateSectorStatus(Active)`,
/// `isLive` and `getSectorExpiration`, each its answer or its revert.
#[derive(Clone, Debug, PartialEq)]
struct Strict {
    validate_active: Result<bool, Reverted>,
    live: Result<bool, Reverted>,
    expiration: Result<i64, Reverted>,
}

struct Probe {
    caller: Address,
    contract: Contract,
    miner_id: u64,
}

impl Probe {
    /// `tryGenerateSectorStatusInfo` and `generateSectorStatusInfo` of `sector` of actor `id`,
    /// which must agree: the status and the location.
    fn locate_in(&self, vm: &mut dyn VM, id: ActorID, sector: u64) -> (SectorStatusCode, Vec<u8>) {
        let out = sol_call_ok(
            vm,
            self.caller,
            self.contract.address(),
            &P::locateCall {
                minerId: id,
                sector,
            },
        )
        .unwrap();
        assert_eq!(int(out.exitCode), 0, "locate({sector})");
        let strict = sol_call_ok(
            vm,
            self.caller,
            self.contract.address(),
            &P::generateCall {
                minerId: id,
                sector,
            },
        )
        .unwrap();
        assert_eq!((strict.status, &strict.auxData), (out.status, &out.auxData));
        let status = match out.status {
            0 => SectorStatusCode::Dead,
            1 => SectorStatusCode::Active,
            2 => SectorStatusCode::Faulty,
            n => panic!("status code {n}"),
        };
        (status, out.auxData.to_vec())
    }

    fn locate(&self, vm: &mut dyn VM, sector: u64) -> (SectorStatusCode, Vec<u8>) {
        self.locate_in(vm, self.miner_id, sector)
    }

    fn read(&self, vm: &mut dyn VM, sector: u64, location: &[u8]) -> Read {
        let out = sol_call_ok(
            vm,
            self.caller,
            self.contract.address(),
            &P::readCall {
                minerId: self.miner_id,
                sector,
                auxData: location.to_vec().into(),
            },
        )
        .unwrap();
        Read {
            codes: out.exitCodes.map(int),
            answers: out.answers,
            expiration: out.expiration,
        }
    }

    fn strict(&self, vm: &mut dyn VM, sector: u64, location: &[u8]) -> Strict {
        let (to, zero) = (self.contract.address(), TokenAmount::from_atto(0));
        let (miner, aux) = (self.miner_id, || location.to_vec().into());
        let validate = P::validateCall {
            minerId: miner,
            sector,
            status: 1,
            auxData: aux(),
        };
        let live = P::liveCall {
            minerId: miner,
            sector,
            auxData: aux(),
        };
        let expiration = P::expirationOfCall {
            minerId: miner,
            sector,
            auxData: aux(),
        };
        Strict {
            validate_active: sol_call(vm, self.caller, to, &validate, zero.clone())
                .unwrap()
                .0,
            live: sol_call(vm, self.caller, to, &live, zero.clone())
                .unwrap()
                .0,
            expiration: sol_call(vm, self.caller, to, &expiration, zero).unwrap().0,
        }
    }
}

fn location(bytes: &[u8]) -> (i64, i64) {
    let l = SectorLocation::from_aux_data(bytes).unwrap();
    (l.deadline, l.partition)
}

/// Each sector's status, its `try` reads and its reverting reads at a fresh location.
type SectorReads = Vec<(u64, SectorStatusCode, Read, Strict)>;

#[derive(Debug, PartialEq)]
struct Outcome {
    miner_id: ActorID,
    stranger_id: ActorID,
    /// The sectors' expiration, as installed.
    expiration: ChainEpoch,
    reads: SectorReads,
    /// Sector 4 at its location before compaction.
    stale: (Read, Strict),
    /// Sector 1 at a deadline the miner does not have (48).
    out_of_range: (Read, Strict),
    /// `generateSectorStatusInfo` of an account, which answers no CBOR.
    not_a_miner: Result<P::generateReturn, Reverted>,
    root: Cid,
}

/// Sectors 1 to 6 proven in deadline 3 (partitions {1, 2}, {3, 4}, {5, 6}); then 2 faulty, 3
/// and 5 terminated, and partition 1 compacted, which removes 3 and moves 4.
fn scenario(vm: &mut dyn VM) -> Outcome {
    let policy = policy().unwrap();
    let (m, stranger) = miner_and_stranger(vm).unwrap();
    let expiration = install_sectors(vm, m.miner_id, DEADLINE, 1..=6, 600_000).unwrap();
    let dl = next_window(vm, &m, DEADLINE).unwrap();
    walk_to(vm, dl.open - 2 * policy.wpost_challenge_window).unwrap();
    turn_on_deadline_cron(vm, &m, SEAL_PROOF, 100, TokenAmount::from_whole(1)).unwrap();
    prove_next_window(vm, &m, DEADLINE, POST_PROOF).unwrap();
    // Out of deadline 3's window, and deadline 3 no longer the current or the next one.
    run_deadline_cron(vm, m.miner_id).unwrap();

    let contract = deploy(
        vm,
        stranger,
        &initcode("SectorStatusProbe").unwrap(),
        TokenAmount::from_atto(0),
    )
    .unwrap();
    let probe = Probe {
        caller: stranger,
        contract,
        miner_id: m.miner_id,
    };
    let (status, before) = probe.locate(vm, 4);
    assert_eq!(
        (status, location(&before)),
        (SectorStatusCode::Active, (3, 1))
    );

    apply_ok(
        vm,
        &worker_message(
            &m,
            MinerMethod::DeclareFaults,
            &DeclareFaultsParams {
                faults: vec![FaultDeclaration {
                    deadline: DEADLINE,
                    partition: 0,
                    sectors: bits(&[2]),
                }],
            },
        )
        .unwrap(),
    )
    .unwrap();
    apply_ok(
        vm,
        &worker_message(
            &m,
            MinerMethod::TerminateSectors,
            &TerminateSectorsParams {
                terminations: vec![
                    TerminationDeclaration {
                        deadline: DEADLINE,
                        partition: 1,
                        sectors: bits(&[3]),
                    },
                    TerminationDeclaration {
                        deadline: DEADLINE,
                        partition: 2,
                        sectors: bits(&[5]),
                    },
                ],
            },
        )
        .unwrap(),
    )
    .unwrap();
    // Compaction waits for the dispute window after the deadline's last proof.
    let last_proof_end = dl.last();
    while vm.epoch() <= last_proof_end + policy.wpost_dispute_window {
        run_deadline_cron(vm, m.miner_id).unwrap();
    }
    apply_ok(
        vm,
        &worker_message(
            &m,
            MinerMethod::CompactPartitions,
            &CompactPartitionsParams {
                deadline: DEADLINE,
                partitions: bits(&[1]),
            },
        )
        .unwrap(),
    )
    .unwrap();

    let mut reads = vec![];
    for sector in 1..=6 {
        let (status, loc) = probe.locate(vm, sector);
        let read = probe.read(vm, sector, &loc);
        let strict = probe.strict(vm, sector, &loc);
        if sector == 3 {
            assert_eq!(location(&loc), (-1, -1), "{}: compacted away", vm.name());
        }
        if sector == 4 {
            assert_ne!(loc, before, "{}: sector 4 moved", vm.name());
        }
        reads.push((sector, status, read, strict));
    }
    let stale = (probe.read(vm, 4, &before), probe.strict(vm, 4, &before));
    let beyond = SectorLocation {
        deadline: 48,
        partition: 0,
    }
    .to_aux_data()
    .unwrap();
    let out_of_range = (probe.read(vm, 1, &beyond), probe.strict(vm, 1, &beyond));
    let stranger_id = vm.resolve(&stranger).unwrap().unwrap();
    let not_a_miner = sol_call(
        vm,
        stranger,
        contract.address(),
        &P::generateCall {
            minerId: stranger_id,
            sector: 1,
        },
        TokenAmount::from_atto(0),
    )
    .unwrap()
    .0;

    // A plain CALL of call_actor_id fails (the contract sees a failed call with no data).
    let params = to_vec(&ValidateSectorStatusParams {
        sector_number: 1,
        status: SectorStatusCode::Active,
        aux_data: SectorLocation {
            deadline: 3,
            partition: 0,
        }
        .to_aux_data()
        .unwrap(),
    })
    .unwrap();
    let out = sol_call_ok(
        vm,
        stranger,
        contract.address(),
        &P::plainCallCall {
            minerId: m.miner_id,
            method: VALIDATE_SECTOR_STATUS_METHOD,
            params: params.clone().into(),
        },
    )
    .unwrap();
    assert!(!out.ok, "{}: plain CALL refused", vm.name());
    assert!(out.out.is_empty());

    // call_actor (0xfe..03) reaches the miner by its Filecoin address as call_actor_id does by
    // ID: read-only, the miner's answer `true` in CBOR.
    let out = sol_call_ok(
        vm,
        stranger,
        contract.address(),
        &P::callActorByAddressCall {
            filAddress: m.miner.to_bytes().into(),
            method: VALIDATE_SECTOR_STATUS_METHOD,
            flags: 1,
            params: params.clone().into(),
        },
    )
    .unwrap();
    assert_eq!(int(out.exitCode), 0, "{}", vm.name());
    assert_eq!(out.ret.to_vec(), vec![0xf5]);

    read_only_cannot_write(vm, &m, &probe);
    gas_beside_direct_call(vm, &m, &probe, &params);
    Outcome {
        miner_id: m.miner_id,
        stranger_id,
        expiration,
        reads,
        stale,
        out_of_range,
        not_a_miner,
        root: vm.state_root().unwrap(),
    }
}

/// The owner proposes the contract as beneficiary; the contract's approval writes the miner's
/// state, which the read-only flag forbids (`USR_READ_ONLY` returned to the contract), and
/// without the flag it succeeds.
fn read_only_cannot_write(vm: &mut dyn VM, m: &MinerAddrs, probe: &Probe) {
    let change = ChangeBeneficiaryParams {
        new_beneficiary: probe.contract.address(),
        new_quota: TokenAmount::from_whole(1),
        new_expiration: vm.epoch() + 1_000,
    };
    apply_ok(
        vm,
        &Msg::new(m.owner, m.miner, MinerMethod::ChangeBeneficiary as u64)
            .params(&change)
            .unwrap(),
    )
    .unwrap();
    let head = vm.actor(m.miner_id).unwrap().unwrap().state;
    let approve = to_vec(&change).unwrap();
    let call = |flags: u64| P::callActorCall {
        actorId: m.miner_id,
        method: MinerMethod::ChangeBeneficiaryExported as u64,
        flags,
        params: approve.clone().into(),
    };
    let to = probe.contract.address();
    let out = sol_call_ok(vm, probe.caller, to, &call(1)).unwrap();
    assert_eq!(
        int(out.exitCode),
        ExitCode::USR_READ_ONLY.value() as i64,
        "{}",
        vm.name()
    );
    assert_eq!(vm.actor(m.miner_id).unwrap().unwrap().state, head);
    let out = sol_call_ok(vm, probe.caller, to, &call(0)).unwrap();
    assert_eq!(int(out.exitCode), 0, "{}", vm.name());
    assert_ne!(vm.actor(m.miner_id).unwrap().unwrap().state, head);
}

/// The real FVM's gas of one `ValidateSectorStatus` check by the contract (a message to it) and
/// of the same method sent directly from an account.
fn gas_beside_direct_call(vm: &mut dyn VM, m: &MinerAddrs, probe: &Probe, params: &[u8]) {
    let (_, loc) = probe.locate(vm, 1);
    let check = P::validateCall {
        minerId: m.miner_id,
        sector: 1,
        status: 1,
        auxData: loc.into(),
    };
    let (valid, by_contract) = sol_call(
        vm,
        probe.caller,
        probe.contract.address(),
        &check,
        TokenAmount::from_atto(0),
    )
    .unwrap();
    assert_eq!(valid, Ok(true));
    let direct = apply_ok(
        vm,
        &Msg {
            from: probe.caller,
            to: m.miner,
            method: VALIDATE_SECTOR_STATUS_METHOD,
            params: Some(fvm_ipld_encoding::ipld_block::IpldBlock {
                codec: fvm_ipld_encoding::CBOR,
                data: params.to_vec(),
            }),
            value: TokenAmount::from_atto(0),
        },
    )
    .unwrap();
    if let (Some(c), Some(d)) = (by_contract.gas_used, direct.gas_used) {
        println!("real-FVM gas of ValidateSectorStatus: by a contract {c}, direct {d}");
    }
}

#[test]
fn a_solidity_contract_reads_sector_status_on_both_engines() {
    let (native, fvm) = on_both_engines(scenario);
    let m = native.miner_id;
    let expiration = native.expiration;
    let live = |answers: [bool; 4]| Read {
        codes: [0; 5],
        answers,
        expiration,
    };
    let dead = Read {
        codes: [0, 0, 0, 0, ExitCode::USR_FORBIDDEN.value() as i64],
        answers: [true, false, false, false],
        expiration: 0,
    };
    let strict = |active: bool, live: bool| Strict {
        validate_active: Ok(active),
        live: Ok(live),
        expiration: Ok(expiration),
    };
    let strict_dead = |sector: u64| Strict {
        validate_active: Ok(false),
        live: Ok(false),
        expiration: Err(Reverted::with(SectorNotLive { minerId: m, sector })),
    };
    let expected = vec![
        (
            1,
            SectorStatusCode::Active,
            live([false, true, false, true]),
            strict(true, true),
        ),
        (
            2,
            SectorStatusCode::Faulty,
            live([false, false, true, true]),
            strict(false, true),
        ),
        (3, SectorStatusCode::Dead, dead.clone(), strict_dead(3)),
        (
            4,
            SectorStatusCode::Active,
            live([false, true, false, true]),
            strict(true, true),
        ),
        (5, SectorStatusCode::Dead, dead, strict_dead(5)),
        (
            6,
            SectorStatusCode::Active,
            live([false, true, false, true]),
            strict(true, true),
        ),
    ];
    assert_eq!(native.reads, expected);
    let failed = |code: ExitCode, error: Reverted| {
        (
            Read {
                codes: [code.value() as i64; 5],
                answers: [false; 4],
                expiration: 0,
            },
            Strict {
                validate_active: Err(error.clone()),
                live: Err(error.clone()),
                expiration: Err(error),
            },
        )
    };
    assert_eq!(
        native.stale,
        failed(
            ExitCode::USR_NOT_FOUND,
            Reverted::with(StaleLocation {
                minerId: m,
                sector: 4
            })
        )
    );
    assert_eq!(
        native.out_of_range,
        failed(
            ExitCode::USR_ILLEGAL_ARGUMENT,
            Reverted::with(MinerCallFailed {
                minerId: m,
                sector: 1,
                exitCode: I256::try_from(ExitCode::USR_ILLEGAL_ARGUMENT.value()).unwrap(),
            })
        )
    );
    assert_eq!(
        native.not_a_miner,
        Err(Reverted::with(BadReturn {
            minerId: native.stranger_id,
            sector: 1
        }))
    );
    assert_eq!(native, fvm);
}
