//! The market's method numbers, and the encodings of its parameters, returns and the messages it
//! sends, match v18's as ChainSafe's independent `fil_actor_market_state` 27.2 has them: each
//! value, populated, encodes here, decodes there and re-encodes to the same bytes. Also
//! FIP-0083's `BatchActivateDealsResult` byte for byte from the seed's definition.

mod harness;

use cid::Cid;
use fil_actor_market::ext::{account, miner, power, verifreg};
use fil_actor_market::*;
use fil_actor_market_state::v18 as cs;
use fil_actors_runtime::{BatchReturn, FailCode, FilterEstimate};
use fvm_ipld_bitfield::BitField;
use fvm_ipld_encoding::{from_slice, to_vec};
use fvm_shared::bigint::BigInt;
use fvm_shared::econ::TokenAmount;
use fvm_shared::error::ExitCode;
use fvm_shared::piece::PaddedPieceSize;
use fvm_shared::sector::RegisteredSealProof;
use harness::*;
use serde::de::DeserializeOwned;
use serde::Serialize;

fn assert_compatible<Theirs, Ours>(ours: &Ours)
where
    Theirs: Serialize + DeserializeOwned,
    Ours: Serialize + DeserializeOwned + PartialEq + std::fmt::Debug,
{
    let bytes = to_vec(ours).unwrap();
    let theirs: Theirs = from_slice(&bytes).unwrap();
    assert_eq!(
        to_vec(&theirs).unwrap(),
        bytes,
        "re-encoded by ChainSafe v18: {:?}",
        ours
    );
    let back: Ours = from_slice(&bytes).unwrap();
    assert_eq!(&back, ours);
}

#[test]
fn method_numbers_match_v18() {
    use cs::Method as V;
    use Method as M;
    let pairs = [
        (M::Constructor as u64, V::Constructor as u64),
        (M::AddBalance as u64, V::AddBalance as u64),
        (M::WithdrawBalance as u64, V::WithdrawBalance as u64),
        (M::PublishStorageDeals as u64, V::PublishStorageDeals as u64),
        (
            M::VerifyDealsForActivation as u64,
            V::VerifyDealsForActivation as u64,
        ),
        (M::BatchActivateDeals as u64, V::BatchActivateDeals as u64),
        (
            M::OnMinerSectorsTerminate as u64,
            V::OnMinerSectorsTerminate as u64,
        ),
        (M::CronTick as u64, V::CronTick as u64),
        (M::AddBalanceExported as u64, V::AddBalanceExported as u64),
        (
            M::WithdrawBalanceExported as u64,
            V::WithdrawBalanceExported as u64,
        ),
        (
            M::PublishStorageDealsExported as u64,
            V::PublishStorageDealsExported as u64,
        ),
        (M::GetBalanceExported as u64, V::GetBalanceExported as u64),
        (
            M::GetDealDataCommitmentExported as u64,
            V::GetDealDataCommitmentExported as u64,
        ),
        (
            M::GetDealClientExported as u64,
            V::GetDealClientExported as u64,
        ),
        (
            M::GetDealProviderExported as u64,
            V::GetDealProviderExported as u64,
        ),
        (
            M::GetDealLabelExported as u64,
            V::GetDealLabelExported as u64,
        ),
        (M::GetDealTermExported as u64, V::GetDealTermExported as u64),
        (
            M::GetDealTotalPriceExported as u64,
            V::GetDealTotalPriceExported as u64,
        ),
        (
            M::GetDealClientCollateralExported as u64,
            V::GetDealClientCollateralExported as u64,
        ),
        (
            M::GetDealProviderCollateralExported as u64,
            V::GetDealProviderCollateralExported as u64,
        ),
        (
            M::GetDealVerifiedExported as u64,
            V::GetDealVerifiedExported as u64,
        ),
        (
            M::GetDealActivationExported as u64,
            V::GetDealActivationExported as u64,
        ),
        (
            M::GetDealSectorExported as u64,
            V::GetDealSectorExported as u64,
        ),
        (
            M::SettleDealPaymentsExported as u64,
            V::SettleDealPaymentsExported as u64,
        ),
        (
            M::SectorContentChangedExported as u64,
            V::SectorContentChangedExported as u64,
        ),
    ];
    for (ours, theirs) in pairs {
        assert_eq!(ours, theirs);
    }
    assert_eq!(pairs.len(), 25);
    assert_eq!(EX_DEAL_EXPIRED, cs::EX_DEAL_EXPIRED);
    assert_eq!(EX_DEAL_NOT_ACTIVATED, cs::EX_DEAL_NOT_ACTIVATED);
    assert_eq!(NO_ALLOCATION_ID, cs::NO_ALLOCATION_ID);
    assert_eq!(MARKET_NOTIFY_DEAL_METHOD, cs::MARKET_NOTIFY_DEAL_METHOD);
    assert_eq!(
        ext::miner::SECTOR_CONTENT_CHANGED,
        cs::ext::miner::SECTOR_CONTENT_CHANGED
    );
    assert_eq!(
        ext::miner::CONTROL_ADDRESSES_METHOD,
        cs::ext::miner::CONTROL_ADDRESSES_METHOD
    );
    assert_eq!(
        ext::miner::IS_CONTROLLING_ADDRESS_EXPORTED,
        cs::ext::miner::IS_CONTROLLING_ADDRESS_EXPORTED
    );
    assert_eq!(
        ext::account::AUTHENTICATE_MESSAGE_METHOD,
        cs::ext::account::AUTHENTICATE_MESSAGE_METHOD
    );
    assert_eq!(
        ext::datacap::BALANCE_OF_METHOD,
        cs::ext::datacap::BALANCE_OF_METHOD
    );
    assert_eq!(
        ext::datacap::TRANSFER_FROM_METHOD,
        cs::ext::datacap::TRANSFER_FROM_METHOD
    );
    assert_eq!(
        ext::reward::THIS_EPOCH_REWARD_METHOD,
        cs::ext::reward::THIS_EPOCH_REWARD_METHOD
    );
    assert_eq!(
        ext::power::CURRENT_TOTAL_POWER_METHOD,
        cs::ext::power::CURRENT_TOTAL_POWER_METHOD
    );
}

