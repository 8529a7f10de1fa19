//! Files that appear under their name only when complete: written to a
//! temporary file beside the destination, synced and renamed over it, so an
//! interrupted run never leaves a half file that looks whole. Every file
//! shouli writes goes through here: `batch -o`, `batch --summary`,
//! `explain -o` and `fmt`.
//!
//! The temporary file is `.NAME.PID-START.tmp` beside the destination (START
//! is when the process started, so a pid used again by another process is
//! not taken for ours). It is removed when the write fails or is dropped,
//! by the SIGINT/SIGTERM handler this module installs (which then exits
//! 130 or 143), and, should the process have been killed outright, by the
//! next run that writes the same file: a temporary file whose process is
//! gone is stale.

use std::fs::File;
use std::io::{self, BufWriter, Write};
use std::path::{Path, PathBuf};

use crate::diag::Msg;

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
    /// The temporary file's place in the signal handler's list.
    slot: Option<usize>,
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
                slot: None,
            });
        }
        let dest = dest.as_path();
        let name = dest
            .file_name()
            .ok_or_else(|| io::Error::new(io::ErrorKind::InvalidInput, "not a file name"))?;
        let dir = dest.parent().filter(|p| !p.as_os_str().is_empty());
        remove_stale(dir.unwrap_or(Path::new(".")), name);
        let mut tmp_name = std::ffi::OsString::from(".");
        tmp_name.push(name);
        tmp_name.push(format!(".{}-{}.tmp", std::process::id(), start_token()));
        let tmp = dir.map_or_else(|| PathBuf::from(&tmp_name), |d| d.join(&tmp_name));
        // Registered before it exists: a signal between the two finds
        // nothing to remove, never a file it does not know.
        let slot = interrupt::register(&tmp);
        let file = match File::options().write(true).create_new(true).open(&tmp) {
            Ok(f) => f,
            Err(e) => {
                interrupt::unregister(slot);
                return Err(e);
            }
        };
        Ok(AtomicFile {
            tmp: Some(tmp),
            dest: dest.to_path_buf(),
            file: Some(BufWriter::new(file)),
            slot,
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
    /// Any error (a full disk found at the last flush, a failed sync)
    /// leaves the destination as it was and removes the temporary file.
    pub fn commit(mut self) -> io::Result<()> {
        let result = self.finish();
        if result.is_err()
            && let Some(tmp) = &self.tmp
        {
            let _ = std::fs::remove_file(tmp);
        }
        interrupt::unregister(self.slot.take());
        result
    }

    fn finish(&mut self) -> io::Result<()> {
        self.finish_with(|tmp, dest| std::fs::rename(tmp, dest))
    }

    fn finish_with(
        &mut self,
        place: impl FnOnce(&Path, &Path) -> io::Result<()>,
    ) -> io::Result<()> {
        let file = self.file.take().expect("not yet committed");
        let file = file.into_inner().map_err(|e| e.into_error())?;
        let Some(tmp) = &self.tmp else {
            return Ok(());
        };
        file.sync_all()?;
        drop(file);
        place(tmp, &self.dest)
    }

    /// Like [`AtomicFile::commit`], but never replaces a file: the
    /// temporary file is linked under the destination's name, which fails
    /// (`AlreadyExists`) when a file has that name, and is then removed.
    pub fn commit_new(mut self) -> io::Result<()> {
        if self.tmp.is_none() {
            return Err(io::Error::new(
                io::ErrorKind::AlreadyExists,
                "exists and is not a regular file",
            ));
        }
        let result = self.finish_with(|tmp, dest| std::fs::hard_link(tmp, dest));
        if let Some(tmp) = &self.tmp {
            let _ = std::fs::remove_file(tmp);
        }
        interrupt::unregister(self.slot.take());
        result
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
        interrupt::unregister(self.slot.take());
    }
}

/// Writes a whole file atomically: `write` fills it, and only when it and
/// the final flush, sync and rename succeed does `dest` change. On any
/// error nothing is left under `dest`'s name or beside it.
pub fn write_with(
    dest: &Path,
    write: impl FnOnce(&mut dyn Write) -> io::Result<()>,
) -> io::Result<()> {
    let mut file = AtomicFile::create(dest)?;
    write(&mut file)?;
    file.commit()
}

/// [`write_with`] for bytes already in memory.
pub fn write(dest: &Path, bytes: &[u8]) -> io::Result<()> {
    write_with(dest, |w| w.write_all(bytes))
}

/// Writes a new file atomically, never replacing one: an existing `dest`
/// is an `AlreadyExists` error and stays as it was; otherwise as [`write`].
pub fn write_new(dest: &Path, bytes: &[u8]) -> io::Result<()> {
    if std::fs::symlink_metadata(dest).is_ok() {
        return Err(io::Error::new(io::ErrorKind::AlreadyExists, "file exists"));
    }
    let mut file = AtomicFile::create(dest)?;
    file.write_all(bytes)?;
    file.commit_new()
}

/// When this process started, as a token for temporary file names: with
/// the pid it names one process, even after the pid is used again. On Linux
/// the start time in clock ticks after boot (`/proc/self/stat`, field 22);
/// elsewhere 0, and a stale file is then known only by its pid being free.
fn start_token() -> u64 {
    static TOKEN: std::sync::OnceLock<u64> = std::sync::OnceLock::new();
    *TOKEN.get_or_init(|| process_start(std::process::id()).unwrap_or(0))
}

/// The start time of process `pid` from `/proc/PID/stat`, if there is one.
fn process_start(pid: u32) -> Option<u64> {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    // The command name (field 2) is in parentheses and may hold anything.
    let after = &stat[stat.rfind(')')? + 1..];
    after.split_whitespace().nth(19)?.parse().ok()
}

/// Whether the process that made a temporary file named with `pid` and
/// `token` is certainly gone.
fn is_dead(pid: u32, token: Option<u64>) -> bool {
    if pid == std::process::id() {
        return false;
    }
    if Path::new("/proc/self/stat").exists() {
        return match process_start(pid) {
            None => !Path::new(&format!("/proc/{pid}")).exists(),
            // The pid is someone else's now.
            Some(start) => token.is_some_and(|t| t != 0 && t != start),
        };
    }
    #[cfg(unix)]
    {
        let Ok(pid) = libc::pid_t::try_from(pid) else {
            return false;
        };
        // SAFETY: kill with signal 0 only asks whether the process exists.
        let alive = unsafe { libc::kill(pid, 0) } == 0
            || io::Error::last_os_error().raw_os_error() != Some(libc::ESRCH);
        !alive
    }
    #[cfg(not(unix))]
    {
        false
    }
}

/// Removes the temporary files of `name` in `dir` left by processes that
/// are gone (killed before they could clean up). Best effort: a file that
/// cannot be read or removed is left.
fn remove_stale(dir: &Path, name: &std::ffi::OsStr) {
    let Some(name) = name.to_str() else {
        return;
    };
    let prefix = format!(".{name}.");
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let file_name = entry.file_name();
        let Some(rest) = file_name
            .to_str()
            .and_then(|f| f.strip_prefix(&prefix))
            .and_then(|f| f.strip_suffix(".tmp"))
        else {
            continue;
        };
        // `PID-START` now, `PID` before.
        let (pid, token) = match rest.split_once('-') {
            Some((pid, token)) => (pid, token.parse().ok()),
            None => (rest, None),
        };
        let Ok(pid) = pid.parse::<u32>() else {
            continue;
        };
        if entry.file_type().is_ok_and(|t| t.is_file()) && is_dead(pid, token) {
            let _ = std::fs::remove_file(entry.path());
        }
    }
}

