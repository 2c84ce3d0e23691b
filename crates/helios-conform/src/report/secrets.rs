//! Passwords never reach a report. The profile's passwords are masked in every text a report
//! writes (expected, observed, why, attachments, the bodies of the exchanges kept as evidence),
//! a Basic `Authorization` header loses its credentials, curl lines read the password from
//! `$HELIOS_PASS_<USER>` (the client writes them so), and the copy of the profile in the
//! evidence keeps each password's SHA-256 only (`password = "sha256:<hex>"`).
//!
//! A replay needs the passwords back: [`restore_profile`] takes them from the profile given
//! again, or from the environment, and checks each against its recorded hash.
//!
//! A password that is also a user name of the profile is masked where it is a password (curl
//! lines, headers, the profile) but not in free text, where the user name shows anyway.

use std::fmt::Write as _;
use std::ops::Range;

use helios_client::{Exchange, RawResponse, password_variable};
use sha2::{Digest, Sha256};
use toml::de::{DeTable, DeValue};

/// What replaces a password in a report's text.
pub const MASK: &str = "<masked>";

/// How the evidence's copy of the profile writes a password: its SHA-256 after this.
pub const HASHED: &str = "sha256:";

/// The profile's passwords, and the forms they take in text (raw, XML, JSON and
/// percent-encoded), to mask wherever a report writes text.
#[derive(Clone, Debug, Default)]
pub struct Secrets {
    /// Each password in each of its forms, longest first.
    needles: Vec<String>,
}

impl Secrets {
    /// The passwords of a profile: every string under a key `password`, anywhere in it.
    pub fn of_profile(profile_text: &str) -> Self {
        let Ok(found) = passwords(profile_text) else {
            return Self::default();
        };
        let users: Vec<&str> = found.users.iter().map(String::as_str).collect();
        let mut needles: Vec<String> = Vec::new();
        for password in found.passwords.iter().map(|p| p.password.as_str()) {
            if password.is_empty() || users.contains(&password) {
                continue;
            }
            let json = serde_json::to_string(password).unwrap_or_default();
            let json = json
                .strip_prefix('"')
                .and_then(|j| j.strip_suffix('"'))
                .unwrap_or(password);
            let percent =
                percent_encoding::utf8_percent_encode(password, percent_encoding::NON_ALPHANUMERIC)
                    .to_string();
            for form in [password, &xml_escape(password), json, &percent] {
                if !needles.iter().any(|n| n == form) {
                    needles.push(form.to_owned());
                }
            }
        }
        needles.sort_by_key(|n| std::cmp::Reverse(n.len()));
        Self { needles }
    }

    /// `text` with every password masked.
    pub fn text(&self, text: &str) -> String {
        let mut text = text.to_owned();
        for needle in &self.needles {
            if text.contains(needle.as_str()) {
                text = text.replace(needle.as_str(), MASK);
            }
        }
        text
    }

    /// `bytes` with every password masked, when they are text (UTF-8); binary bodies (images,
    /// firmware) are kept as they are.
    pub fn bytes(&self, bytes: &[u8]) -> Vec<u8> {
        match std::str::from_utf8(bytes) {
            Ok(text) => self.text(text).into_bytes(),
            Err(_) => bytes.to_vec(),
        }
    }

    /// Every string of a JSON value masked, its structure kept.
    pub fn json(&self, value: &mut serde_json::Value) {
        match value {
            serde_json::Value::String(text) => *text = self.text(text),
            serde_json::Value::Array(items) => items.iter_mut().for_each(|v| self.json(v)),
            serde_json::Value::Object(map) => map.values_mut().for_each(|v| self.json(v)),
            _ => {}
        }
    }

    /// The exchange as a report keeps it: Basic credentials masked, every password masked in
    /// the request and the response.
    pub fn exchange(&self, exchange: &Exchange) -> Exchange {
        let mut masked = exchange.basic_masked();
        self.request(&mut masked);
        for (_, value) in &mut masked.response.headers {
            *value = self.text(value);
        }
        masked.response.body = self.bytes(&masked.response.body);
        masked
    }

