//! The command line, as clap types.

use std::fmt;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::error::ErrorKind;
use clap::{Args, Parser, Subcommand};

/// IoTDA Kit: connect devices to Huawei Cloud IoTDA or any MQTT broker.
#[derive(Debug, Parser)]
#[command(name = "iotda-kit", version, about, long_about = None)]
pub struct Cli {
    /// What to do.
    #[command(subcommand)]
    pub command: Command,
}

/// The commands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Compute the MQTT ClientId, Username and Password of a device that
    /// authenticates with a secret, exactly as IoTDA does.
    #[command(after_help = "Examples:\n  \
        iotda-kit credentials --device-id 5f8d_node1 --secret 12345678 --timestamp 2025041401\n  \
        IOTDA_SECRET=12345678 iotda-kit credentials --device-id 5f8d_node1 --sign-type 1 --json")]
    Credentials(CredentialsArgs),
    /// Explain why IoTDA refuses a device, in one sentence with the fix:
    /// from what it sent (ClientId, user name, password, or a captured
    /// CONNECT) or from its certificate files.
    #[command(
        after_help = "Exit status: 0 the attempt is right, 1 a rule is broken (the diagnosis \
        is printed), 2 bad input.\n\n\
        Examples:\n  \
        iotda-kit doctor --device-id 5f8d_node1 --secret 12345678 \\\n      \
        --client-id 5f8d_node1_0_0_2025041401 --username 5f8d_node1 --password c751... \\\n      \
        --at 2025-04-14T01:20:00Z\n  \
        iotda-kit doctor --device-id 5f8d_node1 --secret 12345678 --connect-hex '10 3a 00 04 4d 51 ...'\n  \
        iotda-kit doctor --cert deviceCert.pem --key deviceCert.key --ca rootCA.pem --fingerprint AB12..."
    )]
    Doctor(crate::doctor::DoctorArgs),
    /// Make and inspect the X.509 certificates of IoTDA's certificate
    /// onboarding: device CA, verification certificate, device certificates.
    Cert(CertArgs),
    /// Print the fingerprint of each certificate in a file, as the IoTDA
    /// console wants it (uppercase hex, no colons; SHA-256 by default).
    Fingerprint(FingerprintArgs),
    /// Publish one message (MQTT over TCP or TLS, with a client certificate
    /// if needed), and wait for the broker's acknowledgement.
    #[command(after_help = "Examples:\n  \
        IOTDA_SECRET=12345678 iotda-kit pub --host iot-mqtts.cn-north-4.myhuaweicloud.com --tls \\\n      \
        --device-id 5f8d_node1 --topic '$oc/devices/5f8d_node1/sys/properties/report' \\\n      \
        --message '{\"services\":[{\"service_id\":\"Battery\",\"properties\":{\"batteryLevel\":80}}]}' --qos 1\n  \
        iotda-kit pub --host 127.0.0.1 --topic test --message hi")]
    Pub(PubArgs),
    /// Subscribe and print each message that arrives (topic, then payload).
    #[command(after_help = "Examples:\n  \
        iotda-kit sub --host 127.0.0.1 --topic 'sensors/#' --count 10\n  \
        iotda-kit sub --host H --tls --device-id ID --topic '$oc/devices/ID/sys/commands/#' --json")]
    Sub(SubArgs),
    /// Check data against a product model before it is sent (IoTDA
    /// silently drops what does not fit).
    Model(ModelArgs),
    /// Run a simulated IoTDA device: report properties of the product model
    /// every few seconds, and show (with --auto-respond, answer) what the
    /// platform sends: commands, property sets and gets, messages, events.
    #[command(
        after_help = "Each event is one line on stdout: report sent, command, property \
        set or get (answered, refused or left unanswered), message, event or shadow shown. \
        Ctrl-C or SIGTERM disconnects cleanly.\n\n\
        Examples:\n  \
        IOTDA_SECRET=12345678 iotda-kit simulate --host iot-mqtts.cn-north-4.myhuaweicloud.com \\\n      \
        --tls --device-id 5f8d_node1 --model model.zip --walk --auto-respond\n  \
        iotda-kit simulate --host 127.0.0.1 --username 5f8d_node1 --interval 1 --count 3 --seed 7"
    )]
    Simulate(SimulateArgs),
    /// Work with IoTDA message bodies.
    Payload(PayloadArgs),
    /// Work with raw MQTT packets.
    Packet(PacketArgs),
    /// Serve the built web app (trunk's dist/ folder) on 127.0.0.1 only.
    Serve(ServeArgs),
    /// Let the kit's page connect as an X.509 device: a WebSocket on
    /// 127.0.0.1 whose MQTT is carried over mutual TLS (the device
    /// certificate) to the platform.
    #[command(
        after_help = "The page connects to the ws:// URL printed on start. Only the kit's \
        page on loopback (http://127.0.0.1, http://localhost, http://[::1], any port) and the \
        --origin given may open a session; a CONNECT with a password is refused. Why a \
        session ended is the WebSocket close code and reason (docs/bridge.md) and a line on \
        stderr. Ctrl-C or SIGTERM stops it.\n\n\
        Examples:\n  \
        iotda-kit bridge --host a1b2.st1.iotda-device.cn-north-4.myhuaweicloud.com \\\n      \
        --ca platform-ca.pem --cert deviceCert.pem --key deviceCert.key\n  \
        iotda-kit bridge --host 192.0.2.10 --tls-name a1b2.st1.iotda-device.cn-north-4.myhuaweicloud.com \\\n      \
        --ca platform-ca.pem --cert deviceCert.pem --key deviceCert.key --listen-port 9000"
    )]
    Bridge(BridgeArgs),
    /// Run the local IoTDA (registry and management API on 127.0.0.1), or
    /// manage a running one: products, devices, device CA certificates.
    #[command(after_help = "Examples:\n  \
        iotda-kit platform --data ./iotda-data\n  \
        iotda-kit platform ca upload rootCA.pem\n  \
        iotda-kit platform ca verify ID verificationCert.pem\n  \
        iotda-kit platform device add --product-id P --node-id N --fingerprint F")]
    Platform(crate::platform::PlatformArgs),
}

