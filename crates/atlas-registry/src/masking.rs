//! Atlas's masking of secret values, as recorded (docs/atlas-facts.md), and the checks the
//! dashboard uses so that a masked value is never mistaken for a real one.

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

/// Scheme and host kept, the path masked but its last four: `https://example.com/****2101`
/// (recorded for the webhook `url`; the spec shows Teams' URL the same way). What follows the
/// authority (path, query, fragment) is masked as one; whether Atlas keeps userinfo in the
/// authority is [unverified], so the emulator keeps it, as the worst case the dashboard must
/// survive (it refuses userinfo on input and never shows it). A URL that does not parse is
/// masked like a secret.
pub fn mask_url(value: &str) -> String {
    let Some((scheme, authority, tail)) = split_url(value) else {
        return mask_secret(value);
    };
    let tail = tail.strip_prefix('/').unwrap_or(tail);
    if tail.is_empty() {
        format!("{scheme}://{authority}/")
    } else {
        format!("{scheme}://{authority}/{}", mask_secret(tail))
    }
}

/// `scheme://host` of a URL, without userinfo, port, path or query: all a person needs to
/// recognise a webhook, and nothing that could be a credential.
fn scheme_and_host(url: &str) -> Option<String> {
    let (scheme, authority, _) = split_url(url)?;
    let host_port = authority.rsplit('@').next()?;
    let host = if host_port.starts_with('[') {
        // An IPv6 literal keeps its brackets; the port follows them.
        host_port.split_inclusive(']').next()?
    } else {
        host_port.split(':').next()?
    };
    (!host.is_empty()).then(|| format!("{scheme}://{host}"))
}

/// What Atlas returns on read for a stored value of `field`, by the field's secrecy; `None`
/// when Atlas never returns it (`writeOnly`). A redacted template reads back as `******`, as
/// Atlas's UI shows it [unverified for the API]. Booleans are never secret.
pub fn masked_for_read(field: &FieldSpec, value: &FieldValue) -> Option<FieldValue> {
    let FieldValue::Text(text) = value else {
        return Some(value.clone());
    };
    let shown = match field.secrecy {
        Secrecy::Plain => text.clone(),
        Secrecy::MaskedLastFour => mask_secret(text),
        Secrecy::MaskedUrlPath => mask_url(text),
        Secrecy::WriteOnly => return None,
        Secrecy::Redacted => "******".to_string(),
        Secrecy::ClearOnRead => text.clone(),
    };
    Some(FieldValue::Text(shown))
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
        assert_eq!(mask_url("https://example.com"), "https://example.com/");
        assert_eq!(
            mask_url("https://h.example?token=abcdef"),
            "https://h.example/*********cdef"
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
}
