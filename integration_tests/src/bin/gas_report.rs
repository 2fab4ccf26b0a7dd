//! The real-FVM gas of a storage provider's messages: runs the life of
//! `fil_actors_integration_tests::life` on the FVM engine (invariant checks on) and prints one
//! row per miner method: how many messages called it, and the least, first and most gas one used.

use std::collections::BTreeMap;
use std::process::ExitCode;

use fil_actors_integration_tests::life::{provider_life, GasUse};
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

/// Each method's gas figures, in the order the life first called it.
fn by_method(uses: &[GasUse]) -> anyhow::Result<Vec<(String, Vec<u64>)>> {
    let mut order = Vec::new();
    let mut gas: BTreeMap<String, Vec<u64>> = BTreeMap::new();
    for u in uses {
        let used = u
            .gas
            .ok_or_else(|| anyhow::anyhow!("{} has no gas figure", u.method))?;
        if !gas.contains_key(&u.method) {
            order.push(u.method.clone());
        }
        gas.entry(u.method.clone()).or_default().push(used);
    }
    Ok(order
        .into_iter()
        .map(|m| {
            let figures = gas.remove(&m).unwrap_or_default();
            (m, figures)
        })
        .collect())
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
    println!(
        "{:<28} {:>6} {:>12} {:>12} {:>12}",
        "method", "calls", "min", "first", "max"
    );
    for (method, figures) in by_method(&life.gas)? {
        let min = figures.iter().min().copied().unwrap_or_default();
        let max = figures.iter().max().copied().unwrap_or_default();
        let first = figures.first().copied().unwrap_or_default();
        println!(
            "{:<28} {:>6} {:>12} {:>12} {:>12}",
            method,
            figures.len(),
            min,
            first,
            max
        );
    }
    println!();
    println!(
        "Event emission (the FVM's OnActorEvent charge of one event; min and max over the life):"
    );
    println!(
        "{:<28} {:<24} {:>6} {:>10} {:>10}",
        "event", "first emitted by", "count", "min", "max"
    );
    for (event, by, figures) in by_event(&life.gas) {
        let min = figures.iter().min().copied().unwrap_or_default();
        let max = figures.iter().max().copied().unwrap_or_default();
        println!(
            "{:<28} {:<24} {:>6} {:>10} {:>10}",
            event,
            by,
            figures.len(),
            min,
            max
        );
    }
    Ok(())
}

/// Each event type's emission gas, in the order first emitted, with the method that did.
fn by_event(uses: &[GasUse]) -> Vec<(String, String, Vec<u64>)> {
    let mut out: Vec<(String, String, Vec<u64>)> = Vec::new();
    for u in uses {
        for (event, gas) in &u.events {
            match out.iter_mut().find(|(e, _, _)| e == event) {
                Some((_, _, figures)) => figures.push(*gas),
                None => out.push((event.clone(), u.method.clone(), vec![*gas])),
            }
        }
    }
    out
}
