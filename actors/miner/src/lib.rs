//! `fil_actor_miner`: the storage miner actor of the network's v18.
//!
//! The miner's state model keeps each structure next to the logic that owns it:
//! the root [`State`] (`state.rs`, funds in `funds.rs`), [`MinerInfo`], sectors and
//! pre-commitments, the vesting table, the 48 [`Deadlines`] with their [`Deadline`]s and
//! [`Partition`]s, the quantized [`ExpirationQueue`] and [`BitFieldQueue`], deadline
//! arithmetic and assignment, the miner's policy and token arithmetic (`monies.rs`), and the
//! invariant checks over a whole miner state (`testing.rs`). Every structure encodes exactly as
//! v18 does. The actor's methods live in `handlers/`, one module per group; this file holds the
//! module table, the method enum and the dispatch table.

use fil_actors_runtime::{actor_dispatch, method_hash, ActorCode};
use fvm_shared::METHOD_CONSTRUCTOR;
use num_derive::FromPrimitive;

mod bitfield_queue;
mod deadline_assignment;
mod deadline_info;
mod deadline_post;
mod deadline_state;
mod deadlines;
pub mod emit;
mod expiration_queue;
pub mod ext;
mod funds;
mod handlers;
mod miner_info;
mod monies;
mod old_sector_census;
mod partition_state;
mod policy;
mod power;
mod precommits;
mod quantize;
mod replacement_enforcement;
mod replacement_sealing;
mod sector_map;
mod sector_status;
mod sectors;
mod state;
mod status_views;
mod termination;
pub mod testing;
mod types;
mod vesting_state;

pub use bitfield_queue::BitFieldQueue;
pub use deadline_assignment::*;
pub use deadline_info::*;
pub use deadline_post::*;
pub use deadline_state::*;
pub use deadlines::*;
pub use expiration_queue::*;
pub use funds::*;
pub use miner_info::*;
pub use monies::*;
pub use old_sector_census::*;
pub use partition_state::*;
pub use policy::*;
pub use power::*;
pub use precommits::*;
pub use quantize::*;
pub use replacement_enforcement::*;
pub use replacement_sealing::*;
pub use sector_map::*;
pub use sector_status::*;
pub use sectors::*;
pub use state::*;
pub use status_views::*;
pub use termination::*;
pub use types::*;
pub use vesting_state::*;

fil_actors_runtime::wasm_trampoline!(Actor);

/// The miner's methods with v18's numbers. The gaps are methods v18 removed (6, 7, 8: the old
/// `PreCommitSector`, `ProveCommitSector` and `ExtendSectorExpiration`; 25, 26, 27, 29: the old
/// batch pre-commit, aggregate prove-commit and replica updates; 33: `MovePartitions`). The
/// `*Exported` numbers are FRC-42 hashes of the method names, callable by any actor.
#[derive(FromPrimitive, Debug, Clone, Copy, PartialEq, Eq)]
#[repr(u64)]
pub enum Method {
    Constructor = METHOD_CONSTRUCTOR,
    ControlAddresses = 2,
    ChangeWorkerAddress = 3,
    ChangePeerID = 4,
    SubmitWindowedPoSt = 5,
    TerminateSectors = 9,
    DeclareFaults = 10,
    DeclareFaultsRecovered = 11,
    OnDeferredCronEvent = 12,
    CheckSectorProven = 13,
    ApplyRewards = 14,
    ReportConsensusFault = 15,
    WithdrawBalance = 16,
    InternalSectorSetupForPreseal = 17,
    ChangeMultiaddrs = 18,
    CompactPartitions = 19,
    CompactSectorNumbers = 20,
    ConfirmChangeWorkerAddress = 21,
    RepayDebt = 22,
    ChangeOwnerAddress = 23,
    DisputeWindowedPoSt = 24,
    PreCommitSectorBatch2 = 28,
    ChangeBeneficiary = 30,
    GetBeneficiary = 31,
    ExtendSectorExpiration2 = 32,
    ProveCommitSectors3 = 34,
    ProveReplicaUpdates3 = 35,
    ProveCommitSectorsNI = 36,
    ChangeWorkerAddressExported = method_hash!("ChangeWorkerAddress"),
    ChangePeerIDExported = method_hash!("ChangePeerID"),
    WithdrawBalanceExported = method_hash!("WithdrawBalance"),
    ChangeMultiaddrsExported = method_hash!("ChangeMultiaddrs"),
    ConfirmChangeWorkerAddressExported = method_hash!("ConfirmChangeWorkerAddress"),
    RepayDebtExported = method_hash!("RepayDebt"),
    ChangeOwnerAddressExported = method_hash!("ChangeOwnerAddress"),
    ChangeBeneficiaryExported = method_hash!("ChangeBeneficiary"),
    GetBeneficiaryExported = method_hash!("GetBeneficiary"),
    GetOwnerExported = method_hash!("GetOwner"),
    IsControllingAddressExported = method_hash!("IsControllingAddress"),
    GetSectorSizeExported = method_hash!("GetSectorSize"),
    GetAvailableBalanceExported = method_hash!("GetAvailableBalance"),
    GetVestingFundsExported = method_hash!("GetVestingFunds"),
    GetPeerIDExported = method_hash!("GetPeerID"),
    GetMultiaddrsExported = method_hash!("GetMultiaddrs"),
    MaxTerminationFeeExported = method_hash!("MaxTerminationFee"),
    InitialPledgeExported = method_hash!("InitialPledge"),
    // Sector status for FEVM contracts (shared/spec/sector-status.md), with the network's aliases.
    GenerateSectorStatusInfoExported = GENERATE_SECTOR_STATUS_INFO_METHOD,
    ValidateSectorStatusExported = VALIDATE_SECTOR_STATUS_METHOD,
    GetSectorExpirationExported = GET_SECTOR_EXPIRATION_METHOD,
    GenerateSectorLocationExported = GENERATE_SECTOR_LOCATION_METHOD,
    GetNominalSectorExpirationExported = GET_NOMINAL_SECTOR_EXPIRATION_METHOD,
    // FIP-0067 (shared/spec/replacement-sealing.md).
    GetReplacementSealingStatusExported = GET_REPLACEMENT_SEALING_STATUS_METHOD,
    ReplaceSectorExported = REPLACE_SECTOR_METHOD,
}

