//! Property tests: every value written reads back equal, `respond` and `verify` agree, and
//! both agree with two independent implementations (digest_auth as a server would use it,
//! http-auth as a client would), so that a mistake shared by our two sides still shows.

use proptest::prelude::*;

use super::oracles::{digest_auth_response, request};
use super::*;

/// What may stand in a quoted string: visible ASCII, space and tab.
fn text() -> impl Strategy<Value = String> {
    "[\t -~]{0,24}"
}

fn token() -> impl Strategy<Value = String> {
    "[A-Za-z0-9!#$%&'*+.^_`|~-]{1,12}"
}

fn other_scheme() -> impl Strategy<Value = String> {
    token().prop_filter("a scheme this crate types", |s| {
        !s.eq_ignore_ascii_case("Basic") && !s.eq_ignore_ascii_case("Digest")
    })
}

fn known_algorithm() -> impl Strategy<Value = Algorithm> {
    prop_oneof![
        Just(Algorithm::Md5),
        Just(Algorithm::Md5Sess),
        Just(Algorithm::Sha256),
        Just(Algorithm::Sha256Sess),
        Just(Algorithm::Sha512_256),
        Just(Algorithm::Sha512_256Sess),
    ]
}

fn algorithm() -> impl Strategy<Value = Algorithm> {
    prop_oneof![
        4 => known_algorithm(),
        1 => text()
            .prop_map(|s| Algorithm::Other(s.clone()))
            .prop_filter("an unknown name", |a| matches!(Algorithm::parse(a.name()), Algorithm::Other(_))),
    ]
}

fn qop_options() -> impl Strategy<Value = Vec<Qop>> {
    prop_oneof![
        Just(vec![]),
        Just(vec![Qop::Auth]),
        Just(vec![Qop::AuthInt]),
        Just(vec![Qop::Auth, Qop::AuthInt]),
        Just(vec![Qop::AuthInt, Qop::Auth]),
    ]
}

fn digest_challenge() -> impl Strategy<Value = DigestChallenge> {
    (
        (text(), proptest::option::of(text()), text()),
        (proptest::option::of(text()), any::<bool>(), algorithm()),
        (qop_options(), any::<bool>(), any::<bool>()),
    )
        .prop_map(
            |(
                (realm, domain, nonce),
                (opaque, stale, algorithm),
                (qop, charset_utf8, userhash),
            )| {
                DigestChallenge {
                    realm,
                    domain,
                    nonce,
                    opaque,
                    stale,
                    algorithm,
                    qop,
                    charset_utf8,
                    userhash,
                }
            },
        )
}

fn challenge() -> impl Strategy<Value = Challenge> {
    prop_oneof![
        (text(), any::<bool>()).prop_map(|(realm, charset_utf8)| Challenge::Basic {
            realm,
            charset_utf8
        }),
        digest_challenge().prop_map(Challenge::Digest),
        (
            other_scheme(),
            proptest::collection::vec((token(), text()), 0..4)
        )
            .prop_map(|(scheme, params)| Challenge::Other { scheme, params }),
    ]
}

fn digest_response() -> impl Strategy<Value = DigestResponse> {
    let message_qop = (
        prop_oneof![Just(Qop::Auth), Just(Qop::AuthInt)],
        any::<u32>(),
        text(),
    )
        .prop_map(|(qop, nc, cnonce)| MessageQop { qop, nc, cnonce });
    (
        (any::<String>(), text(), text(), text()),
        (text(), algorithm(), proptest::option::of(text())),
        proptest::option::of(message_qop),
    )
        .prop_map(
            |((username, realm, nonce, uri), (response, algorithm, opaque), qop)| DigestResponse {
                username,
                realm,
                nonce,
                uri,
                response,
                algorithm,
                opaque,
                qop,
            },
        )
}

fn credentials() -> impl Strategy<Value = Credentials> {
    prop_oneof![
        ("[^:]{0,16}", any::<String>())
            .prop_map(|(user, password)| Credentials::Basic { user, password }),
        digest_response().prop_map(Credentials::Digest),
        (
            other_scheme(),
            prop_oneof![Just(String::new()), "[!-~]([\t -~]{0,20}[!-~])?"]
        )
            .prop_map(|(scheme, rest)| Credentials::Other { scheme, rest }),
    ]
}

