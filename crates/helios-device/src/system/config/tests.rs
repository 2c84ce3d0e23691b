//! Refusals of uploaded configurations, with the element and the rule they name.

use super::*;

fn refusal(body: &str) -> String {
    let running = Running::load(&Profile::default_profile());
    let text = format!("<DeviceDatabase Version=\"4\">{body}</DeviceDatabase>");
    match running.prepare(text.as_bytes()) {
        Ok(_) => panic!("{body} was accepted"),
        Err(Invalid(message)) => message,
    }
}

#[test]
fn refusals_name_the_element_and_the_rule() {
    assert_eq!(
        refusal("<Switches><Switch><Id>1</Id><Duration>x</Duration></Switch></Switches>"),
        "Switches/Switch[1]/Duration: `x` is not a number from 1 to 3600"
    );
    assert_eq!(
        refusal("<Switches><Switch><Id>1</Id></Switch><Switch><Id>9</Id></Switch></Switches>"),
        "Switches/Switch[2]/Id: `9` is not a number from 1 to 4"
    );
    assert_eq!(
        refusal("<HttpApi><Accounts><Account><User>new</User></Account></Accounts></HttpApi>"),
        "HttpApi/Accounts/Account[1]/Password is missing"
    );
    assert_eq!(
        refusal("<Device><Name><First>a</First></Name></Device>"),
        "Device/Name holds elements, not a value"
    );
    let running = Running::load(&Profile::default_profile());
    assert!(running.prepare(b"<DeviceDatabase/>").is_err());
}

/// `with_profile` reads this thread's copy of the profile: a change is seen by the next call,
/// two devices on one thread each see their own, and a call from within another still works.
#[test]
fn each_call_sees_the_profile_that_runs() {
    let firmware = |running: &Running| running.with_profile(|profile| profile.firmware());
    let first = Running::load(&Profile::default_profile());
    let second = Running::load(&Profile::default_profile());
    let factory = firmware(&first);
    assert_eq!(firmware(&second), factory);

    let newer = FirmwareVersion::try_from("2.50.0.0.1".to_owned()).expect("a version");
    first.install(newer.clone());
    assert_eq!(
        firmware(&first),
        newer.version,
        "the change is seen at once"
    );
    assert_eq!(
        firmware(&second),
        factory,
        "the other device runs what it ran"
    );
    assert_eq!(firmware(&first), newer.version);

    // From within a call, for the other device and then for the same one.
    let nested = first.with_profile(|outer| {
        (
            outer.firmware(),
            firmware(&second),
            first.with_profile(|inner| inner.firmware()),
        )
    });
    assert_eq!(nested, (newer.version, factory, newer.version));

    first.factory_reset();
    assert_eq!(
        firmware(&first),
        newer.version,
        "a factory reset keeps the installed firmware, and is seen at once"
    );
}
