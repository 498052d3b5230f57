//! Devices: registration, credentials, status, and what device access asks
//! through [`Directory`].

use iotda_core::pki::check_fingerprint;
use rusqlite::{params, OptionalExtension, Row};

use super::{check_id, check_text, iotda_time, marker_of, Error, Page, Registry, Result};
use crate::directory::{
    CaRecord, DeviceAuth, DeviceRecord, DeviceSecret, DeviceStatus, Directory, DirectoryError,
    StatusChange,
};

/// `auth_info.auth_type`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum AuthType {
    /// `SECRET` (IoTDA's default).
    #[default]
    Secret,
    /// `CERTIFICATES`.
    Certificates,
}

impl AuthType {
    /// The API's spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Secret => "SECRET",
            Self::Certificates => "CERTIFICATES",
        }
    }
}

/// Which secret ResetDeviceSecret replaces (`secret_type`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum SecretKind {
    /// `PRIMARY` (the default).
    #[default]
    Primary,
    /// `SECONDARY`.
    Secondary,
}

impl SecretKind {
    /// The API's spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Primary => "PRIMARY",
            Self::Secondary => "SECONDARY",
        }
    }
}

/// What AddDevice is given.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct NewDevice {
    /// The id; `{product_id}_{node_id}` when `None`.
    pub device_id: Option<String>,
    /// The node id (IMEI, MAC, serial number...).
    pub node_id: String,
    /// The product, which must exist.
    pub product_id: String,
    /// The name; the node id when `None`.
    pub device_name: Option<String>,
    /// A description.
    pub description: Option<String>,
    /// How it authenticates.
    pub auth_type: AuthType,
    /// For `SECRET`: the secret; 32 random hex digits when `None`.
    pub secret: Option<DeviceSecret>,
    /// For `SECRET`: a secondary secret.
    pub secondary_secret: Option<DeviceSecret>,
    /// For `CERTIFICATES`: the fingerprint; bound at first connection when
    /// `None`.
    pub fingerprint: Option<String>,
    /// For `CERTIFICATES`: a secondary fingerprint.
    pub secondary_fingerprint: Option<String>,
    /// Only TLS connections; IoTDA's default is `true`.
    pub secure_access: bool,
    /// AddDevice's `gateway_id`: the device is this gateway's sub-device.
    pub gateway_id: Option<String>,
}

/// A registered device, as the API shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Device {
    /// Its id.
    pub device_id: String,
    /// Its node id.
    pub node_id: String,
    /// Its product.
    pub product_id: String,
    /// The product's name.
    pub product_name: String,
    /// Its name.
    pub device_name: String,
    /// Its description.
    pub description: Option<String>,
    /// How it authenticates.
    pub auth: DeviceAuth,
    /// Only TLS connections.
    pub secure_access: bool,
    /// Its status.
    pub status: DeviceStatus,
    /// When it was registered, Unix seconds.
    pub create_time: i64,
    /// When it last connected, Unix seconds.
    pub last_online_time: Option<i64>,
    /// The list's position marker (24 hex digits).
    pub marker: String,
    /// Its gateway, when it is a sub-device.
    pub gateway_id: Option<String>,
    /// The firmware version it last reported.
    pub fw_version: Option<String>,
    /// The software version it last reported.
    pub sw_version: Option<String>,
}

/// ListDevices' filters and page.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DeviceFilter {
    /// Only this product's devices.
    pub product_id: Option<String>,
    /// Only the device with this node id.
    pub node_id: Option<String>,
    /// Only devices of this name.
    pub device_name: Option<String>,
    /// Only devices in this status.
    pub status: Option<DeviceStatus>,
    /// Only this gateway's sub-devices.
    pub gateway_id: Option<String>,
    /// Which page.
    pub page: Page,
}

