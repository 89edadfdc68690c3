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

/// Arguments of signing out. Signing out while the person has items not yet
/// sent is refused (`unsent_items`) unless `force`; the items stay on the
/// device and go out at their next sign-in. `null`, what callers sent before
/// this field existed, reads as `{}`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(from = "Option<SignOutFields>")]
pub struct SignOutArgs {
    #[serde(default)]
    pub force: bool,
}

/// The object form of [`SignOutArgs`].
#[derive(Debug, Clone, Copy, Default, Deserialize)]
struct SignOutFields {
    #[serde(default)]
    force: bool,
}

impl From<Option<SignOutFields>> for SignOutArgs {
    fn from(fields: Option<SignOutFields>) -> Self {
        Self { force: fields.unwrap_or_default().force }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sign_out_arguments_read_null_an_empty_object_and_force() {
        assert_eq!(serde_json::from_str::<SignOutArgs>("null").unwrap(), SignOutArgs { force: false });
        assert_eq!(serde_json::from_str::<SignOutArgs>("{}").unwrap(), SignOutArgs { force: false });
        let forced = serde_json::from_str::<SignOutArgs>(r#"{"force":true}"#).unwrap();
        assert_eq!(forced, SignOutArgs { force: true });
        assert_eq!(serde_json::to_value(forced).unwrap(), serde_json::json!({"force": true}));
    }
}
