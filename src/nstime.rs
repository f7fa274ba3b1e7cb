//! Times and durations in whole seconds and nanoseconds, as Wireshark keeps
//! them (`nstime_t` in wsutil/nstime.h: `time_t secs; int nsecs`).
//!
//! Frame times used to go through `f64` seconds since 1970, which holds only
//! about 16 significant digits: a time since a request came out as
//! 0.010600090 s where HTTP's own `http.time` shows 0.010600000 s. Keeping
//! the two integers gives the same digits Wireshark shows, and the
//! arithmetic below saturates instead of overflowing, since a hostile
//! capture can carry any timestamp.
#![forbid(unsafe_code)]

use std::fmt;

/// Nanoseconds in a second.
const NS_PER_S: i64 = 1_000_000_000;

/// A point in time (since the epoch) or a duration, in seconds and
/// nanoseconds. Always normalised the way `nstime_delta` leaves a delta:
/// `|nsecs| < 1e9`, and `secs` and `nsecs` never of opposite signs. That
/// makes every value's representation unique, so the derived ordering
/// (seconds first, then nanoseconds) is the ordering of the values.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct NsTime {
    secs: i64,
    nsecs: i32,
}

impl NsTime {
    pub const ZERO: NsTime = NsTime { secs: 0, nsecs: 0 };
    /// The largest and smallest values; sums and differences saturate there.
    pub const MAX: NsTime = NsTime {
        secs: i64::MAX,
        nsecs: 999_999_999,
    };
    pub const MIN: NsTime = NsTime {
        secs: i64::MIN,
        nsecs: -999_999_999,
    };

    /// `secs` seconds plus `nsecs` nanoseconds, whatever their signs and
    /// sizes (a capture's nanoseconds are not trusted to be below 1e9).
    pub fn new(secs: i64, nsecs: i64) -> NsTime {
        // Rust's / and % truncate towards zero: `rest` has the sign of nsecs.
        let (carry, rest) = (nsecs / NS_PER_S, nsecs % NS_PER_S);
        let Some(mut secs) = secs.checked_add(carry) else {
            return if carry > 0 { NsTime::MAX } else { NsTime::MIN };
        };
        let mut rest = rest;
        // Give both parts the same sign; neither step can overflow, since
        // secs moves towards zero.
        if secs > 0 && rest < 0 {
            secs -= 1;
            rest += NS_PER_S;
        } else if secs < 0 && rest > 0 {
            secs += 1;
            rest -= NS_PER_S;
        }
        NsTime {
            secs,
            // |rest| < 1e9 fits an i32.
            nsecs: i32::try_from(rest).unwrap_or(0),
        }
    }

    /// A whole number of seconds (timeouts and limits from preferences).
    pub const fn from_secs(secs: u32) -> NsTime {
        NsTime {
            secs: secs as i64,
            nsecs: 0,
        }
    }

    /// Whole seconds (truncated towards zero), as Wireshark's `secs`.
    pub const fn secs(self) -> i64 {
        self.secs
    }

    /// Nanoseconds, with the sign of the whole value, as Wireshark's `nsecs`.
    pub const fn nsecs(self) -> i32 {
        self.nsecs
    }

    /// `self - earlier`: the same value as Wireshark's
    /// `nstime_delta(&delta, self, earlier)` (wsutil/nstime.c, function
    /// `nstime_delta`): seconds minus seconds, nanoseconds minus
    /// nanoseconds, then a borrow of one second so that both parts share the
    /// sign (a positive delta has 0 <= nsecs < 1e9; one where `self` is
    /// earlier has secs <= 0 and nsecs <= 0). Unlike the C code, it
    /// saturates instead of overflowing on times ~292 billion years apart.
    pub fn since(self, earlier: NsTime) -> NsTime {
        let Some(secs) = self.secs.checked_sub(earlier.secs) else {
            return if self.secs > earlier.secs {
                NsTime::MAX
            } else {
                NsTime::MIN
            };
        };
        // Each |nsecs| < 1e9: the difference fits, and `new` does the borrow.
        NsTime::new(secs, i64::from(self.nsecs) - i64::from(earlier.nsecs))
    }

    /// `self` plus a whole number of seconds, saturating.
    pub fn plus_secs(self, secs: u32) -> NsTime {
        match self.secs.checked_add(i64::from(secs)) {
            Some(s) => NsTime::new(s, i64::from(self.nsecs)),
            None => NsTime::MAX,
        }
    }

    /// The value, or zero when it is negative (a duration across frames a
    /// merged capture put out of order).
    pub fn at_least_zero(self) -> NsTime {
        self.max(NsTime::ZERO)
    }

