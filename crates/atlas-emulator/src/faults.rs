//! Fault injection for tests and benchmarks: rules matched on method and path prefix, applied
//! to `/api/...` requests before authentication (a 503 costs no auth round trip).
//!
//! Compact syntax for `--fault` (comma-separated `key=value`, flags bare):
//! `status=503,path=/api/atlas/v2/groups,method=GET,rate=0.5,count=2,retry-after=1,latency-ms=200,malformed,drop`.

use rand::Rng;
use serde::{Deserialize, Serialize};

/// One rule, as `POST /_emulator/faults` takes it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
// Unknown keys are refused: a misspelt key would otherwise leave a rule that does nothing.
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct FaultRule {
    /// Only this method (any when absent).
    #[serde(default)]
    pub method: Option<String>,
    /// Only paths starting with this (default `/api/`).
    #[serde(default = "default_prefix")]
    pub path_prefix: String,
    /// Answer this status with an ApiError body (500, 503, 429, …).
    #[serde(default)]
    pub status: Option<u16>,
    /// `Retry-After` seconds on that answer.
    #[serde(default)]
    pub retry_after_secs: Option<u64>,
    /// Probability a matching request is hit, 0..=1.
    #[serde(default = "default_rate")]
    pub rate: f64,
    /// Hit only the next N matching requests, then expire.
    #[serde(default)]
    pub count: Option<u64>,
    /// Added delay before anything else.
    #[serde(default)]
    pub latency_ms: u64,
    /// Answer 200 with a truncated JSON body.
    #[serde(default)]
    pub malformed_body: bool,
    /// Close the connection without an answer.
    #[serde(default)]
    pub drop_connection: bool,
    /// Answer 200 with a valid JSON body of `HUGE_BODY_BYTES`, streamed without a length.
    #[serde(default)]
    pub huge_body: bool,
}

/// Far past any sane Atlas answer (the dashboard's client stops reading at 4 MiB).
pub const HUGE_BODY_BYTES: usize = 16 * 1024 * 1024;

fn default_prefix() -> String {
    "/api/".into()
}

fn default_rate() -> f64 {
    1.0
}

impl Default for FaultRule {
    fn default() -> Self {
        FaultRule {
            method: None,
            path_prefix: default_prefix(),
            status: None,
            retry_after_secs: None,
            rate: 1.0,
            count: None,
            latency_ms: 0,
            malformed_body: false,
            drop_connection: false,
            huge_body: false,
        }
    }
}

impl FaultRule {
    /// Parses the compact `--fault` syntax.
    pub fn parse_compact(spec: &str) -> Result<FaultRule, String> {
        let mut rule = FaultRule::default();
        for part in spec.split(',').map(str::trim).filter(|p| !p.is_empty()) {
            let (key, value) = match part.split_once('=') {
                Some((k, v)) => (k.trim(), Some(v.trim())),
                None => (part, None),
            };
            fn need<'a>(key: &str, v: Option<&'a str>) -> Result<&'a str, String> {
                v.ok_or_else(|| format!("fault key {key} needs a value"))
            }
            let num = |v: Option<&str>| -> Result<u64, String> {
                need(key, v)?
                    .parse::<u64>()
                    .map_err(|_| format!("fault key {key}: not a number"))
            };
            match key {
                "method" => rule.method = Some(need(key, value)?.to_ascii_uppercase()),
                "path" | "path-prefix" => rule.path_prefix = need(key, value)?.to_string(),
                "status" => {
                    let s = num(value)?;
                    if !(100..=599).contains(&s) {
                        return Err(format!("fault status {s} out of range"));
                    }
                    rule.status = Some(s as u16)
                }
                "retry-after" => rule.retry_after_secs = Some(num(value)?),
                "rate" => {
                    let r: f64 = need(key, value)?
                        .parse()
                        .map_err(|_| "fault rate: not a number".to_string())?;
                    if !(0.0..=1.0).contains(&r) {
                        return Err("fault rate must be within 0..=1".into());
                    }
                    rule.rate = r;
                }
                "count" => rule.count = Some(num(value)?),
                "latency-ms" => rule.latency_ms = num(value)?,
                "malformed" => rule.malformed_body = true,
                "drop" => rule.drop_connection = true,
                "huge" => rule.huge_body = true,
                other => return Err(format!("unknown fault key {other}")),
            }
        }
        Ok(rule)
    }

    fn matches(&self, method: &str, path: &str) -> bool {
        self.method
            .as_deref()
            .is_none_or(|m| m.eq_ignore_ascii_case(method))
            && path.starts_with(&self.path_prefix)
    }
}

