//! The network's alpha-beta filter smoothing in Q.128 fixed point: the `FilterEstimate` stored in
//! the reward actor's and power actor's state, the filter update that the two actors run every
//! epoch (`AlphaBetaFilter`), and the analytic cumulative sum of a ratio of two estimates
//! (`extrapolated_cum_sum_of_ratio`, with its Q.128 natural logarithm) that the miner actor uses to
//! project block rewards for pledges, deposits and penalties.
//!
//! Source of the rules (every formula, constant and rounding must match them bit for bit):
//! filecoin-project/builtin-actors (v18) `runtime/src/builtin/reward/smooth/alpha_beta_filter.rs`
//! and `runtime/src/builtin/reward/smooth/smooth_func.rs`; the same arithmetic and constants are
//! in filecoin-project/go-state-types `builtin/v9/util/smoothing/alpha_beta_filter.go` (ln test
//! vectors: `builtin/v9/util/math/ln_test.go`). Divisions round towards negative infinity
//! (`div_floor`) and right shifts are arithmetic (floor), as in the network's actors.
//!
//! Departures, only where the network's actors would abort on a division by zero: see
//! [`AlphaBetaFilter::next_estimate`] (zero epoch delta) and [`extrapolated_cum_sum_of_ratio`]
//! (zero denominator position with negligible denominator velocity).

use std::sync::LazyLock;

use fvm_ipld_encoding::tuple::{serde_tuple, Deserialize_tuple, Serialize_tuple};
use fvm_shared::bigint::{BigInt, Integer, Zero};
use fvm_shared::clock::ChainEpoch;

use crate::util::math::{poly_parse, poly_val, PRECISION};

/// Q.128 value of the filter's position gain, 9.25e-4 (the network's literal: 9.25e-4 * 2^128
/// truncated to five significant digits).
pub static DEFAULT_ALPHA: LazyLock<BigInt> =
    LazyLock::new(|| parse_constant("314760000000000000000000000000000000"));

/// Q.128 value of the filter's velocity gain, 2.84e-7 (the network's literal: 2.84e-7 * 2^128
/// truncated to six significant digits).
pub static DEFAULT_BETA: LazyLock<BigInt> =
    LazyLock::new(|| parse_constant("96640100000000000000000000000000"));

/// Q.128 value of ln(2), floor(ln(2) * 2^128).
pub static LN_2: LazyLock<BigInt> =
    LazyLock::new(|| parse_constant("235865763225513294137944142764154484399"));

/// Q.128 value of 2^-50 (that is 2^78): when the squared denominator velocity is not above it,
/// [`extrapolated_cum_sum_of_ratio`] treats the denominator as constant.
pub static EXTRAPOLATED_CUM_SUM_RATIO_EPSILON: LazyLock<BigInt> =
    LazyLock::new(|| BigInt::from(1u8) << 78u32);

/// Numerator coefficients (Q.128, highest order first) of the rational approximation of ln(x) on
/// 1 <= x < 2.
static LN_NUM_COEFFICIENTS: LazyLock<Vec<BigInt>> = LazyLock::new(|| {
    parse_coefficients(&[
        "261417938209272870992496419296200268025",
        "7266615505142943436908456158054846846897",
        "32458783941900493142649393804518050491988",
        "17078670566130897220338060387082146864806",
        "-35150353308172866634071793531642638290419",
        "-20351202052858059355702509232125230498980",
        "-1563932590352680681114104005183375350999",
    ])
});

/// Denominator coefficients (Q.128, highest order first) of the rational approximation of ln(x)
/// on 1 <= x < 2. All are positive, the last is 1.0.
static LN_DENOM_COEFFICIENTS: LazyLock<Vec<BigInt>> = LazyLock::new(|| {
    parse_coefficients(&[
        "49928077726659937662124949977867279384",
        "2508163877009111928787629628566491583994",
        "21757751789594546643737445330202599887121",
        "53400635271583923415775576342898617051826",
        "41248834748603606604000911015235164348839",
        "9015227820322455780436733526367238305537",
        "340282366920938463463374607431768211456",
    ])
});

// The literals above are fixed decimal integers (checked by the tests), so parsing cannot fail.
fn parse_constant(text: &str) -> BigInt {
    text.parse()
        .expect("built-in Q.128 constant is a decimal integer")
}

fn parse_coefficients(texts: &[&str]) -> Vec<BigInt> {
    poly_parse(texts).expect("built-in Q.128 coefficients are decimal integers")
}

