//! A storage provider's life on one miner, written once against the `VM` trait: creation through
//! the power actor (FIP-0077 deposit), a pre-committed batch, `ProveCommitSectors3` with a direct
//! data onboarding piece (FIP-0076), Window PoSt over many proving periods with the deadline
//! crons' FIP-0100 daily fees, a fault and its recovery, an extension, an early termination, an
//! on-time expiry and the compaction of the dead sectors.
//!
//! Every step asserts exact values (exit codes, events, deposits, pledge, fees, power) and, at
//! the milestones, reads every sector's status as a contract would (`crate::sector_status`). The
//! record of each step is what the two engines must agree on; the gas of every message to the
//! miner is kept for the gas report.

mod harness;

use std::collections::BTreeMap;

use anyhow::{ensure, Context};
use fil_actor_miner::emit::{sector_data_event, sector_precommitted_event, FeeApplied, FeeType};
use fil_actor_miner::{
    create_miner_deposit_power, daily_proof_fee, max_prove_commit_duration,
    pledge_penalty_for_termination, pre_commit_deposit_for_power, qa_power_max,
    CompactPartitionsParams, DeclareFaultsParams, DeclareFaultsRecoveredParams,
    ExpirationExtension2, ExtendSectorExpiration2Params, FaultDeclaration, Method as MinerMethod,
    ProveCommitSectors3Return, RecoveryDeclaration, SectorActivationManifest, SectorLocation,
    SectorStatusCode, TerminateSectorsParams, TerminateSectorsReturn, TerminationDeclaration,
};
use fil_actors_runtime::builtin::{
    CRON_ACTOR_ID, INIT_ACTOR_ID, REWARD_ACTOR_ID, STORAGE_POWER_ACTOR_ID, SYSTEM_ACTOR_ID,
};
use fil_actors_runtime::runtime::policy::EPOCHS_IN_DAY;
use fil_actors_runtime::BatchReturn;
use fvm_shared::bigint::BigInt;
use fvm_shared::clock::ChainEpoch;
use fvm_shared::econ::TokenAmount;
use fvm_shared::error::ExitCode;
use fvm_shared::piece::{PaddedPieceSize, PieceInfo};
use fvm_shared::sector::{SectorNumber, StoragePower};
use test_vm::genesis::genesis;
use test_vm::native::comm_d::compute_unsealed_sector_cid;
use test_vm::{balance, chain, VM};

use crate::miner::{
    create_miner_traced, ddo_piece, piece_cid, policy, precommit, precommit_info,
    prove_commit_params, SEAL_PROOF,
};
use crate::sector_status::StatusReader;
use crate::state_log::StateLog;

use harness::*;
pub use harness::{
    GasUse, LifeOutcome, Step, WrittenState, DDO_SECTOR, EXPIRING_SECTOR, FAULTY_SECTOR,
    KEPT_SECTOR, READER_RELAY_ID, SECTORS,
};

