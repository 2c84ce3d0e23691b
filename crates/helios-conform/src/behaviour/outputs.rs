//! `model.io`: the I/O model (`model/outputs.rs`) against the device.

use helios_spec::Tier;
use helios_spec::functions::io;

use super::{Group, Outcomes};
use crate::model::{self, outputs::Outputs};
use crate::session::Session;

pub(super) const GROUP: Group = Group {
    id: "model.io",
    tier: Tier::Reversible,
    restarts: false,
    functions: &[&io::status::FUNCTION, &io::ctrl::FUNCTION],
    check,
};

fn check<'s>(session: &'s mut Session<'_>) -> Outcomes<'s> {
    Box::pin(async move {
        let init = Outputs::new(
            session.discovered.outputs.clone(),
            session.discovered.inputs.clone(),
        );
        vec![model::check::<Outputs>(session, init).await]
    })
}
