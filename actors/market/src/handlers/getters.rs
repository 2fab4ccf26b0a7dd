//! The exported deal getters, callable by anyone (FRC-42 numbers). Proposal getters answer from
//! publication until the deal is removed; a deal never published is `USR_NOT_FOUND` and one
//! removed is `EX_DEAL_EXPIRED`. `GetDealActivation` and `GetDealSector` read the deal's state.

use fil_actors_runtime::runtime::Runtime;
use fil_actors_runtime::ActorError;
use fvm_shared::clock::EPOCH_UNDEFINED;

use crate::{
    Actor, DealProposal, DealQueryParams, GetDealActivationReturn, GetDealClientCollateralReturn,
    GetDealClientReturn, GetDealDataCommitmentReturn, GetDealLabelReturn,
    GetDealProviderCollateralReturn, GetDealProviderReturn, GetDealSectorReturn, GetDealTermReturn,
    GetDealTotalPriceReturn, GetDealVerifiedReturn, State, EX_DEAL_EXPIRED, EX_DEAL_NOT_ACTIVATED,
};

/// Any caller; the proposal of the deal asked for.
fn query_proposal(rt: &impl Runtime, params: &DealQueryParams) -> Result<DealProposal, ActorError> {
    rt.validate_immediate_caller_accept_any()?;
    rt.state::<State>()?.get_proposal(rt.store(), params.id)
}

impl Actor {
    pub fn get_deal_data_commitment(
        rt: &impl Runtime,
        params: DealQueryParams,
    ) -> Result<GetDealDataCommitmentReturn, ActorError> {
        let p = query_proposal(rt, &params)?;
        Ok(GetDealDataCommitmentReturn {
            data: p.piece_cid,
            size: p.piece_size,
        })
    }

    pub fn get_deal_client(
        rt: &impl Runtime,
        params: DealQueryParams,
    ) -> Result<GetDealClientReturn, ActorError> {
        let client = query_proposal(rt, &params)?.client_id()?;
        Ok(GetDealClientReturn { client })
    }

    pub fn get_deal_provider(
        rt: &impl Runtime,
        params: DealQueryParams,
    ) -> Result<GetDealProviderReturn, ActorError> {
        let provider = query_proposal(rt, &params)?.provider_id()?;
        Ok(GetDealProviderReturn { provider })
    }

    pub fn get_deal_label(
        rt: &impl Runtime,
        params: DealQueryParams,
    ) -> Result<GetDealLabelReturn, ActorError> {
        let label = query_proposal(rt, &params)?.label;
        Ok(GetDealLabelReturn { label })
    }

    pub fn get_deal_term(
        rt: &impl Runtime,
        params: DealQueryParams,
    ) -> Result<GetDealTermReturn, ActorError> {
        let p = query_proposal(rt, &params)?;
        Ok(GetDealTermReturn {
            start: p.start_epoch,
            duration: p.duration(),
        })
    }

    pub fn get_deal_total_price(
        rt: &impl Runtime,
        params: DealQueryParams,
    ) -> Result<GetDealTotalPriceReturn, ActorError> {
        let total_price = query_proposal(rt, &params)?.total_storage_fee();
        Ok(GetDealTotalPriceReturn { total_price })
    }

    pub fn get_deal_client_collateral(
        rt: &impl Runtime,
        params: DealQueryParams,
    ) -> Result<GetDealClientCollateralReturn, ActorError> {
        let collateral = query_proposal(rt, &params)?.client_collateral;
        Ok(GetDealClientCollateralReturn { collateral })
    }

    pub fn get_deal_provider_collateral(
        rt: &impl Runtime,
        params: DealQueryParams,
    ) -> Result<GetDealProviderCollateralReturn, ActorError> {
        let collateral = query_proposal(rt, &params)?.provider_collateral;
        Ok(GetDealProviderCollateralReturn { collateral })
    }

    /// The registry, not the market, is the authority on verified data.
    pub fn get_deal_verified(
        rt: &impl Runtime,
        params: DealQueryParams,
    ) -> Result<GetDealVerifiedReturn, ActorError> {
        let verified = query_proposal(rt, &params)?.verified_deal;
        Ok(GetDealVerifiedReturn { verified })
    }

    /// The activation epoch (-1 before activation) and the termination epoch (always -1: a
    /// terminated deal is removed at once, and one marked terminated before FIP-0074 reads as
    /// removed).
    pub fn get_deal_activation(
        rt: &impl Runtime,
        params: DealQueryParams,
    ) -> Result<GetDealActivationReturn, ActorError> {
        rt.validate_immediate_caller_accept_any()?;
        let st: State = rt.state()?;
        match st.find_deal_state(rt.store(), params.id)? {
            Some(state) if state.slash_epoch != EPOCH_UNDEFINED => Err(expired(params.id)),
            Some(state) => Ok(GetDealActivationReturn {
                activated: state.sector_start_epoch,
                terminated: state.slash_epoch,
            }),
            None => {
                // A deal that was never published or was removed answers with that code.
                st.get_proposal(rt.store(), params.id)?;
                Ok(GetDealActivationReturn {
                    activated: EPOCH_UNDEFINED,
                    terminated: EPOCH_UNDEFINED,
                })
            }
        }
    }

    /// The sector holding an activated deal; `EX_DEAL_NOT_ACTIVATED` for a deal published but
    /// not activated.
    pub fn get_deal_sector(
        rt: &impl Runtime,
        params: DealQueryParams,
    ) -> Result<GetDealSectorReturn, ActorError> {
        rt.validate_immediate_caller_accept_any()?;
        let st: State = rt.state()?;
        match st.find_deal_state(rt.store(), params.id)? {
            Some(state) if state.slash_epoch != EPOCH_UNDEFINED => Err(expired(params.id)),
            Some(state) => Ok(GetDealSectorReturn {
                sector: state.sector_number,
            }),
            None => {
                st.get_proposal(rt.store(), params.id)?;
                Err(ActorError::unchecked(
                    EX_DEAL_NOT_ACTIVATED,
                    format!("deal {} not yet activated", params.id),
                ))
            }
        }
    }
}

fn expired(id: u64) -> ActorError {
    ActorError::unchecked(EX_DEAL_EXPIRED, format!("deal {} expired", id))
}
