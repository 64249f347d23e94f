//! Server builds: generate the translations module from `locales/*.json` (leptos_i18n), after
//! checking that every language has every English key with the same placeholders. leptos_i18n
//! itself only warns about a missing key and falls back to English; here it stops the build,
//! because a page half in English is a defect (docs/i18n.md).

fn main() {
    // Without a rerun-if-changed line, cargo runs a build script again (and rebuilds the
    // crate after it) whenever any file of the package changes. The browser's build generates
    // nothing here, so it names this file only: a change in server-only code then leaves the
    // WASM as it is (src/pages/mod.rs).
    println!("cargo::rerun-if-changed=build.rs");
    #[cfg(feature = "ssr")]
    locales::generate();
}

#[cfg(feature = "ssr")]
mod locales {
    use std::collections::{BTreeMap, BTreeSet};
    use std::path::PathBuf;

    use leptos_i18n_parser::parse_locales::options::{Config, ParseOptions};
    use leptos_i18n_parser::parse_locales::parse_locales;
    use serde_json::Value;

    /// English first: it is the default and the reference the others are checked against.
    const LOCALES: [&str; 4] = ["en", "ko", "ja", "zh"];
    /// The messages live at the repository's top (translators find them there), two folders
    /// up from this crate; a build script runs in its crate's folder.
    const LOCALES_DIR: &str = "../../locales";

    pub fn generate() {
        let english = read("en");
        for locale in &LOCALES[1..] {
            let problems = compare(&english, &read(locale));
            if !problems.is_empty() {
                panic!(
                    "locales/{locale}.json does not match locales/en.json:\n  {}",
                    problems.join("\n  ")
                );
            }
        }

        let mut config = Config::new(LOCALES[0]).expect("default locale");
        for locale in &LOCALES[1..] {
            config = config.add_locale(locale).expect("locale name");
        }
        // Interpolated strings as plain strings (td_string!), not only as views.
        let config = config
            .locales_path(LOCALES_DIR)
            .parse_options(ParseOptions::default().interpolate_display(true));
        // leptos_i18n's parser and code generator, as its `load_locales!` macro and its
        // leptos_i18n_build crate call them. Not leptos_i18n_build itself: it also exports
        // ICU data (which this project does not use) and so brings in most of ICU4X, zip, tar
        // and ndarray, about two minutes of CPU in each profile built (docs/benchmarks.md).
        let parsed = parse_locales(None, config).unwrap_or_else(|e| panic!("locales/: {e}"));
        for path in parsed.tracked_files.iter().flatten() {
            println!("cargo::rerun-if-changed={path}");
        }
        for warning in parsed.diag.warnings().iter() {
            println!("cargo::warning={warning}");
        }
        for error in parsed.diag.errors().iter() {
            println!("cargo::error={error}");
        }
        // No crate path of our own, no diagnostics emitted as code (a build script has no
        // span to put them on), documented accessors: leptos_i18n_build's defaults.
        let code = leptos_i18n_codegen::gen_code(&parsed, None, false, None, true)
            .unwrap_or_else(|e| panic!("locales/: {e}"));
        let dir = PathBuf::from(std::env::var_os("OUT_DIR").expect("OUT_DIR")).join("i18n");
        std::fs::create_dir_all(&dir).expect("OUT_DIR/i18n");
        std::fs::write(dir.join("mod.rs"), code.to_string()).expect("OUT_DIR/i18n/mod.rs");
    }

    fn read(locale: &str) -> BTreeMap<String, String> {
        let path = format!("{LOCALES_DIR}/{locale}.json");
        println!("cargo::rerun-if-changed={path}");
        let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
        let value: Value = serde_json::from_str(&text).unwrap_or_else(|e| panic!("{path}: {e}"));
        let mut flat = BTreeMap::new();
        flatten("", &value, &mut flat, &path);
        flat
    }

    fn flatten(prefix: &str, value: &Value, out: &mut BTreeMap<String, String>, path: &str) {
        match value {
            Value::Object(map) => {
                for (key, value) in map {
                    let key = if prefix.is_empty() {
                        key.clone()
                    } else {
                        format!("{prefix}.{key}")
                    };
                    flatten(&key, value, out, path);
                }
            }
            Value::String(text) => {
                out.insert(prefix.to_string(), text.clone());
            }
            _ => panic!("{path}: {prefix} is neither text nor a group of keys"),
        }
    }

    /// `{{ name }}` placeholders of a message.
    fn placeholders(text: &str) -> BTreeSet<String> {
        text.split("{{")
            .skip(1)
            .filter_map(|rest| rest.split_once("}}"))
            .map(|(name, _)| name.trim().to_string())
            .collect()
    }

    fn compare(
        english: &BTreeMap<String, String>,
        other: &BTreeMap<String, String>,
    ) -> Vec<String> {
        let mut problems = Vec::new();
        for (key, text) in english {
            match other.get(key) {
                None => problems.push(format!("missing key {key}")),
                Some(translated) if translated.trim().is_empty() => {
                    problems.push(format!("empty text for {key}"))
                }
                Some(translated) if placeholders(translated) != placeholders(text) => problems
                    .push(format!(
                        "{key}: placeholders {:?}, English has {:?}",
                        placeholders(translated),
                        placeholders(text)
                    )),
                Some(_) => {}
            }
        }
        for key in other.keys().filter(|key| !english.contains_key(*key)) {
            problems.push(format!("key {key} is not in English"));
        }
        problems
    }
}
