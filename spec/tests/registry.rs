//! Checks on the whole spec: the audit finds nothing in the real tables, finds each kind of
//! fault in broken copies, and the tables hold what the manual holds.

use helios_spec::audit::{Tables, audit};
use helios_spec::{
    Access, Domain, ERRATA, EVENTS, ErrorCode, Event, FUNCTIONS, Function, Licence, MediaType,
    Method, Param, Presence, Privilege, Reply, Service, Tier, Version, function, route,
};

fn leak<T>(items: Vec<T>) -> &'static [T] {
    Vec::leak(items)
}

/// The real tables with one function replaced.
fn with_function(index: usize, edit: impl FnOnce(&mut Function)) -> Vec<String> {
    let mut function = *FUNCTIONS[index];
    edit(&mut function);
    let function: &'static Function = Box::leak(Box::new(function));
    let mut functions = FUNCTIONS.to_vec();
    functions[index] = function;
    audit(&Tables {
        functions: leak(functions),
        ..Tables::SPEC
    })
}

fn index_of(path: &str) -> usize {
    FUNCTIONS
        .iter()
        .position(|f| f.path == path)
        .expect("the function exists")
}

#[test]
fn the_spec_passes_its_own_audit() {
    let problems = audit(&Tables::SPEC);
    assert!(problems.is_empty(), "{problems:#?}");
}

#[test]
fn the_audit_finds_a_duplicate_route() {
    let mut functions = FUNCTIONS.to_vec();
    functions.push(FUNCTIONS[0]);
    let problems = audit(&Tables {
        functions: leak(functions),
        ..Tables::SPEC
    });
    assert!(
        problems.iter().any(|p| p.contains("defined twice")),
        "{problems:?}"
    );
}

#[test]
fn the_audit_finds_an_unknown_erratum() {
    let problems = with_function(0, |f| f.errata = &["no-such-erratum"]);
    assert!(
        problems
            .iter()
            .any(|p| p.contains("unknown erratum `no-such-erratum`")),
        "{problems:?}"
    );
}

#[test]
fn the_audit_finds_a_duplicate_parameter() {
    let ctrl = index_of("/api/switch/ctrl");
    let params = FUNCTIONS[ctrl].params;
    let problems = with_function(ctrl, |f| {
        f.params = leak(vec![params[0], params[1], params[0]])
    });
    assert!(
        problems.iter().any(|p| p.contains("defined twice")),
        "{problems:?}"
    );
}

#[test]
fn the_audit_finds_a_missing_section_and_a_bad_default() {
    let problems = with_function(0, |f| f.section.number = "");
    assert!(problems.iter().any(|p| p.contains("no manual section")));

    let pull = index_of("/api/log/pull");
    let problems = with_function(pull, |f| {
        f.params = leak(vec![
            f.params[0],
            Param::optional("timeout", Domain::Int { min: 0, max: 5 }, "").default("9"),
        ])
    });
    assert!(
        problems.iter().any(|p| p.contains("default `9`")),
        "{problems:?}"
    );
}

#[test]
fn the_audit_finds_broken_caps_references_and_reply_conditions() {
    let ctrl = index_of("/api/switch/ctrl");
    let problems = with_function(ctrl, |f| {
        let mut switch = f.params[0];
        switch.caps = switch.caps.map(|mut caps| {
            caps.field = "number";
            caps
        });
        f.params = leak(vec![switch, f.params[1]]);
    });
    assert!(
        problems
            .iter()
            .any(|p| p.contains("has no switches[].number")),
        "{problems:?}"
    );
    assert!(
        problems
            .iter()
            .any(|p| p.contains("unknown parameter response")),
        "{problems:?}"
    );
}

#[test]
fn the_audit_finds_a_method_without_a_default_reply() {
    let problems = with_function(0, |f| {
        f.replies = leak(vec![Reply::media(MediaType::Json).only(&[Method::Get])])
    });
    assert!(
        problems
            .iter()
            .any(|p| p.contains("POST has 0 default replies")),
        "{problems:?}"
    );
}

#[test]
fn the_audit_finds_a_duplicate_event_and_a_blob_on_get() {
    let mut events: Vec<Event> = EVENTS.to_vec();
    events.push(EVENTS[3]);
    let problems = audit(&Tables {
        events: leak(events),
        ..Tables::SPEC
    });
    assert!(
        problems
            .iter()
            .any(|p| p.contains(&format!("event {} is defined twice", EVENTS[3].name)))
    );

    let info = index_of("/api/system/info");
    let problems = with_function(info, |f| {
        f.params = leak(vec![
            Param::mandatory(
                "blob-x",
                Domain::Blob {
                    formats: &[],
                    max_len: 1,
                },
                "",
            )
            .only(&[Method::Get]),
        ])
    });
    assert!(
        problems
            .iter()
            .any(|p| p.contains("needs a method with a body")),
        "{problems:?}"
    );
}

