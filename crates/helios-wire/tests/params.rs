//! Request parameters end to end: gathering from every source, last-wins, size limits, and
//! typed validation with the manual's error codes.

use helios_spec::functions::{camera, display, firmware, log, switch};
use helios_spec::{BlobFormat, ErrorCode, Function, Method, Version};
use helios_wire::ApiError;
use helios_wire::params::{
    Include, Limits, Params, PartSpec, Typed, encode_multipart, encode_query, gather,
    multipart_content_type, validate,
};
use proptest::prelude::*;

const FORM: &str = "application/x-www-form-urlencoded";
const BOUNDARY: &str = "helios-boundary-7MA4YWxkTrZu0gW";

fn run(
    function: &Function,
    method: Method,
    query: Option<&str>,
    content_type: Option<&str>,
    body: &[u8],
) -> Result<Params, ApiError> {
    let gathered = gather(
        function,
        method,
        query,
        content_type,
        body,
        &Limits::default(),
    )?;
    validate(function, method, &gathered, Version::MANUAL)
}

fn get(function: &Function, query: &str) -> Result<Params, ApiError> {
    run(function, Method::Get, Some(query), None, b"")
}

fn code_and_param(result: Result<Params, ApiError>) -> (ErrorCode, Option<String>) {
    let error = result.expect_err("an error");
    (error.code, error.param)
}

fn text_part<'a>(name: &'a str, value: &'a str) -> PartSpec<'a> {
    PartSpec {
        name,
        data: value.as_bytes(),
        filename: None,
        content_type: None,
    }
}

#[test]
fn the_manuals_switch_example_validates() {
    let params = get(&switch::ctrl::FUNCTION, "switch=1&action=on").expect("valid");
    assert_eq!(params.int("switch"), Some(1));
    assert_eq!(params.word("action"), Some("on"));
    assert!(!params.given("response"));
    let params = get(&switch::ctrl::FUNCTION, "switch=1&action=on&response=").expect("valid");
    assert_eq!(params.text("response"), Some(""));
    assert!(params.given("response"));
}

#[test]
fn missing_and_invalid_parameters_are_named() {
    let ctrl = &switch::ctrl::FUNCTION;
    assert_eq!(
        code_and_param(get(ctrl, "switch=1")),
        (ErrorCode::MissingParameter, Some("action".into()))
    );
    assert_eq!(
        code_and_param(get(ctrl, "switch=1&action=open")),
        (ErrorCode::InvalidParameter, Some("action".into()))
    );
    for bad in [
        "5",
        "0",
        "+1",
        " 1",
        "1.0",
        "one",
        "",
        "99999999999999999999",
    ] {
        assert_eq!(
            code_and_param(get(ctrl, &format!("switch={bad}&action=on"))),
            (ErrorCode::InvalidParameter, Some("switch".into())),
            "switch={bad}"
        );
    }
    let snapshot = &camera::snapshot::FUNCTION;
    let params = get(snapshot, "width=640&height=480&time=-5").expect("valid");
    assert_eq!(params.int("time"), Some(-5));
    assert_eq!(
        code_and_param(get(snapshot, "width=640&height=480&time=1")),
        (ErrorCode::InvalidParameter, Some("time".into()))
    );
    assert_eq!(
        code_and_param(get(snapshot, "width=640&time=-31")),
        (ErrorCode::MissingParameter, Some("height".into()))
    );
}

#[test]
fn the_last_occurrence_wins_across_sources() {
    let ctrl = &switch::ctrl::FUNCTION;
    let params = run(
        ctrl,
        Method::Post,
        Some("switch=1&action=off&switch=2"),
        Some(FORM),
        b"switch=3&action=on",
    )
    .expect("valid");
    assert_eq!(params.int("switch"), Some(3));
    assert_eq!(params.word("action"), Some("on"));

    let body = encode_multipart(
        BOUNDARY,
        &[text_part("switch", "4"), text_part("action", "trigger")],
    );
    let params = run(
        ctrl,
        Method::Post,
        Some("switch=1&action=off"),
        Some(&multipart_content_type(BOUNDARY)),
        &body,
    )
    .expect("valid");
    assert_eq!(params.int("switch"), Some(4));
    assert_eq!(params.word("action"), Some("trigger"));
}

