//! `PublishStorageDeals`: a provider's worker or control address publishes signed deal
//! proposals. Each proposal is checked on its own and dropped if invalid, so a batch partly
//! succeeds (v18): the client's signature (asked of the client's account actor, read-only), the
//! network's bounds on the terms, a single provider per batch, the client's and provider's
//! escrow for everything the batch locks, no proposal published twice, and for a verified deal
//! the client's datacap. Verified deals become allocations by one datacap transfer per client
//! to the verified registry, carrying the allocation requests. The message fails only if no
//! proposal is valid, or a step that must not fail (the datacap transfer, a client's
//! notification) fails.

use std::collections::{BTreeMap, BTreeSet};

use cid::Cid;
use fil_actors_runtime::runtime::{Policy, Runtime};
use fil_actors_runtime::{
    actor_error, deserialize_block, extract_send_result, ActorError, Type,
    DATACAP_TOKEN_ACTOR_ADDR, REWARD_ACTOR_ADDR, STORAGE_POWER_ACTOR_ADDR,
    VERIFIED_REGISTRY_ACTOR_ADDR,
};
use fvm_ipld_bitfield::BitField;
use fvm_ipld_encoding::ipld_block::IpldBlock;
use fvm_ipld_encoding::RawBytes;
use fvm_shared::address::Address;
use fvm_shared::bigint::BigInt;
use fvm_shared::clock::ChainEpoch;
use fvm_shared::deal::DealID;
use fvm_shared::econ::TokenAmount;
use fvm_shared::error::ExitCode;
use fvm_shared::sector::StoragePower;
use fvm_shared::sys::SendFlags;
use fvm_shared::ActorID;

use super::serialized_deal_cid;
use crate::ext::verifreg::{AllocationID, AllocationRequest, AllocationRequests};
use crate::policy::*;
use crate::{
    emit, ext, is_piece_cid, Actor, ClientDealProposal, DealProposal, MarketNotifyDealParams,
    PublishStorageDealsParams, PublishStorageDealsReturn, State, MARKET_NOTIFY_DEAL_METHOD,
};

/// A proposal that passed every check, with what its publication needs.
struct ValidDeal {
    /// With ID addresses for client and provider.
    proposal: DealProposal,
    /// Its CBOR encoding, sent to the client.
    serialized: Vec<u8>,
    cid: Cid,
}