const COLUMNS: &str =
    "d.device_id, d.node_id, d.product_id, p.name, d.device_name, d.description, \
    d.auth_type, d.secret, d.secondary_secret, d.fingerprint, d.secondary_fingerprint, \
    d.secure_access, d.status, d.create_time, d.last_online_time, d.rowid, \
    d.gateway_id, d.fw_version, d.sw_version";

fn status_from(text: &str) -> DeviceStatus {
    match text {
        "ONLINE" => DeviceStatus::Online,
        "OFFLINE" => DeviceStatus::Offline,
        _ => DeviceStatus::Inactive,
    }
}

/// Parses `ONLINE`, `OFFLINE` or `INACTIVE`.
pub fn parse_status(text: &str) -> Option<DeviceStatus> {
    match text {
        "ONLINE" => Some(DeviceStatus::Online),
        "OFFLINE" => Some(DeviceStatus::Offline),
        "INACTIVE" => Some(DeviceStatus::Inactive),
        _ => None,
    }
}

fn from_row(row: &Row<'_>) -> rusqlite::Result<Device> {
    let auth_type: String = row.get(6)?;
    let auth = if auth_type == "CERTIFICATES" {
        DeviceAuth::Certificate {
            fingerprint: row.get(9)?,
            secondary: row.get(10)?,
        }
    } else {
        DeviceAuth::Secret {
            secret: DeviceSecret::new(row.get::<_, Option<String>>(7)?.unwrap_or_default()),
            secondary: row.get::<_, Option<String>>(8)?.map(DeviceSecret::new),
        }
    };
    let status: String = row.get(12)?;
    let rowid: i64 = row.get(15)?;
    Ok(Device {
        device_id: row.get(0)?,
        node_id: row.get(1)?,
        product_id: row.get(2)?,
        product_name: row.get(3)?,
        device_name: row.get(4)?,
        description: row.get(5)?,
        auth,
        secure_access: row.get(11)?,
        status: status_from(&status),
        create_time: row.get(13)?,
        last_online_time: row.get(14)?,
        marker: marker_of(rowid),
        gateway_id: row.get(16)?,
        fw_version: row.get(17)?,
        sw_version: row.get(18)?,
    })
}

/// Checks a secret: 8 to 32 of `[A-Za-z0-9_-]`.
fn check_secret(field: &'static str, secret: &DeviceSecret) -> Result<()> {
    let s = secret.expose();
    let ok_chars = s
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-');
    if !(8..=32).contains(&s.len()) || !ok_chars {
        return Err(Error::Invalid {
            field,
            reason: format!(
                "a secret is 8 to 32 letters, digits, '_' or '-'; got {} characters{}",
                s.chars().count(),
                if ok_chars {
                    ""
                } else {
                    " with others among them"
                }
            ),
        });
    }
    Ok(())
}

/// Normalises a fingerprint to lowercase hex without colons.
fn normalise_fingerprint(field: &'static str, text: &str) -> Result<String> {
    check_fingerprint(text)
        .map(|(_, hex)| hex.to_ascii_lowercase())
        .map_err(|e| Error::Invalid {
            field,
            reason: e.to_string(),
        })
}

