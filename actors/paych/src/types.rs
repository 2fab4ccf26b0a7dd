//! Parameters of the payment channel's methods and the voucher they redeem, with the limits v18
//! puts on them. Every type encodes as the v18 tuple of the same name.

use fil_actors_runtime::runtime::policy::EPOCHS_IN_HOUR;
use fvm_ipld_encoding::tuple::*;
use fvm_ipld_encoding::{strict_bytes, to_vec, RawBytes};
use fvm_shared::address::Address;
use fvm_shared::clock::ChainEpoch;
use fvm_shared::crypto::signature::Signature;
use fvm_shared::econ::TokenAmount;
use fvm_shared::MethodNum;

use crate::Merge;

/// The highest lane number: lanes are signed 64-bit numbers on the network.
pub const MAX_LANE: u64 = i64::MAX as u64;

/// How long after `Settle` the channel can be collected (12 hours).
pub const SETTLE_DELAY: ChainEpoch = EPOCHS_IN_HOUR * 12;

/// The longest secret a redemption may carry, in bytes.
pub const MAX_SECRET_SIZE: usize = 256;

/// The bit width of the lane states' AMT.
pub const LANE_STATES_AMT_BITWIDTH: u32 = 3;

/// `Constructor` parameters: the payer and the payee, any addresses with an actor behind them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize_tuple, Deserialize_tuple)]
pub struct ConstructorParams {
    pub from: Address,
    pub to: Address,
}

/// A voucher: the payer's signed promise that a lane of the channel is worth `amount`. The
/// payee (or the payer, with the payee's signature) redeems it with `UpdateChannelState`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize_tuple, Deserialize_tuple)]
pub struct SignedVoucher {
    /// The channel the voucher is for.
    pub channel_addr: Address,
    /// The first epoch the voucher may be redeemed at.
    pub time_lock_min: ChainEpoch,
    /// The last epoch it may be redeemed at; 0 for no limit.
    pub time_lock_max: ChainEpoch,
    /// When not empty, the BLAKE2b-256 hash of the secret the redeemer must reveal.
    #[serde(with = "strict_bytes")]
    pub secret_pre_image: Vec<u8>,
    /// An actor method that must accept the voucher's `data` for it to be redeemed.
    pub extra: Option<ModVerifyParams>,
    pub lane: u64,
    /// Higher than the lane's last redeemed nonce.
    pub nonce: u64,
    /// What the lane is worth in total (not an increment).
    pub amount: TokenAmount,
    /// Delays collection until at least this epoch; 0 for none.
    pub min_settle_height: ChainEpoch,
    /// Lanes folded into `lane`, each with a nonce higher than its last.
    pub merges: Vec<Merge>,
    /// The signature over `signing_bytes`.
    pub signature: Option<Signature>,
}

impl SignedVoucher {
    /// What is signed: the voucher encoded with a null signature.
    pub fn signing_bytes(&self) -> Result<Vec<u8>, fvm_ipld_encoding::Error> {
        to_vec(&SignedVoucher {
            signature: None,
            ..self.clone()
        })
    }
}

/// A verification a voucher asks for: `method` of `actor`, called with `data`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize_tuple, Deserialize_tuple)]
pub struct ModVerifyParams {
    pub actor: Address,
    pub method: MethodNum,
    pub data: RawBytes,
}

/// `UpdateChannelState` parameters: the voucher, and the secret when it has a pre-image.
#[derive(Debug, Clone, PartialEq, Eq, Serialize_tuple, Deserialize_tuple)]
pub struct UpdateChannelStateParams {
    pub sv: SignedVoucher,
    #[serde(with = "strict_bytes")]
    pub secret: Vec<u8>,
}
