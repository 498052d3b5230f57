//! The languages of the interface: English and Simplified Chinese. Every
//! text is a field of [`Texts`], written here in both languages, so a
//! language that lacks one does not compile. English is compiled into the
//! page; Chinese is not: the page fetches it as `zh.json` (a list of the
//! texts in field order, kept equal to this file by a test) when it is
//! chosen, so the first load carries one language. The first choice
//! follows the browser's language; the user's choice is kept in
//! `localStorage`. Messages (checks of what was typed, protocol errors,
//! the workers' failures) are written in English where they arise and
//! translated as they are shown: [`crate::messages`].

use serde::{Deserialize, Serialize};

use crate::messages::Say;

/// localStorage key of the chosen language.
pub const LANG_STORAGE_KEY: &str = "iotda-kit.lang.v1";

/// Where the page fetches the Chinese texts from (`static/zh.json`).
pub const ZH_URL: &str = "/zh.json";

/// A language of the interface.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub enum Lang {
    /// English.
    #[default]
    En,
    /// Simplified Chinese.
    Zh,
}

impl Lang {
    /// Both, in the order the switch lists them.
    pub const ALL: [Lang; 2] = [Lang::En, Lang::Zh];

    /// The language for a browser's `navigator.language` (`zh-CN`,
    /// `zh-Hans`, `zh` are Chinese; anything else English).
    pub fn from_browser(tag: &str) -> Self {
        if tag.to_ascii_lowercase().starts_with("zh") {
            Self::Zh
        } else {
            Self::En
        }
    }

    /// The BCP 47 tag, for `<html lang>`.
    pub fn tag(self) -> &'static str {
        match self {
            Self::En => "en",
            Self::Zh => "zh-CN",
        }
    }

    /// Its name, in itself.
    pub fn name(self) -> &'static str {
        match self {
            Self::En => "English",
            Self::Zh => "中文",
        }
    }

    /// Its texts as written here: natively only (tests); the page gets
    /// Chinese by fetching it (`components::language::language`).
    #[cfg(not(target_arch = "wasm32"))]
    pub fn texts(self) -> &'static Texts {
        match self {
            Self::En => &EN,
            Self::Zh => &ZH,
        }
    }
}

/// The language on screen, its texts and its messages: the app's context.
#[derive(Clone, Copy)]
pub struct Shown {
    /// The language.
    pub lang: Lang,
    /// Its texts.
    pub texts: &'static Texts,
    /// How it says the messages written in English.
    pub say: Say,
}

impl Default for Shown {
    fn default() -> Self {
        Self {
            lang: Lang::En,
            texts: &EN,
            say: Say::default(),
        }
    }
}

impl std::fmt::Debug for Shown {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Shown")
            .field("lang", &self.lang)
            .finish_non_exhaustive()
    }
}

impl PartialEq for Shown {
    fn eq(&self, other: &Self) -> bool {
        self.lang == other.lang && std::ptr::eq(self.texts, other.texts)
    }
}

macro_rules! texts {
    ($($name:ident: $en:literal, $zh:literal;)*) => {
        /// Each text's place in [`Texts`] and in a language file.
        #[allow(non_camel_case_types)]
        #[derive(Clone, Copy)]
        enum Place { $($name,)* }

        /// How many texts there are.
        const COUNT: usize = [$(Place::$name),*].len();

        /// Every text of the interface in one language, one method each.
        /// A list rather than a struct of fields: a language read from a
        /// file is then the file's list as it is.
        pub struct Texts([&'static str; COUNT]);

        /// English.
        pub static EN: Texts = Texts([$($en,)*]);

        /// Simplified Chinese, as written here: natively only (tests, and
        /// the check of `static/zh.json`); the page fetches it.
        #[cfg(not(target_arch = "wasm32"))]
        pub static ZH: Texts = Texts([$($zh,)*]);

        impl Texts {
            $(
                #[doc = concat!("\"", $en, "\"")]
                pub fn $name(&self) -> &'static str {
                    self.0[Place::$name as usize]
                }
            )*

            /// Every text, named, for checks.
            #[cfg(not(target_arch = "wasm32"))]
            pub fn all(&self) -> Vec<(&'static str, &'static str)> {
                vec![$((stringify!($name), self.$name()),)*]
            }

            /// The texts of a language from their list in field order (the
            /// fetched `zh.json`). They live as long as the page: a
            /// language is read once.
            pub fn from_list(
                list: Vec<String>,
            ) -> Result<&'static Texts, iotda_core::text::Message> {
                let count = list.len();
                let list: Vec<&'static str> = list.into_iter().map(|t| &*t.leak()).collect();
                let list: [&'static str; COUNT] = list.try_into().map_err(|_| {
                    iotda_core::text::Message::new(crate::messages::keys::language::COUNT)
                        .with("count", count)
                        .with("needs", COUNT)
                })?;
                Ok(Box::leak(Box::new(Texts(list))))
            }
        }
    };
}

