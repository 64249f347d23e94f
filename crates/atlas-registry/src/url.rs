//! The one reading of a URL's parts that masking, hints and validation share: no URL crate
//! in the browser bundle for three splits.

/// `(scheme, authority, rest)`: the authority is what lies between `://` and the first `/`,
/// `?` or `#`; the rest starts there. `None` without `://`.
pub fn split_url(url: &str) -> Option<(&str, &str, &str)> {
    let (scheme, after) = url.split_once("://")?;
    let end = after.find(['/', '?', '#']).unwrap_or(after.len());
    let (authority, rest) = after.split_at(end);
    Some((scheme, authority, rest))
}

#[cfg(test)]
mod tests {
    use super::split_url;

    #[test]
    fn splits_at_the_first_path_query_or_fragment() {
        assert_eq!(
            split_url("https://u:p@h.example:8443/a?b#c"),
            Some(("https", "u:p@h.example:8443", "/a?b#c"))
        );
        assert_eq!(
            split_url("https://h.example?t=1"),
            Some(("https", "h.example", "?t=1"))
        );
        assert_eq!(
            split_url("https://h.example"),
            Some(("https", "h.example", ""))
        );
        assert_eq!(split_url("no scheme"), None);
    }
}
