//! The page's language: from `Accept-Language`, or the `lang` cookie the language links set;
//! `<html lang>`, the texts the islands read, and server-function refusals follow it. The
//! expected words are read from the locale files the server is built from.

use axum::http::{header, HeaderValue, StatusCode};

use crate::support::{header as header_of, page_request, server_fn_request, TestApp};

fn message(tag: &str, path: &str) -> String {
    let text = std::fs::read_to_string(format!("locales/{tag}.json")).unwrap();
    let mut value: serde_json::Value = serde_json::from_str(&text).unwrap();
    for part in path.split('.') {
        value = value[part].take();
    }
    value
        .as_str()
        .unwrap_or_else(|| panic!("{tag}: no {path}"))
        .to_string()
}

fn asking(path: &str, accept_language: &str) -> axum::http::Request<axum::body::Body> {
    let mut request = page_request(path);
    request.headers_mut().insert(
        header::ACCEPT_LANGUAGE,
        HeaderValue::from_str(accept_language).unwrap(),
    );
    request
}

#[tokio::test]
async fn a_page_is_rendered_in_the_language_the_browser_asks_for() {
    let mut app = TestApp::start().await;
    for (accept, lang, tag) in [
        ("ko-KR,ko;q=0.9,en;q=0.8", "ko", "ko"),
        ("ja", "ja", "ja"),
        ("zh-CN,zh;q=0.9", "zh-Hans", "zh"),
        ("fr-FR, de;q=0.5", "en", "en"),
        ("en-GB, ko;q=0.1", "en", "en"),
    ] {
        let (status, headers, html) = app.send(asking("/login", accept)).await;
        assert_eq!(status, StatusCode::OK);
        assert!(
            html.contains(&format!("<html lang=\"{lang}\"")),
            "{accept}: {html}"
        );
        assert!(html.contains(&message(tag, "sign_in_intro")), "{accept}");
        // The islands' texts: this language only.
        assert!(html.contains("<script type=\"application/json\" id=\"texts\">"));
        let others = ["en", "ko", "ja", "zh"].into_iter().filter(|t| *t != tag);
        for other in others {
            assert!(
                !html.contains(&message(other, "sign_in_intro")),
                "{accept}: {other} too"
            );
        }
        // Pages are never cached, so one address in four languages cannot be mixed up.
        assert_eq!(header_of(&headers, "cache-control"), Some("no-store"));
    }
}

#[tokio::test]
async fn the_language_link_remembers_the_choice_and_returns_only_within_the_dashboard() {
    let mut app = TestApp::start().await;
    let (status, headers, _) = app
        .send(page_request("/lang/ja?back=%2Flogin%3Fnext%3D%252Ffleet"))
        .await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    assert_eq!(
        header_of(&headers, "location"),
        Some("/login?next=%2Ffleet")
    );
    let cookie = header_of(&headers, "set-cookie").unwrap();
    assert!(cookie.starts_with("lang=ja;"), "{cookie}");
    assert!(
        cookie.contains("HttpOnly") && cookie.contains("SameSite=Lax"),
        "{cookie}"
    );

    // The cookie wins over Accept-Language.
    let mut request = asking("/login", "ko");
    request
        .headers_mut()
        .insert(header::COOKIE, HeaderValue::from_static("lang=ja"));
    let (_, _, html) = TestApp::start().await.send(request).await;
    assert!(html.contains("<html lang=\"ja\""));
    assert!(html.contains(&message("ja", "sign_in_intro")));

    for back in [
        "https://evil.example/",
        "//evil.example",
        "/%5Cevil.example",
        "/%09/evil.example",
    ] {
        let (status, headers, _) = app
            .send(page_request(&format!("/lang/ko?back={back}")))
            .await;
        assert_eq!(status, StatusCode::SEE_OTHER, "{back}");
        assert_eq!(header_of(&headers, "location"), Some("/"), "{back}");
    }
    let (status, headers, _) = app.send(page_request("/lang/fr?back=/")).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert_eq!(header_of(&headers, "set-cookie"), None);
}

#[tokio::test]
async fn server_function_refusals_are_in_the_callers_language() {
    let mut app = TestApp::start().await;
    app.login_service_account().await;
    let before = app.total_upstream_calls().await;
    for tag in ["en", "ko", "ja", "zh"] {
        let mut request = server_fn_request("history/list", &[("kind", "FAX")]);
        request
            .headers_mut()
            .insert(header::ACCEPT_LANGUAGE, HeaderValue::from_static(tag));
        let (status, _, body) = app.send(request).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
        let refusal = message(tag, "refusal.not_a_type").replace("{{ value }}", "");
        assert!(
            body.contains(refusal.trim().trim_end_matches(':').trim_end_matches('：')),
            "{tag}: {body}"
        );
    }
    assert_eq!(
        app.total_upstream_calls().await,
        before,
        "refused before Atlas"
    );
}
