//! Security, for every function (5.1's access rights, 2.1's services): without credentials,
//! Basic where only Digest is allowed, plain HTTP where HTTPS is required, and every account of
//! the profile against the function's privilege; and a wrong password once per service.

use helios_spec::{Access, Auth, ErrorCode, FUNCTIONS, Level, Privilege, Tier, Transport, Version};

use super::context::{Context, Valid, call, full_account};
use super::values::valid_params;
use crate::case::{Case, Expect, Login};
use crate::discovery::Discovered;
use crate::profile::Checked;

pub(super) fn cases(cases: &mut Vec<Case>, context: &Context<'_>, valid: &Valid) {
    credentials(cases, context, valid);
    let Context {
        name,
        has_http,
        security,
        first,
        ..
    } = context;
    if security.transport == Transport::Https && *has_http {
        cases.push(Case {
            transport: Transport::Http,
            ..context.base(
                format!("{name}.plain-http"),
                "security",
                *first,
                valid.call.clone(),
                Expect::error(ErrorCode::InvalidConnection),
            )
        });
    }
    accounts(cases, context, valid);
}

/// Without credentials: an open function succeeds, the others answer 9 where the service
/// authenticates; Basic where only Digest is allowed answers 8.
fn credentials(cases: &mut Vec<Case>, context: &Context<'_>, valid: &Valid) {
    let Context {
        function,
        name,
        full,
        security,
        first,
        ..
    } = context;
    let mut case = |login: Login, label: &str, expect: Expect| {
        cases.push(Case {
            login,
            ..context.base(
                format!("{name}.{label}"),
                "security",
                *first,
                valid.call.clone(),
                expect,
            )
        });
    };
    match function.access {
        Access::Open { .. } => case(
            Login::Anonymous,
            "open-without-credentials",
            Expect::Success { text: None },
        ),
        Access::Privilege(_) | Access::EventFiltered => {
            if security.auth != Auth::None {
                case(
                    Login::Anonymous,
                    "no-credentials",
                    Expect::error(ErrorCode::AuthRequired),
                );
            }
            if security.auth == Auth::Digest
                && let Some(account) = full
            {
                case(
                    Login::Basic(*account),
                    "basic-where-digest-only",
                    Expect::error(ErrorCode::InvalidAuthMethod),
                );
            }
        }
    }
}

/// Every account of the profile: success when it holds the function's privilege, 10 when it
/// does not (control implying monitoring is non-strict).
fn accounts(cases: &mut Vec<Case>, context: &Context<'_>, valid: &Valid) {
    let Context {
        function,
        name,
        profile,
        security,
        first,
        ..
    } = context;
    let (Access::Privilege(privilege), true) = (function.access, security.auth != Auth::None)
    else {
        return;
    };
    for (index, account) in profile.accounts.iter().enumerate() {
        let expect = if account.holds(privilege) {
            Expect::Success { text: None }
        } else if privilege.level == Level::Monitoring
            && account.holds(Privilege::control(privilege.group))
        {
            Expect::error(ErrorCode::InsufficientPrivileges)
                .success_admitted("control-implies-monitoring")
        } else {
            Expect::error(ErrorCode::InsufficientPrivileges)
        };
        cases.push(Case {
            login: Login::Account(index),
            ..context.base(
                format!("{name}.account-{}", account.user),
                "security",
                *first,
                valid.call.clone(),
                expect,
            )
        });
    }
}

/// A wrong password answers 9 with a challenge: one case per service that asks for
/// credentials, as many as the budget of failed logins allows, so that the runner never blocks
/// its own address.
pub(super) fn wrong_passwords(
    cases: &mut Vec<Case>,
    profile: &Checked,
    found: &Discovered,
    firmware: Version,
    has_http: bool,
) {
    let Some(account) = full_account(profile) else {
        return;
    };
    let mut services = Vec::new();
    for function in FUNCTIONS {
        let security = profile.security(function.service);
        let first = function.methods[0].method;
        if services.len() >= profile.logins.budget()
            || services.contains(&function.service)
            || security.auth == Auth::None
            || !security.enabled
            || !matches!(function.access, Access::Privilege(_))
            || !function.origin.present_in(firmware)
            || function
                .tier(first)
                .is_none_or(|tier| !tier.allowed_by_default())
            || function.licences.iter().any(|l| !profile.has_licence(*l))
        {
            continue;
        }
        let Some(params) = valid_params(function, first, found) else {
            continue;
        };
        services.push(function.service);
        cases.push(Case {
            id: format!("{}.wrong-password", function.name()),
            function,
            check: "security",
            tier: Tier::ReadOnly,
            transport: if has_http {
                security.transport
            } else {
                Transport::Https
            },
            login: Login::WrongPassword(account),
            call: call(function, first, &params),
            expect: Expect::error(ErrorCode::AuthRequired),
            generated: Vec::new(),
            not_applicable: None,
        });
    }
}
