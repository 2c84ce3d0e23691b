//! `apitest.html`: the device's own page for trying the API by hand (manual chapter 1), outside
//! the `/api/` pipeline.
//!
//! The page is a static shell (HTML, CSS and JavaScript modules under `assets/`, compiled in)
//! plus `apitest.json`, the description of every function generated from the spec
//! ([`describe`]). Everything it loads comes from the device: the content security policy
//! allows nothing else, so the page works on a network with no way out.
//!
//! The page itself asks for no credentials: it holds what the public manual holds. The API calls
//! it makes authenticate as any client's do, the browser answering the device's challenges.

pub mod describe;

use std::sync::Arc;

use axum::Router;
use axum::body::Body;
use axum::extract::State;
use axum::http::{HeaderValue, Response, StatusCode, header};
use axum::routing::get;

use crate::device::Device;

/// The page's address.
pub const PAGE: &str = "/apitest.html";
/// The description's address.
pub const DESCRIPTION: &str = "/apitest.json";

/// The static files of the page: address, media type, content.
pub const ASSETS: &[(&str, &str, &str)] = &[
    (
        PAGE,
        "text/html; charset=utf-8",
        include_str!("../../assets/apitest.html"),
    ),
    (
        "/apitest.css",
        "text/css; charset=utf-8",
        include_str!("../../assets/apitest.css"),
    ),
    (
        "/apitest.js",
        "text/javascript; charset=utf-8",
        include_str!("../../assets/apitest.js"),
    ),
    (
        "/apitest-dom.js",
        "text/javascript; charset=utf-8",
        include_str!("../../assets/apitest-dom.js"),
    ),
    (
        "/apitest-form.js",
        "text/javascript; charset=utf-8",
        include_str!("../../assets/apitest-form.js"),
    ),
    (
        "/apitest-send.js",
        "text/javascript; charset=utf-8",
        include_str!("../../assets/apitest-send.js"),
    ),
    (
        "/apitest-events.js",
        "text/javascript; charset=utf-8",
        include_str!("../../assets/apitest-events.js"),
    ),
];

/// Nothing from anywhere but the device; images may also be the page's own blobs (snapshots)
/// and the inline icon.
const CSP: &str = "default-src 'self'; img-src 'self' blob: data:; object-src 'none'; \
                   base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

/// The routes of the page, its files and its description, for the device's router.
pub fn routes() -> Router<Arc<Device>> {
    let mut router = Router::new();
    for &(path, media, content) in ASSETS {
        router = router.route(
            path,
            get(move |State(device): State<Arc<Device>>| async move {
                file(&device, media, Body::from(content))
            }),
        );
    }
    router.route(DESCRIPTION, get(description))
}

/// The page's files for the server, which calls the pipeline without the router: `None` for
/// any other request.
pub fn respond(device: &Device, method: &axum::http::Method, path: &str) -> Option<Response<Body>> {
    if method != axum::http::Method::GET && method != axum::http::Method::HEAD {
        return None;
    }
    if path == DESCRIPTION {
        let text = describe::describe(&device.config()).to_string();
        return Some(file(device, "application/json", Body::from(text)));
    }
    ASSETS
        .iter()
        .find(|(asset, _, _)| *asset == path)
        .map(|&(_, media, content)| file(device, media, Body::from(content)))
}

async fn description(State(device): State<Arc<Device>>) -> Response<Body> {
    let text = describe::describe(&device.config()).to_string();
    file(&device, "application/json", Body::from(text))
}

fn file(device: &Device, media: &'static str, body: Body) -> Response<Body> {
    let mut response = Response::new(body);
    *response.status_mut() = StatusCode::OK;
    let headers = response.headers_mut();
    headers.insert(header::CONTENT_TYPE, HeaderValue::from_static(media));
    // The page changes with the firmware (a new device build), and the description with the
    // running configuration: never serve either from a cache.
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-cache"));
    headers.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(CSP),
    );
    headers.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    headers.insert(
        header::SERVER,
        device.config().device.sw_version.server_header.clone(),
    );
    response
}
