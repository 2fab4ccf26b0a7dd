//! Sector status as a contract reads it (shared/spec/sector-status.md): a user actor that is
//! neither built in nor one of the miner's addresses (the relay) calls the exported FRC-42
//! methods `GenerateSectorStatusInfo`, `ValidateSectorStatus` and `GetSectorExpiration`.

use fil_actor_miner::{
    GenerateSectorStatusInfoParams, GenerateSectorStatusInfoReturn, GetSectorExpirationParams,
    SectorLocation, SectorStatusCode, ValidateSectorStatusParams,
    GENERATE_SECTOR_STATUS_INFO_METHOD, GET_SECTOR_EXPIRATION_METHOD,
    VALIDATE_SECTOR_STATUS_METHOD,
};
use fvm_ipld_encoding::{from_slice, to_vec, RawBytes};
use fvm_shared::address::Address;
use fvm_shared::clock::ChainEpoch;
use fvm_shared::error::ExitCode;
use fvm_shared::sector::SectorNumber;
use fvm_shared::{ActorID, MethodNum};
use serde::de::DeserializeOwned;
use serde::Serialize;
use test_vm::user_actors::{deploy_relay, RelayMethod, RelayParams, RelayReturn};
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
    /// `ValidateSectorStatus` with the generated location, for Dead, Active and Faulty in turn.
    pub validates: [Answer<bool>; 3],
    /// `GetSectorExpiration` with the generated location.
    pub expiration: Answer<ChainEpoch>,
}

/// A contract that reads sector status: the relay, a user actor outside the bundle's manifest,
/// deployed at `relay` and driven by messages from `account`. Each read is one message to the
/// relay, which calls the miner; its exit code and return are the miner's.
pub struct StatusReader {
    pub account: Address,
    pub relay: Address,
}

/// What the relay reported of its call to the miner, and the outer message (for its gas).
pub struct Relayed {
    pub code: ExitCode,
    pub ret: Vec<u8>,
    pub message: MessageResult,
}

impl Relayed {
    /// The miner's method the relay called (from the trace).
    pub fn method(&self) -> MethodNum {
        self.message
            .trace
            .subinvocations
            .first()
            .map_or(self.message.trace.method, |call| call.method)
    }

    /// The decoded return of a successful call, or its exit code.
    fn answer<T: DeserializeOwned>(&self) -> anyhow::Result<Answer<T>> {
        if self.code == ExitCode::OK {
            Ok(Ok(from_slice(&self.ret)?))
        } else {
            Ok(Err(self.code))
        }
    }
}

impl StatusReader {
    /// Deploys the relay at `relay_id` for `account` to drive.
    pub fn deploy(vm: &mut dyn VM, account: Address, relay_id: ActorID) -> anyhow::Result<Self> {
        let relay = deploy_relay(vm, relay_id)?;
        Ok(StatusReader { account, relay })
    }

    /// Calls `method` of `miner` with `params` through the relay.
    pub fn call<P: Serialize>(
        &self,
        vm: &mut dyn VM,
        miner: Address,
        method: MethodNum,
        params: &P,
    ) -> anyhow::Result<Relayed> {
        let message = apply_ok(
            vm,
            &Msg::new(self.account, self.relay, RelayMethod::Relay as u64).params(
                &RelayParams {
                    to: miner,
                    method,
                    params: RawBytes::new(to_vec(params)?),
                },
            )?,
        )?;
        let relayed: RelayReturn = message.ret_as()?;
        Ok(Relayed {
            code: ExitCode::new(relayed.exit_code),
            ret: relayed.ret.to_vec(),
            message,
        })
    }

    /// `GenerateSectorStatusInfo`, which always succeeds for a sector number in range.
    pub fn generate(
        &self,
        vm: &mut dyn VM,
        miner: Address,
        sector: SectorNumber,
    ) -> anyhow::Result<(GenerateSectorStatusInfoReturn, Relayed)> {
        let r = self.call(
            vm,
            miner,
            GENERATE_SECTOR_STATUS_INFO_METHOD,
            &GenerateSectorStatusInfoParams {
                sector_number: sector,
            },
        )?;
        let info = r
            .answer()?
            .map_err(|code| anyhow::anyhow!("GenerateSectorStatusInfo({sector}) failed: {code}"))?;
        Ok((info, r))
    }

    /// `ValidateSectorStatus` for `status` at `location`.
    pub fn validate(
        &self,
        vm: &mut dyn VM,
        miner: Address,
        sector: SectorNumber,
        status: SectorStatusCode,
        location: &SectorLocation,
    ) -> anyhow::Result<(Answer<bool>, Relayed)> {
        let r = self.call(
            vm,
            miner,
            VALIDATE_SECTOR_STATUS_METHOD,
            &ValidateSectorStatusParams {
                sector_number: sector,
                status,
                aux_data: location.to_aux_data()?,
            },
        )?;
        Ok((r.answer()?, r))
    }

    /// `GetSectorExpiration` at `location`.
    pub fn expiration(
        &self,
        vm: &mut dyn VM,
        miner: Address,
        sector: SectorNumber,
        location: &SectorLocation,
    ) -> anyhow::Result<(Answer<ChainEpoch>, Relayed)> {
        let r = self.call(
            vm,
            miner,
            GET_SECTOR_EXPIRATION_METHOD,
            &GetSectorExpirationParams {
                sector_number: sector,
                aux_data: location.to_aux_data()?,
            },
        )?;
        Ok((r.answer()?, r))
    }

    /// A full read of `sector`: generate its location, then validate every status and ask the
    /// expiration with it. Returns the messages too, for their gas.
    pub fn read(
        &self,
        vm: &mut dyn VM,
        miner: Address,
        sector: SectorNumber,
    ) -> anyhow::Result<(StatusRead, Vec<Relayed>)> {
        let (info, generated) = self.generate(vm, miner, sector)?;
        let location = SectorLocation::from_aux_data(&info.aux_data)?;
        let mut messages = vec![generated];
        let mut validates = [Ok(false); 3];
        let codes = [
            SectorStatusCode::Dead,
            SectorStatusCode::Active,
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
