//! The errata register: every place where the manual contradicts itself, or is silent on
//! something a device or a runner must decide, with the ruling this project takes.
//!
//! A device that follows the ruling passes. `other_reading` says what a device that reads the
//! manual the other way gets: a failure, a non-strict finding (the manual is ambiguous or real
//! devices are known to differ), or nothing because no behaviour can show it.

/// An entry of the register.
#[derive(Clone, Copy, Debug)]
pub struct Erratum {
    /// A stable identifier, cited by functions, parameters, fields and events.
    pub id: &'static str,
    /// The sections of the manual concerned.
    pub sections: &'static str,
    /// What the manual says, or fails to say.
    pub manual: &'static str,
    /// What this project takes as the rule.
    pub ruling: &'static str,
    pub other_reading: Departure,
    /// Where the evidence for the ruling comes from besides the manual, if anywhere.
    pub evidence: Option<&'static str>,
}

/// How a device that departs from a ruling is judged.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Departure {
    Failure,
    NonStrict,
    /// The entry is about wording; no request can tell the two readings apart.
    NotObservable,
}

impl Departure {
    pub const fn id(self) -> &'static str {
        match self {
            Self::Failure => "failure",
            Self::NonStrict => "non-strict",
            Self::NotObservable => "not observable",
        }
    }
}

const FIELD_NOTES: Option<&str> = Some("field notes on devices and public clients");

