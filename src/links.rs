//! Every address of the dashboard, built in one place for the pages, the server functions and
//! the login guard. The route patterns in `app.rs` match these (a test checks).

use atlas_registry::IntegrationKind;

pub const LOGIN: &str = "/login";
pub const PROJECTS: &str = "/";
/// `?saved=TYPE` on a project page: the notice after a save.
pub const SAVED: &str = "saved";
/// `?deleted=TYPE` on a project page: the notice after a delete.
pub const DELETED: &str = "deleted";

pub fn project(group_id: &str) -> String {
    format!("/projects/{group_id}")
}

pub fn integration(group_id: &str, kind: IntegrationKind) -> String {
    format!("/projects/{group_id}/integrations/{}", kind.as_wire())
}

pub fn delete_integration(group_id: &str, kind: IntegrationKind) -> String {
    format!("{}/delete", integration(group_id, kind))
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
    }

    #[test]
    fn a_filter_cannot_add_parameters() {
        assert_eq!(projects_page("a&page=9", 2), "/?q=a%26page%3D9&page=2");
    }
}
