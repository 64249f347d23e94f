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
//! A sealed record is `v2.` + base64 of a random 24-byte nonce and the ciphertext; the
//! plaintext (the record's JSON) is zeroized after use. The associated data binds it to what
//! it belongs to (for a session record, a hash of the session's id): someone who can write to
//! the store but has no key cannot copy a victim's record under their own session and act as
//! the victim, because it opens under the victim's id only. (`v1.` records, bound to nothing,
//! are refused: their sessions sign in again.)

use base64::engine::general_purpose::STANDARD_NO_PAD as B64;
use base64::Engine;
use chacha20poly1305::aead::{Aead, AeadCore, KeyInit, OsRng, Payload};
use chacha20poly1305::{XChaCha20Poly1305, XNonce};
use zeroize::Zeroizing;

const PREFIX: &str = "v2.";
/// Binds a sealed record to its use: a blob sealed for something else does not open here.
const CONTEXT: &[u8] = b"atlas-integrations sealed v2:";
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

    /// Keys as an operator writes them: base64 (standard, padded or not) or hex of 32 bytes
    /// each, separated by commas, spaces or new lines; `#` starts a comment to the end of the
    /// line. The first seals. `source` names where they came from in errors, which never
    /// show key material.
    pub fn parse(text: &str, source: &str) -> Result<Self, KeyError> {
        let mut keys = Vec::new();
        let words = text
            .lines()
            .map(|line| line.split('#').next().unwrap_or_default())
            .flat_map(|line| line.split([',', ' ', '\t']))
            .map(str::trim)
            .filter(|w| !w.is_empty());
        for (n, word) in words.enumerate() {
            let bytes = Zeroizing::new(decode_key(word).ok_or_else(|| KeyError::Unreadable {
                origin: source.to_owned(),
                position: n + 1,
            })?);
            let key: [u8; 32] = bytes
                .as_slice()
                .try_into()
                .map_err(|_| KeyError::WrongLength {
                    origin: source.to_owned(),
                    position: n + 1,
                    len: bytes.len(),
                })?;
            keys.push(Zeroizing::new(key));
        }
        let keys: Vec<[u8; 32]> = keys.iter().map(|k| **k).collect();
        let ring = Self::from_keys(&keys);
        ring.ok_or_else(|| KeyError::None {
            origin: source.to_owned(),
        })
    }

    /// A new random key, as `parse` reads it (base64), for an operator to configure.
    pub fn generate() -> String {
        let key = XChaCha20Poly1305::generate_key(&mut OsRng);
        base64::engine::general_purpose::STANDARD.encode(key)
    }

    /// Seals `plaintext` for `bound_to` (what it belongs to: it opens only for the same).
    pub fn seal(&self, plaintext: &[u8], bound_to: &[u8]) -> String {
        let nonce = XChaCha20Poly1305::generate_nonce(&mut OsRng);
        let sealing = &self.ring[0];
        let aad = aad(bound_to);
        let ciphertext = sealing
            .encrypt(
                &nonce,
                Payload {
                    msg: plaintext,
                    aad: &aad,
                },
            )
            // Encryption fails only for inputs past 256 GiB.
            .unwrap_or_default();
        let mut blob = nonce.to_vec();
        blob.extend_from_slice(&ciphertext);
        format!("{PREFIX}{}", B64.encode(blob))
    }

    /// The plaintext, when one of the keys sealed `sealed` for `bound_to` and nothing changed
    /// it since.
    pub fn open(&self, sealed: &str, bound_to: &[u8]) -> Option<Zeroizing<Vec<u8>>> {
        let blob = B64.decode(sealed.strip_prefix(PREFIX)?).ok()?;
        if blob.len() < NONCE_LEN {
            return None;
        }
        let (nonce, ciphertext) = blob.split_at(NONCE_LEN);
        let nonce = XNonce::from_slice(nonce);
        let aad = aad(bound_to);
        self.ring.iter().find_map(|key| {
            key.decrypt(
                nonce,
                Payload {
                    msg: ciphertext,
                    aad: &aad,
                },
            )
            .ok()
            .map(Zeroizing::new)
        })
    }
}

fn aad(bound_to: &[u8]) -> Vec<u8> {
    [CONTEXT, bound_to].concat()
}

fn decode_key(word: &str) -> Option<Vec<u8>> {
    let hex = word.len() == 64 && word.bytes().all(|b| b.is_ascii_hexdigit());
    if hex {
        return (0..32)
            .map(|i| u8::from_str_radix(&word[2 * i..2 * i + 2], 16).ok())
            .collect();
    }
    B64.decode(word.trim_end_matches('=')).ok()
}

