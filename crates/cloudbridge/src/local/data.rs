//! The data directory: volume and snapshot files, attachment links and in-flight locks.
//!
//! ```text
//! DATA_DIR/cloudbridge.db          metadata (SQLite, WAL)
//! DATA_DIR/open.lock               held while a process opens the directory
//! DATA_DIR/volumes/vol-….img       one sparse file per volume, of its nominal size
//! DATA_DIR/snapshots/snap-….img    one file per snapshot
//! DATA_DIR/instances/i-…/sdh       a symlink to the attached volume's file, per device
//! DATA_DIR/tmp/ID.part, ID.lock    data being written, and the lock its writer holds
//! ```

use std::fs::{self, File, OpenOptions};
use std::io;
use std::os::unix::fs::{FileExt, MetadataExt};
use std::path::{Path, PathBuf};
use std::time::Duration;

use rustix::fs::{FlockOperation, SeekFrom};

const GIB: u64 = 1 << 30;
const COPY_CHUNK: usize = 1 << 20;

/// Paths inside one data directory.
#[derive(Debug, Clone)]
pub(crate) struct DataDir {
    root: PathBuf,
}

impl DataDir {
    /// Creates the directory layout if it does not exist yet.
    pub fn create(root: &Path) -> io::Result<DataDir> {
        for sub in ["volumes", "snapshots", "instances", "tmp"] {
            fs::create_dir_all(root.join(sub))?;
        }
        Ok(DataDir {
            root: root.to_path_buf(),
        })
    }

    pub fn root(&self) -> &Path {
        &self.root
    }

    pub fn database(&self) -> PathBuf {
        self.root.join("cloudbridge.db")
    }

    /// The file of a volume; `id` must be one the provider generated.
    pub fn volume(&self, id: &str) -> PathBuf {
        debug_assert!(super::ids::is_generated(id));
        self.root.join("volumes").join(format!("{id}.img"))
    }

    /// The file of a snapshot; `id` must be one the provider generated.
    pub fn snapshot(&self, id: &str) -> PathBuf {
        debug_assert!(super::ids::is_generated(id));
        self.root.join("snapshots").join(format!("{id}.img"))
    }

    pub fn instance_dir(&self, instance_id: &str) -> PathBuf {
        debug_assert!(super::ids::is_generated(instance_id));
        self.root.join("instances").join(instance_id)
    }

    /// The link through which an attached volume's bytes are reached, such as
    /// `instances/i-…/sdh` for `/dev/sdh`.
    pub fn device_link(&self, instance_id: &str, device: &str) -> PathBuf {
        let name = device.strip_prefix("/dev/").unwrap_or(device);
        self.instance_dir(instance_id).join(name)
    }

    pub fn part(&self, id: &str) -> PathBuf {
        self.root.join("tmp").join(format!("{id}.part"))
    }

    fn lock(&self, id: &str) -> PathBuf {
        self.root.join("tmp").join(format!("{id}.lock"))
    }

    /// Takes the lock that serialises opening the data directory between processes, waiting
    /// for it if another process holds it. The lock is released when the file is dropped.
    pub fn lock_opening(&self) -> io::Result<File> {
        let file = OpenOptions::new()
            .create(true)
            .truncate(false)
            .write(true)
            .open(self.root.join("open.lock"))?;
        rustix::fs::flock(&file, FlockOperation::LockExclusive)?;
        Ok(file)
    }

