//! One module per page, plus the pieces they share.

pub mod advisories;
pub mod alert_switch;
pub mod alerts;
pub mod fleet;
pub mod fleet_apply;
pub mod fleet_export;
pub mod fleet_rotate;
pub mod fleet_run;
pub mod form;
pub mod history;
pub mod integration;
pub mod layout;
pub mod login;
pub mod project;
pub mod projects;
