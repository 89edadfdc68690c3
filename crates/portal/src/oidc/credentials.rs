//! The fallback sign-in method, for people without a passkey: a password
//! (stored as an Argon2id hash) and a one-time code from an authenticator app
//! (TOTP, RFC 6238: six digits, 30-second steps, one step of clock skew).
//! A code is accepted once: its step is remembered and an equal or earlier
//! step is refused, so a code seen over a shoulder cannot be replayed.

use argon2::Argon2;
use argon2::password_hash::{PasswordHasher, PasswordVerifier};
use totp_rs::{Builder, Secret, Totp};

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CredentialError {
    #[error("credentials.hashing")]
    Hashing,
    #[error("credentials.otp_secret")]
    OtpSecret,
    #[error("credentials.otp_wrong")]
    OtpWrong,
    #[error("credentials.otp_reused")]
    OtpReused,
}

/// The PHC string (`$argon2id$v=19$…`) to store for `password`, with a fresh salt.
pub fn hash_password(password: &str) -> Result<String, CredentialError> {
    let hash = Argon2::default().hash_password(password.as_bytes()).map_err(|_| CredentialError::Hashing)?;
    Ok(hash.to_string())
}

/// Whether `password` matches the stored PHC string; a malformed one never matches.
pub fn verify_password(stored: &str, password: &str) -> bool {
    Argon2::default().verify_password(password.as_bytes(), stored).is_ok()
}

/// A person's authenticator-app enrolment.
pub struct OneTimeCodes {
    totp: Totp,
}

impl OneTimeCodes {
    /// From the base32 secret shared with the authenticator app.
    pub fn from_base32(secret: &str) -> Result<Self, CredentialError> {
        let secret = Secret::try_from_base32(secret).map_err(|_| CredentialError::OtpSecret)?;
        let totp = Builder::new().with_secret(secret).build().map_err(|_| CredentialError::OtpSecret)?;
        Ok(Self { totp })
    }

    /// Accepts `code` at unix time `now` if it is right and newer than the
    /// last accepted step; returns the step to remember.
    pub fn accept(&self, code: &str, now: u64, last_step: Option<u64>) -> Result<u64, CredentialError> {
        let step = self.totp.check(code.trim(), now).ok_or(CredentialError::OtpWrong)?;
        if last_step.is_some_and(|last| step <= last) {
            return Err(CredentialError::OtpReused);
        }
        Ok(step)
    }

    /// The code an authenticator app shows at `now` (demo accounts and tests).
    pub fn code_at(&self, now: u64) -> String {
        self.totp.generate(now).to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const SECRET: &str = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP";

    #[test]
    fn a_password_verifies_against_its_hash_and_nothing_else() {
        let stored = hash_password("mật khẩu đúng").unwrap();
        assert!(stored.starts_with("$argon2id$"));
        assert!(verify_password(&stored, "mật khẩu đúng"));
        assert!(!verify_password(&stored, "mật khẩu sai"));
        assert!(!verify_password("not a hash", "mật khẩu đúng"));
    }

    #[test]
    fn the_same_password_hashes_differently_each_time() {
        assert_ne!(hash_password("abc").unwrap(), hash_password("abc").unwrap());
    }

    #[test]
    fn the_current_code_is_accepted_and_the_neighbouring_steps_too() {
        let codes = OneTimeCodes::from_base32(SECRET).unwrap();
        let now = 1_795_000_000;
        assert!(codes.accept(&codes.code_at(now), now, None).is_ok());
        assert!(codes.accept(&codes.code_at(now - 30), now, None).is_ok());
        assert!(codes.accept(&codes.code_at(now + 30), now, None).is_ok());
        assert_eq!(codes.accept(&codes.code_at(now - 120), now, None), Err(CredentialError::OtpWrong));
        assert_eq!(codes.accept("12345", now, None), Err(CredentialError::OtpWrong));
    }

    #[test]
    fn a_code_is_accepted_only_once() {
        let codes = OneTimeCodes::from_base32(SECRET).unwrap();
        let now = 1_795_000_000;
        let step = codes.accept(&codes.code_at(now), now, None).unwrap();
        assert_eq!(codes.accept(&codes.code_at(now), now, Some(step)), Err(CredentialError::OtpReused));
        assert!(codes.accept(&codes.code_at(now + 30), now + 30, Some(step)).is_ok());
    }

    #[test]
    fn a_secret_that_is_not_base32_is_refused() {
        assert!(OneTimeCodes::from_base32("not base32!").is_err());
    }
}
