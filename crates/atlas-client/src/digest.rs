//! HTTP Digest for API keys, with the computation left to the `digest_auth` crate.
//!
//! The last challenge per public key is kept and its nonce reused with an increasing `nc`,
//! so that after the first challenge a call costs one HTTP request (the Go SDK pays two on
//! every call). A challenge received in a 401 is first used privately, by the call that
//! received it, and only shared once it has worked: concurrent calls sharing one nonce can
//! reach the server out of `nc` order, and the loser then retries on a nonce nobody else has.

use std::collections::HashMap;
use std::sync::Mutex;

use digest_auth::{AuthContext, HttpMethod, WwwAuthenticateHeader};
use reqwest::header::{HeaderMap, WWW_AUTHENTICATE};

use super::AtlasError;

/// The challenge each API key last answered successfully, by public key. The nonce is not a
/// secret and is bound to no key, so sharing it between sessions of one key is harmless.
#[derive(Default)]
pub struct DigestSessions {
    challenges: Mutex<HashMap<String, WwwAuthenticateHeader>>,
}

impl DigestSessions {
    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<String, WwwAuthenticateHeader>> {
        self.challenges.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// The `Authorization` value for a request, signed with the cached nonce and the next
    /// `nc`; `None` when this key has no cached challenge yet.
    pub fn sign_cached(
        &self,
        username: &str,
        password: &str,
        method: &str,
        uri: &str,
    ) -> Option<Result<String, AtlasError>> {
        let mut challenges = self.lock();
        let challenge = challenges.get_mut(username)?;
        Some(sign(challenge, username, password, method, uri))
    }

    /// Shares a challenge that just worked. The same nonce keeps the higher `nc`; a different
    /// one replaces the cached one (it is the newer, so it lives longer).
    pub fn publish(&self, username: &str, challenge: WwwAuthenticateHeader) {
        let mut challenges = self.lock();
        match challenges.get_mut(username) {
            Some(current) if current.nonce == challenge.nonce => {
                current.nc = current.nc.max(challenge.nc);
            }
            _ => {
                challenges.insert(username.to_owned(), challenge);
            }
        }
    }

    /// Drops the key's cached challenge (at logout).
    pub fn forget(&self, username: &str) {
        self.lock().remove(username);
    }

    #[cfg(test)]
    fn cached_nc(&self, username: &str) -> Option<(String, u32)> {
        self.lock().get(username).map(|c| (c.nonce.clone(), c.nc))
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

    #[test]
    fn cached_nonce_is_reused_with_increasing_nc() {
        let sessions = DigestSessions::default();
        assert!(sessions.sign_cached("k", "pw", "GET", "/a").is_none());
        let mut c = challenge_in(&headers_with(RECORDED)).unwrap();
        sign(&mut c, "k", "pw", "GET", "/a").unwrap();
        sessions.publish("k", c);
        let h2 = sessions
            .sign_cached("k", "pw", "PUT", "/b")
            .unwrap()
            .unwrap();
        let h3 = sessions
            .sign_cached("k", "pw", "DELETE", "/c")
            .unwrap()
            .unwrap();
        assert_eq!(params(&h2)["nc"], "00000002");
        assert_eq!(params(&h3)["nc"], "00000003");
        assert_eq!(params(&h3)["nonce"], "+4YICU5YLx6mQEzmVhx1G5ySQVrufjv6");
        // Other keys have their own.
        assert!(sessions.sign_cached("other", "pw", "GET", "/a").is_none());
    }

    #[test]
    fn publishing_keeps_the_highest_nc_or_takes_a_new_nonce() {
        let sessions = DigestSessions::default();
        let mut c = challenge_in(&headers_with(RECORDED)).unwrap();
        sign(&mut c, "k", "pw", "GET", "/a").unwrap();
        let stale_copy = c.clone();
        sessions.publish("k", c);
        sessions
            .sign_cached("k", "pw", "GET", "/a")
            .unwrap()
            .unwrap();
        // A late publish of the same nonce does not wind nc back.
        sessions.publish("k", stale_copy);
        let nonce = "+4YICU5YLx6mQEzmVhx1G5ySQVrufjv6".to_string();
        assert_eq!(sessions.cached_nc("k"), Some((nonce, 2)));
        let fresh = RECORDED.replace("+4YICU5YLx6mQEzmVhx1G5ySQVrufjv6", "freshnonce");
        let mut f = challenge_in(&headers_with(&fresh)).unwrap();
        sign(&mut f, "k", "pw", "GET", "/a").unwrap();
        sessions.publish("k", f);
        assert_eq!(sessions.cached_nc("k"), Some(("freshnonce".into(), 1)));
        sessions.forget("k");
        assert_eq!(sessions.cached_nc("k"), None);
    }
}
