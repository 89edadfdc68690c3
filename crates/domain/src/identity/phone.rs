//! Vietnamese mobile phone numbers, the ones the portal sends codes to.
//!
//! People write them `0912 345 678`, `0912.345.678`, `+84 912 345 678` or
//! `84912345678`; all of these are one number, kept in E.164 (`+84912345678`)
//! so that two spellings compare equal. Landlines (`02x`, eleven digits) are
//! refused: a one-time code cannot reach them.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

/// A mobile number in Vietnam, held in E.164 form: `+84` and nine digits,
/// the first of them one of the mobile prefixes 3, 5, 7, 8 or 9.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
#[cfg_attr(
    feature = "openapi",
    derive(utoipa::ToSchema),
    schema(pattern = r"^\+84[35789][0-9]{8}$", examples("+84912345678"))
)]
pub struct PhoneNumber(String);

/// Why a text is not a mobile number; a machine code the UI translates.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum PhoneNumberError {
    /// Not `0` and nine digits, nor `+84` or `84` and nine digits.
    #[error("phone.shape")]
    Shape,
    /// Well formed, but not behind a mobile prefix (03, 05, 07, 08, 09).
    #[error("phone.prefix")]
    Prefix,
}

impl PhoneNumberError {
    /// The machine code, the same text as `Display`.
    pub fn code(&self) -> &'static str {
        match self {
            Self::Shape => "phone.shape",
            Self::Prefix => "phone.prefix",
        }
    }
}

const MOBILE_PREFIXES: &[u8] = b"35789";

impl PhoneNumber {
    /// Parses a national (`0…`) or international (`+84…`, `84…`) number;
    /// spaces, dots and dashes between the digits are ignored.
    pub fn parse(text: &str) -> Result<Self, PhoneNumberError> {
        let text = text.trim_start_matches(is_separator);
        let (plus, rest) = match text.strip_prefix('+') {
            Some(rest) => (true, rest),
            None => (false, text),
        };
        let mut digits = String::with_capacity(rest.len());
        for c in rest.chars() {
            if c.is_ascii_digit() {
                digits.push(c);
            } else if !is_separator(c) {
                return Err(PhoneNumberError::Shape);
            }
        }
        let subscriber = match (plus, digits.len()) {
            (_, 11) => digits.strip_prefix("84"),
            (false, 10) => digits.strip_prefix('0'),
            _ => None,
        }
        .ok_or(PhoneNumberError::Shape)?;
        if !MOBILE_PREFIXES.contains(&subscriber.as_bytes()[0]) {
            return Err(PhoneNumberError::Prefix);
        }
        Ok(Self(format!("+84{subscriber}")))
    }

    /// The international form, such as `+84912345678`.
    pub fn e164(&self) -> &str {
        &self.0
    }

    /// The national form people dial at home, such as `0912345678`.
    pub fn national(&self) -> String {
        format!("0{}", &self.0[3..])
    }
}

fn is_separator(c: char) -> bool {
    matches!(c, ' ' | '.' | '-')
}

impl FromStr for PhoneNumber {
    type Err = PhoneNumberError;
    fn from_str(text: &str) -> Result<Self, Self::Err> {
        Self::parse(text)
    }
}

impl TryFrom<String> for PhoneNumber {
    type Error = PhoneNumberError;
    fn try_from(text: String) -> Result<Self, Self::Error> {
        Self::parse(&text)
    }
}

impl From<PhoneNumber> for String {
    fn from(phone: PhoneNumber) -> Self {
        phone.0
    }
}

impl fmt::Display for PhoneNumber {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;

    #[test]
    fn every_usual_spelling_normalises_to_one_e164_number() {
        for text in [
            "0912345678",
            "0912 345 678",
            "0912.345.678",
            "0912-345-678",
            " 0912 345 678 ",
            "+84912345678",
            "+84 912 345 678",
            "+84-912-345-678",
            "84912345678",
            "84 912.345.678",
        ] {
            let phone = PhoneNumber::parse(text).unwrap_or_else(|e| panic!("{text}: {e}"));
            assert_eq!(phone.e164(), "+84912345678", "{text}");
            assert_eq!(phone.national(), "0912345678", "{text}");
        }
    }

    #[test]
    fn every_mobile_prefix_is_accepted() {
        for prefix in ["03", "05", "07", "08", "09"] {
            assert!(PhoneNumber::parse(&format!("{prefix}12345678")).is_ok(), "{prefix}");
        }
    }

    #[test]
    fn a_well_formed_number_without_a_mobile_prefix_is_refused() {
        for text in ["0212345678", "0412345678", "0612345678", "0012345678", "+84112345678", "84212345678"] {
            assert_eq!(PhoneNumber::parse(text), Err(PhoneNumberError::Prefix), "{text}");
        }
    }

    #[test]
    fn other_shapes_are_refused() {
        for text in [
            "",
            "+",
            "091234567",
            "09123456789",
            "912345678",
            "+0912345678",
            "+840912345678",
            "0084912345678",
            "+85912345678",
            "85912345678",
            "+84 91234567",
            "0912/345/678",
            "(091) 2345678",
            "09123456７8",
            "84+912345678",
            "0912345678+",
        ] {
            assert_eq!(PhoneNumber::parse(text), Err(PhoneNumberError::Shape), "{text}");
        }
    }

    #[test]
    fn it_serialises_in_e164() {
        let phone = PhoneNumber::parse("0987 654 321").unwrap();
        assert_eq!(serde_json::to_string(&phone).unwrap(), "\"+84987654321\"");
        let err = serde_json::from_str::<PhoneNumber>("\"0212345678\"").unwrap_err();
        assert!(err.to_string().contains("phone.prefix"), "{err}");
    }

    #[test]
    fn errors_are_machine_codes_not_prose() {
        for error in [PhoneNumberError::Shape, PhoneNumberError::Prefix] {
            assert_eq!(error.to_string(), error.code());
        }
    }

    proptest! {
        #[test]
        fn parsing_never_panics_on_arbitrary_text(text in any::<String>()) {
            let _ = PhoneNumber::parse(&text);
        }

        #[test]
        fn parsing_never_panics_on_near_misses(text in "[+0-9 .-]{0,16}") {
            let _ = PhoneNumber::parse(&text);
        }

        #[test]
        fn a_valid_number_round_trips_through_json_and_its_national_form(
            prefix in proptest::sample::select(MOBILE_PREFIXES.to_vec()),
            rest in 0u32..100_000_000,
        ) {
            let national = format!("0{}{rest:08}", char::from(prefix));
            let phone = PhoneNumber::parse(&national).unwrap();
            prop_assert_eq!(phone.national(), national);
            prop_assert_eq!(PhoneNumber::parse(phone.e164()).unwrap(), phone.clone());
            let json = serde_json::to_string(&phone).unwrap();
            prop_assert_eq!(serde_json::from_str::<PhoneNumber>(&json).unwrap(), phone);
        }
    }
}
