//! Authentication (manual chapter 3, RFC 7617 and RFC 7616): Basic, and Digest with server
//! nonces that expire (answered with `stale=true`) and a nonce count that rejects replays; and
//! the login blocking that repeated failures from one address earn (`LoginBlocked`).
//!
//! The header grammar and the Digest arithmetic are helios-wire's; what is here is the state a
//! server keeps, which no library holds for us: which nonces it issued, when, and the highest
//! count seen for each.

use std::collections::HashMap;
use std::net::IpAddr;
use std::time::Duration;

use helios_spec::{Auth, ErrorCode};
use helios_wire::ApiError;
use helios_wire::auth::{
    Algorithm, Challenge, Credentials, DigestChallenge, DigestResponse, Qop, parse_authorization,
};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};

use crate::profile::{DigestAlgorithm, Profile};
use crate::reply::Refusal;

/// How long a nonce is good for.
pub const NONCE_LIFETIME: Duration = Duration::from_secs(300);
/// Failed logins from one address that block it (later firmware: 5 failures, 30 s).
pub const MAX_FAILURES: u32 = 5;
/// How long a blocked address stays blocked.
pub const BLOCK_TIME: Duration = Duration::from_secs(30);
/// Failures older than this are forgotten.
const FAILURE_WINDOW: Duration = Duration::from_secs(60);
/// Nonces kept at most; the oldest are dropped first.
const MAX_NONCES: usize = 4096;

/// The realm of every challenge.
pub const REALM: &str = "HTTP API";

/// Who a request was authenticated as.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Caller {
    /// The service asks for no authentication.
    Anonymous,
    Account(String),
}

/// Authentication's refusal: what the reply says, and whether it blocked the address just now
/// (so that the caller raises `LoginBlocked`).
#[derive(Clone, Debug)]
pub struct Denial {
    pub refusal: Refusal,
    pub blocked_now: Option<IpAddr>,
}

#[derive(Debug)]
struct Nonce {
    issued: Duration,
    last_nc: u32,
}

#[derive(Debug, Default)]
struct Failures {
    count: u32,
    first: Duration,
    blocked_until: Option<Duration>,
}

/// The server's authentication state.
#[derive(Debug)]
pub struct Authenticator {
    algorithm: DigestAlgorithm,
    nonces: HashMap<String, Nonce>,
    failures: HashMap<IpAddr, Failures>,
    rng: StdRng,
}

/// One request's view of authentication.
#[derive(Clone, Copy, Debug)]
pub struct Attempt<'a> {
    pub authorization: Option<&'a [u8]>,
    pub method: &'a str,
    /// The request target as sent: path and query.
    pub uri: &'a str,
    pub body: &'a [u8],
    pub peer: IpAddr,
    pub now: Duration,
}

impl Authenticator {
    pub fn new(profile: &Profile) -> Self {
        Self {
            algorithm: profile.device.digest_algorithm,
            nonces: HashMap::new(),
            failures: HashMap::new(),
            rng: StdRng::seed_from_u64(profile.device.seed ^ 0x6e6f_6e63_6573),
        }
    }

    /// Authenticates `attempt` for a service set to `auth`.
    pub fn check(
        &mut self,
        profile: &Profile,
        auth: Auth,
        attempt: &Attempt<'_>,
    ) -> Result<Caller, Denial> {
        if auth == Auth::None {
            return Ok(Caller::Anonymous);
        }
        if self.is_blocked(attempt.peer, attempt.now) {
            return Err(self.deny(auth, attempt.now, false, "the address is blocked"));
        }
        let Some(header) = attempt.authorization else {
            return Err(self.deny(auth, attempt.now, false, "no credentials"));
        };
        let credentials = match parse_authorization(header) {
            Ok(credentials) => credentials,
            Err(error) => {
                return Err(self.deny(auth, attempt.now, false, &format!("{error}")));
            }
        };
        match credentials {
            Credentials::Basic { user, password } => {
                if auth == Auth::Digest {
                    return Err(Denial {
                        refusal: ApiError::new(
                            ErrorCode::InvalidAuthMethod,
                            "Basic credentials where only Digest is enabled",
                        )
                        .into(),
                        blocked_now: None,
                    });
                }
                match profile.account(&user) {
                    Some(account) if account.password == password => {
                        Ok(Caller::Account(account.user.clone()))
                    }
                    _ => Err(self.fail(auth, attempt, "wrong user name or password")),
                }
            }
            Credentials::Digest(response) => self.check_digest(profile, auth, attempt, &response),
            Credentials::Other { scheme, .. } => Err(self.deny(
                auth,
                attempt.now,
                false,
                &format!("unknown scheme {scheme}"),
            )),
        }
    }

