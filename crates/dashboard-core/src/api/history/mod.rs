//! History: who configured or removed which integration, and when, from Atlas's own project
//! events (`INTEGRATION_CONFIGURED`, `INTEGRATION_REMOVED`; listGroupEvents), so changes made
//! outside the dashboard show too. For one project, or merged across every project the
//! credential sees (the fleet), newest first, one page at a time.
//!
//! What Atlas does not document is shown as not stated, never guessed (docs/atlas-facts.md,
//! "Events"): no documented field says which integration type an event is about. The
//! dashboard knows it for the writes it sent itself: each is in its journal
//! (`server::journal`), and an event the journal matches (same project, same credential,
//! same kind of change, within [`MATCH_WINDOW_SECS`]) shows the type, what the write did and
//! the fields it set or removed. A change made elsewhere (the Atlas UI, the CLI, Terraform)
//! shows what Atlas says and "type not stated by Atlas"; a filter by type can only find the
//! dashboard's own changes, and the page says so.

use leptos::prelude::*;
use serde::{Deserialize, Serialize};

use atlas_registry::IntegrationKind;

use crate::error::AppError;
use crate::write_record::WriteRecord;

/// What an event says happened.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Change {
    /// `INTEGRATION_CONFIGURED`: created or updated (Atlas has one type for both).
    Configured,
    /// `INTEGRATION_REMOVED`.
    Removed,
}

impl Change {
    pub const ALL: [Change; 2] = [Change::Configured, Change::Removed];

    /// Atlas's `eventTypeName` (spec: "Group Integration Event Types").
    pub fn event_type(self) -> &'static str {
        match self {
            Change::Configured => "INTEGRATION_CONFIGURED",
            Change::Removed => "INTEGRATION_REMOVED",
        }
    }

    pub fn from_event_type(name: &str) -> Option<Change> {
        Change::ALL.into_iter().find(|c| c.event_type() == name)
    }

    /// The word in the page's URL (`?action=`).
    pub fn as_param(self) -> &'static str {
        match self {
            Change::Configured => "configured",
            Change::Removed => "removed",
        }
    }

    pub fn from_param(word: &str) -> Option<Change> {
        Change::ALL.into_iter().find(|c| c.as_param() == word)
    }
}

/// Who made the change, as the event says (the fields the spec documents).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Author {
    /// `publicKey`.
    ApiKey(String),
    /// `apiKeyId` alone.
    ApiKeyId(String),
    /// `username`, else `userId`.
    User(String),
    /// [unverified] a `publicKey` shaped like a service account's client id.
    ServiceAccount(String),
    /// `delegatePrincipal`: an application, and whom it acted for when stated.
    Delegate {
        name: String,
        on_behalf_of: Option<String>,
    },
    NotStated,
}

/// The integration type of an event.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum EventKind {
    /// From the dashboard's journal: a write it sent.
    Known(IntegrationKind),
    /// Atlas did not say (no documented field carries it), and the journal has no match.
    NotStated,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct HistoryEntry {
    /// ISO 8601 in UTC, as Atlas sent it.
    pub created: String,
    pub change: Change,
    pub kind: EventKind,
    pub author: Author,
    /// `remoteAddress`, when Atlas sent it.
    pub remote_address: Option<String>,
    pub group_id: String,
    pub project_name: String,
    /// The dashboard's own record of this change, when the journal matched it.
    pub record: Option<WriteRecord>,
}

/// A project whose events could not be read, and why.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Unreadable {
    pub group_id: String,
    pub project_name: String,
    pub error: AppError,
}

/// The filter, as it stands in the page's URL.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct HistoryFilter {
    pub kind: Option<IntegrationKind>,
    pub change: Option<Change>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct HistoryPage {
    /// `Some((id, name))` for one project's history, `None` for the fleet's.
    pub project: Option<(String, String)>,
    pub entries: Vec<HistoryEntry>,
    pub page: u32,
    pub per_page: u32,
    pub has_next: bool,
    pub filter: HistoryFilter,
    pub unreadable: Vec<Unreadable>,
    /// Some project has more events than were searched: older ones are not shown.
    pub truncated: bool,
    /// How many projects were read.
    pub projects: usize,
}

/// Entries per page.
pub const PER_PAGE: u32 = 25;
/// The newest events read per project (one Atlas page of at most 500). Deeper pages, and a
/// type filter (which Atlas cannot apply: the type is in no documented field), look only
/// within these.
pub const EVENTS_PER_PROJECT: u32 = 500;

