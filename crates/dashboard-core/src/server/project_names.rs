//! Project names this process has seen, per credential, for a few minutes: a project's page
//! needs its name, and asking Atlas for it (`GET /groups/{id}`) on every call doubled the
//! requests of the most frequent call (issue #28). The name comes from the projects list the
//! person came from, or from one lookup; whether the project is in reach is still decided by
//! the call that needs it (Atlas answers it 401/403/404), never by this cache.
//!
//! Keyed by the credential's public id, so one credential never sees a name through another's
//! lookup. A renamed project shows its old name for at most [`TTL`]. Bounded: past
//! [`MAX_ENTRIES`] the expired go, and if that is not enough, everything.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

pub const TTL: Duration = Duration::from_secs(300);
pub const MAX_ENTRIES: usize = 100_000;

#[derive(Default)]
pub struct ProjectNames {
    entries: Mutex<HashMap<(String, String), (String, Instant)>>,
}

impl ProjectNames {
    pub fn remember<'a>(&self, who: &str, projects: impl IntoIterator<Item = (&'a str, &'a str)>) {
        let now = Instant::now();
        let mut entries = self.entries.lock().unwrap_or_else(|e| e.into_inner());
        for (id, name) in projects {
            if entries.len() >= MAX_ENTRIES {
                entries.retain(|_, (_, at)| now.duration_since(*at) < TTL);
                if entries.len() >= MAX_ENTRIES {
                    entries.clear();
                }
            }
            entries.insert((who.to_string(), id.to_string()), (name.to_string(), now));
        }
    }

    pub fn get(&self, who: &str, group_id: &str) -> Option<String> {
        let entries = self.entries.lock().unwrap_or_else(|e| e.into_inner());
        let (name, at) = entries.get(&(who.to_string(), group_id.to_string()))?;
        (at.elapsed() < TTL).then(|| name.clone())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_name_is_kept_per_credential() {
        let names = ProjectNames::default();
        names.remember("keyone00", [("65f0a1b2c3d4e5f6a7b8c901", "Production")]);
        assert_eq!(
            names.get("keyone00", "65f0a1b2c3d4e5f6a7b8c901").as_deref(),
            Some("Production")
        );
        assert_eq!(names.get("keytwo00", "65f0a1b2c3d4e5f6a7b8c901"), None);
    }

    #[test]
    fn the_bound_holds() {
        let names = ProjectNames::default();
        let ids: Vec<String> = (0..MAX_ENTRIES + 10).map(|i| format!("{i:024x}")).collect();
        names.remember("k", ids.iter().map(|id| (id.as_str(), "n")));
        assert!(names.entries.lock().unwrap().len() <= MAX_ENTRIES);
    }
}
