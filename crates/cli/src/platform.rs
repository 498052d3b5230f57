//! `iotda-kit platform`: runs the local IoTDA, or manages it through its
//! management API (`product`, `device`, `ca`), signing requests with the
//! AK/SK kept in the data folder (or given).

use std::io::Write;
use std::path::PathBuf;
use std::sync::Arc;

use clap::{Args, Subcommand};
use iotda_platform::access::AccessConfig;
use iotda_platform::broker::{BrokerChoice, BrokerEndpoint};
use iotda_platform::client::{Client, Reply};
use iotda_platform::log::Event;
use iotda_platform::platform::{self, Config, Credentials, API_URL_FILE, DEFAULT_API_PORT};
use iotda_platform::registry::DEFAULT_HISTORY_LIMIT;
use serde_json::{json, Value};

use crate::args::SecretArg;
use crate::CliError;

/// Arguments of `platform`.
#[derive(Debug, Args)]
#[command(args_conflicts_with_subcommands = true)]
pub struct PlatformArgs {
    /// Manage a running platform instead of running one.
    #[command(subcommand)]
    pub command: Option<Manage>,
    /// The data folder (registry, AK/SK) [default: the user's data
    /// directory, iotda-kit/platform].
    #[arg(long, global = true, value_name = "DIR")]
    pub data: Option<PathBuf>,
    /// Port of the management API on 127.0.0.1; the next free one is taken
    /// when busy; 0 lets the system choose.
    #[arg(long, default_value_t = DEFAULT_API_PORT, value_name = "N")]
    pub api_port: u16,
    /// Accept unsigned API requests from loopback.
    #[arg(long)]
    pub no_auth: bool,
    /// Serve the built app (trunk's dist/) at / beside the API, one origin.
    #[arg(long, value_name = "DIR")]
    pub app: Option<PathBuf>,
    /// Use this running broker instead of starting mosquitto:
    /// mqtt://[user[:password]@]host:port.
    #[arg(long, value_name = "URL")]
    pub broker: Option<String>,
    /// MQTT port (IoTDA's non-secure port); the next free one is taken when
    /// busy; 0 lets the system choose.
    #[arg(long, default_value_t = 1883, value_name = "N")]
    pub mqtt_port: u16,
    /// MQTTS port (IoTDA's secure port).
    #[arg(long, default_value_t = 8883, value_name = "N")]
    pub mqtts_port: u16,
    /// MQTT over plain WebSocket (for the page in the browser), at /mqtt.
    #[arg(long, default_value_t = 8083, value_name = "N")]
    pub ws_port: u16,
    /// MQTT over secure WebSocket (IoTDA's 443), at /mqtt.
    #[arg(long, default_value_t = 8443, value_name = "N")]
    pub wss_port: u16,
    /// How many status events and how many messages are kept per device
    /// (the oldest are dropped first).
    #[arg(long, default_value_t = DEFAULT_HISTORY_LIMIT, value_name = "N",
          value_parser = clap::value_parser!(u32).range(1..))]
    pub history_limit: u32,
    /// Seconds a command waits for the device's answer before IoTDA's
    /// timeout error (IoTDA: 20); shorter is a test aid.
    #[arg(long, default_value_t = 20, value_name = "SECONDS",
          value_parser = clap::value_parser!(u64).range(1..=3600))]
    pub command_timeout: u64,
}

/// Where the API is and how to sign, for the managing subcommands.
#[derive(Debug, Args)]
pub struct ApiArgs {
    /// The API's URL [default: the running platform's, from the data folder].
    #[arg(long, global = true, value_name = "URL")]
    pub api_url: Option<String>,
    /// Access key [default: the platform's, from the data folder].
    #[arg(
        long,
        global = true,
        env = "IOTDA_AK",
        value_name = "AK",
        requires = "sk"
    )]
    pub ak: Option<String>,
    /// Secret key (prefer the IOTDA_SK environment variable).
    #[arg(
        long,
        global = true,
        env = "IOTDA_SK",
        hide_env_values = true,
        value_name = "SK"
    )]
    pub sk: Option<SecretArg>,
    /// Project id to put in paths [default: the platform's].
    #[arg(long, global = true, value_name = "ID")]
    pub project_id: Option<String>,
    /// Send requests unsigned (a platform run with --no-auth).
    #[arg(long, global = true)]
    pub unsigned: bool,
}

