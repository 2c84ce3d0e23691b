//! `GET`/`POST` `/api/log/subscribe`: manual 5.24 "api log subscribe".

use crate::access::Access;
use crate::field::{Field, FieldType};
use crate::function::{Domain, Function, GET_POST_READ_ONLY, Param, Reply, Section};
use crate::service::Service;
use crate::version::Origin;

/// The `include` parameter.
pub const INCLUDE: &str = "include";
/// The `filter` parameter.
pub const FILTER: &str = "filter";
/// The `duration` parameter.
pub const DURATION: &str = "duration";

/// The channel lifetime when `duration` is absent, in seconds.
pub const DEFAULT_DURATION: i64 = 90;
/// The longest channel lifetime, in seconds.
pub const MAX_DURATION: i64 = 3600;

const RESULT: &[Field] = &[Field::new(
    "id",
    FieldType::U32,
    "Unique identifier created by subscription",
)];

pub const FUNCTION: Function = Function {
    path: "/api/log/subscribe",
    section: Section {
        number: "5.24",
        title: "api log subscribe",
    },
    summary: "Creates a subscription channel with its own event queue and returns its identifier for /api/log/pull and /api/log/unsubscribe. Events the account has no privilege for are not queued.",
    service: Service::Logging,
    methods: GET_POST_READ_ONLY,
    access: Access::EventFiltered,
    licences: &[],
    hardware: None,
    origin: Origin::V2_13,
    params: &[
        Param::optional(
            INCLUDE,
            Domain::Include,
            "Events to be added to the channel queue: new - only new events occurring after channel creation; all - all events recorded so far; -t - all events recorded in the last t seconds (-10, e.g.)",
        )
        .default("new")
        .errata(&["include-form"]),
        Param::optional(
            FILTER,
            Domain::EventFilter,
            "List of required event types separated with commas. If no value is entered, all available event types are transferred via the channel.",
        )
        .errata(&["filter-unknown-event"]),
        Param::optional(
            DURATION,
            Domain::Int {
                min: 1,
                max: MAX_DURATION,
            },
            "Timeout in seconds after which the channel is closed automatically if no /api/log/pull reading is in progress. Every reading extends the channel duration by this value. The maximum value is 3600 s.",
        )
        .default("90")
        .errata(&["subscribe-duration-max"]),
    ],
    replies: &[Reply::json(Some(RESULT))],
    errata: &["switch-event-privilege", "channel-limit", "logging-without-auth"],
};
