//! Unit tests of the challenge side and the Digest arithmetic: the RFCs' own examples, what
//! devices send, and the limits.

use super::*;

const RFC7616_NONCE: &str = "7ypf/xlj9XXwfDPEoM4URrv/xwf94BcCAzFZH4GiTo0v";
const RFC7616_OPAQUE: &str = "FQhe/qaU925kfnzjCev0ciny7QMkPqMAFRtzCUYo5tdS";
const RFC7616_CNONCE: &str = "f2/wE4q74E6zIJEtWaHKaf5wv/H5QzzpXusqGemxURZJ";

pub(super) fn challenges(headers: &[&str]) -> Vec<Challenge> {
    let (challenges, findings) = parse_challenges(headers).expect("the headers parse");
    assert_eq!(findings, vec![], "no findings expected");
    challenges
}

pub(super) fn digest(challenge: &Challenge) -> &DigestChallenge {
    match challenge {
        Challenge::Digest(digest) => digest,
        other => panic!("not Digest: {other:?}"),
    }
}

pub(super) fn mufasa<'a>(password: &'a str, cnonce: &'a str) -> DigestRequest<'a> {
    DigestRequest {
        username: "Mufasa",
        password,
        method: "GET",
        uri: "/dir/index.html",
        body: b"",
        cnonce,
        nc: 1,
        qop: None,
    }
}

/// RFC 7616 3.9.1: one header with a SHA-256 and an MD5 challenge, and the exact responses.
#[test]
fn rfc7616_sha256_and_md5_example() {
    let header = format!(
        "Digest realm=\"http-auth@example.org\", qop=\"auth, auth-int\", algorithm=SHA-256, \
         nonce=\"{RFC7616_NONCE}\", opaque=\"{RFC7616_OPAQUE}\", \
         Digest realm=\"http-auth@example.org\", qop=\"auth, auth-int\", algorithm=MD5, \
         nonce=\"{RFC7616_NONCE}\", opaque=\"{RFC7616_OPAQUE}\""
    );
    let parsed = challenges(&[header.as_str()]);
    assert_eq!(parsed.len(), 2);
    let sha256 = digest(&parsed[0]);
    assert_eq!(sha256.algorithm, Algorithm::Sha256);
    assert_eq!(sha256.qop, vec![Qop::Auth, Qop::AuthInt]);
    assert_eq!(sha256.opaque.as_deref(), Some(RFC7616_OPAQUE));
    let md5 = digest(&parsed[1]);
    assert_eq!(md5.algorithm, Algorithm::Md5);

    let request = mufasa("Circle of Life", RFC7616_CNONCE);
    let sha256_response = sha256.respond(&request).expect("SHA-256 is supported");
    assert_eq!(
        sha256_response.response,
        "753927fa0e85d155564e2e272a28d1802ca10daf4496794697cf8db5856cb6c1"
    );
    let md5_response = md5.respond(&request).expect("MD5 is supported");
    assert_eq!(md5_response.response, "8ca523f5e9506fed4657c9700eebdbec");

    // The RFC's Authorization header, as a server receives it.
    let authorization = format!(
        "Digest username=\"Mufasa\", realm=\"http-auth@example.org\", uri=\"/dir/index.html\", \
         algorithm=SHA-256, nonce=\"{RFC7616_NONCE}\", nc=00000001, cnonce=\"{RFC7616_CNONCE}\", \
         qop=auth, response=\"753927fa0e85d155564e2e272a28d1802ca10daf4496794697cf8db5856cb6c1\", \
         opaque=\"{RFC7616_OPAQUE}\""
    );
    let Ok(Credentials::Digest(received)) = parse_authorization(&authorization) else {
        panic!("the RFC's Authorization parses as Digest");
    };
    assert_eq!(received, sha256_response);
    assert!(received.verify("Circle of Life", "GET", b""));
    assert!(!received.verify("Circle Of Life", "GET", b""));
    // Our writer produces exactly the RFC's parameter order and spelling.
    assert_eq!(
        Credentials::Digest(sha256_response).to_header_value(),
        Ok(authorization)
    );
}

