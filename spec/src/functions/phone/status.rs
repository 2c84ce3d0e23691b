//! `GET`/`POST` `/api/phone/status`: manual 5.14 "api phone status".

use crate::access::{Access, Group, Licence, Privilege};
use crate::field::{Field, FieldType};
use crate::function::{Domain, Function, GET_POST_READ_ONLY, Param, Reply, Section};
use crate::service::Service;
use crate::value::TextRule;
use crate::version::Origin;

/// The `account` parameter.
pub const ACCOUNT: &str = "account";

/// The SIP account numbers the manual knows.
pub const ACCOUNTS: Domain = Domain::Int { min: 1, max: 2 };

const ACCOUNT_FIELDS: &[Field] = &[
    Field::new(
        "account",
        FieldType::Int { min: 1, max: 2 },
        "Unique SIP account identifier (1 or 2)",
    ),
    Field::new(
        "sipNumber",
        FieldType::Text(TextRule::SipNumber),
        "SIP account telephone number",
    ),
    Field::new(
        "registered",
        FieldType::Bool,
        "Account registration with the SIP Registrar",
    ),
    Field::new(
        "registerTime",
        FieldType::U32,
        "Last successful registration time in seconds since 00:00 1.1.1970 (unix time)",
    )
    .absent_when("the account is not registered"),
];

const RESULT: &[Field] = &[Field::new(
    "accounts",
    FieldType::Array(&FieldType::Object(ACCOUNT_FIELDS)),
    "SIP accounts with current statuses; one item when the account parameter is used",
)];

pub const FUNCTION: Function = Function {
    path: "/api/phone/status",
    section: Section {
        number: "5.14",
        title: "api phone status",
    },
    summary: "Returns the current statuses of the device SIP accounts.",
    service: Service::PhoneCall,
    methods: GET_POST_READ_ONLY,
    access: Access::Privilege(Privilege::monitoring(Group::PhoneCall)),
    licences: &[Licence::EnhancedIntegration],
    hardware: None,
    origin: Origin::V2_13,
    params: &[Param::optional(
        ACCOUNT,
        ACCOUNTS,
        "Optional SIP account identifier (1 or 2). If the parameter is not included, the function returns statuses of all the SIP accounts.",
    )
    .errata(&["phone-account-absent"])],
    replies: &[Reply::json(Some(RESULT))],
    errata: &["register-time"],
};
