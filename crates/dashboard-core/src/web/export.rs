//! `GET /fleet/export/download?format=&q=&has=&lacks=&region=` (or `&project=`): the export
//! as a file (`api::export`), streamed as Atlas answers. A plain link and a plain GET form
//! reach it, so it works without JavaScript. Signed out, it goes to the login page and back.

use axum::body::Body;
use axum::extract::{Query, State};
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use futures::StreamExt;
use tower_sessions::Session;

use crate::api::export::{export, ExportRequest};
use crate::error::AppError;
use crate::links;
use crate::server::{load_user, AppState, UserAtlas};

pub async fn download(
    State(state): State<AppState>,
    session: Session,
    uri: axum::http::Uri,
    Query(request): Query<ExportRequest>,
) -> Response {
    let Some(user) = load_user(&session, state.settings.session_max, &state.session_keys).await
    else {
        let here = uri
            .path_and_query()
            .map_or(links::FLEET_EXPORT, |pq| pq.as_str());
        return Redirect::to(&links::login_then(here)).into_response();
    };
    let atlas = UserAtlas::for_user(state, user).await;
    match export(atlas, request).await {
        Ok((format, body)) => {
            let disposition = format!("attachment; filename=\"{}\"", format.file_name());
            let mut response =
                Body::from_stream(body.map(Ok::<_, std::convert::Infallible>)).into_response();
            let headers = response.headers_mut();
            headers.insert(
                header::CONTENT_TYPE,
                HeaderValue::from_static(format.content_type()),
            );
            if let Ok(value) = HeaderValue::from_str(&disposition) {
                headers.insert(header::CONTENT_DISPOSITION, value);
            }
            // What a person's Atlas holds: never kept by a cache on the way.
            headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
            response
        }
        Err(AppError::NotSignedIn) => {
            Redirect::to(&links::login_then(links::FLEET_EXPORT)).into_response()
        }
        Err(error) => {
            let status =
                StatusCode::from_u16(error.status()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
            (status, crate::i18n::error_message(&error)).into_response()
        }
    }
}