#[test]
fn bodies_count_only_for_post_and_put() {
    let ctrl = &switch::ctrl::FUNCTION;
    let params = run(
        ctrl,
        Method::Get,
        Some("switch=1&action=on"),
        Some(FORM),
        b"switch=2",
    )
    .expect("valid");
    assert_eq!(params.int("switch"), Some(1));
}

#[test]
fn blobs_come_only_from_multipart() {
    let fw = &firmware::FUNCTION;
    assert_eq!(
        code_and_param(run(fw, Method::Put, Some("blob-fw=abc"), None, b"")),
        (ErrorCode::MissingParameter, Some("blob-fw".into()))
    );
    let gathered = gather(
        fw,
        Method::Put,
        Some("blob-fw=abc"),
        None,
        b"",
        &Limits::default(),
    )
    .expect("gathered");
    assert_eq!(gathered.ignored_blobs, ["blob-fw"]);
    let body = encode_multipart(
        BOUNDARY,
        &[PartSpec {
            name: "blob-fw",
            data: b"\x00firmware",
            filename: Some("fw.bin"),
            content_type: Some("application/octet-stream"),
        }],
    );
    let params = run(
        fw,
        Method::Put,
        None,
        Some(&multipart_content_type(BOUNDARY)),
        &body,
    )
    .expect("valid");
    assert!(matches!(
        params.get("blob-fw"),
        Some(Typed::Blob(blob)) if blob.format == BlobFormat::Firmware && blob.data.as_ref() == b"\x00firmware"
    ));
}

#[test]
fn display_image_takes_exactly_one_blob_of_a_known_format() {
    let image = &display::image::FUNCTION;
    let gif: &[u8] = b"GIF89a\x01\x00\x01\x00";
    let mp4: &[u8] = b"\x00\x00\x00\x18ftypmp42";
    let put = |parts: &[PartSpec<'_>]| {
        let body = encode_multipart(BOUNDARY, parts);
        run(
            image,
            Method::Put,
            Some("display=internal"),
            Some(&multipart_content_type(BOUNDARY)),
            &body,
        )
    };
    let blob = |name, data| PartSpec {
        name,
        data,
        filename: Some("x"),
        content_type: None,
    };
    let params = put(&[blob("blob-image", gif)]).expect("one GIF");
    assert!(matches!(
        params.get("blob-image"),
        Some(Typed::Blob(blob)) if blob.format == BlobFormat::Gif
    ));
    assert_eq!(
        code_and_param(put(&[])),
        (ErrorCode::MissingParameter, Some("blob-image".into()))
    );
    assert_eq!(
        code_and_param(put(&[blob("blob-image", gif), blob("blob-video", mp4)])),
        (ErrorCode::InvalidParameter, Some("blob-video".into()))
    );
    assert_eq!(
        code_and_param(put(&[blob("blob-image", b"not an image")])),
        (ErrorCode::InvalidParameter, Some("blob-image".into()))
    );
    // DELETE needs only the display.
    let params = run(image, Method::Delete, Some("display=internal"), None, b"").expect("valid");
    assert_eq!(params.text("display"), Some("internal"));
}

#[test]
fn sizes_beyond_the_limits_answer_13_naming_the_parameter() {
    let ctrl = &switch::ctrl::FUNCTION;
    let long = "x".repeat(1025);
    assert_eq!(
        code_and_param(get(ctrl, &format!("switch=1&action=on&response={long}"))),
        (ErrorCode::DataTooBig, Some("response".into()))
    );
    let unknown = "y".repeat(5000);
    assert_eq!(
        code_and_param(get(ctrl, &format!("switch=1&junk={unknown}"))),
        (ErrorCode::DataTooBig, Some("junk".into()))
    );
    let limits = Limits {
        max_request: 10,
        ..Limits::default()
    };
    let error = gather(
        ctrl,
        Method::Get,
        Some("switch=1&action=trigger&response=abcdef"),
        None,
        b"",
        &limits,
    )
    .expect_err("over the request limit");
    assert_eq!(
        (error.code, error.param.as_deref()),
        (ErrorCode::DataTooBig, Some("response"))
    );
    let body = encode_multipart(
        BOUNDARY,
        &[text_part("switch", "1"), text_part("response", &long)],
    );
    assert_eq!(
        code_and_param(run(
            ctrl,
            Method::Post,
            None,
            Some(&multipart_content_type(BOUNDARY)),
            &body
        )),
        (ErrorCode::DataTooBig, Some("response".into()))
    );
}