/// An alpha-beta filter's state: `position` (the smoothed value) and `velocity` (its rate of
/// change per epoch), both Q.128. Encoded as the CBOR tuple `[position, velocity]` of two
/// big integers, exactly as in the reward and power actors' state.
#[derive(Default, Clone, Debug, PartialEq, Eq, Serialize_tuple, Deserialize_tuple)]
pub struct FilterEstimate {
    #[serde(with = "fvm_shared::bigint::bigint_ser")]
    pub position: BigInt,
    #[serde(with = "fvm_shared::bigint::bigint_ser")]
    pub velocity: BigInt,
}

impl FilterEstimate {
    /// An estimate from two integer (Q.0) values, converted to Q.128.
    pub fn new(position: BigInt, velocity: BigInt) -> Self {
        FilterEstimate {
            position: position << PRECISION,
            velocity: velocity << PRECISION,
        }
    }

    /// The integer (Q.0) position estimate: `position >> 128`, rounded towards negative infinity.
    pub fn estimate(&self) -> BigInt {
        &self.position >> PRECISION
    }

    /// The position extrapolated `delta` epochs ahead, `position + velocity * delta`, in Q.256.
    pub fn extrapolate(&self, delta: ChainEpoch) -> BigInt {
        let delta_t = BigInt::from(delta) << PRECISION;
        &self.velocity * delta_t + (&self.position << PRECISION)
    }
}

/// One update step of the alpha-beta filter, from a previous estimate with gains `alpha` and
/// `beta` (both Q.128; the network uses [`DEFAULT_ALPHA`] and [`DEFAULT_BETA`]).
#[derive(Clone, Copy, Debug)]
pub struct AlphaBetaFilter<'a> {
    alpha: &'a BigInt,
    beta: &'a BigInt,
    prev_est: &'a FilterEstimate,
}

impl<'a> AlphaBetaFilter<'a> {
    /// A filter starting from `prev_est`.
    pub fn load(prev_est: &'a FilterEstimate, alpha: &'a BigInt, beta: &'a BigInt) -> Self {
        AlphaBetaFilter {
            alpha,
            beta,
            prev_est,
        }
    }

    /// The estimate after observing the integer (Q.0) value `observation`, `epoch_delta` epochs
    /// after the previous estimate:
    ///
    /// - prediction `x = position + (velocity * delta_t >> 128)`, with `delta_t = epoch_delta`
    ///   in Q.128;
    /// - residual `r = (observation << 128) - x`;
    /// - new position `x + (alpha * r >> 128)`;
    /// - new velocity `velocity + floor(r * beta / delta_t)`.
    ///
    /// With `epoch_delta == 0` the network's actors would divide by zero (they never call it so);
    /// here the velocity is then left unchanged, and the position still takes the correction.
    pub fn next_estimate(&self, observation: &BigInt, epoch_delta: ChainEpoch) -> FilterEstimate {
        let delta_t = BigInt::from(epoch_delta) << PRECISION;
        let predicted =
            ((&delta_t * &self.prev_est.velocity) >> PRECISION) + &self.prev_est.position;
        let residual = (observation << PRECISION) - &predicted;
        let position = ((self.alpha * &residual) >> PRECISION) + predicted;
        let velocity = if delta_t.is_zero() {
            self.prev_est.velocity.clone()
        } else {
            (residual * self.beta).div_floor(&delta_t) + &self.prev_est.velocity
        };
        FilterEstimate { position, velocity }
    }
}

/// Convenience for the reward and power actors' per-epoch update: the next estimate from `prev`
/// with the network's [`DEFAULT_ALPHA`] and [`DEFAULT_BETA`] (same rules as
/// [`AlphaBetaFilter::next_estimate`]).
pub fn smooth(
    prev: &FilterEstimate,
    observation: &BigInt,
    epoch_delta: ChainEpoch,
) -> FilterEstimate {
    AlphaBetaFilter::load(prev, &DEFAULT_ALPHA, &DEFAULT_BETA)
        .next_estimate(observation, epoch_delta)
}

/// The integer (Q.0) position of an estimate; same as [`FilterEstimate::estimate`].
pub fn estimate(fe: &FilterEstimate) -> BigInt {
    fe.estimate()
}

