//! The citizen ID number (*số định danh cá nhân*, printed on the CCCD card).
//!
//! Twelve digits `PPP G YY NNNNNN` (Circular 07/2016/TT-BCA): the province of
//! birth registration, a digit for sex and century, the last two digits of the
//! birth year and a serial. There is no check digit, so a well-formed number
//! can still belong to nobody; only the registry can say that.

use std::fmt;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

use super::Province;

/// A citizen ID number whose shape, province and birth year are known good.
///
/// Parsing needs `today` to refuse a birth year in the future. Deserialising
/// cannot know `today`, so it checks the shape and the province only: a value
/// read from JSON has not had its birth year checked. Data that comes from
/// outside the app's own store should go through [`CitizenId::parse`].
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct CitizenId {
    digits: String,
    province: Province,
}

/// Sex as encoded in a citizen ID number: the only two the registry records.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Sex {
    Male,
    Female,
}

/// Why a text is not a citizen ID number; a machine code the UI translates.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum CitizenIdError {
    /// Not exactly twelve ASCII digits.
    #[error("cccd.shape")]
    Shape,
    /// The first three digits are not a province code of the table.
    #[error("cccd.province")]
    Province,
    /// The encoded birth year comes after the current year.
    #[error("cccd.birth_year_in_future")]
    BirthYearInFuture,
}

impl CitizenIdError {
    /// The machine code, the same text as `Display`.
    pub fn code(&self) -> &'static str {
        match self {
            Self::Shape => "cccd.shape",
            Self::Province => "cccd.province",
            Self::BirthYearInFuture => "cccd.birth_year_in_future",
        }
    }
}

impl CitizenId {
    /// Parses a number written as exactly twelve digits, with no spaces.
    ///
    /// `today` is the caller's civil date; a birth year after its year is
    /// refused, because nobody can hold a number before being born.
    pub fn parse(text: &str, today: time::Date) -> Result<Self, CitizenIdError> {
        let id = Self::parse_shape_and_province(text)?;
        if id.birth_year() > today.year() {
            return Err(CitizenIdError::BirthYearInFuture);
        }
        Ok(id)
    }

    /// Every check that does not need a clock; deserialising stops here.
    fn parse_shape_and_province(text: &str) -> Result<Self, CitizenIdError> {
        if text.len() != 12 || !text.bytes().all(|b| b.is_ascii_digit()) {
            return Err(CitizenIdError::Shape);
        }
        let province = Province::by_code(&text[..3]).ok_or(CitizenIdError::Province)?;
        Ok(Self { digits: text.to_owned(), province })
    }

    /// The province where the birth was registered.
    pub fn province(&self) -> Province {
        self.province
    }

    /// Even fourth digit for men, odd for women.
    pub fn sex(&self) -> Sex {
        if self.century_digit().is_multiple_of(2) { Sex::Male } else { Sex::Female }
    }

    /// The full birth year: century from the fourth digit, then two digits.
    pub fn birth_year(&self) -> i32 {
        let century = (i32::from(self.century_digit()) / 2 + 19) * 100;
        century + i32::from(self.digit(4)) * 10 + i32::from(self.digit(5))
    }

    /// The twelve digits as written.
    pub fn as_str(&self) -> &str {
        &self.digits
    }

    fn century_digit(&self) -> u8 {
        self.digit(3)
    }

    fn digit(&self, index: usize) -> u8 {
        self.digits.as_bytes()[index] - b'0'
    }
}

impl fmt::Display for CitizenId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.digits)
    }
}

impl Serialize for CitizenId {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.digits)
    }
}

impl<'de> Deserialize<'de> for CitizenId {
    /// Checks shape and province only: the birth-year check needs `today`,
    /// which only [`CitizenId::parse`] is given.
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = String::deserialize(deserializer)?;
        Self::parse_shape_and_province(&text).map_err(serde::de::Error::custom)
    }
}

// On the wire a citizen ID is its twelve digits; the province it holds is
// derived from them, so the schema is a string, like the serialisation.
#[cfg(feature = "openapi")]
impl utoipa::PartialSchema for CitizenId {
    fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
        utoipa::openapi::ObjectBuilder::new()
            .schema_type(utoipa::openapi::schema::Type::String)
            .description(Some("A citizen ID number (CCCD): twelve digits `PPP G YY NNNNNN`."))
            .pattern(Some("^[0-9]{12}$"))
            .examples(["001090012345"])
            .into()
    }
}