#[test]
fn unreadable_input_gets_the_errata_codes() {
    let ctrl = &switch::ctrl::FUNCTION;
    assert_eq!(
        code_and_param(get(ctrl, "switch=1&action=o%n")),
        (ErrorCode::InvalidParameter, Some("action".into()))
    );
    assert_eq!(
        code_and_param(get(ctrl, "switch=1&action=%FF")),
        (ErrorCode::InvalidParameter, Some("action".into()))
    );
    let broken =
        format!("--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"switch\"\r\n\r\n1");
    let (code, _) = code_and_param(run(
        ctrl,
        Method::Post,
        None,
        Some(&multipart_content_type(BOUNDARY)),
        broken.as_bytes(),
    ));
    assert_eq!(code, ErrorCode::ProcessingError);
    let (code, _) = code_and_param(run(
        ctrl,
        Method::Post,
        None,
        Some("multipart/form-data"),
        b"x",
    ));
    assert_eq!(code, ErrorCode::ProcessingError);
    let (code, _) = code_and_param(run(
        ctrl,
        Method::Post,
        Some("switch=1&action=on"),
        Some("application/json"),
        b"{}",
    ));
    assert_eq!(code, ErrorCode::ProcessingError);
    // An empty body is fine whatever its type.
    run(
        ctrl,
        Method::Post,
        Some("switch=1&action=on"),
        Some("application/json"),
        b"",
    )
    .expect("valid");
}

#[test]
fn subscribe_defaults_and_forms() {
    let subscribe = &log::subscribe::FUNCTION;
    let params = get(subscribe, "").expect("all optional");
    assert_eq!(params.int("duration"), Some(90));
    assert_eq!(params.get("include"), Some(&Typed::Include(Include::New)));
    assert!(!params.given("duration"));
    let params = get(subscribe, "include=-10&filter=KeyPressed,InputChanged,").expect("valid");
    assert_eq!(
        params.get("include"),
        Some(&Typed::Include(Include::Last(10)))
    );
    assert_eq!(
        params.get("filter"),
        Some(&Typed::Events(vec!["KeyPressed", "InputChanged"]))
    );
    for (query, param) in [
        ("include=-0", "include"),
        ("include=-", "include"),
        ("include=10", "include"),
        ("filter=KeyPressed,keypressed", "filter"),
        ("duration=3601", "duration"),
        ("duration=0", "duration"),
    ] {
        assert_eq!(
            code_and_param(get(subscribe, query)),
            (ErrorCode::InvalidParameter, Some(param.into())),
            "{query}"
        );
    }
}

#[test]
fn a_device_ignores_parameters_newer_than_its_firmware() {
    let ctrl = &switch::ctrl::FUNCTION;
    let gathered = gather(
        ctrl,
        Method::Get,
        Some("switch=1&action=on&response=ok"),
        None,
        b"",
        &Limits::default(),
    )
    .expect("gathered");
    let old = validate(ctrl, Method::Get, &gathered, Version::V2_13).expect("valid");
    assert_eq!(old.get("response"), None);
    let new = validate(ctrl, Method::Get, &gathered, Version::V2_14).expect("valid");
    assert_eq!(new.text("response"), Some("ok"));
}

/// Names from a small alphabet so that repeats are common; values of any text.
fn pairs() -> impl Strategy<Value = Vec<(String, String)>> {
    prop::collection::vec(("[a-c]{1,2}", "\\PC{0,12}"), 0..12)
}

