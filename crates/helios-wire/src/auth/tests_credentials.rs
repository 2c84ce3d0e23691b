//! Unit tests of the credentials side: Basic's base64, Digest's strict reading, `auth-int`,
//! the `-sess` algorithms and the `username*` notation.

use super::tests::{challenges, digest, mufasa};
use super::*;

/// RFC 7617 2 and 2.1's examples.
#[test]
fn basic_credentials() {
    let aladdin = Credentials::Basic {
        user: "Aladdin".into(),
        password: "open sesame".into(),
    };
    assert_eq!(
        aladdin.to_header_value(),
        Ok("Basic QWxhZGRpbjpvcGVuIHNlc2FtZQ==".into())
    );
    assert_eq!(
        parse_authorization("Basic QWxhZGRpbjpvcGVuIHNlc2FtZQ=="),
        Ok(aladdin)
    );
    assert_eq!(
        parse_authorization("Basic dGVzdDoxMjPCow=="),
        Ok(Credentials::Basic {
            user: "test".into(),
            password: "123\u{a3}".into()
        })
    );
    assert_eq!(
        parse_authorization("Basic dGVzdDoxMjPCow"),
        Err(AuthError::BadBase64)
    );
    assert_eq!(
        parse_authorization("Basic dGVzdA=="),
        Err(AuthError::NoColon)
    );
    assert_eq!(
        parse_authorization("Basic /w=="),
        Err(AuthError::CredentialsNotUtf8)
    );
    let colon = Credentials::Basic {
        user: "a:b".into(),
        password: String::new(),
    };
    assert!(matches!(
        colon.to_header_value(),
        Err(AuthError::Unrepresentable { .. })
    ));
}

#[test]
fn auth_int_covers_the_body() {
    let parsed = challenges(&["Digest realm=\"r\", nonce=\"n\", qop=\"auth-int\""]);
    let request = DigestRequest {
        body: b"{\"switch\":1}",
        method: "POST",
        ..mufasa("secret", "c")
    };
    let response = digest(&parsed[0]).respond(&request).expect("responds");
    assert_eq!(response.qop.as_ref().map(|q| q.qop), Some(Qop::AuthInt));
    assert!(response.verify("secret", "POST", b"{\"switch\":1}"));
    assert!(!response.verify("secret", "POST", b"{\"switch\":2}"));
    let auth_only = DigestRequest {
        qop: Some(Qop::Auth),
        ..request
    };
    assert_eq!(
        digest(&parsed[0]).respond(&auth_only),
        Err(AuthError::QopNotOffered(Qop::Auth))
    );
}

#[test]
fn sess_and_unknown_algorithms() {
    let parsed = challenges(&[
        "Digest realm=\"r\", nonce=\"n\", qop=\"auth\", algorithm=MD5-sess",
        "Digest realm=\"r\", nonce=\"n\", qop=\"auth\", algorithm=SHA-1",
    ]);
    let sess = digest(&parsed[0])
        .respond(&mufasa("p", "c1"))
        .expect("MD5-sess");
    assert!(sess.verify("p", "GET", b""));
    let other_cnonce = digest(&parsed[0])
        .respond(&mufasa("p", "c2"))
        .expect("MD5-sess");
    assert_ne!(sess.response, other_cnonce.response);
    assert_eq!(
        digest(&parsed[1]).respond(&mufasa("p", "c")),
        Err(AuthError::UnsupportedAlgorithm("SHA-1".into()))
    );
}

#[test]
fn digest_credentials_are_read_strictly() {
    let base = "Digest username=\"u\", realm=\"r\", nonce=\"n\", uri=\"/\", response=\"00\"";
    assert!(parse_authorization(base).is_ok());
    let cases: [(&str, AuthError); 6] = [
        (
            ", qop=auth, cnonce=\"c\"",
            AuthError::MissingParam {
                scheme: "Digest",
                param: "nc",
            },
        ),
        (
            ", qop=auth, nc=0000000A, cnonce=\"c\"",
            AuthError::InvalidParam {
                param: "nc",
                value: "0000000A".into(),
            },
        ),
        (", cnonce=\"c\"", AuthError::WithoutQop { param: "cnonce" }),
        (
            ", qop=auth-conf, nc=00000001, cnonce=\"c\"",
            AuthError::InvalidParam {
                param: "qop",
                value: "auth-conf".into(),
            },
        ),
        (
            ", username*=UTF-8''u",
            AuthError::DuplicateParam {
                scheme: "Digest",
                param: "username",
            },
        ),
        (
            ", Basic",
            AuthError::Syntax("an Authorization value holds one set of credentials".into()),
        ),
    ];
    for (suffix, error) in cases {
        assert_eq!(
            parse_authorization(format!("{base}{suffix}")),
            Err(error),
            "{suffix}"
        );
    }
}

/// RFC 7616 3.9.2's username "Jäsøn Doe" cannot stand in a quoted string: `username*`.
#[test]
fn username_extended_notation() {
    let received = parse_authorization(
        "Digest username*=UTF-8''J%C3%A4s%C3%B8n%20Doe, realm=\"api@example.org\", \
         uri=\"/doe.json\", nonce=\"n\", response=\"0\"",
    );
    let Ok(Credentials::Digest(received)) = received else {
        panic!("{received:?}");
    };
    assert_eq!(received.username, "J\u{e4}s\u{f8}n Doe");
    let written = received.to_header_value().expect("writes");
    assert!(
        written.starts_with("Digest username*=UTF-8''J%C3%A4s%C3%B8n%20Doe, "),
        "{written}"
    );
    assert_eq!(
        parse_authorization(&written),
        Ok(Credentials::Digest(received))
    );
}

#[test]
fn other_credentials_are_kept() {
    assert_eq!(
        parse_authorization("Bearer  mF_9.B5f-4.1JqM  "),
        Ok(Credentials::Other {
            scheme: "Bearer".into(),
            rest: "mF_9.B5f-4.1JqM".into()
        })
    );
    assert!(matches!(
        parse_authorization("=x"),
        Err(AuthError::Syntax(_))
    ));
    assert!(matches!(
        parse_authorization("Bearer=x"),
        Err(AuthError::Syntax(_))
    ));
}
