//! The network's parameters (v18 values) as one `Policy` value, with a preset per network.
//!
//! Actors read the policy at run time (`rt.policy()`), never a constant, so the test VM can run a
//! network whose timeline is shorter. The WASM bundle is built for one network: `Policy::default()`
//! is that network's preset, chosen by `BUILD_FIL_NETWORK` when the runtime is compiled.

use fvm_shared::clock::ChainEpoch;
use fvm_shared::sector::{RegisteredPoStProof, RegisteredSealProof, SectorSize, StoragePower};

/// Seconds per epoch on every network.
pub const EPOCH_DURATION_SECONDS: i64 = 30;
pub const SECONDS_IN_HOUR: i64 = 3600;
pub const SECONDS_IN_DAY: i64 = 86400;
pub const SECONDS_IN_YEAR: i64 = 31556925;
pub const EPOCHS_IN_HOUR: i64 = SECONDS_IN_HOUR / EPOCH_DURATION_SECONDS;
pub const EPOCHS_IN_DAY: i64 = SECONDS_IN_DAY / EPOCH_DURATION_SECONDS;
pub const EPOCHS_IN_YEAR: i64 = SECONDS_IN_YEAR / EPOCH_DURATION_SECONDS;

/// The network the runtime was compiled for (`BUILD_FIL_NETWORK`, default `mainnet`).
pub const NETWORK_NAME: &str = env!("FIL_ACTORS_NETWORK");

/// The networks this project builds bundles for, in the order the README lists them.
pub const NETWORKS: [&str; 7] = include!("networks.in");

/// The FIP-0067 start epoch of the `testing-fake-proofs` network: after the end of every
/// scenario that runs a provider with sectors committed beyond the deactivation target (the
/// provider's life ends near epoch 612,000), since enforcement would otherwise take their
/// deadlines.
pub const TEST_REPLACEMENT_SEALING_START: ChainEpoch = 700_000;

/// A set of proof types, by their registered numbers: one bit per number, since every registered
/// seal and PoSt proof number is below 64. The policy is made in each invocation that asks for it,
/// and the FVM charges for every instruction spent making it, so the set is a single word.
#[derive(Debug, Default, PartialEq, Eq, Clone, Copy)]
pub struct ProofSet(u64);

impl ProofSet {
    /// Whether `proof` is in the set; a number outside 0..64 never is.
    pub fn contains<P: Into<i64>>(&self, proof: P) -> bool {
        u32::try_from(proof.into())
            .ok()
            .and_then(|bit| 1u64.checked_shl(bit))
            .is_some_and(|mask| self.0 & mask != 0)
    }

    /// Adds `proof`; `None` (and no change) for a number outside 0..64, which no registered
    /// proof has.
    pub fn insert<P: Into<i64>>(&mut self, proof: P) -> Option<()> {
        let bit = u32::try_from(proof.into()).ok()?;
        self.0 |= 1u64.checked_shl(bit)?;
        Some(())
    }

    fn from_proofs<P: Into<i64>>(proofs: impl IntoIterator<Item = P>) -> Self {
        let mut set = ProofSet::default();
        for proof in proofs {
            // Every registered proof number fits (a unit test checks the presets).
            let _ = set.insert(proof);
        }
        set
    }
}

/// The sector sizes of a network, and the proofs that follow from them.
fn seal_proofs(sizes: &[SectorSize]) -> ProofSet {
    use RegisteredSealProof::*;
    ProofSet::from_proofs(sizes.iter().flat_map(|size| match size {
        SectorSize::_2KiB => [StackedDRG2KiBV1P1, StackedDRG2KiBV1P1_Feat_SyntheticPoRep],
        SectorSize::_8MiB => [StackedDRG8MiBV1P1, StackedDRG8MiBV1P1_Feat_SyntheticPoRep],
        SectorSize::_512MiB => [
            StackedDRG512MiBV1P1,
            StackedDRG512MiBV1P1_Feat_SyntheticPoRep,
        ],
        SectorSize::_32GiB => [StackedDRG32GiBV1P1, StackedDRG32GiBV1P1_Feat_SyntheticPoRep],
        SectorSize::_64GiB => [StackedDRG64GiBV1P1, StackedDRG64GiBV1P1_Feat_SyntheticPoRep],
    }))
}

