//! Fuzzing the emulator's request parsing: generated methods, paths, queries, headers
//! (Digest, Basic and Bearer `Authorization` among them) and bodies, through the real router
//! in-process and, for a share of them, as raw bytes over a real socket (hyper's parsing too).
//! Every answer must be below 500, no request may panic, and junk credentials must never be
//! let in. No faults are injected and the test hooks are off, so a 5xx is a bug.
//!
//! `FUZZ_CASES` (default 3000, the smoke run in the test suite), `FUZZ_SEED` (decimal or
//! 0x-hex; default fixed, so the suite is reproducible) and `FUZZ_ONLY=i` (send only case i,
//! generated exactly as in the full run) steer it; `scripts/fuzz` runs it at full size.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use crate::support::digest_header;
use atlas_emulator::{demo, EmulatorOptions};
use atlas_registry::{FieldInput, FieldSpec, IntegrationKind, Rule};
use axum::body::{Body, Bytes};
use axum::http::{header, HeaderName, HeaderValue, Method, Request};
use axum::Router;
use base64::Engine;
use futures_util::StreamExt;
use fuzz_kit::pick;
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tower::ServiceExt;

const DEFAULT_CASES: usize = 3000;
/// One case in this many goes over a real socket as raw bytes.
const RAW_EVERY: usize = 25;
/// Requests in flight at once.
const IN_FLIGHT: usize = 8;

// ---- generated values ---------------------------------------------------------------------

const NASTY: &[&str] = &[
    "",
    " ",
    "0",
    "-1",
    "1",
    "500",
    "501",
    "4294967295",
    "4294967296",
    "18446744073709551615",
    "18446744073709551616",
    "-9223372036854775809",
    "99999999999999999999999999999999999999",
    "1e309",
    "-0",
    "NaN",
    "true",
    "TRUE",
    "null",
    "..",
    "../../etc/passwd",
    "%2e%2e%2f",
    "\0",
    "a\0b",
    "\u{202e}gnp.exe",
    "𝔘𝔫𝔦𝔠𝔬𝔡𝔢",
    "é",
    "\u{feff}",
    "\\",
    "\"",
    "'",
    "<script>alert(1)</script>",
    "${jndi:ldap://x}",
    "{{7*7}}",
    "%s%s%s%n",
    "\r\nSet-Cookie: x=y",
    "********",
    "https://hooks.example.com/****2101",
    "http://",
    "https://user:pass@hooks.example.com/x",
    "javascript:alert(1)",
];

/// What this target's parsers split on, among the random characters.
const PUNCTUATION: &[char] = &['"', '\\', '%', '&', '=', '[', ']', '/', ',', ';'];

fn random_string(rng: &mut StdRng, max: usize) -> String {
    fuzz_kit::random_string(rng, max, PUNCTUATION)
}

fn string_value(rng: &mut StdRng) -> String {
    match rng.gen_range(0..10) {
        0..=3 => pick(rng, NASTY).to_string(),
        4..=7 => random_string(rng, 40),
        8 => "x".repeat(rng.gen_range(100..20_000)),
        _ => random_string(rng, 400),
    }
}

/// Header-legal text: control characters (which no HTTP parser lets through) replaced; bytes
/// over 0x7f are kept (obs-text, legal in a header value).
fn header_text(s: impl Into<Vec<u8>>) -> Vec<u8> {
    s.into()
        .into_iter()
        .map(|b| {
            if (b < 0x20 && b != b'\t') || b == 0x7f {
                b'?'
            } else {
                b
            }
        })
        .collect()
}

/// Every byte outside the unreserved set percent-encoded, so any string fits in a URI.
fn pct(s: &str) -> String {
    let mut out = String::new();
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || b"-._~".contains(&b) {
            out.push(b as char);
        } else {
            let _ = write!(out, "%{b:02X}");
        }
    }
    out
}

/// A value that passes the registry's rules for `field`.
fn valid_value(field: &FieldSpec) -> serde_json::Value {
    use serde_json::Value;
    match (field.input, field.rule) {
        (FieldInput::Toggle { default }, _) => Value::Bool(!default),
        (FieldInput::Choice { options, .. }, _) => Value::String(options[0].to_string()),
        (_, Rule::Hex) => Value::String("0123456789abcdef0123456789abcdef".into()),
        (_, Rule::Hex40) => Value::String("a".repeat(40)),
        (_, Rule::Length { min, .. }) => Value::String("c".repeat(min.max(1))),
        (_, Rule::HttpUrl) | (FieldInput::Url, _) => {
            Value::String("https://hooks.example.com/fuzz/2101".into())
        }
        _ => Value::String("fuzz-value-0123".into()),
    }
}

