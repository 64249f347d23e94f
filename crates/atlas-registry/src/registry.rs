//! The registry: one `KindSpec` per integration type, one `FieldSpec` per Atlas field.
//!
//! A new Atlas field, or a correction to one, is one edit here: the dashboard's form, the
//! validation in browser and server, the Atlas client and the emulator all follow from this
//! table. Labels and help, in every language, are in the dashboard's locales/*.json, keyed by
//! type and field name. Every fact cites its source; the sources and
//! the decisions taken where Atlas's behaviour is unverified are in docs/atlas-facts.md.

use serde::{Deserialize, Serialize};

/// The `integrationType` path enum and the `type` discriminator, in Atlas's spelling.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum IntegrationKind {
    PagerDuty,
    Slack,
    Datadog,
    NewRelic,
    OpsGenie,
    VictorOps,
    Webhook,
    HipChat,
    Prometheus,
    MicrosoftTeams,
}

impl IntegrationKind {
    /// All ten, in the order the spec's enum lists them.
    pub const ALL: [IntegrationKind; 10] = [
        Self::PagerDuty,
        Self::Slack,
        Self::Datadog,
        Self::NewRelic,
        Self::OpsGenie,
        Self::VictorOps,
        Self::Webhook,
        Self::HipChat,
        Self::Prometheus,
        Self::MicrosoftTeams,
    ];

    pub fn spec(self) -> &'static KindSpec {
        // The table is indexed in ALL's order; a unit test checks they agree.
        &KINDS[self as usize]
    }

    /// `PAGER_DUTY`, as in the URL path and the `type` field.
    pub fn as_wire(self) -> &'static str {
        self.spec().wire
    }

    pub fn from_wire(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.as_wire() == s)
    }
}

impl std::fmt::Display for IntegrationKind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_wire())
    }
}

/// What the dashboard may do with a type.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Availability {
    /// Create, edit, delete.
    Creatable,
    /// The API takes it, but Atlas or the vendor discourages it: the form says why first, and
    /// Atlas's answer decides (its refusal is shown as Atlas words it).
    Discouraged(Caution),
    /// No schema in the spec (HIP_CHAT): shown read-only when present, deletable, never offered.
    Legacy,
}

/// Why a type is discouraged; each has its own note on the form.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Caution {
    /// Spec (Slack `apiToken`): new integrations "must be initially configured … through the
    /// Atlas third-party service integrations page. Legacy tokens will soon no longer be
    /// supported", so a legacy bot token still works for now. The Atlas UI is recommended.
    SlackLegacyToken,
    /// Spec (`NewRelic`): "Effective Wednesday, June 16th, 2021, New Relic no longer supports
    /// the plugin-based integration … We do not recommend that you sign up". The schema is
    /// not deprecated and the docs pages give POST and PUT bodies for it.
    NewRelicRetired,
}

pub struct KindSpec {
    pub kind: IntegrationKind,
    pub wire: &'static str,
    pub availability: Availability,
    pub fields: &'static [FieldSpec],
    /// Fields Atlas returns as `null` although no schema names them (Datadog's
    /// `customEndpoint`, seen in every recorded Datadog response). Read-only: never sent.
    pub null_fields: &'static [&'static str],
}

impl KindSpec {
    pub fn field(&self, name: &str) -> Option<&'static FieldSpec> {
        self.fields.iter().find(|f| f.name == name)
    }
}

/// How a value is entered.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FieldInput {
    Text,
    /// A URL; rendered as `type=url`.
    Url,
    /// Multi-line text (webhook templates).
    TextArea,
    /// One of a fixed set; `default` is what Atlas stores when the field is omitted.
    Choice {
        options: &'static [&'static str],
        default: Option<&'static str>,
    },
    /// A boolean; `default` is what Atlas stores when the field is omitted.
    Toggle {
        default: bool,
    },
}

/// How Atlas treats a field's value on read.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Secrecy {
    /// Returned as sent.
    Plain,
    /// Returned as `*` for every character but the last four (recorded).
    MaskedLastFour,
    /// A URL returned with scheme and host kept and the path masked but its last four
    /// (recorded for the webhook `url`).
    MaskedUrlPath,
    /// Never returned (`writeOnly`, Prometheus `password`).
    WriteOnly,
    /// A secret for people, which Atlas nevertheless returns in clear (New Relic's keys: the
    /// docs pages show them unmasked, and the spec's response pattern for `licenseKey`,
    /// `^([0-9a-f]){40}$`, cannot match a mask). The dashboard never shows it whole.
    ClearOnRead,
    /// Returned fully masked. Webhook templates (`format: password`): the UI shows `******`;
    /// what the API returns once set is [unverified], so we treat them as secrets either way.
    Redacted,
}