/// A usable challenge and a request to sign against it.
fn signing() -> impl Strategy<Value = (DigestChallenge, String, String, String, Vec<u8>)> {
    (
        digest_challenge(),
        known_algorithm(),
        any::<String>(),
        any::<String>(),
        token(),
        proptest::collection::vec(any::<u8>(), 0..64),
    )
        .prop_map(
            |(mut challenge, algorithm, username, password, method, body)| {
                challenge.algorithm = algorithm;
                challenge.userhash = false;
                // RFC 2617 has no -sess form without qop: there would be no cnonce to bind.
                if challenge.algorithm.is_session() && challenge.qop.is_empty() {
                    challenge.qop = vec![Qop::Auth];
                }
                (challenge, username, password, method, body)
            },
        )
}

proptest! {
    #[test]
    fn challenges_read_back_equal(list in proptest::collection::vec(challenge(), 1..5)) {
        let written = write_challenges(&list).expect("generated values are writable");
        let parsed = parse_challenges(&[written.as_str()]);
        prop_assert_eq!(parsed, Ok((list.clone(), vec![])), "{}", written);
        // One header per challenge reads the same as one header with all of them.
        let each: Vec<String> = list
            .iter()
            .map(|c| c.to_header_value().expect("writable"))
            .collect();
        prop_assert_eq!(parse_challenges(&each), Ok((list, vec![])));
    }

    #[test]
    fn credentials_read_back_equal(credentials in credentials()) {
        let written = credentials.to_header_value().expect("generated values are writable");
        prop_assert_eq!(parse_authorization(&written), Ok(credentials), "{}", written);
    }

    #[test]
    fn respond_then_verify(
        (challenge, username, password, method, body) in signing(),
        uri in text(),
        cnonce in text(),
        nc in any::<u32>(),
    ) {
        let signed = request(&username, &password, &method, &body, &uri, &cnonce, nc);
        let response = challenge.respond(&signed).expect("a usable challenge");
        let header = Credentials::Digest(response.clone()).to_header_value().expect("writable");
        let Ok(Credentials::Digest(received)) = parse_authorization(&header) else {
            panic!("{header} does not read back");
        };
        prop_assert_eq!(&received, &response);
        prop_assert!(received.verify(&password, &method, &body));
        let (other_password, other_method) = (format!("{password}x"), format!("{method}X"));
        prop_assert!(!received.verify(&other_password, &method, &body));
        prop_assert!(!received.verify(&password, &other_method, &body));
        let mut tampered = body.clone();
        tampered.push(0);
        let covers_body = received.qop.as_ref().is_some_and(|q| q.qop == Qop::AuthInt);
        prop_assert_eq!(received.verify(&password, &method, &tampered), !covers_body);
        // digest_auth, another implementation, recomputes the same value as a server would.
        prop_assert_eq!(digest_auth_response(&received, &password, &method, &body), response.response);
    }

    /// http-auth, the client helios-client uses, signs exactly as we do for `auth` and the
    /// RFC 2069 form. (It picks auth-int only when given a body; see the test below.)
    #[test]
    fn http_auth_client_agrees(
        (challenge, username, password, method, _body) in signing(),
        uri in text(),
        cnonce in text(),
    ) {
        prop_assume!(challenge.qop.is_empty() || challenge.qop.contains(&Qop::Auth));
        let written = challenge.to_header_value().expect("writable");
        let refs = http_auth::parse_challenges(&written).expect("http-auth reads our challenge");
        let mut client = http_auth::DigestClient::try_from(&refs[0]).expect("a Digest challenge");
        let params = http_auth::PasswordParams { username: &username, password: &password, uri: &uri, method: &method, body: None };
        let theirs = client.respond_with_testing_cnonce(&params, &cnonce).expect("http-auth signs");
        let Ok(Credentials::Digest(theirs)) = parse_authorization(&theirs) else {
            panic!("{theirs} does not read");
        };
        let ours = challenge.respond(&request(&username, &password, &method, b"", &uri, &cnonce, 1)).expect("signs");
        prop_assert_eq!(&theirs.username, &ours.username);
        prop_assert_eq!(&theirs.response, &ours.response);
        // http-auth leaves `algorithm` out of the RFC 2069 form, which then reads as MD5.
        if !challenge.qop.is_empty() {
            prop_assert!(theirs.verify(&password, &method, b""));
        }
    }
}