#[test]
fn chapter_five_has_thirty_one_functions_in_order() {
    assert_eq!(FUNCTIONS.len(), 31);
    for (index, function) in FUNCTIONS.iter().enumerate() {
        assert_eq!(function.section.number, format!("5.{}", index + 1));
        assert_eq!(
            function.section.title,
            format!("api {}", function.short_path().replace('/', " ")),
        );
    }
}

#[test]
fn the_overview_table_is_transcribed() {
    // (path, methods, service, privilege as the table writes it, licence)
    let table = [
        ("system/info", "GET/POST", "System", "System Control", true),
        (
            "system/status",
            "GET/POST",
            "System",
            "System Control",
            true,
        ),
        (
            "system/restart",
            "GET/POST",
            "System",
            "System Control",
            true,
        ),
        ("firmware", "PUT", "System", "System Control", true),
        (
            "firmware/apply",
            "GET/POST",
            "System",
            "System Control",
            true,
        ),
        ("config", "GET/POST/PUT", "System", "System Control", true),
        (
            "config/factoryreset",
            "GET/POST",
            "System",
            "System Control",
            true,
        ),
        (
            "switch/caps",
            "GET/POST",
            "Switch",
            "Switch Monitoring",
            true,
        ),
        (
            "switch/status",
            "GET/POST",
            "Switch",
            "Switch Monitoring",
            true,
        ),
        ("switch/ctrl", "GET/POST", "Switch", "Switch Control", true),
        ("io/caps", "GET/POST", "I/O", "I/O Monitoring", true),
        ("io/status", "GET/POST", "I/O", "I/O Monitoring", true),
        ("io/ctrl", "GET/POST", "I/O", "I/O Control", true),
        (
            "phone/status",
            "GET/POST",
            "Phone/Call",
            "Call Monitoring",
            true,
        ),
        (
            "call/status",
            "GET/POST",
            "Phone/Call",
            "Call Monitoring",
            true,
        ),
        ("call/dial", "GET/POST", "Phone/Call", "Call Control", true),
        (
            "call/answer",
            "GET/POST",
            "Phone/Call",
            "Call Control",
            true,
        ),
        (
            "call/hangup",
            "GET/POST",
            "Phone/Call",
            "Call Control",
            true,
        ),
        (
            "camera/caps",
            "GET/POST",
            "Camera",
            "Camera Monitoring",
            false,
        ),
        (
            "camera/snapshot",
            "GET/POST",
            "Camera",
            "Camera Monitoring",
            false,
        ),
        (
            "display/caps",
            "GET/POST",
            "Display",
            "Display Control",
            true,
        ),
        (
            "display/image",
            "PUT/DELETE",
            "Display",
            "Display Control",
            true,
        ),
        ("log/caps", "GET/POST", "Logging", "*", false),
        ("log/subscribe", "GET/POST", "Logging", "*", false),
        ("log/unsubscribe", "GET/POST", "Logging", "*", false),
        ("log/pull", "GET/POST", "Logging", "*", false),
        ("audio/test", "GET/POST", "Audio", "Audio Control", true),
        ("email/send", "GET/POST", "E-mail", "E-mail Control", true),
        ("pcap", "GET/POST", "System", "System Control", true),
        ("pcap/restart", "GET/POST", "System", "System Control", true),
        ("pcap/stop", "GET/POST", "System", "System Control", true),
    ];
    // system/info's licence column says "No"; the table above marks the rest.
    for (path, methods, service, privilege, licensed) in table {
        let function = function(&format!("/api/{path}")).expect(path);
        let listed: Vec<&str> = function.methods.iter().map(|m| m.method.as_str()).collect();
        assert_eq!(listed.join("/"), methods, "{path}");
        assert_eq!(function.service.name(), service, "{path}");
        let held = match function.access {
            Access::Privilege(p) | Access::Open { table_says: p } => Some(p),
            Access::EventFiltered => None,
        };
        assert_eq!(held, Privilege::parse(privilege), "{path}");
        let needs_licence = function.licences.contains(&Licence::EnhancedIntegration);
        assert_eq!(needs_licence, licensed && path != "system/info", "{path}");
    }
    assert_eq!(
        function("/api/audio/test").map(|f| f.licences),
        Some(&[Licence::EnhancedIntegration, Licence::EnhancedAudio][..])
    );
}

