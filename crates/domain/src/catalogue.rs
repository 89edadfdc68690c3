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
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema), schema(pattern = r"^[1-3]\.[0-9]{6}$", examples("1.001193")))]
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
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Localized {
    pub vi: String,
    pub en: String,
}

/// Decree 42/2022: fully online (*toàn trình*) or partly online (*một phần*).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum ServiceLevel {
    Full,
    Partial,
}

/// Which tier of government handles the procedure.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum AgencyLevel {
    Ministry,
    Province,
    Commune,
}

/// The implementing agency (*cơ quan thực hiện*).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Agency {
    /// The agency's e-ID code (*mã định danh*), e.g. `000.00.00.H30`; opaque.
    pub code: String,
    pub name: Localized,
    pub level: AgencyLevel,
}

/// The field (*lĩnh vực*) a procedure belongs to, e.g. civil status.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Field {
    /// The field code, e.g. `G03-GD10`; opaque.
    pub code: String,
    pub name: Localized,
}

/// How a dossier reaches the agency.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum ChannelKind {
    InPerson,
    Online,
    Post,
}

/// *Phí* (a charge for a service) or *lệ phí* (a state levy).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum FeeKind {
    Charge,
    Levy,
}

/// When a fee is paid, or why it is not.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum FeeMode {
    /// Paid when submitting.
    Before,
    /// Paid when the agency asks (status 6) or when the result is collected.
    After,
    /// Waived for this channel or these applicants.
    Exempt,
}

/// One fee of a channel.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Fee {
    pub kind: FeeKind,
    pub mode: FeeMode,
    /// In Vietnamese đồng; zero when exempt.
    pub amount_vnd: u64,
    pub description: Localized,
}

/// One way to file, with its legal processing time and fees.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Channel {
    pub kind: ChannelKind,
    /// Processing time in working days counted from valid acceptance.
    pub processing_days: u16,
    /// Empty when the channel is free.
    pub fees: Vec<Fee>,
}

impl Channel {
    /// What a citizen pays on this channel, all fees together.
    pub fn total_fee_vnd(&self) -> u64 {
        self.fees.iter().map(|f| f.amount_vnd).sum()
    }
}

/// One document of the dossier (*thành phần hồ sơ*), and the attachment slot
/// that carries it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RequiredDocument {
    /// Stable within the procedure; forms bind attachment slots to it.
    pub id: String,
    pub name: Localized,
    /// Whether the dossier is incomplete without it.
    pub required: bool,
    pub copies: u8,
    pub original: bool,
    /// Media types accepted for the scan, e.g. `application/pdf`, `image/jpeg`.
    pub media_types: Vec<String>,
    /// The largest file accepted, in bytes.
    pub max_bytes: u64,
    /// The form template the document follows, e.g. `CT01`, when the
    /// procedure's online form produces it.
    pub template: Option<String>,
    /// Whether the portal can reuse it from the citizen's e-data store.
    pub reusable: bool,
}

impl RequiredDocument {
    pub fn accepts_media_type(&self, media_type: &str) -> bool {
        self.media_types.iter().any(|m| m.eq_ignore_ascii_case(media_type))
    }
}

/// Who may file the procedure.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Applicant {
    Citizen,
    Enterprise,
}

/// What the citizen receives at the end (*kết quả*).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum ResultKind {
    Decision,
    Licence,
    Certificate,
    Confirmation,
    Extract,
    Notice,
}

/// The online form a procedure uses, by id and version (see [`crate::form`]).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct FormRef {
    pub id: String,
    pub version: u32,
}

/// An administrative procedure (*thủ tục hành chính*) as the catalogue lists it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Procedure {
    pub code: ProcedureCode,
    /// The national code with the agency part, e.g. `1.001193.000.00.00.H01`; opaque.
    pub full_code: String,
    pub name: Localized,
    pub agency: Agency,
    pub field: Field,
    pub level: ServiceLevel,
    pub applicants: Vec<Applicant>,
    pub channels: Vec<Channel>,
    pub documents: Vec<RequiredDocument>,
    pub result: ResultKind,
    /// The online form, when the procedure can be filed online.
    pub form: Option<FormRef>,
    /// Grows with every change of the procedure's rules.
    pub version: u32,
    pub effective_from: time::Date,
    pub effective_until: Option<time::Date>,
}

impl Procedure {
    /// The online channel, if the procedure can be filed online at all.
    pub fn online_channel(&self) -> Option<&Channel> {
        self.channels.iter().find(|c| c.kind == ChannelKind::Online)
    }

    /// The document an attachment slot is bound to.
    pub fn document(&self, id: &str) -> Option<&RequiredDocument> {
        self.documents.iter().find(|d| d.id == id)
    }

    /// Whether the procedure is in force on `today`.
    pub fn is_in_force(&self, today: time::Date) -> bool {
        self.effective_from <= today && self.effective_until.is_none_or(|until| today <= until)
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
