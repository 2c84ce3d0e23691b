//! Hand-written documents: the manual's example, what a device may add, every error.

use super::*;

/// Manual 5.6's example, completed into a well-formed document (the manual elides the rest
/// with ". . .").
pub(crate) const MANUAL_EXAMPLE: &str = r#"<?xml version="1.0" encoding="UTF-8"?>
<!--
        Product name: 2N Helios IP Vario
       Serial number: 08-1860-0035
    Software version: 2.10.0.19.2
    Hardware version: 535v1
  Bootloader version: 2.10.0.19.1
             Display: No
         Card reader: No
-->
<DeviceDatabase Version="4">
<Network>
    <DhcpEnabled>1</DhcpEnabled>
</Network>
</DeviceDatabase>
"#;

fn round_trips(text: &str) -> Document {
    let document = parse_any(text.as_bytes(), &Limits::default()).expect("a readable document");
    let written = document.to_xml().expect("a writable document");
    let again = parse_any(written.as_bytes(), &Limits::default()).expect("reads back");
    assert_eq!(again, document);
    assert_eq!(again.to_xml().as_deref(), Ok(written.as_str()));
    document
}

#[test]
fn the_manual_s_example_reads_and_writes_back_byte_for_byte() {
    let document = parse(MANUAL_EXAMPLE.as_bytes()).expect("the manual's example");
    assert_eq!(document.version(), Ok(4));
    assert_eq!(document.get("Network/DhcpEnabled").as_deref(), Ok("1"));
    assert!(matches!(&document.prolog[2], Node::Comment(c) if c.contains("08-1860-0035")));
    assert_eq!(document.to_xml().as_deref(), Ok(MANUAL_EXAMPLE));
}

#[test]
fn unknown_content_is_kept() {
    let text = "<?xml version=\"1.0\"?>\n<!DOCTYPE DeviceDatabase [ <!ENTITY vendor \"2N\"> ]>\n\
        <?xml-stylesheet href=\"cfg.xsl\"?>\n\
        <DeviceDatabase Version=\"5\" Future=\"yes\" a=\"&lt;&amp;&quot;'&#9;\">\
        <Unknown z=\"1\" y=\"2\"><Deep>x<!-- note -->y</Deep><Empty/><Open></Open></Unknown>\
        <Text>a &amp; b &lt; c &#x263A; &vendor; é</Text><![CDATA[ <raw> & ]]>\
        </DeviceDatabase>\n<!-- after -->\n";
    let document = round_trips(text);
    let unknown = document.element("Unknown").expect("kept");
    let names: Vec<&str> = unknown.attributes.iter().map(|a| a.name.as_str()).collect();
    assert_eq!(names, ["z", "y"]);
    assert_eq!(document.root.attribute("a"), Some("<&\"'\t"));
    assert_eq!(
        document.get("Text").as_deref(),
        Ok("a & b < c ☺ &vendor; é")
    );
    assert_eq!(document.get("Unknown/Deep").as_deref(), Ok("xy"));
    assert!(
        document
            .element("Unknown/Empty")
            .expect("kept")
            .self_closing
    );
    assert!(!document.element("Unknown/Open").expect("kept").self_closing);
    assert!(matches!(document.epilog.get(1), Some(Node::Comment(c)) if c == " after "));
}

#[test]
fn line_ends_are_normalised_and_carriage_returns_kept_when_escaped() {
    let document = round_trips("<a b=\"x\r\ny&#13;\">1\r\n2\r3&#13;</a>");
    assert_eq!(document.root.attribute("b"), Some("x y\r"));
    assert_eq!(document.root.text().as_deref(), Some("1\n2\n3\r"));
    assert_eq!(
        document.to_xml().as_deref(),
        Ok("<a b=\"x y&#13;\">1\n2\n3&#13;</a>")
    );
}

#[test]
fn set_replaces_values_and_creates_paths() {
    let mut document = parse(MANUAL_EXAMPLE.as_bytes()).expect("the manual's example");
    assert_eq!(
        document.set("Network/DhcpEnabled", "0"),
        Ok(Some("1".to_owned()))
    );
    assert_eq!(document.set("Network/IpAddress", "10.0.0.2"), Ok(None));
    assert_eq!(document.set("Users/User[1]/Name", "a<b"), Ok(None));
    assert_eq!(document.set("Users/User[2]/Name", "c"), Ok(None));
    assert!(matches!(
        document.set("Users/User[4]/Name", "d"),
        Err(ConfigXmlError::PathNotFound { .. })
    ));
    assert!(matches!(
        document.set("Network", "x"),
        Err(ConfigXmlError::NotAValue { .. })
    ));
    assert!(matches!(
        document.set("Network//x", "x"),
        Err(ConfigXmlError::InvalidPath { .. })
    ));
    assert!(matches!(
        document.get("Users/User[0]"),
        Err(ConfigXmlError::InvalidPath { .. })
    ));
    let document = round_trips(&document.to_xml().expect("writable"));
    assert_eq!(document.get("Network/DhcpEnabled").as_deref(), Ok("0"));
    assert_eq!(document.get("Users/User[2]/Name").as_deref(), Ok("c"));
    assert_eq!(document.get("Users/User/Name").as_deref(), Ok("a<b"));
}