/// The cumulative sum, over `delta` epochs starting `relative_start` epochs after the estimates,
/// of the ratio of the extrapolated numerator to the extrapolated denominator: the integral of
/// `(p1 + v1 t) / (p2 + v2 t)` for `t` from `relative_start` to `relative_start + delta`. Output
/// in Q.128.
///
/// When the denominator's squared velocity (Q.128) is above
/// [`EXTRAPOLATED_CUM_SUM_RATIO_EPSILON`], the closed form with logarithms is used; otherwise the
/// denominator is taken as constant (see the steady-denominator case below).
///
/// Inputs the network's actors never pass (callers first check that the denominator's estimate is
/// non-zero) give defined results instead of a panic: a denominator with zero position and
/// negligible velocity gives zero; a denominator that reaches zero or below inside the interval
/// gives whatever the logarithm formula yields for non-positive arguments, exactly as the network
/// computes it.
pub fn extrapolated_cum_sum_of_ratio(
    delta: ChainEpoch,
    relative_start: ChainEpoch,
    est_num: &FilterEstimate,
    est_denom: &FilterEstimate,
) -> BigInt {
    let delta_t = BigInt::from(delta) << PRECISION;
    let t0 = BigInt::from(relative_start) << PRECISION;
    let squared_velocity_2 = (&est_denom.velocity * &est_denom.velocity) >> PRECISION;

    if squared_velocity_2 > *EXTRAPOLATED_CUM_SUM_RATIO_EPSILON {
        cum_sum_of_ratio_moving_denominator(&delta_t, &t0, est_num, est_denom, &squared_velocity_2)
    } else {
        cum_sum_of_ratio_steady_denominator(&delta_t, &t0, est_num, &est_denom.position)
    }
}

/// The closed form for a denominator moving at velocity `v2` (with `v2^2 >> 128` =
/// `squared_velocity_2`, known to be positive):
///
/// `( ((ln(b) - ln(a)) * p1 * v2 >> 128) + (((ln(a) - ln(b)) * p2 + v2 * delta_t) * v1 >> 128) )
///  / squared_velocity_2`, where `a = p2 + (v2 * t0 >> 128)` and `b = a + (v2 * delta_t >> 128)`
/// are the denominator at the two ends of the interval.
fn cum_sum_of_ratio_moving_denominator(
    delta_t: &BigInt,
    t0: &BigInt,
    est_num: &FilterEstimate,
    est_denom: &FilterEstimate,
    squared_velocity_2: &BigInt,
) -> BigInt {
    let (position_1, velocity_1) = (&est_num.position, &est_num.velocity);
    let (position_2, velocity_2) = (&est_denom.position, &est_denom.velocity);

    let denom_start = ((velocity_2 * t0) >> PRECISION) + position_2;
    let denom_end = ((velocity_2 * delta_t) >> PRECISION) + &denom_start;
    let ln_start = ln(&denom_start);
    let ln_end = ln(&denom_end);

    // Q.128 * Q.128 * Q.128 => Q.384, shifted to Q.256.
    let m1 = ((&ln_end - &ln_start) * position_1 * velocity_2) >> PRECISION;
    // (Q.256 + Q.256) * Q.128 => Q.384, shifted to Q.256.
    let m2 =
        (((&ln_start - &ln_end) * position_2 + velocity_2 * delta_t) * velocity_1) >> PRECISION;

    // Q.256 / Q.128 => Q.128; the divisor is above epsilon, so never zero.
    (m1 + m2).div_floor(squared_velocity_2)
}

/// The case of a (near) constant denominator `p2`: the numerator at the middle of the interval
/// times the interval, over `p2`:
/// `((p1 + (v1 * (t0 + (delta_t >> 1)) >> 128)) * delta_t) / p2`.
/// Returns zero when `p2` is zero (the network's actors would divide by zero there).
fn cum_sum_of_ratio_steady_denominator(
    delta_t: &BigInt,
    t0: &BigInt,
    est_num: &FilterEstimate,
    position_2: &BigInt,
) -> BigInt {
    if position_2.is_zero() {
        return BigInt::zero();
    }
    let half_delta_t = delta_t >> 1u32;
    let numerator_mid =
        ((&est_num.velocity * (t0 + half_delta_t)) >> PRECISION) + &est_num.position;
    // Q.128 * Q.128 => Q.256, over Q.128 => Q.128.
    (numerator_mid * delta_t).div_floor(position_2)
}

/// The network's natural logarithm of a Q.128 number, in Q.128.
///
/// Writes `z = x * 2^k` with `x` in [1, 2) (Q.128, exact shifts; a right shift rounds towards
/// negative infinity) and returns `k * LN_2 + ln_between_one_and_two(x)`. Meaningful for `z > 0`
/// only; for `z <= 0` it returns what the network's formula yields (never panics).
pub fn ln(z: &BigInt) -> BigInt {
    // z.bits() is the bit length of |z|; normalise so that x has exactly PRECISION + 1 bits.
    let bits = z.bits();
    let (x, k) = if bits > PRECISION + 1 {
        let shift = bits - (PRECISION + 1);
        (z >> shift, BigInt::from(shift))
    } else {
        let shift = PRECISION + 1 - bits;
        (z << shift, -BigInt::from(shift))
    };
    k * &*LN_2 + ln_between_one_and_two(&x)
}