fn group_id(rng: &mut StdRng) -> String {
    match rng.gen_range(0..14) {
        0..=5 => demo::PROJECTS[rng.gen_range(0..demo::PROJECTS.len())]
            .0
            .to_string(),
        6 => (0..24)
            .map(|_| *pick(rng, b"0123456789abcdef") as char)
            .collect(),
        7 => demo::PRODUCTION_PROJECT_ID.to_uppercase(),
        8 => demo::PRODUCTION_PROJECT_ID[..23].to_string(),
        9 => format!("{}0", demo::PRODUCTION_PROJECT_ID),
        10 => pick(rng, &["..", ".", "%2e%2e", "%00", "%2F", "%20", "~"]).to_string(),
        11 => "f".repeat(rng.gen_range(25..5000)),
        _ => pct(&string_value(rng)),
    }
}

fn kind_segment(rng: &mut StdRng) -> String {
    let kind = *pick(rng, &IntegrationKind::ALL);
    match rng.gen_range(0..8) {
        0..=3 => kind.as_wire().to_string(),
        4 => kind.as_wire().to_lowercase(),
        5 => format!("{}%00", kind.as_wire()),
        6 => pct(&format!(" {} ", kind.as_wire())),
        _ => pct(&string_value(rng)),
    }
}

fn random_segments(rng: &mut StdRng) -> String {
    (0..rng.gen_range(0..5))
        .map(|_| match rng.gen_range(0..4) {
            0 => pick(rng, &["", "..", ".", "integrations", "clusters", "%2F"]).to_string(),
            1 => kind_segment(rng),
            _ => pct(&string_value(rng)),
        })
        .collect::<Vec<_>>()
        .join("/")
}

fn path(rng: &mut StdRng) -> String {
    const V2: &str = "/api/atlas/v2";
    match rng.gen_range(0..20) {
        0..=2 => format!("{V2}/groups"),
        3..=4 => format!("{V2}/groups/{}", group_id(rng)),
        5..=7 => format!("{V2}/groups/{}/integrations", group_id(rng)),
        8..=13 => format!(
            "{V2}/groups/{}/integrations/{}",
            group_id(rng),
            kind_segment(rng)
        ),
        14 => format!("{V2}/groups/{}/{}", group_id(rng), random_segments(rng)),
        15 => format!("{V2}/{}", random_segments(rng)),
        16 => pick(rng, &["/api/oauth/token", "/api/oauth/revoke"]).to_string(),
        17 => format!("/api/{}", random_segments(rng)),
        18 => format!("/{}", random_segments(rng)),
        _ => format!(
            "{V2}//groups/./{}/../integrations/{}",
            group_id(rng),
            kind_segment(rng)
        ),
    }
}

fn query(rng: &mut StdRng) -> Option<String> {
    match rng.gen_range(0..10) {
        0..=3 => None,
        4 => Some(pct(&random_string(rng, 60))),
        5 => Some(
            pick(
                rng,
                &["", "&", "&&==", "=", "%", "%zz", "%ff%fe", "a[b]=c", "+"],
            )
            .to_string(),
        ),
        _ => {
            let keys = [
                "pageNum",
                "itemsPerPage",
                "includeCount",
                "envelope",
                "pretty",
            ];
            let pairs: Vec<String> = (0..rng.gen_range(1..6))
                .map(|_| {
                    let key = if rng.gen_bool(0.85) {
                        pick(rng, &keys).to_string()
                    } else {
                        pct(&random_string(rng, 12))
                    };
                    let value = match rng.gen_range(0..4) {
                        0 => rng.gen_range(0..600u32).to_string(),
                        1 => pick(rng, &["true", "false"]).to_string(),
                        _ => pct(&string_value(rng)),
                    };
                    format!("{key}={value}")
                })
                .collect();
            Some(pairs.join("&"))
        }
    }
}