/// The managing subcommands.
#[derive(Debug, Subcommand)]
pub enum Manage {
    /// Products and their product models.
    Product {
        /// Where the API is.
        #[command(flatten)]
        api: ApiArgs,
        /// What to do.
        #[command(subcommand)]
        action: ProductAction,
    },
    /// Devices.
    #[command(after_help = "Examples:\n  \
        iotda-kit platform device add --product-id P --node-id N --secret 12345678\n  \
        iotda-kit platform device add --product-id P --node-id N --fingerprint F")]
    Device {
        /// Where the API is.
        #[command(flatten)]
        api: ApiArgs,
        /// What to do.
        #[command(subcommand)]
        action: DeviceAction,
    },
    /// Device CA certificates.
    #[command(
        after_help = "The X.509 registration: `ca upload rootCA.pem` prints the \
        certificate id and verification code; make a verification certificate with that \
        code as its CN signed by the CA's key; `ca verify ID verificationCert.pem`."
    )]
    Ca {
        /// Where the API is.
        #[command(flatten)]
        api: ApiArgs,
        /// What to do.
        #[command(subcommand)]
        action: CaAction,
    },
}

/// `platform product ...`.
#[derive(Debug, Subcommand)]
pub enum ProductAction {
    /// Create a product (prints its id).
    Add {
        /// Product name.
        #[arg(long)]
        name: String,
        /// Device type, e.g. Meter.
        #[arg(long, default_value = "Default")]
        device_type: String,
        /// Protocol: MQTT, CoAP, HTTP, ...
        #[arg(long, default_value = "MQTT")]
        protocol: String,
        /// Product id [default: allocated by the platform].
        #[arg(long)]
        product_id: Option<String>,
        /// Product model: JSON (`{"service_capabilities": [...]}`) or the
        /// console's ZIP [default: no services].
        #[arg(long, value_name = "FILE")]
        model: Option<PathBuf>,
    },
    /// List products.
    List,
    /// Show a product with its model (JSON).
    Show {
        /// Product id.
        id: String,
    },
    /// Delete a product (it must have no devices).
    Delete {
        /// Product id.
        id: String,
    },
}

/// `platform device ...`.
#[derive(Debug, Subcommand)]
pub enum DeviceAction {
    /// Register a device (prints its id, and its secret for a secret
    /// device).
    Add {
        /// Its product.
        #[arg(long)]
        product_id: String,
        /// Its node id (IMEI, MAC, serial number...).
        #[arg(long)]
        node_id: String,
        /// Device id [default: PRODUCT_NODE].
        #[arg(long)]
        device_id: Option<String>,
        /// Device name [default: the node id].
        #[arg(long)]
        name: Option<String>,
        /// Secret (8-32 of A-Za-z0-9_-) [default: generated].
        #[arg(long, conflicts_with_all = ["fingerprint", "secondary_fingerprint"])]
        secret: Option<SecretArg>,
        /// A secondary secret.
        #[arg(long, conflicts_with_all = ["fingerprint", "secondary_fingerprint"])]
        secondary_secret: Option<SecretArg>,
        /// Certificate fingerprint (SHA-256 or SHA-1 hex): a certificate
        /// device.
        #[arg(long)]
        fingerprint: Option<String>,
        /// A secondary fingerprint.
        #[arg(long, requires = "fingerprint")]
        secondary_fingerprint: Option<String>,
        /// A certificate device whose first certificate is bound at first
        /// connection (no fingerprint given).
        #[arg(long, conflicts_with_all = ["secret", "secondary_secret", "fingerprint"])]
        certificate: bool,
        /// Let the device connect without TLS too (IoTDA's
        /// secure_access false).
        #[arg(long)]
        allow_plain: bool,
    },
    /// List devices.
    List {
        /// Only this product's.
        #[arg(long)]
        product_id: Option<String>,
        /// Only those in this status: ONLINE, OFFLINE, INACTIVE.
        #[arg(long)]
        status: Option<String>,
        /// At most this many (1-50) [default: all].
        #[arg(long)]
        limit: Option<u32>,
    },
    /// Show a device (JSON, with its credentials).
    Show {
        /// Device id.
        id: String,
    },
    /// Delete a device.
    Delete {
        /// Device id.
        id: String,
    },
    /// Set a new secret (given or generated) and print it.
    ResetSecret {
        /// Device id.
        id: String,
        /// The new secret [default: generated].
        #[arg(long)]
        secret: Option<SecretArg>,
        /// Reset the secondary secret instead of the primary.
        #[arg(long)]
        secondary: bool,
    },
}