#[test]
fn versions_follow_the_release_notes() {
    let v214 = [
        "pcap",
        "pcap/restart",
        "pcap/stop",
        "audio/test",
        "email/send",
    ];
    for function in FUNCTIONS {
        let expected = if v214.contains(&function.short_path()) {
            Version::V2_14
        } else {
            Version::V2_13
        };
        assert_eq!(function.origin.since(), expected, "{}", function.path);
    }
    let since = |path: &str, param: &str| {
        function(path).and_then(|f| f.param(param).map(|p| p.origin_in(f).since()))
    };
    assert_eq!(since("/api/switch/ctrl", "response"), Some(Version::V2_14));
    assert_eq!(since("/api/io/ctrl", "response"), Some(Version::V2_14));
    assert_eq!(since("/api/call/hangup", "reason"), Some(Version::V2_14));
    assert_eq!(since("/api/email/send", "width"), Some(Version::V2_15));
    assert_eq!(since("/api/email/send", "to"), Some(Version::V2_14));
    let event_since = |name: &str| helios_spec::event(name).map(|e| e.origin.since());
    for name in ["MotionDetected", "NoiseDetected", "SwitchStateChanged"] {
        assert_eq!(event_since(name), Some(Version::V2_14), "{name}");
    }
    for name in [
        "TamperSwitchActivated",
        "UnauthorizedDoorOpen",
        "DoorOpenTooLong",
        "LoginBlocked",
    ] {
        assert_eq!(event_since(name), Some(Version::V2_15), "{name}");
    }
}

#[test]
fn tiers_follow_the_blast_radius() {
    let tier = |path: &str, method: Method| function(path).and_then(|f| f.tier(method));
    assert_eq!(tier("/api/config", Method::Get), Some(Tier::ReadOnly));
    assert_eq!(tier("/api/config", Method::Put), Some(Tier::Config));
    assert_eq!(
        tier("/api/config/factoryreset", Method::Get),
        Some(Tier::Destructive)
    );
    assert_eq!(tier("/api/firmware", Method::Put), Some(Tier::Destructive));
    assert_eq!(
        tier("/api/firmware/apply", Method::Post),
        Some(Tier::Reboot)
    );
    assert_eq!(tier("/api/system/restart", Method::Get), Some(Tier::Reboot));
    assert_eq!(
        tier("/api/switch/ctrl", Method::Get),
        Some(Tier::Reversible)
    );
    assert_eq!(tier("/api/email/send", Method::Get), Some(Tier::Reversible));
    assert_eq!(tier("/api/pcap/stop", Method::Get), Some(Tier::Reversible));
    assert_eq!(
        tier("/api/display/image", Method::Delete),
        Some(Tier::Reversible)
    );
    assert_eq!(
        tier("/api/camera/snapshot", Method::Post),
        Some(Tier::ReadOnly)
    );
}

#[test]
fn routing_distinguishes_unknown_paths_from_wrong_methods() {
    assert!(matches!(
        route(Method::Get, "/api/switch/ctrl"),
        helios_spec::Route::Found(_)
    ));
    assert!(matches!(
        route(Method::Put, "/api/switch/ctrl"),
        helios_spec::Route::WrongMethod(_)
    ));
    assert!(matches!(
        route(Method::Get, "/api/firmware"),
        helios_spec::Route::WrongMethod(_)
    ));
    for path in [
        "/pcap",
        "/api/switch/ctrl/",
        "/API/switch/ctrl",
        "/api/nothing",
    ] {
        assert!(
            matches!(route(Method::Get, path), helios_spec::Route::NotFound),
            "{path}"
        );
    }
}

#[test]
fn parameters_hold_the_manuals_domains() {
    let param = |path: &str, name: &str| {
        function(path)
            .and_then(|f| f.param(name))
            .copied()
            .expect(name)
    };
    assert_eq!(
        param("/api/switch/ctrl", "action").domain,
        Domain::Enum(&["on", "off", "trigger"])
    );
    assert_eq!(
        param("/api/io/ctrl", "action").domain,
        Domain::Enum(&["on", "off"])
    );
    assert_eq!(
        param("/api/camera/snapshot", "time").domain,
        Domain::Int { min: -30, max: 0 }
    );
    assert_eq!(
        param("/api/log/subscribe", "duration").presence,
        Presence::Optional {
            default: Some("90")
        }
    );
    assert_eq!(
        param("/api/log/subscribe", "include").presence,
        Presence::Optional {
            default: Some("new")
        }
    );
    assert!(param("/api/firmware", "blob-fw").is_blob());
    assert!(param("/api/call/answer", "session").is_mandatory());
    assert_eq!(
        param("/api/display/image", "blob-video").presence,
        Presence::OneOf { group: "content" }
    );
    let email: Vec<&str> = function("/api/email/send")
        .expect("email/send")
        .params
        .iter()
        .map(|p| p.name)
        .collect();
    assert_eq!(
        email,
        [
            "to",
            "subject",
            "body",
            "pictureCount",
            "timeSpan",
            "width",
            "height"
        ]
    );
}

