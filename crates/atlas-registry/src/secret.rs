//! A secret string: a credential, a token, an integration's secret field on its way to Atlas.
//! Held in a `secrecy::SecretString`, so the memory is zeroized when the value is dropped, and
//! it never formats: `Debug` and `Display` show `[redacted]`, so a stray `{:?}` or `tracing`
//! field cannot leak it. It serializes as the plain string on purpose (a form field in, the
//! server-side session record), and the only way to read it is [`SecretValue::expose`],
//! greppable so every use can be reviewed.

use secrecy::{ExposeSecret, SecretString};
use serde::{Deserialize, Deserializer, Serialize, Serializer};

#[derive(Clone)]
pub struct SecretValue(SecretString);

impl SecretValue {
    pub fn new(value: impl Into<String>) -> Self {
        SecretValue(SecretString::from(value.into()))
    }

    /// The secret itself.
    pub fn expose(&self) -> &str {
        self.0.expose_secret()
    }

    pub fn is_empty(&self) -> bool {
        self.expose().is_empty()
    }
}

impl Default for SecretValue {
    fn default() -> Self {
        SecretValue::new(String::new())
    }
}

impl PartialEq for SecretValue {
    fn eq(&self, other: &Self) -> bool {
        self.expose() == other.expose()
    }
}

impl Eq for SecretValue {}

impl std::fmt::Debug for SecretValue {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("[redacted]")
    }
}

impl std::fmt::Display for SecretValue {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("[redacted]")
    }
}

impl Serialize for SecretValue {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.expose())
    }
}

impl<'de> Deserialize<'de> for SecretValue {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        String::deserialize(deserializer).map(SecretValue::new)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn it_never_formats_but_round_trips() {
        let s = SecretValue::new("s3cr3t-value");
        let shown = format!("{s:?} {s} {:?}", Some(&s));
        assert!(!shown.contains("s3cr3t"), "{shown}");
        let json = serde_json::to_string(&s).expect("serializes");
        assert_eq!(json, "\"s3cr3t-value\"");
        let back: SecretValue = serde_json::from_str(&json).expect("deserializes");
        assert_eq!(back, s);
    }
}
