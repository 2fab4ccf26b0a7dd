//! The datacap actor's method handlers, by topic: the governor's methods (construction, mint,
//! destroy), read-only queries, transfers, allowances and burns.

mod allowance;
mod burn;
mod governor;
mod queries;
mod transfer;
