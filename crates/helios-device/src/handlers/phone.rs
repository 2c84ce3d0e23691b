//! `phone/status` (manual 5.14): the SIP accounts and their registration.

use helios_spec::ErrorCode;
use helios_spec::functions::phone;
use helios_wire::ApiError;
use serde_json::{Map, Value, json};

use super::Call;
use crate::device::Device;
use crate::faults::Fault;
use crate::reply::Reply;

/// How long a registration lasts before it must be renewed (SIP's usual 3600 s): what the fault
/// `register-time-expiry` adds to the moment it succeeded.
const REGISTRATION_EXPIRY: u32 = 3600;

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
                    let mut time = device.stamp_at(since).utc_time;
                    if device.faults().has(Fault::RegisterTimeExpiry) {
                        time = time.saturating_add(REGISTRATION_EXPIRY);
                    }
                    item.insert("registerTime".into(), json!(time));
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
