//! The built-in actors bundle (`fil_builtin_actors_bundle`): every actor compiled to WASM and
//! packed into one CAR, built by `build.rs` for the network named by `BUILD_FIL_NETWORK`
//! (default `mainnet`), plus what the build recorded about it.
//!
//! The CAR's single root is the version-1 manifest envelope; the manifest lists the sixteen v18
//! actors in builtin-type order. Slots this project has not implemented yet hold a module that
//! aborts every call with `USR_UNHANDLED_MESSAGE` ([`ActorSource::Unimplemented`]).

/// Where a slot's module came from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ActorSource {
    /// The actor crate of that name, compiled with its `fil-actor` feature.
    Crate(&'static str),
    /// `fil_actor_unimplemented`, compiled for this slot: it rejects every message.
    Unimplemented,
}

/// One manifest entry of the bundle, as recorded by the build.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct BundledActor {
    /// The FVM's builtin type id: the 1-based position in the manifest.
    pub builtin_type: u32,
    /// The manifest name, e.g. `storageminer`.
    pub name: &'static str,
    /// Where the module came from.
    pub source: ActorSource,
    /// The code CID (Blake2b-256, raw codec) of the module.
    pub code_cid: &'static str,
    /// The size of the module in bytes.
    pub wasm_size: usize,
}

impl BundledActor {
    /// Whether this slot is filled by a stand-in rather than its actor.
    pub fn is_unimplemented(&self) -> bool {
        self.source == ActorSource::Unimplemented
    }
}

// NETWORK, BUNDLE_CAR, MANIFEST_ROOT and ACTORS.
include!(concat!(env!("OUT_DIR"), "/bundle_info.rs"));

/// The manifest entry with this name, if any.
pub fn actor(name: &str) -> Option<&'static BundledActor> {
    ACTORS.iter().find(|actor| actor.name == name)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn records_every_slot_in_order() {
        assert_eq!(ACTORS.len(), 16);
        for (i, actor) in ACTORS.iter().enumerate() {
            assert_eq!(actor.builtin_type as usize, i + 1);
            assert!(actor.wasm_size > 8, "{} has an empty module", actor.name);
        }
        assert_eq!(
            actor("placeholder").map(|a| a.source),
            Some(ActorSource::Crate("fil_actor_placeholder"))
        );
        assert!(actor("nosuchactor").is_none());
        assert!(BUNDLE_CAR.len() > ACTORS.iter().map(|a| a.wasm_size).sum::<usize>());
    }
}