/// Where and how to connect, and as whom.
#[derive(Debug, Args)]
pub struct ConnectionArgs {
    /// Broker host name or address.
    #[arg(long, value_name = "HOST")]
    pub host: String,
    /// Broker port [default: 1883, or 8883 with TLS].
    #[arg(long, value_name = "PORT")]
    pub port: Option<u16>,
    /// Use TLS (implied by --ca, --cert, --insecure and --tls-name, and for
    /// IoTDA hosts, *.myhuaweicloud.com, unless --port 1883).
    #[arg(long)]
    pub tls: bool,
    /// CA certificates (PEM) to trust for the broker, instead of the
    /// built-in public roots. For IoTDA: the platform CA certificate of the
    /// region and edition, from Huawei's "Obtaining Resources" page; for the
    /// local platform (iotda-kit platform): its tls/platform-ca.crt.
    #[arg(long, value_name = "FILE")]
    pub ca: Option<PathBuf>,
    /// Verify the broker's certificate against NAME, and send NAME as SNI,
    /// while connecting to the address --host gives (an IP address, when
    /// there is no DNS); implies TLS.
    #[arg(long, value_name = "NAME")]
    pub tls_name: Option<String>,
    /// Client certificate (PEM), for brokers that authenticate devices by
    /// certificate (IoTDA's X.509 devices).
    #[arg(long, value_name = "FILE", requires = "key")]
    pub cert: Option<PathBuf>,
    /// Private key of the client certificate.
    #[arg(long, value_name = "FILE", requires = "cert")]
    pub key: Option<PathBuf>,
    /// Passphrase of an encrypted --key.
    #[arg(
        long,
        env = "IOTDA_KEY_PASSPHRASE",
        hide_env_values = true,
        value_name = "PASS"
    )]
    pub key_passphrase: Option<SecretArg>,
    /// Accept any broker certificate (test brokers only).
    #[arg(long)]
    pub insecure: bool,
    /// IoTDA device id: the ClientId, user name and (with --secret) password
    /// are computed as IoTDA does. Without --secret: a certificate device.
    #[arg(long, value_name = "ID", conflicts_with_all = ["client_id", "username", "password"])]
    pub device_id: Option<String>,
    /// IoTDA device secret (prefer the IOTDA_SECRET environment variable).
    #[arg(
        long,
        env = "IOTDA_SECRET",
        hide_env_values = true,
        value_name = "SECRET",
        requires = "device_id"
    )]
    pub secret: Option<SecretArg>,
    /// IoTDA sign type: 0 (password only) or 1 (the platform checks the
    /// timestamp too).
    #[arg(long, default_value = "0", value_name = "0|1")]
    pub sign_type: String,
    /// IoTDA timestamp YYYYMMDDHH [default: the current UTC hour].
    #[arg(long, value_name = "YYYYMMDDHH", requires = "device_id")]
    pub timestamp: Option<String>,
    /// MQTT client id [default: iotda-kit- and random hex].
    #[arg(long, value_name = "ID")]
    pub client_id: Option<String>,
    /// MQTT user name.
    #[arg(long, value_name = "USER")]
    pub username: Option<String>,
    /// MQTT password (prefer the IOTDA_PASSWORD environment variable).
    #[arg(
        long,
        env = "IOTDA_PASSWORD",
        hide_env_values = true,
        value_name = "PASS"
    )]
    pub password: Option<SecretArg>,
    /// MQTT version: 3 (3.1), 4 (3.1.1) or 5 (5.0).
    #[arg(long, default_value = "4", value_name = "3|4|5")]
    pub protocol: String,
    /// Resume the broker's session (Clean Session / Clean Start off): what
    /// was not acknowledged is sent again after a reconnection, and the
    /// broker keeps the subscriptions and the QoS 1 and 2 messages that
    /// came while the client was away.
    #[arg(long)]
    pub no_clean: bool,
    /// MQTT 5: seconds the broker keeps the session after the connection
    /// ends [default: 3600 with --no-clean, else 0].
    #[arg(long, value_name = "S")]
    pub session_expiry: Option<u32>,
    /// Keep alive in seconds (IoTDA accepts 30 to 1200).
    #[arg(long, default_value_t = 120, value_name = "S")]
    pub keepalive: u16,
    /// Seconds to wait for the connection and the broker's answers.
    #[arg(long, default_value_t = 30, value_name = "S")]
    pub connect_timeout: u16,
}