impl Secrecy {
    pub fn is_secret(self) -> bool {
        !matches!(self, Secrecy::Plain)
    }
}

/// What Atlas checks about a value beyond presence.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Rule {
    None,
    /// Hexadecimal digits only (Datadog `apiKey`, enforced by Atlas though not in the spec).
    Hex,
    /// Exactly 40 lowercase hex digits (New Relic ids, spec pattern).
    Hex40,
    /// Character length bounds (Slack `channelName` 1..80).
    Length {
        min: usize,
        max: usize,
    },
    /// An absolute http(s) URL.
    HttpUrl,
    /// A FreeMarker template. Atlas limits its *rendered* output (4 KB headers, 16 KB body)
    /// and falls back to its default payload when rendering fails or is too large (spec); it
    /// does not refuse the template, so neither do we. The form warns when the text alone is
    /// over the limit.
    Template {
        rendered_limit_bytes: usize,
    },
}

/// Whether a field must be given.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Presence {
    /// In the spec's `required` list: Atlas refuses a create without it.
    Required,
    /// Optional for Atlas, asked for by the dashboard; the field's comment says why.
    AskedFor,
    /// Optional. Once set, the edit form offers to remove it.
    Optional,
}

/// What Atlas returns for a field that is not set.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum WhenUnset {
    /// The field is left out.
    Absent,
    /// `"field": null` (recorded for the webhook templates).
    Null,
}

pub struct FieldSpec {
    /// Atlas's JSON name (camelCase).
    pub name: &'static str,
    pub presence: Presence,
    pub input: FieldInput,
    pub secrecy: Secrecy,
    pub rule: Rule,
    pub when_unset: WhenUnset,
}

impl FieldSpec {
    /// Whether the dashboard's form requires it.
    pub fn required(&self) -> bool {
        self.presence != Presence::Optional
    }
    /// Whether Atlas requires it on create (the spec's `required` list).
    pub fn atlas_requires(&self) -> bool {
        self.presence == Presence::Required
    }
    /// Whether a value that is set can be removed on update: optional text fields. Toggles and
    /// choices have a value either way.
    pub fn removable(&self) -> bool {
        self.presence == Presence::Optional
            && matches!(
                self.input,
                FieldInput::Text | FieldInput::Url | FieldInput::TextArea
            )
    }
    pub fn is_secret(&self) -> bool {
        self.secrecy.is_secret()
    }
    pub fn is_toggle(&self) -> bool {
        matches!(self.input, FieldInput::Toggle { .. })
    }
    /// Whether a blank value on update means "keep what Atlas has". Only for secrets Atlas
    /// shows as set, so the user sees what is kept. A write-only one (Prometheus `password`)
    /// cannot be seen, and whether a PUT without it keeps it is undocumented [unverified]: a
    /// replacing PUT would clear it without a trace, so it is asked for on every save.
    pub fn blank_keeps(&self) -> bool {
        self.is_secret() && self.secrecy != Secrecy::WriteOnly
    }
}

/// Datadog sites for alert integrations. Not the log-export enum (US1, …): docs/atlas-facts.md.
pub const DATADOG_REGIONS: &[&str] = &["US", "EU", "US3", "US5", "AP1", "US1_FED"];
/// PagerDuty and Opsgenie regions.
pub const US_EU_REGIONS: &[&str] = &["US", "EU"];

const fn text(name: &'static str) -> FieldSpec {
    FieldSpec {
        name,
        presence: Presence::Required,
        input: FieldInput::Text,
        secrecy: Secrecy::Plain,
        rule: Rule::None,
        when_unset: WhenUnset::Absent,
    }
}

const fn secret(name: &'static str) -> FieldSpec {
    FieldSpec {
        name,
        presence: Presence::Required,
        input: FieldInput::Text,
        secrecy: Secrecy::MaskedLastFour,
        rule: Rule::None,
        when_unset: WhenUnset::Absent,
    }
}

const fn toggle(name: &'static str) -> FieldSpec {
    FieldSpec {
        name,
        presence: Presence::Optional,
        input: FieldInput::Toggle { default: false },
        secrecy: Secrecy::Plain,
        rule: Rule::None,
        when_unset: WhenUnset::Absent,
    }
}

/// A region choice. `default`: what Atlas uses when none is sent, where a source says so
/// (docs/atlas-facts.md, "Regions"): the spec's `default: US` for Opsgenie; for PagerDuty
/// the Terraform provider's docs ("PagerDuty will use US by default") [unverified in the
/// spec]; for Datadog nothing says, so the form preselects none and Atlas decides.
const fn region(options: &'static [&'static str], default: Option<&'static str>) -> FieldSpec {
    FieldSpec {
        name: "region",
        presence: Presence::Optional,
        input: FieldInput::Choice { options, default },
        secrecy: Secrecy::Plain,
        rule: Rule::None,
        when_unset: WhenUnset::Absent,
    }
}

