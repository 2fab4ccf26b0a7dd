//! The governor's methods: construction (naming the governor), `Mint` and `Destroy`. Neither
//! mint nor destroy is part of FRC-46; only the governor (the verified registry) may call them.

use fil_actors_runtime::runtime::Runtime;
use fil_actors_runtime::{actor_error, ActorContext, ActorError, SYSTEM_ACTOR_ADDR};
use fvm_ipld_encoding::RawBytes;

use crate::token_runtime::{with_token, PendingHook};
use crate::{
    infinite_allowance, Actor, BurnReturn, ConstructorParams, DestroyParams, MintParams,
    MintReturn, State,
};

impl Actor {
    /// The system actor, at genesis. The governor must resolve to an actor; it is stored as
    /// given (genesis names the registry by its ID address).
    pub fn constructor(rt: &impl Runtime, params: ConstructorParams) -> Result<(), ActorError> {
        rt.validate_immediate_caller_is(std::iter::once(&SYSTEM_ACTOR_ADDR))?;
        if rt.resolve_address(&params.governor).is_none() {
            return Err(actor_error!(illegal_argument;
                "failed to resolve governor address {}", params.governor));
        }
        let st = State::new(rt.store(), params.governor)?;
        rt.create(&st)
    }

    /// The governor only. Mints `amount` to `to` (creating an account for an unknown key
    /// address), gives each of `operators` an effectively unlimited allowance over `to`'s
    /// datacap, then calls `to`'s receiver hook; an abort there undoes the mint.
    pub fn mint(rt: &impl Runtime, params: MintParams) -> Result<MintReturn, ActorError> {
        let pending = rt
            .transaction(|st: &mut State, rt| {
                rt.validate_immediate_caller_is(std::iter::once(&st.governor))?;
                let governor = st.governor;
                with_token(rt, st, |token| {
                    let hook = PendingHook::new(token.mint(
                        &governor,
                        &params.to,
                        &params.amount,
                        RawBytes::default(),
                        RawBytes::default(),
                    )?);
                    for operator in &params.operators {
                        token.set_allowance(&params.to, operator, &infinite_allowance())?;
                    }
                    Ok(hook)
                })
            })
            .context("state transaction failed")?;
        let minted = pending.call(rt)?;
        let mut st: State = rt.state()?;
        with_token(rt, &mut st, |token| token.mint_return(minted))
    }

    /// The governor only. Destroys `amount` of `owner`'s datacap, as if the owner had burnt it
    /// (no allowance needed); returns the owner's new balance.
    pub fn destroy(rt: &impl Runtime, params: DestroyParams) -> Result<BurnReturn, ActorError> {
        rt.transaction(|st: &mut State, rt| {
            rt.validate_immediate_caller_is(std::iter::once(&st.governor))?;
            with_token(rt, st, |token| token.burn(&params.owner, &params.amount))
        })
        .context("state transaction failed")
    }
}
