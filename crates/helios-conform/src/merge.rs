//! Shards merged (`helios-conform merge DIR... --out DIR`): each shard's report directory read
//! back whole (its cases from `results.ndjson`, their exchanges and attachments from the
//! evidence, the run's identity from `run.json` and the evidence's records) into one [`Report`],
//! which the ordinary writers then write and seal as if one run had judged every case.
//!
//! Shards of different runs are refused: every shard must come from the same tool and commit,
//! spec, declaration, device (variant and firmware), seed and selectors, and together they must
//! be the shards 1..=N of one `--shard K/N` each exactly once (or plain runs of disjoint cases).

use std::collections::{BTreeMap, BTreeSet, HashSet};
use std::path::{Path, PathBuf};
use std::sync::{Mutex, OnceLock};
use std::time::{Duration, SystemTime};

use base64::Engine as _;
use helios_client::Exchange;
use serde_json::Value;

use crate::discovery::Discovered;
use crate::outcome::{Attempt, Known, Outcome};
use crate::run::Report;
use crate::verdict::Verdict;

/// One shard's report directory, read back.
#[derive(Debug)]
pub struct Shard {
    pub dir: PathBuf,
    pub report: Report,
    /// `run.json`.
    pub run: Value,
    /// The evidence's (masked) declaration, as the writers take a profile's text.
    pub profile_text: String,
}

/// Why shards could not be merged: named, with the file or the difference.
#[derive(Debug, thiserror::Error)]
pub enum MergeError {
    #[error("{path}: {why}")]
    Read { path: PathBuf, why: String },
    #[error("{dir}: the run ended in a setup error; run that shard again")]
    Setup { dir: PathBuf },
    #[error("the shards come from different runs: {what} is {a} in {dir_a} but {b} in {dir_b}")]
    Different {
        what: String,
        a: String,
        b: String,
        dir_a: PathBuf,
        dir_b: PathBuf,
    },
    #[error("{0}")]
    Shards(String),
    #[error("case {id} is in both {a} and {b}: shards judge each case once")]
    Twice { id: String, a: PathBuf, b: PathBuf },
}

fn read_json(path: &Path) -> Result<Value, MergeError> {
    let text = std::fs::read_to_string(path).map_err(|e| MergeError::Read {
        path: path.to_owned(),
        why: e.to_string(),
    })?;
    serde_json::from_str(&text).map_err(|e| MergeError::Read {
        path: path.to_owned(),
        why: e.to_string(),
    })
}

/// A check's name as the outcomes have it (`&'static str`): the runner's checks are a handful
/// of names, each kept once for the process.
fn intern(name: &str) -> &'static str {
    static NAMES: OnceLock<Mutex<HashSet<&'static str>>> = OnceLock::new();
    let mut names = NAMES
        .get_or_init(Default::default)
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    if let Some(known) = names.get(name) {
        return known;
    }
    let kept: &'static str = Box::leak(name.to_owned().into_boxed_str());
    names.insert(kept);
    kept
}

impl Shard {
    /// Reads a sealed report directory back.
    pub fn read(dir: &Path) -> Result<Self, MergeError> {
        let run = read_json(&dir.join(crate::report::bundle::RUN))?;
        if run["setupError"].as_bool() == Some(true) {
            return Err(MergeError::Setup {
                dir: dir.to_owned(),
            });
        }
        let evidence = dir.join("evidence");
        let tool = read_json(&evidence.join("tool.json"))?;
        let device = read_json(&evidence.join("device.json"))?;
        let profile_path = evidence.join("profile.toml");
        let profile_text =
            std::fs::read_to_string(&profile_path).map_err(|e| MergeError::Read {
                path: profile_path,
                why: e.to_string(),
            })?;
        let stored = crate::history::StoredRun::read(dir).map_err(|e| MergeError::Read {
            path: dir.to_owned(),
            why: e.to_string(),
        })?;
        let mut outcomes = stored
            .cases
            .iter()
            .map(|case| outcome(&case.line, &evidence))
            .collect::<Result<Vec<_>, _>>()?;
        let ids: Vec<&str> = stored.cases.iter().map(|c| c.id.as_str()).collect();
        let mut attached = attachments(&evidence, &ids);
        for outcome in &mut outcomes {
            outcome.attachments = attached.remove(&outcome.id).unwrap_or_default();
        }
        let started = chrono::DateTime::parse_from_rfc3339(run["started"].as_str().unwrap_or(""))
            .map(SystemTime::from)
            .unwrap_or(SystemTime::UNIX_EPOCH);
        let report = Report {
            discovered: Discovered {
                variant: device["variant"].as_str().map(str::to_owned),
                sw_version: device["swVersion"].as_str().map(str::to_owned),
                ..Discovered::default()
            },
            outcomes,
            seed: tool["seed"].as_u64().unwrap_or_default(),
            cases: u32::try_from(tool["cases"].as_u64().unwrap_or_default()).unwrap_or(u32::MAX),
            allow: tool["allow"]
                .as_array()
                .into_iter()
                .flatten()
                .filter_map(|t| helios_spec::Tier::from_id(t.as_str()?))
                .collect(),
            started,
            duration: Duration::from_secs_f64(run["duration"].as_f64().unwrap_or_default()),
            setup: None,
            baseline: None,
        };
        Ok(Self {
            dir: dir.to_owned(),
            report,
            run,
            profile_text,
        })
    }

