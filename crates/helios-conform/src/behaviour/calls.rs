//! `model.call`: the call model (`model/calls/`) against the device.

use helios_spec::Tier;
use helios_spec::functions::call;

use super::{Group, Outcomes};
use crate::model::{self, calls::Calls};
use crate::session::Session;

pub(super) const GROUP: Group = Group {
    id: "model.call",
    tier: Tier::Reversible,
    restarts: false,
    functions: &[
        &call::dial::FUNCTION,
        &call::answer::FUNCTION,
        &call::hangup::FUNCTION,
        &call::status::FUNCTION,
    ],
    check,
};

fn check<'s>(session: &'s mut Session<'_>) -> Outcomes<'s> {
    Box::pin(async move {
        let init = Calls::new(
            session.profile.dial_numbers.clone(),
            session.profile.stimulus_url.clone(),
        );
        vec![model::check::<Calls>(session, init).await]
    })
}
