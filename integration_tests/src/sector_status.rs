//! Sector status as a contract reads it (shared/spec/sector-status.md): explicit messages from an
//! account that is neither the miner's owner, worker nor a built-in actor, to the exported
//! FRC-42 methods `GenerateSectorStatusInfo`, `ValidateSectorStatus` and `GetSectorExpiration`.

use fil_actor_miner::{
    GenerateSectorStatusInfoParams, GenerateSectorStatusInfoReturn, GetSectorExpirationParams,
    SectorLocation, SectorStatusCode, ValidateSectorStatusParams,
    GENERATE_SECTOR_STATUS_INFO_METHOD, GET_SECTOR_EXPIRATION_METHOD,
    VALIDATE_SECTOR_STATUS_METHOD,
};
use fvm_shared::address::Address;
use fvm_shared::clock::ChainEpoch;
use fvm_shared::error::ExitCode;
use fvm_shared::sector::SectorNumber;
use test_vm::{MessageResult, Msg, VM};

use crate::miner::apply_ok;

/// What one read answered: its return value when it succeeded, its exit code otherwise.
pub type Answer<T> = Result<T, ExitCode>;

/// Everything a contract can learn about one sector from one freshly generated location.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StatusRead {
    pub sector: SectorNumber,
    pub status: SectorStatusCode,
    pub location: SectorLocation,
    /// `ValidateSectorStatus` with the generated location, for Dead, Live and Faulty in turn.
    pub validates: [Answer<bool>; 3],
    /// `GetSectorExpiration` with the generated location.
    pub expiration: Answer<ChainEpoch>,
}

/// The account that reads sector status.
pub struct StatusReader {
    pub account: Address,
}

impl StatusReader {
    /// `GenerateSectorStatusInfo`, which always succeeds for a sector number in range.
    pub fn generate(
        &self,
        vm: &mut dyn VM,
        miner: Address,
        sector: SectorNumber,
    ) -> anyhow::Result<(GenerateSectorStatusInfoReturn, MessageResult)> {
        let r = apply_ok(
            vm,
            &Msg::new(self.account, miner, GENERATE_SECTOR_STATUS_INFO_METHOD).params(
                &GenerateSectorStatusInfoParams {
                    sector_number: sector,
                },
            )?,
        )?;
        Ok((r.ret_as()?, r))
    }

    /// `ValidateSectorStatus` for `status` at `location`.
    pub fn validate(
        &self,
        vm: &mut dyn VM,
        miner: Address,
        sector: SectorNumber,
        status: SectorStatusCode,
        location: &SectorLocation,
    ) -> anyhow::Result<(Answer<bool>, MessageResult)> {
        let r = vm.apply(
            &Msg::new(self.account, miner, VALIDATE_SECTOR_STATUS_METHOD).params(
                &ValidateSectorStatusParams {
                    sector_number: sector,
                    status: status as u8,
                    aux_data: location.to_aux_data()?,
                },
            )?,
        )?;
        Ok((answer(&r)?, r))
    }

    /// `GetSectorExpiration` at `location`.
    pub fn expiration(
        &self,
        vm: &mut dyn VM,
        miner: Address,
        sector: SectorNumber,
        location: &SectorLocation,
    ) -> anyhow::Result<(Answer<ChainEpoch>, MessageResult)> {
        let r = vm.apply(
            &Msg::new(self.account, miner, GET_SECTOR_EXPIRATION_METHOD).params(
                &GetSectorExpirationParams {
                    sector_number: sector,
                    aux_data: location.to_aux_data()?,
                },
            )?,
        )?;
        Ok((answer(&r)?, r))
    }

    /// A full read of `sector`: generate its location, then validate every status and ask the
    /// expiration with it. Returns the messages too, for their gas.
    pub fn read(
        &self,
        vm: &mut dyn VM,
        miner: Address,
        sector: SectorNumber,
    ) -> anyhow::Result<(StatusRead, Vec<MessageResult>)> {
        let (info, generated) = self.generate(vm, miner, sector)?;
        let location = SectorLocation::from_aux_data(&info.aux_data)?;
        let mut messages = vec![generated];
        let mut validates = [Ok(false); 3];
        let codes = [
            SectorStatusCode::Dead,
            SectorStatusCode::Live,
            SectorStatusCode::Faulty,
        ];
        for (slot, code) in validates.iter_mut().zip(codes) {
            let (answer, r) = self.validate(vm, miner, sector, code, &location)?;
            *slot = answer;
            messages.push(r);
        }
        let (expiration, r) = self.expiration(vm, miner, sector, &location)?;
        messages.push(r);
        Ok((
            StatusRead {
                sector,
                status: info.status,
                location,
                validates,
                expiration,
            },
            messages,
        ))
    }
}

/// The decoded return of a successful read, or its exit code.
fn answer<T: serde::de::DeserializeOwned>(r: &MessageResult) -> anyhow::Result<Answer<T>> {
    if r.code == ExitCode::OK {
        Ok(Ok(r.ret_as()?))
    } else {
        Ok(Err(r.code))
    }
}
