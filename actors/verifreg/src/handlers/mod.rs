//! The verified registry's method handlers, by topic: the root key and verifiers (construction,
//! verifiers, verified clients), datacap removal on two verifiers' word, allocations (made by a
//! datacap transfer, removed when expired), and claims (made by miners, read, extended,
//! removed when expired). Calls to the datacap token are in `datacap.rs`.

mod allocations;
mod claims;
mod datacap;
mod removal;
mod verifiers;
