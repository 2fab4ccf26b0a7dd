//! The miner's events (`shared/spec/events.md`): the FIP-0083 sector lifecycle events and the
//! `fee-applied` event, each built with the runtime's `EventBuilder`.
//!
//! `fee-applied` reports a fee or penalty at the moment it is *applied* to the miner's fee
//! accounting (added as a penalty, debt or burn), not when it is paid: a fee that leaves the miner
//! in debt is reported once, when charged, and its later repayment emits nothing.

use cid::Cid;
use fil_actors_runtime::runtime::Runtime;
use fil_actors_runtime::{ActorError, EventBuilder};
use fvm_shared::econ::TokenAmount;
use fvm_shared::event::{ActorEvent, Flags};
use fvm_shared::sector::SectorNumber;

use crate::PieceActivationManifest;

/// Every kind of fee or penalty the miner can apply, with its `fee-type` string.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FeeType {
    /// FIP-0100's daily fee for a deadline's sectors, charged at the end of the deadline.
    DailyProof,
    /// The fee for sectors that stay faulty at the end of their deadline.
    ContinuedFault,
    /// The penalty for a reported consensus fault.
    ConsensusFault,
    /// The early-termination fee, charged when terminations are processed.
    Termination,
    /// The pre-commit deposit forfeited when a pre-commitment expires unproven.
    PrecommitExpired,
    /// The penalty for a Window PoSt disproven by `DisputeWindowedPoSt`.
    WindowPostDispute,
    /// Reserved: an invalid Window PoSt aborts and charges nothing in the current protocol.
    WindowPostInvalid,
    /// Reserved: sectors detected faulty by a missed Window PoSt pay no penalty in the current
    /// protocol (only the continued-fault fee from the next deadline end).
    SectorProveDeadline,
    /// The penalty the reward actor passes in `ApplyRewards`.
    BlockPenalty,
}

impl FeeType {
    /// The `fee-type` entry's value.
    pub fn as_str(self) -> &'static str {
        match self {
            FeeType::DailyProof => "daily-proof",
            FeeType::ContinuedFault => "continued-fault",
            FeeType::ConsensusFault => "consensus-fault",
            FeeType::Termination => "termination",
            FeeType::PrecommitExpired => "precommit-expired",
            FeeType::WindowPostDispute => "window-post-dispute",
            FeeType::WindowPostInvalid => "window-post-invalid",
            FeeType::SectorProveDeadline => "sector-prove-deadline",
            FeeType::BlockPenalty => "block-penalty",
        }
    }
}

/// One application of a fee: its type, amount and the optional details of the event.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FeeApplied {
    pub fee_type: FeeType,
    pub amount: TokenAmount,
    /// The deadline index the fee belongs to.
    pub deadline: Option<u64>,
    /// How many sectors the fee was charged for.
    pub sectors: Option<u64>,
    /// Whether a cap reduced the fee.
    pub limit_applied: bool,
}

impl FeeApplied {
    pub fn new(fee_type: FeeType, amount: TokenAmount) -> Self {
        FeeApplied {
            fee_type,
            amount,
            deadline: None,
            sectors: None,
            limit_applied: false,
        }
    }

    pub fn deadline(mut self, deadline: u64) -> Self {
        self.deadline = Some(deadline);
        self
    }

    pub fn sectors(mut self, sectors: u64) -> Self {
        self.sectors = Some(sectors);
        self
    }

    pub fn limit_applied(mut self, applied: bool) -> Self {
        self.limit_applied = applied;
        self
    }

    /// The event, entries in the order of the spec's table.
    pub fn event(&self) -> Result<ActorEvent, ActorError> {
        EventBuilder::new("fee-applied")
            .field_indexed("fee-type", self.fee_type.as_str())
            .field_value_indexed("amount", &self.amount)
            .optional_field(
                "deadline",
                self.deadline.as_ref(),
                Flags::FLAG_INDEXED_VALUE,
            )
            .optional_field("sectors", self.sectors.as_ref(), Flags::FLAG_INDEXED_VALUE)
            .optional_field(
                "limit-applied",
                self.limit_applied.then_some(&true),
                Flags::FLAG_INDEXED_VALUE,
            )
            .build()
    }
}

/// Emits `fee-applied` for a positive amount; a zero (or negative) amount emits nothing.
pub fn fee_applied(rt: &impl Runtime, fee: FeeApplied) -> Result<(), ActorError> {
    if !fee.amount.is_positive() {
        return Ok(());
    }
    rt.emit_event(&fee.event()?)
}

/// The `sector-precommitted` event.
pub fn sector_precommitted_event(sector: SectorNumber) -> Result<ActorEvent, ActorError> {
    EventBuilder::new("sector-precommitted")
        .field_indexed("sector", &sector)
        .build()
}

/// The `sector-terminated` event.
pub fn sector_terminated_event(sector: SectorNumber) -> Result<ActorEvent, ActorError> {
    EventBuilder::new("sector-terminated")
        .field_indexed("sector", &sector)
        .build()
}

/// The `sector-activated` or `sector-updated` event: the sector, its unsealed CID (null for a
/// sector without data) and its pieces in manifest order.
pub fn sector_data_event(
    event_type: &str,
    sector: SectorNumber,
    unsealed_cid: Option<&Cid>,
    pieces: &[PieceActivationManifest],
) -> Result<ActorEvent, ActorError> {
    pieces
        .iter()
        .fold(
            EventBuilder::new(event_type)
                .field_indexed("sector", &sector)
                .field_indexed("unsealed-cid", &unsealed_cid),
            |event, piece| {
                event
                    .field_indexed("piece-cid", &piece.cid)
                    .field("piece-size", &piece.size.0)
            },
        )
        .build()
}

/// Emits `sector-precommitted`, once per pre-committed sector.
pub fn sector_precommitted(rt: &impl Runtime, sector: SectorNumber) -> Result<(), ActorError> {
    rt.emit_event(&sector_precommitted_event(sector)?)
}

/// Emits `sector-activated`, once per activated sector, on every activation path.
pub fn sector_activated(
    rt: &impl Runtime,
    sector: SectorNumber,
    unsealed_cid: Option<&Cid>,
    pieces: &[PieceActivationManifest],
) -> Result<(), ActorError> {
    rt.emit_event(&sector_data_event(
        "sector-activated",
        sector,
        unsealed_cid,
        pieces,
    )?)
}

/// Emits `sector-updated`, once per sector updated with data.
pub fn sector_updated(
    rt: &impl Runtime,
    sector: SectorNumber,
    unsealed_cid: Option<&Cid>,
    pieces: &[PieceActivationManifest],
) -> Result<(), ActorError> {
    rt.emit_event(&sector_data_event(
        "sector-updated",
        sector,
        unsealed_cid,
        pieces,
    )?)
}

/// Emits `sector-terminated`, once per early-terminated sector.
pub fn sector_terminated(rt: &impl Runtime, sector: SectorNumber) -> Result<(), ActorError> {
    rt.emit_event(&sector_terminated_event(sector)?)
}
