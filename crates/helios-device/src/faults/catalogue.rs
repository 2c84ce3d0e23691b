//! The catalogue itself: every fault with its name, area, affected function and what it breaks.
//! The order is the order of `--list-faults` and `docs/faults.md`; names never change, since
//! scripts and the runner's expectations use them.

use helios_spec::functions::{
    audio, call, camera, config, display, firmware, io, log, pcap, phone, switch, system,
};

use super::Area;

/// Declares the faults: the enum and its table, kept together so that no fault lacks a name,
/// a function or a description.
macro_rules! catalogue {
    ($($fault:ident: $name:literal, $area:ident, $function:path, $description:literal;)+) => {
        /// A deliberate departure from the manual.
        #[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
        pub enum Fault {
            $($fault,)+
        }

        impl Fault {
            /// Every fault, in catalogue order.
            pub const ALL: &'static [Self] = &[$(Self::$fault,)+];

            /// The stable kebab-case name of `--fault`.
            pub const fn name(self) -> &'static str {
                match self {
                    $(Self::$fault => $name,)+
                }
            }

            pub const fn area(self) -> Area {
                match self {
                    $(Self::$fault => Area::$area,)+
                }
            }

            /// The function whose behaviour departs from the manual.
            pub const fn function(self) -> &'static helios_spec::Function {
                match self {
                    $(Self::$fault => &$function,)+
                }
            }

            /// What departs from the manual, and the rule it breaks.
            pub const fn description(self) -> &'static str {
                match self {
                    $(Self::$fault => $description,)+
                }
            }
        }
    };
}

