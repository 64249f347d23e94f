//! The dashboard's journal: every write it sends to Atlas (a project's page or a fleet run),
//! kept as data: who (the credential's public id), project, type, action, where it came from,
//! the NAMES of the fields set or removed, the outcome, when. The same record as the audit
//! log line (`audit`), for the history pages: Atlas's project events say that an integration
//! was configured or removed, and by whom, but no documented field says which type
//! (docs/atlas-facts.md, "Events"); an event this journal matches (`api::history`) gets its
//! type and fields from here.
//!
//! Kept where the sessions are: this process's memory (gone with it, as the sessions are), or
//! Redis when sessions are shared by replicas (surviving restarts). In Redis one hash holds
//! every project's entries under the project id, each entry sealed with the session keys (the
//! public id of a credential is not a secret, but nothing in Redis is readable without the
//! keys: the deployment test scans it), each line prefixed by its time so that a Lua script
//! can drop old ones and append a new one in one atomic step, whichever replica writes.
//!
//! Bounded: entries older than [`RETENTION_DAYS`] are dropped, at most [`CAP_PER_PROJECT`] per
//! project are kept (the newest), and in memory at most [`MAX_PROJECTS`] projects.

use std::collections::{HashMap, VecDeque};
use std::sync::{Arc, Mutex};

use tower_sessions_redis_store::fred::interfaces::{ClientLike, HashesInterface};
use tower_sessions_redis_store::fred::prelude::Pool;
use tower_sessions_redis_store::fred::types::{ClusterHash, CustomCommand};

use super::sealing::SessionKeys;
pub use crate::write_record::{Action, Origin, Outcome, WriteRecord as Entry};

/// How long an entry is kept: as long as a history page looks back for a match (Atlas keeps
/// project events longer; older events show "type not stated by Atlas").
pub const RETENTION_DAYS: i64 = 90;
/// The newest entries kept per project.
pub const CAP_PER_PROJECT: usize = 100;
/// Projects the in-memory journal keeps entries for; past it, the project written to least
/// recently is forgotten first.
pub const MAX_PROJECTS: usize = 10_000;
/// The Redis hash that holds every project's entries.
pub const REDIS_KEY: &str = "atlas-integrations:journal:v1";

/// The journal, in memory or in Redis.
#[derive(Clone)]
pub struct Journal {
    backend: Backend,
}

#[derive(Clone)]
enum Backend {
    Memory(Arc<Mutex<HashMap<String, VecDeque<Entry>>>>),
    Redis { pool: Pool, keys: Arc<SessionKeys> },
}

/// Drops a project's entries past the retention, appends one and keeps the newest `cap`, in
/// one step. KEYS[1]: the hash; ARGV: project id, the line (`<at> <sealed entry>`), the
/// oldest time kept, the cap, the hash's expiry in seconds (renewed by every write, so a
/// journal nobody writes to goes away with its last entry).
const APPEND_SCRIPT: &str = r#"
local old = redis.call('HGET', KEYS[1], ARGV[1]) or ''
local cutoff = tonumber(ARGV[3])
local kept = {}
for line in string.gmatch(old, '[^\n]+') do
  local at = tonumber(string.match(line, '^(%d+) '))
  if at and at >= cutoff then table.insert(kept, line) end
