//! One probe per fault of the catalogue: a profile change the fault needs to show (a disabled
//! service, a missing licence...), a request or short sequence, and what it observes, in a few
//! words, on a device that follows the manual.

#![allow(dead_code, unreachable_pub)]

mod behaviour;
mod coherence;
mod requests;

use helios_device::Profile;
use helios_device::faults::Fault;
use helios_device::profile::{
    AuthName, FirmwareVersion, LicenceName, ServiceName, ServiceSecurity, TransportName,
};
use helios_spec::{Licence, Service};
use serde_json::Value;

use crate::common::{ADMIN, Reply, Request, TestDevice};

pub struct Probe {
    pub fault: Fault,
    /// What `observe` shows on a device that follows the manual.
    pub manual: &'static str,
    pub setup: fn(&mut Profile),
    pub observe: fn(&TestDevice) -> String,
}

const fn probe(
    fault: Fault,
    manual: &'static str,
    setup: fn(&mut Profile),
    observe: fn(&TestDevice) -> String,
) -> Probe {
    Probe {
        fault,
        manual,
        setup,
        observe,
    }
}

use Fault::*;
use behaviour as b;
use coherence as c;
use requests as r;

pub const PROBES: &[Probe] = &[
    probe(PathPrefixServed, "error 2", default, r::path_prefix),
    probe(EarlyFunctionServed, "error 2", firmware_2_13, r::pcap),
    probe(PutAccepted, "error 3", default, r::put_switch_caps),
    probe(PostRefused, "success", default, r::post_io_status),
    probe(
        DisabledServiceServed,
        "error 4",
        audio_disabled,
        r::audio_test,
    ),
    probe(
        LicenceUnchecked,
        "error 5",
        no_enhanced_audio,
        r::audio_test,
    ),
    probe(HardwareUnchecked, "error 1", no_display, r::delete_image),
    probe(PlainHttpServed, "error 7", default, r::config_over_http),
    probe(BasicAccepted, "error 8", default, r::basic_switch_status),
    probe(
        NoChallenge,
        "error 9, 1 challenge",
        default,
        r::anonymous_phone,
    ),
    probe(
        CredentialsSkipped,
        "error 9, 1 challenge",
        default,
        r::anonymous_log_caps,
    ),
    probe(
        MonitoringControls,
        "error 10",
        default,
        r::viewer_switch_ctrl,
    ),
    probe(
        MissingAsInvalid,
        "error 11 naming action",
        default,
        r::ctrl_without_action,
    ),
    probe(
        WrongParamNamed,
        "error 11 naming port",
        default,
        r::io_ctrl_without_port,
    ),
    probe(
        InvalidValueIgnored,
        "error 12 naming account",
        default,
        r::phone_account_3,
    ),
    probe(
        SwitchNumberWraps,
        "error 12 naming switch",
        default,
        r::switch_5_on,
    ),
    probe(
        FirstOccurrenceWins,
        "image/jpeg 320x240",
        default,
        r::repeated_width,
    ),
    probe(MultipartIgnored, "success", default, r::io_ctrl_multipart),
    probe(
        OversizedAccepted,
        "error 13 naming response",
        default,
        r::long_response,
    ),
    probe(SuccessAsString, "success", default, r::system_status),
    probe(ActiveAsNumber, "active false", default, r::switch_1_active),
    probe(SourcesMissing, "sources listed", default, r::camera_sources),
    probe(JsonAsHtml, "success", default, r::log_caps),
    probe(ConfigAsText, "application/xml", default, r::config_type),
    probe(
        ResponseIgnored,
        "text/plain \"done\"",
        default,
        r::io_ctrl_response,
    ),
    probe(
        DisabledSwitchOperates,
        "error 14, off",
        default,
        b::disabled_switch,
    ),
    probe(MonostableNeverOff, "off after 6 s", default, b::monostable),
    probe(SwitchStatusInverted, "switch 2 on", default, b::bistable_on),
    probe(
        ExtraSwitch,
        "switches 1 2 3",
        three_switches,
        r::switch_numbers,
    ),
    probe(WrongOutput, "relay1 on, relay2 off", default, b::relay1_on),
    probe(DialWrongSession, "dialled 1, active [1]", default, b::dial),
    probe(HangupKeepsCall, "active []", default, b::dial_and_hang_up),
    probe(FilterIgnored, "OutputChanged", quiet, b::filtered),
    probe(
        ChannelNeverExpires,
        "error 12 naming id",
        quiet,
        b::expired_channel,
    ),
    probe(PullDuplicates, "OutputChanged", quiet, b::pulled_once),
    probe(
        PullTimeoutIgnored,
        "still waiting",
        open_logging,
        b::waiting_pull,
    ),
    probe(
        SwitchEventInverted,
        "SwitchStateChanged true",
        quiet,
        b::switch_event,
    ),
    probe(
        UnsubscribeUnknown,
        "error 12 naming id",
        default,
        b::unsubscribe_unknown,
    ),
    probe(
        WrongResolution,
        "image/jpeg 160x120",
        default,
        b::resolution,
    ),
    probe(
        MjpegHalfRate,
        "3 frames within 600 ms",
        default,
        b::mjpeg_rate,
    ),
    probe(
        TimeIgnored,
        "error 15 naming time",
        default,
        b::time_before_start,
    ),
    probe(ConfigUploadLost, "Front door", default, b::renamed),
    probe(
        CorruptFirmwareAccepted,
        "error 12 naming blob-fw",
        default,
        b::corrupt_image,
    ),
    probe(ApplyWithoutUpload, "error 15", default, b::apply),
    probe(SilentRestart, "upTime 25", default, b::uptime_after_25_s),
    probe(
        SwitchEventNumber,
        "SwitchStateChanged true",
        quiet,
        b::switch_event,
    ),
    probe(IoEventNumber, "OutputChanged true", quiet, b::output_event),
    probe(PullTrailingComma, "RFC 8259 JSON", quiet, b::pull_text),
    probe(
        StatusTrailingComma,
        "RFC 8259 JSON",
        default,
        r::system_status_text,
    ),
    probe(
        InfoTrailingComma,
        "RFC 8259 JSON",
        default,
        r::system_info_text,
    ),
    probe(
        MjpegMissingCrlf,
        "RFC 2046 framing",
        default,
        b::mjpeg_framing,
    ),
    // Coherence: caps against deliveries and statuses, the clocks, a display's content.
    probe(
        UncappedEvent,
        "listed, delivered",
        default,
        c::switch_event_listed,
    ),
    probe(
        StatusOmitsInputs,
        "5 ports of 5",
        default,
        c::io_status_ports,
    ),
    probe(
        DateHeaderSkewed,
        "no Date of its own",
        default,
        c::date_header,
    ),
    probe(
        ClockAhead,
        "systemTime 0 s from UTC",
        default,
        c::system_time,
    ),
    probe(EventTimeLocal, "started 0 s apart", default, c::event_start),
    probe(
        SwitchEventStaleStamp,
        "SwitchStateChanged at upTime 10",
        default,
        c::switch_stamp,
    ),
    probe(
        OutputEventEarlyStamp,
        "OutputChanged at upTime 10",
        default,
        c::output_stamp,
    ),
    probe(
        RegisterTimeExpiry,
        "registered in the past",
        default,
        c::register_time,
    ),
    probe(
        DisplayImageNotShown,
        "success, shown",
        default,
        c::display_shown,
    ),
];

