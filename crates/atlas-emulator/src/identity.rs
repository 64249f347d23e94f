//! Who made a request (once authenticated), and the ids the emulator makes: what the state,
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
