//! The built-in actors bundle (`fil_builtin_actors_bundle`): every actor compiled to WASM and
//! packed into one CAR, built by `build.rs` for the network named by `BUILD_FIL_NETWORK`
//! (default `mainnet`) as [`BUNDLE`], plus the `testing-fake-proofs` bundle the test engines run
//! as [`TEST_BUNDLE`], and what the build recorded about each.
//!
//! The CAR's single root is the version-1 manifest envelope; the manifest lists the sixteen v18
//! actors in builtin-type order, each compiled from its own crate.

/// One manifest entry of the bundle, as recorded by the build.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct BundledActor {
    /// The FVM's builtin type id: the 1-based position in the manifest.
    pub builtin_type: u32,
    /// The manifest name, e.g. `storageminer`.
    pub name: &'static str,
    /// The actor crate the module was compiled from (with its `fil-actor` feature).
    pub package: &'static str,
    /// The code CID (Blake2b-256, raw codec) of the module.
    pub code_cid: &'static str,
    /// The size of the module in bytes.
    pub wasm_size: usize,
}

/// One bundle the build produced: a CAR whose single root is the manifest envelope, and what the
/// build recorded about each slot.
#[derive(Clone, Copy, Debug)]
pub struct BuiltBundle {
    /// The network it was built for.
    pub network: &'static str,
    /// The CAR bytes.
    pub car: &'static [u8],
    /// The CID of the CAR's root, the version-1 manifest envelope.
    pub manifest_root: &'static str,
    /// Every manifest slot, in builtin-type order.
    pub actors: &'static [BundledActor],
}

impl BuiltBundle {
    /// The manifest entry with this name, if any.
    pub fn actor(&self, name: &str) -> Option<&'static BundledActor> {
        self.actors.iter().find(|actor| actor.name == name)
    }
}

// BUNDLE and TEST_BUNDLE.
include!(concat!(env!("OUT_DIR"), "/bundle_info.rs"));

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn records_every_slot_in_order() {
        for bundle in [BUNDLE, TEST_BUNDLE] {
            assert_eq!(bundle.actors.len(), 16);
            for (i, actor) in bundle.actors.iter().enumerate() {
                assert_eq!(actor.builtin_type as usize, i + 1);
                assert!(actor.wasm_size > 8, "{} has an empty module", actor.name);
            }
            assert_eq!(
                bundle.actor("placeholder").map(|a| a.package),
                Some("fil_actor_placeholder")
            );
            assert!(bundle.actor("nosuchactor").is_none());
            let modules: usize = bundle.actors.iter().map(|a| a.wasm_size).sum();
            assert!(bundle.car.len() > modules);
        }
    }

    #[test]
    fn test_bundle_is_the_fake_proofs_network() {
        assert_eq!(TEST_BUNDLE.network, "testing-fake-proofs");
        // Same slots, compiled from the same crates, in both bundles.
        for (main, test) in BUNDLE.actors.iter().zip(TEST_BUNDLE.actors) {
            assert_eq!((main.name, main.package), (test.name, test.package));
        }
        if BUNDLE.network != TEST_BUNDLE.network {
            assert_ne!(BUNDLE.manifest_root, TEST_BUNDLE.manifest_root);
        }
    }
}
