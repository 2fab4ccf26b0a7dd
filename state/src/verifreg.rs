//! The verified registry and the datacap token in the whole-tree check: each actor's own
//! invariants (from its crate's `testing` module), and what spans actors:
//!
//! - every claim is backed by a sector of its provider, live or expired (a terminated or expired
//!   sector stays in the miner's sectors table until compacted, and a claim outlives it until
//!   its own term ends);
//! - no verifier holds datacap, and the supply is the clients' balances plus the registry's
//!   holdings;
//! - the registry holds exactly the datacap of its allocations (one token per byte).

use std::collections::{BTreeMap, HashMap};

use cid::Cid;
use fil_actor_verifreg::{Claim, ClaimID};
use fil_actors_runtime::builtin::{Type, DATACAP_TOKEN_ACTOR_ID, VERIFIED_REGISTRY_ACTOR_ID};
use fil_actors_runtime::runtime::Policy;
use fil_actors_runtime::MessageAccumulator;
use fvm_ipld_blockstore::Blockstore;
use fvm_shared::clock::ChainEpoch;
use fvm_shared::econ::TokenAmount;
use fvm_shared::sector::SectorNumber;
use fvm_shared::ActorID;

use crate::power_reward::singleton_state;
use crate::{decode_state, ActorTable};

pub(crate) fn check_verified<BS: Blockstore>(
    store: &BS,
    actors: &ActorTable,
    code_types: &BTreeMap<Cid, Type>,
    policy: &Policy,
    epoch: ChainEpoch,
    acc: &MessageAccumulator,
) {
    let registry_acc = acc.with_prefix("verifreg: ");
    let registry = singleton_state::<_, fil_actor_verifreg::State>(
        store,
        actors,
        code_types,
        (VERIFIED_REGISTRY_ACTOR_ID, Type::VerifiedRegistry),
        &registry_acc,
    )
    .map(|state| {
        let (summary, own) =
            fil_actor_verifreg::testing::check_state_invariants(policy, &state, store, epoch);
        for msg in own.messages() {
            registry_acc.add(msg);
        }
        summary
    });
    let datacap_acc = acc.with_prefix("datacap: ");
    let datacap = singleton_state::<_, fil_actor_datacap::State>(
        store,
        actors,
        code_types,
        (DATACAP_TOKEN_ACTOR_ID, Type::DataCap),
        &datacap_acc,
    )
    .map(|state| {
        let (summary, own) = fil_actor_datacap::testing::check_state_invariants(&state, store);
        for msg in own.messages() {
            datacap_acc.add(msg);
        }
        summary
    });
    let Some(registry) = registry else {
        return;
    };
    check_claims_backed(
        &registry.claims,
        |provider, sector| miner_has_sector(store, actors, code_types, provider, sector),
        &registry_acc,
    );
    if let Some(datacap) = datacap {
        check_datacap_holdings(&registry, &datacap, &acc.with_prefix("verified data: "));
    }
}

/// Whether the miner `provider` has `sector` in its sectors table; an error names why it cannot
/// be told (no such actor, not a miner, an unreadable state).
fn miner_has_sector<BS: Blockstore>(
    store: &BS,
    actors: &ActorTable,
    code_types: &BTreeMap<Cid, Type>,
    provider: ActorID,
    sector: SectorNumber,
) -> Result<bool, String> {
    let actor = actors
        .get(&provider)
        .filter(|actor| code_types.get(&actor.code) == Some(&Type::Miner))
        .ok_or_else(|| format!("provider {provider} is not a miner"))?;
    let acc = MessageAccumulator::default();
    let state = decode_state::<_, fil_actor_miner::State>(store, actor, &acc)
        .ok_or_else(|| format!("miner {provider}: {}", acc.messages().join("; ")))?;
    state
        .get_sector(store, sector)
        .map(|s| s.is_some())
        .map_err(|e| format!("miner {provider}: reading sector {sector}: {e}"))
}

/// Every claim names a sector its provider has (`has_sector`).
fn check_claims_backed(
    claims: &HashMap<ClaimID, Claim>,
    has_sector: impl Fn(ActorID, SectorNumber) -> Result<bool, String>,
    acc: &MessageAccumulator,
) {
    let mut ids: Vec<&ClaimID> = claims.keys().collect();
    ids.sort();
    for id in ids {
        let claim = &claims[id];
        match has_sector(claim.provider, claim.sector) {
            Ok(true) => {}
            Ok(false) => acc.add(format!(
                "claim {id} names sector {} of provider {}, which has no such sector",
                claim.sector, claim.provider
            )),
            Err(e) => acc.add(format!("claim {id}: {e}")),
        }
    }
}