fn default(_: &mut Profile) {}

fn firmware_2_13(profile: &mut Profile) {
    profile.device.sw_version =
        FirmwareVersion::try_from("2.13.0.0.1".to_owned()).expect("a version");
}

fn set_service(profile: &mut Profile, service: Service, enabled: bool, auth: AuthName) {
    profile.services.insert(
        ServiceName(service),
        ServiceSecurity {
            enabled,
            transport: TransportName::Https,
            auth,
        },
    );
}

fn audio_disabled(profile: &mut Profile) {
    set_service(profile, Service::Audio, false, AuthName::Digest);
}

fn no_enhanced_audio(profile: &mut Profile) {
    profile
        .licences
        .retain(|l| *l != LicenceName(Licence::EnhancedAudio));
}

fn no_display(profile: &mut Profile) {
    profile.displays.clear();
}

/// A model with three switches, which leaves switch 4 to a device that has one more.
fn three_switches(profile: &mut Profile) {
    profile.switches.0.retain(|s| s.switch.0 != 4);
}

/// No SIP registrations at start: the only event before a probe acts is `DeviceState`.
fn quiet(profile: &mut Profile) {
    for account in &mut profile.sip_accounts {
        account.registered = false;
    }
}

/// The Logging service without authentication, so that a probe can hold a pull open itself.
fn open_logging(profile: &mut Profile) {
    set_service(profile, Service::Logging, true, AuthName::None);
}

/// A request as the admin.
fn admin(device: &TestDevice, request: &Request<'_>) -> Reply {
    device.send_digest(request, ADMIN.0, ADMIN.1)
}

/// What a reply says, in a few words: success, or the error with the parameter it names, or
/// its content type and what it carries.
pub fn outcome(reply: &Reply) -> String {
    let content_type = reply.content_type();
    if content_type == "image/jpeg" {
        return match image::load_from_memory(&reply.body) {
            Ok(image) => format!("image/jpeg {}x{}", image.width(), image.height()),
            Err(error) => format!("image/jpeg that does not decode: {error}"),
        };
    }
    if content_type != "application/json" {
        return content_type.to_owned();
    }
    let json = reply.json();
    match &json["success"] {
        Value::Bool(true) => "success".to_owned(),
        Value::Bool(false) => {
            let code = &json["error"]["code"];
            match json["error"]["param"].as_str() {
                Some(param) => format!("error {code} naming {param}"),
                None => format!("error {code}"),
            }
        }
        other => format!("success is {other}"),
    }
}
