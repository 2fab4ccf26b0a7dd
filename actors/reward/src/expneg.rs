//! e^-x in Q.128 fixed point, by the network's rational approximation (numerator of degree 7,
//! denominator of degree 13), evaluated with Horner's method. Most precise on [0, 1.725), where
//! the error is below 3.4e-30; below 4.6e-15 on [0, 5).

use std::sync::LazyLock;

use fil_actors_runtime::util::math::{poly_parse, poly_val, PRECISION};
use fvm_shared::bigint::{BigInt, Integer, Zero};

/// Numerator coefficients (Q.128, highest order first).
static EXP_NUM_COEF: LazyLock<Vec<BigInt>> = LazyLock::new(|| {
    parse(&[
        "-648770010757830093818553637600",
        "67469480939593786226847644286976",
        "-3197587544499098424029388939001856",
        "89244641121992890118377641805348864",
        "-1579656163641440567800982336819953664",
        "17685496037279256458459817590917169152",
        "-115682590513835356866803355398940131328",
        "340282366920938463463374607431768211456",
    ])
});

/// Denominator coefficients (Q.128, highest order first); all positive, the last is 1.0.
static EXP_DENO_COEF: LazyLock<Vec<BigInt>> = LazyLock::new(|| {
    parse(&[
        "1225524182432722209606361",
        "114095592300906098243859450",
        "5665570424063336070530214243",
        "194450132448609991765137938448",
        "5068267641632683791026134915072",
        "104716890604972796896895427629056",
        "1748338658439454459487681798864896",
        "23704654329841312470660182937960448",
        "259380097567996910282699886670381056",
        "2250336698853390384720606936038375424",
        "14978272436876548034486263159246028800",
        "72144088983913131323343765784380833792",
        "224599776407103106596571252037123047424",
        "340282366920938463463374607431768211456",
    ])
});

// The tables above are fixed decimal literals (checked by the tests), so parsing cannot fail.
fn parse(coefficients: &[&str]) -> Vec<BigInt> {
    poly_parse(coefficients).expect("built-in Q.128 coefficients are decimal integers")
}

/// e^-x for Q.128 `x`, in Q.128: `floor((num(x) << 128) / deno(x))`. The minting functions pass
/// only `x >= 0`, where the denominator is at least 1.0; a denominator of zero (reachable only
/// by a negative `x`) gives zero instead of a panic.
pub fn expneg(x: &BigInt) -> BigInt {
    let num = poly_val(&EXP_NUM_COEF, x);
    let deno = poly_val(&EXP_DENO_COEF, x);
    if deno.is_zero() {
        return BigInt::zero();
    }
    (num << PRECISION).div_floor(&deno)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn q(n: i64) -> BigInt {
        BigInt::from(n) << PRECISION
    }

    #[test]
    fn tables_parse() {
        assert_eq!(EXP_NUM_COEF.len(), 8);
        assert_eq!(EXP_DENO_COEF.len(), 14);
        assert_eq!(EXP_NUM_COEF[7], q(1));
        assert_eq!(EXP_DENO_COEF[13], q(1));
    }

    #[test]
    fn exp_of_zero_is_one() {
        assert_eq!(expneg(&BigInt::zero()), q(1));
    }

    #[test]
    fn exp_of_one_is_close_to_one_over_e() {
        // floor(e^-1 * 2^128), computed to 80 digits; the approximation's error on [0, 1.725) is
        // below 3.4e-30, well inside the 2^-80 allowed here.
        let got = expneg(&q(1));
        let expected: BigInt = "125182886983370532117250726298150828301".parse().unwrap();
        let err = (&got - &expected).magnitude().clone();
        assert!(
            BigInt::from(err) < (q(1) >> 80u32),
            "e^-1 = {} expected {}",
            got,
            expected
        );
    }
}
