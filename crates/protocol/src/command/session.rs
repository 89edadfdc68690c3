//! Commands about who uses the app: signing in and out, the profile the app
//! acts for, and forgetting everything on this device.

use hoso_domain::profile::ActingAs;
use serde::{Deserialize, Serialize};

use super::AppMode;
use crate::api::account::Profile;

/// Who is signed in and for whom the app acts. The UI never sees a token,
/// only whether there is a session.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SessionState {
    pub mode: AppMode,
    pub signed_in: bool,
    /// The person and their mandates, once the portal has told the app;
    /// kept from the last sign-in so it shows offline.
    #[serde(default)]
    pub profile: Option<Profile>,
    /// Remembered across restarts; always `Myself` or an enterprise of `profile`.
    pub acting_as: ActingAs,
}

/// Arguments of signing in as a demo identity.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SignInDemoArgs {
    pub username: String,
}
