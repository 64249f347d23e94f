//! A zip written front to back, for a download that starts before the last project is read:
//! entries are stored (no compression), a file whose content is whole is written with its
//! sizes in the local header, and the one file that grows as projects arrive (`main.tf`) has
//! a data descriptor after its content (APPNOTE 6.3.10, §4.3.9), so nothing already sent
//! needs changing. No Zip64: a file or the archive past 4 GiB is refused.
//!
//! Held between calls: the current file's CRC-32 and size, and per finished file its name,
//! CRC, size and offset (for the central directory).

const LOCAL_HEADER: u32 = 0x0403_4b50;
const DATA_DESCRIPTOR: u32 = 0x0807_4b50;
const CENTRAL_HEADER: u32 = 0x0201_4b50;
const END_OF_CENTRAL_DIRECTORY: u32 = 0x0605_4b50;
/// 2.0: what stored entries with a data descriptor need.
const VERSION_NEEDED: u16 = 20;
/// Made by Unix (3), spec version 3.0: so the external attributes below are Unix modes.
const VERSION_MADE_BY: u16 = (3 << 8) | 30;
/// Bit 3: sizes and CRC follow the data.
const FLAG_DATA_DESCRIPTOR: u16 = 1 << 3;
const METHOD_STORED: u16 = 0;
/// Every entry is dated 1980-01-01 00:00, the earliest MS-DOS date: the same fleet gives
/// the same bytes.
const DOS_TIME: u16 = 0;
const DOS_DATE: u16 = (1 << 5) | 1;
/// A regular file, rw-r--r--.
const UNIX_MODE: u32 = 0o100_644 << 16;

/// The archive passed 4 GiB, where offsets need Zip64.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct TooLarge;

struct Entry {
    name: &'static str,
    crc: u32,
    size: u32,
    offset: u32,
    flags: u16,
}

struct Open {
    name: &'static str,
    crc: crc32fast::Hasher,
    size: u64,
    offset: u32,
}

#[derive(Default)]
pub(crate) struct StreamingZip {
    written: u64,
    entries: Vec<Entry>,
    open: Option<Open>,
}

fn u16_le(out: &mut Vec<u8>, v: u16) {
    out.extend_from_slice(&v.to_le_bytes());
}

fn u32_le(out: &mut Vec<u8>, v: u32) {
    out.extend_from_slice(&v.to_le_bytes());
}

fn name_len(name: &str) -> u16 {
    // Names are this crate's own constants.
    u16::try_from(name.len()).unwrap_or(u16::MAX)
}

impl StreamingZip {
    /// Counts bytes about to be appended to `out`, refusing to pass what 32-bit offsets
    /// and sizes can say.
    fn advance(&mut self, bytes: usize) -> Result<u32, TooLarge> {
        let at = u32::try_from(self.written).map_err(|_| TooLarge)?;
        let end = self.written + bytes as u64;
        u32::try_from(end).map_err(|_| TooLarge)?;
        self.written = end;
        Ok(at)
    }

    fn local_header(out: &mut Vec<u8>, name: &str, flags: u16, crc: u32, size: u32) {
        u32_le(out, LOCAL_HEADER);
        u16_le(out, VERSION_NEEDED);
        u16_le(out, flags);
        u16_le(out, METHOD_STORED);
        u16_le(out, DOS_TIME);
        u16_le(out, DOS_DATE);
        u32_le(out, crc);
        u32_le(out, size); // compressed: stored, the same
        u32_le(out, size);
        u16_le(out, name_len(name));
        u16_le(out, 0); // no extra field
        out.extend_from_slice(name.as_bytes());
    }