end
table.insert(kept, ARGV[2])
local first = math.max(1, #kept - tonumber(ARGV[4]) + 1)
redis.call('HSET', KEYS[1], ARGV[1], table.concat(kept, '\n', first))
redis.call('EXPIRE', KEYS[1], ARGV[5])
return #kept - first + 1
"#;

fn now() -> i64 {
    time::OffsetDateTime::now_utc().unix_timestamp()
}

fn cutoff(now: i64) -> i64 {
    now - RETENTION_DAYS * 24 * 3600
}

/// What a sealed entry is bound to: it opens only as this project's journal entry.
fn bound_to(group_id: &str) -> Vec<u8> {
    format!("journal entry:{group_id}").into_bytes()
}

impl Default for Journal {
    fn default() -> Self {
        Journal::memory()
    }
}

impl Journal {
    pub fn memory() -> Self {
        Journal {
            backend: Backend::Memory(Arc::default()),
        }
    }

    /// In Redis, beside the sessions, sealed with their keys.
    pub fn redis(pool: Pool, keys: Arc<SessionKeys>) -> Self {
        Journal {
            backend: Backend::Redis { pool, keys },
        }
    }

    /// Keeps `entry`. A journal that cannot be written is logged, never the write's failure:
    /// the write happened (or not) at Atlas whatever the journal says.
    pub async fn record(&self, entry: Entry) {
        match &self.backend {
            Backend::Memory(projects) => {
                let mut projects = projects.lock().unwrap_or_else(|e| e.into_inner());
                remember(&mut projects, entry, now());
            }
            Backend::Redis { pool, keys } => {
                let Ok(json) = serde_json::to_vec(&entry) else {
                    return;
                };
                let line = format!(
                    "{} {}",
                    entry.at,
                    keys.seal(&json, &bound_to(&entry.group_id))
                );
                let ttl = RETENTION_DAYS * 24 * 3600;
                let args: Vec<String> = vec![
                    APPEND_SCRIPT.into(),
                    "1".into(),
                    REDIS_KEY.into(),
                    entry.group_id.clone(),
                    line,
                    cutoff(now()).to_string(),
                    CAP_PER_PROJECT.to_string(),
                    ttl.to_string(),
                ];
                let eval = CustomCommand::new_static("EVAL", ClusterHash::Random, false);
                if let Err(e) = pool.custom::<i64, _>(eval, args).await {
                    tracing::warn!(error = %e, "could not keep a write in the journal");
                }
            }
        }
    }

    /// The entries of these projects still within the retention, oldest first. A project
    /// whose entries cannot be read has none (logged): its events then say "type not stated".
    pub async fn entries(&self, group_ids: &[String]) -> HashMap<String, Vec<Entry>> {
        let oldest = cutoff(now());
        let mut out = HashMap::new();
        match &self.backend {
            Backend::Memory(projects) => {
                let projects = projects.lock().unwrap_or_else(|e| e.into_inner());
                for id in group_ids {
                    if let Some(entries) = projects.get(id) {
                        let kept = entries.iter().filter(|e| e.at >= oldest).cloned();
                        out.insert(id.clone(), kept.collect());
                    }
                }
            }
            Backend::Redis { pool, keys } => {
                for ids in group_ids.chunks(500) {
                    let lines: Vec<Option<String>> = match pool.hmget(REDIS_KEY, ids.to_vec()).await
                    {
                        Ok(lines) => lines,
                        Err(e) => {
                            tracing::warn!(error = %e, "could not read the journal");
                            continue;
                        }
                    };
                    for (id, text) in ids.iter().zip(lines) {
                        let entries = text
                            .unwrap_or_default()
                            .lines()
                            .filter_map(|line| open_line(keys, id, line))
                            .filter(|e| e.at >= oldest)
                            .collect();
                        out.insert(id.clone(), entries);
                    }
                }
            }
        }
        out
    }
}

/// A line of the Redis journal, opened: `None` when it was sealed with a key no longer in the
/// ring, for another project, or changed since.
fn open_line(keys: &SessionKeys, group_id: &str, line: &str) -> Option<Entry> {
    let (_, sealed) = line.split_once(' ')?;
    let json = keys.open(sealed, &bound_to(group_id))?;
    let entry: Entry = serde_json::from_slice(&json).ok()?;
    (entry.group_id == group_id).then_some(entry)
}

/// The in-memory journal's append, within its bounds.
fn remember(projects: &mut HashMap<String, VecDeque<Entry>>, entry: Entry, now: i64) {
    if !projects.contains_key(&entry.group_id) && projects.len() >= MAX_PROJECTS {
        let stalest = projects
            .iter()
            .min_by_key(|(_, entries)| entries.back().map_or(i64::MIN, |e| e.at))
            .map(|(id, _)| id.clone());
        if let Some(id) = stalest {
            projects.remove(&id);
        }
    }
    let entries = projects.entry(entry.group_id.clone()).or_default();
    entries.retain(|e| e.at >= cutoff(now));
    entries.push_back(entry);
    while entries.len() > CAP_PER_PROJECT {
        entries.pop_front();
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use atlas_registry::IntegrationKind;

    fn entry(group_id: &str, at: i64) -> Entry {
        Entry {
            at,
            who: "demoownr".into(),
            group_id: group_id.into(),
            kind: IntegrationKind::Datadog,
            action: Action::Update,
            origin: Origin::Page,
            set: vec!["region".into()],
            removed: vec![],
            outcome: Outcome::Applied,
        }
    }

    #[test]
    fn the_memory_journal_keeps_the_newest_within_the_retention() {
        let now = 10_000_000;
        let mut projects = HashMap::new();
        remember(&mut projects, entry("a", cutoff(now) - 1), now - 10);
        for i in 0..CAP_PER_PROJECT as i64 + 5 {
            remember(&mut projects, entry("a", now - 1000 + i), now);
        }
        let kept = &projects["a"];
        assert_eq!(kept.len(), CAP_PER_PROJECT);
        assert_eq!(
            kept.front().unwrap().at,
            now - 1000 + 5,
            "the oldest went first"
        );
        assert!(kept.iter().all(|e| e.at >= cutoff(now)));
    }

    #[test]
    fn the_memory_journal_forgets_the_stalest_project_past_its_bound() {
        let mut projects = HashMap::new();
        for i in 0..MAX_PROJECTS as i64 {
            remember(&mut projects, entry(&format!("p{i}"), 1_000 + i), 2_000);
        }
        remember(&mut projects, entry("new", 3_000), 3_000);
        assert_eq!(projects.len(), MAX_PROJECTS);
        assert!(!projects.contains_key("p0") && projects.contains_key("p1"));
    }

    #[test]
    fn a_sealed_line_opens_only_for_its_project() {
        let keys = SessionKeys::ephemeral();
        let e = entry("65f0a1b2c3d4e5f6a7b8c901", 5);
        let sealed = keys.seal(&serde_json::to_vec(&e).unwrap(), &bound_to(&e.group_id));
        let line = format!("5 {sealed}");
        assert!(!line.contains("demoownr"), "nothing readable");
        assert_eq!(open_line(&keys, &e.group_id, &line), Some(e));
        assert_eq!(open_line(&keys, "65f0a1b2c3d4e5f6a7b8c902", &line), None);
        assert_eq!(
            open_line(&SessionKeys::ephemeral(), "65f0a1b2c3d4e5f6a7b8c901", &line),
            None
        );
    }
}
