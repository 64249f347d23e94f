//! HTTP Digest for API keys, with the computation left to the `digest_auth` crate.
//!
//! A nonce is reused with an increasing `nc`, so that after the first challenge a call costs
//! one HTTP request (the Go SDK pays two on every call). Each nonce is held by one request at
//! a time ([`DigestSessions::take`], [`DigestSessions::put_back`]), so its `nc` values reach
//! Atlas in the order they were signed, whatever Atlas's rule on order is [unverified].
//! Calls in flight together use a nonce each: a key pays one challenge per call it has in
//! flight at its busiest, not one per request overtaken on the way (issue #28 measured 0.31
//! challenges per call with one shared nonce at 4 connections). docs/atlas-facts.md, "Digest
//! nonces and nc", has the RFC's rules and what is known of Atlas's.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use digest_auth::{AuthContext, HttpMethod, WwwAuthenticateHeader};
use reqwest::header::{HeaderMap, WWW_AUTHENTICATE};
use sha2::{Digest, Sha256};

use super::AtlasError;

/// Idle nonces kept per key: more than the calls one key has in flight (the fleet matrix
/// keeps 8), so a busy key rarely pays a challenge, and few enough to bound memory.
const MAX_IDLE: usize = 64;

/// An idle nonce older than this is dropped rather than tried. Atlas's nonce lifetime is
/// unknown ("short", per its docs) [unverified]: trying an expired nonce costs one
/// re-challenge, so this bounds memory more than it saves requests.
const MAX_IDLE_AGE: Duration = Duration::from_secs(300);

/// Which key pair a nonce was used with: SHA-256 of the public and private key, so that a
/// wrong private key typed for a known public key never takes (and spoils) the right one's
/// nonces. Held in memory only, like the token cache's keys.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub struct KeyPair([u8; 32]);

impl KeyPair {
    pub fn new(public_key: &str, private_key: &str) -> Self {
        let mut h = Sha256::new();
        // Length-prefixed, so no two different pairs hash the same input.
        for part in [public_key, private_key] {
            h.update((part.len() as u64).to_le_bytes());
            h.update(part.as_bytes());
        }
        KeyPair(h.finalize().into())
    }
}

/// One nonce and its count, used by one request at a time.
pub struct Session {
    challenge: WwwAuthenticateHeader,
    owner: KeyPair,
    /// When the challenge arrived: nonces no newer than one Atlas refused are dropped too.
    received: Instant,
}

impl Session {
    /// A nonce just received in a 401, for the key pair about to sign with it.
    pub fn new(challenge: WwwAuthenticateHeader, owner: KeyPair) -> Self {
        Session {
            challenge,
            owner,
            received: Instant::now(),
        }
    }

    /// The `Authorization` value for `method uri`, with this nonce's next `nc`.
    pub fn sign(
        &mut self,
        username: &str,
        password: &str,
        method: &str,
        uri: &str,
    ) -> Result<String, AtlasError> {
        sign(&mut self.challenge, username, password, method, uri)
    }
}

/// The idle nonces of each API key, by public key (the key `forget` is called with). A nonce
/// is not a secret and is bound to no request, so calls of one key pair share them freely.
#[derive(Default)]
pub struct DigestSessions {
    idle: Mutex<HashMap<String, Vec<Session>>>,
}