impl Actor {
    pub fn publish_storage_deals(
        rt: &impl Runtime,
        params: PublishStorageDealsParams,
    ) -> Result<PublishStorageDealsReturn, ActorError> {
        rt.validate_immediate_caller_accept_any()?;
        let first = params
            .deals
            .first()
            .ok_or_else(|| actor_error!(illegal_argument; "Empty deals parameter"))?;

        // Every deal must be with the first deal's provider, whose worker or control address
        // must be the caller.
        let provider_raw = first.proposal.provider;
        let provider_id = resolve_provider(rt, &provider_raw)?;
        let provider = Address::new_id(provider_id);
        require_controlling_caller(rt, provider_id)?;

        let baseline_power = request_current_baseline_power(rt)?;
        let network_raw_power = request_current_network_power(rt)?;

        // Checks that need no state, first: authentication may call into other actors.
        let validity: Vec<bool> = params
            .deals
            .iter()
            .map(|deal| validate_deal(rt, deal, &network_raw_power, &baseline_power).is_ok())
            .collect();

        let curr_epoch = rt.curr_epoch();
        let state: State = rt.state()?;
        let mut valid_deals: Vec<ValidDeal> = Vec::with_capacity(params.deals.len());
        let mut valid_input = BitField::new();
        let mut seen_cids = BTreeSet::<Cid>::new();
        let mut client_lockups = BTreeMap::<ActorID, TokenAmount>::new();
        let mut provider_lockup = TokenAmount::default();
        let mut datacap_remaining = BTreeMap::<ActorID, TokenAmount>::new();
        let mut alloc_requests = BTreeMap::<ActorID, Vec<(Cid, AllocationRequest)>>::new();

        for (index, (deal, valid)) in params.deals.into_iter().zip(validity).enumerate() {
            if !valid {
                continue;
            }
            let mut proposal = deal.proposal;
            if proposal.provider != provider && proposal.provider != provider_raw {
                continue; // Deals from several providers in one batch.
            }
            let Some(client_id) = rt.resolve_address(&proposal.client) else {
                continue;
            };
            let client = Address::new_id(client_id);

            // The client's and the provider's escrow must cover everything the batch locks.
            let client_lockup = client_lockups.get(&client_id).cloned().unwrap_or_default()
                + proposal.client_balance_requirement();
            if !state.balance_covered(rt.store(), &client, &client_lockup)? {
                continue;
            }
            let next_provider_lockup = &provider_lockup + &proposal.provider_collateral;
            if !state.balance_covered(rt.store(), &provider, &next_provider_lockup)? {
                continue;
            }

            // The stored proposal, and its CID, carry ID addresses.
            proposal.provider = provider;
            proposal.client = client;
            let serialized = fvm_ipld_encoding::to_vec(&proposal).map_err(|e| {
                actor_error!(serialization; "failed to serialize deal proposal {}: {}", index, e)
            })?;
            let cid = serialized_deal_cid(rt, &serialized)?;
            if seen_cids.contains(&cid) || state.has_pending_deal(rt.store(), &cid)? {
                continue; // Already published, in this batch or before.
            }

            if proposal.verified_deal {
                let remaining = match datacap_remaining.get(&client_id) {
                    Some(r) => r.clone(),
                    None => datacap_balance_of(rt, &client)?,
                };
                // v18 reads the size as a signed integer.
                let required = TokenAmount::from_whole(proposal.piece_size.0 as i64);
                if remaining < required {
                    datacap_remaining.insert(client_id, remaining);
                    continue;
                }
                datacap_remaining.insert(client_id, remaining - required);
                alloc_requests.entry(client_id).or_default().push((
                    cid,
                    alloc_request_for_deal(&proposal, rt.policy(), curr_epoch)?,
                ));
            }

            provider_lockup = next_provider_lockup;
            client_lockups.insert(client_id, client_lockup);
            seen_cids.insert(cid);
            valid_input.set(index as u64);
            valid_deals.push(ValidDeal {
                proposal,
                serialized,
                cid,
            });
        }

        // One datacap transfer per client, for all of its verified deals.
        let mut allocation_ids = BTreeMap::<Cid, AllocationID>::new();
        for (client_id, requests) in alloc_requests {
            let ids = transfer_datacap(rt, client_id, &requests)?;
            for ((cid, _), id) in requests.iter().zip(ids) {
                allocation_ids.insert(*cid, id);
            }
        }

        if valid_deals.is_empty() {
            return Err(actor_error!(illegal_argument; "All deal proposals invalid"));
        }

        let deal_ids = rt.transaction(|st: &mut State, rt| {
            let mut pending = Vec::with_capacity(valid_deals.len());
            let mut proposals: Vec<(DealID, DealProposal)> = Vec::with_capacity(valid_deals.len());
            let mut deal_ops: Vec<(ChainEpoch, DealID)> = Vec::with_capacity(valid_deals.len());
            let mut allocations: Vec<(DealID, AllocationID)> = Vec::new();
            let mut ids = Vec::with_capacity(valid_deals.len());
            for deal in &valid_deals {
                st.lock_client_and_provider_balances(rt.store(), &deal.proposal)?;
                pending.push(deal.cid);
                let id = st.generate_storage_deal_id();
                proposals.push((id, deal.proposal.clone()));
                if let Some(allocation) = allocation_ids.get(&deal.cid) {
                    allocations.push((id, *allocation));
                }
                // The first visit is at the deal's own offset in the update interval, so no
                // one can crowd a single cron epoch.
                deal_ops.push((
                    next_update_epoch(
                        id,
                        rt.policy().deal_updates_interval,
                        deal.proposal.start_epoch,
                    ),
                    id,
                ));
                ids.push(id);
            }
            st.put_pending_deals(rt.store(), &pending)?;
            st.put_deal_proposals(rt.store(), &proposals)?;
            st.put_pending_deal_allocation_ids(rt.store(), &allocations)?;
            st.put_deals_by_epoch(rt.store(), &deal_ops)?;
            Ok(ids)
        })?;

        // Every client hears of its deals; a client that refuses fails the whole message, so
        // no one is drawn into a deal unawares.
        for (deal, &id) in valid_deals.iter().zip(&deal_ids) {
            extract_send_result(rt.send_simple(
                &deal.proposal.client,
                MARKET_NOTIFY_DEAL_METHOD,
                IpldBlock::serialize_cbor(&MarketNotifyDealParams {
                    proposal: deal.serialized.clone(),
                    deal_id: id,
                })?,
                TokenAmount::default(),
            ))
            .map_err(|e| {
                ActorError::unchecked(
                    ExitCode::USR_ILLEGAL_ARGUMENT,
                    format!(
                        "failed to notify deal with proposal cid {}: {}",
                        deal.cid,
                        e.msg()
                    ),
                )
            })?;
            emit::deal_published(
                rt,
                id,
                deal.proposal.client_id()?,
                deal.proposal.provider_id()?,
            )?;
        }

        Ok(PublishStorageDealsReturn {
            ids: deal_ids,
            valid_deals: valid_input,
        })
    }
}