impl Registry {
    /// AddDevice: checks the fields, allocates what is missing and stores
    /// the device (status `INACTIVE`).
    pub fn add_device(&self, new: &NewDevice) -> Result<Device> {
        check_id("node_id", &new.node_id, 64)?;
        check_id("product_id", &new.product_id, 36)?;
        let device_id = new
            .device_id
            .clone()
            .unwrap_or_else(|| format!("{}_{}", new.product_id, new.node_id));
        check_id("device_id", &device_id, 128)?;
        let device_name = new
            .device_name
            .clone()
            .unwrap_or_else(|| new.node_id.clone());
        check_text("device_name", &device_name, 1, 256)?;
        if let Some(d) = &new.description {
            check_text("description", d, 0, 2048)?;
        }
        let (secret, secondary_secret, fingerprint, secondary_fingerprint) = match new.auth_type {
            AuthType::Secret => {
                if new.fingerprint.is_some() || new.secondary_fingerprint.is_some() {
                    return Err(Error::Invalid {
                        field: "auth_info.fingerprint",
                        reason: "a SECRET device has no fingerprint; set auth_type CERTIFICATES"
                            .into(),
                    });
                }
                let secret = match &new.secret {
                    Some(s) => {
                        check_secret("auth_info.secret", s)?;
                        s.expose().to_string()
                    }
                    None => self.random_hex(32)?,
                };
                if let Some(s) = &new.secondary_secret {
                    check_secret("auth_info.secondary_secret", s)?;
                }
                let secondary = new
                    .secondary_secret
                    .as_ref()
                    .map(|s| s.expose().to_string());
                (Some(secret), secondary, None, None)
            }
            AuthType::Certificates => {
                if new.secret.is_some() || new.secondary_secret.is_some() {
                    return Err(Error::Invalid {
                        field: "auth_info.secret",
                        reason: "a CERTIFICATES device has no secret; set auth_type SECRET".into(),
                    });
                }
                let primary = new
                    .fingerprint
                    .as_deref()
                    .map(|f| normalise_fingerprint("auth_info.fingerprint", f))
                    .transpose()?;
                let secondary = new
                    .secondary_fingerprint
                    .as_deref()
                    .map(|f| normalise_fingerprint("auth_info.secondary_fingerprint", f))
                    .transpose()?;
                (None, None, primary, secondary)
            }
        };
        let now = self.now();
        let device_id = self.write(|tx| {
            let product: Option<i64> = tx
                .query_row(
                    "SELECT 1 FROM product WHERE product_id = ?1",
                    [&new.product_id],
                    |r| r.get(0),
                )
                .optional()?;
            if product.is_none() {
                return Err(Error::ProductNotFound(new.product_id.clone()));
            }
            let taken: Option<i64> = tx
                .query_row(
                    "SELECT 1 FROM device WHERE device_id = ?1",
                    [&device_id],
                    |r| r.get(0),
                )
                .optional()?;
            if taken.is_some() {
                return Err(Error::DeviceExists(device_id.clone()));
            }
            let node_taken: Option<i64> = tx
                .query_row(
                    "SELECT 1 FROM device WHERE product_id = ?1 AND node_id = ?2",
                    [&new.product_id, &new.node_id],
                    |r| r.get(0),
                )
                .optional()?;
            if node_taken.is_some() {
                return Err(Error::NodeExists {
                    product_id: new.product_id.clone(),
                    node_id: new.node_id.clone(),
                });
            }
            if let Some(gateway) = &new.gateway_id {
                super::gateway::check_gateway(tx, gateway)?;
            }
            tx.execute(
                "INSERT INTO device (device_id, node_id, product_id, device_name, description, \
                 auth_type, secret, secondary_secret, fingerprint, secondary_fingerprint, \
                 secure_access, status, create_time, gateway_id) \
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, 'INACTIVE', ?12, ?13)",
                params![
                    device_id,
                    new.node_id,
                    new.product_id,
                    device_name,
                    new.description,
                    new.auth_type.as_str(),
                    secret,
                    secondary_secret,
                    fingerprint,
                    secondary_fingerprint,
                    new.secure_access,
                    now,
                    new.gateway_id,
                ],
            )?;
            super::shadow::seed_desired(tx, &device_id, &new.product_id, &iotda_time(now))?;
            Ok(device_id)
        })?;
        self.device_full(&device_id)
    }

    /// ShowDevice.
    pub fn device_full(&self, device_id: &str) -> Result<Device> {
        self.lock()
            .query_row(
                &format!(
                    "SELECT {COLUMNS} FROM device d JOIN product p USING (product_id) \
                     WHERE d.device_id = ?1"
                ),
                [device_id],
                from_row,
            )
            .optional()?
            .ok_or_else(|| Error::DeviceNotFound(device_id.to_string()))
    }