fn ni_seal_proofs(sizes: &[SectorSize]) -> ProofSet {
    use RegisteredSealProof::*;
    ProofSet::from_proofs(sizes.iter().map(|size| match size {
        SectorSize::_2KiB => StackedDRG2KiBV1P2_Feat_NiPoRep,
        SectorSize::_8MiB => StackedDRG8MiBV1P2_Feat_NiPoRep,
        SectorSize::_512MiB => StackedDRG512MiBV1P2_Feat_NiPoRep,
        SectorSize::_32GiB => StackedDRG32GiBV1P2_Feat_NiPoRep,
        SectorSize::_64GiB => StackedDRG64GiBV1P2_Feat_NiPoRep,
    }))
}

fn post_proofs(sizes: &[SectorSize]) -> ProofSet {
    use RegisteredPoStProof::*;
    ProofSet::from_proofs(sizes.iter().map(|size| match size {
        SectorSize::_2KiB => StackedDRGWindow2KiBV1P1,
        SectorSize::_8MiB => StackedDRGWindow8MiBV1P1,
        SectorSize::_512MiB => StackedDRGWindow512MiBV1P1,
        SectorSize::_32GiB => StackedDRGWindow32GiBV1P1,
        SectorSize::_64GiB => StackedDRGWindow64GiBV1P1,
    }))
}

/// The network's parameters. Field comments give the rule each one sets.
#[derive(Debug, PartialEq, Eq, Clone)]
pub struct Policy {
    // --- miner ---
    /// Most sectors one aggregate proof may cover.
    pub max_aggregated_sectors: u64,
    /// Fewest sectors one aggregate proof may cover.
    pub min_aggregated_sectors: u64,
    /// Largest aggregate proof, in bytes.
    pub max_aggregated_proof_size: usize,
    /// Largest replica-update proof, in bytes.
    pub max_replica_update_proof_size: usize,
    /// Most pre-commitments in one batch.
    pub pre_commit_sector_batch_max_size: usize,
    /// Most replica updates in one batch.
    pub prove_replica_updates_max_size: usize,
    /// How long an expired pre-commitment stays in state before cleanup forfeits its deposit.
    pub expired_pre_commit_clean_up_delay: i64,
    /// The period over which every active sector is challenged once.
    pub wpost_proving_period: ChainEpoch,
    /// The length of one deadline's challenge window.
    pub wpost_challenge_window: ChainEpoch,
    /// Deadlines per proving period.
    pub wpost_period_deadlines: u64,
    /// How far back a Window PoSt's chain commitment may reach.
    pub wpost_max_chain_commit_age: ChainEpoch,
    /// How long after a deadline closes its optimistically accepted proofs may be disputed.
    pub wpost_dispute_window: ChainEpoch,
    /// Most sectors a miner may have at once.
    pub sectors_max: usize,
    /// Most partitions in one deadline.
    pub max_partitions_per_deadline: u64,
    /// Most control addresses a miner may register.
    pub max_control_addresses: usize,
    /// Longest peer ID, in bytes.
    pub max_peer_id_length: usize,
    /// Most multiaddress bytes in total.
    pub max_multiaddr_data: usize,
    /// Most partitions one message may address.
    pub addressed_partitions_max: u64,
    /// Most declarations in one batch.
    pub declarations_max: u64,
    /// Most sector infos one message may load.
    pub addressed_sectors_max: u64,
    /// Oldest seal randomness a pre-commitment may use.
    pub max_pre_commit_randomness_lookback: ChainEpoch,
    /// Epochs between pre-commitment and the interactive PoRep challenge.
    pub pre_commit_challenge_delay: ChainEpoch,
    /// How long before its window a deadline's challenge is drawn.
    pub wpost_challenge_lookback: ChainEpoch,
    /// How long before its window a fault must be declared.
    pub fault_declaration_cutoff: ChainEpoch,
    /// How long a sector may stay faulty before it is terminated.
    pub fault_max_age: ChainEpoch,
    /// Delay before a new worker key takes effect.
    pub worker_key_change_delay: ChainEpoch,
    /// Shortest commitment for a new sector, from now.
    pub min_sector_expiration: i64,
    /// Longest extension of a sector's expiration, from now.
    pub max_sector_expiration_extension: i64,
    /// Sector size divided by this is the most deals a sector may hold.
    pub deal_limit_denominator: u64,
    /// How long a consensus fault makes a miner ineligible.
    pub consensus_fault_ineligibility_duration: ChainEpoch,
    /// Most new sectors per proving period.
    pub new_sectors_per_period_max: usize,
    /// Epochs after which the chain is final.
    pub chain_finality: ChainEpoch,
    /// Window PoSt proof types allowed for new miners.
    pub valid_post_proof_type: ProofSet,
    /// Seal proof types allowed for new pre-commitments.
    pub valid_pre_commit_proof_type: ProofSet,
    /// Seal proof types allowed for non-interactive PoRep (FIP-0090).
    pub valid_prove_commit_ni_proof_type: ProofSet,
    /// FIP-0067 `StartEpoch`: when the replacement-sealing timeline starts; `None` while the
    /// mechanism is dormant (every network today).
    pub replacement_sealing_start_epoch: Option<ChainEpoch>,
    /// FIP-0067 `GracePeriod`: how long after the start a miner is on schedule without having
    /// deactivated anything.
    pub replacement_sealing_grace_period: ChainEpoch,
    /// FIP-0067 `DeactivationTarget`: when every old sector must be gone, after the start; also
    /// the distance from the start past which a sector's expiration makes it "old".
    pub replacement_sealing_deactivation_target: ChainEpoch,

