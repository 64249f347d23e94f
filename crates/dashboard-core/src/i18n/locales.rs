//! The module leptos_i18n generates from `locales/*.json` (build.rs). Server only.
#![allow(missing_docs, unused_imports, dead_code, clippy::all)]

include!(concat!(env!("OUT_DIR"), "/i18n/mod.rs"));

pub use i18n::*;
