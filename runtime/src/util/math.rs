//! Q.128 fixed-point helpers shared by the reward, power and miner actors (through
//! `crate::util::smoothing`): the precision constant, polynomial evaluation by Horner's method and
//! parsing of decimal coefficient tables.
//!
//! Source of the rules: the network's built-in actors, `runtime/src/builtin/reward/math.rs` in
//! filecoin-project/builtin-actors (v18), which follows `builtin/v9/util/math` in
//! filecoin-project/go-state-types. A Q.128 number is an integer `n` standing for `n / 2^128`.
//! Right shifts of negative values round towards negative infinity (num-bigint and Go's
//! `big.Int.Rsh` agree on this), and the results here depend on that.

use fvm_shared::bigint::{BigInt, ParseBigIntError};

/// Number of fractional bits of a Q.128 fixed-point number.
pub const PRECISION: u64 = 128;

/// Evaluates the polynomial with Q.128 coefficients `poly` (highest order first) at the Q.128
/// point `x` by Horner's method; the result is Q.128.
///
/// Each step multiplies the accumulator by `x` (Q.256), shifts back to Q.128 (rounding towards
/// negative infinity) and adds the next coefficient. An empty polynomial evaluates to zero.
pub fn poly_val(poly: &[BigInt], x: &BigInt) -> BigInt {
    poly.iter().fold(BigInt::default(), |acc, coefficient| {
        ((acc * x) >> PRECISION) + coefficient
    })
}

/// Parses decimal coefficient strings (an optional leading `-`, then digits) into integers,
/// keeping their order. Fails on the first string that is not a decimal integer.
pub fn poly_parse(coefs: &[&str]) -> Result<Vec<BigInt>, ParseBigIntError> {
    coefs.iter().map(|text| text.parse::<BigInt>()).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn q(n: i64) -> BigInt {
        BigInt::from(n) << PRECISION
    }

    #[test]
    fn precision_is_128_bits() {
        assert_eq!(PRECISION, 128);
        assert_eq!(q(1).to_string(), "340282366920938463463374607431768211456");
    }

    #[test]
    fn poly_val_of_empty_polynomial_is_zero() {
        assert_eq!(poly_val(&[], &q(5)), BigInt::from(0));
    }

    #[test]
    fn poly_val_integer_polynomial() {
        // 1*x^2 + 2*x + 3 at x = 2 is 11, at x = -3 is 6.
        let poly = vec![q(1), q(2), q(3)];
        assert_eq!(poly_val(&poly, &q(2)), q(11));
        assert_eq!(poly_val(&poly, &q(-3)), q(6));
        // A constant polynomial is its coefficient wherever it is evaluated.
        assert_eq!(poly_val(&[q(7)], &q(-100)), q(7));
    }

    #[test]
    fn poly_val_fractional_point() {
        // 4*x + 1 at x = 0.5 (Q.128) is 3.
        let half = BigInt::from(1) << (PRECISION - 1);
        assert_eq!(poly_val(&[q(4), q(1)], &half), q(3));
        // x^2 at x = 1.5 is 2.25 = 9 * 2^126, exact in Q.128.
        let one_and_half = BigInt::from(3) << (PRECISION - 1);
        assert_eq!(
            poly_val(&[q(1), q(0), q(0)], &one_and_half),
            BigInt::from(9) << 126u32
        );
    }

    #[test]
    fn poly_val_rounds_towards_negative_infinity() {
        // raw 1 (2^-128) times x = raw -1: the product -2^-256 shifts down to -1 (floor), not 0.
        let poly = vec![BigInt::from(1), BigInt::from(0)];
        assert_eq!(poly_val(&poly, &BigInt::from(-1)), BigInt::from(-1));
        // and with x = raw 1, the positive product 2^-256 truncates to 0.
        assert_eq!(poly_val(&poly, &BigInt::from(1)), BigInt::from(0));
        // 3 * (-0.5) = -1.5 exactly; plus raw 0 stays -1.5.
        let minus_half = -(BigInt::from(1) << (PRECISION - 1));
        assert_eq!(
            poly_val(&[q(3), BigInt::from(0)], &minus_half),
            -(BigInt::from(3) << 127u32)
        );
    }

    #[test]
    fn poly_val_at_one_sums_the_coefficients() {
        // The network's ln numerator coefficients; at x = 1.0 the value is their exact sum.
        let num = poly_parse(&[
            "261417938209272870992496419296200268025",
            "7266615505142943436908456158054846846897",
            "32458783941900493142649393804518050491988",
            "17078670566130897220338060387082146864806",
            "-35150353308172866634071793531642638290419",
            "-20351202052858059355702509232125230498980",
            "-1563932590352680681114104005183375350999",
        ])
        .unwrap();
        assert_eq!(poly_val(&num, &q(1)).to_string(), "331318");
    }

    #[test]
    fn poly_parse_keeps_order_and_sign() {
        let parsed = poly_parse(&["0", "-1", "340282366920938463463374607431768211456"]).unwrap();
        assert_eq!(parsed, vec![BigInt::from(0), BigInt::from(-1), q(1)]);
        assert_eq!(poly_parse(&[]).unwrap(), Vec::<BigInt>::new());
    }

    #[test]
    fn poly_parse_rejects_non_integers() {
        assert!(poly_parse(&["12", "1.5"]).is_err());
        assert!(poly_parse(&[""]).is_err());
        assert!(poly_parse(&["0x10"]).is_err());
        assert!(poly_parse(&["12 "]).is_err());
    }
}
