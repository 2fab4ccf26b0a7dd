//! Readable printouts of a storage provider's life (`crate::life`), shared by the demo and the
//! gas report: the timeline of its steps with their events and sector statuses, and the real-FVM
//! gas per miner method and per event emission.

use std::collections::BTreeMap;

use cid::Cid;
use fvm_ipld_encoding::from_slice;
use fvm_shared::econ::TokenAmount;
use fvm_shared::error::ExitCode;
use fvm_shared::event::StampedEvent;

use crate::life::{GasUse, LifeOutcome, Step};

/// The network's name for an exit code.
pub fn exit_name(code: ExitCode) -> String {
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
        // The EVM actor's: a contract reverted.
        33 => "EVM_CONTRACT_REVERTED",
        // The miner's: a notified actor aborted.
        1002 => "ERR_NOTIFICATION_RECEIVER_ABORTED",
        _ => "",
    };
    format!("{} {}", code.value(), name)
}

/// One event's entries as `key=value`, each value decoded from its CBOR.
pub fn describe_event(e: &StampedEvent) -> String {
    let entries: Vec<String> = e
        .event
        .entries
        .iter()
        .map(|entry| format!("{}={}", entry.key, describe_value(&entry.value)))
        .collect();
    format!("f0{}: {}", e.emitter, entries.join(" "))
}

fn describe_value(bytes: &[u8]) -> String {
    // Chosen by the CBOR major type of the first byte: the string decoder also accepts the
    // integer 0, as an empty string.
    let described = match bytes.first().map(|b| b >> 5) {
        Some(0 | 1) => from_slice::<i64>(bytes).ok().map(|n| n.to_string()),
        Some(2) => from_slice::<TokenAmount>(bytes)
            .ok()
            .map(|t| format!("{t} FIL")),
        Some(3) => from_slice::<String>(bytes).ok(),
        Some(6) => from_slice::<Cid>(bytes).ok().map(|c| c.to_string()),
        Some(7) => from_slice::<Option<bool>>(bytes)
            .ok()
            .map(|b| b.map_or("null".to_string(), |b| b.to_string())),
        _ => None,
    };
    described.unwrap_or_else(|| format!("{bytes:?}"))
}

/// An event's `$type`, with the `fee-type` of a `fee-applied`.
fn event_type(e: &StampedEvent) -> String {
    let value = |key: &str| {
        e.event
            .entries
            .iter()
            .find(|entry| entry.key == key)
            .map(|entry| describe_value(&entry.value))
    };
    match (value("$type"), value("fee-type")) {
        (Some(t), Some(fee)) => format!("{t} {fee}"),
        (Some(t), None) => t,
        _ => String::new(),
    }
}

/// The timeline: each milestone in full (messages' exit codes, events with their fields, the
/// power claim, every sector's status as a contract reads it); the routine proving rounds
/// between milestones summarized by the events they produced.
pub fn print_timeline(life: &LifeOutcome) {
    let mut routine: Vec<&Step> = Vec::new();
    for step in &life.steps {
        if step.statuses.is_empty() && step.stale.is_empty() {
            routine.push(step);
            continue;
        }
        print_routine(&routine);
        routine.clear();
        print_milestone(step);
    }
    print_routine(&routine);
}

fn print_milestone(step: &Step) {
    let codes: Vec<String> = step.codes.iter().map(|c| exit_name(*c)).collect();
    println!("{:>7}  {}", step.epoch, step.label);
    if !codes.is_empty() {
        println!("{:>7}    exit codes: {}", "", codes.join(", "));
    }
    for e in &step.events {
        println!("{:>7}    event {}", "", describe_event(e));
    }
    println!(
        "{:>7}    power claim: {} bytes raw, {} bytes quality-adjusted; miner balance {} FIL",
        "", step.claim.0, step.claim.1, step.miner_balance
    );
    for read in &step.statuses {
        let expiration = match read.expiration {
            Ok(e) => format!("expires at epoch {e}"),
            Err(code) => format!("GetSectorExpiration: {}", exit_name(code)),
        };
        // The seed's question, "is it live?", is ValidateSectorStatus(Dead) answering false.
        let live = match read.validates[0] {
            Ok(false) => "live",
            Ok(true) => "not live",
            Err(_) => "unknown",
        };
        println!(
            "{:>7}    sector {}: {:?} ({}) at (deadline {}, partition {}), {}",
            "",
            read.sector,
            read.status,
            live,
            read.location.deadline,
            read.location.partition,
            expiration
        );
    }
    for (validate, expiration) in &step.stale {
        let show = |code: Option<ExitCode>| code.map_or("answered".to_string(), exit_name);
        println!(
            "{:>7}    a location made stale by compaction: ValidateSectorStatus {}, GetSectorExpiration {}",
            "",
            show(validate.err()),
            show(expiration.err())
        );
    }
}

fn print_routine(steps: &[&Step]) {
    let (Some(first), Some(last)) = (steps.first(), steps.last()) else {
        return;
    };
    let mut counts: BTreeMap<String, (usize, TokenAmount)> = BTreeMap::new();
    for e in steps.iter().flat_map(|s| &s.events) {
        let entry = counts.entry(event_type(e)).or_default();
        entry.0 += 1;
        if let Some(amount) = e.event.entries.iter().find(|x| x.key == "amount") {
            entry.1 += from_slice::<TokenAmount>(&amount.value).unwrap_or_default();
        }
    }
    let summary: Vec<String> = counts
        .iter()
        .map(|(t, (n, amount))| {
            if amount.is_zero() {
                format!("{t} x{n}")
            } else {
                format!("{t} x{n} ({amount} FIL)")
            }
        })
        .collect();
    println!(
        "{:>7}  ... to epoch {}: {} proving steps (Window PoSts and deadline crons); events: {}",
        first.epoch,
        last.epoch,
        steps.len(),
        summary.join(", ")
    );
}

/// One row per miner method: calls, and the least, first and most gas one used.
pub fn print_gas_by_method(uses: &[GasUse]) -> anyhow::Result<()> {
    let mut order: Vec<String> = Vec::new();
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
    println!(
        "{:<28} {:>6} {:>12} {:>12} {:>12}",
        "method", "calls", "min", "first", "max"
    );
    for method in order {
        let figures = &gas[&method];
        println!(
            "{:<28} {:>6} {:>12} {:>12} {:>12}",
            method,
            figures.len(),
            figures.iter().min().copied().unwrap_or_default(),
            figures.first().copied().unwrap_or_default(),
            figures.iter().max().copied().unwrap_or_default()
        );
    }
    Ok(())
}

/// One row per event type: the method that first emitted it, how many, and the least and most
/// `OnActorEvent` gas of one emission.
pub fn print_gas_by_event(uses: &[GasUse]) {
    let mut rows: Vec<(String, String, Vec<u64>)> = Vec::new();
    for u in uses {
        for (event, gas) in &u.events {
            match rows.iter_mut().find(|(e, _, _)| e == event) {
                Some((_, _, figures)) => figures.push(*gas),
                None => rows.push((event.clone(), u.method.clone(), vec![*gas])),
            }
        }
    }
    println!(
        "{:<28} {:<24} {:>6} {:>10} {:>10}",
        "event", "first emitted by", "count", "min", "max"
    );
    for (event, by, figures) in rows {
        println!(
            "{:<28} {:<24} {:>6} {:>10} {:>10}",
            event,
            by,
            figures.len(),
            figures.iter().min().copied().unwrap_or_default(),
            figures.iter().max().copied().unwrap_or_default()
        );
    }
}
