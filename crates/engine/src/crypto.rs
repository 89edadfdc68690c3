//! The engine's cryptography, all through ring (the library rustls runs on in
//! the engine too): random keys, SHA-256, and the sealing of attachment files
//! (AES-256-GCM, named by a keyed hash so a file name never reveals which
//! document it holds). The formats are the standard ones, so files sealed
//! when this was aws-lc-rs open alike.

use ring::aead::{AES_256_GCM, Aad, LessSafeKey, NONCE_LEN, Nonce, UnboundKey};
use ring::rand::{SecureRandom, SystemRandom};
use ring::{digest, hmac};

use crate::EngineError;
use crate::store::hex;

/// 32 fresh random bytes: a new key.
pub fn random_key() -> Result<[u8; 32], EngineError> {
    let mut key = [0u8; 32];
    SystemRandom::new().fill(&mut key).map_err(|_| EngineError::Crypto("no randomness"))?;
    Ok(key)
}

/// SHA-256 of `bytes`, lowercase hex: an attachment's content address.
pub fn sha256_hex(bytes: &[u8]) -> String {
    hex(digest::digest(&digest::SHA256, bytes).as_ref())
}

/// The two keys of attachment files, derived from one stored secret so that
/// naming and encrypting never share a key.
pub struct AttachmentKeys {
    seal: LessSafeKey,
    name: hmac::Key,
}

impl AttachmentKeys {
    pub fn new(secret: &[u8; 32]) -> Result<Self, EngineError> {
        let master = hmac::Key::new(hmac::HMAC_SHA256, secret);
        let seal_key = hmac::sign(&master, b"hoso attachment file encryption v1");
        let name_key = hmac::sign(&master, b"hoso attachment file name v1");
        let unbound =
            UnboundKey::new(&AES_256_GCM, seal_key.as_ref()).map_err(|_| EngineError::Crypto("attachment key"))?;
        Ok(Self { seal: LessSafeKey::new(unbound), name: hmac::Key::new(hmac::HMAC_SHA256, name_key.as_ref()) })
    }

    /// The file name for content whose SHA-256 is `sha256`: the same content
    /// always lands in the same file, and without the key nobody can tell
    /// which content a file holds by hashing candidates.
    pub fn file_name(&self, sha256: &str) -> String {
        hex(hmac::sign(&self.name, sha256.as_bytes()).as_ref())
    }

    /// `nonce ‖ ciphertext ‖ tag`, bound to `file_name` so a file renamed
    /// onto another's name does not open.
    pub fn seal(&self, file_name: &str, plaintext: &[u8]) -> Result<Vec<u8>, EngineError> {
        let mut nonce = [0u8; NONCE_LEN];
        SystemRandom::new().fill(&mut nonce).map_err(|_| EngineError::Crypto("no randomness"))?;
        let mut sealed = Vec::with_capacity(NONCE_LEN + plaintext.len() + AES_256_GCM.tag_len());
        sealed.extend_from_slice(&nonce);
        let mut body = plaintext.to_vec();
        self.seal
            .seal_in_place_append_tag(Nonce::assume_unique_for_key(nonce), Aad::from(file_name.as_bytes()), &mut body)
            .map_err(|_| EngineError::Crypto("sealing an attachment"))?;
        sealed.extend_from_slice(&body);
        Ok(sealed)
    }

    pub fn open(&self, file_name: &str, mut sealed: Vec<u8>) -> Result<Vec<u8>, EngineError> {
        if sealed.len() < NONCE_LEN {
            return Err(EngineError::CannotDecrypt);
        }
        let body = sealed.split_off(NONCE_LEN);
        let nonce = Nonce::try_assume_unique_for_key(&sealed).map_err(|_| EngineError::CannotDecrypt)?;
        let mut body = body;
        let plain = self
            .seal
            .open_in_place(nonce, Aad::from(file_name.as_bytes()), &mut body)
            .map_err(|_| EngineError::CannotDecrypt)?;
        Ok(plain.to_vec())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_sealed_file_opens_with_its_key_and_name_only() {
        let keys = AttachmentKeys::new(&[1; 32]).unwrap();
        let name = keys.file_name(&sha256_hex(b"hello"));
        let sealed = keys.seal(&name, b"hello").unwrap();
        assert!(!sealed.windows(5).any(|w| w == b"hello"));
        assert_eq!(keys.open(&name, sealed.clone()).unwrap(), b"hello");
        assert!(matches!(keys.open("another", sealed.clone()), Err(EngineError::CannotDecrypt)));
        let other = AttachmentKeys::new(&[2; 32]).unwrap();
        assert!(matches!(other.open(&name, sealed), Err(EngineError::CannotDecrypt)));
    }

    #[test]
    fn files_sealed_before_the_move_to_ring_keep_their_names_and_open() {
        // Made with Python's `hmac` and `cryptography` (OpenSSL), not with
        // this code: the naming and sealing are standard HMAC-SHA256 and
        // AES-256-GCM (nonce ‖ ciphertext ‖ tag, the name as associated
        // data), so what aws-lc-rs sealed, ring opens.
        let keys = AttachmentKeys::new(&[1; 32]).unwrap();
        let name = keys.file_name(&sha256_hex(b"hello"));
        assert_eq!(name, "22c76d4f4d4cacf1d4538ab0975e6bc4844c4354951876cf989bf72e9addbd1b");
        let sealed = "000102030405060708090a0b49e25367a7ed392c077fa9076245fb5fe2e67372df";
        let sealed: Vec<u8> =
            (0..sealed.len()).step_by(2).map(|i| u8::from_str_radix(&sealed[i..i + 2], 16).unwrap()).collect();
        assert_eq!(keys.open(&name, sealed).unwrap(), b"hello");
    }

    #[test]
    fn a_file_name_is_not_the_content_hash_and_depends_on_the_key() {
        let sha = sha256_hex(b"hello");
        let name = AttachmentKeys::new(&[1; 32]).unwrap().file_name(&sha);
        assert_ne!(name, sha);
        assert_ne!(name, AttachmentKeys::new(&[2; 32]).unwrap().file_name(&sha));
        assert_eq!(name, AttachmentKeys::new(&[1; 32]).unwrap().file_name(&sha));
    }
}