fn sector_deals() -> SectorDeals {
    SectorDeals {
        sector_number: 7,
        sector_type: RegisteredSealProof::StackedDRG32GiBV1P1_Feat_SyntheticPoRep,
        sector_expiry: 1_000_000,
        deal_ids: vec![0, 5, 1 << 40],
    }
}

fn batch() -> BatchReturn {
    BatchReturn {
        success_count: 1,
        fail_codes: vec![FailCode {
            idx: 1,
            code: EX_DEAL_EXPIRED,
        }],
    }
}

#[test]
fn parameters_and_returns_encode_as_v18() {
    let mut p = proposal(CLIENT, 1);
    assert_compatible::<cs::DealProposal, _>(&p);
    p.label = Label::Bytes(vec![0, 1, 2, 255]);
    p.verified_deal = true;
    assert_compatible::<cs::DealProposal, _>(&p);
    assert_compatible::<cs::ClientDealProposal, _>(&signed(p.clone()));
    assert_compatible::<cs::Label, _>(&Label::String("héllo".into()));
    assert_compatible::<cs::Label, _>(&Label::Bytes(vec![]));

    assert_compatible::<cs::AddBalanceParams, _>(&AddBalanceParams {
        provider_or_client: CLIENT,
    });
    assert_compatible::<cs::WithdrawBalanceParams, _>(&WithdrawBalanceParams {
        provider_or_client: PROVIDER,
        amount: atto(12345),
    });
    assert_compatible::<cs::WithdrawBalanceReturn, _>(&WithdrawBalanceReturn {
        amount_withdrawn: atto(99),
    });
    assert_compatible::<cs::GetBalanceParams, _>(&GetBalanceParams { account: CLIENT2 });
    assert_compatible::<cs::GetBalanceReturn, _>(&GetBalanceReturn {
        balance: atto(10),
        locked: atto(7),
    });
    assert_compatible::<cs::PublishStorageDealsParams, _>(&PublishStorageDealsParams {
        deals: vec![signed(p.clone()), signed(proposal(CLIENT2, 2))],
    });
    assert_compatible::<cs::PublishStorageDealsReturn, _>(&PublishStorageDealsReturn {
        ids: vec![3, 4],
        valid_deals: BitField::try_from_bits([0, 2]).unwrap(),
    });
    assert_compatible::<cs::MarketNotifyDealParams, _>(&MarketNotifyDealParams {
        proposal: to_vec(&p).unwrap(),
        deal_id: 42,
    });
    assert_compatible::<cs::SectorDeals, _>(&sector_deals());
    assert_compatible::<cs::VerifyDealsForActivationParams, _>(&VerifyDealsForActivationParams {
        sectors: vec![sector_deals(), sector_deals()],
    });
    assert_compatible::<cs::VerifyDealsForActivationReturn, _>(&VerifyDealsForActivationReturn {
        unsealed_cids: vec![None, Some(piece_cid(3))],
    });
    assert_compatible::<cs::BatchActivateDealsParams, _>(&BatchActivateDealsParams {
        sectors: vec![sector_deals()],
        compute_cid: true,
    });
    let activation = SectorDealActivation {
        activated: vec![ActivatedDeal {
            client: 110,
            allocation_id: 500,
            data: piece_cid(1),
            size: PaddedPieceSize(2048),
        }],
        unsealed_cid: Some(piece_cid(9)),
    };
    assert_compatible::<cs::BatchActivateDealsResult, _>(&BatchActivateDealsResult {
        activation_results: batch(),
        activations: vec![activation.clone()],
    });
    assert_compatible::<cs::OnMinerSectorsTerminateParams, _>(&OnMinerSectorsTerminateParams {
        epoch: 77,
        sectors: BitField::try_from_bits([1, 2, 900]).unwrap(),
    });
    assert_compatible::<cs::SettleDealPaymentsParams, _>(&SettleDealPaymentsParams {
        deal_ids: BitField::try_from_bits([0, 9]).unwrap(),
    });
    assert_compatible::<cs::SettleDealPaymentsReturn, _>(&SettleDealPaymentsReturn {
        results: batch(),
        settlements: vec![DealSettlementSummary {
            payment: atto(5),
            completed: true,
        }],
    });
    assert_compatible::<cs::DealQueryParams, _>(&DealQueryParams { id: 1 << 33 });
    assert_compatible::<cs::GetDealDataCommitmentReturn, _>(&GetDealDataCommitmentReturn {
        data: piece_cid(4),
        size: PaddedPieceSize(1 << 35),
    });
    assert_compatible::<cs::GetDealClientReturn, _>(&GetDealClientReturn { client: 110 });
    assert_compatible::<cs::GetDealProviderReturn, _>(&GetDealProviderReturn { provider: 1000 });
    assert_compatible::<cs::GetDealLabelReturn, _>(&GetDealLabelReturn {
        label: Label::Bytes(vec![1]),
    });
    assert_compatible::<cs::GetDealTermReturn, _>(&GetDealTermReturn {
        start: 10,
        duration: 20,
    });
    assert_compatible::<cs::GetDealTotalPriceReturn, _>(&GetDealTotalPriceReturn {
        total_price: atto(1),
    });
    assert_compatible::<cs::GetDealClientCollateralReturn, _>(&GetDealClientCollateralReturn {
        collateral: atto(2),
    });
    assert_compatible::<cs::GetDealProviderCollateralReturn, _>(&GetDealProviderCollateralReturn {
        collateral: atto(3),
    });
    assert_compatible::<cs::GetDealVerifiedReturn, _>(&GetDealVerifiedReturn { verified: true });
    assert_compatible::<cs::GetDealActivationReturn, _>(&GetDealActivationReturn {
        activated: 5,
        terminated: -1,
    });
    assert_compatible::<cs::GetDealSectorReturn, _>(&GetDealSectorReturn { sector: 12 });
}