#[test]
fn a_new_device_database() {
    let mut document = Document::device_database(4);
    assert_eq!(document.set("Network/DhcpEnabled", "1"), Ok(None));
    assert_eq!(
        document.to_xml().as_deref(),
        Ok(
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<DeviceDatabase Version=\"4\">\
            <Network><DhcpEnabled>1</DhcpEnabled></Network></DeviceDatabase>\n"
        )
    );
    document.set_version(5);
    assert_eq!(document.version(), Ok(5));
    document.root.set_attribute(VERSION_ATTRIBUTE, "four");
    assert!(matches!(
        document.version(),
        Err(ConfigXmlError::InvalidVersion(_))
    ));
}

#[test]
fn the_upload_limit_comes_from_the_spec() {
    assert_eq!(Limits::default().max_bytes, 4 << 20);
}

#[test]
fn errors_are_typed() {
    let limits = Limits::default();
    let read = |text: &str| parse_any(text.as_bytes(), &limits);
    let malformed = [
        "<a>x</b>",
        "<a><b></a>",
        "<a>",
        "<a b=\"1\" b=\"2\"/>",
        "<a b=\"&x;\"/>",
        "text<a/>",
        "<a/><b/>",
        "<a>&#0;</a>",
        "<a>&#xD800;</a>",
        "<a>&</a>",
        "<1a/>",
        "<a b=x/>",
        " <?xml version=\"1.0\"?><a/>",
        "<a><?xml version=\"1.0\"?></a>",
        "<?XML x?><a/>",
        "<a/><!DOCTYPE a>",
        "<a/>&amp;",
        "<a/><![CDATA[x]]>",
    ];
    for text in malformed {
        assert!(
            matches!(read(text), Err(ConfigXmlError::Malformed { .. })),
            "{text:?}: {:?}",
            read(text)
        );
    }
    assert_eq!(read(""), Err(ConfigXmlError::NoRoot));
    assert_eq!(read("<!-- only -->"), Err(ConfigXmlError::NoRoot));
    assert_eq!(
        parse(b"<Config/>"),
        Err(ConfigXmlError::WrongRoot {
            found: "Config".to_owned(),
            expected: "DeviceDatabase"
        })
    );
    assert_eq!(
        parse(b"<a\xff/>"),
        Err(ConfigXmlError::NotUtf8 { offset: 2 })
    );
    assert_eq!(
        read("<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?><a/>"),
        Err(ConfigXmlError::UnsupportedEncoding("ISO-8859-1".to_owned()))
    );
    assert!(read("\u{FEFF}<a/>").is_ok());
}

#[test]
fn limits_are_errors() {
    let limits = Limits {
        max_bytes: 64,
        max_depth: 3,
        max_elements: 4,
        max_nodes: 6,
    };
    let read = |text: &str| parse_any(text.as_bytes(), &limits);
    assert!(read("<a><b><c/></b></a>").is_ok());
    assert!(matches!(
        read("<a><b><c><d/></c></b></a>"),
        Err(ConfigXmlError::TooDeep { limit: 3, .. })
    ));
    assert_eq!(
        read("<a><b/><b/><b/><b/></a>"),
        Err(ConfigXmlError::TooManyElements { limit: 4 })
    );
    assert_eq!(
        read("<a>1<!---->2<!---->3<!---->4</a>"),
        Err(ConfigXmlError::TooManyNodes { limit: 6 })
    );
    assert_eq!(
        read(&format!("<a>{}</a>", "x".repeat(60))),
        Err(ConfigXmlError::TooLarge {
            size: 67,
            limit: 64
        })
    );
}

#[test]
fn the_writer_refuses_what_would_not_read_back() {
    let with_child = |node: Node| {
        let mut root = Element::new("a");
        root.children.push(node);
        Document::new(root)
    };
    let refused = [
        with_child(Node::Comment("a-->b".to_owned())),
        with_child(Node::CData("]]>".to_owned())),
        with_child(Node::CData("\r".to_owned())),
        with_child(Node::EntityRef("not a name".to_owned())),
        with_child(Node::ProcessingInstruction("xml x".to_owned())),
        with_child(Node::Declaration("xml".to_owned())),
        with_child(Node::DocType("a".to_owned())),
        Document::new(Element::new("1a")),
        Document {
            prolog: vec![Node::Text("not space".to_owned())],
            root: Element::new("a"),
            epilog: Vec::new(),
        },
    ];
    for document in refused {
        assert!(
            matches!(document.to_xml(), Err(ConfigXmlError::Unwritable { .. })),
            "{document:?}"
        );
    }
}

#[test]
fn a_deep_tree_built_by_hand_writes_without_recursion() {
    let mut element = Element::new("leaf");
    for _ in 0..10_000 {
        let mut parent = Element::new("n");
        parent.children.push(Node::Element(element));
        element = parent;
    }
    let document = Document::new(element);
    let written = document.to_xml().expect("writable");
    assert!(written.starts_with("<?xml"));
    assert!(matches!(
        parse_any(written.as_bytes(), &Limits::default()),
        Err(ConfigXmlError::TooDeep { limit: 64, .. })
    ));
    // Dropping a tree this deep recurses in the derived Drop; leak it instead of risking the
    // test thread's stack.
    std::mem::forget(document);
}