/// `platform ca ...`.
#[derive(Debug, Subcommand)]
pub enum CaAction {
    /// Upload a device CA certificate (prints its id and verification code).
    Upload {
        /// The CA certificate, PEM.
        file: PathBuf,
    },
    /// Prove possession of a CA's key with a verification certificate.
    Verify {
        /// The CA certificate's id.
        id: String,
        /// The verification certificate (CN = the code, signed by the CA).
        file: PathBuf,
    },
    /// List device CA certificates.
    List,
    /// Delete a device CA certificate.
    Delete {
        /// The certificate's id.
        id: String,
    },
}

/// The default data folder: `$XDG_DATA_HOME/iotda-kit/platform`, else
/// `~/.local/share/iotda-kit/platform`.
fn default_data_dir() -> Result<PathBuf, CliError> {
    if let Some(d) = std::env::var_os("XDG_DATA_HOME").filter(|d| !d.is_empty()) {
        return Ok(PathBuf::from(d).join("iotda-kit").join("platform"));
    }
    std::env::var_os("HOME")
        .filter(|h| !h.is_empty())
        .map(|h| PathBuf::from(h).join(".local/share/iotda-kit/platform"))
        .ok_or_else(|| CliError::Usage("no HOME or XDG_DATA_HOME: give --data DIR".into()))
}

/// Runs `platform`.
pub fn run(args: &PlatformArgs) -> Result<(), CliError> {
    let data = match &args.data {
        Some(d) => d.clone(),
        None => default_data_dir()?,
    };
    match &args.command {
        None => serve(config(args, data)?),
        Some(Manage::Product { api, action }) => product(&client(api, &data)?, action),
        Some(Manage::Device { api, action }) => device(&client(api, &data)?, action),
        Some(Manage::Ca { api, action }) => ca(&client(api, &data)?, action),
    }
}

/// What to start, from the arguments.
fn config(args: &PlatformArgs, data: PathBuf) -> Result<Config, CliError> {
    let mut access = AccessConfig::new(data.clone());
    if let Some(url) = &args.broker {
        access.broker = BrokerChoice::External(
            BrokerEndpoint::parse(url).map_err(|e| CliError::Usage(e.to_string()))?,
        );
    }
    access.mqtt_port = Some(args.mqtt_port);
    access.mqtts_port = Some(args.mqtts_port);
    access.ws_port = Some(args.ws_port);
    access.wss_port = Some(args.wss_port);
    let mut config = Config::new(data, args.api_port);
    config.no_auth = args.no_auth;
    config.app_dir = args.app.clone();
    config.history_limit = args.history_limit;
    config.command_timeout = std::time::Duration::from_secs(args.command_timeout);
    config.access = Some(access);
    Ok(config)
}

