//! Every address of the dashboard, built in one place for the pages, the server functions and
//! the login guard. The route patterns in `app.rs` match these (a test checks).

use atlas_registry::IntegrationKind;

pub const LOGIN: &str = "/login";
pub const PROJECTS: &str = "/";
/// `?saved=TYPE` on a project page: the notice after a save.
pub const SAVED: &str = "saved";
/// `?deleted=TYPE` on a project page: the notice after a delete.
pub const DELETED: &str = "deleted";
/// The fleet's history: integration changes across every project the credential sees.
pub const HISTORY: &str = "/history";
/// History's filter and page, in its URL: `?type=SLACK&action=removed&page=2`.
pub const HISTORY_TYPE: &str = "type";
pub const HISTORY_ACTION: &str = "action";
pub const HISTORY_PAGE: &str = "page";

pub fn project(group_id: &str) -> String {
    format!("/projects/{group_id}")
}

pub fn integration(group_id: &str, kind: IntegrationKind) -> String {
    format!("/projects/{group_id}/integrations/{}", kind.as_wire())
}

pub fn delete_integration(group_id: &str, kind: IntegrationKind) -> String {
    format!("{}/delete", integration(group_id, kind))
}

/// One project's history.
pub fn project_history(group_id: &str) -> String {
    format!("{}/history", project(group_id))
}

/// One page of history, one project's (`group_id`) or the fleet's, with its filter; an
/// empty filter part is left out.
pub fn history_page(
    group_id: Option<&str>,
    kind: Option<IntegrationKind>,
    action: Option<&str>,
    page: u32,
) -> String {
    let base = group_id.map_or_else(|| HISTORY.to_string(), project_history);
    let mut query = Vec::new();
    if let Some(kind) = kind {
        query.push(format!("{HISTORY_TYPE}={}", kind.as_wire()));
    }
    if let Some(action) = action {
        query.push(format!("{HISTORY_ACTION}={}", encode(action)));
    }
    query.push(format!("{HISTORY_PAGE}={page}"));
    format!("{base}?{}", query.join("&"))
}

/// Where a save returns to.
pub fn saved(group_id: &str, kind: IntegrationKind) -> String {
    format!("{}?{SAVED}={}", project(group_id), kind.as_wire())
}

/// Where a delete returns to.
pub fn deleted(group_id: &str, kind: IntegrationKind) -> String {
    format!("{}?{DELETED}={}", project(group_id), kind.as_wire())
}

/// Apply one type's configuration to many projects.
pub const FLEET_APPLY: &str = "/fleet/apply";
/// Rotate one secret in every project that has it.
pub const FLEET_ROTATE: &str = "/fleet/rotate";

/// The apply page for `kind` with `projects` ticked: the address other pages (the fleet
/// matrix) link to with their selection.
pub fn fleet_apply(kind: IntegrationKind, projects: &[String]) -> String {
    let mut url = format!("{FLEET_APPLY}?type={}", kind.as_wire());
    if !projects.is_empty() {
        url.push_str(&format!("&projects={}", encode(&projects.join(","))));
    }
    url
}

/// The apply page for `kind`, its picker filtered by name.
pub fn fleet_apply_filtered(kind: IntegrationKind, projects: &str, filter: &str) -> String {
    format!(
        "{FLEET_APPLY}?type={}&projects={}&q={}",
        kind.as_wire(),
        encode(projects),
        encode(filter)
    )
}

/// The rotate page for one secret field of `kind`, the projects whose hint is `hint` ticked.
pub fn fleet_rotate(kind: IntegrationKind, field: &str, hint: Option<&str>) -> String {
    let mut url = format!(
        "{FLEET_ROTATE}?type={}&field={}",
        kind.as_wire(),
        encode(field)
    );
    if let Some(hint) = hint {
        url.push_str(&format!("&hint={}", encode(hint)));
    }
    url
}

/// The alerts that keep the old secret of a rotation, and the switch to the integration.
pub const ALERT_SWITCH: &str = "/fleet/rotate/alerts";

/// [`ALERT_SWITCH`] for one rotation's hint, with the outcomes of a switch just made
/// (`done`, each `SwitchResult::to_param`).
pub fn alert_switch(kind: IntegrationKind, field: &str, hint: &str, done: &[String]) -> String {
    let mut url = format!(
        "{ALERT_SWITCH}?type={}&field={}&hint={}",
        kind.as_wire(),
        encode(field),
        encode(hint)
    );
    for d in done {
        url.push_str(&format!("&done={}", encode(d)));
    }
    url
}