/// JSON text, valid or not: nested values, wrong types, numbers past every range.
fn json_text(rng: &mut StdRng, depth: u32, out: &mut String) {
    let choice = if depth > 4 {
        rng.gen_range(0..6)
    } else {
        rng.gen_range(0..9)
    };
    match choice {
        0 => out.push_str(pick::<&str>(
            rng,
            &[
                "null",
                "true",
                "false",
                "0",
                "-0",
                "1e400",
                "-1e400",
                "18446744073709551616",
                "-9223372036854775809",
                "1.5",
                "9007199254740993",
            ],
        )),
        1..=3 => {
            let _ = write!(out, "{}", serde_json::Value::String(string_value(rng)));
        }
        4 => {
            let _ = write!(out, "{}", rng.gen::<i64>());
        }
        5 => out.push_str(pick::<&str>(
            rng,
            &[
                "\"\\ud800\"",
                "\"\\u0000\"",
                "\"\\x\"",
                "tru",
                "nul",
                "01",
                ".5",
                "+1",
            ],
        )),
        6 => {
            out.push('[');
            for i in 0..rng.gen_range(0..4) {
                if i > 0 {
                    out.push(',');
                }
                json_text(rng, depth + 1, out);
            }
            out.push(']');
        }
        _ => {
            out.push('{');
            for i in 0..rng.gen_range(0..5) {
                if i > 0 {
                    out.push(',');
                }
                let key = if rng.gen_bool(0.5) {
                    let kind = *pick(rng, &IntegrationKind::ALL);
                    match kind.spec().fields {
                        [] => "type".to_string(),
                        fields => pick(rng, fields).name.to_string(),
                    }
                } else {
                    string_value(rng)
                };
                let _ = write!(out, "{}:", serde_json::Value::String(key));
                json_text(rng, depth + 1, out);
            }
            out.push('}');
        }
    }
}

/// An integration body of a real type: valid, with one field of a wrong type or value, with
/// unknown fields, or with another type's name.
fn integration_body(rng: &mut StdRng) -> String {
    use serde_json::{Map, Value};
    let kind = *pick(rng, &IntegrationKind::ALL);
    let mut obj = Map::new();
    let type_name = if rng.gen_bool(0.85) {
        kind.as_wire().to_string()
    } else {
        pick(rng, &IntegrationKind::ALL).as_wire().to_string()
    };
    if rng.gen_bool(0.95) {
        obj.insert("type".into(), Value::String(type_name));
    }
    for field in kind.spec().fields {
        if rng.gen_bool(0.1) {
            continue;
        }
        let value = match rng.gen_range(0..12) {
            0 => Value::Null,
            1 => Value::from(rng.gen::<i64>()),
            2 => Value::Bool(rng.gen()),
            3 => serde_json::json!([valid_value(field)]),
            4 => serde_json::json!({"x": 1}),
            5..=6 => Value::String(string_value(rng)),
            _ => valid_value(field),
        };
        obj.insert(field.name.into(), value);
    }
    if rng.gen_bool(0.1) {
        obj.insert(string_value(rng), Value::String(string_value(rng)));
    }
    Value::Object(obj).to_string()
}

fn body(rng: &mut StdRng) -> Vec<u8> {
    match rng.gen_range(0..12) {
        0..=1 => Vec::new(),
        2..=5 => integration_body(rng).into_bytes(),
        6..=7 => {
            let mut s = String::new();
            json_text(rng, 0, &mut s);
            s.into_bytes()
        }
        8 => {
            // Truncated.
            let mut b = integration_body(rng).into_bytes();
            let cut = rng.gen_range(0..=b.len());
            b.truncate(cut);
            b
        }
        9 => (0..rng.gen_range(0..300)).map(|_| rng.gen()).collect(),
        10 => {
            let mut b = integration_body(rng).into_bytes();
            mutate(rng, &mut b);
            b
        }
        _ => match rng.gen_range(0..4) {
            0 => format!("{}1{}", "[".repeat(5000), "]".repeat(5000)).into_bytes(),
            1 => format!(
                "{{\"type\":\"WEBHOOK\",\"url\":\"{}\"}}",
                "a".repeat(300_000)
            )
            .into_bytes(),
            2 => b"grant_type=client_credentials".to_vec(),
            _ => format!(
                "token={}&token_type_hint=access_token",
                pct(&string_value(rng))
            )
            .into_bytes(),
        },
    }
}

/// One byte changed, inserted or removed.
fn mutate(rng: &mut StdRng, bytes: &mut Vec<u8>) {
    let special = [
        b'"', b'\\', b',', b'=', b' ', 0, 0xff, b'%', b'\r', b'\n', b'{',
    ];
    let at = rng.gen_range(0..=bytes.len());
    match rng.gen_range(0..3) {
        0 if at < bytes.len() => {
            bytes[at] = if rng.gen() {
                rng.gen()
            } else {
                *pick(rng, &special)
            }
        }
        1 if at < bytes.len() => {
            bytes.remove(at);
        }
        _ => bytes.insert(
            at,
            if rng.gen() {
                rng.gen()
            } else {
                *pick(rng, &special)
            },
        ),
    }
}

