//! Alert notifications: the fourteen `typeName`s of the spec's `AlertsNotificationRootForGroup`,
//! which integration type each one can use through `integrationId`, and which of its fields
//! are credentials (with the integration field that holds the same credential). One table, as
//! for the integrations: the emulator validates and masks with it, the client reads with it,
//! the dashboard joins alerts to integrations with it. Sources: docs/alerts.md.

use serde_json::Value;

use super::ids::is_group_id;
use super::masking::{hint_for, shown_for, SecretHint};
use super::registry::{IntegrationKind, Secrecy, DATADOG_REGIONS, US_EU_REGIONS};
use super::validate::is_http_url;

/// A notification's `typeName`, in the order of the spec's `oneOf`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum NotificationKind {
    Datadog,
    Email,
    Group,
    HipChat,
    MicrosoftTeams,
    OpsGenie,
    Org,
    PagerDuty,
    Slack,
    Sms,
    Team,
    User,
    VictorOps,
    Webhook,
}

/// Fields every notification schema has (spec): besides `typeName`, when to send
/// (`delayMin`, `intervalMin` ≥ 5) and Atlas's id of the notification (`notifierId`).
pub const COMMON_FIELDS: &[&str] = &["delayMin", "intervalMin", "notifierId", "typeName"];

/// The field of the eight third-party schemas that names the project integration "the
/// credentials of which to use for requests" (spec).
pub const INTEGRATION_ID: &str = "integrationId";

impl NotificationKind {
    pub const ALL: [NotificationKind; 14] = [
        Self::Datadog,
        Self::Email,
        Self::Group,
        Self::HipChat,
        Self::MicrosoftTeams,
        Self::OpsGenie,
        Self::Org,
        Self::PagerDuty,
        Self::Slack,
        Self::Sms,
        Self::Team,
        Self::User,
        Self::VictorOps,
        Self::Webhook,
    ];

    pub fn spec(self) -> &'static NotificationSpec {
        // Indexed in ALL's order; a unit test checks they agree.
        &NOTIFICATIONS[self as usize]
    }

    /// `PAGER_DUTY`, as in `typeName`.
    pub fn as_wire(self) -> &'static str {
        self.spec().wire
    }

    pub fn from_wire(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.as_wire() == s)
    }

    /// The notification type that sends through an integration of `kind`: none for
    /// PROMETHEUS and NEW_RELIC, which feed metrics, not alerts (no notification schema).
    pub fn for_integration(kind: IntegrationKind) -> Option<Self> {
        Self::ALL
            .into_iter()
            .find(|n| n.spec().integration == Some(kind))
    }
}

impl std::fmt::Display for NotificationKind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_wire())
    }
}

/// What a field's value is on the wire.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum NotificationValue {
    Text,
    /// `format: email`.
    Email,
    /// A URL (the integration field that holds the same value is an http(s) URL).
    Url,
    /// 24 lowercase hex digits (`teamId`, spec pattern).
    ObjectId,
    Choice {
        options: &'static [&'static str],
        /// The spec's `default`, what Atlas stores when the field is omitted.
        default: Option<&'static str>,
    },
    Bool,
    /// An array of role names; `options` where the spec enumerates them (ORG).
    Roles {
        options: Option<&'static [&'static str]>,
    },
}

pub struct NotificationField {
    /// Atlas's JSON name.
    pub name: &'static str,
    pub value: NotificationValue,
    /// How Atlas returns it (the same masks as the integrations').
    pub secrecy: Secrecy,
    /// A key, token, or URL that authenticates to the service: what an alert may carry as
    /// its own copy instead of using the project's integration.
    pub credential: bool,
    /// The field of the integration (`NotificationSpec::integration`) that holds the same
    /// value: PAGER_DUTY `serviceKey` ↔ `serviceKey`, DATADOG `datadogApiKey` ↔ `apiKey`.
    pub integration_field: Option<&'static str>,
    /// The spec: "The resource requires this parameter when `notifications.[n].typeName` is
    /// …". A notification that names its integration (`integrationId`) need not send the
    /// fields that integration holds [unverified: docs/alerts.md].
    pub required: bool,
}

impl NotificationField {
    /// What Atlas returns for a stored value; `None` when it never returns it.
    pub fn shown(&self, stored: &str) -> Option<String> {
        shown_for(self.secrecy, stored)
    }

