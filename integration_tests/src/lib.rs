//! `fil_actors_integration_tests`: scenarios written once against `test_vm::VM` and run on both
//! engines, plus the helper that runs them and compares the outcomes.

use test_vm::{FvmVM, NativeVM, VM};

pub mod contracts;
pub mod escrow;
pub mod evm;
pub mod keys;
pub mod life;
pub mod market;
pub mod miner;
pub mod paych;
pub mod post;
pub mod report;
pub mod sector_status;
pub mod sectors;
pub mod state_log;
pub mod verified;

/// Runs `scenario` on a fresh native VM and a fresh FVM engine (invariant checks on) and returns
/// both outputs, native first, for the caller to compare.
pub fn on_both_engines<T>(scenario: impl Fn(&mut dyn VM) -> T) -> (T, T) {
    let mut native = NativeVM::new().expect("native VM starts");
    native.set_invariant_checks(true);
    let mut fvm = FvmVM::new().expect("FVM engine starts");
    fvm.set_invariant_checks(true);
    (scenario(&mut native), scenario(&mut fvm))
}

/// `n` whole FIL.
pub fn fil(n: u64) -> fvm_shared::econ::TokenAmount {
    fvm_shared::econ::TokenAmount::from_whole(n)
}

/// `actual` must equal `expected`; the error names `what` and both values.
pub fn check_eq<T: PartialEq + std::fmt::Debug>(
    what: &str,
    actual: T,
    expected: T,
) -> anyhow::Result<()> {
    anyhow::ensure!(
        actual == expected,
        "{what}: got {actual:?}, expected {expected:?}"
    );
    Ok(())
}
