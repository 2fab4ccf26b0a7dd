//! Real-FVM gas of verified data's life (`make gas`): each message of
//! `fil_actors_integration_tests::verified::life` on the FVM engine, the gas of each call it made
//! to the verified registry or the datacap token (their own calls included), and the
//! `OnActorEvent` charges of the events it emitted.

use std::process::ExitCode;

use anyhow::Context;
use fil_actor_datacap::Method as DatacapMethod;
use fil_actor_verifreg::Method as VerifregMethod;
use fil_actors_integration_tests::verified::life::verified_life;
use fil_actors_runtime::builtin::VERIFIED_REGISTRY_ACTOR_ID;
use fvm_shared::{ActorID, MethodNum};
use test_vm::FvmVM;

fn main() -> ExitCode {
    match run() {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("verified_gas failed: {e:#}");
            ExitCode::FAILURE
        }
    }
}

/// The registry's methods by number.
const REGISTRY: [(VerifregMethod, &str); 16] = [
    (VerifregMethod::Constructor, "Constructor"),
    (VerifregMethod::AddVerifier, "AddVerifier"),
    (VerifregMethod::RemoveVerifier, "RemoveVerifier"),
    (VerifregMethod::AddVerifiedClient, "AddVerifiedClient"),
    (
        VerifregMethod::RemoveVerifiedClientDataCap,
        "RemoveVerifiedClientDataCap",
    ),
    (
        VerifregMethod::RemoveExpiredAllocations,
        "RemoveExpiredAllocations",
    ),
    (VerifregMethod::ClaimAllocations, "ClaimAllocations"),
    (VerifregMethod::GetClaims, "GetClaims"),
    (VerifregMethod::ExtendClaimTerms, "ExtendClaimTerms"),
    (VerifregMethod::RemoveExpiredClaims, "RemoveExpiredClaims"),
    (
        VerifregMethod::AddVerifiedClientExported,
        "AddVerifiedClient (exported)",
    ),
    (
        VerifregMethod::RemoveExpiredAllocationsExported,
        "RemoveExpiredAllocations (exported)",
    ),
    (VerifregMethod::GetClaimsExported, "GetClaims (exported)"),
    (
        VerifregMethod::ExtendClaimTermsExported,
        "ExtendClaimTerms (exported)",
    ),
    (
        VerifregMethod::RemoveExpiredClaimsExported,
        "RemoveExpiredClaims (exported)",
    ),
    (
        VerifregMethod::UniversalReceiverHook,
        "Receive (FRC-46 hook)",
    ),
];

/// The token's methods by number.
const DATACAP: [(DatacapMethod, &str); 16] = [
    (DatacapMethod::Constructor, "Constructor"),
    (DatacapMethod::MintExported, "Mint"),
    (DatacapMethod::DestroyExported, "Destroy"),
    (DatacapMethod::NameExported, "Name"),
    (DatacapMethod::SymbolExported, "Symbol"),
    (DatacapMethod::GranularityExported, "Granularity"),
    (DatacapMethod::TotalSupplyExported, "TotalSupply"),
    (DatacapMethod::BalanceExported, "Balance"),
    (DatacapMethod::TransferExported, "Transfer"),
    (DatacapMethod::TransferFromExported, "TransferFrom"),
    (
        DatacapMethod::IncreaseAllowanceExported,
        "IncreaseAllowance",
    ),
    (
        DatacapMethod::DecreaseAllowanceExported,
        "DecreaseAllowance",
    ),
    (DatacapMethod::RevokeAllowanceExported, "RevokeAllowance"),
    (DatacapMethod::BurnExported, "Burn"),
    (DatacapMethod::BurnFromExported, "BurnFrom"),
    (DatacapMethod::AllowanceExported, "Allowance"),
];

/// `actor`'s method `method` by name.
fn method_name(actor: ActorID, method: MethodNum) -> String {
    let name = if actor == VERIFIED_REGISTRY_ACTOR_ID {
        REGISTRY
            .iter()
            .find(|(m, _)| *m as MethodNum == method)
            .map(|(_, n)| format!("verifreg {n}"))
    } else {
        DATACAP
            .iter()
            .find(|(m, _)| *m as MethodNum == method)
            .map(|(_, n)| format!("datacap {n}"))
    };
    name.unwrap_or_else(|| format!("actor {actor} method {method}"))
}

fn run() -> anyhow::Result<()> {
    let mut vm = FvmVM::new().context("starting the FVM engine")?;
    let life = verified_life(&mut vm)?;
    println!("Verified data's life on the real FVM: gas of each message, of its calls to the");
    println!("verified registry and the datacap token, and of its events (OnActorEvent)");
    println!();
    println!("{:<56} {:>12}", "message / call", "gas");
    for step in &life.gas {
        let gas = step.gas.context("the FVM reports gas")?;
        println!("{:<56} {:>12}", step.label, gas);
        for (actor, method, call_gas) in &step.calls {
            let call_gas = call_gas.context("the FVM reports each call's gas")?;
            println!("  {:<54} {:>12}", method_name(*actor, *method), call_gas);
        }
        if !step.event_gas.is_empty() {
            let total: u64 = step.event_gas.iter().sum();
            let what = format!("{} event(s), OnActorEvent", step.event_gas.len());
            println!("  {what:<54} {total:>12}");
        }
    }
    Ok(())
}
