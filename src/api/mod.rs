//! Talking to Hamming: the wire format (`wire`, the only place that knows it) and the HTTP
//! client with its retry rules.

mod lenient;
pub mod wire;