/// ln(x) for Q.128 `x` with 1 <= x < 2, by the network's rational approximation
/// `floor((num(x) << 128) / denom(x))`, both polynomials evaluated by Horner's method in Q.128.
///
/// The denominator is at least 1.0 for x >= 0 and at most about -4.49 for -2 <= x <= -1 (the
/// only arguments [`ln`] passes), so it is never zero there; for any other argument that made it
/// zero the result would be zero rather than a panic.
fn ln_between_one_and_two(x: &BigInt) -> BigInt {
    let numerator = poly_val(&LN_NUM_COEFFICIENTS, x) << PRECISION;
    let denominator = poly_val(&LN_DENOM_COEFFICIENTS, x);
    if denominator.is_zero() {
        return BigInt::zero();
    }
    numerator.div_floor(&denominator)
}

#[cfg(test)]
mod tests {
    use fvm_ipld_encoding::{from_slice, to_vec};
    use fvm_shared::bigint::Sign;

    use super::*;

    const EPOCHS_IN_DAY: ChainEpoch = 2880;

    fn big(text: &str) -> BigInt {
        text.parse().unwrap()
    }

    fn q(n: i64) -> BigInt {
        BigInt::from(n) << PRECISION
    }

    fn est(position: i128, velocity: i128) -> FilterEstimate {
        FilterEstimate::new(BigInt::from(position), BigInt::from(velocity))
    }

    /// The network's own test helper: the trapezoid-rule sum of the ratio, epoch by epoch (Q.128).
    fn iterative_cum_sum_of_ratio(
        num: &FilterEstimate,
        denom: &FilterEstimate,
        t0: ChainEpoch,
        delta: ChainEpoch,
    ) -> BigInt {
        let mut sum = BigInt::zero();
        for i in 0..delta {
            let num_at = num.extrapolate(t0 + i); // Q.256
            let denom_at = denom.extrapolate(t0 + i) >> PRECISION; // Q.128
            let mut ratio = num_at.div_floor(&denom_at); // Q.128
            if i != 0 && i != delta - 1 {
                ratio *= 2;
            }
            sum += ratio;
        }
        sum.div_floor(&BigInt::from(2))
    }

    /// Millionths of relative difference, |(a - b) / a| * 1e6, as the network's tests measure it.
    fn per_million_error(a: &BigInt, b: &BigInt) -> BigInt {
        let ratio = ((a - b) << PRECISION).div_floor(a);
        let product = ratio * (BigInt::from(1_000_000) << PRECISION);
        let magnitude = if product.sign() == Sign::Minus {
            -product
        } else {
            product
        };
        magnitude >> (2 * PRECISION)
    }

    #[test]
    fn constants_are_the_networks() {
        assert_eq!(
            DEFAULT_ALPHA.to_string(),
            "314760000000000000000000000000000000"
        );
        assert_eq!(DEFAULT_BETA.to_string(), "96640100000000000000000000000000");
        assert_eq!(LN_2.to_string(), "235865763225513294137944142764154484399");
        assert_eq!(
            EXTRAPOLATED_CUM_SUM_RATIO_EPSILON.to_string(),
            "302231454903657293676544"
        );
        assert_eq!(LN_NUM_COEFFICIENTS.len(), 7);
        assert_eq!(LN_DENOM_COEFFICIENTS.len(), 7);
        assert_eq!(
            LN_NUM_COEFFICIENTS[4].to_string(),
            "-35150353308172866634071793531642638290419"
        );
        assert_eq!(LN_DENOM_COEFFICIENTS[6], q(1));
    }

    #[test]
    fn alpha_and_beta_are_truncated_q128_decimals() {
        // 9.25e-4 * 2^128 = 314761189401868078703621511874385595.9...; the network keeps 31476.
        let alpha_exact = (BigInt::from(925) << PRECISION) / BigInt::from(1_000_000);
        assert_eq!(
            alpha_exact.to_string(),
            "314761189401868078703621511874385595"
        );
        assert_eq!(
            *DEFAULT_ALPHA,
            BigInt::from(31476) * BigInt::from(10).pow(31)
        );
        // 2.84e-7 * 2^128 = 96640192205546523623598388510622.1...; the network keeps 966401.
        let beta_exact = (BigInt::from(284) << PRECISION) / BigInt::from(1_000_000_000);
        assert_eq!(beta_exact.to_string(), "96640192205546523623598388510622");
        assert_eq!(
            *DEFAULT_BETA,
            BigInt::from(966401) * BigInt::from(10).pow(26)
        );
    }

