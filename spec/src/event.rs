//! The events of the logging service (5.23 to 5.26): every type the manual names, the
//! parameters of each, the privilege a subscriber needs to receive it, and the model condition
//! under which a device records it.

use crate::access::{Group, Hardware, Licence, Privilege};
use crate::field::{Field, FieldType};
use crate::later;
use crate::value::TextRule;
use crate::version::Origin;

/// An event type.
#[derive(Clone, Copy, Debug)]
pub struct Event {
    pub name: &'static str,
    pub description: &'static str,
    /// The members of `params`.
    pub params: &'static [Field],
    /// Whether the manual describes `params` at all (SilentAlarm and AccessLimited appear only
    /// in the privilege table).
    pub params_documented: bool,
    /// The privilege a channel's account needs for the event to be queued; `None` for "None".
    pub privilege: Option<Privilege>,
    /// What a model must have for the event to be in `log/caps`.
    pub condition: Condition,
    pub origin: Origin,
    pub errata: &'static [&'static str],
}

/// The "Note" column of the event table in 5.23.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Condition {
    Always,
    Hardware(Hardware),
    Licence(Licence),
}

/// The common fields of every event record (5.26 "Events").
pub const COMMON_FIELDS: &[Field] = &[
    Field::new(
        "id",
        FieldType::U32,
        "Internal event record ID (32bit number, 1 after intercom restart incremented with every new event)",
    ),
    Field::new(
        "utcTime",
        FieldType::U32,
        "Absolute event rise time (Unix Time, UTC)",
    ),
    Field::new(
        "upTime",
        FieldType::U32,
        "Relative event rise time (seconds after intercom restart)",
    ),
    Field::new(
        "tzShift",
        FieldType::I32,
        "Difference between the local time and UTC in minutes: localTime = utcTime + tzShift * 60",
    )
    .since(Origin::V2_15),
    Field::new(
        "event",
        FieldType::EventName,
        "Event type (KeyPressed, InputChanged, ...)",
    ),
    Field::new("params", FieldType::AnyObject, "Specific event parameters"),
    Field::new(
        "hash",
        FieldType::Text(TextRule::Hex16),
        "Event hash (16 hexadecimal digits)",
    )
    .since(later::FIRMWARE_2_50),
];

const IN_OUT: FieldType = FieldType::Enum(&["in", "out"]);

const fn in_out(description: &'static str) -> [Field; 1] {
    [Field::new("state", IN_OUT, description)]
}

const KEY: &[Field] = &[Field::new(
    "key",
    FieldType::Text(TextRule::KeyCode),
    "Pressed/released button code: 0 to 9 numeric keypad buttons, %1-%150 speed dialling buttons, * and #",
)];

const IO_CHANGE: &[Field] = &[
    Field::new("port", FieldType::STRING, "I/O port name"),
    Field::new(
        "state",
        FieldType::Bool,
        "Current I/O port logic state: false - inactive, log. 0; true - active, log. 1",
    )
    .errata(&["io-state-type"]),
];

const fn monitoring(group: Group) -> Option<Privilege> {
    Some(Privilege::monitoring(group))
}