#[test]
fn messages_to_other_actors_encode_as_v18() {
    assert_compatible::<cs::ext::account::AuthenticateMessageParams, _>(
        &account::AuthenticateMessageParams {
            signature: vec![1, 2, 3],
            message: vec![4, 5],
        },
    );
    assert_compatible::<cs::ext::miner::GetControlAddressesReturnParams, _>(&control_addresses(
        PROVIDER,
    ));
    assert_compatible::<cs::ext::miner::IsControllingAddressParam, _>(
        &miner::IsControllingAddressParam { address: WORKER },
    );
    assert_compatible::<cs::ext::miner::IsControllingAddressReturn, _>(
        &miner::IsControllingAddressReturn {
            is_controlling: true,
        },
    );
    let changes = miner::SectorContentChangedParams {
        sectors: vec![miner::SectorChanges {
            sector: 3,
            minimum_commitment_epoch: 9000,
            added: vec![piece_change(&proposal(CLIENT, 1), 17)],
        }],
    };
    assert_compatible::<cs::ext::miner::SectorContentChangedParams, _>(&changes);
    assert_compatible::<cs::ext::miner::SectorContentChangedReturn, _>(
        &miner::SectorContentChangedReturn {
            sectors: vec![miner::SectorReturn {
                added: vec![
                    miner::PieceReturn { accepted: true },
                    miner::PieceReturn { accepted: false },
                ],
            }],
        },
    );
    let request = verifreg::AllocationRequest {
        provider: 1000,
        data: piece_cid(2),
        size: PaddedPieceSize(2048),
        term_min: 1,
        term_max: 2,
        expiration: 3,
    };
    assert_compatible::<cs::ext::verifreg::AllocationRequests, _>(&verifreg::AllocationRequests {
        allocations: vec![request.clone(), request],
        extensions: vec![verifreg::ClaimExtensionRequest {
            provider: 1000,
            claim: 4,
            term_max: 5,
        }],
    });
    assert_compatible::<cs::ext::verifreg::AllocationsResponse, _>(
        &verifreg::AllocationsResponse {
            allocation_results: batch(),
            extension_results: BatchReturn::ok(0),
            new_allocations: vec![7, 8],
        },
    );
    assert_compatible::<cs::ext::power::CurrentTotalPowerReturn, _>(
        &power::CurrentTotalPowerReturn {
            raw_byte_power: BigInt::from(1u64 << 50),
            quality_adj_power: BigInt::from(3),
            pledge_collateral: TokenAmount::from_atto(4),
            quality_adj_power_smoothed: FilterEstimate::new(BigInt::from(5), BigInt::from(6)),
            ramp_start_epoch: -7,
            ramp_duration_epochs: 8,
        },
    );
}