// ---- credentials --------------------------------------------------------------------------

#[derive(Clone, Debug)]
enum Auth {
    None,
    /// A correct Digest answer to a fresh challenge, sent as is.
    ValidDigest,
    /// A correct Digest answer, then changed by one byte at a position drawn now.
    MutatedDigest {
        seed: u64,
    },
    /// A valid bearer token.
    ValidBearer,
    /// A valid bearer token changed by one byte.
    MutatedBearer {
        seed: u64,
    },
    /// Made-up credentials: must never get in.
    Junk(Vec<Vec<u8>>),
}

fn junk_digest(rng: &mut StdRng) -> String {
    let keys = [
        "username",
        "realm",
        "nonce",
        "uri",
        "response",
        "qop",
        "nc",
        "cnonce",
        "algorithm",
        "opaque",
        "stale",
        "userhash",
    ];
    let mut s = pick(
        rng,
        &["Digest ", "digest ", "DIGEST\t", "Digest", "Digest  ,,, "],
    )
    .to_string();
    for i in 0..rng.gen_range(0..12) {
        if i > 0 {
            s.push_str(pick::<&str>(rng, &[", ", ",", " ", ",,", ""]));
        }
        let key = if rng.gen_bool(0.8) {
            pick(rng, &keys).to_string()
        } else {
            random_string(rng, 8)
        };
        let value = match rng.gen_range(0..8) {
            0 => demo::API_PUBLIC_KEY.to_string(),
            1 => "MMS Public API".to_string(),
            2 => "auth".to_string(),
            3 => "MD5".to_string(),
            4 => format!("{:08x}", rng.gen::<u32>()),
            5 => "/api/atlas/v2/groups".to_string(),
            _ => random_string(rng, 30),
        };
        match rng.gen_range(0..6) {
            0 => {
                let _ = write!(s, "{key}={value}");
            }
            1 => {
                // Unterminated quote, or an escape at the very end.
                let _ = write!(s, "{key}=\"{value}{}", pick(rng, &["", "\\"]));
            }
            2 => s.push_str(&key),
            _ => {
                let _ = write!(s, "{key}=\"{}\"", value.replace('"', "\\\""));
            }
        }
    }
    s
}

fn junk_auth(rng: &mut StdRng) -> Vec<u8> {
    let b64 = |s: &[u8]| base64::engine::general_purpose::STANDARD.encode(s);
    let value = match rng.gen_range(0..10) {
        0..=3 => junk_digest(rng).into_bytes(),
        4 => format!("Basic {}", random_string(rng, 40)).into_bytes(),
        5 => {
            let id = if rng.gen() {
                demo::SERVICE_ACCOUNT_CLIENT_ID.to_string()
            } else {
                string_value(rng)
            };
            let pair = format!("{id}:{}", string_value(rng));
            format!("Basic {}", b64(pair.as_bytes())).into_bytes()
        }
        6 => format!(
            "{} {}",
            pick(rng, &["Bearer", "bearer", "BEARER", "Bearer\t"]),
            random_string(rng, 80)
        )
        .into_bytes(),
        7 => pick(
            rng,
            &[
                "Bearer",
                "Bearer ",
                "Basic",
                "Basic ",
                "Digest",
                "Negotiate abc",
                "",
                " ",
            ],
        )
        .as_bytes()
        .to_vec(),
        8 => (0..rng.gen_range(1..60))
            .map(|_| rng.gen_range(0x20..=0xff))
            .collect(),
        _ => format!(
            "Digest {}",
            "username=\"x\", ".repeat(rng.gen_range(100..3000))
        )
        .into_bytes(),
    };
    // Now and then a control character, which the HTTP layer must refuse before the emulator.
    if rng.gen_bool(0.97) {
        header_text(value)
    } else {
        value
    }
}

fn auth(rng: &mut StdRng) -> Auth {
    match rng.gen_range(0..20) {
        0..=2 => Auth::None,
        3..=7 => Auth::ValidDigest,
        8..=10 => Auth::MutatedDigest { seed: rng.gen() },
        11..=13 => Auth::ValidBearer,
        14 => Auth::MutatedBearer { seed: rng.gen() },
        15 => Auth::Junk(vec![junk_auth(rng), junk_auth(rng)]),
        _ => Auth::Junk(vec![junk_auth(rng)]),
    }
}

