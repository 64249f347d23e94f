//! Atlas's `ApiError`: `application/json` (not the versioned type), the `X-Error-Code`
//! header, and `{detail, error, errorCode, parameters, reason}` as recorded
//! (`recorded/…Invalid_Project_ID…_2.snaphost`).

use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use serde_json::{json, Map, Value};

/// One error answer, boxed so `Result<_, ApiError>` stays small; reads go through `Deref`.
#[derive(Debug, Clone)]
pub struct ApiError(Box<ApiErrorBody>);

/// The parts of an error answer. `parameters` are the values interpolated into `detail`.
#[derive(Debug, Clone)]
pub struct ApiErrorBody {
    pub status: StatusCode,
    pub code: &'static str,
    pub detail: String,
    pub parameters: Vec<Value>,
    /// `badRequestDetail.fields` for per-field validation errors. [unverified] Real Atlas
    /// responses seen so far carry none; the spec's `ApiError` schema has it, so a client may
    /// read it but must not depend on it.
    pub field: Option<(String, String)>,
    /// Extra response headers (e.g. `Retry-After`, `WWW-Authenticate`).
    pub headers: Vec<(header::HeaderName, String)>,
}

impl std::ops::Deref for ApiError {
    type Target = ApiErrorBody;
    fn deref(&self) -> &ApiErrorBody {
        &self.0
    }
}

impl ApiError {
    pub fn new(status: StatusCode, code: &'static str, detail: impl Into<String>) -> Self {
        ApiError(Box::new(ApiErrorBody {
            status,
            code,
            detail: detail.into(),
            parameters: Vec::new(),
            field: None,
            headers: Vec::new(),
        }))
    }

    pub fn param(mut self, p: impl Into<Value>) -> Self {
        self.0.parameters.push(p.into());
        self
    }

    pub fn field(mut self, name: impl Into<String>, description: impl Into<String>) -> Self {
        self.0.field = Some((name.into(), description.into()));
        self
    }

    pub fn header(mut self, name: header::HeaderName, value: impl Into<String>) -> Self {
        self.0.headers.push((name, value.into()));
        self
    }

    pub fn body(&self) -> Value {
        let mut obj = Map::new();
        obj.insert("detail".into(), Value::String(self.detail.clone()));
        obj.insert("error".into(), json!(self.status.as_u16()));
        obj.insert("errorCode".into(), Value::String(self.code.into()));
        obj.insert("parameters".into(), Value::Array(self.parameters.clone()));
        obj.insert("reason".into(), Value::String(reason(self.status).into()));
        if let Some((field, description)) = &self.0.field {
            obj.insert(
                "badRequestDetail".into(),
                json!({"fields": [{"field": field, "description": description}]}),
            );
        }
        Value::Object(obj)
    }

    // Constructors for the errors more than one module answers.

    /// 404, recorded: "No group with ID 111111111111111111111111 exists."
    pub fn group_not_found(group_id: &str) -> Self {
        ApiError::new(
            StatusCode::NOT_FOUND,
            "GROUP_NOT_FOUND",
            format!("No group with ID {group_id} exists."),
        )
        .param(group_id)
    }

    /// 400 for a groupId that does not match `^([a-f0-9]{24})$`. [unverified] code and text
    /// follow Atlas's error-code list (`INVALID_GROUP_ID`); not recorded.
    pub fn invalid_group_id(group_id: &str) -> Self {
        ApiError::new(
            StatusCode::BAD_REQUEST,
            "INVALID_GROUP_ID",
            format!("An invalid group ID {group_id} was specified."),
        )
        .param(group_id)
    }

    /// 401 for a valid credential without access to the project. [unverified] Atlas documents
    /// 401 for a key that is not a member of the project's organisation; the code is the one
    /// Terraform handles (`USER_UNAUTHORIZED`, provider PR #664).
    pub fn not_a_member() -> Self {
        ApiError::new(
            StatusCode::UNAUTHORIZED,
            "USER_UNAUTHORIZED",
            "Current user is not authorized to perform this action.",
        )
    }

    /// 403 for a write by a credential that may only read the project. [unverified] code.
    pub fn read_only() -> Self {
        ApiError::new(
            StatusCode::FORBIDDEN,
            "USER_UNAUTHORIZED",
            "Current user is not authorized to perform this action.",
        )
    }

    /// 406 when `Accept` resolves to no version of the resource: missing, not a versioned
    /// type, a malformed or impossible date, or a date before the first version
    /// (`response::resolve_accept`). [unverified] Code and text from third-party notes
    /// (docs/atlas-facts.md), not from Atlas's docs; the spec documents no 406 for these operations.
    pub fn invalid_version() -> Self {
        ApiError::new(
            StatusCode::NOT_ACCEPTABLE,
            "INVALID_VERSION_DATE",
            "Invalid accept header or version date.",
        )
    }

    /// 400 for a query parameter out of range or of the wrong type. [unverified] code.
    pub fn invalid_query(name: &str, value: &str) -> Self {
        ApiError::new(
            StatusCode::BAD_REQUEST,
            "INVALID_QUERY_PARAMETER",
            format!("Invalid value {value} for query parameter {name}."),
        )
        .param(name)
        .param(value)
    }

    /// 500 for a fault rule without a matching code.
    pub fn unexpected() -> Self {
        ApiError::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            "UNEXPECTED_ERROR",
            "Unexpected error.",
        )
    }
}

/// The reason phrase Atlas puts in `reason` ("Not Found", "Unauthorized", …).
pub fn reason(status: StatusCode) -> &'static str {
    status.canonical_reason().unwrap_or("Error")
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let body = self.body().to_string();
        let mut resp = (self.status, body).into_response();
        let headers = resp.headers_mut();
        headers.insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/json"),
        );
        if let Ok(v) = HeaderValue::from_str(self.code) {
            headers.insert("x-error-code", v);
        }
        for (name, value) in self.0.headers {
            if let Ok(v) = HeaderValue::from_str(&value) {
                headers.insert(name, v);
            }
        }
        resp
    }
}