    // --- verified registry ---
    /// Smallest verified allocation, in bytes.
    pub minimum_verified_allocation_size: StoragePower,
    /// Shortest term of a verified allocation.
    pub minimum_verified_allocation_term: i64,
    /// Longest term of a verified allocation.
    pub maximum_verified_allocation_term: i64,
    /// Longest an allocation may wait to be claimed.
    pub maximum_verified_allocation_expiration: i64,
    /// The end of a sector's life during which claims may be dropped.
    pub end_of_life_claim_drop_period: ChainEpoch,

    // --- market ---
    /// Epochs between deal payments.
    pub deal_updates_interval: i64,
    /// Provider collateral as a share of circulating supply: numerator.
    pub prov_collateral_percent_supply_num: i64,
    /// Provider collateral as a share of circulating supply: denominator.
    pub prov_collateral_percent_supply_denom: i64,
    /// Extra term given to a verified deal's allocation beyond the deal's end.
    pub market_default_allocation_term_buffer: i64,

    // --- power ---
    /// Least raw power for a miner to count towards consensus.
    pub minimum_consensus_power: StoragePower,
}

/// What distinguishes one network's preset from another's.
struct NetworkTraits {
    sector_sizes: &'static [SectorSize],
    minimum_consensus_power: i64,
    short_precommit: bool,
    small_deals: bool,
    no_provider_deal_collateral: bool,
}