    /// Takes the lock that marks `id`'s data as being written by this process. The kernel
    /// releases it if the process dies, which is how a crashed writer is recognised.
    pub fn lock_in_flight(&self, id: &str) -> io::Result<InFlightLock> {
        let path = self.lock(id);
        loop {
            let file = OpenOptions::new()
                .create(true)
                .truncate(false)
                .write(true)
                .open(&path)?;
            rustix::fs::flock(&file, FlockOperation::NonBlockingLockExclusive)?;
            // A checker may have removed a stale lock file between the open and the flock.
            // So the lock counts only if the path still names the locked file.
            // the lock counts only if the path still names the locked file.
            let locked = file.metadata()?.ino();
            match fs::metadata(&path) {
                Ok(current) if current.ino() == locked => return Ok(InFlightLock { file, path }),
                Ok(_) => continue,
                Err(error) if error.kind() == io::ErrorKind::NotFound => continue,
                Err(error) => return Err(error),
            }
        }
    }

    /// Removes the lock file of `id` if no live process has it locked, and returns whether no
    /// writer is left.
    pub fn remove_stale_lock(&self, id: &str) -> io::Result<bool> {
        let path = self.lock(id);
        let file = match OpenOptions::new().write(true).open(&path) {
            Ok(file) => file,
            Err(error) if error.kind() == io::ErrorKind::NotFound => return Ok(true),
            Err(error) => return Err(error),
        };
        if rustix::fs::flock(&file, FlockOperation::NonBlockingLockExclusive).is_err() {
            return Ok(false);
        }
        remove_if_exists(&path)?;
        Ok(true)
    }

    /// Tells whether some live process is still writing `id`'s data.
    pub fn is_in_flight(&self, id: &str) -> bool {
        let Ok(file) = OpenOptions::new().write(true).open(self.lock(id)) else {
            return false;
        };
        rustix::fs::flock(&file, FlockOperation::NonBlockingLockExclusive).is_err()
    }

    /// Creates a sparse volume file of `size_gib` GiB at `path` through a part file, so the
    /// final name only ever contains a complete file.
    pub fn create_sparse(&self, id: &str, path: &Path, size_gib: u64) -> io::Result<()> {
        let part = self.part(id);
        let file = File::create(&part)?;
        file.set_len(size_gib * GIB)?;
        file.sync_all()?;
        fs::rename(&part, path)
    }

    /// Copies `source` to `target` through a part file, then grows it to `size_gib` GiB.
    ///
    /// The copy is a reflink where the file system offers one. Otherwise only the allocated
    /// ranges are copied (found with `SEEK_DATA`/`SEEK_HOLE`), so holes stay holes and a
    /// mostly empty 1 TiB volume copies in the time its data needs. `pause_per_mib` slows the
    /// copy down to rehearse slow snapshots.
    pub fn copy(
        &self,
        id: &str,
        source: &Path,
        target: &Path,
        size_gib: u64,
        pause_per_mib: Duration,
    ) -> io::Result<()> {
        let part = self.part(id);
        let _ = fs::remove_file(&part);
        if pause_per_mib.is_zero() && reflink_copy::reflink(source, &part).is_ok() {
            tracing::debug!(id, "copied by reflink");
        } else {
            copy_allocated_ranges(source, &part, pause_per_mib)?;
        }
        let file = OpenOptions::new().write(true).open(&part)?;
        if file.metadata()?.len() < size_gib * GIB {
            file.set_len(size_gib * GIB)?;
        }
        file.sync_all()?;
        fs::rename(&part, target)
    }

    /// Points the device link of an attachment at a volume's file.
    pub fn link_device(&self, instance_id: &str, device: &str, volume_id: &str) -> io::Result<()> {
        let link = self.device_link(instance_id, device);
        fs::create_dir_all(self.instance_dir(instance_id))?;
        let _ = fs::remove_file(&link);
        std::os::unix::fs::symlink(self.volume(volume_id), link)
    }

    /// Removes a device link, if it exists.
    pub fn unlink_device(&self, instance_id: &str, device: &str) -> io::Result<()> {
        remove_if_exists(&self.device_link(instance_id, device))
    }
}

/// The lock a writer holds while a volume's or snapshot's data is incomplete.
#[derive(Debug)]
pub(crate) struct InFlightLock {
    file: File,
    path: PathBuf,
}