/// Arguments of `bridge`.
#[derive(Debug, Args)]
pub struct BridgeArgs {
    /// The platform's MQTTS host name or address.
    #[arg(long, value_name = "HOST")]
    pub host: String,
    /// The platform's MQTTS port.
    #[arg(long, default_value_t = 8883, value_name = "PORT")]
    pub port: u16,
    /// The device certificate (PEM, the device certificate first).
    #[arg(long, value_name = "FILE")]
    pub cert: PathBuf,
    /// The device certificate's private key.
    #[arg(long, value_name = "FILE")]
    pub key: PathBuf,
    /// Passphrase of an encrypted --key.
    #[arg(
        long,
        env = "IOTDA_KEY_PASSPHRASE",
        hide_env_values = true,
        value_name = "PASS"
    )]
    pub key_passphrase: Option<SecretArg>,
    /// CA certificates (PEM) to trust for the platform, instead of the
    /// built-in public roots. For IoTDA: the platform CA certificate of the
    /// region and edition, from Huawei's "Obtaining Resources" page; for the
    /// local platform: its tls/platform-ca.crt.
    #[arg(long, value_name = "FILE")]
    pub ca: Option<PathBuf>,
    /// Verify the platform's certificate against NAME, and send NAME as
    /// SNI, while connecting to the address --host gives.
    #[arg(long, value_name = "NAME")]
    pub tls_name: Option<String>,
    /// Port on 127.0.0.1 to listen on; 0 picks a free one (the URL is
    /// printed).
    #[arg(long, default_value_t = 9883, value_name = "PORT")]
    pub listen_port: u16,
    /// Also accept WebSockets from this page origin (scheme://host[:port],
    /// :* for any port; repeat for more).
    #[arg(long, value_name = "URL")]
    pub origin: Vec<String>,
}

/// Arguments of `pub`.
#[derive(Debug, Args)]
pub struct PubArgs {
    /// The broker and the client.
    #[command(flatten)]
    pub connection: ConnectionArgs,
    /// Topic to publish to (no wildcards).
    #[arg(long, short = 't', value_name = "TOPIC")]
    pub topic: String,
    /// The message (use - to read it from standard input).
    #[arg(long, short = 'm', value_name = "TEXT")]
    pub message: String,
    /// Quality of service: 0, 1 or 2 (IoTDA takes 0 and 1).
    #[arg(long, short = 'q', default_value_t = 0, value_name = "0|1|2")]
    pub qos: u8,
    /// Ask the broker to keep the message for future subscribers.
    #[arg(long)]
    pub retain: bool,
}