/// RFC 2617 3.5: the classic MD5 example, response 6629fae49393a05397450978507c4ef1.
#[test]
fn rfc2617_example() {
    let parsed = challenges(&[
        "Digest realm=\"testrealm@host.com\", qop=\"auth,auth-int\", \
         nonce=\"dcd98b7102dd2f0e8b11d0f600bfb0c093\", \
         opaque=\"5ccc069c403ebaf9f0171e9517f40e41\"",
    ]);
    let challenge = digest(&parsed[0]);
    assert_eq!(challenge.algorithm, Algorithm::Md5, "MD5 when unnamed");
    let response = challenge
        .respond(&mufasa("Circle Of Life", "0a4f113b"))
        .expect("MD5");
    assert_eq!(response.response, "6629fae49393a05397450978507c4ef1");

    let received = parse_authorization(
        "Digest username=\"Mufasa\", realm=\"testrealm@host.com\", \
         nonce=\"dcd98b7102dd2f0e8b11d0f600bfb0c093\", uri=\"/dir/index.html\", qop=auth, \
         nc=00000001, cnonce=\"0a4f113b\", response=\"6629fae49393a05397450978507c4ef1\", \
         opaque=\"5ccc069c403ebaf9f0171e9517f40e41\"",
    );
    assert_eq!(received, Ok(Credentials::Digest(response.clone())));
    assert!(response.verify("Circle Of Life", "GET", b""));
    assert!(!response.verify("Circle Of Life", "POST", b""));
}

/// RFC 2069 2.4 as corrected by erratum 749: no qop, so no nc or cnonce either.
#[test]
fn rfc2069_form_without_qop() {
    let parsed = challenges(&[
        "Digest realm=\"testrealm@host.com\", nonce=\"dcd98b7102dd2f0e8b11d0f600bfb0c093\", \
         opaque=\"5ccc069c403ebaf9f0171e9517f40e41\"",
    ]);
    let response = digest(&parsed[0])
        .respond(&mufasa("CircleOfLife", "unused"))
        .expect("MD5");
    assert_eq!(response.qop, None);
    assert_eq!(response.response, "1949323746fe6a43ef61f9606e7febea");
    let header = Credentials::Digest(response.clone())
        .to_header_value()
        .expect("writes");
    assert!(!header.contains("cnonce"), "{header}");
    assert_eq!(
        parse_authorization(&header),
        Ok(Credentials::Digest(response))
    );
}

/// What a device with a Basic service sends (erratum `basic-accepts-digest`): Basic and
/// Digest, in one header or in two, in the order sent.
#[test]
fn several_challenges_in_one_header_or_several() {
    let basic = "Basic realm=\"HTTP API\"";
    let digest_text = "Digest realm=\"HTTP API\", qop=\"auth\", nonce=\"6a3c11\", algorithm=MD5";
    let one = challenges(&[format!("{basic}, {digest_text}").as_str()]);
    let two = challenges(&[basic, digest_text]);
    assert_eq!(one, two);
    assert_eq!(
        one[0],
        Challenge::Basic {
            realm: "HTTP API".into(),
            charset_utf8: false
        }
    );
    assert_eq!(digest(&one[1]).nonce, "6a3c11");
    let written = write_challenges(&one).expect("writes");
    assert_eq!(challenges(&[written.as_str()]), one);
}

#[test]
fn unknown_schemes_and_params_are_kept_or_skipped() {
    let parsed = challenges(
        &["Negotiate, Bearer realm=\"api\", error=\"invalid_token\", \
         Digest realm=\"r\", nonce=\"n\", qop=\"auth-conf, auth\", vendor=\"x\""],
    );
    assert_eq!(
        parsed[0],
        Challenge::Other {
            scheme: "Negotiate".into(),
            params: vec![]
        }
    );
    assert_eq!(
        parsed[1],
        Challenge::Other {
            scheme: "Bearer".into(),
            params: vec![
                ("realm".into(), "api".into()),
                ("error".into(), "invalid_token".into())
            ]
        }
    );
    assert_eq!(digest(&parsed[2]).qop, vec![Qop::Auth]);
}

