//! Real-FVM gas of each function of the `SectorStatus` Solidity library
//! (`contracts/sector-status/`), printed as the table its README gives (`make gas`).
//!
//! A probe contract (`contracts/SectorStatusProbe.sol`) calls one library function per entry
//! point; each row is the gas of one message to it, and that less the gas of a message to its
//! empty function (`nothing()`), which is what the library's call itself costs. The miner has
//! two active sectors in one partition of deadline 3.

use std::process::ExitCode;

use alloy_sol_types::SolCall;
use anyhow::{ensure, Context};
use fil_actors_integration_tests::contracts::SectorStatusProbe as P;
use fil_actors_integration_tests::evm::{deploy, initcode, invoke, sol_call};
use fil_actors_integration_tests::miner::create_miner;
use fil_actors_integration_tests::sectors::install_sectors;
use fvm_shared::address::Address;
use fvm_shared::econ::TokenAmount;
use test_vm::genesis::genesis;
use test_vm::FvmVM;

fn main() -> ExitCode {
    match run() {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("library_gas failed: {e:#}");
            ExitCode::FAILURE
        }
    }
}

/// The gas of one successful message to the probe with `calldata`.
fn gas_of(vm: &mut FvmVM, from: Address, probe: Address, calldata: &[u8]) -> anyhow::Result<u64> {
    let r = invoke(vm, from, probe, calldata, TokenAmount::from_atto(0))?;
    ensure!(r.code.is_success(), "the probe failed with {}", r.code);
    r.gas_used.context("the FVM reports gas")
}

fn run() -> anyhow::Result<()> {
    let mut vm = FvmVM::new()?;
    let g = genesis(&mut vm, &[TokenAmount::from_whole(1000)])?;
    let (owner, _) = g.accounts[0];
    let m = create_miner(&mut vm, owner, 1, TokenAmount::from_whole(10))?;
    install_sectors(&mut vm, m.miner_id, 3, 1..=2, 600_000)?;
    let probe = deploy(
        &mut vm,
        owner,
        &initcode("SectorStatusProbe")?,
        TokenAmount::from_atto(0),
    )?
    .address();
    let (miner, sector) = (m.miner_id, 1);
    let (out, _) = sol_call(
        &mut vm,
        owner,
        probe,
        &P::locateCall {
            minerId: miner,
            sector,
        },
        TokenAmount::from_atto(0),
    )?;
    let aux = out
        .map_err(|r| anyhow::anyhow!("locate failed with {}", r.code))?
        .auxData;

    let empty = gas_of(&mut vm, owner, probe, &P::nothingCall {}.abi_encode())?;
    let location = (miner, sector, aux);
    let rows = [
        (
            "generateSectorStatusInfo",
            P::generateCall {
                minerId: miner,
                sector,
            }
            .abi_encode(),
        ),
        (
            "tryGenerateSectorStatusInfo",
            P::locateCall {
                minerId: miner,
                sector,
            }
            .abi_encode(),
        ),
        (
            "validateSectorStatus (Active)",
            P::validateCall::new((miner, sector, 1, location.2.clone())).abi_encode(),
        ),
        (
            "tryValidateSectorStatus (Active)",
            P::tryValidateCall::new((miner, sector, 1, location.2.clone())).abi_encode(),
        ),
        ("isLive", P::liveCall::new(location.clone()).abi_encode()),
        (
            "tryIsLive",
            P::tryLiveCall::new(location.clone()).abi_encode(),
        ),
        (
            "getSectorExpiration",
            P::expirationOfCall::new(location.clone()).abi_encode(),
        ),
        (
            "tryGetSectorExpiration",
            P::tryExpirationCall::new(location).abi_encode(),
        ),
    ];
    println!("The SectorStatus library on the real FVM: one call per message to a probe contract");
    println!("(a miner of one partition, an active sector)");
    println!();
    println!("| function | message gas | the library's call (less an empty call, {empty}) |");
    println!("| --- | ---: | ---: |");
    for (name, calldata) in rows {
        let gas = gas_of(&mut vm, owner, probe, &calldata)?;
        println!("| `{name}` | {gas} | {} |", gas.saturating_sub(empty));
    }
    Ok(())
}
