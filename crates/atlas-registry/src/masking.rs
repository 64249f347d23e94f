//! Atlas's masking of secret values, as recorded (docs/atlas-facts.md), and the checks the
//! dashboard uses so that a masked value is never mistaken for a real one.

use serde::{Deserialize, Serialize};

use super::model::FieldValue;
use super::registry::{FieldSpec, Secrecy};
use super::url::split_url;

/// `*` for every character but the last four: `****************************0000` (recorded
/// for Datadog, PagerDuty, Opsgenie, VictorOps and the webhook secret). A value of four
/// characters or fewer is masked whole [unverified: no such short value was recorded].
pub fn mask_secret(value: &str) -> String {
    let chars: Vec<char> = value.chars().collect();
    if chars.len() <= 4 {
        return "*".repeat(chars.len().max(4));
    }
    let keep = chars.len() - 4;
    let mut out = "*".repeat(keep);
    out.extend(&chars[keep..]);
    out
}

/// Scheme and host kept, then a fixed four stars and the path's last four characters:
/// `https://example.com/****2101` is what Atlas answered for a webhook `url` whose path had
/// 30 characters (recorded; docs/atlas-facts.md, "Masking"), so the mask does not tell the
/// path's length, unlike a secret's. The spec's example for Teams is
/// `https://webhook.com/****`; nothing is recorded for Teams, so the same rule is used
/// [unverified]. A path of four characters or fewer is masked whole, as four stars
/// [unverified: not recorded]. What follows the authority (path, query, fragment) is masked
/// as one; whether Atlas keeps userinfo in the authority is [unverified], so the emulator
/// keeps it, as the worst case the dashboard must survive (it refuses userinfo on input and
/// never shows it). A URL that does not parse is masked like a secret.
pub fn mask_url(value: &str) -> String {
    let Some((scheme, authority, tail)) = split_url(value) else {
        return mask_secret(value);
    };
    let tail = tail.strip_prefix('/').unwrap_or(tail);
    let chars: Vec<char> = tail.chars().collect();
    if chars.is_empty() {
        format!("{scheme}://{authority}/")
    } else if chars.len() <= 4 {
        format!("{scheme}://{authority}/****")
    } else {
        let last: String = chars[chars.len() - 4..].iter().collect();
        format!("{scheme}://{authority}/****{last}")
    }
}

/// `scheme://host` of a URL, without userinfo, port, path or query: all a person needs to
/// recognise a webhook, and nothing that could be a credential.
fn scheme_and_host(url: &str) -> Option<String> {
    let (scheme, _, _) = split_url(url)?;
    Some(format!("{scheme}://{}", host(url)?))
}

/// The host of a URL: no userinfo, no port; an IPv6 literal keeps its brackets.
fn host(url: &str) -> Option<&str> {
    let (_, authority, _) = split_url(url)?;
    let host_port = authority.rsplit('@').next()?;
    let host = if host_port.starts_with('[') {
        // The port follows the brackets.
        host_port.split_inclusive(']').next()?
    } else {
        host_port.split(':').next()?
    };
    (!host.is_empty()).then_some(host)
}

/// What "rotate a secret everywhere" recognises a stored secret by, from what Atlas shows of
/// it: the last four characters it leaves visible, or for a URL secret (whose path Atlas
/// masks but whose host it keeps) the host. Two projects with the same hint probably hold
/// the same secret; the hint itself reveals no more than Atlas's own answer.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum SecretHint {
    LastFour(String),
    /// Lower-cased: hosts are case-insensitive.
    Host(String),
}

impl SecretHint {
    /// The text a person types or picks, and the page's address carries: the four
    /// characters, or the host.
    pub fn as_str(&self) -> &str {
        match self {
            SecretHint::LastFour(s) | SecretHint::Host(s) => s,
        }
    }

    /// How the page shows it: `••••abcd`, or the host.
    pub fn display(&self) -> String {
        match self {
            SecretHint::LastFour(s) => format!("••••{s}"),
            SecretHint::Host(s) => s.clone(),
        }
    }
}

