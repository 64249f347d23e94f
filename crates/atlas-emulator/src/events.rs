//! The project events Atlas records when an integration is configured or removed, and how
//! they are served (`GET /api/atlas/v2/groups/{groupId}/events`, listGroupEvents).
//!
//! Only what the spec documents is emitted (docs/atlas-facts.md, "Events";
//! `DefaultEventViewForNdsGroup`): `eventTypeName` is `INTEGRATION_CONFIGURED` or
//! `INTEGRATION_REMOVED` ("Group Integration Event Types"); an event has `created`,
//! `eventTypeName` and `id` (required), `groupId`, `orgId`, `isGlobalAdmin`, `links`,
//! `remoteAddress` (the caller's address), and who did it: `apiKeyId` (the key's own id) plus
//! `publicKey` for an API key. `raw` (with `includeRaw=true` only) carries its documented
//! `cid`, `cre`, `gn`, `id` and `orgId`. `scripts/spec-check` fails if any other field appears.
//!
//! What the spec does not say, and the emulator decides here [unverified]:
//! - which integration type an event is about: no documented field names it, so none does
//!   (the emulator keeps the type in its own state only, for its tests and the state file);
//!   the dashboard learns the type from its own journal of the writes it sent;
//! - how a service account appears: the spec names API keys (`apiKeyId`, `publicKey`), people
//!   (`userId`, `username`) and delegated access (`delegatePrincipal`). The emulator sends the
//!   client id as `publicKey` ("public part of the API key": a service account's client id is
//!   the public part of its credential) and no `apiKeyId`;
//! - an update is `INTEGRATION_CONFIGURED`, like a create (there is no "updated" type);
//! - order: newest first; `minDate`/`maxDate` are inclusive.

use std::collections::VecDeque;

use serde::{Deserialize, Serialize};
use serde_json::{json, Map, Value};
use time::format_description::well_known::Rfc3339;
use time::OffsetDateTime;

use super::errors::ApiError;
use super::identity::{new_object_id, Principal};
use atlas_registry::IntegrationKind;

pub const CONFIGURED: &str = "INTEGRATION_CONFIGURED";
pub const REMOVED: &str = "INTEGRATION_REMOVED";

/// The newest events kept per project: enough to page through, and bounded, so a load run
/// against the embedded emulator does not grow its memory without end. (Atlas keeps events
/// for a limited time too; the emulator's bound is its own.)
pub const MAX_EVENTS_PER_PROJECT: usize = 200;

/// One recorded event, as stored (and in the seed / state document's `events` of a project).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Event {
    pub id: String,
    /// RFC 3339, UTC, whole seconds.
    pub created: String,
    /// `INTEGRATION_CONFIGURED` or `INTEGRATION_REMOVED`.
    pub event_type_name: String,
    pub integration_type: IntegrationKind,
    /// The API key's public key, when an API key made the change.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub public_key: Option<String>,
    /// The API key's own id (`ApiKeyDoc::id`), when an API key made the change.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub api_key_id: Option<String>,
    /// The service account's client id, when one made the change.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub service_account: Option<String>,
    /// The address the request came from, when the server knew it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub remote_address: Option<String>,
}

/// Who made a write, as an event records it.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Caller {
    pub principal: Option<Principal>,
    /// The API key's id, looked up in the store (`Store::api_key_id`).
    pub api_key_id: Option<String>,
    pub remote_address: Option<String>,
}

impl Event {
    pub fn new(event_type_name: &str, kind: IntegrationKind, by: &Caller) -> Event {
        let (public_key, service_account) = match &by.principal {
            Some(Principal::ApiKey(id)) => (Some(id.clone()), None),
            Some(Principal::ServiceAccount(id)) => (None, Some(id.clone())),
            None => (None, None),
        };
        Event {
            id: new_object_id(),
            created: super::identity::now(),
            event_type_name: event_type_name.into(),
            integration_type: kind,
            api_key_id: public_key.as_ref().and(by.api_key_id.clone()),
            public_key,
            service_account,
            remote_address: by.remote_address.clone(),
        }
    }

    fn created_at(&self) -> Option<OffsetDateTime> {
        OffsetDateTime::parse(&self.created, &Rfc3339).ok()
    }
}

/// Appends `event` (the newest) to a project's events, dropping the oldest past the bound.
pub fn push(events: &mut VecDeque<Event>, event: Event) {
    events.push_back(event);
    while events.len() > MAX_EVENTS_PER_PROJECT {
        events.pop_front();
    }
}

