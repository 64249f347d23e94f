//! The registry's types and fields in each language: `kind.<type>` and `field.<type>.<field>`
//! in `locales/*.json`. Server only; a unit test checks that every registry type and field
//! has its arm here.

use atlas_registry::IntegrationKind;

use super::locales::{td_string, Locale};

/// A type's name and one-line description.
pub(super) fn kind_strings(locale: Locale, kind: IntegrationKind) -> (String, String) {
    let (label, help) = match kind {
        IntegrationKind::PagerDuty => (
            td_string!(locale, kind.pager_duty.label),
            td_string!(locale, kind.pager_duty.help),
        ),
        IntegrationKind::Slack => (
            td_string!(locale, kind.slack.label),
            td_string!(locale, kind.slack.help),
        ),
        IntegrationKind::Datadog => (
            td_string!(locale, kind.datadog.label),
            td_string!(locale, kind.datadog.help),
        ),
        IntegrationKind::NewRelic => (
            td_string!(locale, kind.new_relic.label),
            td_string!(locale, kind.new_relic.help),
        ),
        IntegrationKind::OpsGenie => (
            td_string!(locale, kind.ops_genie.label),
            td_string!(locale, kind.ops_genie.help),
        ),
        IntegrationKind::VictorOps => (
            td_string!(locale, kind.victor_ops.label),
            td_string!(locale, kind.victor_ops.help),
        ),
        IntegrationKind::Webhook => (
            td_string!(locale, kind.webhook.label),
            td_string!(locale, kind.webhook.help),
        ),
        IntegrationKind::HipChat => (
            td_string!(locale, kind.hip_chat.label),
            td_string!(locale, kind.hip_chat.help),
        ),
        IntegrationKind::Prometheus => (
            td_string!(locale, kind.prometheus.label),
            td_string!(locale, kind.prometheus.help),
        ),
        IntegrationKind::MicrosoftTeams => (
            td_string!(locale, kind.microsoft_teams.label),
            td_string!(locale, kind.microsoft_teams.help),
        ),
    };
    (label.to_string(), help.to_string())
}

