//! A transcript: the runner's own record of what one check sent and learnt (every exchange, the
//! evidence; what the lenient readers tolerated; a line per step), and the helpers that send a
//! call through the session and read its answer as a check needs it. (Not the device's event
//! log, which the `log/*` functions of the API read.)

use helios_client::{Call, Exchange};
use helios_spec::{ErrorCode, Function, Transport};
use helios_wire::envelope::Envelope;
use serde_json::Value;
use tokio::time::Instant;

use super::events::{Record, records};
use crate::case::Login;
use crate::findings::{Findings, envelope};
use crate::outcome::Outcome;
use crate::session::Session;
use crate::verdict::{Stop, Verdict};

/// A refusal: the error code and the parameter it names.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Refusal {
    pub code: u64,
    pub param: Option<String>,
}

/// One answer, with when its request left and its reply came back: the window in which the
/// device acted on it.
#[derive(Clone, Debug)]
pub struct Answer {
    /// The request as sent: its method, path and query (`GET /api/switch/ctrl?switch=1`).
    pub request: String,
    pub sent: Instant,
    pub received: Instant,
    pub reply: Result<Value, Refusal>,
}

/// The method, path and query of the request of `exchange`, for messages.
fn request_line(exchange: &Exchange) -> String {
    let request = &exchange.request;
    let target = request
        .url
        .find("://")
        .and_then(|scheme| {
            request.url[scheme + 3..]
                .find('/')
                .map(|at| scheme + 3 + at)
        })
        .map_or(request.url.as_str(), |at| &request.url[at..]);
    format!("{} {target}", request.method)
}

/// What one check (a model's sequence, an event, timing or coherence check) sent and learnt.
#[derive(Debug, Default)]
pub struct Transcript {
    pub exchanges: Vec<Exchange>,
    /// What the replies and events read departed in, as the lenient readers tolerated it, and
    /// the departures the checks admitted by an erratum.
    pub findings: Findings,
    /// A line per step, for the report.
    pub notes: Vec<String>,
}

impl Transcript {
    pub fn note(&mut self, line: String) {
        self.notes.push(line);
    }

    /// A departure a check admits: non-strict by `erratum`.
    pub fn finding(&mut self, erratum: &'static str, why: String) {
        self.findings.non_strict(erratum, why);
    }

    /// Keeps another sequence's findings (not its exchanges: a passing model case keeps the evidence
    /// of its findings only).
    pub fn absorb_findings(&mut self, other: Transcript) {
        self.findings.absorb(other.findings);
    }

    /// The records of a `log/pull` result, what their reader tolerated kept with the other
    /// findings; a departure no erratum rules non-strict stops the check.
    pub fn records(&mut self, result: &Value) -> Result<Vec<Record>, Stop> {
        records(result, &mut self.findings)
    }

    /// Reads an exchange's envelope as [`read`], what the reader tolerated kept with the other
    /// findings.
    pub fn read(&mut self, exchange: &Exchange) -> Result<Result<Value, Refusal>, Stop> {
        read(exchange, &mut self.findings)
    }

    /// Sends `call` as the full account.
    pub async fn send(&mut self, session: &mut Session<'_>, call: Call) -> Result<Answer, Stop> {
        let login = session.full_login();
        self.send_as(session, login, call).await
    }

    /// Sends `call` as `login` over the transport its service accepts, and reads the envelope.
    pub async fn send_as(
        &mut self,
        session: &mut Session<'_>,
        login: Login,
        call: Call,
    ) -> Result<Answer, Stop> {
        let transport: Transport = session.transport_for(call.function);
        let sent = Instant::now();
        let exchange = session.send(transport, login, call).await?;
        self.answer(exchange, sent)
    }

    /// Keeps `exchange`, sent at `sent` and received now, and reads its reply.
    fn answer(&mut self, exchange: Exchange, sent: Instant) -> Result<Answer, Stop> {
        let received = Instant::now();
        let reply = self.read(&exchange);
        let request = request_line(&exchange);
        self.exchanges.push(exchange);
        Ok(Answer {
            request,
            sent,
            received,
            reply: reply?,
        })
    }
}