/// How far apart an event's `created` and the journal's time of a write may be and still be
/// the same change: Atlas stamps the event when the write arrives, the journal when it was
/// sent, and the two clocks may differ by a few seconds (whole seconds on Atlas's side).
pub const MATCH_WINDOW_SECS: i64 = 10;

/// One page of history (1-based): one project's when `group_id` is set, else the fleet's.
/// `kind` is an integration type (`SLACK`) and `action` `configured` or `removed`; empty
/// means any. An unknown one is a 400 that says so; nothing is sent to Atlas.
#[server(prefix = "/api", endpoint = "history/list", output = crate::wire_json::Post)]
pub async fn list_history(
    #[server(default)] group_id: String,
    #[server(default)] page: u32,
    #[server(default)] kind: String,
    #[server(default)] action: String,
) -> Result<HistoryPage, AppError> {
    crate::server::respond(ssr::list(group_id, page, kind, action).await)
}

/// The sort key of an ISO 8601 UTC time: the text orders as the time once the fraction of
/// a second is set apart (`…:00Z` and `…:00.5Z` do not order as text).
pub fn time_key(created: &str) -> (String, String) {
    // `get`, not slicing: text from Atlas must not panic on a character boundary.
    let head = created.get(..19).unwrap_or(created);
    let fraction: String = created
        .get(19..)
        .and_then(|rest| rest.strip_prefix('.'))
        .unwrap_or_default()
        .chars()
        .take_while(char::is_ascii_digit)
        .collect();
    (head.to_string(), format!("{fraction:0<9}"))
}

#[cfg(feature = "ssr")]
mod join;

#[cfg(feature = "ssr")]
mod ssr {
    use atlas_client::{Actor, AtlasError, Event, EventQuery, Page};
    use futures::StreamExt;

    use super::join::join;
    use super::*;
    use crate::api::input;
    use crate::server::UserAtlas;

    /// Projects whose events are read from Atlas at once.
    const READS_IN_FLIGHT: usize = 8;

