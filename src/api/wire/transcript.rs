//! A call's transcript as the results carry it: `{ messages: [...] }`, or a plain string in
//! older data. Hamming documents no message fields, so the usual names are read: the speaker
//! from `role`, `speaker` or `sender`, the words from `content`, `text` or `message` (a list
//! of `{ text }` parts is joined). Anything else is skipped, never an error.

use serde::{Deserialize, Deserializer};
use serde_json::Value;

use super::CallResult;

/// Field names that may hold who spoke, in the order they are tried.
const ROLE_FIELDS: &[&str] = &["role", "speaker", "sender"];
/// Field names that may hold what was said, in the order they are tried.
const TEXT_FIELDS: &[&str] = &["content", "text", "message"];

/// One message of a transcript: who spoke, when the results say, and the words.
pub type Message = (Option<String>, String);

impl CallResult {
    /// The transcript's messages in order, each as (speaker, words); empty when the results
    /// carry none. Messages without words are skipped.
    pub fn transcript_messages(&self) -> impl Iterator<Item = Message> + '_ {
        self.transcript.iter().cloned()
    }
}

/// Reads a transcript into its messages as the call is read, so a results body of thousands
/// of calls holds each message's two strings, not a tree of JSON values per message.
pub(super) fn messages<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<Message>, D::Error> {
    let items = match Value::deserialize(d)? {
        Value::Object(mut object) => match object.remove("messages") {
            Some(Value::Array(items)) => items,
            _ => Vec::new(),
        },
        Value::Array(items) => items,
        text @ Value::String(_) => vec![text],
        _ => Vec::new(),
    };
    Ok(items.into_iter().filter_map(message).collect())
}

fn message(item: Value) -> Option<Message> {
    let (role, text) = match item {
        Value::String(text) => (None, text),
        Value::Object(mut object) => {
            let role = ROLE_FIELDS
                .iter()
                .find_map(|field| match object.get_mut(*field) {
                    Some(Value::String(role)) => Some(std::mem::take(role)),
                    _ => None,
                });
            let text = TEXT_FIELDS
                .iter()
                .find_map(|field| object.get(*field).and_then(words))?;
            (role, text)
        }
        _ => return None,
    };
    (!text.trim().is_empty()).then_some((role, text))
}

/// Words as a string, or a list of parts (strings or `{ text }` objects) joined by spaces.
fn words(value: &Value) -> Option<String> {
    match value {
        Value::String(text) => Some(text.clone()),
        Value::Array(parts) => {
            let joined: Vec<&str> = parts
                .iter()
                .filter_map(|part| match part {
                    Value::String(text) => Some(text.as_str()),
                    Value::Object(object) => object.get("text").and_then(Value::as_str),
                    _ => None,
                })
                .collect();
            (!joined.is_empty()).then(|| joined.join(" "))
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn read(transcript: Value) -> Vec<(Option<String>, String)> {
        let call: CallResult =
            serde_json::from_value(json!({ "transcript": transcript })).unwrap_or_default();
        call.transcript_messages().collect()
    }

    #[test]
    fn messages_strings_and_parts_are_read() {
        assert_eq!(
            read(json!({ "messages": [
                { "role": "assistant", "content": "Hello" },
                { "speaker": "user", "text": "Hi" },
                { "role": "user", "content": [{ "type": "text", "text": "two" }, "parts"] },
                { "role": "user", "content": "   " },
                { "role": "user" },
                42,
                "plain"
            ] })),
            vec![
                (Some("assistant".into()), "Hello".into()),
                (Some("user".into()), "Hi".into()),
                (Some("user".into()), "two parts".into()),
                (None, "plain".into()),
            ]
        );
        assert_eq!(read(json!("older data")), vec![(None, "older data".into())]);
        assert!(read(json!(null)).is_empty());
        assert!(read(json!({ "messages": "no" })).is_empty());
    }
}