impl DigestSessions {
    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<String, Vec<Session>>> {
        self.idle.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// An idle nonce of this key pair, the newest (it lives longest), for one request; `None`
    /// when there is none: the request goes unsigned and its 401 brings a nonce.
    pub fn take(&self, public_key: &str, owner: &KeyPair) -> Option<Session> {
        self.take_at(public_key, owner, Instant::now())
    }

    fn take_at(&self, public_key: &str, owner: &KeyPair, now: Instant) -> Option<Session> {
        let mut idle = self.lock();
        let sessions = idle.get_mut(public_key)?;
        sessions.retain(|s| now.duration_since(s.received) < MAX_IDLE_AGE);
        let newest = sessions
            .iter()
            .enumerate()
            .filter(|(_, s)| s.owner == *owner)
            .max_by_key(|(_, s)| s.received)
            .map(|(i, _)| i)?;
        Some(sessions.swap_remove(newest))
    }

    /// Returns a nonce whose request is over (answered with anything but a Digest challenge,
    /// or lost): its next `nc` is higher than any it was sent with. A call cut off by its
    /// deadline drops its nonce instead; that costs a challenge later, nothing more.
    pub fn put_back(&self, public_key: &str, session: Session) {
        self.put_back_at(public_key, session, Instant::now());
    }

    fn put_back_at(&self, public_key: &str, session: Session, now: Instant) {
        let mut idle = self.lock();
        if !idle.contains_key(public_key) {
            // A key seen for the first time: drop what keys gone quiet left behind.
            idle.retain(|_, sessions| {
                sessions.retain(|s| now.duration_since(s.received) < MAX_IDLE_AGE);
                !sessions.is_empty()
            });
        }
        let sessions = idle.entry(public_key.to_owned()).or_default();
        sessions.push(session);
        if sessions.len() > MAX_IDLE {
            if let Some(oldest) = (0..sessions.len()).min_by_key(|&i| sessions[i].received) {
                sessions.swap_remove(oldest);
            }
        }
    }

    /// Atlas refused a request signed with `refused` (stale, expired or replayed): the key
    /// pair's idle nonces received no later are likely refused too. Dropping them costs
    /// nothing (a call without a nonce pays the same one challenge as a call whose nonce is
    /// refused) and spares Atlas signatures it would refuse, which it may count against the
    /// key [unverified].
    pub fn refused(&self, public_key: &str, refused: &Session) {
        if let Some(sessions) = self.lock().get_mut(public_key) {
            sessions.retain(|s| s.owner != refused.owner || s.received > refused.received);
        }
    }

    /// Drops the key's nonces (at logout).
    pub fn forget(&self, username: &str) {
        self.lock().remove(username);
    }

    #[cfg(test)]
    fn idle(&self, public_key: &str) -> usize {
        self.lock().get(public_key).map_or(0, Vec::len)
    }
}

/// The Digest challenge of a 401, if it carries one (a 401 without one is a refusal that no
/// signature can fix, e.g. a key that is not a member of the project's organisation).
pub fn challenge_in(headers: &HeaderMap) -> Option<WwwAuthenticateHeader> {
    headers
        .get_all(WWW_AUTHENTICATE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find(|v| {
            v.trim_start()
                .get(..6)
                .is_some_and(|s| s.eq_ignore_ascii_case("digest"))
        })
        .and_then(|v| digest_auth::parse(v.trim()).ok())
}

/// Signs `method uri` with the challenge, bumping its `nc`.
pub fn sign(
    challenge: &mut WwwAuthenticateHeader,
    username: &str,
    password: &str,
    method: &str,
    uri: &str,
) -> Result<String, AtlasError> {
    let context = AuthContext::new_with_method(
        username,
        password,
        uri,
        Option::<&[u8]>::None,
        HttpMethod(method.to_owned().into()),
    );
    challenge
        .respond(&context)
        .map(|h| h.to_header_string())
        .map_err(|e| AtlasError::UnexpectedResponse(format!("unusable Digest challenge: {e}")))
}

#[cfg(test)]
mod tests {
    use super::*;
    use md5::{Digest, Md5};
    use reqwest::header::HeaderValue;

    /// The challenge Atlas sent, byte for byte (recorded; docs/atlas-facts.md).
    const RECORDED: &str = r#"Digest realm="MMS Public API", domain="", nonce="+4YICU5YLx6mQEzmVhx1G5ySQVrufjv6", algorithm=MD5, qop="auth", stale=false"#;

    fn md5_hex(s: &str) -> String {
        Md5::digest(s.as_bytes())
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect()
    }

    fn params(header: &str) -> HashMap<String, String> {
        header
            .trim_start_matches("Digest ")
            .split(", ")
            .filter_map(|kv| kv.split_once('='))
            .map(|(k, v)| (k.to_string(), v.trim_matches('"').to_string()))
            .collect()
    }

    fn headers_with(value: &str) -> HeaderMap {
        let mut h = HeaderMap::new();
        h.append(
            WWW_AUTHENTICATE,
            HeaderValue::from_static("Basic realm=\"x\""),
        );
        h.append(WWW_AUTHENTICATE, HeaderValue::from_str(value).unwrap());
        h
    }

    #[test]
    fn signs_the_recorded_challenge_as_rfc_7616_says() {
        let mut c = challenge_in(&headers_with(RECORDED)).unwrap();
        assert_eq!(c.realm, "MMS Public API");
        assert!(!c.stale);
        let uri = "/api/atlas/v2/groups?pageNum=1&itemsPerPage=500";
        let header = sign(&mut c, "demoownr", "pw-123", "GET", uri).unwrap();
        let p = params(&header);
        assert_eq!(p["username"], "demoownr");
        assert_eq!(p["uri"], uri);
        assert_eq!(p["qop"], "auth");
        assert_eq!(p["nc"], "00000001");
        assert_eq!(p["algorithm"], "MD5");
        // Recompute the response independently.
        let ha1 = md5_hex("demoownr:MMS Public API:pw-123");
        let ha2 = md5_hex(&format!("GET:{uri}"));
        let expected = md5_hex(&format!(
            "{ha1}:{}:00000001:{}:auth:{ha2}",
            p["nonce"], p["cnonce"]
        ));
        assert_eq!(p["response"], expected);
        assert!(!header.contains("pw-123"));
    }

    #[test]
    fn stale_flag_is_read() {
        let stale = RECORDED.replace("stale=false", "stale=true");
        assert!(challenge_in(&headers_with(&stale)).unwrap().stale);
    }

    #[test]
    fn no_digest_challenge_no_header() {
        let mut h = HeaderMap::new();
        assert!(challenge_in(&h).is_none());
        h.insert(
            WWW_AUTHENTICATE,
            HeaderValue::from_static("Bearer realm=\"x\""),
        );
        assert!(challenge_in(&h).is_none());
    }

    fn session_for(owner: KeyPair, nonce: &str) -> Session {
        let value = RECORDED.replace("+4YICU5YLx6mQEzmVhx1G5ySQVrufjv6", nonce);
        Session::new(challenge_in(&headers_with(&value)).unwrap(), owner)
    }

    /// A session received `ms` milliseconds after `base`, so the order is certain.
    fn session_at(owner: KeyPair, nonce: &str, base: Instant, ms: u64) -> Session {
        Session {
            received: base + Duration::from_millis(ms),
            ..session_for(owner, nonce)
        }
    }

    fn signed(session: &mut Session) -> HashMap<String, String> {
        params(&session.sign("k", "pw", "GET", "/a").unwrap())
    }

    #[test]
    fn a_nonce_is_held_by_one_request_at_a_time_and_its_nc_only_grows() {
        let sessions = DigestSessions::default();
        let owner = KeyPair::new("k", "pw");
        assert!(sessions.take("k", &owner).is_none(), "nothing cached yet");
        let mut first = session_for(owner, "n1");
        assert_eq!(signed(&mut first)["nc"], "00000001");
        sessions.put_back("k", first);
        let mut held = sessions.take("k", &owner).unwrap();
        // While one request holds it, a concurrent call gets no nonce (it will get its own).
        assert!(sessions.take("k", &owner).is_none());
        let p = signed(&mut held);
        assert_eq!((p["nonce"].as_str(), p["nc"].as_str()), ("n1", "00000002"));
        sessions.put_back("k", held);
        assert_eq!(
            signed(&mut sessions.take("k", &owner).unwrap())["nc"],
            "00000003"
        );
        // Not put back (its request got no answer): gone, never signed with again.
        assert_eq!(sessions.idle("k"), 0);
    }

    #[test]
    fn concurrent_requests_use_a_nonce_each_the_newest_first() {
        let sessions = DigestSessions::default();
        let owner = KeyPair::new("k", "pw");
        let base = Instant::now();
        sessions.put_back("k", session_at(owner, "old", base, 0));
        sessions.put_back("k", session_at(owner, "new", base, 1));
        let mut a = sessions.take("k", &owner).unwrap();
        let mut b = sessions.take("k", &owner).unwrap();
        assert_eq!(signed(&mut a)["nonce"], "new");
        assert_eq!(signed(&mut b)["nonce"], "old");
        assert!(sessions.take("k", &owner).is_none());
    }

    #[test]
    fn a_wrong_private_key_never_takes_the_right_ones_nonce() {
        let sessions = DigestSessions::default();
        let right = KeyPair::new("k", "pw");
        let wrong = KeyPair::new("k", "not-pw");
        assert_ne!(right, wrong);
        assert_ne!(KeyPair::new("ab", "c"), KeyPair::new("a", "bc"));
        sessions.put_back("k", session_for(right, "n1"));
        assert!(sessions.take("k", &wrong).is_none());
        assert!(sessions.take("other", &right).is_none());
        assert!(sessions.take("k", &right).is_some());
    }

    #[test]
    fn a_refused_nonce_takes_the_older_ones_with_it() {
        let sessions = DigestSessions::default();
        let owner = KeyPair::new("k", "pw");
        let other = KeyPair::new("k", "pw2");
        let base = Instant::now();
        let older = session_at(owner, "older", base, 0);
        let refused = session_at(owner, "refused", base, 1);
        let others = session_at(other, "others", base, 0);
        let newer = session_at(owner, "newer", base, 2);
        sessions.put_back("k", older);
        sessions.put_back("k", others);
        sessions.put_back("k", newer);
        sessions.refused("k", &refused);
        let mut left = sessions.take("k", &owner).unwrap();
        assert_eq!(signed(&mut left)["nonce"], "newer");
        assert!(sessions.take("k", &owner).is_none(), "the older one went");
        assert!(
            sessions.take("k", &other).is_some(),
            "another pair's are not judged"
        );
    }

    #[test]
    fn idle_nonces_are_bounded_in_number_and_age() {
        let sessions = DigestSessions::default();
        let owner = KeyPair::new("k", "pw");
        let base = Instant::now();
        for i in 0..MAX_IDLE + 5 {
            let session = session_at(owner, &format!("n{i}"), base, i as u64);
            sessions.put_back_at("k", session, base);
        }
        assert_eq!(sessions.idle("k"), MAX_IDLE);
        // The oldest went: n0..n4.
        let mut nonces = Vec::new();
        while let Some(mut s) = sessions.take("k", &owner) {
            nonces.push(signed(&mut s)["nonce"].clone());
        }
        assert!(!nonces.contains(&"n4".to_string()));
        assert!(nonces.contains(&"n5".to_string()));
        // Past the age limit, a nonce is dropped, not tried.
        sessions.put_back_at("k", session_at(owner, "n", base, 0), base);
        let later = base + MAX_IDLE_AGE;
        assert!(sessions.take_at("k", &owner, later).is_none());
        assert_eq!(sessions.idle("k"), 0);
        // A new key sweeps out the nonces of keys gone quiet.
        sessions.put_back_at("k", session_at(owner, "n", base, 0), base);
        let k2 = session_at(KeyPair::new("k2", "pw"), "m", later, 0);
        sessions.put_back_at("k2", k2, later);
        assert_eq!(sessions.idle("k"), 0);
        assert_eq!(sessions.idle("k2"), 1);
        sessions.forget("k2");
        assert_eq!(sessions.idle("k2"), 0);
    }
}