/// Arguments of `sub`.
#[derive(Debug, Args)]
pub struct SubArgs {
    /// The broker and the client.
    #[command(flatten)]
    pub connection: ConnectionArgs,
    /// Topic filter to subscribe to (repeat for more; + and # allowed).
    #[arg(long, short = 't', value_name = "FILTER", required = true)]
    pub topic: Vec<String>,
    /// Maximum quality of service: 0, 1 or 2.
    #[arg(long, short = 'q', default_value_t = 0, value_name = "0|1|2")]
    pub qos: u8,
    /// Exit after this many messages.
    #[arg(long, short = 'C', value_name = "N")]
    pub count: Option<u64>,
    /// Exit after this many seconds (an error if --count was not reached).
    #[arg(long, short = 'W', value_name = "S")]
    pub timeout: Option<u64>,
    /// One JSON object per message: topic, qos, retain, payload (text) or
    /// payload_hex.
    #[arg(long)]
    pub json: bool,
}

/// Arguments of `model`.
#[derive(Debug, Args)]
pub struct ModelArgs {
    /// What to do.
    #[command(subcommand)]
    pub command: ModelCommand,
}

/// The `model` commands.
#[derive(Debug, Subcommand)]
pub enum ModelCommand {
    /// Check a property report against the product model, as IoTDA would.
    /// Prints "valid", or one line per problem: its JSON path, then what is
    /// wrong.
    #[command(
        after_help = "Exit status: 0 valid, 1 problems found, 2 unreadable file or bad JSON.\n\n\
        Examples:\n  \
        iotda-kit model validate --report report.json\n  \
        iotda-kit model validate --model model.zip --report report.json"
    )]
    Validate(ValidateArgs),
}

/// Where the product model comes from.
#[derive(Debug, Args)]
pub struct ModelFileArgs {
    /// The product model: IoTDA's REST JSON or the console's offline ZIP
    /// [default: the getting-started guide's Connectivity and Battery].
    #[arg(long, value_name = "FILE")]
    pub model: Option<PathBuf>,
}

/// Arguments of `model validate`.
#[derive(Debug, Args)]
pub struct ValidateArgs {
    /// The product model.
    #[command(flatten)]
    pub model: ModelFileArgs,
    /// The property report ({"services":[...]}); - reads it from standard
    /// input.
    #[arg(long, value_name = "FILE")]
    pub report: PathBuf,
}

/// Arguments of `simulate`.
#[derive(Debug, Args)]
pub struct SimulateArgs {
    /// The broker and the device (--device-id; or --username, the device
    /// id on IoTDA, with raw MQTT credentials).
    #[command(flatten)]
    pub connection: ConnectionArgs,
    /// The product model.
    #[command(flatten)]
    pub model: ModelFileArgs,
    /// Seconds between property reports; 0 reports once, at the start.
    #[arg(long, default_value_t = 10, value_name = "S")]
    pub interval: u64,
    /// Move each value a small random step from the last one (a random
    /// walk) instead of drawing it anew.
    #[arg(long)]
    pub walk: bool,
    /// Answer commands, property sets and property gets; without it they
    /// are printed and left unanswered.
    #[arg(long)]
    pub auto_respond: bool,
    /// Stop after this many reports.
    #[arg(long, short = 'C', value_name = "N")]
    pub count: Option<u64>,
    /// Seed of the simulated values, for a run that can be repeated
    /// [default: from the system's random source].
    #[arg(long, value_name = "N")]
    pub seed: Option<u64>,
    /// Report only this service (repeat for more) [default: every service
    /// with a readable property].
    #[arg(long, value_name = "SERVICE_ID")]
    pub service: Vec<String>,
    /// result_code of the answer to a command that fits the model (0:
    /// success); one that does not fit is answered with 1.
    #[arg(
        long,
        default_value_t = 0,
        value_name = "N",
        allow_negative_numbers = true
    )]
    pub result_code: i64,
    /// response_name of command answers [default: the model's first
    /// response of the command].
    #[arg(long, value_name = "NAME")]
    pub response_name: Option<String>,
    /// paras of command answers, a JSON object [default: the parameters of
    /// the model's first response of the command, with first values].
    #[arg(long, value_name = "JSON")]
    pub response_paras: Option<String>,
    /// The firmware and software version the device starts at (reported on
    /// connect and to version_query; an upgrade changes it).
    #[arg(long, default_value = "1.0", value_name = "V")]
    pub firmware_version: String,
    /// Fail every upgrade with this upgrade_progress_report result code
    /// (1-10 or 255, as IoTDA defines them) instead of downloading it.
    #[arg(long, value_name = "CODE")]
    pub fail_upgrade: Option<i64>,
    /// Act as a gateway of N sub-devices: ask the platform to add them
    /// (node ids {device}_sub1...), report their statuses and their
    /// properties with the gateway's batch report.
    #[arg(long, default_value_t = 0, value_name = "N")]
    pub gateway: u32,
}

