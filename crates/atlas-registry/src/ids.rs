//! Atlas's ids: 24 lowercase hexadecimal digits (ObjectIds) for projects, integrations,
//! alert configurations and notifiers.

/// Atlas's project id pattern, `^([a-f0-9]{24})$`.
pub fn is_group_id(s: &str) -> bool {
    s.len() == 24 && s.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn group_id_pattern() {
        assert!(is_group_id("6a79404f2c88faeba59beea6"));
        assert!(!is_group_id("6A79404F2C88FAEBA59BEEA6"));
        assert!(!is_group_id("6a79404f2c88faeba59beea"));
        assert!(!is_group_id("6a79404f2c88faeba59beeag"));
        assert!(!is_group_id("../../etc/passwd0000000000"));
    }
}
