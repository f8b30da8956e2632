//! The portable label rule, the same on every provider.

use crate::error::{Error, ErrorKind, Result};

/// Shortest allowed label, in characters.
pub const MIN_LABEL_LEN: usize = 3;
/// Maximum label length, in characters.
pub const MAX_LABEL_LEN: usize = 63;

/// Checks a label against the portable rule: 3 to 63 characters of lowercase letters, digits
/// and dashes, starting with a letter, not ending with a dash, with no two dashes in a row.
///
/// The rule is the intersection of what every supported cloud accepts in a name or tag, so a
/// label that passes here is accepted everywhere. The error names the label and the rule it
/// breaks.
pub fn validate_label(label: &str) -> Result<()> {
    let problem = label_problem(label);
    match problem {
        None => Ok(()),
        Some(problem) => Err(Error::new(
            ErrorKind::InvalidLabel,
            format!(
                "invalid label {label:?}: {problem}; a label has 3 to 63 lowercase letters, \
                 digits and dashes, starts with a letter, does not end with a dash and has no \
                 two dashes in a row"
            ),
        )),
    }
}

fn label_problem(label: &str) -> Option<String> {
    let length = label.chars().count();
    if length < MIN_LABEL_LEN {
        return Some(format!(
            "it has {length} character{}, fewer than {MIN_LABEL_LEN}",
            if length == 1 { "" } else { "s" }
        ));
    }
    if length > MAX_LABEL_LEN {
        return Some(format!(
            "it has {length} characters, more than {MAX_LABEL_LEN}"
        ));
    }
    if let Some(bad) = label
        .chars()
        .find(|c| !(c.is_ascii_lowercase() || c.is_ascii_digit() || *c == '-'))
    {
        return Some(format!("it contains {bad:?}"));
    }
    if !label.starts_with(|c: char| c.is_ascii_lowercase()) {
        return Some("it does not start with a letter".to_string());
    }
    if label.ends_with('-') {
        return Some("it ends with a dash".to_string());
    }
    if label.contains("--") {
        return Some("it has two dashes in a row".to_string());
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn valid_labels_pass() {
        for label in ["abc", "cloudbridge-vol", "a1-b2-c3", &"a".repeat(63)] {
            assert!(validate_label(label).is_ok(), "{label}");
        }
    }

    #[test]
    fn invalid_labels_name_the_broken_rule() {
        let cases = [
            ("ab", "fewer than 3"),
            (&"a".repeat(64) as &str, "more than 63"),
            ("Abc", "contains 'A'"),
            ("ab_c", "contains '_'"),
            ("héllo", "contains 'é'"),
            ("1abc", "does not start with a letter"),
            ("-abc", "does not start with a letter"),
            ("abc-", "ends with a dash"),
            ("ab--c", "two dashes in a row"),
            ("", "fewer than 3"),
        ];
        for (label, expected) in cases {
            let error = validate_label(label).unwrap_err();
            assert_eq!(error.kind(), ErrorKind::InvalidLabel);
            assert!(error.message().contains(expected), "{label}: {error}");
        }
    }
}