/// The provider's ID; it must be a storage miner.
fn resolve_provider(rt: &impl Runtime, provider: &Address) -> Result<ActorID, ActorError> {
    let id = rt.resolve_address(provider).ok_or_else(
        || actor_error!(not_found; "failed to resolve provider address {}", provider),
    )?;
    let code = rt
        .get_actor_code_cid(&id)
        .ok_or_else(|| actor_error!(not_found; "no code ID for address {}", id))?;
    if rt.resolve_builtin_actor_type(&code) != Some(Type::Miner) {
        return Err(actor_error!(illegal_argument;
            "deal provider {} is not a storage miner actor", provider));
    }
    Ok(id)
}

/// The caller must be a controlling address (worker, control or owner) of the provider, as the
/// provider itself says.
fn require_controlling_caller(rt: &impl Runtime, provider: ActorID) -> Result<(), ActorError> {
    let caller = rt.message().caller();
    let status: ext::miner::IsControllingAddressReturn =
        deserialize_block(extract_send_result(rt.send_simple(
            &Address::new_id(provider),
            ext::miner::IS_CONTROLLING_ADDRESS_EXPORTED,
            IpldBlock::serialize_cbor(&ext::miner::IsControllingAddressParam { address: caller })?,
            TokenAmount::default(),
        ))?)?;
    if !status.is_controlling {
        return Err(actor_error!(forbidden;
            "caller {} is not worker or control address of provider {}", caller, provider));
    }
    Ok(())
}

fn request_current_baseline_power(rt: &impl Runtime) -> Result<StoragePower, ActorError> {
    let ret: ext::reward::ThisEpochRewardReturn =
        deserialize_block(extract_send_result(rt.send_simple(
            &REWARD_ACTOR_ADDR,
            ext::reward::THIS_EPOCH_REWARD_METHOD,
            None,
            TokenAmount::default(),
        ))?)?;
    Ok(ret.this_epoch_baseline_power)
}

fn request_current_network_power(rt: &impl Runtime) -> Result<StoragePower, ActorError> {
    let ret: ext::power::CurrentTotalPowerReturn =
        deserialize_block(extract_send_result(rt.send_simple(
            &STORAGE_POWER_ACTOR_ADDR,
            ext::power::CURRENT_TOTAL_POWER_METHOD,
            None,
            TokenAmount::default(),
        ))?)?;
    Ok(ret.raw_byte_power)
}

/// Every check of a proposal that needs no state: the client's signature, the label, the piece,
/// and the network's bounds on the terms.
fn validate_deal(
    rt: &impl Runtime,
    deal: &ClientDealProposal,
    network_raw_power: &StoragePower,
    baseline_power: &StoragePower,
) -> Result<(), ActorError> {
    authenticate_client(rt, deal)?;
    let proposal = &deal.proposal;
    if proposal.label.len() > DEAL_MAX_LABEL_SIZE {
        return Err(actor_error!(illegal_argument;
            "deal label can be at most {} bytes, is {}", DEAL_MAX_LABEL_SIZE, proposal.label.len()));
    }
    proposal
        .piece_size
        .validate()
        .map_err(|e| actor_error!(illegal_argument; "proposal piece size is invalid: {}", e))?;
    if !is_piece_cid(&proposal.piece_cid) {
        return Err(actor_error!(illegal_argument;
            "proposal piece CID {} is not a piece commitment", proposal.piece_cid));
    }
    if proposal.end_epoch <= proposal.start_epoch {
        return Err(actor_error!(illegal_argument; "proposal end before proposal start"));
    }
    if rt.curr_epoch() > proposal.start_epoch {
        return Err(actor_error!(illegal_argument; "Deal start epoch has already elapsed."));
    }

    let (min_duration, max_duration) = deal_duration_bounds(proposal.piece_size);
    let duration = proposal.duration();
    if duration < min_duration || duration > max_duration {
        return Err(actor_error!(illegal_argument; "Deal duration {} out of bounds.", duration));
    }
    let (min_price, max_price) = deal_price_per_epoch_bounds(proposal.piece_size, duration);
    within(
        &proposal.storage_price_per_epoch,
        &min_price,
        &max_price,
        "Storage price",
    )?;
    let (min_provider, max_provider) = deal_provider_collateral_bounds(
        rt.policy(),
        proposal.piece_size,
        network_raw_power,
        baseline_power,
        &rt.total_fil_circ_supply(),
    );
    within(
        &proposal.provider_collateral,
        &min_provider,
        &max_provider,
        "Provider collateral",
    )?;
    let (min_client, max_client) = deal_client_collateral_bounds(proposal.piece_size, duration);
    within(
        &proposal.client_collateral,
        &min_client,
        &max_client,
        "Client collateral",
    )
}