    pub async fn list(
        group_id: String,
        page: u32,
        kind: String,
        action: String,
    ) -> Result<HistoryPage, AppError> {
        let atlas = UserAtlas::current().await?;
        let filter = HistoryFilter {
            kind: match kind.trim() {
                "" => None,
                k => Some(input::kind(k)?),
            },
            change: match action.trim() {
                "" => None,
                a => Some(Change::from_param(a).ok_or_else(|| {
                    AppError::BadRequest(format!("not an action: {a:?} (configured or removed)"))
                })?),
            },
        };
        let page = page.max(1);
        let (scope, projects) = if group_id.is_empty() {
            let all = atlas.all_projects().await?;
            (None, all.into_iter().map(|p| (p.id, p.name)).collect())
        } else {
            // Through `project`, so a project out of reach or gone is its own clear error.
            let group_id = input::group_id(&group_id)?;
            let p = atlas.project(&group_id).await?;
            (Some((p.id.clone(), p.name.clone())), vec![(p.id, p.name)])
        };
        // Atlas pages each project's events; the merged page needs the newest
        // page × PER_PAGE of every project (all it may read when filtering by type).
        let wanted = page.saturating_mul(PER_PAGE);
        let need = if filter.kind.is_some() {
            EVENTS_PER_PROJECT
        } else {
            wanted.min(EVENTS_PER_PROJECT)
        };
        let query = EventQuery {
            event_types: match filter.change {
                Some(c) => vec![c.event_type().into()],
                // Every other event type of the project (clusters, alerts…) is left out.
                None => Change::ALL.iter().map(|c| c.event_type().into()).collect(),
            },
            ..Default::default()
        };
        let project_count = projects.len();
        let reads = projects.into_iter().map(|(id, name)| {
            let atlas = atlas.clone();
            let query = query.clone();
            async move {
                let result = atlas
                    .state()
                    .atlas
                    .list_events(&atlas.user().credential, &id, &query, 1, need)
                    .await;
                (id, name, result)
            }
        });
        let mut answers: Vec<(String, String, Result<Page<Event>, AtlasError>)> =
            futures::stream::iter(reads)
                .buffer_unordered(READS_IN_FLIGHT)
                .collect()
                .await;
        // Answers arrive in any order; by project name, so equal times (Atlas's `created`
        // has whole seconds) always list the same way.
        answers.sort_by(|a, b| (&a.1, &a.0).cmp(&(&b.1, &b.0)));
        let read_ids: Vec<String> = answers
            .iter()
            .filter(|a| a.2.is_ok())
            .map(|a| a.0.clone())
            .collect();
        let mut journal = atlas.state().journal.entries(&read_ids).await;
        let mut entries = Vec::new();
        let mut unreadable = Vec::new();
        let mut truncated = false;
        for (group_id, project_name, result) in answers {
            match result {
                Ok(events) => {
                    let read = events.results.len() as u64;
                    truncated |= events
                        .total_count
                        .map_or(read >= u64::from(need), |t| t > read);
                    let mut project: Vec<HistoryEntry> = events
                        .results
                        .into_iter()
                        .filter_map(|e| entry(e, &group_id, &project_name))
                        .collect();
                    let records = journal.remove(&group_id).unwrap_or_default();
                    join(&mut project, records);
                    entries.extend(project);
                }
                Err(error) => {
                    tracing::info!(group_id, error = %error, "project events unreadable");
                    let error = match error {
                        // The project was just listed with this credential (or read, for one
                        // project), so a 401 here is this project out of reach, not the
                        // session over: that would have failed the listing first.
                        AtlasError::Unauthorized(info) => AppError::OutOfReach(info.detail),
                        other => other.into(),
                    };
                    unreadable.push(Unreadable {
                        group_id,
                        project_name,
                        error,
                    });
                }
            }
        }
        entries.retain(|e| {
            filter.change.is_none_or(|c| e.change == c)
                && filter.kind.is_none_or(|k| e.kind == EventKind::Known(k))
        });
        // Newest first; a stable sort keeps each project's own order (Atlas's) for equal
        // times, and projects in name order.
        entries.sort_by_key(|e| std::cmp::Reverse(time_key(&e.created)));
        let skip = (page as usize - 1).saturating_mul(PER_PAGE as usize);
        let more_merged = entries.len() > wanted as usize;
        // Without a type filter, a project cut at `need` < the cap has more to read on the
        // next page; at the cap, it is reported as truncated instead.
        let more_unread = filter.kind.is_none() && truncated && need < EVENTS_PER_PROJECT;
        let entries: Vec<_> = entries
            .into_iter()
            .skip(skip)
            .take(PER_PAGE as usize)
            .collect();
        Ok(HistoryPage {
            project: scope,
            entries,
            page,
            per_page: PER_PAGE,
            has_next: more_merged || more_unread,
            filter,
            unreadable,
            truncated: truncated && !more_unread,
            projects: project_count,
        })
    }

    /// An event as a history entry; one that is not an integration event is left out.
    fn entry(e: Event, group_id: &str, project_name: &str) -> Option<HistoryEntry> {
        let change = Change::from_event_type(&e.event_type)?;
        let author = match e.actor {
            Actor::ApiKey(k) => Author::ApiKey(k),
            Actor::ApiKeyId(id) => Author::ApiKeyId(id),
            Actor::User(u) => Author::User(u),
            Actor::ServiceAccount(c) => Author::ServiceAccount(c),
            Actor::Delegate { name, on_behalf_of } => Author::Delegate { name, on_behalf_of },
            Actor::Unstated => Author::NotStated,
        };
        Some(HistoryEntry {
            created: e.created,
            change,
            kind: EventKind::NotStated,
            author,
            remote_address: e.remote_address,
            group_id: group_id.to_string(),
            project_name: project_name.to_string(),
            record: None,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn times_order_and_show() {
        let mut times = [
            "2026-01-01T00:00:00Z",
            "2026-01-01T00:00:00.5Z",
            "2025-12-31T23:59:59Z",
        ];
        times.sort_by_key(|t| std::cmp::Reverse(time_key(t)));
        assert_eq!(
            times,
            [
                "2026-01-01T00:00:00.5Z",
                "2026-01-01T00:00:00Z",
                "2025-12-31T23:59:59Z"
            ]
        );
        assert_eq!(time_key("2026-11-28T00:53:0é").0, "2026-11-28T00:53:0é");
    }

    #[test]
    fn actions_round_trip() {
        for c in Change::ALL {
            assert_eq!(Change::from_param(c.as_param()), Some(c));
            assert_eq!(Change::from_event_type(c.event_type()), Some(c));
        }
        assert_eq!(Change::from_param("CONFIGURED"), None);
    }
}
