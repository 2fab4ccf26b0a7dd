//! The miner's other paths with verified data, on both engines: a committed-capacity sector,
//! proven, is updated with `ProveReplicaUpdates3` to hold a piece with an allocation (the
//! allocation becomes a claim, the sector's power becomes ten times its raw bytes), then extended
//! with `ExtendSectorExpiration2` keeping its claim (the registry is asked for the claim; the
//! power stays verified); then the client pays datacap to extend the claim's term, refused out of
//! bounds and accepted at the limit (the hook's path to `claim-updated`). Events entry by entry, power and datacap exact; the engines agree on
//! every step and the state root.

use cid::Cid;
use fil_actor_miner::emit::sector_data_event;
use fil_actor_miner::{
    ExpirationExtension2, ExtendSectorExpiration2Params, Method as MinerMethod,
    PieceActivationManifest, ProveReplicaUpdates3Params, ProveReplicaUpdates3Return,
    SectorActivationManifest, SectorClaim, SectorUpdateManifest, State as MinerState,
    VerifiedAllocationKey,
};
use fil_actor_verifreg::{
    Allocation, AllocationRequest, AllocationRequests, Claim, ClaimExtensionRequest,
};
use fil_actors_integration_tests::miner::{
    apply_ok, create_miner, piece_cid, policy, precommit, precommit_info, prove_commit_params,
    sealed_cid, worker_message, MinerAddrs, POST_PROOF, SEAL_PROOF,
};
use fil_actors_integration_tests::on_both_engines;
use fil_actors_integration_tests::post::prove_next_window;
use fil_actors_integration_tests::sectors::run_deadline_cron;
use fil_actors_integration_tests::verified::{
    add_verified_client, add_verifier, datacap_balance, datacap_supply, datacap_tokens, events,
    registry, transfer_to_registry_msg,
};
use fil_actors_runtime::builtin::{
    DATACAP_TOKEN_ACTOR_ID, STORAGE_POWER_ACTOR_ID, VERIFIED_REGISTRY_ACTOR_ID,
};
use fil_actors_runtime::runtime::policy::EPOCHS_IN_DAY;
use fil_actors_runtime::BatchReturn;
use fvm_ipld_bitfield::BitField;
use fvm_ipld_encoding::RawBytes;
use fvm_shared::address::Address;
use fvm_shared::bigint::BigInt;
use fvm_shared::clock::ChainEpoch;
use fvm_shared::econ::TokenAmount;
use fvm_shared::error::ExitCode;
use fvm_shared::event::StampedEvent;
use fvm_shared::piece::{PaddedPieceSize, PieceInfo};
use fvm_shared::sector::{RegisteredUpdateProof, SectorNumber, StoragePower};
use test_vm::genesis::genesis;
use test_vm::native::comm_d::compute_unsealed_sector_cid;
use test_vm::{actor_state, StoreRef, VM};

const SECTOR: SectorNumber = 7;
const PIECE_SIZE: u64 = 2048;
const CLIENT_DATACAP: u64 = 2 * PIECE_SIZE;

fn fil(n: u64) -> TokenAmount {
    TokenAmount::from_whole(n)
}

/// The power actor's claim for the miner: raw and quality-adjusted bytes.
fn power(vm: &dyn VM, miner: &Address) -> (StoragePower, StoragePower) {
    let st: fil_actor_power::State = actor_state(vm, STORAGE_POWER_ACTOR_ID).unwrap();
    let claim = st.get_claim(&StoreRef(vm.store()), miner).unwrap().unwrap();
    (claim.raw_byte_power, claim.quality_adj_power)
}

fn sector(vm: &dyn VM, m: &MinerAddrs) -> fil_actor_miner::SectorOnChainInfo {
    let st: MinerState = actor_state(vm, m.miner_id).unwrap();
    st.get_sector(&StoreRef(vm.store()), SECTOR)
        .unwrap()
        .unwrap()
}

fn the_claim(vm: &dyn VM, provider: u64) -> Option<Claim> {
    registry(vm)
        .unwrap()
        .load_claims(&StoreRef(vm.store()))
        .unwrap()
        .get(provider, 1)
        .unwrap()
        .cloned()
}

/// What each engine saw: every step's exit code and events, and the state root at the end.
type Outcome = (Vec<(ExitCode, Vec<StampedEvent>)>, Cid);

