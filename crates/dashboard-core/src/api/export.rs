//! Export as code (`/fleet/export`): the fleet's integrations, filtered as the matrix is
//! (`q`, `has`, `lacks`, `region`) or one project, as Terraform, Kubernetes manifests for the
//! Atlas operator, or JSON (`atlas-export` writes them; docs/export.md). A download, not a
//! server function: the answer is a file, streamed project by project as Atlas answers, so a
//! 1,000-project fleet is never held whole; `web::export` serves it. Nothing a secret: the
//! generator writes variables, empty Secrets or masked hints only.

#[cfg(feature = "ssr")]
pub use ssr::{export, ExportRequest};

#[cfg(feature = "ssr")]
mod ssr {
    use std::sync::{Arc, Mutex};

    use bytes::Bytes;
    use futures::{Stream, StreamExt};

    use atlas_export::{Export, Format};

    use crate::api::alerts::alert_counts;
    use crate::api::fleet::{row_state, with_alert_counts, FleetFilter, RowState};
    use crate::api::fleet_advice::CellAlerts;
    use crate::api::{input, lookup};
    use crate::error::AppError;
    use crate::i18n;
    use crate::server::UserAtlas;

    fn counted(
        state: RowState,
        counts: &Option<Vec<(atlas_registry::IntegrationKind, CellAlerts)>>,
    ) -> RowState {
        match counts {
            Some(counts) => with_alert_counts(state, counts),
            None => state,
        }
    }

    /// What the download's URL asks for.
    #[derive(Clone, Debug, Default, serde::Deserialize)]
    pub struct ExportRequest {
        #[serde(default)]
        pub format: String,
        /// One project's id: only that project, and the filter is not used.
        #[serde(default)]
        pub project: String,
        /// The matrix's filter, as its URL says it (`q`, `has`, `lacks`, `region`).
        #[serde(default)]
        pub q: String,
        #[serde(default)]
        pub has: String,
        #[serde(default)]
        pub lacks: String,
        #[serde(default)]
        pub region: String,
        #[serde(default)]
        pub advice: String,
        #[serde(default)]
        pub alerts: String,
    }

    /// The format and the file's bytes as they come. Everything the request says is checked,
    /// and the projects listed, before the first byte: a bad request or a lost session is an
    /// error, never half a file.
    pub async fn export(
        atlas: UserAtlas,
        request: ExportRequest,
    ) -> Result<(Format, impl Stream<Item = Bytes> + Send), AppError> {
        let format = Format::from_name(request.format.trim()).ok_or_else(|| {
            AppError::BadRequest(format!(
                "not an export format: {:?} (terraform, kubernetes or json)",
                request.format.chars().take(40).collect::<String>()
            ))
        })?;
        let (filter, ignored) = FleetFilter::from_url(|name| {
            use crate::links::fleet_param as param;
            match name {
                param::Q => request.q.clone(),
                param::HAS => request.has.clone(),
                param::LACKS => request.lacks.clone(),
                param::REGION => request.region.clone(),
                param::ADVICE => request.advice.clone(),
                param::ALERTS => request.alerts.clone(),
                _ => String::new(),
            }
        });
        if let Some(name) = ignored.first() {
            return Err(AppError::BadRequest(format!("unknown value of {name}")));
        }
        let one = match request.project.trim() {
            "" => None,
            id => Some(input::group_id(id)?),
        };
        let mut projects: Vec<(String, String)> = atlas
            .all_projects()
            .await?
            .into_iter()
            .filter(|p| match &one {
                Some(id) => &p.id == id,
                None => lookup::search_matches(p, &filter.q),
            })
            .map(|p| (p.id, p.name))
            .collect();
        if let (Some(id), true) = (&one, projects.is_empty()) {
            return Err(AppError::NotFound(id.clone()));
        }
        projects.sort_by(|a, b| (a.1.to_lowercase(), &a.0).cmp(&(b.1.to_lowercase(), &b.0)));
        // One generator for the whole file, shared by the chunks and the last one.
        let export = Arc::new(Mutex::new(Export::new(format)));
        let begin = Bytes::from(
            export
                .lock()
                .unwrap_or_else(|poisoned| poisoned.into_inner())
                .begin(),
        );
        // An alert advisory in the filter needs each project's alert counts, as the matrix.
        let counts_alerts = filter.counts_alerts();
        let reads = lookup::bounded(lookup::slots_for(&atlas), projects, move |(id, name)| {
            let atlas = atlas.clone();
            async move {
                let (answer, configs) = if counts_alerts {
                    futures::join!(
                        atlas.integrations_or_reason(&id),
                        atlas.alert_configs_if_visible(&id)
                    )
                } else {
                    (atlas.integrations_or_reason(&id).await, None)
                };
                // Unread alerts leave the counts unknown, never zero.
                let counts = match (&answer, configs) {
                    (Ok(list), Some(configs)) => Some(alert_counts(list, &configs)),
                    _ => None,
                };
                (id, name, answer, counts)
            }
        });
        let for_projects = export.clone();
        let projects = reads.filter_map(move |(id, name, answer, counts)| {
            let mut export = for_projects
                .lock()
                .unwrap_or_else(|poisoned| poisoned.into_inner());
            let chunk = match answer {
                // A project whose cells do not match the filter is left out, as the matrix
                // leaves out its row.
                Ok(list) if !filter.matches(&counted(row_state(Ok(list.clone())), &counts)) => None,
                Ok(list) => Some(export.project(&id, &name, &list)),
                Err(error) => {
                    let reason = i18n::error_message(&error);
                    Some(export.unreadable(&id, &name, &reason))
                }
            };
            let chunk = chunk.and_then(|bytes| {
                bytes
                    .map_err(|e| tracing::warn!(error = %e, "export: a project left out"))
                    .ok()
            });
            futures::future::ready(chunk.map(Bytes::from))
        });
        let last = futures::stream::once(async move {
            let mut export = export.lock().unwrap_or_else(|p| p.into_inner());
            match export.finish() {
                Ok(bytes) => Bytes::from(bytes),
                Err(e) => {
                    tracing::warn!(error = %e, "export: the file could not be finished");
                    Bytes::new()
                }
            }
        });
        let body = futures::stream::once(async { begin })
            .chain(projects)
            .chain(last);
        Ok((format, body))
    }
}