/// The whole life on `vm`, from genesis. Fails at the first value that is not the expected one.
pub fn provider_life(vm: &mut dyn VM) -> anyhow::Result<LifeOutcome> {
    let policy = policy()?;
    let g = genesis(vm, &[fil(10_000), fil(100)])?;
    let (owner, _) = g.accounts[0];
    // The contract that reads sector status: a user actor, driven by the second account.
    let reader = StatusReader::deploy(vm, g.accounts[1].0, READER_RELAY_ID)?;

    // 1. The miner, created through the power actor with the FIP-0077 deposit.
    let figures = Figures::query(vm, reader.account)?;
    let (m, created) = create_miner_traced(vm, owner, 1, fil(10))?;
    let create_epoch = vm.epoch();
    let mut life = Life {
        vm,
        policy,
        m,
        reader,
        layout: BTreeMap::new(),
        sector_fee: daily_proof_fee(
            &chain::circulating_supply(),
            &StoragePower::from(SECTOR_SIZE as u64),
        ),
        steps: Vec::new(),
        gas: Vec::new(),
        codes: Vec::new(),
        events: Vec::new(),
        log: StateLog::default(),
    };
    // Every built-in actor the life writes: the system and infrastructure actors, the miner, and
    // the accounts (the owner, the worker and the reader's).
    for actor in [
        SYSTEM_ACTOR_ID,
        INIT_ACTOR_ID,
        REWARD_ACTOR_ID,
        CRON_ACTOR_ID,
        STORAGE_POWER_ACTOR_ID,
        life.m.miner_id,
    ] {
        life.log.watch(actor);
    }
    for account in [life.m.owner, life.m.worker, life.reader.account] {
        let id = life
            .vm
            .resolve(&account)?
            .with_context(|| format!("account {account} has an ID"))?;
        life.log.watch(id);
    }
    life.note_gas("CreateMiner (power actor)".to_string(), &created);
    life.note(&created)?;
    check_eq("CreateMiner events", created.events.len(), 0)?;
    check_eq("miner balance", balance(life.vm, life.m.miner_id)?, fil(10))?;
    let deposit = figures.pledge(create_epoch, &create_miner_deposit_power(&life.policy));
    ensure!(deposit.is_positive(), "the creation deposit is positive");
    check_eq(
        "creation deposit locked",
        life.state()?.locked_funds,
        deposit,
    )?;
    life.expect_claim(0)?;
    let statuses = life.read_statuses([Expect::Dead; 4])?;
    life.finish("miner created", statuses, vec![])?;

    // 2. A batch of four pre-commitments; the first declares the CommD of its one piece.
    life.tick_to(create_epoch + 5, vec![])?;
    let precommit_epoch = life.vm.epoch();
    let piece = piece_cid(1);
    let comm_d = compute_unsealed_sector_cid(
        SEAL_PROOF,
        &[PieceInfo {
            cid: piece,
            size: PaddedPieceSize(PIECE_SIZE),
        }],
    )?;
    let max_prove = max_prove_commit_duration(&life.policy, SEAL_PROOF)
        .context("2 KiB sectors have a prove-commit window")?;
    let short_expiration = precommit_epoch + max_prove + life.policy.min_sector_expiration;
    let long_expiration = short_expiration + 60 * EPOCHS_IN_DAY;
    let mut expirations: BTreeMap<SectorNumber, ChainEpoch> = SECTORS
        .iter()
        .map(|&n| {
            let e = if n == EXPIRING_SECTOR {
                short_expiration
            } else {
                long_expiration
            };
            (n, e)
        })
        .collect();
    let infos = SECTORS
        .iter()
        .map(|&n| {
            let unsealed = (n == DDO_SECTOR).then_some(comm_d);
            precommit_info(life.vm, n, expirations[&n], unsealed)
        })
        .collect();
    let figures = Figures::query(life.vm, life.reader.account)?;
    let r = precommit(life.vm, &life.m, infos, fil(1))?;
    life.note_gas(format!("{:?}", MinerMethod::PreCommitSectorBatch2), &r);
    life.note(&r)?;
    let expected = SECTORS
        .iter()
        .map(|&n| sector_precommitted_event(n))
        .collect::<Result<_, _>>()?;
    check_eq("pre-commit events", &r.events, &life.stamped(expected))?;
    let deposit_each = pre_commit_deposit_for_power(
        &figures.reward.this_epoch_reward_smoothed,
        &figures.power.quality_adj_power_smoothed,
        &qa_power_max(SECTOR_SIZE),
    );
    check_eq(
        "pre-commit deposits",
        life.state()?.pre_commit_deposits,
        &deposit_each * 4u64,
    )?;
    let statuses = life.read_statuses([Expect::Dead; 4])?;
    life.finish("four sectors pre-committed", statuses, vec![])?;

    // 3. ProveCommitSectors3 after the challenge delay: one sector activates a direct-data
    // piece whose computed CommD must equal the pre-committed one, the others are CC.
    life.tick_to(
        precommit_epoch + life.policy.pre_commit_challenge_delay + 1,
        vec![],
    )?;
    let activation = life.vm.epoch();
    let manifest = |n: SectorNumber| SectorActivationManifest {
        sector_number: n,
        pieces: if n == DDO_SECTOR {
            vec![ddo_piece(piece, PIECE_SIZE)]
        } else {
            vec![]
        },
    };
    let activations: Vec<SectorActivationManifest> = SECTORS.iter().map(|&n| manifest(n)).collect();
    let figures = Figures::query(life.vm, life.reader.account)?;
    let r = life.call(
        MinerMethod::ProveCommitSectors3,
        &prove_commit_params(activations.clone()),
    )?;
    let ret: ProveCommitSectors3Return = r.ret_as()?;
    check_eq(
        "activation results",
        ret.activation_results,
        BatchReturn::ok(4),
    )?;
    let expected = activations
        .iter()
        .map(|a| {
            let unsealed = (a.sector_number == DDO_SECTOR).then_some(&comm_d);
            sector_data_event("sector-activated", a.sector_number, unsealed, &a.pieces)
        })
        .collect::<Result<_, _>>()?;
    check_eq(
        "sector-activated events",
        &r.events,
        &life.stamped(expected),
    )?;
    // The direct-data sector's event, entry by entry: sector, CommD, then its one piece.
    let ddo_event = &r.events[0].event;
    let keys: Vec<&str> = ddo_event.entries.iter().map(|e| e.key.as_str()).collect();
    check_eq(
        "sector-activated keys",
        keys,
        vec!["$type", "sector", "unsealed-cid", "piece-cid", "piece-size"],
    )?;
    check_eq(
        "sector-activated unsealed-cid",
        ddo_event.entries[2].value.clone(),
        fvm_ipld_encoding::to_vec(&Some(comm_d))?,
    )?;
    check_eq(
        "sector-activated piece-cid",
        ddo_event.entries[3].value.clone(),
        fvm_ipld_encoding::to_vec(&piece)?,
    )?;
    let pledge_each = figures.pledge(activation, &StoragePower::from(SECTOR_SIZE as u64));
    ensure!(pledge_each.is_positive(), "the initial pledge is positive");
    for &n in &SECTORS {
        let s = life
            .sector(n)?
            .with_context(|| format!("sector {n} activated"))?;
        check_eq(
            &format!("sector {n} pledge"),
            &s.initial_pledge,
            &pledge_each,
        )?;
        check_eq(
            &format!("sector {n} daily fee"),
            &s.daily_fee,
            &life.sector_fee,
        )?;
        check_eq(&format!("sector {n} activation"), s.activation, activation)?;
        check_eq(
            &format!("sector {n} expiration"),
            s.expiration,
            expirations[&n],
        )?;
        let data = if n == DDO_SECTOR { PIECE_SIZE } else { 0 };
        check_eq(
            &format!("sector {n} deal weight"),
            s.deal_weight,
            BigInt::from(data) * (expirations[&n] - activation),
        )?;
    }
    let st = life.state()?;
    check_eq("total pledge", st.initial_pledge, &pledge_each * 4u64)?;
    check_eq(
        "deposits released",
        st.pre_commit_deposits,
        TokenAmount::from_atto(0),
    )?;
    // New sectors have no power until their first Window PoSt.
    life.expect_claim(0)?;
    // The layout the assignment chose: two deadlines, one partition of two sectors each.
    for &n in &SECTORS {
        let (info, r) = life.reader.generate(life.vm, life.m.miner, n)?;
        life.note_relayed(&r);
        life.layout
            .insert(n, SectorLocation::from_aux_data(&info.aux_data)?);
    }
    let loc = |n: SectorNumber| life.layout[&n];
    let (da, db) = (loc(DDO_SECTOR).deadline, loc(KEPT_SECTOR).deadline);
    check_eq("deadline A partition", loc(DDO_SECTOR).partition, 0)?;
    check_eq(
        "sectors 100 and 101 together",
        loc(FAULTY_SECTOR),
        loc(DDO_SECTOR),
    )?;
    check_eq(
        "sectors 102 and 103 together",
        loc(EXPIRING_SECTOR),
        loc(KEPT_SECTOR),
    )?;
    check_eq("deadline B partition", loc(KEPT_SECTOR).partition, 0)?;
    ensure!(da != db, "the two partitions are in different deadlines");
    let (da, db) = (da as u64, db as u64);
    let live = |exp: &BTreeMap<SectorNumber, ChainEpoch>| SECTORS.map(|n| Expect::Active(exp[&n]));
    let statuses = life.read_statuses(live(&expirations))?;
    life.finish("four sectors activated", statuses, vec![])?;

    // 4. Window PoSt over three proving periods; the first PoSt of each deadline brings its
    // sectors' power.
    let healthy = |d_power: u64, other_power: u64| {
        vec![
            (da, d_power, DeadlineEnd { live: 2, faulty: 0 }),
            (db, other_power, DeadlineEnd { live: 2, faulty: 0 }),
        ]
    };
    let first = life.next_window(da)?.last() < life.next_window(db)?.last();
    let (pa, pb) = if first { (2, 4) } else { (4, 2) };
    life.prove_period("first PoSt", healthy(pa, pb))?;
    for period in 2..=3 {
        life.prove_period(&format!("proving period {period}"), healthy(4, 4))?;
    }
    let statuses = life.read_statuses(live(&expirations))?;
    life.finish("three periods proven", statuses, vec![])?;

    // 5. A fault: the sector loses its power at once and pays the continued-fault fee at its
    // deadline's end; its recovery is proven (and verified) at the next PoSt.
    life.call(
        MinerMethod::DeclareFaults,
        &DeclareFaultsParams {
            faults: vec![FaultDeclaration {
                deadline: da,
                partition: 0,
                sectors: bitfield(&[FAULTY_SECTOR]),
            }],
        },
    )?;
    life.expect_claim(3)?;
    let mut expect = live(&expirations);
    expect[1] = Expect::Faulty(expirations[&FAULTY_SECTOR]);
    let statuses = life.read_statuses(expect)?;
    life.finish("sector 101 declared faulty", statuses, vec![])?;
    life.prove_period(
        "faulty period",
        vec![
            (da, 3, DeadlineEnd { live: 2, faulty: 1 }),
            (db, 3, DeadlineEnd { live: 2, faulty: 0 }),
        ],
    )?;
    life.call(
        MinerMethod::DeclareFaultsRecovered,
        &DeclareFaultsRecoveredParams {
            recoveries: vec![RecoveryDeclaration {
                deadline: da,
                partition: 0,
                sectors: bitfield(&[FAULTY_SECTOR]),
            }],
        },
    )?;
    life.expect_claim(3)?;
    let statuses = life.read_statuses(expect)?;
    life.finish("sector 101 declared recovered", statuses, vec![])?;
    let recovery_first = life.next_window(da)?.last() < life.next_window(db)?.last();
    let (pa, pb) = if recovery_first { (4, 4) } else { (3, 4) };
    life.prove_period(
        "recovery period",
        vec![
            (da, pa, DeadlineEnd { live: 2, faulty: 0 }),
            (db, pb, DeadlineEnd { live: 2, faulty: 0 }),
        ],
    )?;
    let statuses = life.read_statuses(live(&expirations))?;
    life.finish("sector 101 recovered", statuses, vec![])?;

    // 6. Extension of the direct-data sector: the weight keeps the remaining spacetime, the
    // power and the daily fee stay.
    let now = life.vm.epoch();
    let old_expiration = expirations[&DDO_SECTOR];
    let new_expiration = old_expiration + 90 * EPOCHS_IN_DAY;
    life.call(
        MinerMethod::ExtendSectorExpiration2,
        &ExtendSectorExpiration2Params {
            extensions: vec![ExpirationExtension2 {
                deadline: da,
                partition: 0,
                sectors: bitfield(&[DDO_SECTOR]),
                sectors_with_claims: vec![],
                new_expiration,
            }],
        },
    )?;
    expirations.insert(DDO_SECTOR, new_expiration);
    let s = life.sector(DDO_SECTOR)?.context("sector 100 is there")?;
    check_eq("extended expiration", s.expiration, new_expiration)?;
    check_eq("power base epoch", s.power_base_epoch, now)?;
    check_eq(
        "extended deal weight",
        s.deal_weight,
        BigInt::from(PIECE_SIZE) * (old_expiration - now),
    )?;
    check_eq("extended daily fee", &s.daily_fee, &life.sector_fee)?;
    life.expect_claim(4)?;
    let statuses = life.read_statuses(live(&expirations))?;
    life.finish("sector 100 extended", statuses, vec![])?;

    // 7. Early termination: the FIP-0098 fee, the pledge released, the events.
    let figures = Figures::query(life.vm, life.reader.account)?;
    let now = life.vm.epoch();
    let burnt_before = life.burnt()?;
    let pledge_before = life.state()?.initial_pledge;
    let r = life.call(
        MinerMethod::TerminateSectors,
        &TerminateSectorsParams {
            terminations: vec![TerminationDeclaration {
                deadline: da,
                partition: 0,
                sectors: bitfield(&[FAULTY_SECTOR]),
            }],
        },
    )?;
    let ret: TerminateSectorsReturn = r.ret_as()?;
    ensure!(ret.done, "every termination processed in the message");
    let sector_qa = StoragePower::from(SECTOR_SIZE as u64);
    let fee = pledge_penalty_for_termination(
        &pledge_each,
        now - activation,
        &figures.continued_fault(&sector_qa),
    );
    ensure!(fee.is_positive(), "the termination fee is positive");
    let expected = vec![
        FeeApplied::new(FeeType::Termination, fee.clone())
            .sectors(1)
            .event()?,
        fil_actor_miner::emit::sector_terminated_event(FAULTY_SECTOR)?,
    ];
    check_eq("termination events", &r.events, &life.stamped(expected))?;
    check_eq("termination burnt", life.burnt()? - burnt_before, fee)?;
    check_eq(
        "pledge after termination",
        life.state()?.initial_pledge,
        pledge_before - &pledge_each,
    )?;
    life.expect_claim(3)?;
    let mut expect = live(&expirations);
    expect[1] = Expect::Dead;
    let statuses = life.read_statuses(expect)?;
    life.finish("sector 101 terminated", statuses, vec![])?;

    // 8. Proving goes on until sector 103 reaches its expiration, at the end of its
    // deadline's window in that period; then it expires on time in cron.
    let expiry_end = {
        let st = life.state()?;
        st.quant_spec_for_deadline(&life.policy, db)
            .quantize_up(short_expiration)
    };
    let mut period = 0;
    loop {
        let next_b = life.next_window(db)?.last();
        if next_b >= expiry_end {
            break;
        }
        period += 1;
        life.prove_period(
            &format!("long run, period {period}"),
            vec![
                (da, 3, DeadlineEnd { live: 1, faulty: 0 }),
                (db, 3, DeadlineEnd { live: 2, faulty: 0 }),
            ],
        )?;
    }
    check_eq(
        "sector 103's last window",
        life.next_window(db)?.last(),
        expiry_end,
    )?;
    let pledge_before = life.state()?.initial_pledge;
    // Deadline B pays only for the sector left once 103 expired.
    life.prove_period(
        "expiry period",
        vec![
            (da, 3, DeadlineEnd { live: 1, faulty: 0 }),
            (db, 3, DeadlineEnd { live: 1, faulty: 0 }),
        ],
    )?;
    let pledge_after = life.state()?.initial_pledge;
    check_eq(
        "pledge released on time",
        pledge_before - pledge_after,
        pledge_each,
    )?;
    life.expect_claim(2)?;
    let mut expect = live(&expirations);
    expect[1] = Expect::Dead;
    expect[3] = Expect::Dead;
    let statuses = life.read_statuses(expect)?;
    life.finish("sector 103 expired on time", statuses, vec![])?;

    // 9. Compaction, once both deadlines' last proofs are past dispute: the dead sectors leave
    // the partitions and the sectors table. Each deadline's only partition is removed and the
    // remaining partitions renumbered from 0, so the live sector is re-added to a new partition
    // 0: its location reads the same, while the dead sector's old location is now stale.
    let mut dispute_over = 0;
    for d in [da, db] {
        let last_close = life.next_window(d)?.close - life.policy.wpost_proving_period;
        dispute_over = dispute_over.max(last_close + life.policy.wpost_dispute_window);
    }
    life.tick_to(dispute_over, vec![])?;
    for d in [da, db] {
        ensure!(
            life.vm.epoch() < life.next_window(d)?.open - life.policy.wpost_challenge_window,
            "deadline {d} is still mutable when the dispute windows are over"
        );
    }
    check_eq(
        "partitions 0 before compaction",
        [
            life.first_partition_sectors(da)?,
            life.first_partition_sectors(db)?,
        ],
        [
            vec![DDO_SECTOR, FAULTY_SECTOR],
            vec![KEPT_SECTOR, EXPIRING_SECTOR],
        ],
    )?;
    for d in [da, db] {
        life.call(
            MinerMethod::CompactPartitions,
            &CompactPartitionsParams {
                deadline: d,
                partitions: bitfield(&[0]),
            },
        )?;
    }
    check_eq(
        "partitions 0 after compaction",
        [
            life.first_partition_sectors(da)?,
            life.first_partition_sectors(db)?,
        ],
        [vec![DDO_SECTOR], vec![KEPT_SECTOR]],
    )?;
    let mut stale = Vec::new();
    for n in [FAULTY_SECTOR, EXPIRING_SECTOR] {
        ensure!(
            life.sector(n)?.is_none(),
            "sector {n} left the sectors table"
        );
        let old = life
            .layout
            .remove(&n)
            .context("the dead sector had a location")?;
        // Validation with the stale location says so, never a status.
        let (valid, r) =
            life.reader
                .validate(life.vm, life.m.miner, n, SectorStatusCode::Dead, &old)?;
        life.note_relayed(&r);
        check_eq(
            &format!("stale validation of sector {n}"),
            valid,
            Err(ExitCode::USR_NOT_FOUND),
        )?;
        let (expiration, r) = life.reader.expiration(life.vm, life.m.miner, n, &old)?;
        life.note_relayed(&r);
        check_eq(
            &format!("stale expiration of sector {n}"),
            expiration,
            Err(ExitCode::USR_NOT_FOUND),
        )?;
        stale.push((valid, expiration));
    }
    life.expect_claim(2)?;
    let statuses = life.read_statuses(expect)?;
    life.finish("dead sectors compacted away", statuses, stale)?;

    // The miner keeps proving its two sectors in their new partitions.
    life.prove_period(
        "after compaction",
        vec![
            (da, 2, DeadlineEnd { live: 1, faulty: 0 }),
            (db, 2, DeadlineEnd { live: 1, faulty: 0 }),
        ],
    )?;
    let statuses = life.read_statuses(expect)?;
    life.finish("proven after compaction", statuses, vec![])?;

    Ok(LifeOutcome {
        steps: life.steps,
        gas: life.gas,
        states: life.log.states,
    })
}