/// What across the fleet needs attention.
pub const FLEET_ADVISORIES: &str = "/fleet/advisories";

/// A fleet run's page: its preview, progress and report.
pub fn fleet_run(run_id: &str) -> String {
    format!("/fleet/runs/{run_id}")
}

/// The login page, returning to `here` (a path and query inside the dashboard) afterwards.
pub fn login_then(here: &str) -> String {
    if here.is_empty() || here == PROJECTS {
        LOGIN.to_string()
    } else {
        format!("{LOGIN}?next={}", encode(here))
    }
}

/// A path and its query, whichever way the query came: the router's has no `?` (on the
/// server), the browser's `location.search` has one.
pub fn path_and_query(path: &str, query: &str) -> String {
    match query.strip_prefix('?').unwrap_or(query) {
        "" => path.to_string(),
        query => format!("{path}?{query}"),
    }
}

/// The language links (`web::language`): the route, and a link that returns to `here`.
pub const LANGUAGE_ROUTE: &str = "/lang/{tag}";

pub fn language(lang: crate::i18n::Lang, here: &str) -> String {
    format!("/lang/{}?back={}", lang.tag(), encode(here))
}

/// The fleet matrix.
pub const FLEET: &str = "/fleet";

/// Export as code: the page with its choices, and the file it downloads.
pub const FLEET_EXPORT: &str = "/fleet/export";
pub const FLEET_EXPORT_DOWNLOAD: &str = "/fleet/export/download";

/// The export page for the matrix's filter (`query`: the matrix's own query, without `?`), or
/// for one project.
pub fn fleet_export(query: &str, project: Option<&str>) -> String {
    match project {
        Some(id) => format!("{FLEET_EXPORT}?project={}", encode(id)),
        None if query.is_empty() => FLEET_EXPORT.to_string(),
        None => format!("{FLEET_EXPORT}?{query}"),
    }
}

/// The fleet matrix's query parameters.
pub mod fleet_param {
    pub const Q: &str = "q";
    pub const HAS: &str = "has";
    pub const LACKS: &str = "lacks";
    pub const REGION: &str = "region";
    pub const PAGE: &str = "page";
    /// An advisory's code (`/fleet/advisories`): only the projects it concerns.
    pub const ADVICE: &str = "advice";
    /// `1`: count each integration's alerts (one more Atlas call per project).
    pub const ALERTS: &str = "alerts";
    /// The types whose columns the matrix shows, once per type (`cols=SLACK&cols=DATADOG`);
    /// none: every type.
    pub const COLS: &str = "cols";
}

/// `url` (a matrix address) showing only the columns of `shown`; every column (no
/// parameter) when `shown` is all of them or none.
pub fn with_columns(url: String, shown: &[IntegrationKind]) -> String {
    if shown.is_empty() || shown.len() == IntegrationKind::ALL.len() {
        return url;
    }
    let cols: Vec<String> = shown
        .iter()
        .map(|k| format!("{}={}", fleet_param::COLS, k.as_wire()))
        .collect();
    let joiner = if url.contains('?') { '&' } else { '?' };
    format!("{url}{joiner}{}", cols.join("&"))
}

/// The fleet matrix filtered so (parameters left out when unset), at page `page` (1: none).
/// `advice` is an advisory's code; `alerts` asks for each integration's alert count.
/// (`FleetFilter::url` calls it with a whole filter.)
#[allow(clippy::too_many_arguments)]
pub fn fleet(
    q: &str,
    has: Option<IntegrationKind>,
    lacks: Option<IntegrationKind>,
    region: Option<&str>,
    advice: Option<&str>,
    alerts: bool,
    page: u32,
) -> String {
    use fleet_param::*;
    let page = (page > 1).then(|| page.to_string());
    let params = [
        (Q, Some(q).filter(|q| !q.is_empty())),
        (HAS, has.map(IntegrationKind::as_wire)),
        (LACKS, lacks.map(IntegrationKind::as_wire)),
        (REGION, region),
        (ADVICE, advice),
        (ALERTS, alerts.then_some("1")),
        (PAGE, page.as_deref()),
    ];
    let query: Vec<String> = params
        .iter()
        .filter_map(|(name, value)| value.map(|v| format!("{name}={}", encode(v))))
        .collect();
    if query.is_empty() {
        FLEET.to_string()
    } else {
        format!("{FLEET}?{}", query.join("&"))
    }
}

/// One page of the projects list, filtered by `filter`.
pub fn projects_page(filter: &str, page: u32) -> String {
    format!("{PROJECTS}?q={}&page={page}", encode(filter))
}

