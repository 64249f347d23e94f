//! The demo organisation every test and the README use. These credentials are public demo
//! data: they open nothing but this emulator, and it prints them at start-up on purpose.

/// The demo organisation's id.
pub const ORG_ID: &str = "6650f1a2b3c4d5e6f7a8b9c0";

/// Public half of the API key that owns every demo project (and every generated one).
/// Eight lowercase letters, like Atlas's public keys.
pub const API_PUBLIC_KEY: &str = "demoownr";
/// Private half of [`API_PUBLIC_KEY`], a UUID like Atlas's.
pub const API_PRIVATE_KEY: &str = "3f2b8c1e-7a4d-4e9b-b6c5-0d1e2f3a4b5c";

/// API key with Project Read Only on every demo project: reads work, writes answer 403.
pub const READONLY_PUBLIC_KEY: &str = "demoread";
/// Private half of [`READONLY_PUBLIC_KEY`].
pub const READONLY_PRIVATE_KEY: &str = "9c8d7e6f-5a4b-4c3d-a2e1-f0a9b8c7d6e5";

/// A valid API key that belongs to no project: it authenticates, lists no projects, and
/// answers 401 USER_UNAUTHORIZED on any project.
pub const EMPTY_PUBLIC_KEY: &str = "demonone";
/// Private half of [`EMPTY_PUBLIC_KEY`].
pub const EMPTY_PRIVATE_KEY: &str = "0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d";

/// API key that owns "Sandbox" only: every other demo project is out of its reach and answers
/// 401 USER_UNAUTHORIZED, as Atlas does for a project the key is not a member of.
pub const SANDBOX_PUBLIC_KEY: &str = "demosand";
/// Private half of [`SANDBOX_PUBLIC_KEY`].
pub const SANDBOX_PRIVATE_KEY: &str = "7d6c5b4a-3e2f-4a1b-9c8d-e7f6a5b4c3d2";

/// The demo API keys' own ids (what an event's `apiKeyId` names), in the order above.
pub const API_KEY_ID: &str = "6650f1a2b3c4d5e6f7a8c001";
pub const READONLY_KEY_ID: &str = "6650f1a2b3c4d5e6f7a8c002";
pub const EMPTY_KEY_ID: &str = "6650f1a2b3c4d5e6f7a8c003";
pub const SANDBOX_KEY_ID: &str = "6650f1a2b3c4d5e6f7a8c004";

/// Service account (OAuth 2.0 client credentials) that owns every demo and generated project.
pub const SERVICE_ACCOUNT_CLIENT_ID: &str = "mdb_sa_id_6650f1a2b3c4d5e6f7a8b9d1";
/// Secret of [`SERVICE_ACCOUNT_CLIENT_ID`].
pub const SERVICE_ACCOUNT_CLIENT_SECRET: &str = "mdb_sa_sk_Zq3vX9tL2mR8wK4pN7cJ5hF1dB6gY0sA";

/// "Production": PAGER_DUTY, DATADOG and WEBHOOK.
pub const PRODUCTION_PROJECT_ID: &str = "65f0a1b2c3d4e5f6a7b8c901";
/// "Staging": a SLACK integration with a legacy token (Atlas recommends its UI sign-in) and OPS_GENIE.
pub const STAGING_PROJECT_ID: &str = "65f0a1b2c3d4e5f6a7b8c902";
/// "Legacy-Monitoring": a NEW_RELIC integration (retired by New Relic in 2021) and VICTOR_OPS.
pub const LEGACY_PROJECT_ID: &str = "65f0a1b2c3d4e5f6a7b8c903";
/// "Analytics": PROMETHEUS and MICROSOFT_TEAMS.
pub const ANALYTICS_PROJECT_ID: &str = "65f0a1b2c3d4e5f6a7b8c904";
/// "Sandbox": no integration at all.
pub const SANDBOX_PROJECT_ID: &str = "65f0a1b2c3d4e5f6a7b8c905";

/// The demo projects, `(id, name)`. Names follow the spec's pattern (no spaces).
pub const PROJECTS: &[(&str, &str)] = &[
    (PRODUCTION_PROJECT_ID, "Production"),
    (STAGING_PROJECT_ID, "Staging"),
    (LEGACY_PROJECT_ID, "Legacy-Monitoring"),
    (ANALYTICS_PROJECT_ID, "Analytics"),
    (SANDBOX_PROJECT_ID, "Sandbox"),
];

