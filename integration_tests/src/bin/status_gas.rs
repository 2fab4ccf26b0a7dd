//! Real-FVM gas of reading sector status and of emitting events, printed as tables (`make gas`).
//!
//! Sector status: miners with 1, 100 and 1,000 partitions of one deadline (2 KiB sectors, two per
//! partition); `ValidateSectorStatus` must cost the same whatever the miner's size, since it
//! loads one deadline and one partition; `GenerateSectorStatusInfo` searches and may grow.
//! Events: the FVM's `OnActorEvent` charge of one `sector-precommitted` and one `fee-applied`
//! (a pre-commitment expiring in cron).

use std::process::ExitCode;

use anyhow::{ensure, Context};
use fil_actor_miner::{
    GenerateSectorStatusInfoParams, GenerateSectorStatusInfoReturn, GetSectorExpirationParams,
    GetSectorExpirationReturn, SectorLocation, SectorStatusCode, ValidateSectorStatusParams,
    GENERATE_SECTOR_STATUS_INFO_METHOD, GET_SECTOR_EXPIRATION_METHOD,
    VALIDATE_SECTOR_STATUS_METHOD,
};
use fil_actors_integration_tests::miner::{create_miner, precommit_and_let_expire};
use fil_actors_integration_tests::sectors::install_sectors;
use fvm_shared::econ::TokenAmount;
use test_vm::genesis::genesis;
use test_vm::{FvmVM, MessageResult, Msg, VM};

fn main() -> ExitCode {
    match run() {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("status_gas failed: {e:#}");
            ExitCode::FAILURE
        }
    }
}

fn gas(r: &MessageResult) -> anyhow::Result<u64> {
    ensure!(r.code.is_success(), "message failed with {}", r.code);
    r.gas_used.context("the FVM reports gas")
}

/// The `OnActorEvent` charges of a message: how many, and their gas.
fn event_gas(r: &MessageResult) -> (u64, u64) {
    r.gas_charges
        .get("OnActorEvent")
        .copied()
        .unwrap_or_default()
}

fn run() -> anyhow::Result<()> {
    println!("Sector status on the real FVM (from an account; gas of the whole message)");
    println!();
    println!("| partitions | sectors | Validate, partition 0 | Validate, last partition | GetSectorExpiration, partition 0 | Generate, last sector |");
    println!("| --- | --- | --- | --- | --- | --- |");
    for partitions in [1u64, 100, 1000] {
        let mut vm = FvmVM::new()?;
        let g = genesis(&mut vm, &[TokenAmount::from_whole(1000)])?;
        let (owner, _) = g.accounts[0];
        let m = create_miner(&mut vm, owner, 1, TokenAmount::from_whole(10))?;
        let sectors = 2 * partitions;
        let expires = install_sectors(&mut vm, m.miner_id, 3, 1..=sectors, 600_000)?;
        let validate = |vm: &mut FvmVM, sector: u64, partition: u64| -> anyhow::Result<u64> {
            let aux_data = SectorLocation {
                deadline: 3,
                partition: partition as i64,
            }
            .to_aux_data()?;
            let r = vm.apply(
                &Msg::new(owner, m.miner, VALIDATE_SECTOR_STATUS_METHOD).params(
                    &ValidateSectorStatusParams {
                        sector_number: sector,
                        status: SectorStatusCode::Active,
                        aux_data,
                    },
                )?,
            )?;
            ensure!(r.ret_as::<bool>()?, "sector {sector} validates as active");
            gas(&r)
        };
        let first = validate(&mut vm, 1, 0)?;
        let last = validate(&mut vm, sectors, partitions - 1)?;
        let r = vm.apply(
            &Msg::new(owner, m.miner, GET_SECTOR_EXPIRATION_METHOD).params(
                &GetSectorExpirationParams {
                    sector_number: 1,
                    aux_data: SectorLocation {
                        deadline: 3,
                        partition: 0,
                    }
                    .to_aux_data()?,
                },
            )?,
        )?;
        let expiration: GetSectorExpirationReturn = r.ret_as()?;
        ensure!(
            expiration.expiration == expires,
            "sector 1 expires at {expires}, not {}",
            expiration.expiration
        );
        let get_expiration = gas(&r)?;
        let r = vm.apply(
            &Msg::new(owner, m.miner, GENERATE_SECTOR_STATUS_INFO_METHOD).params(
                &GenerateSectorStatusInfoParams {
                    sector_number: sectors,
                },
            )?,
        )?;
        let generated: GenerateSectorStatusInfoReturn = r.ret_as()?;
        ensure!(
            generated.status == SectorStatusCode::Active,
            "sector {sectors} is active"
        );
        println!(
            "| {partitions} | {sectors} | {first} | {last} | {get_expiration} | {} |",
            gas(&r)?
        );
    }

    println!();
    println!("Event emission on the real FVM (the FVM's OnActorEvent charge)");
    println!();
    let mut vm = FvmVM::new()?;
    let g = genesis(&mut vm, &[TokenAmount::from_whole(1000)])?;
    let (owner, _) = g.accounts[0];
    let m = create_miner(&mut vm, owner, 1, TokenAmount::from_whole(10))?;
    vm.advance_epoch(vm.epoch() + 5)?;
    let expired = precommit_and_let_expire(&mut vm, &m, 7)?;
    let (pre, tick) = (expired.precommit, expired.tick);
    println!("| event | emitted by | events | OnActorEvent gas |");
    println!("| --- | --- | --- | --- |");
    for (what, by, r) in [
        ("sector-precommitted", "PreCommitSectorBatch2", &pre),
        (
            "fee-applied (precommit-expired)",
            "the deadline cron",
            &tick,
        ),
    ] {
        let (count, gas) = event_gas(r);
        ensure!(count == 1 && r.events.len() == 1, "{what}: one event");
        println!("| {what} | {by} | {count} | {gas} |");
    }
    Ok(())
}
