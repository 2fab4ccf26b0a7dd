//! Reads `BUILD_FIL_NETWORK` (default `mainnet`) so the runtime knows which network's policy is
//! its default, and turns on fake proofs for the `testing-fake-proofs` network.

const NETWORKS: [&str; 7] = include!("src/runtime/networks.in");

fn main() {
    println!("cargo:rerun-if-changed=src/runtime/networks.in");
    println!("cargo:rerun-if-env-changed=BUILD_FIL_NETWORK");
    let network = std::env::var("BUILD_FIL_NETWORK").unwrap_or_else(|_| "mainnet".to_string());
    if !NETWORKS.contains(&network.as_str()) {
        println!(
            "cargo:warning=unknown BUILD_FIL_NETWORK {network:?}; expected one of {NETWORKS:?}"
        );
        std::process::exit(1);
    }
    println!("cargo:rustc-env=FIL_ACTORS_NETWORK={network}");
    if network == "testing-fake-proofs" {
        println!("cargo:rustc-cfg=feature=\"fake-proofs\"");
    }
}
