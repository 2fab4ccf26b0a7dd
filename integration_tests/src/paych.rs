//! A payment channel driven as its parties drive it: created by the payer through the init actor,
//! vouchers signed by the payer's key and redeemed by the payee, settled and collected.

use fil_actor_paych::{ConstructorParams, Method, SignedVoucher, UpdateChannelStateParams};
use fil_actors_runtime::builtin::Type;
use fvm_ipld_encoding::RawBytes;
use fvm_shared::address::Address;
use fvm_shared::econ::TokenAmount;
use fvm_shared::{ActorID, MethodNum};
use test_vm::exec::exec_ok;
use test_vm::{MessageResult, Msg, VM};

use crate::keys::SecpKey;

/// A channel and its parties.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Channel {
    pub id: ActorID,
    /// Its robust (f2) address, which vouchers name.
    pub robust: Address,
    pub payer: Address,
    pub payee: Address,
}

impl Channel {
    /// The channel's ID address.
    pub fn address(&self) -> Address {
        Address::new_id(self.id)
    }

    /// `from` calls `method` of the channel with `params`.
    pub fn call<P: serde::Serialize>(
        &self,
        vm: &mut dyn VM,
        from: Address,
        method: Method,
        params: Option<&P>,
    ) -> anyhow::Result<MessageResult> {
        let mut msg = Msg::new(from, self.address(), method as MethodNum);
        if let Some(params) = params {
            msg = msg.params(params)?;
        }
        vm.apply(&msg)
    }

    /// The payee redeems `sv`, revealing `secret`.
    pub fn redeem(
        &self,
        vm: &mut dyn VM,
        sv: SignedVoucher,
        secret: &[u8],
    ) -> anyhow::Result<MessageResult> {
        let params = UpdateChannelStateParams {
            sv,
            secret: secret.to_vec(),
        };
        self.call(vm, self.payee, Method::UpdateChannelState, Some(&params))
    }
}

/// The payer creates a channel to the payee through the init actor, funding it with `funds`.
pub fn create_channel(
    vm: &mut dyn VM,
    payer: Address,
    payee: Address,
    funds: TokenAmount,
) -> anyhow::Result<Channel> {
    let params = RawBytes::serialize(ConstructorParams {
        from: payer,
        to: payee,
    })?;
    let created = exec_ok(vm, payer, Type::PaymentChannel, params, funds)?;
    Ok(Channel {
        id: created.id_address.id()?,
        robust: created.robust_address,
        payer,
        payee,
    })
}

/// An unsigned voucher for `channel`: lane `lane` worth `amount` at `nonce`, no time locks, no
/// secret, no merges.
pub fn voucher(channel: Address, lane: u64, nonce: u64, amount: TokenAmount) -> SignedVoucher {
    SignedVoucher {
        channel_addr: channel,
        time_lock_min: 0,
        time_lock_max: 0,
        secret_pre_image: Vec::new(),
        extra: None,
        lane,
        nonce,
        amount,
        min_settle_height: 0,
        merges: Vec::new(),
        signature: None,
    }
}

/// `sv` signed by `key`, over its signing bytes (the voucher with no signature).
pub fn signed(mut sv: SignedVoucher, key: &SecpKey) -> anyhow::Result<SignedVoucher> {
    sv.signature = Some(key.sign(&sv.signing_bytes()?)?);
    Ok(sv)
}
