//! Deadlines: a channel's `duration` and a monostable switch's `switchOnDuration`.

use super::*;

pub(super) async fn channel_duration(session: &Session<'_>) -> Outcome {
    let mut log = Log::default();
    let found = channel_duration_found(session, &mut log)
        .await
        .unwrap_or_else(Found::from);
    let expected =
        "a channel of duration=3 closes 3 s after it was last pulled, and a pull extends it";
    outcome(
        "timing.channel.duration",
        &log::subscribe::FUNCTION,
        expected,
        log,
        found,
    )
}

async fn channel_duration_found(session: &Session<'_>, log: &mut Log) -> Result<Found, Departure> {
    let Some(filter) = quiet_filter(session) else {
        return Ok(Found::NotApplicable(
            "log/caps lists no event that stays quiet".into(),
        ));
    };
    let client = match client(session, &log::subscribe::FUNCTION) {
        Ok(client) => client,
        Err(found) => return Ok(found),
    };
    let tolerance = Duration::from_millis(session.profile.tolerances.channel_ms);
    let duration = Duration::from_secs(3);
    let (kept, _) = subscribe(&client, filter, 3, log).await?;
    let (left, opened) = subscribe(&client, filter, 3, log).await?;
    sleep(Duration::from_millis(1500)).await;
    let first = log.send_with(&client, pull(kept, 0)).await?;
    first.success()?;
    sleep_until(opened.received + duration + tolerance + Duration::from_millis(200)).await;
    let expired = log.send_with(&client, pull(left, 0)).await?;
    let extended = log.send_with(&client, pull(kept, 0)).await?;
    unsubscribe(&client, kept, log).await;
    if expired.sent <= opened.received + duration + tolerance
        || extended.received + tolerance >= first.sent + duration
    {
        return Ok(Found::Undecided(
            "the runner's pulls came too late to decide".into(),
        ));
    }
    if expired.reply.is_ok() {
        return Ok(Found::Fail(format!(
            "a channel never pulled still answered {} ms after it opened with duration=3",
            ms(expired.sent - opened.received)
        )));
    }
    let others: Vec<(ErrorCode, &'static str)> = ErrorCode::ALL
        .into_iter()
        .filter(|c| *c != ErrorCode::InvalidParameter)
        .map(|c| (c, "unknown-subscription"))
        .collect();
    expired.refused(
        log,
        "a pull of an expired channel",
        ErrorCode::InvalidParameter,
        Some("id"),
        &others,
    )?;
    if extended.reply.is_err() {
        return Ok(Found::Fail(format!(
            "a channel pulled at 1.5 s was closed {} ms after that pull: the pull did not extend it",
            ms(extended.sent - first.sent)
        )));
    }
    Ok(Found::Pass(format!(
        "closed after {} ms unpulled; alive {} ms after a pull",
        ms(expired.sent - opened.received),
        ms(extended.received - first.sent)
    )))
}

pub(super) async fn monostable(session: &Session<'_>) -> Outcome {
    let mut log = Log::default();
    let found = monostable_found(session, &mut log)
        .await
        .unwrap_or_else(Found::from);
    let expected = "a monostable switch is active until switchOnDuration, then off";
    outcome(
        "timing.switch.monostable",
        // switch/ctrl promises the switch-off (5.8); switch/status only reports it.
        &switch::ctrl::FUNCTION,
        expected,
        log,
        found,
    )
}

async fn monostable_found(session: &Session<'_>, log: &mut Log) -> Result<Found, Departure> {
    let Some((id, seconds)) = session
        .discovered
        .switch_caps
        .iter()
        .filter(|c| c.enabled)
        .filter_map(|c| c.monostable.map(|d| (c.switch, d)))
        .filter(|(_, d)| (1..=10).contains(d))
        .min_by_key(|(_, d)| *d)
    else {
        return Ok(Found::NotApplicable(
            "no enabled monostable switch of 10 s or less".into(),
        ));
    };
    let client = match client(session, &switch::ctrl::FUNCTION) {
        Ok(client) => client,
        Err(found) => return Ok(found),
    };
    let tolerance = Duration::from_millis(session.profile.tolerances.switch_ms);
    let duration = Duration::from_secs(u64::from(seconds));
    let margin = Duration::from_millis(150);
    let ctrl = |action: &str| {
        Call::new(&switch::ctrl::FUNCTION)
            .param("switch", id)
            .param("action", action)
    };
    let status = || Call::new(&switch::status::FUNCTION).param("switch", id);
    log.send_with(&client, ctrl("off")).await?.success()?;
    let on = log.send_with(&client, ctrl("on")).await?;
    on.success()?;
    sleep_until(on.received + duration - tolerance - margin).await;
    let before = log.send_with(&client, status()).await?;
    sleep_until(on.received + duration + tolerance + margin).await;
    let after = log.send_with(&client, status()).await?;
    let _ = log.send_with(&client, ctrl("off")).await;
    let active = |answer: &Answer| -> Result<bool, Departure> {
        answer.success()?["switches"][0]["active"]
            .as_bool()
            .ok_or_else(|| Departure::Fail("switch/status gave no active".into()))
    };
    if before.received + tolerance >= on.sent + duration
        || after.sent <= on.received + duration + tolerance
    {
        return Ok(Found::Undecided(
            "the runner's reads came too late to decide".into(),
        ));
    }
    Ok(match (active(&before)?, active(&after)?) {
        (false, _) => Found::Fail(format!(
            "switch {id} ({seconds} s) was off {} ms after it was switched on",
            ms(before.received - on.sent)
        )),
        (true, true) => Found::Fail(format!(
            "switch {id} ({seconds} s) was still on {} ms after it was switched on",
            ms(after.sent - on.received)
        )),
        (true, false) => Found::Pass(format!(
            "switch {id}: on at {} ms, off at {} ms (duration {seconds} s ± {} ms)",
            ms(before.received - on.sent),
            ms(after.sent - on.received),
            ms(tolerance)
        )),
    })
}