    /// The curl line of an exchange, masked.
    pub fn curl(&self, exchange: &Exchange) -> String {
        let mut request = Exchange {
            request: exchange.request.clone(),
            response: RawResponse {
                status: exchange.response.status,
                headers: Vec::new(),
                body: Vec::new(),
            },
            elapsed: exchange.elapsed,
            curl_auth: exchange.curl_auth.clone(),
            insecure: exchange.insecure,
        }
        .basic_masked();
        self.request(&mut request);
        request.to_curl()
    }

    fn request(&self, exchange: &mut Exchange) {
        exchange.request.url = self.text(&exchange.request.url);
        for (_, value) in &mut exchange.request.headers {
            *value = self.text(value);
        }
        exchange.request.body = self.bytes(&exchange.request.body);
        exchange.curl_auth = exchange.curl_auth.as_deref().map(|auth| self.text(auth));
    }
}

/// The SHA-256 of `bytes` in lower-case hex.
pub fn sha256_hex(bytes: &[u8]) -> String {
    let mut hex = String::with_capacity(64);
    for byte in Sha256::digest(bytes) {
        let _ = write!(hex, "{byte:02x}");
    }
    hex
}

/// The profile as the evidence keeps it: each password replaced by `"sha256:<hex>"`, the rest
/// byte for byte. A profile that does not parse is withheld whole, since its passwords cannot
/// be found.
pub fn mask_profile(profile_text: &str) -> String {
    let Ok(found) = passwords(profile_text) else {
        return "# The profile did not parse as TOML, so its passwords could not be found: it is \
                withheld.\n"
            .into();
    };
    let mut text = profile_text.to_owned();
    for password in found.passwords.iter().rev() {
        let hashed = format!("{HASHED}{}", sha256_hex(password.password.as_bytes()));
        text.replace_range(password.span.clone(), &format!("\"{hashed}\""));
    }
    text
}

/// Where a replay finds the passwords that the recorded profile keeps only the hashes of.
#[derive(Clone, Copy)]
pub struct Supply<'a> {
    /// Profiles given again (`--profile FILE`), asked first.
    pub profiles: &'a [&'a str],
    /// The environment: `HELIOS_PASS_<USER>` ([`password_variable`]).
    pub env: &'a dyn Fn(&str) -> Option<String>,
    /// Profiles tried last and silently: the reference profile, for a run against the embedded
    /// reference intercom.
    pub fallback: &'a [&'a str],
}

impl std::fmt::Debug for Supply<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Supply")
            .field("profiles", &self.profiles.len())
            .field("fallback", &self.fallback.len())
            .finish_non_exhaustive()
    }
}

/// Why a recorded profile cannot be made whole again.
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct RestoreError(String);

/// The recorded profile with its passwords back: for each `"sha256:<hex>"`, the first password
/// supplied for the same account whose SHA-256 is `<hex>`. The error names what to supply.
pub fn restore_profile(masked: &str, supply: Supply<'_>) -> Result<String, RestoreError> {
    let found = passwords(masked)
        .map_err(|e| RestoreError(format!("the recorded profile does not parse: {e}")))?;
    let given: Vec<Found> = supply
        .profiles
        .iter()
        .filter_map(|text| passwords(text).ok())
        .collect();
    let fallback: Vec<Found> = supply
        .fallback
        .iter()
        .filter_map(|text| passwords(text).ok())
        .collect();
    let mut text = masked.to_owned();
    let mut missing = Vec::new();
    let mut wrong = Vec::new();
    for recorded in found.passwords.iter().rev() {
        let Some(hash) = recorded.password.strip_prefix(HASHED) else {
            continue;
        };
        let variable = password_variable(&recorded.owner.name());
        let of = |profiles: &[Found]| -> Vec<(String, String)> {
            profiles
                .iter()
                .flat_map(|f| &f.passwords)
                .filter(|p| p.owner == recorded.owner)
                .map(|p| ("--profile".to_owned(), p.password.clone()))
                .collect()
        };
        let mut explicit = of(&given);
        if let Some(password) = (supply.env)(&variable) {
            explicit.push((variable.clone(), password));
        }
        let matching = explicit
            .iter()
            .chain(&of(&fallback))
            .find(|(_, password)| sha256_hex(password.as_bytes()) == hash)
            .map(|(_, password)| password.clone());
        match matching {
            Some(password) => {
                let quoted = toml::Value::String(password).to_string();
                text.replace_range(recorded.span.clone(), &quoted);
            }
            None if explicit.is_empty() => {
                missing.push(format!("{} as {variable}", recorded.owner));
            }
            None => {
                let sources: Vec<&str> = explicit.iter().map(|(s, _)| s.as_str()).collect();
                wrong.push(format!("{} (from {})", recorded.owner, sources.join(", ")));
            }
        }
    }
    if missing.is_empty() && wrong.is_empty() {
        return Ok(text);
    }
    let mut why = String::from("the evidence keeps only the SHA-256 of the run's passwords");
    if !missing.is_empty() {
        missing.reverse();
        let _ = write!(
            why,
            "; a replay needs them: give the run's profile again with --profile FILE, or export \
             each password: {}",
            missing.join(", ")
        );
    }
    if !wrong.is_empty() {
        wrong.reverse();
        let _ = write!(
            why,
            "; the password given is not the one the run used (its SHA-256 differs) for {}",
            wrong.join(", ")
        );
    }
    Err(RestoreError(why))
}

