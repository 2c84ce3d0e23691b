//! Parser throughput (bytes per second), each beside the library it is built on, measured in the
//! same run: gathering a query, an urlencoded body and a multipart body against
//! `form_urlencoded` and `multer` alone (the cost of the manual's rules on top: limits, `blob-`
//! names, UTF-8, order), and the strict and lenient envelope readers against plain `serde_json`.
//!
//! Each group holds `helios` and `baseline`; `cargo xtask bench` reads both and prints the ratio.

use std::convert::Infallible;
use std::hint::black_box;

use bytes::Bytes;
use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use helios_spec::Method;
use helios_spec::functions::{display, switch};
use helios_wire::envelope::{DEFAULT_MAX_BYTES, read_lenient, read_strict};
use helios_wire::params::{Limits, PartSpec, encode_multipart, encode_query, gather};
use serde_json::{Value, json};

/// A query of forty pairs, some percent-encoded: the three parameters of `switch/ctrl` and
/// the unknown ones a probing client adds.
fn query() -> String {
    let mut pairs: Vec<(String, String)> = vec![
        ("switch".into(), "1".into()),
        ("action".into(), "trigger".into()),
        ("response".into(), "door opened: ok & done".into()),
    ];
    for n in 0..37 {
        pairs.push((format!("extra{n}"), format!("value {n} with spaces/ä&=")));
    }
    encode_query(pairs.iter().map(|(n, v)| (n.as_str(), v.as_str())))
}

/// A `display/image` upload: a 64 KiB blob and two text parts.
fn multipart() -> (String, Vec<u8>) {
    let image: Vec<u8> = (0..64 * 1024).map(|i| (i * 31 % 251) as u8).collect();
    let boundary = "helios-bench-boundary-0123456789";
    let parts = [
        PartSpec {
            name: "display",
            data: b"ext1",
            filename: None,
            content_type: None,
        },
        PartSpec {
            name: "blob-image",
            data: &image,
            filename: Some("image.jpg"),
            content_type: Some("image/jpeg"),
        },
        PartSpec {
            name: "response",
            data: b"ok",
            filename: None,
            content_type: None,
        },
    ];
    (
        format!("multipart/form-data; boundary={boundary}"),
        encode_multipart(boundary, &parts),
    )
}

/// A full `log/pull` reply: 128 records, as the device writes it.
fn envelope() -> Vec<u8> {
    let events: Vec<Value> = (1..=128)
        .map(|id| {
            json!({
                "id": id, "tzShift": 60, "utcTime": 1_437_987_102 + id, "upTime": 100 + id,
                "event": "CardEntered",
                "params": { "direction": "in", "reader": "internal", "uid": "0123456789ABCD", "valid": true }
            })
        })
        .collect();
    serde_json::to_vec_pretty(&json!({ "success": true, "result": { "events": events } }))
        .expect("JSON of values serialises")
}

fn parsers(c: &mut Criterion) {
    let limits = Limits::default();

    let query = query();
    let mut group = c.benchmark_group("parsers-query");
    group.throughput(Throughput::Bytes(query.len() as u64));
    group.bench_function("helios", |b| {
        b.iter(|| {
            let gathered = gather(
                &switch::ctrl::FUNCTION,
                Method::Get,
                Some(black_box(&query)),
                None,
                b"",
                &limits,
            );
            black_box(gathered.map(|g| g.occurrences.len()))
        });
    });
    group.bench_function("baseline", |b| {
        b.iter(|| {
            let pairs: Vec<(String, String)> = form_urlencoded::parse(black_box(&query).as_bytes())
                .map(|(n, v)| (n.into_owned(), v.into_owned()))
                .collect();
            black_box(pairs.len())
        });
    });
    group.finish();

    let body = query.as_bytes();
    let mut group = c.benchmark_group("parsers-urlencoded");
    group.throughput(Throughput::Bytes(body.len() as u64));
    group.bench_function("helios", |b| {
        b.iter(|| {
            let gathered = gather(
                &switch::ctrl::FUNCTION,
                Method::Post,
                None,
                Some("application/x-www-form-urlencoded"),
                black_box(body),
                &limits,
            );
            black_box(gathered.map(|g| g.occurrences.len()))
        });
    });
    group.bench_function("baseline", |b| {
        b.iter(|| {
            let pairs: Vec<(String, String)> = form_urlencoded::parse(black_box(body))
                .map(|(n, v)| (n.into_owned(), v.into_owned()))
                .collect();
            black_box(pairs.len())
        });
    });
    group.finish();

    let (content_type, body) = multipart();
    let mut group = c.benchmark_group("parsers-multipart");
    group.throughput(Throughput::Bytes(body.len() as u64));
    group.bench_function("helios", |b| {
        b.iter(|| {
            let gathered = gather(
                &display::image::FUNCTION,
                Method::Post,
                None,
                Some(&content_type),
                black_box(&body),
                &limits,
            );
            black_box(gathered.map(|g| g.occurrences.len()))
        });
    });
    group.bench_function("baseline", |b| {
        b.iter(|| black_box(multer_alone(&content_type, &body)));
    });
    group.finish();

    let json = envelope();
    for (name, lenient) in [
        ("parsers-json-strict", false),
        ("parsers-json-lenient", true),
    ] {
        let mut group = c.benchmark_group(name);
        group.throughput(Throughput::Bytes(json.len() as u64));
        group.bench_function("helios", |b| {
            b.iter(|| {
                if lenient {
                    black_box(read_lenient(black_box(&json), DEFAULT_MAX_BYTES).is_ok())
                } else {
                    black_box(read_strict(black_box(&json), DEFAULT_MAX_BYTES).is_ok())
                }
            });
        });
        group.bench_function("baseline", |b| {
            b.iter(|| black_box(serde_json::from_slice::<Value>(black_box(&json)).is_ok()));
        });
        group.finish();
    }
}

/// multer over the same body, every part read into memory: what `gather` does minus its rules.
fn multer_alone(content_type: &str, body: &[u8]) -> usize {
    let Ok(boundary) = multer::parse_boundary(content_type) else {
        return 0;
    };
    let body = Bytes::copy_from_slice(body);
    let stream = futures_util::stream::once(async move { Ok::<Bytes, Infallible>(body) });
    let mut multipart = multer::Multipart::new(stream, boundary);
    futures_executor::block_on(async move {
        let mut total = 0;
        while let Ok(Some(mut field)) = multipart.next_field().await {
            let _name = field.name().map(str::to_owned);
            let mut data = Vec::new();
            while let Ok(Some(chunk)) = field.chunk().await {
                data.extend_from_slice(&chunk);
            }
            total += data.len();
        }
        total
    })
}

criterion_group!(benches, parsers);
criterion_main!(benches);
