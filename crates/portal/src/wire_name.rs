//! Unit enums stored as text: the same snake_case names they carry on the
//! wire (`citizen`, `legal_representative`, `submitted`…), so the database
//! and the API never disagree about a value's name.

use serde::Serialize;
use serde::de::DeserializeOwned;

use crate::PortalError;

/// The wire name of a unit enum value.
pub fn to_name<T: Serialize>(value: &T) -> Result<String, PortalError> {
    match serde_json::to_value(value).map_err(PortalError::Corrupt)? {
        serde_json::Value::String(name) => Ok(name),
        other => Ok(other.to_string()),
    }
}

/// The value a stored wire name stands for.
pub fn from_name<T: DeserializeOwned>(name: &str) -> Result<T, PortalError> {
    serde_json::from_value(serde_json::Value::String(name.to_owned())).map_err(PortalError::Corrupt)
}
