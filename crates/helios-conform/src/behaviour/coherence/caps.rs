//! What a caps function declares against what the device then reports: the ports of
//! `io/status` (`coherence.caps.ports`) and the events a channel delivers
//! (`coherence.caps.events`).

use std::collections::BTreeMap;

use helios_client::{Call, Exchange};
use helios_spec::Function;
use helios_spec::functions::{io, log, switch};
use serde_json::Value;

use super::history::History;
use super::{Judged, Seen, available, outcome};
use crate::model::Log;
use crate::run::Outcome;
use crate::session::Session;

/// The ports of an `io/caps` or `io/status` result: name and the item.
fn port_items(result: &Value) -> Result<Vec<(String, Value)>, Judged> {
    let items = result["ports"]
        .as_array()
        .ok_or_else(|| Judged::Fail(format!("no ports list: {result}")))?;
    items
        .iter()
        .map(|item| match item["port"].as_str() {
            Some(port) => Ok((port.to_owned(), item.clone())),
            None => Err(Judged::Fail(format!("a port item without a port: {item}"))),
        })
        .collect()
}

pub(super) async fn ports(session: &mut Session<'_>, seen: &mut Seen) -> Outcome {
    let mut log = Log::default();
    let judged = match judge_ports(session, seen, &mut log).await {
        Ok(judged) | Err(judged) => judged,
    };
    outcome(
        "coherence.caps.ports",
        &io::status::FUNCTION,
        "io/status lists exactly the ports io/caps lists; with port, each answers that port alone",
        log,
        judged,
    )
}

async fn judge_ports(
    session: &mut Session<'_>,
    seen: &mut Seen,
    log: &mut Log,
) -> Result<Judged, Judged> {
    available(session, &[&io::caps::FUNCTION, &io::status::FUNCTION])?;
    let mut read = async |function: &'static Function,
                          port: Option<&str>|
           -> Result<Vec<(String, Value)>, Judged> {
        let mut call = Call::new(function);
        if let Some(port) = port {
            call = call.param("port", port);
        }
        let what = match port {
            Some(port) => format!("{} port={port}", function.short_path()),
            None => function.short_path().to_owned(),
        };
        let answer = seen.send(session, log, call).await?;
        port_items(answer.success()?).map_err(|judged| match judged {
            Judged::Fail(why) => Judged::Fail(format!("{what}: {why}")),
            other => other,
        })
    };
    let declared: BTreeMap<String, Value> =
        read(&io::caps::FUNCTION, None).await?.into_iter().collect();
    let stated: BTreeMap<String, Value> = read(&io::status::FUNCTION, None)
        .await?
        .into_iter()
        .collect();
    let missing: Vec<&String> = declared
        .keys()
        .filter(|p| !stated.contains_key(*p))
        .collect();
    let extra: Vec<&String> = stated
        .keys()
        .filter(|p| !declared.contains_key(*p))
        .collect();
    if !missing.is_empty() || !extra.is_empty() {
        return Ok(Judged::Fail(format!(
            "io/status lists {:?} where io/caps lists {:?}: missing {missing:?}, extra {extra:?}",
            stated.keys().collect::<Vec<_>>(),
            declared.keys().collect::<Vec<_>>()
        )));
    }
    for (port, item) in &declared {
        for function in [&io::caps::FUNCTION, &io::status::FUNCTION] {
            let one = read(function, Some(port)).await?;
            let alone = match one.as_slice() {
                [(name, answered)] if name == port => {
                    function.path != io::caps::FUNCTION.path || answered["type"] == item["type"]
                }
                _ => false,
            };
            if !alone {
                let names: Vec<&String> = one.iter().map(|(name, _)| name).collect();
                return Ok(Judged::Fail(format!(
                    "{} port={port} answers {names:?}{}, not that port alone as io/caps lists it",
                    function.short_path(),
                    one.first()
                        .map(|(_, item)| format!(" ({item})"))
                        .unwrap_or_default()
                )));
            }
        }
    }
    Ok(Judged::Pass(format!(
        "{} ports, listed alike by io/caps and io/status, each alone with port",
        declared.len()
    )))
}

pub(super) async fn events(
    session: &mut Session<'_>,
    seen: &mut Seen,
    history: &History,
    evidence: &[Exchange],
) -> Outcome {
    let mut log = Log::default();
    let judged = match judge_events(session, seen, history, &mut log).await {
        Ok(judged) | Err(judged) => judged,
    };
    log.exchanges.extend_from_slice(evidence);
    outcome(
        "coherence.caps.events",
        &log::caps::FUNCTION,
        "every event delivered is of a type log/caps lists, and names a switch switch/caps \
         lists or a port io/caps lists as an input or an output as the event says",
        log,
        judged,
    )
}

async fn judge_events(
    session: &mut Session<'_>,
    seen: &mut Seen,
    history: &History,
    log: &mut Log,
) -> Result<Judged, Judged> {
    available(session, &[&log::caps::FUNCTION])?;
    let records = history.as_ref().map_err(Clone::clone)?;
    let answer = seen
        .send(session, log, Call::new(&log::caps::FUNCTION))
        .await?;
    let listed: Vec<String> = answer.success()?["events"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|e| e.as_str().map(str::to_owned))
        .collect();
    let discovered = &session.discovered;
    let switches = !discovered
        .unsupported
        .contains(&switch::caps::FUNCTION.path);
    let ports = !discovered.unsupported.contains(&io::caps::FUNCTION.path);
    for record in records {
        if !listed.contains(&record.name) {
            return Ok(Judged::Fail(format!(
                "{} was delivered, but log/caps lists only {listed:?}",
                record.describe()
            )));
        }
        let named = |field: &str| record.params.get(field).cloned().unwrap_or(Value::Null);
        let wrong = match record.name.as_str() {
            "SwitchStateChanged" if switches => {
                let id = named("switch").as_u64();
                (!discovered
                    .switches
                    .iter()
                    .any(|(listed, _)| Some(u64::from(*listed)) == id))
                .then(|| {
                    format!(
                        "switch {}, which switch/caps does not list",
                        named("switch")
                    )
                })
            }
            "InputChanged" | "OutputChanged" if ports => {
                let (kind, list) = if record.name == "InputChanged" {
                    ("an input", &discovered.inputs)
                } else {
                    ("an output", &discovered.outputs)
                };
                let port = named("port");
                (!list.iter().any(|p| port.as_str() == Some(p.as_str())))
                    .then(|| format!("port {port}, which io/caps does not list as {kind}"))
            }
            _ => None,
        };
        if let Some(wrong) = wrong {
            return Ok(Judged::Fail(format!("{} names {wrong}", record.describe())));
        }
    }
    Ok(Judged::Pass(format!(
        "{} events, each of a type log/caps lists ({} types) and naming what the caps list",
        records.len(),
        listed.len()
    )))
}