#[test]
fn a_replica_update_claims_an_allocation_and_an_extension_keeps_the_claim() {
    let (native, fvm) = on_both_engines(|vm| -> Outcome {
        let policy = policy().unwrap();
        let g = genesis(vm, &[fil(100), fil(100), fil(10_000)]).unwrap();
        let (verifier, _) = g.accounts[0];
        let (client, client_id) = g.accounts[1];
        add_verifier(vm, &verifier, &StoragePower::from(1u64 << 20)).unwrap();
        add_verified_client(vm, &verifier, &client, &StoragePower::from(CLIENT_DATACAP)).unwrap();
        let m = create_miner(vm, g.accounts[2].0, 1, fil(10)).unwrap();
        let provider = m.miner_id;
        let mut steps = Vec::new();

        // A committed-capacity sector, proven by its first Window PoSt: raw power only.
        let precommit_epoch = vm.epoch();
        let max_prove = fil_actor_miner::max_prove_commit_duration(&policy, SEAL_PROOF).unwrap();
        let expiration = precommit_epoch + max_prove + policy.min_sector_expiration + EPOCHS_IN_DAY;
        let info = precommit_info(vm, SECTOR, expiration, None);
        precommit(vm, &m, vec![info], fil(1)).unwrap();
        vm.advance_epoch(precommit_epoch + policy.pre_commit_challenge_delay + 1)
            .unwrap();
        let cc = SectorActivationManifest {
            sector_number: SECTOR,
            pieces: vec![],
        };
        apply_ok(
            vm,
            &worker_message(
                &m,
                MinerMethod::ProveCommitSectors3,
                &prove_commit_params(vec![cc]),
            )
            .unwrap(),
        )
        .unwrap();
        let st: MinerState = actor_state(vm, provider).unwrap();
        let (deadline, partition) = st.find_sector(&StoreRef(vm.store()), SECTOR).unwrap();
        prove_next_window(vm, &m, deadline, POST_PROOF).unwrap();
        let size = StoragePower::from(PIECE_SIZE);
        assert_eq!(power(vm, &m.miner), (size.clone(), size.clone()));

        // The client allocates a piece filling the sector, for the sector's remaining life.
        let now = vm.epoch();
        let term_max = expiration - now + 60 * EPOCHS_IN_DAY;
        let alloc = Allocation {
            client: client_id,
            provider,
            data: piece_cid(9),
            size: PaddedPieceSize(PIECE_SIZE),
            term_min: policy.minimum_verified_allocation_term,
            term_max,
            expiration: now + 3 * EPOCHS_IN_DAY,
        };
        let requests = AllocationRequests {
            allocations: vec![AllocationRequest {
                provider,
                data: alloc.data,
                size: alloc.size,
                term_min: alloc.term_min,
                term_max: alloc.term_max,
                expiration: alloc.expiration,
            }],
            extensions: vec![],
        };
        let r = apply_ok(
            vm,
            &transfer_to_registry_msg(&client, PIECE_SIZE, &requests).unwrap(),
        )
        .unwrap();
        assert_eq!(r.events, vec![events::allocation("allocation", 1, &alloc)]);
        steps.push((r.code, r.events));

        // Out of the proven deadline's window (an open deadline is immutable), the worker
        // updates the sector with the piece and its allocation.
        run_deadline_cron(vm, provider).unwrap();
        let update_epoch = vm.epoch();
        let pieces = vec![PieceActivationManifest {
            cid: alloc.data,
            size: alloc.size,
            verified_allocation_key: Some(VerifiedAllocationKey {
                client: client_id,
                id: 1,
            }),
            notify: vec![],
        }];
        let params = ProveReplicaUpdates3Params {
            sector_updates: vec![SectorUpdateManifest {
                sector: SECTOR,
                deadline,
                partition,
                new_sealed_cid: sealed_cid(77),
                pieces: pieces.clone(),
            }],
            sector_proofs: vec![RawBytes::new(vec![1])],
            aggregate_proof: RawBytes::default(),
            update_proofs_type: RegisteredUpdateProof::StackedDRG2KiBV1,
            aggregate_proof_type: None,
            require_activation_success: true,
            require_notification_success: true,
        };
        let r = apply_ok(
            vm,
            &worker_message(&m, MinerMethod::ProveReplicaUpdates3, &params).unwrap(),
        )
        .unwrap();
        assert_eq!(
            r.ret_as::<ProveReplicaUpdates3Return>()
                .unwrap()
                .activation_results,
            BatchReturn::ok(1)
        );
        let mut claim = Claim {
            provider,
            client: client_id,
            data: alloc.data,
            size: alloc.size,
            term_min: alloc.term_min,
            term_max,
            term_start: update_epoch,
            sector: SECTOR,
        };
        let comm_d = compute_unsealed_sector_cid(
            SEAL_PROOF,
            &[PieceInfo {
                cid: alloc.data,
                size: alloc.size,
            }],
        )
        .unwrap();
        assert_eq!(
            r.events,
            vec![
                events::claim("claim", 1, &claim),
                StampedEvent::new(
                    provider,
                    sector_data_event("sector-updated", SECTOR, Some(&comm_d), &pieces).unwrap()
                ),
            ]
        );
        steps.push((r.code, r.events));
        assert_eq!(the_claim(vm, provider), Some(claim.clone()));
        let updated = sector(vm, &m);
        assert_eq!(updated.sealed_cid, sealed_cid(77));
        assert_eq!(updated.deal_weight, BigInt::from(0));
        assert_eq!(
            updated.verified_deal_weight,
            BigInt::from(PIECE_SIZE) * (expiration - update_epoch)
        );
        // All of the sector is verified: ten times its raw bytes, at once (it was proven).
        assert_eq!(power(vm, &m.miner), (size.clone(), &size * 10));
        // The claimed datacap is burnt.
        assert_eq!(
            datacap_balance(vm, VERIFIED_REGISTRY_ACTOR_ID).unwrap(),
            datacap_tokens(0)
        );
        assert_eq!(
            datacap_balance(vm, client_id).unwrap(),
            datacap_tokens(CLIENT_DATACAP - PIECE_SIZE)
        );
        assert_eq!(
            datacap_supply(vm).unwrap(),
            datacap_tokens(CLIENT_DATACAP - PIECE_SIZE)
        );

        // The worker extends the sector by 30 days keeping its claim, whose term covers it.
        let new_expiration: ChainEpoch = expiration + 30 * EPOCHS_IN_DAY;
        assert!(new_expiration <= claim.term_start + claim.term_max);
        let extend_epoch = vm.epoch();
        let r = apply_ok(
            vm,
            &worker_message(
                &m,
                MinerMethod::ExtendSectorExpiration2,
                &ExtendSectorExpiration2Params {
                    extensions: vec![ExpirationExtension2 {
                        deadline,
                        partition,
                        sectors: BitField::new(),
                        sectors_with_claims: vec![SectorClaim {
                            sector_number: SECTOR,
                            maintain_claims: vec![1],
                            drop_claims: vec![],
                        }],
                        new_expiration,
                    }],
                },
            )
            .unwrap(),
        )
        .unwrap();
        assert_eq!(r.events, vec![]);
        steps.push((r.code, r.events));
        let extended = sector(vm, &m);
        assert_eq!(extended.expiration, new_expiration);
        assert_eq!(
            extended.verified_deal_weight,
            BigInt::from(PIECE_SIZE) * (new_expiration - extend_epoch)
        );
        assert_eq!(power(vm, &m.miner), (size.clone(), &size * 10));
        assert_eq!(the_claim(vm, provider), Some(claim.clone()));

        // The client pays datacap to extend the claim's term: a term not above the current one,
        // or past the policy's maximum term from now, is refused and changes nothing; at the
        // limit it is accepted, and the datacap paying for it is burnt.
        let now = vm.epoch();
        let limit = now + policy.maximum_verified_allocation_term - claim.term_start;
        let extension = |term_max| AllocationRequests {
            allocations: vec![],
            extensions: vec![ClaimExtensionRequest {
                provider,
                claim: 1,
                term_max,
            }],
        };
        let heads = |vm: &dyn VM| {
            (
                vm.actor(VERIFIED_REGISTRY_ACTOR_ID).unwrap(),
                vm.actor(DATACAP_TOKEN_ACTOR_ID).unwrap(),
            )
        };
        for (what, term_max) in [
            ("the current term", claim.term_max),
            ("past the maximum term from now", limit + 1),
        ] {
            let before = heads(vm);
            let msg = transfer_to_registry_msg(&client, PIECE_SIZE, &extension(term_max)).unwrap();
            let r = vm.apply(&msg).unwrap();
            assert_eq!(r.code, ExitCode::USR_ILLEGAL_ARGUMENT, "{what}");
            assert_eq!(heads(vm), before, "{what}");
            steps.push((r.code, r.events));
        }
        let msg = transfer_to_registry_msg(&client, PIECE_SIZE, &extension(limit)).unwrap();
        let r = apply_ok(vm, &msg).unwrap();
        claim.term_max = limit;
        assert_eq!(r.events, vec![events::claim("claim-updated", 1, &claim)]);
        steps.push((r.code, r.events));
        assert_eq!(the_claim(vm, provider), Some(claim));
        for holder in [client_id, VERIFIED_REGISTRY_ACTOR_ID] {
            assert_eq!(datacap_balance(vm, holder).unwrap(), datacap_tokens(0));
        }
        assert_eq!(datacap_supply(vm).unwrap(), datacap_tokens(0));
        (steps, vm.state_root().unwrap())
    });
    assert_eq!(
        native.0.iter().map(|(c, _)| *c).collect::<Vec<_>>(),
        vec![
            ExitCode::OK,
            ExitCode::OK,
            ExitCode::OK,
            ExitCode::USR_ILLEGAL_ARGUMENT,
            ExitCode::USR_ILLEGAL_ARGUMENT,
            ExitCode::OK
        ]
    );
    assert_eq!(native, fvm);
}
