//! The verified registry's root key on the test network: a multisig of three signers, two of whom
//! must approve, as the ecosystem's test networks have it. Tests act as the root key through it:
//! one signer proposes the message, another approves it, and the multisig sends it.

use anyhow::{anyhow, Context};
use fil_actor_init::ExecReturn;
use fil_actor_multisig::{
    ApproveReturn, ConstructorParams, Method, ProposeParams, ProposeReturn, TxnID, TxnIDParams,
};
use fil_actors_runtime::builtin::{Type, SYSTEM_ACTOR_ADDR};
use fvm_ipld_encoding::RawBytes;
use fvm_shared::address::Address;
use fvm_shared::econ::TokenAmount;
use fvm_shared::error::ExitCode;
use fvm_shared::{ActorID, MethodNum};

use crate::exec::exec_message;
use crate::genesis::account_address;
use crate::{MessageKind, MessageResult, Msg, VM};

/// How many signers the root key has.
pub const ROOT_KEY_SIGNERS: usize = 3;
/// How many of them must approve a message.
pub const ROOT_KEY_THRESHOLD: u64 = 2;

/// The signers' keys are test keys from this index on, far from the indices tests give their
/// own accounts.
const SIGNER_KEY_BASE: u64 = 1 << 32;

/// The key address of the root key's signer `k` (0, 1 or 2).
pub fn root_signer_address(k: usize) -> Address {
    account_address(SIGNER_KEY_BASE + k as u64)
}

/// The root key genesis made.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RootKey {
    /// The multisig's ID address, which the verified registry records as its root key.
    pub address: Address,
    /// Its robust (f2) address.
    pub robust_address: Address,
    /// The signers' key addresses and IDs, in the order the multisig lists them.
    pub signers: [(Address, ActorID); ROOT_KEY_SIGNERS],
}

impl RootKey {
    /// Signer `proposer` proposes that the root key send `to` method `method` with `params` and
    /// no value.
    pub fn propose(
        &self,
        vm: &mut dyn VM,
        proposer: usize,
        to: Address,
        method: MethodNum,
        params: RawBytes,
    ) -> anyhow::Result<MessageResult> {
        let proposal = ProposeParams {
            to,
            value: TokenAmount::from_atto(0),
            method,
            params,
        };
        vm.apply(
            &Msg::new(
                self.signers[proposer].0,
                self.address,
                Method::Propose as MethodNum,
            )
            .params(&proposal)?,
        )
    }

    /// Signer `approver` approves transaction `id`, naming `proposal_hash` (empty to skip the
    /// check).
    pub fn approve(
        &self,
        vm: &mut dyn VM,
        approver: usize,
        id: TxnID,
        proposal_hash: Vec<u8>,
    ) -> anyhow::Result<MessageResult> {
        let params = TxnIDParams { id, proposal_hash };
        vm.apply(
            &Msg::new(
                self.signers[approver].0,
                self.address,
                Method::Approve as MethodNum,
            )
            .params(&params)?,
        )
    }

    /// Acts as the root key: signer 0 proposes the message, signer 1 approves it and the
    /// multisig sends it. Returns the sent message's exit code and return; an error if the
    /// proposal or the approval itself fails.
    pub fn act(
        &self,
        vm: &mut dyn VM,
        to: Address,
        method: MethodNum,
        params: RawBytes,
    ) -> anyhow::Result<(ExitCode, RawBytes)> {
        let proposed = self.propose(vm, 0, to, method, params)?;
        if !proposed.code.is_success() {
            return Err(anyhow!(
                "the root key's proposal failed with {}: {:?}",
                proposed.code,
                proposed.failure
            ));
        }
        let proposal: ProposeReturn = proposed.ret_as()?;
        let approved = self.approve(vm, 1, proposal.txn_id, Vec::new())?;
        if !approved.code.is_success() {
            return Err(anyhow!(
                "the root key's approval failed with {}: {:?}",
                approved.code,
                approved.failure
            ));
        }
        let outcome: ApproveReturn = approved.ret_as()?;
        if !outcome.applied {
            return Err(anyhow!("two approvals did not send the root key's message"));
        }
        Ok((outcome.code, outcome.ret))
    }
}

/// Creates the root key as a node's genesis does: an `Exec` of the multisig from the system
/// actor, whose constructor creates the signers' accounts.
pub(crate) fn create_root_key(vm: &mut dyn VM) -> anyhow::Result<RootKey> {
    let keys: Vec<Address> = (0..ROOT_KEY_SIGNERS).map(root_signer_address).collect();
    let constructor = ConstructorParams {
        signers: keys.clone(),
        num_approvals_threshold: ROOT_KEY_THRESHOLD,
        unlock_duration: 0,
        start_epoch: 0,
    };
    let params = RawBytes::serialize(&constructor)
        .context("encoding the root key's constructor parameters")?;
    let msg = exec_message(
        vm,
        SYSTEM_ACTOR_ADDR,
        Type::Multisig,
        params,
        TokenAmount::from_atto(0),
    )?;
    let ret = vm.execute(&msg, MessageKind::Implicit)?;
    if !ret.code.is_success() {
        return Err(anyhow!(
            "creating the root key multisig failed with {}: {:?}",
            ret.code,
            ret.failure
        ));
    }
    let created: ExecReturn = ret.ret_as()?;
    let signers = keys
        .into_iter()
        .map(|key| {
            let id = vm
                .resolve(&key)?
                .ok_or_else(|| anyhow!("root key signer {key} was not created"))?;
            Ok((key, id))
        })
        .collect::<anyhow::Result<Vec<_>>>()?
        .try_into()
        .map_err(|v: Vec<_>| {
            anyhow!("{} root key signers, expected {ROOT_KEY_SIGNERS}", v.len())
        })?;
    Ok(RootKey {
        address: created.id_address,
        robust_address: created.robust_address,
        signers,
    })
}
