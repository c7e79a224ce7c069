//! The HTTP surface: routes under `/api/rest`, and the layer every request passes through
//! (recording, fault injection, authentication).

use std::collections::HashMap;
use std::sync::Arc;
use std::time::Instant;

use axum::body::{Body, Bytes, to_bytes};
use axum::extract::{Path, Query, Request, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Extension, Json, Router};
use serde_json::Value;

use super::error::ApiError;
use super::faults::{FAULT_HEADER, FaultSpec, rewrite, spoil};
use super::hostile::{echoed_credentials, with_run_id};
use super::record::RecordedRequest;
use super::state::SimState;
use super::workspace::RunOutcome;
use super::{catalog, create, legacy, results};

/// The API prefix, as on `https://app.hamming.ai/api/rest`.
pub const PREFIX: &str = "/api/rest";

/// Largest request body accepted.
const MAX_BODY: usize = 1 << 20;

/// A run outcome forced by a fault, handed from the layer to the create handlers.
#[derive(Debug, Clone, Copy, Default)]
struct ForcedOutcome(Option<RunOutcome>);

type Shared = State<Arc<SimState>>;
type Answer = Result<Json<Value>, ApiError>;

/// The router with every route and the request layer.
pub fn router(state: Arc<SimState>) -> Router {
    let api = Router::new()
        .route("/test-runs/test-inbound-agent", post(create_run))
        .route("/test-runs/{id}/status", get(run_status))
        .route("/test-runs/{id}/results", get(run_results))
        .route("/test-case-runs/{id}/details", get(call_details))
        .route("/agents", get(agents))
        .route("/agents/{id}/test-tags", get(agent_tags))
        .route("/test-tags", get(tags))
        .route("/test-cases", get(test_cases))
        .route("/datasets", get(datasets))
        .route("/voice-agent/{id}/run", post(legacy_run))
        .route("/voice-experiment/{id}", get(legacy_experiment))
        .route("/voice-experiment/{id}/calls", get(legacy_calls));
    Router::new()
        .nest(PREFIX, api)
        .fallback(not_found)
        .layer(middleware::from_fn_with_state(state.clone(), gate))
        .with_state(state)
}

async fn not_found(request: Request) -> ApiError {
    ApiError::not_found(format!(
        "No route for {} {}",
        request.method(),
        request.uri().path()
    ))
}

/// The headers that may carry the key without a scheme, as Hamming's LiveKit plugin sends
/// it beside the bearer header.
const KEY_HEADERS: [&str; 2] = ["x-api-key", "x-workspace-key"];

/// Whether the request carries an accepted key: as `Authorization: Bearer`, `X-API-Key` or
/// `X-Workspace-Key`. At least one must be there, and every one that is there must hold an
/// accepted key, so a client that sends two different keys is told so.
fn authorized(state: &SimState, headers: &HeaderMap) -> bool {
    let mut keys: Vec<Option<&str>> = Vec::new();
    for value in headers.get_all(header::AUTHORIZATION) {
        keys.push(value.to_str().ok().and_then(|v| {
            let (scheme, token) = v.split_once(' ')?;
            scheme.eq_ignore_ascii_case("bearer").then_some(token)
        }));
    }
    for name in KEY_HEADERS {
        for value in headers.get_all(name) {
            keys.push(value.to_str().ok());
        }
    }
    !keys.is_empty()
        && keys.iter().all(|key| {
            let token = key.map(str::trim).unwrap_or_default();
            !token.is_empty()
                && match &state.ws.api_keys {
                    Some(accepted) => accepted.iter().any(|k| k == token),
                    None => true,
                }
        })
}

/// Every request: buffer and record it, apply a fault if one is asked for or a rule fires,
/// check the key, run the handler.
async fn gate(State(state): Shared, request: Request, next: Next) -> Response {
    let (mut parts, body) = request.into_parts();
    let method = parts.method.as_str().to_owned();
    let path = parts.uri.path().to_owned();
    let Ok(bytes) = to_bytes(body, MAX_BODY).await else {
        let record = RecordedRequest::new(&method, &path, parts.uri.query(), b"");
        let error = ApiError {
            status: StatusCode::PAYLOAD_TOO_LARGE,
            message: "request body is larger than 1 MiB or could not be read".to_owned(),
            path: None,
        };
        return finish(&state, record, error.into_response());
    };
    let mut record = RecordedRequest::new(&method, &path, parts.uri.query(), &bytes);

    let header_fault = parts
        .headers
        .get(FAULT_HEADER)
        .map(|v| FaultSpec::parse(v.to_str().unwrap_or("")));
    let fault = match header_fault {
        Some(Ok(spec)) => Some(spec),
        Some(Err(e)) => {
            let response = ApiError::bad_request(format!("invalid {FAULT_HEADER} header: {e}"))
                .into_response();
            return finish(&state, record, response);
        }
        None => {
            let relative = path.strip_prefix(PREFIX).unwrap_or(&path);
            state.faults.pick(&method, relative)
        }
    };
    let fault = fault.unwrap_or_default();
    let credentials = echoed_credentials(&parts.headers);

    if !fault.after_handler
        && let Some(delay) = fault.delay
    {
        pause(&state, delay).await;
    }
    if fault.no_response {
        state.log.push(record);
        state.until_shutdown().await;
        return StatusCode::SERVICE_UNAVAILABLE.into_response();
    }
    if let Some(redirect) = &fault.redirect {
        let target = parts
            .uri
            .path_and_query()
            .map(|p| p.as_str().to_owned())
            .unwrap_or(path.clone());
        return finish(&state, record, redirect.response(&state.origin, &target));
    }
    if !fault.after_handler
        && let Some(response) = fault.error_response(&credentials)
    {
        return finish(&state, record, response);
    }
    if !authorized(&state, &parts.headers) {
        return finish(&state, record, ApiError::unauthorized().into_response());
    }

    parts.extensions.insert(ForcedOutcome(fault.run));
    let response = next
        .run(Request::from_parts(parts, Body::from(bytes)))
        .await;

    if fault.after_handler
        && let Some(delay) = fault.delay
    {
        // The request took effect; its answer is held back (a client may give up, or be
        // killed, while it waits).
        pause(&state, delay).await;
    }
    if fault.after_handler
        && let Some(error) = fault.error_response(&credentials)
    {
        return finish(&state, record, error);
    }
    let response = transform(response, &fault).await;
    record.status = Some(response.status().as_u16());
    state.log.push(record);
    response
}

