//! The exported deal getters, for any caller: each answers from the proposal (or the deal's
//! state) while the deal exists, `USR_NOT_FOUND` for a deal never published and
//! `EX_DEAL_EXPIRED` once removed; `GetDealSector` is `EX_DEAL_NOT_ACTIVATED` before activation.

mod harness;

use fil_actor_market::*;
use fil_actors_runtime::test_utils::{builtin_code_cid, expect_code, MockRuntime};
use fil_actors_runtime::Type;
use fvm_ipld_bitfield::BitField;
use fvm_shared::error::ExitCode;
use fvm_shared::piece::PaddedPieceSize;
use harness::*;
use serde::de::DeserializeOwned;

fn get_raw(
    rt: &MockRuntime,
    method: Method,
    id: u64,
) -> Result<Option<fvm_ipld_encoding::ipld_block::IpldBlock>, fil_actors_runtime::ActorError> {
    rt.set_caller(builtin_code_cid(Type::EVM), STRANGER);
    rt.expect_validate_caller_any();
    call(rt, method as u64, &DealQueryParams { id })
}

fn get<R: DeserializeOwned>(
    rt: &MockRuntime,
    method: Method,
    id: u64,
) -> Result<R, fil_actors_runtime::ActorError> {
    get_raw(rt, method, id).map(ret)
}

#[test]
fn getters_answer_from_the_proposal() {
    let rt = setup();
    add_balance(&rt, CLIENT, CLIENT, atto(100_000_000));
    add_balance(&rt, OWNER, PROVIDER, atto(100_000));
    let mut p = verified(proposal(CLIENT, 1));
    p.label = Label::Bytes(vec![1, 2, 3]);
    publish_deals(&rt, &[signed(p.clone())]);

    let r: GetDealDataCommitmentReturn =
        get(&rt, Method::GetDealDataCommitmentExported, 0).unwrap();
    assert_eq!(
        (r.data, r.size),
        (piece_cid(1), PaddedPieceSize(PIECE_SIZE))
    );
    let r: GetDealClientReturn = get(&rt, Method::GetDealClientExported, 0).unwrap();
    assert_eq!(r.client, 110);
    let r: GetDealProviderReturn = get(&rt, Method::GetDealProviderExported, 0).unwrap();
    assert_eq!(r.provider, 1000);
    let r: GetDealLabelReturn = get(&rt, Method::GetDealLabelExported, 0).unwrap();
    assert_eq!(r.label, Label::Bytes(vec![1, 2, 3]));
    let r: GetDealTermReturn = get(&rt, Method::GetDealTermExported, 0).unwrap();
    assert_eq!((r.start, r.duration), (START, DURATION));
    let r: GetDealTotalPriceReturn = get(&rt, Method::GetDealTotalPriceExported, 0).unwrap();
    assert_eq!(r.total_price, atto(10 * DURATION));
    let r: GetDealClientCollateralReturn =
        get(&rt, Method::GetDealClientCollateralExported, 0).unwrap();
    assert_eq!(r.collateral, atto(500));
    let r: GetDealProviderCollateralReturn =
        get(&rt, Method::GetDealProviderCollateralExported, 0).unwrap();
    assert_eq!(r.collateral, atto(1000));
    let r: GetDealVerifiedReturn = get(&rt, Method::GetDealVerifiedExported, 0).unwrap();
    assert!(r.verified);
    check_state(&rt);
}

#[test]
fn activation_and_sector_through_the_deals_life() {
    let rt = setup();
    add_balance(&rt, CLIENT, CLIENT, atto(100_000_000));
    add_balance(&rt, OWNER, PROVIDER, atto(100_000));
    let p = proposal(CLIENT, 1);
    publish_deals(&rt, &[signed(p.clone())]);

    let r: GetDealActivationReturn = get(&rt, Method::GetDealActivationExported, 0).unwrap();
    assert_eq!((r.activated, r.terminated), (-1, -1));
    expect_code(
        get::<GetDealSectorReturn>(&rt, Method::GetDealSectorExported, 0),
        EX_DEAL_NOT_ACTIVATED,
    );

    rt.set_epoch(START - 20);
    activate(&rt, &[(42, vec![(0, p.clone())])], START + 400 * 2880);
    let r: GetDealActivationReturn = get(&rt, Method::GetDealActivationExported, 0).unwrap();
    assert_eq!((r.activated, r.terminated), (START - 20, -1));
    let r: GetDealSectorReturn = get(&rt, Method::GetDealSectorExported, 0).unwrap();
    assert_eq!(r.sector, 42);

    // Completed and removed: every getter says the deal expired.
    rt.set_epoch(p.end_epoch);
    rt.set_caller(builtin_code_cid(Type::Account), WORKER);
    rt.expect_validate_caller_any();
    rt.expect_emitted_event(deal_event("deal-completed", 0, CLIENT, PROVIDER));
    call(
        &rt,
        Method::SettleDealPaymentsExported as u64,
        &SettleDealPaymentsParams {
            deal_ids: BitField::try_from_bits([0]).unwrap(),
        },
    )
    .unwrap();
    for m in all_getters() {
        expect_code(get_raw(&rt, m, 0), EX_DEAL_EXPIRED);
    }
    check_state(&rt);
}

fn all_getters() -> [Method; 11] {
    [
        Method::GetDealDataCommitmentExported,
        Method::GetDealClientExported,
        Method::GetDealProviderExported,
        Method::GetDealLabelExported,
        Method::GetDealTermExported,
        Method::GetDealTotalPriceExported,
        Method::GetDealClientCollateralExported,
        Method::GetDealProviderCollateralExported,
        Method::GetDealVerifiedExported,
        Method::GetDealActivationExported,
        Method::GetDealSectorExported,
    ]
}

#[test]
fn a_deal_never_published_is_not_found() {
    let rt = setup();
    for m in all_getters() {
        expect_code(get_raw(&rt, m, 0), ExitCode::USR_NOT_FOUND);
        // Beyond the AMT's largest index, v18 fails reading its own state.
        expect_code(get_raw(&rt, m, u64::MAX), ExitCode::USR_ILLEGAL_STATE);
    }
    check_state(&rt);
}
