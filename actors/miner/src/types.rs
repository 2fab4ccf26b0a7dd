//! The miner's method parameters and return values, with v18's CBOR shapes: tuples unless marked
//! transparent, byte strings where v18 uses `strict_bytes`, big integers as Filecoin bigint bytes.

use cid::Cid;
use fil_actors_runtime::{BatchReturn, FilterEstimate};
use fvm_ipld_bitfield::BitField;
use fvm_ipld_encoding::tuple::*;
use fvm_ipld_encoding::{strict_bytes, BytesDe, RawBytes};
use fvm_shared::address::Address;
use fvm_shared::bigint::bigint_ser;
use fvm_shared::clock::ChainEpoch;
use fvm_shared::econ::TokenAmount;
use fvm_shared::piece::PaddedPieceSize;
use fvm_shared::randomness::Randomness;
use fvm_shared::sector::{
    PoStProof, RegisteredAggregateProof, RegisteredPoStProof, RegisteredSealProof,
    RegisteredUpdateProof, SectorNumber, SectorSize, StoragePower,
};
use fvm_shared::ActorID;

use crate::{BeneficiaryTerm, PendingBeneficiaryChange, SectorPreCommitInfo};

/// The kind of a deferred cron event the miner enrolls with the power actor.
pub type CronEvent = i64;
/// Kept for decoding old enrollments: v18 no longer enrolls it.
pub const CRON_EVENT_WORKER_KEY_CHANGE: CronEvent = 0;
/// The end of a proving deadline.
pub const CRON_EVENT_PROVING_DEADLINE: CronEvent = 1;
/// Early terminations still to process.
pub const CRON_EVENT_PROCESS_EARLY_TERMINATIONS: CronEvent = 2;

/// Allocation and claim ids of the verified registry.
pub type AllocationID = u64;
pub type ClaimID = u64;

/// Sent by the power actor (through init) to create a miner.
#[derive(Clone, Debug, PartialEq, Eq, Serialize_tuple, Deserialize_tuple)]
pub struct MinerConstructorParams {
    pub owner: Address,
    pub worker: Address,
    pub control_addresses: Vec<Address>,
    pub window_post_proof_type: RegisteredPoStProof,
    #[serde(with = "strict_bytes")]
    pub peer_id: Vec<u8>,
    pub multi_addresses: Vec<BytesDe>,
}

/// The payload of the miner's power-actor cron enrollments.
#[derive(Clone, Debug, PartialEq, Eq, Serialize_tuple, Deserialize_tuple)]
pub struct CronEventPayload {
    pub event_type: CronEvent,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize_tuple, Deserialize_tuple)]
pub struct GetControlAddressesReturn {
    pub owner: Address,
    pub worker: Address,
    pub control_addresses: Vec<Address>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize_tuple, Deserialize_tuple)]
pub struct ChangeWorkerAddressParams {
    pub new_worker: Address,
    pub new_control_addresses: Vec<Address>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize_tuple, Deserialize_tuple)]
#[serde(transparent)]
pub struct ChangeOwnerAddressParams {
    pub new_owner: Address,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize_tuple, Deserialize_tuple)]
pub struct ChangePeerIDParams {
    #[serde(with = "strict_bytes")]
    pub new_id: Vec<u8>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize_tuple, Deserialize_tuple)]
pub struct ChangeMultiaddrsParams {
    pub new_multi_addrs: Vec<BytesDe>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize_tuple, Deserialize_tuple)]
pub struct InternalSectorSetupForPresealParams {
    pub sectors: Vec<SectorNumber>,
    pub reward_smoothed: FilterEstimate,
    #[serde(with = "bigint_ser")]
    pub reward_baseline_power: StoragePower,
    pub quality_adj_power_smoothed: FilterEstimate,
}

/// Sent by the power actor's cron for an enrolled event.
#[derive(Clone, Debug, PartialEq, Eq, Serialize_tuple, Deserialize_tuple)]
pub struct DeferredCronEventParams {
    #[serde(with = "strict_bytes")]
    pub event_payload: Vec<u8>,
    pub reward_smoothed: FilterEstimate,
    pub quality_adj_power_smoothed: FilterEstimate,
}

/// One partition proven by a Window PoSt.
#[derive(Clone, Debug, PartialEq, Eq, Serialize_tuple, Deserialize_tuple)]
pub struct PoStPartition {
    /// The partition's index in its deadline.
    pub index: u64,
    /// Sectors the proof skipped that were not already declared faulty: they become faults.
    pub skipped: BitField,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize_tuple, Deserialize_tuple)]
