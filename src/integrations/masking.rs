//! Atlas's masking of secret values, as recorded in ../shared/atlas/recorded/, and the
//! checks the dashboard uses so that a masked value is never mistaken for a real one.

use super::model::FieldValue;
use super::registry::{FieldSpec, Secrecy};

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
/// (recorded for the webhook `url`). A URL that does not parse is masked like a secret.
pub fn mask_url(value: &str) -> String {
    let Some((scheme, rest)) = value.split_once("://") else {
        return mask_secret(value);
    };
    match rest.find('/') {
        Some(slash) => {
            let (host, path) = rest.split_at(slash);
            let path = &path[1..];
            if path.is_empty() {
                format!("{scheme}://{host}/")
            } else {
                format!("{scheme}://{host}/{}", mask_secret(path))
            }
        }
        None => format!("{scheme}://{rest}"),
    }
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

/// What the dashboard shows for a secret that is set: `••••abcd`, the host for a masked
/// URL, or bullets alone when Atlas shows nothing.
pub fn display_secret(field: &FieldSpec, masked: &str) -> String {
    match (field.secrecy, last_four(masked)) {
        (Secrecy::MaskedUrlPath, Some(tail)) => match masked.rsplit_once('/') {
            Some((head, _)) => format!("{head}/••••{tail}"),
            None => format!("••••{tail}"),
        },
        (_, Some(tail)) => format!("••••{tail}"),
        _ => "••••".to_string(),
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
        assert_eq!(mask_url("https://example.com"), "https://example.com");
        assert_eq!(mask_secret("abc"), "****");
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