/// The effect chosen for one request.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct FaultEffect {
    pub latency_ms: u64,
    pub status: Option<u16>,
    pub retry_after_secs: Option<u64>,
    pub malformed_body: bool,
    pub drop_connection: bool,
    pub huge_body: bool,
}

impl FaultEffect {
    /// Whether the fault answers in place of the API (rather than only delaying it).
    pub fn answers(&self) -> bool {
        self.status.is_some() || self.malformed_body || self.drop_connection || self.huge_body
    }
}

#[derive(Default)]
pub struct Faults {
    next_id: u64,
    rules: Vec<(u64, FaultRule)>,
}

impl Faults {
    pub fn add(&mut self, rule: FaultRule) -> u64 {
        self.next_id += 1;
        self.rules.push((self.next_id, rule));
        self.next_id
    }

    pub fn clear(&mut self) {
        self.rules.clear();
    }

    pub fn list(&self) -> Vec<(u64, FaultRule)> {
        self.rules.clone()
    }

    /// The first matching rule that fires (by its rate) decides; a counted rule is spent.
    pub fn pick(&mut self, method: &str, path: &str) -> Option<FaultEffect> {
        let mut rng = rand::thread_rng();
        let index = self.rules.iter().position(|(_, r)| {
            r.matches(method, path)
                && r.count != Some(0)
                && (r.rate >= 1.0 || rng.gen::<f64>() < r.rate)
        })?;
        let rule = &mut self.rules[index].1;
        let effect = FaultEffect {
            latency_ms: rule.latency_ms,
            status: rule.status,
            retry_after_secs: rule.retry_after_secs,
            malformed_body: rule.malformed_body,
            drop_connection: rule.drop_connection,
            huge_body: rule.huge_body,
        };
        if let Some(n) = rule.count.as_mut() {
            *n -= 1;
            if *n == 0 {
                self.rules.remove(index);
            }
        }
        Some(effect)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn compact_syntax() {
        let r = FaultRule::parse_compact(
            "status=503,path=/api/atlas/v2/groups,method=get,count=2,retry-after=1",
        )
        .unwrap();
        assert_eq!(r.status, Some(503));
        assert_eq!(r.method.as_deref(), Some("GET"));
        assert_eq!(r.count, Some(2));
        assert_eq!(r.retry_after_secs, Some(1));
        assert!(
            FaultRule::parse_compact("drop,malformed,latency-ms=5")
                .unwrap()
                .drop_connection
        );
        assert!(FaultRule::parse_compact("huge").unwrap().huge_body);
        assert!(FaultRule::parse_compact("bogus=1").is_err());
        assert!(FaultRule::parse_compact("rate=2").is_err());
    }

    #[test]
    fn counted_rules_expire() {
        let mut f = Faults::default();
        f.add(FaultRule {
            status: Some(500),
            count: Some(2),
            ..Default::default()
        });
        assert!(f.pick("GET", "/api/x").is_some());
        assert!(f.pick("GET", "/elsewhere").is_none());
        assert!(f.pick("GET", "/api/x").is_some());
        assert!(f.pick("GET", "/api/x").is_none());
        assert!(f.list().is_empty());
    }
}