    /// Shown with `digits` decimals (at most 9), rounded half away from
    /// zero, for the reports and expert texts (`-z emccflow` rows, "completed
    /// in 2.3 s"). They rounded before (f64 `{:.3}`), and scripts read them:
    /// rounding the exact integers gives the same text wherever f64 was not
    /// already off. Wireshark's columns cut a time shown at a lower
    /// precision (`display_signed_time`, wsutil/to_str.c), but its own `-z`
    /// reports round, printing seconds with printf (`-z conv`'s Rel Start
    /// `%14.9f` and Duration `%12.4f`, ui/cli/tap-iousers.c): ours are
    /// reports too, so they round. Nine decimals
    /// are exact.
    /// Takes a `{:>9}`-style width and alignment.
    pub fn decimals(self, digits: u32) -> Decimals {
        Decimals {
            time: self,
            digits: digits.min(9),
        }
    }
}

/// A frame's time as `Packet::time` gives it (pinfo->abs_ts).
impl From<(i64, i32)> for NsTime {
    fn from((secs, nsecs): (i64, i32)) -> NsTime {
        NsTime::new(secs, i64::from(nsecs))
    }
}

/// A time written with a fixed number of decimals: see `NsTime::decimals`.
#[derive(Clone, Copy, Debug)]
pub struct Decimals {
    time: NsTime,
    digits: u32,
}

impl fmt::Display for Decimals {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let NsTime { secs, nsecs } = self.time;
        // The magnitude in units of the last decimal, rounded half away from
        // zero; u128 holds any i64 seconds in nanoseconds.
        let unit = 10u128.pow(9 - self.digits);
        let magnitude =
            u128::from(secs.unsigned_abs()) * 1_000_000_000 + u128::from(nsecs.unsigned_abs());
        let units = (magnitude + unit / 2) / unit;
        let scale = 10u128.pow(self.digits);
        let (whole, frac) = (units / scale, units % scale);
        // Signed as f64 formatting signed it: any negative value, even one
        // that rounds to zero ("-0.000").
        let negative = self.time < NsTime::ZERO;
        let mut text = format!("{}{whole}", if negative { "-" } else { "" });
        if self.digits > 0 {
            text.push_str(&format!(".{frac:0width$}", width = self.digits as usize));
        }
        f.pad(&text)
    }
}

impl fmt::Display for NsTime {
    /// Nine decimals, as Wireshark shows a relative time field.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(&self.decimals(9), f)
    }
}

#[cfg(test)]
pub mod tests {
    use super::*;

    /// A time from a decimal text ("12.0106"), for readable tests.
    pub fn t(text: &str) -> NsTime {
        let (sign, digits) = match text.strip_prefix('-') {
            Some(rest) => (-1, rest),
            None => (1, text),
        };
        let (whole, frac) = digits.split_once('.').unwrap_or((digits, ""));
        assert!(frac.len() <= 9, "{text}");
        let secs: i64 = whole.parse().unwrap();
        let nsecs: i64 = format!("{frac:0<9}").parse().unwrap();
        NsTime::new(sign * secs, sign * nsecs)
    }

    #[test]
    fn the_issue_16_example_is_exact() {
        let request = NsTime::new(1_700_000_012, 100_000_000);
        let response = NsTime::new(1_700_000_012, 110_600_000);
        let delta = response.since(request);
        assert_eq!((delta.secs(), delta.nsecs()), (0, 10_600_000));
        assert_eq!(delta.to_string(), "0.010600000");
        // What f64 seconds since 1970 made of it.
        let f = (1_700_000_012.0 + 0.1106) - (1_700_000_012.0 + 0.1);
        assert_ne!(format!("{f:.9}"), "0.010600000");
    }

    #[test]
    fn a_delta_borrows_across_a_second() {
        let d = NsTime::new(11, 100).since(NsTime::new(10, 999_999_900));
        assert_eq!((d.secs(), d.nsecs()), (0, 200));
        let d = NsTime::new(12, 0).since(NsTime::new(10, 1));
        assert_eq!((d.secs(), d.nsecs()), (1, 999_999_999));
        assert_eq!(d.to_string(), "1.999999999");
    }

    /// nstime_delta's sign rules: a negative delta has both parts <= 0.
    #[test]
    fn negative_deltas_share_the_sign() {
        let d = NsTime::new(10, 999_999_900).since(NsTime::new(11, 100));
        assert_eq!((d.secs(), d.nsecs()), (0, -200));
        assert_eq!(d.to_string(), "-0.000000200");
        let d = NsTime::new(10, 1).since(NsTime::new(12, 0));
        assert_eq!((d.secs(), d.nsecs()), (-1, -999_999_999));
        assert_eq!(d.to_string(), "-1.999999999");
        let d = NsTime::new(10, 500).since(NsTime::new(12, 100));
        assert_eq!((d.secs(), d.nsecs()), (-1, -999_999_600));
        assert!(d < NsTime::ZERO);
        assert_eq!(d.at_least_zero(), NsTime::ZERO);
    }