/// Waits, unless the simulator shuts down first.
async fn pause(state: &SimState, delay: std::time::Duration) {
    tokio::select! {
        () = tokio::time::sleep(delay) => {}
        () = state.until_shutdown() => {}
    }
}

/// Applies the faults that change a real answer: a spoiled body, a create answer that names
/// no run, a replaced run id, a rewritten body.
async fn transform(response: Response, fault: &FaultSpec) -> Response {
    if fault.payload.is_none()
        && fault.rewrite.is_none()
        && fault.reply.is_none()
        && fault.run_id.is_none()
    {
        return response;
    }
    let (parts, body) = response.into_parts();
    let body = to_bytes(body, usize::MAX).await.unwrap_or_default();
    if let Some(payload) = fault.payload {
        return spoil(payload, parts.status, body);
    }
    if let Some(reply) = fault.reply
        && parts.status.is_success()
    {
        return reply.response(parts.status, &body);
    }
    let (status, body) = match &fault.run_id {
        Some(id) if parts.status.is_success() => {
            let (parts, body) = with_run_id(id, parts.status, &body).into_parts();
            (
                parts.status,
                to_bytes(body, usize::MAX).await.unwrap_or_default(),
            )
        }
        _ => (parts.status, body),
    };
    match &fault.rewrite {
        Some(how) => rewrite(how, status, body),
        None => (status, [(header::CONTENT_TYPE, "application/json")], body).into_response(),
    }
}

fn finish(state: &SimState, mut record: RecordedRequest, response: Response) -> Response {
    record.status = Some(response.status().as_u16());
    state.log.push(record);
    response
}

async fn create_run(
    State(state): Shared,
    Extension(forced): Extension<ForcedOutcome>,
    body: Bytes,
) -> Answer {
    create::create_run(&state, &body, forced.0).map(Json)
}

async fn run_status(State(state): Shared, Path(id): Path<String>) -> Answer {
    let now = Instant::now();
    let runs = state.runs();
    let run = runs.get(&id, now).ok_or_else(|| unknown_run(&id))?;
    Ok(Json(results::status_body(run, now)))
}

async fn run_results(State(state): Shared, Path(id): Path<String>) -> Answer {
    let now = Instant::now();
    // Clone the run out so building a large body does not hold the lock.
    let run = state
        .runs()
        .get(&id, now)
        .cloned()
        .ok_or_else(|| unknown_run(&id))?;
    Ok(Json(results::results_body(
        &state.ws,
        &state.index,
        &run,
        now,
    )))
}

async fn call_details(State(state): Shared, Path(id): Path<String>) -> Answer {
    let now = Instant::now();
    let runs = state.runs();
    let (run, call) = runs
        .call(&id, now)
        .ok_or_else(|| ApiError::not_found(format!("Test case run not found: {id}")))?;
    Ok(Json(results::details_body(run, call, now)))
}

fn unknown_run(id: &str) -> ApiError {
    ApiError::not_found(format!("Test run not found: {id}"))
}

async fn agents(State(state): Shared) -> Json<Value> {
    Json(catalog::agents(&state.ws))
}

async fn agent_tags(
    State(state): Shared,
    Path(id): Path<String>,
    Query(query): Query<HashMap<String, String>>,
) -> Answer {
    catalog::tags(&state.ws, &state.index, &query, Some(&id), true).map(Json)
}

async fn tags(State(state): Shared, Query(query): Query<HashMap<String, String>>) -> Answer {
    catalog::tags(&state.ws, &state.index, &query, None, false).map(Json)
}

async fn test_cases(State(state): Shared, Query(query): Query<HashMap<String, String>>) -> Answer {
    catalog::test_cases(&state.ws, &state.index, &query).map(Json)
}

async fn datasets(State(state): Shared) -> Json<Value> {
    Json(catalog::datasets(&state.ws))
}

async fn legacy_run(
    State(state): Shared,
    Path(agent): Path<String>,
    Extension(forced): Extension<ForcedOutcome>,
    body: Bytes,
) -> Answer {
    legacy::run(&state, &agent, &body, forced.0).map(Json)
}

async fn legacy_experiment(State(state): Shared, Path(id): Path<String>) -> Answer {
    let now = Instant::now();
    let store = state.experiments();
    let run = store.get(&id, now).ok_or_else(|| unknown_experiment(&id))?;
    Ok(Json(legacy::experiment(run, now)))
}

async fn legacy_calls(State(state): Shared, Path(id): Path<String>) -> Answer {
    let now = Instant::now();
    let run = state
        .experiments()
        .get(&id, now)
        .cloned()
        .ok_or_else(|| unknown_experiment(&id))?;
    Ok(Json(legacy::calls(&state, &run, now)))
}

fn unknown_experiment(id: &str) -> ApiError {
    ApiError::not_found(format!("Voice experiment not found: {id}"))
}
