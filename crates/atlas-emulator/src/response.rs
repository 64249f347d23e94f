//! Success bodies the way Atlas shapes them: the versioned media type with its charset, the
//! resource versions each served operation has and which one a request's `Accept` gets, the
//! pagination envelope (`links`, `results`, `totalCount`), and the `envelope` and `pretty`
//! query flags.

use std::fmt;

use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use serde_json::{json, Map, Value};
use time::macros::date;
use time::{Date, Month};

use super::errors::ApiError;

/// Exactly as recorded: the content type of version 2023-01-01, which every served operation
/// answers today. Handlers stamp it; the pipeline restamps a success with the version the
/// request resolved to (`Version::content_type`), so the two only differ once an operation
/// has a second version.
pub const MEDIA_TYPE: &str = "application/vnd.atlas.2023-01-01+json;charset=utf-8";

/// A resource version: the date in `application/vnd.atlas.YYYY-MM-DD+json`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Version(Date);

impl Version {
    /// The first version of every v2 resource. Atlas's migration guide: every resource's first
    /// version is the same date (docs page "Migrate to the New Versioned Atlas Administration
    /// API"); the spec's response content types show it as 2023-01-01.
    pub const FIRST: Version = Version(date!(2023 - 01 - 01));

    /// Reads a strict `YYYY-MM-DD` that names a real calendar day (2023-02-30 does not).
    pub fn parse(text: &str) -> Option<Version> {
        let b = text.as_bytes();
        let digits = |r: std::ops::Range<usize>| b[r].iter().all(u8::is_ascii_digit);
        if b.len() != 10 || b[4] != b'-' || b[7] != b'-' {
            return None;
        }
        if !(digits(0..4) && digits(5..7) && digits(8..10)) {
            return None;
        }
        let year: i32 = text[0..4].parse().ok()?;
        let month: u8 = text[5..7].parse().ok()?;
        let day: u8 = text[8..10].parse().ok()?;
        let month = Month::try_from(month).ok()?;
        Date::from_calendar_date(year, month, day).ok().map(Version)
    }

    /// `application/vnd.atlas.YYYY-MM-DD+json;charset=utf-8`, as Atlas labels a success.
    pub fn content_type(self) -> String {
        format!("application/vnd.atlas.{self}+json;charset=utf-8")
    }
}

impl fmt::Display for Version {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let d = self.0;
        write!(
            f,
            "{:04}-{:02}-{:02}",
            d.year(),
            u8::from(d.month()),
            d.day()
        )
    }
}

// The served paths, shared by the router (server.rs) and the version table below, so a
// table entry cannot drift from the route it describes.
pub const GROUPS_PATH: &str = "/api/atlas/v2/groups";
pub const GROUP_PATH: &str = "/api/atlas/v2/groups/{groupId}";
pub const INTEGRATIONS_PATH: &str = "/api/atlas/v2/groups/{groupId}/integrations";
pub const INTEGRATION_PATH: &str = "/api/atlas/v2/groups/{groupId}/integrations/{integrationType}";
pub const EVENTS_PATH: &str = "/api/atlas/v2/groups/{groupId}/events";
pub const EVENT_PATH: &str = "/api/atlas/v2/groups/{groupId}/events/{eventId}";
pub const ALERT_CONFIGS_PATH: &str = "/api/atlas/v2/groups/{groupId}/alertConfigs";
pub const ALERT_CONFIG_PATH: &str = "/api/atlas/v2/groups/{groupId}/alertConfigs/{alertConfigId}";

/// One operation the emulator serves and the resource versions it has, oldest first.
pub struct Operation {
    pub method: &'static str,
    pub path: &'static str,
    pub versions: &'static [Version],
}

const ONLY_FIRST: &[Version] = &[Version::FIRST];

