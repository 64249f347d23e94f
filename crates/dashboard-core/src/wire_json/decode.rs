//! The decoder: JSON our server wrote (objects, arrays, strings with every escape, `true`,
//! `false`, `null`, integers) read into any `Deserialize` type; a float is refused, nesting
//! stops at [`MAX_DEPTH`], an error is a fixed message with its position.

use serde::de::{self, DeserializeOwned, IntoDeserializer, Visitor};

/// Why a text could not be read: a fixed message (formatting serde's own would bring back the
/// float formatting) and the byte offset where reading stopped.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Error {
    pub what: &'static str,
    pub at: usize,
}

impl std::fmt::Display for Error {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.what)?;
        f.write_str(" (JSON)")
    }
}

impl std::error::Error for Error {}

// Every message serde would build from its arguments is replaced by a fixed one: the
// arguments' `Display` (an `Unexpected::Float` among them) is then never linked.
impl de::Error for Error {
    fn custom<T: std::fmt::Display>(_msg: T) -> Self {
        Error::at("not the value expected", 0)
    }
    fn invalid_type(_unexp: de::Unexpected, _exp: &dyn de::Expected) -> Self {
        Error::at("a value of the wrong type", 0)
    }
    fn invalid_value(_unexp: de::Unexpected, _exp: &dyn de::Expected) -> Self {
        Error::at("a value out of range", 0)
    }
    fn invalid_length(_len: usize, _exp: &dyn de::Expected) -> Self {
        Error::at("a list of the wrong length", 0)
    }
    fn unknown_variant(_variant: &str, _expected: &'static [&'static str]) -> Self {
        Error::at("an unknown variant", 0)
    }
    fn unknown_field(_field: &str, _expected: &'static [&'static str]) -> Self {
        Error::at("an unknown field", 0)
    }
    fn missing_field(_field: &'static str) -> Self {
        Error::at("a missing field", 0)
    }
    fn duplicate_field(_field: &'static str) -> Self {
        Error::at("a field given twice", 0)
    }
}

impl Error {
    fn at(what: &'static str, at: usize) -> Self {
        Error { what, at }
    }

    /// Bytes that are not text at all (the codec's check, before any reading).
    pub(super) fn not_utf8() -> Self {
        Error::at("an answer that is not UTF-8", 1)
    }
}

/// Reads `text` as a `T`; the whole text must be one value (whitespace around it allowed).
pub fn from_str<T: DeserializeOwned>(text: &str) -> Result<T, Error> {
    let mut reader = Reader {
        text: text.as_bytes(),
        pos: 0,
        depth: 0,
    };
    let value = T::deserialize(&mut reader).map_err(|e| reader.locate(e))?;
    reader.skip_space();
    if reader.pos != reader.text.len() {
        return Err(Error::at("text after the value", reader.pos));
    }
    Ok(value)
}

struct Reader<'a> {
    text: &'a [u8],
    pos: usize,
    /// Arrays and objects open around `pos`.
    depth: usize,
}

/// Nesting deeper than this is refused rather than recursed into (our answers nest a few
/// levels; a hostile text must not exhaust the stack).
const MAX_DEPTH: usize = 64;

impl<'a> Reader<'a> {
    /// An error raised by a visitor has no position yet: it is where reading stopped.
    fn locate(&self, e: Error) -> Error {
        if e.at == 0 {
            Error::at(e.what, self.pos)
        } else {
            e
        }
    }

    fn fail<T>(&self, what: &'static str) -> Result<T, Error> {
        Err(Error::at(what, self.pos.max(1)))
    }

    fn skip_space(&mut self) {
        while let Some(b' ' | b'\n' | b'\r' | b'\t') = self.text.get(self.pos) {
            self.pos += 1;
        }
    }

    /// The next byte that is not whitespace, not consumed.
    fn peek(&mut self) -> Result<u8, Error> {
        self.skip_space();
        match self.text.get(self.pos) {
            Some(&b) => Ok(b),
            None => self.fail("the text ends early"),
        }
    }

    fn expect(&mut self, byte: u8) -> Result<(), Error> {
        if self.peek()? == byte {
            self.pos += 1;
            Ok(())
        } else {
            self.fail("a character out of place")
        }
    }

