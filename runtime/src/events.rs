//! `EventBuilder`: the one producer of actor events in this project (`shared/spec/events.md`).
//!
//! An event is a FIP-0049 list of entries `{flags, key, codec, value}`. Every value is CBOR (codec
//! 0x51); the first entry is always `"$type"` indexed by key and value. Actors only name their
//! entries and say how each is indexed.

use fvm_ipld_encoding::to_vec;
use fvm_shared::event::{ActorEvent, Entry, Flags};
use serde::Serialize;

use crate::ActorError;

/// The IPLD codec of plain CBOR, the codec of every event value.
pub const IPLD_CBOR: u64 = 0x51;

/// The key of the first entry of every event.
pub const EVENT_TYPE_KEY: &str = "$type";

/// Builds one event, entry by entry, in the order the entries are added.
#[must_use]
pub struct EventBuilder {
    entries: Vec<Entry>,
    error: Option<ActorError>,
}

impl EventBuilder {
    /// Starts an event of the given `$type`.
    pub fn new(event_type: &str) -> Self {
        EventBuilder {
            entries: Vec::new(),
            error: None,
        }
        .push(EVENT_TYPE_KEY, event_type, Flags::FLAG_INDEXED_ALL)
    }

    /// An entry indexed by key and value (flags 0x03).
    pub fn field_indexed<T: Serialize + ?Sized>(self, key: &str, value: &T) -> Self {
        self.push(key, value, Flags::FLAG_INDEXED_ALL)
    }

    /// An entry indexed by key only (flags 0x01).
    pub fn field<T: Serialize + ?Sized>(self, key: &str, value: &T) -> Self {
        self.push(key, value, Flags::FLAG_INDEXED_KEY)
    }

    /// An entry indexed by value only (flags 0x02).
    pub fn field_value_indexed<T: Serialize + ?Sized>(self, key: &str, value: &T) -> Self {
        self.push(key, value, Flags::FLAG_INDEXED_VALUE)
    }

    /// An optional entry: added with `flags` when present, omitted (not null) when absent.
    pub fn optional_field<T: Serialize>(self, key: &str, value: Option<&T>, flags: Flags) -> Self {
        match value {
            Some(v) => self.push(key, v, flags),
            None => self,
        }
    }

    fn push<T: Serialize + ?Sized>(mut self, key: &str, value: &T, flags: Flags) -> Self {
        if self.error.is_some() {
            return self;
        }
        match to_vec(value) {
            Ok(value) => self.entries.push(Entry {
                flags,
                key: key.to_string(),
                codec: IPLD_CBOR,
                value,
            }),
            Err(e) => {
                self.error = Some(ActorError::serialization(format!(
                    "failed to encode event entry {}: {}",
                    key, e
                )))
            }
        }
        self
    }

    /// The finished event, or the first encoding error.
    pub fn build(self) -> Result<ActorEvent, ActorError> {
        match self.error {
            Some(e) => Err(e),
            None => Ok(ActorEvent {
                entries: self.entries,
            }),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use cid::Cid;
    use fvm_shared::econ::TokenAmount;

    fn entry(flags: u64, key: &str, value: &[u8]) -> Entry {
        Entry {
            flags: Flags::from_bits(flags).unwrap(),
            key: key.to_string(),
            codec: 0x51,
            value: value.to_vec(),
        }
    }

    #[test]
    fn encodes_each_kind_of_value_byte_for_byte() {
        let cid: Cid = "baga6ea4seaqao7s73y24kcutaosvacpdjgfe5pw76ooefnyqw4ynr3d2y6x2mpq"
            .parse()
            .unwrap();
        let event = EventBuilder::new("fee-applied")
            .field_indexed("sector", &7u64)
            .field_value_indexed("amount", &TokenAmount::from_atto(256))
            .field_value_indexed("zero", &TokenAmount::from_atto(0))
            .field_value_indexed("negative", &TokenAmount::from_atto(-1))
            .field_value_indexed("deadline", &-2i64)
            .field_value_indexed("limit-applied", &true)
            .field("piece-size", &2048u64)
            .field_indexed("unsealed-cid", &Option::<Cid>::None)
            .field_indexed("piece-cid", &cid)
            .build()
            .unwrap();

        let mut cid_cbor = vec![0xd8, 0x2a, 0x58, 0x28, 0x00];
        cid_cbor.extend_from_slice(&cid.to_bytes());
        assert_eq!(cid.to_bytes().len(), 39);
        let expected = vec![
            // "$type" => text string of 11 bytes.
            entry(3, "$type", b"\x6bfee-applied"),
            // unsigned 7.
            entry(3, "sector", &[0x07]),
            // bigint bytes: sign byte 0x00 then 0x01 0x00, as a CBOR byte string of length 3.
            entry(2, "amount", &[0x43, 0x00, 0x01, 0x00]),
            // zero is the empty byte string.
            entry(2, "zero", &[0x40]),
            // negative: sign byte 0x01.
            entry(2, "negative", &[0x42, 0x01, 0x01]),
            // negative int -2 is major type 1 with value 1.
            entry(2, "deadline", &[0x21]),
            entry(2, "limit-applied", &[0xf5]),
            // 2048 = 0x19 0x08 0x00.
            entry(1, "piece-size", &[0x19, 0x08, 0x00]),
            // absent CID is null.
            entry(3, "unsealed-cid", &[0xf6]),
            // CID is tag 42 over a byte string with a leading 0x00.
            entry(3, "piece-cid", &cid_cbor),
        ];
        assert_eq!(event.entries, expected);
    }

    #[test]
    fn optional_fields_are_omitted_not_null() {
        let event = EventBuilder::new("x")
            .optional_field("deadline", Some(&3u64), Flags::FLAG_INDEXED_VALUE)
            .optional_field::<u64>("sectors", None, Flags::FLAG_INDEXED_VALUE)
            .build()
            .unwrap();
        assert_eq!(
            event.entries,
            vec![entry(3, "$type", b"\x61x"), entry(2, "deadline", &[3])]
        );
    }

    #[test]
    fn the_whole_event_encodes_as_a_list_of_tuples() {
        let event = EventBuilder::new("a").field("k", &1u8).build().unwrap();
        // [[3, "$type", 0x51, h'6161'], [1, "k", 0x51, h'01']]
        let expected: Vec<u8> = vec![
            0x82, 0x84, 0x03, 0x65, b'$', b't', b'y', b'p', b'e', 0x18, 0x51, 0x42, 0x61, b'a',
            0x84, 0x01, 0x61, b'k', 0x18, 0x51, 0x41, 0x01,
        ];
        assert_eq!(to_vec(&event).unwrap(), expected);
    }
}
