//! `phone/status` (manual 5.14): the SIP accounts and their registration.

use helios_spec::ErrorCode;
use helios_spec::functions::phone;
use helios_wire::ApiError;
use serde_json::{Map, Value, json};

use super::Call;
use crate::device::Device;
use crate::reply::Reply;

/// 5.14: `registerTime` only while registered (the moment it succeeded, from the device clock);
/// an account the device lacks answers 12 (erratum `phone-account-absent`).
pub(super) fn status(device: &Device, call: &Call) -> Result<Reply, ApiError> {
    let wanted = call.params.int(phone::status::ACCOUNT);
    let accounts: Vec<Value> = device.with_state(|state, _| {
        state
            .sip
            .lines()
            .filter(|line| wanted.is_none_or(|w| i64::from(line.account) == w))
            .map(|line| {
                let mut item = Map::new();
                item.insert("account".into(), json!(line.account));
                item.insert("sipNumber".into(), json!(line.number));
                item.insert(
                    "registered".into(),
                    json!(line.registered_since().is_some()),
                );
                if let Some(since) = line.registered_since() {
                    item.insert(
                        "registerTime".into(),
                        json!(device.stamp_at(since).utc_time),
                    );
                }
                Value::Object(item)
            })
            .collect()
    });
    if let (Some(account), true) = (wanted, accounts.is_empty()) {
        return Err(ApiError::with_param(
            ErrorCode::InvalidParameter,
            phone::status::ACCOUNT,
            format!("SIP account {account} does not exist on this device"),
        ));
    }
    Ok(Reply::Json(Some(json!({ "accounts": accounts }))))
}