/// The storage miner actor.
pub struct Actor;

impl ActorCode for Actor {
    type Methods = Method;

    fn name() -> &'static str {
        "StorageMiner"
    }

    // Every method, in number order; an exported twin follows its internal method.
    actor_dispatch! {
        Constructor => constructor,
        ControlAddresses => control_addresses,
        ChangeWorkerAddress => change_worker_address,
        ChangeWorkerAddressExported => change_worker_address,
        ChangePeerID => change_peer_id,
        ChangePeerIDExported => change_peer_id,
        SubmitWindowedPoSt => submit_windowed_post,
        TerminateSectors => terminate_sectors,
        DeclareFaults => declare_faults,
        DeclareFaultsRecovered => declare_faults_recovered,
        OnDeferredCronEvent => on_deferred_cron_event,
        CheckSectorProven => check_sector_proven,
        ApplyRewards => apply_rewards,
        ReportConsensusFault => report_consensus_fault,
        WithdrawBalance => withdraw_balance,
        WithdrawBalanceExported => withdraw_balance,
        InternalSectorSetupForPreseal => internal_sector_setup_preseal,
        ChangeMultiaddrs => change_multiaddresses,
        ChangeMultiaddrsExported => change_multiaddresses,
        CompactPartitions => compact_partitions,
        CompactSectorNumbers => compact_sector_numbers,
        ConfirmChangeWorkerAddress => confirm_change_worker_address,
        ConfirmChangeWorkerAddressExported => confirm_change_worker_address,
        RepayDebt => repay_debt,
        RepayDebtExported => repay_debt,
        ChangeOwnerAddress => change_owner_address,
        ChangeOwnerAddressExported => change_owner_address,
        DisputeWindowedPoSt => dispute_windowed_post,
        PreCommitSectorBatch2 => pre_commit_sector_batch2,
        ChangeBeneficiary => change_beneficiary,
        ChangeBeneficiaryExported => change_beneficiary,
        GetBeneficiary => get_beneficiary,
        GetBeneficiaryExported => get_beneficiary,
        ExtendSectorExpiration2 => extend_sector_expiration2,
        ProveCommitSectors3 => prove_commit_sectors3,
        ProveReplicaUpdates3 => prove_replica_updates3,
        ProveCommitSectorsNI => prove_commit_sectors_ni,
        GetOwnerExported => get_owner,
        IsControllingAddressExported => is_controlling_address,
        GetSectorSizeExported => get_sector_size,
        GetAvailableBalanceExported => get_available_balance,
        GetVestingFundsExported => get_vesting_funds,
        GetPeerIDExported => get_peer_id,
        GetMultiaddrsExported => get_multiaddresses,
        MaxTerminationFeeExported => max_termination_fee,
        InitialPledgeExported => initial_pledge,
        GenerateSectorStatusInfoExported => generate_sector_status_info,
        ValidateSectorStatusExported => validate_sector_status,
        GetSectorExpirationExported => get_sector_expiration,
        GenerateSectorLocationExported => generate_sector_status_info,
        GetNominalSectorExpirationExported => get_nominal_sector_expiration,
        GetReplacementSealingStatusExported => get_replacement_sealing_status,
        ReplaceSectorExported => replace_sector,
    }
}