/// Whose a password is: an account's (the `user` beside it) or a table's.
#[derive(Clone, Debug, PartialEq, Eq)]
enum Owner {
    User(String),
    Table(String),
}

impl Owner {
    fn name(&self) -> String {
        match self {
            Self::User(user) => user.clone(),
            Self::Table(path) => path.clone(),
        }
    }
}

impl std::fmt::Display for Owner {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::User(user) => write!(f, "account `{user}`"),
            Self::Table(path) => write!(f, "`{path}.password`"),
        }
    }
}

/// One password of a profile: where its TOML string is, whose it is, and what it is.
#[derive(Debug)]
struct Password {
    span: Range<usize>,
    owner: Owner,
    password: String,
}

/// What a profile holds that is secret or names an account.
#[derive(Debug, Default)]
struct Found {
    /// In the order of the text.
    passwords: Vec<Password>,
    users: Vec<String>,
}

fn passwords(text: &str) -> Result<Found, toml::de::Error> {
    let table = DeTable::parse(text)?;
    let mut found = Found::default();
    walk(table.get_ref(), &mut Vec::new(), &mut found);
    found.passwords.sort_by_key(|p| p.span.start);
    Ok(found)
}

fn walk(table: &DeTable<'_>, path: &mut Vec<String>, found: &mut Found) {
    let user = table.iter().find_map(|(key, value)| match value.get_ref() {
        DeValue::String(user) if key.get_ref() == "user" => Some(user.to_string()),
        _ => None,
    });
    if let Some(user) = &user {
        found.users.push(user.clone());
    }
    for (key, value) in table {
        match value.get_ref() {
            DeValue::String(password) if key.get_ref() == "password" => {
                found.passwords.push(Password {
                    span: value.span(),
                    owner: match &user {
                        Some(user) => Owner::User(user.clone()),
                        None => Owner::Table(path.join(".")),
                    },
                    password: password.to_string(),
                });
            }
            DeValue::Table(inner) => {
                path.push(key.get_ref().to_string());
                walk(inner, path, found);
                path.pop();
            }
            DeValue::Array(items) => {
                path.push(key.get_ref().to_string());
                for item in items {
                    if let DeValue::Table(inner) = item.get_ref() {
                        walk(inner, path, found);
                    }
                }
                path.pop();
            }
            _ => {}
        }
    }
}

fn xml_escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    const PROFILE: &str = r#"# a lab's profile
[device]
variant = "x"

[[accounts]]
user = "admin"
password = "Adm1n&<secret>"   # the full account
monitoring = ["system"]

[[accounts]]
password = 'lit"eral'
user = "viewer"

[[accounts]]
user = "same"
password = "same"