/// Every event type the manual names, in the order of 5.23's table, SilentAlarm and
/// AccessLimited (from 5.24's privilege table) last.
pub const EVENTS: &[Event] = &[
    Event {
        name: "DeviceState",
        description: "Signals a system event generated at device state changes.",
        params: &[Field::new(
            "state",
            FieldType::Enum(&["startup"]),
            "startup - generated one-time after device start (always the first event ever)",
        )],
        params_documented: true,
        privilege: None,
        condition: Condition::Always,
        origin: Origin::V2_13,
        errata: &[],
    },
    Event {
        name: "AudioLoopTest",
        description: "Signals performance and result of an automatic audio loop test.",
        params: &[Field::new(
            "result",
            FieldType::Enum(&["passed", "failed"]),
            "passed - no problem detected; failed - a loudspeaker/microphone problem detected",
        )],
        params_documented: true,
        privilege: None,
        condition: Condition::Licence(Licence::EnhancedAudio),
        origin: Origin::V2_13,
        errata: &[],
    },
    Event {
        name: "MotionDetected",
        description: "Signals motion detection via a camera.",
        params: &in_out("in - beginning of the interval with motion; out - its end"),
        params_documented: true,
        privilege: None,
        condition: Condition::Hardware(Hardware::Camera),
        origin: Origin::V2_14,
        errata: &[],
    },
    Event {
        name: "NoiseDetected",
        description: "Signals an increased noise level detection.",
        params: &in_out("in - beginning of the interval with noise; out - its end"),
        params_documented: true,
        privilege: None,
        condition: Condition::Hardware(Hardware::Microphone),
        origin: Origin::V2_14,
        errata: &[],
    },
    Event {
        name: "KeyPressed",
        description: "Signals pressing of a speed dial/numeric keypad button.",
        params: KEY,
        params_documented: true,
        privilege: monitoring(Group::Keypad),
        condition: Condition::Always,
        origin: Origin::V2_13,
        errata: &[],
    },
    Event {
        name: "KeyReleased",
        description: "Signals releasing of a speed dial/numeric keypad button.",
        params: KEY,
        params_documented: true,
        privilege: monitoring(Group::Keypad),
        condition: Condition::Always,
        origin: Origin::V2_13,
        errata: &[],
    },
    Event {
        name: "CodeEntered",
        description: "Signals entering of a user code via the numeric keypad.",
        params: &[
            Field::new(
                "code",
                FieldType::Text(TextRule::UserCode),
                "User code, 1234, e.g. At least 2 digits; 00 cannot be used.",
            ),
            Field::new(
                "valid",
                FieldType::Bool,
                "Whether the code is a valid user code or universal switch code",
            ),
        ],
        params_documented: true,
        privilege: monitoring(Group::Keypad),
        condition: Condition::Hardware(Hardware::Keypad),
        origin: Origin::V2_13,
        errata: &[],
    },
    Event {
        name: "CardEntered",
        description: "Signals tapping of an RFID card on the card reader.",
        params: &[
            Field::new(
                "direction",
                FieldType::Enum(&["in", "out", "any"]),
                "RFID direction: in - arrival, out - departure, any - passage",
            ),
            Field::new(
                "reader",
                FieldType::STRING,
                "Card reader/Wiegand module name, or internal / external on non-modular models",
            ),
            Field::new(
                "uid",
                FieldType::Text(TextRule::CardUid),
                "Unique identifier of the applied card (hexadecimal, 6 - 16 characters)",
            ),
            Field::new(
                "valid",
                FieldType::Bool,
                "Whether the card uid is assigned to a user in the phonebook",
            ),
        ],
        params_documented: true,
        privilege: monitoring(Group::Uid),
        condition: Condition::Hardware(Hardware::CardReader),
        origin: Origin::V2_13,
        errata: &[],
    },
    Event {
        name: "InputChanged",
        description: "Signals a change of the logic input state.",
        params: IO_CHANGE,
        params_documented: true,
        privilege: monitoring(Group::Io),
        condition: Condition::Always,
        origin: Origin::V2_13,
        errata: &[],
    },
    Event {
        name: "OutputChanged",
        description: "Signals a change of the logic output state.",
        params: IO_CHANGE,
        params_documented: true,
        privilege: monitoring(Group::Io),
        condition: Condition::Always,
        origin: Origin::V2_13,
        errata: &[],
    },
    Event {
        name: "SwitchStateChanged",
        description: "Signals a switch 1-4 state change.",
        params: &[
            Field::new(
                "switch",
                FieldType::Int { min: 1, max: 4 },
                "Switch number 1..4",
            ),
            Field::new(
                "state",
                FieldType::Bool,
                "Current logic state of the switch: false - inactive, log.0; true - active, log.1",
            )
            .errata(&["switch-event-state-type"]),
        ],
        params_documented: true,
        privilege: monitoring(Group::Io),
        condition: Condition::Always,
        origin: Origin::V2_14,
        errata: &["switch-event-privilege"],
    },
    Event {
        name: "CallStateChanged",
        description: "Signals a setup/end/change of the active call state.",
        params: &[
            Field::new(
                "direction",
                FieldType::Enum(&["incoming", "outgoing"]),
                "Call direction",
            ),
            Field::new(
                "state",
                FieldType::Enum(&["connecting", "ringing", "connected", "terminated"]),
                "Current call state (connecting for outgoing calls only)",
            ),
            Field::new(
                "peer",
                FieldType::Text(TextRule::SipUri),
                "SIP URI of the calling (incoming calls) or called (outgoing calls) subscriber",
            ),
            Field::new(
                "reason",
                FieldType::Enum(&[
                    "normal",
                    "busy",
                    "rejected",
                    "noanswer",
                    "noresponse",
                    "completed_elsewhere",
                    "failure",
                ]),
                "Call end reason",
            )
            .absent_when("the state is not terminated")
            .since(Origin::V2_14),
            Field::new(
                "session",
                FieldType::U32,
                "Unique call identifier, as used by /api/call/answer, /api/call/hangup and /api/call/status",
            ),
            Field::new("call", FieldType::U32, "TBD")
                .absent_when("the manual leaves it undefined")
                .errata(&["call-event-call-field"]),
        ],
        params_documented: true,
        privilege: monitoring(Group::PhoneCall),
        condition: Condition::Always,
        origin: Origin::V2_13,
        errata: &[],
    },
    Event {
        name: "RegistrationStateChanged",
        description: "Signals a change of the SIP server registration state.",
        params: &[
            Field::new(
                "sipAccount",
                FieldType::Int { min: 1, max: 2 },
                "SIP account number showing a state change",
            ),
            Field::new(
                "state",
                FieldType::Enum(&["registered", "unregistered", "registering", "unregistering"]),
                "New SIP account registration state",
            ),
        ],
        params_documented: true,
        privilege: monitoring(Group::PhoneCall),
        condition: Condition::Always,
        origin: Origin::V2_13,
        errata: &[],
    },
    Event {
        name: "TamperSwitchActivated",
        description: "Signals tamper switch activation (device cover opening).",
        params: &in_out("in - cover open; out - cover closed"),
        params_documented: true,
        privilege: None,
        condition: Condition::Hardware(Hardware::TamperSwitch),
        origin: Origin::V2_15,
        errata: &[],
    },
    Event {
        name: "UnauthorizedDoorOpen",
        description: "Signals unauthorised door opening.",
        params: &in_out("in - beginning of the unauthorised opening state; out - its end"),
        params_documented: true,
        privilege: None,
        condition: Condition::Hardware(Hardware::DigitalInput),
        origin: Origin::V2_15,
        errata: &[],
    },
    Event {
        name: "DoorOpenTooLong",
        description: "Signals excessively long door opening, or door closing failure within the timeout.",
        params: &in_out("in - beginning of the DoorOpenTooLong state; out - its end"),
        params_documented: true,
        privilege: None,
        condition: Condition::Hardware(Hardware::DigitalInput),
        origin: Origin::V2_15,
        errata: &[],
    },
    Event {
        name: "LoginBlocked",
        description: "Signals temporary blocking of login to the web interface.",
        params: &[Field::new(
            "address",
            FieldType::Text(TextRule::IpAddress),
            "IP address from which invalid data were entered repeatedly",
        )],
        params_documented: true,
        privilege: None,
        condition: Condition::Always,
        origin: Origin::V2_15,
        errata: &[],
    },
    Event {
        name: "UserAuthenticated",
        description: "Signals user authentication and subsequent door opening.",
        params: &[
            Field::new("name", FieldType::STRING, "Name of the phone book user"),
            Field::new(
                "index",
                FieldType::STRING,
                "Index of the phone book user, 0 to 1998",
            )
            .errata(&["user-authenticated-index"]),
            Field::new(
                "uuid",
                FieldType::Text(TextRule::Uuid),
                "User uuid, for devices connected to 2N Access Commander only",
            )
            .absent_when("the device is not connected to 2N Access Commander"),
        ],
        params_documented: true,
        privilege: None,
        condition: Condition::Always,
        origin: Origin::V2_21,
        errata: &["undocumented-event-versions"],
    },
    Event {
        name: "SilentAlarm",
        description: "Signals a silent alarm (named only in the privilege table of 5.24).",
        params: &[],
        params_documented: false,
        privilege: None,
        condition: Condition::Always,
        origin: Origin::V2_21,
        errata: &["silent-alarm-access-limited", "undocumented-event-versions"],
    },
    Event {
        name: "AccessLimited",
        description: "Signals limited access (named only in the privilege table of 5.24).",
        params: &[],
        params_documented: false,
        privilege: None,
        condition: Condition::Always,
        origin: Origin::V2_21,
        errata: &["silent-alarm-access-limited", "undocumented-event-versions"],
    },
];

/// The event type with this name.
pub fn event(name: &str) -> Option<&'static Event> {
    EVENTS.iter().find(|event| event.name == name)
}