    #[test]
    fn filter_estimate_new_estimate_extrapolate() {
        let fe = est(3, -2);
        assert_eq!(fe.position, q(3));
        assert_eq!(fe.velocity, q(-2));
        assert_eq!(fe.estimate(), BigInt::from(3));
        assert_eq!(estimate(&fe), BigInt::from(3));
        // 3 - 2 * 5 = -7, in Q.256.
        assert_eq!(fe.extrapolate(5), BigInt::from(-7) << (2 * PRECISION));
        assert_eq!(fe.extrapolate(-5), BigInt::from(13) << (2 * PRECISION));
        // The Q.0 estimate rounds towards negative infinity.
        let tiny_negative = FilterEstimate {
            position: BigInt::from(-1),
            velocity: BigInt::zero(),
        };
        assert_eq!(tiny_negative.estimate(), BigInt::from(-1));
        let just_below_two = FilterEstimate {
            position: q(2) - 1,
            velocity: BigInt::zero(),
        };
        assert_eq!(just_below_two.estimate(), BigInt::from(1));
        assert_eq!(FilterEstimate::default().estimate(), BigInt::zero());
    }

    #[test]
    fn cbor_is_a_tuple_of_two_bigints() {
        // 2^128 is 0x00 (sign), 0x01, then 16 zero bytes: an 18-byte string (0x52).
        let fe = est(1, -1);
        let bytes = to_vec(&fe).unwrap();
        assert_eq!(
            bytes,
            [
                vec![0x82, 0x52, 0x00, 0x01],
                vec![0u8; 16],
                vec![0x52, 0x01, 0x01],
                vec![0u8; 16],
            ]
            .concat()
        );
        assert_eq!(from_slice::<FilterEstimate>(&bytes).unwrap(), fe);

        // Zero encodes as an empty byte string.
        let zero = FilterEstimate::default();
        assert_eq!(to_vec(&zero).unwrap(), vec![0x82, 0x40, 0x40]);
        assert_eq!(
            from_slice::<FilterEstimate>(&[0x82, 0x40, 0x40]).unwrap(),
            zero
        );

        let small = FilterEstimate {
            position: BigInt::from(-1),
            velocity: BigInt::from(255),
        };
        assert_eq!(
            to_vec(&small).unwrap(),
            vec![0x82, 0x42, 0x01, 0x01, 0x42, 0x00, 0xff]
        );

        // A reward-sized estimate (the network's rounding test input): 26- and 22-byte strings.
        let reward = FilterEstimate {
            position: big("12340768897043811082913117521041414330876498465539749838848"),
            velocity: big("-37396269384748225153347462373739139597454335279104"),
        };
        let reward_bytes = to_vec(&reward).unwrap();
        let expected_hex = "82581a0001f74ba39a79deb04500000000000000000000000000000000\
                            560119966ab72d00000000000000000000000000000000";
        let expected: Vec<u8> = (0..expected_hex.len())
            .step_by(2)
            .map(|i| u8::from_str_radix(&expected_hex[i..i + 2], 16).unwrap())
            .collect();
        assert_eq!(reward_bytes, expected);
        assert_eq!(from_slice::<FilterEstimate>(&reward_bytes).unwrap(), reward);

        // Not a 2-tuple: an error, not a panic.
        assert!(from_slice::<FilterEstimate>(&[0x81, 0x40]).is_err());
    }

    #[test]
    fn natural_log_network_vectors() {
        // builtin-actors alpha_beta_filter.rs test_natural_log (also go-state-types ln_test.go):
        // the network compares the integer parts; the full Q.128 values are pinned as well.
        let cases = [
            // (input, network's expected, full value)
            (
                "340282366920938463463374607431768211456", // 1
                "0",
                "878",
            ),
            (
                "924990000000000000000000000000000000000", // e, rounded up
                "340282366920938463463374607431768211456",
                "340284804280443304164293247058531330872",
            ),
            (
                "34028236692093846346337460743176821145600000000000000000000", // 100e18
                "15670582109617661336106769654068947397831",
                "15670582109617661334887667755326480932333",
            ),
            (
                "6805647338418769269267492148635364229120000000000000000000000", // 2e22
                "17473506083804940763855390762239996622013",
                "17473506083804940761941523871902574111299",
            ),
            (
                "204169000000000000000000000000000000", // 0.0006
                "-2524410000000000000000000000000000000000",
                "-2524412969036597619420532515031224429582",
            ),
            (
                "34028236692093846346337460743", // 1e-10
                "-7835291054808830668053384827034473698915",
                "-7835291054808830682858417768212398378565",
            ),
        ];
        for (input, network_expected, full) in cases {
            let result = ln(&big(input));
            assert_eq!(
                &result >> PRECISION,
                big(network_expected) >> PRECISION,
                "ln({input})"
            );
            assert_eq!(result, big(full), "ln({input})");
        }
    }

