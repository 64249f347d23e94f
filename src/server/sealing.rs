//! The signed-in user's record is sealed before the session store holds it: encrypted and
//! authenticated with XChaCha20-Poly1305 (RustCrypto's `chacha20poly1305`), so the store, in
//! memory today and shared between replicas tomorrow, never holds a credential in clear, and a
//! record changed in the store is refused rather than believed.
//!
//! Keys come as a ring: the first seals, every one opens, so a key can be replaced without
//! signing everyone out (add the new one first, drop the old one once sessions sealed with it
//! have expired). With the in-memory store the ring is one random key per process: its
//! sessions end with the process anyway.
//!
//! A sealed record is `v1.` + base64 of a random 24-byte nonce and the ciphertext; the
//! plaintext (the record's JSON) is zeroized after use.

use base64::engine::general_purpose::STANDARD_NO_PAD as B64;
use base64::Engine;
use chacha20poly1305::aead::{Aead, AeadCore, KeyInit, OsRng, Payload};
use chacha20poly1305::{XChaCha20Poly1305, XNonce};
use zeroize::Zeroizing;

const PREFIX: &str = "v1.";
/// Binds a sealed record to its use: a blob sealed for something else does not open here.
const CONTEXT: &[u8] = b"atlas-integrations session user v1";
const NONCE_LEN: usize = 24;

/// The keys that seal and open session records. `Debug` shows how many, never a key.
pub struct SessionKeys {
    ring: Vec<XChaCha20Poly1305>,
}

impl std::fmt::Debug for SessionKeys {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SessionKeys")
            .field("keys", &self.ring.len())
            .finish()
    }
}

impl SessionKeys {
    /// One random key, for a store that lives and dies with this process.
    pub fn ephemeral() -> Self {
        SessionKeys {
            ring: vec![XChaCha20Poly1305::new(&XChaCha20Poly1305::generate_key(
                &mut OsRng,
            ))],
        }
    }

    /// 32-byte keys, the first sealing; `None` when there is none.
    pub fn from_keys(keys: &[[u8; 32]]) -> Option<Self> {
        let ring: Vec<_> = keys
            .iter()
            .map(|k| XChaCha20Poly1305::new(k.into()))
            .collect();
        (!ring.is_empty()).then_some(SessionKeys { ring })
    }

    pub fn seal(&self, plaintext: &[u8]) -> String {
        let nonce = XChaCha20Poly1305::generate_nonce(&mut OsRng);
        let sealing = &self.ring[0];
        let ciphertext = sealing
            .encrypt(
                &nonce,
                Payload {
                    msg: plaintext,
                    aad: CONTEXT,
                },
            )
            // Encryption fails only for inputs past 256 GiB.
            .unwrap_or_default();
        let mut blob = nonce.to_vec();
        blob.extend_from_slice(&ciphertext);
        format!("{PREFIX}{}", B64.encode(blob))
    }

    /// The plaintext, when one of the keys sealed `sealed` and nothing changed it since.
    pub fn open(&self, sealed: &str) -> Option<Zeroizing<Vec<u8>>> {
        let blob = B64.decode(sealed.strip_prefix(PREFIX)?).ok()?;
        if blob.len() < NONCE_LEN {
            return None;
        }
        let (nonce, ciphertext) = blob.split_at(NONCE_LEN);
        let nonce = XNonce::from_slice(nonce);
        self.ring.iter().find_map(|key| {
            key.decrypt(
                nonce,
                Payload {
                    msg: ciphertext,
                    aad: CONTEXT,
                },
            )
            .ok()
            .map(Zeroizing::new)
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const RECORD: &[u8] = br#"{"private_key":"s3cr3t-private-key"}"#;

    #[test]
    fn a_sealed_record_opens_and_shows_nothing() {
        let keys = SessionKeys::ephemeral();
        let sealed = keys.seal(RECORD);
        assert!(sealed.starts_with("v1."));
        assert!(!sealed.contains("s3cr3t"), "{sealed}");
        assert_eq!(
            keys.open(&sealed).as_deref().map(Vec::as_slice),
            Some(RECORD)
        );
        // Two seals of the same record differ (a fresh nonce each time).
        assert_ne!(keys.seal(RECORD), sealed);
        assert!(!format!("{keys:?}").contains('['));
    }

    #[test]
    fn a_changed_record_or_another_key_does_not_open() {
        let keys = SessionKeys::ephemeral();
        let sealed = keys.seal(RECORD);
        let mut changed = sealed.clone().into_bytes();
        let last = changed.len() - 2;
        changed[last] = if changed[last] == b'A' { b'B' } else { b'A' };
        let changed = String::from_utf8(changed).expect("ascii");
        assert_eq!(keys.open(&changed), None);
        assert_eq!(SessionKeys::ephemeral().open(&sealed), None);
        for junk in ["", "v1.", "v1.!!!", "v2.AAAA", &sealed[3..]] {
            assert_eq!(keys.open(junk), None, "{junk}");
        }
    }

    #[test]
    fn a_rotated_ring_still_opens_what_the_old_key_sealed() {
        let (old, new) = ([7u8; 32], [9u8; 32]);
        let before = SessionKeys::from_keys(&[old]).expect("one key");
        let sealed = before.seal(RECORD);
        let after = SessionKeys::from_keys(&[new, old]).expect("two keys");
        assert_eq!(
            after.open(&sealed).as_deref().map(Vec::as_slice),
            Some(RECORD)
        );
        // New records are sealed with the new key: a ring without the old one opens them.
        let resealed = after.seal(RECORD);
        let only_new = SessionKeys::from_keys(&[new]).expect("one key");
        assert!(only_new.open(&resealed).is_some());
        assert_eq!(only_new.open(&sealed), None);
        assert!(SessionKeys::from_keys(&[]).is_none());
    }
}
