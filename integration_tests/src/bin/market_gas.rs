//! The real-FVM gas of the storage market in three deals' life
//! (`fil_actors_integration_tests::market::deals_life`): each market-facing message of the
//! scenario, then each call the market itself received in them (a miner's notification, the
//! market's calls made for publication and termination included), by method.

use std::process::ExitCode;

use fil_actor_market::Method;
use fil_actors_integration_tests::market::deals_life;
use num_traits::FromPrimitive;
use test_vm::{FvmVM, VM};

fn main() -> ExitCode {
    match run() {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("market gas report failed: {e:#}");
            ExitCode::FAILURE
        }
    }
}

fn gas(g: Option<u64>) -> String {
    g.map_or("-".to_string(), |g| g.to_string())
}

fn run() -> anyhow::Result<()> {
    let mut vm = FvmVM::new()?;
    vm.set_invariant_checks(true);
    let life = deals_life(&mut vm)?;
    println!(
        "Gas of three deals' life on the real FVM (network version 28, 2 KiB sectors, one \
         verified deal; ending at epoch {}):",
        vm.epoch()
    );
    println!("{:<48} {:>12}", "message", "gas");
    for (label, g) in &life.gas {
        println!("{:<48} {:>12}", label, gas(*g));
    }
    println!();
    println!("The market's own calls in those messages:");
    println!("{:<48} {:<32} {:>12}", "in message", "market method", "gas");
    for (label, method, g) in &life.market_calls {
        let name = Method::from_u64(*method)
            .map_or_else(|| format!("method {method}"), |m| format!("{m:?}"));
        println!("{:<48} {:<32} {:>12}", label, name, gas(*g));
    }
    Ok(())
}
