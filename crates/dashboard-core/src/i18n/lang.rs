//! The four languages, and on the server which one a request gets: the `lang` cookie (set by
//! the language links, `links::language`), else the best match of `Accept-Language`, else
//! English.

use serde::{Deserialize, Serialize};

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Lang {
    #[default]
    En,
    Ko,
    Ja,
    Zh,
}

/// The cookie that remembers a chosen language (not a secret; read by the server only).
pub const COOKIE: &str = "lang";

impl Lang {
    /// In the enum's order (`Texts::of` indexes by it; a unit test checks it).
    pub const ALL: [Lang; 4] = [Lang::En, Lang::Ko, Lang::Ja, Lang::Zh];

    /// The name of `locales/<tag>.json`, the cookie's value and the language links' path.
    pub fn tag(self) -> &'static str {
        match self {
            Lang::En => "en",
            Lang::Ko => "ko",
            Lang::Ja => "ja",
            Lang::Zh => "zh",
        }
    }

    pub fn from_tag(tag: &str) -> Option<Lang> {
        Lang::ALL.into_iter().find(|lang| lang.tag() == tag)
    }

    /// `<html lang>`. Chinese is the Simplified of Atlas's Chinese docs; saying so lets the
    /// browser pick Simplified Han glyphs rather than Japanese ones for the same characters.
    pub fn html_lang(self) -> &'static str {
        match self {
            Lang::Zh => "zh-Hans",
            other => other.tag(),
        }
    }

    /// The language's own name, for the switcher: a reader finds their language whatever the
    /// page's language is.
    pub fn endonym(self) -> &'static str {
        match self {
            Lang::En => "English",
            Lang::Ko => "한국어",
            Lang::Ja => "日本語",
            Lang::Zh => "中文",
        }
    }
}

/// The most `Accept-Language` ranges read (`accepted`).
#[cfg(feature = "ssr")]
const MAX_RANGES: usize = 16;

/// The language of a request: the cookie's choice, else `Accept-Language`'s best match.
#[cfg(feature = "ssr")]
pub fn of_request(headers: &http::HeaderMap) -> Lang {
    chosen(headers)
        .or_else(|| {
            headers
                .get(http::header::ACCEPT_LANGUAGE)
                .and_then(|value| value.to_str().ok())
                .and_then(accepted)
        })
        .unwrap_or_default()
}

#[cfg(feature = "ssr")]
fn chosen(headers: &http::HeaderMap) -> Option<Lang> {
    headers
        .get_all(http::header::COOKIE)
        .iter()
        .filter_map(|value| value.to_str().ok())
        .flat_map(|value| value.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(name, _)| *name == COOKIE)
        .and_then(|(_, value)| Lang::from_tag(value.trim()))
}

/// The best of `Accept-Language` (RFC 9110 §12.5.4): ranges by descending weight, a weight of
/// 0 meaning "not this one"; leptos_i18n matches each range against our locales (`ko-KR` is
/// `ko`, `zh-CN` and `zh-Hans-CN` are `zh`). None when no range matches: English then.
/// Only the first [`MAX_RANGES`] ranges are read: a browser sends a handful, and a header of
/// thousands must not cost thousands of matches.
#[cfg(feature = "ssr")]
pub fn accepted(header: &str) -> Option<Lang> {
    use leptos_i18n::Locale as _;

    let mut ranges: Vec<(&str, f32)> = header
        .split(',')
        .take(MAX_RANGES)
        .filter_map(|part| {
            let mut pieces = part.split(';');
            let range = pieces.next()?.trim();
            let weight = pieces
                .filter_map(|p| p.trim().strip_prefix("q="))
                .find_map(|q| q.trim().parse::<f32>().ok())
                .unwrap_or(1.0);
            (!range.is_empty() && range != "*" && weight > 0.0).then_some((range, weight))
        })
        .collect();
    // Stable: equal weights keep the header's order.
    ranges.sort_by(|a, b| b.1.total_cmp(&a.1));
    ranges.into_iter().find_map(|(range, _)| {
        let locale = super::locales::Locale::find_locale(&[range]);
        // find_locale falls back to the default locale; English is only a match if asked for.
        let lang = Lang::from_tag(locale.as_str())?;
        (lang != Lang::En || range.to_ascii_lowercase().starts_with("en")).then_some(lang)
    })
}

#[cfg(all(test, feature = "ssr"))]
mod tests {
    use super::*;

    #[test]
    fn all_is_in_the_enums_order() {
        for (i, lang) in Lang::ALL.into_iter().enumerate() {
            assert_eq!(lang as usize, i);
        }
    }

    #[test]
    fn accept_language_picks_the_heaviest_range_we_have() {
        assert_eq!(accepted("ko-KR,ko;q=0.9,en-US;q=0.8"), Some(Lang::Ko));
        assert_eq!(accepted("fr-FR, ja;q=0.5, en;q=0.4"), Some(Lang::Ja));
        assert_eq!(accepted("zh-CN"), Some(Lang::Zh));
        assert_eq!(accepted("zh-Hans-CN;q=1"), Some(Lang::Zh));
        assert_eq!(accepted("en;q=0.2, ko;q=0.8"), Some(Lang::Ko));
        assert_eq!(accepted("ko;q=0, en"), Some(Lang::En));
        assert_eq!(accepted("fr, de"), None);
        assert_eq!(accepted("*"), None);
        assert_eq!(accepted(""), None);
        let long = format!("{}ko", "fr;q=0.9, ".repeat(16));
        assert_eq!(accepted(&long), None, "past the 16th range nothing is read");
        let huge = "de-DE;q=0.5,".repeat(5_000);
        assert_eq!(accepted(&huge), None);
    }

    #[test]
    fn the_cookie_wins_over_the_header() {
        let mut headers = http::HeaderMap::new();
        headers.insert(http::header::ACCEPT_LANGUAGE, "ja".parse().unwrap());
        assert_eq!(of_request(&headers), Lang::Ja);
        headers.insert(http::header::COOKIE, "id=x; lang=zh".parse().unwrap());
        assert_eq!(of_request(&headers), Lang::Zh);
        headers.insert(http::header::COOKIE, "lang=xx".parse().unwrap());
        assert_eq!(
            of_request(&headers),
            Lang::Ja,
            "an unknown choice is ignored"
        );
        assert_eq!(of_request(&http::HeaderMap::new()), Lang::En);
    }
}
