//! LOG0..LOG4 as FIP-0049 events, as v18 emits them: one entry per topic, keyed `t1`..`t4`,
//! then the data under `d` when there is any. Every entry is indexed by key and value and
//! carries raw bytes (codec 0x55), not CBOR, which is why these events are built here rather
//! than with the runtime's `EventBuilder` (whose entries are CBOR and start with `$type`).

use fil_actors_runtime::runtime::Runtime;
use fil_actors_runtime::ActorError;
use fvm_ipld_encoding::IPLD_RAW;
use fvm_shared::event::{ActorEvent, Entry, Flags};

const TOPIC_KEYS: [&str; 4] = ["t1", "t2", "t3", "t4"];
const DATA_KEY: &str = "d";

/// The event of one log.
pub fn log_event(topics: &[[u8; 32]], data: &[u8]) -> Result<ActorEvent, ActorError> {
    if topics.len() > TOPIC_KEYS.len() {
        return Err(ActorError::assertion_failed(format!(
            "a log has at most 4 topics, got {}",
            topics.len()
        )));
    }
    let mut entries: Vec<Entry> = TOPIC_KEYS
        .iter()
        .zip(topics)
        .map(|(key, topic)| Entry {
            flags: Flags::FLAG_INDEXED_ALL,
            key: key.to_string(),
            codec: IPLD_RAW,
            value: topic.to_vec(),
        })
        .collect();
    if !data.is_empty() {
        entries.push(Entry {
            flags: Flags::FLAG_INDEXED_ALL,
            key: DATA_KEY.to_string(),
            codec: IPLD_RAW,
            value: data.to_vec(),
        });
    }
    Ok(ActorEvent { entries })
}

/// Emits the event of one log.
pub fn emit_log(rt: &impl Runtime, topics: &[[u8; 32]], data: &[u8]) -> Result<(), ActorError> {
    rt.emit_event(&log_event(topics, data)?)
}