#[cfg(feature = "openapi")]
impl utoipa::ToSchema for CitizenId {}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;
    use time::macros::date;

    use super::*;

    const TODAY: time::Date = date!(2026 - 03 - 30);

    fn parse(text: &str) -> Result<CitizenId, CitizenIdError> {
        CitizenId::parse(text, TODAY)
    }

    #[test]
    fn a_man_born_in_the_1990s_in_hanoi_is_decoded() {
        let id = parse("001095012345").unwrap();
        assert_eq!(id.province().code(), "001");
        assert_eq!(id.province().name(), "Hà Nội");
        assert_eq!(id.sex(), Sex::Male);
        assert_eq!(id.birth_year(), 1995);
        assert_eq!(id.as_str(), "001095012345");
    }

    #[test]
    fn a_woman_born_in_the_1900s_is_decoded() {
        let id = parse("048100000001").unwrap();
        assert_eq!(id.province().name(), "Đà Nẵng");
        assert_eq!(id.sex(), Sex::Female);
        assert_eq!(id.birth_year(), 1900);
    }

    #[test]
    fn a_woman_born_in_the_2000s_in_ho_chi_minh_city_is_decoded() {
        let id = parse("079303987654").unwrap();
        assert_eq!(id.province().name(), "TP. Hồ Chí Minh");
        assert_eq!(id.sex(), Sex::Female);
        assert_eq!(id.birth_year(), 2003);
    }

    #[test]
    fn a_man_born_in_the_2000s_is_decoded() {
        let id = parse("092225000000").unwrap();
        assert_eq!(id.province().name(), "Cần Thơ");
        assert_eq!(id.sex(), Sex::Male);
        assert_eq!(id.birth_year(), 2025);
    }

    #[test]
    fn later_centuries_decode_by_the_same_rule_once_their_years_have_come() {
        let far_future = date!(9999 - 12 - 31);
        let decode = |text| {
            let id = CitizenId::parse(text, far_future).unwrap();
            (id.sex(), id.birth_year())
        };
        assert_eq!(decode("031405000000"), (Sex::Male, 2105));
        assert_eq!(decode("031550000000"), (Sex::Female, 2150));
        assert_eq!(decode("031600000000"), (Sex::Male, 2200));
        assert_eq!(decode("031799000000"), (Sex::Female, 2299));
        assert_eq!(decode("031801000000"), (Sex::Male, 2301));
        assert_eq!(decode("031999000000"), (Sex::Female, 2399));
    }

    #[test]
    fn a_number_with_the_wrong_shape_is_refused() {
        for text in ["", "00109501234", "0010950123456", "00109501234a", "001 95012345", "００１095012345"] {
            assert_eq!(parse(text), Err(CitizenIdError::Shape), "{text}");
        }
    }

    #[test]
    fn a_province_code_outside_the_table_is_refused() {
        assert_eq!(parse("003095012345"), Err(CitizenIdError::Province));
        assert_eq!(parse("097095012345"), Err(CitizenIdError::Province));
        assert_eq!(parse("000095012345"), Err(CitizenIdError::Province));
    }

    #[test]
    fn a_birth_year_after_the_year_of_today_is_refused() {
        assert_eq!(parse("001227000000"), Err(CitizenIdError::BirthYearInFuture));
        assert_eq!(parse("001400000000"), Err(CitizenIdError::BirthYearInFuture));
    }

    #[test]
    fn a_birth_in_the_current_year_is_accepted_and_the_next_year_is_not() {
        let today = date!(2026 - 01 - 01);
        assert!(CitizenId::parse("001326000000", today).is_ok());
        assert_eq!(CitizenId::parse("001327000000", today), Err(CitizenIdError::BirthYearInFuture));
        assert!(CitizenId::parse("001327000000", date!(2027 - 01 - 01)).is_ok());
    }

    #[test]
    fn it_serialises_as_its_twelve_digits() {
        let id = parse("079303987654").unwrap();
        assert_eq!(serde_json::to_string(&id).unwrap(), "\"079303987654\"");
    }

    #[test]
    fn deserialising_checks_shape_and_province() {
        let err = serde_json::from_str::<CitizenId>("\"12345\"").unwrap_err();
        assert!(err.to_string().contains("cccd.shape"), "{err}");
        let err = serde_json::from_str::<CitizenId>("\"003095012345\"").unwrap_err();
        assert!(err.to_string().contains("cccd.province"), "{err}");
    }

    #[test]
    fn deserialising_cannot_check_the_birth_year_without_today() {
        // Documented behaviour: `parse` is the one place that knows `today`.
        let id: CitizenId = serde_json::from_str("\"001999000000\"").unwrap();
        assert_eq!(id.birth_year(), 2399);
    }

    #[test]
    fn errors_are_machine_codes_not_prose() {
        for error in [CitizenIdError::Shape, CitizenIdError::Province, CitizenIdError::BirthYearInFuture] {
            assert_eq!(error.to_string(), error.code());
        }
        assert_eq!(CitizenIdError::BirthYearInFuture.code(), "cccd.birth_year_in_future");
    }

    fn valid_id() -> impl Strategy<Value = String> {
        let province = proptest::sample::select(Province::all().to_vec());
        // Century digits 0–3 keep every birth year at or before 2099; the
        // test's `today` is pushed far enough out to accept all of them.
        (province, 0u8..=3, 0u8..=99, 0u32..=999_999)
            .prop_map(|(p, g, yy, serial)| format!("{}{g}{yy:02}{serial:06}", p.code()))
    }

    proptest! {
        #[test]
        fn parsing_never_panics_on_arbitrary_text(text in any::<String>()) {
            let _ = parse(&text);
        }

        #[test]
        fn parsing_never_panics_on_strings_of_digits(text in "[0-9]{0,14}") {
            let _ = parse(&text);
        }

        #[test]
        fn a_valid_number_round_trips_through_json(text in valid_id()) {
            let id = CitizenId::parse(&text, date!(2099 - 12 - 31)).unwrap();
            let json = serde_json::to_string(&id).unwrap();
            prop_assert_eq!(serde_json::from_str::<CitizenId>(&json).unwrap(), id);
        }
    }
}