/// Every served operation's versions: the dates of the `application/vnd.atlas.*+json`
/// content types of its success response in the spec (docs/atlas-facts.md: the integrations never
/// had another; listGroups, getGroup and createGroup have only 2023-01-01 too). This is the
/// one place to edit when an operation gains a version.
pub const OPERATIONS: &[Operation] = &[
    // listGroups
    Operation {
        method: "GET",
        path: GROUPS_PATH,
        versions: ONLY_FIRST,
    },
    // createGroup
    Operation {
        method: "POST",
        path: GROUPS_PATH,
        versions: ONLY_FIRST,
    },
    // getGroup
    Operation {
        method: "GET",
        path: GROUP_PATH,
        versions: ONLY_FIRST,
    },
    // listGroupIntegrations
    Operation {
        method: "GET",
        path: INTEGRATIONS_PATH,
        versions: ONLY_FIRST,
    },
    // getGroupIntegration
    Operation {
        method: "GET",
        path: INTEGRATION_PATH,
        versions: ONLY_FIRST,
    },
    // createGroupIntegration
    Operation {
        method: "POST",
        path: INTEGRATION_PATH,
        versions: ONLY_FIRST,
    },
    // updateGroupIntegration
    Operation {
        method: "PUT",
        path: INTEGRATION_PATH,
        versions: ONLY_FIRST,
    },
    // deleteGroupIntegration
    Operation {
        method: "DELETE",
        path: INTEGRATION_PATH,
        versions: ONLY_FIRST,
    },
    // listGroupEvents (spec: 2023-01-01 only)
    Operation {
        method: "GET",
        path: EVENTS_PATH,
        versions: ONLY_FIRST,
    },
    // getGroupEvent (spec: 2023-01-01 only)
    Operation {
        method: "GET",
        path: EVENT_PATH,
        versions: ONLY_FIRST,
    },
    // listGroupAlertConfigs, createGroupAlertConfig (spec: 2023-01-01 only)
    Operation {
        method: "GET",
        path: ALERT_CONFIGS_PATH,
        versions: ONLY_FIRST,
    },
    Operation {
        method: "POST",
        path: ALERT_CONFIGS_PATH,
        versions: ONLY_FIRST,
    },
    // getGroupAlertConfig, updateGroupAlertConfig, deleteGroupAlertConfig (spec: 2023-01-01
    // only)
    Operation {
        method: "GET",
        path: ALERT_CONFIG_PATH,
        versions: ONLY_FIRST,
    },
    Operation {
        method: "PUT",
        path: ALERT_CONFIG_PATH,
        versions: ONLY_FIRST,
    },
    Operation {
        method: "DELETE",
        path: ALERT_CONFIG_PATH,
        versions: ONLY_FIRST,
    },
];

/// The versions of the operation at `method` + route template. Paths the emulator answers
/// without emulating them (404 after authentication) get the first version, which every
/// resource has, so a well-formed request reaches their 404.
pub fn versions_of(method: &str, template: &str) -> &'static [Version] {
    OPERATIONS
        .iter()
        .find(|op| op.method.eq_ignore_ascii_case(method) && op.path == template)
        .map_or(ONLY_FIRST, |op| op.versions)
}

/// The newest of `available` (oldest first) dated on or before `requested`; none when
/// `requested` predates them all.
///
/// Why "on or before" rather than an exact match: Atlas serves the newest version of a
/// resource dated on or before the requested date. MongoDB's own TypeScript Atlas API client
/// (the one in MongoDB's MCP server, `ATLAS_API_VERSION = "2025-03-12"`) sends
/// `Accept: application/vnd.atlas.2025-03-12+json` on every call, `GET /api/atlas/v2/groups`
/// included, whose only version is 2023-01-01; the Korean and Japanese docs pages of the
/// integration operations (updateGroupIntegration, createGroupIntegration) show that same
/// `Accept: application/vnd.atlas.2025-03-12+json` for operations that only have 2023-01-01;
/// and the spec's own introduction sends 2025-03-12 to listOrgs, also 2023-01-01 only.
pub fn resolve_date(available: &[Version], requested: Version) -> Option<Version> {
    available.iter().copied().filter(|v| *v <= requested).max()
}

/// The version a request gets: every `application/vnd.atlas.YYYY-MM-DD+json` item of its
/// `Accept` (parameters such as charset allowed, case-insensitive) is resolved against
/// `available`, and the newest result wins. `None` answers 406 INVALID_VERSION_DATE: no
/// `Accept`, no such item (`*/*` and `application/json` included [unverified]: the spec
/// documents only the versioned type for these operations, and the third-party notes in
/// docs/atlas-facts.md report 406), a malformed or impossible date, or a date before every version.
pub fn resolve_accept(available: &[Version], headers: &HeaderMap) -> Option<Version> {
    headers
        .get_all(header::ACCEPT)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .filter_map(|item| requested_version(item.split(';').next().unwrap_or_default()))
        .filter_map(|requested| resolve_date(available, requested))
        .max()
}