[smtp]
password = """multi
line"""
"#;

    fn no_env(_: &str) -> Option<String> {
        None
    }

    #[test]
    fn the_evidence_profile_keeps_hashes_and_everything_else() {
        let masked = mask_profile(PROFILE);
        for password in ["Adm1n&<secret>", "lit\"eral", "multi\nline"] {
            assert!(!masked.contains(password), "{masked}");
            assert!(
                masked.contains(&sha256_hex(password.as_bytes())),
                "{masked}"
            );
        }
        assert!(masked.contains("# the full account") && masked.starts_with("# a lab's profile"));
        let table: toml::Table = masked.parse().expect("still TOML");
        let admin = &table["accounts"][0]["password"];
        assert_eq!(
            admin.as_str(),
            Some(format!("{HASHED}{}", sha256_hex(b"Adm1n&<secret>")).as_str())
        );
        assert!(mask_profile("not = [toml").contains("withheld"));
    }

    #[test]
    fn a_replay_restores_the_passwords_from_the_profile_or_the_environment() {
        let masked = mask_profile(PROFILE);
        let restored = restore_profile(
            &masked,
            Supply {
                profiles: &[PROFILE],
                env: &no_env,
                fallback: &[],
            },
        )
        .expect("restored");
        let original: toml::Table = PROFILE.parse().expect("TOML");
        let again: toml::Table = restored.parse().expect("TOML");
        assert_eq!(original, again);

        // From the environment, one variable per account.
        let env = |name: &str| match name {
            "HELIOS_PASS_ADMIN" => Some("Adm1n&<secret>".to_owned()),
            "HELIOS_PASS_VIEWER" => Some("lit\"eral".to_owned()),
            "HELIOS_PASS_SAME" => Some("same".to_owned()),
            "HELIOS_PASS_SMTP" => Some("multi\nline".to_owned()),
            _ => None,
        };
        let restored = restore_profile(
            &masked,
            Supply {
                profiles: &[],
                env: &env,
                fallback: &[],
            },
        )
        .expect("restored");
        assert_eq!(original, restored.parse::<toml::Table>().expect("TOML"));
    }

    #[test]
    fn a_replay_says_what_to_supply() {
        let masked = mask_profile(PROFILE);
        let error = restore_profile(
            &masked,
            Supply {
                profiles: &[],
                env: &no_env,
                fallback: &[],
            },
        )
        .expect_err("nothing supplied")
        .to_string();
        assert!(
            error.contains("--profile FILE")
                && error.contains("account `admin` as HELIOS_PASS_ADMIN")
                && error.contains("account `viewer`")
                && error.contains("`smtp.password`"),
            "{error}"
        );
        // A wrong password is refused, not sent: its hash differs.
        let wrong = PROFILE.replace("Adm1n&<secret>", "guess");
        let error = restore_profile(
            &masked,
            Supply {
                profiles: &[&wrong],
                env: &no_env,
                fallback: &[],
            },
        )
        .expect_err("a wrong password")
        .to_string();
        assert!(
            error.contains("account `admin` (from --profile)") && error.contains("SHA-256 differs"),
            "{error}"
        );
        // The fallback (the reference profile of an embedded run) is enough when it matches.
        assert!(
            restore_profile(
                &masked,
                Supply {
                    profiles: &[],
                    env: &no_env,
                    fallback: &[PROFILE],
                },
            )
            .is_ok()
        );
    }

    #[test]
    fn every_form_of_a_password_is_masked_in_text() {
        let secrets = Secrets::of_profile(PROFILE);
        let text = "a Adm1n&<secret> b Adm1n&amp;&lt;secret&gt; c Adm1n%26%3Csecret%3E \
                    d lit\\\"eral e multi\nline";
        let masked = secrets.text(text);
        assert_eq!(
            masked,
            format!("a {MASK} b {MASK} c {MASK} d {MASK} e {MASK}"),
            "{masked}"
        );
        // A password that is a user name too stays, with the user name.
        assert_eq!(secrets.text("same"), "same");
        // Binary bodies are kept.
        let binary = [0xff, b'l', b'i', b't'];
        assert_eq!(secrets.bytes(&binary), binary);
        let mut json = serde_json::json!({"k": ["x Adm1n&<secret>", 1]});
        secrets.json(&mut json);
        assert_eq!(json, serde_json::json!({"k": [format!("x {MASK}"), 1]}));
    }
}
