//! Ids of the local provider, shaped like EC2's: a prefix, a dash and 17 hex digits.

const HEX_DIGITS: usize = 17;

/// Generates a new id with `prefix` (`vol`, `snap` or `i`).
pub(crate) fn generate(prefix: &str) -> String {
    let hex = uuid::Uuid::new_v4().simple().to_string();
    format!("{prefix}-{}", &hex[..HEX_DIGITS])
}

/// Tells whether `id` has the shape of an id this provider generates, so it is safe to use
/// in a file name.
pub(crate) fn is_generated(id: &str) -> bool {
    let Some((prefix, hex)) = id.split_once('-') else {
        return false;
    };
    matches!(prefix, "vol" | "snap" | "i")
        && hex.len() == HEX_DIGITS
        && hex
            .bytes()
            .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn generated_ids_are_recognised() {
        for prefix in ["vol", "snap", "i"] {
            assert!(is_generated(&generate(prefix)));
        }
    }

    #[test]
    fn foreign_ids_are_not_recognised() {
        for id in [
            "vol-../../etc",
            "vol-0123456789ABCDEF0",
            "vol-0123",
            "x-0123456789abcdef0",
            "",
            "vol",
        ] {
            assert!(!is_generated(id), "{id}");
        }
    }
}