    fn keyword(&mut self, word: &'static [u8]) -> Result<(), Error> {
        if self.text[self.pos..].starts_with(word) {
            self.pos += word.len();
            Ok(())
        } else {
            self.fail("an unknown word")
        }
    }

    fn string(&mut self) -> Result<String, Error> {
        self.expect(b'"')?;
        let mut out = Vec::new();
        loop {
            let start = self.pos;
            while let Some(&b) = self.text.get(self.pos) {
                if b == b'"' || b == b'\\' || b < 0x20 {
                    break;
                }
                self.pos += 1;
            }
            out.extend_from_slice(&self.text[start..self.pos]);
            match self.text.get(self.pos) {
                Some(b'"') => {
                    self.pos += 1;
                    // The input is a `&str` and escapes write whole characters: valid UTF-8.
                    return String::from_utf8(out)
                        .or_else(|_| self.fail("a string that is not UTF-8"));
                }
                Some(b'\\') => {
                    self.pos += 1;
                    let escaped = match self.text.get(self.pos) {
                        Some(b'"') => '"',
                        Some(b'\\') => '\\',
                        Some(b'/') => '/',
                        Some(b'b') => '\u{8}',
                        Some(b'f') => '\u{c}',
                        Some(b'n') => '\n',
                        Some(b'r') => '\r',
                        Some(b't') => '\t',
                        Some(b'u') => {
                            self.pos += 1;
                            let c = self.unicode_escape()?;
                            let mut buf = [0; 4];
                            out.extend_from_slice(c.encode_utf8(&mut buf).as_bytes());
                            continue;
                        }
                        _ => return self.fail("an unknown escape"),
                    };
                    self.pos += 1;
                    let mut buf = [0; 4];
                    out.extend_from_slice(escaped.encode_utf8(&mut buf).as_bytes());
                }
                Some(_) => return self.fail("a control character in a string"),
                None => return self.fail("an unfinished string"),
            }
        }
    }

    /// After `\u`: four hex digits, and a second escape for a surrogate pair.
    fn unicode_escape(&mut self) -> Result<char, Error> {
        let first = self.hex4()?;
        let code = if (0xD800..0xDC00).contains(&first) {
            if !self.text[self.pos..].starts_with(b"\\u") {
                return self.fail("half a surrogate pair");
            }
            self.pos += 2;
            let second = self.hex4()?;
            if !(0xDC00..0xE000).contains(&second) {
                return self.fail("half a surrogate pair");
            }
            0x10000 + ((first - 0xD800) << 10) + (second - 0xDC00)
        } else {
            first
        };
        match char::from_u32(code) {
            Some(c) => Ok(c),
            None => self.fail("half a surrogate pair"),
        }
    }

    fn hex4(&mut self) -> Result<u32, Error> {
        let mut value = 0;
        for _ in 0..4 {
            let digit = match self.text.get(self.pos) {
                Some(&b) => (b as char).to_digit(16),
                None => None,
            };
            let Some(digit) = digit else {
                return self.fail("a bad \\u escape");
            };
            value = value * 16 + digit;
            self.pos += 1;
        }
        Ok(value)
    }

    /// An integer; a fraction or an exponent is refused.
    fn integer<'de, V: Visitor<'de>>(&mut self, visitor: V) -> Result<V::Value, Error> {
        let negative = self.text.get(self.pos) == Some(&b'-');
        if negative {
            self.pos += 1;
        }
        let start = self.pos;
        let mut value: u64 = 0;
        while let Some(&b) = self.text.get(self.pos) {
            if !b.is_ascii_digit() {
                break;
            }
            value = match value
                .checked_mul(10)
                .and_then(|v| v.checked_add(u64::from(b - b'0')))
            {
                Some(v) => v,
                None => return self.fail("a number too large"),
            };
            self.pos += 1;
        }
        if self.pos == start {
            return self.fail("a number without digits");
        }
        if let Some(b'.' | b'e' | b'E') = self.text.get(self.pos) {
            return self.fail("a number that is not whole");
        }
        if negative {
            // Down to i64::MIN, whose magnitude is one more than i64::MAX.
            match 0i64.checked_sub_unsigned(value) {
                Some(v) => visitor.visit_i64(v),
                None => self.fail("a number too large"),
            }
        } else {
            visitor.visit_u64(value)
        }
    }