/// Prints the device side's events, one line each (the listeners are in the
/// banner).
fn print_event(event: Event) {
    if !matches!(event, Event::Listening { .. }) {
        let mut out = std::io::stdout().lock();
        // A closed stdout must not stop the platform.
        let _ = writeln!(out, "{event}");
        let _ = out.flush();
    }
}

/// Starts the platform and serves until Ctrl-C or SIGTERM.
fn serve(config: Config) -> Result<(), CliError> {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .map_err(|e| CliError::Failure(format!("cannot start the runtime: {e}")))?;
    runtime.block_on(async {
        let running = platform::start(config, Arc::new(print_event))
            .await
            .map_err(|e| CliError::Failure(e.to_string()))?;
        for line in running.banner() {
            println!("{line}");
        }
        stopped().await?;
        running
            .stop()
            .await
            .map_err(|e| CliError::Failure(e.to_string()))
    })
}

/// Waits for Ctrl-C or SIGTERM.
async fn stopped() -> Result<(), CliError> {
    let failed = |e: std::io::Error| CliError::Failure(format!("cannot watch for signals: {e}"));
    #[cfg(unix)]
    {
        let mut term = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())
            .map_err(failed)?;
        tokio::select! {
            r = tokio::signal::ctrl_c() => r.map_err(failed),
            _ = term.recv() => Ok(()),
        }
    }
    #[cfg(not(unix))]
    {
        tokio::signal::ctrl_c().await.map_err(failed)
    }
}

/// A client of the platform: URL and keys from the arguments, else from
/// the data folder.
fn client(api: &ApiArgs, data: &std::path::Path) -> Result<Client, CliError> {
    let url = match &api.api_url {
        Some(u) => u.clone(),
        None => std::fs::read_to_string(data.join(API_URL_FILE))
            .map(|s| s.trim().to_string())
            .map_err(|e| {
                CliError::Usage(format!(
                    "no running platform found in {} ({e}): start `iotda-kit platform`, or give --api-url",
                    data.display()
                ))
            })?,
    };
    let stored = platform::read_credentials(data);
    let signing = match (api.unsigned, &api.ak, &api.sk) {
        (true, _, _) => None,
        (false, Some(ak), Some(sk)) => Some(Credentials {
            ak: ak.clone(),
            sk: sk.expose().to_string(),
            project_id: String::new(),
        }),
        (false, _, _) => Some(
            stored
                .as_ref()
                .map_err(|e| CliError::Usage(e.to_string()))?
                .clone(),
        ),
    };
    // Any project id is accepted; the platform's own when known.
    let project = api
        .project_id
        .clone()
        .or_else(|| stored.ok().map(|c| c.project_id.clone()))
        .unwrap_or_else(|| "local".into());
    Ok(Client::new(&url, signing, &project))
}

/// The reason the local platform (of `data`, else the default data folder)
/// logged for refusing `client_id`: its refusal from `peer` when it has one,
/// else the newest of that ClientId; `None` when it has none on record.
pub(crate) fn refusal_reason(
    data: Option<&std::path::Path>,
    client_id: &str,
    peer: Option<std::net::SocketAddr>,
) -> Result<Option<String>, CliError> {
    let data = match data {
        Some(d) => d.to_path_buf(),
        None => default_data_dir()?,
    };
    let api = ApiArgs {
        api_url: None,
        ak: None,
        sk: None,
        project_id: None,
        unsigned: false,
    };
    // All of them (a few hundred at most), matched here: the ClientId is
    // whatever was sent, and needs no escaping this way.
    let answer = call(&client(&api, &data)?, "GET", "kit/refusals", None)?;
    let refusals = answer["refusals"].as_array().cloned().unwrap_or_default();
    let of_client: Vec<&Value> = refusals
        .iter()
        .filter(|r| r["client_id"].as_str() == Some(client_id))
        .collect();
    let peer = peer.map(|p| p.to_string());
    let chosen = of_client
        .iter()
        .find(|r| peer.is_some() && r["peer"].as_str() == peer.as_deref())
        .or_else(|| of_client.first());
    Ok(chosen.map(|r| {
        format!(
            "the platform refused it with CONNACK {}: {}",
            r["return_code"],
            text(&r["reason"])
        )
    }))
}

