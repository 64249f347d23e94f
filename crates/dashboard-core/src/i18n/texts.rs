//! The messages of one language, and where `t` finds those of the current page.
//!
//! - Server: built once per language from leptos_i18n's tables (`keys::strings`), and the
//!   request's language comes from the Leptos context (`provide_lang`, else what the router
//!   worked out once for the request: `web::language::detect`).
//! - Browser: the islands are the only code that runs there, and they need the page's
//!   language only, and of it only what the page's islands show (`page_texts`). The shell
//!   writes those messages into the page as JSON (`<script type="application/json"
//!   id="texts">`), and the first lookup reads it. No translation is compiled into the WASM,
//!   so the bundle stays the same size whatever the number of languages (docs/i18n.md).

use std::sync::OnceLock;

use atlas_registry::IntegrationKind;
use serde::{Deserialize, Serialize};

use super::{keys::Key, Lang};

/// The id of the element holding the page's `Texts`.
pub const ELEMENT_ID: &str = "texts";

#[derive(Debug, Default, Serialize, Deserialize)]
pub struct Texts {
    pub lang: Lang,
    /// (`Key` as a number, its text), by key: every message on the server, a page's islands'
    /// in the browser.
    strings: Vec<(u16, String)>,
    /// Label and help, in `IntegrationKind::ALL` order (all of them, or none on a page).
    kinds: Vec<(String, String)>,
    /// Every field's, or none on a page whose islands show no field.
    fields: Vec<FieldText>,
}

#[derive(Clone, Debug, Serialize, Deserialize)]
struct FieldText {
    kind: IntegrationKind,
    name: String,
    label: String,
    help: String,
}

impl Texts {
    pub fn get(&self, key: Key) -> &str {
        let n = key as u16;
        // The server's table holds every key at its own index; a page's, some of them.
        match self.strings.get(n as usize) {
            Some((k, text)) if *k == n => text,
            _ => match self.strings.binary_search_by_key(&n, |(k, _)| *k) {
                Ok(i) => &self.strings[i].1,
                Err(_) => missing(key),
            },
        }
    }

    pub fn kind(&self, kind: IntegrationKind) -> (&str, &str) {
        // `kinds` is in `ALL` order, which is the enum's (a registry test checks it).
        self.kinds
            .get(kind as usize)
            .map_or(("", ""), |(label, help)| (label.as_str(), help.as_str()))
    }

    /// A field's label and help. Field names repeat across types with different help
    /// (`apiKey`), so the type is part of the question.
    pub fn field(&self, kind: IntegrationKind, name: &str) -> Option<(&str, &str)> {
        self.fields
            .iter()
            .find(|f| f.kind == kind && f.name == name)
            .map(|f| (f.label.as_str(), f.help.as_str()))
    }

    /// The label of the first field called `name`, for messages that carry only Atlas's name
    /// (the types share labels for shared names).
    pub fn field_named(&self, name: &str) -> Option<&str> {
        self.fields
            .iter()
            .find(|f| f.name == name)
            .map(|f| f.label.as_str())
    }

    /// The messages numbered in `keys`, the types' names, and the fields' labels if `fields`:
    /// what a page's islands need (`page_texts`).
    #[cfg(feature = "ssr")]
    pub fn subset(&self, keys: &std::collections::BTreeSet<u16>, fields: bool) -> Texts {
        Texts {
            lang: self.lang,
            strings: self
                .strings
                .iter()
                .filter(|(k, _)| keys.contains(k))
                .cloned()
                .collect(),
            kinds: self.kinds.clone(),
            fields: if fields {
                self.fields.clone()
            } else {
                Vec::new()
            },
        }
    }

    /// `Texts` as the shell writes it: JSON that cannot end its `<script>` early.
    #[cfg(feature = "ssr")]
    pub fn to_script_json(&self) -> String {
        crate::wire_json::to_script(self)
    }

    #[cfg(feature = "ssr")]
    fn build(lang: Lang) -> Texts {
        use super::locales::Locale;
        use super::registry_texts::{field_strings, kind_strings};

        let locale = match lang {
            Lang::En => Locale::en,
            Lang::Ko => Locale::ko,
            Lang::Ja => Locale::ja,
            Lang::Zh => Locale::zh,
        };
        let fields = IntegrationKind::ALL
            .into_iter()
            .flat_map(|kind| kind.spec().fields.iter().map(move |f| (kind, f.name)))
            .filter_map(|(kind, name)| {
                let (label, help) = field_strings(locale, kind, name)?;
                Some(FieldText {
                    kind,
                    name: name.to_string(),
                    label,
                    help,
                })
            })
            .collect();
        Texts {
            lang,
            strings: (0..).zip(super::keys::strings(locale)).collect(),
            kinds: IntegrationKind::ALL
                .into_iter()
                .map(|kind| kind_strings(locale, kind))
                .collect(),
            fields,
        }
    }

