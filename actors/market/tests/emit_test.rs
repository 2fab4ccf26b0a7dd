//! The four FIP-0083 deal events, byte for byte: each entry's flags (0x03, index key and
//! value), key, codec (0x51, CBOR) and value written out by hand from the seed's tables.

use fil_actor_market::emit::deal_event;
use fvm_shared::event::{Entry, Flags};

fn entry(key: &str, value: &[u8]) -> Entry {
    Entry {
        flags: Flags::from_bits(0x03).unwrap(),
        key: key.to_string(),
        codec: 0x51,
        value: value.to_vec(),
    }
}

#[test]
fn deal_events_are_the_seeds_tables() {
    for name in [
        "deal-published",
        "deal-activated",
        "deal-terminated",
        "deal-completed",
    ] {
        // Text strings of up to 23 bytes are 0x60 + length.
        let mut type_value = vec![0x60 + name.len() as u8];
        type_value.extend(name.as_bytes());
        let event = deal_event(name, 300, 110, 1000).unwrap();
        assert_eq!(
            event.entries,
            vec![
                entry("$type", &type_value),
                // 300 = 0x19 0x01 0x2c; 110 = 0x18 0x6e; 1000 = 0x19 0x03 0xe8.
                entry("id", &[0x19, 0x01, 0x2c]),
                entry("client", &[0x18, 0x6e]),
                entry("provider", &[0x19, 0x03, 0xe8]),
            ],
            "{}",
            name
        );
    }
    // Deal 0 is the integer 0, a single byte.
    let event = deal_event("deal-published", 0, 5, 23).unwrap();
    assert_eq!(
        event.entries[1..],
        [
            entry("id", &[0x00]),
            entry("client", &[0x05]),
            entry("provider", &[0x17])
        ]
    );
}
