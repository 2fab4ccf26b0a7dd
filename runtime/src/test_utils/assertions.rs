//! Assertions on failed calls, shared by every actor's tests: the exit code, and a fragment of
//! the message that names what was wrong.

use std::fmt::Debug;

use fvm_shared::error::ExitCode;

use crate::ActorError;

/// Asserts that `result` failed with `code`; returns the error for further checks.
pub fn expect_code<T: Debug>(result: Result<T, ActorError>, code: ExitCode) -> ActorError {
    let err = result.expect_err("the call should fail");
    assert_eq!(err.exit_code(), code, "unexpected error: {}", err.msg());
    err
}

/// Asserts that `result` failed with `code` and a message containing `fragment`.
pub fn expect_abort<T: Debug>(
    code: ExitCode,
    fragment: &str,
    result: Result<T, ActorError>,
) -> ActorError {
    let err = expect_code(result, code);
    assert!(
        err.msg().contains(fragment),
        "message {:?} does not mention {:?}",
        err.msg(),
        fragment
    );
    err
}