    #[test]
    fn construction_normalises_any_nanoseconds() {
        assert_eq!(NsTime::new(1, 2_500_000_000), t("3.5"));
        assert_eq!(NsTime::new(1, -1), t("0.999999999"));
        assert_eq!(NsTime::new(-1, 1), t("-0.999999999"));
        assert_eq!(NsTime::new(-2, 500_000_000), t("-1.5"));
        assert_eq!(NsTime::new(0, -1_500_000_000), t("-1.5"));
        assert_eq!(NsTime::new(0, i64::MAX).secs(), i64::MAX / NS_PER_S);
    }

    #[test]
    fn ordering_is_the_ordering_of_values() {
        let mut v = vec![
            t("1.5"),
            t("-1.5"),
            t("0"),
            t("-0.000000001"),
            t("-1"),
            t("2"),
            t("0.000000001"),
            NsTime::MAX,
            NsTime::MIN,
        ];
        v.sort();
        let shown: Vec<String> = v[1..v.len() - 1].iter().map(|x| x.to_string()).collect();
        assert_eq!(
            shown,
            [
                "-1.500000000",
                "-1.000000000",
                "-0.000000001",
                "0.000000000",
                "0.000000001",
                "1.500000000",
                "2.000000000"
            ]
        );
        assert_eq!((v[0], v[8]), (NsTime::MIN, NsTime::MAX));
    }

    #[test]
    fn whole_seconds_compare_exactly() {
        let limit = NsTime::from_secs(5);
        assert!(t("5") >= limit && t("5") <= limit);
        assert!(t("5.000000001") > limit);
        assert!(t("4.999999999") < limit);
        assert_eq!(t("10.25").plus_secs(10), t("20.25"));
        assert_eq!(t("-0.25").plus_secs(1), t("0.75"));
    }

    #[test]
    fn decimals_round_the_exact_value() {
        let x = t("2.999999999");
        assert_eq!(x.decimals(9).to_string(), "2.999999999");
        assert_eq!(x.decimals(12).to_string(), "2.999999999");
        assert_eq!(x.decimals(3).to_string(), "3.000");
        assert_eq!(x.decimals(0).to_string(), "3");
        assert_eq!(t("15.099597").decimals(3).to_string(), "15.100");
        assert_eq!(t("15.0994999").decimals(3).to_string(), "15.099");
        assert_eq!(t("0.05").decimals(1).to_string(), "0.1");
        assert_eq!(t("0.049999999").decimals(1).to_string(), "0.0");
        assert_eq!(format!("{:>9}", t("-2").decimals(3)), "   -2.000");
        assert_eq!(format!("{:>9}", t("12.3456").decimals(3)), "   12.346");
        assert_eq!(t("-0.0004").decimals(3).to_string(), "-0.000");
        assert_eq!(t("-0.0015").decimals(3).to_string(), "-0.002");
        assert_eq!(t("-1.96").decimals(1).to_string(), "-2.0");
        assert_eq!(NsTime::ZERO.decimals(1).to_string(), "0.0");
    }

    /// A hostile capture can hold any timestamp: nothing panics or wraps.
    #[test]
    fn huge_and_odd_timestamps_saturate() {
        let far = NsTime::new(i64::MAX, 999_999_999);
        let before = NsTime::new(i64::MIN, 0);
        assert_eq!(far.since(before), NsTime::MAX);
        assert_eq!(before.since(far), NsTime::MIN);
        assert_eq!(NsTime::new(i64::MAX, NS_PER_S), NsTime::MAX);
        assert_eq!(NsTime::new(i64::MIN, -NS_PER_S), NsTime::MIN);
        assert_eq!(far.plus_secs(u32::MAX), NsTime::MAX);
        assert_eq!(NsTime::MIN.since(NsTime::MAX), NsTime::MIN);
        assert_eq!(NsTime::MAX.since(NsTime::MIN), NsTime::MAX);
        for (secs, nsecs) in [
            (i64::MIN, i32::MIN),
            (i64::MIN, i32::MAX),
            (i64::MAX, i32::MIN),
            (i64::MAX, i32::MAX),
            (0, i32::MIN),
            (-1, i32::MAX),
        ] {
            let x = NsTime::new(secs, i64::from(nsecs));
            assert!(x.nsecs().unsigned_abs() < 1_000_000_000);
            // Never of opposite signs.
            assert!(i64::from(x.nsecs()).signum() * x.secs().signum() >= 0);
            for y in [NsTime::MAX, NsTime::MIN, NsTime::ZERO, x] {
                let _ = (x.since(y), y.since(x), x.plus_secs(u32::MAX));
                let _ = (x.decimals(3).to_string(), x.to_string());
            }
        }
        assert_eq!(NsTime::MIN.to_string(), "-9223372036854775808.999999999");
        assert_eq!(NsTime::MAX.decimals(1).to_string(), "9223372036854775808.0");
    }
}
