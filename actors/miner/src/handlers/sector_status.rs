//! Sector status for FEVM contracts (`shared/spec/sector-status.md`): the exported, read-only
//! methods that let any actor learn and cheaply prove whether a sector is live, and until when.
//! The logic lives in `crate::sector_status`; these handlers only read the state and answer.
//! All but the search read the state root through `StatusRoots`, a partial decode.

use fil_actors_runtime::runtime::Runtime;
use fil_actors_runtime::ActorError;

use crate::{
    generate_sector_status_info, get_nominal_sector_expiration, get_sector_expiration,
    validate_sector_status, Actor, GenerateSectorStatusInfoParams, GenerateSectorStatusInfoReturn,
    GetNominalSectorExpirationParams, GetNominalSectorExpirationReturn, GetSectorExpirationParams,
    GetSectorExpirationReturn, State, StatusRoots, ValidateSectorStatusParams,
    ValidateSectorStatusReturn,
};

impl Actor {
    /// `GenerateSectorStatusInfo` and its network alias `GenerateSectorLocation`: meant for
    /// off-chain reads, it may search every deadline.
    pub fn generate_sector_status_info(
        rt: &impl Runtime,
        params: GenerateSectorStatusInfoParams,
    ) -> Result<GenerateSectorStatusInfoReturn, ActorError> {
        rt.validate_immediate_caller_accept_any()?;
        let st: State = rt.state()?;
        let (status, location) =
            generate_sector_status_info(rt.store(), &st, params.sector_number)?;
        GenerateSectorStatusInfoReturn::new(status, &location)
    }

    /// `ValidateSectorStatus`: loads at most one deadline and one partition.
    pub fn validate_sector_status(
        rt: &impl Runtime,
        params: ValidateSectorStatusParams,
    ) -> Result<ValidateSectorStatusReturn, ActorError> {
        rt.validate_immediate_caller_accept_any()?;
        let roots: StatusRoots = rt.state()?;
        let valid = validate_sector_status(
            rt.policy(),
            rt.store(),
            &roots,
            params.sector_number,
            params.status,
            &params.aux_data,
        )?;
        Ok(ValidateSectorStatusReturn { valid })
    }

    /// `GetSectorExpiration`: the nominal expiration of a sector the location proves live.
    pub fn get_sector_expiration(
        rt: &impl Runtime,
        params: GetSectorExpirationParams,
    ) -> Result<GetSectorExpirationReturn, ActorError> {
        rt.validate_immediate_caller_accept_any()?;
        let roots: StatusRoots = rt.state()?;
        let expiration = get_sector_expiration(
            rt.policy(),
            rt.store(),
            &roots,
            params.sector_number,
            &params.aux_data,
        )?;
        Ok(GetSectorExpirationReturn { expiration })
    }

    /// `GetNominalSectorExpiration`, the network's name: the recorded expiration, no location.
    pub fn get_nominal_sector_expiration(
        rt: &impl Runtime,
        params: GetNominalSectorExpirationParams,
    ) -> Result<GetNominalSectorExpirationReturn, ActorError> {
        rt.validate_immediate_caller_accept_any()?;
        let roots: StatusRoots = rt.state()?;
        let expiration = get_nominal_sector_expiration(rt.store(), &roots, params.sector_number)?;
        Ok(GetNominalSectorExpirationReturn { expiration })
    }
}
