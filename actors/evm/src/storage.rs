//! Contract storage as v18 lays it out: a KAMT from word to word, keyed by the word's own 32
//! big-endian bytes (no hashing, so Solidity's consecutive slots share subtrees), with bit width
//! 5, data allowed from the root, and at most one pair per bucket. Transient storage uses the
//! same layout.

use std::borrow::Cow;

use cid::Cid;
use fil_actors_runtime::{ActorError, AsActorError};
use fvm_ipld_blockstore::Blockstore;
use fvm_ipld_kamt::{AsHashedKey, Config, HashedKey, Kamt};
use fvm_shared::error::ExitCode;

use crate::types::Word;

/// The key of a slot is the slot number itself.
pub struct SlotKey;

impl AsHashedKey<Word, 32> for SlotKey {
    fn as_hashed_key(key: &Word) -> Cow<'_, HashedKey<32>> {
        Cow::Borrowed(&key.0)
    }
}

/// v18's KAMT parameters for contract and transient storage.
pub fn kamt_config() -> Config {
    Config {
        bit_width: 5,
        min_data_depth: 0,
        max_array_width: 1,
    }
}

/// A map of storage slots.
pub struct Slots<BS: Blockstore>(Kamt<BS, Word, Word, SlotKey>);

impl<BS: Blockstore> Slots<BS> {
    pub fn new(store: BS) -> Self {
        Slots(Kamt::new_with_config(store, kamt_config()))
    }

    pub fn load(root: &Cid, store: BS) -> Result<Self, ActorError> {
        Kamt::load_with_config(root, store, kamt_config())
            .map(Slots)
            .with_context_code(ExitCode::USR_ILLEGAL_STATE, || {
                format!("failed to load storage {}", root)
            })
    }

    /// The value of a slot; an absent slot is zero.
    pub fn get(&self, key: &Word) -> Result<Word, ActorError> {
        Ok(self
            .0
            .get(key)
            .with_context_code(ExitCode::USR_ILLEGAL_STATE, || {
                format!("failed to read storage slot {:?}", key)
            })?
            .copied()
            .unwrap_or_default())
    }

    /// Sets a slot (zero deletes it); says whether the stored value changed.
    pub fn set(&mut self, key: Word, value: Word) -> Result<bool, ActorError> {
        if value.is_zero() {
            self.0
                .delete(&key)
                .map(|old| old.is_some())
                .with_context_code(ExitCode::USR_ILLEGAL_STATE, || {
                    format!("failed to clear storage slot {:?}", key)
                })
        } else {
            self.0
                .set(key, value)
                .map(|old| old != Some(value))
                .with_context_code(ExitCode::USR_ILLEGAL_STATE, || {
                    format!("failed to write storage slot {:?}", key)
                })
        }
    }

    /// Writes the map and returns its root.
    pub fn flush(&mut self) -> Result<Cid, ActorError> {
        self.0
            .flush()
            .context_code(ExitCode::USR_ILLEGAL_STATE, "failed to write storage")
    }
}
