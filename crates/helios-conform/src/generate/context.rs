//! What the case generators share about one function: the device's declaration and discovery,
//! the login and transport its cases use, and the case they all start from.

use helios_client::{Call, ParamValue, Transfer};
use helios_spec::{Function, Method, Security, Tier, Transport, Version};

use super::values::{plausible_params, valid_params};
use crate::case::{Case, Expect, Login};
use crate::discovery::Discovered;
use crate::profile::Checked;

/// One function on the device under test.
pub(super) struct Context<'a> {
    pub(super) function: &'static Function,
    /// The function's name in case ids (`switch_ctrl`).
    pub(super) name: String,
    pub(super) profile: &'a Checked,
    pub(super) found: &'a Discovered,
    pub(super) firmware: Version,
    /// Who sends the cases that are not about credentials: the fullest account.
    pub(super) login: Login,
    /// Whether the run has a plain-HTTP address.
    pub(super) has_http: bool,
    /// The index of the account holding the most privileges.
    pub(super) full: Option<usize>,
    /// How the profile secures the function's service.
    pub(super) security: Security,
    /// The transport of cases that are not about the transport: HTTPS where the service
    /// requires it or the run has no plain-HTTP address.
    pub(super) transport: Transport,
    /// The function's first method, and as case ids spell it (`get`).
    pub(super) first: Method,
    pub(super) lower: String,
    /// The mandatory parameters of a valid call, or plausible ones where the device's caps
    /// are unknown.
    pub(super) minimal: Vec<(String, String)>,
}

/// A valid call of the function's first method, to change one condition of.
pub(super) struct Valid {
    pub(super) params: Vec<(String, String)>,
    pub(super) call: Call,
}

impl<'a> Context<'a> {
    pub(super) fn new(
        function: &'static Function,
        profile: &'a Checked,
        found: &'a Discovered,
        firmware: Version,
        login: Login,
        has_http: bool,
    ) -> Self {
        let security = profile.security(function.service);
        let transport = if security.transport == Transport::Https {
            Transport::Https
        } else if has_http {
            Transport::Http
        } else {
            Transport::Https
        };
        let first = function.methods[0].method;
        let minimal = valid_params(function, first, found)
            .unwrap_or_else(|| plausible_params(function, first));
        Self {
            function,
            name: function.name(),
            profile,
            found,
            firmware,
            login,
            has_http,
            full: full_account(profile),
            security,
            transport,
            first,
            lower: first.as_str().to_lowercase(),
            minimal,
        }
    }

    /// A case of this function sent with `method`, as the context's login over its transport.
    pub(super) fn base(
        &self,
        id: String,
        check: &'static str,
        method: Method,
        call: Call,
        expect: Expect,
    ) -> Case {
        Case {
            id,
            function: self.function,
            check,
            tier: self.function.tier(method).unwrap_or(Tier::ReadOnly),
            transport: self.transport,
            login: self.login,
            call,
            expect,
            generated: Vec::new(),
            not_applicable: None,
        }
    }

    /// A call of this function with `method` and these parameters in the query.
    pub(super) fn call(&self, method: Method, params: &[(String, String)]) -> Call {
        call(self.function, method, params)
    }

    /// A valid call of the first method, or `None` when no request alone can make one.
    pub(super) fn valid(&self) -> Option<Valid> {
        let params = valid_params(self.function, self.first, self.found)?;
        let call = self.call(self.first, &params);
        Some(Valid { params, call })
    }
}

/// A call of `function` with `method` and these parameters in the query.
pub(super) fn call(
    function: &'static Function,
    method: Method,
    params: &[(String, String)],
) -> Call {
    let mut call = Call::new(function).method(method);
    call.params = params
        .iter()
        .map(|(n, v)| (n.clone(), ParamValue::Text(v.clone())))
        .collect();
    call.transfer = Transfer::Query;
    call
}

/// The index of the account holding the most privileges.
pub(super) fn full_account(profile: &Checked) -> Option<usize> {
    profile
        .accounts
        .iter()
        .enumerate()
        .max_by_key(|(_, a)| a.privileges.len())
        .map(|(index, _)| index)
}
