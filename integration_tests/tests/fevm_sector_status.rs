//! A Solidity contract reads sector status as the seed intends, on both engines: it gets a
//! location with a read-only `GenerateSectorStatusInfo`, then calls `ValidateSectorStatus` and
//! `GetSectorExpiration` through `call_actor_id` (DELEGATECALL, read-only flag, CBOR codec) and
//! returns the miner's answers and exit codes. Asserted for an active, a faulty, a dead and a
//! compacted-away sector and a stale location (`USR_NOT_FOUND` reaches the contract as an exit
//! code, not a revert); a plain CALL of the precompile fails as in v18; `call_actor` reaches the
//! miner by its address as `call_actor_id` by its ID; the miner's state cannot
//! be written through the precompile under the read-only flag. On the real FVM, prints the gas
//! of a contract's `ValidateSectorStatus` check beside a direct call.

use cid::Cid;
use fil_actor_miner::{
    ChangeBeneficiaryParams, CompactPartitionsParams, DeclareFaultsParams, FaultDeclaration,
    Method as MinerMethod, SectorLocation, SectorStatusCode, TerminateSectorsParams,
    TerminationDeclaration, ValidateSectorStatusParams, VALIDATE_SECTOR_STATUS_METHOD,
};
use fil_actors_integration_tests::evm::abi::{self, Arg};
use fil_actors_integration_tests::evm::{deploy, initcode, invoke_ok, Contract};
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
use test_vm::{walk_to, Msg, VM};

const DEADLINE: u64 = 3;

fn bits(sectors: &[u64]) -> BitField {
    BitField::try_from_bits(sectors.iter().copied()).unwrap()
}

/// What the probe's `read` returned: four exit codes (validate Dead, Active, Faulty; expiration),
/// three answers and the expiration.
#[derive(Clone, Debug, PartialEq)]
struct Read {
    codes: [i64; 4],
    valid: [bool; 3],
    expiration: ChainEpoch,
}

struct Probe {
    caller: Address,
    contract: Contract,
    miner_id: u64,
}

impl Probe {
    fn locate(&self, vm: &mut dyn VM, sector: u64) -> (SectorStatusCode, Vec<u8>) {
        let out = invoke_ok(
            vm,
            self.caller,
            self.contract.address(),
            &abi::call(
                "locate(uint64,uint64)",
                &[
                    Arg::Word(abi::uint(self.miner_id)),
                    Arg::Word(abi::uint(sector)),
                ],
            ),
        )
        .unwrap();
        assert_eq!(abi::int_at(&out, 0).unwrap(), 0, "locate({sector})");
        let status = match abi::uint_at(&out, 1).unwrap() {
            0 => SectorStatusCode::Dead,
            1 => SectorStatusCode::Active,
            2 => SectorStatusCode::Faulty,
            n => panic!("status code {n}"),
        };
        (status, abi::bytes_at(&out, 2).unwrap())
    }

    fn read(&self, vm: &mut dyn VM, sector: u64, location: &[u8]) -> Read {
        let out = invoke_ok(
            vm,
            self.caller,
            self.contract.address(),
            &abi::call(
                "read(uint64,uint64,bytes)",
                &[
                    Arg::Word(abi::uint(self.miner_id)),
                    Arg::Word(abi::uint(sector)),
                    Arg::Bytes(location),
                ],
            ),
        )
        .unwrap();
        Read {
            codes: std::array::from_fn(|i| abi::int_at(&out, i).unwrap()),
            valid: std::array::from_fn(|i| abi::bool_at(&out, 4 + i).unwrap()),
            expiration: abi::int_at(&out, 7).unwrap(),
        }
    }
}

fn location(bytes: &[u8]) -> (i64, i64) {
    let l = SectorLocation::from_aux_data(bytes).unwrap();
    (l.deadline, l.partition)
}

