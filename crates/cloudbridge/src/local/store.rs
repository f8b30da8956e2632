//! The local provider's metadata in SQLite, and every operation as one or more transactions.
//!
//! Each check and the update it guards run in one `BEGIN IMMEDIATE` transaction, so two
//! processes sharing a data directory are serialised by SQLite's write lock and never lose or
//! double an update. States move by time rather than by a background process: a row stores
//! its native state and `ready_at`, the time its current transition ends, and every
//! transaction first settles the transitions whose time has come (see [`settle`]).
//!
//! Data that takes time to write (a snapshot, a volume from a snapshot) is written after its
//! row is committed with `data_ready = 0`, under an in-flight lock; a row whose data is not
//! ready and whose writer holds no lock any more belonged to a process that died, and is
//! marked `error`, so nothing half-made is ever reported available.

use std::path::Path;
use std::sync::Mutex;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use chrono::{DateTime, Utc};
use rusqlite::{Connection, OptionalExtension, Row, Transaction, TransactionBehavior, params};

use super::data::{DataDir, remove_if_exists};
use super::faults::{FaultPlan, Operation};
use super::ids;
use super::mapping::{instance_state, snapshot_state, volume_state};
use crate::error::{Error, ErrorKind, Result};
use crate::model::{
    AttachRequest, Attachment, InstanceCreate, InstanceInfo, ListQuery, MetadataUpdate, Page,
    SnapshotCreate, SnapshotInfo, VolumeCreate, VolumeInfo,
};
use crate::rules;
use crate::state::{SnapshotState, VolumeState};

/// The error code of a failed write to a read-only data directory.
const READ_ONLY_CODE: &str = "ReadOnlyDataDirectory";

/// Zones of the local region.
pub(crate) const ZONES: &[&str] = &["local-a", "local-b", "local-c"];

const SCHEMA: &str = "
CREATE TABLE IF NOT EXISTS volumes (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    id TEXT NOT NULL UNIQUE,
    label TEXT,
    description TEXT,
    size INTEGER NOT NULL,
    zone TEXT NOT NULL,
    source_snapshot_id TEXT,
    created_at INTEGER NOT NULL,
    visible_at INTEGER NOT NULL,
    status TEXT NOT NULL,
    ready_at INTEGER NOT NULL,
    fails INTEGER NOT NULL DEFAULT 0,
    data_ready INTEGER NOT NULL DEFAULT 0,
    instance_id TEXT,
    device TEXT,
    slot TEXT,
    attached_at INTEGER
);
CREATE UNIQUE INDEX IF NOT EXISTS volumes_device_slot
    ON volumes (instance_id, slot) WHERE instance_id IS NOT NULL;
CREATE TABLE IF NOT EXISTS snapshots (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    id TEXT NOT NULL UNIQUE,
    label TEXT,
    description TEXT,
    size INTEGER NOT NULL,
    volume_id TEXT,
    created_at INTEGER NOT NULL,
    visible_at INTEGER NOT NULL,
    status TEXT NOT NULL,
    ready_at INTEGER NOT NULL,
    fails INTEGER NOT NULL DEFAULT 0,
    data_ready INTEGER NOT NULL DEFAULT 0
);
CREATE TABLE IF NOT EXISTS instances (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    id TEXT NOT NULL UNIQUE,
    label TEXT,
    zone TEXT NOT NULL,
    image_id TEXT,
    instance_type TEXT,
    created_at INTEGER NOT NULL,
    visible_at INTEGER NOT NULL,
    status TEXT NOT NULL,
    ready_at INTEGER NOT NULL,
    fails INTEGER NOT NULL DEFAULT 0
);
";

/// Ends the transitions whose time has come. This statement list is the local provider's
/// transition table: creating -> available, attaching -> in-use, detaching -> available,
/// pending -> available or running, deleting -> gone; `fails` turns a create into `error`.
const SETTLE: &str = "
UPDATE volumes SET status = CASE WHEN fails THEN 'error' ELSE 'available' END
    WHERE status = 'creating' AND data_ready = 1 AND ready_at <= ?1;
UPDATE volumes SET status = 'in-use' WHERE status = 'attaching' AND ready_at <= ?1;
UPDATE volumes SET status = 'available', instance_id = NULL, device = NULL, slot = NULL,
    attached_at = NULL
    WHERE status = 'detaching' AND ready_at <= ?1;
DELETE FROM volumes WHERE status = 'deleting' AND ready_at <= ?1;
UPDATE snapshots SET status = CASE WHEN fails THEN 'error' ELSE 'available' END
    WHERE status = 'pending' AND data_ready = 1 AND ready_at <= ?1;
DELETE FROM snapshots WHERE status = 'deleting' AND ready_at <= ?1;
UPDATE instances SET status = CASE WHEN fails THEN 'error' ELSE 'running' END
    WHERE status = 'pending' AND ready_at <= ?1;
DELETE FROM instances WHERE status = 'deleting' AND ready_at <= ?1;
";