/// Sends a request; an error answer is the command's failure.
fn call(c: &Client, method: &str, path: &str, body: Option<&Value>) -> Result<Value, CliError> {
    let reply: Reply = c
        .call(method, path, body)
        .map_err(|e| CliError::Failure(e.to_string()))?;
    if (200..300).contains(&reply.status) {
        Ok(reply.body)
    } else {
        Err(CliError::Failure(reply.error_line()))
    }
}

fn text(v: &Value) -> &str {
    v.as_str().unwrap_or("-")
}

fn pretty(v: &Value) {
    println!(
        "{}",
        serde_json::to_string_pretty(v).unwrap_or_else(|_| v.to_string())
    );
}

fn product(c: &Client, action: &ProductAction) -> Result<(), CliError> {
    match action {
        ProductAction::Add {
            name,
            device_type,
            protocol,
            product_id,
            model,
        } => {
            let services = match model {
                None => json!([]),
                Some(path) => {
                    let bytes = crate::read_file(path)?;
                    let model = iotda_core::iotda::ProductModel::from_bytes(&bytes)
                        .map_err(|e| CliError::Usage(format!("{}: {e}", path.display())))?;
                    serde_json::to_value(&model.service_capabilities)
                        .map_err(|e| CliError::Usage(e.to_string()))?
                }
            };
            let mut body = json!({
                "name": name, "device_type": device_type, "protocol_type": protocol,
                "data_format": "json", "service_capabilities": services,
            });
            if let Some(id) = product_id {
                body["product_id"] = json!(id);
            }
            let p = call(c, "POST", "products", Some(&body))?;
            println!("product id: {}", text(&p["product_id"]));
        }
        ProductAction::List => {
            let mut offset = 0;
            loop {
                let page = call(
                    c,
                    "GET",
                    &format!("products?limit=50&offset={offset}"),
                    None,
                )?;
                let products = page["products"].as_array().cloned().unwrap_or_default();
                for p in &products {
                    println!(
                        "{}  {}  {}  {}",
                        text(&p["product_id"]),
                        text(&p["name"]),
                        text(&p["device_type"]),
                        text(&p["protocol_type"])
                    );
                }
                offset += products.len();
                if products.is_empty() || offset > 500 {
                    break;
                }
            }
        }
        ProductAction::Show { id } => pretty(&call(c, "GET", &format!("products/{id}"), None)?),
        ProductAction::Delete { id } => {
            call(c, "DELETE", &format!("products/{id}"), None)?;
            println!("deleted {id}");
        }
    }
    Ok(())
}

