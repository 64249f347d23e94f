//! Fleet runs in Redis (`store`'s module docs): four hashes with a field per run, every change
//! one Lua script over them, so that replicas that change one run at once (a page cancelling
//! it, the replica writing it, one taking it over) never lose each other's change. Times come
//! from Redis's own clock (`TIME`), so the replicas' clocks do not decide who holds a run.

use std::sync::Arc;

use serde::de::DeserializeOwned;
use serde::Serialize;
use tower_sessions_redis_store::fred::interfaces::ClientLike;
use tower_sessions_redis_store::fred::prelude::Pool;
use tower_sessions_redis_store::fred::types::{ClusterHash, CustomCommand};

use super::model::{
    Claim, Loaded, Meta, Owner, Save, Step, Work, LEASE, MAX_RUNS, MAX_RUNS_PER_CREDENTIAL,
    MAX_TOTAL_BYTES, RUN_TTL,
};
use crate::error::AppError;
use crate::fleet_run::{Phase, RunView, Stop};
use crate::server::sealing::SessionKeys;

/// The four hashes: bookkeeping (in clear), view, work, steps (sealed).
pub const REDIS_KEYS: [&str; 4] = [
    "atlas-integrations:runs:v1:meta",
    "atlas-integrations:runs:v1:view",
    "atlas-integrations:runs:v1:work",
    "atlas-integrations:runs:v1:steps",
];

/// What every script starts with: Redis's clock in milliseconds, and `keep()`, which every
/// change calls: the four hashes expire [`RUN_TTL`] after the last change to any run (a
/// running run changes every few seconds), so runs nobody looks at go away by themselves
/// even when no new run sweeps them.
fn prelude() -> String {
    format!(
        "local t = redis.call('TIME')\n\
         local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)\n\
         local function keep() for k = 1, 4 do redis.call('PEXPIRE', KEYS[k], {}) end end\n",
        RUN_TTL.as_millis()
    )
}

/// Drops expired runs, makes room in the credential's quota (its own oldest run not running),
/// refuses when the credential's runs are all running (`quota`) or the store is full
/// (`full`), else keeps the run (`ok`). ARGV: id, meta, view, work, steps, ttl, per
/// credential, runs in all, bytes in all.
const INSERT: &str = r#"
local ttl = tonumber(ARGV[6])
local new = cjson.decode(ARGV[2])
local all = redis.call('HGETALL', KEYS[1])
local mine, count, bytes = {}, 0, 0
local function drop(id) for k = 1, 4 do redis.call('HDEL', KEYS[k], id) end end
for i = 1, #all, 2 do
  local id, m = all[i], cjson.decode(all[i + 1])
  if m.phase ~= 'Running' and now - m.touched > ttl then
    drop(id)
  else
    count = count + 1
    bytes = bytes + m.bytes
    if m.who == new.who then table.insert(mine, {id, m}) end
  end
end
if #mine >= tonumber(ARGV[7]) then
  local oldest = nil
  for _, e in ipairs(mine) do
    if e[2].phase ~= 'Running' and (oldest == nil or e[2].touched < oldest[2].touched) then oldest = e end
  end
  if oldest == nil then return 'quota' end
  drop(oldest[1])
  count = count - 1
  bytes = bytes - oldest[2].bytes
end
if count >= tonumber(ARGV[8]) or bytes + new.bytes > tonumber(ARGV[9]) then return 'full' end
new.touched = now
redis.call('HSET', KEYS[1], ARGV[1], cjson.encode(new))
redis.call('HSET', KEYS[2], ARGV[1], ARGV[3])
redis.call('HSET', KEYS[3], ARGV[1], ARGV[4])
redis.call('HSET', KEYS[4], ARGV[1], ARGV[5])
keep()
return 'ok'
"#;

