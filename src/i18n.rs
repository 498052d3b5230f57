//! The languages of the interface: English and Simplified Chinese. Every
//! text is a field of [`Texts`], so a language that lacks one does not
//! compile. The first choice follows the browser's language; the user's
//! choice is kept in `localStorage`. Messages that come from the core
//! (checks of what was typed, protocol errors) stay in English.

use serde::{Deserialize, Serialize};

/// localStorage key of the chosen language.
pub const LANG_STORAGE_KEY: &str = "iotda-kit.lang.v1";

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

    /// Its texts.
    pub fn texts(self) -> &'static Texts {
        match self {
            Self::En => &EN,
            Self::Zh => &ZH,
        }
    }
}

macro_rules! texts {
    ($($name:ident: $en:literal, $zh:literal;)*) => {
        /// Every text of the interface in one language.
        #[derive(Debug)]
        pub struct Texts {
            $(#[doc = concat!("\"", $en, "\"")] pub $name: &'static str,)*
        }

        /// English.
        pub static EN: Texts = Texts { $($name: $en,)* };
        /// Simplified Chinese.
        pub static ZH: Texts = Texts { $($name: $zh,)* };

        impl Texts {
            /// Every text, named, for checks.
            pub fn all(&self) -> Vec<(&'static str, &'static str)> {
                vec![$((stringify!($name), self.$name),)*]
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
    nav_guide: "Guide", "接入指南";
    nav_label: "Pages", "页面";
    tagline: "Offline: nothing you type leaves this page.", "离线运行：你输入的内容不会离开本页面。";
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
    port: "Port", "端口";
    ws_path: "WebSocket path", "WebSocket 路径";
    credentials: "MQTT credentials", "MQTT 连接参数";
    username: "Username", "用户名";
    password: "Password", "密码";
    credentials_pending: "Fill in the device fields above; the values update as you type.", "请填写上面的设备信息，这里的值会随输入实时更新。";
    settings: "Ready-to-paste settings", "可直接粘贴的配置";
    settings_pending: "Settings appear here once the device and endpoint fields are valid.", "设备和接入地址填写正确后，这里会显示配置。";
    broker_url: "Broker URL: ", "Broker 地址：";
    mosquitto_command: "mosquitto_pub command", "mosquitto_pub 命令";
    mqttx_command: "MQTTX command", "MQTTX 命令";
    mqttfx_profile: "MQTT.fx connection profile", "MQTT.fx 连接配置";
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
    console_intro: "MQTT over WebSocket from this page straight to the broker.", "本页面通过 WebSocket 直接连接 MQTT Broker。";
    fill_from_connection: "Fill from the Connection page", "从连接信息页填入";
    local_broker: "Local broker (scripts/run.sh)", "本地 Broker（scripts/run.sh）";
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
}

#[cfg(test)]
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
}
