//! `pcap`, `pcap/restart` and `pcap/stop` (manual 5.29 to 5.31): the capture of the device's
//! own traffic (see `crate::capture`).

use helios_spec::MediaType;
use helios_wire::ApiError;

use super::Call;
use crate::device::Device;
use crate::reply::Reply;

/// 5.29: the capture as a libpcap file (erratum `pcap-reply-type`), also while stopped.
pub(super) fn pcap(device: &Device, _: &Call) -> Result<Reply, ApiError> {
    Ok(Reply::Bytes {
        media: MediaType::Pcap,
        body: device.capture().pcap().into(),
    })
}

/// 5.30: drops every record and records again.
pub(super) fn restart(device: &Device, _: &Call) -> Result<Reply, ApiError> {
    device.capture().restart();
    Ok(Reply::Json(None))
}

/// 5.31: stops recording; the records stay for `pcap`.
pub(super) fn stop(device: &Device, _: &Call) -> Result<Reply, ApiError> {
    device.capture().stop();
    Ok(Reply::Json(None))
}