    #[test]
    fn natural_log_edges_do_not_panic() {
        assert_eq!(ln(&q(2)), big("235865763225513294137944142764154485277"));
        // Non-positive and tiny inputs are outside ln's domain but give the formula's value.
        assert_eq!(
            ln(&BigInt::zero()),
            big("-31990616046443895624908898421759303838470")
        );
        assert_eq!(
            ln(&BigInt::from(1)),
            big("-30190817692865701649656850273811774002194")
        );
        assert_eq!(ln(&q(-1)), big("1779845047392295637242855856409415441303"));
        assert_eq!(
            ln(&BigInt::from(-5)),
            big("-29297860422257872121404731589717517564885")
        );
    }

    #[test]
    fn cum_sum_of_constant_estimates() {
        // builtin-actors constant_estimate: 4e6 / 1 over 1000 epochs is 4e9.
        let num = est(4_000_000, 0);
        let denom = est(1, 0);
        let csr = extrapolated_cum_sum_of_ratio(1000, 0, &num, &denom);
        assert_eq!(
            csr,
            big("1361129467683753853853498429727072845824000000000")
        );
        assert_eq!(&csr >> PRECISION, BigInt::from(4_000_000_000u64));
        // With no velocity the start does not matter.
        assert_eq!(
            extrapolated_cum_sum_of_ratio(1000, 10_i64.pow(15), &num, &denom),
            csr
        );

        // 1e12 / 200e12 over 100 epochs is 1/2, exactly 2^127 in Q.128.
        let num = est(10_i128.pow(12), 0);
        let denom = est(200 * 10_i128.pow(12), 0);
        let half = extrapolated_cum_sum_of_ratio(100, 0, &num, &denom);
        assert_eq!(half, BigInt::from(1) << 127u32);
        assert_eq!(&half >> PRECISION, BigInt::zero());
        let product = half * (BigInt::from(10_000) << PRECISION);
        assert_eq!(product >> (2 * PRECISION), BigInt::from(5000));
    }

    #[test]
    fn cum_sum_both_positive_velocity() {
        // builtin-actors both_positive_velocity (network error bound: < 350 per million).
        let num = est(111, 12);
        let denom = est(3456, 8);
        let analytic = extrapolated_cum_sum_of_ratio(10_000, 0, &num, &denom);
        assert_eq!(analytic, big("4417142212803610380822249204603875445461932"));
        let iterative = iterative_cum_sum_of_ratio(&num, &denom, 0, 10_000);
        assert_eq!(
            iterative,
            big("4416652378638598831103682674528666989950190")
        );
        assert_eq!(per_million_error(&analytic, &iterative), BigInt::from(110));
    }

    #[test]
    fn cum_sum_flipped_signs() {
        // builtin-actors flipped_signs.
        let num = est(1_000_000, -100);
        let denom = est(70_000, 1000);
        let analytic = extrapolated_cum_sum_of_ratio(100_000, 0, &num, &denom);
        assert_eq!(analytic, big("-913322674920922127713766381387049132955025"));
        let iterative = iterative_cum_sum_of_ratio(&num, &denom, 0, 100_000);
        assert_eq!(
            iterative,
            big("-913286243444683668791269036539396224961810")
        );
        assert_eq!(per_million_error(&analytic, &iterative), BigInt::from(39));
    }

