//! `system/info`, `system/status` and `system/restart`.

use helios_spec::MediaType;
use helios_spec::functions::system::info;
use helios_wire::ApiError;
use helios_wire::envelope::write_success;
use serde_json::{Map, Value, json};

use super::Call;
use crate::device::Device;
use crate::faults::{Fault, quirks};
use crate::reply::Reply;
use crate::system::Operation;

/// 5.1: the profile's identity, and the fields later firmware adds when the profile's firmware
/// is that late.
pub(super) fn info(device: &Device, _: &Call) -> Result<Reply, ApiError> {
    let profile = device.config();
    let firmware = profile.firmware();
    let fields = info::FUNCTION.replies[0].result.unwrap_or_default();
    let mut result = Map::new();
    for field in fields {
        if !field.origin_in(info::FUNCTION.origin).present_in(firmware) {
            continue;
        }
        let value = match field.name {
            "variant" => json!(profile.device.variant),
            "serialNumber" => json!(profile.device.serial_number),
            "hwVersion" => json!(profile.device.hw_version),
            "swVersion" => json!(profile.device.sw_version.text),
            "buildType" => json!(profile.device.build_type),
            "deviceName" => json!(profile.device.device_name),
            "macAddr" => json!(mac_address(profile.device.seed)),
            "devType" => json!("2-14-0-0"),
            "variantId" => json!(14),
            "firmwarePackage" => json!(format!("hip-{}", profile.device.sw_version.text)),
            "bootUuid" => json!(boot_uuid(profile.device.seed)),
            _ => Value::Null,
        };
        result.insert(field.name.to_owned(), value);
    }
    let result = Value::Object(result);
    if device.faults().has(Fault::InfoTrailingComma) {
        return Ok(quirks::trailing_comma(write_success(Some(&result))));
    }
    Ok(Reply::Json(Some(result)))
}

/// 5.2: the real time and the uptime, once the device has caught up with the clock (a restart
/// that fell due since the last tick has happened).
pub(super) fn status(device: &Device, _: &Call) -> Result<Reply, ApiError> {
    let up_time = device.with_state(|_, _| device.now());
    let result = json!({
        "systemTime": device.clock().unix().as_secs(),
        "upTime": up_time.as_secs(),
    });
    if device.faults().has(Fault::DateHeaderSkewed) {
        return Ok(skewed_date(device, result));
    }
    if device.faults().has(Fault::SuccessAsString) {
        let body = json!({ "success": "true", "result": result }).to_string();
        return Ok(Reply::Raw {
            content_type: MediaType::Json.mime(),
            body: body.into(),
        });
    }
    if device.faults().has(Fault::StatusTrailingComma) {
        return Ok(quirks::trailing_comma(write_success(Some(&result))));
    }
    Ok(Reply::Json(Some(result)))
}

/// The reply of `date-header-skewed`: a Date header of the local time labelled GMT.
fn skewed_date(device: &Device, result: Value) -> Reply {
    let shift = i64::from(device.config().device.tz_shift) * 60;
    let unix = i64::try_from(device.clock().unix().as_secs()).unwrap_or(0);
    let local = u64::try_from(unix + shift).unwrap_or(0);
    let text =
        httpdate::fmt_http_date(std::time::UNIX_EPOCH + std::time::Duration::from_secs(local));
    let date = axum::http::HeaderValue::from_str(&text).unwrap_or(
        axum::http::HeaderValue::from_static("Thu, 01 Jan 1970 00:00:00 GMT"),
    );
    Reply::Dated { result, date }
}

/// 5.3: replies, then restarts `restart_delay` seconds later (erratum `restart-order`).
pub(super) fn restart(device: &Device, _: &Call) -> Result<Reply, ApiError> {
    let delay = device.config().system.restart_delay;
    device.schedule(delay, Operation::Restart);
    Ok(Reply::Json(None))
}

/// The MAC address as `macAddr` shows it.
fn mac_address(seed: u64) -> String {
    let bytes = crate::system::mac_address(seed);
    bytes
        .iter()
        .map(|byte| format!("{byte:02X}"))
        .collect::<Vec<_>>()
        .join("-")
}

fn boot_uuid(seed: u64) -> String {
    let hex = format!("{:016x}{:016x}", seed, seed.rotate_left(17) ^ 0x5bd1_e995);
    format!(
        "{}-{}-{}-{}-{}",
        &hex[0..8],
        &hex[8..12],
        &hex[12..16],
        &hex[16..20],
        &hex[20..32]
    )
}
