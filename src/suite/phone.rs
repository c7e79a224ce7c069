//! Phone numbers in E.164 form (`+`, the country code, 7 to 15 digits in all), and the form a
//! malformed number was most likely meant as, for the hints of the suite file and of the v2
//! environment alike.

/// Whether `text` is an E.164 number.
pub fn is_e164(text: &str) -> bool {
    let Some(digits) = text.strip_prefix('+') else {
        return false;
    };
    (7..=15).contains(&digits.len())
        && !digits.starts_with('0')
        && digits.chars().all(|c| c.is_ascii_digit())
}

/// The E.164 number `text` was most likely meant as, when one is plausible: ten digits are
/// a North American number written without its country code (`4155550100` is
/// `+14155550100`, not the Swiss-looking `+4155550100`); otherwise the digits after a `00`
/// or `+` international prefix, blanks and dashes dropped.
pub fn likely_e164(text: &str) -> Option<String> {
    let digits: String = text.chars().filter(char::is_ascii_digit).collect();
    let has_prefix = text.trim_start().starts_with('+') || digits.starts_with("00");
    let candidate = if digits.len() == 10 && !has_prefix {
        format!("+1{digits}")
    } else {
        format!("+{}", digits.trim_start_matches('0'))
    };
    is_e164(&candidate).then_some(candidate)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn recognises_e164() {
        assert!(is_e164("+14155550100"));
        assert!(is_e164("+442071838750"));
        assert!(!is_e164("14155550100"));
        assert!(!is_e164("+1-415-555-0100"));
        assert!(!is_e164("+0123456789"));
        assert!(!is_e164("+123456"));
    }

    #[test]
    fn ten_digits_are_a_north_american_number() {
        assert_eq!(likely_e164("4155550100").as_deref(), Some("+14155550100"));
        assert_eq!(
            likely_e164("(415) 555-0100").as_deref(),
            Some("+14155550100")
        );
        assert_eq!(
            likely_e164("+1 415 555 0100").as_deref(),
            Some("+14155550100")
        );
        assert_eq!(
            likely_e164("0044 20 7183 8750").as_deref(),
            Some("+442071838750")
        );
        assert_eq!(likely_e164("14155550100").as_deref(), Some("+14155550100"));
        assert_eq!(likely_e164("12"), None);
    }
}
