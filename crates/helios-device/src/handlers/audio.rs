//! `audio/test` (manual 5.27): launches the loop test of `hardware::audio`; its result arrives
//! later as an `AudioLoopTest` event.

use helios_wire::ApiError;

use super::Call;
use crate::device::Device;
use crate::reply::Reply;

/// 5.27: answers at once; a request while a test runs joins it (erratum `audio-test-overlap`).
pub(super) fn test(device: &Device, _call: &Call) -> Result<Reply, ApiError> {
    let now = device.now();
    device.with_state(|state, _| state.audio.start_loop_test(now));
    Ok(Reply::Json(None))
}
