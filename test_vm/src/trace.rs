//! The invocation trace: the tree of calls a message made, with what each returned. The native VM
//! records it as it runs; the FVM engine rebuilds it from the FVM's execution trace.

use std::collections::BTreeMap;

use fvm::trace::{ExecutionEvent, ExecutionTrace};
use fvm_ipld_encoding::ipld_block::IpldBlock;
use fvm_shared::address::Address;
use fvm_shared::econ::TokenAmount;
use fvm_shared::error::{ErrorNumber, ExitCode};
use fvm_shared::{ActorID, MethodNum};

/// One call and the calls it made.
#[derive(Clone, Debug, PartialEq)]
pub struct InvocationTrace {
    pub from: ActorID,
    /// The receiver as the caller addressed it.
    pub to: Address,
    pub method: MethodNum,
    pub params: Option<IpldBlock>,
    pub value: TokenAmount,
    pub read_only: bool,
    /// The receiver's exit code; `OK` when the send itself failed (see `send_error`).
    pub code: ExitCode,
    pub ret: Option<IpldBlock>,
    /// Set when the send failed before the receiver ran (no such actor, insufficient funds, ...).
    pub send_error: Option<ErrorNumber>,
    /// The gas charged while this call ran, its own calls included (the real FVM only).
    pub gas: Option<u64>,
    /// The actor's abort message (the native VM only; the FVM reports them in the message's
    /// failure backtrace).
    pub message: Option<String>,
    pub subinvocations: Vec<InvocationTrace>,
}

impl InvocationTrace {
    pub fn new(
        from: ActorID,
        to: Address,
        method: MethodNum,
        params: Option<IpldBlock>,
        value: TokenAmount,
        read_only: bool,
    ) -> Self {
        InvocationTrace {
            from,
            to,
            method,
            params,
            value,
            read_only,
            code: ExitCode::OK,
            ret: None,
            send_error: None,
            gas: None,
            message: None,
            subinvocations: Vec::new(),
        }
    }

    /// This call and every call below it, depth first.
    pub fn flatten(&self) -> Vec<&InvocationTrace> {
        let mut out = vec![self];
        for sub in &self.subinvocations {
            out.extend(sub.flatten());
        }
        out
    }

    /// The shape of the tree as `(from, to, method, code)` rows, depth first: what the two
    /// engines must agree on.
    pub fn shape(&self) -> Vec<(ActorID, Address, MethodNum, ExitCode, Option<ErrorNumber>)> {
        self.flatten()
            .into_iter()
            .map(|t| (t.from, t.to, t.method, t.code, t.send_error))
            .collect()
    }
}

/// The gas charges of an FVM execution trace, by name: their count and total gas.
pub fn gas_charges(trace: &ExecutionTrace) -> BTreeMap<String, (u64, u64)> {
    // Summed in milligas, the FVM's unit, and rounded up once per name.
    let mut milligas: BTreeMap<String, (u64, u64)> = BTreeMap::new();
    for event in trace {
        if let ExecutionEvent::GasCharge(charge) = event {
            let entry = milligas.entry(charge.name.to_string()).or_default();
            entry.0 += 1;
            entry.1 += charge.total().as_milligas();
        }
    }
    milligas
        .into_iter()
        .map(|(name, (count, mg))| (name, (count, mg.div_ceil(1000))))
        .collect()
}

/// The gas of each `OnActorEvent` charge (one per event emitted), in order.
pub fn event_gas(trace: &ExecutionTrace) -> Vec<u64> {
    trace
        .iter()
        .filter_map(|event| match event {
            ExecutionEvent::GasCharge(charge) if charge.name == "OnActorEvent" => {
                Some(charge.total().round_up())
            }
            _ => None,
        })
        .collect()
}

/// Rebuilds the call tree of an FVM execution trace, with each call's gas (the charges between
/// its start and its return, its own calls' included). Returns `None` when the trace holds no
/// call (the message failed validation before anything ran).
pub fn from_fvm(trace: &ExecutionTrace) -> Option<InvocationTrace> {
    // Each open call with the milligas charged so far inside it.
    let mut stack: Vec<(InvocationTrace, u64)> = Vec::new();
    let mut root = None;
    for event in trace {
        let finished = match event {
            ExecutionEvent::GasCharge(charge) => {
                let milligas = charge.total().as_milligas();
                for (_, charged) in stack.iter_mut() {
                    *charged += milligas;
                }
                None
            }
            ExecutionEvent::Call {
                from,
                to,
                method,
                params,
                value,
                read_only,
                ..
            } => {
                let call = InvocationTrace::new(
                    *from,
                    *to,
                    *method,
                    params.clone(),
                    value.clone(),
                    *read_only,
                );
                stack.push((call, 0));
                None
            }
            ExecutionEvent::CallReturn(code, ret) => stack.pop().map(|(mut call, milligas)| {
                call.code = *code;
                call.ret = ret.clone();
                call.gas = Some(milligas.div_ceil(1000));
                call
            }),
            ExecutionEvent::CallError(err) => stack.pop().map(|(mut call, milligas)| {
                call.send_error = Some(err.1);
                call.gas = Some(milligas.div_ceil(1000));
                call
            }),
            _ => None,
        };
        if let Some(call) = finished {
            match stack.last_mut().map(|(parent, _)| parent) {
                Some(parent) => parent.subinvocations.push(call),
                None => root = Some(call),
            }
        }
    }
    root
}