    fn check_digest(
        &mut self,
        profile: &Profile,
        auth: Auth,
        attempt: &Attempt<'_>,
        response: &DigestResponse,
    ) -> Result<Caller, Denial> {
        if response.realm != REALM || response.uri != attempt.uri {
            return Err(self.deny(auth, attempt.now, false, "realm or uri do not match"));
        }
        if response.algorithm != self.challenge_algorithm() {
            return Err(self.deny(auth, attempt.now, false, "unexpected algorithm"));
        }
        let Some(qop) = &response.qop else {
            return Err(self.deny(auth, attempt.now, false, "qop=auth is required"));
        };
        if qop.qop != Qop::Auth {
            return Err(self.deny(auth, attempt.now, false, "qop=auth is required"));
        }
        let Some(nonce) = self.nonces.get(&response.nonce) else {
            // A nonce this server never issued (or forgot): a fresh challenge, not a failure.
            return Err(self.deny(auth, attempt.now, true, "unknown nonce"));
        };
        if attempt.now.saturating_sub(nonce.issued) > NONCE_LIFETIME {
            self.nonces.remove(&response.nonce);
            return Err(self.deny(auth, attempt.now, true, "the nonce has expired"));
        }
        if qop.nc <= nonce.last_nc {
            return Err(self.deny(auth, attempt.now, false, "a replayed nonce count"));
        }
        let verified = profile
            .account(&response.username)
            .filter(|account| response.verify(&account.password, attempt.method, attempt.body));
        match verified {
            Some(account) => {
                let user = account.user.clone();
                if let Some(nonce) = self.nonces.get_mut(&response.nonce) {
                    nonce.last_nc = qop.nc;
                }
                Ok(Caller::Account(user))
            }
            None => Err(self.fail(auth, attempt, "wrong user name or password")),
        }
    }

    fn challenge_algorithm(&self) -> Algorithm {
        match self.algorithm {
            DigestAlgorithm::Md5 => Algorithm::Md5,
            DigestAlgorithm::Sha256 => Algorithm::Sha256,
        }
    }

    fn is_blocked(&mut self, peer: IpAddr, now: Duration) -> bool {
        let Some(failures) = self.failures.get_mut(&peer) else {
            return false;
        };
        match failures.blocked_until {
            Some(until) if now < until => true,
            Some(_) => {
                self.failures.remove(&peer);
                false
            }
            None => false,
        }
    }

    /// A wrong password or user: counts towards blocking the address.
    fn fail(&mut self, auth: Auth, attempt: &Attempt<'_>, why: &str) -> Denial {
        let failures = self.failures.entry(attempt.peer).or_default();
        if attempt.now.saturating_sub(failures.first) > FAILURE_WINDOW || failures.count == 0 {
            failures.count = 0;
            failures.first = attempt.now;
        }
        failures.count += 1;
        let blocked_now = (failures.count >= MAX_FAILURES && failures.blocked_until.is_none())
            .then(|| {
                failures.blocked_until = Some(attempt.now + BLOCK_TIME);
                attempt.peer
            });
        let mut denial = self.deny(auth, attempt.now, false, why);
        denial.blocked_now = blocked_now;
        denial
    }

    /// Error 9 with a challenge for each scheme the service accepts: Digest, and Basic too on a
    /// Basic service (erratum `basic-accepts-digest`).
    fn deny(&mut self, auth: Auth, now: Duration, stale: bool, why: &str) -> Denial {
        let mut challenges = Vec::new();
        if auth == Auth::Basic {
            let basic = Challenge::Basic {
                realm: REALM.to_owned(),
                charset_utf8: false,
            };
            challenges.extend(basic.to_header_value().ok());
        }
        let digest = Challenge::Digest(DigestChallenge {
            realm: REALM.to_owned(),
            domain: None,
            nonce: self.issue_nonce(now),
            opaque: None,
            stale,
            algorithm: self.challenge_algorithm(),
            qop: vec![Qop::Auth],
            charset_utf8: false,
            userhash: false,
        });
        challenges.extend(digest.to_header_value().ok());
        Denial {
            refusal: Refusal {
                error: ApiError::new(ErrorCode::AuthRequired, why),
                challenges,
            },
            blocked_now: None,
        }
    }

    fn issue_nonce(&mut self, now: Duration) -> String {
        if self.nonces.len() >= MAX_NONCES {
            let oldest = self
                .nonces
                .iter()
                .min_by_key(|(_, nonce)| nonce.issued)
                .map(|(key, _)| key.clone());
            if let Some(oldest) = oldest {
                self.nonces.remove(&oldest);
            }
        }
        let nonce = format!("{:032x}", self.rng.random::<u128>());
        self.nonces.insert(
            nonce.clone(),
            Nonce {
                issued: now,
                last_nc: 0,
            },
        );
        nonce
    }
}