impl Policy {
    fn from_traits(t: NetworkTraits) -> Policy {
        let chain_finality = 900;
        let wpost_challenge_window = 30 * 60 / EPOCH_DURATION_SECONDS;
        let wpost_challenge_lookback = 20;
        let max_partitions_per_deadline = 3000;
        Policy {
            max_aggregated_sectors: 819,
            min_aggregated_sectors: 4,
            max_aggregated_proof_size: 81960,
            max_replica_update_proof_size: 4096,
            pre_commit_sector_batch_max_size: 256,
            prove_replica_updates_max_size: 256,
            expired_pre_commit_clean_up_delay: 8 * EPOCHS_IN_HOUR,
            wpost_proving_period: EPOCHS_IN_DAY,
            wpost_challenge_window,
            wpost_period_deadlines: 48,
            wpost_max_chain_commit_age: wpost_challenge_window,
            wpost_dispute_window: 2 * chain_finality,
            sectors_max: 32 << 20,
            max_partitions_per_deadline,
            max_control_addresses: 10,
            max_peer_id_length: 128,
            max_multiaddr_data: 1024,
            addressed_partitions_max: max_partitions_per_deadline,
            declarations_max: max_partitions_per_deadline,
            addressed_sectors_max: 25_000,
            max_pre_commit_randomness_lookback: EPOCHS_IN_DAY + chain_finality,
            pre_commit_challenge_delay: if t.short_precommit { 10 } else { 150 },
            wpost_challenge_lookback,
            fault_declaration_cutoff: wpost_challenge_lookback + 50,
            fault_max_age: 42 * EPOCHS_IN_DAY,
            worker_key_change_delay: chain_finality,
            min_sector_expiration: 180 * EPOCHS_IN_DAY,
            max_sector_expiration_extension: 1278 * EPOCHS_IN_DAY,
            deal_limit_denominator: 134217728,
            consensus_fault_ineligibility_duration: chain_finality,
            new_sectors_per_period_max: 128 << 10,
            chain_finality,
            valid_post_proof_type: post_proofs(t.sector_sizes),
            valid_pre_commit_proof_type: seal_proofs(t.sector_sizes),
            valid_prove_commit_ni_proof_type: ni_seal_proofs(t.sector_sizes),
            replacement_sealing_start_epoch: None,
            replacement_sealing_grace_period: 60 * EPOCHS_IN_DAY,
            replacement_sealing_deactivation_target: 540 * EPOCHS_IN_DAY,
            minimum_verified_allocation_size: StoragePower::from(if t.small_deals {
                256
            } else {
                1 << 20
            }),
            minimum_verified_allocation_term: 180 * EPOCHS_IN_DAY,
            maximum_verified_allocation_term: 5 * EPOCHS_IN_YEAR,
            maximum_verified_allocation_expiration: 60 * EPOCHS_IN_DAY,
            end_of_life_claim_drop_period: 30 * EPOCHS_IN_DAY,
            deal_updates_interval: 30 * EPOCHS_IN_DAY,
            prov_collateral_percent_supply_num: if t.no_provider_deal_collateral { 0 } else { 1 },
            prov_collateral_percent_supply_denom: 100,
            market_default_allocation_term_buffer: 90 * EPOCHS_IN_DAY,
            minimum_consensus_power: StoragePower::from(t.minimum_consensus_power),
        }
    }

    /// Mainnet: 32 GiB and 64 GiB sectors, 10 TiB minimum consensus power.
    pub fn mainnet() -> Policy {
        Self::from_traits(NetworkTraits {
            sector_sizes: &[SectorSize::_32GiB, SectorSize::_64GiB],
            minimum_consensus_power: 10 << 40,
            short_precommit: false,
            small_deals: false,
            no_provider_deal_collateral: false,
        })
    }

    /// The testing networks: every sector size, short pre-commit, 2 KiB minimum power, small
    /// deals and no provider deal collateral (compatibility.md, "Networks").
    pub fn testing() -> Policy {
        Self::from_traits(NetworkTraits {
            sector_sizes: &[
                SectorSize::_2KiB,
                SectorSize::_8MiB,
                SectorSize::_512MiB,
                SectorSize::_32GiB,
                SectorSize::_64GiB,
            ],
            minimum_consensus_power: 2 << 10,
            short_precommit: true,
            small_deals: true,
            no_provider_deal_collateral: true,
        })
    }