#[test]
fn quoted_strings_with_backslash_escapes() {
    let parsed = challenges(&[r#"Digest realm="a \"quoted\" \\ realm", nonce="\n\o""#]);
    let challenge = digest(&parsed[0]);
    assert_eq!(challenge.realm, r#"a "quoted" \ realm"#);
    assert_eq!(
        challenge.nonce, "no",
        "a quoted-pair stands for its character"
    );
    let written = challenge.to_header_value().expect("writes");
    assert!(
        written.contains(r#"realm="a \"quoted\" \\ realm""#),
        "{written}"
    );
}

#[test]
fn scheme_and_parameter_names_are_case_insensitive() {
    let parsed =
        challenges(&["dIGEST REALM=\"r\", Nonce=\"n\", QOP=\"AUTH-INT\", ALGORITHM=sha-256"]);
    let challenge = digest(&parsed[0]);
    assert_eq!(challenge.qop, vec![Qop::AuthInt]);
    assert_eq!(challenge.algorithm, Algorithm::Sha256);
    assert!(matches!(
        parse_authorization("bASIC QWxhZGRpbjpvcGVuIHNlc2FtZQ=="),
        Ok(Credentials::Basic { .. })
    ));
}

/// Devices rotate nonces; a long-polling client sees `stale=true` and retries.
#[test]
fn stale() {
    let parsed = challenges(&["Digest realm=\"r\", nonce=\"new\", stale=TRUE, qop=\"auth\""]);
    assert!(digest(&parsed[0]).stale);
    let written = parsed[0].to_header_value().expect("writes");
    assert!(written.contains("stale=true"), "{written}");
    let (parsed, findings) =
        parse_challenges(&["Digest realm=\"r\", nonce=\"n\", stale=\"maybe\""]).expect("parses");
    assert!(!digest(&parsed[0]).stale);
    assert_eq!(findings.len(), 1, "{findings:?}");
}

#[test]
fn an_unusable_challenge_is_left_out_with_a_finding() {
    let (parsed, findings) = parse_challenges(&[
        "Digest realm=\"r\", qop=\"auth\"",
        "Digest realm=\"r\", nonce=\"a\", nonce=\"b\"",
        "Digest realm=\"r\", nonce=\"n\", qop=\"auth-conf\"",
        "Basic",
    ])
    .expect("parses");
    assert_eq!(
        parsed,
        vec![Challenge::Basic {
            realm: String::new(),
            charset_utf8: false
        }]
    );
    assert_eq!(findings.len(), 4, "{findings:?}");
    assert!(
        findings[0].message.contains("nonce is missing"),
        "{findings:?}"
    );
}

#[test]
fn limits_and_bad_bytes_are_clear_errors() {
    let many = vec!["Basic realm=\"r\""; MAX_CHALLENGES + 1].join(", ");
    assert_eq!(
        parse_challenges(&[many.as_str()]),
        Err(AuthError::TooManyChallenges {
            limit: MAX_CHALLENGES
        })
    );
    let headers = vec!["Basic realm=\"r\""; MAX_HEADERS + 1];
    assert_eq!(
        parse_challenges(&headers),
        Err(AuthError::TooManyHeaders { limit: MAX_HEADERS })
    );
    let split = vec!["Basic realm=\"r\", Basic realm=\"s\""; 9];
    assert!(matches!(
        parse_challenges(&split),
        Err(AuthError::TooManyChallenges { .. })
    ));
    let long = format!("Basic realm=\"{}\"", "r".repeat(MAX_HEADER_BYTES));
    assert!(matches!(
        parse_challenges(&[long.as_str()]),
        Err(AuthError::TooLong { .. })
    ));
    let params = (0..=MAX_PARAMS)
        .map(|i| format!("p{i}=v"))
        .collect::<Vec<_>>();
    let wide = format!("Digest {}", params.join(", "));
    assert!(matches!(
        parse_challenges(&[wide.as_str()]),
        Err(AuthError::TooManyParams { .. })
    ));
    assert_eq!(
        parse_challenges(&[b"Basic realm=\"\xff\"".as_slice()]),
        Err(AuthError::NotUtf8)
    );
    assert_eq!(parse_authorization(b"Basic \xc3"), Err(AuthError::NotUtf8));
    assert!(matches!(
        parse_challenges(&["Digest  realm=\"two spaces\""]),
        Err(AuthError::Syntax(_))
    ));
}

#[test]
fn userhash_is_refused_clearly() {
    let parsed = challenges(&["Digest realm=\"r\", nonce=\"n\", qop=\"auth\", userhash=true"]);
    assert_eq!(
        digest(&parsed[0]).respond(&mufasa("p", "c")),
        Err(AuthError::Userhash)
    );
    assert_eq!(
        parse_authorization(
            "Digest username=\"4a1c\", realm=\"r\", nonce=\"n\", uri=\"/\", response=\"0\", \
             userhash=true"
        ),
        Err(AuthError::Userhash)
    );
}
