//! HTTP Digest (RFC 7616) as Atlas answers it: realm `MMS Public API`, MD5, qop `auth`, no
//! opaque (recorded challenge). Nonces live `--nonce-ttl-secs`; while a nonce lives, each `nc`
//! is accepted once, in any order within a window ([`SeenCounts`]); an expired or unknown
//! nonce with a correct response gets `stale=true`.

use std::collections::HashMap;
use std::time::{Duration, Instant};

use md5::{Digest, Md5};
use rand::Rng;

use super::constant_time_eq;

pub const REALM: &str = "MMS Public API";

/// Bound on remembered nonces: every challenge issues one, so a flood of unauthenticated
/// requests must not grow memory without limit.
const MAX_NONCES: usize = 100_000;

struct NonceState {
    issued: Instant,
    seen: SeenCounts,
}

/// The `nc` values a nonce was accepted with: RFC 7616 §3.4 has the server detect a replay as
/// "the same nc-value … seen twice", and asks nothing about order. Requests signed in order
/// by concurrent callers reach the server out of order, so refusing a lower `nc` would
/// challenge honest requests (RFC 2617 §3.2.3 wants nonce reuse to keep pipelining working).
/// Whether Atlas accepts a lower `nc` is [unverified]; the client never sends one
/// (`atlas-client`'s `digest.rs`), so this tolerance serves other clients and is not relied on.
///
/// A sliding window, as IPsec's anti-replay check keeps one (RFC 4303 §3.4.3): the highest
/// `nc` accepted, and which of the `WINDOW` values below it were. An `nc` older than the window
/// cannot be told from a replay and is refused.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct SeenCounts {
    highest: u32,
    /// Bit `i` set: `highest - i` was accepted.
    below: u128,
}

impl SeenCounts {
    pub const WINDOW: u32 = u128::BITS;

    /// Records `nc`; `false` if it was seen before, is 0, or is too old to tell.
    pub fn accept(&mut self, nc: u32) -> bool {
        if nc == 0 {
            return false;
        }
        if nc > self.highest {
            let shift = nc - self.highest;
            self.below = if shift >= Self::WINDOW {
                0
            } else {
                self.below << shift
            };
            self.below |= 1;
            self.highest = nc;
            return true;
        }
        let age = self.highest - nc;
        if age >= Self::WINDOW || self.below & (1 << age) != 0 {
            return false;
        }
        self.below |= 1 << age;
        true
    }
}

pub struct NonceStore {
    ttl: Duration,
    nonces: HashMap<String, NonceState>,
}

/// What a Digest `Authorization` header proved.
#[derive(Debug, PartialEq, Eq)]
pub enum DigestOutcome {
    /// The key whose secret signed the request.
    Valid(String),
    /// Right secret, but the nonce expired or is unknown: challenge with `stale=true`.
    Stale,
    /// Anything else: challenge with `stale=false`.
    Invalid,
}

impl NonceStore {
    pub fn new(ttl: Duration) -> Self {
        NonceStore {
            ttl,
            nonces: HashMap::new(),
        }
    }

    /// A fresh 32-character nonce, like the recorded `+4YICU5YLx6mQEzmVhx1G5ySQVrufjv6`.
    pub fn issue(&mut self) -> String {
        const ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
        let mut rng = rand::thread_rng();
        let nonce: String = (0..32)
            .map(|_| ALPHABET[rng.gen_range(0..ALPHABET.len())] as char)
            .collect();
        let now = Instant::now();
        if self.nonces.len() >= MAX_NONCES {
            let ttl = self.ttl;
            self.nonces
                .retain(|_, s| now.duration_since(s.issued) < ttl);
            if self.nonces.len() >= MAX_NONCES {
                self.nonces.clear();
            }
        }
        self.nonces.insert(
            nonce.clone(),
            NonceState {
                issued: now,
                seen: SeenCounts::default(),
            },
        );
        nonce
    }

    /// Makes every current nonce stale (test hook).
    pub fn expire_all(&mut self) {
        self.nonces.clear();
    }

    /// The `WWW-Authenticate` value, exactly as recorded.
    pub fn challenge(&mut self, stale: bool) -> String {
        let nonce = self.issue();
        format!(
            "Digest realm=\"{REALM}\", domain=\"\", nonce=\"{nonce}\", algorithm=MD5, qop=\"auth\", stale={stale}"
        )
    }