/// A field's label and help, by the type and Atlas's name of the field.
pub(super) fn field_strings(
    locale: Locale,
    kind: IntegrationKind,
    name: &str,
) -> Option<(String, String)> {
    let (label, help) = match (kind, name) {
        (IntegrationKind::PagerDuty, "serviceKey") => (
            td_string!(locale, field.pager_duty.service_key.label),
            td_string!(locale, field.pager_duty.service_key.help),
        ),
        (IntegrationKind::PagerDuty, "region") => (
            td_string!(locale, field.pager_duty.region.label),
            td_string!(locale, field.pager_duty.region.help),
        ),
        (IntegrationKind::Slack, "apiToken") => (
            td_string!(locale, field.slack.api_token.label),
            td_string!(locale, field.slack.api_token.help),
        ),
        (IntegrationKind::Slack, "channelName") => (
            td_string!(locale, field.slack.channel_name.label),
            td_string!(locale, field.slack.channel_name.help),
        ),
        (IntegrationKind::Slack, "teamName") => (
            td_string!(locale, field.slack.team_name.label),
            td_string!(locale, field.slack.team_name.help),
        ),
        (IntegrationKind::Datadog, "apiKey") => (
            td_string!(locale, field.datadog.api_key.label),
            td_string!(locale, field.datadog.api_key.help),
        ),
        (IntegrationKind::Datadog, "region") => (
            td_string!(locale, field.datadog.region.label),
            td_string!(locale, field.datadog.region.help),
        ),
        (IntegrationKind::Datadog, "sendCollectionLatencyMetrics") => (
            td_string!(locale, field.datadog.send_collection_latency_metrics.label),
            td_string!(locale, field.datadog.send_collection_latency_metrics.help),
        ),
        (IntegrationKind::Datadog, "sendDatabaseMetrics") => (
            td_string!(locale, field.datadog.send_database_metrics.label),
            td_string!(locale, field.datadog.send_database_metrics.help),
        ),
        (IntegrationKind::Datadog, "sendQueryStatsMetrics") => (
            td_string!(locale, field.datadog.send_query_stats_metrics.label),
            td_string!(locale, field.datadog.send_query_stats_metrics.help),
        ),
        (IntegrationKind::Datadog, "sendUserProvidedResourceTags") => (
            td_string!(locale, field.datadog.send_user_provided_resource_tags.label),
            td_string!(locale, field.datadog.send_user_provided_resource_tags.help),
        ),
        (IntegrationKind::NewRelic, "accountId") => (
            td_string!(locale, field.new_relic.account_id.label),
            td_string!(locale, field.new_relic.account_id.help),
        ),
        (IntegrationKind::NewRelic, "licenseKey") => (
            td_string!(locale, field.new_relic.license_key.label),
            td_string!(locale, field.new_relic.license_key.help),
        ),
        (IntegrationKind::NewRelic, "readToken") => (
            td_string!(locale, field.new_relic.read_token.label),
            td_string!(locale, field.new_relic.read_token.help),
        ),
        (IntegrationKind::NewRelic, "writeToken") => (
            td_string!(locale, field.new_relic.write_token.label),
            td_string!(locale, field.new_relic.write_token.help),
        ),
        (IntegrationKind::OpsGenie, "apiKey") => (
            td_string!(locale, field.ops_genie.api_key.label),
            td_string!(locale, field.ops_genie.api_key.help),
        ),
        (IntegrationKind::OpsGenie, "region") => (
            td_string!(locale, field.ops_genie.region.label),
            td_string!(locale, field.ops_genie.region.help),
        ),
        (IntegrationKind::VictorOps, "apiKey") => (
            td_string!(locale, field.victor_ops.api_key.label),
            td_string!(locale, field.victor_ops.api_key.help),
        ),
        (IntegrationKind::VictorOps, "routingKey") => (
            td_string!(locale, field.victor_ops.routing_key.label),
            td_string!(locale, field.victor_ops.routing_key.help),
        ),
        (IntegrationKind::Webhook, "url") => (
            td_string!(locale, field.webhook.url.label),
            td_string!(locale, field.webhook.url.help),
        ),
        (IntegrationKind::Webhook, "secret") => (
            td_string!(locale, field.webhook.secret.label),
            td_string!(locale, field.webhook.secret.help),
        ),
        (IntegrationKind::Webhook, "headersTemplate") => (
            td_string!(locale, field.webhook.headers_template.label),
            td_string!(locale, field.webhook.headers_template.help),
        ),
        (IntegrationKind::Webhook, "bodyTemplate") => (
            td_string!(locale, field.webhook.body_template.label),
            td_string!(locale, field.webhook.body_template.help),
        ),
        (IntegrationKind::Prometheus, "username") => (
            td_string!(locale, field.prometheus.username.label),
            td_string!(locale, field.prometheus.username.help),
        ),
        (IntegrationKind::Prometheus, "password") => (
            td_string!(locale, field.prometheus.password.label),
            td_string!(locale, field.prometheus.password.help),
        ),
        (IntegrationKind::Prometheus, "serviceDiscovery") => (
            td_string!(locale, field.prometheus.service_discovery.label),
            td_string!(locale, field.prometheus.service_discovery.help),
        ),
        (IntegrationKind::Prometheus, "enabled") => (
            td_string!(locale, field.prometheus.enabled.label),
            td_string!(locale, field.prometheus.enabled.help),
        ),
        (IntegrationKind::Prometheus, "sendUserProvidedResourceTagsEnabled") => (
            td_string!(
                locale,
                field
                    .prometheus
                    .send_user_provided_resource_tags_enabled
                    .label
            ),
            td_string!(
                locale,
                field
                    .prometheus
                    .send_user_provided_resource_tags_enabled
                    .help
            ),
        ),
        (IntegrationKind::MicrosoftTeams, "microsoftTeamsWebhookUrl") => (
            td_string!(
                locale,
                field.microsoft_teams.microsoft_teams_webhook_url.label
            ),
            td_string!(
                locale,
                field.microsoft_teams.microsoft_teams_webhook_url.help
            ),
        ),
        _ => return None,
    };
    Some((label.to_string(), help.to_string()))
}