/// Arguments of `payload`.
#[derive(Debug, Args)]
pub struct PayloadArgs {
    /// What to do.
    #[command(subcommand)]
    pub command: PayloadCommand,
}

/// The `payload` commands.
#[derive(Debug, Subcommand)]
pub enum PayloadCommand {
    /// Check what a device would publish on a topic: its size and shape,
    /// against the product model when one is given (properties, gateway
    /// reports of at most 100 sub-devices, command responses, events), the
    /// event_time forms, custom and broadcast topics.
    #[command(
        after_help = "Exit status: 0 nothing the platform would drop (warnings may be         printed), 1 problems (one a line), 2 bad input or a topic IoTDA does not take.\n\n\
        Examples:\n  \
        iotda-kit payload check report.json --topic '$oc/devices/p_n/sys/properties/report' --model model.zip\n  \
        iotda-kit payload check - --topic '$oc/devices/p_gw/sys/gateway/sub_devices/properties/report' < batch.json"
    )]
    Check(PayloadCheckArgs),
}

/// Arguments of `payload check`.
#[derive(Debug, Args)]
pub struct PayloadCheckArgs {
    /// The payload file ("-" for standard input).
    #[arg(value_name = "FILE")]
    pub file: PathBuf,
    /// The topic it would be published on.
    #[arg(long, short = 't', value_name = "TOPIC")]
    pub topic: String,
    /// The product model (REST JSON or the console's ZIP) [default: none;
    /// only sizes, shapes, system events and times are checked].
    #[arg(long, value_name = "FILE")]
    pub model: Option<PathBuf>,
}

/// Arguments of `packet`.
#[derive(Debug, Args)]
pub struct PacketArgs {
    /// What to do.
    #[command(subcommand)]
    pub command: PacketCommand,
}

/// The `packet` commands.
#[derive(Debug, Subcommand)]
pub enum PacketCommand {
    /// Decode MQTT packets from hex (as a packet capture shows them) and
    /// print every field; several packets in a row are decoded one by one.
    #[command(after_help = "Examples:\n  \
        iotda-kit packet decode 20020000\n  \
        iotda-kit packet decode --protocol 5 '30 0b 00 03 61 2f 62 00 68 65 6c 6c 6f'")]
    Decode(DecodeArgs),
}

/// Arguments of `packet decode`.
#[derive(Debug, Args)]
pub struct DecodeArgs {
    /// MQTT version of the connection: 3 (3.1), 4 (3.1.1) or 5 (5.0). A
    /// CONNECT is read by its own protocol level whatever this says.
    #[arg(long, default_value = "4", value_name = "3|4|5")]
    pub protocol: String,
    /// The bytes in hex; spaces, colons, commas and 0x prefixes are ignored.
    #[arg(value_name = "HEX", required = true, num_args = 1..)]
    pub hex: Vec<String>,
}

/// Arguments of `cert`.
#[derive(Debug, Args)]
pub struct CertArgs {
    /// Which step.
    #[command(subcommand)]
    pub command: CertCommand,
}

/// The `cert` steps, in the order of the onboarding guide.
#[derive(Debug, Subcommand)]
pub enum CertCommand {
    /// Create a device CA ("commissioning") certificate and its key:
    /// rootCA.pem, rootCA.key.
    Ca(CaArgs),
    /// Create the verification certificate for the code the console shows
    /// after the CA upload: verificationCert.pem, verificationCert.key (a
    /// key of the CA key's algorithm).
    Verification(VerificationArgs),
    /// Create a device key, CSR and certificate signed by the CA:
    /// deviceCert.pem, deviceCert.key, deviceCert.csr.
    Device(DeviceArgs),
    /// Sign a CSR made on the device (its signature is checked first).
    SignCsr(SignCsrArgs),
    /// Show what a PEM or DER file holds: certificates, CSRs, keys.
    Inspect(InspectArgs),
    /// Bundle a key and certificate (and CA) into a password-protected
    /// PKCS#12 (.p12) file.
    P12(P12Args),
    /// Create one key and certificate per node id, plus fingerprints.csv for
    /// the console's batch registration.
    Batch(BatchArgs),
}

