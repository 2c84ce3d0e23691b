//! `GET`/`POST` `/api/system/info`: manual 5.1 "api system info".

use crate::access::{Access, Group, Privilege};
use crate::field::{Field, FieldType, LaterValue};
use crate::function::{Function, GET_POST_READ_ONLY, Reply, Section};
use crate::later;
use crate::service::Service;
use crate::value::TextRule;
use crate::version::Origin;

const RESULT: &[Field] = &[
    Field::new("variant", FieldType::STRING, "Model name (version)"),
    Field::new("serialNumber", FieldType::STRING, "Serial number"),
    Field::new("hwVersion", FieldType::STRING, "Hardware version"),
    Field::new("swVersion", FieldType::STRING, "Firmware version"),
    Field::new(
        "buildType",
        FieldType::Enum(&["", "alpha", "beta"]),
        "Firmware build type (alpha, beta, or empty value for official versions)",
    )
    .later_values(&[
        LaterValue {
            value: "dev",
            origin: later::BUILD_TYPE_DEV,
        },
        LaterValue {
            value: "release",
            origin: later::BUILD_TYPE_RELEASE,
        },
    ])
    .errata(&["build-type-values"]),
    Field::new(
        "deviceName",
        FieldType::STRING,
        "Device name set in the configuration interface on the Services / Web Server tab",
    ),
    Field::new(
        "macAddr",
        FieldType::Text(TextRule::MacAddress),
        "MAC address of the device",
    )
    .since(later::SYSTEM_INFO_2_35),
    Field::new("devType", FieldType::STRING, "Device type code").since(later::SYSTEM_INFO_2_35),
    Field::new("variantId", FieldType::U32, "Model variant number").since(later::SYSTEM_INFO_2_35),
    Field::new(
        "firmwarePackage",
        FieldType::STRING,
        "Firmware package name",
    )
    .since(later::SYSTEM_INFO_2_35),
    Field::new(
        "bootUuid",
        FieldType::Text(TextRule::Uuid),
        "Identifier that changes with every start",
    )
    .since(later::BOOT_UUID),
];

pub const FUNCTION: Function = Function {
    path: "/api/system/info",
    section: Section {
        number: "5.1",
        title: "api system info",
    },
    summary: "Provides basic information on the device: type, serial number, firmware version, etc. The function is available in all device types regardless of the set access rights.",
    service: Service::System,
    methods: GET_POST_READ_ONLY,
    access: Access::Open {
        table_says: Privilege::control(Group::System),
    },
    licences: &[],
    hardware: None,
    origin: Origin::V2_13,
    params: &[],
    replies: &[Reply::json(Some(RESULT))],
    errata: &["system-info-open"],
};