pub struct SubmitWindowedPoStParams {
    pub deadline: u64,
    pub partitions: Vec<PoStPartition>,
    /// One proof per distinct PoSt proof type among the sectors (in practice one).
    pub proofs: Vec<PoStProof>,
    /// The epoch whose ticket the proof commits to, and that ticket.
    pub chain_commit_epoch: ChainEpoch,
    pub chain_commit_rand: Randomness,
}

/// One sector of a FIP-0090 non-interactive PoRep batch.
#[derive(Clone, Debug, PartialEq, Eq, Serialize_tuple, Deserialize_tuple)]
pub struct SectorNIActivationInfo {
    /// The number the replica was sealed with.
    pub sealing_number: SectorNumber,
    /// Whose replica id was used: must be this miner.
    pub sealer_id: ActorID,
    /// CommR.
    pub sealed_cid: Cid,
    /// The number the sector takes in this miner's state.
    pub sector_number: SectorNumber,
    pub seal_rand_epoch: ChainEpoch,
    pub expiration: ChainEpoch,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize_tuple, Deserialize_tuple)]
pub struct ProveCommitSectorsNIParams {
    pub sectors: Vec<SectorNIActivationInfo>,
    pub aggregate_proof: RawBytes,
    /// Must be a non-interactive seal proof type.
    pub seal_proof_type: RegisteredSealProof,
    pub aggregate_proof_type: RegisteredAggregateProof,
    /// The Window PoSt deadline the new sectors are assigned to.
    pub proving_deadline: u64,
    pub require_activation_success: bool,
}

/// FIP-0076: activates pre-committed sectors together with their pieces.
#[derive(Clone, Debug, PartialEq, Eq, Serialize_tuple, Deserialize_tuple)]
pub struct ProveCommitSectors3Params {
    pub sector_activations: Vec<SectorActivationManifest>,
    /// One proof per sector, or empty when `aggregate_proof` is given.
    pub sector_proofs: Vec<RawBytes>,
    pub aggregate_proof: RawBytes,
    /// Set exactly when `aggregate_proof` is non-empty.
    pub aggregate_proof_type: Option<RegisteredAggregateProof>,
    pub require_activation_success: bool,
    pub require_notification_success: bool,
}

/// A sector to activate and its pieces in order; zero padding fills what they leave.
#[derive(Clone, Debug, PartialEq, Eq, Serialize_tuple, Deserialize_tuple)]
pub struct SectorActivationManifest {
    pub sector_number: SectorNumber,
    pub pieces: Vec<PieceActivationManifest>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize_tuple, Deserialize_tuple)]
pub struct PieceActivationManifest {
    /// The piece commitment (CommP).
    pub cid: Cid,
    pub size: PaddedPieceSize,
    /// A verified allocation this piece claims, if any.
    pub verified_allocation_key: Option<VerifiedAllocationKey>,
    /// FIP-0109: actors told of the piece once the sector is activated.
    pub notify: Vec<DataActivationNotification>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize_tuple, Deserialize_tuple)]
pub struct VerifiedAllocationKey {
    pub client: ActorID,
    pub id: AllocationID,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize_tuple, Deserialize_tuple)]
pub struct DataActivationNotification {
    pub address: Address,
    pub payload: RawBytes,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize_tuple, Deserialize_tuple)]
#[serde(transparent)]
pub struct ProveCommitSectors3Return {
    pub activation_results: BatchReturn,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize_tuple, Deserialize_tuple)]
#[serde(transparent)]
pub struct ProveCommitSectorsNIReturn {
    pub activation_results: BatchReturn,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize_tuple, Deserialize_tuple)]
pub struct CheckSectorProvenParams {
    pub sector_number: SectorNumber,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize_tuple, Deserialize_tuple)]
pub struct ExtendSectorExpiration2Params {
    pub extensions: Vec<ExpirationExtension2>,
}

/// Claims of a sector with verified data: which to keep past the extension, which to drop.
#[derive(Clone, Debug, PartialEq, Eq, Serialize_tuple, Deserialize_tuple)]
pub struct SectorClaim {
    pub sector_number: SectorNumber,
    pub maintain_claims: Vec<ClaimID>,
    pub drop_claims: Vec<ClaimID>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize_tuple, Deserialize_tuple)]
pub struct ExpirationExtension2 {
    pub deadline: u64,
    pub partition: u64,
    /// Sectors without verified claims.
    pub sectors: BitField,
    pub sectors_with_claims: Vec<SectorClaim>,
    pub new_expiration: ChainEpoch,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize_tuple, Deserialize_tuple)]
