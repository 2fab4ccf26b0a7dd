//! The provider-sector index: for each provider, the deals in each of its sectors (a HAMT of
//! provider ID to the root of a HAMT of sector number to the sorted list of deal IDs, bit width
//! 5 for both). Deals enter at activation; a terminated sector leaves it whole; a deal settled
//! for the last time leaves its sector's list. A provider without sectors has no entry.
//!
//! As in v18, recording an activation writes the sector's list even when no deal of it was
//! activated (an empty list), since that shapes the state's CID.

use std::collections::BTreeMap;

use cid::Cid;
use fil_actors_runtime::{ActorContext, ActorError, Map};
use fvm_ipld_blockstore::Blockstore;
use fvm_shared::deal::DealID;
use fvm_shared::sector::SectorNumber;
use fvm_shared::ActorID;

use crate::State;

/// Provider ID to the root of its `SectorDealsMap`.
pub type ProviderSectorsMap<BS> = Map<BS, ActorID, Cid>;
/// Sector number to the deals it holds.
pub type SectorDealsMap<BS> = Map<BS, SectorNumber, Vec<DealID>>;

/// Deal IDs to remove from the index, by provider and sector.
pub type ProviderSectorDeals = BTreeMap<ActorID, BTreeMap<SectorNumber, Vec<DealID>>>;

impl State {
    pub fn load_provider_sectors<BS: Blockstore>(
        &self,
        store: BS,
    ) -> Result<ProviderSectorsMap<BS>, ActorError> {
        ProviderSectorsMap::load(store, &self.provider_sectors, "provider sectors")
    }

    /// Adds deals to sectors of `provider`, merged with those already there.
    pub fn put_sector_deal_ids<BS: Blockstore>(
        &mut self,
        store: &BS,
        provider: ActorID,
        sector_deals: &[(SectorNumber, Vec<DealID>)],
    ) -> Result<(), ActorError> {
        let mut providers = self.load_provider_sectors(store)?;
        let mut sectors = load_sector_deals(store, &providers, provider)?;
        for (sector, deals) in sector_deals {
            let mut merged = deals.clone();
            if let Some(existing) = sectors.get(sector)? {
                merged.extend_from_slice(existing);
            }
            merged.sort_unstable();
            merged.dedup();
            sectors.set(sector, merged)?;
        }
        save_sector_deals(&mut providers, provider, &mut sectors)?;
        self.provider_sectors = providers.flush()?;
        Ok(())
    }

    /// Removes the entries of `sector_numbers` for `provider`; returns their deals, sector by
    /// sector in the order given.
    pub fn pop_sector_deal_ids<BS: Blockstore>(
        &mut self,
        store: &BS,
        provider: ActorID,
        sector_numbers: impl Iterator<Item = SectorNumber>,
    ) -> Result<Vec<DealID>, ActorError> {
        let mut providers = self.load_provider_sectors(store)?;
        let mut sectors = load_sector_deals(store, &providers, provider)?;
        let mut popped = Vec::new();
        let mut found = false;
        for sector in sector_numbers {
            if let Some(deals) = sectors
                .delete(&sector)
                .with_context(|| format!("provider {}", provider))?
            {
                popped.extend(deals);
                found = true;
            }
        }
        if found {
            save_sector_deals(&mut providers, provider, &mut sectors)?;
            self.provider_sectors = providers.flush()?;
        }
        Ok(popped)
    }

    /// Removes deals from their sectors' lists; a list left empty is deleted. Deals or sectors
    /// not in the index are ignored.
    pub fn remove_sector_deal_ids<BS: Blockstore>(
        &mut self,
        store: &BS,
        to_remove: &ProviderSectorDeals,
    ) -> Result<(), ActorError> {
        let mut providers = self.load_provider_sectors(store)?;
        for (provider, sector_deals) in to_remove {
            let mut sectors = load_sector_deals(store, &providers, *provider)?;
            let mut changed = false;
            for (sector, deals) in sector_deals {
                let Some(existing) = sectors.get(sector)? else {
                    continue;
                };
                let remaining: Vec<DealID> = existing
                    .iter()
                    .filter(|d| !deals.contains(d))
                    .copied()
                    .collect();
                changed = true;
                if remaining.is_empty() {
                    sectors.delete(sector)?;
                } else {
                    sectors.set(sector, remaining)?;
                }
            }
            if changed {
                save_sector_deals(&mut providers, *provider, &mut sectors)?;
            }
        }
        self.provider_sectors = providers.flush()?;
        Ok(())
    }
}

/// The sectors map of `provider`, empty when the provider has none.
pub fn load_sector_deals<BS: Blockstore>(
    store: BS,
    providers: &ProviderSectorsMap<BS>,
    provider: ActorID,
) -> Result<SectorDealsMap<BS>, ActorError> {
    match providers.get(&provider)? {
        Some(root) => SectorDealsMap::load(store, root, "sector deals")
            .with_context(|| format!("provider {}", provider)),
        None => Ok(SectorDealsMap::empty(store, "sector deals")),
    }
}

/// Writes back a provider's sectors map, or drops the provider when it has no sector left.
fn save_sector_deals<BS: Blockstore>(
    providers: &mut ProviderSectorsMap<BS>,
    provider: ActorID,
    sectors: &mut SectorDealsMap<BS>,
) -> Result<(), ActorError> {
    if sectors.is_empty() {
        providers.delete(&provider)?;
    } else {
        let root = sectors.flush()?;
        providers.set(&provider, root)?;
    }
    Ok(())
}