/// The CA certificate and key that sign.
#[derive(Debug, Args)]
pub struct SignerArgs {
    /// The CA certificate (PEM or DER).
    #[arg(long, value_name = "FILE")]
    pub ca: PathBuf,
    /// The CA's private key (PEM: PKCS#8, SEC1, PKCS#1 or encrypted PKCS#8).
    #[arg(long, value_name = "FILE")]
    pub ca_key: PathBuf,
    /// Passphrase of an encrypted CA key.
    #[arg(
        long,
        env = "IOTDA_KEY_PASSPHRASE",
        hide_env_values = true,
        value_name = "PASS"
    )]
    pub ca_key_passphrase: Option<SecretArg>,
}

/// Options for newly written files.
#[derive(Debug, Args)]
pub struct OutputArgs {
    /// Folder to write into (created if missing).
    #[arg(long, value_name = "DIR")]
    pub out_dir: PathBuf,
    /// Overwrite files that already exist (a lost CA key cannot be recovered).
    #[arg(long)]
    pub force: bool,
}

/// Arguments of `cert ca`.
#[derive(Debug, Args)]
pub struct CaArgs {
    /// Where to write rootCA.pem and rootCA.key.
    #[command(flatten)]
    pub output: OutputArgs,
    /// Key algorithm: rsa2048 (what IoTDA's guide uses); p256, p384,
    /// rsa3072 or rsa4096 (not documented by IoTDA).
    #[arg(long, default_value = "rsa2048", value_name = "TYPE")]
    pub key_type: String,
    /// Subject in OpenSSL's form.
    #[arg(
        long,
        default_value = "/CN=IoTDA Kit Device CA",
        value_name = "/C=CN/ST=GD/L=SZ/O=Org/OU=IoT/CN=name"
    )]
    pub subject: String,
    /// Days of validity.
    #[arg(long, default_value_t = 1024)]
    pub days: u32,
}

/// Arguments of `cert verification`.
#[derive(Debug, Args)]
pub struct VerificationArgs {
    /// The CA that signs.
    #[command(flatten)]
    pub signer: SignerArgs,
    /// The verification code shown by the console after the CA upload.
    #[arg(long, value_name = "CODE")]
    pub code: String,
    /// Where to write verificationCert.pem and verificationCert.key.
    #[command(flatten)]
    pub output: OutputArgs,
    /// Days of validity.
    #[arg(long, default_value_t = 500)]
    pub days: u32,
}

/// Arguments of `cert device`.
#[derive(Debug, Args)]
pub struct DeviceArgs {
    /// The CA that signs.
    #[command(flatten)]
    pub signer: SignerArgs,
    /// The device's node id, used as the certificate's CN.
    #[arg(long, value_name = "NODE_ID")]
    pub cn: String,
    /// Where to write deviceCert.pem, deviceCert.key and deviceCert.csr.
    #[command(flatten)]
    pub output: OutputArgs,
    /// Key algorithm: rsa2048 (what IoTDA's guide uses); p256, p384,
    /// rsa3072 or rsa4096 (not documented by IoTDA).
    #[arg(long, default_value = "rsa2048", value_name = "TYPE")]
    pub key_type: String,
    /// Other subject fields in OpenSSL's form (a CN here is replaced by --cn).
    #[arg(long, value_name = "/C=CN/O=Org")]
    pub subject: Option<String>,
    /// Days of validity.
    #[arg(long, default_value_t = 500)]
    pub days: u32,
}

/// Arguments of `cert sign-csr`.
#[derive(Debug, Args)]
pub struct SignCsrArgs {
    /// The CA that signs.
    #[command(flatten)]
    pub signer: SignerArgs,
    /// The CSR (PEM or DER).
    #[arg(long, value_name = "FILE")]
    pub csr: PathBuf,
    /// Where to write the certificate (PEM).
    #[arg(long, value_name = "FILE")]
    pub out: PathBuf,
    /// Overwrite --out if it exists.
    #[arg(long)]
    pub force: bool,
    /// Days of validity.
    #[arg(long, default_value_t = 500)]
    pub days: u32,
}