/// The temporary files being written, removed by a SIGINT or SIGTERM
/// handler before the process exits.
mod interrupt {
    use std::path::Path;

    #[cfg(unix)]
    mod imp {
        use std::ffi::{CString, c_char};
        use std::os::unix::ffi::OsStrExt as _;
        use std::path::Path;
        use std::sync::Once;
        use std::sync::atomic::{AtomicPtr, Ordering};

        /// How many temporary files can be open at once and still be
        /// cleaned up by the handler (shouli writes two at most).
        const SLOTS: usize = 16;

        #[allow(clippy::declare_interior_mutable_const)]
        const EMPTY: AtomicPtr<c_char> = AtomicPtr::new(std::ptr::null_mut());
        static LIVE: [AtomicPtr<c_char>; SLOTS] = [EMPTY; SLOTS];
        static INSTALL: Once = Once::new();

        /// Removes every live temporary file. Async-signal-safe: atomic
        /// loads and `unlink` only.
        fn remove_all() {
            for slot in &LIVE {
                let path = slot.swap(std::ptr::null_mut(), Ordering::SeqCst);
                if !path.is_null() {
                    // SAFETY: a non-null slot holds a leaked, NUL-ended
                    // path that is never freed.
                    unsafe { libc::unlink(path) };
                }
            }
        }

        fn install() {
            INSTALL.call_once(|| {
                for sig in [signal_hook::consts::SIGINT, signal_hook::consts::SIGTERM] {
                    // SAFETY: the action only removes files (`unlink`) and
                    // ends the process (`_exit`), both async-signal-safe.
                    let _ = unsafe {
                        signal_hook::low_level::register(sig, move || {
                            remove_all();
                            signal_hook::low_level::exit(128 + sig);
                        })
                    };
                }
            });
        }

