//! The demo behind the README's first command: a short life of the network on the real FVM
//! running the WASM bundle, printed as a timeline a node operator can read without the code.
//!
//! First genesis, value transfers, account creation, a cron tick and a power getter; then a
//! storage provider's whole life (`fil_actors_integration_tests::life`) as a timeline of its
//! milestones with their events and sector statuses, and the gas of each miner method and event;
//! then a provider's deals (`fil_actors_integration_tests::market::deals_life`): escrow, a
//! verified and two ordinary deals published, activated, settled, terminated with their sector
//! and completed, with the deal and verified-registry events of each step; then the example
//! storage application built on the sector-status Solidity library
//! (`fil_actors_integration_tests::escrow`): a client's deal funded, sealed with a notification,
//! paid per proving period while the sector lives (faulty included), refunded when it dies, and
//! the attacks the contract refuses.

use std::process::ExitCode;

use fil_actors_integration_tests::escrow::{describe_log, escrow_life};
use fil_actors_integration_tests::fil;
use fil_actors_integration_tests::life::provider_life;
use fil_actors_integration_tests::market::deals_life;
use fil_actors_integration_tests::report::{
    describe_event, exit_name, print_gas_by_event, print_gas_by_method, print_timeline,
};
use fil_actors_runtime::builtin::{CRON_ACTOR_ADDR, STORAGE_POWER_ACTOR_ADDR};
use fil_builtin_actors_bundle::{BUNDLE, TEST_BUNDLE};
use fvm_shared::address::Address;
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
        println!("{:>5}  -> event {}", "", describe_event(e));
    }
    if let Some(why) = why {
        println!(
            "{:>5}  -> {}",
            "",
            why.trim_start_matches("--> caused by: ").trim()
        );
    }
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
        println!(
            "  {:>2} {:<17} {:>8} bytes  {}  {}",
            a.builtin_type, a.name, a.wasm_size, a.code_cid, a.package
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
        "{:>5}  genesis: system, init, cron, the singletons, accounts f0{alice_id} and f0{bob_id}, the verified registry's root key {} (a 2-of-3 multisig)",
        vm.epoch(),
        g.verifreg_root.address
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

    println!(
        "\nA storage provider's life on the real FVM, from a fresh genesis: a miner created through \
         the power actor, four 2 KiB sectors pre-committed and proven (one with a piece of data), \
         Window PoSts every proving period, a fault and its recovery, an extension, an early \
         termination, an on-time expiry and compaction. At each milestone a contract (a user actor \
         outside the bundle, neither the miner's owner nor its worker) reads every sector's \
         status: GenerateSectorStatusInfo, then ValidateSectorStatus and GetSectorExpiration at \
         the location it returned."
    );
    let mut vm = FvmVM::new()?;
    vm.set_invariant_checks(true);
    let life = provider_life(&mut vm)?;
    println!("{:>7}  step", "epoch");
    print_timeline(&life);
    println!("\nGas of each miner method in that life (real FVM):");
    print_gas_by_method(&life.gas)?;
    println!("\nGas of emitting one event (the FVM's OnActorEvent charge):");
    print_gas_by_event(&life.gas);
    println!(
        "\nEvery step above was checked against exact expected values, and the state invariants \
         held after every message; final state root {}",
        vm.state_root()?
    );

    println!(
        "\nA provider's deals on the real FVM, from a fresh genesis: a client (a secp256k1 key \
         signing its proposals) and the provider add escrow; a verifier gives the client \
         datacap; the provider publishes three deals, the first verified (an allocation); \
         ProveCommitSectors3 activates two in sector 1 (claiming the allocation) and one in \
         sector 2; Window PoSt keeps them proven; the provider settles payments mid-term; \
         TerminateSectors ends sector 1 and its two deals early; the third deal runs to its end \
         and its last settlement completes it; both withdraw. Proving rounds, getters and the \
         cron ticks whose only events are the deadline crons' daily fees are left out."
    );
    let mut vm = FvmVM::new()?;
    vm.set_invariant_checks(true);
    let deals = deals_life(&mut vm)?;
    println!(
        "{:>7}  {:<44} {:<12} {:>9}",
        "epoch", "message", "exit code", "gas"
    );
    let mut gas = deals.gas.iter();
    for step in &deals.steps {
        let measured = gas.clone().next().filter(|(label, _)| *label == step.label);
        let telling = step
            .events
            .iter()
            .any(|e| !describe_event(e).contains("$type=fee-applied"));
        if measured.is_none() && !telling {
            continue;
        }
        if measured.is_some() {
            gas.next();
        }
        let g = measured
            .and_then(|(_, g)| *g)
            .map_or("-".to_string(), |g| g.to_string());
        println!(
            "{:>7}  {:<44} {:<12} {:>9}",
            step.epoch,
            step.label,
            exit_name(step.code),
            g
        );
        for e in &step.events {
            println!("{:>7}  -> event {}", "", describe_event(e));
        }
    }
    let (client, provider) = &deals.final_escrow;
    println!(
        "Every balance above was checked to the attoFIL; escrow left: client {} FIL (locked {}), \
         provider {} FIL (locked {}); final state root {}",
        client.balance,
        client.locked,
        provider.balance,
        provider.locked,
        vm.state_root()?
    );

    println!(
        "\nThe example storage application on the real FVM (contracts/sector-status/examples/\
         PieceEscrow.sol, built on the SectorStatus library): a client (an Ethereum account) funds \
         a deal for one piece, 6 FIL over 6 proving periods; the provider's ProveCommitSectors3 \
         notifies the contract, which records the sector; the provider is paid each period while \
         the sector is live, faulty included; the sector is terminated and the client refunded. \
         Forged notifications and every attack are refused with the contract's own error. \
         Proving rounds are left out."
    );
    let mut vm = FvmVM::new()?;
    vm.set_invariant_checks(true);
    let (escrow, gas) = escrow_life(&mut vm)?;
    println!(
        "{:>7}  {:<48} {:<26} {:>9}",
        "epoch", "step", "exit code", "gas"
    );
    for (step, (_, g)) in escrow.steps.iter().zip(&gas) {
        let g = g.map_or("-".to_string(), |g| g.to_string());
        println!(
            "{:>7}  {:<48} {:<26} {:>9}",
            step.epoch,
            step.label,
            exit_name(step.code),
            g
        );
        if let Some(status) = step.status {
            println!("{:>7}  -> sector status: {status:?}", "");
        }
        if let Some(refusal) = &step.refusal {
            println!("{:>7}  -> refused: {refusal}", "");
        }
        for e in &step.events {
            let described = describe_log(e).unwrap_or_else(|| describe_event(e));
            println!("{:>7}  -> event {described}", "");
        }
    }
    let [contract, client, miner] = &escrow.balances;
    println!(
        "Every balance was checked to the attoFIL: the contract holds {contract} FIL, the client \
         {client} FIL (20 less 3 periods paid), the miner {miner} FIL; final state root {}",
        vm.state_root()?
    );
    Ok(())
}
