//! CreateProduct, ShowProduct, ListProducts, DeleteProduct.

use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::Json;
use serde::Deserialize;
use serde_json::{json, Value};

use super::{blocking, json, page, ApiError, ApiState};
use crate::registry::{iotda_time, NewProduct, Product};

/// CreateProduct's body (fields IoTDA has and this platform does not use,
/// such as `app_id`, are accepted and ignored).
#[derive(Deserialize)]
struct CreateBody {
    product_id: Option<String>,
    name: String,
    device_type: String,
    protocol_type: String,
    data_format: Option<String>,
    manufacturer_name: Option<String>,
    industry: Option<String>,
    description: Option<String>,
    service_capabilities: Value,
}

fn summary(p: &Product) -> Value {
    json!({
        "product_id": p.product_id,
        "name": p.name,
        "device_type": p.device_type,
        "protocol_type": p.protocol_type,
        "data_format": p.data_format,
        "manufacturer_name": p.manufacturer_name,
        "industry": p.industry,
        "description": p.description,
        "create_time": iotda_time(p.create_time),
    })
}

fn full(p: &Product) -> Value {
    let mut v = summary(p);
    v["service_capabilities"] = p.service_capabilities.clone();
    v
}

pub(super) async fn create(
    State(state): State<ApiState>,
    body: Bytes,
) -> Result<(StatusCode, Json<Value>), ApiError> {
    let b: CreateBody = json(&body)?;
    let new = NewProduct {
        product_id: b.product_id,
        name: b.name,
        device_type: b.device_type,
        protocol_type: b.protocol_type,
        data_format: b.data_format,
        manufacturer_name: b.manufacturer_name,
        industry: b.industry,
        description: b.description,
        service_capabilities: b.service_capabilities,
    };
    let product = blocking(&state, move |r| r.create_product(&new)).await?;
    Ok((StatusCode::CREATED, Json(full(&product))))
}

pub(super) async fn show(
    State(state): State<ApiState>,
    Path((_project, product_id)): Path<(String, String)>,
) -> Result<Json<Value>, ApiError> {
    Ok(Json(full(
        &blocking(&state, move |r| r.product(&product_id)).await?,
    )))
}

pub(super) async fn list(
    State(state): State<ApiState>,
    Query(query): Query<Vec<(String, String)>>,
) -> Result<Json<Value>, ApiError> {
    let page = page(&query)?;
    let (count, products) = blocking(&state, move |r| r.products(&page)).await?;
    Ok(Json(json!({
        "products": products.iter().map(summary).collect::<Vec<_>>(),
        "page": { "count": count, "marker": products.last().map(|p| p.marker.clone()) },
    })))
}

pub(super) async fn delete(
    State(state): State<ApiState>,
    Path((_project, product_id)): Path<(String, String)>,
) -> Result<StatusCode, ApiError> {
    blocking(&state, move |r| r.delete_product(&product_id)).await?;
    Ok(StatusCode::NO_CONTENT)
}
