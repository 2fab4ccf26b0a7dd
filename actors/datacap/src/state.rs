//! The datacap actor's state: the governor and the FRC-46 token state (supply, balances and
//! allowances, in HAMTs of bit width 3, the token library's default, as v18 keeps them).

use fil_actors_runtime::ActorError;
use frc46_token::token::state::TokenState;
use fvm_ipld_blockstore::Blockstore;
use fvm_ipld_encoding::tuple::*;
use fvm_shared::address::Address;
use fvm_shared::econ::TokenAmount;
use fvm_shared::ActorID;

/// Encoded as `[governor, [supply, balances, allowances, hamt_bit_width]]`, as in v18.
#[derive(Serialize_tuple, Deserialize_tuple, Debug, Clone, PartialEq, Eq)]
pub struct State {
    /// The only actor that may mint and destroy datacap, and the only one datacap may be
    /// transferred to or from: the verified registry.
    pub governor: Address,
    pub token: TokenState,
}

impl State {
    /// An empty token governed by `governor`.
    pub fn new<BS: Blockstore>(store: &BS, governor: Address) -> Result<State, ActorError> {
        let token = TokenState::new(store).map_err(|e| {
            ActorError::illegal_state(format!("failed to create token state: {}", e))
        })?;
        Ok(State { governor, token })
    }

    /// The datacap held by `owner` (zero for an actor that never held any).
    pub fn balance<BS: Blockstore>(
        &self,
        store: &BS,
        owner: ActorID,
    ) -> Result<TokenAmount, ActorError> {
        self.token.get_balance(store, owner).map_err(|e| {
            ActorError::illegal_state(format!("failed to read balance of {}: {}", owner, e))
        })
    }
}