/// No verifier holds datacap; the supply is the clients' balances plus the registry's
/// holdings; the registry holds its allocations' datacap exactly.
fn check_datacap_holdings(
    registry: &fil_actor_verifreg::testing::StateSummary,
    datacap: &fil_actor_datacap::testing::StateSummary,
    acc: &MessageAccumulator,
) {
    let mut verifiers: Vec<_> = registry.verifiers.keys().collect();
    verifiers.sort();
    for verifier in verifiers {
        let held = verifier.id().ok().and_then(|id| datacap.balances.get(&id));
        if let Some(held) = held {
            acc.add(format!("verifier {verifier} holds datacap {held}"));
        }
    }
    let registry_holdings = datacap
        .balances
        .get(&VERIFIED_REGISTRY_ACTOR_ID)
        .cloned()
        .unwrap_or_default();
    let clients: TokenAmount = datacap
        .balances
        .iter()
        .filter(|(holder, _)| **holder != VERIFIED_REGISTRY_ACTOR_ID)
        .map(|(_, amount)| amount)
        .sum();
    acc.require(
        datacap.total_supply == &clients + &registry_holdings,
        format!(
            "supply {} is not the clients' {clients} plus the registry's {registry_holdings}",
            datacap.total_supply
        ),
    );
    let allocated: u64 = registry.allocations.values().map(|a| a.size.0).sum();
    acc.require(
        registry_holdings == TokenAmount::from_whole(allocated),
        format!(
            "the registry holds {registry_holdings} but its allocations total {allocated} bytes"
        ),
    );
}

#[cfg(test)]
mod tests {
    use super::*;
    use fil_actor_datacap::testing::StateSummary as DatacapSummary;
    use fil_actor_verifreg::testing::StateSummary as RegistrySummary;
    use fil_actor_verifreg::Allocation;
    use fvm_shared::address::Address;
    use fvm_shared::piece::PaddedPieceSize;
    use multihash_codetable::{Code, MultihashDigest};

    const CLIENT: ActorID = 101;
    const PROVIDER: ActorID = 1000;
    const VERIFIER: ActorID = 102;

    fn piece() -> Cid {
        Cid::new_v1(0xf101, Code::Sha2_256.digest(b"piece"))
    }

    fn claim(sector: SectorNumber) -> Claim {
        Claim {
            provider: PROVIDER,
            client: CLIENT,
            data: piece(),
            size: PaddedPieceSize(2048),
            term_min: 518_400,
            term_max: 600_000,
            term_start: 10,
            sector,
        }
    }

    fn allocation(size: u64) -> Allocation {
        Allocation {
            client: CLIENT,
            provider: PROVIDER,
            data: piece(),
            size: PaddedPieceSize(size),
            term_min: 518_400,
            term_max: 600_000,
            expiration: 1000,
        }
    }

    /// A registry with a verifier and allocations of `sizes`.
    fn registry(sizes: &[u64]) -> RegistrySummary {
        RegistrySummary {
            verifiers: [(Address::new_id(VERIFIER), 1u64 << 20)]
                .into_iter()
                .map(|(a, cap)| (a, cap.into()))
                .collect(),
            allocations: sizes
                .iter()
                .enumerate()
                .map(|(i, s)| (i as u64 + 1, allocation(*s)))
                .collect(),
            claims: HashMap::new(),
        }
    }

    fn datacap(balances: &[(ActorID, u64)], supply: u64) -> DatacapSummary {
        DatacapSummary {
            balances: balances
                .iter()
                .map(|(h, b)| (*h, TokenAmount::from_whole(*b)))
                .collect(),
            allowances: HashMap::new(),
            total_supply: TokenAmount::from_whole(supply),
        }
    }

    /// The provider has sectors 7 and 8 only.
    fn sectors(provider: ActorID, sector: SectorNumber) -> Result<bool, String> {
        if provider != PROVIDER {
            return Err(format!("provider {provider} is not a miner"));
        }
        Ok(sector == 7 || sector == 8)
    }

