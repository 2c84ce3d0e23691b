//! Selectors: which cases and behaviour groups a run takes (`--only`, a replay's or a
//! confirmation's case id, `--rerun-failed`'s ids, `--shard K/N`), decided the same way for a
//! run and for `--list`, and the nearest ids when a selector matches nothing.

use std::collections::BTreeSet;

use helios_spec::Function;
use sha2::{Digest, Sha256};

/// Everything that narrows a run, borrowed from the options (and a confirmation's focus).
#[derive(Clone, Copy, Debug, Default)]
pub struct Selection<'a> {
    /// `--only`: a substring of the case id or of the function's path.
    pub only: Option<&'a str>,
    /// Exactly this case (a replay, a confirmation).
    pub exact: Option<&'a str>,
    /// Only these case ids (`--rerun-failed`): a group is taken when one of its cases is.
    pub ids: Option<&'a BTreeSet<String>>,
    /// Only this shard's part of the cases.
    pub shard: Option<Shard>,
}

impl Selection<'_> {
    /// Whether the request case `id` of `function` is selected.
    pub fn case(&self, id: &str, function: &Function) -> bool {
        if let Some(only) = self.only
            && !id.contains(only)
            && !function.path.contains(only)
        {
            return false;
        }
        self.exact.is_none_or(|exact| exact == id)
            && self.ids.is_none_or(|ids| ids.contains(id))
            && self.shard.is_none_or(|shard| shard.owns(id))
    }

    /// Whether the behaviour group whose case ids start with `group` is selected: a selector
    /// naming one of its cases, or a part of its id; a shard takes a group whole.
    pub fn group(&self, group: &str) -> bool {
        let matches = |wanted: &str| wanted.starts_with(group) || group.contains(wanted);
        self.only.is_none_or(matches)
            && self.exact.is_none_or(matches)
            && self
                .ids
                .is_none_or(|ids| ids.iter().any(|id| id.starts_with(group)))
            && self.shard.is_none_or(|shard| shard.owns(group))
    }

    /// Whether an outcome a run judges whatever the selectors (discovery's cross-check, the
    /// health probe after the request cases) belongs in this run's report: in one shard only,
    /// and, with `--rerun-failed`, only when it had failed.
    pub fn reports(&self, id: &str) -> bool {
        self.ids.is_none_or(|ids| ids.contains(id)) && self.shard.is_none_or(|shard| shard.owns(id))
    }
}

/// `--shard K/N`: the K-th of N parts of the cases (K from 1). A request case belongs to the
/// part its id hashes to, a behaviour group whole to the part of its id, so that N runs with
/// K = 1..=N judge every case exactly once. The hash is SHA-256, stable across builds and
/// machines (never the standard library's randomised hasher).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Shard {
    pub index: u32,
    pub count: u32,
}

impl Shard {
    /// Reads `K/N`, 1 <= K <= N.
    pub fn parse(text: &str) -> Result<Self, String> {
        let (k, n) = text
            .split_once('/')
            .ok_or_else(|| format!("`{text}` is not K/N (e.g. 2/4)"))?;
        let number = |part: &str| {
            part.trim()
                .parse::<u32>()
                .map_err(|_| format!("`{text}` is not K/N: `{part}` is not a number"))
        };
        let (index, count) = (number(k)?, number(n)?);
        if count == 0 || index == 0 || index > count {
            return Err(format!(
                "`{text}`: K must be between 1 and N, and N at least 1"
            ));
        }
        Ok(Self { index, count })
    }

    /// Whether the unit `id` (a case id, a group id) belongs to this shard.
    pub fn owns(&self, id: &str) -> bool {
        let digest = Sha256::digest(id.as_bytes());
        let mut head = [0u8; 8];
        head.copy_from_slice(&digest[..8]);
        u64::from_be_bytes(head) % u64::from(self.count) == u64::from(self.index - 1)
    }
}

impl std::fmt::Display for Shard {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}/{}", self.index, self.count)
    }
}