    /// ListDevices: the number matching the filters, and one page, newest
    /// first (markers count down, as IoTDA's do).
    pub fn devices(&self, filter: &DeviceFilter) -> Result<(i64, Vec<Device>)> {
        let marker = filter.page.below()?;
        let status = filter.status.map(DeviceStatus::as_str);
        let conditions = "(?1 IS NULL OR d.product_id = ?1) AND (?2 IS NULL OR d.node_id = ?2) \
            AND (?3 IS NULL OR d.device_name = ?3) AND (?4 IS NULL OR d.status = ?4) \
            AND (?5 IS NULL OR d.gateway_id = ?5)";
        let conn = self.lock();
        let count = conn.query_row(
            &format!("SELECT COUNT(*) FROM device d WHERE {conditions}"),
            params![
                filter.product_id,
                filter.node_id,
                filter.device_name,
                status,
                filter.gateway_id
            ],
            |r| r.get(0),
        )?;
        let mut stmt = conn.prepare(&format!(
            "SELECT {COLUMNS} FROM device d JOIN product p USING (product_id) \
             WHERE {conditions} AND d.rowid < ?6 ORDER BY d.rowid DESC LIMIT ?7 OFFSET ?8"
        ))?;
        let rows = stmt
            .query_map(
                params![
                    filter.product_id,
                    filter.node_id,
                    filter.device_name,
                    status,
                    filter.gateway_id,
                    marker,
                    filter.page.limit,
                    filter.page.offset
                ],
                from_row,
            )?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        Ok((count, rows))
    }

    /// DeleteDevice.
    pub fn delete_device(&self, device_id: &str) -> Result<()> {
        self.write(|tx| {
            super::gateway::check_no_sub_devices(tx, device_id)?;
            match tx.execute("DELETE FROM device WHERE device_id = ?1", [device_id])? {
                0 => Err(Error::DeviceNotFound(device_id.to_string())),
                _ => Ok(()),
            }
        })
    }

    /// ResetDeviceSecret: sets the given secret (or a new random one) as the
    /// primary or secondary secret, and returns it.
    pub fn reset_secret(
        &self,
        device_id: &str,
        secret: Option<&DeviceSecret>,
        kind: SecretKind,
    ) -> Result<DeviceSecret> {
        let secret = match secret {
            Some(s) => {
                check_secret("secret", s)?;
                s.clone()
            }
            None => DeviceSecret::new(self.random_hex(32)?),
        };
        let column = match kind {
            SecretKind::Primary => "secret",
            SecretKind::Secondary => "secondary_secret",
        };
        self.write(|tx| {
            let auth_type: Option<String> = tx
                .query_row(
                    "SELECT auth_type FROM device WHERE device_id = ?1",
                    [device_id],
                    |r| r.get(0),
                )
                .optional()?;
            match auth_type.as_deref() {
                None => return Err(Error::DeviceNotFound(device_id.to_string())),
                Some("SECRET") => {}
                Some(_) => return Err(Error::NotSecretDevice(device_id.to_string())),
            }
            tx.execute(
                &format!("UPDATE device SET {column} = ?1 WHERE device_id = ?2"),
                params![secret.expose(), device_id],
            )?;
            Ok(())
        })?;
        Ok(secret)
    }
}

fn directory_error(e: Error) -> DirectoryError {
    DirectoryError(e.to_string())
}

impl Directory for Registry {
    fn device(&self, device_id: &str) -> std::result::Result<Option<DeviceRecord>, DirectoryError> {
        match self.device_full(device_id) {
            Ok(d) => Ok(Some(DeviceRecord {
                device_id: d.device_id,
                node_id: d.node_id,
                product_id: d.product_id,
                auth: d.auth,
                secure_access: d.secure_access,
                status: d.status,
            })),
            Err(Error::DeviceNotFound(_)) => Ok(None),
            Err(e) => Err(directory_error(e)),
        }
    }

    fn verified_cas(&self) -> std::result::Result<Vec<CaRecord>, DirectoryError> {
        self.verified_ca_records().map_err(directory_error)
    }

