//! What a page sends to the browser: the messages its islands can show there, and the
//! hydration scripts of its islands' bundle, only when it has an island.
//!
//! Only islands run in the browser, each from a bundle of its own (Cargo.toml's `island-*`
//! features, built by scripts/build-site), so a page downloads its island's code and no
//! other's. Each island names its bundle and the source files its browser code runs
//! (`IslandNeeds`); the messages named there (`Key::…`, the whole files scanned: a superset),
//! those of the helpers every island shares (`HELPERS`), the types' names, and the fields'
//! labels when it asks for them are what the page carries. An island registers itself while
//! the server renders it (`uses`), and the shell writes the page's messages and the scripts
//! after the body, once every island has rendered. A page without islands (the projects
//! list, a project) gets neither: it downloads no JS, no WASM and no messages.
//!
//! A message the page lacks is an empty string in the browser and a console error, which
//! fails any end-to-end test that reaches it (end2end/support/fixtures.ts).

use std::collections::BTreeSet;
use std::sync::{Arc, Mutex, OnceLock};

use crate::i18n::{Key, Lang, Texts};

/// The files whose `Key::…` every island may reach in the browser: the sentences built from
/// messages (`i18n`), the errors' sentences, and the layout's helpers islands call.
const HELPERS: &[&str] = &[
    include_str!("../crates/dashboard-core/src/i18n/mod.rs"),
    include_str!("../crates/dashboard-core/src/i18n/errors.rs"),
    include_str!("../crates/dashboard-core/src/i18n/format.rs"),
    include_str!("pages/layout.rs"),
];

/// One island's needs in the browser: its bundle (the `island-{bundle}` feature, built as
/// `pkg/{output-name}-{bundle}.js` and `.wasm`), the sources its code runs there
/// (`include_str!` of its module and what it calls outside `HELPERS`), and whether it shows
/// field labels.
pub struct IslandNeeds {
    bundle: &'static str,
    sources: &'static [&'static str],
    fields: bool,
    keys: OnceLock<Vec<Key>>,
}

impl IslandNeeds {
    pub const fn new(bundle: &'static str, sources: &'static [&'static str], fields: bool) -> Self {
        IslandNeeds {
            bundle,
            sources,
            fields,
            keys: OnceLock::new(),
        }
    }

    pub fn bundle(&self) -> &'static str {
        self.bundle
    }

    /// Every message named in the island's sources and the helpers, scanned once.
    fn keys(&self) -> &[Key] {
        self.keys.get_or_init(|| {
            let mut keys: Vec<Key> = self
                .sources
                .iter()
                .chain(HELPERS)
                .flat_map(|source| named_keys(source))
                .collect();
            keys.sort_by_key(|k| *k as u16);
            keys.dedup();
            keys
        })
    }
}

/// The `Key::Name`s in a source text.
fn named_keys(source: &str) -> impl Iterator<Item = Key> + '_ {
    source
        .match_indices("Key::")
        .filter_map(move |(at, prefix)| {
            let rest = &source[at + prefix.len()..];
            let end = rest
                .find(|c: char| !c.is_ascii_alphanumeric() && c != '_')
                .unwrap_or(rest.len());
            Key::from_name(&rest[..end])
        })
}

/// The page being rendered: what its islands registered. Provided by the shell.
#[derive(Clone, Default)]
pub struct PageTexts(Arc<Mutex<Needs>>);

#[derive(Default)]
struct Needs {
    bundles: BTreeSet<&'static str>,
    keys: BTreeSet<u16>,
    fields: bool,
}

impl PageTexts {
    fn needs(&self) -> std::sync::MutexGuard<'_, Needs> {
        self.0.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// The page's messages as the shell writes them (JSON that cannot end its `<script>`
    /// early), or `None` for a page without islands.
    pub fn script_json(&self, lang: Lang) -> Option<String> {
        let needs = self.needs();
        (!needs.bundles.is_empty()).then(|| {
            Texts::of(lang)
                .subset(&needs.keys, needs.fields)
                .to_script_json()
        })
    }

    /// The bundle whose hydration scripts the page loads: its islands', or `None` without
    /// islands. A page loads one bundle, so every island on it must be of one kind (each
    /// page has one today): built one bundle per island, a page with two kinds would hydrate
    /// the first kind only, which the log then says.
    pub fn bundle(&self) -> Option<&'static str> {
        let needs = self.needs();
        if needs.bundles.len() > 1 {
            tracing::error!(bundles = ?needs.bundles, "a page with islands of two bundles: only the first one's islands hydrate");
        }
        needs.bundles.first().copied()
    }
}

/// Pending once (a yield to the runtime): a view that awaits it first is rendered when the
/// page's stream reaches it (in-order streaming renders a pending part only after every part
/// before it), not while the parts before it still wait for their data and have not rendered
/// their islands.
pub async fn after_what_precedes() {
    tokio::task::yield_now().await
}

/// Called by an island as the server renders it: the page will carry what it needs.
pub fn uses(island: &'static IslandNeeds) {
    let Some(page) = leptos::prelude::use_context::<PageTexts>() else {
        return;
    };
    let mut needs = page.needs();
    needs.bundles.insert(island.bundle);
    needs.fields |= island.fields;
    needs.keys.extend(island.keys().iter().map(|k| *k as u16));
}

#[cfg(test)]
mod tests {
    use super::*;

    static SAMPLE: IslandNeeds =
        IslandNeeds::new("sample", &["t(Key::SignIn); t(Key::CheckServer)"], false);

    #[test]
    fn keys_are_those_named_in_the_sources_and_the_helpers() {
        let keys = SAMPLE.keys();
        assert!(keys.contains(&Key::SignIn) && keys.contains(&Key::CheckServer));
        // From the errors' sentences (a helper).
        assert!(keys.contains(&Key::ErrorNotSignedIn));
        // Named nowhere in them: a projects-page message.
        assert!(!keys.contains(&Key::ProjectsIntro));
        assert!(named_keys("Key::ALL, Key::NoSuchKey, Key::SignIn.").eq([Key::SignIn]));
    }

    #[test]
    fn a_page_carries_its_islands_messages_only() {
        let page = PageTexts::default();
        assert_eq!(page.script_json(Lang::En), None, "no island: nothing");
        let owner = leptos::prelude::Owner::new();
        owner.with(|| {
            leptos::prelude::provide_context(page.clone());
            uses(&SAMPLE);
        });
        let json = page.script_json(Lang::Ko).expect("an island: its messages");
        let texts: Texts = serde_json::from_str(&json).unwrap();
        assert_eq!(texts.get(Key::SignIn), Texts::of(Lang::Ko).get(Key::SignIn));
        assert_eq!(texts.get(Key::ProjectsIntro), "");
        assert!(json.len() * 4 < Texts::of(Lang::Ko).to_script_json().len());
    }
}
