//! The `auth_header` fuzz check: arbitrary bytes as `WWW-Authenticate` and `Authorization`
//! values, and the properties that must hold whatever they are.
//!
//! The input is split at newlines into header values, so that one input can hold the several
//! `WWW-Authenticate` headers of one 401; each line is also read as an `Authorization`.
//! Properties:
//!
//! - reading never panics, and refuses what is over the limits;
//! - what reads, writes; what is written reads back to the same value, without findings;
//! - `verify` never panics, and a response computed by `respond` to any challenge that read
//!   is accepted by `verify` after a trip through the header, and refused with another
//!   password.

use crate::auth::{
    AuthError, Challenge, Credentials, DigestRequest, MAX_HEADER_BYTES, parse_authorization,
    parse_challenges, write_challenges,
};

pub fn auth_header(data: &[u8]) {
    // Empty lines are dropped so that a corpus file may end with a newline.
    let headers: Vec<&[u8]> = data
        .split(|b| *b == b'\n')
        .filter(|line| !line.is_empty())
        .collect();
    challenges(&headers);
    for header in &headers {
        authorization(header);
    }
}

fn challenges(headers: &[&[u8]]) {
    let Ok((challenges, _findings)) = parse_challenges(headers) else {
        return;
    };
    if challenges.is_empty() {
        assert_eq!(write_challenges(&challenges), Err(AuthError::NoChallenge));
        return;
    }
    let written = write_challenges(&challenges).expect("challenges that read write");
    if fits(&written) {
        let reread = parse_challenges(&[written.as_str()]);
        assert_eq!(reread, Ok((challenges.clone(), vec![])), "{written}");
    }
    for challenge in &challenges {
        let alone = challenge.to_header_value().expect("writes");
        if fits(&alone) {
            let reread = parse_challenges(&[alone.as_str()]);
            assert_eq!(reread, Ok((vec![challenge.clone()], vec![])), "{alone}");
        }
        if let Challenge::Digest(digest) = challenge {
            sign_and_check(digest);
        }
    }
}

fn sign_and_check(challenge: &crate::auth::DigestChallenge) {
    let request = DigestRequest {
        username: "admin\u{e9}",
        password: "2n \"secret\"",
        method: "POST",
        uri: "/dir/index.html?switch=1&action=on",
        body: b"switch=1",
        cnonce: "0a4f113b",
        nc: 1,
        qop: None,
    };
    let response = match challenge.respond(&request) {
        Ok(response) => response,
        // The refusals this crate documents; anything else is a bug.
        Err(
            AuthError::Userhash
            | AuthError::UnsupportedAlgorithm(_)
            | AuthError::MissingParam {
                param: "cnonce", ..
            },
        ) => return,
        Err(other) => panic!("respond failed unexpectedly: {other}"),
    };
    let header = Credentials::Digest(response.clone())
        .to_header_value()
        .expect("a response to a challenge that read writes");
    if fits(&header) {
        let reread = parse_authorization(&header);
        assert_eq!(
            reread,
            Ok(Credentials::Digest(response.clone())),
            "{header}"
        );
    }
    assert!(response.verify(request.password, request.method, request.body));
    assert!(!response.verify("another password", request.method, request.body));
}

fn authorization(header: &[u8]) {
    let Ok(credentials) = parse_authorization(header) else {
        return;
    };
    let written = credentials
        .to_header_value()
        .expect("credentials that read write");
    if fits(&written) {
        assert_eq!(
            parse_authorization(&written),
            Ok(credentials.clone()),
            "{written}"
        );
    }
    if let Credentials::Digest(response) = &credentials {
        // Whatever the header says, checking it is total.
        let _ = response.verify("password", "GET", header);
    }
}

/// Whether a written value is within the reading limit. Writing is canonical, so it can be a
/// little longer than what was read (quotes around tokens, a default `algorithm`, several
/// headers joined into one); only values that fit can be expected to read back.
fn fits(value: &str) -> bool {
    value.len() <= MAX_HEADER_BYTES
}
