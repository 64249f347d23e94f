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
    let (tmp, mut file) = create_fresh(dir, &name)?;
    let result = (|| -> anyhow::Result<()> {
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

/// A new file beside the state, under a random name, created exclusively (`O_CREAT|O_EXCL`:
/// never an existing file, never through a symbolic link someone planted at a name they
/// guessed) and readable by its owner only, as the state holds every secret in clear.
fn create_fresh(dir: &Path, name: &str) -> anyhow::Result<(PathBuf, std::fs::File)> {
    use rand::Rng as _;
    for _ in 0..16 {
        let suffix: u64 = rand::thread_rng().gen();
        let tmp = dir.join(format!(".{name}.tmp-{suffix:016x}"));
        let mut options = std::fs::OpenOptions::new();
        options.write(true).create_new(true);
        #[cfg(unix)]
        std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
        match options.open(&tmp) {
            Ok(file) => return Ok((tmp, file)),
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => continue,
            Err(e) => return Err(e).with_context(|| format!("creating {}", tmp.display())),
        }
    }
    anyhow::bail!("no free temporary name in {}", dir.display())
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

    /// A link planted where the old, predictable temporary name was (`.state.json.tmp-PID`)
    /// is neither followed nor replaced, and its target stays as it was.
    #[cfg(unix)]
    #[test]
    fn a_planted_link_is_not_followed() {
        let dir = std::env::temp_dir().join(format!("emulator-link-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let victim = dir.join("victim");
        std::fs::write(&victim, b"untouched").unwrap();
        let planted = dir.join(format!(".state.json.tmp-{}", std::process::id()));
        std::os::unix::fs::symlink(&victim, &planted).unwrap();
        let path = dir.join("state.json");
        write_atomically(&path, b"{}").unwrap();
        let victim_after = std::fs::read(&victim).unwrap();
        let state = std::fs::read(&path).unwrap();
        let leftovers = std::fs::read_dir(&dir).unwrap().count();
        std::fs::remove_dir_all(&dir).unwrap();
        assert_eq!(victim_after, b"untouched");
        assert_eq!(state, b"{}");
        assert_eq!(
            leftovers, 3,
            "the state, the victim, the planted link: no temporary left"
        );
    }
}
