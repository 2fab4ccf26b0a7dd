//! `fil_actor_market`: the storage market actor of the network's v18.
//!
//! The market holds each participant's escrow and the storage deals between clients and
//! providers, from publication (the client's signature checked by its account actor, verified
//! deals turned into datacap allocations) through activation in a sector, payment (FIP-0074
//! settlement by the provider, cron for deals from before it) and termination, and emits the
//! FIP-0083 deal events. Its state model keeps each collection next to the logic that owns it:
//! the root and deal collections (`state.rs`), escrow (`escrow.rs`, `balance_table.rs`), the
//! deal-ops queue (`deal_ops.rs`), the provider-sector index (`provider_sectors.rs`), and deal
//! payments and endings (`settlement.rs`). The methods live in `handlers/`; this file holds the
//! module table, the method enum and the dispatch table.
//!
//! The market depends on no other actor's crate: what it sends to miners, the power, reward
//! and verified registry actors, datacap and accounts is declared in `ext.rs`.

use fil_actors_runtime::{actor_dispatch, method_hash, ActorCode};
use fvm_shared::METHOD_CONSTRUCTOR;
use num_derive::FromPrimitive;

mod balance_table;
mod deal;
mod deal_ops;
pub mod emit;
mod escrow;
pub mod ext;
mod handlers;
pub mod policy;
mod provider_sectors;
mod settlement;
mod state;
pub mod testing;
mod types;

pub use balance_table::*;
pub use deal::*;
pub use deal_ops::*;
pub use escrow::*;
pub use provider_sectors::*;
pub use settlement::*;
pub use state::*;
pub use types::*;

fil_actors_runtime::wasm_trampoline!(Actor);

/// The market's methods with v18's numbers. Number 8 was `ComputeDataCommitment`, removed in
/// v13. The `*Exported` numbers are FRC-42 hashes of the method names, callable by any actor.
#[derive(FromPrimitive, Debug, Clone, Copy, PartialEq, Eq)]
#[repr(u64)]
pub enum Method {
    Constructor = METHOD_CONSTRUCTOR,
    AddBalance = 2,
    WithdrawBalance = 3,
    PublishStorageDeals = 4,
    VerifyDealsForActivation = 5,
    BatchActivateDeals = 6,
    OnMinerSectorsTerminate = 7,
    CronTick = 9,
    AddBalanceExported = method_hash!("AddBalance"),
    WithdrawBalanceExported = method_hash!("WithdrawBalance"),
    PublishStorageDealsExported = method_hash!("PublishStorageDeals"),
    GetBalanceExported = method_hash!("GetBalance"),
    GetDealDataCommitmentExported = method_hash!("GetDealDataCommitment"),
    GetDealClientExported = method_hash!("GetDealClient"),
    GetDealProviderExported = method_hash!("GetDealProvider"),
    GetDealLabelExported = method_hash!("GetDealLabel"),
    GetDealTermExported = method_hash!("GetDealTerm"),
    GetDealTotalPriceExported = method_hash!("GetDealTotalPrice"),
    GetDealClientCollateralExported = method_hash!("GetDealClientCollateral"),
    GetDealProviderCollateralExported = method_hash!("GetDealProviderCollateral"),
    GetDealVerifiedExported = method_hash!("GetDealVerified"),
    GetDealActivationExported = method_hash!("GetDealActivation"),
    GetDealSectorExported = method_hash!("GetDealSector"),
    SettleDealPaymentsExported = method_hash!("SettleDealPayments"),
    SectorContentChangedExported = ext::miner::SECTOR_CONTENT_CHANGED,
}

/// The storage market actor.
pub struct Actor;

impl ActorCode for Actor {
    type Methods = Method;

    fn name() -> &'static str {
        "StorageMarket"
    }

    // Every method, in number order; an exported twin follows its internal method.
    actor_dispatch! {
        Constructor => constructor,
        AddBalance => add_balance,
        AddBalanceExported => add_balance,
        WithdrawBalance => withdraw_balance,
        WithdrawBalanceExported => withdraw_balance,
        PublishStorageDeals => publish_storage_deals,
        PublishStorageDealsExported => publish_storage_deals,
        VerifyDealsForActivation => verify_deals_for_activation,
        BatchActivateDeals => batch_activate_deals,
        OnMinerSectorsTerminate => on_miner_sectors_terminate,
        CronTick => cron_tick,
        GetBalanceExported => get_balance,
        GetDealDataCommitmentExported => get_deal_data_commitment,
        GetDealClientExported => get_deal_client,
        GetDealProviderExported => get_deal_provider,
        GetDealLabelExported => get_deal_label,
        GetDealTermExported => get_deal_term,
        GetDealTotalPriceExported => get_deal_total_price,
        GetDealClientCollateralExported => get_deal_client_collateral,
        GetDealProviderCollateralExported => get_deal_provider_collateral,
        GetDealVerifiedExported => get_deal_verified,
        GetDealActivationExported => get_deal_activation,
        GetDealSectorExported => get_deal_sector,
        SettleDealPaymentsExported => settle_deal_payments,
        SectorContentChangedExported => sector_content_changed,
    }
}
