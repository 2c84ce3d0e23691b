//! The health probe between behaviour groups: `system/status` must answer, and its uptime must
//! not go backwards unless the group restarted the device on purpose. An uptime that went back
//! is a silent restart, charged to the group that ran since the last probe.

use helios_client::Call;
use helios_spec::functions::system::status;
use helios_wire::envelope::Envelope;

use super::Group;
use crate::findings::Findings;
use crate::outcome::Outcome;
use crate::session::Session;
use crate::verdict::{Stop, Verdict};

/// How far the uptime may lag the runner's clock between two probes beyond the first probe's
/// round trip (the device read its clock somewhere within it): readings are whole seconds.
const SLACK_SECONDS: f64 = 1.5;

/// What the last probe saw.
#[derive(Debug, Default)]
pub struct Health {
    /// The device's uptime in seconds, when the runner asked for it, and how long the answer
    /// took.
    last: Option<(u64, tokio::time::Instant, std::time::Duration)>,
}

impl Health {
    /// Reads the uptime before the first group.
    pub async fn read(session: &mut Session<'_>) -> Self {
        // Before any group: nothing is judged by this reading, and every probe reads again.
        Self {
            last: uptime(session, &mut Findings::default()).await.ok(),
        }
    }

    /// Probes after `group`: one outcome, `health.after.<group>`.
    pub async fn probe(&mut self, session: &mut Session<'_>, group: &Group) -> Outcome {
        self.probe_after(session, group.id, group.restarts).await
    }

    /// Probes after the group `id`, which restarts the device on purpose when `restarts`.
    pub async fn probe_after(
        &mut self,
        session: &mut Session<'_>,
        id: &str,
        restarts: bool,
    ) -> Outcome {
        let mut outcome = Outcome::new(health_id(id), &status::FUNCTION, "health");
        outcome.expected = "system/status answers with an uptime that did not go back".into();
        let now = uptime(session, &mut outcome.findings).await;
        outcome.verdict = match (&self.last, &now) {
            // No answer at all is the network's or the lab's, not a departure from the manual;
            // a device that stops answering for good stops the run (a setup error).
            (_, Err(Stop::Unanswered(why))) => Verdict::Error(format!(
                "after {id}, the device's health probe got no answer: {why}"
            )),
            (_, Err(Stop::Fail(why))) => Verdict::Fail(format!(
                "after {id}, the device's health probe failed: {why}"
            )),
            (_, Err(other)) => other.clone().into(),
            // The uptime must keep pace with the runner's clock: losing more than the rounding
            // of two whole-second readings means it started again in between.
            (Some((before, read_at, took)), Ok((after, asked, _)))
                if !restarts
                    && (*after as f64) + SLACK_SECONDS + took.as_secs_f64()
                        < (*before as f64) + (*asked - *read_at).as_secs_f64() =>
            {
                Verdict::Fail(format!(
                    "the uptime went from {before} s to {after} s in {:.1} s: a silent restart \
                     during {id}",
                    read_at.elapsed().as_secs_f64(),
                ))
            }
            _ => Verdict::Pass,
        };
        if let Ok((seconds, _, _)) = now {
            outcome.observed = format!("uptime {seconds} s");
            self.last = now.ok();
        }
        outcome
    }
}

/// The device's uptime, with the instant it was read; what the reply's reader tolerated goes to
/// `findings`. A request without an answer is [`Stop::Unanswered`], a reply without an uptime
/// [`Stop::Fail`].
pub(super) async fn uptime(
    session: &mut Session<'_>,
    findings: &mut Findings,
) -> Result<(u64, tokio::time::Instant, std::time::Duration), Stop> {
    let asked = tokio::time::Instant::now();
    // The field's spelling comes from the spec: `upTime`.
    let field = status::FUNCTION
        .replies
        .iter()
        .filter_map(|reply| reply.result)
        .flatten()
        .find(|f| f.name.eq_ignore_ascii_case("uptime"))
        .map_or("upTime", |f| f.name);
    let exchange = session
        .call(Call::new(&status::FUNCTION))
        .await
        .map_err(|error| Stop::Unanswered(error.to_string()))?;
    match crate::findings::envelope(&exchange, findings) {
        Ok(Envelope::Success { result }) => result
            .as_ref()
            .and_then(|result| result.get(field))
            .and_then(serde_json::Value::as_u64)
            .map(|seconds| (seconds, asked, asked.elapsed()))
            .ok_or_else(|| Stop::Fail(format!("no {field} in the reply"))),
        Ok(Envelope::Failure { code, .. }) => Err(Stop::Fail(format!("error {code}"))),
        Err(_) => Err(Stop::Fail(format!(
            "HTTP {} without a JSON envelope",
            exchange.response.status
        ))),
    }
}

/// The id of the health probe after `group` (`health.after.<group>`).
pub fn health_id(group: &str) -> String {
    format!("health.after.{group}")
}