impl Drop for InFlightLock {
    fn drop(&mut self) {
        // The file is removed before the lock is released (when `file` is closed), so a
        // checker that opens it afterwards finds no file and no writer.
        let _ = fs::remove_file(&self.path);
        let _ = &self.file;
    }
}

/// Removes a file, treating "not found" as success.
pub(crate) fn remove_if_exists(path: &Path) -> io::Result<()> {
    match fs::remove_file(path) {
        Err(error) if error.kind() != io::ErrorKind::NotFound => Err(error),
        _ => Ok(()),
    }
}

/// Copies the allocated ranges of `source` into a new sparse file `target` of the same length.
fn copy_allocated_ranges(source: &Path, target: &Path, pause_per_mib: Duration) -> io::Result<()> {
    let input = File::open(source)?;
    let output = File::create(target)?;
    let length = input.metadata()?.len();
    output.set_len(length)?;

    let mut buffer = vec![0u8; COPY_CHUNK];
    let mut offset = 0;
    while offset < length {
        let Some(start) = seek_data(&input, offset)? else {
            break;
        };
        let end = seek_hole(&input, start)?.min(length);
        let mut position = start;
        while position < end {
            let wanted = ((end - position) as usize).min(COPY_CHUNK);
            let read = input.read_at(&mut buffer[..wanted], position)?;
            if read == 0 {
                break;
            }
            output.write_all_at(&buffer[..read], position)?;
            position += read as u64;
            if !pause_per_mib.is_zero() {
                std::thread::sleep(pause_per_mib.mul_f64(read as f64 / COPY_CHUNK as f64));
            }
        }
        offset = end;
    }
    Ok(())
}

/// Returns the start of the next data range at or after `offset`, or `None` past the last one.
fn seek_data(file: &File, offset: u64) -> io::Result<Option<u64>> {
    match rustix::fs::seek(file, SeekFrom::Data(offset)) {
        Ok(position) => Ok(Some(position)),
        Err(rustix::io::Errno::NXIO) => Ok(None),
        Err(error) => Err(error.into()),
    }
}

/// Returns the start of the next hole at or after `offset` (the file's end counts as one).
fn seek_hole(file: &File, offset: u64) -> io::Result<u64> {
    Ok(rustix::fs::seek(file, SeekFrom::Hole(offset))?)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sparse_copy_keeps_bytes_and_holes() {
        let dir = tempfile::tempdir().unwrap();
        let data = DataDir::create(dir.path()).unwrap();
        let source = dir.path().join("source");
        let file = File::create(&source).unwrap();
        file.set_len(GIB).unwrap();
        file.write_all_at(b"start", 0).unwrap();
        file.write_all_at(b"middle", GIB / 2).unwrap();
        file.write_all_at(b"end", GIB - 3).unwrap();

        let target = dir.path().join("target");
        copy_allocated_ranges(&source, &target, Duration::ZERO).unwrap();
        let copy = File::open(&target).unwrap();
        let mut buffer = [0u8; 6];
        copy.read_exact_at(&mut buffer, GIB / 2).unwrap();
        assert_eq!(&buffer, b"middle");
        copy.read_exact_at(&mut buffer[..3], GIB - 3).unwrap();
        assert_eq!(&buffer[..3], b"end");
        assert_eq!(copy.metadata().unwrap().len(), GIB);
        let allocated = copy.metadata().unwrap().blocks() * 512;
        assert!(allocated < 1 << 20, "copy allocated {allocated} bytes");
        drop(data);
    }

    #[test]
    fn in_flight_lock_is_seen_until_dropped() {
        let dir = tempfile::tempdir().unwrap();
        let data = DataDir::create(dir.path()).unwrap();
        let id = "vol-0123456789abcdef0";
        let lock = data.lock_in_flight(id).unwrap();
        assert!(data.is_in_flight(id));
        drop(lock);
        assert!(!data.is_in_flight(id));
    }
}
