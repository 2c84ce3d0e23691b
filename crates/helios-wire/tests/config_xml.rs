//! Properties of the config XML reader and writer over generated trees: escapes, entities,
//! unicode, comments, CDATA and processing instructions all survive write, read, write; and no
//! input makes the reader panic.

use helios_wire::config_xml::{Attribute, Document, Element, Limits, Node, parse, parse_any};
use proptest::prelude::*;

fn name() -> impl Strategy<Value = String> {
    prop_oneof![
        "[A-Za-z_][A-Za-z0-9_.-]{0,8}",
        Just("DhcpEnabled".to_owned()),
        Just("ns:Element".to_owned()),
        Just("Ünïcødé名前".to_owned()),
    ]
}

/// Text with everything that needs escaping, line breaks of every kind, and unicode.
fn text() -> impl Strategy<Value = String> {
    prop_oneof![
        3 => "[a-z &<>\"';#\t\n\r\u{e9}\u{263a}\u{1F600}\\]]{1,16}",
        1 => any::<String>(),
    ]
}

fn comment() -> impl Strategy<Value = String> {
    any::<String>().prop_filter("no end marker", |text| !text.contains("-->"))
}

fn cdata() -> impl Strategy<Value = String> {
    text().prop_filter("no end marker, no CR", |text| {
        !text.contains("]]>") && !text.contains('\r')
    })
}

fn processing_instruction() -> impl Strategy<Value = String> {
    (name(), "[a-z =\"<>&]{0,10}")
        .prop_filter("not the reserved target", |(target, _)| {
            !target.eq_ignore_ascii_case("xml")
        })
        .prop_map(|(target, data)| format!("{target} {data}"))
}

fn attributes() -> impl Strategy<Value = Vec<Attribute>> {
    prop::collection::vec((name(), text()), 0..4).prop_map(|pairs| {
        let mut attributes: Vec<Attribute> = Vec::new();
        for (name, value) in pairs {
            if attributes.iter().all(|attribute| attribute.name != name) {
                attributes.push(Attribute { name, value });
            }
        }
        attributes
    })
}

fn leaf() -> impl Strategy<Value = Node> {
    prop_oneof![
        4 => text().prop_map(Node::Text),
        1 => cdata().prop_map(Node::CData),
        1 => comment().prop_map(Node::Comment),
        1 => processing_instruction().prop_map(Node::ProcessingInstruction),
        1 => name()
            .prop_filter("not a predefined entity, which reads back as text", |name| {
                !["lt", "gt", "amp", "apos", "quot"].contains(&name.as_str())
            })
            .prop_map(Node::EntityRef),
    ]
}

fn element() -> impl Strategy<Value = Element> {
    let leaf_element =
        (name(), attributes(), any::<bool>()).prop_map(|(name, attributes, self_closing)| {
            Element {
                name,
                attributes,
                children: Vec::new(),
                self_closing,
            }
        });
    leaf_element.prop_recursive(5, 64, 6, |inner| {
        (
            name(),
            attributes(),
            prop::collection::vec(prop_oneof![leaf(), inner.prop_map(Node::Element)], 0..6),
        )
            .prop_map(|(name, attributes, children)| Element {
                name,
                attributes,
                children: merge_text(children),
                self_closing: false,
            })
    })
}

/// What reading yields: no empty text, never two text nodes in a row.
fn merge_text(nodes: Vec<Node>) -> Vec<Node> {
    let mut merged: Vec<Node> = Vec::new();
    for node in nodes {
        match (merged.last_mut(), node) {
            (_, Node::Text(text)) if text.is_empty() => {}
            (Some(Node::Text(last)), Node::Text(text)) => last.push_str(&text),
            (_, node) => merged.push(node),
        }
    }
    merged
}

fn misc() -> impl Strategy<Value = Node> {
    prop_oneof![
        "[ \t\n]{1,3}".prop_map(Node::Text),
        comment().prop_map(Node::Comment),
        processing_instruction().prop_map(Node::ProcessingInstruction),
    ]
}

fn document() -> impl Strategy<Value = Document> {
    (
        any::<bool>(),
        prop::collection::vec(misc(), 0..3),
        element(),
        prop::collection::vec(misc(), 0..3),
    )
        .prop_map(|(declared, prolog, root, epilog)| {
            let mut document = Document::new(root);
            if !declared {
                document.prolog.clear();
            }
            document.prolog.extend(prolog);
            document.prolog = merge_text(std::mem::take(&mut document.prolog));
            document.epilog = merge_text(epilog);
            document
        })
}

