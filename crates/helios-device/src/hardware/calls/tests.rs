//! The far ends and session rules of the simulated calls, without the device around them.

use super::far_end::{FarEnd, user_part};
use super::*;

fn secs(s: u64) -> Duration {
    Duration::from_secs(s)
}

fn states(changes: &[(Duration, Event)]) -> Vec<(u64, String, Option<String>)> {
    changes
        .iter()
        .map(|(at, event)| match event {
            Event::CallStateChanged { state, reason, .. } => {
                (at.as_secs(), state.clone(), reason.clone())
            }
            other => panic!("not a call event: {other:?}"),
        })
        .collect()
}

#[test]
fn the_user_part_decides_the_far_end() {
    assert_eq!(user_part("sip:1486@pbx;user=phone"), "1486");
    assert_eq!(user_part("sips:603@pbx"), "603");
    assert_eq!(user_part("5046"), "5046");
    assert_eq!(FarEnd::of("sip:2486@10.0.0.1"), FarEnd::Busy);
    assert_eq!(FarEnd::of("7408"), FarEnd::NeverAnswers);
    assert_eq!(FarEnd::of("sip:486x@host"), FarEnd::Answers);
}

#[test]
fn each_far_end_moves_through_its_states_on_time() {
    let mut calls = SimCalls::new("pbx.example.com".into(), true);
    let (answers, _) = calls.dial("5046", secs(0)).expect("dialled");
    let (busy, _) = calls.dial("sip:486@pbx", secs(0)).expect("dialled");
    let (rejects, _) = calls.dial("603", secs(0)).expect("dialled");
    let (silent, _) = calls.dial("408", secs(0)).expect("dialled");
    assert_eq!((answers, busy, rejects, silent), (1, 2, 3, 4));
    assert_eq!(calls.dial("1", secs(0)), Err(CallError::TooMany));
    let all = calls.settle(secs(60));
    let of = |session: u32| {
        let mine: Vec<_> = all
            .iter()
            .filter(
                |(_, e)| matches!(e, Event::CallStateChanged { session: s, .. } if *s == session),
            )
            .cloned()
            .collect();
        states(&mine)
    };
    let t = |s: &str| s.to_owned();
    assert_eq!(of(1), [(1, t("ringing"), None), (3, t("connected"), None)]);
    assert_eq!(of(2), [(1, t("terminated"), Some(t("busy")))]);
    assert_eq!(
        of(3),
        [
            (1, t("ringing"), None),
            (3, t("terminated"), Some(t("rejected")))
        ]
    );
    assert_eq!(
        of(4),
        [
            (1, t("ringing"), None),
            (31, t("terminated"), Some(t("noanswer")))
        ]
    );
    let times: Vec<Duration> = all.iter().map(|(at, _)| *at).collect();
    assert!(times.is_sorted(), "{times:?}");
    assert_eq!(calls.sessions().count(), 1);
    assert_eq!(calls.next_deadline(), None);
}

#[test]
fn session_ids_are_never_reused() {
    let mut calls = SimCalls::new("localhost".into(), false);
    let (first, _) = calls
        .incoming("sip:2229@10.0.97.150", secs(0))
        .expect("a call");
    calls.hangup(first, "rejected").expect("hung up");
    let (second, event) = calls.incoming("2229", secs(0)).expect("a call");
    assert_eq!((first, second), (1, 2));
    assert!(
        matches!(event, Event::CallStateChanged { ref peer, .. } if peer == "sip:2229@localhost")
    );
    let ended = calls.hangup(second, "busy").expect("hung up");
    // Firmware before 2.14 has no reason.
    assert!(matches!(
        ended,
        Event::CallStateChanged { reason: None, .. }
    ));
    assert_eq!(calls.hangup(second, "normal"), Err(CallError::Unknown(2)));
    assert!(matches!(
        calls.incoming("not a peer", secs(0)),
        Err(CallError::InvalidPeer(_))
    ));
}