/// Checks a seeded event and puts a project's events in time order (oldest first, as stored).
pub fn check_seeded(group_id: &str, events: Vec<Event>) -> anyhow::Result<VecDeque<Event>> {
    for e in &events {
        anyhow::ensure!(
            atlas_registry::is_group_id(&e.id),
            "project {group_id}: event id {:?} is not 24 lowercase hex digits",
            e.id
        );
        anyhow::ensure!(
            e.event_type_name == CONFIGURED || e.event_type_name == REMOVED,
            "project {group_id}: event type {:?} is not {CONFIGURED} or {REMOVED}",
            e.event_type_name
        );
        anyhow::ensure!(
            e.created_at().is_some(),
            "project {group_id}: event created {:?} is not RFC 3339",
            e.created
        );
        anyhow::ensure!(
            e.public_key.is_some() != e.service_account.is_some(),
            "project {group_id}: event {} needs exactly one of publicKey, serviceAccount",
            e.id
        );
    }
    let mut events = events;
    events.sort_by_key(|e| e.created_at());
    let mut out = VecDeque::new();
    for e in events {
        push(&mut out, e);
    }
    Ok(out)
}

/// The listGroupEvents query parameters the emulator honours besides the paging ones
/// (`response::Params`). `clusterNames` is ignored: there are no clusters.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Filter {
    /// `eventType`, repeated (the spec: an array, form style): any of them.
    pub event_types: Vec<String>,
    /// `excludedEventType`, repeated: none of them.
    pub excluded: Vec<String>,
    pub min_date: Option<OffsetDateTime>,
    pub max_date: Option<OffsetDateTime>,
    pub include_raw: bool,
}

impl Filter {
    /// Reads the filter; a malformed value is a 400 INVALID_QUERY_PARAMETER [unverified code].
    /// An event type is checked for its shape only (upper-case words): the spec's enum is
    /// long and "changes frequently", and a well-formed type no event has matches nothing.
    pub fn parse(query: Option<&str>) -> Result<Filter, ApiError> {
        let mut f = Filter::default();
        for (k, v) in form_urlencoded::parse(query.unwrap_or_default().as_bytes()) {
            let event_type = || {
                let ok = !v.is_empty()
                    && v.chars()
                        .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || c == '_');
                ok.then(|| v.to_string())
                    .ok_or_else(|| ApiError::invalid_query(&k, &v))
            };
            let date =
                || OffsetDateTime::parse(&v, &Rfc3339).map_err(|_| ApiError::invalid_query(&k, &v));
            match k.as_ref() {
                "eventType" => f.event_types.push(event_type()?),
                "excludedEventType" => f.excluded.push(event_type()?),
                "minDate" => f.min_date = Some(date()?),
                "maxDate" => f.max_date = Some(date()?),
                "includeRaw" => {
                    f.include_raw = match v.as_ref() {
                        "true" => true,
                        "false" => false,
                        _ => return Err(ApiError::invalid_query(&k, &v)),
                    }
                }
                _ => {}
            }
        }
        Ok(f)
    }

    pub fn matches(&self, e: &Event) -> bool {
        let wanted = self.event_types.is_empty() || self.event_types.contains(&e.event_type_name);
        let excluded = self.excluded.contains(&e.event_type_name);
        let at = e.created_at();
        let after_min = self.min_date.is_none_or(|min| at.is_some_and(|t| t >= min));
        let before_max = self.max_date.is_none_or(|max| at.is_some_and(|t| t <= max));
        wanted && !excluded && after_min && before_max
    }

    /// The filter as query parameters, for the `links` of a page (so `next` keeps it).
    pub fn to_query(&self) -> String {
        let mut q = form_urlencoded::Serializer::new(String::new());
        for t in &self.event_types {
            q.append_pair("eventType", t);
        }
        for t in &self.excluded {
            q.append_pair("excludedEventType", t);
        }
        let stamp = |t: &OffsetDateTime| t.format(&Rfc3339).unwrap_or_default();
        if let Some(t) = &self.min_date {
            q.append_pair("minDate", &stamp(t));
        }
        if let Some(t) = &self.max_date {
            q.append_pair("maxDate", &stamp(t));
        }
        if self.include_raw {
            q.append_pair("includeRaw", "true");
        }
        q.finish()
    }
}

