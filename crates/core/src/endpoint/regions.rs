//! The regions IoTDA's device access runs in, the host a device of an
//! instance there connects to, and the platform CA certificate it trusts.
//!
//! The list is the certificate table of Huawei's "Obtaining Resources"
//! (device development guide, `devg-iothub/iot_02_1004`; international
//! edition `usermanual-iothub/iot_01_01271`), which names, for each region
//! and edition, the device-side certificate package a device uses to verify
//! the platform:
//!
//! - "certificate", Beijing4 basic edition (the legacy shared host);
//! - "certificate", Beijing4, Shanghai1 and Guangzhou standard edition;
//! - "certificate", CN-Hong Kong, AP-Singapore, AP-Bangkok, AP-Jakarta,
//!   AF-Johannesburg, LA-Santiago, LA-Sao Paulo1, LA-Mexico City2 and
//!   ME-Riyadh.
//!
//! The per-instance host form `{prefix}.st1.iotda-device.{region}.myhuaweicloud.com`
//! is the one Huawei's Java demo gives for Beijing4 (IoTDA developer guide,
//! "Java Demo"); for the other regions it is our choice, the same form with
//! the region's id. The console's Overview > Access Details shows an
//! instance's exact host.

use crate::endpoint::LEGACY_HOST;

/// A Huawei Cloud region in which IoTDA takes device connections.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Region {
    /// CN North-Beijing4.
    CnNorth4,
    /// CN East-Shanghai1.
    CnEast3,
    /// CN South-Guangzhou.
    CnSouth1,
    /// CN-Hong Kong.
    ApSoutheast1,
    /// AP-Bangkok.
    ApSoutheast2,
    /// AP-Singapore.
    ApSoutheast3,
    /// AP-Jakarta.
    ApSoutheast4,
    /// AF-Johannesburg.
    AfSouth1,
    /// LA-Santiago.
    LaSouth2,
    /// LA-Sao Paulo1.
    SaBrazil1,
    /// LA-Mexico City2.
    LaNorth2,
    /// ME-Riyadh.
    MeEast1,
}

impl Region {
    /// Every region, in the order of Huawei's certificate table.
    pub const ALL: [Region; 12] = [
        Self::CnNorth4,
        Self::CnEast3,
        Self::CnSouth1,
        Self::ApSoutheast1,
        Self::ApSoutheast3,
        Self::ApSoutheast2,
        Self::ApSoutheast4,
        Self::AfSouth1,
        Self::LaSouth2,
        Self::SaBrazil1,
        Self::LaNorth2,
        Self::MeEast1,
    ];

    /// The region's id, as in its host names (`cn-north-4`).
    pub fn id(self) -> &'static str {
        match self {
            Self::CnNorth4 => "cn-north-4",
            Self::CnEast3 => "cn-east-3",
            Self::CnSouth1 => "cn-south-1",
            Self::ApSoutheast1 => "ap-southeast-1",
            Self::ApSoutheast2 => "ap-southeast-2",
            Self::ApSoutheast3 => "ap-southeast-3",
            Self::ApSoutheast4 => "ap-southeast-4",
            Self::AfSouth1 => "af-south-1",
            Self::LaSouth2 => "la-south-2",
            Self::SaBrazil1 => "sa-brazil-1",
            Self::LaNorth2 => "la-north-2",
            Self::MeEast1 => "me-east-1",
        }
    }

    /// The region's English name, as Huawei's console writes it.
    pub fn name(self) -> &'static str {
        match self {
            Self::CnNorth4 => "CN North-Beijing4",
            Self::CnEast3 => "CN East-Shanghai1",
            Self::CnSouth1 => "CN South-Guangzhou",
            Self::ApSoutheast1 => "CN-Hong Kong",
            Self::ApSoutheast2 => "AP-Bangkok",
            Self::ApSoutheast3 => "AP-Singapore",
            Self::ApSoutheast4 => "AP-Jakarta",
            Self::AfSouth1 => "AF-Johannesburg",
            Self::LaSouth2 => "LA-Santiago",
            Self::SaBrazil1 => "LA-Sao Paulo1",
            Self::LaNorth2 => "LA-Mexico City2",
            Self::MeEast1 => "ME-Riyadh",
        }
    }

    /// The region whose id is `id`.
    pub fn from_id(id: &str) -> Option<Region> {
        Self::ALL.into_iter().find(|r| r.id() == id)
    }

    /// The device access host of an instance in this region, with the
    /// `{prefix}` the user replaces by the instance's.
    pub fn instance_host(self) -> String {
        format!(
            "{{prefix}}.st1.iotda-device.{}.myhuaweicloud.com",
            self.id()
        )
    }

    /// The platform CA package a device of a standard or enterprise
    /// instance here trusts.
    pub fn platform_ca(self) -> PlatformCa {
        match self {
            Self::CnNorth4 | Self::CnEast3 | Self::CnSouth1 => PlatformCa::MainlandStandard,
            _ => PlatformCa::International,
        }
    }
}

/// The certificate a device trusts to verify the server it connects to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum PlatformCa {
    /// Huawei's device-side "certificate" package for the Beijing4 basic
    /// edition: the legacy shared host [`LEGACY_HOST`].
    Basic,
    /// Huawei's device-side "certificate" package for the Beijing4,
    /// Shanghai1 and Guangzhou standard edition.
    MainlandStandard,
    /// Huawei's device-side "certificate" package for the regions outside
    /// the Chinese mainland.
    International,
    /// A broker on this computer: the local platform's own CA
    /// (`tls/platform-ca.crt` in its data folder), or the local broker's.
    Local,
    /// A host that is none of these: its operator's CA.
    Other,
}