    /// Checks `Authorization: Digest …` for `method` and the request's path-and-query.
    /// `secret_of` finds a key's private key.
    pub fn verify(
        &mut self,
        header: &str,
        method: &str,
        request_uri: &str,
        secret_of: impl Fn(&str) -> Option<String>,
    ) -> DigestOutcome {
        let Some(params) = parse(header) else {
            return DigestOutcome::Invalid;
        };
        let get = |k: &str| params.get(k).map(String::as_str);
        let (Some(username), Some(realm), Some(nonce), Some(uri), Some(response)) = (
            get("username"),
            get("realm"),
            get("nonce"),
            get("uri"),
            get("response"),
        ) else {
            return DigestOutcome::Invalid;
        };
        // Only what the challenge offers: MD5 (or no algorithm, which means MD5) and qop=auth.
        if !matches!(get("algorithm"), None | Some("MD5"))
            || get("qop") != Some("auth")
            || realm != REALM
        {
            return DigestOutcome::Invalid;
        }
        let (Some(nc_hex), Some(cnonce)) = (get("nc"), get("cnonce")) else {
            return DigestOutcome::Invalid;
        };
        let Ok(nc) = u32::from_str_radix(nc_hex, 16) else {
            return DigestOutcome::Invalid;
        };
        // The signed uri must be this request's (absolute-form accepted too).
        if uri != request_uri && !uri.ends_with(request_uri) {
            return DigestOutcome::Invalid;
        }
        let Some(secret) = secret_of(username) else {
            return DigestOutcome::Invalid;
        };
        let ha1 = md5_hex(&format!("{username}:{REALM}:{secret}"));
        let ha2 = md5_hex(&format!("{method}:{uri}"));
        let expected = md5_hex(&format!("{ha1}:{nonce}:{nc_hex}:{cnonce}:auth:{ha2}"));
        if !constant_time_eq(
            expected.as_bytes(),
            response.to_ascii_lowercase().as_bytes(),
        ) {
            return DigestOutcome::Invalid;
        }
        let now = Instant::now();
        let ttl = self.ttl;
        match self.nonces.get_mut(nonce) {
            Some(state) if now.duration_since(state.issued) >= ttl => {
                self.nonces.remove(nonce);
                DigestOutcome::Stale
            }
            None => DigestOutcome::Stale,
            Some(state) => {
                if state.seen.accept(nc) {
                    DigestOutcome::Valid(username.to_string())
                } else {
                    // A replay, with the right response for this nonce and nc: `stale=false`,
                    // since RFC 7616 §3.3 keeps `stale=true` for a nonce itself invalid.
                    DigestOutcome::Invalid
                }
            }
        }
    }
}

pub fn md5_hex(s: &str) -> String {
    // Two table lookups a byte, one allocation: a `format!` per byte was most of the Digest
    // check's cost, and the emulator's CPU is the dashboard's in the benchmarks (issue #28).
    const HEX: &[u8; 16] = b"0123456789abcdef";
    let mut out = String::with_capacity(32);
    for b in Md5::digest(s.as_bytes()) {
        out.push(HEX[usize::from(b >> 4)] as char);
        out.push(HEX[usize::from(b & 0x0f)] as char);
    }
    out
}

