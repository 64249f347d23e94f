//! What the fleet matrix shows: the filter as the address gives it (`?q=&has=&lacks=&region=
//! &advice=&alerts=`), checked before a server function acts on it, and whether a row matches.

use serde::{Deserialize, Serialize};

use atlas_registry::{IntegrationKind, DATADOG_REGIONS, US_EU_REGIONS};

use super::cell::RowState;
use crate::api::fleet_advice::Advice;
use crate::error::AppError;
use crate::links::{self, fleet_param as param};

/// What the matrix shows, as the URL says it (`?q=&has=&lacks=&region=`). Only valid values
/// get here: [`FleetFilter::from_url`] drops the others, [`FleetFilter::checked`] refuses them.
/// A server function's argument as it is (`filter[has]=SLACK`), so one value travels, typed.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct FleetFilter {
    /// Part of a project's name or id (any case).
    #[serde(default)]
    pub q: String,
    /// Only projects where this type is configured.
    #[serde(default, deserialize_with = "empty_is_none")]
    pub has: Option<IntegrationKind>,
    /// Only projects where this type is not configured.
    #[serde(default, deserialize_with = "empty_is_none")]
    pub lacks: Option<IntegrationKind>,
    /// Only projects with an integration whose region is this.
    #[serde(default, deserialize_with = "empty_is_none")]
    pub region: Option<String>,
    /// Only projects an advisory concerns (`/fleet/advisories`).
    #[serde(default, deserialize_with = "empty_is_none")]
    pub advice: Option<Advice>,
    /// Count the alerts that use each integration: one more paginated Atlas call per project.
    #[serde(default)]
    pub alerts: bool,
}

/// An empty value is no choice, as the filter form's "any" option sends it (`has=`).
fn empty_is_none<'de, D, T>(deserializer: D) -> Result<Option<T>, D::Error>
where
    D: serde::Deserializer<'de>,
    T: Deserialize<'de>,
{
    use serde::de::value::StringDeserializer;
    match Option::<String>::deserialize(deserializer)? {
        Some(value) if !value.is_empty() => {
            T::deserialize(StringDeserializer::<D::Error>::new(value)).map(Some)
        }
        _ => Ok(None),
    }
}

/// Every region value an integration can carry (the registry's enums, each once).
pub fn regions() -> Vec<&'static str> {
    let mut all: Vec<&'static str> = Vec::new();
    for r in US_EU_REGIONS.iter().chain(DATADOG_REGIONS) {
        if !all.contains(r) {
            all.push(r);
        }
    }
    all
}