// ---- one case -----------------------------------------------------------------------------

#[derive(Debug)]
struct Case {
    index: usize,
    method: Method,
    /// Path and query.
    target: String,
    headers: Vec<(HeaderName, Vec<u8>)>,
    auth: Auth,
    body: Vec<u8>,
    raw: bool,
}

fn method(rng: &mut StdRng) -> Method {
    let common = [Method::GET, Method::POST, Method::PUT, Method::DELETE];
    match rng.gen_range(0..10) {
        0..=7 => pick(rng, &common).clone(),
        8 => pick(
            rng,
            &[Method::PATCH, Method::HEAD, Method::OPTIONS, Method::TRACE],
        )
        .clone(),
        _ => {
            let name: String = (0..rng.gen_range(1..12))
                .map(|_| *pick(rng, b"ABCDEFGHIJKLMNOPQRSTUVWXYZ!#$%&'*+-.^_`|~") as char)
                .collect();
            Method::from_bytes(name.as_bytes()).unwrap_or(Method::GET)
        }
    }
}

fn headers(rng: &mut StdRng) -> Vec<(HeaderName, Vec<u8>)> {
    let mut out = Vec::new();
    let accepts = [
        "application/vnd.atlas.2023-01-01+json",
        "application/vnd.atlas.2025-03-12+json",
        "application/vnd.atlas.2023-02-30+json",
        "application/vnd.atlas.1999-01-01+json",
        "application/vnd.atlas.9999-12-31+json",
        "application/json",
        "*/*",
        "APPLICATION/VND.ATLAS.2024-01-01+JSON ; q=0.1, text/html",
        "application/vnd.atlas.+json",
        "application/vnd.atlas.２０２３-01-01+json",
    ];
    // Mostly the versioned type a client sends, so most cases get past the version check.
    if rng.gen_bool(0.75) {
        out.push((header::ACCEPT, accepts[0].as_bytes().to_vec()));
    }
    for _ in 0..rng.gen_range(0..2) {
        let value = if rng.gen_bool(0.8) {
            pick(rng, &accepts).as_bytes().to_vec()
        } else {
            header_text(random_string(rng, 60))
        };
        out.push((header::ACCEPT, value));
    }
    if rng.gen_bool(0.6) {
        let types = [
            "application/vnd.atlas.2023-01-01+json",
            "application/json",
            "application/x-www-form-urlencoded",
            "text/plain",
            "multipart/form-data; boundary=x",
            "application/cbor",
        ];
        let value = if rng.gen_bool(0.8) {
            pick(rng, &types).as_bytes().to_vec()
        } else {
            header_text(random_string(rng, 40))
        };
        out.push((header::CONTENT_TYPE, value));
    }
    if rng.gen_bool(0.2) {
        let host = match rng.gen_range(0..3) {
            0 => "evil.example".to_string(),
            1 => random_string(rng, 40),
            _ => "h".repeat(10_000),
        };
        out.push((header::HOST, header_text(host)));
    }
    for _ in 0..rng.gen_range(0..3) {
        let name: String = (0..rng.gen_range(1..20))
            .map(|_| *pick(rng, b"abcdefghijklmnopqrstuvwxyz0123456789-_") as char)
            .collect();
        if let Ok(name) = HeaderName::from_bytes(name.as_bytes()) {
            let value = if rng.gen_bool(0.1) {
                "v".repeat(rng.gen_range(8_000..64_000))
            } else {
                random_string(rng, 40)
            };
            out.push((name, header_text(value)));
        }
    }
    out
}

fn case(rng: &mut StdRng, index: usize) -> Case {
    let raw = index % RAW_EVERY == RAW_EVERY - 1;
    if rng.gen_bool(0.3) {
        return well_formed(rng, index, raw);
    }
    let method = method(rng);
    let path = path(rng);
    let target = match query(rng) {
        Some(q) => format!("{path}?{q}"),
        None => path,
    };
    Case {
        index,
        method,
        target,
        headers: headers(rng),
        auth: auth(rng),
        body: body(rng),
        raw,
    }
}