    #[test]
    fn cum_sum_values_in_block_reward_range() {
        // builtin-actors values_in_range: reward-like numerators over power-like denominators
        // for one day; exact analytic values and their error against the trapezoid sum.
        let tens_of_fil = BigInt::from(50) * BigInt::from(10).pow(18);
        let slow_money = FilterEstimate::new(tens_of_fil.clone(), BigInt::from(25));
        let fast_money = FilterEstimate::new(tens_of_fil, BigInt::from(100));
        let tens_of_eibs = 10_i128.pow(19);
        let thousands_of_eibs = 2 * 10_i128.pow(22);
        let one_byte_per_epoch = 1_i128;
        let ten_pibs_per_day = 10 * 2_i128.pow(50) / i128::from(EPOCHS_IN_DAY);
        let one_eib_per_day = 2_i128.pow(60) / i128::from(EPOCHS_IN_DAY);
        assert_eq!(ten_pibs_per_day, 3_909_374_676_536);
        assert_eq!(one_eib_per_day, 400_319_966_877_377);

        let cases = [
            (
                (tens_of_eibs, one_byte_per_epoch),
                "4900066083661505909109571735087311224832000",
                "4900066083661476041248236940349244899328000",
                347,
            ),
            (
                (tens_of_eibs, ten_pibs_per_day),
                "4897309660465037484447230186800687865594306",
                "4897309660465048060652216462175162294757310",
                347,
            ),
            (
                (tens_of_eibs, one_eib_per_day),
                "4637588200828727160183855591081707027790802",
                "4637588200828736995237233525272111675768903",
                328,
            ),
            (
                (thousands_of_eibs, one_byte_per_epoch),
                "2450033041826018273821735087311224832000",
                "2450033041811800862736940349244899328000",
                347,
            ),
            (
                (thousands_of_eibs, ten_pibs_per_day),
                "2450032352208024600979122598795376938578",
                "2450032352208029893048503201408114399440",
                347,
            ),
            (
                (thousands_of_eibs, one_eib_per_day),
                "2449962427149995840676456561628696858028",
                "2449962427150001132544457576704732565682",
                347,
            ),
        ];
        for ((power, velocity), slow_expected, fast_expected, error) in cases {
            let power = est(power, velocity);
            for (money, expected) in [(&slow_money, slow_expected), (&fast_money, fast_expected)] {
                let analytic = extrapolated_cum_sum_of_ratio(EPOCHS_IN_DAY, 0, money, &power);
                assert_eq!(analytic, big(expected));
                let iterative = iterative_cum_sum_of_ratio(money, &power, 0, EPOCHS_IN_DAY);
                assert_eq!(
                    per_million_error(&analytic, &iterative),
                    BigInt::from(error)
                );
            }
        }
    }

    #[test]
    fn cum_sum_epsilon_boundary_is_strict() {
        let num = est(7, 3);
        // velocity 2^103: squared and shifted it is exactly 2^78 = epsilon, so the denominator
        // counts as constant.
        let at_epsilon = FilterEstimate {
            position: q(1000),
            velocity: BigInt::from(1) << 103u32,
        };
        assert_eq!(
            (&at_epsilon.velocity * &at_epsilon.velocity) >> PRECISION,
            *EXTRAPOLATED_CUM_SUM_RATIO_EPSILON
        );
        assert_eq!(
            extrapolated_cum_sum_of_ratio(50, 10, &num, &at_epsilon),
            big("1905581254757255395394897801617901984153")
        );
        // The steady formula: (7 + 3 * (10 + 25)) * 50 / 1000 = 5.6 in Q.128, floored.
        assert_eq!(
            extrapolated_cum_sum_of_ratio(50, 10, &num, &est(1000, 0)),
            (q(112) * BigInt::from(50)).div_floor(&BigInt::from(1000))
        );
        // Just above epsilon (2^78 + 2) the logarithmic form takes over.
        let above = FilterEstimate {
            position: q(1000),
            velocity: (BigInt::from(1) << 103u32) + (BigInt::from(1) << 25u32),
        };
        assert_eq!(
            (&above.velocity * &above.velocity) >> PRECISION,
            big("302231454903657293676546")
        );
        assert_eq!(
            extrapolated_cum_sum_of_ratio(50, 10, &num, &above),
            big("1905567761828095475871328611904966426616")
        );
    }

    #[test]
    fn cum_sum_other_starts_and_spans() {
        assert_eq!(
            extrapolated_cum_sum_of_ratio(100, -40, &est(500, 2), &est(10_000, -3)),
            big("1776638514887015648821913483935572789766")
        );
        assert_eq!(
            extrapolated_cum_sum_of_ratio(-100, 0, &est(500, 2), &est(10_000, -3)),
            big("-1342763603844617147656376411431015458100")
        );
        // A denominator that crosses zero inside the interval: meaningless, but defined.
        assert_eq!(
            extrapolated_cum_sum_of_ratio(100, 0, &est(10, 1), &est(50, -1)),
            big("-6242975669764266867047728637065705546240")
        );
    }