/// Why a typed hint is refused.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum HintError {
    /// The field shows nothing to compare (write-only, fully redacted, or not secret).
    NotRotatable,
    /// Not four characters (mask characters aside).
    NotFour,
    /// Not a host name (or a URL with one).
    NotAHost,
}

/// Whether the values of `field` can be told apart by a [`SecretHint`]: a secret Atlas shows
/// partly (last four, or a URL's host), or one it returns in clear (New Relic's keys, of
/// which only the last four are used). Write-only and fully redacted secrets show nothing.
pub fn rotatable(field: &FieldSpec) -> bool {
    matches!(
        field.secrecy,
        Secrecy::MaskedLastFour | Secrecy::MaskedUrlPath | Secrecy::ClearOnRead
    )
}

/// The hint of a stored value of `field`, from what Atlas returned for it (`shown`). `None`
/// when it shows nothing to compare (a value of four characters or fewer, masked whole).
pub fn hint_of_shown(field: &FieldSpec, shown: &str) -> Option<SecretHint> {
    hint_for(field.secrecy, shown)
}

/// [`hint_of_shown`] by the secrecy alone, for values that are not an integration's field
/// (an alert notification's own copy of a key, `crate::NotificationField::hint_of_shown`).
pub fn hint_for(secrecy: Secrecy, shown: &str) -> Option<SecretHint> {
    match secrecy {
        Secrecy::MaskedLastFour => last_four(shown)
            .filter(|tail| tail.chars().count() == 4)
            .map(|tail| SecretHint::LastFour(tail.to_string())),
        Secrecy::MaskedUrlPath => host(shown).map(|h| SecretHint::Host(h.to_lowercase())),
        Secrecy::ClearOnRead => {
            let chars: Vec<char> = shown.chars().collect();
            (chars.len() > 4)
                .then(|| SecretHint::LastFour(chars[chars.len() - 4..].iter().collect()))
        }
        Secrecy::Plain | Secrecy::WriteOnly | Secrecy::Redacted => None,
    }
}

/// The hint a person typed for `field`: the last four characters (a pasted `••••abcd` or
/// `****abcd` is read as `abcd`), or for a URL secret its host (a pasted URL is read as its
/// host). Compared with [`hint_of_shown`]'s by equality.
pub fn parse_hint(field: &FieldSpec, typed: &str) -> Result<SecretHint, HintError> {
    let typed = typed.trim();
    match field.secrecy {
        Secrecy::MaskedLastFour | Secrecy::ClearOnRead => {
            let tail = typed.trim_start_matches(['•', '*']);
            if tail.chars().count() == 4 && !tail.chars().any(char::is_whitespace) {
                Ok(SecretHint::LastFour(tail.to_string()))
            } else {
                Err(HintError::NotFour)
            }
        }
        Secrecy::MaskedUrlPath => {
            let name = if typed.contains("://") {
                host(typed).ok_or(HintError::NotAHost)?
            } else {
                typed
            };
            let is_host_char =
                |c: char| c.is_alphanumeric() || matches!(c, '.' | '-' | '[' | ']' | ':');
            if !name.is_empty() && name.chars().all(is_host_char) {
                Ok(SecretHint::Host(name.to_lowercase()))
            } else {
                Err(HintError::NotAHost)
            }
        }
        Secrecy::Plain | Secrecy::WriteOnly | Secrecy::Redacted => Err(HintError::NotRotatable),
    }
}

/// What Atlas returns on read for a stored value of `field`, by the field's secrecy; `None`
/// when Atlas never returns it (`writeOnly`). A redacted template reads back as `******`, as
/// Atlas's UI shows it [unverified for the API]. Booleans are never secret.
pub fn masked_for_read(field: &FieldSpec, value: &FieldValue) -> Option<FieldValue> {
    let FieldValue::Text(text) = value else {
        return Some(value.clone());
    };
    shown_for(field.secrecy, text).map(FieldValue::Text)
}

