//! Control and info: the owner, worker and control addresses and their changes (the worker
//! after `worker_key_change_delay`, the owner once the nominee confirms), the peer ID and
//! multiaddresses, the FIP-0029 beneficiary, and the exported read-only getters.

use fil_actors_runtime::runtime::Runtime;
use fil_actors_runtime::{actor_error, ActorError};
use fvm_shared::address::{Address, Protocol};
use fvm_shared::econ::TokenAmount;
use num_traits::Zero;

use super::{
    check_control_addresses, check_peer_info, controlling_addresses, process_pending_worker,
    resolve_control_addresses, resolve_worker_address,
};
use crate::{
    ActiveBeneficiary, Actor, ChangeBeneficiaryParams, ChangeMultiaddrsParams,
    ChangeOwnerAddressParams, ChangePeerIDParams, ChangeWorkerAddressParams,
    GetAvailableBalanceReturn, GetBeneficiaryReturn, GetControlAddressesReturn,
    GetMultiaddrsReturn, GetOwnerReturn, GetPeerIDReturn, GetSectorSizeReturn,
    GetVestingFundsReturn, IsControllingAddressParam, IsControllingAddressReturn, MinerInfo,
    PendingBeneficiaryChange, State, WorkerKeyChange,
};

/// The miner's info, read from its current state.
fn current_info(rt: &impl Runtime) -> Result<MinerInfo, ActorError> {
    let state: State = rt.state()?;
    state.get_info(rt.store())
}

impl Actor {
    pub fn control_addresses(rt: &impl Runtime) -> Result<GetControlAddressesReturn, ActorError> {
        rt.validate_immediate_caller_accept_any()?;
        let info = current_info(rt)?;
        Ok(GetControlAddressesReturn {
            owner: info.owner,
            worker: info.worker,
            control_addresses: info.control_addresses,
        })
    }

    pub fn get_owner(rt: &impl Runtime) -> Result<GetOwnerReturn, ActorError> {
        rt.validate_immediate_caller_accept_any()?;
        let info = current_info(rt)?;
        Ok(GetOwnerReturn {
            owner: info.owner,
            proposed: info.pending_owner_address,
        })
    }

    /// Whether the address (resolved to its ID; an unknown address is not) is the owner, the
    /// worker or a control address.
    pub fn is_controlling_address(
        rt: &impl Runtime,
        params: IsControllingAddressParam,
    ) -> Result<IsControllingAddressReturn, ActorError> {
        rt.validate_immediate_caller_accept_any()?;
        let Some(id) = rt.resolve_address(&params.address) else {
            return Ok(IsControllingAddressReturn {
                is_controlling: false,
            });
        };
        let info = current_info(rt)?;
        Ok(IsControllingAddressReturn {
            is_controlling: controlling_addresses(&info).contains(&Address::new_id(id)),
        })
    }

    pub fn get_sector_size(rt: &impl Runtime) -> Result<GetSectorSizeReturn, ActorError> {
        rt.validate_immediate_caller_accept_any()?;
        Ok(GetSectorSizeReturn {
            sector_size: current_info(rt)?.sector_size,
        })
    }

    /// The balance less locked funds, deposits, pledge and fee debt; negative when in debt.
    pub fn get_available_balance(
        rt: &impl Runtime,
    ) -> Result<GetAvailableBalanceReturn, ActorError> {
        rt.validate_immediate_caller_accept_any()?;
        let state: State = rt.state()?;
        Ok(GetAvailableBalanceReturn {
            available_balance: state.get_available_balance(&rt.current_balance())?,
        })
    }

    pub fn get_vesting_funds(rt: &impl Runtime) -> Result<GetVestingFundsReturn, ActorError> {
        rt.validate_immediate_caller_accept_any()?;
        let state: State = rt.state()?;
        let vesting_funds = state
            .load_vesting_funds(rt.store())?
            .into_iter()
            .map(|f| (f.epoch, f.amount))
            .collect();
        Ok(GetVestingFundsReturn { vesting_funds })
    }

    pub fn get_peer_id(rt: &impl Runtime) -> Result<GetPeerIDReturn, ActorError> {
        rt.validate_immediate_caller_accept_any()?;
        Ok(GetPeerIDReturn {
            peer_id: current_info(rt)?.peer_id,
        })
    }

    pub fn get_multiaddresses(rt: &impl Runtime) -> Result<GetMultiaddrsReturn, ActorError> {
        rt.validate_immediate_caller_accept_any()?;
        Ok(GetMultiaddrsReturn {
            multi_addrs: current_info(rt)?.multi_address,
        })
    }

