//! Parameters of the cron actor's methods, as CBOR tuples.

use fvm_ipld_encoding::tuple::*;

use crate::Entry;

/// `Constructor` parameters: the entries to call every epoch.
#[derive(Serialize_tuple, Deserialize_tuple, Debug, Clone, Default, PartialEq, Eq)]
pub struct ConstructorParams {
    pub entries: Vec<Entry>,
}