    fn bind_fingerprint(
        &self,
        device_id: &str,
        sha256: &str,
    ) -> std::result::Result<(), DirectoryError> {
        let fingerprint = normalise_fingerprint("fingerprint", sha256).map_err(directory_error)?;
        self.write(|tx| {
            let found: Option<(String, Option<String>)> = tx
                .query_row(
                    "SELECT auth_type, fingerprint FROM device WHERE device_id = ?1",
                    [device_id],
                    |r| Ok((r.get(0)?, r.get(1)?)),
                )
                .optional()?;
            match found {
                None => Err(Error::DeviceNotFound(device_id.to_string())),
                Some((auth, _)) if auth != "CERTIFICATES" => Err(Error::Invalid {
                    field: "fingerprint",
                    reason: format!("the device {device_id} authenticates by secret"),
                }),
                // A race of two first connections binds the first.
                Some((_, Some(bound))) => Err(Error::Invalid {
                    field: "fingerprint",
                    reason: format!("the device {device_id} is bound already, to {bound}"),
                }),
                Some((_, None)) => {
                    tx.execute(
                        "UPDATE device SET fingerprint = ?1 WHERE device_id = ?2",
                        params![fingerprint, device_id],
                    )?;
                    Ok(())
                }
            }
        })
        .map_err(directory_error)
    }

    fn set_status(
        &self,
        device_id: &str,
        change: &StatusChange,
    ) -> std::result::Result<(), DirectoryError> {
        let limit = self.history_limit();
        self.write(|tx| {
            let status = change.status.as_str();
            let changed = if change.status == DeviceStatus::Online {
                tx.execute(
                    "UPDATE device SET status = ?1, last_online_time = ?2 WHERE device_id = ?3",
                    params![status, change.at, device_id],
                )?
            } else {
                tx.execute(
                    "UPDATE device SET status = ?1 WHERE device_id = ?2",
                    params![status, device_id],
                )?
            };
            if changed == 0 {
                return Err(Error::DeviceNotFound(device_id.to_string()));
            }
            super::history::insert_status_event(tx, device_id, change, limit)
        })
        .map_err(directory_error)
    }
}

#[cfg(test)]
mod tests {
    use super::super::tests::with_product;
    use super::*;
    use crate::directory::StatusReason;

    fn secret_device(node: &str) -> NewDevice {
        NewDevice {
            node_id: node.into(),
            product_id: "p1".into(),
            secret: Some(DeviceSecret::new("12345678")),
            secure_access: true,
            ..NewDevice::default()
        }
    }

    #[test]
    fn a_device_gets_its_id_from_product_and_node_and_starts_inactive() {
        let r = with_product();
        let d = r.add_device(&secret_device("n1")).expect("add");
        assert_eq!(d.device_id, "p1_n1");
        assert_eq!(d.device_name, "n1");
        assert_eq!(d.status, DeviceStatus::Inactive);
        let rec = Directory::device(&r, "p1_n1")
            .expect("lookup")
            .expect("found");
        assert_eq!(
            rec.auth,
            DeviceAuth::Secret {
                secret: DeviceSecret::new("12345678"),
                secondary: None
            }
        );
    }

    #[test]
    fn duplicates_unknown_products_and_bad_credentials_are_refused() {
        let r = with_product();
        r.add_device(&secret_device("n1")).expect("add");
        assert_eq!(
            r.add_device(&secret_device("n1")),
            Err(Error::DeviceExists("p1_n1".into()))
        );
        let mut other = secret_device("n2");
        other.product_id = "p2".into();
        assert_eq!(
            r.add_device(&other),
            Err(Error::ProductNotFound("p2".into()))
        );
        let mut short = secret_device("n3");
        short.secret = Some(DeviceSecret::new("1234"));
        assert!(matches!(
            r.add_device(&short),
            Err(Error::Invalid {
                field: "auth_info.secret",
                ..
            })
        ));
        let cert = NewDevice {
            node_id: "n4".into(),
            product_id: "p1".into(),
            auth_type: AuthType::Certificates,
            fingerprint: Some("ab".repeat(31)),
            ..NewDevice::default()
        };
        assert!(matches!(
            r.add_device(&cert),
            Err(Error::Invalid {
                field: "auth_info.fingerprint",
                ..
            })
        ));
    }