#[test]
fn events_and_their_privileges_follow_the_tables() {
    assert_eq!(EVENTS.len(), 20);
    // 5.24's privilege table, with the manual's own spellings.
    let table = [
        ("DeviceState", "None"),
        ("AudioLoopTest", "None"),
        ("MotionDetected", "None"),
        ("NoiseDetected", "None"),
        ("KeyPressed", "Keypad monitoring"),
        ("KeyReleased", "Keypad monitoring"),
        ("CodeEntered", "Keypad monitoring"),
        ("CardEntered", "UID monitoring (cards/Wiegand)"),
        ("InputChanged", "I/O monitoring"),
        ("OutputChanged", "I/O monitoring"),
        ("SwitchStateChanged", "I/O monitoring"),
        ("CallStateChanged", "Call/phone monitoring"),
        ("RegistrationStateChanged", "Call/phone monitoring"),
        ("TamperSwitchActivated", "None"),
        ("UnauthorizedDoorOpen", "None"),
        ("DoorOpenTooLong", "None"),
        ("LoginBlocked", "None"),
        ("UserAuthenticated", "None"),
        ("SilentAlarm", "None"),
        ("AccessLimited", "None"),
    ];
    for (name, privilege) in table {
        let event = helios_spec::event(name).expect(name);
        assert_eq!(event.privilege, Privilege::parse(privilege), "{name}");
    }
}

#[test]
fn error_codes_travel_with_their_http_status() {
    for code in ErrorCode::ALL {
        let expected = if code == ErrorCode::AuthRequired {
            401
        } else {
            200
        };
        assert_eq!(code.http_status(), expected);
    }
}

#[test]
fn every_service_reaches_its_functions() {
    let counts: Vec<(Service, usize)> = Service::ALL
        .into_iter()
        .map(|s| (s, helios_spec::functions_of(s).count()))
        .collect();
    assert_eq!(
        counts,
        [
            (Service::System, 10),
            (Service::Switch, 3),
            (Service::Io, 3),
            (Service::Audio, 1),
            (Service::Camera, 2),
            (Service::Display, 2),
            (Service::Email, 1),
            (Service::PhoneCall, 5),
            (Service::Logging, 4),
        ]
    );
}

#[test]
fn the_errata_named_by_the_issue_are_present() {
    for id in [
        "pcap-paths",
        "email-param-names",
        "io-state-type",
        "trailing-comma",
        "privilege-names",
        "call-session-mandatory",
        "display-image-models",
        "silent-alarm-access-limited",
    ] {
        assert!(helios_spec::erratum(id).is_some(), "{id}");
    }
    assert!(ERRATA.len() >= 30);
}

/// Each function lives in the file its URL names, and that file opens with its methods, path
/// and manual section.
#[test]
fn every_function_file_mirrors_its_url() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src/functions");
    for function in FUNCTIONS {
        let short = function.short_path();
        let file = root.join(format!("{short}.rs"));
        let file = if file.exists() {
            file
        } else {
            root.join(short).join("mod.rs")
        };
        let text =
            std::fs::read_to_string(&file).unwrap_or_else(|e| panic!("{}: {e}", file.display()));
        let first = text.lines().next().unwrap_or_default();
        let methods: Vec<String> = function
            .methods
            .iter()
            .map(|m| format!("`{}`", m.method))
            .collect();
        let expected = format!(
            "//! {} `{}`: manual {} \"{}\".",
            methods.join("/"),
            function.path,
            function.section.number,
            function.section.title
        );
        assert_eq!(first, expected, "{}", file.display());
        assert!(
            text.contains(&format!("path: \"{}\"", function.path)) || text.contains("path: PATH")
        );
    }
}

mod requirements {
    use helios_spec::audit::{Tables, audit, check_register};
    use helios_spec::requirements::{AppliesTo, Kind, register, requirement, requirements};
    use helios_spec::{ERRATA, Erratum, ErrorCode, FUNCTIONS};