proptest! {
    #[test]
    fn generated_trees_write_read_and_write_again_unchanged(document in document()) {
        let written = document.to_xml().expect("a generated tree is writable");
        let read = parse_any(written.as_bytes(), &Limits::default());
        prop_assert_eq!(read.as_ref(), Ok(&document), "{}", written);
        let again = read.map(|read| read.to_xml());
        prop_assert_eq!(again, Ok(Ok(written)));
    }

    #[test]
    fn configuration_values_survive_set_write_and_read(value in text(), name in name()) {
        let mut document = Document::device_database(4);
        let path = format!("Network/{name}");
        prop_assert_eq!(document.set(&path, &value), Ok(None));
        let written = document.to_xml().expect("writable");
        let read = parse(written.as_bytes()).expect("reads back");
        prop_assert_eq!(read.get(&path), Ok(value));
        prop_assert_eq!(read.version(), Ok(4));
    }

    #[test]
    fn garbage_never_panics(data in prop::collection::vec(any::<u8>(), 0..400)) {
        helios_wire::fuzzing::config_xml(&data);
    }

    /// Garbage made of XML's own vocabulary gets much further than random bytes.
    #[test]
    fn near_miss_documents_never_panic(
        pieces in prop::collection::vec(
            prop::sample::select(vec![
                "<", ">", "</", "/>", "<a", "<DeviceDatabase", " Version=\"4\"", "</a>", "b",
                "=", "\"", "'", "&amp;", "&lt;", "&#x41;", "&#0;", "&x;", "&", ";", "<!--", "-->",
                "<![CDATA[", "]]>", "<?", "?>", "<?xml version=\"1.0\"?>", "<!DOCTYPE a [", "]",
                " ", "\r\n", "\n", "\t", "é", "\u{FEFF}",
            ]),
            0..40,
        ),
    ) {
        helios_wire::fuzzing::config_xml(pieces.concat().as_bytes());
    }
}

fn seed(name: &str) -> Vec<u8> {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../fuzz/corpus/config_xml")
        .join(name);
    std::fs::read(path).expect("a seed file")
}

/// The seed corpus says what its file names say.
#[test]
fn seed_corpus_files_hold_what_their_names_say() {
    let manual = seed("manual_example_completed.xml");
    let document = parse(&manual).expect("the manual's example");
    assert_eq!(document.get("Network/DhcpEnabled").as_deref(), Ok("1"));
    assert_eq!(document.to_xml().map(String::into_bytes), Ok(manual));

    let unknown = parse(&seed("unknown_elements_attributes_comments_cdata.xml")).expect("read");
    assert_eq!(unknown.version(), Ok(5));
    assert_eq!(unknown.get("Users/User[1]/Code").as_deref(), Ok("1234#<>&"));
    assert_eq!(
        unknown.get("Users/User[2]/Name").as_deref(),
        Ok("Night & weekend")
    );
    let future = unknown.element("Network/FutureSetting").expect("kept");
    assert_eq!(future.attribute("Mode"), Some("auto"));
    assert_eq!(unknown.root.attribute("x:extra"), Some("kept"));

    let entities = parse(&seed("entities_escapes_and_unicode.xml")).expect("read");
    assert_eq!(
        entities.root.attribute("Note"),
        Some("tab\tnewline\nquote\"apos'lt<")
    );
    assert_eq!(
        entities.get("Display/Text").as_deref(),
        Ok("café ☺ 😀 <b> 1 > 0 && ]]>")
    );

    let doctype = parse(&seed("doctype_entity_reference_and_pi.xml")).expect("read");
    assert_eq!(doctype.get("System/Vendor").as_deref(), Ok("&vendor;"));
    assert!(matches!(
        doctype.element("System/Vendor").map(|vendor| &vendor.children[..]),
        Ok([Node::EntityRef(name)]) if name == "vendor"
    ));

    let crlf = parse(&seed("bom_and_crlf_line_endings.xml")).expect("read");
    assert_eq!(crlf.get("Network/DhcpEnabled").as_deref(), Ok("1"));
    assert!(!crlf.to_xml().expect("writable").contains('\r'));

    assert!(matches!(
        parse(&seed("wrong_root_element.xml")),
        Err(helios_wire::config_xml::ConfigXmlError::WrongRoot { .. })
    ));
}
