//! A small JSON decoder for the browser, in place of serde_json there.
//!
//! The server writes JSON with serde_json (server functions' answers and errors, the page's
//! messages, an island's data); the browser reads it with this. serde_json's decoder was the
//! largest single part of every island's bundle: a copy of its parser per type decoded, number
//! parsing for floats no answer holds, and, through serde's error messages
//! (`Unexpected::Float`), the float formatting of `core::num::flt2dec` (docs/benchmarks.md,
//! "One bundle per island"). What is read here is JSON our own server wrote for types with
//! `Deserialize`, so this reads exactly that: objects, arrays, strings (every escape), `true`,
//! `false`, `null` and integers. A float is refused (no type the browser decodes holds one),
//! and an error says what failed and where, never echoing the input.
//!
//! The decoder is `decode`; here is what uses it: the server functions' codec and the page's
//! JSON scripts. Compiled into both builds, so the server's tests check the decoder against
//! serde_json's own output.

use serde::de::DeserializeOwned;

mod decode;

#[cfg(all(test, feature = "ssr"))]
pub(crate) use decode::tests;
pub use decode::{from_str, Error};

/// The server functions' JSON: written by serde_json on the server, read by [`from_str`] in
/// the browser. The answers are the same JSON as server_fn's own `Json` codec writes
/// (`application/json`), so anything that reads them (tests, curl) is unaffected. Used as a
/// server function's `output` ([`Post`]) and as `AppError`'s encoding.
pub struct Encoding;

/// A server function's answer in [`Encoding`] (its arguments stay URL-encoded).
pub type Post = leptos::server_fn::codec::Post<Encoding>;

impl leptos::server_fn::ContentType for Encoding {
    const CONTENT_TYPE: &'static str = "application/json";
}

impl leptos::server_fn::FormatType for Encoding {
    const FORMAT_TYPE: leptos::server_fn::Format = leptos::server_fn::Format::Text;
}

impl<T: serde::Serialize> leptos::server_fn::Encodes<T> for Encoding {
    type Error = serde_json::Error;

    fn encode(output: &T) -> Result<leptos::server_fn::Bytes, Self::Error> {
        serde_json::to_vec(output).map(leptos::server_fn::Bytes::from)
    }
}

impl<T: DeserializeOwned> leptos::server_fn::Decodes<T> for Encoding {
    type Error = Error;

    fn decode(bytes: leptos::server_fn::Bytes) -> Result<T, Self::Error> {
        match std::str::from_utf8(&bytes) {
            Ok(text) => from_str(text),
            Err(_) => Err(Error::not_utf8()),
        }
    }
}

/// JSON for a `<script type="application/json">` in a page (the page's messages, an island's
/// data): serde_json's, with every `<` escaped so that no text can end the script early.
#[cfg(feature = "ssr")]
pub fn to_script<T: serde::Serialize>(value: &T) -> String {
    serde_json::to_string(value)
        .unwrap_or_default()
        .replace('<', "\\u003c")
}

/// In the browser: the JSON of the page's element `id` (a script the server wrote with
/// [`to_script`]) read as a `T`, or `None` when the page has no such element or it cannot be
/// read.
#[cfg(feature = "hydrate")]
pub fn read_script<T: DeserializeOwned>(id: &str) -> Option<T> {
    let element = web_sys::window()?.document()?.get_element_by_id(id)?;
    from_str(&element.text_content()?).ok()
}
