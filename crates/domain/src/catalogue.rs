//! The procedure catalogue: what a citizen can apply for, at which agency,
//! how long it takes and what it costs.
//!
//! Codes are parsed, not validated: a [`ProcedureCode`] in hand is always of
//! the national form `N.NNNNNN` (see `domain-vn.md`).

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

/// A national procedure code such as `1.001193`: one digit `1`–`3`, a dot,
/// six digits.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct ProcedureCode(String);

/// Why a text is not a procedure code; a machine code the UI translates.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum ProcedureCodeError {
    #[error("procedure_code.shape")]
    Shape,
    #[error("procedure_code.prefix")]
    Prefix,
}

impl ProcedureCode {
    pub fn parse(text: &str) -> Result<Self, ProcedureCodeError> {
        let bytes = text.as_bytes();
        let shaped = bytes.len() == 8
            && bytes[1] == b'.'
            && bytes[0].is_ascii_digit()
            && bytes[2..].iter().all(u8::is_ascii_digit);
        if !shaped {
            return Err(ProcedureCodeError::Shape);
        }
        if !(b'1'..=b'3').contains(&bytes[0]) {
            return Err(ProcedureCodeError::Prefix);
        }
        Ok(Self(text.to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl FromStr for ProcedureCode {
    type Err = ProcedureCodeError;
    fn from_str(text: &str) -> Result<Self, Self::Err> {
        Self::parse(text)
    }
}

impl TryFrom<String> for ProcedureCode {
    type Error = ProcedureCodeError;
    fn try_from(text: String) -> Result<Self, Self::Error> {
        Self::parse(&text)
    }
}

impl From<ProcedureCode> for String {
    fn from(code: ProcedureCode) -> Self {
        code.0
    }
}

impl fmt::Display for ProcedureCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// A text in Vietnamese, the language of record, and English.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Localized {
    pub vi: String,
    pub en: String,
}

/// Decree 42/2022: fully online (*toàn trình*) or partly online (*một phần*).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ServiceLevel {
    Full,
    Partial,
}

/// How a dossier reaches the agency.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ChannelKind {
    InPerson,
    Online,
    Post,
}

/// One way to file, with its legal processing time and fee.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Channel {
    pub kind: ChannelKind,
    /// Processing time in working days counted from valid acceptance.
    pub processing_days: u16,
    /// Fee in Vietnamese đồng; zero when the channel is free.
    pub fee_vnd: u64,
}

/// An administrative procedure (*thủ tục hành chính*) as the catalogue lists it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Procedure {
    pub code: ProcedureCode,
    pub name: Localized,
    pub agency: Localized,
    pub field: Localized,
    pub level: ServiceLevel,
    pub channels: Vec<Channel>,
}

impl Procedure {
    /// The online channel, if the procedure can be filed online at all.
    pub fn online_channel(&self) -> Option<&Channel> {
        self.channels.iter().find(|c| c.kind == ChannelKind::Online)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_national_code_with_a_known_prefix_parses() {
        let code = ProcedureCode::parse("1.001193").unwrap();
        assert_eq!(code.as_str(), "1.001193");
    }

    #[test]
    fn a_code_with_the_wrong_shape_is_refused() {
        for text in ["", "1001193", "1.00119", "1.0011934", "a.001193", "1-001193", "1.00119x"] {
            assert_eq!(ProcedureCode::parse(text), Err(ProcedureCodeError::Shape), "{text}");
        }
    }

    #[test]
    fn a_code_outside_the_national_prefixes_is_refused() {
        assert_eq!(ProcedureCode::parse("4.001193"), Err(ProcedureCodeError::Prefix));
        assert_eq!(ProcedureCode::parse("0.001193"), Err(ProcedureCodeError::Prefix));
    }

    #[test]
    fn a_malformed_code_in_json_is_refused_on_deserialising() {
        let err = serde_json::from_str::<ProcedureCode>("\"9.999\"").unwrap_err();
        assert!(err.to_string().contains("procedure_code.shape"), "{err}");
    }

    #[test]
    fn errors_are_machine_codes_not_prose() {
        assert_eq!(ProcedureCodeError::Prefix.to_string(), "procedure_code.prefix");
    }
}