    /// One language's messages, built on first use.
    #[cfg(feature = "ssr")]
    pub fn of(lang: Lang) -> &'static Texts {
        static ALL: OnceLock<[Texts; 4]> = OnceLock::new();
        let all = ALL.get_or_init(|| Lang::ALL.map(Texts::build));
        // `Lang::ALL` lists the languages in the enum's order.
        &all[lang as usize]
    }
}

/// A message the page did not carry: in the browser, a page's `Texts` holds only what its
/// islands name (`page_texts`), so this is a key an island uses without naming it in the
/// files it registers. Shown empty, and said on the console (which fails end-to-end tests).
fn missing(key: Key) -> &'static str {
    // The key's number, not its name: `Debug` of `Key` would put every name into the WASM.
    #[cfg(feature = "hydrate")]
    leptos::logging::error!(
        "atlas-integrations: this page carries no text for message {} (crates/dashboard-core/src/i18n/keys.rs)",
        key as u16
    );
    let _ = key;
    ""
}

/// Sets the language of what is rendered from here down (the shell, per request).
#[cfg(feature = "ssr")]
pub fn provide_lang(lang: Lang) {
    leptos::prelude::provide_context(lang);
}

/// The language of the page being rendered or the server function being answered: the one
/// the shell provided, else the one the router worked out for the request (`web::language`),
/// else, for a request that came another way, its headers read here.
#[cfg(feature = "ssr")]
pub fn current_lang() -> Lang {
    use leptos::prelude::use_context;
    use_context::<Lang>()
        .or_else(|| {
            use_context::<http::request::Parts>().map(|parts| {
                parts
                    .extensions
                    .get::<Lang>()
                    .copied()
                    .unwrap_or_else(|| super::lang::of_request(&parts.headers))
            })
        })
        .unwrap_or_default()
}

#[cfg(feature = "ssr")]
pub fn current() -> &'static Texts {
    Texts::of(current_lang())
}

/// In the browser: the page's `Texts`, read from the page once. A page without them (none
/// should be) shows empty strings rather than failing.
#[cfg(not(feature = "ssr"))]
pub fn current() -> &'static Texts {
    static PAGE: OnceLock<Texts> = OnceLock::new();
    PAGE.get_or_init(|| {
        #[cfg(feature = "hydrate")]
        {
            crate::wire_json::read_script(ELEMENT_ID).unwrap_or_default()
        }
        #[cfg(not(feature = "hydrate"))]
        {
            Texts::default()
        }
    })
}

#[cfg(not(feature = "ssr"))]
pub fn current_lang() -> Lang {
    current().lang
}

#[cfg(all(test, feature = "ssr"))]
mod tests {
    use super::*;

    #[test]
    fn every_language_has_every_message_type_and_field() {
        for lang in Lang::ALL {
            let texts = Texts::of(lang);
            assert_eq!(texts.lang, lang);
            assert_eq!(texts.strings.len(), Key::ALL.len());
            for key in Key::ALL {
                assert!(!texts.get(*key).trim().is_empty(), "{lang:?} {key:?}");
            }
            for kind in IntegrationKind::ALL {
                let (label, help) = texts.kind(kind);
                assert!(!label.is_empty() && !help.is_empty(), "{lang:?} {kind:?}");
                for field in kind.spec().fields {
                    let (label, help) = texts
                        .field(kind, field.name)
                        .unwrap_or_else(|| panic!("{lang:?}: no text for {kind:?} {}", field.name));
                    assert!(!label.is_empty() && !help.is_empty());
                }
            }
        }
    }

    #[test]
    fn the_script_json_cannot_close_its_element_and_reads_back() {
        let json = Texts::of(Lang::Ko).to_script_json();
        assert!(!json.contains('<'));
        let back: Texts = serde_json::from_str(&json).unwrap();
        assert_eq!(back.lang, Lang::Ko);
        assert_eq!(back.get(Key::SignIn), Texts::of(Lang::Ko).get(Key::SignIn));
    }

    #[test]
    fn translations_differ_from_english_where_they_should() {
        // A copy of the English file under another name would pass the key checks.
        for lang in [Lang::Ko, Lang::Ja, Lang::Zh] {
            let same = Key::ALL
                .iter()
                .filter(|key| Texts::of(lang).get(**key) == Texts::of(Lang::En).get(**key))
                .count();
            assert!(
                same * 10 < Key::ALL.len(),
                "{lang:?}: {same} messages equal English"
            );
        }
    }
}