/// Huawei's "Obtaining Resources" page, where the platform CA packages are
/// downloaded (Chinese site; the international site's is
/// [`OBTAINING_RESOURCES_INTL`]).
pub const OBTAINING_RESOURCES: &str =
    "https://support.huaweicloud.com/devg-iothub/iot_02_1004.html";

/// The international site's "Obtaining Resources" (certificate table for
/// the regions outside the Chinese mainland).
pub const OBTAINING_RESOURCES_INTL: &str =
    "https://support.huaweicloud.com/intl/en-us/usermanual-iothub/iot_01_01271.html";

impl PlatformCa {
    /// The page to download it from, for Huawei's packages.
    pub fn download_page(self) -> Option<&'static str> {
        match self {
            Self::Basic | Self::MainlandStandard => Some(OBTAINING_RESOURCES),
            Self::International => Some(OBTAINING_RESOURCES_INTL),
            Self::Local | Self::Other => None,
        }
    }
}

/// The region a Huawei host names (`….{region}.myhuaweicloud.com`).
pub fn region_of(host: &str) -> Option<Region> {
    let host = host.strip_suffix('.').unwrap_or(host).to_ascii_lowercase();
    let rest = host.strip_suffix(".myhuaweicloud.com")?;
    let id = rest.rsplit('.').next()?;
    Region::from_id(id)
}

/// The CA a device connecting to `host` trusts.
pub fn platform_ca(host: &str) -> PlatformCa {
    let lower = host.strip_suffix('.').unwrap_or(host).to_ascii_lowercase();
    if lower == LEGACY_HOST {
        return PlatformCa::Basic;
    }
    if crate::endpoint::is_loopback_host(&lower) {
        return PlatformCa::Local;
    }
    match region_of(&lower) {
        Some(region) if lower.contains(".iotda-device.") => region.platform_ca(),
        _ => PlatformCa::Other,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::endpoint::{check_host, DEFAULT_HOST};

    #[test]
    fn ids_and_names_are_distinct_and_round_trip() {
        let mut ids = std::collections::BTreeSet::new();
        let mut names = std::collections::BTreeSet::new();
        for region in Region::ALL {
            assert!(ids.insert(region.id()), "{region:?}");
            assert!(names.insert(region.name()), "{region:?}");
            assert_eq!(Region::from_id(region.id()), Some(region));
        }
        assert_eq!(Region::from_id("cn-south-4"), None);
    }

    #[test]
    fn instance_hosts_name_their_region_and_need_the_prefix() {
        assert_eq!(Region::CnNorth4.instance_host(), DEFAULT_HOST);
        for region in Region::ALL {
            let host = region.instance_host();
            assert!(check_host(&host).is_err(), "{host}");
            let filled = host.replace("{prefix}", "a1b2c3d4e5");
            assert_eq!(check_host(&filled), Ok(()));
            assert_eq!(region_of(&filled), Some(region));
            assert_eq!(platform_ca(&filled), region.platform_ca());
        }
    }

    // "Obtaining Resources": Beijing4 basic edition, the standard edition
    // of Beijing4, Shanghai1 and Guangzhou, and one package for the rest.
    #[test]
    fn each_host_trusts_the_package_huawei_lists_for_it() {
        assert_eq!(platform_ca(LEGACY_HOST), PlatformCa::Basic);
        assert_eq!(
            platform_ca("IOT-MQTTS.cn-north-4.myhuaweicloud.com."),
            PlatformCa::Basic
        );
        for (host, ca) in [
            (
                "abc.st1.iotda-device.cn-north-4.myhuaweicloud.com",
                PlatformCa::MainlandStandard,
            ),
            (
                "abc.st1.iotda-device.cn-east-3.myhuaweicloud.com",
                PlatformCa::MainlandStandard,
            ),
            (
                "abc.st1.iotda-device.cn-south-1.myhuaweicloud.com",
                PlatformCa::MainlandStandard,
            ),
            (
                "abc.st1.iotda-device.ap-southeast-3.myhuaweicloud.com",
                PlatformCa::International,
            ),
            (
                "abc.st1.iotda-device.me-east-1.myhuaweicloud.com",
                PlatformCa::International,
            ),
            ("127.0.0.1", PlatformCa::Local),
            ("::1", PlatformCa::Local),
            ("localhost", PlatformCa::Local),
            ("broker.example.com", PlatformCa::Other),
            ("10.0.0.2", PlatformCa::Other),
            // An application host is not a device host.
            (
                "abc.st1.iotda-app.cn-north-4.myhuaweicloud.com",
                PlatformCa::Other,
            ),
            ("iotda.cn-south-4.myhuaweicloud.com", PlatformCa::Other),
        ] {
            assert_eq!(platform_ca(host), ca, "{host}");
        }
        assert_eq!(
            PlatformCa::MainlandStandard.download_page(),
            Some(OBTAINING_RESOURCES)
        );
        assert_eq!(
            PlatformCa::International.download_page(),
            Some(OBTAINING_RESOURCES_INTL)
        );
        assert_eq!(PlatformCa::Local.download_page(), None);
    }
}
