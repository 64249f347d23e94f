//! OAuth 2.0 client-credentials tokens for service accounts, cached per credential and session.
//!
//! A token is reused until shortly before it expires, then renewed. Each key has its own async
//! mutex, held across the renewal, so concurrent calls wait for one token request instead of
//! each sending their own. The cache key is a SHA-256 of client id, secret *and* token scope:
//! a wrong secret must never be answered with the token that the right one obtained, and each
//! signed-in session (its own scope) has its own token, which its sign-out revokes without
//! touching the tokens other sessions of the same service account are using.

use std::collections::HashMap;
use std::future::Future;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant, SystemTime};

use serde::{Deserialize, Serialize};

use sha2::{Digest, Sha256};

use super::wire::TokenAnswer;
use super::{AtlasError, SecretValue};

/// A token as the session keeps it (sealed, with the credential): its value and when it is due
/// for renewal, in Unix seconds since a replica's `Instant` means nothing to another.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct HeldToken {
    pub value: SecretValue,
    pub renew_at_unix: i64,
}

fn unix(t: SystemTime) -> i64 {
    t.duration_since(SystemTime::UNIX_EPOCH)
        .map_or(0, |d| i64::try_from(d.as_secs()).unwrap_or(i64::MAX))
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct TokenKey([u8; 32]);

impl TokenKey {
    pub fn new(client_id: &str, client_secret: &SecretValue, scope: &str) -> Self {
        let mut h = Sha256::new();
        // Length-prefixed, so no two different triples hash the same input.
        for part in [client_id, client_secret.expose(), scope] {
            h.update((part.len() as u64).to_le_bytes());
            h.update(part.as_bytes());
        }
        TokenKey(h.finalize().into())
    }
}

struct CachedToken {
    value: SecretValue,
    renew_at: Instant,
}

type Slot = Arc<tokio::sync::Mutex<Option<CachedToken>>>;

pub struct TokenCache {
    slots: Mutex<HashMap<TokenKey, Slot>>,
    renew_margin: Duration,
}

impl TokenCache {
    pub fn new(renew_margin: Duration) -> Self {
        TokenCache {
            slots: Mutex::new(HashMap::new()),
            renew_margin,
        }
    }

    /// The key's slot. A new key (a new session) first sweeps out the slots nobody can use
    /// any more: every session has its own token, and one that ends without signing out never
    /// says so, so its slot must go once its token is due for renewal (or was never obtained).
    /// Memory then holds at most the sessions of the last token lifetime.
    fn slot(&self, key: TokenKey) -> Slot {
        let mut slots = self.slots.lock().unwrap_or_else(|e| e.into_inner());
        if !slots.contains_key(&key) {
            let now = Instant::now();
            // A slot in use (locked: a fetch under way) is left alone.
            slots.retain(|_, slot| match slot.try_lock() {
                Ok(cached) => cached.as_ref().is_some_and(|t| now < t.renew_at),
                Err(_) => true,
            });
        }
        slots.entry(key).or_default().clone()
    }

    #[cfg(test)]
    fn len(&self) -> usize {
        self.slots.lock().unwrap_or_else(|e| e.into_inner()).len()
    }

    /// When to renew a token that lives `lifetime`: `renew_margin` early, but never in the
    /// first half of its life (short-lived tokens would otherwise be renewed on every call).
    fn renew_at(&self, obtained: Instant, lifetime: Duration) -> Instant {
        let early = self.renew_margin.min(lifetime / 2);
        obtained + (lifetime - early)
    }

    /// A usable token: the cached one, or one `fetch` obtains (only one fetch at a time per
    /// credential; the others wait and then use its result).
    pub async fn token<F, Fut>(&self, key: TokenKey, fetch: F) -> Result<SecretValue, AtlasError>
    where
        F: FnOnce() -> Fut,
        Fut: Future<Output = Result<TokenAnswer, AtlasError>>,
    {
        let slot = self.slot(key);
        let mut cached = slot.lock().await;
        if let Some(t) = cached.as_ref() {
            if Instant::now() < t.renew_at {
                return Ok(t.value.clone());
            }
        }
        let obtained = Instant::now();
        let answer = fetch().await?;
        let value = answer.access_token;
        *cached = Some(CachedToken {
            value: value.clone(),
            renew_at: self.renew_at(obtained, answer.expires_in),
        });
        Ok(value)
    }

    /// Atlas refused `rejected` (revoked, or expired early): drop it, unless a concurrent call
    /// has already replaced it.
    pub async fn invalidate(&self, key: TokenKey, rejected: &SecretValue) {
        let slot = self.slot(key);
        let mut cached = slot.lock().await;
        if cached.as_ref().is_some_and(|t| t.value == *rejected) {
            *cached = None;
        }
    }

    /// The key's current token and when it is due for renewal, to keep with the session so
    /// another replica can use it, and revoke it at logout.
    pub async fn held(&self, key: TokenKey) -> Option<HeldToken> {
        let slot = self.existing_slot(key)?;
        let cached = slot.lock().await;
        let t = cached.as_ref()?;
        let left = t.renew_at.saturating_duration_since(Instant::now());
        Some(HeldToken {
            value: t.value.clone(),
            renew_at_unix: unix(SystemTime::now() + left),
        })
    }

    /// Takes up a token another replica obtained (kept with the session), unless this one
    /// holds a token good for longer, or `token` is already due for renewal. "Longer" allows
    /// for the session's whole seconds: a token obtained elsewhere less than a second after
    /// this one reads as due no later than it, and is still the newer one (this replica's
    /// may have been revoked since: that is why the other replica obtained one).
    pub async fn adopt(&self, key: TokenKey, token: HeldToken) {
        let left = Duration::from_secs(
            u64::try_from(token.renew_at_unix - unix(SystemTime::now())).unwrap_or(0),
        );
        if left.is_zero() {
            return;
        }
        let renew_at = Instant::now() + left;
        let slot = self.slot(key);
        let mut cached = slot.lock().await;
        let rounding = Duration::from_secs(1);
        if cached
            .as_ref()
            .is_some_and(|t| t.value == token.value || t.renew_at >= renew_at + rounding)
        {
            return;
        }
        *cached = Some(CachedToken {
            value: token.value,
            renew_at,
        });
    }

    fn existing_slot(&self, key: TokenKey) -> Option<Slot> {
        let slots = self.slots.lock().unwrap_or_else(|e| e.into_inner());
        slots.get(&key).cloned()
    }

    /// Removes the credential's entry and hands back its token, for revocation.
    pub async fn take(&self, key: TokenKey) -> Option<SecretValue> {
        let slot = {
            let mut slots = self.slots.lock().unwrap_or_else(|e| e.into_inner());
            slots.remove(&key)?
        };
        let mut cached = slot.lock().await;
        cached.take().map(|t| t.value)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicU32, Ordering};

    fn answer(token: &str, secs: u64) -> TokenAnswer {
        TokenAnswer {
            access_token: SecretValue::new(token),
            expires_in: Duration::from_secs(secs),
        }
    }

    fn key(secret: &str) -> TokenKey {
        TokenKey::new("id", &SecretValue::new(secret), "")
    }

    #[test]
    fn sessions_have_their_own_keys() {
        let s = SecretValue::new("s");
        assert_ne!(TokenKey::new("id", &s, "a"), TokenKey::new("id", &s, "b"));
        assert_eq!(TokenKey::new("id", &s, "a"), TokenKey::new("id", &s, "a"));
        // Parts cannot run into each other.
        assert_ne!(
            TokenKey::new("ab", &SecretValue::new("c"), ""),
            TokenKey::new("a", &SecretValue::new("bc"), "")
        );
    }

    #[tokio::test]
    async fn cached_until_renewal_and_keyed_by_secret_too() {
        let cache = TokenCache::new(Duration::from_secs(60));
        let t = cache
            .token(key("s"), || async { Ok(answer("one", 3600)) })
            .await
            .unwrap();
        assert_eq!(t.expose(), "one");
        let t = cache
            .token(key("s"), || async { panic!("must come from the cache") })
            .await
            .unwrap();
        assert_eq!(t.expose(), "one");
        // Same client id, another secret: never the cached token.
        let t = cache
            .token(key("wrong"), || async { Ok(answer("two", 3600)) })
            .await
            .unwrap();
        assert_eq!(t.expose(), "two");
    }

    #[test]
    fn renews_a_minute_early_but_not_in_the_first_half_of_life() {
        let cache = TokenCache::new(Duration::from_secs(60));
        let now = Instant::now();
        assert_eq!(
            cache.renew_at(now, Duration::from_secs(3600)),
            now + Duration::from_secs(3540)
        );
        assert_eq!(
            cache.renew_at(now, Duration::from_secs(30)),
            now + Duration::from_secs(15)
        );
        assert_eq!(cache.renew_at(now, Duration::ZERO), now);
    }

    #[tokio::test]
    async fn expired_tokens_are_renewed() {
        let cache = TokenCache::new(Duration::from_secs(60));
        cache
            .token(key("s"), || async { Ok(answer("old", 0)) })
            .await
            .unwrap();
        let t = cache
            .token(key("s"), || async { Ok(answer("new", 3600)) })
            .await
            .unwrap();
        assert_eq!(t.expose(), "new");
    }

    #[tokio::test]
    async fn one_fetch_for_many_concurrent_callers() {
        let cache = Arc::new(TokenCache::new(Duration::from_secs(60)));
        let fetches = Arc::new(AtomicU32::new(0));
        let mut tasks = Vec::new();
        for _ in 0..20 {
            let (cache, fetches) = (cache.clone(), fetches.clone());
            tasks.push(tokio::spawn(async move {
                cache
                    .token(key("s"), || async {
                        fetches.fetch_add(1, Ordering::SeqCst);
                        tokio::time::sleep(Duration::from_millis(50)).await;
                        Ok(answer("shared", 3600))
                    })
                    .await
                    .unwrap()
            }));
        }
        for t in tasks {
            assert_eq!(t.await.unwrap().expose(), "shared");
        }
        assert_eq!(fetches.load(Ordering::SeqCst), 1);
    }

    #[tokio::test]
    async fn slots_of_expired_tokens_and_failed_fetches_are_swept_by_the_next_new_session() {
        let cache = TokenCache::new(Duration::from_secs(60));
        cache
            .token(key("expired"), || async { Ok(answer("old", 0)) })
            .await
            .unwrap();
        let _ = cache
            .token(key("refused"), || async {
                Err(AtlasError::Transport("down".into()))
            })
            .await;
        cache
            .token(key("live"), || async { Ok(answer("live", 3600)) })
            .await
            .unwrap();
        assert_eq!(cache.len(), 1, "only the live token's slot is left");
        // The live one is still served from the cache.
        let t = cache
            .token(key("live"), || async { panic!("cached") })
            .await
            .unwrap();
        assert_eq!(t.expose(), "live");
    }

    #[tokio::test]
    async fn a_failed_fetch_is_not_cached() {
        let cache = TokenCache::new(Duration::from_secs(60));
        let e = cache
            .token(key("s"), || async {
                Err(AtlasError::Transport("down".into()))
            })
            .await;
        assert!(e.is_err());
        let t = cache
            .token(key("s"), || async { Ok(answer("ok", 3600)) })
            .await
            .unwrap();
        assert_eq!(t.expose(), "ok");
    }

    #[tokio::test]
    async fn a_held_token_is_adopted_by_another_cache_unless_it_has_a_longer_lived_one() {
        let one = TokenCache::new(Duration::from_secs(60));
        let two = TokenCache::new(Duration::from_secs(60));
        assert!(one.held(key("s")).await.is_none());
        one.token(key("s"), || async { Ok(answer("first", 3600)) })
            .await
            .unwrap();
        let held = one.held(key("s")).await.expect("held");
        assert_eq!(held.value.expose(), "first");
        let due = unix(SystemTime::now()) + 3540;
        assert!((due - 2..=due).contains(&held.renew_at_unix), "{held:?}");
        two.adopt(key("s"), held.clone()).await;
        let t = two
            .token(key("s"), || async { panic!("adopted, not fetched") })
            .await
            .unwrap();
        assert_eq!(t.expose(), "first");
        // A token good for longer stays; an older one does not replace it.
        let older = HeldToken {
            value: SecretValue::new("older"),
            renew_at_unix: held.renew_at_unix - 600,
        };
        two.adopt(key("s"), older).await;
        assert_eq!(two.held(key("s")).await.unwrap().value.expose(), "first");
        // One already due for renewal is not taken up.
        let due_now = HeldToken {
            value: SecretValue::new("stale"),
            renew_at_unix: unix(SystemTime::now()) - 1,
        };
        let three = TokenCache::new(Duration::from_secs(60));
        three.adopt(key("s"), due_now).await;
        assert!(three.held(key("s")).await.is_none());
    }

    #[tokio::test]
    async fn invalidate_only_the_rejected_token_and_take_for_revocation() {
        let cache = TokenCache::new(Duration::from_secs(60));
        cache
            .token(key("s"), || async { Ok(answer("a", 3600)) })
            .await
            .unwrap();
        cache.invalidate(key("s"), &SecretValue::new("not-a")).await;
        let t = cache
            .token(key("s"), || async { panic!("still cached") })
            .await
            .unwrap();
        assert_eq!(t.expose(), "a");
        cache.invalidate(key("s"), &SecretValue::new("a")).await;
        let t = cache
            .token(key("s"), || async { Ok(answer("b", 3600)) })
            .await
            .unwrap();
        assert_eq!(t.expose(), "b");
        assert_eq!(
            cache.take(key("s")).await.map(|t| t.expose().to_owned()),
            Some("b".into())
        );
        assert!(cache.take(key("s")).await.is_none());
    }
}