    #[test]
    fn a_certificate_device_without_fingerprint_is_bound_once() {
        let r = with_product();
        r.add_device(&NewDevice {
            node_id: "c1".into(),
            product_id: "p1".into(),
            auth_type: AuthType::Certificates,
            ..NewDevice::default()
        })
        .expect("add");
        let first = "AB".repeat(32);
        r.bind_fingerprint("p1_c1", &first).expect("bind");
        let again = r.bind_fingerprint("p1_c1", &"CD".repeat(32));
        assert!(
            again.as_ref().is_err_and(|e| e.0.contains("bound already")),
            "{again:?}"
        );
        r.add_device(&secret_device("s1")).expect("add");
        let secret = r.bind_fingerprint("p1_s1", &first);
        assert!(
            secret.as_ref().is_err_and(|e| e.0.contains("by secret")),
            "{secret:?}"
        );
        let rec = Directory::device(&r, "p1_c1")
            .expect("lookup")
            .expect("found");
        assert_eq!(
            rec.auth,
            DeviceAuth::Certificate {
                fingerprint: Some("ab".repeat(32)),
                secondary: None
            }
        );
    }

    #[test]
    fn status_and_last_online_time_are_recorded() {
        let r = with_product();
        r.add_device(&secret_device("n1")).expect("add");
        let change = |status, at| StatusChange {
            status,
            reason: StatusReason::Connected,
            detail: String::new(),
            at,
        };
        r.set_status("p1_n1", &change(DeviceStatus::Online, 1000))
            .expect("online");
        r.set_status("p1_n1", &change(DeviceStatus::Offline, 2000))
            .expect("offline");
        let d = r.device_full("p1_n1").expect("show");
        assert_eq!(d.status, DeviceStatus::Offline);
        assert_eq!(d.last_online_time, Some(1000));
        assert!(r
            .set_status("nope", &change(DeviceStatus::Online, 1))
            .is_err());
    }

    #[test]
    fn pages_follow_markers_newest_first() {
        let r = with_product();
        for n in 0..5 {
            r.add_device(&secret_device(&format!("n{n}"))).expect("add");
        }
        let page = |marker: Option<String>| {
            r.devices(&DeviceFilter {
                page: Page {
                    limit: 2,
                    marker,
                    offset: 0,
                },
                ..DeviceFilter::default()
            })
            .expect("list")
        };
        let (count, first) = page(None);
        assert_eq!(count, 5);
        let ids: Vec<_> = first.iter().map(|d| d.node_id.as_str()).collect();
        assert_eq!(ids, ["n4", "n3"]);
        let (_, second) = page(first.last().map(|d| d.marker.clone()));
        let ids: Vec<_> = second.iter().map(|d| d.node_id.as_str()).collect();
        assert_eq!(ids, ["n2", "n1"]);
    }

    #[test]
    fn a_secret_is_reset_only_on_secret_devices() {
        let r = with_product();
        r.add_device(&secret_device("n1")).expect("add");
        let s = r
            .reset_secret("p1_n1", None, SecretKind::Secondary)
            .expect("reset");
        assert_eq!(s.expose().len(), 32);
        match r.device_full("p1_n1").expect("show").auth {
            DeviceAuth::Secret { secondary, .. } => assert_eq!(secondary, Some(s)),
            other => panic!("{other:?}"),
        }
        assert_eq!(
            r.reset_secret("nope", None, SecretKind::Primary),
            Err(Error::DeviceNotFound("nope".into()))
        );
    }
}
