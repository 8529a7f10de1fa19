//! Files that appear under their name only when complete: written to a
//! temporary file beside the destination and renamed over it, so an
//! interrupted run never leaves a half file that looks whole. Used by
//! `batch -o`, `batch --summary` and `fmt`.

use std::fs::File;
use std::io::{self, BufWriter, Write};
use std::path::{Path, PathBuf};

/// A file that appears under its name only when complete: written to a
/// temporary file beside it, renamed over it by [`AtomicFile::commit`], and
/// removed if dropped before that.
#[derive(Debug)]
pub struct AtomicFile {
    /// The temporary file; `None` when writing straight to a destination
    /// that is not a regular file (`/dev/null`, a pipe), which must never be
    /// replaced by a rename.
    tmp: Option<PathBuf>,
    dest: PathBuf,
    file: Option<BufWriter<File>>,
}

impl AtomicFile {
    pub fn create(dest: &Path) -> io::Result<AtomicFile> {
        if dest.is_dir() {
            return Err(io::Error::new(
                io::ErrorKind::InvalidInput,
                "is a directory",
            ));
        }
        // A symbolic link stays a link: the file it points to is replaced.
        let dest = match std::fs::symlink_metadata(dest) {
            Ok(meta) if meta.file_type().is_symlink() => std::fs::canonicalize(dest)?,
            _ => dest.to_path_buf(),
        };
        if std::fs::metadata(&dest).is_ok_and(|meta| !meta.is_file()) {
            let file = File::options().write(true).open(&dest)?;
            return Ok(AtomicFile {
                tmp: None,
                dest,
                file: Some(BufWriter::new(file)),
            });
        }
        let dest = dest.as_path();
        let name = dest
            .file_name()
            .ok_or_else(|| io::Error::new(io::ErrorKind::InvalidInput, "not a file name"))?;
        let dir = dest.parent().filter(|p| !p.as_os_str().is_empty());
        let mut tmp_name = std::ffi::OsString::from(".");
        tmp_name.push(name);
        tmp_name.push(format!(".{}.tmp", std::process::id()));
        let tmp = dir.map_or_else(|| PathBuf::from(&tmp_name), |d| d.join(&tmp_name));
        let file = File::options().write(true).create_new(true).open(&tmp)?;
        Ok(AtomicFile {
            tmp: Some(tmp),
            dest: dest.to_path_buf(),
            file: Some(BufWriter::new(file)),
        })
    }

    /// Gives the file the permissions of `path` (when rewriting a file in
    /// place, so it keeps them).
    pub fn keep_permissions_of(&self, path: &Path) {
        if let (Some(tmp), Ok(meta)) = (&self.tmp, std::fs::metadata(path)) {
            let _ = std::fs::set_permissions(tmp, meta.permissions());
        }
    }

    /// Flushes, syncs and renames the file into place (or only flushes,
    /// for a destination that is not a regular file).
    pub fn commit(mut self) -> io::Result<()> {
        let file = self.file.take().expect("not yet committed");
        let file = file.into_inner().map_err(|e| e.into_error())?;
        let Some(tmp) = &self.tmp else {
            return Ok(());
        };
        file.sync_all()?;
        drop(file);
        std::fs::rename(tmp, &self.dest)
    }
}

impl Write for AtomicFile {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        match &mut self.file {
            Some(f) => f.write(buf),
            None => Err(io::Error::other("file already committed")),
        }
    }

    fn flush(&mut self) -> io::Result<()> {
        match &mut self.file {
            Some(f) => f.flush(),
            None => Ok(()),
        }
    }
}

impl Drop for AtomicFile {
    fn drop(&mut self) {
        if self.file.take().is_some()
            && let Some(tmp) = &self.tmp
        {
            let _ = std::fs::remove_file(tmp);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_device_is_written_to_not_replaced() {
        let null = Path::new("/dev/null");
        if !null.exists() {
            return;
        }
        let mut f = AtomicFile::create(null).unwrap();
        f.write_all(b"gone").unwrap();
        f.commit().unwrap();
        let meta = std::fs::metadata(null).unwrap();
        assert!(!meta.is_file(), "/dev/null is still a device");
    }

    #[cfg(unix)]
    #[test]
    fn a_symlink_stays_a_link() {
        let dir = std::env::temp_dir().join(format!("shouli-atomic-link-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let target = dir.join("target.rules");
        let link = dir.join("link.rules");
        std::fs::write(&target, "old").unwrap();
        let _ = std::fs::remove_file(&link);
        std::os::unix::fs::symlink(&target, &link).unwrap();
        let mut f = AtomicFile::create(&link).unwrap();
        f.write_all(b"new").unwrap();
        f.commit().unwrap();
        assert!(
            std::fs::symlink_metadata(&link)
                .unwrap()
                .file_type()
                .is_symlink()
        );
        assert_eq!(std::fs::read(&target).unwrap(), b"new");
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn an_atomic_file_appears_only_on_commit() {
        let dir = std::env::temp_dir().join(format!("shouli-atomic-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let dest = dir.join("out.jsonl");
        let _ = std::fs::remove_file(&dest);
        let mut f = AtomicFile::create(&dest).unwrap();
        f.write_all(b"half").unwrap();
        assert!(!dest.exists());
        drop(f);
        assert!(!dest.exists());
        assert_eq!(std::fs::read_dir(&dir).unwrap().count(), 0, "temp removed");
        let mut f = AtomicFile::create(&dest).unwrap();
        f.write_all(b"whole\n").unwrap();
        f.commit().unwrap();
        assert_eq!(std::fs::read(&dest).unwrap(), b"whole\n");
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
