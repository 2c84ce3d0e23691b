//! The fuzz check of the config XML reader and writer: whatever reads writes, reads back to an
//! equal tree and writes again byte for byte; the configuration reader agrees with the generic
//! one; tighter limits only ever refuse more; and setting a value to itself changes nothing.

use helios_spec::functions::config::ROOT_ELEMENT;

use crate::config_xml::{ConfigXmlError, Document, Limits, parse_any, parse_with};

/// Limits small enough for the fuzzer to reach every limit error.
fn small(len: usize) -> Limits {
    Limits {
        max_bytes: len,
        max_depth: 4,
        max_elements: 16,
        max_nodes: 48,
    }
}

pub fn config_xml(data: &[u8]) {
    let limits = Limits::default();
    let parsed = parse_any(data, &limits);

    match (&parsed, parse_with(data, &limits)) {
        (Ok(any), Ok(config)) => {
            assert_eq!(any.root.name, ROOT_ELEMENT);
            assert_eq!(any, &config);
        }
        (Ok(any), Err(ConfigXmlError::WrongRoot { found, .. })) => {
            assert_ne!(any.root.name, ROOT_ELEMENT);
            assert_eq!(any.root.name, found);
        }
        (Err(any), Err(config)) => assert_eq!(any, &config),
        (any, config) => panic!("the readers disagree: {any:?} against {config:?}"),
    }
    if let Ok(document) = parse_any(data, &small(data.len())) {
        assert_eq!(
            Ok(&document),
            parsed.as_ref(),
            "tighter limits accepted more"
        );
    }

    let Ok(document) = parsed else {
        return;
    };
    round_trip(&document);
    let _ = document.version();
    for path in paths(&document) {
        let Ok(value) = document.get(&path) else {
            continue;
        };
        let mut changed = document.clone();
        assert_eq!(changed.set(&path, &value), Ok(Some(value.clone())));
        assert_eq!(changed.get(&path), Ok(value));
        round_trip(&changed);
    }
}

/// Writes `document`, reads it back and writes it again.
fn round_trip(document: &Document) {
    let written = match document.to_xml() {
        Ok(written) => written,
        Err(error) => panic!("a document that was read cannot be written: {error}"),
    };
    // Escapes may make the text longer than the input was; the size limit is not the point.
    let unbounded = Limits {
        max_bytes: usize::MAX,
        ..Limits::default()
    };
    let again = match parse_any(written.as_bytes(), &unbounded) {
        Ok(again) => again,
        Err(error) => panic!("what was written does not read back: {error}\n{written}"),
    };
    assert_eq!(&again, document, "the tree changed:\n{written}");
    assert_eq!(
        again.to_xml(),
        Ok(written),
        "writing again changed the bytes"
    );
}

/// Paths to the first elements of the tree, two levels deep, with indexes for repeated names.
fn paths(document: &Document) -> Vec<String> {
    let mut paths = Vec::new();
    for (first, first_path) in indexed(&document.root, String::new()) {
        for (_, second_path) in indexed(first, format!("{first_path}/")) {
            paths.push(second_path);
        }
        paths.push(first_path);
    }
    paths.truncate(32);
    paths
}

fn indexed(
    parent: &crate::config_xml::Element,
    prefix: String,
) -> impl Iterator<Item = (&crate::config_xml::Element, String)> {
    parent
        .elements()
        .take(8)
        .enumerate()
        .map(move |(position, element)| {
            let index = parent
                .elements()
                .take(position)
                .filter(|earlier| earlier.name == element.name)
                .count();
            (element, format!("{prefix}{}[{}]", element.name, index + 1))
        })
}
