//! One module per page, plus the pieces they share.

// Modules holding an island, or a server function an island calls, are compiled for both
// targets: for the browser when the build asks for that island (its `island-*` feature; one
// bundle per island, Cargo.toml). The rest is markup the server renders: compiled for the
// server only, so the browser's WASM is not rebuilt when it changes (cargo rebuilds a crate
// when a file it read changed, and a module left out by `cfg` is never read).
#[cfg(any(feature = "ssr", feature = "island-form"))]
pub mod form;
pub mod island_data;
pub mod layout;
#[cfg(any(feature = "ssr", feature = "island-matrix-loader"))]
pub mod matrix_loader;
#[cfg(any(feature = "ssr", feature = "island-name-filter"))]
pub mod name_filter;
#[cfg(any(feature = "ssr", feature = "island-run-progress"))]
pub mod run_progress;
#[cfg(any(feature = "ssr", feature = "island-server-check"))]
pub mod server_check;

#[cfg(feature = "ssr")]
pub mod advisories;
#[cfg(feature = "ssr")]
pub mod alert_switch;
#[cfg(feature = "ssr")]
pub mod alerts;
#[cfg(feature = "ssr")]
pub mod fleet;
#[cfg(feature = "ssr")]
pub mod fleet_apply;
#[cfg(feature = "ssr")]
pub mod fleet_export;
#[cfg(feature = "ssr")]
pub mod fleet_rotate;
#[cfg(feature = "ssr")]
pub mod fleet_run;
#[cfg(feature = "ssr")]
pub mod history;
#[cfg(feature = "ssr")]
pub mod integration;
#[cfg(feature = "ssr")]
pub mod login;
#[cfg(feature = "ssr")]
pub mod project;
#[cfg(feature = "ssr")]
pub mod projects;
#[cfg(feature = "ssr")]
pub mod run_table;

#[cfg(all(test, feature = "ssr"))]
mod tests {
    use std::collections::BTreeSet;

    /// scripts/build-site builds a bundle for each feature in Cargo.toml's `islands`, and a
    /// page loads the bundle its island names: the two lists must be the same.
    #[test]
    fn every_island_names_a_bundle_the_build_makes() {
        let named: BTreeSet<String> = [
            &super::form::ISLAND_NEEDS,
            &super::matrix_loader::ISLAND_NEEDS,
            &super::name_filter::ISLAND_NEEDS,
            &super::run_progress::ISLAND_NEEDS,
            &super::server_check::ISLAND_NEEDS,
        ]
        .iter()
        .map(|island| format!("island-{}", island.bundle()))
        .collect();
        let manifest = include_str!("../../Cargo.toml");
        let line = manifest
            .lines()
            .find(|l| l.starts_with("islands = ["))
            .expect("Cargo.toml has the islands feature");
        let built: BTreeSet<String> = line
            .split('"')
            .skip(1)
            .step_by(2)
            .map(str::to_string)
            .collect();
        assert_eq!(named, built);
    }
}
