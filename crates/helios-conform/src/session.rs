//! A session with one device: what discovery found, one client per login and transport, and
//! the pacing that keeps the runner under the profile's rate limit. Every part of the runner
//! (request cases, stateful models, timing checks, destructive groups) sends through it.

use std::collections::HashMap;
use std::time::Duration;

use helios_client::{AuthMode, Call, Client, ClientError, Exchange};
use helios_spec::functions::{camera, display, io, log, phone, switch, system};
use helios_spec::{ErrorCode, Function, Tier, Transport, Version};
use helios_wire::envelope::Envelope;
use serde_json::Value;
use tokio::time::Instant;

use crate::budget::LoginBudget;
use crate::case::Login;
use crate::discovery::Discovered;
use crate::findings::{Findings, envelope};
use crate::options::{DEFAULT_CONFIRM, Options, Target};
use crate::profile::Checked;
use crate::verdict::{STALLED, Stop, UNANSWERED};

/// The default number of generated requests per property (`--cases`).
pub const DEFAULT_CASES: u32 = 16;

/// Consecutive requests that get no answer at all (refused, reset, timed out) after which the
/// device is taken to have stopped answering and the run stops (`--stall-after`).
pub const DEFAULT_STALL_AFTER: u32 = 5;

/// Why the session has no exchange to give for a request: the lab's environment or the
/// runner's own limits, never a verdict on the device. Its words are those
/// [`crate::verdict::Verdict::undecided`] reads.
#[derive(Debug, thiserror::Error)]
pub enum SendError {
    /// The request got no answer at all (refused, reset, timed out).
    #[error("{UNANSWERED}: {0}")]
    NoAnswer(String),
    /// Not sent: the device had stopped answering (`--stall-after`), for this reason.
    #[error("{STALLED} ({0})")]
    Stalled(String),
    /// Not sent: one more failed login would trip the device's login blocking.
    #[error("the device blocks at the first failed login ([logins] block_after)")]
    LoginBudget,
    /// The target has no address for the transport.
    #[error("no {0:?} address")]
    NoAddress(Transport),
    /// The login names an account the profile does not have.
    #[error("no such account")]
    NoAccount,
    /// The client could not be built, or failed otherwise than by getting no answer.
    #[error("{0}")]
    Client(#[from] ClientError),
}

impl SendError {
    /// Whether the device got the request and gave no answer, or was not asked because it had
    /// stopped answering: the run's environment, an `error`.
    pub fn unanswered(&self) -> bool {
        matches!(self, Self::NoAnswer(_) | Self::Stalled(_))
    }
}

/// A check stopped by a request without an exchange: unanswered, or undecided by its words.
impl From<SendError> for Stop {
    fn from(error: SendError) -> Self {
        if error.unanswered() {
            Self::Unanswered(error.to_string())
        } else {
            Self::Undecided(error.to_string())
        }
    }
}

/// One device, as the runner sees it.
#[derive(Debug)]
pub struct Session<'a> {
    pub profile: &'a Checked,
    pub target: &'a Target,
    pub options: &'a Options,
    /// How long one request may take.
    pub timeout: Duration,
    pub discovered: Discovered,
    /// The firmware generation the device is judged by.
    pub firmware: Version,
    clients: HashMap<(Transport, Login), Client>,
    /// Failed logins, kept below what blocks the address.
    logins: LoginBudget,
    /// The time between two requests at the rate limit.
    spacing: Option<Duration>,
    next_send: Option<Instant>,
    /// Requests in a row that got no answer at all.
    unanswered: u32,
    /// Set once `unanswered` reaches the stall limit: the last transport failure.
    stalled: Option<String>,
    /// The case a confirmation sends again, and the recording of what it sent (see
    /// [`Session::confirming`]): it stands in for `--case` and the replay of [`Options`].
    focus: Option<(String, Option<Value>)>,
    /// While set, requests without an answer are expected (the device restarts on purpose)
    /// and do not count towards a stall.
    outage_expected: bool,
}

impl<'a> Session<'a> {
    /// Opens a session and runs discovery (`system/info` and every caps function).
    pub async fn open(profile: &'a Checked, target: &'a Target, options: &'a Options) -> Self {
        let mut session = Self::new(profile, target, options);
        session.discover().await;
        session
    }

