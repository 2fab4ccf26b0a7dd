//! The market's cross-actor invariant checks (`fil_builtin_actors_state`, run after every step
//! of every scenario) against a real state: three deals published and activated on the native
//! VM pass them, and each corruption below makes its check report it: locked totals that do not
//! add up, an escrow total beyond the market's balance, a running deal whose sector is gone or
//! expires before the deal ends, and a provider-sector index naming an actor that is no miner.

use fil_actor_market::{ProviderSectorsMap, State as MarketState};
use fil_actor_miner::State as MinerState;
use fil_actors_integration_tests::market::{activated_deals, ActivatedDeals, SECTOR_B};
use fil_actors_integration_tests::miner::MinerAddrs;
use fil_actors_runtime::builtin::STORAGE_MARKET_ACTOR_ID;
use fvm_ipld_bitfield::BitField;
use fvm_shared::econ::TokenAmount;
use fvm_shared::ActorID;
use serde::de::DeserializeOwned;
use serde::Serialize;
use test_vm::{check_invariants, get_cbor, put_cbor, NativeVM, StoreRef, VM};

/// The three deals activated (invariants checked after every step), then the checks turned
/// off for the corruption to come.
fn activated() -> (NativeVM, MinerAddrs, ActivatedDeals) {
    let mut vm = NativeVM::new().unwrap();
    vm.set_invariant_checks(true);
    let (m, opened) = activated_deals(&mut vm).unwrap();
    vm.set_invariant_checks(false);
    (vm, m, opened)
}

/// Rewrites actor `id`'s state with `f`.
fn rewrite<T: Serialize + DeserializeOwned>(
    vm: &mut NativeVM,
    id: ActorID,
    f: impl FnOnce(&mut T, &NativeVM),
) {
    let mut actor = vm.actor(id).unwrap().unwrap();
    let mut st: T = get_cbor(vm.store(), &actor.state).unwrap();
    f(&mut st, vm);
    actor.state = put_cbor(vm.store(), &st).unwrap();
    vm.set_actor(id, actor).unwrap();
}

fn violations(vm: &mut NativeVM) -> Vec<String> {
    check_invariants(vm).unwrap().messages()
}

fn assert_reported(messages: &[String], expected: &str) {
    assert!(
        messages.iter().any(|m| m == expected),
        "{expected:?} not among {messages:#?}"
    );
}

#[test]
fn activated_deals_pass_every_check() {
    let (mut vm, _, _) = activated();
    assert_eq!(violations(&mut vm), Vec::<String>::new());
}

#[test]
fn a_locked_total_that_does_not_add_up_is_reported() {
    let (mut vm, _, opened) = activated();
    let collateral: TokenAmount = opened
        .terms
        .iter()
        .map(|t| t.client_collateral.clone())
        .sum();
    rewrite(
        &mut vm,
        STORAGE_MARKET_ACTOR_ID,
        |st: &mut MarketState, _| {
            st.total_client_locked_collateral += TokenAmount::from_atto(1);
        },
    );
    let messages = violations(&mut vm);
    assert_reported(
        &messages,
        &format!(
            "market: total client locked collateral {} is not the deals' {}",
            &collateral + TokenAmount::from_atto(1),
            collateral
        ),
    );
}

#[test]
fn an_escrow_total_beyond_the_market_balance_is_reported() {
    let (mut vm, _, opened) = activated();
    let mut actor = vm.actor(STORAGE_MARKET_ACTOR_ID).unwrap().unwrap();
    let escrow_total = &opened.deposit * 2u64;
    assert_eq!(actor.balance, &opened.market_start + &escrow_total);
    actor.balance = &escrow_total - TokenAmount::from_atto(1);
    vm.set_actor(STORAGE_MARKET_ACTOR_ID, actor).unwrap();
    assert_reported(
        &violations(&mut vm),
        &format!(
            "market: escrow total {} exceeds the actor balance {}",
            escrow_total,
            &escrow_total - TokenAmount::from_atto(1)
        ),
    );
}

#[test]
fn a_running_deal_whose_sector_is_gone_is_reported() {
    let (mut vm, m, _) = activated();
    rewrite(&mut vm, m.miner_id, |st: &mut MinerState, vm| {
        let bits = BitField::try_from_bits([SECTOR_B]).unwrap();
        st.delete_sectors(&StoreRef(vm.store()), &bits).unwrap();
    });
    let messages = violations(&mut vm);
    let id = m.miner_id;
    assert_reported(
        &messages,
        &format!("market: deal 2: sector {SECTOR_B} of provider {id} is not live"),
    );
    assert_reported(
        &messages,
        &format!(
            "market: provider-sector index: sector {SECTOR_B} of miner {id} holds running deals [2] but is not live"
        ),
    );
}

#[test]
fn a_sector_expiring_before_its_deal_ends_is_reported() {
    let (mut vm, m, opened) = activated();
    let end = opened.terms[2].end;
    rewrite(&mut vm, m.miner_id, |st: &mut MinerState, vm| {
        let store = StoreRef(vm.store());
        let mut sectors = fil_actor_miner::Sectors::load(&store, &st.sectors).unwrap();
        let mut info = sectors.get(SECTOR_B).unwrap().unwrap();
        info.expiration = end - 1;
        sectors.store(vec![info]).unwrap();
        st.sectors = sectors.amt.flush().unwrap();
    });
    assert_reported(
        &violations(&mut vm),
        &format!(
            "market: deal 2: sector {SECTOR_B} expires at {}, before the deal's end {end}",
            end - 1
        ),
    );
}

#[test]
fn an_index_naming_an_actor_that_is_no_miner_is_reported() {
    let (mut vm, m, opened) = activated();
    rewrite(
        &mut vm,
        STORAGE_MARKET_ACTOR_ID,
        |st: &mut MarketState, vm| {
            let store = StoreRef(vm.store());
            let mut providers =
                ProviderSectorsMap::load(&store, &st.provider_sectors, "providers").unwrap();
            let root = providers.delete(&m.miner_id).unwrap().unwrap();
            providers.set(&opened.client, root).unwrap();
            st.provider_sectors = providers.flush().unwrap();
        },
    );
    assert_reported(
        &violations(&mut vm),
        &format!(
            "market: provider-sector index: {} is not a miner",
            opened.client
        ),
    );
}