/// The seed's `BatchActivateDealsResult`, written out in CBOR by hand:
/// `[[success_count, [[idx, code]]], [[[client, allocation_id, data, size]], unsealed_cid]]`.
#[test]
fn batch_activate_deals_result_is_the_seeds_shape() {
    let data: Cid = piece_cid(1);
    let result = BatchActivateDealsResult {
        activation_results: BatchReturn {
            success_count: 1,
            fail_codes: vec![FailCode {
                idx: 1,
                code: ExitCode::USR_ILLEGAL_ARGUMENT,
            }],
        },
        activations: vec![SectorDealActivation {
            activated: vec![ActivatedDeal {
                client: 110,
                allocation_id: 0,
                data,
                size: PaddedPieceSize(2048),
            }],
            unsealed_cid: None,
        }],
    };
    // A CID is tag 42 over a byte string: 0x00 then the CID's bytes (40 for a piece CID).
    let mut cid_bytes = vec![0xd8, 0x2a, 0x58, 1 + data.to_bytes().len() as u8, 0x00];
    cid_bytes.extend(data.to_bytes());
    assert_eq!(cid_bytes.len(), 44);
    let mut expected = vec![
        0x82, // BatchActivateDealsResult
        0x82, 0x01, 0x81, 0x82, 0x01, 0x10, // [1, [[1, 16]]]
        0x81, // one SectorDealActivation
        0x82, // [activated, unsealed_cid]
        0x81, 0x84, 0x18, 0x6e, 0x00, // [[110, 0, ...
    ];
    expected.extend(cid_bytes);
    expected.extend([0x19, 0x08, 0x00, 0xf6]); // 2048]], null]
    assert_eq!(to_vec(&result).unwrap(), expected);
    assert_eq!(
        from_slice::<BatchActivateDealsResult>(&expected).unwrap(),
        result
    );
}