pub struct TerminateSectorsParams {
    pub terminations: Vec<TerminationDeclaration>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize_tuple, Deserialize_tuple)]
pub struct TerminationDeclaration {
    pub deadline: u64,
    pub partition: u64,
    pub sectors: BitField,
}

/// FIP-0067 `ReplaceSector`: `[old_sector, new_sector]`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize_tuple, Deserialize_tuple)]
pub struct ReplaceSectorParams {
    /// The old sector to terminate without a fee.
    pub old_sector: SectorNumber,
    /// The sector sealed after the start that replaces it.
    pub new_sector: SectorNumber,
}

/// A one-field tuple (not transparent), as v18 encodes it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize_tuple, Deserialize_tuple)]
pub struct TerminateSectorsReturn {
    /// False while early terminations remain queued for cron.
    pub done: bool,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize_tuple, Deserialize_tuple)]
pub struct DeclareFaultsParams {
    pub faults: Vec<FaultDeclaration>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize_tuple, Deserialize_tuple)]
pub struct FaultDeclaration {
    pub deadline: u64,
    pub partition: u64,
    pub sectors: BitField,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize_tuple, Deserialize_tuple)]
pub struct DeclareFaultsRecoveredParams {
    pub recoveries: Vec<RecoveryDeclaration>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize_tuple, Deserialize_tuple)]
pub struct RecoveryDeclaration {
    pub deadline: u64,
    pub partition: u64,
    pub sectors: BitField,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize_tuple, Deserialize_tuple)]
pub struct CompactPartitionsParams {
    pub deadline: u64,
    pub partitions: BitField,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize_tuple, Deserialize_tuple)]
pub struct CompactSectorNumbersParams {
    pub mask_sector_numbers: BitField,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize_tuple, Deserialize_tuple)]
pub struct ReportConsensusFaultParams {
    #[serde(with = "strict_bytes")]
    pub header1: Vec<u8>,
    #[serde(with = "strict_bytes")]
    pub header2: Vec<u8>,
    #[serde(with = "strict_bytes")]
    pub header_extra: Vec<u8>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize_tuple, Deserialize_tuple)]
pub struct WithdrawBalanceParams {
    pub amount_requested: TokenAmount,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize_tuple, Deserialize_tuple)]
#[serde(transparent)]
pub struct WithdrawBalanceReturn {
    pub amount_withdrawn: TokenAmount,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize_tuple, Deserialize_tuple)]
pub struct PreCommitSectorBatchParams2 {
    pub sectors: Vec<SectorPreCommitInfo>,
}

/// The reward actor's payment of a block reward, with any penalty it carries.
#[derive(Clone, Debug, PartialEq, Eq, Serialize_tuple, Deserialize_tuple)]
pub struct ApplyRewardParams {
    pub reward: TokenAmount,
    pub penalty: TokenAmount,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize_tuple, Deserialize_tuple)]
pub struct DisputeWindowedPoStParams {
    pub deadline: u64,
    /// The index of the optimistically accepted proof within the deadline's snapshot.
    pub post_index: u64,
}

/// Snap deals (FIP-0076 form): new data into committed-capacity sectors.
#[derive(Clone, Debug, PartialEq, Eq, Serialize_tuple, Deserialize_tuple)]
pub struct ProveReplicaUpdates3Params {
    pub sector_updates: Vec<SectorUpdateManifest>,
    /// One proof per update, or empty when `aggregate_proof` is given (not yet supported by v18).
    pub sector_proofs: Vec<RawBytes>,
    pub aggregate_proof: RawBytes,
    pub update_proofs_type: RegisteredUpdateProof,
    pub aggregate_proof_type: Option<RegisteredAggregateProof>,
    pub require_activation_success: bool,
    pub require_notification_success: bool,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize_tuple, Deserialize_tuple)]
pub struct SectorUpdateManifest {
    pub sector: SectorNumber,
    pub deadline: u64,
    pub partition: u64,
    /// The new CommR.
    pub new_sealed_cid: Cid,
    /// Every piece of the new content, in order; zero padding fills the rest.
    pub pieces: Vec<PieceActivationManifest>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize_tuple, Deserialize_tuple)]
#[serde(transparent)]
pub struct ProveReplicaUpdates3Return {
    pub activation_results: BatchReturn,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize_tuple, Deserialize_tuple)]
pub struct ChangeBeneficiaryParams {
    pub new_beneficiary: Address,
    pub new_quota: TokenAmount,
    pub new_expiration: ChainEpoch,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize_tuple, Deserialize_tuple)]
pub struct ActiveBeneficiary {
    pub beneficiary: Address,
    pub term: BeneficiaryTerm,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize_tuple, Deserialize_tuple)]
