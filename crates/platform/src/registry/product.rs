//! Products and their product models.

use iotda_core::iotda::ProductModel;
use rusqlite::{params, OptionalExtension, Row};
use serde_json::Value;

use super::{check_id, check_text, marker_of, Error, Page, Registry, Result};

/// What CreateProduct is given.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct NewProduct {
    /// The id; 24 random hex digits when `None` (as IoTDA allocates).
    pub product_id: Option<String>,
    /// The product's name.
    pub name: String,
    /// Its device type (e.g. `Thermometer`).
    pub device_type: String,
    /// `MQTT`, `CoAP`, `HTTP`, ...
    pub protocol_type: String,
    /// `json` (the default) or `binary`.
    pub data_format: Option<String>,
    /// The manufacturer.
    pub manufacturer_name: Option<String>,
    /// The industry.
    pub industry: Option<String>,
    /// A description.
    pub description: Option<String>,
    /// The product model: the `service_capabilities` array.
    pub service_capabilities: Value,
}

/// A registered product.
#[derive(Debug, Clone, PartialEq)]
pub struct Product {
    /// Its id.
    pub product_id: String,
    /// Its name.
    pub name: String,
    /// Its device type.
    pub device_type: String,
    /// Its protocol.
    pub protocol_type: String,
    /// `json` or `binary`.
    pub data_format: String,
    /// The manufacturer, if given.
    pub manufacturer_name: Option<String>,
    /// The industry, if given.
    pub industry: Option<String>,
    /// The description, if given.
    pub description: Option<String>,
    /// The product model's services, as given.
    pub service_capabilities: Value,
    /// When it was created, Unix seconds.
    pub create_time: i64,
    /// The list's position marker.
    pub marker: String,
}

const COLUMNS: &str = "product_id, name, device_type, protocol_type, data_format, \
    manufacturer_name, industry, description, service_capabilities, create_time, rowid";
const INSERTED: &str = "product_id, name, device_type, protocol_type, data_format, \
    manufacturer_name, industry, description, service_capabilities, create_time";

fn from_row(row: &Row<'_>) -> rusqlite::Result<Product> {
    let model: String = row.get(8)?;
    Ok(Product {
        product_id: row.get(0)?,
        name: row.get(1)?,
        device_type: row.get(2)?,
        protocol_type: row.get(3)?,
        data_format: row.get(4)?,
        manufacturer_name: row.get(5)?,
        industry: row.get(6)?,
        description: row.get(7)?,
        // Written by us from a serde_json::Value, so it parses back.
        service_capabilities: serde_json::from_str(&model).unwrap_or(Value::Null),
        create_time: row.get(9)?,
        marker: marker_of(row.get(10)?),
    })
}

/// The protocols IoTDA's CreateProduct lists.
const PROTOCOLS: &[&str] = &[
    "MQTT", "CoAP", "HTTP", "HTTPS", "Modbus", "ONVIF", "OPC-UA", "OPC-DA", "Other", "TCP", "UDP",
];

/// A product as it is inserted (the row id, and so the marker, comes from
/// SQLite).
struct NewRow {
    product_id: String,
    name: String,
    device_type: String,
    protocol_type: String,
    data_format: String,
    manufacturer_name: Option<String>,
    industry: Option<String>,
    description: Option<String>,
    service_capabilities: Value,
    create_time: i64,
}

fn check(new: &NewProduct) -> Result<String> {
    if let Some(id) = &new.product_id {
        check_id("product_id", id, 36)?;
    }
    check_text("name", &new.name, 1, 64)?;
    check_text("device_type", &new.device_type, 1, 32)?;
    if !PROTOCOLS.contains(&new.protocol_type.as_str()) {
        return Err(Error::Invalid {
            field: "protocol_type",
            reason: format!(
                "must be one of {}; got {:?}",
                PROTOCOLS.join(", "),
                new.protocol_type
            ),
        });
    }
    let format = new.data_format.clone().unwrap_or_else(|| "json".into());
    if format != "json" && format != "binary" {
        return Err(Error::Invalid {
            field: "data_format",
            reason: format!("must be json or binary; got {format:?}"),
        });
    }
    for (field, value, max) in [
        ("manufacturer_name", &new.manufacturer_name, 32),
        ("industry", &new.industry, 64),
        ("description", &new.description, 128),
    ] {
        if let Some(v) = value {
            check_text(field, v, 0, max)?;
        }
    }
    if !new.service_capabilities.is_array() {
        return Err(Error::Invalid {
            field: "service_capabilities",
            reason: "must be an array of services".into(),
        });
    }
    let model = serde_json::json!({ "service_capabilities": new.service_capabilities });
    let bytes = serde_json::to_vec(&model).map_err(|e| Error::Invalid {
        field: "service_capabilities",
        reason: e.to_string(),
    })?;
    ProductModel::from_json(&bytes).map_err(|e| Error::Invalid {
        field: "service_capabilities",
        reason: e.to_string(),
    })?;
    Ok(format)
}