    /// A session that has sent nothing yet: no discovery, judged by the declared firmware.
    pub fn new(profile: &'a Checked, target: &'a Target, options: &'a Options) -> Self {
        let rate = options.rate.unwrap_or(profile.rate);
        Self {
            profile,
            target,
            options,
            timeout: options
                .timeout
                .unwrap_or(Duration::from_secs(profile.timeout_seconds)),
            discovered: Discovered::default(),
            firmware: profile.firmware,
            clients: HashMap::new(),
            logins: LoginBudget::new(profile.logins),
            spacing: (rate > 0).then(|| Duration::from_secs(1) / rate),
            next_send: None,
            unanswered: 0,
            stalled: None,
            outage_expected: false,
            focus: None,
        }
    }

    /// Runs discovery (`system/info` and every caps function) and takes the firmware generation
    /// the device is judged by from it, unless `--firmware` says otherwise.
    pub async fn discover(&mut self) {
        self.discovered = discover(self).await;
        self.firmware = self
            .options
            .firmware
            .unwrap_or_else(|| self.discovered.firmware(self.profile.firmware));
    }

    /// Why the device is taken to have stopped answering: `--stall-after` requests in a row got
    /// no answer. Nothing more is sent once it has.
    pub fn stalled(&self) -> Option<&str> {
        self.stalled.as_deref()
    }

    /// Tells the session that the device is expected to be away (a restart it was asked
    /// for), or no longer.
    pub fn expect_outage(&mut self, expected: bool) {
        self.outage_expected = expected;
        self.unanswered = 0;
    }

    /// Whether a failed login now stays below the device's blocking, without waiting.
    pub fn login_budget_left(&self) -> bool {
        self.logins.has_room()
    }

    /// The seed of generated values (`--seed`), fixed by default so that two runs agree.
    pub fn seed(&self) -> u64 {
        self.options.seed.unwrap_or(0)
    }

    /// Generated requests per property (`--cases`).
    pub fn cases(&self) -> u32 {
        self.options.cases.unwrap_or(DEFAULT_CASES).max(1)
    }

    /// How many times a failure is sent again before it is reported (`--confirm`). A replay
    /// sends exactly what was recorded, once: it confirms nothing.
    pub fn confirmations(&self) -> u32 {
        if self.options.replay.is_some() {
            return 0;
        }
        self.options.confirm.unwrap_or(DEFAULT_CONFIRM)
    }

    /// Whether the operator allowed a tier, in the profile or with `--allow`.
    pub fn allowed(&self, tier: Tier) -> bool {
        tier.allowed_by_default()
            || self.profile.tiers.contains(&tier)
            || self.options.allow.contains(&tier)
    }

    /// Whether the selectors (`--only`, a replay's or confirmation's case id, `--rerun-failed`,
    /// `--shard`) select a case.
    pub fn selected(&self, id: &str, function: &Function) -> bool {
        self.options
            .selection(self.case_filter())
            .case(id, function)
    }

    /// Whether the selectors select a behaviour group whose case ids start with `group`.
    pub fn group_selected(&self, group: &str) -> bool {
        self.options.selection(self.case_filter()).group(group)
    }

    /// The one case the run is about, if any: the case being confirmed, or a replay's.
    pub fn case_filter(&self) -> Option<&str> {
        match &self.focus {
            Some((id, _)) => Some(id),
            None => self.options.case.as_deref(),
        }
    }

    /// What case `id` must send exactly, when it is the case being confirmed or replayed and
    /// its earlier outcome recorded what it sent.
    pub fn replay_of(&self, id: &str) -> Option<&Value> {
        if self.case_filter() != Some(id) {
            return None;
        }
        match &self.focus {
            Some((_, replay)) => replay.as_ref(),
            None => self.options.replay.as_ref(),
        }
    }

    /// Narrows the session to the case `id` while a failure of it is sent again, with what it
    /// sent (`replay`); `None` widens it again.
    pub fn confirming(&mut self, focus: Option<(String, Option<Value>)>) {
        self.focus = focus;
    }