    /// Owner only. Replaces the control addresses outright (an empty list clears them) and,
    /// when the worker differs and no change is pending, schedules the new worker to take effect
    /// after `worker_key_change_delay`.
    pub fn change_worker_address(
        rt: &impl Runtime,
        params: ChangeWorkerAddressParams,
    ) -> Result<(), ActorError> {
        check_control_addresses(rt.policy(), &params.new_control_addresses)?;
        let new_worker = Address::new_id(resolve_worker_address(rt, params.new_worker)?);
        let control_addresses: Vec<Address> =
            resolve_control_addresses(rt, params.new_control_addresses)?
                .into_iter()
                .map(Address::new_id)
                .collect();

        rt.transaction(|state: &mut State, rt| {
            let mut info = state.get_info(rt.store())?;
            rt.validate_immediate_caller_is(std::iter::once(&info.owner))?;
            info.control_addresses = control_addresses;
            if new_worker != info.worker && info.pending_worker_key.is_none() {
                info.pending_worker_key = Some(WorkerKeyChange {
                    new_worker,
                    effective_at: rt.curr_epoch() + rt.policy().worker_key_change_delay,
                });
            }
            state.save_info(rt.store(), &info)
        })
    }

    /// Owner only. Applies a pending worker change once its effective epoch has come; before
    /// that, or with nothing pending, changes nothing.
    pub fn confirm_change_worker_address(rt: &impl Runtime) -> Result<(), ActorError> {
        rt.transaction(|state: &mut State, rt| {
            let mut info = state.get_info(rt.store())?;
            rt.validate_immediate_caller_is(std::iter::once(&info.owner))?;
            process_pending_worker(rt, state, &mut info)
        })
    }

    /// Called by the owner, proposes a new owner (proposing the current owner withdraws a
    /// proposal); called by the nominee with the same address, completes the change. The new
    /// owner inherits the beneficiary role if the old owner held it, and any pending
    /// beneficiary change is dropped.
    pub fn change_owner_address(
        rt: &impl Runtime,
        params: ChangeOwnerAddressParams,
    ) -> Result<(), ActorError> {
        let new_owner = params.new_owner;
        if new_owner.protocol() != Protocol::ID {
            return Err(
                actor_error!(illegal_argument; "owner address must be an ID address, was {}", new_owner),
            );
        }
        rt.transaction(|state: &mut State, rt| {
            let mut info = state.get_info(rt.store())?;
            match info.pending_owner_address {
                Some(pending) if rt.message().caller() != info.owner => {
                    rt.validate_immediate_caller_is(std::iter::once(&pending))?;
                    if new_owner != pending {
                        return Err(actor_error!(illegal_argument;
                            "expected confirmation of {} got {}", pending, new_owner));
                    }
                    if info.beneficiary == info.owner {
                        info.beneficiary = pending;
                    }
                    info.pending_beneficiary_term = None;
                    info.owner = pending;
                }
                _ => {
                    rt.validate_immediate_caller_is(std::iter::once(&info.owner))?;
                    info.pending_owner_address = Some(new_owner);
                }
            }
            if info.pending_owner_address == Some(info.owner) {
                info.pending_owner_address = None;
            }
            state.save_info(rt.store(), &info)
        })
    }

    /// Owner, worker or control address.
    pub fn change_peer_id(rt: &impl Runtime, params: ChangePeerIDParams) -> Result<(), ActorError> {
        check_peer_info(rt.policy(), &params.new_id, &[])?;
        rt.transaction(|state: &mut State, rt| {
            let mut info = state.get_info(rt.store())?;
            rt.validate_immediate_caller_is(&controlling_addresses(&info))?;
            info.peer_id = params.new_id;
            state.save_info(rt.store(), &info)
        })
    }

    /// Owner, worker or control address.
    pub fn change_multiaddresses(
        rt: &impl Runtime,
        params: ChangeMultiaddrsParams,
    ) -> Result<(), ActorError> {
        check_peer_info(rt.policy(), &[], &params.new_multi_addrs)?;
        rt.transaction(|state: &mut State, rt| {
            let mut info = state.get_info(rt.store())?;
            rt.validate_immediate_caller_is(&controlling_addresses(&info))?;
            info.multi_address = params.new_multi_addrs;
            state.save_info(rt.store(), &info)
        })
    }