pub struct GetBeneficiaryReturn {
    pub active: ActiveBeneficiary,
    pub proposed: Option<PendingBeneficiaryChange>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize_tuple, Deserialize_tuple)]
pub struct GetOwnerReturn {
    pub owner: Address,
    pub proposed: Option<Address>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize_tuple, Deserialize_tuple)]
#[serde(transparent)]
pub struct IsControllingAddressParam {
    pub address: Address,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize_tuple, Deserialize_tuple)]
#[serde(transparent)]
pub struct IsControllingAddressReturn {
    pub is_controlling: bool,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize_tuple, Deserialize_tuple)]
#[serde(transparent)]
pub struct GetSectorSizeReturn {
    pub sector_size: SectorSize,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize_tuple, Deserialize_tuple)]
#[serde(transparent)]
pub struct GetAvailableBalanceReturn {
    pub available_balance: TokenAmount,
}

/// A one-field tuple holding (epoch, amount) pairs.
#[derive(Clone, Debug, PartialEq, Eq, Serialize_tuple, Deserialize_tuple)]
pub struct GetVestingFundsReturn {
    pub vesting_funds: Vec<(ChainEpoch, TokenAmount)>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize_tuple, Deserialize_tuple)]
pub struct GetPeerIDReturn {
    #[serde(with = "strict_bytes")]
    pub peer_id: Vec<u8>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize_tuple, Deserialize_tuple)]
pub struct GetMultiaddrsReturn {
    pub multi_addrs: Vec<BytesDe>,
}

/// FIP-0109: sent to each notified actor after activation; v18 encodes the outer lists
/// transparently.
#[derive(Clone, Debug, PartialEq, Eq, Serialize_tuple, Deserialize_tuple)]
#[serde(transparent)]
pub struct SectorContentChangedParams {
    pub sectors: Vec<SectorChanges>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize_tuple, Deserialize_tuple)]
pub struct SectorChanges {
    pub sector: SectorNumber,
    /// The sector's commitment lasts at least until this epoch.
    pub minimum_commitment_epoch: ChainEpoch,
    pub added: Vec<PieceChange>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize_tuple, Deserialize_tuple)]
pub struct PieceChange {
    pub data: Cid,
    pub size: PaddedPieceSize,
    pub payload: RawBytes,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize_tuple, Deserialize_tuple)]
#[serde(transparent)]
pub struct SectorContentChangedReturn {
    pub sectors: Vec<SectorReturn>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize_tuple, Deserialize_tuple)]
#[serde(transparent)]
pub struct SectorReturn {
    pub added: Vec<PieceReturn>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize_tuple, Deserialize_tuple)]
#[serde(transparent)]
pub struct PieceReturn {
    pub accepted: bool,
}

/// FIP-0098: the most a termination could cost for this much power and pledge.
#[derive(Clone, Debug, PartialEq, Eq, Serialize_tuple, Deserialize_tuple)]
pub struct MaxTerminationFeeParams {
    #[serde(with = "bigint_ser")]
    pub power: StoragePower,
    pub initial_pledge: TokenAmount,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize_tuple, Deserialize_tuple)]
#[serde(transparent)]
pub struct MaxTerminationFeeReturn {
    pub max_fee: TokenAmount,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize_tuple, Deserialize_tuple)]
#[serde(transparent)]
pub struct InitialPledgeReturn {
    pub initial_pledge: TokenAmount,
}

// commit:

/// FRC-42 number of `SectorContentChanged`, the FIP-0076 notification of activated pieces
/// (sent to any receiver a piece names, FIP-0109).
pub const SECTOR_CONTENT_CHANGED: fvm_shared::MethodNum =
    fil_actors_runtime::method_hash!("SectorContentChanged");
/// A required notification could not be sent.
pub const ERR_NOTIFICATION_SEND_FAILED: fvm_shared::error::ExitCode =
    fvm_shared::error::ExitCode::new(1001);
/// The receiver of a required notification aborted.
pub const ERR_NOTIFICATION_RECEIVER_ABORTED: fvm_shared::error::ExitCode =
    fvm_shared::error::ExitCode::new(1002);
/// The receiver of a required notification answered with a malformed response.
pub const ERR_NOTIFICATION_RESPONSE_INVALID: fvm_shared::error::ExitCode =
    fvm_shared::error::ExitCode::new(1003);
/// The receiver of a required notification rejected a piece.
pub const ERR_NOTIFICATION_REJECTED: fvm_shared::error::ExitCode =
    fvm_shared::error::ExitCode::new(1004);
