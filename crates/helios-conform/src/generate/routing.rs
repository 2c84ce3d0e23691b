//! Paths the API does not have answer 2.

use helios_client::Call;
use helios_spec::functions::{pcap, system};
use helios_spec::{API_PREFIX, ErrorCode, Tier, Transport};

use crate::case::{Case, Expect, Login};

/// An unknown path, the overview table's form of a path and a path with a segment too many,
/// each sent as `login`.
pub(super) fn unknown_paths(login: Login) -> Vec<Case> {
    let info = &system::info::FUNCTION;
    let unknown = [
        ("unknown-path", format!("{API_PREFIX}/nothing")),
        // The overview table's form of the pcap paths (erratum pcap-paths).
        (
            "no-api-prefix",
            pcap::FUNCTION.path.replacen(API_PREFIX, "", 1),
        ),
        ("trailing-segment", format!("{}/more", info.path)),
    ];
    unknown
        .into_iter()
        .map(|(name, path)| Case {
            id: format!("routing.{name}"),
            function: info,
            check: "routing",
            tier: Tier::ReadOnly,
            transport: Transport::Https,
            login,
            call: Call::new(info).path(&path),
            expect: Expect::error(ErrorCode::InvalidPath),
            generated: Vec::new(),
            not_applicable: None,
        })
        .collect()
}
