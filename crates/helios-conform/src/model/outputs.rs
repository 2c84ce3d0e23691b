//! The I/O model (manual 5.11 to 5.13): `io/ctrl` `on` and `off` across the outputs, with
//! `io/status` read in between. An output holds the state it was last set to and reads 1 or 0
//! (a boolean is non-strict, erratum `io-state-type`); an input cannot be controlled, nor can a
//! port `io/caps` does not list (12 naming `port`, erratum `io-ctrl-input`); an input reads
//! whatever the world does to it.

use helios_client::Call;
use helios_spec::ErrorCode;
use helios_spec::functions::io;
use proptest::prelude::*;
use proptest::sample::select;
use proptest_state_machine::ReferenceStateMachine;
use serde::{Deserialize, Serialize};

use super::{Departure, Log, Model};
use crate::session::Session;

/// A port name no device lists, for refusals.
const UNLISTED: &str = "no-such-port";

/// The ports as discovered, and the state the model predicts for each output.
#[derive(Clone, Debug, Default)]
pub struct Outputs {
    pub outputs: Vec<String>,
    pub inputs: Vec<String>,
    on: Vec<bool>,
}

impl Outputs {
    pub fn new(outputs: Vec<String>, inputs: Vec<String>) -> Self {
        let on = vec![false; outputs.len()];
        Self {
            outputs,
            inputs,
            on,
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "step", rename_all = "lowercase")]
pub enum IoStep {
    Ctrl { port: String, on: bool },
    Status { port: Option<String> },
}

impl ReferenceStateMachine for Outputs {
    type State = Self;
    type Transition = IoStep;

    /// A device with no ports; the driver starts from the discovered ones instead.
    fn init_state() -> BoxedStrategy<Self> {
        Just(Self::default()).boxed()
    }

    fn transitions(state: &Self) -> BoxedStrategy<IoStep> {
        if state.outputs.is_empty() {
            return Just(IoStep::Status { port: None }).boxed();
        }
        let mut others = state.inputs.clone();
        others.push(UNLISTED.into());
        let mut listed = state.outputs.clone();
        listed.extend(state.inputs.iter().cloned());
        prop_oneof![
            6 => (select(state.outputs.clone()), any::<bool>())
                .prop_map(|(port, on)| IoStep::Ctrl { port, on }),
            1 => (select(others), any::<bool>()).prop_map(|(port, on)| IoStep::Ctrl { port, on }),
            5 => proptest::option::of(select(listed)).prop_map(|port| IoStep::Status { port }),
        ]
        .boxed()
    }

    fn apply(mut state: Self, transition: &IoStep) -> Self {
        if let IoStep::Ctrl { port, on } = transition
            && let Some(index) = state.outputs.iter().position(|p| p == port)
        {
            state.on[index] = *on;
        }
        state
    }
}

fn ctrl(port: &str, on: bool) -> Call {
    Call::new(&io::ctrl::FUNCTION)
        .param("port", port)
        .param("action", if on { "on" } else { "off" })
}

impl Model for Outputs {
    const ID: &'static str = "model.io";
    const FUNCTION: &'static helios_spec::Function = &io::ctrl::FUNCTION;
    const EXPECTED: &'static str = "io/ctrl and io/status follow the I/O model: outputs hold what \
        they were set to, inputs and unlisted ports refuse control";
    /// The outputs to switch off when the run ends.
    type Context = Vec<String>;
    /// The model's prediction, which is exact for outputs.
    type Run = Outputs;

    fn not_applicable(state: &Self) -> Option<String> {
        state
            .outputs
            .is_empty()
            .then(|| "io/caps lists no outputs".into())
    }

    async fn start(
        session: &mut Session<'_>,
        outputs: &mut Vec<String>,
        state: &Self,
        log: &mut Log,
    ) -> Result<Outputs, Departure> {
        outputs.clone_from(&state.outputs);
        for port in &state.outputs {
            log.send(session, ctrl(port, false)).await?.success()?;
        }
        Ok(Outputs::new(state.outputs.clone(), state.inputs.clone()))
    }

    async fn step(
        session: &mut Session<'_>,
        _: &mut Vec<String>,
        run: &mut Outputs,
        transition: &IoStep,
        log: &mut Log,
    ) -> Result<(), Departure> {
        match transition {
            IoStep::Ctrl { port, on } => {
                let answer = log.send(session, ctrl(port, *on)).await?;
                let what = format!("io/ctrl port={port}");
                if run.outputs.contains(port) {
                    answer.success()?;
                    *run = Self::apply(std::mem::take(run), transition);
                    Ok(())
                } else {
                    answer.refused(log, &what, ErrorCode::InvalidParameter, Some("port"), &[])
                }
            }
            IoStep::Status { port } => {
                let mut call = Call::new(&io::status::FUNCTION);
                if let Some(port) = port {
                    call = call.param("port", port.as_str());
                }
                let answer = log.send(session, call).await?;
                let result = answer.success()?;
                let items = result["ports"].as_array().cloned().unwrap_or_default();
                if let Some(port) = port
                    && (items.len() != 1 || items[0]["port"].as_str() != Some(port))
                {
                    return Err(Departure::Fail(format!(
                        "io/status port={port} lists {} items, not that port alone",
                        items.len()
                    )));
                }
                for (index, output) in run.outputs.iter().enumerate() {
                    if port.as_ref().is_some_and(|p| p != output) {
                        continue;
                    }
                    let Some(item) = items.iter().find(|i| i["port"].as_str() == Some(output))
                    else {
                        return Err(Departure::Fail(format!("io/status does not list {output}")));
                    };
                    let state = match (&item["state"], item["state"].as_u64()) {
                        (_, Some(bit @ 0..=1)) => bit == 1,
                        (serde_json::Value::Bool(on), _) => {
                            log.finding(
                                "io-state-type",
                                format!("io/status gives {output}'s state as a boolean"),
                            );
                            *on
                        }
                        _ => {
                            return Err(Departure::Fail(format!(
                                "{output}: state is neither 0 nor 1: {item}"
                            )));
                        }
                    };
                    if state != run.on[index] {
                        return Err(Departure::Fail(format!(
                            "output {output} reads {}, but it was last set {}",
                            u8::from(state),
                            if run.on[index] { "on" } else { "off" }
                        )));
                    }
                }
                Ok(())
            }
        }
    }

    async fn finish(_: &mut Session<'_>, _: &mut Vec<String>, _: Outputs) {}

    async fn close(session: &mut Session<'_>, outputs: Vec<String>) {
        let mut log = Log::default();
        for port in outputs {
            let _ = log.send(session, ctrl(&port, false)).await;
        }
    }
}
