//! IoTDA's implicit subscription: the system downlinks reach a device
//! without its SUBSCRIBE. The access layer subscribes these filters on the
//! broker, on the device's behalf, before relaying anything the device
//! sends.
//!
//! Each filter matches only the downlink, never the device's own answer on
//! the neighbouring uplink topic: `commands/+` matches
//! `commands/request_id=1` but not `commands/response/request_id=1`, which
//! a `#` filter would echo back to the device.

/// The downlink filters for `device_id`, subscribed at QoS 0 (a device
/// that subscribes one itself with QoS 1 upgrades it, as on IoTDA).
pub fn implicit_filters(device_id: &str) -> Vec<String> {
    [
        "sys/commands/+",
        "sys/properties/set/+",
        "sys/properties/get/+",
        "sys/messages/down",
        "sys/events/down",
        "sys/shadow/get/response/+",
    ]
    .iter()
    .map(|suffix| format!("$oc/devices/{device_id}/{suffix}"))
    .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use iotda_core::mqtt::TopicFilter;

    fn matches_any(device: &str, topic: &str) -> bool {
        implicit_filters(device).iter().any(|f| {
            TopicFilter::new(f.as_str())
                .map(|f| f.matches(topic))
                .unwrap_or(false)
        })
    }

    #[test]
    fn downlinks_match_and_uplinks_do_not() {
        let d = "p_n";
        for down in [
            "$oc/devices/p_n/sys/commands/request_id=42",
            "$oc/devices/p_n/sys/properties/set/request_id=1",
            "$oc/devices/p_n/sys/properties/get/request_id=1",
            "$oc/devices/p_n/sys/messages/down",
            "$oc/devices/p_n/sys/events/down",
            "$oc/devices/p_n/sys/shadow/get/response/request_id=9",
        ] {
            assert!(matches_any(d, down), "{down}");
        }
        for up in [
            "$oc/devices/p_n/sys/commands/response/request_id=42",
            "$oc/devices/p_n/sys/properties/set/response/request_id=1",
            "$oc/devices/p_n/sys/properties/report",
            "$oc/devices/p_n/sys/messages/up",
            "$oc/devices/p_n/sys/shadow/get/request_id=9",
            "$oc/devices/other/sys/commands/request_id=42",
        ] {
            assert!(!matches_any(d, up), "{up}");
        }
    }

    #[test]
    fn every_filter_is_valid() {
        for f in implicit_filters("prod_node-1") {
            assert!(TopicFilter::new(f.as_str()).is_ok(), "{f}");
        }
    }
}
