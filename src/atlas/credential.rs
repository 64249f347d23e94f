//! The user's Atlas credential, as held in the server-side session. Secrets are wrapped in
//! [`SecretValue`], which never prints: `Debug` and `Display` show `[redacted]`.

use serde::{Deserialize, Serialize};

/// A secret string. Serializable on purpose (the session store keeps it server-side), but it
/// never formats, so a stray `{:?}` or `tracing` field cannot leak it.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct SecretValue(String);

impl SecretValue {
    pub fn new(value: impl Into<String>) -> Self {
        SecretValue(value.into())
    }
    /// The only way to read the secret: greppable, so every use can be reviewed.
    pub fn expose(&self) -> &str {
        &self.0
    }
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

impl std::fmt::Debug for SecretValue {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("[redacted]")
    }
}

impl std::fmt::Display for SecretValue {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("[redacted]")
    }
}

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
    },
}

impl Credential {
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
}
