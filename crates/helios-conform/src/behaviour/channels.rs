//! `model.channel`: the event channel model (`model/channels/`) against the device.

use helios_spec::Tier;
use helios_spec::functions::{io, log, switch};

use super::{Group, Outcomes};
use crate::model::{self, channels::Channels};
use crate::session::Session;

pub(super) const GROUP: Group = Group {
    id: "model.channel",
    tier: Tier::Reversible,
    restarts: false,
    functions: &[
        &log::subscribe::FUNCTION,
        &log::pull::FUNCTION,
        &log::unsubscribe::FUNCTION,
        &io::ctrl::FUNCTION,
        &switch::ctrl::FUNCTION,
    ],
    check,
};

fn check<'s>(session: &'s mut Session<'_>) -> Outcomes<'s> {
    Box::pin(async move {
        let init = Channels::new(session);
        vec![model::check::<Channels>(session, init).await]
    })
}
