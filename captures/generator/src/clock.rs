//! Capture time: microseconds since the first frame, anchored to a fixed wall-clock start.
//!
//! No clock is ever read, so every run writes the same bytes.

/// Microseconds since the capture's first frame.
pub type Micros = u64;

/// 2019-03-09 18:32:03.900 UTC, that is 13:32:03.900 in the lab's US Eastern time.
///
/// The article's CUCM logs are in local time: EMApp logs the service request at
/// 13:32:15.947, which is the table's 11.984 s after this start. The home cluster's
/// database logs the login as epoch 1552156348 (18:32:28 UTC), so the offset is -5 h.
pub const START_UNIX_US: u64 = 1_552_156_323_900_000;

/// Article table times are written in microseconds: `us(11_984_091)` is 11.984091 s.
pub const fn us(v: u64) -> Micros {
    v
}

pub const fn secs(v: u64) -> Micros {
    v * 1_000_000
}

pub fn unix_us(t: Micros) -> u64 {
    START_UNIX_US + t
}

pub fn unix_secs(t: Micros) -> u64 {
    unix_us(t) / 1_000_000
}

/// Days since 1970-01-01 to (year, month, day), proleptic Gregorian (H. Hinnant's method).
fn civil_from_days(days: i64) -> (i64, u32, u32) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1_460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let month = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let year = yoe + era * 400 + i64::from(month <= 2);
    (year, month, day)
}

/// RFC 7231 IMF-fixdate, the form SIP `Date:` and HTTP `Date:` headers use.
pub fn http_date(t: Micros) -> String {
    const DAYS: [&str; 7] = ["Thu", "Fri", "Sat", "Sun", "Mon", "Tue", "Wed"];
    const MONTHS: [&str; 12] = [
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ];
    let secs = unix_secs(t);
    let days = (secs / 86_400) as i64;
    let rem = secs % 86_400;
    let (year, month, day) = civil_from_days(days);
    format!(
        "{}, {:02} {} {} {:02}:{:02}:{:02} GMT",
        DAYS[(days % 7) as usize],
        day,
        MONTHS[month as usize - 1],
        year,
        rem / 3_600,
        rem % 3_600 / 60,
        rem % 60
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn start_is_the_lab_afternoon() {
        assert_eq!(http_date(0), "Sat, 09 Mar 2019 18:32:03 GMT");
        assert_eq!(
            http_date(secs(24) + us(100_000)),
            "Sat, 09 Mar 2019 18:32:28 GMT"
        );
        assert_eq!(unix_secs(secs(24) + us(100_000)), 1_552_156_348);
    }

    #[test]
    fn calendar_edges() {
        assert_eq!(civil_from_days(0), (1970, 1, 1));
        assert_eq!(civil_from_days(11_016), (2000, 2, 29));
        assert_eq!(civil_from_days(17_964), (2019, 3, 9));
    }
}
