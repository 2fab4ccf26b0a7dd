//! The minting functions against published figures.
//!
//! Sources (published test vectors of the network's reward actor):
//! - filecoin-project/specs-actors, `actors/builtin/reward/testdata/TestSimpleReward.golden` and
//!   `TestBaselineReward.golden` (commit d56b240af24517443ce1f8abfbdab7cb22d331f1), the golden
//!   files every implementation of the reward actor checks against; a sample of their rows is
//!   reproduced below.
//! - the same repository's `reward_logic_test.go` (`TestComputeRTheta`: theta of 0.5, 0.25 and
//!   15.25 for its linear baseline; `TestBaselineRewardGrowth`: the baseline doubles in a year,
//!   within its error bounds).
//! - the network's genesis figures: an epoch-0 reward of 36.266264293777134739 FIL with no power,
//!   and a first baseline of `BASELINE_INITIAL_VALUE - 1` bytes.

use fil_actor_reward::logic::{
    baseline_power_from_prev, compute_r_theta, compute_reward, BASELINE_EXPONENT,
    BASELINE_INITIAL_VALUE, BASELINE_TOTAL, INIT_BASELINE_POWER, SIMPLE_TOTAL,
};
use fil_actor_reward::State;
use fvm_shared::bigint::BigInt;
use fvm_shared::econ::TokenAmount;
use fvm_shared::sector::StoragePower;

fn big(text: &str) -> BigInt {
    text.parse().unwrap()
}

/// Rows `(epoch, reward in attoFIL)` of TestSimpleReward.golden: the reward at `epoch` with no
/// baseline minting (theta unchanged at zero).
const SIMPLE_REWARD_ROWS: &[(i64, &str)] = &[
    (0, "36266264293777134739"),
    (5000, "36246341860983438171"),
    (10000, "36226430372336764970"),
    (255000, "35264049629219499580"),
    (490000, "34364980812279232031"),
    (510000, "34289531068835095251"),
    (765000, "33341943233495576000"),
    (1020000, "32420541895249904018"),
    (1275000, "31524603392813634497"),
    (1530000, "30653424063211097091"),
    (1785000, "29806319689124090070"),
    (2040000, "28982624961513039226"),
    (2295000, "28181692957088568460"),
    (2550000, "27402894630223092384"),
    (2555000, "27387841182142501307"),
];

/// Rows `(theta0, theta1, reward)` of TestBaselineReward.golden: the baseline minting between
/// two values of theta (Q.128) at epoch 0, i.e. the reward less the epoch-0 simple reward.
const BASELINE_REWARD_ROWS: &[(&str, &str, &str)] = &[
    (
        "0",
        "340282366920938463463374607398434878123",
        "84621274052457285111",
    ),
    (
        "1701411834604692317316873037158763279502223",
        "1701752116971613255780336411766161714380346",
        "84574788381047331439",
    ),
    (
        "86772003564839308183160524895096927254613373",
        "86772343847206229121623988269704325689491496",
        "82282773425485475161",
    ),
    (
        "166738359791259847097053557641558801391217854",
        "166738700073626768035517021016166199826095977",
        "80184946416504695579",
    ),
    (
        "260316010694517924549481574685290781763840119",
        "260316350976884845487945038059898180198718242",
        "77797858995011750659",
    ),
    (
        "433860017824196540915802624475484636273066865",
        "433860358106563461854266087850092034707944988",
        "73557399832770895347",
    ),
    (
        "607404024953875157282123674265678490782293611",
        "607404365236242078220587137640285889217171734",
        "69548071631444855895",
    ),
    (
        "780948032083553773648444724055872345291520357",
        "780948372365920694586908187430479743726398480",
        "65757276339961923427",
    ),
    (
        "869421447482997774148922121988128035825635953",
        "869421787765364695087385585362735434260514076",
        "63904955735320338264",
    ),
];

#[test]
fn simple_reward_matches_the_golden_file() {
    let zero = BigInt::default();
    for (epoch, expected) in SIMPLE_REWARD_ROWS {
        let reward = compute_reward(*epoch, &zero, &zero, &SIMPLE_TOTAL, &BASELINE_TOTAL);
        assert_eq!(reward.atto(), &big(expected), "epoch {}", epoch);
    }
}

#[test]
fn baseline_reward_matches_the_golden_file() {
    let zero = BigInt::default();
    let simple = compute_reward(0, &zero, &zero, &SIMPLE_TOTAL, &BASELINE_TOTAL);
    for (theta0, theta1, expected) in BASELINE_REWARD_ROWS {
        let reward = compute_reward(
            0,
            &big(theta0),
            &big(theta1),
            &SIMPLE_TOTAL,
            &BASELINE_TOTAL,
        );
        assert_eq!(
            (reward - &simple).atto(),
            &big(expected),
            "theta {}",
            theta0
        );
    }
}

