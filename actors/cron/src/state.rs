//! The cron actor's state: the list of calls to make every epoch, as a CBOR tuple
//! `[[[receiver, method_num], ...]]`.

use fvm_ipld_encoding::tuple::*;
use fvm_shared::address::Address;
use fvm_shared::MethodNum;

/// The cron actor's state.
#[derive(Serialize_tuple, Deserialize_tuple, Debug, Clone, Default, PartialEq, Eq)]
pub struct State {
    /// The calls made by every `EpochTick`, in order.
    pub entries: Vec<Entry>,
}

/// One call cron makes every epoch: `method_num` on `receiver`, with no parameters and no value.
#[derive(Serialize_tuple, Deserialize_tuple, Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    /// The actor to call.
    pub receiver: Address,
    /// The method to call; it must accept no parameters.
    pub method_num: MethodNum,
}
