//! The registry: products, device CA certificates and devices in SQLite.
//!
//! The database is the truth: every write is one transaction, committed
//! before the caller hears it succeeded, and nothing is cached. The schema
//! lives in `schema.sql`; its migrations are applied in order at open and
//! `PRAGMA user_version` says how many have been. WAL lets readers (device
//! access) go on while the API writes.
//!
//! Checks of what callers give (ids, secrets, fingerprints, the product
//! model, certificates) happen here, so every front end refuses the same
//! things with the same [`Error`]. Time and randomness come from a
//! [`Source`].

mod activity;
mod ca;
mod device;
mod gateway;
mod history;
mod ota;
mod product;
mod shadow;
mod source;

use std::fmt;
use std::path::Path;
use std::sync::atomic::AtomicU32;
use std::sync::{Arc, Mutex, MutexGuard};

use rusqlite::{Connection, Transaction};

pub use activity::{CommandRecord, CommandStatus, EventRecord};
pub use ca::{CaCertificate, MAX_CA_CERTIFICATES};
pub use device::{parse_status, AuthType, Device, DeviceFilter, NewDevice, SecretKind};
pub use history::{Direction, MessageRecord, StatusEvent, DEFAULT_HISTORY_LIMIT};
pub use ota::{
    NewPackage, Package, PackageType, Subtask, SubtaskChange, TargetOutcome, UpgradeTask,
};
pub use product::{NewProduct, Product};
pub use shadow::{ReportRecord, ServiceReport, ShadowService};
pub use source::{iotda_time, Source, SystemSource};

/// The schema, split into migrations at lines starting `-- migration `.
const SCHEMA: &str = include_str!("schema.sql");

/// Why a registry operation failed. Each variant says what to change.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Error {
    /// SQLite failed (disk full, file unreadable, locked). Likely cause: the
    /// data folder is not writable or another program holds the file.
    Database(String),
    /// The database was written by a newer iotda-kit.
    SchemaTooNew {
        /// Its `user_version`.
        found: i64,
        /// The migrations this build knows.
        known: i64,
    },
    /// A field's value is not acceptable.
    Invalid {
        /// The field, as the API names it.
        field: &'static str,
        /// What is wrong and what is expected.
        reason: String,
    },
    /// No product has this id.
    ProductNotFound(String),
    /// A product with this id exists already.
    ProductExists(String),
    /// The product still has devices (delete them first).
    ProductHasDevices {
        /// The product.
        product_id: String,
        /// How many devices it has.
        devices: i64,
    },
    /// No device has this id.
    DeviceNotFound(String),
    /// A device with this id exists already.
    DeviceExists(String),
    /// The product already has a device with this node id.
    NodeExists {
        /// The product.
        product_id: String,
        /// The node id.
        node_id: String,
    },
    /// A secret was asked of a device that authenticates by certificate.
    NotSecretDevice(String),
    /// No device CA certificate has this id.
    CertificateNotFound(String),
    /// The certificate text is not a certificate.
    CertificateUnreadable(String),
    /// This CA certificate was uploaded already.
    CertificateExists(String),
    /// [`MAX_CA_CERTIFICATES`] are registered already.
    CertificateLimit,
    /// The verification certificate does not prove possession of the CA's
    /// key.
    VerificationFailed(String),
    /// No message of the device has this id.
    MessageNotFound(String),
    /// No software or firmware package has this id.
    PackageNotFound(String),
    /// No batch task has this id.
    TaskNotFound(String),
    /// No random bytes could be had from the operating system.
    Randomness,
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Database(e) => write!(f, "the registry's database failed: {e}"),
            Self::SchemaTooNew { found, known } => write!(
                f,
                "the registry was written by a newer iotda-kit (schema {found}, this one knows {known}); \
                 use that version or another --data folder"
            ),
            Self::Invalid { field, reason } => write!(f, "{field}: {reason}"),
            Self::ProductNotFound(id) => write!(f, "the product {id} does not exist"),
            Self::ProductExists(id) => write!(f, "a product with id {id} exists already"),
            Self::ProductHasDevices {
                product_id,
                devices,
            } => write!(
                f,
                "the product {product_id} still has {devices} device(s); delete them first"
            ),
            Self::DeviceNotFound(id) => write!(f, "the device {id} does not exist"),
            Self::DeviceExists(id) => write!(f, "a device with id {id} exists already"),
            Self::NodeExists {
                product_id,
                node_id,
            } => write!(
                f,
                "the product {product_id} already has a device with node_id {node_id}"
            ),
            Self::NotSecretDevice(id) => write!(
                f,
                "the device {id} authenticates by certificate; it has no secret to reset"
            ),
            Self::CertificateNotFound(id) => write!(f, "the certificate {id} does not exist"),
            Self::CertificateUnreadable(e) => write!(f, "not a certificate: {e}"),
            Self::CertificateExists(id) => {
                write!(f, "this CA certificate was uploaded already, as {id}")
            }
            Self::CertificateLimit => write!(
                f,
                "at most {MAX_CA_CERTIFICATES} device CA certificates may be registered; delete one first"
            ),
            Self::VerificationFailed(why) => write!(f, "verification failed: {why}"),
            Self::MessageNotFound(id) => write!(f, "the message {id} does not exist"),
            Self::PackageNotFound(id) => write!(f, "the package {id} does not exist"),
            Self::TaskNotFound(id) => write!(f, "the batch task {id} does not exist"),
            Self::Randomness => write!(f, "the operating system gave no random bytes"),
        }
    }
}

