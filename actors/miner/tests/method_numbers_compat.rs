//! The method numbers match v18's, as ChainSafe's independent `fil_actor_miner_state` lists them.

use fil_actor_miner::Method as M;
use fil_actor_miner_state::v18::Method as V18;

#[test]
fn method_numbers_match_v18() {
    let pairs = [
        (M::Constructor as u64, V18::Constructor as u64),
        (M::ControlAddresses as u64, V18::ControlAddresses as u64),
        (
            M::ChangeWorkerAddress as u64,
            V18::ChangeWorkerAddress as u64,
        ),
        (M::ChangePeerID as u64, V18::ChangePeerID as u64),
        (M::SubmitWindowedPoSt as u64, V18::SubmitWindowedPoSt as u64),
        (M::TerminateSectors as u64, V18::TerminateSectors as u64),
        (M::DeclareFaults as u64, V18::DeclareFaults as u64),
        (
            M::DeclareFaultsRecovered as u64,
            V18::DeclareFaultsRecovered as u64,
        ),
        (
            M::OnDeferredCronEvent as u64,
            V18::OnDeferredCronEvent as u64,
        ),
        (M::CheckSectorProven as u64, V18::CheckSectorProven as u64),
        (M::ApplyRewards as u64, V18::ApplyRewards as u64),
        (
            M::ReportConsensusFault as u64,
            V18::ReportConsensusFault as u64,
        ),
        (M::WithdrawBalance as u64, V18::WithdrawBalance as u64),
        (
            M::InternalSectorSetupForPreseal as u64,
            V18::InternalSectorSetupForPreseal as u64,
        ),
        (M::ChangeMultiaddrs as u64, V18::ChangeMultiaddrs as u64),
        (M::CompactPartitions as u64, V18::CompactPartitions as u64),
        (
            M::CompactSectorNumbers as u64,
            V18::CompactSectorNumbers as u64,
        ),
        (
            M::ConfirmChangeWorkerAddress as u64,
            V18::ConfirmChangeWorkerAddress as u64,
        ),
        (M::RepayDebt as u64, V18::RepayDebt as u64),
        (M::ChangeOwnerAddress as u64, V18::ChangeOwnerAddress as u64),
        (
            M::DisputeWindowedPoSt as u64,
            V18::DisputeWindowedPoSt as u64,
        ),
        (
            M::PreCommitSectorBatch2 as u64,
            V18::PreCommitSectorBatch2 as u64,
        ),
        (M::ChangeBeneficiary as u64, V18::ChangeBeneficiary as u64),
        (M::GetBeneficiary as u64, V18::GetBeneficiary as u64),
        (
            M::ExtendSectorExpiration2 as u64,
            V18::ExtendSectorExpiration2 as u64,
        ),
        (
            M::ProveCommitSectors3 as u64,
            V18::ProveCommitSectors3 as u64,
        ),
        (
            M::ProveReplicaUpdates3 as u64,
            V18::ProveReplicaUpdates3 as u64,
        ),
        (
            M::ProveCommitSectorsNI as u64,
            V18::ProveCommitSectorsNI as u64,
        ),
        (
            M::ChangeWorkerAddressExported as u64,
            V18::ChangeWorkerAddressExported as u64,
        ),
        (
            M::ChangePeerIDExported as u64,
            V18::ChangePeerIDExported as u64,
        ),
        (
            M::WithdrawBalanceExported as u64,
            V18::WithdrawBalanceExported as u64,
        ),
        (
            M::ChangeMultiaddrsExported as u64,
            V18::ChangeMultiaddrsExported as u64,
        ),
        (
            M::ConfirmChangeWorkerAddressExported as u64,
            V18::ConfirmChangeWorkerAddressExported as u64,
        ),
        (M::RepayDebtExported as u64, V18::RepayDebtExported as u64),
        (
            M::ChangeOwnerAddressExported as u64,
            V18::ChangeOwnerAddressExported as u64,
        ),
        (
            M::ChangeBeneficiaryExported as u64,
            V18::ChangeBeneficiaryExported as u64,
        ),
        (
            M::GetBeneficiaryExported as u64,
            V18::GetBeneficiaryExported as u64,
        ),
        (M::GetOwnerExported as u64, V18::GetOwnerExported as u64),
        (
            M::IsControllingAddressExported as u64,
            V18::IsControllingAddressExported as u64,
        ),
        (
            M::GetSectorSizeExported as u64,
            V18::GetSectorSizeExported as u64,
        ),
        (
            M::GetAvailableBalanceExported as u64,
            V18::GetAvailableBalanceExported as u64,
        ),
        (
            M::GetVestingFundsExported as u64,
            V18::GetVestingFundsExported as u64,
        ),
        (M::GetPeerIDExported as u64, V18::GetPeerIDExported as u64),
        (
            M::GetMultiaddrsExported as u64,
            V18::GetMultiaddrsExported as u64,
        ),
        (
            M::MaxTerminationFeeExported as u64,
            V18::MaxTerminationFeeExported as u64,
        ),
        (
            M::InitialPledgeExported as u64,
            V18::InitialPledgeExported as u64,
        ),
    ];
    for (i, (ours, theirs)) in pairs.iter().enumerate() {
        assert_eq!(ours, theirs, "method pair {}", i);
    }
}

/// FIP-0067's `ReplaceSector` is this bundle's own exported method (not in v18): its number is
/// the FRC-42 hash of its name, computed independently (blake2b-512 of "1|ReplaceSector", first
/// four bytes big-endian: 0x4c14_72e8) and pinned here.
#[test]
fn replace_sector_has_the_frc42_number_of_its_name() {
    assert_eq!(fil_actor_miner::REPLACE_SECTOR_METHOD, 1_276_408_552);
    assert_eq!(M::ReplaceSectorExported as u64, 1_276_408_552);
    assert_eq!(
        fil_actors_runtime::method_hash!("ReplaceSector"),
        1_276_408_552
    );
}
