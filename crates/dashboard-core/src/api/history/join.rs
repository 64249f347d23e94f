//! Atlas's events joined with the dashboard's journal (`server::journal`): an event that
//! records a write the dashboard sent gets that write's type, action, origin and fields; any
//! other keeps what Atlas says and "type not stated" (module docs of `api::history`).

use super::{Author, Change, EventKind, HistoryEntry, MATCH_WINDOW_SECS};
use crate::write_record::WriteRecord;

/// Gives each of one project's events the journal entry that records the same change, if
/// any: the same credential (the event's `publicKey`, the journal's public id), the same kind
/// of change (a create or update is `INTEGRATION_CONFIGURED`, a delete
/// `INTEGRATION_REMOVED`), at most [`MATCH_WINDOW_SECS`] apart, the nearest first; each entry
/// matches one event at most. Refused writes made no event and match none. An event named by
/// anything but a public key (a person, an application, a key's id alone) is not the
/// dashboard's and keeps "type not stated".
pub fn join(events: &mut [HistoryEntry], records: Vec<WriteRecord>) {
    use crate::write_record::{Action, Outcome};
    let mut free: Vec<Option<WriteRecord>> = records
        .into_iter()
        .filter(|r| r.outcome != Outcome::Refused)
        .map(Some)
        .collect();
    for event in events.iter_mut() {
        let who = match &event.author {
            Author::ApiKey(k) | Author::ServiceAccount(k) => k,
            _ => continue,
        };
        let Some(at) = unix_seconds(&event.created) else {
            continue;
        };
        let same_change = |r: &WriteRecord| match event.change {
            Change::Configured => matches!(r.action, Action::Create | Action::Update),
            Change::Removed => r.action == Action::Delete,
        };
        let best = free
            .iter()
            .enumerate()
            .filter_map(|(i, r)| r.as_ref().map(|r| (i, r)))
            .filter(|(_, r)| &r.who == who && same_change(r))
            .map(|(i, r)| (i, (r.at - at).abs()))
            .filter(|&(_, gap)| gap <= MATCH_WINDOW_SECS)
            .min_by_key(|&(_, gap)| gap);
        if let Some((i, _)) = best {
            if let Some(record) = free[i].take() {
                event.kind = EventKind::Known(record.kind);
                event.record = Some(record);
            }
        }
    }
}

/// Seconds since the epoch of an ISO 8601 UTC time as Atlas writes it
/// (`2026-01-01T00:00:00Z`, a fraction allowed); `None` for anything else.
fn unix_seconds(created: &str) -> Option<i64> {
    use time::format_description::well_known::Rfc3339;
    time::OffsetDateTime::parse(created, &Rfc3339)
        .ok()
        .map(time::OffsetDateTime::unix_timestamp)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::write_record::{Action, Origin, Outcome};
    use atlas_registry::IntegrationKind;

    fn event(created: &str, change: Change, author: Author) -> HistoryEntry {
        HistoryEntry {
            created: created.into(),
            change,
            kind: EventKind::NotStated,
            author,
            remote_address: None,
            group_id: "g".into(),
            project_name: "p".into(),
            record: None,
        }
    }

    fn record(at: i64, who: &str, kind: IntegrationKind, action: Action) -> WriteRecord {
        WriteRecord {
            at,
            who: who.into(),
            group_id: "g".into(),
            kind,
            action,
            origin: Origin::Rotate,
            set: vec!["apiKey".into()],
            removed: vec![],
            outcome: Outcome::Applied,
        }
    }

    #[test]
    fn unix_seconds_reads_atlas_times() {
        assert_eq!(unix_seconds("1970-01-01T00:00:00Z"), Some(0));
        assert_eq!(unix_seconds("2026-12-05T10:11:12Z"), Some(1_796_465_472));
        assert_eq!(
            unix_seconds("2024-02-29T00:00:00.123Z"),
            Some(1_709_164_800)
        );
        assert_eq!(unix_seconds("yesterday"), None);
        assert_eq!(unix_seconds("2026-13-01T00:00:00Z"), None);
    }

    #[test]
    fn events_take_the_nearest_matching_write_once() {
        let t = unix_seconds("2026-12-05T10:00:00Z").unwrap();
        let key = || Author::ApiKey("demoownr".into());
        let mut events = vec![
            event("2026-12-05T10:00:03Z", Change::Configured, key()),
            event("2026-12-05T10:00:00Z", Change::Configured, key()),
            // Same time, but removed: only a delete matches it.
            event("2026-12-05T10:00:00Z", Change::Removed, key()),
            // A person in the Atlas UI: never the dashboard's.
            event(
                "2026-12-05T10:00:00Z",
                Change::Configured,
                Author::User("a@b.c".into()),
            ),
            // Too far from any write.
            event("2026-12-05T10:05:00Z", Change::Configured, key()),
        ];
        let mut refused = record(t, "demoownr", IntegrationKind::Slack, Action::Update);
        refused.outcome = Outcome::Refused;
        join(
            &mut events,
            vec![
                record(t, "demoownr", IntegrationKind::Datadog, Action::Create),
                record(t + 3, "demoownr", IntegrationKind::OpsGenie, Action::Update),
                record(t + 1, "demoownr", IntegrationKind::Webhook, Action::Delete),
                record(t, "otherkey", IntegrationKind::PagerDuty, Action::Update),
                refused,
            ],
        );
        let kinds: Vec<_> = events.iter().map(|e| e.kind.clone()).collect();
        assert_eq!(
            kinds,
            [
                EventKind::Known(IntegrationKind::OpsGenie),
                EventKind::Known(IntegrationKind::Datadog),
                EventKind::Known(IntegrationKind::Webhook),
                EventKind::NotStated,
                EventKind::NotStated,
            ]
        );
        assert_eq!(events[0].record.as_ref().unwrap().origin, Origin::Rotate);
    }
}
