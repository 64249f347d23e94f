//! Authenticating a call: HTTP Digest for API keys (a cached nonce per host, a fresh
//! challenge when Atlas says it is stale), OAuth bearer tokens for service accounts (fetched
//! with the client credentials, cached, renewed once on a 401).

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
    /// Digest: the cached nonce first; a 401 challenge is answered once (twice if the fresh
    /// nonce is itself reported stale). A 401 to a signature on a fresh nonce is final.
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
        let mut authorization = digest
            .sign_cached(public_key, private_key.expose(), method, uri)
            .transpose()
            .map_err(Failed::other)?;
        // The challenge this call received and signed with, shared only once it has worked.
        let mut own_challenge = None;
        let mut challenges = 0;
        loop {
            let answer = self.send(call, authorization.as_deref(), attempt).await?;
            let challenge = (answer.status == StatusCode::UNAUTHORIZED)
                .then(|| digest::challenge_in(&answer.headers))
                .flatten();
            let Some(mut challenge) = challenge else {
                if let Some(c) = own_challenge {
                    digest.publish(public_key, c);
                }
                return Ok(answer);
            };
            challenges += 1;
            // Signed with a nonce received for this very call and refused: the key is wrong,
            // unless the server says the nonce went stale in between. At most 3 requests.
            if (own_challenge.is_some() && !challenge.stale) || challenges == 3 {
                return Ok(answer);
            }
            let header = digest::sign(
                &mut challenge,
                public_key,
                private_key.expose(),
                method,
                uri,
            )
            .map_err(Failed::other)?;
            authorization = Some(header);
            own_challenge = Some(challenge);
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
