//! Writing known bytes through an attached volume's device path and reading them back.
//!
//! The pattern is a few 1 MiB blocks of seeded pseudo-random bytes at offsets spread over a
//! 1 GiB volume (the first and the last MiB, and two in between, one not aligned to 4 KiB), so
//! a restore that copies only part of the volume, or shifts it, changes the digest.

use std::fs::{File, OpenOptions};
use std::io::{self, Read, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};

use serde::Serialize;
use sha2::{Digest, Sha256};

use crate::exit::Failure;

const MIB: u64 = 1024 * 1024;
/// Size of each written block, in bytes.
const BLOCK_LEN: u64 = MIB;
/// Byte offsets of the blocks; the last block ends exactly at 1 GiB.
pub const OFFSETS: [u64; 4] = [0, 256 * MIB + 4096 + 17, 700 * MIB, 1024 * MIB - BLOCK_LEN];

/// Record of the bytes written, to check the restored copy against.
#[derive(Debug, Clone, Serialize)]
pub struct Pattern {
    /// Seed of the pseudo-random bytes.
    pub seed: u64,
    /// Byte offsets of the blocks.
    pub offsets: Vec<u64>,
    /// Total bytes written.
    pub bytes: u64,
    /// SHA-256 of the blocks in offset order, as lowercase hex.
    pub sha256: String,
}

/// Writes the pattern for `seed` at `path`, flushes it to storage and returns its digest.
pub async fn write(path: PathBuf, seed: u64) -> Result<Pattern, Failure> {
    let task =
        tokio::task::spawn_blocking(move || write_blocking(&path, seed).map_err(|e| (path, e)));
    match task.await {
        Ok(Ok(pattern)) => Ok(pattern),
        Ok(Err((path, error))) => Err(io_failure("writing", &path, &error)),
        Err(error) => Err(Failure::local(
            format!("the data writer stopped: {error}"),
            "run the walkthrough again",
        )),
    }
}

/// Reads the blocks at the pattern's offsets from `path` and returns their SHA-256.
pub async fn read_digest(path: PathBuf) -> Result<String, Failure> {
    let task = tokio::task::spawn_blocking(move || read_blocking(&path).map_err(|e| (path, e)));
    match task.await {
        Ok(Ok(digest)) => Ok(digest),
        Ok(Err((path, error))) => Err(io_failure("reading", &path, &error)),
        Err(error) => Err(Failure::local(
            format!("the data reader stopped: {error}"),
            "run the walkthrough again",
        )),
    }
}

fn io_failure(action: &str, path: &Path, error: &io::Error) -> Failure {
    Failure::local(
        format!(
            "{action} the attached device at {} failed: {error}",
            path.display()
        ),
        "check that the path exists and is writable by this user",
    )
}

fn write_blocking(path: &Path, seed: u64) -> io::Result<Pattern> {
    // Never create or truncate: the path must be the volume the provider attached.
    let mut file = OpenOptions::new().read(true).write(true).open(path)?;
    check_length(&file)?;

    let mut rng = fastrand::Rng::with_seed(seed);
    let mut hasher = Sha256::new();
    let mut block = vec![0u8; BLOCK_LEN as usize];
    for offset in OFFSETS {
        rng.fill(&mut block);
        file.seek(SeekFrom::Start(offset))?;
        file.write_all(&block)?;
        hasher.update(&block);
    }
    file.sync_all()?;

    Ok(Pattern {
        seed,
        offsets: OFFSETS.to_vec(),
        bytes: BLOCK_LEN * OFFSETS.len() as u64,
        sha256: hex(&hasher.finalize()),
    })
}

fn read_blocking(path: &Path) -> io::Result<String> {
    let mut file = File::open(path)?;
    check_length(&file)?;

    let mut hasher = Sha256::new();
    let mut block = vec![0u8; BLOCK_LEN as usize];
    for offset in OFFSETS {
        file.seek(SeekFrom::Start(offset))?;
        file.read_exact(&mut block)?;
        hasher.update(&block);
    }
    Ok(hex(&hasher.finalize()))
}

/// Rejects a regular file shorter than 1 GiB, where writing would grow it instead of filling the
/// volume. Block devices report length 0 here and are not checked.
fn check_length(file: &File) -> io::Result<()> {
    let metadata = file.metadata()?;
    let needed = OFFSETS[OFFSETS.len() - 1] + BLOCK_LEN;
    if metadata.is_file() && metadata.len() < needed {
        return Err(io::Error::new(
            io::ErrorKind::InvalidData,
            format!(
                "it is {} bytes long, shorter than the 1 GiB volume ({needed} bytes)",
                metadata.len()
            ),
        ));
    }
    Ok(())
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|byte| format!("{byte:02x}")).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn pattern_reads_back_with_same_digest() {
        let dir = std::env::temp_dir().join(format!("cb-data-test-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("volume");
        File::create(&path).unwrap().set_len(1024 * MIB).unwrap();

        let pattern = write(path.clone(), 7).await.unwrap();
        let digest = read_digest(path.clone()).await.unwrap();
        std::fs::remove_dir_all(&dir).unwrap();

        assert_eq!(pattern.sha256, digest);
        assert_eq!(pattern.bytes, 4 * MIB);
    }

    #[tokio::test]
    async fn short_file_is_rejected_and_not_grown() {
        let dir = std::env::temp_dir().join(format!("cb-data-short-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("volume");
        File::create(&path).unwrap().set_len(MIB).unwrap();

        let result = write(path.clone(), 7).await;
        let length = std::fs::metadata(&path).unwrap().len();
        std::fs::remove_dir_all(&dir).unwrap();

        assert!(result.is_err());
        assert_eq!(length, MIB);
    }
}