#[derive(Debug, PartialEq)]
struct Outcome {
    /// The sectors' expiration, as installed.
    expiration: ChainEpoch,
    reads: Vec<(u64, SectorStatusCode, Read)>,
    stale: Read,
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
        if sector == 3 {
            assert_eq!(location(&loc), (-1, -1), "{}: compacted away", vm.name());
        }
        if sector == 4 {
            assert_ne!(loc, before, "{}: sector 4 moved", vm.name());
        }
        reads.push((sector, status, read));
    }
    let stale = probe.read(vm, 4, &before);

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
    let out = invoke_ok(
        vm,
        stranger,
        contract.address(),
        &abi::call(
            "plainCall(uint64,uint64,bytes)",
            &[
                Arg::Word(abi::uint(m.miner_id)),
                Arg::Word(abi::uint(VALIDATE_SECTOR_STATUS_METHOD)),
                Arg::Bytes(&params),
            ],
        ),
    )
    .unwrap();
    assert!(
        !abi::bool_at(&out, 0).unwrap(),
        "{}: plain CALL refused",
        vm.name()
    );
    assert_eq!(abi::bytes_at(&out, 1).unwrap(), Vec::<u8>::new());

    // call_actor (0xfe..03) reaches the miner by its Filecoin address as call_actor_id does by
    // ID: read-only, the miner's answer `true` in CBOR.
    let out = invoke_ok(
        vm,
        stranger,
        contract.address(),
        &abi::call(
            "callActorByAddress(bytes,uint64,uint64,bytes)",
            &[
                Arg::Bytes(&m.miner.to_bytes()),
                Arg::Word(abi::uint(VALIDATE_SECTOR_STATUS_METHOD)),
                Arg::Word(abi::uint(1)),
                Arg::Bytes(&params),
            ],
        ),
    )
    .unwrap();
    assert_eq!(abi::int_at(&out, 0).unwrap(), 0, "{}", vm.name());
    assert_eq!(abi::bytes_at(&out, 1).unwrap(), vec![0xf5]);

    read_only_cannot_write(vm, &m, &probe);
    gas_beside_direct_call(vm, &m, &probe, &params);
    Outcome {
        expiration,
        reads,
        stale,
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
    let call = |flags: u64| {
        abi::call(
            "callActor(uint64,uint64,uint64,bytes)",
            &[
                Arg::Word(abi::uint(m.miner_id)),
                Arg::Word(abi::uint(MinerMethod::ChangeBeneficiaryExported as u64)),
                Arg::Word(abi::uint(flags)),
                Arg::Bytes(&approve),
            ],
        )
    };
    let out = invoke_ok(vm, probe.caller, probe.contract.address(), &call(1)).unwrap();
    assert_eq!(
        abi::int_at(&out, 0).unwrap(),
        ExitCode::USR_READ_ONLY.value() as i64,
        "{}",
        vm.name()
    );
    assert_eq!(vm.actor(m.miner_id).unwrap().unwrap().state, head);
    let out = invoke_ok(vm, probe.caller, probe.contract.address(), &call(0)).unwrap();
    assert_eq!(abi::int_at(&out, 0).unwrap(), 0, "{}", vm.name());
    assert_ne!(vm.actor(m.miner_id).unwrap().unwrap().state, head);
}

/// The real FVM's gas of one `ValidateSectorStatus` check by the contract (a message to it) and
/// of the same method sent directly from an account.
fn gas_beside_direct_call(vm: &mut dyn VM, m: &MinerAddrs, probe: &Probe, params: &[u8]) {
    let (_, loc) = probe.locate(vm, 1);
    let check = abi::call(
        "validate(uint64,uint64,uint8,bytes)",
        &[
            Arg::Word(abi::uint(m.miner_id)),
            Arg::Word(abi::uint(1)),
            Arg::Word(abi::uint(1)),
            Arg::Bytes(&loc),
        ],
    );
    let by_contract = apply_ok(
        vm,
        &fil_actors_integration_tests::evm::invoke_message(
            probe.caller,
            probe.contract.address(),
            &check,
            TokenAmount::from_atto(0),
        )
        .unwrap(),
    )
    .unwrap();
    assert!(abi::bool_at(
        &fil_actors_integration_tests::evm::return_data(&by_contract).unwrap(),
        0
    )
    .unwrap());
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
    let live = |valid: [bool; 3], expiration| Read {
        codes: [0; 4],
        valid,
        expiration,
    };
    let dead = Read {
        codes: [0, 0, 0, ExitCode::USR_FORBIDDEN.value() as i64],
        valid: [true, false, false],
        expiration: 0,
    };
    let expiration = native.expiration;
    let expected = vec![
        (
            1,
            SectorStatusCode::Active,
            live([false, true, false], expiration),
        ),
        (
            2,
            SectorStatusCode::Faulty,
            live([false, false, true], expiration),
        ),
        (3, SectorStatusCode::Dead, dead.clone()),
        (
            4,
            SectorStatusCode::Active,
            live([false, true, false], expiration),
        ),
        (5, SectorStatusCode::Dead, dead),
        (
            6,
            SectorStatusCode::Active,
            live([false, true, false], expiration),
        ),
    ];
    assert_eq!(native.reads, expected);
    let not_found = ExitCode::USR_NOT_FOUND.value() as i64;
    assert_eq!(
        native.stale,
        Read {
            codes: [not_found; 4],
            valid: [false; 3],
            expiration: 0
        }
    );
    assert_eq!(native, fvm);
}
