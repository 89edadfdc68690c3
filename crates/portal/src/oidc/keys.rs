//! The provider's signing keys: ES256 (ECDSA P-256), each named by its RFC
//! 7638 thumbprint, published as a JWKS. Rotation keeps retired keys in the
//! JWKS for a while, so ID tokens signed just before a rotation still verify.
//!
//! A key is parsed once, when it is loaded: the parsed key pair and the
//! encoded JWS header are kept, and every token is signed with them.
//! (`jsonwebtoken::encode` parses and checks the PKCS#8 document on every
//! call, and the check is an elliptic-curve multiplication, as costly as the
//! signature itself; at the token endpoint that doubled the signing cost.)

use aws_lc_rs::rand::SystemRandom;
use aws_lc_rs::signature::{ECDSA_P256_SHA256_FIXED_SIGNING, EcdsaKeyPair};
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use jsonwebtoken::jwk::{Jwk, JwkSet, PublicKeyUse, ThumbprintHash};
use jsonwebtoken::{Algorithm, DecodingKey, EncodingKey, Header, Validation};
use serde::Serialize;
use serde::de::DeserializeOwned;

/// How many retired keys stay published after a rotation.
pub const RETIRED_KEPT: usize = 2;

#[derive(Debug, thiserror::Error)]
pub enum KeyError {
    #[error("oidc.key_generation")]
    Generation,
    #[error("oidc.key_malformed")]
    Malformed,
    #[error("oidc.signing: {0}")]
    Signing(#[from] jsonwebtoken::errors::Error),
    #[error("oidc.signing.claims: {0}")]
    Claims(#[from] serde_json::Error),
    #[error("oidc.signing.ecdsa")]
    Ecdsa,
}

/// One ES256 key pair and its public JWK.
pub struct SigningKey {
    pkcs8: Vec<u8>,
    /// The key pair parsed from `pkcs8`, once.
    pair: EcdsaKeyPair,
    /// The JWS protected header (`alg`, `typ`, this key's `kid`), already
    /// base64url-encoded: it is the same for every token this key signs.
    header: String,
    jwk: Jwk,
}

impl std::fmt::Debug for SigningKey {
    // Never print private key material, even in a debug log.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SigningKey").field("kid", &self.kid()).finish_non_exhaustive()
    }
}

impl SigningKey {
    pub fn generate() -> Result<Self, KeyError> {
        let document = EcdsaKeyPair::generate_pkcs8(&ECDSA_P256_SHA256_FIXED_SIGNING, &SystemRandom::new())
            .map_err(|_| KeyError::Generation)?;
        Self::from_pkcs8(document.as_ref())
    }

    /// A key stored earlier with [`SigningKey::pkcs8`].
    pub fn from_pkcs8(der: &[u8]) -> Result<Self, KeyError> {
        let pair = EcdsaKeyPair::from_pkcs8(&ECDSA_P256_SHA256_FIXED_SIGNING, der).map_err(|_| KeyError::Malformed)?;
        let encoding = EncodingKey::from_ec_der(der);
        let mut jwk = Jwk::from_encoding_key(&encoding, Algorithm::ES256)?;
        jwk.common.public_key_use = Some(PublicKeyUse::Signature);
        let kid = jwk.thumbprint(ThumbprintHash::SHA256)?;
        jwk.common.key_id = Some(kid.clone());
        // The header jsonwebtoken writes: `typ`, `alg` and `kid`.
        let mut header = Header::new(Algorithm::ES256);
        header.kid = Some(kid);
        let header = URL_SAFE_NO_PAD.encode(serde_json::to_vec(&header)?);
        Ok(Self { pkcs8: der.to_vec(), pair, header, jwk })
    }

    /// The private key as PKCS#8 DER, to persist it.
    pub fn pkcs8(&self) -> &[u8] {
        &self.pkcs8
    }

    pub fn kid(&self) -> &str {
        self.jwk.common.key_id.as_deref().unwrap_or_default()
    }