/// The date of one media range `application/vnd.atlas.<date>+json`, if it is one.
fn requested_version(media_range: &str) -> Option<Version> {
    let t = media_range.trim().to_ascii_lowercase();
    let date = t
        .strip_prefix("application/vnd.atlas.")?
        .strip_suffix("+json")?;
    Version::parse(date)
}

/// The common query parameters (spec `components.parameters`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Params {
    pub envelope: bool,
    pub include_count: bool,
    pub items_per_page: usize,
    pub page_num: usize,
    pub pretty: bool,
}

impl Default for Params {
    fn default() -> Self {
        Params {
            envelope: false,
            include_count: true,
            items_per_page: 100,
            page_num: 1,
            pretty: false,
        }
    }
}

impl Params {
    /// Reads them from the raw query; an out-of-range or mistyped value is a 400. Unknown
    /// parameters are ignored.
    pub fn parse(query: Option<&str>) -> Result<Params, ApiError> {
        let mut p = Params::default();
        for (k, v) in form_urlencoded::parse(query.unwrap_or_default().as_bytes()) {
            let boolean = || match v.as_ref() {
                "true" => Ok(true),
                "false" => Ok(false),
                _ => Err(ApiError::invalid_query(&k, &v)),
            };
            match k.as_ref() {
                "envelope" => p.envelope = boolean()?,
                "includeCount" => p.include_count = boolean()?,
                "pretty" => p.pretty = boolean()?,
                "itemsPerPage" => {
                    p.items_per_page = v
                        .parse()
                        .ok()
                        .filter(|n| (1..=500).contains(n))
                        .ok_or_else(|| ApiError::invalid_query(&k, &v))?
                }
                "pageNum" => {
                    p.page_num = page_num(&v).ok_or_else(|| ApiError::invalid_query(&k, &v))?
                }
                _ => {}
            }
        }
        Ok(p)
    }
}

/// `pageNum`: the spec says `integer, minimum: 1` with no maximum, and documents no 400 for
/// most lists, so any run of digits naming a page ≥ 1 is a page, however large: one past
/// usize is read as usize::MAX, a page past the end (empty). What real Atlas answers for a
/// number past its own integer range was never recorded [unverified]; an empty page is the
/// answer that stays within what the spec documents. Anything else is a 400.
fn page_num(v: &str) -> Option<usize> {
    if v.is_empty() || !v.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    match v.parse::<usize>() {
        Ok(0) => None,
        Ok(n) => Some(n),
        // All digits and not zero (parse fails only on overflow here).
        Err(_) if v.bytes().any(|b| b != b'0') => Some(usize::MAX),
        Err(_) => None,
    }
}

/// `http://host` from the request's `Host`, as Atlas builds its links.
pub fn base_url(headers: &HeaderMap) -> String {
    let host = headers
        .get(header::HOST)
        .and_then(|h| h.to_str().ok())
        .unwrap_or("localhost");
    format!("http://{host}")
}

fn link(href: String, rel: &str) -> Value {
    json!({"href": href, "rel": rel})
}

/// One page of `items` with `links` (self, plus previous/next when they exist) and
/// `totalCount` unless `includeCount=false`. With `envelope=true` the body gains `status`.
pub fn paginated(base: &str, path: &str, params: Params, items: Vec<Value>) -> Value {
    paginated_with_query(base, path, "", params, items)
}