const VOLUME_COLUMNS: &str = "seq, id, label, description, size, zone, source_snapshot_id, \
                              created_at, status, instance_id, device, attached_at";
const SNAPSHOT_COLUMNS: &str = "seq, id, label, description, size, volume_id, created_at, \
                                status, data_ready, ready_at";
const INSTANCE_COLUMNS: &str = "seq, id, label, zone, image_id, instance_type, created_at, status";

/// One resource table and the columns its rows are read from.
struct Table {
    name: &'static str,
    resource: &'static str,
    columns: &'static str,
    /// Whether listings show only the provider's zone.
    zoned: bool,
}

const VOLUMES: Table = Table {
    name: "volumes",
    resource: "volume",
    columns: VOLUME_COLUMNS,
    zoned: true,
};
const SNAPSHOTS: Table = Table {
    name: "snapshots",
    resource: "snapshot",
    columns: SNAPSHOT_COLUMNS,
    zoned: false,
};
const INSTANCES: Table = Table {
    name: "instances",
    resource: "instance",
    columns: INSTANCE_COLUMNS,
    zoned: true,
};

/// Timing and fault settings of a store.
#[derive(Debug, Clone)]
pub(crate) struct StoreSettings {
    pub zone: String,
    pub transition_delay: Duration,
    pub visibility_lag: Duration,
    pub copy_pause_per_mib: Duration,
    pub faults: FaultPlan,
}

/// The metadata database and data directory of one local cloud.
#[derive(Debug)]
pub(crate) struct Store {
    connection: Mutex<Connection>,
    data: DataDir,
    settings: StoreSettings,
}

impl Store {
    /// Opens (creating if needed) the data directory, recovers from any crash and removes
    /// files that no row refers to.
    pub fn open(root: &Path, settings: StoreSettings) -> Result<Store> {
        let data = DataDir::create(root)
            .map_err(|error| io_error("create data directory", root, error))?;
        // SQLite returns "database is locked" at once, without waiting for the busy timeout,
        // when two processes switch a new database to WAL or create its tables at the same
        // time, so opening is serialised between processes with a file lock.
        let _opening = data
            .lock_opening()
            .map_err(|error| io_error("lock the data directory", data.root(), error))?;
        let connection = open_connection(&data.database())
            .map_err(|error| name_read_only(error, data.root()))?;
        let store = Store {
            connection: Mutex::new(connection),
            data,
            settings,
        };
        store.write(|tx, _| store.sweep(tx))?;
        Ok(store)
    }

    pub fn data(&self) -> &DataDir {
        &self.data
    }