/// Why configured keys were refused. Says which key (by position), never what it holds.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum KeyError {
    #[error("{origin} holds no key")]
    None { origin: String },
    #[error("key {position} of {origin} is neither base64 nor hex")]
    Unreadable { origin: String, position: usize },
    #[error("key {position} of {origin} is {len} bytes; a key is 32 bytes (make one with `atlas-integrations session-key`)")]
    WrongLength {
        origin: String,
        position: usize,
        len: usize,
    },
}

#[cfg(test)]
mod tests {
    use super::*;

    const RECORD: &[u8] = br#"{"private_key":"s3cr3t-private-key"}"#;
    const ID: &[u8] = b"session one";

    #[test]
    fn a_sealed_record_opens_and_shows_nothing() {
        let keys = SessionKeys::ephemeral();
        let sealed = keys.seal(RECORD, ID);
        assert!(sealed.starts_with("v2."));
        assert!(!sealed.contains("s3cr3t"), "{sealed}");
        assert_eq!(
            keys.open(&sealed, ID).as_deref().map(Vec::as_slice),
            Some(RECORD)
        );
        // Two seals of the same record differ (a fresh nonce each time).
        assert_ne!(keys.seal(RECORD, ID), sealed);
        assert!(!format!("{keys:?}").contains('['));
    }

    #[test]
    fn a_changed_record_or_another_key_does_not_open() {
        let keys = SessionKeys::ephemeral();
        let sealed = keys.seal(RECORD, ID);
        let mut changed = sealed.clone().into_bytes();
        let last = changed.len() - 2;
        changed[last] = if changed[last] == b'A' { b'B' } else { b'A' };
        let changed = String::from_utf8(changed).expect("ascii");
        assert_eq!(keys.open(&changed, ID), None);
        assert_eq!(SessionKeys::ephemeral().open(&sealed, ID), None);
        for junk in ["", "v2.", "v2.!!!", "v1.AAAA", &sealed[3..]] {
            assert_eq!(keys.open(junk, ID), None, "{junk}");
        }
    }

    #[test]
    fn a_record_opens_only_for_what_it_was_sealed_for() {
        let keys = SessionKeys::ephemeral();
        let sealed = keys.seal(RECORD, ID);
        assert_eq!(keys.open(&sealed, b"session two"), None);
        assert_eq!(keys.open(&sealed, b""), None);
        assert!(keys.open(&sealed, ID).is_some());
    }

    #[test]
    fn keys_are_read_as_base64_or_hex_and_refused_with_a_clear_reason() {
        let one = SessionKeys::generate();
        let hex: String = [5u8; 32].iter().map(|b| format!("{b:02x}")).collect();
        let text = format!(
            "# new key first\n{one}\n{hex}, {}  # old\n",
            one.trim_end_matches('=')
        );
        let ring = SessionKeys::parse(&text, "SESSION_KEYS").expect("three keys");
        assert_eq!(ring.ring.len(), 3);
        let sealed = ring.seal(RECORD, ID);
        let first = SessionKeys::parse(&one, "x").expect("one key");
        assert!(first.open(&sealed, ID).is_some(), "the first key seals");

        let err = |text: &str| {
            SessionKeys::parse(text, "SESSION_KEYS")
                .unwrap_err()
                .to_string()
        };
        assert_eq!(err(" # nothing\n"), "SESSION_KEYS holds no key");
        assert_eq!(
            err(&format!("{one},not-a-key!")),
            "key 2 of SESSION_KEYS is neither base64 nor hex"
        );
        let short = B64.encode([1u8; 16]);
        let message = err(&short);
        assert!(
            message.starts_with("key 1 of SESSION_KEYS is 16 bytes"),
            "{message}"
        );
        assert!(!message.contains(&short), "no key material in errors");
    }

    #[test]
    fn a_rotated_ring_still_opens_what_the_old_key_sealed() {
        let (old, new) = ([7u8; 32], [9u8; 32]);
        let before = SessionKeys::from_keys(&[old]).expect("one key");
        let sealed = before.seal(RECORD, ID);
        let after = SessionKeys::from_keys(&[new, old]).expect("two keys");
        assert_eq!(
            after.open(&sealed, ID).as_deref().map(Vec::as_slice),
            Some(RECORD)
        );
        // New records are sealed with the new key: a ring without the old one opens them.
        let resealed = after.seal(RECORD, ID);
        let only_new = SessionKeys::from_keys(&[new]).expect("one key");
        assert!(only_new.open(&resealed, ID).is_some());
        assert_eq!(only_new.open(&sealed, ID), None);
        assert!(SessionKeys::from_keys(&[]).is_none());
    }
}
