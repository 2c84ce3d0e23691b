//! Logic inputs and outputs (manual 5.11 to 5.13): outputs are set by `io/ctrl`, inputs by the
//! simulation (or a test).

use crate::profile::{Port, PortType};

#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum PortError {
    #[error("port {0} does not exist")]
    Unknown(String),
    #[error("port {0} is an input")]
    Input(String),
    #[error("port {0} is an output")]
    Output(String),
}

/// The simulated ports of a profile, in profile order.
#[derive(Clone, Debug)]
pub struct SimPorts {
    ports: Vec<(Port, bool)>,
}

impl SimPorts {
    pub fn new(config: &[Port]) -> Self {
        Self {
            ports: config
                .iter()
                .map(|port| (port.clone(), port.state))
                .collect(),
        }
    }

    fn set(&mut self, name: &str, on: bool, kind: PortType) -> Result<bool, PortError> {
        let (port, state) = self
            .ports
            .iter_mut()
            .find(|(port, _)| port.port == name)
            .ok_or_else(|| PortError::Unknown(name.to_owned()))?;
        if port.kind != kind {
            return Err(match port.kind {
                PortType::Input => PortError::Input(name.to_owned()),
                PortType::Output => PortError::Output(name.to_owned()),
            });
        }
        let changed = *state != on;
        *state = on;
        Ok(changed)
    }
}

impl super::Ports for SimPorts {
    fn ports(&self) -> Vec<(&Port, bool)> {
        self.ports
            .iter()
            .map(|(port, state)| (port, *state))
            .collect()
    }

    fn set_output(&mut self, name: &str, on: bool) -> Result<bool, PortError> {
        self.set(name, on, PortType::Output)
    }

    fn set_input(&mut self, name: &str, on: bool) -> Result<bool, PortError> {
        self.set(name, on, PortType::Input)
    }
}
