//! The caller checks behind `Runtime::validate_immediate_caller_*`, as pure functions over what
//! the runtime knows of the caller, so the FVM runtime and the test VM's native runtime apply the
//! same rules with the same messages.

use cid::Cid;
use fvm_shared::address::{Address, Payload};
use fvm_shared::ActorID;

use crate::builtin::Type;
use crate::ActorError;

/// The caller must be one of `addresses`.
pub fn check_caller_is<'a>(
    caller: &Address,
    addresses: impl IntoIterator<Item = &'a Address>,
) -> Result<(), ActorError> {
    if addresses.into_iter().any(|a| a == caller) {
        Ok(())
    } else {
        Err(ActorError::forbidden(format!(
            "caller {} is not one of the addresses allowed to call this method",
            caller
        )))
    }
}

/// The caller, whose code is `code` (built-in type `typ` if any), must be of one of `types`.
pub fn check_caller_type<'a>(
    caller: &Address,
    code: Option<Cid>,
    typ: impl FnOnce(&Cid) -> Option<Type>,
    types: impl IntoIterator<Item = &'a Type>,
) -> Result<(), ActorError> {
    let code = code.ok_or_else(|| {
        ActorError::forbidden(format!("caller {} has no code and so no type", caller))
    })?;
    let caller_type = typ(&code).ok_or_else(|| {
        ActorError::forbidden(format!(
            "caller {} with code {} is not a built-in actor",
            caller, code
        ))
    })?;
    if types.into_iter().any(|t| *t == caller_type) {
        Ok(())
    } else {
        Err(ActorError::forbidden(format!(
            "caller {} of type {} is not of a type allowed to call this method",
            caller,
            caller_type.name()
        )))
    }
}

/// The caller, whose delegated (f4) address is `delegated` if any, must have it in one of
/// `namespaces`.
pub fn check_caller_namespace(
    caller: &Address,
    delegated: Option<Address>,
    namespaces: impl IntoIterator<Item = ActorID>,
) -> Result<(), ActorError> {
    let namespace = delegated
        .and_then(|addr| match addr.payload() {
            Payload::Delegated(d) => Some(d.namespace()),
            _ => None,
        })
        .ok_or_else(|| {
            ActorError::forbidden(format!("caller {} has no delegated address", caller))
        })?;
    if namespaces.into_iter().any(|ns| ns == namespace) {
        Ok(())
    } else {
        Err(ActorError::forbidden(format!(
            "caller {} has a delegated address in namespace {}, which may not call this method",
            caller, namespace
        )))
    }
}

#[cfg(test)]
mod tests {
    use fvm_shared::error::ExitCode;

    use super::*;

    fn code(name: &str) -> Cid {
        use multihash_codetable::{Code, MultihashDigest};
        Cid::new_v1(0x55, Code::Blake2b256.digest(name.as_bytes()))
    }

    #[test]
    fn caller_is_one_of_the_addresses() {
        let caller = Address::new_id(7);
        check_caller_is(&caller, &[Address::new_id(1), caller]).unwrap();
        let err = check_caller_is(&caller, &[Address::new_id(1)]).unwrap_err();
        assert_eq!(err.exit_code(), ExitCode::USR_FORBIDDEN);
        assert!(err.msg().contains("caller f07 is not one"), "{}", err.msg());
    }

    #[test]
    fn caller_type_needs_code_a_builtin_type_and_a_match() {
        let caller = Address::new_id(7);
        let miner = |_: &Cid| Some(Type::Miner);
        check_caller_type(&caller, Some(code("m")), miner, &[Type::Power, Type::Miner]).unwrap();
        let msgs = [
            check_caller_type(&caller, None, miner, &[Type::Miner]),
            check_caller_type(&caller, Some(code("u")), |_| None, &[Type::Miner]),
            check_caller_type(&caller, Some(code("m")), miner, &[Type::Power]),
        ]
        .map(|r| {
            let err = r.unwrap_err();
            assert_eq!(err.exit_code(), ExitCode::USR_FORBIDDEN);
            err.msg().to_string()
        });
        assert!(msgs[0].contains("has no code"), "{}", msgs[0]);
        assert!(msgs[1].contains("is not a built-in actor"), "{}", msgs[1]);
        assert!(msgs[2].contains("of type storageminer"), "{}", msgs[2]);
    }

    #[test]
    fn caller_namespace_comes_from_its_delegated_address() {
        let caller = Address::new_id(7);
        let f4 = Address::new_delegated(10, &[1; 20]).unwrap();
        check_caller_namespace(&caller, Some(f4), [10]).unwrap();
        let none = check_caller_namespace(&caller, None, [10]).unwrap_err();
        assert!(
            none.msg().contains("has no delegated address"),
            "{}",
            none.msg()
        );
        let other = check_caller_namespace(&caller, Some(f4), [32]).unwrap_err();
        assert_eq!(other.exit_code(), ExitCode::USR_FORBIDDEN);
        assert!(other.msg().contains("namespace 10"), "{}", other.msg());
    }
}