#[test]
fn golden_rows_follow_the_files_steps() {
    // The simple rows are every 5,000 epochs; the baseline rows start at theta0 = k * step with
    // step = 5000 - 77777777777 * 2^-128 and theta1 = theta0 + 1 - 33333333333 * 2^-128.
    let one = BigInt::from(1) << 128u32;
    let step = BigInt::from(5000) * &one - 77_777_777_777i64;
    let delta = &one - 33_333_333_333i64;
    for (theta0, theta1, _) in BASELINE_REWARD_ROWS {
        let theta0 = big(theta0);
        assert_eq!(&theta0 % &step, BigInt::default());
        assert_eq!(big(theta1), theta0 + &delta);
    }
    assert!(SIMPLE_REWARD_ROWS.iter().all(|(x, _)| x % 5000 == 0));
}

#[test]
fn reward_theta_interpolates_the_cumulative_baseline() {
    // TestComputeRTheta: baseline(t) = (t + 1) * 2048, values as fractions of 2^128.
    let baseline_at = |t: i64| BigInt::from((t + 1) * 2048);
    let half = BigInt::from(1) << 127u32;
    let quarter = BigInt::from(1) << 126u32;
    assert_eq!(
        compute_r_theta(1, &baseline_at(1), &big("4096"), &big("6144")),
        half
    );
    assert_eq!(
        compute_r_theta(1, &baseline_at(1), &big("3072"), &big("6144")),
        quarter
    );
    let cumsum15: BigInt = (0..16).map(baseline_at).sum();
    let theta = compute_r_theta(
        16,
        &baseline_at(16),
        &(&cumsum15 + baseline_at(16) / 4),
        &(&cumsum15 + baseline_at(16)),
    );
    assert_eq!(theta, (BigInt::from(61) << 128u32) / 4);
    // Zero effective network time is theta zero, whatever the sums.
    assert_eq!(
        compute_r_theta(0, &baseline_at(0), &big("1"), &big("5")),
        BigInt::default()
    );
}

#[test]
fn baseline_doubles_in_a_year() {
    // TestBaselineRewardGrowth: 365 days of 30-second epochs; relative error within the
    // published bounds (1e-6 from a TiB, 1e-8 from about an EiB and above).
    const EPOCHS_IN_YEAR: usize = 365 * 2880;
    let cases = [
        (StoragePower::from(1u64 << 40), 1_000_000u64),
        (BASELINE_INITIAL_VALUE.clone(), 100_000_000),
        (StoragePower::from(1u128 << 70), 100_000_000),
    ];
    for (start, inverse_bound) in cases {
        let mut power = start.clone();
        for _ in 0..EPOCHS_IN_YEAR {
            power = baseline_power_from_prev(&power);
        }
        let expected = &start * 2;
        let diff = &expected - &power;
        assert!(diff >= BigInt::default(), "rounding only loses: {}", diff);
        assert!(
            diff * inverse_bound < expected,
            "from {} reached {} after a year",
            start,
            power
        );
    }
}

#[test]
fn baseline_constants() {
    assert_eq!(
        *BASELINE_EXPONENT,
        big("340282591298641078465964189926313473653")
    );
    assert_eq!(*BASELINE_INITIAL_VALUE, big("2888888880000000000"));
    // floor(BASELINE_INITIAL_VALUE / BASELINE_EXPONENT), worked out by hand.
    assert_eq!(*INIT_BASELINE_POWER, big("2888886975106048385"));
    assert_eq!(*SIMPLE_TOTAL, TokenAmount::from_whole(330_000_000));
    assert_eq!(*BASELINE_TOTAL, TokenAmount::from_whole(770_000_000));
}

#[test]
fn genesis_figures() {
    let state = State::new(&StoragePower::default());
    assert_eq!(state.epoch, 0);
    assert_eq!(
        state.this_epoch_reward,
        TokenAmount::from_atto(36_266_264_293_777_134_739u128)
    );
    assert_eq!(
        state.this_epoch_baseline_power,
        &*BASELINE_INITIAL_VALUE - 1
    );
    assert_eq!(state.effective_baseline_power, *BASELINE_INITIAL_VALUE);
    assert_eq!(state.effective_network_time, 0);
    assert_eq!(state.cumsum_realized, BigInt::default());
    assert_eq!(state.cumsum_baseline, BigInt::default());
}