    /// A file whose content is known whole: sizes and CRC in its local header.
    pub(crate) fn whole_file(
        &mut self,
        out: &mut Vec<u8>,
        name: &'static str,
        content: &[u8],
    ) -> Result<(), TooLarge> {
        debug_assert!(self.open.is_none(), "a streamed file is open");
        let size = u32::try_from(content.len()).map_err(|_| TooLarge)?;
        let offset = self.advance(30 + name.len() + content.len())?;
        let crc = crc32fast::hash(content);
        Self::local_header(out, name, 0, crc, size);
        out.extend_from_slice(content);
        self.entries.push(Entry {
            name,
            crc,
            size,
            offset,
            flags: 0,
        });
        Ok(())
    }

    /// Starts a file whose content comes in parts ([`Self::write`]); ended by
    /// [`Self::end_file`].
    pub(crate) fn start_file(
        &mut self,
        out: &mut Vec<u8>,
        name: &'static str,
    ) -> Result<(), TooLarge> {
        debug_assert!(self.open.is_none(), "a streamed file is open");
        let offset = self.advance(30 + name.len())?;
        Self::local_header(out, name, FLAG_DATA_DESCRIPTOR, 0, 0);
        self.open = Some(Open {
            name,
            crc: crc32fast::Hasher::new(),
            size: 0,
            offset,
        });
        Ok(())
    }

    /// Appends to the open file.
    pub(crate) fn write(&mut self, out: &mut Vec<u8>, data: &[u8]) -> Result<(), TooLarge> {
        self.advance(data.len())?;
        if let Some(open) = self.open.as_mut() {
            open.crc.update(data);
            open.size += data.len() as u64;
        }
        out.extend_from_slice(data);
        Ok(())
    }

    /// Ends the open file with its data descriptor.
    pub(crate) fn end_file(&mut self, out: &mut Vec<u8>) -> Result<(), TooLarge> {
        let Some(open) = self.open.take() else {
            return Ok(());
        };
        self.advance(16)?;
        let crc = open.crc.finalize();
        let size = u32::try_from(open.size).map_err(|_| TooLarge)?;
        u32_le(out, DATA_DESCRIPTOR);
        u32_le(out, crc);
        u32_le(out, size);
        u32_le(out, size);
        self.entries.push(Entry {
            name: open.name,
            crc,
            size,
            offset: open.offset,
            flags: FLAG_DATA_DESCRIPTOR,
        });
        Ok(())
    }

    /// The central directory and its end record: the archive is complete.
    pub(crate) fn finish(&mut self, out: &mut Vec<u8>) -> Result<(), TooLarge> {
        self.end_file(out)?;
        let directory_size: usize = self.entries.iter().map(|e| 46 + e.name.len()).sum();
        let directory_offset = self.advance(directory_size)?;
        self.advance(22)?;
        for e in &self.entries {
            u32_le(out, CENTRAL_HEADER);
            u16_le(out, VERSION_MADE_BY);
            u16_le(out, VERSION_NEEDED);
            u16_le(out, e.flags);
            u16_le(out, METHOD_STORED);
            u16_le(out, DOS_TIME);
            u16_le(out, DOS_DATE);
            u32_le(out, e.crc);
            u32_le(out, e.size);
            u32_le(out, e.size);
            u16_le(out, name_len(e.name));
            u16_le(out, 0); // extra field
            u16_le(out, 0); // comment
            u16_le(out, 0); // disk number
            u16_le(out, 0); // internal attributes
            u32_le(out, UNIX_MODE);
            u32_le(out, e.offset);
            out.extend_from_slice(e.name.as_bytes());
        }
        let count = u16::try_from(self.entries.len()).map_err(|_| TooLarge)?;
        u32_le(out, END_OF_CENTRAL_DIRECTORY);
        u16_le(out, 0); // this disk
        u16_le(out, 0); // disk of the central directory
        u16_le(out, count);
        u16_le(out, count);
        u32_le(out, u32::try_from(directory_size).map_err(|_| TooLarge)?);
        u32_le(out, directory_offset);
        u16_le(out, 0); // no comment
        Ok(())
    }
}

