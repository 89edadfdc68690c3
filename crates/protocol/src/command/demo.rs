//! Commands of demo mode: scenario controls for support staff. The answers
//! are the demo portal's own types (`api::demo`).

use serde::{Deserialize, Serialize};

/// Arguments of playing a scenario for the acting profile.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DemoPlayArgs {
    pub scenario: String,
}