fn within(
    value: &TokenAmount,
    min: &TokenAmount,
    max: &TokenAmount,
    what: &str,
) -> Result<(), ActorError> {
    if value < min || value > max {
        return Err(actor_error!(illegal_argument; "{} {} out of bounds.", what, value));
    }
    Ok(())
}

/// The client's account actor checks the signature over the proposal's CBOR encoding, exactly
/// as the client signed it (before addresses are normalized); read-only, so it cannot act.
fn authenticate_client(rt: &impl Runtime, deal: &ClientDealProposal) -> Result<(), ActorError> {
    let message = fvm_ipld_encoding::to_vec(&deal.proposal)
        .map_err(|e| actor_error!(serialization; "failed to serialize deal proposal: {}", e))?;
    let params = ext::account::AuthenticateMessageParams {
        signature: deal.client_signature.bytes.clone(),
        message,
    };
    let authenticated: bool = extract_send_result(rt.send(
        &deal.proposal.client,
        ext::account::AUTHENTICATE_MESSAGE_METHOD,
        IpldBlock::serialize_cbor(&params)?,
        TokenAmount::default(),
        None,
        SendFlags::READ_ONLY,
    ))
    .and_then(deserialize_block)
    .map_err(|e| e.wrap("proposal authentication failed"))?;
    if !authenticated {
        return Err(actor_error!(illegal_argument; "proposal authentication failed"));
    }
    Ok(())
}

/// The allocation a verified deal asks the registry for: the deal's piece, claimable until the
/// deal's start (at most the network's allocation expiry from now), for at least the deal's
/// duration and at most a buffer beyond it (capped by the network's longest term).
fn alloc_request_for_deal(
    proposal: &DealProposal,
    policy: &Policy,
    curr_epoch: ChainEpoch,
) -> Result<AllocationRequest, ActorError> {
    let term_min = proposal.duration();
    let term_max = (term_min + policy.market_default_allocation_term_buffer)
        .min(policy.maximum_verified_allocation_term);
    let expiration = proposal
        .start_epoch
        .min(curr_epoch + policy.maximum_verified_allocation_expiration);
    Ok(AllocationRequest {
        provider: proposal.provider_id()?,
        data: proposal.piece_cid,
        size: proposal.piece_size,
        term_min,
        term_max,
        expiration,
    })
}

/// The client's datacap balance.
fn datacap_balance_of(rt: &impl Runtime, client: &Address) -> Result<TokenAmount, ActorError> {
    extract_send_result(rt.send_simple(
        &DATACAP_TOKEN_ACTOR_ADDR,
        ext::datacap::BALANCE_OF_METHOD,
        IpldBlock::serialize_cbor(client)?,
        TokenAmount::default(),
    ))
    .and_then(deserialize_block)
    .map_err(|e| {
        ActorError::unchecked(
            ExitCode::USR_NOT_FOUND,
            format!(
                "failed to get datacap balance for client {}: {}",
                client,
                e.msg()
            ),
        )
    })
}

/// Transfers a client's datacap for its verified deals to the registry, which answers with one
/// allocation ID per request. The client's balance was checked, so a failure is the market's
/// broken expectation.
fn transfer_datacap(
    rt: &impl Runtime,
    client: ActorID,
    requests: &[(Cid, AllocationRequest)],
) -> Result<Vec<AllocationID>, ActorError> {
    let total_size: BigInt = requests.iter().map(|(_, r)| BigInt::from(r.size.0)).sum();
    let operator_data = AllocationRequests {
        allocations: requests.iter().map(|(_, r)| r.clone()).collect(),
        extensions: vec![],
    };
    let params = ext::datacap::TransferFromParams {
        from: Address::new_id(client),
        to: VERIFIED_REGISTRY_ACTOR_ADDR,
        amount: TokenAmount::from_whole(total_size),
        operator_data: RawBytes::serialize(&operator_data)?,
    };
    let ids = extract_send_result(rt.send_simple(
        &DATACAP_TOKEN_ACTOR_ADDR,
        ext::datacap::TRANSFER_FROM_METHOD,
        IpldBlock::serialize_cbor(&params)?,
        TokenAmount::default(),
    ))
    .and_then(deserialize_block::<ext::datacap::TransferFromReturn>)
    .and_then(|ret| {
        ret.recipient_data
            .deserialize::<ext::verifreg::AllocationsResponse>()
            .map_err(ActorError::from)
    })
    .map_err(|e| {
        ActorError::unchecked(
            ExitCode::USR_ILLEGAL_STATE,
            format!(
                "failed to transfer datacap from client {}: {}",
                client,
                e.msg()
            ),
        )
    })?
    .new_allocations;
    if ids.len() != requests.len() {
        return Err(actor_error!(illegal_state;
            "datacap transfer returned {} allocation IDs for {} requests", ids.len(), requests.len()));
    }
    Ok(ids)
}
