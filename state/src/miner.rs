//! The miner actors in the whole-tree check: each miner's own invariants (from its crate's
//! `testing` module), and what spans the miner and the power actor: the power actor's claim
//! equals the miner's active power with the same Window PoSt proof type, and a miner whose
//! deadline cron is active has a proving-deadline event in the power actor's queue.

use std::collections::BTreeMap;

use cid::Cid;
use fil_actor_miner::{CronEventPayload, CRON_EVENT_PROVING_DEADLINE};
use fil_actors_runtime::builtin::Type;
use fil_actors_runtime::runtime::Policy;
use fil_actors_runtime::MessageAccumulator;
use fvm_ipld_blockstore::Blockstore;
use fvm_shared::address::Address;

use crate::{decode_state, ActorTable};

pub(crate) fn check_miners<BS: Blockstore>(
    store: &BS,
    actors: &ActorTable,
    code_types: &BTreeMap<Cid, Type>,
    policy: &Policy,
    power: Option<&fil_actor_power::testing::StateSummary>,
    acc: &MessageAccumulator,
) {
    for (id, actor) in actors {
        if code_types.get(&actor.code) != Some(&Type::Miner) {
            continue;
        }
        let acc = acc.with_prefix(format!("miner {id}: "));
        let Some(state) = decode_state::<_, fil_actor_miner::State>(store, actor, &acc) else {
            continue;
        };
        let (summary, own) =
            fil_actor_miner::testing::check_state_invariants(policy, &state, store, &actor.balance);
        for msg in own.messages() {
            acc.add(msg);
        }
        let Some(power) = power else {
            continue;
        };
        let address = Address::new_id(*id);
        match power.claims.get(&address) {
            None => acc.add("no power claim".to_string()),
            Some(claim) => {
                acc.require(
                    claim.raw_byte_power == summary.active_power.raw,
                    format!(
                        "claimed raw power {} but active raw power {}",
                        claim.raw_byte_power, summary.active_power.raw
                    ),
                );
                acc.require(
                    claim.quality_adj_power == summary.active_power.qa,
                    format!(
                        "claimed QA power {} but active QA power {}",
                        claim.quality_adj_power, summary.active_power.qa
                    ),
                );
                acc.require(
                    claim.window_post_proof_type == summary.window_post_proof_type,
                    format!(
                        "claim proof type {:?} but miner proof type {:?}",
                        claim.window_post_proof_type, summary.window_post_proof_type
                    ),
                );
            }
        }
        if summary.deadline_cron_active {
            let enrolled = power.crons.get(&address).is_some_and(|events| {
                events.iter().any(|event| {
                    event
                        .payload
                        .deserialize::<CronEventPayload>()
                        .is_ok_and(|p| p.event_type == CRON_EVENT_PROVING_DEADLINE)
                })
            });
            acc.require(
                enrolled,
                "deadline cron active but no proving-deadline event in the power actor's queue",
            );
        }
    }
}