    /// Past an opening bracket: one level deeper, within the limit.
    fn enter(&mut self) -> Result<(), Error> {
        self.pos += 1;
        self.depth += 1;
        if self.depth > MAX_DEPTH {
            return self.fail("too deeply nested");
        }
        Ok(())
    }

    /// At the closing bracket: one level out.
    fn leave(&mut self, close: u8) -> Result<(), Error> {
        self.expect(close)?;
        self.depth -= 1;
        Ok(())
    }
}

impl<'de> de::Deserializer<'de> for &mut Reader<'_> {
    type Error = Error;

    fn deserialize_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        match self.peek()? {
            b'{' => {
                self.enter()?;
                let value = visitor.visit_map(Items::new(self))?;
                self.leave(b'}')?;
                Ok(value)
            }
            b'[' => {
                self.enter()?;
                let value = visitor.visit_seq(Items::new(self))?;
                self.leave(b']')?;
                Ok(value)
            }
            b'"' => visitor.visit_string(self.string()?),
            b't' => {
                self.keyword(b"true")?;
                visitor.visit_bool(true)
            }
            b'f' => {
                self.keyword(b"false")?;
                visitor.visit_bool(false)
            }
            b'n' => {
                self.keyword(b"null")?;
                visitor.visit_unit()
            }
            b'-' | b'0'..=b'9' => self.integer(visitor),
            _ => self.fail("a character out of place"),
        }
    }

    fn deserialize_option<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        if self.peek()? == b'n' {
            self.keyword(b"null")?;
            visitor.visit_none()
        } else {
            visitor.visit_some(self)
        }
    }

    fn deserialize_newtype_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        visitor: V,
    ) -> Result<V::Value, Error> {
        visitor.visit_newtype_struct(self)
    }

    /// As serde_json writes an enum: `"Variant"` for a unit variant, `{"Variant": value}`
    /// for the others.
    fn deserialize_enum<V: Visitor<'de>>(
        self,
        _name: &'static str,
        _variants: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, Error> {
        match self.peek()? {
            b'"' => visitor.visit_enum(self.string()?.into_deserializer()),
            b'{' => {
                self.enter()?;
                let value = visitor.visit_enum(Variant { reader: self })?;
                self.leave(b'}')?;
                Ok(value)
            }
            _ => self.fail("a character out of place"),
        }
    }

    serde::forward_to_deserialize_any! {
        bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string bytes byte_buf
        unit unit_struct seq tuple tuple_struct map struct identifier ignored_any
    }
}

/// The entries of an array or an object, comma-separated.
struct Items<'r, 'a> {
    reader: &'r mut Reader<'a>,
    first: bool,
}

impl<'r, 'a> Items<'r, 'a> {
    fn new(reader: &'r mut Reader<'a>) -> Self {
        Items {
            reader,
            first: true,
        }
    }

    /// Whether another entry follows (consuming the comma before it).
    fn more(&mut self, close: u8) -> Result<bool, Error> {
        let next = self.reader.peek()?;
        if next == close {
            return Ok(false);
        }
        if !self.first {
            self.reader.expect(b',')?;
        }
        self.first = false;
        Ok(true)
    }
}

impl<'de> de::SeqAccess<'de> for Items<'_, '_> {
    type Error = Error;

    fn next_element_seed<T: de::DeserializeSeed<'de>>(
        &mut self,
        seed: T,
    ) -> Result<Option<T::Value>, Error> {
        if !self.more(b']')? {
            return Ok(None);
        }
        seed.deserialize(&mut *self.reader).map(Some)
    }
}

impl<'de> de::MapAccess<'de> for Items<'_, '_> {
    type Error = Error;

    fn next_key_seed<K: de::DeserializeSeed<'de>>(
        &mut self,
        seed: K,
    ) -> Result<Option<K::Value>, Error> {
        if !self.more(b'}')? {
            return Ok(None);
        }
        if self.reader.peek()? != b'"' {
            return self.reader.fail("an object key that is not a string");
        }
        // A key is a string to the visitor, whatever the key type asks for (a map with
        // number keys is written with its keys quoted).
        let key = self.reader.string()?;
        seed.deserialize(Key(key)).map(Some)
    }

    fn next_value_seed<V: de::DeserializeSeed<'de>>(&mut self, seed: V) -> Result<V::Value, Error> {
        self.reader.expect(b':')?;
        seed.deserialize(&mut *self.reader)
    }
}

