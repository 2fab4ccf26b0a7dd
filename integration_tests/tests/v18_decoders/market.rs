//! The market's state through ChainSafe's v18 types: the root, then each collection read by
//! their types and compared entry by entry with ours (proposals, deal states, the escrow and
//! locked tables, the pending proposals, the pending allocation IDs, the provider-sector index).

use fil_actor_market::State;
use fil_actor_market_state::v18 as cs;
use fvm_ipld_amt::Amt;
use fvm_ipld_encoding::to_vec;
use serde::de::DeserializeOwned;
use serde::Serialize;
use test_vm::{StoreRef, VM};

/// Each entry of the AMT at `root` decoded as `T`, re-encoded.
fn amt_entries<T: DeserializeOwned + Serialize>(
    vm: &dyn VM,
    root: &cid::Cid,
    what: &str,
) -> Vec<(u64, Vec<u8>)> {
    let mut out = Vec::new();
    Amt::<T, _>::load(root, StoreRef(vm.store()))
        .unwrap_or_else(|e| panic!("cannot load {what}: {e}"))
        .for_each(|i, v| {
            out.push((i, to_vec(v).unwrap()));
            Ok(())
        })
        .unwrap_or_else(|e| panic!("cannot decode {what}: {e}"));
    out
}

/// The collections of the market state `st` (already checked whole): the same entries read by
/// ChainSafe's v18 types as by ours.
pub fn check_collections(vm: &dyn VM, st: &State, what: &str) {
    let store = StoreRef(vm.store());
    // Proposals and deal states.
    assert_eq!(
        amt_entries::<cs::DealProposal>(vm, &st.proposals, what),
        amt_entries::<fil_actor_market::DealProposal>(vm, &st.proposals, what),
        "proposals of {what}"
    );
    assert_eq!(
        amt_entries::<cs::DealState>(vm, &st.states, what),
        amt_entries::<fil_actor_market::DealState>(vm, &st.states, what),
        "deal states of {what}"
    );
    // The escrow and locked tables.
    for (root, name) in [(&st.escrow_table, "escrow"), (&st.locked_table, "locked")] {
        let mut theirs = Vec::new();
        cs::balance_table::BalanceTable::from_root(&store, root, name)
            .unwrap_or_else(|e| {
                panic!("ChainSafe's v18 cannot load the {name} table of {what}: {e}")
            })
            .0
            .for_each(|addr, amount| {
                theirs.push((addr.to_bytes(), to_vec(amount).unwrap()));
                Ok(())
            })
            .unwrap();
        let mut ours = Vec::new();
        fil_actor_market::BalanceTable::load(&store, root, name)
            .unwrap()
            .for_each(|addr, amount| {
                ours.push((addr.to_bytes(), to_vec(amount).unwrap()));
                Ok(())
            })
            .unwrap();
        assert_eq!(theirs, ours, "{name} table of {what}");
    }
    // The pending proposals (a set of CIDs) and the pending allocation IDs.
    let mut theirs = Vec::new();
    cs::PendingProposalsSet::load(
        &store,
        &st.pending_proposals,
        cs::PENDING_PROPOSALS_CONFIG,
        "pending",
    )
    .unwrap_or_else(|e| panic!("ChainSafe's v18 cannot load the pending proposals of {what}: {e}"))
    .for_each(|cid| {
        theirs.push(cid);
        Ok(())
    })
    .unwrap();
    let mut ours = Vec::new();
    st.load_pending_deals(&store)
        .unwrap()
        .for_each(|cid, _| {
            ours.push(cid);
            Ok(())
        })
        .unwrap();
    assert_eq!(theirs, ours, "pending proposals of {what}");
    let mut theirs = Vec::new();
    cs::PendingDealAllocationsMap::load(
        &store,
        &st.pending_deal_allocation_ids,
        cs::PENDING_ALLOCATIONS_CONFIG,
        "allocations",
    )
    .unwrap_or_else(|e| {
        panic!("ChainSafe's v18 cannot load the pending allocations of {what}: {e}")
    })
    .for_each(|deal, allocation| {
        theirs.push((deal, *allocation));
        Ok(())
    })
    .unwrap();
    let mut ours = Vec::new();
    st.load_pending_deal_allocation_ids(&store)
        .unwrap()
        .for_each(|deal, allocation| {
            ours.push((deal, *allocation));
            Ok(())
        })
        .unwrap();
    assert_eq!(theirs, ours, "pending allocation IDs of {what}");
    // The provider-sector index: each provider's sectors and their deals.
    let mut theirs = Vec::new();
    cs::ProviderSectorsMap::load(
        &store,
        &st.provider_sectors,
        cs::PROVIDER_SECTORS_CONFIG,
        "providers",
    )
    .unwrap_or_else(|e| panic!("ChainSafe's v18 cannot load the provider sectors of {what}: {e}"))
    .for_each(|provider, root| {
        let mut sectors = Vec::new();
        cs::SectorDealsMap::load(&store, root, cs::SECTOR_DEALS_CONFIG, "sectors")
            .unwrap()
            .for_each(|sector, deals| {
                sectors.push((sector, deals.clone()));
                Ok(())
            })
            .unwrap();
        theirs.push((provider, sectors));
        Ok(())
    })
    .unwrap();
    let mut ours = Vec::new();
    let providers = st.load_provider_sectors(&store).unwrap();
    providers
        .for_each(|provider, _| {
            let mut sectors = Vec::new();
            fil_actor_market::load_sector_deals(&store, &providers, provider)
                .unwrap()
                .for_each(|sector, deals| {
                    sectors.push((sector, deals.clone()));
                    Ok(())
                })
                .unwrap();
            ours.push((provider, sectors));
            Ok(())
        })
        .unwrap();
    assert_eq!(theirs, ours, "provider sectors of {what}");
}
