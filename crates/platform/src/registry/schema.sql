-- The registry's schema. Each migration below is applied once, in order, at
-- open; PRAGMA user_version records how many have been applied. Append new
-- migrations; never edit one that has shipped.

-- migration 1: products, device CA certificates, devices
CREATE TABLE product (
    product_id           TEXT PRIMARY KEY,
    name                 TEXT NOT NULL,
    device_type          TEXT NOT NULL,
    protocol_type        TEXT NOT NULL,
    data_format          TEXT NOT NULL,
    manufacturer_name    TEXT,
    industry             TEXT,
    description          TEXT,
    -- The product model's service_capabilities, JSON as given.
    service_capabilities TEXT NOT NULL,
    create_time          INTEGER NOT NULL
);

CREATE TABLE ca_certificate (
    certificate_id TEXT PRIMARY KEY,
    der            BLOB NOT NULL,
    cn_name        TEXT,
    subject        TEXT NOT NULL,
    issuer         TEXT NOT NULL,
    not_before     INTEGER NOT NULL,
    not_after      INTEGER NOT NULL,
    sha256         TEXT NOT NULL UNIQUE,
    sha1           TEXT NOT NULL,
    verify_code    TEXT NOT NULL,
    verified       INTEGER NOT NULL DEFAULT 0,
    create_time    INTEGER NOT NULL
);

CREATE TABLE device (
    device_id             TEXT PRIMARY KEY,
    node_id               TEXT NOT NULL,
    product_id            TEXT NOT NULL REFERENCES product (product_id),
    device_name           TEXT NOT NULL,
    description           TEXT,
    auth_type             TEXT NOT NULL CHECK (auth_type IN ('SECRET', 'CERTIFICATES')),
    secret                TEXT,
    secondary_secret      TEXT,
    -- Lowercase hex, no colons: SHA-256 (64) or SHA-1 (40).
    fingerprint           TEXT,
    secondary_fingerprint TEXT,
    secure_access         INTEGER NOT NULL,
    status                TEXT NOT NULL CHECK (status IN ('ONLINE', 'OFFLINE', 'INACTIVE')),
    create_time           INTEGER NOT NULL,
    last_online_time      INTEGER,
    UNIQUE (product_id, node_id)
);
CREATE INDEX device_by_product ON device (product_id);

-- migration 2: each device's status history and message history
-- Both are bounded per device (the oldest rows are deleted after each
-- insert, see registry/history.rs) and go with their device.
CREATE TABLE device_status_event (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    device_id  TEXT NOT NULL REFERENCES device (device_id) ON DELETE CASCADE,
    status     TEXT NOT NULL CHECK (status IN ('ONLINE', 'OFFLINE')),
    reason     TEXT NOT NULL,
    detail     TEXT NOT NULL,
    event_time INTEGER NOT NULL
);
CREATE INDEX device_status_event_by_device ON device_status_event (device_id, id);

CREATE TABLE device_message (
    id            INTEGER PRIMARY KEY AUTOINCREMENT,
    message_id    TEXT NOT NULL UNIQUE,
    device_id     TEXT NOT NULL REFERENCES device (device_id) ON DELETE CASCADE,
    direction     TEXT NOT NULL CHECK (direction IN ('UP', 'DOWN')),
    name          TEXT,
    topic         TEXT NOT NULL,
    payload       BLOB NOT NULL,
    -- UP: DELIVERED. DOWN: PENDING until published to the online device.
    status        TEXT NOT NULL CHECK (status IN ('PENDING', 'DELIVERED')),
    created_time  INTEGER NOT NULL,
    finished_time INTEGER
);
CREATE INDEX device_message_by_device ON device_message (device_id, id);

-- migration 3: device shadows and property reports
-- One shadow row per device and service: desired and reported properties
-- (JSON objects) with their event times, and a version counted up at each
-- change of either.
CREATE TABLE device_shadow (
    device_id          TEXT NOT NULL REFERENCES device (device_id) ON DELETE CASCADE,
    service_id         TEXT NOT NULL,
    desired            TEXT NOT NULL DEFAULT '{}',
    desired_event_time TEXT,
    reported           TEXT NOT NULL DEFAULT '{}',
    reported_event_time TEXT,
    version            INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (device_id, service_id)
);

-- Each property report as received, what of it was kept (JSON array of
-- {service_id, properties, event_time}) and its problems against the
-- product model (JSON array of {path, rule}; empty when it all fitted).
-- Bounded per device like the histories.
CREATE TABLE device_report (
    id            INTEGER PRIMARY KEY AUTOINCREMENT,
    device_id     TEXT NOT NULL REFERENCES device (device_id) ON DELETE CASCADE,
    payload       BLOB NOT NULL,
    accepted      TEXT NOT NULL,
    problems      TEXT NOT NULL,
    received_time INTEGER NOT NULL
);
CREATE INDEX device_report_by_device ON device_report (device_id, id);