texts! {
    // The top bar.
    nav_connection: "Connection", "连接信息";
    nav_certificates: "Certificates", "证书";
    nav_model: "Model", "产品模型";
    nav_console: "Console", "MQTT 控制台";
    nav_profiles: "Profiles", "设备档案";
    nav_guide: "Guide", "接入指南";
    nav_platform: "Platform", "本地平台";
    nav_label: "Pages", "页面";
    tagline: "Offline: sends only where you connect.", "离线运行：只发往你连接的地方。";
    language: "Language", "语言";
    theme: "Theme", "主题";
    theme_system: "Theme: system", "主题：跟随系统";
    theme_light: "Theme: light", "主题：浅色";
    theme_dark: "Theme: dark", "主题：深色";
    shortcuts: "Shortcuts", "快捷键";
    shortcuts_title: "Keyboard shortcuts", "键盘快捷键";
    shortcut_help: "Show this list", "显示此列表";
    shortcut_close: "Close this list", "关闭此列表";
    shortcut_tab: "Move between fields and buttons", "在输入框和按钮之间移动";
    shortcut_press: "Press the focused button or tick the focused box", "按下当前按钮，或勾选当前复选框";
    shortcut_publish: "Console: publish the message being written", "控制台：发布正在编辑的消息";
    shortcut_paste: "Certificates and Model: paste a PEM, JSON or file content", "证书和产品模型页：粘贴 PEM、JSON 或文件内容";
    close: "Close", "关闭";
    update_ready: "A new version of IoTDA Kit is ready.", "IoTDA Kit 有新版本可用。";
    update_reload: "Reload to use it", "重新加载以使用新版本";
    lang_failed: "中文界面无法加载. The Chinese texts could not be loaded:", "中文界面文字无法加载：";
    not_found: "Page not found", "页面不存在";
    not_found_link: "Go to the Connection page", "前往连接信息页";
    // Copy buttons.
    copy: "Copy", "复制";
    copied: "Copied ✓", "已复制 ✓";
    copy_failed: "Copy failed: select and copy by hand", "复制失败：请手动选中并复制";
    // The Connection page.
    device: "Device", "设备";
    device_id: "Device ID", "设备 ID";
    device_id_hint: "As shown in the console, usually {product_id}_{node_id}.", "与控制台显示的一致，通常为 {product_id}_{node_id}。";
    auth_mode: "Authentication", "认证方式";
    auth_secret: "Secret", "密钥";
    auth_x509: "X.509 certificate", "X.509 证书";
    auth_x509_hint: "The device presents deviceCert.pem and deviceCert.key from the Certificates page in the TLS handshake and trusts the platform CA saved as platform-ca.crt. No password is sent: ClientId and Username are computed as for a secret.", "设备在 TLS 握手中出示证书页下载的 deviceCert.pem 和 deviceCert.key，并信任保存为 platform-ca.crt 的平台 CA 证书。不发送密码：ClientId 和用户名的计算方式与密钥认证相同。";
    secret: "Device secret", "设备密钥";
    show: "Show", "显示";
    hide: "Hide", "隐藏";
    remember_secret: "Remember secret on this device", "在此设备上记住密钥";
    remember_secret_hint: "Stored unencrypted in this browser's local storage. Leave unticked on shared machines.", "以明文保存在本浏览器的本地存储中。公用电脑上请不要勾选。";
    sign_type: "Sign type", "签名类型";
    sign_type_0: "0 - don't check timestamp", "0 - 不校验时间戳";
    sign_type_1: "1 - check timestamp", "1 - 校验时间戳";
    timestamp: "Timestamp", "时间戳";
    timestamp_following: "UTC hour, YYYYMMDDHH. Following the current hour.", "UTC 小时，格式 YYYYMMDDHH。正在跟随当前时间。";
    timestamp_fixed: "UTC hour, YYYYMMDDHH. Fixed: press Now to follow the clock again.", "UTC 小时，格式 YYYYMMDDHH。已固定：点击“现在”重新跟随时钟。";
    now: "Now", "现在";
    endpoint: "Endpoint", "接入地址";
    host: "Host", "主机";
    host_hint: "Your instance's access address (console: Overview > Access Details), or pick a suggestion.", "实例的接入地址（控制台：总览 > 接入信息），或从建议中选择。";
    protocol: "Protocol", "协议";
    transport_ws: "WS (plain WebSocket, local brokers)", "WS（明文 WebSocket，用于本地 Broker）";
    transport_wss: "WSS 443, path /mqtt", "WSS 443，路径 /mqtt";
    port: "Port", "端口";
    ws_path: "WebSocket path", "WebSocket 路径";
    credentials: "MQTT credentials", "MQTT 连接参数";
    username: "Username", "用户名";
    password: "Password", "密码";
    credentials_pending: "Fill in the device fields above; the values update as you type.", "请填写上面的设备信息，这里的值会随输入实时更新。";
    settings: "Ready-to-paste settings", "可直接粘贴的配置";
    platform_ca_heading: "Platform CA certificate", "平台 CA 证书";
    ca_replace_warning: "A CA is held here: this replaces it. The verification and device certificates made from it stay, but no longer chain to the CA on this page, and the platform knows only the CA you uploaded. Download rootCA.pem and rootCA.key first if you still need them.", "此处已有一个 CA 证书：此操作会替换它。由它签发的验证证书和设备证书会保留，但不再与本页的 CA 对应，而平台只认你已上传的 CA。如仍需要旧 CA，请先下载 rootCA.pem 和 rootCA.key。";
    ca_replace_confirm: "Replace the CA", "替换 CA";
    ca_replace_keep: "Keep the CA held", "保留现有 CA";
    settings_pending: "Settings appear here once the device and endpoint fields are valid.", "设备和接入地址填写正确后，这里会显示配置。";
    broker_url: "Broker URL: ", "Broker 地址：";
    mosquitto_command: "mosquitto_pub command", "mosquitto_pub 命令";
    mqttx_command: "MQTTX command", "MQTTX 命令";
    iotda_kit_command: "iotda-kit command", "iotda-kit 命令";
    mqttfx_profile: "MQTT.fx connection profile", "MQTT.fx 连接配置";
    leave_blank: "(leave blank)", "（留空）";
    doctor_heading: "Doctor: my device is refused", "诊断：设备连接被拒绝";
    doctor_intro: "Paste what the device sent when it was refused. The device id and secret above are taken as right; the answer appears as you type and nothing leaves this page. For a certificate device run iotda-kit doctor --cert --key --ca.", "粘贴设备被拒绝时发送的内容。上面的设备 ID 和密钥视为正确；诊断结果随输入实时显示，内容不会离开本页面。证书认证的设备请运行 iotda-kit doctor --cert --key --ca。";
    doctor_client_id: "ClientId it sent", "设备发送的 ClientId";
    doctor_username: "User name it sent", "设备发送的用户名";
    doctor_password: "Password it sent", "设备发送的密码";
    doctor_connect_hex: "Or its CONNECT packet in hex, from a capture", "或者抓包得到的 CONNECT 报文（十六进制）";
    doctor_connect_hex_hint: "Wireshark's or tcpdump's bytes; spaces, colons and 0x are ignored. It replaces the three fields above.", "Wireshark 或 tcpdump 中的字节；空格、冒号和 0x 会被忽略。填写后将代替上面三项。";
    doctor_at: "When it tried (UTC)", "尝试连接的时间（UTC）";
    doctor_at_hint: "YYYY-MM-DDTHH:MM:SSZ; empty means now. Sign type 1 checks the hour.", "格式 YYYY-MM-DDTHH:MM:SSZ；留空表示现在。签名类型 1 会校验小时。";
    doctor_code: "What it got back", "设备收到的回应";
    doctor_code_unknown: "Not known", "不清楚";
    doctor_code_means: "What the platform means by it: ", "平台的含义：";
    doctor_need_truth: "Fill in the device id and secret above first: the doctor compares what the device sent with them.", "请先填写上面的设备 ID 和密钥：诊断会将设备发送的内容与之比较。";
    doctor_need_attempt: "Paste the ClientId, user name and password the device sent, or its CONNECT in hex.", "请粘贴设备发送的 ClientId、用户名和密码，或十六进制的 CONNECT 报文。";
    doctor_found: "Found: ", "发现：";
    doctor_ok: "This attempt follows every rule IoTDA checks. If the platform still refuses it, the secret or the device's registration differs from what is given above.", "这次尝试符合 IoTDA 检查的所有规则。如果平台仍然拒绝，说明密钥或设备的注册信息与上面填写的不同。";
    // The Certificates page.
    certs_intro: "X.509 onboarding in IoTDA's order: upload a device CA, prove you hold its key with a verification certificate, then give each device a certificate and register its fingerprint. Everything is computed in this browser; nothing is uploaded.", "按 IoTDA 的顺序完成 X.509 接入：上传设备 CA 证书，用验证证书证明你持有它的私钥，再为每个设备签发证书并登记其指纹。所有计算都在本浏览器中完成，不会上传任何内容。";
    key_type: "Key type", "密钥类型";
    working: "Working…", "处理中…";
    cancel: "Cancel", "取消";
    cancelled: "Cancelled.", "已取消。";
    openssl_equivalent: "OpenSSL equivalent", "等效的 OpenSSL 命令";
    subject: "Subject", "主题（Subject）";
    issuer: "Issuer", "颁发者（Issuer）";
    serial: "Serial", "序列号";
    valid: "Valid", "有效期";
    valid_to: "to", "至";
    key: "Key", "密钥";
    is_ca: ", CA", "，CA 证书";
    not_ca: ", not a CA", "，非 CA 证书";
    self_signed: ", self-signed", "，自签名";
    expired: "expired", "已过期";
    not_yet_valid: "not yet valid", "尚未生效";
    expires_soon: "expires within 30 days", "30 天内过期";
    pem_hint: "PEM or DER: paste it, choose the file or drop it here.", "PEM 或 DER：粘贴内容、选择文件或拖放到此处。";
    valid_days: "Valid for (days)", "有效期（天）";
    key_passphrase: "Key passphrase", "私钥口令";
    ca_title: "1. Device CA certificate", "1. 设备 CA 证书";
    ca_intro: "IoTDA trusts device certificates issued by a CA you upload in the console (Devices > Device CA Certificates). Make one here, or use yours.", "IoTDA 信任由你在控制台上传的 CA 所签发的设备证书（设备 > 设备 CA 证书）。可以在这里新建一个，也可以使用你自己的。";
    ca_source: "Where the CA comes from", "CA 的来源";
    ca_create_new: "Create a new CA", "新建 CA";
    ca_use_mine: "Use my CA certificate and key", "使用我的 CA 证书和私钥";
    country: "Country (C)", "国家（C）";
    country_hint: "Two letters, e.g. CN", "两个字母，例如 CN";
    state_province: "State or province (ST)", "省份（ST）";
    locality: "Locality (L)", "城市（L）";
    organization: "Organization (O)", "组织（O）";
    org_unit: "Organizational unit (OU)", "部门（OU）";
    common_name: "Common name (CN)", "通用名称（CN）";
    ca_cn_hint: "Required, e.g. My Device CA", "必填，例如 My Device CA";
    email: "Email (emailAddress)", "邮箱（emailAddress）";
    ca_create: "Create CA", "创建 CA";
    ca_cert: "CA certificate", "CA 证书";
    ca_key: "CA private key", "CA 私钥";
    ca_key_hint: "Kept in this tab's memory only, never saved.", "只保存在此标签页的内存中，从不存储。";
    encrypted_key_hint: "Only for an encrypted key (ENCRYPTED PRIVATE KEY).", "仅用于加密的私钥（ENCRYPTED PRIVATE KEY）。";
    ca_use: "Use this CA", "使用此 CA";
    ca_key_note: "This page never saves the CA private key. Download rootCA.key and keep it safe: after a reload, choose \"Use my CA\" to sign more certificates with it.", "本页面从不保存 CA 私钥。请下载 rootCA.key 并妥善保管：重新加载页面后，选择“使用我的 CA”即可继续用它签发证书。";
    ca_upload_hint: "Upload rootCA.pem in the console; it then shows a verification code for step 2.", "在控制台上传 rootCA.pem，控制台随后会显示第 2 步所需的验证码。";
    verification_title: "2. Verification certificate", "2. 验证证书";
    verification_intro: "After the upload, the console shows a verification code for the CA. A certificate whose CN is that code, signed by the CA key, proves the CA is yours.", "上传后，控制台会显示该 CA 的验证码。一张 CN 为该验证码、由 CA 私钥签名的证书，即可证明这个 CA 属于你。";
    verification_code: "Verification code", "验证码";
    verification_code_hint: "Copy it from the console's CA list.", "从控制台的 CA 列表中复制。";
    verification_create: "Make verification certificate", "生成验证证书";
    verification_upload_hint: "Upload verificationCert.pem in the console to verify the CA.", "在控制台上传 verificationCert.pem 以验证 CA。";
    device_title: "3. Device certificate", "3. 设备证书";
    device_intro: "Register the device in the console with X.509 certificate authentication and paste its fingerprint. The device connects with the key and certificate (MQTTS, port 8883).", "在控制台以 X.509 证书认证方式注册设备，并粘贴其指纹。设备使用私钥和证书连接（MQTTS，端口 8883）。";
    node_id_cn: "Node ID (certificate CN)", "设备标识码（证书 CN）";
    node_id_cn_hint: "Usually the device's node ID.", "通常为设备的标识码（node ID）。";
    device_create: "Generate key and certificate", "生成私钥和证书";
    csr_title: "Or sign the device's own CSR", "或者签发设备自己的 CSR";
    csr_intro: "The key stays on the device. The certificate uses the validity above.", "私钥留在设备上。证书使用上面的有效期。";
    csr: "Certificate signing request", "证书签名请求（CSR）";
    csr_sign: "Sign CSR", "签发 CSR";
    p12_title: "Export for an OS certificate store (PKCS#12)", "导出到系统证书库（PKCS#12）";
    p12_password: "PKCS#12 password", "PKCS#12 密码";
    p12_compat: "Compatible (3DES / SHA-1), for Windows before 10 1709, old macOS and Java", "兼容格式（3DES / SHA-1），适用于 Windows 10 1709 之前的版本、旧版 macOS 和 Java";
    p12_chain: "Include the CA certificate", "包含 CA 证书";
    p12_create: "Make deviceCert.p12", "生成 deviceCert.p12";
    encrypted_key_title: "Encrypted private key", "加密的私钥";
    key_export_hint: "PKCS#8 with AES-256; takes a second or two.", "PKCS#8，AES-256 加密；需要一两秒。";
    key_export: "Encrypt the key", "加密私钥";
    inspect_title: "4. Inspect certificates and keys", "4. 查看证书和密钥";
    inspect_input: "Certificates, CSRs or keys", "证书、CSR 或密钥";
    inspect_hint: "Paste PEM text (several blocks are fine), choose a .pem or .der file, or drop it here.", "粘贴 PEM 文本（可包含多段）、选择 .pem 或 .der 文件，或拖放到此处。";
    inspect_ca: "Check against a CA certificate (optional)", "与 CA 证书核对（可选）";
    inspect_ca_hint: "Is each certificate signed by this CA?", "每张证书是否由此 CA 签发？";
    inspect_key: "Check against a private key (optional)", "与私钥核对（可选）";
    inspect_key_hint: "Does the key belong to the certificate? Not saved.", "私钥是否与证书匹配？不会保存。";
    inspect_passphrase_hint: "Only for an encrypted key.", "仅用于加密的私钥。";
    inspect: "Inspect", "查看";
    colons: "Show fingerprints with colons (AB:CD:…)", "指纹显示冒号（AB:CD:…）";
    nothing_to_show: "Nothing to show.", "没有可显示的内容。";
    yes: "yes", "是";
    no: "no", "否";
    signed_by_ca: "Signed by the given CA:", "由给定的 CA 签发：";
    key_matches: "The given key matches:", "给定的私钥匹配：";
    item_certificate: "Certificate", "证书";
    item_csr: "Certificate signing request", "证书签名请求";
    signature: "Signature", "签名";
    signature_valid: "valid", "有效";
    signature_invalid: "INVALID: the CSR was altered", "无效：CSR 已被篡改";
    item_private_key: "Private key", "私钥";
    item_encrypted_key: "Encrypted private key", "加密的私钥";
    item_encrypted_key_hint: "Encrypted PKCS#8: give its passphrase above to check it against a certificate.", "加密的 PKCS#8：在上方输入口令后，才能与证书核对。";
    item_public_key: "Public key", "公钥";
    item_unreadable: "Unreadable block", "无法读取的内容";
    batch_title: "5. Many devices at once", "5. 批量生成设备证书";
    batch_intro: "One key and certificate per node ID, signed by the CA of step 1, in devices.zip (a folder per device) with fingerprints.csv for the console's batch registration.", "为每个设备标识码生成一对私钥和证书，由第 1 步的 CA 签发，打包为 devices.zip（每个设备一个文件夹），并附带用于控制台批量注册的 fingerprints.csv。";
    node_ids: "Node IDs", "设备标识码";
    node_ids_hint: "One per line, or a CSV whose first column is the node ID (a header line is skipped).", "每行一个，或第一列为设备标识码的 CSV（会跳过表头行）。";
    generate: "Generate", "生成";
    batch_progress: "{done} of {total}", "已生成 {done} 个，共 {total} 个";
    // File fields.
    choose_file: "Choose file…", "选择文件…";
    binary_loaded: "(binary file) loaded; type or paste to replace it", "（二进制文件）已载入；输入或粘贴可替换";
    // The Model page.
    model: "Product model", "产品模型";
    model_intro: "The services and properties the platform expects. Import the model from the console (Products → your product → Model Definition: export the JSON, or download the offline ZIP), or edit the guide's example below. Reports are checked against it before sending.", "平台期望的服务和属性。可从控制台导入产品模型（产品 → 你的产品 → 模型定义：导出 JSON，或下载离线 ZIP），也可在下方编辑指南中的示例模型。上报数据在发送前会按此模型校验。";
    model_paste: "Paste model JSON, or choose / drop a .json or .zip", "粘贴模型 JSON，或选择 / 拖入 .json 或 .zip 文件";
    model_import: "Import pasted JSON", "导入粘贴的 JSON";
    pasted_model: "the pasted model", "粘贴的模型";
    model_reset: "Use the guide's example", "使用指南中的示例";
    imported: "Imported", "已导入";
    export: "Export", "导出";
    model_valid: "The model is valid and saved in this browser.", "模型有效，已保存在本浏览器中。";
    service_id: "Service id", "服务 ID";
    remove_service: "Remove service", "删除服务";
    commands_kept: "command(s) kept as imported.", "个命令按导入内容保留。";
    property: "Property", "属性";
    data_type: "Type", "数据类型";
    min: "Min", "最小值";
    max: "Max", "最大值";
    step: "Step", "步长";
    max_length: "Max len", "最大长度";
    unit: "Unit", "单位";
    access: "Access", "访问方式";
    enum_list: "Enum (comma-separated)", "枚举值（逗号分隔）";
    required: "Req.", "必选";
    add_property: "Add property", "添加属性";
    add_service: "Add service", "添加服务";
    remove: "Remove", "删除";
    // The Console page.
    console_intro: "MQTT over WebSocket from this page straight to the broker. The connection, its log and the device simulator keep running while you visit other pages.", "本页面通过 WebSocket 直接连接 MQTT Broker。切换到其他页面时，连接、消息日志和设备模拟器会继续运行。";
    bridge_heading: "X.509 device: connect through the local bridge", "X.509 设备：通过本地桥接连接";
    bridge_intro: "A page cannot present a client certificate, so a certificate device connects through iotda-kit bridge on this computer: it listens on 127.0.0.1 only and carries the session to the platform over mutual TLS with deviceCert.pem and deviceCert.key. No password is sent. Run this in the folder holding the files from the Certificates page and the platform CA saved as platform-ca.crt:", "网页无法出示客户端证书，因此证书认证的设备要通过本机的 iotda-kit bridge 连接：它只监听 127.0.0.1，并用 deviceCert.pem 和 deviceCert.key 通过双向 TLS 把会话转发到平台。不发送密码。请在存放证书页所下载文件及平台 CA 证书（保存为 platform-ca.crt）的文件夹中运行：";
    bridge_port: "Bridge port (--listen-port)", "桥接端口（--listen-port）";
    bridge_checking: "Looking for the bridge…", "正在检查桥接是否运行…";
    bridge_use: "Connect through the local bridge", "通过本地桥接连接";
    bridge_check: "Check again", "重新检查";
    bridge_command: "bridge command", "桥接命令";
    console_doctor_need_truth: "Type the device id and secret on the Connection page, and the doctor checks the ClientId, user name and password sent here against them.", "在连接页填写设备 ID 和密钥后，诊断会将这里发送的 ClientId、用户名和密码与之比较。";
    fill_from_connection: "Fill from the Connection page", "从连接信息页填入";
    local_broker: "Local broker (scripts/run.sh)", "本地 Broker（scripts/run.sh）";
    console_local_platform: "Local platform", "本地平台";
    console_platform_device: "Device of the local platform", "本地平台的设备";
    console_platform_none: "No device is registered on the local platform yet: register one on the Platform page.", "本地平台上还没有注册设备：请先在平台页面注册设备。";
    path: "Path", "路径";
    tls: "TLS (wss://)", "使用 TLS（wss://）";
    password_kept: "Kept in this tab only, never saved.", "只保留在此标签页中，从不保存。";
    keep_alive: "Keep alive (s)", "心跳间隔（秒）";
    mqtt_version: "MQTT version", "MQTT 版本";
    clean_session: "Clean session", "清除会话";
    iotda_mode: "IoTDA mode (warnings, refusals in IoTDA's terms)", "IoTDA 模式（按 IoTDA 的规则提示和解释拒绝原因）";
    console_device_id: "Device id (for IoTDA topics)", "设备 ID（用于 IoTDA Topic）";
    connect: "Connect", "连接";
    disconnect: "Disconnect", "断开";
    activity: "Activity", "连接记录";
    not_connected: "Not connected", "未连接";
    connecting_to: "Connecting to", "正在连接";
    connected_to: "Connected to", "已连接到";
    session_kept: "(the broker kept the session)", "（Broker 保留了会话）";
    connection_lost: "Connection lost:", "连接已断开：";
    reconnecting: "Reconnecting by itself …", "正在自动重连……";
    not_connected_because: "Not connected:", "未连接：";
    subscriptions: "Subscriptions", "订阅";
    topic_filter: "Topic filter", "Topic 过滤器";
    subscribe: "Subscribe", "订阅";
    add_iotda_topics: "Add the device's IoTDA downlink topics", "添加设备的 IoTDA 下行 Topic";
    publish: "Publish", "发布";
    iotda_preset: "IoTDA preset", "IoTDA 预设";
    choose_topic: "choose a topic …", "选择 Topic……";
    topic: "Topic", "Topic（主题）";
    retain: "Retain", "保留消息（Retain）";
    check_json: "Check as JSON", "按 JSON 校验";
    payload: "Payload (Ctrl+Enter sends)", "消息内容（Ctrl+Enter 发送）";
    pretty_print: "Pretty-print JSON", "格式化 JSON";
    messages: "Messages", "消息";
    filter_topic: "Topic (part, or a filter with + #)", "Topic（部分内容，或含 + # 的过滤器）";
    text: "Text", "文本";
    clear: "Clear", "清空";
    message_log: "Message log", "消息记录";
    show_as: "Show as", "显示为";
    answer_request: "Answer this request", "应答此请求";
    not_subscribed: "not subscribed", "未订阅";
    subscribing: "subscribing …", "正在订阅……";
    granted: "granted", "已授权";
    // The Console's device simulator.
    sim_title: "Device simulator", "设备模拟器";
    sim_starting: "Starting the device simulator …", "正在启动设备模拟器……";
    sim_needs_device: "Type a valid device id in the Connection card to simulate it:", "请在“连接信息”卡片中输入有效的设备 ID 以模拟该设备：";
    sim_model: "Product model, services:", "产品模型，服务数：";
    sim_edit_model: "(edit on the Model page)", "（在产品模型页编辑）";
    sim_reports_go: ". Reports go to", "。上报的 Topic 为";
    sim_subscribe_hint: "; subscribe to the device's downlink topics (Subscriptions) to answer the platform.", "；订阅设备的下行 Topic（见“订阅”）即可应答平台。";
    sim_report: "Property report", "属性上报";
    sim_event_time: "event_time (UTC, yyyyMMddTHHmmssZ)", "event_time（UTC 时间，yyyyMMddTHHmmssZ）";
    sim_preview: "Preview: the exact JSON sent", "预览：实际发送的 JSON";
    sim_valid: "Fits the product model.", "符合产品模型。";
    sim_send: "Report", "上报";
    sim_send_anyway: "Send anyway (IoTDA will drop what does not fit)", "仍然发送（IoTDA 会丢弃不符合模型的数据）";
    sim_periodic: "Periodic reports", "周期上报";
    sim_every: "Every (seconds)", "间隔（秒）";
    sim_values: "Values", "取值方式";
    sim_walk: "random walk", "随机游走";
    sim_random: "random within range", "范围内随机";
    start: "Start", "开始";
    stop: "Stop", "停止";
    sim_running: "Reporting simulated values …", "正在上报模拟数据……";
    sim_stopped: "Stopped", "已停止";
    sim_requests: "Requests from the platform", "平台下发的请求";
    sim_auto: "Answer automatically (commands with the reply below; property set and get from the device's state)", "自动应答（命令使用下方的响应；属性设置和查询使用设备当前状态）";
    sim_result_code: "Command result_code", "命令 result_code";
    sim_response_name: "response_name (empty: the model's)", "response_name（留空：使用模型中的）";
    sim_paras: "paras, a JSON object (empty: the model's response)", "paras，JSON 对象（留空：使用模型中的响应）";
    sim_nothing_yet: "Nothing yet.", "暂无。";
    sim_answered_on: "Answered on", "已应答到";
    answer: "Answer", "应答";
    sim_include: "report", "上报";
    sim_ota: "Firmware and software upgrades (OTA)", "固件与软件升级（OTA）";
    sim_fw_version: "Firmware version", "固件版本";
    sim_sw_version: "Software version", "软件版本";
    sim_upgrades: "Upgrades", "升级方式";
    sim_upgrade_for_real: "download, check and install the package", "下载、校验并安装升级包";
    sim_fail_with: "fail on purpose with result code", "故意失败，结果码";
    sim_time_offset: "platform clock ahead of this page by (ms)", "平台时钟比本页面快（毫秒）";
    sim_no_upgrade: "No upgrade yet: the platform starts one with an upgrade task.", "尚无升级：平台通过升级任务发起升级。";
    sim_upgrading: "Upgrading", "正在升级";
    sim_last_upgrade: "Last upgrade", "上次升级";
    sim_version: "version", "版本";
    sim_progress: "progress", "进度";
    sim_result: "result code", "结果码";
    sim_gateway: "Gateway and sub-devices", "网关与子设备";
    sim_sub_devices: "Sub-devices asked for on connect (0: not a gateway)", "连接时请求添加的子设备数（0：不是网关）";
    sim_not_gateway: "Not a gateway: ask for sub-devices above to act as one.", "不是网关：在上方设置子设备数即可作为网关。";
    sim_no_sub_devices: "No sub-devices yet: the platform adds them when the gateway asks.", "暂无子设备：网关请求后由平台添加。";
    sim_add_sub_device: "Add a sub-device", "添加子设备";
    sim_node_id: "Node ID", "设备标识码";
    sim_status: "Status", "状态";
    // The Profiles page.
    profiles_intro: "Keep each device's work under a name in this browser: the Connection form, the product model, the Certificates form and the certificates (public parts). Switch between them, or take them to another browser as a JSON file. The device secret and private keys are kept only if you tick them; keys only encrypted.", "在本浏览器中按名称保存每个设备的工作：连接信息表单、产品模型、证书表单和证书（公开部分）。可以在档案之间切换，也可以导出为 JSON 文件带到其他浏览器。设备密钥和私钥只在你勾选时保存，且私钥只以加密形式保存。";
    profile_save_title: "Save current work", "保存当前工作";
    profile_name: "Profile name", "档案名称";
    profile_include_secret: "Include the device secret (stored unencrypted)", "包含设备密钥（以明文保存）";
    profile_include_ca_key: "Include the CA private key (encrypted)", "包含 CA 私钥（加密保存）";
    profile_include_device_key: "Include the device private key (encrypted)", "包含设备私钥（加密保存）";
    profile_keys_hint: "Keys are stored as encrypted PKCS#8 (AES-256, PBKDF2). Without the passphrase nobody can use them, you included.", "私钥以加密的 PKCS#8 格式保存（AES-256，PBKDF2）。没有密码短语，任何人（包括你自己）都无法使用它们。";
    profile_passphrase: "Passphrase (at least 8 characters)", "密码短语（至少 8 个字符）";
    profile_passphrase_again: "Passphrase again", "再次输入密码短语";
    profile_save: "Save profile", "保存档案";
    profiles_saved: "Saved profiles", "已保存的档案";
    profiles_none: "No profile yet.", "还没有档案。";
    profile_active: "active", "当前";
    profile_stored: "Kept", "保存内容";
    profile_stored_secret: "device secret", "设备密钥";
    profile_stored_ca_key: "CA key (encrypted)", "CA 私钥（已加密）";
    profile_stored_device_key: "device key (encrypted)", "设备私钥（已加密）";
    profile_stored_nothing: "no secret, no private key", "不含设备密钥和私钥";
    profile_ca: "Device CA", "设备 CA";
    profile_device_cert: "Device certificate", "设备证书";
    profile_use: "Switch to it", "切换到此档案";
    profile_export: "Export: ", "导出：";
    profiles_export_all: "Export all profiles: ", "导出全部档案：";
    profile_import: "Import profiles", "导入档案";
    profile_import_hint: "Choose a file exported here (profile-….json): its profiles are added, none is replaced.", "选择在此导出的文件（profile-….json）：其中的档案会被添加，不会替换已有档案。";
    forget_title: "Forget everything", "清除全部数据";
    forget_hint: "Removes every profile and everything this app keeps in this browser (forms, model, certificates, console settings, theme, language), and the secret and keys held in this tab.", "删除所有档案，以及本应用在本浏览器中保存的全部内容（表单、产品模型、证书、控制台设置、主题、语言），并清除此标签页内存中的密钥和私钥。";
    confirm_overwrite: "A profile with this name exists. Replace it with the current work?", "同名档案已存在。要用当前工作替换它吗？";
    confirm_switch: "The current work is not kept in any profile (private keys held only in this tab included): switching replaces it. Switch anyway?", "当前工作未保存在任何档案中（包括只在此标签页中的私钥）：切换会替换它。仍要切换吗？";
    confirm_delete: "Delete this profile?", "删除此档案？";
    confirm_forget: "Remove every profile, form, certificate and key this app keeps? This cannot be undone.", "删除本应用保存的所有档案、表单、证书和私钥？此操作无法撤销。";
    confirm_yes: "Yes, go on", "确定，继续";
    notice_encrypting: "Encrypting the private keys …", "正在加密私钥……";
    notice_saved: "Saved: ", "已保存：";
    notice_switched: "Switched to: ", "已切换到：";
    notice_switched_hint: "The Connection, Model, Certificates and Console pages show its work; its kept private keys wait below for their passphrase.", "连接信息、产品模型、证书和控制台页面已显示该档案的内容；保存的私钥在下方等待输入密码短语。";
    notice_unlocking: "Decrypting the kept private keys …", "正在解密保存的私钥……";
    notice_unlocked: "Keys unlocked for the Certificates page: ", "私钥已解锁，可在证书页面使用：";
    unlock_title: "Unlock the kept keys", "解锁保存的私钥";
    unlock_hint: "This profile keeps private keys, encrypted. With the passphrase they were saved with, the certificate worker decrypts them, checks each against its certificate and hands them to the Certificates page for this tab: the CA signs again, the device key goes into a PKCS#12 file. They are never stored unencrypted.", "此档案保存了加密的私钥。输入保存时使用的密码短语后，证书工作线程会解密它们，逐一与对应证书核对，并交给本标签页的证书页面：CA 可以再次签发证书，设备私钥可以导出为 PKCS#12 文件。私钥从不以明文保存。";
    unlock_passphrase: "Passphrase of the kept keys", "保存私钥时的密码短语";
    unlock_button: "Unlock keys", "解锁私钥";
    unlock_no_passphrase: "Enter the passphrase the keys were saved with.", "请输入保存私钥时使用的密码短语。";
    unlock_wrong_passphrase: "Wrong passphrase: it does not decrypt the kept keys. Check it and try again.", "密码短语错误：无法解密保存的私钥。请检查后重试。";
    unlock_ca_mismatch: "The kept CA key does not belong to the profile's CA certificate, so no key was unlocked. Was the profile's file edited?", "保存的 CA 私钥与档案中的 CA 证书不匹配，因此没有解锁任何私钥。档案文件是否被修改过？";
    unlock_device_mismatch: "The kept device key does not belong to the profile's device certificate, so no key was unlocked. Was the profile's file edited?", "保存的设备私钥与档案中的设备证书不匹配，因此没有解锁任何私钥。档案文件是否被修改过？";
    unlock_unreadable: "A kept key or its certificate is damaged: ", "保存的私钥或其证书已损坏：";
    unlock_failed: "The keys could not be unlocked: ", "无法解锁私钥：";
    notice_deleted: "Deleted: ", "已删除：";
    notice_imported: "Imported: ", "已导入：";
    notice_forgotten: "Everything is forgotten. Entries removed from this browser's storage: ", "已清除全部数据。从本浏览器存储中删除的条目数：";
    save_no_name: "Enter a name for the profile.", "请输入档案名称。";
    save_no_secret: "No device secret to include: type it on the Connection page first.", "没有可保存的设备密钥：请先在连接信息页输入。";
    save_no_ca_key: "No CA private key to include: create or import the CA on the Certificates page first.", "没有可保存的 CA 私钥：请先在证书页面创建或导入 CA。";
    save_no_device_key: "No device private key to include: generate the device certificate on the Certificates page first.", "没有可保存的设备私钥：请先在证书页面生成设备证书。";
    save_short_passphrase: "The passphrase must have at least 8 characters.", "密码短语至少需要 8 个字符。";
    save_passphrase_mismatch: "The two passphrases differ.", "两次输入的密码短语不一致。";
    save_encrypt_failed: "The keys could not be encrypted: ", "无法加密私钥：";
    import_not_json: "The file is not JSON: ", "该文件不是 JSON：";
    import_not_profiles: "This is not a profiles file exported by IoTDA Kit.", "这不是 IoTDA Kit 导出的档案文件。";
    import_version: "This profiles file has a version this page cannot read (it reads version 1): ", "此档案文件的版本无法读取（本页面只能读取版本 1）：";
    import_version_missing: "none", "无";
    import_invalid: "The profiles file is damaged: ", "档案文件已损坏：";
    import_empty: "The profiles file holds no profile.", "档案文件中没有档案。";
    import_unreadable: "The file could not be read: ", "无法读取该文件：";
    import_too_many: "This page keeps at most 100 profiles, and the file holds more. Profiles in the file: ", "本页面最多保存 100 个档案，该文件中的档案超出此数。文件中的档案数：";
    import_store_full: "This page keeps at most 100 profiles: delete some before importing. Profiles kept, and in the file: ", "本页面最多保存 100 个档案：请先删除一些再导入。已保存的档案数与文件中的档案数：";
    save_full: "This page keeps at most 100 profiles: delete one, or save over one of the same name.", "本页面最多保存 100 个档案：请删除一个，或以同名覆盖保存。";

    // The Platform page.
    platform_title: "Local platform", "本地 IoTDA 平台";
    platform_intro: "The local IoTDA's application side: products, device CAs, devices, and each device's data, shadow and commands, as Huawei's console shows them. Nothing here reaches Huawei Cloud.", "本地 IoTDA 的应用侧：产品、设备 CA 证书、设备，以及每台设备的数据、影子和命令，与华为云控制台的展示方式一致。这里的操作不会连接华为云。";
    platform_probing: "Looking for the local platform…", "正在查找本地平台……";
    platform_not_served: "Not served by the local platform", "当前页面不是由本地平台提供的";
    platform_not_served_why: "This page manages the local IoTDA (iotda-kit platform) when the app is served by it. Start it from the repository with:", "只有当应用由本地 IoTDA（iotda-kit platform）提供时，本页面才能管理它。请在代码仓库中运行：";
    platform_not_served_or: "or, with a built app, run the platform yourself and open the address it prints:", "或者在应用构建完成后自行启动平台，然后打开它输出的地址：";
    platform_products: "Products", "产品";
    platform_product_name: "Product name", "产品名称";
    platform_product_id: "Product ID", "产品 ID";
    platform_product_id_hint: "Optional: 24 hex digits are allocated when empty.", "可选：留空时自动分配 24 位十六进制 ID。";
    platform_product_create: "Create product", "创建产品";
    platform_product_create_model: "Create with the Model page's model", "使用产品模型页的模型创建";
    platform_none_yet: "None yet.", "暂无。";
    platform_services: "Services", "服务";
    platform_cas: "Device CA certificates", "设备 CA 证书";
    platform_cas_hint: "Upload the Certificates page's CA, then prove you hold its key: the verification certificate is made with the code shown and checked by the platform.", "上传证书页的 CA 证书，然后证明你持有它的私钥：平台会用显示的验证码生成验证证书并进行校验。";
    platform_status: "Status", "状态";
    platform_ca_upload: "Upload the Certificates page's CA", "上传证书页的 CA 证书";
    platform_verified: "Verified", "已验证";
    platform_not_verified: "Not verified", "未验证";
    platform_ca_verify: "Make the verification certificate and verify", "生成验证证书并验证";
    platform_devices: "Devices", "设备";
    platform_device_id: "Device ID", "设备 ID";
    platform_last_seen: "Last connected", "最近连接";
    platform_open: "Open", "查看";
    platform_register: "Register a device", "注册设备";
    platform_node_id: "Node ID", "设备标识码";
    platform_auth: "Authentication", "认证方式";
    platform_by_secret: "Secret", "密钥";
    platform_by_fingerprint: "X.509 certificate (fingerprint)", "X.509 证书（指纹）";
    platform_fingerprint: "Fingerprint (SHA-256 or SHA-1)", "指纹（SHA-256 或 SHA-1）";
    platform_secret: "Secret", "密钥";
    platform_secret_hint: "8-32 letters, digits, '_' or '-'; when empty, the platform generates one and it appears here.", "8-32 位字母、数字、'_' 或 '-'；留空时由平台生成，并显示在此处。";
    platform_use_device_cert: "Use the Certificates page's device certificate", "使用证书页的设备证书";
    platform_device_add: "Register", "注册";
    platform_device: "Device", "设备";
    platform_close: "Close", "关闭";
    platform_properties: "Latest properties", "最新属性";
    platform_service: "Service", "服务";
    platform_property: "Property", "属性";
    platform_value: "Value", "值";
    platform_time: "Time (UTC)", "时间（UTC）";
    platform_recent: "Recent values", "近期取值";
    platform_dropped: "Dropped data", "被丢弃的数据";
    platform_messages: "Messages", "消息";
    platform_shadow: "Device shadow", "设备影子";
    platform_desired: "Desired", "期望值";
    platform_reported: "Reported", "上报值";
    platform_version: "Version", "版本";
    platform_desired_json: "Desired values (JSON object)", "期望值（JSON 对象）";
    platform_shadow_apply: "Set desired values", "设置期望值";
    platform_control: "Command and properties", "命令与属性";
    platform_command: "Command", "命令";
    platform_property_set: "Set properties", "设置属性";
    platform_property_get: "Get properties", "查询属性";
    platform_send: "Send", "发送";
    platform_waiting: "Waiting for the device's answer…", "正在等待设备响应……";
}