    /// What must be the same in every shard of one run, by name.
    fn identity(&self) -> Vec<(&'static str, String)> {
        let mut selectors = self.run["selectors"].clone();
        if let Some(object) = selectors.as_object_mut() {
            object.remove("shard");
        }
        [
            ("the tool", &self.run["tool"]),
            ("the spec", &self.run["spec"]),
            ("the declaration", &self.run["declaration"]["maskedSha256"]),
            ("the device", &self.run["device"]),
            ("the seed", &self.run["seed"]),
            ("the selectors", &selectors),
        ]
        .into_iter()
        .map(|(what, value)| (what, value.to_string()))
        .collect()
    }

    /// The shard of `--shard K/N` the run was, if it was one.
    fn part(&self) -> Option<(u64, u64)> {
        let text = self.run["selectors"]["shard"].as_str()?;
        let (k, n) = text.split_once('/')?;
        Some((k.parse().ok()?, n.parse().ok()?))
    }
}

/// A case's outcome from its `results.ndjson` line and its evidence.
fn outcome(line: &Value, evidence: &Path) -> Result<Outcome, MergeError> {
    let text = |key: &str| line[key].as_str().unwrap_or_default().to_owned();
    let id = text("id");
    let bad = |why: String| MergeError::Read {
        path: evidence.join("exchanges").join(format!("{id}.json")),
        why,
    };
    let path = text("function");
    let function = helios_spec::function(&path);
    let verdict = verdict(&text("verdict"), &text("detail"), line["erratum"].as_str())
        .ok_or_else(|| bad(format!("case {id}: unknown verdict {}", text("verdict"))))?;
    let mut outcome = Outcome {
        function: function.map_or_else(|| intern(&path), |f| f.path),
        service: function.map_or_else(|| intern(&text("service")), |f| f.service.name()),
        check: intern(&text("check")),
        verdict,
        expected: text("expected"),
        observed: text("observed"),
        replay: line.get("replay").cloned(),
        started: chrono::DateTime::parse_from_rfc3339(&text("timestamp"))
            .map(SystemTime::from)
            .unwrap_or(SystemTime::UNIX_EPOCH),
        duration: Duration::from_secs_f64(line["duration"].as_f64().unwrap_or_default()),
        ..Outcome::new(id.clone(), helios_spec::FUNCTIONS[0], "")
    };
    outcome.known = line.get("known").map(|k| Known {
        entry: k["entry"].as_str().unwrap_or_default().to_owned(),
        reason: k["reason"].as_str().unwrap_or_default().to_owned(),
        link: k["link"].as_str().unwrap_or_default().to_owned(),
        expires: k["expires"].as_str().unwrap_or_default().to_owned(),
    });
    outcome.attempts = attempts(line);
    outcome.requirements = line["requirements"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|r| r.as_str().map(str::to_owned))
        .collect();
    outcome.exchanges =
        exchanges(&evidence.join("exchanges").join(format!("{id}.json"))).map_err(bad)?;
    Ok(outcome)
}

/// A verdict from its id and detail (a non-strict one's erratum named apart).
fn verdict(id: &str, detail: &str, erratum: Option<&str>) -> Option<Verdict> {
    let why = detail.to_owned();
    Some(match id {
        "pass" => Verdict::Pass,
        "fail" => Verdict::Fail(why),
        "non-strict" => {
            let erratum = helios_spec::errata::erratum(erratum?)?.id;
            let suffix = format!(" (erratum {erratum})");
            Verdict::NonStrict {
                erratum,
                why: detail.strip_suffix(&suffix).unwrap_or(detail).to_owned(),
            }
        }
        "not-applicable" => Verdict::NotApplicable(why),
        "skipped" => Verdict::Skipped(why),
        "inconclusive" => Verdict::Inconclusive(why),
        "error" => Verdict::Error(why),
        _ => return None,
    })
}

fn attempts(line: &Value) -> Vec<Attempt> {
    line["attempts"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|a| {
            Some(Attempt {
                verdict: verdict(a["verdict"].as_str()?, a["detail"].as_str()?, None)?,
                observed: a["observed"].as_str()?.to_owned(),
            })
        })
        .collect()
}

