//! Talking to Hamming: the wire format (`wire`, the only place that knows it) and the HTTP
//! client with its retry rules.

pub mod client;
pub mod error;
pub mod host;
pub mod key;
mod lenient;
pub mod retry;
pub mod wire;

pub use client::{BASE_URL_ENV, Client, ClientOptions, DEFAULT_BASE_URL, parse_base_url};
pub use error::ApiError;
pub use key::{ApiKey, KEY_ENV};