    /// The whole-tree check runs these checks: a tree holding the registry, with a claim by an
    /// account, and an empty token.
    #[test]
    fn the_whole_tree_check_reports_a_claim_by_an_account() {
        use fvm::state_tree::{ActorState, StateTree};
        use fvm_ipld_blockstore::MemoryBlockstore;
        use fvm_ipld_encoding::CborStore;
        use fvm_shared::state::StateTreeVersion;

        let bs = MemoryBlockstore::new();
        let policy = Policy::default();
        let code = |typ: Type| {
            Cid::new_v1(
                fvm_ipld_encoding::IPLD_RAW,
                Code::Blake2b256.digest(typ.name().as_bytes()),
            )
        };
        let code_types: BTreeMap<Cid, Type> =
            [Type::VerifiedRegistry, Type::DataCap, Type::Account]
                .into_iter()
                .map(|t| (code(t), t))
                .collect();
        let mut registry = fil_actor_verifreg::State::new(&bs, Address::new_id(99)).unwrap();
        let mut by_account = claim(5);
        by_account.provider = CLIENT;
        by_account.size = PaddedPieceSize(1 << 20);
        registry.put_claims(&bs, &[(1, by_account)]).unwrap();
        registry.next_allocation_id = 2;
        let datacap =
            fil_actor_datacap::State::new(&bs, Address::new_id(VERIFIED_REGISTRY_ACTOR_ID))
                .unwrap();
        let mut tree = StateTree::new(&bs, StateTreeVersion::V5).unwrap();
        let zero = TokenAmount::from_atto(0);
        for (id, typ, head) in [
            (
                VERIFIED_REGISTRY_ACTOR_ID,
                Type::VerifiedRegistry,
                bs.put_cbor(&registry, Code::Blake2b256).unwrap(),
            ),
            (
                DATACAP_TOKEN_ACTOR_ID,
                Type::DataCap,
                bs.put_cbor(&datacap, Code::Blake2b256).unwrap(),
            ),
        ] {
            tree.set_actor(id, ActorState::new(code(typ), head, zero.clone(), 0, None));
        }
        tree.set_actor(CLIENT, ActorState::new_empty(code(Type::Account), None));
        let root = tree.flush().unwrap();
        let acc = crate::check_state_invariants(
            &bs,
            &root,
            &code_types,
            &Default::default(),
            &policy,
            -1,
            100,
        )
        .unwrap();
        acc.assert_expected(&["verifreg: claim 1: provider 101 is not a miner"]);
    }

    #[test]
    fn claims_of_sectors_the_provider_has_pass() {
        let acc = MessageAccumulator::default();
        let claims = [(1, claim(7)), (2, claim(8))].into_iter().collect();
        check_claims_backed(&claims, sectors, &acc);
        acc.assert_empty();
    }

    #[test]
    fn a_claim_of_a_missing_sector_or_a_provider_that_is_no_miner_fails() {
        let acc = MessageAccumulator::default();
        let mut stray = claim(7);
        stray.provider = 2000;
        let claims = [(1, claim(7)), (2, claim(9)), (3, stray)]
            .into_iter()
            .collect();
        check_claims_backed(&claims, sectors, &acc);
        acc.assert_expected(&[
            "claim 2 names sector 9 of provider 1000, which has no such sector",
            "claim 3: provider 2000 is not a miner",
        ]);
    }

    #[test]
    fn holdings_that_add_up_pass() {
        let acc = MessageAccumulator::default();
        // The client holds 4096, the registry 2048 + 1024 for two allocations.
        check_datacap_holdings(
            &registry(&[2048, 1024]),
            &datacap(&[(CLIENT, 4096), (VERIFIED_REGISTRY_ACTOR_ID, 3072)], 7168),
            &acc,
        );
        acc.assert_empty();
    }

    #[test]
    fn a_supply_that_is_not_the_clients_plus_the_registry_fails() {
        let acc = MessageAccumulator::default();
        check_datacap_holdings(
            &registry(&[2048]),
            &datacap(&[(CLIENT, 4096), (VERIFIED_REGISTRY_ACTOR_ID, 2048)], 6000),
            &acc,
        );
        acc.assert_expected(&[&format!(
            "supply {} is not the clients' {} plus the registry's {}",
            TokenAmount::from_whole(6000),
            TokenAmount::from_whole(4096),
            TokenAmount::from_whole(2048)
        )]);
    }

    #[test]
    fn allocations_that_do_not_sum_to_the_registrys_balance_fail() {
        let acc = MessageAccumulator::default();
        check_datacap_holdings(
            &registry(&[2048, 2048]),
            &datacap(&[(CLIENT, 4096), (VERIFIED_REGISTRY_ACTOR_ID, 2048)], 6144),
            &acc,
        );
        acc.assert_expected(&[&format!(
            "the registry holds {} but its allocations total 4096 bytes",
            TokenAmount::from_whole(2048)
        )]);
    }

    #[test]
    fn a_verifier_holding_datacap_fails() {
        let acc = MessageAccumulator::default();
        check_datacap_holdings(
            &registry(&[]),
            &datacap(&[(CLIENT, 4096), (VERIFIER, 256)], 4352),
            &acc,
        );
        acc.assert_expected(&[&format!(
            "verifier f0102 holds datacap {}",
            TokenAmount::from_whole(256)
        )]);
    }
}
