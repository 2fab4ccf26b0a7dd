//! `Constructor`: the signer set, the threshold and the optional lock of the value the multisig
//! is created with. Signer addresses are stored as IDs, resolved (and created for a key address
//! never seen before) the way v18 does.

use std::collections::BTreeSet;

use fil_actors_runtime::runtime::Runtime;
use fil_actors_runtime::{actor_error, resolve_to_actor_id, ActorError, INIT_ACTOR_ADDR};
use fvm_shared::address::Address;
use fvm_shared::econ::TokenAmount;

use crate::{Actor, ConstructorParams, PendingTxnMap, State, TxnID, SIGNERS_MAX};

impl Actor {
    /// Only the init actor constructs a multisig (through `Exec`). The checks run in v18's
    /// order: the signer count, each signer's resolution and uniqueness, then the threshold
    /// (between 1 and the number of signers) and the unlock duration (not negative).
    pub fn constructor(rt: &impl Runtime, params: ConstructorParams) -> Result<(), ActorError> {
        rt.validate_immediate_caller_is(std::iter::once(&INIT_ACTOR_ADDR))?;
        if params.signers.is_empty() {
            return Err(actor_error!(illegal_argument; "a multisig needs at least one signer"));
        }
        if params.signers.len() > SIGNERS_MAX {
            return Err(actor_error!(illegal_argument;
                "{} signers given, at most {} allowed", params.signers.len(), SIGNERS_MAX));
        }

        let mut seen = BTreeSet::new();
        let mut signers = Vec::with_capacity(params.signers.len());
        for signer in &params.signers {
            let id = resolve_to_actor_id(rt, signer, true)?;
            if !seen.insert(id) {
                return Err(actor_error!(illegal_argument;
                    "duplicate signer {} (ID {})", signer, id));
            }
            signers.push(Address::new_id(id));
        }

        let threshold = params.num_approvals_threshold;
        if threshold > signers.len() as u64 {
            return Err(actor_error!(illegal_argument;
                "threshold {} exceeds the {} signers", threshold, signers.len()));
        }
        if threshold < 1 {
            return Err(actor_error!(illegal_argument; "threshold must be at least 1, got 0"));
        }
        if params.unlock_duration < 0 {
            return Err(actor_error!(illegal_argument;
                "unlock duration {} is negative", params.unlock_duration));
        }

        let mut st = State {
            signers,
            num_approvals_threshold: threshold,
            next_tx_id: TxnID(0),
            initial_balance: TokenAmount::default(),
            start_epoch: 0,
            unlock_duration: 0,
            pending_txs: PendingTxnMap::flush_empty(rt.store())?,
        };
        if params.unlock_duration != 0 {
            st.set_locked(
                params.start_epoch,
                params.unlock_duration,
                rt.message().value_received(),
            );
        }
        rt.create(&st)
    }
}