/// The `count` candidates nearest to `wanted` (case ids, function paths), nearest first: by
/// edit distance to the candidate, to its beginning as long as `wanted`, or to its closest
/// part; none further than half of `wanted` (a selector near nothing gets no suggestion).
pub fn nearest<'c>(wanted: &str, candidates: &[&'c str], count: usize) -> Vec<&'c str> {
    let distance = |candidate: &str| {
        let whole = strsim::levenshtein(wanted, candidate);
        let beginning: String = candidate.chars().take(wanted.chars().count()).collect();
        let parts = candidate
            .split(['.', '/', '_', '-'])
            .map(|part| strsim::levenshtein(wanted, part))
            .min()
            .unwrap_or(whole);
        whole
            .min(parts)
            .min(strsim::levenshtein(wanted, &beginning))
    };
    let furthest = (wanted.chars().count() / 2).max(2);
    let mut ranked: Vec<(usize, &str)> = candidates
        .iter()
        .map(|c| (distance(c), *c))
        .filter(|(d, _)| *d <= furthest)
        .collect();
    ranked.sort();
    ranked.dedup_by(|a, b| a.1 == b.1);
    ranked.into_iter().take(count).map(|(_, c)| c).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_typo_finds_what_it_meant() {
        let ids = [
            "switch_ctrl.get.ok",
            "io_ctrl.get.ok",
            "log_pull.get.ok",
            "timing.pull",
        ];
        assert_eq!(nearest("swtich", &ids, 1), ["switch_ctrl.get.ok"]);
        assert_eq!(nearest("tmiing", &ids, 1), ["timing.pull"]);
        assert!(nearest("zzzzzzzz", &ids, 3).is_empty());
    }

    fn only(only: &str) -> Selection<'_> {
        Selection {
            only: Some(only),
            ..Selection::default()
        }
    }

    #[test]
    fn groups_are_selected_by_a_part_of_their_id_or_one_of_their_cases() {
        assert!(only("model").group("model.switch"));
        assert!(only("model.switch.sequence").group("model.switch"));
        assert!(!only("timing").group("model.switch"));
        let exact = Selection {
            exact: Some("model.switch"),
            ..Selection::default()
        };
        assert!(exact.group("model.switch"));
    }

    #[test]
    fn rerun_ids_take_their_cases_and_the_groups_of_their_cases() {
        let ids: BTreeSet<String> = ["model.switch.sequence".to_owned(), "a.b".to_owned()].into();
        let selection = Selection {
            ids: Some(&ids),
            ..Selection::default()
        };
        assert!(selection.group("model.switch"));
        assert!(!selection.group("timing"));
        let function = &helios_spec::FUNCTIONS[0];
        assert!(selection.case("a.b", function));
        assert!(!selection.case("a.c", function));
    }

    #[test]
    fn shards_partition_every_unit_exactly_once() {
        let units: Vec<String> = (0..500).map(|i| format!("case.{i}")).collect();
        for count in 1..=5 {
            let shards: Vec<Shard> = (1..=count).map(|index| Shard { index, count }).collect();
            let mut sizes = vec![0; shards.len()];
            for unit in &units {
                let owners: Vec<usize> = (0..shards.len())
                    .filter(|&i| shards[i].owns(unit))
                    .collect();
                assert_eq!(owners.len(), 1, "{unit} in {count} shards");
                sizes[owners[0]] += 1;
            }
            // Balanced to within a generous margin (500 units).
            assert!(
                sizes.iter().all(|&n| n * count as usize > 500 / 2),
                "{sizes:?}"
            );
        }
        // Stable across builds: a fixed id lands in a fixed shard.
        assert!(Shard { index: 1, count: 1 }.owns("anything"));
    }

    #[test]
    fn shard_syntax_is_checked() {
        assert_eq!(Shard::parse("2/4"), Ok(Shard { index: 2, count: 4 }));
        for bad in ["0/4", "5/4", "1/0", "1", "a/b", ""] {
            assert!(Shard::parse(bad).is_err(), "{bad}");
        }
    }
}