impl std::error::Error for Error {}

impl From<rusqlite::Error> for Error {
    fn from(e: rusqlite::Error) -> Self {
        Self::Database(e.to_string())
    }
}

/// A shorthand for the registry's results.
pub type Result<T> = std::result::Result<T, Error>;

/// The registry: one SQLite connection behind a mutex (every call is a few
/// statements), and the source of time and randomness.
pub struct Registry {
    conn: Mutex<Connection>,
    source: Arc<dyn Source>,
    history_limit: AtomicU32,
}

impl fmt::Debug for Registry {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Registry").finish_non_exhaustive()
    }
}

impl Registry {
    /// Opens (creating if needed) the database at `path`, applies pending
    /// migrations and switches to WAL.
    pub fn open(path: &Path, source: Arc<dyn Source>) -> Result<Self> {
        let conn = Connection::open(path)?;
        Self::init(conn, source)
    }

    /// An in-memory registry (for unit tests).
    pub fn in_memory(source: Arc<dyn Source>) -> Result<Self> {
        Self::init(Connection::open_in_memory()?, source)
    }

    fn init(mut conn: Connection, source: Arc<dyn Source>) -> Result<Self> {
        // Another process (a second CLI) may hold the write lock briefly.
        conn.busy_timeout(std::time::Duration::from_secs(5))?;
        conn.pragma_update(None, "journal_mode", "WAL")?;
        // FULL: a commit is on disk before the API answers, so a kill -9 or
        // a power cut loses nothing that was acknowledged.
        conn.pragma_update(None, "synchronous", "FULL")?;
        conn.pragma_update(None, "foreign_keys", "ON")?;
        migrate(&mut conn)?;
        Ok(Self {
            conn: Mutex::new(conn),
            source,
            history_limit: AtomicU32::new(DEFAULT_HISTORY_LIMIT),
        })
    }

    fn lock(&self) -> MutexGuard<'_, Connection> {
        // A panic while holding the lock cannot leave SQLite half-written
        // (the transaction rolls back), so the poisoned state is safe to use.
        self.conn
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// Runs `f` in one write transaction, committed if it returns `Ok`.
    fn write<T>(&self, f: impl FnOnce(&Transaction<'_>) -> Result<T>) -> Result<T> {
        let mut conn = self.lock();
        let tx = conn.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
        let out = f(&tx)?;
        tx.commit()?;
        Ok(out)
    }

    /// Now, from the source.
    pub(crate) fn now(&self) -> i64 {
        self.source.now()
    }

    /// `len` random lowercase hex digits.
    pub(crate) fn random_hex(&self, len: usize) -> Result<String> {
        let mut bytes = vec![0u8; len.div_ceil(2)];
        if !self.source.fill(&mut bytes) {
            return Err(Error::Randomness);
        }
        let mut out: String = bytes.iter().map(|b| format!("{b:02x}")).collect();
        out.truncate(len);
        Ok(out)
    }

    /// The schema version the database is at.
    pub fn schema_version(&self) -> Result<i64> {
        Ok(self
            .lock()
            .query_row("PRAGMA user_version", [], |r| r.get(0))?)
    }
}

/// The migrations of `schema.sql`, in order.
fn migrations() -> Vec<&'static str> {
    // Each piece starts with the rest of its `-- migration N: ...` line.
    SCHEMA
        .split("\n-- migration ")
        .skip(1)
        .map(|piece| piece.split_once('\n').map_or("", |(_, sql)| sql))
        .collect()
}

