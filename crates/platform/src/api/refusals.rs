//! `GET /v5/iot/{project_id}/kit/refusals[?client_id=C]`: the kit's own
//! list of the CONNECTs the platform refused, newest first, each with the
//! exact reason (no IoTDA API gives it; `iotda-kit doctor --platform`
//! reads it). At most [`crate::refusals::REFUSAL_LIMIT`] are kept, in
//! memory.
//!
//! ```text
//! {"limit":200,"refusals":[{"client_id":"p_n_0_0_2026120713","peer":"127.0.0.1:50712",
//!   "listener":"mqtt","return_code":4,"reason_code":134,
//!   "reason":"wrong secret for device \"p_n\" ...","event_time":"20261207T135900Z"}]}
//! ```

use axum::extract::{Query, State};
use axum::Json;
use serde_json::{json, Value};

use super::{param, ApiState};
use crate::registry::iotda_time;

pub(super) async fn list(
    State(state): State<ApiState>,
    Query(query): Query<Vec<(String, String)>>,
) -> Json<Value> {
    let refusals = state.refusals.recent(param(&query, "client_id"));
    Json(json!({
        "limit": state.refusals.limit(),
        "refusals": refusals.iter().map(|r| json!({
            "client_id": r.client_id,
            "peer": r.peer.to_string(),
            "listener": r.listener,
            "return_code": r.return_code,
            "reason_code": r.reason_code,
            "reason": r.reason,
            "event_time": iotda_time(r.time),
        })).collect::<Vec<_>>(),
    }))
}