impl Registry {
    /// CreateProduct: checks the fields and the product model, then stores
    /// the product.
    pub fn create_product(&self, new: &NewProduct) -> Result<Product> {
        let data_format = check(new)?;
        let product_id = match &new.product_id {
            Some(id) => id.clone(),
            None => self.random_hex(24)?,
        };
        let product = NewRow {
            product_id,
            name: new.name.clone(),
            device_type: new.device_type.clone(),
            protocol_type: new.protocol_type.clone(),
            data_format,
            manufacturer_name: new.manufacturer_name.clone(),
            industry: new.industry.clone(),
            description: new.description.clone(),
            service_capabilities: new.service_capabilities.clone(),
            create_time: self.now(),
        };
        self.write(|tx| {
            let exists: Option<i64> = tx
                .query_row(
                    "SELECT 1 FROM product WHERE product_id = ?1",
                    [&product.product_id],
                    |r| r.get(0),
                )
                .optional()?;
            if exists.is_some() {
                return Err(Error::ProductExists(product.product_id.clone()));
            }
            tx.execute(
                &format!("INSERT INTO product ({INSERTED}) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)"),
                params![
                    product.product_id,
                    product.name,
                    product.device_type,
                    product.protocol_type,
                    product.data_format,
                    product.manufacturer_name,
                    product.industry,
                    product.description,
                    product.service_capabilities.to_string(),
                    product.create_time,
                ],
            )?;
            Ok(())
        })?;
        self.product(&product.product_id)
    }

    /// ShowProduct.
    pub fn product(&self, product_id: &str) -> Result<Product> {
        self.lock()
            .query_row(
                &format!("SELECT {COLUMNS} FROM product WHERE product_id = ?1"),
                [product_id],
                from_row,
            )
            .optional()?
            .ok_or_else(|| Error::ProductNotFound(product_id.to_string()))
    }

    /// ListProducts: the total, and one page, newest first.
    pub fn products(&self, page: &Page) -> Result<(i64, Vec<Product>)> {
        let below = page.below()?;
        let conn = self.lock();
        let count = conn.query_row("SELECT COUNT(*) FROM product", [], |r| r.get(0))?;
        let mut stmt = conn.prepare(&format!(
            "SELECT {COLUMNS} FROM product WHERE rowid < ?1 ORDER BY rowid DESC LIMIT ?2 OFFSET ?3"
        ))?;
        let rows = stmt
            .query_map(params![below, page.limit, page.offset], from_row)?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        Ok((count, rows))
    }

    /// DeleteProduct: refused while the product has devices.
    pub fn delete_product(&self, product_id: &str) -> Result<()> {
        self.write(|tx| {
            let devices: i64 = tx.query_row(
                "SELECT COUNT(*) FROM device WHERE product_id = ?1",
                [product_id],
                |r| r.get(0),
            )?;
            if devices > 0 {
                return Err(Error::ProductHasDevices {
                    product_id: product_id.to_string(),
                    devices,
                });
            }
            match tx.execute("DELETE FROM product WHERE product_id = ?1", [product_id])? {
                0 => Err(Error::ProductNotFound(product_id.to_string())),
                _ => Ok(()),
            }
        })
    }
}

#[cfg(test)]
mod tests {
    use super::super::tests::registry;
    use super::*;

    pub fn model() -> Value {
        serde_json::json!([{
            "service_id": "Battery",
            "service_type": "Battery",
            "properties": [{
                "property_name": "batteryLevel",
                "data_type": "int",
                "required": false,
                "min": "0",
                "max": "100",
                "method": "RE"
            }]
        }])
    }

    fn new() -> NewProduct {
        NewProduct {
            name: "Meter".into(),
            device_type: "Meter".into(),
            protocol_type: "MQTT".into(),
            service_capabilities: model(),
            ..NewProduct::default()
        }
    }

    #[test]
    fn a_product_is_created_with_an_allocated_id_and_shown_as_stored() {
        let r = registry();
        let p = r.create_product(&new()).expect("create");
        assert_eq!(p.product_id, "000102030405060708090a0b");
        assert_eq!(p.data_format, "json");
        assert_eq!(r.product(&p.product_id), Ok(p.clone()));
        let page = Page {
            limit: 10,
            ..Page::default()
        };
        assert_eq!(r.products(&page), Ok((1, vec![p])));
    }

    #[test]
    fn a_model_that_does_not_parse_is_refused_with_the_cores_reason() {
        let r = registry();
        let mut bad = new();
        bad.service_capabilities = serde_json::json!([{ "service_id": "S", "properties": [
            { "property_name": "p", "data_type": "int", "min": "10", "max": "1", "method": "R" }
        ]}]);
        match r.create_product(&bad) {
            Err(Error::Invalid { field, .. }) => assert_eq!(field, "service_capabilities"),
            other => panic!("expected a model error, got {other:?}"),
        }
        let page = Page {
            limit: 10,
            ..Page::default()
        };
        assert_eq!(r.products(&page).map(|(n, _)| n), Ok(0));
    }

    #[test]
    fn a_second_product_of_the_same_id_is_refused() {
        let r = registry();
        let mut p = new();
        p.product_id = Some("p1".into());
        r.create_product(&p).expect("first");
        assert_eq!(r.create_product(&p), Err(Error::ProductExists("p1".into())));
    }

    #[test]
    fn deleting_an_unknown_product_says_so() {
        assert_eq!(
            registry().delete_product("nope"),
            Err(Error::ProductNotFound("nope".into()))
        );
    }
}