/// Percent-encodes everything but unreserved characters and `/` (kept readable in `next`).
fn encode(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' | b'/' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    const ID: &str = "6a79404f2c88faeba59beea6";

    #[test]
    fn a_query_gets_one_question_mark_whichever_way_it_came() {
        assert_eq!(
            path_and_query("/login", "next=%2Ffleet"),
            "/login?next=%2Ffleet"
        );
        assert_eq!(
            path_and_query("/login", "?next=%2Ffleet"),
            "/login?next=%2Ffleet"
        );
        assert_eq!(path_and_query("/fleet", ""), "/fleet");
        assert_eq!(path_and_query("/fleet", "?"), "/fleet");
        assert_eq!(
            language(crate::i18n::Lang::Ja, "/login?next=%2Ffleet"),
            "/lang/ja?back=/login%3Fnext%3D%252Ffleet"
        );
    }

    #[test]
    fn addresses() {
        let kind = IntegrationKind::Datadog;
        assert_eq!(project(ID), format!("/projects/{ID}"));
        assert_eq!(
            integration(ID, kind),
            format!("/projects/{ID}/integrations/DATADOG")
        );
        assert_eq!(
            delete_integration(ID, kind),
            format!("/projects/{ID}/integrations/DATADOG/delete")
        );
        assert_eq!(saved(ID, kind), format!("/projects/{ID}?saved=DATADOG"));
        assert_eq!(deleted(ID, kind), format!("/projects/{ID}?deleted=DATADOG"));
    }

    #[test]
    fn login_keeps_where_the_user_was() {
        assert_eq!(login_then("/"), "/login");
        assert_eq!(login_then(""), "/login");
        assert_eq!(
            login_then(&format!("/projects/{ID}?saved=SLACK")),
            format!("/login?next=/projects/{ID}%3Fsaved%3DSLACK")
        );
    }

    #[test]
    fn fleet_filters_in_the_url() {
        assert_eq!(fleet("", None, None, None, None, false, 1), "/fleet");
        assert_eq!(
            fleet(
                "a&b",
                Some(IntegrationKind::PagerDuty),
                Some(IntegrationKind::Slack),
                Some("EU"),
                Some("unused"),
                true,
                3
            ),
            "/fleet?q=a%26b&has=PAGER_DUTY&lacks=SLACK&region=EU&advice=unused&alerts=1&page=3"
        );
    }

    #[test]
    fn history_addresses() {
        assert_eq!(project_history(ID), format!("/projects/{ID}/history"));
        assert_eq!(history_page(None, None, None, 1), "/history?page=1");
        assert_eq!(
            history_page(Some(ID), Some(IntegrationKind::Slack), Some("removed"), 3),
            format!("/projects/{ID}/history?type=SLACK&action=removed&page=3")
        );
        assert_eq!(
            history_page(None, None, Some("a&page=9"), 2),
            "/history?action=a%26page%3D9&page=2"
        );
    }

    #[test]
    fn fleet_addresses() {
        let ids = vec![ID.to_string(), "6a79404f2c88faeba59beea7".to_string()];
        assert_eq!(
            fleet_apply(IntegrationKind::Slack, &ids),
            format!("/fleet/apply?type=SLACK&projects={ID}%2C6a79404f2c88faeba59beea7")
        );
        assert_eq!(
            fleet_apply(IntegrationKind::Slack, &[]),
            "/fleet/apply?type=SLACK"
        );
        assert_eq!(
            fleet_rotate(IntegrationKind::Webhook, "url", Some("https://h.example")),
            "/fleet/rotate?type=WEBHOOK&field=url&hint=https%3A//h.example"
        );
        assert_eq!(fleet_run("ab12"), "/fleet/runs/ab12");
        let slack = [IntegrationKind::Slack, IntegrationKind::Datadog];
        assert_eq!(
            with_columns(fleet("", None, None, None, None, false, 2), &slack),
            "/fleet?page=2&cols=SLACK&cols=DATADOG"
        );
        assert_eq!(
            with_columns(fleet("", None, None, None, None, false, 1), &slack),
            "/fleet?cols=SLACK&cols=DATADOG"
        );
        assert_eq!(
            with_columns(FLEET.to_string(), &IntegrationKind::ALL),
            "/fleet"
        );
    }

    #[test]
    fn a_filter_cannot_add_parameters() {
        assert_eq!(projects_page("a&page=9", 2), "/?q=a%26page%3D9&page=2");
    }
}