/// A request a client could send (an operation the emulator serves, signed, versioned), with
/// one part drawn at random: so the handlers' own parsing gets as much input as the pipeline.
fn well_formed(rng: &mut StdRng, index: usize, raw: bool) -> Case {
    let group = demo::PROJECTS[rng.gen_range(0..demo::PROJECTS.len())].0;
    let kind = pick(rng, &IntegrationKind::ALL).as_wire();
    let (method, path) = match rng.gen_range(0..8) {
        0 => (Method::GET, "/api/atlas/v2/groups".to_string()),
        1 => (Method::GET, format!("/api/atlas/v2/groups/{group}")),
        2 => (
            Method::GET,
            format!("/api/atlas/v2/groups/{group}/integrations"),
        ),
        3 => (
            Method::GET,
            format!("/api/atlas/v2/groups/{group}/integrations/{kind}"),
        ),
        4 => (
            Method::POST,
            format!("/api/atlas/v2/groups/{group}/integrations/{kind}"),
        ),
        5 => (
            Method::DELETE,
            format!("/api/atlas/v2/groups/{group}/integrations/{kind}"),
        ),
        6 => (Method::POST, "/api/atlas/v2/groups".to_string()),
        _ => (
            Method::PUT,
            format!("/api/atlas/v2/groups/{group}/integrations/{kind}"),
        ),
    };
    let mut headers = vec![(
        header::ACCEPT,
        b"application/vnd.atlas.2023-01-01+json".to_vec(),
    )];
    let mut body = Vec::new();
    if method == Method::POST || method == Method::PUT {
        headers.push((
            header::CONTENT_TYPE,
            b"application/vnd.atlas.2023-01-01+json".to_vec(),
        ));
        body = if path.ends_with("/groups") {
            let name = if rng.gen() {
                format!("fuzz-{index}")
            } else {
                string_value(rng)
            };
            serde_json::json!({"name": name, "orgId": demo::ORG_ID})
                .to_string()
                .into_bytes()
        } else {
            integration_body(rng).into_bytes()
        };
    }
    let target = match rng.gen_range(0..3) {
        0 => format!("{path}?{}", query(rng).unwrap_or_default()),
        _ => path,
    };
    let auth = match rng.gen_range(0..3) {
        0 => Auth::ValidBearer,
        _ => Auth::ValidDigest,
    };
    Case {
        index,
        method,
        target,
        headers,
        auth,
        body,
        raw,
    }
}

// ---- sending ------------------------------------------------------------------------------

/// A nonce from a real 401 challenge.
async fn fresh_nonce(router: &Router) -> String {
    let request = Request::get("/api/atlas/v2/groups")
        .header(header::ACCEPT, "application/vnd.atlas.2023-01-01+json")
        .body(Body::empty())
        .expect("request");
    let response = router.clone().oneshot(request).await.expect("answer");
    let challenge = response
        .headers()
        .get(header::WWW_AUTHENTICATE)
        .and_then(|v| v.to_str().ok())
        .expect("a Digest challenge")
        .to_string();
    challenge
        .split("nonce=\"")
        .nth(1)
        .and_then(|rest| rest.split('"').next())
        .expect("nonce")
        .to_string()
}

/// The `Authorization` values a case sends (signed now, where the case asks for it).
async fn authorization(router: &Router, case: &Case, token: &str) -> Vec<Vec<u8>> {
    let signed = || async {
        let nonce = fresh_nonce(router).await;
        digest_header(
            case.method.as_str(),
            &case.target,
            demo::API_PUBLIC_KEY,
            demo::API_PRIVATE_KEY,
            &nonce,
            1,
        )
        .into_bytes()
    };
    match &case.auth {
        Auth::None => Vec::new(),
        Auth::ValidDigest => vec![signed().await],
        Auth::MutatedDigest { seed } => {
            let mut value = signed().await;
            mutate(&mut StdRng::seed_from_u64(*seed), &mut value);
            vec![value]
        }
        Auth::ValidBearer => vec![format!("Bearer {token}").into_bytes()],
        Auth::MutatedBearer { seed } => {
            let mut value = format!("Bearer {token}").into_bytes();
            mutate(&mut StdRng::seed_from_u64(*seed), &mut value);
            vec![value]
        }
        Auth::Junk(values) => values.clone(),
    }
}

/// What one case did.
#[derive(Debug)]
enum Outcome {
    Status(u16),
    /// A header or target that cannot be put in a request at all (the client side refuses it).
    Unsendable,
    /// Raw bytes the server closed the connection on, or did not answer in time.
    NoAnswer,
    Panicked(String),
}

