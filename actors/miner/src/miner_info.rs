//! `MinerInfo`, the miner's rarely changing facts (stored behind a CID in the state root): its
//! owner, worker and control addresses and their pending changes, network identity, proof type
//! and sizes, consensus-fault ineligibility, and the beneficiary with its quota term (FIP-0029).

use fil_actors_runtime::actor_error;
use fil_actors_runtime::ActorError;
use fvm_ipld_encoding::tuple::*;
use fvm_ipld_encoding::{strict_bytes, BytesDe};
use fvm_shared::address::Address;
use fvm_shared::clock::{ChainEpoch, EPOCH_UNDEFINED};
use fvm_shared::econ::TokenAmount;
use fvm_shared::sector::{RegisteredPoStProof, SectorSize};
use fvm_shared::ActorID;
use num_traits::Zero;

/// A new worker key and the epoch from which it applies.
#[derive(Debug, PartialEq, Eq, Clone, Serialize_tuple, Deserialize_tuple)]
pub struct WorkerKeyChange {
    /// An ID address.
    pub new_worker: Address,
    pub effective_at: ChainEpoch,
}

/// What the current beneficiary may withdraw, and until when (FIP-0029).
#[derive(Debug, PartialEq, Eq, Clone, Default, Serialize_tuple, Deserialize_tuple)]
pub struct BeneficiaryTerm {
    /// Total the beneficiary may withdraw; reset when the beneficiary changes.
    pub quota: TokenAmount,
    /// How much of the quota has been withdrawn.
    pub used_quota: TokenAmount,
    /// The epoch at which the beneficiary's rights lapse back to the owner.
    pub expiration: ChainEpoch,
}

impl BeneficiaryTerm {
    pub fn new(quota: TokenAmount, used_quota: TokenAmount, expiration: ChainEpoch) -> Self {
        BeneficiaryTerm {
            quota,
            used_quota,
            expiration,
        }
    }

    /// What is left to withdraw at `cur`: nothing once expired, never negative.
    pub fn available(&self, cur: ChainEpoch) -> TokenAmount {
        if self.expiration > cur {
            std::cmp::max(&self.quota - &self.used_quota, TokenAmount::zero())
        } else {
            TokenAmount::zero()
        }
    }
}

/// A proposed beneficiary change, awaiting the approvals it needs (FIP-0029).
#[derive(Debug, PartialEq, Eq, Clone, Serialize_tuple, Deserialize_tuple)]
pub struct PendingBeneficiaryChange {
    pub new_beneficiary: Address,
    pub new_quota: TokenAmount,
    pub new_expiration: ChainEpoch,
    pub approved_by_beneficiary: bool,
    pub approved_by_nominee: bool,
}

impl PendingBeneficiaryChange {
    pub fn new(
        new_beneficiary: Address,
        new_quota: TokenAmount,
        new_expiration: ChainEpoch,
    ) -> Self {
        PendingBeneficiaryChange {
            new_beneficiary,
            new_quota,
            new_expiration,
            approved_by_beneficiary: false,
            approved_by_nominee: false,
        }
    }
}

/// The miner's facts, in v18's field order.
#[derive(Debug, PartialEq, Eq, Clone, Serialize_tuple, Deserialize_tuple)]
pub struct MinerInfo {
    /// Receives income and returned collateral; may change the worker and beneficiary.
    pub owner: Address,
    /// The key that signs blocks and day-to-day messages.
    pub worker: Address,
    /// Further addresses allowed to send the miner's messages; ID addresses.
    pub control_addresses: Vec<Address>,
    pub pending_worker_key: Option<WorkerKeyChange>,
    /// libp2p identity.
    #[serde(with = "strict_bytes")]
    pub peer_id: Vec<u8>,
    /// libp2p multiaddresses.
    pub multi_address: Vec<BytesDe>,
    pub window_post_proof_type: RegisteredPoStProof,
    pub sector_size: SectorSize,
    /// Sectors per Window PoSt partition, implied by the proof type.
    pub window_post_partition_sectors: u64,
    /// The epoch from which the miner is eligible again after a consensus fault.
    pub consensus_fault_elapsed: ChainEpoch,
    /// A proposed owner, which must confirm itself.
    pub pending_owner_address: Option<Address>,
    /// Where withdrawals go; the owner unless changed.
    pub beneficiary: Address,
    pub beneficiary_term: BeneficiaryTerm,
    pub pending_beneficiary_term: Option<PendingBeneficiaryChange>,
}

impl MinerInfo {
    /// A new miner's info; the sizes follow from the Window PoSt proof type.
    pub fn new(
        owner: ActorID,
        worker: ActorID,
        control_addresses: Vec<ActorID>,
        peer_id: Vec<u8>,
        multi_address: Vec<BytesDe>,
        window_post_proof_type: RegisteredPoStProof,
    ) -> Result<Self, ActorError> {
        let sector_size = window_post_proof_type.sector_size().map_err(|e| {
            actor_error!(illegal_argument; "invalid sector size for {:?}: {}", window_post_proof_type, e)
        })?;
        let window_post_partition_sectors =
            window_post_proof_type.window_post_partition_sectors().map_err(|e| {
                actor_error!(illegal_argument; "invalid partition sectors for {:?}: {}", window_post_proof_type, e)
            })?;
        Ok(MinerInfo {
            owner: Address::new_id(owner),
            worker: Address::new_id(worker),
            control_addresses: control_addresses.into_iter().map(Address::new_id).collect(),
            pending_worker_key: None,
            peer_id,
            multi_address,
            window_post_proof_type,
            sector_size,
            window_post_partition_sectors,
            consensus_fault_elapsed: EPOCH_UNDEFINED,
            pending_owner_address: None,
            beneficiary: Address::new_id(owner),
            beneficiary_term: BeneficiaryTerm::default(),
            pending_beneficiary_term: None,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use fvm_shared::error::ExitCode;

    #[test]
    fn new_info_derives_sizes() {
        let info = MinerInfo::new(
            100,
            101,
            vec![102],
            vec![1, 2],
            vec![BytesDe(vec![3])],
            RegisteredPoStProof::StackedDRGWindow32GiBV1P1,
        )
        .unwrap();
        assert_eq!(info.sector_size, SectorSize::_32GiB);
        assert_eq!(info.window_post_partition_sectors, 2349);
        assert_eq!(info.beneficiary, Address::new_id(100));
        assert_eq!(info.control_addresses, vec![Address::new_id(102)]);
        assert_eq!(info.consensus_fault_elapsed, -1);
        let err = MinerInfo::new(
            1,
            2,
            vec![],
            vec![],
            vec![],
            RegisteredPoStProof::Invalid(77),
        )
        .unwrap_err();
        assert_eq!(err.exit_code(), ExitCode::USR_ILLEGAL_ARGUMENT);
        assert!(err.msg().contains("Invalid(77)"), "{}", err.msg());
    }

    #[test]
    fn beneficiary_availability() {
        let term =
            BeneficiaryTerm::new(TokenAmount::from_atto(100), TokenAmount::from_atto(30), 50);
        assert_eq!(term.available(49), TokenAmount::from_atto(70));
        assert_eq!(term.available(50), TokenAmount::zero());
        let overdrawn =
            BeneficiaryTerm::new(TokenAmount::from_atto(10), TokenAmount::from_atto(30), 50);
        assert_eq!(overdrawn.available(0), TokenAmount::zero());
        let pending =
            PendingBeneficiaryChange::new(Address::new_id(5), TokenAmount::from_atto(1), 9);
        assert!(!pending.approved_by_beneficiary && !pending.approved_by_nominee);
    }
}
