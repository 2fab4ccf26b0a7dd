//! The market's FIP-0083 deal events, built with the runtime's `EventBuilder`: `deal-published`,
//! `deal-activated`, `deal-terminated` and `deal-completed`. Each has the same entries after
//! `$type`: the deal `id`, the `client` and the `provider` (actor IDs), all indexed by key and
//! value.

use fil_actors_runtime::runtime::Runtime;
use fil_actors_runtime::{ActorError, EventBuilder};
use fvm_shared::deal::DealID;
use fvm_shared::event::ActorEvent;
use fvm_shared::ActorID;

/// The event `event_type` for one deal, entries in the order of the FIP's tables.
pub fn deal_event(
    event_type: &str,
    id: DealID,
    client: ActorID,
    provider: ActorID,
) -> Result<ActorEvent, ActorError> {
    EventBuilder::new(event_type)
        .field_indexed("id", &id)
        .field_indexed("client", &client)
        .field_indexed("provider", &provider)
        .build()
}

/// A deal was published (`PublishStorageDeals`).
pub fn deal_published(
    rt: &impl Runtime,
    id: DealID,
    client: ActorID,
    provider: ActorID,
) -> Result<(), ActorError> {
    rt.emit_event(&deal_event("deal-published", id, client, provider)?)
}

/// A deal was activated in a sector (`BatchActivateDeals` or `SectorContentChanged`).
pub fn deal_activated(
    rt: &impl Runtime,
    id: DealID,
    client: ActorID,
    provider: ActorID,
) -> Result<(), ActorError> {
    rt.emit_event(&deal_event("deal-activated", id, client, provider)?)
}

/// A deal ended early because its sector was terminated.
pub fn deal_terminated(
    rt: &impl Runtime,
    id: DealID,
    client: ActorID,
    provider: ActorID,
) -> Result<(), ActorError> {
    rt.emit_event(&deal_event("deal-terminated", id, client, provider)?)
}

/// A deal ran to its end and was settled for the last time.
pub fn deal_completed(
    rt: &impl Runtime,
    id: DealID,
    client: ActorID,
    provider: ActorID,
) -> Result<(), ActorError> {
    rt.emit_event(&deal_event("deal-completed", id, client, provider)?)
}