    /// The network the test engines run: the testing preset, with the FIP-0067 replacement-sealing
    /// timeline started at epoch 700,000 and shortened (5-day grace, 90-day target), so that
    /// scenarios can reach it (`replacement-sealing.md`: "tested with a start epoch set in the
    /// test policy"). Before that epoch it behaves exactly as `testing`.
    pub fn testing_fake_proofs() -> Policy {
        Policy {
            replacement_sealing_start_epoch: Some(TEST_REPLACEMENT_SEALING_START),
            replacement_sealing_grace_period: 5 * EPOCHS_IN_DAY,
            replacement_sealing_deactivation_target: 90 * EPOCHS_IN_DAY,
            ..Self::testing()
        }
    }

    /// The preset of a named network, or `None` for a name this project does not build.
    pub fn for_network(name: &str) -> Option<Policy> {
        let sizes_large: &'static [SectorSize] = &[SectorSize::_32GiB, SectorSize::_64GiB];
        let sizes_medium: &'static [SectorSize] =
            &[SectorSize::_512MiB, SectorSize::_32GiB, SectorSize::_64GiB];
        let traits = match name {
            "mainnet" => return Some(Self::mainnet()),
            "testing" => return Some(Self::testing()),
            "testing-fake-proofs" => return Some(Self::testing_fake_proofs()),
            "calibrationnet" => NetworkTraits {
                sector_sizes: sizes_large,
                minimum_consensus_power: 32 << 30,
                short_precommit: false,
                small_deals: false,
                no_provider_deal_collateral: false,
            },
            "butterflynet" => NetworkTraits {
                sector_sizes: sizes_medium,
                minimum_consensus_power: 2 << 30,
                short_precommit: false,
                small_deals: false,
                no_provider_deal_collateral: false,
            },
            "caterpillarnet" => NetworkTraits {
                sector_sizes: sizes_medium,
                minimum_consensus_power: 2 << 10,
                short_precommit: true,
                small_deals: true,
                no_provider_deal_collateral: false,
            },
            "devnet" => NetworkTraits {
                sector_sizes: &[SectorSize::_2KiB, SectorSize::_8MiB],
                minimum_consensus_power: 2 << 10,
                short_precommit: true,
                small_deals: true,
                no_provider_deal_collateral: false,
            },
            _ => return None,
        };
        Some(Self::from_traits(traits))
    }
}