/// What Atlas returns for a stored text of this secrecy; `None` when it never returns it.
/// The one masking rule for integration fields and alert notifications alike.
pub fn shown_for(secrecy: Secrecy, text: &str) -> Option<String> {
    Some(match secrecy {
        Secrecy::Plain | Secrecy::ClearOnRead => text.to_string(),
        Secrecy::MaskedLastFour => mask_secret(text),
        Secrecy::MaskedUrlPath => mask_url(text),
        Secrecy::WriteOnly => return None,
        Secrecy::Redacted => "******".to_string(),
    })
}

/// True when a value contains a run of four or more `*`, the way Atlas masks. Such a value
/// is refused as input: sending it back would store the mask as the secret.
pub fn looks_masked(value: &str) -> bool {
    value.contains("****")
}

/// The last four characters Atlas left visible in a masked value, if any.
pub fn last_four(masked: &str) -> Option<&str> {
    let tail = masked.rsplit('*').next().unwrap_or_default();
    let n = tail.chars().count();
    if masked.contains('*') && (1..=4).contains(&n) {
        Some(tail)
    } else {
        None
    }
}

/// What the dashboard shows for a secret that is set: `••••abcd`, scheme and host for a
/// masked URL (`https://hooks.example.com/••••abcd`), or bullets alone when Atlas shows
/// nothing.
pub fn display_secret(field: &FieldSpec, masked: &str) -> String {
    let tail = last_four(masked).map(|t| format!("••••{t}"));
    let tail = tail.as_deref().unwrap_or("••••");
    match (field.secrecy, scheme_and_host(masked)) {
        (Secrecy::MaskedUrlPath, Some(origin)) => format!("{origin}/{tail}"),
        _ => tail.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn masks_like_the_recordings() {
        // Datadog apiKey: 32 hex characters, recorded as 28 stars and 0000.
        assert_eq!(
            mask_secret("0123456789abcdef0123456789ab0000"),
            "****************************0000"
        );
        // Opsgenie apiKey: a 36-character UUID.
        assert_eq!(
            mask_secret("00000000-0000-0000-0000-000000003311"),
            "********************************3311"
        );
        assert_eq!(
            mask_url("https://example.com/abcd2101"),
            "https://example.com/****2101"
        );
        // As recorded: a 30-character path shows four stars and its last four, whatever its
        // length.
        let path30 = "hooks/atlas/0123456789abc/2101";
        assert_eq!(path30.len(), 30);
        assert_eq!(
            mask_url(&format!("https://example.com/{path30}")),
            "https://example.com/****2101"
        );
        // A long Teams URL (Office 365 connector shape): the same rule.
        assert_eq!(
            mask_url(
                "https://contoso.webhook.office.com/webhookb2/7aa49aa6-7840-443d-806c-08ebe8f59966@c662313f-14fc-43a2-9a7a-d2e27f4f3478/IncomingWebhook/8592f62b50cf41b9b93ba0c0a00a0b88/eea0a1b2-c3d4-4e5f-a6b7-c8d9e0f1a2b3"
            ),
            "https://contoso.webhook.office.com/****a2b3"
        );
        assert_eq!(mask_url("https://example.com"), "https://example.com/");
        assert_eq!(
            mask_url("https://example.com/abc"),
            "https://example.com/****"
        );
        assert_eq!(
            mask_url("https://h.example?token=abcdef"),
            "https://h.example/****cdef"
        );
        assert_eq!(mask_secret("abc"), "****");
    }

    #[test]
    fn the_hint_of_a_url_is_scheme_and_host_only() {
        let url = crate::IntegrationKind::Webhook
            .spec()
            .field("url")
            .expect("url");
        for (masked, hint) in [
            (
                "https://example.com/****2101",
                "https://example.com/••••2101",
            ),
            (
                "https://user:pass@example.com/****2101",
                "https://example.com/••••2101",
            ),
            (
                "https://example.com:8443/****2101",
                "https://example.com/••••2101",
            ),
            ("https://[::1]:8443/****2101", "https://[::1]/••••2101"),
            ("https://example.com/", "https://example.com/••••"),
            ("not a url ****abcd", "••••abcd"),
        ] {
            assert_eq!(display_secret(url, masked), hint, "{masked}");
        }
        // Whatever Atlas leaves before the path, userinfo and query never reach the hint.
        let hint = display_secret(
            url,
            &mask_url("https://u:p4ss@h.example?token=s3cr3t-token"),
        );
        assert!(!hint.contains("p4ss") && !hint.contains("s3cr3t"), "{hint}");
        assert_eq!(hint, "https://h.example/••••oken");
    }

    #[test]
    fn recognises_masks() {
        assert!(looks_masked("****************************0000"));
        assert!(looks_masked("https://example.com/****2101"));
        assert!(looks_masked("******"));
        assert!(!looks_masked("a*b*c"));
        assert_eq!(last_four("****************************0000"), Some("0000"));
        assert_eq!(last_four("https://example.com/****2101"), Some("2101"));
        assert_eq!(last_four("******"), None);
        assert_eq!(last_four("plain"), None);
    }

    #[test]
    fn hints_compare_last_four_or_host_as_atlas_shows_them() {
        let spec = |kind: crate::IntegrationKind, name: &str| kind.spec().field(name).expect(name);
        let api_key = spec(crate::IntegrationKind::OpsGenie, "apiKey");
        let url = spec(crate::IntegrationKind::Webhook, "url");
        let password = spec(crate::IntegrationKind::Prometheus, "password");
        let license = spec(crate::IntegrationKind::NewRelic, "licenseKey");
        let template = spec(crate::IntegrationKind::Webhook, "bodyTemplate");
        // As recorded: the Opsgenie key's mask and the webhook URL's.
        let shown = hint_of_shown(api_key, "********************************3311");
        assert_eq!(shown, Some(SecretHint::LastFour("3311".into())));
        for typed in ["3311", " 3311 ", "••••3311", "****3311"] {
            assert_eq!(parse_hint(api_key, typed).ok(), shown, "{typed:?}");
        }
        assert_ne!(parse_hint(api_key, "3312").ok(), shown);
        // Secrets are compared exactly: case counts.
        assert_ne!(
            hint_of_shown(api_key, "****ABCD"),
            parse_hint(api_key, "abcd").ok()
        );
        assert_eq!(parse_hint(api_key, "311"), Err(HintError::NotFour));
        assert_eq!(parse_hint(api_key, "33111"), Err(HintError::NotFour));
        assert_eq!(parse_hint(api_key, ""), Err(HintError::NotFour));
        // A value masked whole shows nothing to compare.
        assert_eq!(hint_of_shown(api_key, &mask_secret("abc")), None);

        let shown = hint_of_shown(url, "https://Example.com/****2101");
        assert_eq!(shown, Some(SecretHint::Host("example.com".into())));
        for typed in [
            "example.com",
            "EXAMPLE.com",
            "https://example.com/anything/else",
        ] {
            assert_eq!(parse_hint(url, typed).ok(), shown, "{typed:?}");
        }
        // Same last four, other host: no match; userinfo and port are no part of the host.
        assert_ne!(hint_of_shown(url, "https://other.example/****2101"), shown);
        assert_eq!(
            hint_of_shown(url, "https://u:p@example.com:8443/****2101"),
            shown
        );
        assert_eq!(parse_hint(url, "2101"), Ok(SecretHint::Host("2101".into())));
        assert_eq!(
            parse_hint(url, "example.com/path"),
            Err(HintError::NotAHost)
        );
        assert_eq!(parse_hint(url, "a b"), Err(HintError::NotAHost));
        assert_eq!(parse_hint(url, ""), Err(HintError::NotAHost));

        // Returned in clear: only the last four are compared (and ever leave the server).
        assert_eq!(
            hint_of_shown(license, "bc3768f44193c282b2688ab39e00f8e4fc8d75ea"),
            Some(SecretHint::LastFour("75ea".into()))
        );
        // Write-only and redacted secrets cannot be told apart.
        for field in [password, template] {
            assert!(!rotatable(field));
            assert_eq!(parse_hint(field, "abcd"), Err(HintError::NotRotatable));
            assert_eq!(hint_of_shown(field, "******"), None);
        }
        assert!(rotatable(api_key) && rotatable(url) && rotatable(license));
        assert_eq!(SecretHint::LastFour("3311".into()).display(), "••••3311");
    }
}
