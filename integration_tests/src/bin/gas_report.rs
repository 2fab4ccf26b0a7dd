//! The real-FVM gas of a storage provider's messages: runs the life of
//! `fil_actors_integration_tests::life` on the FVM engine (invariant checks on) and prints one
//! row per miner method (calls, least, first and most gas) and one per event emission.

use std::process::ExitCode;

use fil_actors_integration_tests::life::provider_life;
use fil_actors_integration_tests::report::{print_gas_by_event, print_gas_by_method};
use test_vm::{FvmVM, VM};

fn main() -> ExitCode {
    match run() {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("gas report failed: {e:#}");
            ExitCode::FAILURE
        }
    }
}

fn run() -> anyhow::Result<()> {
    let mut vm = FvmVM::new()?;
    vm.set_invariant_checks(true);
    let life = provider_life(&mut vm)?;
    println!(
        "Gas of a storage provider's life on the real FVM (network version 28, 2 KiB sectors, \
         {} steps, ending at epoch {}):",
        life.steps.len(),
        vm.epoch()
    );
    print_gas_by_method(&life.gas)?;
    println!();
    println!("Event emission (the FVM's OnActorEvent charge of one event):");
    print_gas_by_event(&life.gas);
    Ok(())
}