impl Transcript {
    /// The outcome of the case `id` of a `check` (`"timing"`) that kept this transcript: a pass
    /// with what it saw, or the verdict its stop says; its exchanges are the evidence, and what
    /// the readers tolerated reaches the verdict when the case is finished.
    pub fn outcome(
        self,
        id: &str,
        function: &Function,
        check: &'static str,
        expected: &str,
        result: Result<String, Stop>,
    ) -> Outcome {
        let mut outcome = Outcome::new(id, function, check);
        outcome.expected = expected.into();
        outcome.verdict = match result {
            Ok(observed) => {
                outcome.observed = observed;
                Verdict::Pass
            }
            Err(stop) => stop.into(),
        };
        outcome.exchanges = self.exchanges;
        outcome.findings = self.findings;
        outcome
    }

    /// Sends `call` through a client of its own (checks that run side by side).
    pub async fn send_with(
        &mut self,
        client: &helios_client::Client,
        call: Call,
    ) -> Result<Answer, Stop> {
        let sent = Instant::now();
        let exchange = client.send(call).await?;
        self.answer(exchange, sent)
    }
}

/// The result or refusal an exchange carries; anything else is a departure. What the envelope's
/// reader tolerated goes to `findings`, and one that no erratum rules non-strict is a departure
/// too.
pub fn read(exchange: &Exchange, findings: &mut Findings) -> Result<Result<Value, Refusal>, Stop> {
    let mut found = Findings::default();
    let envelope = envelope(exchange, &mut found);
    let failed = found.verdict();
    findings.absorb(found);
    if let Verdict::Fail(why) = failed {
        return Err(Stop::Fail(why));
    }
    match envelope {
        Ok(Envelope::Success { result }) => Ok(Ok(result.unwrap_or(Value::Null))),
        Ok(Envelope::Failure { code, param, .. }) => Ok(Err(Refusal {
            code,
            param: param.map(|p| p.to_string()),
        })),
        Err(error) => Err(Stop::Fail(format!(
            "{} answered HTTP {} without the JSON envelope: {error}",
            exchange.request.url, exchange.response.status
        ))),
    }
}

impl Answer {
    /// The result of a call that must succeed.
    pub fn success(&self) -> Result<&Value, Stop> {
        match &self.reply {
            Ok(result) => Ok(result),
            Err(refusal) => Err(Stop::Fail(format!(
                "{} answered error {}{}; the model expects success",
                self.request,
                refusal.code,
                refusal
                    .param
                    .as_ref()
                    .map(|p| format!(" naming {p}"))
                    .unwrap_or_default()
            ))),
        }
    }

    /// A call that must be refused with `code` naming `param`; other codes an erratum admits
    /// (`admitted`) are non-strict findings.
    pub fn refused(
        &self,
        transcript: &mut Transcript,
        what: &str,
        code: ErrorCode,
        param: Option<&str>,
        admitted: &[(ErrorCode, &'static str)],
    ) -> Result<(), Stop> {
        let refusal = match &self.reply {
            Ok(_) => {
                return Err(Stop::Fail(format!(
                    "{what} succeeded; the model expects error {}",
                    code.code()
                )));
            }
            Err(refusal) => refusal,
        };
        if refusal.code == u64::from(code.code()) {
            if let Some(param) = param
                && refusal.param.as_deref().is_some_and(|named| named != param)
            {
                return Err(Stop::Fail(format!(
                    "{what} answered error {} naming {:?}, not {param}",
                    refusal.code, refusal.param
                )));
            }
            return Ok(());
        }
        match admitted
            .iter()
            .find(|(other, _)| u64::from(other.code()) == refusal.code)
        {
            Some((_, erratum)) => {
                transcript.finding(
                    erratum,
                    format!(
                        "{what} answered error {}, not {}",
                        refusal.code,
                        code.code()
                    ),
                );
                Ok(())
            }
            None => Err(Stop::Fail(format!(
                "{what} answered error {}; the model expects {}",
                refusal.code,
                code.code()
            ))),
        }
    }
}