    #[test]
    fn cum_sum_realistic_pledge_projection() {
        // A reward estimate from the network's rounding test and a 23 EiB network growing
        // 5e9 bytes per epoch, over the 20-day pre-commit deposit projection.
        let reward = FilterEstimate {
            position: big("12340768897043811082913117521041414330876498465539749838848"),
            velocity: big("-37396269384748225153347462373739139597454335279104"),
        };
        let power = est(23 * 2_i128.pow(60), 5_000_000_000);
        let ratio = extrapolated_cum_sum_of_ratio(20 * EPOCHS_IN_DAY, 0, &reward, &power);
        assert_eq!(ratio, big("26803830626727098322174970791209299835936038"));
        // Expected reward of a 32 GiB sector: Q.0 * Q.128 >> 128.
        let sector_power = BigInt::from(32_i64 << 30);
        assert_eq!(
            (sector_power * ratio) >> PRECISION,
            BigInt::from(2_706_495_243_723_599_i64)
        );
    }

    #[test]
    fn cum_sum_zero_denominator_is_zero() {
        let num = est(5, 1);
        assert_eq!(
            extrapolated_cum_sum_of_ratio(50, 10, &num, &FilterEstimate::default()),
            BigInt::zero()
        );
        let negligible_velocity = FilterEstimate {
            position: BigInt::zero(),
            velocity: BigInt::from(1) << 103u32,
        };
        assert_eq!(
            extrapolated_cum_sum_of_ratio(50, 10, &num, &negligible_velocity),
            BigInt::zero()
        );
    }

    #[test]
    fn filter_network_rounding_vector() {
        // builtin-actors alpha_beta_filter.rs rounding_issue.
        let prev = FilterEstimate {
            position: big("12340768897043811082913117521041414330876498465539749838848"),
            velocity: big("-37396269384748225153347462373739139597454335279104"),
        };
        let next = AlphaBetaFilter::load(&prev, &DEFAULT_ALPHA, &DEFAULT_BETA)
            .next_estimate(&BigInt::from(36266252337034982540u128), 3);
        assert_eq!(
            next.position,
            big("12340768782449774548722755900999027209659079673176744001536")
        );
        assert_eq!(
            next.velocity,
            big("-37396515542149801792802995707072472930787668612438")
        );
        assert_eq!(
            smooth(&prev, &BigInt::from(36266252337034982540u128), 3),
            next
        );
    }

    #[test]
    fn filter_steps_with_default_gains() {
        let mut fe = est(1000, 0);
        let steps = [
            (
                1100,
                1,
                "340313842920938463463374607431768211456000",
                "9664010000000000000000000000000000",
                1000,
            ),
            (
                1050,
                1,
                "340329561460819307249416564224061509460606",
                "14487073079952759459503458517294282",
                1000,
            ),
            (
                900,
                3,
                "340298085227052642307871416032559343936666",
                "11261264553448609794758252834517141",
                1000,
            ),
            (
                2000,
                2,
                "340612853189370273681374684959987836354642",
                "59579079357913891661104686052719492",
                1000,
            ),
            (
                -500,
                1,
                "340140467014696053207107449803838889197445",
                "-85474945573212016298974582395369438",
                999,
            ),
        ];
        for (observation, delta, position, velocity, estimate) in steps {
            fe = AlphaBetaFilter::load(&fe, &DEFAULT_ALPHA, &DEFAULT_BETA)
                .next_estimate(&BigInt::from(observation), delta);
            assert_eq!(fe.position, big(position));
            assert_eq!(fe.velocity, big(velocity));
            assert_eq!(fe.estimate(), BigInt::from(estimate));
        }
    }

    #[test]
    fn filter_with_custom_gains() {
        // alpha = 0.5, beta = 0.25: prediction 10 + 1 * 2 = 12, residual 8, position 12 + 4 = 16,
        // velocity 1 + 8 * 0.25 / 2 = 2.
        let alpha = BigInt::from(1) << 127u32;
        let beta = BigInt::from(1) << 126u32;
        let prev = est(10, 1);
        let next = AlphaBetaFilter::load(&prev, &alpha, &beta).next_estimate(&BigInt::from(20), 2);
        assert_eq!(next, est(16, 2));
    }

    #[test]
    fn filter_zero_and_negative_epoch_delta() {
        let prev = est(1000, 7);
        // Zero delta: position corrected, velocity kept (the network would divide by zero).
        let next = smooth(&prev, &BigInt::from(1100), 0);
        assert_eq!(
            next.position,
            big("340313842920938463463374607431768211456000")
        );
        assert_eq!(next.velocity, q(7));
        assert_eq!(
            next.velocity.to_string(),
            "2381976568446569244243622252022377480192"
        );
        // A negative delta follows the formula (floor division by a negative divisor).
        let back = smooth(&prev, &BigInt::from(1100), -2);
        assert_eq!(
            back.position,
            big("335554296424045324974887362927723456495616")
        );
        assert_eq!(
            back.velocity,
            big("2381971059960869244243622252022377480192")
        );
    }
}
