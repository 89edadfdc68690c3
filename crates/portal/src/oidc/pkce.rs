//! Proof Key for Code Exchange (RFC 7636), S256 only: the `plain` method
//! would let anyone who saw the authorization request redeem the code, so it
//! is refused outright (RFC 9700 §2.1.1).

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq;

/// Why a PKCE parameter is refused; machine codes, as OAuth error details.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum PkceError {
    /// A `code_challenge_method` other than `S256`.
    #[error("pkce.method")]
    Method,
    /// A challenge that is not 43 base64url characters (a SHA-256).
    #[error("pkce.challenge_shape")]
    ChallengeShape,
    /// A verifier outside 43–128 unreserved characters.
    #[error("pkce.verifier_shape")]
    VerifierShape,
    /// The verifier does not hash to the challenge.
    #[error("pkce.mismatch")]
    Mismatch,
}

/// A code challenge accepted at `/authorize`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Challenge(String);

impl Challenge {
    /// Accepts `challenge` sent with `method`; only `S256` is allowed.
    pub fn parse(challenge: &str, method: &str) -> Result<Self, PkceError> {
        if method != "S256" {
            return Err(PkceError::Method);
        }
        let shaped = challenge.len() == 43
            && challenge.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
            && URL_SAFE_NO_PAD.decode(challenge).is_ok_and(|d| d.len() == 32);
        if !shaped {
            return Err(PkceError::ChallengeShape);
        }
        Ok(Self(challenge.to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// Checks the verifier sent to `/token` against this challenge, in
    /// constant time.
    pub fn verify(&self, verifier: &str) -> Result<(), PkceError> {
        let unreserved = |b: u8| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~');
        if !(43..=128).contains(&verifier.len()) || !verifier.bytes().all(unreserved) {
            return Err(PkceError::VerifierShape);
        }
        let computed = URL_SAFE_NO_PAD.encode(Sha256::digest(verifier.as_bytes()));
        if bool::from(computed.as_bytes().ct_eq(self.0.as_bytes())) { Ok(()) } else { Err(PkceError::Mismatch) }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    // The example of RFC 7636, Appendix B.
    const VERIFIER: &str = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk";
    const CHALLENGE: &str = "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM";

    #[test]
    fn the_rfc_example_verifies() {
        assert_eq!(Challenge::parse(CHALLENGE, "S256").unwrap().verify(VERIFIER), Ok(()));
    }

    #[test]
    fn the_plain_method_is_refused() {
        assert_eq!(Challenge::parse(VERIFIER, "plain"), Err(PkceError::Method));
        assert_eq!(Challenge::parse(CHALLENGE, "s256"), Err(PkceError::Method));
    }

    #[test]
    fn a_challenge_that_is_not_a_sha256_is_refused() {
        for challenge in
            ["", "abc", &CHALLENGE[1..], &format!("{CHALLENGE}A"), "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw+cM"]
        {
            assert_eq!(Challenge::parse(challenge, "S256"), Err(PkceError::ChallengeShape), "{challenge}");
        }
    }

    #[test]
    fn another_verifier_does_not_match() {
        let challenge = Challenge::parse(CHALLENGE, "S256").unwrap();
        let other = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXl";
        assert_eq!(challenge.verify(other), Err(PkceError::Mismatch));
    }

    #[test]
    fn a_verifier_of_the_wrong_length_or_alphabet_is_refused() {
        let challenge = Challenge::parse(CHALLENGE, "S256").unwrap();
        for verifier in ["short", &"a".repeat(129), &format!("{}!", &VERIFIER[..43])] {
            assert_eq!(challenge.verify(verifier), Err(PkceError::VerifierShape), "{verifier}");
        }
    }
}