    /// Runs `work` in one immediate transaction, after settling due transitions.
    fn write<T>(&self, work: impl FnOnce(&Transaction<'_>, i64) -> Result<T>) -> Result<T> {
        self.write_unnamed(work)
            .map_err(|error| name_read_only(error, self.data.root()))
    }

    fn write_unnamed<T>(&self, work: impl FnOnce(&Transaction<'_>, i64) -> Result<T>) -> Result<T> {
        let mut connection = self
            .connection
            .lock()
            .unwrap_or_else(|poison| poison.into_inner());
        let tx = connection
            .transaction_with_behavior(TransactionBehavior::Immediate)
            .map_err(db_error)?;
        let now = now_ms();
        self.settle(&tx, now)?;
        let value = work(&tx, now)?;
        tx.commit().map_err(db_error)?;
        Ok(value)
    }

    fn settle(&self, tx: &Transaction<'_>, now: i64) -> Result<()> {
        self.recover_abandoned(tx)?;
        let mut statement_sql = SETTLE;
        while !statement_sql.trim().is_empty() {
            let (sql, rest) = statement_sql.split_once(';').unwrap_or((statement_sql, ""));
            if !sql.trim().is_empty() {
                tx.execute(sql, params![now]).map_err(db_error)?;
            }
            statement_sql = rest;
        }
        Ok(())
    }

    /// Marks as `error` every row whose data is incomplete and whose writer is gone.
    fn recover_abandoned(&self, tx: &Transaction<'_>) -> Result<()> {
        for (table, status) in [("volumes", "creating"), ("snapshots", "pending")] {
            let sql =
                format!("SELECT id FROM {table} WHERE data_ready = 0 AND status = '{status}'");
            let ids: Vec<String> = query_strings(tx, &sql)?;
            for id in ids {
                let writer_gone = self
                    .data
                    .remove_stale_lock(&id)
                    .map_err(|e| io_error("check the lock of", self.data.root(), e))?;
                if !writer_gone {
                    continue;
                }
                tracing::warn!(
                    provider = "local",
                    id,
                    "writer of incomplete data is gone; marking error"
                );
                let sql = format!("UPDATE {table} SET status = 'error' WHERE id = ?1");
                tx.execute(&sql, params![id]).map_err(db_error)?;
                remove_if_exists(&self.data.part(&id))
                    .map_err(|e| io_error("remove", &self.data.part(&id), e))?;
            }
        }
        Ok(())
    }

    /// Removes files that no row refers to, left by a process that died between a commit and
    /// a file operation, and restores missing attachment links.
    fn sweep(&self, tx: &Transaction<'_>) -> Result<()> {
        let volume_ids = query_strings(tx, "SELECT id FROM volumes")?;
        let snapshot_ids = query_strings(tx, "SELECT id FROM snapshots")?;
        let instance_ids = query_strings(tx, "SELECT id FROM instances")?;
        let root = self.data.root();
        for (dir, known, suffix) in [
            ("volumes", &volume_ids, ".img"),
            ("snapshots", &snapshot_ids, ".img"),
            ("instances", &instance_ids, ""),
            ("tmp", &Vec::new(), ".part"),
            ("tmp", &Vec::new(), ".lock"),
        ] {
            let Ok(entries) = std::fs::read_dir(root.join(dir)) else {
                continue;
            };
            for entry in entries.flatten() {
                let name = entry.file_name().to_string_lossy().into_owned();
                let Some(id) = name.strip_suffix(suffix) else {
                    continue;
                };
                if known.iter().any(|k| k == id) || (dir == "tmp" && self.data.is_in_flight(id)) {
                    continue;
                }
                if name.ends_with(".lock") {
                    self.data
                        .remove_stale_lock(id)
                        .map_err(|error| io_error("remove stale lock", &entry.path(), error))?;
                    continue;
                }
                tracing::info!(provider = "local", path = %entry.path().display(), "removing orphaned file");
                let path = entry.path();
                let removed = if path.is_dir() {
                    std::fs::remove_dir_all(&path)
                } else {
                    remove_if_exists(&path)
                };
                removed.map_err(|error| io_error("remove orphaned file", &path, error))?;
            }
        }

        let mut statement = tx
            .prepare("SELECT id, instance_id, device FROM volumes WHERE status IN ('attaching', 'in-use')")
            .map_err(db_error)?;
        let links = statement
            .query_map([], |row| {
                Ok((
                    row.get::<_, String>(0)?,
                    row.get::<_, String>(1)?,
                    row.get::<_, String>(2)?,
                ))
            })
            .map_err(db_error)?
            .collect::<rusqlite::Result<Vec<_>>>()
            .map_err(db_error)?;
        for (volume_id, instance_id, device) in links {
            if !self.data.device_link(&instance_id, &device).exists() {
                self.data
                    .link_device(&instance_id, &device, &volume_id)
                    .map_err(|error| {
                        io_error(
                            "link device",
                            &self.data.device_link(&instance_id, &device),
                            error,
                        )
                    })?;
            }
        }
        Ok(())
    }

    // ---- volumes ----

    pub fn get_volume(&self, id: &str) -> Result<Option<VolumeInfo>> {
        self.write(|tx, now| select_visible(tx, &VOLUMES, id, now, |row| self.volume_from_row(row)))
    }

    fn require_volume(&self, tx: &Transaction<'_>, id: &str, now: i64) -> Result<VolumeInfo> {
        let found = select_visible(tx, &VOLUMES, id, now, |row| self.volume_from_row(row))?;
        found.ok_or_else(|| Error::not_found(VOLUMES.resource, id))
    }

    /// Reads a volume that this call created, even while it is not visible to others yet.
    fn created_volume(&self, id: &str) -> Result<VolumeInfo> {
        self.write(|tx, _| {
            let sql = format!("SELECT {VOLUME_COLUMNS} FROM volumes WHERE id = ?1");
            tx.query_row(&sql, params![id], |row| self.volume_from_row(row))
                .map_err(db_error)
        })
    }

    pub fn list_volumes(&self, query: &ListQuery) -> Result<Page<VolumeInfo>> {
        self.write(|tx, now| {
            select_page(tx, &VOLUMES, Some(&self.settings.zone), query, now, |row| {
                self.volume_from_row(row)
            })
        })
    }

    pub fn create_volume(&self, request: &VolumeCreate) -> Result<VolumeInfo> {
        self.settings.faults.throttle("create_volume")?;
        self.settings.faults.fail(Operation::CreateVolume)?;
        let zone = request
            .zone
            .clone()
            .unwrap_or_else(|| self.settings.zone.clone());
        rules::check_zone(&zone, ZONES.iter().copied())?;

        let id = ids::generate("vol");
        let lock = self
            .data
            .lock_in_flight(&id)
            .map_err(|e| io_error("lock", self.data.root(), e))?;
        let fails = self.settings.faults.ends_in_error(Operation::CreateVolume);
        let (size, source) = self.write(|tx, now| {
            let (size, source) = match &request.snapshot_id {
                Some(snapshot_id) => {
                    let snapshot = self.require_snapshot(tx, snapshot_id, now)?;
                    let size = request.size.unwrap_or(snapshot.size);
                    rules::check_restore(&snapshot, size)?;
                    (size, Some(snapshot.id))
                }
                None => {
                    let size = request.size.ok_or_else(|| {
                        Error::invalid_parameter("size", "none", "a volume needs a size in GiB")
                    })?;
                    (size, None)
                }
            };
            rules::check_volume_size(size)?;
            tx.execute(
                "INSERT INTO volumes (id, label, description, size, zone, source_snapshot_id, \
                 created_at, visible_at, status, ready_at, fails, data_ready) \
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, 'creating', ?9, ?10, 0)",
                params![
                    id,
                    request.label,
                    non_empty(request.description.as_deref()),
                    size,
                    zone,
                    source,
                    now,
                    now.saturating_add(millis(self.settings.visibility_lag)),
                    now.saturating_add(millis(self.settings.transition_delay)),
                    fails,
                ],
            )
            .map_err(db_error)?;
            Ok((size, source))
        })?;

        let target = self.data.volume(&id);
        let written = match &source {
            Some(snapshot_id) => self.data.copy(
                &id,
                &self.data.snapshot(snapshot_id),
                &target,
                size,
                self.settings.copy_pause_per_mib,
            ),
            None => self.data.create_sparse(&id, &target, size),
        };
        self.finish_data("volumes", &id, written, &target)?;
        drop(lock);
        self.created_volume(&id)
    }

    /// Marks a row's data complete, or removes the row and partial files if writing failed.
    fn finish_data(
        &self,
        table: &str,
        id: &str,
        written: std::io::Result<()>,
        target: &Path,
    ) -> Result<()> {
        match written {
            Ok(()) => self.write(|tx, _| {
                let sql = format!("UPDATE {table} SET data_ready = 1 WHERE id = ?1");
                tx.execute(&sql, params![id]).map_err(db_error)?;
                Ok(())
            }),
            Err(error) => {
                let _ = remove_if_exists(&self.data.part(id));
                let _ = remove_if_exists(target);
                self.write(|tx, _| {
                    let sql = format!("DELETE FROM {table} WHERE id = ?1");
                    tx.execute(&sql, params![id]).map_err(db_error)?;
                    Ok(())
                })?;
                Err(io_error("write data", target, error))
            }
        }
    }

    pub fn update_volume(&self, id: &str, update: &MetadataUpdate) -> Result<VolumeInfo> {
        self.write(|tx, now| {
            let volume = self.require_volume(tx, id, now)?;
            if volume.state == VolumeState::Deleting {
                return Err(Error::invalid_state(
                    "volume",
                    id,
                    volume.state,
                    "it is being deleted",
                ));
            }
            apply_update(tx, "volumes", id, update)?;
            self.require_volume(tx, id, now)
        })
    }

    pub fn attach_volume(&self, request: &AttachRequest) -> Result<VolumeInfo> {
        self.settings.faults.throttle("attach_volume")?;
        self.settings.faults.fail(Operation::AttachVolume)?;
        let slot = request.device.slot();
        let slot = format!(
            "{}{}",
            slot.letter,
            slot.partition.map_or(String::new(), |p| p.to_string())
        );
        self.write(|tx, now| {
            let volume = self.require_volume(tx, &request.volume_id, now)?;
            let instance = self.require_instance(tx, &request.instance_id, now)?;
            rules::check_attach(&volume, &instance)?;
            let holder = self.device_holder(tx, &instance.id, &request.device)?;
            if let Some((holder, device)) = holder {
                return Err(Error::new(
                    ErrorKind::DeviceInUse,
                    format!(
                        "device {} of instance {} is in use: volume {holder} is attached at \
                         {device}; choose another device name",
                        request.device, instance.id
                    ),
                ));
            }
            tx.execute(
                "UPDATE volumes SET status = 'attaching', ready_at = ?2, instance_id = ?3, \
                 device = ?4, slot = ?5, attached_at = ?6 WHERE id = ?1",
                params![
                    volume.id,
                    now.saturating_add(millis(self.settings.transition_delay)),
                    instance.id,
                    request.device.as_str(),
                    slot,
                    now
                ],
            )
            .map_err(db_error)?;
            self.data
                .link_device(&instance.id, request.device.as_str(), &volume.id)
                .map_err(|e| {
                    io_error(
                        "link device",
                        &self.data.device_link(&instance.id, request.device.as_str()),
                        e,
                    )
                })?;
            self.settle(tx, now)?;
            self.require_volume(tx, &volume.id, now)
        })
    }

    pub fn detach_volume(&self, id: &str, force: bool) -> Result<VolumeInfo> {
        self.settings.faults.throttle("detach_volume")?;
        self.settings.faults.fail(Operation::DetachVolume)?;
        self.write(|tx, now| {
            let volume = self.require_volume(tx, id, now)?;
            rules::check_detach(&volume, force)?;
            self.start_detach(tx, &volume, now)?;
            self.settle(tx, now)?;
            self.require_volume(tx, id, now)
        })
    }

    /// Moves a row to `deleting`; the settle step removes it once the transition delay ends.
    fn start_delete(&self, tx: &Transaction<'_>, table: &Table, id: &str, now: i64) -> Result<()> {
        let sql = format!(
            "UPDATE {} SET status = 'deleting', ready_at = ?2 WHERE id = ?1",
            table.name
        );
        let ready_at = now.saturating_add(millis(self.settings.transition_delay));
        tx.execute(&sql, params![id, ready_at]).map_err(db_error)?;
        Ok(())
    }

    /// Returns the volume and device name that keep `device` from being used on an instance.
    fn device_holder(
        &self,
        tx: &Transaction<'_>,
        instance_id: &str,
        device: &crate::device::Device,
    ) -> Result<Option<(String, String)>> {
        let mut statement = tx
            .prepare("SELECT id, device FROM volumes WHERE instance_id = ?1")
            .map_err(db_error)?;
        let attached = statement
            .query_map(params![instance_id], |row| Ok((row.get(0)?, row.get(1)?)))
            .map_err(db_error)?
            .collect::<rusqlite::Result<Vec<(String, String)>>>()
            .map_err(db_error)?;
        Ok(attached.into_iter().find(|(_, name)| {
            crate::device::Device::parse(name)
                .is_ok_and(|taken| taken.slot().conflicts_with(device.slot()))
        }))
    }

    fn start_detach(&self, tx: &Transaction<'_>, volume: &VolumeInfo, now: i64) -> Result<()> {
        if let Some(attachment) = &volume.attachment {
            self.data
                .unlink_device(&attachment.instance_id, &attachment.device)
                .map_err(|e| io_error("unlink device", self.data.root(), e))?;
        }
        tx.execute(
            "UPDATE volumes SET status = 'detaching', ready_at = ?2 WHERE id = ?1",
            params![
                volume.id,
                now.saturating_add(millis(self.settings.transition_delay))
            ],
        )
        .map_err(db_error)?;
        Ok(())
    }

    pub fn delete_volume(&self, id: &str) -> Result<()> {
        self.settings.faults.throttle("delete_volume")?;
        self.settings.faults.fail(Operation::DeleteVolume)?;
        self.write(|tx, now| {
            let volume = self.require_volume(tx, id, now)?;
            rules::check_volume_delete(&volume)?;
            self.start_delete(tx, &VOLUMES, id, now)?;
            Ok(())
        })?;
        let path = self.data.volume(id);
        remove_if_exists(&path).map_err(|e| io_error("remove", &path, e))
    }

    // ---- snapshots ----

    pub fn get_snapshot(&self, id: &str) -> Result<Option<SnapshotInfo>> {
        self.write(|tx, now| {
            select_visible(tx, &SNAPSHOTS, id, now, |row| {
                self.snapshot_from_row(row, now)
            })
        })
    }

    fn require_snapshot(&self, tx: &Transaction<'_>, id: &str, now: i64) -> Result<SnapshotInfo> {
        let found = select_visible(tx, &SNAPSHOTS, id, now, |row| {
            self.snapshot_from_row(row, now)
        })?;
        found.ok_or_else(|| Error::not_found(SNAPSHOTS.resource, id))
    }

    pub fn list_snapshots(&self, query: &ListQuery) -> Result<Page<SnapshotInfo>> {
        self.write(|tx, now| {
            select_page(tx, &SNAPSHOTS, None, query, now, |row| {
                self.snapshot_from_row(row, now)
            })
        })
    }

    pub fn create_snapshot(&self, request: &SnapshotCreate) -> Result<SnapshotInfo> {
        self.settings.faults.throttle("create_snapshot")?;
        self.settings.faults.fail(Operation::CreateSnapshot)?;
        let id = ids::generate("snap");
        let lock = self
            .data
            .lock_in_flight(&id)
            .map_err(|e| io_error("lock", self.data.root(), e))?;
        let fails = self
            .settings
            .faults
            .ends_in_error(Operation::CreateSnapshot);
        let volume = self.write(|tx, now| {
            let volume = self.require_volume(tx, &request.volume_id, now)?;
            rules::check_snapshot_source(&volume)?;
            tx.execute(
                "INSERT INTO snapshots (id, label, description, size, volume_id, created_at, \
                 visible_at, status, ready_at, fails, data_ready) \
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, 'pending', ?8, ?9, 0)",
                params![
                    id,
                    request.label,
                    non_empty(request.description.as_deref()),
                    volume.size,
                    volume.id,
                    now,
                    now.saturating_add(millis(self.settings.visibility_lag)),
                    now.saturating_add(millis(self.settings.transition_delay)),
                    fails,
                ],
            )
            .map_err(db_error)?;
            Ok(volume)
        })?;

        // NOTE: the copy reads the volume file while an attached user may write to it, so the
        // snapshot is crash-consistent (as on EBS), not application-consistent.
        let target = self.data.snapshot(&id);
        let written = self.data.copy(
            &id,
            &self.data.volume(&volume.id),
            &target,
            volume.size,
            self.settings.copy_pause_per_mib,
        );
        self.finish_data("snapshots", &id, written, &target)?;
        drop(lock);
        self.write(|tx, now| {
            let sql = format!("SELECT {SNAPSHOT_COLUMNS} FROM snapshots WHERE id = ?1");
            tx.query_row(&sql, params![id], |row| self.snapshot_from_row(row, now))
                .map_err(db_error)
        })
    }

    pub fn update_snapshot(&self, id: &str, update: &MetadataUpdate) -> Result<SnapshotInfo> {
        self.write(|tx, now| {
            let snapshot = self.require_snapshot(tx, id, now)?;
            if snapshot.state == SnapshotState::Deleting {
                return Err(Error::invalid_state(
                    "snapshot",
                    id,
                    snapshot.state,
                    "it is being deleted",
                ));
            }
            apply_update(tx, "snapshots", id, update)?;
            self.require_snapshot(tx, id, now)
        })
    }

    pub fn delete_snapshot(&self, id: &str) -> Result<()> {
        self.settings.faults.throttle("delete_snapshot")?;
        self.settings.faults.fail(Operation::DeleteSnapshot)?;
        self.write(|tx, now| {
            let snapshot = self.require_snapshot(tx, id, now)?;
            rules::check_snapshot_delete(&snapshot)?;
            self.start_delete(tx, &SNAPSHOTS, id, now)?;
            Ok(())
        })?;
        let path = self.data.snapshot(id);
        remove_if_exists(&path).map_err(|e| io_error("remove", &path, e))
    }

    // ---- instances ----

    pub fn get_instance(&self, id: &str) -> Result<Option<InstanceInfo>> {
        self.write(|tx, now| select_visible(tx, &INSTANCES, id, now, instance_from_row))
    }

    fn require_instance(&self, tx: &Transaction<'_>, id: &str, now: i64) -> Result<InstanceInfo> {
        let found = select_visible(tx, &INSTANCES, id, now, instance_from_row)?;
        found.ok_or_else(|| Error::not_found(INSTANCES.resource, id))
    }

    pub fn list_instances(&self, query: &ListQuery) -> Result<Page<InstanceInfo>> {
        self.write(|tx, now| {
            select_page(
                tx,
                &INSTANCES,
                Some(&self.settings.zone),
                query,
                now,
                instance_from_row,
            )
        })
    }

    pub fn create_instance(&self, request: &InstanceCreate) -> Result<InstanceInfo> {
        self.settings.faults.throttle("create_instance")?;
        self.settings.faults.fail(Operation::CreateInstance)?;
        let zone = request
            .zone
            .clone()
            .unwrap_or_else(|| self.settings.zone.clone());
        rules::check_zone(&zone, ZONES.iter().copied())?;
        let id = ids::generate("i");
        let fails = self
            .settings
            .faults
            .ends_in_error(Operation::CreateInstance);
        self.write(|tx, now| {
            tx.execute(
                "INSERT INTO instances (id, label, zone, image_id, instance_type, created_at, \
                 visible_at, status, ready_at, fails) \
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, 'pending', ?8, ?9)",
                params![
                    id,
                    request.label,
                    zone,
                    request.image_id.as_deref().unwrap_or("local-linux"),
                    request.instance_type.as_deref().unwrap_or("local.small"),
                    now,
                    now.saturating_add(millis(self.settings.visibility_lag)),
                    now.saturating_add(millis(self.settings.transition_delay)),
                    fails,
                ],
            )
            .map_err(db_error)?;
            self.settle(tx, now)?;
            let sql = format!("SELECT {INSTANCE_COLUMNS} FROM instances WHERE id = ?1");
            tx.query_row(&sql, params![id], instance_from_row)
                .map_err(db_error)
        })
    }

    pub fn delete_instance(&self, id: &str) -> Result<()> {
        self.settings.faults.throttle("delete_instance")?;
        self.settings.faults.fail(Operation::DeleteInstance)?;
        self.write(|tx, now| {
            let instance = self.require_instance(tx, id, now)?;
            rules::check_instance_delete(&instance)?;
            let sql = format!(
                "SELECT {VOLUME_COLUMNS} FROM volumes WHERE instance_id = ?1 \
                 AND status IN ('attaching', 'in-use')"
            );
            let mut statement = tx.prepare(&sql).map_err(db_error)?;
            let attached = statement
                .query_map(params![id], |row| self.volume_from_row(row))
                .map_err(db_error)?
                .collect::<rusqlite::Result<Vec<_>>>()
                .map_err(db_error)?;
            for volume in &attached {
                self.start_detach(tx, volume, now)?;
            }
            self.start_delete(tx, &INSTANCES, id, now)?;
            Ok(())
        })?;
        let dir = self.data.instance_dir(id);
        match std::fs::remove_dir_all(&dir) {
            Err(error) if error.kind() != std::io::ErrorKind::NotFound => {
                Err(io_error("remove", &dir, error))
            }
            _ => Ok(()),
        }
    }

    // ---- rows ----

    fn volume_from_row(&self, row: &Row<'_>) -> rusqlite::Result<VolumeInfo> {
        let id: String = row.get("id")?;
        let status: String = row.get("status")?;
        let state = volume_state(&status);
        let instance_id: Option<String> = row.get("instance_id")?;
        let device: Option<String> = row.get("device")?;
        let attachment = match (instance_id, device) {
            (Some(instance_id), Some(device)) => {
                let linked = matches!(state, VolumeState::Attaching | VolumeState::InUse);
                Some(Attachment {
                    path: linked.then(|| self.data.device_link(&instance_id, &device)),
                    instance_id,
                    device,
                    attached_at: row.get::<_, Option<i64>>("attached_at")?.map(time_from_ms),
                })
            }
            _ => None,
        };
        Ok(VolumeInfo {
            name: id.clone(),
            id,
            label: row.get("label")?,
            description: row.get("description")?,
            size: row.get("size")?,
            state,
            native_state: status,
            zone: row.get("zone")?,
            created_at: time_from_ms(row.get("created_at")?),
            source_snapshot_id: row.get("source_snapshot_id")?,
            attachment,
        })
    }

    fn snapshot_from_row(&self, row: &Row<'_>, now: i64) -> rusqlite::Result<SnapshotInfo> {
        let id: String = row.get("id")?;
        let status: String = row.get("status")?;
        let state = snapshot_state(&status);
        let created_at: i64 = row.get("created_at")?;
        let ready_at: i64 = row.get("ready_at")?;
        let data_ready: bool = row.get("data_ready")?;
        let progress = match state {
            SnapshotState::Available | SnapshotState::Deleting => 100,
            SnapshotState::Pending if data_ready && ready_at > created_at => {
                (((now - created_at) * 100) / (ready_at - created_at)).clamp(0, 99) as u8
            }
            _ => 0,
        };
        Ok(SnapshotInfo {
            name: id.clone(),
            id,
            label: row.get("label")?,
            description: row.get("description")?,
            size: row.get("size")?,
            state,
            native_state: status,
            volume_id: row.get("volume_id")?,
            created_at: time_from_ms(created_at),
            progress: Some(progress),
        })
    }
}

fn instance_from_row(row: &Row<'_>) -> rusqlite::Result<InstanceInfo> {
    let id: String = row.get("id")?;
    let status: String = row.get("status")?;
    Ok(InstanceInfo {
        name: id.clone(),
        id,
        label: row.get("label")?,
        zone: row.get("zone")?,
        state: instance_state(&status),
        native_state: status,
        image_id: row.get("image_id")?,
        instance_type: row.get("instance_type")?,
        created_at: time_from_ms(row.get("created_at")?),
    })
}

/// Reads one row by id, if it exists and is visible. An id this provider could not have
/// generated is not looked up at all.
fn select_visible<T>(
    tx: &Transaction<'_>,
    table: &Table,
    id: &str,
    now: i64,
    read: impl FnOnce(&Row<'_>) -> rusqlite::Result<T>,
) -> Result<Option<T>> {
    if !ids::is_generated(id) {
        return Ok(None);
    }
    let sql = format!(
        "SELECT {} FROM {} WHERE id = ?1 AND visible_at <= ?2",
        table.columns, table.name
    );
    tx.query_row(&sql, params![id, now], read)
        .optional()
        .map_err(db_error)
}

/// Reads one page of visible rows in creation order, after the query's marker.
fn select_page<T>(
    tx: &Transaction<'_>,
    table: &Table,
    zone: Option<&str>,
    query: &ListQuery,
    now: i64,
    mut read: impl FnMut(&Row<'_>) -> rusqlite::Result<T>,
) -> Result<Page<T>> {
    let after = parse_marker(query.marker.as_deref(), table)?;
    let zone_clause = if table.zoned {
        "zone = ?5"
    } else {
        "?5 IS NULL"
    };
    let zone = if table.zoned { zone } else { None };
    let sql = format!(
        "SELECT {} FROM {} WHERE visible_at <= ?1 AND seq > ?2 AND (?3 IS NULL OR label = ?3) \
         AND {zone_clause} ORDER BY seq LIMIT ?4",
        table.columns, table.name
    );
    let mut statement = tx.prepare(&sql).map_err(db_error)?;
    let rows = statement
        .query_map(
            params![now, after, query.label, query.limit + 1, zone],
            |row| Ok((row.get::<_, i64>("seq")?, read(row)?)),
        )
        .map_err(db_error)?
        .collect::<rusqlite::Result<Vec<_>>>()
        .map_err(db_error)?;
    Ok(page_of(rows, query.limit, table))
}

fn apply_update(
    tx: &Transaction<'_>,
    table: &str,
    id: &str,
    update: &MetadataUpdate,
) -> Result<()> {
    if let Some(label) = &update.label {
        let sql = format!("UPDATE {table} SET label = ?2 WHERE id = ?1");
        tx.execute(&sql, params![id, label]).map_err(db_error)?;
    }
    if let Some(description) = &update.description {
        let sql = format!("UPDATE {table} SET description = ?2 WHERE id = ?1");
        tx.execute(&sql, params![id, non_empty(Some(description))])
            .map_err(db_error)?;
    }
    Ok(())
}

/// Builds a page from up to `limit + 1` rows of (seq, item): the extra row only shows that
/// more follow. The marker is the last item's sequence number, so a page boundary stays
/// valid when rows before or after it are deleted.
fn page_of<T>(mut rows: Vec<(i64, T)>, limit: u32, table: &Table) -> Page<T> {
    let more = rows.len() > limit as usize;
    rows.truncate(limit as usize);
    let marker = if more {
        rows.last()
            .map(|(seq, _)| format!("{}:{seq}", table.resource))
    } else {
        None
    };
    Page {
        items: rows.into_iter().map(|(_, item)| item).collect(),
        marker,
    }
}

fn parse_marker(marker: Option<&str>, table: &Table) -> Result<i64> {
    match marker {
        None => Ok(0),
        Some(text) => text
            .strip_prefix(table.resource)
            .and_then(|rest| rest.strip_prefix(':'))
            .unwrap_or("")
            .parse::<i64>()
            .ok()
            .filter(|seq| *seq > 0)
            .ok_or_else(|| {
                Error::invalid_parameter(
                    "marker",
                    text,
                    "pass the marker returned by the previous page of the same listing",
                )
            }),
    }
}

fn query_strings(tx: &Transaction<'_>, sql: &str) -> Result<Vec<String>> {
    let mut statement = tx.prepare(sql).map_err(db_error)?;
    statement
        .query_map([], |row| row.get(0))
        .map_err(db_error)?
        .collect::<rusqlite::Result<Vec<String>>>()
        .map_err(db_error)
}

fn non_empty(text: Option<&str>) -> Option<&str> {
    text.filter(|t| !t.is_empty())
}

fn now_ms() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_millis() as i64)
}

fn millis(duration: Duration) -> i64 {
    i64::try_from(duration.as_millis()).unwrap_or(i64::MAX)
}

fn time_from_ms(ms: i64) -> DateTime<Utc> {
    DateTime::from_timestamp_millis(ms).unwrap_or_default()
}

/// Opens the metadata database in WAL mode and creates its tables if needed.
fn open_connection(path: &Path) -> Result<Connection> {
    let connection = Connection::open(path).map_err(db_error)?;
    connection
        .busy_timeout(Duration::from_secs(30))
        .map_err(db_error)?;
    connection
        .execute_batch(
            "PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL; PRAGMA foreign_keys = ON;",
        )
        .map_err(db_error)?;
    connection.execute_batch(SCHEMA).map_err(db_error)?;
    Ok(connection)
}

/// Replaces the bare read-only error of [`db_error`] with one that names the directory.
fn name_read_only(error: Error, root: &Path) -> Error {
    if error.code() != Some(READ_ONLY_CODE) {
        return error;
    }
    Error::new(
        ErrorKind::Provider,
        format!(
            "the local data directory {} is read-only: the local provider writes to its \
             database on every call; give this user write access to it or choose another one \
             with CB_DATA_DIR",
            root.display()
        ),
    )
    .with_code(READ_ONLY_CODE)
}

fn db_error(error: rusqlite::Error) -> Error {
    if error.sqlite_error_code() == Some(rusqlite::ErrorCode::ReadOnly) {
        // `Store::write` replaces the message with one that names the directory.
        return Error::new(ErrorKind::Provider, "the local data directory is read-only")
            .with_code(READ_ONLY_CODE)
            .with_source(error);
    }
    let busy = matches!(
        error.sqlite_error_code(),
        Some(rusqlite::ErrorCode::DatabaseBusy | rusqlite::ErrorCode::DatabaseLocked)
    );
    let kind = if busy {
        ErrorKind::Throttled
    } else {
        ErrorKind::Provider
    };
    Error::new(kind, format!("local metadata database failed: {error}")).with_source(error)
}

fn io_error(action: &str, path: &Path, error: std::io::Error) -> Error {
    if error.kind() == std::io::ErrorKind::FileTooLarge {
        // NOTE: ext4 with 4 KiB blocks caps a file just under 16 TiB, so the largest volume
        // size (16384 GiB) is accepted by the rules but cannot be stored there.
        return Error::new(
            ErrorKind::Provider,
            format!(
                "local data directory: the file system of {} cannot hold a file this large \
                 (ext4 allows just under 16 TiB); use a smaller size or a data directory on \
                 XFS or Btrfs",
                path.display()
            ),
        )
        .with_source(error);
    }
    Error::new(
        ErrorKind::Provider,
        format!(
            "local data directory: cannot {action} {}: {error}",
            path.display()
        ),
    )
    .with_source(error)
}