/// An object's key: a string, or a number written as one.
struct Key(String);

impl<'de> de::Deserializer<'de> for Key {
    type Error = Error;

    fn deserialize_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        visitor.visit_string(self.0)
    }

    fn deserialize_u64<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        match self.0.parse::<u64>() {
            Ok(n) => visitor.visit_u64(n),
            Err(_) => Err(Error::at("an object key that is not a number", 0)),
        }
    }

    fn deserialize_u16<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        self.deserialize_u64(visitor)
    }

    fn deserialize_u32<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        self.deserialize_u64(visitor)
    }

    serde::forward_to_deserialize_any! {
        bool i8 i16 i32 i64 i128 u8 u128 f32 f64 char str string bytes byte_buf option
        unit unit_struct newtype_struct seq tuple tuple_struct map struct enum identifier
        ignored_any
    }
}

/// `{"Variant": value}`: the name, then the value as the variant's content.
struct Variant<'r, 'a> {
    reader: &'r mut Reader<'a>,
}

impl<'de> de::EnumAccess<'de> for Variant<'_, '_> {
    type Error = Error;
    type Variant = Self;

    fn variant_seed<V: de::DeserializeSeed<'de>>(self, seed: V) -> Result<(V::Value, Self), Error> {
        let name = self.reader.string()?;
        self.reader.expect(b':')?;
        let value = seed.deserialize(Key(name))?;
        Ok((value, self))
    }
}

impl<'de> de::VariantAccess<'de> for Variant<'_, '_> {
    type Error = Error;

    fn unit_variant(self) -> Result<(), Error> {
        de::Deserialize::deserialize(&mut *self.reader)
    }

    fn newtype_variant_seed<T: de::DeserializeSeed<'de>>(self, seed: T) -> Result<T::Value, Error> {
        seed.deserialize(&mut *self.reader)
    }

    fn tuple_variant<V: Visitor<'de>>(self, _len: usize, visitor: V) -> Result<V::Value, Error> {
        de::Deserializer::deserialize_any(&mut *self.reader, visitor)
    }

    fn struct_variant<V: Visitor<'de>>(
        self,
        _fields: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, Error> {
        de::Deserializer::deserialize_any(&mut *self.reader, visitor)
    }
}

#[cfg(all(test, feature = "ssr"))]
pub(crate) mod tests {
    use std::collections::BTreeMap;
    use std::fmt::Debug;

    use atlas_registry::{IntegrationKind, IntegrationView, ShownValue};
    use rand::{rngs::StdRng, Rng, SeedableRng};
    use serde::Serialize;
    use serde_json::Value;

    use super::*;

    /// What serde_json writes, this reads back as the same value.
    pub(crate) fn reads_back<T: Serialize + DeserializeOwned + PartialEq + Debug>(value: T) {
        let json = serde_json::to_string(&value).expect("serde_json writes it");
        assert_eq!(from_str::<T>(&json), Ok(value), "{json}");
    }

    #[test]
    fn an_integration_as_the_form_shows_it_reads_back() {
        let values = BTreeMap::from([
            (
                "url".to_string(),
                ShownValue::Text("https://example.com/hook".into()),
            ),
            ("enabled".to_string(), ShownValue::Bool(true)),
            (
                "secret".to_string(),
                ShownValue::Secret {
                    hint: "••••abcd".into(),
                },
            ),
        ]);
        for kind in IntegrationKind::ALL {
            reads_back(Some(IntegrationView {
                kind,
                values: values.clone(),
            }));
        }
        reads_back(None::<IntegrationView>);
        reads_back(vec![(7u16, "a".to_string()), (65535, "</script>".into())]);
        reads_back([i64::MIN, -1, 0, i64::MAX]);
        reads_back(u64::MAX);
    }