const fn optional(mut f: FieldSpec) -> FieldSpec {
    f.presence = Presence::Optional;
    f
}

const fn with_secrecy(mut f: FieldSpec, secrecy: Secrecy) -> FieldSpec {
    f.secrecy = secrecy;
    f
}

const fn with_rule(mut f: FieldSpec, rule: Rule) -> FieldSpec {
    f.rule = rule;
    f
}

static KINDS: [KindSpec; 10] = [
    KindSpec {
        kind: IntegrationKind::PagerDuty,
        wire: "PAGER_DUTY",
        availability: Availability::Creatable,
        fields: &[
            secret("serviceKey"),
            // Atlas answers "US" when none was set (recorded).
            region(US_EU_REGIONS, Some("US")),
        ],
        null_fields: &[],
    },
    KindSpec {
        kind: IntegrationKind::Slack,
        wire: "SLACK",
        availability: Availability::Discouraged(Caution::SlackLegacyToken),
        fields: &[
            secret("apiToken"),
            with_rule(text("channelName"), Rule::Length { min: 1, max: 80 }),
            optional(text("teamName")),
        ],
        null_fields: &[],
    },
    KindSpec {
        kind: IntegrationKind::Datadog,
        wire: "DATADOG",
        availability: Availability::Creatable,
        fields: &[
            with_rule(secret("apiKey"), Rule::Hex),
            region(DATADOG_REGIONS, None),
            toggle("sendCollectionLatencyMetrics"),
            toggle("sendDatabaseMetrics"),
            toggle("sendQueryStatsMetrics"),
            toggle("sendUserProvidedResourceTags"),
        ],
        null_fields: &["customEndpoint"],
    },
    KindSpec {
        kind: IntegrationKind::NewRelic,
        wire: "NEW_RELIC",
        availability: Availability::Discouraged(Caution::NewRelicRetired),
        // All four required (spec). Atlas returns the three keys in clear (docs pages, and
        // the spec's response pattern for licenseKey); they stay secrets for people.
        fields: &[
            with_rule(text("accountId"), Rule::Hex40),
            with_rule(
                with_secrecy(secret("licenseKey"), Secrecy::ClearOnRead),
                Rule::Hex40,
            ),
            with_secrecy(secret("readToken"), Secrecy::ClearOnRead),
            with_secrecy(secret("writeToken"), Secrecy::ClearOnRead),
        ],
        null_fields: &[],
    },
    KindSpec {
        kind: IntegrationKind::OpsGenie,
        wire: "OPS_GENIE",
        availability: Availability::Creatable,
        fields: &[secret("apiKey"), region(US_EU_REGIONS, Some("US"))],
        null_fields: &[],
    },
    KindSpec {
        kind: IntegrationKind::VictorOps,
        wire: "VICTOR_OPS",
        availability: Availability::Creatable,
        fields: &[
            secret("apiKey"),
            // Optional in the spec (`required: [apiKey]`). In 2020 Atlas dropped integrations
            // without it (CLI PR 434): the help says so, the form does not insist. Atlas
            // returns it in clear (recorded), so it is no secret.
            optional(text("routingKey")),
        ],
        null_fields: &[],
    },
    KindSpec {
        kind: IntegrationKind::Webhook,
        wire: "WEBHOOK",
        availability: Availability::Creatable,
        fields: &[
            FieldSpec {
                name: "url",
                presence: Presence::Required,
                input: FieldInput::Url,
                secrecy: Secrecy::MaskedUrlPath,
                rule: Rule::HttpUrl,
                when_unset: WhenUnset::Absent,
            },
            // Optional in the spec; once required in practice (CLI PR 435). Kept optional.
            optional(secret("secret")),
            // `null` when unset (recorded); `format: password` (spec).
            FieldSpec {
                name: "headersTemplate",
                presence: Presence::Optional,
                input: FieldInput::TextArea,
                secrecy: Secrecy::Redacted,
                rule: Rule::Template {
                    rendered_limit_bytes: 4 * 1024,
                },
                when_unset: WhenUnset::Null,
            },
            FieldSpec {
                name: "bodyTemplate",
                presence: Presence::Optional,
                input: FieldInput::TextArea,
                secrecy: Secrecy::Redacted,
                rule: Rule::Template {
                    rendered_limit_bytes: 16 * 1024,
                },
                when_unset: WhenUnset::Null,
            },
        ],
        null_fields: &[],
    },
    KindSpec {
        kind: IntegrationKind::HipChat,
        wire: "HIP_CHAT",
        availability: Availability::Legacy,
        fields: &[],
        null_fields: &[],
    },
    KindSpec {
        kind: IntegrationKind::Prometheus,
        wire: "PROMETHEUS",
        availability: Availability::Creatable,
        fields: &[
            text("username"),
            FieldSpec {
                name: "password",
                // Not in the spec's required list; Terraform requires it and a scrape without
                // it cannot authenticate, so the dashboard asks for it.
                presence: Presence::AskedFor,
                input: FieldInput::Text,
                secrecy: Secrecy::WriteOnly,
                rule: Rule::None,
                when_unset: WhenUnset::Absent,
            },
            FieldSpec {
                name: "serviceDiscovery",
                presence: Presence::Required,
                input: FieldInput::Choice {
                    options: &["http", "file"],
                    default: None,
                },
                secrecy: Secrecy::Plain,
                rule: Rule::None,
                when_unset: WhenUnset::Absent,
            },
            FieldSpec {
                name: "enabled",
                presence: Presence::Required,
                input: FieldInput::Toggle { default: false },
                secrecy: Secrecy::Plain,
                rule: Rule::None,
                when_unset: WhenUnset::Absent,
            },
            toggle("sendUserProvidedResourceTagsEnabled"),
        ],
        null_fields: &[],
    },
    KindSpec {
        kind: IntegrationKind::MicrosoftTeams,
        wire: "MICROSOFT_TEAMS",
        availability: Availability::Creatable,
        // The spec's example shows it "partially redacted" as a URL, https://webhook.com/****,
        // like the webhook `url`.
        fields: &[FieldSpec {
            name: "microsoftTeamsWebhookUrl",
            presence: Presence::Required,
            input: FieldInput::Url,
            secrecy: Secrecy::MaskedUrlPath,
            rule: Rule::HttpUrl,
            when_unset: WhenUnset::Absent,
        }],
        null_fields: &[],
    },
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn table_order_matches_enum() {
        for kind in IntegrationKind::ALL {
            assert_eq!(kind.spec().kind, kind);
            let json = serde_json::to_string(&kind).unwrap();
            assert_eq!(json, format!("\"{}\"", kind.as_wire()));
            assert_eq!(IntegrationKind::from_wire(kind.as_wire()), Some(kind));
        }
        assert_eq!(IntegrationKind::from_wire("FLOWDOCK"), None);
        assert_eq!(IntegrationKind::from_wire("pager_duty"), None);
    }

    #[test]
    fn field_names_unique_and_not_reserved() {
        for kind in IntegrationKind::ALL {
            let spec = kind.spec();
            for (i, f) in spec.fields.iter().enumerate() {
                assert!(f.name != "type" && f.name != "id", "{kind}: {}", f.name);
                assert!(spec.fields[i + 1..].iter().all(|g| g.name != f.name));
            }
        }
    }

    #[test]
    fn every_type_with_a_schema_can_be_written_and_only_hip_chat_is_legacy() {
        let legacy: Vec<_> = IntegrationKind::ALL
            .into_iter()
            .filter(|k| k.spec().availability == Availability::Legacy)
            .collect();
        assert_eq!(legacy, [IntegrationKind::HipChat]);
        assert!(IntegrationKind::HipChat.spec().fields.is_empty());
        assert_eq!(
            IntegrationKind::Slack.spec().availability,
            Availability::Discouraged(Caution::SlackLegacyToken)
        );
        assert_eq!(
            IntegrationKind::NewRelic.spec().availability,
            Availability::Discouraged(Caution::NewRelicRetired)
        );
    }

    /// The spec's `required` lists, as read from the official spec (docs/atlas-facts.md).
    #[test]
    fn atlas_required_fields_follow_the_spec() {
        let required = |kind: IntegrationKind| -> Vec<&str> {
            kind.spec()
                .fields
                .iter()
                .filter(|f| f.atlas_requires())
                .map(|f| f.name)
                .collect()
        };
        assert_eq!(required(IntegrationKind::PagerDuty), ["serviceKey"]);
        assert_eq!(
            required(IntegrationKind::Slack),
            ["apiToken", "channelName"]
        );
        assert_eq!(required(IntegrationKind::Datadog), ["apiKey"]);
        assert_eq!(
            required(IntegrationKind::NewRelic),
            ["accountId", "licenseKey", "readToken", "writeToken"]
        );
        assert_eq!(required(IntegrationKind::OpsGenie), ["apiKey"]);
        assert_eq!(required(IntegrationKind::VictorOps), ["apiKey"]);
        assert_eq!(required(IntegrationKind::Webhook), ["url"]);
        assert_eq!(
            required(IntegrationKind::Prometheus),
            ["username", "serviceDiscovery", "enabled"]
        );
        assert_eq!(
            required(IntegrationKind::MicrosoftTeams),
            ["microsoftTeamsWebhookUrl"]
        );
    }
}