/// [`paginated`], whose links also carry `filter` (already encoded query parameters, e.g.
/// the events' `eventType=…`), so following `next` keeps the filter.
pub fn paginated_with_query(
    base: &str,
    path: &str,
    filter: &str,
    params: Params,
    items: Vec<Value>,
) -> Value {
    let total = items.len();
    let start = (params.page_num - 1).saturating_mul(params.items_per_page);
    let results: Vec<Value> = items
        .into_iter()
        .skip(start)
        .take(params.items_per_page)
        .collect();
    let and_filter = if filter.is_empty() {
        String::new()
    } else {
        format!("&{filter}")
    };
    let href = |page: usize| {
        format!(
            "{base}{path}?includeCount={}&pageNum={page}&itemsPerPage={}{and_filter}",
            params.include_count, params.items_per_page
        )
    };
    // Recorded (listGroupAlertConfigs, a list of 104): `next` names `itemsPerPage` before
    // `pageNum`, unlike `self`. `previous` was never recorded; it follows `self`.
    let next_href = |page: usize| {
        format!(
            "{base}{path}?includeCount={}&itemsPerPage={}&pageNum={page}{and_filter}",
            params.include_count, params.items_per_page
        )
    };
    let mut links = Vec::new();
    if params.page_num > 1 {
        links.push(link(href(params.page_num - 1), "previous"));
    }
    links.push(link(href(params.page_num), "self"));
    if start.saturating_add(params.items_per_page) < total {
        links.push(link(next_href(params.page_num.saturating_add(1)), "next"));
    }
    let mut obj = Map::new();
    obj.insert("links".into(), Value::Array(links));
    obj.insert("results".into(), Value::Array(results));
    if params.include_count {
        obj.insert("totalCount".into(), json!(total));
    }
    if params.envelope {
        obj.insert("status".into(), json!(200));
    }
    Value::Object(obj)
}

/// One object; with `envelope=true`, `{"status": 200, "content": …}`. [unverified] envelope
/// shape taken from the parameter's description and Atlas's v1 docs.
pub fn single(params: Params, value: Value) -> Value {
    if params.envelope {
        json!({"status": 200, "content": value})
    } else {
        value
    }
}

/// A 200 with the versioned media type.
pub fn ok(params: Params, body: &Value) -> Response {
    let text = if params.pretty {
        serde_json::to_string_pretty(body).unwrap_or_default()
    } else {
        body.to_string()
    };
    with_media_type((StatusCode::OK, text).into_response())
}

/// 204 No Content; still the versioned media type, as recorded for DELETE.
pub fn no_content() -> Response {
    with_media_type(StatusCode::NO_CONTENT.into_response())
}