    /// A compact JWS of `claims`, with this key's `kid` in the header: the
    /// encoded header, the encoded claims and the ES256 signature (r and s,
    /// 32 bytes each, RFC 7518 §3.4) of the two, as `jsonwebtoken::encode`
    /// writes it, with the key parsed once instead of on every call.
    pub fn sign<T: Serialize>(&self, claims: &T) -> Result<String, KeyError> {
        let claims = serde_json::to_vec(claims)?;
        // Header, claims and signature in base64url, two dots between them.
        let mut token = String::with_capacity(self.header.len() + claims.len().div_ceil(3) * 4 + 88);
        token.push_str(&self.header);
        token.push('.');
        URL_SAFE_NO_PAD.encode_string(&claims, &mut token);
        let signature = self.pair.sign(&SystemRandom::new(), token.as_bytes()).map_err(|_| KeyError::Ecdsa)?;
        token.push('.');
        URL_SAFE_NO_PAD.encode_string(signature.as_ref(), &mut token);
        Ok(token)
    }
}

/// The key that signs now, and the retired ones that still verify.
#[derive(Debug)]
pub struct KeyRing {
    current: SigningKey,
    retired: Vec<SigningKey>,
}

impl KeyRing {
    pub fn new(current: SigningKey) -> Self {
        Self { current, retired: Vec::new() }
    }

    /// A ring as stored: the current key and retired ones, newest first.
    pub fn from_parts(current: SigningKey, mut retired: Vec<SigningKey>) -> Self {
        retired.truncate(RETIRED_KEPT);
        Self { current, retired }
    }

    pub fn current(&self) -> &SigningKey {
        &self.current
    }

    /// Makes `next` the signing key; the old one is retired, and only the
    /// newest [`RETIRED_KEPT`] retired keys stay published.
    pub fn rotate(&mut self, next: SigningKey) {
        let old = std::mem::replace(&mut self.current, next);
        self.retired.insert(0, old);
        self.retired.truncate(RETIRED_KEPT);
    }

    /// The claims of a token one of these keys signed for `issuer`, checked
    /// for signature and issuer but not expiry: an ID token used as a hint
    /// (end-session) may be long expired and still name its session.
    pub fn verify_hint<T: DeserializeOwned>(&self, token: &str, issuer: &str) -> Option<T> {
        let kid = jsonwebtoken::decode_header(token).ok()?.kid?;
        let key = std::iter::once(&self.current).chain(&self.retired).find(|k| k.kid() == kid)?;
        let decoding = DecodingKey::from_jwk(&key.jwk).ok()?;
        let mut validation = Validation::new(Algorithm::ES256);
        validation.validate_exp = false;
        validation.validate_aud = false;
        validation.set_issuer(&[issuer]);
        Some(jsonwebtoken::decode::<T>(token, &decoding, &validation).ok()?.claims)
    }

    /// The public keys, for `/.well-known/jwks.json`.
    pub fn jwks(&self) -> JwkSet {
        JwkSet { keys: std::iter::once(&self.current).chain(&self.retired).map(|k| k.jwk.clone()).collect() }
    }
}

#[cfg(test)]
mod tests {
    use jsonwebtoken::{DecodingKey, Validation, decode, decode_header};
    use serde::Deserialize;

    use super::*;

    #[derive(Debug, Serialize, Deserialize, PartialEq)]
    struct Claims {
        sub: String,
        exp: u64,
    }

    fn claims() -> Claims {
        Claims { sub: "citizen-1".into(), exp: 4_102_444_800 }
    }

    /// Why a relying party would refuse a token.
    #[derive(Debug, PartialEq)]
    enum Refused {
        NoKid,
        KidNotPublished,
        Invalid,
    }

    /// What a relying party does: pick the key by `kid` from the JWKS.
    fn verify(token: &str, jwks: &JwkSet) -> Result<Claims, Refused> {
        let kid = decode_header(token).map_err(|_| Refused::Invalid)?.kid.ok_or(Refused::NoKid)?;
        let jwk = jwks.find(&kid).ok_or(Refused::KidNotPublished)?;
        let key = DecodingKey::from_jwk(jwk).map_err(|_| Refused::Invalid)?;
        let mut validation = Validation::new(Algorithm::ES256);
        validation.required_spec_claims.clear();
        decode::<Claims>(token, &key, &validation).map(|d| d.claims).map_err(|_| Refused::Invalid)
    }

    #[test]
    fn a_signed_token_verifies_against_the_published_jwks() {
        let ring = KeyRing::new(SigningKey::generate().unwrap());
        let token = ring.current().sign(&claims()).unwrap();
        assert_eq!(verify(&token, &ring.jwks()), Ok(claims()));
    }