    #[test]
    fn the_register_covers_the_tables() {
        let all = requirements();
        assert!(check_register(&Tables::SPEC, all).is_empty());
        // One per function and method, an overview row per function, every parameter, the 14
        // error codes, the 20 privileges, the 9 services, two per event.
        let methods: usize = FUNCTIONS.iter().map(|f| f.methods.len()).sum();
        let params: usize = FUNCTIONS.iter().map(|f| f.params.len()).sum();
        let derived = 2 * FUNCTIONS.len() + methods + params + 14 + 20 + 9 + 2 * 20;
        assert_eq!(all.len(), helios_spec::requirements::CORE.len() + derived);
        let action = requirement("5.10/switch-ctrl/action").expect("a parameter's requirement");
        assert_eq!(action.kind, Kind::TableRow);
        assert!(action.text.contains("on|off|trigger"), "{}", action.text);
        let error = requirement("2.3/error-12").expect("an error code's requirement");
        assert_eq!(
            error.applies_to,
            AppliesTo::Error(ErrorCode::InvalidParameter)
        );
        assert!(requirement("5.10/switch-ctrl/get").is_some());
        assert!(requirement("5/switch-ctrl").is_some());
        assert!(requirement("4/keypad.monitoring").is_some());
        assert!(requirement("5.26/event/KeyPressed").is_some());
        assert!(requirement("5.24/event/SilentAlarm").is_some());
        let host = requirement("2/host-header").expect("a core requirement");
        assert!(host.excused.is_some());
        assert_eq!(host.chapter(), "2");
    }

    #[test]
    fn every_erratum_rules_on_known_requirements() {
        for erratum in ERRATA {
            assert!(!erratum.requirements.is_empty(), "{}", erratum.id);
            for id in erratum.requirements {
                assert!(requirement(id).is_some(), "{}: {id}", erratum.id);
            }
        }
    }

    #[test]
    fn the_audit_finds_an_erratum_citing_an_unknown_requirement() {
        let mut errata = ERRATA.to_vec();
        errata[0] = Erratum {
            requirements: &["9.9/nothing"],
            ..errata[0]
        };
        let problems = audit(&Tables {
            errata: Vec::leak(errata),
            ..Tables::SPEC
        });
        assert!(
            problems
                .iter()
                .any(|p| p.contains("cites unknown requirement `9.9/nothing`")),
            "{problems:?}"
        );
    }

    #[test]
    fn the_audit_finds_a_duplicate_requirement() {
        let mut all = register(FUNCTIONS, helios_spec::EVENTS);
        all.push(all[3].clone());
        let problems = check_register(&Tables::SPEC, &all);
        assert!(
            problems.iter().any(|p| p.contains("is defined twice")),
            "{problems:?}"
        );
    }

    #[test]
    fn the_audit_finds_what_no_requirement_covers() {
        let uncovered = |drop: &dyn Fn(&AppliesTo) -> bool| {
            let mut all = register(FUNCTIONS, helios_spec::EVENTS);
            all.retain(|r| !drop(&r.applies_to));
            check_register(&Tables::SPEC, &all)
        };
        let problems = uncovered(
            &|a| matches!(a, AppliesTo::Param { function, param } if *function == "/api/switch/ctrl" && *param == "action"),
        );
        assert!(
            problems
                .iter()
                .any(|p| p.contains("no requirement applies to Param")),
            "{problems:?}"
        );
        let problems = uncovered(&|a| *a == AppliesTo::Error(ErrorCode::NoData));
        assert!(
            problems.iter().any(|p| p.contains("Error(NoData)")),
            "{problems:?}"
        );
        let problems = uncovered(&|a| *a == AppliesTo::Event("KeyPressed"));
        assert!(
            problems.iter().any(|p| p.contains("Event(\"KeyPressed\")")),
            "{problems:?}"
        );
        let problems =
            uncovered(&|a| matches!(a, AppliesTo::Method(path, _) if *path == "/api/config"));
        assert!(
            problems
                .iter()
                .any(|p| p.contains("Method(\"/api/config\"")),
            "{problems:?}"
        );
    }

    #[test]
    fn the_audit_finds_an_id_outside_its_section() {
        let mut all = register(FUNCTIONS, helios_spec::EVENTS);
        all[0].section = "7.1";
        let problems = check_register(&Tables::SPEC, &all);
        assert!(
            problems
                .iter()
                .any(|p| p.contains("does not open with its section")),
            "{problems:?}"
        );
    }
}