/// The preset of the network this runtime was compiled for.
impl Default for Policy {
    fn default() -> Policy {
        // The runtime's build script accepts only names `for_network` knows.
        Self::for_network(NETWORK_NAME).unwrap_or_else(Self::mainnet)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn proof_sets_hold_every_preset_proof() {
        for (network, sizes) in [
            ("mainnet", 2),
            ("calibrationnet", 2),
            ("butterflynet", 3),
            ("devnet", 2),
            ("testing", 5),
        ] {
            let p = Policy::for_network(network).unwrap();
            // Two seal proofs per size (plain and synthetic), one NI-PoRep and one PoSt.
            assert_eq!(
                p.valid_pre_commit_proof_type.0.count_ones(),
                2 * sizes,
                "{network}"
            );
            assert_eq!(
                p.valid_prove_commit_ni_proof_type.0.count_ones(),
                sizes,
                "{network}"
            );
            assert_eq!(p.valid_post_proof_type.0.count_ones(), sizes, "{network}");
        }
        let mut set = ProofSet::default();
        assert_eq!(
            set.insert(RegisteredSealProof::StackedDRG64GiBV1P2_Feat_NiPoRep),
            Some(())
        );
        assert!(set.contains(RegisteredSealProof::StackedDRG64GiBV1P2_Feat_NiPoRep));
        assert!(!set.contains(RegisteredSealProof::StackedDRG64GiBV1P1));
        assert_eq!(set.insert(64i64), None);
        assert_eq!(set.insert(-1i64), None);
        assert!(!set.contains(64i64) && !set.contains(-1i64) && !set.contains(i64::MAX));
    }

    #[test]
    fn mainnet_values() {
        let p = Policy::mainnet();
        assert_eq!(p.wpost_proving_period, 2880);
        assert_eq!(p.wpost_challenge_window, 60);
        assert_eq!(p.wpost_period_deadlines, 48);
        assert_eq!(p.wpost_dispute_window, 1800);
        assert_eq!(p.fault_max_age, 2880 * 42);
        assert_eq!(p.pre_commit_challenge_delay, 150);
        assert_eq!(p.max_pre_commit_randomness_lookback, 2880 + 900);
        assert_eq!(p.minimum_consensus_power, StoragePower::from(10i64 << 40));
        assert_eq!(
            p.minimum_verified_allocation_size,
            StoragePower::from(1 << 20)
        );
        assert_eq!(p.prov_collateral_percent_supply_num, 1);
        assert!(p
            .valid_pre_commit_proof_type
            .contains(RegisteredSealProof::StackedDRG32GiBV1P1));
        assert!(!p
            .valid_pre_commit_proof_type
            .contains(RegisteredSealProof::StackedDRG32GiBV1));
        assert!(!p
            .valid_pre_commit_proof_type
            .contains(RegisteredSealProof::StackedDRG2KiBV1P1));
        assert!(p
            .valid_post_proof_type
            .contains(RegisteredPoStProof::StackedDRGWindow64GiBV1P1));
        assert!(p
            .valid_prove_commit_ni_proof_type
            .contains(RegisteredSealProof::StackedDRG32GiBV1P2_Feat_NiPoRep));
        // FIP-0067: dormant, 60-day grace, 1.5-year (540-day) deactivation target.
        assert_eq!(p.replacement_sealing_start_epoch, None);
        assert_eq!(p.replacement_sealing_grace_period, 172_800);
        assert_eq!(p.replacement_sealing_deactivation_target, 1_555_200);
    }

    #[test]
    fn testing_preset_differs_only_where_the_spec_says() {
        let t = Policy::testing();
        let m = Policy::mainnet();
        assert_eq!(t.pre_commit_challenge_delay, 10);
        assert_eq!(t.minimum_consensus_power, StoragePower::from(2048));
        assert_eq!(t.minimum_verified_allocation_size, StoragePower::from(256));
        assert_eq!(t.prov_collateral_percent_supply_num, 0);
        assert!(t
            .valid_pre_commit_proof_type
            .contains(RegisteredSealProof::StackedDRG2KiBV1P1));
        assert!(t
            .valid_post_proof_type
            .contains(RegisteredPoStProof::StackedDRGWindow8MiBV1P1));
        let mut same = t.clone();
        same.pre_commit_challenge_delay = m.pre_commit_challenge_delay;
        same.minimum_consensus_power = m.minimum_consensus_power.clone();
        same.minimum_verified_allocation_size = m.minimum_verified_allocation_size.clone();
        same.prov_collateral_percent_supply_num = m.prov_collateral_percent_supply_num;
        same.valid_pre_commit_proof_type = m.valid_pre_commit_proof_type;
        same.valid_post_proof_type = m.valid_post_proof_type;
        same.valid_prove_commit_ni_proof_type = m.valid_prove_commit_ni_proof_type;
        assert_eq!(same, m);
    }

    #[test]
    fn every_network_has_a_preset() {
        for name in NETWORKS {
            assert!(Policy::for_network(name).is_some(), "{name}");
        }
        assert_eq!(Policy::for_network("nonet"), None);
        assert_eq!(
            Policy::for_network("testing-fake-proofs"),
            Some(Policy {
                replacement_sealing_start_epoch: Some(700_000),
                replacement_sealing_grace_period: 14_400,
                replacement_sealing_deactivation_target: 259_200,
                ..Policy::testing()
            })
        );
        assert_eq!(Policy::testing().replacement_sealing_start_epoch, None);
        assert_eq!(
            Policy::for_network("calibrationnet")
                .unwrap()
                .minimum_consensus_power,
            StoragePower::from(32i64 << 30)
        );
    }

    #[test]
    fn default_is_the_build_network() {
        assert_eq!(
            Policy::default(),
            Policy::for_network(NETWORK_NAME).unwrap()
        );
    }
}