/// Arguments of `cert inspect`.
#[derive(Debug, Args)]
pub struct InspectArgs {
    /// A PEM file (any number of blocks) or one DER item.
    #[arg(value_name = "FILE")]
    pub file: PathBuf,
    /// One JSON object per item, one per line.
    #[arg(long)]
    pub json: bool,
    /// Also check whether this CA certificate signed each certificate.
    #[arg(long, value_name = "FILE")]
    pub ca: Option<PathBuf>,
    /// Also check whether this private key belongs to each certificate.
    #[arg(long, value_name = "FILE")]
    pub key: Option<PathBuf>,
    /// Passphrase of an encrypted --key.
    #[arg(
        long,
        env = "IOTDA_KEY_PASSPHRASE",
        hide_env_values = true,
        value_name = "PASS"
    )]
    pub passphrase: Option<SecretArg>,
}

/// Arguments of `cert p12`.
#[derive(Debug, Args)]
pub struct P12Args {
    /// The certificate.
    #[arg(long, value_name = "FILE")]
    pub cert: PathBuf,
    /// Its private key.
    #[arg(long, value_name = "FILE")]
    pub key: PathBuf,
    /// Passphrase of an encrypted key.
    #[arg(
        long,
        env = "IOTDA_KEY_PASSPHRASE",
        hide_env_values = true,
        value_name = "PASS"
    )]
    pub key_passphrase: Option<SecretArg>,
    /// CA certificates to include.
    #[arg(long, value_name = "FILE")]
    pub ca: Option<PathBuf>,
    /// Password that protects the .p12 file.
    #[arg(
        long,
        env = "IOTDA_P12_PASSWORD",
        hide_env_values = true,
        value_name = "PASSWORD"
    )]
    pub password: SecretArg,
    /// 3DES / SHA-1 encryption for old systems (default: AES-256 / SHA-256).
    #[arg(long)]
    pub compat: bool,
    /// Where to write the .p12 file.
    #[arg(long, value_name = "FILE")]
    pub out: PathBuf,
    /// Overwrite --out if it exists.
    #[arg(long)]
    pub force: bool,
}

/// Arguments of `cert batch`.
#[derive(Debug, Args)]
pub struct BatchArgs {
    /// The CA that signs.
    #[command(flatten)]
    pub signer: SignerArgs,
    /// Node ids, one per line, or a CSV whose first column is the node id.
    #[arg(long, value_name = "FILE")]
    pub node_ids: PathBuf,
    /// Where to write one folder per device and fingerprints.csv.
    #[command(flatten)]
    pub output: OutputArgs,
    /// Key algorithm: rsa2048 (what IoTDA's guide uses); p256, p384,
    /// rsa3072 or rsa4096 (not documented by IoTDA).
    #[arg(long, default_value = "rsa2048", value_name = "TYPE")]
    pub key_type: String,
    /// Days of validity.
    #[arg(long, default_value_t = 500)]
    pub days: u32,
}

/// Arguments of `fingerprint`.
#[derive(Debug, Args)]
pub struct FingerprintArgs {
    /// A file with one or more certificates (PEM or DER).
    #[arg(value_name = "FILE")]
    pub file: PathBuf,
    /// SHA-1 (40 hex digits) instead of SHA-256 (64).
    #[arg(long)]
    pub sha1: bool,
    /// Separate bytes with colons, as openssl prints them.
    #[arg(long)]
    pub colons: bool,
}

/// Arguments of `credentials`.
#[derive(Debug, Args)]
pub struct CredentialsArgs {
    /// Device ID as shown in the console, usually {product_id}_{node_id}.
    #[arg(long, value_name = "ID")]
    pub device_id: String,
    /// Device secret (8-32 of A-Z a-z 0-9 _ -). Prefer the IOTDA_SECRET
    /// environment variable: a command line is visible to other users.
    #[arg(
        long,
        env = "IOTDA_SECRET",
        hide_env_values = true,
        value_name = "SECRET"
    )]
    pub secret: SecretArg,
    /// 0: the platform checks the password only; 1: it also checks the
    /// timestamp against its clock.
    #[arg(long, default_value = "0", value_name = "0|1")]
    pub sign_type: String,
    /// UTC hour the password is computed for, YYYYMMDDHH [default: the
    /// current UTC hour].
    #[arg(long, value_name = "YYYYMMDDHH")]
    pub timestamp: Option<String>,
    /// Print one JSON object with client_id, username, password, timestamp
    /// and sign_type.
    #[arg(long)]
    pub json: bool,
}