/// The `key=value` pairs after `Digest `; values quoted or bare. `None` if not Digest.
pub fn parse(header: &str) -> Option<HashMap<String, String>> {
    let (scheme, rest) = header.trim().split_once(char::is_whitespace)?;
    if !scheme.eq_ignore_ascii_case("digest") {
        return None;
    }
    let mut out = HashMap::new();
    let mut chars = rest.chars().peekable();
    loop {
        while matches!(chars.peek(), Some(c) if c.is_whitespace() || *c == ',') {
            chars.next();
        }
        let mut key = String::new();
        while let Some(&c) = chars.peek() {
            if c == '=' {
                break;
            }
            key.push(c);
            chars.next();
        }
        if key.is_empty() {
            break;
        }
        chars.next()?; // '='
        let mut value = String::new();
        if chars.peek() == Some(&'"') {
            chars.next();
            while let Some(c) = chars.next() {
                match c {
                    '\\' => value.push(chars.next()?),
                    '"' => break,
                    c => value.push(c),
                }
            }
        } else {
            while let Some(&c) = chars.peek() {
                if c == ',' {
                    break;
                }
                value.push(c);
                chars.next();
            }
        }
        out.insert(key.trim().to_ascii_lowercase(), value.trim().to_string());
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sign(nonce: &str, nc: &str, secret: &str, uri: &str) -> String {
        sign_with_cnonce(nonce, nc, "abc", secret, uri)
    }

    fn sign_with_cnonce(nonce: &str, nc: &str, cnonce: &str, secret: &str, uri: &str) -> String {
        let ha1 = md5_hex(&format!("user:{REALM}:{secret}"));
        let ha2 = md5_hex(&format!("GET:{uri}"));
        let resp = md5_hex(&format!("{ha1}:{nonce}:{nc}:{cnonce}:auth:{ha2}"));
        format!(
            r#"Digest username="user", realm="MMS Public API", nonce="{nonce}", uri="{uri}", algorithm=MD5, qop=auth, nc={nc}, cnonce="{cnonce}", response="{resp}""#
        )
    }

    /// RFC 1321's own test vectors, so the hex is checked against something other than
    /// itself (the tests below sign with `md5_hex` too).
    #[test]
    fn md5_hex_matches_rfc_1321() {
        assert_eq!(md5_hex(""), "d41d8cd98f00b204e9800998ecf8427e");
        assert_eq!(md5_hex("abc"), "900150983cd24fb0d6963f7d28e17f72");
        assert_eq!(
            md5_hex(
                "12345678901234567890123456789012345678901234567890123456789012345678901234567890"
            ),
            "57edf4a22be3c955ac49da2e2107b67a"
        );
    }

    #[test]
    fn each_nc_is_accepted_once_in_any_order_and_replays_are_refused() {
        let mut store = NonceStore::new(Duration::from_secs(30));
        let nonce = store.issue();
        let secret = |_: &str| Some("pw".to_string());
        let valid = DigestOutcome::Valid("user".into());
        // Signed 1, 2, 3 by three concurrent callers, arriving 3, 1, 2.
        for nc in ["00000003", "00000001", "00000002"] {
            let header = sign(&nonce, nc, "pw", "/x");
            assert_eq!(store.verify(&header, "GET", "/x", secret), valid, "{nc}");
        }
        // The very same request again (nonce, nc, cnonce): a replay.
        let replay = sign(&nonce, "00000002", "pw", "/x");
        assert_eq!(
            store.verify(&replay, "GET", "/x", secret),
            DigestOutcome::Invalid
        );
        // A used nc with another cnonce is a replay too: the nc is what RFC 7616 counts.
        let other_cnonce = sign_with_cnonce(&nonce, "00000001", "def", "pw", "/x");
        assert_eq!(
            store.verify(&other_cnonce, "GET", "/x", secret),
            DigestOutcome::Invalid
        );
        // A refused signature does not use up its nc.
        let wrong = sign(&nonce, "00000004", "bad", "/x");
        assert_eq!(
            store.verify(&wrong, "GET", "/x", secret),
            DigestOutcome::Invalid
        );
        let right = sign(&nonce, "00000004", "pw", "/x");
        assert_eq!(store.verify(&right, "GET", "/x", secret), valid);
    }

    #[test]
    fn the_window_remembers_the_last_128_counts() {
        let mut seen = SeenCounts::default();
        assert!(!seen.accept(0), "nc starts at 1");
        // Every count up to 300, in an order scrambled within 64 of its place.
        let mut order: Vec<u32> = (1..=300).collect();
        for chunk in order.chunks_mut(64) {
            chunk.reverse();
        }
        for &nc in &order {
            assert!(seen.accept(nc), "{nc}");
        }
        for nc in [1, 172, 173, 299, 300] {
            assert!(!seen.accept(nc), "{nc} again");
        }
        // Unseen but older than the window (300 - 128 = 172): refused, it cannot be told
        // from a replay. Just inside it: accepted once.
        let mut seen = SeenCounts::default();
        assert!(seen.accept(300));
        assert!(!seen.accept(172));
        assert!(seen.accept(173));
        assert!(!seen.accept(173));
        // A jump past the window forgets what it held.
        assert!(seen.accept(1_000));
        assert!(!seen.accept(299));
        assert!(seen.accept(999));
    }

    #[test]
    fn nonce_reuse_with_increasing_nc_and_replay_refused() {
        let mut store = NonceStore::new(Duration::from_secs(30));
        let nonce = store.issue();
        let secret = |_: &str| Some("pw".to_string());
        assert_eq!(
            store.verify(&sign(&nonce, "00000001", "pw", "/x"), "GET", "/x", secret),
            DigestOutcome::Valid("user".into())
        );
        assert_eq!(
            store.verify(&sign(&nonce, "00000002", "pw", "/x"), "GET", "/x", secret),
            DigestOutcome::Valid("user".into())
        );
        assert_eq!(
            store.verify(&sign(&nonce, "00000002", "pw", "/x"), "GET", "/x", secret),
            DigestOutcome::Invalid
        );
        assert_eq!(
            store.verify(&sign(&nonce, "00000003", "bad", "/x"), "GET", "/x", secret),
            DigestOutcome::Invalid
        );
        assert_eq!(
            store.verify(&sign(&nonce, "00000003", "pw", "/y"), "GET", "/x", secret),
            DigestOutcome::Invalid
        );
        store.expire_all();
        assert_eq!(
            store.verify(&sign(&nonce, "00000004", "pw", "/x"), "GET", "/x", secret),
            DigestOutcome::Stale
        );
    }

    #[test]
    fn challenge_is_shaped_like_the_recording() {
        let c = NonceStore::new(Duration::from_secs(30)).challenge(false);
        assert!(
            c.starts_with("Digest realm=\"MMS Public API\", domain=\"\", nonce=\""),
            "{c}"
        );
        assert!(
            c.ends_with("\", algorithm=MD5, qop=\"auth\", stale=false"),
            "{c}"
        );
        let p = parse(&c).unwrap();
        assert_eq!(p["nonce"].len(), 32);
    }
}