    #[test]
    fn a_token_signs_exactly_what_jsonwebtoken_would_sign() {
        let key = SigningKey::generate().unwrap();
        let ours = key.sign(&claims()).unwrap();
        let mut header = Header::new(Algorithm::ES256);
        header.kid = Some(key.kid().to_owned());
        let theirs = jsonwebtoken::encode(&header, &claims(), &EncodingKey::from_ec_der(key.pkcs8())).unwrap();
        let (ours_signed, ours_signature) = ours.rsplit_once('.').unwrap();
        let (theirs_signed, _) = theirs.rsplit_once('.').unwrap();
        // ECDSA signatures are randomised; the header and claims they sign
        // are byte for byte the same.
        assert_eq!(ours_signed, theirs_signed);
        assert_eq!(URL_SAFE_NO_PAD.decode(ours_signature).unwrap().len(), 64);
    }

    #[test]
    fn a_signature_moved_onto_other_claims_does_not_verify() {
        let ring = KeyRing::new(SigningKey::generate().unwrap());
        let genuine = ring.current().sign(&claims()).unwrap();
        let other = ring.current().sign(&Claims { sub: "someone-else".into(), exp: 4_102_444_800 }).unwrap();
        let (other_claims, _) = other.rsplit_once('.').unwrap();
        let (_, genuine_signature) = genuine.rsplit_once('.').unwrap();
        assert!(verify(&format!("{other_claims}.{genuine_signature}"), &ring.jwks()).is_err());
        assert!(verify(&other, &ring.jwks()).is_ok());
    }

    #[test]
    fn tokens_signed_before_a_rotation_still_verify_until_the_key_ages_out() {
        let mut ring = KeyRing::new(SigningKey::generate().unwrap());
        let before = ring.current().sign(&claims()).unwrap();
        ring.rotate(SigningKey::generate().unwrap());
        assert_eq!(verify(&before, &ring.jwks()), Ok(claims()));
        let after = ring.current().sign(&claims()).unwrap();
        assert_ne!(decode_header(&before).unwrap().kid, decode_header(&after).unwrap().kid);
        for _ in 0..RETIRED_KEPT {
            ring.rotate(SigningKey::generate().unwrap());
        }
        assert_eq!(verify(&before, &ring.jwks()), Err(Refused::KidNotPublished));
        assert_eq!(ring.jwks().keys.len(), 1 + RETIRED_KEPT);
    }

    #[derive(Debug, Serialize, Deserialize, PartialEq)]
    struct IdClaims {
        iss: String,
        sub: String,
        exp: u64,
    }

    #[test]
    fn a_hint_verifies_long_after_it_expired_but_only_from_this_ring_and_issuer() {
        let ring = KeyRing::new(SigningKey::generate().unwrap());
        let expired = IdClaims { iss: "http://portal".into(), sub: "citizen-1".into(), exp: 1 };
        let token = ring.current().sign(&expired).unwrap();
        assert_eq!(ring.verify_hint::<IdClaims>(&token, "http://portal"), Some(expired));
        assert_eq!(ring.verify_hint::<IdClaims>(&token, "http://elsewhere"), None);
        let stranger = KeyRing::new(SigningKey::generate().unwrap());
        assert_eq!(stranger.verify_hint::<IdClaims>(&token, "http://portal"), None);
        assert_eq!(ring.verify_hint::<IdClaims>("not.a.token", "http://portal"), None);
    }

    #[test]
    fn a_stored_key_comes_back_with_the_same_kid() {
        let key = SigningKey::generate().unwrap();
        let again = SigningKey::from_pkcs8(key.pkcs8()).unwrap();
        assert_eq!(again.kid(), key.kid());
        assert!(SigningKey::from_pkcs8(b"not a key").is_err());
    }

    #[test]
    fn the_jwks_holds_no_private_material() {
        let ring = KeyRing::new(SigningKey::generate().unwrap());
        let json = serde_json::to_value(ring.jwks()).unwrap();
        let key = &json["keys"][0];
        assert_eq!(key["kty"], "EC");
        assert_eq!(key["crv"], "P-256");
        assert_eq!(key["use"], "sig");
        assert_eq!(key["alg"], "ES256");
        assert!(key.get("d").is_none(), "{key}");
        assert!(!format!("{:?}", ring.current()).contains("pkcs8"));
    }
}