    /// Why no valid call of `function` can succeed on this device, as declared and discovered:
    /// newer than its firmware, its service disabled, a licence absent, its hardware missing.
    pub fn unavailable(&self, function: &Function) -> Option<String> {
        if !function.origin.present_in(self.firmware) {
            return Some(format!(
                "{} is newer than firmware {}",
                function.path, self.firmware
            ));
        }
        if !self.profile.security(function.service).enabled {
            return Some(format!(
                "the {} service is disabled",
                function.service.name()
            ));
        }
        if let Some(licence) = function
            .licences
            .iter()
            .find(|l| !self.profile.has_licence(**l))
        {
            return Some(format!("no {} licence", licence.id()));
        }
        if self.discovered.unsupported.contains(&function.path) {
            return Some(format!("the model has no {}", function.path));
        }
        None
    }

    /// The login holding the most privileges.
    pub fn full_login(&self) -> Login {
        self.profile
            .accounts
            .iter()
            .enumerate()
            .max_by_key(|(_, a)| a.privileges.len())
            .map_or(Login::Anonymous, |(i, _)| Login::Account(i))
    }

    /// The transport a function's service accepts: HTTPS where it is required or where there is
    /// no plain-HTTP address, HTTP otherwise.
    pub fn transport_for(&self, function: &Function) -> Transport {
        let security = self.profile.security(function.service);
        if security.transport == Transport::Https || self.target.http.is_none() {
            Transport::Https
        } else {
            Transport::Http
        }
    }

    /// The client of a login over a transport, made on first use.
    pub fn client(&mut self, transport: Transport, login: Login) -> Result<&Client, SendError> {
        let client = match self.clients.remove(&(transport, login)) {
            Some(client) => client,
            None => self.make_client(transport, login)?,
        };
        Ok(self.clients.entry((transport, login)).or_insert(client))
    }

    /// A client of its own for a login, outside the session's pacing: for checks that run
    /// side by side (a long-poll while another request raises its event).
    pub fn fresh_client(&self, transport: Transport, login: Login) -> Result<Client, SendError> {
        if let Some(why) = &self.stalled {
            return Err(SendError::Stalled(why.clone()));
        }
        self.make_client(transport, login)
    }

    /// The logins of the profile's accounts, in the profile's order.
    pub fn account_logins(&self) -> Vec<Login> {
        (0..self.profile.accounts.len())
            .map(Login::Account)
            .collect()
    }

    fn make_client(&self, transport: Transport, login: Login) -> Result<Client, SendError> {
        let base = match transport {
            Transport::Http => self.target.http.as_ref(),
            Transport::Https => self.target.https.as_ref(),
        }
        .ok_or(SendError::NoAddress(transport))?;
        let mut builder = Client::builder(base)
            .timeout(self.timeout)
            .accept_invalid_certs(self.target.insecure);
        if let Some(pem) = &self.target.ca_pem {
            builder = builder.ca_pem(pem.clone());
        }
        builder = match login {
            Login::Anonymous => builder.auth(AuthMode::None),
            Login::WrongPassword(index) => {
                let account = self
                    .profile
                    .accounts
                    .get(index)
                    .ok_or(SendError::NoAccount)?;
                // Not derived from the password, which would carry it into the curl lines.
                const WRONG_PASSWORD: &str = "not-the-password";
                let wrong = if account.password == WRONG_PASSWORD {
                    "also-not-the-password"
                } else {
                    WRONG_PASSWORD
                };
                builder
                    .credentials(&account.user, wrong)
                    .reveal_password()
                    .auth(AuthMode::Auto)
            }
            Login::Account(index) | Login::Basic(index) => {
                let account = self
                    .profile
                    .accounts
                    .get(index)
                    .ok_or(SendError::NoAccount)?;
                builder.credentials(&account.user, &account.password).auth(
                    if matches!(login, Login::Basic(_)) {
                        AuthMode::Basic
                    } else {
                        AuthMode::Auto
                    },
                )
            }
        };
        Ok(builder.build()?)
    }

    /// Waits until the rate limit allows one more request.
    pub async fn pace(&mut self) {
        let Some(spacing) = self.spacing else {
            return;
        };
        let now = Instant::now();
        if let Some(next) = self.next_send
            && next > now
        {
            tokio::time::sleep_until(next).await;
        }
        self.next_send = Some(Instant::now() + spacing);
    }

