//! `apitest.html` without a browser: the page, its files and `apitest.json` are served over
//! HTTP and HTTPS without credentials, refer to nothing but each other, and the description
//! lists every function of the spec as the spec has it and every service as the device secures
//! it. `apitest_browser.rs` drives the page itself.

mod common;

use std::collections::BTreeSet;

use common::Served;
use helios_device::Profile;
use helios_device::apitest::{ASSETS, DESCRIPTION, PAGE};
use helios_spec::functions::switch;
use helios_spec::{Access, FUNCTIONS, Presence, Service};
use serde_json::Value;

/// What a GET answered: status, content type, content security policy, body.
struct Got {
    status: u16,
    media: String,
    csp: String,
    body: String,
}

fn get_all(served: &Served, base: &str, paths: &[&str]) -> Vec<Got> {
    let pem = served.cert_pem.clone().expect("HTTPS is served");
    served.runtime.block_on(async {
        let cert = reqwest::Certificate::from_pem(pem.as_bytes()).expect("a PEM certificate");
        let client = reqwest::Client::builder()
            .add_root_certificate(cert)
            .build()
            .expect("a client");
        let mut out = Vec::new();
        for path in paths {
            let reply = client
                .get(format!("{base}{path}"))
                .send()
                .await
                .expect("a reply");
            let header = |name: &str| {
                reply
                    .headers()
                    .get(name)
                    .and_then(|v| v.to_str().ok())
                    .unwrap_or_default()
                    .to_owned()
            };
            let (status, media, csp) = (
                reply.status().as_u16(),
                header("content-type"),
                header("content-security-policy"),
            );
            let body = reply.text().await.expect("a body");
            out.push(Got {
                status,
                media,
                csp,
                body,
            });
        }
        out
    })
}

#[test]
fn the_page_and_its_files_are_served_over_http_and_https_without_credentials() {
    let served = Served::start(Profile::default_profile(), true);
    let paths: Vec<&str> = ASSETS.iter().map(|(path, _, _)| *path).collect();
    for base in [served.http(""), served.https("")] {
        let got = get_all(&served, &base, &paths);
        for ((path, media, content), got) in ASSETS.iter().zip(&got) {
            assert_eq!(got.status, 200, "{base}{path}");
            assert_eq!(got.media, *media, "{path}");
            assert_eq!(got.body, *content, "{path}");
            assert!(
                got.csp.starts_with("default-src 'self';"),
                "{path}: {}",
                got.csp
            );
        }
    }
    // The API itself still asks for credentials (the switch service is HTTPS only).
    let api = get_all(&served, &served.https(""), &[switch::status::FUNCTION.path]);
    assert_eq!(api[0].status, 401);
    served.stop();
}

#[test]
fn the_files_refer_only_to_each_other() {
    let served: BTreeSet<String> = ASSETS
        .iter()
        .map(|(path, _, _)| path.trim_start_matches('/').to_owned())
        .chain([DESCRIPTION.trim_start_matches('/').to_owned()])
        .collect();
    let mut referred = BTreeSet::new();
    for (path, _, content) in ASSETS {
        for marker in ["src=\"", "href=\"", "from './", "fetch('"] {
            for piece in content.split(marker).skip(1) {
                let end = piece.find(['"', '\'']).expect("a closing quote");
                let target = &piece[..end];
                if target.starts_with('#') || target == "data:," || target.starts_with("${") {
                    continue;
                }
                assert!(
                    !target.contains("//"),
                    "{path} refers to another host: {target}"
                );
                referred.insert(target.to_owned());
            }
        }
    }
    let missing: Vec<&String> = referred.difference(&served).collect();
    assert!(
        missing.is_empty(),
        "referred to but not served: {missing:?}"
    );
    // Every file is used by the page.
    let unused: Vec<&String> = served
        .difference(&referred)
        .filter(|p| format!("/{p}") != PAGE)
        .collect();
    assert!(unused.is_empty(), "served but not used: {unused:?}");
}

#[test]
fn the_description_lists_every_function_as_the_spec_has_it() {
    let served = Served::start(Profile::default_profile(), true);
    for base in [served.http(""), served.https("")] {
        let got = get_all(&served, &base, &[DESCRIPTION]).remove(0);
        assert_eq!(got.status, 200);
        assert_eq!(got.media, "application/json");
        let description: Value = serde_json::from_str(&got.body).expect("JSON");
        let functions = description["functions"].as_array().expect("functions");
        assert_eq!(functions.len(), FUNCTIONS.len());
        for (function, json) in FUNCTIONS.iter().zip(functions) {
            assert_eq!(json["path"], function.path);
            assert_eq!(json["service"], function.service.id());
            assert_eq!(json["section"], function.section.number);
            let methods: Vec<&str> = function.methods.iter().map(|m| m.method.as_str()).collect();
            let shown: Vec<&str> = json["methods"]
                .as_array()
                .expect("methods")
                .iter()
                .filter_map(|m| m["method"].as_str())
                .collect();
            assert_eq!(shown, methods, "{}", function.path);
            let licences: Vec<&str> = function.licences.iter().map(|l| l.name()).collect();
            assert_eq!(json["licences"], serde_json::json!(licences));
            if let Access::Privilege(privilege) = function.access {
                assert_eq!(json["access"]["privilege"], privilege.to_string());
            }
            let params = json["params"].as_array().expect("params");
            assert_eq!(params.len(), function.params.len(), "{}", function.path);
            for (param, json) in function.params.iter().zip(params) {
                assert_eq!(json["name"], param.name);
                assert_eq!(json["caps"].is_null(), param.caps.is_none());
                assert_eq!(
                    json["presence"] == "mandatory",
                    param.presence == Presence::Mandatory
                );
            }
        }
        let snapshot = &functions[FUNCTIONS
            .iter()
            .position(|f| f.path == helios_spec::functions::camera::snapshot::FUNCTION.path)
            .expect("camera/snapshot")];
        assert_eq!(
            snapshot["params"][0]["domain"],
            serde_json::json!({"kind": "int", "min": 1, "max": 4096})
        );
        assert_eq!(snapshot["params"][0]["caps"]["pairedWith"], "height");

        // The services as this device secures them: the default profile's camera is open.
        let services = description["services"].as_array().expect("services");
        assert_eq!(services.len(), Service::ALL.len());
        let camera = services
            .iter()
            .find(|s| s["id"] == "camera")
            .expect("camera");
        assert_eq!(
            (&camera["https"], &camera["auth"]),
            (&Value::Bool(false), &Value::from("none"))
        );
        let switch = services
            .iter()
            .find(|s| s["id"] == "switch")
            .expect("switch");
        assert_eq!(
            (&switch["https"], &switch["auth"]),
            (&Value::Bool(true), &Value::from("digest"))
        );
    }
    served.stop();
}
