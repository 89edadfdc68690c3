//! Who is calling: the signed-in person, the enterprises they may act for,
//! and the claims the identity provider vouches for. A contract with the portal.

use hoso_domain::identity::TaxCode;
use hoso_domain::profile::{Enterprise, Mandate, Person};
use serde::{Deserialize, Serialize};

/// Assurance of the sign-in: level 1 (ID number, name, birth date) or level 2
/// (equivalent to presenting the ID card), as VNeID defines them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum AssuranceLevel {
    Level1,
    Level2,
}

/// An enterprise the person may act for, with the mandate that allows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct EnterpriseAccess {
    pub enterprise: Enterprise,
    pub mandate: Mandate,
}

/// Answer of `GET /api/v1/profile`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Profile {
    pub person: Person,
    pub assurance: AssuranceLevel,
    /// Registered address, used to prefill forms.
    #[serde(default)]
    pub address: Option<String>,
    #[serde(default)]
    pub enterprises: Vec<EnterpriseAccess>,
}

impl Profile {
    /// The access record for `tax_code`, if the person has one.
    pub fn access_for(&self, tax_code: &TaxCode) -> Option<&EnterpriseAccess> {
        self.enterprises.iter().find(|e| &e.enterprise.tax_code == tax_code)
    }
}
