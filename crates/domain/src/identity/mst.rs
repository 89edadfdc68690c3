//! The enterprise tax code (*mã số thuế*, MST).
//!
//! Ten digits for an enterprise, the tenth a check digit over the first nine;
//! a branch or dependent unit adds a three-digit suffix, `XXXXXXXXXX-NNN`.
//! The check-digit rule is the one python-stdnum documents (see `domain-vn.md`).

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

/// A tax code with a correct check digit, always in the normal form: ten
/// digits, or ten digits, a dash and a branch suffix other than `000`.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
#[cfg_attr(
    feature = "openapi",
    derive(utoipa::ToSchema),
    schema(pattern = r"^[0-9]{10}(-[0-9]{3})?$", examples("0100233488", "0314409058-002"))
)]
pub struct TaxCode(String);

/// Why a text is not a tax code; a machine code the UI translates.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum TaxCodeError {
    /// Neither ten digits nor thirteen (with or without the dash).
    #[error("mst.shape")]
    Shape,
    /// The tenth digit does not match the first nine.
    #[error("mst.check_digit")]
    CheckDigit,
    /// A branch suffix of `000`, which would name the enterprise itself.
    #[error("mst.branch_suffix")]
    BranchSuffix,
}

impl TaxCodeError {
    /// The machine code, the same text as `Display`.
    pub fn code(&self) -> &'static str {
        match self {
            Self::Shape => "mst.shape",
            Self::CheckDigit => "mst.check_digit",
            Self::BranchSuffix => "mst.branch_suffix",
        }
    }
}

const WEIGHTS: [u32; 9] = [31, 29, 23, 19, 17, 13, 7, 5, 3];

/// The check digit the first nine digits call for, or `None` when the rule
/// yields 10: no single digit can match it, so no valid code has such a head.
fn check_digit(first_nine: &[u8]) -> Option<u8> {
    let sum: u32 = first_nine.iter().zip(WEIGHTS).map(|(d, w)| u32::from(d - b'0') * w).sum();
    let digit = 10 - sum % 11;
    (digit < 10).then_some(digit as u8)
}

impl TaxCode {
    /// Parses `XXXXXXXXXX`, `XXXXXXXXXX-NNN` or `XXXXXXXXXXNNN`; the last is
    /// stored with its dash so that equal codes compare equal.
    pub fn parse(text: &str) -> Result<Self, TaxCodeError> {
        let all_digits = |s: &str| s.bytes().all(|b| b.is_ascii_digit());
        // `get` rather than indexing: a multi-byte character must not panic.
        let (head, branch) = match (text.get(..10), text.get(10..)) {
            (Some(head), Some("")) => (head, None),
            (Some(head), Some(rest)) => (head, Some(rest.strip_prefix('-').unwrap_or(rest))),
            _ => return Err(TaxCodeError::Shape),
        };
        if !all_digits(head) || branch.is_some_and(|b| b.len() != 3 || !all_digits(b)) {
            return Err(TaxCodeError::Shape);
        }
        let bytes = head.as_bytes();
        if check_digit(&bytes[..9]) != Some(bytes[9] - b'0') {
            return Err(TaxCodeError::CheckDigit);
        }
        match branch {
            None => Ok(Self(head.to_owned())),
            Some("000") => Err(TaxCodeError::BranchSuffix),
            Some(suffix) => Ok(Self(format!("{head}-{suffix}"))),
        }
    }

    /// The ten-digit code of the enterprise; a branch's parent has this code.
    pub fn head(&self) -> &str {
        &self.0[..10]
    }

    /// The three-digit branch suffix, if this is a branch's code.
    pub fn branch(&self) -> Option<&str> {
        self.0.get(11..)
    }

    /// Whether this code names a branch or dependent unit.
    pub fn is_branch(&self) -> bool {
        self.branch().is_some()
    }

    /// The normal form: ten digits, or ten digits, a dash and the suffix.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl FromStr for TaxCode {
    type Err = TaxCodeError;
    fn from_str(text: &str) -> Result<Self, Self::Err> {
        Self::parse(text)
    }
}

impl TryFrom<String> for TaxCode {
    type Error = TaxCodeError;
    fn try_from(text: String) -> Result<Self, Self::Error> {
        Self::parse(&text)
    }
}

impl From<TaxCode> for String {
    fn from(code: TaxCode) -> Self {
        code.0
    }
}

