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
