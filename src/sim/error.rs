//! Error answers the simulated API gives, shaped like Hamming's error model
//! `{ message, code?, httpStatus?, validationErrors? }`.

use axum::Json;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde_json::{Value, json};

/// An error answer: status, message and optionally the failing field.
#[derive(Debug, Clone)]
pub struct ApiError {
    /// HTTP status.
    pub status: StatusCode,
    /// The `message` field.
    pub message: String,
    /// Path of the offending field, reported in `validationErrors`.
    pub path: Option<Vec<Value>>,
}

impl ApiError {
    /// 400 with a message.
    pub fn bad_request(message: impl Into<String>) -> ApiError {
        ApiError {
            status: StatusCode::BAD_REQUEST,
            message: message.into(),
            path: None,
        }
    }

    /// 400 for a field, zod-style (`Invalid input: expected array, received undefined`).
    pub fn invalid(path: Vec<Value>, expected: &str, received: &Value) -> ApiError {
        ApiError {
            status: StatusCode::BAD_REQUEST,
            message: format!(
                "Invalid input: expected {expected}, received {}",
                kind_of(received)
            ),
            path: Some(path),
        }
    }

    /// 404 with a message.
    pub fn not_found(message: impl Into<String>) -> ApiError {
        ApiError {
            status: StatusCode::NOT_FOUND,
            message: message.into(),
            path: None,
        }
    }

    /// 401.
    pub fn unauthorized() -> ApiError {
        ApiError {
            status: StatusCode::UNAUTHORIZED,
            message: "Unauthorized: missing or invalid API key".to_owned(),
            path: None,
        }
    }

    fn code(&self) -> &'static str {
        match self.status {
            StatusCode::BAD_REQUEST => "BAD_REQUEST",
            StatusCode::UNAUTHORIZED => "UNAUTHORIZED",
            StatusCode::NOT_FOUND => "NOT_FOUND",
            StatusCode::PAYLOAD_TOO_LARGE => "PAYLOAD_TOO_LARGE",
            _ => "ERROR",
        }
    }
}

/// How zod names the type of a JSON value (`undefined` for a missing field).
pub fn kind_of(value: &Value) -> &'static str {
    match value {
        Value::Null => "undefined",
        Value::Bool(_) => "boolean",
        Value::Number(_) => "number",
        Value::String(_) => "string",
        Value::Array(_) => "array",
        Value::Object(_) => "object",
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let mut body = json!({
            "message": self.message,
            "code": self.code(),
            "httpStatus": self.status.as_u16(),
        });
        if let Some(path) = self.path {
            body["validationErrors"] = json!([{ "path": path, "message": self.message }]);
        }
        (self.status, Json(body)).into_response()
    }
}