pub fn with_media_type(mut resp: Response) -> Response {
    resp.headers_mut()
        .insert(header::CONTENT_TYPE, HeaderValue::from_static(MEDIA_TYPE));
    resp
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pages_and_links() {
        let items: Vec<Value> = (0..5).map(|i| json!(i)).collect();
        let p = Params {
            items_per_page: 2,
            page_num: 2,
            ..Params::default()
        };
        let v = paginated("http://h", "/x", p, items);
        assert_eq!(v["results"], json!([2, 3]));
        assert_eq!(v["totalCount"], json!(5));
        let rels: Vec<_> = v["links"]
            .as_array()
            .unwrap()
            .iter()
            .map(|l| l["rel"].as_str().unwrap())
            .collect();
        assert_eq!(rels, ["previous", "self", "next"]);
        assert_eq!(
            v["links"][1]["href"],
            "http://h/x?includeCount=true&pageNum=2&itemsPerPage=2"
        );
        assert_eq!(
            v["links"][2]["href"],
            "http://h/x?includeCount=true&itemsPerPage=2&pageNum=3"
        );
    }

    #[test]
    fn huge_page_numbers_do_not_overflow() {
        let p = Params {
            items_per_page: 500,
            page_num: usize::MAX,
            ..Params::default()
        };
        let v = paginated("http://h", "/x", p, vec![json!(1)]);
        assert_eq!(v["results"], json!([]));
    }

    fn v(text: &str) -> Version {
        Version::parse(text).unwrap()
    }

    fn accept(values: &[&str]) -> HeaderMap {
        let mut h = HeaderMap::new();
        for value in values {
            h.append(header::ACCEPT, HeaderValue::from_str(value).unwrap());
        }
        h
    }

    #[test]
    fn version_dates_are_strict_calendar_days() {
        assert_eq!(v("2023-01-01"), Version::FIRST);
        assert_eq!(v("2024-02-29").to_string(), "2024-02-29");
        for bad in [
            "2023-02-30",
            "2023-13-01",
            "2023-00-10",
            "2023-04-31",
            "2025-02-29",
            "2023-1-01",
            "20230101",
            "2023-01-01x",
            "2023/01/01",
            "preview",
            "",
            "+023-01-01",
            "２０２３-01-01",
        ] {
            assert_eq!(Version::parse(bad), None, "{bad}");
        }
        assert_eq!(
            Version::FIRST.content_type(),
            "application/vnd.atlas.2023-01-01+json;charset=utf-8"
        );
        assert_eq!(Version::FIRST.content_type(), MEDIA_TYPE);
    }

    #[test]
    fn newest_version_on_or_before_the_requested_date() {
        // A made-up operation with two versions, to show the rule beyond today's single one.
        let two = [Version::FIRST, v("2024-08-05")];
        assert_eq!(resolve_date(&two, v("2022-12-31")), None);
        assert_eq!(resolve_date(&two, v("2023-01-01")), Some(Version::FIRST));
        assert_eq!(resolve_date(&two, v("2024-08-04")), Some(Version::FIRST));
        assert_eq!(resolve_date(&two, v("2024-08-05")), Some(v("2024-08-05")));
        assert_eq!(resolve_date(&two, v("2025-03-12")), Some(v("2024-08-05")));
        assert_eq!(
            resolve_date(ONLY_FIRST, v("2025-03-12")),
            Some(Version::FIRST)
        );
    }

    #[test]
    fn accept_header_resolution() {
        let ok = |values: &[&str]| resolve_accept(ONLY_FIRST, &accept(values));
        assert_eq!(
            ok(&["application/vnd.atlas.2025-03-12+json"]),
            Some(Version::FIRST)
        );
        assert_eq!(
            ok(&["APPLICATION/VND.ATLAS.2025-03-12+JSON ; charset=utf-8"]),
            Some(Version::FIRST)
        );
        assert_eq!(
            ok(&["application/json, application/vnd.atlas.2024-01-01+json;q=0.9"]),
            Some(Version::FIRST)
        );
        assert_eq!(
            ok(&["application/json", "application/vnd.atlas.2023-01-01+json"]),
            Some(Version::FIRST)
        );
        for refused in [
            &[][..],
            &["*/*"],
            &["application/json"],
            &["application/vnd.atlas.2022-12-31+json"],
            &["application/vnd.atlas.2023-02-30+json"],
            &["application/vnd.atlas.2023-13-01+json"],
            &["application/vnd.atlas.preview+json"],
            &["application/vnd.atlas.2025-03-12+gzip"],
            &["application/vnd.atlas.2025-03-12"],
        ] {
            assert_eq!(ok(refused), None, "{refused:?}");
        }
        let two = [Version::FIRST, v("2024-08-05")];
        let h = accept(&[
            "application/vnd.atlas.2023-06-01+json, application/vnd.atlas.2025-01-01+json",
        ]);
        assert_eq!(resolve_accept(&two, &h), Some(v("2024-08-05")));
    }

    #[test]
    fn every_served_operation_is_listed_once() {
        for (i, a) in OPERATIONS.iter().enumerate() {
            assert!(!a.versions.is_empty(), "{}", a.path);
            assert!(a.versions.windows(2).all(|w| w[0] < w[1]), "{}", a.path);
            for b in &OPERATIONS[i + 1..] {
                assert!((a.method, a.path) != (b.method, b.path), "{}", a.path);
            }
            assert_eq!(versions_of(a.method, a.path), a.versions);
        }
        assert_eq!(
            versions_of("GET", "/api/atlas/v2/groups/{groupId}/{*rest}"),
            ONLY_FIRST
        );
    }

    #[test]
    fn params_are_checked() {
        assert!(Params::parse(Some("itemsPerPage=501")).is_err());
        assert!(Params::parse(Some("pageNum=0")).is_err());
        assert!(Params::parse(Some("pageNum=-1")).is_err());
        assert!(Params::parse(Some("pageNum=")).is_err());
        // Past usize: still a page (past the end), as the spec sets no maximum.
        let huge = Params::parse(Some("pageNum=105756702901641521675250528260321543974")).unwrap();
        assert_eq!(huge.page_num, usize::MAX);
        let page = paginated("http://h", "/x", huge, vec![json!(1)]);
        assert_eq!(page["results"], json!([]));
        assert!(Params::parse(Some("pretty=yes")).is_err());
        let p = Params::parse(Some("includeCount=false&itemsPerPage=500&other=1")).unwrap();
        assert!(!p.include_count);
        assert_eq!(p.items_per_page, 500);
    }
}