impl FleetFilter {
    /// From the URL's raw values (`param` gives a parameter's value, empty when absent). An
    /// invalid value (unknown type, region or advisory) is left out, and its parameter's name
    /// returned, so the page can say what it ignored.
    pub fn from_url(param: impl Fn(&str) -> String) -> (Self, Vec<&'static str>) {
        let (q, has, lacks, region) = (
            param(param::Q),
            param(param::HAS),
            param(param::LACKS),
            param(param::REGION),
        );
        let (advice_code, alerts) = (param(param::ADVICE), param(param::ALERTS));
        let mut ignored = Vec::new();
        let mut kind = |raw: &str, name: &'static str| {
            if raw.is_empty() {
                return None;
            }
            let kind = IntegrationKind::from_wire(raw);
            if kind.is_none() {
                ignored.push(name);
            }
            kind
        };
        let has = kind(&has, param::HAS);
        let lacks = kind(&lacks, param::LACKS);
        let region = match region.as_str() {
            "" => None,
            r if regions().contains(&r) => Some(r.to_string()),
            _ => {
                ignored.push(param::REGION);
                None
            }
        };
        let advice = match advice_code.as_str() {
            "" => None,
            code => {
                let advice = Advice::from_code(code);
                if advice.is_none() {
                    ignored.push(param::ADVICE);
                }
                advice
            }
        };
        let filter = FleetFilter {
            q: q.trim().to_string(),
            has,
            lacks,
            region,
            advice,
            alerts: matches!(alerts.as_str(), "1" | "on" | "true"),
        };
        (filter, ignored)
    }

    /// The matrix's address for this filter at `page` (parameters left out when unset).
    pub fn url(&self, page: u32) -> String {
        links::fleet(
            &self.q,
            self.has,
            self.lacks,
            self.region.as_deref(),
            self.advice.map(Advice::as_code),
            self.alerts,
            page,
        )
    }

    /// Whether rows need the projects' alert configurations: asked for, or an alert
    /// advisory.
    pub fn counts_alerts(&self) -> bool {
        self.alerts || self.advice.is_some_and(Advice::needs_alerts)
    }

    /// As a server function received it: the types are checked by their deserialisation; a
    /// region that is none of [`regions`] is a 400, before any Atlas call.
    pub fn checked(mut self) -> Result<Self, AppError> {
        if let Some(region) = &self.region {
            if !regions().contains(&region.as_str()) {
                return Err(AppError::BadRequest(format!(
                    "unknown value of {}",
                    param::REGION
                )));
            }
        }
        self.q = self.q.trim().to_string();
        Ok(self)
    }

    /// Whether rows must be loaded before it is known if they match.
    pub fn looks_at_cells(&self) -> bool {
        self.has.is_some() || self.lacks.is_some() || self.region.is_some() || self.advice.is_some()
    }

    /// Whether a loaded row is shown. A row that could not be loaded is shown whatever the
    /// filter: whether it matches is unknown, and hiding it would hide the failure.
    pub fn matches(&self, state: &RowState) -> bool {
        let RowState::Loaded(cells) = state else {
            return true;
        };
        let has = |kind| cells.iter().any(|c| c.kind == kind);
        self.has.is_none_or(has)
            && self.lacks.is_none_or(|k| !has(k))
            && self
                .region
                .as_deref()
                .is_none_or(|r| cells.iter().any(|c| c.setting("region") == Some(r)))
            && self
                .advice
                .is_none_or(|a| cells.iter().any(|c| a.concerns(c.facts())))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::api::fleet::cell::Cell;

    fn loaded(kinds: &[(IntegrationKind, Option<&str>)]) -> RowState {
        RowState::Loaded(
            kinds
                .iter()
                .map(|(kind, region)| Cell {
                    kind: *kind,
                    hint: None,
                    settings: region
                        .map(|r| vec![("region".to_string(), r.to_string())])
                        .unwrap_or_default(),
                    alerts: None,
                })
                .collect(),
        )
    }

    #[test]
    fn the_url_filter_keeps_valid_values_and_names_the_rest() {
        let url = [
            (param::Q, " prod "),
            (param::HAS, "PAGER_DUTY"),
            (param::LACKS, "NOPE"),
            (param::REGION, "MARS"),
            (param::ADVICE, "unused"),
            (param::ALERTS, "1"),
        ];
        let get = |name: &str| {
            url.iter()
                .find(|(n, _)| *n == name)
                .map_or(String::new(), |(_, v)| v.to_string())
        };
        let (f, ignored) = FleetFilter::from_url(get);
        assert_eq!(f.advice, Some(Advice::Unused));
        assert!(f.alerts && f.counts_alerts());
        assert_eq!(
            f.url(2),
            "/fleet?q=prod&has=PAGER_DUTY&advice=unused&alerts=1&page=2"
        );
        assert_eq!(f.q, "prod");
        assert_eq!(f.has, Some(IntegrationKind::PagerDuty));
        assert_eq!(f.lacks, None);
        assert_eq!(f.region, None);
        assert_eq!(ignored, [param::LACKS, param::REGION]);
        let region = |r: &str| FleetFilter {
            region: Some(r.to_string()),
            ..FleetFilter::default()
        };
        assert!(region("MARS").checked().is_err());
        assert!(region("US5").checked().unwrap().looks_at_cells());
    }

    #[test]
    fn rows_match_on_has_lacks_and_region_and_failures_always_show() {
        use IntegrationKind::*;
        let row = loaded(&[(PagerDuty, Some("EU")), (Webhook, None)]);
        let f = |has, lacks, region: Option<&str>| FleetFilter {
            has,
            lacks,
            region: region.map(str::to_string),
            ..FleetFilter::default()
        };
        assert!(f(Some(PagerDuty), None, None).matches(&row));
        assert!(!f(Some(Datadog), None, None).matches(&row));
        assert!(f(None, Some(Datadog), None).matches(&row));
        assert!(!f(None, Some(Webhook), None).matches(&row));
        assert!(f(None, None, Some("EU")).matches(&row));
        assert!(!f(None, None, Some("US")).matches(&row));
        assert!(f(Some(Datadog), None, None).matches(&RowState::OutOfReach));
    }
}
