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
        // The state holds every credential and secret in clear: readable by its owner only.
        let mut options = std::fs::OpenOptions::new();
        options.write(true).create(true).truncate(true);
        #[cfg(unix)]
        std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
        let mut file = options
            .open(&tmp)
            .with_context(|| format!("creating {}", tmp.display()))?;
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

#[cfg(test)]
mod tests {
    use super::*;

    #[cfg(unix)]
    #[test]
    fn the_state_file_is_readable_by_its_owner_only() {
        use std::os::unix::fs::PermissionsExt;
        let dir = std::env::temp_dir().join(format!("emulator-state-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("state.json");
        write_atomically(&path, b"{}").unwrap();
        let mode = std::fs::metadata(&path).unwrap().permissions().mode() & 0o777;
        std::fs::remove_dir_all(&dir).unwrap();
        assert_eq!(mode, 0o600, "{mode:o}");
    }
}