/// A run of the owner (ARGV[2], any: ''), touched; with its work when ARGV[3] is '1'.
/// Answers nil, or meta, view, work ('' when not asked or dropped), steps.
const LOAD: &str = r#"
local raw = redis.call('HGET', KEYS[1], ARGV[1])
if not raw then return false end
local m = cjson.decode(raw)
if ARGV[2] ~= '' and m.owner ~= ARGV[2] then return false end
m.touched = now
raw = cjson.encode(m)
redis.call('HSET', KEYS[1], ARGV[1], raw)
keep()
local work = ''
if ARGV[3] == '1' then work = redis.call('HGET', KEYS[3], ARGV[1]) or '' end
return {raw, redis.call('HGET', KEYS[2], ARGV[1]) or '', work, redis.call('HGET', KEYS[4], ARGV[1]) or ''}
"#;

/// Takes hold of a run (ARGV: id, holder, owner or '', from phase, to phase, lease ms) when
/// it is in the phase and no one else holds it. Answers nil (missing), {'busy'}, or
/// {'claimed', meta, view, work, steps}.
const CLAIM: &str = r#"
local raw = redis.call('HGET', KEYS[1], ARGV[1])
if not raw then return false end
local m = cjson.decode(raw)
if ARGV[3] ~= '' and m.owner ~= ARGV[3] then return false end
if m.phase ~= ARGV[4] then return {'busy'} end
if m.lease ~= '' and m.lease ~= ARGV[2] and m.lease_until > now then return {'busy'} end
m.lease = ARGV[2]
m.lease_until = now + tonumber(ARGV[6])
if ARGV[4] ~= ARGV[5] then m.stop = cjson.null end
m.phase = ARGV[5]
m.touched = now
raw = cjson.encode(m)
redis.call('HSET', KEYS[1], ARGV[1], raw)
keep()
return {'claimed', raw, redis.call('HGET', KEYS[2], ARGV[1]) or '', redis.call('HGET', KEYS[3], ARGV[1]) or '', redis.call('HGET', KEYS[4], ARGV[1]) or ''}
"#;

/// Running runs nobody holds.
const LAPSED: &str = r#"
local all = redis.call('HGETALL', KEYS[1])
local out = {}
for i = 1, #all, 2 do
  local m = cjson.decode(all[i + 1])
  if m.phase == 'Running' and m.lease_until <= now then table.insert(out, all[i]) end
end
return out
"#;

/// The holder's write of a run's steps (ARGV: id, holder, steps, phase or '', drop work
/// '1'). Answers 1, or 0 when the holder no longer holds the run.
const SAVE: &str = r#"
local raw = redis.call('HGET', KEYS[1], ARGV[1])
if not raw then return 0 end
local m = cjson.decode(raw)
if m.lease ~= ARGV[2] then return 0 end
redis.call('HSET', KEYS[4], ARGV[1], ARGV[3])
if ARGV[5] == '1' then redis.call('HDEL', KEYS[3], ARGV[1]) end
if ARGV[4] ~= '' then m.phase = ARGV[4] end
if m.phase == 'Finished' then
  m.lease = ''
  m.lease_until = 0
end
m.touched = now
m.bytes = redis.call('HSTRLEN', KEYS[2], ARGV[1]) + redis.call('HSTRLEN', KEYS[3], ARGV[1]) + string.len(ARGV[3])
redis.call('HSET', KEYS[1], ARGV[1], cjson.encode(m))
keep()
return 1
"#;

/// The holder's hold renewed (ARGV: id, holder, lease ms): 1, or 0 when it has none.
const RENEW: &str = r#"
local raw = redis.call('HGET', KEYS[1], ARGV[1])
if not raw then return 0 end
local m = cjson.decode(raw)
if m.lease ~= ARGV[2] then return 0 end
m.lease_until = now + tonumber(ARGV[3])
m.touched = now
redis.call('HSET', KEYS[1], ARGV[1], cjson.encode(m))
keep()
return 1
"#;

/// A running run of the owner (ARGV: id, owner or '', why) asked to stop: 1, else 0.
const STOP: &str = r#"
local raw = redis.call('HGET', KEYS[1], ARGV[1])
if not raw then return 0 end
local m = cjson.decode(raw)
if ARGV[2] ~= '' and m.owner ~= ARGV[2] then return 0 end
if m.phase ~= 'Running' then return 0 end
if m.stop == nil or m.stop == cjson.null then m.stop = ARGV[3] end
redis.call('HSET', KEYS[1], ARGV[1], cjson.encode(m))
return 1
"#;