    /// Sends one call as `login` over `transport`, paced. An error is the harness's or the
    /// network's, never a verdict on the device.
    pub async fn send(
        &mut self,
        transport: Transport,
        login: Login,
        call: Call,
    ) -> Result<Exchange, SendError> {
        if let Some(why) = &self.stalled {
            return Err(SendError::Stalled(why.clone()));
        }
        if matches!(login, Login::WrongPassword(_)) && !self.logins.admit().await {
            return Err(SendError::LoginBudget);
        }
        self.pace().await;
        let client = self.client(transport, login)?;
        let sent = match client.send(call).await {
            Ok(exchange) => {
                self.unanswered = 0;
                Ok(exchange)
            }
            Err(ClientError::Transport(why)) => {
                if !self.outage_expected {
                    self.unanswered += 1;
                }
                let error = SendError::NoAnswer(why.to_string());
                let limit = self.options.stall_after.unwrap_or(DEFAULT_STALL_AFTER);
                if limit > 0 && self.unanswered >= limit {
                    self.stalled = Some(format!(
                        "{} requests in a row got no answer; the last: {error}",
                        self.unanswered
                    ));
                }
                Err(error)
            }
            Err(other) => Err(SendError::Client(other)),
        };
        // Every refused login counts, planned or not.
        if login != Login::Anonymous
            && sent.as_ref().is_ok_and(|exchange| {
                exchange.response.status == ErrorCode::AuthRequired.http_status()
            })
        {
            self.logins.record();
        }
        sent
    }

    /// Sends one call as the full account over the transport its service accepts.
    pub async fn call(&mut self, call: Call) -> Result<Exchange, SendError> {
        let transport = self.transport_for(call.function);
        let login = self.full_login();
        self.send(transport, login, call).await
    }

    /// The result of a successful call, or the error code it answered (`None` when the reply
    /// was no envelope or the request failed). What the envelope's reader tolerated goes to
    /// `findings`, those of the case that asked.
    async fn result(&mut self, call: Call, findings: &mut Findings) -> Result<Value, Option<u64>> {
        let exchange = self.call(call).await.map_err(|_| None)?;
        match envelope(&exchange, findings) {
            Ok(Envelope::Success {
                result: Some(result),
            }) => Ok(result),
            Ok(Envelope::Success { result: None }) => Ok(Value::Null),
            Ok(Envelope::Failure { code, .. }) => Err(Some(code)),
            Err(_) => Err(None),
        }
    }
}

/// How discovery reads one caps result.
type Reader = fn(&mut Discovered, &Value);

async fn discover(session: &mut Session<'_>) -> Discovered {
    let mut found = Discovered::default();
    let info = Call::new(&system::info::FUNCTION);
    if let Ok(info) = session.result(info, &mut found.info_findings).await {
        found.read_info(&info);
    }
    let caps: [(&'static Function, Reader); 6] = [
        (&switch::caps::FUNCTION, Discovered::read_switch_caps),
        (&io::caps::FUNCTION, Discovered::read_io_caps),
        (&camera::caps::FUNCTION, Discovered::read_camera_caps),
        (&display::caps::FUNCTION, Discovered::read_display_caps),
        (&log::caps::FUNCTION, Discovered::read_log_caps),
        (&phone::status::FUNCTION, Discovered::read_phone_status),
    ];
    for (function, read) in caps {
        // Each caps reply is judged, findings and all, by the request cases of its function.
        match session
            .result(Call::new(function), &mut Findings::default())
            .await
        {
            Ok(result) => {
                read(&mut found, &result);
                found.answered.push(function.path);
            }
            Err(Some(code)) if code == u64::from(ErrorCode::NotSupported.code()) => {
                found.answered.push(function.path);
                let group = function
                    .path
                    .rsplit_once('/')
                    .map_or(function.path, |(group, _)| group);
                for other in helios_spec::FUNCTIONS
                    .iter()
                    .filter(|f| f.path.starts_with(group))
                {
                    found.unsupported.push(other.path);
                }
            }
            Err(_) => {}
        }
    }
    found
}