/// The register.
pub const ERRATA: &[Erratum] = &[
    Erratum {
        id: "pcap-paths",
        sections: "5 (overview table), 5.29-5.31",
        manual: "The overview table lists /pcap, /pcap/restart and /pcap/stop without the /api prefix (the first even in Cyrillic letters), while 2 says every path starts with /api and 5.29-5.31 use /api/pcap.",
        ruling: "The paths are /api/pcap, /api/pcap/restart and /api/pcap/stop.",
        other_reading: Departure::Failure,
        evidence: None,
    },
    Erratum {
        id: "pcap-reply-type",
        sections: "5.29",
        manual: "Says the reply is application/json and also that the downloaded file opens in Wireshark.",
        ruling: "The reply is a libpcap file sent as application/vnd.tcpdump.pcap; application/pcap and application/octet-stream are accepted as non-strict. A JSON reply is a failure.",
        other_reading: Departure::NonStrict,
        evidence: Some("the Czech edition of the manual says application/pcap"),
    },
    Erratum {
        id: "email-param-names",
        sections: "5.28",
        manual: "The parameter table lost its Parameter column; only the example names to, subject and body.",
        ruling: "The seven parameters are, in order, to, subject, body, pictureCount, timeSpan, width and height, as a later edition of the manual names them.",
        other_reading: Departure::Failure,
        evidence: Some("later edition of the manual"),
    },
    Erratum {
        id: "io-state-type",
        sections: "5.12, 5.26 (InputChanged, OutputChanged)",
        manual: "io/status gives state as the integer 0 or 1; the I/O events give state as a boolean.",
        ruling: "io/status state is an integer 0/1 and the events' state a boolean, each as its section says. A boolean in io/status or 0/1 in an event is non-strict.",
        other_reading: Departure::NonStrict,
        evidence: FIELD_NOTES,
    },
    Erratum {
        id: "trailing-comma",
        sections: "2.3, 5.25",
        manual: "The positive reply without parameters is printed as { \"success\" : true, }, which is not JSON.",
        ruling: "Replies are strict RFC 8259 JSON. A trailing comma or any other departure a lenient reader can recover from is non-strict; JSON that cannot be read is a failure.",
        other_reading: Departure::NonStrict,
        evidence: None,
    },
    Erratum {
        id: "privilege-names",
        sections: "4, 5, 5.14-5.18, 5.24, 5.28",
        manual: "The same privileges are spelt differently: Call Monitoring, Phone /Call Monitoring and Call/phone monitoring; E-mail Control and Email Control; Keyboard access and Keypad monitoring; UID (Cards & Wiegand) and UID monitoring (cards/Wiegand).",
        ruling: "The ten groups of the account page are the privileges; every spelling maps to one of them (Privilege::parse).",
        other_reading: Departure::NotObservable,
        evidence: None,
    },
    Erratum {
        id: "control-implies-monitoring",
        sections: "4",
        manual: "The account page has a Monitoring and a Control box per group and does not say whether Control includes Monitoring.",
        ruling: "The boxes are independent: an account with only Switch Control gets error 10 from switch/status. A device that lets Control read Monitoring functions is non-strict.",
        other_reading: Departure::NonStrict,
        evidence: None,
    },
    Erratum {
        id: "system-info-open",
        sections: "5 (overview table), 5.1",
        manual: "The table lists System Control for system/info; 5.1 says the function is available regardless of the set access rights.",
        ruling: "system/info answers without credentials and to any account, on any transport the System service allows. A device that demands System Control is non-strict.",
        other_reading: Departure::NonStrict,
        evidence: FIELD_NOTES,
    },
    Erratum {
        id: "basic-accepts-digest",
        sections: "2.3 (code 8), 3",
        manual: "Each service is set to None, Basic or Digest; code 8 answers Basic credentials where only Digest is enabled. What a Basic service does with Digest credentials is not said.",
        ruling: "A Basic service accepts Basic and Digest and challenges with both; a Digest service accepts Digest only, challenges with Digest only, and answers Basic credentials with code 8.",
        other_reading: Departure::NonStrict,
        evidence: FIELD_NOTES,
    },
    Erratum {
        id: "error-http-status",
        sections: "2.3",
        manual: "A negative reply travels with 200 OK or 401 Authorisation Required.",
        ruling: "Code 9 travels with 401 and a WWW-Authenticate challenge per accepted scheme; every other code with 200. A device answering 403, 404 or 405 with the right JSON is non-strict.",
        other_reading: Departure::NonStrict,
        evidence: FIELD_NOTES,
    },
    Erratum {
        id: "call-session-mandatory",
        sections: "5.17, 5.18",
        manual: "call/answer and call/hangup describe session without saying it is mandatory.",
        ruling: "session is mandatory for both; without it the device answers 11 naming session. Answering or hanging up the only call instead is non-strict.",
        other_reading: Departure::NonStrict,
        evidence: None,
    },
    Erratum {
        id: "unknown-session",
        sections: "5.15, 5.17, 5.18",
        manual: "Nothing says what a session id that names no active call answers.",
        ruling: "12 naming session. Code 14 (\"session not found\", as firmware in the field answers on hangup) is non-strict.",
        other_reading: Departure::NonStrict,
        evidence: Some("ha-2N-intercom tests: hangup answers 14 \"session not found\""),
    },
    Erratum {
        id: "call-answer-state",
        sections: "5.17",
        manual: "call/answer answers an incoming call in the ringing state; what it answers for any other call is not said.",
        ruling: "Answering an outgoing call or a call that is not ringing answers 12 naming session; 14 is non-strict.",
        other_reading: Departure::NonStrict,
        evidence: None,
    },
    Erratum {
        id: "display-image-models",
        sections: "5.22",
        manual: "5.22 is written twice. Verso: display ext1, blob-image JPEG/BMP/PNG at 214 x 240 (its heading says GIF/JPEG/BMP), or blob-video MPEG4/H264, with duration and repeat. Vario: display internal and a GIF blob-image at the display/caps resolution, no video.",
        ruling: "The spec lists the union of parameters; display::image::MODELS gives what each model accepts, and the profile's model decides. A format or size the model does not take answers 12 naming blob-image; both blobs at once answer 12 naming blob-video.",
        other_reading: Departure::Failure,
        evidence: None,
    },
    Erratum {
        id: "display-image-standard-display",
        sections: "5.22",
        manual: "The function is available only if the standard display function is disabled; the error otherwise is not named.",
        ruling: "With the standard display function enabled the device answers 14.",
        other_reading: Departure::NonStrict,
        evidence: None,
    },
    Erratum {
        id: "display-caps-shape",
        sections: "5.21",
        manual: "Lists display and resolution without an example or the form of resolution.",
        ruling: "resolution is an object with width and height, as in the later manual and 2N's own client fixtures.",
        other_reading: Departure::NonStrict,
        evidence: Some("later edition of the manual; 2N hip-http-api fixture DisplayCaps.json"),
    },
    Erratum {
        id: "silent-alarm-access-limited",
        sections: "5.24",
        manual: "SilentAlarm and AccessLimited appear only in the privilege table, with no description, parameters or note.",
        ruling: "Both are known event names needing no privilege; their params are read in raw form and never judged. A later edition describes AccessLimited with ap, type and state.",
        other_reading: Departure::NotObservable,
        evidence: Some("later edition of the manual, 5.10.1 api log caps"),
    },
    Erratum {
        id: "undocumented-event-versions",
        sections: "1.1, 5.23, 5.24",
        manual: "UserAuthenticated, SilentAlarm and AccessLimited are in the 2.21 manual but in none of its release notes.",
        ruling: "They date from 2.21, the edition that documents them; an older device that has them is not judged for it.",
        other_reading: Departure::NotObservable,
        evidence: None,
    },
    Erratum {
        id: "switch-event-privilege",
        sections: "5.24",
        manual: "The privilege table requires I/O monitoring for SwitchStateChanged, although switches have their own privilege group.",
        ruling: "SwitchStateChanged needs I/O Monitoring, as the table says. A device that filters it by Switch Monitoring is non-strict.",
        other_reading: Departure::NonStrict,
        evidence: None,
    },
    Erratum {
        id: "switch-event-state-type",
        sections: "5.26 (SwitchStateChanged)",
        manual: "state is a boolean.",
        ruling: "A boolean. 0/1, as firmware 2.10 sent, is non-strict.",
        other_reading: Departure::NonStrict,
        evidence: FIELD_NOTES,
    },
    Erratum {
        id: "switch-domain",
        sections: "5.8-5.10",
        manual: "switch is \"typically, 1 to 4\"; use switch/caps for the exact count.",
        ruling: "Valid values are the switches switch/caps lists; any other integer answers 12 naming switch.",
        other_reading: Departure::Failure,
        evidence: None,
    },
    Erratum {
        id: "switch-status-extra",
        sections: "5.8, 5.9",
        manual: "The switch/status example lists three switches where the switch/caps example lists four.",
        ruling: "switch/status lists the switches switch/caps lists. Extra or missing switches are non-strict.",
        other_reading: Departure::NonStrict,
        evidence: FIELD_NOTES,
    },
    Erratum {
        id: "switch-ctrl-disabled",
        sections: "5.8, 5.10",
        manual: "What switch/ctrl answers for a switch that switch/caps reports as disabled is not said.",
        ruling: "14, and the switch does not change. 12 naming switch is non-strict; changing the switch is a failure.",
        other_reading: Departure::NonStrict,
        evidence: Some("later edition of the manual: code 14 for an action that failed"),
    },
    Erratum {
        id: "security-switch",
        sections: "5.8",
        manual: "switch/caps reports a switch type, normal or security, without saying how a security switch behaves differently over the API.",
        ruling: "The type is reported as configured; over the API a security switch is controlled and reported exactly like a normal one.",
        other_reading: Departure::NonStrict,
        evidence: None,
    },
    Erratum {
        id: "io-caps-port-case",
        sections: "5.11",
        manual: "The io/caps parameter table writes Port with a capital P; 5.12 and 5.13 write port.",
        ruling: "The parameter is port; parameter names are case-sensitive.",
        other_reading: Departure::NonStrict,
        evidence: None,
    },
    Erratum {
        id: "io-ctrl-input",
        sections: "5.13",
        manual: "io/ctrl controls outputs; what it answers for an input port is not said.",
        ruling: "An input port, or a port io/caps does not list, answers 12 naming port.",
        other_reading: Departure::NonStrict,
        evidence: None,
    },
    Erratum {
        id: "manual-typos",
        sections: "5.11, 5.12, 5.31",
        manual: "The io/caps example closes an object with ]; the io/status example has a stray ł; the pcap/stop example shows GET /api/pcap/restart.",
        ruling: "Typing errors of the manual; the surrounding text rules.",
        other_reading: Departure::NotObservable,
        evidence: None,
    },
    Erratum {
        id: "fps-range",
        sections: "5.20",
        manual: "fps >= 1 streams at that rate; no upper bound is given.",
        ruling: "Any uint32 is valid under the 2.21 manual. Later firmware streams at 1 to 15 and answers 12 naming fps for 16 or more; a device that does so is non-strict unless it runs such firmware.",
        other_reading: Departure::NonStrict,
        evidence: Some("field notes; ha-2N-intercom CAMERA_MJPEG_FPS_MAX = 15"),
    },
    Erratum {
        id: "unknown-subscription",
        sections: "5.25, 5.26",
        manual: "pull and unsubscribe with an id that is closed or never existed \"end up with an error\", code not named.",
        ruling: "12 naming id; another error code is non-strict. Success is a failure.",
        other_reading: Departure::NonStrict,
        evidence: FIELD_NOTES,
    },
    Erratum {
        id: "subscribe-duration-max",
        sections: "5.24",
        manual: "duration is a uint32 whose maximum value is 3600 s; 0 is not discussed.",
        ruling: "1 to 3600. Larger values or 0 answer 12 naming duration; clamping them instead is non-strict.",
        other_reading: Departure::NonStrict,
        evidence: None,
    },
    Erratum {
        id: "include-form",
        sections: "5.24",
        manual: "include is new, all or -t for the last t seconds; the range of t is not given.",
        ruling: "t is a decimal integer from 1 to 4294967295 without sign or spaces; anything else answers 12 naming include.",
        other_reading: Departure::NonStrict,
        evidence: None,
    },
    Erratum {
        id: "filter-unknown-event",
        sections: "5.24",
        manual: "filter is a comma-separated list of event types; unknown names are not discussed.",
        ruling: "Names are case-sensitive; a name the device does not know answers 12 naming filter. Ignoring unknown names is non-strict. Empty items (a trailing comma) are ignored.",
        other_reading: Departure::NonStrict,
        evidence: None,
    },
    Erratum {
        id: "pull-timeout-max",
        sections: "5.26",
        manual: "timeout is a uint32 with no maximum.",
        ruling: "Any uint32 is accepted; a device may end the wait earlier than asked (an empty reply) but never before the first of the timeout and the next event. The reference intercom caps the wait at the channel duration.",
        other_reading: Departure::NonStrict,
        evidence: None,
    },
    Erratum {
        id: "event-ids",
        sections: "5.26",
        manual: "id is 1 after restart and incremented with every new event.",
        ruling: "Ids increase strictly in delivery order; gaps are allowed (events a channel does not receive). DeviceState startup is the first event after a start.",
        other_reading: Departure::Failure,
        evidence: FIELD_NOTES,
    },
    Erratum {
        id: "call-event-call-field",
        sections: "5.26 (CallStateChanged)",
        manual: "The call parameter is described as TBD.",
        ruling: "call is optional; when present it is a uint32 and nothing else is judged.",
        other_reading: Departure::NotObservable,
        evidence: None,
    },
    Erratum {
        id: "user-authenticated-index",
        sections: "5.26 (UserAuthenticated)",
        manual: "index is typed string in the table but a number (51) in the example.",
        ruling: "A string, per the table. A number is non-strict.",
        other_reading: Departure::NonStrict,
        evidence: None,
    },
    Erratum {
        id: "build-type-values",
        sections: "5.1",
        manual: "buildType is alpha, beta, or empty for official versions.",
        ruling: "\"\", alpha and beta under the 2.21 manual; dev and (from 2.33.2) release are later values, accepted on any firmware.",
        other_reading: Departure::NonStrict,
        evidence: Some("later edition of the manual: release from 2.33.2"),
    },
    Erratum {
        id: "firmware-apply-without-upload",
        sections: "5.5",
        manual: "firmware/apply confirms an earlier upload; without one, the reply is not said.",
        ruling: "15 (no data available), and the device does not restart.",
        other_reading: Departure::NonStrict,
        evidence: None,
    },
    Erratum {
        id: "firmware-image",
        sections: "5.4",
        manual: "blob-fw carries \"device FW\"; its format is not described. A corrupted file or one not intended for the device answers 12.",
        ruling: "The image format is the vendor's and opaque to a runner, which judges only that data that is no image of the device (random bytes, a truncated or altered copy) answers 12 naming blob-fw. The reference intercom accepts an image format of its own (magic, model, version, length, SHA-256), documented in its firmware module.",
        other_reading: Departure::Failure,
        evidence: None,
    },
    Erratum {
        id: "restart-order",
        sections: "5.3, 5.5",
        manual: "system/restart restarts the intercom and firmware/apply restarts it on the new firmware, both with a success reply; whether the reply comes before the restart is not said.",
        ruling: "The reply comes first and the device restarts shortly after (a few seconds). After the restart upTime starts from 0, event ids start from 1 with DeviceState startup, switches and outputs are back in their start state, subscriptions and an uploaded but unapplied firmware are gone, and open connections are closed.",
        other_reading: Departure::NonStrict,
        evidence: FIELD_NOTES,
    },
    Erratum {
        id: "config-upload",
        sections: "5.6",
        manual: "PUT uploads the device configuration; what an invalid or partial document answers, and what becomes of settings the device does not know, is not said.",
        ruling: "The device checks the whole document when it arrives: data that is not XML, a root other than DeviceDatabase, or a setting the device knows with a value outside its domain answers 12 naming blob-cfg, and nothing changes. A valid document answers success and takes effect whole. Settings it leaves out keep their values; elements and attributes the device does not know are kept and come back in later downloads.",
        other_reading: Departure::NonStrict,
        evidence: None,
    },
    Erratum {
        id: "config-delay",
        sections: "5.6, 5.7",
        manual: "An upload and a factory reset take effect \"with a delay of approx. 15 s\"; what the device does meanwhile and afterwards is not said.",
        ruling: "Until the delay has passed the device runs, and downloads, the old configuration. An upload then takes effect without a restart; a factory reset restores the factory configuration (keeping the installed firmware) and restarts. A restart during the delay cancels the change, as switching the device off does.",
        other_reading: Departure::NonStrict,
        evidence: None,
    },
    Erratum {
        id: "config-passwords",
        sections: "5.6, 4",
        manual: "The download is \"a complete device configuration file\"; whether it holds the accounts' passwords is not said.",
        ruling: "It holds them, so that a downloaded configuration restores a device whole; the function needs System Control. A device that leaves them out or encrypts them is non-strict. An uploaded account without a password keeps the one it has.",
        other_reading: Departure::NonStrict,
        evidence: None,
    },
    Erratum {
        id: "pcap-recording",
        sections: "5.29-5.31",
        manual: "pcap downloads the traffic records, pcap/restart deletes them and restarts recording, pcap/stop stops it; whether recording runs at start, what pcap answers while stopped, and how much is kept, are not said.",
        ruling: "Recording runs from the start. pcap answers the records kept, also after a stop (a capture with no packets is a file with its header alone). Stopping a stopped capture is a success. A device keeps a bounded capture, dropping the oldest packets first; the reference intercom keeps 4 MiB.",
        other_reading: Departure::NonStrict,
        evidence: None,
    },
    Erratum {
        id: "email-smtp-failure",
        sections: "5.28",
        manual: "The SMTP service must be configured; what the function answers when it is not, or when the server refuses, is not said.",
        ruling: "14.",
        other_reading: Departure::NonStrict,
        evidence: None,
    },
    Erratum {
        id: "size-limits",
        sections: "2.3 (code 13)",
        manual: "Code 13 answers data that exceed \"the acceptable limit\"; no limit is given.",
        ruling: "The spec sets a limit per parameter (Domain::max_len); above it the device answers 13 naming the parameter. A device whose own limit is higher is non-strict; one that refuses data within the spec's limit fails.",
        other_reading: Departure::NonStrict,
        evidence: None,
    },
    Erratum {
        id: "malformed-request",
        sections: "2.2, 2.3",
        manual: "Nothing says what bad percent-encoding, invalid UTF-8 in a simple parameter or a broken multipart body answers.",
        ruling: "A simple parameter whose value cannot be decoded answers 12 naming it; a body that cannot be parsed at all answers 14.",
        other_reading: Departure::NonStrict,
        evidence: None,
    },
    Erratum {
        id: "unsupported-content-type",
        sections: "2.2",
        manual: "Bodies are urlencoded or multipart; other content types are not discussed.",
        ruling: "A non-empty body of any other content type answers 14. An empty body is fine whatever its type.",
        other_reading: Departure::NonStrict,
        evidence: Some("field notes: devices answer 14 \"Unsupported Content-Type\""),
    },
    Erratum {
        id: "newer-function",
        sections: "1.1",
        manual: "The release notes date functions, but nothing says what an older device answers for a newer one.",
        ruling: "A device answers 2 for a function its firmware predates, as for any unknown path; 1 is accepted as non-strict. Newer parameters are ignored, newer fields and events absent.",
        other_reading: Departure::NonStrict,
        evidence: None,
    },
];

/// The entry with this id.
pub fn erratum(id: &str) -> Option<&'static Erratum> {
    ERRATA.iter().find(|erratum| erratum.id == id)
}