fn migrate(conn: &mut Connection) -> Result<()> {
    let all = migrations();
    let known = all.len() as i64;
    let at: i64 = conn.query_row("PRAGMA user_version", [], |r| r.get(0))?;
    if at > known {
        return Err(Error::SchemaTooNew { found: at, known });
    }
    for (n, sql) in all.iter().enumerate().skip(at as usize) {
        let tx = conn.transaction()?;
        tx.execute_batch(sql)?;
        // PRAGMA takes no parameters; the value is our own integer.
        tx.execute_batch(&format!("PRAGMA user_version = {}", n + 1))?;
        tx.commit()?;
    }
    Ok(())
}

/// One page of a list as IoTDA's list operations take it: newest first,
/// after `marker` (the last record of the previous page), skipping
/// `offset` records, at most `limit`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Page {
    /// Only records after this marker (24 hex digits).
    pub marker: Option<String>,
    /// Records skipped after the marker.
    pub offset: u32,
    /// At most this many.
    pub limit: u32,
}

impl Page {
    /// The row id records must be below.
    fn below(&self) -> Result<i64> {
        match &self.marker {
            None => Ok(i64::MAX),
            Some(m) => i64::from_str_radix(m, 16)
                .ok()
                .filter(|_| m.len() == 24)
                .ok_or_else(|| Error::Invalid {
                    field: "marker",
                    reason: format!("must be 24 hex digits from a previous page; got {m:?}"),
                }),
        }
    }
}

/// A record's marker: its row id in 24 hex digits.
fn marker_of(rowid: i64) -> String {
    format!("{rowid:024x}")
}

/// Checks an id of IoTDA's alphabet (`[A-Za-z0-9_-]`) and length.
fn check_id(field: &'static str, value: &str, max: usize) -> Result<()> {
    if value.is_empty() || value.len() > max {
        return Err(Error::Invalid {
            field,
            reason: format!("must be 1 to {max} characters; got {}", value.len()),
        });
    }
    if let Some(c) = value
        .chars()
        .find(|c| !(c.is_ascii_alphanumeric() || *c == '_' || *c == '-'))
    {
        return Err(Error::Invalid {
            field,
            reason: format!("may hold only letters, digits, '_' and '-'; found {c:?}"),
        });
    }
    Ok(())
}