/// A case's exchanges from its evidence file; none when it has no file (it sent nothing).
fn exchanges(path: &Path) -> Result<Vec<Exchange>, String> {
    let Ok(text) = std::fs::read_to_string(path) else {
        return Ok(Vec::new());
    };
    let record: Value = serde_json::from_str(&text).map_err(|e| e.to_string())?;
    let base64 = base64::engine::general_purpose::STANDARD;
    record["exchanges"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|e| {
            let bytes = |key: &str| {
                base64
                    .decode(e[key].as_str().unwrap_or_default())
                    .map_err(|err| format!("{key}: {err}"))
            };
            Exchange::from_bytes(
                &bytes("request")?,
                &bytes("response")?,
                Duration::from_millis(e["elapsedMs"].as_u64().unwrap_or_default()),
                e["curlAuth"].as_str().map(str::to_owned),
                e["insecure"].as_bool().unwrap_or_default(),
            )
            .ok_or_else(|| "an exchange that is not HTTP/1.1 text".to_owned())
        })
        .collect()
}

/// The attachments of the evidence (`attachments/<id>.<name>`), each to the longest case id
/// its file name begins with (ids contain dots: `a.b.diff` is `a.b`'s, not `a`'s).
fn attachments(evidence: &Path, ids: &[&str]) -> BTreeMap<String, Vec<(String, String)>> {
    let mut found: BTreeMap<String, Vec<(String, String)>> = BTreeMap::new();
    let Ok(entries) = std::fs::read_dir(evidence.join("attachments")) else {
        return found;
    };
    for entry in entries.flatten() {
        let Ok(file) = entry.file_name().into_string() else {
            continue;
        };
        let owner = ids
            .iter()
            .filter(|id| {
                file.len() > id.len() + 1
                    && file.starts_with(*id)
                    && file.as_bytes()[id.len()] == b'.'
            })
            .max_by_key(|id| id.len());
        if let (Some(id), Ok(text)) = (owner, std::fs::read_to_string(entry.path())) {
            found
                .entry((*id).to_owned())
                .or_default()
                .push((file[id.len() + 1..].to_owned(), text));
        }
    }
    for list in found.values_mut() {
        list.sort();
    }
    found
}

/// Shards of one run merged into one report: checked alike and complete, each case once.
pub fn merge(shards: Vec<Shard>) -> Result<Shard, MergeError> {
    let Some(first) = shards.first() else {
        return Err(MergeError::Shards(
            "merge needs at least one report directory".into(),
        ));
    };
    for shard in &shards[1..] {
        for ((what, a), (_, b)) in first.identity().into_iter().zip(shard.identity()) {
            if a != b {
                return Err(MergeError::Different {
                    what: what.into(),
                    a,
                    b,
                    dir_a: first.dir.clone(),
                    dir_b: shard.dir.clone(),
                });
            }
        }
    }
    complete(&shards)?;
    let mut seen: BTreeMap<String, PathBuf> = BTreeMap::new();
    let mut merged = Vec::new();
    for shard in &shards {
        for outcome in &shard.report.outcomes {
            if let Some(other) = seen.insert(outcome.id.clone(), shard.dir.clone()) {
                return Err(MergeError::Twice {
                    id: outcome.id.clone(),
                    a: other,
                    b: shard.dir.clone(),
                });
            }
            merged.push(outcome.clone());
        }
    }
    let started = shards
        .iter()
        .map(|s| s.report.started)
        .min()
        .unwrap_or(first.report.started);
    let ended = shards
        .iter()
        .map(|s| s.report.started + s.report.duration)
        .max()
        .unwrap_or(started);
    let mut run = first.run.clone();
    run["selectors"]["shard"] = Value::Null;
    Ok(Shard {
        dir: first.dir.clone(),
        report: Report {
            discovered: first.report.discovered.clone(),
            outcomes: merged,
            seed: first.report.seed,
            cases: first.report.cases,
            allow: first.report.allow.clone(),
            started,
            duration: ended.duration_since(started).unwrap_or_default(),
            setup: None,
            baseline: None,
        },
        run,
        profile_text: first.profile_text.clone(),
    })
}

/// Shards of `--shard K/N` must be 1..=N of one N, each once; plain runs need no such check.
fn complete(shards: &[Shard]) -> Result<(), MergeError> {
    let parts: Vec<Option<(u64, u64)>> = shards.iter().map(Shard::part).collect();
    if parts.iter().all(Option::is_none) {
        return Ok(());
    }
    let Some(Some((_, count))) = parts.first().copied() else {
        return Err(MergeError::Shards(
            "some directories are shards of --shard K/N and some are not".into(),
        ));
    };
    let mut seen = BTreeSet::new();
    for (shard, part) in shards.iter().zip(&parts) {
        match part {
            Some((k, n)) if *n == count && seen.insert(*k) => {}
            Some((k, n)) => {
                return Err(MergeError::Shards(format!(
                    "{} is shard {k}/{n}: shards of /{count} each once are needed",
                    shard.dir.display()
                )));
            }
            None => {
                return Err(MergeError::Shards(format!(
                    "{} is not a shard of --shard K/{count}",
                    shard.dir.display()
                )));
            }
        }
    }
    let missing: Vec<String> = (1..=count)
        .filter(|k| !seen.contains(k))
        .map(|k| format!("{k}/{count}"))
        .collect();
    if !missing.is_empty() {
        return Err(MergeError::Shards(format!(
            "shards missing: {} (every shard of the run is needed)",
            missing.join(", ")
        )));
    }
    Ok(())
}