/// Reads an archive the way an unzip does: from the end record, through the central
/// directory, to each local header and its data, checking signatures, sizes and CRCs.
/// Python's `zipfile` and `unzip -t` read the Terraform export in the crate's integration
/// test.
#[cfg(test)]
pub(crate) fn read_back(zip: &[u8]) -> Vec<(String, Vec<u8>)> {
    let u16_at = |i: usize| u16::from_le_bytes([zip[i], zip[i + 1]]) as usize;
    let u32_at =
        |i: usize| u32::from_le_bytes([zip[i], zip[i + 1], zip[i + 2], zip[i + 3]]) as usize;
    let end = zip.len() - 22;
    assert_eq!(u32_at(end) as u32, END_OF_CENTRAL_DIRECTORY);
    let count = u16_at(end + 10);
    let mut at = u32_at(end + 16);
    assert_eq!(
        at + u32_at(end + 12),
        end,
        "directory ends where the end record starts"
    );
    let mut files = Vec::new();
    for _ in 0..count {
        assert_eq!(u32_at(at) as u32, CENTRAL_HEADER);
        let crc = u32_at(at + 16) as u32;
        let size = u32_at(at + 24);
        let name_len = u16_at(at + 28);
        let local = u32_at(at + 42);
        let name = String::from_utf8(zip[at + 46..at + 46 + name_len].to_vec()).unwrap();
        assert_eq!(u32_at(local) as u32, LOCAL_HEADER);
        assert_eq!(&zip[local + 30..local + 30 + name_len], name.as_bytes());
        let data_at = local + 30 + name_len + u16_at(local + 28);
        let data = zip[data_at..data_at + size].to_vec();
        assert_eq!(crc32fast::hash(&data), crc, "{name}");
        if u16_at(at + 8) as u16 & FLAG_DATA_DESCRIPTOR != 0 {
            let d = data_at + size;
            assert_eq!(u32_at(d) as u32, DATA_DESCRIPTOR);
            assert_eq!(u32_at(d + 4) as u32, crc);
            assert_eq!(u32_at(d + 8), size);
        } else {
            assert_eq!(u32_at(local + 14) as u32, crc);
        }
        files.push((name, data));
        at += 46 + name_len;
    }
    files
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn whole_and_streamed_files_read_back() {
        let mut zip = StreamingZip::default();
        let mut out = Vec::new();
        zip.whole_file(&mut out, "README.md", b"# read me\n")
            .unwrap();
        zip.start_file(&mut out, "main.tf").unwrap();
        zip.write(&mut out, b"part one\n").unwrap();
        zip.write(&mut out, b"").unwrap();
        zip.write(&mut out, "part two ✓\n".as_bytes()).unwrap();
        zip.end_file(&mut out).unwrap();
        zip.whole_file(&mut out, "empty.tf", b"").unwrap();
        zip.finish(&mut out).unwrap();
        assert_eq!(zip.written, out.len() as u64);
        let files = read_back(&out);
        let names: Vec<_> = files.iter().map(|(n, _)| n.as_str()).collect();
        assert_eq!(names, ["README.md", "main.tf", "empty.tf"]);
        assert_eq!(files[1].1, "part one\npart two ✓\n".as_bytes());
        assert!(files[2].1.is_empty());
    }

    #[test]
    fn an_empty_archive_is_just_the_end_record() {
        let mut out = Vec::new();
        StreamingZip::default().finish(&mut out).unwrap();
        assert_eq!(out.len(), 22);
        assert!(read_back(&out).is_empty());
    }

    #[test]
    fn past_four_gibibytes_is_refused() {
        let mut zip = StreamingZip {
            written: u64::from(u32::MAX) - 10,
            ..StreamingZip::default()
        };
        let mut out = Vec::new();
        assert_eq!(zip.write(&mut out, &[0; 11]), Err(TooLarge));
        assert!(out.is_empty());
        assert!(zip.write(&mut out, &[0; 10]).is_ok());
    }
}