/// Arguments of `serve`.
#[derive(Debug, Args)]
pub struct ServeArgs {
    /// Folder to serve (trunk's output).
    #[arg(long, default_value = "dist", value_name = "DIR")]
    pub dir: PathBuf,
    /// Port on 127.0.0.1; 0 picks a free one (the address is printed).
    #[arg(long, default_value_t = 8080)]
    pub port: u16,
}

/// A secret from the command line or the environment (device secret, MQTT
/// password, key passphrase, PKCS#12 password): `Debug` prints `[elided]`,
/// so a debug print of the arguments shows none; the text is overwritten
/// with zeros when dropped.
#[derive(Clone, PartialEq, Eq)]
pub struct SecretArg(String);

impl Drop for SecretArg {
    fn drop(&mut self) {
        zeroize::Zeroize::zeroize(&mut self.0);
    }
}

impl zeroize::ZeroizeOnDrop for SecretArg {}

impl SecretArg {
    /// The secret itself, for the one place that needs it.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for SecretArg {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("[elided]")
    }
}

impl From<String> for SecretArg {
    fn from(secret: String) -> Self {
        Self(secret)
    }
}

/// Prints a clap error: help and version as clap does, anything else as one
/// line on stderr with exit code 2.
pub fn report_clap_error(e: &clap::Error) -> ExitCode {
    if matches!(
        e.kind(),
        ErrorKind::DisplayHelp
            | ErrorKind::DisplayVersion
            | ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand
    ) {
        // Help goes to stdout; a failure to print it changes nothing here.
        let _ = e.print();
        let code = if e.kind() == ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand {
            crate::EXIT_USAGE
        } else {
            0
        };
        return ExitCode::from(code);
    }
    eprintln!("{}", one_line(&e.to_string()));
    ExitCode::from(crate::EXIT_USAGE)
}

/// The text of a clap error before its usage block, folded to one line.
fn one_line(rendered: &str) -> String {
    rendered
        .lines()
        .take_while(|l| !l.starts_with("Usage:"))
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with("tip:"))
        .collect::<Vec<_>>()
        .join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folds_clap_errors_to_one_line() {
        let text = "error: the following required arguments were not provided:\n  --device-id <ID>\n\nUsage: iotda-kit credentials --device-id <ID>\n\nFor more information, try '--help'.\n";
        assert_eq!(
            one_line(text),
            "error: the following required arguments were not provided: --device-id <ID>"
        );
    }

    #[test]
    fn secrets_are_elided_in_debug() {
        let cli = Cli::try_parse_from([
            "iotda-kit",
            "pub",
            "--host",
            "h",
            "--device-id",
            "d",
            "--secret",
            "s3cret-value",
            "--key-passphrase",
            "pass-phrase",
            "--topic",
            "t",
            "--message",
            "m",
        ])
        .unwrap();
        let debug = format!("{cli:?}");
        assert!(!debug.contains("s3cret-value"), "{debug}");
        assert!(!debug.contains("pass-phrase"), "{debug}");
        assert!(debug.contains("[elided]"), "{debug}");
    }

    #[test]
    fn platform_secrets_are_elided_in_debug() {
        let commands: [&[&str]; 2] = [
            &[
                "iotda-kit",
                "platform",
                "device",
                "--sk",
                "sk-value-1",
                "add",
                "--product-id",
                "p",
                "--node-id",
                "n",
                "--secret",
                "s3cret-one",
                "--secondary-secret",
                "s3cret-two",
            ],
            &[
                "iotda-kit",
                "platform",
                "device",
                "reset-secret",
                "d",
                "--secret",
                "s3cret-new",
            ],
        ];
        for argv in commands {
            let cli = Cli::try_parse_from(argv).unwrap();
            let debug = format!("{cli:?}");
            for secret in ["sk-value-1", "s3cret-one", "s3cret-two", "s3cret-new"] {
                assert!(!debug.contains(secret), "{debug}");
            }
            assert!(debug.contains("Some([elided])"), "{debug}");
        }
    }

    #[test]
    fn secret_arguments_are_zeroed_on_drop() {
        fn zeroed_on_drop<T: zeroize::ZeroizeOnDrop>() {}
        zeroed_on_drop::<SecretArg>();
    }

    #[test]
    fn cli_definition_is_consistent() {
        use clap::CommandFactory;
        Cli::command().debug_assert();
    }
}
