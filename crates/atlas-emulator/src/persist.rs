//! `--state FILE`: the whole document written after every change, atomically (a temp file in
//! the same directory, flushed, then renamed over the target), so a crash leaves either the
//! old or the new state, never half of one.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use anyhow::Context;

use super::document::Document;

pub struct Persister {
    path: PathBuf,
    /// Serialises writers and remembers the newest generation written, so an older snapshot
    /// finishing late never replaces a newer one.
    written: Mutex<u64>,
}

impl Persister {
    pub fn new(path: PathBuf) -> Self {
        Persister {
            path,
            written: Mutex::new(0),
        }
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Reads the state file if there is one.
    pub fn load(&self) -> anyhow::Result<Option<Document>> {
        match std::fs::read_to_string(&self.path) {
            Ok(text) => {
                let doc = serde_json::from_str(&text)
                    .with_context(|| format!("parsing state {}", self.path.display()))?;
                Ok(Some(doc))
            }
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
            Err(e) => Err(e).with_context(|| format!("reading state {}", self.path.display())),
        }
    }

    /// Writes `bytes` (the document of generation `generation`) unless a newer one was.
    pub fn write(&self, generation: u64, bytes: &[u8]) -> anyhow::Result<()> {
        let mut written = self
            .written
            .lock()
            .map_err(|_| anyhow::anyhow!("state writer poisoned"))?;
        if generation <= *written {
            return Ok(());
        }
        write_atomically(&self.path, bytes)?;
        *written = generation;
        Ok(())
    }
}

pub fn write_atomically(path: &Path, bytes: &[u8]) -> anyhow::Result<()> {
    let dir = path
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "state".into());
    let tmp = dir.join(format!(".{name}.tmp-{}", std::process::id()));
    let result = (|| -> anyhow::Result<()> {
        let mut file =
            std::fs::File::create(&tmp).with_context(|| format!("creating {}", tmp.display()))?;
        file.write_all(bytes)?;
        file.sync_all()?;
        drop(file);
        std::fs::rename(&tmp, path).with_context(|| format!("renaming onto {}", path.display()))?;
        Ok(())
    })();
    if result.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    result
}
