//! Benchmarks of the local provider: a 1 GiB and a 1 TiB volume side by side, to show that
//! creating, snapshotting and restoring cost the same whatever the nominal size, since only
//! allocated data is stored and copied.
//!
//! Run with `cargo bench -p cloudbridge --bench local`; results are recorded in
//! `docs/benchmarks.md`. Each timed iteration creates a resource; deleting it afterwards is
//! not timed.

use std::future::IntoFuture;
use std::os::unix::fs::{FileExt, MetadataExt};
use std::path::Path;
use std::time::{Duration, Instant};

use cloudbridge::{Provider, Snapshot, Volume};
use criterion::{BenchmarkId, Criterion, criterion_group, criterion_main};
use tokio::runtime::Runtime;

const SIZES_GIB: [u64; 2] = [1, 1024];
/// Data written into each source volume before it is snapshotted: 8 MiB in 8 places.
const DATA_CHUNKS: u64 = 8;

fn runtime() -> Runtime {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap()
}

fn allocated_bytes(path: &Path) -> u64 {
    std::fs::metadata(path).unwrap().blocks() * 512
}

async fn source_volume(provider: &Provider, dir: &Path, size: u64) -> Volume {
    let volume = provider
        .storage()
        .volumes()
        .create("bench-source", size)
        .await
        .unwrap();
    let file = std::fs::OpenOptions::new()
        .write(true)
        .open(dir.join("volumes").join(format!("{}.img", volume.id())))
        .unwrap();
    let chunk = vec![0xa5u8; 1 << 20];
    let stride = (size << 30) / DATA_CHUNKS;
    for n in 0..DATA_CHUNKS {
        file.write_all_at(&chunk, n * stride).unwrap();
    }
    file.sync_all().unwrap();
    volume
}

fn create_volume(c: &mut Criterion) {
    let runtime = runtime();
    let dir = tempfile::tempdir().unwrap();
    let provider = Provider::local(dir.path()).unwrap();
    let mut group = c.benchmark_group("create_volume");
    for size in SIZES_GIB {
        group.bench_with_input(
            BenchmarkId::from_parameter(format!("{size}GiB")),
            &size,
            |b, &size| {
                b.to_async(&runtime).iter_custom(|iterations| {
                    let provider = provider.clone();
                    async move {
                        let mut total = Duration::ZERO;
                        for _ in 0..iterations {
                            let started = Instant::now();
                            let mut volume = provider
                                .storage()
                                .volumes()
                                .create("bench-vol", size)
                                .await
                                .unwrap();
                            total += started.elapsed();
                            volume.delete().await.unwrap();
                        }
                        total
                    }
                });
            },
        );
    }
    group.finish();

    let rt = runtime;
    for size in SIZES_GIB {
        let volume = rt
            .block_on(
                provider
                    .storage()
                    .volumes()
                    .create("bench-disk", size)
                    .into_future(),
            )
            .unwrap();
        let path = dir
            .path()
            .join("volumes")
            .join(format!("{}.img", volume.id()));
        println!(
            "disk: empty {size} GiB volume allocates {} bytes",
            allocated_bytes(&path)
        );
    }
}

fn snapshot_and_restore(c: &mut Criterion) {
    let runtime = runtime();
    let dir = tempfile::tempdir().unwrap();
    let provider = Provider::local(dir.path()).unwrap();
    let mut group = c.benchmark_group("snapshot_8MiB_data");
    group.sample_size(20);
    for size in SIZES_GIB {
        let volume = runtime.block_on(source_volume(&provider, dir.path(), size));
        group.bench_with_input(
            BenchmarkId::new("snapshot", format!("{size}GiB")),
            &volume,
            |b, volume| {
                b.to_async(&runtime).iter_custom(|iterations| {
                    let volume = volume.clone();
                    async move {
                        let mut total = Duration::ZERO;
                        for _ in 0..iterations {
                            let started = Instant::now();
                            let mut snapshot: Snapshot =
                                volume.create_snapshot("bench-snap", None).await.unwrap();
                            total += started.elapsed();
                            snapshot.delete().await.unwrap();
                        }
                        total
                    }
                });
            },
        );

        let snapshot = runtime
            .block_on(volume.create_snapshot("bench-restore", None))
            .unwrap();
        group.bench_with_input(
            BenchmarkId::new("restore", format!("{size}GiB")),
            &snapshot,
            |b, snapshot| {
                b.to_async(&runtime).iter_custom(|iterations| {
                    let snapshot = snapshot.clone();
                    async move {
                        let mut total = Duration::ZERO;
                        for _ in 0..iterations {
                            let started = Instant::now();
                            let mut restored = snapshot
                                .create_volume("bench-restored", None, None)
                                .await
                                .unwrap();
                            total += started.elapsed();
                            restored.delete().await.unwrap();
                        }
                        total
                    }
                });
            },
        );
        let path = dir
            .path()
            .join("snapshots")
            .join(format!("{}.img", snapshot.id()));
        println!(
            "disk: snapshot of a {size} GiB volume with 8 MiB of data allocates {} bytes",
            allocated_bytes(&path)
        );
    }
    group.finish();
}

criterion_group!(benches, create_volume, snapshot_and_restore);
criterion_main!(benches);