proptest! {
    #[test]
    fn query_round_trips_in_order(pairs in pairs()) {
        let query = encode_query(pairs.iter().map(|(n, v)| (n.as_str(), v.as_str())));
        let gathered = gather(&switch::status::FUNCTION, Method::Get, Some(&query), None, b"", &Limits::default())
            .expect("encoded parameters gather");
        let seen: Vec<(String, String)> = gathered.occurrences.iter().map(|p| match &p.value {
            helios_wire::params::RawValue::Text(t) => (p.name.to_string(), t.to_string()),
            other => panic!("a blob from a query: {other:?}"),
        }).collect();
        prop_assert_eq!(&seen, &pairs);
        for (name, _) in &pairs {
            let last = pairs.iter().rev().find(|(n, _)| n == name).map(|(_, v)| v.clone());
            let got = gathered.get(name).map(|p| match &p.value {
                helios_wire::params::RawValue::Text(t) => t.to_string(),
                _ => String::new(),
            });
            prop_assert_eq!(got, last);
        }
    }

    #[test]
    fn the_last_occurrence_wins_whatever_the_split(
        pairs in pairs(),
        split in 0usize..13,
        multipart in any::<bool>(),
    ) {
        let split = split.min(pairs.len());
        let (in_query, in_body) = pairs.split_at(split);
        let query = encode_query(in_query.iter().map(|(n, v)| (n.as_str(), v.as_str())));
        let (content_type, body) = if multipart {
            let parts: Vec<PartSpec<'_>> = in_body.iter().map(|(n, v)| text_part(n, v)).collect();
            (multipart_content_type(BOUNDARY), encode_multipart(BOUNDARY, &parts))
        } else {
            (FORM.to_owned(), encode_query(in_body.iter().map(|(n, v)| (n.as_str(), v.as_str()))).into_bytes())
        };
        let gathered = gather(&switch::status::FUNCTION, Method::Post, Some(&query), Some(&content_type), &body, &Limits::default())
            .expect("encoded parameters gather");
        prop_assert_eq!(gathered.occurrences.len(), pairs.len());
        for (name, _) in &pairs {
            let last = pairs.iter().rev().find(|(n, _)| n == name).map(|(_, v)| v.as_str());
            let got = gathered.get(name).and_then(|p| match &p.value {
                helios_wire::params::RawValue::Text(t) => Some(&**t),
                _ => None,
            });
            prop_assert_eq!(got, last);
        }
    }

    #[test]
    fn query_urlencoded_and_multipart_are_equivalent(
        switch in 0i64..7,
        action in prop::sample::select(vec!["on", "off", "trigger", "open", ""]),
        response in prop::option::of("\\PC{0,8}"),
    ) {
        let ctrl = &switch::ctrl::FUNCTION;
        let switch = switch.to_string();
        let mut list = vec![("switch", switch.as_str()), ("action", action)];
        if let Some(response) = &response {
            list.push(("response", response.as_str()));
        }
        let query = encode_query(list.iter().copied());
        let by_query = run(ctrl, Method::Post, Some(&query), None, b"");
        let by_form = run(ctrl, Method::Post, None, Some(FORM), query.as_bytes());
        let parts: Vec<PartSpec<'_>> = list.iter().map(|(n, v)| text_part(n, v)).collect();
        let by_multipart = run(ctrl, Method::Post, None, Some(&multipart_content_type(BOUNDARY)), &encode_multipart(BOUNDARY, &parts));
        prop_assert_eq!(&by_query, &by_form);
        prop_assert_eq!(&by_query, &by_multipart);
    }
}

/// Found by the multipart fuzz target: multer reads `filename=` inside a quoted name, so such a
/// name is not what the client meant. Gathering still succeeds and never panics; the name is
/// multer's reading, kept as is.
#[test]
fn a_quoted_name_holding_filename_is_read_as_multer_reads_it() {
    let body = format!(
        "--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"blob-xv; filename=\"a.gif\"\r\n\r\nGIF89a\r\n--{BOUNDARY}--\r\n"
    );
    let gathered = gather(
        &switch::ctrl::FUNCTION,
        Method::Post,
        None,
        Some(&multipart_content_type(BOUNDARY)),
        body.as_bytes(),
        &Limits::default(),
    )
    .expect("gathered");
    assert_eq!(gathered.occurrences.len(), 1);
    assert_eq!(gathered.occurrences[0].name, "blob-xv; filename=");
}

/// Later firmware streams MJPEG at 1 to 15 frames a second and refuses more; the 2.21 manual
/// sets no bound (erratum fps-range).
#[test]
fn later_firmware_narrows_fps() {
    let snapshot = &camera::snapshot::FUNCTION;
    let gathered = gather(
        snapshot,
        Method::Get,
        Some("width=640&height=480&fps=16"),
        None,
        b"",
        &Limits::default(),
    )
    .expect("gathered");
    let manual =
        validate(snapshot, Method::Get, &gathered, Version::MANUAL).expect("valid on 2.21");
    assert_eq!(manual.int("fps"), Some(16));
    let later = validate(snapshot, Method::Get, &gathered, Version::new(2, 50, 0))
        .expect_err("out of the later range");
    assert_eq!(
        (later.code, later.param.as_deref()),
        (ErrorCode::InvalidParameter, Some("fps"))
    );
}