    /// The hint (last four, or a URL's host) of what Atlas returned, to compare with the
    /// integration field's [`super::masking::hint_of_shown`]: equal hints mean the alert probably
    /// carries its own copy of the integration's credential.
    pub fn hint_of_shown(&self, shown: &str) -> Option<SecretHint> {
        hint_for(self.secrecy, shown)
    }

    /// Whether `value` has this field's JSON type and follows its rule. A `null` is no value
    /// (the caller decides what an absent field means).
    pub fn check(&self, value: &Value) -> Result<(), NotificationProblem> {
        let text = |v: &Value| v.as_str().map(str::to_owned);
        match self.value {
            NotificationValue::Bool => value
                .as_bool()
                .map(|_| ())
                .ok_or(NotificationProblem::WrongType),
            NotificationValue::Roles { options } => {
                let roles = value.as_array().ok_or(NotificationProblem::WrongType)?;
                for role in roles {
                    let role = role.as_str().ok_or(NotificationProblem::WrongType)?;
                    if options.is_some_and(|o| !o.contains(&role)) {
                        return Err(NotificationProblem::NotAChoice);
                    }
                }
                Ok(())
            }
            NotificationValue::Choice { options, .. } => {
                let t = text(value).ok_or(NotificationProblem::WrongType)?;
                if options.contains(&t.as_str()) {
                    Ok(())
                } else {
                    Err(NotificationProblem::NotAChoice)
                }
            }
            NotificationValue::Text => text(value)
                .map(|_| ())
                .ok_or(NotificationProblem::WrongType),
            NotificationValue::Email => {
                let t = text(value).ok_or(NotificationProblem::WrongType)?;
                let ok = t
                    .split_once('@')
                    .is_some_and(|(user, host)| !user.is_empty() && !host.is_empty());
                if ok && !t.contains(char::is_whitespace) {
                    Ok(())
                } else {
                    Err(NotificationProblem::NotAnEmail)
                }
            }
            NotificationValue::Url => {
                let t = text(value).ok_or(NotificationProblem::WrongType)?;
                if is_http_url(&t) {
                    Ok(())
                } else {
                    Err(NotificationProblem::NotAUrl)
                }
            }
            NotificationValue::ObjectId => {
                let t = text(value).ok_or(NotificationProblem::WrongType)?;
                if is_group_id(&t) {
                    Ok(())
                } else {
                    Err(NotificationProblem::NotAnId)
                }
            }
        }
    }
}

/// Why a notification field's value is refused.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum NotificationProblem {
    WrongType,
    NotAChoice,
    NotAnEmail,
    NotAUrl,
    NotAnId,
}

pub struct NotificationSpec {
    pub kind: NotificationKind,
    pub wire: &'static str,
    /// The integration type whose credentials `integrationId` may name; `None` for Atlas's
    /// own recipients (email, SMS, users, teams, roles).
    pub integration: Option<IntegrationKind>,
    /// The type's own fields, `COMMON_FIELDS` and `integrationId` aside.
    pub fields: &'static [NotificationField],
    /// Spec (`intervalMin`): "PagerDuty, VictorOps, and OpsGenie notifications don't return
    /// this element."
    pub returns_interval: bool,
}

impl NotificationSpec {
    pub fn field(&self, name: &str) -> Option<&'static NotificationField> {
        self.fields.iter().find(|f| f.name == name)
    }

    /// The credential fields: what an alert carries when it keeps its own copy of a key.
    pub fn credentials(&self) -> impl Iterator<Item = &'static NotificationField> {
        self.fields.iter().filter(|f| f.credential)
    }

    /// Whether a field of this name may appear in the notification at all.
    pub fn has_field(&self, name: &str) -> bool {
        COMMON_FIELDS.contains(&name)
            || (name == INTEGRATION_ID && self.integration.is_some())
            || self.field(name).is_some()
    }
}

const fn plain(name: &'static str, value: NotificationValue, required: bool) -> NotificationField {
    NotificationField {
        name,
        value,
        secrecy: Secrecy::Plain,
        credential: false,
        integration_field: None,
        required,
    }
}

/// A key Atlas shows "partially redacted" (spec), as the integrations' keys: the last four.
const fn key(name: &'static str, integration_field: Option<&'static str>) -> NotificationField {
    NotificationField {
        name,
        value: NotificationValue::Text,
        secrecy: Secrecy::MaskedLastFour,
        credential: true,
        integration_field,
        required: true,
    }
}