// Natively: the Chinese texts are compiled in only there.
#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests {
    use super::*;

    #[test]
    fn the_browser_language_picks_the_first_choice() {
        for (tag, lang) in [
            ("zh-CN", Lang::Zh),
            ("zh", Lang::Zh),
            ("zh-Hans-CN", Lang::Zh),
            ("ZH-tw", Lang::Zh),
            ("en-US", Lang::En),
            ("de", Lang::En),
            ("", Lang::En),
        ] {
            assert_eq!(Lang::from_browser(tag), lang, "{tag:?}");
        }
        assert_eq!(Lang::Zh.tag(), "zh-CN");
    }

    #[test]
    fn every_text_is_translated() {
        for ((name, en), (_, zh)) in EN.all().into_iter().zip(ZH.all()) {
            assert!(!en.trim().is_empty(), "{name} is empty");
            assert_ne!(en, zh, "{name} is not translated");
            assert!(
                zh.chars().any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c)),
                "{name}: {zh:?} has no Chinese"
            );
        }
    }

    /// The Chinese texts as the page fetches them.
    fn zh_json() -> String {
        let list: Vec<&str> = ZH.all().into_iter().map(|(_, text)| text).collect();
        let mut json = serde_json::to_string_pretty(&list).expect("a list of strings");
        json.push('\n');
        json
    }

    #[test]
    fn the_fetched_chinese_texts_are_the_ones_written_here() {
        let path = concat!(env!("CARGO_MANIFEST_DIR"), "/static/zh.json");
        let want = zh_json();
        if std::env::var_os("IOTDA_WRITE_ZH_JSON").is_some() {
            std::fs::write(path, &want).expect("write static/zh.json");
        }
        let have = std::fs::read_to_string(path).unwrap_or_default();
        assert!(
            have == want,
            "static/zh.json is not the Chinese of src/i18n.rs: run \
             IOTDA_WRITE_ZH_JSON=1 cargo test -p iotda-kit-web --lib i18n"
        );
        let list: Vec<String> = serde_json::from_str(&have).expect("a list of strings");
        let zh = Texts::from_list(list).expect("as many texts as fields");
        assert_eq!(zh.all(), ZH.all());
    }

    #[test]
    fn a_language_file_of_another_version_is_refused() {
        let short = vec!["一".to_owned(); COUNT - 1];
        let error = Texts::from_list(short).err().expect("refused").to_string();
        assert!(error.contains(&format!("needs {COUNT}")), "{error}");
        assert!(Texts::from_list(vec!["一".to_owned(); COUNT + 1]).is_err());
    }
}
