//! Text from Atlas (project names, plain settings, a dashboard's reasons) written into HCL,
//! YAML and comments. Nothing is trusted: a project name may hold quotes, `${`, `%{`,
//! newlines or markup, and each is written so that the reader's parser gets the text back,
//! never a new attribute, line or template.

use std::fmt::Write;

/// Characters always written as `\u` escapes: controls (a newline would end a comment; C1
/// controls and DEL are not printable YAML), the Unicode line and paragraph separators (line
/// breaks to YAML 1.1 and some editors), the byte-order mark and the two noncharacters YAML
/// refuses, and the bidirectional controls, which reorder what a reviewer sees ("Trojan
/// Source", CVE-2021-42574).
fn needs_escape(c: char) -> bool {
    c.is_control()
        || matches!(
            c,
            '\u{2028}'
                | '\u{2029}'
                | '\u{feff}'
                | '\u{fffe}'
                | '\u{ffff}'
                | '\u{200e}'
                | '\u{200f}'
                | '\u{202a}'..='\u{202e}'
                | '\u{2066}'..='\u{2069}'
        )
}

/// `\uXXXX`, or `\UXXXXXXXX` past the basic plane: the same spelling in HCL and YAML.
fn push_unicode_escape(out: &mut String, c: char) {
    let code = u32::from(c);
    // Writing into a String cannot fail.
    let _ = if code <= 0xffff {
        write!(out, "\\u{code:04X}")
    } else {
        write!(out, "\\U{code:08X}")
    };
}

/// The escapes HCL and YAML double-quoted strings share: quote, backslash, `\n`, `\r`, `\t`,
/// and `\u` for the rest of [`needs_escape`].
fn push_common(out: &mut String, c: char) {
    match c {
        '"' => out.push_str("\\\""),
        '\\' => out.push_str("\\\\"),
        '\n' => out.push_str("\\n"),
        '\r' => out.push_str("\\r"),
        '\t' => out.push_str("\\t"),
        c if needs_escape(c) => push_unicode_escape(out, c),
        c => out.push(c),
    }
}

/// A quoted HCL string literal whose value is `text`. HCL strings are templates: `${` and
/// `%{` start an interpolation or a directive, so they are written `$${` and `%%{`.
pub(crate) fn hcl_string(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 2);
    out.push('"');
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '$' | '%' if chars.peek() == Some(&'{') => {
                out.push(c);
                out.push(c);
            }
            c => push_common(&mut out, c),
        }
    }
    out.push('"');
    out
}

/// A YAML double-quoted scalar whose value is `text`: the one YAML style where every
/// character can be escaped, so no value can start a comment, a new key or a document.
pub(crate) fn yaml_string(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 2);
    out.push('"');
    for c in text.chars() {
        push_common(&mut out, c);
    }
    out.push('"');
    out
}

/// `text` in quotes, for a `#` comment line in HCL or YAML: escaped as in a string, so it
/// stays on its line and a reader sees exactly where it starts and ends.
pub(crate) fn quoted_for_comment(text: &str) -> String {
    yaml_string(text)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hcl_strings_escape_quotes_templates_and_line_breaks() {
        assert_eq!(hcl_string("plain"), r#""plain""#);
        assert_eq!(hcl_string(r#"a "b" \c"#), r#""a \"b\" \\c""#);
        assert_eq!(hcl_string("${var.x} %{if}"), r#""$${var.x} %%{if}""#);
        // A dollar not before a brace stays single; `$${` in the input stays literal.
        // HCL reads `$$${x}` as `$` and the escape `$${`: the input back.
        assert_eq!(hcl_string("$5 $${x}"), r#""$5 $$${x}""#);
        assert_eq!(hcl_string("100%"), r#""100%""#);
        assert_eq!(hcl_string("a\nb\r\tc"), r#""a\nb\r\tc""#);
        assert_eq!(hcl_string("x\u{0}y\u{7f}"), r#""x\u0000y\u007F""#);
        assert_eq!(
            hcl_string("l\u{2028}p\u{2029}\u{202e}"),
            r#""l\u2028p\u2029\u202E""#
        );
        assert_eq!(hcl_string("<img onerror=x>"), r#""<img onerror=x>""#);
        assert_eq!(hcl_string("Prod 本番 🚀"), "\"Prod 本番 🚀\"");
    }

    #[test]
    fn yaml_strings_escape_everything_that_could_end_the_scalar() {
        assert_eq!(yaml_string("a: b # c"), r#""a: b # c""#);
        assert_eq!(yaml_string("x\"\n---\n- y"), r#""x\"\n---\n- y""#);
        assert_eq!(yaml_string("${x} %{y}"), r#""${x} %{y}""#);
        assert_eq!(
            yaml_string("\u{85}\u{feff}\u{10ffff}"),
            "\"\\u0085\\uFEFF\u{10ffff}\""
        );
        assert!(!quoted_for_comment("a\nb\rc\u{2028}d").contains(['\n', '\r', '\u{2028}']));
    }

    #[test]
    fn astral_controls_use_the_long_escape() {
        let mut out = String::new();
        push_unicode_escape(&mut out, '\u{e0001}');
        assert_eq!(out, "\\U000E0001");
    }
}