        pub fn register(path: &Path) -> Option<usize> {
            install();
            let path = CString::new(path.as_os_str().as_bytes()).ok()?;
            // Leaked on purpose: the handler may read it at any moment, on
            // any thread, so it is never freed (a few bytes per file).
            let raw = path.into_raw();
            for (i, slot) in LIVE.iter().enumerate() {
                if slot
                    .compare_exchange(
                        std::ptr::null_mut(),
                        raw,
                        Ordering::SeqCst,
                        Ordering::SeqCst,
                    )
                    .is_ok()
                {
                    return Some(i);
                }
            }
            // Every slot taken: the next run removes the file if need be.
            None
        }

        pub fn unregister(slot: usize) {
            LIVE[slot].store(std::ptr::null_mut(), Ordering::SeqCst);
        }
    }

    #[cfg(not(unix))]
    mod imp {
        use std::path::Path;
        pub fn register(_: &Path) -> Option<usize> {
            None
        }
        pub fn unregister(_: usize) {}
    }

    /// Puts `path` on the list the signal handler removes.
    pub fn register(path: &Path) -> Option<usize> {
        imp::register(path)
    }

    /// Takes a file off the list (it was renamed into place or removed).
    pub fn unregister(slot: Option<usize>) {
        if let Some(slot) = slot {
            imp::unregister(slot);
        }
    }
}

/// Refuses outputs that would destroy what a command reads: an output
/// (`batch -o`, `batch --summary`, `explain -o`) that is one of the inputs (or the rule file), that
/// names the same file as another output, or that lies in an input
/// directory where it would be read as a record (`*.toml`). Paths are
/// compared by file identity (device and inode) where the files exist and
/// by canonical path otherwise, so a link, `./x` or `../d/x` is no way
/// round it. Looks at names and metadata only: nothing is read or written.
pub fn check_outputs(inputs: &[&Path], outputs: &[&Path]) -> Result<(), Msg> {
    let inputs: Vec<Place> = inputs
        .iter()
        .filter(|p| p.as_os_str() != "-")
        .map(|p| Place::of(p))
        .collect();
    let outputs: Vec<Place> = outputs.iter().map(|p| Place::of(p)).collect();
    for (i, out) in outputs.iter().enumerate() {
        // A device (`/dev/null`, `/dev/stdout`) is written to, never
        // replaced: several outputs may share it.
        if out.device {
            continue;
        }
        let shown = out.path.display();
        if let Some(other) = outputs[..i].iter().find(|o| o.same(out)) {
            return Err(Msg::new(
                format!(
                    "两个输出是同一个文件：{shown} 与 {}；汇总会覆盖结果",
                    other.path.display()
                ),
                format!(
                    "two outputs are the same file: {shown} and {}; one would replace the other",
                    other.path.display()
                ),
            ));
        }
        for input in &inputs {
            if input.same(out) {
                return Err(Msg::new(
                    format!("输出文件 {shown} 也是输入：写出会覆盖要读取的文件，请换一个文件名"),
                    format!(
                        "the output file {shown} is also an input: writing it would replace \
                         what is being read; choose another name"
                    ),
                ));
            }
            if input.contains(out) {
                return Err(Msg::new(
                    format!(
                        "输出文件 {shown} 位于输入目录 {} 中，会被当作投诉记录读取；请写到目录之外",
                        input.path.display()
                    ),
                    format!(
                        "the output file {shown} is inside the input directory {}, where it \
                         would be read as a record; write it outside the directory",
                        input.path.display()
                    ),
                ));
            }
        }
    }
    Ok(())
}

/// A path as compared by [`check_outputs`].
struct Place<'a> {
    path: &'a Path,
    /// Canonical, or the canonical parent and the file name for a file
    /// that does not exist yet.
    canonical: Option<PathBuf>,
    /// (device, inode) of an existing file, links followed.
    id: Option<(u64, u64)>,
    dir: bool,
    device: bool,
}