/// A URL Atlas shows "partially redacted" (spec), as the integrations' URLs: scheme, host
/// and the path's last four.
const fn url(
    name: &'static str,
    integration_field: &'static str,
    required: bool,
) -> NotificationField {
    NotificationField {
        name,
        value: NotificationValue::Url,
        secrecy: Secrecy::MaskedUrlPath,
        credential: true,
        integration_field: Some(integration_field),
        required,
    }
}

const fn linked(mut f: NotificationField, integration_field: &'static str) -> NotificationField {
    f.integration_field = Some(integration_field);
    f
}

const fn region(name: &'static str, options: &'static [&'static str]) -> NotificationField {
    // Every region field has `default: US` in the spec.
    plain(
        name,
        NotificationValue::Choice {
            options,
            default: Some("US"),
        },
        false,
    )
}

/// Atlas's `format: password` templates: returned redacted, like the integration's.
const fn template(name: &'static str, integration_field: &'static str) -> NotificationField {
    NotificationField {
        name,
        value: NotificationValue::Text,
        secrecy: Secrecy::Redacted,
        credential: false,
        integration_field: Some(integration_field),
        required: false,
    }
}

/// `emailEnabled` / `smsEnabled`: required for ORG, GROUP and USER (spec), optional for TEAM.
const fn flag(name: &'static str, required: bool) -> NotificationField {
    plain(name, NotificationValue::Bool, required)
}

/// The spec's enum for `OrgNotification.roles`; project roles (GROUP) are not enumerated.
pub const ORG_ROLES: &[&str] = &[
    "ORG_OWNER",
    "ORG_MEMBER",
    "ORG_GROUP_CREATOR",
    "ORG_BILLING_ADMIN",
    "ORG_BILLING_READ_ONLY",
    "ORG_READ_ONLY",
];

static NOTIFICATIONS: [NotificationSpec; 14] = [
    NotificationSpec {
        kind: NotificationKind::Datadog,
        wire: "DATADOG",
        integration: Some(IntegrationKind::Datadog),
        fields: &[
            key("datadogApiKey", Some("apiKey")),
            linked(region("datadogRegion", DATADOG_REGIONS), "region"),
        ],
        returns_interval: true,
    },
    NotificationSpec {
        kind: NotificationKind::Email,
        wire: "EMAIL",
        integration: None,
        fields: &[plain("emailAddress", NotificationValue::Email, true)],
        returns_interval: true,
    },
    NotificationSpec {
        kind: NotificationKind::Group,
        wire: "GROUP",
        integration: None,
        fields: &[
            flag("emailEnabled", true),
            plain("roles", NotificationValue::Roles { options: None }, false),
            flag("smsEnabled", true),
        ],
        returns_interval: true,
    },
    NotificationSpec {
        kind: NotificationKind::HipChat,
        wire: "HIP_CHAT",
        // HIP_CHAT is in the integration enums, without a schema (REFERENCE §3.10): nothing
        // of the integration holds the token.
        integration: Some(IntegrationKind::HipChat),
        fields: &[
            key("notificationToken", None),
            plain("roomName", NotificationValue::Text, true),
        ],
        returns_interval: true,
    },
    NotificationSpec {
        kind: NotificationKind::MicrosoftTeams,
        wire: "MICROSOFT_TEAMS",
        integration: Some(IntegrationKind::MicrosoftTeams),
        fields: &[url(
            "microsoftTeamsWebhookUrl",
            "microsoftTeamsWebhookUrl",
            true,
        )],
        returns_interval: true,
    },
    NotificationSpec {
        kind: NotificationKind::OpsGenie,
        wire: "OPS_GENIE",
        integration: Some(IntegrationKind::OpsGenie),
        fields: &[
            key("opsGenieApiKey", Some("apiKey")),
            linked(region("opsGenieRegion", US_EU_REGIONS), "region"),
        ],
        returns_interval: false,
    },
    NotificationSpec {
        kind: NotificationKind::Org,
        wire: "ORG",
        integration: None,
        fields: &[
            flag("emailEnabled", true),
            plain(
                "roles",
                NotificationValue::Roles {
                    options: Some(ORG_ROLES),
                },
                false,
            ),
            flag("smsEnabled", true),
        ],
        returns_interval: true,
    },
    NotificationSpec {
        kind: NotificationKind::PagerDuty,
        wire: "PAGER_DUTY",
        integration: Some(IntegrationKind::PagerDuty),
        fields: &[
            linked(region("region", US_EU_REGIONS), "region"),
            key("serviceKey", Some("serviceKey")),
        ],
        returns_interval: false,
    },
    NotificationSpec {
        kind: NotificationKind::Slack,
        wire: "SLACK",
        integration: Some(IntegrationKind::Slack),
        fields: &[
            key("apiToken", Some("apiToken")),
            linked(
                plain("channelName", NotificationValue::Text, true),
                "channelName",
            ),
        ],
        returns_interval: true,
    },
    NotificationSpec {
        kind: NotificationKind::Sms,
        wire: "SMS",
        integration: None,
        fields: &[plain("mobileNumber", NotificationValue::Text, true)],
        returns_interval: true,
    },
    NotificationSpec {
        kind: NotificationKind::Team,
        wire: "TEAM",
        integration: None,
        fields: &[
            flag("emailEnabled", false),
            flag("smsEnabled", false),
            plain("teamId", NotificationValue::ObjectId, true),
            plain("teamName", NotificationValue::Text, true),
        ],
        returns_interval: true,
    },
    NotificationSpec {
        kind: NotificationKind::User,
        wire: "USER",
        integration: None,
        fields: &[
            flag("emailEnabled", true),
            flag("smsEnabled", true),
            plain("username", NotificationValue::Email, true),
        ],
        returns_interval: true,
    },
    NotificationSpec {
        kind: NotificationKind::VictorOps,
        wire: "VICTOR_OPS",
        integration: Some(IntegrationKind::VictorOps),
        fields: &[
            key("victorOpsApiKey", Some("apiKey")),
            // Not said to be redacted (spec), and the integration's routingKey is returned in
            // clear (recorded): a setting, not a credential.
            linked(
                plain("victorOpsRoutingKey", NotificationValue::Text, true),
                "routingKey",
            ),
        ],
        returns_interval: false,
    },
    NotificationSpec {
        kind: NotificationKind::Webhook,
        wire: "WEBHOOK",
        integration: Some(IntegrationKind::Webhook),
        fields: &[
            template("webhookBodyTemplate", "bodyTemplate"),
            template("webhookHeadersTemplate", "headersTemplate"),
            // Spec: "the secret appears completely redacted" (for the integration's `secret`
            // the recording keeps four; none is recorded for a notification) [unverified].
            NotificationField {
                name: "webhookSecret",
                value: NotificationValue::Text,
                secrecy: Secrecy::Redacted,
                credential: true,
                integration_field: Some("secret"),
                required: false,
            },
            // Spec: returned when sent, or when "a default webhook URL" is set on the
            // Integrations page: not required when the project has a WEBHOOK integration.
            url("webhookUrl", "url", false),
        ],
        returns_interval: true,
    },
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn table_order_matches_enum_and_names_are_unique() {
        for kind in NotificationKind::ALL {
            let spec = kind.spec();
            assert_eq!(spec.kind, kind);
            assert_eq!(NotificationKind::from_wire(kind.as_wire()), Some(kind));
            for (i, f) in spec.fields.iter().enumerate() {
                assert!(!COMMON_FIELDS.contains(&f.name) && f.name != INTEGRATION_ID);
                assert!(spec.fields[i + 1..].iter().all(|g| g.name != f.name));
            }
        }
        assert_eq!(NotificationKind::from_wire("FLOWDOCK"), None);
    }

    /// Every linked field names a real field of the linked integration, of the same kind of
    /// secret where both are shown partly (so hints compare).
    #[test]
    fn links_name_real_integration_fields() {
        for kind in NotificationKind::ALL {
            let spec = kind.spec();
            for f in spec.fields {
                let Some(name) = f.integration_field else {
                    continue;
                };
                let integration = spec.integration.expect("a link needs an integration");
                let field = integration
                    .spec()
                    .field(name)
                    .unwrap_or_else(|| panic!("{kind}.{} → {integration}.{name}", f.name));
                if f.credential && f.secrecy != Secrecy::Redacted {
                    assert_eq!(field.secrecy, f.secrecy, "{kind}.{}", f.name);
                }
            }
        }
    }

    /// The credentials the spec's notification schemas carry (docs/alerts.md).
    #[test]
    fn credentials_follow_the_spec() {
        let creds = |k: NotificationKind| -> Vec<(&str, Option<&str>)> {
            k.spec()
                .credentials()
                .map(|f| (f.name, f.integration_field))
                .collect()
        };
        use NotificationKind as N;
        assert_eq!(creds(N::PagerDuty), [("serviceKey", Some("serviceKey"))]);
        assert_eq!(creds(N::Slack), [("apiToken", Some("apiToken"))]);
        assert_eq!(creds(N::Datadog), [("datadogApiKey", Some("apiKey"))]);
        assert_eq!(creds(N::OpsGenie), [("opsGenieApiKey", Some("apiKey"))]);
        assert_eq!(creds(N::VictorOps), [("victorOpsApiKey", Some("apiKey"))]);
        assert_eq!(
            creds(N::Webhook),
            [
                ("webhookSecret", Some("secret")),
                ("webhookUrl", Some("url"))
            ]
        );
        assert_eq!(
            creds(N::MicrosoftTeams),
            [("microsoftTeamsWebhookUrl", Some("microsoftTeamsWebhookUrl"))]
        );
        assert_eq!(creds(N::HipChat), [("notificationToken", None)]);
        for k in [N::Email, N::Group, N::Org, N::Sms, N::Team, N::User] {
            assert!(creds(k).is_empty() && k.spec().integration.is_none(), "{k}");
        }
        // Metrics integrations have no notification type.
        assert_eq!(
            NotificationKind::for_integration(IntegrationKind::Prometheus),
            None
        );
        assert_eq!(
            NotificationKind::for_integration(IntegrationKind::NewRelic),
            None
        );
        assert_eq!(
            NotificationKind::for_integration(IntegrationKind::PagerDuty),
            Some(N::PagerDuty)
        );
        assert!(!N::PagerDuty.spec().returns_interval);
        assert!(N::Slack.spec().has_field(INTEGRATION_ID));
        assert!(!N::Group.spec().has_field(INTEGRATION_ID));
    }

    #[test]
    fn masks_and_hints_match_the_integrations() {
        let pd = NotificationKind::PagerDuty
            .spec()
            .field("serviceKey")
            .expect("key");
        let integration = IntegrationKind::PagerDuty
            .spec()
            .field("serviceKey")
            .expect("key");
        let shown = pd.shown("a1b2c3d4e5f60718293a4b5c6d7e0022").expect("shown");
        assert_eq!(shown, "****************************0022");
        assert_eq!(
            pd.hint_of_shown(&shown),
            super::super::masking::hint_of_shown(integration, "****************************0022")
        );
        let url = NotificationKind::Webhook
            .spec()
            .field("webhookUrl")
            .expect("url");
        assert_eq!(
            url.shown("https://hooks.example.com/atlas/alerts/2101")
                .as_deref(),
            Some("https://hooks.example.com/****2101")
        );
        let secret = NotificationKind::Webhook
            .spec()
            .field("webhookSecret")
            .expect("s");
        assert_eq!(secret.shown("whsec-1234").as_deref(), Some("******"));
        assert_eq!(secret.hint_of_shown("******"), None);
    }

    #[test]
    fn values_are_checked() {
        use serde_json::json;
        let team = NotificationKind::Team.spec();
        assert!(team
            .field("teamId")
            .expect("f")
            .check(&json!("6650f1a2b3c4d5e6f7a8b9c0"))
            .is_ok());
        assert_eq!(
            team.field("teamId").expect("f").check(&json!("x")),
            Err(NotificationProblem::NotAnId)
        );
        let org = NotificationKind::Org.spec().field("roles").expect("f");
        assert!(org.check(&json!(["ORG_OWNER"])).is_ok());
        assert_eq!(
            org.check(&json!(["GROUP_OWNER"])),
            Err(NotificationProblem::NotAChoice)
        );
        let region = NotificationKind::Datadog
            .spec()
            .field("datadogRegion")
            .expect("f");
        assert_eq!(
            region.check(&json!("US1")),
            Err(NotificationProblem::NotAChoice)
        );
        assert_eq!(region.check(&json!(3)), Err(NotificationProblem::WrongType));
        let url = NotificationKind::MicrosoftTeams
            .spec()
            .field("microsoftTeamsWebhookUrl")
            .expect("f");
        assert_eq!(
            url.check(&json!("not a url")),
            Err(NotificationProblem::NotAUrl)
        );
        let email = NotificationKind::Email
            .spec()
            .field("emailAddress")
            .expect("f");
        assert!(email.check(&json!("ops@example.com")).is_ok());
        assert_eq!(
            email.check(&json!("ops")),
            Err(NotificationProblem::NotAnEmail)
        );
    }
}