catalogue! {
    // Routing (2, chapter 2).
    PathPrefixServed: "path-prefix-served", Routing, system::info::FUNCTION,
        "a path below system/info (system/info/more) is served as system/info; chapter 2: a path that matches no function answers 2";
    EarlyFunctionServed: "early-function-served", Routing, pcap::FUNCTION,
        "pcap is served by firmware older than 2.14, which added it (manual history); a function the firmware lacks answers 2";
    // Methods (3, 2.1).
    PutAccepted: "put-accepted", Methods, switch::caps::FUNCTION,
        "switch/caps answers PUT as it answers GET; 5.8 allows GET and POST only, any other method answers 3";
    PostRefused: "post-refused", Methods, io::status::FUNCTION,
        "io/status answers POST with 3; 5.12 allows GET and POST";
    // Services, licences, model support and transport (4, 5, 1, 7).
    DisabledServiceServed: "disabled-service-served", Access, audio::test::FUNCTION,
        "audio/test is served while the Audio service is disabled; chapter 3 and 2.3: a disabled service answers 4";
    LicenceUnchecked: "licence-unchecked", Access, audio::test::FUNCTION,
        "audio/test is served without the Enhanced Audio licence; 5.27 needs it, and 2.3 answers 5 without it";
    HardwareUnchecked: "hardware-unchecked", Access, display::image::FUNCTION,
        "display/image goes on to check its parameters on a model without a display; 2.3 answers 1 for a function the model lacks";
    PlainHttpServed: "plain-http-served", Access, config::FUNCTION,
        "config is downloaded over plain HTTP where the System service requires HTTPS; chapter 3 and 2.3 answer 7";
    // Authentication and privileges (8, 9, 10).
    BasicAccepted: "basic-accepted", Authentication, switch::status::FUNCTION,
        "switch/status accepts Basic credentials where the Switch service allows Digest only; chapter 3 answers 8";
    NoChallenge: "no-challenge", Authentication, phone::status::FUNCTION,
        "phone/status answers 9 with HTTP 401 but no WWW-Authenticate challenge, so no client can log in (chapter 3, RFC 7235)";
    CredentialsSkipped: "credentials-skipped", Authentication, log::caps::FUNCTION,
        "log/caps answers without credentials on a Logging service set to Digest; chapter 3 answers 9";
    MonitoringControls: "monitoring-controls", Authentication, switch::ctrl::FUNCTION,
        "switch/ctrl lets an account with Switch Monitoring but not Switch Control operate a switch; 5.10 needs Control, else 10";
    // Parameter rules (2.2) and their errors (11, 12, 13).
    MissingAsInvalid: "missing-as-invalid", Parameters, switch::ctrl::FUNCTION,
        "switch/ctrl without action answers 12 instead of 11; 2.3: a missing mandatory parameter is 11";
    WrongParamNamed: "wrong-param-named", Parameters, io::ctrl::FUNCTION,
        "io/ctrl without port answers 11 naming action; 2.3: param names the parameter at fault";
    InvalidValueIgnored: "invalid-value-ignored", Parameters, phone::status::FUNCTION,
        "phone/status ignores an account outside 1 to 2 (or not a number) and reports every account; 5.14 and 2.3 answer 12";
    SwitchNumberWraps: "switch-number-wraps", Parameters, switch::ctrl::FUNCTION,
        "switch/ctrl takes switch numbers modulo four (switch=5 operates switch 1); 5.10 and erratum switch-domain answer 12";
    FirstOccurrenceWins: "first-occurrence-wins", Parameters, camera::snapshot::FUNCTION,
        "camera/snapshot takes the first occurrence of a repeated parameter; 2.2: the last incidence is preferred";
    MultipartIgnored: "multipart-ignored", Parameters, io::ctrl::FUNCTION,
        "io/ctrl ignores parameters sent as multipart/form-data (and answers 11); 2.2 allows query, urlencoded and multipart";
    OversizedAccepted: "oversized-accepted", Parameters, switch::ctrl::FUNCTION,
        "switch/ctrl accepts a response longer than its 1024 bytes; 2.3 answers 13 for parameter data too big";
    // The envelope and result fields (2.3, chapter 5).
    SuccessAsString: "success-as-string", Shapes, system::status::FUNCTION,
        "system/status answers \"success\": \"true\", a string; 2.3: success is a boolean";
    ActiveAsNumber: "active-as-number", Shapes, switch::status::FUNCTION,
        "switch/status reports active as 0 or 1; 5.9: active is a boolean";
    SourcesMissing: "sources-missing", Shapes, camera::caps::FUNCTION,
        "camera/caps leaves out sources; 5.19 lists the video sources in every reply";
    // Content types (2.3, 2.14).
    JsonAsHtml: "json-as-html", ContentTypes, log::caps::FUNCTION,
        "log/caps labels its JSON reply text/html; 2.3: replies are application/json";
    ConfigAsText: "config-as-text", ContentTypes, config::FUNCTION,
        "config downloads its XML as text/plain; 5.6: the configuration is application/xml";
    ResponseIgnored: "response-ignored", ContentTypes, io::ctrl::FUNCTION,
        "io/ctrl ignores response and answers JSON; 5.13: the text of response replaces the JSON reply, as text/plain";
    // Switch and I/O behaviour (5.8 to 5.13).
    DisabledSwitchOperates: "disabled-switch-operates", SwitchIo, switch::ctrl::FUNCTION,
        "switch/ctrl operates a disabled switch and answers success; erratum switch-ctrl-disabled answers 14 and leaves it";
    MonostableNeverOff: "monostable-never-off", SwitchIo, switch::ctrl::FUNCTION,
        "a monostable switch switched on by switch/ctrl stays on; 5.8: it switches off after switchOnDuration";
    SwitchStatusInverted: "switch-status-inverted", SwitchIo, switch::status::FUNCTION,
        "switch/status reports every switch in the opposite state; 5.9: active is the current state";
    ExtraSwitch: "extra-switch", SwitchIo, switch::caps::FUNCTION,
        "the device has a disabled switch after the last one of its profile, which switch/caps, switch/status and switch/ctrl report alike: a device with a switch its declaration lacks (5.8 lists the switches; the runner's declaration.switches.undeclared)";
    WrongOutput: "wrong-output", SwitchIo, io::ctrl::FUNCTION,
        "io/ctrl sets the output after the one named (in io/caps order); 5.13: port names the output to set";
    // Calls (5.15 to 5.18).
    DialWrongSession: "dial-wrong-session", Calls, call::dial::FUNCTION,
        "call/dial answers a session id one above the call it opened; 5.16: session identifies the new call";
    HangupKeepsCall: "hangup-keeps-call", Calls, call::hangup::FUNCTION,
        "call/hangup answers success but the call stays active in call/status; 5.18 terminates it";
    // The event API (5.23 to 5.26, chapter 6).
    FilterIgnored: "filter-ignored", Events, log::subscribe::FUNCTION,
        "log/subscribe ignores filter: the channel carries every event type; 5.24: only the listed types";
    ChannelNeverExpires: "channel-never-expires", Events, log::subscribe::FUNCTION,
        "a channel stays open however long nobody pulls it; 5.24: it closes duration seconds after the last pull";
    PullDuplicates: "pull-duplicates", Events, log::pull::FUNCTION,
        "log/pull delivers every event twice; 5.26: each event of the channel once, in order";
    PullTimeoutIgnored: "pull-timeout-ignored", Events, log::pull::FUNCTION,
        "log/pull on an empty channel answers at once whatever timeout says; 5.26 waits up to timeout seconds for an event";
    SwitchEventInverted: "switch-event-inverted", Events, log::pull::FUNCTION,
        "log/pull reports SwitchStateChanged with state inverted; chapter 6: state is the new state";
    UnsubscribeUnknown: "unsubscribe-unknown", Events, log::unsubscribe::FUNCTION,
        "log/unsubscribe of an id no channel has answers success; erratum unknown-subscription answers 12 naming id";
    // The camera (5.19, 5.20).
    WrongResolution: "wrong-resolution", Camera, camera::snapshot::FUNCTION,
        "camera/snapshot answers the largest resolution whatever width and height ask; 5.20 answers the one asked";
    MjpegHalfRate: "mjpeg-half-rate", Camera, camera::snapshot::FUNCTION,
        "camera/snapshot with fps pushes frames at half the rate asked; 5.20: fps frames a second";
    TimeIgnored: "time-ignored", Camera, camera::snapshot::FUNCTION,
        "camera/snapshot ignores time and answers the live frame; 5.20: time=-t answers the frame of t seconds ago";
    // Configuration, firmware and the device's life (5.2 to 5.7).
    ConfigUploadLost: "config-upload-lost", System, config::FUNCTION,
        "config PUT answers success but the configuration never takes effect; 5.6 applies an uploaded configuration";
    CorruptFirmwareAccepted: "corrupt-firmware-accepted", System, firmware::FUNCTION,
        "firmware accepts an image whose payload does not match its checksum; 5.4 answers 12 for an invalid image";
    ApplyWithoutUpload: "apply-without-upload", System, firmware::apply::FUNCTION,
        "firmware/apply with nothing uploaded answers success and restarts; erratum firmware-apply-without-upload answers 15";
    SilentRestart: "silent-restart", System, system::status::FUNCTION,
        "the device restarts by itself every 3 s of uptime, so system/status upTime falls back; 5.2: upTime counts since the last restart, which only a request or power loss causes";
    // Departures the errata rule non-strict, each read by every case that reads the reply or
    // event it changes: what firmware in the field writes.
    SwitchEventNumber: "switch-event-number", Events, log::pull::FUNCTION,
        "log/pull reports SwitchStateChanged state as 1 or 0, as firmware 2.10 did; 5.26: a boolean (erratum switch-event-state-type rules 0/1 non-strict)";
    IoEventNumber: "io-event-number", Events, log::pull::FUNCTION,
        "log/pull reports InputChanged and OutputChanged state as 1 or 0, as io/status does; 5.26: a boolean (erratum io-state-type rules 0/1 non-strict)";
    PullTrailingComma: "pull-trailing-comma", Events, log::pull::FUNCTION,
        "log/pull writes its positive reply with a comma before the closing brace, as 2.3 prints it; RFC 8259 allows none (erratum trailing-comma rules it non-strict)";
    StatusTrailingComma: "status-trailing-comma", Shapes, system::status::FUNCTION,
        "system/status writes its positive reply with a comma before the closing brace, as 2.3 prints it; RFC 8259 allows none (erratum trailing-comma rules it non-strict)";
    InfoTrailingComma: "info-trailing-comma", Shapes, system::info::FUNCTION,
        "system/info writes its positive reply with a comma before the closing brace, as 2.3 prints it; RFC 8259 allows none (erratum trailing-comma rules it non-strict)";
    MjpegMissingCrlf: "mjpeg-missing-crlf", Camera, camera::snapshot::FUNCTION,
        "camera/snapshot with fps writes each boundary line straight after the frame before it, without the CRLF RFC 2046 puts before a boundary (erratum mjpeg-framing rules it non-strict)";
    // What one reply states against another, against what the device does, and against time
    // (the runner's coherence group; each is caught by one of its cases alone).
    UncappedEvent: "uncapped-event", Events, log::caps::FUNCTION,
        "log/caps leaves out SwitchStateChanged, which the device records and delivers; 5.23 lists the event types the device records (erratum log-caps-complete)";
    StatusOmitsInputs: "status-omits-inputs", SwitchIo, io::status::FUNCTION,
        "io/status without port lists the outputs only; 5.12 returns the statuses of all the inputs and outputs, the ports io/caps lists";
    DateHeaderSkewed: "date-header-skewed", System, system::status::FUNCTION,
        "system/status sends a Date header of the local time (tzShift) labelled GMT, an hour ahead on the default profile; RFC 9110 and erratum date-header: the moment the reply was made";
    ClockAhead: "clock-ahead", System, system::status::FUNCTION,
        "the device's real-time clock keeps local time (tzShift) as if it were UTC, so systemTime, event utcTime and registerTime all run an hour ahead on the default profile; 5.2: systemTime is Unix time";
    EventTimeLocal: "event-time-local", Events, log::pull::FUNCTION,
        "log/pull reports each event's local time (utcTime + tzShift minutes) as its utcTime; 5.26: utcTime is UTC and the local time is utcTime + tzShift * 60 (erratum boot-time)";
    SwitchEventStaleStamp: "switch-event-stale-stamp", Events, log::pull::FUNCTION,
        "log/pull reports SwitchStateChanged with the utcTime and upTime of the event logged before it; 5.26: the stamps are the event's rise time (erratum event-stamp-cause)";
    OutputEventEarlyStamp: "output-event-early-stamp", Events, log::pull::FUNCTION,
        "log/pull reports OutputChanged stamped 3 s before it rose (an I/O clock that lags); 5.26: ids grow with every new event and the stamps are its rise time (erratum event-stamp-order)";
    RegisterTimeExpiry: "register-time-expiry", Calls, phone::status::FUNCTION,
        "phone/status reports as registerTime the moment the registration expires (its success plus the 3600 s expiry), in the future; 5.14: the last successful registration time (erratum register-time)";
    DisplayImageNotShown: "display-image-not-shown", Display, display::image::FUNCTION,
        "display/image PUT answers success but the display goes on showing what it showed; 5.22 uploads the image to the display (erratum display-effect)";
}