-- migration 4: gateways' sub-devices, versions, events and commands
-- Only adds: a registry of migration 3 keeps every row. A device with a
-- gateway_id is that gateway's sub-device (it does not connect itself);
-- fw_version and sw_version are what the device last reported.
ALTER TABLE device ADD COLUMN gateway_id TEXT;
ALTER TABLE device ADD COLUMN fw_version TEXT;
ALTER TABLE device ADD COLUMN sw_version TEXT;
CREATE INDEX device_by_gateway ON device (gateway_id);

-- Each event a device published on events/up, as received (paras JSON).
CREATE TABLE device_event (
    id             INTEGER PRIMARY KEY AUTOINCREMENT,
    device_id      TEXT NOT NULL REFERENCES device (device_id) ON DELETE CASCADE,
    service_id     TEXT NOT NULL,
    event_type     TEXT NOT NULL,
    event_id       TEXT,
    event_time     TEXT,
    paras          TEXT NOT NULL,
    received_time  INTEGER NOT NULL
);
CREATE INDEX device_event_by_device ON device_event (device_id, id);

-- Each command sent to a device (CreateCommand): SENT until the device
-- answers (SUCCESSFUL, with its response) or the timeout passes (TIMEOUT).
CREATE TABLE device_command (
    id            INTEGER PRIMARY KEY AUTOINCREMENT,
    command_id    TEXT NOT NULL UNIQUE,
    device_id     TEXT NOT NULL REFERENCES device (device_id) ON DELETE CASCADE,
    service_id    TEXT,
    command_name  TEXT,
    paras         TEXT NOT NULL,
    status        TEXT NOT NULL CHECK (status IN ('SENT', 'SUCCESSFUL', 'TIMEOUT')),
    response      TEXT,
    created_time  INTEGER NOT NULL,
    finished_time INTEGER
);
CREATE INDEX device_command_by_device ON device_command (device_id, id);

-- Software and firmware packages (the file kept here, with its SHA-256),
-- upgrade tasks (CreateBatchTask of type firmwareUpgrade or
-- softwareUpgrade, one package) and one subtask per target device: its
-- status (Waitting, Processing, Success, Fail as IoTDA spells them), the
-- device's last progress report, and the token its download must carry.
CREATE TABLE ota_package (
    package_id   TEXT PRIMARY KEY,
    package_type TEXT NOT NULL CHECK (package_type IN ('softwarePackage', 'firmwarePackage')),
    product_id   TEXT NOT NULL REFERENCES product (product_id),
    version      TEXT NOT NULL,
    file_name    TEXT NOT NULL,
    file         BLOB NOT NULL,
    sha256       TEXT NOT NULL,
    description  TEXT,
    create_time  INTEGER NOT NULL,
    UNIQUE (product_id, package_type, version)
);

CREATE TABLE ota_task (
    task_id     TEXT PRIMARY KEY,
    task_name   TEXT NOT NULL,
    task_type   TEXT NOT NULL CHECK (task_type IN ('firmwareUpgrade', 'softwareUpgrade')),
    package_id  TEXT NOT NULL REFERENCES ota_package (package_id),
    create_time INTEGER NOT NULL
);

CREATE TABLE ota_subtask (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    task_id      TEXT NOT NULL REFERENCES ota_task (task_id) ON DELETE CASCADE,
    device_id    TEXT NOT NULL,
    status       TEXT NOT NULL CHECK (status IN ('Waitting', 'Processing', 'Success', 'Fail')),
    progress     INTEGER,
    result_code  INTEGER,
    version      TEXT,
    description  TEXT,
    access_token TEXT NOT NULL UNIQUE,
    expires_at   INTEGER NOT NULL,
    updated_time INTEGER NOT NULL,
    UNIQUE (task_id, device_id)
);
CREATE INDEX ota_subtask_by_device ON ota_subtask (device_id, id);

-- migration 5: packages kept as if in OBS, stopped subtasks
-- A package uploaded with `file_location.obs_location` (Huawei's field for
-- a package in OBS) keeps it here as JSON; its notices are the `_v2`
-- forms. A subtask may be `Stopped` (StopBatchTask); SQLite cannot change
-- a CHECK, so the table is rebuilt with its rows and ids.
ALTER TABLE ota_package ADD COLUMN obs_location TEXT;

CREATE TABLE ota_subtask_5 (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    task_id      TEXT NOT NULL REFERENCES ota_task (task_id) ON DELETE CASCADE,
    device_id    TEXT NOT NULL,
    status       TEXT NOT NULL
                 CHECK (status IN ('Waitting', 'Processing', 'Success', 'Fail', 'Stopped')),
    progress     INTEGER,
    result_code  INTEGER,
    version      TEXT,
    description  TEXT,
    access_token TEXT NOT NULL UNIQUE,
    expires_at   INTEGER NOT NULL,
    updated_time INTEGER NOT NULL,
    UNIQUE (task_id, device_id)
);
INSERT INTO ota_subtask_5 (id, task_id, device_id, status, progress, result_code, version,
                           description, access_token, expires_at, updated_time)
    SELECT id, task_id, device_id, status, progress, result_code, version, description,
           access_token, expires_at, updated_time FROM ota_subtask;
DROP TABLE ota_subtask;
ALTER TABLE ota_subtask_5 RENAME TO ota_subtask;
CREATE INDEX ota_subtask_by_device ON ota_subtask (device_id, id);