/// The parts of a new run, sealed.
pub struct SealedRun {
    view: String,
    work: String,
    steps: String,
}

impl SealedRun {
    pub fn bytes(&self) -> u64 {
        (self.view.len() + self.work.len() + self.steps.len()) as u64
    }
}

#[derive(Clone)]
pub struct RedisRuns {
    pool: Pool,
    keys: Arc<SessionKeys>,
}

/// What a sealed part is bound to: it opens only as this part of this run.
fn bound(part: &str, id: &str) -> Vec<u8> {
    format!("fleet run {part}:{id}").into_bytes()
}

fn internal(what: &str, e: impl std::fmt::Display) -> AppError {
    tracing::warn!(error = %e, "fleet runs in Redis: {what}");
    AppError::internal("the store of fleet runs does not answer")
}

impl RedisRuns {
    pub fn new(pool: Pool, keys: Arc<SessionKeys>) -> Self {
        RedisRuns { pool, keys }
    }

    fn seal<T: Serialize>(&self, part: &str, id: &str, value: &T) -> Result<String, AppError> {
        let json =
            zeroize::Zeroizing::new(serde_json::to_vec(value).map_err(|e| internal("encode", e))?);
        Ok(self.keys.seal(&json, &bound(part, id)))
    }

    fn open<T: DeserializeOwned>(&self, part: &str, id: &str, sealed: &str) -> Option<T> {
        let json = self.keys.open(sealed, &bound(part, id))?;
        serde_json::from_slice(&json).ok()
    }

    pub fn seal_new(
        &self,
        id: &str,
        view: &RunView,
        steps: &[Step],
        work: &Work,
    ) -> Result<SealedRun, AppError> {
        Ok(SealedRun {
            view: self.seal("view", id, view)?,
            work: self.seal("work", id, work)?,
            steps: self.seal("steps", id, &steps)?,
        })
    }

    async fn eval<R>(&self, script: &str, args: Vec<String>) -> Result<R, AppError>
    where
        R: tower_sessions_redis_store::fred::types::FromValue,
    {
        let mut all = vec![
            format!("{}{script}", prelude()),
            REDIS_KEYS.len().to_string(),
        ];
        all.extend(REDIS_KEYS.iter().map(|k| k.to_string()));
        all.extend(args);
        let eval = CustomCommand::new_static("EVAL", ClusterHash::Random, false);
        self.pool
            .custom::<R, _>(eval, all)
            .await
            .map_err(|e| internal("script", e))
    }

    pub async fn insert(
        &self,
        id: &str,
        meta: &Meta,
        sealed: &SealedRun,
    ) -> Result<String, AppError> {
        let meta = serde_json::to_string(meta).map_err(|e| internal("encode", e))?;
        self.eval(
            INSERT,
            vec![
                id.into(),
                meta,
                sealed.view.clone(),
                sealed.work.clone(),
                sealed.steps.clone(),
                RUN_TTL.as_millis().to_string(),
                MAX_RUNS_PER_CREDENTIAL.to_string(),
                MAX_RUNS.to_string(),
                MAX_TOTAL_BYTES.to_string(),
            ],
        )
        .await
    }

    /// A run's parts as read by a script (meta, view, work, steps), opened.
    fn loaded(&self, id: &str, parts: &[String]) -> Result<Loaded, AppError> {
        let [meta, view, work, steps] = parts else {
            return Err(internal("answer", "not four parts"));
        };
        let meta: Meta = serde_json::from_str(meta).map_err(|e| internal("bookkeeping", e))?;
        // A part that does not open was sealed with a key no longer in the ring, or changed.
        let view: RunView = self
            .open("view", id, view)
            .ok_or_else(|| internal("view", "does not open"))?;
        let steps: Vec<Step> = self
            .open("steps", id, steps)
            .ok_or_else(|| internal("steps", "do not open"))?;
        let work = (!work.is_empty())
            .then(|| self.open::<Work>("work", id, work))
            .flatten();
        Ok(Loaded::from_parts(id, &meta, view, steps, work))
    }

