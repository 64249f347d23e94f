//! Success bodies the way Atlas shapes them: the versioned media type with its charset, the
//! pagination envelope (`links`, `results`, `totalCount`), and the `envelope` and `pretty`
//! query flags.

use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use serde_json::{json, Map, Value};

use super::errors::ApiError;

/// Exactly as recorded.
pub const MEDIA_TYPE: &str = "application/vnd.atlas.2023-01-01+json;charset=utf-8";
/// What `Accept` must name.
pub const VERSIONED: &str = "application/vnd.atlas.2023-01-01+json";

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
                    p.page_num = v
                        .parse()
                        .ok()
                        .filter(|n| *n >= 1)
                        .ok_or_else(|| ApiError::invalid_query(&k, &v))?
                }
                _ => {}
            }
        }
        Ok(p)
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
    let total = items.len();
    let start = (params.page_num - 1).saturating_mul(params.items_per_page);
    let results: Vec<Value> = items
        .into_iter()
        .skip(start)
        .take(params.items_per_page)
        .collect();
    let href = |page: usize| {
        format!(
            "{base}{path}?includeCount={}&pageNum={page}&itemsPerPage={}",
            params.include_count, params.items_per_page
        )
    };
    let mut links = Vec::new();
    if params.page_num > 1 {
        links.push(link(href(params.page_num - 1), "previous"));
    }
    links.push(link(href(params.page_num), "self"));
    if start.saturating_add(params.items_per_page) < total {
        links.push(link(href(params.page_num.saturating_add(1)), "next"));
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

/// Whether `Accept` names version 2023-01-01 (parameters such as charset allowed). A missing
/// `Accept`, `*/*` or `application/json` does not: Atlas's v2 answers them 406 [unverified].
pub fn accepts_version(headers: &HeaderMap) -> bool {
    headers
        .get_all(header::ACCEPT)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .any(|v| {
            v.split(',').any(|item| {
                item.split(';')
                    .next()
                    .is_some_and(|t| t.trim().eq_ignore_ascii_case(VERSIONED))
            })
        })
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

    #[test]
    fn params_are_checked() {
        assert!(Params::parse(Some("itemsPerPage=501")).is_err());
        assert!(Params::parse(Some("pageNum=0")).is_err());
        assert!(Params::parse(Some("pretty=yes")).is_err());
        let p = Params::parse(Some("includeCount=false&itemsPerPage=500&other=1")).unwrap();
        assert!(!p.include_count);
        assert_eq!(p.items_per_page, 500);
    }
}
