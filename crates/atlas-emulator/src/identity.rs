//! Who made a request (once authenticated), and the ids and times the emulator makes: what the state,
//! its events and the routes all name, kept apart from them so none imports another back.

/// Who made a request, once authenticated.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum Principal {
    ApiKey(String),
    ServiceAccount(String),
}

impl Principal {
    pub fn id(&self) -> &str {
        match self {
            Principal::ApiKey(id) | Principal::ServiceAccount(id) => id,
        }
    }
}

/// The address a request came from (the connection's peer), when the server knows it: an
/// event's `remoteAddress`.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct RemoteAddress(pub Option<String>);

/// A new ObjectId-like id: seconds since the epoch, then random bytes.
pub fn new_object_id() -> String {
    use rand::RngCore;
    let secs = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs() as u32)
        .unwrap_or_default();
    let mut rest = [0u8; 8];
    rand::thread_rng().fill_bytes(&mut rest);
    let mut id = format!("{secs:08x}");
    for b in rest {
        id.push_str(&format!("{b:02x}"));
    }
    id
}

/// Now, as Atlas writes its times: RFC 3339 in UTC, whole seconds (`2026-07-06T03:26:23Z`).
pub fn now() -> String {
    use time::format_description::well_known::Rfc3339;
    time::OffsetDateTime::now_utc()
        .replace_nanosecond(0)
        .ok()
        .and_then(|t| t.format(&Rfc3339).ok())
        .unwrap_or_else(|| "1970-01-01T00:00:00Z".into())
}

/// A stable id derived from `text` (24 hex digits): what a seeded object without an id gets,
/// so resets and restarts keep it.
pub fn derived_id(text: &str) -> String {
    use md5::{Digest, Md5};
    let digest = Md5::digest(text.as_bytes());
    digest.iter().take(12).map(|b| format!("{b:02x}")).collect()
}

/// The id of a seeded integration without one: from its project and type.
pub fn derived_integration_id(group_id: &str, kind: atlas_registry::IntegrationKind) -> String {
    derived_id(&format!("{group_id}/{kind}"))
}