    /// FIP-0029. The owner proposes a beneficiary with a quota and expiration (zero for the
    /// owner itself); the nominee and the current beneficiary (unless its term is used up or
    /// expired) approve by calling with the same terms. The change applies once both approved;
    /// a new beneficiary starts with no quota used.
    pub fn change_beneficiary(
        rt: &impl Runtime,
        params: ChangeBeneficiaryParams,
    ) -> Result<(), ActorError> {
        rt.validate_immediate_caller_accept_any()?;
        let caller = rt.message().caller();
        let new_beneficiary =
            Address::new_id(rt.resolve_address(&params.new_beneficiary).ok_or_else(|| {
                actor_error!(illegal_argument; "unable to resolve address: {}", params.new_beneficiary)
            })?);

        rt.transaction(|state: &mut State, rt| {
            let mut info = state.get_info(rt.store())?;
            if caller == info.owner {
                check_proposed_term(&info, new_beneficiary, &params)?;
                let mut proposal = PendingBeneficiaryChange::new(
                    new_beneficiary,
                    params.new_quota.clone(),
                    params.new_expiration,
                );
                // A beneficiary with nothing left to withdraw has nothing to consent to.
                if info.beneficiary_term.available(rt.curr_epoch()).is_zero() {
                    proposal.approved_by_beneficiary = true;
                }
                info.pending_beneficiary_term = Some(proposal);
            } else {
                let Some(pending) = &info.pending_beneficiary_term else {
                    return Err(actor_error!(forbidden; "No changeBeneficiary proposal exists"));
                };
                if caller != info.beneficiary && caller != pending.new_beneficiary {
                    return Err(actor_error!(forbidden;
                        "message caller {} is neither proposal beneficiary {} nor current beneficiary {}",
                        caller, params.new_beneficiary, info.beneficiary));
                }
                check_matches_proposal(pending, new_beneficiary, &params)?;
            }

            if let Some(pending) = info.pending_beneficiary_term.as_mut() {
                if caller == info.beneficiary {
                    pending.approved_by_beneficiary = true;
                }
                if caller == new_beneficiary {
                    pending.approved_by_nominee = true;
                }
                if pending.approved_by_beneficiary && pending.approved_by_nominee {
                    if new_beneficiary != info.beneficiary {
                        info.beneficiary_term.used_quota = TokenAmount::zero();
                    }
                    info.beneficiary = new_beneficiary;
                    info.beneficiary_term.quota = pending.new_quota.clone();
                    info.beneficiary_term.expiration = pending.new_expiration;
                    info.pending_beneficiary_term = None;
                }
            }
            state.save_info(rt.store(), &info)
        })
    }

    pub fn get_beneficiary(rt: &impl Runtime) -> Result<GetBeneficiaryReturn, ActorError> {
        rt.validate_immediate_caller_accept_any()?;
        let info = current_info(rt)?;
        Ok(GetBeneficiaryReturn {
            active: ActiveBeneficiary {
                beneficiary: info.beneficiary,
                term: info.beneficiary_term,
            },
            proposed: info.pending_beneficiary_term,
        })
    }
}

/// An owner's proposal: a positive quota for another beneficiary, zero quota and expiration
/// for the owner itself.
fn check_proposed_term(
    info: &MinerInfo,
    new_beneficiary: Address,
    params: &ChangeBeneficiaryParams,
) -> Result<(), ActorError> {
    if new_beneficiary != info.owner {
        if !params.new_quota.is_positive() {
            return Err(actor_error!(illegal_argument;
                "beneficial quota {} must bigger than zero", params.new_quota));
        }
    } else {
        if !params.new_quota.is_zero() {
            return Err(actor_error!(illegal_argument;
                "owner beneficial quota {} must be zero", params.new_quota));
        }
        if params.new_expiration != 0 {
            return Err(actor_error!(illegal_argument;
                "owner beneficial expiration {} must be zero", params.new_expiration));
        }
    }
    Ok(())
}

/// An approval must repeat the pending proposal's terms exactly.
fn check_matches_proposal(
    pending: &PendingBeneficiaryChange,
    new_beneficiary: Address,
    params: &ChangeBeneficiaryParams,
) -> Result<(), ActorError> {
    if pending.new_beneficiary != new_beneficiary {
        return Err(actor_error!(illegal_argument;
            "new beneficiary address must be equal expect {}, but got {}",
            pending.new_beneficiary, params.new_beneficiary));
    }
    if pending.new_quota != params.new_quota {
        return Err(actor_error!(illegal_argument;
            "new beneficiary quota must be equal expect {}, but got {}",
            pending.new_quota, params.new_quota));
    }
    if pending.new_expiration != params.new_expiration {
        return Err(actor_error!(illegal_argument;
            "new beneficiary expire date must be equal expect {}, but got {}",
            pending.new_expiration, params.new_expiration));
    }
    Ok(())
}