impl fmt::Display for TaxCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;

    #[test]
    fn an_enterprise_code_with_a_correct_check_digit_parses() {
        let code = TaxCode::parse("0100233488").unwrap();
        assert_eq!(code.head(), "0100233488");
        assert_eq!(code.branch(), None);
        assert!(!code.is_branch());
    }

    #[test]
    fn a_branch_code_with_a_dash_parses() {
        let code = TaxCode::parse("0314409058-002").unwrap();
        assert_eq!(code.head(), "0314409058");
        assert_eq!(code.branch(), Some("002"));
        assert!(code.is_branch());
        assert_eq!(code.as_str(), "0314409058-002");
    }

    #[test]
    fn a_branch_code_without_its_dash_is_stored_with_it() {
        let code = TaxCode::parse("0314409058002").unwrap();
        assert_eq!(code.as_str(), "0314409058-002");
        assert_eq!(code, TaxCode::parse("0314409058-002").unwrap());
    }

    #[test]
    fn a_wrong_check_digit_is_refused() {
        assert_eq!(TaxCode::parse("0100233480"), Err(TaxCodeError::CheckDigit));
        assert_eq!(TaxCode::parse("0314409059-002"), Err(TaxCodeError::CheckDigit));
    }

    #[test]
    fn a_head_whose_rule_yields_ten_never_matches() {
        // A weighted sum divisible by 11 calls for 10; nine zeros sum to 0.
        assert_eq!(check_digit(b"000000000"), None);
        for last in '0'..='9' {
            assert_eq!(TaxCode::parse(&format!("000000000{last}")), Err(TaxCodeError::CheckDigit));
        }
    }

    #[test]
    fn a_branch_suffix_of_000_is_refused() {
        assert_eq!(TaxCode::parse("0314409058-000"), Err(TaxCodeError::BranchSuffix));
        assert_eq!(TaxCode::parse("0314409058000"), Err(TaxCodeError::BranchSuffix));
    }

    #[test]
    fn a_code_with_the_wrong_shape_is_refused() {
        for text in [
            "",
            "010023348",
            "01002334888",
            "010023348a",
            "0314409058-02",
            "0314409058-0020",
            "0314409058_002",
            "031440905-8002",
            "0314409058-00a",
            "0314409058--02",
            "０100233488",
        ] {
            assert_eq!(TaxCode::parse(text), Err(TaxCodeError::Shape), "{text}");
        }
    }

    #[test]
    fn it_serialises_in_the_normal_form() {
        let code = TaxCode::parse("0314409058002").unwrap();
        assert_eq!(serde_json::to_string(&code).unwrap(), "\"0314409058-002\"");
        let err = serde_json::from_str::<TaxCode>("\"0100233480\"").unwrap_err();
        assert!(err.to_string().contains("mst.check_digit"), "{err}");
    }

    #[test]
    fn errors_are_machine_codes_not_prose() {
        for error in [TaxCodeError::Shape, TaxCodeError::CheckDigit, TaxCodeError::BranchSuffix] {
            assert_eq!(error.to_string(), error.code());
        }
    }

    fn valid_code() -> impl Strategy<Value = String> {
        let head = proptest::collection::vec(b'0'..=b'9', 9)
            .prop_filter_map("the rule yields 10", |nine| check_digit(&nine).map(|d| (nine, d)))
            .prop_map(|(nine, d)| format!("{}{d}", String::from_utf8(nine).unwrap()));
        (head, proptest::option::of(1u16..=999)).prop_map(|(head, branch)| match branch {
            Some(n) => format!("{head}-{n:03}"),
            None => head,
        })
    }

    proptest! {
        #[test]
        fn parsing_never_panics_on_arbitrary_text(text in any::<String>()) {
            let _ = TaxCode::parse(&text);
        }

        #[test]
        fn parsing_never_panics_on_near_misses(text in "[0-9-]{9,15}") {
            let _ = TaxCode::parse(&text);
        }

        #[test]
        fn a_valid_code_round_trips_through_json(text in valid_code()) {
            let code = TaxCode::parse(&text).unwrap();
            prop_assert_eq!(code.as_str(), text.as_str());
            let json = serde_json::to_string(&code).unwrap();
            prop_assert_eq!(serde_json::from_str::<TaxCode>(&json).unwrap(), code);
        }
    }
}