async fn in_process(router: &Router, case: &Case, authorization: Vec<Vec<u8>>) -> Outcome {
    let mut builder = Request::builder()
        .method(case.method.clone())
        .uri(case.target.as_str());
    for (name, value) in &case.headers {
        match HeaderValue::from_bytes(value) {
            Ok(v) => builder = builder.header(name, v),
            Err(_) => return Outcome::Unsendable,
        }
    }
    for value in authorization {
        match HeaderValue::from_bytes(&value) {
            Ok(v) => builder = builder.header(header::AUTHORIZATION, v),
            Err(_) => return Outcome::Unsendable,
        }
    }
    let Ok(request) = builder.body(Body::from(case.body.clone())) else {
        return Outcome::Unsendable;
    };
    let router = router.clone();
    // Spawned, so a panic in the emulator is caught and reported, not the end of the run.
    let answer = tokio::spawn(async move {
        let response = router.oneshot(request).await.expect("infallible");
        let status = response.status().as_u16();
        let _ = axum::body::to_bytes(response.into_body(), usize::MAX).await;
        status
    })
    .await;
    match answer {
        Ok(status) => Outcome::Status(status),
        Err(e) => Outcome::Panicked(e.to_string()),
    }
}

/// The case as bytes on a socket: hyper parses it, then the emulator.
async fn over_socket(addr: SocketAddr, case: &Case, authorization: Vec<Vec<u8>>) -> Outcome {
    let mut raw = Vec::new();
    raw.extend_from_slice(case.method.as_str().as_bytes());
    raw.push(b' ');
    raw.extend_from_slice(case.target.as_bytes());
    raw.extend_from_slice(b" HTTP/1.1\r\n");
    if !case.headers.iter().any(|(n, _)| n == header::HOST) {
        raw.extend_from_slice(format!("host: {addr}\r\n").as_bytes());
    }
    let lines = case
        .headers
        .iter()
        .map(|(n, v)| (n.as_str().as_bytes(), v.clone()))
        .chain(
            authorization
                .into_iter()
                .map(|v| (&b"authorization"[..], v)),
        );
    for (name, value) in lines {
        raw.extend_from_slice(name);
        raw.extend_from_slice(b": ");
        raw.extend_from_slice(&value);
        raw.extend_from_slice(b"\r\n");
    }
    raw.extend_from_slice(
        format!(
            "content-length: {}\r\nconnection: close\r\n\r\n",
            case.body.len()
        )
        .as_bytes(),
    );
    raw.extend_from_slice(&case.body);
    let exchange = async {
        let mut stream = tokio::net::TcpStream::connect(addr).await.ok()?;
        // The server may answer and close before reading everything (a 400 on the head).
        let _ = stream.write_all(&raw).await;
        let mut answer = Vec::new();
        let _ = stream.read_to_end(&mut answer).await;
        let line = answer.split(|b| *b == b'\r').next()?.to_vec();
        let text = String::from_utf8(line).ok()?;
        text.strip_prefix("HTTP/1.1 ")?
            .get(..3)?
            .parse::<u16>()
            .ok()
    };
    match tokio::time::timeout(Duration::from_secs(5), exchange).await {
        Ok(Some(status)) => Outcome::Status(status),
        _ => Outcome::NoAnswer,
    }
}

// ---- the run ------------------------------------------------------------------------------

#[derive(Default)]
struct Tally {
    in_process: u64,
    raw: u64,
    statuses: BTreeMap<u16, u64>,
    unsendable: u64,
    no_answer: u64,
    join_panics: u64,
    server_errors: u64,
    junk_let_in: u64,
    failures: Vec<String>,
}

impl Tally {
    fn fail(&mut self, case: &Case, what: String) {
        if self.failures.len() < 10 {
            let body = String::from_utf8_lossy(&case.body[..case.body.len().min(300)]).into_owned();
            let headers: Vec<(String, String)> = case
                .headers
                .iter()
                .map(|(n, v)| {
                    let v = String::from_utf8_lossy(&v[..v.len().min(200)]).into_owned();
                    (n.to_string(), v)
                })
                .collect();
            self.failures.push(format!(
                "case {} ({}): {} {} auth={:?} headers={headers:?} body={body:?}",
                case.index,
                what,
                case.method,
                &case.target[..case.target.len().min(300)],
                case.auth
            ));
        }
    }
}

fn options() -> EmulatorOptions {
    EmulatorOptions {
        // Room for every case to reach its handler; the rate limit has its own tests.
        rate_limit_capacity: 1_000_000,
        rate_limit_refill_per_sec: 1_000_000,
        ..EmulatorOptions::default()
    }
}

