/**
 * One sample per creatable type: the values to create it with, a non-secret field to edit,
 * the secret field to keep and then replace. Field names are Atlas's (the form's control
 * names are `values[<name>]`, labelled from the registry).
 */
export type Sample = {
  type: string;
  label: string;
  /** Field label → value, typed into the create form. */
  create: Record<string, string>;
  /** Selects (label → option) set on create. */
  selects?: Record<string, string>;
  /**
   * A field changed on edit while `secret` is left blank: a plain one, or for the webhook
   * (all of whose fields are secret) the URL. None for Teams, whose one field is the secret.
   */
  edit?: { label: string; field: string; value: string; select?: boolean; secret?: boolean };
  /**
   * The secret to keep and replace: its label, Atlas name, first and second values.
   * `writeOnly`: Atlas never returns it (Prometheus password), so the page asks for it on
   * every save instead of keeping it unseen.
   */
  secret: { label: string; field: string; first: string; second: string; writeOnly?: boolean };
};

export const SAMPLES: Sample[] = [
  {
    type: "PAGER_DUTY",
    label: "PagerDuty",
    create: { "Service key": "pd-service-key-0000000000001111" },
    selects: { Region: "US" },
    edit: { label: "Region", field: "region", value: "EU", select: true },
    secret: { label: "Service key", field: "serviceKey", first: "pd-service-key-0000000000001111", second: "pd-service-key-9999999999992222" },
  },
  {
    type: "DATADOG",
    label: "Datadog",
    create: { "API key": "0123456789abcdef0123456789ab3333" },
    selects: { Region: "US" },
    edit: { label: "Region", field: "region", value: "EU", select: true },
    secret: { label: "API key", field: "apiKey", first: "0123456789abcdef0123456789ab3333", second: "fedcba9876543210fedcba9876544444" },
  },
  {
    type: "OPS_GENIE",
    label: "Opsgenie",
    create: { "API key": "00000000-0000-0000-0000-000000005555" },
    selects: { Region: "US" },
    edit: { label: "Region", field: "region", value: "EU", select: true },
    secret: { label: "API key", field: "apiKey", first: "00000000-0000-0000-0000-000000005555", second: "11111111-1111-1111-1111-111111116666" },
  },
  {
    type: "VICTOR_OPS",
    label: "Splunk On-Call (VictorOps)",
    create: { "API key": "0f1e2d3c-4b5a-6978-8796-a5b4c3d27777", "Routing key": "ops-team" },
    edit: { label: "Routing key", field: "routingKey", value: "db-team" },
    secret: { label: "API key", field: "apiKey", first: "0f1e2d3c-4b5a-6978-8796-a5b4c3d27777", second: "aaaabbbb-cccc-dddd-eeee-ffff00008888" },
  },
  {
    type: "WEBHOOK",
    label: "Webhook",
    create: { URL: "https://hooks.example.com/one/9999", Secret: "whsec-first-secret-value-1212" },
    edit: { label: "URL", field: "url", value: "https://hooks.example.com/two/3434", secret: true },
    secret: { label: "Secret", field: "secret", first: "whsec-first-secret-value-1212", second: "whsec-second-secret-value-5656" },
  },
  {
    type: "PROMETHEUS",
    label: "Prometheus",
    create: { Username: "prom_user_sandbox", Password: "prom-first-password-7878" },
    selects: { "Service discovery": "http" },
    edit: { label: "Username", field: "username", value: "prom_user_renamed" },
    secret: {
      label: "Password",
      field: "password",
      first: "prom-first-password-7878",
      second: "prom-second-password-9090",
      writeOnly: true,
    },
  },
  {
    type: "MICROSOFT_TEAMS",
    label: "Microsoft Teams",
    create: { "Incoming webhook URL": "https://example.webhook.office.com/webhookb2/first/1313" },
    secret: {
      label: "Incoming webhook URL",
      field: "microsoftTeamsWebhookUrl",
      first: "https://example.webhook.office.com/webhookb2/first/1313",
      second: "https://example.webhook.office.com/webhookb2/third/1515",
    },
  },
];