/// Checks a free text's length (in characters).
fn check_text(field: &'static str, value: &str, min: usize, max: usize) -> Result<()> {
    let n = value.chars().count();
    if n < min || n > max {
        return Err(Error::Invalid {
            field,
            reason: format!("must be {min} to {max} characters; got {n}"),
        });
    }
    Ok(())
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use std::sync::atomic::{AtomicU64, AtomicU8, Ordering};

    /// A clock that reads what the test set, and bytes that count up.
    pub struct FixedSource {
        pub now: AtomicU64,
        next: AtomicU8,
    }

    impl FixedSource {
        pub fn new(now: i64) -> Arc<Self> {
            Arc::new(Self {
                now: AtomicU64::new(now as u64),
                next: AtomicU8::new(0),
            })
        }
    }

    impl Source for FixedSource {
        fn now(&self) -> i64 {
            self.now.load(Ordering::SeqCst) as i64
        }
        fn fill(&self, buf: &mut [u8]) -> bool {
            for b in buf {
                *b = self.next.fetch_add(1, Ordering::SeqCst);
            }
            true
        }
    }

    pub fn registry() -> Registry {
        Registry::in_memory(FixedSource::new(1_449_922_332)).expect("in-memory registry")
    }

    /// A registry with product `p1` (no services).
    pub fn with_product() -> Registry {
        let r = registry();
        r.create_product(&NewProduct {
            product_id: Some("p1".into()),
            name: "P".into(),
            device_type: "T".into(),
            protocol_type: "MQTT".into(),
            service_capabilities: serde_json::json!([]),
            ..NewProduct::default()
        })
        .expect("product");
        r
    }

    #[test]
    fn migrations_are_applied_once_and_counted() {
        let dir = std::env::temp_dir().join(format!("iotda-reg-{}", std::process::id()));
        std::fs::create_dir_all(&dir).expect("temp dir");
        let path = dir.join("r.sqlite");
        let _ = std::fs::remove_file(&path);
        let known = migrations().len() as i64;
        assert!(known >= 1);
        let r = Registry::open(&path, FixedSource::new(0)).expect("open");
        assert_eq!(r.schema_version(), Ok(known));
        drop(r);
        // Opening again applies nothing (a second CREATE TABLE would fail).
        let r = Registry::open(&path, FixedSource::new(0)).expect("reopen");
        assert_eq!(r.schema_version(), Ok(known));
        let mode: String = r
            .lock()
            .query_row("PRAGMA journal_mode", [], |row| row.get(0))
            .expect("journal mode");
        assert_eq!(mode, "wal");
        drop(r);
        let _ = std::fs::remove_dir_all(&dir);
    }

    #[test]
    fn a_first_schema_database_keeps_its_devices_through_the_later_migrations() {
        let dir = std::env::temp_dir().join(format!("iotda-reg-old-{}", std::process::id()));
        std::fs::create_dir_all(&dir).expect("temp dir");
        let path = dir.join("r.sqlite");
        let _ = std::fs::remove_file(&path);
        {
            let conn = Connection::open(&path).expect("open");
            conn.execute_batch(migrations()[0]).expect("migration 1");
            conn.execute_batch(
                "PRAGMA user_version = 1;
                 INSERT INTO product VALUES ('p1', 'P', 'T', 'MQTT', 'json', NULL, NULL, NULL, '[]', 0);
                 INSERT INTO device (device_id, node_id, product_id, device_name, auth_type, secret,
                     secure_access, status, create_time)
                 VALUES ('p1_n1', 'n1', 'p1', 'n1', 'SECRET', '12345678', 1, 'OFFLINE', 0);",
            )
            .expect("version 1 data");
        }
        let r = Registry::open(&path, FixedSource::new(0)).expect("migrate");
        assert_eq!(r.schema_version(), Ok(migrations().len() as i64));
        assert_eq!(
            r.device_full("p1_n1").expect("kept").status,
            crate::directory::DeviceStatus::Offline
        );
        assert_eq!(r.status_events("p1_n1"), Ok(Vec::new()));
        assert_eq!(r.shadow("p1_n1"), Ok(Vec::new()));
        drop(r);
        let _ = std::fs::remove_dir_all(&dir);
    }

    /// Today's main wrote migrations 1 to 3 (shipped migrations are never
    /// edited, so applying them is what its registry holds); migration 4
    /// only adds.
    #[test]
    fn a_registry_of_migration_3_keeps_all_its_data_through_migration_4() {
        let dir = std::env::temp_dir().join(format!("iotda-reg-m3-{}", std::process::id()));
        std::fs::create_dir_all(&dir).expect("temp dir");
        let path = dir.join("r.sqlite");
        let _ = std::fs::remove_file(&path);
        {
            let conn = Connection::open(&path).expect("open");
            for sql in &migrations()[..3] {
                conn.execute_batch(sql).expect("migrations 1 to 3");
            }
            conn.execute_batch(
                "PRAGMA user_version = 3;
                 INSERT INTO product VALUES ('p1', 'P', 'T', 'MQTT', 'json', NULL, NULL, NULL, '[]', 0);
                 INSERT INTO device (device_id, node_id, product_id, device_name, auth_type, secret,
                     secure_access, status, create_time, last_online_time)
                 VALUES ('p1_n1', 'n1', 'p1', 'n1', 'SECRET', '12345678', 1, 'OFFLINE', 0, 7);
                 INSERT INTO device_status_event (device_id, status, reason, detail, event_time)
                 VALUES ('p1_n1', 'ONLINE', 'CONNECTED', 'hello', 5);
                 INSERT INTO device_message (message_id, device_id, direction, topic, payload,
                     status, created_time)
                 VALUES ('m1', 'p1_n1', 'UP', 't', X'6869', 'DELIVERED', 6);
                 INSERT INTO device_shadow (device_id, service_id, reported, version)
                 VALUES ('p1_n1', 'Battery', '{\"level\":5}', 2);
                 INSERT INTO device_report (device_id, payload, accepted, problems, received_time)
                 VALUES ('p1_n1', X'7B7D', '[]', '[]', 6);",
            )
            .expect("migration 3 data");
        }
        let r = Registry::open(&path, FixedSource::new(0)).expect("migrate");
        assert_eq!(r.schema_version(), Ok(migrations().len() as i64));
        let d = r.device_full("p1_n1").expect("kept");
        assert_eq!(d.last_online_time, Some(7));
        assert_eq!(
            (d.gateway_id, d.fw_version, d.sw_version),
            (None, None, None)
        );
        assert_eq!(r.status_events("p1_n1").expect("statuses").len(), 1);
        assert_eq!(
            r.message("p1_n1", "m1").expect("message").payload,
            b"hi".to_vec()
        );
        assert_eq!(r.shadow("p1_n1").expect("shadow")[0].version, 2);
        assert_eq!(r.reports("p1_n1", false).expect("reports").len(), 1);
        assert_eq!(r.events("p1_n1"), Ok(Vec::new()));
        assert_eq!(r.commands("p1_n1"), Ok(Vec::new()));
        drop(r);
        let _ = std::fs::remove_dir_all(&dir);
    }

    /// Migration 5 rebuilds `ota_subtask` (a CHECK cannot be changed in
    /// place): a registry of migration 4 keeps its packages, tasks and
    /// subtasks, whose status may then be `Stopped`.
    #[test]
    fn a_registry_of_migration_4_keeps_its_upgrades_through_migration_5() {
        let dir = std::env::temp_dir().join(format!("iotda-reg-m4-{}", std::process::id()));
        std::fs::create_dir_all(&dir).expect("temp dir");
        let path = dir.join("r.sqlite");
        let _ = std::fs::remove_file(&path);
        {
            let conn = Connection::open(&path).expect("open");
            for sql in &migrations()[..4] {
                conn.execute_batch(sql).expect("migrations 1 to 4");
            }
            conn.execute_batch(
                "PRAGMA user_version = 4;
                 INSERT INTO product VALUES ('p1', 'P', 'T', 'MQTT', 'json', NULL, NULL, NULL, '[]', 0);
                 INSERT INTO ota_package VALUES ('pk', 'firmwarePackage', 'p1', '1.1', 'fw.bin',
                     X'616263', 'sha', NULL, 3);
                 INSERT INTO ota_task VALUES ('t1', 'up', 'firmwareUpgrade', 'pk', 4);
                 INSERT INTO ota_subtask (id, task_id, device_id, status, progress, result_code,
                     version, description, access_token, expires_at, updated_time)
                 VALUES (7, 't1', 'p1_n1', 'Processing', 50, 0, '1.0', NULL, 'tok', 99, 5);",
            )
            .expect("migration 4 data");
        }
        let r = Registry::open(&path, FixedSource::new(0)).expect("migrate");
        assert_eq!(r.schema_version(), Ok(migrations().len() as i64));
        assert_eq!(r.package("pk").expect("package").obs_location, None);
        let t = r.upgrade_task("t1").expect("task");
        let s = &t.subtasks[0];
        assert_eq!(
            (
                s.status.as_str(),
                s.progress,
                s.access_token.as_str(),
                s.expires_at
            ),
            ("Processing", Some(50), "tok", 99)
        );
        let out = r
            .change_subtasks("t1", SubtaskChange::Stop, None, 10)
            .expect("stop");
        assert_eq!(out[0].refusal, None);
        let id: i64 = r
            .lock()
            .query_row(
                "SELECT id FROM ota_subtask WHERE task_id = 't1'",
                [],
                |row| row.get(0),
            )
            .expect("id");
        assert_eq!(id, 7);
        drop(r);
        let _ = std::fs::remove_dir_all(&dir);
    }

    #[test]
    fn a_database_of_a_newer_schema_is_refused() {
        let dir = std::env::temp_dir().join(format!("iotda-reg-new-{}", std::process::id()));
        std::fs::create_dir_all(&dir).expect("temp dir");
        let path = dir.join("r.sqlite");
        let _ = std::fs::remove_file(&path);
        Connection::open(&path)
            .and_then(|c| c.execute_batch("PRAGMA user_version = 99"))
            .expect("set version");
        let known = migrations().len() as i64;
        assert_eq!(
            Registry::open(&path, FixedSource::new(0)).map(|_| ()),
            Err(Error::SchemaTooNew { found: 99, known })
        );
        let _ = std::fs::remove_dir_all(&dir);
    }
}
