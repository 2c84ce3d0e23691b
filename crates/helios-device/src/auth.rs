//! Authentication (manual chapter 3, RFC 7617 and RFC 7616): Basic, and Digest with server
//! nonces that expire (answered with `stale=true`) and a nonce count that rejects replays (also
//! with `stale=true`: erratum `digest-used-count`); and the login blocking that repeated
//! failures from one address earn (`LoginBlocked`).
//!
//! Bounded under attack: nonces a client has proven (answered correctly once) live in a table
//! of their own, so that a flood of challenges to unauthenticated requests, which fills and
//! recycles the table of fresh nonces, never evicts a working client's nonce; each table holds
//! at most `MAX_NONCES`. Failure counters are forgotten when their window has passed.
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
/// Nonces kept at most in each table (fresh, proven); the oldest are dropped first.
pub const MAX_NONCES: usize = 4096;
/// Failure counters kept before the expired ones are swept.
const SWEEP_FAILURES_AT: usize = 1024;

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

/// Nonces in the order they entered a table, so that the oldest goes first in O(1).
#[derive(Debug, Default)]
struct NonceTable {
    nonces: HashMap<String, Nonce>,
    order: std::collections::VecDeque<String>,
}

impl NonceTable {
    fn insert(&mut self, key: String, nonce: Nonce) {
        while self.nonces.len() >= MAX_NONCES {
            let Some(oldest) = self.order.pop_front() else {
                break;
            };
            self.nonces.remove(&oldest);
        }
        // A key already gone from `nonces` may still sit in `order`: it is skipped above.
        self.order.push_back(key.clone());
        self.nonces.insert(key, nonce);
        if self.order.len() > 2 * MAX_NONCES {
            let nonces = &self.nonces;
            self.order.retain(|key| nonces.contains_key(key));
        }
    }
}

/// The server's authentication state.
#[derive(Debug)]
pub struct Authenticator {
    algorithm: DigestAlgorithm,
    /// Nonces sent in challenges and not yet answered correctly.
    fresh: NonceTable,
    /// Nonces a client has answered correctly at least once.
    proven: NonceTable,
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
            fresh: NonceTable::default(),
            proven: NonceTable::default(),
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
        let Some(nonce) = self
            .proven
            .nonces
            .get(&response.nonce)
            .or_else(|| self.fresh.nonces.get(&response.nonce))
        else {
            // A nonce this server never issued (or forgot): a fresh challenge, not a failure.
            return Err(self.deny(auth, attempt.now, true, "unknown nonce"));
        };
        if attempt.now.saturating_sub(nonce.issued) > NONCE_LIFETIME {
            self.proven.nonces.remove(&response.nonce);
            self.fresh.nonces.remove(&response.nonce);
            return Err(self.deny(auth, attempt.now, true, "the nonce has expired"));
        }
        if qop.nc <= nonce.last_nc {
            // A count already used: never accepted (a replay), but answered stale=true so
            // that a client sharing a nonce across parallel connections takes a fresh one
            // rather than failing (erratum `digest-used-count`). No failure is counted.
            return Err(self.deny(auth, attempt.now, true, "a nonce count already used"));
        }
        let verified = profile
            .account(&response.username)
            .filter(|account| response.verify(&account.password, attempt.method, attempt.body));
        match verified {
            Some(account) => {
                let user = account.user.clone();
                self.prove(&response.nonce, qop.nc);
                Ok(Caller::Account(user))
            }
            None => Err(self.fail(auth, attempt, "wrong user name or password")),
        }
    }

    /// Records a correct answer with count `nc` to `nonce`, moving it to the proven table.
    fn prove(&mut self, key: &str, nc: u32) {
        if let Some(nonce) = self.proven.nonces.get_mut(key) {
            nonce.last_nc = nc;
        } else if let Some(mut nonce) = self.fresh.nonces.remove(key) {
            nonce.last_nc = nc;
            self.proven.insert(key.to_owned(), nonce);
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
        if self.failures.len() >= SWEEP_FAILURES_AT {
            // Counters whose window passed without a block, and blocks that ended.
            let now = attempt.now;
            self.failures.retain(|_, f| match f.blocked_until {
                Some(until) => now < until,
                None => now.saturating_sub(f.first) <= FAILURE_WINDOW,
            });
        }
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
        let nonce = format!("{:032x}", self.rng.random::<u128>());
        self.fresh.insert(
            nonce.clone(),
            Nonce {
                issued: now,
                last_nc: 0,
            },
        );
        nonce
    }

    /// How many failure counters are kept (for tests of the bound).
    pub fn failure_counters(&self) -> usize {
        self.failures.len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn failure_counters_that_never_block_are_forgotten() {
        let profile = Profile::default_profile();
        let mut auth = Authenticator::new(&profile);
        let attempt = |peer: u32, now: u64| Attempt {
            authorization: Some(b"Basic d3Jvbmc6d3Jvbmc="),
            method: "GET",
            uri: helios_spec::functions::switch::status::FUNCTION.path,
            body: b"",
            peer: IpAddr::from(std::net::Ipv4Addr::from(peer)),
            now: Duration::from_secs(now),
        };
        // One wrong password from each of many addresses: none reaches the block threshold.
        for peer in 0..3 * SWEEP_FAILURES_AT as u32 {
            assert!(
                auth.check(&profile, Auth::Basic, &attempt(peer, 1))
                    .is_err()
            );
        }
        assert!(auth.failure_counters() <= 3 * SWEEP_FAILURES_AT);
        // Once their window has passed, the next failure sweeps them.
        let later = 2 + FAILURE_WINDOW.as_secs();
        assert!(
            auth.check(&profile, Auth::Basic, &attempt(u32::MAX, later))
                .is_err()
        );
        assert_eq!(auth.failure_counters(), 1);
    }
}