    #[test]
    fn the_pages_messages_read_back_in_every_language() {
        use crate::i18n::{Key, Lang, Texts};
        for lang in Lang::ALL {
            let json = Texts::of(lang).to_script_json();
            let texts: Texts = from_str(&json).unwrap();
            assert_eq!(texts.lang, lang);
            for key in [Key::SignIn, Key::CheckServer, Key::ErrorNotSignedIn] {
                assert_eq!(texts.get(key), Texts::of(lang).get(key));
            }
        }
    }

    /// Random trees of every kind of value this reads (no floats), with strings of any
    /// character: what serde_json writes, this reads back as serde_json reads it.
    #[test]
    fn random_values_read_back_as_serde_json_reads_them() {
        fn string(rng: &mut StdRng) -> String {
            (0..rng.gen_range(0..12))
                .map(|_| match rng.gen_range(0..4) {
                    0 => rng.gen_range(0u8..0x20) as char,
                    1 => ['"', '\\', '/', '<', '\u{2028}'][rng.gen_range(0..5)],
                    2 => rng.gen_range('a'..='z'),
                    _ => rng.gen::<char>(),
                })
                .collect()
        }
        fn value(rng: &mut StdRng, depth: u32) -> Value {
            match rng.gen_range(0..if depth > 4 { 5 } else { 7 }) {
                0 => Value::Null,
                1 => Value::Bool(rng.gen()),
                2 => Value::from(rng.gen::<u64>()),
                3 => Value::from(rng.gen::<i64>()),
                4 => Value::String(string(rng)),
                5 => Value::Array(
                    (0..rng.gen_range(0..5))
                        .map(|_| value(rng, depth + 1))
                        .collect(),
                ),
                _ => Value::Object(
                    (0..rng.gen_range(0..5))
                        .map(|_| (string(rng), value(rng, depth + 1)))
                        .collect(),
                ),
            }
        }
        let mut rng = StdRng::seed_from_u64(28);
        for _ in 0..2000 {
            let v = value(&mut rng, 0);
            let pretty = rng.gen::<bool>();
            let json = if pretty {
                serde_json::to_string_pretty(&v).unwrap()
            } else {
                serde_json::to_string(&v).unwrap()
            };
            assert_eq!(from_str::<Value>(&json).as_ref(), Ok(&v), "{json}");
        }
        // Escapes serde_json does not write but JSON allows.
        let json = r#""\u00e9\ud83d\ude00\/\b\f""#;
        assert_eq!(from_str::<String>(json), Ok("é😀/\u{8}\u{c}".to_string()));
    }

    #[test]
    fn what_is_not_such_json_is_refused_with_where() {
        let refused = [
            ("1.5", "a number that is not whole"),
            ("1e3", "a number that is not whole"),
            ("18446744073709551616", "a number too large"),
            ("-9223372036854775809", "a number too large"),
            ("-", "a number without digits"),
            ("\"abc", "an unfinished string"),
            ("\"a\u{1}b\"", "a control character in a string"),
            (r#""\x""#, "an unknown escape"),
            (r#""\ud83d""#, "half a surrogate pair"),
            (r#""\u12""#, "a bad \\u escape"),
            ("[1,]", "a character out of place"),
            ("[1 2]", "a character out of place"),
            ("{\"a\" 1}", "a character out of place"),
            ("{1:2}", "an object key that is not a string"),
            ("nul", "an unknown word"),
            ("[1] x", "text after the value"),
            ("", "the text ends early"),
        ];
        for (json, what) in refused {
            let err = from_str::<Value>(json).unwrap_err();
            assert_eq!(err.what, what, "{json:?}");
            assert!(
                err.at >= 1 && err.at <= json.len().max(1),
                "{json:?}: {err:?}"
            );
        }
        let deep = "[".repeat(65) + &"]".repeat(65);
        assert_eq!(
            from_str::<Value>(&deep).unwrap_err().what,
            "too deeply nested"
        );
        let fine = "[".repeat(64) + &"]".repeat(64);
        assert!(from_str::<Value>(&fine).is_ok());
        // A value of the wrong type, and where it was.
        let err = from_str::<BTreeMap<String, u64>>(r#"{"limit_bytes":"x"}"#).unwrap_err();
        assert_eq!(
            err,
            Error {
                what: "a value of the wrong type",
                at: 18
            }
        );
        assert_eq!(
            from_str::<u8>("256").unwrap_err().what,
            "a value out of range"
        );
    }
}