fn device(c: &Client, action: &DeviceAction) -> Result<(), CliError> {
    match action {
        DeviceAction::Add {
            product_id,
            node_id,
            device_id,
            name,
            secret,
            secondary_secret,
            fingerprint,
            secondary_fingerprint,
            certificate,
            allow_plain,
        } => {
            let by_certificate = *certificate || fingerprint.is_some();
            let mut auth = json!({
                "auth_type": if by_certificate { "CERTIFICATES" } else { "SECRET" },
                "secure_access": !allow_plain,
            });
            for (field, value) in [
                ("secret", secret.as_ref().map(SecretArg::expose)),
                (
                    "secondary_secret",
                    secondary_secret.as_ref().map(SecretArg::expose),
                ),
                ("fingerprint", fingerprint.as_deref()),
                ("secondary_fingerprint", secondary_fingerprint.as_deref()),
            ] {
                if let Some(v) = value {
                    auth[field] = json!(v);
                }
            }
            let mut body =
                json!({ "product_id": product_id, "node_id": node_id, "auth_info": auth });
            if let Some(id) = device_id {
                body["device_id"] = json!(id);
            }
            if let Some(n) = name {
                body["device_name"] = json!(n);
            }
            let d = call(c, "POST", "devices", Some(&body))?;
            println!("device id: {}", text(&d["device_id"]));
            if let Some(s) = d["auth_info"]["secret"].as_str() {
                println!("secret: {s}");
            }
            if let Some(f) = d["auth_info"]["fingerprint"].as_str() {
                println!("fingerprint: {f}");
            }
        }
        DeviceAction::List {
            product_id,
            status,
            limit,
        } => {
            let mut filter = String::new();
            if let Some(p) = product_id {
                filter.push_str(&format!("&product_id={p}"));
            }
            if let Some(s) = status {
                filter.push_str(&format!("&status={s}"));
            }
            // Without --limit, every page, following the markers.
            let mut marker: Option<String> = None;
            loop {
                let mut query = format!("devices?limit={}{filter}", limit.unwrap_or(50));
                if let Some(m) = &marker {
                    query.push_str(&format!("&marker={m}"));
                }
                let page = call(c, "GET", &query, None)?;
                let devices = page["devices"].as_array().cloned().unwrap_or_default();
                for d in &devices {
                    println!(
                        "{}  {}  {}",
                        text(&d["device_id"]),
                        text(&d["status"]),
                        text(&d["product_id"])
                    );
                }
                marker = page["page"]["marker"].as_str().map(String::from);
                if limit.is_some() || devices.is_empty() || marker.is_none() {
                    break;
                }
            }
        }
        DeviceAction::Show { id } => pretty(&call(c, "GET", &format!("devices/{id}"), None)?),
        DeviceAction::Delete { id } => {
            call(c, "DELETE", &format!("devices/{id}"), None)?;
            println!("deleted {id}");
        }
        DeviceAction::ResetSecret {
            id,
            secret,
            secondary,
        } => {
            let mut body =
                json!({ "secret_type": if *secondary { "SECONDARY" } else { "PRIMARY" } });
            if let Some(s) = secret {
                body["secret"] = json!(s.expose());
            }
            let r = call(
                c,
                "POST",
                &format!("devices/{id}/action?action_id=resetSecret"),
                Some(&body),
            )?;
            println!("secret: {}", text(&r["secret"]));
        }
    }
    Ok(())
}

fn read_text(path: &std::path::Path) -> Result<String, CliError> {
    String::from_utf8(crate::read_file(path)?)
        .map_err(|_| CliError::Usage(format!("{} is not PEM text", path.display())))
}

fn ca(c: &Client, action: &CaAction) -> Result<(), CliError> {
    match action {
        CaAction::Upload { file } => {
            let r = call(
                c,
                "POST",
                "certificates",
                Some(&json!({ "content": read_text(file)? })),
            )?;
            println!("certificate id: {}", text(&r["certificate_id"]));
            println!("verification code: {}", text(&r["verify_code"]));
        }
        CaAction::Verify { id, file } => {
            call(
                c,
                "POST",
                &format!("certificates/{id}/action?action_id=verify"),
                Some(&json!({ "verify_content": read_text(file)? })),
            )?;
            println!("verified {id}");
        }
        CaAction::List => {
            let page = call(c, "GET", "certificates?limit=50", None)?;
            let mut all = page["certificates"].as_array().cloned().unwrap_or_default();
            if page["page"]["count"].as_u64().unwrap_or(0) > 50 {
                let rest = call(c, "GET", "certificates?limit=50&offset=50", None)?;
                all.extend(rest["certificates"].as_array().cloned().unwrap_or_default());
            }
            for cert in &all {
                println!(
                    "{}  {}  {}  {}",
                    text(&cert["certificate_id"]),
                    if cert["status"] == json!(true) {
                        "verified"
                    } else {
                        "unverified"
                    },
                    text(&cert["verify_code"]),
                    text(&cert["cn_name"])
                );
            }
        }
        CaAction::Delete { id } => {
            call(c, "DELETE", &format!("certificates/{id}"), None)?;
            println!("deleted {id}");
        }
    }
    Ok(())
}
