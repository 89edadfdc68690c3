//! The custom string formats form schemas use, as plain functions: each
//! returns the machine code of what is wrong, so the UI can say exactly why.
//!
//! | format     | accepts                                                  |
//! |------------|----------------------------------------------------------|
//! | `cccd`     | a 12-digit citizen ID with a known province code         |
//! | `mst`      | an enterprise tax code, 10 digits or a 13-digit branch   |
//! | `vn-phone` | a Vietnamese mobile number, national or +84              |
//! | `date-vn`  | a calendar date written dd/mm/yyyy                       |

use time::{Date, Month};

use crate::identity::{CitizenId, PhoneNumber, TaxCode};

/// The formats this module knows, by the name schemas use.
pub const NAMES: [&str; 4] = ["cccd", "mst", "vn-phone", "date-vn"];

/// Checks `value` against the format `name`; `None` for an unknown format.
/// `Some(Ok(()))` when it conforms, `Some(Err(code))` with a machine code otherwise.
pub fn check(name: &str, value: &str) -> Option<Result<(), &'static str>> {
    Some(match name {
        // The birth-year-in-the-future rule needs today's date, which a format
        // check does not have; shape and province are what a form can judge.
        "cccd" => CitizenId::parse(value, Date::MAX).map(drop).map_err(|e| e.code()),
        "mst" => TaxCode::parse(value).map(drop).map_err(|e| e.code()),
        "vn-phone" => PhoneNumber::parse(value).map(drop).map_err(|e| e.code()),
        "date-vn" => parse_date_vn(value).map(drop),
        _ => return None,
    })
}

/// Parses `dd/mm/yyyy` (zero-padded, as Vietnamese forms print dates).
pub fn parse_date_vn(value: &str) -> Result<Date, &'static str> {
    let bytes = value.as_bytes();
    let shaped = bytes.len() == 10
        && bytes[2] == b'/'
        && bytes[5] == b'/'
        && bytes.iter().enumerate().all(|(i, b)| i == 2 || i == 5 || b.is_ascii_digit());
    if !shaped {
        return Err("date.shape");
    }
    let number = |range: std::ops::Range<usize>| value[range].parse::<u16>().map_err(|_| "date.shape");
    let (day, month, year) = (number(0..2)?, number(3..5)?, number(6..10)?);
    let month = u8::try_from(month).ok().and_then(|m| Month::try_from(m).ok()).ok_or("date.invalid")?;
    let day = u8::try_from(day).map_err(|_| "date.invalid")?;
    Date::from_calendar_date(i32::from(year), month, day).map_err(|_| "date.invalid")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_real_date_in_day_month_year_order_parses() {
        assert_eq!(parse_date_vn("29/02/2024"), Ok(time::macros::date!(2024 - 02 - 29)));
    }

    #[test]
    fn a_date_that_does_not_exist_is_invalid() {
        assert_eq!(parse_date_vn("29/02/2025"), Err("date.invalid"));
        assert_eq!(parse_date_vn("31/04/2025"), Err("date.invalid"));
        assert_eq!(parse_date_vn("01/13/2025"), Err("date.invalid"));
    }

    #[test]
    fn other_shapes_are_refused() {
        for text in ["2025-01-01", "1/1/2025", "01/01/25", "01-01-2025", "", "aa/bb/cccc"] {
            assert_eq!(parse_date_vn(text), Err("date.shape"), "{text}");
        }
    }

    #[test]
    fn identity_formats_report_the_parsers_codes() {
        assert_eq!(check("mst", "0100233488"), Some(Ok(())));
        assert_eq!(check("mst", "0100233480"), Some(Err("mst.check_digit")));
        assert_eq!(check("cccd", "12345"), Some(Err("cccd.shape")));
        assert_eq!(check("vn-phone", "0912345678"), Some(Ok(())));
        assert_eq!(check("colour", "red"), None);
    }
}
