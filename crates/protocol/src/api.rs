//! The portal's public-service API, version 1: paths and bodies.

use hoso_domain::catalogue::Procedure;
use serde::{Deserialize, Serialize};

/// Paths under the portal's base URL.
pub mod path {
    /// `GET`: liveness, answers `ok`.
    pub const HEALTH: &str = "/health";
    /// `GET`: the whole catalogue, [`super::Catalogue`].
    pub const CATALOGUE: &str = "/api/v1/catalogue";
    /// `GET`: the demo identities, [`super::DemoIdentity`]; only on a portal started with `--demo`.
    pub const DEMO_IDENTITIES: &str = "/api/v1/demo/identities";
}

/// The procedure catalogue at one version.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Catalogue {
    /// Grows whenever any procedure changes, so a client can skip an unchanged catalogue.
    pub version: u64,
    pub procedures: Vec<Procedure>,
}

/// Who a demo identity stands for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DemoRole {
    Citizen,
    BusinessRepresentative,
    SupportOfficer,
}

/// An account that exists only on a portal started with `--demo`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DemoIdentity {
    pub username: String,
    pub full_name: String,
    pub role: DemoRole,
}
