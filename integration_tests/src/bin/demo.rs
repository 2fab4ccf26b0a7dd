//! The demo behind the README's first command: a short life of the network on the real FVM
//! running the WASM bundle, printed as a timeline a node operator can read without the code.
//!
//! It grows with the project: today it shows genesis, value transfers, account creation, the
//! cron tick, the power actor's getters, a miner created through the power actor, a
//! pre-commitment with its event, a sector status read by an unrelated account, and the
//! pre-commitment expiring in cron with its `fee-applied` event.

use std::process::ExitCode;

use cid::Cid;
use fil_actors_integration_tests::miner;
use fil_actors_runtime::builtin::{CRON_ACTOR_ADDR, STORAGE_POWER_ACTOR_ADDR};
use fil_builtin_actors_bundle::{BUNDLE, TEST_BUNDLE};
use fvm_ipld_encoding::from_slice;
use fvm_shared::address::Address;
use fvm_shared::econ::TokenAmount;
use fvm_shared::error::ExitCode as ActorExitCode;
use fvm_shared::event::StampedEvent;
use fvm_shared::METHOD_SEND;
use test_vm::genesis::{account_address, genesis};
use test_vm::{balance, FvmVM, MessageResult, Msg, VM};

fn main() -> ExitCode {
    match run() {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("demo failed: {e:#}");
            ExitCode::FAILURE
        }
    }
}

fn fil(n: u64) -> TokenAmount {
    TokenAmount::from_whole(n)
}

/// The network's name for an exit code.
fn exit_name(code: ActorExitCode) -> String {
    let name = match code.value() {
        0 => "OK",
        5 => "SYS_INVALID_RECEIVER",
        6 => "SYS_INSUFFICIENT_FUNDS",
        7 => "SYS_OUT_OF_GAS",
        16 => "USR_ILLEGAL_ARGUMENT",
        17 => "USR_NOT_FOUND",
        18 => "USR_FORBIDDEN",
        19 => "USR_INSUFFICIENT_FUNDS",
        20 => "USR_ILLEGAL_STATE",
        21 => "USR_SERIALIZATION",
        22 => "USR_UNHANDLED_MESSAGE",
        _ => "",
    };
    format!("{} {}", code.value(), name)
}

fn show(vm: &dyn VM, what: &str, r: &MessageResult) {
    let gas = r.gas_used.map_or("-".to_string(), |g| g.to_string());
    println!(
        "{:>5}  {:<56} {:<26} {:>9}",
        vm.epoch(),
        what,
        exit_name(r.code),
        gas
    );
    // The last line of the engine's failure report says why, in the FVM's words.
    let why = r
        .failure
        .as_deref()
        .and_then(|f| f.lines().rev().find(|l| !l.trim().is_empty()));
    for e in &r.events {
        println!("{:>5}  -> {}", "", describe_event(e));
    }
    if let Some(why) = why {
        println!(
            "{:>5}  -> {}",
            "",
            why.trim_start_matches("--> caused by: ").trim()
        );
    }
}

/// One event's entries as `key=value`, each value decoded from its CBOR.
fn describe_event(e: &StampedEvent) -> String {
    let entries: Vec<String> = e
        .event
        .entries
        .iter()
        .map(|entry| format!("{}={}", entry.key, describe_value(&entry.value)))
        .collect();
    format!("event from f0{}: {}", e.emitter, entries.join(" "))
}

fn describe_value(bytes: &[u8]) -> String {
    if let Ok(s) = from_slice::<String>(bytes) {
        return s;
    }
    if let Ok(b) = from_slice::<bool>(bytes) {
        return b.to_string();
    }
    if let Ok(n) = from_slice::<i64>(bytes) {
        return n.to_string();
    }
    if let Ok(c) = from_slice::<Option<Cid>>(bytes) {
        return c.map_or("null".to_string(), |c| c.to_string());
    }
    if let Ok(t) = from_slice::<TokenAmount>(bytes) {
        return format!("{t} FIL");
    }
    format!("{bytes:?}")
}