/// The demo alert configurations (issue #29): which alerts use which integration, which carry
/// their own copy of a key, and which integrations no alert uses. Ids rise in creation order,
/// the order Atlas lists them in.
///
/// | project | alert | notification | |
/// |---|---|---|---|
/// | Production | [`PRODUCTION_NO_PRIMARY`] | GROUP + PAGER_DUTY `integrationId` | uses the PagerDuty integration |
/// | | [`PRODUCTION_CONNECTIONS`] | DATADOG `integrationId` | uses the Datadog integration |
/// | | [`PRODUCTION_OPLOG`] | PAGER_DUTY own `serviceKey`, the integration's very key | own copy, same hint (`0022`) |
/// | | [`PRODUCTION_MONGOS`] | PAGER_DUTY own `serviceKey`, another key | own key, other hint (`9c41`) |
/// | | [`PRODUCTION_CERTS`] | DATADOG own `datadogApiKey` and `integrationId` | the shape TF PR #2603 reports |
/// | | [`PRODUCTION_CREDIT_CARD`] | GROUP only | no integration |
/// | Staging | [`STAGING_NO_PRIMARY`] | SLACK `integrationId` | uses the Slack integration |
/// | | [`STAGING_OPLOG`] | OPS_GENIE own `opsGenieApiKey`, the integration's key | own copy; Opsgenie used by no `integrationId` |
/// | Legacy-Monitoring | [`LEGACY_NO_PRIMARY`] | VICTOR_OPS `integrationId` | uses the VictorOps integration |
/// | | [`LEGACY_JOINED`] | HIP_CHAT own token (disabled) | legacy type, no integration |
/// | Analytics | [`ANALYTICS_DISK`] | MICROSOFT_TEAMS `integrationId` | uses the Teams integration |
/// | | [`ANALYTICS_NO_PRIMARY`] | MICROSOFT_TEAMS own URL, same host | own copy, same hint (host) |
///
/// Used by no alert: Production's WEBHOOK, Legacy-Monitoring's NEW_RELIC, Analytics'
/// PROMETHEUS (neither of the last two has a notification type). Sandbox has no alert.
pub mod alerts {
    pub const PRODUCTION_NO_PRIMARY: &str = "65f0a1b2c3d4e5f6a7b8ca01";
    pub const PRODUCTION_CONNECTIONS: &str = "65f0a1b2c3d4e5f6a7b8ca02";
    pub const PRODUCTION_OPLOG: &str = "65f0a1b2c3d4e5f6a7b8ca03";
    pub const PRODUCTION_MONGOS: &str = "65f0a1b2c3d4e5f6a7b8ca04";
    pub const PRODUCTION_CERTS: &str = "65f0a1b2c3d4e5f6a7b8ca05";
    pub const PRODUCTION_CREDIT_CARD: &str = "65f0a1b2c3d4e5f6a7b8ca06";
    pub const STAGING_NO_PRIMARY: &str = "65f0a1b2c3d4e5f6a7b8cb01";
    pub const STAGING_OPLOG: &str = "65f0a1b2c3d4e5f6a7b8cb02";
    pub const LEGACY_NO_PRIMARY: &str = "65f0a1b2c3d4e5f6a7b8cc01";
    pub const LEGACY_JOINED: &str = "65f0a1b2c3d4e5f6a7b8cc02";
    pub const ANALYTICS_DISK: &str = "65f0a1b2c3d4e5f6a7b8cd01";
    pub const ANALYTICS_NO_PRIMARY: &str = "65f0a1b2c3d4e5f6a7b8cd02";
}

/// The demo integrations' secret values, so tests can check what "Atlas" stored.
pub mod secrets {
    /// Production's PagerDuty service key.
    pub const PAGER_DUTY_SERVICE_KEY: &str = "a1b2c3d4e5f60718293a4b5c6d7e0022";
    /// Production's Datadog API key (hex, as Atlas requires).
    pub const DATADOG_API_KEY: &str = "0123456789abcdef0123456789ab0000";
    /// Production's webhook URL and secret.
    pub const WEBHOOK_URL: &str = "https://hooks.example.com/atlas/alerts/2101";
    pub const WEBHOOK_SECRET: &str = "whsec-demo-0123456789abcdef2101";
    /// Staging's legacy Slack token.
    pub const SLACK_API_TOKEN: &str = "xoxb-0000000000-0000000000000-demoSlackTok9f3a";
    /// Staging's Opsgenie key.
    pub const OPS_GENIE_API_KEY: &str = "00000000-0000-0000-0000-000000003311";
    /// Legacy-Monitoring's New Relic ids and tokens.
    pub const NEW_RELIC_ACCOUNT_ID: &str = "bcc3c81b344a6030a3935c2527e2216535af7718";
    pub const NEW_RELIC_LICENSE_KEY: &str = "bc3768f44193c282b2688ab39e00f8e4fc8d75ea";
    pub const NEW_RELIC_READ_TOKEN: &str = "193c96aee4a3ac640b98634562e2631f17ae0a69";
    pub const NEW_RELIC_WRITE_TOKEN: &str = "a67b10e5cd7f8fb6a34b501136c409f373edc218";
    /// Legacy-Monitoring's VictorOps key.
    pub const VICTOR_OPS_API_KEY: &str = "0f1e2d3c-4b5a-6978-8796-a5b4c3d21c11";
    /// Analytics' Prometheus password (never returned by the API).
    pub const PROMETHEUS_PASSWORD: &str = "prom-demo-password-8d1f";
    /// Analytics' Microsoft Teams webhook URL.
    pub const MICROSOFT_TEAMS_WEBHOOK_URL: &str =
        "https://example.webhook.office.com/webhookb2/00000000-demo/IncomingWebhook/abcdef/7e3a";

    /// Production's "mongos is missing" alert: its own PagerDuty key, not the integration's.
    pub const ALERT_PAGER_DUTY_OTHER_KEY: &str = "f0e1d2c3b4a5968778695a4b3c2d9c41";
    /// Legacy-Monitoring's HipChat notification token.
    pub const ALERT_HIP_CHAT_TOKEN: &str = "hipchat-demo-token-000000000000c0de";
    /// Analytics' "no primary" alert: its own Teams URL, on the integration's host.
    pub const ALERT_MICROSOFT_TEAMS_URL: &str =
        "https://example.webhook.office.com/webhookb2/11111111-demo/IncomingWebhook/123456/9b2d";
}
