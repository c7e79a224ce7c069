//! The transcript of a call that did not pass, for the HTML report. It is bounded (a report
//! of hundreds of failing ten-minute calls must still open) and is never written to the JSON
//! report, whose shape it would change: a report re-rendered from JSON links to the
//! transcript instead of showing it.

/// The most messages kept of one transcript.
pub const MAX_MESSAGES: usize = 400;
/// The most characters kept of one transcript, all messages together.
pub const MAX_CHARS: usize = 40_000;
/// The most characters kept of one message.
pub const MAX_MESSAGE_CHARS: usize = 4_000;
/// The most characters kept of a speaker's name.
const MAX_ROLE_CHARS: usize = 40;

/// A bounded transcript.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Transcript {
    pub messages: Vec<TranscriptMessage>,
    /// Messages left out once the transcript reached its bounds.
    pub left_out: usize,
}

/// One message of a transcript.
#[derive(Debug, Clone, PartialEq)]
pub struct TranscriptMessage {
    /// Who spoke, when the results say.
    pub role: Option<String>,
    pub text: String,
    /// The text was cut at `MAX_MESSAGE_CHARS`.
    pub cut: bool,
}

impl Transcript {
    /// Keeps messages in order until a bound is reached and counts the rest; `None` when
    /// there are no messages at all.
    pub fn bounded(messages: impl IntoIterator<Item = (Option<String>, String)>) -> Option<Self> {
        let mut transcript = Self::default();
        let mut chars = 0usize;
        for (role, text) in messages {
            let length = text.chars().count().min(MAX_MESSAGE_CHARS);
            if transcript.messages.len() >= MAX_MESSAGES || chars + length > MAX_CHARS {
                transcript.left_out += 1;
                continue;
            }
            chars += length;
            let (text, cut) = cut(&text, MAX_MESSAGE_CHARS);
            transcript.messages.push(TranscriptMessage {
                role: role
                    .map(|r| cut_to(r.trim(), MAX_ROLE_CHARS))
                    .filter(|r| !r.is_empty()),
                text,
                cut,
            });
        }
        (!transcript.messages.is_empty() || transcript.left_out > 0).then_some(transcript)
    }

    /// Every string of the transcript, for redaction.
    pub fn strings_mut(&mut self) -> impl Iterator<Item = &mut String> {
        self.messages
            .iter_mut()
            .flat_map(|m| m.role.iter_mut().chain(std::iter::once(&mut m.text)))
    }
}

fn cut(text: &str, max: usize) -> (String, bool) {
    match text.char_indices().nth(max) {
        Some((at, _)) => (text[..at].to_owned(), true),
        None => (text.to_owned(), false),
    }
}

fn cut_to(text: &str, max: usize) -> String {
    cut(text, max).0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn transcripts_are_bounded_and_say_what_they_left_out() {
        assert_eq!(Transcript::bounded(Vec::new()), None);
        let long = "x".repeat(MAX_MESSAGE_CHARS + 10);
        let messages = (0..MAX_MESSAGES + 5).map(|i| (Some(format!("speaker {i}")), long.clone()));
        let transcript = Transcript::bounded(messages).unwrap();
        let kept = MAX_CHARS / MAX_MESSAGE_CHARS;
        assert_eq!(transcript.messages.len(), kept);
        assert_eq!(transcript.left_out, MAX_MESSAGES + 5 - kept);
        assert!(transcript.messages.iter().all(|m| m.cut));
        assert_eq!(
            transcript.messages[0].text.chars().count(),
            MAX_MESSAGE_CHARS
        );

        let many = (0..MAX_MESSAGES + 1).map(|_| (None, "ok".to_owned()));
        let transcript = Transcript::bounded(many).unwrap();
        assert_eq!(transcript.messages.len(), MAX_MESSAGES);
        assert_eq!(transcript.left_out, 1);
    }

    #[test]
    fn roles_are_trimmed_and_short() {
        let transcript = Transcript::bounded([
            (Some("  ".to_owned()), "a".to_owned()),
            (Some("r".repeat(100)), "b".to_owned()),
        ])
        .unwrap();
        assert_eq!(transcript.messages[0].role, None);
        assert_eq!(
            transcript.messages[1].role.as_deref().map(str::len),
            Some(40)
        );
    }
}
