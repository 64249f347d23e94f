//! The bearer tokens the emulator issued to service accounts, with their lifetime.

use std::collections::HashMap;
use std::time::{Duration, Instant};

use rand::Rng;

struct TokenState {
    client_id: String,
    expires: Instant,
}

pub struct TokenStore {
    ttl: Duration,
    tokens: HashMap<String, TokenState>,
}

/// Why a bearer token was refused.
#[derive(Debug, PartialEq, Eq)]
pub enum BearerOutcome {
    Valid(String),
    Invalid,
}

impl TokenStore {
    pub fn new(ttl: Duration) -> Self {
        TokenStore {
            ttl,
            tokens: HashMap::new(),
        }
    }

    pub fn ttl(&self) -> Duration {
        self.ttl
    }

    pub fn issue(&mut self, client_id: &str) -> String {
        const ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
        let mut rng = rand::thread_rng();
        let token: String = (0..64)
            .map(|_| ALPHABET[rng.gen_range(0..ALPHABET.len())] as char)
            .collect();
        let now = Instant::now();
        self.tokens.retain(|_, t| t.expires > now);
        self.tokens.insert(
            token.clone(),
            TokenState {
                client_id: client_id.into(),
                expires: now + self.ttl,
            },
        );
        token
    }

    /// The service account a live token was issued to.
    pub fn check(&self, token: &str) -> BearerOutcome {
        match self.tokens.get(token) {
            Some(t) if t.expires > Instant::now() => BearerOutcome::Valid(t.client_id.clone()),
            _ => BearerOutcome::Invalid,
        }
    }

    /// RFC 7009: a client revokes only its own tokens; unknown tokens are no error.
    pub fn revoke(&mut self, client_id: &str, token: &str) {
        if self
            .tokens
            .get(token)
            .is_some_and(|t| t.client_id == client_id)
        {
            self.tokens.remove(token);
        }
    }

    /// Tokens issued and neither expired nor revoked.
    pub fn live(&self) -> usize {
        let now = Instant::now();
        self.tokens.values().filter(|t| t.expires > now).count()
    }

    /// Every issued token expires now (test hook).
    pub fn expire_all(&mut self) {
        let now = Instant::now();
        for t in self.tokens.values_mut() {
            t.expires = now;
        }
    }
}