/// The event as `DefaultEventViewForNdsGroup`.
pub fn render(
    base: &str,
    org_id: &str,
    group_id: &str,
    group_name: &str,
    e: &Event,
    include_raw: bool,
) -> Value {
    let mut o = Map::new();
    o.insert("created".into(), json!(e.created));
    o.insert("eventTypeName".into(), json!(e.event_type_name));
    o.insert("groupId".into(), json!(group_id));
    o.insert("id".into(), json!(e.id));
    o.insert("isGlobalAdmin".into(), json!(false));
    o.insert(
        "links".into(),
        json!([{"href": format!("{base}/api/atlas/v2/groups/{group_id}/events/{}", e.id), "rel": "self"}]),
    );
    o.insert("orgId".into(), json!(org_id));
    if let Some(key) = &e.public_key {
        if let Some(id) = &e.api_key_id {
            o.insert("apiKeyId".into(), json!(id));
        }
        o.insert("publicKey".into(), json!(key));
    }
    // [unverified] how Atlas names a service account (module docs): its client id as the
    // public part of its credential, no `apiKeyId`.
    if let Some(client_id) = &e.service_account {
        o.insert("publicKey".into(), json!(client_id));
    }
    if let Some(address) = &e.remote_address {
        o.insert("remoteAddress".into(), json!(address));
    }
    if include_raw {
        // `raw`'s documented fields only.
        o.insert(
            "raw".into(),
            json!({
                "cid": group_id,
                "cre": e.created,
                "gn": group_name,
                "id": e.id,
                "orgId": org_id,
            }),
        );
    }
    Value::Object(o)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn by_key(public_key: &str) -> Caller {
        Caller {
            principal: Some(Principal::ApiKey(public_key.into())),
            api_key_id: Some("65f0aaaa0000000000000001".into()),
            remote_address: Some("127.0.0.1".into()),
        }
    }

    fn event(created: &str, ty: &str) -> Event {
        Event {
            created: created.into(),
            ..Event::new(ty, IntegrationKind::Slack, &by_key("k"))
        }
    }

    #[test]
    fn filter_by_type_and_dates_inclusive() {
        let f = Filter::parse(Some(
            "eventType=INTEGRATION_REMOVED&minDate=2026-01-01T00:00:00Z&maxDate=2026-01-02T00:00:00Z",
        ))
        .unwrap();
        assert!(f.matches(&event("2026-01-01T00:00:00Z", REMOVED)));
        assert!(f.matches(&event("2026-01-02T00:00:00Z", REMOVED)));
        assert!(!f.matches(&event("2026-01-02T00:00:01Z", REMOVED)));
        assert!(!f.matches(&event("2026-01-01T12:00:00Z", CONFIGURED)));
        let back = Filter::parse(Some(&f.to_query())).unwrap();
        assert_eq!(back, f);
    }

    #[test]
    fn malformed_filters_are_refused() {
        for bad in [
            "minDate=yesterday",
            "maxDate=2026-01-01",
            "eventType=integration_removed",
            "eventType=",
            "includeRaw=yes",
        ] {
            assert!(Filter::parse(Some(bad)).is_err(), "{bad}");
        }
    }

    #[test]
    fn the_bound_drops_the_oldest() {
        let mut events = VecDeque::new();
        for i in 0..MAX_EVENTS_PER_PROJECT + 5 {
            let mut e = event("2026-01-01T00:00:00Z", CONFIGURED);
            e.id = format!("{i:024x}");
            push(&mut events, e);
        }
        assert_eq!(events.len(), MAX_EVENTS_PER_PROJECT);
        assert_eq!(events.front().unwrap().id, format!("{:024x}", 5));
    }

    #[test]
    fn only_documented_fields_name_the_caller() {
        let sa = Caller {
            principal: Some(Principal::ServiceAccount("mdb_sa_id_x".into())),
            api_key_id: None,
            remote_address: Some("10.0.0.7".into()),
        };
        let e = Event::new(CONFIGURED, IntegrationKind::Datadog, &sa);
        let v = render("http://h", "o", "g", "n", &e, true);
        assert_eq!(v["publicKey"], "mdb_sa_id_x");
        assert!(v.get("apiKeyId").is_none());
        assert_eq!(v["remoteAddress"], "10.0.0.7");
        let raw = v["raw"].as_object().unwrap();
        let mut keys: Vec<&str> = raw.keys().map(String::as_str).collect();
        keys.sort_unstable();
        assert_eq!(
            keys,
            ["cid", "cre", "gn", "id", "orgId"],
            "no invented raw field"
        );
        let e = Event::new(REMOVED, IntegrationKind::Datadog, &by_key("demoownr"));
        let v = render("http://h", "o", "g", "n", &e, false);
        assert_eq!(v["publicKey"], "demoownr");
        assert_eq!(v["apiKeyId"], "65f0aaaa0000000000000001");
        assert!(v.get("raw").is_none());
    }
}
