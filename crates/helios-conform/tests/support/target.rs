//! The runner's view of a reference intercom started by a test: both its addresses, its
//! self-signed certificate pinned.

use helios_conform::Target;
use helios_test_support::Reference;

pub(crate) fn target(reference: &Reference) -> Target {
    Target {
        http: Some(reference.http.clone()),
        https: Some(reference.https.clone()),
        insecure: false,
        ca_pem: Some(reference.cert_pem.clone().into_bytes()),
    }
}
