//! Authenticating a call: HTTP Digest for API keys (a nonce per request in flight, reused
//! with a growing `nc`; a fresh challenge when Atlas refuses one), OAuth bearer tokens for
//! service accounts (fetched with the client credentials, cached, renewed once on a 401).

use super::*;

/// A service account's key in the token cache; API keys have no token.
pub(super) fn token_key(credential: &Credential) -> Option<TokenKey> {
    match credential {
        Credential::ApiKey { .. } => None,
        Credential::ServiceAccount {
            client_id,
            client_secret,
            token_scope,
        } => Some(TokenKey::new(client_id, client_secret, token_scope)),
    }
}

pub(super) fn bearer(token: &SecretValue) -> String {
    format!("Bearer {}", token.expose())
}

impl AtlasClient {
    /// Digest: an idle nonce of the key pair first, else none (the 401 brings one). A 401 to
    /// a nonce from the pool (stale, expired or refused: Atlas's reason is not always said)
    /// costs exactly one re-challenge: its challenge is signed at once. A 401 to a nonce
    /// received for this very call is final, unless marked stale. At most 3 requests.
    pub(super) async fn with_digest(
        &self,
        public_key: &str,
        private_key: &SecretValue,
        call: &Call,
        attempt: u32,
    ) -> Result<Answer, Failed> {
        let method = call.method.as_str();
        let uri = call.path_and_query.as_str();
        let digest = &self.inner.digest;
        let owner = digest::KeyPair::new(public_key, private_key.expose());
        // Held by this call alone until its request is over.
        let mut session = digest.take(public_key, &owner);
        // Whether `session` came from a challenge to this very call.
        let mut own = false;
        let mut challenges = 0;
        loop {
            let authorization = session
                .as_mut()
                .map(|s| s.sign(public_key, private_key.expose(), method, uri))
                .transpose()
                .map_err(Failed::other)?;
            let answer = match self.send(call, authorization.as_deref(), attempt).await {
                Ok(answer) => answer,
                Err(failed) => {
                    // No answer, but the nonce is still good: its next `nc` is above the lost
                    // request's, so the next request passes whichever reaches Atlas first.
                    if let Some(s) = session {
                        digest.put_back(public_key, s);
                    }
                    return Err(failed);
                }
            };
            let challenge = (answer.status == StatusCode::UNAUTHORIZED)
                .then(|| digest::challenge_in(&answer.headers))
                .flatten();
            let Some(challenge) = challenge else {
                if let Some(s) = session {
                    digest.put_back(public_key, s);
                }
                return Ok(answer);
            };
            challenges += 1;
            if let Some(refused) = session.take() {
                if !own {
                    digest.refused(public_key, &refused);
                }
            }
            // Signed with a nonce received for this very call and refused: the key is wrong,
            // unless the server says the nonce went stale in between.
            if (own && !challenge.stale) || challenges == 3 {
                return Ok(answer);
            }
            session = Some(digest::Session::new(challenge, owner));
            own = true;
        }
    }

    /// OAuth: the cached token. A 401 drops that token and the call is tried once more with a
    /// new one before the 401 counts: Atlas revokes or expires tokens on its own, and a token
    /// fetched a moment ago can have been revoked in between, so being fresh proves nothing.
    pub(super) async fn with_bearer(
        &self,
        key: TokenKey,
        client_id: &str,
        client_secret: &SecretValue,
        call: &Call,
        attempt: u32,
    ) -> Result<Answer, Failed> {
        let tokens = &self.inner.tokens;
        let fetch = || self.fetch_token(client_id, client_secret, attempt);
        let token = tokens.token(key, fetch).await.map_err(Failed::token)?;
        let answer = self.send(call, Some(&bearer(&token)), attempt).await?;
        if answer.status != StatusCode::UNAUTHORIZED {
            return Ok(answer);
        }
        tokens.invalidate(key, &token).await;
        let fetch = || self.fetch_token(client_id, client_secret, attempt);
        let token = tokens.token(key, fetch).await.map_err(Failed::token)?;
        self.send(call, Some(&bearer(&token)), attempt).await
    }

    /// `POST /api/oauth/token` with HTTP Basic client authentication.
    pub(super) async fn fetch_token(
        &self,
        client_id: &str,
        client_secret: &SecretValue,
        attempt: u32,
    ) -> Result<wire::TokenAnswer, AtlasError> {
        let answer = self
            .send_form(
                TOKEN_PATH,
                client_id,
                client_secret,
                "grant_type=client_credentials".into(),
                attempt,
            )
            .await?;
        if !answer.status.is_success() {
            return Err(wire::error_from_response(
                answer.status.as_u16(),
                &answer.headers,
                &answer.body,
            ));
        }
        wire::parse_token(&answer.body)
    }
}