fn run() -> anyhow::Result<()> {
    println!(
        "Bundle for network `{}`: {} actors, {} bytes (make bundle writes it to output/).",
        BUNDLE.network,
        BUNDLE.actors.len(),
        BUNDLE.car.len()
    );
    println!(
        "The run below uses its `{}` build, which accepts test proofs:",
        TEST_BUNDLE.network
    );
    for a in TEST_BUNDLE.actors {
        let note = if a.is_unimplemented() {
            "  (stand-in: not built yet)"
        } else {
            ""
        };
        println!(
            "  {:>2} {:<17} {:>8} bytes  {}{}",
            a.builtin_type, a.name, a.wasm_size, a.code_cid, note
        );
    }

    println!("\nA short life on the real FVM (network version 28, one machine per epoch):");
    println!(
        "{:>5}  {:<56} {:<26} {:>9}",
        "epoch", "message", "exit code", "gas"
    );
    let mut vm = FvmVM::new()?;
    vm.set_invariant_checks(true);
    let g = genesis(&mut vm, &[fil(100), fil(50)])?;
    let (alice, alice_id) = g.accounts[0];
    let (bob, bob_id) = g.accounts[1];
    println!(
        "{:>5}  genesis: system, init, cron, the singletons, accounts f0{alice_id} and f0{bob_id}",
        vm.epoch()
    );

    let r = vm.apply(&Msg::new(alice, bob, METHOD_SEND).value(fil(10)))?;
    show(&vm, &format!("f0{alice_id} sends 10 FIL to f0{bob_id}"), &r);

    let carol = account_address(3);
    let r = vm.apply(&Msg::new(bob, carol, METHOD_SEND).value(fil(1)))?;
    show(
        &vm,
        &format!("f0{bob_id} sends 1 FIL to a new key address (new account)"),
        &r,
    );

    let r = vm.apply(&Msg::new(alice, bob, METHOD_SEND).value(fil(1000)))?;
    show(&vm, "a transfer larger than the balance", &r);

    let r = vm.apply(&Msg::new(alice, Address::new_id(4242), METHOD_SEND).value(fil(1)))?;
    show(&vm, "a transfer to an actor that does not exist", &r);

    let r = vm.advance_epoch(vm.epoch() + 1)?;
    show(
        &vm,
        &format!("cron tick (implicit message to {CRON_ACTOR_ADDR})"),
        &r,
    );

    let r = vm.apply(&Msg::new(
        alice,
        STORAGE_POWER_ACTOR_ADDR,
        fil_actor_power::Method::MinerCountExported as u64,
    ))?;
    let miners: i64 = r.ret_as().unwrap_or(-1);
    show(
        &vm,
        &format!("power's MinerCount (FRC-42 getter): {miners}"),
        &r,
    );

    // A storage provider: a BLS worker, a miner through the power actor (FIP-0077 deposit sent
    // along), one pre-commitment, and the pre-commitment expiring unproven in cron.
    let policy = miner::policy()?;
    let worker = miner::bls_address(1);
    let r = vm.apply(&Msg::new(alice, worker, METHOD_SEND).value(fil(10)))?;
    show(
        &vm,
        "the worker's BLS key address gets 10 FIL (new account)",
        &r,
    );
    let create = fil_actor_power::CreateMinerParams {
        owner: alice,
        worker,
        window_post_proof_type: miner::POST_PROOF,
        peer: b"demo-peer".to_vec(),
        multiaddrs: vec![],
    };
    let r = vm.apply(
        &Msg::new(
            alice,
            STORAGE_POWER_ACTOR_ADDR,
            fil_actor_power::Method::CreateMiner as u64,
        )
        .params(&create)?
        .value(fil(10)),
    )?;
    let created: fil_actor_power::CreateMinerReturn = r.ret_as()?;
    let m = miner::MinerAddrs {
        owner: alice,
        worker,
        miner: created.id_address,
        miner_id: created.id_address.id()?,
    };
    show(
        &vm,
        &format!("CreateMiner with 10 FIL: miner {}", m.miner),
        &r,
    );
    vm.advance_epoch(vm.epoch() + 5)?;

    let max_prove = fil_actor_miner::max_prove_commit_duration(&policy, miner::SEAL_PROOF)
        .ok_or_else(|| anyhow::anyhow!("no prove-commit window"))?;
    let expiration = vm.epoch() + max_prove + policy.min_sector_expiration + 10 * 2880;
    let info = miner::precommit_info(&vm, 7, expiration, None);
    let r = vm.apply(
        &Msg::new(
            worker,
            m.miner,
            fil_actor_miner::Method::PreCommitSectorBatch2 as u64,
        )
        .params(&fil_actor_miner::PreCommitSectorBatchParams2 {
            sectors: vec![info],
        })?
        .value(fil(1)),
    )?;
    show(&vm, "the worker pre-commits sector 7", &r);

    let r = vm.apply(
        &Msg::new(
            bob,
            m.miner,
            fil_actor_miner::GENERATE_SECTOR_STATUS_INFO_METHOD,
        )
        .params(&fil_actor_miner::GenerateSectorStatusInfoParams { sector_number: 7 })?,
    )?;
    let status: fil_actor_miner::GenerateSectorStatusInfoReturn = r.ret_as()?;
    show(
        &vm,
        &format!(
            "f0{bob_id} asks GenerateSectorStatusInfo(7): {:?}",
            status.status
        ),
        &r,
    );

    let st: fil_actor_miner::State = test_vm::actor_state(&vm, m.miner_id)?;
    let due = st
        .quant_spec_every_deadline(&policy)
        .quantize_up(vm.epoch() + max_prove + policy.expired_pre_commit_clean_up_delay);
    vm.advance_epoch(due + policy.wpost_challenge_window)?;
    println!(
        "{:>5}  ... {} epochs later, sector 7 was never proven",
        vm.epoch(),
        due + policy.wpost_challenge_window - 6
    );
    let r = vm.advance_epoch(vm.epoch() + 1)?;
    show(
        &vm,
        "cron tick: the miner's deadline cron forfeits the deposit",
        &r,
    );

    let carol_id = vm.resolve(&carol)?.unwrap_or_default();
    println!(
        "\nBalances: f0{alice_id} {} FIL, f0{bob_id} {} FIL, f0{carol_id} {} FIL",
        balance(&vm, alice_id)?,
        balance(&vm, bob_id)?,
        balance(&vm, carol_id)?
    );
    println!(
        "Invariant checks passed after every step; state root {}",
        vm.state_root()?
    );
    Ok(())
}