    pub async fn load(
        &self,
        id: &str,
        owner: Option<&Owner>,
        with_work: bool,
    ) -> Result<Option<Loaded>, AppError> {
        let owner = owner.map(Owner::hashed).unwrap_or_default();
        let work = if with_work { "1" } else { "0" };
        let parts: Option<Vec<String>> =
            self.eval(LOAD, vec![id.into(), owner, work.into()]).await?;
        parts.map(|p| self.loaded(id, &p)).transpose()
    }

    pub async fn claim(
        &self,
        id: &str,
        holder: &str,
        owner: Option<&Owner>,
        from: Phase,
        to: Phase,
    ) -> Result<Claim, AppError> {
        let owner = owner.map(Owner::hashed).unwrap_or_default();
        let args = vec![
            id.into(),
            holder.into(),
            owner,
            phase(from).into(),
            phase(to).into(),
            LEASE.as_millis().to_string(),
        ];
        let answer: Option<Vec<String>> = self.eval(CLAIM, args).await?;
        Ok(match answer {
            None => Claim::Missing,
            Some(parts) if parts.first().map(String::as_str) == Some("claimed") => {
                Claim::Claimed(Box::new(self.loaded(id, &parts[1..])?))
            }
            Some(_) => Claim::NotNow,
        })
    }

    pub async fn lapsed(&self) -> Result<Vec<String>, AppError> {
        self.eval(LAPSED, Vec::new()).await
    }

    pub async fn save(&self, id: &str, holder: &str, save: Save<'_>) -> Result<bool, AppError> {
        let steps = self.seal("steps", id, &save.steps)?;
        let phase = save.phase.map(phase).unwrap_or_default();
        let drop = if save.drop_work { "1" } else { "0" };
        let saved: i64 = self
            .eval(
                SAVE,
                vec![id.into(), holder.into(), steps, phase.into(), drop.into()],
            )
            .await?;
        Ok(saved == 1)
    }

    pub async fn renew(&self, id: &str, holder: &str) -> Result<bool, AppError> {
        let args = vec![id.into(), holder.into(), LEASE.as_millis().to_string()];
        let renewed: i64 = self.eval(RENEW, args).await?;
        Ok(renewed == 1)
    }

    pub async fn stop(&self, id: &str, owner: Option<&Owner>, why: Stop) -> Result<bool, AppError> {
        let owner = owner.map(Owner::hashed).unwrap_or_default();
        let why = match why {
            Stop::Cancelled => "Cancelled",
            Stop::SignedOut => "SignedOut",
        };
        let stopped: i64 = self.eval(STOP, vec![id.into(), owner, why.into()]).await?;
        Ok(stopped == 1)
    }

    pub async fn stop_asked(&self, id: &str) -> Result<Option<Stop>, AppError> {
        use tower_sessions_redis_store::fred::interfaces::HashesInterface;
        let raw: Option<String> = self
            .pool
            .hget(REDIS_KEYS[0], id)
            .await
            .map_err(|e| internal("read", e))?;
        let meta: Option<Meta> = raw.and_then(|r| serde_json::from_str(&r).ok());
        Ok(meta.and_then(|m| m.stop))
    }

    pub async fn usage(&self) -> Result<(usize, u64), AppError> {
        use tower_sessions_redis_store::fred::interfaces::HashesInterface;
        let all: std::collections::HashMap<String, String> = self
            .pool
            .hgetall(REDIS_KEYS[0])
            .await
            .map_err(|e| internal("read", e))?;
        let bytes = all
            .values()
            .filter_map(|m| serde_json::from_str::<Meta>(m).ok())
            .map(|m| m.bytes)
            .sum();
        Ok((all.len(), bytes))
    }
}

/// A phase as the scripts compare it (serde's spelling of the variant).
fn phase(phase: Phase) -> &'static str {
    match phase {
        Phase::Previewed => "Previewed",
        Phase::Running => "Running",
        Phase::Finished => "Finished",
    }
}
