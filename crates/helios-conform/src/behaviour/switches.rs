//! `model.switch`: the switch model (`model/switches/`) against the device.

use helios_spec::Tier;
use helios_spec::functions::switch;

use super::{Group, Outcomes};
use crate::model::{self, switches::Switches};
use crate::session::Session;

pub(super) const GROUP: Group = Group {
    id: "model.switch",
    tier: Tier::Reversible,
    restarts: false,
    functions: &[
        &switch::caps::FUNCTION,
        &switch::status::FUNCTION,
        &switch::ctrl::FUNCTION,
    ],
    check,
};

fn check<'s>(session: &'s mut Session<'_>) -> Outcomes<'s> {
    Box::pin(async move {
        let init = Switches::new(session.discovered.switch_caps.clone());
        vec![model::check::<Switches>(session, init).await]
    })
}