async fn service_account_token(router: &Router) -> String {
    let basic = base64::engine::general_purpose::STANDARD.encode(format!(
        "{}:{}",
        demo::SERVICE_ACCOUNT_CLIENT_ID,
        demo::SERVICE_ACCOUNT_CLIENT_SECRET
    ));
    let request = Request::post("/api/oauth/token")
        .header(header::AUTHORIZATION, format!("Basic {basic}"))
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .body(Body::from("grant_type=client_credentials"))
        .expect("request");
    let response = router.clone().oneshot(request).await.expect("answer");
    let bytes: Bytes = axum::body::to_bytes(response.into_body(), 1 << 20)
        .await
        .expect("body");
    let json: serde_json::Value = serde_json::from_slice(&bytes).expect("token json");
    json["access_token"].as_str().expect("token").to_string()
}

async fn run(cases: usize, seed: u64, only: Option<usize>) -> Tally {
    let router = atlas_emulator::router(atlas_emulator::build(&options()).expect("emulator"));
    let listen: SocketAddr = "127.0.0.1:0".parse().expect("address");
    let running = atlas_emulator::start_embedded(listen, options())
        .await
        .expect("emulator starts");
    let addr = running.addr();
    let token = service_account_token(&router).await;
    let mut rng = StdRng::seed_from_u64(seed);
    let generated: Vec<Case> = (0..cases)
        .map(|i| case(&mut rng, i))
        .filter(|c| only.is_none_or(|o| o == c.index))
        .collect();
    let tally = Arc::new(Mutex::new(Tally::default()));
    futures_util::stream::iter(generated)
        .for_each_concurrent(IN_FLIGHT, |case| {
            let (router, token, tally) = (router.clone(), token.clone(), tally.clone());
            async move {
                let authorization = authorization(&router, &case, &token).await;
                let outcome = if case.raw {
                    over_socket(addr, &case, authorization).await
                } else {
                    in_process(&router, &case, authorization).await
                };
                let mut t = tally.lock().expect("tally");
                if case.raw {
                    t.raw += 1;
                } else {
                    t.in_process += 1;
                }
                match outcome {
                    Outcome::Status(status) => {
                        *t.statuses.entry(status).or_default() += 1;
                        if status >= 500 {
                            t.server_errors += 1;
                            t.fail(&case, format!("answered {status}"));
                        }
                        let junk = matches!(case.auth, Auth::Junk(_));
                        if junk
                            && (200..300).contains(&status)
                            && case.target.starts_with("/api/atlas/")
                        {
                            t.junk_let_in += 1;
                            t.fail(&case, format!("junk credentials let in: {status}"));
                        }
                    }
                    Outcome::Unsendable => t.unsendable += 1,
                    Outcome::NoAnswer => t.no_answer += 1,
                    Outcome::Panicked(e) => {
                        t.join_panics += 1;
                        t.fail(&case, format!("panicked: {e}"));
                    }
                }
            }
        })
        .await;
    running.shutdown().await;
    Arc::try_unwrap(tally)
        .ok()
        .expect("no other owner")
        .into_inner()
        .expect("tally")
}

#[test]
fn random_requests_never_fail_the_emulator() {
    let settings = fuzz_kit::Run::from_env(DEFAULT_CASES as u64);
    let (cases, seed) = (settings.cases as usize, settings.seed);
    let only = settings.only.map(|n| n as usize);
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .thread_name("fuzz-emulator")
        .enable_all()
        .build()
        .expect("runtime");
    let started = Instant::now();
    let panics_before = fuzz_kit::panics_so_far();
    let t = runtime.block_on(run(cases, seed, only));
    let panics = fuzz_kit::panics_so_far() - panics_before;
    let statuses: Vec<String> = t.statuses.iter().map(|(s, n)| format!("{s}:{n}")).collect();
    let report = format!(
        "FUZZ emulator: seed=0x{seed:x} inputs={} (in-process {}, raw HTTP {}) statuses=[{}] \
         unsendable={} raw-unanswered={} panics={} 5xx={} junk-credentials-let-in={} time={:.1}s",
        t.in_process + t.raw,
        t.in_process,
        t.raw,
        statuses.join(" "),
        t.unsendable,
        t.no_answer,
        panics.max(t.join_panics),
        t.server_errors,
        t.junk_let_in,
        started.elapsed().as_secs_f64(),
    );
    println!("{report}");
    assert!(
        t.failures.is_empty() && panics == 0,
        "{report}\nreproduce: FUZZ_SEED=0x{seed:x} FUZZ_CASES={cases} FUZZ_ONLY=<case>\n{}",
        t.failures.join("\n")
    );
}
