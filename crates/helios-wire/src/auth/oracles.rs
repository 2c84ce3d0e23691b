//! The two independent Digest implementations used as oracles (digest_auth as a server would
//! use it, http-auth as helios-client will), and the places where they depart from the RFC or
//! from what a parser of network bytes must be, pinned so that a change in them shows.

use std::borrow::Cow;

use super::*;

/// What a client signs: `DigestRequest` with the qop left to the challenge.
pub(super) fn request<'a>(
    username: &'a str,
    password: &'a str,
    method: &'a str,
    body: &'a [u8],
    uri: &'a str,
    cnonce: &'a str,
    nc: u32,
) -> DigestRequest<'a> {
    DigestRequest {
        username,
        password,
        method,
        uri,
        body,
        cnonce,
        nc,
        qop: None,
    }
}

/// digest_auth's server-side recomputation of the same response, from our typed fields.
pub(super) fn digest_auth_response(
    response: &DigestResponse,
    password: &str,
    method: &str,
    body: &[u8],
) -> String {
    use digest_auth::AlgorithmType as T;
    let (algo, sess) = match response.algorithm {
        Algorithm::Md5 => (T::MD5, false),
        Algorithm::Md5Sess => (T::MD5, true),
        Algorithm::Sha256 => (T::SHA2_256, false),
        Algorithm::Sha256Sess => (T::SHA2_256, true),
        Algorithm::Sha512_256 => (T::SHA2_512_256, false),
        Algorithm::Sha512_256Sess => (T::SHA2_512_256, true),
        Algorithm::Other(_) => return String::new(),
    };
    let mut header = digest_auth::AuthorizationHeader {
        realm: response.realm.clone(),
        nonce: response.nonce.clone(),
        opaque: response.opaque.clone(),
        userhash: false,
        algorithm: digest_auth::Algorithm::new(algo, sess),
        response: String::new(),
        username: String::new(),
        uri: response.uri.clone(),
        qop: response.qop.as_ref().map(|q| match q.qop {
            Qop::Auth => digest_auth::Qop::AUTH,
            Qop::AuthInt => digest_auth::Qop::AUTH_INT,
        }),
        cnonce: response.qop.as_ref().map(|q| q.cnonce.clone()),
        nc: response.qop.as_ref().map_or(0, |q| q.nc),
    };
    let context = digest_auth::AuthContext::new_with_method(
        response.username.as_str(),
        password,
        response.uri.as_str(),
        Some(body),
        digest_auth::HttpMethod(Cow::Owned(method.to_owned())),
    );
    header.digest(&context);
    header.response
}

/// http-auth 0.1.10 puts the body itself into A2 for auth-int, where RFC 7616 3.4.3 says
/// `H(entity-body)`; digest_auth and we hash it. This pins the difference so that a fixed
/// http-auth shows up here, and so that helios-client knows not to offer auth-int through it.
#[test]
fn http_auth_auth_int_departs_from_the_rfc() {
    let challenge = DigestChallenge {
        realm: "r".into(),
        domain: None,
        nonce: "n".into(),
        opaque: None,
        stale: false,
        algorithm: Algorithm::Md5,
        qop: vec![Qop::AuthInt],
        charset_utf8: false,
        userhash: false,
    };
    let body = b"{}";
    let written = challenge.to_header_value().expect("writable");
    let refs = http_auth::parse_challenges(&written).expect("reads");
    let mut client = http_auth::DigestClient::try_from(&refs[0]).expect("Digest");
    let params = http_auth::PasswordParams {
        username: "u",
        password: "p",
        uri: "/dir/index.html",
        method: "POST",
        body: Some(body),
    };
    let theirs = client
        .respond_with_testing_cnonce(&params, "c")
        .expect("signs");
    let Ok(Credentials::Digest(theirs)) = parse_authorization(&theirs) else {
        panic!("{theirs}");
    };
    assert_eq!(theirs.qop.as_ref().map(|q| q.qop), Some(Qop::AuthInt));
    assert!(
        !theirs.verify("p", "POST", body),
        "http-auth now hashes the body: drop this test"
    );
    let ours = challenge
        .respond(&request("u", "p", "POST", body, "/dir/index.html", "c", 1))
        .expect("signs");
    assert_eq!(
        digest_auth_response(&ours, "p", "POST", body),
        ours.response
    );
}

/// digest_auth's own header reader slices by character index and panics on non-ASCII input,
/// which is why it is used here only as an arithmetic oracle and never on network bytes.
#[test]
fn digest_auth_reader_is_not_fit_for_network_bytes() {
    let outcome =
        std::panic::catch_unwind(|| digest_auth::AuthorizationHeader::parse("Digest \u{e9}=x"));
    assert!(
        outcome.is_err(),
        "digest_auth no longer panics: reconsider using its reader"
    );
}
