//! The user's Atlas credential, as held in the server-side session. Secrets are wrapped in
//! [`SecretValue`] (`secrecy` underneath: zeroized on drop), which never prints: `Debug` and
//! `Display` show `[redacted]`.

use serde::{Deserialize, Serialize};

/// Zeroized on drop, never formatted (the registry's, shared with the server functions).
pub use atlas_registry::SecretValue;

/// Either of Atlas's two authentication methods.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "method", rename_all = "snake_case")]
pub enum Credential {
    /// Programmatic API key: HTTP Digest, username = public key, password = private key.
    ApiKey {
        public_key: String,
        private_key: SecretValue,
    },
    /// Service account: OAuth 2.0 client credentials.
    ServiceAccount {
        client_id: String,
        client_secret: SecretValue,
        /// Whose OAuth token this is: a random id given at sign-in
        /// ([`Credential::service_account_session`]), so every session obtains, uses and at
        /// sign-out revokes a token of its own. A token shared by every session of one service
        /// account was revoked by whichever signed out first, under the others' feet.
        /// Empty (one shared token) for credentials made without a session, such as tools.
        #[serde(default)]
        token_scope: String,
    },
}

impl Credential {
    /// A service account's credential for a new session, with a token scope of its own.
    pub fn service_account_session(client_id: String, client_secret: SecretValue) -> Self {
        use rand::Rng;
        let scope: [u8; 16] = rand::thread_rng().gen();
        Credential::ServiceAccount {
            client_id,
            client_secret,
            token_scope: scope.iter().map(|b| format!("{b:02x}")).collect(),
        }
    }

    /// The non-secret half, for display and logs.
    pub fn public_id(&self) -> &str {
        match self {
            Credential::ApiKey { public_key, .. } => public_key,
            Credential::ServiceAccount { client_id, .. } => client_id,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_never_shows_the_secret() {
        let c = Credential::ApiKey {
            public_key: "pub".into(),
            private_key: SecretValue::new("s3cr3t-value"),
        };
        let shown = format!("{c:?} {}", SecretValue::new("s3cr3t-value"));
        assert!(!shown.contains("s3cr3t"), "{shown}");
        assert!(shown.contains("pub"));
    }

    #[test]
    fn each_session_gets_its_own_token_scope() {
        let one = Credential::service_account_session("id".into(), SecretValue::new("s"));
        let two = Credential::service_account_session("id".into(), SecretValue::new("s"));
        let scope = |c: &Credential| match c {
            Credential::ServiceAccount { token_scope, .. } => token_scope.clone(),
            Credential::ApiKey { .. } => unreachable!(),
        };
        assert_eq!(scope(&one).len(), 32);
        assert_ne!(scope(&one), scope(&two));
    }
}
