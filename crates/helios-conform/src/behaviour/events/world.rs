//! Events of the outside world: raised through the stimulus interface, or by the operator when
//! asked in `--interactive` mode.

use helios_spec::Event;

use crate::behaviour::observe::{Watch, judge, wait, watched};
use crate::model::events::sample_params;
use crate::model::{Transcript, stimulus};
use crate::session::Session;
use crate::verdict::Stop;

/// What the operator is asked to do for an event of the outside world.
fn request(event: &Event) -> &'static str {
    match event.name {
        "CardEntered" => "tap a card on the reader",
        "KeyPressed" | "KeyReleased" => "press and release a key",
        "CodeEntered" => "enter a code on the keypad",
        "MotionDetected" => "move in front of the camera",
        "NoiseDetected" => "make a noise near the microphone",
        "TamperSwitchActivated" => "open the device's cover",
        "UnauthorizedDoorOpen" => "open the door without authorisation",
        "DoorOpenTooLong" => "hold the door open past its time",
        "UserAuthenticated" => "authenticate as a phone book user",
        "SilentAlarm" => "raise a silent alarm",
        _ => "raise this event at the device",
    }
}

pub(super) async fn world_event(
    session: &mut Session<'_>,
    event: &'static Event,
    transcript: &mut Transcript,
) -> Result<String, Stop> {
    if let Ok(stimulus) = stimulus(session) {
        let params = sample_params(event, false);
        let watch = Watch::open(session, event.name, transcript).await?;
        stimulus.event(event.name, &params).await?;
        let wait = wait(session);
        return watched(session, watch, &[params], wait, transcript).await;
    }
    if !session.options.interactive {
        return Err(Stop::NotApplicable(format!(
            "{} needs someone at the device: no stimulus interface, and not --interactive",
            event.name
        )));
    }
    let seconds = session.profile.tolerances.operator_seconds;
    let watch = Watch::open(session, event.name, transcript).await?;
    eprintln!(
        "conform: operator: {} now ({}; waiting up to {seconds} s)",
        request(event),
        event.name
    );
    let found = watch.collect(session, 1, seconds, transcript).await?;
    watch.close(session, transcript).await;
    let Some(record) = found.iter().flat_map(|(_, r)| r).next() else {
        return Err(Stop::Undecided(format!(
            "no {} within {seconds} s: did the operator act?",
            event.name
        )));
    };
    if !record.fits {
        return Err(Stop::Fail(format!(
            "{} with params the manual does not allow: {}",
            event.name, record.params
        )));
    }
    // Each account allowed to see it got the one the operator raised.
    let params = record.params.clone();
    judge(session, event.name, &found, &[params])
}