impl<'a> Place<'a> {
    fn of(path: &'a Path) -> Place<'a> {
        let meta = std::fs::metadata(path).ok();
        let canonical = std::fs::canonicalize(path).ok().or_else(|| {
            let parent = path.parent().filter(|p| !p.as_os_str().is_empty());
            let parent = std::fs::canonicalize(parent.unwrap_or(Path::new("."))).ok()?;
            Some(parent.join(path.file_name()?))
        });
        #[cfg(unix)]
        let id = meta.as_ref().map(|m| {
            use std::os::unix::fs::MetadataExt as _;
            (m.dev(), m.ino())
        });
        #[cfg(not(unix))]
        let id = None;
        Place {
            path,
            canonical,
            id,
            dir: meta.as_ref().is_some_and(|m| m.is_dir()),
            device: meta.as_ref().is_some_and(|m| !m.is_dir() && !m.is_file()),
        }
    }

    fn same(&self, other: &Place) -> bool {
        matches!((self.id, other.id), (Some(a), Some(b)) if a == b)
            || matches!((&self.canonical, &other.canonical), (Some(a), Some(b)) if a == b)
    }

    /// Whether `file` lies below this directory and would be read from it.
    fn contains(&self, file: &Place) -> bool {
        let read = file
            .path
            .extension()
            .and_then(|e| e.to_str())
            .is_some_and(|e| e.eq_ignore_ascii_case("toml"));
        self.dir
            && read
            && matches!((&self.canonical, &file.canonical), (Some(d), Some(f)) if f.starts_with(d))
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
    fn a_write_error_leaves_nothing() {
        let dir = std::env::temp_dir().join(format!("shouli-atomic-err-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let dest = dir.join("doc.html");
        let written = write_with(&dest, |w| {
            // Half a character, then the disk is full.
            w.write_all("<p>受".as_bytes().split_at(5).0)?;
            Err(io::Error::from(io::ErrorKind::StorageFull))
        });
        assert_eq!(
            written.unwrap_err().kind(),
            io::ErrorKind::StorageFull,
            "the error is passed on"
        );
        assert!(!dest.exists(), "nothing under the final name");
        assert_eq!(std::fs::read_dir(&dir).unwrap().count(), 0, "no temp left");
        // An old file stays as it was.
        std::fs::write(&dest, "old").unwrap();
        let written = write_with(&dest, |w| {
            w.write_all(b"new, half")?;
            Err(io::Error::from(io::ErrorKind::StorageFull))
        });
        assert!(written.is_err());
        assert_eq!(std::fs::read(&dest).unwrap(), b"old");
        assert_eq!(std::fs::read_dir(&dir).unwrap().count(), 1, "no temp left");
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn a_new_file_never_replaces_one() {
        let dir = std::env::temp_dir().join(format!("shouli-atomic-new-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        let dest = dir.join("case.toml");
        write_new(&dest, b"first").unwrap();
        assert_eq!(std::fs::read(&dest).unwrap(), b"first");
        let again = write_new(&dest, b"second").unwrap_err();
        assert_eq!(again.kind(), io::ErrorKind::AlreadyExists);
        assert_eq!(std::fs::read(&dest).unwrap(), b"first", "the first kept");
        // The race the early check cannot see: the name taken after it.
        let mut file = AtomicFile::create(&dir.join("late.toml")).unwrap();
        file.write_all(b"mine").unwrap();
        std::fs::write(dir.join("late.toml"), "theirs").unwrap();
        assert_eq!(
            file.commit_new().unwrap_err().kind(),
            io::ErrorKind::AlreadyExists
        );
        assert_eq!(std::fs::read(dir.join("late.toml")).unwrap(), b"theirs");
        assert_eq!(std::fs::read_dir(&dir).unwrap().count(), 2, "no temp left");
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[cfg(target_os = "linux")]
    #[test]
    fn a_full_device_is_an_error_at_commit() {
        let full = Path::new("/dev/full");
        assert!(full.exists(), "Linux has /dev/full");
        // Small writes are buffered: the error shows at the final flush.
        assert!(write(full, b"<html>").is_err());
    }

    #[cfg(target_os = "linux")]
    #[test]
    fn stale_temporary_files_of_dead_processes_are_removed() {
        let dir = std::env::temp_dir().join(format!("shouli-atomic-stale-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        // A pid that is certainly free: past the kernel's maximum.
        let dead = format!(".out.jsonl.{}-1.tmp", u32::MAX - 1);
        let old_style = format!(".out.jsonl.{}.tmp", u32::MAX - 2);
        // A live process (our parent) under another start time: its pid
        // was used again, so the file is stale too; under its own start
        // time it is being written, and kept.
        let parent = std::os::unix::process::parent_id();
        let reused = format!(".out.jsonl.{parent}-1.tmp");
        let parents = format!(".out.jsonl.{parent}-{}.tmp", process_start(parent).unwrap());
        // Our own file being written, kept.
        let mine = format!(".out.jsonl.{}-{}.tmp", std::process::id(), start_token());
        let other = ".other.jsonl.4294967290-1.tmp".to_string();
        for f in [&dead, &old_style, &reused, &parents, &mine, &other] {
            std::fs::write(dir.join(f), "half").unwrap();
        }
        std::fs::write(dir.join(".out.jsonl.notes.tmp"), "not ours").unwrap();
        remove_stale(&dir, std::ffi::OsStr::new("out.jsonl"));
        let mut left: Vec<String> = std::fs::read_dir(&dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().into_string().unwrap())
            .collect();
        left.sort();
        let mut want = vec![".out.jsonl.notes.tmp".to_string(), other, parents, mine];
        want.sort();
        assert_eq!(left, want);
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
